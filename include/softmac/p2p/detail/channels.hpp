// SPDX-License-Identifier: MIT
/// @file Defines the P2P engine's channel arithmetic (hostap's p2p_utils.c): 2.4 GHz channel
/// numbers and frequencies, social channels, channel-list intersection and the choice of a
/// group's operating channel.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include <softmac/ieee80211/channels.hpp>

namespace softmac::p2p::detail {

/// @brief The centre frequency of 2.4 GHz channel `ch`; 0 when there is no such channel.
inline std::uint16_t freq_of_channel(std::uint8_t ch) noexcept {
    auto f = ieee80211::channel_to_freq(ieee80211::band::ghz2_4, ch);
    return f ? *f : 0;
}
/// @brief The 2.4 GHz channel number on `freq` MHz; 0 when `freq` is not a 2.4 GHz channel
/// (unlike mac::stack's lookup, which checks the hardware and returns an error).
inline std::uint8_t channel_number(std::uint16_t freq) noexcept {
    auto c = ieee80211::freq_to_channel(freq);
    return c && c->band == ieee80211::band::ghz2_4 ? c->number : 0;
}
inline bool is_social(std::uint8_t ch) noexcept {
    return std::find(ieee80211::social_channels.begin(), ieee80211::social_channels.end(), ch) !=
           ieee80211::social_channels.end();
}
/// @brief One of the social channels, drawn from `rng`.
inline std::uint8_t random_social(std::mt19937_64& rng) {
    return ieee80211::social_channels[rng() % ieee80211::social_channels.size()];
}
inline bool contains(const std::vector<std::uint8_t>& list, std::uint8_t ch) noexcept {
    return std::find(list.begin(), list.end(), ch) != list.end();
}

/// @brief The channels a device offers in a negotiation: its channels, or only the one its
/// user forced (`force_freq`, 0: none).
inline std::vector<std::uint8_t> offered_channels(const std::vector<std::uint8_t>& channels,
                                                  std::uint16_t force_freq) {
    if (force_freq) return {channel_number(force_freq)};
    return channels;
}
/// @brief Our offered channels that the peer also lists, in our order (p2p_channels_intersect).
inline std::vector<std::uint8_t> intersect(const std::vector<std::uint8_t>& ours,
                                           const std::vector<std::uint8_t>& theirs) {
    std::vector<std::uint8_t> out;
    for (auto c : ours)
        if (contains(theirs, c)) out.push_back(c);
    return out;
}
/// @brief The GO's operating channel from the common channels: our preference, unless the
/// user forced it and it is not common; then the peer's preference, a social channel, the first
/// common one. 0 when none fits (status 7, no common channels).
inline std::uint8_t choose_operating(const std::vector<std::uint8_t>& common, std::uint8_t ours,
                                     bool forced, std::uint8_t theirs) {
    if (common.empty()) return 0;
    if (contains(common, ours)) return ours;
    if (forced) return 0;
    if (contains(common, theirs)) return theirs;
    for (std::uint8_t s : ieee80211::social_channels)
        if (contains(common, s)) return s;
    return common.front();
}

}  // namespace softmac::p2p::detail
