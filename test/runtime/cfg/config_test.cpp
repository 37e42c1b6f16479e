// SPDX-License-Identifier: MIT
// The config layer: every command, reply and event through the netlink form; policy and flag
// checks before the handler; a station joining an AP driven only by netlink messages.
#include <catch2/catch.hpp>

#include <array>
#include <optional>

#include <boost/hana/for_each.hpp>

#include <softmac/cfg/wiphy.hpp>

#include "got.hpp"
#include "mlme_world.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace nl = softmac::cfg::netlink;
namespace hana = boost::hana;
using driver::iftype;

namespace {
const mac_address peer = mac_address::parse("02:00:00:00:0b:0b").value();

/// A sample value for a member of type T, non-default everywhere.
template <class T>
void fill(T& v) {
    if constexpr (cfg::detail::is_optional<T>::value) {
        typename T::value_type x{};
        fill(x);
        v = x;
    } else if constexpr (std::is_same_v<T, bool>) {
        v = true;
    } else if constexpr (std::is_enum_v<T>) {
        v = static_cast<T>(1);
    } else if constexpr (std::is_integral_v<T>) {
        v = static_cast<T>(std::is_signed_v<T> ? -45 : 7);
    } else if constexpr (std::is_same_v<T, mac_address>) {
        v = peer;
    } else if constexpr (std::is_same_v<T, std::string>) {
        v = "wlan12";
    } else if constexpr (std::is_same_v<T, mac::byte_vector>) {
        v.assign(12, 0xd0);
    } else if constexpr (std::is_same_v<T, shared_bytes>) {
        v.assign(std::vector<std::uint8_t>(12, 0xd1));
    } else if constexpr (std::is_same_v<T, std::vector<std::uint16_t>>) {
        v = {2412, 2437};
    } else if constexpr (std::is_same_v<T, std::vector<std::uint32_t>>) {
        v = {0x000fac04, 0x000fac02};
    } else if constexpr (std::is_same_v<T, cfg::sta_flag_update>) {
        v = {1u << NL80211_STA_FLAG_AUTHORIZED, 1u << NL80211_STA_FLAG_AUTHORIZED};
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        v = {"", "net"};
    } else if constexpr (std::is_same_v<T, std::vector<mac_address>>) {
        v = {peer, mac_address::parse("02:00:00:00:0b:0c").value()};
    } else if constexpr (cfg::detail::message_list<T>) {
        v.resize(2);
        for (auto& e : v) fill(e);
    } else {
        hana::for_each(T::fields, [&](auto f) { fill(v.*(f.member)); });
    }
}
template <class T>
void fill_fields(T& msg) {
    hana::for_each(T::fields, [&](auto f) { fill(msg.*(f.member)); });
}
}  // namespace

TEST_CASE("every command round-trips through its netlink form", "[cfg][wire]") {
    std::size_t n = 0;
    hana::for_each(cfg::command_table, [&](auto t) {
        using C = typename decltype(t)::type;
        INFO(int(C::id));
        C in{};
        fill_fields(in);
        std::vector<std::uint8_t> buf(4096);
        const auto wire = cfg::encode(buf, cfg::family, in, 42);
        REQUIRE_FALSE(wire.empty());
        std::optional<nl::violation> why;
        auto d = cfg::nl80211::decode_request(wire, &why);
        INFO((why ? why->why : ""));
        REQUIRE(d);
        CHECK(d->msg.cmd == C::id);
        CHECK(d->msg.seq == 42);
        auto out = cfg::decode<C>(d->msg.attrs);
        REQUIRE(out);
        CHECK(*out == in);
        bool dispatched = false;
        CHECK(cfg::with_command(
            C::id, [&](auto proto) { dispatched = std::is_same_v<decltype(proto), C>; }));
        CHECK(dispatched);
        ++n;
    });
    CHECK(n == cfg::nl80211::commands.size());
    CHECK_FALSE(cfg::with_command(NL80211_CMD_JOIN_MESH, [](auto) {}));
}

