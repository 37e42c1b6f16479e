// SPDX-License-Identifier: MIT
/// @file Builds the frames and elements the P2P engine sends (hostap's p2p_build.c): probe
/// request elements, probe response, GO negotiation request, response and confirmation, the
/// provision discovery request and response, a GO's and a client's P2P elements, and the group's
/// SSID and passphrase. Pure functions of the device's settings and addresses, the peer and the
/// negotiated values.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/noa_schedule.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/ieee80211/wps.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/peer_table.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::detail {

/// @brief What a device says about itself in every frame: its settings, its P2P device address
/// and its listen channel.
struct local_device {
    const settings& s;
    mac_address addr;
    std::uint8_t listen_ch = 0;
    ieee80211::p2p::ext_listen_timing ext_listen;
    std::uint64_t set_writes = 0;  ///< device_state::set_writes
};

inline local_device local_of(const device_state& d) noexcept {
    return {d.set, d.addr, d.listen_ch, d.ext_listen, d.set_writes};
}

/// @brief The device capability a device advertises in its own frames: its settings without
/// client discoverability, a bit reserved there (it means something only in a Group Info).
constexpr std::uint8_t advertised_dev_capab(const settings& s) noexcept {
    return static_cast<std::uint8_t>(s.dev_capab &
                                     ~ieee80211::p2p::dev_capab::client_discoverability);
}
/// @brief The config methods a negotiation's Device Info lists for local method `m`.
constexpr std::uint16_t methods_for(const settings& s, wps_method m) noexcept {
    namespace cm = ieee80211::wps::config_method;
    if (m == wps_method::pbc) return cm::push_button;
    if (m == wps_method::display || m == wps_method::keypad) return cm::display | cm::keypad;
    return s.config_methods;
}

/// @brief The group capability a negotiation frame to `p` carries: Persistent Group when the
/// user asked for one, Intra-BSS Distribution when the frame announces our group.
constexpr std::uint8_t negotiation_group_capab(const peer& p, bool announces) noexcept {
    namespace gc = ieee80211::p2p::group_capab;
    return static_cast<std::uint8_t>((p.persistent ? gc::persistent_group : 0) |
                                     (announces ? gc::intra_bss_dist : 0));
}

/// @brief Supported Rates without the 11b rates, which P2P frames never use; the mandatory
/// rates are basic.
inline void put_p2p_rates(byte_writer& w) {
    std::array<std::uint8_t, 8> octets{};
    std::size_t n = 0;
    for (const auto& r : ieee80211::rates_2ghz)
        if (r.is_ofdm() && n < octets.size()) octets[n++] = r.octet(r.mandatory);
    ieee80211::put::rates(w, bytes_view(octets.data(), n));
}

/// @brief The WPS attributes of a P2P probe request (`request`) or probe response.
inline void put_wps_common(byte_writer& w, const settings& s, std::uint16_t dpid, bool request) {
    namespace wps = ieee80211::wps;
    wps::put::u8(w, wps::attr::version, 0x10);
    if (request) {
        wps::put::u8(w, wps::attr::request_type, 0x01);
    } else {
        wps::put::u8(w, wps::attr::wps_state, 0x01);
        wps::put::u8(w, wps::attr::response_type, 0x00);
    }
    wps::put::u16(w, wps::attr::config_methods, s.config_methods);
    wps::put::device_type(w, wps::attr::primary_device_type, s.primary_type);
    wps::put::u16(w, wps::attr::device_password_id, dpid);
    // An empty string goes as one space: some WPS implementations reject empty attributes
    // (wps_build_manufacturer and its siblings do the same).
    auto text = [&](std::uint16_t id, std::string_view v) {
        wps::put::text(w, id, v.empty() ? std::string_view(" ") : v);
    };
    text(wps::attr::manufacturer, s.manufacturer);
    text(wps::attr::model_name, s.model_name);
    text(wps::attr::model_number, s.model_number);
    if (!request) text(wps::attr::serial_number, s.serial_number);
    wps::put::text(w, wps::attr::device_name, s.device_name);
    wps::put::wfa_extension(w, request);
    // A response lists the secondary device types too (p2p_build_wps_ie with all attributes).
    if (!request && !s.secondary_types.empty()) {
        w.be16(wps::attr::secondary_device_types)
            .be16(static_cast<std::uint16_t>(8 * s.secondary_types.size()));
        for (const auto& t : s.secondary_types) t.write(w);
    }
}
/// @brief The negotiation's WPS element: version, the Device Password ID of our method.
inline void put_wps_negotiation(byte_writer& w, wps_method m) {
    namespace wps = ieee80211::wps;
    wps::put::u8(w, wps::attr::version, 0x10);
    wps::put::u16(w, wps::attr::device_password_id, password_id_of(m));
    wps::put::wfa_extension(w, false);
}

