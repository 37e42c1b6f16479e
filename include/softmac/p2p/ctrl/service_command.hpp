// SPDX-License-Identifier: MIT
/// @file Defines the service discovery control commands (P2P_SERV_DISC_*, P2P_SERVICE_*) and their
/// parser, which reads them as wpa_supplicant 2.10's ctrl_iface.c does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/anqp.hpp>
#include <softmac/p2p/ctrl/detail/grammar.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

namespace cmd {
/// P2P_SERV_DISC_REQ <addr> <TLVs hex> | <addr> upnp <version hex> <search target>; the
/// address 00:00:00:00:00:00 asks every peer.
struct serv_disc_req {
    static constexpr operation runs[] = {operation::service_discovery};
    std::optional<mac_address> peer;
    std::vector<std::uint8_t> tlvs;
};
/// P2P_SERV_DISC_CANCEL_REQ <reference hex>.
struct serv_disc_cancel {
    static constexpr operation runs[] = {operation::service_discovery};
    std::uint64_t ref = 0;
};
/// P2P_SERV_DISC_RESP <freq> <addr> <dialog token> <TLVs hex>.
struct serv_disc_resp {
    static constexpr operation runs[] = {operation::service_discovery};
    std::uint16_t freq = 0;
    mac_address to;
    std::uint8_t token = 0;
    std::vector<std::uint8_t> tlvs;
};
/// P2P_SERV_DISC_EXTERNAL <0|1>.
struct serv_disc_external {
    static constexpr operation runs[] = {operation::service_discovery};
    bool on = false;
};
/// P2P_SERVICE_ADD and P2P_SERVICE_DEL: bonjour <query hex> [<RDATA hex>] | upnp <version hex>
/// <service>; P2P_SERVICE_UPDATE and P2P_SERVICE_FLUSH.
struct service_change {
    enum class verb : std::uint8_t { add, del, update, flush };
    static constexpr operation runs[] = {operation::service_discovery};
    verb what = verb::update;
    bool bonjour = false;  ///< else UPnP
    std::vector<std::uint8_t> query, rdata;
    std::uint8_t version = 0;
    std::string service;
};
}  // namespace cmd

