// SPDX-License-Identifier: MIT
// The P2P engine under virtual time: discovery, GO negotiation, provision discovery, groups.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "p2p_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ev = softmac::p2p::event;
using test::loopback_software_roc;

TEST_CASE("two devices find each other", "[p2p][discovery]") {
    test::p2p_world<loopback_software_roc> w(2);
    REQUIRE(w.engine(0).find());
    REQUIRE(w.engine(1).find());
    REQUIRE(w.run_until([&] { return w.knows(0, 1) && w.knows(1, 0); }, 10s));
    const auto found = w[0].all<ev::device_found>();
    REQUIRE(found.size() == 1);
    CHECK(found[0].is_new);
    CHECK(found[0].peer.name == "Device B1");
    CHECK(found[0].peer.dev_addr == w.addr(1));
    CHECK(found[0].peer.dev_capab == 0x25);
    w.engine(0).stop_find();
    CHECK(w[0].count<ev::find_stopped>() == 1);
}

namespace {
/// Both devices find each other, then 0 connects to 1 (1 pre-authorised with `auth`).
template <class W>
void discover(W& w, std::size_t a = 0, std::size_t b = 1) {
    REQUIRE(w.engine(a).find());
    REQUIRE(w.engine(b).find());
    REQUIRE(w.run_until([&] { return w.knows(a, b) && w.knows(b, a); }, 20s));
    w.engine(a).stop_find();
    w.engine(b).stop_find();
    REQUIRE(w.engine(b).listen());  // the responder stays reachable
}
p2p::connect_params with(std::uint8_t intent, p2p::wps_method m = p2p::wps_method::pbc,
                         bool auth = false, std::uint16_t freq = 0) {
    p2p::connect_params c;
    c.method = m;
    c.go_intent = intent;
    c.auth = auth;
    c.freq = freq;
    return c;
}
template <class W>
bool both_started(W& w, std::size_t a = 0, std::size_t b = 1) {
    return w[a].template count<ev::group_started>() == 1 &&
           w[b].template count<ev::group_started>() == 1;
}
}  // namespace

TEST_CASE("GO negotiation: intents and tie-breaker decide the roles", "[p2p][go_neg]") {
    struct row {
        std::uint8_t a, b;
    };
    const auto r = GENERATE(row{15, 0}, row{0, 15}, row{7, 7}, row{3, 9});
    const std::uint64_t seed = GENERATE(1, 2);
    test::p2p_world<loopback_software_roc> w(2, seed);
    discover(w);
    REQUIRE(w.engine(1).connect(w.addr(0), with(r.b, p2p::wps_method::pbc, true)));
    REQUIRE(w.engine(0).connect(w.addr(1), with(r.a)));
    INFO("intents " << int(r.a) << "/" << int(r.b) << " seed " << seed);
    REQUIRE(w.run_until([&] { return both_started(w); }, 5s));
    const auto s0 = w[0].all<ev::go_neg_success>(), s1 = w[1].all<ev::go_neg_success>();
    REQUIRE(s0.size() == 1);
    REQUIRE(s1.size() == 1);
    CHECK(s0[0].go != s1[0].go);
    if (r.a != r.b) CHECK(s0[0].go == (r.a > r.b));
    CHECK(s0[0].freq == s1[0].freq);
    CHECK(s0[0].peer_dev == w.addr(1));
    CHECK(s1[0].peer_dev == w.addr(0));
    const auto g0 = w[0].all<ev::group_started>()[0], g1 = w[1].all<ev::group_started>()[0];
    CHECK(g0.ssid == g1.ssid);
    CHECK(g0.ssid.size() == 9);
    CHECK(g0.ssid.rfind("DIRECT-", 0) == 0);
    CHECK(g0.freq == g1.freq);
    CHECK(g0.go_dev_addr == g1.go_dev_addr);
    CHECK(g0.go_dev_addr == (g0.go ? w.addr(0) : w.addr(1)));
    const auto& go = g0.go ? g0 : g1;
    CHECK(go.passphrase.size() == 8);
    CHECK(w[0].count<ev::group_formation_success>() == 1);
    CHECK(w[1].count<ev::group_formation_success>() == 1);
}