/// @brief The elements a search scan adds to its probe requests: WPS (with the requested device
/// type of the find) and P2P (capability, the device ID looked for, the listen channel).
inline std::vector<std::uint8_t> probe_request_ies(const local_device& me, const find_params& f) {
    namespace ie = ieee80211;
    std::vector<std::uint8_t> out(1024);
    byte_writer w(out);
    ie::vendor_ie_builder<> wps(ie::vendor::wps);
    put_wps_common(wps.body(), me.s, 0, true);
    if (f.dev_type)
        ie::wps::put::device_type(wps.body(), ie::wps::attr::requested_device_type, *f.dev_type);
    wps.emit(w);
    ie::vendor_ie_builder<> p(ie::vendor::p2p);
    ie::p2p::capability{advertised_dev_capab(me.s), 0}.write(p.body());
    if (f.dev_id) ie::p2p::write_address(p.body(), ie::p2p::attr::device_id, *f.dev_id);
    put_channel(p.body(), ie::p2p::attr::listen_channel, freq_of_channel(me.listen_ch));
    p.emit(w);
    out.resize(w.size());
    return out;
}
/// @brief The probe response a listening device sends to `to`.
inline std::vector<std::uint8_t> probe_response(const local_device& me, const mac_address& to) {
    namespace ie = ieee80211;
    return build_frame(ie::mgmt_subtype::probe_resp, to, me.addr, me.addr, [&](byte_writer& w) {
        ie::write_beacon_fixed(w, 0, 100, 0x0430);
        ie::put::ssid(w, ie::p2p::wildcard_ssid);
        put_p2p_rates(w);
        ie::put::ds_params(w, me.listen_ch);
        ie::vendor_ie_builder<> wps(ie::vendor::wps);
        put_wps_common(wps.body(), me.s, 0, false);
        wps.emit(w);
        ie::vendor_ie_builder<> p(ie::vendor::p2p);
        ie::p2p::capability{advertised_dev_capab(me.s), 0}.write(p.body());
        if (me.ext_listen.interval_ms) me.ext_listen.write(p.body());
        put_device_info(p.body(), me.addr, me.s, me.s.config_methods);
        p.emit(w);
    });
}

/// @brief A listening device's probe response, kept from one request to the next.
///
/// probe_response() is a function of the local device and the destination alone, and only the
/// destination (Address 1) differs from one request to the next: the sequence number and the
/// timestamp are left to the MAC. So the frame is built in full only when something it carries
/// differs from what it was built from (a copy is kept: the device's name, primary and
/// secondary device types, WPS identity, config methods and capability, its address, listen
/// channel and extended listen timing); otherwise the kept frame gets the new destination. The
/// settings' part is compared only after the settings were handed out for writing
/// (local_device::set_writes moved on). Builds with assertions also build every response in
/// full and abort when the two differ.
class probe_response_cache {
  public:
    /// @brief Makes `frame` probe_response(me, to), octet for octet: built in full when what it
    /// carries changed, else only its destination written. @pre `frame` is written by this
    /// cache alone (the caller's send command keeps it from frame to frame).
    void fill(std::vector<std::uint8_t>& frame, const local_device& me, const mac_address& to) {
        if (!built_from(me)) rebuild(frame, me);
        const bytes_view da = to.bytes();
        // A frame that did not fit was built empty, and stays so.
        if (frame.size() >= da_offset + da.size())
            std::copy(da.begin(), da.end(), frame.data() + da_offset);
#ifndef NDEBUG
        if (frame != probe_response(me, to)) {
            std::fputs("softmac: a kept probe response differs from the one built in full\n",
                       stderr);
            std::abort();
        }
#endif
    }
    /// @brief How many times the frame was built in full.
    std::size_t builds() const noexcept { return builds_; }

  private:
    static constexpr std::size_t da_offset = 4;  // frame control, duration, then Address 1

    /// What probe_response() reads of the local device.
    struct carried {
        std::string device_name, manufacturer, model_name, model_number, serial_number;
        ieee80211::wps::device_type primary_type;
        std::vector<ieee80211::wps::device_type> secondary_types;
        std::uint16_t config_methods = 0;
        std::uint8_t dev_capab = 0;
        mac_address addr;
        std::uint8_t listen_ch = 0;
        std::uint16_t ext_listen_period_ms = 0, ext_listen_interval_ms = 0;

