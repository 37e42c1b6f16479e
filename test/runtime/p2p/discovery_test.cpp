// SPDX-License-Identifier: MIT
// Discovery's short ways against its full ones: probe requests read without building their
// frame_attributes, and a listening device's probe response kept from one request to the next.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <random>
#include <span>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "p2p_scenarios.hpp"
#include "p2p_world.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;
using test::loopback_software_roc;

namespace {
using bytes = std::vector<std::uint8_t>;

const mac_address dev_a = mac_address::parse("02:00:00:00:0a:00").value();
const mac_address dev_b = mac_address::parse("02:00:00:00:0b:00").value();
const mac_address dev_c = mac_address::parse("02:00:00:00:0c:00").value();

/// A search's probe request elements (p2p::detail::probe_request_ies) after `ssids` SSID
/// elements, then `extra`: more elements, as they are.
bytes request_elements(const std::vector<std::string_view>& ssids, const p2p::find_params& f,
                       std::uint8_t listen_ch, const bytes& extra = {}) {
    const p2p::settings s;
    bytes out(2304);
    byte_writer w(out);
    for (auto ssid : ssids) ie::put::ssid(w, ssid);
    w.raw(bytes_view(p2p::detail::probe_request_ies({s, dev_a, listen_ch, {}}, f)));
    w.raw(bytes_view(extra));
    out.resize(w.size());
    return out;
}
/// A vendor element of `oui_type` whose body is `attributes`, as they are.
bytes vendor_element(std::uint32_t oui_type, const bytes& attributes) {
    bytes out(300);
    byte_writer w(out);
    ie::put::vendor(w, oui_type, bytes_view(attributes));
    out.resize(w.size());
    return out;
}
bytes octets(const mac_address& a) { return {a.bytes().begin(), a.bytes().end()}; }
/// A Supported Rates element of `rates` and, when `extended` is not empty, an Extended Supported
/// Rates element of those (in 500 kb/s, the top bit marking a basic rate).
bytes rates_elements(const bytes& rates, const bytes& extended) {
    bytes out;
    if (!rates.empty()) {
        out = {ie::eid::supported_rates, std::uint8_t(rates.size())};
        out.insert(out.end(), rates.begin(), rates.end());
    }
    if (!extended.empty()) {
        out.insert(out.end(), {ie::eid::extended_rates, std::uint8_t(extended.size())});
        out.insert(out.end(), extended.begin(), extended.end());
    }
    return out;
}
bytes concat(bytes a, const bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
/// A P2P attribute: ID, little-endian length, body.
bytes p2p_attribute(std::uint8_t id, const bytes& body) {
    bytes out{id, std::uint8_t(body.size()), std::uint8_t(body.size() >> 8)};
    out.insert(out.end(), body.begin(), body.end());
    return out;
}
/// A WPS attribute: big-endian type and length, body.
bytes wps_attribute(std::uint16_t type, const bytes& body) {
    bytes out{std::uint8_t(type >> 8), std::uint8_t(type), std::uint8_t(body.size() >> 8),
              std::uint8_t(body.size())};
    out.insert(out.end(), body.begin(), body.end());
    return out;
}
bytes device_info_body() {
    p2p::settings s;
    s.device_name = "Device C";
    bytes out(128);
    byte_writer w(out);
    p2p::put_device_info(w, dev_c, s, s.config_methods);
    out.resize(w.size());
    return {out.begin() + 3, out.end()};  // without the attribute header
}

/// A search's find parameters: plain, by device ID, by device type, by both.
std::vector<p2p::find_params> searches() {
    p2p::find_params plain, by_id, by_type, by_both;
    by_id.dev_id = dev_b;
    by_type.dev_type = ie::wps::device_type{7, 0x0050f204, 1};
    by_both.dev_id = dev_b;
    by_both.dev_type = ie::wps::device_type{1, 0x0050f204, 1};
    return {plain, by_id, by_type, by_both};
}

/// Probe request element lists: a search's, with and without Device ID and Requested Device
/// Type, under SSIDs that are and are not the wildcard, with attributes only a full reading
/// reads or that make it refuse the frame, malformed ones, and P2P and WPS attributes over
/// two elements.
std::vector<bytes> probe_requests() {
    namespace pa = ie::p2p::attr;
    const std::vector<std::vector<std::string_view>> ssid_lists = {
        {"DIRECT-"}, {"DIRECT-ab"}, {""}, {}, {"DIRECT-", "other"}, {"other", "DIRECT-"}};
    const std::vector<bytes> extras = {
        {},
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::device_info, device_info_body())),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::device_id, octets(dev_c))),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::device_id, {1, 2, 3})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::listen_channel, {'X', 'X', 4, 81, 1})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::listen_channel, {'X', 'X', 4})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::listen_channel, {})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::listen_channel, {'X', 'X', 4, 81})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::device_id, {1, 2, 3, 4, 5})),
        vendor_element(ie::vendor::wps, wps_attribute(ie::wps::attr::request_type, {1, 0})),
        vendor_element(ie::vendor::wps, wps_attribute(ie::wps::attr::version, {0x10})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::go_intent, {})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::go_intent, {15})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::channel_list, {'X'})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::group_id, {1, 2})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::capability, {})),
        vendor_element(ie::vendor::p2p, {pa::device_id, 6}),  // truncated attribute header
        vendor_element(ie::vendor::wps, wps_attribute(ie::wps::attr::requested_device_type,
                                                      {0, 1, 0x00, 0x50, 0xf2, 0x04, 0, 1})),
        vendor_element(ie::vendor::wps,
                       wps_attribute(ie::wps::attr::requested_device_type, {0, 1, 0, 0x50})),
        vendor_element(ie::vendor::wps, {0x10, 0x4a, 0, 9}),  // overruns its element
    };
    std::vector<bytes> out;
    for (const auto& ssids : ssid_lists)
        for (const auto& f : searches())
            for (std::uint8_t ch : {1, 6, 0})
                for (const auto& extra : extras)
                    out.push_back(request_elements(ssids, f, ch, extra));
    // One P2P and one WPS element, written here: malformed attribute streams are refused on
    // the short way too.
    const auto single = [](const bytes& p2p_attributes, const bytes& wps_attributes) {
        bytes out(600);
        byte_writer w(out);
        ie::put::ssid(w, "DIRECT-");
        w.raw(bytes_view(vendor_element(ie::vendor::wps, wps_attributes)));
        w.raw(bytes_view(vendor_element(ie::vendor::p2p, p2p_attributes)));
        out.resize(w.size());
        return out;
    };
    const bytes listen = p2p_attribute(pa::listen_channel, {'X', 'X', 4, 81, 6});
    const bytes request = wps_attribute(ie::wps::attr::request_type, {1});
    bytes overrun = listen;
    overrun[1] = 9;
    out.push_back(single(listen, request));
    out.push_back(single({pa::device_id, 6}, request));  // attribute header cut short
    out.push_back(single(overrun, request));
    out.push_back(single(listen, {0x10, 0x4a, 0, 9}));  // WPS attribute overruns its element
    out.push_back(single(listen, {}));
    out.push_back(single({}, request));
    // In the one P2P element, beside the Listen Channel: each attribute only the full reading
    // reads (or refuses the frame for), well formed and malformed.
    const auto with = [&](std::uint8_t id, const bytes& body) {
        bytes a = listen;
        const bytes more = p2p_attribute(id, body);
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    for (const auto& a :
         {with(pa::device_info, device_info_body()), with(pa::device_info, {1}),
          with(pa::go_intent, {15}), with(pa::go_intent, {}),
          with(pa::channel_list, {'X', 'X', 4, 81, 1, 6}), with(pa::channel_list, {'X'}),
          with(pa::group_id, octets(dev_c)), with(pa::group_id, {1, 2})})
        out.push_back(single(a, request));
    // One WPS element with two Requested Device Types.
    bytes types =
        wps_attribute(ie::wps::attr::requested_device_type, {0, 1, 0x00, 0x50, 0xf2, 0x04, 0, 1});
    const bytes second =
        wps_attribute(ie::wps::attr::requested_device_type, {0, 10, 0x00, 0x50, 0xf2, 0x04, 0, 5});
    types.insert(types.end(), second.begin(), second.end());
    out.push_back(single(listen, types));
    // Without any P2P element: a WPS element only.
    out.push_back(vendor_element(ie::vendor::wps, wps_attribute(ie::wps::attr::version, {0x10})));
    return out;
}
}  // namespace

