// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include "hex.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <softmac/crypto/primitives.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/rsn/authenticator.hpp>
#include <softmac/rsn/keys.hpp>
#include <softmac/rsn/supplicant.hpp>

#include "got.hpp"

using namespace softmac;
namespace ie = softmac::ieee80211;

namespace {

using test::hex;

std::vector<std::uint8_t> vec(bytes_view b) { return {b.begin(), b.end()}; }

using test::mac;

crypto::psk test_wpa_psk() {
    return *crypto::psk_from_passphrase("EasilyGuessedPassword", as_bytes("TestWPA"));
}

// Handshake B (iwd unit/test-eapol.c eapol_wpa2_handshake_test).
const auto b_m1 =
    hex("0203005f02008a001000000000000000012b5852b88e4ca34dc599ed202c6395"
        "7c535e3efa9289873411127cbaf3588425000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "000000");
const auto b_m2 =
    hex("0203007302010a00000000000000000001727c656c5ed642d7f47f484351d808"
        "945118da6a4933ac7e293f2f2ac088348c000000000000000000000000000000"
        "00000000000000000000000000000000007d7c45989f492b4a36583529282d8f"
        "ed001430120100000fac040100000fac040100000fac02");
const auto b_m3 =
    hex("020300970213ca001000000000000000022b5852b88e4ca34dc599ed202c6395"
        "7c535e3efa9289873411127cbaf3588425000000000000000000000000000000"
        "0000000000000000000000000000000000f8626a5776c733bfc071de62ebf7a7"
        "c5003814dd52803dc83df7ba7eb648296d650e88ccc8dd676204a2c7c1f2650b"
        "caf96b66f5b43d9926adc5ce18c0a99be50e508584b157e37a5e0f");
const auto b_m4 =
    hex("0203005f02030a00000000000000000002000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000008b0f342349f08503e5fc54b72cb532"
        "660000");
const auto b_g1 =
    hex("0203007f02138200100000000000000003ef6dc20c5727e82507751e67369dc9"
        "1ef1718eb135b212df9fcb0a65a2d5671d000000000000000000000000000000"
        "00000000000000000000000000000000000f6ab075bc8ed19211cdc3b0e2d67e"
        "cf0020e9965b4685d58b88bd574857e4f0dfddf72a7aa8eb68a9ef4404a66faa"
        "48511b");
const auto b_g2 =
    hex("0203005f02030200000000000000000003000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000c9bd17f154b732cfbc01db0c37e633"
        "9f0000");

// Handshake A (iwd unit/test-eapol.c eapol_4way_test, eapol_key_data_3..6).
const auto a_m1 =
    hex("0203005f02008a00100000000000000000c2bb57ab588f92ebbd44e811094f60"
        "1c087986030c3ac749cc61d63e33832e50000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "000000");
const auto a_m2 =
    hex("0103007502010a000000000000000000003289e91565094f329a9cd54a4a090d"
        "2cf4344683bf50efee3608b64856800e84000000000000000000000000000000"
        "000000000000000000000000000000000001c31b82ff62a379b08dd1fc82c2f7"
        "68001630140100000fac040100000fac040100000fac020000");
const auto a_m3 =
    hex("020300970213ca00100000000000000001c2bb57ab588f92ebbd44e811094f60"
        "1c087986030c3ac749cc61d63e33832e50000000000000000000000000000000"
        "0000000000000000000000000000000000f535d91809731a1d290894705e919c"
        "8e00381918df1ef0e7696652e257938034e17038b98b4c45a923b7b6fa8c33e3"
        "7bdcd47feab11c226a2c5e38d5ad799405d610a69551d60be60a5b");
const auto a_m4 =
    hex("0103005f02030a00000000000000000001000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000009e57a4c09bafb3375e46d386cf8727"
        "530000");

}  // namespace

TEST_CASE("passphrase to PSK matches the IEEE and RFC 6070 vectors", "[rsn][keys]") {
    CHECK(vec(*crypto::psk_from_passphrase("password", as_bytes("IEEE"))) ==
          hex("f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e"));
    CHECK(vec(*crypto::psk_from_passphrase("ThisIsAPassword", as_bytes("ThisIsASSID"))) ==
          hex("0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af"));
    CHECK(vec(*crypto::psk_from_passphrase(std::string(32, 'a'), as_bytes(std::string(32, 'Z')))) ==
          hex("becb93866bb8c3832cb777c2f559807c8c59afcb6eae734885001300a981cc62"));
    CHECK(vec(test_wpa_psk()) ==
          hex("bf9aa3155300125e7a5ebb2a549f8cd4edab8ee12e94bfc24b3357ad049665d9"));
    CHECK(vec(*crypto::psk_from_passphrase("12345678", as_bytes("DIRECT-ab"))) ==
          hex("63f05ead0a77ff998cc82c3f4dab8d12bd7a53b5fc8a69a7b27dcca4f13066c1"));
    // RFC 6070 (c = 4096, dkLen = 20): PBKDF2's first 20 octets are its first block T1, the
    // same for dkLen 32, so the 32-octet primitive's prefix is the RFC's output.
    const auto rfc = *crypto::psk_from_passphrase("password", as_bytes("salt"));
    CHECK(vec(bytes_view(rfc).first(20)) == hex("4b007901b765489abead49d926f721d065a429c1"));
}

TEST_CASE("PRF-SHA1 matches the IEEE prefix vectors", "[rsn][keys]") {
    struct v {
        std::vector<std::uint8_t> key, data;
        std::string_view expected;
    };
    const v vectors[] = {
        {std::vector<std::uint8_t>(20, 0x0b), vec(as_bytes("Hi There")),
         "bcd4c650b30b9684951829e0d75f9d54b862175ed9f00606e17d8da35402ffee"
         "75df78c3d31e0f889f012120c0862beb67753e7439ae242edb8373698356cf5a"},
        {vec(as_bytes("Jefe")), vec(as_bytes("what do ya want for nothing?")),
         "51f4de5b33f249adf81aeb713a3c20f4fe631446fabdfa58244759ae58ef9009"
         "a99abf4eac2ca5fa87e692c440eb40023e7babb206d61de7b92f41529092b8fc"},
        {std::vector<std::uint8_t>(20, 0xaa), std::vector<std::uint8_t>(50, 0xdd),
         "e1ac546ec4cb636f9976487be5c86be17a0252ca5d8d8df12cfb0473525249ce"
         "9dd8d177ead710bc9b590547239107aef7b4abd43d87f0a68f1cbd9e2b6f7607"},
    };
    for (const auto& t : vectors) {
        std::array<std::uint8_t, 64> out{};
        REQUIRE(crypto::prf_sha1(t.key, "prefix", t.data, out));
        CHECK(vec(out) == hex(t.expected));
    }
}

TEST_CASE("PTK derivation matches the IEEE key hierarchy vector", "[rsn][keys]") {
    const auto pmk = hex("0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af");
    const auto snonce = hex("c0c1c2c3c4c5c6c7c8c9d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5");
    const auto anonce = hex("e0e1e2e3e4e5e6e7e8e9f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405");
    const auto aa = mac("a0:a1:a1:a3:a4:a5"), spa = mac("b0:b1:b2:b3:b4:b5");
    auto p = rsn::derive_ptk(pmk, aa, spa, anonce, snonce);
    REQUIRE(p);
    CHECK(vec(p->kck) == hex("379f9852d0199236b94e407ce4c00ec8"));
    CHECK(vec(p->kek) == hex("47c9edc01c2c6e5b4910caddfb3e51a7"));
    CHECK(vec(p->tk) == hex("b2360c79e9710fdd58bea93deaf06599"));
    // The derivation is symmetric: either side gets the same PTK.
    auto q = rsn::derive_ptk(pmk, aa, spa, anonce, snonce);
    CHECK(vec(q->tk) == vec(p->tk));
    CHECK_FALSE(rsn::derive_ptk(pmk, aa, spa, bytes_view(anonce).first(31), snonce));
}

TEST_CASE("EAPOL-Key MIC matches the iwd HMAC-SHA1-128 vector", "[rsn][keys]") {
    const auto kck = hex("9a75ef0bde7c209ccae13f54b1b33ea3");
    auto frame =
        hex("0103007502010a00100000000000000001 "
            "59168bc3a5df18d71efb6423f340088dab9e1ba2bbc58659e07b3764b0de8570"
            "00000000000000000000000000000000 0000000000000000 0000000000000000 "
            "00000000000000000000000000000000"
            "0016 30140100000fac040100000fac040100000fac020100");
    REQUIRE(frame.size() == 121);
    auto m = rsn::compute_mic(kck, frame);
    REQUIRE(m);
    CHECK(vec(*m) == hex("6f0489cf7406acf0ae8fcb32bce57c37"));
    REQUIRE(rsn::write_mic(kck, frame));
    CHECK(rsn::verify_mic(kck, frame));
    frame[120] ^= 1;
    CHECK_FALSE(rsn::verify_mic(kck, frame));
}

TEST_CASE("AES key wrap matches RFC 3394 and Key Data gets hostapd's padding", "[rsn][keys]") {
    const auto kek = hex("000102030405060708090a0b0c0d0e0f");
    const auto plain = hex("00112233445566778899aabbccddeeff");
    std::array<std::uint8_t, 64> out{};
    auto n = rsn::wrap_key_data(kek, plain, out);
    REQUIRE(n);
    CHECK(vec(bytes_view(out).first(*n)) ==
          hex("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"));
    std::array<std::uint8_t, 64> back{};
    auto u = rsn::unwrap_key_data(kek, bytes_view(out).first(*n), back);
    REQUIRE(u);
    CHECK(vec(bytes_view(back).first(*u)) == plain);
    // 46 octets (RSN IE + GTK KDE) pad to 48 with dd 00 and wrap to 56.
    std::vector<std::uint8_t> kd(46, 0x11);
    n = rsn::wrap_key_data(kek, kd, out);
    REQUIRE(n);
    CHECK(*n == 56);
    u = rsn::unwrap_key_data(kek, bytes_view(out).first(*n), back);
    REQUIRE(u);
    CHECK(*u == 48);
    CHECK(back[46] == 0xdd);
    CHECK(back[47] == 0x00);
    out[3] ^= 0x40;  // the ICV catches a flipped bit
    CHECK_FALSE(rsn::unwrap_key_data(kek, bytes_view(out).first(56), back));
}

TEST_CASE("EAPOL-Key parser reads every field of the handshake B frames", "[rsn][eapol_key]") {
    auto m1 = ie::eapol_key::parse(b_m1);
    REQUIRE(m1);
    CHECK(m1->protocol_version == 2);
    CHECK(m1->info == ie::key_info::msg1);
    CHECK(m1->key_length == 16);
    CHECK(m1->replay_counter == 1);
    CHECK(m1->key_data.empty());
    CHECK(m1->descriptor_version() == 2);
    CHECK(m1->is_pairwise());
    auto m3 = ie::eapol_key::parse(b_m3);
    REQUIRE(m3);
    CHECK(m3->info == ie::key_info::msg3);
    CHECK(m3->replay_counter == 2);
    CHECK(m3->key_data.size() == 56);
    CHECK(m3->frame.size() == b_m3.size());
    CHECK(vec(m3->nonce) == vec(m1->nonce));
    CHECK(test::got(ie::eapol_key::parse(b_m2)).info == ie::key_info::msg2);
    CHECK(test::got(ie::eapol_key::parse(b_m4)).info == ie::key_info::msg4);
    CHECK(test::got(ie::eapol_key::parse(b_g1)).info == ie::key_info::group1);
    CHECK(test::got(ie::eapol_key::parse(b_g2)).info == ie::key_info::group2);
    CHECK(test::got(ie::eapol_key::parse(b_g2)).replay_counter == 3);
}

TEST_CASE("EAPOL-Key parser rejects short and inconsistent frames in order", "[rsn][eapol_key]") {
    // Every truncation of a valid frame fails without reading past it.
    for (std::size_t n = 0; n < b_m3.size(); ++n) {
        std::vector<std::uint8_t> cut(b_m3.begin(), b_m3.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK_FALSE(ie::eapol_key::parse(cut));
    }
    auto f = b_m1;
    f[1] = 0;  // EAP packet
    CHECK(ie::eapol_key::parse(f).err().code == errc::bad_value);
    f = b_m1;
    f[3] = 0x60;  // body one octet longer than the frame
    CHECK(ie::eapol_key::parse(f).err().code == errc::overrun);
    f = b_m1;
    f[3] = 0x5e;  // body one octet shorter than the fixed part
    CHECK(ie::eapol_key::parse(f).err().code == errc::bad_length);
    f = b_m1;
    f[4] = 254;  // WPA1 descriptor
    CHECK(ie::eapol_key::parse(f).err().code == errc::unsupported);
    f = b_m1;
    f[98] = 1;  // Key Data Length 1, body has none
    CHECK(ie::eapol_key::parse(f).err().code == errc::overrun);
    // Trailing octets after the body (802.11 padding) are cut off.
    f = b_m4;
    f.push_back(0xaa);
    auto k = ie::eapol_key::parse(f);
    REQUIRE(k);
    CHECK(k->frame.size() == b_m4.size());
}

TEST_CASE("Key Data iteration finds the RSN element and GTK KDE and stops at padding",
          "[rsn][eapol_key]") {
    const auto kd =
        hex("30140100000fac040100000fac040100000fac020000 dd16000fac010100"
            "9adad240faa56f322f1553804b451936 dd00");
    auto s = ie::key_data_summary::parse(kd);
    REQUIRE(s);
    CHECK(s->rsn_element.size() == 22);
    REQUIRE(s->has_gtk);
    CHECK(s->gtk.key_id == 1);
    CHECK_FALSE(s->gtk.tx);
    CHECK(vec(s->gtk.gtk) == hex("9adad240faa56f322f1553804b451936"));
    auto bad = kd;
    bad[1] = 0x40;  // RSN element longer than the Key Data
    CHECK(ie::key_data_summary::parse(bad).err().code == errc::overrun);
    bad = kd;
    bad[23] = 0x05;  // GTK KDE with a 1-octet GTK
    CHECK_FALSE(ie::key_data_summary::parse(bad));
    std::array<std::uint8_t, 32> buf{};
    byte_writer w(buf);
    ie::put_gtk_kde(w, 2, false, s->gtk.gtk);
    CHECK(vec(w.written()) == hex("dd16000fac010200 9adad240faa56f322f1553804b451936"));
}

TEST_CASE(
    "the P2P IP Address Request and Allocation KDEs are written and read as wpa_supplicant "
    "does",
    "[rsn][eapol_key]") {
    const ie::ip_allocation a{{192, 168, 49, 2}, {255, 255, 255, 0}, {192, 168, 49, 1}};
    std::array<std::uint8_t, 64> buf{};
    byte_writer w(buf);
    ie::put_ip_address_request_kde(w);
    ie::put_ip_address_allocation_kde(w, a);
    REQUIRE(w.ok());
    CHECK(vec(w.written()) == hex("dd05506f9a0401 dd10506f9a05c0a83102ffffff00c0a83101"));
    auto s = ie::key_data_summary::parse(w.written());
    REQUIRE(s);
    CHECK(s->ip_addr_req == 0x01);
    CHECK(s->ip_addr_alloc == a);
    // Neither KDE: nothing.
    s = ie::key_data_summary::parse(hex("30140100000fac040100000fac040100000fac020000"));
    REQUIRE(s);
    CHECK(s->ip_addr_req == 0);
    CHECK_FALSE(s->ip_addr_alloc);
    // wpa_parse_generic's lengths: a request KDE without its octet and an allocation KDE
    // shorter than 12 octets are ignored, a longer one is read.
    s = ie::key_data_summary::parse(hex("dd04506f9a04 dd0f506f9a05c0a83102ffffff00c0a831"));
    REQUIRE(s);
    CHECK(s->ip_addr_req == 0);
    CHECK_FALSE(s->ip_addr_alloc);
    s = ie::key_data_summary::parse(hex("dd06506f9a040200 dd11506f9a05c0a83102ffffff00c0a8310100"));
    REQUIRE(s);
    CHECK(s->ip_addr_req == 0x02);
    CHECK(s->ip_addr_alloc == a);
}

namespace {

struct handshake_vector {
    mac_address aa, spa;
    const std::vector<std::uint8_t>&m1, &m2, &m3, &m4;
    std::string_view kck, kek, tk, m3_key_data;
};

void check_handshake(const handshake_vector& v) {
    const auto pmk = test_wpa_psk();
    auto m1 = ie::eapol_key::parse(v.m1);
    auto m2 = ie::eapol_key::parse(v.m2);
    auto m3 = ie::eapol_key::parse(v.m3);
    auto m4 = ie::eapol_key::parse(v.m4);
    REQUIRE(m1);
    REQUIRE(m2);
    REQUIRE(m3);
    REQUIRE(m4);
    auto p = rsn::derive_ptk(pmk, v.aa, v.spa, m1->nonce, m2->nonce);
    REQUIRE(p);
    CHECK(vec(p->kck) == hex(v.kck));
    CHECK(vec(p->kek) == hex(v.kek));
    CHECK(vec(p->tk) == hex(v.tk));
    CHECK(rsn::verify_mic(p->kck, v.m2));
    CHECK(rsn::verify_mic(p->kck, v.m3));
    CHECK(rsn::verify_mic(p->kck, v.m4));
    std::array<std::uint8_t, 256> plain{};
    auto n = rsn::unwrap_key_data(p->kek, m3->key_data, plain);
    REQUIRE(n);
    CHECK(vec(bytes_view(plain).first(*n)) == hex(v.m3_key_data));

    // The builder reproduces M2 and M4 from the same inputs.
    std::array<std::uint8_t, 256> out{};
    ie::eapol_key_fields f;
    f.protocol_version = v.m2[0];
    f.info = ie::key_info::msg2;
    f.replay_counter = m1->replay_counter;
    f.nonce = m2->nonce;
    f.key_data = m2->key_data;
    auto len = ie::build_eapol_key(out, f);
    REQUIRE(len);
    REQUIRE(rsn::write_mic(p->kck, bytes_span(out).first(*len)));
    CHECK(vec(bytes_view(out).first(*len)) == v.m2);
    f = {};
    f.protocol_version = v.m4[0];
    f.info = ie::key_info::msg4;
    f.replay_counter = m3->replay_counter;
    len = ie::build_eapol_key(out, f);
    REQUIRE(len);
    REQUIRE(rsn::write_mic(p->kck, bytes_span(out).first(*len)));
    CHECK(vec(bytes_view(out).first(*len)) == v.m4);
    // M1 too: it has no MIC and no Key Data.
    f = {};
    f.protocol_version = v.m1[0];
    f.info = ie::key_info::msg1;
    f.key_length = 16;
    f.replay_counter = m1->replay_counter;
    f.nonce = m1->nonce;
    len = ie::build_eapol_key(out, f);
    REQUIRE(len);
    CHECK(vec(bytes_view(out).first(*len)) == v.m1);
}

}  // namespace

TEST_CASE("handshake A frames verify and rebuild from PSK and nonces", "[rsn][vectors]") {
    check_handshake({mac("24:a2:e1:ec:17:04"), mac("a0:a8:cd:1c:7e:c9"), a_m1, a_m2, a_m3, a_m4,
                     "284db5b1cfbce425f4f50047648387bc", "247a9094e543de1b1e3dd4a05cd0e776",
                     "3c7d088b94100f21066d7b18a17ee0ad",
                     "30140100000fac040100000fac040100000fac020000 dd16000fac010200"
                     "2e156e7c4e3df1370913edbd628e2565 dd00"});
    CHECK(vec(test::got(ie::eapol_key::parse(a_m2)).mic) ==
          hex("01c31b82ff62a379b08dd1fc82c2f768"));
    CHECK(vec(test::got(ie::eapol_key::parse(a_m3)).mic) ==
          hex("f535d91809731a1d290894705e919c8e"));
    CHECK(vec(test::got(ie::eapol_key::parse(a_m4)).mic) ==
          hex("9e57a4c09bafb3375e46d386cf872753"));
}

TEST_CASE("handshake B frames and its group key handshake verify and rebuild", "[rsn][vectors]") {
    const auto aa = mac("02:00:00:00:00:00"), spa = mac("02:00:00:00:01:00");
    check_handshake({aa, spa, b_m1, b_m2, b_m3, b_m4, "aa0b403359d1bb25aeb7f5252a85a465",
                     "a7fc6a005818fcc0ca52271d068bff9c", "adf79ba40946bb13025441ed9d58f366",
                     "30140100000fac040100000fac040100000fac020000 dd16000fac010100"
                     "9adad240faa56f322f1553804b451936 dd00"});
    const auto kck = hex("aa0b403359d1bb25aeb7f5252a85a465");
    const auto kek = hex("a7fc6a005818fcc0ca52271d068bff9c");
    CHECK(rsn::verify_mic(kck, b_g1));
    CHECK(rsn::verify_mic(kck, b_g2));
    auto g1 = ie::eapol_key::parse(b_g1);
    REQUIRE(g1);
    std::array<std::uint8_t, 64> plain{};
    auto n = rsn::unwrap_key_data(kek, g1->key_data, plain);
    REQUIRE(n);
    auto s = ie::key_data_summary::parse(bytes_view(plain).first(*n));
    REQUIRE(s);
    REQUIRE(s->has_gtk);
    CHECK(s->gtk.key_id == 2);
    CHECK(vec(s->gtk.gtk) == hex("1470b33c6cdb8ab7d4585da882ea582f"));
    // G2 from the builder.
    std::array<std::uint8_t, 128> out{};
    ie::eapol_key_fields f;
    f.info = ie::key_info::group2;
    f.replay_counter = g1->replay_counter;
    auto len = ie::build_eapol_key(out, f);
    REQUIRE(len);
    REQUIRE(rsn::write_mic(kck, bytes_span(out).first(*len)));
    CHECK(vec(bytes_view(out).first(*len)) == b_g2);
}

// --- the two machines back to back --------------------------------------------------------

namespace {

struct sent_frame {
    time_point at;
    mac_address to;
    std::vector<std::uint8_t> frame;
};

/// One side's context: records everything, and hands frames to the other side 1 ms later
/// unless `drop` says otherwise.
struct test_ctx {
    virtual_time& clock;
    std::function<void(const mac_address&, std::vector<std::uint8_t>)> deliver;
    std::function<void(const mac_address&, std::uint16_t)> on_deauth;
    std::function<bool(const std::vector<std::uint8_t>&)> drop;
    std::vector<sent_frame> sent;
    std::vector<rsn::key_install> keys;
    std::vector<std::pair<mac_address, bool>> authorized;
    std::vector<std::pair<mac_address, std::uint16_t>> deauths;
    std::vector<rsn::event> events;
    std::uint64_t pn = 0x0605040302;

    void send_eapol(const mac_address& to, bytes_view frame) {
        sent.push_back({clock.now(), to, vec(frame)});
        if (drop && drop(sent.back().frame)) return;
        clock.schedule_in(std::chrono::milliseconds(1),
                          [this, to, f = sent.back().frame] { deliver(to, f); });
    }
    result<void> install_key(const rsn::key_install& k) {
        keys.push_back(k);
        return {};
    }
    void authorize(const mac_address& peer, bool yes) { authorized.emplace_back(peer, yes); }
    void deauthenticate(const mac_address& peer, std::uint16_t why) {
        deauths.emplace_back(peer, why);
        if (on_deauth)
            clock.schedule_in(std::chrono::milliseconds(1),
                              [this, peer, why] { on_deauth(peer, why); });
    }
    void emit(const rsn::event& e) { events.push_back(e); }
    virtual_time& time() { return clock; }
    std::uint64_t group_tx_pn(std::uint8_t) const { return pn; }

    template <class E>
    std::size_t count() const {
        return static_cast<std::size_t>(
            std::count_if(events.begin(), events.end(),
                          [](const rsn::event& e) { return std::holds_alternative<E>(e); }));
    }
    std::size_t sent_with_info(std::uint16_t info) const {
        return static_cast<std::size_t>(
            std::count_if(sent.begin(), sent.end(), [&](const sent_frame& s) {
                auto k = ie::eapol_key::parse(s.frame);
                return k && k->info == info;
            }));
    }
};

static_assert(rsn::supplicant_context<test_ctx>);
static_assert(rsn::authenticator_context<test_ctx>);

const auto ap_ie = hex("30140100000fac040100000fac040100000fac020c00");
const auto sta_ie = hex("30140100000fac040100000fac040100000fac020000");

/// An AP and a station wired back to back through virtual time.
struct wired_pair {
    virtual_time clock;
    mac_address ap_addr = mac("02:00:00:00:00:00"), sta_addr = mac("02:00:00:00:01:00");
    test_ctx ap_ctx{clock, {}, {}, {}, {}, {}, {}, {}, {}};
    test_ctx sta_ctx{clock, {}, {}, {}, {}, {}, {}, {}, {}};
    rsn::authenticator<test_ctx> ap;
    rsn::supplicant<test_ctx> sta;
    std::vector<error> ap_drops, sta_drops;

    /// `pool`: the AP is a P2P GO handing out addresses; `request_ip`: the station asks for one.
    explicit wired_pair(std::string_view ap_pass = "EasilyGuessedPassword",
                        std::string_view sta_pass = "EasilyGuessedPassword",
                        bytes_view beacon_ie = ap_ie, const rsn::ip_pool_config& pool = {},
                        bool request_ip = false)
        : ap(ap_ctx, ap_addr, *crypto::psk_from_passphrase(ap_pass, as_bytes("TestWPA")), ap_ie,
             pool),
          sta(sta_ctx) {
        ap_ctx.deliver = [this](const mac_address&, std::vector<std::uint8_t> f) {
            if (auto r = sta.receive(ap_addr, f); !r) sta_drops.push_back(r.err());
        };
        sta_ctx.deliver = [this](const mac_address&, std::vector<std::uint8_t> f) {
            if (auto r = ap.receive(sta_addr, f); !r) ap_drops.push_back(r.err());
        };
        ap_ctx.on_deauth = [this](const mac_address&, std::uint16_t why) { sta.disconnected(why); };
        sta_ctx.on_deauth = [this](const mac_address& a, std::uint16_t) { ap.disassociate(a); };
        REQUIRE(ap.start());
        REQUIRE(sta.start(sta_addr, ap_addr,
                          *crypto::psk_from_passphrase(sta_pass, as_bytes("TestWPA")), sta_ie,
                          beacon_ie, request_ip));
    }
    void associate() { REQUIRE(ap.associate(sta_addr, sta_ie)); }
};

const rsn::key_install* find_key(const test_ctx& c, bool pairwise, std::uint8_t id) {
    for (auto it = c.keys.rbegin(); it != c.keys.rend(); ++it)
        if (it->pairwise == pairwise && it->key_id == id) return &*it;
    return nullptr;
}

}  // namespace

TEST_CASE("authenticator and supplicant complete the 4-way handshake", "[rsn][handshake]") {
    wired_pair l;
    // start() installed GTK KeyID 1 as the default TX key.
    REQUIRE(l.ap_ctx.keys.size() == 1);
    CHECK(l.ap_ctx.keys[0].key_id == 1);
    CHECK(l.ap_ctx.keys[0].tx_default);
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    CHECK(l.ap.state_of(l.sta_addr) == rsn::authenticator<test_ctx>::sta_state::done);
    CHECK(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
    CHECK(l.ap_drops.empty());
    CHECK(l.sta_drops.empty());
    const auto* ap_tk = find_key(l.ap_ctx, true, 0);
    const auto* sta_tk = find_key(l.sta_ctx, true, 0);
    REQUIRE(ap_tk);
    REQUIRE(sta_tk);
    CHECK(ap_tk->key == sta_tk->key);
    CHECK(ap_tk->peer == l.sta_addr);
    CHECK(sta_tk->peer == l.ap_addr);
    const auto* sta_gtk = find_key(l.sta_ctx, false, 1);
    REQUIRE(sta_gtk);
    CHECK(sta_gtk->key == l.ap_ctx.keys[0].key);
    // RSC = the AP's group TX PN, LSB first.
    CHECK(vec(sta_gtk->rsc) == hex("020304050600"));
    CHECK(l.ap_ctx.authorized == std::vector<std::pair<mac_address, bool>>{{l.sta_addr, true}});
    CHECK(l.sta_ctx.authorized == std::vector<std::pair<mac_address, bool>>{{l.ap_addr, true}});
    CHECK(l.ap_ctx.count<rsn::handshake_completed>() == 1);
    CHECK(l.sta_ctx.count<rsn::handshake_completed>() == 1);
    // The frames are hostapd's and wpa_supplicant's: M1 and M3 with version 2, M2/M4 version 1.
    REQUIRE(l.ap_ctx.sent.size() == 2);
    REQUIRE(l.sta_ctx.sent.size() == 2);
    auto m1 = ie::eapol_key::parse(l.ap_ctx.sent[0].frame);
    auto m2 = ie::eapol_key::parse(l.sta_ctx.sent[0].frame);
    auto m3 = ie::eapol_key::parse(l.ap_ctx.sent[1].frame);
    auto m4 = ie::eapol_key::parse(l.sta_ctx.sent[1].frame);
    CHECK(m1->info == ie::key_info::msg1);
    CHECK(m1->replay_counter == 1);
    CHECK(m2->info == ie::key_info::msg2);
    CHECK(m2->protocol_version == 1);
    CHECK(vec(m2->key_data) == sta_ie);
    CHECK(m3->info == ie::key_info::msg3);
    CHECK(m3->replay_counter == 2);
    CHECK(m3->key_data.size() == 56);
    CHECK(m4->info == ie::key_info::msg4);
    CHECK(m4->replay_counter == 2);
    // Nothing left armed once both sides are done.
    CHECK(l.clock.pending() == 0);
}

TEST_CASE("a wrong passphrase ends in deauthentication with reason 15 after 4 M1",
          "[rsn][handshake]") {
    wired_pair l("EasilyGuessedPassword", "NotTheRightPassword");
    l.associate();
    l.clock.run_for(std::chrono::seconds(10));
    // M1 at 0, 100, 1100 and 2100 ms; the give-up at 3100 ms.
    REQUIRE(l.ap_ctx.sent.size() == 4);
    using namespace std::chrono_literals;
    CHECK(l.ap_ctx.sent[0].at == 0ms);
    CHECK(l.ap_ctx.sent[1].at == 100ms);
    CHECK(l.ap_ctx.sent[2].at == 1100ms);
    CHECK(l.ap_ctx.sent[3].at == 2100ms);
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(test::got(ie::eapol_key::parse(l.ap_ctx.sent[i].frame)).replay_counter == i + 1);
    CHECK(l.ap_ctx.sent_with_info(ie::key_info::msg1) == 4);
    CHECK(l.ap_ctx.count<rsn::psk_mismatch>() == 4);
    REQUIRE(l.ap_ctx.deauths.size() == 1);
    CHECK(l.ap_ctx.deauths[0].second == 15);
    CHECK(l.ap_ctx.authorized.empty());
    CHECK(l.sta_ctx.authorized.empty());
    CHECK(find_key(l.ap_ctx, true, 0) == nullptr);
    CHECK(find_key(l.sta_ctx, true, 0) == nullptr);
    REQUIRE(l.sta_ctx.count<rsn::handshake_failed>() == 1);
    const auto& f = std::get<rsn::handshake_failed>(l.sta_ctx.events.back());
    CHECK(f.why == rsn::failure::possible_psk_mismatch);
    CHECK(f.reason_code == 15);
    CHECK(l.ap.state_of(l.sta_addr) == rsn::authenticator<test_ctx>::sta_state::none);
}

TEST_CASE("the supplicant drops a replayed M3 and installs nothing twice", "[rsn][handshake]") {
    wired_pair l;
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    REQUIRE(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
    const auto keys = l.sta_ctx.keys.size();
    const auto m3 = l.ap_ctx.sent[1].frame;
    auto r = l.sta.receive(l.ap_addr, m3);
    REQUIRE_FALSE(r);
    CHECK(std::string_view(r.err().what) == "replay counter did not increase");
    CHECK(l.sta_ctx.keys.size() == keys);
    CHECK(l.sta_ctx.sent.size() == 2);  // no second M4
}

TEST_CASE("the supplicant drops an M3 whose ANonce differs from M1's", "[rsn][handshake]") {
    wired_pair l;
    // Hold back M3 and forge one with another ANonce under the right KCK.
    l.ap_ctx.drop = [](const std::vector<std::uint8_t>& f) {
        return test::got(ie::eapol_key::parse(f)).info == ie::key_info::msg3;
    };
    l.associate();
    l.clock.run_for(std::chrono::milliseconds(50));
    REQUIRE(l.ap_ctx.sent.size() == 2);
    auto m1 = ie::eapol_key::parse(l.ap_ctx.sent[0].frame);
    auto m2 = ie::eapol_key::parse(l.sta_ctx.sent[0].frame);
    auto p = rsn::derive_ptk(test_wpa_psk(), l.ap_addr, l.sta_addr, m1->nonce, m2->nonce);
    REQUIRE(p);
    auto forged = l.ap_ctx.sent[1].frame;
    forged[ie::eapol_key_offset::nonce] ^= 0x01;
    REQUIRE(rsn::write_mic(p->kck, forged));
    auto r = l.sta.receive(l.ap_addr, forged);
    REQUIRE_FALSE(r);
    CHECK(std::string_view(r.err().what) == "ANonce of M3 differs from M1's");
    CHECK(l.sta_ctx.sent.size() == 1);
    CHECK(l.sta_ctx.keys.empty());
    // The genuine M3, retransmitted with a higher counter, still completes.
    l.ap_ctx.drop = nullptr;
    l.clock.run_for(std::chrono::seconds(2));
    CHECK(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
    CHECK(l.ap.state_of(l.sta_addr) == rsn::authenticator<test_ctx>::sta_state::done);
}

TEST_CASE("an RSN element mismatch in M3 deauthenticates with reason 17", "[rsn][handshake]") {
    // The station saw a different RSN element in the Beacon than the AP puts into M3.
    const auto other = hex("30140100000fac040100000fac040100000fac020000");
    wired_pair l("EasilyGuessedPassword", "EasilyGuessedPassword", other);
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    REQUIRE(l.sta_ctx.deauths.size() == 1);
    CHECK(l.sta_ctx.deauths[0].second == 17);
    CHECK(l.sta.current() == rsn::supplicant<test_ctx>::state::failed);
    CHECK(l.sta_ctx.keys.empty());
    CHECK(l.sta_ctx.authorized.empty());
    REQUIRE(l.sta_ctx.count<rsn::handshake_failed>() == 1);
    CHECK(std::get<rsn::handshake_failed>(l.sta_ctx.events.back()).why ==
          rsn::failure::ie_mismatch);
    CHECK(l.ap_ctx.authorized.empty());
}

TEST_CASE("a lost M1 is retransmitted after 100 ms and the handshake completes",
          "[rsn][handshake]") {
    wired_pair l;
    bool dropped = false;
    l.ap_ctx.drop = [&](const std::vector<std::uint8_t>&) { return !dropped && (dropped = true); };
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    CHECK(dropped);
    CHECK(l.ap_ctx.sent_with_info(ie::key_info::msg1) == 2);
    using namespace std::chrono_literals;
    CHECK(l.ap_ctx.sent[1].at == 100ms);
    CHECK(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
    CHECK(l.ap.state_of(l.sta_addr) == rsn::authenticator<test_ctx>::sta_state::done);
    CHECK(find_key(l.ap_ctx, true, 0)->key == find_key(l.sta_ctx, true, 0)->key);
}

TEST_CASE("a lost M4 is answered again without a second key install", "[rsn][handshake]") {
    wired_pair l;
    int m4 = 0;
    l.sta_ctx.drop = [&](const std::vector<std::uint8_t>& f) {
        return test::got(ie::eapol_key::parse(f)).info == ie::key_info::msg4 && m4++ == 0;
    };
    l.associate();
    l.clock.run_for(std::chrono::seconds(2));
    CHECK(l.ap_ctx.sent_with_info(ie::key_info::msg3) == 2);
    CHECK(l.sta_ctx.sent_with_info(ie::key_info::msg4) == 2);
    CHECK(l.ap.state_of(l.sta_addr) == rsn::authenticator<test_ctx>::sta_state::done);
    CHECK(std::count_if(l.sta_ctx.keys.begin(), l.sta_ctx.keys.end(),
                        [](const rsn::key_install& k) { return k.pairwise; }) == 1);
}

TEST_CASE("the supplicant gives up 10 s after association without EAPOL", "[rsn][handshake]") {
    wired_pair l;
    l.clock.run_for(std::chrono::milliseconds(9999));
    CHECK(l.sta.current() == rsn::supplicant<test_ctx>::state::associated);
    l.clock.run_for(std::chrono::milliseconds(1));
    CHECK(l.sta.current() == rsn::supplicant<test_ctx>::state::failed);
    REQUIRE(l.sta_ctx.count<rsn::handshake_failed>() == 1);
    CHECK(std::get<rsn::handshake_failed>(l.sta_ctx.events.back()).why == rsn::failure::timeout);
}

TEST_CASE("a group rekey moves both sides to KeyID 2", "[rsn][handshake]") {
    wired_pair l;
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    REQUIRE(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
    const auto ap_keys = l.ap_ctx.keys.size();
    REQUIRE(l.ap.rekey_group());
    CHECK(l.ap.group_key_id() == 2);
    // The new GTK becomes the TX key only once every station has it.
    CHECK(l.ap_ctx.keys.size() == ap_keys);
    l.clock.run_for(std::chrono::seconds(1));
    REQUIRE(l.ap_ctx.keys.size() == ap_keys + 1);
    const auto& tx = l.ap_ctx.keys.back();
    CHECK(tx.key_id == 2);
    CHECK(tx.tx_default);
    const auto* sta_gtk = find_key(l.sta_ctx, false, 2);
    REQUIRE(sta_gtk);
    CHECK(sta_gtk->key == tx.key);
    CHECK(sta_gtk->key != find_key(l.sta_ctx, false, 1)->key);
    CHECK(l.ap_ctx.count<rsn::group_rekey_completed>() == 1);
    CHECK(l.sta_ctx.count<rsn::group_rekey_completed>() == 1);
    auto g1 = ie::eapol_key::parse(l.ap_ctx.sent.back().frame);
    CHECK(g1->info == ie::key_info::group1);
    CHECK(g1->key_length == 0);
    auto g2 = ie::eapol_key::parse(l.sta_ctx.sent.back().frame);
    CHECK(g2->info == ie::key_info::group2);
    CHECK(g2->replay_counter == g1->replay_counter);
    // And back to KeyID 1.
    REQUIRE(l.ap.rekey_group());
    l.clock.run_for(std::chrono::seconds(1));
    CHECK(l.ap_ctx.keys.back().key_id == 1);
    CHECK(l.sta_ctx.keys.back().key_id == 1);
    CHECK(l.sta_ctx.keys.back().key == l.ap_ctx.keys.back().key);
}

TEST_CASE("an unanswered group message 1 is sent 4 times then deauthenticates with reason 16",
          "[rsn][handshake]") {
    wired_pair l;
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    l.ap_ctx.drop = [](const std::vector<std::uint8_t>& f) {
        return test::got(ie::eapol_key::parse(f)).info == ie::key_info::group1;
    };
    const auto t0 = l.clock.now();
    REQUIRE(l.ap.rekey_group());
    l.clock.run_for(std::chrono::seconds(10));
    REQUIRE(l.ap_ctx.sent_with_info(ie::key_info::group1) == 4);
    using namespace std::chrono_literals;
    std::vector<time_point> at;
    for (const auto& s : l.ap_ctx.sent)
        if (test::got(ie::eapol_key::parse(s.frame)).info == ie::key_info::group1)
            at.push_back(s.at - t0);
    CHECK(at == std::vector<time_point>{0ms, 500ms, 1500ms, 2500ms});
    REQUIRE(l.ap_ctx.deauths.size() == 1);
    CHECK(l.ap_ctx.deauths[0].second == 16);
    // With no station left waiting, the new GTK goes in as the TX key.
    CHECK(l.ap_ctx.keys.back().key_id == 2);
    CHECK(l.ap_ctx.keys.back().tx_default);
}

namespace {
const rsn::ip_pool_config go_pool{
    {192, 168, 49, 1}, {255, 255, 255, 0}, {192, 168, 49, 10}, {192, 168, 49, 11}};
const ie::ipv4_address go_first{192, 168, 49, 10}, go_second{192, 168, 49, 11};

/// M3's Key Data as the station unwraps it.
std::vector<std::uint8_t> m3_plain(const wired_pair& l) {
    auto m1 = ie::eapol_key::parse(l.ap_ctx.sent[0].frame);
    auto m2 = ie::eapol_key::parse(l.sta_ctx.sent[0].frame);
    auto m3 = ie::eapol_key::parse(l.ap_ctx.sent[1].frame);
    auto p = rsn::derive_ptk(test_wpa_psk(), l.ap_addr, l.sta_addr, m1->nonce, m2->nonce);
    REQUIRE(p);
    std::vector<std::uint8_t> out(m3->key_data.size());
    auto n = rsn::unwrap_key_data(p->kek, m3->key_data, out);
    REQUIRE(n);
    out.resize(*n);
    return out;
}
}  // namespace

TEST_CASE("a P2P client asks for an IPv4 address in M2 and its GO allocates one in M3",
          "[rsn][handshake][ip]") {
    wired_pair l("EasilyGuessedPassword", "EasilyGuessedPassword", ap_ie, go_pool, true);
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    REQUIRE(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
    // M2: the RSN element, then the IP Address Request KDE.
    auto m2 = ie::eapol_key::parse(l.sta_ctx.sent[0].frame);
    auto expected_m2 = sta_ie;
    for (auto b : hex("dd05506f9a0401")) expected_m2.push_back(b);
    CHECK(vec(m2->key_data) == expected_m2);
    // M3: RSN element, GTK KDE, IP Address Allocation KDE (64 octets: no padding).
    const auto plain = m3_plain(l);
    REQUIRE(plain.size() == 64);
    CHECK(std::vector<std::uint8_t>(plain.begin() + 46, plain.end()) ==
          hex("dd10506f9a05c0a8310affffff00c0a83101"));
    CHECK(l.sta.p2p_ip_addr() == ie::ip_allocation{go_first, go_pool.mask, go_pool.go});
    CHECK(l.ap.ip_address_of(l.sta_addr) == go_first);
    // The next association forgets it until a new M3 gives one.
    l.sta.stop();
    CHECK_FALSE(l.sta.p2p_ip_addr());
}

TEST_CASE("no IPv4 address without the GO's pool or without the client's request",
          "[rsn][handshake][ip]") {
    SECTION("a request to an authenticator without a pool") {
        wired_pair l("EasilyGuessedPassword", "EasilyGuessedPassword", ap_ie, {}, true);
        l.associate();
        l.clock.run_for(std::chrono::seconds(1));
        REQUIRE(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
        CHECK(test::got(ie::eapol_key::parse(l.sta_ctx.sent[0].frame)).key_data.size() ==
              sta_ie.size() + 7);
        CHECK(m3_plain(l).size() == 48);  // RSN element, GTK KDE, padding
        CHECK_FALSE(l.sta.p2p_ip_addr());
        CHECK_FALSE(l.ap.ip_address_of(l.sta_addr));
    }
    SECTION("a pool and no request") {
        wired_pair l("EasilyGuessedPassword", "EasilyGuessedPassword", ap_ie, go_pool, false);
        l.associate();
        l.clock.run_for(std::chrono::seconds(1));
        REQUIRE(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
        CHECK(vec(test::got(ie::eapol_key::parse(l.sta_ctx.sent[0].frame)).key_data) == sta_ie);
        CHECK(m3_plain(l).size() == 48);
        CHECK_FALSE(l.sta.p2p_ip_addr());
        CHECK_FALSE(l.ap.ip_address_of(l.sta_addr));
    }
    SECTION("a pool whose end is below its start (wpa_init counts end - start + 1)") {
        auto pool = go_pool;
        pool.end = {192, 168, 49, 9};
        wired_pair l("EasilyGuessedPassword", "EasilyGuessedPassword", ap_ie, pool, true);
        l.associate();
        l.clock.run_for(std::chrono::seconds(1));
        REQUIRE(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
        CHECK_FALSE(l.sta.p2p_ip_addr());
    }
}

TEST_CASE(
    "a GO's addresses go lowest first, a reassociating station keeps its own, and a "
    "leaving station's is given again",
    "[rsn][handshake][ip]") {
    wired_pair l("EasilyGuessedPassword", "EasilyGuessedPassword", ap_ie, go_pool, true);
    const mac_address other = mac("02:00:00:00:02:00");
    test_ctx other_ctx{l.clock, {}, {}, {}, {}, {}, {}, {}, {}};
    rsn::supplicant<test_ctx> sta2(other_ctx);
    l.ap_ctx.deliver = [&](const mac_address& to, std::vector<std::uint8_t> f) {
        (void)(to == other ? sta2.receive(l.ap_addr, f) : l.sta.receive(l.ap_addr, f));
    };
    other_ctx.deliver = [&](const mac_address&, std::vector<std::uint8_t> f) {
        (void)l.ap.receive(other, f);
    };
    auto join_other = [&] {
        REQUIRE(sta2.start(other, l.ap_addr, test_wpa_psk(), sta_ie, ap_ie, true));
        REQUIRE(l.ap.associate(other, sta_ie));
        l.clock.run_for(std::chrono::seconds(1));
        REQUIRE(sta2.current() == rsn::supplicant<test_ctx>::state::completed);
    };
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    join_other();
    CHECK(l.ap.ip_address_of(l.sta_addr) == go_first);
    CHECK(l.ap.ip_address_of(other) == go_second);
    CHECK(sta2.p2p_ip_addr()->ip_addr == go_second);
    // The first station leaves (wpa_free_sta_sm clears its bit); the other one, associating
    // again, keeps its address (the state machine outlives a reassociation).
    l.ap.disassociate(l.sta_addr);
    CHECK_FALSE(l.ap.ip_address_of(l.sta_addr));
    join_other();
    CHECK(l.ap.ip_address_of(other) == go_second);
    CHECK(sta2.p2p_ip_addr()->ip_addr == go_second);
    // A new station gets the lowest free address: the one just released.
    REQUIRE(l.sta.start(l.sta_addr, l.ap_addr, test_wpa_psk(), sta_ie, ap_ie, true));
    l.associate();
    l.clock.run_for(std::chrono::seconds(1));
    REQUIRE(l.sta.current() == rsn::supplicant<test_ctx>::state::completed);
    CHECK(l.ap.ip_address_of(l.sta_addr) == go_first);
}
