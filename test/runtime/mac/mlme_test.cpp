// SPDX-License-Identifier: MIT
// The MAC's management half on two radios: scan, join, AP, off-channel work, registrations.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <random>
#include <set>

#include "got.hpp"
#include "mlme_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;
using driver::iftype;
using test::ethernet;

namespace {
/// A connect request for `ssid`, on `freq` (0: any).
mac::connect_params join(const char* ssid, std::uint16_t freq) {
    mac::connect_params p;
    p.ssid = ssid;
    p.freq = freq;
    return p;
}

const auto ch6 = *ie::make_channel(ie::band::ghz2_4, 6);

template <class W>
driver::vif start_ap(W& w, std::size_t i, std::string_view ssid,
                     mac::hidden_ssid hidden = mac::hidden_ssid::not_hidden,
                     std::uint16_t max_stations = 2007) {
    const auto v = w.add(i, iftype::ap);
    auto p = mac::make_ap_params(v.addr, ssid, ch6, ie::rates_2ghz, false, hidden);
    p.max_stations = max_stations;
    REQUIRE(w[i].start_ap(v.index, p));
    return v;
}
/// An AP "softmac-ap" on radio 0 and a station of radio 1 associated with it.
template <class W>
std::pair<driver::vif, driver::vif> associated_pair(W& w) {
    const auto ap = start_ap(w, 0, "softmac-ap");
    const auto sta = w.add(1, iftype::station);
    REQUIRE(w[1].connect(sta.index, join("softmac-ap", 0)));
    w.run(std::chrono::seconds(3));
    REQUIRE(w.template all<mac::event::connect>(1).size() == 1);
    return {ap, sta};
}
}  // namespace

TEMPLATE_TEST_CASE("a station finds an AP by active and passive scan", "[mac][mlme]",
                   test::loopback_software_roc, test::loopback_offloaded_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto ap = start_ap(w, 0, "softmac-ap");
    const auto sta = w.add(1, iftype::station);
    const bool active = GENERATE(true, false);
    mac::scan_params p;
    if (active) p.ssids.push_back("");
    REQUIRE(w[1].scan(sta.index, p));
    CHECK_FALSE(w[1].scan(sta.index, p));  // a second scan is refused
    w.run(10s);
    const auto done = w.template all<mac::event::scan_done>(1);
    REQUIRE(done.size() == 1);
    CHECK_FALSE(done[0].aborted);
    const auto* b = w[1].bss().find(ap.addr);
    REQUIRE(b);
    CHECK(b->ssid == "softmac-ap");
    CHECK(b->freq == 2437);
    CHECK(b->from_probe_resp == active);
    CHECK(w[1].bss().heard(*b).beacon_int == 100);
}

TEMPLATE_TEST_CASE("a station connects, exchanges data and is deauthenticated", "[mac][mlme]",
                   test::loopback_software_roc, test::loopback_offloaded_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto ap = start_ap(w, 0, "softmac-ap");
    const auto sta = w.add(1, iftype::station);
    REQUIRE(w[1].connect(sta.index, join("softmac-ap", 0)));
    w.run(3s);
    const auto conn = w.template all<mac::event::connect>(1);
    REQUIRE(conn.size() == 1);
    CHECK(conn[0].status == 0);
    CHECK(conn[0].bssid == ap.addr);
    CHECK(w.template all<mac::event::authenticate>(1).size() == 1);
    CHECK(w.template all<mac::event::associate>(1).size() == 1);
    const auto added = w.template all<mac::event::new_station>(0);
    REQUIRE(added.size() == 1);
    CHECK(added[0].addr == sta.addr);
    CHECK(added[0].aid == 1);
    CHECK(w[1].device().size() == 1);

    heap_pool& pool = w.pool;
    auto send = [&](std::size_t from, const driver::vif& v, const mac_address& to) {
        auto b = pool.allocate(64);
        (void)b->append(ethernet(to, v.addr, 0x88b5, 100));
        return w[from].transmit(v.index, std::move(*b));
    };
    send(1, sta, ap.addr);
    send(0, ap, sta.addr);
    w.run(50ms);
    CHECK(w[0].net().frames.size() == 1);
    CHECK(w[1].net().frames.size() == 1);

    REQUIRE(w[0].deauthenticate(ap.index, sta.addr, 3));
    w.run(50ms);
    const auto gone = w.template all<mac::event::disconnect>(1);
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].reason == 3);
    CHECK(gone[0].by_ap);
    CHECK(w.template all<mac::event::del_station>(0).size() == 1);
    CHECK(send(1, sta, ap.addr) == mac::verdict::drop);  // data stops
    CHECK(send(0, ap, sta.addr) == mac::verdict::drop);
}

TEMPLATE_TEST_CASE("a hidden SSID is found only by a directed probe", "[mac][mlme]",
                   test::loopback_software_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto ap = start_ap(w, 0, "hidden-net", mac::hidden_ssid::zero_len);
    const auto sta = w.add(1, iftype::station);
    mac::scan_params wildcard;
    wildcard.ssids.push_back("");
    wildcard.freqs.push_back(2437);
    wildcard.dwell_ms = 250;  // long enough to hear beacons
    REQUIRE(w[1].scan(sta.index, wildcard));
    w.run(1s);
    const auto* b = w[1].bss().find(ap.addr);
    REQUIRE(b);  // heard in a beacon, name unknown
    CHECK(b->hidden);
    CHECK(b->ssid.empty());
    CHECK_FALSE(b->from_probe_resp);  // no answer to the wildcard

    REQUIRE(w[1].connect(sta.index, join("hidden-net", 2437)));
    w.run(2s);
    const auto conn = w.template all<mac::event::connect>(1);
    REQUIRE(conn.size() == 1);
    CHECK(conn[0].status == 0);
    CHECK(w[1].bss().find(ap.addr)->ssid == "hidden-net");
}

TEMPLATE_TEST_CASE("association is refused when the AP's station table is full", "[mac][mlme]",
                   test::loopback_software_roc, test::rt73_usb) {
    test::mlme_world<TestType> w(3);
    start_ap(w, 0, "tiny", mac::hidden_ssid::not_hidden, 1);
    const auto s1 = w.add(1, iftype::station);
    const auto s2 = w.add(2, iftype::station);
    REQUIRE(w[1].connect(s1.index, join("tiny", 0)));
    w.run(2s);
    REQUIRE(w[2].connect(s2.index, join("tiny", 0)));
    w.run(2s);
    REQUIRE(w.template all<mac::event::connect>(1).size() == 1);
    CHECK(w.template all<mac::event::connect>(1)[0].status == ieee80211::status::success);
    const auto refused = w.template all<mac::event::connect>(2);
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].status == ieee80211::status::ap_full);
    CHECK_FALSE(refused[0].timed_out);
    CHECK(w.template all<mac::event::new_station>(0).size() == 1);
}

