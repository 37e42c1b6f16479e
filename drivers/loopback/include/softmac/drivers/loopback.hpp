// SPDX-License-Identifier: MIT
/// @file Defines the loopback driver: simulated radios on a sim::medium (the mac80211_hwsim role).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/driver/concepts.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/sim/medium.hpp>

namespace softmac::drivers {

/// @brief The hardware description of a loopback radio, shaped like mac80211_hwsim's: address
/// 02:00:00:ii:ii:00 and a second-address mask, 2.4 and 5 GHz, every interface type, and the
/// combinations {IBSS ≤ 1}, {STA/P2P client/AP/P2P GO ≤ 2048}, {P2P device ≤ 1} on one channel,
/// and P2P power save.
inline driver::hw_description loopback_description(std::uint16_t index) {
    using driver::bit, driver::iftype;
    driver::hw_description hw;
    hw.perm_addr = {{0x02, 0x00, 0x00, std::uint8_t(index >> 8), std::uint8_t(index), 0x00}};
    hw.addr_mask = {{0x00, 0x00, 0x00, 0x00, 0x00, 0x0f}};
    hw.n_addresses = 16;
    hw.bands[0] = {ieee80211::band::ghz2_4, driver::channels_2ghz, ieee80211::rates_2ghz};
    hw.bands[1] = {ieee80211::band::ghz5, driver::channels_5ghz, ieee80211::rates_ofdm};
    hw.n_bands = 2;
    hw.interface_modes = bit(iftype::station) | bit(iftype::ap) | bit(iftype::adhoc) |
                         bit(iftype::wds) | bit(iftype::monitor) | bit(iftype::p2p_client) |
                         bit(iftype::p2p_go) | bit(iftype::p2p_device);
    driver::iface_combination c;
    c.limits[0] = {1, bit(iftype::adhoc)};
    c.limits[1] = {2048, bit(iftype::station) | bit(iftype::p2p_client) | bit(iftype::ap) |
                             bit(iftype::p2p_go)};
    c.limits[2] = {1, bit(iftype::p2p_device)};
    c.n_limits = 3;
    c.max_interfaces = 2048;
    c.num_different_channels = 1;
    hw.combinations[0] = c;
    hw.n_combinations = 1;
    hw.max_remain_on_channel_ms = 1000;
    hw.queues = 4;
    hw.supports_p2p_ps = true;
    return hw;
}

/// @brief A radio on a sim::medium. With RocOffload it also implements remain-on-channel in
/// "hardware", so both the offloaded and the MAC's software path can be exercised.
template <time_policy Time, bool RocOffload = false>
class loopback {
  public:
    using medium_type = sim::medium<Time>;
    static constexpr std::size_t max_vifs = 8;
    /// @brief Events (received frames, TX status, remain-on-channel) that wait for poll() at most;
    /// more are dropped, as a full hardware ring drops them.
    static constexpr std::size_t max_events = 256;

    loopback(medium_type& m, driver::hw_description hw) : hw_(hw), medium_(m) {
        port_ = medium_.attach([this](const sim::air_frame& f) { on_air(f); });
        update_rx_filter();
    }
    loopback(const loopback&) = delete;
    loopback& operator=(const loopback&) = delete;
    /// @brief A radio removed at run time leaves the medium: nothing of it runs afterwards.
    ~loopback() {
        for (const timer_id t : {roc_ready_timer_, roc_timer_})
            if (t) medium_.time().cancel(t);
        medium_.detach(port_);
    }

    const driver::hw_description& hw() const noexcept { return hw_; }
    typename medium_type::port_id port() const noexcept { return port_; }
    /// @brief The interrupt line: raised on every event pushed for poll() (received frame, TX
    /// status, remain-on-channel ready/expired); a radio services the driver from it.
    void set_interrupt(driver::interrupt_line irq) { irq_ = std::move(irq); }
    /// @brief The layers above learn of frames before they arrive: the medium fetches the
    /// lines on_air reads (the members head_ to rx_prefetch_) and theirs, then tells prefetch_rx
    /// of the frame. Until then (a radio whose upper layer does not take part)
    /// nothing is fetched ahead.
    void set_rx_prefetch(driver::rx_prefetch above) {
        typename medium_type::prefetch_plan plan;
        const auto* first = reinterpret_cast<const unsigned char*>(&head_);
        plan.lines.add(first,
                       static_cast<std::size_t>(
                           reinterpret_cast<const unsigned char*>(&rx_prefetch_ + 1) - first));
        plan.lines.add(above.lines);
        plan.frame = [this](const sim::air_frame& f) { prefetch_rx(f); };
        rx_prefetch_ = std::move(above.frame);
        medium_.set_prefetch(port_, std::move(plan));
    }

