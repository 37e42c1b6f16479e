// SPDX-License-Identifier: MIT
/// @file Defines p2p::invitation: inviting a peer to a running group or re-invoking a stored
/// persistent group, with retries and listen periods, and answering invitations (hostap's
/// p2p_invitation.c: p2p_invite, p2p_invitation_req_cb, p2p_process_invitation_req and _resp,
/// with wpa_supplicant's wpas_invitation_process, _received and _result).
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <softmac/ieee80211/p2p.hpp>
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief Invitation issues no config-layer command itself: its frames go through
/// p2p::offchannel, its groups through p2p::group_manager.
using invitation_issues = issues<>;

/// @brief The invitation this device sends until it is answered or given up.
struct pending_invitation {
    mac_address peer;
    detail::invitation_terms terms;
    int persistent_id = -1;  ///< the stored group re-invoked; -1: a running group
    bool we_go = false;      ///< our role in the group
    bool forced = false;     ///< the operating channel was forced (freq=)
    bool retried_social = false;
    bool unacked = false;  ///< the last request has had no ACK (P2P_DEV_WAIT_INV_REQ_ACK)
    unsigned tries = 0;
};

/// @brief Invitation of one P2P device. `Ctx` offers the callbacks of every procedure (dev, now,
/// schedule, cancel, arm, disarm, emit, start_listen, end_listen, cut_listen, send_action, and
/// pace and hurry, which time its requests) and
/// the hooks stop_find(), learn(info, addr), intended_iface() (our interface address in the next
/// group), running_group(ifname) and runs_group(ssid) (the groups we are in), start_group(setup)
/// and join(go) (join_search::start), and client_left(id, dev) (a stored group's client
/// that no longer knows it).
template <class Ctx>
class invitation {
  public:
    explicit invitation(Ctx ctx) : ctx_(ctx) {}

    void cancel_timers() {
        if (settle_) ctx_.cancel(std::exchange(settle_, 0));
    }

    /// @brief P2P_INVITE: invites `p.peer` to the running group `p.group`, or re-invokes the
    /// stored group `p.persistent_id` (its GO re-invokes it for a client, which `p.peer` names;
    /// a client for its GO).
    result<void> invite(const invite_params& p) {
        auto& d = ctx_.dev();
        pending_invitation inv;
        inv.peer = p.peer;
        if (p.persistent_id >= 0) {
            const auto* s = d.stored(p.persistent_id);
            if (!s) return make_error(errc::not_found, "no such persistent group");
            if (s->go && p.peer == mac_address{})
                return make_error(errc::bad_value, "a GO must name the peer to invite");
            if (!s->go && p.peer == mac_address{}) inv.peer = s->go_dev;
            const std::uint16_t chosen = p.freq ? p.freq : p.pref;
            if (chosen && !d.usable_freq(chosen))
                return make_error(errc::not_supported, "frequency not usable for P2P");
            if (s->go && p.freq && !d.go_allowed(p.freq))
                return make_error(errc::not_supported, "p2p_no_go_freq has the frequency");
            inv.persistent_id = s->id;
            inv.we_go = s->go;
            inv.forced = p.freq != 0;
            inv.terms.persistent = true;
            inv.terms.ssid = s->ssid;
            inv.terms.go_dev = s->go ? d.addr : s->go_dev;
            inv.terms.channels = detail::offered_channels(d.channels, p.freq);
            // A GO names its channel and BSSID; a client its preference, if it has one.
            inv.terms.oper = chosen ? chosen : (s->go ? d.prepare_oper() : 0);
            if (s->go && !p.freq && !d.go_allowed(inv.terms.oper))  // p2p_prepare_channel's
                inv.terms.oper = d.go_freq(d.channels);             // no-GO filter
            if (s->go) inv.terms.bssid = ctx_.intended_iface();
        } else {
            const group* g = ctx_.running_group(p.group);
            if (!g || !g->started) return make_error(errc::not_found, "no such group");
            inv.we_go = g->go;
            inv.terms.ssid = g->ssid;
            inv.terms.go_dev = g->go ? d.addr : (p.go_dev != mac_address{} ? p.go_dev : g->go_dev);
            inv.terms.bssid = g->go ? g->iface_addr : g->peer_iface;
            inv.terms.oper = g->freq;
            inv.terms.channels = d.channels;
        }
        auto* peer = d.peers.find(inv.peer);
        if (!peer || (!peer->listen_freq && !peer->oper_freq))
            return make_error(errc::not_found, "unknown peer");
        if (d.negotiating() || inv_) return make_error(errc::busy, "a negotiation is running");
        ctx_.stop_find();
        if (++peer->dialog_token == 0) peer->dialog_token = 1;
        inv_ = std::move(inv);
        d.current = state::invite;
        send_request();
        return {};
    }
    /// @brief The invitee sent a probe request (it listens now): the next request goes at once
    /// while the last one has had no ACK, as hostap's p2p_probe_req_rx does in P2P_INVITE and
    /// P2P_INVITE_LISTEN; an invitee that acknowledged it is left to answer.
    void peer_listening(const mac_address& sa) {
        if (inv_ && inv_->unacked && inv_->peer == sa)
            ctx_.hurry(state::invite, state::invite_listen, [this] { resend(); });
    }
    /// @brief A listen period between requests ended: send the next one.
    void listen_ended() {
        if (inv_ && ctx_.dev().current == state::invite_listen) resend();
    }
    /// @brief Our request's TX status: a listen period after a pause, then the next request.
    void tx_done(bool ack) {
        auto& d = ctx_.dev();
        if (!inv_ || d.current != state::invite) return;
        if (ack) inv_->unacked = false;
        ctx_.pace(ack, state::invite, state::invite_listen, limits::invite_req_wait_ms,
                  [this] { resend(); });
    }
    /// @brief Ends a pending invitation without a result (P2P_STOP_FIND, P2P_FLUSH).
    void stop() {
        if (!inv_) return;
        ctx_.disarm();
        ctx_.end_listen();
        inv_.reset();
        ctx_.dev().current = state::idle;
    }

