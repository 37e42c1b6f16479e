// SPDX-License-Identifier: MIT
/// @file The smallest driver (the seven mandatory operations doing nothing) and a radio sink that
/// drops every upcall.
#pragma once

#include <softmac/driver/concepts.hpp>

namespace softmac::test {

/// @brief Models the driver concept and nothing more; tests and benchmarks derive from it.
struct minimal_driver {
    driver::hw_description desc;
    const driver::hw_description& hw() const { return desc; }
    template <class C>
    void tx(C&, const driver::tx_info&, frame_buffer&&) {}
    template <class C>
    result<void> start(C&) {
        return {};
    }
    template <class C>
    void stop(C&) {}
    template <class C>
    result<void> add_interface(C&, const driver::vif&) {
        return {};
    }
    template <class C>
    void remove_interface(C&, const driver::vif&) {}
    template <class C>
    void config(C&, const driver::conf&, std::uint32_t) {}
    template <class C>
    void configure_filter(C&, std::uint32_t, std::uint32_t&) {}
};

/// @brief A radio sink that drops every upcall.
struct null_sink {
    void on_rx(frame_buffer&&, const driver::rx_status&) {}
    void on_tx_status(frame_buffer&&, const driver::tx_status&) {}
    void on_roc_ready(std::uint64_t) {}
    void on_roc_expired(std::uint64_t) {}
    void on_scan_done(bool) {}
};

}  // namespace softmac::test