TEST_CASE("discovery reads every probe request as the full reading does, and as quickly as it can",
          "[p2p][discovery]") {
    const auto requests = probe_requests();
    std::size_t quick = 0, full = 0, refused = 0;
    auto check = [&](const bytes& b) {
        const auto mine = p2p::read_probe_request(bytes_view(b));
        const auto reference = p2p::probe_request_facts_in_full(bytes_view(b));
        REQUIRE(p2p::detail::same_facts(mine, reference));
        p2p::probe_request_facts facts;
        switch (p2p::detail::read_probe_request_quickly(bytes_view(b), facts)) {
            case p2p::detail::quick_read::read:
                ++quick;
                break;
            case p2p::detail::quick_read::needs_full:
                ++full;
                break;
            case p2p::detail::quick_read::ignored:
                ++refused;
                CHECK_FALSE(reference);
                break;
        }
    };
    for (const auto& b : requests) check(b);
    // Each way is taken: a Device Info, an attribute that can refuse the frame or a second P2P
    // or WPS element in full, malformed ones refused at once, and a search's own requests,
    // whatever they look for, quickly.
    CHECK(quick > 0);
    CHECK(full > 0);
    CHECK(refused > 0);
    for (const auto& f : searches()) {
        for (std::uint8_t ch : {1, 6, 11}) {
            p2p::probe_request_facts facts;
            CHECK(p2p::detail::read_probe_request_quickly(
                      bytes_view(request_elements({"DIRECT-"}, f, ch)), facts) ==
                  p2p::detail::quick_read::read);
        }
    }
    // The same frames with octets changed, cut short and grown.
    std::mt19937 rng(11);
    for (const auto& b : requests) {
        for (int k = 0; k < 20; ++k) {
            bytes m = b;
            const auto at = rng() % m.size();
            switch (rng() % 3) {
                case 0:
                    m[at] = static_cast<std::uint8_t>(rng());
                    break;
                case 1:
                    m.resize(at);
                    break;
                default:
                    m.insert(m.begin() + static_cast<std::ptrdiff_t>(at),
                             static_cast<std::uint8_t>(rng()));
                    break;
            }
            check(m);
        }
    }
}

TEST_CASE("a kept probe response is the one built in full through every change of what it carries",
          "[p2p][discovery]") {
    p2p::settings s;
    p2p::detail::local_device me{s, dev_a, 6, {}};
    p2p::detail::probe_response_cache kept;
    std::vector<std::uint8_t> frame;  // the sender's storage, kept from request to request
    std::size_t builds = 0;
    const auto type = [](std::uint16_t category, std::uint16_t sub) {
        return ie::wps::device_type{category, 0x0050f204, sub};
    };
    // Answers a request from each of three senders; the first change since the last build
    // builds the frame once, and it is kept for the next senders. Each change is made as the
    // engine hands the settings out for writing (engine::settings() counts it).
    auto answer = [&](bool changed) {
        for (const auto& to : {dev_b, dev_c, mac_address::broadcast()}) {
            const auto full = p2p::detail::probe_response(me, to);
            REQUIRE_FALSE(full.empty());
            kept.fill(frame, me, to);
            CHECK(frame == full);
        }
        if (changed) ++builds;
        CHECK(kept.builds() == builds);
    };
    answer(true);
    const std::vector<std::pair<const char*, std::function<void()>>> carried = {
        {"device name", [&] { s.device_name = "Renamed"; }},
        {"manufacturer", [&] { s.manufacturer = "another maker"; }},
        {"model name", [&] { s.model_name = "another model"; }},
        {"model number", [&] { s.model_number = "2"; }},
        {"serial number", [&] { s.serial_number = "0042"; }},
        {"serial number cleared", [&] { s.serial_number.clear(); }},
        {"primary device type", [&] { s.primary_type = type(7, 1); }},
        {"a secondary device type", [&] { s.secondary_types.push_back(type(3, 5)); }},
        {"another secondary device type", [&] { s.secondary_types.push_back(type(1, 1)); }},
        {"config methods", [&] { s.config_methods = ie::wps::config_method::push_button; }},
        {"device capability", [&] { s.dev_capab ^= ie::p2p::dev_capab::concurrent_oper; }},
        {"device address", [&] { me.addr = dev_c; }},
        {"listen channel", [&] { me.listen_ch = 11; }},
        {"extended listen timing", [&] { me.ext_listen.interval_ms = 1000; }},
        {"extended listen period", [&] { me.ext_listen.period_ms = 200; }},
        {"extended listen timing off", [&] { me.ext_listen = {}; }},
    };
    for (const auto& [what, change] : carried) {
        INFO("after a change of the " << what);
        change();
        ++me.set_writes;
        answer(true);
    }
    // What the frame does not carry changes nothing: the capability's client discoverability
    // bit is never advertised, and the GO intent and operating channel are not in it.
    const std::vector<std::pair<const char*, std::function<void()>>> not_carried = {
        {"client discoverability",
         [&] { s.dev_capab ^= ie::p2p::dev_capab::client_discoverability; }},
        {"GO intent", [&] { s.go_intent = 15; }},
        {"operating channel", [&] { s.oper_channel = 11; }},
    };
    for (const auto& [what, change] : not_carried) {
        INFO("after a change of the " << what);
        change();
        ++me.set_writes;
        answer(false);
    }
}

TEST_CASE(
    "a searching device learns a listening one's new listen channel, extended listen timing and "
    "name from its probe responses",
    "[p2p][discovery]") {
    test::p2p_world<loopback_software_roc> w(2, 9);
    REQUIRE(w.engine(1).set_listen_channel(6));
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(0).find());
    auto peer = [&] { return w.engine(0).peers().find(w.addr(1)); };
    REQUIRE(w.run_until([&] { return peer() && peer()->listen_freq == 2437; }, 10s));
    CHECK(peer()->ext_listen.interval_ms == 0);
    REQUIRE(w.engine(1).set_listen_channel(1));
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.run_until([&] { return peer()->listen_freq == 2412; }, 10s));
    REQUIRE(w.engine(1).ext_listen(100, 1000));
    REQUIRE(w.run_until([&] { return peer()->ext_listen.interval_ms == 1000; }, 10s));
    CHECK(peer()->ext_listen.period_ms == 100);
    w.engine(1).settings().device_name = "Renamed";
    REQUIRE(w.run_until([&] { return peer()->info.name == "Renamed"; }, 10s));
}

namespace {
/// A radio of nobody's on `w`'s medium that sends probe requests on `freq`: a search's
/// elements after one SSID element.
template <class World>
struct probe_sender {
    World& w;
    typename decltype(World::air)::port_id port;
    std::size_t responses = 0;  ///< probe responses heard
    probe_sender(World& world, std::uint16_t freq)
        : w(world), port(world.air.attach([this](const sim::air_frame& f) {
              const auto h = ie::header_view::parse(f.bytes);
              if (h && h->fc().is_mgmt() && h->fc().subtype() == ie::mgmt_subtype::probe_resp)
                  ++responses;
          })) {
        w.air.tune(port, freq);
        w.air.set_listening(port, true);
    }
    /// A probe request from `from` with the elements of a search's, as request_elements makes
    /// them, then `extra`.
    void send(const mac_address& from, std::string_view ssid, std::uint8_t listen_ch,
              const bytes& extra = {}) {
        send_elements(from, request_elements({ssid}, {}, listen_ch, extra));
    }
    /// Sends, then runs the world for `settle`.
    void send_elements(const mac_address& from, const bytes& elements, duration settle = 50ms) {
        w.air.set_addresses(port, std::span(&from, 1));  // answers are acknowledged, not resent
        bytes frame(2304);
        byte_writer fw(frame);
        ie::write_header(
            fw, {ie::frame_control::make(ie::frame_type::management, ie::mgmt_subtype::probe_req),
                 0, mac_address::broadcast(), from, mac_address::broadcast()});
        fw.raw(bytes_view(elements));
        frame.resize(fw.size());
        REQUIRE(w.air.transmit(port, frame, 60, false));
        w.run(settle);
    }
};
/// Counts the action frames `sender` transmits on `freq` (not their retries); acknowledge_as()
/// makes it the receiver that acknowledges them (and answers nothing).
template <class World>
struct action_counter {
    World& w;
    typename decltype(World::air)::port_id port;
    mac_address sender;
    std::size_t count = 0;
    action_counter(World& world, std::uint16_t freq, const mac_address& from)
        : w(world),
          port(world.air.attach([this](const sim::air_frame& f) {
              const auto h = ie::header_view::parse(f.bytes);
              if (h && h->fc().is_mgmt() && h->fc().subtype() == ie::mgmt_subtype::action &&
                  h->addr2() == sender && !h->fc().has(ie::frame_control::retry))
                  ++count;
          })),
          sender(from) {
        w.air.tune(port, freq);
        w.air.set_listening(port, true);
    }
    void acknowledge_as(const mac_address& a) { w.air.set_addresses(port, std::span(&a, 1)); }
};
/// A device discovery request's elements without a Listen Channel: the wildcard SSID and a P2P
/// element with a P2P Capability only.
bytes bare_discovery_request() {
    return concat(
        bytes{ie::eid::ssid, 7, 'D', 'I', 'R', 'E', 'C', 'T', '-'},
        vendor_element(ie::vendor::p2p, p2p_attribute(ie::p2p::attr::capability, {0x25, 0x00})));
}
/// One device listening on channel 6, and a sender of probe requests there.
struct one_listening {
    using world = test::p2p_world<loopback_software_roc>;
    world w{1, 9};
    probe_sender<world> air{listening(w), 2437};
    static world& listening(world& w) {
        REQUIRE(w.engine(0).set_listen_channel(6));
        REQUIRE(w.engine(0).listen());
        return w;
    }
};
/// Device 0 of `w` has found and reported device 1; neither searches any more.
template <class World>
void zero_found_one(World& w) {
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(0).find());
    REQUIRE(w.run_until([&] { return w[0].template count<p2p::event::device_found>() == 1; }, 10s));
    w.engine(0).stop_find();
    w.engine(1).stop_find();
}
/// Device 0 of two has found device 1, which then leaves the air: nothing 0 sends it is
/// acknowledged or answered.
struct peer_gone {
    test::p2p_world<loopback_software_roc> w{2, 9};
    mac_address one;
    std::uint16_t freq = 0;  ///< its listen channel's
    peer_gone() {
        zero_found_one(w);
        one = w.addr(1);
        freq = w.engine(0).peers().find(one)->listen_freq;
        w.devs[1].reset();
    }
};
/// Sends another device's discovery requests until device 0 answers one: its listen period
/// runs (after a request it may first still wait on the peer's channel, for up to 200 ms).
template <class Sender>
void until_answered(Sender& air) {
    for (int i = 0; i < 250 && air.responses == 0; ++i)
        air.send_elements(dev_c, bare_discovery_request(), 2ms);
    REQUIRE(air.responses > 0);
}
}  // namespace

