// SPDX-License-Identifier: MIT
// Parse the elements of a beacon and decode a QoS data frame's headers: softmac against libtins;
// and the digest that tells a known BSS's unchanged beacon, against the CRC-32 mac80211 takes.
#include <benchmark/benchmark.h>

#include <tins/dot11.h>
#include <tins/rawpdu.h>
#include <tins/snap.h>

#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/mac/bss_table.hpp>

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

/// The elements of the reference beacon (the part both change checks read).
softmac::bytes_view beacon_elements() {
    const auto& f = frame("beacon");
    const auto h = ie::header_view::parse(f);
    return h->body().subspan(*ie::mgmt_fixed_length(h->fc()));
}

void BM_beacon_digest(benchmark::State& state) {
    const auto e = beacon_elements();
    for (auto _ : state) {
        benchmark::DoNotOptimize(e.data());
        benchmark::DoNotOptimize(softmac::ieee80211::elements_digest::compute(e));
    }
    state.counters["octets"] = double(e.size());
}
BENCHMARK(BM_beacon_digest);

/// The baseline: mac80211's CRC-32 of the same elements but the TIM (the digest's walk, the
/// runs between TIMs chained through the CRC).
void BM_beacon_crc32(benchmark::State& state) {
    const auto e = beacon_elements();
    for (auto _ : state) {
        benchmark::DoNotOptimize(e.data());
        std::uint32_t crc = 0;
        softmac::ieee80211::elements_digest::for_each_run(
            e, [&crc](softmac::bytes_view run) { crc = ie::crc32(run, crc); });
        benchmark::DoNotOptimize(crc);
    }
}
BENCHMARK(BM_beacon_crc32);

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
