// SPDX-License-Identifier: MIT
/// @file Defines P2P IE attributes: IDs, names, typed accessors with hostap's validity rules, and
/// builders.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/tlv.hpp>
#include <softmac/ieee80211/wps.hpp>

namespace softmac::ieee80211::p2p {

/// @brief The P2P wildcard SSID a device discovery request asks for (and every group SSID's
/// prefix).
inline constexpr std::string_view wildcard_ssid = "DIRECT-";

/// @brief P2P attribute IDs.
namespace attr {
inline constexpr std::uint8_t status = 0, minor_reason = 1, capability = 2, device_id = 3,
                              go_intent = 4, config_timeout = 5, listen_channel = 6,
                              group_bssid = 7, ext_listen_timing = 8, intended_interface_addr = 9,
                              manageability = 10, channel_list = 11, noa = 12, device_info = 13,
                              group_info = 14, group_id = 15, interface = 16,
                              operating_channel = 17, invitation_flags = 18,
                              oob_go_neg_channel = 19, service_hash = 21, session_info = 22,
                              connection_capability = 23, advertisement_id = 24,
                              advertised_service_info = 25, session_id = 26,
                              feature_capability = 27, persistent_group_info = 28,
                              vendor_specific = 221;
}

/// @brief P2P public action subtypes (category 4, action 9, OUI type 9).
namespace public_action {
inline constexpr std::uint8_t go_neg_req = 0, go_neg_resp = 1, go_neg_conf = 2, invitation_req = 3,
                              invitation_resp = 4, dev_disc_req = 5, dev_disc_resp = 6,
                              prov_disc_req = 7, prov_disc_resp = 8;
}
/// @brief P2P action subtypes (category 127).
namespace action {
inline constexpr std::uint8_t noa = 0, presence_req = 1, presence_resp = 2, go_disc_req = 3;
}

/// @brief Status attribute values.
namespace status {
inline constexpr std::uint8_t success = 0, info_unavailable = 1, incompatible_params = 2,
                              limit_reached = 3, invalid_params = 4, unable_to_accommodate = 5,
                              prev_protocol_error = 6, no_common_channels = 7, unknown_group = 8,
                              both_go_intent_15 = 9, incompatible_prov_method = 10,
                              rejected_by_user = 11, success_deferred = 12;
}

/// @brief Device and group capability bits.
namespace dev_capab {
inline constexpr std::uint8_t service_discovery = 0x01, client_discoverability = 0x02,
                              concurrent_oper = 0x04, infra_managed = 0x08, device_limit = 0x10,
                              invitation_procedure = 0x20;
}
namespace group_capab {
inline constexpr std::uint8_t group_owner = 0x01, persistent_group = 0x02, group_limit = 0x04,
                              intra_bss_dist = 0x08, cross_conn = 0x10, persistent_reconn = 0x20,
                              group_formation = 0x40, ip_addr_alloc = 0x80;
}

using attribute_range = ieee80211::attribute_range<false>;

constexpr std::string_view attribute_name(std::uint16_t id) noexcept {
    switch (id) {
        case attr::status:
            return "Status";
        case attr::minor_reason:
            return "Minor Reason Code";
        case attr::capability:
            return "P2P Capability";
        case attr::device_id:
            return "P2P Device ID";
        case attr::go_intent:
            return "Group Owner Intent";
        case attr::config_timeout:
            return "Configuration Timeout";
        case attr::listen_channel:
            return "Listen Channel";
        case attr::group_bssid:
            return "P2P Group BSSID";
        case attr::ext_listen_timing:
            return "Extended Listen Timing";
        case attr::intended_interface_addr:
            return "Intended P2P Interface Address";
        case attr::manageability:
            return "P2P Manageability";
        case attr::channel_list:
            return "Channel List";
        case attr::noa:
            return "Notice of Absence";
        case attr::device_info:
            return "P2P Device Info";
        case attr::group_info:
            return "P2P Group Info";
        case attr::group_id:
            return "P2P Group ID";
        case attr::interface:
            return "P2P Interface";
        case attr::operating_channel:
            return "Operating Channel";
        case attr::invitation_flags:
            return "Invitation Flags";
        case attr::oob_go_neg_channel:
            return "Out-of-Band Group Owner Negotiation Channel";
        case attr::service_hash:
            return "Service Hash";
        case attr::session_info:
            return "Session Information Data";
        case attr::connection_capability:
            return "Connection Capability";
        case attr::advertisement_id:
            return "Advertisement ID";
        case attr::advertised_service_info:
            return "Advertised Service Info";
        case attr::session_id:
            return "Session ID";
        case attr::feature_capability:
            return "Feature Capability";
        case attr::persistent_group_info:
            return "Persistent Group Info";
        case attr::vendor_specific:
            return "Vendor Specific";
        default:
            return "Unknown";
    }
}

constexpr std::string_view public_action_name(std::uint8_t subtype) noexcept {
    constexpr std::string_view names[] = {"GO Negotiation Request",
                                          "GO Negotiation Response",
                                          "GO Negotiation Confirmation",
                                          "Invitation Request",
                                          "Invitation Response",
                                          "Device Discoverability Request",
                                          "Device Discoverability Response",
                                          "Provision Discovery Request",
                                          "Provision Discovery Response"};
    return subtype < 9 ? names[subtype] : "Unknown";
}

// ----------------------------------------------------------------------------------------------
// Typed attributes. Each parse() applies hostap's minimum length for that attribute (min_length).

namespace detail {
inline result<void> at_least(bytes_view b, std::size_t n) noexcept {
    if (b.size() < n) return make_error(errc::bad_length, "P2P attribute too short");
    return {};
}
/// hostap's p2p_parse_attribute minimums, by attribute ID (0: none).
inline constexpr std::array<std::uint8_t, 256> min_lengths = [] {
    std::array<std::uint8_t, 256> t{};
    for (auto id : {attr::status, attr::minor_reason, attr::go_intent, attr::manageability,
                    attr::invitation_flags, attr::connection_capability, attr::feature_capability})
        t[id] = 1;
    for (auto id : {attr::capability, attr::config_timeout, attr::noa}) t[id] = 2;
    t[attr::channel_list] = 3;
    t[attr::ext_listen_timing] = 4;
    t[attr::listen_channel] = t[attr::operating_channel] = 5;
    for (auto id :
         {attr::device_id, attr::group_bssid, attr::intended_interface_addr, attr::group_id,
          attr::oob_go_neg_channel, attr::service_hash, attr::persistent_group_info})
        t[id] = 6;
    t[attr::advertised_service_info] = 8;
    t[attr::advertisement_id] = t[attr::session_id] = 10;
    t[attr::device_info] = 17;
    return t;
}();
}  // namespace detail

/// @brief The fewest octets a P2P attribute of type `id` may carry (0: any number), as hostap's
/// p2p_parse_attribute requires them: a shorter one makes the whole P2P element unreadable, and
/// its frame is ignored.
constexpr std::size_t min_length(std::uint8_t id) noexcept { return detail::min_lengths[id]; }
/// @brief Whether attribute `a` has a length hostap's p2p_parse_attribute accepts: at least
/// min_length, and for a Group ID or Persistent Group Info at most 38 (an address and an SSID);
/// a Listen or Operating Channel of none counts as absent ("null channel").
SOFTMAC_HOT_INLINE bool length_ok(const attribute& a) noexcept {
    const std::size_t n = a.data.size();
    if (n < detail::min_lengths[a.id & 0xff])
        return n == 0 && (a.id == attr::listen_channel || a.id == attr::operating_channel);
    return n <= 38 || (a.id != attr::group_id && a.id != attr::persistent_group_info);
}
/// @brief One walk of a P2P attribute stream, calling `f` on each attribute: whether its framing
/// and every attribute's length (length_ok) are ones p2p_parse_attribute accepts. `f` sees the
/// attributes before a framing fault, and all of them after a length fault.
template <class F>
SOFTMAC_HOT_INLINE bool for_each_accepted(bytes_view stream, F&& f) {
    return attribute_range::for_each_accepted(
        stream, [](const attribute& a) { return length_ok(a); }, f);
}

struct capability {
    std::uint8_t device = 0, group = 0;
    static result<capability> parse(bytes_view b) noexcept {
        if (auto r = detail::at_least(b, min_length(attr::capability)); !r) return r.err();
        return capability{b[0], b[1]};
    }
    void write(byte_writer& w) const noexcept {
        w.u8(attr::capability).le16(2).u8(device).u8(group);
    }
};

struct go_intent {
    /// 0..15; a frame may carry up to 127, which its receiver answers as invalid parameters
    /// (p2p_process_go_neg_req and _resp read the value, then refuse it).
    std::uint8_t intent = 0;
    bool tie_breaker = false;
    static result<go_intent> parse(bytes_view b) noexcept {
        if (auto r = detail::at_least(b, min_length(attr::go_intent)); !r) return r.err();
        return go_intent{std::uint8_t(b[0] >> 1), (b[0] & 1) != 0};
    }
    void write(byte_writer& w) const noexcept {
        w.u8(attr::go_intent).le16(1).u8(std::uint8_t((intent << 1) | (tie_breaker ? 1 : 0)));
    }
};

/// @brief Configuration Timeout in units of 10 ms.
struct config_timeout {
    std::uint8_t go = 0, client = 0;
    static result<config_timeout> parse(bytes_view b) noexcept {
        if (auto r = detail::at_least(b, min_length(attr::config_timeout)); !r) return r.err();
        return config_timeout{b[0], b[1]};
    }
    void write(byte_writer& w) const noexcept {
        w.u8(attr::config_timeout).le16(2).u8(go).u8(client);
    }
};

/// @brief Listen Channel and Operating Channel share this layout.
struct channel_attr {
    char country[3] = {'X', 'X', 0x04};
    std::uint8_t op_class = 0, channel = 0;
    static result<channel_attr> parse(bytes_view b) noexcept {
        if (auto r = detail::at_least(b, min_length(attr::listen_channel)); !r) return r.err();
        return channel_attr{{char(b[0]), char(b[1]), char(b[2])}, b[3], b[4]};
    }
    void write(byte_writer& w, std::uint8_t id) const noexcept {
        w.u8(id).le16(5).u8(std::uint8_t(country[0])).u8(std::uint8_t(country[1]));
        w.u8(std::uint8_t(country[2])).u8(op_class).u8(channel);
    }
};

struct ext_listen_timing {
    std::uint16_t period_ms = 0, interval_ms = 0;
    static result<ext_listen_timing> parse(bytes_view b) noexcept {
        if (auto r = detail::at_least(b, min_length(attr::ext_listen_timing)); !r) return r.err();
        return ext_listen_timing{load_le16(b.data()), load_le16(b.data() + 2)};
    }
    void write(byte_writer& w) const noexcept {
        w.u8(attr::ext_listen_timing).le16(4).le16(period_ms).le16(interval_ms);
    }
};

/// @brief Any attribute that is just one MAC address (device ID, BSSID, interface address).
inline result<mac_address> address_of(bytes_view b) noexcept {
    if (auto r = detail::at_least(b, 6); !r) return r.err();
    return mac_address::from(b.data());
}
inline void write_address(byte_writer& w, std::uint8_t id, const mac_address& a) noexcept {
    w.u8(id).le16(6).raw(a.bytes());
}
inline result<std::uint8_t> octet_of(bytes_view b) noexcept {
    if (auto r = detail::at_least(b, 1); !r) return r.err();
    return b[0];
}
inline void write_octet(byte_writer& w, std::uint8_t id, std::uint8_t v) noexcept {
    w.u8(id).le16(1).u8(v);
}

/// @brief Channel List: country, then {operating class, count, channels} entries.
struct channel_list {
    char country[3] = {'X', 'X', 0x04};
    bytes_view entries;  ///< validated entry bytes

