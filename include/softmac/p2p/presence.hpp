// SPDX-License-Identifier: MIT
/// @file Defines p2p::presence: a GO's power save (its Notice of Absence, opportunistic power
/// save and CT window) and the P2P Presence procedure between a client and its GO.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/noa_schedule.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands the presence procedure issues: its action frames, and the
/// GO's beacon that announces its absences.
using presence_issues = issues<cfg::cmd::mgmt_tx, cfg::cmd::set_beacon>;

namespace detail {
/// @brief A GO's beacon interval in µs: its absences repeat with it (a driver's NoA interval).
inline std::uint32_t go_beacon_interval_us() {
    return std::uint32_t(cfg::cmd::start_ap{}.beacon_int) * 1024;
}
/// @brief A P2P action frame (category 127) from `sa` to `da` in a group: subtype, dialog token
/// and a P2P element with `attrs(w)`.
template <class Attrs>
std::vector<std::uint8_t> p2p_action(const mac_address& da, const mac_address& sa,
                                     const mac_address& bssid, std::uint8_t subtype,
                                     std::uint8_t token, Attrs&& attrs) {
    namespace ie = ieee80211;
    return build_frame(ie::mgmt_subtype::action, da, sa, bssid, [&](byte_writer& w) {
        ie::write_vendor_action(w, false, ie::vendor::p2p, subtype, token);
        ie::vendor_ie_builder<> p(ie::vendor::p2p);
        attrs(p.body());
        p.emit(w);
    });
}
}  // namespace detail

/// @brief The presence procedure of one P2P device. `Ctx` offers groups() (the device's
/// groups, changeable), update_beacon(group&) (the GO's advertisement again, its result),
/// exec and emit.
template <class Ctx>
class presence {
  public:
    explicit presence(Ctx ctx) : ctx_(ctx) {}

