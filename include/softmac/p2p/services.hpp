// SPDX-License-Identifier: MIT
/// @file Defines p2p::service_registry (the Bonjour and UPnP services a device answers for, its
/// Service Update Indicator, the responder's matching as wpa_supplicant's p2p_supplicant_sd.c) and
/// the typed service queries and answers of the requester.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/anqp.hpp>

namespace softmac::p2p {

namespace detail {
/// The 27-octet DNS message P2P service discovery's Bonjour names point into: `_tcp.local` PTR
/// IN at offset 12 and `_udp.local` PTR IN at offset 28, after a 12-octet DNS header. A name
/// sent over the air starts at offset 39.
inline constexpr std::uint8_t dns_in_memory[] = {
    0, 0,   0,   0,   0,   0,    0,    0,   0,   0,   0,   0,  // DNS header
    4, '_', 't', 'c', 'p', 5,    'l',  'o', 'c', 'a', 'l', 0,  // _tcp.local
    0, 12,  0,   1,                                            // PTR IN
    4, '_', 'u', 'd', 'p', 0xc0, 0x11,                         // _udp.local
    0, 12,  0,   1};                                           // PTR IN
inline constexpr std::size_t dns_message_start = sizeof dns_in_memory;

/// Appends the dotted name at `pos` of `msg` to `out` (RFC 1035 labels and compression
/// pointers; a pointer must point before itself, and what it points to ends where it stands).
/// False for a reserved label type, a label or pointer past `end`, or a name over 255
/// characters.
inline bool dns_labels(bytes_view msg, std::size_t pos, std::size_t end, std::string& out) {
    while (pos < end) {
        const std::uint8_t b = msg[pos];
        const unsigned kind = b >> 6;
        if (kind == 1 || kind == 2) return false;
        if (kind == 3) {
            if (end - pos < 2) return false;
            const std::size_t to = static_cast<std::size_t>((b & 0x3f) << 8 | msg[pos + 1]);
            if (to >= pos) return false;
            end = pos;
            pos = to;
            continue;
        }
        if (b == 0) return true;
        ++pos;
        if (b > end - pos || out.size() + b + 2 > 256) return false;
        out.append(reinterpret_cast<const char*>(msg.data() + pos), b);
        out += '.';
        pos += b;
    }
    return true;
}
}  // namespace detail

/// @brief The Bonjour name at `offset` of `wire`, P2P service discovery's form of a name
/// (`_ipp._tcp.local` as `045f697070c00c`: labels, then a pointer to `_tcp.local` or
/// `_udp.local`, to an earlier name of `wire` (from 0x27 on), or a zero octet), read back as
/// dotted text; none when the name cannot be read.
inline std::optional<std::string> bonjour_name(bytes_view wire, std::size_t offset = 0) {
    std::vector<std::uint8_t> msg(std::begin(detail::dns_in_memory),
                                  std::end(detail::dns_in_memory));
    msg.insert(msg.end(), wire.begin(), wire.end());
    std::string out;
    if (offset > wire.size() ||
        !detail::dns_labels(msg, detail::dns_message_start + offset, msg.size(), out))
        return std::nullopt;
    if (out.empty()) return ".";
    out.pop_back();
    return out;
}
/// @brief `name` in P2P service discovery's wire form: labels, ending in the pointer to
/// `_tcp.local` or `_udp.local` when the name ends so, else in a zero octet. Empty when a label
/// is empty or longer than 63 characters.
inline std::vector<std::uint8_t> bonjour_wire_name(std::string_view name) {
    std::vector<std::uint8_t> out;
    std::uint8_t tail[2] = {0, 0};
    std::size_t tail_len = 1;
    for (const auto& [suffix, ptr] :
         {std::pair<std::string_view, std::uint8_t>{"_tcp.local", 12}, {"_udp.local", 28}}) {
        if (name == suffix || name.ends_with("." + std::string(suffix))) {
            name.remove_suffix(std::min(name.size(), suffix.size() + 1));
            tail[0] = 0xc0;
            tail[1] = ptr;
            tail_len = 2;
            break;
        }
    }
    while (!name.empty()) {
        const auto dot = name.find('.');
        const auto label = name.substr(0, dot);
        if (label.empty() || label.size() > 63) return {};
        out.push_back(static_cast<std::uint8_t>(label.size()));
        out.insert(out.end(), label.begin(), label.end());
        name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    }
    out.insert(out.end(), tail, tail + tail_len);
    return out;
}

/// @brief DNS record types a Bonjour service entry names.
namespace dns_type {
inline constexpr std::uint16_t ptr = 12, txt = 16;
}

/// @brief A Bonjour query key: the wire name, the DNS type and version 1.
inline std::vector<std::uint8_t> bonjour_key(std::string_view name, std::uint16_t type) {
    auto key = bonjour_wire_name(name);
    if (key.empty()) return key;
    key.insert(key.end(), {std::uint8_t(type >> 8), std::uint8_t(type & 0xff), 1});
    return key;
}

/// @brief Service Request TLVs built one query at a time, each with the next transaction ID
/// (from 1).
class service_query {
  public:
    /// @brief Every service of every protocol (`02000001` for the first).
    service_query& all() { return raw(ieee80211::anqp::service_protocol::all, {}); }
    /// @brief Bonjour: every service (`name` empty), or the records of `name` and `type`.
    service_query& bonjour(std::string_view name = {}, std::uint16_t type = dns_type::ptr) {
        const auto key = name.empty() ? std::vector<std::uint8_t>{} : bonjour_key(name, type);
        return raw(ieee80211::anqp::service_protocol::bonjour, key);
    }
    /// @brief UPnP: version (0x10 for 1.0) and search target (`ssdp:all`, `upnp:rootdevice`,
    /// `uuid:…`, `urn:…`).
    service_query& upnp(std::uint8_t version, std::string_view search_target) {
        std::vector<std::uint8_t> q{version};
        q.insert(q.end(), search_target.begin(), search_target.end());
        return raw(ieee80211::anqp::service_protocol::upnp, q);
    }
    /// @brief A query of any protocol with the given Query Data.
    service_query& raw(std::uint8_t protocol, bytes_view query) {
        ieee80211::anqp::put_request_tlv(tlvs_, protocol, next_++, query);
        return *this;
    }
    const std::vector<std::uint8_t>& tlvs() const noexcept { return tlvs_; }

