// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/wps/eap_peer.hpp>
#include <softmac/wps/eap_server.hpp>

#include "hex.hpp"

using namespace softmac;
using namespace std::chrono_literals;

namespace {

using test::mac;

/// An AP and a station joined by a wsc_link of 1 ms that loses a share of the frames each way.
struct wsc_link {
    struct side {
        wsc_link* l;
        bool ap;
        std::vector<wps::event> events;
        std::vector<std::uint16_t> deauths;
        void send_eapol(const mac_address&, bytes_view frame) { l->carry(ap, frame); }
        virtual_time& time() { return l->clock; }
        void deauthenticate(const mac_address&, std::uint16_t why) { deauths.push_back(why); }
        void emit_wps(const wps::event& e) { events.push_back(e); }
    };
    virtual_time clock;
    side ap_side{this, true, {}, {}}, sta_side{this, false, {}, {}};
    double loss = 0;
    unsigned attempts = 1;
    std::mt19937 rng{7};
    std::size_t frames = 0, lost = 0, largest = 0;
    wps::registrar reg{[this](const wps::event& e) { ap_side.events.push_back(e); }};
    wps::eap_server<side> server;
    wps::eap_peer<side> peer;
    const mac_address ap_addr = mac("02:00:00:00:00:00"), sta_addr = mac("02:00:00:00:01:00");

    wsc_link(std::string pin, std::size_t fragment_size)
        : server(
              ap_side, [this](const mac_address& sta) { return run_config(sta); }, fragment_size),
          peer(sta_side, enrollee_config(std::move(pin)), fragment_size) {}

    wps::registrar_run::config run_config(const mac_address& sta) {
        wps::registrar_run::config c;
        c.dev.id = wps::uuid_from_mac(ap_addr);
        c.dev.device_name = std::string(32, 'g');
        c.cred.ssid = "DIRECT-xy";
        c.cred.network_key = std::string(64, 'b');
        c.authorize = [this, sta](const wps::enrollee_request& r) {
            return reg.decide(r, sta, std::nullopt, clock.now());
        };
        c.emit = [this](const wps::event& e) { ap_side.events.push_back(e); };
        return c;
    }
    wps::enrollee::config enrollee_config(std::string pin) {
        wps::enrollee::config c;
        c.mac = sta_addr;
        c.dev.id = wps::uuid_from_mac(sta_addr);
        c.dev.manufacturer = std::string(64, 'm');
        c.password = std::move(pin);
        c.emit = [this](const wps::event& e) { sta_side.events.push_back(e); };
        return c;
    }
    void carry(bool from_ap, bytes_view frame) {
        ++frames;
        largest = std::max(largest, frame.size());
        // Each frame gets the MAC's attempts; only when all are lost does EAP see the loss.
        bool through = false;
        for (unsigned i = 0; i < attempts && !through; ++i) {
            through = std::uniform_real_distribution<>(0, 1)(rng) >= loss;
            lost += !through;
        }
        if (!through) return;
        std::vector<std::uint8_t> copy(frame.begin(), frame.end());
        clock.schedule_in(1ms, [this, from_ap, copy] {
            if (from_ap)
                peer.receive(ap_addr, copy);
            else
                server.receive(sta_addr, copy);
        });
    }
    void associate() {
        peer.associated(ap_addr);
        server.start(sta_addr);
    }
    template <class E>
    static std::size_t count(const std::vector<wps::event>& v) {
        std::size_t n = 0;
        for (const auto& e : v) n += std::holds_alternative<E>(e);
        return n;
    }
};

}  // namespace

TEST_CASE("EAP-WSC carries a PIN registration from Identity to EAP-Failure", "[wps][eap]") {
    wsc_link l("12345670", wps::eap::server_fragment_size);
    l.reg.add_pin("12345670", std::nullopt, l.clock.now());
    l.associate();
    l.clock.run_for(1s);
    CHECK(l.peer.finished());
    REQUIRE(l.peer.registration().credential());
    CHECK(l.peer.registration().credential()->network_key == std::string(64, 'b'));
    CHECK(wsc_link::count<wps::eap_started>(l.sta_side.events) == 1);
    CHECK(wsc_link::count<wps::eap_method_selected>(l.sta_side.events) == 1);
    CHECK(wsc_link::count<wps::eap_status_started>(l.sta_side.events) == 1);
    CHECK(wsc_link::count<wps::eap_proposed_method>(l.ap_side.events) == 1);
    CHECK(wsc_link::count<wps::succeeded>(l.sta_side.events) == 1);
    CHECK(wsc_link::count<wps::eap_failure>(l.sta_side.events) == 1);
    CHECK(wsc_link::count<wps::registrar_success>(l.ap_side.events) == 1);
    CHECK(wsc_link::count<wps::succeeded>(l.ap_side.events) == 1);
    CHECK(wsc_link::count<wps::eap_failure>(l.ap_side.events) == 1);
    // Nobody left: the AP deauthenticates the station 10 ms after EAP-Failure (reason 23).
    CHECK(l.ap_side.deauths == std::vector<std::uint16_t>{23});
    // Identity, Start, M2, M4, M6, M8, Failure from the AP; Identity, M1, M3, M5, M7, Done.
    CHECK(l.frames == 13);
}