TEMPLATE_TEST_CASE("connect to an absent network fails after its scan", "[mac][mlme]",
                   test::loopback_software_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto sta = w.add(1, iftype::station);
    REQUIRE(w[1].connect(sta.index, join("nowhere", 2412)));
    w.run(2s);
    const auto conn = w.template all<mac::event::connect>(1);
    REQUIRE(conn.size() == 1);
    CHECK(conn[0].timed_out);
    CHECK(conn[0].status == ieee80211::status::unspecified);
}

TEMPLATE_TEST_CASE("authentication times out after its retries", "[mac][mlme]",
                   test::loopback_software_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto sta = w.add(1, iftype::station);
    const auto nobody = mac_address::parse("02:55:00:00:00:01").value();
    REQUIRE(w[1].authenticate(sta.index, {nobody, 2412, "x", 0, {}}));
    w.run(500ms);
    CHECK(w.template all<mac::event::authenticate>(1).empty());  // still retrying
    w.run(500ms);
    const auto a = w.template all<mac::event::authenticate>(1);
    REQUIRE(a.size() == 1);
    CHECK(a[0].timed_out);
    CHECK_FALSE(w[1].authenticate(sta.index, {nobody, 2412, "x", 1, {}}));  // shared key
}

TEMPLATE_TEST_CASE("a station notices beacon loss", "[mac][mlme]", test::loopback_software_roc,
                   test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto ap = start_ap(w, 0, "fading");
    const auto sta = w.add(1, iftype::station);
    REQUIRE(w[1].connect(sta.index, join("fading", 0)));
    w.run(2s);
    REQUIRE(w.template all<mac::event::connect>(1).size() == 1);
    w.run(3s);
    CHECK(w.template all<mac::event::disconnect>(1).empty());  // beacons keep it alive
    REQUIRE(w[0].stop_ap(ap.index));                           // deauth all stations
    w.run(50ms);
    auto d = w.template all<mac::event::disconnect>(1);
    REQUIRE(d.size() == 1);
    CHECK(d[0].by_ap);
    // Join again, then let the AP vanish without a word.
    REQUIRE(w[0].start_ap(ap.index, mac::make_ap_params(ap.addr, "fading", ch6, ie::rates_2ghz)));
    REQUIRE(w[1].connect(sta.index, join("fading", 2437)));
    w.run(1s);
    REQUIRE(w.template all<mac::event::connect>(1).size() == 2);
    w.air.set_link(test::port_of(w[0].radio().driver()), test::port_of(w[1].radio().driver()),
                   1.0);  // the AP goes silent
    w.run(500ms);
    CHECK(w.template all<mac::event::disconnect>(1).size() == 1);
    w.run(1s);  // 7 beacon intervals have passed
    d = w.template all<mac::event::disconnect>(1);
    REQUIRE(d.size() == 2);
    CHECK(d[1].reason == ieee80211::reason::inactivity);
    CHECK_FALSE(d[1].by_ap);
}

TEMPLATE_TEST_CASE("remain-on-channel: ready, expired, cancel", "[mac][mlme][roc]",
                   test::loopback_software_roc, test::loopback_offloaded_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto dev = w.add(0, iftype::station);
    auto c1 = w[0].remain_on_channel(dev.index, 2462, 100);
    REQUIRE(c1);
    auto c2 = w[0].remain_on_channel(dev.index, 2412, 200);  // queued behind the first
    REQUIRE(c2);
    CHECK(*c1 != *c2);
    CHECK_FALSE(w[0].remain_on_channel(dev.index, 2412, 5));      // below 10 ms
    CHECK_FALSE(w[0].remain_on_channel(dev.index, 2412, 60000));  // above the maximum
    w.run(150ms);
    auto ready = w.template all<mac::event::remain_on_channel>(0);
    auto ended = w.template all<mac::event::cancel_remain_on_channel>(0);
    REQUIRE(ready.size() == 2);
    CHECK(ready[0].cookie == *c1);
    CHECK(ready[0].freq == 2462);
    CHECK(ready[1].cookie == *c2);
    REQUIRE(ended.size() == 1);
    CHECK(ended[0].cookie == *c1);
    REQUIRE(w[0].cancel_remain_on_channel(*c2));
    w.run(10ms);
    ended = w.template all<mac::event::cancel_remain_on_channel>(0);
    REQUIRE(ended.size() == 2);
    CHECK(ended[1].cookie == *c2);
    CHECK_FALSE(w[0].cancel_remain_on_channel(*c2));   // gone
    CHECK_FALSE(w[0].radio().on_channel_elsewhere());  // back on the operating channel
}

namespace {
/// A public action frame (P2P vendor-specific, GO Negotiation Request subtype 0).
std::vector<std::uint8_t> public_action(const mac_address& da, const mac_address& sa,
                                        std::uint8_t subtype = 0, std::uint8_t category = 4) {
    std::vector<std::uint8_t> f(64);
    byte_writer w(f);
    ie::write_mgmt_header(w, ie::mgmt_subtype::action, da, sa, da);
    w.u8(category).u8(9).be32(0x506f9a09).u8(subtype).u8(1);
    f.resize(w.size());
    return f;
}
const std::vector<std::uint8_t> p2p_public = {0x04, 0x09, 0x50, 0x6f, 0x9a, 0x09};
}  // namespace

