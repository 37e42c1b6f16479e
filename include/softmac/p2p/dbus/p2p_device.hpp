// SPDX-License-Identifier: MIT
/// @file Defines the methods, properties and signals of the D-Bus API that only a P2P device's own
/// interface object has (finding, connecting, provisioning, groups, its configuration).
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <cstdint>
#include <string>

#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/dbus/device_config.hpp>
#include <softmac/p2p/dbus/service_discovery.hpp>

namespace softmac::p2p::dbus {

/// @brief The P2PDevice methods, the P2PDeviceConfig property and the signals of a device's own
/// interface object `o`, over engine `e` (wpas_dbus_handler_p2p_find, _stop_find,
/// _extendedlisten, _remove_client, _listen, _connect, _cancel, _flush, _rejectpeer,
/// _prov_disc_req, _group_add and the service discovery handlers); `guard` refuses a caller that
/// may not change the radio.
/// @tparam Engine a p2p::engine
/// @tparam Guard callable with no arguments; throws sdbus::Error to refuse
template <class Engine, class Guard>
void serve_p2p_device(sdbus::IObject& o, Engine& e, Guard guard) {
    const std::string p(p2p_device_interface);
    o.registerMethod("Find").onInterface(p).withInputParamNames("args").implementedAs(
        [&e, guard](const dict& args) {
            guard();
            ok(e.find(parse_find(args)));
        });
    o.registerMethod("StopFind").onInterface(p).implementedAs([&e, guard] {
        guard();
        e.stop_find();
    });
    // ExtendedListen (wpas_dbus_handler_p2p_extendedlisten): period and interval in ms,
    // both absent or 0 turn it off.
    o.registerMethod("ExtendedListen")
        .onInterface(p)
        .withInputParamNames("args")
        .implementedAs([&e, guard](const dict& args) {
            guard();
            std::int32_t period = 0, interval = 0;
            for (const auto& [key, v] : args) {
                if (v.peekValueType() != "i" || (key != "period" && key != "interval"))
                    fail(error::invalid_args, utf8(key));
                auto& field = key == "period" ? period : interval;
                field = v.template get<std::int32_t>();
            }
            // Negative values reach p2p_ext_listen as large ones, which it refuses.
            if (period < 0 || interval < 0)
                fail(error::unknown_error, "failed to initiate a p2p_ext_listen.");
            ok(e.ext_listen(std::uint32_t(period), std::uint32_t(interval)), error::unknown_error);
        });
    // RemoveClient (wpas_dbus_handler_p2p_remove_client): a known peer's object, or an
    // interface address as text.
    o.registerMethod("RemoveClient")
        .onInterface(p)
        .withInputParamNames("args")
        .implementedAs([&e, guard](const dict& args) {
            guard();
            std::optional<mac_address> peer, iface;
            for (const auto& [key, v] : args) {
                const std::string type = v.peekValueType();
                if (key == "peer" && type == "o") {
                    peer = known_peer_of(e, v.template get<sdbus::ObjectPath>());
                    if (!peer) fail(error::invalid_args, "Invalid address format");
                } else if (key == "iface" && type == "s") {
                    const auto a = mac_address::parse(v.template get<std::string>());
                    if (!a) fail(error::invalid_args, "Invalid address format");
                    iface = *a;
                } else {
                    fail(error::invalid_args, "Invalid address format");
                }
            }
            if (!peer && !iface) fail(error::invalid_args, "Invalid address format");
            e.remove_client(iface ? *iface : *peer, iface.has_value());
        });
    o.registerMethod("Listen").onInterface(p).withInputParamNames("timeout").implementedAs(
        [&e, guard](std::int32_t t) {
            guard();
            if (t < 0) fail(error::invalid_args);
            ok(e.listen(static_cast<std::uint32_t>(t)));
        });
    o.registerMethod("Connect")
        .onInterface(p)
        .withInputParamNames("args")
        .withOutputParamNames("generated_pin")
        .implementedAs([&e, guard](const dict& args) {
            guard();
            auto req = parse_connect(args);
            if (!e.peers().find(req.peer)) fail(error::invalid_args);
            const bool generated =
                req.params.method == wps_method::display && req.params.pin.empty();
            auto r = e.connect(req.peer, req.params);
            if (!r)
                fail(r.err().code == errc::exhausted       ? error::connect_channel_unavailable
                     : r.err().code == errc::not_supported ? error::connect_channel_unsupported
                                                           : error::connect_unspecified,
                     r.err().what);
            // wpas_p2p_connect's answer: the PIN it made, else 0, as %08d.
            return generated ? *r : std::string("00000000");
        });
    o.registerMethod("Cancel").onInterface(p).implementedAs([&e, guard] {
        guard();
        ok(e.cancel());
    });
    o.registerMethod("Flush").onInterface(p).implementedAs([&e, guard] {
        guard();
        e.flush();
    });
    o.registerMethod("RejectPeer")
        .onInterface(p)
        .withInputParamNames("peer")
        .implementedAs([&e, guard](const sdbus::ObjectPath& peer) {
            guard();
            const auto a = peer_of(peer);
            if (!a) fail(error::invalid_args);
            ok(e.reject(*a));
        });
    o.registerMethod("ProvisionDiscoveryRequest")
        .onInterface(p)
        .withInputParamNames("peer", "config_method")
        .implementedAs([&e, guard](const sdbus::ObjectPath& peer, const std::string& method) {
            guard();
            const auto a = peer_of(peer);
            wps_method m = wps_method::not_ready;
            if (method == "display") m = wps_method::display;
            if (method == "keypad") m = wps_method::keypad;
            if (method == "pbc" || method == "pushbutton") m = wps_method::pbc;
            if (!a || m == wps_method::not_ready) fail(error::invalid_args);
            ok(e.prov_disc(*a, m, false));
        });
    o.registerMethod("GroupAdd")
        .onInterface(p)
        .withInputParamNames("args")
        .implementedAs([&e, guard](const dict& args) {
            guard();
            std::uint16_t freq = 0;
            bool persistent = false;
            for (const auto& [key, v] : args) {
                if (key == "persistent" && v.peekValueType() == "b") {
                    persistent = v.template get<bool>();
                } else if (key == "frequency" && v.peekValueType() == "i") {
                    const auto f = v.template get<std::int32_t>();
                    if (f <= 0 || f > 0xffff) fail(error::invalid_args);
                    freq = static_cast<std::uint16_t>(f);
                } else {
                    fail(error::invalid_args);
                }
            }
            (void)or_fail(e.group_add(freq, persistent));
        });
    serve_service_discovery(o, e, guard);
    o.registerProperty("P2PDeviceConfig")
        .onInterface(p)
        .withGetter([&e] { return device_config(e); })
        .withSetter([&e, guard](const dict& d) {
            guard();
            set_device_config(e, d);
        });
    for (const char* s : {"DeviceFound", "DeviceLost", "ProvisionDiscoveryPBCRequest",
                          "ProvisionDiscoveryPBCResponse", "ProvisionDiscoveryRequestEnterPin",
                          "ProvisionDiscoveryResponseEnterPin"})
        o.registerSignal(s).onInterface(p).withParameters<sdbus::ObjectPath>("path");
    o.registerSignal("DeviceFoundProperties")
        .onInterface(p)
        .withParameters<sdbus::ObjectPath, dict>("path", "properties");
    o.registerSignal("FindStopped").onInterface(p);
    for (const char* s :
         {"ProvisionDiscoveryRequestDisplayPin", "ProvisionDiscoveryResponseDisplayPin"})
        o.registerSignal(s).onInterface(p).withParameters<sdbus::ObjectPath, std::string>(
            "peer_object", "pin");
    o.registerSignal("ProvisionDiscoveryFailure")
        .onInterface(p)
        .withParameters<sdbus::ObjectPath, std::int32_t>("peer_object", "status");
    o.registerSignal("GONegotiationRequest")
        .onInterface(p)
        .withParameters<sdbus::ObjectPath, std::uint16_t, std::uint8_t>("path", "dev_passwd_id",
                                                                        "device_go_intent");
    for (const char* s :
         {"GONegotiationSuccess", "GONegotiationFailure", "GroupStarted", "GroupFinished"})
        o.registerSignal(s).onInterface(p).withParameters<dict>("properties");
    o.registerSignal("GroupFormationFailure").onInterface(p).withParameters<std::string>("reason");
    for (const char* s : {"InvitationResult", "InvitationReceived", "ServiceDiscoveryRequest",
                          "ServiceDiscoveryResponse"})
        o.registerSignal(s).onInterface(p).withParameters<dict>("properties");
    o.registerSignal("WpsFailed").onInterface(p).withParameters<std::string, dict>("name", "args");
}

}  // namespace softmac::p2p::dbus
