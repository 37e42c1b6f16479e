// SPDX-License-Identifier: MIT
/// @file Defines softmac::driver::interrupt_line and rx_prefetch: how a driver tells the radio that
/// events wait, and what the radio reads when a frame comes.
#pragma once

#include <array>
#include <cstddef>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/inplace_function.hpp>

namespace softmac::driver {

/// @brief The interrupt line (the request_irq role): a driver that queues events in hardware
/// fashion (received frames, TX status, remain-on-channel timers) raises it when something waits
/// for its poll(). A radio connects it, at construction, to its service(), which calls the
/// driver's poll() with the radio's upcall context; so in a product every received frame and
/// every TX status goes driver → interrupt line → radio::service() → poll() → the data path.
///
/// It is the one indirect call on that path (the callable's type is erased so the driver's type
/// does not depend on the radio's); everything after it inlines. A driver takes it by
/// `void set_interrupt(interrupt_line)`; a driver without it is serviced by calling
/// radio::service() from the product's loop.
using interrupt_line = detail::inplace_function<void(), 16>;

/// @brief What the layers above a driver read when a frame comes, for a driver that learns of a
/// frame a few deliveries before it arrives (as a NIC driver's receive loop prefetches its next
/// descriptors): with hundreds of radios in one process every radio's state is cold when its
/// copy of a frame comes, and fetched ahead it is in the cache. It changes nothing else.
///
/// `lines` are the state every received frame reads, at addresses fixed for the radio's life:
/// they can all be fetched at once, without reading anything first. `frame` then starts
/// fetching what depends on the frame (its BSSID's slot in an index, say), reading the lines.
/// A driver takes it by `void set_rx_prefetch(rx_prefetch)`; the radio gives it at construction.
struct rx_prefetch {
    static constexpr std::size_t max_lines = 6;
    std::array<const void*, max_lines> lines{};
    std::size_t n_lines = 0;
    detail::inplace_function<void(bytes_view), 16> frame;

    /// @brief Adds the line at `p`; lines past max_lines are left out (they are only fetched
    /// later).
    void add_line(const void* p) noexcept {
        if (n_lines < max_lines) lines[n_lines++] = p;
    }
};

}  // namespace softmac::driver
