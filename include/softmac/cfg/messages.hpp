// SPDX-License-Identifier: MIT
/// @file Defines the config layer's commands, replies and events as types, their netlink wire
/// form, and the compile-time command table (a Hana map from command number to command type).
#pragma once

#include <boost/hana/at_key.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <softmac/cfg/detail/fields.hpp>
#include <softmac/cfg/nl80211.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/mac/events.hpp>

namespace softmac::cfg {

namespace hana = boost::hana;
using detail::field;

/// @brief The interface a command names: a netdev by index, or a wdev (a P2P device has only
/// the wdev).
struct wdev_ref {
    std::optional<std::uint32_t> ifindex;
    std::optional<std::uint64_t> wdev;
    friend bool operator==(const wdev_ref&, const wdev_ref&) = default;
};
template <class T, class... F>
constexpr auto with_wdev(F... f) {
    return hana::make_tuple(field<NL80211_ATTR_IFINDEX, &T::ifindex>{},
                            field<NL80211_ATTR_WDEV, &T::wdev>{}, f...);
}

/// @brief The commands, one type each, numbered as <linux/nl80211.h> numbers them.
namespace cmd {
template <std::uint8_t Id>
struct command {
    static constexpr std::uint8_t id = Id;
    static constexpr nl80211::command_spec spec = *nl80211::find_command(Id);
    friend constexpr bool operator==(const command&, const command&) noexcept { return true; }
};

struct get_wiphy : command<NL80211_CMD_GET_WIPHY> {
    std::optional<std::uint32_t> wiphy;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_WIPHY, &get_wiphy::wiphy>{});
    friend bool operator==(const get_wiphy&, const get_wiphy&) = default;
};
struct get_interface : command<NL80211_CMD_GET_INTERFACE>, wdev_ref {
    static constexpr auto fields = with_wdev<get_interface>();
    friend bool operator==(const get_interface&, const get_interface&) = default;
};
struct set_interface : command<NL80211_CMD_SET_INTERFACE>, wdev_ref {
    driver::iftype iftype = driver::iftype::station;
    static constexpr auto fields =
        with_wdev<set_interface>(field<NL80211_ATTR_IFTYPE, &set_interface::iftype>{});
    friend bool operator==(const set_interface&, const set_interface&) = default;
};
struct new_interface : command<NL80211_CMD_NEW_INTERFACE> {
    std::optional<std::uint32_t> wiphy;
    std::string ifname;
    driver::iftype iftype = driver::iftype::station;
    std::optional<mac_address> mac;
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_ATTR_WIPHY, &new_interface::wiphy>{},
                         field<NL80211_ATTR_IFNAME, &new_interface::ifname>{},
                         field<NL80211_ATTR_IFTYPE, &new_interface::iftype>{},
                         field<NL80211_ATTR_MAC, &new_interface::mac>{});
    friend bool operator==(const new_interface&, const new_interface&) = default;
};
struct del_interface : command<NL80211_CMD_DEL_INTERFACE>, wdev_ref {
    static constexpr auto fields = with_wdev<del_interface>();
    friend bool operator==(const del_interface&, const del_interface&) = default;
};
struct start_p2p_device : command<NL80211_CMD_START_P2P_DEVICE>, wdev_ref {
    static constexpr auto fields = with_wdev<start_p2p_device>();
    friend bool operator==(const start_p2p_device&, const start_p2p_device&) = default;
};
struct stop_p2p_device : command<NL80211_CMD_STOP_P2P_DEVICE>, wdev_ref {
    static constexpr auto fields = with_wdev<stop_p2p_device>();
    friend bool operator==(const stop_p2p_device&, const stop_p2p_device&) = default;
};
struct trigger_scan : command<NL80211_CMD_TRIGGER_SCAN>, wdev_ref, mac::scan_params {
    static constexpr auto fields = with_wdev<trigger_scan>(
        field<NL80211_ATTR_SCAN_FREQUENCIES, &trigger_scan::freqs>{},
        field<NL80211_ATTR_SCAN_SSIDS, &trigger_scan::ssids>{},
        field<NL80211_ATTR_IE, &trigger_scan::ies>{},
        field<NL80211_ATTR_TX_NO_CCK_RATE, &trigger_scan::no_cck>{},
        field<NL80211_ATTR_MEASUREMENT_DURATION, &trigger_scan::dwell_ms>{});
    friend bool operator==(const trigger_scan&, const trigger_scan&) = default;
};
struct get_scan : command<NL80211_CMD_GET_SCAN>, wdev_ref {
    static constexpr auto fields = with_wdev<get_scan>();
    friend bool operator==(const get_scan&, const get_scan&) = default;
};
struct authenticate : command<NL80211_CMD_AUTHENTICATE>, wdev_ref, mac::auth_params {
    static constexpr auto fields =
        with_wdev<authenticate>(field<NL80211_ATTR_MAC, &authenticate::bssid>{},
                                field<NL80211_ATTR_WIPHY_FREQ, &authenticate::freq>{},
                                field<NL80211_ATTR_SSID, &authenticate::ssid>{},
                                field<NL80211_ATTR_AUTH_TYPE, &authenticate::auth_type>{},
                                field<NL80211_ATTR_IE, &authenticate::ies>{});
    friend bool operator==(const authenticate&, const authenticate&) = default;
};
struct associate : command<NL80211_CMD_ASSOCIATE>, wdev_ref, mac::assoc_params {
    static constexpr auto fields = with_wdev<associate>(
        field<NL80211_ATTR_MAC, &associate::bssid>{},
        field<NL80211_ATTR_WIPHY_FREQ, &associate::freq>{},
        field<NL80211_ATTR_SSID, &associate::ssid>{}, field<NL80211_ATTR_IE, &associate::ies>{});
    friend bool operator==(const associate&, const associate&) = default;
};
struct connect : command<NL80211_CMD_CONNECT>, wdev_ref, mac::connect_params {
    static constexpr auto fields = with_wdev<connect>(
        field<NL80211_ATTR_SSID, &connect::ssid>{}, field<NL80211_ATTR_MAC, &connect::bssid>{},
        field<NL80211_ATTR_WIPHY_FREQ, &connect::freq>{}, field<NL80211_ATTR_IE, &connect::ies>{});
    friend bool operator==(const connect&, const connect&) = default;
};
struct disconnect : command<NL80211_CMD_DISCONNECT>, wdev_ref {
    std::uint16_t reason = 3;
    static constexpr auto fields =
        with_wdev<disconnect>(field<NL80211_ATTR_REASON_CODE, &disconnect::reason>{});
    friend bool operator==(const disconnect&, const disconnect&) = default;
};
template <std::uint8_t Id>
struct leave_command : command<Id>, wdev_ref {
    mac_address peer;
    std::uint16_t reason = 3;
    static constexpr auto fields =
        with_wdev<leave_command>(field<NL80211_ATTR_MAC, &leave_command::peer>{},
                                 field<NL80211_ATTR_REASON_CODE, &leave_command::reason>{});
    friend bool operator==(const leave_command&, const leave_command&) = default;
};
using deauthenticate = leave_command<NL80211_CMD_DEAUTHENTICATE>;
using disassociate = leave_command<NL80211_CMD_DISASSOCIATE>;
struct start_ap : command<NL80211_CMD_START_AP>, wdev_ref, mac::ap_params {
    static constexpr auto fields =
        with_wdev<start_ap>(field<NL80211_ATTR_BEACON_HEAD, &start_ap::head>{},
                            field<NL80211_ATTR_BEACON_TAIL, &start_ap::tail>{},
                            field<NL80211_ATTR_BEACON_INTERVAL, &start_ap::beacon_int>{},
                            field<NL80211_ATTR_DTIM_PERIOD, &start_ap::dtim_period>{},
                            field<NL80211_ATTR_SSID, &start_ap::ssid>{},
                            field<NL80211_ATTR_HIDDEN_SSID, &start_ap::hidden>{},
                            field<NL80211_ATTR_WIPHY_FREQ, &start_ap::freq>{},
                            field<NL80211_ATTR_IE_PROBE_RESP, &start_ap::probe_resp_ies>{},
                            field<NL80211_ATTR_IE_ASSOC_RESP, &start_ap::assoc_resp_ies>{},
                            field<NL80211_ATTR_MAX_AP_ASSOC_STA, &start_ap::max_stations>{});
    friend bool operator==(const start_ap&, const start_ap&) = default;
};
struct stop_ap : command<NL80211_CMD_STOP_AP>, wdev_ref {
    static constexpr auto fields = with_wdev<stop_ap>();
    friend bool operator==(const stop_ap&, const stop_ap&) = default;
};
struct set_beacon : command<NL80211_CMD_SET_BEACON>, wdev_ref {
    mac::byte_vector head, tail, probe_resp_ies, assoc_resp_ies;
    static constexpr auto fields =
        with_wdev<set_beacon>(field<NL80211_ATTR_BEACON_HEAD, &set_beacon::head>{},
                              field<NL80211_ATTR_BEACON_TAIL, &set_beacon::tail>{},
                              field<NL80211_ATTR_IE_PROBE_RESP, &set_beacon::probe_resp_ies>{},
                              field<NL80211_ATTR_IE_ASSOC_RESP, &set_beacon::assoc_resp_ies>{});
    friend bool operator==(const set_beacon&, const set_beacon&) = default;
};
struct new_station : command<NL80211_CMD_NEW_STATION>, wdev_ref {
    mac_address mac;
    std::uint16_t aid = 0;
    std::uint16_t listen_interval = 0;
    static constexpr auto fields = with_wdev<new_station>(
        field<NL80211_ATTR_MAC, &new_station::mac>{},
        field<NL80211_ATTR_STA_AID, &new_station::aid>{},
        field<NL80211_ATTR_STA_LISTEN_INTERVAL, &new_station::listen_interval>{});
    friend bool operator==(const new_station&, const new_station&) = default;
};
struct del_station : command<NL80211_CMD_DEL_STATION>, wdev_ref {
    std::optional<mac_address> mac;  ///< absent: every station
    std::uint16_t reason = 2;        ///< previous authentication no longer valid
    static constexpr auto fields =
        with_wdev<del_station>(field<NL80211_ATTR_MAC, &del_station::mac>{},
                               field<NL80211_ATTR_REASON_CODE, &del_station::reason>{});
    friend bool operator==(const del_station&, const del_station&) = default;
};
struct get_station : command<NL80211_CMD_GET_STATION>, wdev_ref {
    std::optional<mac_address> mac;  ///< absent: dump every station
    static constexpr auto fields =
        with_wdev<get_station>(field<NL80211_ATTR_MAC, &get_station::mac>{});
    friend bool operator==(const get_station&, const get_station&) = default;
};
struct remain_on_channel : command<NL80211_CMD_REMAIN_ON_CHANNEL>, wdev_ref {
    std::uint16_t freq = 0;
    std::uint32_t duration_ms = 0;
    static constexpr auto fields = with_wdev<remain_on_channel>(
        field<NL80211_ATTR_WIPHY_FREQ, &remain_on_channel::freq>{},
        field<NL80211_ATTR_DURATION, &remain_on_channel::duration_ms>{});
    friend bool operator==(const remain_on_channel&, const remain_on_channel&) = default;
};
struct cancel_remain_on_channel : command<NL80211_CMD_CANCEL_REMAIN_ON_CHANNEL>, wdev_ref {
    std::uint64_t cookie = 0;
    static constexpr auto fields = with_wdev<cancel_remain_on_channel>(
        field<NL80211_ATTR_COOKIE, &cancel_remain_on_channel::cookie>{});
    friend bool operator==(const cancel_remain_on_channel&,
                           const cancel_remain_on_channel&) = default;
};
struct register_frame : command<NL80211_CMD_REGISTER_FRAME>, wdev_ref {
    std::uint16_t frame_type = 0x00d0;  ///< nl80211's default: Action
    mac::byte_vector match;
    static constexpr auto fields =
        with_wdev<register_frame>(field<NL80211_ATTR_FRAME_TYPE, &register_frame::frame_type>{},
                                  field<NL80211_ATTR_FRAME_MATCH, &register_frame::match>{});
    friend bool operator==(const register_frame&, const register_frame&) = default;
};
struct mgmt_tx : command<NL80211_CMD_FRAME>, wdev_ref, mac::mgmt_tx_params {
    static constexpr auto fields =
        with_wdev<mgmt_tx>(field<NL80211_ATTR_FRAME, &mgmt_tx::frame>{},
                           field<NL80211_ATTR_WIPHY_FREQ, &mgmt_tx::freq>{},
                           field<NL80211_ATTR_DURATION, &mgmt_tx::wait_ms>{},
                           field<NL80211_ATTR_OFFCHANNEL_TX_OK, &mgmt_tx::offchannel_ok>{},
                           field<NL80211_ATTR_TX_NO_CCK_RATE, &mgmt_tx::no_cck>{},
                           field<NL80211_ATTR_DONT_WAIT_FOR_ACK, &mgmt_tx::dont_wait_for_ack>{});
    friend bool operator==(const mgmt_tx&, const mgmt_tx&) = default;
};
struct frame_wait_cancel : command<NL80211_CMD_FRAME_WAIT_CANCEL>, wdev_ref {
    std::uint64_t cookie = 0;
    static constexpr auto fields =
        with_wdev<frame_wait_cancel>(field<NL80211_ATTR_COOKIE, &frame_wait_cancel::cookie>{});
    friend bool operator==(const frame_wait_cancel&, const frame_wait_cancel&) = default;
};
struct set_channel : command<NL80211_CMD_SET_CHANNEL>, wdev_ref {
    std::uint16_t freq = 0;
    static constexpr auto fields =
        with_wdev<set_channel>(field<NL80211_ATTR_WIPHY_FREQ, &set_channel::freq>{});
    friend bool operator==(const set_channel&, const set_channel&) = default;
};
/// NEW_KEY, SET_KEY and DEL_KEY share the key attributes (the flat form, not KEY nested).
template <std::uint8_t Id>
struct key_command : command<Id>, wdev_ref {
    std::uint8_t index = 0;
    std::optional<mac_address> mac;  ///< pairwise keys
    std::uint32_t cipher = 0;
    mac::byte_vector data, seq;
    bool default_key = false;
    static constexpr auto fields =
        with_wdev<key_command>(field<NL80211_ATTR_KEY_IDX, &key_command::index>{},
                               field<NL80211_ATTR_MAC, &key_command::mac>{},
                               field<NL80211_ATTR_KEY_CIPHER, &key_command::cipher>{},
                               field<NL80211_ATTR_KEY_DATA, &key_command::data>{},
                               field<NL80211_ATTR_KEY_SEQ, &key_command::seq>{},
                               field<NL80211_ATTR_KEY_DEFAULT, &key_command::default_key>{});
    friend bool operator==(const key_command&, const key_command&) = default;
};
using new_key = key_command<NL80211_CMD_NEW_KEY>;
using del_key = key_command<NL80211_CMD_DEL_KEY>;
using set_key = key_command<NL80211_CMD_SET_KEY>;
}  // namespace cmd

