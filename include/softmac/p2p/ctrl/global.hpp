// SPDX-License-Identifier: MIT
/// @file Defines ctrl::global_interface: wpa_supplicant's global control interface over devices.
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/core/result.hpp>
#include <softmac/p2p/ctrl/command.hpp>
#include <softmac/p2p/ctrl/format.hpp>

namespace softmac::p2p::ctrl {

/// @brief One device's control interface as the global interface reaches it, whatever its
/// engine type: its interface names (device interfaces first) and its requests.
struct member {
    std::function<std::vector<std::string>()> names;
    std::function<std::string(std::string_view ifname, std::string_view text, bool privileged)>
        handle;
    std::string ctrl_dir;  ///< where its own sockets are (`INTERFACES ctrl`)
};

/// @brief The member for a ctrl::interface (or anything with its names, handle and ctrl_dir).
template <class Interface>
member member_of(Interface& i) {
    return {[&i] { return i.names(); },
            [&i](std::string_view ifname, std::string_view text, bool privileged) {
                return i.handle(ifname, text, privileged);
            },
            i.ctrl_dir()};
}

/// @brief `INTERFACE_ADD <ifname>TAB<confname>TAB<driver>TAB<ctrl_interface>TAB<driver_param>
/// TAB<bridge>[TAB<create>[TAB<type>]]`: empty fields are absent.
struct interface_add {
    std::string ifname, confname, driver, ctrl_interface, driver_param, bridge;
    bool create = false;
};

/// @brief Parses INTERFACE_ADD's argument as wpa_supplicant_global_iface_add does: an empty
/// ifname, an extra field other than `create`, or a type other than sta/ap is refused.
inline std::optional<interface_add> parse_interface_add(std::string_view args) {
    std::array<std::string_view, 8> f{};
    std::size_t n = 0;
    for (std::size_t b = 0;; ++n) {
        const auto tab = args.find('\t', b);
        if (n + 1 == f.size() || tab == std::string_view::npos) {
            f[n++] = args.substr(b);  // the last field (the type) keeps any further tabs
            break;
        }
        f[n] = args.substr(b, tab - b);
        b = tab + 1;
    }
    if (f[0].empty()) return std::nullopt;
    interface_add a{std::string(f[0]),
                    std::string(f[1]),
                    std::string(f[2]),
                    std::string(f[3]),
                    std::string(f[4]),
                    std::string(f[5]),
                    false};
    if (n > 6 && !f[6].empty()) {
        if (f[6] != "create") return std::nullopt;
        a.create = true;
        if (n > 7 && f[7] != "sta" && f[7] != "ap") return std::nullopt;
    }
    return a;
}

/// @brief Whether an event reaches the global monitors as wpa_msg_global sends it, without an
/// `IFNAME=` prefix: a P2P-* event of the P2P device's own interface (`p2p_device`:
/// p2p_supplicant.c sends them with wpa_msg_global) but service discovery's (wpa_msg_ctrl in
/// p2p_supplicant_sd.c); the others (CTRL-EVENT-*, WPS-*, AP-*, and a group interface's events,
/// such as P2P-PRESENCE-RESPONSE) carry the interface's name.
inline bool global_event(const event_message& m, bool p2p_device) noexcept {
    return p2p_device && m.text.starts_with("P2P-") && !m.text.starts_with("P2P-SERV-DISC-");
}

/// @brief The requests of wpa_supplicant's global control interface
/// (wpa_supplicant_global_ctrl_iface_process), over the devices that joined it. Commands for
/// one interface go there with `IFNAME=<if> `; the P2P commands wpa_supplicant redirects
/// (wpas_global_ctrl_iface_redir_p2p) go to the first device that joined, which plays
/// global->p2p_init_wpa_s. Adding and removing devices is the application's: `hooks`.
class global_interface {
  public:
    struct hooks {
        /// Creates a device for INTERFACE_ADD and joins it (join()); its error is FAIL.
        std::function<result<void>(const interface_add&)> add;
        /// Removes the device whose interface is named (leave() is called for it).
        std::function<result<void>(std::string_view ifname)> remove;
        std::function<void()> terminate;  ///< TERMINATE: the process ends
    };