TEST_CASE("EAP-WSC fragments every message with a small fragment size", "[wps][eap]") {
    wsc_link l("12345670", 50);
    l.reg.add_pin("12345670", std::nullopt, l.clock.now());
    l.associate();
    l.clock.run_for(2s);
    REQUIRE(l.peer.registration().credential());
    CHECK(l.frames > 40);                // M1 and M2 alone are over 400 octets
    CHECK(l.largest <= 4 + 5 + 8 + 50);  // EAPOL + EAP + expanded header + fragment budget
}

TEST_CASE("EAP-WSC survives 30 percent loss each way with link retries and its own", "[wps][eap]") {
    wsc_link l("12345670", wps::eap::server_fragment_size);
    l.loss = 0.3;
    l.attempts = 2;
    l.reg.add_pin("12345670", std::nullopt, l.clock.now());
    l.associate();
    l.clock.run_for(60s);
    CHECK(l.lost > 0);
    REQUIRE(l.peer.finished());
    CHECK(l.peer.registration().credential());
}

TEST_CASE("EAP-WSC without an authorized PIN ends in M2D, WPS-PIN-NEEDED and EAP-Failure",
          "[wps][eap]") {
    wsc_link l("12345670", wps::eap::server_fragment_size);
    l.associate();
    l.clock.run_for(1s);
    CHECK(l.peer.finished());
    CHECK_FALSE(l.peer.registration().credential());
    REQUIRE(wsc_link::count<wps::m2d_received>(l.sta_side.events) == 1);
    CHECK(wsc_link::count<wps::pin_needed>(l.ap_side.events) == 1);
    CHECK(wsc_link::count<wps::succeeded>(l.ap_side.events) == 0);
}

TEST_CASE("EAP-WSC with a wrong PIN reports WPS-FAIL msg 8 and 18 on both sides", "[wps][eap]") {
    wsc_link l("12345670", wps::eap::server_fragment_size);
    l.reg.add_pin("87654325", std::nullopt, l.clock.now());
    l.associate();
    l.clock.run_for(1s);
    CHECK(l.peer.finished());
    for (auto* side : {&l.sta_side, &l.ap_side}) {
        REQUIRE(wsc_link::count<wps::failed>(side->events) == 1);
        for (const auto& e : side->events)
            if (const auto* f = std::get_if<wps::failed>(&e)) {
                CHECK(f->msg == 8);
                CHECK(f->config_error == 18);
            }
    }
}

TEST_CASE("A silent station makes the EAP server give up after three Requests", "[wps][eap]") {
    wsc_link l("12345670", wps::eap::server_fragment_size);
    l.loss = 1.0;
    l.server.start(l.sta_addr);
    l.clock.run_for(30s);
    CHECK(l.frames == 4);  // Identity three times, then EAP-Failure
    CHECK(l.ap_side.deauths == std::vector<std::uint16_t>{23});
    CHECK_FALSE(l.server.serves(l.sta_addr));
}

TEST_CASE("The EAP peer answers a Request again only when it repeats the Request answered",
          "[wps][eap]") {
    // The peer alone: what it sends is kept, nothing is carried to the server.
    struct peer_side {
        virtual_time clock;
        std::vector<std::vector<std::uint8_t>> sent;
        std::vector<wps::event> events;
        void send_eapol(const mac_address&, bytes_view f) { sent.emplace_back(f.begin(), f.end()); }
        virtual_time& time() { return clock; }
        void deauthenticate(const mac_address&, std::uint16_t) {}
        void emit_wps(const wps::event& e) { events.push_back(e); }
    } side;
    wps::enrollee::config c;
    c.mac = mac("02:00:00:00:01:00");
    c.dev.id = wps::uuid_from_mac(c.mac);
    c.password = "12345670";
    wps::eap_peer<peer_side> peer(side, std::move(c));
    const mac_address ap = mac("02:00:00:00:00:00");
    peer.associated(ap);
    const auto identity = wps::eap::eapol_identity_request(2, 7);
    peer.receive(ap, identity);
    REQUIRE(side.sent.size() == 1);
    CHECK(side.sent[0][5] == 7);  // the EAP Identifier of the Response
    SECTION("a retransmitted Request gets the same Response") {
        peer.receive(ap, identity);
        REQUIRE(side.sent.size() == 2);
        CHECK(side.sent[1] == side.sent[0]);
    }
    SECTION("a Request dropped gets no answer, nor does its retransmission") {
        // A WSC_FRAG_ACK with no fragment of ours pending: the peer drops it.
        const auto frag_ack =
            wps::eap::eapol_wsc(2, wps::eap::code::request, 8, wps::eap::op::frag_ack, 0, 0, {});
        peer.receive(ap, frag_ack);
        peer.receive(ap, frag_ack);
        CHECK(side.sent.size() == 1);
        // The Request still answered is the Identity one.
        peer.receive(ap, identity);
        CHECK(side.sent.size() == 2);
    }
    SECTION("a Request that reuses the Identifier with other octets is a new Request") {
        const auto start =
            wps::eap::eapol_wsc(2, wps::eap::code::request, 7, wps::eap::op::start, 0, 0, {});
        peer.receive(ap, start);
        REQUIRE(side.sent.size() == 2);
        const auto m1 = wps::eap::parse_eapol(side.sent[1]);
        REQUIRE(m1);
        CHECK(m1->id == 7);
        const auto w = wps::eap::parse_wsc(*m1);
        REQUIRE(w);
        CHECK(w->op == wps::eap::op::msg);
    }
}