TEST_CASE("every event round-trips through its netlink form", "[cfg][wire]") {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        auto one = [&](auto proto) {
            using E = decltype(proto);
            E in{};
            hana::for_each(cfg::wire::event<E>::fields, [&](auto f) { fill(in.*(f.member)); });
            std::vector<std::uint8_t> buf(4096);
            const cfg::wdev_ref to{5, 0x100000001ull};
            const auto wire = cfg::encode_event(buf, 0x1c, 1, to, in);
            auto d = cfg::decode_event(wire);
            REQUIRE(d);
            CHECK(d->wiphy == 1);
            CHECK(d->to == to);
            REQUIRE(std::holds_alternative<E>(d->event));
            CHECK(std::get<E>(d->event) == in);
        };
        (one(std::variant_alternative_t<I, mac::event::any>{}), ...);
    }
    (std::make_index_sequence<std::variant_size_v<mac::event::any>>{});
    // Both ends of a scan are distinct messages.
    std::vector<std::uint8_t> buf(256);
    auto aborted = cfg::encode_event(buf, 0x1c, 0, {}, mac::event::scan_done{0, true});
    CHECK(test::got(nl::message::parse(aborted)).cmd == NL80211_CMD_SCAN_ABORTED);
    CHECK(std::get<mac::event::scan_done>(cfg::decode_event(aborted)->event).aborted);
}

TEMPLATE_TEST_CASE("every reply round-trips through its netlink form", "[cfg][wire]",
                   cfg::reply::wiphy, cfg::reply::interface, cfg::reply::scan_result,
                   cfg::reply::station, cfg::reply::cookie) {
    TestType in{};
    fill_fields(in);
    std::vector<std::uint8_t> buf(4096);
    const auto wire = cfg::encode(buf, 0x1c, NL80211_CMD_NEW_INTERFACE, in);
    auto m = nl::message::parse(wire);
    REQUIRE(m);
    auto out = cfg::decode<TestType>(m->attrs);
    REQUIRE(out);
    CHECK(*out == in);
}

TEST_CASE("a scan result's TSF sits on an 8-octet boundary, after an NL80211_BSS_PAD if needed",
          "[cfg][wire]") {
    // nla_put_u64_64bit, from the start of the message: whatever the attributes before it (the
    // wdev's or none, elements of any length) leave.
    std::size_t padded = 0, unpadded = 0;
    for (const bool with_wdev : {false, true}) {
        for (std::size_t n = 0; n < 8; ++n) {
            INFO((with_wdev ? "a wdev, " : "no wdev, ") << n << " octets of elements");
            cfg::reply::scan_result in{};
            if (with_wdev) in.wdev = 0x100000001ull;
            in.bss.ies.assign(std::vector<std::uint8_t>(n, 0xdd));
            in.bss.tsf = 0x0102030405060708ull;
            alignas(8) std::array<std::uint8_t, 512> buf{};
            const auto wire = cfg::encode(buf, 0x1c, NL80211_CMD_NEW_SCAN_RESULTS, in);
            const auto m = nl::message::parse(wire);
            REQUIRE(m);
            const auto bss = m->attrs.find(NL80211_ATTR_BSS);
            REQUIRE(bss);
            const auto nest = nl::attributes::parse(bss->data);
            REQUIRE(nest);
            std::optional<nl::attribute> before, tsf;
            for (const auto a : *nest) {
                if (a.type == NL80211_BSS_TSF) {
                    tsf = a;
                    break;
                }
                before = a;
            }
            REQUIRE(tsf);
            CHECK((tsf->data.data() - wire.data()) % 8 == 0);
            CHECK(tsf->as<std::uint64_t>() == in.bss.tsf);
            REQUIRE(before);
            if (before->type == NL80211_BSS_PAD) {
                CHECK(before->data.empty());
                ++padded;
            } else {
                ++unpadded;
            }
            const auto out = cfg::decode<cfg::reply::scan_result>(m->attrs);
            REQUIRE(out);
            CHECK(out->bss.tsf == in.bss.tsf);
        }
    }
    CHECK(padded > 0);
    CHECK(unpadded > 0);
}

