// SPDX-License-Identifier: MIT
/// @file Defines the P2P engine's contexts: what each procedure reaches of the engine.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/cfg/credentials.hpp>
#include <softmac/p2p/device_discoverability.hpp>
#include <softmac/p2p/discovery.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/go_negotiation.hpp>
#include <softmac/p2p/groups.hpp>
#include <softmac/p2p/invitation.hpp>
#include <softmac/p2p/offchannel.hpp>
#include <softmac/p2p/presence.hpp>
#include <softmac/p2p/provision_discovery.hpp>
#include <softmac/p2p/service_discovery.hpp>
#include <softmac/p2p/station.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::detail {

/// @brief Whether operation `op` may change the radio's state (issue a config-layer command
/// flagged admin), from the issues lists of the procedures it runs.
constexpr bool changes_radio(operation op) noexcept {
    constexpr bool listen = offchannel_issues::admin;
    constexpr bool find = discovery_issues::admin || listen;
    constexpr bool negotiate = go_negotiation_issues::admin || listen;
    switch (op) {
        case operation::find:
        case operation::stop_find:
        case operation::listen:
        case operation::ext_listen:
            return find;
        case operation::connect:
            return find || negotiate || group_issues::admin || device_discoverability_issues::admin;
        case operation::prov_disc:
            return provision_discovery_issues::admin || listen;
        case operation::group_add:
        case operation::group_remove:
            return group_issues::admin;
        case operation::reject:
            return negotiate;
        case operation::invite:
            return listen || group_issues::admin;
        case operation::flush:
            return find || negotiate;
        case operation::configure:  // P2P_SET noa, oppps and ctwindow change a GO's beacon
            return find || negotiate || presence_issues::admin;
        case operation::presence:
            return presence_issues::admin;
        case operation::station:
            return station_issues::admin;
        case operation::service_discovery:
            return service_discovery_issues::admin || listen;
    }
    return true;
}

/// @brief The contexts of the units of `Engine` (a p2p::engine over `Config`, which befriends
/// this): each unit reaches the rest only through its own, resolved at compile time. A context
/// holds the engine's address and offers the callbacks of hostap's struct p2p_config (exec a
/// config-layer command, start and end a listen period, send an action frame, arm the engine's
/// timer, emit an event) and the few calls into other procedures that its unit makes; its
/// exec() accepts only the config-layer commands the unit's `issues<...>` list names.
template <class Engine, class Config>
struct engine_contexts {
    /// The engine acts as root: the control interface has checked its caller already.
    static constexpr cfg::credentials root{0, 0, 0, true};