TEST_CASE("GO negotiation: equal intents follow the initiator's tie-breaker, which toggles",
          "[p2p][go_neg]") {
    test::p2p_world<loopback_software_roc> w(2, 5);
    discover(w);
    bool first_go = false;
    for (int round = 0; round < 2; ++round) {
        REQUIRE(w.engine(1).listen());
        REQUIRE(w.engine(1).connect(w.addr(0), with(7, p2p::wps_method::pbc, true)));
        REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
        REQUIRE(w.run_until(
            [&] { return w[0].count<ev::go_neg_success>() == std::size_t(round + 1); }, 5s));
        const bool go = w[0].all<ev::go_neg_success>().back().go;
        if (round == 0)
            first_go = go;
        else
            CHECK(go != first_go);  // the initiator's bit toggled between negotiations
        w.run(1s);
        REQUIRE(w.engine(0).group_remove("*"));
        REQUIRE(w.engine(1).group_remove("*"));
        w.run(100ms);
    }
}

TEST_CASE("GO negotiation failures carry the reference's status codes", "[p2p][go_neg]") {
    test::p2p_world<loopback_software_roc> w(3, 3);
    discover(w);
    SECTION("both intent 15: the responder answers 9") {
        REQUIRE(w.engine(1).connect(w.addr(0), with(15, p2p::wps_method::pbc, true)));
        REQUIRE(w.engine(0).connect(w.addr(1), with(15)));
        REQUIRE(w.run_until([&] { return w[0].count<ev::go_neg_failure>() == 1; }, 5s));
        CHECK(w[0].all<ev::go_neg_failure>()[0].status == 9);
        CHECK(w[1].count<ev::group_started>() == 0);
    }
    SECTION("incompatible provisioning: 10") {
        REQUIRE(w.engine(1).connect(w.addr(0), with(7, p2p::wps_method::pbc, true)));
        REQUIRE(w.engine(0).connect(w.addr(1), with(7, p2p::wps_method::display)));
        REQUIRE(w.run_until([&] { return w[0].count<ev::go_neg_failure>() == 1; }, 5s));
        CHECK(w[0].all<ev::go_neg_failure>()[0].status == 10);
    }
    SECTION("forced channels that do not meet: 7") {
        REQUIRE(w.engine(1).connect(w.addr(0), with(7, p2p::wps_method::pbc, true, 2412)));
        REQUIRE(w.engine(0).connect(w.addr(1), with(7, p2p::wps_method::pbc, false, 2462)));
        REQUIRE(w.run_until([&] { return w[0].count<ev::go_neg_failure>() == 1; }, 5s));
        CHECK(w[0].all<ev::go_neg_failure>()[0].status == 7);
    }
    SECTION("rejected peer: 11") {
        REQUIRE(w.engine(1).connect(w.addr(0), with(7, p2p::wps_method::pbc, true)));
        REQUIRE(w.engine(1).reject(w.addr(0)));
        REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
        REQUIRE(w.run_until([&] { return w[0].count<ev::go_neg_failure>() == 1; }, 5s));
        CHECK(w[0].all<ev::go_neg_failure>()[0].status == 11);
    }
    SECTION("not ready: the peer hears a request, then authorises and the negotiation completes") {
        REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
        REQUIRE(w.run_until([&] { return w[1].count<ev::go_neg_request>() == 1; }, 5s));
        const auto req = w[1].all<ev::go_neg_request>()[0];
        CHECK(req.peer == w.addr(0));
        CHECK(req.dev_passwd_id == 4);  // push button
        CHECK(req.go_intent == 7);
        CHECK(w[0].count<ev::go_neg_failure>() == 0);  // status 1 is not a failure yet
        w.run(2s);
        REQUIRE(w.engine(1).connect(w.addr(0), with(7)));
        REQUIRE(w.run_until([&] { return both_started(w); }, 10s));
    }
    SECTION("busy: a third device gets 5 while a negotiation runs") {
        w.engine(1).stop_find();
        REQUIRE(w.engine(1).find());
        REQUIRE(w.engine(2).find());
        REQUIRE(w.run_until([&] { return w.knows(2, 1) && w.knows(1, 2); }, 20s));
        w.engine(1).stop_find();
        w.engine(2).stop_find();
        REQUIRE(w.engine(1).listen());
        REQUIRE(w.engine(1).connect(w.addr(0), with(7, p2p::wps_method::pbc, true)));
        REQUIRE(w.engine(1).connect(w.addr(2), with(7, p2p::wps_method::pbc, true)));
        REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
        w.run(5ms);
        REQUIRE(w.engine(2).connect(w.addr(1), with(7)));
        REQUIRE(w.run_until([&] { return w[2].count<ev::go_neg_failure>() == 1; }, 5s));
        CHECK(w[2].all<ev::go_neg_failure>()[0].status == 5);
    }
}