TEMPLATE_TEST_CASE("the MAC picks its rates from the band the radio is tuned to",
                   "[mac][mlme][rates]", test::loopback_offloaded_roc, test::rt73_usb_5ghz) {
    // Rate indexes are relative to the tuned band's rates: 6 Mbit/s is index 4 on 2.4 GHz and
    // index 0 on 5 GHz, where a P2P frame without CCK and the lowest rate are both 6 Mbit/s.
    test::mlme_world<TestType> w;
    const auto a = w.add(0, iftype::station);
    const auto b = w.add(1, iftype::station);
    REQUIRE(w[1].register_frame(b.index, 0x00d0, p2p_public, 2));
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/rates-" +
                             (std::is_same_v<TestType, test::rt73_usb_5ghz> ? "rt73" : "loopback") +
                             ".pcap";
    std::optional<std::ofstream> capture(std::in_place, path, std::ios::binary);
    w.air.tap(*capture);
    for (std::uint16_t freq : {std::uint16_t(5180), std::uint16_t(2412)}) {
        REQUIRE(w[0].set_channel(freq));
        REQUIRE(w[1].remain_on_channel(b.index, freq, 100));  // b listens there
        w.run(1ms);
        for (bool no_cck : {true, false}) {
            mac::mgmt_tx_params p;
            p.frame = public_action(b.addr, a.addr);
            p.freq = freq;
            p.offchannel_ok = true;
            p.no_cck = no_cck;
            REQUIRE(w[0].mgmt_tx(a.index, p));
            w.run(20ms);
        }
        w.run(100ms);  // b's listen period ends
    }
    CHECK(w.template all<mac::event::frame>(1).size() == 4);
    capture.reset();
    std::vector<std::string> seen;
    for (const auto& r : test::tshark_fields(
             path, {"radiotap.channel.freq", "radiotap.datarate", "wlan.fc.type_subtype"}))
        if (r[2] == "0x000d") seen.push_back(r[0] + "@" + r[1]);
    CHECK(seen == std::vector<std::string>{"5180@6", "5180@6", "2412@6", "2412@1"});
}

TEMPLATE_TEST_CASE("management-frame TX off channel with a wait, answered through a registration",
                   "[mac][mlme][mgmt_tx]", test::loopback_software_roc,
                   test::loopback_offloaded_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto a = w.add(0, iftype::station);
    const auto b = w.add(1, iftype::station);
    REQUIRE(w[0].register_frame(a.index, 0x00d0, p2p_public, 1));
    REQUIRE(w[1].register_frame(b.index, 0x00d0, p2p_public, 2));
    CHECK(w[1].register_frame(b.index, 0x00d0, std::vector<std::uint8_t>{0x04}, 3).err().code ==
          errc::already);  // overlaps
    auto listen = w[1].remain_on_channel(b.index, 2462, 1000);
    REQUIRE(listen);
    w.run(1ms);

    mac::mgmt_tx_params p;
    p.frame = public_action(b.addr, a.addr);
    p.freq = 2462;
    p.wait_ms = 300;
    p.no_cck = true;
    CHECK(w[0].mgmt_tx(a.index, p).err().code == errc::busy);  // off channel, not allowed
    p.offchannel_ok = true;
    auto cookie = w[0].mgmt_tx(a.index, p);
    REQUIRE(cookie);
    w.run(20ms);
    auto got = w.template all<mac::event::frame>(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].owner == 2);
    CHECK(got[0].freq == 2462);
    CHECK(got[0].bytes == p.frame);
    auto st = w.template all<mac::event::frame_tx_status>(0);
    REQUIRE(st.size() == 1);
    CHECK(st[0].cookie == *cookie);
    CHECK(st[0].ack);

    // The answer goes out on the listener's channel, and reaches the waiting sender.
    mac::mgmt_tx_params answer;
    answer.frame = public_action(a.addr, b.addr, 1);
    answer.no_cck = true;
    REQUIRE(w[1].mgmt_tx(b.index, answer));  // on channel: inside its remain-on-channel
    w.run(20ms);
    got = w.template all<mac::event::frame>(0);
    REQUIRE(got.size() == 1);
    CHECK(got[0].bytes == answer.frame);
    CHECK(w.template all<mac::event::frame_wait_cancel>(0).empty());
    w.run(400ms);
    const auto waited = w.template all<mac::event::frame_wait_cancel>(0);
    REQUIRE(waited.size() == 1);  // the wait expired
    CHECK(waited[0].cookie == *cookie);

    // A cancelled wait ends early and says nothing.
    p.frame = public_action(b.addr, a.addr, 2);
    cookie = w[0].mgmt_tx(a.index, p);
    REQUIRE(cookie);
    w.run(20ms);
    REQUIRE(w[0].mgmt_tx_cancel_wait(*cookie));
    w.run(400ms);
    CHECK(w.template all<mac::event::frame_wait_cancel>(0).size() == 1);
    CHECK(w.template all<mac::event::frame>(1).size() == 2);
    CHECK_FALSE(w[0].mgmt_tx_cancel_wait(*cookie));
}

TEMPLATE_TEST_CASE("an unregistered action frame is bounced with 0x80", "[mac][mlme][mgmt_tx]",
                   test::loopback_software_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto a = w.add(0, iftype::station);
    const auto b = w.add(1, iftype::station);
    REQUIRE(w[0].register_frame(a.index, 0x00d0, std::vector<std::uint8_t>{0x84}, 1));
    // b listens on the channel (an idle radio of mac80211_hwsim's kind hears nothing).
    REQUIRE(w[1].remain_on_channel(b.index, 2412, 500));
    mac::mgmt_tx_params p;
    p.frame = public_action(b.addr, a.addr);
    p.offchannel_ok = true;
    p.wait_ms = 100;
    REQUIRE(w[0].mgmt_tx(a.index, p));
    w.run(50ms);
    const auto back = w.template all<mac::event::frame>(0);
    REQUIRE(back.size() == 1);
    CHECK(back[0].bytes[24] == 0x84);
    CHECK(mac_address::from(back[0].bytes.data() + 4) == a.addr);   // DA: the sender
    CHECK(mac_address::from(back[0].bytes.data() + 10) == b.addr);  // SA: the bouncer
    CHECK(w.template all<mac::event::frame>(1).empty());

    // A frame that is already a rejection is not bounced again.
    p.frame = public_action(b.addr, a.addr, 0, 0x84);
    REQUIRE(w[0].mgmt_tx(a.index, p));
    w.run(200ms);
    CHECK(w.template all<mac::event::frame>(0).size() == 1);
}

