// SPDX-License-Identifier: MIT
/// @file Defines ctrl::network_config: a device's configuration file and its network blocks as
/// wpa_supplicant serves them (LIST_NETWORKS, GET_NETWORK, SET_NETWORK, REMOVE_NETWORK,
/// SAVE_CONFIG), the engine's stored persistent groups being the blocks with disabled=2.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/p2p/ctrl/config_file.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/ctrl/persistent_block.hpp>
#include <softmac/p2p/ctrl/station_command.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

namespace detail {
/// @brief A network block as the station interface uses it; none for a persistent group or a
/// block it cannot use (no SSID; WPA-PSK, wpa_supplicant's default key_mgmt, without a PSK).
inline std::optional<station_network> station_of(int id, const conf::network& n) {
    const auto* disabled = n.get("disabled");
    const auto* ssid = n.get("ssid");
    if ((disabled && *disabled == "2") || !ssid) return std::nullopt;
    station_network s;
    s.id = id;
    s.enabled = !disabled || *disabled == "0";
    auto text = conf::decode_string(*ssid);
    if (!text) return std::nullopt;
    s.ssid = std::move(*text);
    if (const auto* b = n.get("bssid"))
        if (auto a = mac_address::parse(*b)) s.bssid = *a;
    const auto* key_mgmt = n.get("key_mgmt");
    s.psk = !key_mgmt || *key_mgmt != "NONE";
    if (const auto* psk = n.get("psk")) {
        auto pass = psk->starts_with('"') ? conf::decode_string(*psk) : std::optional(*psk);
        if (pass) s.passphrase = std::move(*pass);
    }
    if (s.psk && s.passphrase.empty()) return std::nullopt;
    const auto* mode = n.get("mode");
    s.ap = mode && *mode == "2";
    auto number = [&](const char* key, auto& out) {
        if (const auto* v = n.get(key)) (void)ctrl::detail::number(std::string_view(*v), out);
    };
    number("frequency", s.freq);
    number("priority", s.priority);
    if (const auto* v = n.get("id_str"))
        if (auto t = conf::decode_string(*v)) s.id_str = std::move(*t);
    return s;
}
}  // namespace detail

/// @brief One device's configuration: the file it was read from, its globals (with the comments
/// and keys softmac does not interpret, written back as they were) and its network blocks by
/// network id. The stored persistent groups live in the engine; their blocks follow them.
template <class Engine>
class network_config {
  public:
    explicit network_config(Engine& e) : engine_(e) {}

    /// @brief Reads `path`: each global goes to `set_global` (false: the value is refused), the
    /// blocks with disabled=2 become the engine's stored groups. A missing file is an empty
    /// configuration, written when something changes.
    result<void> load(std::string path,
                      const std::function<bool(std::string_view, std::string_view)>& set_global) {
        path_ = std::move(path);
        auto d = conf::load(path_);
        if (!d && d.err().code != errc::not_found) return d.err();
        doc_ = d ? std::move(*d) : conf::document{};
        for (const auto& f : doc_.globals) {
            if (f.key == "update_config") update_config_ = f.value == "1";
            if (!set_global(f.key, f.value))
                return make_error(errc::bad_value, "a global setting's value is refused");
        }
        blocks_.clear();
        std::vector<persistent_group> stored;
        int id = 0;
        for (auto& n : doc_.networks) {
            if (auto g = persistent_of(id, n)) stored.push_back(std::move(*g));
            blocks_.emplace_back(id++, std::move(n));
        }
        doc_.networks.clear();
        engine_.load_persistent(std::move(stored), id);
        publish();
        return {};
    }
    const std::string& path() const noexcept { return path_; }
    bool update_config() const noexcept { return update_config_; }
    void set_update_config(bool on) noexcept { update_config_ = on; }
    /// @brief A global SET changed: the file says so from now on.
    void global_changed(std::string_view key, std::string value) {
        doc_.set(key, std::move(value));
    }
    /// @brief A global as the file has it; null when it has none.
    const std::string* global(std::string_view key) const noexcept { return doc_.get(key); }
    /// @brief Called before each write of the file (the globals catch up with the settings).
    void on_save(std::function<void()> f) { before_save_ = std::move(f); }
    /// @brief The stored groups changed: the file follows when update_config=1.
    void changed() {
        sync();
        save_if_asked();
    }
    /// @brief SAVE_CONFIG: refused without a file or with update_config=0, as wpa_supplicant.
    result<void> save() {
        if (path_.empty() || !update_config_)
            return make_error(errc::permission, "not allowed to update the configuration");
        sync();
        if (before_save_) before_save_();
        conf::document d = doc_;
        for (const auto& [id, n] : blocks_) d.networks.push_back(n);
        return conf::save(path_, d);
    }

