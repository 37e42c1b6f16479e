// SPDX-License-Identifier: MIT
/// @file Defines the legacy CCK/OFDM rate tables and the PLCP airtime of a frame at a rate.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <softmac/ieee80211/channels.hpp>

namespace softmac::ieee80211 {

enum class modulation : std::uint8_t { dsss, cck, ofdm };

/// @brief One legacy rate in units of 100 kbit/s.
struct rate {
    std::uint16_t bitrate;  ///< 100 kbit/s units (10 = 1 Mbit/s, 540 = 54 Mbit/s)
    ieee80211::modulation modulation;
    bool mandatory;  ///< basic in a default BSS (1, 2, 5.5, 11 on 2.4 GHz; 6, 12, 24 for OFDM)

    constexpr bool is_ofdm() const noexcept { return modulation == modulation::ofdm; }
    constexpr bool is_cck() const noexcept { return !is_ofdm(); }
    /// @brief The Supported Rates octet (500 kbit/s units, bit 7 = basic).
    constexpr std::uint8_t octet(bool basic) const noexcept {
        return static_cast<std::uint8_t>(bitrate / 5 | (basic ? 0x80 : 0));
    }
    friend constexpr bool operator==(const rate&, const rate&) noexcept = default;
};

/// @brief The 12 legacy rates of 2.4 GHz (4 CCK + 8 OFDM), in order.
inline constexpr std::array<rate, 12> rates_2ghz{{
    {10, modulation::dsss, true},
    {20, modulation::dsss, true},
    {55, modulation::cck, true},
    {110, modulation::cck, true},
    {60, modulation::ofdm, false},
    {90, modulation::ofdm, false},
    {120, modulation::ofdm, false},
    {180, modulation::ofdm, false},
    {240, modulation::ofdm, false},
    {360, modulation::ofdm, false},
    {480, modulation::ofdm, false},
    {540, modulation::ofdm, false},
}};
/// @brief The 8 OFDM rates (5 GHz, and what P2P allows on 2.4 GHz).
inline constexpr std::array<rate, 8> rates_ofdm{{
    {60, modulation::ofdm, true},
    {90, modulation::ofdm, false},
    {120, modulation::ofdm, true},
    {180, modulation::ofdm, false},
    {240, modulation::ofdm, true},
    {360, modulation::ofdm, false},
    {480, modulation::ofdm, false},
    {540, modulation::ofdm, false},
}};

/// @brief The legacy rate with this bitrate (100 kbit/s units).
constexpr std::optional<rate> find_rate(std::uint16_t bitrate) noexcept {
    for (const rate& r : rates_2ghz)
        if (r.bitrate == bitrate) return r;
    return std::nullopt;
}

/// @brief The rate of the ACK answering a frame sent at `r`: the highest mandatory rate of its
/// modulation class not above it (802.11-2016 10.6.6.5.2 with the default basic rates), so an
/// ACK to 54 Mbit/s OFDM goes at 24 and one to 11 Mbit/s CCK at 11.
constexpr rate control_response_rate(const rate& r) noexcept {
    rate best = r.is_ofdm() ? rates_ofdm[0] : rates_2ghz[0];
    for (const rate& c : rates_ofdm)
        if (r.is_ofdm() && c.mandatory && c.bitrate <= r.bitrate) best = c;
    for (const rate& c : rates_2ghz)
        if (!r.is_ofdm() && !c.is_ofdm() && c.mandatory && c.bitrate <= r.bitrate) best = c;
    return best;
}
static_assert(control_response_rate(rates_2ghz[11]).bitrate == 240 &&
              control_response_rate(rates_2ghz[5]).bitrate == 60 &&
              control_response_rate(rates_2ghz[3]).bitrate == 110);

/// @brief Airtime in microseconds of a PPDU carrying `bytes` octets (MPDU including FCS).
///
/// DSSS/CCK: 192 µs long or 96 µs short PLCP preamble+header, then ceil(8·bytes / rate).
/// OFDM (20 MHz): 16 µs preamble + 4 µs SIGNAL + 4 µs per symbol for 16 service bits,
/// the data and 6 tail bits. 2.4 GHz ERP signal extension (6 µs) is not added.
constexpr std::uint32_t airtime_us(std::size_t bytes, const rate& r,
                                   bool short_preamble = false) noexcept {
    const auto bits = static_cast<std::uint64_t>(bytes) * 8;
    if (r.is_ofdm()) {
        const std::uint64_t bits_per_symbol = std::uint64_t(r.bitrate) * 4 / 10;
        const std::uint64_t symbols = (16 + bits + 6 + bits_per_symbol - 1) / bits_per_symbol;
        return static_cast<std::uint32_t>(20 + 4 * symbols);
    }
    const bool can_short = short_preamble && r.bitrate != 10;  // 1 Mbit/s is long preamble only
    const std::uint64_t payload = (bits * 10 + r.bitrate - 1) / r.bitrate;
    return static_cast<std::uint32_t>((can_short ? 96 : 192) + payload);
}

}  // namespace softmac::ieee80211
