// SPDX-License-Identifier: MIT
// Driver-generic behaviour, written once and run for every driver configuration, each on its
// band's channels and rates (home_channel, other_channel, ofdm_6mbps).
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <softmac/ieee80211/management.hpp>

#include "driver_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
using test::world;

#define SOFTMAC_DRIVERS                                                                   \
    test::loopback_software_roc, test::loopback_offloaded_roc, test::any_driver_loopback, \
        test::rt73_usb, test::rt73_usb_5ghz

TEMPLATE_TEST_CASE("two radios exchange frames both ways and report ACK status", "[driver][medium]",
                   SOFTMAC_DRIVERS) {
    world<TestType> w(2);
    w.send(0, w.data_frame(0, w.vifs[1].addr, 1), 0, 11);
    w.send(1, w.data_frame(1, w.vifs[0].addr, 2), 0, 22);
    w.settle();
    REQUIRE(w[1].sink().rx.size() == 1);
    REQUIRE(w[0].sink().rx.size() == 1);
    const auto h = ieee80211::header_view::parse(w[1].sink().rx[0].bytes);
    REQUIRE(h);
    CHECK(h->addr2() == w.vifs[0].addr);
    CHECK(h->seq().sequence() == 1);
    CHECK(w[1].sink().rx[0].bytes.size() == 24 + 8 + 32);
    CHECK(w[1].sink().rx[0].status.freq == TestType::home_channel.freq_mhz);
    CHECK(w[1].sink().rx[0].status.band == TestType::home_channel.band);
    CHECK(w[1].sink().rx[0].status.bitrate == 60);  // 6 Mbit/s, as sent
    REQUIRE(w[0].sink().status.size() == 1);
    CHECK(w[0].sink().status[0].acked);
    CHECK(w[0].sink().status[0].info.cookie == 11);
    CHECK(w[1].sink().status[0].info.cookie == 22);
}

TEMPLATE_TEST_CASE("a broadcast reaches every other radio and is not acknowledged",
                   "[driver][medium]", SOFTMAC_DRIVERS) {
    world<TestType> w(3);
    w.send(0, w.data_frame(0, mac_address::broadcast(), 7), driver::tx_flag::no_ack);
    w.settle();
    CHECK(w[0].sink().rx.empty());
    CHECK(w[1].sink().rx.size() == 1);
    CHECK(w[2].sink().rx.size() == 1);
    REQUIRE(w[0].sink().status.size() == 1);
    CHECK_FALSE(w[0].sink().status[0].acked);
}

TEMPLATE_TEST_CASE("radios on other channels hear nothing", "[driver][medium]", SOFTMAC_DRIVERS) {
    world<TestType> w(3);
    REQUIRE(w[2].set_channel(TestType::other_channel));
    w.send(0, w.data_frame(0, mac_address::broadcast(), 1), driver::tx_flag::no_ack);
    w.send(0, w.data_frame(0, w.vifs[2].addr, 2));
    w.settle();
    CHECK(w[1].sink().rx.size() == 1);
    CHECK(w[2].sink().rx.empty());
    REQUIRE(w[0].sink().status.size() == 2);
    CHECK(w[0].sink().status[1].acked ==
          !TestType::real_ack);  // the receiver was on another channel
}

TEMPLATE_TEST_CASE("a unicast frame to an absent receiver is not acknowledged", "[driver][medium]",
                   SOFTMAC_DRIVERS) {
    world<TestType> w(2);
    w.send(0, w.data_frame(0, mac_address::parse("02:00:00:99:99:00").value(), 1));
    w.settle();
    CHECK(w[1].sink().rx.empty());  // not ours, no FIF_OTHER_BSS
    REQUIRE(w[0].sink().status.size() == 1);
    CHECK(w[0].sink().status[0].acked == !TestType::real_ack);  // USB: accepted means acked
    w[1].set_filter(driver::fif::other_bss);
    w.send(0, w.data_frame(0, mac_address::parse("02:00:00:99:99:00").value(), 2));
    w.settle();
    CHECK(w[1].sink().rx.size() == 1);  // heard with FIF_OTHER_BSS, still not acknowledged
    CHECK(w[0].sink().status[1].acked == !TestType::real_ack);
}

