// SPDX-License-Identifier: MIT
/// @file Defines the names of wpa_supplicant 2.10's D-Bus API (bus name, interfaces, errors) and
/// its object paths (interfaces, peers, groups), without a bus.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <softmac/core/mac_address.hpp>

namespace softmac::p2p::dbus {

/// @name Names (dbus_new.h, dbus_common_i.h)
/// @{
inline constexpr std::string_view service_name = "fi.w1.wpa_supplicant1";
inline constexpr std::string_view root_path = "/fi/w1/wpa_supplicant1";
inline constexpr std::string_view root_interface = "fi.w1.wpa_supplicant1";
inline constexpr std::string_view interface_interface = "fi.w1.wpa_supplicant1.Interface";
inline constexpr std::string_view p2p_device_interface =
    "fi.w1.wpa_supplicant1.Interface.P2PDevice";
inline constexpr std::string_view peer_interface = "fi.w1.wpa_supplicant1.Peer";
inline constexpr std::string_view group_interface = "fi.w1.wpa_supplicant1.Group";
/// @}

/// @name Errors a method returns (wpas_dbus_error_*, WPAS_DBUS_ERROR_*)
/// @{
namespace error {
inline constexpr std::string_view invalid_args = "fi.w1.wpa_supplicant1.InvalidArgs";
inline constexpr std::string_view unknown_error = "fi.w1.wpa_supplicant1.UnknownError";
inline constexpr std::string_view interface_unknown = "fi.w1.wpa_supplicant1.InterfaceUnknown";
inline constexpr std::string_view interface_exists = "fi.w1.wpa_supplicant1.InterfaceExists";
inline constexpr std::string_view not_supported = "fi.w1.wpa_supplicant1.NotSupported";
inline constexpr std::string_view network_unknown = "fi.w1.wpa_supplicant1.NetworkUnknown";
inline constexpr std::string_view connect_channel_unavailable =
    "fi.w1.wpa_supplicant1.ConnectChannelUnavailable";
inline constexpr std::string_view connect_channel_unsupported =
    "fi.w1.wpa_supplicant1.ConnectChannelUnsupported";
inline constexpr std::string_view connect_unspecified =
    "fi.w1.wpa_supplicant1.ConnectUnspecifiedError";
/// The bus's InvalidArgs, which 2.10 answers for a property value it refuses
/// (wpas_dbus_setter_p2p_device_config, set_network_properties: DBUS_ERROR_INVALID_ARGS,
/// "invalid message format").
inline constexpr std::string_view bad_property = "org.freedesktop.DBus.Error.InvalidArgs";
/// The bus's own refusal, for a caller without the right to change the radio.
inline constexpr std::string_view access_denied = "org.freedesktop.DBus.Error.AccessDenied";
}  // namespace error
/// @}

/// @brief `/fi/w1/wpa_supplicant1/Interfaces/<n>`.
inline std::string interface_path(unsigned n) {
    return std::string(root_path) + "/Interfaces/" + std::to_string(n);
}
/// @brief A peer's object: `<interface>/Peers/<device address as 12 lowercase hex digits>`.
inline std::string peer_path(std::string_view iface, const mac_address& dev) {
    std::string s(iface);
    s += "/Peers/";
    static constexpr char hex[] = "0123456789abcdef";
    for (auto o : dev.octets) {
        s += hex[o >> 4];
        s += hex[o & 15];
    }
    return s;
}
/// @brief A group's object: `<group interface>/Groups/<the 2 characters after "DIRECT-">`
/// (wpas_dbus_get_group_obj_path); none for an SSID that is not a P2P group's or whose two
/// characters cannot stand in a path.
inline std::optional<std::string> group_path(std::string_view iface, std::string_view ssid) {
    auto ok = [](char c) {  // what an object path element may hold
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    if (ssid.size() < 9 || !ssid.starts_with("DIRECT-") || !ok(ssid[7]) || !ok(ssid[8]))
        return std::nullopt;
    return std::string(iface) + "/Groups/" + std::string(ssid.substr(7, 2));
}
/// @brief A stored persistent group's object: `<interface>/PersistentGroups/<network id>`.
inline std::string persistent_group_path(std::string_view iface, int id) {
    return std::string(iface) + "/PersistentGroups/" + std::to_string(id);
}
/// @brief The network id a persistent group object names; nothing for anything else.
inline std::optional<int> persistent_group_of(std::string_view path) {
    const auto at = path.rfind("/PersistentGroups/");
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view d = path.substr(at + 18);
    if (d.empty() || d.size() > 9) return std::nullopt;
    int id = 0;
    for (char c : d) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + (c - '0');
    }
    return id;
}
/// @brief The device address a peer object names (parse_peer_object_path): the last element
/// after `/Peers/`, 12 hex digits; nothing for anything else.
inline std::optional<mac_address> peer_of(std::string_view path) {
    const auto at = path.rfind("/Peers/");
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view h = path.substr(at + 7);
    if (h.size() != 12) return std::nullopt;
    mac_address a;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < 6; ++i) {
        const int hi = nibble(h[2 * i]), lo = nibble(h[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        a.octets[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return a;
}
/// @brief The device address a peer object names, when the engine knows that peer (2.10's
/// handlers check p2p_peer_known after parse_peer_object_path); nothing otherwise.
template <class Engine>
std::optional<mac_address> known_peer_of(const Engine& e, std::string_view path) {
    auto a = peer_of(path);
    if (a && !e.peers().find(*a)) return std::nullopt;
    return a;
}

}  // namespace softmac::p2p::dbus
