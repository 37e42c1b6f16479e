// SPDX-License-Identifier: MIT
/// @file Defines the driver concept: one small concept per operation, the upcall context, and the
/// checker that names each missing operation.
#pragma once

#include <concepts>
#include <cstdint>
#include <utility>

#include <softmac/core/frame_buffer.hpp>
#include <softmac/core/result.hpp>
#include <softmac/driver/hw_description.hpp>
#include <softmac/driver/interrupt_line.hpp>
#include <softmac/driver/rx_prefetch.hpp>
#include <softmac/driver/types.hpp>

namespace softmac::driver {

/// @brief What a driver may call back into (passed into every operation, never stored):
/// received frames, TX status, remain-on-channel ready/expired, scan done.
template <class C>
concept upcall_context = requires(C& c, frame_buffer&& b, const rx_status& rs, const tx_status& ts,
                                  std::uint64_t cookie, bool aborted) {
    c.rx(std::move(b), rs);
    c.tx_status(std::move(b), ts);
    c.roc_ready(cookie);
    c.roc_expired(cookie);
    c.scan_done(aborted);
};

/// @brief The least context: concepts check drivers against it, so a driver's operations
/// must accept any upcall context (they are templates over it).
struct archetype_context {
    void rx(frame_buffer&&, const rx_status&) {}
    void tx_status(frame_buffer&&, const tx_status&) {}
    void roc_ready(std::uint64_t) {}
    void roc_expired(std::uint64_t) {}
    void scan_done(bool) {}
};
static_assert(upcall_context<archetype_context>);

// ---- the seven mandatory operations ------------------------------------------------------------

template <class D, class C = archetype_context>
concept has_tx = requires(D& d, C& c, const tx_info& info, frame_buffer&& b) {
    d.tx(c, info, std::move(b));
};
template <class D, class C = archetype_context>
concept has_start = requires(D& d, C& c) {
    { d.start(c) } -> std::same_as<result<void>>;
};
template <class D, class C = archetype_context>
concept has_stop = requires(D& d, C& c) {
    d.stop(c);
};
template <class D, class C = archetype_context>
concept has_add_interface = requires(D& d, C& c, const vif& v) {
    { d.add_interface(c, v) } -> std::same_as<result<void>>;
};
template <class D, class C = archetype_context>
concept has_remove_interface = requires(D& d, C& c, const vif& v) {
    d.remove_interface(c, v);
};
template <class D, class C = archetype_context>
concept has_config = requires(D& d, C& c, const conf& cf, std::uint32_t changed) {
    d.config(c, cf, changed);
};
template <class D, class C = archetype_context>
concept has_configure_filter = requires(D& d, C& c, std::uint32_t changed, std::uint32_t& total) {
    d.configure_filter(c, changed, total);
};
/// @brief The hardware description (not an operation, but every driver has one).
template <class D>
concept has_hw_description = requires(const D& d) {
    { d.hw() } -> std::convertible_to<const hw_description&>;
};

/// @brief A driver: the hardware description and the seven mandatory operations.
template <class D, class C = archetype_context>
concept driver = has_hw_description<D> && has_tx<D, C> && has_start<D, C> && has_stop<D, C> &&
    has_add_interface<D, C> && has_remove_interface<D, C> && has_config<D, C> &&
    has_configure_filter<D, C>;

// ---- optional operations: the MAC uses them when present, its software version otherwise -------

template <class D, class C = archetype_context>
concept has_remain_on_channel = requires(D& d, C& c, const vif& v, const ieee80211::channel& ch,
                                         std::uint32_t ms, roc_type t, std::uint64_t cookie) {
    { d.remain_on_channel(c, v, ch, ms, t, cookie) } -> std::same_as<result<void>>;
};
template <class D, class C = archetype_context>
concept has_cancel_remain_on_channel = requires(D& d, C& c, const vif& v) {
    { d.cancel_remain_on_channel(c, v) } -> std::same_as<result<void>>;
};
/// @brief Remain-on-channel offload needs both halves.
template <class D, class C = archetype_context>
concept has_roc_offload = has_remain_on_channel<D, C> && has_cancel_remain_on_channel<D, C>;
template <class D, class C = archetype_context>
concept has_bss_info_changed = requires(D& d, C& c, const vif& v, const bss_conf& b,
                                        std::uint32_t ch) {
    d.bss_info_changed(c, v, b, ch);
};
template <class D, class C = archetype_context>
concept has_sw_scan_start = requires(D& d, C& c, const vif& v, const mac_address& a) {
    d.sw_scan_start(c, v, a);
};
template <class D, class C = archetype_context>
concept has_sw_scan_complete = requires(D& d, C& c, const vif& v) {
    d.sw_scan_complete(c, v);
};
template <class D, class C = archetype_context>
concept has_flush = requires(D& d, C& c, std::uint32_t queues, bool drop) {
    d.flush(c, queues, drop);
};
/// @brief Key offload (the set_key op): the driver programs its key tables and returns the
/// slot in `key_conf::hw_index`.
template <class D, class C = archetype_context>
concept has_set_key = requires(D& d, C& c, key_command cmd, const vif& v, key_conf& k) {
    { d.set_key(c, cmd, v, k) } -> std::same_as<result<void>>;
};
/// @brief Deferred hardware work (the interrupt bottom half): events queued by the hardware
/// (RX, TX status, ROC timers) are handed to the context here.
template <class D, class C = archetype_context>
concept has_poll = requires(D& d, C& c) {
    d.poll(c);
};
/// @brief The driver raises an interrupt line when events wait for poll(); the radio connects
/// it to its service().
template <class D>
concept has_interrupt_line = requires(D& d, interrupt_line irq) {
    d.set_interrupt(std::move(irq));
};
/// @brief The driver says when a frame is about to reach it; the radio connects the line to its
/// layers' prefetches.
template <class D>
concept has_rx_prefetch = requires(D& d, rx_prefetch p) {
    d.set_rx_prefetch(std::move(p));
};
/// @brief The driver's probe can find a device it does not drive (a probe's -ENODEV): it says
/// why, and registration fails with that error.
template <class D>
concept has_probe_result = requires(const D& d) {
    { d.probe_result() } -> std::same_as<result<void>>;
};

/// @brief One readable static_assert per missing mandatory requirement; use at every assembly
/// point as `static_assert(check_driver<D>())`. Compilation stops on the first missing
/// requirement's message (each one is reported), so the result itself is always true.
template <class D>
consteval bool check_driver() {
    static_assert(has_hw_description<D>,
                  "softmac: driver D must provide hw() returning const hw_description&");
    static_assert(has_tx<D>,
                  "softmac: driver D must provide tx(ctx, const tx_info&, frame_buffer&&)");
    static_assert(has_start<D>, "softmac: driver D must provide start(ctx) returning result<void>");
    static_assert(has_stop<D>, "softmac: driver D must provide stop(ctx)");
    static_assert(
        has_add_interface<D>,
        "softmac: driver D must provide add_interface(ctx, const vif&) returning result<void>");
    static_assert(has_remove_interface<D>,
                  "softmac: driver D must provide remove_interface(ctx, const vif&)");
    static_assert(has_config<D>,
                  "softmac: driver D must provide config(ctx, const conf&, std::uint32_t changed)");
    static_assert(has_configure_filter<D>,
                  "softmac: driver D must provide configure_filter(ctx, std::uint32_t changed, "
                  "std::uint32_t& total)");
    return true;
}

}  // namespace softmac::driver
