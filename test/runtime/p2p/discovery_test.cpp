// SPDX-License-Identifier: MIT
// Discovery's short ways against its full ones: probe requests read without building their
// frame_attributes.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "p2p_world.hpp"

using namespace softmac;
namespace ie = softmac::ieee80211;

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

/// Probe request element lists: a search's, with and without Device ID and Requested Device
/// Type, under SSIDs that are and are not the wildcard, with attributes only a full reading
/// reads or that make it refuse the frame, malformed ones, and a P2P stream over two elements.
std::vector<bytes> probe_requests() {
    namespace pa = ie::p2p::attr;
    p2p::find_params plain, by_id, by_type, by_both;
    by_id.dev_id = dev_b;
    by_type.dev_type = ie::wps::device_type{7, 0x0050f204, 1};
    by_both.dev_id = dev_b;
    by_both.dev_type = ie::wps::device_type{1, 0x0050f204, 1};
    const std::vector<std::vector<std::string_view>> ssid_lists = {
        {"DIRECT-"}, {"DIRECT-ab"}, {""}, {}, {"DIRECT-", "other"}, {"other", "DIRECT-"}};
    const std::vector<bytes> extras = {
        {},
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::device_info, device_info_body())),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::device_id, octets(dev_c))),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::device_id, {1, 2, 3})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::listen_channel, {'X', 'X', 4, 81, 1})),
        vendor_element(ie::vendor::p2p, p2p_attribute(pa::listen_channel, {'X', 'X', 4})),
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
        for (const auto* f : {&plain, &by_id, &by_type, &by_both})
            for (std::uint8_t ch : {1, 6, 0})
                for (const auto& extra : extras)
                    out.push_back(request_elements(ssids, *f, ch, extra));
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
    // Each way is taken: the search's own requests quickly, a Device Info or an attribute that
    // can refuse the frame in full, malformed ones refused at once.
    CHECK(quick > requests.size() / 2);
    CHECK(full > 0);
    CHECK(refused > 0);
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
