// SPDX-License-Identifier: MIT
/// @file Reads the P2P and WPS attributes of a frame into one value, and builds the P2P public
/// action frames and discovery elements.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/ieee80211/tlv.hpp>
#include <softmac/ieee80211/wps.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/wps/pin.hpp>

namespace softmac::p2p {

/// @brief The first octets of a P2P public action frame's body: category (public), action
/// (vendor specific), the P2P OUI and type. Frame registrations match on them.
inline constexpr std::array<std::uint8_t, 6> public_action_prefix{
    ieee80211::category::public_action,         ieee80211::public_code::vendor_specific,
    std::uint8_t(ieee80211::vendor::p2p >> 24), std::uint8_t(ieee80211::vendor::p2p >> 16),
    std::uint8_t(ieee80211::vendor::p2p >> 8),  std::uint8_t(ieee80211::vendor::p2p)};
/// @brief The first octets of a P2P action frame's body (category 127, used inside a group):
/// category (vendor specific), the P2P OUI and type; the subtype and dialog token follow.
inline constexpr std::array<std::uint8_t, 5> p2p_action_prefix{
    ieee80211::category::vendor, std::uint8_t(ieee80211::vendor::p2p >> 24),
    std::uint8_t(ieee80211::vendor::p2p >> 16), std::uint8_t(ieee80211::vendor::p2p >> 8),
    std::uint8_t(ieee80211::vendor::p2p)};
/// @brief The subtype of a P2P action frame (category 127); none for another frame.
inline std::optional<std::uint8_t> p2p_action_subtype(bytes_view frame) {
    const auto h = ieee80211::header_view::parse(frame);
    if (!h) return std::nullopt;
    const bytes_view body = frame.subspan(h->length());
    if (body.size() < p2p_action_prefix.size() + 2 ||
        !std::equal(p2p_action_prefix.begin(), p2p_action_prefix.end(), body.begin()))
        return std::nullopt;
    return body[p2p_action_prefix.size()];
}
/// @brief The fixed part of a P2P public action body: the prefix, the subtype and the dialog
/// token. The P2P and WPS elements follow.
inline constexpr std::size_t public_action_fixed_len = public_action_prefix.size() + 2;

/// @brief What a frame says in its P2P and WPS elements (absent attributes stay empty).
struct frame_attributes {
    std::optional<ieee80211::p2p::capability> capab;
    std::optional<ieee80211::p2p::go_intent> intent;
    std::optional<std::uint8_t> status;
    std::optional<mac_address> device_id, intended_iface;
    std::optional<ieee80211::p2p::channel_attr> listen, oper;
    /// The Channel List's channels of the P2P classes (MHz), without repeats.
    std::optional<std::vector<std::uint16_t>> channels;
    std::array<char, 2> channels_country{};  ///< the list's country
    std::optional<ieee80211::p2p::config_timeout> timeout;
    std::optional<peer_info> device;
    std::optional<mac_address> group_go, group_bssid;
    std::optional<std::string> group_ssid;
    std::optional<std::uint8_t> invitation_flags;
    std::optional<std::uint16_t> dpid, wps_methods;
    ieee80211::wps::requested_types requested;  ///< WPS Requested Device Types
    std::optional<ieee80211::p2p::ext_listen_timing> ext_listen;
    /// The Notice of Absence attribute's body as it came (index, CTWindow/OppPS, descriptors).
    std::optional<std::vector<std::uint8_t>> noa;
    /// A GO's P2P Group Info: each client's device and its interface address.
    std::vector<std::pair<peer_info, mac_address>> group_clients;
    /// A P2PS Service Hash attribute: the request of a seeker of advertised services.
    bool service_hash = false;
    bool has_p2p = false;
};

namespace detail {
/// A device name as wpa_supplicant reads it (p2p_parse_attribute): a NUL ends it, control
/// characters become '_'; it is printed as it is then.
inline std::string device_name(std::string_view raw) {
    std::string n(raw.substr(0, raw.find('\0')));
    for (auto& ch : n)
        if (static_cast<unsigned char>(ch) < 32) ch = '_';
    return n;
}
/// The clients of a P2P Group Info attribute; none when it is malformed (p2p_group_info_parse
/// fails the attribute, not the frame).
inline std::vector<std::pair<peer_info, mac_address>> group_clients_of(bytes_view b) {
    std::vector<std::pair<peer_info, mac_address>> out;
    const auto n = ieee80211::p2p::for_each_client(b, [&](const ieee80211::p2p::client_info& c) {
        peer_info d;
        d.addr = d.dev_addr = c.device_address;
        d.dev_capab = c.device_capability;
        d.config_methods = c.config_methods;
        d.primary_type = c.primary_type;
        for (std::size_t i = 0; i + 8 <= c.secondary_types.size(); i += 8)
            d.secondary_types.push_back(
                ieee80211::wps::device_type::from(c.secondary_types.data() + i));
        d.name = device_name(c.name);
        out.emplace_back(std::move(d), c.interface_address);
    });
    if (!n) out.clear();
    return out;
}
/// Reads one P2P attribute into `out`; an error for an attribute whose fault refuses the frame:
/// one of a length hostap's p2p_parse_attribute refuses (ie::p2p::length_ok), or
/// whose value cannot be read. A Listen or Operating Channel of no octets is absent.
inline result<void> read_p2p_attribute(const ieee80211::attribute& a, frame_attributes& out) {
    namespace ie = ieee80211;
    namespace p2pa = ieee80211::p2p::attr;
    if (!ie::p2p::length_ok(a))
        return make_error(errc::bad_length, "P2P attribute length invalid for its type");
    const auto take = [](auto v, auto& to) -> result<void> {
        if (!v) return v.err();
        to = *v;
        return {};
    };
    switch (a.id) {
        case p2pa::status:
            return take(ie::p2p::octet_of(a.data), out.status);
        case p2pa::capability:
            return take(ie::p2p::capability::parse(a.data), out.capab);
        case p2pa::device_id:
            return take(ie::p2p::address_of(a.data), out.device_id);
        case p2pa::go_intent:
            return take(ie::p2p::go_intent::parse(a.data), out.intent);
        case p2pa::config_timeout:
            return take(ie::p2p::config_timeout::parse(a.data), out.timeout);
        case p2pa::listen_channel:
            if (a.data.empty()) break;
            return take(ie::p2p::channel_attr::parse(a.data), out.listen);
        case p2pa::operating_channel:
            if (a.data.empty()) break;
            return take(ie::p2p::channel_attr::parse(a.data), out.oper);
        case p2pa::intended_interface_addr:
            return take(ie::p2p::address_of(a.data), out.intended_iface);
        case p2pa::group_bssid:
            return take(ie::p2p::address_of(a.data), out.group_bssid);
        case p2pa::ext_listen_timing:
            return take(ie::p2p::ext_listen_timing::parse(a.data), out.ext_listen);
        case p2pa::invitation_flags:
            return take(ie::p2p::octet_of(a.data), out.invitation_flags);
        case p2pa::channel_list: {
            auto v = ie::p2p::channel_list::parse(a.data);
            if (!v) return v.err();
            std::vector<std::uint16_t> chans;
            v->for_each([&](std::uint8_t oc, bytes_view c) {
                if (std::find(detail::p2p_classes.begin(), detail::p2p_classes.end(), oc) ==
                    detail::p2p_classes.end())
                    return;  // a class P2P does not use here (HT40, VHT, DFS)
                for (std::uint8_t ch : c)
                    if (const auto f = detail::freq_of(oc, ch); f && !detail::contains(chans, f))
                        chans.push_back(f);
            });
            out.channels = std::move(chans);
            out.channels_country = {v->country[0], v->country[1]};
            break;
        }
        case p2pa::device_info: {
            auto v = ie::p2p::device_info::parse(a.data);
            if (!v) return v.err();
            peer_info& d = out.device.emplace();
            d.dev_addr = v->address;
            d.config_methods = v->config_methods;
            d.primary_type = v->primary_type;
            d.name = detail::device_name(v->name);
            for (std::size_t i = 0; i + 8 <= v->secondary_types.size(); i += 8)
                d.secondary_types.push_back(
                    ie::wps::device_type::from(v->secondary_types.data() + i));
            break;
        }
        case p2pa::group_info:
            out.group_clients = detail::group_clients_of(a.data);
            break;
        case p2pa::noa:
            out.noa.emplace(a.data.begin(), a.data.end());
            break;
        case p2pa::group_id: {
            auto v = ie::p2p::group_id::parse(a.data);
            if (!v) return v.err();
            out.group_go = v->go_address;
            out.group_ssid = std::string(v->ssid);
            break;
        }
        case p2pa::service_hash:
            out.service_hash = true;
            break;
        default:
            break;
    }
    return {};
}
/// Reads the P2P IE stream and the WPS IE stream of an element list into `out` (empty). The
/// elements are walked once for both streams, and each stream's attributes are read as they are
/// checked; a fault of a stream comes before one of an attribute, as if the stream were checked
/// first.
inline result<void> read_elements(bytes_view elements, frame_attributes& out) {
    namespace ie = ieee80211;
    ie::vendor_stream p2p(ie::vendor::p2p), wps(ie::vendor::wps);
    if (auto r = ie::for_each_element(elements,
                                      [&](const ie::element& e) {
                                          p2p.take(e);
                                          wps.take(e);
                                      });
        !r)
        return r.err();
    if (p2p.present()) {
        out.has_p2p = true;
        result<void> read{};
        auto walked =
            ie::attribute_range<false>::for_each(p2p.bytes(), [&](const ie::attribute& a) {
                if (read) read = read_p2p_attribute(a, out);
            });
        if (!walked) return walked.err();
        if (!read) return read.err();
        if (out.device && out.capab) {
            out.device->dev_capab = out.capab->device;
            out.device->group_capab = out.capab->group;
        }
    }
    if (wps.present()) {
        // The device's WPS identity goes with its P2P Device Info; a string longer than
        // wpa_supplicant keeps (p2p_copy_wps_info) is left out.
        auto text = [&](bytes_view v, std::size_t max, std::string peer_info::*to) {
            if (out.device && v.size() <= max) ((*out.device).*to).assign(ie::wps::text_of(v));
        };
        ie::wps::attribute_checker check;
        result<void> checked{};
        const auto walked =
            ie::wps::attribute_range::for_each(wps.bytes(), [&](const ie::attribute& a) {
                namespace wa = ie::wps::attr;
                if (checked) checked = check(a);
                if (!checked) return;
                if (a.id == wa::device_password_id) {
                    if (auto v = ie::wps::u16_of(a.data)) out.dpid = *v;
                } else if (a.id == wa::config_methods) {
                    if (auto v = ie::wps::u16_of(a.data)) out.wps_methods = *v;
                } else if (a.id == wa::requested_device_type) {
                    out.requested.add(a.data);
                } else if (a.id == wa::manufacturer) {
                    text(a.data, 64, &peer_info::manufacturer);
                } else if (a.id == wa::model_name) {
                    text(a.data, 32, &peer_info::model_name);
                } else if (a.id == wa::model_number) {
                    text(a.data, 32, &peer_info::model_number);
                } else if (a.id == wa::serial_number) {
                    text(a.data, 32, &peer_info::serial_number);
                } else if (a.id == wa::secondary_device_types && out.device) {
                    for (std::size_t i = 0; i < a.data.size(); i += 8)
                        out.device->secondary_types.push_back(
                            ie::wps::device_type::from(a.data.data() + i));
                }
            });
        if (!walked) return walked.err();
        if (!checked) return checked.err();
        if (out.device)
            for (auto t : {&peer_info::manufacturer, &peer_info::model_name,
                           &peer_info::model_number, &peer_info::serial_number})
                for (auto& ch : (*out.device).*t)
                    if (static_cast<unsigned char>(ch) < 32) ch = '_';
    }
    return {};
}
}  // namespace detail

/// @brief Reads the P2P IE stream and the WPS IE stream of an element list.
inline result<frame_attributes> parse_elements(bytes_view elements) {
    // Read in place in the result that is returned, one object throughout (its one return
    // statement lets the compiler build it in the caller's): moving a filled frame_attributes
    // costs a good part of a short frame's reading.
    result<frame_attributes> read{frame_attributes{}};
    if (const auto r = detail::read_elements(elements, *read); !r) read = r.err();
    return read;
}

/// @brief What the receiver of a probe request acts on: it learns the sender's listen channel,
/// and answers a request for the P2P wildcard SSID that names it or none by Device ID and by WPS
/// Requested Device Type, unless it offers 802.11b rates only. A function of the request's
/// elements alone: a peer keeps its last request's (peer::request).
struct request_facts {
    /// Its last SSID element is the P2P wildcard SSID: a device discovery request.
    bool wildcard = false;
    /// It offers rates, all of them 802.11b's (1, 2, 5.5 and 11 Mb/s, octets 0x02, 0x04, 0x0b
    /// and 0x16), as its last Supported Rates and Extended Supported Rates elements say: no P2P
    /// device's request, which a listening device does not answer (supp_rates_11b_only, which
    /// compares whole octets: a rate marked basic is another rate).
    bool only_11b = false;
    std::optional<ieee80211::p2p::channel_attr> listen;
    std::optional<mac_address> device_id;
    ieee80211::wps::requested_types requested;
    /// A P2PS Service Hash attribute: a seeker's request, which only an advertiser of a
    /// service with one of its hashes answers (p2p_reply_probe).
    bool service_hash = false;
};
/// @brief A probe request's facts, and the device its Device Info describes (which a request
/// from an unknown sender creates a peer from).
struct probe_request_facts : request_facts {
    std::optional<peer_info> device;  ///< as parse_elements() reads it, WPS identity included
};

namespace detail {
/// What a probe request's elements say beside its P2P and WPS attributes: the last SSID, and
/// whether its last rate elements offer 802.11b rates only. Told each element in order.
struct request_elements_reader {
    std::optional<std::string_view> ssid;
    bytes_view supported, extended;
    void operator()(const ieee80211::element& e) noexcept {
        if (e.id == ieee80211::eid::ssid) ssid = ieee80211::ssid_of(e);
        if (e.id == ieee80211::eid::supported_rates) supported = e.data;
        if (e.id == ieee80211::eid::extended_rates) extended = e.data;
    }
    bool wildcard() const noexcept { return ssid == ieee80211::p2p::wildcard_ssid; }
    bool only_11b() const noexcept {
        bool any = false;
        for (const bytes_view list : {supported, extended})
            for (const std::uint8_t r : list) {
                if (r != 0x02 && r != 0x04 && r != 0x0b && r != 0x16) return false;
                any = true;
            }
        return any;
    }
};
/// How far the short reading of a probe request got.
enum class quick_read : std::uint8_t { ignored, read, needs_full };
/// Reads the facts of a probe request's elements without a frame_attributes; `needs_full` for
/// a request that carries what only parse_elements() reads, or its P2P or WPS attributes over
/// several elements (which parse_elements() puts together). `out` holds the facts only when
/// the request was `read`; otherwise it may be written in part.
inline quick_read read_probe_request_quickly(bytes_view elements, probe_request_facts& out) {
    namespace ie = ieee80211;
    namespace p2pa = ie::p2p::attr;
    // One walk, which also checks the elements, for the last SSID and the P2P and WPS elements;
    // nothing is acted on before the walk has checked them all.
    bytes_view p2p, wps;
    std::size_t p2p_elements = 0, wps_elements = 0;
    request_elements_reader rest;
    const auto walked = ie::for_each_element(elements, [&](const ie::element& e) {
        if (e.is_vendor(ie::vendor::p2p)) {
            if (++p2p_elements == 1) p2p = e.data.subspan(4);
        } else if (e.is_vendor(ie::vendor::wps)) {
            if (++wps_elements == 1) wps = e.data.subspan(4);
        } else {
            rest(e);
        }
    });
    if (!walked || p2p_elements == 0) return quick_read::ignored;
    out.wildcard = rest.wildcard();
    out.only_11b = rest.only_11b();
    if (p2p_elements > 1 || wps_elements > 1) return quick_read::needs_full;
    // The attributes are checked as they are read: a fault anywhere ignores the request, as a
    // full reading refuses it.
    bool full = false;
    const bool p2p_ok = ie::p2p::for_each_accepted(p2p, [&](const ie::attribute& a) {
        switch (a.id) {
            case p2pa::device_id:
                if (auto v = ie::p2p::address_of(a.data)) out.device_id = *v;
                break;
            case p2pa::listen_channel:
                if (auto v = ie::p2p::channel_attr::parse(a.data)) out.listen = *v;
                break;
            case p2pa::service_hash:
                out.service_hash = true;
                break;
            case p2pa::channel_list:
            case p2pa::device_info:
            case p2pa::group_id:
                full = true;
                break;
            default:
                break;
        }
    });
    if (!p2p_ok) return quick_read::ignored;
    if (full) return quick_read::needs_full;
    if (wps_elements == 1 && !ie::wps::for_each_accepted(wps, [&](const ie::attribute& a) {
            if (a.id == ie::wps::attr::requested_device_type) out.requested.add(a.data);
        }))
        return quick_read::ignored;
    return quick_read::read;
}
/// Whether two readings of a probe request agree.
inline bool same_facts(const std::optional<probe_request_facts>& a,
                       const std::optional<probe_request_facts>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    const auto& x = a->listen;
    const auto& y = b->listen;
    const bool same_listen = x.has_value() == y.has_value() &&
                             (!x || (std::equal(x->country, x->country + 3, y->country) &&
                                     x->op_class == y->op_class && x->channel == y->channel));
    return a->wildcard == b->wildcard && same_listen && a->device_id == b->device_id &&
           a->requested == b->requested && a->device == b->device && a->only_11b == b->only_11b &&
           a->service_hash == b->service_hash;
}
}  // namespace detail

/// @brief A probe request's facts read through parse_elements(); none for a frame whose elements
/// it refuses or that has no P2P element, which the receiver ignores.
inline std::optional<probe_request_facts> probe_request_facts_in_full(bytes_view elements) {
    const auto range = ieee80211::element_range::parse(elements);
    if (!range) return std::nullopt;
    auto p = parse_elements(elements);
    if (!p || !p->has_p2p) return std::nullopt;
    detail::request_elements_reader rest;
    for (auto e : *range) rest(e);
    return probe_request_facts{
        {rest.wildcard(), rest.only_11b(), p->listen, p->device_id, p->requested, p->service_hash},
        std::move(p->device)};
}

/// @brief The same facts as probe_request_facts_in_full(), for the same frames, read without
/// building a frame_attributes: one walk of the elements, then only the P2P attributes the
/// receiver uses (Device ID, Listen Channel) and the WPS Requested Device Type, every attribute's
/// length checked as the full reading checks it. A request that carries a Device Info, an
/// attribute whose value can refuse the frame (Channel List, Group ID), or its P2P or
/// WPS attributes over several elements, is read in full. A
/// search scan's requests are none of those, so most requests take the short way; builds with
/// assertions read every one both ways and abort when the two differ.
inline std::optional<probe_request_facts> read_probe_request(bytes_view elements) {
    std::optional<probe_request_facts> out(std::in_place);
    switch (detail::read_probe_request_quickly(elements, *out)) {
        case detail::quick_read::ignored:
            out.reset();
            break;
        case detail::quick_read::needs_full:
            out = probe_request_facts_in_full(elements);
            return out;  // one object returned on every path: it is built in the caller's place
        case detail::quick_read::read:
            break;
    }
#ifndef NDEBUG
    if (!detail::same_facts(out, probe_request_facts_in_full(elements))) {
        std::fputs("softmac: a probe request read quickly differs from its full reading\n", stderr);
        std::abort();
    }
#endif
    return out;
}

/// @brief The channel list attribute: one entry per P2P class with channels in `freqs` (a
/// channel of classes 124 and 125 is in both, as wpas_p2p_setup_channels lists them).
inline void put_channel_list(byte_writer& w, const std::vector<std::uint16_t>& freqs) {
    std::array<std::vector<std::uint8_t>, detail::p2p_classes.size()> entries;
    std::size_t len = 3;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto oc = detail::p2p_classes[i];
        for (auto f : freqs)
            if (const auto c = ieee80211::freq_to_channel(f);
                c && detail::freq_of(oc, c->number) == f)
                entries[i].push_back(c->number);
        if (!entries[i].empty()) len += 2 + entries[i].size();
    }
    w.u8(ieee80211::p2p::attr::channel_list).le16(static_cast<std::uint16_t>(len));
    w.u8('X').u8('X').u8(0x04);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].empty()) continue;
        w.u8(detail::p2p_classes[i]).u8(static_cast<std::uint8_t>(entries[i].size()));
        for (auto ch : entries[i]) w.u8(ch);
    }
}
/// @brief A Listen or Operating Channel attribute naming `freq` by its class and channel;
/// nothing for a frequency no P2P class has.
inline void put_channel(byte_writer& w, std::uint8_t id, std::uint16_t freq) {
    const auto c = detail::class_channel_of(freq);
    if (c.op_class == 0) return;
    ieee80211::p2p::channel_attr{{'X', 'X', 0x04}, c.op_class, c.channel}.write(w, id);
}
/// @brief The frequency a Listen or Operating Channel attribute names; 0 when P2P has none.
inline std::uint16_t freq_of(const std::optional<ieee80211::p2p::channel_attr>& a) noexcept {
    return a ? detail::freq_of(a->op_class, a->channel) : 0;
}
/// @brief P2P Device Info from our settings.
inline void put_device_info(byte_writer& w, const mac_address& dev, const settings& s,
                            std::uint16_t methods) {
    std::vector<std::uint8_t> sec;
    for (const auto& t : s.secondary_types) {
        std::uint8_t b[8];
        byte_writer bw(b);
        t.write(bw);
        sec.insert(sec.end(), b, b + 8);
    }
    ieee80211::p2p::device_info{
        dev, methods, s.primary_type, std::uint8_t(s.secondary_types.size()), sec, s.device_name}
        .write(w);
}

