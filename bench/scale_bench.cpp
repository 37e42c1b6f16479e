// SPDX-License-Identifier: MIT
// The cost of simulating many 802.11 devices on one channel under virtual time, as the number of
// devices grows: N radios on 2412 MHz of one sim::medium, each sending a 136-octet beacon every
// 100 TU for 10 virtual seconds, N = 10 to 1000. Reported: wall nanoseconds per delivery (one
// radio receiving one frame), virtual seconds simulated per wall second, the deliveries, and the
// memory each device takes: bytes_per_device is the peak of live heap bytes (counted through
// operator new) while the world is built and run, above what was live before, over N;
// rss_bytes_per_device is the resident set's growth over the same span, over N.
//
// BM_scale_radio: mac::radio over the loopback driver, its upcalls going to a sink that counts
// them; radio i hands its beacon to radio.tx at 6 Mbit/s every 100 TU from i × 100 TU / N on.
//
// BM_scale_stack: one mac::stack per device, its AP interface beaconing through start_ap (at
// 1 Mbit/s, the lowest basic rate), so that every beacon heard goes through the MAC's
// management RX into its BSS table: up to 1000 entries (cfg80211's bss_entries_limit), the
// least recently heard evicted from an LRU order (with more than 1000 neighbours, every beacon
// heard would evict one and be read in full; with fewer, a neighbour's beacon whose elements but
// the TIM are those of its last one is not read again, only its time, signal and TSF are taken,
// as the entry's record tells). Every device beacons at the same interval, so each beacon a
// device hears is the least recently heard BSS's, found without the table's index.
// Every device keeps its own TSF, so that device i's TBTTs fall i × 100 TU / N into each beacon
// interval of the medium's time, as independent APs' are spread (on one TSF every AP's TBTT
// would fall on the same microsecond).
//
// Neither variant loses a frame to airtime (sim::medium models no collisions) as long as the
// frames in the air fit the medium's 4096 buffers (one per transmission, shared by its
// receivers): at 1 Mbit/s a beacon takes 1312 µs, 13 in the air at once at N = 1000. The
// counters say what was transmitted, lost to the medium's buffers, and not delivered otherwise: the
// copies an AP's first beacon would have given the APs not started yet, N × (N - 1) / 2 in all, and
// those still in the air at the end.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <softmac/mac/stack.hpp>

#include "driver_world.hpp"
#include "heap_usage.hpp"

