// SPDX-License-Identifier: MIT
/// @file Defines the station interface's control commands (scans, BSS, networks) and their parser.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/p2p/ctrl/detail/grammar.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

namespace cmd {
/// SCAN [freq=<MHz list>] [passive=1] (and wpa_supplicant's use_id=, only_new=).
struct scan {
    static constexpr operation runs[] = {operation::station};
    std::vector<std::uint16_t> freqs;
    bool passive = false;
    bool use_id = false;  ///< the reply is the scan's id
};
struct scan_results {
    static constexpr bool admin = false;
};
/// BSS <position> | ID-<id> | <bssid> | FIRST | LAST | NEXT-<id> | CURRENT | RANGE=<a>-<b> |
/// RANGE=ALL, and MASK=<hex> (wpa_supplicant_ctrl_iface_bss; a word it cannot read is position
/// 0, as atoi makes it).
struct bss {
    enum class which : std::uint8_t {
        position,
        id,
        bssid,
        first,
        last,
        next,
        current,
        range,
        p2p_dev_addr,  ///< the BSS of a P2P device (its P2P element names it)
        none,          ///< a form that names no BSS
    };
    static constexpr bool admin = false;
    which what = which::first;
    unsigned id = 0, last = 0;  ///< range: id to last
    mac_address addr;
    std::uint32_t mask = 0xFFFDFFFF;  ///< WPA_BSS_MASK_ALL: every field but the delimiter
};
struct add_network {
    static constexpr bool admin = true;
};
/// ENABLE_NETWORK, DISABLE_NETWORK <id>|all; SELECT_NETWORK <id>|any.
struct network_choice {
    enum class verb : std::uint8_t { enable, disable, select };
    static constexpr operation runs[] = {operation::station};
    verb what = verb::enable;
    int id = -1;  ///< -1: all (any)
};
/// DUP_NETWORK <source id> <destination id> <field>: the field's value copied as it is.
struct dup_network {
    static constexpr bool admin = true;
    int from = 0, to = 0;
    std::string field;
};
/// BSSID <id> <bssid>: the network's BSSID (00:00:00:00:00:00: any).
struct network_bssid {
    static constexpr bool admin = true;
    int id = 0;
    mac_address bssid;
};
/// FLUSH: the interface back to its state at start (wpa_supplicant_ctrl_iface_flush).
struct flush {
    static constexpr operation runs[] = {operation::flush, operation::group_remove,
                                         operation::station};
};
/// PKTCNT_POLL: the packet counters of the link to the AP (wpa_supplicant_pktcnt_poll).
struct pktcnt_poll {
    static constexpr bool admin = false;
};
/// STATUS-DRIVER: the interface as the driver sees it (wpa_driver_nl80211_status).
struct status_driver {
    static constexpr bool admin = false;
};
/// GET_CAPABILITY <field> [strict] [iftype=<type>]: what the radio and softmac support.
struct get_capability {
    static constexpr bool admin = false;
    std::string field;
};
/// RECONNECT, DISCONNECT, REASSOCIATE, REATTACH, ABORT_SCAN.
struct connection {
    enum class verb : std::uint8_t { reconnect, disconnect, reassociate, reattach, abort_scan };
    static constexpr operation runs[] = {operation::station};
    verb what = verb::reconnect;
};
/// BSS_FLUSH <age>, SCAN_INTERVAL <s>, STA_AUTOCONNECT <0|1>: the number read as atoi reads it.
struct station_setting {
    enum class which : std::uint8_t { bss_flush, scan_interval, autoconnect };
    static constexpr operation runs[] = {operation::station};
    which what = which::bss_flush;
    int value = 0;
};
}  // namespace cmd

