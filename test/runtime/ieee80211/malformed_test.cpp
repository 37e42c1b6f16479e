// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <fstream>

#include <softmac/ieee80211/dissect.hpp>
#include <softmac/ieee80211/header.hpp>

#include "reference_frames.hpp"
#include "tshark.hpp"

using namespace softmac;
namespace ie = softmac::ieee80211;

TEST_CASE("every truncation of every reference frame is a clean parse or a fault naming its layer",
          "[ieee80211][malformed]") {
    for (const auto& f : test::reference_frames()) {
        INFO(f.name);
        REQUIRE(f.bytes.size() >= 2);
        REQUIRE(ie::dissect(f.bytes, ie::pcap::linktype::ieee802_11).ok());
        const std::size_t header = ie::header_length(ie::frame_control{load_le16(f.bytes.data())});
        REQUIRE(header > 0);
        for (std::size_t n = 0; n < f.bytes.size(); ++n) {
            INFO("cut to " << n << " of " << f.bytes.size() << " octets");
            // A heap copy of exactly n bytes: the sanitizer build catches any overread.
            const std::vector<std::uint8_t> cut(f.bytes.begin(),
                                                f.bytes.begin() + static_cast<std::ptrdiff_t>(n));
            const auto d = ie::dissect(cut, ie::pcap::linktype::ieee802_11);
            if (n < header) {
                REQUIRE_FALSE(d.ok());
                CHECK(d.fault_layer == "header");
            } else if (!d.ok()) {
                CHECK_FALSE(d.fault_layer.empty());
            }
        }
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
    SECTION("an element of a length the standard does not give its ID, at its offset") {
        // A reader takes the frame (a DS Parameter Set of two octets); tshark flags it. The
        // offset counts from the body: after a beacon's 12 octets of fixed fields, after a P2P
        // public action frame's 8 octets before its elements.
        for (const std::size_t which : {std::size_t{0}, std::size_t{3}}) {
            auto f = frames[which].bytes;
            INFO(frames[which].name);
            const std::size_t at = f.size() - 24;  // the new element's offset in the body
            f.insert(f.end(), {3, 2, 6, 0});
            auto d = ie::dissect(f, ie::pcap::linktype::ieee802_11);
            REQUIRE(d.fault);
            CHECK(d.fault->code == errc::bad_length);
            CHECK(d.fault->offset == at);
            CHECK(d.fault_layer == (which == 0 ? "management body" : "P2P action"));
        }
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

TEST_CASE("the JSON form escapes quotes, backslashes and control octets and keeps only valid UTF-8",
          "[ieee80211][malformed][json]") {
    // `"`, `\`, a control octet, an octet of no UTF-8 sequence (0xff), then a valid "é".
    const std::string name = "a\"b\\c\x01\xff\xc3\xa9";
    const auto f = test::build("odd names", [&](byte_writer& w) {
        ie::write_mgmt_header(w, ie::mgmt_subtype::probe_req, mac_address::broadcast(), test::dev_a,
                              mac_address::broadcast(), 2);
        ie::put::ssid(w, name);
        test::wps_probe(w, name);
        ie::vendor_ie_builder p2p(ie::vendor::p2p);
        test::device_info(p2p.body(), test::dev_a, name);
        p2p.emit(w);
    });
    const auto d = ie::dissect(f.bytes, ie::pcap::linktype::ieee802_11);
    REQUIRE(d.ok());
    const std::string json = ie::to_json(d, 1);
    const std::string escaped = R"(a\"b\\c\u0001\u00ff)"
                                "\xc3\xa9";
    CHECK(json.find(R"({"kind":"element","id":0,"name":"SSID","length":9,"value":")" + escaped +
                    R"("})") != std::string::npos);
    CHECK(json.find(R"("name":"Device Name","length":9,"value":")" + escaped + R"("})") !=
          std::string::npos);
    CHECK(json.find(R"("value":"02:00:00:00:0a:00 \")" + escaped + R"(\" config 0x0088"})") !=
          std::string::npos);
    // The text form keeps its own escapes.
    CHECK(ie::to_text(d, 1).find(R"(SSID len=9: a\x22b\x5cc\x01\xff\xc3\xa9)") !=
          std::string::npos);

    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/odd_names.jsonl";
    std::ofstream(path, std::ios::binary) << json << '\n';
    const auto out = test::run(
        "python3 -c 'import sys, json\n"
        "d = json.loads(open(sys.argv[1], \"rb\").read().decode(\"utf-8\"))\n"
        "print(ascii([i[\"value\"] for i in d[\"items\"] if i[\"id\"] in (0, 0x1011, 13)]))' '" +
        path + "' 2>&1");
    // SSID, then P2P Device Info, then WPS Device Name, each with the octets sent.
    CHECK(out ==
          R"(['a"b\\c\x01\xff\xe9', '02:00:00:00:0a:00 "a"b\\c\x01\xff\xe9" config 0x0088', )"
          R"('a"b\\c\x01\xff\xe9'])"
          "\n");
}
