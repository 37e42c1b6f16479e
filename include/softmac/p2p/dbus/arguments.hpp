// SPDX-License-Identifier: MIT
/// @file Defines the D-Bus API's values: dictionaries, UTF-8 strings, error replies, and the
/// readers of P2PDevice.Connect's and Find's dictionaries.
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <softmac/core/result.hpp>
#include <softmac/p2p/dbus/names.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::dbus {

/// @brief A D-Bus dictionary (`a{sv}`).
using dict = std::map<std::string, sdbus::Variant>;

/// @brief `s` as a D-Bus string may carry it: valid UTF-8 kept, any other octet (a peer's device
/// name is whatever it sent) replaced by U+FFFD.
inline std::string utf8(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 0;
        bool ok = n != 0 && c != 0 && i + n <= s.size();
        std::uint32_t cp = c & (0x7fu >> n);
        for (std::size_t k = 1; ok && k < n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            ok = (b >> 6) == 2;
            cp = cp << 6 | (b & 0x3fu);
        }
        // No overlong forms, surrogates or code points past U+10FFFF.
        if (ok && n > 1)
            ok = cp >= (n == 2   ? 0x80u
                        : n == 3 ? 0x800u
                                 : 0x10000u) &&
                 cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
        if (ok) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xef\xbf\xbd";
            ++i;
        }
    }
    return out;
}

/// @brief A contiguous range of one-octet integers: a string, an array of octets.
template <class R>
concept octet_range = std::ranges::contiguous_range<R> &&
                      std::integral<std::ranges::range_value_t<R>> &&
                      sizeof(std::ranges::range_value_t<R>) == 1;
/// @brief Octets as the API carries them (`ay`): a string's (an SSID, a key), an array's.
template <octet_range R>
std::vector<std::uint8_t> bytes_of(const R& r) {
    return std::vector<std::uint8_t>(std::ranges::begin(r), std::ranges::end(r));
}
/// @brief An address as the API carries it (`ay`, 6 octets).
inline std::vector<std::uint8_t> bytes_of(const mac_address& a) { return bytes_of(a.octets); }
/// @brief A WPS device type as the API carries it (`ay`, 8 octets: category, OUI, subcategory).
inline std::vector<std::uint8_t> type_bytes(const ieee80211::wps::device_type& t) {
    return {std::uint8_t(t.category >> 8),    std::uint8_t(t.category),   std::uint8_t(t.oui >> 24),
            std::uint8_t(t.oui >> 16),        std::uint8_t(t.oui >> 8),   std::uint8_t(t.oui),
            std::uint8_t(t.subcategory >> 8), std::uint8_t(t.subcategory)};
}
/// @brief The device type 8 octets name; none for another length.
inline std::optional<ieee80211::wps::device_type> type_of(const std::vector<std::uint8_t>& t) {
    if (t.size() != 8) return std::nullopt;
    ieee80211::wps::device_type d;
    d.category = static_cast<std::uint16_t>(t[0] << 8 | t[1]);
    d.oui = std::uint32_t(t[2]) << 24 | std::uint32_t(t[3]) << 16 | std::uint32_t(t[4]) << 8 | t[5];
    d.subcategory = static_cast<std::uint16_t>(t[6] << 8 | t[7]);
    return d;
}