    /// @brief LIST_NETWORKS.
    std::string list() {
        sync();
        std::string s = "network id / ssid / bssid / flags\n";
        for (const auto& [id, n] : blocks_) {
            const auto* ssid = n.get("ssid");
            const auto text = ssid ? conf::decode_string(*ssid) : std::nullopt;
            const auto* bssid = n.get("bssid");
            const auto* disabled = n.get("disabled");
            s += std::to_string(id) + "\t" + printable(text.value_or("")) + "\t" +
                 (bssid ? *bssid : "any") + "\t";
            // wpa_supplicant_ctrl_iface_list_networks: a persistent group is disabled too.
            const auto* cur = engine_.station().current();
            if (cur && cur->id == id) s += "[CURRENT]";
            if (disabled && *disabled != "0") s += "[DISABLED]";
            if (disabled && *disabled == "2") s += "[P2P-PERSISTENT]";
            s += "\n";
        }
        return s;
    }
    /// @brief REMOVE_NETWORK <id> (-1: all).
    result<void> remove(int id) {
        sync();
        if (id >= 0 && !block(id)) return make_error(errc::not_found, "no such network");
        for (const auto& [i, n] : std::vector(blocks_)) {
            if (id >= 0 && i != id) continue;
            std::erase_if(blocks_, [&](const auto& b) { return b.first == i; });
            (void)engine_.forget_persistent(i);  // not_found for a block that is no group
        }
        publish();
        save_if_asked();
        return {};
    }
    /// @brief GET_NETWORK <id> <field>: the value as written in the file; a key shows as `*`.
    result<std::string> get(int id, std::string_view field) {
        auto v = raw(id, field);
        if (v && field == "psk") return std::string("*");
        return v;
    }
    /// @brief A field's value as the file has it, keys included (DUP_NETWORK's wpa_config_get).
    result<std::string> raw(int id, std::string_view field) {
        sync();
        const auto* n = block(id);
        if (!n) return make_error(errc::not_found, "no such network");
        const auto* v = n->get(field);
        if (!v) return make_error(errc::not_found, "no such field");
        return *v;
    }
    /// @brief BSSID <id> <bssid>: the network's BSSID; all zeros takes it away.
    result<void> set_bssid(int id, const mac_address& bssid) {
        if (bssid != mac_address{}) return set(id, "bssid", bssid.to_string());
        sync();
        auto* n = block(id);
        if (!n) return make_error(errc::not_found, "no such network");
        if (persistent_of(id, *n)) return make_error(errc::bad_value, "a group's BSSID");
        n->erase("bssid");
        publish();
        save_if_asked();
        return {};
    }
    /// @brief SET_NETWORK <id> <field> <value>: checked as the file's syntax; a stored group's
    /// fields change in the engine too.
    result<void> set(int id, std::string_view field, std::string value) {
        sync();
        auto* n = block(id);
        if (!n) return make_error(errc::not_found, "no such network");
        if (field.empty() || field.find_first_of(" =\t\"") != std::string_view::npos)
            return make_error(errc::bad_value, "not a field name");
        if (auto r = conf::check_value(field, value, true); !r) return r;
        conf::network changed = *n;
        changed.set(field, std::move(value));
        const bool was_stored = persistent_of(id, *n).has_value();
        const auto now = persistent_of(id, changed);
        if (changed.get("disabled") && *changed.get("disabled") == "2" && !now)
            return make_error(errc::bad_value, "a persistent group needs ssid and bssid");
        *n = std::move(changed);
        publish();
        if (now && was_stored) return engine_.update_persistent(*now);
        if (was_stored) return engine_.forget_persistent(id);
        if (now) {
            if (auto r = engine_.add_persistent(*now); !r) return r.err();
            return {};
        }
        save_if_asked();
        return {};
    }

    /// @brief ADD_NETWORK: an empty block, disabled until enabled; its id.
    int add() {
        sync();
        const int id = engine_.take_network_id();
        conf::network n;
        n.set("disabled", "1");
        blocks_.emplace_back(id, std::move(n));
        save_if_asked();
        return id;
    }
    /// @brief ENABLE_NETWORK, DISABLE_NETWORK (id -1: all) and SELECT_NETWORK (the others are
    /// disabled; -1: any, all enabled), as wpa_supplicant_enable_network, _disable_network and
    /// _select_network change `disabled`; persistent groups are not touched and cannot be named.
    result<void> choose(cmd::network_choice::verb what, int id) {
        using v = cmd::network_choice::verb;
        sync();
        const auto* named = id >= 0 ? block(id) : nullptr;
        if (id >= 0 && (!named || persistent_of(id, *named)))
            return make_error(errc::not_found, "no such network");
        for (auto& [i, n] : blocks_) {
            const auto* d = n.get("disabled");
            if (d && *d == "2") continue;
            const bool named_one = id < 0 || i == id;
            const bool on = what == v::disable ? false : what == v::select ? named_one : true;
            if (what != v::select && !named_one) continue;
            if (on)
                n.erase("disabled");
            else
                n.set("disabled", "1");
        }
        publish();
        save_if_asked();
        return {};
    }

  private:
    /// The station interface follows the network blocks.
    void publish() {
        std::vector<station_network> out;
        for (const auto& [id, n] : blocks_)
            if (auto s = detail::station_of(id, n)) out.push_back(std::move(*s));
        engine_.configure_networks(std::move(out));
    }
    conf::network* block(int id) {
        for (auto& [i, n] : blocks_)
            if (i == id) return &n;
        return nullptr;
    }
    /// With update_config=1 the file follows every change.
    void save_if_asked() {
        if (update_config_ && !path_.empty()) (void)save();
    }
    /// The blocks follow the engine's stored groups: new ones get a block, changed ones their
    /// fields, forgotten ones lose it.
    void sync() {
        const auto& stored = engine_.persistent_groups();
        std::erase_if(blocks_, [&](const auto& b) {
            const bool is_group = persistent_of(b.first, b.second).has_value();
            return is_group && std::none_of(stored.begin(), stored.end(),
                                            [&](const auto& g) { return g.id == b.first; });
        });
        for (const auto& g : stored) {
            auto* n = block(g.id);
            if (!n) n = &blocks_.emplace_back(g.id, conf::network{}).second;
            write_persistent(g, *n);
        }
        std::sort(blocks_.begin(), blocks_.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
    }

    Engine& engine_;
    std::string path_;
    bool update_config_ = false;
    conf::document doc_;  ///< the globals (networks in blocks_)
    std::function<void()> before_save_;
    std::vector<std::pair<int, conf::network>> blocks_;  ///< every network block, by id
};

}  // namespace softmac::p2p::ctrl
