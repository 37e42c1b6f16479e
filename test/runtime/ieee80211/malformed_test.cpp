// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <softmac/ieee80211/dissect.hpp>

#include "reference_frames.hpp"

using namespace softmac;
namespace ie = softmac::ieee80211;

TEST_CASE("every truncation of every reference frame is an error or a clean parse, never a crash",
          "[ieee80211][malformed]") {
    for (const auto& f : test::reference_frames()) {
        INFO(f.name);
        REQUIRE_FALSE(f.bytes.empty());
        CHECK(ie::dissect(f.bytes, ie::pcap::linktype::ieee802_11).ok());
        std::size_t faults = 0;
        for (std::size_t n = 0; n < f.bytes.size(); ++n) {
            // A heap copy of exactly n bytes: the sanitizer build catches any overread.
            std::vector<std::uint8_t> cut(f.bytes.begin(),
                                          f.bytes.begin() + static_cast<std::ptrdiff_t>(n));
            faults += ie::dissect(cut, ie::pcap::linktype::ieee802_11).ok() ? 0 : 1;
        }
        CHECK(faults > 0);
    }
}

TEST_CASE("structural faults are reported with their layer", "[ieee80211][malformed]") {
    auto frames = test::reference_frames();
    auto& probe = frames[1].bytes;  // P2P probe request
    SECTION("element overrun") {
        probe[24 + 1] = 200;  // SSID length
        auto d = ie::dissect(probe, ie::pcap::linktype::ieee802_11);
        REQUIRE(d.fault);
        CHECK(d.fault->code == errc::overrun);
    }
    SECTION("P2P attribute overrun") {
        // The P2P IE is the last element and ends with Listen Channel (06, length 5 LE, 5 octets):
        // make that attribute claim more than the IE holds.
        probe[probe.size() - 7] = 0x40;
        auto d = ie::dissect(probe, ie::pcap::linktype::ieee802_11);
        REQUIRE(d.fault);
        CHECK(d.fault_layer == "P2P IE");
    }
    SECTION("truncated header") {
        auto d = ie::dissect(bytes_view(probe).first(20), ie::pcap::linktype::ieee802_11);
        REQUIRE(d.fault);
        CHECK(d.fault_layer == "header");
    }
    SECTION("bad FCS when an FCS is present") {
        std::vector<std::uint8_t> f = probe;
        const auto fcs = ie::compute_fcs(f);
        for (int i = 0; i < 4; ++i) f.push_back(static_cast<std::uint8_t>(fcs >> (8 * i)));
        CHECK(ie::dissect(f, ie::pcap::linktype::ieee802_11, true).ok());
        f[30] ^= 1;
        auto d = ie::dissect(f, ie::pcap::linktype::ieee802_11, true);
        REQUIRE(d.fault);
        CHECK(d.fault->code == errc::bad_fcs);
    }
    SECTION("bad radiotap length") {
        std::vector<std::uint8_t> f{0, 0, 0xff, 0, 0, 0, 0, 0};
        f.insert(f.end(), probe.begin(), probe.end());
        auto d = ie::dissect(f, ie::pcap::linktype::ieee802_11_radiotap);
        REQUIRE(d.fault);
        CHECK(d.fault_layer == "radiotap");
    }
}
