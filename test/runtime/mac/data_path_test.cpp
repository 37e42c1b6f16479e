// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include <fstream>

#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>

#include "got.hpp"
#include "stack_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;
using driver::iftype;
using test::ethernet;

using test::host_a;
using test::host_b;

TEST_CASE("TX builds the address mapping of every interface type", "[mac][tx]") {
    struct row {
        iftype type;
        bool four;
        std::uint16_t ds;
    };
    for (const row r :
         {row{iftype::station, false, ie::frame_control::to_ds},
          row{iftype::p2p_client, false, ie::frame_control::to_ds},
          row{iftype::station, true, ie::frame_control::to_ds | ie::frame_control::from_ds},
          row{iftype::ap, false, ie::frame_control::from_ds},
          row{iftype::p2p_go, false, ie::frame_control::from_ds},
          row{iftype::wds, true, ie::frame_control::to_ds | ie::frame_control::from_ds},
          row{iftype::adhoc, false, 0}}) {
        INFO(static_cast<int>(r.type) << (r.four ? " 4-address" : ""));
        test::one_link s(r.type);
        s.state().use_4addr = r.four && r.type == iftype::station;
        // From a bridged host behind us to the peer (or a host behind it, for 4-address).
        const mac_address da = r.four ? host_b : s.peer;
        const mac_address sa =
            r.four || r.type == iftype::ap || r.type == iftype::p2p_go ? host_a : s.vif.addr;
        REQUIRE(s.send(ethernet(da, sa, ie::ethertype::ipv4, 40)) == mac::verdict::consumed);
        const auto h = s.last();
        CHECK(h.fc().ds_bits() == (r.ds >> 8));
        CHECK(h.destination() == da);
        CHECK(h.source() == sa);
        CHECK(h.receiver() ==
              (r.type == iftype::ap || r.type == iftype::p2p_go || r.type == iftype::adhoc
                   ? da
                   : s.peer));
        CHECK(h.transmitter() == (r.type == iftype::adhoc ? sa : s.vif.addr));
        if (r.type == iftype::adhoc) CHECK(h.bssid() == s.state().bssid);
        CHECK(h.address_count() == (r.four ? 4 : 3));
        CHECK(h.has_qos());
        // The payload follows an RFC 1042 header with the original ethertype.
        auto snap = ie::snap::parse(h.body());
        REQUIRE(snap);
        CHECK_FALSE(snap->bridge_tunnel);
        CHECK(snap->ethertype == ie::ethertype::ipv4);
        CHECK(snap->payload.size() == 40);
        CHECK(((s.radio.frames.back().info.flags & driver::tx_flag::no_cck) != 0) ==
              driver::is_p2p(r.type));
    }
}

TEST_CASE("TX rewrites the Ethernet header in place: the payload does not move", "[mac][tx]") {
    test::one_link s(iftype::station);
    auto eth = ethernet(s.peer, s.vif.addr, ie::ethertype::ipv4, 100);
    auto buf = test::to_buffer(s.pool, eth);
    const std::uint8_t* payload = buf.data() + 14;
    struct keep_radio {
        const std::uint8_t* seen = nullptr;
        std::size_t hdr = 0;
        void tx(const driver::tx_info&, frame_buffer&& b) {
            seen = b.data();
            hdr = test::got(ie::header_view::parse(b.view())).length();
        }
    } radio;
    REQUIRE(s.mac.transmit(radio, 0, std::move(buf), 0) == mac::verdict::consumed);
    CHECK(radio.seen + radio.hdr + 8 ==
          payload);  // header + LLC/SNAP pushed in front of the same bytes
}

TEST_CASE("LLC/SNAP: bridge-tunnel for AARP and IPX, none for 802.3 length frames", "[mac][tx]") {
    test::one_link s(iftype::station);
    for (std::uint16_t t : {ie::ethertype::aarp, ie::ethertype::ipx, ie::ethertype::eapol}) {
        REQUIRE(s.send(ethernet(s.peer, s.vif.addr, t, 20)) == mac::verdict::consumed);
        auto snap = ie::snap::parse(s.last().body());
        REQUIRE(snap);
        CHECK(snap->bridge_tunnel == (t != ie::ethertype::eapol));
        CHECK(snap->ethertype == t);
    }
    auto llc = ethernet(s.peer, s.vif.addr, 20, 20);  // length field: payload is already LLC
    llc[14] = 0x42, llc[15] = 0x42, llc[16] = 0x03;
    REQUIRE(s.send(llc) == mac::verdict::consumed);
    CHECK(s.last().body().size() == 20);
    CHECK(s.last().body()[0] == 0x42);
}

