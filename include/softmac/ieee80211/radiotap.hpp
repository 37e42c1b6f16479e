// SPDX-License-Identifier: MIT
/// @file Defines radiotap: parsing (extended present bitmaps, vendor namespaces, alignment) and
/// building.
#pragma once

#include <cstdint>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::ieee80211::radiotap {

/// @brief Present-bitmap bit numbers.
namespace field {
inline constexpr unsigned tsft = 0, flags = 1, rate = 2, channel = 3, fhss = 4, dbm_antsignal = 5,
                          dbm_antnoise = 6, antenna = 11, rx_flags = 14, tx_flags = 15, mcs = 19,
                          ampdu = 20, vht = 21, radiotap_ns = 29, vendor_ns = 30, ext = 31;
}
/// @brief Flags field bits.
namespace flag {
inline constexpr std::uint8_t cfp = 0x01, short_preamble = 0x02, wep = 0x04, frag = 0x08,
                              fcs_at_end = 0x10, data_pad = 0x20, bad_fcs = 0x40, short_gi = 0x80;
}
/// @brief Channel flags.
namespace chan {
inline constexpr std::uint16_t cck = 0x0020, ofdm = 0x0040, ghz2 = 0x0080, ghz5 = 0x0100,
                               passive = 0x0200, dynamic = 0x0400;
}

/// @brief Alignment and size of fields 0..27 of the radiotap namespace.
struct field_layout {
    std::uint8_t align, size;
};
inline constexpr field_layout layouts[28] = {
    {8, 8}, {1, 1},  {1, 1},  {2, 4},  {1, 2},  {1, 1}, {1, 1}, {2, 2}, {2, 2}, {2, 2},
    {1, 1}, {1, 1},  {1, 1},  {1, 1},  {2, 2},  {2, 2}, {1, 1}, {1, 1}, {4, 8}, {1, 3},
    {4, 8}, {2, 12}, {8, 12}, {2, 12}, {2, 12}, {2, 6}, {1, 1}, {2, 4}};

/// @brief What softmac reads from a radiotap header; `known` marks the decoded fields.
struct info {
    std::uint16_t length = 0;   ///< header length: the 802.11 frame starts here
    std::uint32_t present = 0;  ///< first present word
    std::uint32_t known = 0;    ///< bits of the fields decoded below
    bool complete = true;       ///< false if an unknown field stopped decoding
    std::uint64_t tsft = 0;
    std::uint8_t flags = 0;
    std::uint8_t rate = 0;  ///< 500 kbit/s units
    std::uint16_t channel_freq = 0, channel_flags = 0;
    std::int8_t dbm_antsignal = 0, dbm_antnoise = 0;
    std::uint8_t antenna = 0;

    bool has(unsigned bit) const noexcept { return (known >> bit) & 1u; }
    bool fcs_at_end() const noexcept { return has(field::flags) && (flags & flag::fcs_at_end); }
    bool bad_fcs() const noexcept { return has(field::flags) && (flags & flag::bad_fcs); }
    bool data_pad() const noexcept { return has(field::flags) && (flags & flag::data_pad); }
};

