// SPDX-License-Identifier: MIT
/// @file Defines the rate-control policies: fixed, and a simple adaptive one that learns from TX
/// status.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/rates.hpp>

namespace softmac::mac {

/// @brief What a rate policy is told about a frame.
struct rate_request {
    /// The band's rates, as the hardware lists them (by reference: most frames never look).
    const std::span<const ieee80211::rate>& rates;
    bool multicast = false;
    bool no_cck = false;    ///< P2P: never a CCK rate
    bool min_rate = false;  ///< EAPOL and management: the lowest allowed rate
    std::uint8_t tries = 7;
};

namespace detail {
/// Lowest allowed index: the first OFDM rate when CCK is excluded.
inline std::int8_t lowest(const rate_request& r) noexcept {
    for (std::size_t i = 0; i < r.rates.size(); ++i)
        if (!r.no_cck || r.rates[i].is_ofdm()) return static_cast<std::int8_t>(i);
    return 0;
}
}  // namespace detail

/// @brief Always the same rate (clamped to what the frame allows); group frames at the lowest.
/// The index is looked up once per station and kept.
template <std::uint16_t Bitrate = 540>
struct fixed_rate {
    struct state {
        std::int8_t idx = -1;
        bool no_cck = false;
    };
    SOFTMAC_HOT_INLINE static void select(state& s, const rate_request& r,
                                          driver::tx_info& info) noexcept {
        if (r.multicast || r.min_rate) {
            info.rates[0] = {detail::lowest(r), r.multicast ? std::uint8_t(1) : r.tries};
            info.rates[1] = {-1, 0};
            return;
        }
        if (s.idx < 0 || s.no_cck != r.no_cck) {
            s.idx = detail::lowest(r);
            s.no_cck = r.no_cck;
            for (std::size_t i = 0; i < r.rates.size(); ++i)
                if (r.rates[i].bitrate == Bitrate && (!r.no_cck || r.rates[i].is_ofdm()))
                    s.idx = static_cast<std::int8_t>(i);
        }
        info.rates[0] = {s.idx, r.tries};
        info.rates[1] = {-1, 0};
    }
    static void feedback(state&, const driver::tx_status&) noexcept {}
};

/// @brief Starts at the fastest allowed rate; steps down after two failed frames in a row and
/// probes one step up after ten successes; a retry chain of the next lower rates follows.
struct simple_adaptive {
    struct state {
        std::int8_t idx = -1;  ///< -1: not chosen yet
        std::uint8_t successes = 0, failures = 0;
    };
    SOFTMAC_HOT_INLINE static void select(state& s, const rate_request& r,
                                          driver::tx_info& info) noexcept {
        const std::int8_t lo = detail::lowest(r);
        const auto hi = static_cast<std::int8_t>(r.rates.size() - 1);
        if (r.multicast || r.min_rate) {
            info.rates[0] = {lo, r.multicast ? std::uint8_t(1) : r.tries};
            info.rates[1] = {-1, 0};
            return;
        }
        if (s.idx < lo || s.idx > hi) s.idx = hi;
        // Two tries at the chosen rate, two one step lower, the rest at the lowest rate: the
        // chain's tries add up to the retry limit.
        std::uint8_t left = r.tries;
        auto step = [&](std::int8_t idx, std::uint8_t n) -> driver::tx_rate {
            const std::uint8_t t = std::min(n, left);
            left = static_cast<std::uint8_t>(left - t);
            return t ? driver::tx_rate{idx, t} : driver::tx_rate{-1, 0};
        };
        info.rates[0] = step(s.idx, 2);
        info.rates[1] = step(static_cast<std::int8_t>(s.idx > lo ? s.idx - 1 : lo), 2);
        info.rates[2] = step(lo, left);
        info.rates[3] = {-1, 0};
    }
    static void feedback(state& s, const driver::tx_status& st) noexcept {
        if (st.info.flags & driver::tx_flag::no_ack) return;
        if (st.acked) {
            s.failures = 0;
            if (++s.successes >= 10) {
                s.successes = 0;
                ++s.idx;  // probe upward; select() clamps
            }
        } else {
            s.successes = 0;
            if (++s.failures >= 2 && s.idx > 0) {
                s.failures = 0;
                --s.idx;
            }
        }
    }
};

}  // namespace softmac::mac