TEST_CASE("QoS: TID from the 802.1D priority, EAPOL at 7, access category as hardware queue",
          "[mac][tx]") {
    test::one_link s(iftype::station);
    for (std::uint8_t up = 0; up < 8; ++up) {
        REQUIRE(s.send(ethernet(s.peer, s.vif.addr, ie::ethertype::ipv4, 10), up) ==
                mac::verdict::consumed);
        CHECK(s.last().qos().tid() == up);
        CHECK(s.radio.frames.back().info.hw_queue == mac::up_to_ac(up));
    }
    CHECK(mac::up_to_ac(1) == 3);  // BK
    CHECK(mac::up_to_ac(0) == 2);  // BE
    CHECK(mac::up_to_ac(5) == 1);  // VI
    CHECK(mac::up_to_ac(6) == 0);  // VO
    REQUIRE(s.send(ethernet(s.peer, s.vif.addr, ie::ethertype::eapol, 10), 0) ==
            mac::verdict::consumed);
    CHECK(s.last().qos().tid() == 7);
}

TEST_CASE("sequence numbers count per TID for QoS data and per interface otherwise", "[mac][tx]") {
    test::one_link ap(iftype::ap);
    const auto eth = [&](const mac_address& da, std::uint8_t) {
        return ethernet(da, host_a, ie::ethertype::ipv4, 10);
    };
    ap.send(eth(ap.peer, 0), 0);
    ap.send(eth(ap.peer, 0), 0);
    ap.send(eth(ap.peer, 0), 5);
    ap.send(eth(mac_address::broadcast(), 0), 5);
    ap.send(eth(mac_address::broadcast(), 0), 0);
    auto seq = [&](std::size_t k) {
        return test::got(ie::header_view::parse(ap.radio.frames[k].bytes)).seq().sequence();
    };
    CHECK(seq(0) == 0);
    CHECK(seq(1) == 1);
    CHECK(seq(2) == 0);  // TID 5 has its own counter
    CHECK(seq(3) == 0);  // multicast: the interface counter
    CHECK(seq(4) == 1);
    CHECK_FALSE(test::got(ie::header_view::parse(ap.radio.frames[3].bytes)).has_qos());
    CHECK((ap.radio.frames[3].info.flags & driver::tx_flag::no_ack) != 0);
    CHECK((ap.radio.frames[0].info.flags & driver::tx_flag::no_ack) == 0);
}

TEST_CASE("fragmentation above the threshold, never for multicast", "[mac][tx]") {
    test::one_link s(iftype::station);
    s.state().frag_threshold = 256;
    REQUIRE(s.send(ethernet(s.peer, s.vif.addr, ie::ethertype::ipv4, 600)) ==
            mac::verdict::consumed);
    REQUIRE(s.radio.frames.size() == 3);  // 8 + 600 octets in (256 - 26 - 4) = 226-octet pieces
    for (std::size_t k = 0; k < 3; ++k) {
        const auto h = test::got(ie::header_view::parse(s.radio.frames[k].bytes));
        CHECK(h.seq().fragment() == k);
        CHECK(h.seq().sequence() == 0);
        CHECK(h.fc().has(ie::frame_control::more_frag) == (k < 2));
        CHECK(s.radio.frames[k].bytes.size() + 4 <= 256);
    }
    CHECK((s.radio.frames[0].info.flags & driver::tx_flag::first_fragment) != 0);
    CHECK((s.radio.frames[1].info.flags & driver::tx_flag::first_fragment) == 0);
    s.radio.frames.clear();
    test::one_link ap(iftype::ap);
    ap.state().frag_threshold = 256;
    ap.send(ethernet(mac_address::broadcast(), host_a, ie::ethertype::ipv4, 600));
    CHECK(ap.radio.frames.size() == 1);
}

