// SPDX-License-Identifier: MIT
/// @file Defines WSC registration messages (M1–M8, M2D, WSC_ACK/NACK/Done): types, errors, the
/// device and credential they carry, a parsed view and a builder.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/tlv.hpp>
#include <softmac/ieee80211/wps.hpp>
#include <softmac/wps/pin.hpp>

namespace softmac::wps {

namespace attr = ieee80211::wps::attr;

/// @brief Message Type values (attribute 0x1022); WPS-FAIL's `msg=` is one of these.
namespace msg {
inline constexpr std::uint8_t m1 = 0x04, m2 = 0x05, m2d = 0x06, m3 = 0x07, m4 = 0x08, m5 = 0x09,
                              m6 = 0x0a, m7 = 0x0b, m8 = 0x0c, ack = 0x0d, nack = 0x0e, done = 0x0f;
}

/// @brief Configuration Error values (attribute 0x1009).
namespace config_error {
inline constexpr std::uint16_t none = 0, decryption_crc_failure = 2, multiple_pbc_sessions = 12,
                               setup_locked = 15, msg_timeout = 16, registration_timeout = 17,
                               dev_password_auth_failure = 18, public_key_hash_mismatch = 20;
}

/// @brief Authentication Type and Encryption Type bits, and what hostap advertises in M1/M2.
namespace auth_type {
inline constexpr std::uint16_t open = 0x0001, wpa_psk = 0x0002, wpa2_psk = 0x0020,
                               advertised = open | wpa_psk | wpa2_psk;
}
namespace encr_type {
inline constexpr std::uint16_t none = 0x0001, wep = 0x0002, tkip = 0x0004, aes = 0x0008,
                               advertised = none | tkip | aes;
}

inline constexpr std::uint8_t version1 = 0x10;  ///< the deprecated Version attribute's value
using nonce = std::array<std::uint8_t, 16>;
using public_key = std::array<std::uint8_t, 192>;

/// @brief What a WPS device says about itself in M1 and M2 (wpa_supplicant's device_name,
/// manufacturer, model_name, model_number, serial_number, device_type, config_methods,
/// os_version).
struct device_info {
    uuid id{};
    std::string manufacturer, model_name, model_number, serial_number, device_name;
    ieee80211::wps::device_type primary{};
    std::uint16_t config_methods = 0;
    std::uint8_t rf_bands = 0x01;  ///< 2.4 GHz
    std::uint32_t os_version = 0;  ///< sent with bit 31 set
};

/// @brief A network credential (attribute 0x100E) as a registrar gives it to a station.
struct credential {
    std::string ssid;
    std::uint16_t auth = auth_type::wpa2_psk;
    std::uint16_t encr = encr_type::aes;
    std::string network_key;  ///< 64 hex digits of the PSK, a passphrase, or empty when open
    mac_address mac;          ///< the enrollee's address
};

/// @brief A received WSC message: its attribute stream, validated, and its type.
class message {
  public:
    /// @brief The message `raw`, when its attributes have the lengths wpa_supplicant accepts
    /// (wps_parse_msg, ieee80211::wps::attribute_checker) and it has a Message Type.
    static result<message> parse(bytes_view raw) noexcept {
        auto r = ieee80211::wps::attribute_range::parse(raw);
        if (!r) return r.err();
        ieee80211::wps::attribute_checker check;
        for (const auto& a : *r)
            if (auto c = check(a); !c) return c.err();
        message m;
        m.raw_ = raw;
        m.attrs_ = *r;
        const auto t = r->find(attr::message_type);
        if (!t) return make_error(errc::bad_value, "WSC: no Message Type");
        m.type_ = (*t)[0];
        return m;
    }
    std::uint8_t type() const noexcept { return type_; }
    bytes_view raw() const noexcept { return raw_; }
    /// @brief The first attribute of type `id`, or nothing.
    std::optional<bytes_view> get(std::uint16_t id) const noexcept { return attrs_.find(id); }
    /// @brief The first attribute of type `id` when it has exactly `n` octets.
    result<bytes_view> fixed(std::uint16_t id, std::size_t n) const noexcept {
        const auto v = attrs_.find(id);
        if (!v) return make_error(errc::not_found, ieee80211::wps::attribute_name(id).data());
        if (v->size() != n)
            return make_error(errc::bad_length, ieee80211::wps::attribute_name(id).data());
        return *v;
    }
    result<std::uint16_t> u16(std::uint16_t id) const noexcept {
        auto v = fixed(id, 2);
        if (!v) return v.err();
        return load_be16(v->data());
    }
    template <std::size_t N>
    result<std::array<std::uint8_t, N>> array(std::uint16_t id) const noexcept {
        auto v = fixed(id, N);
        if (!v) return v.err();
        std::array<std::uint8_t, N> out;
        std::copy(v->begin(), v->end(), out.begin());
        return out;
    }

