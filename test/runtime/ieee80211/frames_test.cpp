// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>

#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/rates.hpp>

#include "got.hpp"
#include "reference_frames.hpp"

using namespace softmac;
namespace ie = softmac::ieee80211;

TEST_CASE("frame control encodes every type, subtype and flag", "[ieee80211][frame_control]") {
    for (unsigned t = 0; t < 4; ++t)
        for (std::uint8_t s = 0; s < 16; ++s) {
            const auto fc = ie::frame_control::make(ie::frame_type(t), s, ie::frame_control::retry);
            CHECK(fc.type() == ie::frame_type(t));
            CHECK(fc.subtype() == s);
            CHECK(fc.type_subtype() == ((t << 4) | s));
            CHECK(fc.has(ie::frame_control::retry));
            CHECK_FALSE(fc.has(ie::frame_control::order));
        }
    CHECK(ie::subtype_name(ie::frame_control::make(ie::frame_type::management, 8)) == "Beacon");
    CHECK(ie::subtype_name(ie::frame_control::make(ie::frame_type::control, 13)) == "ACK");
}

TEST_CASE("header parse maps addresses by ToDS/FromDS and finds QoS and HT control",
          "[ieee80211][header]") {
    const auto a1 = mac_address::parse("02:00:00:00:00:01").value();
    const auto a2 = mac_address::parse("02:00:00:00:00:02").value();
    const auto a3 = mac_address::parse("02:00:00:00:00:03").value();
    const auto a4 = mac_address::parse("02:00:00:00:00:04").value();
    struct row {
        std::uint16_t flags;
        mac_address da, sa, bssid;
    };
    const row rows[] = {{0, a1, a2, a3},
                        {ie::frame_control::from_ds, a1, a3, a2},
                        {ie::frame_control::to_ds, a3, a2, a1}};
    for (const auto& r : rows) {
        std::array<std::uint8_t, 64> buf{};
        byte_writer w(buf);
        ie::write_header(w,
                         {ie::frame_control::make(ie::frame_type::data, ie::data_subtype::qos_data,
                                                  r.flags | ie::frame_control::order),
                          0,
                          a1,
                          a2,
                          a3,
                          ie::sequence_control::make(4095, 15),
                          {},
                          0x0087,
                          0xabcd1234});
        auto h = ie::header_view::parse(w.written());
        REQUIRE(h);
        CHECK(h->length() == 30);
        CHECK(h->destination() == r.da);
        CHECK(h->source() == r.sa);
        CHECK(h->bssid() == r.bssid);
        CHECK(h->seq().sequence() == 4095);
        CHECK(h->seq().fragment() == 15);
        CHECK(h->qos().tid() == 7);
        CHECK(h->qos().is_amsdu());
        REQUIRE(h->has_htc());
        CHECK(h->htc() == 0xabcd1234);
    }
    std::array<std::uint8_t, 64> buf{};
    byte_writer w(buf);
    ie::write_header(
        w, {ie::frame_control::make(ie::frame_type::data, ie::data_subtype::data,
                                    ie::frame_control::to_ds | ie::frame_control::from_ds),
            0,
            a1,
            a2,
            a3,
            {},
            a4});
    auto h = ie::header_view::parse(w.written());
    REQUIRE(h);
    CHECK(h->length() == 30);
    CHECK(h->address_count() == 4);
    CHECK(h->receiver() == a1);
    CHECK(h->transmitter() == a2);
    CHECK(h->destination() == a3);
    CHECK(h->source() == a4);
}

TEST_CASE("control frame headers have their own lengths", "[ieee80211][header]") {
    using ie::frame_control, ie::frame_type;
    CHECK(ie::header_length(frame_control::make(frame_type::control, ie::ctrl_subtype::ack)) == 10);
    CHECK(ie::header_length(frame_control::make(frame_type::control, ie::ctrl_subtype::cts)) == 10);
    CHECK(ie::header_length(frame_control::make(frame_type::control, ie::ctrl_subtype::rts)) == 16);
    CHECK(ie::header_length(
              frame_control::make(frame_type::control, ie::ctrl_subtype::block_ack)) == 16);
    CHECK(ie::header_length(frame_control::make(frame_type::management, 8, frame_control::order)) ==
          28);
}