TEST_CASE("RTS/CTS above the RTS threshold: P2P interfaces exclude CCK rates", "[mac][tx]") {
    test::one_link s(iftype::station);
    s.state().rts_threshold = 100;
    s.send(ethernet(s.peer, s.vif.addr, ie::ethertype::ipv4, 50));
    CHECK((s.radio.frames.back().info.flags & driver::tx_flag::rts_cts) == 0);
    s.send(ethernet(s.peer, s.vif.addr, ie::ethertype::ipv4, 200));
    CHECK((s.radio.frames.back().info.flags & driver::tx_flag::rts_cts) != 0);
    // The retry chain's tries add up to the long retry limit (short below the threshold).
    auto tries = [](const driver::tx_info& info) {
        unsigned n = 0;
        for (const auto& r : info.rates)
            if (r.idx >= 0) n += r.count;
        return n;
    };
    CHECK(tries(s.radio.frames.back().info) == s.state().long_retry);
    CHECK(tries(s.radio.frames[s.radio.frames.size() - 2].info) == s.state().short_retry);
    test::one_link p(iftype::p2p_client);
    p.send(ethernet(mac_address::broadcast(), p.vif.addr, ie::ethertype::ipv4, 20));
    const auto idx = p.radio.frames.back().info.rates[0].idx;
    CHECK(ieee80211::rates_2ghz[std::size_t(idx)].is_ofdm());
    test::one_link sta(iftype::station);
    sta.send(ethernet(mac_address::broadcast(), sta.vif.addr, ie::ethertype::ipv4, 20));
    CHECK(sta.radio.frames.back().info.rates[0].idx == 0);  // lowest rate, 1 Mbit/s
}

TEST_CASE("frames for stations that are not associated or authorized are dropped and counted",
          "[mac][tx]") {
    test::one_link ap(iftype::ap,
                      mac::sta_flag::associated);  // associated, 802.1X port not yet open
    CHECK(ap.send(ethernet(mac_address::parse("02:00:00:00:77:00").value(), host_a,
                           ie::ethertype::ipv4, 10)) == mac::verdict::drop);
    CHECK(ap.state().dropped(mac::drop_reason::not_associated) == 1);
    CHECK(ap.send(ethernet(ap.peer, host_a, ie::ethertype::ipv4, 10)) == mac::verdict::drop);
    CHECK(ap.state().dropped(mac::drop_reason::not_authorized) == 1);
    CHECK(ap.send(ethernet(ap.peer, ap.vif.addr, ie::ethertype::eapol, 10)) ==
          mac::verdict::consumed);
    REQUIRE(ap.mac.stations().remove(ap.peer));  // deauthenticated: gone from the table
    CHECK_FALSE(ap.mac.stations().remove(ap.peer));
    CHECK(ap.send(ethernet(ap.peer, ap.vif.addr, ie::ethertype::eapol, 10)) == mac::verdict::drop);
    CHECK(ap.state().dropped(mac::drop_reason::not_associated) == 2);
    test::one_link sta(iftype::station);
    sta.state().associated = false;
    CHECK(sta.send(ethernet(sta.peer, sta.vif.addr, ie::ethertype::ipv4, 10)) ==
          mac::verdict::drop);
    CHECK(sta.state().dropped(mac::drop_reason::not_associated) == 1);
    CHECK(sta.send({1, 2, 3}) == mac::verdict::drop);
    CHECK(sta.state().dropped(mac::drop_reason::too_short) == 1);
    // transmit() takes the buffer either way: a dropped frame's goes back to the pool at once.
    const std::size_t available = sta.pool.available();
    frame_buffer b =
        test::to_buffer(sta.pool, ethernet(sta.peer, sta.vif.addr, ie::ethertype::ipv4, 10));
    REQUIRE(sta.pool.available() == available - 1);
    CHECK(sta.mac.transmit(sta.radio, 0, std::move(b), 0) == mac::verdict::drop);
    CHECK_FALSE(b.valid());  // NOLINT(bugprone-use-after-move): the contract under test
    CHECK(sta.pool.available() == available);
}

#define SOFTMAC_DRIVERS                                                                   \
    test::loopback_software_roc, test::loopback_offloaded_roc, test::any_driver_loopback, \
        test::rt73_usb, test::rt73_usb_5ghz