TEST_CASE(
    "a received frame finds its registration by interface, type and body prefix, "
    "before and after removals",
    "[mac][registry]") {
    mac::frame_registry r;
    const std::vector<std::uint8_t> p2p_public{0x04, 0x09}, gas{0x04, 0x0a};
    REQUIRE(r.add(0, mac::frame_types::action, p2p_public, 1));
    REQUIRE(r.add(1, mac::frame_types::action, p2p_public, 2));
    REQUIRE(r.add(0, mac::frame_types::probe_req, {}, 3));
    REQUIRE(r.add(0, mac::frame_types::action, gas, 2));
    REQUIRE(r.add(1, mac::frame_types::probe_req, {}, 4));
    const std::vector<std::uint8_t> p2p_body{0x04, 0x09, 0x50}, gas_body{0x04, 0x0a, 0x01},
        short_body{0x04};
    const auto owner = [&](std::uint8_t vif, std::uint16_t type, bytes_view body) {
        const auto* e = r.find(vif, ieee80211::frame_control{type}, body);
        return e ? e->owner : 0u;
    };
    const auto owners = [&] {
        return std::vector<std::uint32_t>{owner(0, mac::frame_types::action, p2p_body),
                                          owner(1, mac::frame_types::action, p2p_body),
                                          owner(0, mac::frame_types::action, gas_body),
                                          owner(1, mac::frame_types::action, gas_body),
                                          owner(0, mac::frame_types::action, short_body),
                                          owner(0, mac::frame_types::probe_req, {}),
                                          owner(1, mac::frame_types::probe_req, {})};
    };
    CHECK(owners() == std::vector<std::uint32_t>{1, 2, 2, 0, 0, 3, 4});
    // An overlapping registration is refused and changes nothing.
    CHECK(r.add(0, mac::frame_types::action, short_body, 6).err().code == errc::already);
    CHECK(r.size() == 5);
    CHECK(r.count(mac::frame_types::action) == 3);
    CHECK(owners() == std::vector<std::uint32_t>{1, 2, 2, 0, 0, 3, 4});
    CHECK(r.remove_owner(2) == 2);
    CHECK(owners() == std::vector<std::uint32_t>{1, 0, 0, 0, 0, 3, 4});
    r.remove_vif(0);
    CHECK(r.size() == 1);
    CHECK(owners() == std::vector<std::uint32_t>{0, 0, 0, 0, 0, 0, 4});
    CHECK(r.count(mac::frame_types::probe_req) == 1);
    REQUIRE(r.add(0, mac::frame_types::action, gas, 5));  // interface 0 holds none now
    CHECK(owners() == std::vector<std::uint32_t>{0, 0, 5, 0, 0, 0, 4});
}

TEMPLATE_TEST_CASE(
    "the lines a stack gives its driver to fetch ahead are those every received "
    "frame reads",
    "[mac][prefetch]", test::loopback_software_roc, test::rt73_usb) {
    // The data path's first line, then the stack's: the BSS table, management RX and the
    // interface records' first line, each line once.
    test::mlme_world<TestType> w(1);
    driver::rx_prefetch p;
    w[0].data().rx_lines(p);
    const auto line = [](const void* at) {
        return reinterpret_cast<std::uintptr_t>(at) & ~std::uintptr_t{63};
    };
    std::set<std::uintptr_t> held;
    for (std::size_t i = 0; i < p.lines.size(); ++i) held.insert(line(p.lines[i]));
    CHECK(held.size() == p.lines.size());  // no line twice
    CHECK(line(p.lines[0]) == line(&w[0].data()));
    CHECK(held.count(line(&w[0].bss())) == 1);
    // Management RX follows the BSS table, which is wider than a line: four lines in all.
    STATIC_REQUIRE(sizeof(mac::bss_table) >= 64);
    CHECK(p.lines.size() == 4);
}

TEMPLATE_TEST_CASE("probe requests reach a listener only when it registered", "[mac][mlme]",
                   test::loopback_software_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const auto a = w.add(0, iftype::station);
    const auto b = w.add(1, iftype::station);
    mac::scan_params p;
    p.ssids.push_back("DIRECT-");
    p.freqs.push_back(2412);
    p.no_cck = true;
    REQUIRE(w[1].remain_on_channel(b.index, 2412, 1000));  // listening, as a P2P device does
    REQUIRE(w[0].scan(a.index, p));
    w.run(100ms);
    CHECK(w.template all<mac::event::frame>(1).empty());
    CHECK_FALSE(w[1].radio().filter() & driver::fif::probe_req);
    REQUIRE(w[1].register_frame(b.index, 0x0040, {}, 5));
    CHECK(((w[1].radio().filter() & driver::fif::probe_req) != 0 ||
           !TestType::filters_probe_requests));
    REQUIRE(w[0].scan(a.index, p));
    w.run(100ms);
    const auto got = w.template all<mac::event::frame>(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].owner == 5);
    CHECK(mac_address::from(got[0].bytes.data() + 10) == a.addr);
    w[1].unregister_owner(5);
    CHECK_FALSE(w[1].radio().filter() & driver::fif::probe_req);
}

TEMPLATE_TEST_CASE("management frames on the air pass tshark", "[mac][mlme][tshark]",
                   test::loopback_software_roc, test::rt73_usb) {
    test::mlme_world<TestType> w;
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/mlme_" +
                             std::to_string(std::is_same_v<TestType, test::rt73_usb>) + ".pcap";
    {
        std::ofstream out(path, std::ios::binary);
        w.air.tap(out);
        const auto ap = start_ap(w, 0, "judged");
        const auto sta = w.add(1, iftype::station);
        REQUIRE(w[1].connect(sta.index, join("judged", 2437)));
        w.run(500ms);
        REQUIRE(w[1].disconnect(sta.index, ieee80211::reason::deauth_leaving));
        mac::mgmt_tx_params p;
        p.frame = public_action(ap.addr, sta.addr);
        p.offchannel_ok = true;
        REQUIRE(w[1].mgmt_tx(sta.index, p));
        w.run(100ms);
        (void)w[0].stop_ap(ap.index);
    }
    const auto rows = test::tshark_fields(
        path, {"_ws.malformed", "_ws.expert.severity", "wlan.fcs.status", "wlan.fc.type_subtype"});
    std::set<std::string> subtypes;
    for (const auto& r : rows) {
        CHECK(r[0].empty());
        CHECK(r[1].find("8388608") == std::string::npos);  // no error-level expert info
        CHECK(r[2] == "1");
        subtypes.insert(r[3]);
    }
    // beacon, probe request/response, auth, assoc request/response, deauth, action, ACKs
    for (const char* s :
         {"0x0008", "0x0004", "0x0005", "0x000b", "0x0000", "0x0001", "0x000c", "0x000d"})
        CHECK(subtypes.count(s) == 1);
}

