// SPDX-License-Identifier: MIT
/// @file Defines mac::radio, mac80211's ieee80211_local: one object per radio assembled from a
/// driver, a time policy and an upcall sink (alloc_hw/register_hw, the software remain-on-channel).
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include <softmac/core/scheduler.hpp>
#include <softmac/driver/concepts.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/mac/interface.hpp>

namespace softmac::mac {

/// @brief What receives the radio's upcalls (the layer above; the MAC in a full stack).
template <class S>
concept radio_sink = requires(S& s, frame_buffer&& b, const driver::rx_status& rs,
                              const driver::tx_status& ts, std::uint64_t cookie, bool aborted) {
    s.on_rx(std::move(b), rs);
    s.on_tx_status(std::move(b), ts);
    s.on_roc_ready(cookie);
    s.on_roc_expired(cookie);
    s.on_scan_done(aborted);
};
/// @brief A sink that says what a received frame reads: the lines of its state (`rx_lines`),
/// and what depends on a frame about to come (`prefetch_rx`); see driver::rx_prefetch.
template <class S>
concept rx_prefetch_sink = requires(S& s, driver::rx_prefetch& p, bytes_view f) {
    s.rx_lines(p);
    s.prefetch_rx(f);
};

/// @brief One radio: the driver, its hardware description, the device configuration and the
/// interfaces, in one object. Upcalls reach the sink through a context passed into each driver
/// call, so nothing stores a pointer to the layer above and every call inlines.
///
/// Optional driver operations are used when the driver has them and replaced by the radio's
/// software version when it does not, decided at compile time (remain-on-channel here).
template <class Driver, time_policy Time, radio_sink Sink>
class radio {
    static_assert(driver::check_driver<Driver>());
    static_assert(
        [] {
            if constexpr (requires { Driver::description; })
                return driver::validate(Driver::description).has_value();
            return true;
        }(),
        "softmac: the driver's constexpr hw_description breaks a registration rule (call "
        "driver::validate on it)");

  public:
    static constexpr std::size_t max_interfaces = mac::max_interfaces;
    /// @brief The software ROC limit when the driver gives none (mac80211's 5000 ms).
    static constexpr std::uint32_t software_roc_max_ms = 5000;

    /// @brief The upcall context handed to the driver.
    struct context {
        radio& r;
        void rx(frame_buffer&& b, const driver::rx_status& s) { r.sink_.on_rx(std::move(b), s); }
        void tx_status(frame_buffer&& b, const driver::tx_status& s) {
            if (r.tx_pending_) --r.tx_pending_;
            r.sink_.on_tx_status(std::move(b), s);
        }
        void roc_ready(std::uint64_t c) { r.sink_.on_roc_ready(c); }
        void roc_expired(std::uint64_t c) {
            r.roc_.reset();
            r.sink_.on_roc_expired(c);
        }
        void scan_done(bool aborted) { r.sink_.on_scan_done(aborted); }
    };
    static_assert(driver::upcall_context<context>);
    static_assert(!driver::driver<Driver> || driver::driver<Driver, context>,
                  "softmac: the driver's operations must accept any upcall context (make them "
                  "templates over it)");

    static constexpr bool roc_offloaded = driver::has_roc_offload<Driver, context>;

    template <class... Args>
    radio(Time& time, Sink sink, Args&&... driver_args)
        : time_(time), sink_(std::move(sink)), driver_(std::forward<Args>(driver_args)...) {
        // The interrupt line: a driver that queues events raises it, and the radio services
        // it at once (this is how products receive frames and TX status).
        if constexpr (driver::has_interrupt_line<Driver>)
            driver_.set_interrupt(driver::interrupt_line([this] { service(); }));
        // A frame about to come: the layers above fetch what they will read for it.
        if constexpr (driver::has_rx_prefetch<Driver> && rx_prefetch_sink<Sink>) {
            driver::rx_prefetch p;
            sink_.rx_lines(p);
            p.frame = [this](bytes_view f) { sink_.prefetch_rx(f); };
            driver_.set_rx_prefetch(std::move(p));
        }
    }
    radio(const radio&) = delete;
    radio& operator=(const radio&) = delete;
    ~radio() {
        if (roc_ && roc_->timer) time_.cancel(roc_->timer);
    }

