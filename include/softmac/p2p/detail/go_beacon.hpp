// SPDX-License-Identifier: MIT
/// @file Defines what a P2P GO advertises: its Beacon and Probe Response elements, and the WPS
/// identity behind them.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <cstdint>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/types.hpp>
#include <softmac/rsn/links.hpp>
#include <softmac/wps/message.hpp>
#include <softmac/wps/pin.hpp>

namespace softmac::p2p::detail {

/// @brief A P2P device's WPS identity (wpa_supplicant copies it into the GO's and the
/// enrollee's WPS configuration): UUID-E from the device address, name, type and methods.
inline softmac::wps::device_info wps_device(const device_state& d) {
    softmac::wps::device_info w;
    w.id = softmac::wps::uuid_from_mac(d.addr);
    w.device_name = d.set.device_name;
    w.primary = d.set.primary_type;
    w.config_methods = d.set.config_methods;
    return w;
}

/// @brief A GO's Beacon tail after the RSN element (which the link puts first): the WPS element
/// with the registrar's state `reg`, then the P2P element. Probe Responses carry the tail and,
/// after it, go_probe_resp_ies() (the MAC answers probes with both).
inline std::vector<std::uint8_t> go_tail(const device_state& d, const group& g,
                                         const softmac::wps::registrar_state& reg) {
    auto out = softmac::wps::ap_element(d.set.config_methods, reg);
    const auto p2p = go_p2p_ie(local_of(d), g, false);
    out.insert(out.end(), p2p.begin(), p2p.end());
    return out;
}
/// @brief The P2P element of a GO's Probe Responses.
inline std::vector<std::uint8_t> go_probe_resp_ies(const device_state& d, const group& g) {
    return go_p2p_ie(local_of(d), g, true);
}
/// @brief SET_BEACON for a running GO whose advertisement changed (members, registrar).
inline cfg::cmd::set_beacon go_beacon(const device_state& d, const group& g,
                                      const softmac::wps::registrar_state& reg) {
    cfg::cmd::set_beacon sb;
    sb.ifindex = g.ref.ifindex;
    sb.tail = rsn::psk_ccmp_element(0x000c);
    const auto tail = go_tail(d, g, reg);
    sb.tail.insert(sb.tail.end(), tail.begin(), tail.end());
    sb.probe_resp_ies = go_probe_resp_ies(d, g);
    return sb;
}

}  // namespace softmac::p2p::detail
