// SPDX-License-Identifier: MIT
/// @file Defines data-frame payload helpers: LLC/SNAP (RFC 1042, bridge-tunnel), A-MSDU subframes,
/// EAPOL.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/cursor.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>

namespace softmac::ieee80211 {

namespace ethertype {
inline constexpr std::uint16_t ipv4 = 0x0800, arp = 0x0806, aarp = 0x80f3, ipx = 0x8137,
                               ipv6 = 0x86dd, eapol = 0x888e, tdls = 0x890d;
}

/// @brief LLC/SNAP headers: AA AA 03 + OUI. RFC 1042 uses OUI 00-00-00, bridge-tunnel 00-00-F8.
inline constexpr std::array<std::uint8_t, 6> rfc1042_header{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00};
inline constexpr std::array<std::uint8_t, 6> bridge_tunnel_header{0xaa, 0xaa, 0x03,
                                                                  0x00, 0x00, 0xf8};

/// @brief The SNAP encapsulation 802.1H prescribes for an ethertype.
constexpr const std::array<std::uint8_t, 6>& snap_for(std::uint16_t type) noexcept {
    return (type == ethertype::aarp || type == ethertype::ipx) ? bridge_tunnel_header
                                                               : rfc1042_header;
}

/// @brief An LLC/SNAP header with its ethertype: 8 octets.
inline constexpr std::size_t snap_length = 8;

/// @brief An LLC/SNAP-encapsulated payload.
struct snap {
    bool bridge_tunnel = false;
    std::uint16_t ethertype = 0;
    bytes_view payload;

    /// @brief Recognises RFC 1042 and bridge-tunnel SNAP; anything else is errc::unsupported.
    static result<snap> parse(bytes_view b) noexcept {
        if (b.size() < snap_length) return make_error(errc::truncated, "LLC/SNAP header truncated");
        const bool rfc = std::equal(rfc1042_header.begin(), rfc1042_header.end(), b.begin());
        const bool bt =
            std::equal(bridge_tunnel_header.begin(), bridge_tunnel_header.end(), b.begin());
        if (!rfc && !bt) return make_error(errc::unsupported, "not RFC 1042 or bridge-tunnel SNAP");
        return snap{bt, load_be16(b.data() + 6), b.subspan(snap_length)};
    }
};

inline void write_snap(byte_writer& w, std::uint16_t type) noexcept {
    w.raw(snap_for(type)).be16(type);
}

/// @brief One A-MSDU subframe: DA, SA, and its MSDU (usually LLC/SNAP).
struct amsdu_subframe {
    mac_address da, sa;
    bytes_view msdu;
};

/// @brief A validated A-MSDU: subframes of 14-octet header + MSDU, padded to 4 octets but the last.
class amsdu_range {
  public:
    class iterator : public ::softmac::detail::cursor<iterator, amsdu_subframe> {
      public:
        iterator() = default;
        amsdu_subframe read() const noexcept {
            return {mac_address::from(p), mac_address::from(p + 6), {p + 14, load_be16(p + 12)}};
        }
        void advance() noexcept {
            const std::size_t padded = (14 + load_be16(p + 12) + 3) & ~std::size_t(3);
            p = (end - p > static_cast<std::ptrdiff_t>(padded)) ? p + padded : end;
        }

      private:
        friend class amsdu_range;
        iterator(const std::uint8_t* at, const std::uint8_t* last) noexcept : cursor(at, last) {}
    };

    static result<amsdu_range> parse(bytes_view b) noexcept {
        std::size_t off = 0;
        if (b.empty()) return make_error(errc::truncated, "empty A-MSDU");
        while (off < b.size()) {
            if (b.size() - off < 14)
                return make_error(errc::truncated, "A-MSDU subframe header truncated", off);
            const std::size_t n = 14 + load_be16(b.data() + off + 12);
            if (b.size() - off < n)
                return make_error(errc::overrun, "A-MSDU subframe overruns", off);
            const std::size_t padded = (n + 3) & ~std::size_t(3);
            if (b.size() - off <= padded) break;  // last subframe (padding optional)
            off += padded;
        }
        return amsdu_range(b);
    }
    iterator begin() const noexcept { return {b_.data(), b_.data() + b_.size()}; }
    iterator end() const noexcept { return {b_.data() + b_.size(), b_.data() + b_.size()}; }

  private:
    explicit amsdu_range(bytes_view b) noexcept : b_(b) {}
    bytes_view b_;
};

/// @brief Appends one A-MSDU subframe with its LLC/SNAP header; pads the previous one first.
inline void write_amsdu_subframe(byte_writer& w, const mac_address& da, const mac_address& sa,
                                 std::uint16_t type, bytes_view payload, bool pad_before) noexcept {
    if (pad_before) w.zeros((4 - (w.size() % 4)) % 4);
    w.raw(da.bytes()).raw(sa.bytes()).be16(static_cast<std::uint16_t>(8 + payload.size()));
    write_snap(w, type);
    w.raw(payload);
}

/// @brief EAPOL header (version, packet type, body length).
struct eapol {
    std::uint8_t version = 0, type = 0;
    bytes_view body;
    static result<eapol> parse(bytes_view b) noexcept {
        if (b.size() < 4) return make_error(errc::truncated, "EAPOL header truncated");
        const std::uint16_t len = load_be16(b.data() + 2);
        if (b.size() - 4 < len) return make_error(errc::overrun, "EAPOL body length overruns");
        return eapol{b[0], b[1], b.subspan(4, len)};
    }
};

}  // namespace softmac::ieee80211
