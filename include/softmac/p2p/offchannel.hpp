// SPDX-License-Identifier: MIT
/// @file Defines p2p::offchannel: listen periods (remain-on-channel) and action frames with their
/// TX status, over the config layer. It is what wpa_supplicant's p2p_supplicant.c implements
/// behind struct p2p_config's start_listen, stop_listen and send_action callbacks.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands of listen periods and action frames.
using offchannel_issues = issues<cfg::cmd::remain_on_channel, cfg::cmd::cancel_remain_on_channel,
                                 cfg::cmd::mgmt_tx, cfg::cmd::frame_wait_cancel>;

/// @brief Listen periods and action frame TX of one P2P device. `Ctx` offers dev(), exec(), and
/// the engine's listen_ended() and tx_done(kind, ack), where the procedures continue.
template <class Ctx>
class offchannel {
  public:
    explicit offchannel(Ctx ctx) : ctx_(ctx) {}

    /// @brief Whether a listen period is running (its channel reached).
    bool listening() const noexcept { return listening_; }
    /// @brief Whether a listen period is asked for or running.
    bool listen_pending() const noexcept { return cookie_ != 0; }

    /// @brief A listen period of `ms` (at most what the wiphy allows) on the listen channel. When
    /// the config layer refuses it, the listen period is over at once.
    void start_listen(std::uint32_t ms) {
        auto& d = ctx_.dev();
        cfg::cmd::remain_on_channel r;
        r.wdev = d.wdev.wdev;
        r.freq = detail::freq_of_channel(d.listen_ch);
        r.duration_ms = std::min(ms, d.wiphy.max_roc_ms);
        cookie_ = 0;
        listening_ = false;
        starting_ = true;
        auto c = ctx_.exec(r);
        starting_ = false;
        if (!c) {
            cookie_ = 0;
            listening_ = false;
            return ctx_.listen_ended();
        }
        cookie_ = c->value;
    }
    void end_listen() {
        if (!cookie_) return;
        cfg::cmd::cancel_remain_on_channel c;
        c.wdev = ctx_.dev().wdev.wdev;
        c.cookie = cookie_;
        cookie_ = 0;
        listening_ = false;
        (void)ctx_.exec(c);
    }
    /// @brief Sends an action frame on `freq`, staying `wait_ms` for an answer; its TX status
    /// goes to tx_done(kind, ack). A listen period elsewhere ends first.
    void send_action(std::vector<std::uint8_t> frame, std::uint16_t freq, std::uint32_t wait_ms,
                     tx_kind kind) {
        if (cookie_ && freq != detail::freq_of_channel(ctx_.dev().listen_ch)) end_listen();
        cfg::cmd::mgmt_tx t;
        t.wdev = ctx_.dev().wdev.wdev;
        t.frame = std::move(frame);
        t.freq = freq;
        t.wait_ms = wait_ms;
        t.offchannel_ok = true;
        t.no_cck = true;
        sending_ = true;
        early_status_.reset();
        auto c = ctx_.exec(t);
        sending_ = false;
        if (!c) return ctx_.tx_done(kind, false);
        if (!c->value) return;
        if (early_status_ && early_status_->first == c->value) {
            const bool ack = early_status_->second;
            early_status_.reset();
            return ctx_.tx_done(kind, ack);
        }
        pending_.emplace_back(c->value, kind);
    }
    /// @brief Ends the waits of every action frame still waiting for an answer.
    void cancel_waits() {
        for (const auto& [cookie, kind] : pending_) {
            cfg::cmd::frame_wait_cancel c;
            c.wdev = ctx_.dev().wdev.wdev;
            c.cookie = cookie;
            (void)ctx_.exec(c);
        }
    }

    // ---- config-layer events -----------------------------------------------------------------
    void on_ready(std::uint64_t cookie) {
        // A software remain-on-channel is ready before its request returns the cookie.
        if (starting_ && !cookie_) cookie_ = cookie;
        if (cookie == cookie_) listening_ = true;
    }
    void on_cancelled(std::uint64_t cookie) {
        if (cookie == cookie_) {
            cookie_ = 0;
            listening_ = false;
            ctx_.listen_ended();
        }
    }
    void on_tx_status(std::uint64_t cookie, bool ack) {
        for (auto it = pending_.begin(); it != pending_.end(); ++it)
            if (it->first == cookie) {
                const tx_kind k = it->second;
                pending_.erase(it);
                ctx_.tx_done(k, ack);
                return;
            }
        // A USB driver reports the status before the request has returned its cookie.
        if (sending_) early_status_ = std::pair{cookie, ack};
    }

  private:
    Ctx ctx_;
    std::uint64_t cookie_ = 0;  ///< the listen period's
    bool listening_ = false, starting_ = false;
    std::vector<std::pair<std::uint64_t, tx_kind>> pending_;  ///< frames waiting for a status
    bool sending_ = false;
    std::optional<std::pair<std::uint64_t, bool>> early_status_;
};

}  // namespace softmac::p2p