    // ---- frames in ---------------------------------------------------------------------------
    void rx_request(const action_frame& a) {
        namespace st = ieee80211::p2p::status;
        auto& d = ctx_.dev();
        const auto& q = a.attrs;
        if (q.device) ctx_.learn(*q.device, a.sa);
        std::uint8_t status = st::success;
        std::uint16_t oper = 0;
        mac_address bssid;
        std::vector<std::uint16_t> common;
        // Without Invitation Flags an invitation is taken to re-invoke a persistent group.
        const bool persistent = !q.invitation_flags || (*q.invitation_flags & 0x01) != 0;
        const persistent_group* stored = nullptr;
        std::optional<event::invitation_received> report;
        if (!q.group_go || !q.group_ssid || !q.channels) {
            status = st::invalid_params;
        } else if (!persistent) {
            // A running group: its GO becomes a peer we can join.
            if (auto* go = d.peers.find(*q.group_go)) {
                go->go_ssid = *q.group_ssid;
                if (const auto f = freq_of(q.oper)) go->oper_freq = f;
                if (q.group_bssid) go->intended_iface = *q.group_bssid;
            }
            event::invitation_received e;
            e.sa = a.sa;
            e.go_dev = *q.group_go;
            e.bssid = q.group_bssid.value_or(mac_address{});
            e.accepted = authorised_join(*q.group_go) || authorised_join(a.sa);
            status = e.accepted ? st::success : st::info_unavailable;
            report = e;
        } else if (!(stored = d.stored(*q.group_go, *q.group_ssid))) {
            status = st::unknown_group;
        } else if (ctx_.runs_group(stored->ssid)) {
            status = st::success;  // already running: nothing to start
        } else {
            common = detail::intersect(d.channels, *q.channels);
            const std::uint16_t theirs = freq_of(q.oper);
            if (stored->go) {
                // p2p_process_invitation_req as GO: from our configured channel, the
                // inviter's when common; chosen again from the common ones when that is not
                // common or no channel is configured.
                std::erase_if(common, [&](std::uint16_t f) { return !d.go_allowed(f); });
                oper = detail::contains(common, theirs) ? theirs : d.configured_oper();
                if (!detail::contains(common, oper) || !d.set.oper_channel)
                    oper = detail::reselect(common, d.pref_freqs(), oper, d.rng);
                bssid = ctx_.intended_iface();
            } else {
                oper = detail::contains(common, theirs) ? theirs : 0;
            }
            event::invitation_received e;
            e.sa = a.sa;
            e.persistent_id = stored->id;
            e.freq = stored->go ? oper : 0;
            e.accepted = d.set.persistent_reconnect;
            if (!oper)
                status = st::no_common_channels;
            else
                status = e.accepted ? st::success : st::info_unavailable;
            if (oper) report = e;
        }
        ctx_.send_action(detail::invitation_response(d.addr, a.sa, a.token, status, oper, bssid,
                                                     common.empty() ? d.channels : common),
                         d.rx_freq, limits::invite_resp_wait_ms, tx_kind::other);
        if (report) ctx_.emit(*report);
        if (status != st::success || !report) return;
        // Accepted: once the response is on the air, the group starts (or the join).
        const int id = stored ? stored->id : -1;
        const bool go = stored && stored->go;
        const mac_address go_dev = *q.group_go;
        const mac_address bss = go ? bssid : q.group_bssid.value_or(mac_address{});
        cancel_timers();
        settle_ = ctx_.schedule(limits::confirm_settle, [this, id, go, oper, go_dev, bss] {
            settle_ = 0;
            if (id < 0) return ctx_.join(go_dev);
            if (const auto* s = ctx_.dev().stored(id))
                start_stored(*s, go, oper, go ? mac_address{} : go_dev, bss);
        });
    }
    void rx_response(const action_frame& a) {
        namespace st = ieee80211::p2p::status;
        auto& d = ctx_.dev();
        if (!inv_ || a.sa != inv_->peer) return;
        if (d.current != state::invite && d.current != state::invite_listen) return;
        auto* p = d.peers.find(inv_->peer);
        if (!p || a.token != p->dialog_token) return;
        const auto& q = a.attrs;
        const int status = q.status ? *q.status : st::invalid_params;
        ctx_.disarm();
        ctx_.end_listen();
        // A GO re-invoking its group tries a social channel once when the client could not use
        // ours (wpas_invitation_result).
        if (status == st::no_common_channels && inv_->we_go && inv_->persistent_id >= 0 &&
            !inv_->forced && !inv_->retried_social) {
            inv_->retried_social = true;
            inv_->terms.oper = detail::freq_of_channel(detail::random_social(d.rng));
            if (++p->dialog_token == 0) p->dialog_token = 1;
            return resend();
        }
        const pending_invitation inv = std::move(*inv_);
        inv_.reset();
        d.current = state::idle;
        ctx_.emit(event::invitation_result{status, q.group_bssid.value_or(mac_address{})});
        if (inv.persistent_id < 0) return;
        const auto* s = d.stored(inv.persistent_id);
        if (!s) return;
        if (status == st::unknown_group && inv.we_go) return ctx_.client_left(s->id, inv.peer);
        if (status != st::success) return;
        // Accepted (wpas_invitation_result): the GO starts the group on its channel when the
        // client's Channel List has it, else on one chosen as an autonomous GO's among the
        // channels both have; the client joins the GO's.
        std::uint16_t oper = freq_of(q.oper);
        if (inv.we_go) {
            auto common = q.channels ? detail::intersect(d.channels, *q.channels) : d.channels;
            std::erase_if(common, [&](std::uint16_t f) { return !d.go_allowed(f); });
            oper = detail::contains(common, inv.terms.oper) ? inv.terms.oper : d.go_freq(common);
        }
        if (!oper) return ctx_.emit(event::group_formation_failure{});
        start_stored(*s, inv.we_go, oper, inv.we_go ? mac_address{} : inv.peer,
                     inv.we_go ? inv.terms.bssid : q.group_bssid.value_or(mac_address{}));
    }

