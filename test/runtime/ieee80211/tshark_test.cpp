// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <softmac/ieee80211/dissect.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/ieee80211/pcap.hpp>
#include <softmac/ieee80211/radiotap.hpp>

#include "reference_frames.hpp"
#include "tshark.hpp"

using namespace softmac;
namespace ie = softmac::ieee80211;

namespace {
std::string write_reference_pcap(bool radiotap) {
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) +
                             (radiotap ? "/reference_127.pcap" : "/reference_105.pcap");
    std::ofstream out(path, std::ios::binary);
    ie::pcap::writer w(
        out, radiotap ? ie::pcap::linktype::ieee802_11_radiotap : ie::pcap::linktype::ieee802_11);
    std::uint64_t t = 1'000'000'000;
    for (const auto& f : test::reference_frames()) {
        if (!radiotap) {
            w.write(t, f.bytes);
        } else {
            std::array<std::uint8_t, 32> rth{};
            byte_writer rw(rth);
            ie::radiotap::write(rw, {t / 1000, ie::radiotap::flag::fcs_at_end, 12, 2437,
                                     ie::radiotap::chan::ghz2 | ie::radiotap::chan::ofdm, -40});
            std::array<std::uint8_t, 4> fcs{};
            store_le32(fcs.data(), ie::compute_fcs(f.bytes));
            w.write(t, rw.written(), f.bytes, fcs);
        }
        t += 1'000'000;
    }
    return path;
}
}  // namespace

TEST_CASE(
    "tshark accepts every reference frame softmac builds, in both linktypes, and reads the same "
    "fields",
    "[ieee80211][tshark]") {
    const auto frames = test::reference_frames();
    for (bool radiotap : {false, true}) {
        INFO((radiotap ? "linktype 127" : "linktype 105"));
        const auto path = write_reference_pcap(radiotap);
        const auto rows = test::tshark_fields(
            path, {"frame.number", "wlan.fc.type_subtype", "wlan.seq", "wlan.ta", "_ws.malformed",
                   "_ws.expert.severity", "wifi_p2p.public_action.subtype", "wifi_p2p.type",
                   "wps.type", "wlan.ssid", "llc.type", "wlan_aggregate.a_mdsu.subframe",
                   "wlan.frag", "wlan.fcs.status"});
        REQUIRE(rows.size() == frames.size());
        for (std::size_t i = 0; i < frames.size(); ++i) {
            INFO(frames[i].name);
            const auto& r = rows[i];
            const auto h = ie::header_view::parse(frames[i].bytes);
            REQUIRE(h);
            char ts[8];
            std::snprintf(ts, sizeof ts, "0x%04x", h->fc().type_subtype());
            CHECK(r[1] == ts);
            CHECK(r[2] == std::to_string(h->seq().sequence()));
            CHECK(r[3] == h->addr2().to_string());
            CHECK(r[4].empty());  // not malformed
            // No Warning (6291456) or Error (8388608) expert item.
            CHECK(r[5].find("6291456") == std::string::npos);
            CHECK(r[5].find("8388608") == std::string::npos);
            if (radiotap) CHECK(r[13] == "1");
            // P2P attribute IDs as tshark sees them equal what softmac parses.
            const auto d = ie::dissect(frames[i].bytes, ie::pcap::linktype::ieee802_11);
            REQUIRE(d.ok());
            std::string p2p_ids, wps_ids;
            for (const auto& it : d.items) {
                char hex[8];
                if (it.kind == "p2p")
                    p2p_ids += (p2p_ids.empty() ? "" : "|") + std::to_string(it.id);
                if (it.kind == "wps") {
                    std::snprintf(hex, sizeof hex, "0x%04x", it.id);
                    wps_ids += (wps_ids.empty() ? "" : "|") + std::string(hex);
                }
            }
            CHECK(r[7] == p2p_ids);
            CHECK(r[8] == wps_ids);
        }
        CHECK(rows[3][6] == "0");  // GO Negotiation Request
        CHECK(rows[4][6] == "1");
        CHECK(rows[5][6] == "2");
        CHECK(rows[6][6] == "7");
        CHECK(rows[7][6] == "8");
        CHECK(rows[0][9] == "4449524543542d78792d736f66746d6163");  // "DIRECT-xy-softmac" as hex
        CHECK(rows[9][10] == "0x0800");
        CHECK(std::count(rows[10][11].begin(), rows[10][11].end(), '|') == 1);  // two subframes
        CHECK(rows[11][12] == "0");
        CHECK(rows[12][12] == "1");
    }
}