namespace {
/// Keeps the netlink message of every event a wiphy reports, with its port.
struct wire_log {
    std::vector<std::pair<std::uint32_t, std::vector<std::uint8_t>>> log;
    void wire(std::uint32_t port, bytes_view m) { log.emplace_back(port, bytes_of(m)); }
    static std::vector<std::uint8_t> bytes_of(bytes_view m) { return {m.begin(), m.end()}; }
};
using wiphy_type = cfg::wiphy<test::loopback_software_roc::driver_type, virtual_time,
                              mac::net<test::recording_net>, cfg::events<wire_log>>;

/// Two wiphys on one medium, each recording the events it puts on the wire.
struct cfg_world {
    struct radios {
        virtual_time time;
        sim::medium<virtual_time> air{time, 7};
        heap_pool pool{frame_buffer_size, 4096};
        std::vector<std::unique_ptr<wiphy_type>> phys;
        auto& operator[](std::size_t i) { return phys[i]->stack(); }
        void run(duration d) { time.run_for(d); }
    } w;
    std::vector<wiphy_type::config_type*> cfgs;
    const cfg::credentials root{100, 0, 0, false}, user{200, 1000, 1000, false};
    std::uint32_t seq = 1;

    cfg_world() {
        for (std::uint16_t i = 0; i < 2; ++i) {
            w.phys.push_back(std::make_unique<wiphy_type>(w.time, w.pool, i,
                                                          "phy" + std::to_string(i), w.air,
                                                          drivers::loopback_description(i)));
            REQUIRE(w.phys[i]->start());
            cfgs.push_back(&w.phys[i]->config());
        }
    }
    template <class C>
    cfg::wire_reply send(std::size_t i, const C& c, const cfg::credentials& who) {
        std::vector<std::uint8_t> buf(8192);
        return cfgs[i]->dispatch(cfg::encode(buf, cfg::family, c, seq++), who);
    }
    /// Events of type E that wiphy i put on the wire, decoded.
    template <class E>
    std::vector<E> events(std::size_t i) {
        std::vector<E> out;
        for (const auto& [port, m] : w.phys[i]->events().log) {
            auto d = cfg::decode_event(m);
            REQUIRE(d);
            if (auto* e = std::get_if<E>(&d->event)) out.push_back(*e);
        }
        return out;
    }
    cfg::reply::interface new_iface(std::size_t i, const std::string& name, iftype t) {
        cfg::cmd::new_interface c;
        c.ifname = name;
        c.iftype = t;
        auto r = send(i, c, root);
        REQUIRE(r.error == 0);
        REQUIRE(r.messages.size() == 1);
        auto m = nl::message::parse(r.messages[0]);
        CHECK(m->cmd == NL80211_CMD_NEW_INTERFACE);
        return *cfg::decode<cfg::reply::interface>(m->attrs);
    }
};
}  // namespace

