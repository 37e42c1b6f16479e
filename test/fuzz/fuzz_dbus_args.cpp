// SPDX-License-Identifier: MIT
// The D-Bus API's argument dispatch: random dictionaries (known and unknown keys, every basic
// type and arrays of bytes, any value) into P2PDevice.Connect's and Find's readers, and random
// object paths into the peer-path reader. A reader answers or fails with InvalidArgs; nothing
// else may escape.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <softmac/p2p/dbus/arguments.hpp>

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
const char* const keys[] = {"peer",      "persistent", "join",          "authorize_only",
                            "frequency", "go_intent",  "wps_method",    "pin",
                            "Timeout",   "freq",       "DiscoveryType", "RequestedDeviceTypes",
                            "unknown"};
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
    for (auto parse : {+[](const dbus::dict& a) { (void)dbus::parse_connect(a); },
                       +[](const dbus::dict& a) { (void)dbus::parse_find(a); }}) {
        try {
            parse(d);
        } catch (const sdbus::Error& e) {
            if (e.getName() != dbus::error::invalid_args) __builtin_trap();
        }
    }
    (void)dbus::peer_of(std::string(reinterpret_cast<const char*>(data), size));
    (void)dbus::group_path("/x", std::string(reinterpret_cast<const char*>(data), size));
    return 0;
}
