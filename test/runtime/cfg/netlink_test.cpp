// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

#include <softmac/cfg/nl80211.hpp>

using namespace softmac;
namespace nl = softmac::cfg::netlink;
namespace n80211 = softmac::cfg::nl80211;

namespace {
constexpr std::uint16_t family = 0x1c;  // what the controller would have assigned
const mac_address peer_mac = mac_address::parse("02:00:00:00:0b:00").value();
}  // namespace

TEST_CASE("a request encodes and decodes with its header and attributes", "[cfg][netlink]") {
    std::array<std::uint8_t, 256> buf{};
    nl::writer w(buf, family, NL80211_CMD_REMAIN_ON_CHANNEL, NLM_F_REQUEST | NLM_F_ACK, 7, 4242);
    w.value<std::uint32_t>(NL80211_ATTR_IFINDEX, 3)
        .value<std::uint32_t>(NL80211_ATTR_WIPHY_FREQ, 2437);
    w.value<std::uint32_t>(NL80211_ATTR_DURATION, 200);
    const auto wire = w.finish();
    REQUIRE(w.ok());
    CHECK(wire.size() == 20 + 3 * 8);
    CHECK(load_le32(wire.data()) == wire.size());
    auto d = n80211::decode_request(wire);
    REQUIRE(d);
    CHECK(d->msg.family == family);
    CHECK(d->msg.seq == 7);
    CHECK(d->msg.port == 4242);
    CHECK(d->msg.flags == (NLM_F_REQUEST | NLM_F_ACK));
    CHECK(d->msg.cmd == NL80211_CMD_REMAIN_ON_CHANNEL);
    CHECK(d->spec.flags & n80211::flag::admin);
    CHECK(d->msg.attrs.find(NL80211_ATTR_WIPHY_FREQ)->as<std::uint32_t>() == 2437u);
    CHECK(d->msg.attrs.find(NL80211_ATTR_DURATION)->as<std::uint32_t>() == 200u);
}

TEST_CASE("nested lists, padding, flags and 8-aligned u64 follow the netlink rules",
          "[cfg][netlink]") {
    std::array<std::uint8_t, 512> buf{};
    nl::writer w(buf, family, NL80211_CMD_TRIGGER_SCAN);
    w.value<std::uint32_t>(NL80211_ATTR_IFINDEX, 3);
    const auto ssids = w.begin(NL80211_ATTR_SCAN_SSIDS);
    w.bytes(1, as_bytes("DIRECT-"));
    w.bytes(2, {});  // wildcard
    w.end(ssids);
    const auto freqs = w.begin(NL80211_ATTR_SCAN_FREQUENCIES);
    for (std::uint32_t i = 0; i < 3; ++i)
        w.value<std::uint32_t>(std::uint16_t(i + 1), 2412 + 25 * i);
    w.end(freqs);
    w.flag(NL80211_ATTR_TX_NO_CCK_RATE);
    w.u64(NL80211_ATTR_WDEV, 0x100000001ull, NL80211_ATTR_PAD);
    const auto wire = w.finish();
    REQUIRE(w.ok());
    auto d = n80211::decode_request(wire);
    REQUIRE(d);
    auto s = d->msg.attrs.find(NL80211_ATTR_SCAN_SSIDS);
    REQUIRE(s);
    CHECK(s->nested);
    auto inner = nl::attributes::parse(s->data);
    REQUIRE(inner);
    std::vector<std::string> names;
    for (auto a : *inner) names.emplace_back(a.as_string());
    CHECK(names == std::vector<std::string>{"DIRECT-", ""});
    auto f = nl::attributes::parse(d->msg.attrs.find(NL80211_ATTR_SCAN_FREQUENCIES)->data);
    std::vector<std::uint32_t> mhz;
    for (auto a : *f) mhz.push_back(*a.as<std::uint32_t>());
    CHECK(mhz == std::vector<std::uint32_t>{2412, 2437, 2462});
    CHECK(d->msg.attrs.find(NL80211_ATTR_TX_NO_CCK_RATE)->data.empty());
    auto wdev = d->msg.attrs.find(NL80211_ATTR_WDEV);
    REQUIRE(wdev);
    CHECK(*wdev->as<std::uint64_t>() == 0x100000001ull);
    CHECK((wdev->data.data() - wire.data()) % 8 == 0);  // the payload is 8-aligned in the message
    // "DIRECT-" is 7 octets: nla_len 11, padded to 12.
    CHECK(load_le16(s->data.data()) == 11);
}

TEST_CASE("malformed messages are errors, never overreads", "[cfg][netlink]") {
    std::array<std::uint8_t, 64> buf{};
    nl::writer w(buf, family, NL80211_CMD_DISCONNECT);
    w.value<std::uint32_t>(NL80211_ATTR_IFINDEX, 1)
        .value<std::uint16_t>(NL80211_ATTR_REASON_CODE, 3);
    const auto wire = w.finish();
    std::vector<std::uint8_t> m(wire.begin(), wire.end());
    CHECK(n80211::decode_request(m));
    CHECK(n80211::decode_request(bytes_view(m).first(19)).err().code == errc::truncated);
    auto bad = m;
    store_le32(bad.data(), 200);  // length beyond the buffer
    CHECK(n80211::decode_request(bad).err().code == errc::bad_length);
    bad = m;
    store_le16(bad.data() + 20, 2);  // nla_len below the header size
    CHECK(n80211::decode_request(bad).err().code == errc::bad_length);
    bad = m;
    store_le16(bad.data() + 28, 40);  // second attribute overruns
    CHECK(n80211::decode_request(bad).err().code == errc::overrun);
    bad = m;
    bad[16] = 250;  // command nl80211 does not serve here
    CHECK(n80211::decode_request(bad).err().code == errc::not_supported);
}

