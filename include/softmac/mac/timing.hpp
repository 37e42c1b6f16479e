// SPDX-License-Identifier: MIT
/// @file Defines the MAC's management timing (mac80211's mlme.c, scan.c and offchannel.c values).
#pragma once

#include <chrono>
#include <cstdint>

#include <softmac/core/time_units.hpp>

/// @brief mac80211's management timing.
namespace softmac::mac::timing {
using namespace std::chrono_literals;
inline constexpr duration auth_timeout = 200ms, assoc_timeout = 200ms;  ///< IEEE80211_*_TIMEOUT
inline constexpr unsigned auth_tries = 3, assoc_tries = 3;              ///< IEEE80211_*_MAX_TRIES
inline constexpr duration active_dwell = 30ms, passive_dwell = 111ms;  ///< IEEE80211_*_CHANNEL_TIME
inline constexpr duration back_on_channel = 30ms;  ///< between scanned channels when associated
inline constexpr unsigned beacon_loss_count = 7;   ///< beacons missed before the link is lost
inline constexpr std::uint32_t min_roc_ms = 10;    ///< NL80211_MIN_REMAIN_ON_CHANNEL_TIME
}  // namespace softmac::mac::timing
