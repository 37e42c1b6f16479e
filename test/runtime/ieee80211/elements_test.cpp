// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <range/v3/algorithm/count_if.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/transform.hpp>
#include <string>
#include <vector>

#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/elements_digest.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/wps.hpp>

#include "got.hpp"
#include "reference_frames.hpp"

using namespace softmac;
namespace ie = softmac::ieee80211;

TEST_CASE("element_range is a forward range that range-v3 views compose on",
          "[ieee80211][elements]") {
    STATIC_REQUIRE(std::forward_iterator<ie::element_range::iterator>);
    STATIC_REQUIRE(ranges::forward_range<ie::element_range>);
    std::array<std::uint8_t, 128> buf{};
    byte_writer w(buf);
    ie::put::ssid(w, "abc");
    const std::uint8_t rates[] = {0x82, 0x84, 0x8b, 0x96, 12, 18, 24, 36, 48, 72, 96, 108};
    ie::put::rates(w, rates);
    ie::put::ds_params(w, 11);
    ie::put::extension(w, 35, std::array<std::uint8_t, 3>{1, 2, 3});
    auto r = ie::element_range::parse(w.written());
    REQUIRE(r);
    auto ids = *r | ranges::views::transform([](ie::element e) { return e.id; });
    CHECK(std::vector<std::uint8_t>(ids.begin(), ids.end()) ==
          std::vector<std::uint8_t>{ie::eid::ssid, ie::eid::supported_rates,
                                    ie::eid::extended_rates, ie::eid::ds_params,
                                    ie::eid::extension});
    CHECK(ranges::count_if(*r, [](ie::element e) { return e.data.size() > 3; }) == 2);
    auto ext = r->find(ie::eid::extension, 35);
    REQUIRE(ext);
    CHECK(ext->data.size() == 3);
    CHECK(ie::ds_channel_of(test::got(r->find(ie::eid::ds_params))).value() == 11);
    CHECK(test::got(r->find(ie::eid::supported_rates)).data.size() == 8);
    CHECK(test::got(r->find(ie::eid::extended_rates)).data.size() == 4);
}

TEST_CASE("typed elements parse what their builders write", "[ieee80211][elements]") {
    std::array<std::uint8_t, 256> buf{};
    byte_writer w(buf);
    ie::put::tim(w, 1, 3, 0, std::array<std::uint8_t, 2>{0x02, 0x00});
    ie::put::country(w, "DE ", 1, 13, 20);
    ie::put::rsn(w, 0x000fac04, 0x000fac04, 0x000fac02, 0x000c);
    ie::put::ht_capabilities(w, 0x012c, 0x17);
    ie::put::ht_operation(w, 6);
    ie::put::vendor(w, ie::vendor::wmm, std::array<std::uint8_t, 3>{1, 2, 3});
    auto r = ie::element_range::parse(w.written());
    REQUIRE(r);
    auto tim = test::got(ie::tim::parse(test::got(r->find(ie::eid::tim))));
    CHECK(tim.dtim_period == 3);
    CHECK(tim.partial_bitmap.size() == 2);
    auto c = test::got(ie::country::parse(test::got(r->find(ie::eid::country))));
    CHECK(std::string(c.code, 2) == "DE");
    CHECK(c.triplets.size() == 3);
    auto rsn = ie::rsn::parse(test::got(r->find(ie::eid::rsn)));
    REQUIRE(rsn);
    CHECK(rsn->version == 1);
    CHECK(rsn->pairwise_count() == 1);
    CHECK(rsn->akm_suite(0) == 0x000fac02);
    CHECK(rsn->capabilities == 0x000c);
    CHECK(rsn->offers_pairwise(ie::suite::ccmp));
    CHECK_FALSE(rsn->offers_pairwise(ie::suite::tkip));
    CHECK(rsn->offers_akm(ie::suite::akm_psk));
    CHECK_FALSE(rsn->offers_akm(0x000fac01));       // 802.1X
    CHECK_FALSE(rsn->offers_akm(ie::suite::ccmp));  // a cipher's selector in the AKM list
    CHECK(
        test::got(ie::ht_capabilities::parse(test::got(r->find(ie::eid::ht_capabilities)))).info ==
        0x012c);
    CHECK(test::got(ie::ht_operation::parse(test::got(r->find(ie::eid::ht_operation))))
              .primary_channel == 6);
    auto v = r->find_vendor(ie::vendor::wmm);
    REQUIRE(v);
    CHECK(test::got(ie::vendor_element::parse(*v)).oui == 0x0050f2);
}

