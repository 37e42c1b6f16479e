// SPDX-License-Identifier: MIT
// WPS cryptography against the vectors of the security reference (§5.8): DH group 5, the key
// schedule, the PIN proofs, Encrypted Settings; PIN checksums and UUID-E.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <openssl/bn.h>
#include <catch2/catch.hpp>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/crypto/primitives.hpp>
#include <softmac/crypto/wsc.hpp>
#include <softmac/wps/pin.hpp>

#include "hex.hpp"

namespace {

using softmac::bytes_view;
using softmac::errc;
using softmac::test::hex;
namespace crypto = softmac::crypto;
namespace wps = softmac::wps;

template <std::size_t N>
std::vector<std::uint8_t> array_octets(const std::array<std::uint8_t, N>& a) {
    return {a.begin(), a.end()};
}
std::vector<std::uint8_t> filled(std::size_t n, std::uint8_t v) {
    return std::vector<std::uint8_t>(n, v);
}

constexpr const char* prime_hex = R"(
FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD
EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED
EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F
83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF)";

constexpr const char* pke_hex = R"(
d0141b15656e96b85fcead2e8e76330d2b1ac1576bb026e7a328c0e1baf8cf91664371174c08ee12ec92b0519c54879f
21255be5a8770e1fa1880470ef423c90e34d7847a6fcb4924563d1af1db0c481ead9852c519bf1dd429c163951cf6918
1b132aea2a3684caf35bc54aca1b20c88bb3b7339ff7d56e09139d77f0ac58079097938251dbbe75e86715cc6b7c0ca9
45fa8dd8d661beb73b414032798dadee32b5dd61bf105f18d89217760b75c5d966a5a490472ceba9e3b4224f3d89fb2b)";

constexpr const char* pkr_hex = R"(
8193dc003cc8c4a617f99d071fc3104088eb2e313b1eba878ae1e35d0a64e06005da1b4925a27f91ad5ee8cd2eb47420
62eafc68d7d4ad06ae8ae35466e0b735719edcc66f6d674bbb49c06641d17374f0e826413a91cd9a962f70fb602d699f
9acdf45f3b3746e6d8e3e2673434823e95ccb94379c7949034c0c0347321cc02575843b167898d6c48c4cb093bd90a0d
61814ff68c2b091c8d26be6e879d27f8aedc0bdf2d2ab34f2079c84902c563cfa391c69a80139ece57eb8989a0bfe1a3)";

constexpr const char* gab_hex = R"(
0e466878931184eafcf9dc1d7968ab35d5aeb3402de765821c4a3e831d22135f94286c12a8854346ae82f3ff2f5a3be5
a03b102485da85bef6aaea691cb6f4a7b49efd955b7fbfb9d263a87f6807a674bb443cb3bc95a7d310957bc83d5c4621
0e4ee7d5ebea2475c3a9275baeda972a59332bbcfc2f45c182304981fb655d63d610675593eccf57a246d867ffb9d079
2447151a5cd3c001467f2377cf58c4a07617b5eb96fd29e7a692526aa3f2032e3726d5fe1b4b6a9fa4d205b0a0891383)";

const std::vector<std::uint8_t> enrollee_priv = filled(192, 0x55);
const std::vector<std::uint8_t> registrar_priv = hex("0123456789");
const std::vector<std::uint8_t> n1 = hex("00112233445566778899aabbccddeeff");
const std::vector<std::uint8_t> n2 = hex("ffeeddccbbaa99887766554433221100");
const std::vector<std::uint8_t> enrollee_mac = hex("020000000100");
constexpr std::string_view kdf_label = "Wi-Fi Easy and Secure Key Derivation";
const std::vector<std::uint8_t> auth_key =
    hex("aec499e092f701630bc8536ca6746746a8fed4caa853edf52ed9d065220a3dd3");
const std::vector<std::uint8_t> key_wrap_key = hex("7cdf1b7285c6df4a92c0be487e219303");

/// First 16 octets of HMAC-SHA-256(AuthKey, half): PSK1 / PSK2.
std::vector<std::uint8_t> psk_half(std::string_view half) {
    std::array<std::uint8_t, 32> mac{};
    REQUIRE(crypto::hmac_sha256(auth_key, {softmac::as_bytes(half)}, mac));
    return {mac.begin(), mac.begin() + 16};
}

}  // namespace

