// SPDX-License-Identifier: MIT
/// @file Defines the hardware description (the wiphy role) and its registration-time validation.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/rates.hpp>

namespace softmac::driver {

/// @brief Up to `max` interfaces of the types in the bitmap (the ieee80211_iface_limit role).
struct iface_limit {
    std::uint16_t max = 0;
    std::uint32_t types = 0;
};

/// @brief One allowed combination of concurrent interfaces.
struct iface_combination {
    std::array<iface_limit, 4> limits{};
    std::uint8_t n_limits = 0;
    std::uint16_t max_interfaces = 0;
    std::uint8_t num_different_channels = 1;
    bool beacon_int_infra_match = false;
};

/// @brief One band: its channels and legacy rates.
struct band_description {
    ieee80211::band band = ieee80211::band::ghz2_4;
    std::span<const std::uint8_t> channels;
    std::span<const ieee80211::rate> rates;
};

inline constexpr std::uint8_t channels_2ghz[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
inline constexpr std::uint8_t channels_5ghz[] = {36,  40,  44,  48,  52,  56,  60,  64,  100,
                                                 104, 108, 112, 116, 120, 124, 128, 132, 136,
                                                 140, 144, 149, 153, 157, 161, 165};

/// @brief What a radio can do (the wiphy role), checked when the radio is registered.
struct hw_description {
    mac_address perm_addr;
    mac_address addr_mask;  ///< bits that may differ between this radio's interface addresses
    std::uint8_t n_addresses = 1;
    std::array<band_description, 2> bands{};
    std::uint8_t n_bands = 0;
    std::uint32_t interface_modes = 0;  ///< bit(iftype) set
    std::array<iface_combination, 3> combinations{};
    std::uint8_t n_combinations = 0;
    std::uint32_t max_remain_on_channel_ms = 0;  ///< 0: the MAC fills 5000 for software ROC
    std::uint8_t max_scan_ssids = 4;
    std::uint16_t max_scan_ie_len = 2304;
    std::uint16_t extra_tx_headroom = 0;
    std::uint8_t queues = 4;
    bool reports_probe_requests = true;  ///< honours FIF_PROBE_REQ
    bool supports_no_cck = true;         ///< can send management frames without CCK rates
    bool has_channel_contexts = false;
    /// P2P power save (cfg80211's NL80211_FEATURE_P2P_GO_CTWIN and _OPPPS, and periodic NoA): as
    /// a GO the radio is really away in its absences; as a client it holds its transmissions in
    /// its GO's (bss_conf::p2p_noa through bss_info_changed).
    bool supports_p2p_ps = false;

    bool supports(iftype t) const noexcept { return (interface_modes & bit(t)) != 0; }

    /// @brief Interface address i: the permanent address with i folded into the mask bits.
    mac_address address(std::uint8_t i) const noexcept {
        mac_address a = perm_addr;
        if (i == 0) return a;
        // Put i into the lowest set bits of the mask, as drivers with several addresses do.
        unsigned v = i;
        for (int byte = 5; byte >= 0 && v; --byte)
            for (int b = 0; b < 8 && v; ++b) {
                const std::uint8_t m = std::uint8_t(1u << b);
                if (addr_mask.octets[byte] & m) {
                    a.octets[byte] = std::uint8_t((a.octets[byte] & ~m) | ((v & 1u) ? m : 0));
                    v >>= 1;
                }
            }
        return a;
    }
};

/// @brief TX headroom the MAC reserves: the driver's extra headroom, at least 13 octets (the
/// status headroom mac80211 keeps).
constexpr std::size_t tx_headroom(const hw_description& hw) noexcept {
    return hw.extra_tx_headroom > 13 ? hw.extra_tx_headroom : 13;
}

/// @brief The checks registration makes (mac80211's register_hw and cfg80211's
/// combination verification); the error names the broken rule.
constexpr result<void> validate(const hw_description& hw) noexcept {
    auto broken = [](const char* rule) { return make_error(errc::bad_value, rule); };
    if (hw.n_bands == 0 || hw.n_bands > hw.bands.size())
        return broken("a radio needs at least one band");
    for (std::size_t b = 0; b < hw.n_bands; ++b)
        if (hw.bands[b].channels.empty() || hw.bands[b].rates.empty())
            return broken("every band needs channels and bitrates");
    if (hw.interface_modes == 0) return broken("interface_modes is empty");
    if (hw.queues == 0 || hw.queues > 16) return broken("queues must be 1..16");
    if (hw.n_addresses == 0) return broken("a radio needs at least one address");
    if (hw.n_addresses > 1 && hw.addr_mask.is_zero())
        return broken("several addresses need an address mask");
    if (hw.perm_addr.is_multicast()) return broken("the permanent address must be unicast");
    if (hw.n_combinations > hw.combinations.size())
        return broken("too many interface combinations");
    for (std::size_t c = 0; c < hw.n_combinations; ++c) {
        const auto& comb = hw.combinations[c];
        if (comb.max_interfaces < 2)
            return broken("a combination must allow at least 2 interfaces");
        if (comb.num_different_channels < 1)
            return broken("num_different_channels must be at least 1");
        if (comb.num_different_channels > 1 && !hw.has_channel_contexts)
            return broken("more than one channel needs channel contexts");
        if (comb.n_limits == 0 || comb.n_limits > comb.limits.size())
            return broken("a combination needs at least one limit");
        std::uint32_t seen = 0, sum = 0;
        for (std::size_t l = 0; l < comb.n_limits; ++l) {
            const auto& lim = comb.limits[l];
            if (lim.max == 0) return broken("every limit's max must be positive");
            if (lim.types & seen)
                return broken("a type may appear in only one limit of a combination");
            seen |= lim.types;
            sum += lim.max;
            if (lim.types & (bit(iftype::ap_vlan) | bit(iftype::monitor)))
                return broken("software interface types (monitor, AP VLAN) must not be limited");
            if (lim.types & bit(iftype::wds)) return broken("WDS may not appear in a combination");
            if ((lim.types & bit(iftype::p2p_device)) && lim.max != 1)
                return broken("the P2P device limit must be 1");
            if ((lim.types & bit(iftype::adhoc)) && lim.max > 1)
                return broken("a combination may allow only one IBSS interface");
            if ((lim.types & hw.interface_modes) != lim.types)
                return broken("a combination lists a type missing from interface_modes");
        }
        if (sum < comb.max_interfaces)
            return broken("the limits' max must add up to max_interfaces");
    }
    return {};
}

}  // namespace softmac::driver
