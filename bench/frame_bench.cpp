// SPDX-License-Identifier: MIT
// Parse the elements of a beacon and decode a QoS data frame's headers: softmac against libtins.
#include <benchmark/benchmark.h>

#include <tins/dot11.h>
#include <tins/rawpdu.h>
#include <tins/snap.h>

#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>

#include "reference_frames.hpp"

namespace ie = softmac::ieee80211;

namespace {
const std::vector<std::uint8_t>& frame(std::string_view name) {
    static const auto frames = softmac::test::reference_frames();
    for (const auto& f : frames)
        if (f.name == name) return f.bytes;
    std::abort();
}

void BM_softmac_beacon_elements(benchmark::State& state) {
    const auto& f = frame("beacon");
    std::size_t elements = 0;
    for (auto _ : state) {
        auto h = ie::header_view::parse(f);
        const auto body = h->body();
        const std::size_t fixed = *ie::mgmt_fixed_length(h->fc());
        if (body.size() < fixed) state.SkipWithError("short beacon");
        const std::uint16_t interval = softmac::load_le16(body.data() + 8);
        std::size_t bytes = 0;
        std::string_view ssid;
        auto n = ie::for_each_element(body.subspan(fixed), [&](const ie::element& e) {
            bytes += e.data.size();
            if (e.id == ie::eid::ssid) ssid = ie::ssid_of(e);
        });
        elements = *n;
        benchmark::DoNotOptimize(interval);
        benchmark::DoNotOptimize(bytes);
        benchmark::DoNotOptimize(ssid);
    }
    state.counters["elements"] = double(elements);
}
BENCHMARK(BM_softmac_beacon_elements);

void BM_libtins_beacon_elements(benchmark::State& state) {
    const auto& f = frame("beacon");
    for (auto _ : state) {
        Tins::Dot11Beacon b(f.data(), static_cast<std::uint32_t>(f.size()));
        std::size_t n = 0, bytes = 0;
        for (const auto& o : b.options()) {
            ++n;
            bytes += o.data_size();
        }
        auto ssid = b.ssid();
        benchmark::DoNotOptimize(b.interval());
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(bytes);
        benchmark::DoNotOptimize(ssid);
    }
}
BENCHMARK(BM_libtins_beacon_elements);

void BM_softmac_qos_data_headers(benchmark::State& state) {
    const auto& f = frame("qos_data_snap");
    for (auto _ : state) {
        auto h = ie::header_view::parse(f);
        auto s = ie::snap::parse(h->body());
        benchmark::DoNotOptimize(h->source());
        benchmark::DoNotOptimize(h->destination());
        benchmark::DoNotOptimize(h->qos().tid());
        benchmark::DoNotOptimize(h->seq().sequence());
        benchmark::DoNotOptimize(s->ethertype);
    }
}
BENCHMARK(BM_softmac_qos_data_headers);

void BM_libtins_qos_data_headers(benchmark::State& state) {
    const auto& f = frame("qos_data_snap");
    for (auto _ : state) {
        Tins::Dot11QoSData d(f.data(), static_cast<std::uint32_t>(f.size()));
        benchmark::DoNotOptimize(d.addr2());
        benchmark::DoNotOptimize(d.addr3());
        benchmark::DoNotOptimize(d.qos_control());
        benchmark::DoNotOptimize(d.seq_num());
        if (auto* s = d.find_pdu<Tins::SNAP>()) benchmark::DoNotOptimize(s->eth_type());
    }
}
BENCHMARK(BM_libtins_qos_data_headers);
}  // namespace
