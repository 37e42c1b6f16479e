// SPDX-License-Identifier: MIT
/// @file Defines the USB transport concept the rt73 driver is written against: vendor requests and
/// bulk transfers, errors as values.
#pragma once

#include <concepts>
#include <cstdint>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/time_units.hpp>
#include <softmac/driver/interrupt_line.hpp>

namespace softmac::drivers::rt73 {

/// @brief A vendor control request (bmRequestType vendor|device, OUT 0x40 / IN 0xC0).
struct vendor_request {
    std::uint8_t request = 0;
    std::uint16_t value = 0, index = 0;
    duration timeout = std::chrono::milliseconds(100);
};

/// @brief What the driver needs of a USB device: control OUT/IN, bulk OUT, and bulk IN polled
/// after the device signals completion (the URB-completion role). Errors and timeouts are
/// values (errc::io, errc::busy for a timeout).
template <class T>
concept usb_transport = requires(T& t, const vendor_request& r, bytes_view out, bytes_span in,
                                 ::softmac::driver::interrupt_line cb) {
    { t.control_out(r, out) } -> std::same_as<result<void>>;
    { t.control_in(r, in) } -> std::same_as<result<std::size_t>>;
    { t.bulk_out(out) } -> std::same_as<result<void>>;
    { t.bulk_in(in) } -> std::same_as<result<std::size_t>>;  ///< 0: nothing waiting
    t.on_bulk_in(std::move(cb));                             ///< completion notification
    { t.max_packet_size() } -> std::convertible_to<std::size_t>;
};

}  // namespace softmac::drivers::rt73
