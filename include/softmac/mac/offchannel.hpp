// SPDX-License-Identifier: MIT
/// @file Defines mac::offchannel: the queue of remain-on-channel periods, management-frame TX on
/// or off channel, and the waits after it (mac80211's offchannel.c).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include <softmac/core/frame_buffer.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/interface_record.hpp>
#include <softmac/mac/timing.hpp>

namespace softmac::mac {

/// @brief Off-channel work (ieee80211_start_roc_work, ieee80211_roc_notify_*, ieee80211_mgmt_tx,
/// ieee80211_mgmt_tx_cancel_wait): remain-on-channel periods run one at a time from a queue; a
/// management frame goes out at once when its channel is the current one, otherwise in a
/// remain-on-channel period of its own, and the wait for a response is a timer or that period.
///
/// `Context` gives: `records()`, `time()`, `emit(event)`, `send_mgmt(vif, frame, flags, cookie)`,
/// `channel_of(freq)` and `radio()` (remain_on_channel, cancel_remain_on_channel,
/// max_remain_on_channel_ms, conf).
template <class Context>
class offchannel {
  public:
    explicit offchannel(Context ctx) noexcept : ctx_(ctx) {}
    offchannel(const offchannel&) = delete;
    offchannel& operator=(const offchannel&) = delete;
    ~offchannel() {
        for (auto& w : waits_) ctx_.time().cancel(w.timer);
    }

    /// @brief Whether a remain-on-channel period holds the radio now.
    bool active() const noexcept { return !rocs_.empty() && rocs_.front().started; }
    /// @brief The channel the radio is on: a running period's, or the operating channel.
    ieee80211::channel current_channel() noexcept {
        if (active()) return rocs_.front().ch;
        return ctx_.radio().conf().channel;
    }