TEST_CASE("only a device discovery request (the P2P wildcard SSID) makes a probe-request-only peer",
          "[p2p][discovery]") {
    // As p2p_add_dev_from_probe_req: a P2P client probing its group (SSID DIRECT-xy) may send
    // from an interface address, which is not a device to list.
    one_listening o;
    auto& [w, air] = o;
    air.send(dev_b, "DIRECT-xy", 11);
    CHECK(w.engine(0).peers().find(dev_b) == nullptr);
    air.send(dev_c, "DIRECT-", 11);
    const auto* c = w.engine(0).peers().find(dev_c);
    REQUIRE(c != nullptr);
    CHECK(c->probe_req_only);
    CHECK(c->listen_freq == 2462);
    // A known device's listen channel is not changed by its group probe either.
    air.send(dev_c, "DIRECT-xy", 1);
    CHECK(w.engine(0).peers().find(dev_c)->listen_freq == 2462);
}

TEST_CASE("a probe request's sender is the peer it makes, whose Device Info it takes once",
          "[p2p][discovery]") {
    // p2p_add_dev_from_probe_req keys the peer on the frame's SA (p2p_create_device) and copies
    // what the frame tells of it only when it makes it; a known peer is seen again and learns
    // its listen channel, nothing more.
    one_listening o;
    auto& [w, air] = o;
    const auto request = [](char last) {
        bytes info = device_info_body();  // dev_c's, named "Device C"
        info.back() = static_cast<std::uint8_t>(last);
        return concat(bytes{ie::eid::ssid, 7, 'D', 'I', 'R', 'E', 'C', 'T', '-'},
                      vendor_element(ie::vendor::p2p,
                                     concat(p2p_attribute(ie::p2p::attr::capability, {0x25, 0}),
                                            p2p_attribute(ie::p2p::attr::device_info, info))));
    };
    air.send_elements(dev_b, request('C'));
    CHECK(w.engine(0).peers().find(dev_c) == nullptr);
    const auto* b = w.engine(0).peers().find(dev_b);
    REQUIRE(b != nullptr);
    CHECK(b->probe_req_only);
    CHECK(b->info.dev_addr == dev_b);
    CHECK(b->info.name == "Device C");
    air.send_elements(dev_b, request('D'));
    CHECK(w.engine(0).peers().find(dev_b)->info.name == "Device C");
    CHECK(air.responses == 2);
}

TEST_CASE("a device discovery request without a Listen Channel is a sighting too",
          "[p2p][discovery]") {
    // p2p_add_dev_from_probe_req needs the P2P element and the wildcard SSID, nothing more.
    one_listening o;
    auto& [w, air] = o;
    air.send_elements(dev_c, bare_discovery_request());
    const auto* c = w.engine(0).peers().find(dev_c);
    REQUIRE(c != nullptr);
    CHECK(c->probe_req_only);
    CHECK(c->listen_freq == 0);
    // It is answered as any other: the Listen Channel is not asked for there either.
    CHECK(air.responses == 1);
    // A later one with the attribute tells the channel.
    air.send(dev_c, "DIRECT-", 11);
    CHECK(w.engine(0).peers().find(dev_c)->listen_freq == 2462);
}

TEST_CASE("a probe request offering 802.11b rates only is a sighting, not answered",
          "[p2p][discovery]") {
    // p2p_reply_probe refuses it (supp_rates_11b_only): no P2P device sends one.
    const std::vector<std::pair<bytes, bool>> cases = {
        {{}, false},
        {rates_elements({0x02, 0x04, 0x0b, 0x16}, {}), true},
        {rates_elements({0x02, 0x04}, {0x0b, 0x16}), true},
        {rates_elements({0x82, 0x84, 0x8b, 0x96}, {}), false},  // marked basic: other octets
        {rates_elements({0x02, 0x04}, {0x0c}), false},
        {rates_elements({}, {0x8c, 0x12}), false},
        {concat(rates_elements({0x02}, {}), rates_elements({0x0c}, {})), false},
        {concat(rates_elements({0x0c}, {}), rates_elements({0x02}, {})), true},
    };
    for (const auto& [rates, only_11b] : cases) {
        const bytes elements = request_elements({"DIRECT-"}, {}, 6, rates);
        const auto facts = p2p::read_probe_request(bytes_view(elements));
        REQUIRE(facts);
        CHECK(facts->only_11b == only_11b);
        const auto full = p2p::probe_request_facts_in_full(bytes_view(elements));
        REQUIRE(full);
        CHECK(full->only_11b == only_11b);
    }
    one_listening o;
    auto& [w, air] = o;
    air.send(dev_c, "DIRECT-", 11, rates_elements({0x02, 0x04, 0x0b, 0x16}, {}));
    CHECK(air.responses == 0);
    const auto* c = w.engine(0).peers().find(dev_c);
    REQUIRE(c != nullptr);
    CHECK(c->listen_freq == 2462);
    air.send(dev_c, "DIRECT-", 11, rates_elements({0x02, 0x04, 0x0b, 0x16}, {0x0c, 0x12}));
    CHECK(air.responses == 1);
}

TEST_CASE("a known peer's request with the elements of its last one is not read again",
          "[p2p][discovery]") {
    // A searching device sends the same request on a channel in each scan: a peer keeps its
    // last request's facts with the digest of the request's every octet, and a request that
    // differs (here, in the Device ID it names) is read. A kept request is still a sighting;
    // another sender's request with the same octets is read.
    one_listening o;
    auto& [w, air] = o;
    const auto& stats = w.engine(0).discovery_stats();
    const auto naming = [](const mac_address& a) {
        return concat(
            bytes{ie::eid::ssid, 7, 'D', 'I', 'R', 'E', 'C', 'T', '-'},
            vendor_element(
                ie::vendor::p2p,
                concat(concat(p2p_attribute(ie::p2p::attr::capability, {0x25, 0}),
                              p2p_attribute(ie::p2p::attr::device_id, octets(a))),
                       p2p_attribute(ie::p2p::attr::listen_channel, {'X', 'X', 0x04, 81, 11}))));
    };
    const mac_address self = w.addr(0);
    // {the device the request names, answered, read so far, known so far}
    const std::vector<std::tuple<mac_address, bool, int, int>> steps = {
        {dev_b, false, 1, 0}, {dev_b, false, 1, 1},  // another device's: never answered
        {self, true, 2, 1},   {self, true, 2, 2},    // this one's: answered each time
        {dev_b, false, 3, 2},                        // only the last request is kept
    };
    std::size_t answered = 0;
    for (const auto& [named, answer, read, known] : steps) {
        INFO("a request naming " << named.to_string() << ", read " << read);
        const auto* c = w.engine(0).peers().find(dev_c);
        const auto seen_before = c ? c->last_seen() : time_point{};
        air.send_elements(dev_c, naming(named));
        answered += answer;
        CHECK(air.responses == answered);
        CHECK(stats.requests_read == std::uint64_t(read));
        CHECK(stats.requests_known == std::uint64_t(known));
        c = w.engine(0).peers().find(dev_c);
        REQUIRE(c != nullptr);
        CHECK(c->last_seen() > seen_before);
        CHECK(c->listen_freq == 2462);
    }
    CHECK(w.engine(0).peers().find(dev_c)->request->device_id == dev_b);
    // B sends C's last request, with a Device Info: read, B's own peer made from it.
    const bytes with_info = concat(
        naming(dev_b), vendor_element(ie::vendor::p2p, p2p_attribute(ie::p2p::attr::device_info,
                                                                     device_info_body())));
    air.send_elements(dev_c, with_info);
    CHECK(stats.requests_read == 4);
    air.send_elements(dev_b, with_info);
    CHECK(stats.requests_read == 5);
    const auto* b = w.engine(0).peers().find(dev_b);
    REQUIRE(b != nullptr);
    CHECK(b->info.name == "Device C");
    air.send_elements(dev_b, with_info);
    CHECK(stats.requests_known == 3);
}

