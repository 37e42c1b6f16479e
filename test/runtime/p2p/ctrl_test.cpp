// SPDX-License-Identifier: MIT
// The control interface's text: every command form (valid and refused), every event format, and
// a P2P session driven only by control commands between two devices of each driver.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include <softmac/p2p/ctrl/global.hpp>
#include <softmac/p2p/ctrl/interface.hpp>

#include "p2p_scenarios.hpp"
#include "p2p_world.hpp"
#include "tshark.hpp"

using namespace softmac;
namespace ctrl = softmac::p2p::ctrl;
namespace ev = softmac::p2p::event;
using namespace std::chrono_literals;

namespace {

template <class T>
T as(const ctrl::request& r) {
    INFO("request variant index " << r.index());
    REQUIRE(std::holds_alternative<T>(r));
    return std::get<T>(r);
}
std::string_view refusal(std::string_view text) {
    const auto r = ctrl::parse(text);
    INFO(text);
    REQUIRE(std::holds_alternative<ctrl::refused>(r));
    return std::get<ctrl::refused>(r).reply;
}
const mac_address peer_addr{{0x02, 0x00, 0x00, 0x00, 0x0b, 0x01}};

/// Records the engine's events and relays them to the control interface.
struct recording_relay : ctrl::event_relay {
    std::vector<p2p::event::any>* out = nullptr;
    recording_relay() = default;
    explicit recording_relay(std::vector<p2p::event::any>* o) : out(o) {}
    template <class E>
    void operator()(const E& e) const {
        out->push_back(e);
        ctrl::event_relay::operator()(e);
    }
};

/// N devices (two by default) under virtual time, each with its control interface.
template <class Cfg, std::size_t N = 2>
struct ctrl_pair {
    using world_type = test::p2p_world<Cfg, recording_relay>;
    using interface_type = ctrl::interface<typename world_type::device_type::engine_type>;
    world_type w{N, 3};
    std::vector<std::unique_ptr<interface_type>> ifs;
    std::vector<std::vector<std::pair<std::string, std::string>>> out{N};
    std::vector<std::vector<std::string>> redacted{N};  ///< out's texts without their secrets
    /// The events the global socket also gets: out's pairs whose message is global.
    std::vector<std::vector<std::pair<std::string, std::string>>> global{N};
    ctrl_pair() {
        for (std::size_t i = 0; i < N; ++i) {
            ifs.push_back(std::make_unique<interface_type>(w.engine(i), "/run/test"));
            ifs[i]->on_output([this, i](std::string_view to, const ctrl::event_message& m) {
                out[i].emplace_back(std::string(to), m.text);
                if (m.global) global[i].emplace_back(std::string(to), m.text);
                redacted[i].push_back(m.redacted);
            });
        }
    }
    std::string cmd(std::size_t i, std::string_view text, bool privileged = true) {
        return ifs[i]->handle("wlan" + std::to_string(i), text, privileged);
    }
    std::string cmd_on(std::size_t i, std::string_view ifname, std::string_view text) {
        return ifs[i]->handle(ifname, text, true);
    }
    /// The first event of device i starting with `prefix`, waiting up to `limit`.
    std::optional<std::pair<std::string, std::string>> wait(std::size_t i, std::string_view prefix,
                                                            duration limit = 10s) {
        std::optional<std::pair<std::string, std::string>> found;
        auto seen = [&] {
            for (const auto& e : out[i])
                if (e.second.starts_with(prefix)) {
                    found = e;
                    return true;
                }
            return false;
        };
        w.run_until(seen, limit);
        return found;
    }
};
/// The value of `key=` in a line of key=value words.
std::string field(std::string_view line, std::string_view key) {
    const auto at = line.find(std::string(key) + "=");
    if (at == std::string_view::npos) return {};
    auto v = line.substr(at + key.size() + 1);
    return std::string(v.substr(0, v.find_first_of(" \n")));
}
/// The value of a `key=` line of a STATUS reply.
std::string status_line(const std::string& st, std::string_view key) {
    return field("\n" + st, "\n" + std::string(key));
}
/// A network block made by commands only: `fields` as SET_NETWORK takes them.
template <class Pair>
std::string add_network(Pair& p, std::size_t i,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> f) {
    const std::string id = p.cmd(i, "ADD_NETWORK");
    REQUIRE(id.ends_with("\n"));
    const std::string n = id.substr(0, id.size() - 1);
    for (const auto& [key, value] : f)
        CHECK(p.cmd(i, "SET_NETWORK " + n + " " + std::string(key) + " " + std::string(value)) ==
              "OK\n");
    return n;
}
/// Events of device i from `from` on, in order, that start with one of `prefixes`.
template <class Pair>
std::vector<std::string> events_of(const Pair& p, std::size_t i, std::size_t from,
                                   std::initializer_list<std::string_view> prefixes) {
    std::vector<std::string> out;
    for (std::size_t k = from; k < p.out[i].size(); ++k)
        for (auto pre : prefixes)
            if (p.out[i][k].second.starts_with(pre)) out.push_back(p.out[i][k].second);
    return out;
}

/// Devices 0 and 1 run P2P_FIND until each has reported a device.
template <class Pair>
void find_each_other(Pair& p) {
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    REQUIRE(p.wait(0, "P2P-DEVICE-FOUND"));
    REQUIRE(p.wait(1, "P2P-DEVICE-FOUND"));
}

}  // namespace

TEST_CASE("P2P_FIND forms", "[ctrl][parse]") {
    CHECK(as<ctrl::cmd::p2p_find>(ctrl::parse("P2P_FIND")).params.timeout_s == 0);
    const auto f = as<ctrl::cmd::p2p_find>(ctrl::parse(
        "P2P_FIND 10 type=progressive dev_id=02:00:00:00:0b:01 dev_type=10-0050F204-5 delay=50 "
        "freq=2442 include_6ghz"));
    CHECK(f.params.timeout_s == 10);
    CHECK(f.params.type == p2p::find_type::progressive);
    CHECK(*f.params.dev_id == peer_addr);
    CHECK(*f.params.dev_type == ieee80211::wps::device_type{10, 0x0050f204, 5});
    CHECK(f.params.delay_ms == 50);
    CHECK(f.params.freq == 2442);
    CHECK(as<ctrl::cmd::p2p_find>(ctrl::parse("P2P_FIND type=social")).params.type ==
          p2p::find_type::social);
    for (auto bad :
         {"P2P_FIND dev_id=02:00:00:00:0b", "P2P_FIND dev_type=1-0050F2-1", "P2P_FIND freq=0",
          "P2P_FIND freq=-5", "P2P_FIND delay=x", "P2P_FIND seek=svc", "P2P_FIND 5 bogus"})
        CHECK(refusal(bad) == ctrl::replies::fail);
}

