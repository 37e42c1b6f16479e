// SPDX-License-Identifier: MIT
/// @file Defines ctrl::parse: a request in wpa_supplicant's text syntax as a ctrl::request.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/p2p/ctrl/command.hpp>
#include <softmac/p2p/ctrl/detail/grammar.hpp>

namespace softmac::p2p::ctrl {

namespace detail {
inline request parse_find(const tokens& t) {
    cmd::p2p_find f;
    std::size_t i = 1;
    if (std::uint32_t s; number(t[1], s)) {
        f.params.timeout_s = s;
        ++i;
    }
    for (; i < t.size(); ++i) {
        const auto tok = t[i];
        if (tok == "type=social") {
            f.params.type = find_type::social;
        } else if (tok == "type=progressive") {
            f.params.type = find_type::progressive;
        } else if (auto v = option(tok, "dev_id")) {
            auto a = mac_address::parse(*v);
            if (!a) return refused{replies::fail};
            f.params.dev_id = *a;
        } else if (auto v = option(tok, "dev_type")) {
            f.params.dev_type = parse_device_type(*v);
            if (!f.params.dev_type) return refused{replies::fail};
        } else if (auto v = option(tok, "delay")) {
            if (!number(*v, f.params.delay_ms)) return refused{replies::fail};
        } else if (auto v = option(tok, "freq")) {
            if (!freq_value(*v, f.params.freq)) return refused{replies::fail};
        } else if (!width_option(tok)) {
            return refused{replies::fail};  // seek= (P2PS) and unknown words
        }
    }
    return f;
}

/// The options P2P_CONNECT takes after its method.
inline bool connect_option(std::string_view tok) noexcept {
    return tok == "join" || tok == "auth" || tok == "provdisc" || tok.starts_with("go_intent=") ||
           tok.starts_with("freq=") || tok.starts_with("persistent") || tok == "auto" ||
           tok.starts_with("ssid=") || width_option(tok);
}

inline request parse_wps(std::string_view name, const tokens& t) {
    if (name == "WPS_PBC") {
        cmd::wps_pbc c;
        if (t.size() > 2) return refused{replies::fail};
        if (t.size() == 2) {
            const auto v = option(t[1], "p2p_dev_addr");
            const auto a =
                v ? mac_address::parse(*v) : result<mac_address>(make_error(errc::bad_value, ""));
            if (!a) return refused{replies::fail};
            c.dev = *a;
        }
        return c;
    }
    if (name == "WPS_CANCEL") return cmd::wps_cancel{};
    if (name == "WPS_CHECK_PIN") {
        if (t.size() != 2) return refused{replies::fail};
        cmd::wps_check_pin c;
        for (char ch : t[1])
            if (ch >= '0' && ch <= '9') c.pin += ch;
        return c;
    }
    // WPS_PIN
    cmd::wps_pin c;
    if (t.size() < 2 || t.size() > 4) return refused{replies::fail};
    if (t[1] == "get") {
        c.get = true;
        return t.size() == 2 ? request{c} : request{refused{replies::fail}};
    }
    if (t[1] != "any") {
        auto a = mac_address::parse(t[1]);
        if (!a || t.size() < 3) return refused{replies::fail};
        c.addr = *a;
    }
    if (t.size() >= 3) {
        if (!pin_valid(t[2])) return refused{replies::fail};
        c.pin = std::string(t[2]);
    }
    if (t.size() == 4 && !number(t[3], c.timeout_s)) return refused{replies::fail};
    return c;
}

inline request parse_connect(const tokens& t) {
    cmd::p2p_connect c;
    auto a = mac_address::parse(t[1]);
    if (!a || t.size() < 3) return refused{replies::fail};
    c.peer = *a;
    std::size_t i = 3;
    const auto m = t[2];
    if (m == "pbc") {
        c.params.method = wps_method::pbc;
    } else if (m == "pin") {
        c.params.method = wps_method::display;  // a random PIN to show; it is the reply
    } else if (m == "p2ps") {
        return refused{replies::fail};
    } else {
        // The word after the PIN is the method: display, or anything else for keypad
        // (wpa_supplicant's p2p_ctrl_connect takes "enter", "keypad", ...).
        c.params.method = wps_method::keypad;
        if (t[3] == "display") {
            c.params.method = wps_method::display;
            ++i;
        } else if (t.size() > 3 && !connect_option(t[3])) {
            ++i;
        }
        if (!pin_valid(m)) return refused{replies::invalid_pin};
        c.params.pin = std::string(m);
    }
    for (; i < t.size(); ++i) {
        const auto tok = t[i];
        if (tok == "join") {
            c.params.join = true;
        } else if (tok == "auto") {
            c.params.auto_join = true;
        } else if (tok == "auth") {
            c.params.auth = true;
        } else if (tok == "provdisc") {
            c.params.provdisc = true;
        } else if (auto v = option(tok, "go_intent")) {
            unsigned gi;
            if (!number(*v, gi) || gi > 15) return refused{replies::fail};
            c.params.go_intent = static_cast<std::uint8_t>(gi);
        } else if (auto v = option(tok, "freq")) {
            if (!freq_value(*v, c.params.freq)) return refused{replies::fail};
        } else if (tok == "persistent") {
            c.params.persistent = true;
        } else if (auto v = option(tok, "persistent")) {
            if (!number(*v, c.params.persistent_id) || c.params.persistent_id < 0)
                return refused{replies::fail};
        } else if (tok.starts_with("ssid=")) {
            return refused{replies::fail};  // a join by SSID, which softmac does not offer
        }
        // Any other word is ignored: p2p_ctrl_connect looks for its options with os_strstr and
        // reads nothing else (Android's framework sends "pin display").
    }
    return c;
}

inline request parse_prov_disc(const tokens& t) {
    cmd::p2p_prov_disc p;
    auto a = mac_address::parse(t[1]);
    if (!a || t.size() < 3 || t.size() > 4) return refused{replies::fail};
    p.peer = *a;
    const auto m = t[2];
    if (m == "display") {
        p.method = wps_method::display;
    } else if (m == "keypad") {
        p.method = wps_method::keypad;
    } else if (m == "pbc" || m == "pushbutton") {
        p.method = wps_method::pbc;
    } else {
        return refused{replies::fail};
    }
    if (t.size() == 4) {
        if (t[3] != "join" && t[3] != "auto") return refused{replies::fail};
        (t[3] == "join" ? p.join : p.auto_join) = true;
    }
    return p;
}

inline request parse_peer(const tokens& t) {
    cmd::p2p_peer p;
    const auto arg = t[1];
    if (t.size() != 2) return refused{replies::fail};
    if (arg == "FIRST") return p;
    const bool next = arg.starts_with("NEXT-");
    auto a = mac_address::parse(next ? arg.substr(5) : arg);
    if (!a) return refused{replies::fail};
    p.what = next ? cmd::p2p_peer::which::next : cmd::p2p_peer::which::addr;
    p.addr = *a;
    return p;
}

/// P2P_INVITE (p2p_ctrl_invite_persistent, p2p_ctrl_invite_group).
inline request parse_invite(const tokens& t) {
    cmd::p2p_invite c;
    auto& p = c.params;
    if (t.size() < 2) return refused{replies::fail};
    if (auto v = option(t[1], "persistent")) {
        if (!number(*v, p.persistent_id) || p.persistent_id < 0) return refused{replies::fail};
    } else if (auto g = option(t[1], "group")) {
        p.group = std::string(*g);
    } else {
        return refused{replies::fail};
    }
    bool have_peer = false;
    for (std::size_t i = 2; i < t.size(); ++i) {
        const auto tok = t[i];
        auto address = [&](std::string_view v, mac_address& out) {
            auto a = mac_address::parse(v);
            if (a) out = *a;
            return a.has_value();
        };
        if (auto v = option(tok, "peer")) {
            if (!address(*v, p.peer)) return refused{replies::fail};
            have_peer = true;
        } else if (auto v = option(tok, "go_dev_addr"); v && !p.group.empty()) {
            if (!address(*v, p.go_dev)) return refused{replies::fail};
        } else if (auto v = option(tok, "freq"); v && p.group.empty()) {
            if (!freq_value(*v, p.freq)) return refused{replies::fail};
        } else if (auto v = option(tok, "pref"); v && p.group.empty()) {
            if (!freq_value(*v, p.pref)) return refused{replies::fail};
        } else if (!width_option(tok) && !tok.starts_with("freq2=") &&
                   !tok.starts_with("max_oper_chwidth=")) {
            return refused{replies::fail};
        }
    }
    if (!p.group.empty() && !have_peer) return refused{replies::fail};
    return c;
}

inline request parse_p2p(std::string_view text, const tokens& t) {
    if (auto r = parse_service<request>(text)) return *r;
    const auto name = t[0];
    if (name == "P2P_FIND") return parse_find(t);
    if (name == "P2P_STOP_FIND") return cmd::p2p_stop_find{};
    if (name == "P2P_LISTEN") {
        cmd::p2p_listen l;
        if (t.size() > 2 || (t.size() == 2 && !number(t[1], l.timeout_s)))
            return refused{replies::fail};
        return l;
    }
    if (name == "P2P_EXT_LISTEN") {
        cmd::p2p_ext_listen e;
        if (t.size() == 1) return e;
        if (t.size() != 3 || !number(t[1], e.period_ms) || !number(t[2], e.interval_ms) ||
            e.period_ms == 0 || e.interval_ms == 0 || e.period_ms > e.interval_ms ||
            e.interval_ms > 65535)
            return refused{replies::fail};
        return e;
    }
    if (name == "P2P_PRESENCE_REQ") {
        // p2p_ctrl_presence_req's reading of the text after "P2P_PRESENCE_REQ ": a space
        // after the first value, a space after the third if there is one; values as atoi.
        cmd::p2p_presence_req r;
        if (text == "P2P_PRESENCE_REQ") return r;
        if (!text.starts_with("P2P_PRESENCE_REQ ")) return refused{replies::unknown};
        const std::string_view c = text.substr(17);
        if (c.empty()) return r;
        const auto sp = c.find(' ');
        if (sp == std::string_view::npos) return refused{replies::fail};
        r.dur1 = static_cast<std::uint32_t>(c_atoi(c.substr(0, sp)));
        const std::string_view rest = c.substr(sp + 1);
        const auto sp2 = rest.find(' ');
        r.int1 = static_cast<std::uint32_t>(c_atoi(rest.substr(0, sp2)));
        if (sp2 != std::string_view::npos) {
            const std::string_view more = rest.substr(sp2 + 1);
            const auto sp3 = more.find(' ');
            if (sp3 == std::string_view::npos) return refused{replies::fail};
            r.dur2 = static_cast<std::uint32_t>(c_atoi(more.substr(0, sp3)));
            r.int2 = static_cast<std::uint32_t>(c_atoi(more.substr(sp3 + 1)));
        }
        return r;
    }
    if (name == "P2P_CONNECT") return parse_connect(t);
    if (name == "P2P_PROV_DISC") return parse_prov_disc(t);
    if (name == "P2P_GROUP_ADD") {
        cmd::p2p_group_add g;
        for (std::size_t i = 1; i < t.size(); ++i) {
            if (auto v = option(t[i], "freq")) {
                // 2 and 5 ask for a channel of that band (the engine picks it).
                if (!freq_value(*v, g.freq)) return refused{replies::fail};
            } else if (t[i] == "persistent") {
                g.persistent = true;
            } else if (auto p = option(t[i], "persistent")) {
                if (!number(*p, g.persistent_id) || g.persistent_id < 0)
                    return refused{replies::fail};
            } else if (!width_option(t[i])) {
                return refused{replies::fail};
            }
        }
        return g;
    }
    if (name == "P2P_GROUP_REMOVE") {
        if (t.size() != 2) return refused{replies::fail};
        return cmd::p2p_group_remove{std::string(t[1])};
    }
    if (name == "P2P_GET_PASSPHRASE") return cmd::p2p_get_passphrase{};
    if (name == "P2P_REJECT") {
        auto a = mac_address::parse(t[1]);
        if (!a || t.size() != 2) return refused{replies::fail};
        return cmd::p2p_reject{*a};
    }
    if (text == "P2P_CANCEL") return cmd::p2p_cancel{};
    // Commands of one address argument: text after the address is ignored, as hwaddr_aton
    // reads only the address.
    if (t.size() >= 2 &&
        (name == "P2P_UNAUTHORIZE" || name == "P2P_REMOVE_CLIENT" || name == "P2P_GROUP_MEMBER")) {
        const bool iface = name == "P2P_REMOVE_CLIENT" && t[1].starts_with("iface=");
        const auto a = mac_address::parse(iface ? t[1].substr(6) : t[1]);
        if (!a) return refused{replies::fail};
        if (name == "P2P_UNAUTHORIZE") return cmd::p2p_unauthorize{*a};
        if (name == "P2P_REMOVE_CLIENT") return cmd::p2p_remove_client{*a, iface};
        return cmd::p2p_group_member{*a};
    }
    if (name == "P2P_PEER") return parse_peer(t);
    if (name == "P2P_SET") {
        if (t.size() < 3) return refused{replies::fail};
        return cmd::p2p_set{std::string(t[1]), std::string(tokens::rest(text, 2))};
    }
    if (name == "P2P_FLUSH") return cmd::p2p_flush{};
    if (name == "P2P_INVITE") return parse_invite(t);
    return refused{replies::unknown};
}
/// CHAN_SWITCH's text after "CHAN_SWITCH " as hostapd_parse_csa_settings reads it: the count
/// as strtol (one octet kept), the frequency as atoi right after it (0 refused), the options
/// found anywhere as " key=" substrings, the flags as " ht", " vht", " he", " blocktx".
inline request parse_chan_switch(std::string_view text) {
    if (!text.starts_with("CHAN_SWITCH ")) return refused{replies::unknown};
    const std::string_view pos = text.substr(12);
    std::size_t i = 0;
    while (i < pos.size() && (pos[i] == ' ' || (pos[i] >= '\t' && pos[i] <= '\r'))) ++i;
    if (i < pos.size() && (pos[i] == '-' || pos[i] == '+')) ++i;
    const std::size_t digits = i;
    while (i < pos.size() && pos[i] >= '0' && pos[i] <= '9') ++i;
    if (i == digits) return refused{replies::fail};
    cmd::chan_switch c;
    c.count = static_cast<std::uint8_t>(c_atoi(pos.substr(0, i)));
    const int freq = c_atoi(pos.substr(i));
    if (freq == 0) return refused{replies::fail};
    c.freq = static_cast<std::uint16_t>(freq);
    auto setting = [&](std::string_view key) -> std::optional<int> {
        const auto at = pos.find(key);
        if (at == std::string_view::npos) return std::nullopt;
        return c_atoi(pos.substr(at + key.size()));
    };
    c.cf1 = static_cast<unsigned>(setting(" center_freq1=").value_or(0));
    c.cf2 = static_cast<unsigned>(setting(" center_freq2=").value_or(0));
    c.bandwidth = static_cast<unsigned>(setting(" bandwidth=").value_or(0));
    c.sec_offset = setting(" sec_channel_offset=").value_or(0);
    c.wide = pos.find(" ht") != std::string_view::npos ||
             pos.find(" vht") != std::string_view::npos ||
             pos.find(" he") != std::string_view::npos;
    c.block_tx = pos.find(" blocktx") != std::string_view::npos;
    return c;
}
}  // namespace detail

/// @brief Parses one request (the datagram's text, without an `IFNAME=` prefix). Never throws on
/// any input; what wpa_supplicant would refuse comes back as `refused` with its reply.
inline request parse(std::string_view text) {
    using namespace detail;
    const tokens t(text);
    const auto name = t[0];
    if (name.starts_with("P2P_")) return parse_p2p(text, t);
    if (name == "CHAN_SWITCH") return detail::parse_chan_switch(text);
    if (text == "PING") return cmd::ping{};
    if (text == "ATTACH") return cmd::attach{};
    if (text == "DETACH") return cmd::detach{};
    if (name == "LEVEL") {
        cmd::level l;
        if (t.size() != 2 || !number(t[1], l.value)) return refused{replies::fail};
        return l;
    }
    if (text == "IFNAME") return cmd::ifname{};
    if (name == "INTERFACES") {
        if (t.size() > 2 || (t.size() == 2 && t[1] != "ctrl")) return refused{replies::fail};
        return cmd::interfaces{t.size() == 2};
    }
    if (text == "STATUS" || text == "STATUS-VERBOSE") return cmd::status{};
    if (text == "STATUS-WPS") return cmd::status_wps{};
    if (name == "SET") {
        if (t.size() < 3) return refused{replies::fail};
        return cmd::set{std::string(t[1]), std::string(tokens::rest(text, 2))};
    }
    if (name == "GET") {
        if (t.size() != 2) return refused{replies::fail};
        return cmd::get{std::string(t[1])};
    }
    if (name == "WPS_PIN" || name == "WPS_PBC" || name == "WPS_CANCEL" || name == "WPS_CHECK_PIN")
        return parse_wps(name, t);
    if (name == "STA-FIRST") return cmd::sta_walk{};
    if ((name == "STA-NEXT" || name == "STA") && t.size() >= 2) {
        const auto a = mac_address::parse(t[1]);
        if (!a) return refused{replies::fail};
        return cmd::sta_walk{
            name == "STA" ? cmd::sta_walk::which::addr : cmd::sta_walk::which::next, *a};
    }
    if (text == "LIST_NETWORKS") return cmd::list_networks{};
    if (name == "REMOVE_NETWORK") {
        cmd::remove_network r;
        if (t.size() != 2 || (t[1] != "all" && (!number(t[1], r.id) || r.id < 0)))
            return refused{replies::fail};
        return r;
    }
    if (name == "GET_NETWORK") {
        cmd::get_network g;
        if (t.size() != 3 || !number(t[1], g.id)) return refused{replies::fail};
        g.field = std::string(t[2]);
        return g;
    }
    if (name == "SET_NETWORK") {
        cmd::set_network n;
        if (t.size() < 4 || !number(t[1], n.id)) return refused{replies::fail};
        n.field = std::string(t[2]);
        n.value = std::string(tokens::rest(text, 3));
        return n;
    }
    if (text == "SUSPEND" || text == "RESUME") return cmd::host_sleep{};
    if (text == "FLUSH") return cmd::flush{};
    if (text == "INTERFACE_LIST") return cmd::empty_list{""};  // nl80211 lists none
    if (text == "SAVE_CONFIG") return cmd::save_config{};
    if (text == "TERMINATE") return cmd::terminate{};
    if (text == "LIST_CREDS")
        return cmd::empty_list{"cred id / realm / username / domain / imsi\n"};
    if (auto r = parse_station<request>(text, t)) return *r;
    return refused{replies::unknown};
}

}  // namespace softmac::p2p::ctrl