TEMPLATE_TEST_CASE("probe requests reach a radio only with FIF_PROBE_REQ", "[driver][filter]",
                   SOFTMAC_DRIVERS) {
    world<TestType> w(2);
    auto probe = [&] {
        auto b = w.pool.allocate(32);
        std::array<std::uint8_t, 64> f{};
        byte_writer fw(f);
        ieee80211::write_mgmt_header(fw, ieee80211::mgmt_subtype::probe_req,
                                     mac_address::broadcast(), w.vifs[0].addr,
                                     mac_address::broadcast());
        ieee80211::put::ssid(fw, "DIRECT-");
        (void)b->append(fw.written());
        return std::move(*b);
    };
    w.send(0, probe(), driver::tx_flag::no_ack);
    w.settle();
    // A driver that cannot filter them passes them always (more than asked is safe).
    CHECK(w[1].sink().rx.size() == (TestType::filters_probe_requests ? 0u : 1u));
    CHECK((w[1].set_filter(driver::fif::probe_req) == driver::fif::probe_req) ==
          TestType::filters_probe_requests);
    w.send(0, probe(), driver::tx_flag::no_ack);
    w.settle();
    CHECK(w[1].sink().rx.size() == (TestType::filters_probe_requests ? 1u : 2u));
}

TEMPLATE_TEST_CASE("loss at a fixed seed is reproducible and close to the set probability",
                   "[driver][medium]", SOFTMAC_DRIVERS) {
    auto run = [](std::uint64_t seed) {
        world<TestType> w(2, seed);
        w.air.set_link(w.port(0), w.port(1), 0.3);
        for (int i = 0; i < 1000; ++i) {
            w.send(0, w.data_frame(0, w.vifs[1].addr, std::uint8_t(i)));
            w.time.run_for(2ms);
        }
        w.settle();
        std::size_t acked = 0;
        for (const auto& s : w[0].sink().status) acked += s.acked ? 1 : 0;
        CHECK(acked == (TestType::real_ack ? w[1].sink().rx.size() : 1000u));
        return w[1].sink().rx.size();
    };
    const auto a = run(42), b = run(42), c = run(43);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a > 650);
    CHECK(a < 750);
}

TEMPLATE_TEST_CASE("the same seed gives a byte-identical monitor capture", "[driver][medium][pcap]",
                   SOFTMAC_DRIVERS) {
    auto capture = [](std::uint64_t seed) {
        std::ostringstream out;
        world<TestType> w(3, seed);
        w.air.tap(out);
        w.air.set_link(w.port(0), w.port(2), 0.5, 3ms);
        for (int i = 0; i < 50; ++i) {
            w.send(i % 3, w.data_frame(i % 3, w.vifs[(i + 1) % 3].addr, std::uint8_t(i)));
            w.time.run_for(1ms);
        }
        w.settle();
        return out.str();
    };
    const auto a = capture(7), b = capture(7);
    CHECK(a.size() > 50 * 60);
    CHECK(a == b);
}

TEMPLATE_TEST_CASE("remain-on-channel reports ready, hears the other channel, and expires on time",
                   "[driver][roc]", SOFTMAC_DRIVERS) {
    world<TestType> w(2);
    STATIC_REQUIRE(world<TestType>::radio_type::roc_offloaded == TestType::offloads_roc);
    const auto other = TestType::other_channel;
    REQUIRE(w[1].set_channel(other));
    const time_point start = w.time.now();
    REQUIRE(w[0].remain_on_channel(w.vifs[0], other, 200, 77));
    CHECK(w[0].remain_on_channel(w.vifs[0], other, 200, 78).err().code == errc::busy);
    w.time.run_for(50ms);
    w.send(1, w.data_frame(1, w.vifs[0].addr, 5));
    w.time.run_for(50ms);
    CHECK(w[0].sink().rx.size() == 1);  // heard on the other channel while remaining there
    CHECK(w[0].sink().rx[0].status.freq == other.freq_mhz);
    w.time.run_for(200ms);
    const auto& roc = w[0].sink().roc;
    REQUIRE(roc.size() == 2);
    CHECK(roc[0].ready);
    CHECK(roc[0].cookie == 77);
    CHECK_FALSE(roc[1].ready);
    CHECK(roc[1].at - start == 200ms);
    w.send(1, w.data_frame(1, w.vifs[0].addr, 6));
    w.settle();
    CHECK(w[0].sink().rx.size() == 1);  // back on the home channel
    CHECK(w[0].remain_on_channel(w.vifs[0], other, 100000, 1).err().code == errc::bad_value);
}