TEST_CASE("a probe request's Requested Device Types are matched as wpa_supplicant matches them",
          "[p2p][discovery]") {
    // p2p_match_dev_type: any of the request's types (the first ten, MAX_REQ_DEV_TYPE_COUNT)
    // that the primary or a secondary type answers, exactly or as a category wildcard (OUI and
    // sub-category 0: dev_type_match).
    using type = ie::wps::device_type;
    const type pc{1, 0x0050f204, 1}, display{7, 0x0050f204, 1}, phone{10, 0x0050f204, 5};
    CHECK(pc.answers(pc));
    CHECK(pc.answers(type{1, 0, 0}));
    CHECK_FALSE(pc.answers(type{1, 0, 1}));           // not a wildcard: sub-category 1
    CHECK_FALSE(pc.answers(type{1, 0x0050f204, 0}));  // nor with the WFA OUI
    CHECK_FALSE(pc.answers(type{7, 0, 0}));
    CHECK_FALSE(type{1, 0, 0}.answers(pc));  // a wildcard is the request's, not the device's
    const auto request = [](const std::vector<type>& types) {
        bytes attrs;
        for (const type& t : types) {
            bytes body(8);
            byte_writer bw(body);
            t.write(bw);
            attrs = concat(attrs, wps_attribute(ie::wps::attr::requested_device_type, body));
        }
        return concat(bare_discovery_request(), vendor_element(ie::vendor::wps, attrs));
    };
    const std::vector<type> ten_others(10, display);
    std::vector<type> eleventh = ten_others;
    eleventh.push_back(pc);
    std::vector<type> tenth(9, display);
    tenth.push_back(pc);
    const std::vector<std::pair<std::vector<type>, bool>> cases = {
        {{display}, false},
        {{display, type{3, 0x0050f204, 2}, pc}, true},
        {{type{1, 0, 0}}, true},
        {{type{1, 0, 1}}, false},
        {{type{7, 0, 0}}, false},
        {{phone}, true},           // the secondary type
        {{type{10, 0, 0}}, true},  // its category
        {tenth, true},
        {eleventh, false},  // the eleventh is not read
    };
    for (const auto& [types, answered] : cases) {
        const bytes elements = request(types);
        const auto facts = p2p::read_probe_request(bytes_view(elements));
        REQUIRE(facts);
        CHECK(facts->requested.count == std::min<std::size_t>(types.size(), 10));
    }
    one_listening o;
    auto& [w, air] = o;
    w.engine(0).settings().secondary_types = {phone};
    std::size_t expected = 0;
    for (const auto& [types, answered] : cases) {
        INFO(types.size() << " types, first category " << types.front().category);
        air.send_elements(dev_c, request(types));
        expected += answered;
        CHECK(air.responses == expected);
    }
}

TEST_CASE("a device hears probe requests from a listen period's start to its next stop_listen",
          "[p2p][discovery]") {
    // wpas_start_listen_cb asks the driver for probe requests before each listen period;
    // wpas_stop_listen (p2p_search before each search scan, p2p_stop_find) closes the socket
    // that asked. The radio passes them (FIF_PROBE_REQ) only in between: a search scan on the
    // sender's channel takes no sighting from it and answers nothing.
    test::p2p_world<loopback_software_roc> w(1, 9);
    auto& radio = w[0].stack->radio();
    const auto passes = [&] { return (radio.filter() & driver::fif::probe_req) != 0; };
    const auto on_6 = [&] { return w.air.frequency(radio.driver().port()) == 2437; };
    CHECK_FALSE(passes());
    REQUIRE(w.engine(0).set_listen_channel(6));
    REQUIRE(w.engine(0).find(p2p::find_params{.type = p2p::find_type::social}));
    probe_sender air(w, 2437);
    REQUIRE(w.run_until([&] { return w[0].stack->scanning() && on_6(); }, 5s, 1ms));
    CHECK_FALSE(passes());
    air.send_elements(dev_c, bare_discovery_request(), 1ms);
    CHECK(w.engine(0).peers().find(dev_c) == nullptr);
    CHECK(air.responses == 0);
    // Its listen period on channel 6.
    REQUIRE(w.run_until([&] { return !w[0].stack->scanning() && on_6() && passes(); }, 5s, 1ms));
    air.send_elements(dev_c, bare_discovery_request(), 1ms);
    CHECK(w.engine(0).peers().find(dev_c) != nullptr);
    CHECK(air.responses == 1);
    // The next search scan stops the reporting; so does the end of the find.
    REQUIRE(w.run_until([&] { return w[0].stack->scanning(); }, 5s, 1ms));
    CHECK_FALSE(passes());
    REQUIRE(w.run_until(passes, 5s, 1ms));
    w.engine(0).stop_find();
    CHECK_FALSE(passes());
    // Listen only: reported throughout, from one listen period to the next.
    REQUIRE(w.engine(0).listen());
    CHECK(passes());
    for (int i = 0; i < 20; ++i) {
        w.run(50ms);
        CHECK(passes());
    }
}

TEST_CASE("a GO on the device's own interface answers probe requests while the device listens",
          "[p2p][discovery]") {
    // Without P2P interface types the GO's AP is the device's interface, whose probe requests
    // its AP answers (hostapd's registration makes cfg80211 refuse wpas_start_listen_cb's, which
    // then gives up the listen period): extended listening asks for none.
    test::p2p_world<test::rt73_usb> w(1, 9);
    REQUIRE(w.engine(0).group_add(2437));
    REQUIRE(w[0].count<p2p::event::group_started>() == 1);
    REQUIRE(w.engine(0).ext_listen(100, 200));
    w.run(250ms);  // past the first period's start
    probe_sender air(w, 2437);
    for (int i = 0; i < 10; ++i) air.send_elements(dev_c, bare_discovery_request(), 40ms);
    CHECK(air.responses == 10);
    CHECK(w.engine(0).peers().find(dev_c) == nullptr);
}

TEST_CASE("a probe request from the peer we negotiate with ends our listen period at once",
          "[p2p][discovery]") {
    // p2p_probe_req_rx: the peer listens now, so the GO Negotiation Request goes at once
    // (p2p_go_neg_start), after the request is answered; with or without a Listen Channel, but
    // not for a request p2p_reply_probe refuses (802.11b rates only); another sender's does not.
    for (const bool from_peer : {true, false}) {
        peer_gone g;
        auto& [w, one, freq] = g;
        REQUIRE(w.engine(0).set_listen_channel(6));
        REQUIRE(w.engine(0).connect(one, {}));
        REQUIRE(w.run_until([&] { return w.engine(0).current() == p2p::state::connect_listen; },
                            10s, 1ms));
        probe_sender air(w, 2437);
        until_answered(air);
        REQUIRE(w.engine(0).current() == p2p::state::connect_listen);
        const mac_address from = from_peer ? one : dev_c;
        air.send_elements(from, concat(bare_discovery_request(), rates_elements({0x02, 0x04}, {})),
                          1ms);
        CHECK(w.engine(0).current() == p2p::state::connect_listen);
        const std::size_t answered = air.responses;
        air.send_elements(from, bare_discovery_request(), 1ms);
        CHECK(air.responses == answered + 1);
        CHECK((w.engine(0).current() == p2p::state::connect) == from_peer);
    }
}

namespace {
/// A P2PS seeker's device discovery request: the P2P element has a Service Hash (of a service
/// this device does not advertise).
bytes seeker_request() {
    return concat(bytes{ie::eid::ssid, 7, 'D', 'I', 'R', 'E', 'C', 'T', '-'},
                  vendor_element(ie::vendor::p2p,
                                 concat(p2p_attribute(ie::p2p::attr::capability, {0x25, 0x00}),
                                        p2p_attribute(ie::p2p::attr::service_hash,
                                                      {0x11, 0x22, 0x33, 0x44, 0x55, 0x66}))));
}
}  // namespace

