// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include "hex.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <softmac/wps/eap.hpp>

using namespace softmac;
namespace eap = softmac::wps::eap;

namespace {

using test::hex;

std::vector<std::uint8_t> to_octets(bytes_view b) { return {b.begin(), b.end()}; }

eap::wsc wsc_of(std::uint8_t op, std::uint8_t flags, std::uint16_t length, bytes_view data) {
    return {op, flags, length, data};
}

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> m(n);
    for (std::size_t i = 0; i < n; ++i) m[i] = static_cast<std::uint8_t>(i * 31 + (i >> 8));
    return m;
}

}  // namespace

TEST_CASE("EAP-Request/Identity matches the reference octets", "[wps][eap]") {
    const auto f = eap::eapol_identity_request(2, 4);
    CHECK(f == hex("02 00 00 05  01 04 00 05 01"));
    auto p = eap::parse_eapol(f);
    REQUIRE(p);
    CHECK(p->code == eap::code::request);
    CHECK(p->id == 4);
    CHECK(p->type == eap::method::identity);
    CHECK(p->data.empty());
}

TEST_CASE("EAP-Response/Identity of the enrollee matches the reference octets", "[wps][eap]") {
    const auto f = eap::eapol_identity_response(1, 4, eap::enrollee_identity);
    CHECK(f == hex("01 00 00 22  02 04 00 22 01"
                   "5746412d53696d706c65436f6e6669672d456e726f6c6c65652d312d30"));
    auto p = eap::parse_eapol(f);
    REQUIRE(p);
    CHECK(p->code == eap::code::response);
    CHECK(p->id == 4);
    CHECK(p->type == eap::method::identity);
    CHECK(to_octets(p->data) == to_octets(as_bytes(eap::enrollee_identity)));
    CHECK(eap::enrollee_identity.size() == 29);
    CHECK(eap::registrar_identity.size() == 30);
}

TEST_CASE("WSC_Start matches the reference octets", "[wps][eap]") {
    const auto f = eap::eapol_wsc(2, eap::code::request, 5, eap::op::start, 0, 0, {});
    CHECK(f == hex("02 00 00 0e  01 05 00 0e fe 00372a 00000001 01 00"));
    auto p = eap::parse_eapol(f);
    REQUIRE(p);
    CHECK(p->code == eap::code::request);
    CHECK(p->id == 5);
    CHECK(p->type == eap::method::expanded);
    auto w = eap::parse_wsc(*p);
    REQUIRE(w);
    CHECK(w->op == eap::op::start);
    CHECK(w->flags == 0);
    CHECK(w->message_length == 0);
    CHECK(w->data.empty());
}

TEST_CASE("EAP-Failure matches the reference octets", "[wps][eap]") {
    const auto f = eap::eapol_failure(2, 12);
    CHECK(f == hex("02 00 00 04  04 0c 00 04"));
    auto p = eap::parse_eapol(f);
    REQUIRE(p);
    CHECK(p->code == eap::code::failure);
    CHECK(p->id == 12);
    CHECK(p->type == 0);
    CHECK(p->data.empty());
    CHECK_FALSE(eap::parse_wsc(*p));
}

TEST_CASE("EAPOL-Start is four octets", "[wps][eap]") {
    CHECK(eap::eapol_start(1) == hex("01 01 00 00"));
    CHECK(eap::eapol_start(2) == hex("02 01 00 00"));
    CHECK_FALSE(eap::parse_eapol(eap::eapol_start(1)));
}

TEST_CASE("a WSC_MSG with Message Length round-trips through build and parse", "[wps][eap]") {
    const auto data = hex("10 4a 00 01 10 10 22 00 01 04");
    const auto f = eap::eapol_wsc(1, eap::code::response, 9, eap::op::msg,
                                  eap::flag::more | eap::flag::length, 300, data);
    CHECK(f == hex("01 00 00 1a  02 09 00 1a fe 00372a 00000001 04 03 012c"
                   "104a000110102200 0104"));
    auto p = eap::parse_eapol(f);
    REQUIRE(p);
    auto w = eap::parse_wsc(*p);
    REQUIRE(w);
    CHECK(w->op == eap::op::msg);
    CHECK(w->flags == 3);
    CHECK(w->message_length == 300);
    CHECK(to_octets(w->data) == data);
}