/// @brief The command table: command number -> command type. Flags and required attributes
/// come with each type (its `spec`); the handler is the config layer's overload for the type.
inline constexpr auto command_table = hana::make_map(
#define SOFTMAC_CMD(T) hana::make_pair(hana::int_c<cmd::T::id>, hana::type_c<cmd::T>)
    SOFTMAC_CMD(get_wiphy), SOFTMAC_CMD(get_interface), SOFTMAC_CMD(set_interface),
    SOFTMAC_CMD(new_interface), SOFTMAC_CMD(del_interface), SOFTMAC_CMD(start_p2p_device),
    SOFTMAC_CMD(stop_p2p_device), SOFTMAC_CMD(trigger_scan), SOFTMAC_CMD(get_scan),
    SOFTMAC_CMD(authenticate), SOFTMAC_CMD(associate), SOFTMAC_CMD(connect),
    SOFTMAC_CMD(disconnect), SOFTMAC_CMD(deauthenticate), SOFTMAC_CMD(disassociate),
    SOFTMAC_CMD(start_ap), SOFTMAC_CMD(stop_ap), SOFTMAC_CMD(set_beacon), SOFTMAC_CMD(new_station),
    SOFTMAC_CMD(del_station), SOFTMAC_CMD(get_station), SOFTMAC_CMD(remain_on_channel),
    SOFTMAC_CMD(cancel_remain_on_channel), SOFTMAC_CMD(register_frame), SOFTMAC_CMD(mgmt_tx),
    SOFTMAC_CMD(frame_wait_cancel), SOFTMAC_CMD(set_channel), SOFTMAC_CMD(new_key),
    SOFTMAC_CMD(del_key), SOFTMAC_CMD(set_key)
#undef SOFTMAC_CMD
);
static_assert(hana::length(command_table) == nl80211::commands.size(),
              "softmac: every nl80211 command spec needs a command type, and the reverse");