TEST_CASE("mixed radios: a station on a loopback radio joins an AP on an rt73 radio",
          "[mac][mlme]") {
    virtual_time time;
    sim::medium<virtual_time> air(time, 3);
    heap_pool pool(frame_buffer_size, 1024);
    auto ap = test::make_stack<test::rt73_usb>(time, pool, air, 0);
    auto sta = test::make_stack<test::loopback_software_roc>(time, pool, air, 1);
    REQUIRE(ap->start());
    REQUIRE(sta->start());
    const auto& events = sta->events().log;
    const auto a = ap->add_interface(iftype::ap);
    const auto s = sta->add_interface(iftype::station);
    REQUIRE(a);
    REQUIRE(s);
    REQUIRE(ap->start_ap(a->index, mac::make_ap_params(a->addr, "mixed", ch6, ie::rates_2ghz)));
    mac::connect_params join;
    join.ssid = "mixed";
    REQUIRE(sta->connect(s->index, join));
    time.run_for(3s);
    const mac::event::connect* c = nullptr;
    for (const auto& e : events)
        if (auto* p = std::get_if<mac::event::connect>(&e)) c = p;
    REQUIRE(c);
    CHECK(c->status == 0);
    CHECK(c->bssid == a->addr);
    std::size_t running = 0;
    sta->device().for_each([&](const auto& v) { running += v.current == vap::state::run; });
    CHECK(running == 1);  // the station vap's state machine followed the join
    auto b = pool.allocate(64);
    (void)b->append(ethernet(a->addr, s->addr, 0x88b5, 300));
    CHECK(sta->transmit(s->index, std::move(*b)) == mac::verdict::consumed);
    time.run_for(20ms);
    CHECK(ap->net().frames.size() == 1);
    REQUIRE(sta->disconnect(s->index, 3));
    running = 0;
    sta->device().for_each([&](const auto& v) { running += v.current == vap::state::run; });
    CHECK(running == 0);
}

TEMPLATE_TEST_CASE("a remain-on-channel requested when the previous one ends runs in full",
                   "[mac][mlme][roc]", test::loopback_software_roc, test::loopback_offloaded_roc) {
    test::mlme_world<TestType> w;
    const auto dev = w.add(0, iftype::station);
    int chained = 0;
    std::vector<mac::event::any> seen;
    w[0].events().then = [&](const mac::event::any& e) {
        seen.push_back(e);
        if (std::holds_alternative<mac::event::cancel_remain_on_channel>(e) && chained++ < 3)
            REQUIRE(w[0].remain_on_channel(dev.index, 2437, 50));
    };
    REQUIRE(w[0].remain_on_channel(dev.index, 2412, 50));
    w.run(500ms);
    std::size_t ready = 0, ended = 0;
    for (const auto& e : seen) {
        ready += std::holds_alternative<mac::event::remain_on_channel>(e);
        ended += std::holds_alternative<mac::event::cancel_remain_on_channel>(e);
    }
    CHECK(ready == 4);
    CHECK(ended == 4);
    CHECK_FALSE(w[0].radio().on_channel_elsewhere());
}

TEST_CASE("a protected or +HTC management frame is not read as clear text", "[mac][mlme]") {
    test::mlme_world<test::loopback_software_roc> w(1);
    (void)w.add(0, iftype::station);
    // A beacon header with the Protected and Order bits and a 6-octet body (the fuzzer's find).
    std::vector<std::uint8_t> f(30, 0);
    f[0] = 0x80;
    f[1] = 0x40 | 0x80;
    std::fill(f.begin() + 4, f.begin() + 10, 0xff);
    f[10] = 0x02;
    auto b = w.pool.allocate(32);
    REQUIRE(b->append(f));
    driver::rx_status rs;
    rs.freq = 2412;
    w[0].data().on_rx(std::move(*b), rs);
    CHECK(w[0].bss().size() == 0);
    // The same frame in clear with a 28-octet +HTC header and full beacon fields is read.
    f[1] = 0x80;
    f.resize(28 + 12, 0);
    f.insert(f.end(), {0, 3, 'h', 't', 'c'});
    b = w.pool.allocate(32);
    REQUIRE(b->append(f));
    w[0].data().on_rx(std::move(*b), rs);
    REQUIRE(w[0].bss().size() == 1);
    CHECK(w[0].bss().entries().front().ssid == "htc");
}

TEST_CASE("a BSS is recorded on the channel its DS Parameter Set names rather than where heard",
          "[mac][mlme]") {
    test::mlme_world<test::loopback_software_roc> w(1);
    (void)w.add(0, iftype::station);
    // A beacon of a BSS on channel 11, heard on 2437 MHz (channel 6): sent while its radio was
    // off channel, or heard on an adjacent channel.
    const auto beacon = [&](std::uint16_t rx_freq, std::optional<std::uint8_t> ds_channel) {
        std::vector<std::uint8_t> f(24 + 12, 0);
        f[0] = 0x80;
        std::fill(f.begin() + 4, f.begin() + 10, 0xff);
        for (int k : {10, 16}) f[static_cast<std::size_t>(k)] = 0x02;
        f[15] = f[21] = ds_channel ? 0x11 : 0x22;
        f[24 + 8] = 100;
        f.insert(f.end(), {0, 2, 'd', 's'});
        if (ds_channel) f.insert(f.end(), {3, 1, *ds_channel});
        auto b = w.pool.allocate(32);
        REQUIRE(b->append(f));
        driver::rx_status rs;
        rs.freq = rx_freq;
        w[0].data().on_rx(std::move(*b), rs);
    };
    beacon(2437, 11);
    beacon(2437, std::nullopt);
    REQUIRE(w[0].bss().size() == 2);
    const auto& e = w[0].bss().entries();
    const auto with_ds = e.front().bssid.octets[5] == 0x11 ? e.front() : e.back();
    const auto without = e.front().bssid.octets[5] == 0x11 ? e.back() : e.front();
    CHECK(with_ds.freq == 2462);
    CHECK(without.freq == 2437);  // no element: where it was heard
}

