// SPDX-License-Identifier: MIT
/// @file Defines softmac::driver::interrupt_line: how a driver tells the radio that events wait.
#pragma once

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

}  // namespace softmac::driver
