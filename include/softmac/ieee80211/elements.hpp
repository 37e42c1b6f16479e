// SPDX-License-Identifier: MIT
/// @file Defines the bounds-checked element sequence (a range), typed element accessors and
/// builders.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/cursor.hpp>
#include <softmac/core/result.hpp>

namespace softmac::ieee80211 {

/// @brief Element IDs softmac knows by name.
namespace eid {
inline constexpr std::uint8_t ssid = 0, supported_rates = 1, ds_params = 3, cf_params = 4, tim = 5,
                              ibss_params = 6, country = 7, request = 10, bss_load = 11,
                              edca_params = 12, challenge_text = 16, power_constraint = 32,
                              power_capability = 33, tpc_report = 35, supported_channels = 36,
                              csa = 37, quiet = 40, erp = 42, ht_capabilities = 45,
                              qos_capability = 46, rsn = 48, extended_rates = 50,
                              mobility_domain = 54, fast_bss_transition = 55, timeout_interval = 56,
                              supported_op_classes = 59, ht_operation = 61,
                              secondary_channel_offset = 62, rm_enabled_capabilities = 70,
                              bss_intolerant_report = 72, obss_scan_params = 74, mme = 76,
                              interworking = 107, advertisement_protocol = 108,
                              roaming_consortium = 111, mesh_id = 114, extended_capabilities = 127,
                              vht_capabilities = 191, vht_operation = 192, vendor_specific = 221,
                              extension = 255;
}

/// @brief One element: its ID, its extension ID when ID is 255, and its body.
struct element {
    std::uint8_t id = 0;
    bytes_view data;  ///< for ID 255 the body after the extension ID
    std::uint8_t ext_id = 0;

    bool is_extension() const noexcept { return id == eid::extension; }
    /// @brief Vendor-specific: OUI and type match (3-octet OUI + 1-octet type).
    bool is_vendor(std::uint32_t oui_type) const noexcept {
        return id == eid::vendor_specific && data.size() >= 4 && load_be32(data.data()) == oui_type;
    }
};

namespace detail {
/// The length facts of the element IDs that have them: the shortest a reader takes (the fixed
/// part), the longest a reader takes, and the longest the standard makes it (tshark flags a
/// longer one). wpa_supplicant's ieee802_11_parse_elems ignores a DS Parameter Set, ERP, HT or
/// VHT element shorter than its fixed part and an SSID over 32 octets, and reads the fixed part
/// of a longer one, as mac80211's element parser does; the frame is kept either way.
struct length_fact {
    std::uint8_t id, min, reader_max, standard_max;
};
inline constexpr length_fact length_facts[] = {
    {eid::ssid, 0, 32, 32},
    {eid::ds_params, 1, 255, 1},
    {eid::tim, 4, 255, 255},
    {eid::ht_capabilities, 26, 255, 26},
    {eid::ht_operation, 22, 255, 22},
    {eid::obss_scan_params, 14, 255, 14},
    {eid::erp, 1, 255, 1},
    {eid::extension, 1, 255, 255},
    {eid::vht_capabilities, 12, 255, 12},
    {eid::vht_operation, 5, 255, 5},
};
/// What a reader takes of each ID, two octets an entry, as the walk of every received frame
/// reads it.
struct length_rule {
    std::uint8_t min = 0, max = 255;
};
inline constexpr std::array<length_rule, 256> length_rules = [] {
    std::array<length_rule, 256> t{};
    for (const auto& f : length_facts) t[f.id] = {f.min, f.reader_max};
    return t;
}();
/// The longest the standard makes each ID, for the dissector only.
inline constexpr std::array<std::uint8_t, 256> standard_max = [] {
    std::array<std::uint8_t, 256> t{};
    t.fill(255);
    for (const auto& f : length_facts) t[f.id] = f.standard_max;
    return t;
}();
/// Whether a reader takes the element at `p` (its header in bounds).
constexpr bool fits(const std::uint8_t* p) noexcept {
    const length_rule rule = length_rules[p[0]];
    return p[1] >= rule.min && p[1] <= rule.max;
}

}  // namespace detail

/// @brief Validates and visits an element sequence in one pass: f(element) is called for each
/// element once its header and length are checked, so elements before a fault are visited. An
/// element shorter than its ID's fixed part, or an SSID over 32 octets, is skipped, not a fault
/// (detail::length_rules).
/// @return the number of elements, skipped ones included, or the first fault with its offset
template <class F>
constexpr result<std::size_t> for_each_element(bytes_view body, F&& f) {
    std::size_t off = 0, n = 0;
    while (off < body.size()) {
        if (body.size() - off < 2)
            return make_error(errc::truncated, "element header truncated", off);
        const std::uint8_t* p = body.data() + off;
        const std::size_t len = p[1];
        if (body.size() - off - 2 < len)
            return make_error(errc::overrun, "element overruns its frame", off);
        if (detail::fits(p)) {  // else ignored
            if (p[0] == eid::extension)
                f(element{p[0], {p + 3, len - 1}, p[2]});
            else
                f(element{p[0], {p + 2, len}, 0});
        }
        off += 2 + len;
        ++n;
    }
    return n;
}

/// @brief A validated element sequence; iterating it performs no further checks. It visits
/// what for_each_element visits: an element a reader does not take is skipped (only a range that
/// holds one pays for looking).
///
/// Model of std::ranges::forward_range (and range-v3's), so views compose on it.
class element_range {
  public:
    /// Its `end` is the range's end when elements are to be skipped, else null.
    class iterator : public ::softmac::detail::cursor<iterator, element> {
      public:
        iterator() = default;
        element read() const noexcept {  // an extension element has its ID (fits)
            const std::uint8_t id = p[0], len = p[1];
            if (id == eid::extension) return {id, {p + 3, std::size_t(len - 1)}, p[2]};
            return {id, {p + 2, len}, 0};
        }
        void advance() noexcept {
            p += 2 + p[1];
            if (end) skip();
        }

