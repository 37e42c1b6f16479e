// SPDX-License-Identifier: MIT
/// @file Defines the rt73 firmware image check (2048 octets, big-endian CRC-ITU-T in the last two)
/// and a generator for test images.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::drivers::rt73 {

inline constexpr std::size_t firmware_size = 2048;

/// @brief CRC-ITU-T (polynomial 0x1021, most significant bit first) from a starting value.
constexpr std::uint16_t crc_itu_t(std::uint16_t crc, bytes_view data) noexcept {
    for (std::uint8_t b : data) {
        crc = static_cast<std::uint16_t>(crc ^ (std::uint16_t(b) << 8));
        for (int k = 0; k < 8; ++k)
            crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

/// @brief The checksum rt73 firmware carries: the CRC of the first 2046 octets, then of two zeros.
constexpr std::uint16_t firmware_crc(bytes_view image) noexcept {
    constexpr std::uint8_t zeros[2] = {0, 0};
    return crc_itu_t(crc_itu_t(0, image.first(firmware_size - 2)), zeros);
}

/// @brief Size and CRC checks; the error says which one failed.
inline result<void> check_firmware(bytes_view image) noexcept {
    if (image.size() != firmware_size)
        return make_error(errc::bad_length, "rt73: firmware must be exactly 2048 octets");
    const std::uint16_t stored = load_be16(image.data() + firmware_size - 2);
    if (firmware_crc(image) != stored)
        return make_error(errc::bad_value, "rt73: firmware CRC mismatch");
    return {};
}

/// @brief A well-formed image for the simulated chip (content from a seed, valid CRC).
inline std::vector<std::uint8_t> make_firmware(std::uint8_t seed = 0x73) {
    std::vector<std::uint8_t> fw(firmware_size);
    for (std::size_t i = 0; i < firmware_size - 2; ++i)
        fw[i] = static_cast<std::uint8_t>(seed + i * 31);
    store_be16(fw.data() + firmware_size - 2, firmware_crc(fw));
    return fw;
}

}  // namespace softmac::drivers::rt73