/// @brief Calls `f(T{})` for the command type T numbered `id`; false if none. The fold over the
/// table compiles to a switch on the number: no runtime map.
template <class F>
bool with_command(std::uint8_t id, F&& f) {
    return hana::unpack(hana::values(command_table), [&](auto... t) {
        return ((id == decltype(t)::type::id ? (f(typename decltype(t)::type{}), true) : false) ||
                ...);
    });
}

/// @brief Encodes a command, reply or event message of type T with number `id`.
template <class T>
bytes_view encode(bytes_span out, std::uint16_t family, std::uint8_t id, const T& msg,
                  std::uint16_t flags = NLM_F_REQUEST, std::uint32_t seq = 0,
                  std::uint32_t port = 0) {
    netlink::writer w(out, family, id, flags, seq, port);
    detail::encode_fields(w, msg);
    return w.finish();
}
/// @brief Encodes a command request.
template <class T>
requires requires { T::spec; }
bytes_view encode(bytes_span out, std::uint16_t family, const T& msg, std::uint32_t seq = 0) {
    return encode(out, family, T::id, msg, NLM_F_REQUEST, seq);
}
/// @brief Decodes a validated message's attributes into T.
template <class T>
result<T> decode(const netlink::attributes& attrs) {
    T msg{};
    if (auto r = detail::decode_fields(attrs, msg); !r) return r.err();
    return msg;
}