    Driver& driver() noexcept { return driver_; }
    Sink& sink() noexcept { return sink_; }
    Time& time() noexcept { return time_; }
    const driver::hw_description& hw() const noexcept { return driver_.hw(); }
    const driver::conf& conf() const noexcept { return conf_; }
    bool registered() const noexcept { return registered_; }
    bool started() const noexcept { return started_; }

    /// @brief Validates the hardware description; nothing else works before it succeeds. A driver
    /// whose probe found nothing to drive gives its probe's error instead.
    result<void> register_hw() {
        if constexpr (driver::has_probe_result<Driver>)
            if (auto r = driver_.probe_result(); !r) return r;
        if (auto r = driver::validate(hw()); !r) return r;
        if (hw().n_bands > 0 && !hw().bands[0].channels.empty())
            conf_.channel = *ieee80211::make_channel(hw().bands[0].band, hw().bands[0].channels[0]);
        conf_.flags = driver::conf_flag::idle;
        registered_ = true;
        band_tuned();
        return {};
    }
    /// @brief Maximum remain-on-channel duration: the driver's, or the software limit.
    std::uint32_t max_remain_on_channel_ms() const noexcept {
        if constexpr (roc_offloaded) return hw().max_remain_on_channel_ms;
        return software_roc_max_ms;
    }

    /// @brief Brings up an interface: starts the hardware for the first one; monitor interfaces
    /// are not announced to the driver (it learns about them through the monitor flag).
    result<driver::vif> add_interface(driver::iftype type, std::optional<mac_address> addr = {}) {
        if (!registered_) return make_error(errc::invalid_state, "radio is not registered");
        if (!hw().supports(type))
            return make_error(errc::not_supported, "interface type not supported by the hardware");
        std::size_t slot = 0;
        while (slot < max_interfaces && vifs_[slot]) ++slot;
        if (slot == max_interfaces) return make_error(errc::exhausted, "no free interface slot");
        driver::vif v{addr ? *addr : hw().address(static_cast<std::uint8_t>(slot)), type,
                      static_cast<std::uint8_t>(slot)};
        context ctx{*this};
        if (!started_) {
            if (auto r = driver_.start(ctx); !r) return r.err();
            started_ = true;
            driver_.config(ctx, conf_, driver::conf_changed::channel);
        }
        if (type == driver::iftype::monitor) {
            conf_.flags |= driver::conf_flag::monitor;
            driver_.config(ctx, tuned(), driver::conf_changed::monitor);
        } else if (auto r = driver_.add_interface(ctx, v); !r) {
            if (count() == 0) stop_hw(ctx);
            return r.err();
        }
        vifs_[slot] = v;
        active_[slot] = false;
        recalc_idle();
        return v;
    }
    /// @brief Takes an interface down; the hardware stops with the last one.
    void remove_interface(const driver::vif& v) {
        if (v.index >= max_interfaces || !vifs_[v.index]) return;
        context ctx{*this};
        if (v.type == driver::iftype::monitor) {
            vifs_[v.index].reset();
            if (!any_of(driver::iftype::monitor)) {
                conf_.flags &= ~driver::conf_flag::monitor;
                driver_.config(ctx, tuned(), driver::conf_changed::monitor);
            }
        } else {
            driver_.remove_interface(ctx, v);
            vifs_[v.index].reset();
        }
        active_[v.index] = false;
        if (count() == 0) return stop_hw(ctx);
        recalc_idle();
    }
    /// @brief Whether interface `v` uses the operating channel (its vap is out of INIT: an AP
    /// from its start, a station from authentication on, where mac80211 assigns a channel
    /// context). With none, no monitor and no off-channel work the radio is idle
    /// (IEEE80211_CONF_IDLE, ieee80211_recalc_idle), and a radio that models mac80211_hwsim
    /// neither hears nor acknowledges then.
    void set_active(const driver::vif& v, bool on) {
        if (v.index >= max_interfaces || !vifs_[v.index]) return;
        active_[v.index] = on;
        recalc_idle();
    }
    bool idle() const noexcept { return (conf_.flags & driver::conf_flag::idle) != 0; }
    std::size_t count() const noexcept {
        std::size_t n = 0;
        for (const auto& v : vifs_) n += v ? 1 : 0;
        return n;
    }
    const std::optional<driver::vif>& interface(std::size_t i) const noexcept { return vifs_[i]; }