  private:
    std::vector<std::uint8_t> tlvs_;
    std::uint8_t next_ = 1;
};

/// @brief A UPnP response's data read back: the version and the services, in order.
struct upnp_answer {
    std::uint8_t version = 0;
    std::vector<std::string> services;
};
inline result<upnp_answer> parse_upnp_answer(bytes_view data) {
    if (data.empty()) return make_error(errc::truncated, "UPnP response without version");
    upnp_answer a{data[0], {}};
    std::string_view rest(reinterpret_cast<const char*>(data.data() + 1), data.size() - 1);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        a.services.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return a;
}
/// @brief A Bonjour response's data read back: the key's name and type, and the RDATA (a
/// name in it reads with bonjour_name(data, rdata_offset): its pointers reach into the key).
struct bonjour_answer {
    std::string name;
    std::uint16_t type = 0;
    std::vector<std::uint8_t> rdata;
    std::size_t rdata_offset = 0;
};
inline result<bonjour_answer> parse_bonjour_answer(bytes_view data) {
    // The key's name ends at its zero octet or its first pointer; type and version follow.
    std::size_t end = 0;
    while (end < data.size() && data[end] != 0 && (data[end] & 0xc0) == 0) end += data[end] + 1;
    end += end < data.size() && data[end] != 0 ? 2 : 1;
    if (end + 3 > data.size()) return make_error(errc::truncated, "Bonjour key truncated");
    auto name = bonjour_name(data.first(end));
    if (!name) return make_error(errc::bad_value, "Bonjour key unreadable");
    bonjour_answer a{std::move(*name), load_be16(data.data() + end), {}, end + 3};
    a.rdata.assign(data.begin() + static_cast<std::ptrdiff_t>(end + 3), data.end());
    return a;
}

/// @brief The services a device answers for, newest first, and its Service Update Indicator,
/// which every change moves on (wpa_supplicant's p2p_srv_bonjour and p2p_srv_upnp lists).
class service_registry {
  public:
    /// Responses stop growing at this many octets (wpas_sd_request's response buffer).
    static constexpr std::size_t max_response = 10000;

    struct bonjour_service {
        std::vector<std::uint8_t> query, rdata;
    };
    struct upnp_service {
        std::uint8_t version = 0;
        std::string service;
    };