    explicit global_interface(hooks h = {}) : hooks_(std::move(h)) {}

    /// @brief Joins a device under its first interface name. wpa_supplicant lists the newest
    /// interface first; the oldest device serves the redirected P2P commands.
    void join(std::string key, member m) {
        members_.insert(members_.begin(), {std::move(key), std::move(m)});
    }
    void leave(std::string_view key) {
        std::erase_if(members_, [&](const auto& e) { return e.first == key; });
    }
    /// @brief The device interface that plays p2p_init_wpa_s (empty without devices).
    std::string p2p_device() const {
        return members_.empty() ? std::string{} : members_.back().first;
    }
    /// @brief The device (its key) one of whose interfaces is `ifname`, or null.
    const std::string* owner(std::string_view ifname) const {
        const auto* e = entry_of(ifname);
        return e ? &e->first : nullptr;
    }

    /// @brief The reply to one request on the global socket. ATTACH, DETACH and LEVEL belong
    /// to the socket layer.
    std::string handle(std::string_view text, bool privileged) {
        if (text.starts_with("IFNAME=") && text.find(' ') != std::string_view::npos) {
            const auto [ifname, body] = split_ifname(text);
            auto* e = entry_of(ifname);
            return e ? e->second.handle(ifname, body, privileged) : std::string(replies::no_ifname);
        }
        if (redirected_to_p2p(text) && !members_.empty()) return to_p2p_device(text, privileged);
        if (text == "PING") return std::string(replies::pong);
        if (text.starts_with("INTERFACES")) return interfaces(text.substr(10));
        if (text == "STATUS") return status(privileged);
        if (text.starts_with("INTERFACE_ADD ")) {
            if (!privileged) return std::string(replies::not_permitted);
            const auto a = parse_interface_add(text.substr(14));
            if (!a || !hooks_.add || owner(a->ifname)) return std::string(replies::fail);
            return std::string(hooks_.add(*a) ? replies::ok : replies::fail);
        }
        if (text.starts_with("INTERFACE_REMOVE ")) {
            if (!privileged) return std::string(replies::not_permitted);
            const auto name = text.substr(17);
            const auto* key = owner(name);
            // Only a device's own interface removes it; a group interface is P2P_GROUP_REMOVE's.
            if (!key || *key != name || !hooks_.remove) return std::string(replies::fail);
            return std::string(hooks_.remove(std::string(name)) ? replies::ok : replies::fail);
        }
        if (text == "SAVE_CONFIG") return save_config(privileged);
        if (text == "TERMINATE") {
            if (!privileged) return std::string(replies::not_permitted);
            if (hooks_.terminate) hooks_.terminate();
            return std::string(replies::ok);
        }
        if (text.starts_with("SET ")) {
            // wpas_global_ctrl_iface_set knows only wifi_display (not built here); the rest is
            // the P2P device's SET.
            if (members_.empty()) return std::string(replies::fail);
            return to_p2p_device(text, privileged);
        }
        return std::string(replies::unknown);
    }

    /// @brief wpa_supplicant_global_iface_interfaces: every interface, newest device first
    /// (INTERFACES on the global socket and, as in wpa_supplicant, on every device's).
    std::string interfaces(std::string_view args) const {
        const bool ctrl = args.find("ctrl") != std::string_view::npos;
        std::string s;
        for (const auto& [key, m] : members_)
            for (const auto& n : m.names())
                s += ctrl ? n + " ctrl_iface=" + m.ctrl_dir + "\n" : n + "\n";
        return s;
    }