        bool same_device(const local_device& me) const noexcept {
            return addr == me.addr && listen_ch == me.listen_ch &&
                   ext_listen_period_ms == me.ext_listen.period_ms &&
                   ext_listen_interval_ms == me.ext_listen.interval_ms;
        }
        bool same_settings(const settings& s) const noexcept {
            return config_methods == s.config_methods && dev_capab == advertised_dev_capab(s) &&
                   primary_type == s.primary_type && device_name == s.device_name &&
                   manufacturer == s.manufacturer && model_name == s.model_name &&
                   model_number == s.model_number && serial_number == s.serial_number &&
                   secondary_types == s.secondary_types;
        }
        void take(const local_device& me) {
            const settings& s = me.s;
            device_name = s.device_name;
            manufacturer = s.manufacturer;
            model_name = s.model_name;
            model_number = s.model_number;
            serial_number = s.serial_number;
            primary_type = s.primary_type;
            secondary_types = s.secondary_types;
            config_methods = s.config_methods;
            dev_capab = advertised_dev_capab(s);
            addr = me.addr;
            listen_ch = me.listen_ch;
            ext_listen_period_ms = me.ext_listen.period_ms;
            ext_listen_interval_ms = me.ext_listen.interval_ms;
        }
    };

    bool built_from(const local_device& me) noexcept {
        if (builds_ == 0 || !from_.same_device(me)) return false;
        if (me.set_writes == set_writes_) return true;
        if (!from_.same_settings(me.s)) return false;
        set_writes_ = me.set_writes;
        return true;
    }
    void rebuild(std::vector<std::uint8_t>& frame, const local_device& me) {
        frame = probe_response(me, mac_address{});
        frame.shrink_to_fit();  // built in room for the largest body; kept for long, per device
        from_.take(me);
        set_writes_ = me.set_writes;
        ++builds_;
    }

    carried from_;
    std::uint64_t set_writes_ = 0;
    std::size_t builds_ = 0;
};

/// @brief What a GO negotiation request proposes besides the device's own facts.
struct go_neg_proposal {
    bool tie_breaker = false;
    mac_address intended_iface;           ///< our interface address in the group
    std::vector<std::uint16_t> channels;  ///< the channels we offer (MHz)
    std::uint16_t oper = 0;               ///< our preferred operating channel (MHz)
};
/// @brief The GO Negotiation Request to peer `p` (its dialog token, our intent and method for it).
inline std::vector<std::uint8_t> go_neg_request(const local_device& me, const peer& p,
                                                const go_neg_proposal& q) {
    namespace ie = ieee80211;
    namespace attr = ie::p2p::attr;
    return build_public_action(
        p.info.dev_addr, me.addr, p.info.dev_addr, ie::p2p::public_action::go_neg_req,
        p.dialog_token,
        [&](byte_writer& w) {
            ie::p2p::capability{advertised_dev_capab(me.s), negotiation_group_capab(p, true)}.write(
                w);
            ie::p2p::go_intent{p.go_intent, q.tie_breaker}.write(w);
            ie::p2p::config_timeout{100, 20}.write(w);
            put_channel(w, attr::listen_channel, freq_of_channel(me.listen_ch));
            ie::p2p::write_address(w, attr::intended_interface_addr, q.intended_iface);
            put_channel_list(w, q.channels);
            put_device_info(w, me.addr, me.s, methods_for(me.s, p.method));
            put_channel(w, attr::operating_channel, q.oper);
        },
        [&](byte_writer& w) { put_wps_negotiation(w, p.method); });
}