namespace detail {
/// hexstr2bin over all of `s`: an even count of hexadecimal digits.
inline std::optional<std::vector<std::uint8_t>> hex_bytes(std::string_view s) {
    if (s.size() % 2) return std::nullopt;
    std::vector<std::uint8_t> out(s.size() / 2);
    if (!from_hex(s, out)) return std::nullopt;
    return out;
}
/// hexstr2bin of one octet: the first two characters of `s` (what follows is not read).
inline std::optional<std::uint8_t> hex_octet(std::string_view s) {
    std::uint8_t v = 0;
    if (s.size() < 2 || !from_hex(s.substr(0, 2), bytes_span(&v, 1))) return std::nullopt;
    return v;
}
/// hwaddr_aton followed by the space 2.10 demands: the address and what follows the space.
inline std::optional<std::pair<mac_address, std::string_view>> address_then(std::string_view s) {
    const auto a = colon_address(s);
    if (!a || s.size() < 18 || s[17] != ' ') return std::nullopt;
    return std::pair{*a, s.substr(18)};
}
/// sscanf's %llx: optional blanks and 0x, then at least one hexadecimal digit.
inline std::optional<std::uint64_t> leading_hex(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
    std::uint64_t v = 0;
    std::size_t n = 0;
    for (; n < s.size() && hex_digit(s[n]) >= 0; ++n) {
        if (v >> 60) return std::nullopt;  // more than 64 bits: no query has that reference
        v = v << 4 | static_cast<std::uint64_t>(hex_digit(s[n]));
    }
    if (n == 0) return std::nullopt;
    return v;
}
inline std::optional<cmd::serv_disc_req> parse_serv_disc_req(std::string_view args) {
    const auto a = address_then(args);
    if (!a) return std::nullopt;
    cmd::serv_disc_req r;
    if (a->first != mac_address{}) r.peer = a->first;
    const auto rest = a->second;
    if (rest.starts_with("upnp ")) {
        // wpas_p2p_sd_request_upnp: one UPnP TLV, transaction 1, the version and the target.
        const auto v = hex_octet(rest.substr(5));
        if (!v || rest.size() < 8 || rest[7] != ' ') return std::nullopt;
        std::vector<std::uint8_t> q{*v};
        q.insert(q.end(), rest.begin() + 8, rest.end());
        ieee80211::anqp::put_request_tlv(r.tlvs, ieee80211::anqp::service_protocol::upnp, 1, q);
        return r;
    }
    // Wi-Fi Display and P2PS (asp) queries are not offered: softmac has neither.
    if (rest.starts_with("wifi-display ") || rest.starts_with("asp ")) return std::nullopt;
    auto tlvs = hex_bytes(rest);
    if (!tlvs) return std::nullopt;
    r.tlvs = std::move(*tlvs);
    return r;
}

inline std::optional<cmd::serv_disc_resp> parse_serv_disc_resp(std::string_view args) {
    const auto w = split_word(args);
    if (!w) return std::nullopt;
    cmd::serv_disc_resp r;
    const long freq = leading_int(w->first);
    // 2.10 refuses 0 and, beyond a frequency, sends nothing: softmac refuses both.
    if (freq <= 0 || freq > 65535) return std::nullopt;
    r.freq = static_cast<std::uint16_t>(freq);
    const auto a = address_then(w->second);
    if (!a) return std::nullopt;
    r.to = a->first;
    const auto t = split_word(a->second);
    if (!t) return std::nullopt;
    r.token = static_cast<std::uint8_t>(leading_int(t->first));
    auto tlvs = hex_bytes(t->second);
    if (!tlvs) return std::nullopt;
    r.tlvs = std::move(*tlvs);
    return r;
}

/// P2P_SERVICE_ADD / _DEL arguments after the verb: `<type> <args>`.
inline std::optional<cmd::service_change> parse_service_change(cmd::service_change::verb verb,
                                                               std::string_view args) {
    const auto w = split_word(args);
    if (!w) return std::nullopt;
    cmd::service_change c;
    c.what = verb;
    const bool add = verb == cmd::service_change::verb::add;
    if (w->first == "bonjour") {
        c.bonjour = true;
        std::string_view q = w->second, rdata;
        if (add) {
            const auto parts = split_word(w->second);
            if (!parts) return std::nullopt;
            q = parts->first;
            rdata = parts->second;
        }
        auto query = hex_bytes(q);
        auto value = hex_bytes(rdata);
        if (!query || !value) return std::nullopt;
        c.query = std::move(*query);
        c.rdata = std::move(*value);
        return c;
    }
    if (w->first == "upnp") {
        const auto parts = split_word(w->second);
        if (!parts) return std::nullopt;
        const auto v = hex_octet(parts->first);
        if (!v) return std::nullopt;
        c.version = *v;
        c.service = std::string(parts->second);
        return c;
    }
    return std::nullopt;  // asp (P2PS) and unknown types
}

/// The service discovery commands; none when `name` is not one of them.
template <class Request>
std::optional<Request> parse_service(std::string_view text) {
    const auto fail = [] { return std::optional<Request>(refused{replies::fail}); };
    const auto arg = [&](std::string_view name) -> std::optional<std::string_view> {
        if (text.size() > name.size() && text.starts_with(name) && text[name.size()] == ' ')
            return text.substr(name.size() + 1);
        return std::nullopt;
    };
    using v = cmd::service_change::verb;
    if (text == "P2P_SERVICE_UPDATE" || text == "P2P_SERVICE_FLUSH") {
        cmd::service_change c;
        c.what = text == "P2P_SERVICE_FLUSH" ? v::flush : v::update;
        return c;
    }
    if (auto a = arg("P2P_SERV_DISC_REQ")) {
        auto r = parse_serv_disc_req(*a);
        return r ? std::optional<Request>(std::move(*r)) : fail();
    }
    if (auto a = arg("P2P_SERV_DISC_CANCEL_REQ")) {
        const auto ref = leading_hex(*a);
        return ref ? std::optional<Request>(cmd::serv_disc_cancel{*ref}) : fail();
    }
    if (auto a = arg("P2P_SERV_DISC_RESP")) {
        auto r = parse_serv_disc_resp(*a);
        return r ? std::optional<Request>(std::move(*r)) : fail();
    }
    if (auto a = arg("P2P_SERV_DISC_EXTERNAL")) {
        if (*a != "0" && *a != "1") return fail();
        return cmd::serv_disc_external{*a == "1"};
    }
    for (const auto& [name, verb] :
         {std::pair{"P2P_SERVICE_ADD", v::add}, std::pair{"P2P_SERVICE_DEL", v::del}})
        if (auto a = arg(name)) {
            auto c = parse_service_change(verb, *a);
            return c ? std::optional<Request>(std::move(*c)) : fail();
        }
    if (arg("P2P_SERVICE_REP")) return fail();  // replaces P2PS advertisements only
    return std::nullopt;
}
}  // namespace detail

}  // namespace softmac::p2p::ctrl
