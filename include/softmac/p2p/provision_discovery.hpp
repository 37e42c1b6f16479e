// SPDX-License-Identifier: MIT
/// @file Defines p2p::provision_discovery: asking a peer for a WPS config method, with retries,
/// and answering its requests (hostap's p2p_pd.c: p2p_send_prov_disc_req,
/// p2p_process_prov_disc_req, p2p_process_prov_disc_resp).
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <softmac/ieee80211/wps.hpp>
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/peer_table.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief Provision discovery issues no config-layer command itself: its frames go through
/// p2p::offchannel.
using provision_discovery_issues = issues<>;

/// @brief The provision discovery request this device has sent and not seen answered.
struct pending_prov_disc {
    mac_address peer;
    std::uint16_t methods = 0;  ///< the WPS config method asked for
    std::uint8_t token = 0, tries = 0;
    bool join = false;       ///< for the peer's running group
    bool automatic = false;  ///< P2P_PROV_DISC auto: `join` was chosen here, and is reported
    timer_id timer = 0;      ///< the next retry
    after_pd then = after_pd::events;
};

/// @brief Provision discovery of one P2P device. `Ctx` offers the callbacks of every procedure
/// (dev, schedule, cancel, emit, send_action, exchange_done) and the hooks learn(info, addr),
/// go_group_interface(ssid), join_provisioned(go, how) (join_search::provisioned) and
/// negotiate_provisioned(peer) (go_negotiator::provisioned).
template <class Ctx>
class provision_discovery {
  public:
    explicit provision_discovery(Ctx ctx) : ctx_(ctx) {}

    /// @brief Asks `dev` to provision with what `asked` names on the peer (display: the peer
    /// shows a PIN, keypad: it enters ours, pbc: it pushes its button).
    result<void> request(const mac_address& dev, wps_method asked, bool join, bool automatic) {
        return begin(dev, asked, join, automatic, after_pd::events);
    }
    /// @brief The request a negotiation sends first (P2P_CONNECT … provdisc): no event reports
    /// its answer, which starts the negotiation; a refusal is reported first, and starts it too
    /// (p2p_process_prov_disc_resp); a timeout is reported, and starts none.
    result<void> request_for_negotiation(const mac_address& dev, wps_method asked) {
        return begin(dev, asked, false, false, after_pd::negotiation);
    }
    /// @brief The request a join sends GO `go` first (wpas_p2p_scan_res_join). False when none
    /// is sent: the GO's last answered request asked the same (p2p_get_provisioning_info; a
    /// client's WPS success clears that record), or none could be sent; the join goes on.
    bool request_for_join(const peer& go, wps_method asked, bool fallback) {
        if (go.provisioned == config_method_of(asked)) return false;
        return begin(go.info.dev_addr, asked, true, false,
                     fallback ? after_pd::join_or_negotiate : after_pd::join)
            .has_value();
    }
    /// @brief The peer of the request a negotiation follows, if one runs.
    std::optional<mac_address> before_negotiation() const {
        if (pd_ && pd_->then == after_pd::negotiation) return pd_->peer;
        return std::nullopt;
    }
    /// @brief A request that a join or negotiation follows ends with it (P2P_CANCEL,
    /// P2P_STOP_FIND, P2P_FLUSH).
    void cancel_followed() {
        if (pd_ && pd_->then != after_pd::events) (void)finish();
    }
    /// @brief A negotiation started: the request that was to start one ends.
    void cancel_before_negotiation() {
        if (before_negotiation()) (void)finish();
    }
    void cancel_timers() {
        if (pd_) ctx_.cancel(std::exchange(pd_->timer, 0));
    }
    /// @brief The TX status of our request to `to`: retry after a pause. A status for another
    /// peer's (a request ended meanwhile) is not this one's.
    void tx_done(bool ack, const mac_address& to) {
        if (!pd_ || to != pd_->peer) return;
        if (!ack && pd_->then == after_pd::join_or_negotiate)
            return end_for_join(join_pd::not_acked);
        pd_->timer =
            ctx_.schedule(ack ? limits::pd_retry_after_ack : limits::pd_retry_after_nack, [this] {
                if (!pd_) return;
                pd_->timer = 0;
                send_request();
            });
    }