TEST_CASE(
    "element overruns and short headers are errors, an element of a length its ID does not "
    "allow is skipped",
    "[ieee80211][elements]") {
    const std::uint8_t overrun[] = {0, 5, 'a', 'b'};
    const std::uint8_t short_header[] = {0, 1, 'a', 3};
    CHECK(ie::element_range::parse(overrun).err().code == errc::overrun);
    CHECK(ie::element_range::parse(short_header).err().code == errc::truncated);
    CHECK(ie::element_range::parse(short_header).err().offset == 3);
    // ieee802_11_parse_elems ignores a DS Parameter Set shorter than one octet, an HT
    // Capabilities shorter than 26 and an SSID over 32, and keeps the frame: each is skipped,
    // first, between and last. A longer DS Parameter Set or HT Capabilities is read (its fixed
    // part). tshark flags both kinds; nonstandard_at names the first for a dissector.
    const auto parsed = [](bytes_view b) { return test::got(ie::element_range::parse(b)); };
    const auto ids = [&](bytes_view b) {
        std::vector<std::uint8_t> v;
        for (const ie::element e : parsed(b)) v.push_back(e.id);
        return v;
    };
    // The element a reader finds for `id` (there must be one).
    const auto found = [&](bytes_view b, std::uint8_t id) { return test::got(parsed(b).find(id)); };
    const std::uint8_t short_ds_first[] = {3, 0, 0, 1, 'a', 3, 1, 6};
    CHECK(ids(short_ds_first) == std::vector<std::uint8_t>{0, 3});
    CHECK(found(short_ds_first, 3).data[0] == 6);  // the one of one octet
    CHECK(parsed(short_ds_first).nonstandard_at() == std::optional<std::size_t>(0));
    CHECK_FALSE(parsed(bytes_view(short_ds_first).subspan(2)).nonstandard_at());

    const std::uint8_t long_ds[] = {0, 1, 'a', 3, 2, 6, 0};
    CHECK(ids(long_ds) == std::vector<std::uint8_t>{0, 3});
    CHECK(parsed(long_ds).nonstandard_at() == std::optional<std::size_t>(3));
    CHECK_FALSE(ie::ds_channel_of(found(long_ds, 3)));  // cfg80211 takes one octet only
    std::vector<std::uint8_t> long_ht = {45, 28, 0x2c};
    long_ht.resize(30);
    const auto ht_cap = ie::ht_capabilities::parse(found(long_ht, 45));
    REQUIRE(ht_cap);
    CHECK(ht_cap->info == 0x2c);
    CHECK(ht_cap->mcs_set.size() == 16);
    std::vector<std::uint8_t> long_ht_op = {61, 24, 11};
    long_ht_op.resize(26);
    const auto ht_op = ie::ht_operation::parse(found(long_ht_op, 61));
    REQUIRE(ht_op);
    CHECK(ht_op->primary_channel == 11);
    CHECK(ht_op->basic_mcs_set.size() == 16);

    std::vector<std::uint8_t> mixed = {0, 1, 'a', 45, 25};
    mixed.resize(mixed.size() + 25);
    const std::vector<std::uint8_t> tail = {3, 0, 221, 4, 0x50, 0x6f, 0x9a, 9, 0, 33};
    mixed.insert(mixed.end(), tail.begin(), tail.end());
    mixed.resize(mixed.size() + 33);
    CHECK(ids(mixed) == std::vector<std::uint8_t>{0, 221});
    CHECK(parsed(mixed).nonstandard_at() == std::optional<std::size_t>(3));
    const std::uint8_t only_short[] = {3, 0};
    CHECK(ids(only_short).empty());
    CHECK(parsed(only_short).empty());
    CHECK_FALSE(parsed(only_short).find(3));
    const std::uint8_t long_ssid[34] = {0, 32};
    CHECK(ids(long_ssid) == std::vector<std::uint8_t>{0});
    CHECK_FALSE(parsed(long_ssid).nonstandard_at());
}

