// SPDX-License-Identifier: MIT
/// @file Defines the rt73's RF programming: the channel tables of RF2528, RF5226 and RF5225/RF2527
/// and the RF words a channel switch writes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <softmac/drivers/rt73/registers.hpp>
#include <softmac/ieee80211/channels.hpp>

namespace softmac::drivers::rt73 {

/// @brief One RF channel entry: the four RF register words.
struct rf_channel {
    std::uint8_t channel;
    std::uint32_t rf1, rf2, rf3, rf4;
};

/// @brief A table's first 14 entries are 2.4 GHz channels 1..14; every entry after them is a
/// 5 GHz channel.
inline constexpr std::size_t rf_entries_2ghz = 14;

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

/// @brief RF5226 (2.4 and 5 GHz): RF2528's 2.4 GHz entries, then UNII-1/2, UNII-2e, UNII-3 and
/// the Japanese J52 channels 34..46.
namespace detail {
inline constexpr std::array<rf_channel, 28> rf_5226_5ghz{{
    {36, 0x00002c0c, 0x0000099a, 0x00098255, 0x000fea23},
    {40, 0x00002c0c, 0x000009a2, 0x00098255, 0x000fea03},
    {44, 0x00002c0c, 0x000009a6, 0x00098255, 0x000fea0b},
    {48, 0x00002c0c, 0x000009aa, 0x00098255, 0x000fea13},
    {52, 0x00002c0c, 0x000009ae, 0x00098255, 0x000fea1b},
    {56, 0x00002c0c, 0x000009b2, 0x00098255, 0x000fea23},
    {60, 0x00002c0c, 0x000009ba, 0x00098255, 0x000fea03},
    {64, 0x00002c0c, 0x000009be, 0x00098255, 0x000fea0b},
    {100, 0x00002c0c, 0x00000a2a, 0x000b8255, 0x000fea03},
    {104, 0x00002c0c, 0x00000a2e, 0x000b8255, 0x000fea0b},
    {108, 0x00002c0c, 0x00000a32, 0x000b8255, 0x000fea13},
    {112, 0x00002c0c, 0x00000a36, 0x000b8255, 0x000fea1b},
    {116, 0x00002c0c, 0x00000a3a, 0x000b8255, 0x000fea23},
    {120, 0x00002c0c, 0x00000a82, 0x000b8255, 0x000fea03},
    {124, 0x00002c0c, 0x00000a86, 0x000b8255, 0x000fea0b},
    {128, 0x00002c0c, 0x00000a8a, 0x000b8255, 0x000fea13},
    {132, 0x00002c0c, 0x00000a8e, 0x000b8255, 0x000fea1b},
    {136, 0x00002c0c, 0x00000a92, 0x000b8255, 0x000fea23},
    {140, 0x00002c0c, 0x00000a9a, 0x000b8255, 0x000fea03},
    {149, 0x00002c0c, 0x00000aa2, 0x000b8255, 0x000fea1f},
    {153, 0x00002c0c, 0x00000aa6, 0x000b8255, 0x000fea27},
    {157, 0x00002c0c, 0x00000aae, 0x000b8255, 0x000fea07},
    {161, 0x00002c0c, 0x00000ab2, 0x000b8255, 0x000fea0f},
    {165, 0x00002c0c, 0x00000ab6, 0x000b8255, 0x000fea17},
    {34, 0x00002c0c, 0x0008099a, 0x000da255, 0x000d3a0b},
    {38, 0x00002c0c, 0x0008099e, 0x000da255, 0x000d3a13},
    {42, 0x00002c0c, 0x000809a2, 0x000da255, 0x000d3a1b},
    {46, 0x00002c0c, 0x000809a6, 0x000da255, 0x000d3a23},
}};
/// @brief `a` followed by `b`.
template <std::size_t N, std::size_t M>
constexpr std::array<rf_channel, N + M> joined(const std::array<rf_channel, N>& a,
                                               const std::array<rf_channel, M>& b) noexcept {
    std::array<rf_channel, N + M> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = a[i];
    for (std::size_t i = 0; i < M; ++i) out[N + i] = b[i];
    return out;
}
}  // namespace detail
inline constexpr std::array<rf_channel, 42> rf_vals_5226 =
    detail::joined(rf_vals_bg_2528, detail::rf_5226_5ghz);

/// @brief RF5225 (2.4 and 5 GHz); RF2527 uses its first 14 entries (2.4 GHz only).
inline constexpr std::array<rf_channel, 42> rf_vals_5225_2527{{
    {1, 0x00002ccc, 0x00004786, 0x00068455, 0x000ffa0b},
    {2, 0x00002ccc, 0x00004786, 0x00068455, 0x000ffa1f},
    {3, 0x00002ccc, 0x0000478a, 0x00068455, 0x000ffa0b},
    {4, 0x00002ccc, 0x0000478a, 0x00068455, 0x000ffa1f},
    {5, 0x00002ccc, 0x0000478e, 0x00068455, 0x000ffa0b},
    {6, 0x00002ccc, 0x0000478e, 0x00068455, 0x000ffa1f},
    {7, 0x00002ccc, 0x00004792, 0x00068455, 0x000ffa0b},
    {8, 0x00002ccc, 0x00004792, 0x00068455, 0x000ffa1f},
    {9, 0x00002ccc, 0x00004796, 0x00068455, 0x000ffa0b},
    {10, 0x00002ccc, 0x00004796, 0x00068455, 0x000ffa1f},
    {11, 0x00002ccc, 0x0000479a, 0x00068455, 0x000ffa0b},
    {12, 0x00002ccc, 0x0000479a, 0x00068455, 0x000ffa1f},
    {13, 0x00002ccc, 0x0000479e, 0x00068455, 0x000ffa0b},
    {14, 0x00002ccc, 0x000047a2, 0x00068455, 0x000ffa13},
    {36, 0x00002ccc, 0x0000499a, 0x0009be55, 0x000ffa23},
    {40, 0x00002ccc, 0x000049a2, 0x0009be55, 0x000ffa03},
    {44, 0x00002ccc, 0x000049a6, 0x0009be55, 0x000ffa0b},
    {48, 0x00002ccc, 0x000049aa, 0x0009be55, 0x000ffa13},
    {52, 0x00002ccc, 0x000049ae, 0x0009ae55, 0x000ffa1b},
    {56, 0x00002ccc, 0x000049b2, 0x0009ae55, 0x000ffa23},
    {60, 0x00002ccc, 0x000049ba, 0x0009ae55, 0x000ffa03},
    {64, 0x00002ccc, 0x000049be, 0x0009ae55, 0x000ffa0b},
    {100, 0x00002ccc, 0x00004a2a, 0x000bae55, 0x000ffa03},
    {104, 0x00002ccc, 0x00004a2e, 0x000bae55, 0x000ffa0b},
    {108, 0x00002ccc, 0x00004a32, 0x000bae55, 0x000ffa13},
    {112, 0x00002ccc, 0x00004a36, 0x000bae55, 0x000ffa1b},
    {116, 0x00002ccc, 0x00004a3a, 0x000bbe55, 0x000ffa23},
    {120, 0x00002ccc, 0x00004a82, 0x000bbe55, 0x000ffa03},
    {124, 0x00002ccc, 0x00004a86, 0x000bbe55, 0x000ffa0b},
    {128, 0x00002ccc, 0x00004a8a, 0x000bbe55, 0x000ffa13},
    {132, 0x00002ccc, 0x00004a8e, 0x000bbe55, 0x000ffa1b},
    {136, 0x00002ccc, 0x00004a92, 0x000bbe55, 0x000ffa23},
    {140, 0x00002ccc, 0x00004a9a, 0x000bbe55, 0x000ffa03},
    {149, 0x00002ccc, 0x00004aa2, 0x000bbe55, 0x000ffa1f},
    {153, 0x00002ccc, 0x00004aa6, 0x000bbe55, 0x000ffa27},
    {157, 0x00002ccc, 0x00004aae, 0x000bbe55, 0x000ffa07},
    {161, 0x00002ccc, 0x00004ab2, 0x000bbe55, 0x000ffa0f},
    {165, 0x00002ccc, 0x00004ab6, 0x000bbe55, 0x000ffa17},
    {34, 0x00002ccc, 0x0000499a, 0x0009be55, 0x000ffa0b},
    {38, 0x00002ccc, 0x0000499e, 0x0009be55, 0x000ffa13},
    {42, 0x00002ccc, 0x000049a2, 0x0009be55, 0x000ffa1b},
    {46, 0x00002ccc, 0x000049a6, 0x0009be55, 0x000ffa23},
}};

/// @brief The channel table of an RF chip (by EEPROM RF type); empty for an RF type the rt73 does
/// not drive.
constexpr std::span<const rf_channel> rf_table(std::uint16_t rf_type) noexcept {
    switch (rf_type) {
        case rf::rf2528:
            return rf_vals_bg_2528;
        case rf::rf5226:
            return rf_vals_5226;
        case rf::rf2527:
            return std::span<const rf_channel>(rf_vals_5225_2527).first(rf_entries_2ghz);
        case rf::rf5225:
            return rf_vals_5225_2527;
        default:
            return {};
    }
}

/// @brief The band of table entry `i`.
constexpr ieee80211::band rf_band(std::size_t i) noexcept {
    return i < rf_entries_2ghz ? ieee80211::band::ghz2_4 : ieee80211::band::ghz5;
}

/// @brief The index of channel `number` of band `b` in `table`, if the table has it.
constexpr std::optional<std::size_t> find_rf_channel(std::span<const rf_channel> table,
                                                     ieee80211::band b,
                                                     std::uint8_t number) noexcept {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (rf_band(i) == b && table[i].channel == number) return i;
    return std::nullopt;
}

/// @brief The channel numbers of `Count` table entries from entry `First` (the numbers a band
/// registers, in table order).
template <std::size_t First, std::size_t Count, std::size_t N>
constexpr std::array<std::uint8_t, Count> rf_channel_numbers(
    const std::array<rf_channel, N>& table) noexcept {
    static_assert(First + Count <= N);
    std::array<std::uint8_t, Count> numbers{};
    for (std::size_t i = 0; i < Count; ++i) numbers[i] = table[First + i].channel;
    return numbers;
}
/// @brief The 2.4 GHz channels of every RF chip (channels 1..14).
inline constexpr auto rf_channels_2ghz = rf_channel_numbers<0, rf_entries_2ghz>(rf_vals_bg_2528);
/// @brief The 5 GHz channels of RF5226 and RF5225, in table order.
inline constexpr auto rf_channels_5ghz =
    rf_channel_numbers<rf_entries_2ghz, rf_vals_5226.size() - rf_entries_2ghz>(rf_vals_5226);
static_assert(rf_channel_numbers<0, rf_entries_2ghz>(rf_vals_5226) == rf_channels_2ghz &&
                  rf_channel_numbers<0, rf_entries_2ghz>(rf_vals_5225_2527) == rf_channels_2ghz,
              "every RF chip has the same 2.4 GHz channels");
static_assert(rf_channel_numbers<rf_entries_2ghz, rf_vals_5225_2527.size() - rf_entries_2ghz>(
                  rf_vals_5225_2527) == rf_channels_5ghz,
              "RF5226 and RF5225 have the same 5 GHz channels");

/// @brief RF3's TX power field and RF4's frequency offset field.
inline constexpr std::uint32_t rf3_txpower = 0x3e00, rf4_freq_offset = 0x3f000;
/// @brief The highest TX power RF3 takes, and what an EEPROM power above it stands for.
inline constexpr std::uint8_t max_txpower = 31, default_txpower = 24;

/// @brief An EEPROM TX power octet as the driver uses it: above the maximum (an unprogrammed
/// 0xff) it is the default.
constexpr std::uint8_t txpower_from_eeprom(std::uint8_t v) noexcept {
    return v > max_txpower ? default_txpower : v;
}

/// @brief The RF words a channel switch writes, three times with RF3 bit 0x4 cleared, set, cleared:
/// TX power (0..31) in RF3 bits 0x3e00, the EEPROM frequency offset in RF4 bits 0x3f000.
constexpr std::array<std::uint32_t, 12> rf_words(const rf_channel& c, std::uint8_t txpower,
                                                 std::uint8_t freq_offset) noexcept {
    const std::uint32_t rf3 = (c.rf3 & ~rf3_txpower) |
                              (std::uint32_t(txpower > max_txpower ? max_txpower : txpower) << 9);
    const std::uint32_t rf4 =
        (c.rf4 & ~rf4_freq_offset) | (std::uint32_t(freq_offset & 0x3f) << 12);
    return {c.rf1,      c.rf2, rf3 & ~0x4u, rf4,   c.rf1,       c.rf2,
            rf3 | 0x4u, rf4,   c.rf1,       c.rf2, rf3 & ~0x4u, rf4};
}

/// @brief Whether RF words 1..4 program entry `c`, whatever TX power, RF3 bit 0x4 and frequency
/// offset they carry.
constexpr bool programs(const rf_channel& c, std::uint32_t rf1, std::uint32_t rf2,
                        std::uint32_t rf3, std::uint32_t rf4) noexcept {
    constexpr std::uint32_t rf3_mask = ~(rf3_txpower | 0x4u), rf4_mask = ~rf4_freq_offset;
    return rf1 == c.rf1 && rf2 == c.rf2 && (rf3 & rf3_mask) == (c.rf3 & rf3_mask) &&
           (rf4 & rf4_mask) == (c.rf4 & rf4_mask);
}

/// @brief Whether every entry of `table` is told from every other by its words with TX power,
/// RF3 bit 0x4 and frequency offset left out (so the chip knows the channel from what it is sent).
constexpr bool rf_entries_distinct(std::span<const rf_channel> table) noexcept {
    for (std::size_t i = 0; i < table.size(); ++i)
        for (std::size_t j = i + 1; j < table.size(); ++j)
            if (programs(table[i], table[j].rf1, table[j].rf2, table[j].rf3, table[j].rf4))
                return false;
    return true;
}
static_assert(rf_entries_distinct(rf_vals_bg_2528) && rf_entries_distinct(rf_vals_5226) &&
              rf_entries_distinct(rf_vals_5225_2527));

/// @brief Whether channel switches set the BBP's smart mode (R3 bit 0x01): all but RF5225 and
/// RF2527.
constexpr bool rf_smart_mode(std::uint16_t rf_type) noexcept {
    return rf_type != rf::rf5225 && rf_type != rf::rf2527;
}

}  // namespace softmac::drivers::rt73
