// SPDX-License-Identifier: MIT
// The simulated medium's deliveries: who hears a transmission, in which order, with which seeded
// losses, as ports tune, listen, leave, change addresses and set their address and frame filters.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/sim/medium.hpp>

using namespace softmac;
using namespace std::chrono_literals;

namespace {
/// Twelve ports on three channels, recording every delivery and TX status in one log.
struct twelve_ports {
    static constexpr std::uint32_t n = 12;
    virtual_time time;
    sim::medium<virtual_time> air{time, 1234};
    std::array<mac_address, n> addr{};
    std::array<std::uint32_t, n> port{};
    std::vector<std::uint8_t> log;

    twelve_ports() {
        constexpr std::array<std::uint16_t, 3> freqs{2412, 2437, 5180};
        for (std::uint32_t i = 0; i < n; ++i) {
            addr[i] = mac_address{{0x02, 0, 0, 0, 0, std::uint8_t(i)}};
            port[i] = air.attach(
                [this, i](const sim::air_frame& f) { note(0xd0, i, f.from, f.bytes[22], f.freq); });
            air.tune(port[i], freqs[i % 3]);
            air.set_listening(port[i], i != 4 && i != 7);
            air.set_addresses(port[i], std::span<const mac_address>(&addr[i], 1));
            air.set_address_filter(port[i], i % 2 == 0);
        }
        for (std::uint32_t i = 1; i < n; ++i) air.set_link(port[0], port[i], 0.3);
        air.set_link(port[1], port[4], 0.5, 2ms);
        air.set_link(port[3], port[9], 0.2, 1ms);
        air.set_link(port[6], port[3], 0.0, 3ms);
    }
    void note(std::uint8_t what, std::uint32_t a, std::uint32_t b, std::uint8_t c,
              std::uint16_t d) {
        std::array<std::uint8_t, 16> e{};
        byte_writer w(e);
        w.u8(what).le64(std::uint64_t(time.now().count())).u8(std::uint8_t(a));
        w.u8(std::uint8_t(b)).u8(c).le16(d);
        log.insert(log.end(), e.begin(), e.begin() + w.size());
    }
    void send(std::uint32_t from, const mac_address& to, std::uint8_t tag, std::uint16_t rate) {
        std::array<std::uint8_t, 24 + 40> f{};
        f[0] = 0x08;
        std::copy(to.octets.begin(), to.octets.end(), f.begin() + 4);
        std::copy(addr[from].octets.begin(), addr[from].octets.end(), f.begin() + 10);
        f[22] = tag;
        REQUIRE(air.transmit(port[from], f, rate, false,
                             [this, from, tag](bool acked) { note(0x5a, from, acked, tag, 0); }));
    }
};
}  // namespace

TEST_CASE("the medium's deliveries, their order and its seeded losses stay as they were",
          "[driver][medium]") {
    twelve_ports w;
    constexpr std::array<std::uint16_t, 3> freqs{2412, 2437, 5180};
    for (std::uint32_t k = 0; k < 400; ++k) {
        const std::uint32_t from = k * 7 % twelve_ports::n;
        const mac_address to =
            k % 4 == 0 ? mac_address::broadcast() : w.addr[(k * 5 + 1) % twelve_ports::n];
        w.send(from, to, std::uint8_t(k), k % 3 == 0 ? 10 : 60);
        if (k % 50 == 25) w.air.tune(w.port[k % twelve_ports::n], freqs[(k / 50) % 3]);
        if (k % 60 == 30) w.air.set_listening(w.port[(k / 60) % twelve_ports::n], k % 120 != 30);
        if (k == 300) w.air.detach(w.port[11]);
        w.time.run_for(1ms);
    }
    w.time.run_for(100ms);
    const auto& st = w.air.stats();
    INFO("transmitted " << st.transmitted << " delivered " << st.delivered << " lost " << st.lost
                        << " acked " << st.acked << " log " << w.log.size());
    CHECK(st.transmitted == 400);
    // What the medium did before it kept a list of listeners per channel and reused its records:
    // the same counts and a log with the same CRC.
    CHECK(st.delivered == 629);
    CHECK(st.lost == 33);
    CHECK(st.acked == 143);
    CHECK(w.log.size() == 14266);
    CHECK(ieee80211::crc32(w.log) == 0x38186621u);
}