TEST_CASE("every P2P attribute round-trips", "[ieee80211][p2p]") {
    ie::vendor_ie_builder b(ie::vendor::p2p);
    auto& w = b.body();
    namespace p2p = ie::p2p;
    p2p::write_octet(w, p2p::attr::status, 9);
    p2p::write_octet(w, p2p::attr::minor_reason, 2);
    p2p::capability{0x25, 0x41}.write(w);
    p2p::write_address(w, p2p::attr::device_id, test::dev_a);
    p2p::go_intent{15, true}.write(w);
    p2p::config_timeout{100, 20}.write(w);
    p2p::channel_attr{{'X', 'X', 4}, 81, 1}.write(w, p2p::attr::listen_channel);
    p2p::write_address(w, p2p::attr::group_bssid, test::go_if);
    p2p::ext_listen_timing{500, 1000}.write(w);
    p2p::write_address(w, p2p::attr::intended_interface_addr, test::go_if);
    p2p::write_octet(w, p2p::attr::manageability, 1);
    test::channel_list(w);
    p2p::notice_of_absence noa{1, 0x8a, 1, {{255, 20000, 100000, 12345}, {}}};
    noa.write(w);
    test::device_info(w, test::dev_b, "Phone");
    p2p::group_id{test::dev_a, "DIRECT-ab"}.write(w);
    p2p::channel_attr{{'X', 'X', 4}, 115, 36}.write(w, p2p::attr::operating_channel);
    p2p::write_octet(w, p2p::attr::invitation_flags, 1);
    p2p::group_id{test::dev_a, "DIRECT-pg"}.write(w, p2p::attr::persistent_group_info);
    REQUIRE(b.ok());
    std::array<std::uint8_t, 512> out{};
    byte_writer ow(out);
    b.emit(ow);
    auto els = ie::element_range::parse(ow.written());
    REQUIRE(els);
    const ie::vendor_stream s(*els, ie::vendor::p2p);
    auto attrs = p2p::attribute_range::parse(s.bytes());
    REQUIRE(attrs);
    CHECK(test::got(p2p::octet_of(test::got(attrs->find(p2p::attr::status)))) == 9);
    CHECK(test::got(p2p::octet_of(test::got(attrs->find(p2p::attr::minor_reason)))) == 2);
    CHECK(test::got(p2p::capability::parse(test::got(attrs->find(p2p::attr::capability)))).group ==
          0x41);
    CHECK(test::got(p2p::address_of(test::got(attrs->find(p2p::attr::device_id)))) == test::dev_a);
    auto gi = test::got(p2p::go_intent::parse(test::got(attrs->find(p2p::attr::go_intent))));
    CHECK(gi.intent == 15);
    CHECK(gi.tie_breaker);
    CHECK(test::got(p2p::config_timeout::parse(test::got(attrs->find(p2p::attr::config_timeout))))
              .client == 20);
    CHECK(test::got(p2p::channel_attr::parse(test::got(attrs->find(p2p::attr::listen_channel))))
              .channel == 1);
    CHECK(test::got(p2p::address_of(test::got(attrs->find(p2p::attr::group_bssid)))) ==
          test::go_if);
    CHECK(test::got(
              p2p::ext_listen_timing::parse(test::got(attrs->find(p2p::attr::ext_listen_timing))))
              .interval_ms == 1000);
    CHECK(test::got(p2p::address_of(test::got(attrs->find(p2p::attr::intended_interface_addr)))) ==
          test::go_if);
    CHECK(test::got(p2p::octet_of(test::got(attrs->find(p2p::attr::manageability)))) == 1);
    auto cl = p2p::channel_list::parse(test::got(attrs->find(p2p::attr::channel_list)));
    REQUIRE(cl);
    CHECK(cl->contains(81, 6));
    CHECK_FALSE(cl->contains(81, 7));
    auto n = test::got(p2p::notice_of_absence::parse(test::got(attrs->find(p2p::attr::noa))));
    CHECK(n.count == 1);
    CHECK(n.descriptors[0].interval_us == 100000);
    auto di = p2p::device_info::parse(test::got(attrs->find(p2p::attr::device_info)));
    REQUIRE(di);
    CHECK(di->name == "Phone");
    CHECK(di->address == test::dev_b);
    CHECK(di->primary_type.category == 1);
    CHECK(test::got(p2p::group_id::parse(test::got(attrs->find(p2p::attr::group_id)))).ssid ==
          "DIRECT-ab");
    CHECK(test::got(p2p::channel_attr::parse(test::got(attrs->find(p2p::attr::operating_channel))))
              .op_class == 115);
    CHECK(test::got(p2p::octet_of(test::got(attrs->find(p2p::attr::invitation_flags)))) == 1);
    CHECK(test::got(p2p::group_id::parse(test::got(attrs->find(p2p::attr::persistent_group_info))))
              .ssid == "DIRECT-pg");
}

