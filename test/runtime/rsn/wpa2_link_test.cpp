// SPDX-License-Identifier: MIT
// WPA2-PSK end to end: a station joins an AP through nl80211-style commands, the 4-way handshake
// runs over the control port, data flows only after it and only protected, on every pairing of
// the drivers (loopback: software CCMP; rt73: the chip's); tshark decrypts the capture. Group
// rekeys: under traffic none of the frames is lost, the AP's group frames move to the new KeyID
// only once the station has it, PNs under the new key start at 1, and old-GTK replays are
// dropped. One translation unit, so each wiphy type is compiled once.
#include <catch2/catch.hpp>

#include <softmac/cfg/wiphy.hpp>
#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/pcap.hpp>
#include <softmac/rsn/links.hpp>

#include <algorithm>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "driver_world.hpp"
#include "mlme_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;

namespace {

/// Routes a wiphy's events to a link (set once both exist).
struct to_link {
    std::function<void(const mac::event::any&)> f;
    void operator()(const cfg::wdev_ref&, const mac::event::any& e) const {
        if (f) f(e);
    }
};

template <class Cfg>
using phy = cfg::wiphy<typename Cfg::driver_type, virtual_time, mac::net<test::recording_net>,
                       mac::crypto<crypto::aes_ccm_key>, cfg::events<to_link>>;

template <class ApCfg, class StaCfg>
struct pairing {
    using ap_cfg = ApCfg;
    using sta_cfg = StaCfg;
};

/// A P2P GO's share of a join: the AP's address pool and the elements its beacon carries after
/// the RSN element; the station asks for an address when the AP's P2P element offers one.
struct ip_setup {
    rsn::ip_pool_config pool;
    std::vector<std::uint8_t> ap_ies;
    bool request = false;
};

template <class P>
struct wpa2_world {
    virtual_time time;
    sim::medium<virtual_time> air{time, 9};
    std::ostringstream pcap;
    heap_pool pool{frame_buffer_size, 1024};
    std::unique_ptr<phy<typename P::ap_cfg>> ap;
    std::unique_ptr<phy<typename P::sta_cfg>> sta;
    cfg::reply::interface ap0, wlan0;
    using ap_runner = rsn::config_runner<typename phy<typename P::ap_cfg>::config_type>;
    using sta_runner = rsn::config_runner<typename phy<typename P::sta_cfg>::config_type>;
    std::unique_ptr<rsn::ap_link<ap_runner>> auth;
    std::unique_ptr<rsn::station_link<sta_runner>> supp;
    std::vector<rsn::event> ap_events, sta_events;

    template <class Cfg>
    std::unique_ptr<phy<Cfg>> make(std::uint16_t i) {
        return test::with_driver_args<Cfg>(air, i, [&](auto&&... args) {
            return std::make_unique<phy<Cfg>>(time, pool, i, "phy" + std::to_string(i),
                                              std::forward<decltype(args)>(args)...);
        });
    }
    template <class Phy>
    static cfg::reply::interface iface(Phy& p, const char* name, driver::iftype t) {
        cfg::cmd::new_interface c;
        c.ifname = name;
        c.iftype = t;
        auto r = p.config().execute(c, {0, 0, 0, true});
        REQUIRE(r);
        REQUIRE(p.config().set_up({r->ifindex, {}}, true));
        return *r;
    }

