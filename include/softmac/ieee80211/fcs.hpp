// SPDX-License-Identifier: MIT
/// @file Defines the 802.11 frame check sequence (IEEE CRC-32): compute, append and verify.
#pragma once

#include <array>
#include <cstdint>

#include <softmac/core/bytes.hpp>

namespace softmac::ieee80211 {

namespace detail {
/// Table k gives the CRC contribution of an octet followed by k zero octets, so that eight
/// octets are taken with eight independent lookups instead of eight dependent steps.
constexpr std::array<std::array<std::uint32_t, 256>, 8> make_crc32_tables() noexcept {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        t[0][i] = c;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::size_t i = 0; i < 256; ++i)
            t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    return t;
}
inline constexpr auto crc32_tables = make_crc32_tables();
inline constexpr const auto& crc32_table = crc32_tables[0];
}  // namespace detail

/// @brief CRC-32 (reflected 0x04C11DB7, initial and final inversion) over the bytes; given the
/// CRC of what came before (`prev`), the CRC of both together: crc32(b, crc32(a)) is the CRC of a
/// followed by b. Eight octets at a time (slicing by eight), the rest one by one.
constexpr std::uint32_t crc32(bytes_view b, std::uint32_t prev = 0) noexcept {
    const auto& t = detail::crc32_tables;
    std::uint32_t c = prev ^ 0xffffffffu;
    const std::uint8_t* p = b.data();
    std::size_t n = b.size();
    for (; n >= 8; n -= 8, p += 8) {
        const std::uint32_t lo = load_le32(p) ^ c, hi = load_le32(p + 4);
        c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
            t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    }
    for (; n > 0; --n, ++p) c = t[0][(c ^ *p) & 0xff] ^ (c >> 8);
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