TEST_CASE("a P2P attribute stream longer than 251 octets is split over several IEs and reassembled",
          "[ieee80211][p2p]") {
    ie::vendor_ie_builder b(ie::vendor::p2p);
    std::vector<std::uint8_t> big(600);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
    b.body().u8(ie::p2p::attr::vendor_specific).le16(std::uint16_t(big.size())).raw(big);
    std::array<std::uint8_t, 1024> out{};
    byte_writer ow(out);
    ie::put::ssid(ow, "x");
    b.emit(ow);
    auto els = ie::element_range::parse(ow.written());
    REQUIRE(els);
    std::size_t p2p_ies = 0;
    for (auto e : *els)
        if (e.is_vendor(ie::vendor::p2p)) {
            ++p2p_ies;
            CHECK(e.data.size() <= 255);
        }
    CHECK(p2p_ies == 3);  // 603 octets = 251 + 251 + 101
    const ie::vendor_stream s(*els, ie::vendor::p2p);
    CHECK(s.element_count() == 3);
    auto attrs = ie::p2p::attribute_range::parse(s.bytes());
    REQUIRE(attrs);
    auto v = attrs->find(ie::p2p::attr::vendor_specific);
    REQUIRE(v);
    CHECK(std::equal(v->begin(), v->end(), big.begin(), big.end()));
}

TEST_CASE("P2P attribute overruns and invalid values are errors", "[ieee80211][p2p]") {
    const std::uint8_t overrun[] = {2, 5, 0, 0x25, 0};
    CHECK(ie::p2p::attribute_range::parse(overrun).err().code == errc::overrun);
    const std::uint8_t short_header[] = {2, 2};
    CHECK(ie::p2p::attribute_range::parse(short_header).err().code == errc::truncated);
    // An intent above 15 is read: its receiver answers it (p2p_process_go_neg_req).
    const std::uint8_t intent127[] = {0xff};
    CHECK(test::got(ie::p2p::go_intent::parse(intent127)).intent == 127);
    CHECK(ie::p2p::group_id::parse(std::array<std::uint8_t, 5>{}).err().code == errc::bad_length);
    CHECK_FALSE(ie::p2p::device_info::parse(std::array<std::uint8_t, 16>{}));
}

TEST_CASE("WPS TLVs round-trip and are named", "[ieee80211][wps]") {
    ie::vendor_ie_builder b(ie::vendor::wps);
    namespace wps = ie::wps;
    wps::put::u8(b.body(), wps::attr::version, 0x10);
    wps::put::u16(b.body(), wps::attr::config_methods, 0x0188);
    wps::put::u16(b.body(), wps::attr::device_password_id, wps::password_id::registrar_specified);
    wps::put::text(b.body(), wps::attr::device_name, "Laptop");
    wps::put::device_type(b.body(), wps::attr::primary_device_type, {1, 0x0050f204, 1});
    wps::put::raw(b.body(), wps::attr::secondary_device_types, std::array<std::uint8_t, 8>{0, 10});
    wps::put::wfa_extension(b.body(), true);
    std::array<std::uint8_t, 256> out{};
    byte_writer ow(out);
    b.emit(ow);
    auto els = ie::element_range::parse(ow.written());
    REQUIRE(els);
    const ie::vendor_stream s(*els, ie::vendor::wps);
    auto attrs = wps::attribute_range::parse(s.bytes());
    REQUIRE(attrs);
    CHECK(test::got(wps::u16_of(test::got(attrs->find(wps::attr::config_methods)))) == 0x0188);
    CHECK(test::got(wps::u16_of(test::got(attrs->find(wps::attr::device_password_id)))) == 5);
    CHECK(wps::text_of(test::got(attrs->find(wps::attr::device_name))) == "Laptop");
    CHECK(wps::device_type::from(test::got(attrs->find(wps::attr::primary_device_type)).data())
              .subcategory == 1);
    CHECK(test::got(attrs->find(wps::attr::vendor_extension)).size() == 9);
    CHECK(wps::attribute_name(wps::attr::device_password_id) == "Device Password ID");
    const std::uint8_t overrun[] = {0x10, 0x11, 0x00, 0x09, 'a'};
    CHECK(wps::attribute_range::parse(overrun).err().code == errc::overrun);
}

