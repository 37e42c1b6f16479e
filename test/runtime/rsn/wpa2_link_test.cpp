// SPDX-License-Identifier: MIT
// WPA2-PSK end to end: a station joins an AP through nl80211-style commands, the 4-way handshake
// runs over the control port, data flows only after it and only protected, on every pairing of
// the drivers (loopback: software CCMP; rt73: the chip's); tshark decrypts the capture.
#include <catch2/catch.hpp>

#include <softmac/cfg/wiphy.hpp>
#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/rsn/links.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "driver_world.hpp"
#include "mlme_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;

namespace {

/// Routes a wiphy's events to a link (set once both exist).
struct to_link {
    std::function<void(const mac::event::any&)> f;
    void operator()(const cfg::wdev_ref&, const mac::event::any& e) const {
        if (f) f(e);
    }
};

template <class Cfg>
using phy = cfg::wiphy<typename Cfg::driver_type, virtual_time, mac::net<test::recording_net>,
                       mac::crypto<crypto::aes_ccm_key>, cfg::events<to_link>>;

template <class ApCfg, class StaCfg>
struct pairing {
    using ap_cfg = ApCfg;
    using sta_cfg = StaCfg;
};

template <class P>
struct wpa2_world {
    virtual_time time;
    sim::medium<virtual_time> air{time, 9};
    std::ostringstream pcap;
    heap_pool pool{frame_buffer_size, 1024};
    std::unique_ptr<phy<typename P::ap_cfg>> ap;
    std::unique_ptr<phy<typename P::sta_cfg>> sta;
    cfg::reply::interface ap0, wlan0;
    using ap_runner = rsn::config_runner<typename phy<typename P::ap_cfg>::config_type>;
    using sta_runner = rsn::config_runner<typename phy<typename P::sta_cfg>::config_type>;
    std::unique_ptr<rsn::ap_link<ap_runner>> auth;
    std::unique_ptr<rsn::station_link<sta_runner>> supp;
    std::vector<rsn::event> ap_events, sta_events;

    template <class Cfg>
    std::unique_ptr<phy<Cfg>> make(std::uint16_t i) {
        return test::with_driver_args<Cfg>(air, i, [&](auto&&... args) {
            return std::make_unique<phy<Cfg>>(time, pool, i, "phy" + std::to_string(i),
                                              std::forward<decltype(args)>(args)...);
        });
    }
    template <class Phy>
    static cfg::reply::interface iface(Phy& p, const char* name, driver::iftype t) {
        cfg::cmd::new_interface c;
        c.ifname = name;
        c.iftype = t;
        auto r = p.config().execute(c, {0, 0, 0, true});
        REQUIRE(r);
        REQUIRE(p.config().set_up({r->ifindex, {}}, true));
        return *r;
    }

    wpa2_world(std::string_view ap_pass, std::string_view sta_pass,
               duration rekey = rsn::ap_link<ap_runner>::group_rekey_interval) {
        air.tap(pcap);
        ap = make<typename P::ap_cfg>(0);
        sta = make<typename P::sta_cfg>(1);
        REQUIRE(ap->start());
        REQUIRE(sta->start());
        ap0 = iface(*ap, "ap0", driver::iftype::ap);
        wlan0 = iface(*sta, "wlan0", driver::iftype::station);
        auth = std::make_unique<rsn::ap_link<ap_runner>>(
            ap_runner{&ap->config(), cfg::wdev_ref{ap0.ifindex, {}}},
            [this](const rsn::event& e) { ap_events.push_back(e); }, rekey);
        supp = std::make_unique<rsn::station_link<sta_runner>>(
            sta_runner{&sta->config(), cfg::wdev_ref{wlan0.ifindex, {}}},
            [this](const rsn::event& e) { sta_events.push_back(e); });
        ap->events().f = [this](const mac::event::any& e) { auth->on_event(e); };
        sta->events().f = [this](const mac::event::any& e) { supp->on_event(e); };
        REQUIRE(
            auth->start(mac::make_ap_params(ap0.mac, "softmac-wpa2",
                                            *ie::make_channel(ie::band::ghz2_4, 6), ie::rates_2ghz),
                        ap_pass, ap0.mac));
        REQUIRE(supp->connect("softmac-wpa2", sta_pass));
    }
    template <class Phy>
    void send(Phy& p, const cfg::reply::interface& from, const mac_address& to, std::size_t n,
              std::uint8_t seed) {
        const std::uint8_t vif = p.config().find({from.ifindex, {}})->vif;
        for (std::size_t k = 0; k < n; ++k) {
            auto b = pool.allocate(64);
            REQUIRE(b->append(test::ethernet(to, from.mac, 0x88b5, 200, seed)));
            p.stack().transmit(vif, std::move(*b));
        }
        time.run_for(50ms);
    }
    template <class E>
    static std::size_t count(const std::vector<rsn::event>& log) {
        std::size_t n = 0;
        for (const auto& e : log) n += std::holds_alternative<E>(e) ? 1 : 0;
        return n;
    }
};

using lb = test::loopback_software_roc;
using rt = test::rt73_usb;

}  // namespace