namespace {
/// Ports whose state changes at random, beside a plain record of that state from which the
/// receivers of each frame are worked out: every other attached, listening port on the sender's
/// frequency, less the filtered ones a unicast frame is not addressed to, less the losses the
/// medium's generator draws (in port order, for the links with a loss).
struct random_ports {
    struct state {
        bool attached = true, listening = false, filter = false;
        std::uint16_t freq = 2412;
        std::uint64_t types = ~std::uint64_t{0};  // bit type << 4 | subtype: taken
        std::vector<mac_address> addrs;
        std::vector<double> loss;  // of the link from this port to each other one
        bool holds(const mac_address& a) const {
            const auto n = std::min(addrs.size(), sim::medium<virtual_time>::max_addresses);
            return std::find(addrs.begin(), addrs.begin() + std::ptrdiff_t(n), a) !=
                   addrs.begin() + std::ptrdiff_t(n);
        }
    };
    static constexpr std::uint64_t seed = 77;
    static constexpr std::array<std::uint16_t, 3> freqs{2412, 2437, 5180};
    virtual_time time;
    sim::medium<virtual_time> air{time, seed};
    std::mt19937_64 air_rng{seed};  // the medium's loss draws, repeated
    std::vector<state> ports;
    std::vector<std::uint32_t> heard;  // the ports that received the frame being checked
    std::vector<mac_address> pool;     // addresses held, shared, dropped and never held
    std::size_t acked = 0, lost = 0, delivered = 0, filtered = 0, filtered_acked = 0;

    random_ports() {
        for (std::uint8_t i = 0; i < 12; ++i) pool.push_back(mac_address{{0x02, 0, 0, 0, 1, i}});
        for (int i = 0; i < 16; ++i) attach();
    }
    void attach() {
        const auto i = std::uint32_t(ports.size());
        REQUIRE(air.attach([this, i](const sim::air_frame&) { heard.push_back(i); }) == i);
        for (auto& s : ports) s.loss.push_back(0);
        ports.push_back({});
        ports.back().loss.resize(ports.size());
    }
    double uniform() { return double(air_rng() >> 11) * (1.0 / 9007199254740992.0); }
    std::vector<std::uint32_t> receivers(std::uint32_t from, const mac_address& ra,
                                         std::uint8_t fc0, bool& ack) {
        std::vector<std::uint32_t> r;
        ack = false;
        for (std::uint32_t p = 0; p < ports.size(); ++p) {
            const auto& s = ports[p];
            if (p == from || !s.attached || !s.listening || s.freq != ports[from].freq) continue;
            const bool for_rx = ra.is_unicast() && s.holds(ra);
            if (ra.is_unicast() && s.filter && !for_rx) continue;
            if (ports[from].loss[p] > 0 && uniform() < ports[from].loss[p]) {
                ++lost;
                continue;
            }
            ack = ack || for_rx;  // acknowledged even when its type is filtered out
            const unsigned kind = ((fc0 >> 2) & 3u) << 4 | fc0 >> 4;
            if (s.types >> kind & 1) {
                r.push_back(p);
            } else {
                ++filtered;
                filtered_acked += for_rx;
            }
        }
        return r;
    }
    /// A frame of the type (frame control's first octet) `fc0` from `from` to `ra`.
    void send(std::uint32_t from, const mac_address& ra, std::uint8_t fc0) {
        bool ack = false;
        const auto expected = receivers(from, ra, fc0, ack);
        std::array<std::uint8_t, 24 + 8> f{};
        f[0] = fc0;
        std::copy(ra.octets.begin(), ra.octets.end(), f.begin() + 4);
        std::optional<bool> status;
        heard.clear();
        REQUIRE(air.transmit(from, f, 60, false, [&](bool a) { status = a; }));
        time.run_for(2ms);
        INFO("from " << from << " to " << ra.to_string());
        CHECK(heard == expected);
        REQUIRE(status);
        CHECK(*status == ack);
        acked += ack;
        delivered += expected.size();
    }
};
}  // namespace

