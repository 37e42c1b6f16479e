// SPDX-License-Identifier: MIT
/// @file Defines when a simulated radio's frame exchange meets its P2P absences (sim::medium's).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

#include <softmac/core/scheduler.hpp>
#include <softmac/core/time_units.hpp>
#include <softmac/ieee80211/noa_schedule.hpp>
#include <softmac/ieee80211/p2p.hpp>

/// Internals of sim::medium: a port's absences.
namespace softmac::sim::absences {

/// A Notice of Absence with the time its start times are extended near.
struct schedule {
    bool active = false;  ///< first: a receiver without a schedule reads nothing further
    std::uint64_t reference_us = 0;
    ieee80211::p2p::notice_of_absence noa{};

    /// The schedule of `noa` as of `now_us` (inactive when it announces no absence).
    static schedule of(const ieee80211::p2p::notice_of_absence& noa,
                       std::uint64_t now_us) noexcept {
        if (!ieee80211::p2p::has_schedule(noa)) return {};
        return {true, now_us, noa};
    }
};

/// A schedule with more absences back to back than this is given up on: the frame starts where
/// the last one ended.
inline constexpr int max_deferrals = 1024;

inline time_point at_us(std::uint64_t us) noexcept {
    return std::chrono::duration_cast<time_point>(std::chrono::microseconds(us));
}
/// The first absence of `s` that overlaps [at, at + length) (an instant, for length 0).
inline std::optional<ieee80211::p2p::absence> overlapping(const schedule& s, time_point at,
                                                          duration length) noexcept {
    if (!s.active) return std::nullopt;
    const auto us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(at).count());
    const auto a = ieee80211::p2p::absence_at_or_after(s.noa, us, s.reference_us);
    if (!a) return std::nullopt;
    const time_point end = at + std::max(length, duration{1});
    if (at_us(a->start_us) < end && at_us(a->end_us) > at) return a;
    return std::nullopt;
}
inline bool overlaps(const schedule& s, time_point at, duration length) noexcept {
    return overlapping(s, at, length).has_value();
}
/// The earliest time t from `at` when [t, t + length) overlaps no absence of a port: those it is
/// away in and those it holds its transmissions in.
inline time_point clear_of(const schedule& away, const schedule& hold, time_point at,
                           duration length) noexcept {
    for (int i = 0; i < max_deferrals; ++i) {
        auto a = overlapping(away, at, length);
        if (!a) a = overlapping(hold, at, length);
        if (!a) break;
        at = at_us(a->end_us);
    }
    return at;
}

}  // namespace softmac::sim::absences
