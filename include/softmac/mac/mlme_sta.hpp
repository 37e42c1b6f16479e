// SPDX-License-Identifier: MIT
/// @file Defines mac::station_mlme: a station's authentication, association, connect, beacon-loss
/// detection and leaving (mac80211's mlme.c).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/beacon.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/mac/bss_table.hpp>
#include <softmac/mac/detail/mgmt_frame.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/interface_record.hpp>
#include <softmac/mac/p2p_ps.hpp>
#include <softmac/mac/station.hpp>
#include <softmac/mac/timing.hpp>
#include <softmac/vap/state.hpp>

namespace softmac::mac {

namespace detail {
/// The elements of a management frame: its body after the subtype's fixed fields.
inline bytes_view elements_of(const ieee80211::header_view& h) noexcept {
    const bytes_view body = h.body();
    return body.subspan(std::min(body.size(), ieee80211::mgmt_fixed_length(h.fc()).value_or(0)));
}
inline byte_vector to_vector(bytes_view b) { return byte_vector(b.begin(), b.end()); }
}  // namespace detail

/// @brief The station side of the MLME (ieee80211_mgd_auth, ieee80211_mgd_assoc,
/// ieee80211_rx_mgmt_auth/assoc_resp/deauth/disassoc, beacon loss, ieee80211_set_disassoc):
/// open-system authentication and association with retries and timeouts, a connect that scans
/// first when the BSS is not known, and the link's end, by either side.
///
/// `Context` gives: `records()`, `time()`, `emit(event)`, `send_mgmt(vif, frame, flags)`,
/// `channel_of(freq)`, `set_channel(channel)`, `data()` (the data path: stations, rates),
/// `bss()`, `set_state(record, vap state)`, `bss_changed(record, up)`, `start_scan(vif, params)`,
/// `scanning()` and `abort_scan()`.
template <class Context>
class station_mlme {
  public:
    explicit station_mlme(Context ctx) noexcept : ctx_(ctx) {}
    station_mlme(const station_mlme&) = delete;
    station_mlme& operator=(const station_mlme&) = delete;

