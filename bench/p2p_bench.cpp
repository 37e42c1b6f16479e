// SPDX-License-Identifier: MIT
// P2P engine at scale, under virtual time: virtual seconds from find to device-found and from
// connect to both groups started through WPS (PBC and PIN) and the 4-way handshake (medians
// over seeds), the wall-clock cost of one WPS registration's cryptography, and of simulating N
// devices discovering one another.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "heap_usage.hpp"
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

// ---- N devices in p2p_find ---------------------------------------------------------------------

namespace {
/// What one device has reported: the distinct devices its device_found events named (a device
/// found again after a loss counts once), as a bit per device of the world.
struct found_state {
    const std::unordered_map<mac_address, std::size_t>* index = nullptr;
    std::vector<bool> seen;
    std::size_t distinct = 0;
};
/// The events sink of BM_p2p_find_n: counts distinct devices found instead of keeping the events
/// (whose copies would dominate the memory measured at N = 500). Built as the recording sink is,
/// then pointed at the device's state.
struct found_sink {
    std::vector<p2p::event::any>* unused = nullptr;
    found_state* state = nullptr;
    template <class E>
    void operator()(const E& e) const {
        if constexpr (std::is_same_v<E, p2p::event::device_found>) {
            if (!state) return;
            const auto it = state->index->find(e.peer.dev_addr);
            if (it != state->index->end() && !state->seen[it->second]) {
                state->seen[it->second] = true;
                ++state->distinct;
            }
        }
    }
};
using counting_world = test::p2p_world<test::loopback_software_roc, found_sink>;

/// One of the main per-device objects: what it is, its size (for the peer and the BSS entry, by
/// their tables' capacities), and the counter that carries it into the JSON.
struct contributor {
    const char* what;
    const char* counter;
    std::size_t bytes;
};
/// The main per-device objects, nested as they are held. The p2p::device is one heap allocation;
/// the tables' entries and the driver's event ring are on the heap, grown as they fill.
std::vector<contributor> contributors() {
    using dev = counting_world::device_type;
    using stack = dev::stack_type;
    using radio = std::remove_reference_t<decltype(std::declval<stack&>().radio())>;
    using data_path = std::remove_reference_t<decltype(std::declval<radio&>().sink())>;
    using stations = std::remove_reference_t<decltype(std::declval<data_path&>().stations())>;
    using driver = test::loopback_software_roc::driver_type;
    return {
        {"p2p::device (wiphy and engine, one allocation)", "sizeof_p2p_device",
         sizeof(typename dev::device_type)},
        {"  mac::stack", "sizeof_mac_stack", sizeof(stack)},
        {"    mac::radio", "sizeof_mac_radio", sizeof(radio)},
        {"      mac::data_path", "sizeof_data_path", sizeof(data_path)},
        {"        station table (slots; stations allocated)", "sizeof_station_table",
         sizeof(stations)},
        {"      loopback driver", "sizeof_loopback_driver", sizeof(driver)},
        {"    mac::bss_table", "sizeof_bss_table", sizeof(mac::bss_table)},
        {"  cfg::config", "sizeof_cfg_config", sizeof(typename dev::config_type)},
        {"  p2p::engine", "sizeof_p2p_engine", sizeof(typename dev::engine_type)},
        {"    p2p device state", "sizeof_p2p_device_state", sizeof(p2p::detail::device_state)},
        {"heap: p2p::peer x 100 (full peer table)", "bytes_peers_full",
         sizeof(p2p::peer) * p2p::peer_table::capacity},
        {"heap: mac::bss and bss_heard x 1000 (full BSS table, without elements and index)",
         "bytes_bss_full", (sizeof(mac::bss) + sizeof(mac::bss_heard)) * mac::bss_table::capacity},
    };
}
/// Prints the contributors once to stderr.
void print_contributors() {
    static bool done = false;
    if (std::exchange(done, true)) return;
    std::fprintf(stderr, "p2p_bench: the main objects of one simulated P2P device (bytes)\n");
    for (const auto& c : contributors()) std::fprintf(stderr, "  %-58s %8zu\n", c.what, c.bytes);
    std::fprintf(stderr, "  (frame buffers: %zu bytes each, from one pool shared by the world)\n",
                 frame_buffer_size);
}
}  // namespace