    // ---- mandatory operations --------------------------------------------------------------
    template <class Ctx>
    void tx(Ctx& ctx, const driver::tx_info& info, frame_buffer&& frame) {
        driver::tx_status st{info, false, 1};
        if (!started_ || frame.size() < 10) return ctx.tx_status(std::move(frame), st);
        const std::size_t slot = free_slot();
        if (slot == tx_slots) return ctx.tx_status(std::move(frame), st);  // queue full
        const auto& rates = band_rates();
        const std::int8_t idx = info.rates[0].idx;
        const std::uint16_t bitrate = (idx >= 0 && std::size_t(idx) < rates.size())
                                          ? rates[std::size_t(idx)].bitrate
                                          : rates[0].bitrate;
        pending_[slot] = {std::move(frame), info, 1, bitrate};
        take(slot);
        queue_[(queue_tail_++) % queue_.size()] = static_cast<std::uint8_t>(slot);
        kick();
    }
    template <class Ctx>
    result<void> start(Ctx&) {
        started_ = true;
        medium_.tune(port_, conf_.channel.freq_mhz);
        update_listening();
        return {};
    }
    template <class Ctx>
    void stop(Ctx&) {
        started_ = false;
        medium_.set_listening(port_, false);
    }
    template <class Ctx>
    result<void> add_interface(Ctx&, const driver::vif& v) {
        if (n_vifs_ == max_vifs)
            return make_error(errc::exhausted, "loopback: all interface slots in use");
        vifs_[n_vifs_++] = v;
        publish_addresses();
        return {};
    }
    template <class Ctx>
    void remove_interface(Ctx&, const driver::vif& v) {
        for (std::size_t i = 0; i < n_vifs_; ++i)
            if (vifs_[i].index == v.index) {
                vifs_[i] = vifs_[--n_vifs_];
                break;
            }
        publish_addresses();
        // An interface that goes takes its power save with it.
        if (is_go(v.type)) medium_.set_absence(port_, {});
        if (is_client(v.type)) set_peer_noa({});
    }
    template <class Ctx>
    void config(Ctx&, const driver::conf& c, std::uint32_t changed) {
        conf_ = c;
        if ((changed & driver::conf_changed::channel) && !roc_active_)
            medium_.tune(port_, c.channel.freq_mhz);
        update_rx_filter();
        update_listening();
    }
    template <class Ctx>
    void configure_filter(Ctx&, std::uint32_t, std::uint32_t& total) {
        total &= driver::fif::all;  // every flag is honoured
        filter_ = total;
        update_rx_filter();
    }

    // ---- optional operations -------------------------------------------------------------------
    template <class Ctx>
    void poll(Ctx& ctx) {
        while (head_ != tail_) {
            // What the event carries is taken out of its slot before it is handed up: handling
            // it may push events, and a full ring grows (its slots move).
            event& e = events_[head_ & (events_.size() - 1)];
            ++head_;
            switch (e.kind) {
                case event::received: {
                    frame_buffer f = std::move(e.frame);
                    const driver::rx_status st = e.rx_status;
                    ctx.rx(std::move(f), st);
                    break;
                }
                case event::tx_done: {
                    frame_buffer f = std::move(e.frame);
                    const driver::tx_status st = e.tx_status;
                    ctx.tx_status(std::move(f), st);
                    break;
                }
                case event::roc_ready:
                    ctx.roc_ready(e.cookie);
                    break;
                case event::roc_expired:
                    ctx.roc_expired(e.cookie);
                    break;
            }
        }
        head_ = tail_ = 0;  // drained: the next event takes the first slot again, still cached
    }
    /// @brief P2P power save (bss_changed::p2p_ps; every other change is ignored): an AP or P2P
    /// GO interface's own Notice of Absence makes the radio away in its absences; a station or
    /// P2P client interface holds its transmissions in its GO's.
    template <class Ctx>
    void bss_info_changed(Ctx&, const driver::vif& v, const driver::bss_conf& b,
                          std::uint32_t changed) {
        if (!(changed & driver::bss_changed::p2p_ps)) return;
        if (is_go(v.type)) medium_.set_absence(port_, b.p2p_noa);
        if (is_client(v.type)) set_peer_noa(b.p2p_noa);
    }
    template <class Ctx>
    std::uint64_t get_tsf(Ctx&, const driver::vif&) const noexcept {
        return medium_.now_us();
    }
    template <class Ctx>
    driver::low_level_stats get_stats(Ctx&) const noexcept {
        return stats_;
    }