TEST_CASE("P2P_CONNECT forms", "[ctrl][parse]") {
    const auto pbc = as<ctrl::cmd::p2p_connect>(
        ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 pbc go_intent=15 freq=2437"));
    CHECK(pbc.peer == peer_addr);
    CHECK(pbc.params.method == p2p::wps_method::pbc);
    CHECK(*pbc.params.go_intent == 15);
    CHECK(pbc.params.freq == 2437);
    const auto pin = as<ctrl::cmd::p2p_connect>(ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 pin"));
    CHECK(pin.params.method == p2p::wps_method::display);
    CHECK(pin.params.pin.empty());
    const auto display = as<ctrl::cmd::p2p_connect>(
        ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 12345670 display auth provdisc"));
    CHECK(display.params.method == p2p::wps_method::display);
    CHECK(display.params.pin == "12345670");
    CHECK(display.params.auth);
    CHECK(display.params.provdisc);
    const auto keypad =
        as<ctrl::cmd::p2p_connect>(ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 1234 join"));
    CHECK(keypad.params.method == p2p::wps_method::keypad);
    CHECK(keypad.params.join);
    const auto automatic =
        as<ctrl::cmd::p2p_connect>(ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 pbc auto"));
    CHECK((automatic.params.auto_join && !automatic.params.join));
    // Words p2p_ctrl_connect does not look for are ignored, as it ignores them.
    const auto android = as<ctrl::cmd::p2p_connect>(
        ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 pin display go_intent=2 ht40 label"));
    CHECK(android.params.method == p2p::wps_method::display);
    CHECK(android.params.pin.empty());
    CHECK(*android.params.go_intent == 2);

    CHECK(refusal("P2P_CONNECT 02:00:00:00:0b:01 123") == ctrl::replies::invalid_pin);
    CHECK(refusal("P2P_CONNECT 02:00:00:00:0b:01 1234567x") == ctrl::replies::invalid_pin);
    for (auto bad :
         {"P2P_CONNECT", "P2P_CONNECT 02:00:00:00:0b:01", "P2P_CONNECT 02:00:00:00:0b pbc",
          "P2P_CONNECT 02:00:00:00:0b:01 pbc go_intent=16",
          "P2P_CONNECT 02:00:00:00:0b:01 pbc go_intent=-1",
          "P2P_CONNECT 02:00:00:00:0b:01 pbc freq=0",
          "P2P_CONNECT 02:00:00:00:0b:01 pbc persistent=x",
          "P2P_CONNECT 02:00:00:00:0b:01 pbc persistent=-1", "P2P_CONNECT 02:00:00:00:0b:01 p2ps",
          "P2P_CONNECT 02:00:00:00:0b:01 pbc ssid=4449524543542d6162"})
        CHECK(refusal(bad) == ctrl::replies::fail);
    const auto persistent = as<ctrl::cmd::p2p_connect>(
        ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 pbc persistent go_intent=3"));
    CHECK(persistent.params.persistent);
    CHECK(persistent.params.persistent_id == -1);
    const auto stored =
        as<ctrl::cmd::p2p_connect>(ctrl::parse("P2P_CONNECT 02:00:00:00:0b:01 pbc persistent=4"));
    CHECK_FALSE(stored.params.persistent);
    CHECK(stored.params.persistent_id == 4);
}

TEST_CASE("P2P_INVITE, P2P_GROUP_ADD persistent and the network commands", "[ctrl][parse]") {
    const auto inv = as<ctrl::cmd::p2p_invite>(
        ctrl::parse("P2P_INVITE persistent=3 peer=02:00:00:00:0b:01 freq=2462 ht40"));
    CHECK(inv.params.persistent_id == 3);
    CHECK(inv.params.peer == peer_addr);
    CHECK(inv.params.freq == 2462);
    CHECK(inv.params.group.empty());
    const auto client = as<ctrl::cmd::p2p_invite>(ctrl::parse("P2P_INVITE persistent=0 pref=2412"));
    CHECK(client.params.peer == mac_address{});
    CHECK(client.params.pref == 2412);
    const auto group = as<ctrl::cmd::p2p_invite>(ctrl::parse(
        "P2P_INVITE group=p2p-wlan0-0 peer=02:00:00:00:0b:01 go_dev_addr=02:00:00:00:0a:00"));
    CHECK(group.params.group == "p2p-wlan0-0");
    CHECK(group.params.peer == peer_addr);
    CHECK(group.params.go_dev == mac_address::parse("02:00:00:00:0a:00").value());
    CHECK(group.params.persistent_id == -1);
    for (auto bad :
         {"P2P_INVITE", "P2P_INVITE peer=02:00:00:00:0b:01",
          "P2P_INVITE persistent=", "P2P_INVITE persistent=x", "P2P_INVITE persistent=-2",
          "P2P_INVITE persistent=0 peer=02:00:00:00:0b", "P2P_INVITE persistent=0 freq=0",
          "P2P_INVITE persistent=0 pref=0", "P2P_INVITE persistent=0 go_dev_addr=02:00:00:00:0a:00",
          "P2P_INVITE group=p2p-wlan0-0",
          "P2P_INVITE group=p2p-wlan0-0 peer=02:00:00:00:0b:01 freq=2412",
          "P2P_INVITE group=p2p-wlan0-0 peer=02:00:00:00:0b:01 go_dev_addr=x",
          "P2P_INVITE persistent=0 bogus"})
        CHECK(refusal(bad) == ctrl::replies::fail);

    const auto add = as<ctrl::cmd::p2p_group_add>(ctrl::parse("P2P_GROUP_ADD persistent freq=2"));
    CHECK(add.persistent);
    CHECK(add.freq == 2);  // the engine picks a 2.4 GHz channel
    CHECK(as<ctrl::cmd::p2p_group_add>(ctrl::parse("P2P_GROUP_ADD persistent=7")).persistent_id ==
          7);
    CHECK(refusal("P2P_GROUP_ADD persistent=no") == ctrl::replies::fail);

    CHECK(as<ctrl::cmd::remove_network>(ctrl::parse("REMOVE_NETWORK all")).id == -1);
    CHECK(as<ctrl::cmd::remove_network>(ctrl::parse("REMOVE_NETWORK 2")).id == 2);
    const auto get = as<ctrl::cmd::get_network>(ctrl::parse("GET_NETWORK 1 ssid"));
    CHECK(get.id == 1);
    CHECK(get.field == "ssid");
    const auto set = as<ctrl::cmd::set_network>(ctrl::parse("SET_NETWORK 0 ssid \"two  words\""));
    CHECK(set.field == "ssid");
    CHECK(set.value == "\"two  words\"");
    as<ctrl::cmd::save_config>(ctrl::parse("SAVE_CONFIG"));
    as<ctrl::cmd::list_networks>(ctrl::parse("LIST_NETWORKS"));
    for (auto bad : {"REMOVE_NETWORK", "REMOVE_NETWORK x", "REMOVE_NETWORK -1", "GET_NETWORK 0",
                     "GET_NETWORK x ssid", "SET_NETWORK 0 ssid"})
        CHECK(refusal(bad) == ctrl::replies::fail);
}

TEST_CASE("P2P_PROV_DISC, P2P_PEER and the other P2P forms", "[ctrl][parse]") {
    const auto pd = as<ctrl::cmd::p2p_prov_disc>(
        ctrl::parse("P2P_PROV_DISC 02:00:00:00:0b:01 pushbutton join"));
    CHECK(pd.method == p2p::wps_method::pbc);
    CHECK(pd.join);
    const auto pd_auto =
        as<ctrl::cmd::p2p_prov_disc>(ctrl::parse("P2P_PROV_DISC 02:00:00:00:0b:01 display auto"));
    CHECK((pd_auto.auto_join && !pd_auto.join));
    CHECK(as<ctrl::cmd::p2p_prov_disc>(ctrl::parse("P2P_PROV_DISC 02:00:00:00:0b:01 keypad"))
              .method == p2p::wps_method::keypad);
    for (auto bad : {"P2P_PROV_DISC", "P2P_PROV_DISC 02:00:00:00:0b:01",
                     "P2P_PROV_DISC 02:00:00:00:0b:01 wave",
                     "P2P_PROV_DISC 02:00:00:00:0b:01 pbc x", "P2P_PROV_DISC nothex pbc"})
        CHECK(refusal(bad) == ctrl::replies::fail);

    CHECK(as<ctrl::cmd::p2p_peer>(ctrl::parse("P2P_PEER FIRST")).what ==
          ctrl::cmd::p2p_peer::which::first);
    const auto next = as<ctrl::cmd::p2p_peer>(ctrl::parse("P2P_PEER NEXT-02:00:00:00:0b:01"));
    CHECK(next.what == ctrl::cmd::p2p_peer::which::next);
    CHECK(next.addr == peer_addr);
    CHECK(as<ctrl::cmd::p2p_peer>(ctrl::parse("P2P_PEER 02:00:00:00:0b:01")).what ==
          ctrl::cmd::p2p_peer::which::addr);
    CHECK(refusal("P2P_PEER NEXT-zz") == ctrl::replies::fail);
    CHECK(refusal("P2P_PEER") == ctrl::replies::fail);

    CHECK(as<ctrl::cmd::p2p_listen>(ctrl::parse("P2P_LISTEN 5")).timeout_s == 5);
    CHECK(refusal("P2P_LISTEN x") == ctrl::replies::fail);
    const auto ext = as<ctrl::cmd::p2p_ext_listen>(ctrl::parse("P2P_EXT_LISTEN 100 500"));
    CHECK((ext.period_ms == 100 && ext.interval_ms == 500));
    CHECK(as<ctrl::cmd::p2p_ext_listen>(ctrl::parse("P2P_EXT_LISTEN")).period_ms == 0);
    for (auto bad : {"P2P_EXT_LISTEN 100", "P2P_EXT_LISTEN 500 100", "P2P_EXT_LISTEN 0 100",
                     "P2P_EXT_LISTEN 100 70000"})
        CHECK(refusal(bad) == ctrl::replies::fail);
    CHECK(as<ctrl::cmd::p2p_group_add>(ctrl::parse("P2P_GROUP_ADD freq=2462")).freq == 2462);
    CHECK(as<ctrl::cmd::p2p_group_add>(ctrl::parse("P2P_GROUP_ADD freq=2")).freq == 2);
    CHECK(as<ctrl::cmd::p2p_group_add>(ctrl::parse("P2P_GROUP_ADD freq=5")).freq == 5);
    CHECK(refusal("P2P_GROUP_ADD permanent") == ctrl::replies::fail);
    CHECK(as<ctrl::cmd::p2p_group_remove>(ctrl::parse("P2P_GROUP_REMOVE p2p-wlan0-0")).ifname ==
          "p2p-wlan0-0");
    CHECK(refusal("P2P_GROUP_REMOVE") == ctrl::replies::fail);
    CHECK(as<ctrl::cmd::p2p_reject>(ctrl::parse("P2P_REJECT 02:00:00:00:0b:01")).peer == peer_addr);
    const auto set = as<ctrl::cmd::p2p_set>(ctrl::parse("P2P_SET disc_int 1 3 -1"));
    CHECK((set.field == "disc_int" && set.value == "1 3 -1"));
    CHECK(refusal("P2P_SET disabled") == ctrl::replies::fail);
    CHECK(refusal("P2P_SERV_DISC_REQ") == ctrl::replies::unknown);  // no space: no command

    as<ctrl::cmd::p2p_cancel>(ctrl::parse("P2P_CANCEL"));
    CHECK(refusal("P2P_CANCEL now") == ctrl::replies::unknown);  // an exact command
    CHECK(as<ctrl::cmd::p2p_unauthorize>(ctrl::parse("P2P_UNAUTHORIZE 02:00:00:00:0b:01")).peer ==
          peer_addr);
    const auto by_dev =
        as<ctrl::cmd::p2p_remove_client>(ctrl::parse("P2P_REMOVE_CLIENT 02:00:00:00:0b:01"));
    CHECK((by_dev.addr == peer_addr && !by_dev.iface));
    const auto by_if =
        as<ctrl::cmd::p2p_remove_client>(ctrl::parse("P2P_REMOVE_CLIENT iface=02:00:00:00:0b:01"));
    CHECK((by_if.addr == peer_addr && by_if.iface));
    CHECK(as<ctrl::cmd::p2p_group_member>(ctrl::parse("P2P_GROUP_MEMBER 02:00:00:00:0b:01")).dev ==
          peer_addr);
    for (auto bad : {"P2P_UNAUTHORIZE zz", "P2P_REMOVE_CLIENT foo",
                     "P2P_REMOVE_CLIENT iface=", "P2P_GROUP_MEMBER 02:00:00:00:0b"})
        CHECK(refusal(bad) == ctrl::replies::fail);
    CHECK(refusal("P2P_UNAUTHORIZE") == ctrl::replies::unknown);
}

TEST_CASE("General commands and what wpa_cli's start-up walks get", "[ctrl][parse]") {
    as<ctrl::cmd::ping>(ctrl::parse("PING"));
    as<ctrl::cmd::attach>(ctrl::parse("ATTACH"));
    as<ctrl::cmd::detach>(ctrl::parse("DETACH"));
    CHECK(as<ctrl::cmd::level>(ctrl::parse("LEVEL 2")).value == 2);
    CHECK(refusal("LEVEL") == ctrl::replies::fail);
    as<ctrl::cmd::ifname>(ctrl::parse("IFNAME"));
    CHECK(as<ctrl::cmd::interfaces>(ctrl::parse("INTERFACES ctrl")).ctrl);
    as<ctrl::cmd::status>(ctrl::parse("STATUS"));
    CHECK(as<ctrl::cmd::set>(ctrl::parse("SET device_name My Laptop")).value == "My Laptop");
    CHECK(as<ctrl::cmd::get>(ctrl::parse("GET device_name")).name == "device_name");
    as<ctrl::cmd::sta_walk>(ctrl::parse("STA-FIRST"));
    CHECK(as<ctrl::cmd::sta_walk>(ctrl::parse("STA-NEXT 02:00:00:00:0b:01")).addr == peer_addr);
    CHECK(as<ctrl::cmd::sta_walk>(ctrl::parse("STA 02:00:00:00:0b:01")).what ==
          ctrl::cmd::sta_walk::which::addr);
    CHECK(refusal("STA-NEXT zz") == ctrl::replies::fail);
    const auto range = as<ctrl::cmd::bss>(ctrl::parse("BSS RANGE=ALL MASK=0x2"));
    CHECK((range.what == ctrl::cmd::bss::which::range && range.mask == 0x2));
    as<ctrl::cmd::empty_list>(ctrl::parse("LIST_CREDS"));
    for (auto bad : {"", "ping", "FROBNICATE", "P2P_PEERS", "PING extra"})
        CHECK(refusal(bad) == ctrl::replies::unknown);

    const auto [target, rest] = ctrl::split_ifname("IFNAME=p2p-wlan0-0 STATUS");
    CHECK((target == "p2p-wlan0-0" && rest == "STATUS"));
    CHECK(ctrl::split_ifname("STATUS").first.empty());

    // The engine says which of its operations change the radio's state; the commands that run
    // them need an admin caller, the others only when they say so.
    using engine_type =
        test::p2p_device<test::loopback_offloaded_roc, recording_relay>::engine_type;
    using namespace ctrl::cmd;
    static_assert(ctrl::needs_admin<engine_type, p2p_find>() &&
                  ctrl::needs_admin<engine_type, p2p_stop_find>() &&
                  ctrl::needs_admin<engine_type, p2p_listen>() &&
                  ctrl::needs_admin<engine_type, p2p_ext_listen>() &&
                  ctrl::needs_admin<engine_type, p2p_connect>() &&
                  ctrl::needs_admin<engine_type, p2p_prov_disc>() &&
                  ctrl::needs_admin<engine_type, p2p_group_add>() &&
                  ctrl::needs_admin<engine_type, p2p_group_remove>() &&
                  ctrl::needs_admin<engine_type, p2p_reject>() &&
                  ctrl::needs_admin<engine_type, p2p_flush>() &&
                  ctrl::needs_admin<engine_type, p2p_set>() &&
                  ctrl::needs_admin<engine_type, ctrl::cmd::set>() &&
                  ctrl::needs_admin<engine_type, p2p_get_passphrase>());
    static_assert(!ctrl::needs_admin<engine_type, ping>() &&
                  !ctrl::needs_admin<engine_type, ctrl::cmd::status>() &&
                  !ctrl::needs_admin<engine_type, p2p_peer>() &&
                  !ctrl::needs_admin<engine_type, get>() &&
                  !ctrl::needs_admin<engine_type, interfaces>() &&
                  !ctrl::needs_admin<engine_type, sta_walk>());
    // A find scans (TRIGGER_SCAN is admin); starting the device's interface is the engine's own.
    static_assert(p2p::discovery_issues::admin && !p2p::go_negotiation_issues::admin &&
                  !p2p::provision_discovery_issues::admin);
}

TEST_CASE("The station commands' forms", "[ctrl][parse][station]") {
    using ctrl::cmd::bss;
    const auto scan = as<ctrl::cmd::scan>(ctrl::parse("SCAN freq=2412,2432-2442 passive=1"));
    CHECK(scan.freqs == std::vector<std::uint16_t>{2412, 2432, 2437, 2442});
    CHECK(scan.passive);
    CHECK(as<ctrl::cmd::scan>(ctrl::parse("SCAN use_id=1 only_new=1")).use_id);
    CHECK(refusal("SCAN freq=2462-2412") == ctrl::replies::fail);
    CHECK(refusal("SCAN freq=abc") == ctrl::replies::fail);
    as<ctrl::cmd::scan_results>(ctrl::parse("SCAN_RESULTS"));
    CHECK(as<bss>(ctrl::parse("BSS 3")).what == bss::which::position);
    CHECK(as<bss>(ctrl::parse("BSS ID-7")).id == 7);
    CHECK(as<bss>(ctrl::parse("BSS NEXT-2")).what == bss::which::next);
    CHECK(as<bss>(ctrl::parse("BSS 02:00:00:00:0b:01")).addr == peer_addr);
    const auto r = as<bss>(ctrl::parse("BSS RANGE=2- MASK=0x1"));
    CHECK((r.id == 2 && r.last == ~0u && r.mask == 1));
    CHECK(as<bss>(ctrl::parse("BSS PREV-1")).id == 0);  // 2.10 has no PREV-: atoi reads 0
    CHECK(refusal("BSS") == ctrl::replies::unknown);
    CHECK(as<bss>(ctrl::parse("BSS FIRST MASK=zz")).what == bss::which::none);  // empty reply
    CHECK(as<bss>(ctrl::parse("BSS p2p_dev_addr=02:00:00:00:0b:01")).addr == peer_addr);
    as<ctrl::cmd::add_network>(ctrl::parse("ADD_NETWORK"));
    using v = ctrl::cmd::network_choice::verb;
    const auto sel = as<ctrl::cmd::network_choice>(ctrl::parse("SELECT_NETWORK 2"));
    CHECK((sel.what == v::select && sel.id == 2));
    CHECK(as<ctrl::cmd::network_choice>(ctrl::parse("SELECT_NETWORK any")).id == -1);
    CHECK(as<ctrl::cmd::network_choice>(ctrl::parse("SELECT_NETWORK all")).id == 0);
    CHECK(as<ctrl::cmd::network_choice>(ctrl::parse("ENABLE_NETWORK all")).id == -1);
    CHECK(as<ctrl::cmd::network_choice>(ctrl::parse("DISABLE_NETWORK 1")).what == v::disable);
    CHECK(refusal("ENABLE_NETWORK") == ctrl::replies::fail);
    CHECK(refusal("DISABLE_NETWORK -1") == ctrl::replies::fail);
    using c = ctrl::cmd::connection::verb;
    CHECK(as<ctrl::cmd::connection>(ctrl::parse("REASSOCIATE")).what == c::reassociate);
    CHECK(as<ctrl::cmd::connection>(ctrl::parse("DISCONNECT")).what == c::disconnect);
    CHECK(refusal("RECONNECT now") == ctrl::replies::unknown);
    CHECK(as<ctrl::cmd::connection>(ctrl::parse("REATTACH")).what == c::reattach);
    CHECK(as<ctrl::cmd::connection>(ctrl::parse("ABORT_SCAN")).what == c::abort_scan);
    as<ctrl::cmd::status_driver>(ctrl::parse("STATUS-DRIVER"));
    as<ctrl::cmd::terminate>(ctrl::parse("TERMINATE"));
    CHECK(as<ctrl::cmd::get_capability>(ctrl::parse("GET_CAPABILITY key_mgmt strict")).field ==
          "key_mgmt");
    CHECK(refusal("GET_CAPABILITY") == ctrl::replies::unknown);
    using w = ctrl::cmd::station_setting::which;
    const auto interval = as<ctrl::cmd::station_setting>(ctrl::parse("SCAN_INTERVAL -1"));
    CHECK((interval.what == w::scan_interval && interval.value == -1));
    CHECK(as<ctrl::cmd::station_setting>(ctrl::parse("STA_AUTOCONNECT 0x")).value == 0);
    CHECK(as<ctrl::cmd::station_setting>(ctrl::parse("BSS_FLUSH 30")).value == 30);
    CHECK(refusal("BSS_FLUSH") == ctrl::replies::unknown);  // needs its argument, as 2.10
}

TEST_CASE("SCAN_RESULTS keeps whole lines within a reply", "[ctrl][format][station]") {
    std::vector<p2p::bss_entry> many(200);
    for (auto& b : many) {
        b.info.bssid = peer_addr;
        b.info.freq = 2412;
        b.ssid = "softmac-ap";
    }
    const auto all = ctrl::scan_results_text(many, 100000);
    CHECK(all.size() > ctrl::max_reply);
    const auto cut = ctrl::scan_results_text(many, ctrl::max_reply);
    CHECK(cut.size() <= ctrl::max_reply);
    CHECK(cut.ends_with("\tsoftmac-ap\n"));
    CHECK(all.starts_with(cut));
}

TEST_CASE("DUP_NETWORK, BSSID, SUSPEND, RESUME, INTERFACE_LIST and FLUSH",
          "[ctrl][session][station]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = add_network(p, 0, {{"ssid", "\"softmac-ap\""}, {"psk", "\"a passphrase\""}});
    const auto b = add_network(p, 0, {{"key_mgmt", "WPA-PSK"}});
    CHECK(p.cmd(0, "DUP_NETWORK " + a + " " + b + " ssid") == "OK\n");
    CHECK(p.cmd(0, "GET_NETWORK " + b + " ssid") == "\"softmac-ap\"");
    CHECK(p.cmd(0, "DUP_NETWORK " + a + " " + b + " psk") == "OK\n");  // keys are copied too
    CHECK(p.cmd(0, "GET_NETWORK " + b + " psk") == "*");
    CHECK(p.cmd(0, "DUP_NETWORK " + a + " " + b + " bssid") == "FAIL\n");  // a has none
    CHECK(p.cmd(0, "DUP_NETWORK " + a + " 9 ssid") == "FAIL\n");
    CHECK(p.cmd(0, "DUP_NETWORK " + a + " " + b) == "FAIL\n");
    CHECK(p.cmd(0, "BSSID " + b + " 02:00:00:00:0b:01") == "OK\n");
    CHECK(p.cmd(0, "GET_NETWORK " + b + " bssid") == "02:00:00:00:0b:01");
    CHECK(p.cmd(0, "BSSID " + b + " 00:00:00:00:00:00") == "OK\n");  // any BSSID again
    CHECK(p.cmd(0, "GET_NETWORK " + b + " bssid") == "FAIL\n");
    CHECK(p.cmd(0, "BSSID 9 02:00:00:00:0b:01") == "FAIL\n");
    CHECK(p.cmd(0, "BSSID -1 02:00:00:00:0b:01") == "FAIL\n");  // atoi's -1: no network
    CHECK(p.cmd(0, "BSSID " + b + " 02:00:00:00:0b:01 and more") == "OK\n");  // hwaddr_aton
    CHECK(p.cmd(0, "BSSID " + b + " 02-00-00-00-0b-01") == "FAIL\n");
    CHECK(p.cmd(0, "DUP_NETWORK " + a + " " + b + " ssid junk") == "FAIL\n");  // no such field
    CHECK(p.cmd(0, "DUP_NETWORK -1 " + b + " ssid") == "FAIL\n");
    CHECK(p.cmd(0, "BSSID " + b + " 02:00:00:00:0b") == "FAIL\n");
    CHECK(p.cmd(0, "BSSID " + b, false) == "FAIL\n");
    CHECK(p.cmd(0, "BSSID " + b + " 02:00:00:00:0b:01", false) == ctrl::replies::not_permitted);
    CHECK(p.cmd(0, "SUSPEND") == "OK\n");
    CHECK(p.cmd(0, "RESUME") == "OK\n");
    CHECK(p.cmd(0, "INTERFACE_LIST").empty());
    CHECK(p.cmd(0, "PKTCNT_POLL") == "FAIL\n");  // not associated
    // FLUSH: back to the state at start (networks, services, P2P settings, peers).
    CHECK(p.cmd(0, "P2P_SERVICE_ADD upnp 10 uuid:1::upnp:rootdevice") == "OK\n");
    CHECK(p.cmd(0, "SET sec_device_type 7-0050F204-1") == "OK\n");
    CHECK(p.cmd(0, "P2P_SET disabled 1") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND") == "FAIL\n");
    CHECK(p.cmd(0, "FLUSH", false) == ctrl::replies::not_permitted);
    CHECK(p.cmd(0, "FLUSH") == "OK\n");
    CHECK(p.cmd(0, "LIST_NETWORKS") == "network id / ssid / bssid / flags\n");
    CHECK(p.w.engine(0).services().empty());
    CHECK(p.w.engine(0).settings().secondary_types.empty());
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");  // P2P enabled again
}

TEST_CASE("Event formats are wpa_supplicant 2.10's", "[ctrl][format]") {
    p2p::peer_info bob;
    bob.addr = {{0x02, 0x00, 0x00, 0x00, 0x0b, 0x02}};
    bob.dev_addr = peer_addr;
    bob.primary_type = {1, 0x0050f204, 1};
    bob.name = "Bob's \"PC\" \xc3\xa9";  // printed as it is, UTF-8 too (wpas_dev_found)
    bob.config_methods = 0x188;
    bob.dev_capab = 0x25;
    const auto b = peer_addr.to_string();
    CHECK(ctrl::format(ev::device_found{bob, true}) ==
          "P2P-DEVICE-FOUND 02:00:00:00:0b:02 p2p_dev_addr=" + b +
              " pri_dev_type=1-0050F204-1 name='Bob's \"PC\" \xc3\xa9' config_methods=0x188 "
              "dev_capab=0x25 group_capab=0x0 new=1");
    CHECK(ctrl::format(ev::device_lost{peer_addr}) == "P2P-DEVICE-LOST p2p_dev_addr=" + b);
    CHECK(ctrl::format(ev::find_stopped{}) == "P2P-FIND-STOPPED ");
    CHECK(ctrl::format(ev::go_neg_request{peer_addr, 4, 7}) ==
          "P2P-GO-NEG-REQUEST " + b + " dev_passwd_id=4 go_intent=7");
    CHECK(ctrl::format(ev::go_neg_success{
              true, 2437, peer_addr, bob.addr, p2p::wps_method::pbc, {}, {}, {}}) ==
          "P2P-GO-NEG-SUCCESS role=GO freq=2437 ht40=0 peer_dev=" + b +
              " peer_iface=02:00:00:00:0b:02 wps_method=PBC");
    CHECK(ctrl::format(ev::go_neg_failure{-1, peer_addr}) == "P2P-GO-NEG-FAILURE status=-1");
    CHECK(ctrl::format(ev::group_formation_success{}) == "P2P-GROUP-FORMATION-SUCCESS ");
    CHECK(ctrl::format(ev::group_formation_failure{}) == "P2P-GROUP-FORMATION-FAILURE ");
    const ev::group_started go{"p2p-wlan0-0", true, "DIRECT-xy-softmac", 2437, "12345678",
                               peer_addr,     ""};
    CHECK(ctrl::format(go, ctrl::secrets::shown) ==
          "P2P-GROUP-STARTED p2p-wlan0-0 GO ssid=\"DIRECT-xy-softmac\" freq=2437 "
          "passphrase=\"12345678\" go_dev_addr=" +
              b);
    // Without its secrets (the default) the event keeps every other word in its place.
    CHECK(ctrl::format(go) ==
          "P2P-GROUP-STARTED p2p-wlan0-0 GO ssid=\"DIRECT-xy-softmac\" freq=2437 "
          "passphrase=\"*\" go_dev_addr=" +
              b);
    CHECK(ctrl::message(go).text == ctrl::format(go, ctrl::secrets::shown));
    CHECK(ctrl::message(go).redacted == ctrl::format(go));
    const std::string psk(64, 'e');
    const ev::group_started client{"p2p-wlan1-0", false, "DIRECT-xy", 2412, "", peer_addr, psk};
    CHECK(ctrl::format(client, ctrl::secrets::shown) ==
          "P2P-GROUP-STARTED p2p-wlan1-0 client ssid=\"DIRECT-xy\" freq=2412 psk=" + psk +
              " go_dev_addr=" + b);
    CHECK(ctrl::format(client) ==
          "P2P-GROUP-STARTED p2p-wlan1-0 client ssid=\"DIRECT-xy\" freq=2412 psk=* go_dev_addr=" +
              b);
    auto persistent_client = client;
    persistent_client.persistent = true;
    CHECK(ctrl::format(persistent_client) ==
          "P2P-GROUP-STARTED p2p-wlan1-0 client ssid=\"DIRECT-xy\" freq=2412 psk=* go_dev_addr=" +
              b + " [PERSISTENT]");
    // Invitation (wpas_invitation_received, wpas_invitation_result).
    const auto go_addr = mac_address::parse("02:00:00:00:0a:00").value();
    const std::string a = go_addr.to_string();
    ev::invitation_received inv;
    inv.sa = peer_addr;
    inv.go_dev = go_addr;
    CHECK(ctrl::format(inv) ==
          "P2P-INVITATION-RECEIVED sa=" + b + " go_dev_addr=" + a + " unknown-network");
    inv.bssid = peer_addr;
    CHECK(ctrl::format(inv) == "P2P-INVITATION-RECEIVED sa=" + b + " go_dev_addr=" + a +
                                   " bssid=" + b + " unknown-network");
    inv.accepted = true;
    CHECK(ctrl::format(inv) == "P2P-INVITATION-ACCEPTED sa=" + b + " go_dev_addr=" + a +
                                   " bssid=" + b + " unknown-network");
    inv.persistent_id = 2;
    CHECK(ctrl::format(inv) == "P2P-INVITATION-ACCEPTED sa=" + b + " persistent=2");
    inv.freq = 2437;
    inv.accepted = false;
    CHECK(ctrl::format(inv) == "P2P-INVITATION-RECEIVED sa=" + b + " persistent=2 freq=2437");
    CHECK(ctrl::format(ev::invitation_result{1, {}}) == "P2P-INVITATION-RESULT status=1 ");
    CHECK(ctrl::format(ev::invitation_result{0, peer_addr}) ==
          "P2P-INVITATION-RESULT status=0 " + b);
    CHECK(ctrl::format(ev::persistent_group_changed{}).empty());  // no control interface event
    // WPS and EAP lines of wpa_supplicant 2.10 and its AP mode.
    const auto w = [](softmac::wps::event e) { return ev::wps_event{"p2p-wlan0-0", e}; };
    namespace sw = softmac::wps;
    CHECK(ctrl::format(w(sw::failed{8, 18})) == "WPS-FAIL msg=8 config_error=18");
    CHECK(ctrl::format(w(sw::m2d_received{0, 15, {}})) ==
          "WPS-M2D dev_password_id=0 config_error=15");
    CHECK(ctrl::format(w(sw::pbc_active{})) == "WPS-PBC-ACTIVE ");
    CHECK(ctrl::format(w(sw::pin_active{})) == "WPS-PIN-ACTIVE ");
    CHECK(ctrl::format(w(sw::succeeded{})) == "WPS-SUCCESS ");
    CHECK(ctrl::format(w(sw::credential_received{})) == "WPS-CRED-RECEIVED ");
    CHECK(ctrl::format(w(sw::registrar_success{peer_addr, sw::uuid_from_mac(peer_addr)})) ==
          "WPS-REG-SUCCESS " + b + " " + sw::to_string(sw::uuid_from_mac(peer_addr)));
    CHECK(ctrl::format(w(sw::eap_started{peer_addr, true})) == "CTRL-EVENT-EAP-STARTED " + b);
    CHECK(ctrl::format(w(sw::eap_started{peer_addr, false})) ==
          "CTRL-EVENT-EAP-STARTED EAP authentication started");
    CHECK(ctrl::format(w(sw::eap_proposed_method{})) ==
          "CTRL-EVENT-EAP-PROPOSED-METHOD vendor=14122 method=1");
    CHECK(ctrl::format(w(sw::eap_method_selected{})) ==
          "CTRL-EVENT-EAP-METHOD EAP vendor 14122 method 1 (WSC) selected");
    CHECK(ctrl::format(w(sw::eap_failure{peer_addr, false})) ==
          "CTRL-EVENT-EAP-FAILURE EAP authentication failed");
    CHECK(ctrl::format(w(sw::timed_out{})) == "WPS-TIMEOUT Requested operation timed out");
    CHECK(ctrl::interface_of(w(sw::succeeded{})) == "p2p-wlan0-0");
    CHECK(ctrl::format(ev::disconnected{peer_addr, 3, true, "p2p-wlan1-0"}) ==
          "CTRL-EVENT-DISCONNECTED bssid=" + b + " reason=3 locally_generated=1");
    CHECK(ctrl::format(ev::group_removed{"p2p-wlan0-0", false, "GO_ENDING_SESSION"}) ==
          "P2P-GROUP-REMOVED p2p-wlan0-0 client reason=GO_ENDING_SESSION");
    const std::string params = " p2p_dev_addr=" + b +
                               " pri_dev_type=1-0050F204-1 name='Bob's \"PC\" \xc3\xa9' "
                               "config_methods=0x188 dev_capab=0x25 group_capab=0x0";
    CHECK(ctrl::format(ev::prov_disc_show_pin{bob, "12345670", false, {}, {}},
                       ctrl::secrets::shown) ==
          "P2P-PROV-DISC-SHOW-PIN " + b + " 12345670" + params);
    CHECK(ctrl::format(ev::prov_disc_show_pin{bob, "12345670", true, {}, {}},
                       ctrl::secrets::shown) == "P2P-PROV-DISC-SHOW-PIN " + b + " 12345670");
    CHECK(ctrl::format(ev::prov_disc_show_pin{bob, "12345670", false, {}, {}}) ==
          "P2P-PROV-DISC-SHOW-PIN " + b + " *" + params);
    CHECK(ctrl::format(ev::prov_disc_show_pin{bob, "12345670", true, {}, {}}) ==
          "P2P-PROV-DISC-SHOW-PIN " + b + " *");
    CHECK(ctrl::format(ev::prov_disc_enter_pin{bob, false, {}, {}}) ==
          "P2P-PROV-DISC-ENTER-PIN " + b + params);
    CHECK(ctrl::format(ev::prov_disc_enter_pin{bob, true, {}, {}}) ==
          "P2P-PROV-DISC-ENTER-PIN " + b);
    CHECK(ctrl::format(ev::prov_disc_pbc_req{bob, {}}) == "P2P-PROV-DISC-PBC-REQ " + b + params);
    CHECK(ctrl::format(ev::prov_disc_pbc_req{bob, "p2p-wlan0-0"}) ==
          "P2P-PROV-DISC-PBC-REQ " + b + params + " group=p2p-wlan0-0");
    CHECK(ctrl::format(ev::prov_disc_pbc_resp{peer_addr, {}}) == "P2P-PROV-DISC-PBC-RESP " + b);
    // An answer to P2P_PROV_DISC auto says which way it went (wpas_prov_disc_resp).
    CHECK(ctrl::format(ev::prov_disc_pbc_resp{peer_addr, true}) ==
          "P2P-PROV-DISC-PBC-RESP " + b + " peer_go=1");
    CHECK(ctrl::format(ev::prov_disc_enter_pin{bob, true, {}, false}) ==
          "P2P-PROV-DISC-ENTER-PIN " + b + " peer_go=0");
    CHECK(ctrl::format(ev::prov_disc_failure{peer_addr, 2}) ==
          "P2P-PROV-DISC-FAILURE p2p_dev_addr=" + b + " status=2");
    CHECK(ctrl::format(ev::ap_sta_connected{bob.addr, peer_addr, "p2p-wlan0-0"}) ==
          "AP-STA-CONNECTED 02:00:00:00:0b:02 p2p_dev_addr=" + b);
    CHECK(ctrl::format(ev::ap_sta_disconnected{bob.addr, peer_addr, "p2p-wlan0-0"}) ==
          "AP-STA-DISCONNECTED 02:00:00:00:0b:02 p2p_dev_addr=" + b);
    CHECK(ctrl::interface_of(ev::ap_sta_disconnected{bob.addr, peer_addr, "p2p-wlan0-0"}) ==
          "p2p-wlan0-0");
    CHECK(ctrl::format(ev::eapol_4way_completed{bob.addr, "p2p-wlan0-0"}) ==
          "EAPOL-4WAY-HS-COMPLETED 02:00:00:00:0b:02");
    CHECK(ctrl::format(ev::possible_psk_mismatch{bob.addr, "p2p-wlan0-0"}) ==
          "AP-STA-POSSIBLE-PSK-MISMATCH 02:00:00:00:0b:02");
    {
        ev::association r;
        r.what = ev::association::step::rejected;
        r.bssid = peer_addr;
        r.status = 17;
        CHECK(ctrl::format(r) == "CTRL-EVENT-ASSOC-REJECT bssid=02:00:00:00:0b:01 status_code=17");
        r.status = 1;
        r.timed_out = true;
        CHECK(ctrl::format(r) ==
              "CTRL-EVENT-ASSOC-REJECT bssid=02:00:00:00:0b:01 status_code=1 timeout");
        r.what = ev::association::step::reenabled;
        r.id = 2;
        r.ssid = "home";
        CHECK(ctrl::format(r) == "CTRL-EVENT-SSID-REENABLED id=2 ssid=\"home\"");
        CHECK(ctrl::format(ev::scan_event{ev::scan_event::kind::network_not_found, "wlan0", 0}) ==
              "CTRL-EVENT-NETWORK-NOT-FOUND ");
        CHECK(ctrl::format(ev::bss_event{false, 3, peer_addr, "wlan0"}) ==
              "CTRL-EVENT-BSS-REMOVED 3 02:00:00:00:0b:01");
    }
    CHECK(ctrl::format(ev::connected{peer_addr, "p2p-wlan1-0", 0, {}}) ==
          "CTRL-EVENT-CONNECTED - Connection to " + b + " completed [id=0 id_str=]");
    CHECK(ctrl::interface_of(ev::connected{peer_addr, "p2p-wlan1-0", 0, {}}) == "p2p-wlan1-0");
    CHECK(ctrl::interface_of(ev::eapol_4way_completed{bob.addr, "p2p-wlan0-0"}) == "p2p-wlan0-0");
    CHECK(ctrl::interface_of(ev::find_stopped{}).empty());
    CHECK(ctrl::printable(std::string("a\x01\\")) == "a\\x01\\\\");
    // A peer's name, which events print as it is, has no control character left to print.
    CHECK(p2p::detail::device_name(std::string("Bob\n\x1f\xc3\xa9\0tail", 11)) == "Bob__\xc3\xa9");
}

TEST_CASE("A P2P session driven by control commands only", "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();

    CHECK(p.cmd(0, "PING") == "PONG\n");
    CHECK(p.cmd(0, "IFNAME") == "wlan0");
    CHECK(p.cmd(0, "STA-FIRST") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_PEER FIRST") == "FAIL\n");  // no peers yet: the walk ends at once
    const auto status = p.cmd(0, "STATUS");
    CHECK(field(status, "p2p_device_address") == a);
    CHECK(field(status, "wpa_state") == "DISCONNECTED");
    CHECK(field(status, "p2p_state") == "IDLE");

    // An unprivileged caller may look but not act.
    CHECK(p.cmd(0, "P2P_FIND", false) == ctrl::replies::not_permitted);
    CHECK(field(p.cmd(0, "STATUS", false), "p2p_state") == "IDLE");

    CHECK(p.cmd(0, "SET device_name Alice") == "OK\n");
    CHECK(p.cmd(0, "GET device_name") == "Alice");
    CHECK(p.cmd(0, "SET p2p_go_intent 16") == "FAIL\n");
    CHECK(p.cmd(0, "GET config_methods") == "display push_button keypad");

    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state") == "SEARCH");
    const auto found = p.wait(1, "P2P-DEVICE-FOUND");
    REQUIRE(found);
    CHECK(field(found->second, "p2p_dev_addr") == a);
    CHECK(found->second.find("name='Alice'") != std::string::npos);
    REQUIRE(p.wait(0, "P2P-DEVICE-FOUND"));

    // wpa_cli's p2p_peers walk: FIRST, then NEXT-<addr> until FAIL.
    std::vector<std::string> walk;
    for (auto r = p.cmd(0, "P2P_PEER FIRST"); !r.starts_with("FAIL");
         r = p.cmd(0, "P2P_PEER NEXT-" + walk.back()))
        walk.push_back(r.substr(0, r.find('\n')));
    CHECK(walk == std::vector<std::string>{b});
    const auto body = p.cmd(0, "P2P_PEER " + b);
    CHECK(body.starts_with(b + "\npri_dev_type=1-0050F204-1\ndevice_name=Device B1\n"));
    CHECK(body.find("\nflags=[REPORTED]\n") != std::string::npos);
    CHECK(body.ends_with("\ninvitation_reqs=0\n"));

    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc go_intent=15 freq=5260") ==
          ctrl::replies::channel_unsupported);
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc") == "OK\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc go_intent=15") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    const auto client = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE((go && client));
    CHECK(go->first == "wlan0");  // group events go to the P2P device's monitors
    const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    const auto client_if = client->second.substr(18, client->second.find(' ', 18) - 18);
    CHECK(go->second.find(go_if + " GO ssid=") != std::string::npos);
    CHECK(client->second.find(client_if + " client ssid=") != std::string::npos);
    CHECK(field(go->second, "ssid") == field(client->second, "ssid"));
    CHECK(field(go->second, "freq") == field(client->second, "freq"));
    CHECK(field(go->second, "go_dev_addr") == a);
    CHECK(field(client->second, "go_dev_addr") == a);
    REQUIRE(p.wait(0, "P2P-GO-NEG-SUCCESS"));
    const auto client_neg = p.wait(1, "P2P-GO-NEG-SUCCESS");
    REQUIRE(client_neg);
    CHECK(field(client_neg->second, "role") == "client");

    // The group interface's own view, and the passphrase only for the GO.
    const auto pass = p.cmd_on(0, go_if, "P2P_GET_PASSPHRASE");
    CHECK(field(go->second, "passphrase") == "\"" + pass + "\"");
    CHECK(p.cmd_on(1, client_if, "P2P_GET_PASSPHRASE") == "FAIL\n");
    // STATUS-WPS adds the GO's passphrase after the network id; a client has none to add.
    CHECK(p.cmd_on(0, go_if, "STATUS-WPS").find("\nid=0\npassphrase=" + pass + "\nmode=P2P GO") !=
          std::string::npos);
    CHECK(p.cmd_on(0, go_if, "STATUS").find("passphrase=") == std::string::npos);
    CHECK(p.cmd_on(1, client_if, "STATUS-WPS") == p.cmd_on(1, client_if, "STATUS"));
    CHECK(p.cmd(0, "STATUS-WPS", false) == ctrl::replies::not_permitted);
    // A client's packet counters are its GO's entry; a GO has no AP to count (FAIL).
    CHECK(p.cmd_on(1, client_if, "PKTCNT_POLL").starts_with("TXGOOD="));
    CHECK(p.cmd_on(0, go_if, "PKTCNT_POLL") == "FAIL\n");
    const auto gs = p.cmd_on(0, go_if, "STATUS");
    CHECK(gs.find("mode=P2P GO\n") != std::string::npos);
    CHECK(field(gs, "wpa_state") == "COMPLETED");
    CHECK(field(gs, "freq") == field(go->second, "freq"));
    const auto names = p.cmd(0, "INTERFACES");
    CHECK(names.find(go_if + "\n") != std::string::npos);
    CHECK(p.cmd(0, "IFNAME=" + go_if + " IFNAME") == go_if);
    CHECK(p.cmd(0, "IFNAME=nosuch PING") == ctrl::replies::no_ifname);

    // The client's arrival reaches the group interface's monitors and the device's, and the
    // global socket once, as the group's; the client's own CONNECTED only its group
    // interface's (wpa_supplicant_ctrl_iface_msg_cb).
    const auto connected = p.wait(0, "AP-STA-CONNECTED");
    REQUIRE(connected);
    CHECK(field(connected->second, "p2p_dev_addr") == b);
    REQUIRE(p.wait(1, "CTRL-EVENT-CONNECTED"));
    const auto targets = [&](const auto& events, std::string_view what) {
        std::multiset<std::string> to;
        for (const auto& [name, text] : events)
            if (text.starts_with(what)) to.insert(name);
        return to;
    };
    CHECK(targets(p.out[0], "AP-STA-CONNECTED") == std::multiset<std::string>{go_if, "wlan0"});
    CHECK(targets(p.global[0], "AP-STA-CONNECTED") == std::multiset<std::string>{go_if});
    CHECK(targets(p.out[1], "CTRL-EVENT-CONNECTED") == std::multiset<std::string>{client_if});
    CHECK(targets(p.out[1], "WPS-SUCCESS") == std::multiset<std::string>{client_if});
    CHECK(targets(p.out[1], "P2P-GROUP-STARTED") == std::multiset<std::string>{"wlan1"});

    // The GO ends the group and the client hears why.
    CHECK(p.cmd(0, "P2P_GROUP_REMOVE nosuch") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_GROUP_REMOVE " + go_if) == "OK\n");
    const auto go_gone = p.wait(0, "P2P-GROUP-REMOVED");
    const auto client_gone = p.wait(1, "P2P-GROUP-REMOVED", 3s);
    REQUIRE((go_gone && client_gone));
    CHECK(go_gone->second == "P2P-GROUP-REMOVED " + go_if + " GO reason=REQUESTED");
    CHECK(client_gone->second ==
          "P2P-GROUP-REMOVED " + client_if + " client reason=GO_ENDING_SESSION");
    CHECK(p.cmd(0, "P2P_FLUSH") == "OK\n");
    CHECK(p.cmd(0, "P2P_PEER FIRST") == "FAIL\n");
}

TEST_CASE("P2P_PEER reports what the peer's frames and negotiations carried", "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    // B's WPS identity, a secondary type and extended listen timing go out in its probe
    // responses; B searches too, so its probe requests show its country.
    for (const char* set : {"SET manufacturer Acme Wireless", "SET model_name Printer 9",
                            "SET model_number X-1", "SET serial_number 0042",
                            "SET sec_device_type 3-0050F204-1", "SET sec_device_type 7-0050F204-2"})
        CHECK(p.cmd(1, set) == "OK\n");
    CHECK(p.cmd(1, "GET manufacturer") == "Acme Wireless");
    CHECK(p.cmd(1, "SET model_name " + std::string(33, 'm')) == "FAIL\n");
    CHECK(p.cmd(1, "P2P_EXT_LISTEN 100 1000") == "OK\n");
    find_each_other(p);
    REQUIRE(
        p.w.run_until([&] { return field(p.cmd(0, "P2P_PEER " + b), "country") == "XX"; }, 10s));
    const auto body = p.cmd(0, "P2P_PEER " + b);
    INFO(body);
    CHECK(body.find("\nmanufacturer=Acme Wireless\nmodel_name=Printer 9\nmodel_number=X-1\n"
                    "serial_number=0042\nconfig_methods=0x") != std::string::npos);
    CHECK(body.find("\nsec_dev_type=3-0050F204-1\nsec_dev_type=7-0050F204-2\nage=") !=
          std::string::npos);
    CHECK(std::stoi(field(body, "level")) < 0);  // the medium's signal, in dBm
    CHECK(body.find("\next_listen_period=100\next_listen_interval=1000\n") != std::string::npos);
    CHECK(field(body, "go_state") == "unknown");
    CHECK(field(body, "go_neg_req_sent") == "0");
    // A (default identity, no secondary types, no extended listen) as B sees it.
    const auto of_a = p.cmd(1, "P2P_PEER " + a);
    CHECK(of_a.find("\nmanufacturer=softmac\nmodel_name=softmac\nmodel_number=1\n"
                    "serial_number= \n") != std::string::npos);
    CHECK(of_a.find("sec_dev_type=") == std::string::npos);
    CHECK(of_a.find("ext_listen_period=") == std::string::npos);

    // A negotiation: who became GO, how many requests went, the status B's response carried.
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc go_intent=0") == "OK\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc go_intent=15") == "OK\n");
    REQUIRE(p.wait(0, "P2P-GROUP-STARTED"));
    REQUIRE(p.wait(1, "P2P-GROUP-STARTED"));
    const auto after_a = p.cmd(0, "P2P_PEER " + b), after_b = p.cmd(1, "P2P_PEER " + a);
    CHECK(field(after_a, "go_state") == "local");
    CHECK(field(after_b, "go_state") == "remote");
    CHECK(std::stoi(field(after_a, "go_neg_req_sent")) >= 1);
    CHECK(field(after_b, "go_neg_req_sent") == "0");
    CHECK(field(after_b, "status") == "0");
    // P2P_REJECT records "rejected by user" (p2p_reject).
    CHECK(p.cmd(1, "P2P_REJECT " + a) == "OK\n");
    CHECK(field(p.cmd(1, "P2P_PEER " + a), "status") == "11");
}

TEST_CASE(
    "GO negotiation over a driver's remain-on-channel: a peer probing between requests "
    "gets them at once, until they fail",
    "[p2p][go_neg]") {
    // p2p_test runs this on the MAC's remain-on-channel; here it runs on the devices this file
    // already builds, whose driver offloads remain-on-channel.
    test::p2p_world<test::loopback_offloaded_roc, recording_relay> w(2, 18);
    test::go_neg_requests_follow_a_probing_peer(w);
}

TEST_CASE("P2P_CONNECT auto joins a running group, else negotiates after P2P-FALLBACK-TO-GO-NEG",
          "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    find_each_other(p);

    // B runs no group: A says so and negotiates; B, authorised with intent 15, becomes GO.
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc auth go_intent=15") == "OK\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc auto") == "OK\n");
    const auto fallback = p.wait(0, "P2P-FALLBACK-TO-GO-NEG");
    REQUIRE(fallback);
    CHECK(fallback->second == "P2P-FALLBACK-TO-GO-NEG reason=peer-not-running-GO");
    REQUIRE(p.wait(0, "P2P-GO-NEG-SUCCESS"));
    const auto first = p.wait(0, "P2P-GROUP-STARTED"), first_go = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE((first && first_go));
    CHECK(first->second.find(" client ") != std::string::npos);
    const auto first_go_if = first_go->second.substr(18, first_go->second.find(' ', 18) - 18);
    CHECK(p.cmd(1, "P2P_GROUP_REMOVE " + first_go_if) == "OK\n");
    REQUIRE(p.wait(0, "P2P-GROUP-REMOVED"));
    for (auto& o : p.out) o.clear();

    // B runs an autonomous GO that A's search sees: A joins it without negotiating.
    CHECK(p.cmd(1, "P2P_GROUP_ADD") == "OK\n");
    const auto go = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE(go);
    const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] { return p.cmd(0, "P2P_PEER " + b).find("\noper_ssid=DIRECT-") != std::string::npos; },
        10s));
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");
    // A provision discovery, auto: A asks to join the group it saw. The GO's event names the
    // group's interface (wpas_prov_disc_req's group=), A's answer says it joins (peer_go=1).
    CHECK(p.cmd(0, "P2P_PROV_DISC " + b + " pbc auto") == "OK\n");
    const auto asked = p.wait(1, "P2P-PROV-DISC-PBC-REQ");
    REQUIRE(asked);
    CHECK(field(asked->second, "group") == go_if);
    const auto answered = p.wait(0, "P2P-PROV-DISC-PBC-RESP");
    REQUIRE(answered);
    CHECK(field(answered->second, "peer_go") == "1");
    CHECK(p.cmd_on(1, go_if, "WPS_PBC") == "OK\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc auto") == "OK\n");
    const auto joined = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(joined);
    CHECK(joined->second.find(" client ") != std::string::npos);
    CHECK(field(joined->second, "go_dev_addr") == b);
    for (const auto& [to, text] : p.out[0]) {
        CHECK_FALSE(text.starts_with("P2P-FALLBACK-TO-GO-NEG"));
        CHECK_FALSE(text.starts_with("P2P-GO-NEG-"));
    }
    // The join asked nothing more of the GO: the provision discovery before it answered push
    // button already (p2p_get_provisioning_info).
    CHECK(std::count_if(p.out[1].begin(), p.out[1].end(), [](const auto& e) {
              return e.second.starts_with("P2P-PROV-DISC-PBC-REQ");
          }) == 1);
}

/// Device 1 has seen device 0 run the GO group `go_if` (started with P2P_GROUP_ADD).
template <class Pair>
std::string seen_go(Pair& p) {
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(go);
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] {
            return p.cmd(1, "P2P_PEER " + p.w.addr(0).to_string()).find("\noper_ssid=DIRECT-") !=
                   std::string::npos;
        },
        10s));
    CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
    return go->second.substr(18, go->second.find(' ', 18) - 18);
}