TEST_CASE("a P2PS seeker's request is a sighting, not answered: no service is advertised here",
          "[p2p][discovery]") {
    // p2p_reply_probe: only an advertiser of a service with one of the request's hashes answers
    // it (p2p_service_find_asp), and this device advertises none.
    const bytes seeker = seeker_request();
    const auto facts = p2p::read_probe_request(bytes_view(seeker));
    REQUIRE(facts);
    CHECK(facts->service_hash);
    const auto full = p2p::probe_request_facts_in_full(bytes_view(seeker));
    REQUIRE(full);
    CHECK(full->service_hash);
    CHECK_FALSE(p2p::read_probe_request(bytes_view(bare_discovery_request()))->service_hash);
    one_listening o;
    auto& [w, air] = o;
    air.send_elements(dev_c, seeker);
    CHECK(air.responses == 0);
    CHECK(w.engine(0).peers().find(dev_c) != nullptr);
    air.send_elements(dev_c, bare_discovery_request());
    CHECK(air.responses == 1);
}

TEST_CASE("a P2PS seeker's request from the peer we negotiate with sends our request at once",
          "[p2p][discovery]") {
    // p2p_probe_req_rx acts on a request p2p_reply_probe leaves unanswered as on one it answers.
    peer_gone g;
    auto& [w, one, freq] = g;
    REQUIRE(w.engine(0).set_listen_channel(6));
    REQUIRE(w.engine(0).connect(one, {}));
    REQUIRE(
        w.run_until([&] { return w.engine(0).current() == p2p::state::connect_listen; }, 10s, 1ms));
    probe_sender air(w, 2437);
    until_answered(air);
    REQUIRE(w.engine(0).current() == p2p::state::connect_listen);
    const std::size_t answered = air.responses;
    air.send_elements(one, seeker_request(), 1ms);
    CHECK(air.responses == answered);
    CHECK(w.engine(0).current() == p2p::state::connect);
}

TEST_CASE("a probe request from the peer we negotiate with sends the next request at once",
          "[p2p][discovery]") {
    // p2p_probe_req_rx in P2P_CONNECT too: while the next GO Negotiation Request waits (100 to
    // 200 ms after one without an ACK), a probe request p2p_reply_probe does not refuse (here
    // one for another SSID, which it leaves unanswered) sends it at once; another sender's does
    // not. Probe requests are reported from the first listen period between requests on, so
    // the wait is the one after the second request.
    for (const bool from_peer : {true, false}) {
        peer_gone g;
        auto& [w, one, freq] = g;
        action_counter requests(w, freq, w.addr(0));
        REQUIRE(w.engine(0).connect(one, {}));
        const auto in = [&](p2p::state s) {
            return w.run_until([&] { return w.engine(0).current() == s; }, 1s, 1ms);
        };
        REQUIRE(in(p2p::state::connect_listen));
        REQUIRE(in(p2p::state::connect));
        w.run(20ms);
        REQUIRE(requests.count == 2);
        REQUIRE(w.engine(0).current() == p2p::state::connect);
        probe_sender air(w, freq);
        air.send_elements(from_peer ? one : dev_c, request_elements({"foo"}, {}, 6), 1ms);
        CHECK(requests.count == (from_peer ? 3u : 2u));
        // Sending it stopped the reporting (p2p_go_neg_start's stop_listen): the peer's next
        // request, once that one's status has come, is not heard.
        w.run(20ms);
        REQUIRE(w.engine(0).current() == p2p::state::connect);
        air.send_elements(from_peer ? one : dev_c, request_elements({"foo"}, {}, 6), 1ms);
        CHECK(requests.count == (from_peer ? 3u : 2u));
        CHECK(w.engine(0).current() == p2p::state::connect);
        CHECK(air.responses == 0);
    }
}

namespace {
/// Where the P2P element of `frame`, a P2P public action frame, starts: after the header, the
/// category, action, OUI and type, subtype and dialog token.
std::size_t p2p_element_of(const bytes& frame) {
    const auto h = ie::header_view::parse(frame);
    REQUIRE(h);
    const std::size_t element = h->length() + 8;
    REQUIRE(frame.size() > element + 6);
    REQUIRE(frame[element] == ie::eid::vendor_specific);
    return element;
}
/// `frame` (a P2P public action frame) without its P2P element's attribute `id`.
bytes without_attribute(bytes frame, std::uint8_t id) {
    const std::size_t element = p2p_element_of(frame);
    const std::size_t end = element + 2 + frame[element + 1];
    for (std::size_t at = element + 6; at + 3 <= end;) {
        const std::size_t length = 3 + std::size_t{frame[at + 1]} + 256 * frame[at + 2];
        if (frame[at] == id) {
            frame.erase(frame.begin() + static_cast<std::ptrdiff_t>(at),
                        frame.begin() + static_cast<std::ptrdiff_t>(at + length));
            frame[element + 1] = static_cast<std::uint8_t>(frame[element + 1] - length);
            return frame;
        }
        at += length;
    }
    FAIL("no attribute " << int(id));
    return frame;
}
/// `frame` (a P2P public action frame) with a Status attribute `status` first in its P2P
/// element.
bytes with_status(bytes frame, std::uint8_t status) {
    const std::size_t element = p2p_element_of(frame);
    const std::uint8_t attribute[] = {ie::p2p::attr::status, 1, 0, status};
    frame.insert(frame.begin() + static_cast<std::ptrdiff_t>(element + 6), std::begin(attribute),
                 std::end(attribute));
    frame[element + 1] = static_cast<std::uint8_t>(frame[element + 1] + sizeof attribute);
    return frame;
}
/// Device 0 of a peer_gone world negotiating with the peer, whose radio is back on its listen
/// channel with its address: it acknowledges and keeps device 0's frames, and sends what it
/// is given.
struct negotiating_with_gone_peer {
    std::vector<p2p::action_frame> heard;  // before the world, whose medium reports to it
    peer_gone g;
    decltype(g.w.air)::port_id port;
    explicit negotiating_with_gone_peer(const p2p::connect_params& c = {}) {
        auto& [w, one, freq] = g;
        port = w.air.attach([this](const sim::air_frame& frame) {
            auto a = p2p::parse_public_action(frame.bytes);
            if (a && a->sa == g.w.addr(0)) heard.push_back(*a);
        });
        w.air.tune(port, freq);
        w.air.set_listening(port, true);
        w.air.set_addresses(port, std::span(&one, 1));
        REQUIRE(w.engine(0).connect(one, c));
        REQUIRE(w.run_until([&] { return !heard.empty(); }, 1s, 1ms));
        REQUIRE(heard.front().subtype == ie::p2p::public_action::go_neg_req);
    }
    p2p::settings peer_settings;
    /// The peer's local facts, for building its frames.
    p2p::detail::local_device peer_device() const { return {peer_settings, g.one, 6, {}}; }
    /// Device 0 as the peer sees it: its intent and method are the peer's own.
    p2p::peer device_zero(std::uint8_t intent, p2p::wps_method method) {
        p2p::peer zero;
        zero.info.dev_addr = zero.info.addr = g.w.addr(0);
        zero.go_intent = intent;
        zero.method = method;
        return zero;
    }
    /// What the peer's response offers: the social channels, channel 6 preferred.
    static p2p::detail::go_neg_terms response_terms() {
        p2p::detail::go_neg_terms t;
        t.channels = {2412, 2437, 2462};
        t.oper = 2437;
        return t;
    }
    void send(const bytes& frame) { REQUIRE(g.w.air.transmit(port, frame, 60, false)); }
};
}  // namespace