namespace {
using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;

constexpr duration beacon_interval = 102400us;  // 100 TU
constexpr duration run_time = 10s;
constexpr std::size_t beacon_octets = 136;
constexpr ie::channel home = test::band_2ghz::home_channel;  // 2412 MHz

/// Device i's place in the beacon interval: i × 100 TU / N.
duration stagger(std::size_t i, std::size_t n) {
    return beacon_interval * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(n);
}

std::string ssid_of(std::size_t i) {
    char s[16];
    std::snprintf(s, sizeof s, "scale-%04zu", i);
    return s;
}

/// The elements after the TIM: ERP, HT Capabilities, HT Operation and Extended Capabilities, as
/// an 802.11n AP on channel 1 sends them (63 octets).
std::vector<std::uint8_t> beacon_tail() {
    std::vector<std::uint8_t> t(63);
    byte_writer w(t);
    const std::uint8_t erp[1] = {0};
    // SM power save off, short GI at 20 MHz, one RX STBC stream; A-MPDUs of 64 KiB; MCS 0-7.
    const std::uint8_t ht_cap[26] = {0x2c, 0x01, 0x03, 0xff};
    const std::uint8_t ht_op[22] = {home.number};
    const std::uint8_t ext_cap[6] = {0x04, 0, 0, 0, 0, 0};  // extended channel switching
    ie::put::raw(w, ie::eid::erp, erp);
    ie::put::raw(w, ie::eid::ht_capabilities, ht_cap);
    ie::put::raw(w, ie::eid::ht_operation, ht_op);
    ie::put::raw(w, ie::eid::extended_capabilities, ext_cap);
    t.resize(w.ok() ? w.size() : 0);
    return t;
}

/// Device i's AP settings: the beacon head for its SSID on channel 1 with the 2.4 GHz rates,
/// and the tail; with the TIM the MAC puts between them, the beacon has 136 octets.
mac::ap_params ap_params_of(const mac_address& bssid, std::size_t i) {
    const auto tail = beacon_tail();
    return mac::make_ap_params(bssid, ssid_of(i), home, ie::rates_2ghz, false,
                               mac::hidden_ssid::not_hidden, 100, tail);
}

/// The beacon the MAC would send for these settings: head, a TIM without traffic, tail.
std::vector<std::uint8_t> beacon_of(const mac::ap_params& p) {
    std::vector<std::uint8_t> f(p.head);
    std::uint8_t tim[6];
    byte_writer w(tim);
    ie::put::tim(w, 0, 1, 0, bytes_view{});
    f.insert(f.end(), tim, tim + w.size());
    f.insert(f.end(), p.tail.begin(), p.tail.end());
    return f;
}

/// Runs the world's 10 virtual seconds and reports the rates.
template <class World>
void run_and_report(benchmark::State& state, World& w, std::size_t n, const memory_probe& mem) {
    const auto t0 = std::chrono::steady_clock::now();
    w.time.run_until(run_time);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto deliveries = w.deliveries();
    const auto& st = w.air.stats();
    state.counters["deliveries"] = double(deliveries);
    state.counters["ns_per_delivery"] = deliveries ? wall * 1e9 / double(deliveries) : 0;
    state.counters["virtual_s_per_wall_s"] = std::chrono::duration<double>(run_time).count() / wall;
    state.counters["transmitted"] = double(st.transmitted);
    // Copies the medium could not make (its buffers all in the air); copies not made for
    // radios not yet listening (an AP's first beacons reach only the APs already up) and copies
    // whose delivery falls after the end.
    state.counters["lost"] = double(st.lost);
    state.counters["undelivered"] = double(st.transmitted * (n - 1) - st.delivered - st.lost);
    mem.report(state, n);
}

// ---- BM_scale_radio -----------------------------------------------------------------------------

/// Counts the frames a radio hands up; everything else is dropped.
struct counting_sink {
    std::uint64_t rx = 0, tx_status = 0;
    void on_rx(frame_buffer&&, const driver::rx_status&) { ++rx; }
    void on_tx_status(frame_buffer&&, const driver::tx_status&) { ++tx_status; }
    void on_roc_ready(std::uint64_t) {}
    void on_roc_expired(std::uint64_t) {}
    void on_scan_done(bool) {}
};

struct radio_world {
    using cfg = test::loopback_software_roc;
    using radio_type = mac::radio<cfg::driver_type, virtual_time, counting_sink>;
    virtual_time time;
    sim::medium<virtual_time> air{time, 1};
    heap_pool pool{frame_buffer_size, 4096};
    std::vector<std::unique_ptr<radio_type>> radios;
    std::vector<driver::vif> vifs;
    std::vector<std::vector<std::uint8_t>> beacons;

    explicit radio_world(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            radios.push_back(test::make_radio<cfg, counting_sink>(
                time, air, static_cast<std::uint16_t>(i), counting_sink{}));
            auto& r = *radios.back();
            if (!r.register_hw() || !r.set_channel(home)) throw std::runtime_error("radio setup");
            auto v = r.add_interface(driver::iftype::ap);
            if (!v) throw std::runtime_error("add_interface failed");
            r.set_active(*v, true);
            vifs.push_back(*v);
            beacons.push_back(beacon_of(ap_params_of(v->addr, i)));
            if (beacons.back().size() != beacon_octets)
                throw std::runtime_error("the beacon is not 136 octets");
            schedule(i, stagger(i, n));
        }
    }
    /// Radio i's beacon at `at`, and the next one 100 TU later while the run lasts.
    void schedule(std::size_t i, time_point at) {
        time.schedule_at(at, [this, i, at] {
            auto b = pool.allocate(0);
            if (b && b->append(beacons[i])) {
                driver::tx_info info;
                info.flags = driver::tx_flag::no_ack;
                info.vif_index = vifs[i].index;
                info.rates[0] = {test::band_2ghz::ofdm_6mbps, 1};
                radios[i]->tx(info, std::move(*b));
            }
            if (at + beacon_interval < run_time) schedule(i, at + beacon_interval);
        });
    }
    std::uint64_t deliveries() {
        std::uint64_t d = 0;
        for (auto& r : radios) d += r->sink().rx;
        return d;
    }
};

/// Builds world W of N devices untimed, runs it timed, then asks `fault(w)` (untimed) for what
/// went wrong, if anything.
template <class W, class Fault>
void run_world(benchmark::State& state, Fault fault) {
    const auto n = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        state.PauseTiming();
        const memory_probe mem;
        auto w = std::make_unique<W>(n);
        state.ResumeTiming();
        run_and_report(state, *w, n, mem);
        state.PauseTiming();
        const char* error = fault(*w, n);
        w.reset();
        state.ResumeTiming();
        if (error) state.SkipWithError(error);
    }
}