    template <class Ctx>
    requires RocOffload result<void> remain_on_channel(Ctx&, const driver::vif&,
                                                       const ieee80211::channel& ch,
                                                       std::uint32_t ms, driver::roc_type,
                                                       std::uint64_t cookie) {
        if (roc_active_)
            return make_error(errc::busy, "loopback: remain-on-channel already active");
        if (ms == 0 || ms > hw_.max_remain_on_channel_ms)
            return make_error(errc::bad_value, "loopback: bad ROC duration");
        roc_active_ = true;
        update_listening();
        roc_cookie_ = cookie;
        medium_.tune(port_, ch.freq_mhz);
        auto& t = medium_.time();
        roc_ready_timer_ = t.schedule_in(std::chrono::microseconds(0), [this, cookie] {
            roc_ready_timer_ = 0;
            push_roc(event::roc_ready, cookie);
        });
        roc_timer_ = t.schedule_in(std::chrono::milliseconds(ms), [this] { end_roc(); });
        return {};
    }
    template <class Ctx>
    requires RocOffload result<void> cancel_remain_on_channel(Ctx&, const driver::vif&) {
        if (!roc_active_)
            return make_error(errc::not_found, "loopback: no remain-on-channel to cancel");
        medium_.time().cancel(roc_timer_);
        end_roc();
        return {};
    }

    std::uint32_t filter() const noexcept { return filter_; }
    /// @brief Test only: a client that ignores its GO's Notice of Absence and transmits into the
    /// GO's absences (the schedule last learnt applies again when this is turned off).
    void ignore_peer_noa(bool on) noexcept {
        ignore_peer_noa_ = on;
        set_peer_noa(peer_noa_);
    }

  private:
    struct pending_tx {
        frame_buffer frame;
        driver::tx_info info;
        std::uint8_t attempts = 1;
        std::uint16_t bitrate = 10;
    };
    struct event {
        enum kind_t : std::uint8_t { received, tx_done, roc_ready, roc_expired } kind = received;
        frame_buffer frame;
        driver::rx_status rx_status;
        driver::tx_status tx_status;
        std::uint64_t cookie = 0;
    };

