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
#include <softmac/cfg/credentials.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands of listen periods and action frames.
using offchannel_issues =
    issues<cfg::cmd::remain_on_channel, cfg::cmd::cancel_remain_on_channel, cfg::cmd::mgmt_tx,
           cfg::cmd::frame_wait_cancel, cfg::cmd::register_frame>;

/// @brief Listen periods, with the probe requests they hear, and action frame TX of one P2P
/// device. `Ctx` offers dev(), exec(command, credentials), bind() and release(port) (sockets of
/// the config layer), and the engine's listen_ended() and tx_done(kind, ack, receiver), where
/// the procedures continue.
template <class Ctx>
class offchannel {
  public:
    explicit offchannel(Ctx ctx) : ctx_(ctx), probe_port_(ctx_.bind()) {}
    offchannel(const offchannel&) = delete;
    offchannel& operator=(const offchannel&) = delete;
    /// The reporting socket closes with the device (wpa_supplicant's deinit).
    ~offchannel() {
        if (reporting_) ctx_.release(probe_port_);
    }

    /// @brief Whether a listen period is running (its channel reached).
    bool listening() const noexcept { return listening_; }
    /// @brief Whether a listen period is asked for, running, or ending (the radio has not yet
    /// reported that it left the channel).
    bool listen_pending() const noexcept { return cookie_ != 0; }
    /// @brief The frequency of a listen period asked for whose channel is not reached yet, 0 when
    /// none is (hostap's pending_listen_freq).
    std::uint16_t pending_listen_freq() const noexcept {
        return cookie_ != 0 && !listening_ && !ending_ ? listen_freq_ : 0;
    }
    /// @brief Whether an action frame sent still waits for its TX status.
    bool awaiting_status() const noexcept { return !pending_.empty(); }

    /// @brief A listen period of `ms` (at most what the wiphy allows) on the listen channel, or
    /// on `freq`, with probe requests reported from now until end_listen(). Its end, when it
    /// runs out or is cut short, goes to listen_ended(); when the config layer refuses it, or
    /// refuses the probe requests (a GO's on the device's own interface are its AP's), the
    /// listen period is over at once (wpas_start_listen_cb).
    void start_listen(std::uint32_t ms, std::uint16_t freq = 0) {
        auto& d = ctx_.dev();
        if (!report_probe_requests(true)) return ctx_.listen_ended();
        cfg::cmd::remain_on_channel r;
        r.wdev = d.wdev.wdev;
        r.freq = freq ? freq : detail::freq_of_channel(d.listen_ch);
        r.duration_ms = std::min(ms, d.wiphy.max_roc_ms);
        listen_freq_ = r.freq;
        cookie_ = 0;
        listening_ = ending_ = false;
        report_end_ = true;
        starting_ = true;
        ended_while_starting_ = 0;
        auto c = ctx_.exec(r);
        starting_ = false;
        // A radio that cannot go to the channel ends the period before its request returns.
        if (!c || c->value == ended_while_starting_) {
            cookie_ = 0;
            listening_ = false;
            return ctx_.listen_ended();
        }
        cookie_ = c->value;
    }
    /// @brief Ends the listen period, if one runs, without reporting its end: the procedure that
    /// ends it moves on itself (struct p2p_config's stop_listen). Probe requests are no longer
    /// reported, whether or not a period ran (wpas_stop_listen).
    void end_listen() {
        cancel_listen(false);
        report_probe_requests(false);
    }
    /// @brief Stops listening before the period's time, as end_listen() does, but its end goes
    /// to listen_ended() once the radio has left the channel, as if the period had run out.
    void cut_listen() {
        cancel_listen(true);
        report_probe_requests(false);
    }
    /// @brief Registrations the device's interface had are gone (its type changed): reporting
    /// starts again with the next listen period.
    void registrations_dropped() noexcept { reporting_ = false; }
    /// @brief Sends an action frame on `freq`, staying `wait_ms` for an answer; its TX status
    /// goes to tx_done(kind, ack, receiver). A listen period elsewhere ends first.
    void send_action(std::vector<std::uint8_t> frame, std::uint16_t freq, std::uint32_t wait_ms,
                     tx_kind kind) {
        if (cookie_ && !ending_ && freq != detail::freq_of_channel(ctx_.dev().listen_ch))
            cancel_listen(false);  // the radio leaves the channel; reporting stays as it is
        cfg::cmd::mgmt_tx t;
        t.wdev = ctx_.dev().wdev.wdev;
        t.frame = std::move(frame);
        t.freq = freq;
        t.wait_ms = wait_ms;
        t.offchannel_ok = true;
        t.no_cck = true;
        const mac_address to = mac_address::from(t.frame.data() + 4);  // addr1 (built frames)
        sending_ = true;
        early_status_.reset();
        auto c = ctx_.exec(t);
        sending_ = false;
        if (!c) return ctx_.tx_done(kind, false, to);
        if (!c->value) return;
        if (wait_ms) remember_wait(c->value);
        if (early_status_ && early_status_->first == c->value) {
            const bool ack = early_status_->second;
            early_status_.reset();
            return ctx_.tx_done(kind, ack, to);
        }
        pending_.push_back({c->value, kind, to});
    }
    /// @brief Ends the wait of every action frame sent with one, whether or not its TX status
    /// came: a wait outlives the status, and keeps the radio on the frame's channel until it
    /// runs out (wpas_go_neg_completed cancels it before a group forms). A wait that ended
    /// already is unknown to the config layer, which refuses its cancellation.
    void cancel_waits() {
        for (const std::uint64_t cookie : waits_) {
            cfg::cmd::frame_wait_cancel c;
            c.wdev = ctx_.dev().wdev.wdev;
            c.cookie = cookie;
            (void)ctx_.exec(c);
        }
        waits_.clear();
    }

