// SPDX-License-Identifier: MIT
/// @file Defines mac::ap_mlme: an AP's (or P2P GO's) beaconing, probe responses, authentication
/// and association responses and station admission, and make_ap_params.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/beacon.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/mac/detail/mgmt_frame.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/interface_record.hpp>
#include <softmac/mac/p2p_ps.hpp>
#include <softmac/mac/station.hpp>
#include <softmac/vap/state.hpp>

namespace softmac::mac {

using ieee80211::put_rates;

/// @brief The AP side of the MLME (cfg.c's ieee80211_start_ap/stop_ap/change_beacon and
/// add/del_station, the beacon of ieee80211_beacon_get, and the AP's answers to probe requests,
/// authentication and (re)association, which hostapd gives in Linux): beacons every interval with
/// the DTIM count in the TIM, open-system authentication, AIDs up to `max_stations`.
///
/// `Context` gives: `records()`, `time()`, `emit(event)`, `send_mgmt(vif, frame, flags)`,
/// `set_channel(freq)`, `data()` (the data path: stations, rates), `set_state(record, vap
/// state)`, `bss_changed(record, up)` and `update_filter()`.
template <class Context>
class ap_mlme {
  public:
    /// @brief The largest AID (IEEE Std 802.11 9.4.1.8).
    static constexpr std::size_t max_aid = 2007;
    /// @brief The shortest beacon interval start accepts, in TU.
    static constexpr std::uint16_t min_beacon_int = 15;

    explicit ap_mlme(Context ctx) noexcept : ctx_(ctx) {}
    ap_mlme(const ap_mlme&) = delete;
    ap_mlme& operator=(const ap_mlme&) = delete;