TEST_CASE("the header length of every frame control is what its fields announce",
          "[ieee80211][header]") {
    // Table 9-1's layouts, from the raw bits: type 0 management, 1 control, 2 data, 3 extension.
    const auto expected = [](unsigned raw) -> std::size_t {
        const unsigned type = raw >> 2 & 3, subtype = raw >> 4 & 0xf;
        const bool to_ds = raw & 0x100, from_ds = raw & 0x200, order = raw & 0x8000;
        switch (type) {
            case 0:
                return order ? 28 : 24;
            case 1:
                if (subtype == 12 || subtype == 13 || subtype == 7) return 10;  // CTS, ACK, wrapper
                return subtype >= 2 ? 16 : 0;
            case 2: {
                const bool qos = subtype & 8;
                return 24 + (to_ds && from_ds ? 6 : 0) + (qos ? 2 : 0) + (qos && order ? 4 : 0);
            }
            default:
                return 10;
        }
    };
    std::size_t wrong = 0;
    for (unsigned raw = 0; raw < 0x10000; ++raw)
        wrong +=
            ie::header_length(ie::frame_control{static_cast<std::uint16_t>(raw)}) != expected(raw);
    CHECK(wrong == 0);
}

TEST_CASE("every management body round-trips through its builder and parser", "[ieee80211][mgmt]") {
    const auto ap = test::go_if;
    auto roundtrip = [](std::uint8_t subtype, auto&& body) {
        std::array<std::uint8_t, 256> buf{};
        byte_writer w(buf);
        ie::write_mgmt_header(w, subtype, test::go_if, test::dev_a, test::go_if, 77);
        body(w);
        ie::put::ssid(w, "net");
        REQUIRE(w.ok());
        auto h = ie::header_view::parse(w.written());
        REQUIRE(h);
        CHECK(h->seq().sequence() == 77);
        auto m = ie::parse_mgmt_body(h->fc(), h->body());
        REQUIRE(m);
        auto ssid = m->elements.find(ie::eid::ssid);
        REQUIRE(ssid);
        CHECK(ie::ssid_of(*ssid) == "net");
        return *m;
    };
    auto b = roundtrip(ie::mgmt_subtype::beacon,
                       [](byte_writer& w) { ie::write_beacon_fixed(w, 42, 100, 0x0411); });
    CHECK(b.timestamp == 42);
    CHECK(b.beacon_interval == 100);
    CHECK(b.capabilities == 0x0411);
    auto pr = roundtrip(ie::mgmt_subtype::probe_resp,
                        [](byte_writer& w) { ie::write_beacon_fixed(w, 7, 200, 1); });
    CHECK(pr.beacon_interval == 200);
    roundtrip(ie::mgmt_subtype::probe_req, [](byte_writer&) {});
    auto au =
        roundtrip(ie::mgmt_subtype::auth, [](byte_writer& w) { ie::write_auth_fixed(w, 0, 2, 0); });
    CHECK(au.auth_sequence == 2);
    auto ar = roundtrip(ie::mgmt_subtype::assoc_req,
                        [](byte_writer& w) { ie::write_assoc_req_fixed(w, 0x0431, 10); });
    CHECK(ar.listen_interval == 10);
    auto rr = roundtrip(ie::mgmt_subtype::reassoc_req,
                        [&](byte_writer& w) { ie::write_reassoc_req_fixed(w, 1, 3, ap); });
    CHECK(rr.current_ap == ap);
    auto resp = roundtrip(ie::mgmt_subtype::assoc_resp,
                          [](byte_writer& w) { ie::write_assoc_resp_fixed(w, 1, 17, 5); });
    CHECK(resp.status == 17);
    CHECK((resp.aid & 0x3fff) == 5);
    roundtrip(ie::mgmt_subtype::reassoc_resp,
              [](byte_writer& w) { ie::write_assoc_resp_fixed(w, 1, 0, 1); });
    auto de = roundtrip(ie::mgmt_subtype::deauth, [](byte_writer& w) { ie::write_reason(w, 3); });
    CHECK(de.reason == 3);
    auto di = roundtrip(ie::mgmt_subtype::disassoc, [](byte_writer& w) { ie::write_reason(w, 8); });
    CHECK(di.reason == 8);
}

TEST_CASE("SAE authentication bodies are not parsed as elements", "[ieee80211][mgmt]") {
    std::array<std::uint8_t, 64> buf{};
    byte_writer w(buf);
    ie::write_mgmt_header(w, ie::mgmt_subtype::auth, test::dev_a, test::dev_b, test::dev_a);
    ie::write_auth_fixed(w, ie::auth_alg::sae, 1, 0);
    w.le16(19).u8(0xff).u8(0x40);  // group 19 and scalar bytes: an element parser would overrun
    auto h = ie::header_view::parse(w.written());
    auto m = ie::parse_mgmt_body(h->fc(), h->body());
    REQUIRE(m);
    CHECK(m->opaque.size() == 4);
}