TEST_CASE("provision discovery: display, keypad and pbc on both sides", "[p2p][pd]") {
    test::p2p_world<loopback_software_roc> w(2, 4);
    discover(w);
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(0).prov_disc(w.addr(1), p2p::wps_method::display));
    REQUIRE(w.run_until([&] { return w[0].count<ev::prov_disc_enter_pin>() == 1; }, 5s));
    REQUIRE(w[1].count<ev::prov_disc_show_pin>() == 1);
    const auto shown = w[1].all<ev::prov_disc_show_pin>()[0];
    CHECK(shown.pin.size() == 8);
    CHECK(shown.peer.dev_addr == w.addr(0));
    CHECK(shown.peer.name == "Device A0");

    REQUIRE(w.engine(0).prov_disc(w.addr(1), p2p::wps_method::keypad));
    REQUIRE(w.run_until([&] { return w[0].count<ev::prov_disc_show_pin>() == 1; }, 5s));
    CHECK(w[1].count<ev::prov_disc_enter_pin>() == 1);

    REQUIRE(w.engine(0).prov_disc(w.addr(1), p2p::wps_method::pbc));
    REQUIRE(w.run_until([&] { return w[0].count<ev::prov_disc_pbc_resp>() == 1; }, 5s));
    CHECK(w[1].count<ev::prov_disc_pbc_req>() == 1);

    w.engine(1).stop_find();  // the peer goes away: retries run out
    w.run(1s);
}

TEST_CASE("autonomous GO with a joining client: removal reasons", "[p2p][group]") {
    p2p::settings s;
    s.group_idle_s = 2;
    test::p2p_world<loopback_software_roc> w(2, 6, s);
    auto go_if = w.engine(0).group_add(2437);
    REQUIRE(go_if);
    REQUIRE(w[0].count<ev::group_started>() == 1);
    CHECK(w[0].all<ev::group_started>()[0].freq == 2437);
    CHECK(w[0].count<ev::group_formation_success>() == 0);  // no formation phase
    REQUIRE(w.engine(1).find());
    REQUIRE(w.run_until([&] { return w.knows(1, 0); }, 20s));
    w.engine(1).stop_find();
    p2p::connect_params c;
    c.join = true;
    REQUIRE(w.engine(1).connect(w.addr(0), c));
    REQUIRE(w.run_until([&] { return w[1].count<ev::group_started>() == 1; }, 5s));
    const auto g = w[1].all<ev::group_started>()[0];
    CHECK_FALSE(g.go);
    CHECK(g.ssid == w[0].all<ev::group_started>()[0].ssid);
    CHECK(g.go_dev_addr == w.addr(0));
    REQUIRE(w[0].count<ev::ap_sta_connected>() == 1);

    // The GO ends the session: the client sees GO_ENDING_SESSION.
    REQUIRE(w.engine(0).group_remove(*go_if));
    w.run(100ms);
    REQUIRE(w[0].count<ev::group_removed>() == 1);
    CHECK(w[0].all<ev::group_removed>()[0].reason == "REQUESTED");
    REQUIRE(w[1].count<ev::group_removed>() == 1);
    CHECK(w[1].all<ev::group_removed>()[0].reason == "GO_ENDING_SESSION");

    // A GO alone for group_idle seconds goes away as IDLE.
    REQUIRE(w.engine(0).group_add(2412));
    w.run(3s);
    REQUIRE(w[0].count<ev::group_removed>() == 2);
    CHECK(w[0].all<ev::group_removed>()[1].reason == "IDLE");
}