      private:
        friend class element_range;
        iterator(const std::uint8_t* at, const std::uint8_t* skip_to) noexcept
            : cursor(at, skip_to) {}
        void skip() noexcept {
            while (p != end && !detail::fits(p)) p += 2 + p[1];
        }
    };

    element_range() = default;

    /// @brief Checks every element header against the end of the span (an element a reader does
    /// not take is kept, and skipped by iteration).
    static result<element_range> parse(bytes_view body) noexcept {
        std::size_t visited = 0;
        auto r = for_each_element(body, [&visited](const element&) { ++visited; });
        if (!r) return r.err();
        return element_range(body, visited != *r);
    }

    iterator begin() const noexcept {
        const std::uint8_t* const last = bytes_.data() + bytes_.size();
        iterator it(bytes_.data(), skips_ ? last : nullptr);
        if (skips_) it.skip();
        return it;
    }
    iterator end() const noexcept { return iterator(bytes_.data() + bytes_.size(), nullptr); }
    /// @brief Whether iteration visits nothing.
    bool empty() const noexcept { return begin() == end(); }
    /// @brief The offset of the first element whose length is not one the standard gives its ID
    /// (what tshark flags, a reader may still take it), if any.
    std::optional<std::size_t> nonstandard_at() const noexcept {
        for (std::size_t off = 0; off < bytes_.size(); off += 2 + bytes_[off + 1]) {
            const std::uint8_t id = bytes_[off], len = bytes_[off + 1];
            if (len < detail::length_rules[id].min || len > detail::standard_max[id]) return off;
        }
        return std::nullopt;
    }
    bytes_view bytes() const noexcept { return bytes_; }

    /// @brief First element with this ID (and extension ID, for 255).
    std::optional<element> find(std::uint8_t id, std::uint8_t ext_id = 0) const noexcept {
        for (element e : *this)
            if (e.id == id && (id != eid::extension || e.ext_id == ext_id)) return e;
        return std::nullopt;
    }
    /// @brief First vendor-specific element with this OUI and type.
    std::optional<element> find_vendor(std::uint32_t oui_type) const noexcept {
        for (element e : *this)
            if (e.is_vendor(oui_type)) return e;
        return std::nullopt;
    }

  private:
    element_range(bytes_view b, bool skips) noexcept : bytes_(b), skips_(skips) {}

