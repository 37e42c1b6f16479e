// SPDX-License-Identifier: MIT
/// @file Defines 2.4/5 GHz channels, their frequencies and the global operating classes P2P uses.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include <softmac/core/detail/hot_inline.hpp>

namespace softmac::ieee80211 {

enum class band : std::uint8_t { ghz2_4, ghz5 };

/// @brief A 20 MHz channel: band, number and centre frequency.
struct channel {
    ieee80211::band band = band::ghz2_4;
    std::uint8_t number = 0;
    std::uint16_t freq_mhz = 0;
    friend constexpr bool operator==(const channel&, const channel&) noexcept = default;
};

/// @brief Centre frequency of a channel number, or nothing if the band has no such channel.
SOFTMAC_HOT_INLINE constexpr std::optional<std::uint16_t> channel_to_freq(
    band b, std::uint8_t ch) noexcept {
    if (b == band::ghz2_4) {
        if (ch >= 1 && ch <= 13) return std::uint16_t(2407 + 5 * ch);
        if (ch == 14) return std::uint16_t(2484);
        return std::nullopt;
    }
    if (ch >= 1 && ch <= 196) return std::uint16_t(5000 + 5 * ch);
    return std::nullopt;
}

/// @brief The channel at a centre frequency (2412..2484, 5005..5980 MHz).
constexpr std::optional<channel> freq_to_channel(std::uint16_t mhz) noexcept {
    if (mhz == 2484) return channel{band::ghz2_4, 14, mhz};
    if (mhz >= 2412 && mhz <= 2472 && (mhz - 2407) % 5 == 0)
        return channel{band::ghz2_4, std::uint8_t((mhz - 2407) / 5), mhz};
    if (mhz >= 5005 && mhz <= 5980 && mhz % 5 == 0)
        return channel{band::ghz5, std::uint8_t((mhz - 5000) / 5), mhz};
    return std::nullopt;
}

/// @brief The band of a channel's centre frequency (freq_to_channel's): 2.4 GHz channels end at
/// 2484 MHz, 5 GHz ones start at 5005. For a frequency known to be a channel's, without the checks
/// of freq_to_channel.
constexpr band band_of(std::uint16_t mhz) noexcept {
    return mhz > 5000 ? band::ghz5 : band::ghz2_4;
}

SOFTMAC_HOT_INLINE constexpr std::optional<channel> make_channel(band b,
                                                                 std::uint8_t number) noexcept {
    if (auto f = channel_to_freq(b, number)) return channel{b, number, *f};
    return std::nullopt;
}

/// @brief A global operating class (IEEE 802.11 Annex E, table E-4): its band, width and channels.
struct operating_class {
    std::uint8_t id;
    ieee80211::band band;
    std::uint8_t bandwidth_mhz;
    std::span<const std::uint8_t> channels;
};

namespace detail {
inline constexpr std::uint8_t oc81[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
inline constexpr std::uint8_t oc82[] = {14};
inline constexpr std::uint8_t oc115[] = {36, 40, 44, 48};
inline constexpr std::uint8_t oc116[] = {36, 44};
inline constexpr std::uint8_t oc117[] = {40, 48};
inline constexpr std::uint8_t oc118[] = {52, 56, 60, 64};
inline constexpr std::uint8_t oc121[] = {100, 104, 108, 112, 116, 120,
                                         124, 128, 132, 136, 140, 144};
inline constexpr std::uint8_t oc124[] = {149, 153, 157, 161};
inline constexpr std::uint8_t oc125[] = {149, 153, 157, 161, 165, 169, 173, 177};
inline constexpr std::uint8_t oc126[] = {149, 157};
inline constexpr std::uint8_t oc127[] = {153, 161};
}  // namespace detail

inline constexpr std::array<operating_class, 11> operating_classes{{
    {81, band::ghz2_4, 20, detail::oc81},
    {82, band::ghz2_4, 20, detail::oc82},
    {115, band::ghz5, 20, detail::oc115},
    {116, band::ghz5, 40, detail::oc116},
    {117, band::ghz5, 40, detail::oc117},
    {118, band::ghz5, 20, detail::oc118},
    {121, band::ghz5, 20, detail::oc121},
    {124, band::ghz5, 20, detail::oc124},
    {125, band::ghz5, 20, detail::oc125},
    {126, band::ghz5, 40, detail::oc126},
    {127, band::ghz5, 40, detail::oc127},
}};

/// @brief The operating class `id`; null when the table has none.
constexpr const operating_class* find_operating_class(std::uint8_t id) noexcept {
    for (const auto& oc : operating_classes)
        if (oc.id == id) return &oc;
    return nullptr;
}

/// @brief The 20 MHz operating class of a channel (81, 82, 115, 118, 121, 124/125).
constexpr std::optional<std::uint8_t> operating_class_of(const channel& c) noexcept {
    for (const auto& oc : operating_classes) {
        if (oc.band != c.band || oc.bandwidth_mhz != 20) continue;
        for (auto n : oc.channels)
            if (n == c.number) return oc.id;
    }
    return std::nullopt;
}

/// @brief The channel an (operating class, channel number) pair names. Inlined, as
/// channel_to_freq and make_channel are: out of line, GCC builds the result in memory octet by
/// octet and reads it back whole, a load that no store can be forwarded to (3 to 4 % of
/// p2p_bench's BM_p2p_find_n/100 in a perf profile at 077e636, where every probe request's
/// listen channel is looked up).
SOFTMAC_HOT_INLINE constexpr std::optional<channel> channel_of(std::uint8_t op_class,
                                                               std::uint8_t number) noexcept {
    const auto oc = find_operating_class(op_class);
    if (!oc) return std::nullopt;
    for (auto n : oc->channels)
        if (n == number) return make_channel(oc->band, number);
    return std::nullopt;
}

/// @brief The P2P social channels 1, 6 and 11.
inline constexpr std::array<std::uint8_t, 3> social_channels{1, 6, 11};

}  // namespace softmac::ieee80211
