// SPDX-License-Identifier: MIT
/// @file Defines the netlink form of the config layer's events: a table from each MAC event type
/// to its nl80211 message number and attributes, and the event encoder and decoder.
#pragma once

#include <boost/hana/at_key.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include <softmac/cfg/commands.hpp>

namespace softmac::cfg {

/// @brief Events on the wire: the interface, then the event's own attributes. The `vif` member
/// of a MAC event is the config layer's business and is not sent.
namespace wire {

/// @brief The message an event travels in: its number and the attributes of its members.
template <std::uint8_t Id, class... Fields>
struct form {
    static constexpr std::uint8_t id = Id;
    static constexpr auto fields = boost::hana::make_tuple(Fields{}...);
};

/// @brief Every MAC event type → its message. One special case: an aborted scan_done travels as
/// NL80211_CMD_SCAN_ABORTED (see id_of).
inline constexpr auto event_table = [] {
    namespace hana = boost::hana;
    namespace me = mac::event;
    return hana::make_map(
        hana::make_pair(hana::type_c<me::scan_done>, form<NL80211_CMD_NEW_SCAN_RESULTS>{}),
        hana::make_pair(
            hana::type_c<me::authenticate>,
            form<NL80211_CMD_AUTHENTICATE, field<NL80211_ATTR_MAC, &me::authenticate::bssid>,
                 field<NL80211_ATTR_TIMED_OUT, &me::authenticate::timed_out>,
                 field<NL80211_ATTR_FRAME, &me::authenticate::frame>>{}),
        hana::make_pair(hana::type_c<me::associate>,
                        form<NL80211_CMD_ASSOCIATE, field<NL80211_ATTR_MAC, &me::associate::bssid>,
                             field<NL80211_ATTR_TIMED_OUT, &me::associate::timed_out>,
                             field<NL80211_ATTR_FRAME, &me::associate::frame>>{}),
        hana::make_pair(hana::type_c<me::connect>,
                        form<NL80211_CMD_CONNECT, field<NL80211_ATTR_MAC, &me::connect::bssid>,
                             field<NL80211_ATTR_STATUS_CODE, &me::connect::status>,
                             field<NL80211_ATTR_TIMED_OUT, &me::connect::timed_out>,
                             field<NL80211_ATTR_REQ_IE, &me::connect::req_ie>,
                             field<NL80211_ATTR_RESP_IE, &me::connect::resp_ie>>{}),
        hana::make_pair(
            hana::type_c<me::disconnect>,
            form<NL80211_CMD_DISCONNECT, field<NL80211_ATTR_REASON_CODE, &me::disconnect::reason>,
                 field<NL80211_ATTR_DISCONNECTED_BY_AP, &me::disconnect::by_ap>>{}),
        hana::make_pair(hana::type_c<me::deauthenticate>,
                        form<NL80211_CMD_DEAUTHENTICATE,
                             field<NL80211_ATTR_FRAME, &me::deauthenticate::frame>>{}),
        hana::make_pair(
            hana::type_c<me::disassociate>,
            form<NL80211_CMD_DISASSOCIATE, field<NL80211_ATTR_FRAME, &me::disassociate::frame>>{}),
        hana::make_pair(hana::type_c<me::frame>,
                        form<NL80211_CMD_FRAME, field<NL80211_ATTR_WIPHY_FREQ, &me::frame::freq>,
                             field<NL80211_ATTR_RX_SIGNAL_DBM, &me::frame::signal_dbm>,
                             field<NL80211_ATTR_FRAME, &me::frame::bytes>>{}),
        hana::make_pair(hana::type_c<me::frame_tx_status>,
                        form<NL80211_CMD_FRAME_TX_STATUS,
                             field<NL80211_ATTR_COOKIE, &me::frame_tx_status::cookie>,
                             field<NL80211_ATTR_ACK, &me::frame_tx_status::ack>,
                             field<NL80211_ATTR_FRAME, &me::frame_tx_status::bytes>>{}),
        hana::make_pair(hana::type_c<me::remain_on_channel>,
                        form<NL80211_CMD_REMAIN_ON_CHANNEL,
                             field<NL80211_ATTR_COOKIE, &me::remain_on_channel::cookie>,
                             field<NL80211_ATTR_WIPHY_FREQ, &me::remain_on_channel::freq>,
                             field<NL80211_ATTR_DURATION, &me::remain_on_channel::duration_ms>>{}),
        hana::make_pair(
            hana::type_c<me::cancel_remain_on_channel>,
            form<NL80211_CMD_CANCEL_REMAIN_ON_CHANNEL,
                 field<NL80211_ATTR_COOKIE, &me::cancel_remain_on_channel::cookie>,
                 field<NL80211_ATTR_WIPHY_FREQ, &me::cancel_remain_on_channel::freq>>{}),
        hana::make_pair(hana::type_c<me::ch_switch_started>,
                        form<NL80211_CMD_CH_SWITCH_STARTED_NOTIFY,
                             field<NL80211_ATTR_WIPHY_FREQ, &me::ch_switch_started::freq>,
                             field<NL80211_ATTR_CH_SWITCH_COUNT, &me::ch_switch_started::count>>{}),
        hana::make_pair(hana::type_c<me::ch_switch>,
                        form<NL80211_CMD_CH_SWITCH_NOTIFY,
                             field<NL80211_ATTR_WIPHY_FREQ, &me::ch_switch::freq>>{}),
        hana::make_pair(hana::type_c<me::frame_wait_cancel>,
                        form<NL80211_CMD_FRAME_WAIT_CANCEL,
                             field<NL80211_ATTR_COOKIE, &me::frame_wait_cancel::cookie>>{}),
        hana::make_pair(
            hana::type_c<me::new_station>,
            form<NL80211_CMD_NEW_STATION, field<NL80211_ATTR_MAC, &me::new_station::addr>,
                 field<NL80211_ATTR_STA_AID, &me::new_station::aid>,
                 field<NL80211_ATTR_IE, &me::new_station::ies>>{}),
        hana::make_pair(
            hana::type_c<me::del_station>,
            form<NL80211_CMD_DEL_STATION, field<NL80211_ATTR_MAC, &me::del_station::addr>,
                 field<NL80211_ATTR_REASON_CODE, &me::del_station::reason>>{}),
        hana::make_pair(
            hana::type_c<me::control_port_frame>,
            form<NL80211_CMD_CONTROL_PORT_FRAME,
                 field<NL80211_ATTR_MAC, &me::control_port_frame::from>,
                 field<NL80211_ATTR_CONTROL_PORT_ETHERTYPE, &me::control_port_frame::ethertype>,
                 field<NL80211_ATTR_FRAME, &me::control_port_frame::frame>>{}));
}();

/// @brief The message form of event type E.
template <class E>
using event =
    std::remove_cvref_t<decltype(boost::hana::at_key(event_table, boost::hana::type_c<E>))>;

/// @brief The message number an event travels in.
template <class E>
constexpr std::uint8_t id_of(const E& e) noexcept {
    if constexpr (std::is_same_v<E, mac::event::scan_done>)
        return e.aborted ? std::uint8_t{NL80211_CMD_SCAN_ABORTED} : event<E>::id;
    else
        return event<E>::id;
}

namespace detail {
template <class... E>
constexpr bool has_forms(std::type_identity<std::variant<E...>>) noexcept {
    return (decltype(boost::hana::contains(event_table, boost::hana::type_c<E>))::value && ...);
}
}  // namespace detail
static_assert(detail::has_forms(std::type_identity<mac::event::any>{}),
              "softmac: every MAC event type needs its message in cfg::wire::event_table");

}  // namespace wire

// The encoder and decoder are templates over the event variant (always mac::event::any) only so
// that they are compiled where they are used: their visit of every event type and field costs a
// translation unit that never calls them about a second.

/// @brief Encodes a MAC event for interface `ifindex`/`wdev` of wiphy `wiphy`.
template <class Any = mac::event::any>
bytes_view encode_event(bytes_span out, std::uint16_t family, std::uint32_t wiphy,
                        const wdev_ref& to, const std::type_identity_t<Any>& ev,
                        std::uint32_t seq = 0) {
    return std::visit(
        [&](const auto& e) {
            using E = std::remove_cvref_t<decltype(e)>;
            netlink::writer w(out, family, wire::id_of(e), 0, seq);
            w.value(NL80211_ATTR_WIPHY, wiphy);
            detail::put(w, NL80211_ATTR_IFINDEX, to.ifindex);
            detail::put(w, NL80211_ATTR_WDEV, to.wdev);
            boost::hana::for_each(wire::event<E>::fields,
                                  [&](auto f) { detail::put_field<decltype(f)>(w, e, true); });
            return w.finish();
        },
        ev);
}

/// @brief A decoded event: whom it is for and what happened.
template <class Any = mac::event::any>
struct basic_decoded_event {
    std::uint32_t wiphy = 0;
    wdev_ref to;
    Any event;
};
using decoded_event = basic_decoded_event<>;
/// @brief Decodes an event message (the supplicant's side of the wire).
template <class Any = mac::event::any>
result<basic_decoded_event<Any>> decode_event(bytes_view message) {
    auto m = netlink::message::parse(message);
    if (!m) return m.err();
    if (auto v = netlink::validate(m->attrs, nl80211::attr_policy, {}))
        return make_error(errc::bad_value, v->why, v->attr);
    basic_decoded_event<Any> out;
    if (auto a = m->attrs.find(NL80211_ATTR_WIPHY)) (void)detail::get(*a, out.wiphy);
    if (auto a = m->attrs.find(NL80211_ATTR_IFINDEX)) (void)detail::get(*a, out.to.ifindex);
    if (auto a = m->attrs.find(NL80211_ATTR_WDEV)) (void)detail::get(*a, out.to.wdev);
    bool matched = false;
    result<void> r;
    auto try_one = [&](auto proto) {
        using E = decltype(proto);
        if (matched) return;
        const bool aborted_scan =
            std::is_same_v<E, mac::event::scan_done> && m->cmd == NL80211_CMD_SCAN_ABORTED;
        if (m->cmd != wire::event<E>::id && !aborted_scan) return;
        matched = true;
        E e{};
        if constexpr (std::is_same_v<E, mac::event::scan_done>) e.aborted = aborted_scan;
        boost::hana::for_each(wire::event<E>::fields, [&](auto f) {
            if (!r) return;
            if (auto a = m->attrs.find(decltype(f)::attr)) r = detail::get(*a, e.*(f.member));
        });
        out.event = std::move(e);
    };
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (try_one(std::variant_alternative_t<I, Any>{}), ...);
    }
    (std::make_index_sequence<std::variant_size_v<Any>>{});
    if (!matched) return make_error(errc::not_supported, "not an nl80211 event softmac sends");
    if (!r) return r.err();
    return out;
}

}  // namespace softmac::cfg
