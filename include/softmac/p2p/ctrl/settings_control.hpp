// SPDX-License-Identifier: MIT
/// @file Defines ctrl::settings_control: SET and GET, the device's globals (wpa_supplicant's
/// wpa_supplicant_ctrl_iface_set/get for what softmac has), shared with its configuration file.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arpa/inet.h>

#include <softmac/p2p/ctrl/command.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/ctrl/networks.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

/// @brief SET and GET over a device's engine and its configuration (a changed global is
/// written back); ctrl::interface hands them here, and reads a file's globals through it.
template <class Engine>
class settings_control {
  public:
    settings_control(Engine& e, network_config<Engine>& nets)
        : engine_(e), nets_(nets), baseline_(e.settings()) {}
    /// @brief The settings as the device started (its file read): what the file need not say.
    void mark_baseline() { baseline_ = engine_.settings(); }

    std::string run(const cmd::set& c) {
        auto& s = engine_.settings();
        auto small = [&](auto& field, unsigned lo, unsigned hi) {
            unsigned v;
            if (!detail::number(std::string_view(c.value), v) || v < lo || v > hi) return false;
            field = static_cast<std::remove_reference_t<decltype(field)>>(v);
            return true;
        };
        // A value read back by GET must not look like an event to the client.
        bool ok = !c.value.starts_with('<') && !c.value.starts_with("IFNAME=");
        if (!ok) {
        } else if (c.name == "device_name") {
            ok = c.value.size() <= 32;
            if (ok) s.device_name = c.value;
        } else if (auto* text = wps_identity(s, c.name)) {
            ok = c.value.size() <= (c.name == "manufacturer" ? 64u : 32u);
            if (ok) *text = c.value;
        } else if (c.name == "device_type") {
            auto t = parse_device_type(c.value);
            ok = t.has_value();
            if (ok) s.primary_type = *t;
        } else if (c.name == "sec_device_type") {
            auto t = parse_device_type(c.value);
            ok = t.has_value() && s.secondary_types.size() < 5;
            if (ok) s.secondary_types.push_back(*t);
        } else if (c.name == "config_methods") {
            const auto m = ieee80211::wps::config_method::from_text(c.value);
            ok = m.has_value();
            if (ok) s.config_methods = *m;
        } else if (c.name == "p2p_go_intent") {
            ok = small(s.go_intent, 0, 15);
        } else if (c.name == "p2p_ssid_postfix") {
            ok = c.value.size() <= 32 - 9;
            if (ok) s.ssid_postfix = c.value;
        } else if (c.name == "p2p_passphrase_len") {
            ok = small(s.passphrase_len, 8, 63);
        } else if (c.name == "p2p_group_idle") {
            ok = small(s.group_idle_s, 0, 86400);
        } else if (c.name == "p2p_listen_channel") {
            std::uint8_t ch = 0;
            ok = small(ch, 1, 11) && engine_.set_listen_channel(ch);
        } else if (c.name == "p2p_oper_channel") {
            ok = small(s.oper_channel, 1, 11);
        } else if (c.name == "persistent_reconnect") {
            ok = small(s.persistent_reconnect, 0, 1);
        } else if (c.name == "update_config") {
            bool on = false;
            ok = small(on, 0, 1);
            if (ok) nets_.set_update_config(on);
        } else if (c.name == "p2p_pref_chan") {
            ok = parse_pref_chan(c.value, s.pref_chan);
        } else if (c.name == "p2p_no_go_freq") {
            ok = parse_freq_ranges(c.value, s.no_go_freq);
        } else if (auto* ip = ip_setting(s, c.name)) {
            ok = parse_ipv4(c.value, *ip);
        } else if (auto* i = int_setting(s, c.name)) {
            const bool flag = c.name == "p2p_add_cli_chan" || c.name == "p2p_ignore_shared_freq";
            int v = 0;
            ok = detail::number(std::string_view(c.value), v) && (!flag || v == 0 || v == 1);
            if (ok) *i = v;
        } else {
            ok = false;
        }
        if (ok) nets_.global_changed(c.name, c.value);
        return std::string(ok ? replies::ok : replies::fail);
    }
    /// The globals SET and the configuration file share.
    static constexpr std::string_view setting_keys[] = {
        "device_name",
        "device_type",
        "sec_device_type",
        "config_methods",
        "p2p_go_intent",
        "p2p_ssid_postfix",
        "p2p_passphrase_len",
        "p2p_group_idle",
        "p2p_listen_channel",
        "p2p_oper_channel",
        "persistent_reconnect",
        "update_config",
        "manufacturer",
        "model_name",
        "model_number",
        "serial_number",
        "p2p_pref_chan",
        "p2p_no_go_freq",
        "p2p_go_max_inactivity",
        "p2p_no_group_iface",
        "p2p_interface_random_mac_addr",
        "p2p_ignore_shared_freq",
        "p2p_add_cli_chan",
        "ip_addr_go",
        "ip_addr_mask",
        "ip_addr_start",
        "ip_addr_end",
    };
    static bool is_setting(std::string_view key) {
        return std::find(std::begin(setting_keys), std::end(setting_keys), key) !=
               std::end(setting_keys);
    }
    /// The integer globals kept as they are set (wpa_supplicant's INT and INT_RANGE fields).
    template <class S>
    static auto* int_setting(S& s, std::string_view key) {
        decltype(&s.go_max_inactivity_s) out = nullptr;
        if (key == "p2p_go_max_inactivity") out = &s.go_max_inactivity_s;
        if (key == "p2p_no_group_iface") out = &s.no_group_iface;
        if (key == "p2p_interface_random_mac_addr") out = &s.interface_random_mac_addr;
        if (key == "p2p_ignore_shared_freq") out = &s.ignore_shared_freq;
        if (key == "p2p_add_cli_chan") out = &s.add_cli_chan;
        return out;
    }
    /// The IPv4 globals (wpa_supplicant's IPV4 fields).
    template <class S>
    static auto* ip_setting(S& s, std::string_view key) {
        decltype(&s.ip_addr_go) out = nullptr;
        if (key == "ip_addr_go") out = &s.ip_addr_go;
        if (key == "ip_addr_mask") out = &s.ip_addr_mask;
        if (key == "ip_addr_start") out = &s.ip_addr_start;
        if (key == "ip_addr_end") out = &s.ip_addr_end;
        return out;
    }
    /// An IPv4 address as wpa_supplicant reads one (inet_aton: a.b.c.d, or fewer parts, each
    /// decimal, 0x-hex or 0-octal).
    static bool parse_ipv4(const std::string& v, ieee80211::ipv4_address& out) {
        in_addr a{};
        if (::inet_aton(v.c_str(), &a) == 0) return false;
        std::memcpy(out.data(), &a.s_addr, out.size());  // s_addr is in network order
        return true;
    }
    /// p2p_pref_chan: <class>:<channel> pairs, comma-separated, read as atoi reads them
    /// (wpa_config_process_p2p_pref_chan); an entry without ':' refuses the list.
    static bool parse_pref_chan(std::string_view v,
                                std::vector<std::pair<std::uint8_t, std::uint8_t>>& out) {
        std::vector<std::pair<std::uint8_t, std::uint8_t>> list;
        while (!v.empty()) {
            const auto colon = v.find(':');
            if (colon == std::string_view::npos) return false;
            const auto comma = v.find(',', colon);
            list.emplace_back(
                static_cast<std::uint8_t>(detail::leading_number(v)),
                static_cast<std::uint8_t>(detail::leading_number(v.substr(colon + 1))));
            v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
        }
        out = std::move(list);
        return true;
    }
    /// p2p_no_go_freq: MHz values and ranges, comma-separated (freq_range_list_parse).
    static bool parse_freq_ranges(std::string_view v,
                                  std::vector<std::pair<std::uint16_t, std::uint16_t>>& out) {
        std::vector<std::pair<std::uint16_t, std::uint16_t>> list;
        while (!v.empty() && list.size() < 64) {
            const auto comma = v.find(',');
            const auto item = v.substr(0, comma);
            const auto dash = item.find('-');
            const auto lo = static_cast<std::uint16_t>(detail::leading_number(item));
            const auto hi =
                dash == std::string_view::npos
                    ? lo
                    : static_cast<std::uint16_t>(detail::leading_number(item.substr(dash + 1)));
            list.emplace_back(lo, hi);
            v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
        }
        if (!v.empty()) return false;
        out = std::move(list);
        return true;
    }
    /// The WPS identity string a setting names, or null.
    template <class S>
    static auto* wps_identity(S& s, std::string_view key) {
        decltype(&s.manufacturer) out = nullptr;
        if (key == "manufacturer") out = &s.manufacturer;
        if (key == "model_name") out = &s.model_name;
        if (key == "model_number") out = &s.model_number;
        if (key == "serial_number") out = &s.serial_number;
        return out;
    }
    std::string run(const cmd::get& c) {
        if (c.name == "p2p_listen_channel")
            return std::to_string(ieee80211::freq_to_channel(engine_.listen_freq())->number);
        if (c.name == "update_config") return nets_.update_config() ? "1" : "0";
        return value_of(engine_.settings(), c.name).value_or(std::string(replies::fail));
    }
    /// @brief Before the file is written: settings changed other than by SET (P2PDeviceConfig
    /// and the WPS identity over D-Bus) are written as they are now. A key the file has follows
    /// the settings; one it has not is added once it differs from the device's start. A value
    /// the file's syntax would refuse is not written.
    void write_back() {
        for (std::string_view key : setting_keys) {
            const auto now = value_of(engine_.settings(), key);
            if (!now || !conf::check_value(key, *now, false)) continue;
            const auto* in_file = nets_.global(key);
            if (in_file ? *in_file != *now : *now != value_of(baseline_, key))
                nets_.global_changed(key, *now);
        }
    }