  private:
    using entry = std::pair<std::string, member>;
    const entry* entry_of(std::string_view ifname) const {
        for (const auto& e : members_) {
            const auto n = e.second.names();
            if (std::find(n.begin(), n.end(), ifname) != n.end()) return &e;
        }
        return nullptr;
    }
    entry* entry_of(std::string_view ifname) {
        return const_cast<entry*>(std::as_const(*this).entry_of(ifname));
    }
    /// A request for the device that plays p2p_init_wpa_s (the oldest; there is one).
    std::string to_p2p_device(std::string_view text, bool privileged) {
        return members_.back().second.handle(members_.back().first, text, privileged);
    }
    /// wpas_global_ctrl_iface_redir_p2p's commands (those softmac has; the others answer
    /// UNKNOWN COMMAND on the global socket as they would on the device's).
    static bool redirected_to_p2p(std::string_view t) noexcept {
        constexpr std::string_view whole[] = {
            "LIST_NETWORKS", "P2P_FIND",           "P2P_STOP_FIND",      "P2P_LISTEN",
            "P2P_GROUP_ADD", "P2P_GET_PASSPHRASE", "P2P_SERVICE_UPDATE", "P2P_SERVICE_FLUSH",
            "P2P_FLUSH",     "P2P_CANCEL",         "P2P_PRESENCE_REQ",   "P2P_EXT_LISTEN",
            "STA-FIRST"};
        constexpr std::string_view prefixes[] = {"GET_CAPABILITY ",
                                                 "GET_NETWORK ",
                                                 "REMOVE_NETWORK ",
                                                 "P2P_FIND ",
                                                 "P2P_CONNECT ",
                                                 "P2P_LISTEN ",
                                                 "P2P_GROUP_REMOVE ",
                                                 "P2P_GROUP_ADD ",
                                                 "P2P_GROUP_MEMBER ",
                                                 "P2P_PROV_DISC ",
                                                 "P2P_SERV_DISC_REQ ",
                                                 "P2P_SERV_DISC_CANCEL_REQ ",
                                                 "P2P_SERV_DISC_RESP ",
                                                 "P2P_SERV_DISC_EXTERNAL ",
                                                 "P2P_SERVICE_ADD ",
                                                 "P2P_SERVICE_DEL ",
                                                 "P2P_SERVICE_REP ",
                                                 "P2P_REJECT ",
                                                 "P2P_INVITE ",
                                                 "P2P_PEER ",
                                                 "P2P_SET ",
                                                 "P2P_UNAUTHORIZE ",
                                                 "P2P_PRESENCE_REQ ",
                                                 "P2P_EXT_LISTEN ",
                                                 "P2P_REMOVE_CLIENT ",
                                                 "P2P_ASP_PROVISION ",
                                                 "P2P_ASP_PROVISION_RESP ",
                                                 "STA ",
                                                 "STA-NEXT "};
        return std::find(std::begin(whole), std::end(whole), t) != std::end(whole) ||
               std::any_of(std::begin(prefixes), std::end(prefixes),
                           [&](std::string_view p) { return t.starts_with(p); });
    }
    /// wpas_global_ctrl_iface_status: the P2P device's address and state, then each
    /// interface's name and own address (the interfaces' STATUS lines).
    std::string status(bool privileged) const {
        auto line = [](const std::string& reply, std::string_view key) {
            const std::string k = "\n" + std::string(key) + "=";
            const auto at = ("\n" + reply).find(k);
            if (at == std::string::npos) return std::string{};
            const auto b = at + k.size() - 1, e = reply.find('\n', b);
            return reply.substr(b, e == std::string::npos ? std::string::npos : e - b);
        };
        std::string s;
        if (!members_.empty()) {
            const auto& [key, m] = members_.back();
            const auto st = m.handle(key, "STATUS", privileged);
            s += "p2p_device_address=" + line(st, "p2p_device_address") + "\n";
            s += "p2p_state=" + line(st, "p2p_state") + "\n";
        }
        for (const auto& [key, m] : members_)
            for (const auto& n : m.names())
                s += "ifname=" + n +
                     "\naddress=" + line(m.handle(n, "STATUS", privileged), "address") + "\n";
        return s;
    }
    /// wpas_global_ctrl_iface_save_config: every device that may write its file writes it;
    /// FAIL when none did. (A device that may not, and one whose write failed, both answer
    /// FAIL to its own SAVE_CONFIG: a failed write among successful ones is not told apart.)
    std::string save_config(bool privileged) {
        if (!privileged) return std::string(replies::not_permitted);
        bool saved = false;
        for (auto& [key, m] : members_) saved |= m.handle(key, "SAVE_CONFIG", true) == replies::ok;
        return std::string(saved ? replies::ok : replies::fail);
    }

    hooks hooks_;
    std::vector<entry> members_;  ///< newest first
};

}  // namespace softmac::p2p::ctrl
