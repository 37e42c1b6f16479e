// SPDX-License-Identifier: MIT
// The MAC's management half on two radios: scan, join, AP, off-channel work, registrations.
#include <catch2/catch.hpp>

#include <fstream>

#include "mlme_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;
using driver::iftype;
using test::ethernet;

namespace {
const auto ch6 = *ie::make_channel(ie::band::ghz2_4, 6);

template <class W>
driver::vif start_ap(W& w, std::size_t i, std::string_view ssid,
                     mac::hidden_ssid hidden = mac::hidden_ssid::not_hidden,
                     std::uint16_t max_stations = 2007) {
    const auto v = w.add(i, iftype::ap);
    auto p = mac::make_ap_params(v.addr, ssid, ch6, ie::rates_2ghz, false, hidden);
    p.max_stations = max_stations;
    REQUIRE(w[i].start_ap(v.index, p));
    return v;
}
}  // namespace

TEMPLATE_TEST_CASE("a station finds an AP by active and passive scan", "[mac][mlme]",
                   test::loopback_software_roc, test::loopback_offloaded_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto ap = start_ap(w, 0, "softmac-ap");
    const auto sta = w.add(1, iftype::station);
    const bool active = GENERATE(true, false);
    mac::scan_params p;
    if (active) p.ssids.push_back("");
    REQUIRE(w[1].scan(sta.index, p));
    CHECK_FALSE(w[1].scan(sta.index, p));  // a second scan is refused
    w.run(10s);
    const auto done = w.template all<mac::event::scan_done>(1);
    REQUIRE(done.size() == 1);
    CHECK_FALSE(done[0].aborted);
    const auto* b = w[1].bss().find(ap.addr);
    REQUIRE(b);
    CHECK(b->ssid == "softmac-ap");
    CHECK(b->freq == 2437);
    CHECK(b->from_probe_resp == active);
    CHECK(b->beacon_int == 100);
}

TEMPLATE_TEST_CASE("a station connects, exchanges data and is deauthenticated", "[mac][mlme]",
                   test::loopback_software_roc, test::loopback_offloaded_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto ap = start_ap(w, 0, "softmac-ap");
    const auto sta = w.add(1, iftype::station);
    REQUIRE(w[1].connect(sta.index, {"softmac-ap", {}, 0, {}}));
    w.run(3s);
    const auto conn = w.template all<mac::event::connect>(1);
    REQUIRE(conn.size() == 1);
    CHECK(conn[0].status == 0);
    CHECK(conn[0].bssid == ap.addr);
    CHECK(w.template all<mac::event::authenticate>(1).size() == 1);
    CHECK(w.template all<mac::event::associate>(1).size() == 1);
    const auto added = w.template all<mac::event::new_station>(0);
    REQUIRE(added.size() == 1);
    CHECK(added[0].addr == sta.addr);
    CHECK(added[0].aid == 1);
    CHECK(w[1].device().size() == 1);

    heap_pool& pool = w.pool;
    auto send = [&](std::size_t from, const driver::vif& v, const mac_address& to) {
        auto b = pool.allocate(64);
        (void)b->append(ethernet(to, v.addr, 0x88b5, 100));
        return w[from].transmit(v.index, std::move(*b));
    };
    send(1, sta, ap.addr);
    send(0, ap, sta.addr);
    w.run(50ms);
    CHECK(w[0].net().frames.size() == 1);
    CHECK(w[1].net().frames.size() == 1);

    REQUIRE(w[0].deauthenticate(ap.index, sta.addr, 3));
    w.run(50ms);
    const auto gone = w.template all<mac::event::disconnect>(1);
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].reason == 3);
    CHECK(gone[0].by_ap);
    CHECK(w.template all<mac::event::del_station>(0).size() == 1);
    CHECK(send(1, sta, ap.addr) == mac::verdict::drop);  // data stops
    CHECK(send(0, ap, sta.addr) == mac::verdict::drop);
}