TEST_CASE("sha256 and hmac_sha256 match FIPS 180 and RFC 4231 vectors", "[wps][crypto]") {
    std::array<std::uint8_t, 32> d{};
    REQUIRE(crypto::sha256({softmac::as_bytes("a"), softmac::as_bytes("bc")}, d));
    CHECK(array_octets(d) ==
          hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    std::array<std::uint8_t, 20> s{};
    REQUIRE(crypto::sha1({softmac::as_bytes("abc")}, s));
    CHECK(array_octets(s) == hex("a9993e364706816aba3e25717850c26c9cd0d89d"));
    // RFC 4231 test case 2.
    REQUIRE(crypto::hmac_sha256(
        softmac::as_bytes("Jefe"),
        {softmac::as_bytes("what do ya want "), softmac::as_bytes("for nothing?")}, d));
    CHECK(array_octets(d) ==
          hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    // RFC 2202 test case 2: the SHA-1 HMAC still goes through the same implementation.
    REQUIRE(crypto::hmac_sha1(softmac::as_bytes("Jefe"),
                              {softmac::as_bytes("what do ya want for nothing?")}, s));
    CHECK(array_octets(s) == hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"));
}

TEST_CASE("the DH group 5 prime is RFC 3526 MODP-1536", "[wps][crypto]") {
    BIGNUM* p = BN_get_rfc3526_prime_1536(nullptr);
    REQUIRE(p != nullptr);
    std::vector<std::uint8_t> octets(192);
    REQUIRE(BN_bn2binpad(p, octets.data(), 192) == 192);
    BN_free(p);
    CHECK(octets == hex(prime_hex));
}

TEST_CASE("dh_group5 public keys from fixed private keys match the vectors", "[wps][crypto]") {
    auto e = crypto::dh_group5::from_private(enrollee_priv);
    REQUIRE(e);
    CHECK(array_octets(e->public_key()) == hex(pke_hex));
    auto r = crypto::dh_group5::from_private(registrar_priv);
    REQUIRE(r);
    CHECK(array_octets(r->public_key()) == hex(pkr_hex));
}

namespace {
/// Both private keys' owners derive `expected` (hex) from the other's public key.
void both_sides_derive(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b,
                       const char* expected) {
    auto e = crypto::dh_group5::from_private(a);
    auto r = crypto::dh_group5::from_private(b);
    REQUIRE(e);
    REQUIRE(r);
    auto on_enrollee = e->shared_secret(r->public_key());
    auto on_registrar = r->shared_secret(e->public_key());
    REQUIRE(on_enrollee);
    REQUIRE(on_registrar);
    CHECK(array_octets(*on_enrollee) == hex(expected));
    CHECK(array_octets(*on_registrar) == hex(expected));
}
}  // namespace

TEST_CASE("dh_group5 enrollee and registrar derive the same g^AB", "[wps][crypto]") {
    both_sides_derive(enrollee_priv, registrar_priv, gab_hex);
}

TEST_CASE("the WPS key schedule reproduces DHKey KDK and the session keys", "[wps][crypto]") {
    std::array<std::uint8_t, 32> dhkey{}, kdk{};
    const auto gab = hex(gab_hex);
    REQUIRE(crypto::sha256({gab}, dhkey));
    CHECK(array_octets(dhkey) ==
          hex("00f38fdd0f742f4c04610294e70b3551e70692a0507ef0d2263ae89657b1acd8"));
    REQUIRE(crypto::hmac_sha256(dhkey, {n1, enrollee_mac, n2}, kdk));
    CHECK(array_octets(kdk) ==
          hex("5ee7252fedbbd510ef20bd5bf4b5bbabbdb23e575d166382b0ede95f8febdb6c"));

    std::array<std::uint8_t, 80> keys{};
    REQUIRE(crypto::wsc_kdf(kdk, kdf_label, keys));
    const bytes_view k = keys;
    CHECK(std::vector<std::uint8_t>(k.begin(), k.begin() + 32) == auth_key);
    CHECK(std::vector<std::uint8_t>(k.begin() + 32, k.begin() + 48) == key_wrap_key);
    CHECK(std::vector<std::uint8_t>(k.begin() + 48, k.end()) ==
          hex("ac24df7000413be49aef0f5d0bd60564203c223a0c62b7a4be02b048b74cd8db"));

    // A shorter output is not a prefix: the length in bits enters every block.
    std::array<std::uint8_t, 32> short_out{};
    REQUIRE(crypto::wsc_kdf(kdk, kdf_label, short_out));
    CHECK(array_octets(short_out) != std::vector<std::uint8_t>(k.begin(), k.begin() + 32));
}

TEST_CASE("PSK1 and PSK2 come from the halves of 8-digit and 4-digit PINs", "[wps][crypto]") {
    const auto [a, b] = wps::split_pin("12345670");
    CHECK(a == "1234");
    CHECK(b == "5670");
    CHECK(psk_half(a) == hex("d15a12936edaa1c266d2ade92d01a6c9"));
    CHECK(psk_half(b) == hex("8276d28c9ad7a46f01d201d98b6a8d4f"));

    const auto [c, d] = wps::split_pin("1234");
    CHECK(c == "12");
    CHECK(d == "34");
    CHECK(psk_half(c) == hex("dab70ac2721f09cef94a8087218f28d9"));
    CHECK(psk_half(d) == hex("6bf578dc516c07947d85b4cbd1b31cd3"));

    const auto [e, f] = wps::split_pin("1234567");
    CHECK(e == "1234");
    CHECK(f == "567");
}

TEST_CASE("E-Hash1 and E-Hash2 commit to the secret nonces and PIN halves", "[wps][crypto]") {
    const auto pke = hex(pke_hex), pkr = hex(pkr_hex);
    const auto es1 = filled(16, 0x77), es2 = filled(16, 0x88);
    const auto psk1 = psk_half("1234"), psk2 = psk_half("5670");
    std::array<std::uint8_t, 32> h{};
    REQUIRE(crypto::hmac_sha256(auth_key, {es1, psk1, pke, pkr}, h));
    CHECK(array_octets(h) ==
          hex("16894e44108d7ac7b02bc2a14e74b901a477db7504e64b29d20fb580c2b1035f"));
    REQUIRE(crypto::hmac_sha256(auth_key, {es2, psk2, pke, pkr}, h));
    CHECK(array_octets(h) ==
          hex("9d4e4126d073d242992e94266be780169f266d725b5b2e653da077aed0fe24b8"));
}

TEST_CASE("M5 Encrypted Settings encrypt to the vector and decrypt with the pad block",
          "[wps][crypto]") {
    const auto esnonce1_attr = hex("1016001077777777777777777777777777777777");
    std::array<std::uint8_t, 32> kwa_mac{};
    REQUIRE(crypto::hmac_sha256(auth_key, {esnonce1_attr}, kwa_mac));
    const std::vector<std::uint8_t> kwa(kwa_mac.begin(), kwa_mac.begin() + 8);
    CHECK(kwa == hex("50be63ded3392b43"));

    auto settings = esnonce1_attr;
    for (auto o : hex("101e0008")) settings.push_back(o);
    for (auto o : kwa) settings.push_back(o);
    REQUIRE(settings.size() == 32);

    const auto iv = filled(16, 0x99);
    const auto cipher =
        hex("3b0f34db8c522547db36c0bb4c03ad33218ed0829d6b4a590c7a1eed909653b7"
            "d5a1d8b0b8bbbfc47d915f9d4a37f493");
    std::vector<std::uint8_t> out(64, 0);
    auto n = crypto::aes128_cbc_encrypt(key_wrap_key, iv, settings, out);
    REQUIRE(n);
    CHECK(*n == 48);  // 32 octets of settings get a whole 16-octet pad block
    out.resize(*n);
    CHECK(out == cipher);

    std::vector<std::uint8_t> plain(48, 0);
    auto m = crypto::aes128_cbc_decrypt(key_wrap_key, iv, cipher, plain);
    REQUIRE(m);
    CHECK(*m == 48);
    auto expected = settings;
    for (int i = 0; i < 16; ++i) expected.push_back(0x10);
    CHECK(plain == expected);
}

TEST_CASE("aes128_cbc_encrypt pads every length with 1 to 16 octets", "[wps][crypto]") {
    const auto key = filled(16, 0x01), iv = filled(16, 0x02);
    for (std::size_t len : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 100u}) {
        const auto plain = filled(len, 0xab);
        std::vector<std::uint8_t> c(len + 16), p(len + 16);
        auto n = crypto::aes128_cbc_encrypt(key, iv, plain, c);
        REQUIRE(n);
        CHECK(*n == len / 16 * 16 + 16);
        auto m = crypto::aes128_cbc_decrypt(key, iv, bytes_view{c}.first(*n), p);
        REQUIRE(m);
        const auto pad = static_cast<std::uint8_t>(*n - len);
        CHECK(std::equal(plain.begin(), plain.end(), p.begin()));
        CHECK(std::all_of(p.begin() + static_cast<std::ptrdiff_t>(len),
                          p.begin() + static_cast<std::ptrdiff_t>(*n),
                          [pad](std::uint8_t o) { return o == pad; }));
    }
}

TEST_CASE("aes128_cbc rejects bad lengths and small outputs", "[wps][crypto]") {
    const auto key = filled(16, 0x01), iv = filled(16, 0x02);
    std::vector<std::uint8_t> out(64);
    auto a = crypto::aes128_cbc_decrypt(key, iv, filled(15, 0), out);
    REQUIRE_FALSE(a);
    CHECK(a.err().code == errc::bad_length);
    auto b = crypto::aes128_cbc_decrypt(key, iv, {}, out);
    REQUIRE_FALSE(b);
    CHECK(b.err().code == errc::bad_length);
    auto c = crypto::aes128_cbc_encrypt(filled(15, 1), iv, filled(4, 0), out);
    REQUIRE_FALSE(c);
    CHECK(c.err().code == errc::bad_length);
    auto d = crypto::aes128_cbc_encrypt(key, filled(8, 2), filled(4, 0), out);
    REQUIRE_FALSE(d);
    CHECK(d.err().code == errc::bad_length);
    std::vector<std::uint8_t> small(31);
    auto e = crypto::aes128_cbc_encrypt(key, iv, filled(16, 0), small);
    REQUIRE_FALSE(e);
    CHECK(e.err().code == errc::no_space);
    auto f = crypto::aes128_cbc_decrypt(key, iv, filled(32, 0), small);
    REQUIRE_FALSE(f);
    CHECK(f.err().code == errc::no_space);
}

TEST_CASE("dh_group5 rejects malformed and degenerate peer public keys", "[wps][crypto]") {
    auto k = crypto::dh_group5::from_private(registrar_priv);
    REQUIRE(k);
    auto short_key = k->shared_secret(filled(191, 0x11));
    REQUIRE_FALSE(short_key);
    CHECK(short_key.err().code == errc::bad_length);

    auto zero = k->shared_secret(filled(192, 0));
    CHECK_FALSE(zero);
    auto one = filled(192, 0);
    one.back() = 1;
    CHECK_FALSE(k->shared_secret(one));
    auto p_minus_1 = hex(prime_hex);
    p_minus_1.back() = 0xfe;
    CHECK_FALSE(k->shared_secret(p_minus_1));
    CHECK_FALSE(k->shared_secret(hex(prime_hex)));
    CHECK_FALSE(k->shared_secret(filled(192, 0xff)));

    CHECK_FALSE(crypto::dh_group5::from_private({}));
    CHECK_FALSE(crypto::dh_group5::from_private(filled(192, 0)));
    CHECK_FALSE(crypto::dh_group5::from_private(filled(193, 1)));
}

TEST_CASE("dh_group5 keeps the leading zero octet of a shared secret", "[wps][crypto]") {
    // Registrar private key 0x39 against the Realtek enrollee key: g^AB starts with 00 50
    // (computed with Python's pow). OpenSSL strips that octet unless asked to pad.
    constexpr const char* secret_hex = R"(
0050b5a84559198c2d17566698692269280b0b193a956722d392e242b5c405fe7fed68b63e8c6e16a73801d99bf0f9c3
d984229e648a988b6bfc6a9186b4630283af38d6dccd422c9b619de539f3422cd4b9891e0ed34eb16d8c4cafcf3afb40
f7b2c23478dd832f5017b9ef50fd6edb4bb84280ffdaf4c59bdc99e3ea67263b7eb5bf79fd085f0ff52906aaf7f5d581
061d8ad39adc77b0bab9d7fa2e41a93e08f14bebce42eec7238f2c7272aa2c52e204750553040376c1227d1e9066be73)";
    both_sides_derive(enrollee_priv, hex("39"), secret_hex);
}

TEST_CASE("dh_group5 random exchanges always agree on a 192-octet secret", "[wps][crypto]") {
    // About 1 in 256 secrets has a leading zero octet: without padding those come out short.
    for (int i = 0; i < 300; ++i) {
        auto a = crypto::dh_group5::generate();
        auto b = crypto::dh_group5::generate();
        REQUIRE(a);
        REQUIRE(b);
        auto ab = a->shared_secret(b->public_key());
        auto ba = b->shared_secret(a->public_key());
        REQUIRE(ab);
        REQUIRE(ba);
        REQUIRE(ab->size() == 192);
        REQUIRE(*ab == *ba);
    }
}

TEST_CASE("dh_group5 stays usable after a move", "[wps][crypto]") {
    auto r = crypto::dh_group5::from_private(registrar_priv);
    REQUIRE(r);
    crypto::dh_group5 moved = std::move(*r);
    CHECK(array_octets(moved.public_key()) == hex(pkr_hex));
    auto e = crypto::dh_group5::from_private(enrollee_priv);
    REQUIRE(e);
    auto s = moved.shared_secret(e->public_key());
    REQUIRE(s);
    CHECK(array_octets(*s) == hex(gab_hex));
    // The moved-from key derives nothing instead of crashing.
    CHECK_FALSE(r->shared_secret(e->public_key()));
    moved = std::move(*e);
    CHECK(array_octets(moved.public_key()) == hex(pke_hex));
}

TEST_CASE("PIN checksums match the reference examples", "[wps][pin]") {
    STATIC_REQUIRE(wps::pin_checksum(1234567) == 0);
    CHECK(wps::pin_checksum(0) == 0);
    CHECK(wps::pin_checksum(4545673) == 2);
    CHECK(wps::pin_checksum(2096586) == 0);
    CHECK(wps::pin_checksum(9999999) == 5);
}

TEST_CASE("pin_valid accepts 8 digits with their checksum or 4 digits", "[wps][pin]") {
    STATIC_REQUIRE(wps::pin_valid("12345670"));
    CHECK(wps::pin_valid("00000000"));
    CHECK(wps::pin_valid("45456732"));
    CHECK(wps::pin_valid("20965860"));
    CHECK(wps::pin_valid("99999995"));
    CHECK(wps::pin_valid("1234"));
    CHECK(wps::pin_valid("0000"));
    CHECK_FALSE(wps::pin_valid("12345671"));  // wrong checksum
    CHECK_FALSE(wps::pin_valid("1234567"));   // 7 digits
    CHECK_FALSE(wps::pin_valid("123456700"));
    CHECK_FALSE(wps::pin_valid("1234567a"));
    CHECK_FALSE(wps::pin_valid("12a4"));
    CHECK_FALSE(wps::pin_valid("123"));
    CHECK_FALSE(wps::pin_valid(""));
}

TEST_CASE("generated PINs are 8 valid digits", "[wps][pin]") {
    for (int i = 0; i < 200; ++i) {
        const auto pin = wps::generate_pin();
        REQUIRE(pin.size() == 8);
        REQUIRE(wps::pin_valid(pin));
    }
}

TEST_CASE("UUID-E from a MAC address matches wpa_supplicant", "[wps][pin]") {
    auto a = softmac::mac_address::parse("02:00:00:00:01:00");
    REQUIRE(a);
    CHECK(wps::to_string(wps::uuid_from_mac(*a)) == "572cf82f-c957-5653-9b16-b5cfb298abf1");
    auto b = softmac::mac_address::parse("02:00:00:00:00:00");
    REQUIRE(b);
    CHECK(wps::to_string(wps::uuid_from_mac(*b)) == "362db47b-a53a-5191-88fb-5458b986b2e4");
}