    static result<channel_list> parse(bytes_view b) noexcept {
        if (auto r = detail::at_least(b, 3); !r) return r.err();
        std::size_t off = 3;
        while (off < b.size()) {
            if (b.size() - off < 2)
                return make_error(errc::truncated, "channel list entry truncated", off);
            if (b.size() - off - 2 < b[off + 1])
                return make_error(errc::overrun, "channel list entry overruns", off);
            off += 2 + b[off + 1];
        }
        return channel_list{{char(b[0]), char(b[1]), char(b[2])}, b.subspan(3)};
    }
    /// @brief Calls f(op_class, bytes_view channels) per entry.
    template <class F>
    void for_each(F&& f) const {
        for (std::size_t off = 0; off < entries.size(); off += 2 + entries[off + 1])
            f(entries[off], entries.subspan(off + 2, entries[off + 1]));
    }
    bool contains(std::uint8_t op_class, std::uint8_t channel) const noexcept {
        bool found = false;
        for_each([&](std::uint8_t oc, bytes_view chans) {
            if (oc == op_class)
                for (auto c : chans) found = found || c == channel;
        });
        return found;
    }
};

/// @brief P2P Device Info.
struct device_info {
    mac_address address;
    std::uint16_t config_methods = 0;
    wps::device_type primary_type;
    std::uint8_t secondary_count = 0;
    bytes_view secondary_types;  ///< 8 octets each
    std::string_view name;