    bytes_view bytes_;
    bool skips_ = false;  ///< it holds an element to skip
};

/// @brief Name of an element ID (standard wording), or "Unknown".
constexpr std::string_view element_name(std::uint8_t id) noexcept {
    switch (id) {
        case eid::ssid:
            return "SSID";
        case eid::supported_rates:
            return "Supported Rates";
        case eid::ds_params:
            return "DS Parameter Set";
        case eid::cf_params:
            return "CF Parameter Set";
        case eid::tim:
            return "TIM";
        case eid::ibss_params:
            return "IBSS Parameter Set";
        case eid::country:
            return "Country";
        case eid::request:
            return "Request";
        case eid::bss_load:
            return "BSS Load";
        case eid::edca_params:
            return "EDCA Parameter Set";
        case eid::challenge_text:
            return "Challenge Text";
        case eid::power_constraint:
            return "Power Constraint";
        case eid::power_capability:
            return "Power Capability";
        case eid::tpc_report:
            return "TPC Report";
        case eid::supported_channels:
            return "Supported Channels";
        case eid::csa:
            return "Channel Switch Announcement";
        case eid::quiet:
            return "Quiet";
        case eid::erp:
            return "ERP Information";
        case eid::ht_capabilities:
            return "HT Capabilities";
        case eid::qos_capability:
            return "QoS Capability";
        case eid::rsn:
            return "RSN";
        case eid::extended_rates:
            return "Extended Supported Rates";
        case eid::mobility_domain:
            return "Mobility Domain";
        case eid::fast_bss_transition:
            return "Fast BSS Transition";
        case eid::timeout_interval:
            return "Timeout Interval";
        case eid::supported_op_classes:
            return "Supported Operating Classes";
        case eid::ht_operation:
            return "HT Operation";
        case eid::secondary_channel_offset:
            return "Secondary Channel Offset";
        case eid::rm_enabled_capabilities:
            return "RM Enabled Capabilities";
        case eid::bss_intolerant_report:
            return "20/40 BSS Intolerant Channel Report";
        case eid::obss_scan_params:
            return "Overlapping BSS Scan Parameters";
        case eid::mme:
            return "Management MIC";
        case eid::interworking:
            return "Interworking";
        case eid::advertisement_protocol:
            return "Advertisement Protocol";
        case eid::roaming_consortium:
            return "Roaming Consortium";
        case eid::mesh_id:
            return "Mesh ID";
        case eid::extended_capabilities:
            return "Extended Capabilities";
        case eid::vht_capabilities:
            return "VHT Capabilities";
        case eid::vht_operation:
            return "VHT Operation";
        case eid::vendor_specific:
            return "Vendor Specific";
        case eid::extension:
            return "Element ID Extension";
        default:
            return "Unknown";
    }
}

/// @brief OUI + type constants of vendor-specific elements.
namespace vendor {
inline constexpr std::uint32_t p2p = 0x506f9a09;  ///< Wi-Fi Alliance P2P IE
inline constexpr std::uint32_t wfd = 0x506f9a0a;  ///< Wi-Fi Display IE
inline constexpr std::uint32_t wps = 0x0050f204;  ///< Microsoft WPS IE
inline constexpr std::uint32_t wmm = 0x0050f202;  ///< Microsoft WMM/WME
}  // namespace vendor

// ----------------------------------------------------------------------------------------------
// Typed accessors: each checks its body and returns an error on a short one.

/// @brief One rate octet: bit 7 = basic rate, bits 0–6 = rate in 500 kbit/s.
struct rate_octet {
    std::uint8_t raw;
    constexpr bool basic() const noexcept { return (raw & 0x80) != 0; }
    constexpr unsigned kbps() const noexcept { return (raw & 0x7fu) * 500u; }
};

inline std::string_view ssid_of(const element& e) noexcept {
    return {reinterpret_cast<const char*>(e.data.data()), e.data.size()};
}

inline result<std::uint8_t> ds_channel_of(const element& e) noexcept {
    if (e.data.size() != 1) return make_error(errc::bad_length, "DS Parameter Set length is not 1");
    return e.data[0];
}

/// @brief TIM: DTIM count, DTIM period, bitmap control and partial virtual bitmap.
struct tim {
    std::uint8_t dtim_count, dtim_period, bitmap_control;
    bytes_view partial_bitmap;
    static result<tim> parse(const element& e) noexcept {
        if (e.data.size() < 4) return make_error(errc::bad_length, "TIM shorter than 4 octets");
        return tim{e.data[0], e.data[1], e.data[2], e.data.subspan(3)};
    }
};

/// @brief Country: two letters + environment, then (first channel, count, max power) triplets.
struct country {
    char code[3];
    bytes_view triplets;
    static result<country> parse(const element& e) noexcept {
        if (e.data.size() < 3) return make_error(errc::bad_length, "Country shorter than 3 octets");
        return country{{char(e.data[0]), char(e.data[1]), char(e.data[2])}, e.data.subspan(3)};
    }
};

/// @brief Cipher and AKM suite selectors of OUI 00-0F-AC (IEEE 802.11 Tables 9-149 and 9-151),
/// as the RSN element, EAPOL-Key and nl80211 carry them in 32 bits.
namespace suite {
inline constexpr std::uint32_t wep40 = 0x000fac01, tkip = 0x000fac02, ccmp = 0x000fac04,
                               wep104 = 0x000fac05;
inline constexpr std::uint32_t akm_psk = 0x000fac02;
}  // namespace suite

/// @brief RSN: version, group cipher, pairwise and AKM suite lists, capabilities.
struct rsn {
    std::uint16_t version = 0;
    std::uint32_t group_cipher = 0;
    bytes_view pairwise;  ///< 4 octets per suite
    bytes_view akms;      ///< 4 octets per suite
    std::uint16_t capabilities = 0;