TEST_CASE("a GO Negotiation Response's faults are answered in the confirmation", "[p2p][go_neg]") {
    // p2p_process_go_neg_resp: past the dialog token, a response without a Status attribute,
    // and each fault found after the status (here in its order), goes to its fail label: the
    // confirmation carries the status, then the negotiation fails with it.
    namespace st = ie::p2p::status;
    namespace attr = ie::p2p::attr;
    struct fault {
        const char* what;
        std::uint8_t intent = 3;  ///< the responder's (device 0's is 7)
        p2p::wps_method method = p2p::wps_method::pbc;
        int dropped = -1;  ///< an attribute left out
        std::uint8_t status;
        p2p::wps_method ours = p2p::wps_method::pbc;
    };
    const fault faults[] = {
        {"no Status", 3, p2p::wps_method::pbc, attr::status, st::invalid_params},
        {"no Intended P2P Interface Address", 3, p2p::wps_method::pbc,
         attr::intended_interface_addr, st::invalid_params},
        {"no GO Intent", 3, p2p::wps_method::pbc, attr::go_intent, st::invalid_params},
        {"a GO without a Group ID", 15, p2p::wps_method::pbc, -1, st::invalid_params},
        {"no Channel List", 3, p2p::wps_method::pbc, attr::channel_list, st::invalid_params},
        {"a PIN shown where we push the button", 3, p2p::wps_method::display, -1,
         st::incompatible_prov_method},
        {"no Channel List, and a PIN shown", 3, p2p::wps_method::display, attr::channel_list,
         st::invalid_params},
        {"the default PIN's ID where we enter a PIN", 3, p2p::wps_method::not_ready, -1,
         st::incompatible_prov_method, p2p::wps_method::keypad},
    };
    for (const fault& f : faults) {
        INFO(f.what);
        p2p::connect_params c;
        c.method = f.ours;
        if (f.ours == p2p::wps_method::keypad) c.pin = "12345670";
        negotiating_with_gone_peer n(c);
        auto& w = n.g.w;
        const p2p::action_frame request = n.heard.front();  // heard grows
        auto t = n.response_terms();
        bytes response = p2p::detail::go_neg_response(
            n.peer_device(), n.device_zero(f.intent, f.method), request.token,
            !request.attrs.intent->tie_breaker, n.g.one, t);
        if (f.dropped >= 0) response = without_attribute(response, std::uint8_t(f.dropped));
        n.send(response);
        // The failure and the confirmation, which goes on the air after it.
        REQUIRE(w.run_until(
            [&] {
                return w[0].count<p2p::event::go_neg_failure>() == 1 &&
                       n.heard.back().subtype == ie::p2p::public_action::go_neg_conf;
            },
            1s, 1ms));
        CHECK(w[0].all<p2p::event::go_neg_failure>()[0].status == f.status);
        const auto& confirmation = n.heard.back();
        CHECK(confirmation.subtype == ie::p2p::public_action::go_neg_conf);
        CHECK(confirmation.token == request.token);
        CHECK(confirmation.attrs.status == f.status);
        CHECK(w.engine(0).current() == p2p::state::idle);
    }
}

TEST_CASE("of equal intents, the GO is told by the responder's tie breaker", "[p2p][go_neg]") {
    // p2p_go_det on a response: the peer's bit set makes the peer the GO. A compliant peer sends
    // the opposite of the request's bit; one sending the same bit decides all the same.
    for (const bool compliant : {true, false}) {
        INFO((compliant ? "the opposite bit" : "the request's own bit"));
        negotiating_with_gone_peer n;
        auto& w = n.g.w;
        const p2p::action_frame request = n.heard.front();  // heard grows
        const bool peer_bit =
            compliant ? !request.attrs.intent->tie_breaker : request.attrs.intent->tie_breaker;
        auto t = n.response_terms();
        t.we_go = peer_bit;
        t.ssid = "DIRECT-xy";
        n.send(p2p::detail::go_neg_response(n.peer_device(), n.device_zero(7, p2p::wps_method::pbc),
                                            request.token, peer_bit, n.g.one, t));
        REQUIRE(w.run_until(
            [&] { return n.heard.back().subtype == ie::p2p::public_action::go_neg_conf; }, 1s,
            1ms));
        const auto& confirmation = n.heard.back();
        CHECK(confirmation.attrs.status == ie::p2p::status::success);
        // The GO's confirmation names its group; the client's does not.
        CHECK(confirmation.attrs.group_ssid.has_value() == !peer_bit);
    }
}

TEST_CASE("a GO Negotiation Request with a Status is refused, or ends ours when it rejects us",
          "[p2p][go_neg]") {
    // p2p_process_go_neg_req: a request carrying a Status other than success is answered with
    // invalid parameters, unless it is a user's rejection from the peer we negotiate with, which
    // ends our negotiation with that status and is not answered.
    namespace st = ie::p2p::status;
    for (const std::uint8_t carried : {st::rejected_by_user, st::info_unavailable}) {
        INFO("status " << int(carried));
        negotiating_with_gone_peer n;
        auto& w = n.g.w;
        p2p::detail::go_neg_proposal q;
        q.intended_iface = n.g.one;
        q.channels = {2412, 2437, 2462};
        q.oper = 2437;
        auto zero = n.device_zero(3, p2p::wps_method::pbc);
        zero.dialog_token = 77;
        n.send(with_status(p2p::detail::go_neg_request(n.peer_device(), zero, q), carried));
        w.run(30ms);
        const auto answers = std::count_if(n.heard.begin(), n.heard.end(), [](const auto& a) {
            return a.subtype == ie::p2p::public_action::go_neg_resp && a.token == 77;
        });
        if (carried == st::rejected_by_user) {
            REQUIRE(w[0].count<p2p::event::go_neg_failure>() == 1);
            CHECK(w[0].all<p2p::event::go_neg_failure>()[0].status == st::rejected_by_user);
            CHECK(answers == 0);
            CHECK(w.engine(0).current() == p2p::state::idle);
        } else {
            CHECK(answers == 1);
            const auto answer = std::find_if(n.heard.begin(), n.heard.end(), [](const auto& a) {
                return a.subtype == ie::p2p::public_action::go_neg_resp;
            });
            REQUIRE(answer != n.heard.end());
            CHECK(answer->attrs.status == st::invalid_params);
            CHECK(w[0].count<p2p::event::go_neg_failure>() == 0);
        }
    }
}

TEST_CASE(
    "a probe request from the invitee sends the next request at once only while the last "
    "one has no ACK",
    "[p2p][discovery]") {
    // p2p_probe_req_rx in P2P_INVITE_LISTEN acts only while P2P_DEV_WAIT_INV_REQ_ACK is set,
    // which an ACK clears (p2p_invitation_req_cb): an invitee that acknowledged the request is
    // left to answer it.
    for (const bool acked : {false, true}) {
        INFO((acked ? "acknowledged" : "unacknowledged"));
        peer_gone g;
        auto& [w, one, freq] = g;
        action_counter requests(w, freq, w.addr(0));
        if (acked) requests.acknowledge_as(one);
        REQUIRE(w.engine(0).set_listen_channel(6));
        w.engine(0).load_persistent({{0, true, "DIRECT-ab", w.addr(0), "passphrase", {}}}, 1);
        p2p::invite_params inv;
        inv.persistent_id = 0;
        inv.peer = one;
        REQUIRE(w.engine(0).invite(inv));
        REQUIRE(w.run_until([&] { return w.engine(0).current() == p2p::state::invite_listen; }, 10s,
                            1ms));
        probe_sender air(w, 2437);
        until_answered(air);
        REQUIRE(w.engine(0).current() == p2p::state::invite_listen);
        const std::size_t sent = requests.count;
        air.send_elements(one, bare_discovery_request(), 1ms);
        CHECK((w.engine(0).current() == p2p::state::invite) == !acked);
        CHECK(requests.count == sent + (acked ? 0 : 1));
    }
}

TEST_CASE("a device discovery request is a sighting: a peer that keeps searching is not lost",
          "[p2p][discovery]") {
    test::p2p_world<loopback_software_roc> w(2, 9);
    zero_found_one(w);
    // 0 only listens from now on: it hears 1's search, not its probe responses.
    REQUIRE(w.engine(0).listen());
    REQUIRE(w.engine(1).find());
    w.run(150s);
    CHECK(w[0].template count<p2p::event::device_lost>() == 0);
    const auto* one = w.engine(0).peers().find(w.addr(1));
    REQUIRE(one != nullptr);
    CHECK_FALSE(one->probe_req_only);
}

