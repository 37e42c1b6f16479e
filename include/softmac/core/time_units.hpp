// SPDX-License-Identifier: MIT
/// @file Defines 802.11 time units (TU = 1024 µs) on top of std::chrono.
#pragma once

#include <chrono>
#include <cstdint>
#include <ratio>

namespace softmac {

/// @brief One 802.11 time unit is 1024 microseconds.
using time_units = std::chrono::duration<std::int64_t, std::ratio<1024, 1'000'000>>;
/// @brief The clock resolution used across softmac.
using duration = std::chrono::nanoseconds;

constexpr time_units operator""_tu(unsigned long long n) noexcept {
    return time_units(static_cast<std::int64_t>(n));
}

}  // namespace softmac