    /// @brief Tunes the radio (the config op with IEEE80211_CONF_CHANGE_CHANNEL).
    result<void> set_channel(const ieee80211::channel& ch) {
        if (!supports_channel(ch))
            return make_error(errc::bad_value, "channel not in the hardware's bands");
        conf_.channel = ch;
        band_tuned();
        context ctx{*this};
        // An offloading driver keeps its remain-on-channel period and returns to the new
        // operating channel at its end; a software period is ended by tune_operating().
        if (started_ && (roc_offloaded || !roc_))
            driver_.config(ctx, conf_, driver::conf_changed::channel);
        return {};
    }
    /// @brief Programs the RX filter; returns the flags the driver honours.
    std::uint32_t set_filter(std::uint32_t wanted) {
        std::uint32_t total = wanted;
        context ctx{*this};
        driver_.configure_filter(ctx, filter_ ^ wanted, total);
        filter_ = total;
        return total;
    }
    std::uint32_t filter() const noexcept { return filter_; }

    /// @brief Programs a key into the hardware (drv_set_key); not_supported without offload.
    result<void> set_key(driver::key_command cmd, const driver::vif& v, driver::key_conf& k) {
        if constexpr (driver::has_set_key<Driver, context>) {
            context ctx{*this};
            return driver_.set_key(ctx, cmd, v, k);
        } else {
            return make_error(errc::not_supported, "the driver does not offload keys");
        }
    }

    /// @brief Frames handed to the driver whose TX status has not come back (the driver's queue,
    /// as mac80211 sees it before it stops the netdev queues).
    std::size_t tx_pending() const noexcept { return tx_pending_; }
    /// @brief Hands a frame to the driver (the drv_tx role); every frame gets one TX status.
    void tx(const driver::tx_info& info, frame_buffer&& frame) {
        ++tx_pending_;
        context ctx{*this};
        driver_.tx(ctx, info, std::move(frame));
    }

    /// @brief Stays on `ch` for `ms` milliseconds: the driver's offload when it has one,
    /// otherwise the radio retunes, reports ready, and returns at expiry.
    result<void> remain_on_channel(const driver::vif& v, const ieee80211::channel& ch,
                                   std::uint32_t ms, std::uint64_t cookie,
                                   driver::roc_type type = driver::roc_type::normal) {
        if (roc_) return make_error(errc::busy, "remain-on-channel already active");
        if (ms == 0 || ms > max_remain_on_channel_ms())
            return make_error(errc::bad_value, "remain-on-channel duration out of range");
        if (!supports_channel(ch))
            return make_error(errc::bad_value, "channel not in the hardware's bands");
        context ctx{*this};
        if constexpr (roc_offloaded) {
            if (auto r = driver_.remain_on_channel(ctx, v, ch, ms, type, cookie); !r) return r;
            roc_ = roc_state{cookie, 0};
        } else {
            (void)v;
            (void)type;
            tune_offchannel(ch);
            roc_ = roc_state{cookie, time_.schedule_in(std::chrono::milliseconds(ms),
                                                       [this] { end_software_roc(); })};
            sink_.on_roc_ready(cookie);
        }
        return {};
    }
    result<void> cancel_remain_on_channel(const driver::vif& v) {
        if (!roc_) return make_error(errc::not_found, "no remain-on-channel to cancel");
        if constexpr (roc_offloaded) {
            context ctx{*this};
            return driver_.cancel_remain_on_channel(ctx, v);
        } else {
            (void)v;
            time_.cancel(roc_->timer);
            end_software_roc();
            return {};
        }
    }
    /// @brief Whether the hardware's bands have this channel.
    bool supports_channel(const ieee80211::channel& ch) const noexcept {
        for (std::size_t b = 0; b < hw().n_bands; ++b)
            if (hw().bands[b].band == ch.band)
                for (auto n : hw().bands[b].channels)
                    if (n == ch.number) return true;
        return false;
    }
    bool on_channel_elsewhere() const noexcept { return roc_.has_value(); }

