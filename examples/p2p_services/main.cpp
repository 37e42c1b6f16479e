// SPDX-License-Identifier: MIT
// p2p_services: service discovery before connecting, under virtual time. Bob's device advertises
// a Bonjour printer (its PTR and TXT records) and a UPnP media renderer; Alice queries every
// Bonjour service and every UPnP 1.0 service of every peer while she searches, reads the answers
// (typed, not hex) and, having found the printer, connects to the device that offers it. Every
// engine event is printed as the control interface sends it; the air goes to p2p_services.pcap.
#include <cstdio>
#include <fstream>
#include <string>

#include <softmac/drivers/loopback.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/device.hpp>
#include <softmac/p2p/services.hpp>

using namespace softmac;
using namespace std::chrono_literals;
namespace ev = softmac::p2p::event;
namespace sp = softmac::ieee80211::anqp::service_protocol;

namespace {

struct timeline {
    const virtual_time* clock = nullptr;
    const char* who = "";
    std::vector<ev::serv_disc_resp> answers;
    int formed = 0;
    template <class E>
    void operator()(const E& e) {
        std::printf("%9.3f ms  %-6s <3>%s\n",
                    std::chrono::duration<double, std::milli>(clock->now()).count(), who,
                    p2p::ctrl::format(e, p2p::ctrl::secrets::shown).c_str());
        if constexpr (std::is_same_v<E, ev::serv_disc_resp>) answers.push_back(e);
        if constexpr (std::is_same_v<E, ev::group_started>) ++formed;
    }
};

using device = p2p::device<drivers::loopback<virtual_time>, virtual_time, p2p::events<timeline>>;

p2p::device_params named(std::uint32_t i, const char* name) {
    p2p::device_params p{
        .index = i, .ifname = "wlan" + std::to_string(i), .settings = {}, .seed = 300 + i};
    p.settings.device_name = name;
    return p;
}
std::vector<std::uint8_t> text(std::string_view s) { return {s.begin(), s.end()}; }

/// Prints what one answer says; true when it names a printer (an _ipp._tcp service).
bool describe(const ev::serv_disc_resp& a) {
    bool printer = false;
    const auto tlvs = ieee80211::anqp::parse_service_tlvs(a.tlvs, true);
    if (!tlvs) return false;
    for (const auto& t : *tlvs) {
        if (t.status != ieee80211::anqp::service_status::success) {
            std::printf("             %s: protocol %u answers status %u\n",
                        a.sa.to_string().c_str(), unsigned(t.protocol), unsigned(t.status));
        } else if (t.protocol == sp::bonjour) {
            const auto b = p2p::parse_bonjour_answer(t.data);
            if (!b) continue;
            if (b->type == p2p::dns_type::ptr) {
                const auto instance = p2p::bonjour_name(t.data, b->rdata_offset);
                std::printf("             %s offers Bonjour %s: %s\n", a.sa.to_string().c_str(),
                            b->name.c_str(), instance ? instance->c_str() : "?");
                printer = printer || b->name == "_ipp._tcp.local";
            } else {
                std::printf("             %s: Bonjour %s type %u, %zu octets of record\n",
                            a.sa.to_string().c_str(), b->name.c_str(), unsigned(b->type),
                            b->rdata.size());
            }
        } else if (t.protocol == sp::upnp) {
            const auto u = p2p::parse_upnp_answer(t.data);
            if (!u) continue;
            for (const auto& s : u->services)
                std::printf("             %s offers UPnP %u.%u %s\n", a.sa.to_string().c_str(),
                            unsigned(u->version >> 4), unsigned(u->version & 0xf), s.c_str());
        }
    }
    return printer;
}

}  // namespace

int main() {
    virtual_time clock;
    sim::medium<virtual_time> air(clock, 2027);
    std::ofstream pcap("p2p_services.pcap", std::ios::binary);
    air.tap(pcap);
    heap_pool pool(frame_buffer_size, 1024);
    device alice(clock, pool, named(0, "Alice"), air, drivers::loopback_description(0));
    device bob(clock, pool, named(1, "Bob's printer"), air, drivers::loopback_description(1));
    alice.sink() = {&clock, "Alice", {}, 0};
    bob.sink() = {&clock, "Bob", {}, 0};
    if (!alice.start() || !bob.start()) return 1;
    auto run_until = [&](auto pred, duration limit) {
        for (duration t{}; t < limit && !pred(); t += 10ms) clock.run_for(10ms);
        return pred();
    };

    std::printf("-- Bob advertises a Bonjour printer and a UPnP media renderer\n");
    auto& services = bob.engine().services();
    std::vector<std::uint8_t> instance = p2p::bonjour_wire_name("MyPrinter");
    instance.back() = 0xc0;  // MyPrinter, then a pointer to the key's name (_ipp._tcp.local)
    instance.push_back(0x27);
    services.add_bonjour(p2p::bonjour_key("_ipp._tcp.local", p2p::dns_type::ptr), instance);
    std::vector<std::uint8_t> txt{9};
    for (auto c : text("txtvers=1")) txt.push_back(c);
    txt.push_back(26);
    for (auto c : text("pdl=application/postscript")) txt.push_back(c);
    services.add_bonjour(p2p::bonjour_key("MyPrinter._ipp._tcp.local", p2p::dns_type::txt), txt);
    services.add_upnp(0x10, "uuid:5566d33e-9774-09ab-4822-333456785632::upnp:rootdevice");
    services.add_upnp(0x10,
                      "uuid:5566d33e-9774-09ab-4822-333456785632::urn:schemas-upnp-org:device:"
                      "MediaRenderer:1");
    (void)bob.engine().listen();

    std::printf("-- Alice asks every peer for its Bonjour and UPnP services, and searches\n");
    const auto query = p2p::service_query().bonjour().upnp(0x10, "ssdp:all");
    if (!alice.engine().sd_request(std::nullopt, query.tlvs())) return 1;
    (void)alice.engine().find();
    if (!run_until([&] { return !alice.sink().answers.empty(); }, 10s)) return 1;
    alice.engine().stop_find();
    std::printf("-- what Alice learnt before connecting\n");
    const auto& answer = alice.sink().answers.front();
    if (!describe(answer)) return 1;

    std::printf("-- Alice connects to the device with the printer (push button, Bob authorised)\n");
    p2p::connect_params auth;
    auth.auth = true;
    auth.go_intent = 15;
    (void)bob.engine().connect(alice.engine().device_address(), auth);
    p2p::connect_params go;
    go.go_intent = 0;
    (void)alice.engine().connect(answer.sa, go);
    if (!run_until([&] { return alice.sink().formed == 1 && bob.sink().formed == 1; }, 10s))
        return 1;
    (void)bob.engine().group_remove("*");
    clock.run_for(200ms);
    pcap.flush();
    std::printf("wrote p2p_services.pcap\n");
    return 0;
}