    /// @brief Queues a remain-on-channel period; the cookie names it in the events.
    result<std::uint64_t> remain_on_channel(std::uint8_t vif, std::uint16_t freq,
                                            std::uint32_t ms) {
        if (!ctx_.records().find(vif)) return make_error(errc::not_found, "no such interface");
        if (ms < timing::min_roc_ms || ms > ctx_.radio().max_remain_on_channel_ms())
            return make_error(errc::bad_value, "remain-on-channel duration out of range");
        auto ch = ctx_.channel_of(freq);
        if (!ch) return ch.err();
        const std::uint64_t cookie = new_cookie();
        rocs_.push_back(roc_item::make(cookie, vif, *ch, ms));
        if (rocs_.size() == 1) start();
        return cookie;
    }
    /// @brief Ends (or unqueues) a remain-on-channel period; the expired event follows.
    result<void> cancel_remain_on_channel(std::uint64_t cookie) {
        for (auto it = rocs_.begin(); it != rocs_.end(); ++it) {
            if (it->cookie != cookie || it->mgmt_tx) continue;
            if (it->started) {
                it->cancelled = true;
                return ctx_.radio().cancel_remain_on_channel(ctx_.records().vif_of(it->vif));
            }
            const roc_item r = std::move(*it);
            rocs_.erase(it);
            ctx_.emit(event::cancel_remain_on_channel{r.vif, r.cookie, r.ch.freq_mhz});
            return {};
        }
        return make_error(errc::not_found, "no remain-on-channel with this cookie");
    }
    /// @brief Sends a management frame, off channel when allowed and needed, and stays for
    /// `wait_ms` for a response. The cookie comes back in the TX-status event.
    result<std::uint64_t> mgmt_tx(std::uint8_t vif, const mgmt_tx_params& p) {
        auto* i = ctx_.records().find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        const auto h = ieee80211::header_view::parse(p.frame);
        if (!h || h->body().empty())
            return make_error(errc::truncated, "management frame too short");
        const ieee80211::frame_control fc = h->fc();
        if (!fc.is_mgmt()) return make_error(errc::bad_value, "not a management frame");
        if (h->addr2() != i->addr())
            return make_error(errc::bad_value, "the source address is not the interface's");
        const bool action = fc.subtype() == ieee80211::mgmt_subtype::action;
        const bool public_action = action && h->body()[0] == ieee80211::category::public_action;
        if (i->type() == driver::iftype::p2p_device && !public_action && action)
            return make_error(errc::not_supported, "a P2P device sends public action frames only");
        if (p.wait_ms &&
            (p.wait_ms < timing::min_roc_ms || p.wait_ms > ctx_.radio().max_remain_on_channel_ms()))
            return make_error(errc::bad_value, "wait time out of range");
        ieee80211::channel ch = current_channel();
        if (p.freq && p.freq != ch.freq_mhz) {  // the channel tuned to is one of the hardware's
            auto c = ctx_.channel_of(p.freq);
            if (!c) return c.err();
            ch = *c;
        }
        const bool on_channel =
            ch == current_channel() && i->type() != driver::iftype::p2p_device &&
            !(i->is_station() && !i->associated()) && !(i->is_ap() && !i->ap.beaconing);
        const bool in_roc_there = active() && rocs_.front().ch == ch;
        if (!on_channel && !in_roc_there && !p.offchannel_ok)
            return make_error(errc::busy, "off-channel TX needed but not allowed");
        const std::uint64_t cookie = p.dont_wait_for_ack ? 0 : new_cookie();
        std::uint32_t flags = p.no_cck || i->data->no_cck ? driver::tx_flag::no_cck : 0;
        if (!p.dont_wait_for_ack) flags |= driver::tx_flag::req_status;
        if (on_channel || in_roc_there) {
            if (in_roc_there) flags |= driver::tx_flag::offchannel;
            if (auto r = ctx_.send_mgmt(vif, p.frame, flags, cookie); !r) return r.err();
            if (p.wait_ms && cookie) {
                const std::uint64_t c = cookie;
                waits_.push_back({c, vif,
                                  ctx_.time().schedule_in(std::chrono::milliseconds(p.wait_ms),
                                                          [this, c, vif] { wait_done(c, vif); })});
            }
            return cookie;
        }
        roc_item item = roc_item::make(cookie ? cookie : new_cookie(), vif, ch,
                                       std::max(p.wait_ms, timing::min_roc_ms));
        item.mgmt_tx = true;
        item.tx_cookie = cookie;
        item.frame = p.frame;
        item.flags = flags | driver::tx_flag::offchannel;
        item.wait_event = p.wait_ms != 0;
        rocs_.push_back(std::move(item));
        if (rocs_.size() == 1) start();
        return cookie;
    }
    /// @brief Ends the wait after a management-frame TX early (no event).
    result<void> mgmt_tx_cancel_wait(std::uint64_t cookie) {
        for (auto it = waits_.begin(); it != waits_.end(); ++it)
            if (it->cookie == cookie) {
                ctx_.time().cancel(it->timer);
                waits_.erase(it);
                return {};
            }
        for (auto it = rocs_.begin(); it != rocs_.end(); ++it) {
            if (!it->mgmt_tx || it->tx_cookie != cookie) continue;
            it->wait_event = false;
            if (it->started)
                return ctx_.radio().cancel_remain_on_channel(ctx_.records().vif_of(it->vif));
            rocs_.erase(it);
            return {};
        }
        return make_error(errc::not_found, "no wait with this cookie");
    }
    /// @brief Drops an interface's off-channel work (it is going away).
    void cancel(std::uint8_t vif) {
        if (active() && rocs_.front().vif == vif)
            (void)ctx_.radio().cancel_remain_on_channel(ctx_.records().vif_of(vif));
        std::erase_if(rocs_, [&](const roc_item& r) { return r.vif == vif && !r.started; });
        std::erase_if(waits_, [&](const wait_item& w) {
            if (w.vif == vif) ctx_.time().cancel(w.timer);
            return w.vif == vif;
        });
    }