    /// @brief Tunes to `ch` for off-channel work (a software scan or ROC); the operating channel
    /// stays what it was.
    void tune_offchannel(const ieee80211::channel& ch) {
        off_ = ch;
        band_tuned();
        context ctx{*this};
        driver_.config(ctx, tuned(), driver::conf_changed::channel);
    }
    /// @brief Back on the operating channel after off-channel work.
    void tune_operating() {
        off_.reset();
        band_tuned();
        context ctx{*this};
        driver_.config(ctx, conf_, driver::conf_changed::channel);
    }

    /// @brief Runs deferred hardware work (the driver's poll), when the driver has it. A driver
    /// with an interrupt line has it called on every raise; one without is serviced by the
    /// product's loop calling this.
    void service() {
        if constexpr (driver::has_poll<Driver, context>) {
            context ctx{*this};
            driver_.poll(ctx);
        }
    }

  private:
    struct roc_state {
        std::uint64_t cookie;
        timer_id timer;
    };
    bool any_of(driver::iftype t) const noexcept {
        for (const auto& v : vifs_)
            if (v && v->type == t) return true;
        return false;
    }

    void stop_hw(context& ctx) {
        driver_.stop(ctx);
        started_ = false;
        conf_.flags |= driver::conf_flag::idle;
    }
    /// What the driver is tuned to: the operating configuration, or the off-channel one.
    /// Rate indexes are relative to the tuned band's rates (ieee80211_supported_band): the sink
    /// that picks them hears of every change of band.
    void band_tuned() {
        if constexpr (requires(Sink & s, std::span<const ieee80211::rate> r) { s.use_rates(r); })
            for (std::size_t b = 0; b < hw().n_bands; ++b)
                if (hw().bands[b].band == tuned().channel.band)
                    sink_.use_rates(hw().bands[b].rates);
    }
    driver::conf tuned() const noexcept {
        driver::conf c = conf_;
        if (off_) {
            c.channel = *off_;
            c.flags |= driver::conf_flag::offchannel;
        }
        return c;
    }
    void recalc_idle() {
        bool busy = (conf_.flags & driver::conf_flag::monitor) != 0;
        for (std::size_t i = 0; i < max_interfaces; ++i) busy = busy || (vifs_[i] && active_[i]);
        if (busy == !idle()) return;
        conf_.flags =
            busy ? conf_.flags & ~driver::conf_flag::idle : conf_.flags | driver::conf_flag::idle;
        if (!started_) return;
        context ctx{*this};
        driver_.config(ctx, tuned(), driver::conf_changed::idle);
    }
    void end_software_roc() {
        const std::uint64_t cookie = roc_->cookie;
        roc_.reset();
        tune_operating();
        sink_.on_roc_expired(cookie);
    }

    Time& time_;
    Sink sink_;
    driver::conf conf_;
    std::uint32_t filter_ = 0;
    std::array<std::optional<driver::vif>, max_interfaces> vifs_{};
    std::array<bool, max_interfaces> active_{};
    std::optional<ieee80211::channel> off_;  ///< tuned off the operating channel (scan, ROC)
    std::optional<roc_state> roc_;
    bool registered_ = false, started_ = false;
    std::size_t tx_pending_ = 0;  ///< frames handed to the driver whose TX status is still due
    // Last: a driver whose received frames' state comes last (the loopback driver's) has it next
    // to what follows the radio.
    Driver driver_;
};

}  // namespace softmac::mac