TEST_CASE("a scan result heard again is a sighting, and what other frames wrote is read again",
          "[p2p][discovery]") {
    // p2p_add_device reads every scan result. One whose elements and channel are those the peer
    // was last read from would write what the peer holds: it is taken as a sighting only. What
    // another frame wrote since (a probe request's Listen Channel, a GO Negotiation Request's
    // Device Info) the next reading of the result writes back, as hostap's reading does.
    test::p2p_world<loopback_software_roc> w(2, 9);
    test::discover(w);  // each knows the other; 1 listens
    w.engine(1).stop_find();
    const mac_address one = w.addr(1);
    const auto& peers = w.engine(0).peers();
    const std::string name = peers.find(one)->info.name;
    const std::uint16_t listen = peers.find(one)->listen_freq;
    REQUIRE(listen != 0);
    const std::size_t reported = w[0].count<p2p::event::device_found>();
    // 0 searches while 1 listens, until 0 has read 1's result again.
    auto heard_again = [&] {
        const auto before = peers.find(one)->last_seen();
        REQUIRE(w.engine(1).listen());
        REQUIRE(w.engine(0).find());
        REQUIRE(w.run_until([&] { return peers.find(one)->last_seen() > before; }, 10s));
        w.engine(0).stop_find();
        w.engine(1).stop_find();
    };
    SECTION("nothing else wrote the peer") {
        const auto before = w.engine(0).discovery_stats();
        heard_again();
        // Taken as a sighting, not read again.
        CHECK(w.engine(0).discovery_stats().sighted > before.sighted);
        CHECK(w.engine(0).discovery_stats().read == before.read);
        // A new find reports it again, from what it holds.
        REQUIRE(w[0].count<p2p::event::device_found>() == reported + 1);
        CHECK(w[0].all<p2p::event::device_found>().back().peer.name == name);
        CHECK(peers.find(one)->listen_freq == listen);
    }
    SECTION("it is heard at another signal") {
        // p2p_add_device takes each result's level: the sighting takes it too.
        REQUIRE(peers.find(one)->level_dbm == sim::default_signal_dbm);
        w.air.set_link(w.port(1), w.port(0), 0.0, {}, -67);
        heard_again();
        CHECK(peers.find(one)->level_dbm == -67);
        CHECK(w[0].count<p2p::event::device_found>() == reported + 1);
    }
    SECTION("a peer filter for another device leaves it out") {
        w.engine(0).settings().peer_filter = dev_c;
        const auto before = peers.find(one)->last_seen();
        REQUIRE(w.engine(1).listen());
        REQUIRE(w.engine(0).find());
        w.run(5s);
        CHECK(w[0].count<p2p::event::device_found>() == reported);
        CHECK(peers.find(one)->last_seen() == before);
    }
    SECTION("its probe request told another listen channel") {
        REQUIRE(w.engine(0).set_listen_channel(6));
        REQUIRE(w.engine(0).listen());
        probe_sender air(w, 2437);
        const std::uint8_t other = listen == 2412 ? 11 : 1;
        air.send(one, "DIRECT-", other);
        REQUIRE(peers.find(one)->listen_freq == p2p::detail::freq_of_channel(other));
        w.engine(0).stop_find();
        heard_again();
        CHECK(peers.find(one)->listen_freq == listen);
    }
    SECTION("its GO Negotiation Request gave another name") {
        w.engine(1).settings().device_name = "Another name";
        REQUIRE(w.engine(0).listen());
        REQUIRE(w.engine(1).connect(w.addr(0), test::with(7)));
        REQUIRE(w.run_until([&] { return peers.find(one)->info.name == "Another name"; }, 10s));
        REQUIRE(w.engine(1).cancel());
        w.engine(1).settings().device_name = name;  // its probe responses are as before
        w.engine(0).stop_find();
        heard_again();
        CHECK(peers.find(one)->info.name == name);
        CHECK(w[0].all<p2p::event::device_found>().back().peer.name == name);
    }
}

TEST_CASE("a scan result on another channel is read again, though its elements are those held",
          "[p2p][discovery]") {
    // A BSS's beacon after its probe response keeps the probe response's elements but moves the
    // BSS to the channel it was heard on (cfg80211 keeps a probe response's ies). The peer's
    // Listen Channel follows the result's channel when no element names one (p2p_add_device:
    // "Update Listen frequency based on scan results"), so the result is read again.
    test::p2p_world<loopback_software_roc> w(1, 9);
    const mac_address other = dev_c;
    const auto frame = [&](std::uint8_t subtype, const mac_address& da) {
        bytes f(512);
        byte_writer fw(f);
        ie::write_mgmt_header(fw, subtype, da, other, other, 0);
        ie::write_beacon_fixed(fw, 0, 100, ie::capab::short_slot);
        ie::put::ssid(fw, "DIRECT-");
        ie::put::rates(fw, std::array<std::uint8_t, 3>{0x8c, 0x98, 0xb0});  // 6, 12, 24 Mbit/s
        ie::vendor_ie_builder p2p_ie(ie::vendor::p2p);
        ie::p2p::capability{0x25, 0}.write(p2p_ie.body());
        ie::p2p::device_info{
            other, ie::wps::config_method::push_button, {1, 0x0050f204, 1}, 0, {}, "raw device"}
            .write(p2p_ie.body());
        p2p_ie.emit(fw);
        f.resize(fw.size());
        return f;
    };
    // On channel 1 it answers probe requests (no DS Parameter Set: the channel heard on is its
    // Listen Channel); on channel 6 it beacons.
    decltype(w.air)::port_id port = 0;
    port = w.air.attach([&](const sim::air_frame& f) {
        const auto h = ie::header_view::parse(f.bytes);
        if (!h || !h->fc().is_mgmt() || h->fc().subtype() != ie::mgmt_subtype::probe_req ||
            f.freq != 2412)
            return;
        const mac_address to = h->addr2();
        w.time.schedule_in(20us, [&, to] {
            REQUIRE(w.air.transmit(port, frame(ie::mgmt_subtype::probe_resp, to), 60, false));
        });
    });
    w.air.set_addresses(port, std::span(&other, 1));
    w.air.tune(port, 2412);
    w.air.set_listening(port, true);
    const auto& peers = w.engine(0).peers();
    REQUIRE(w.engine(0).find());
    REQUIRE(w.run_until([&] { return peers.find(other) != nullptr; }, 10s));
    w.engine(0).stop_find();
    CHECK(peers.find(other)->listen_freq == 2412);
    w.air.tune(port, 2437);
    REQUIRE(w.engine(0).find());
    const bool moved = w.run_until(
        [&] {
            REQUIRE(w.air.transmit(port, frame(ie::mgmt_subtype::beacon, mac_address::broadcast()),
                                   60, false));
            return peers.find(other)->listen_freq == 2437;
        },
        10s, 100ms);
    CHECK(moved);
    CHECK(peers.find(other)->info.name == "raw device");
}

TEST_CASE("a GO's scan result is read every time: the clients it lists are seen with it",
          "[p2p][discovery]") {
    // p2p_add_group_clients takes each client of a GO's Group Info as seen when the GO is. Here
    // the group runs on the GO's device interface (radios without P2P interface types), so its
    // results come from the GO's device address, as a device's own do; the client, in the
    // group, is heard only through them.
    test::p2p_world<test::rt73_usb> w(3, 9);
    REQUIRE(w.engine(0).group_add(2437));
    REQUIRE(w.run_until([&] { return w[0].count<p2p::event::group_started>() == 1; }, 5s));
    REQUIRE(w.engine(0).wps_pbc(w.engine(0).groups()[0].ifname));
    auto join = test::with(7);
    join.join = true;
    REQUIRE(w.engine(1).connect(w.addr(0), join));
    REQUIRE(w.run_until([&] { return w[1].count<p2p::event::group_started>() == 1; }, 20s));
    REQUIRE(w.engine(2).find());
    const auto& peers = w.engine(2).peers();
    REQUIRE(w.run_until(
        [&] {
            const auto* client = peers.find(w.addr(1));
            return client && client->member_in_go_dev == w.addr(0);
        },
        10s));
    REQUIRE(peers.find(w.addr(0))->intended_iface == w.addr(0));
    // Past the peers' expiry (60 s), the client is as fresh as its GO's last result.
    w.run(100s);
    CHECK(w[2].count<p2p::event::device_lost>() == 0);
    const auto* client = peers.find(w.addr(1));
    REQUIRE(client != nullptr);
    CHECK(client->last_seen() == peers.find(w.addr(0))->last_seen());
}

TEST_CASE("a reported peer that a full table lets go for a new one is reported lost",
          "[p2p][discovery]") {
    // p2p_create_device frees the least recently seen device, with dev_lost if it was found.
    test::p2p_world<loopback_software_roc> w(2, 9);
    zero_found_one(w);
    REQUIRE(w.engine(0).set_listen_channel(6));
    REQUIRE(w.engine(0).listen());
    probe_sender air(w, 2437);
    for (std::size_t i = 0; i < p2p::peer_table::capacity; ++i)
        air.send(mac_address{{0x02, 0x00, 0x00, 0x10, std::uint8_t(i), 0x00}}, "DIRECT-", 11);
    CHECK(w.engine(0).peers().find(w.addr(1)) == nullptr);
    REQUIRE(w[0].template count<p2p::event::device_lost>() == 1);
    CHECK(w[0].template all<p2p::event::device_lost>()[0].dev_addr == w.addr(1));
}

