// SPDX-License-Identifier: MIT
/// @file Defines WPS IE attributes (big-endian TLVs): IDs, names, typed accessors and builders.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/ieee80211/tlv.hpp>

namespace softmac::ieee80211::wps {

/// @brief WPS attribute types.
namespace attr {
inline constexpr std::uint16_t auth_type = 0x1003, auth_type_flags = 0x1004, authenticator = 0x1005,
                               conn_type_flags = 0x100d, credential = 0x100e, encr_type = 0x100f,
                               encr_type_flags = 0x1010, e_hash1 = 0x1014, e_hash2 = 0x1015,
                               e_snonce1 = 0x1016, e_snonce2 = 0x1017, encrypted_settings = 0x1018,
                               enrollee_nonce = 0x101a, key_wrap_authenticator = 0x101e,
                               mac_address = 0x1020, message_type = 0x1022, network_index = 0x1026,
                               network_key = 0x1027, os_version = 0x102d, public_key = 0x1032,
                               registrar_nonce = 0x1039, r_hash1 = 0x103d, r_hash2 = 0x103e,
                               r_snonce1 = 0x103f, r_snonce2 = 0x1040, ssid = 0x1045;
inline constexpr std::uint16_t association_state = 0x1002, config_methods = 0x1008,
                               config_error = 0x1009, device_name = 0x1011,
                               device_password_id = 0x1012, manufacturer = 0x1021,
                               model_name = 0x1023, model_number = 0x1024, request_type = 0x103a,
                               response_type = 0x103b, rf_bands = 0x103c,
                               selected_registrar = 0x1041, serial_number = 0x1042,
                               wps_state = 0x1044, uuid_e = 0x1047, uuid_r = 0x1048,
                               vendor_extension = 0x1049, version = 0x104a,
                               selected_registrar_config_methods = 0x1053,
                               primary_device_type = 0x1054, secondary_device_types = 0x1055,
                               ap_setup_locked = 0x1057, requested_device_type = 0x106a;
inline constexpr std::uint16_t ap_channel = 0x1001, oob_device_password = 0x102c,
                               network_key_index = 0x1028;
}  // namespace attr

/// @brief Config Methods bits.
namespace config_method {
inline constexpr std::uint16_t usba = 0x0001, ethernet = 0x0002, label = 0x0004, display = 0x0008,
                               ext_nfc = 0x0010, int_nfc = 0x0020, nfc_interface = 0x0040,
                               push_button = 0x0080, keypad = 0x0100, virt_push_button = 0x0280,
                               phy_push_button = 0x0480, p2ps = 0x1000, virt_display = 0x2008,
                               phy_display = 0x4008;

/// @brief The methods softmac's devices offer, as wpa_supplicant's `config_methods` setting (and
/// the D-Bus WPS ConfigMethods property) spells them.
inline constexpr std::pair<std::string_view, std::uint16_t> names[] = {
    {"display", display}, {"push_button", push_button}, {"keypad", keypad}};
/// @brief `m`'s named methods, space-separated.
inline std::string to_text(std::uint16_t m) {
    std::string s;
    for (const auto& [name, bit] : names)
        if (m & bit) s += (s.empty() ? "" : " ") + std::string(name);
    return s;
}
/// @brief Space-separated method names as bits; none when a word names no method of names[].
inline std::optional<std::uint16_t> from_text(std::string_view v) {
    std::uint16_t m = 0;
    for (std::size_t b = v.find_first_not_of(' '); b != std::string_view::npos;
         b = v.find_first_not_of(' ', b)) {
        const auto e = std::min(v.find(' ', b), v.size());
        const auto word = v.substr(b, e - b);
        const auto* it = std::find_if(std::begin(names), std::end(names),
                                      [&](const auto& p) { return p.first == word; });
        if (it == std::end(names)) return std::nullopt;
        m |= it->second;
        b = e;
    }
    return m;
}
}  // namespace config_method

/// @brief Device Password IDs.
namespace password_id {
inline constexpr std::uint16_t pin_default = 0x0000, user_specified = 0x0001, push_button = 0x0004,
                               registrar_specified = 0x0005, nfc = 0x0007, p2ps = 0x0008;
}

inline constexpr std::uint32_t wfa_oui = 0x00372a;  ///< WFA vendor extension OUI

using attribute_range = ieee80211::attribute_range<true>;

constexpr std::string_view attribute_name(std::uint16_t t) noexcept {
    switch (t) {
        case attr::auth_type:
            return "Authentication Type";
        case attr::auth_type_flags:
            return "Authentication Type Flags";
        case attr::authenticator:
            return "Authenticator";
        case attr::conn_type_flags:
            return "Connection Type Flags";
        case attr::credential:
            return "Credential";
        case attr::encr_type:
            return "Encryption Type";
        case attr::encr_type_flags:
            return "Encryption Type Flags";
        case attr::e_hash1:
            return "E-Hash1";
        case attr::e_hash2:
            return "E-Hash2";
        case attr::e_snonce1:
            return "E-SNonce1";
        case attr::e_snonce2:
            return "E-SNonce2";
        case attr::encrypted_settings:
            return "Encrypted Settings";
        case attr::enrollee_nonce:
            return "Enrollee Nonce";
        case attr::key_wrap_authenticator:
            return "Key Wrap Authenticator";
        case attr::mac_address:
            return "MAC Address";
        case attr::message_type:
            return "Message Type";
        case attr::network_index:
            return "Network Index";
        case attr::network_key:
            return "Network Key";
        case attr::os_version:
            return "OS Version";
        case attr::public_key:
            return "Public Key";
        case attr::registrar_nonce:
            return "Registrar Nonce";
        case attr::r_hash1:
            return "R-Hash1";
        case attr::r_hash2:
            return "R-Hash2";
        case attr::r_snonce1:
            return "R-SNonce1";
        case attr::r_snonce2:
            return "R-SNonce2";
        case attr::ssid:
            return "SSID";
        case attr::association_state:
            return "Association State";
        case attr::config_methods:
            return "Config Methods";
        case attr::config_error:
            return "Configuration Error";
        case attr::device_name:
            return "Device Name";
        case attr::device_password_id:
            return "Device Password ID";
        case attr::manufacturer:
            return "Manufacturer";
        case attr::model_name:
            return "Model Name";
        case attr::model_number:
            return "Model Number";
        case attr::request_type:
            return "Request Type";
        case attr::response_type:
            return "Response Type";
        case attr::rf_bands:
            return "RF Bands";
        case attr::selected_registrar:
            return "Selected Registrar";
        case attr::serial_number:
            return "Serial Number";
        case attr::wps_state:
            return "Wi-Fi Protected Setup State";
        case attr::uuid_e:
            return "UUID-E";
        case attr::uuid_r:
            return "UUID-R";
        case attr::vendor_extension:
            return "Vendor Extension";
        case attr::version:
            return "Version";
        case attr::selected_registrar_config_methods:
            return "Selected Registrar Config Methods";
        case attr::primary_device_type:
            return "Primary Device Type";
        case attr::secondary_device_types:
            return "Secondary Device Type List";
        case attr::ap_setup_locked:
            return "AP Setup Locked";
        case attr::requested_device_type:
            return "Requested Device Type";
        default:
            return "Unknown";
    }
}

/// @brief An 8-octet device type: category (2 BE), OUI (4), subcategory (2 BE).
struct device_type {
    std::uint16_t category = 0;
    std::uint32_t oui = 0x0050f204;
    std::uint16_t subcategory = 0;