/// @brief What a GO negotiation response or confirmation says about the outcome.
struct go_neg_terms {
    std::uint8_t status = ieee80211::p2p::status::success;
    bool we_go = false;
    std::uint16_t oper = 0;               ///< MHz; 0: no Operating Channel attribute
    std::vector<std::uint16_t> channels;  ///< the Channel List (MHz)
    std::string ssid;                     ///< the group's, sent when we are its GO
    /// @brief Whether the frame announces our group: we are GO and the status is success.
    bool announces_group() const noexcept {
        return we_go && status == ieee80211::p2p::status::success;
    }
};
/// @brief The GO Negotiation Response to peer `p`'s request with dialog token `token`.
inline std::vector<std::uint8_t> go_neg_response(const local_device& me, const peer& p,
                                                 std::uint8_t token, bool tie_breaker,
                                                 const mac_address& intended_iface,
                                                 const go_neg_terms& t) {
    namespace ie = ieee80211;
    namespace attr = ie::p2p::attr;
    return build_public_action(
        p.info.dev_addr, me.addr, me.addr, ie::p2p::public_action::go_neg_resp, token,
        [&](byte_writer& w) {
            ie::p2p::write_octet(w, attr::status, t.status);
            ie::p2p::capability{advertised_dev_capab(me.s),
                                negotiation_group_capab(p, t.announces_group())}
                .write(w);
            ie::p2p::go_intent{p.go_intent, tie_breaker}.write(w);
            ie::p2p::config_timeout{100, 20}.write(w);
            if (t.oper) put_channel(w, attr::operating_channel, t.oper);
            ie::p2p::write_address(w, attr::intended_interface_addr, intended_iface);
            put_channel_list(w, t.channels);
            put_device_info(w, me.addr, me.s, methods_for(me.s, p.method));
            if (t.announces_group()) ie::p2p::group_id{me.addr, t.ssid}.write(w);
        },
        [&](byte_writer& w) { put_wps_negotiation(w, p.method); });
}
/// @brief The GO Negotiation Confirmation to peer `p`'s response with dialog token `token`.
inline std::vector<std::uint8_t> go_neg_confirm(const local_device& me, const peer& p,
                                                std::uint8_t token, const go_neg_terms& t) {
    namespace ie = ieee80211;
    namespace attr = ie::p2p::attr;
    return build_public_action(
        p.info.dev_addr, me.addr, p.info.dev_addr, ie::p2p::public_action::go_neg_conf, token,
        [&](byte_writer& w) {
            ie::p2p::write_octet(w, attr::status, t.status);
            ie::p2p::capability{advertised_dev_capab(me.s), negotiation_group_capab(p, t.we_go)}
                .write(w);
            if (t.oper) put_channel(w, attr::operating_channel, t.oper);
            put_channel_list(w, t.channels);
            if (t.announces_group()) ie::p2p::group_id{me.addr, t.ssid}.write(w);
        },
        [](byte_writer&) {});
}

/// @brief The Provision Discovery Request to peer `p` asking for config `methods`; `join`
/// names the peer's running group.
inline std::vector<std::uint8_t> prov_disc_request(const local_device& me, const peer& p,
                                                   std::uint8_t token, std::uint16_t methods,
                                                   bool join) {
    namespace ie = ieee80211;
    return build_public_action(
        p.info.dev_addr, me.addr, p.info.dev_addr, ie::p2p::public_action::prov_disc_req, token,
        [&](byte_writer& w) {
            ie::p2p::capability{advertised_dev_capab(me.s), 0}.write(w);
            put_device_info(w, me.addr, me.s, me.s.config_methods);
            if (join && !p.go_ssid.empty()) ie::p2p::group_id{p.info.dev_addr, p.go_ssid}.write(w);
        },
        [&](byte_writer& w) { ie::wps::put::u16(w, ie::wps::attr::config_methods, methods); });
}
/// @brief The Device Discoverability Request to GO `go` for its client `client`
/// (p2p_build_dev_disc_req: Device ID, Group ID).
inline std::vector<std::uint8_t> dev_disc_request(const local_device& me, const peer& go,
                                                  const mac_address& client, std::uint8_t token) {
    namespace ie = ieee80211;
    return build_public_action(
        go.info.dev_addr, me.addr, go.info.dev_addr, ie::p2p::public_action::dev_disc_req, token,
        [&](byte_writer& w) {
            ie::p2p::write_address(w, ie::p2p::attr::device_id, client);
            ie::p2p::group_id{go.info.dev_addr, go.go_ssid}.write(w);
        },
        [](byte_writer&) {});
}
/// @brief The Device Discoverability Response to `to` with dialog token `token`: its status.
inline std::vector<std::uint8_t> dev_disc_response(const mac_address& self, const mac_address& to,
                                                   std::uint8_t token, std::uint8_t status) {
    namespace ie = ieee80211;
    return build_public_action(
        to, self, self, ie::p2p::public_action::dev_disc_resp, token,
        [&](byte_writer& w) { ie::p2p::write_octet(w, ie::p2p::attr::status, status); },
        [](byte_writer&) {});
}
/// @brief The GO Discoverability Request a GO sends from its interface to its client's: a P2P
/// action frame (category 127) without attributes, dialog token 0 (p2p_build_go_disc_req).
inline std::vector<std::uint8_t> go_disc_request(const mac_address& go_iface,
                                                 const mac_address& client_iface) {
    namespace ie = ieee80211;
    return build_frame(
        ie::mgmt_subtype::action, client_iface, go_iface, go_iface, [&](byte_writer& w) {
            ie::write_vendor_action(w, false, ie::vendor::p2p, ie::p2p::action::go_disc_req, 0);
        });
}
/// @brief The Provision Discovery Response to `to`: the config `methods` accepted (0: refused).
/// A legacy response carries no P2P element, only the WPS one.
inline std::vector<std::uint8_t> prov_disc_response(const mac_address& self, const mac_address& to,
                                                    std::uint8_t token, std::uint16_t methods) {
    namespace ie = ieee80211;
    return build_frame(ie::mgmt_subtype::action, to, self, self, [&](byte_writer& w) {
        ie::write_vendor_action(w, true, ie::vendor::p2p, ie::p2p::public_action::prov_disc_resp,
                                token);
        ie::vendor_ie_builder<> wps(ie::vendor::wps);
        ie::wps::put::u16(wps.body(), ie::wps::attr::config_methods, methods);
        wps.emit(w);
    });
}

