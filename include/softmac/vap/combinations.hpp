// SPDX-License-Identifier: MIT
/// @file Defines the interface-combination check (cfg80211's): do these interfaces fit one of the
/// hardware's combinations?
#pragma once

#include <array>
#include <cstdint>

#include <softmac/core/result.hpp>
#include <softmac/driver/hw_description.hpp>

namespace softmac::vap {

/// @brief How many interfaces of each type would be active. Monitor and AP VLAN are software
/// types and not counted; a WDS link rides on its AP vap (same address, same channel) and is
/// not counted either.
struct iface_counts {
    std::array<std::uint16_t, 11> per_type{};
    std::uint8_t channels = 1;

    void add(driver::iftype t) noexcept {
        if (t != driver::iftype::monitor && t != driver::iftype::ap_vlan &&
            t != driver::iftype::wds)
            ++per_type[static_cast<std::size_t>(t)];
    }
    std::uint16_t total() const noexcept {
        std::uint16_t n = 0;
        for (auto c : per_type) n = static_cast<std::uint16_t>(n + c);
        return n;
    }
};

/// @brief The first combination these counts fit, or a busy error naming why none fits.
/// No combinations at all means one interface at a time.
inline result<void> check_combinations(const driver::hw_description& hw,
                                       const iface_counts& c) noexcept {
    if (c.total() <= 1) return {};  // a single interface needs no combination
    if (hw.n_combinations == 0)
        return make_error(
            errc::busy, "the hardware allows one interface at a time (no interface combinations)");
    const char* why = "no interface combination allows these interface types together";
    for (std::size_t k = 0; k < hw.n_combinations; ++k) {
        const auto& comb = hw.combinations[k];
        if (c.total() > comb.max_interfaces) {
            why = "more interfaces than any combination's max_interfaces";
            continue;
        }
        if (c.channels > comb.num_different_channels) {
            why = "more channels than any combination's num_different_channels";
            continue;
        }
        std::array<std::uint16_t, 4> left{};
        for (std::size_t l = 0; l < comb.n_limits; ++l) left[l] = comb.limits[l].max;
        bool fits = true;
        for (std::size_t t = 0; t < c.per_type.size() && fits; ++t) {
            if (c.per_type[t] == 0) continue;
            bool found = false;
            for (std::size_t l = 0; l < comb.n_limits; ++l) {
                if (!(comb.limits[l].types & (1u << t))) continue;
                found = true;
                if (left[l] < c.per_type[t])
                    fits = false;
                else
                    left[l] = static_cast<std::uint16_t>(left[l] - c.per_type[t]);
            }
            if (!found) fits = false;
        }
        if (fits) return {};
        why = "an interface type exceeds its limit in every combination";
    }
    return make_error(errc::busy, why);
}

}  // namespace softmac::vap
