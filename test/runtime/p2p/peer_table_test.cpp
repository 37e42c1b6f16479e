// SPDX-License-Identifier: MIT
// The P2P peer table: its capacity, eviction of the least recently seen, expiry, and its index
// and orders checked against the table they replace (a scan for the oldest on each eviction).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <vector>

#include <softmac/p2p/peer_table.hpp>

using namespace softmac;
using namespace std::chrono_literals;

namespace {
mac_address peer_addr(std::uint8_t group, std::uint8_t i) { return {{0x02, 0, 0, 0, group, i}}; }

std::vector<mac_address> order_of(const p2p::peer_table& t) {
    std::vector<mac_address> out;
    for (const auto& p : t.all()) out.push_back(p.info.dev_addr);
    return out;
}

/// The table as hostap's p2p.c keeps it: a list, newest first; a full table drops the first
/// entry of the least last_seen found walking from the head; expiry walks from the head.
struct reference_table {
    struct entry {
        mac_address addr;
        time_point last_seen;
    };
    std::deque<entry> list;
    std::optional<mac_address> touch(const mac_address& a, time_point now) {
        for (const auto& e : list)
            if (e.addr == a) return std::nullopt;
        std::optional<mac_address> evicted;
        if (list.size() == p2p::peer_table::capacity) {
            const auto it = std::min_element(
                list.begin(), list.end(),
                [](const entry& x, const entry& y) { return x.last_seen < y.last_seen; });
            evicted = it->addr;
            list.erase(it);
        }
        list.push_front({a, now});
        return evicted;
    }
    void seen(const mac_address& a, time_point now) {
        for (auto& e : list)
            if (e.addr == a) e.last_seen = now;
    }
    std::vector<mac_address> expire(time_point now) {
        std::vector<mac_address> gone;
        for (auto it = list.begin(); it != list.end();) {
            if (now - it->last_seen > p2p::peer_table::expiry) {
                gone.push_back(it->addr);
                it = list.erase(it);
            } else {
                ++it;
            }
        }
        return gone;
    }
    std::vector<mac_address> order() const {
        std::vector<mac_address> out;
        for (const auto& e : list) out.push_back(e.addr);
        return out;
    }
};
}  // namespace

TEST_CASE("the peer table keeps 100 peers, evicting the least recently seen", "[p2p][peer_table]") {
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
    // Lookups after the removals find exactly the peers that are left.
    CHECK(t.find(mac_address{{0x02, 0, 0, 0, 1, 100}}) == &t.all().front());
    CHECK_FALSE(t.find(mac_address{{0x02, 0, 0, 0, 1, 50}}));
    CHECK_FALSE(t.find(mac_address{{0x02, 0, 0, 0, 1, 0}}));
    t.touch(mac_address{{0x02, 0, 0, 0, 1, 50}}, std::chrono::seconds(200));
    CHECK(t.find(mac_address{{0x02, 0, 0, 0, 1, 100}})->info.dev_addr ==
          mac_address{{0x02, 0, 0, 0, 1, 100}});
    CHECK(t.find(mac_address{{0x02, 0, 0, 0, 1, 50}}) == &t.all().front());
    t.clear([](const p2p::peer&) {});
    CHECK_FALSE(t.find(mac_address{{0x02, 0, 0, 0, 1, 100}}));
    // Peers aged out of the middle of the table: whoever hears of a loss finds the table whole.
    for (std::uint8_t i = 0; i < 10; ++i)
        t.touch(mac_address{{0x02, 0, 0, 0, 2, i}}, std::chrono::seconds(i % 2 ? 500 : 100));
    std::vector<std::uint8_t> gone;
    t.expire(std::chrono::seconds(200), {}, [&](const p2p::peer& p) {
        gone.push_back(p.info.dev_addr.octets[5]);
        CHECK_FALSE(t.find(p.info.dev_addr));
        for (std::uint8_t k = 1; k < 10; k += 2) {
            const mac_address kept{{0x02, 0, 0, 0, 2, k}};
            REQUIRE(t.find(kept));
            CHECK(t.find(kept)->info.dev_addr == kept);
        }
    });
    CHECK(gone.size() == 5);
    CHECK(t.size() == 5);
}