TEST_CASE("for_each_element validates and visits in one pass, stopping at the first fault",
          "[ieee80211][elements]") {
    const std::uint8_t good[] = {0, 3, 'a', 'b', 'c', 3, 1, 6, 255, 2, 35, 9};
    std::vector<std::uint8_t> ids, ext;
    auto n = ie::for_each_element(good, [&](const ie::element& e) {
        ids.push_back(e.id);
        ext.push_back(e.ext_id);
    });
    REQUIRE(n);
    CHECK(*n == 3);
    CHECK(ids == std::vector<std::uint8_t>{0, 3, 255});
    CHECK(ext.back() == 35);
    // A DS Parameter Set of no octet is skipped and counted; a truncated header ends the walk.
    const std::uint8_t skipped[] = {0, 1, 'a', 3, 0, 3, 1, 6};
    ids.clear();
    auto s = ie::for_each_element(skipped, [&](const ie::element& e) { ids.push_back(e.id); });
    REQUIRE(s);
    CHECK(*s == 3);
    CHECK(ids == std::vector<std::uint8_t>{0, 3});
    const std::uint8_t bad[] = {0, 1, 'a', 3};
    std::size_t visited = 0;
    auto r = ie::for_each_element(bad, [&](const ie::element&) { ++visited; });
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::truncated);
    CHECK(r.err().offset == 3);
    CHECK(visited == 1);
}

TEST_CASE("the elements' digest leaves out the TIM's contents and nothing else",
          "[ieee80211][digest]") {
    // An SSID, a TIM (octets 3 to 8), a CSA element and a vendor element: two runs, one of
    // three octets (a last word of two octets and one), one of 23 (two whole words and a last
    // word of four octets, two and one).
    const std::vector<std::uint8_t> a{0,    1,    'x',  5, 4, 0, 1, 0, 0, 37, 3, 0, 6, 5,  221, 16,
                                      0x50, 0x6f, 0x9a, 9, 1, 2, 3, 4, 5, 6,  7, 8, 9, 10, 11,  12};
    const auto digest = [](const std::vector<std::uint8_t>& e) {
        return ieee80211::elements_digest::compute(e);
    };
    const std::uint64_t d = digest(a);
    for (std::size_t i = 0; i < a.size(); ++i)
        for (const std::uint8_t flip : {0x01, 0x80}) {
            auto b = a;
            b[i] ^= flip;
            INFO("octet " << i << " flipped by " << int(flip));
            const bool in_tim = i >= 5 && i < 9;  // the TIM's contents
            CHECK((digest(b) == d) == in_tim);
        }
    // A change across two words one after the other in a lane: the top bit of one word's last
    // octet with a bit of the lane's next word (octets 15 and 18 of the second run: its second
    // word and its last word). A step that only multiplies carries the first to the same bit
    // whatever the data, where the second cancels it.
    auto two_words = a;
    two_words[9 + 15] ^= 0x80;
    two_words[9 + 18] ^= 0x40;
    CHECK(digest(two_words) != d);
    // A run's length counts: the same octets split otherwise by the TIM are other elements.
    auto moved = a;
    moved.erase(moved.begin() + 3, moved.begin() + 9);
    moved.insert(moved.begin() + 8, {5, 4, 0, 1, 0, 0});
    CHECK(digest(moved) != d);
    CHECK(digest({}) != digest({0, 0}));
    // Zero octets in front count, 256 of them too (128 empty SSID elements), though a zero word
    // leaves a zero running value as it is and only the length's low octet is taken.
    std::vector<std::uint8_t> zeros(256, 0);
    zeros.insert(zeros.end(), a.begin(), a.end());
    CHECK(digest(zeros) != d);
    CHECK(ieee80211::elements_digest::compute_all(zeros) !=
          ieee80211::elements_digest::compute_all(a));
    // Every octet, the TIM's included, counts in compute_all; a trailing octet too.
    const std::uint64_t all = ieee80211::elements_digest::compute_all(a);
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto b = a;
        b[i] ^= 0x01;
        INFO("octet " << i << " flipped");
        CHECK(ieee80211::elements_digest::compute_all(b) != all);
    }
    auto longer = a;
    longer.push_back(0);
    CHECK(ieee80211::elements_digest::compute_all(longer) != all);
    // Over elements without a TIM, compute_all is compute: one run.
    auto no_tim = a;
    no_tim.erase(no_tim.begin() + 3, no_tim.begin() + 9);
    CHECK(ieee80211::elements_digest::compute_all(no_tim) ==
          ieee80211::elements_digest::compute(no_tim));
}