TEST_CASE("the WSC_Done signature sits at octets 23 to 27 of the EAPOL frame", "[wps][eap]") {
    const auto done = hex("10 4a 00 01 10 10 22 00 01 0f");
    const auto f = eap::eapol_wsc(1, eap::code::response, 11, eap::op::done, 0, 0, done);
    REQUIRE(f.size() >= 28);
    CHECK(std::vector<std::uint8_t>(f.begin() + 23, f.begin() + 28) == hex("10 22 00 01 0f"));
}

TEST_CASE("EAP parse checks Length against the buffer and ignores trailing octets", "[wps][eap]") {
    SECTION("shorter than the header") {
        auto r = eap::parse(hex("01 04 00"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::truncated);
    }
    SECTION("Length beyond the buffer") {
        auto r = eap::parse(hex("01 04 00 06 01"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::overrun);
    }
    SECTION("Length below the header") {
        auto r = eap::parse(hex("03 04 00 03"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::bad_length);
    }
    SECTION("trailing octets after Length are cut") {
        const auto b = hex("02 04 00 06 01 41 42 43");
        auto r = eap::parse(b);
        REQUIRE(r);
        CHECK(to_octets(r->data) == hex("41"));
    }
    SECTION("Request without a Type") {
        auto r = eap::parse(hex("01 04 00 04"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::bad_length);
    }
    SECTION("Failure longer than 4 octets") {
        auto r = eap::parse(hex("04 04 00 05 00"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::bad_length);
    }
    SECTION("Success of exactly 4 octets") {
        auto r = eap::parse(hex("03 07 00 04 ff"));
        REQUIRE(r);
        CHECK(r->code == eap::code::success);
        CHECK(r->type == 0);
    }
    SECTION("unknown Code") {
        auto r = eap::parse(hex("05 04 00 05 01"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::bad_value);
    }
}

TEST_CASE("EAPOL parse checks the packet type and the body length", "[wps][eap]") {
    SECTION("short header") { CHECK_FALSE(eap::parse_eapol(hex("02 00 00"))); }
    SECTION("EAPOL-Key is not an EAP-Packet") {
        auto r = eap::parse_eapol(hex("02 03 00 04 04 0c 00 04"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::bad_value);
    }
    SECTION("body length beyond the frame") {
        auto r = eap::parse_eapol(hex("02 00 00 05 04 0c 00 04"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::overrun);
    }
    SECTION("EAP Length beyond the body") {
        auto r = eap::parse_eapol(hex("02 00 00 04 01 04 00 05 01"));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::overrun);
        CHECK(r.err().offset == 6);
    }
    SECTION("octets after the body are ignored") {
        auto r = eap::parse_eapol(hex("02 00 00 04 04 0c 00 04 00 00 00"));
        REQUIRE(r);
        CHECK(r->code == eap::code::failure);
    }
}

TEST_CASE("EAP-WSC parse rejects foreign types and malformed headers", "[wps][eap]") {
    auto wsc = [](std::string_view h) {
        const auto b = hex(h);
        auto p = eap::parse(b);
        REQUIRE(p);
        auto w = eap::parse_wsc(*p);
        return w ? std::optional<errc>{} : w.err().code;
    };
    const std::optional<errc> ok;
    CHECK(wsc("02 01 00 0e fe 00372a 00000001 04 00") == ok);
    CHECK(wsc("02 01 00 06 01 41") == errc::unsupported);                      // Identity
    CHECK(wsc("02 01 00 0d fe 00372a 00000001 04") == errc::truncated);        // no Flags
    CHECK(wsc("02 01 00 08 fe 00372a") == errc::truncated);                    // no Vendor-Type
    CHECK(wsc("02 01 00 0e fe 00372b 00000001 04 00") == errc::unsupported);   // vendor
    CHECK(wsc("02 01 00 0e fe 00372a 00000002 04 00") == errc::unsupported);   // vendor type
    CHECK(wsc("02 01 00 0e fe 00372a 00000001 00 00") == errc::bad_value);     // op 0
    CHECK(wsc("02 01 00 0e fe 00372a 00000001 07 00") == errc::bad_value);     // op 7
    CHECK(wsc("02 01 00 0e fe 00372a 00000001 06 00") == ok);                  // FRAG_ACK
    CHECK(wsc("02 01 00 0e fe 00372a 00000001 04 02") == errc::truncated);     // LF, no length
    CHECK(wsc("02 01 00 0f fe 00372a 00000001 04 02 01") == errc::truncated);  // LF, 1 octet
    CHECK(wsc("02 01 00 10 fe 00372a 00000001 04 02 0000") == ok);             // LF, 0 data
}

TEST_CASE("fragmenter and reassembler round-trip every message size", "[wps][eap]") {
    const std::size_t sizes[] = {0, 1, 2, 3, 4, 5, 1395, 1396, 1397, 1398, 1399, 5000, 50000};
    const std::size_t budgets[] = {eap::peer_fragment_size, eap::server_fragment_size, 10, 5, 4, 3};
    for (std::size_t budget : budgets) {
        for (std::size_t size : sizes) {
            if (budget < 100 && size > 5000) continue;  // 50000 in 3-octet steps is slow
            CAPTURE(budget, size);
            const auto msg = pattern(size);
            eap::fragmenter fr(eap::op::msg, msg, budget);
            const std::size_t limit = std::max(budget, eap::min_fragment_size);
            CHECK(fr.fragment_size() == limit);
            eap::reassembler re;
            std::size_t count = 0;
            eap::reassembler::status st = eap::reassembler::status::error;
            const bool fragmented = 2 + size > limit;
            while (!fr.done()) {
                const auto p = fr.next();
                const std::size_t on_air =
                    2 + ((p.flags & eap::flag::length) ? 2 : 0) + p.data.size();
                CHECK(on_air <= limit);
                CHECK(p.op == eap::op::msg);
                if (!fragmented) {
                    CHECK(p.flags == 0);
                    CHECK(p.message_length == 0);
                } else if (count == 0) {
                    CHECK(p.flags == (eap::flag::more | eap::flag::length));
                    CHECK(p.message_length == size);
                    CHECK(on_air == limit);
                } else if (!fr.done()) {
                    CHECK(p.flags == eap::flag::more);
                    CHECK(on_air == limit);
                } else {
                    CHECK(p.flags == 0);
                }
                // Through the wire format and back.
                const auto f = eap::eapol_wsc(1, eap::code::response, 1, p.op, p.flags,
                                              p.message_length, p.data);
                auto pk = eap::parse_eapol(f);
                REQUIRE(pk);
                auto w = eap::parse_wsc(*pk);
                REQUIRE(w);
                st = re.feed(*w);
                ++count;
                if (!fr.done()) REQUIRE(st == eap::reassembler::status::need_frag_ack);
            }
            REQUIRE(st == eap::reassembler::status::complete);
            CHECK(re.op() == eap::op::msg);
            CHECK(to_octets(re.message()) == msg);
            if (!fragmented) CHECK(count == 1);
            if (budget == eap::peer_fragment_size) {
                // 1394 data octets fit the first fragment, 1396 each following one.
                const std::size_t expect = size <= 1396 ? 1 : 2 + (size - 1394 - 1) / 1396;
                CHECK(count == expect);
            }
        }
    }
}

TEST_CASE("the 1398 budget splits a 1397-octet message after 1394 octets", "[wps][eap]") {
    eap::fragmenter fr(eap::op::msg, pattern(1397), eap::peer_fragment_size);
    const auto a = fr.next();
    CHECK(a.flags == 3);
    CHECK(a.message_length == 1397);
    CHECK(a.data.size() == 1394);
    REQUIRE_FALSE(fr.done());
    const auto b = fr.next();
    CHECK(b.flags == 0);
    CHECK(b.data.size() == 3);
    CHECK(fr.done());
}

TEST_CASE("reassembler rejects inconsistent fragments", "[wps][eap]") {
    using st = eap::reassembler::status;
    const auto d = pattern(100);
    const bytes_view ten = bytes_view(d).first(10);
    const std::uint8_t mf = eap::flag::more, mflf = eap::flag::more | eap::flag::length;
    eap::reassembler re;

    SECTION("a first fragment without Message Length") {
        CHECK(re.feed(wsc_of(eap::op::msg, mf, 0, ten)) == st::error);
    }
    SECTION("Message Length below the first fragment") {
        CHECK(re.feed(wsc_of(eap::op::msg, mflf, 9, ten)) == st::error);
        CHECK(re.feed(wsc_of(eap::op::msg, mflf, 10, ten)) == st::need_frag_ack);
    }
    SECTION("Message Length above 50000") {
        CHECK(re.feed(wsc_of(eap::op::msg, mflf, 50001, ten)) == st::error);
        CHECK(re.feed(wsc_of(eap::op::msg, mflf, 50000, ten)) == st::need_frag_ack);
    }
    SECTION("an unfragmented packet with a Message Length below its data") {
        CHECK(re.feed(wsc_of(eap::op::msg, eap::flag::length, 9, ten)) == st::error);
        CHECK(re.feed(wsc_of(eap::op::msg, eap::flag::length, 10, ten)) == st::complete);
    }
    SECTION("an Op-Code change between fragments") {
        REQUIRE(re.feed(wsc_of(eap::op::msg, mflf, 20, ten)) == st::need_frag_ack);
        CHECK(re.feed(wsc_of(eap::op::done, 0, 0, ten)) == st::error);
        CHECK_FALSE(re.in_progress());
    }
    SECTION("fragments beyond the announced length") {
        REQUIRE(re.feed(wsc_of(eap::op::msg, mflf, 15, ten)) == st::need_frag_ack);
        CHECK(re.feed(wsc_of(eap::op::msg, mf, 0, ten)) == st::error);
    }
    SECTION("a middle fragment filling the announced length then one more octet") {
        REQUIRE(re.feed(wsc_of(eap::op::msg, mflf, 20, ten)) == st::need_frag_ack);
        REQUIRE(re.feed(wsc_of(eap::op::msg, mf, 0, ten)) == st::need_frag_ack);
        CHECK(re.feed(wsc_of(eap::op::msg, 0, 0, ten.first(1))) == st::error);
    }
    SECTION("a last fragment short of the announced length") {
        REQUIRE(re.feed(wsc_of(eap::op::msg, mflf, 25, ten)) == st::need_frag_ack);
        CHECK(re.feed(wsc_of(eap::op::msg, 0, 0, ten)) == st::error);
    }
    SECTION("the announced length met exactly") {
        REQUIRE(re.feed(wsc_of(eap::op::msg, mflf, 20, ten)) == st::need_frag_ack);
        REQUIRE(re.feed(wsc_of(eap::op::msg, 0, 0, ten)) == st::complete);
        CHECK(re.message().size() == 20);
    }
    SECTION("WSC_FRAG_ACK is not a fragment") {
        CHECK(re.feed(wsc_of(eap::op::frag_ack, 0, 0, {})) == st::error);
        REQUIRE(re.feed(wsc_of(eap::op::msg, mflf, 20, ten)) == st::need_frag_ack);
        CHECK(re.feed(wsc_of(eap::op::frag_ack, 0, 0, {})) == st::error);
    }
    SECTION("an unfragmented packet over 50000 octets") {
        const auto big = pattern(eap::max_message + 1);
        CHECK(re.feed(wsc_of(eap::op::msg, 0, 0, big)) == st::error);
        CHECK(re.feed(wsc_of(eap::op::msg, 0, 0, bytes_view(big).first(eap::max_message))) ==
              st::complete);
    }
    SECTION("a new message starts after an error or a completion") {
        REQUIRE(re.feed(wsc_of(eap::op::msg, mf, 0, ten)) == st::error);
        REQUIRE(re.feed(wsc_of(eap::op::ack, 0, 0, ten)) == st::complete);
        CHECK(re.op() == eap::op::ack);
        REQUIRE(re.feed(wsc_of(eap::op::nack, mflf, 11, ten)) == st::need_frag_ack);
        REQUIRE(re.feed(wsc_of(eap::op::nack, 0, 0, ten.first(1))) == st::complete);
        CHECK(re.op() == eap::op::nack);
        CHECK(to_octets(re.message()) == [&] {
            auto v = to_octets(ten);
            v.push_back(ten[0]);
            return v;
        }());
    }
    SECTION("reset drops a partial message") {
        REQUIRE(re.feed(wsc_of(eap::op::msg, mflf, 20, ten)) == st::need_frag_ack);
        re.reset();
        CHECK_FALSE(re.in_progress());
        CHECK(re.feed(wsc_of(eap::op::done, 0, 0, ten)) == st::complete);
    }
}