TEST_CASE("the BSS table evicts the least recently heard entry and ages entries out",
          "[mac][bss]") {
    mac::bss_table t;
    std::vector<std::uint8_t> ies{0, 3, 'n', 'e', 't'};  // SSID "net"
    ie::mgmt_body body;
    body.elements = test::got(ie::element_range::parse(ies));
    const auto addr = [](unsigned i) {
        return mac_address{{0x02, 0, 0, 0, std::uint8_t(i >> 8), std::uint8_t(i)}};
    };
    time_point now{};
    const auto hear = [&](unsigned i) {
        now += 1ms;
        t.update(addr(i), 2412, -50, body, ies, false, now);
    };
    constexpr unsigned c = mac::bss_table::capacity;
    static_assert(c == 1000, "cfg80211's bss_entries_limit");
    for (unsigned i = 0; i < c; ++i) hear(i);
    REQUIRE(t.size() == c);
    hear(0);  // heard again: no longer the oldest
    hear(c);
    CHECK(t.size() == c);
    CHECK(t.find(addr(0)));
    CHECK_FALSE(t.find(addr(1)));  // the least recently heard went
    CHECK(t.find(addr(c))->ssid == "net");
    // The entries keep the order they were first heard in; the new one is last.
    CHECK(t.entries().front().bssid == addr(0));
    CHECK(t.entries().back().bssid == addr(c));
    hear(c + 1);
    CHECK_FALSE(t.find(addr(2)));
    // Ageing: 30 s after it was last heard an entry goes, the others stay.
    // Entry i was heard at i + 1 ms, entry 0 again at c + 1 ms, c + 1 at c + 3 ms.
    now += mac::bss_table::expiry - 129ms;  // 30 s + (c - 126) ms
    t.expire(now);  // entries 3..c-128 (heard more than 30 s before) go, c-127 (exactly 30 s) stays
    CHECK_FALSE(t.find(addr(3)));
    CHECK_FALSE(t.find(addr(c - 128)));
    CHECK(t.find(addr(c - 127)));
    CHECK(t.find(addr(0)));
    CHECK(t.size() == 130);  // 0, c - 127 .. c - 1, c and c + 1
    now += 1h;
    t.expire(now);
    CHECK(t.size() == 0);
    hear(7);
    CHECK(t.entries().size() == 1);
}

TEST_CASE("a BSS table entry used again for another BSS keeps nothing of the old one",
          "[mac][bss]") {
    mac::bss_table t;
    const auto addr = [](unsigned i) {
        return mac_address{{0x02, 0, 0, 0, std::uint8_t(i >> 8), std::uint8_t(i)}};
    };
    time_point now{};
    const auto hear = [&](unsigned i, std::string_view ssid, bool probe_resp) {
        std::vector<std::uint8_t> ies{0, std::uint8_t(ssid.size())};
        ies.insert(ies.end(), ssid.begin(), ssid.end());
        ie::mgmt_body body;
        body.elements = test::got(ie::element_range::parse(ies));
        body.beacon_interval = std::uint16_t(100 + i);
        now += 1ms;
        t.update(addr(i), 2412, -40 - int(i % 40), body, ies, probe_resp, now);
    };
    hear(0, std::string(4, '\0'), false);  // a hidden SSID in its beacons
    hear(0, "secret", true);               // a probe response names it
    REQUIRE(t.find(addr(0))->hidden);
    REQUIRE(t.find(addr(0))->from_probe_resp);
    for (unsigned i = 1; i < mac::bss_table::capacity; ++i)
        hear(i, "net-" + std::to_string(i), false);
    constexpr unsigned fresh = mac::bss_table::capacity;
    hear(fresh, "fresh", false);  // takes entry 0's place
    CHECK_FALSE(t.find(addr(0)));
    const auto* b = t.find(addr(fresh));
    REQUIRE(b);
    CHECK(b->ssid == "fresh");
    CHECK_FALSE(b->hidden);
    CHECK_FALSE(b->from_probe_resp);
    CHECK(t.heard(*b).beacon_int == 100 + fresh);
    CHECK(b->ies == std::vector<std::uint8_t>{0, 5, 'f', 'r', 'e', 's', 'h'});
}

TEST_CASE("the BSS table's index and orders agree with lists of what was heard", "[mac][bss]") {
    mac::bss_table t;
    const auto addr = [](unsigned i) {
        return mac_address{{0x02, 0, 0, 0, std::uint8_t(i >> 8), std::uint8_t(i)}};
    };
    std::vector<std::uint8_t> ies{0, 3, 'n', 'e', 't'};
    ie::mgmt_body body;
    body.elements = test::got(ie::element_range::parse(ies));
    // The model: BSSIDs in the order first heard, and in the order last heard with the time.
    std::vector<mac_address> first;
    std::vector<std::pair<mac_address, time_point>> heard;
    const auto drop = [&](const mac_address& a) {
        std::erase(first, a);
        std::erase_if(heard, [&](const auto& h) { return h.first == a; });
    };
    std::mt19937 rng(11);
    time_point now{};
    for (int step = 0; step < 20000; ++step) {
        now += std::chrono::milliseconds(rng() % 300);
        if (rng() % 500 == 0) {
            t.expire(now);
            while (!heard.empty() && now - heard.front().second > mac::bss_table::expiry)
                drop(heard.front().first);
        } else {
            // Any BSS, the least recently heard one (BSSes beaconing at one interval are heard in
            // turn) or the most recently heard one.
            const unsigned pick = rng() % 4;
            const mac_address a = heard.empty() || pick < 2 ? addr(rng() % 700)
                                  : pick == 2               ? heard.front().first
                                                            : heard.back().first;
            t.update(a, 2412, -50, body, ies, false, now);
            if (std::find(first.begin(), first.end(), a) != first.end()) {
                std::erase_if(heard, [&](const auto& h) { return h.first == a; });
            } else {
                if (first.size() == mac::bss_table::capacity) drop(heard.front().first);
                first.push_back(a);
            }
            heard.emplace_back(a, now);
        }
        REQUIRE(t.size() == first.size());
        if (step % 97 == 0) {
            std::vector<mac_address> order;
            for (const auto& b : t.entries()) order.push_back(b.bssid);
            REQUIRE(order == first);
            for (unsigned i = 0; i < 700; ++i) {
                const bool in = std::find(first.begin(), first.end(), addr(i)) != first.end();
                REQUIRE((t.find(addr(i)) != nullptr) == in);
                if (in) REQUIRE(t.find(addr(i))->bssid == addr(i));
            }
        }
    }
    t.clear();
    CHECK(t.size() == 0);
    CHECK(t.entries().empty());
    CHECK_FALSE(t.find(first.front()));
}

