// SPDX-License-Identifier: MIT
/// @file Defines the EAPOL-Key frame (IEEE 802.11 descriptor type 2): parse, build, Key Data
/// KDE iteration and the Key Information bits.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::ieee80211 {

/// @brief EAPOL packet types (IEEE 802.1X).
namespace eapol_type {
inline constexpr std::uint8_t eap_packet = 0, start = 1, logoff = 2, key = 3;
}

/// @brief EAPOL-Key descriptor types.
namespace key_descriptor {
inline constexpr std::uint8_t rsn = 2,  ///< IEEE 802.11
    wpa = 254;                          ///< WPA1 (not handled)
}

/// @brief Key Information bits (16-bit big-endian field at offset 5).
namespace key_info {
inline constexpr std::uint16_t version_mask = 0x0007,
                               version_hmac_sha1_aes = 2,  ///< HMAC-SHA1-128 MIC, AES key wrap
    pairwise = 0x0008, index_mask = 0x0030, install = 0x0040, ack = 0x0080, mic = 0x0100,
                               secure = 0x0200, error = 0x0400, request = 0x0800,
                               encrypted = 0x1000, smk = 0x2000;
/// What hostapd 2.10 / wpa_supplicant 2.10 send for WPA2-PSK with CCMP.
inline constexpr std::uint16_t msg1 = 0x008a, msg2 = 0x010a, msg3 = 0x13ca, msg4 = 0x030a,
                               group1 = 0x1382, group2 = 0x0302;
}  // namespace key_info

/// @brief Field offsets from the first octet of the EAPOL header (MIC length 16).
namespace eapol_key_offset {
inline constexpr std::size_t version = 0, packet_type = 1, body_length = 2, descriptor = 4,
                             info = 5, key_length = 7, replay_counter = 9, nonce = 17, iv = 49,
                             rsc = 65, reserved = 73, mic = 81, key_data_length = 97, key_data = 99;
}

inline constexpr std::size_t eapol_key_fixed_size = 99;  ///< EAPOL header + fixed key body
inline constexpr std::size_t eapol_key_mic_size = 16;    ///< HMAC-SHA1-128
inline constexpr std::size_t eapol_key_nonce_size = 32;

/// @brief A parsed EAPOL-Key frame; every view points into the frame given to parse().
struct eapol_key {
    bytes_view frame;  ///< EAPOL header through the last Key Data octet (trailing octets cut)
    std::uint8_t protocol_version = 0;
    std::uint16_t info = 0;
    std::uint16_t key_length = 0;
    std::uint64_t replay_counter = 0;
    bytes_view nonce;     ///< 32 octets
    bytes_view iv;        ///< 16 octets
    bytes_view rsc;       ///< 8 octets, least significant octet first
    bytes_view mic;       ///< 16 octets
    bytes_view key_data;  ///< Key Data Length octets

    constexpr std::uint8_t descriptor_version() const noexcept {
        return static_cast<std::uint8_t>(info & key_info::version_mask);
    }
    constexpr bool has(std::uint16_t bits) const noexcept { return (info & bits) == bits; }
    constexpr bool is_pairwise() const noexcept { return has(key_info::pairwise); }
    constexpr std::uint8_t key_index() const noexcept {
        return static_cast<std::uint8_t>((info & key_info::index_mask) >> 4);
    }
    /// @brief The 6 low octets of Key RSC as a PN (octet 0 is PN0).
    std::uint64_t rsc_pn() const noexcept {
        std::uint64_t v = 0;
        for (std::size_t i = 6; i-- > 0;) v = (v << 8) | rsc[i];
        return v;
    }

    /// @brief Parses a whole EAPOL frame (from the version octet) as an RSN EAPOL-Key frame,
    /// in wpa_supplicant's order: fixed size, packet type, body length, descriptor type, then
    /// Key Data Length against the body. Octets after the body are ignored.
    static result<eapol_key> parse(bytes_view b) noexcept {
        namespace off = eapol_key_offset;
        if (b.size() < eapol_key_fixed_size)
            return make_error(errc::truncated, "EAPOL-Key shorter than 99 octets", b.size());
        if (b[off::packet_type] != eapol_type::key)
            return make_error(errc::bad_value, "EAPOL packet is not a Key frame", off::packet_type);
        const std::size_t body = load_be16(b.data() + off::body_length);
        if (body > b.size() - 4)
            return make_error(errc::overrun, "EAPOL body length overruns the frame",
                              off::body_length);
        if (body < eapol_key_fixed_size - 4)
            return make_error(errc::bad_length, "EAPOL-Key body shorter than its fixed part",
                              off::body_length);
        if (b[off::descriptor] != key_descriptor::rsn)
            return make_error(errc::unsupported, "EAPOL-Key descriptor type is not 2",
                              off::descriptor);
        const std::size_t data_len = load_be16(b.data() + off::key_data_length);
        if (data_len > body + 4 - eapol_key_fixed_size)
            return make_error(errc::overrun, "Key Data Length overruns the EAPOL body",
                              off::key_data_length);
        eapol_key k;
        k.frame = b.first(off::key_data + data_len);
        k.protocol_version = b[off::version];
        k.info = load_be16(b.data() + off::info);
        k.key_length = load_be16(b.data() + off::key_length);
        k.replay_counter = (std::uint64_t(load_be32(b.data() + off::replay_counter)) << 32) |
                           load_be32(b.data() + off::replay_counter + 4);
        k.nonce = b.subspan(off::nonce, eapol_key_nonce_size);
        k.iv = b.subspan(off::iv, 16);
        k.rsc = b.subspan(off::rsc, 8);
        k.mic = b.subspan(off::mic, eapol_key_mic_size);
        k.key_data = b.subspan(off::key_data, data_len);
        return k;
    }
};