  private:
    /// A setting as GET and the file show it; none for the ones GET does not answer.
    static std::optional<std::string> value_of(const p2p::settings& s, std::string_view key) {
        if (key == "device_name") return s.device_name;
        if (const auto* text = wps_identity(s, key)) return *text;
        if (key == "device_type") return to_string(s.primary_type);
        if (key == "config_methods")
            return ieee80211::wps::config_method::to_text(s.config_methods);
        if (key == "p2p_go_intent") return std::to_string(s.go_intent);
        if (key == "p2p_ssid_postfix") return s.ssid_postfix;
        if (key == "p2p_passphrase_len") return std::to_string(s.passphrase_len);
        if (key == "p2p_group_idle") return std::to_string(s.group_idle_s);
        if (key == "p2p_listen_channel" && s.listen_channel)
            return std::to_string(s.listen_channel);
        if (key == "p2p_oper_channel") return std::to_string(s.oper_channel);
        if (key == "persistent_reconnect") return s.persistent_reconnect ? "1" : "0";
        if (const auto* i = int_setting(s, key)) return std::to_string(*i);
        if (const auto* ip = ip_setting(s, key)) return ipv4_text(*ip);
        return std::nullopt;
    }

  private:
    Engine& engine_;
    network_config<Engine>& nets_;
    p2p::settings baseline_;
};

}  // namespace softmac::p2p::ctrl