TEST_CASE("a station joins an AP driven only by netlink messages", "[cfg][wire]") {
    cfg_world x;
    const auto ap = x.new_iface(0, "ap0", iftype::ap);
    const auto sta = x.new_iface(1, "wlan0", iftype::station);
    REQUIRE(x.cfgs[0]->set_up({ap.ifindex, {}}, true));
    REQUIRE(x.cfgs[1]->set_up({sta.ifindex, {}}, true));

    cfg::cmd::start_ap start;
    start.ifindex = ap.ifindex;
    static_cast<mac::ap_params&>(start) = mac::make_ap_params(
        ap.mac, "netlink-net", *ieee80211::make_channel(ieee80211::band::ghz2_4, 11),
        ieee80211::rates_2ghz);
    CHECK(x.send(0, start, x.root).error == 0);
    CHECK(x.send(0, start, x.root).error == EALREADY);

    cfg::cmd::trigger_scan scan;
    scan.ifindex = sta.ifindex;
    scan.ssids = {""};
    scan.freqs = {2462};
    scan.dwell_ms = 120;
    CHECK(x.send(1, scan, x.root).error == 0);
    CHECK(x.send(1, scan, x.root).error == EBUSY);
    x.w.run(300ms);
    CHECK(x.events<mac::event::scan_done>(1).size() == 1);
    cfg::cmd::get_scan dump;
    dump.ifindex = sta.ifindex;
    auto results = x.send(1, dump, x.user);  // GET_SCAN needs no privilege
    REQUIRE(results.error == 0);
    REQUIRE(results.messages.size() == 1);
    auto bss = cfg::decode<cfg::reply::scan_result>(
        test::got(nl::message::parse(results.messages[0])).attrs);
    REQUIRE(bss);
    CHECK(bss->bss.bssid == ap.mac);
    CHECK(bss->bss.freq == 2462);
    // Its TSF is the Timestamp of the AP's last beacon.
    const auto* entry = x.w[1].bss().find(ap.mac);
    REQUIRE(entry);
    const auto& heard = x.w[1].bss().heard(*entry);
    CHECK(heard.tsf > 0);
    CHECK(bss->bss.tsf == heard.tsf);
    // A typed reader's results share the entries' elements (cfg80211_bss_ies); the wire's
    // carry a copy.
    const auto typed = x.cfgs[1]->execute(dump, x.user);
    REQUIRE(typed);
    REQUIRE(typed->size() == 1);
    CHECK((*typed)[0].bss.ies.data() == x.w[1].bss().find(ap.mac)->ies.data());
    CHECK((*typed)[0].bss.ies == bss->bss.ies);
    CHECK(
        test::got(ieee80211::element_range::parse((*typed)[0].bss.ies)).find(ieee80211::eid::ssid));

    cfg::cmd::connect conn;
    conn.ifindex = sta.ifindex;
    conn.ssid = "netlink-net";
    CHECK(x.send(1, conn, x.root).error == 0);
    x.w.run(500ms);
    const auto connected = x.events<mac::event::connect>(1);
    REQUIRE(connected.size() == 1);
    CHECK(connected[0].status == 0);
    CHECK(connected[0].bssid == ap.mac);
    REQUIRE(x.events<mac::event::new_station>(0).size() == 1);

    cfg::cmd::get_station gs;
    gs.ifindex = ap.ifindex;
    auto stations = x.send(0, gs, x.user);
    REQUIRE(stations.messages.size() == 1);
    CHECK(test::got(cfg::decode<cfg::reply::station>(
                        test::got(nl::message::parse(stations.messages[0])).attrs))
              .mac == sta.mac);

    cfg::cmd::disconnect bye;
    bye.ifindex = sta.ifindex;
    bye.reason = 3;
    CHECK(x.send(1, bye, x.root).error == 0);
    x.w.run(50ms);
    REQUIRE(x.events<mac::event::disconnect>(1).size() == 1);
    CHECK(x.events<mac::event::del_station>(0).size() == 1);
    CHECK(x.events<mac::event::deauthenticate>(1).size() == 1);
}