    static result<device_info> parse(bytes_view b) noexcept {
        byte_reader r(b);
        device_info d;
        auto a = r.take(6);
        d.config_methods = r.be16();
        auto t = r.take(8);
        d.secondary_count = r.u8();
        if (!r.ok()) return make_error(errc::bad_length, "P2P Device Info shorter than 17 octets");
        d.address = mac_address::from(a.data());
        d.primary_type = wps::device_type::from(t.data());
        d.secondary_types = r.take(std::size_t(d.secondary_count) * 8);
        const std::uint16_t type = r.be16();
        const std::uint16_t len = r.be16();
        if (!r.ok()) return make_error(errc::overrun, "P2P Device Info secondary types overrun");
        if (type != wps::attr::device_name)
            return make_error(errc::bad_value, "P2P Device Info without a Device Name TLV");
        if (len > 32) return make_error(errc::bad_length, "P2P device name longer than 32");
        d.name = wps::text_of(r.take(len));
        if (!r.ok()) return make_error(errc::overrun, "P2P device name overruns");
        return d;
    }
    void write(byte_writer& w) const noexcept {
        const std::size_t n = name.size() > 32 ? 32 : name.size();
        w.u8(attr::device_info).le16(std::uint16_t(6 + 2 + 8 + 1 + secondary_types.size() + 4 + n));
        w.raw(address.bytes()).be16(config_methods);
        primary_type.write(w);
        w.u8(std::uint8_t(secondary_types.size() / 8)).raw(secondary_types);
        w.be16(wps::attr::device_name).be16(std::uint16_t(n)).raw(name.substr(0, n));
    }
};

/// @brief P2P Group ID: GO device address + SSID.
struct group_id {
    mac_address go_address;
    std::string_view ssid;
    static result<group_id> parse(bytes_view b) noexcept {
        if (b.size() < 6 || b.size() > 38)
            return make_error(errc::bad_length, "P2P Group ID length outside 6..38");
        return group_id{mac_address::from(b.data()),
                        {reinterpret_cast<const char*>(b.data() + 6), b.size() - 6}};
    }
    void write(byte_writer& w, std::uint8_t id = attr::group_id) const noexcept {
        const std::size_t n = ssid.size() > 32 ? 32 : ssid.size();
        w.u8(id).le16(std::uint16_t(6 + n)).raw(go_address.bytes()).raw(ssid.substr(0, n));
    }
};

/// @brief Notice of Absence: index, CTWindow/OppPS, up to two descriptors.
struct notice_of_absence {
    struct descriptor {
        std::uint8_t count_type;
        std::uint32_t duration_us, interval_us, start_time;
        friend bool operator==(const descriptor&, const descriptor&) = default;
    };
    std::uint8_t index = 0, ctwindow_opp_ps = 0;
    std::uint8_t count = 0;
    descriptor descriptors[2]{};