    /// @brief The driver's TX status of a management frame: a cookie's frame_tx_status event.
    void tx_status(frame_buffer&& b, const driver::tx_status& st) {
        if (!(st.info.flags & driver::tx_flag::req_status) || st.info.cookie == 0) return;
        for (auto& r : rocs_)
            if (r.mgmt_tx && r.tx_cookie == st.info.cookie) r.sent = true;
        ctx_.emit(event::frame_tx_status{st.info.vif_index, st.info.cookie, st.acked,
                                         byte_vector(b.view().begin(), b.view().end())});
    }
    /// @brief On the channel: a period starts, or its management frame goes out.
    void roc_ready(std::uint64_t cookie) {
        if (rocs_.empty() || rocs_.front().cookie != cookie) return;
        auto& r = rocs_.front();
        if (!r.mgmt_tx) {
            ctx_.emit(event::remain_on_channel{r.vif, r.cookie, r.ch.freq_mhz, r.ms});
            return;
        }
        if (!ctx_.send_mgmt(r.vif, r.frame, r.flags, r.tx_cookie) && r.tx_cookie)
            ctx_.emit(event::frame_tx_status{r.vif, r.tx_cookie, false, r.frame});
    }
    /// @brief A period ended; the next one in the queue starts.
    void roc_expired(std::uint64_t cookie) {
        if (rocs_.empty() || rocs_.front().cookie != cookie) return;
        roc_item r = std::move(rocs_.front());
        rocs_.pop_front();
        if (!r.mgmt_tx)
            ctx_.emit(event::cancel_remain_on_channel{r.vif, r.cookie, r.ch.freq_mhz});
        else if (r.wait_event)
            ctx_.emit(event::frame_wait_cancel{r.vif, r.tx_cookie});
        if (!rocs_.empty()) start();
    }

  private:
    struct roc_item {
        std::uint64_t cookie = 0;
        std::uint8_t vif = 0;
        ieee80211::channel ch;
        std::uint32_t ms = 0;
        bool mgmt_tx = false, started = false, cancelled = false, sent = false;
        bool wait_event = false;
        std::uint64_t tx_cookie = 0;
        byte_vector frame;
        std::uint32_t flags = 0;
        static roc_item make(std::uint64_t cookie, std::uint8_t vif, const ieee80211::channel& ch,
                             std::uint32_t ms) {
            roc_item r;
            r.cookie = cookie;
            r.vif = vif;
            r.ch = ch;
            r.ms = ms;
            return r;
        }
    };
    struct wait_item {
        std::uint64_t cookie;
        std::uint8_t vif;
        timer_id timer;
    };

    std::uint64_t new_cookie() noexcept {
        if (++cookie_ == 0) ++cookie_;
        return cookie_;
    }
    /// Starts the period at the head of the queue; one the radio refuses ends at once.
    void start() {
        while (!rocs_.empty()) {
            auto& r = rocs_.front();
            if (r.started) return;  // already running (started from inside an event handler)
            r.started = true;
            const auto res = ctx_.radio().remain_on_channel(
                ctx_.records().vif_of(r.vif), r.ch, r.ms, r.cookie,
                r.mgmt_tx ? driver::roc_type::mgmt_tx : driver::roc_type::normal);
            if (res) return;
            roc_item failed = std::move(r);
            rocs_.pop_front();
            if (failed.mgmt_tx && failed.tx_cookie)
                ctx_.emit(
                    event::frame_tx_status{failed.vif, failed.tx_cookie, false, failed.frame});
            else if (!failed.mgmt_tx)
                ctx_.emit(
                    event::cancel_remain_on_channel{failed.vif, failed.cookie, failed.ch.freq_mhz});
        }
    }
    void wait_done(std::uint64_t cookie, std::uint8_t vif) {
        std::erase_if(waits_, [&](const wait_item& w) { return w.cookie == cookie; });
        ctx_.emit(event::frame_wait_cancel{vif, cookie});
    }

    Context ctx_;
    std::deque<roc_item> rocs_;
    std::vector<wait_item> waits_;
    std::uint64_t cookie_ = 0;
};

}  // namespace softmac::mac
