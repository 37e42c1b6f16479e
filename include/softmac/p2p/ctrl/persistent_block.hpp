// SPDX-License-Identifier: MIT
/// @file Defines how a stored persistent group reads from and writes to its network block.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include <softmac/core/mac_address.hpp>
#include <softmac/p2p/ctrl/config_file.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

/// @brief A network block with disabled=2 read as a stored persistent group (wpa_supplicant's
/// wpas_p2p_get_persistent reads the same fields); none when it is not one.
inline std::optional<persistent_group> persistent_of(int id, const conf::network& n) {
    const auto* disabled = n.get("disabled");
    const auto* ssid = n.get("ssid");
    const auto* bssid = n.get("bssid");
    if (!disabled || *disabled != "2" || !ssid || !bssid) return std::nullopt;
    persistent_group g;
    g.id = id;
    auto text = conf::decode_string(*ssid);
    auto go_dev = mac_address::parse(*bssid);
    if (!text || !go_dev) return std::nullopt;
    g.ssid = std::move(*text);
    g.go_dev = *go_dev;
    const auto* mode = n.get("mode");
    g.go = mode && *mode == "3";
    if (const auto* psk = n.get("psk")) {
        // A quoted passphrase (a GO's), or the PSK itself as 64 hex digits (a client's).
        auto pass = psk->starts_with('"') ? conf::decode_string(*psk) : std::optional(*psk);
        if (pass) g.passphrase = std::move(*pass);
    }
    if (const auto* list = n.get("p2p_client_list"))
        for (std::size_t b = 0, e; b < list->size(); b = e + 1) {
            e = std::min(list->find(' ', b), list->size());
            if (auto a = mac_address::parse(std::string_view(*list).substr(b, e - b)))
                g.clients.push_back(*a);
        }
    return g;
}
/// @brief Writes a stored group's fields into its block (wpas_p2p_store_persistent_group's
/// network: WPA2-PSK, CCMP, mode 3 for a GO, disabled=2); other fields stay.
inline void write_persistent(const persistent_group& g, conf::network& n) {
    n.set("ssid", conf::encode_string(g.ssid));
    n.set("bssid", g.go_dev.to_string());
    const bool hex_psk =
        g.passphrase.size() == 64 && std::all_of(g.passphrase.begin(), g.passphrase.end(),
                                                 [](char c) { return hex_digit(c) >= 0; });
    n.set("psk", hex_psk ? g.passphrase : "\"" + g.passphrase + "\"");
    n.set("proto", "RSN");
    n.set("key_mgmt", "WPA-PSK");
    n.set("pairwise", "CCMP");
    if (g.go)
        n.set("mode", "3");
    else
        n.erase("mode");
    n.set("disabled", "2");
    std::string list;
    for (const auto& c : g.clients) list += (list.empty() ? "" : " ") + c.to_string();
    if (list.empty())
        n.erase("p2p_client_list");
    else
        n.set("p2p_client_list", list);
}
}  // namespace softmac::p2p::ctrl
