// SPDX-License-Identifier: MIT
/// @file Defines p2p::go_negotiator: GO negotiation as initiator and responder: requests with
/// retries and listen periods between them, intent and tie-breaker, the operating channel from the
/// channel lists, status codes, the confirmation, and the group it leads to (hostap's
/// p2p_go_neg.c: p2p_connect_send, p2p_process_go_neg_req, _resp, p2p_handle_go_neg_conf).
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/cfg/replies.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands GO negotiation issues itself (its frames go through
/// p2p::offchannel, its group through p2p::group_manager).
using go_negotiation_issues = issues<cfg::cmd::get_interface>;

/// @brief One GO negotiation (hostap's go_neg_peer and the values negotiated with it).
struct go_negotiation {
    mac_address peer;  ///< the peer's device address; none when no negotiation runs
    bool initiator = false;
    unsigned tries = 0;  ///< requests sent
    bool we_go = false;
    std::uint16_t oper = 0;             ///< the group's operating channel (MHz)
    std::string ssid;                   ///< the group's SSID
    mac_address go_dev;                 ///< the GO's device address, when we are its client
    std::vector<std::uint16_t> common;  ///< the channels both lists share (MHz)
    std::uint8_t conf_token = 0;        ///< the response's dialog token, which the confirmation
                                        ///< repeats
    std::uint8_t conf_status = 0;       ///< the confirmation's status
    bool confirming = false;            ///< waiting for the confirmation's TX status
    unsigned conf_retries = 0;
    bool persistent = false;  ///< the GO stores the group (its choice; a client reads it)
};

/// @brief GO negotiation of one P2P device. `Ctx` offers the callbacks of every procedure (dev,
/// now, schedule, cancel, arm, disarm, emit, exec, start_listen, end_listen, cut_listen,
/// send_action, and pace and hurry, which time its requests) and the hooks stop_find(), learn(info,
/// addr), entry(addr), cancel_frame_waits(), form_group(...), group_addresses() (the interface
/// addresses groups use), reach_through_go(peer) (device discoverability; false when it cannot) and
/// reaching_through_go() (one is running), shared_freq() (the station interface's channel, 0:
/// none), search_and_join(dev, params) (join_search::start), provision_first(dev, asked) (a
/// provision discovery whose answer calls provisioned()) and end_provision_first() (a negotiation
/// started: that request ends).
template <class Ctx>
class go_negotiator {
  public:
    explicit go_negotiator(Ctx ctx) : ctx_(ctx) {}

    /// @brief Draws the first tie-breaker (once the radio is up).
    void start() { tie_breaker_ = (ctx_.dev().rng() & 1) != 0; }
    /// @brief The peer a negotiation runs with (none when idle).
    const mac_address& peer_address() const noexcept { return neg_.peer; }
    void cancel_timers() { ctx_.cancel(std::exchange(peer_deadline_, 0)); }

    /// @brief P2P_CONNECT (wpas_p2p_connect, p2p_connect, p2p_authorize): authorises `dev` and,
    /// unless `c.auth`, negotiates with it (`c.provdisc`: once it answered a provision
    /// discovery), or joins its group (a GO not seen running it is searched for first). The PIN
    /// to show is the answer.
    result<std::string> connect(const mac_address& dev, connect_params c) {
        auto& d = ctx_.dev();
        // The frequency is checked first (wpas_p2p_setup_freqs runs before the peer is looked
        // up); authorising needs a known device, a negotiation or a join one that answered
        // (p2p_authorize against p2p_connect).
        if (c.freq && !d.usable_freq(c.freq))
            return make_error(errc::not_supported, "frequency not usable for P2P");
        // auto: join when the peer was last seen running a group, else negotiate and say so
        // (wpas_p2p_scan_res_join's choice, made on the peer table: no join scan first).
        const bool fallback = c.auto_join && !c.join && !c.auth && !d.peer_runs_group(dev);
        if (c.auto_join) c.join = !fallback;
        if (c.method == wps_method::not_ready) return make_error(errc::bad_value, "no method");
        std::string pin = c.pin;
        if (c.method == wps_method::display && pin.empty()) pin = d.new_pin();
        // A join needs no known peer: join_search looks for a GO not seen running its group,
        // and asks the GO for provisioning before it joins.
        if (c.join && !c.auth) {
            c.pin = pin;
            ctx_.search_and_join(dev, std::move(c));
            return pin;
        }
        auto* p = d.peers.find(dev);
        if (!p || (p->probe_req_only && !(c.auth && !c.join)))
            return make_error(errc::not_found, "unknown peer");
        // A radio of one channel at a time whose station interface holds one negotiates only
        // that one (wpas_p2p_setup_freqs forces the shared frequency when none is unused).
        if (const auto shared = ctx_.shared_freq(); shared && d.dedicated && !c.join) {
            if ((c.freq && c.freq != shared) || !d.usable_freq(shared))
                return make_error(errc::exhausted, "the radio's channel is in use");
            c.freq = shared;
        }
        if (c.persistent_id >= 0) {
            const auto* s = d.stored(c.persistent_id);
            if (!s || !s->go) return make_error(errc::not_found, "not a stored GO group");
        }
        if (c.join && c.auth) {  // join the peer's group when it invites us
            p->method = c.method;
            p->pin = pin;
            p->auth_join = true;
            return pin;
        }
        p->method = c.method;
        p->pin = pin;
        // A new authorisation starts the peer's negotiation record afresh (p2p_connect,
        // p2p_authorize).
        p->go_neg_req_sent = 0;
        p->go_state = go_role::unknown;
        p->status = ieee80211::p2p::status::success;
        p->persistent = c.persistent || c.persistent_id >= 0;
        p->persistent_id = c.persistent_id;
        p->go_intent = c.go_intent.value_or(d.set.go_intent);
        p->force_freq = c.freq;
        p->oper_pref = c.freq;  // else prepared when the negotiation needs it
        if (c.auth) return pin;
        if (auto r = c.provdisc ? provision_first(*p) : initiate(*p); !r) return r.err();
        if (fallback)
            ctx_.emit(
                event::fallback_to_go_neg{dev, event::fallback_to_go_neg::peer_not_running_go});
        return pin;
    }
    /// @brief P2P_CONNECT … provdisc: the peer is asked by provision discovery first, as
    /// p2p_connect stops a find and p2p_connect_send sends the request (P2P_DEV_PD_BEFORE_GO_NEG);
    /// its answer starts the negotiation (provisioned()).
    result<void> provision_first(const peer& p) {
        if (ctx_.dev().negotiating()) return make_error(errc::busy, "a negotiation is running");
        ctx_.stop_find();
        return ctx_.provision_first(p.info.dev_addr, asked_of_peer(p.method));
    }
    /// @brief P2P_CONNECT … provdisc's request was answered: the negotiation starts, unless an
    /// invitation runs or the peer lost its standing (a negotiation started ended the request).
    void provisioned(const mac_address& dev) {
        auto* p = ctx_.dev().peers.find(dev);
        const state s = ctx_.dev().current;
        if (!p || p->method == wps_method::not_ready || p->rejected || s == state::invite ||
            s == state::invite_listen)
            return;
        (void)initiate(*p);
    }
    /// @brief Starts a negotiation as initiator with `p`, authorised with its method and intent.
    result<void> initiate(peer& p) {
        auto& d = ctx_.dev();
        if (d.negotiating() && neg_.peer != p.info.dev_addr)
            return make_error(errc::busy, "negotiating with another peer");
        ctx_.stop_find();
        ctx_.end_provision_first();
        cancel_timers();
        neg_ = go_negotiation{};
        neg_.peer = p.info.dev_addr;
        neg_.initiator = true;
        tie_breaker_ = !tie_breaker_;
        if (++p.dialog_token == 0) p.dialog_token = 1;
        d.current = state::connect;
        send_request();
        return {};
    }
    /// @brief Ends the negotiation: P2P-GO-NEG-FAILURE with `status` (-1: no answer). As
    /// hostap's p2p_go_neg_failed, the failure is final: the peer's authorisation is used up, so a
    /// request the peer sends later is answered "information unavailable" (and reported as a new
    /// P2P-GO-NEG-REQUEST) until the user authorises it again, rather than completing a
    /// negotiation already reported failed.
    void fail(int status) {
        ctx_.disarm();
        ctx_.end_listen();
        cancel_timers();
        if (auto* p = ctx_.dev().peers.find(neg_.peer)) {
            p->method = wps_method::not_ready;
            p->waiting_for_us = false;
        }
        const mac_address peer = std::exchange(neg_, go_negotiation{}).peer;
        ctx_.dev().current = state::idle;
        ctx_.emit(event::go_neg_failure{status, peer});
    }
    /// @brief Forgets a pending negotiation without an event (P2P_STOP_FIND): the device is idle;
    /// the peer's authorisation stays, so its own request still succeeds.
    void abandon() {
        if (!ctx_.dev().negotiating()) return;
        ctx_.disarm();
        ctx_.end_listen();
        cancel_timers();
        if (auto* p = ctx_.dev().peers.find(neg_.peer)) p->waiting_for_us = false;
        neg_ = go_negotiation{};
        ctx_.dev().current = state::idle;
    }
    /// @brief The peer listens now (its probe request said so): the next request goes at once
    /// while one waits for an answer, for the next try or for a listen period to end, as
    /// hostap's p2p_probe_req_rx does in P2P_CONNECT and P2P_CONNECT_LISTEN (a responder
    /// waiting for our confirmation is in state go_neg).
    void peer_listening(const mac_address& sa) {
        // Not while its GO is asked to wake it (the answer goes on through resume).
        if (neg_.peer == sa && !ctx_.reaching_through_go())
            ctx_.hurry(state::connect, state::connect_listen, [this] { resend(); });
    }
    /// @brief A listen period ended while negotiating.
    void listen_ended() {
        auto& d = ctx_.dev();
        if (d.current == state::connect_listen) {
            resend();
        } else if (d.current == state::wait_peer_connect) {
            d.current = state::wait_peer_idle;
            ctx_.arm(limits::peer_idle_pause, [this] {
                auto& dev = ctx_.dev();
                if (dev.current == state::wait_peer_idle) {
                    dev.current = state::wait_peer_connect;
                    ctx_.start_listen(ctx_.dev().random_listen_ms());
                }
            });
        }
    }
    /// @brief The TX status of a request or confirmation.
    void tx_done(tx_kind k, bool ack) {
        auto& d = ctx_.dev();
        if (k == tx_kind::go_neg_req) {
            if (d.current != state::connect) return;
            // An unacknowledged request does not count (p2p_go_neg_req_cb).
            auto* p = d.peers.find(neg_.peer);
            if (p && !ack && p->go_neg_req_sent) --p->go_neg_req_sent;
            // A client that did not hear it may be woken through its GO.
            if (p && !ack && ctx_.reach_through_go(*p)) return;
            ctx_.pace(ack, state::connect, state::connect_listen, limits::go_neg_req_wait_ms,
                      [this] { resend(); });
        } else if (k == tx_kind::go_neg_conf) {
            if (d.current != state::go_neg || !neg_.confirming) return;
            if (!ack && neg_.conf_retries++ < 1) return send_confirm();
            neg_.confirming = false;
            done();
        }
    }

    /// @brief Device discoverability through the peer's GO ended: a client awake on its group's
    /// channel gets the request there at once (`found`); otherwise the negotiation goes on as
    /// after an unacknowledged request (p2p_process_dev_disc_resp, p2p_dev_disc_req_cb).
    void resume(bool found) {
        if (ctx_.dev().current != state::connect) return;
        if (!found)
            return ctx_.pace(false, state::connect, state::connect_listen,
                             limits::go_neg_req_wait_ms, [this] { resend(); });
        ctx_.cancel_frame_waits();
        via_group_ = true;  // 2.10 sends to the listen channel again, where the client is not
        resend();
    }
    /// @brief Our interface address in the next group: a free address of the wiphy, kept until
    /// a group takes it (take_intended_iface), or the device address when the group shares
    /// the device's interface.
    mac_address intended_iface() {
        auto& d = ctx_.dev();
        if (!d.dedicated) return d.addr;
        if (intended_ != mac_address{}) return intended_;
        const auto used = ctx_.exec(cfg::cmd::get_interface{});
        for (std::size_t k = 1; k < d.wiphy.addresses.size(); ++k) {
            const mac_address a = d.wiphy.addresses[k];
            bool taken = false;
            if (used)
                for (const auto& i : *used) taken = taken || i.mac == a;
            for (const auto& g : ctx_.group_addresses()) taken = taken || g == a;
            if (!taken) return intended_ = a;
        }
        return intended_ = d.addr;
    }
    mac_address take_intended_iface() {
        const mac_address a = intended_iface();
        intended_ = {};
        return a;
    }

    // ---- frames in ---------------------------------------------------------------------------
    void rx_request(const action_frame& a) {
        auto& d = ctx_.dev();
        const auto& q = a.attrs;
        namespace st = ieee80211::p2p::status;
        std::uint8_t status = st::success;
        if (!q.listen || !q.oper || !q.channels || !q.intended_iface || !q.device || !q.intent)
            status = st::invalid_params;
        else if (q.device->dev_addr != a.sa)
            status = st::invalid_params;
        else if (q.status && *q.status != st::success) {
            // A request has no Status (p2p_process_go_neg_req): one that carries a user's
            // rejection from the peer we negotiate with ends our negotiation unanswered (devices
            // that answered our request with status 1 send it); any other is invalid.
            if (*q.status == st::rejected_by_user && d.negotiating() && neg_.peer == a.sa)
                return fail(st::rejected_by_user);
            status = st::invalid_params;
        }
        peer* p = nullptr;
        if (q.device) {
            p = &ctx_.learn(*q.device, a.sa);
            if (q.listen) p->listen_freq = freq_of(q.listen);
        } else {
            p = &ctx_.entry(a.sa);
        }
        if (q.channels) p->country = q.channels_country;
        const std::uint16_t dpid = q.dpid.value_or(0);
        const bool tie = q.intent && !q.intent->tie_breaker;
        auto answer = [&](std::uint8_t s) {
            p->status = s;
            detail::go_neg_terms t;
            t.status = s;
            t.channels = offered(*p);
            ctx_.send_action(
                detail::go_neg_response(detail::local_of(d), *p, a.token, tie, intended_iface(), t),
                d.rx_freq, limits::go_neg_resp_wait_ms, tx_kind::go_neg_resp);
        };
        if (status) return answer(status);
        if (p->rejected) return answer(st::rejected_by_user);
        if (p->method == wps_method::not_ready) {
            if (!p->waiting_for_us || !d.negotiating())
                ctx_.emit(event::go_neg_request{a.sa, dpid, q.intent->intent});
            p->waiting_for_us = true;
            return answer(st::info_unavailable);
        }
        if (d.negotiating() && neg_.peer != a.sa) return answer(st::unable_to_accommodate);
        if (q.intent->intent > 15) return answer(st::invalid_params);
        if ((d.current == state::connect || d.current == state::connect_listen) &&
            neg_.peer == a.sa && a.sa.octets > d.addr.octets)
            return;  // both sent requests: the lower address's request wins
        if (q.intent->intent == 15 && p->go_intent == 15) return answer(st::both_go_intent_15);
        const auto common = detail::intersect(offered(*p), *q.channels);
        if (common.empty()) return answer(st::no_common_channels);
        if (!compatible(p->method, dpid)) return answer(st::incompatible_prov_method);
        const bool we_go = p->go_intent > q.intent->intent ||
                           (p->go_intent == q.intent->intent && !q.intent->tie_breaker);
        std::uint16_t oper = freq_of(q.oper);
        std::string ssid;
        if (we_go) {
            oper = choose_operating(common, *p);
            if (!oper) return answer(st::no_common_channels);
            ssid = group_ssid(*p);
        }
        // As client, the request's channel is only the peer's preference: the GO's confirmation
        // names the group's (p2p_process_go_neg_req checks nothing more).
        ctx_.stop_find();
        ctx_.end_provision_first();
        ctx_.disarm();
        ctx_.end_listen();
        cancel_timers();
        neg_ = go_negotiation{};
        neg_.peer = a.sa;
        neg_.we_go = we_go;
        neg_.oper = oper;
        neg_.common = common;
        neg_.ssid = std::move(ssid);
        neg_.persistent = we_go && p->persistent;
        p->waiting_for_us = false;
        p->intended_iface = *q.intended_iface;
        if (q.timeout) p->config_timeout = *q.timeout;
        p->status = st::success;
        p->go_state = we_go ? go_role::local : go_role::remote;
        d.current = state::go_neg;
        detail::go_neg_terms t;
        t.we_go = we_go;
        t.oper = we_go ? oper : 0;
        t.channels = we_go ? common : offered(*p);
        t.ssid = neg_.ssid;
        ctx_.send_action(
            detail::go_neg_response(detail::local_of(d), *p, a.token, tie, intended_iface(), t),
            d.rx_freq, limits::go_neg_resp_wait_ms, tx_kind::go_neg_resp);
        // No confirmation: the negotiation failed (hostap's p2p_timeout_connect, "Wait for GO
        // Negotiation Confirm timed out"), and fail() makes that final.
        ctx_.arm(limits::confirm_wait + std::chrono::milliseconds(limits::go_neg_resp_wait_ms),
                 [this] {
                     if (ctx_.dev().current == state::go_neg && !neg_.initiator)
                         fail(event::go_neg_failure::no_status);
                 });
    }
    void rx_response(const action_frame& a) {
        auto& d = ctx_.dev();
        namespace st = ieee80211::p2p::status;
        if (!(d.current == state::connect || d.current == state::connect_listen) ||
            a.sa != neg_.peer)
            return;
        auto* p = d.peers.find(neg_.peer);
        if (!p || a.token != p->dialog_token) return;
        const auto& q = a.attrs;
        if (q.status && *q.status == st::info_unavailable) {
            ctx_.disarm();
            ctx_.end_listen();
            // The wait for the peer's own request has a deadline of its own (hostap's
            // p2p_go_neg_wait_timeout): the state timer paces the listen periods meanwhile.
            cancel_timers();
            peer_deadline_ = ctx_.schedule(limits::peer_ready_wait, [this] {
                peer_deadline_ = 0;
                const auto s = ctx_.dev().current;
                if (s == state::wait_peer_connect || s == state::wait_peer_idle)
                    fail(event::go_neg_failure::no_status);
            });
            d.current = state::wait_peer_connect;
            ctx_.start_listen(ctx_.dev().random_listen_ms());
            return;
        }
        if (q.status && *q.status != st::success) return fail(*q.status);
        ctx_.disarm();
        ctx_.end_listen();
        // p2p_process_go_neg_resp's checks, in its order: a response without a status, and
        // every fault after it, is answered in the confirmation, and the negotiation fails.
        neg_.common.clear();
        if (q.channels) neg_.common = detail::intersect(offered(*p), *q.channels);
        // Of equal intents, the peer's tie breaker decides, as p2p_go_det reads it: its bit set
        // makes it the GO (a compliant peer sends the opposite of our request's).
        const bool we_go =
            q.intent && (p->go_intent > q.intent->intent ||
                         (p->go_intent == q.intent->intent && !q.intent->tie_breaker));
        std::uint16_t oper = 0;
        std::uint8_t conf_status = st::success;
        if (!q.status || !q.intended_iface || !q.intent || q.intent->intent > 15)
            conf_status = st::invalid_params;
        else if (p->go_intent == 15 && q.intent->intent == 15)
            conf_status = st::incompatible_params;
        else if (!we_go && (!q.group_ssid || !q.oper))
            conf_status = st::invalid_params;
        else if (!q.channels)
            conf_status = st::invalid_params;
        else if (neg_.common.empty())
            conf_status = st::no_common_channels;
        else if (!compatible(p->method, q.dpid.value_or(0)))
            conf_status = st::incompatible_prov_method;
        else if (we_go && !(oper = choose_operating(neg_.common, *p)))
            conf_status = st::no_common_channels;
        if (!conf_status) {
            p->intended_iface = *q.intended_iface;
            if (q.timeout) p->config_timeout = *q.timeout;
            p->country = q.channels_country;
            p->go_state = we_go ? go_role::local : go_role::remote;
            if (we_go) {
                neg_.ssid = group_ssid(*p);
                neg_.persistent = p->persistent;
            } else {
                oper = freq_of(q.oper);
                neg_.ssid = *q.group_ssid;
                neg_.go_dev = q.group_go.value_or(a.sa);
                neg_.persistent = announces_persistent(q);
            }
        }
        neg_.we_go = we_go;
        neg_.oper = oper;
        neg_.conf_token = a.token;
        neg_.conf_status = conf_status;
        d.current = state::go_neg;
        neg_.confirming = conf_status == st::success;
        neg_.conf_retries = 0;
        send_confirm();
        if (conf_status) fail(conf_status);
    }
    void rx_confirm(const action_frame& a) {
        auto& d = ctx_.dev();
        namespace st = ieee80211::p2p::status;
        if (d.current != state::go_neg || neg_.initiator || a.sa != neg_.peer) return;
        const auto& q = a.attrs;
        if (!q.status) return fail(st::invalid_params);
        if (*q.status != st::success) return fail(*q.status);
        if (!neg_.we_go) {
            if (!q.group_go || !q.group_ssid) return fail(st::invalid_params);
            neg_.ssid = *q.group_ssid;
            neg_.go_dev = *q.group_go;
            neg_.persistent = announces_persistent(q);
            if (const auto f = freq_of(q.oper)) neg_.oper = f;
        }
        ctx_.arm(limits::confirm_settle, [this] { done(); });
    }

  private:
    /// The channels we offer `p`: ours, or the one P2P_CONNECT forced.
    std::vector<std::uint16_t> offered(const peer& p) {
        return detail::offered_channels(ctx_.dev().channels, p.force_freq);
    }
    /// The SSID of the group we will own: the stored group's that P2P_CONNECT persistent=<id>
    /// named, or a new one.
    std::string group_ssid(const peer& p) {
        auto& d = ctx_.dev();
        if (const auto* s = p.persistent_id >= 0 ? d.stored(p.persistent_id) : nullptr)
            return s->ssid;
        return detail::random_ssid(d.set, d.rng);
    }
    /// Whether the GO's frame says its group is persistent.
    static bool announces_persistent(const frame_attributes& q) noexcept {
        return q.capab && (q.capab->group & ieee80211::p2p::group_capab::persistent_group) != 0;
    }
    /// Our preferred operating channel with `p`: the one P2P_CONNECT prepared (forced or not).
    std::uint16_t preferred_oper(peer& p) {
        if (!p.oper_pref) p.oper_pref = p.force_freq ? p.force_freq : ctx_.dev().prepare_oper();
        return p.oper_pref;
    }
    /// As GO: one of the common channels outside p2p_no_go_freq (p2p_go_select_channel); 0
    /// when there is none or the forced one is not among them (status 7).
    std::uint16_t choose_operating(std::vector<std::uint16_t> common, peer& p) {
        auto& d = ctx_.dev();
        std::erase_if(common, [&](std::uint16_t f) { return !d.go_allowed(f); });
        const std::uint16_t ours = preferred_oper(p);
        if (common.empty() || (p.force_freq && !detail::contains(common, ours))) return 0;
        // Inside the common ones, a preference the user neither forced nor configured is
        // chosen again with what the peer supports.
        if (detail::contains(common, ours) && (p.force_freq || d.set.oper_channel)) return ours;
        return detail::reselect(common, d.pref_freqs(), ours, d.rng);
    }
    void resend() {
        ctx_.dev().current = state::connect;
        send_request();
    }
    /// One GO Negotiation Request to the peer's listen channel. After 120 requests without a
    /// response the negotiation fails with -1 (hostap's p2p_listen_end and
    /// p2p_timeout_connect_listen check connect_reqs against 120 before p2p_connect_send).
    void send_request() {
        auto& d = ctx_.dev();
        auto* p = d.peers.find(neg_.peer);
        if (!p) return fail(event::go_neg_failure::no_status);
        if (++neg_.tries > limits::go_neg_max_tries) return fail(event::go_neg_failure::no_status);
        detail::go_neg_proposal q;
        q.tie_breaker = tie_breaker_;
        q.intended_iface = intended_iface();
        q.channels = offered(*p);
        q.oper = preferred_oper(*p);
        const bool via_group = std::exchange(via_group_, false) && p->oper_freq;
        const std::uint16_t freq = via_group || !p->listen_freq ? p->oper_freq : p->listen_freq;
        ++p->go_neg_req_sent;
        ctx_.send_action(detail::go_neg_request(detail::local_of(d), *p, q), freq,
                         limits::go_neg_req_wait_ms, tx_kind::go_neg_req);
    }
    void send_confirm() {
        auto& d = ctx_.dev();
        auto* p = d.peers.find(neg_.peer);
        if (!p) return;
        detail::go_neg_terms t;
        t.status = neg_.conf_status;
        t.we_go = neg_.we_go;
        t.oper = neg_.oper;
        t.channels = neg_.common.empty() ? d.channels : neg_.common;
        t.ssid = neg_.ssid;
        ctx_.send_action(detail::go_neg_confirm(detail::local_of(d), *p, neg_.conf_token, t),
                         d.rx_freq, limits::go_neg_conf_wait_ms, tx_kind::go_neg_conf);
    }
    /// The negotiation succeeded: P2P-GO-NEG-SUCCESS, then the group forms on the operating
    /// channel.
    void done() {
        auto& d = ctx_.dev();
        auto* p = d.peers.find(neg_.peer);
        if (!p) return fail(event::go_neg_failure::no_status);
        cancel_timers();
        d.current = state::provisioning;
        const mac_address peer_dev = p->info.dev_addr, peer_iface = p->intended_iface;
        group_setup g;
        // The results (p2p_go_complete) name the group's passphrase and the channels both may
        // use, a GO's without its no-GO ones. A stored GO group with a passphrase is started
        // again with it (wpas_start_wps_go); its results name that one, where 2.10's name the
        // random one it then replaces.
        const auto* stored =
            neg_.we_go && p->persistent_id >= 0 ? d.stored(p->persistent_id) : nullptr;
        if (stored && stored->go && !stored->passphrase.empty() && stored->ssid == neg_.ssid)
            g.persistent_id = p->persistent_id;
        event::go_neg_success ok{neg_.we_go, neg_.oper, peer_dev, peer_iface,     p->method,
                                 neg_.ssid,  {},        {},       neg_.persistent};
        if (neg_.we_go)
            g.passphrase =
                g.persistent_id >= 0 ? stored->passphrase : detail::random_passphrase(d.set, d.rng);
        ok.passphrase = g.passphrase;
        const std::uint8_t peer_timeout =
            neg_.we_go ? p->config_timeout.client : p->config_timeout.go;
        ok.peer_config_timeout = peer_timeout;
        for (auto f : neg_.common)
            if (!neg_.we_go || d.go_allowed(f)) ok.freq_list.push_back(f);
        ctx_.emit(std::move(ok));
        g.method = std::exchange(p->method, wps_method::not_ready);  // used up
        g.pin = std::exchange(p->pin, {});
        p->persistent_id = -1;
        p->persistent = false;
        const go_negotiation n = std::exchange(neg_, go_negotiation{});
        g.go = n.we_go;
        g.freq = n.oper;
        g.ssid = n.ssid;
        g.peer_dev = peer_dev;
        g.peer_iface = peer_iface;
        g.go_dev = n.we_go ? d.addr : n.go_dev;
        g.forming = true;
        g.persistent = n.persistent;
        g.formation = limits::formation_timeout + std::chrono::milliseconds(10 * peer_timeout);
        // The group runs on the operating channel: no listen period or frame wait may keep
        // the radio elsewhere while it forms.
        ctx_.end_listen();
        ctx_.cancel_frame_waits();
        const bool formed = ctx_.form_group(std::move(g));
        d.current = state::idle;
        if (!formed) ctx_.emit(event::group_formation_failure{});
    }

    Ctx ctx_;
    go_negotiation neg_;
    bool tie_breaker_ = false;    ///< the next request's (toggled with every request)
    timer_id peer_deadline_ = 0;  ///< the end of the wait for a peer that was not ready
    mac_address intended_;        ///< the interface address promised to the current peer
    bool via_group_ = false;      ///< the next request goes to the peer's group channel
};

}  // namespace softmac::p2p