    /// @brief What the sender says about itself, as M1 and M2/M2D carry it: its names, primary
    /// device type and config methods (absent: empty, zero).
    device_info device() const {
        device_info d;
        const auto text = [&](std::uint16_t id) {
            const auto v = get(id);
            return v ? std::string(v->begin(), v->end()) : std::string();
        };
        d.manufacturer = text(attr::manufacturer);
        d.model_name = text(attr::model_name);
        d.model_number = text(attr::model_number);
        d.serial_number = text(attr::serial_number);
        d.device_name = text(attr::device_name);
        if (auto t = fixed(attr::primary_device_type, 8))
            d.primary = ieee80211::wps::device_type::from(t->data());
        if (auto c = u16(attr::config_methods)) d.config_methods = *c;
        return d;
    }

  private:
    bytes_view raw_;
    ieee80211::wps::attribute_range attrs_;
    std::uint8_t type_ = 0;
};

/// @brief Appends attributes to a growing WSC message.
class builder {
  public:
    builder& raw(std::uint16_t id, bytes_view v) {
        const std::size_t at = out_.size();
        out_.resize(at + 4 + v.size());
        store_be16(out_.data() + at, id);
        store_be16(out_.data() + at + 2, static_cast<std::uint16_t>(v.size()));
        std::copy(v.begin(), v.end(), out_.begin() + static_cast<std::ptrdiff_t>(at + 4));
        return *this;
    }
    builder& u8(std::uint16_t id, std::uint8_t v) { return raw(id, bytes_view(&v, 1)); }
    builder& u16(std::uint16_t id, std::uint16_t v) {
        std::uint8_t b[2];
        store_be16(b, v);
        return raw(id, b);
    }
    builder& u32(std::uint16_t id, std::uint32_t v) {
        std::uint8_t b[4];
        store_be32(b, v);
        return raw(id, b);
    }
    builder& text(std::uint16_t id, std::string_view s) { return raw(id, as_bytes(s)); }
    /// @brief Version and Message Type: how every message starts.
    builder& head(std::uint8_t type) {
        return u8(attr::version, version1).u8(attr::message_type, type);
    }
    /// @brief The WFA Vendor Extension with Version2 = 2.0.
    builder& version2() {
        const std::uint8_t v[] = {0x00, 0x37, 0x2a, 0x00, 0x01, 0x20};
        return raw(attr::vendor_extension, v);
    }
    /// @brief The device attributes of M1 and M2, from Manufacturer to RF Bands... (the order
    /// hostap's wps_build_* calls give them).
    builder& device_names(const device_info& d) {
        text(attr::manufacturer, d.manufacturer).text(attr::model_name, d.model_name);
        text(attr::model_number, d.model_number).text(attr::serial_number, d.serial_number);
        std::uint8_t t[8];
        byte_writer w(t);
        d.primary.write(w);
        return raw(attr::primary_device_type, t).text(attr::device_name, d.device_name);
    }
    builder& credential(const wps::credential& c) {
        builder in;
        in.u8(attr::network_index, 1).text(attr::ssid, c.ssid).u16(attr::auth_type, c.auth);
        in.u16(attr::encr_type, c.encr).text(attr::network_key, c.network_key);
        in.raw(attr::mac_address, c.mac.bytes());
        return raw(attr::credential, in.bytes());
    }
    bytes_view bytes() const noexcept { return out_; }
    std::vector<std::uint8_t> take() && { return std::move(out_); }