    std::uint16_t update_indicator() const noexcept { return sui_; }
    /// @brief P2P_SERVICE_UPDATE: peers learn that the services changed.
    void update() noexcept { ++sui_; }
    bool empty() const noexcept { return bonjour_.empty() && upnp_.empty(); }
    const std::vector<bonjour_service>& bonjour() const noexcept { return bonjour_; }
    const std::vector<upnp_service>& upnp() const noexcept { return upnp_; }

    /// @brief A Bonjour query key (name in wire form, DNS type, version) and its RDATA; a key
    /// added twice answers twice, as in wpa_supplicant.
    void add_bonjour(std::vector<std::uint8_t> query, std::vector<std::uint8_t> rdata) {
        bonjour_.insert(bonjour_.begin(), {std::move(query), std::move(rdata)});
        update();
    }
    result<void> del_bonjour(bytes_view query) {
        const auto it = std::find_if(bonjour_.begin(), bonjour_.end(), [&](const auto& b) {
            return std::equal(b.query.begin(), b.query.end(), query.begin(), query.end());
        });
        if (it == bonjour_.end()) return make_error(errc::not_found, "no such Bonjour service");
        bonjour_.erase(it);
        update();
        return {};
    }
    std::vector<upnp_service>::iterator find_upnp(std::uint8_t version, std::string_view service) {
        return std::find_if(upnp_.begin(), upnp_.end(), [&](const upnp_service& u) {
            return u.version == version && u.service == service;
        });
    }
    /// @brief A UPnP service string of `version`; one listed already changes nothing.
    void add_upnp(std::uint8_t version, std::string service) {
        if (find_upnp(version, service) != upnp_.end()) return;
        upnp_.insert(upnp_.begin(), {version, std::move(service)});
        update();
    }
    result<void> del_upnp(std::uint8_t version, std::string_view service) {
        const auto it = find_upnp(version, service);
        if (it == upnp_.end()) return make_error(errc::not_found, "no such UPnP service");
        upnp_.erase(it);
        update();
        return {};
    }
    /// @brief P2P_SERVICE_FLUSH.
    void flush() {
        bonjour_.clear();
        upnp_.clear();
        update();
    }

    /// @brief The Service Response TLVs that answer request TLVs `request` (wpas_sd_request);
    /// an error for TLVs whose lengths do not fit, which get no answer at all.
    result<std::vector<std::uint8_t>> answer(bytes_view request) const {
        namespace sp = ieee80211::anqp::service_protocol;
        namespace st = ieee80211::anqp::service_status;
        auto tlvs = ieee80211::anqp::parse_service_tlvs(request, false);
        if (!tlvs) return tlvs.err();
        std::vector<std::uint8_t> out;
        for (const auto& t : *tlvs) {
            switch (t.protocol) {
                case sp::all:
                    if (empty()) {
                        empty_tlv(out, sp::all, t.transaction, st::protocol_not_available);
                        break;
                    }
                    all_bonjour(out, t.transaction);
                    all_upnp(out, t.transaction);
                    break;
                case sp::bonjour:
                    answer_bonjour(out, t.transaction, t.data);
                    break;
                case sp::upnp:
                    answer_upnp(out, t.transaction, t.data);
                    break;
                case sp::p2ps:
                    // No advertisement is ever registered (softmac has no P2PS): a query that
                    // reads right finds nothing (wpas_sd_req_asp).
                    empty_tlv(out, sp::p2ps, t.transaction,
                              asp_query_valid(t.data) ? st::info_not_available : st::bad_request);
                    break;
                default:  // WS-Discovery, Wi-Fi Display (off), vendor-specific, unknown
                    empty_tlv(out, t.protocol, t.transaction, st::protocol_not_available);
                    break;
            }
        }
        return out;
    }

