// SPDX-License-Identifier: MIT
/// @file Defines softmac::driver::rx_prefetch: what the radio reads when a frame comes.
#pragma once

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/cache_lines.hpp>
#include <softmac/core/detail/inplace_function.hpp>

namespace softmac::driver {

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
    detail::cache_lines<4> lines;
    detail::inplace_function<void(bytes_view), 16> frame;
};

}  // namespace softmac::driver
