// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <softmac/vap/device.hpp>

#include <softmac/drivers/rt73/simulated.hpp>
#include "driver_world.hpp"

using namespace softmac;
using driver::bit, driver::iftype;
using vap::state;

namespace {

/// A loopback radio whose driver adds the per-vap hooks a hardware driver would: beacon slots
/// (four, as rt73 has), a device-wide beacon timer, and a veto.
struct hooked_loopback : drivers::loopback<virtual_time> {
    using drivers::loopback<virtual_time>::loopback;

    template <class Mode>
    struct vap_private {
        int beacon_slot = -1;
    };
    struct hook_call {
        mac_address addr;
        state from, to;
    };
    std::vector<hook_call> calls;
    std::array<bool, 4> slots{};
    bool beacon_timer = false;
    bool refuse_second_station = false;

    template <class Device>
    result<void> vap_create_check(iftype t, const Device& dev) {
        if (refuse_second_station && t == iftype::station &&
            dev.counts().per_type[std::size_t(iftype::station)] >= 1)
            return make_error(errc::busy, "hooked_loopback: one station vap at most");
        return {};
    }
    template <class V>
    result<void> vap_setup(V& v) {
        if constexpr (V::mode::beacons) {
            for (std::size_t i = 0; i < slots.size(); ++i)
                if (!slots[i]) {
                    slots[i] = true;
                    v.priv.beacon_slot = int(i);
                    return {};
                }
            return make_error(errc::exhausted, "hooked_loopback: no free beacon slot");
        }
        return {};
    }
    template <class V>
    void vap_delete(V& v) {
        if (v.priv.beacon_slot >= 0) slots[std::size_t(v.priv.beacon_slot)] = false;
        v.priv.beacon_slot = -1;
    }
    template <class V, class Device>
    result<void> vap_newstate(V& v, state from, state to, const Device& dev) {
        calls.push_back({v.vif.addr, from, to});
        if constexpr (V::mode::beacons) {
            // Hardware-wide: the timer runs while any beaconing vap is in RUN, this one included.
            beacon_timer = dev.running_beaconing(&v.vif.addr) > 0 || to == state::run;
        }
        return {};
    }
};

using hooked_radio = mac::radio<hooked_loopback, virtual_time, test::recording_sink>;

struct vap_world {
    virtual_time time;
    sim::medium<virtual_time> air{time};
    hooked_radio r;
    vap::device<hooked_radio> dev{r};
    explicit vap_world(driver::hw_description hw = drivers::loopback_description(0))
        : r(time, test::recording_sink{&time}, air, hw) {
        REQUIRE(r.register_hw());
    }
    hooked_loopback& drv() { return r.driver(); }
};

/// rt2x00's single combination: up to four AP interfaces, one channel (rt73usb).
driver::hw_description rt2x00_like() {
    auto hw = drivers::loopback_description(0);
    hw.combinations = {};
    hw.combinations[0].limits[0] = {4, bit(iftype::ap)};
    hw.combinations[0].n_limits = 1;
    hw.combinations[0].max_interfaces = 4;
    hw.n_combinations = 1;
    return hw;
}

}  // namespace

TEST_CASE("every supported opmode can be created and destroyed", "[vap]") {
    vap_world w;
    auto ap = w.dev.create<vap::hostap>();
    REQUIRE(ap);
    auto check = [&](auto h) {
        REQUIRE(h);
        auto* v = w.dev.get(*h);
        REQUIRE(v);
        CHECK(v->attached);
        CHECK(v->current == state::init);
        CHECK(w.r.started());
        REQUIRE(w.dev.destroy(*h));
        CHECK(w.dev.get(*h) == nullptr);
    };
    check(w.dev.create<vap::station>());
    check(w.dev.create<vap::adhoc>());
    check(w.dev.create<vap::wds>(
        vap::create_options{{}, mac_address::parse("02:00:00:99:00:00").value()}));
    check(w.dev.create<vap::monitor>());
    check(w.dev.create<vap::p2p_client>());
    check(w.dev.create<vap::p2p_go>());
    check(w.dev.create<vap::p2p_device>());
    REQUIRE(w.dev.destroy(*ap));
    CHECK_FALSE(w.r.started());
    CHECK(w.dev.size() == 0);
}

TEST_CASE("the hwsim-like combinations refuse a second IBSS and a second P2P device",
          "[vap][rules]") {
    vap_world w;
    REQUIRE(w.dev.create<vap::adhoc>());
    auto second = w.dev.create<vap::adhoc>();
    REQUIRE_FALSE(second);
    CHECK(second.err().code == errc::busy);
    CHECK(std::string(second.err().what) ==
          "an interface type exceeds its limit in every combination");
    REQUIRE(w.dev.create<vap::p2p_device>());
    CHECK_FALSE(w.dev.create<vap::p2p_device>());
    for (int i = 0; i < 5; ++i) REQUIRE(w.dev.create<vap::station>());
}