TEST_CASE("the BSS table takes only what varies from a frame whose elements did not change",
          "[mac][bss][digest]") {
    mac::bss_table t;
    const mac_address bssid{{0x02, 0, 0, 0, 0, 1}};
    // SSID "net", a TIM with DTIM count `dtim`, an RSN element whose last octet is `rsn`.
    const auto elements = [](std::uint8_t dtim, std::uint8_t rsn, std::string_view ssid = "net") {
        std::vector<std::uint8_t> e{0, std::uint8_t(ssid.size())};
        e.insert(e.end(), ssid.begin(), ssid.end());
        e.insert(e.end(), {5, 4, dtim, 2, 0, 0});
        e.insert(e.end(), {48,   20,   1, 0, 0, 0x0f, 0xac, 4,    1, 0, 0,
                           0x0f, 0xac, 4, 1, 0, 0,    0x0f, 0xac, 2, 0, rsn});
        return e;
    };
    time_point now{};
    std::uint64_t tsf = 0;
    const auto hear = [&](const std::vector<std::uint8_t>& ies, std::int32_t signal = -50,
                          bool probe_resp = false, std::uint16_t freq = 2412) {
        ie::mgmt_body body;
        body.elements = test::got(ie::element_range::parse(ies));
        body.timestamp = ++tsf;
        body.beacon_interval = 100;
        now += 100ms;
        t.update(bssid, freq, signal, body, ies, probe_resp, now);
        return t.find(bssid);
    };
    const auto first = elements(0, 0);
    hear(first);                  // new: read
    const auto* b = hear(first);  // the same frame again: not read
    CHECK(t.stats().parsed == 1);
    CHECK(t.stats().unchanged == 1);
    // The same elements but for the TIM's DTIM count: only when, signal and TSF are taken.
    b = hear(elements(1, 0), -61);
    CHECK(t.stats().unchanged == 2);
    CHECK(t.stats().parsed == 1);
    CHECK(b->ies == first);  // not copied: the TIM is the first frame's
    CHECK(t.heard(*b).signal_dbm == -61);
    CHECK(t.heard(*b).tsf == tsf);
    CHECK(t.heard(*b).seen == now);
    // An RSN element that changed is taken at once. A reader holding the entry's elements (a
    // scan result) shares them, and keeps the ones it holds.
    const shared_bytes held = b->ies;
    CHECK(held.data() == b->ies.data());
    b = hear(elements(2, 1));
    CHECK(t.stats().parsed == 2);
    CHECK(b->ies == elements(2, 1));
    CHECK(held == first);
    b = hear(elements(3, 1));
    CHECK(t.stats().unchanged == 3);
    // So is another SSID (another BSS on the same BSSID, which cfg80211 tells apart).
    b = hear(elements(0, 1, "other"));
    CHECK(t.stats().parsed == 3);
    CHECK(b->ssid == "other");
    CHECK(b->ies == elements(0, 1, "other"));
    // A probe response with the beacon's elements is read (its elements stand over the
    // beacons'), and so is the beacon after it; then beacons are skipped again.
    b = hear(elements(0, 1, "other"), -50, true);
    CHECK(t.stats().parsed == 4);
    CHECK(b->from_probe_resp);
    b = hear(elements(0, 1, "other"));
    CHECK(t.stats().parsed == 5);
    b = hear(elements(1, 1, "other"));
    CHECK(t.stats().unchanged == 4);
    // Heard on another channel: read (without a DS Parameter Set its channel is where heard).
    b = hear(elements(1, 1, "other"), -50, false, 2417);
    CHECK(t.stats().parsed == 6);
    CHECK(b->freq == 2417);
    // The index keeps each entry's frame as it grows (32 slots, at most half full, to 128).
    const auto parsed = t.stats().parsed, unchanged = t.stats().unchanged;
    for (std::uint8_t i = 2; i < 40; ++i) {
        ie::mgmt_body body;
        body.elements = test::got(ie::element_range::parse(first));
        t.update(mac_address{{0x02, 0, 0, 0, 0, i}}, 2412, -50, body, first, false, now);
    }
    CHECK(t.stats().parsed == parsed + 38);
    b = hear(elements(2, 1, "other"), -50, false, 2417);
    CHECK(t.stats().unchanged == unchanged + 1);
    // An entry used again for another BSS forgets the frame with the rest.
    t.clear();
    hear(first);
    CHECK(t.stats().parsed == parsed + 39);
}

TEST_CASE("a station takes its AP's channel switch from the first beacon that announces it",
          "[mac][mlme][digest]") {
    test::mlme_world<test::loopback_software_roc> w;
    const auto [ap, sta] = associated_pair(w);
    // Its AP's beacons differ only in their TIM: the BSS table and the station skip them.
    const auto skipped = w[1].bss().stats().unchanged;
    w.run(1s);
    CHECK(w[1].bss().stats().unchanged >= skipped + 9);
    REQUIRE(w[1].record(sta.index)->sta.beacon_digest_valid);
    REQUIRE(w[0].channel_switch(ap.index, 2462, 5, false));
    w.run(150ms);  // one beacon with the announcement
    const auto started = w.all<mac::event::ch_switch_started>(1);
    REQUIRE(started.size() == 1);
    CHECK(started[0].freq == 2462);
    CHECK(started[0].count == 5);
    w.run(1s);
    const auto switched = w.all<mac::event::ch_switch>(1);
    REQUIRE(switched.size() == 1);
    CHECK(switched[0].freq == 2462);
    CHECK(w.all<mac::event::disconnect>(1).empty());
}

TEST_CASE("a station reads again a channel switch it could not follow, and follows it once it can",
          "[mac][mlme][digest]") {
    test::mlme_world<test::loopback_software_roc> w;
    const auto [ap, sta] = associated_pair(w);
    // An AP of its own on the station's radio: one channel per radio, the station stays.
    const auto own = start_ap(w, 1, "softmac-own");
    // Every beacon announces the same switch to channel 11 (a count that does not run down): the
    // beacons differ only in their TIM, so their digest is the same each time.
    const std::vector<std::uint8_t> csa{ie::eid::csa, 3, 0, 11, 20};
    REQUIRE(w[0].set_beacon(ap.index, {}, csa, {}, {}));
    w.run(1s);
    CHECK(w.all<mac::event::ch_switch_started>(1).empty());
    CHECK(w[1].record(sta.index)->sta.beacon_csa);
    // Its own AP stops: the next beacon, the same as those before, is read and followed.
    REQUIRE(w[1].stop_ap(own.index));
    w.run(150ms);
    const auto started = w.all<mac::event::ch_switch_started>(1);
    REQUIRE(started.size() == 1);
    CHECK(started[0].freq == 2462);
    CHECK(started[0].count == 20);
}