    wpa2_world(std::string_view ap_pass, std::string_view sta_pass,
               duration rekey = rsn::ap_link<ap_runner>::group_rekey_interval,
               const ip_setup& ip = {}) {
        air.tap(pcap);
        ap = make<typename P::ap_cfg>(0);
        sta = make<typename P::sta_cfg>(1);
        REQUIRE(ap->start());
        REQUIRE(sta->start());
        ap0 = iface(*ap, "ap0", driver::iftype::ap);
        wlan0 = iface(*sta, "wlan0", driver::iftype::station);
        auth = std::make_unique<rsn::ap_link<ap_runner>>(
            ap_runner{&ap->config(), cfg::wdev_ref{ap0.ifindex, {}}},
            [this](const rsn::event& e) { ap_events.push_back(e); }, rekey);
        supp = std::make_unique<rsn::station_link<sta_runner>>(
            sta_runner{&sta->config(), cfg::wdev_ref{wlan0.ifindex, {}}},
            [this](const rsn::event& e) { sta_events.push_back(e); });
        ap->events().f = [this](const mac::event::any& e) { auth->on_event(e); };
        sta->events().f = [this](const mac::event::any& e) { supp->on_event(e); };
        auto params = mac::make_ap_params(ap0.mac, "softmac-wpa2",
                                          *ie::make_channel(ie::band::ghz2_4, 6), ie::rates_2ghz);
        params.tail.insert(params.tail.end(), ip.ap_ies.begin(), ip.ap_ies.end());
        REQUIRE(auth->start(std::move(params), ap_pass, ap0.mac, ip.pool));
        supp->request_ip(ip.request);
        REQUIRE(supp->connect("softmac-wpa2", sta_pass));
    }
    template <class Phy>
    void send(Phy& p, const cfg::reply::interface& from, const mac_address& to, std::size_t n,
              std::uint8_t seed) {
        const std::uint8_t vif = p.config().find({from.ifindex, {}})->vif;
        for (std::size_t k = 0; k < n; ++k) {
            auto b = pool.allocate(64);
            REQUIRE(b->append(test::ethernet(to, from.mac, 0x88b5, 200, seed)));
            p.stack().transmit(vif, std::move(*b));
        }
        time.run_for(50ms);
    }
    template <class E>
    static std::size_t count(const std::vector<rsn::event>& log) {
        std::size_t n = 0;
        for (const auto& e : log) n += std::holds_alternative<E>(e) ? 1 : 0;
        return n;
    }
};

/// An AP and a station of one driver type, joined with WPA2-PSK, for the group rekey tests.
template <class Cfg>
struct rekey_world : wpa2_world<pairing<Cfg, Cfg>> {
    rekey_world()
        : wpa2_world<pairing<Cfg, Cfg>>("correct horse battery", "correct horse battery") {
        this->time.run_for(3s);
        REQUIRE(this->template count<rsn::handshake_completed>(this->ap_events) == 1);
        REQUIRE(this->template count<rsn::handshake_completed>(this->sta_events) == 1);
    }
    template <class Phy>
    static std::uint8_t vif(Phy& p, const cfg::reply::interface& i) {
        return p.config().find({i.ifindex, {}})->vif;
    }
    /// One 802.3 frame from the AP to `to`, queued now; returns what the station must get.
    std::vector<std::uint8_t> send_one(const mac_address& to, std::uint8_t seed) {
        auto eth = test::ethernet(to, this->ap0.mac, 0x88b5, 120, seed);
        auto b = this->pool.allocate(64);
        REQUIRE(b);
        REQUIRE(b->append(eth));
        this->ap->stack().transmit(vif(*this->ap, this->ap0), std::move(*b));
        return eth;
    }
    template <class E>
    static std::vector<E> all(const std::vector<rsn::event>& log) {
        std::vector<E> v;
        for (const auto& e : log)
            if (auto* x = std::get_if<E>(&e)) v.push_back(*x);
        return v;
    }
    /// A protected data frame from the AP on the air: its MAC header length, Key ID and PN.
    struct protected_frame {
        std::vector<std::uint8_t> bytes;  ///< 802.11, without radiotap and FCS
        std::size_t hdrlen = 0;
        std::uint8_t key_id = 0;
        std::uint64_t pn = 0;
        bool group = false;
    };
    std::vector<protected_frame> ap_protected_data() {
        const std::string file = this->pcap.str();
        auto r = ie::pcap::reader::open(
            bytes_view(reinterpret_cast<const std::uint8_t*>(file.data()), file.size()));
        REQUIRE(r);
        std::vector<protected_frame> out;
        for (auto p = r->next(); p && *p; p = r->next()) {
            const bytes_view d = (*p)->data;
            const std::size_t rt = load_le16(d.data() + 2);
            std::vector<std::uint8_t> f(d.begin() + rt, d.end() - 4);
            const auto h = ie::header_view::parse(f);
            if (!h || !h->fc().is_data() || !h->fc().has(ie::frame_control::protected_frame))
                continue;
            if (h->addr2() != this->ap0.mac) continue;
            REQUIRE(f.size() >= h->length() + ie::ccmp::header_len);
            const std::uint8_t* iv = f.data() + h->length();
            out.push_back({f, h->length(), ie::ccmp::key_id(iv), ie::ccmp::read_pn(iv),
                           h->addr1().is_multicast()});
        }
        return out;
    }
    /// Hands `f` to the station's data path as its radio would.
    void inject(std::vector<std::uint8_t> f) {
        driver::rx_status st{};
        st.freq = 2437;
        if constexpr (phy<Cfg>::stack_type::path_type::caps.hw_crypto) {
            st.flags = driver::rx_flag::decrypted;  // as the chip hands it up: MIC stripped
            f.resize(f.size() - ie::ccmp::mic_len);
        }
        auto b = this->pool.allocate(64);
        REQUIRE(b->append(f));
        this->sta->stack().data().on_rx(std::move(*b), st);
    }
};

template <class V>
std::vector<V> sorted(std::vector<V> v) {
    std::sort(v.begin(), v.end());
    return v;
}

using lb = test::loopback_software_roc;
using rt = test::rt73_usb;

}  // namespace