TEMPLATE_TEST_CASE("P2P_CONNECT join asks the GO for provisioning first, and joins once answered",
                   "[ctrl][session]", test::loopback_offloaded_roc, test::rt73_usb) {
    // wpas_p2p_scan_res_join: the GO hears which method the client uses, on its group's
    // interface (group=), before the client associates; the client reports nothing of it
    // (wpas_prov_disc_resp). A GO on the device's own interface (rt73: no P2P interface types)
    // answers too, as its AP interface hands P2P public action frames on.
    // Push button, or a PIN the GO shows: the client's words, the GO's event, and what the GO's
    // application then does and gets.
    struct method {
        const char *connect, *event, *go_cmd, *go_reply;
    };
    const auto m = GENERATE(values<method>(
        {{"pbc join", "P2P-PROV-DISC-PBC-REQ ", "WPS_PBC", "OK\n"},
         {"12345670 join", "P2P-PROV-DISC-SHOW-PIN ", "WPS_PIN any 12345670", "12345670"}}));
    CAPTURE(m.connect);
    ctrl_pair<TestType> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    const std::string go_if = seen_go(p);
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " " + m.connect) == "OK\n");
    const auto asked = p.wait(0, m.event + b);
    REQUIRE(asked);
    CHECK(field(asked->second, "group") == go_if);
    CHECK(p.cmd_on(0, go_if, m.go_cmd) == m.go_reply);
    const auto joined = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE(joined);
    CHECK(joined->second.find(" client ") != std::string::npos);
    REQUIRE(p.wait(0, "AP-STA-CONNECTED"));
    const auto order = events_of(p, 0, 0, {"P2P-PROV-DISC-", "AP-STA-CONNECTED"});
    REQUIRE_FALSE(order.empty());
    CHECK(order.front().starts_with("P2P-PROV-DISC-"));
    CHECK(events_of(p, 1, 0, {"P2P-PROV-DISC-"}).empty());
    // WPS succeeded: the GO's provision discovery record is used up, and the next join asks
    // again (wpas_p2p_wps_success).
    const auto client_if = joined->second.substr(18, joined->second.find(' ', 18) - 18);
    CHECK(p.cmd(1, "P2P_GROUP_REMOVE " + client_if) == "OK\n");
    REQUIRE(p.wait(1, "P2P-GROUP-REMOVED"));
    p.out[0].clear();
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " " + m.connect) == "OK\n");
    CHECK(p.wait(0, m.event + b));
}