    std::size_t pairwise_count() const noexcept { return pairwise.size() / 4; }
    std::size_t akm_count() const noexcept { return akms.size() / 4; }
    std::uint32_t pairwise_suite(std::size_t i) const noexcept {
        return load_be32(pairwise.data() + 4 * i);
    }
    std::uint32_t akm_suite(std::size_t i) const noexcept { return load_be32(akms.data() + 4 * i); }
    /// @brief Whether the pairwise cipher list names `suite`.
    bool offers_pairwise(std::uint32_t suite) const noexcept { return names(pairwise, suite); }
    /// @brief Whether the AKM list names `suite`.
    bool offers_akm(std::uint32_t suite) const noexcept { return names(akms, suite); }

    static result<rsn> parse(const element& e) noexcept {
        byte_reader r(e.data);
        rsn out;
        out.version = r.le16();
        if (!r.ok()) return make_error(errc::bad_length, "RSN without version");
        if (r.remaining() == 0) return out;
        out.group_cipher = r.be32();
        if (r.remaining() == 0) return out;
        const std::uint16_t np = r.le16();
        out.pairwise = r.take(std::size_t(np) * 4);
        if (!r.ok())
            return make_error(errc::bad_length, "RSN pairwise suite count exceeds the element");
        if (r.remaining() == 0) return out;
        const std::uint16_t na = r.le16();
        out.akms = r.take(std::size_t(na) * 4);
        if (!r.ok()) return make_error(errc::bad_length, "RSN AKM suite count exceeds the element");
        if (r.remaining() >= 2) out.capabilities = r.le16();
        return out;
    }

