// SPDX-License-Identifier: MIT
/// @file Defines mac::software_scan: a scan channel by channel with probe requests (mac80211's
/// scan.c).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <softmac/core/result.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/driver/concepts.hpp>
#include <softmac/ieee80211/beacon.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/mac/detail/mgmt_frame.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/interface_record.hpp>
#include <softmac/mac/timing.hpp>

namespace softmac::mac {

/// @brief The software scan (ieee80211_start_sw_scan, ieee80211_scan_work's state machine,
/// ieee80211_scan_completed): each channel is visited for a dwell time, with probe requests when
/// the scan is active; an associated station's channel is revisited between channels.
///
/// `Context` gives: `records()`, `time()`, `emit(event)`, `send_mgmt(vif, frame, flags)`,
/// `channel_of(freq)`, `radio()` (hw, tuning, the driver's sw_scan_start/complete) and the types
/// `radio_type`/`driver_type`, `rates()` (the band's rates), `bss()` (expired at the end),
/// `update_filter()`, `offchannel_active()` (a remain-on-channel period holds the radio) and
/// `scan_finished(vif, aborted)` (a connect waiting for the scan goes on).
template <class Context>
class software_scan {
  public:
    explicit software_scan(Context ctx) noexcept : ctx_(ctx) {}
    software_scan(const software_scan&) = delete;
    software_scan& operator=(const software_scan&) = delete;
    ~software_scan() {
        if (state_.timer) ctx_.time().cancel(state_.timer);
    }

    bool active() const noexcept { return state_.active; }
    /// @brief The interface the running scan is for.
    std::uint8_t vif() const noexcept { return state_.vif; }

    /// @brief Starts a scan; refused while another scan runs.
    result<void> start(std::uint8_t vif, scan_params p) {
        if (!ctx_.records().find(vif)) return make_error(errc::not_found, "no such interface");
        if (state_.active) return make_error(errc::busy, "a scan is already running");
        const auto& hw = ctx_.radio().hw();
        if (p.ssids.size() > hw.max_scan_ssids)
            return make_error(errc::bad_value, "more scan SSIDs than the hardware allows");
        if (p.ies.size() > hw.max_scan_ie_len)
            return make_error(errc::bad_length, "scan IEs longer than the hardware allows");
        std::vector<ieee80211::channel> chans;
        if (p.freqs.empty()) {
            for (std::size_t b = 0; b < hw.n_bands; ++b)
                for (auto n : hw.bands[b].channels)
                    if (auto c = ieee80211::make_channel(hw.bands[b].band, n)) chans.push_back(*c);
        } else {
            for (auto f : p.freqs) {
                auto c = ctx_.channel_of(f);
                if (!c) return c.err();
                chans.push_back(*c);
            }
        }
        state_ = scan_state{};
        state_.active = true;
        state_.vif = vif;
        state_.params = std::move(p);
        state_.channels = std::move(chans);
        using radio_type = typename Context::radio_type;
        if constexpr (driver::has_sw_scan_start<typename Context::driver_type,
                                                typename radio_type::context>) {
            radio_type& radio = ctx_.radio();
            typename radio_type::context rc{radio};
            const driver::vif v = ctx_.records().vif_of(vif);
            radio.driver().sw_scan_start(rc, v, v.addr);
        }
        ctx_.update_filter();
        step();
        return {};
    }
    /// @brief Ends the scan: back on the operating channel, the BSS table aged, SCAN_DONE (or
    /// SCAN_ABORTED) reported.
    void finish(bool aborted) {
        if (state_.timer) ctx_.time().cancel(state_.timer);
        const std::uint8_t vif = state_.vif;
        state_ = scan_state{};
        if (!ctx_.offchannel_active()) ctx_.radio().tune_operating();
        using radio_type = typename Context::radio_type;
        if constexpr (driver::has_sw_scan_complete<typename Context::driver_type,
                                                   typename radio_type::context>) {
            radio_type& radio = ctx_.radio();
            typename radio_type::context rc{radio};
            radio.driver().sw_scan_complete(rc, ctx_.records().vif_of(vif));
        }
        ctx_.update_filter();
        ctx_.bss().expire(ctx_.time().now());
        ctx_.emit(event::scan_done{vif, aborted});
        ctx_.scan_finished(vif, aborted);
    }

  private:
    struct scan_state {
        bool active = false, on_operating = false;
        std::uint8_t vif = 0;
        scan_params params;
        std::vector<ieee80211::channel> channels;
        std::size_t next = 0;
        timer_id timer = 0;
    };

    /// The next channel, or back to the operating channel for a while when a station is
    /// associated (ieee80211_scan_state_decision).
    void step() {
        state_.timer = 0;
        if (state_.next == state_.channels.size()) return finish(false);
        auto& radio = ctx_.radio();
        if (state_.next > 0 && !state_.on_operating && ctx_.records().associated_anywhere()) {
            state_.on_operating = true;
            radio.tune_operating();
            state_.timer = ctx_.time().schedule_in(timing::back_on_channel, [this] { step(); });
            return;
        }
        state_.on_operating = false;
        const auto ch = state_.channels[state_.next++];
        radio.tune_offchannel(ch);
        const bool active = !state_.params.ssids.empty();
        if (active) {
            const mac_address sa = ctx_.records().vif_of(state_.vif).addr;
            const bool ofdm = state_.params.no_cck || ch.band != ieee80211::band::ghz2_4;
            for (const auto& ssid : state_.params.ssids) {
                auto f =
                    detail::build_mgmt(ieee80211::mgmt_subtype::probe_req, mac_address::broadcast(),
                                       sa, mac_address::broadcast(), [&](byte_writer& w) {
                                           ieee80211::put::ssid(w, ssid);
                                           ieee80211::put_rates(w, ctx_.rates(), ofdm);
                                           if (ch.band == ieee80211::band::ghz2_4)
                                               ieee80211::put::ds_params(w, ch.number);
                                           w.raw(state_.params.ies);
                                       });
                (void)ctx_.send_mgmt(
                    state_.vif, f,
                    driver::tx_flag::offchannel | (ofdm ? driver::tx_flag::no_cck : 0));
            }
        }
        duration dwell = active ? timing::active_dwell : timing::passive_dwell;
        if (state_.params.dwell_ms) dwell = std::chrono::milliseconds(state_.params.dwell_ms);
        state_.timer = ctx_.time().schedule_in(dwell, [this] { step(); });
    }

    Context ctx_;
    scan_state state_;
};

}  // namespace softmac::mac