    static device_type from(const std::uint8_t* p) noexcept {
        return {load_be16(p), load_be32(p + 2), load_be16(p + 6)};
    }
    void write(byte_writer& w) const noexcept { w.be16(category).be32(oui).be16(subcategory); }
    friend bool operator==(const device_type&, const device_type&) noexcept = default;
    /// Whether a device of this type answers a request for type `r` (wpa_supplicant's
    /// dev_type_match): the same type, or `r`'s category with OUI and sub-category 0 (a category
    /// wildcard).
    constexpr bool answers(const device_type& r) const noexcept {
        return *this == r || (r.category == category && r.oui == 0 && r.subcategory == 0);
    }
};

/// @brief The Requested Device Types of a probe request, as many as wpa_supplicant keeps
/// (MAX_REQ_DEV_TYPE_COUNT; later ones are skipped).
struct requested_types {
    std::uint8_t count = 0;
    /// As the attributes carry them, [0, count) in use: zeroed, not ten device_types built, for
    /// every probe request read.
    std::array<std::array<std::uint8_t, 8>, 10> raw{};

    /// Adds a Requested Device Type attribute's value; one not of 8 octets is skipped.
    void add(bytes_view value) noexcept {
        if (count < raw.size() && value.size() == 8)
            std::memcpy(raw[count++].data(), value.data(), 8);
    }
    device_type operator[](std::size_t k) const noexcept {
        return device_type::from(raw[k].data());
    }
    /// Whether a device of type `own` answers one of them (dev_type_list_match).
    bool answered_by(const device_type& own) const noexcept {
        for (std::size_t k = 0; k < count; ++k)
            if (own.answers((*this)[k])) return true;
        return false;
    }
    friend bool operator==(const requested_types& a, const requested_types& b) noexcept {
        return a.count == b.count &&
               std::equal(a.raw.begin(), a.raw.begin() + a.count, b.raw.begin());
    }
};

namespace detail {
struct length_rule {
    std::uint8_t size = 0;  ///< the fixed size (0: none)
    bool special = false;   ///< checked by special()
};
/// By attribute type - 0x1000 (wps_set_attr's rules).
inline constexpr std::array<length_rule, 0x70> length_rules = [] {
    std::array<length_rule, 0x70> t{};
    const auto fixed = [&](std::uint8_t size, std::initializer_list<std::uint16_t> ids) {
        for (auto id : ids) t[id - 0x1000u].size = size;
    };
    fixed(1,
          {attr::version, attr::message_type, attr::conn_type_flags, attr::rf_bands,
           attr::wps_state, attr::network_index, attr::network_key_index, attr::selected_registrar,
           attr::request_type, attr::response_type, attr::ap_setup_locked});
    fixed(2, {attr::auth_type_flags, attr::encr_type_flags, attr::config_methods,
              attr::selected_registrar_config_methods, attr::association_state, attr::config_error,
              attr::device_password_id, attr::auth_type, attr::encr_type, attr::ap_channel});
    fixed(4, {attr::os_version});
    fixed(6, {attr::mac_address});
    fixed(8, {attr::primary_device_type, attr::requested_device_type, attr::authenticator,
              attr::key_wrap_authenticator});
    fixed(16, {attr::enrollee_nonce, attr::registrar_nonce, attr::uuid_e, attr::uuid_r,
               attr::r_snonce1, attr::r_snonce2, attr::e_snonce1, attr::e_snonce2});
    fixed(32, {attr::r_hash1, attr::r_hash2, attr::e_hash1, attr::e_hash2});
    for (auto id :
         {attr::secondary_device_types, attr::oob_device_password, attr::vendor_extension})
        t[id - 0x1000u].special = true;
    return t;
}();
}  // namespace detail

/// @brief The lengths wpa_supplicant 2.10 accepts in a WPS attribute stream (wps_parse_msg's
/// wps_set_attr): an attribute that breaks them makes the whole stream unreadable. Fixed-size
/// attributes must have their size; a Secondary Device Type List whole types, at most 16; an
/// OOB Device Password a public key hash, a password ID and a password of 16 to 32 octets (none
/// for NFC connection handover); a WFA Vendor Extension's known subelements their size, and
/// other vendors' extensions at most 1024 octets, ten of them. Text attributes, keys and
/// credentials may have any length (a reader decides what it keeps of longer text).
class attribute_checker {
  public:
    /// @brief Whether `a` has a length its type allows (the rules' whole cost for most
    /// attributes: one table load and a compare).
    SOFTMAC_HOT_INLINE bool accepts(const attribute& a) noexcept {
        const unsigned k = a.id - 0x1000u;
        if (k >= detail::length_rules.size()) return true;
        const detail::length_rule r = detail::length_rules[k];
        if (r.size) return a.data.size() == r.size;
        return !r.special || special(a);
    }
    result<void> operator()(const attribute& a) noexcept {
        if (accepts(a)) return {};
        return make_error(errc::bad_length, "WPS attribute length invalid for its type");
    }