TEST_CASE("a frame reaches the listeners of its channel that take its receive address and type",
          "[driver][medium]") {
    random_ports w;
    std::mt19937 rng(2024);
    const auto pick = [&](std::size_t n) { return std::uint32_t(rng() % n); };
    for (int i = 0; i < 24; ++i) {  // some lossy links
        const std::uint32_t from = pick(16), to = pick(16);
        w.ports[from].loss[to] = 0.25;
        w.air.set_link(from, to, 0.25);
    }
    for (int k = 0; k < 4000; ++k) {
        const std::uint32_t p = pick(w.ports.size());
        auto& s = w.ports[p];
        switch (pick(12)) {
            case 0:
                s.freq = random_ports::freqs[pick(3)];
                w.air.tune(p, s.freq);
                break;
            case 1:
            case 2:
                s.listening = pick(4) != 0;
                w.air.set_listening(p, s.listening);
                break;
            case 3: {  // up to 10 addresses (8 are kept), now and then one twice
                s.addrs.clear();
                for (std::uint32_t n = pick(4) == 0 ? pick(11) : pick(3); n > 0; --n)
                    s.addrs.push_back(w.pool[pick(8)]);  // 8 to 11 are never held
                w.air.set_addresses(p, s.addrs);
                break;
            }
            case 4:
                s.filter = pick(3) != 0;
                w.air.set_address_filter(p, s.filter);
                break;
            case 5:
                if (pick(2) == 0) {  // all types, or one of three filters
                    constexpr std::array<std::uint64_t, 4> filters{
                        ~std::uint64_t{0}, ~(std::uint64_t{1} << 4),  // no probe requests
                        ~(std::uint64_t{0xffff} << 16),               // no control frames
                        std::uint64_t{0xffff} << 32};                 // data frames only
                    s.types = filters[pick(4)];
                    w.air.set_frame_filter(p, s.types);
                } else if (pick(10) == 0) {
                    s.attached = false;
                    s.listening = false;
                    s.addrs.clear();
                    w.air.detach(p);
                } else if (pick(10) == 0 && w.ports.size() < 24) {
                    w.attach();
                }
                break;
            default: {
                if (!s.attached) break;
                const std::uint32_t to = pick(10);
                const mac_address ra = to == 0   ? mac_address::broadcast()
                                       : to == 1 ? mac_address{{0x01, 0x00, 0x5e, 0, 0, 1}}
                                                 : w.pool[pick(w.pool.size())];
                // Data, probe request, beacon or PS-Poll.
                constexpr std::array<std::uint8_t, 4> fc0{0x08, 0x40, 0x80, 0xa4};
                w.send(p, ra, fc0[pick(4)]);
            }
        }
        REQUIRE(w.air.frequency(p) == w.ports[p].freq);
    }
    const auto& st = w.air.stats();
    CHECK(st.delivered == w.delivered);
    CHECK(st.lost == w.lost);
    CHECK(st.acked == w.acked);
    CHECK(st.absent == 0);
    // The run covers what it means to: frames acked, lost, and heard by several ports.
    CHECK(w.acked > 100);
    CHECK(w.lost > 20);
    CHECK(w.filtered > 100);
    CHECK(w.filtered_acked > 5);
    CHECK(st.delivered > st.transmitted);
}

TEST_CASE("a receiver hears a frame at its link's signal, and at the default without a link",
          "[driver][medium]") {
    virtual_time time;
    sim::medium<virtual_time> air{time, 7};
    std::array<std::uint32_t, 3> port{};
    std::array<std::vector<int>, 3> heard;
    for (std::size_t i = 0; i < port.size(); ++i) {
        port[i] =
            air.attach([&heard, i](const sim::air_frame& f) { heard[i].push_back(f.signal_dbm); });
        air.tune(port[i], 2412);
        air.set_listening(port[i], true);
    }
    const auto broadcast = [&](std::size_t from) {
        std::array<std::uint8_t, 24> f{0x80};
        std::fill(f.begin() + 4, f.begin() + 10, 0xff);
        REQUIRE(air.transmit(port[from], f, 10, false, {}));
        time.run_for(10ms);
    };
    air.set_link(port[0], port[1], 0.0, {}, -72);
    air.set_link(port[0], port[2], 0.0, 1ms, -81);  // a delayed link's own delivery
    broadcast(0);
    broadcast(1);                         // no link from 1: the default, to both
    air.set_link(port[0], port[1], 0.0);  // the link's signal back to the default
    broadcast(0);
    CHECK(heard[0] == std::vector<int>{sim::default_signal_dbm});
    CHECK(heard[1] == std::vector<int>{-72, sim::default_signal_dbm});
    CHECK(heard[2] == std::vector<int>{-81, sim::default_signal_dbm, -81});
}