TEST_CASE("a P2P client takes a new Notice of Absence from its GO's next beacon",
          "[mac][mlme][digest]") {
    test::mlme_world<test::loopback_software_roc> w;
    // The GO's P2P element with a Notice of Absence of `duration` µs in every 102.4 ms.
    const auto p2p_ie = [](std::uint32_t duration) {
        ie::p2p::notice_of_absence n;
        n.index = std::uint8_t(duration);
        n.count = 1;
        n.descriptors[0] = {255, duration, 102400, 0};
        std::vector<std::uint8_t> e(64);
        byte_writer wr(e);
        wr.u8(ie::eid::vendor_specific).u8(0).be32(ie::vendor::p2p);
        n.write(wr);
        e.resize(wr.size());
        e[1] = std::uint8_t(e.size() - 2);
        return std::pair{e, n};
    };
    const auto go = w.add(0, iftype::p2p_go);
    const auto [tail, noa] = p2p_ie(10000);
    auto p = mac::make_ap_params(go.addr, "DIRECT-xy", ch6, ie::rates_2ghz, true,
                                 mac::hidden_ssid::not_hidden, 100, tail);
    REQUIRE(w[0].start_ap(go.index, p));
    const auto client = w.add(1, iftype::p2p_client);
    REQUIRE(w[1].connect(client.index, join("DIRECT-xy", 0)));
    w.run(3s);
    REQUIRE(w.all<mac::event::connect>(1).size() == 1);
    CHECK(w[1].record(client.index)->sta.p2p_noa == noa);
    const auto skipped = w[1].bss().stats().unchanged;
    w.run(1s);
    CHECK(w[1].bss().stats().unchanged >= skipped + 9);  // its beacons are skipped
    const auto [tail2, noa2] = p2p_ie(20000);
    REQUIRE(w[0].set_beacon(go.index, {}, tail2, {}, {}));
    w.run(150ms);
    CHECK(w[1].record(client.index)->sta.p2p_noa == noa2);
    // And a notice that goes away is taken as well.
    REQUIRE(w[0].set_beacon(go.index, {}, {}, {}, {}));
    w.run(150ms);
    CHECK(w[1].record(client.index)->sta.p2p_noa == ie::p2p::notice_of_absence{});
}

namespace {
/// What mgmt_rx needs, without a stack: one station interface; what it sends and reports is kept.
struct lone_mgmt_rx {
    virtual_time time;
    mac::vif_state link;
    mac::interface_records records;
    mac::bss_table bss;
    std::vector<mac::event::any> events;
    std::vector<std::vector<std::uint8_t>> sent;
    int filter_updates = 0;

    struct context {
        lone_mgmt_rx* w;
        mac::interface_records& records() { return w->records; }
        virtual_time& time() { return w->time; }
        template <class E>
        void emit(E&& e) {
            w->events.emplace_back(std::forward<E>(e));
        }
        void emit_frame(std::uint8_t vif, std::uint16_t freq, std::int32_t signal_dbm,
                        std::uint32_t owner, bytes_view f) {
            emit(mac::event::frame{vif, freq, signal_dbm, owner, {f.begin(), f.end()}});
        }
        result<void> send_mgmt(std::uint8_t, bytes_view f, std::uint32_t, std::uint64_t = 0) {
            w->sent.emplace_back(f.begin(), f.end());
            return {};
        }
        mac::bss_table& bss() { return w->bss; }
        void update_filter() { ++w->filter_updates; }
        bool sta_rx(mac::interface_record&, const ie::header_view&, const ie::mgmt_body&) {
            return false;
        }
        bool ap_rx(mac::interface_record&, const ie::header_view&, const ie::mgmt_body&) {
            return false;
        }
        void beacon_seen(const mac_address&, bytes_view, bool, std::uint64_t) {}
    };
};
}  // namespace

TEST_CASE("the interface records visit the used ones only, in index order", "[mac][records]") {
    mac::interface_records r;
    std::array<mac::vif_state, 4> data{};
    const auto visit = [&] {
        std::vector<const mac::vif_state*> seen;
        for (auto& i : r.used()) seen.push_back(i.data);
        return seen;
    };
    CHECK(visit().empty());
    r.attach(9, data[2]);
    r.attach(3, data[1]);
    r.attach(0, data[0]);
    CHECK(visit() == std::vector<const mac::vif_state*>{&data[0], &data[1], &data[2]});
    CHECK(r.find(3));
    r.clear(3);
    CHECK_FALSE(r.find(3));
    CHECK(visit() == std::vector<const mac::vif_state*>{&data[0], &data[2]});
    // A record cleared during the walk is not visited.
    std::vector<const mac::vif_state*> seen;
    for (auto& i : r.used()) {
        seen.push_back(i.data);
        r.clear(9);
    }
    CHECK(seen == std::vector<const mac::vif_state*>{&data[0]});
    r.attach(15, data[3]);
    CHECK(visit() == std::vector<const mac::vif_state*>{&data[0], &data[3]});
}

TEST_CASE("management RX works over a context of its own, without a radio", "[mac][mgmt_rx]") {
    lone_mgmt_rx w;
    const auto me = mac_address::parse("02:00:00:00:0a:00").value();
    const auto peer = mac_address::parse("02:00:00:00:0b:00").value();
    w.link.vif = {me, iftype::station, 0};
    w.link.up = true;
    w.records.attach(0, w.link);
    mac::mgmt_rx<lone_mgmt_rx::context> rx{{&w}};
    heap_pool pool{frame_buffer_size, 8};
    const auto receive = [&](const std::vector<std::uint8_t>& f) {
        rx.rx(0, test::to_buffer(pool, f), driver::rx_status{});
    };

    // Nobody takes the action frame: it goes back with the category's top bit set.
    receive(public_action(me, peer));
    REQUIRE(w.sent.size() == 1);
    const auto back = ie::header_view::parse(w.sent[0]);
    REQUIRE(back);
    CHECK(back->addr1() == peer);
    CHECK(back->addr2() == me);
    CHECK(back->body()[0] == (ie::category::public_action | 0x80));
    // A group-addressed one does not.
    receive(public_action(mac_address::broadcast(), peer));
    CHECK(w.sent.size() == 1);

    // A registration takes it instead, as an event for its owner.
    REQUIRE(rx.register_frame(0, mac::frame_types::action, p2p_public, 7));
    CHECK(w.filter_updates == 1);
    receive(public_action(me, peer));
    CHECK(w.sent.size() == 1);
    REQUIRE(w.events.size() == 1);
    CHECK(std::get<mac::event::frame>(w.events[0]).owner == 7);
    CHECK_FALSE(rx.probe_requests_wanted());
}