TEMPLATE_TEST_CASE("a remain-on-channel period can be cancelled", "[driver][roc]",
                   SOFTMAC_DRIVERS) {
    world<TestType> w(1);
    CHECK(w[0].cancel_remain_on_channel(w.vifs[0]).err().code == errc::not_found);
    REQUIRE(w[0].remain_on_channel(w.vifs[0], TestType::other_channel, 500, 9));
    w.time.run_for(10ms);
    REQUIRE(w[0].cancel_remain_on_channel(w.vifs[0]));
    w.time.run_for(1s);
    REQUIRE(w[0].sink().roc.size() == 2);
    CHECK(w[0].sink().roc[1].at == 10ms);
    CHECK_FALSE(w[0].on_channel_elsewhere());
}

TEMPLATE_TEST_CASE("a radio removed at run time leaves the medium: nothing of it runs afterwards",
                   "[driver][medium]", SOFTMAC_DRIVERS) {
    world<TestType> w(2);
    // Its timers are armed.
    REQUIRE(w[1].remain_on_channel(w.vifs[1], TestType::home_channel, 200, 5));
    w.send(1, w.data_frame(1, w.vifs[0].addr, 1), 0, 10);  // its own frame is on the air
    w.send(0, w.data_frame(0, w.vifs[1].addr, 2), 0, 20);  // a frame is on its way to it
    w.radios[1].reset();
    w.time.run_for(1s);  // under AddressSanitizer: no call into the radio that is gone
    CHECK(w[0].sink().rx.size() == 1);  // what it sent before it went still arrives
    REQUIRE(w[0].sink().status.size() == 1);
    CHECK(w[0].sink().status[0].info.cookie == 20);
    w.send(0, w.data_frame(0, w.vifs[1].addr, 3), 0, 30);
    w.settle();
    REQUIRE(w[0].sink().status.size() == 2);
    // Nobody answers for its address any more (USB: accepted means acked).
    CHECK(w[0].sink().status[1].acked == !TestType::real_ack);
    CHECK(w.air.stats().acked == 2);  // the two frames sent while it was there
}

TEMPLATE_TEST_CASE("a ten-second beaconing scenario runs in virtual time", "[driver][time]",
                   SOFTMAC_DRIVERS) {
    world<TestType> w(2);
    int sent = 0;
    std::function<void()> beacon = [&] {
        auto b = w.pool.allocate(32);
        std::array<std::uint8_t, 64> f{};
        byte_writer fw(f);
        ieee80211::write_mgmt_header(fw, ieee80211::mgmt_subtype::beacon, mac_address::broadcast(),
                                     w.vifs[0].addr, w.vifs[0].addr, std::uint16_t(sent));
        ieee80211::write_beacon_fixed(fw, 0, 100, ieee80211::capab::ess);
        ieee80211::put::ssid(fw, "softmac");
        (void)b->append(fw.written());
        w.send(0, std::move(*b), driver::tx_flag::no_ack);
        ++sent;
        w.time.schedule_in(100_tu, [&] { beacon(); });
    };
    beacon();
    w.time.run_until(10s);
    CHECK(w.time.now() == 10s);
    CHECK(sent == 98);  // t = 0, 102.4 ms, ... 9932.8 ms
    CHECK(w[1].sink().rx.size() == 98);
}