namespace {
/// A probe request's elements: the P2P wildcard SSID, a P2P element of `p2p` and a WPS element
/// of `wps` (each left out when empty), the attributes as they are.
std::vector<std::uint8_t> go_probe(const std::vector<std::uint8_t>& p2p,
                                   const std::vector<std::uint8_t>& wps) {
    std::vector<std::uint8_t> out(600);
    byte_writer w(out);
    ie::put::ssid(w, "DIRECT-");
    if (!p2p.empty()) ie::put::vendor(w, ie::vendor::p2p, p2p);
    if (!wps.empty()) ie::put::vendor(w, ie::vendor::wps, wps);
    out.resize(w.size());
    return out;
}
std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
}  // namespace

TEST_CASE("a GO takes a request's P2P or WPS attributes it cannot parse as naming nothing",
          "[ieee80211][p2p]") {
    // hostapd's p2p_group_match_dev_type and p2p_group_match_dev_id answer a request whose WPS
    // attributes wps_parse_msg refuses, or whose P2P attributes p2p_parse_p2p_ie refuses, as
    // one without Requested Device Types or a Device ID.
    ie::vendor_ie_builder b(ie::vendor::p2p);  // the GO: device dev_b, type 1-0050F204-1
    ie::p2p::capability{0x25, 0x01}.write(b.body());
    test::device_info(b.body(), test::dev_b, "GO");
    std::array<std::uint8_t, 128> own_octets{};
    byte_writer ow(own_octets);
    b.emit(ow);
    const bytes_view own = ow.written();
    const std::vector<std::uint8_t> printer{0x10, 0x6a, 0, 8, 0, 3, 0, 0x50, 0xf2, 4, 0, 1},
        computer{0x10, 0x6a, 0, 8, 0, 1, 0, 0x50, 0xf2, 4, 0, 1},
        long_version{0x10, 0x4a, 0, 2, 0x10, 0x00},  // a Version has one octet
        id_a{ie::p2p::attr::device_id, 6, 0, 0x02, 0, 0, 0, 0, 0x0a},
        short_capability{ie::p2p::attr::capability, 1, 0, 0x25};  // two octets
    std::vector<std::uint8_t> id_b{ie::p2p::attr::device_id, 6, 0};
    id_b.insert(id_b.end(), test::dev_b.bytes().begin(), test::dev_b.bytes().end());
    const auto answers = [&](const std::vector<std::uint8_t>& p2p,
                             const std::vector<std::uint8_t>& wps) {
        return ie::p2p::group_answers_probe(go_probe(p2p, wps), own);
    };
    CHECK(answers({}, computer));
    CHECK_FALSE(answers({}, printer));
    CHECK(answers({}, concat(printer, long_version)));  // unparsable: no type asked for
    CHECK(answers({}, concat(long_version, printer)));
    CHECK(answers(id_b, {}));
    CHECK_FALSE(answers(id_a, {}));
    CHECK(answers(concat(id_a, short_capability), {}));  // unparsable: no Device ID
    CHECK(answers(concat(short_capability, id_a), {}));
    // Each stream on its own: an unparsable WPS element does not lift the Device ID's filter.
    CHECK_FALSE(answers(id_a, concat(printer, long_version)));
    CHECK_FALSE(answers(concat(id_a, short_capability), printer));
    // Of several Device IDs the last counts (p2p_parse_attribute keeps the last).
    CHECK(answers(concat(id_a, id_b), {}));
    CHECK_FALSE(answers(concat(id_b, id_a), {}));
    // A Device Info that does not read (its Device Name's header is not one) is a fault too.
    ie::vendor_ie_builder bad(ie::vendor::p2p);
    test::device_info(bad.body(), test::dev_a, "X");
    std::vector<std::uint8_t> info(bad.body().written().begin(), bad.body().written().end());
    info[info.size() - 5] ^= 0xff;  // the Device Name attribute's type, 0x1011
    CHECK(answers(concat(id_a, info), {}));
    info[info.size() - 5] ^= 0xff;
    CHECK_FALSE(answers(concat(id_a, info), {}));
}