    // ---- config-layer events -----------------------------------------------------------------
    void on_ready(std::uint64_t cookie) {
        // A software remain-on-channel is ready before its request returns the cookie.
        if (starting_ && !cookie_) cookie_ = cookie;
        if (cookie == cookie_ && !ending_) listening_ = true;
    }
    /// The radio left the listen channel (the period ran out or was cancelled). The cookie is kept
    /// until now so that this event is recognised as the end of our period, whoever ended it.
    void on_cancelled(std::uint64_t cookie) {
        if (starting_ && (cookie_ == 0 || cookie_ == cookie)) {
            ended_while_starting_ = cookie;  // start_listen() reports it once it has returned
            cookie_ = 0;
            listening_ = false;
            return;
        }
        if (cookie != cookie_) return;
        const bool report = report_end_;
        cookie_ = 0;
        listening_ = ending_ = false;
        report_end_ = true;
        if (report) ctx_.listen_ended();
    }
    void on_tx_status(std::uint64_t cookie, bool ack) {
        for (auto it = pending_.begin(); it != pending_.end(); ++it)
            if (it->cookie == cookie) {
                const pending_frame f = *it;
                pending_.erase(it);
                ctx_.tx_done(f.kind, ack, f.to);
                return;
            }
        // A USB driver reports the status before the request has returned its cookie.
        if (sending_) early_status_ = std::pair{cookie, ack};
    }

  private:
    /// The most recent frames sent with a wait; older waits have run out (each lasts at most
    /// the longest wait, and frames go out one after another).
    static constexpr std::size_t remembered_waits = 8;
    void remember_wait(std::uint64_t cookie) {
        if (waits_.size() == remembered_waits) waits_.erase(waits_.begin());
        waits_.push_back(cookie);
    }
    /// Probe-request reporting (wpa_driver_nl80211_probe_req_report): a registration from a
    /// socket of its own, made as a listen period starts (wpas_start_listen_cb) and gone with
    /// that socket at stop_listen (wpas_stop_listen), so the radio passes probe requests
    /// (FIF_PROBE_REQ) only from then to there; asking for what is already so changes nothing.
    /// False when the config layer refuses the registration.
    bool report_probe_requests(bool on) {
        if (on == reporting_) return true;
        reporting_ = false;
        if (!on) {
            ctx_.release(probe_port_);
            return true;
        }
        cfg::cmd::register_frame r;
        r.wdev = ctx_.dev().wdev.wdev;
        r.frame_type = ieee80211::frame_control::make(ieee80211::frame_type::management,
                                                      ieee80211::mgmt_subtype::probe_req)
                           .raw;
        reporting_ = ctx_.exec(r, cfg::credentials{probe_port_, 0, 0, true}).has_value();
        return reporting_;
    }
    /// Asks the radio to leave the listen channel; on_cancelled() sees the period end.
    void cancel_listen(bool report) {
        if (!cookie_) return;
        report_end_ = report;
        listening_ = false;  // no probe request is answered from now on
        if (ending_) return;
        ending_ = true;
        const std::uint64_t cookie = cookie_;
        cfg::cmd::cancel_remain_on_channel c;
        c.wdev = ctx_.dev().wdev.wdev;
        c.cookie = cookie;
        // The config layer no longer knows the period: it is over and no end event is on its
        // way for it, so it ends here.
        if (!ctx_.exec(c) && cookie_ == cookie) on_cancelled(cookie);
    }

    Ctx ctx_;
    std::uint32_t probe_port_;       ///< the socket that asks for probe requests
    bool reporting_ = false;         ///< it holds its registration (driver_nl80211's nl_preq)
    std::uint64_t cookie_ = 0;       ///< the listen period's, until the radio reports its end
    std::uint16_t listen_freq_ = 0;  ///< the frequency the last listen period asked for
    bool listening_ = false, starting_ = false;
    bool ending_ = false;                     ///< its cancellation is asked for
    bool report_end_ = true;                  ///< its end goes to listen_ended()
    std::uint64_t ended_while_starting_ = 0;  ///< a period that ended inside its own request
    struct pending_frame {
        std::uint64_t cookie = 0;
        tx_kind kind = tx_kind::other;
        mac_address to;  ///< the frame's receiver: a status is the frame's, not its kind's
    };
    std::vector<pending_frame> pending_;  ///< frames waiting for a status
    std::vector<std::uint64_t> waits_;    ///< frames whose wait may still hold the radio
    bool sending_ = false;
    std::optional<std::pair<std::uint64_t, bool>> early_status_;
};

}  // namespace softmac::p2p
