// SPDX-License-Identifier: MIT
/// @file Defines the changes to a P2P device's stored persistent groups: a group stored when it
/// starts, its GO's client list, a group or a client forgotten, the groups loaded, one changed or
/// added by the user (wpa_supplicant's
/// wpas_p2p_store_persistent_group, wpas_p2p_add_persistent_group_client and
/// wpas_remove_persistent_peer).
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <optional>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/types.hpp>

/// @brief Each change returns the event that reports it (the configuration file follows the
/// events), or nothing when the stored groups stayed as they were.
namespace softmac::p2p::persistent {

using changed = event::persistent_group_changed;

/// @brief Stores a group that started: the entry `g.persistent_id`, else the one with the same
/// GO and SSID, is updated; else a new entry takes the next network id. `g` keeps the id.
inline std::optional<changed> store(detail::device_state& d, group& g) {
    auto* p = g.persistent_id >= 0 ? d.stored(g.persistent_id) : d.stored(g.go_dev, g.ssid);
    const bool added = p == nullptr;
    if (added) {
        p = &d.persistent.emplace_back();
        p->id = d.next_network_id++;
    }
    const persistent_group before = *p;
    p->go = g.go;
    p->ssid = g.ssid;
    p->go_dev = g.go_dev;
    p->passphrase = g.go ? g.passphrase : g.psk;
    g.persistent_id = p->id;
    if (!added && before == *p) return std::nullopt;
    return changed{p->id, added ? changed::change::added : changed::change::updated};
}

/// @brief A client of stored GO group `id` connected: its device address goes to the end of the
/// group's p2p_client_list, whose oldest entry goes when the list is full.
inline std::optional<changed> add_client(detail::device_state& d, int id, const mac_address& dev) {
    auto* p = d.stored(id);
    if (!p || (!p->clients.empty() && p->clients.back() == dev)) return std::nullopt;
    std::erase(p->clients, dev);
    if (p->clients.size() == limits::max_stored_clients) p->clients.erase(p->clients.begin());
    p->clients.push_back(dev);
    return changed{id, changed::change::updated};
}

/// @brief Drops `dev` from the client list of stored group `id` (it answered an invitation with
/// "unknown group").
inline std::optional<changed> remove_client(detail::device_state& d, int id,
                                            const mac_address& dev) {
    auto* p = d.stored(id);
    if (!p || std::erase(p->clients, dev) == 0) return std::nullopt;
    return changed{id, changed::change::updated};
}

/// @brief Drops `dev` from the client list of every stored GO group (P2P_REMOVE_CLIENT).
inline std::vector<changed> remove_client(detail::device_state& d, const mac_address& dev) {
    std::vector<changed> out;
    for (auto& p : d.persistent)
        if (p.go && std::erase(p.clients, dev)) out.push_back({p.id, changed::change::updated});
    return out;
}

/// @brief Replaces the stored groups (read from a configuration file); new ones get ids from
/// `next_id` on, and past every stored group's (network blocks that are not persistent groups
/// keep theirs).
inline void load(detail::device_state& d, std::vector<persistent_group> groups, int next_id) {
    d.persistent = std::move(groups);
    d.next_network_id = next_id;
    for (const auto& g : d.persistent) d.next_network_id = std::max(d.next_network_id, g.id + 1);
}

/// @brief Changes stored group `g.id` (SET_NETWORK); its id stays.
inline result<std::optional<changed>> update(detail::device_state& d, const persistent_group& g) {
    auto* s = d.stored(g.id);
    if (!s) return make_error(errc::not_found, "no such persistent group");
    if (*s == g) return std::optional<changed>{};
    *s = g;
    return std::optional<changed>{changed{g.id, changed::change::updated}};
}

/// @brief Stores a new group (a network block made one, the D-Bus AddPersistentGroup): it keeps
/// `g.id` when that is free, else takes the next network id.
inline result<changed> add(detail::device_state& d, persistent_group g) {
    if (g.ssid.empty() || g.ssid.size() > 32) return make_error(errc::bad_value, "no SSID");
    if (g.id < 0) g.id = d.next_network_id++;
    if (d.stored(g.id)) return make_error(errc::already, "the network id is taken");
    d.next_network_id = std::max(d.next_network_id, g.id + 1);
    const int id = g.id;
    d.persistent.push_back(std::move(g));
    return changed{id, changed::change::added};
}

/// @brief Forgets stored group `id` (REMOVE_NETWORK).
inline std::optional<changed> forget(detail::device_state& d, int id) {
    if (!d.stored(id)) return std::nullopt;
    std::erase_if(d.persistent, [&](const persistent_group& p) { return p.id == id; });
    return changed{id, changed::change::removed};
}

}  // namespace softmac::p2p::persistent