    static constexpr bool is_go(driver::iftype t) noexcept {
        return t == driver::iftype::ap || t == driver::iftype::p2p_go;
    }
    static constexpr bool is_client(driver::iftype t) noexcept {
        return t == driver::iftype::station || t == driver::iftype::p2p_client;
    }
    void set_peer_noa(const ieee80211::p2p::notice_of_absence& noa) noexcept {
        peer_noa_ = noa;
        medium_.set_tx_hold(port_, ignore_peer_noa_ ? ieee80211::p2p::notice_of_absence{} : noa);
    }
    std::span<const ieee80211::rate> band_rates() const noexcept {
        for (std::size_t b = 0; b < hw_.n_bands; ++b)
            if (hw_.bands[b].band == conf_.channel.band) return hw_.bands[b].rates;
        return hw_.bands[0].rates;
    }
    /// The lowest free slot, tx_slots when all are used: one word read.
    std::size_t free_slot() const noexcept {
        return static_cast<std::size_t>(std::countr_one(used_slots_));
    }
    void take(std::size_t slot) noexcept { used_slots_ |= std::uint64_t{1} << slot; }
    void release(std::size_t slot) noexcept { used_slots_ &= ~(std::uint64_t{1} << slot); }
    void publish_addresses() {
        std::array<mac_address, max_vifs> a{};
        std::size_t n = 0;
        for (std::size_t i = 0; i < n_vifs_; ++i)
            if (vifs_[i].type != driver::iftype::monitor) a[n++] = vifs_[i].addr;
        medium_.set_addresses(port_, std::span<const mac_address>(a.data(), n));
    }
    /// Queues an event of kind `k`: `fill` writes what that kind carries into the ring's next
    /// slot (poll reads nothing else of it).
    template <class Fill>
    void push(typename event::kind_t k, Fill fill) {
        if (tail_ - head_ == events_.size()) {
            // event ring full: dropped, as hardware would (with its frame, at once)
            if (events_.size() == max_events) {
                event dropped;
                return fill(dropped);
            }
            grow_events();
        }
        event& e = events_[tail_ & (events_.size() - 1)];
        e.kind = k;
        fill(e);
        ++tail_;
        if (irq_) irq_();
    }
    void push_rx(frame_buffer&& f, const driver::rx_status& st) {
        push(event::received, [&](event& e) {
            e.frame = std::move(f);
            e.rx_status = st;
        });
    }
    void push_tx_done(frame_buffer&& f, const driver::tx_status& st) {
        push(event::tx_done, [&](event& e) {
            e.frame = std::move(f);
            e.tx_status = st;
        });
    }
    void push_roc(typename event::kind_t k, std::uint64_t cookie) {
        push(k, [&](event& e) { e.cookie = cookie; });
    }
    /// The ring's storage doubles (from 8) when it fills before max_events: a radio serviced from
    /// its interrupt line drains it at every event, so most hold a few events, not max_events.
    void grow_events() {
        std::vector<event> more(std::max<std::size_t>(8, events_.size() * 2));
        for (std::uint32_t i = head_; i != tail_; ++i)
            more[i - head_] = std::move(events_[i & (events_.size() - 1)]);
        tail_ -= head_;
        head_ = 0;
        events_ = std::move(more);
    }
    result<void> send(std::size_t slot) {
        auto& p = pending_[slot];
        const bool no_ack = (p.info.flags & driver::tx_flag::no_ack) != 0;
        return medium_.transmit(
            port_, p.frame.view(), p.bitrate, false,
            [this, slot, no_ack](bool acked) { on_tx_done(slot, acked && !no_ack); });
    }
    /// The RX filter, which the medium applies before a copy is made: a monitoring radio takes
    /// every frame; otherwise unicast frames for other stations pass only with FIF_OTHER_BSS,
    /// control frames only with FIF_CONTROL and probe requests only with FIF_PROBE_REQ.
    void update_rx_filter() {
        using ieee80211::frame_type;
        constexpr std::uint64_t control = medium_type::type_bits(frame_type::control);
        constexpr std::uint64_t probe_req =
            medium_type::type_bit(frame_type::management, ieee80211::mgmt_subtype::probe_req);
        const bool all = conf_.flags & driver::conf_flag::monitor;
        std::uint64_t types = ~std::uint64_t{0};
        if (!all && !(filter_ & driver::fif::control)) types &= ~control;
        if (!all && !(filter_ & driver::fif::probe_req)) types &= ~probe_req;
        medium_.set_address_filter(port_, !all && !(filter_ & driver::fif::other_bss));
        medium_.set_frame_filter(port_, types);
    }
    /// One frame on the air at a time, in order: the next starts when the previous one (with
    /// its retries) is done, as a hardware queue works.
    void kick() {
        while (!in_flight_ && queue_head_ != queue_tail_) {
            const std::size_t slot = queue_[(queue_head_++) % queue_.size()];
            in_flight_ = true;
            if (send(slot)) return;
            in_flight_ = false;
            auto& p = pending_[slot];
            release(slot);
            push_tx_done(std::move(p.frame), {p.info, false, p.attempts});
        }
    }
    /// An unacknowledged unicast frame is sent again, with the Retry bit, until the first rate's
    /// try count is used up (the hardware retry chain).
    void on_tx_done(std::size_t slot, bool acked) {
        auto& p = pending_[slot];
        const bool unicast = p.frame.size() >= 10 &&
                             !mac_address::from(p.frame.data() + 4).is_multicast() &&
                             !(p.info.flags & driver::tx_flag::no_ack);
        const std::uint8_t limit = p.info.rates[0].count ? p.info.rates[0].count : 1;
        if (!acked && unicast && p.attempts < limit) {
            ++p.attempts;
            p.frame.data()[1] |= 0x08;  // Retry
            if (send(slot)) return;
        }
        release(slot);
        if (!acked && unicast) ++stats_.ack_failures;
        push_tx_done(std::move(p.frame), {p.info, acked, p.attempts});
        in_flight_ = false;
        kick();
    }
    void end_roc() {
        roc_active_ = false;
        update_listening();
        medium_.tune(port_, conf_.channel.freq_mhz);
        push_roc(event::roc_expired, roc_cookie_);
    }
    /// The radio hears the medium (and acknowledges) while started and not idle, or idle but
    /// working off-channel (a scan, a remain-on-channel): mac80211_hwsim neither hands an idle
    /// radio frames nor acknowledges for it.
    void update_listening() {
        const bool idle = (conf_.flags & driver::conf_flag::idle) &&
                          !(conf_.flags & driver::conf_flag::offchannel) && !roc_active_;
        medium_.set_listening(port_, started_ && !idle);
    }
    /// A frame comes soon: the ring's next slot is fetched, and the layers above are told (the
    /// buffer its copy takes is the medium's last one given back).
    SOFTMAC_HOT_INLINE void prefetch_rx(const sim::air_frame& f) {
        if (!events_.empty()) __builtin_prefetch(&events_[tail_ & (events_.size() - 1)], 1);
        if (rx_prefetch_) rx_prefetch_(f.bytes);
    }
    /// The receive side of the hardware, past its RX filter (update_rx_filter): a copy of the
    /// frame into a buffer of the medium's host memory, on the event ring.
    void on_air(const sim::air_frame& f) {
        auto buf = medium_.rx_buffers().allocate(0);
        if (!buf || !buf->append(f.bytes)) return;
        driver::rx_status st;
        st.freq = f.freq;
        st.band = ieee80211::band_of(f.freq);  // a radio tunes to channels only
        st.signal_dbm = f.signal_dbm;
        st.bitrate = f.bitrate;
        st.mactime = f.start_us;
        st.flags = driver::rx_flag::mactime_start;
        push_rx(std::move(*buf), st);
    }