    // ---- a GO's power save (P2P_SET noa, oppps, ctwindow) ------------------------------------
    /// @brief P2P_SET noa <count>,<start ms>,<duration ms> on a GO's group interface
    /// (wpas_p2p_set_noa, hostapd_p2p_set_noa): count 0 ends the absences; else `count`
    /// absences (255: without end) of `duration` ms, one per beacon interval, each `start` ms
    /// after a TBTT (the TSF's multiples of the interval, where the MAC sends its beacons), the
    /// first after the next beacon, which announces them. The GO's beacons and probe responses
    /// carry them under a new index, and the radio keeps them; a radio that cannot
    /// (supports_p2p_ps) refuses. The start times are moved forward now and then (refresh), so
    /// that they stay within reach of the 32 bits they have.
    result<void> set_noa(std::string_view ifname, unsigned count, unsigned start_ms,
                         unsigned duration_ms) {
        auto* g = go_group(ifname);
        if (!g) return make_error(errc::invalid_state, "not a GO's group interface");
        if (count > 255 || (count == 0 && duration_ms > 0))
            return make_error(errc::bad_value, "count is 0..255, and 0 takes no duration");
        const std::uint32_t interval = detail::go_beacon_interval_us();
        if (count > 1 && std::uint64_t(duration_ms) * 1000 >= interval)
            return make_error(errc::bad_value, "an absence must end within its beacon interval");
        if (std::uint64_t(duration_ms) * 1000 > 0xffffffffu ||
            std::uint64_t(start_ms) * 1000 >= (1u << 30))
            return make_error(errc::bad_value, "a duration or start past the 32-bit TSF");
        auto n = g->noa;
        n.count = 0;
        if (count > 0 && duration_ms > 0) {
            // The TSF is the radio's time in µs (the MAC stamps its beacons with it).
            const auto now_us =
                std::chrono::duration_cast<std::chrono::microseconds>(ctx_.now()).count();
            const std::uint64_t after_next = (std::uint64_t(now_us) / interval + 2) * interval;
            n.count = 1;
            n.descriptors[0] = {std::uint8_t(count), duration_ms * 1000u, interval,
                                std::uint32_t(after_next + std::uint64_t(start_ms) * 1000)};
        }
        if (auto r = announce(*g, n); !r) return r;
        arm_refresh();
        return {};
    }
    /// @brief Every minute while a GO announces absences: finished one-shot and counted
    /// descriptors go, the others' start times move forward by whole intervals to the latest one
    /// past (the schedule stays; the index too).
    void refresh() {
        refresh_ = 0;
        const auto now_us = std::uint64_t(
            std::chrono::duration_cast<std::chrono::microseconds>(ctx_.now()).count());
        bool again = false;
        for (auto& g : ctx_.groups()) {
            if (!g.go || g.noa.count == 0) continue;
            auto n = g.noa;
            std::uint8_t kept = 0;
            for (std::uint8_t k = 0; k < n.count; ++k) {
                auto d = n.descriptors[k];
                const std::uint32_t past = std::uint32_t(now_us) - d.start_time;  // mod 2^32
                if (past >= (1u << 31)) {                                         // still to come
                    n.descriptors[kept++] = d;
                    continue;
                }
                const std::uint32_t done = d.interval_us ? past / d.interval_us : 0;
                if (d.count_type == 1 ? past >= d.duration_us
                                      : d.count_type != 255 && done >= d.count_type)
                    continue;  // every absence of it is over
                if (d.count_type != 1) {
                    d.start_time += done * d.interval_us;
                    if (d.count_type != 255) d.count_type = std::uint8_t(d.count_type - done);
                }
                n.descriptors[kept++] = d;
            }
            n.count = kept;
            again = again || kept > 0;
            if (!(n == g.noa)) {
                const auto before = g.noa;
                g.noa = n;
                if (!ctx_.update_beacon(g)) g.noa = before;
            }
        }
        if (again) arm_refresh();
    }
    void cancel_timers() { ctx_.cancel(std::exchange(refresh_, 0)); }
    /// @brief P2P_SET oppps <0|1> on a GO's group interface: opportunistic power save. softmac's
    /// clients never doze, so an OppPS GO stays present; its beacons say it.
    result<void> set_opp_ps(std::string_view ifname, bool on) {
        auto* g = go_group(ifname);
        if (!g) return make_error(errc::invalid_state, "not a GO's group interface");
        auto n = g->noa;
        n.ctwindow_opp_ps = std::uint8_t((n.ctwindow_opp_ps & 0x7f) | (on ? 0x80 : 0));
        return announce(*g, n);
    }
    /// @brief P2P_SET ctwindow <TU> on a GO's group interface: the CT window, 0..127 TU.
    result<void> set_ctwindow(std::string_view ifname, unsigned tu) {
        auto* g = go_group(ifname);
        if (!g) return make_error(errc::invalid_state, "not a GO's group interface");
        if (tu > 127) return make_error(errc::bad_value, "the CT window is 0..127 TU");
        auto n = g->noa;
        n.ctwindow_opp_ps = std::uint8_t((n.ctwindow_opp_ps & 0x80) | tu);
        return announce(*g, n);
    }

    // ---- the Presence procedure ----------------------------------------------------------------
    /// @brief P2P_PRESENCE_REQ on a client's group interface (wpas_p2p_presence_req,
    /// p2p_build_presence_req): asks the GO for presence with up to two (duration, interval)
    /// pairs in µs; the answer comes as a presence_response event.
    result<void> request(std::string_view ifname, std::uint32_t dur1, std::uint32_t int1,
                         std::uint32_t dur2, std::uint32_t int2) {
        group* g = nullptr;
        for (auto& gr : ctx_.groups())
            if (gr.ifname == ifname && !gr.go && gr.started) g = &gr;
        if (!g) return make_error(errc::invalid_state, "not an associated P2P client");
        ieee80211::p2p::notice_of_absence n;
        if (dur1 || int1) {
            n.descriptors[n.count++] = {1, dur1, int1, 0};
            if (dur2 || int2) n.descriptors[n.count++] = {2, dur2, int2, 0};
        }
        cfg::cmd::mgmt_tx t;
        static_cast<cfg::wdev_ref&>(t) = g->ref;
        t.frame = detail::p2p_action(g->peer_iface, g->iface_addr, g->peer_iface,
                                     ieee80211::p2p::action::presence_req, 1,
                                     [&](byte_writer& w) { n.write(w); });
        t.freq = g->freq;
        t.no_cck = true;
        if (auto r = ctx_.exec(t); !r) return r.err();
        waiting_ = std::string(ifname);
        return {};
    }