/// N devices in p2p_find (seed 3), checked every 100 ms of virtual time.
///
/// - virtual_s_to_all_found (N <= 100): until every device has reported every other one.
/// - virtual_s_to_quorum: until every device has reported at least min(N - 1, 100) distinct
///   devices, 100 being the peer table's capacity (wpa_supplicant's max_peers): with more than
///   101 devices no device can hold every other one at once, and a device evicted from a full
///   table is reported again when heard again, so "every other one" would measure the churn of
///   the table, not discovery. Distinct devices are counted, not events. For N <= 101 it is the
///   same time as virtual_s_to_all_found.
/// - virtual_s_per_wall_s: virtual seconds simulated per wall second up to the quorum;
///   virtual_s_per_cpu_s per second of the process's CPU time (a loaded machine stretches the
///   wall time, not that).
/// - pairs_found_at_10s: the fraction of the N (N - 1) ordered pairs (i has reported j) reached
///   10 virtual seconds after the find started (1 once every device has reported every other).
/// - probe_requests_read, probe_requests_known: the probe requests the devices read to the
///   quorum, and those a peer's kept request answered without a reading.
/// - bytes_per_device: the peak of live heap bytes from before the world is built to the end of
///   the run, over N; bytes_per_device_built: what the built world holds before the find, over N.
///   The sizeof_* and bytes_*_full counters (printed once to stderr too) name what they are
///   made of.
static void BM_p2p_find_n(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const std::size_t quorum = std::min(n - 1, p2p::peer_table::capacity);
    constexpr duration pairs_at = 10s;
    for (auto _ : state) {
        const memory_probe mem;
        std::unordered_map<mac_address, std::size_t> index;
        std::vector<found_state> found(n);
        auto w = std::make_unique<counting_world>(n, 3);
        for (std::size_t i = 0; i < n; ++i) {
            index.emplace(w->addr(i), i);
            found[i].index = &index;
            found[i].seen.assign(n, false);
            w->devs[i]->dev->sink() = found_sink{nullptr, &found[i]};
        }
        state.counters["bytes_per_device_built"] = mem.heap_per_device(n);
        auto reached = [&](std::size_t k) {
            return std::all_of(found.begin(), found.end(),
                               [&](const found_state& f) { return f.distinct >= k; });
        };
        const auto start = w->time.now();
        for (std::size_t i = 0; i < n; ++i) (void)w->engine(i).find();
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        w->run_until([&] { return reached(quorum); }, 120s, 100ms);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
        const double virt = seconds(w->time.now() - start);
        state.counters["quorum_reached"] = reached(quorum) ? 1 : 0;
        state.counters["virtual_s_to_quorum"] = virt;
        if (n <= p2p::peer_table::capacity) {
            state.counters["all_found"] = reached(n - 1) ? 1 : 0;
            state.counters["virtual_s_to_all_found"] = virt;
        }
        state.counters["virtual_s_per_wall_s"] = virt / wall;
        // The same per second of this process's CPU time: what a loaded machine does not disturb.
        state.counters["virtual_s_per_cpu_s"] = virt / cpu;
        state.counters["deliveries_per_virtual_s"] = double(w->air.stats().delivered) / virt;
        state.counters["ns_per_delivery"] = wall * 1e9 / double(w->air.stats().delivered);
        // Probe requests read, and those a peer's kept request answered (peer::request).
        double requests_read = 0, requests_known = 0;
        for (std::size_t i = 0; i < n; ++i) {
            requests_read += double(w->engine(i).discovery_stats().requests_read);
            requests_known += double(w->engine(i).discovery_stats().requests_known);
        }
        state.counters["probe_requests_read"] = requests_read;
        state.counters["probe_requests_known"] = requests_known;
        // On to 10 s, or until every pair is found (the fraction cannot grow further).
        if (w->time.now() - start < pairs_at)
            w->run_until([&] { return reached(n - 1); }, pairs_at - (w->time.now() - start), 100ms);
        std::size_t pairs = 0;
        for (const auto& f : found) pairs += f.distinct;
        state.counters["pairs_found_at_10s"] = double(pairs) / double(n * (n - 1));
        mem.report(state, n);
        for (const auto& c : contributors()) state.counters[c.counter] = double(c.bytes);
        print_contributors();
    }
}
BENCHMARK(BM_p2p_find_n)
    ->Arg(2)
    ->Arg(10)
    ->Arg(50)
    ->Arg(100)
    ->Arg(200)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
// 500 devices take seconds per run: one run, whatever --benchmark_repetitions says.
BENCHMARK(BM_p2p_find_n)->Arg(500)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(1);
