// SPDX-License-Identifier: MIT
// p2p_pair: two P2P devices on loopback radios, under virtual time: discovery, provision
// discovery, GO negotiation and a push-button group formation (WPS, then WPA2-PSK), protected
// data both ways across the group, group removal, then a second group formed with a PIN. Every
// engine event is printed on a timeline in the control interface's event format (what wpa_cli
// shows); everything on the air goes to p2p_pair.pcap.
#include <cstdio>
#include <fstream>
#include <string>
#include <variant>

#include <softmac/drivers/loopback.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/device.hpp>

using namespace softmac;
using namespace std::chrono_literals;
namespace ev = softmac::p2p::event;

namespace {

struct counting_net {
    std::size_t frames = 0;
    void deliver(std::uint8_t, frame_buffer&&) { ++frames; }
};

/// Prints each event as the control interface sends it to monitors, with the time and device.
struct timeline {
    const virtual_time* clock = nullptr;
    const char* who = "";
    int formed = 0;
    template <class E>
    void operator()(const E& e) {
        std::printf("%9.3f ms  %-6s <3>%s\n",
                    std::chrono::duration<double, std::milli>(clock->now()).count(), who,
                    p2p::ctrl::format(e, p2p::ctrl::secrets::shown).c_str());
        if constexpr (std::is_same_v<E, ev::group_started>) ++formed;
    }
};

using device = p2p::device<drivers::loopback<virtual_time>, virtual_time, mac::net<counting_net>,
                           p2p::events<timeline>>;

p2p::device_params named(std::uint32_t i, const char* name) {
    p2p::device_params p{
        .index = i, .ifname = "wlan" + std::to_string(i), .settings = {}, .seed = 100 + i};
    p.settings.device_name = name;
    return p;
}

}  // namespace

int main() {
    virtual_time clock;
    sim::medium<virtual_time> air(clock, 2026);
    std::ofstream pcap("p2p_pair.pcap", std::ios::binary);
    air.tap(pcap);
    heap_pool pool(frame_buffer_size, 1024);
    device a(clock, pool, named(0, "Alice"), air, drivers::loopback_description(0));
    device b(clock, pool, named(1, "Bob"), air, drivers::loopback_description(1));
    a.sink() = {&clock, "Alice"};
    b.sink() = {&clock, "Bob"};
    if (!a.start() || !b.start()) return 1;
    auto run_until = [&](auto pred, duration limit) {
        for (duration t{}; t < limit && !pred(); t += 10ms) clock.run_for(10ms);
        return pred();
    };
    auto knows = [](device& d, const mac_address& who) {
        for (const auto& p : d.engine().peers().all())
            if (p.info.dev_addr == who && p.reported) return true;
        return false;
    };
    const auto addr_a = a.engine().device_address(), addr_b = b.engine().device_address();

    std::printf("-- discovery: both run p2p_find\n");
    (void)a.engine().find();
    (void)b.engine().find();
    if (!run_until([&] { return knows(a, addr_b) && knows(b, addr_a); }, 10s)) return 1;
    a.engine().stop_find();
    b.engine().stop_find();
    (void)b.engine().listen();

    std::printf("-- provision discovery: Alice asks Bob to push his button\n");
    (void)a.engine().prov_disc(addr_b, p2p::wps_method::pbc);
    clock.run_for(500ms);

    std::printf("-- GO negotiation: Bob authorises Alice (intent 3), Alice connects (intent 12)\n");
    p2p::connect_params auth;
    auth.auth = true;
    auth.go_intent = 3;
    (void)b.engine().connect(addr_a, auth);
    p2p::connect_params go;
    go.go_intent = 12;
    (void)a.engine().connect(addr_b, go);
    if (!run_until([&] { return a.sink().formed == 1 && b.sink().formed == 1; }, 5s)) return 1;

    std::printf("-- data across the group\n");
    const auto& ga = a.engine().groups().front();
    const auto& gb = b.engine().groups().front();
    auto send = [&](device& from, const p2p::group& g, const mac_address& to, int n) {
        const auto* i = from.config().find(g.ref);
        for (int k = 0; k < n; ++k) {
            auto buf = pool.allocate(64);
            std::vector<std::uint8_t> eth(14 + 256, std::uint8_t(k));
            std::copy(to.octets.begin(), to.octets.end(), eth.begin());
            std::copy(g.iface_addr.octets.begin(), g.iface_addr.octets.end(), eth.begin() + 6);
            store_be16(eth.data() + 12, 0x88b5);
            (void)buf->append(eth);
            (void)from.wiphy().stack().transmit(i->vif, std::move(*buf));
        }
    };
    send(a, ga, gb.iface_addr, 20);
    send(b, gb, ga.iface_addr, 20);
    clock.run_for(200ms);
    std::printf("             Alice received %zu frames, Bob received %zu frames\n", a.net().frames,
                b.net().frames);

    std::printf("-- group removal on the GO\n");
    (void)a.engine().group_remove("*");
    clock.run_for(200ms);

    std::printf("-- a PIN group: Bob shows a PIN (p2p_connect ... pin auth), Alice enters it\n");
    (void)b.engine().listen();
    p2p::connect_params show;
    show.auth = true;
    show.go_intent = 3;
    show.method = p2p::wps_method::display;
    const auto pin = b.engine().connect(addr_a, show);
    if (!pin) return 1;
    std::printf("             Bob's PIN: %s\n", pin->c_str());
    p2p::connect_params enter;
    enter.go_intent = 12;
    enter.method = p2p::wps_method::keypad;
    enter.pin = *pin;
    (void)a.engine().connect(addr_b, enter);
    if (!run_until([&] { return a.sink().formed == 2 && b.sink().formed == 2; }, 10s)) return 1;
    (void)a.engine().group_remove("*");
    clock.run_for(200ms);
    pcap.flush();
    std::printf("wrote p2p_pair.pcap\n");
    return a.net().frames == 20 && b.net().frames == 20 ? 0 : 1;
}