    static result<notice_of_absence> parse(bytes_view b) noexcept {
        if (auto r = detail::at_least(b, 2); !r) return r.err();
        if ((b.size() - 2) % 13 != 0 || (b.size() - 2) / 13 > 2)
            return make_error(errc::bad_length, "NoA descriptors must be 13 octets, at most two");
        notice_of_absence n{b[0], b[1], std::uint8_t((b.size() - 2) / 13), {}};
        for (std::uint8_t i = 0; i < n.count; ++i) {
            const std::uint8_t* p = b.data() + 2 + 13 * i;
            n.descriptors[i] = {p[0], load_le32(p + 1), load_le32(p + 5), load_le32(p + 9)};
        }
        return n;
    }
    void write(byte_writer& w) const noexcept {
        w.u8(attr::noa).le16(std::uint16_t(2 + 13 * count)).u8(index).u8(ctwindow_opp_ps);
        for (std::uint8_t i = 0; i < count && i < 2; ++i)
            w.u8(descriptors[i].count_type)
                .le32(descriptors[i].duration_us)
                .le32(descriptors[i].interval_us)
                .le32(descriptors[i].start_time);
    }
    friend bool operator==(const notice_of_absence&, const notice_of_absence&) = default;
};

/// @brief One client descriptor of the P2P Group Info attribute.
struct client_info {
    mac_address device_address, interface_address;
    std::uint8_t device_capability = 0;
    std::uint16_t config_methods = 0;
    wps::device_type primary_type;
    bytes_view secondary_types;
    std::string_view name;
};

/// @brief Validates P2P Group Info and calls f(client_info) per descriptor.
template <class F>
result<std::size_t> for_each_client(bytes_view b, F&& f) {
    std::size_t off = 0, n = 0;
    while (off < b.size()) {
        const std::size_t len = b[off];
        if (len < 24) return make_error(errc::bad_length, "client descriptor shorter than 24", off);
        if (b.size() - off - 1 < len)
            return make_error(errc::overrun, "client descriptor overruns", off);
        byte_reader r(b.subspan(off + 1, len));
        client_info c;
        c.device_address = mac_address::from(r.take(6).data());
        c.interface_address = mac_address::from(r.take(6).data());
        c.device_capability = r.u8();
        c.config_methods = r.be16();
        c.primary_type = wps::device_type::from(r.take(8).data());
        c.secondary_types = r.take(std::size_t(r.u8()) * 8);
        const std::uint16_t type = r.be16(), nlen = r.be16();
        c.name = wps::text_of(r.take(nlen));
        if (!r.ok() || type != wps::attr::device_name)
            return make_error(errc::overrun, "client descriptor fields overrun", off);
        f(c);
        if (++n >= 50) return make_error(errc::exhausted, "more than 50 client descriptors", off);
        off += 1 + len;
    }
    return n;
}

/// @brief The P2P Device Address that the P2P element(s) of `ies` give in their Device Info (a
/// P2P client's (Re)Association Request), if any.
inline std::optional<mac_address> device_address_in(bytes_view ies) noexcept {
    auto r = element_range::parse(ies);
    if (!r) return std::nullopt;
    const vendor_stream p2p(*r, vendor::p2p);
    auto attrs = attribute_range::parse(p2p.bytes());
    if (!p2p.present() || !attrs) return std::nullopt;
    const auto info = attrs->find(attr::device_info);
    auto d =
        info ? device_info::parse(*info) : result<device_info>(make_error(errc::not_found, ""));
    if (!d) return std::nullopt;
    return d->address;
}

/// @brief The Group Capability of the P2P element(s) of `ies` (a GO's Beacon or Probe Response),
/// 0 when there is none (p2p_get_group_capab).
inline std::uint8_t group_capability_in(bytes_view ies) noexcept {
    auto r = element_range::parse(ies);
    if (!r) return 0;
    const vendor_stream p2p(*r, vendor::p2p);
    auto attrs = attribute_range::parse(p2p.bytes());
    if (!p2p.present() || !attrs) return 0;
    const auto c = attrs->find(attr::capability);
    if (!c) return 0;
    const auto capab = capability::parse(*c);
    return capab ? capab->group : 0;
}

/// @brief Whether a P2P GO whose probe responses carry the elements `own` answers a Probe
/// Request with the elements `request` (hostapd's p2p_group_match_dev_type and
/// p2p_group_match_dev_id): a WPS Requested Device Type must be the primary or a secondary type
/// of the GO or of one of its clients, and a P2P Device ID must be the GO's or a client's device
/// address. A request that names neither is answered; so is every request to an AP whose
/// elements carry no P2P element, and a request's P2P or WPS attributes that wpa_supplicant cannot
/// parse (a length p2p_parse_attribute or wps_set_attr refuses, a Device Info that does not
/// read) name nothing, as p2p_group_match_dev_id and p2p_match_dev_type then assume; of several
/// Device IDs the last counts. A requested type matches as
/// wpa_supplicant's dev_type_match does (wps::device_type::answers: a category with OUI and
/// sub-category 0 is a wildcard).
inline bool group_answers_probe(bytes_view request, bytes_view own) noexcept {
    // What the request asks for; most name nothing, and are answered without reading `own`.
    const auto req = element_range::parse(request);
    if (!req) return true;
    std::optional<mac_address> device_id;
    const vendor_stream req_p2p(*req, vendor::p2p);
    if (req_p2p.present()) {
        bool info_ok = true;
        const bool readable = for_each_accepted(req_p2p.bytes(), [&](const attribute& a) {
            if (a.id == attr::device_info) info_ok = info_ok && device_info::parse(a.data);
            if (a.id == attr::device_id)
                if (const auto who = address_of(a.data)) device_id = *who;
        });
        if (!readable || !info_ok) device_id.reset();
    }
    wps::requested_types types;
    const vendor_stream req_wps(*req, vendor::wps);
    if (req_wps.present() && !wps::for_each_accepted(req_wps.bytes(), [&](const attribute& a) {
            if (a.id == wps::attr::requested_device_type) types.add(a.data);
        }))
        types = {};
    if (!device_id && !types.count) return true;
    const auto mine = element_range::parse(own);
    if (!mine) return true;
    const vendor_stream own_p2p(*mine, vendor::p2p);
    const auto own_attrs = attribute_range::parse(own_p2p.bytes());
    if (!own_p2p.present() || !own_attrs) return true;
    // Whether a member (the GO from its Device Info, then each client of its Group Info)
    // satisfies `f(address, primary type, secondary types)`.
    auto any_member = [&](auto&& f) {
        bool hit = false;
        if (const auto info = own_attrs->find(attr::device_info))
            if (const auto d = device_info::parse(*info))
                hit = f(d->address, d->primary_type, d->secondary_types);
        if (const auto group = own_attrs->find(attr::group_info); group && !hit)
            (void)for_each_client(*group, [&](const client_info& c) {
                hit = hit || f(c.device_address, c.primary_type, c.secondary_types);
            });
        return hit;
    };
    if (types.count &&
        !any_member([&](const mac_address&, const wps::device_type& primary, bytes_view secondary) {
            bool hit = types.answered_by(primary);
            for (std::size_t i = 0; i + 8 <= secondary.size(); i += 8)
                hit = hit || types.answered_by(wps::device_type::from(secondary.data() + i));
            return hit;
        }))
        return false;
    return !device_id || any_member([&](const mac_address& a, const wps::device_type&, bytes_view) {
        return a == *device_id;
    });
}

}  // namespace softmac::ieee80211::p2p
