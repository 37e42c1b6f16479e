// SPDX-License-Identifier: MIT
/// @file Defines softmac::detail::cache_lines: a short list of cache lines to fetch at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <softmac/core/detail/hot_inline.hpp>

namespace softmac::detail {

/// @brief Up to N distinct cache lines, named by their addresses (fixed for as long as the list
/// is kept), fetched together: each fetch is issued without waiting for another, so their
/// misses overlap.
template <std::size_t N>
class cache_lines {
  public:
    static constexpr std::size_t line_size = 64;

    /// @brief Adds the lines that [at, at + octets) spans; a line already held is not added
    /// again, and lines past the capacity are left out (they are then read when they are used).
    void add(const void* at, std::size_t octets = 1) noexcept {
        const auto first = reinterpret_cast<std::uintptr_t>(at) & ~(line_size - 1);
        const auto last = reinterpret_cast<std::uintptr_t>(at) + (octets ? octets : 1) - 1;
        for (std::uintptr_t l = first; l <= last && n_ < N; l += line_size) {
            bool held = false;
            for (std::size_t i = 0; i < n_ && !held; ++i) held = at_[i] == l;
            if (!held) at_[n_++] = l;
        }
    }
    /// @brief Adds another list's lines.
    template <std::size_t M>
    void add(const cache_lines<M>& o) noexcept {
        for (std::size_t i = 0; i < o.size(); ++i) add(o[i]);
    }
    std::size_t size() const noexcept { return n_; }
    const void* operator[](std::size_t i) const noexcept {
        return reinterpret_cast<const void*>(at_[i]);
    }
    /// @brief Starts fetching every line (for writing: what a received frame reads, it mostly
    /// also writes).
    SOFTMAC_HOT_INLINE void fetch() const noexcept {
        for (std::size_t i = 0; i < n_; ++i)
            __builtin_prefetch(reinterpret_cast<const void*>(at_[i]), 1);
    }

  private:
    std::array<std::uintptr_t, N> at_{};
    std::size_t n_ = 0;
};

}  // namespace softmac::detail