TEMPLATE_TEST_CASE(
    "A join's provision discovery: unanswered it still joins, refused it "
    "reports, and an auto join negotiates instead",
    "[ctrl][session]", test::loopback_offloaded_roc, test::rt73_usb) {
    ctrl_pair<TestType> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    const auto pa = p.w.port(0), pb = p.w.port(1);
    const std::string go_if = seen_go(p);
    SECTION("unacknowledged: the join starts when the requests time out") {
        // wpas_prov_disc_fail with P2P_PROV_DISC_TIMEOUT_JOIN: no event, the join goes on.
        p.w.air.set_link(pb, pa, 1.0);
        CHECK(p.cmd_on(0, go_if, "WPS_PBC") == "OK\n");
        CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc join") == "OK\n");
        // 120 requests, each retried 300 ms after a missing ACK, 200 ms after an ACK (the rt73
        // reports every frame acknowledged): no join (its WPS would start) before they end, a
        // join once they did.
        p.w.run(20s);
        CHECK(events_of(p, 1, 0, {"WPS-PBC-ACTIVE"}).empty());
        p.w.run(25s);
        CHECK(!events_of(p, 1, 0, {"WPS-PBC-ACTIVE"}).empty());
        CHECK(events_of(p, 1, 0, {"P2P-GROUP-STARTED"}).empty());
        p.w.air.set_link(pb, pa, 0.0);
        REQUIRE(p.wait(1, "P2P-GROUP-STARTED", 30s));
        CHECK(events_of(p, 0, 0, {"P2P-PROV-DISC-"}).empty());
        CHECK(events_of(p, 1, 0, {"P2P-PROV-DISC-"}).empty());
    }
    SECTION("no button pressed on the GO: the client tries again for 60 s") {
        // wpas_p2p_join_start's 60 s: each try ends with M2D, no WPS-FAIL (wps_process_wsc_nack).
        const auto t0 = p.w.time.now();
        CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc join") == "OK\n");
        REQUIRE(p.wait(0, "P2P-PROV-DISC-PBC-REQ " + b));
        p.w.run(t0 + 50s - p.w.time.now());
        CHECK(!events_of(p, 1, 0, {"WPS-M2D"}).empty());
        CHECK(events_of(p, 1, 0, {"WPS-FAIL"}).empty());
        CHECK(events_of(p, 1, 0, {"P2P-GROUP-FORMATION-FAILURE"}).empty());
        REQUIRE(p.wait(1, "P2P-GROUP-FORMATION-FAILURE", 12s));
    }
    SECTION("P2P_CANCEL ends the join and its request") {
        p.w.air.set_link(pb, pa, 1.0);
        CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc join") == "OK\n");
        p.w.run(2s);
        CHECK(p.cmd(1, "P2P_CANCEL") == "OK\n");
        CHECK(p.cmd(1, "P2P_PROV_DISC " + a + " pbc join") == "OK\n");  // none is running
        p.w.air.set_link(pb, pa, 0.0);
        REQUIRE(p.wait(1, "P2P-PROV-DISC-PBC-RESP " + a));
        CHECK(p.cmd_on(0, go_if, "WPS_PBC") == "OK\n");  // a join still running would succeed
        p.w.run(5s);
        CHECK(events_of(p, 1, 0, {"WPS-PBC-ACTIVE", "P2P-GROUP-STARTED"}).empty());
    }
    SECTION("unacknowledged, auto: the first request without an ACK falls back") {
        p.w.air.set_link(pb, pa, 1.0);
        const auto t0 = p.w.time.now();
        CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc auto") == "OK\n");
        const auto fallback = p.wait(1, "P2P-FALLBACK-TO-GO-NEG", 60s);
        REQUIRE(fallback);
        if constexpr (std::is_same_v<TestType, test::rt73_usb>) {
            // The rt73 reports no ACK status (a frame sent counts as acknowledged), so only
            // the retries' end shows the failure.
            CHECK(fallback->second == "P2P-FALLBACK-TO-GO-NEG reason=PD-failed");
            CHECK(p.w.time.now() - t0 > 20s);
        } else {
            CHECK(fallback->second == "P2P-FALLBACK-TO-GO-NEG reason=no-ACK-to-PD-Req");
            CHECK(p.w.time.now() - t0 < 1s);  // not after the retries
        }
    }
    SECTION("refused: the GO runs another group now") {
        // The GO answers a join to a group it does not run with no method
        // (p2p_process_prov_disc_req); its new group is on the same channel.
        const auto started = p.wait(0, "P2P-GROUP-STARTED");
        REQUIRE(started);
        CHECK(p.cmd(0, "P2P_GROUP_REMOVE " + go_if) == "OK\n");
        REQUIRE(p.wait(0, "P2P-GROUP-REMOVED"));
        CHECK(p.cmd(0, "P2P_GROUP_ADD freq=" + field(started->second, "freq")) == "OK\n");
        REQUIRE(p.w.run_until(
            [&] {
                return std::count_if(p.out[0].begin(), p.out[0].end(), [](const auto& e) {
                           return e.second.starts_with("P2P-GROUP-STARTED");
                       }) == 2;
            },
            5s));
        SECTION("join: P2P-PROV-DISC-FAILURE, and no join") {
            CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc join") == "OK\n");
            const auto failed = p.wait(1, "P2P-PROV-DISC-FAILURE");
            REQUIRE(failed);
            CHECK(failed->second == "P2P-PROV-DISC-FAILURE p2p_dev_addr=" + a + " status=2");
            p.w.run(5s);
            CHECK(events_of(p, 1, 0, {"WPS-PBC-ACTIVE", "P2P-GROUP-STARTED"}).empty());
            CHECK(p.cmd(1, "P2P_CANCEL") == "FAIL\n");  // nothing is pending
        }
        SECTION("auto: negotiation instead (reason=PD-failed)") {
            CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc auto") == "OK\n");
            const auto fallback = p.wait(1, "P2P-FALLBACK-TO-GO-NEG");
            REQUIRE(fallback);
            CHECK(fallback->second == "P2P-FALLBACK-TO-GO-NEG reason=PD-failed");
            CHECK(events_of(p, 1, 0, {"P2P-PROV-DISC-FAILURE"}).empty());
            p.w.run(1s);  // the negotiation has begun
            CHECK(field(p.cmd(1, "P2P_PEER " + a), "go_neg_req_sent") != "0");
        }
    }
}

TEST_CASE("A negotiated group's formation lasts 15 s and the peer's Configuration Timeout",
          "[ctrl][session]") {
    // wpas_go_neg_completed: 15 s + peer_config_timeout, the peer's client timeout (20: 200 ms)
    // for the GO, its GO timeout (100: 1 s) for the client.
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    const auto pa = p.w.port(0), pb = p.w.port(1);
    find_each_other(p);
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc auth go_intent=15") == "OK\n");
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc go_intent=0") == "OK\n");
    REQUIRE(p.wait(0, "P2P-GO-NEG-SUCCESS"));
    REQUIRE(p.wait(1, "P2P-GO-NEG-SUCCESS"));
    const auto t0 = p.w.time.now();
    p.w.air.set_link(pa, pb, 1.0);  // no WPS: the formation can only time out
    p.w.air.set_link(pb, pa, 1.0);
    const auto failed_by = [&](std::size_t i, duration at) {
        p.w.run(t0 + at - p.w.time.now());
        return !events_of(p, i, 0, {"P2P-GROUP-FORMATION-FAILURE"}).empty();
    };
    CHECK_FALSE(failed_by(0, 15100ms));
    CHECK(failed_by(0, 15300ms));
    CHECK_FALSE(failed_by(1, 15900ms));
    CHECK(failed_by(1, 16100ms));
}

TEST_CASE("P2P_CONNECT join looks for a GO it has not seen, and gives up after ten scans",
          "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto b = p.w.addr(1).to_string();
    // No such GO: a scan, then one a second after each, P2P-GROUP-FORMATION-FAILURE after the
    // tenth more. Each scan visits the radio's 20 P2P channels (2.4 and 5 GHz) for 30 ms or more.
    const auto t0 = p.w.time.now();
    CHECK(p.cmd(0, "P2P_CONNECT 02:00:00:00:77:77 pbc join") == "OK\n");
    const auto failed = p.wait(0, "P2P-GROUP-FORMATION-FAILURE", 30s);
    REQUIRE(failed);
    CHECK(p.w.time.now() - t0 >= 10s + 11 * 20 * 30ms);
    CHECK(p.w.time.now() - t0 < 10s + 11 * 20 * 50ms);
    CHECK(failed->second == "P2P-GROUP-FORMATION-FAILURE ");

    // A GO on a channel no search of device 0's has seen: the join scan finds and joins it.
    CHECK(p.cmd(1, "P2P_GROUP_ADD freq=2422") == "OK\n");
    const auto go = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE(go);
    const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    CHECK(p.cmd_on(1, go_if, "WPS_PBC") == "OK\n");
    CHECK(p.cmd(0, "P2P_PEER " + b) == "FAIL\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc join") == "OK\n");
    const auto joined = p.wait(0, "P2P-GROUP-STARTED", 20s);
    REQUIRE(joined);
    CHECK(joined->second.find(" client ") != std::string::npos);
    CHECK(field(joined->second, "freq") == "2422");
    CHECK(field(joined->second, "go_dev_addr") == b);
}

TEST_CASE("A GO's clients are found through its Group Info and reported as peers",
          "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc, 3> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    // A runs a group on a channel no search visits after its first scan; B joins it.
    CHECK(p.cmd(0, "P2P_GROUP_ADD freq=2422") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(go);
    const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    const std::string go_iface = status_line(p.cmd_on(0, go_if, "STATUS"), "address");
    CHECK(p.cmd_on(0, go_if, "WPS_PBC") == "OK\n");
    CHECK(p.cmd(1, "SET device_type 10-0050F204-5") == "OK\n");
    CHECK(p.cmd(1, "SET sec_device_type 7-0050F204-1") == "OK\n");
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc join") == "OK\n");
    REQUIRE(p.wait(1, "P2P-GROUP-STARTED", 20s));
    REQUIRE(p.wait(0, "AP-STA-CONNECTED"));

    // C's search: the GO, then its client, reachable through it (p2p_add_group_clients).
    CHECK(p.cmd(2, "P2P_FIND") == "OK\n");
    const bool client_found =
        p.w.run_until([&] { return !events_of(p, 2, 0, {"P2P-DEVICE-FOUND " + b}).empty(); }, 10s);
    for (const auto& [to, text] : p.out[2]) UNSCOPED_INFO(text);
    UNSCOPED_INFO(p.cmd(2, "P2P_PEER " + b));
    REQUIRE(client_found);
    const auto found = events_of(p, 2, 0, {"P2P-DEVICE-FOUND " + b}).front();
    CHECK(field(found, "p2p_dev_addr") == b);
    CHECK(field(found, "pri_dev_type") == "10-0050F204-5");
    CHECK(found.find(" name='Device B1' ") != std::string::npos);
    const std::string peer = p.cmd(2, "P2P_PEER " + b);
    INFO(peer);
    CHECK(peer.find("\nsec_dev_type=7-0050F204-1\n") != std::string::npos);
    CHECK(peer.find("\nmember_in_go_dev=" + a + "\nmember_in_go_iface=" + go_iface + "\n") !=
          std::string::npos);
    CHECK(peer.find("\noper_freq=2422\n") != std::string::npos);
    // The GO's station walk shows the client's device (p2p_ie_text's lines).
    const std::string sta = p.cmd_on(0, go_if, "STA-FIRST");
    INFO(sta);
    CHECK(sta.find("\np2p_device_name=Device B1\np2p_device_addr=" + b + "\n") !=
          std::string::npos);
    CHECK(sta.find("\np2p_primary_device_type=10-0050F204-5\n") != std::string::npos);
    // The GO itself is no group member.
    CHECK(p.cmd(2, "P2P_PEER " + a).find("\nmember_in_go_dev=00:00:00:00:00:00\n") !=
          std::string::npos);
}

TEST_CASE("A GO answers a search only for its own device address or device type",
          "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string();
    CHECK(p.cmd(0, "SET sec_device_type 3-0050F204-1") == "OK\n");
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    REQUIRE(p.wait(0, "P2P-GROUP-STARTED"));
    // hostapd's p2p_group_match_dev_id and p2p_group_match_dev_type: a search for another
    // device or another type gets no probe response from the GO, so it never reports it.
    auto finds_go = [&](const std::string& find) {
        p.out[1].clear();
        CHECK(p.cmd(1, find) == "OK\n");
        const bool found = p.wait(1, "P2P-DEVICE-FOUND", 6s).has_value();
        CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
        p.w.run(200ms);
        CHECK(p.cmd(1, "P2P_FLUSH") == "OK\n");
        return found;
    };
    CHECK_FALSE(finds_go("P2P_FIND dev_id=02:00:00:00:77:77"));
    CHECK_FALSE(finds_go("P2P_FIND dev_type=7-0050F204-2"));
    CHECK_FALSE(finds_go("P2P_FIND dev_type=7-00000000-0"));  // another category
    CHECK(finds_go("P2P_FIND dev_type=3-00000000-0"));  // its secondary's category: dev_type_match
    CHECK(finds_go("P2P_FIND dev_id=" + a));
    CHECK(finds_go("P2P_FIND dev_type=3-0050F204-1"));  // its secondary type
    CHECK(finds_go("P2P_FIND"));
}

TEST_CASE("P2P_CONNECT pin answers the PIN: provdisc asks the peer first", "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc") == "FAIL\n");  // not discovered yet
    (void)p.cmd(0, "P2P_FIND");
    (void)p.cmd(1, "P2P_FIND");
    REQUIRE(p.wait(0, "P2P-DEVICE-FOUND"));
    REQUIRE(p.wait(1, "P2P-DEVICE-FOUND"));
    const auto pin = p.cmd(0, "P2P_CONNECT " + b + " pin auth");
    CHECK(pin.size() == 8);
    CHECK(pin.find_first_not_of("0123456789") == std::string::npos);
    // Bob enters Alice's PIN and asks her by provision discovery first.
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " " + pin + " provdisc go_intent=0") == "OK\n");
    const auto shown = p.wait(0, "P2P-PROV-DISC-SHOW-PIN");
    REQUIRE(shown);
    const std::string head = "P2P-PROV-DISC-SHOW-PIN " + b + " ";
    REQUIRE(shown->second.starts_with(head));
    const auto shown_pin = shown->second.substr(head.size(), 8);
    CHECK(shown_pin.find_first_not_of("0123456789") == std::string::npos);
    // Monitors not allowed the secrets get the event with `*` for the PIN, the rest unchanged.
    const auto hidden = std::find_if(p.redacted[0].begin(), p.redacted[0].end(), [](const auto& t) {
        return t.starts_with("P2P-PROV-DISC-SHOW-PIN");
    });
    REQUIRE(hidden != p.redacted[0].end());
    CHECK(*hidden == head + "*" + shown->second.substr(head.size() + 8));
    const auto g0 = p.wait(0, "P2P-GROUP-STARTED"), g1 = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE((g0 && g1));
    CHECK(g0->second.find(" GO ") != std::string::npos);
    const auto neg1 = p.wait(1, "P2P-GO-NEG-SUCCESS"), neg0 = p.wait(0, "P2P-GO-NEG-SUCCESS");
    REQUIRE((neg1 && neg0));
    CHECK(field(neg1->second, "wps_method") == "Keypad");
    CHECK(field(neg0->second, "wps_method") == "Display");
    // p2p_process_prov_disc_resp: the answer starts the negotiation, and no event reports it.
    CHECK(events_of(p, 1, 0, {"P2P-PROV-DISC-"}).empty());

    // The client leaves: the GO's group reports the station gone.
    CHECK(p.cmd(1, "P2P_GROUP_REMOVE *") == "OK\n");
    const auto left = p.wait(0, "AP-STA-DISCONNECTED", 2s);
    REQUIRE(left);
    CHECK(field(left->second, "p2p_dev_addr") == b);
    const auto removed = p.wait(1, "P2P-GROUP-REMOVED");
    REQUIRE(removed);
    CHECK(removed->second.ends_with(" client reason=REQUESTED"));
}

TEST_CASE(
    "P2P_CONNECT provdisc: an unanswered request starts no negotiation, and P2P_CANCEL "
    "or P2P_STOP_FIND ends it",
    "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    const auto pa = p.w.port(0), pb = p.w.port(1);
    find_each_other(p);
    CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc auth") == "OK\n");
    p.w.air.set_link(pb, pa, 1.0);  // the requests do not reach Alice
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " pbc provdisc") == "OK\n");
    SECTION("the requests time out: reported, and no negotiation follows") {
        // wpas_prov_disc_fail: P2P-PROV-DISC-FAILURE, nothing else (only an auto connect falls
        // back to a negotiation).
        const auto failed = p.wait(1, "P2P-PROV-DISC-FAILURE", 60s);
        REQUIRE(failed);
        CHECK(failed->second == "P2P-PROV-DISC-FAILURE p2p_dev_addr=" + a + " status=1");
        // Alice, authorised, would take a negotiation Bob started.
        p.w.air.set_link(pb, pa, 0.0);
        p.w.run(10s);
        CHECK(events_of(p, 0, 0, {"P2P-GO-NEG-"}).empty());
        CHECK(events_of(p, 1, 0, {"P2P-GO-NEG-"}).empty());
    }
    SECTION("P2P_CANCEL and P2P_STOP_FIND end the request; P2P_CANCEL the authorisation too") {
        const std::string stop = GENERATE("P2P_CANCEL", "P2P_STOP_FIND");
        p.w.run(2s);
        CHECK(p.cmd(1, stop) == "OK\n");
        CHECK(p.cmd(1, "P2P_PROV_DISC " + a + " pbc") == "OK\n");  // none is running
        p.w.air.set_link(pb, pa, 0.0);
        REQUIRE(p.wait(1, "P2P-PROV-DISC-PBC-RESP " + a));
        // Alice asks Bob: still authorised, he negotiates; no longer, he reports her request.
        CHECK(p.cmd(1, "P2P_LISTEN") == "OK\n");
        CHECK(p.cmd(0, "P2P_CONNECT " + b + " pbc") == "OK\n");
        if (stop == "P2P_CANCEL")
            CHECK(p.wait(1, "P2P-GO-NEG-REQUEST " + a, 10s));
        else
            CHECK(p.wait(1, "P2P-GO-NEG-SUCCESS", 10s));
    }
}

