// SPDX-License-Identifier: MIT
/// @file Defines CCMP's frame layout (IEEE 802.11 12.5.3): the CCMP header with its PN and Key ID,
/// the AAD and the nonce built from a MAC header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <softmac/core/bytes.hpp>
#include <softmac/ieee80211/frame_control.hpp>

namespace softmac::ieee80211::ccmp {

inline constexpr std::size_t header_len = 8, mic_len = 8;
inline constexpr std::uint8_t ext_iv = 0x20;
inline constexpr std::uint64_t pn_mask = 0xffff'ffff'ffffull;  ///< the PN is 48 bits
/// @brief Replay counters per key: TIDs 0..15 (non-QoS data shares 0), 16 for management.
inline constexpr std::size_t replay_counters = 17;

/// @brief Writes the CCMP header: PN0 PN1 0 (ExtIV | KeyID << 6) PN2 PN3 PN4 PN5.
inline void write_header(std::uint8_t* p, std::uint64_t pn, std::uint8_t key_id) noexcept {
    p[0] = static_cast<std::uint8_t>(pn);
    p[1] = static_cast<std::uint8_t>(pn >> 8);
    p[2] = 0;
    p[3] = static_cast<std::uint8_t>(ext_iv | (key_id << 6));
    for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<std::uint8_t>(pn >> (16 + 8 * i));
}
/// @brief The PN a CCMP header carries.
inline std::uint64_t read_pn(const std::uint8_t* p) noexcept {
    std::uint64_t pn = std::uint64_t(p[0]) | std::uint64_t(p[1]) << 8;
    for (int i = 0; i < 4; ++i) pn |= std::uint64_t(p[4 + i]) << (16 + 8 * i);
    return pn;
}
inline std::uint8_t key_id(const std::uint8_t* p) noexcept { return p[3] >> 6; }
inline bool has_ext_iv(const std::uint8_t* p) noexcept { return (p[3] & ext_iv) != 0; }

/// @brief AAD (22..30 octets) and nonce (13 octets) of one MPDU.
struct block {
    std::array<std::uint8_t, 30> aad{};
    std::size_t aad_len = 0;
    std::array<std::uint8_t, 13> nonce{};
    bytes_view aad_view() const noexcept { return {aad.data(), aad_len}; }
};

/// @brief Builds AAD and nonce from the MAC header `h` (of `hdrlen` octets, header_length's
/// value) and the PN: FC with subtype bits 4-6 (data), Retry, PwrMgt, MoreData cleared and
/// Protected set, Order cleared for QoS data; SC with only the fragment number; A4 and the TID of
/// the QoS control when present. Nonce: priority (TID) | management << 4, A2, PN5..PN0.
inline block make_block(const std::uint8_t* h, std::size_t hdrlen, std::uint64_t pn) noexcept {
    block b;
    const frame_control fc{load_le16(h)};
    const bool qos = fc.is_qos_data(), four = fc.is_data() && fc.is_four_address();
    std::uint8_t fc0 = h[0], fc1 = h[1];
    if (fc.is_data()) fc0 &= 0x8f;
    fc1 = static_cast<std::uint8_t>((fc1 & ~0x38) | 0x40);
    if (qos) fc1 &= 0x7f;
    b.aad[0] = fc0;
    b.aad[1] = fc1;
    std::memcpy(b.aad.data() + 2, h + 4, 18);
    b.aad[20] = h[22] & 0x0f;
    b.aad[21] = 0;
    std::size_t n = 22;
    if (four) {
        std::memcpy(b.aad.data() + n, h + 24, 6);
        n += 6;
    }
    std::uint8_t tid = 0;
    if (qos) {
        tid = h[hdrlen - 2 - (fc.has(frame_control::order) ? 4 : 0)] & 0x0f;
        b.aad[n] = tid;
        b.aad[n + 1] = 0;
        n += 2;
    }
    b.aad_len = n;
    b.nonce[0] = static_cast<std::uint8_t>(tid | (fc.is_mgmt() ? 0x10 : 0));
    std::memcpy(b.nonce.data() + 1, h + 10, 6);
    for (int i = 0; i < 6; ++i) b.nonce[7 + i] = static_cast<std::uint8_t>(pn >> (40 - 8 * i));
    return b;
}

}  // namespace softmac::ieee80211::ccmp