/// @brief What a builder needs to write one EAPOL-Key frame; the MIC is written as zeros.
struct eapol_key_fields {
    std::uint8_t protocol_version = 2;  ///< hostapd sends 2, wpa_supplicant 1
    std::uint16_t info = 0;
    std::uint16_t key_length = 0;
    std::uint64_t replay_counter = 0;
    bytes_view nonce;          ///< 32 octets, or empty for zeros
    std::uint64_t rsc_pn = 0;  ///< written as 6 octets LSB first, then 2 zero octets
    bytes_view key_data;       ///< as sent (already wrapped when encrypted)
};

/// @brief Writes a complete EAPOL-Key frame (EAPOL header included) at the start of `out`;
/// returns its length. The MIC field is zero; see rsn::write_mic.
inline result<std::size_t> build_eapol_key(bytes_span out, const eapol_key_fields& f) noexcept {
    if (!f.nonce.empty() && f.nonce.size() != eapol_key_nonce_size)
        return make_error(errc::bad_length, "EAPOL-Key nonce must be 32 octets");
    if (f.key_data.size() > 0xffff - (eapol_key_fixed_size - 4))
        return make_error(errc::bad_length, "EAPOL-Key Key Data too long");
    byte_writer w(out);
    w.u8(f.protocol_version).u8(eapol_type::key);
    w.be16(static_cast<std::uint16_t>(eapol_key_fixed_size - 4 + f.key_data.size()));
    w.u8(key_descriptor::rsn).be16(f.info).be16(f.key_length);
    w.be32(static_cast<std::uint32_t>(f.replay_counter >> 32))
        .be32(static_cast<std::uint32_t>(f.replay_counter));
    if (f.nonce.empty())
        w.zeros(eapol_key_nonce_size);
    else
        w.raw(f.nonce);
    w.zeros(16);  // IV
    if (auto* p = w.reserve(6))
        for (int i = 0; i < 6; ++i) p[i] = static_cast<std::uint8_t>(f.rsc_pn >> (8 * i));
    w.zeros(2 + 8 + eapol_key_mic_size);  // RSC high octets, reserved, MIC
    w.be16(static_cast<std::uint16_t>(f.key_data.size())).raw(f.key_data);
    if (!w.ok()) return make_error(errc::no_space, "EAPOL-Key does not fit the buffer");
    return w.size();
}

/// @brief The MIC field of a frame at least eapol_key_fixed_size long.
inline bytes_span eapol_key_mic(bytes_span frame) noexcept {
    return frame.subspan(eapol_key_offset::mic, eapol_key_mic_size);
}

/// @brief KDE selectors (OUI and data type) used by WPA2-PSK and P2P.
namespace kde {
inline constexpr std::uint32_t gtk = 0x000fac01, pmkid = 0x000fac04,
                               ip_address_request = 0x506f9a04, ip_address_allocation = 0x506f9a05;
}

/// @brief One item of Key Data: an information element (RSN IE ...) or a KDE (id 0xdd).
struct key_data_item {
    std::uint8_t id = 0;
    bytes_view element;  ///< the whole item, header included
    bytes_view body;     ///< after the 2-octet header

    constexpr bool is_kde() const noexcept { return id == 0xdd && body.size() >= 4; }
    /// @pre is_kde()
    std::uint32_t selector() const noexcept { return load_be32(body.data()); }
    /// @pre is_kde()
    bytes_view kde_data() const noexcept { return body.subspan(4); }
};

/// @brief Visits every item of (plaintext, unwrapped) Key Data; stops at the padding that
/// starts with `dd 00`. An item whose length overruns the data is an error.
template <class F>
result<std::size_t> for_each_key_data_item(bytes_view data, F&& f) {
    std::size_t pos = 0, n = 0;
    while (pos < data.size()) {
        if (data[pos] == 0xdd && (pos + 1 == data.size() || data[pos + 1] == 0)) break;
        if (data.size() - pos < 2)
            return make_error(errc::truncated, "Key Data item header truncated", pos);
        const std::size_t len = data[pos + 1];
        if (data.size() - pos - 2 < len)
            return make_error(errc::overrun, "Key Data item overruns the Key Data", pos + 1);
        const bytes_view whole = data.subspan(pos, 2 + len);
        f(key_data_item{data[pos], whole, whole.subspan(2)});
        pos += 2 + len;
        ++n;
    }
    return n;
}