TEST_CASE("three devices find each other: stop-find, flush and find timeout", "[p2p][discovery]") {
    test::p2p_world<loopback_software_roc> w(3, 11);
    for (std::size_t i = 0; i < 3; ++i) REQUIRE(w.engine(i).find());
    REQUIRE(w.run_until(
        [&] {
            for (std::size_t i = 0; i < 3; ++i)
                for (std::size_t j = 0; j < 3; ++j)
                    if (i != j && !w.knows(i, j)) return false;
            return true;
        },
        20s));
    CHECK(w.engine(0).current() == p2p::state::search);
    w.engine(0).stop_find();
    CHECK(w.engine(0).current() == p2p::state::idle);
    CHECK(w[0].count<ev::find_stopped>() == 1);
    CHECK(w.engine(0).peers().size() == 2);
    w.engine(0).flush();
    CHECK(w.engine(0).peers().size() == 0);
    CHECK(w[0].count<ev::device_lost>() == 2);

    // A find with a timeout ends by itself; peers are reported again (new=0).
    p2p::find_params timed;
    timed.timeout_s = 3;
    REQUIRE(w.engine(0).find(timed));
    w.run(3500ms);
    CHECK(w[0].count<ev::find_stopped>() == 2);
    CHECK(w.engine(0).current() == p2p::state::idle);
    const auto found = w[0].all<ev::device_found>();
    REQUIRE(found.size() == 4);
    CHECK(found[2].is_new);  // flushed peers are new again
}

TEST_CASE("filters by device ID and device type", "[p2p][discovery]") {
    p2p::settings base;
    test::p2p_world<loopback_software_roc> w(3, 12, base);
    w.engine(2).config().primary_type = {7, 0x0050f204, 1};  // display device
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(2).listen());
    p2p::find_params by_id;
    by_id.dev_id = w.addr(2);
    by_id.type = p2p::find_type::social;
    REQUIRE(w.engine(0).find(by_id));
    w.run(5s);
    CHECK(w.knows(0, 2));
    CHECK_FALSE(w.knows(0, 1));  // device 1 does not answer a probe for another device ID
    w.engine(0).stop_find();
    w.engine(0).flush();
    const std::size_t before = w[0].count<ev::device_found>();
    p2p::find_params by_type;
    by_type.dev_type = ieee80211::wps::device_type{1, 0x0050f204, 1};
    REQUIRE(w.engine(0).find(by_type));
    w.run(5s);
    const auto found = w[0].all<ev::device_found>();
    REQUIRE(found.size() == before + 1);  // device 1 only: device 2 is a display, not a PC
    CHECK(found.back().peer.dev_addr == w.addr(1));
}

TEST_CASE("a renamed device is reported again: peers expire", "[p2p][discovery]") {
    test::p2p_world<loopback_software_roc> w(2, 13);
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(0).find());
    REQUIRE(w.run_until([&] { return w.knows(0, 1); }, 10s));
    w.engine(1).config().device_name = "Renamed";
    REQUIRE(w.run_until([&] { return w[0].count<ev::device_found>() == 2; }, 10s));
    const auto again = w[0].all<ev::device_found>()[1];
    CHECK(again.peer.name == "Renamed");
    CHECK_FALSE(again.is_new);
    // Device 1 goes quiet: after 60 s without a sighting it is lost (checked every 10 s).
    w.engine(1).stop_find();
    w.engine(0).stop_find();
    w.run(55s);
    CHECK(w[0].count<ev::device_lost>() == 0);
    w.run(20s);
    REQUIRE(w[0].count<ev::device_lost>() == 1);
    CHECK(w[0].all<ev::device_lost>()[0].dev_addr == w.addr(1));
    CHECK(w.engine(0).peers().size() == 0);
}