TEST_CASE("Settings, disabling P2P and an autonomous GO by commands", "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    CHECK(p.cmd(0, "SET p2p_listen_channel 11") == "OK\n");
    CHECK(p.cmd(0, "GET p2p_listen_channel") == "11");
    CHECK(p.cmd(0, "P2P_SET listen_channel 6") == "OK\n");
    CHECK(p.cmd(0, "GET p2p_listen_channel") == "6");
    CHECK(p.w.engine(0).listen_freq() == 2437);
    CHECK(p.cmd(0, "P2P_SET listen_channel 14") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_SET listen_channel 6 115") == "FAIL\n");
    CHECK(p.cmd(0, "SET device_name <3>P2P-FAKE") == "FAIL\n");  // GET would look like an event
    CHECK(p.cmd(0, "SET device_type 10-0050F204-5") == "OK\n");
    CHECK(p.cmd(0, "GET device_type") == "10-0050F204-5");
    CHECK(p.cmd(0, "SET config_methods push_button") == "OK\n");
    CHECK(p.w.engine(0).settings().config_methods == ieee80211::wps::config_method::push_button);
    CHECK(p.cmd(0, "SET config_methods wave") == "FAIL\n");
    CHECK(p.cmd(0, "GET no_such_setting") == "FAIL\n");

    CHECK(p.cmd(0, "P2P_SET disabled 1") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_SET disabled 0") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");

    CHECK(p.cmd(0, "P2P_GET_PASSPHRASE") == "FAIL\n");       // no group yet
    CHECK(p.cmd(0, "P2P_GROUP_ADD freq=5260") == "FAIL\n");  // channel 52: DFS, not for P2P
    CHECK(p.cmd(0, "P2P_GROUP_ADD freq=2484") == "FAIL\n");  // channel 14: not for P2P
    CHECK(p.cmd(0, "P2P_GROUP_ADD freq=2462") == "OK\n");
    const auto started = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(started);
    CHECK(started->second.find(" GO ssid=\"DIRECT-") != std::string::npos);
    CHECK(field(started->second, "freq") == "2462");
    // Sent to the device interface, the command reaches its GO group.
    CHECK(field(started->second, "passphrase") == "\"" + p.cmd(0, "P2P_GET_PASSPHRASE") + "\"");
    // The group is WPA2-PSK/CCMP, as STATUS on its interface says (wpa_supplicant's order).
    const std::string group_if = started->second.substr(18, started->second.find(' ', 18) - 18);
    const std::string st = p.cmd_on(0, group_if, "STATUS");
    CHECK(st.find("mode=P2P GO\npairwise_cipher=CCMP\ngroup_cipher=CCMP\nkey_mgmt=WPA2-PSK\n"
                  "wpa_state=COMPLETED\n") != std::string::npos);
}

TEST_CASE("P2P_SET peer_filter and the channel settings p2p_pref_chan and p2p_no_go_freq",
          "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const std::string other = "02:00:00:00:0e:0e";
    const std::string dev1 = status_line(p.cmd(1, "STATUS"), "p2p_device_address");
    // A filter naming another device: a search learns nothing of device 1.
    CHECK(p.cmd(0, "P2P_SET peer_filter " + other) == "OK\n");
    CHECK(p.cmd(0, "P2P_SET peer_filter 02:00") == "FAIL\n");
    CHECK(p.cmd(1, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    CHECK_FALSE(p.wait(0, "P2P-DEVICE-FOUND", 8s));
    CHECK(p.cmd(0, "P2P_PEER " + dev1) == "FAIL\n");
    // Naming it (or none) lets it in.
    CHECK(p.cmd(0, "P2P_SET peer_filter " + dev1) == "OK\n");
    const auto found = p.wait(0, "P2P-DEVICE-FOUND", 10s);
    REQUIRE(found);
    CHECK(field(found->second, "p2p_dev_addr") == dev1);
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");

    // The first p2p_pref_chan entry the radio has is the GO's channel.
    CHECK(p.cmd(0, "SET p2p_pref_chan 81:11,81:1") == "OK\n");
    CHECK(p.cmd(0, "SET p2p_pref_chan 81") == "FAIL\n");
    CHECK(p.cmd(0, "GET p2p_pref_chan") == "FAIL\n");  // 2.10 has no reader for it
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    auto started = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(started);
    CHECK(field(started->second, "freq") == "2462");
    const std::string group = started->second.substr(18, started->second.find(' ', 18) - 18);
    CHECK(p.cmd(0, "P2P_GROUP_REMOVE " + group) == "OK\n");
    REQUIRE(p.wait(0, "P2P-GROUP-REMOVED"));
    p.out[0].clear();
    // p2p_no_go_freq: never GO there, asked or preferred. Without a preference left, the first
    // channel of class 115, then of 124, it may use (wpas_p2p_select_go_freq_no_pref).
    CHECK(p.cmd(0, "SET p2p_no_go_freq 2457-2472,2437,5180-5220") == "OK\n");
    CHECK(p.cmd(0, "P2P_GROUP_ADD freq=2462") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    started = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(started);
    CHECK(field(started->second, "freq") == "5240");
    CHECK(p.cmd(0, "P2P_GROUP_REMOVE " +
                       started->second.substr(18, started->second.find(' ', 18) - 18)) == "OK\n");
    REQUIRE(p.wait(0, "P2P-GROUP-REMOVED"));
    p.out[0].clear();
    CHECK(p.cmd(0, "SET p2p_no_go_freq 2457-2472,2437,5180-5240") == "OK\n");
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    started = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(started);
    CHECK(field(started->second, "freq") == "5745");

    // Integer globals read back as set; the 0/1 ones refuse other values.
    CHECK(p.cmd(0, "GET p2p_go_max_inactivity") == "300");
    CHECK(p.cmd(0, "SET p2p_go_max_inactivity 600") == "OK\n");
    CHECK(p.cmd(0, "GET p2p_go_max_inactivity") == "600");
    CHECK(p.cmd(0, "SET p2p_add_cli_chan 2") == "FAIL\n");
    CHECK(p.cmd(0, "SET p2p_ignore_shared_freq 1") == "OK\n");
    CHECK(p.cmd(0, "GET p2p_ignore_shared_freq") == "1");
}

TEST_CASE("The largest find and listen timeouts are taken and never cut a device off",
          "[ctrl][session]") {
    // wpa_supplicant takes 32-bit values and eloop lets a timeout too far to happen never fire;
    // here they run in 64-bit time: a find or listen of 4294967295 s ends only when stopped.
    ctrl_pair<test::loopback_offloaded_roc> p;
    CHECK(p.cmd(1, "P2P_LISTEN 4294967295") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND 4294967295 delay=4294967295") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND 4294967296") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_EXT_LISTEN 4294967295 4294967295") == "FAIL\n");
    p.w.run(10s);
    CHECK(p.cmd(0, "PING") == "PONG\n");
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");
    REQUIRE(p.wait(0, "P2P-FIND-STOPPED"));
    CHECK(p.cmd(0, "P2P_FIND 4294967295") == "OK\n");
    REQUIRE(p.wait(0, "P2P-DEVICE-FOUND"));
    CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
}

TEST_CASE("Persistent groups by commands: stored, listed, re-invoked by P2P_INVITE, removed",
          "[ctrl][session][invitation]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const std::string a0 = p.w.addr(0).to_string(), a1 = p.w.addr(1).to_string();
    CHECK(p.cmd(1, "SET persistent_reconnect 1") == "OK\n");
    CHECK(p.cmd(1, "GET persistent_reconnect") == "1");
    CHECK(p.cmd(0, "LIST_NETWORKS") == "network id / ssid / bssid / flags\n");
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until([&] { return p.w.knows(0, 1) && p.w.knows(1, 0); }, 20s));
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");
    CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
    CHECK(p.cmd(1, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(1, "P2P_CONNECT " + a0 + " pbc persistent auth go_intent=0") == "OK\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + a0 + " pbc persistent=0") == "FAIL\n");  // nothing stored
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc persistent go_intent=15") == "OK\n");
    const auto g0 = p.wait(0, "P2P-GROUP-STARTED"), g1 = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE(g0);
    REQUIRE(g1);
    CHECK(g0->second.ends_with(" [PERSISTENT]"));
    CHECK(g1->second.ends_with(" [PERSISTENT]"));
    REQUIRE(p.wait(0, "AP-STA-CONNECTED"));
    const std::string ssid = field(g0->second, "ssid");
    CHECK(p.cmd(0, "LIST_NETWORKS") == "network id / ssid / bssid / flags\n0\t" +
                                           ssid.substr(1, ssid.size() - 2) + "\t" + a0 +
                                           "\t[DISABLED][P2P-PERSISTENT]\n");
    CHECK(p.cmd(1, "LIST_NETWORKS")
              .find("\n0\t" + ssid.substr(1, ssid.size() - 2) + "\t" + a0 +
                    "\t[DISABLED][P2P-PERSISTENT]\n") != std::string::npos);
    CHECK(p.cmd(0, "GET_NETWORK 0 ssid") == ssid);
    CHECK(p.cmd(0, "GET_NETWORK 0 mode") == "3");
    CHECK(p.cmd(0, "GET_NETWORK 0 disabled") == "2");
    CHECK(p.cmd(0, "GET_NETWORK 0 psk") == "*");
    CHECK(p.cmd(0, "GET_NETWORK 0 p2p_client_list") == a1);
    CHECK(p.cmd(1, "GET_NETWORK 0 mode") == "FAIL\n");  // a client's block has no mode
    CHECK(p.cmd(0, "GET_NETWORK 1 ssid") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_PEER " + a1).find("\npersistent=0\n") != std::string::npos);
    CHECK(p.cmd(1, "P2P_PEER " + a0).find("\npersistent=0\n") != std::string::npos);
    CHECK(p.cmd(0, "SAVE_CONFIG") == "FAIL\n");  // no configuration file

    CHECK(p.cmd(0, "P2P_GROUP_REMOVE *") == "OK\n");
    CHECK(p.cmd(1, "P2P_GROUP_REMOVE *") == "OK\n");
    p.w.run(200ms);
    CHECK(p.cmd(1, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(0, "P2P_INVITE persistent=0") == "FAIL\n");  // a GO names its peer
    CHECK(p.cmd(0, "P2P_INVITE persistent=3 peer=" + a1) == "FAIL\n");
    CHECK(p.cmd(0, "P2P_INVITE persistent=0 peer=02:00:00:00:77:77") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_INVITE group=p2p-wlan0-9 peer=" + a1) == "FAIL\n");
    const auto before = p.out[0].size();
    CHECK(p.cmd(0, "P2P_INVITE persistent=0 peer=" + a1) == "OK\n");
    const auto result = p.wait(0, "P2P-INVITATION-RESULT");
    REQUIRE(result);
    CHECK(result->second == "P2P-INVITATION-RESULT status=0 ");
    const auto accepted = p.wait(1, "P2P-INVITATION-ACCEPTED");
    REQUIRE(accepted);
    CHECK(accepted->second == "P2P-INVITATION-ACCEPTED sa=" + a0 + " persistent=0");
    REQUIRE(p.w.run_until(
        [&] {
            return p.w[0].template count<p2p::event::group_started>() == 2 &&
                   p.w[1].template count<p2p::event::group_started>() == 2;
        },
        10s));
    std::size_t started_again = 0;
    for (std::size_t k = before; k < p.out[0].size(); ++k)
        if (p.out[0][k].second.starts_with("P2P-GROUP-STARTED")) {
            ++started_again;
            CHECK(p.out[0][k].second.ends_with(" [PERSISTENT]"));
            CHECK(field(p.out[0][k].second, "ssid") == ssid);
            // Both radios have 5 GHz: the inviting GO prepared a class 124 channel, which the
            // client's Channel List has.
            const auto f = std::stoi(field(p.out[0][k].second, "freq"));
            CHECK((f >= 5745 && f <= 5805));
        }
    CHECK(started_again == 1);

    CHECK(p.cmd(1, "SET_NETWORK 0 ssid \"DIRECT-zz\"") == "OK\n");
    CHECK(p.cmd(1, "GET_NETWORK 0 ssid") == "\"DIRECT-zz\"");
    CHECK(p.w.engine(1).persistent_groups()[0].ssid == "DIRECT-zz");
    CHECK(p.cmd(1, "SET_NETWORK 0 bssid nonsense") == "FAIL\n");
    CHECK(p.cmd(1, "SET_NETWORK 4 ssid \"x\"") == "FAIL\n");
    CHECK(p.cmd(1, "REMOVE_NETWORK 0") == "OK\n");
    CHECK(p.cmd(1, "REMOVE_NETWORK 0") == "FAIL\n");
    CHECK(p.cmd(1, "LIST_NETWORKS") == "network id / ssid / bssid / flags\n");
    CHECK(p.w.engine(1).persistent_groups().empty());
    CHECK(p.cmd(0, "REMOVE_NETWORK all") == "OK\n");
    CHECK(p.w.engine(0).persistent_groups().empty());
}

TEMPLATE_TEST_CASE("P2P_GROUP_ADD freq=2 and freq=5 start a GO on a channel of that band",
                   "[ctrl][session]", test::loopback_offloaded_roc, test::rt73_usb) {
    ctrl_pair<TestType> p;
    const auto start = [&](const std::string& args) {
        p.out[0].clear();
        if (p.cmd(0, "P2P_GROUP_ADD " + args) != "OK\n") return 0;
        const auto started = p.wait(0, "P2P-GROUP-STARTED");
        REQUIRE(started);
        CHECK(p.cmd(0, "P2P_GROUP_REMOVE *") == "OK\n");
        REQUIRE(p.wait(0, "P2P-GROUP-REMOVED"));
        return std::stoi(field(started->second, "freq"));
    };
    const int two = start("freq=2");  // a random social channel (wpas_p2p_select_go_freq)
    CHECK((two == 2412 || two == 2437 || two == 2462));
    const int five = start("freq=5");
    if (std::is_same_v<TestType, test::rt73_usb>) {
        CHECK(five == 0);  // an RF2528 has no 5 GHz channel: FAIL
    } else {
        CHECK(((five >= 5180 && five <= 5240) || (five >= 5745 && five <= 5805)));
        CHECK(p.cmd(0, "SET p2p_no_go_freq 5000-5900") == "OK\n");
        CHECK(p.cmd(0, "P2P_GROUP_ADD freq=5") == "FAIL\n");
        // Without freq=, no 5 GHz channel left for a GO: a social one.
        const int any = start("");
        CHECK((any == 2412 || any == 2437 || any == 2462));
    }
}

TEST_CASE(
    "A configuration file: globals and persistent groups are read, unknown keys and "
    "comments written back, mode 0600",
    "[ctrl][conf]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/ctrl_conf.conf";
    {
        std::ofstream f(path, std::ios::trunc);
        f << "# softmac test configuration\n"
             "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\n"
             "device_name=Kitchen TV\n"
             "p2p_go_intent=11\n"
             "persistent_reconnect=1\n"
             "some_future_option=42\n"
             "\n"
             "# the living room group\n"
             "network={\n"
             "\tssid=\"DIRECT-ab-tv\"\n"
             "\tbssid=02:00:00:00:00:00\n"
             "\tpsk=\"abcdefgh12\"\n"
             "\tproto=RSN\n"
             "\tkey_mgmt=WPA-PSK\n"
             "\tpairwise=CCMP\n"
             "\tmode=3\n"
             "\tdisabled=2\n"
             "\tp2p_client_list=02:00:00:00:01:00 02:00:00:00:02:00\n"
             "\tvendor_thing=\"kept\"\n"
             "}\n"
             "network={\n"
             "\tssid=\"home\"\n"
             "\tpsk=\"not a p2p group\"\n"
             "}\n";
    }
    REQUIRE(p.ifs[0]->load_config(path));
    auto& e = p.w.engine(0);
    CHECK(e.settings().device_name == "Kitchen TV");
    CHECK(e.settings().go_intent == 11);
    CHECK(e.settings().persistent_reconnect);
    REQUIRE(e.persistent_groups().size() == 1);
    const auto g = e.persistent_groups()[0];
    CHECK(g.id == 0);
    CHECK(g.go);
    CHECK(g.ssid == "DIRECT-ab-tv");
    CHECK(g.passphrase == "abcdefgh12");
    CHECK(g.clients.size() == 2);
    CHECK(p.cmd(0, "LIST_NETWORKS") ==
          "network id / ssid / bssid / flags\n0\tDIRECT-ab-tv\t02:00:00:00:00:00\t"
          "[DISABLED][P2P-PERSISTENT]\n1\thome\tany\t\n");
    CHECK(p.cmd(0, "GET update_config") == "0");
    CHECK(p.cmd(0, "SAVE_CONFIG") == "FAIL\n");  // update_config=0
    CHECK(p.cmd(0, "SET update_config 1") == "OK\n");
    CHECK(p.cmd(0, "SET device_name Hall TV") == "OK\n");
    CHECK(p.cmd(0, "SAVE_CONFIG") == "OK\n");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    INFO(text);
    CHECK(text.find("# softmac test configuration\n") != std::string::npos);
    CHECK(text.find("some_future_option=42\n") != std::string::npos);
    CHECK(text.find("device_name=Hall TV\n") != std::string::npos);
    CHECK(text.find("update_config=1\n") != std::string::npos);
    CHECK(text.find("\tvendor_thing=\"kept\"\n") != std::string::npos);
    CHECK(text.find("# the living room group\nnetwork={\n") != std::string::npos);
    CHECK(text.find("\tssid=\"home\"\n") != std::string::npos);
    // A stored group's change is written at once with update_config=1.
    REQUIRE(e.forget_persistent(0));
    std::ifstream again(path);
    const std::string after((std::istreambuf_iterator<char>(again)), {});
    CHECK(after.find("DIRECT-ab-tv") == std::string::npos);
    CHECK(after.find("\tssid=\"home\"\n") != std::string::npos);
    // A malformed file names its line and loads nothing.
    {
        std::ofstream f(path, std::ios::trunc);
        f << "device_name=x\nnetwork={\n\tssid=\"a\"\n\tmode=nine\n}\n";
    }
    auto bad = p.ifs[1]->load_config(path);
    REQUIRE_FALSE(bad);
    CHECK(bad.err().offset == 4);
    CHECK(p.w.engine(1).settings().device_name != "x");
}

TEST_CASE(
    "ip_addr_go, ip_addr_mask, ip_addr_start and ip_addr_end: SET as inet_aton reads them, "
    "GET as inet_ntop writes them, and the configuration file",
    "[ctrl][conf]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    for (const char* key : {"ip_addr_go", "ip_addr_mask", "ip_addr_start", "ip_addr_end"})
        CHECK(p.cmd(0, std::string("GET ") + key) == "0.0.0.0");
    CHECK(p.cmd(0, "SET ip_addr_go 192.168.49.1") == "OK\n");
    CHECK(p.cmd(0, "GET ip_addr_go") == "192.168.49.1");
    CHECK(p.cmd(0, "SET ip_addr_mask 255.255.255.0") == "OK\n");
    CHECK(p.cmd(0, "GET ip_addr_mask") == "255.255.255.0");
    // inet_aton's other forms: fewer parts (the last fills the rest), hex and octal.
    CHECK(p.cmd(0, "SET ip_addr_start 0xc0a83164") == "OK\n");
    CHECK(p.cmd(0, "GET ip_addr_start") == "192.168.49.100");
    CHECK(p.cmd(0, "SET ip_addr_end 192.168.12756") == "OK\n");
    CHECK(p.cmd(0, "GET ip_addr_end") == "192.168.49.212");
    CHECK(p.cmd(0, "SET ip_addr_end 0300.0250.061.0310") == "OK\n");
    CHECK(p.cmd(0, "GET ip_addr_end") == "192.168.49.200");
    const auto& s = p.w.engine(0).settings();
    CHECK(s.ip_addr_go == ieee80211::ipv4_address{192, 168, 49, 1});
    CHECK(s.ip_addr_mask == ieee80211::ipv4_address{255, 255, 255, 0});
    CHECK(s.ip_addr_start == ieee80211::ipv4_address{192, 168, 49, 100});
    CHECK(s.ip_addr_end == ieee80211::ipv4_address{192, 168, 49, 200});
    // What inet_aton refuses is FAIL and changes nothing.
    for (const char* bad : {"192.168.49.256", "192.168.49.1.1", "192.168.49.", "fe80::1", "08",
                            "192.168.49.x", "abc"}) {
        INFO(bad);
        CHECK(p.cmd(0, std::string("SET ip_addr_go ") + bad) == "FAIL\n");
    }
    CHECK(p.cmd(0, "GET ip_addr_go") == "192.168.49.1");

    // The configuration file sets them as SET does, and refuses a bad one.
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/ctrl_ip.conf";
    {
        std::ofstream f(path, std::ios::trunc);
        f << "ip_addr_go=10.0.0.1\nip_addr_mask=255.0.0.0\nip_addr_start=10.0.0.2\n"
             "ip_addr_end=10.0.0.9\n";
    }
    REQUIRE(p.ifs[1]->load_config(path));
    CHECK(p.cmd(1, "GET ip_addr_go") == "10.0.0.1");
    CHECK(p.cmd(1, "GET ip_addr_mask") == "255.0.0.0");
    CHECK(p.cmd(1, "GET ip_addr_start") == "10.0.0.2");
    CHECK(p.cmd(1, "GET ip_addr_end") == "10.0.0.9");
    {
        std::ofstream f(path, std::ios::trunc);
        f << "ip_addr_go=10.0.0.300\n";
    }
    CHECK_FALSE(p.ifs[1]->load_config(path));
    std::remove(path.c_str());
}

TEST_CASE(
    "A GO with ip_addr_* gives each client an address in the 4-way handshake, takes it "
    "back when the client leaves, and P2P_SET disable_ip_addr_req 1 asks for none",
    "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc, 3> p;
    const auto a = p.w.addr(0).to_string();
    // A pool of two addresses.
    for (const char* set : {"SET ip_addr_go 192.168.49.1", "SET ip_addr_mask 255.255.255.0",
                            "SET ip_addr_start 192.168.49.200", "SET ip_addr_end 192.168.49.201"})
        CHECK(p.cmd(0, set) == "OK\n");
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(go);
    CHECK(go->second.find("ip_addr") == std::string::npos);  // a GO's event has none
    const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    // Device i joins with the GO's PIN: its P2P-GROUP-STARTED, and the GO's AP-STA-CONNECTED.
    auto join = [&](std::size_t i) {
        CHECK(p.cmd_on(0, go_if, "WPS_PIN any 12345670") == "12345670");
        p.out[i].clear();
        const std::size_t from = p.out[0].size();
        CHECK(p.cmd(i, "P2P_CONNECT " + a + " 12345670 join") == "OK\n");
        const auto started = p.wait(i, "P2P-GROUP-STARTED", 20s);
        REQUIRE(started);
        REQUIRE(p.w.run_until([&] { return !events_of(p, 0, from, {"AP-STA-CONNECTED"}).empty(); },
                              5s));
        return std::pair{started->second, events_of(p, 0, from, {"AP-STA-CONNECTED"}).front()};
    };
    auto leave = [&](std::size_t i) {
        const std::size_t from = p.out[0].size();
        CHECK(p.cmd(i, "P2P_GROUP_REMOVE *") == "OK\n");
        REQUIRE(p.w.run_until(
            [&] { return !events_of(p, 0, from, {"AP-STA-DISCONNECTED"}).empty(); }, 5s));
    };
    const std::string dev1 = p.w.addr(1).to_string(), dev2 = p.w.addr(2).to_string();
    const std::string allocated = " ip_mask=255.255.255.0 go_ip_addr=192.168.49.1";
    // The first client gets the pool's first address, after the other fields
    // (wpas_p2p_completed's ip_addr text).
    auto [started1, connected1] = join(1);
    CHECK(started1.ends_with(" go_dev_addr=" + a + " ip_addr=192.168.49.200" + allocated));
    CHECK(connected1.ends_with(" p2p_dev_addr=" + dev1 + " ip_addr=192.168.49.200"));
    // Its GO's P2P element says it allocates: Group Owner, Intra-BSS, IP address allocation.
    CHECK(field(p.cmd(1, "P2P_PEER " + a), "group_capab") == "0x89");
    // The second client the next one.
    auto [started2, connected2] = join(2);
    CHECK(started2.ends_with(" ip_addr=192.168.49.201" + allocated));
    CHECK(connected2.ends_with(" p2p_dev_addr=" + dev2 + " ip_addr=192.168.49.201"));
    // The first leaves and comes back: its address was released, the only free one.
    leave(1);
    auto [again, connected_again] = join(1);
    CHECK(again.ends_with(" ip_addr=192.168.49.200" + allocated));
    CHECK(connected_again.ends_with(" ip_addr=192.168.49.200"));
    // Not asking: no request KDE in M2, so no address on either side.
    leave(1);
    CHECK(p.cmd(1, "P2P_SET disable_ip_addr_req 1") == "OK\n");
    CHECK(p.w.engine(1).settings().disable_ip_addr_req);
    auto [legacy, connected_legacy] = join(1);
    CHECK(legacy.find("ip_addr") == std::string::npos);
    CHECK(legacy.ends_with(" go_dev_addr=" + a));
    CHECK(connected_legacy.ends_with(" p2p_dev_addr=" + dev1));
    // FLUSH asks again (wpa_supplicant_ctrl_iface_flush clears p2p_disable_ip_addr_req).
    CHECK(p.cmd(1, "FLUSH") == "OK\n");
    CHECK_FALSE(p.w.engine(1).settings().disable_ip_addr_req);
}

TEST_CASE(
    "A GO without ip_addr_* advertises no allocation and its clients' events have no "
    "addresses",
    "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string();
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(go);
    const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    CHECK(p.cmd_on(0, go_if, "WPS_PIN any 12345670") == "12345670");
    CHECK(p.cmd(1, "P2P_CONNECT " + a + " 12345670 join") == "OK\n");
    const auto started = p.wait(1, "P2P-GROUP-STARTED", 20s);
    REQUIRE(started);
    const auto connected = p.wait(0, "AP-STA-CONNECTED");
    REQUIRE(connected);
    CHECK(started->second.ends_with(" go_dev_addr=" + a));
    CHECK(connected->second.find("ip_addr") == std::string::npos);
    CHECK(field(p.cmd(1, "P2P_PEER " + a), "group_capab") == "0x9");
}

TEST_CASE(
    "P2P_STOP_FIND forgets a pending negotiation or invitation - auth takes a peer heard only "
    "probing - an unusable freq= is FAIL-CHANNEL-UNSUPPORTED first",
    "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const std::string a0 = p.w.addr(0).to_string(), a1 = p.w.addr(1).to_string();
    // wpas_p2p_setup_freqs runs before the peer is looked up.
    CHECK(p.cmd(0, "P2P_CONNECT 02:00:00:00:77:77 pin freq=3000") ==
          ctrl::replies::channel_unsupported);
    CHECK(p.cmd(0, "P2P_CONNECT 02:00:00:00:77:77 pbc auth") == "FAIL\n");
    // Device 0 only listens: it hears device 1's probe requests, never a probe response.
    CHECK(p.cmd(0, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] { return p.cmd(0, "P2P_PEER " + a1).find("[PROBE_REQ_ONLY]") != std::string::npos; },
        20s));
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc join auth") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc auth") == "OK\n");
    CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");

    // A negotiation the peer does not answer yet: P2P_STOP_FIND ends it without an event.
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until([&] { return p.w.knows(0, 1) && p.w.knows(1, 0); }, 20s));
    CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
    const auto radio1 = p.w.port(1);
    const auto radio0 = p.w.port(0);
    p.w.air.set_link(radio0, radio1, 1.0);  // device 1 hears nothing from 0
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc") == "OK\n");
    p.w.run(1s);
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state").starts_with("CONNECT"));
    CHECK(p.cmd(0, "P2P_LISTEN") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state") == "IDLE");
    CHECK(p.cmd(0, "P2P_LISTEN") == "OK\n");
    p.w.run(130s);  // past the 120 requests a negotiation would have sent
    CHECK_FALSE(p.wait(0, "P2P-GO-NEG-FAILURE", 1ms));
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");

    // The same for an invitation (to a peer found again: 130 s is past a peer's expiry).
    p.w.air.set_link(radio0, radio1, 0.0);
    CHECK(p.cmd(1, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] {
            const auto peer = p.cmd(0, "P2P_PEER " + a1);
            return peer != "FAIL\n" && peer.find("[PROBE_REQ_ONLY]") == std::string::npos;
        },
        20s));
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");
    p.w.air.set_link(radio0, radio1, 1.0);
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    const auto started = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(started);
    const std::string group_if = started->second.substr(18, started->second.find(' ', 18) - 18);
    CHECK(p.cmd(0, "P2P_INVITE group=" + group_if + " peer=" + a1) == "OK\n");
    p.w.run(1s);
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state").starts_with("INVITE"));
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state") == "IDLE");
    p.w.run(60s);
    CHECK_FALSE(p.wait(0, "P2P-INVITATION-RESULT", 1ms));
}

TEST_CASE("P2P_CANCEL, P2P_UNAUTHORIZE, P2P_GROUP_MEMBER and P2P_REMOVE_CLIENT",
          "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const std::string a0 = p.w.addr(0).to_string(), a1 = p.w.addr(1).to_string();
    CHECK(p.cmd(0, "P2P_CANCEL") == "FAIL\n");             // nothing to cancel
    CHECK(p.cmd(0, "P2P_UNAUTHORIZE " + a1) == "FAIL\n");  // not a known peer
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until([&] { return p.w.knows(0, 1) && p.w.knows(1, 0); }, 20s));
    CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");

    // A negotiation device 1 does not hear: P2P_CANCEL ends it without an event, and the peer
    // is no longer authorised (its own request then only asks the user).
    const auto radio0 = p.w.port(0);
    const auto radio1 = p.w.port(1);
    p.w.air.set_link(radio0, radio1, 1.0);
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc") == "OK\n");
    p.w.run(1s);
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state").starts_with("CONNECT"));
    CHECK(p.cmd(0, "P2P_CANCEL") == "OK\n");
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state") == "IDLE");
    CHECK(p.cmd(0, "P2P_CANCEL") == "FAIL\n");
    p.w.air.set_link(radio0, radio1, 0.0);
    CHECK(p.cmd(0, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(1, "P2P_CONNECT " + a0 + " pbc") == "OK\n");
    CHECK(p.wait(0, "P2P-GO-NEG-REQUEST " + a1));
    CHECK_FALSE(p.wait(0, "P2P-GO-NEG-SUCCESS", 2s));
    CHECK(p.cmd(1, "P2P_CANCEL") == "OK\n");
    p.w.run(125s);  // past every negotiation timer: none was left running
    CHECK_FALSE(p.wait(0, "P2P-GO-NEG-FAILURE", 1ms));
    CHECK_FALSE(p.wait(1, "P2P-GO-NEG-FAILURE", 1ms));
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");  // the peers expired meanwhile
    CHECK(p.cmd(1, "P2P_FIND") == "OK\n");
    const auto full_peer = [&](std::size_t i, const std::string& a) {
        const auto peer = p.cmd(i, "P2P_PEER " + a);
        return peer != "FAIL\n" && peer.find("[PROBE_REQ_ONLY]") == std::string::npos;
    };
    REQUIRE(p.w.run_until([&] { return full_peer(0, a1) && full_peer(1, a0); }, 20s));
    CHECK(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");

    // P2P_UNAUTHORIZE takes back a P2P_CONNECT ... auth the same way.
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc auth") == "OK\n");
    CHECK(p.cmd(0, "P2P_UNAUTHORIZE " + a1) == "OK\n");
    CHECK(p.cmd(0, "P2P_LISTEN") == "OK\n");
    p.out[0].clear();
    CHECK(p.cmd(1, "P2P_CONNECT " + a0 + " pbc") == "OK\n");
    CHECK(p.wait(0, "P2P-GO-NEG-REQUEST " + a1));
    CHECK(p.cmd(1, "P2P_CANCEL") == "OK\n");

    // A group formation (WPS) cancelled on the GO: formation failure, then the removal.
    CHECK(p.cmd(0, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc auth go_intent=15") == "OK\n");
    CHECK(p.cmd(1, "P2P_CONNECT " + a0 + " pbc go_intent=0") == "OK\n");
    REQUIRE(p.wait(0, "P2P-GO-NEG-SUCCESS"));
    p.w.air.set_link(radio0, radio1, 1.0);
    p.w.air.set_link(radio1, radio0, 1.0);
    p.w.run(1s);
    CHECK(p.cmd(0, "P2P_CANCEL") == "OK\n");
    const auto failure = p.wait(0, "P2P-GROUP-FORMATION-FAILURE", 1ms);
    const auto removed = p.wait(0, "P2P-GROUP-REMOVED", 1ms);
    REQUIRE(failure);
    REQUIRE(removed);
    CHECK(removed->second.ends_with(" GO reason=FORMATION_FAILED"));
    CHECK(p.cmd(1, "P2P_CANCEL") == "OK\n");  // the client's formation too
    CHECK(p.wait(1, "P2P-GROUP-FORMATION-FAILURE", 1ms));
    const auto client_removed = p.wait(1, "P2P-GROUP-REMOVED", 1ms);
    REQUIRE(client_removed);
    CHECK(client_removed->second.ends_with(" client reason=FORMATION_FAILED"));
    p.w.air.set_link(radio0, radio1, 0.0);
    p.w.air.set_link(radio1, radio0, 0.0);

    // A group formed: the GO names its client's interface address and removes the client, which
    // ends its group as the GO ending the session.
    for (auto& o : p.out) o.clear();
    CHECK(p.cmd(0, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(0, "P2P_CONNECT " + a1 + " pbc auth go_intent=15") == "OK\n");
    CHECK(p.cmd(1, "P2P_CONNECT " + a0 + " pbc go_intent=0") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(go);
    REQUIRE(p.wait(1, "P2P-GROUP-STARTED"));
    const auto connected = p.wait(0, "AP-STA-CONNECTED");
    REQUIRE(connected);
    const std::string go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    const std::string client_if_addr = connected->second.substr(17, 17);
    CHECK(p.cmd(0, "P2P_CANCEL") == "FAIL\n");  // nothing is forming any more
    CHECK(p.cmd_on(0, go_if, "P2P_GROUP_MEMBER " + a1) == client_if_addr);
    CHECK(p.cmd(0, "P2P_GROUP_MEMBER " + a1) == "FAIL\n");  // not a GO's interface
    CHECK(p.cmd_on(0, go_if, "P2P_GROUP_MEMBER " + a0) == "FAIL\n");
    CHECK(p.cmd(0, "P2P_REMOVE_CLIENT 02:00:00:00:77:77") == "OK\n");  // no such client
    CHECK(p.cmd(0, "P2P_REMOVE_CLIENT " + a1) == "OK\n");
    const auto left = p.wait(1, "P2P-GROUP-REMOVED");
    REQUIRE(left);
    CHECK(left->second.ends_with(" client reason=GO_ENDING_SESSION"));
    CHECK(p.wait(0, "AP-STA-DISCONNECTED " + client_if_addr));
    CHECK(p.cmd_on(0, go_if, "P2P_GROUP_MEMBER " + a1) == "FAIL\n");
}

namespace {
/// Forms a group by PBC with device 0 as GO: the GO's and the client's group interfaces.
template <class Pair>
std::pair<std::string, std::string> form_group(Pair& p) {
    const std::string a0 = p.w.addr(0).to_string(), a1 = p.w.addr(1).to_string();
    REQUIRE(p.cmd(0, "P2P_FIND") == "OK\n");
    REQUIRE(p.cmd(1, "P2P_FIND") == "OK\n");
    REQUIRE(p.w.run_until([&] { return p.w.knows(0, 1) && p.w.knows(1, 0); }, 20s));
    REQUIRE(p.cmd(0, "P2P_CONNECT " + a1 + " pbc auth go_intent=15") == "OK\n");
    REQUIRE(p.cmd(1, "P2P_CONNECT " + a0 + " pbc go_intent=0") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    const auto client = p.wait(1, "P2P-GROUP-STARTED");
    REQUIRE(go);
    REQUIRE(client);
    REQUIRE(p.wait(1, "CTRL-EVENT-CONNECTED"));
    auto ifname = [](const std::string& line) { return line.substr(18, line.find(' ', 18) - 18); };
    return {ifname(go->second), ifname(client->second)};
}
/// The NoA body of the next P2P-PRESENCE-RESPONSE of device 1 after asking with `args`.
template <class Pair>
std::string presence(Pair& p, const std::string& client_if, const std::string& args,
                     const std::string& status) {
    p.out[1].clear();
    REQUIRE(p.cmd_on(1, client_if, "P2P_PRESENCE_REQ" + args) == "OK\n");
    const auto r = p.wait(1, "P2P-PRESENCE-RESPONSE ");
    REQUIRE(r);
    CHECK(r->first == client_if);
    CHECK(field(r->second, "status") == status);
    return field(r->second, "noa");
}
}  // namespace

TEST_CASE("P2P power save by commands: a GO's NoA, OppPS and CT window, and presence requests",
          "[ctrl][session][presence]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto [go_if, client_if] = form_group(p);

    // P2P_PRESENCE_REQ: on an associated client only, with none, two or four values (read
    // as p2p_ctrl_presence_req reads them: odd counts of one or three fail).
    for (const char* bad : {" 100", " 100 200 300"})
        CHECK(p.cmd_on(1, client_if, std::string("P2P_PRESENCE_REQ") + bad) == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "P2P_PRESENCE_REQ") == "FAIL\n");
    CHECK(p.cmd(1, "P2P_PRESENCE_REQ") == "FAIL\n");
    // A GO without a schedule of its own grants it, and answers with an empty NoA.
    CHECK(presence(p, client_if, "", "0") == "0000");
    CHECK(presence(p, client_if, " 50000 102400", "0") == "0000");
    CHECK(presence(p, client_if, " 50000 102400 20000 102400", "0") == "0000");

    // P2P_SET noa on the GO's group interface only, with 2.10's checks.
    CHECK(p.cmd(0, "P2P_SET noa 255,10,51") == "FAIL\n");                // the device interface
    CHECK(p.cmd_on(1, client_if, "P2P_SET noa 255,10,51") == "FAIL\n");  // a client
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 255,10") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 256,10,51") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 0,0,10") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 255,10,103") == "FAIL\n");        // past the interval
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 3000000000,10,51") == "FAIL\n");  // atoi: negative
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 255, 10, 51") == "OK\n");         // atoi skips the blanks
    // Now the GO keeps its schedule: unable to accommodate (5), and its NoA: index 1, no CT
    // window, 255 absences of 51000 µs every 102400 µs.
    const auto noa = presence(p, client_if, " 50000 102400", "5");
    CHECK(noa.starts_with("0100ff38c7000000900100"));
    CHECK(noa.size() == 30);

    // OppPS and the CT window share the second octet; each change takes the next index.
    CHECK(p.cmd_on(0, go_if, "P2P_SET oppps 1") == "OK\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET ctwindow 10") == "OK\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET ctwindow 128") == "FAIL\n");
    CHECK(presence(p, client_if, "", "5").starts_with("038aff38c70000"));
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 0,0,0") == "OK\n");  // absences end, OppPS stays
    CHECK(presence(p, client_if, "", "5") == "048a");
    CHECK(p.cmd_on(0, go_if, "P2P_SET oppps 0") == "OK\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET ctwindow 0") == "OK\n");
    CHECK(presence(p, client_if, "", "0") == "0000");
    // Legacy power save: softmac's stations never doze.
    CHECK(p.cmd_on(1, client_if, "P2P_SET ps 0") == "OK\n");
    CHECK(p.cmd_on(1, client_if, "P2P_SET ps 1") == "FAIL\n");
    // -1 leaves a setting as it is; another negative value is refused.
    CHECK(p.cmd_on(1, client_if, "P2P_SET ps -1") == "OK\n");
    CHECK(p.cmd_on(1, client_if, "P2P_SET ps -2") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET ctwindow -1") == "OK\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET ctwindow -5") == "FAIL\n");
}

TEST_CASE("An rt73 GO has no P2P power save: P2P_SET noa and oppps fail", "[ctrl][presence]") {
    ctrl_pair<test::rt73_usb> p;
    const auto [go_if, client_if] = form_group(p);
    CHECK(p.cmd_on(0, go_if, "P2P_SET noa 255,10,51") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "P2P_SET oppps 1") == "FAIL\n");
    // Nothing was announced: a presence request is granted.
    CHECK(presence(p, client_if, "", "0") == "0000");
}

TEMPLATE_TEST_CASE("CHAN_SWITCH moves a running group with two clients, which follow it",
                   "[ctrl][session][csa]", test::loopback_offloaded_roc, test::rt73_usb) {
    ctrl_pair<TestType, 3> p;
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/csa-" +
                             (std::is_same_v<TestType, test::rt73_usb> ? "rt73" : "loopback") +
                             ".pcap";
    std::optional<std::ofstream> capture(std::in_place, path, std::ios::binary);
    p.w.air.tap(*capture);
    const std::string go_dev = p.w.addr(0).to_string();
    // An autonomous GO on channel 1; both clients find it and join by push button.
    REQUIRE(p.cmd(0, "P2P_GROUP_ADD freq=2412") == "OK\n");
    const auto go = p.wait(0, "P2P-GROUP-STARTED");
    REQUIRE(go);
    const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
    std::string client_if[3];
    for (std::size_t c : {1u, 2u}) {
        REQUIRE(p.cmd(c, "P2P_FIND") == "OK\n");
        REQUIRE(p.w.run_until(
            [&] {
                return p.cmd(c, "P2P_PEER " + go_dev).find("\noper_ssid=DIRECT-") !=
                       std::string::npos;
            },
            20s));
        REQUIRE(p.cmd(c, "P2P_STOP_FIND") == "OK\n");
        // The first by push button, the second by PIN.
        INFO("client " << c);
        if (c == 1) {
            REQUIRE(p.cmd_on(0, go_if, "WPS_PBC") == "OK\n");
            REQUIRE(p.cmd(c, "P2P_CONNECT " + go_dev + " pbc join") == "OK\n");
        } else {
            REQUIRE(p.cmd_on(0, go_if, "WPS_PIN any 12345670") == "12345670");
            REQUIRE(p.cmd(c, "P2P_CONNECT " + go_dev + " 12345670 join") == "OK\n");
        }
        const auto joined = p.wait(c, "P2P-GROUP-STARTED");
        REQUIRE(joined);
        client_if[c] = joined->second.substr(18, joined->second.find(' ', 18) - 18);
        REQUIRE(p.wait(c, "CTRL-EVENT-CONNECTED"));
    }
    REQUIRE(
        p.w.run_until([&] { return field(p.cmd_on(0, go_if, "STATUS"), "freq") == "2412"; }, 1s));
    // Only a GO's interface switches, to a channel it may use, 20 MHz without HT.
    if (go_if != "wlan0") CHECK(p.cmd(0, "CHAN_SWITCH 5 2462") == "FAIL\n");  // the device's
    CHECK(p.cmd_on(1, client_if[1], "CHAN_SWITCH 5 2462") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "CHAN_SWITCH 5") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "CHAN_SWITCH 5 2462 ht") == "FAIL\n");
    CHECK(p.cmd_on(0, go_if, "CHAN_SWITCH 5 5260") == "FAIL\n");  // DFS: not for P2P
    CHECK(p.cmd_on(0, go_if, "CHAN_SWITCH 5 5180") == "FAIL\n");  // another band
    for (auto& o : p.out) o.clear();
    CHECK(p.cmd_on(0, go_if, "CHAN_SWITCH 5 2462") == "OK\n");
    CHECK(p.cmd_on(0, go_if, "CHAN_SWITCH 5 2437") == "FAIL\n");  // one at a time
    const auto started = p.wait(0, "CTRL-EVENT-STARTED-CHANNEL-SWITCH ");
    REQUIRE(started);
    CHECK(started->second ==
          "CTRL-EVENT-STARTED-CHANNEL-SWITCH freq=2462 ht_enabled=0 ch_offset=0 ch_width=20 MHz "
          "(no HT) cf1=2462 cf2=0");
    const auto finished = p.wait(0, "AP-CSA-FINISHED");
    REQUIRE(finished);
    CHECK(finished->first == go_if);
    CHECK(finished->second == "AP-CSA-FINISHED freq=2462 dfs=0");
    // The GO's end of the switch: wpa_supplicant's line, hostapd's (with dfs=), AP-CSA-FINISHED.
    std::vector<std::string> go_lines;
    for (const auto& [to, text] : p.out[0])
        if (to == go_if &&
            (text.starts_with("CTRL-EVENT-CHANNEL-SWITCH ") || text.starts_with("AP-CSA-FINISHED")))
            go_lines.push_back(text);
    CHECK(go_lines ==
          std::vector<std::string>{"CTRL-EVENT-CHANNEL-SWITCH freq=2462 ht_enabled=0 ch_offset=0 "
                                   "ch_width=20 MHz (no HT) cf1=2462 cf2=0",
                                   "CTRL-EVENT-CHANNEL-SWITCH freq=2462 ht_enabled=0 ch_offset=0 "
                                   "ch_width=20 MHz (no HT) cf1=2462 cf2=0 dfs=0",
                                   "AP-CSA-FINISHED freq=2462 dfs=0"});
    for (std::size_t c : {1u, 2u}) {
        CHECK(p.wait(c, "CTRL-EVENT-STARTED-CHANNEL-SWITCH freq=2462"));
        const auto moved = p.wait(c, "CTRL-EVENT-CHANNEL-SWITCH ");
        REQUIRE(moved);
        CHECK(moved->first == client_if[c]);
        CHECK(moved->second ==
              "CTRL-EVENT-CHANNEL-SWITCH freq=2462 ht_enabled=0 ch_offset=0 "
              "ch_width=20 MHz (no HT) cf1=2462 cf2=0");
    }
    // Both clients stay in the group on the new channel: no disconnection over many beacon
    // intervals, the GO still lists them, and the group's STATUS says 2462.
    p.w.run(5s);
    for (std::size_t c : {1u, 2u}) {
        for (const auto& [to, text] : p.out[c]) {
            CHECK_FALSE(text.starts_with("CTRL-EVENT-DISCONNECTED"));
            CHECK_FALSE(text.starts_with("P2P-GROUP-REMOVED"));
        }
        CHECK(field(p.cmd_on(c, client_if[c], "STATUS"), "freq") == "2462");
        CHECK(p.cmd_on(0, go_if, "P2P_GROUP_MEMBER " + p.w.addr(c).to_string()) != "FAIL\n");
    }
    CHECK(field(p.cmd_on(0, go_if, "STATUS"), "freq") == "2462");
    // On the air: the GO's beacons on channel 1 count down 5, 4, 3, 2, 1 to channel 11, and
    // tshark reads them without complaint.
    capture->flush();
    std::vector<std::string> counts;
    int moved = 0;
    for (const auto& r :
         test::tshark_fields(path, {"wlan.csa.new_channel_number", "wlan.csa.channel_switch.count",
                                    "wlan.fc.type_subtype", "_ws.malformed",
                                    "radiotap.channel.freq", "wlan.ds.current_channel"})) {
        CHECK(r[3].empty());
        if (r[0] == "11" && r[2] == "0x0008") {
            CHECK(r[4] == "2412");
            CHECK(r[5] == "1");  // the DS Parameter Set names the channel it is sent on
            if (counts.empty() || counts.back() != r[1]) counts.push_back(r[1]);
        }
        // After the switch the GO's beacons name channel 11 in their DS Parameter Set.
        if (r[2] == "0x0008" && r[4] == "2462") {
            CHECK(r[5] == "11");
            ++moved;
        }
    }
    CHECK(counts == std::vector<std::string>{"5", "4", "3", "2", "1"});
    CHECK(moved > 0);
}

TEST_CASE("A channel switch of one beacon is followed, and a group removed mid-countdown stays put",
          "[ctrl][session][csa]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto [go_if, client_if] = form_group(p);
    const auto freq = field(p.cmd_on(0, go_if, "STATUS"), "freq");
    // A channel of the group's band: the announcement names a channel number only.
    const std::string to = freq.starts_with("24") ? (freq == "2437" ? "2412" : "2437")
                                                  : (freq == "5180" ? "5200" : "5180");
    CHECK(p.cmd_on(0, go_if,
                   std::string("CHAN_SWITCH 1 ") + (freq.starts_with("24") ? "5180" : "2437")) ==
          "FAIL\n");
    // Count 1: one beacon announces it, the next TBTT moves both.
    for (auto& o : p.out) o.clear();
    REQUIRE(p.cmd_on(0, go_if, "CHAN_SWITCH 1 " + to) == "OK\n");
    CHECK(p.wait(0, "AP-CSA-FINISHED freq=" + to, 1s));
    CHECK(p.wait(1, "CTRL-EVENT-CHANNEL-SWITCH freq=" + to, 1s));
    p.w.run(3s);
    CHECK(field(p.cmd_on(1, client_if, "STATUS"), "freq") == to);
    CHECK_FALSE(p.wait(1, "CTRL-EVENT-DISCONNECTED", 1ms));
    // A long countdown ended by the group's removal: no switch happens, and the device goes on.
    for (auto& o : p.out) o.clear();
    REQUIRE(p.cmd_on(0, go_if, "CHAN_SWITCH 50 " + freq) == "OK\n");
    p.w.run(500ms);
    REQUIRE(p.cmd(0, "P2P_GROUP_REMOVE " + go_if) == "OK\n");
    p.w.run(6s);
    CHECK_FALSE(p.wait(0, "AP-CSA-FINISHED", 1ms));
    CHECK_FALSE(p.wait(1, "CTRL-EVENT-CHANNEL-SWITCH ", 1ms));
    CHECK(p.wait(1, "P2P-GROUP-REMOVED", 1ms));
    CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
    CHECK(p.wait(0, "P2P-GROUP-STARTED", 5s));
}

TEST_CASE("INTERFACE_ADD's tab-separated fields", "[ctrl][parse][global]") {
    // wpa_cli sends all eight fields, empty ones included.
    const auto a = ctrl::parse_interface_add("wlan5\t/etc/p.conf\tnl80211\t/run/x\t\t\t\t");
    REQUIRE(a);
    CHECK(a->ifname == "wlan5");
    CHECK(a->confname == "/etc/p.conf");
    CHECK(a->driver == "nl80211");
    CHECK(a->ctrl_interface == "/run/x");
    CHECK_FALSE(a->create);
    CHECK(ctrl::parse_interface_add("wlan5")->confname.empty());
    CHECK(ctrl::parse_interface_add("wlan5\t\t\t\t\t\tcreate\tap")->create);
    CHECK_FALSE(ctrl::parse_interface_add(""));
    CHECK_FALSE(ctrl::parse_interface_add("\tconf"));
    CHECK_FALSE(ctrl::parse_interface_add("wlan5\t\t\t\t\t\tmake"));
    CHECK_FALSE(ctrl::parse_interface_add("wlan5\t\t\t\t\t\tcreate\tmesh"));
}

TEST_CASE(
    "The global control interface routes by IFNAME=, sends P2P commands to the first "
    "device, and adds and removes devices at run time",
    "[ctrl][session][global]") {
    using cfg = test::loopback_offloaded_roc;
    ctrl_pair<cfg> p;
    using device_type = typename ctrl_pair<cfg>::world_type::device_type;
    using interface_type = typename ctrl_pair<cfg>::interface_type;
    // Devices INTERFACE_ADD makes: on the same medium, ports 2, 3, ...
    struct added {
        std::unique_ptr<device_type> dev;
        std::unique_ptr<interface_type> iface;
    };
    std::vector<added> extra;
    std::vector<std::string> removed;
    ctrl::global_interface g;
    g = ctrl::global_interface(
        {[&](const ctrl::interface_add& a) -> result<void> {
             p2p::settings s;
             s.device_name = "Carol";
             const auto index = static_cast<std::uint16_t>(2 + extra.size());
             added d;
             d.dev = std::make_unique<device_type>(p.w.time, p.w.pool, p.w.air, index, s, 77);
             d.iface = std::make_unique<interface_type>(*d.dev->engine, "/run/added");
             g.join(a.ifname, ctrl::member_of(*d.iface));
             extra.push_back(std::move(d));
             return {};
         },
         [&](std::string_view ifname) -> result<void> {
             g.leave(ifname);
             removed.emplace_back(ifname);
             extra.clear();  // the device is destroyed: its timers and radio go with it
             return {};
         },
         {}});
    g.join("wlan0", ctrl::member_of(*p.ifs[0]));
    g.join("wlan1", ctrl::member_of(*p.ifs[1]));

    CHECK(g.handle("PING", false) == "PONG\n");
    // Newest device first, each with its P2P device interface.
    CHECK(g.handle("INTERFACES", false) == "wlan1\np2p-dev-wlan1\nwlan0\np2p-dev-wlan0\n");
    CHECK(g.handle("INTERFACES ctrl", false)
              .starts_with("wlan1 ctrl_iface=/run/test\np2p-dev-wlan1 ctrl_iface=/run/test\n"));
    CHECK(g.handle("IFNAME=wlan1 IFNAME", false) == "wlan1");
    CHECK(g.handle("IFNAME=wlan9 PING", false) == ctrl::replies::no_ifname);
    CHECK(g.handle("BLAH", true) == ctrl::replies::unknown);
    // The P2P commands wpa_supplicant redirects reach the first device: wlan0.
    CHECK(g.handle("P2P_FIND", true) == "OK\n");
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state") == "SEARCH");
    CHECK(field(p.cmd(1, "STATUS"), "p2p_state") == "IDLE");
    CHECK(g.handle("P2P_FIND", false) == ctrl::replies::not_permitted);
    CHECK(g.handle("IFNAME=wlan1 P2P_FIND", true) == "OK\n");
    // STATUS: the P2P device, then each interface's own address.
    const auto st = g.handle("STATUS", false);
    CHECK(st.starts_with("p2p_device_address=" + p.w.addr(0).to_string() +
                         "\np2p_state=SEARCH\nifname=wlan1\naddress="));
    CHECK(st.find("ifname=wlan0\naddress=" + p.w.addr(0).to_string() + "\n") != std::string::npos);
    CHECK(g.handle("TERMINATE", false) == ctrl::replies::not_permitted);

    // A third device, added at run time, finds the other two.
    CHECK(g.handle("INTERFACE_ADD wlan2\t\t\t\t\t\t\t", false) == ctrl::replies::not_permitted);
    CHECK(g.handle("INTERFACE_ADD wlan1", true) == "FAIL\n");  // already there
    CHECK(g.handle("INTERFACE_ADD wlan2\t\tloopback\t\t\t\t\t", true) == "OK\n");
    REQUIRE(extra.size() == 1);
    CHECK(g.handle("INTERFACES", false).starts_with("wlan2\np2p-dev-wlan2\nwlan1\n"));
    CHECK(g.handle("INTERFACES ctrl", false).starts_with("wlan2 ctrl_iface=/run/added\n"));
    CHECK(g.handle("IFNAME=wlan2 P2P_FIND", true) == "OK\n");
    auto& carol = *extra.front().dev;
    CHECK(p.w.run_until(
        [&] {
            return std::count_if(carol.events.begin(), carol.events.end(), [](const auto& e) {
                       return std::holds_alternative<ev::device_found>(e);
                   }) >= 2;
        },
        20s));
    for (std::size_t i = 0; i < 2; ++i) {
        const auto a = p.w.addr(i).to_string();
        CHECK(g.handle("IFNAME=wlan2 P2P_PEER " + a, false).starts_with(a + "\n"));
    }

    // Removing it: only by its own name, and the others run on without it.
    CHECK(g.handle("INTERFACE_REMOVE wlan7", true) == "FAIL\n");
    CHECK(g.handle("INTERFACE_REMOVE wlan2", false) == ctrl::replies::not_permitted);
    CHECK(g.handle("INTERFACE_REMOVE wlan2", true) == "OK\n");
    CHECK(removed == std::vector<std::string>{"wlan2"});
    CHECK(g.handle("INTERFACES", false) == "wlan1\np2p-dev-wlan1\nwlan0\np2p-dev-wlan0\n");
    CHECK(g.handle("IFNAME=wlan2 PING", false) == ctrl::replies::no_ifname);
    p.w.run(10s);  // nothing of the removed device runs any more
    CHECK(p.cmd(0, "PING") == "PONG\n");
}

TEST_CASE(
    "P2P_STOP_FIND reports FIND-STOPPED at once and aborts the search scan, so a find "
    "right after it starts with its own full scan and finds a GO off the social channels",
    "[ctrl][session]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string();
    REQUIRE(p.cmd(0, "P2P_GROUP_ADD freq=2422") == "OK\n");  // channel 3: never a listen channel
    REQUIRE(p.wait(0, "P2P-GROUP-STARTED"));
    REQUIRE(p.cmd(1, "P2P_FIND") == "OK\n");
    p.w.run(30ms);  // into the first scan, which covers every channel
    REQUIRE(p.cmd(1, "P2P_STOP_FIND") == "OK\n");
    REQUIRE_FALSE(p.out[1].empty());
    CHECK(p.out[1].back().second == "P2P-FIND-STOPPED ");  // before any time has passed
    p.out[1].clear();
    REQUIRE(p.cmd(1, "P2P_FIND") == "OK\n");
    // Within one full scan (20 channels, 2.4 and 5 GHz, about 660 ms here): the aborted scan
    // does not hold the radio.
    const auto found = p.wait(1, "P2P-DEVICE-FOUND", 900ms);
    REQUIRE(found);
    CHECK(field(found->second, "p2p_dev_addr") == a);
    CHECK(field(p.cmd(1, "P2P_PEER " + a), "oper_freq") == "2422");
}

TEST_CASE(
    "P2P_LISTEN goes on after the device sent a provision discovery request on another "
    "channel, so a third device finds it",
    "[ctrl][session]") {
    test::p2p_world<test::loopback_offloaded_roc, recording_relay> w(3, 19);
    REQUIRE(w.engine(0).set_listen_channel(1));
    REQUIRE(w.engine(1).set_listen_channel(11));
    test::discover(w, 0, 1);  // B stays listening on channel 11
    REQUIRE(w.engine(0).listen());
    w.run(100ms);
    REQUIRE(w.engine(0).prov_disc(w.addr(1), p2p::wps_method::pbc, false));
    REQUIRE(w.run_until([&] { return w[0].template count<ev::prov_disc_pbc_resp>() == 1; }, 5s));
    CHECK(w.engine(0).current() == p2p::state::listen_only);
    w.engine(1).stop_find();
    REQUIRE(w.engine(2).find());
    CHECK(w.run_until([&] { return w.knows(2, 0); }, 10s));
}

TEMPLATE_TEST_CASE("A station joins a mode=2 AP by network commands, open and WPA2-PSK",
                   "[ctrl][session][station]", test::loopback_offloaded_roc, test::rt73_usb) {
    ctrl_pair<TestType> p;
    const bool psk = GENERATE(false, true);
    INFO((psk ? "WPA2-PSK" : "open"));
    const auto security =
        psk ? std::pair<std::string_view, std::string_view>{"psk", "\"station secret\""}
            : std::pair<std::string_view, std::string_view>{"key_mgmt", "NONE"};
    // Device 1 runs the network as its AP: it scans first, finds no station network, starts.
    const auto ap = add_network(
        p, 1, {{"ssid", "\"softmac-ap\""}, {"mode", "2"}, {"frequency", "2422"}, security});
    CHECK(p.cmd(1, "LIST_NETWORKS") ==
          "network id / ssid / bssid / flags\n" + ap + "\tsoftmac-ap\tany\t[DISABLED]\n");
    CHECK(p.cmd(1, "ENABLE_NETWORK " + ap) == "OK\n");
    const auto connected_ap = p.wait(1, "CTRL-EVENT-CONNECTED");
    REQUIRE(connected_ap);
    CHECK(events_of(p, 1, 0, {"CTRL-EVENT-SCAN-STARTED", "AP-ENABLED", "CTRL-EVENT-CONNECTED"})
              .front() == "CTRL-EVENT-SCAN-STARTED ");
    CHECK(p.wait(1, "AP-ENABLED"));
    const std::string ap_status = p.cmd(1, "STATUS");
    const std::string ap_addr = status_line(ap_status, "address");
    CHECK(connected_ap->second ==
          "CTRL-EVENT-CONNECTED - Connection to " + ap_addr + " completed [id=" + ap + " id_str=]");
    CHECK(ap_status.starts_with("bssid=" + ap_addr + "\nfreq=2422\nssid=softmac-ap\nid=" + ap +
                                "\nmode=AP\n"));
    CHECK(ap_status.find("wpa_state=COMPLETED\n") != std::string::npos);

    // Device 0 sees it in a scan of its own.
    CHECK(p.cmd(0, "STATUS").starts_with("wpa_state=DISCONNECTED\n"));
    CHECK(p.cmd(0, "GET_CAPABILITY pairwise") == "CCMP");
    CHECK(p.cmd(0, "GET_CAPABILITY key_mgmt") == "NONE IEEE8021X WPA-PSK");
    CHECK(p.cmd(0, "GET_CAPABILITY modes").find("AP") != std::string::npos);
    CHECK(p.cmd(0, "GET_CAPABILITY channels").starts_with("Mode[G] Channels: 1 2 3 4 5 6"));
    CHECK(p.cmd(0, "GET_CAPABILITY freq").find("\n 6 = 2437 MHz\n") != std::string::npos);
    CHECK(p.cmd(0, "GET_CAPABILITY eap") == "FAIL\n");
    CHECK(p.cmd(0, "SCAN use_id=1") == "1\n");
    CHECK(p.cmd(0, "SCAN") == "FAIL-BUSY\n");
    REQUIRE(p.wait(0, "CTRL-EVENT-SCAN-RESULTS"));
    CHECK(events_of(p, 0, 0, {"CTRL-EVENT-SCAN-"}) ==
          std::vector<std::string>{"CTRL-EVENT-SCAN-STARTED id=1", "CTRL-EVENT-SCAN-RESULTS id=1"});
    // A scan the radio refuses while a P2P search scans is accepted, reported failed and run
    // once the radio is free (wpas_trigger_scan_cb's retry).
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    const std::size_t refused_at = p.out[0].size();
    CHECK(p.cmd(0, "SCAN use_id=1") == "2\n");
    CHECK(events_of(p, 0, refused_at, {"CTRL-EVENT-SCAN-"}) ==
          std::vector<std::string>{"CTRL-EVENT-SCAN-FAILED ret=-16 retry=1"});
    CHECK(p.cmd(0, "P2P_STOP_FIND") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] { return events_of(p, 0, refused_at, {"CTRL-EVENT-SCAN-RESULTS"}).size() == 1; }, 5s));
    CHECK(events_of(p, 0, refused_at, {"CTRL-EVENT-SCAN-STARTED", "CTRL-EVENT-SCAN-RESULTS"}) ==
          std::vector<std::string>{"CTRL-EVENT-SCAN-STARTED id=2", "CTRL-EVENT-SCAN-RESULTS id=2"});
    const std::string results = p.cmd(0, "SCAN_RESULTS");
    INFO(results);
    const std::string flags = psk ? "[WPA2-PSK-CCMP][ESS]" : "[ESS]";
    CHECK(results.starts_with("bssid / frequency / signal level / flags / ssid\n"));
    CHECK(results.find(ap_addr + "\t2422\t") != std::string::npos);
    CHECK(results.find("\t" + flags + "\tsoftmac-ap\n") != std::string::npos);
    const std::string entry = p.cmd(0, "BSS " + ap_addr);
    CHECK(entry.starts_with("id="));
    CHECK(entry.find("\nbssid=" + ap_addr + "\nfreq=2422\nbeacon_int=100\n") != std::string::npos);
    CHECK(entry.find("\nflags=" + flags + "\nssid=softmac-ap\n") != std::string::npos);
    // The TSF of the AP's last beacon heard, as print_bss_info prints it (%016llu).
    const std::string tsf = field(entry, "tsf");
    CHECK(tsf.size() == 16);
    CHECK(tsf.find_first_not_of("0123456789") == std::string::npos);
    CHECK(std::stoull(tsf) > 0);
    CHECK(p.cmd(0, "BSS " + field(entry, "id") + " MASK=0x2") == "bssid=" + ap_addr + "\n");
    CHECK(p.cmd(0, "BSS 02:00:00:00:00:99").empty());  // not found: an empty reply
    CHECK(
        events_of(p, 0, 0, {"CTRL-EVENT-BSS-ADDED " + field(entry, "id") + " " + ap_addr}).size() ==
        1);

    // A network asking for the other security does not match the BSS (wpa_scan_res_match).
    const std::size_t wrong_mark = p.out[0].size();
    const auto other = psk ? std::pair<std::string_view, std::string_view>{"key_mgmt", "NONE"}
                           : std::pair<std::string_view, std::string_view>{"psk", "\"12345678\""};
    const auto wrong = add_network(p, 0, {{"ssid", "\"softmac-ap\""}, other});
    CHECK(p.cmd(0, "SELECT_NETWORK " + wrong) == "OK\n");
    REQUIRE(p.wait(0, "CTRL-EVENT-NETWORK-NOT-FOUND"));
    CHECK(events_of(p, 0, wrong_mark, {"Trying"}).empty());
    CHECK(p.cmd(0, "REMOVE_NETWORK " + wrong) == "OK\n");
    if (psk) {
        // A wrong passphrase: the 4-way handshake fails, the network rests 10 s
        // (wpas_auth_failed), and no connection is made.
        const std::size_t key_mark = p.out[0].size();
        const auto bad =
            add_network(p, 0, {{"ssid", "\"softmac-ap\""}, {"psk", "\"not the key\""}});
        CHECK(p.cmd(0, "SELECT_NETWORK " + bad) == "OK\n");
        const auto rest = p.wait(0, "CTRL-EVENT-SSID-TEMP-DISABLED", 30s);
        for (std::size_t k = key_mark; k < p.out[0].size(); ++k) UNSCOPED_INFO(p.out[0][k].second);
        REQUIRE(rest);
        CHECK(rest->second ==
              "CTRL-EVENT-SSID-TEMP-DISABLED id=" + bad +
                  " ssid=\"softmac-ap\" auth_failures=1 duration=10 reason=WRONG_KEY");
        CHECK(events_of(p, 0, key_mark, {"WPA: 4-Way Handshake failed"}).size() == 1);
        CHECK(events_of(p, 0, key_mark, {"CTRL-EVENT-CONNECTED"}).empty());
        CHECK(p.cmd(0, "REMOVE_NETWORK " + bad) == "OK\n");
        p.out[0].erase(p.out[0].begin() + static_cast<std::ptrdiff_t>(key_mark), p.out[0].end());
    }

    // Joined by commands only: the events in wpa_supplicant's order.
    const std::size_t mark = p.out[0].size();
    const auto sta = add_network(p, 0, {{"ssid", "\"softmac-ap\""}, security});
    CHECK(p.cmd(0, "SELECT_NETWORK " + sta) == "OK\n");
    const auto connected = p.wait(0, "CTRL-EVENT-CONNECTED");
    REQUIRE(connected);
    CHECK(connected->second == "CTRL-EVENT-CONNECTED - Connection to " + ap_addr +
                                   " completed [id=" + sta + " id_str=]");
    std::vector<std::string> expected{
        "CTRL-EVENT-SCAN-STARTED ", "CTRL-EVENT-SCAN-RESULTS ",
        "Trying to associate with " + ap_addr + " (SSID='softmac-ap' freq=2422 MHz)",
        "Associated with " + ap_addr, "CTRL-EVENT-SUBNET-STATUS-UPDATE status=0"};
    if (psk)
        expected.push_back("WPA: Key negotiation completed with " + ap_addr +
                           " [PTK=CCMP GTK=CCMP]");
    expected.push_back(connected->second);
    CHECK(events_of(p, 0, mark,
                    {"CTRL-EVENT-SCAN-", "Trying", "Associated", "CTRL-EVENT-SUBNET",
                     "WPA:", "CTRL-EVENT-CONNECTED"}) == expected);
    const std::string st = p.cmd(0, "STATUS");
    CHECK(st.starts_with("bssid=" + ap_addr + "\nfreq=2422\nssid=softmac-ap\nid=" + sta +
                         "\nmode=station\n" +
                         (psk ? "pairwise_cipher=CCMP\ngroup_cipher=CCMP\nkey_mgmt=WPA2-PSK\n"
                              : "pairwise_cipher=NONE\ngroup_cipher=NONE\nkey_mgmt=NONE\n") +
                         "wpa_state=COMPLETED\n"));
    CHECK(p.cmd(0, "LIST_NETWORKS").find("\n" + sta + "\tsoftmac-ap\tany\t[CURRENT]\n") !=
          std::string::npos);
    const std::string sta_addr = status_line(st, "address");
    const auto joined = p.wait(1, "AP-STA-CONNECTED");
    REQUIRE(joined);
    CHECK(joined->second == "AP-STA-CONNECTED " + sta_addr);
    // The AP's station walk (wpa_cli all_sta): the station, then FAIL.
    const std::string first = p.cmd(1, "STA-FIRST");
    INFO(first);
    CHECK(first.starts_with(sta_addr + "\nflags=[AUTH][ASSOC][AUTHORIZED]\naid=1\n"));
    CHECK(first.find("\nrx_packets=") != std::string::npos);
    CHECK(p.cmd(1, "STA " + sta_addr) == first);
    CHECK(p.cmd(1, "STA-NEXT " + sta_addr) == "FAIL\n");
    CHECK(p.cmd(0, "STA-FIRST") == "FAIL\n");  // a station has no stations
    CHECK(p.cmd(0, "BSS CURRENT MASK=0x2") == "bssid=" + ap_addr + "\n");
    // PKTCNT_POLL: the AP's entry on the station; the AP itself is no station (FAIL).
    const std::string counts = p.cmd(0, "PKTCNT_POLL");
    INFO(counts);
    CHECK(counts.starts_with("TXGOOD="));
    CHECK(counts.find("\nTXBAD=") != std::string::npos);
    CHECK(std::stoul(field("\n" + counts, "\nRXGOOD")) >= (psk ? 2u : 0u));  // EAPOL 1 and 3
    CHECK(p.cmd(1, "PKTCNT_POLL") == "FAIL\n");
    const std::string drv = p.cmd(0, "STATUS-DRIVER");
    INFO(drv);
    CHECK(drv.find("\nifname=wlan0\nbrname=\naddr=" + sta_addr + "\n") != std::string::npos);
    CHECK(drv.find("\nbssid=" + ap_addr +
                   "\nprev_bssid=00:00:00:00:00:00\nassociated=1\n"
                   "assoc_freq=2422\n") != std::string::npos);
    CHECK(p.cmd(1, "STATUS-DRIVER").find("\nbeacon_set=1\n") != std::string::npos);
    CHECK(p.cmd_on(0, "p2p-wlan9-0", "STATUS-DRIVER") == "FAIL\n");
    if constexpr (!std::is_same_v<TestType, test::rt73_usb>) {
        // A GO of the same radio shares the station's channel (one channel at a time).
        CHECK(p.cmd(0, "P2P_GROUP_ADD freq=2412") == "FAIL\n");
        CHECK(p.cmd(0, "P2P_GROUP_ADD") == "OK\n");
        const auto go = p.wait(0, "P2P-GROUP-STARTED");
        REQUIRE(go);
        CHECK(field(go->second, "freq") == "2422");
        // The station commands are the station interface's, not a group's.
        const auto go_if = go->second.substr(18, go->second.find(' ', 18) - 18);
        CHECK(p.cmd_on(0, go_if, "DISCONNECT") == "FAIL\n");
        CHECK(p.cmd_on(0, go_if, "SCAN") == "FAIL\n");
        CHECK(p.cmd(0, "P2P_GROUP_REMOVE " +
                           go->second.substr(18, go->second.find(' ', 18) - 18)) == "OK\n");
    }
    const auto scans = events_of(p, 0, 0, {"CTRL-EVENT-SCAN-RESULTS"}).size();
    CHECK(p.cmd(0, "SCAN") == "OK\n");  // connected: a scan is allowed and changes nothing
    REQUIRE(p.w.run_until(
        [&] { return events_of(p, 0, 0, {"CTRL-EVENT-SCAN-RESULTS"}).size() == scans + 1; }, 5s));
    CHECK(p.cmd(0, "STATUS").find("wpa_state=COMPLETED\n") != std::string::npos);

    // DISCONNECT: one locally generated event, no rescan; RECONNECT joins again.
    const std::size_t before = p.out[0].size();
    CHECK(p.cmd(0, "DISCONNECT") == "OK\n");
    p.w.run(3s);
    CHECK(events_of(p, 0, before, {"CTRL-EVENT-"}) ==
          std::vector<std::string>{"CTRL-EVENT-DISCONNECTED bssid=" + ap_addr +
                                   " reason=3 locally_generated=1"});
    CHECK(p.cmd(0, "STATUS").starts_with("wpa_state=DISCONNECTED\n"));
    CHECK(p.wait(1, "AP-STA-DISCONNECTED " + sta_addr));
    CHECK(p.cmd(0, "RECONNECT") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] { return events_of(p, 0, before, {"CTRL-EVENT-CONNECTED"}).size() == 1; }, 10s));
    // REASSOCIATE connects again without a disconnection event (the new CONNECT replaces it).
    const std::size_t again = p.out[0].size();
    CHECK(p.cmd(0, "REASSOCIATE") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] { return events_of(p, 0, again, {"CTRL-EVENT-CONNECTED"}).size() == 1; }, 10s));
    CHECK(events_of(p, 0, again, {"CTRL-EVENT-DISCONNECTED"}).empty());

    // The AP's network disabled: the station loses it (the AP's deauthentication) and tries its
    // BSS again while the radio's results keep it (30 s), backing off, then looks for it every
    // 5 s.
    const std::size_t gone = p.out[0].size();
    CHECK(p.cmd(1, "DISABLE_NETWORK " + ap) == "OK\n");
    CHECK(p.cmd(1, "STATUS").starts_with("wpa_state="));
    const bool not_found = p.w.run_until(
        [&] { return events_of(p, 0, gone, {"CTRL-EVENT-NETWORK-NOT-FOUND"}).size() == 2; }, 60s);
    for (std::size_t k = gone; k < p.out[0].size(); ++k) UNSCOPED_INFO(p.out[0][k].second);
    REQUIRE(not_found);
    CHECK(events_of(p, 0, gone, {"CTRL-EVENT-DISCONNECTED"}) ==
          std::vector<std::string>{"CTRL-EVENT-DISCONNECTED bssid=" + ap_addr + " reason=3"});
    // The AP back: found again; with STA_AUTOCONNECT 0 a lost connection is not looked for.
    CHECK(p.cmd(1, "ENABLE_NETWORK " + ap) == "OK\n");
    const std::size_t back = p.out[0].size();
    REQUIRE(p.w.run_until(
        [&] { return events_of(p, 0, back, {"CTRL-EVENT-CONNECTED"}).size() == 1; }, 30s));
    CHECK(p.cmd(0, "STA_AUTOCONNECT 0") == "OK\n");
    CHECK(p.cmd(1, "DISABLE_NETWORK " + ap) == "OK\n");
    REQUIRE(p.w.run_until(
        [&] { return events_of(p, 0, back, {"CTRL-EVENT-DISCONNECTED"}).size() == 1; }, 10s));
    const std::size_t lost = p.out[0].size();
    p.w.run(12s);
    CHECK(events_of(p, 0, lost, {"CTRL-EVENT-SCAN-STARTED"}).empty());
    CHECK(p.cmd(0, "STA_AUTOCONNECT 1") == "OK\n");
    // REMOVE_NETWORK of the network it would look for leaves nothing to look for.
    CHECK(p.cmd(0, "REMOVE_NETWORK " + sta) == "OK\n");
    CHECK(p.cmd(0, "RECONNECT") == "OK\n");
    const std::size_t removed = p.out[0].size();
    p.w.run(12s);
    CHECK(events_of(p, 0, removed, {"CTRL-EVENT-SCAN-STARTED"}).empty());
    CHECK(p.cmd(0, "STATUS").starts_with("wpa_state=INACTIVE\n"));
    CHECK(p.cmd(0, "REATTACH") == "FAIL\n");   // no network
    CHECK(p.cmd(0, "TERMINATE") == "FAIL\n");  // no process to end here
    CHECK(p.cmd(0, "TERMINATE", false) == "FAIL-NOT-PERMITTED\n");

    // ABORT_SCAN ends a running scan only; BSS_FLUSH 0 forgets every BSS not in use.
    CHECK(p.cmd(0, "ABORT_SCAN") == "FAIL\n");
    CHECK(p.cmd(0, "SCAN_INTERVAL -1") == "FAIL\n");
    CHECK(p.cmd(0, "SCAN_INTERVAL 10") == "OK\n");
    const std::size_t done = events_of(p, 0, 0, {"CTRL-EVENT-SCAN-RESULTS"}).size();
    CHECK(p.cmd(0, "SCAN") == "OK\n");
    CHECK(p.cmd(0, "ABORT_SCAN") == "OK\n");
    REQUIRE(p.w.run_until(
        [&] { return events_of(p, 0, 0, {"CTRL-EVENT-SCAN-RESULTS"}).size() == done + 1; }, 2s));
    CHECK(p.cmd(0, "ABORT_SCAN") == "FAIL\n");
    CHECK(p.cmd(0, "SCAN_RESULTS") != "bssid / frequency / signal level / flags / ssid\n");
    CHECK(p.cmd(0, "BSS_FLUSH 0") == "OK\n");
    CHECK(p.cmd(0, "SCAN_RESULTS") == "bssid / frequency / signal level / flags / ssid\n");
    CHECK_FALSE(events_of(p, 0, 0, {"CTRL-EVENT-BSS-REMOVED"}).empty());
}

