// SPDX-License-Identifier: MIT
/// @file Defines P2PDevice's P2PDeviceConfig property: the device's P2P settings read and
/// written as one dictionary (wpas_dbus_getter_p2p_device_config and its setter).
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/events.hpp>

namespace softmac::p2p::dbus {

namespace detail {
/// What softmac's devices do where 2.10 has a setting they do not model: a GO relays between
/// its clients (p2p_intra_bss=1), no disassociation on low ACK, the 500 ms search delay.
inline constexpr bool intra_bss = true;
inline constexpr std::uint32_t disassoc_low_ack = 0, search_delay_ms = 500;
/// The operating class of the 2.4 GHz channels softmac's P2P devices use.
inline constexpr std::uint32_t reg_class_2ghz = 81;
}  // namespace detail

/// @brief The settings as P2PDeviceConfig shows them: the keys 2.10 always sends, SsidPostfix
/// when set and the IP address pool's addresses when non-zero.
template <class Engine>
dict device_config(const Engine& e) {
    const auto& s = e.settings();
    std::vector<std::vector<std::uint8_t>> secondary;
    for (const auto& t : s.secondary_types) secondary.push_back(type_bytes(t));
    dict d{{"DeviceName", sdbus::Variant(utf8(s.device_name))},
           {"PrimaryDeviceType", sdbus::Variant(type_bytes(s.primary_type))},
           {"SecondaryDeviceTypes", sdbus::Variant(secondary)},
           {"GOIntent", sdbus::Variant(std::uint32_t(s.go_intent))},
           {"PersistentReconnect", sdbus::Variant(s.persistent_reconnect)},
           {"ListenRegClass", sdbus::Variant(s.listen_channel ? detail::reg_class_2ghz : 0u)},
           {"ListenChannel", sdbus::Variant(std::uint32_t(s.listen_channel))},
           {"OperRegClass", sdbus::Variant(s.oper_channel ? detail::reg_class_2ghz : 0u)},
           {"OperChannel", sdbus::Variant(std::uint32_t(s.oper_channel))},
           {"IntraBss", sdbus::Variant(detail::intra_bss)},
           {"GroupIdle", sdbus::Variant(std::uint32_t(s.group_idle_s))},
           {"disassoc_low_ack", sdbus::Variant(detail::disassoc_low_ack)},
           {"NoGroupIface", sdbus::Variant(s.no_group_iface != 0)},
           {"p2p_search_delay", sdbus::Variant(detail::search_delay_ms)}};
    if (!s.ssid_postfix.empty()) d.emplace("SsidPostfix", sdbus::Variant(utf8(s.ssid_postfix)));
    auto ip = [&](const char* key, const ieee80211::ipv4_address& a) {
        if (a != ieee80211::ipv4_address{}) d.emplace(key, sdbus::Variant(bytes_of(a)));
    };
    ip("IpAddrGo", s.ip_addr_go);
    ip("IpAddrMask", s.ip_addr_mask);
    ip("IpAddrStart", s.ip_addr_start);
    ip("IpAddrEnd", s.ip_addr_end);
    return d;
}

/// @brief Reads a P2PDeviceConfig dictionary into `s` (a copy of the settings): each key with
/// its type and range as 2.10 checks them, else InvalidArgs. A setting softmac does not model
/// accepts the value it reports, so a dictionary read, changed and written back is taken.
/// @param listen the listen channel asked for, which the engine sets itself
inline void read_device_config(const dict& args, p2p::settings& s,
                               std::optional<std::uint8_t>& listen) {
    auto bad = [](const std::string& key) {
        fail(error::bad_property, "invalid message format: " + key);
    };
    for (const auto& [key, v] : args) {
        const std::string type = v.peekValueType();
        auto u32 = [&]() -> std::uint32_t {
            if (type != "u") bad(key);
            return v.get<std::uint32_t>();
        };
        auto flag = [&]() -> bool {
            if (type != "b") bad(key);
            return v.get<bool>();
        };
        auto text = [&](std::size_t max) {
            if (type != "s") bad(key);
            auto t = v.get<std::string>();
            if (t.size() > max || !setting_text(t)) bad(key);
            return t;
        };
        if (key == "DeviceName") {
            s.device_name = text(32);
        } else if (key == "PrimaryDeviceType") {
            const auto t =
                type == "ay" ? type_of(v.get<std::vector<std::uint8_t>>()) : std::nullopt;
            if (!t) bad(key);
            s.primary_type = *t;
        } else if (key == "SecondaryDeviceTypes") {
            if (type != "aay") bad(key);
            const auto list = v.get<std::vector<std::vector<std::uint8_t>>>();
            if (list.size() > 5) bad(key);
            s.secondary_types.clear();
            for (const auto& b : list) {
                const auto t = type_of(b);
                if (!t) bad(key);
                s.secondary_types.push_back(*t);
            }
        } else if (key == "VendorExtension") {
            if (type != "aay" || !v.get<std::vector<std::vector<std::uint8_t>>>().empty())
                fail(error::bad_property, "softmac's devices carry no WPS vendor extensions");
        } else if (key == "GOIntent") {
            const auto i = u32();
            if (i > 15) bad(key);
            s.go_intent = static_cast<std::uint8_t>(i);
        } else if (key == "PersistentReconnect") {
            s.persistent_reconnect = flag();
        } else if (key == "ListenRegClass" || key == "OperRegClass") {
            const auto c = u32();
            if (c != detail::reg_class_2ghz && c != 0)
                fail(error::bad_property, key + ": softmac's devices use operating class 81");
        } else if (key == "ListenChannel") {
            // 0: the channel the device picked at start stays (as an unset p2p_listen_channel).
            const auto c = u32();
            if (c > 11) bad(key);
            if (c != 0) listen = static_cast<std::uint8_t>(c);
        } else if (key == "OperChannel") {
            const auto c = u32();
            if (c > 11 || (c == 0 && s.oper_channel != 0)) bad(key);
            s.oper_channel = static_cast<std::uint8_t>(c);
        } else if (key == "SsidPostfix") {
            s.ssid_postfix = text(32 - 9);
        } else if (key == "IntraBss") {
            if (flag() != detail::intra_bss)
                fail(error::bad_property, "a GO relays between its clients");
        } else if (key == "GroupIdle") {
            s.group_idle_s = u32();
            if (s.group_idle_s > 86400) bad(key);  // p2p_group_idle's range
        } else if (key == "disassoc_low_ack") {
            if (u32() != detail::disassoc_low_ack) bad(key);
        } else if (key == "NoGroupIface") {
            s.no_group_iface = flag() ? 1 : 0;
        } else if (key == "p2p_search_delay") {
            if (u32() != detail::search_delay_ms) bad(key);
        } else if (key == "IpAddrGo" || key == "IpAddrMask" || key == "IpAddrStart" ||
                   key == "IpAddrEnd") {
            if (type != "ay") bad(key);
            const auto b = v.get<std::vector<std::uint8_t>>();
            if (b.size() != 4) bad(key);  // wpas_dbus_validate_dbus_ipaddr
            auto& a = key == "IpAddrGo"      ? s.ip_addr_go
                      : key == "IpAddrMask"  ? s.ip_addr_mask
                      : key == "IpAddrStart" ? s.ip_addr_start
                                             : s.ip_addr_end;
            std::copy(b.begin(), b.end(), a.begin());
        } else {
            bad(key);
        }
    }
}

/// @brief Writes P2PDeviceConfig: the dictionary applies whole or not at all (2.10 keeps the keys
/// before a bad one).
template <class Engine>
void set_device_config(Engine& e, const dict& args) {
    auto s = e.settings();
    std::optional<std::uint8_t> listen;
    read_device_config(args, s, listen);
    if (listen && !e.set_listen_channel(*listen)) fail(error::bad_property, "ListenChannel");
    if (listen) s.listen_channel = *listen;
    e.settings() = std::move(s);
}

}  // namespace softmac::p2p::dbus