/// @brief What an Invitation Request says: the group (its GO and SSID, BSSID when running),
/// whether it re-invokes a persistent group, the operating channel (0: none, a client without
/// preference) and the channels we offer.
struct invitation_terms {
    mac_address go_dev, bssid;  ///< bssid: none when not known
    std::string ssid;
    bool persistent = false;
    std::uint16_t oper = 0;  ///< MHz
    std::vector<std::uint16_t> channels;
};
/// @brief The Invitation Request to peer `p` (p2p_build_invitation_req's attribute order).
inline std::vector<std::uint8_t> invitation_request(const local_device& me, const peer& p,
                                                    const invitation_terms& t) {
    namespace ie = ieee80211;
    namespace attr = ie::p2p::attr;
    return build_public_action(
        p.info.dev_addr, me.addr, p.info.dev_addr, ie::p2p::public_action::invitation_req,
        p.dialog_token,
        [&](byte_writer& w) {
            // An active group needs no configuration time; a re-invoked one is set up anew.
            t.persistent ? ie::p2p::config_timeout{100, 20}.write(w)
                         : ie::p2p::config_timeout{0, 0}.write(w);
            ie::p2p::write_octet(w, attr::invitation_flags, t.persistent ? 0x01 : 0x00);
            if (t.oper) put_channel(w, attr::operating_channel, t.oper);
            if (t.bssid != mac_address{}) ie::p2p::write_address(w, attr::group_bssid, t.bssid);
            put_channel_list(w, t.channels);
            ie::p2p::group_id{t.go_dev, t.ssid}.write(w);
            put_device_info(w, me.addr, me.s, me.s.config_methods);
        },
        [](byte_writer&) {});
}
/// @brief The Invitation Response to `to` with dialog token `token`: the status and, on
/// success, the operating channel, our group's BSSID when we will be its GO, and the channels.
inline std::vector<std::uint8_t> invitation_response(const mac_address& self, const mac_address& to,
                                                     std::uint8_t token, std::uint8_t status,
                                                     std::uint16_t oper, const mac_address& bssid,
                                                     const std::vector<std::uint16_t>& channels) {
    namespace ie = ieee80211;
    namespace attr = ie::p2p::attr;
    return build_public_action(
        to, self, self, ie::p2p::public_action::invitation_resp, token,
        [&](byte_writer& w) {
            ie::p2p::write_octet(w, attr::status, status);
            ie::p2p::config_timeout{0, 0}.write(w);
            if (status != ie::p2p::status::success) return;
            if (oper) put_channel(w, attr::operating_channel, oper);
            if (bssid != mac_address{}) ie::p2p::write_address(w, attr::group_bssid, bssid);
            put_channel_list(w, channels);
        },
        [](byte_writer&) {});
}

