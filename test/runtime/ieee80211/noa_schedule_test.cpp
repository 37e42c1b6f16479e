// SPDX-License-Identifier: MIT
// The absences a P2P Notice of Absence announces, checked against hand-computed TSF values.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>

#include <softmac/ieee80211/noa_schedule.hpp>
#include <softmac/ieee80211/p2p.hpp>

using namespace softmac;
namespace p2p = softmac::ieee80211::p2p;
using p2p::absence;

namespace {
p2p::notice_of_absence one(p2p::notice_of_absence::descriptor d) { return {0, 0, 1, {d, {}}}; }
}  // namespace

TEST_CASE("a one-shot NoA is one absence of its duration from its start", "[ieee80211][noa]") {
    const auto n = one({1, 20000, 0, 100000});  // interval is not read for count 1
    CHECK(p2p::has_schedule(n));
    CHECK(p2p::absence_at_or_after(n, 0) == absence{100000, 120000});
    CHECK(p2p::absence_at_or_after(n, 110000) == absence{100000, 120000});
    CHECK(p2p::absence_at_or_after(n, 120000) == std::nullopt);
    CHECK_FALSE(p2p::absent_at(n, 99999));
    CHECK(p2p::absent_at(n, 100000));
    CHECK(p2p::absent_at(n, 119999));
    CHECK_FALSE(p2p::absent_at(n, 120000));
}

TEST_CASE("a count-limited NoA ends after its count of absences", "[ieee80211][noa]") {
    const auto n = one({3, 10000, 30000, 1000});  // [1000,11000) [31000,41000) [61000,71000)
    CHECK(p2p::absence_at_or_after(n, 0) == absence{1000, 11000});
    CHECK(p2p::absence_at_or_after(n, 11000) == absence{31000, 41000});
    CHECK(p2p::absence_at_or_after(n, 40999) == absence{31000, 41000});
    CHECK(p2p::absence_at_or_after(n, 65000) == absence{61000, 71000});
    CHECK(p2p::absence_at_or_after(n, 71000) == std::nullopt);
    CHECK(p2p::absent_at(n, 61000));
    CHECK_FALSE(p2p::absent_at(n, 45000));
    CHECK_FALSE(p2p::absent_at(n, 91000));  // a fourth absence would be [91000,101000)
}

TEST_CASE("a periodic NoA repeats without end", "[ieee80211][noa]") {
    const auto n = one({255, 50000, 100000, 0});
    CHECK(p2p::absence_at_or_after(n, 10030000) == absence{10000000, 10050000});
    CHECK(p2p::absence_at_or_after(n, 10050000) == absence{10100000, 10150000});
    CHECK(p2p::absent_at(n, 10049999));
    CHECK_FALSE(p2p::absent_at(n, 10050000));
    CHECK_FALSE(p2p::absent_at(n, 10099999));
}

TEST_CASE("two descriptors give the union of their absences, touching ones merged",
          "[ieee80211][noa]") {
    // d0: [0,10000) every 100000; d1: [208000,213000) and [308000,313000).
    const p2p::notice_of_absence n{0, 0, 2, {{255, 10000, 100000, 0}, {2, 5000, 100000, 208000}}};
    CHECK(p2p::absence_at_or_after(n, 105000) == absence{100000, 110000});
    CHECK(p2p::absence_at_or_after(n, 110000) == absence{200000, 213000});  // overlapping
    CHECK(p2p::absence_at_or_after(n, 211000) == absence{200000, 213000});
    CHECK(p2p::absence_at_or_after(n, 213000) == absence{300000, 313000});
    CHECK(p2p::absence_at_or_after(n, 313000) == absence{400000, 410000});  // d1 is over
    CHECK(p2p::absent_at(n, 212000));
    // A second descriptor that starts where the first one's absence ends extends it.
    const p2p::notice_of_absence touching{0, 0, 2, {{255, 10000, 100000, 0}, {1, 5000, 0, 310000}}};
    CHECK(p2p::absence_at_or_after(touching, 250000) == absence{300000, 315000});
}