    result<void> authenticate(std::uint8_t vif, const auth_params& p) {
        auto* i = ctx_.records().station(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (p.auth_type != ieee80211::auth_alg::open)
            return make_error(errc::not_supported, "only open-system authentication");
        auto ch = ctx_.channel_of(p.freq);
        if (!ch) return ch.err();
        if (i->sta.phase == sta_phase::associated)
            return make_error(errc::already, "already associated");
        begin_auth(*i, p.bssid, *ch, p.ssid, false);
        return {};
    }
    result<void> associate(std::uint8_t vif, const assoc_params& p) {
        auto* i = ctx_.records().station(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (i->sta.phase != sta_phase::authenticated || i->sta.bssid != p.bssid)
            return make_error(errc::invalid_state, "not authenticated with this BSS");
        i->sta.ssid = p.ssid;
        i->sta.ies = p.ies;
        i->sta.crypto = p;
        begin_assoc(*i);
        return {};
    }
    /// @brief Connect: a known BSS is joined at once, otherwise a scan for the SSID comes first.
    result<void> connect(std::uint8_t vif, const connect_params& p) {
        auto* i = ctx_.records().station(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (i->sta.phase != sta_phase::idle) return make_error(errc::already, "already connecting");
        i->sta = sta_state{};
        i->sta.connecting = true;
        i->sta.ssid = p.ssid;
        i->sta.ies = p.ies;
        i->sta.crypto = p;
        if (p.bssid) i->sta.bssid = *p.bssid;
        i->sta.connect_freq = p.freq;
        if (join_known(*i, p.freq)) return {};
        scan_params sp;
        if (p.freq) sp.freqs.push_back(p.freq);
        sp.ssids.push_back(p.ssid);
        sp.no_cck = i->data->no_cck;
        if (auto r = ctx_.start_scan(vif, std::move(sp)); !r) {
            i->sta = sta_state{};
            return r;
        }
        i->sta.phase = sta_phase::scanning;
        return {};
    }
    /// @brief Leaves the BSS with a deauthentication carrying `why`.
    result<void> disconnect(std::uint8_t vif, std::uint16_t why) {
        auto* i = ctx_.records().station(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (i->sta.phase == sta_phase::idle)
            return make_error(errc::invalid_state, "not connected");
        if (i->sta.phase == sta_phase::scanning && ctx_.scanning()) ctx_.abort_scan();
        leave(*i, why);
        return {};
    }
    /// @brief Deauthentication (or disassociation) of the AP `peer` the station is with.
    result<void> deauthenticate(interface_record& i, const mac_address& peer, std::uint16_t why,
                                bool disassoc) {
        if (i.sta.phase == sta_phase::idle || i.sta.bssid != peer)
            return make_error(errc::not_found, "not connected to this BSS");
        leave(i, why, disassoc);
        return {};
    }

    /// @brief A scan ended: a connect waiting for it joins the BSS found, or fails.
    void scan_done(std::uint8_t vif, bool aborted) {
        auto* i = ctx_.records().find(vif);
        if (!i || !i->sta.connecting || i->sta.phase != sta_phase::scanning) return;
        if (aborted || !join_known(*i, i->sta.connect_freq)) {
            ctx_.emit(event::connect{vif, i->sta.bssid, status::unspecified, true, {}, {}});
            i->sta = sta_state{};
        }
    }
    /// @brief A beacon or probe response of `bssid` arrived: the link to it is alive. A P2P
    /// client follows the power save its GO's beacons announce (ieee80211_rx_mgmt_beacon's
    /// p2p_noa_attr): a new Notice of Absence goes to the driver, which holds the client's
    /// frames in the GO's absences. A beacon whose elements' digest (elements_digest) is that
    /// of the last beacon read, which announced no channel switch, is not read again
    /// (mac80211's ncrc == beacon_crc in ieee80211_rx_mgmt_beacon): its Notice of Absence is the
    /// one the driver has.
    void beacon_seen(const mac_address& bssid, bytes_view elements, bool beacon,
                     std::uint64_t digest) {
        for (auto& i : ctx_.records().used()) {
            if (!i.is_station() || !i.associated() || i.sta.bssid != bssid) continue;
            i.sta.last_beacon = ctx_.time().now();
            if (beacon) {
                if (i.sta.beacon_digest_valid && i.sta.beacon_digest == digest && !i.sta.beacon_csa)
                    continue;
                i.sta.beacon_digest = digest;
                i.sta.beacon_digest_valid = true;
            }
            const bool csa = follow_switch(i, elements);
            if (beacon) i.sta.beacon_csa = csa;
            if (!beacon || i.type() != driver::iftype::p2p_client) continue;
            const auto n = p2p_noa_in(elements);
            if (n == i.sta.p2p_noa) continue;
            i.sta.p2p_noa = n;
            (void)ctx_.p2p_ps_changed(i, n);  // a radio without P2P power save just sends
        }
    }

    /// @brief The station's side of a received management frame; true when consumed.
    bool rx(interface_record& i, const ieee80211::header_view& h, const ieee80211::mgmt_body& mb) {
        const mac_address sa = h.addr2();
        if (sa != i.sta.bssid || i.sta.phase == sta_phase::idle) return false;
        using namespace ieee80211::mgmt_subtype;
        const std::uint8_t subtype = h.fc().subtype();
        const std::uint8_t vif = i.index();
        switch (subtype) {
            case auth: {
                if (i.sta.phase != sta_phase::authenticating || mb.auth_sequence != 2) return true;
                ctx_.time().cancel(i.sta.timer);
                i.sta.timer = 0;
                ctx_.emit(event::authenticate{vif, sa, false, detail::to_vector(h.frame())});
                if (mb.status != status::success) {
                    if (i.sta.connecting)
                        ctx_.emit(event::connect{vif, sa, mb.status, false, {}, {}});
                    back_to_idle(i);
                    return true;
                }
                i.sta.phase = sta_phase::authenticated;
                if (i.sta.connecting) begin_assoc(i);
                return true;
            }
            case assoc_resp:
            case reassoc_resp: {
                if (i.sta.phase != sta_phase::associating) return true;
                ctx_.time().cancel(i.sta.timer);
                i.sta.timer = 0;
                ctx_.emit(event::associate{vif, sa, false, detail::to_vector(h.frame())});
                const bytes_view resp_ie = detail::elements_of(h);
                if (mb.status != status::success) {
                    if (i.sta.connecting)
                        ctx_.emit(event::connect{
                            vif, sa, mb.status, false, {}, detail::to_vector(resp_ie)});
                    back_to_idle(i);
                    return true;
                }
                i.sta.phase = sta_phase::associated;
                i.sta.aid = mb.aid & 0x3fff;  // the two top bits are set in the field
                i.sta.last_beacon = ctx_.time().now();
                i.data->bssid = sa;
                i.data->associated = true;
                ctx_.data().vif_changed(vif);
                // With a controlled port the supplicant authorizes the AP after the handshake.
                const std::uint32_t port = i.sta.crypto.control_port ? 0 : sta_flag::authorized;
                if (auto s = ctx_.data().stations().add(
                        sa, vif, sta_flag::authenticated | sta_flag::associated | port))
                    (*s)->aid = i.sta.aid;
                ctx_.bss_changed(i, true);
                ctx_.set_state(i, vap::state::run);
                watch_beacons(i);
                if (i.sta.connecting) {
                    const byte_vector req = assoc_request(i);
                    const auto rh = ieee80211::header_view::parse(req);
                    ctx_.emit(event::connect{
                        vif, sa, status::success, false,
                        rh ? detail::to_vector(detail::elements_of(*rh)) : byte_vector{},
                        detail::to_vector(resp_ie)});
                }
                return true;
            }
            case deauth:
            case disassoc:
                if (i.sta.phase == sta_phase::scanning) return false;
                drop_link(i, mb.reason, true, subtype == disassoc, detail::to_vector(h.frame()));
                return true;
            default:
                return false;
        }
    }

    /// @brief Leaves the BSS from our side: a deauthentication (or disassociation) goes out.
    void leave(interface_record& i, std::uint16_t why, bool disassoc = false) {
        if (!i.is_station() || i.sta.phase == sta_phase::idle) return;
        if (i.sta.phase == sta_phase::scanning) {
            i.sta = sta_state{};
            return;
        }
        const std::uint8_t st =
            disassoc ? ieee80211::mgmt_subtype::disassoc : ieee80211::mgmt_subtype::deauth;
        auto f = detail::build_mgmt(st, i.sta.bssid, i.addr(), i.sta.bssid,
                                    [&](byte_writer& w) { ieee80211::write_reason(w, why); });
        (void)ctx_.send_mgmt(i.index(), f, 0);
        drop_link(i, why, false, disassoc, std::move(f));
    }

  private:
    /// The station is with no BSS: its MLME state cleared, its vap back in INIT.
    void back_to_idle(interface_record& i) {
        i.sta = sta_state{};
        ctx_.set_state(i, vap::state::init);
    }
    /// Starts authentication with the best known BSS for the connect; false if none is known.
    bool join_known(interface_record& i, std::uint16_t freq) {
        const ::softmac::mac::bss* b = nullptr;
        if (i.sta.bssid != mac_address{}) {
            b = ctx_.bss().find(i.sta.bssid);
            if (b && b->ssid != i.sta.ssid) b = nullptr;
        } else {
            b = ctx_.bss().best(i.sta.ssid, freq);
        }
        if (!b) return false;
        auto ch = ieee80211::freq_to_channel(b->freq);
        if (!ch) return false;
        const std::uint16_t interval = ctx_.bss().heard(*b).beacon_int;
        i.sta.beacon_int = interval ? interval : 100;
        begin_auth(i, b->bssid, *ch, i.sta.ssid, true);
        return true;
    }
    void begin_auth(interface_record& i, const mac_address& bssid, const ieee80211::channel& ch,
                    const std::string& ssid, bool connecting) {
        if (i.sta.timer) ctx_.time().cancel(i.sta.timer);
        i.sta.connecting = connecting;
        i.sta.bssid = bssid;
        i.sta.ch = ch;
        i.sta.ssid = ssid;
        i.sta.tries = 0;
        i.sta.phase = sta_phase::authenticating;
        (void)ctx_.set_channel(ch);
        ctx_.set_state(i, vap::state::auth);
        send_auth(i);
    }
    void send_auth(interface_record& i) {
        if (++i.sta.tries > timing::auth_tries) return mlme_timeout(i);
        auto f = detail::build_mgmt(
            ieee80211::mgmt_subtype::auth, i.sta.bssid, i.addr(), i.sta.bssid, [](byte_writer& w) {
                ieee80211::write_auth_fixed(w, ieee80211::auth_alg::open, 1, 0);
            });
        (void)ctx_.send_mgmt(i.index(), f, driver::tx_flag::req_status);
        const std::uint8_t vif = i.index();
        i.sta.timer = ctx_.time().schedule_in(timing::auth_timeout, [this, vif] {
            auto& r = ctx_.records()[vif];
            r.sta.timer = 0;
            send_auth(r);
        });
    }
    void begin_assoc(interface_record& i) {
        if (i.sta.timer) ctx_.time().cancel(i.sta.timer);
        i.sta.tries = 0;
        i.sta.phase = sta_phase::associating;
        ctx_.set_state(i, vap::state::assoc);
        send_assoc(i);
    }
    byte_vector assoc_request(const interface_record& i) {
        const bool ofdm = i.data->no_cck || i.sta.ch.band != ieee80211::band::ghz2_4;
        return detail::build_mgmt(
            ieee80211::mgmt_subtype::assoc_req, i.sta.bssid, i.addr(), i.sta.bssid,
            [&](byte_writer& w) {
                ieee80211::write_assoc_req_fixed(
                    w,
                    ieee80211::capab::ess | ieee80211::capab::short_slot |
                        (i.sta.crypto.privacy ? ieee80211::capab::privacy : 0),
                    10);
                ieee80211::put::ssid(w, i.sta.ssid);
                ieee80211::put_rates(w, ctx_.data().rates(), ofdm);
                w.raw(i.sta.ies);
            });
    }
    void send_assoc(interface_record& i) {
        if (++i.sta.tries > timing::assoc_tries) return mlme_timeout(i);
        (void)ctx_.send_mgmt(i.index(), assoc_request(i), driver::tx_flag::req_status);
        const std::uint8_t vif = i.index();
        i.sta.timer = ctx_.time().schedule_in(timing::assoc_timeout, [this, vif] {
            auto& r = ctx_.records()[vif];
            r.sta.timer = 0;
            send_assoc(r);
        });
    }
    void mlme_timeout(interface_record& i) {
        const bool auth = i.sta.phase == sta_phase::authenticating;
        const std::uint8_t vif = i.index();
        const mac_address bssid = i.sta.bssid;
        const bool connecting = i.sta.connecting;
        back_to_idle(i);
        if (auth)
            ctx_.emit(event::authenticate{vif, bssid, true, {}});
        else
            ctx_.emit(event::associate{vif, bssid, true, {}});
        if (connecting) ctx_.emit(event::connect{vif, bssid, status::unspecified, true, {}, {}});
    }
    /// A Channel Switch Announcement of the station's AP (ieee80211_sta_process_chanswitch):
    /// the station goes with its AP when the count runs out, count beacon intervals after the
    /// announcement, on a channel of the same band the radio has; a switch it cannot follow
    /// is left to beacon loss. False when the elements carry no channel switch (the same
    /// elements again need not be looked at).
    bool follow_switch(interface_record& i, bytes_view elements) {
        if (i.sta.csa_timer) return true;
        std::optional<ieee80211::element> csa;
        (void)ieee80211::for_each_element(elements, [&](const ieee80211::element& e) {
            if (e.id == ieee80211::eid::csa && e.data.size() == 3) csa = e;
        });
        if (!csa) return false;
        const auto ch = ieee80211::make_channel(i.sta.ch.band, csa->data[1]);
        if (!ch || ch->freq_mhz == i.sta.ch.freq_mhz || !ctx_.channel_of(ch->freq_mhz)) return true;
        // One channel per radio: with another interface running on it the station does not
        // follow (its link then ends by beacon loss).
        for (const auto& r : ctx_.records())
            if (r.used() && r.index() != i.index() &&
                (r.ap.beaconing || (r.is_station() && r.associated())))
                return true;
        const std::uint8_t count = csa->data[2];
        const std::uint8_t vif = i.index();
        ctx_.emit(event::ch_switch_started{vif, ch->freq_mhz, count});
        const duration due = time_units(i.sta.beacon_int) * std::max<int>(count, 1);
        i.sta.csa_timer = ctx_.time().schedule_in(due, [this, vif, c = *ch] {
            auto* s = ctx_.records().find(vif);
            if (!s || !s->is_station()) return;
            s->sta.csa_timer = 0;
            if (!s->associated() || !ctx_.set_channel(c)) return;
            s->sta.ch = c;
            s->sta.last_beacon = ctx_.time().now();  // its beacons come on the new channel
            ctx_.emit(event::ch_switch{vif, c.freq_mhz});
        });
        return true;
    }
    /// Beacon loss: no beacon for beacon_loss_count intervals ends the link.
    void watch_beacons(interface_record& i) {
        const std::uint8_t vif = i.index();
        const duration period = time_units(i.sta.beacon_int) * timing::beacon_loss_count;
        i.sta.timer = ctx_.time().schedule_in(period, [this, vif, period] {
            auto& s = ctx_.records()[vif];
            s.sta.timer = 0;
            if (s.sta.phase != sta_phase::associated) return;
            if (ctx_.time().now() - s.sta.last_beacon >= period)
                return leave(s, reason::inactivity);
            watch_beacons(s);
        });
    }
    /// The link is gone (`by_ap`: the AP ended it): the station entry, the BSS and the vap
    /// state go, and the events say why.
    void drop_link(interface_record& i, std::uint16_t why, bool by_ap, bool disassoc,
                   byte_vector frame) {
        const std::uint8_t vif = i.index();
        const bool was_connected = i.sta.phase == sta_phase::associated;
        const bool connecting = i.sta.connecting && !was_connected;
        const mac_address bssid = i.sta.bssid;
        if (i.sta.timer) ctx_.time().cancel(i.sta.timer);
        if (i.sta.csa_timer) ctx_.time().cancel(i.sta.csa_timer);
        if (i.sta.p2p_noa != ieee80211::p2p::notice_of_absence{})
            (void)ctx_.p2p_ps_changed(i, {});  // no GO, no absences to keep
        i.sta = sta_state{};
        i.data->associated = false;
        ctx_.data().vif_changed(vif);
        ctx_.data().stations().remove(bssid);
        ctx_.bss_changed(i, false);
        ctx_.set_state(i, vap::state::init);
        if (disassoc)
            ctx_.emit(event::disassociate{vif, std::move(frame)});
        else
            ctx_.emit(event::deauthenticate{vif, std::move(frame)});
        if (was_connected) ctx_.emit(event::disconnect{vif, why, by_ap});
        if (connecting) ctx_.emit(event::connect{vif, bssid, status::unspecified, false, {}, {}});
    }

    Context ctx_;
};

}  // namespace softmac::mac