/// @brief Parses a radiotap header at the start of a captured packet.
inline result<info> parse(bytes_view b) noexcept {
    if (b.size() < 8) return make_error(errc::truncated, "radiotap header truncated");
    if (b[0] != 0) return make_error(errc::unsupported, "radiotap version is not 0");
    info out;
    out.length = load_le16(b.data() + 2);
    if (out.length < 8) return make_error(errc::bad_length, "radiotap length below 8");
    if (out.length > b.size())
        return make_error(errc::overrun, "radiotap length beyond the packet");
    const bytes_view h = b.first(out.length);
    out.present = load_le32(h.data() + 4);

    // Walk the present words to find where the fields begin.
    std::size_t words_end = 8;
    for (std::uint32_t w = out.present; w & (1u << field::ext);) {
        if (words_end + 4 > h.size())
            return make_error(errc::overrun, "present bitmaps beyond the header", words_end);
        w = load_le32(h.data() + words_end);
        words_end += 4;
    }

    std::size_t off = words_end;
    bool radiotap_ns = true;
    std::size_t vendor_skip = 0;
    unsigned bit_base = 0;  // 0 for the first word of a radiotap namespace, +32 per extension
    for (std::size_t wp = 4; wp < words_end; wp += 4) {
        const std::uint32_t word = load_le32(h.data() + wp);
        if (!radiotap_ns) {
            // Vendor namespace: its data is skip_length bytes announced in the namespace header.
            off += vendor_skip;
            if (off > h.size())
                return make_error(errc::overrun, "vendor namespace beyond the header", off);
        } else {
            for (unsigned bit = 0; bit < 29; ++bit) {
                if (!((word >> bit) & 1u)) continue;
                if (bit >= 28 || bit_base > 0) {
                    out.complete = false;  // TLVs or fields of later words: not decoded
                    return out;
                }
                const field_layout l = layouts[bit];
                off = (off + l.align - 1) & ~std::size_t(l.align - 1);
                if (off + l.size > h.size())
                    return make_error(errc::overrun, "radiotap field beyond the header", off);
                const std::uint8_t* p = h.data() + off;
                if (out.has(bit)) {  // a later namespace (another antenna): keep the first value
                    off += l.size;
                    continue;
                }
                switch (bit) {
                    case field::tsft:
                        out.tsft = load_le64(p);
                        break;
                    case field::flags:
                        out.flags = p[0];
                        break;
                    case field::rate:
                        out.rate = p[0];
                        break;
                    case field::channel:
                        out.channel_freq = load_le16(p);
                        out.channel_flags = load_le16(p + 2);
                        break;
                    case field::dbm_antsignal:
                        out.dbm_antsignal = static_cast<std::int8_t>(p[0]);
                        break;
                    case field::dbm_antnoise:
                        out.dbm_antnoise = static_cast<std::int8_t>(p[0]);
                        break;
                    case field::antenna:
                        out.antenna = p[0];
                        break;
                    default:
                        break;
                }
                out.known |= 1u << bit;
                off += l.size;
            }
        }
        bit_base += 32;
        if (word & (1u << field::vendor_ns)) {
            off = (off + 1) & ~std::size_t(1);
            if (off + 6 > h.size())
                return make_error(errc::overrun, "vendor namespace header beyond the header", off);
            vendor_skip = load_le16(h.data() + off + 4);
            off += 6;
            radiotap_ns = false;
        } else if (word & (1u << field::radiotap_ns)) {
            radiotap_ns = true;
            bit_base = 0;  // a new radiotap namespace restarts its bit numbering
        }
    }
    return out;
}

/// @brief The fields softmac writes (TSFT, flags, rate, channel, antenna signal).
struct tx_fields {
    std::uint64_t tsft = 0;
    std::uint8_t flags = 0;
    std::uint8_t rate = 2;  ///< 500 kbit/s units
    std::uint16_t channel_freq = 2412;
    std::uint16_t channel_flags = chan::ghz2 | chan::cck;
    std::int8_t dbm_antsignal = -50;
};

/// @brief Writes a 25-byte radiotap header: TSFT, Flags, Rate, Channel, dBm antenna signal (+pad).
inline void write(byte_writer& w, const tx_fields& f) noexcept {
    constexpr std::uint32_t present = (1u << field::tsft) | (1u << field::flags) |
                                      (1u << field::rate) | (1u << field::channel) |
                                      (1u << field::dbm_antsignal);
    w.u8(0).u8(0).le16(8 + 8 + 1 + 1 + 4 + 1).le32(present);
    w.le64(f.tsft).u8(f.flags).u8(f.rate).le16(f.channel_freq).le16(f.channel_flags);
    w.u8(static_cast<std::uint8_t>(f.dbm_antsignal));
}

}  // namespace softmac::ieee80211::radiotap