    // ---- frames in ---------------------------------------------------------------------------
    void rx_request(const action_frame& a) {
        namespace cm = ieee80211::wps::config_method;
        auto& d = ctx_.dev();
        const auto& q = a.attrs;
        peer* p = q.device ? &ctx_.learn(*q.device, a.sa) : d.peers.find(a.sa);
        std::uint16_t methods = q.wps_methods.value_or(0);
        if (methods != cm::display && methods != cm::keypad && methods != cm::push_button)
            methods = 0;
        // A request to join a group must name one we run as GO; its events name that group's
        // interface (wpas_prov_disc_req's group=).
        std::string group;
        if (q.group_go && (group = ctx_.go_group_interface(q.group_ssid.value_or(""))).empty())
            methods = 0;
        ctx_.send_action(detail::prov_disc_response(d.addr, a.sa, a.token, methods), d.rx_freq,
                         limits::pd_resp_wait_ms, tx_kind::other);
        if (!methods || !p) return;
        const peer_info info = p->info;
        if (methods == cm::display)
            ctx_.emit(event::prov_disc_show_pin{info, d.new_pin(), false, std::move(group), {}});
        else if (methods == cm::keypad)
            ctx_.emit(event::prov_disc_enter_pin{info, false, std::move(group), {}});
        else
            ctx_.emit(event::prov_disc_pbc_req{info, std::move(group)});
    }
    void rx_response(const action_frame& a) {
        namespace cm = ieee80211::wps::config_method;
        auto& d = ctx_.dev();
        if (!pd_ || a.sa != pd_->peer || a.token != pd_->token) return;
        auto* p = d.peers.find(a.sa);
        const std::uint16_t got = a.attrs.wps_methods.value_or(0), asked = pd_->methods;
        if (p && got == asked) p->provisioned = got;
        // wpas_prov_disc_resp: an auto request's events say which way it went (peer_go=).
        const auto peer_go = pd_->automatic ? std::optional<bool>(pd_->join) : std::nullopt;
        const after_pd then = pd_->then;
        (void)finish();
        // wpas_prov_disc_fail: a refusal is reported, but an auto join's, which negotiates
        // instead (P2P-FALLBACK-TO-GO-NEG).
        if (got != asked && then != after_pd::join_or_negotiate)
            ctx_.emit(event::prov_disc_failure{a.sa, event::prov_disc_status::rejected});
        // wpas_prov_disc_resp: a join's request is answered to the join, without an event;
        // p2p_process_prov_disc_resp: a negotiation starts after any answer, without one for an
        // answer that accepted.
        if (for_join(then))
            return ctx_.join_provisioned(a.sa,
                                         got == asked ? join_pd::answered : join_pd::rejected);
        if (then == after_pd::negotiation) return ctx_.negotiate_provisioned(a.sa);
        if (got != asked) return;
        peer_info info;
        if (p) {
            info = p->info;
        } else {
            info.addr = info.dev_addr = a.sa;
        }
        if (asked == cm::display)
            ctx_.emit(event::prov_disc_enter_pin{info, true, {}, peer_go});
        else if (asked == cm::keypad)
            ctx_.emit(event::prov_disc_show_pin{info, d.new_pin(), true, {}, peer_go});
        else
            ctx_.emit(event::prov_disc_pbc_resp{a.sa, peer_go});
    }

  private:
    /// The WPS config method that names `m` on the peer (0: none).
    static std::uint16_t config_method_of(wps_method m) noexcept {
        namespace cm = ieee80211::wps::config_method;
        return m == wps_method::display  ? cm::display
               : m == wps_method::keypad ? cm::keypad
               : m == wps_method::pbc    ? cm::push_button
                                         : 0;
    }
    /// The request; what follows it is set before it is sent, so that its first TX status
    /// finds it.
    result<void> begin(const mac_address& dev, wps_method asked, bool join, bool automatic,
                       after_pd then) {
        auto* p = ctx_.dev().peers.find(dev);
        if (!p || p->probe_req_only) return make_error(errc::not_found, "unknown peer");
        const std::uint16_t methods = config_method_of(asked);
        if (!methods) return make_error(errc::bad_value, "method must be display, keypad or pbc");
        if (pd_) return make_error(errc::busy, "a provision discovery is running");
        if (++p->dialog_token == 0) p->dialog_token = 1;
        pd_ = pending_prov_disc{dev, methods, p->dialog_token, 0, join, automatic, 0, then};
        send_request();
        return {};
    }
    void send_request() {
        auto& d = ctx_.dev();
        auto* p = d.peers.find(pd_->peer);
        if (!p || ++pd_->tries > limits::pd_max_tries) {
            // wpas_prov_disc_fail: a join's request timed out (P2P_PROV_DISC_TIMEOUT_JOIN).
            if (for_join(pd_->then)) return end_for_join(join_pd::timed_out);
            const mac_address who = finish();
            ctx_.emit(event::prov_disc_failure{who, event::prov_disc_status::timeout});
            return;
        }
        const bool join = pd_->join;
        const std::uint16_t freq =
            join && p->oper_freq ? p->oper_freq : (p->listen_freq ? p->listen_freq : p->oper_freq);
        ctx_.send_action(
            detail::prov_disc_request(detail::local_of(d), *p, pd_->token, pd_->methods, join),
            freq, limits::pd_req_wait_ms, tx_kind::pd_req);
    }

    /// Ends the running request (its retry, and the exchange that kept the radio) and returns
    /// its peer.
    mac_address finish() {
        const mac_address who = pd_->peer;
        ctx_.cancel(pd_->timer);
        pd_.reset();
        ctx_.exchange_done();
        return who;
    }
    static bool for_join(after_pd then) noexcept {
        return then == after_pd::join || then == after_pd::join_or_negotiate;
    }
    void end_for_join(join_pd how) { ctx_.join_provisioned(finish(), how); }

    Ctx ctx_;
    std::optional<pending_prov_disc> pd_;
};

}  // namespace softmac::p2p
