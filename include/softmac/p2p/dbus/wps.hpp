// SPDX-License-Identifier: MIT
/// @file Defines an interface object's `fi.w1.wpa_supplicant1.Interface.WPS`: Start and Cancel
/// on a GO's registrar, the WPS identity properties, and the Event and Credentials signals.
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <softmac/ieee80211/wps.hpp>
#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/wps/events.hpp>
#include <softmac/wps/message.hpp>

namespace softmac::p2p::dbus {

inline constexpr std::string_view wps_interface = "fi.w1.wpa_supplicant1.Interface.WPS";

/// @brief WPS.Start's dictionary (wpas_dbus_handler_wps_start_entry): Role, Type, Pin, Bssid,
/// P2PDeviceAddress; InvalidArgs for another key, a wrong type, role or type, or an address
/// that is not 6 octets.
struct wps_start_request {
    enum class role : std::uint8_t { none, enrollee, registrar } who = role::none;
    enum class type : std::uint8_t { none, pin, pbc } how = type::none;
    std::optional<std::string> pin;
    std::optional<mac_address> bssid, p2p_dev_addr;
};
inline wps_start_request parse_wps_start(const dict& args) {
    wps_start_request r;
    auto address = [](const sdbus::Variant& v, const char* what) {
        if (v.peekValueType() != "ay")
            fail(error::invalid_args, std::string(what) + " must be a byte array");
        const auto b = v.get<std::vector<std::uint8_t>>();
        if (b.size() != 6) fail(error::invalid_args, std::string(what) + " is wrong length");
        mac_address a;
        std::copy(b.begin(), b.end(), a.octets.begin());
        return a;
    };
    auto text = [](const sdbus::Variant& v, const char* what) {
        if (v.peekValueType() != "s")
            fail(error::invalid_args, std::string(what) + " must be a string");
        return v.get<std::string>();
    };
    for (const auto& [key, v] : args) {
        if (key == "Role") {
            const auto s = text(v, "Role");
            if (s != "enrollee" && s != "registrar") fail(error::invalid_args, utf8(s));
            r.who = s == "enrollee" ? wps_start_request::role::enrollee
                                    : wps_start_request::role::registrar;
        } else if (key == "Type") {
            const auto s = text(v, "Type");
            if (s != "pin" && s != "pbc") fail(error::invalid_args, utf8(s));
            r.how = s == "pin" ? wps_start_request::type::pin : wps_start_request::type::pbc;
        } else if (key == "Pin") {
            r.pin = text(v, "Pin");
        } else if (key == "Bssid") {
            r.bssid = address(v, "Bssid");
        } else if (key == "P2PDeviceAddress") {
            r.p2p_dev_addr = address(v, "P2PDeviceAddress");
        } else {
            fail(error::invalid_args, utf8(key));
        }
    }
    return r;
}

/// @brief A registration's report as WPS.Event names it (wpas_dbus_signal_wps_event_*): "fail",
/// "success", "m2d", "pbc-overlap"; none for what the signal does not report.
inline std::optional<std::pair<std::string, dict>> wps_signal_event(const softmac::wps::event& ev) {
    using namespace softmac::wps;
    if (const auto* f = std::get_if<failed>(&ev))
        return std::pair{std::string("fail"),
                         dict{{"msg", sdbus::Variant(std::int32_t(f->msg))},
                              {"config_error", sdbus::Variant(std::int32_t(f->config_error))},
                              {"error_indication", sdbus::Variant(std::int32_t(0))}}};
    if (std::holds_alternative<succeeded>(ev)) return std::pair{std::string("success"), dict{}};
    if (const auto* m = std::get_if<m2d_received>(&ev)) {
        // wpas_dbus_signal_wps_event_m2d: the registrar's description, then the two codes.
        const auto bytes = [](const std::string& s) { return sdbus::Variant(bytes_of(s)); };
        return std::pair{
            std::string("m2d"),
            dict{{"config_methods", sdbus::Variant(m->registrar.config_methods)},
                 {"manufacturer", bytes(m->registrar.manufacturer)},
                 {"model_name", bytes(m->registrar.model_name)},
                 {"model_number", bytes(m->registrar.model_number)},
                 {"serial_number", bytes(m->registrar.serial_number)},
                 {"dev_name", bytes(m->registrar.device_name)},
                 {"primary_dev_type", sdbus::Variant(type_bytes(m->registrar.primary))},
                 {"config_error", sdbus::Variant(m->config_error)},
                 {"dev_password_id", sdbus::Variant(m->dev_password_id)}}};
    }
    if (std::holds_alternative<overlap_detected>(ev))
        return std::pair{std::string("pbc-overlap"), dict{}};
    return std::nullopt;
}

/// @brief A credential as WPS.Credentials carries it (wpas_dbus_signal_wps_cred): `bssid` is
/// the network's (the GO's interface address).
inline dict wps_credentials(const softmac::wps::credential& c, const mac_address& bssid) {
    namespace at = softmac::wps::auth_type;
    namespace et = softmac::wps::encr_type;
    std::vector<std::string> auth, encr;
    if (c.auth & at::open) auth.emplace_back("open");
    if (c.auth & at::wpa_psk) auth.emplace_back("wpa-psk");
    if (c.auth & at::wpa2_psk) auth.emplace_back("wpa2-psk");
    if (c.encr & et::none) encr.emplace_back("none");
    if (c.encr & et::tkip) encr.emplace_back("tkip");
    if (c.encr & et::aes) encr.emplace_back("aes");
    return dict{{"BSSID", sdbus::Variant(bytes_of(bssid))},
                {"SSID", sdbus::Variant(bytes_of(c.ssid))},
                {"AuthType", sdbus::Variant(auth)},
                {"EncrType", sdbus::Variant(encr)},
                {"Key", sdbus::Variant(bytes_of(c.network_key))},
                {"KeyIndex", sdbus::Variant(std::uint32_t(0))}};
}

/// @brief Registers `Interface.WPS` on the object `o` of interface `ifname`. Start and Cancel
/// work a GO group's registrar, as 2.10 does on an AP interface (wpa_supplicant_ap_wps_pin, _pbc,
/// _cancel); softmac's station interface has no enrollee of its own, so there they fail as a
/// WPS start that cannot run fails. The identity properties are the device's settings.
/// @param guard refuses a caller that may not change the radio
/// @param process_credentials the device's ProcessCredentials (wps_cred_processing != 1)
template <class Engine, class Guard>
void serve_wps(sdbus::IObject& o, Engine& e, std::string ifname, Guard guard,
               bool& process_credentials) {
    const std::string w(wps_interface);
    auto is_go = [&e, ifname] {
        for (const auto& g : e.groups())
            if (g.ifname == ifname && g.go) return true;
        return false;
    };
    o.registerMethod("Start")
        .onInterface(w)
        .withInputParamNames("args")
        .withOutputParamNames("output")
        .implementedAs([&e, &o, ifname, guard, is_go](const dict& args) {
            guard(o);
            const auto r = parse_wps_start(args);
            using role = wps_start_request::role;
            using type = wps_start_request::type;
            dict out;
            if (is_go()) {
                if (r.how == type::pin) {
                    if (!r.pin) fail(error::invalid_args, "Pin required for registrar role.");
                    ok(e.wps_pin(ifname, *r.pin), error::unknown_error);
                    out.emplace("Pin", sdbus::Variant(*r.pin));
                } else {
                    ok(e.wps_pbc(ifname, r.p2p_dev_addr), error::unknown_error);
                }
                return out;
            }
            if (r.who == role::none) fail(error::invalid_args, "Role not specified");
            if (r.who == role::registrar && !r.pin)
                fail(error::invalid_args, "Pin required for registrar role.");
            if (r.who == role::enrollee && r.how == type::none)
                fail(error::invalid_args, "Type not specified");
            fail(error::unknown_error, "WPS start failed");
        });
    // wpas_wps_cancel: a GO's registrar stops; a station has nothing running, which is no
    // failure.
    o.registerMethod("Cancel").onInterface(w).implementedAs([&e, &o, ifname, guard, is_go] {
        guard(o);
        if (is_go() && !e.wps_cancel(ifname)) fail(error::unknown_error, "WPS cancel failed");
    });
    o.registerProperty("ProcessCredentials")
        .onInterface(w)
        .withGetter([&process_credentials] { return process_credentials; })
        .withSetter([&o, guard, &process_credentials](const bool& on) {
            guard(o);
            process_credentials = on;
        });
    o.registerProperty("ConfigMethods")
        .onInterface(w)
        .withGetter(
            [&e] { return ieee80211::wps::config_method::to_text(e.settings().config_methods); })
        .withSetter([&e, &o, guard](const std::string& v) {
            guard(o);
            const auto m = ieee80211::wps::config_method::from_text(v);
            if (!m) fail(error::invalid_args, "unknown config method");
            e.settings().config_methods = *m;
        });
    // wps_dev_name and the WPS identity strings: at most 32 octets, a manufacturer 64.
    auto text = [&](const char* name, std::string p2p::settings::*field, std::size_t max) {
        o.registerProperty(name)
            .onInterface(w)
            .withGetter([&e, field] { return utf8(e.settings().*field); })
            .withSetter([&e, &o, guard, field, max](const std::string& v) {
                guard(o);
                if (v.size() > max || !setting_text(v))
                    fail(error::invalid_args, "too long, or not a setting's text");
                e.settings().*field = v;
            });
    };
    text("DeviceName", &p2p::settings::device_name, 32);
    text("Manufacturer", &p2p::settings::manufacturer, 64);
    text("ModelName", &p2p::settings::model_name, 32);
    text("ModelNumber", &p2p::settings::model_number, 32);
    text("SerialNumber", &p2p::settings::serial_number, 32);
    o.registerProperty("DeviceType")
        .onInterface(w)
        .withGetter([&e] { return type_bytes(e.settings().primary_type); })
        .withSetter([&e, &o, guard](const std::vector<std::uint8_t>& v) {
            guard(o);
            const auto t = type_of(v);
            if (!t) fail(error::invalid_args, "a device type is 8 octets");
            e.settings().primary_type = *t;
        });
    o.registerSignal("Event").onInterface(w).withParameters<std::string, dict>("name", "args");
    o.registerSignal("Credentials").onInterface(w).withParameters<dict>("credentials");
    o.registerSignal("PropertiesChanged").onInterface(w).withParameters<dict>("properties");
}

}  // namespace softmac::p2p::dbus