// ---- service discovery -----------------------------------------------------------------------

TEST_CASE("The service discovery commands' forms, and every malformed one fails",
          "[ctrl][parse][sd]") {
    const auto r = as<ctrl::cmd::serv_disc_req>(
        ctrl::parse("P2P_SERV_DISC_REQ 00:00:00:00:00:00 upnp 10 ssdp:all"));
    CHECK_FALSE(r.peer);
    CHECK(to_hex(r.tlvs) == "0b00020110737364703a616c6c");
    const auto d =
        as<ctrl::cmd::serv_disc_req>(ctrl::parse("P2P_SERV_DISC_REQ 02:00:00:00:0b:01 02000001"));
    CHECK(*d.peer == peer_addr);
    CHECK(to_hex(d.tlvs) == "02000001");
    CHECK(as<ctrl::cmd::serv_disc_cancel>(ctrl::parse("P2P_SERV_DISC_CANCEL_REQ 5d1000")).ref ==
          0x5d1000);
    const auto resp = as<ctrl::cmd::serv_disc_resp>(
        ctrl::parse("P2P_SERV_DISC_RESP 2437 02:00:00:00:0b:01 7 0300000101"));
    CHECK(resp.freq == 2437);
    CHECK(resp.to == peer_addr);
    CHECK(resp.token == 7);
    CHECK(to_hex(resp.tlvs) == "0300000101");
    CHECK(as<ctrl::cmd::serv_disc_external>(ctrl::parse("P2P_SERV_DISC_EXTERNAL 1")).on);
    const auto add = as<ctrl::cmd::service_change>(
        ctrl::parse("P2P_SERVICE_ADD upnp 10 uuid:1::urn:schemas-upnp-org:service:Printer:1"));
    CHECK(add.version == 0x10);
    CHECK(add.service == "uuid:1::urn:schemas-upnp-org:service:Printer:1");
    const auto bonjour = as<ctrl::cmd::service_change>(
        ctrl::parse("P2P_SERVICE_ADD bonjour 045f697070c00c000c01 094d795072696e746572c027"));
    CHECK(bonjour.bonjour);
    CHECK(to_hex(bonjour.rdata) == "094d795072696e746572c027");
    for (auto bad : {
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55",            // no TLVs
             "P2P_SERV_DISC_REQ 00:11:22:33:44:5 02000001",    // a short address
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55 020000011",  // odd hex
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55 0200000g",   // not hex
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55 upnp 1 ssdp:all",
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55 upnp 10",
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55 upnp 10ssdp:all",
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55 wifi-display [source] 2",     // no Wi-Fi Display
             "P2P_SERV_DISC_REQ 00:11:22:33:44:55 asp 1 org.wi-fi.wfds.print",  // no P2PS
             "P2P_SERV_DISC_CANCEL_REQ qq",
             "P2P_SERV_DISC_CANCEL_REQ 100000000005d1000",               // over 64 bits
             "P2P_SERV_DISC_REQ 00-00-00-00-00-00 02000001",             // hwaddr_aton: colons only
             "P2P_SERV_DISC_RESP 67948 00:11:22:33:44:55 1 0300000101",  // not a frequency
             "P2P_SERV_DISC_RESP 0 00:11:22:33:44:55 1 0300000101",      // frequency 0
             "P2P_SERV_DISC_RESP 2412",
             "P2P_SERV_DISC_RESP 2412 00:11:22:33:44:55 1",  // no TLVs
             "P2P_SERV_DISC_RESP 2412 00:11:22:33:44:55 1 030",
             "P2P_SERV_DISC_RESP 2412 00:11:22:33:44 1 0300000101",
             "P2P_SERV_DISC_EXTERNAL 2",
             "P2P_SERV_DISC_EXTERNAL ",
             "P2P_SERVICE_ADD bonjour 0102",  // no RDATA
             "P2P_SERVICE_ADD bonjour 010 02",
             "P2P_SERVICE_ADD bonjour 01 0x",
             "P2P_SERVICE_ADD upnp 1 uuid:1",
             "P2P_SERVICE_ADD upnp 10",
             "P2P_SERVICE_ADD dns 10 x",
             "P2P_SERVICE_ADD asp 1 a1 1 108 org.wi-fi.wfds.print",
             "P2P_SERVICE_ADD upnp",
             "P2P_SERVICE_DEL bonjour 0g",
             "P2P_SERVICE_DEL upnp 1g x",
             "P2P_SERVICE_DEL asp all",
             "P2P_SERVICE_REP asp 1 a1 1 108 org.wi-fi.wfds.print",
         })
        CHECK(refusal(bad) == ctrl::replies::fail);
    // Without their space these are no commands at all, as in 2.10.
    CHECK(refusal("P2P_SERV_DISC_EXTERNAL") == ctrl::replies::unknown);
    CHECK(refusal("P2P_SERVICE_ADD") == ctrl::replies::unknown);
    // Their events are the interface's (wpa_msg_ctrl): IFNAME= on the global socket.
    CHECK_FALSE(
        ctrl::global_event({"P2P-SERV-DISC-RESP 02:00:00:00:0b:01 0 0300000101", ""}, true));
    CHECK_FALSE(
        ctrl::global_event({"P2P-SERV-DISC-REQ 2412 02:00:00:00:0b:01 0 0 02000001", ""}, true));
    CHECK(ctrl::global_event({"P2P-DEVICE-LOST p2p_dev_addr=02:00:00:00:0b:01", ""}, true));
    // A P2P event of a group interface (wpas_presence_resp's wpa_msg on the group) or of another
    // device is the interface's too.
    CHECK_FALSE(ctrl::global_event(
        {"P2P-PRESENCE-RESPONSE src=02:00:00:00:0b:01 status=0 noa=", ""}, false));
    CHECK_FALSE(ctrl::global_event({"P2P-DEVICE-LOST p2p_dev_addr=02:00:00:00:0b:01", ""}, false));
}