TEST_CASE("flag checks refuse before the handler runs", "[cfg][flags]") {
    cfg_world x;
    const auto sta = x.new_iface(0, "wlan0", iftype::station);
    cfg::cmd::trigger_scan scan;
    scan.ifindex = sta.ifindex;
    const auto before = x.cfgs[0]->handled();
    CHECK(x.send(0, scan, x.root).error == ENETDOWN);  // interface down
    CHECK_FALSE(x.w[0].scanning());
    REQUIRE(x.cfgs[0]->set_up({sta.ifindex, {}}, true));
    CHECK(x.send(0, scan, x.user).error == EPERM);  // unprivileged caller
    CHECK_FALSE(x.w[0].scanning());
    CHECK(x.cfgs[0]->handled() == before);
    const cfg::credentials capable{300, 1000, 1000, true};
    CHECK(x.send(0, scan, capable).error == 0);  // CAP_NET_ADMIN suffices
    CHECK(x.w[0].scanning());

    CHECK(x.send(0, cfg::cmd::get_wiphy{}, x.user).error == 0);  // unprivileged command
    cfg::cmd::get_wiphy other;
    other.wiphy = 9;
    CHECK(x.send(0, other, x.user).error == ENODEV);
    cfg::cmd::disconnect nobody;
    nobody.ifindex = 77;
    CHECK(x.send(0, nobody, x.root).error == ENODEV);
    CHECK(x.send(0, cfg::cmd::disconnect{}, x.root).error == EINVAL);  // no interface named
}

TEST_CASE("policy violations are reported per attribute through dispatch", "[cfg][flags]") {
    cfg_world x;
    std::vector<std::uint8_t> buf(256);
    nl::writer w(buf, cfg::family, NL80211_CMD_REMAIN_ON_CHANNEL);
    w.value<std::uint32_t>(NL80211_ATTR_IFINDEX, 3);
    w.value<std::uint16_t>(NL80211_ATTR_WIPHY_FREQ, 2412);  // must be a u32
    w.value<std::uint32_t>(NL80211_ATTR_DURATION, 100);
    const auto r = x.cfgs[0]->dispatch(w.finish(), x.root);
    CHECK(r.error == EINVAL);
    REQUIRE(r.violation);
    CHECK(r.violation->attr == NL80211_ATTR_WIPHY_FREQ);
    CHECK(x.cfgs[0]->handled() == 0);
}

TEST_CASE("a closed socket's frame registrations go with it, FIF_PROBE_REQ with the last one",
          "[cfg]") {
    // NETLINK_URELEASE: cfg80211_mlme_unregister_socket drops the closing socket's
    // registrations and no other's; mac80211 then passes probe requests no more. Ports are
    // numbered as netlink_autobind numbers them.
    cfg_world x;
    const auto dev = x.new_iface(0, "p2p-dev-wlan0", iftype::p2p_device);
    cfg::cmd::start_p2p_device start;
    start.wdev = dev.wdev;
    REQUIRE(x.send(0, start, x.root).error == 0);
    auto& c = *x.cfgs[0];
    const std::uint32_t a = c.bind(), b = c.bind();
    CHECK(a == 0xfffff000);
    CHECK(b == a - 1);
    const auto as = [&](std::uint32_t port) { return cfg::credentials{port, 0, 0, false}; };
    cfg::cmd::register_frame probe;
    probe.wdev = dev.wdev;
    probe.frame_type = 0x0040;
    cfg::cmd::register_frame action;
    action.wdev = dev.wdev;
    action.frame_type = 0x00d0;
    action.match = {0x04, 0x09};
    const auto passes = [&] { return (x.w[0].radio().filter() & driver::fif::probe_req) != 0; };
    CHECK_FALSE(passes());
    REQUIRE(x.send(0, probe, as(a)).error == 0);
    REQUIRE(x.send(0, action, as(b)).error == 0);
    CHECK(x.send(0, probe, as(b)).error == EALREADY);  // one holder per frame type and match
    CHECK(passes());
    c.release(b);
    CHECK(passes());                             // a's registration stays
    CHECK(x.send(0, action, as(a)).error == 0);  // b's went
    c.release(a);
    CHECK_FALSE(passes());
    CHECK(x.send(0, probe, as(b)).error == 0);
    CHECK(passes());
}