/// @brief Replies.
namespace reply {
/// The interface message (NEW_INTERFACE's reply, GET_INTERFACE).
struct interface {
    std::uint32_t wiphy = 0;
    std::optional<std::uint32_t> ifindex;
    std::uint64_t wdev = 0;
    std::string ifname;
    driver::iftype iftype = driver::iftype::station;
    mac_address mac;
    std::optional<std::uint16_t> freq;
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_ATTR_WIPHY, &interface::wiphy>{},
                         field<NL80211_ATTR_IFINDEX, &interface::ifindex>{},
                         field<NL80211_ATTR_WDEV, &interface::wdev>{},
                         field<NL80211_ATTR_IFNAME, &interface::ifname>{},
                         field<NL80211_ATTR_IFTYPE, &interface::iftype>{},
                         field<NL80211_ATTR_MAC, &interface::mac>{},
                         field<NL80211_ATTR_WIPHY_FREQ, &interface::freq>{});
    friend bool operator==(const interface&, const interface&) = default;
};
/// Supported interface types as nested flags (NL80211_ATTR_SUPPORTED_IFTYPES).
struct iftypes {
    bool adhoc = false, station = false, ap = false, wds = false, monitor = false,
         p2p_client = false, p2p_go = false, p2p_device = false;
    static constexpr auto fields = hana::make_tuple(
        field<NL80211_IFTYPE_ADHOC, &iftypes::adhoc>{},
        field<NL80211_IFTYPE_STATION, &iftypes::station>{},
        field<NL80211_IFTYPE_AP, &iftypes::ap>{}, field<NL80211_IFTYPE_WDS, &iftypes::wds>{},
        field<NL80211_IFTYPE_MONITOR, &iftypes::monitor>{},
        field<NL80211_IFTYPE_P2P_CLIENT, &iftypes::p2p_client>{},
        field<NL80211_IFTYPE_P2P_GO, &iftypes::p2p_go>{},
        field<NL80211_IFTYPE_P2P_DEVICE, &iftypes::p2p_device>{});
    friend bool operator==(const iftypes&, const iftypes&) = default;
};
struct wiphy {
    std::uint32_t index = 0;
    std::string name;
    iftypes supported;
    std::uint8_t max_scan_ssids = 0;
    std::uint16_t max_scan_ie_len = 0;
    std::uint32_t max_roc_ms = 0;
    bool offchannel_tx_ok = true;
    static constexpr auto fields = hana::make_tuple(
        field<NL80211_ATTR_WIPHY, &wiphy::index>{}, field<NL80211_ATTR_WIPHY_NAME, &wiphy::name>{},
        field<NL80211_ATTR_SUPPORTED_IFTYPES, &wiphy::supported>{},
        field<NL80211_ATTR_MAX_NUM_SCAN_SSIDS, &wiphy::max_scan_ssids>{},
        field<NL80211_ATTR_MAX_SCAN_IE_LEN, &wiphy::max_scan_ie_len>{},
        field<NL80211_ATTR_MAX_REMAIN_ON_CHANNEL_DURATION, &wiphy::max_roc_ms>{},
        field<NL80211_ATTR_OFFCHANNEL_TX_OK, &wiphy::offchannel_tx_ok>{});
    friend bool operator==(const wiphy&, const wiphy&) = default;
};
/// One scan result (NL80211_ATTR_BSS nested, NL80211_BSS_* inside).
struct bss_info {
    mac_address bssid;
    std::uint32_t freq = 0;
    std::uint16_t beacon_int = 0, capability = 0;
    std::int32_t signal_mbm = 0;
    std::uint32_t seen_ms_ago = 0;
    mac::byte_vector ies;
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_BSS_BSSID, &bss_info::bssid>{},
                         field<NL80211_BSS_FREQUENCY, &bss_info::freq>{},
                         field<NL80211_BSS_BEACON_INTERVAL, &bss_info::beacon_int>{},
                         field<NL80211_BSS_CAPABILITY, &bss_info::capability>{},
                         field<NL80211_BSS_SIGNAL_MBM, &bss_info::signal_mbm>{},
                         field<NL80211_BSS_SEEN_MS_AGO, &bss_info::seen_ms_ago>{},
                         field<NL80211_BSS_INFORMATION_ELEMENTS, &bss_info::ies>{});
    friend bool operator==(const bss_info&, const bss_info&) = default;
};
struct scan_result : wdev_ref {
    bss_info bss;
    static constexpr auto fields =
        with_wdev<scan_result>(field<NL80211_ATTR_BSS, &scan_result::bss>{});
    friend bool operator==(const scan_result&, const scan_result&) = default;
};
struct sta_info {
    std::uint32_t rx_bytes = 0, tx_bytes = 0, rx_packets = 0, tx_packets = 0, tx_failed = 0,
                  tx_retries = 0;
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_STA_INFO_RX_BYTES, &sta_info::rx_bytes>{},
                         field<NL80211_STA_INFO_TX_BYTES, &sta_info::tx_bytes>{},
                         field<NL80211_STA_INFO_RX_PACKETS, &sta_info::rx_packets>{},
                         field<NL80211_STA_INFO_TX_PACKETS, &sta_info::tx_packets>{},
                         field<NL80211_STA_INFO_TX_FAILED, &sta_info::tx_failed>{},
                         field<NL80211_STA_INFO_TX_RETRIES, &sta_info::tx_retries>{});
    friend bool operator==(const sta_info&, const sta_info&) = default;
};
struct station : wdev_ref {
    mac_address mac;
    std::uint16_t aid = 0;
    sta_info info;
    static constexpr auto fields = with_wdev<station>(
        field<NL80211_ATTR_MAC, &station::mac>{}, field<NL80211_ATTR_STA_AID, &station::aid>{},
        field<NL80211_ATTR_STA_INFO, &station::info>{});
    friend bool operator==(const station&, const station&) = default;
};
/// The cookie a REMAIN_ON_CHANNEL or FRAME request gets back.
struct cookie {
    std::uint64_t value = 0;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_COOKIE, &cookie::value>{});
    friend bool operator==(const cookie&, const cookie&) = default;
};
}  // namespace reply