/// @brief Whether `s` may become a setting: no control characters (a configuration file holds
/// one setting per line) and nothing a client would read as an event or a prefix.
inline bool setting_text(std::string_view s) noexcept {
    return !s.starts_with('<') && !s.starts_with("IFNAME=") &&
           std::none_of(s.begin(), s.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

/// @brief A method's error reply.
[[noreturn]] inline void fail(std::string_view name, const std::string& message = {}) {
    throw sdbus::Error(std::string(name), message.empty() ? std::string(name) : message);
}

/// @brief An engine result as a method's answer: its value, or an error reply named `name`.
template <class T>
T or_fail(result<T> r, std::string_view name = error::unknown_error) {
    if (!r) fail(name, r.err().what);
    if constexpr (!std::is_void_v<T>) return std::move(*r);
}
inline void ok(result<void> r, std::string_view name = error::unknown_error) {
    if (!r) fail(name, r.err().what);
}

/// @brief What P2PDevice.Connect asked for (wpas_dbus_handler_p2p_connect's reading of its
/// dictionary); an InvalidArgs error for a key it does not know, a value of the wrong type or
/// out of range, no `peer` or no `wps_method`, or `keypad` without a PIN.
struct connect_request {
    mac_address peer;
    connect_params params;
};
inline connect_request parse_connect(const dict& args) {
    connect_request r;
    std::optional<mac_address> peer;
    bool method = false;
    for (const auto& [key, v] : args) {
        const std::string type = v.peekValueType();
        if (key == "peer" && type == "o") {
            peer = peer_of(v.get<sdbus::ObjectPath>());
            if (!peer) fail(error::invalid_args);
        } else if (key == "persistent" && type == "b") {
            r.params.persistent = v.get<bool>();
        } else if (key == "join" && type == "b") {
            r.params.join = v.get<bool>();
        } else if (key == "authorize_only" && type == "b") {
            r.params.auth = v.get<bool>();
        } else if (key == "frequency" && type == "i") {
            const auto f = v.get<std::int32_t>();
            if (f <= 0 || f > 0xffff) fail(error::invalid_args);
            r.params.freq = static_cast<std::uint16_t>(f);
        } else if (key == "go_intent" && type == "i") {
            const auto g = v.get<std::int32_t>();
            if (g < 0 || g > 15) fail(error::invalid_args);
            r.params.go_intent = static_cast<std::uint8_t>(g);
        } else if (key == "wps_method" && type == "s") {
            const auto m = v.get<std::string>();
            if (m == "pbc")
                r.params.method = wps_method::pbc;
            else if (m == "pin" || m == "display")
                r.params.method = wps_method::display;
            else if (m == "keypad")
                r.params.method = wps_method::keypad;
            else
                fail(error::invalid_args);
            method = true;
        } else if (key == "pin" && type == "s") {
            r.params.pin = v.get<std::string>();
        } else {
            fail(error::invalid_args);
        }
    }
    if (!method || !peer) fail(error::invalid_args);
    if (r.params.method == wps_method::keypad && r.params.pin.empty()) fail(error::invalid_args);
    r.peer = *peer;
    return r;
}
/// @brief P2PDevice.Find's dictionary (wpas_dbus_handler_p2p_find): Timeout, DiscoveryType,
/// freq; RequestedDeviceTypes is taken for the first type.
inline find_params parse_find(const dict& args) {
    find_params p;
    for (const auto& [key, v] : args) {
        const std::string type = v.peekValueType();
        if (key == "Timeout" && type == "i") {
            const auto t = v.get<std::int32_t>();
            p.timeout_s = t > 0 ? static_cast<std::uint32_t>(t) : 0;
        } else if (key == "DiscoveryType" && type == "s") {
            const auto d = v.get<std::string>();
            if (d == "start_with_full")
                p.type = find_type::start_with_full;
            else if (d == "social")
                p.type = find_type::social;
            else if (d == "progressive")
                p.type = find_type::progressive;
            else
                fail(error::invalid_args);
        } else if (key == "freq" && type == "i") {
            const auto f = v.get<std::int32_t>();
            if (f <= 0 || f > 0xffff) fail(error::invalid_args);
            p.freq = static_cast<std::uint16_t>(f);
        } else if (key == "RequestedDeviceTypes" && type == "aay") {
            for (const auto& t : v.get<std::vector<std::vector<std::uint8_t>>>()) {
                const auto d = type_of(t);
                if (!d) fail(error::invalid_args);
                if (!p.dev_type) p.dev_type = d;
            }
        } else {
            fail(error::invalid_args);
        }
    }
    return p;
}

}  // namespace softmac::p2p::dbus