    result<void> start(std::uint8_t vif, ap_params p) {
        auto* i = ctx_.records().find(vif);
        if (!i || !i->is_ap()) return make_error(errc::not_supported, "not an AP or GO interface");
        if (i->ap.beaconing) return make_error(errc::already, "already beaconing");
        if (p.head.size() < ieee80211::beacon_offset::elements)
            return make_error(errc::truncated, "beacon head too short");
        if (p.beacon_int < min_beacon_int || p.dtim_period == 0)
            return make_error(errc::bad_value, "beacon interval or DTIM period out of range");
        if (p.freq)
            if (auto r = ctx_.set_channel(p.freq); !r) return r;
        i->ap = ap_state{};
        if (p.privacy) {  // the Privacy bit of the capabilities every beacon and response carry
            const std::size_t at = ieee80211::beacon_offset::capabilities;
            store_le16(p.head.data() + at,
                       static_cast<std::uint16_t>(load_le16(p.head.data() + at) |
                                                  ieee80211::capab::privacy));
        }
        const auto noa = p2p_noa_in(p.tail);
        if (auto r = ctx_.p2p_ps_changed(*i, noa); !r) return r;
        i->ap.p2p_noa = noa;
        i->ap.params = std::move(p);
        i->ap.beaconing = true;
        i->ap.aids.assign(std::min<std::size_t>(i->ap.params.max_stations, max_aid), mac_address{});
        ctx_.bss_changed(*i, true);
        ctx_.set_state(*i, vap::state::run);
        ctx_.update_filter();
        send_beacon(*i);
        return {};
    }
    /// @brief SET_BEACON: new head, tail and extra elements for a running AP.
    result<void> set_beacon(std::uint8_t vif, const byte_vector& head, const byte_vector& tail,
                            const byte_vector& probe_resp_ies, const byte_vector& assoc_resp_ies) {
        auto* i = ctx_.records().find(vif);
        if (!i || !i->ap.beaconing) return make_error(errc::invalid_state, "not beaconing");
        // A GO's power save is what its beacon announces: the radio keeps it from now on.
        if (const auto noa = p2p_noa_in(tail); noa != i->ap.p2p_noa) {
            if (auto r = ctx_.p2p_ps_changed(*i, noa); !r) return r;
            i->ap.p2p_noa = noa;
        }
        if (!head.empty()) i->ap.params.head = head;
        i->ap.params.tail = tail;
        i->ap.params.probe_resp_ies = probe_resp_ies;
        i->ap.params.assoc_resp_ies = assoc_resp_ies;
        return {};
    }
    /// @brief CHANNEL_SWITCH: the next `count` beacons (and probe responses) carry a Channel
    /// Switch Announcement counting down; at the target beacon time the radio moves and the
    /// beacons follow (ieee80211_channel_switch, ieee80211_csa_finalize).
    result<void> channel_switch(std::uint8_t vif, const ieee80211::channel& ch, std::uint32_t count,
                                bool block_tx) {
        auto* i = ctx_.records().find(vif);
        if (!i || !i->ap.beaconing) return make_error(errc::invalid_state, "not beaconing");
        if (i->ap.csa) return make_error(errc::busy, "a channel switch is in progress");
        // The Channel Switch Announcement names a channel number only: its band is the current
        // one (another band needs the Extended Channel Switch Announcement, which softmac does
        // not send).
        if (const auto now = ieee80211::freq_to_channel(i->ap.params.freq);
            !now || now->band != ch.band)
            return make_error(errc::not_supported, "a channel switch stays in its band");
        // One channel per radio: another interface running on it would be moved away (mac80211
        // refuses with EBUSY).
        for (const auto& r : ctx_.records())
            if (r.used() && r.index() != vif &&
                (r.ap.beaconing || (r.is_station() && r.associated())))
                return make_error(errc::busy, "another interface runs on the radio's channel");
        if (count > 255) return make_error(errc::bad_value, "the switch count is one octet");
        i->ap.csa = csa_state{ch, count, block_tx};
        ctx_.emit(event::ch_switch_started{vif, ch.freq_mhz, count});
        return {};
    }
    /// @brief Stops beaconing; every station is deauthenticated (reason 3).
    result<void> stop(std::uint8_t vif) {
        auto* i = ctx_.records().find(vif);
        if (!i || !i->ap.beaconing) return make_error(errc::invalid_state, "not beaconing");
        for (const auto& a : std::vector<mac_address>(i->ap.aids))
            if (a != mac_address{})
                (void)remove_station(*i, a, reason::deauth_leaving, true, false);
        if (i->ap.timer) ctx_.time().cancel(i->ap.timer);
        if (i->ap.p2p_noa != ieee80211::p2p::notice_of_absence{}) (void)ctx_.p2p_ps_changed(*i, {});
        i->ap = ap_state{};
        ctx_.bss_changed(*i, false);
        ctx_.set_state(*i, vap::state::init);
        ctx_.update_filter();
        return {};
    }
    /// @brief NEW_STATION: a station the AP admits without the MLME (user-space AP).
    result<void> add_station(std::uint8_t vif, const mac_address& addr, std::uint16_t aid,
                             std::uint32_t flags) {
        auto* i = ctx_.records().find(vif);
        if (!i || !i->is_ap()) return make_error(errc::not_supported, "not an AP or GO interface");
        auto& stations = ctx_.data().stations();
        if (stations.find(addr)) return make_error(errc::already, "station exists");
        auto s = stations.add(addr, vif, flags);
        if (!s) return s.err();
        (*s)->aid = aid;
        ctx_.emit(event::new_station{vif, addr, aid, {}});
        return {};
    }
    /// @brief DEL_STATION: one station (deauthenticated with `why`) or, without an address, all.
    result<void> del_station(std::uint8_t vif, std::optional<mac_address> addr, std::uint16_t why) {
        auto* i = ctx_.records().find(vif);
        if (!i || !i->is_ap()) return make_error(errc::not_supported, "not an AP or GO interface");
        if (addr) return remove_station(*i, *addr, why, true, false);
        for (const auto& a : std::vector<mac_address>(i->ap.aids))
            if (a != mac_address{}) (void)remove_station(*i, a, why, true, false);
        return {};
    }
    /// @brief Removes a station of this AP; `notify` sends it a deauthentication (or a
    /// disassociation) first.
    result<void> remove_station(interface_record& i, const mac_address& addr, std::uint16_t why,
                                bool notify, bool disassoc) {
        auto& stations = ctx_.data().stations();
        auto* sta = stations.find(addr);
        if (!sta || sta->vif_index != i.index())
            return make_error(errc::not_found, "no such station");
        const std::uint16_t aid = sta->aid;
        if (notify) send_deauth(i, addr, why, disassoc);
        stations.remove(addr);
        if (aid && aid <= i.ap.aids.size()) i.ap.aids[aid - 1] = mac_address{};
        if (aid) ctx_.emit(event::del_station{i.index(), addr, why});
        return {};
    }