TEST_CASE("a receiver's prefetch plan is told of a frame prefetch_ahead deliveries before its own",
          "[driver][medium][prefetch]") {
    using medium_type = sim::medium<virtual_time>;
    constexpr std::size_t ahead = medium_type::prefetch_ahead;
    constexpr std::size_t n = ahead + 5;  // the sender and n - 1 receivers, in port order
    virtual_time time;
    medium_type air{time, 3};
    std::array<std::uint32_t, n> port{};
    struct record {
        std::vector<std::pair<char, std::size_t>> log;  // ('t', i): port i told; ('d', i): handed
        std::vector<std::vector<std::uint8_t>> told;    // the frames the plans were told of
    } r;
    std::array<int, 4> state{};  // what the plans' lines point at
    for (std::size_t i = 0; i < n; ++i) {
        port[i] = air.attach([&r, i](const sim::air_frame&) { r.log.push_back({'d', i}); });
        air.tune(port[i], 2412);
        air.set_listening(port[i], true);
        if (i == ahead + 2) continue;  // one receiver without a plan
        medium_type::prefetch_plan plan;
        plan.lines.add(state.data(), sizeof state);
        plan.frame = [&r, i](const sim::air_frame& f) {
            r.log.push_back({'t', i});
            r.told.emplace_back(f.bytes.begin(), f.bytes.end());
        };
        air.set_prefetch(port[i], std::move(plan));
    }
    const std::array<std::uint8_t, 24> frame{0x80, 0,    0,    0,    0xff, 0xff,
                                             0xff, 0xff, 0xff, 0xff, 0x02};
    // A port that leaves while the frame is on the air is neither told nor handed anything.
    const auto broadcast = [&](bool last_leaves) {
        r = {};
        REQUIRE(air.transmit(port[0], frame, 10, false, {}));
        if (last_leaves) air.detach(port[n - 1]);
        time.run_for(10ms);
    };
    // Receiver k (port k + 1) is told just before receiver k - ahead is handed the frame.
    const auto expected = [&](std::size_t last_port) {
        std::vector<std::pair<char, std::size_t>> e;
        for (std::size_t p = 1; p <= last_port; ++p) {
            const std::size_t told = p + ahead;
            if (told <= last_port && told != ahead + 2) e.push_back({'t', told});
            e.push_back({'d', p});
        }
        return e;
    };
    const std::vector<std::uint8_t> sent(frame.begin(), frame.end());
    broadcast(false);
    CHECK(r.log == expected(n - 1));
    CHECK(r.told == std::vector<std::vector<std::uint8_t>>(n - 1 - ahead - 1, sent));
    broadcast(true);
    CHECK(r.log == expected(n - 2));
}

TEST_CASE("a receiver's RX filter as it is when a frame arrives decides whether it takes it",
          "[driver][medium]") {
    // Hardware filters what it receives: a filter that closes while a frame is on the air applies
    // to it. The acknowledgement was decided when it was sent.
    virtual_time time;
    sim::medium<virtual_time> air{time, 3};
    const std::array<mac_address, 2> addr{mac_address{{0x02, 0, 0, 0, 2, 0}},
                                          mac_address{{0x02, 0, 0, 0, 2, 1}}};
    std::size_t heard = 0;
    std::array<std::uint32_t, 2> port{};
    for (std::size_t i = 0; i < 2; ++i) {
        port[i] = air.attach([&heard](const sim::air_frame&) { ++heard; });
        air.set_listening(port[i], true);
        air.set_addresses(port[i], std::span(&addr[i], 1));
        air.set_address_filter(port[i], true);
    }
    const auto send = [&](std::uint8_t fc0, const mac_address& to, auto&& meanwhile) {
        std::array<std::uint8_t, 24> f{fc0};
        std::copy(to.octets.begin(), to.octets.end(), f.begin() + 4);
        std::optional<bool> acked;
        heard = 0;
        REQUIRE(air.transmit(port[0], f, 10, false, [&](bool a) { acked = a; }));
        meanwhile();  // the frame is on the air (its airtime at 1 Mb/s)
        time.run_for(10ms);
        REQUIRE(acked);
        return *acked;
    };
    using medium = sim::medium<virtual_time>;
    const std::uint64_t no_probe_req =
        ~medium::type_bit(ieee80211::frame_type::management, ieee80211::mgmt_subtype::probe_req);
    send(0x40, mac_address::broadcast(), [] {});
    CHECK(heard == 1);
    send(0x40, mac_address::broadcast(), [&] { air.set_frame_filter(port[1], no_probe_req); });
    CHECK(heard == 0);
    // A filter that opens while a frame is on the air does not bring it back: the receivers are
    // chosen when it is sent.
    send(0x40, mac_address::broadcast(), [&] { air.set_frame_filter(port[1], ~std::uint64_t{0}); });
    CHECK(heard == 0);
    send(0x40, mac_address::broadcast(), [] {});
    CHECK(heard == 1);
    CHECK(send(0x08, addr[1], [] {}));
    CHECK(heard == 1);
    // Its address gone while the frame is on the air: acknowledged, not taken.
    CHECK(send(0x08, addr[1], [&] { air.set_addresses(port[1], {}); }));
    CHECK(heard == 0);
    // Filtered by type when sent: acknowledged all the same, and not taken.
    air.set_addresses(port[1], std::span(&addr[1], 1));
    air.set_frame_filter(port[1], ~medium::type_bits(ieee80211::frame_type::data));
    CHECK(send(0x08, addr[1], [] {}));
    CHECK(heard == 0);
}