TEST_CASE("start times are the TSF nearest the query with their low 32 bits", "[ieee80211][noa]") {
    constexpr std::uint64_t wrap = std::uint64_t{1} << 32;
    // Queried just after the low 32 bits wrapped: a start of 0xfffff000 lies 5096 µs before.
    const auto before = one({1, 10000, 0, 0xfffff000u});
    CHECK(p2p::absence_at_or_after(before, wrap + 1000) ==
          absence{wrap - 4096, wrap - 4096 + 10000});
    CHECK(p2p::absent_at(before, wrap + 1000));
    // Queried just before the wrap: a start of 3000 lies 4000 µs after.
    const auto after = one({1, 5000, 0, 3000});
    CHECK(p2p::absence_at_or_after(after, wrap - 1000) == absence{wrap + 3000, wrap + 8000});
    CHECK_FALSE(p2p::absent_at(after, wrap - 1000));
    // An absence that would begin before TSF 0 begins at 0.
    const auto early = one({1, 2000, 0, 0xffffff00u});
    CHECK(p2p::absence_at_or_after(early, 1000) == absence{0, 1744});
}

TEST_CASE("a schedule kept past 2^31 us needs the time it was learnt as the reference",
          "[ieee80211][noa]") {
    const auto n = one({255, 10000, 100000, 0});
    const std::uint64_t later = 3000000050;  // 30000 intervals after the start
    CHECK(p2p::absent_at(n, later, 0));
    CHECK(p2p::absence_at_or_after(n, later, 0) == absence{3000000000, 3000010000});
    // Extended near `later` itself the start is 2^32, still ahead: nothing is absent yet.
    CHECK_FALSE(p2p::absent_at(n, later));
    CHECK(p2p::absence_at_or_after(n, later) ==
          absence{std::uint64_t{1} << 32, (std::uint64_t{1} << 32) + 10000});
}

TEST_CASE("descriptors without a count, a duration or an interval above the duration are ignored",
          "[ieee80211][noa]") {
    CHECK_FALSE(p2p::has_schedule(one({2, 10000, 10000, 0})));    // interval == duration
    CHECK_FALSE(p2p::has_schedule(one({255, 20000, 10000, 0})));  // interval < duration
    CHECK_FALSE(p2p::has_schedule(one({0, 10000, 100000, 0})));
    CHECK_FALSE(p2p::has_schedule(one({255, 0, 100000, 0})));
    CHECK(p2p::absence_at_or_after(one({255, 20000, 10000, 0}), 5000) == std::nullopt);
    CHECK_FALSE(p2p::absent_at(one({2, 10000, 10000, 0}), 5000));
    // CTWindow and OppPS alone are no absence (softmac's clients never doze).
    const p2p::notice_of_absence opp_ps{1, 0x8a, 0, {}};
    CHECK_FALSE(p2p::has_schedule(opp_ps));
    CHECK_FALSE(p2p::absent_at(opp_ps, 0));
    // An ignored descriptor next to a valid one leaves the valid one.
    const p2p::notice_of_absence mixed{0, 0, 2, {{3, 30000, 20000, 0}, {1, 1000, 0, 50000}}};
    CHECK(p2p::has_schedule(mixed));
    CHECK(p2p::absence_at_or_after(mixed, 0) == absence{50000, 51000});
}

TEST_CASE("two descriptors that leave no time present come back in bounded pieces",
          "[ieee80211][noa]") {
    // [0,60000) and [50000,110000) every 100000: always absent from TSF 0.
    const p2p::notice_of_absence n{0, 0, 2, {{255, 60000, 100000, 0}, {255, 60000, 100000, 50000}}};
    const auto a = p2p::absence_at_or_after(n, 1000);
    REQUIRE(a);
    CHECK(a->start_us == 0);
    CHECK(a->end_us > 1000000);
    CHECK(p2p::absent_at(n, a->end_us));  // the next piece begins where this one ends
}