    /// @brief The AP's side of a received management frame; true when consumed.
    bool rx(interface_record& i, const ieee80211::header_view& h, const ieee80211::mgmt_body& mb) {
        using namespace ieee80211::mgmt_subtype;
        const std::uint8_t subtype = h.fc().subtype();
        const mac_address sa = h.addr2();
        // A frame for another receiver is left before the AP's state is read: a beacon heard by
        // an AP costs the AP nothing.
        if (subtype != probe_req && h.addr1() != i.addr()) return false;
        if (!i.ap.beaconing) return false;
        if (subtype == probe_req) {
            probe_response(i, sa, mb);
            return true;
        }
        auto* sta = ctx_.data().stations().find(sa);
        switch (subtype) {
            case auth: {
                const std::uint16_t st = mb.auth_algorithm == ieee80211::auth_alg::open
                                             ? status::success
                                             : status::unsupported_auth_alg;
                if (st == status::success && !sta) {
                    auto s = ctx_.data().stations().add(sa, i.index(), sta_flag::authenticated);
                    if (!s) return true;  // table full: no answer, as an overloaded AP
                }
                auto f = detail::build_mgmt(auth, sa, i.addr(), i.addr(), [&](byte_writer& w) {
                    ieee80211::write_auth_fixed(w, mb.auth_algorithm, 2, st);
                });
                (void)ctx_.send_mgmt(i.index(), f, driver::tx_flag::req_status);
                return true;
            }
            case assoc_req:
            case reassoc_req:
                if (!sta || !sta->has(sta_flag::authenticated)) {
                    send_deauth(i, sa, reason::class2_from_nonauth);
                    return true;
                }
                associate_station(i, *sta, subtype == reassoc_req, mb);
                return true;
            case deauth:
            case disassoc:
                if (sta) (void)remove_station(i, sa, mb.reason, false, subtype == disassoc);
                return true;
            default:
                return false;
        }
    }

