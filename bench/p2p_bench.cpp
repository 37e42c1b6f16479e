// SPDX-License-Identifier: MIT
// P2P engine at scale, under virtual time: virtual seconds from find to device-found and from
// connect to both groups started through WPS (PBC and PIN) and the 4-way handshake (medians
// over seeds), the wall-clock cost of one WPS registration's cryptography, and of simulating N
// devices discovering one another.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "p2p_world.hpp"

#include <softmac/wps/enrollee.hpp>
#include <softmac/wps/registrar.hpp>

using namespace softmac;
using namespace std::chrono_literals;
using world = test::p2p_world<test::loopback_software_roc>;

namespace {
constexpr int seeds = 9;

double seconds(duration d) { return std::chrono::duration<double>(d).count(); }
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
/// Runs until pred() (10 ms steps) or the limit; returns the virtual time it took.
template <class P>
duration time_until(world& w, P&& pred, duration limit, duration step = 10ms) {
    const auto start = w.time.now();
    w.run_until(std::forward<P>(pred), limit, step);
    return w.time.now() - start;
}
/// Every device has reported every other one (counted without copying the events).
bool all_found(world& w) {
    for (std::size_t i = 0; i < w.devs.size(); ++i) {
        const auto& ev = w[i].events;
        const auto found = std::count_if(ev.begin(), ev.end(), [](const p2p::event::any& e) {
            return std::holds_alternative<p2p::event::device_found>(e);
        });
        if (static_cast<std::size_t>(found) + 1 < w.devs.size()) return false;
    }
    return true;
}
/// Both devices run p2p_find; the virtual time until each has reported the other.
duration find_both(world& w) {
    (void)w.engine(0).find();
    (void)w.engine(1).find();
    return time_until(
        w, [&] { return all_found(w); }, 30s);
}
}  // namespace

/// Two devices, both in p2p_find: virtual seconds until each has reported the other.
static void BM_p2p_find_2(benchmark::State& state) {
    std::vector<double> virt;
    for (auto _ : state) {
        virt.clear();
        for (int s = 1; s <= seeds; ++s) {
            world w(2, static_cast<std::uint64_t>(s));
            virt.push_back(seconds(find_both(w)));
        }
    }
    state.counters["virtual_s_to_found_median"] = median(virt);
    state.counters["virtual_s_to_found_max"] = *std::max_element(virt.begin(), virt.end());
}
BENCHMARK(BM_p2p_find_2)->Unit(benchmark::kMillisecond)->Iterations(1);

/// Two devices that know each other, the responder listening and authorised: virtual seconds
/// from p2p_connect to both P2P-GROUP-STARTED: GO negotiation, WPS (argument 0: push-button;
/// 1: the responder shows a PIN, the initiator enters it), the client's reconnection and the
/// 4-way handshake.
static void BM_p2p_connect_2(benchmark::State& state) {
    const bool pin = state.range(0) == 1;
    std::vector<double> virt;
    for (auto _ : state) {
        virt.clear();
        for (int s = 1; s <= seeds; ++s) {
            world w(2, static_cast<std::uint64_t>(s));
            (void)find_both(w);
            w.engine(0).stop_find();
            w.engine(1).stop_find();
            (void)w.engine(1).listen();
            p2p::connect_params c;
            c.auth = true;
            if (pin) {
                c.method = p2p::wps_method::display;
                c.pin = "12345670";
            }
            (void)w.engine(1).connect(w.addr(0), c);
            c.auth = false;
            if (pin) c.method = p2p::wps_method::keypad;
            (void)w.engine(0).connect(w.addr(1), c);
            virt.push_back(seconds(time_until(
                w,
                [&] {
                    return w[0].count<p2p::event::group_started>() == 1 &&
                           w[1].count<p2p::event::group_started>() == 1;
                },
                30s)));
        }
    }
    state.counters["virtual_s_to_groups_median"] = median(virt);
    state.counters["virtual_s_to_groups_max"] = *std::max_element(virt.begin(), virt.end());
}
BENCHMARK(BM_p2p_connect_2)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

/// The wall-clock cost of one WPS registration's cryptography, both sides in one process: two
/// DH group 5 key pairs and secrets, the key schedule, E-/R-Hashes, Encrypted Settings and
/// Authenticators of M1 to WSC_Done.
static void BM_wps_registration_crypto(benchmark::State& state) {
    const mac_address sta = *mac_address::parse("02:00:00:00:01:00");
    for (auto _ : state) {
        wps::enrollee::config ec;
        ec.mac = sta;
        ec.password = "12345670";
        wps::enrollee e(std::move(ec));
        wps::registrar_run::config rc;
        rc.authorize = [](const wps::enrollee_request&) {
            return wps::password_decision{std::string("12345670"), 0};
        };
        rc.cred.ssid = "DIRECT-bm";
        rc.cred.network_key = std::string(64, 'a');
        wps::registrar_run r(std::move(rc));
        wps::reply m = e.start();
        for (bool to_r = true; m.op != wps::op::none; to_r = !to_r)
            m = to_r ? r.receive(m.op, m.message) : e.receive(m.op, m.message);
        if (!e.credential()) state.SkipWithError("the registration failed");
    }
}
BENCHMARK(BM_wps_registration_crypto)->Unit(benchmark::kMillisecond);

/// N devices in p2p_find: virtual seconds until every device has reported every other (checked
/// every 100 ms), and the simulation speed (virtual seconds per wall second).
static void BM_p2p_find_n(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    double virt = 0, wall = 0;
    for (auto _ : state) {
        world w(n, 3);
        for (std::size_t i = 0; i < n; ++i) (void)w.engine(i).find();
        const auto t0 = std::chrono::steady_clock::now();
        virt = seconds(time_until(
            w, [&] { return all_found(w); }, 120s, 100ms));
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        state.counters["all_found"] = all_found(w) ? 1 : 0;
    }
    state.counters["virtual_s_to_all_found"] = virt;
    state.counters["virtual_s_per_wall_s"] = virt / wall;
}
BENCHMARK(BM_p2p_find_n)
    ->Arg(2)
    ->Arg(10)
    ->Arg(50)
    ->Arg(100)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