TEST_CASE("policy violations name the attribute", "[cfg][netlink]") {
    std::array<std::uint8_t, 256> buf{};
    auto check = [&](auto build, std::uint16_t attr, std::string why) {
        nl::writer w(buf, family, NL80211_CMD_FRAME);
        build(w);
        std::optional<nl::violation> v;
        auto d = n80211::decode_request(w.finish(), &v);
        REQUIRE_FALSE(d);
        REQUIRE(v);
        CHECK(v->attr == attr);
        CHECK(std::string(v->why) == why);
        CHECK(d.err().offset == attr);
    };
    check([](nl::writer& w) { w.value<std::uint32_t>(NL80211_ATTR_WIPHY_FREQ, 2412); },
          NL80211_ATTR_FRAME, "required attribute missing");
    check([](nl::writer& w) { w.value<std::uint16_t>(NL80211_ATTR_WIPHY_FREQ, 2412); },
          NL80211_ATTR_WIPHY_FREQ, "attribute must be a u32");
    check([](nl::writer& w) { w.bytes(NL80211_ATTR_IFNAME, as_bytes("wlan0")); },
          NL80211_ATTR_IFNAME, "string attribute must end in NUL");
    check([](nl::writer& w) { w.bytes(NL80211_ATTR_FRAME, as_bytes("short")); }, NL80211_ATTR_FRAME,
          "attribute shorter than required");
    check([](nl::writer& w) { w.bytes(NL80211_ATTR_MAC, as_bytes("12345")); }, NL80211_ATTR_MAC,
          "attribute must be a MAC address");
    check([](nl::writer& w) { w.value<std::uint8_t>(NL80211_ATTR_TX_NO_CCK_RATE, 1); },
          NL80211_ATTR_TX_NO_CCK_RATE, "flag attribute must be empty");
}

TEST_CASE("every served command round-trips with its required attributes", "[cfg][netlink]") {
    for (const auto& spec : n80211::commands) {
        INFO(int(spec.cmd));
        std::array<std::uint8_t, 512> buf{};
        nl::writer w(buf, family, spec.cmd, NLM_F_REQUEST, spec.cmd);
        w.value<std::uint32_t>(NL80211_ATTR_IFINDEX, 2);
        for (auto attr : spec.required_attrs()) {
            switch (n80211::attr_policy[attr].type) {
                case nl::kind::u8:
                    w.value<std::uint8_t>(attr, 1);
                    break;
                case nl::kind::u16:
                    w.value<std::uint16_t>(attr, 3);
                    break;
                case nl::kind::u32:
                    w.value<std::uint32_t>(attr, 2412);
                    break;
                case nl::kind::u64:
                    w.u64(attr, 99, NL80211_ATTR_PAD);
                    break;
                case nl::kind::mac:
                    w.mac(attr, peer_mac);
                    break;
                case nl::kind::string:
                    w.string(attr, "wlan1");
                    break;
                default: {
                    std::array<std::uint8_t, 24> payload{};
                    w.bytes(attr, payload);
                }
            }
        }
        auto d = n80211::decode_request(w.finish());
        REQUIRE(d);
        CHECK(d->msg.cmd == spec.cmd);
        CHECK(d->msg.seq == spec.cmd);
        CHECK(d->spec.flags == spec.flags);
    }
    CHECK(n80211::find_command(NL80211_CMD_GET_WIPHY)->flags ==
          (n80211::flag::need_wiphy | n80211::flag::dump));
    CHECK_FALSE(n80211::find_command(NL80211_CMD_GET_WIPHY)->flags & n80211::flag::admin);
}

TEST_CASE("an event (FRAME_TX_STATUS) encodes and decodes", "[cfg][netlink]") {
    std::array<std::uint8_t, 128> buf{};
    const std::uint8_t frame[24] = {0xd0};
    nl::writer w(buf, family, NL80211_CMD_FRAME_TX_STATUS, 0);
    w.value<std::uint32_t>(NL80211_ATTR_WIPHY, 0)
        .u64(NL80211_ATTR_COOKIE, 0xabcdef, NL80211_ATTR_PAD);
    w.bytes(NL80211_ATTR_FRAME, frame).flag(NL80211_ATTR_ACK);
    auto m = nl::message::parse(w.finish());
    REQUIRE(m);
    CHECK_FALSE(nl::validate(m->attrs, n80211::attr_policy, {}));
    CHECK(m->attrs.find(NL80211_ATTR_COOKIE)->as<std::uint64_t>() == 0xabcdefu);
    CHECK(m->attrs.find(NL80211_ATTR_ACK));
    CHECK(m->attrs.find(NL80211_ATTR_FRAME)->data.size() == 24);
}