TEMPLATE_TEST_CASE(
    "802.3 -> 802.11 -> 802.3 over two radios gives back the original frame, per interface type",
    "[mac][roundtrip]", SOFTMAC_DRIVERS) {
    struct pair {
        iftype a, b;
    };
    for (const pair p :
         {pair{iftype::ap, iftype::station}, pair{iftype::p2p_go, iftype::p2p_client},
          pair{iftype::adhoc, iftype::adhoc}, pair{iftype::wds, iftype::wds}}) {
        if (!TestType::p2p_and_wds && (driver::is_p2p(p.a) || p.a == iftype::wds)) continue;
        INFO(static_cast<int>(p.a) << " <-> " << static_cast<int>(p.b));
        test::stack_world<TestType> w(p.a, p.b);
        const bool bridged = p.a == iftype::wds;
        const auto ab = ethernet(w.vifs[1].addr, bridged ? host_a : w.vifs[0].addr,
                                 ie::ethertype::ipv4, 300, 3);
        const auto ba = ethernet(bridged ? host_a : w.vifs[0].addr,
                                 bridged ? host_b : w.vifs[1].addr, ie::ethertype::ipv6, 1500, 9);
        REQUIRE(w.send(0, ab, 3) == mac::verdict::consumed);
        REQUIRE(w.send(1, ba, 6) == mac::verdict::consumed);
        w.settle();
        INFO("drops a: " << w.state(0).dropped(mac::drop_reason::not_authorized)
                         << " b: " << w.state(1).dropped(mac::drop_reason::wrong_ds_bits));
        REQUIRE(w.up(1).delivered.size() == 1);
        REQUIRE(w.up(0).delivered.size() == 1);
        CHECK(w.up(1).delivered[0].bytes == ab);
        CHECK(w.up(0).delivered[0].bytes == ba);
        REQUIRE(w.up(0).statuses.size() == 1);
        CHECK(w.up(0).statuses[0].acked);
        auto* sta = w.mac(0).stations().find(w.vifs[1].addr);
        REQUIRE(sta);
        CHECK(sta->stats.tx_packets == 1);
        CHECK(sta->stats.rx_packets == 1);
        // An AP's station and a station's AP take the fast RX, unless the test runs without.
        const bool fast_rx = !test::full_path_only() && !bridged && p.a != iftype::adhoc;
        CHECK(w.mac(1).fast_rx_frames() == (fast_rx ? 1u : 0u));
    }
}

TEMPLATE_TEST_CASE("fragments are reassembled, also out of order they are refused",
                   "[mac][fragment]", SOFTMAC_DRIVERS) {
    test::stack_world<TestType> w(iftype::ap, iftype::station);
    w.state(1).frag_threshold = 300;
    const auto big = ethernet(w.vifs[0].addr, w.vifs[1].addr, ie::ethertype::ipv4, 1400, 5);
    REQUIRE(w.send(1, big) == mac::verdict::consumed);
    w.settle();
    REQUIRE(w.up(0).delivered.size() == 1);
    CHECK(w.up(0).delivered[0].bytes == big);
    CHECK(w.up(1).statuses.size() == 6);  // 1408 octets in 270-octet pieces

    // Out of order and missing fragments, injected directly: nothing is delivered.
    test::one_link s(iftype::station);
    s.state().frag_threshold = 300;
    s.send(ethernet(s.peer, s.vif.addr, ie::ethertype::ipv4, 700));
    REQUIRE(s.radio.frames.size() == 3);
    test::stack_world<TestType> rx(iftype::ap, iftype::station);
    auto inject = [&](std::size_t k) {
        auto bytes = s.radio.frames[k].bytes;
        std::copy(rx.vifs[0].addr.octets.begin(), rx.vifs[0].addr.octets.end(),
                  bytes.begin() + 4);  // RA: the AP
        std::copy(rx.vifs[1].addr.octets.begin(), rx.vifs[1].addr.octets.end(),
                  bytes.begin() + 10);  // TA: its station
        rx.mac(0).on_rx(test::to_buffer(rx.pool, bytes, 0), driver::rx_status{});
    };
    inject(0);
    inject(2);  // fragment 1 missing
    inject(1);  // now out of order: fragment 1 after 2 ... continues the entry
    CHECK(rx.up(0).delivered.empty());
    CHECK(rx.state(0).dropped(mac::drop_reason::fragment_unmatched) == 1);
    inject(2);  // the entry is complete only now
    CHECK(rx.up(0).delivered.size() == 1);
    rx.time.run_for(3s);
    inject(1);  // without fragment 0, after the cache emptied
    CHECK(rx.state(0).dropped(mac::drop_reason::fragment_unmatched) == 2);
}

