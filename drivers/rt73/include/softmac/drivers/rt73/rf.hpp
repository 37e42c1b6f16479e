// SPDX-License-Identifier: MIT
/// @file Defines the rt73's RF programming: the RF2528 channel table and the RF words a channel
/// switch writes.
#pragma once

#include <array>
#include <cstdint>

namespace softmac::drivers::rt73 {

/// @brief One RF channel entry: the four RF register words.
struct rf_channel {
    std::uint8_t channel;
    std::uint32_t rf1, rf2, rf3, rf4;
};
/// @brief RF2528 (2.4 GHz).
inline constexpr std::array<rf_channel, 14> rf_vals_bg_2528{{
    {1, 0x00002c0c, 0x00000786, 0x00068255, 0x000fea0b},
    {2, 0x00002c0c, 0x00000786, 0x00068255, 0x000fea1f},
    {3, 0x00002c0c, 0x0000078a, 0x00068255, 0x000fea0b},
    {4, 0x00002c0c, 0x0000078a, 0x00068255, 0x000fea1f},
    {5, 0x00002c0c, 0x0000078e, 0x00068255, 0x000fea0b},
    {6, 0x00002c0c, 0x0000078e, 0x00068255, 0x000fea1f},
    {7, 0x00002c0c, 0x00000792, 0x00068255, 0x000fea0b},
    {8, 0x00002c0c, 0x00000792, 0x00068255, 0x000fea1f},
    {9, 0x00002c0c, 0x00000796, 0x00068255, 0x000fea0b},
    {10, 0x00002c0c, 0x00000796, 0x00068255, 0x000fea1f},
    {11, 0x00002c0c, 0x0000079a, 0x00068255, 0x000fea0b},
    {12, 0x00002c0c, 0x0000079a, 0x00068255, 0x000fea1f},
    {13, 0x00002c0c, 0x0000079e, 0x00068255, 0x000fea0b},
    {14, 0x00002c0c, 0x000007a2, 0x00068255, 0x000fea13},
}};

/// @brief The RF words a channel switch writes, three times with RF3 bit 0x4 cleared, set, cleared:
/// TX power (0..31) in RF3 bits 0x3e00, the EEPROM frequency offset in RF4 bits 0x3f000.
constexpr std::array<std::uint32_t, 12> rf_words(const rf_channel& c, std::uint8_t txpower,
                                                 std::uint8_t freq_offset) noexcept {
    const std::uint32_t rf3 =
        (c.rf3 & ~0x3e00u) | (std::uint32_t(txpower > 31 ? 31 : txpower) << 9);
    const std::uint32_t rf4 = (c.rf4 & ~0x3f000u) | (std::uint32_t(freq_offset & 0x3f) << 12);
    return {c.rf1,      c.rf2, rf3 & ~0x4u, rf4,   c.rf1,       c.rf2,
            rf3 | 0x4u, rf4,   c.rf1,       c.rf2, rf3 & ~0x4u, rf4};
}

}  // namespace softmac::drivers::rt73
