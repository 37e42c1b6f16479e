// SPDX-License-Identifier: MIT
// P2P power save on the simulated medium: a port away in its Notice of Absence, a port holding
// its transmissions in its GO's, and the loopback driver programming both from bss_info_changed.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <softmac/drivers/loopback.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/pcap.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/sim/medium.hpp>

#include "driver_world.hpp"

using namespace softmac;
using namespace std::chrono_literals;
using sim::medium_stats;
namespace p2p = softmac::ieee80211::p2p;

namespace {

/// Absent 5 ms of every 10 ms, from TSF 0.
const p2p::notice_of_absence half_of_10ms{1, 0, 1, {{255, 5000, 10000, 0}, {}}};

constexpr std::size_t frame_bytes = 24 + 100;
/// A 124-octet frame at 6 Mbit/s: 196 µs of airtime, then SIFS and a 44 µs ACK.
constexpr std::uint64_t exchange_us = 196 + 10 + 44;
static_assert(ieee80211::airtime_us(frame_bytes + 4, *ieee80211::find_rate(60), false) == 196);
static_assert(ieee80211::airtime_us(14, *ieee80211::find_rate(60), false) == 44);

/// Two ports, a and b, with the addresses 02:..:0a and 02:..:0b, recording what they hear and
/// the TX status of what a sends.
struct two_ports {
    struct heard {
        std::uint64_t start_us;
        std::uint8_t tag;
    };
    virtual_time time;
    sim::medium<virtual_time> air{time};
    std::array<mac_address, 2> addr{{{{0x02, 0, 0, 0, 0, 0x0a}}, {{0x02, 0, 0, 0, 0, 0x0b}}}};
    std::array<std::vector<heard>, 2> rx;
    std::vector<bool> acked;
    std::uint32_t a = 0, b = 0;

    two_ports() {
        a = air.attach([this](const sim::air_frame& f) {
            rx[0].push_back({f.start_us, f.bytes[22]});
        });
        b = air.attach([this](const sim::air_frame& f) {
            rx[1].push_back({f.start_us, f.bytes[22]});
        });
        for (const auto p : {a, b}) {
            air.set_listening(p, true);
            air.set_addresses(p, std::span<const mac_address>(&addr[p], 1));
        }
    }
    /// A data frame from a to b (or from b to a), its tag in the sequence number's low octet.
    /// The TX status of a's frames is recorded.
    void send(std::uint8_t tag, std::uint32_t from = 0) {
        std::array<std::uint8_t, frame_bytes> f{};
        f[0] = 0x08;  // data
        std::copy(addr[1 - from].bytes().begin(), addr[1 - from].bytes().end(), f.begin() + 4);
        std::copy(addr[from].bytes().begin(), addr[from].bytes().end(), f.begin() + 10);
        f[22] = tag;
        REQUIRE(air.transmit(from == 0 ? a : b, f, 60, false, [this, from](bool ok) {
            if (from == 0) acked.push_back(ok);
        }));
    }
    std::size_t acks() const { return std::size_t(std::count(acked.begin(), acked.end(), true)); }
};

}  // namespace

TEST_CASE("a port away half of every 10 ms hears nothing sent in its absences",
          "[driver][medium][p2p_ps]") {
    two_ports w;
    w.air.set_absence(w.b, half_of_10ms);
    // One frame a millisecond at 0.9 ms past each: 0.9..4.9 ms are in the absence, 5.9..8.9 ms
    // are heard, 9.9 ms runs into the next absence at 10 ms.
    for (int i = 0; i < 100; ++i) {
        w.time.run_until(std::chrono::microseconds(i * 1000 + 900));
        w.send(std::uint8_t(i));
    }
    w.time.run_for(50ms);
    CHECK(w.air.stats().transmitted == 100);
    CHECK(w.air.stats().absent == 60);
    CHECK(w.air.stats().lost == 0);
    REQUIRE(w.rx[1].size() == 40);
    for (const auto& h : w.rx[1]) {
        INFO(h.start_us);
        CHECK(h.start_us % 10000 >= 5000);
        CHECK(h.start_us % 10000 + exchange_us <= 10000);
        CHECK(h.tag % 10 >= 5);
        CHECK(h.tag % 10 <= 8);
    }
    REQUIRE(w.acked.size() == 100);
    CHECK(w.acks() == 40);
    // A notice without descriptors brings it back.
    w.air.set_absence(w.b, {});
    w.time.run_until(std::chrono::microseconds(200900));  // 0.9 ms into a former absence
    w.send(200);
    w.time.run_for(10ms);
    CHECK(w.rx[1].size() == 41);
    CHECK(w.air.stats().absent == 60);
}