TEMPLATE_TEST_CASE("retransmitted duplicates are dropped and counted", "[mac][rx]",
                   SOFTMAC_DRIVERS) {
    test::stack_world<TestType> w(iftype::ap, iftype::station);
    test::one_link s(iftype::station);
    s.send(ethernet(s.peer, s.vif.addr, ie::ethertype::ipv4, 30));
    auto bytes = s.radio.frames[0].bytes;
    std::copy(w.vifs[0].addr.octets.begin(), w.vifs[0].addr.octets.end(), bytes.begin() + 4);
    std::copy(w.vifs[1].addr.octets.begin(), w.vifs[1].addr.octets.end(), bytes.begin() + 10);
    w.mac(0).on_rx(test::to_buffer(w.pool, bytes, 0), {});
    bytes[1] |= 0x08;  // retry
    w.mac(0).on_rx(test::to_buffer(w.pool, bytes, 0), {});
    CHECK(w.up(0).delivered.size() == 1);
    CHECK(w.state(0).dropped(mac::drop_reason::duplicate) == 1);
    CHECK(w.mac(0).stations().find(w.vifs[1].addr)->stats.rx_duplicates == 1);
}

TEST_CASE("an A-MSDU is split into its 802.3 frames, with the AARP exception of RFC 1042",
          "[mac][rx]") {
    test::stack_world<test::loopback_software_roc> w(iftype::station, iftype::ap);
    const std::uint8_t p1[] = {1, 2, 3, 4, 5}, p2[] = {6, 7, 8};
    auto first = ethernet(w.vifs[0].addr, host_b, ie::ethertype::ipv4, 0);
    first.insert(first.end(), std::begin(p1), std::end(p1));
    auto second = ethernet(w.vifs[0].addr, host_a, 11, 0);  // 802.3 length frame
    second.insert(second.end(), ie::rfc1042_header.begin(), ie::rfc1042_header.end());
    second.push_back(0x80);
    second.push_back(0xf3);
    second.insert(second.end(), std::begin(p2), std::end(p2));
    // Also with an HT Control field (order bit): the QoS field is then not the header's last two
    // octets.
    for (const bool htc : {false, true}) {
        CAPTURE(htc);
        std::array<std::uint8_t, 512> buf{};
        byte_writer f(buf);
        ie::write_header(
            f, {ie::frame_control::make(ie::frame_type::data, ie::data_subtype::qos_data,
                                        ie::frame_control::from_ds |
                                            (htc ? ie::frame_control::order : std::uint16_t(0))),
                0,
                w.vifs[0].addr,
                w.vifs[1].addr,
                host_b,
                {},
                {},
                ie::qos_control::amsdu_present,
                0x12345678});
        std::array<std::uint8_t, 128> sub{};
        byte_writer sw(sub);
        ie::write_amsdu_subframe(sw, w.vifs[0].addr, host_b, ie::ethertype::ipv4, p1, false);
        // An AARP MSDU behind an RFC 1042 header (not bridge-tunnel): the LLC must stay.
        sw.zeros((4 - sw.size() % 4) % 4);
        sw.raw(w.vifs[0].addr.bytes())
            .raw(host_a.bytes())
            .be16(8 + 3)
            .raw(ie::rfc1042_header)
            .be16(ie::ethertype::aarp)
            .raw(p2);
        f.raw(sw.written());
        w.up(0).delivered.clear();
        w.mac(0).on_rx(test::to_buffer(w.pool, {f.written().begin(), f.written().end()}, 0), {});
        REQUIRE(w.up(0).delivered.size() == 2);
        CHECK(w.up(0).delivered[0].bytes == first);
        CHECK(w.up(0).delivered[1].bytes == second);
    }
}

