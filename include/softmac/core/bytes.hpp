// SPDX-License-Identifier: MIT
/// @file Defines byte spans, little/big-endian field access and a bounds-checked byte writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace softmac {

using bytes_view = std::span<const std::uint8_t>;  ///< read-only bytes
using bytes_span = std::span<std::uint8_t>;        ///< writable bytes

/// @brief Bytes of a string (no terminator).
inline bytes_view as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// @brief The value of one hexadecimal digit, -1 for any other character.
constexpr int hex_digit(char c) noexcept {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}
/// @brief Decodes two hexadecimal digits per octet into `out`; false unless `s` is exactly
/// 2 * out.size() digits.
constexpr bool from_hex(std::string_view s, bytes_span out) noexcept {
    if (s.size() != 2 * out.size()) return false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return true;
}

/// @brief Two lower-case hexadecimal digits per octet.
inline std::string to_hex(bytes_view b) {
    constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * b.size());
    for (std::uint8_t v : b) {
        s += digits[v >> 4];
        s += digits[v & 0xf];
    }
    return s;
}

/// @name Field access; the caller guarantees the bytes are there.
/// @{
constexpr std::uint16_t load_le16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
constexpr std::uint16_t load_be16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
constexpr std::uint32_t load_le32(const std::uint8_t* p) noexcept {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
           (std::uint32_t(p[3]) << 24);
}
constexpr std::uint32_t load_be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
}
constexpr std::uint64_t load_le64(const std::uint8_t* p) noexcept {
    return std::uint64_t(load_le32(p)) | (std::uint64_t(load_le32(p + 4)) << 32);
}
constexpr void store_le16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = std::uint8_t(v);
    p[1] = std::uint8_t(v >> 8);
}
constexpr void store_be16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = std::uint8_t(v >> 8);
    p[1] = std::uint8_t(v);
}
constexpr void store_le32(std::uint8_t* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
constexpr void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(v >> (24 - 8 * i));
}
constexpr void store_le64(std::uint8_t* p, std::uint64_t v) noexcept {
    for (int i = 0; i < 8; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
/// @}

/// @brief Appends fields to a fixed span; an overflow is sticky and reported by ok().
class byte_writer {
  public:
    constexpr explicit byte_writer(bytes_span out) noexcept : out_(out) {}

    constexpr bool ok() const noexcept { return !overflow_; }
    constexpr std::size_t size() const noexcept { return pos_; }
    constexpr bytes_view written() const noexcept { return out_.first(pos_); }
    constexpr std::uint8_t* data() noexcept { return out_.data(); }

    /// @brief Reserves n bytes and returns them, or nullptr after an overflow.
    constexpr std::uint8_t* reserve(std::size_t n) noexcept {
        if (overflow_ || out_.size() - pos_ < n) {
            overflow_ = true;
            return nullptr;
        }
        std::uint8_t* p = out_.data() + pos_;
        pos_ += n;
        return p;
    }
    constexpr byte_writer& u8(std::uint8_t v) noexcept {
        if (auto* p = reserve(1)) *p = v;
        return *this;
    }
    constexpr byte_writer& le16(std::uint16_t v) noexcept {
        if (auto* p = reserve(2)) store_le16(p, v);
        return *this;
    }
    constexpr byte_writer& be16(std::uint16_t v) noexcept {
        if (auto* p = reserve(2)) store_be16(p, v);
        return *this;
    }
    constexpr byte_writer& le32(std::uint32_t v) noexcept {
        if (auto* p = reserve(4)) store_le32(p, v);
        return *this;
    }
    constexpr byte_writer& be32(std::uint32_t v) noexcept {
        if (auto* p = reserve(4)) store_be32(p, v);
        return *this;
    }
    constexpr byte_writer& le64(std::uint64_t v) noexcept {
        if (auto* p = reserve(8)) store_le64(p, v);
        return *this;
    }
    byte_writer& raw(bytes_view b) noexcept {
        if (auto* p = reserve(b.size()); p && !b.empty()) std::memcpy(p, b.data(), b.size());
        return *this;
    }
    byte_writer& raw(std::string_view s) noexcept { return raw(as_bytes(s)); }
    constexpr byte_writer& zeros(std::size_t n) noexcept {
        if (auto* p = reserve(n))
            for (std::size_t i = 0; i < n; ++i) p[i] = 0;
        return *this;
    }

  private:
    bytes_span out_;
    std::size_t pos_ = 0;
    bool overflow_ = false;
};

/// @brief Reads fields from a span front to back; running short is sticky and reported by ok().
class byte_reader {
  public:
    constexpr explicit byte_reader(bytes_view in) noexcept : in_(in) {}

    constexpr bool ok() const noexcept { return !short_; }
    constexpr std::size_t offset() const noexcept { return pos_; }
    constexpr std::size_t remaining() const noexcept { return in_.size() - pos_; }
    constexpr bytes_view rest() const noexcept { return in_.subspan(pos_); }

    constexpr bytes_view take(std::size_t n) noexcept {
        if (short_ || remaining() < n) {
            short_ = true;
            return {};
        }
        bytes_view v = in_.subspan(pos_, n);
        pos_ += n;
        return v;
    }
    constexpr std::uint8_t u8() noexcept {
        auto b = take(1);
        return b.empty() ? 0 : b[0];
    }
    constexpr std::uint16_t le16() noexcept {
        auto b = take(2);
        return b.empty() ? 0 : load_le16(b.data());
    }
    constexpr std::uint16_t be16() noexcept {
        auto b = take(2);
        return b.empty() ? 0 : load_be16(b.data());
    }
    constexpr std::uint32_t le32() noexcept {
        auto b = take(4);
        return b.empty() ? 0 : load_le32(b.data());
    }
    constexpr std::uint32_t be32() noexcept {
        auto b = take(4);
        return b.empty() ? 0 : load_be32(b.data());
    }
    constexpr std::uint64_t le64() noexcept {
        auto b = take(8);
        return b.empty() ? 0 : load_le64(b.data());
    }

  private:
    bytes_view in_;
    std::size_t pos_ = 0;
    bool short_ = false;
};

}  // namespace softmac
