// SPDX-License-Identifier: MIT
/// @file Defines the P2PDevice service discovery methods of the D-Bus API (one procedure:
/// queries, answers and the local services).
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/services.hpp>

namespace softmac::p2p::dbus {

/// @brief P2PDevice's service discovery and local service methods on `o`, over engine `e`
/// (wpas_dbus_handler_p2p_service_sd_req/_res, _sd_cancel_req, _service_update,
/// _serv_disc_external, _add_service, _delete_service, _flush_service); `guard` refuses a caller
/// that may not change the radio.
/// @tparam Engine a p2p::engine
/// @tparam Guard callable with no arguments; throws sdbus::Error to refuse
template <class Engine, class Guard>
void serve_service_discovery(sdbus::IObject& o, Engine& e_, Guard guard) {
    const std::string p(p2p_device_interface);
    o.registerMethod("ServiceDiscoveryRequest")
        .onInterface(p)
        .withInputParamNames("args")
        .withOutputParamNames("ref")
        .implementedAs([&e_, guard](const dict& args) {
            guard();
            std::optional<mac_address> peer;  // none: a query to every peer
            bool upnp = false;
            std::int32_t version = 0;
            std::string service;
            std::optional<std::vector<std::uint8_t>> tlv;
            for (const auto& [key, v] : args) {
                const std::string t = v.peekValueType();
                if (key == "peer_object" && t == "o") {
                    peer = known_peer_of(e_, v.template get<sdbus::ObjectPath>());
                    if (!peer) fail(error::invalid_args);
                } else if (key == "service_type" && t == "s" &&
                           v.template get<std::string>() == "upnp") {
                    upnp = true;
                } else if (key == "version" && t == "i") {
                    version = v.template get<std::int32_t>();
                } else if (key == "service" && t == "s") {
                    service = v.template get<std::string>();
                } else if (key == "tlv" && t == "ay") {
                    tlv = v.template get<std::vector<std::uint8_t>>();
                } else {
                    fail(error::invalid_args);
                }
            }
            if (upnp && (version <= 0 || version > 0xff || service.empty()))
                fail(error::invalid_args);
            if (!upnp && !tlv) fail(error::invalid_args);
            std::vector<std::uint8_t> tlvs =
                upnp ? service_query{}.upnp(std::uint8_t(version), service).tlvs() : *tlv;
            return std::uint64_t(or_fail(e_.sd_request(peer, std::move(tlvs))));
        });
    o.registerMethod("ServiceDiscoveryResponse")
        .onInterface(p)
        .withInputParamNames("args")
        .implementedAs([&e_, guard](const dict& args) {
            guard();
            std::optional<mac_address> peer;
            std::optional<std::int32_t> freq;
            std::uint32_t token = 0;  // an int32 or a uint32, its low octet taken (2.10's (u8))
            std::optional<std::vector<std::uint8_t>> tlvs;
            for (const auto& [key, v] : args) {
                const std::string t = v.peekValueType();
                if (key == "peer_object" && t == "o")
                    peer = known_peer_of(e_, v.template get<sdbus::ObjectPath>());
                else if (key == "frequency" && t == "i")
                    freq = v.template get<std::int32_t>();
                else if (key == "dialog_token" && t == "i")
                    token = std::uint32_t(v.template get<std::int32_t>());
                else if (key == "dialog_token" && t == "u")
                    token = v.template get<std::uint32_t>();
                else if (key == "tlvs" && t == "ay")
                    tlvs = v.template get<std::vector<std::uint8_t>>();
                else
                    fail(error::invalid_args);
            }
            if (!peer || !freq || *freq <= 0 || *freq > 0xffff || !tlvs) fail(error::invalid_args);
            e_.sd_respond(std::uint16_t(*freq), *peer, std::uint8_t(token), std::move(*tlvs));
        });
    o.registerMethod("ServiceDiscoveryCancelRequest")
        .onInterface(p)
        .withInputParamNames("ref")
        .implementedAs([&e_, guard](std::uint64_t ref) {
            guard();
            ok(e_.sd_cancel(ref));
        });
    o.registerMethod("ServiceUpdate").onInterface(p).implementedAs([&e_, guard] {
        guard();
        e_.services().update();
    });
    o.registerMethod("ServiceDiscoveryExternal")
        .onInterface(p)
        .withInputParamNames("arg")
        .implementedAs([&e_, guard](std::int32_t on) {
            guard();
            e_.set_sd_external(on != 0);
        });
    o.registerMethod("FlushService").onInterface(p).implementedAs([&e_, guard] {
        guard();
        e_.services().flush();
    });
    for (const bool add : {true, false})
        o.registerMethod(add ? "AddService" : "DeleteService")
            .onInterface(p)
            .withInputParamNames("args")
            .implementedAs([&e_, guard, add](const dict& args) {
                guard();
                std::string type, service;
                std::int32_t version = 0;
                std::optional<std::vector<std::uint8_t>> query, response;
                for (const auto& [key, v] : args) {
                    const std::string t = v.peekValueType();
                    if (key == "service_type" && t == "s")
                        type = v.template get<std::string>();
                    else if (key == "version" && t == "i")
                        version = v.template get<std::int32_t>();
                    else if (key == "service" && t == "s")
                        service = v.template get<std::string>();
                    else if (key == "query" && t == "ay")
                        query = v.template get<std::vector<std::uint8_t>>();
                    else if (key == "response" && t == "ay" && add)
                        response = v.template get<std::vector<std::uint8_t>>();
                    else
                        fail(error::invalid_args);
                }
                auto& reg = e_.services();
                if (type == "upnp") {
                    if (version <= 0 || version > 0xff || service.empty())
                        fail(error::invalid_args);
                    if (add) return reg.add_upnp(std::uint8_t(version), service);
                    return ok(reg.del_upnp(std::uint8_t(version), service), error::invalid_args);
                }
                if (type != "bonjour" || !query || (add && !response)) fail(error::invalid_args);
                if (add) return reg.add_bonjour(std::move(*query), std::move(*response));
                ok(reg.del_bonjour(*query), error::invalid_args);
            });
}

}  // namespace softmac::p2p::dbus