TEST_CASE("the peer table keeps 100 peers, evicting the least recently seen", "[p2p]") {
    p2p::peer_table t;
    std::optional<p2p::peer> evicted;
    for (std::uint8_t i = 0; i < 101; ++i) {
        const mac_address a{{0x02, 0, 0, 0, 1, i}};
        evicted.reset();
        auto& p = t.touch(a, std::chrono::seconds(i), &evicted);
        CHECK(p.info.dev_addr == a);
    }
    CHECK(t.size() == 100);
    REQUIRE(evicted);
    CHECK(evicted->info.dev_addr == mac_address{{0x02, 0, 0, 0, 1, 0}});
    CHECK(t.all().front().info.dev_addr == mac_address{{0x02, 0, 0, 0, 1, 100}});  // newest first
    std::size_t lost = 0;
    t.expire(std::chrono::seconds(100 + 60) - std::chrono::milliseconds(500), {},
             [&](const p2p::peer&) { ++lost; });
    CHECK(lost == 100 - 1);  // only the peer seen at 100 s is younger than 60 s
}

TEST_CASE("provision discovery to a silent peer fails after its retries", "[p2p][pd]") {
    test::p2p_world<loopback_software_roc> w(2, 14);
    discover(w);
    w.engine(1).stop_find();
    REQUIRE(w.engine(0).prov_disc(w.addr(1), p2p::wps_method::pbc));
    CHECK_FALSE(w.engine(0).prov_disc(w.addr(1), p2p::wps_method::pbc));  // one at a time
    w.run(30s);
    CHECK(w[0].count<ev::prov_disc_failure>() == 0);  // still retrying (120 attempts)
    w.run(60s);
    REQUIRE(w[0].count<ev::prov_disc_failure>() == 1);
    CHECK(w[0].all<ev::prov_disc_failure>()[0].status == 1);
}

TEST_CASE("group formation fails when the GO vanishes after negotiation", "[p2p][group]") {
    test::p2p_world<loopback_software_roc> w(2, 15);
    discover(w);
    REQUIRE(w.engine(1).connect(w.addr(0), with(15, p2p::wps_method::pbc, true)));
    REQUIRE(w.engine(0).connect(w.addr(1), with(0)));
    REQUIRE(w.run_until([&] { return w[0].count<ev::go_neg_success>() == 1; }, 5s));
    // The GO goes out of range before the client joins.
    const auto p0 = test::port_of(w[0].stack->radio().driver());
    const auto p1 = test::port_of(w[1].stack->radio().driver());
    w.air.set_link(p0, p1, 1.0);
    w.air.set_link(p1, p0, 1.0);
    w.run(16s);
    REQUIRE(w[0].count<ev::group_formation_failure>() == 1);
    REQUIRE(w[0].count<ev::group_removed>() == 1);
    CHECK(w[0].all<ev::group_removed>()[0].reason == "FORMATION_FAILED");
}

TEST_CASE("negotiation succeeds at 30% frame loss", "[p2p][go_neg]") {
    test::p2p_world<loopback_software_roc> w(2, 16);
    const auto p0 = test::port_of(w[0].stack->radio().driver());
    const auto p1 = test::port_of(w[1].stack->radio().driver());
    w.air.set_link(p0, p1, 0.3);
    w.air.set_link(p1, p0, 0.3);
    discover(w);
    REQUIRE(w.engine(1).connect(w.addr(0), with(7, p2p::wps_method::pbc, true)));
    REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
    REQUIRE(w.run_until([&] { return both_started(w); }, 30s));
}

TEST_CASE("20 devices on one medium all discover one another", "[p2p][discovery][scale]") {
    test::p2p_world<loopback_software_roc> w(20, 17);
    for (std::size_t i = 0; i < 20; ++i) REQUIRE(w.engine(i).find());
    REQUIRE(w.run_until(
        [&] {
            for (std::size_t i = 0; i < 20; ++i)
                if (w.engine(i).peers().size() < 19) return false;
            for (std::size_t i = 0; i < 20; ++i)
                if (w[i].count<ev::device_found>() < 19) return false;
            return true;
        },
        60s, 100ms));
}