  private:
    std::vector<std::uint8_t> out_;
};

namespace detail {
/// One or more WPS vendor elements (split at 251 octets of body) with what `write` puts in the
/// attribute stream.
template <class F>
std::vector<std::uint8_t> wps_elements(F write) {
    ieee80211::vendor_ie_builder<> stream(ieee80211::vendor::wps);
    write(stream.body());
    std::vector<std::uint8_t> out(1100);
    byte_writer w(out);
    stream.emit(w);
    out.resize(w.size());
    return out;
}
}  // namespace detail

/// @brief The WPS element of an enrollee's (Re)Association Request, as wpa_supplicant sends it:
/// Version, Request Type (enrollee), Version2.
inline std::vector<std::uint8_t> assoc_request_element() {
    namespace put = ieee80211::wps::put;
    return detail::wps_elements([](byte_writer& w) {
        put::u8(w, attr::version, version1);
        put::u8(w, attr::request_type, 1);
        put::wfa_extension(w, false);
    });
}

/// @brief What an AP's WPS element says of its registrar: armed (Selected Registrar) for a
/// password kind, and the enrollees it authorised (AuthorizedMACs; broadcast: any).
struct registrar_state {
    bool selected = false;
    std::uint16_t dpid = 0;
    std::vector<mac_address> authorized;
};

/// @brief The WPS element of a configured AP's Beacon (hostapd's order): Version, WPS State,
/// while the registrar is armed Selected Registrar with its Device Password ID and Config
/// Methods, then the Version2 extension with AuthorizedMACs (at most 5).
inline std::vector<std::uint8_t> ap_element(std::uint16_t config_methods,
                                            const registrar_state& reg) {
    namespace put = ieee80211::wps::put;
    return detail::wps_elements([&](byte_writer& w) {
        put::u8(w, attr::version, version1);
        put::u8(w, attr::wps_state, 2);
        if (reg.selected) {
            put::u8(w, attr::selected_registrar, 1);
            put::u16(w, attr::device_password_id, reg.dpid);
            put::u16(w, attr::selected_registrar_config_methods, config_methods);
        }
        const std::size_t macs = reg.selected ? std::min<std::size_t>(reg.authorized.size(), 5) : 0;
        w.be16(attr::vendor_extension)
            .be16(static_cast<std::uint16_t>(6 + (macs ? 2 + 6 * macs : 0)));
        w.u8(0x00).u8(0x37).u8(0x2a).u8(0x00).u8(1).u8(0x20);          // WFA, Version2 = 2.0
        if (macs) w.u8(0x01).u8(static_cast<std::uint8_t>(6 * macs));  // AuthorizedMACs
        for (std::size_t k = 0; k < macs; ++k) w.raw(reg.authorized[k].bytes());
    });
}

/// @brief A Credential attribute's body as wpa_supplicant 2.10 takes it: its attributes of
/// the lengths wps_parse_msg accepts (of repeated ones the last counts; an SSID over 32 octets
/// is ignored), then wps_process_cred. Network Index, SSID, Authentication and Encryption Type
/// and MAC Address are required. The SSID loses trailing zero octets (some registrars pad it to
/// 32). The Network Key may be missing only for an open network without
/// encryption, and one over 64 octets reads as empty. Under WPA/WPA2-Personal a key of 9 to 63
/// octets loses a terminating NUL (wps_workaround_cred_key), and one shorter than 8 octets or
/// with a control character is refused. A key of 64 octets is the PSK in hexadecimal.
inline result<credential> parse_credential(bytes_view body) noexcept {
    std::optional<bytes_view> index, ssid, auth, encr, key, mac;
    const bool parsed = ieee80211::wps::for_each_accepted(body, [&](const ieee80211::attribute& a) {
        if (a.id == attr::network_index) index = a.data;
        if (a.id == attr::ssid && a.data.size() <= 32) ssid = a.data;
        if (a.id == attr::auth_type) auth = a.data;
        if (a.id == attr::encr_type) encr = a.data;
        if (a.id == attr::network_key) key = a.data;
        if (a.id == attr::mac_address) mac = a.data;
    });
    if (!parsed) return make_error(errc::bad_length, "WSC: Credential attributes");
    if (!index || !ssid || !auth || !encr || !mac)
        return make_error(errc::bad_value, "WSC: incomplete Credential");
    credential c;
    bytes_view s = *ssid;
    while (!s.empty() && s.back() == 0) s = s.first(s.size() - 1);
    c.ssid.assign(s.begin(), s.end());
    c.auth = load_be16(auth->data());
    c.encr = load_be16(encr->data());
    if (!key && !(c.auth == auth_type::open && c.encr == encr_type::none))
        return make_error(errc::bad_value, "WSC: Credential without a Network Key");
    bytes_view k = key && key->size() <= 64 ? *key : bytes_view{};
    if (c.auth & (auth_type::wpa_psk | auth_type::wpa2_psk)) {
        if (k.size() > 8 && k.size() < 64 && k.back() == 0) k = k.first(k.size() - 1);
        if (k.size() < 8 ||
            std::any_of(k.begin(), k.end(), [](std::uint8_t o) { return o < 0x20 || o == 0x7f; }))
            return make_error(errc::bad_value, "WSC: invalid WPA/WPA2-Personal passphrase");
    }
    c.network_key.assign(k.begin(), k.end());
    c.mac = mac_address::from(mac->data());
    return c;
}

}  // namespace softmac::wps