/// @brief A management frame: header and a body writer.
template <class Body>
std::vector<std::uint8_t> build_frame(std::uint8_t subtype, const mac_address& da,
                                      const mac_address& sa, const mac_address& bssid,
                                      Body&& body) {
    std::vector<std::uint8_t> out(ieee80211::max_frame_body);
    byte_writer w(out);
    ieee80211::write_mgmt_header(w, subtype, da, sa, bssid);
    body(w);
    out.resize(w.ok() ? w.size() : 0);
    return out;
}
/// @brief A P2P public action frame: header, category 4 / vendor action, subtype, dialog
/// token, then a P2P IE with `p2p(w)` attributes and, when `wps` writes something, a WPS IE.
template <class P2p, class Wps>
std::vector<std::uint8_t> build_public_action(const mac_address& da, const mac_address& sa,
                                              const mac_address& bssid, std::uint8_t subtype,
                                              std::uint8_t token, P2p&& p2p, Wps&& wps) {
    namespace ie = ieee80211;
    return build_frame(ie::mgmt_subtype::action, da, sa, bssid, [&](byte_writer& w) {
        ie::write_vendor_action(w, true, ie::vendor::p2p, subtype, token);
        ie::vendor_ie_builder<> p(ie::vendor::p2p);
        p2p(p.body());
        p.emit(w);
        ie::vendor_ie_builder<> s(ie::vendor::wps);
        wps(s.body());
        if (!s.body().written().empty()) s.emit(w);
    });
}

