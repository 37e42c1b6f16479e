// SPDX-License-Identifier: MIT
/// @file Defines the P2P engine's channel arithmetic (hostap's p2p_utils.c): channels as centre
/// frequencies, their operating classes, social channels, channel-list intersection and the GO's
/// choice of an operating channel.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include <softmac/ieee80211/channels.hpp>

namespace softmac::p2p::detail {

/// @brief The 20 MHz operating classes P2P uses, in channel-list order (the classes of 2.10's
/// global_op_class marked P2P_SUPP, without the HT40/VHT ones softmac's radios do not do; the
/// DFS classes 118 and 121 are not for P2P).
inline constexpr std::array<std::uint8_t, 4> p2p_classes{81, 115, 124, 125};
/// @brief The 5 GHz classes a GO prefers, in order (p2p_reselect_channel's op_classes_5ghz).
inline constexpr std::array<std::uint8_t, 3> preferred_5ghz_classes{124, 125, 115};

/// @brief The centre frequency of 2.4 GHz channel `ch`; 0 when there is no such channel.
inline std::uint16_t freq_of_channel(std::uint8_t ch) noexcept {
    auto f = ieee80211::channel_to_freq(ieee80211::band::ghz2_4, ch);
    return f ? *f : 0;
}
/// @brief The centre frequency of channel `ch` of operating class `op_class`; 0 when the class
/// has no such channel.
inline std::uint16_t freq_of(std::uint8_t op_class, std::uint8_t ch) noexcept {
    auto c = ieee80211::channel_of(op_class, ch);
    return c ? c->freq_mhz : 0;
}
/// @brief The 2.4 GHz channel number on `freq` MHz; 0 when `freq` is not a 2.4 GHz channel.
inline std::uint8_t channel_number(std::uint16_t freq) noexcept {
    auto c = ieee80211::freq_to_channel(freq);
    return c && c->band == ieee80211::band::ghz2_4 ? c->number : 0;
}
/// @brief The (operating class, channel) pair an attribute names `freq` by (p2p_freq_to_channel:
/// 2.4 GHz in 81, 36-48 in 115, 149-161 in 124, 165 in 125); {0, 0} when P2P has none.
struct class_channel {
    std::uint8_t op_class = 0, channel = 0;
};
inline class_channel class_channel_of(std::uint16_t freq) noexcept {
    const auto c = ieee80211::freq_to_channel(freq);
    if (!c) return {};
    for (std::uint8_t oc : p2p_classes)
        if (freq_of(oc, c->number) == freq) return {oc, c->number};
    return {};
}
inline bool is_social(std::uint8_t ch) noexcept {
    return std::find(ieee80211::social_channels.begin(), ieee80211::social_channels.end(), ch) !=
           ieee80211::social_channels.end();
}
/// @brief One of the social channels, drawn from `rng`.
inline std::uint8_t random_social(std::mt19937_64& rng) {
    return ieee80211::social_channels[rng() % ieee80211::social_channels.size()];
}
inline bool contains(const std::vector<std::uint16_t>& list, std::uint16_t freq) noexcept {
    return std::find(list.begin(), list.end(), freq) != list.end();
}

/// @brief The channels a device offers in a negotiation: its channels, or only the one its
/// user forced (`force_freq`, 0: none).
inline std::vector<std::uint16_t> offered_channels(const std::vector<std::uint16_t>& channels,
                                                   std::uint16_t force_freq) {
    if (force_freq) return {force_freq};
    return channels;
}
/// @brief Our offered channels that the peer also lists, in our order (p2p_channels_intersect).
inline std::vector<std::uint16_t> intersect(const std::vector<std::uint16_t>& ours,
                                            const std::vector<std::uint16_t>& theirs) {
    std::vector<std::uint16_t> out;
    for (auto f : ours)
        if (contains(theirs, f)) out.push_back(f);
    return out;
}
/// @brief The channels of `list` in operating class `op_class`.
inline std::vector<std::uint16_t> in_class(const std::vector<std::uint16_t>& list,
                                           std::uint8_t op_class) {
    std::vector<std::uint16_t> out;
    for (auto f : list)
        if (const auto c = ieee80211::freq_to_channel(f); c && freq_of(op_class, c->number) == f)
            out.push_back(f);
    return out;
}
/// @brief A channel drawn from the first of the preferred 5 GHz classes that `list` has
/// (p2p_channel_select over op_classes_5ghz); 0 when it has none.
inline std::uint16_t random_5ghz(const std::vector<std::uint16_t>& list, std::mt19937_64& rng) {
    for (std::uint8_t oc : preferred_5ghz_classes)
        if (auto in = in_class(list, oc); !in.empty()) return in[rng() % in.size()];
    return 0;
}
/// @brief The GO's operating channel among the common ones (p2p_reselect_channel, for radios
/// without HT40 or VHT): the first p2p_pref_chan entry they have, a channel of the preferred 5 GHz
/// classes, `current` when they have it, their first.
inline std::uint16_t reselect(const std::vector<std::uint16_t>& common,
                              const std::vector<std::uint16_t>& pref, std::uint16_t current,
                              std::mt19937_64& rng) {
    for (auto f : pref)
        if (contains(common, f)) return f;
    if (auto f = random_5ghz(common, rng)) return f;
    if (contains(common, current)) return current;
    return common.empty() ? 0 : common.front();
}

}  // namespace softmac::p2p::detail
