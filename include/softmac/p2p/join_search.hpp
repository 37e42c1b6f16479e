// SPDX-License-Identifier: MIT
/// @file Defines p2p::join_search: a join looks for its GO and asks it for provisioning first
/// (wpas_p2p_join_scan, wpas_p2p_scan_res_join in p2p_supplicant.c).
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <softmac/core/mac_address.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/peer_table.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief A pending join (wpas_p2p_join): a GO not seen running its group is looked for first,
/// one scan, then one a second later while the GO is not among the results,
/// P2P-GROUP-FORMATION-FAILURE after the tenth more (P2P_MAX_JOIN_SCAN_ATTEMPTS). A GO found is
/// asked for provisioning with the join's method first (wpas_p2p_scan_res_join's provision
/// discovery, skipped when its last one answered that method), and joined once it answered or
/// the request timed out. A join P2P_CONNECT … auto chose negotiates instead when the request
/// fails. `Ctx` offers dev, schedule, cancel, emit, and the hooks stop_find(), scan(freq)
/// (discovery's join scan, whose end calls scan_done()), provision(peer, asked, fallback) (a
/// provision discovery for the join, whose end calls provisioned(); with `fallback` its first
/// unacknowledged request ends it; false when none could be sent), join(peer, freq, method, pin)
/// (the group's join) and negotiate(dev, params) (P2P_CONNECT).
template <class Ctx>
class join_search {
  public:
    static constexpr unsigned max_scans = 10;
    /// A scan that never ends (another procedure aborted it) counts as one that found nothing
    /// after this long.
    static constexpr duration scan_limit = std::chrono::seconds(3);

    explicit join_search(Ctx ctx) : ctx_(ctx) {}
    void cancel_timers() { ctx_.cancel(std::exchange(timer_, 0)); }
    bool pending() const noexcept { return join_.has_value(); }

    /// @brief Joins GO `dev` (its device or interface address) with `c`'s method, PIN and
    /// frequency; `c.auto_join`: negotiate with `c` when the provisioning fails.
    void start(const mac_address& dev, connect_params c) {
        ctx_.stop_find();
        join_ = pending_join{dev, std::move(c), 0, false};
        if (peer* go = running_go()) return provision(*go);
        scan();
    }
    /// @brief P2P_STOP_FIND, P2P_FLUSH, P2P_CANCEL: the join is forgotten (the engine ends its
    /// provision discovery).
    void stop() {
        join_.reset();
        cancel_timers();
    }
    /// @brief The join scan ended: provision with the GO if the results had it, else scan again.
    void scan_done() {
        if (!join_ || join_->provisioning) return;
        cancel_timers();
        if (peer* go = running_go()) return provision(*go);
        next();
    }
    /// @brief The join's provision discovery with GO `go` ended as `how`.
    void provisioned(const mac_address& go, join_pd how) {
        if (!join_ || !join_->provisioning) return;
        auto j = std::move(*join_);
        join_.reset();
        if (how == join_pd::answered || (!j.c.auto_join && how != join_pd::rejected))
            return join(go, j.c);
        if (!j.c.auto_join) return;  // refused: provision discovery reported it
        connect_params& c = j.c;
        c.join = c.auto_join = false;
        ctx_.emit(event::fallback_to_go_neg{j.dev, how == join_pd::not_acked
                                                       ? event::fallback_to_go_neg::no_ack
                                                       : event::fallback_to_go_neg::pd_failed});
        if (!ctx_.negotiate(j.dev, std::move(c))) ctx_.emit(event::group_formation_failure{});
    }

  private:
    struct pending_join {
        mac_address dev;
        connect_params c;
        unsigned scans = 0;
        bool provisioning = false;  ///< the GO was found and asked for provisioning
    };
    /// The GO, when the peer table knows it runs its group (by either of its addresses).
    peer* running_go() {
        auto& d = ctx_.dev();
        peer* go = d.peers.find(join_->dev);
        if (!go)
            for (const auto& p : d.peers.all())
                if (!go && p.intended_iface == join_->dev && !p.go_ssid.empty())
                    go = d.peers.find(p.info.dev_addr);
        return go && !go->go_ssid.empty() ? go : nullptr;
    }
    /// The GO is asked for what our method needs of it.
    void provision(peer& go) {
        cancel_timers();
        join_->provisioning = true;
        if (!ctx_.provision(go, asked_of_peer(join_->c.method), join_->c.auto_join))
            provisioned(go.info.dev_addr, join_pd::answered);
    }
    void join(const mac_address& go, const connect_params& c) {
        peer* p = ctx_.dev().peers.find(go);
        if (!p || !ctx_.join(*p, c.freq, c.method, c.pin))
            ctx_.emit(event::group_formation_failure{});
    }
    void scan() {
        if (!join_) return;
        if (!ctx_.scan(join_->c.freq)) return next();  // the radio is busy: as a scan finding none
        timer_ = ctx_.schedule(scan_limit, [this] {
            timer_ = 0;
            next();
        });
    }
    void next() {
        if (++join_->scans > max_scans) {
            join_.reset();
            return ctx_.emit(event::group_formation_failure{});
        }
        timer_ = ctx_.schedule(std::chrono::seconds(1), [this] {
            timer_ = 0;
            scan();
        });
    }

    Ctx ctx_;
    std::optional<pending_join> join_;
    timer_id timer_ = 0;
};

}  // namespace softmac::p2p