/// @brief Events on the wire: the interface, then the event's own attributes. The `vif` member
/// of a MAC event is the config layer's business and is not sent.
namespace wire {
template <class E>
struct event;
template <>
struct event<mac::event::scan_done> {
    static constexpr std::uint8_t id(const mac::event::scan_done& e) {
        return e.aborted ? NL80211_CMD_SCAN_ABORTED : NL80211_CMD_NEW_SCAN_RESULTS;
    }
    static constexpr auto fields = hana::make_tuple();
};
template <>
struct event<mac::event::authenticate> {
    static constexpr std::uint8_t id(const mac::event::authenticate&) {
        return NL80211_CMD_AUTHENTICATE;
    }
    using E = mac::event::authenticate;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_MAC, &E::bssid>{},
                                                    field<NL80211_ATTR_TIMED_OUT, &E::timed_out>{},
                                                    field<NL80211_ATTR_FRAME, &E::frame>{});
};
template <>
struct event<mac::event::associate> {
    static constexpr std::uint8_t id(const mac::event::associate&) { return NL80211_CMD_ASSOCIATE; }
    using E = mac::event::associate;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_MAC, &E::bssid>{},
                                                    field<NL80211_ATTR_TIMED_OUT, &E::timed_out>{},
                                                    field<NL80211_ATTR_FRAME, &E::frame>{});
};
template <>
struct event<mac::event::connect> {
    static constexpr std::uint8_t id(const mac::event::connect&) { return NL80211_CMD_CONNECT; }
    using E = mac::event::connect;
    static constexpr auto fields = hana::make_tuple(
        field<NL80211_ATTR_MAC, &E::bssid>{}, field<NL80211_ATTR_STATUS_CODE, &E::status>{},
        field<NL80211_ATTR_TIMED_OUT, &E::timed_out>{}, field<NL80211_ATTR_REQ_IE, &E::req_ie>{},
        field<NL80211_ATTR_RESP_IE, &E::resp_ie>{});
};
template <>
struct event<mac::event::disconnect> {
    static constexpr std::uint8_t id(const mac::event::disconnect&) {
        return NL80211_CMD_DISCONNECT;
    }
    using E = mac::event::disconnect;
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_ATTR_REASON_CODE, &E::reason>{},
                         field<NL80211_ATTR_DISCONNECTED_BY_AP, &E::by_ap>{});
};
template <>
struct event<mac::event::deauthenticate> {
    static constexpr std::uint8_t id(const mac::event::deauthenticate&) {
        return NL80211_CMD_DEAUTHENTICATE;
    }
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_ATTR_FRAME, &mac::event::deauthenticate::frame>{});
};
template <>
struct event<mac::event::disassociate> {
    static constexpr std::uint8_t id(const mac::event::disassociate&) {
        return NL80211_CMD_DISASSOCIATE;
    }
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_ATTR_FRAME, &mac::event::disassociate::frame>{});
};
template <>
struct event<mac::event::frame> {
    static constexpr std::uint8_t id(const mac::event::frame&) { return NL80211_CMD_FRAME; }
    using E = mac::event::frame;
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_ATTR_WIPHY_FREQ, &E::freq>{},
                         field<NL80211_ATTR_RX_SIGNAL_DBM, &E::signal_dbm>{},
                         field<NL80211_ATTR_FRAME, &E::bytes>{});
};
template <>
struct event<mac::event::frame_tx_status> {
    static constexpr std::uint8_t id(const mac::event::frame_tx_status&) {
        return NL80211_CMD_FRAME_TX_STATUS;
    }
    using E = mac::event::frame_tx_status;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_COOKIE, &E::cookie>{},
                                                    field<NL80211_ATTR_ACK, &E::ack>{},
                                                    field<NL80211_ATTR_FRAME, &E::bytes>{});
};
template <>
struct event<mac::event::remain_on_channel> {
    static constexpr std::uint8_t id(const mac::event::remain_on_channel&) {
        return NL80211_CMD_REMAIN_ON_CHANNEL;
    }
    using E = mac::event::remain_on_channel;
    static constexpr auto fields = hana::make_tuple(
        field<NL80211_ATTR_COOKIE, &E::cookie>{}, field<NL80211_ATTR_WIPHY_FREQ, &E::freq>{},
        field<NL80211_ATTR_DURATION, &E::duration_ms>{});
};
template <>
struct event<mac::event::cancel_remain_on_channel> {
    static constexpr std::uint8_t id(const mac::event::cancel_remain_on_channel&) {
        return NL80211_CMD_CANCEL_REMAIN_ON_CHANNEL;
    }
    using E = mac::event::cancel_remain_on_channel;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_COOKIE, &E::cookie>{},
                                                    field<NL80211_ATTR_WIPHY_FREQ, &E::freq>{});
};
template <>
struct event<mac::event::frame_wait_cancel> {
    static constexpr std::uint8_t id(const mac::event::frame_wait_cancel&) {
        return NL80211_CMD_FRAME_WAIT_CANCEL;
    }
    static constexpr auto fields =
        hana::make_tuple(field<NL80211_ATTR_COOKIE, &mac::event::frame_wait_cancel::cookie>{});
};
template <>
struct event<mac::event::new_station> {
    static constexpr std::uint8_t id(const mac::event::new_station&) {
        return NL80211_CMD_NEW_STATION;
    }
    using E = mac::event::new_station;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_MAC, &E::addr>{},
                                                    field<NL80211_ATTR_STA_AID, &E::aid>{});
};
template <>
struct event<mac::event::del_station> {
    static constexpr std::uint8_t id(const mac::event::del_station&) {
        return NL80211_CMD_DEL_STATION;
    }
    using E = mac::event::del_station;
    static constexpr auto fields = hana::make_tuple(field<NL80211_ATTR_MAC, &E::addr>{},
                                                    field<NL80211_ATTR_REASON_CODE, &E::reason>{});
};
}  // namespace wire