TEST_CASE("rt2x00's combination: four AP vaps, or one vap of another type", "[vap][rules]") {
    vap_world w(rt2x00_like());
    std::vector<vap::handle<vap::hostap>> aps;
    for (int i = 0; i < 4; ++i) {
        auto h = w.dev.create<vap::hostap>();
        REQUIRE(h);
        aps.push_back(*h);
    }
    auto fifth = w.dev.create<vap::hostap>();
    REQUIRE_FALSE(fifth);
    CHECK(std::string(fifth.err().what) == "more interfaces than any combination's max_interfaces");
    for (auto h : aps) REQUIRE(w.dev.destroy(h));
    auto sta = w.dev.create<vap::station>();
    REQUIRE(sta);  // alone, any type
    auto ap = w.dev.create<vap::hostap>();
    REQUIRE_FALSE(ap);
    CHECK(std::string(ap.err().what) == "an interface type exceeds its limit in every combination");
}

TEST_CASE("monitor vaps are always allowed and never count", "[vap][rules]") {
    vap_world w(rt2x00_like());
    REQUIRE(w.dev.create<vap::station>());
    for (int i = 0; i < 3; ++i) REQUIRE(w.dev.create<vap::monitor>());
    CHECK(w.dev.counts().total() == 1);
    CHECK((w.r.conf().flags & driver::conf_flag::monitor) != 0);
}

TEST_CASE("a WDS vap needs an AP vap and shares its address", "[vap][rules]") {
    vap_world w;
    const auto peer = mac_address::parse("02:00:00:99:00:00").value();
    auto lone = w.dev.create<vap::wds>({{}, peer});
    REQUIRE_FALSE(lone);
    CHECK(std::string(lone.err().what) == "WDS needs an AP vap on the same device");
    auto ap = w.dev.create<vap::hostap>();
    REQUIRE(ap);
    auto link = w.dev.create<vap::wds>({{}, peer});
    REQUIRE(link);
    CHECK(w.dev.get(*link)->vif.addr == w.dev.get(*ap)->vif.addr);
    CHECK(w.dev.get(*link)->des_bssid == peer);
}

TEST_CASE("duplicate addresses are refused except for monitor and P2P device", "[vap][rules]") {
    vap_world w;
    const auto a = mac_address::parse("02:00:00:00:00:05").value();
    REQUIRE(w.dev.create<vap::station>({a, {}}));
    auto dup = w.dev.create<vap::hostap>({a, {}});
    REQUIRE_FALSE(dup);
    CHECK(std::string(dup.err().what) == "the address is already used by another interface");
    CHECK(w.dev.create<vap::monitor>({a, {}}));
    CHECK(w.dev.create<vap::p2p_device>({a, {}}));
    // Without an explicit address every vap gets the next free one.
    auto s2 = w.dev.create<vap::station>();
    REQUIRE(s2);
    CHECK(w.dev.get(*s2)->vif.addr != a);
}

TEST_CASE("the driver may veto a vap", "[vap][rules]") {
    vap_world w;
    w.drv().refuse_second_station = true;
    REQUIRE(w.dev.create<vap::station>());
    auto second = w.dev.create<vap::station>();
    REQUIRE_FALSE(second);
    CHECK(std::string(second.err().what) == "hooked_loopback: one station vap at most");
    CHECK(w.dev.create<vap::hostap>());
    CHECK(w.dev.size() == 2);
}

TEST_CASE("a beaconing vap needs a driver resource: it is released on destroy", "[vap][driver]") {
    vap_world w;
    std::vector<vap::handle<vap::p2p_go>> gos;
    for (int i = 0; i < 4; ++i) gos.push_back(*w.dev.create<vap::p2p_go>());
    auto fifth = w.dev.create<vap::p2p_go>();
    REQUIRE_FALSE(fifth);
    CHECK(std::string(fifth.err().what) == "hooked_loopback: no free beacon slot");
    CHECK(w.dev.get(gos[2])->priv.beacon_slot == 2);
    REQUIRE(w.dev.destroy(gos[2]));
    auto again = w.dev.create<vap::p2p_go>();
    REQUIRE(again);
    CHECK(w.dev.get(*again)->priv.beacon_slot == 2);
    CHECK(w.r.count() == 4);  // a failed creation left no interface behind
}

TEST_CASE("state machines follow each mode's table and call the driver in order", "[vap][state]") {
    vap_world w;
    auto sta = *w.dev.create<vap::station>();
    CHECK(w.dev.new_state(sta, state::run).err().code == errc::invalid_state);
    for (state s : {state::scan, state::auth, state::assoc, state::run, state::sleep, state::run,
                    state::scan})
        REQUIRE(w.dev.new_state(sta, s));
    CHECK(w.dev.new_state(sta, state::cac).err().code == errc::invalid_state);
    auto ap = *w.dev.create<vap::hostap>();
    REQUIRE(w.dev.new_state(ap, state::run));
    REQUIRE(w.dev.new_state(ap, state::csa));
    REQUIRE(w.dev.new_state(ap, state::run));
    CHECK(w.dev.new_state(ap, state::auth).err().code == errc::invalid_state);
    const auto& c = w.drv().calls;
    REQUIRE(c.size() == 10);
    const auto sta_addr = w.dev.get(sta)->vif.addr, ap_addr = w.dev.get(ap)->vif.addr;
    CHECK(c[0].addr == sta_addr);
    CHECK((c[0].from == state::init && c[0].to == state::scan));
    CHECK((c[3].from == state::assoc && c[3].to == state::run));
    CHECK((c[6].from == state::run && c[6].to == state::scan));
    CHECK(c[7].addr == ap_addr);
    CHECK((c[8].from == state::run && c[8].to == state::csa));
}