namespace detail {
/// A frequency list as wpa_supplicant writes it: MHz values and ranges, comma-separated
/// (2412,2437-2462); a range stands for the 2.4 GHz channels inside it
/// (freq_range_to_channel_list).
inline bool parse_freqs(std::string_view v, std::vector<std::uint16_t>& out) {
    while (!v.empty()) {
        const auto comma = v.find(',');
        const auto item = v.substr(0, comma);
        v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
        const auto dash = item.find('-');
        std::uint16_t lo = 0, hi = 0;
        if (!freq_value(item.substr(0, dash), lo)) return false;
        hi = lo;
        if (dash != std::string_view::npos && (!freq_value(item.substr(dash + 1), hi) || hi < lo))
            return false;
        if (lo == hi) out.push_back(lo);
        for (std::uint16_t ch = 1; lo != hi && ch <= 14; ++ch) {
            const std::uint16_t f = ch == 14 ? 2484 : static_cast<std::uint16_t>(2407 + 5 * ch);
            if (f >= lo && f <= hi) out.push_back(f);  // the channels inside the range
        }
        if (out.size() > 64) return false;
    }
    return !out.empty();
}

/// The leading decimal digits of `s` (atoi's reading of a non-negative number); 0 without.
inline unsigned leading_number(std::string_view s) noexcept {
    unsigned v = 0;
    (void)std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

inline std::optional<cmd::bss> parse_bss(const tokens& t) {
    cmd::bss b;
    if (t.size() < 2 || t.size() > 3) return std::nullopt;
    if (t.size() == 3) {
        const auto m = option(t[2], "MASK");
        if (!m || !number_base(m->starts_with("0x") ? m->substr(2) : *m, b.mask, 16))
            return std::nullopt;
        if (b.mask == 0) b.mask = cmd::bss{}.mask;
    }
    const auto a = t[1];
    using w = cmd::bss::which;
    if (a == "FIRST") return b;
    if (a == "LAST" || a == "CURRENT") {
        b.what = a == "LAST" ? w::last : w::current;
    } else if (a.starts_with("NEXT-") || a.starts_with("ID-")) {
        b.what = a.starts_with("NEXT-") ? w::next : w::id;
        b.id = leading_number(a.substr(a.find('-') + 1));
    } else if (auto r = option(a, "RANGE")) {
        b.what = w::range;
        b.last = ~0u;
        if (*r == "ALL") return b;
        const auto dash = r->find('-');
        if (dash == std::string_view::npos) return std::nullopt;
        const auto lo = r->substr(0, dash), hi = r->substr(dash + 1);
        if ((!lo.empty() && !number(lo, b.id)) || (!hi.empty() && !number(hi, b.last)))
            return std::nullopt;
    } else if (auto dev = option(a, "p2p_dev_addr")) {
        const auto d = mac_address::parse(*dev);
        if (!d) return std::nullopt;
        b.what = w::p2p_dev_addr;
        b.addr = *d;
    } else if (auto addr = mac_address::parse(a)) {
        b.what = w::bssid;
        b.addr = *addr;
    } else {
        b.what = w::position;
        b.id = leading_number(a);
    }
    return b;
}

/// The station commands; none when `name` is not one of them.
template <class Request>
std::optional<Request> parse_station(std::string_view text, const tokens& t) {
    const auto name = t[0];
    const auto fail = [] { return std::optional<Request>(refused{replies::fail}); };
    if (name == "SCAN") {
        cmd::scan s;
        for (std::size_t i = 1; i < t.size(); ++i) {
            if (auto v = option(t[i], "freq")) {
                if (!parse_freqs(*v, s.freqs)) return fail();
            } else if (auto p = option(t[i], "passive")) {
                s.passive = *p == "1";
            } else if (auto u = option(t[i], "use_id")) {
                s.use_id = *u == "1";
            }  // only_new=, ssid, bssid= and others only narrow what wpa_supplicant reports
        }
        return s;
    }
    if (text == "SCAN_RESULTS") return cmd::scan_results{};
    if (name == "BSS" && t.size() >= 2) {
        // A form 2.10 cannot read names no BSS: the reply is empty (wpa_supplicant_ctrl_iface_bss).
        auto b = parse_bss(t);
        if (b) return *b;
        cmd::bss none;
        none.what = cmd::bss::which::none;
        return none;
    }
    if (text == "ADD_NETWORK") return cmd::add_network{};
    if (text.starts_with("DUP_NETWORK ")) {
        // wpa_supplicant_ctrl_iface_dup_network: two ids read by atoi, the field the rest.
        const auto a = split_word(text.substr(12));
        const auto b = a ? split_word(a->second) : std::nullopt;
        if (!b) return fail();
        return cmd::dup_network{static_cast<int>(leading_int(a->first)),
                                static_cast<int>(leading_int(b->first)), std::string(b->second)};
    }
    if (text.starts_with("BSSID ")) {
        // wpa_supplicant_ctrl_iface_bssid: the id by atoi, the address as hwaddr_aton reads it.
        const auto w = split_word(text.substr(6));
        const auto a = w ? colon_address(w->second) : std::nullopt;
        if (!a) return fail();
        return cmd::network_bssid{static_cast<int>(leading_int(w->first)), *a};
    }
    if (text == "STATUS-DRIVER") return cmd::status_driver{};
    if (text.starts_with("PKTCNT_POLL")) return cmd::pktcnt_poll{};
    if (name == "GET_CAPABILITY" && t.size() >= 2) return cmd::get_capability{std::string(t[1])};
    using v = cmd::network_choice::verb;
    const std::optional<v> verb = name == "ENABLE_NETWORK"    ? std::optional(v::enable)
                                  : name == "DISABLE_NETWORK" ? std::optional(v::disable)
                                  : name == "SELECT_NETWORK"  ? std::optional(v::select)
                                                              : std::nullopt;
    if (verb) {
        // The id is read as atoi reads it (SELECT_NETWORK all is network 0).
        cmd::network_choice c{*verb};
        const auto all = *verb == v::select ? "any" : "all";
        if (t.size() < 2) return fail();
        if (t[1] != all) c.id = static_cast<int>(leading_number(t[1]));
        if (t[1] != all && t[1].starts_with('-')) return fail();
        return c;
    }
    using c = cmd::connection::verb;
    if (text == "RECONNECT") return cmd::connection{c::reconnect};
    if (text == "DISCONNECT") return cmd::connection{c::disconnect};
    if (text == "REASSOCIATE") return cmd::connection{c::reassociate};
    if (text == "REATTACH") return cmd::connection{c::reattach};
    if (text == "ABORT_SCAN") return cmd::connection{c::abort_scan};
    using s = cmd::station_setting::which;
    for (const auto& [word, w] :
         {std::pair{"BSS_FLUSH", s::bss_flush}, std::pair{"SCAN_INTERVAL", s::scan_interval},
          std::pair{"STA_AUTOCONNECT", s::autoconnect}})
        if (name == word && t.size() >= 2) {
            const auto v = t[1];
            const bool negative = v.starts_with('-');
            const int n = static_cast<int>(leading_number(negative ? v.substr(1) : v));
            return cmd::station_setting{w, negative ? -n : n};
        }
    return std::nullopt;
}
}  // namespace detail

}  // namespace softmac::p2p::ctrl