TEST_CASE("RX rejects wrong DS bits, our own echoed multicast and unauthorized data", "[mac][rx]") {
    test::stack_world<test::loopback_software_roc> w(iftype::station, iftype::ap);
    auto frame = [&](std::uint16_t ds, const mac_address& a1, const mac_address& a2,
                     const mac_address& a3, std::uint16_t type) {
        std::array<std::uint8_t, 128> b{};
        byte_writer fw(b);
        ie::write_header(fw, {ie::frame_control::make(ie::frame_type::data, 0, ds), 0, a1, a2, a3});
        ie::write_snap(fw, type);
        fw.raw(std::string_view("payload"));
        return std::vector<std::uint8_t>(fw.written().begin(), fw.written().end());
    };
    const auto me = w.vifs[0].addr, ap = w.vifs[1].addr;
    w.mac(0).on_rx(
        test::to_buffer(w.pool,
                        frame(ie::frame_control::to_ds, me, ap, host_b, ie::ethertype::ipv4), 0),
        {});
    CHECK(w.state(0).dropped(mac::drop_reason::wrong_ds_bits) == 1);
    w.mac(0).on_rx(test::to_buffer(w.pool,
                                   frame(ie::frame_control::from_ds, mac_address::broadcast(), ap,
                                         me, ie::ethertype::ipv4),
                                   0),
                   {});
    CHECK(w.state(0).dropped(mac::drop_reason::own_echo) == 1);
    const auto other_ap = mac_address::parse("02:00:00:77:00:00").value();
    w.mac(0).on_rx(
        test::to_buffer(
            w.pool, frame(ie::frame_control::from_ds, me, other_ap, host_b, ie::ethertype::ipv4),
            0),
        {});
    CHECK(w.state(0).dropped(mac::drop_reason::wrong_bssid) == 1);
    CHECK(w.state(0).dropped(mac::drop_reason::not_authorized) == 0);
    w.mac(0).stations().find(ap)->flags &= ~mac::sta_flag::authorized;
    w.mac(0).on_rx(
        test::to_buffer(w.pool,
                        frame(ie::frame_control::from_ds, me, ap, host_b, ie::ethertype::ipv4), 0),
        {});
    CHECK(w.state(0).dropped(mac::drop_reason::not_authorized) == 1);
    w.mac(0).on_rx(
        test::to_buffer(w.pool,
                        frame(ie::frame_control::from_ds, me, ap, host_b, ie::ethertype::eapol), 0),
        {});
    // EAPOL passes the closed port, to the port's owner and not to the network side.
    CHECK(w.up(0).delivered.empty());
    REQUIRE(w.up(0).control_port.size() == 1);
    CHECK(load_be16(w.up(0).control_port[0].bytes.data() + 12) == ie::ethertype::eapol);
    w.state(0).associated = false;
    w.mac(0).on_rx(
        test::to_buffer(w.pool,
                        frame(ie::frame_control::from_ds, me, ap, host_b, ie::ethertype::ipv4), 0),
        {});
    CHECK(w.state(0).dropped(mac::drop_reason::not_associated) == 1);
}

TEST_CASE("management frames go up: frames for nobody are counted", "[mac][rx]") {
    test::stack_world<test::loopback_software_roc> w(iftype::station, iftype::ap);
    std::array<std::uint8_t, 64> b{};
    byte_writer fw(b);
    ie::write_mgmt_header(fw, ie::mgmt_subtype::beacon, mac_address::broadcast(), w.vifs[1].addr,
                          w.vifs[1].addr);
    ie::write_beacon_fixed(fw, 0, 100, 1);
    w.mac(0).on_rx(test::to_buffer(w.pool, {fw.written().begin(), fw.written().end()}, 0), {});
    CHECK(w.up(0).mgmt.size() == 1);
    store_le16(b.data(), ie::frame_control::make(ie::frame_type::data, 0).raw);
    std::copy(host_a.octets.begin(), host_a.octets.end(), b.begin() + 4);
    w.mac(0).on_rx(test::to_buffer(w.pool, {fw.written().begin(), fw.written().end()}, 0), {});
    CHECK(w.mac(0).unmatched() == 1);
}

TEST_CASE("TX status feeds station statistics and the adaptive rate", "[mac][status]") {
    test::stack_world<test::loopback_software_roc> w(iftype::ap, iftype::station);
    for (int k = 0; k < 12; ++k)
        w.send(0, ethernet(w.vifs[1].addr, host_a, ie::ethertype::ipv4, 100));
    w.settle();
    auto* sta = w.mac(0).stations().find(w.vifs[1].addr);
    CHECK(sta->stats.tx_packets == 12);
    CHECK(sta->stats.tx_failed == 0);
    // The station leaves the air: failures push the rate down.
    w.radios[1]->remove_interface(w.vifs[1]);
    const auto before = sta->rate.idx;
    for (int k = 0; k < 6; ++k) {
        w.send(0, ethernet(w.vifs[1].addr, host_a, ie::ethertype::ipv4, 100));
        w.settle();
    }
    CHECK(sta->stats.tx_failed == 6);
    CHECK(sta->rate.idx < before);
}