  private:
    static bool room(const std::vector<std::uint8_t>& out, std::size_t n) {
        return out.size() + n <= max_response;
    }
    static void empty_tlv(std::vector<std::uint8_t>& out, std::uint8_t protocol,
                          std::uint8_t transaction, std::uint8_t status) {
        if (room(out, 5)) ieee80211::anqp::put_response_tlv(out, protocol, transaction, status, {});
    }
    static void bonjour_tlv(std::vector<std::uint8_t>& out, std::uint8_t transaction,
                            bytes_view key, bytes_view rdata) {
        std::vector<std::uint8_t> data(key.begin(), key.end());
        data.insert(data.end(), rdata.begin(), rdata.end());
        ieee80211::anqp::put_response_tlv(out, ieee80211::anqp::service_protocol::bonjour,
                                          transaction, ieee80211::anqp::service_status::success,
                                          data);
    }
    void all_bonjour(std::vector<std::uint8_t>& out, std::uint8_t transaction) const {
        for (const auto& b : bonjour_) {
            if (!room(out, 5 + b.query.size() + b.rdata.size())) return;
            bonjour_tlv(out, transaction, b.query, b.rdata);
        }
    }
    void all_upnp(std::vector<std::uint8_t>& out, std::uint8_t transaction) const {
        for (const auto& u : upnp_) {
            if (!room(out, 6 + u.service.size())) return;
            std::vector<std::uint8_t> data{u.version};
            data.insert(data.end(), u.service.begin(), u.service.end());
            ieee80211::anqp::put_response_tlv(out, ieee80211::anqp::service_protocol::upnp,
                                              transaction, ieee80211::anqp::service_status::success,
                                              data);
        }
    }
    /// match_bonjour_query: the same DNS type and version, and the same name, octet for octet
    /// or once the compression is undone.
    static bool bonjour_matches(const bonjour_service& b, bytes_view q) {
        if (q.size() < 3 || b.query.size() < 3) return false;
        if (!std::equal(q.end() - 3, q.end(), b.query.end() - 3)) return false;
        const bytes_view ours(b.query.data(), b.query.size() - 3);
        const bytes_view theirs = q.first(q.size() - 3);
        if (std::equal(ours.begin(), ours.end(), theirs.begin(), theirs.end())) return true;
        const auto a = bonjour_name(theirs), c = bonjour_name(ours);
        return a && c && *a == *c;
    }
    void answer_bonjour(std::vector<std::uint8_t>& out, std::uint8_t transaction,
                        bytes_view q) const {
        namespace st = ieee80211::anqp::service_status;
        constexpr auto proto = ieee80211::anqp::service_protocol::bonjour;
        if (bonjour_.empty()) return empty_tlv(out, proto, transaction, st::protocol_not_available);
        if (q.empty()) return all_bonjour(out, transaction);
        bool matched = false;
        for (const auto& b : bonjour_) {
            if (!bonjour_matches(b, q)) continue;
            if (!room(out, 5 + q.size() + b.rdata.size())) return;
            matched = true;
            bonjour_tlv(out, transaction, q, b.rdata);  // the key as the query wrote it
        }
        if (!matched) empty_tlv(out, proto, transaction, st::info_not_available);
    }
    /// wpas_sd_req_upnp: one TLV listing, comma-separated, every service of the version whose
    /// string contains the search target (every one for `ssdp:all`).
    void answer_upnp(std::vector<std::uint8_t>& out, std::uint8_t transaction, bytes_view q) const {
        namespace st = ieee80211::anqp::service_status;
        constexpr auto proto = ieee80211::anqp::service_protocol::upnp;
        if (upnp_.empty()) return empty_tlv(out, proto, transaction, st::protocol_not_available);
        if (q.empty()) return all_upnp(out, transaction);
        if (!room(out, 5)) return;
        std::string target(reinterpret_cast<const char*>(q.data() + 1), q.size() - 1);
        target.resize(std::min(target.size(), target.find('\0')));  // read as a C string
        std::vector<std::uint8_t> data;
        for (const auto& u : upnp_) {
            if (u.version != q[0]) continue;
            if (target != "ssdp:all" && u.service.find(target) == std::string::npos) continue;
            if (!room(out, 5 + data.size() + 1 + u.service.size())) break;
            data.push_back(data.empty() ? u.version : std::uint8_t(','));
            data.insert(data.end(), u.service.begin(), u.service.end());
        }
        ieee80211::anqp::put_response_tlv(
            out, proto, transaction, data.empty() ? st::info_not_available : st::success, data);
    }
    /// A P2PS query: service name length and name, then an optional information length and
    /// text, within the query.
    static bool asp_query_valid(bytes_view q) {
        if (q.empty()) return false;
        const std::size_t svc = q[0];
        const std::size_t info = svc + 1 < q.size() ? q[svc + 1] : 0;
        return svc + (info ? info + 2 : 1) <= q.size();
    }

    std::vector<bonjour_service> bonjour_;
    std::vector<upnp_service> upnp_;
    std::uint16_t sui_ = 0;
};

}  // namespace softmac::p2p
