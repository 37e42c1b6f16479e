// SPDX-License-Identifier: MIT
/// @file P2P engine scenarios that more than one test file runs, each on the devices it has.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "p2p_world.hpp"

namespace softmac::test {

/// @brief Devices a and b find each other; then only b stays reachable (listening).
template <class W>
void discover(W& w, std::size_t a = 0, std::size_t b = 1) {
    using namespace std::chrono_literals;
    REQUIRE(w.engine(a).find());
    REQUIRE(w.engine(b).find());
    REQUIRE(w.run_until([&] { return w.knows(a, b) && w.knows(b, a); }, 20s));
    w.engine(a).stop_find();
    w.engine(b).stop_find();
    REQUIRE(w.engine(b).listen());  // the responder stays reachable
}

/// @brief Connect parameters: an intent, a method, `auth` only, a forced frequency.
inline p2p::connect_params with(std::uint8_t intent, p2p::wps_method m = p2p::wps_method::pbc,
                                bool auth = false, std::uint16_t freq = 0) {
    p2p::connect_params c;
    c.method = m;
    c.go_intent = intent;
    c.auth = auth;
    c.freq = freq;
    return c;
}

/// @brief GO negotiation with a peer that never hears the requests but probes between them:
/// each of its probe requests ends the requester's listen period and the request goes again,
/// until 120 requests fail with no status and the radio is free. The MAC's remain-on-channel
/// reports a cancellation at once, a driver's later: run on both.
template <class W>
void go_neg_requests_follow_a_probing_peer(W& w) {
    using namespace std::chrono_literals;
    namespace ev = p2p::event;
    discover(w);
    w.engine(1).stop_find();
    // B never hears A's requests, but its search scans probe A's listen channel while A listens
    // between requests: each probe request ends A's listen period and the request goes again.
    const auto p0 = w.port(0);
    const auto p1 = w.port(1);
    w.air.set_link(p0, p1, 1.0);
    REQUIRE(w.engine(1).find());
    REQUIRE(w.engine(0).connect(w.addr(1), with(7)));
    // 120 requests, each followed by at most 200 ms of waiting and a 300 ms listen period.
    const bool ended =
        w.run_until([&] { return w[0].template count<ev::go_neg_failure>() == 1; }, 120s, 100ms);
    INFO("A's state: " << p2p::to_string(w.engine(0).current()));
    REQUIRE(ended);
    CHECK(w[0].template all<ev::go_neg_failure>()[0].status == ev::go_neg_failure::no_status);
    CHECK(w.engine(0).current() == p2p::state::idle);
    CHECK(w[0].template count<ev::go_neg_success>() == 0);
    REQUIRE(w.engine(0).find());  // nothing is left holding the radio
    w.air.set_link(p0, p1, 0.0);
    REQUIRE(w.run_until([&] { return w[0].template count<ev::device_found>() >= 2; }, 20s));
}

}  // namespace softmac::test