TEMPLATE_TEST_CASE("a WPA2-PSK join completes the 4-way handshake and protects data", "[rsn][wpa2]",
                   (pairing<lb, lb>), (pairing<rt, rt>), (pairing<lb, rt>), (pairing<rt, lb>)) {
    wpa2_world<TestType> w("correct horse battery", "correct horse battery");
    // Associated and the port closed: data does not pass before the handshake ends.
    w.time.run_for(3s);
    REQUIRE(wpa2_world<TestType>::template count<rsn::handshake_completed>(w.ap_events) == 1);
    REQUIRE(wpa2_world<TestType>::template count<rsn::handshake_completed>(w.sta_events) == 1);
    CHECK(w.supp->machine().authorized());

    w.send(*w.sta, w.wlan0, w.ap0.mac, 4, 3);
    w.send(*w.ap, w.ap0, w.wlan0.mac, 4, 4);
    w.send(*w.ap, w.ap0, mac_address::broadcast(), 2, 5);
    CHECK(w.ap->net().frames.size() == 4);
    REQUIRE(w.sta->net().frames.size() == 6);
    CHECK(w.sta->net().frames.front().second ==
          test::ethernet(w.wlan0.mac, w.ap0.mac, 0x88b5, 200, 4));

    // tshark reads the capture: with the passphrase it decrypts every protected data frame back
    // to the LLC/SNAP payload softmac sent, and it finds nothing malformed.
    const std::string file = std::string(SOFTMAC_TEST_TMPDIR) + "/wpa2_" +
                             std::to_string(reinterpret_cast<std::uintptr_t>(&w) % 100000) +
                             ".pcap";
    std::ofstream(file, std::ios::binary) << w.pcap.str();
    const std::string keys =
        "-o wlan.enable_decryption:TRUE -o 'uat:80211_keys:\"wpa-pwd\",\"correct horse "
        "battery:softmac-wpa2\"'";
    const auto eapol = test::tshark_fields(file, {"frame.number"}, "-Y eapol");
    CHECK(eapol.size() == 4);
    const auto protected_frames =
        test::tshark_fields(file, {"frame.number"}, "-Y 'wlan.fc.protected == 1'");
    const auto decrypted =
        test::tshark_fields(file, {"llc.type"}, keys + " -Y 'llc.type == 0x88b5'");
    const auto opaque = test::tshark_fields(file, {"llc.type"}, "-Y 'llc.type == 0x88b5'");
    CHECK(protected_frames.size() >= 10);
    CHECK(decrypted.size() == 10);
    CHECK(opaque.empty());
    CHECK(test::tshark_fields(file, {"frame.number"},
                              keys + " -Y '_ws.malformed || _ws.expert.severity >= error'")
              .empty());
    std::remove(file.c_str());
}

TEMPLATE_TEST_CASE("a wrong passphrase fails message 2's MIC and nothing is delivered",
                   "[rsn][wpa2]", (pairing<lb, lb>), (pairing<rt, lb>)) {
    wpa2_world<TestType> w("correct horse battery", "incorrect horse battery");
    w.time.run_for(5s);
    using W = wpa2_world<TestType>;
    CHECK(W::template count<rsn::handshake_completed>(w.ap_events) == 0);
    CHECK(W::template count<rsn::psk_mismatch>(w.ap_events) >= 1);
    CHECK(W::template count<rsn::handshake_failed>(w.ap_events) == 1);
    CHECK(W::template count<rsn::handshake_failed>(w.sta_events) == 1);
    CHECK_FALSE(w.supp->machine().authorized());
    w.send(*w.sta, w.wlan0, w.ap0.mac, 2, 3);
    CHECK(w.ap->net().frames.empty());
    CHECK(w.sta->net().frames.empty());
}

