// SPDX-License-Identifier: MIT
/// @file Defines p2p::join_search: a join to a GO not seen yet looks for it (wpas_p2p_join_scan,
/// wpas_p2p_scan_res_join in p2p_supplicant.c).
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <softmac/core/mac_address.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief A pending join: one scan, then one a second later while the GO is not among the
/// results, P2P-GROUP-FORMATION-FAILURE after the tenth more (P2P_MAX_JOIN_SCAN_ATTEMPTS). `Ctx`
/// offers dev, schedule, cancel, emit, and the hooks stop_find(), scan(freq) (discovery's join
/// scan, whose end calls scan_done()) and join(peer, freq, method, pin) (the group's join).
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

    /// @brief Looks for GO `dev` (its device or interface address) to join it with `method`.
    void start(const mac_address& dev, wps_method method, std::string pin, std::uint16_t freq) {
        ctx_.stop_find();
        join_ = pending_join{dev, method, std::move(pin), freq, 0};
        scan();
    }
    /// @brief P2P_STOP_FIND, P2P_FLUSH, P2P_CANCEL: the join is forgotten.
    void stop() {
        join_.reset();
        cancel_timers();
    }
    /// @brief The join scan ended: join the GO if the results had it, else scan again.
    void scan_done() {
        if (!join_) return;
        cancel_timers();
        auto& d = ctx_.dev();
        peer* go = d.peers.find(join_->dev);
        if (!go)
            for (const auto& p : d.peers.all())
                if (!go && p.intended_iface == join_->dev && !p.go_ssid.empty())
                    go = d.peers.find(p.info.dev_addr);
        if (!go || go->go_ssid.empty()) return next();
        const auto j = std::move(*join_);
        join_.reset();
        if (!ctx_.join(*go, j.freq, j.method, j.pin)) ctx_.emit(event::group_formation_failure{});
    }

  private:
    struct pending_join {
        mac_address dev;
        wps_method method = wps_method::pbc;
        std::string pin;
        std::uint16_t freq = 0;
        unsigned scans = 0;
    };
    void scan() {
        if (!join_) return;
        if (!ctx_.scan(join_->freq)) return next();  // the radio is busy: as a scan finding none
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