TEST_CASE("the peer table evicts the least recently seen after interleaved sightings",
          "[p2p][peer_table]") {
    p2p::peer_table t;
    std::optional<p2p::peer> evicted;
    // Peers 0..99 arrive one second apart; then every even peer is seen again, in reverse order,
    // and peer 1 last of all: the odd peers (but 1) are now the oldest, 3 first.
    for (std::uint8_t i = 0; i < 100; ++i) t.touch(peer_addr(1, i), std::chrono::seconds(i));
    auto tick = 100s;
    for (int i = 98; i >= 0; i -= 2) t.seen(*t.find(peer_addr(1, std::uint8_t(i))), tick += 1s);
    t.seen(*t.find(peer_addr(1, 1)), tick += 1s);
    CHECK(t.find(peer_addr(1, 1))->last_seen() == tick);
    // A lookup or a repeated touch is not a sighting.
    CHECK(t.find(peer_addr(1, 3)));
    t.touch(peer_addr(1, 3), tick + 1s);
    CHECK(t.find(peer_addr(1, 3))->last_seen() == 3s);
    std::vector<std::uint8_t> out;
    for (std::uint8_t i = 0; i < 50; ++i) {
        evicted.reset();
        t.touch(peer_addr(2, i), tick += 1s, &evicted);
        REQUIRE(evicted);
        out.push_back(evicted->info.dev_addr.octets[5]);
        CHECK_FALSE(t.find(evicted->info.dev_addr));
    }
    // 3, 5, ..., 99; then the even peers in the order they were seen again: 98 first.
    std::vector<std::uint8_t> expected;
    for (int i = 3; i < 100; i += 2) expected.push_back(std::uint8_t(i));
    expected.push_back(98);
    CHECK(out == expected);
    CHECK(t.size() == 100);
    // The newcomers are not older than the even peers: the next evictions take 96, 94, ...
    evicted.reset();
    t.touch(peer_addr(3, 0), tick += 1s, &evicted);
    REQUIRE(evicted);
    CHECK(evicted->info.dev_addr == peer_addr(1, 96));
}

TEST_CASE("of peers last seen at the same instant, the table evicts the newest",
          "[p2p][peer_table]") {
    // One scan's results are learnt at one instant: peers 0..99 are all seen at 5 s, in the
    // order 50..99, 0..49 (so neither the first seen nor the first inserted is the newest).
    p2p::peer_table t;
    for (std::uint8_t i = 0; i < 100; ++i) t.touch(peer_addr(1, i), 1s);
    for (std::uint8_t k = 0; k < 100; ++k) t.seen(*t.find(peer_addr(1, (k + 50) % 100)), 5s);
    std::optional<p2p::peer> evicted;
    std::vector<std::uint8_t> out;
    for (std::uint8_t i = 0; i < 3; ++i) {
        t.touch(peer_addr(2, i), 6s, &evicted);
        REQUIRE(evicted);
        out.push_back(evicted->info.dev_addr.octets[5]);
    }
    CHECK(out == std::vector<std::uint8_t>{99, 98, 97});  // hostap's walk from the head
    // A newcomer tied with the oldest (its clock not ahead) goes first of all.
    t.touch(peer_addr(2, 10), 5s, &evicted);
    CHECK(evicted->info.dev_addr == peer_addr(1, 96));
    t.touch(peer_addr(2, 11), 5s, &evicted);
    CHECK(evicted->info.dev_addr == peer_addr(2, 10));
    // A peer seen again at that instant (its clock behind) takes its place among them by age.
    t.seen(*t.find(peer_addr(2, 0)), 5s);
    out.clear();
    for (std::uint8_t i = 20; i < 23; ++i) {
        t.touch(peer_addr(2, i), 7s, &evicted);
        out.push_back(evicted->info.dev_addr.octets[4]);
        out.push_back(evicted->info.dev_addr.octets[5]);
    }
    CHECK(out == std::vector<std::uint8_t>{2, 11, 2, 0, 1, 95});
}

TEST_CASE("the peer table evicts, orders and expires as a scan of the whole table does",
          "[p2p][peer_table]") {
    // Random touches, sightings and expiries over 300 addresses, times moving forward by 0 to
    // 3 s (many ties) and now and then back: the evicted peers, the peers lost to expiry and the
    // table's order are the reference's at every step. Each step's address is prefetched first,
    // as a frame from it would be, from the empty table on: that changes nothing.
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        std::mt19937_64 rng(seed);
        p2p::peer_table t;
        reference_table ref;
        time_point now{};
        for (int step = 0; step < 3000; ++step) {
            const auto r = rng() % 100;
            if (r < 3) {
                now -= std::chrono::milliseconds(rng() % 2000);
            } else {
                now += std::chrono::milliseconds(500 * (rng() % 7));
            }
            const mac_address a = peer_addr(std::uint8_t(1 + rng() % 3), std::uint8_t(rng() % 100));
            t.prefetch(a);
            if (r < 60) {
                std::optional<p2p::peer> evicted;
                t.touch(a, now, &evicted);
                const auto expected = ref.touch(a, now);
                REQUIRE(evicted.has_value() == expected.has_value());
                if (expected) REQUIRE(evicted->info.dev_addr == *expected);
            } else if (r < 97) {
                if (auto* p = t.find(a)) {
                    t.seen(*p, now);
                    ref.seen(a, now);
                }
            } else {
                std::vector<mac_address> gone;
                t.expire(now, {}, [&](const p2p::peer& p) { gone.push_back(p.info.dev_addr); });
                REQUIRE(gone == ref.expire(now));
            }
            REQUIRE(t.size() == ref.list.size());
            if (step % 50 == 0) {
                REQUIRE(order_of(t) == ref.order());
                for (const auto& e : ref.list) {
                    REQUIRE(t.find(e.addr));
                    REQUIRE(t.find(e.addr)->last_seen() == e.last_seen);
                }
            }
        }
    }
}
