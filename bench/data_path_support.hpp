// SPDX-License-Identifier: MIT
/// @file The data-path benchmarks' common ground: heap allocations counted through operator new,
/// the addresses, a driver whose tx parks the frame and whose receive raises the interrupt line as
/// the shipped drivers' does, and an upper layer that parks delivered frames. Included by one
/// translation unit per benchmark program (it replaces operator new).
#pragma once

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include <softmac/driver/concepts.hpp>
#include <softmac/mac/pipeline.hpp>

#include "minimal_driver.hpp"

// ---- heap allocations, counted ------------------------------------------------------------------
// The replaced operators pair malloc with free; GCC cannot see that through inlining.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<std::uint64_t> allocations{0};
}
void* operator new(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

/// The per-frame functions both sides are measured at: never inlined, and (GCC) never cloned or
/// specialised for the constant arguments a benchmark's loop passes them.
#if defined(__clang__)
#define BENCH_ENTRY __attribute__((noinline))
#else
#define BENCH_ENTRY __attribute__((noipa))
#endif

namespace {
using namespace softmac;
namespace ie = softmac::ieee80211;

const mac_address ap_addr = mac_address::parse("02:00:00:00:00:00").value();
const mac_address sta_addr = mac_address::parse("02:00:00:00:01:00").value();

/// A driver whose tx parks the frame (the "sink"), and whose receive side works as the shipped
/// drivers' does: a received frame waits in the driver, the interrupt line is raised, and poll
/// hands the frame up.
struct sink_driver : test::minimal_driver {
    frame_buffer sent, to_receive;
    driver::tx_info sent_info;  ///< what the MAC said with `sent`, when `record_info`
    bool record_info = false;   ///< off in timed loops: the copy would be the sink's cost
    driver::rx_status status;
    driver::interrupt_line irq;

    sink_driver() {
        desc.perm_addr = ap_addr;
        desc.bands[0] = {ie::band::ghz2_4, driver::channels_2ghz, ie::rates_2ghz};
        desc.n_bands = 1;
        desc.interface_modes =
            driver::bit(driver::iftype::ap) | driver::bit(driver::iftype::station);
    }
    template <class C>
    void tx(C&, const driver::tx_info& info, frame_buffer&& b) {
        if (record_info)
            sent_info = info;
        else
            benchmark::DoNotOptimize(info.rates[0].idx);
        sent = std::move(b);
    }
    void set_interrupt(driver::interrupt_line i) { irq = std::move(i); }
    /// The hardware's receive: the frame waits for poll, and the interrupt line is raised.
    void receive(frame_buffer&& b) {
        to_receive = std::move(b);
        if (irq) irq();
    }
    template <class C>
    void poll(C& ctx) {
        if (to_receive.valid()) ctx.rx(std::move(to_receive), status);
    }
};
static_assert(driver::has_interrupt_line<sink_driver>);

/// Where 802.3 frames arrive.
struct parking_upper {
    frame_buffer delivered;
    void deliver(std::uint8_t, frame_buffer&& b) { delivered = std::move(b); }
    void on_control_port(std::uint8_t, frame_buffer&& b) { delivered = std::move(b); }
    void on_mgmt(std::uint8_t, frame_buffer&&, const driver::rx_status&) {}
    void on_tx_status(frame_buffer&&, const driver::tx_status&) {}
    void on_roc_ready(std::uint64_t) {}
    void on_roc_expired(std::uint64_t) {}
    void on_scan_done(bool) {}
};
}  // namespace