TEST_CASE("P2P device, interface changes, ROC, registrations and keys through commands", "[cfg]") {
    cfg_world x;
    const auto dev = x.new_iface(0, "p2p-dev-wlan0", iftype::p2p_device);
    CHECK_FALSE(dev.ifindex);  // a wdev without a netdev
    cfg::cmd::remain_on_channel roc;
    roc.wdev = dev.wdev;
    roc.freq = 2437;
    roc.duration_ms = 100;
    CHECK(x.send(0, roc, x.root).error == ENETDOWN);  // not started
    cfg::cmd::start_p2p_device start;
    start.wdev = dev.wdev;
    CHECK(x.send(0, start, x.root).error == 0);
    auto r = x.send(0, roc, x.root);
    REQUIRE(r.error == 0);
    const auto cookie =
        cfg::decode<cfg::reply::cookie>(test::got(nl::message::parse(r.messages[0])).attrs);
    REQUIRE(cookie);
    CHECK(cookie->value != 0);
    x.w.run(150ms);
    REQUIRE(x.events<mac::event::remain_on_channel>(0).size() == 1);
    CHECK(x.events<mac::event::remain_on_channel>(0)[0].cookie == cookie->value);
    CHECK(x.events<mac::event::cancel_remain_on_channel>(0).size() == 1);

    cfg::cmd::register_frame reg;
    reg.wdev = dev.wdev;
    reg.frame_type = 0x0040;
    CHECK(x.send(0, reg, x.root).error == 0);
    CHECK(x.send(0, reg, x.root).error == EALREADY);
    CHECK(x.w[0].radio().filter() & driver::fif::probe_req);
    cfg::cmd::set_interface to_sta;
    to_sta.wdev = dev.wdev;
    to_sta.iftype = iftype::station;
    CHECK(x.send(0, to_sta, x.root).error == EINVAL);  // SET_INTERFACE needs a netdev

    const auto w0 = x.new_iface(0, "wlan0", iftype::station);
    CHECK(x.new_iface(0, "wlan1", iftype::p2p_client).ifindex != w0.ifindex);
    cfg::cmd::set_interface to_go;
    to_go.ifindex = w0.ifindex;
    to_go.iftype = iftype::p2p_go;
    CHECK(x.send(0, to_go, x.root).error == 0);
    cfg::cmd::get_interface gi;
    gi.ifindex = w0.ifindex;
    auto got = x.send(0, gi, x.user);
    REQUIRE(got.messages.size() == 1);
    CHECK(test::got(cfg::decode<cfg::reply::interface>(
                        test::got(nl::message::parse(got.messages[0])).attrs))
              .iftype == iftype::p2p_go);
    CHECK(x.send(0, cfg::cmd::get_interface{}, x.user).messages.size() == 3);  // dump

    REQUIRE(x.cfgs[0]->set_up({w0.ifindex, {}}, true));
    cfg::cmd::new_key key;
    key.ifindex = w0.ifindex;
    key.index = 1;
    key.cipher = 0x000fac04;
    key.data.assign(16, 0x11);
    // The loopback radio does not offload CCMP and this stack has no software cipher
    // (mac::crypto<C>): the key has nowhere to go. Keys with a cipher: the CCMP tests.
    CHECK(x.send(0, key, x.root).error == EOPNOTSUPP);
    cfg::cmd::set_key def;
    def.ifindex = w0.ifindex;
    def.index = 1;
    def.default_key = true;
    CHECK(x.send(0, def, x.root).error == ENODEV);
    cfg::cmd::del_key del;
    del.ifindex = w0.ifindex;
    del.index = 1;
    CHECK(x.send(0, del, x.root).error == ENODEV);

    cfg::cmd::del_interface gone;
    gone.wdev = dev.wdev;
    CHECK(x.send(0, gone, x.root).error == 0);
    CHECK_FALSE(x.w[0].radio().filter() & driver::fif::probe_req);  // registrations went too
}