TEST_CASE("a station asks for an IPv4 address only when the AP's P2P element offers allocation",
          "[rsn][wpa2][ip]") {
    using W = wpa2_world<pairing<lb, lb>>;
    const rsn::ip_pool_config pool{{10, 0, 0, 1}, {255, 0, 0, 0}, {10, 0, 0, 100}, {10, 0, 0, 199}};
    // A P2P element with one attribute: P2P Capability, group capability 0x80 or 0x00.
    const auto p2p_ie = [](std::uint8_t group_capab) {
        return std::vector<std::uint8_t>{0xdd, 0x09, 0x50, 0x6f, 0x9a,       0x09,
                                         0x02, 0x02, 0x00, 0x00, group_capab};
    };
    auto allocated = [&](const ip_setup& ip) {
        W w("correct horse battery", "correct horse battery",
            rsn::ap_link<W::ap_runner>::group_rekey_interval, ip);
        w.time.run_for(3s);
        REQUIRE(W::count<rsn::handshake_completed>(w.sta_events) == 1);
        const auto& got = w.supp->machine().p2p_ip_addr();
        CHECK(w.auth->machine()->ip_address_of(w.wlan0.mac) ==
              (got ? std::optional(got->ip_addr) : std::nullopt));
        return got;
    };
    const auto offered = allocated({pool, p2p_ie(0x80), true});
    REQUIRE(offered);
    CHECK(*offered == ie::ip_allocation{{10, 0, 0, 100}, {255, 0, 0, 0}, {10, 0, 0, 1}});
    // The AP would give one to a request: none goes without the bit, nor when not asked to.
    CHECK_FALSE(allocated({pool, p2p_ie(0x00), true}));
    CHECK_FALSE(allocated({pool, {}, true}));
    CHECK_FALSE(allocated({pool, p2p_ie(0x80), false}));
}

TEST_CASE("the AP rekeys its group key every interval and data keeps flowing", "[rsn][wpa2]") {
    using W = wpa2_world<pairing<lb, lb>>;
    W w("correct horse battery", "correct horse battery", 20s);
    w.time.run_for(3s);
    REQUIRE(W::count<rsn::handshake_completed>(w.sta_events) == 1);
    CHECK(W::count<rsn::group_rekey_completed>(w.sta_events) == 0);
    w.time.run_for(20s);
    REQUIRE(W::count<rsn::group_rekey_completed>(w.sta_events) == 1);
    CHECK(std::get<rsn::group_rekey_completed>(w.sta_events.back()).key_id == 2);
    w.time.run_for(20s);
    REQUIRE(W::count<rsn::group_rekey_completed>(w.sta_events) == 2);
    CHECK(std::get<rsn::group_rekey_completed>(w.sta_events.back()).key_id == 1);
    w.send(*w.ap, w.ap0, mac_address::broadcast(), 3, 7);
    CHECK(w.sta->net().frames.size() == 3);
}