  private:
    /// Whether the user authorised joining the group of GO `dev` when invited (P2P_CONNECT
    /// <GO> <method> join auth).
    bool authorised_join(const mac_address& dev) {
        const auto* p = ctx_.dev().peers.find(dev);
        return p && p->auth_join;
    }
    /// A stored group started again: as GO on `oper` (its clients join with the stored PSK) or
    /// as client of `go_dev`'s group at `bssid` (none: found by its SSID) on `oper`.
    void start_stored(const persistent_group& s, bool go, std::uint16_t oper,
                      const mac_address& go_dev, const mac_address& bssid) {
        group_setup g;
        g.go = go;
        g.freq = oper;
        g.ssid = s.ssid;
        g.persistent = true;
        g.persistent_id = s.id;
        if (!go) {
            g.forming = true;  // until the 4-way handshake with the GO completes
            g.peer_dev = g.go_dev = go_dev;
            g.peer_iface = bssid;
        }
        if (!ctx_.start_group(std::move(g))) ctx_.emit(event::group_formation_failure{});
    }
    void resend() {
        ctx_.dev().current = state::invite;
        send_request();
    }
    /// One Invitation Request to the peer's listen channel; after 100 unanswered the invitation
    /// ends with status -1.
    void send_request() {
        auto& d = ctx_.dev();
        auto* p = d.peers.find(inv_->peer);
        if (!p || ++inv_->tries > limits::invite_max_tries) {
            inv_.reset();
            d.current = state::idle;
            ctx_.emit(event::invitation_result{});
            return;
        }
        p->invitation_reqs = inv_->tries;
        inv_->unacked = true;
        const std::uint16_t freq = p->listen_freq ? p->listen_freq : p->oper_freq;
        ctx_.send_action(detail::invitation_request(detail::local_of(d), *p, inv_->terms), freq,
                         limits::invite_req_wait_ms, tx_kind::inv_req);
    }

    Ctx ctx_;
    std::optional<pending_invitation> inv_;
    timer_id settle_ = 0;  ///< an accepted invitation's group, once the response is out
};

}  // namespace softmac::p2p