TEST_CASE("the beacon timer stays on while any beaconing vap runs", "[vap][state]") {
    vap_world w;
    auto a = *w.dev.create<vap::hostap>();
    auto b = *w.dev.create<vap::p2p_go>();
    auto s = *w.dev.create<vap::station>();
    REQUIRE(w.dev.new_state(a, state::run));
    CHECK(w.drv().beacon_timer);
    REQUIRE(w.dev.new_state(b, state::run));
    REQUIRE(w.dev.new_state(s, state::scan));
    REQUIRE(w.dev.new_state(a, state::init));
    CHECK(w.drv().beacon_timer);  // b still beacons
    REQUIRE(w.dev.new_state(b, state::init));
    CHECK_FALSE(w.drv().beacon_timer);
}

TEST_CASE("destroying a running vap goes through INIT and leaves the others running",
          "[vap][state]") {
    vap_world w;
    auto a = *w.dev.create<vap::hostap>();
    auto b = *w.dev.create<vap::hostap>();
    REQUIRE(w.dev.new_state(a, state::run));
    REQUIRE(w.dev.new_state(b, state::run));
    w.drv().calls.clear();
    REQUIRE(w.dev.destroy(a));
    REQUIRE(w.drv().calls.size() == 1);
    CHECK((w.drv().calls[0].from == state::run && w.drv().calls[0].to == state::init));
    CHECK(w.dev.get(b)->current == state::run);
    CHECK(w.r.started());
    CHECK(w.drv().beacon_timer);
}

TEST_CASE("per-vap state is per vap, the channel is the device's", "[vap]") {
    vap_world w;
    auto a = *w.dev.create<vap::hostap>();
    auto b = *w.dev.create<vap::station>();
    REQUIRE(w.dev.new_state(a, state::run));
    w.dev.get(a)->des_bssid = mac_address::parse("02:00:00:00:0a:00").value();
    CHECK(w.dev.get(b)->current == state::init);
    CHECK(w.dev.get(b)->des_bssid == mac_address{});
    CHECK(w.dev.get(a)->vif.addr != w.dev.get(b)->vif.addr);
    REQUIRE(w.r.set_channel(*ieee80211::make_channel(ieee80211::band::ghz2_4, 11)));
    CHECK(w.r.conf().channel.number == 11);  // one channel for every vap
}

TEST_CASE("changing an interface's type destroys and creates", "[vap]") {
    vap_world w;
    auto s = *w.dev.create<vap::station>();
    REQUIRE(w.dev.new_state(s, state::scan));
    auto ap = w.dev.change_type<vap::hostap>(s);
    REQUIRE(ap);
    CHECK(w.dev.get(s) == nullptr);
    CHECK(w.dev.get(*ap)->current == state::init);
    CHECK(w.dev.size() == 1);
}

TEST_CASE("rt73: every supported opmode as a vap: four AP vaps or one other", "[vap][rt73]") {
    virtual_time t;
    sim::medium<virtual_time> air(t);
    using rt73_radio =
        mac::radio<drivers::rt73::simulated<virtual_time>, virtual_time, test::recording_sink>;
    rt73_radio r(t, test::recording_sink{&t}, air, std::uint16_t(3));
    REQUIRE(r.register_hw());
    vap::device<rt73_radio> dev(r);
    auto once = [&](auto h) {
        REQUIRE(h);
        CHECK(dev.get(*h)->attached);
        REQUIRE(dev.destroy(*h));
    };
    once(dev.create<vap::station>());
    once(dev.create<vap::adhoc>());
    once(dev.create<vap::hostap>());
    once(dev.create<vap::monitor>());
    auto p2p = dev.create<vap::p2p_go>();
    REQUIRE_FALSE(p2p);
    CHECK(std::string(p2p.err().what) == "the hardware does not support this interface type");
    std::vector<vap::handle<vap::hostap>> aps;
    for (int i = 0; i < 4; ++i) aps.push_back(*dev.create<vap::hostap>());
    CHECK_FALSE(dev.create<vap::hostap>());
    CHECK(dev.create<vap::monitor>());  // monitors always fit
    auto sta = dev.create<vap::station>();
    REQUIRE_FALSE(sta);
    CHECK(sta.err().code == errc::busy);
    for (auto h : aps) REQUIRE(dev.new_state(h, state::run));
    REQUIRE(dev.destroy(aps[0]));
    CHECK(dev.get(aps[1])->current == state::run);
    CHECK(r.started());
}