TEMPLATE_TEST_CASE("interfaces get distinct addresses: the hardware runs while any is up",
                   "[driver][radio]", SOFTMAC_DRIVERS) {
    world<TestType> w(1);
    auto& r = w[0];
    CHECK(r.started());
    if constexpr (!TestType::mixes_types) {  // rt2x00: up to four APs, or one interface of another
                                             // type
        CHECK(r.add_interface(driver::iftype::ap).err().code == errc::busy);
        r.remove_interface(w.vifs[0]);
        CHECK_FALSE(r.started());
        return;
    }
    auto second = r.add_interface(driver::iftype::ap);
    REQUIRE(second);
    CHECK(second->addr != w.vifs[0].addr);
    auto mon = r.add_interface(driver::iftype::monitor);
    REQUIRE(mon);
    CHECK((r.conf().flags & driver::conf_flag::monitor) != 0);
    r.remove_interface(*mon);
    CHECK((r.conf().flags & driver::conf_flag::monitor) == 0);
    r.remove_interface(w.vifs[0]);
    CHECK(r.started());
    r.remove_interface(*second);
    CHECK_FALSE(r.started());
    CHECK(r.count() == 0);
}

TEST_CASE("tshark reads the monitor tap of a loopback exchange without errors",
          "[driver][medium][tshark]") {
    world<test::loopback_software_roc> w(3);
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/loopback_tap.pcap";
    {
        std::ofstream out(path, std::ios::binary);
        w.air.tap(out);
        for (int i = 0; i < 30; ++i) {
            const std::size_t from = std::size_t(i) % 3;
            const bool bcast = i % 5 == 0;
            w.send(
                from,
                w.data_frame(from, bcast ? mac_address::broadcast() : w.vifs[(from + 1) % 3].addr,
                             std::uint8_t(i)),
                bcast ? driver::tx_flag::no_ack : 0);
            w.time.run_for(1ms);
        }
        w.settle();
    }
    const auto rows =
        test::tshark_fields(path, {"frame.number", "_ws.malformed", "_ws.expert.severity",
                                   "wlan.fcs.status", "radiotap.channel.freq", "wlan.seq"});
    REQUIRE(rows.size() == 30);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO(i + 1);
        CHECK(rows[i][1].empty());
        CHECK(rows[i][2].find("6291456") == std::string::npos);
        CHECK(rows[i][2].find("8388608") == std::string::npos);
        CHECK(rows[i][3] == "1");
        CHECK(rows[i][4] == "2412");
        CHECK(rows[i][5] == std::to_string(i));
    }
}

TEST_CASE("a loopback radio keeps 256 events for its poll and drops more", "[driver][loopback]") {
    world<test::loopback_software_roc> w(2);
    // Radio 1 is not serviced: what it receives waits in its driver's event ring.
    w[1].driver().set_interrupt(driver::interrupt_line{});
    constexpr std::size_t cap = test::loopback_software_roc::driver_type::max_events;
    for (std::size_t i = 0; i < cap + 44; ++i) {
        w.send(0, w.data_frame(0, mac_address::broadcast(), std::uint8_t(i)),
               driver::tx_flag::no_ack);
        w.time.run_for(1ms);
    }
    w.settle();
    // Full, the ring drops a TX status as it drops frames.
    w.send(1, w.data_frame(1, mac_address::broadcast(), 99), driver::tx_flag::no_ack);
    w.settle();
    CHECK(w[1].sink().rx.empty());
    w[1].service();
    CHECK(w[1].sink().status.empty());
    REQUIRE(w[1].sink().rx.size() == cap);  // the first 256, in order; the rest dropped
    for (std::size_t i = 0; i < cap; ++i) {
        INFO(i);
        CHECK(w[1].sink().rx[i].bytes[22] == std::uint8_t(i << 4));  // sequence number's low bits
    }
    // Drained, the ring takes events again.
    w.send(0, w.data_frame(0, mac_address::broadcast(), 7), driver::tx_flag::no_ack);
    w.settle();
    w[1].service();
    CHECK(w[1].sink().rx.size() == cap + 1);
}