TEMPLATE_TEST_CASE("a group rekey under traffic loses no frame and moves group frames to KeyID 2",
                   "[rsn][rekey]", lb, rt) {
    using W = rekey_world<TestType>;
    W w;
    auto* machine = w.auth->machine();
    REQUIRE(machine);
    REQUIRE(machine->group_key_id() == 1);
    const mac_address bcast = mac_address::broadcast();

    // Broadcast and unicast every 10 ms of virtual time; the rekey starts at frame 10, and the
    // frame pair sent at that same instant goes out while the group handshake runs.
    std::vector<std::vector<std::uint8_t>> expected;
    std::size_t sent_during = 0;
    for (std::uint8_t k = 0; k < 40; ++k) {
        if (k == 10) REQUIRE(machine->rekey_group());
        const bool during =
            k >= 10 && W::template count<rsn::group_rekey_completed>(w.ap_events) == 0;
        expected.push_back(w.send_one(bcast, static_cast<std::uint8_t>(2 * k)));
        expected.push_back(w.send_one(w.wlan0.mac, static_cast<std::uint8_t>(2 * k + 1)));
        sent_during += during ? 2 : 0;
        w.time.run_for(10ms);
    }
    w.time.run_for(100ms);
    CHECK(sent_during >= 2);

    // The station got every frame: before, during and after the GTK change.
    const auto& got = w.sta->net().frames;
    std::vector<std::vector<std::uint8_t>> delivered;
    for (const auto& f : got) delivered.push_back(f.second);
    CHECK(delivered.size() == expected.size());
    CHECK(sorted(delivered) == sorted(expected));

    // Both sides report the group handshake with the new KeyID.
    const auto ap_done = W::template all<rsn::group_rekey_completed>(w.ap_events);
    const auto sta_done = W::template all<rsn::group_rekey_completed>(w.sta_events);
    REQUIRE(ap_done.size() == 1);
    REQUIRE(sta_done.size() == 1);
    CHECK(ap_done[0].key_id == 2);
    CHECK(ap_done[0].peer == w.wlan0.mac);
    CHECK(sta_done[0].key_id == 2);
    CHECK(sta_done[0].peer == w.ap0.mac);
    CHECK(machine->group_key_id() == 2);

    // On the air: group frames under KeyID 1 until the switch, then only KeyID 2 with PNs
    // from 1 up; unicast frames keep KeyID 0 and their PNs go on without a gap.
    const auto on_air = w.ap_protected_data();
    std::vector<std::uint8_t> group_ids;
    std::vector<std::uint64_t> new_pns, old_pns, unicast_pns;
    for (const auto& f : on_air) {
        if (f.group) {
            group_ids.push_back(f.key_id);
            (f.key_id == 2 ? new_pns : old_pns).push_back(f.pn);
        } else {
            CHECK(f.key_id == 0);
            unicast_pns.push_back(f.pn);
        }
    }
    REQUIRE(group_ids.size() == 40);
    CHECK(std::is_sorted(group_ids.begin(), group_ids.end()));
    CHECK(std::count(group_ids.begin(), group_ids.end(), 1) >= 11);
    REQUIRE_FALSE(new_pns.empty());
    CHECK(std::count(group_ids.begin(), group_ids.end(), 2) == std::ptrdiff_t(new_pns.size()));
    for (std::size_t i = 0; i < new_pns.size(); ++i) CHECK(new_pns[i] == i + 1);
    for (std::size_t i = 0; i < old_pns.size(); ++i) CHECK(old_pns[i] == i + 1);
    REQUIRE(unicast_pns.size() == 41);  // the 40 frames and group message 1, under the PTK
    CHECK(std::adjacent_find(unicast_pns.begin(), unicast_pns.end(),
                             [](auto a, auto b) { return b != a + 1; }) == unicast_pns.end());

    // The AP's and the station's keys agree: KeyID 2 is the AP's TX key, at the PN last sent.
    const std::uint8_t ap_vif = w.vif(*w.ap, w.ap0), sta_vif = w.vif(*w.sta, w.wlan0);
    auto* tx_key = w.ap->stack().data().default_group_key(ap_vif);
    REQUIRE(tx_key);
    CHECK(tx_key->id == 2);
    CHECK(tx_key->tx_pn == new_pns.size());
    auto* rx_key = w.sta->stack().data().group_key(sta_vif, 2);
    REQUIRE(rx_key);
    CHECK(rx_key->rx_pn[0] == new_pns.size());
}

TEMPLATE_TEST_CASE("a group frame under the old GTK replayed after the rekey is dropped",
                   "[rsn][rekey]", lb, rt) {
    using W = rekey_world<TestType>;
    W w;
    auto* machine = w.auth->machine();
    REQUIRE(machine);
    for (std::uint8_t k = 0; k < 3; ++k) w.send_one(mac_address::broadcast(), k);
    w.time.run_for(50ms);
    REQUIRE(machine->rekey_group());
    w.time.run_for(200ms);
    REQUIRE(W::template count<rsn::group_rekey_completed>(w.sta_events) == 1);
    w.send_one(mac_address::broadcast(), 9);
    w.time.run_for(50ms);
    auto& got = w.sta->net().frames;
    REQUIRE(got.size() == 4);

    std::vector<std::vector<std::uint8_t>> old_gtk, new_gtk;
    for (const auto& f : w.ap_protected_data())
        if (f.group) (f.key_id == 1 ? old_gtk : new_gtk).push_back(f.bytes);
    REQUIRE(old_gtk.size() == 3);
    REQUIRE(new_gtk.size() == 1);

    const std::uint8_t sta_vif = w.vif(*w.sta, w.wlan0);
    const auto* iface = w.sta->stack().interface(sta_vif);
    REQUIRE(iface);
    auto* old_key = w.sta->stack().data().group_key(sta_vif, 1);
    REQUIRE(old_key);
    const std::uint64_t replays = iface->dropped(mac::drop_reason::replay);
    for (const auto& f : old_gtk) w.inject(f);
    w.inject(new_gtk.back());
    CHECK(got.size() == 4);
    CHECK(iface->dropped(mac::drop_reason::replay) == replays + 4);
    CHECK(old_key->replays == 3);
}