TEST_CASE("Service discovery by control commands: references, cancel, the services, the events",
          "[ctrl][session][sd]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto a = p.w.addr(0).to_string(), b = p.w.addr(1).to_string();
    // The reference is lower-case hex without a newline; each query has its own.
    const auto r1 = p.cmd(0, "P2P_SERV_DISC_REQ " + b + " 02000001");
    const auto r2 = p.cmd(0, "P2P_SERV_DISC_REQ 00:00:00:00:00:00 upnp 10 ssdp:all");
    CHECK(r1.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(r1 != r2);
    CHECK(p.cmd(0, "P2P_SERV_DISC_CANCEL_REQ " + r2) == "OK\n");
    CHECK(p.cmd(0, "P2P_SERV_DISC_CANCEL_REQ " + r2) == "FAIL\n");  // not pending any more
    CHECK(p.cmd(0, "P2P_SERV_DISC_CANCEL_REQ ab") == "FAIL\n");
    CHECK(p.cmd(0, "P2P_SERV_DISC_REQ " + b + " 02000001", false) == ctrl::replies::not_permitted);
    // The services: deleting what is not there fails.
    CHECK(p.cmd(1, "P2P_SERVICE_ADD bonjour 045f697070c00c000c01 094d795072696e746572c027") ==
          "OK\n");
    CHECK(p.cmd(1, "P2P_SERVICE_ADD upnp 10 uuid:1::upnp:rootdevice") == "OK\n");
    CHECK(p.cmd(1, "P2P_SERVICE_DEL upnp 10 uuid:2::upnp:rootdevice") == "FAIL\n");
    CHECK(p.cmd(1, "P2P_SERVICE_DEL bonjour 045f697070c00c001001") == "FAIL\n");
    CHECK(p.cmd(1, "P2P_SERVICE_UPDATE") == "OK\n");
    CHECK(p.w.engine(1).services().update_indicator() == 3);
    CHECK(p.cmd(1, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    const auto req = p.wait(1, "P2P-SERV-DISC-REQ");
    REQUIRE(req);
    CHECK(req->second == "P2P-SERV-DISC-REQ " + std::to_string(p.w.engine(1).listen_freq()) + " " +
                             a + " 0 0 02000001");
    const auto resp = p.wait(0, "P2P-SERV-DISC-RESP");
    REQUIRE(resp);
    CHECK(resp->second.starts_with("P2P-SERV-DISC-RESP " + b + " 3 "));
    const auto tlvs = resp->second.substr(resp->second.rfind(' ') + 1);
    CHECK(tlvs ==
          "1900010100045f697070c00c000c01094d795072696e746572c027"
          "1b0002010010" +
              to_hex(as_bytes(std::string_view("uuid:1::upnp:rootdevice"))));
    CHECK(p.cmd(0, "P2P_SERV_DISC_CANCEL_REQ " + r1) == "FAIL\n");  // answered: done
    // After P2P_SERVICE_FLUSH the peer has no protocol at all.
    CHECK(p.cmd(1, "P2P_SERVICE_FLUSH") == "OK\n");
    const std::size_t seen = p.out[0].size();
    CHECK(p.cmd(0, "P2P_SERV_DISC_REQ " + b + " 02000001") != "FAIL\n");
    REQUIRE(
        p.w.run_until([&] { return !events_of(p, 0, seen, {"P2P-SERV-DISC-RESP"}).empty(); }, 20s));
    CHECK(events_of(p, 0, seen, {"P2P-SERV-DISC-RESP"})[0] ==
          "P2P-SERV-DISC-RESP " + b + " 4 0300000101");
    CHECK(field(p.cmd(0, "STATUS"), "p2p_state") == "SEARCH");
}

TEST_CASE("P2P_SERV_DISC_EXTERNAL 1: the application answers by P2P_SERV_DISC_RESP",
          "[ctrl][session][sd]") {
    ctrl_pair<test::loopback_offloaded_roc> p;
    const auto b = p.w.addr(1).to_string();
    CHECK(p.cmd(1, "P2P_SERVICE_ADD upnp 10 uuid:1::upnp:rootdevice") == "OK\n");
    CHECK(p.cmd(1, "P2P_SERV_DISC_EXTERNAL 1") == "OK\n");
    CHECK(p.cmd(0, "P2P_SERV_DISC_REQ " + b + " upnp 10 ssdp:all") != "FAIL\n");
    CHECK(p.cmd(1, "P2P_LISTEN") == "OK\n");
    CHECK(p.cmd(0, "P2P_FIND") == "OK\n");
    const auto req = p.wait(1, "P2P-SERV-DISC-REQ");
    REQUIRE(req);
    // "P2P-SERV-DISC-REQ <freq> <addr> <token> <SUI> <TLVs>": answered as the application would.
    std::istringstream in(req->second);
    std::string word, freq, addr, token;
    in >> word >> freq >> addr >> token;
    CHECK(p.cmd(1, "P2P_SERV_DISC_RESP " + freq + " " + addr + " " + token +
                       " 0b0002010010616263646566") == "OK\n");
    const auto resp = p.wait(0, "P2P-SERV-DISC-RESP");
    REQUIRE(resp);
    CHECK(resp->second == "P2P-SERV-DISC-RESP " + b + " 1 0b0002010010616263646566");
}