TEST_CASE(
    "a loopback radio holds 64 frames for the air, refuses more, and reuses a slot once "
    "its frame is done",
    "[driver][loopback]") {
    world<test::loopback_software_roc> w(2);
    // 70 frames at once: the first 64 wait in the transmit slots, the rest are refused at once.
    for (std::uint8_t i = 0; i < 70; ++i) w.send(0, w.data_frame(0, w.vifs[1].addr, i), 0, i);
    REQUIRE(w[0].sink().status.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) {
        INFO(i);
        CHECK(w[0].sink().status[i].info.cookie == 64 + i);
        CHECK_FALSE(w[0].sink().status[i].acked);
    }
    w.settle();
    // The 64 went out in order and were acknowledged.
    REQUIRE(w[1].sink().rx.size() == 64);
    REQUIRE(w[0].sink().status.size() == 70);
    for (std::size_t i = 0; i < 64; ++i) {
        INFO(i);
        const auto h = ieee80211::header_view::parse(w[1].sink().rx[i].bytes);
        REQUIRE(h);
        CHECK(h->seq().sequence() == i);
        CHECK(w[0].sink().status[6 + i].info.cookie == i);
        CHECK(w[0].sink().status[6 + i].acked);
    }
    // Every slot is free again: another 64 are all taken.
    for (std::uint8_t i = 0; i < 64; ++i) w.send(0, w.data_frame(0, w.vifs[1].addr, i), 0, 100 + i);
    CHECK(w[0].sink().status.size() == 70);
    w.settle();
    CHECK(w[1].sink().rx.size() == 128);
    REQUIRE(w[0].sink().status.size() == 134);
    CHECK(w[0].sink().status.back().info.cookie == 163);
    CHECK(w[0].sink().status.back().acked);
}

// The loopback driver learns of frames before they arrive (rt73's frames come over USB).
TEMPLATE_TEST_CASE(
    "a radio tells the layer above of a frame its filter takes, a few deliveries "
    "before the frame arrives",
    "[driver][medium][prefetch]", test::loopback_software_roc, test::loopback_offloaded_roc,
    test::any_driver_loopback) {
    using medium_type = sim::medium<virtual_time>;
    constexpr std::size_t ahead = medium_type::prefetch_ahead;
    // Radio 0 sends; radios 1 to ahead + 2 hear it in that order, the last two told before.
    world<TestType> w(ahead + 3);
    // Ahead of its frames, the medium fetches the driver's lines (what its receive reads spans at
    // most three) and those the layer above named (the sink names one).
    const auto& plan = w.air.prefetch_plan_of(test::port_of(w[1].driver()));
    CHECK(plan.lines.size() <= 4);
    const auto line_of = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p) / 64; };
    bool sink_fetched = false;
    for (std::size_t k = 0; k < plan.lines.size(); ++k)
        sink_fetched = sink_fetched || line_of(plan.lines[k]) == line_of(&w[1].sink());
    CHECK(sink_fetched);
    auto frame = w.data_frame(0, mac_address::broadcast(), 7);
    const std::vector<std::uint8_t> sent(frame.view().begin(), frame.view().end());
    w.send(0, std::move(frame), driver::tx_flag::no_ack);
    w.settle();
    for (std::size_t i = 1; i < ahead + 3; ++i) {
        INFO("radio " << i);
        CHECK(w[i].sink().rx.size() == 1);
        if (i <= ahead) {
            CHECK(w[i].sink().told.empty());  // nobody is that far before them
        } else {
            REQUIRE(w[i].sink().told.size() == 1);
            CHECK(w[i].sink().told[0].bytes == sent);
            CHECK(w[i].sink().told[0].received_before == 0);
        }
    }
    // A probe request the RX filter drops is neither told of nor handed up.
    std::array<std::uint8_t, 64> f{};
    byte_writer fw(f);
    ieee80211::write_mgmt_header(fw, ieee80211::mgmt_subtype::probe_req, mac_address::broadcast(),
                                 w.vifs[0].addr, mac_address::broadcast());
    auto probe = w.pool.allocate(32);
    REQUIRE(probe->append(fw.written()));
    w.send(0, std::move(*probe), driver::tx_flag::no_ack);
    w.settle();
    CHECK(w[ahead + 2].sink().rx.size() == 1);
    CHECK(w[ahead + 2].sink().told.size() == 1);
}