/// @brief P2P Group Info: one Client Info Descriptor per P2P client, with the device its
/// association request described (p2p_group_build_p2p_ie's client_info; a legacy station has
/// none), as many as fit in `room` octets of attribute body.
template <class Body>
void put_group_info(Body& b, const group& g, std::size_t room) {
    namespace ie = ieee80211;
    std::vector<std::uint8_t> buf(room);
    byte_writer w(buf);
    for (const auto& [iface, dev] : g.clients) {
        const auto it = std::find_if(g.member_info.begin(), g.member_info.end(),
                                     [&](const peer_info& m) { return m.dev_addr == dev; });
        if (it == g.member_info.end()) continue;
        const peer_info& m = *it;
        const auto nsec = std::min<std::size_t>(m.secondary_types.size(), 5);
        const auto name = std::string_view(m.name).substr(0, 32);
        const std::size_t len = 6 + 6 + 1 + 2 + 8 + 1 + 8 * nsec + 4 + name.size();
        if (w.size() + 1 + len > room) break;
        w.u8(static_cast<std::uint8_t>(len)).raw(dev.bytes()).raw(iface.bytes());
        w.u8(m.dev_capab).be16(m.config_methods);
        m.primary_type.write(w);
        w.u8(static_cast<std::uint8_t>(nsec));
        for (std::size_t i = 0; i < nsec; ++i) m.secondary_types[i].write(w);
        w.be16(ie::wps::attr::device_name).be16(static_cast<std::uint16_t>(name.size()));
        w.raw(as_bytes(name));
    }
    if (w.size() == 0) return;
    b.u8(ie::p2p::attr::group_info).le16(static_cast<std::uint16_t>(w.size()));
    b.raw(bytes_view(buf.data(), w.size()));
}

/// @brief A GO's P2P element: for its beacons, or (`probe_resp`) for its probe responses, which
/// also describe the device and the group's clients.
inline std::vector<std::uint8_t> go_p2p_ie(const local_device& me, const group& g,
                                           bool probe_resp) {
    namespace ie = ieee80211;
    namespace gc = ie::p2p::group_capab;
    std::vector<std::uint8_t> out(1024);
    byte_writer w(out);
    ie::vendor_ie_builder<> p(ie::vendor::p2p);
    std::uint8_t group_capab = gc::group_owner | gc::intra_bss_dist;
    if (g.forming) group_capab |= gc::group_formation;
    if (g.persistent) group_capab |= gc::persistent_group;
    if (g.persistent && me.s.persistent_reconnect) group_capab |= gc::persistent_reconn;
    if (g.ip_addr_alloc) group_capab |= gc::ip_addr_alloc;
    ie::p2p::capability{advertised_dev_capab(me.s), group_capab}.write(p.body());
    // A GO in power save says so: after the capability in a probe response, after the device
    // ID in a beacon (p2p_group_build_beacon_ie, p2p_group_build_probe_resp_ie).
    const bool noa = ie::p2p::announces(g.noa);
    if (probe_resp) {
        if (noa) g.noa.write(p.body());
        put_device_info(p.body(), me.addr, me.s, me.s.config_methods);
        // The element's 1024 octets hold the capability and device info first.
        if (!g.clients.empty()) put_group_info(p.body(), g, 1024 - 100 - w.size());
    } else {
        ie::p2p::write_address(p.body(), ie::p2p::attr::device_id, me.addr);
        if (noa) g.noa.write(p.body());
    }
    p.emit(w);
    out.resize(w.size());
    return out;
}
/// @brief A client's P2P element in its association request: capability and device info.
inline std::vector<std::uint8_t> client_assoc_ie(const local_device& me) {
    namespace ie = ieee80211;
    std::vector<std::uint8_t> out(512);
    byte_writer w(out);
    ie::vendor_ie_builder<> p(ie::vendor::p2p);
    ie::p2p::capability{me.s.dev_capab, 0}.write(p.body());
    put_device_info(p.body(), me.addr, me.s, me.s.config_methods);
    p.emit(w);
    out.resize(w.size());
    return out;
}

/// @brief The characters of a group's random SSID suffix and passphrase.
inline constexpr std::string_view group_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// @brief A group SSID: `DIRECT-`, two random characters, the settings' postfix.
inline std::string random_ssid(const settings& s, std::mt19937_64& rng) {
    std::string out{ieee80211::p2p::wildcard_ssid};
    out += group_alphabet[rng() % group_alphabet.size()];
    out += group_alphabet[rng() % group_alphabet.size()];
    return out + s.ssid_postfix;
}
/// @brief A GO's passphrase of the settings' length (8 to 63 characters).
inline std::string random_passphrase(const settings& s, std::mt19937_64& rng) {
    std::string out;
    const unsigned n = std::clamp<unsigned>(s.passphrase_len, 8, 63);
    for (unsigned i = 0; i < n; ++i) out += group_alphabet[rng() % group_alphabet.size()];
    return out;
}

}  // namespace softmac::p2p::detail