TEST_CASE("data frames captured by the monitor tap pass tshark", "[mac][tshark]") {
    test::stack_world<test::loopback_software_roc> w(iftype::ap, iftype::station);
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/data_path.pcap";
    {
        std::ofstream out(path, std::ios::binary);
        w.air.tap(out);
        w.state(1).frag_threshold = 400;
        w.send(1, ethernet(w.vifs[0].addr, w.vifs[1].addr, 0x88b5, 1000));
        w.send(0, ethernet(w.vifs[1].addr, host_a, 0x88b5, 64), 5);
        w.send(0, ethernet(mac_address::broadcast(), host_a, 0x88b5, 64));
        auto start = ethernet(w.vifs[0].addr, w.vifs[1].addr, ie::ethertype::eapol, 0);
        start.insert(start.end(), {2, 1, 0, 0});  // EAPOL-Start
        w.send(1, start);
        w.settle();
    }
    const auto rows =
        test::tshark_fields(path, {"_ws.malformed", "_ws.expert.severity", "wlan.fcs.status",
                                   "wlan.frag", "wlan.qos.tid", "llc.type"});
    REQUIRE(rows.size() == 6);  // 3 fragments + 3 frames
    for (const auto& r : rows) {
        CHECK(r[0].empty());
        CHECK(r[1].find("8388608") == std::string::npos);
        CHECK(r[2] == "1");
    }
    // The two radios transmit concurrently, so only the contents are compared, not the order.
    std::multiset<std::string> frags, tids;
    for (const auto& r : rows) {
        frags.insert(r[3]);
        tids.insert(r[4]);
    }
    CHECK(frags.count("2") == 1);  // the third fragment
    CHECK(tids.count("5") == 1);
    CHECK(tids.count("") == 1);  // group-addressed: not QoS
}

TEST_CASE("the station table finds, adds and removes by address as a list of slots would",
          "[mac][stations]") {
    mac::station_table<mac::simple_adaptive::state> t;
    // Addresses that differ in one octet only, in the key's first four octets or its last two.
    const auto addr = [](unsigned i) {
        return mac_address{
            {0x02, 0, 0, std::uint8_t(i >> 16), std::uint8_t(i >> 8), std::uint8_t(i)}};
    };
    std::vector<std::optional<mac_address>> model(64);  // slot k's station, as the table had it
    std::mt19937 rng(5);
    for (int step = 0; step < 5000; ++step) {
        const unsigned n = rng() % 200;
        const mac_address a = addr(n % 2 ? n << 16 : n);  // octet 3, or octet 5 alone
        const auto at = std::find(model.begin(), model.end(), std::optional(a));
        if (rng() % 3 == 0) {
            CHECK(t.remove(a) == (at != model.end()));
            if (at != model.end()) at->reset();
        } else {
            const auto r = t.add(a, 1);
            const auto free = std::find(model.begin(), model.end(), std::nullopt);
            if (at == model.end() && free == model.end()) {
                CHECK_FALSE(r);
                continue;
            }
            REQUIRE(r);
            CHECK((*r)->addr == a);
            if (at == model.end()) *free = a;
        }
        REQUIRE(t.size() == std::size_t(std::count_if(model.begin(), model.end(),
                                                      [](const auto& m) { return m; })));
        std::vector<mac_address> order, expected;
        t.for_each([&](const auto& s) { order.push_back(s.addr); });
        for (const auto& m : model)
            if (m) expected.push_back(*m);
        REQUIRE(order == expected);  // slot order
        const unsigned m = rng() % 200;
        const mac_address probe = addr(m % 2 ? m << 16 : m);
        const bool in = std::find(model.begin(), model.end(), std::optional(probe)) != model.end();
        REQUIRE((t.find(probe) != nullptr) == in);
        if (in) CHECK(t.find(probe)->addr == probe);
    }
    // The all-zero address is a station like any other, not a free slot.
    mac::station_table<mac::simple_adaptive::state> z;
    const mac_address zero{};
    CHECK_FALSE(z.remove(zero));
    REQUIRE(z.add(zero, 1));
    REQUIRE(z.add(addr(1), 1));
    CHECK(z.size() == 2);
    REQUIRE(z.find(zero) != nullptr);
    CHECK(z.find(zero)->addr == zero);
    CHECK(z.add(zero, 1).value() == z.find(zero));  // found, not added twice
    CHECK(z.size() == 2);
    CHECK(z.remove(zero));
    CHECK_FALSE(z.remove(zero));
    CHECK(z.find(zero) == nullptr);
    CHECK(z.size() == 1);
}
