// SPDX-License-Identifier: MIT
// p2p_dbus_client: a connection manager in miniature over wpa_supplicant's D-Bus API
// (fi.w1.wpa_supplicant1), as it would drive wpa_supplicant 2.10: it lists the interfaces,
// runs Find on the first two devices, connects them by push button (the first as GO) and
// prints every P2PDevice signal it receives until both report GroupStarted.
//
//   p2pd --dbus=unix:path=/tmp/bus -p /tmp/p2pd -n 2 &
//   p2p_dbus_client unix:path=/tmp/bus        (no argument: the session bus)
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

namespace {
const std::string service = "fi.w1.wpa_supplicant1", root_path = "/fi/w1/wpa_supplicant1",
                  p2p = "fi.w1.wpa_supplicant1.Interface.P2PDevice";
using dict = std::map<std::string, sdbus::Variant>;

std::string show(const dict& d) {
    std::string s;
    for (const auto& [k, v] : d) {
        s += " " + k + "=";
        const std::string t = v.peekValueType();
        if (t == "s")
            s += v.get<std::string>();
        else if (t == "o")
            s += v.get<sdbus::ObjectPath>();
        else if (t == "i")
            s += std::to_string(v.get<std::int32_t>());
        else if (t == "b")
            s += v.get<bool>() ? "true" : "false";
        else
            s += "<" + t + ">";
    }
    return s;
}
}  // namespace

int main(int argc, char** argv) {
    // What the signals fill in, on the bus's own thread: it outlives the connection, whose end
    // stops that thread, whichever way main leaves.
    std::map<std::string, std::set<std::string>> found;  // interface → peers it found
    std::set<std::string> started;
    std::mutex m;
    try {
        auto bus = argc > 1 ? sdbus::createSessionBusConnectionWithAddress(argv[1])
                            : sdbus::createSessionBusConnection();
        auto root = sdbus::createProxy(*bus, service, root_path);
        std::vector<sdbus::ObjectPath> ifaces =
            root->getProperty("Interfaces").onInterface(service);
        std::printf("interfaces:");
        for (const auto& i : ifaces) std::printf(" %s", i.c_str());
        std::printf("\n");
        if (ifaces.size() < 2) {
            std::fprintf(stderr, "p2p_dbus_client: two P2P devices are needed\n");
            return 1;
        }
        std::vector<std::unique_ptr<sdbus::IProxy>> dev;
        for (std::size_t n = 0; n < 2; ++n) {
            const std::string me = ifaces[n];
            dev.push_back(sdbus::createProxy(*bus, service, me));
            auto& d = *dev.back();
            d.uponSignal("DeviceFound").onInterface(p2p).call([&, me](const sdbus::ObjectPath& p) {
                std::lock_guard l(m);
                std::printf("%s DeviceFound %s\n", me.c_str(), p.c_str());
                found[me].insert(p);
            });
            for (const char* s :
                 {"GONegotiationSuccess", "GONegotiationFailure", "GroupStarted", "GroupFinished"})
                d.uponSignal(s).onInterface(p2p).call([&, me, s](const dict& a) {
                    std::lock_guard l(m);
                    std::printf("%s %s%s\n", me.c_str(), s, show(a).c_str());
                    if (std::string(s) == "GroupStarted") started.insert(me);
                });
            d.uponSignal("ProvisionDiscoveryPBCRequest")
                .onInterface(p2p)
                .call([me](const sdbus::ObjectPath& p) {
                    std::printf("%s ProvisionDiscoveryPBCRequest %s\n", me.c_str(), p.c_str());
                });
            d.finishRegistration();
        }
        bus->enterEventLoopAsync();
        for (auto& d : dev) d->callMethod("Find").onInterface(p2p).withArguments(dict{});
        auto wait = [](auto pred, int seconds) {
            for (int i = 0; i < seconds * 20 && !pred(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            return pred();
        };
        const std::string go = ifaces[0], client = ifaces[1];
        if (!wait(
                [&] {
                    std::lock_guard l(m);
                    return !found[go].empty() && !found[client].empty();
                },
                15)) {
            std::fprintf(stderr, "p2p_dbus_client: the devices did not find each other\n");
            return 1;
        }
        std::string to_go, to_client;  // each one's object for the other
        {
            std::lock_guard l(m);
            to_go = *found[client].begin();
            to_client = *found[go].begin();
        }
        std::string pin;
        dev[1]
            ->callMethod("Connect")
            .onInterface(p2p)
            .withArguments(dict{{"peer", sdbus::Variant(sdbus::ObjectPath(to_go))},
                                {"wps_method", sdbus::Variant(std::string("pbc"))},
                                {"go_intent", sdbus::Variant(std::int32_t(0))}})
            .storeResultsTo(pin);
        dev[0]
            ->callMethod("Connect")
            .onInterface(p2p)
            .withArguments(dict{{"peer", sdbus::Variant(sdbus::ObjectPath(to_client))},
                                {"wps_method", sdbus::Variant(std::string("pbc"))},
                                {"go_intent", sdbus::Variant(std::int32_t(15))}})
            .storeResultsTo(pin);
        const bool ok = wait(
            [&] {
                std::lock_guard l(m);
                return started.size() == 2;
            },
            30);
        bus->leaveEventLoop();
        std::printf(ok ? "both devices started the group\n" : "the group did not start\n");
        return ok ? 0 : 1;
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "p2p_dbus_client: %s: %s\n", e.getName().c_str(),
                     e.getMessage().c_str());
        return 1;
    }
}