TEST_CASE("mixed radios: a loopback device and an rt73 device form a group", "[p2p][group]") {
    const std::uint8_t rt73_intent = GENERATE(0, 15);
    test::mixed_p2p_pair<loopback_software_roc, test::rt73_usb> w(21);
    REQUIRE(w.a.engine->find());
    REQUIRE(w.b.engine->find());
    auto knows = [](auto& d, const mac_address& who) {
        for (const auto& p : d.engine->peers().all())
            if (p.info.dev_addr == who && p.reported) return true;
        return false;
    };
    const auto addr_a = w.a.engine->device_address(), addr_b = w.b.engine->device_address();
    REQUIRE(w.run_until([&] { return knows(w.a, addr_b) && knows(w.b, addr_a); }, 20s));
    w.a.engine->stop_find();
    w.b.engine->stop_find();
    REQUIRE(w.a.engine->listen());
    REQUIRE(w.a.engine->connect(addr_b, with(15 - rt73_intent, p2p::wps_method::pbc, true)));
    REQUIRE(w.b.engine->connect(addr_a, with(rt73_intent)));
    const bool ok = w.run_until(
        [&] {
            return w.a.template count<ev::group_started>() == 1 &&
                   w.b.template count<ev::group_started>() == 1;
        },
        5s);
    REQUIRE(ok);
    const auto ga = w.a.template all<ev::group_started>()[0];
    const auto gb = w.b.template all<ev::group_started>()[0];
    CHECK(gb.go == (rt73_intent == 15));
    CHECK(ga.ssid == gb.ssid);
    CHECK(ga.freq == gb.freq);
}

TEST_CASE("simultaneous GO negotiation requests resolve to one negotiation", "[p2p][go_neg]") {
    test::p2p_world<loopback_software_roc> w(2, 22);
    discover(w);
    REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
    REQUIRE(w.engine(1).connect(w.addr(0), with(7)));
    REQUIRE(w.run_until([&] { return both_started(w); }, 10s));
    CHECK(w[0].count<ev::go_neg_success>() == 1);
    CHECK(w[1].count<ev::go_neg_success>() == 1);
    CHECK(w[0].count<ev::go_neg_failure>() == 0);
    CHECK(w[1].count<ev::go_neg_failure>() == 0);
}

TEST_CASE("extended listen keeps an idle device discoverable", "[p2p][discovery]") {
    test::p2p_world<loopback_software_roc> w(2, 23);
    CHECK_FALSE(w.engine(1).ext_listen(500, 100));  // the period must fit the interval
    REQUIRE(w.engine(1).ext_listen(200, 300));
    REQUIRE(w.engine(0).find());
    REQUIRE(w.run_until([&] { return w.knows(0, 1); }, 10s));
    CHECK(w.engine(1).current() == p2p::state::idle);
    REQUIRE(w.engine(1).ext_listen(0, 0));
}

TEST_CASE("P2P frames on the air pass tshark", "[p2p][tshark]") {
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/p2p.pcap";
    {
        test::p2p_world<loopback_software_roc> w(2, 31);
        std::ofstream out(path, std::ios::binary);
        w.air.tap(out);
        discover(w);
        REQUIRE(w.engine(0).prov_disc(w.addr(1), p2p::wps_method::display));
        w.run(300ms);
        REQUIRE(w.engine(1).connect(w.addr(0), with(7, p2p::wps_method::pbc, true)));
        REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
        REQUIRE(w.run_until([&] { return both_started(w); }, 5s));
        REQUIRE(w.engine(0).group_remove("*"));
        w.run(100ms);
    }
    const auto rows =
        test::tshark_fields(path, {"_ws.malformed", "_ws.expert.severity", "wlan.fcs.status",
                                   "wifi_p2p.public_action.subtype"});
    REQUIRE(rows.size() > 20);
    std::set<std::string> subtypes;
    for (const auto& r : rows) {
        CHECK(r[0].empty());
        CHECK(r[1].find("8388608") == std::string::npos);
        CHECK(r[2] == "1");
        if (!r[3].empty()) subtypes.insert(r[3]);
    }
    for (const char* s : {"0", "1", "2", "7", "8"}) CHECK(subtypes.count(s) == 1);  // GO neg, PD
}