TEMPLATE_TEST_CASE("a WPA2-PSK join completes the 4-way handshake and protects data", "[rsn][wpa2]",
                   (pairing<lb, lb>), (pairing<rt, rt>), (pairing<lb, rt>), (pairing<rt, lb>)) {
    wpa2_world<TestType> w("correct horse battery", "correct horse battery");
    // Associated and the port closed: data does not pass before the handshake ends.
    w.time.run_for(3s);
    REQUIRE(wpa2_world<TestType>::template count<rsn::handshake_completed>(w.ap_events) == 1);
    REQUIRE(wpa2_world<TestType>::template count<rsn::handshake_completed>(w.sta_events) == 1);
    CHECK(w.supp->machine().authorized());

    w.send(*w.sta, w.wlan0, w.ap0.mac, 4, 3);
    w.send(*w.ap, w.ap0, w.wlan0.mac, 4, 4);
    w.send(*w.ap, w.ap0, mac_address::broadcast(), 2, 5);
    CHECK(w.ap->net().frames.size() == 4);
    REQUIRE(w.sta->net().frames.size() == 6);
    CHECK(w.sta->net().frames.front().second ==
          test::ethernet(w.wlan0.mac, w.ap0.mac, 0x88b5, 200, 4));

    // tshark reads the capture: with the passphrase it decrypts every protected data frame back
    // to the LLC/SNAP payload softmac sent, and it finds nothing malformed.
    const std::string file = std::string(SOFTMAC_TEST_TMPDIR) + "/wpa2_" +
                             std::to_string(reinterpret_cast<std::uintptr_t>(&w) % 100000) +
                             ".pcap";
    std::ofstream(file, std::ios::binary) << w.pcap.str();
    const std::string keys =
        "-o wlan.enable_decryption:TRUE -o 'uat:80211_keys:\"wpa-pwd\",\"correct horse "
        "battery:softmac-wpa2\"'";
    const auto eapol = test::tshark_fields(file, {"frame.number"}, "-Y eapol");
    CHECK(eapol.size() == 4);
    const auto protected_frames =
        test::tshark_fields(file, {"frame.number"}, "-Y 'wlan.fc.protected == 1'");
    const auto decrypted =
        test::tshark_fields(file, {"llc.type"}, keys + " -Y 'llc.type == 0x88b5'");
    const auto opaque = test::tshark_fields(file, {"llc.type"}, "-Y 'llc.type == 0x88b5'");
    CHECK(protected_frames.size() >= 10);
    CHECK(decrypted.size() == 10);
    CHECK(opaque.empty());
    CHECK(test::tshark_fields(file, {"frame.number"},
                              keys + " -Y '_ws.malformed || _ws.expert.severity >= error'")
              .empty());
    std::remove(file.c_str());
}

TEMPLATE_TEST_CASE("a wrong passphrase fails message 2's MIC and nothing is delivered",
                   "[rsn][wpa2]", (pairing<lb, lb>), (pairing<rt, lb>)) {
    wpa2_world<TestType> w("correct horse battery", "incorrect horse battery");
    w.time.run_for(5s);
    using W = wpa2_world<TestType>;
    CHECK(W::template count<rsn::handshake_completed>(w.ap_events) == 0);
    CHECK(W::template count<rsn::psk_mismatch>(w.ap_events) >= 1);
    CHECK(W::template count<rsn::handshake_failed>(w.ap_events) == 1);
    CHECK(W::template count<rsn::handshake_failed>(w.sta_events) == 1);
    CHECK_FALSE(w.supp->machine().authorized());
    w.send(*w.sta, w.wlan0, w.ap0.mac, 2, 3);
    CHECK(w.ap->net().frames.empty());
    CHECK(w.sta->net().frames.empty());
}

TEST_CASE("the AP rekeys its group key every interval and data keeps flowing", "[rsn][wpa2]") {
    using W = wpa2_world<pairing<lb, lb>>;
    W w("correct horse battery", "correct horse battery", 20s);
    w.time.run_for(3s);
    REQUIRE(W::count<rsn::handshake_completed>(w.sta_events) == 1);
    CHECK(W::count<rsn::group_rekey_completed>(w.sta_events) == 0);
    w.time.run_for(20s);
    REQUIRE(W::count<rsn::group_rekey_completed>(w.sta_events) == 1);
    CHECK(std::get<rsn::group_rekey_completed>(w.sta_events.back()).key_id == 2);
    w.time.run_for(20s);
    REQUIRE(W::count<rsn::group_rekey_completed>(w.sta_events) == 2);
    CHECK(std::get<rsn::group_rekey_completed>(w.sta_events.back()).key_id == 1);
    w.send(*w.ap, w.ap0, mac_address::broadcast(), 3, 7);
    CHECK(w.sta->net().frames.size() == 3);
}
