// SPDX-License-Identifier: MIT
// The D-Bus API's argument dispatch: random dictionaries (known and unknown keys, every basic
// type and arrays of bytes, any value) into P2PDevice.Connect's and Find's readers, WPS.Start's,
// a persistent group's network block fields and P2PDeviceConfig's writer, and random object
// paths into the path readers. A reader answers or fails with its InvalidArgs (wpa_supplicant's
// for the method arguments, the bus's for the property values); nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/dbus/device_config.hpp>
#include <softmac/p2p/dbus/persistent_groups.hpp>
#include <softmac/p2p/dbus/wps.hpp>

namespace dbus = softmac::p2p::dbus;

namespace {
struct reader {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() { return n ? (--n, *p++) : 0; }
    std::string text() {
        std::string s;
        for (std::size_t len = byte() % 24; len && n; --len) s += char(byte());
        return s;
    }
    std::int32_t i32() {
        std::int32_t v = 0;
        for (int k = 0; k < 4; ++k) v = (v << 8) | byte();
        return v;
    }
};
const char* const keys[] = {"peer",
                            "persistent",
                            "join",
                            "authorize_only",
                            "frequency",
                            "go_intent",
                            "wps_method",
                            "pin",
                            "Timeout",
                            "freq",
                            "DiscoveryType",
                            "RequestedDeviceTypes",
                            "Role",
                            "Type",
                            "Pin",
                            "Bssid",
                            "P2PDeviceAddress",
                            "ssid",
                            "bssid",
                            "psk",
                            "mode",
                            "disabled",
                            "p2p_client_list",
                            "key_mgmt",
                            "DeviceName",
                            "GOIntent",
                            "ListenChannel",
                            "OperChannel",
                            "IpAddrGo",
                            "IntraBss",
                            "PrimaryDeviceType",
                            "SecondaryDeviceTypes",
                            "unknown"};
/// What P2PDeviceConfig's writer needs of an engine.
struct settings_engine {
    softmac::p2p::settings s;
    softmac::p2p::settings& settings() { return s; }
    const softmac::p2p::settings& settings() const { return s; }
    std::uint16_t listen_freq() const { return 2412; }
    softmac::result<void> set_listen_channel(std::uint8_t ch) {
        if (ch != 1 && ch != 6 && ch != 11)
            return softmac::make_error(softmac::errc::bad_value, "not social");
        s.listen_channel = ch;
        return {};
    }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    reader r{data, size};
    dbus::dict d;
    try {
        for (int entries = r.byte() % 8; entries > 0; --entries) {
            const std::string key = keys[r.byte() % std::size(keys)];
            switch (r.byte() % 8) {
                case 0:
                    d[key] = sdbus::Variant(bool(r.byte() & 1));
                    break;
                case 1:
                    d[key] = sdbus::Variant(r.i32());
                    break;
                case 2:
                    d[key] = sdbus::Variant(std::uint32_t(r.i32()));
                    break;
                case 3:
                    d[key] = sdbus::Variant(r.text());
                    break;
                case 4: {
                    const std::string hex = "/fi/w1/wpa_supplicant1/Interfaces/0/Peers/" + r.text();
                    d[key] = sdbus::Variant(sdbus::ObjectPath(hex));
                    break;
                }
                case 5: {
                    const std::string t = r.text();
                    d[key] = sdbus::Variant(std::vector<std::uint8_t>(t.begin(), t.end()));
                    break;
                }
                case 6: {
                    std::vector<std::vector<std::uint8_t>> v;
                    for (int k = r.byte() % 3; k > 0; --k) {
                        const std::string t = r.text();
                        v.emplace_back(t.begin(), t.end());
                    }
                    d[key] = sdbus::Variant(v);
                    break;
                }
                default:
                    d[key] = sdbus::Variant(std::uint16_t(r.i32()));
                    break;
            }
        }
    } catch (const sdbus::Error&) {
        return 0;  // a value the bus itself would refuse (an object path that is not one)
    }
    using reader_fn = void (*)(const dbus::dict&);
    const std::pair<reader_fn, std::string_view> readers[] = {
        {+[](const dbus::dict& a) { (void)dbus::parse_connect(a); }, dbus::error::invalid_args},
        {+[](const dbus::dict& a) { (void)dbus::parse_find(a); }, dbus::error::invalid_args},
        {+[](const dbus::dict& a) { (void)dbus::parse_wps_start(a); }, dbus::error::invalid_args},
        {+[](const dbus::dict& a) {
             softmac::p2p::ctrl::conf::network n;
             n.set("disabled", "2");
             dbus::put_network_properties(a, n);
             if (auto g = softmac::p2p::ctrl::persistent_of(-1, n))
                 (void)dbus::network_properties(*g);
         },
         dbus::error::bad_property},
        {+[](const dbus::dict& a) {
             settings_engine e;
             const auto before = e.s;
             try {
                 dbus::set_device_config(e, a);
             } catch (const sdbus::Error&) {
                 if (!(e.s == before)) __builtin_trap();  // whole or nothing
                 throw;
             }
             (void)dbus::device_config(e);
         },
         dbus::error::bad_property}};
    for (const auto& [parse, refusal] : readers) {
        try {
            parse(d);
        } catch (const sdbus::Error& e) {
            if (e.getName() != refusal) __builtin_trap();
        }
    }
    (void)dbus::peer_of(std::string(reinterpret_cast<const char*>(data), size));
    (void)dbus::group_path("/x", std::string(reinterpret_cast<const char*>(data), size));
    return 0;
}
