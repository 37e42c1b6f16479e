// SPDX-License-Identifier: MIT
/// @file Builds the reference frame set (beacon, P2P discovery/negotiation/PD, GAS, data) with
/// softmac.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/ieee80211/wps.hpp>

namespace softmac::test {

namespace ie = softmac::ieee80211;

inline const mac_address dev_a = mac_address::parse("02:00:00:00:0a:00").value();
inline const mac_address dev_b = mac_address::parse("02:00:00:00:0b:00").value();
inline const mac_address go_if = mac_address::parse("02:00:00:00:0a:01").value();

struct named_frame {
    std::string name;
    std::vector<std::uint8_t> bytes;
};

template <class F>
named_frame build(std::string name, F&& f) {
    std::vector<std::uint8_t> buf(2304);
    byte_writer w(buf);
    f(w);
    buf.resize(w.ok() ? w.size() : 0);
    return {std::move(name), std::move(buf)};
}

inline void ofdm_rates(byte_writer& w) {
    std::uint8_t r[8];
    for (std::size_t i = 0; i < 8; ++i) r[i] = ie::rates_ofdm[i].octet(ie::rates_ofdm[i].mandatory);
    ie::put::rates(w, r);
}

inline void device_info(byte_writer& w, const mac_address& addr, std::string_view name) {
    ie::p2p::device_info{addr,
                         ie::wps::config_method::push_button | ie::wps::config_method::display,
                         {1, 0x0050f204, 1},
                         0,
                         {},
                         name}
        .write(w);
}

inline void p2p_channels(byte_writer& w) {
    ie::p2p::channel_attr{{'X', 'X', 4}, 81, 6}.write(w, ie::p2p::attr::listen_channel);
}

inline void channel_list(byte_writer& w) {
    const std::uint8_t chans[] = {1, 6, 11};
    w.u8(ie::p2p::attr::channel_list).le16(3 + 2 + 3).u8('X').u8('X').u8(4).u8(81).u8(3).raw(chans);
}

inline void wps_probe(byte_writer& w, std::string_view name) {
    ie::vendor_ie_builder wps(ie::vendor::wps);
    auto& b = wps.body();
    ie::wps::put::u8(b, ie::wps::attr::version, 0x10);
    ie::wps::put::u8(b, ie::wps::attr::request_type, 1);
    ie::wps::put::u16(b, ie::wps::attr::config_methods, 0x3148);
    ie::wps::put::device_type(b, ie::wps::attr::primary_device_type, {1, 0x0050f204, 1});
    ie::wps::put::u16(b, ie::wps::attr::device_password_id, ie::wps::password_id::push_button);
    ie::wps::put::text(b, ie::wps::attr::device_name, name);
    ie::wps::put::wfa_extension(b, true);
    wps.emit(w);
}

inline void go_neg_common(byte_writer& b, const mac_address& dev, std::uint8_t intent, bool tie) {
    ie::p2p::capability{0x25, 0x08}.write(b);
    ie::p2p::go_intent{intent, tie}.write(b);
    ie::p2p::config_timeout{100, 20}.write(b);
    p2p_channels(b);
    ie::p2p::write_address(b, ie::p2p::attr::intended_interface_addr, dev);
    channel_list(b);
    device_info(b, dev, dev == dev_a ? "softmac A" : "softmac B");
    ie::p2p::channel_attr{{'X', 'X', 4}, 81, 6}.write(b, ie::p2p::attr::operating_channel);
}

inline void p2p_action_header(byte_writer& w, const mac_address& da, const mac_address& sa,
                              std::uint8_t subtype, std::uint8_t token, std::uint16_t seq) {
    ie::write_mgmt_header(w, ie::mgmt_subtype::action, da, sa, da, seq);
    ie::write_vendor_action(w, true, ie::vendor::p2p, subtype, token);
}

/// @brief The reference frames; every one must dissect cleanly in softmac and in tshark.
inline std::vector<named_frame> reference_frames() {
    using namespace ie;
    std::vector<named_frame> v;
    v.push_back(build("beacon", [](byte_writer& w) {
        write_mgmt_header(w, mgmt_subtype::beacon, mac_address::broadcast(), go_if, go_if, 1);
        write_beacon_fixed(w, 0x1122334455ull, 100,
                           capab::ess | capab::privacy | capab::short_slot);
        put::ssid(w, "DIRECT-xy-softmac");
        ofdm_rates(w);
        put::ds_params(w, 6);
        put::tim(w, 0, 2, 0, {});
        put::country(w, "US ", 1, 11, 30);
        w.u8(eid::erp).u8(1).u8(0);
        put::rsn(w, 0x000fac04, 0x000fac04, 0x000fac02, 0x000c);
        put::ht_capabilities(w, 0x012c, 0x03);
        put::ht_operation(w, 6);
        const std::uint8_t ext_caps[] = {0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40};
        put::raw(w, eid::extended_capabilities, ext_caps);
        const std::uint8_t wmm[] = {0x01, 0x01, 0x80, 0x00, 0x03, 0xa4, 0x00, 0x00, 0x27, 0xa4,
                                    0x00, 0x00, 0x42, 0x43, 0x5e, 0x00, 0x62, 0x32, 0x2f, 0x00};
        put::vendor(w, vendor::wmm, wmm);
        vendor_ie_builder p2p(vendor::p2p);
        p2p::capability{0x25, p2p::group_capab::group_owner | p2p::group_capab::intra_bss_dist}
            .write(p2p.body());
        p2p::write_address(p2p.body(), p2p::attr::device_id, dev_a);
        p2p.emit(w);
        const std::uint8_t bss_load[] = {0x01, 0x00, 0x10, 0x00, 0x00};
        put::raw(w, eid::bss_load, bss_load);
        w.u8(eid::power_constraint).u8(1).u8(0);
        const std::uint8_t rm[] = {0x02, 0x00, 0x00, 0x00, 0x00};
        put::raw(w, eid::rm_enabled_capabilities, rm);
        const std::uint8_t op_classes[] = {81, 81, 115};
        put::raw(w, eid::supported_op_classes, op_classes);
    }));
    v.push_back(build("p2p_probe_request", [](byte_writer& w) {
        write_mgmt_header(w, mgmt_subtype::probe_req, mac_address::broadcast(), dev_a,
                          mac_address::broadcast(), 2);
        put::ssid(w, "DIRECT-");
        ofdm_rates(w);
        put::ds_params(w, 1);
        wps_probe(w, "softmac A");
        vendor_ie_builder p2p(vendor::p2p);
        p2p::capability{0x25, 0}.write(p2p.body());
        p2p_channels(p2p.body());
        p2p.emit(w);
    }));
    v.push_back(build("p2p_probe_response", [](byte_writer& w) {
        write_mgmt_header(w, mgmt_subtype::probe_resp, dev_a, dev_b, dev_b, 3);
        write_beacon_fixed(w, 0, 100, capab::short_preamble | capab::privacy | capab::short_slot);
        put::ssid(w, "DIRECT-");
        ofdm_rates(w);
        put::ds_params(w, 6);
        vendor_ie_builder wps(vendor::wps);
        ie::wps::put::u8(wps.body(), ie::wps::attr::version, 0x10);
        ie::wps::put::u8(wps.body(), ie::wps::attr::wps_state, 1);
        ie::wps::put::u8(wps.body(), ie::wps::attr::response_type, 0);
        ie::wps::put::text(wps.body(), ie::wps::attr::device_name, "softmac B");
        ie::wps::put::u16(wps.body(), ie::wps::attr::config_methods, 0x0188);
        ie::wps::put::wfa_extension(wps.body(), false);
        wps.emit(w);
        vendor_ie_builder p2p(vendor::p2p);
        p2p::capability{0x25, 0}.write(p2p.body());
        p2p::ext_listen_timing{0, 0}.write(p2p.body());
        device_info(p2p.body(), dev_b, "softmac B");
        p2p.emit(w);
    }));
    v.push_back(build("go_negotiation_request", [](byte_writer& w) {
        p2p_action_header(w, dev_b, dev_a, p2p::public_action::go_neg_req, 1, 4);
        vendor_ie_builder p2p(vendor::p2p);
        go_neg_common(p2p.body(), dev_a, 7, true);
        p2p.emit(w);
        vendor_ie_builder wps(vendor::wps);
        ie::wps::put::u8(wps.body(), ie::wps::attr::version, 0x10);
        ie::wps::put::u16(wps.body(), ie::wps::attr::device_password_id,
                          ie::wps::password_id::push_button);
        ie::wps::put::wfa_extension(wps.body(), false);
        wps.emit(w);
    }));
    v.push_back(build("go_negotiation_response", [](byte_writer& w) {
        p2p_action_header(w, dev_a, dev_b, p2p::public_action::go_neg_resp, 1, 5);
        vendor_ie_builder p2p(vendor::p2p);
        p2p::write_octet(p2p.body(), p2p::attr::status, p2p::status::success);
        go_neg_common(p2p.body(), dev_b, 3, false);
        p2p.emit(w);
    }));
    v.push_back(build("go_negotiation_confirmation", [](byte_writer& w) {
        p2p_action_header(w, dev_b, dev_a, p2p::public_action::go_neg_conf, 1, 6);
        vendor_ie_builder p2p(vendor::p2p);
        p2p::write_octet(p2p.body(), p2p::attr::status, 0);
        p2p::capability{0x25, p2p::group_capab::group_owner}.write(p2p.body());
        p2p::channel_attr{{'X', 'X', 4}, 81, 6}.write(p2p.body(), p2p::attr::operating_channel);
        channel_list(p2p.body());
        p2p::group_id{dev_a, "DIRECT-xy"}.write(p2p.body());
        p2p.emit(w);
    }));
    v.push_back(build("provision_discovery_request", [](byte_writer& w) {
        p2p_action_header(w, dev_b, dev_a, p2p::public_action::prov_disc_req, 2, 7);
        vendor_ie_builder p2p(vendor::p2p);
        p2p::capability{0x25, 0}.write(p2p.body());
        device_info(p2p.body(), dev_a, "softmac A");
        p2p.emit(w);
        vendor_ie_builder wps(vendor::wps);
        ie::wps::put::u16(wps.body(), ie::wps::attr::config_methods,
                          ie::wps::config_method::push_button);
        wps.emit(w);
    }));
    v.push_back(build("provision_discovery_response", [](byte_writer& w) {
        p2p_action_header(w, dev_a, dev_b, p2p::public_action::prov_disc_resp, 2, 8);
        vendor_ie_builder wps(vendor::wps);
        ie::wps::put::u16(wps.body(), ie::wps::attr::config_methods,
                          ie::wps::config_method::push_button);
        wps.emit(w);
    }));
    v.push_back(build("gas_initial_request", [](byte_writer& w) {
        write_mgmt_header(w, mgmt_subtype::action, dev_b, dev_a, dev_b, 9);
        const std::uint8_t anqp[] = {0xdd, 0xdd, 0x0a, 0x00, 0x50, 0x6f, 0x9a,
                                     0x09, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01};
        write_gas_initial_req(w, 3, anqp);
    }));
    v.push_back(build("qos_data_snap", [](byte_writer& w) {
        write_header(
            w, {frame_control::make(frame_type::data, data_subtype::qos_data, frame_control::to_ds),
                44,
                go_if,
                dev_b,
                dev_a,
                sequence_control::make(10, 0),
                {},
                5});
        write_snap(w, ethertype::ipv4);
        // IPv4 + UDP to port 50000, 8 payload bytes.
        const std::uint8_t ip[] = {0x45, 0,   0,  36, 0,   1,   0,   0,   64,   17,   0,    0,
                                   192,  168, 49, 2,  192, 168, 49,  1,   0xc3, 0x50, 0xc3, 0x51,
                                   0,    16,  0,  0,  's', 'o', 'f', 't', 'm',  'a',  'c',  '!'};
        w.raw(ip);
    }));
    v.push_back(build("amsdu", [](byte_writer& w) {
        write_header(w, {frame_control::make(frame_type::data, data_subtype::qos_data,
                                             frame_control::from_ds),
                         44,
                         dev_b,
                         go_if,
                         dev_a,
                         sequence_control::make(11, 0),
                         {},
                         qos_control::amsdu_present});
        const std::uint8_t payload1[] = {1, 2, 3, 4, 5};
        const std::uint8_t payload2[] = {6, 7, 8};
        // Subframe padding is relative to the start of the A-MSDU.
        std::uint8_t tmp[128];
        byte_writer a(tmp);
        write_amsdu_subframe(a, dev_b, dev_a, 0x88b5, payload1, false);
        write_amsdu_subframe(a, dev_b, dev_a, 0x88b5, payload2, true);
        w.raw(a.written());
    }));
    for (std::uint8_t frag = 0; frag < 2; ++frag) {
        v.push_back(build("fragment_" + std::to_string(frag), [frag](byte_writer& w) {
            const std::uint16_t flags =
                frame_control::to_ds | (frag == 0 ? frame_control::more_frag : 0);
            write_header(w, {frame_control::make(frame_type::data, data_subtype::data, flags), 44,
                             go_if, dev_b, dev_a, sequence_control::make(12, frag)});
            if (frag == 0) write_snap(w, 0x88b5);
            for (int i = 0; i < 24; ++i) w.u8(static_cast<std::uint8_t>(frag * 24 + i));
        }));
    }
    return v;
}

}  // namespace softmac::test