TEST_CASE("P2P public action and vendor action frames round-trip", "[ieee80211][action]") {
    for (const auto& f : test::reference_frames()) {
        if (f.name.rfind("go_negotiation", 0) != 0 && f.name.rfind("provision", 0) != 0) continue;
        INFO(f.name);
        auto h = ie::header_view::parse(f.bytes);
        REQUIRE(h);
        auto v = ie::vendor_action::parse(h->body());
        REQUIRE(v);
        CHECK(v->oui_type == ie::vendor::p2p);
        CHECK((f.name.rfind("go_negotiation", 0) == 0 ? v->subtype <= 2
                                                      : (v->subtype == 7 || v->subtype == 8)));
    }
    std::array<std::uint8_t, 64> buf{};
    byte_writer w(buf);
    ie::write_vendor_action(w, false, ie::vendor::p2p, ie::p2p::action::presence_req, 1);
    auto v = ie::vendor_action::parse(w.written());
    REQUIRE(v);
    CHECK(v->subtype == ie::p2p::action::presence_req);
    CHECK(v->dialog_token == 1);
}

TEST_CASE("GAS initial request and response round-trip", "[ieee80211][gas]") {
    const std::uint8_t q[] = {1, 2, 3};
    std::array<std::uint8_t, 64> buf{};
    byte_writer w(buf);
    ie::write_gas_initial_req(w, 9, q);
    auto g = ie::gas_frame::parse(w.written());
    REQUIRE(g);
    CHECK(g->dialog_token == 9);
    CHECK(g->query.size() == 3);
    std::array<std::uint8_t, 64> buf2{};
    byte_writer w2(buf2);
    ie::write_gas_initial_resp(w2, 9, 0, 1, {});
    auto r = ie::gas_frame::parse(w2.written());
    REQUIRE(r);
    CHECK(r->comeback_delay == 1);
    buf[w.size() - 5] = 200;  // query length beyond the frame
    CHECK(ie::gas_frame::parse(bytes_view(buf.data(), w.size())).err().code == errc::overrun);
}

TEST_CASE("LLC/SNAP picks bridge-tunnel for AARP and IPX, RFC 1042 otherwise",
          "[ieee80211][data]") {
    for (std::uint16_t t :
         {ie::ethertype::ipv4, ie::ethertype::eapol, ie::ethertype::aarp, ie::ethertype::ipx}) {
        std::array<std::uint8_t, 16> buf{};
        byte_writer w(buf);
        ie::write_snap(w, t);
        w.u8(0x99);
        auto s = ie::snap::parse(w.written());
        REQUIRE(s);
        CHECK(s->ethertype == t);
        CHECK(s->bridge_tunnel == (t == ie::ethertype::aarp || t == ie::ethertype::ipx));
        CHECK(s->payload.size() == 1);
    }
    const std::uint8_t not_snap[] = {0xf0, 0xf0, 0x03, 0, 0, 0, 8, 0};
    CHECK(ie::snap::parse(not_snap).err().code == errc::unsupported);
}

TEST_CASE("A-MSDU subframes iterate with padding and reject overruns", "[ieee80211][data]") {
    std::array<std::uint8_t, 128> buf{};
    byte_writer w(buf);
    const std::uint8_t p1[] = {1, 2, 3, 4, 5}, p2[] = {6, 7, 8};
    ie::write_amsdu_subframe(w, test::dev_b, test::dev_a, ie::ethertype::ipv4, p1, false);
    ie::write_amsdu_subframe(w, test::dev_a, test::dev_b, ie::ethertype::eapol, p2, true);
    auto r = ie::amsdu_range::parse(w.written());
    REQUIRE(r);
    std::vector<std::uint16_t> types;
    for (auto sf : *r) types.push_back(test::got(ie::snap::parse(sf.msdu)).ethertype);
    CHECK(types == std::vector<std::uint16_t>{ie::ethertype::ipv4, ie::ethertype::eapol});
    buf[12 + 1] = 200;  // first subframe length beyond the buffer
    CHECK_FALSE(ie::amsdu_range::parse(w.written()));
}

TEST_CASE("EAPOL header length is checked", "[ieee80211][data]") {
    const std::uint8_t ok[] = {2, 3, 0, 2, 0xaa, 0xbb};
    const std::uint8_t bad[] = {2, 3, 0, 9, 0xaa};
    CHECK(test::got(ie::eapol::parse(ok)).body.size() == 2);
    CHECK(ie::eapol::parse(bad).err().code == errc::overrun);
}