TEST_CASE("a P2P attribute shorter than its type needs makes its frame unreadable",
          "[p2p][discovery]") {
    // p2p_parse_attribute's minimum lengths: one octet fewer fails the whole P2P element (and
    // the frame is ignored); a Listen or Operating Channel of no octets is ignored instead.
    namespace pa = ie::p2p::attr;
    const std::vector<std::pair<std::uint8_t, std::size_t>> minimums = {
        {pa::status, 1},
        {pa::minor_reason, 1},
        {pa::capability, 2},
        {pa::device_id, 6},
        {pa::go_intent, 1},
        {pa::config_timeout, 2},
        {pa::listen_channel, 5},
        {pa::group_bssid, 6},
        {pa::ext_listen_timing, 4},
        {pa::intended_interface_addr, 6},
        {pa::manageability, 1},
        {pa::channel_list, 3},
        {pa::noa, 2},
        {pa::device_info, 17},
        {pa::group_id, 6},
        {pa::operating_channel, 5},
        {pa::invitation_flags, 1},
        {pa::service_hash, 6},
        {pa::connection_capability, 1},
        {pa::feature_capability, 1},
        {pa::oob_go_neg_channel, 6},
        {pa::advertisement_id, 10},
        {pa::advertised_service_info, 8},
        {pa::session_id, 10},
        {pa::persistent_group_info, 6},
    };
    const auto p2p_element = [](std::uint8_t id, const bytes& body) {
        return vendor_element(ie::vendor::p2p, p2p_attribute(id, body));
    };
    for (const auto& [id, min] : minimums) {
        INFO("attribute " << int(id));
        CHECK(ie::p2p::min_length(id) == min);
        CHECK_FALSE(p2p::parse_elements(p2p_element(id, bytes(min - 1, 0))));
    }
    for (const auto& [id, min] : {std::pair{pa::capability, 2},
                                  {pa::device_id, 6},
                                  {pa::listen_channel, 5},
                                  {pa::ext_listen_timing, 4}})
        CHECK(p2p::parse_elements(p2p_element(id, bytes(min, 0))));
    // A Group ID or Persistent Group Info is at most an address and a 32-octet SSID.
    for (const std::uint8_t id : {pa::group_id, pa::persistent_group_info}) {
        CHECK(p2p::parse_elements(p2p_element(id, bytes(38, 'a'))));
        CHECK_FALSE(p2p::parse_elements(p2p_element(id, bytes(39, 'a'))));
    }
    const auto none = p2p::parse_elements(p2p_element(pa::listen_channel, {}));
    REQUIRE(none);
    CHECK_FALSE(none->listen);
    CHECK(p2p::parse_elements(p2p_element(pa::operating_channel, {})));
    // A device discovery request with a one-octet Capability is neither answered nor a
    // sighting; one with an empty Listen Channel is both.
    one_listening o;
    auto& [w, air] = o;
    const bytes ssid{ie::eid::ssid, 7, 'D', 'I', 'R', 'E', 'C', 'T', '-'};
    air.send_elements(dev_b, concat(ssid, p2p_element(pa::capability, {0x25})));
    CHECK(air.responses == 0);
    CHECK(w.engine(0).peers().find(dev_b) == nullptr);
    air.send_elements(
        dev_c, concat(ssid, vendor_element(ie::vendor::p2p,
                                           concat(p2p_attribute(pa::capability, {0x25, 0x00}),
                                                  p2p_attribute(pa::listen_channel, {})))));
    CHECK(air.responses == 1);
    REQUIRE(w.engine(0).peers().find(dev_c) != nullptr);
    CHECK(w.engine(0).peers().find(dev_c)->listen_freq == 0);
}

TEST_CASE("a WPS attribute of a length wpa_supplicant refuses makes its frame unreadable",
          "[p2p][discovery]") {
    // wps_parse_msg's wps_set_attr: an attribute breaking its length rule fails the whole WPS
    // element, and p2p_parse_ies with it.
    namespace wa = ie::wps::attr;
    const bytes p2p =
        vendor_element(ie::vendor::p2p, p2p_attribute(ie::p2p::attr::capability, {0x25, 0x00}));
    const auto with = [&](const bytes& wps_attributes) {
        return concat(p2p, vendor_element(ie::vendor::wps, wps_attributes));
    };
    const auto wfa = [](const bytes& subelements) {
        return concat(bytes{0x00, 0x37, 0x2a}, subelements);
    };
    bytes ten_vendors, eleven_vendors;
    for (int i = 0; i < 10; ++i)
        ten_vendors = concat(ten_vendors, wps_attribute(wa::vendor_extension, {0, 0, 1, 7}));
    eleven_vendors = concat(ten_vendors, wps_attribute(wa::vendor_extension, {0, 0, 1, 7}));
    bytes oob_handover(22, 0), oob_short(22 + 15, 0);
    oob_handover[21] = 0x07;  // password ID 7: NFC connection handover, no password
    const std::vector<std::pair<bytes, bool>> cases = {
        {wps_attribute(wa::request_type, {1}), true},
        {wps_attribute(wa::request_type, {1, 0}), false},
        {wps_attribute(wa::version, {}), false},
        {wps_attribute(wa::config_methods, {0x01}), false},
        {wps_attribute(wa::device_password_id, {0, 4, 0}), false},
        {wps_attribute(wa::primary_device_type, bytes(7, 1)), false},
        {wps_attribute(wa::requested_device_type, {0, 1, 0, 0x50}), false},
        {wps_attribute(wa::uuid_e, bytes(15, 1)), false},
        {wps_attribute(wa::secondary_device_types, bytes(16, 1)), true},
        {wps_attribute(wa::secondary_device_types, bytes(12, 1)), false},
        {wps_attribute(wa::secondary_device_types, bytes(17 * 8, 1)), false},
        {wps_attribute(wa::manufacturer, bytes(100, 'm')), true},
        {wps_attribute(wa::oob_device_password, oob_handover), true},
        {wps_attribute(wa::oob_device_password, oob_short), false},
        {wps_attribute(wa::vendor_extension, wfa({0x00, 0x01, 0x20})), true},
        {wps_attribute(wa::vendor_extension, wfa({0x00, 0x02, 0x20, 0x00})), false},
        {wps_attribute(wa::vendor_extension, wfa({0x05, 0x01, 0x08})), false},
        {wps_attribute(wa::vendor_extension, wfa({0x09, 0x05, 1, 2, 3, 4, 5})), true},
        {wps_attribute(wa::vendor_extension, {0x00, 0x37}), true},  // skipped
        {ten_vendors, true},
        {eleven_vendors, false},
    };
    for (std::size_t k = 0; k < cases.size(); ++k) {
        INFO("case " << k);
        CHECK(p2p::parse_elements(with(cases[k].first)).has_value() == cases[k].second);
    }
    // Another vendor's extension of more than 1024 octets (longer than one element carries).
    const bytes most = concat(bytes{0, 0, 1}, bytes(1021, 0)), more = concat(most, bytes{0});
    CHECK(ie::wps::attribute_checker{}(ie::attribute{wa::vendor_extension, most}));
    CHECK_FALSE(ie::wps::attribute_checker{}(ie::attribute{wa::vendor_extension, more}));
    // A device discovery request with a two-octet Request Type is neither answered nor a
    // sighting.
    one_listening o;
    auto& [w, air] = o;
    air.send_elements(
        dev_b, concat(bare_discovery_request(),
                      vendor_element(ie::vendor::wps, wps_attribute(wa::request_type, {1, 0}))));
    CHECK(air.responses == 0);
    CHECK(w.engine(0).peers().find(dev_b) == nullptr);
    air.send_elements(
        dev_b, concat(bare_discovery_request(),
                      vendor_element(ie::vendor::wps, wps_attribute(wa::request_type, {1}))));
    CHECK(air.responses == 1);
}

TEST_CASE("a frame's faults come in order: its elements', then a stream's, then an attribute's",
          "[p2p][discovery]") {
    // A Device Info whose name is not under the Device Name TLV type (p2p_parse_dev_info).
    bytes info = device_info_body();
    info[17] = 0x10;
    info[18] = 0x12;
    const bytes refused = p2p_attribute(ie::p2p::attr::device_info, info);
    const auto elements = [](const bytes& p2p_body, const bytes& after = {}) {
        bytes e = vendor_element(ie::vendor::p2p, p2p_body);
        e.insert(e.end(), after.begin(), after.end());
        return e;
    };
    auto r = p2p::parse_elements(elements(refused));
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::bad_value);
    // One octet of another attribute's header after it: the stream's fault.
    bytes cut = refused;
    cut.push_back(ie::p2p::attr::listen_channel);
    r = p2p::parse_elements(elements(cut));
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::truncated);
    // An element overrunning the list after both: the elements' fault.
    const bytes overrun{ie::eid::ssid, 7, 'D'};
    r = p2p::parse_elements(elements(cut, overrun));
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::overrun);
    // A probe request with any of them is ignored, however quickly it is read.
    for (const auto& e : {elements(refused), elements(cut), elements(cut, overrun)})
        CHECK_FALSE(p2p::read_probe_request(e));
}