/// N radios, each sending a beacon every 100 TU through mac::radio, counted where the radio
/// hands them up.
static void BM_scale_radio(benchmark::State& state) {
    run_world<radio_world>(state, [](radio_world& w, std::size_t) -> const char* {
        return w.deliveries() == w.air.stats().delivered
                   ? nullptr
                   : "the radios handed up other than the medium delivered";
    });
}
/// The numbers of devices both worlds run.
void device_counts(benchmark::internal::Benchmark* b) {
    for (const int n : {10, 50, 100, 200, 500, 1000}) b->Arg(n);
    b->Unit(benchmark::kMillisecond)->Iterations(1);
}
BENCHMARK(BM_scale_radio)->Apply(device_counts);

// ---- BM_scale_stack -----------------------------------------------------------------------------

/// A device's clock: the medium's virtual time plus a fixed offset. The MAC takes its TSF, and so
/// its TBTTs, from it; timers are kept by the shared time.
class device_clock {
  public:
    device_clock(virtual_time& shared, duration offset) : shared_(&shared), offset_(offset) {}
    time_point now() const noexcept { return shared_->now() + offset_; }
    timer_id schedule_at(time_point at, timer_callback cb) {
        return shared_->schedule_at(at - offset_, std::move(cb));
    }
    timer_id schedule_in(duration d, timer_callback cb) {
        return shared_->schedule_in(d, std::move(cb));
    }
    bool cancel(timer_id id) noexcept { return shared_->cancel(id); }
    bool armed(timer_id id) const noexcept { return shared_->armed(id); }
    std::size_t run_for(duration d) { return shared_->run_for(d); }

  private:
    virtual_time* shared_;
    duration offset_;
};
static_assert(time_policy<device_clock>);

struct stack_world {
    using stack_type = mac::stack<drivers::loopback<virtual_time>, device_clock>;
    virtual_time time;
    sim::medium<virtual_time> air{time, 1};
    heap_pool pool{frame_buffer_size, 4096};
    std::vector<device_clock> clocks;  // reserved: the stacks keep references
    std::vector<std::unique_ptr<stack_type>> stacks;
    std::vector<driver::vif> vifs;
    std::size_t start_failures = 0;

    explicit stack_world(std::size_t n) {
        clocks.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            // At i × 100 TU / N of the shared time the device's TSF is at a TBTT (100 TU).
            const duration start = stagger(i, n);
            clocks.emplace_back(time, beacon_interval - start);
            stacks.push_back(std::make_unique<stack_type>(
                clocks.back(), pool, mac::null_net{}, mac::null_events{}, air,
                drivers::loopback_description(static_cast<std::uint16_t>(i))));
            auto& s = *stacks.back();
            if (!s.start()) throw std::runtime_error("register_hw failed");
            auto v = s.add_interface(driver::iftype::ap);
            if (!v) throw std::runtime_error("add_interface failed");
            vifs.push_back(*v);
            if (beacon_of(ap_params_of(v->addr, i)).size() != beacon_octets)
                throw std::runtime_error("the beacon is not 136 octets");
            time.schedule_at(start, [this, i, vif = *v] {
                if (!stacks[i]->start_ap(vif.index, ap_params_of(vif.addr, i))) ++start_failures;
            });
        }
    }
    /// Beacons the stacks received: every copy the medium delivered (each is a broadcast
    /// management frame the driver hands up).
    std::uint64_t deliveries() const { return air.stats().delivered; }
    /// Whether every stack took every beacon into its BSS table: no frame matched no
    /// interface, the AP's data path dropped none, and each table holds every neighbour (the
    /// capacity last heard, beyond its capacity).
    bool all_in_bss_tables(std::size_t n) {
        const std::size_t want = std::min<std::size_t>(n - 1, mac::bss_table::capacity);
        for (std::size_t i = 0; i < stacks.size(); ++i) {
            auto& s = *stacks[i];
            const auto* ap = s.interface(vifs[i].index);
            if (s.data().unmatched() != 0 || s.bss().size() != want || !ap) return false;
            for (const auto d : ap->drops)
                if (d != 0) return false;
        }
        return true;
    }
};

/// N devices, each a mac::stack whose AP beacons every 100 TU; every beacon heard is entered
/// into the hearer's BSS table.
static void BM_scale_stack(benchmark::State& state) {
    run_world<stack_world>(state, [](stack_world& w, std::size_t n) -> const char* {
        if (w.start_failures != 0) return "start_ap failed";
        if (!w.all_in_bss_tables(n)) return "a stack's BSS table misses a neighbour";
        return nullptr;
    });
}
// N = 1000 takes about a minute on a 2.6 GHz core (97 million deliveries at about 0.6 µs).
BENCHMARK(BM_scale_stack)->Apply(device_counts);

}  // namespace