    bool started_ = false;
    std::uint32_t filter_ = 0;
    driver::conf conf_;
    typename medium_type::port_id port_ = 0;
    driver::hw_description hw_;
    std::array<driver::vif, max_vifs> vifs_{};
    std::size_t n_vifs_ = 0;
    /// Frames the hardware holds until their status: one bit of used_slots_ each.
    static constexpr std::size_t tx_slots = 64;
    std::array<pending_tx, tx_slots> pending_{};
    std::array<std::uint8_t, tx_slots> queue_{};  ///< slots waiting for the air, in order
    std::size_t queue_head_ = 0, queue_tail_ = 0;
    std::uint64_t used_slots_ = 0;  ///< bit i: pending_[i] holds a frame
    static_assert(tx_slots == 64, "countr_one of a full used_slots_ is tx_slots");
    bool in_flight_ = false;
    bool roc_active_ = false;
    std::uint64_t roc_cookie_ = 0;
    timer_id roc_timer_ = 0, roc_ready_timer_ = 0;
    driver::low_level_stats stats_;
    ieee80211::p2p::notice_of_absence peer_noa_{};  ///< the GO's schedule a client holds in
    bool ignore_peer_noa_ = false;
    // What a received frame reads comes last, from head_ to rx_prefetch_, in the lines the
    // medium fetches ahead (set_rx_prefetch): the event ring, the medium whose buffers the frame
    // is copied into, the interrupt line and what the layers above fetch. Last, so that in a
    // radio that holds the driver last they are next to what follows the radio (a stack's
    // interface records), most often in the same page.
    /// Events waiting for poll(): a ring of up to max_events, its storage grown on demand (a power
    /// of two); it starts over at its first slot whenever poll() drains it.
    std::uint32_t head_ = 0, tail_ = 0;
    std::vector<event> events_;
    medium_type& medium_;
    driver::interrupt_line irq_;
    decltype(driver::rx_prefetch::frame) rx_prefetch_;
};

static_assert(driver::check_driver<loopback<virtual_time>>());
static_assert(driver::driver<loopback<virtual_time>>);
static_assert(driver::has_roc_offload<loopback<virtual_time, true>>);
static_assert(!driver::has_roc_offload<loopback<virtual_time, false>>);
static_assert(driver::has_bss_info_changed<loopback<virtual_time>>);

}  // namespace softmac::drivers