  private:
    static bool names(bytes_view list, std::uint32_t suite) noexcept {
        for (std::size_t i = 0; i + 4 <= list.size(); i += 4)
            if (load_be32(list.data() + i) == suite) return true;
        return false;
    }
};

/// @brief HT Capabilities (26 octets; of a longer one, the first 26): the fields softmac uses.
struct ht_capabilities {
    std::uint16_t info;
    std::uint8_t ampdu_params;
    bytes_view mcs_set;  ///< 16 octets
    static result<ht_capabilities> parse(const element& e) noexcept {
        if (e.data.size() < 26)
            return make_error(errc::bad_length, "HT Capabilities shorter than 26 octets");
        return ht_capabilities{load_le16(e.data.data()), e.data[2], e.data.subspan(3, 16)};
    }
};

/// @brief HT Operation (22 octets; of a longer one, the first 22).
struct ht_operation {
    std::uint8_t primary_channel;
    std::uint8_t info[5];
    bytes_view basic_mcs_set;
    constexpr std::uint8_t secondary_offset() const noexcept { return info[0] & 0x3; }
    static result<ht_operation> parse(const element& e) noexcept {
        if (e.data.size() < 22)
            return make_error(errc::bad_length, "HT Operation shorter than 22 octets");
        return ht_operation{e.data[0],
                            {e.data[1], e.data[2], e.data[3], e.data[4], e.data[5]},
                            e.data.subspan(6, 16)};
    }
};

/// @brief Vendor Specific: OUI (3 octets), then the vendor's content.
struct vendor_element {
    std::uint32_t oui;
    bytes_view payload;
    static result<vendor_element> parse(const element& e) noexcept {
        if (e.data.size() < 3)
            return make_error(errc::bad_length, "Vendor Specific shorter than its OUI");
        return vendor_element{
            std::uint32_t(e.data[0]) << 16 | std::uint32_t(e.data[1]) << 8 | e.data[2],
            e.data.subspan(3)};
    }
};

// ----------------------------------------------------------------------------------------------
// Builders: append one element to a byte_writer (overflow is sticky in the writer).

namespace put {

inline void raw(byte_writer& w, std::uint8_t id, bytes_view body) noexcept {
    if (body.size() > 255) {
        w.reserve(w.ok() ? std::size_t(-1) : 0);  // force the sticky overflow
        return;
    }
    w.u8(id).u8(std::uint8_t(body.size())).raw(body);
}
inline void extension(byte_writer& w, std::uint8_t ext_id, bytes_view body) noexcept {
    if (body.size() > 254) {
        w.reserve(std::size_t(-1));
        return;
    }
    w.u8(eid::extension).u8(std::uint8_t(body.size() + 1)).u8(ext_id).raw(body);
}
inline void ssid(byte_writer& w, std::string_view s) noexcept {
    raw(w, eid::ssid, as_bytes(s.size() <= 32 ? s : s.substr(0, 32)));
}
/// @brief Rates in 500 kbit/s units with the basic bit; more than 8 spill into Extended Supported
/// Rates.
inline void rates(byte_writer& w, bytes_view octets) noexcept {
    raw(w, eid::supported_rates, octets.first(octets.size() < 8 ? octets.size() : 8));
    if (octets.size() > 8) raw(w, eid::extended_rates, octets.subspan(8));
}
inline void ds_params(byte_writer& w, std::uint8_t channel) noexcept {
    w.u8(eid::ds_params).u8(1).u8(channel);
}
inline void tim(byte_writer& w, std::uint8_t count, std::uint8_t period, std::uint8_t control,
                bytes_view bitmap) noexcept {
    const std::size_t n = bitmap.empty() ? 1 : bitmap.size();
    w.u8(eid::tim).u8(std::uint8_t(3 + n)).u8(count).u8(period).u8(control);
    if (bitmap.empty())
        w.u8(0);
    else
        w.raw(bitmap);
}
/// @brief Country with one triplet (first channel, number of channels, max TX power dBm).
inline void country(byte_writer& w, std::string_view code, std::uint8_t first, std::uint8_t n,
                    std::uint8_t max_power) noexcept {
    w.u8(eid::country).u8(6);
    w.u8(code.size() > 0 ? std::uint8_t(code[0]) : 'X')
        .u8(code.size() > 1 ? std::uint8_t(code[1]) : 'X');
    w.u8(code.size() > 2 ? std::uint8_t(code[2]) : ' ');
    w.u8(first).u8(n).u8(max_power);
}
/// @brief RSN with one pairwise cipher and one AKM (the common WPA2-PSK shape).
inline void rsn(byte_writer& w, std::uint32_t group, std::uint32_t pairwise, std::uint32_t akm,
                std::uint16_t caps) noexcept {
    w.u8(eid::rsn).u8(20).le16(1).be32(group).le16(1).be32(pairwise).le16(1).be32(akm).le16(caps);
}
inline void ht_capabilities(byte_writer& w, std::uint16_t info, std::uint8_t ampdu,
                            std::uint8_t rx_mcs0 = 0xff) noexcept {
    w.u8(eid::ht_capabilities).u8(26).le16(info).u8(ampdu).u8(rx_mcs0).zeros(15);
    w.le16(0).le32(0).u8(0);
}
inline void ht_operation(byte_writer& w, std::uint8_t primary) noexcept {
    w.u8(eid::ht_operation).u8(22).u8(primary).zeros(5).zeros(16);
}
inline void vendor(byte_writer& w, std::uint32_t oui_type, bytes_view payload) noexcept {
    if (payload.size() > 251) {
        w.reserve(std::size_t(-1));
        return;
    }
    w.u8(eid::vendor_specific).u8(std::uint8_t(4 + payload.size())).be32(oui_type).raw(payload);
}

}  // namespace put

}  // namespace softmac::ieee80211
