// SPDX-License-Identifier: MIT
/// @file Defines softmac::mac_address: parse, format and classify 48-bit IEEE addresses.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac {

/// @brief A 48-bit MAC address, stored in transmission order.
struct mac_address {
    std::array<std::uint8_t, 6> octets{};

    static constexpr mac_address broadcast() noexcept {
        return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    }
    /// @brief Reads six octets; the caller guarantees they are there.
    static constexpr mac_address from(const std::uint8_t* p) noexcept {
        return {{p[0], p[1], p[2], p[3], p[4], p[5]}};
    }
    /// @brief Parses "aa:bb:cc:dd:ee:ff" (also '-' separated, any hex case).
    static constexpr result<mac_address> parse(std::string_view s) noexcept {
        if (s.size() != 17)
            return make_error(errc::bad_length, "MAC address must be 17 characters");
        mac_address a;
        for (std::size_t i = 0; i < 6; ++i) {
            const int hi = hex(s[i * 3]), lo = hex(s[i * 3 + 1]);
            if (hi < 0 || lo < 0) return make_error(errc::bad_value, "bad hex digit", i * 3);
            if (i < 5 && s[i * 3 + 2] != ':' && s[i * 3 + 2] != '-')
                return make_error(errc::bad_value, "bad separator", i * 3 + 2);
            a.octets[i] = static_cast<std::uint8_t>(hi * 16 + lo);
        }
        return a;
    }

    constexpr bool is_broadcast() const noexcept { return *this == broadcast(); }
    constexpr bool is_multicast() const noexcept { return (octets[0] & 0x01) != 0; }  ///< group bit
    constexpr bool is_unicast() const noexcept { return !is_multicast(); }
    constexpr bool is_locally_administered() const noexcept { return (octets[0] & 0x02) != 0; }
    constexpr bool is_zero() const noexcept { return *this == mac_address{}; }
    /// @brief The six octets as one integer (its low 48 bits; the first octet lowest), the key
    /// of the tables indexed by address. Read as four octets and two: an address just stored
    /// whole is read back by loads of the widths that stored it, which forward.
    std::uint64_t key() const noexcept {
        std::uint32_t lo;
        std::uint16_t hi;
        std::memcpy(&lo, octets.data(), 4);
        std::memcpy(&hi, octets.data() + 4, 2);
        return std::uint64_t{hi} << 32 | lo;
    }

    /// @brief "aa:bb:cc:dd:ee:ff", lower case.
    std::string to_string() const {
        std::string s(17, ':');
        constexpr char digits[] = "0123456789abcdef";
        for (std::size_t i = 0; i < 6; ++i) {
            s[i * 3] = digits[octets[i] >> 4];
            s[i * 3 + 1] = digits[octets[i] & 0xf];
        }
        return s;
    }
    bytes_view bytes() const noexcept { return octets; }

    /// Two loads and a compare at run time (the defaulted form became a memcmp call).
    friend constexpr bool operator==(const mac_address& a, const mac_address& b) noexcept {
        if (std::is_constant_evaluated()) return a.octets == b.octets;
        std::uint32_t a4, b4;
        std::uint16_t a2, b2;
        std::memcpy(&a4, a.octets.data(), 4);
        std::memcpy(&b4, b.octets.data(), 4);
        std::memcpy(&a2, a.octets.data() + 4, 2);
        std::memcpy(&b2, b.octets.data() + 4, 2);
        return ((a4 ^ b4) | std::uint32_t(a2 ^ b2)) == 0;
    }
    friend constexpr auto operator<=>(const mac_address&, const mac_address&) noexcept = default;

  private:
    static constexpr int hex(char c) noexcept {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
};

}  // namespace softmac

/// @brief Hashes an address by its six octets (the BSS and peer tables' indexes).
template <>
struct std::hash<softmac::mac_address> {
    std::size_t operator()(const softmac::mac_address& a) const noexcept {
        return std::hash<std::uint64_t>{}(a.key());
    }
};
