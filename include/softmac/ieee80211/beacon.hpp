// SPDX-License-Identifier: MIT
/// @file Defines beacon building: the rates elements, an AP's beacon head and its field offsets.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/rates.hpp>

namespace softmac::ieee80211 {

/// @brief Hidden-SSID modes (nl80211_hidden_ssid): what a beacon carries for the SSID.
enum class hidden_ssid : std::uint8_t { not_hidden = 0, zero_len = 1, zero_contents = 2 };

/// @brief Where a beacon's (or probe response's) fixed fields sit: the 24-octet header, then
/// timestamp, beacon interval and capabilities; the elements follow.
namespace beacon_offset {
inline constexpr std::size_t timestamp = 24, interval = 32, capabilities = 34, elements = 36;
}  // namespace beacon_offset

/// @brief Supported Rates (first 8) and Extended Supported Rates: the mandatory rates are basic;
/// `ofdm_only` leaves the 11b rates out (P2P, no-CCK).
inline void put_rates(byte_writer& w, std::span<const rate> rates, bool ofdm_only) {
    std::array<std::uint8_t, 16> oct{};
    std::size_t n = 0;
    for (const auto& r : rates)
        if ((!ofdm_only || r.is_ofdm()) && n < oct.size()) oct[n++] = r.octet(r.mandatory);
    put::rates(w, bytes_view(oct.data(), std::min<std::size_t>(n, 8)));
    if (n > 8) put::raw(w, eid::extended_rates, bytes_view(oct.data() + 8, n - 8));
}

/// @brief The head of an AP's beacon template (cfg80211_beacon_data's head): header, fixed
/// fields, the SSID as the hidden mode wants it, rates and, on 2.4 GHz, the DS parameter set.
/// The TIM and the tail follow it on the air.
inline std::vector<std::uint8_t> beacon_head(const mac_address& bssid, std::string_view ssid,
                                             const channel& ch, std::span<const rate> rates,
                                             bool ofdm_only = false,
                                             hidden_ssid hidden = hidden_ssid::not_hidden,
                                             std::uint16_t beacon_int = 100) {
    std::vector<std::uint8_t> head(beacon_offset::elements + 2 + 32 + 2 + 8 + 2 + 8 + 3);
    byte_writer w(head);
    write_mgmt_header(w, mgmt_subtype::beacon, mac_address::broadcast(), bssid, bssid);
    write_beacon_fixed(w, 0, beacon_int, capab::ess | capab::short_slot);
    if (hidden == hidden_ssid::zero_len) {
        put::ssid(w, {});
    } else if (hidden == hidden_ssid::zero_contents) {
        const std::string zeros(ssid.size(), '\0');
        put::ssid(w, zeros);
    } else {
        put::ssid(w, ssid);
    }
    put_rates(w, rates, ofdm_only || ch.band != band::ghz2_4);
    if (ch.band == band::ghz2_4) put::ds_params(w, ch.number);
    head.resize(w.size());
    return head;
}

}  // namespace softmac::ieee80211
