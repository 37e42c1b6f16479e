// SPDX-License-Identifier: MIT
/// @file Defines WPS device passwords (PIN checksum, validation, generation, halves) and UUID-E.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/crypto/primitives.hpp>

namespace softmac::wps {

/// @brief The checksum digit of a PIN's first seven digits: walking from the least significant
/// digit with weights 3, 1, 3, 1, ..., (10 - sum mod 10) mod 10.
constexpr std::uint8_t pin_checksum(std::uint32_t seven_digits) noexcept {
    std::uint32_t sum = 0;
    for (std::uint32_t weight = 3; seven_digits != 0; weight = 4 - weight) {
        sum += weight * (seven_digits % 10);
        seven_digits /= 10;
    }
    return static_cast<std::uint8_t>((10 - sum % 10) % 10);
}

/// @brief True for 8 digits whose last is the checksum of the first seven, or for 4 digits.
constexpr bool pin_valid(std::string_view pin) noexcept {
    if (pin.size() != 4 && pin.size() != 8) return false;
    for (char c : pin)
        if (c < '0' || c > '9') return false;
    if (pin.size() == 4) return true;
    std::uint32_t first = 0;
    for (char c : pin.substr(0, 7)) first = first * 10 + static_cast<std::uint32_t>(c - '0');
    return pin_checksum(first) == static_cast<std::uint8_t>(pin[7] - '0');
}

/// @brief A random 8-digit PIN: seven uniformly random digits from the CSPRNG and their
/// checksum. Empty when the CSPRNG fails (never a predictable PIN).
inline std::string generate_pin() {
    constexpr std::uint32_t range = 10'000'000;
    // The largest multiple of 10^7 not above 2^32: values at or above it would bias the digits.
    constexpr auto limit = static_cast<std::uint32_t>((std::uint64_t{1} << 32) / range * range);
    std::uint32_t v = 0;
    do {
        std::array<std::uint8_t, 4> r;
        if (!crypto::random_bytes(r)) return {};
        v = load_be32(r.data());
    } while (v >= limit);
    const std::uint32_t pin = v % range * 10 + pin_checksum(v % range);
    std::string s(8, '0');
    std::uint32_t rest = pin;
    for (std::size_t i = 8; i-- > 0; rest /= 10) s[i] = static_cast<char>('0' + rest % 10);
    return s;
}

/// @brief A device password split for the PIN proofs: the first half has ceil(len / 2)
/// characters ("12345670" gives "1234" and "5670", "1234" gives "12" and "34").
constexpr std::pair<std::string_view, std::string_view> split_pin(std::string_view pin) noexcept {
    const std::size_t first = (pin.size() + 1) / 2;
    return {pin.substr(0, first), pin.substr(first)};
}

using uuid = std::array<std::uint8_t, 16>;  ///< UUID-E / UUID-R, in transmission order

/// @brief The UUID wpa_supplicant derives from a MAC address when none is configured: the first
/// 16 octets of SHA-1(526480f8-c99b-4be5-a655-58ed5f5d6084 | MAC) with the version set to 5 and
/// the RFC 4122 variant. All zero if SHA-1 fails.
inline uuid uuid_from_mac(const mac_address& mac) noexcept {
    static constexpr std::array<std::uint8_t, 16> name_space = {0x52, 0x64, 0x80, 0xf8, 0xc9, 0x9b,
                                                                0x4b, 0xe5, 0xa6, 0x55, 0x58, 0xed,
                                                                0x5f, 0x5d, 0x60, 0x84};
    std::array<std::uint8_t, 20> hash;
    uuid u{};
    if (!crypto::sha1({name_space, mac.bytes()}, hash)) return u;
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = hash[i];
    u[6] = static_cast<std::uint8_t>((u[6] & 0x0f) | 0x50);
    u[8] = static_cast<std::uint8_t>((u[8] & 0x3f) | 0x80);
    return u;
}

/// @brief "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case.
inline std::string to_string(const uuid& u) {
    const std::string h = to_hex(u);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20);
}

}  // namespace softmac::wps