    /// @brief A P2P action frame (category 127) on one of the device's group interfaces: a
    /// client's Presence Request to us as GO, or our GO's Presence Response.
    void rx_p2p_action(const cfg::wdev_ref& to, const mac::event::frame& f) {
        namespace act = ieee80211::p2p::action;
        const auto subtype = p2p_action_subtype(f.bytes);
        if (subtype != act::presence_req && subtype != act::presence_resp) return;
        const auto h = ieee80211::header_view::parse(f.bytes);
        const bytes_view body = bytes_view(f.bytes).subspan(h->length());
        const std::uint8_t token = body[p2p_action_prefix.size() + 1];
        const auto attrs = parse_elements(body.subspan(p2p_action_prefix.size() + 2));
        for (auto& g : ctx_.groups()) {
            if (g.ref.wdev != to.wdev || !g.started) continue;
            if (subtype == act::presence_req && g.go) return answer(g, h->addr2(), token, attrs);
            if (subtype == act::presence_resp && !g.go && waiting_ == g.ifname) {
                // p2p_process_presence_resp: a response without Status or NoA is ignored.
                if (!attrs || !attrs->status || !attrs->noa) return;
                waiting_.reset();
                return ctx_.emit(
                    event::presence_response{g.ifname, h->addr2(), *attrs->status, *attrs->noa});
            }
        }
    }

  private:
    group* go_group(std::string_view ifname) {
        for (auto& g : ctx_.groups())
            if (g.ifname == ifname && g.go) return &g;
        return nullptr;
    }
    void arm_refresh() {
        if (!refresh_) refresh_ = ctx_.schedule(std::chrono::seconds(60), [this] { refresh(); });
    }
    /// The GO's advertisement takes `n` under the next index; a radio that refuses it leaves the
    /// last one.
    result<void> announce(group& g, ieee80211::p2p::notice_of_absence n) {
        const auto before = g.noa;
        n.index = std::uint8_t(before.index + 1);
        g.noa = n;
        if (auto r = ctx_.update_beacon(g); !r) {
            g.noa = before;
            return r;
        }
        return {};
    }
    /// The GO's answer (p2p_process_presence_req, p2p_group_presence_req): only a member may
    /// ask, a request without a NoA attribute is invalid, and a GO that has a schedule of its
    /// own keeps it (unable to accommodate); the answer carries the GO's current NoA, or an
    /// empty one.
    void answer(const group& g, const mac_address& sa, std::uint8_t token,
                const result<frame_attributes>& attrs) {
        namespace st = ieee80211::p2p::status;
        // A P2P client of the group (one that described its device; not a legacy station).
        const bool member = std::any_of(g.clients.begin(), g.clients.end(), [&](const auto& c) {
            return c.first == sa && c.second != mac_address{};
        });
        std::uint8_t status = st::success;
        if (!attrs || !attrs->noa)
            status = st::invalid_params;
        else if (!member || ieee80211::p2p::announces(g.noa))
            status = st::unable_to_accommodate;
        cfg::cmd::mgmt_tx t;
        static_cast<cfg::wdev_ref&>(t) = g.ref;
        t.frame =
            detail::p2p_action(sa, g.iface_addr, g.iface_addr,
                               ieee80211::p2p::action::presence_resp, token, [&](byte_writer& w) {
                                   w.u8(ieee80211::p2p::attr::status).le16(1).u8(status);
                                   if (ieee80211::p2p::announces(g.noa))
                                       g.noa.write(w);
                                   else
                                       ieee80211::p2p::notice_of_absence{}.write(w);
                               });
        t.freq = g.freq;
        t.no_cck = true;
        (void)ctx_.exec(t);
    }

    Ctx ctx_;
    std::optional<std::string> waiting_;  ///< the client interface waiting for its GO's answer
    timer_id refresh_ = 0;
};

}  // namespace softmac::p2p
