// SPDX-License-Identifier: MIT
/// @file Defines the 802.11 frame check sequence (IEEE CRC-32): compute, append and verify.
#pragma once

#include <array>
#include <cstdint>

#include <softmac/core/bytes.hpp>

namespace softmac::ieee80211 {

namespace detail {
constexpr std::array<std::uint32_t, 256> make_crc32_table() noexcept {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}
inline constexpr auto crc32_table = make_crc32_table();
}  // namespace detail

/// @brief CRC-32 (reflected 0x04C11DB7, initial and final inversion) over the bytes; given the
/// CRC of what came before (`prev`), the CRC of both together: crc32(b, crc32(a)) is the CRC of a
/// followed by b.
constexpr std::uint32_t crc32(bytes_view b, std::uint32_t prev = 0) noexcept {
    std::uint32_t c = prev ^ 0xffffffffu;
    for (std::uint8_t x : b) c = detail::crc32_table[(c ^ x) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/// @brief The FCS of a frame without its FCS.
constexpr std::uint32_t compute_fcs(bytes_view frame) noexcept { return crc32(frame); }

/// @brief Whether the last four octets are the correct (little-endian) FCS of the rest.
constexpr bool verify_fcs(bytes_view frame_with_fcs) noexcept {
    if (frame_with_fcs.size() < 4) return false;
    const auto body = frame_with_fcs.first(frame_with_fcs.size() - 4);
    return crc32(body) == load_le32(frame_with_fcs.data() + body.size());
}

/// @brief Appends the FCS of everything written so far.
inline void append_fcs(byte_writer& w) noexcept { w.le32(crc32(w.written())); }

}  // namespace softmac::ieee80211