  private:
    static std::uint64_t tsf_of(time_point now) noexcept {
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(now).count());
    }
    /// A channel switch whose beacons are all sent: the radio moves, the head's DS Parameter
    /// Set names the new channel, and the stations hear it there.
    void finish_switch(interface_record& i) {
        const auto csa = *std::exchange(i.ap.csa, std::nullopt);
        if (!ctx_.set_channel(csa.ch.freq_mhz)) return;  // the radio refused: stay
        auto& head = i.ap.params.head;
        i.ap.params.freq = csa.ch.freq_mhz;
        for (std::size_t at = ieee80211::beacon_offset::elements; at + 2 <= head.size();
             at += 2 + head[at + 1])
            if (head[at] == ieee80211::eid::ds_params && head[at + 1] == 1 && at + 3 <= head.size())
                head[at + 2] = csa.ch.number;
        ctx_.emit(event::ch_switch{i.index(), csa.ch.freq_mhz});
    }
    /// The Channel Switch Announcement of a switch in progress (mode, channel, count).
    static void put_csa(byte_writer& w, const csa_state& c) {
        const std::uint8_t body[3] = {std::uint8_t(c.block_tx ? 1 : 0), c.ch.number,
                                      std::uint8_t(c.count)};
        ieee80211::put::raw(w, ieee80211::eid::csa, body);
    }
    /// The beacon: head (with the timestamp), the TIM, a channel switch's announcement, the
    /// tail; the next one is scheduled.
    void send_beacon(interface_record& i) {
        auto& ap = i.ap;
        if (ap.csa && ap.csa->count == 0) finish_switch(i);
        const auto& p = ap.params;
        constexpr std::size_t tim_room = 6;  // a TIM without traffic: 2 + count, period, control, 1
        constexpr std::size_t csa_room = 5;
        byte_vector f(p.head.size() + tim_room + csa_room + p.tail.size());
        std::copy(p.head.begin(), p.head.end(), f.begin());
        store_le64(f.data() + ieee80211::beacon_offset::timestamp, tsf_of(ctx_.time().now()));
        byte_writer w(bytes_span(f).subspan(p.head.size()));
        ieee80211::put::tim(w, ap.dtim_count, p.dtim_period, 0, bytes_view{});
        if (ap.csa) put_csa(w, *ap.csa);
        const std::size_t tim_len = w.size();
        std::copy(p.tail.begin(), p.tail.end(),
                  f.begin() + static_cast<std::ptrdiff_t>(p.head.size() + tim_len));
        f.resize(p.head.size() + tim_len + p.tail.size());
        (void)ctx_.send_mgmt(i.index(), f, 0);
        ap.dtim_count =
            static_cast<std::uint8_t>(ap.dtim_count == 0 ? p.dtim_period - 1 : ap.dtim_count - 1);
        if (ap.csa && ap.csa->count > 0) --ap.csa->count;
        // The next beacon at the next TBTT: a TSF that is a multiple of the beacon interval,
        // as hardware keeps them (a GO's absences are placed against that grid).
        const std::uint8_t vif = i.index();
        const std::uint64_t interval = std::uint64_t(p.beacon_int) * 1024;
        const std::uint64_t next_tbtt = (tsf_of(ctx_.time().now()) / interval + 1) * interval;
        ap.timer =
            ctx_.time().schedule_at(time_point(std::chrono::microseconds(next_tbtt)), [this, vif] {
                auto& r = ctx_.records()[vif];
                r.ap.timer = 0;
                if (r.ap.beaconing) send_beacon(r);
            });
    }
    /// The capabilities field of the beacon head.
    static std::uint16_t capabilities_of(const ap_params& p) noexcept {
        return load_le16(p.head.data() + ieee80211::beacon_offset::capabilities);
    }
    /// The elements of the beacon head after the fixed fields, minus the SSID.
    static bytes_view head_elements(const ap_params& p) noexcept {
        return bytes_view(p.head).subspan(
            std::min<std::size_t>(p.head.size(), ieee80211::beacon_offset::elements));
    }
    static bool ssid_matches(const ap_params& p, std::string_view asked) noexcept {
        if (asked.empty()) return p.hidden == hidden_ssid::not_hidden;
        if (asked == p.ssid) return true;
        // P2P wildcard: "DIRECT-" matches every group SSID.
        return asked == "DIRECT-" && p.ssid.starts_with("DIRECT-");
    }
    void probe_response(interface_record& i, const mac_address& to,
                        const ieee80211::mgmt_body& mb) {
        std::optional<std::string_view> asked;
        for (auto e : mb.elements)
            if (e.id == ieee80211::eid::ssid) asked = ieee80211::ssid_of(e);
        const auto& p = i.ap.params;
        if (!asked || !ssid_matches(p, *asked)) return;
        // A P2P GO answers only searches for its own or its clients' device or type.
        if (!ieee80211::p2p::group_answers_probe(mb.elements.bytes(), p.probe_resp_ies)) return;
        auto f = detail::build_mgmt(
            ieee80211::mgmt_subtype::probe_resp, to, i.addr(), i.addr(), [&](byte_writer& w) {
                ieee80211::write_beacon_fixed(w, tsf_of(ctx_.time().now()), p.beacon_int,
                                              capabilities_of(p));
                ieee80211::put::ssid(w, p.ssid);
                (void)ieee80211::for_each_element(head_elements(p),
                                                  [&](const ieee80211::element& e) {
                                                      if (e.id != ieee80211::eid::ssid)
                                                          ieee80211::put::raw(w, e.id, e.data);
                                                  });
                if (i.ap.csa) put_csa(w, *i.ap.csa);
                w.raw(p.tail);
                w.raw(p.probe_resp_ies);
            });
        (void)ctx_.send_mgmt(i.index(), f, 0);
    }
    template <class Station>
    void associate_station(interface_record& i, Station& sta, bool reassoc,
                           const ieee80211::mgmt_body& mb) {
        std::optional<std::string_view> ssid;
        for (auto e : mb.elements)
            if (e.id == ieee80211::eid::ssid) ssid = ieee80211::ssid_of(e);
        std::uint16_t st = status::success, aid = sta.aid;
        if (!ssid || *ssid != i.ap.params.ssid) st = status::unspecified;
        if (st == status::success && aid == 0) {
            auto free = std::find(i.ap.aids.begin(), i.ap.aids.end(), mac_address{});
            if (free == i.ap.aids.end())
                st = status::ap_full;
            else
                aid = static_cast<std::uint16_t>(free - i.ap.aids.begin() + 1);
        }
        const bool ofdm = i.data->no_cck;
        const auto& p = i.ap.params;
        auto f = detail::build_mgmt(
            reassoc ? ieee80211::mgmt_subtype::reassoc_resp : ieee80211::mgmt_subtype::assoc_resp,
            sta.addr, i.addr(), i.addr(), [&](byte_writer& w) {
                ieee80211::write_assoc_resp_fixed(w, capabilities_of(p), st,
                                                  st == status::success ? aid : 0);
                put_rates(w, ctx_.data().rates(), ofdm);
                w.raw(p.assoc_resp_ies);
            });
        const mac_address addr = sta.addr;
        if (st != status::success) {
            (void)ctx_.send_mgmt(i.index(), f, driver::tx_flag::req_status);
            if (st == status::ap_full) ctx_.data().stations().remove(addr);
            return;
        }
        const bool fresh = sta.aid == 0;
        sta.aid = aid;
        // With a controlled port the authenticator authorizes the station after the handshake.
        sta.flags |= sta_flag::associated | (p.control_port ? 0 : sta_flag::authorized);
        i.ap.aids[aid - 1] = addr;
        (void)ctx_.send_mgmt(i.index(), f, driver::tx_flag::req_status);
        if (fresh)
            ctx_.emit(event::new_station{
                i.index(), addr, aid,
                byte_vector(mb.elements.bytes().begin(), mb.elements.bytes().end())});
    }
    void send_deauth(interface_record& i, const mac_address& to, std::uint16_t why,
                     bool disassoc = false) {
        auto f = detail::build_mgmt(
            disassoc ? ieee80211::mgmt_subtype::disassoc : ieee80211::mgmt_subtype::deauth, to,
            i.addr(), i.addr(), [&](byte_writer& w) { ieee80211::write_reason(w, why); });
        (void)ctx_.send_mgmt(i.index(), f, 0);
    }

    Context ctx_;
};

}  // namespace softmac::mac