/// @brief Encodes a MAC event for interface `ifindex`/`wdev` of wiphy `wiphy`.
inline bytes_view encode_event(bytes_span out, std::uint16_t family, std::uint32_t wiphy,
                               const wdev_ref& to, const mac::event::any& ev,
                               std::uint32_t seq = 0) {
    return std::visit(
        [&](const auto& e) {
            using E = std::remove_cvref_t<decltype(e)>;
            netlink::writer w(out, family, wire::event<E>::id(e), 0, seq);
            w.value(NL80211_ATTR_WIPHY, wiphy);
            detail::put(w, NL80211_ATTR_IFINDEX, to.ifindex);
            detail::put(w, NL80211_ATTR_WDEV, to.wdev);
            hana::for_each(wire::event<E>::fields,
                           [&](auto f) { detail::put(w, decltype(f)::attr, e.*(f.member)); });
            return w.finish();
        },
        ev);
}

/// @brief A decoded event: whom it is for and what happened.
struct decoded_event {
    std::uint32_t wiphy = 0;
    wdev_ref to;
    mac::event::any event;
};
/// @brief Decodes an event message (the supplicant's side of the wire).
inline result<decoded_event> decode_event(bytes_view wire) {
    auto m = netlink::message::parse(wire);
    if (!m) return m.err();
    if (auto v = netlink::validate(m->attrs, nl80211::attr_policy, {}))
        return make_error(errc::bad_value, v->why, v->attr);
    decoded_event out;
    if (auto a = m->attrs.find(NL80211_ATTR_WIPHY)) (void)detail::get(*a, out.wiphy);
    if (auto a = m->attrs.find(NL80211_ATTR_IFINDEX)) (void)detail::get(*a, out.to.ifindex);
    if (auto a = m->attrs.find(NL80211_ATTR_WDEV)) (void)detail::get(*a, out.to.wdev);
    bool matched = false;
    result<void> r;
    auto try_one = [&](auto proto) {
        using E = decltype(proto);
        if (matched) return;
        const bool scan = std::is_same_v<E, mac::event::scan_done>;
        if (m->cmd != wire::event<E>::id(proto) && !(scan && m->cmd == NL80211_CMD_SCAN_ABORTED))
            return;
        matched = true;
        E e{};
        if constexpr (std::is_same_v<E, mac::event::scan_done>)
            e.aborted = m->cmd == NL80211_CMD_SCAN_ABORTED;
        hana::for_each(wire::event<E>::fields, [&](auto f) {
            if (!r) return;
            if (auto a = m->attrs.find(decltype(f)::attr)) r = detail::get(*a, e.*(f.member));
        });
        out.event = std::move(e);
    };
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (try_one(std::variant_alternative_t<I, mac::event::any>{}), ...);
    }
    (std::make_index_sequence<std::variant_size_v<mac::event::any>>{});
    if (!matched) return make_error(errc::not_supported, "not an nl80211 event softmac sends");
    if (!r) return r.err();
    return out;
}

}  // namespace softmac::cfg