/// @brief The GTK KDE's data: KeyID (bits 0-1), Tx (bit 2), reserved octet, GTK.
struct gtk_kde {
    std::uint8_t key_id = 0;
    bool tx = false;
    bytes_view gtk;

    static result<gtk_kde> parse(bytes_view kde_data) noexcept {
        if (kde_data.size() < 2 + 5 || kde_data.size() > 2 + 32)
            return make_error(errc::bad_length, "GTK KDE: GTK must be 5..32 octets");
        return gtk_kde{static_cast<std::uint8_t>(kde_data[0] & 0x03), (kde_data[0] & 0x04) != 0,
                       kde_data.subspan(2)};
    }
};

/// @brief An IPv4 address, network order (a.b.c.d is {a, b, c, d}).
using ipv4_address = std::array<std::uint8_t, 4>;

/// @brief The P2P IP Address Allocation KDE's data (M3): the client's IPv4 address, the subnet
/// mask and the GO's IPv4 address, 4 octets each.
struct ip_allocation {
    ipv4_address ip_addr{}, ip_mask{}, go_ip_addr{};
    friend bool operator==(const ip_allocation&, const ip_allocation&) = default;
};

/// @brief The Key Data items the WPA2-PSK handshakes look at.
struct key_data_summary {
    bytes_view rsn_element;  ///< the first RSN element, header included; empty if none
    bool has_gtk = false;
    gtk_kde gtk;
    bytes_view pmkid;
    /// The P2P IP Address Request KDE's first octet (a client sends 0x01); 0 when absent.
    std::uint8_t ip_addr_req = 0;
    /// The P2P IP Address Allocation KDE; a KDE shorter than 12 octets is ignored.
    std::optional<ip_allocation> ip_addr_alloc{};

    static result<key_data_summary> parse(bytes_view data) noexcept {
        key_data_summary s;
        bool bad_gtk = false;
        auto r = for_each_key_data_item(data, [&](const key_data_item& it) {
            if (it.id == 48 && s.rsn_element.empty()) {
                s.rsn_element = it.element;
            } else if (it.is_kde() && it.selector() == kde::gtk && !s.has_gtk) {
                auto g = gtk_kde::parse(it.kde_data());
                if (!g)
                    bad_gtk = true;
                else {
                    s.gtk = *g;
                    s.has_gtk = true;
                }
            } else if (it.is_kde() && it.selector() == kde::pmkid && it.kde_data().size() >= 16) {
                s.pmkid = it.kde_data().first(16);
            } else if (it.is_kde() && it.selector() == kde::ip_address_request &&
                       !it.kde_data().empty()) {
                s.ip_addr_req = it.kde_data()[0];
            } else if (it.is_kde() && it.selector() == kde::ip_address_allocation &&
                       it.kde_data().size() >= 12) {
                const bytes_view d = it.kde_data();
                ip_allocation a;
                std::copy_n(d.begin(), 4, a.ip_addr.begin());
                std::copy_n(d.begin() + 4, 4, a.ip_mask.begin());
                std::copy_n(d.begin() + 8, 4, a.go_ip_addr.begin());
                s.ip_addr_alloc = a;
            }
        });
        if (!r) return r.err();
        if (bad_gtk) return make_error(errc::bad_length, "GTK KDE length");
        return s;
    }
};

/// @brief Appends a GTK KDE (`dd len 00 0f ac 01 <kid|tx> 00 <gtk>`).
inline void put_gtk_kde(byte_writer& w, std::uint8_t key_id, bool tx, bytes_view gtk) noexcept {
    w.u8(0xdd).u8(static_cast<std::uint8_t>(6 + gtk.size())).be32(kde::gtk);
    w.u8(static_cast<std::uint8_t>((key_id & 0x03) | (tx ? 0x04 : 0))).u8(0).raw(gtk);
}

/// @brief Appends a P2P IP Address Request KDE (`dd 05 50 6f 9a 04 01`).
inline void put_ip_address_request_kde(byte_writer& w) noexcept {
    w.u8(0xdd).u8(5).be32(kde::ip_address_request).u8(0x01);
}

/// @brief Appends a P2P IP Address Allocation KDE (`dd 10 50 6f 9a 05` + client IPv4, mask, GO
/// IPv4).
inline void put_ip_address_allocation_kde(byte_writer& w, const ip_allocation& a) noexcept {
    w.u8(0xdd).u8(16).be32(kde::ip_address_allocation);
    w.raw(a.ip_addr).raw(a.ip_mask).raw(a.go_ip_addr);
}

}  // namespace softmac::ieee80211