TEST_CASE("a port holding in its GO's absences sends outside them and every frame is acked",
          "[driver][medium][p2p_ps]") {
    struct outcome {
        medium_stats stats;
        std::size_t acks;
        std::vector<two_ports::heard> heard;
    };
    auto run = [](bool hold) {
        two_ports w;
        w.air.set_absence(w.b, half_of_10ms);
        if (hold) w.air.set_tx_hold(w.a, half_of_10ms);
        w.time.run_until(100us);
        for (int i = 0; i < 100; ++i) w.send(std::uint8_t(i));  // a burst, in the absence
        w.time.run_for(200ms);
        CHECK(w.acked.size() == 100);
        return outcome{w.air.stats(), w.acks(), w.rx[1]};
    };
    const auto held = run(true);
    CHECK(held.stats.absent == 0);
    CHECK(held.acks == 100);
    REQUIRE(held.heard.size() == 100);
    for (std::size_t i = 0; i < held.heard.size(); ++i) {
        const auto& h = held.heard[i];
        INFO(h.start_us);
        CHECK(h.tag == i);
        CHECK(h.start_us % 10000 >= 5000);
        CHECK(h.start_us % 10000 + exchange_us <= 10000);
    }
    CHECK(held.heard.front().start_us == 5000);  // the first absence's end
    // The hold is on transmission only: a hears b in the absences.
    two_ports w;
    w.air.set_tx_hold(w.a, half_of_10ms);
    w.time.run_until(1000us);
    w.send(7, 1);
    w.time.run_for(10ms);
    REQUIRE(w.rx[0].size() == 1);
    CHECK(w.rx[0][0].start_us == 1000);
    // Without the hold the same burst runs into b's absences.
    const auto careless = run(false);
    CHECK(careless.stats.absent > 0);
    CHECK(careless.acks == 100 - careless.stats.absent);
}

TEST_CASE("an absent sender's frames start after its absence, in order, as the tap shows",
          "[driver][medium][p2p_ps]") {
    two_ports w;
    std::ostringstream capture;
    w.air.tap(capture);
    w.air.set_absence(w.a, {0, 0, 1, {{1, 20000, 0, 1000}, {}}});  // away 1 ms to 21 ms
    w.send(0);  // 0..250 µs: over before the absence
    w.time.run_until(900us);
    for (std::uint8_t tag = 1; tag <= 3; ++tag) w.send(tag);  // would run into the absence
    // Its queue now reaches past the absence: three exchanges of 250 µs, 28 µs apart.
    CHECK(w.air.backlog(w.a) == std::chrono::microseconds(21000 + 3 * (exchange_us + 28) - 900));
    w.time.run_for(50ms);
    REQUIRE(w.rx[1].size() == 4);
    const std::array<std::uint64_t, 4> starts{0, 21000, 21000 + 278, 21000 + 2 * 278};
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(w.rx[1][i].tag == i);
        CHECK(w.rx[1][i].start_us == starts[i]);
    }
    CHECK(w.acks() == 4);
    const std::string file = capture.str();
    auto reader = ieee80211::pcap::reader::open(
        bytes_view(reinterpret_cast<const std::uint8_t*>(file.data()), file.size()));
    REQUIRE(reader);
    for (std::size_t i = 0; i < 4; ++i) {
        auto p = reader->next();
        REQUIRE(p);
        REQUIRE(*p);
        CHECK((*p)->timestamp_ns == starts[i] * 1000);
    }
}

TEST_CASE("the loopback driver makes a GO interface away in its own NoA and a client hold in it",
          "[driver][loopback][p2p_ps]") {
    using cfg = test::loopback_software_roc;
    struct no_context {
    } ctx;
    driver::bss_conf bss;
    bss.p2p_noa = half_of_10ms;

    test::world<cfg> w(2, 1, driver::iftype::p2p_go);
    CHECK(w[1].driver().hw().supports_p2p_ps);
    // Another change does not program power save.
    w[1].driver().bss_info_changed(ctx, w.vifs[1], bss, driver::bss_changed::beacon_int);
    auto burst = [&](std::size_t from, std::size_t to, int n, std::uint64_t at_us) {
        w.time.run_until(std::chrono::microseconds(at_us));
        for (int i = 0; i < n; ++i) {
            w.send(from, w.data_frame(from, w.vifs[to].addr, std::uint8_t(i)));
            w.time.run_for(1ms);
        }
        w.settle();
    };
    burst(0, 1, 10, 0);
    CHECK(w[1].sink().rx.size() == 10);
    CHECK(w.air.stats().absent == 0);

    // Now the GO is away 0..5 ms of every 10 ms: a frame a millisecond, half of them missed.
    w[1].driver().bss_info_changed(ctx, w.vifs[1], bss, driver::bss_changed::p2p_ps);
    burst(0, 1, 10, 1000100);
    CHECK(w[1].sink().rx.size() == 15);
    CHECK(w.air.stats().absent == 5);
    std::size_t acked = 0;
    for (const auto& s : w[0].sink().status) acked += s.acked ? 1 : 0;
    CHECK(acked == 15);
}

TEST_CASE("a loopback client holds its frames in its GO's NoA unless told to ignore it",
          "[driver][loopback][p2p_ps]") {
    using cfg = test::loopback_software_roc;
    struct no_context {
    } ctx;
    driver::bss_conf bss;
    bss.p2p_noa = half_of_10ms;

    test::world<cfg> w(2);  // radio 0 a station (the client), radio 1 away like a GO
    w.air.set_absence(w.port(1), half_of_10ms);
    w[0].driver().bss_info_changed(ctx, w.vifs[0], bss, driver::bss_changed::p2p_ps);
    auto burst = [&](int n) {
        for (int i = 0; i < n; ++i) w.send(0, w.data_frame(0, w.vifs[1].addr, std::uint8_t(i)));
        w.time.run_for(100ms);
    };
    burst(40);
    CHECK(w[1].sink().rx.size() == 40);
    CHECK(w.air.stats().absent == 0);

    w[0].driver().ignore_peer_noa(true);
    burst(40);
    CHECK(w.air.stats().absent > 0);
    CHECK(w[1].sink().rx.size() == 80 - w.air.stats().absent);

    w[0].driver().ignore_peer_noa(false);  // the schedule it learnt applies again
    const auto missed = w.air.stats().absent;
    burst(40);
    CHECK(w.air.stats().absent == missed);
}