TEST_CASE("FCS is the IEEE CRC-32 and detects a flipped bit", "[ieee80211][fcs]") {
    CHECK(ie::crc32(as_bytes("123456789")) == 0xcbf43926u);
    // Continued from the CRC of what came before, it is the CRC of the whole.
    CHECK(ie::crc32(as_bytes("456789"), ie::crc32(as_bytes("123"))) == 0xcbf43926u);
    CHECK(ie::crc32(as_bytes(""), ie::crc32(as_bytes("123456789"))) == 0xcbf43926u);
    // Eight octets at a time gives what the definition, a bit at a time, gives: every length
    // and alignment, whole and continued.
    const auto bitwise = [](bytes_view b) {
        std::uint32_t c = 0xffffffffu;
        for (std::uint8_t x : b) {
            c ^= x;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xffffffffu;
    };
    std::array<std::uint8_t, 80> data{};
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::uint8_t(i * 37 + (i >> 3) * 11);
    for (std::size_t from = 0; from < 8; ++from)
        for (std::size_t n = 0; from + n <= data.size(); ++n) {
            const bytes_view b = bytes_view(data).subspan(from, n);
            REQUIRE(ie::crc32(b) == bitwise(b));
            REQUIRE(ie::crc32(b.subspan(n / 3), ie::crc32(b.first(n / 3))) == bitwise(b));
        }
    std::array<std::uint8_t, 32> buf{};
    byte_writer w(buf);
    w.raw("softmac frame");
    ie::append_fcs(w);
    CHECK(ie::verify_fcs(w.written()));
    buf[3] ^= 0x10;
    CHECK_FALSE(ie::verify_fcs(w.written()));
}

TEST_CASE("channels map to frequencies and operating classes", "[ieee80211][channels]") {
    CHECK(ie::channel_to_freq(ie::band::ghz2_4, 1) == 2412);
    CHECK(ie::channel_to_freq(ie::band::ghz2_4, 14) == 2484);
    CHECK(ie::channel_to_freq(ie::band::ghz5, 36) == 5180);
    CHECK_FALSE(ie::channel_to_freq(ie::band::ghz2_4, 15));
    CHECK(ie::freq_to_channel(2437)->number == 6);
    CHECK(ie::freq_to_channel(5745)->number == 149);
    CHECK(ie::operating_class_of(*ie::make_channel(ie::band::ghz2_4, 6)) == 81);
    CHECK(ie::operating_class_of(*ie::make_channel(ie::band::ghz5, 36)) == 115);
    CHECK(ie::operating_class_of(*ie::make_channel(ie::band::ghz5, 149)) == 124);
    CHECK(ie::channel_of(116, 44)->freq_mhz == 5220);
    CHECK_FALSE(ie::channel_of(81, 36));
}

TEST_CASE("PLCP airtime follows the CCK and OFDM formulas", "[ieee80211][rates]") {
    const auto r1 = *ie::find_rate(10), r11 = *ie::find_rate(110), r6 = *ie::find_rate(60),
               r54 = *ie::find_rate(540);
    CHECK(ie::airtime_us(100, r1) == 192 + 800);
    CHECK(ie::airtime_us(100, r1, true) == 192 + 800);  // 1 Mbit/s has no short preamble
    CHECK(ie::airtime_us(100, r11, true) == 96 + 73);   // ceil(800 / 11)
    CHECK(ie::airtime_us(100, r6) == 20 + 4 * 35);      // (16 + 800 + 6) / 24 -> 35 symbols
    CHECK(ie::airtime_us(1500, r54) == 20 + 4 * 56);    // (16 + 12000 + 6) / 216 -> 56 symbols
    CHECK(r6.octet(true) == 0x8c);
    CHECK(ie::rates_2ghz[2].octet(false) == 11);
}

TEST_CASE("a management frame with ToDS and FromDS set still has three addresses",
          "[ieee80211][header]") {
    // Found by fuzz_frame: Address 4 exists only in data frames.
    std::vector<std::uint8_t> f(24, 0);
    f[0] = 0x40;  // probe request
    f[1] = 0x03;  // ToDS | FromDS
    auto h = ie::header_view::parse(f);
    REQUIRE(h);
    CHECK(h->address_count() == 3);
    CHECK(h->length() == 24);
    CHECK(h->source() == h->addr3());
}

TEST_CASE("band_of names the band freq_to_channel gives every channel's frequency",
          "[ieee80211][channels]") {
    int channels = 0;
    for (std::uint16_t mhz = 2300; mhz <= 6000; ++mhz)
        if (const auto c = ie::freq_to_channel(mhz)) {
            INFO(mhz << " MHz");
            CHECK(ie::band_of(mhz) == c->band);
            ++channels;
        }
    CHECK(channels == 14 + 196);
}