/// @brief A P2P public action frame read back: subtype, token and attributes.
struct action_frame {
    mac_address sa;
    std::uint8_t subtype = 0, token = 0;
    frame_attributes attrs;
};
inline result<action_frame> parse_public_action(bytes_view frame) {
    const auto h = ieee80211::header_view::parse(frame);
    if (!h || frame.size() < h->length() + public_action_fixed_len)
        return make_error(errc::truncated, "P2P public action too short");
    const bytes_view body = frame.subspan(h->length());
    if (!std::equal(public_action_prefix.begin(), public_action_prefix.end(), body.begin()))
        return make_error(errc::unsupported, "not a P2P public action frame");
    auto attrs = parse_elements(body.subspan(public_action_fixed_len));
    if (!attrs) return attrs.err();
    return action_frame{h->addr2(), body[public_action_prefix.size()],
                        body[public_action_prefix.size() + 1], std::move(*attrs)};
}

/// @brief An 8-digit WPS PIN: 7 random digits and the checksum digit.
inline std::string make_pin(std::uint32_t random) {
    const std::uint32_t v = random % 10000000u;
    char buf[12];
    std::snprintf(buf, sizeof buf, "%07u", unsigned(v));
    return std::string(buf) + static_cast<char>('0' + softmac::wps::pin_checksum(v));
}

}  // namespace softmac::p2p
