// SPDX-License-Identifier: MIT
/// @file Defines 802.11 status codes (in authentication and association responses) and reason
/// codes (in deauthentication and disassociation), with the numbers of IEEE Std 802.11 9.4.1.
#pragma once

#include <cstddef>
#include <cstdint>

namespace softmac::ieee80211 {

/// @brief Status codes (WLAN_STATUS_* in Linux's ieee80211.h).
namespace status {
inline constexpr std::uint16_t success = 0, unspecified = 1, unsupported_auth_alg = 13,
                               ap_full = 17;
}  // namespace status

/// @brief Reason codes (WLAN_REASON_*).
namespace reason {
inline constexpr std::uint16_t unspecified = 1, prev_auth_not_valid = 2, deauth_leaving = 3,
                               inactivity = 4, class2_from_nonauth = 6, class3_from_nonassoc = 7,
                               disassoc_leaving = 8, invalid_ie = 13;
}  // namespace reason

/// @brief The largest frame body an MPDU carries (IEEE80211_MAX_DATA_LEN): the limit of every
/// element list, management body and MSDU softmac builds or accepts.
inline constexpr std::size_t max_frame_body = 2304;

}  // namespace softmac::ieee80211