  private:
    static constexpr std::uint16_t nfc_handover = 0x0007;  ///< DEV_PW_NFC_CONNECTION_HANDOVER

    bool special(const attribute& a) noexcept {
        const std::size_t n = a.data.size();
        if (a.id == attr::secondary_device_types) return n <= 16 * 8 && n % 8 == 0;
        if (a.id == attr::oob_device_password)
            return n >= 22 && n <= 22 + 32 &&
                   (n >= 22 + 16 || load_be16(a.data.data() + 20) == nfc_handover);
        return vendor_extension(a.data);
    }
    bool vendor_extension(bytes_view v) noexcept {
        if (v.size() < 3) return true;  // skipped
        if ((std::uint32_t(v[0]) << 16 | std::uint32_t(v[1]) << 8 | v[2]) != wfa_oui) {
            if (v.size() > 1024 || vendor_extensions_ == 10) return false;
            ++vendor_extensions_;
            return true;
        }
        // WFA subelements: ID, length, value; one overrunning the attribute ends the walk.
        for (std::size_t off = 3; v.size() - off >= 2 && v[off + 1] <= v.size() - off - 2;
             off += 2 + v[off + 1]) {
            // Version2 (0), Network Key Shareable (2), Request to Enroll (3), Settings Delay
            // Time (4) and Multi-AP (6) are one octet, Registrar Configuration Methods (5) two.
            const std::uint8_t id = v[off], len = v[off + 1];
            const std::uint8_t want = id == 5 ? 2 : (id == 0 || (id >= 2 && id <= 6)) ? 1 : 0;
            if (want && len != want) return false;
        }
        return true;
    }
    unsigned vendor_extensions_ = 0;  ///< other vendors' extensions so far
};

/// @brief One walk of a WPS attribute stream, calling `f` on each attribute: whether
/// wps_parse_msg accepts the stream (its framing, and every attribute's length as
/// attribute_checker rules). `f` sees the attributes before a framing fault, and all of them
/// after a length fault.
template <class F>
SOFTMAC_HOT_INLINE bool for_each_accepted(bytes_view stream, F&& f) {
    attribute_checker check;
    return attribute_range::for_each_accepted(
        stream, [&](const attribute& a) { return check.accepts(a); }, f);
}

/// @brief A 16-bit attribute value, or an error if the body is not 2 octets.
inline result<std::uint16_t> u16_of(bytes_view b) noexcept {
    if (b.size() != 2) return make_error(errc::bad_length, "WPS attribute is not 2 octets");
    return load_be16(b.data());
}
inline std::string_view text_of(bytes_view b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// @brief Builders: one TLV each.
namespace put {
inline void raw(byte_writer& w, std::uint16_t type, bytes_view v) noexcept {
    w.be16(type).be16(static_cast<std::uint16_t>(v.size())).raw(v);
}
inline void u8(byte_writer& w, std::uint16_t type, std::uint8_t v) noexcept {
    w.be16(type).be16(1).u8(v);
}
inline void u16(byte_writer& w, std::uint16_t type, std::uint16_t v) noexcept {
    w.be16(type).be16(2).be16(v);
}
inline void text(byte_writer& w, std::uint16_t type, std::string_view s) noexcept {
    raw(w, type, as_bytes(s));
}
inline void device_type(byte_writer& w, std::uint16_t type, const wps::device_type& t) noexcept {
    w.be16(type).be16(8);
    t.write(w);
}
/// @brief Vendor Extension with the WFA OUI: Version2 (0x20) and optionally Request-to-Enroll.
inline void wfa_extension(byte_writer& w, bool request_to_enroll) noexcept {
    w.be16(attr::vendor_extension).be16(request_to_enroll ? 9 : 6);
    w.u8(0x00).u8(0x37).u8(0x2a).u8(0x00).u8(1).u8(0x20);
    if (request_to_enroll) w.u8(0x03).u8(1).u8(1);
}
}  // namespace put

}  // namespace softmac::ieee80211::wps
