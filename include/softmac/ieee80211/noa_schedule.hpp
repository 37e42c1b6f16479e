// SPDX-License-Identifier: MIT
/// @file Defines the absences a P2P Notice of Absence announces: when a GO is away.
#pragma once

#include <cstdint>
#include <optional>

#include <softmac/ieee80211/p2p.hpp>

namespace softmac::ieee80211::p2p {

// ----------------------------------------------------------------------------------------------
// The absences a Notice of Absence announces (the facts mac80211's ieee80211_parse_p2p_noa and
// ieee80211_update_p2p_noa compute), in 64-bit TSF microseconds.
//
// A descriptor with count_type 0 or duration 0 announces nothing; count_type 1 is one absence
// [start, start + duration); 2..254 are that many absences, at start, start + interval, ...; 255
// repeats them without end. A descriptor with count_type 2..255 whose interval is not greater
// than its duration is ignored (it would leave no time present). With two descriptors the
// absences are their union. CTWindow and OppPS are not absences: an OppPS GO may sleep only
// while all its clients doze, and softmac's clients never doze, so such a GO stays present.

/// @brief One absence, [start_us, end_us) in TSF microseconds.
struct absence {
    std::uint64_t start_us = 0, end_us = 0;
    friend bool operator==(const absence&, const absence&) = default;
};

namespace detail {
/// The 64-bit TSF whose low 32 bits are `low`, nearest to `near_us` (within ±2^31 µs); negative
/// when that is before TSF 0.
constexpr std::int64_t extend_tsf(std::uint32_t low, std::uint64_t near_us) noexcept {
    const auto diff = static_cast<std::int32_t>(low - static_cast<std::uint32_t>(near_us));
    return static_cast<std::int64_t>(near_us) + diff;
}
constexpr bool announces_absence(const notice_of_absence::descriptor& d) noexcept {
    return d.count_type != 0 && d.duration_us != 0 &&
           (d.count_type == 1 || d.interval_us > d.duration_us);
}
/// The absence of one descriptor that contains `t` or is the first to start after it, its start
/// time extended near `reference_us`.
constexpr std::optional<absence> descriptor_absence(const notice_of_absence::descriptor& d,
                                                    std::int64_t t,
                                                    std::uint64_t reference_us) noexcept {
    if (!announces_absence(d)) return std::nullopt;
    const std::int64_t s = extend_tsf(d.start_time, reference_us);
    const std::int64_t len = d.duration_us;
    std::int64_t k = 0;
    if (d.count_type > 1 && t >= s) {
        k = (t - s) / d.interval_us;
        if (t >= s + k * d.interval_us + len) ++k;
        if (d.count_type != 255 && k >= d.count_type) return std::nullopt;
    }
    const std::int64_t begin = s + k * std::int64_t{d.interval_us};
    if (begin + len <= t) return std::nullopt;  // one-shot, already over
    return absence{static_cast<std::uint64_t>(begin < 0 ? 0 : begin),
                   static_cast<std::uint64_t>(begin + len)};
}
}  // namespace detail

/// @brief Whether a GO's notice says anything at all: descriptors, or OppPS / a CT window (a GO
/// with none leaves the attribute out, and grants presence requests).
constexpr bool announces(const notice_of_absence& n) noexcept {
    return n.count > 0 || n.ctwindow_opp_ps != 0;
}
/// @brief Whether the notice announces any absence (a descriptor that is not ignored).
constexpr bool has_schedule(const notice_of_absence& n) noexcept {
    for (std::uint8_t i = 0; i < n.count && i < 2; ++i)
        if (detail::announces_absence(n.descriptors[i])) return true;
    return false;
}

/// @brief The absence that contains `tsf_us`, or else the first one that starts after it;
/// nothing when no absence is left. Start times are the TSF nearest `reference_us` with their
/// low 32 bits (a schedule kept for longer than 2^31 µs passes the time it was learnt as the
/// reference). Overlapping or adjacent absences of the two descriptors come back as one; a
/// union that never ends (two descriptors that leave no time present) comes back in pieces of
/// at most 256 steps of merging.
constexpr std::optional<absence> absence_at_or_after(const notice_of_absence& n,
                                                     std::uint64_t tsf_us,
                                                     std::uint64_t reference_us) noexcept {
    const std::uint8_t count = n.count < 2 ? n.count : 2;
    std::optional<absence> first;
    for (std::uint8_t i = 0; i < count; ++i)
        if (const auto a = detail::descriptor_absence(
                n.descriptors[i], static_cast<std::int64_t>(tsf_us), reference_us))
            if (!first || a->start_us < first->start_us) first = a;
    if (!first) return std::nullopt;
    // Grow it by every absence that ends as (or after) it starts, and every one that starts
    // before (or as) it ends.
    for (int merged = 0; merged < 256; ++merged) {
        bool grew = false;
        for (std::uint8_t i = 0; i < count; ++i) {
            if (first->start_us > 0)
                if (const auto a = detail::descriptor_absence(
                        n.descriptors[i], static_cast<std::int64_t>(first->start_us) - 1,
                        reference_us);
                    a && a->start_us < first->start_us) {
                    first->start_us = a->start_us;
                    grew = true;
                }
            if (const auto a = detail::descriptor_absence(
                    n.descriptors[i], static_cast<std::int64_t>(first->end_us), reference_us);
                a && a->start_us <= first->end_us && a->end_us > first->end_us) {
                first->end_us = a->end_us;
                grew = true;
            }
        }
        if (!grew) break;
    }
    return first;
}
/// @brief absence_at_or_after with the start times extended near `tsf_us` itself.
constexpr std::optional<absence> absence_at_or_after(const notice_of_absence& n,
                                                     std::uint64_t tsf_us) noexcept {
    return absence_at_or_after(n, tsf_us, tsf_us);
}

/// @brief Whether the notice's owner is away at `tsf_us` (start times extended near
/// `reference_us`).
constexpr bool absent_at(const notice_of_absence& n, std::uint64_t tsf_us,
                         std::uint64_t reference_us) noexcept {
    const auto a = absence_at_or_after(n, tsf_us, reference_us);
    return a && a->start_us <= tsf_us;
}
/// @brief absent_at with the start times extended near `tsf_us` itself.
constexpr bool absent_at(const notice_of_absence& n, std::uint64_t tsf_us) noexcept {
    return absent_at(n, tsf_us, tsf_us);
}

}  // namespace softmac::ieee80211::p2p