    /// The context every unit gets: the wiphy-wide facts and the callbacks of struct p2p_config,
    /// with exec() limited to the unit's `Issues`.
    template <class Issues>
    struct core_context {
        Engine* self;
        detail::device_state& dev() const noexcept { return self->dev_; }
        time_point now() const noexcept { return self->time_.now(); }
        /// The time policy itself (the RSN machines arm their own timers).
        typename Config::time_type& time() const noexcept { return self->time_; }
        template <class F>
        timer_id schedule(duration d, F f) const {
            return self->time_.schedule_in(d, std::move(f));
        }
        void cancel(timer_id t) const {
            if (t) self->time_.cancel(t);
        }
        /// The engine's one state timer (p2p_set_timeout): a new arm replaces the last.
        template <class F>
        void arm(duration d, F f) const {
            self->arm(d, std::move(f));
        }
        void disarm() const { self->disarm(); }
        template <class E>
        void emit(const E& e) const {
            self->sink_(e);
        }
        /// Runs a config-layer command as root, or from the socket of port `who.pid`.
        template <class C>
        auto exec(const C& c, const cfg::credentials& who = root) const
            -> decltype(std::declval<Config&>().execute(c, {})) {
            static_assert(Issues::template has<C>,
                          "softmac: a P2P procedure issues a config-layer command its issues<...> "
                          "list does not name (the lists decide the control interface's admin "
                          "flags)");
            return self->cfg_.execute(c, who);
        }
        /// Brings a netdev up (rtnetlink's job, beside the config layer).
        result<void> set_up(const cfg::wdev_ref& r) const { return self->cfg_.set_up(r, true); }
    };
    /// A procedure's context: the core one plus listen periods and action frames.
    template <class Issues>
    struct procedure_context : core_context<Issues> {
        void start_listen(std::uint32_t ms, std::uint16_t freq = 0) const {
            this->self->off_.start_listen(ms, freq);
        }
        void end_listen() const { this->self->off_.end_listen(); }
        void cut_listen() const { this->self->off_.cut_listen(); }
        bool listening() const noexcept { return this->self->off_.listening(); }
        bool listen_pending() const noexcept { return this->self->off_.listen_pending(); }
        std::uint16_t pending_listen_freq() const noexcept {
            return this->self->off_.pending_listen_freq();
        }
        void send_action(std::vector<std::uint8_t> frame, std::uint16_t freq, std::uint32_t wait_ms,
                         tx_kind kind) const {
            this->self->off_.send_action(std::move(frame), freq, wait_ms, kind);
        }
        /// An exchange of action frames is over: a device listening only goes back to its
        /// listen channel, which sending left without reporting it.
        void exchange_done() const { this->self->resume_listen(); }
        /// Paces a procedure's requests (a GO negotiation's, an invitation's) after one's TX
        /// status: 500 ms after an ACK, 100 to 200 ms without, then, if still in state `sent`, a
        /// listen period in state `listening` so the peer can reach us; its end calls `next`
        /// (through the engine's listen_ended, or this state timer if the radio never reports
        /// it, allowing for the request's `wait_ms` still holding the radio: hostap's
        /// p2p_timeout_connect and p2p_timeout_connect_listen, p2p_timeout_invite and
        /// p2p_timeout_invite_listen).
        template <class F>
        void pace(bool ack, state sent, state listening, std::uint32_t wait_ms, F next) const {
            auto& d = this->dev();
            const duration pause =
                ack ? limits::wait_after_ack
                    : limits::wait_after_nack + std::chrono::milliseconds(d.rng() % 100);
            this->arm(pause, [c = *this, sent, listening, wait_ms, next] {
                auto& dev = c.dev();
                if (dev.current != sent) return;
                dev.current = listening;
                const std::uint32_t ms = dev.random_listen_ms();
                c.arm(std::chrono::milliseconds(ms + wait_ms), [c, listening, next] {
                    if (c.dev().current != listening) return;
                    c.end_listen();
                    next();
                });
                c.start_listen(ms);
            });
        }
        /// The peer listens now (its probe request said so: hostap's p2p_probe_req_rx): the next
        /// request of a procedure paced by pace() goes at once. A listen period between requests
        /// is cut short (its end calls `next`); in state `sent`, once the last request's TX
        /// status has come (hostap keeps one pending action frame; a second status would pace
        /// twice), the pause after it and its wait for an answer are given up (p2p_go_neg_start,
        /// p2p_invite_start).
        template <class F>
        void hurry(state sent, state listening, F next) const {
            auto& d = this->dev();
            if (d.current == listening) return this->cut_listen();
            if (d.current != sent || this->self->off_.awaiting_status()) return;
            this->end_listen();  // no period runs: the reporting stops
            this->disarm();
            this->self->off_.cancel_waits();
            next();
        }
    };
    struct offchannel_context : core_context<offchannel_issues> {
        /// A socket of the device's own (its port) and its closing.
        std::uint32_t bind() const { return this->self->cfg_.bind(); }
        void release(std::uint32_t port) const { this->self->cfg_.release(port); }
        void listen_ended() const { this->self->listen_ended(); }
        void tx_done(tx_kind k, bool ack, const mac_address& to) const {
            this->self->tx_done(k, ack, to);
        }
    };
    struct discovery_context : procedure_context<discovery_issues> {
        void peer_listening(const mac_address& a) const {
            this->self->neg_.peer_listening(a);
            this->self->inv_.peer_listening(a);
        }
        void join_scan_done() const { this->self->join_.scan_done(); }
        void continue_find() const { this->self->continue_find(); }
    };
    struct service_discovery_context : procedure_context<service_discovery_issues> {
        void cancel_frame_waits() const { this->self->off_.cancel_waits(); }
        void continue_find() const { this->self->continue_find(); }
    };
    struct negotiation_context : procedure_context<go_negotiation_issues> {
        void stop_find() const { this->self->disc_.stop_find(); }
        peer& learn(const peer_info& info, const mac_address& from) const {
            return this->self->disc_.learn(info, from, false);
        }
        peer& entry(const mac_address& dev) const { return this->self->disc_.entry(dev); }
        void cancel_frame_waits() const { this->self->off_.cancel_waits(); }
        bool form_group(group_setup g) const {
            return this->self->groups_.create(std::move(g)).has_value();
        }
        std::vector<mac_address> group_addresses() const { return this->self->groups_.addresses(); }
        bool reach_through_go(const peer& p) const { return this->self->dd_.start(p); }
        bool reaching_through_go() const noexcept { return this->self->dd_.pending(); }
        std::uint16_t shared_freq() const noexcept { return this->self->sta_.shared_freq(); }
        void search_and_join(const mac_address& dev, connect_params c) const {
            this->self->join_.start(dev, std::move(c));
        }
        result<void> provision_first(const mac_address& dev, wps_method asked) const {
            return this->self->pd_.request_for_negotiation(dev, asked);
        }
        void end_provision_first() const { this->self->pd_.cancel_before_negotiation(); }
    };
    struct discoverability_context : procedure_context<device_discoverability_issues> {
        const std::vector<group>& groups() const noexcept { return this->self->groups_.list(); }
        mac_address negotiation_peer() const { return this->self->neg_.peer_address(); }
        void resume_negotiation(bool found) const { this->self->neg_.resume(found); }
    };
    struct presence_context : core_context<presence_issues> {
        std::vector<group>& groups() const noexcept { return this->self->groups_.list(); }
        result<void> update_beacon(group& g) const { return this->self->groups_.readvertise(g); }
    };
    struct prov_disc_context : procedure_context<provision_discovery_issues> {
        peer& learn(const peer_info& info, const mac_address& from) const {
            return this->self->disc_.learn(info, from, false);
        }
        std::string go_group_interface(std::string_view ssid) const {
            return this->self->groups_.go_group_interface(ssid);
        }
        void join_provisioned(const mac_address& go, join_pd how) const {
            this->self->join_.provisioned(go, how);
        }
        void negotiate_provisioned(const mac_address& peer) const {
            this->self->neg_.provisioned(peer);
        }
    };
    struct invitation_context : procedure_context<invitation_issues> {
        void stop_find() const { this->self->disc_.stop_find(); }
        peer& learn(const peer_info& info, const mac_address& from) const {
            return this->self->disc_.learn(info, from, false);
        }
        mac_address intended_iface() const { return this->self->neg_.intended_iface(); }
        const group* running_group(std::string_view ifname) const {
            return this->self->groups_.running(ifname);
        }
        bool runs_group(std::string_view ssid) const {
            return this->self->groups_.runs_group(ssid);
        }
        bool start_group(group_setup g) const {
            return this->self->groups_.create(std::move(g)).has_value();
        }
        /// Joins the group of GO `dev` with the method and PIN its authorisation named.
        void join(const mac_address& dev) const {
            auto* p = this->self->dev_.peers.find(dev);
            if (!p) return;
            p->auth_join = false;
            connect_params c;
            c.method = p->method;
            c.pin = p->pin;
            this->self->join_.start(dev, std::move(c));
        }
        void client_left(int id, const mac_address& dev) const {
            this->self->groups_.client_left(id, dev);
        }
    };
    using station_context = core_context<station_issues>;
    struct join_context : core_context<issues<>> {
        void stop_find() const { this->self->stop_find(); }
        bool scan(std::uint16_t freq) const { return this->self->disc_.join_scan(freq); }
        bool provision(const peer& go, wps_method asked, bool fallback) const {
            return this->self->pd_.request_for_join(go, asked, fallback);
        }
        bool join(peer& p, std::uint16_t freq, wps_method m, const std::string& pin) const {
            return this->self->groups_.join(p, freq, m, pin).has_value();
        }
        bool negotiate(const mac_address& dev, connect_params c) const {
            return this->self->neg_.connect(dev, std::move(c)).has_value();
        }
    };
    struct group_context : core_context<group_issues> {
        void stop_find() const { this->self->disc_.stop_find(); }
        mac_address take_intended_iface() const { return this->self->neg_.take_intended_iface(); }
        result<void> register_frames() const { return this->self->register_frames(); }
    };
};

}  // namespace softmac::p2p::detail
