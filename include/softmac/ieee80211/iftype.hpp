// SPDX-License-Identifier: MIT
/// @file Defines the interface types, numbered as nl80211 numbers them (enum nl80211_iftype).
#pragma once

#include <cstdint>

namespace softmac::ieee80211 {

/// @brief Interface types: the vocabulary every layer shares, from the driver's vif to the
/// config layer's NEW_INTERFACE.
enum class iftype : std::uint8_t {
    unspecified = 0,
    adhoc = 1,
    station = 2,
    ap = 3,
    ap_vlan = 4,
    wds = 5,
    monitor = 6,
    mesh_point = 7,
    p2p_client = 8,
    p2p_go = 9,
    p2p_device = 10,
};
/// @brief The type's bit in a mask of supported types (interface_modes).
constexpr std::uint32_t bit(iftype t) noexcept { return 1u << static_cast<unsigned>(t); }
constexpr bool is_p2p(iftype t) noexcept {
    return t == iftype::p2p_client || t == iftype::p2p_go || t == iftype::p2p_device;
}

}  // namespace softmac::ieee80211
