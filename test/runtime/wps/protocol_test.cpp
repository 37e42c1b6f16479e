// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <softmac/wps/enrollee.hpp>
#include <softmac/wps/registrar.hpp>

#include "got.hpp"
#include "hex.hpp"

using namespace softmac;
namespace wattr = softmac::ieee80211::wps::attr;

namespace {

using test::hex;
using test::mac;

/// One registration between an enrollee and a registrar run, message by message, with the
/// events each side reported.
struct exchange {
    std::vector<wps::event> enrollee_events, registrar_events;
    std::vector<std::uint8_t> types;  ///< the Message Type of every message, in order
    wps::enrollee e;
    wps::registrar_run r;

    /// `change` edits the credential the registrar hands over (a DIRECT-ab WPA2-PSK network).
    exchange(std::string enrollee_password, std::uint16_t dpid, wps::password_decision d,
             void (*change)(wps::credential&) = nullptr)
        : e(enrollee_config(std::move(enrollee_password), dpid)), r(registrar_config(d, change)) {}

    wps::enrollee::config enrollee_config(std::string password, std::uint16_t dpid) {
        wps::enrollee::config c;
        c.mac = mac("02:00:00:00:01:00");
        c.dev.id = wps::uuid_from_mac(c.mac);
        c.dev.device_name = "client";
        c.password = std::move(password);
        c.dpid = dpid;
        c.emit = [this](const wps::event& ev) { enrollee_events.push_back(ev); };
        return c;
    }
    wps::registrar_run::config registrar_config(wps::password_decision d,
                                                void (*change)(wps::credential&)) {
        wps::registrar_run::config c;
        c.dev.id = wps::uuid_from_mac(mac("02:00:00:00:00:00"));
        c.dev.device_name = "go";
        c.dev.model_name = "softmac GO";
        c.dev.primary = {10, 0x0050f204, 5};
        c.dev.config_methods = 0x0188;
        c.authorize = [d](const wps::enrollee_request&) { return d; };
        c.cred.ssid = "DIRECT-ab";
        c.cred.network_key = std::string(64, 'a');
        if (change) change(c.cred);
        c.emit = [this](const wps::event& ev) { registrar_events.push_back(ev); };
        return c;
    }
    static std::uint8_t type_of(const wps::reply& m) {
        auto p = wps::message::parse(m.message);
        return p ? p->type() : 0;
    }
    /// Runs the exchange until neither side answers.
    void run() {
        wps::reply m = e.start();
        bool to_registrar = true;
        while (m.op != wps::op::none && types.size() < 20) {
            types.push_back(type_of(m));
            m = to_registrar ? r.receive(m.op, m.message) : e.receive(m.op, m.message);
            to_registrar = !to_registrar;
        }
    }
    template <class E>
    static const E* find(const std::vector<wps::event>& v) {
        for (const auto& x : v)
            if (const auto* p = std::get_if<E>(&x)) return p;
        return nullptr;
    }
};

namespace msg = wps::msg;

}  // namespace

TEST_CASE("A PIN registration runs M1 to WSC_Done and hands the credential over",
          "[wps][protocol]") {
    exchange x("12345670", 0, {std::string("12345670"), 0});
    x.run();
    CHECK(x.types == std::vector<std::uint8_t>{msg::m1, msg::m2, msg::m3, msg::m4, msg::m5, msg::m6,
                                               msg::m7, msg::m8, msg::done});
    CHECK(x.e.state() == wps::status::success);
    CHECK(x.r.state() == wps::status::success);
    REQUIRE(x.e.credential());
    CHECK(x.e.credential()->ssid == "DIRECT-ab");
    CHECK(x.e.credential()->network_key == std::string(64, 'a'));
    CHECK(x.e.credential()->mac == mac("02:00:00:00:01:00"));
    CHECK(x.e.credential()->auth == wps::auth_type::wpa2_psk);
    CHECK(x.e.credential()->encr == wps::encr_type::aes);
    CHECK(exchange::find<wps::credential_received>(x.enrollee_events));
    CHECK(exchange::find<wps::succeeded>(x.enrollee_events));
    const auto* ok = exchange::find<wps::registrar_success>(x.registrar_events);
    REQUIRE(ok);
    CHECK(ok->mac == mac("02:00:00:00:01:00"));
    CHECK(ok->uuid_e == wps::uuid_from_mac(mac("02:00:00:00:01:00")));
    REQUIRE(x.r.enrollee());
    CHECK(x.r.enrollee()->dev.device_name == "client");
}

TEST_CASE("Push-button registration uses the password 00000000 on both sides", "[wps][protocol]") {
    exchange x("00000000", 4, {std::string("00000000"), 0});
    x.run();
    CHECK(x.e.state() == wps::status::success);
    REQUIRE(x.r.enrollee());
    CHECK(x.r.enrollee()->dpid == 4);
}

TEST_CASE("A wrong first PIN half fails at M4 on both sides with config_error 18",
          "[wps][protocol]") {
    exchange x("12345670", 0, {std::string("00000000"), 0});
    x.run();
    CHECK(x.types == std::vector<std::uint8_t>{msg::m1, msg::m2, msg::m3, msg::m4, msg::nack});
    const auto* ef = exchange::find<wps::failed>(x.enrollee_events);
    const auto* rf = exchange::find<wps::failed>(x.registrar_events);
    REQUIRE(ef);
    REQUIRE(rf);
    CHECK((ef->msg == msg::m4 && ef->config_error == 18));
    CHECK((rf->msg == msg::m4 && rf->config_error == 18));
    CHECK_FALSE(x.e.credential());
    CHECK(x.r.state() == wps::status::failure);
}

TEST_CASE("A wrong second PIN half fails at M6 with config_error 18", "[wps][protocol]") {
    exchange x("12345670", 0, {std::string("12340000"), 0});
    x.run();
    const auto* ef = exchange::find<wps::failed>(x.enrollee_events);
    const auto* rf = exchange::find<wps::failed>(x.registrar_events);
    REQUIRE(ef);
    REQUIRE(rf);
    CHECK((ef->msg == msg::m6 && ef->config_error == 18));
    CHECK((rf->msg == msg::m6 && rf->config_error == 18));
}

TEST_CASE("A registrar without a password answers M2D and the enrollee acknowledges it",
          "[wps][protocol]") {
    exchange x("12345670", 0, {std::nullopt, wps::config_error::setup_locked});
    x.run();
    CHECK(x.types == std::vector<std::uint8_t>{msg::m1, msg::m2d, msg::ack});
    const auto* m2d = exchange::find<wps::m2d_received>(x.enrollee_events);
    REQUIRE(m2d);
    CHECK(m2d->config_error == 15);
    // The registrar's description, as M2D carries it (WPS Event m2d on D-Bus reports it).
    CHECK(m2d->registrar.device_name == "go");
    CHECK(m2d->registrar.model_name == "softmac GO");
    CHECK(m2d->registrar.primary.category == 10);
    CHECK(m2d->registrar.config_methods == 0x0188);
    CHECK(x.r.refused());
    CHECK(x.r.state() == wps::status::failure);
    CHECK(x.e.state() == wps::status::running);  // it would still take an M2
}

TEST_CASE("A tampered message fails its Authenticator and the run ends with a NACK",
          "[wps][protocol]") {
    exchange x("12345670", 0, {std::string("12345670"), 0});
    wps::reply m1 = x.e.start();
    wps::reply m2 = x.r.receive(m1.op, m1.message);
    REQUIRE(exchange::type_of(m2) == msg::m2);
    m2.message[m2.message.size() - 1] ^= 1;  // the Authenticator's last octet
    const wps::reply out = x.e.receive(m2.op, m2.message);
    CHECK(exchange::type_of(out) == msg::nack);
    CHECK(x.e.state() == wps::status::failure);
}

TEST_CASE("Messages of another run or out of order are not taken", "[wps][protocol]") {
    exchange x("12345670", 0, {std::string("12345670"), 0});
    wps::reply m1 = x.e.start();
    wps::reply m2 = x.r.receive(m1.op, m1.message);
    // An M2 for another Enrollee Nonce is dropped without an answer.
    std::vector<std::uint8_t> other = m2.message;
    auto p = wps::message::parse(other);
    REQUIRE(p);
    const auto n1 = p->get(wattr::enrollee_nonce);
    REQUIRE(n1);
    other[static_cast<std::size_t>(n1->data() - other.data())] ^= 0xff;
    CHECK(x.e.receive(m2.op, other).op == wps::op::none);
    CHECK(x.e.state() == wps::status::running);
    // Garbage is dropped; the real M2 still works.
    const std::uint8_t junk[] = {0x10, 0x22, 0x00};
    CHECK(x.e.receive(wps::op::msg, junk).op == wps::op::none);
    CHECK(exchange::type_of(x.e.receive(m2.op, m2.message)) == msg::m3);
}

namespace {
/// The `N`-octet attribute `id` of `message` (which it must hold).
template <std::size_t N>
std::array<std::uint8_t, N> field_of(bytes_view message, std::uint16_t id) {
    return test::got(test::got(wps::message::parse(message)).template array<N>(id));
}
/// `message` without its attribute `id` (which it must hold).
std::vector<std::uint8_t> without_attribute(std::vector<std::uint8_t> message, std::uint16_t id) {
    const auto p = wps::message::parse(message);
    REQUIRE(p);
    const auto v = p->get(id);
    REQUIRE(v);
    const auto at = v->data() - message.data();
    message.erase(message.begin() + (at - 4), message.begin() + at + std::ptrdiff_t(v->size()));
    return message;
}
}  // namespace

// A failed HMAC or random draw ends the run: each step's result can say "failed" apart from
// every value (before, a failure read as zeros).
static_assert(
    std::is_same_v<decltype(wps::detail::run::random_nonce()), std::optional<wps::nonce>>);
static_assert(
    std::is_same_v<decltype(wps::commitment({}, {}, {}, {}, {})), std::optional<wps::digest>>);
static_assert(std::is_same_v<decltype(wps::authenticator({}, {}, {})),
                             std::optional<std::array<std::uint8_t, 8>>>);
static_assert(std::is_same_v<decltype(wps::password_halves({}, {})),
                             std::optional<std::array<wps::half_psk, 2>>>);
static_assert(std::is_same_v<decltype(std::declval<wps::detail::run&>().commit_secrets()),
                             std::optional<std::array<wps::digest, 2>>>);

namespace {
/// An enrollee written from the run's parts (not wps::enrollee), so that its M3 can carry any
/// Registrar Nonce: M1 with the password 12345670, then an authentic M3 for the registrar's M2.
struct parts_enrollee {
    wps::detail::run t;
    enum class nonce { right, other, none };

    wps::reply m1() {
        t.n1 = *wps::detail::run::random_nonce();
        auto key = crypto::dh_group5::generate();
        REQUIRE(key);
        t.pke = key->public_key();
        t.dh.emplace(std::move(*key));
        t.enrollee_mac = mac("02:00:00:00:01:00");
        t.password = "12345670";
        wps::builder b;
        b.head(msg::m1).raw(wattr::uuid_e, wps::uuid_from_mac(t.enrollee_mac));
        b.raw(wattr::mac_address, t.enrollee_mac.bytes()).raw(wattr::enrollee_nonce, t.n1);
        b.raw(wattr::public_key, t.pke).u16(wattr::device_password_id, 0).version2();
        return t.send(std::move(b), msg::m1);
    }
    wps::reply m3(const wps::reply& m2, nonce n) {
        t.n2 = field_of<16>(m2.message, wattr::registrar_nonce);
        t.pkr = field_of<192>(m2.message, wattr::public_key);
        REQUIRE(t.derive(t.pkr));
        const auto hashes = t.commit_secrets();
        REQUIRE(hashes);
        wps::nonce other = t.n2;
        other[0] ^= 1;
        wps::builder b;
        b.head(msg::m3);
        if (n != nonce::none) b.raw(wattr::registrar_nonce, n == nonce::right ? t.n2 : other);
        b.raw(wattr::e_hash1, (*hashes)[0]).raw(wattr::e_hash2, (*hashes)[1]);
        b.version2();
        REQUIRE(wps::authenticate(b, t.keys, m2.message));
        return t.send(std::move(b), msg::m3);
    }
};
}  // namespace

TEST_CASE("Each side takes only messages that carry the nonces wpa_supplicant requires",
          "[wps][protocol]") {
    exchange x("12345670", 0, {std::string("12345670"), 0});
    const wps::reply m1 = x.e.start();
    const wps::reply m2 = x.r.receive(m1.op, m1.message);
    REQUIRE(exchange::type_of(m2) == msg::m2);
    const auto n1 = field_of<16>(m1.message, wattr::enrollee_nonce);
    // wps_process_wsc_msg: every message to the enrollee carries its Enrollee Nonce. An M2
    // without one is not this run's: dropped, not read (its Authenticator would fail).
    CHECK(x.e.receive(m2.op, without_attribute(m2.message, wattr::enrollee_nonce)).op ==
          wps::op::none);
    CHECK(x.e.state() == wps::status::running);
    const wps::reply m3 = x.e.receive(m2.op, m2.message);
    REQUIRE(exchange::type_of(m3) == msg::m3);
    const auto n2 = field_of<16>(m3.message, wattr::registrar_nonce);
    // A NACK with Configuration Error 12 (no Registrar Nonce: none).
    const auto nack = [](const wps::nonce& e, std::optional<wps::nonce> r) {
        wps::builder b;
        b.head(msg::nack).raw(wattr::enrollee_nonce, e);
        if (r) b.raw(wattr::registrar_nonce, *r);
        b.u16(wattr::config_error, 12).version2();
        return std::move(b).take();
    };
    wps::nonce foreign = n2;
    foreign[15] ^= 1;

    SECTION("a NACK is the enrollee's only with both nonces of its run") {
        // wps_process_wsc_nack checks both; softmac drops another run's.
        CHECK(x.e.receive(wps::op::nack, nack(n1, foreign)).op == wps::op::none);
        CHECK(x.e.receive(wps::op::nack, nack(n1, std::nullopt)).op == wps::op::none);
        CHECK(x.e.state() == wps::status::running);
        CHECK(exchange::type_of(x.e.receive(wps::op::nack, nack(n1, n2))) == msg::nack);
        CHECK(x.e.state() == wps::status::failure);
        CHECK(x.e.config_error() == 12);
        // A NACK to M3 is reported: WPS-FAIL msg=3.
        const auto* f = exchange::find<wps::failed>(x.enrollee_events);
        REQUIRE(f);
        CHECK(f->msg == msg::m3);
        CHECK(f->config_error == 12);
    }
    SECTION("the NACK to an M2 without UUID-R names M2's Registrar Nonce: the registrar's") {
        // wps_process_m2 keeps the Registrar Nonce before it checks the rest, so the NACK it
        // sends is the registrar's (WPS-FAIL there).
        exchange y("12345670", 0, {std::string("12345670"), 0});
        const wps::reply first = y.e.start();
        const wps::reply y_m2 = y.r.receive(first.op, first.message);
        REQUIRE(exchange::type_of(y_m2) == msg::m2);
        const wps::reply refusal =
            y.e.receive(y_m2.op, without_attribute(y_m2.message, wattr::uuid_r));
        REQUIRE(exchange::type_of(refusal) == msg::nack);
        (void)y.r.receive(refusal.op, refusal.message);
        CHECK(y.r.state() == wps::status::failure);
        CHECK(exchange::find<wps::failed>(y.registrar_events));
    }
    SECTION("a NACK to M1 names any Registrar Nonce, as M2 would have brought it") {
        exchange y("12345670", 0, {std::string("12345670"), 0});
        const wps::reply first = y.e.start();
        const auto y_n1 = field_of<16>(first.message, wattr::enrollee_nonce);
        CHECK(y.e.receive(wps::op::nack, nack(y_n1, std::nullopt)).op == wps::op::none);
        CHECK(y.e.state() == wps::status::running);
        // Any value: zeros as hostap's registrar sends before M2, or a nonce not yet known.
        CHECK(exchange::type_of(y.e.receive(wps::op::nack, nack(y_n1, foreign))) == msg::nack);
        CHECK(y.e.state() == wps::status::failure);
        CHECK(y.e.config_error() == 12);
        // No WPS-FAIL: wps_process_wsc_nack reports a NACK only to M3, M5 or M7 (after M1, as
        // after M2D, the registrar was not ready).
        CHECK_FALSE(exchange::find<wps::failed>(y.enrollee_events));
    }
    SECTION("a NACK to the registrar with another Enrollee Nonce ends its run without WPS-FAIL") {
        wps::nonce other_n1 = n1;
        other_n1[0] ^= 1;
        (void)x.r.receive(wps::op::nack, nack(other_n1, n2));
        CHECK(x.r.state() == wps::status::failure);
        CHECK_FALSE(exchange::find<wps::failed>(x.registrar_events));
    }
    SECTION("a NACK to the registrar with both nonces ends its run with WPS-FAIL") {
        (void)x.r.receive(wps::op::nack, nack(n1, n2));
        CHECK(x.r.state() == wps::status::failure);
        const auto* f = exchange::find<wps::failed>(x.registrar_events);
        REQUIRE(f);
        CHECK(f->config_error == 12);
    }
    SECTION("WSC_Done without the Registrar Nonce ends the registrar's run, not in success") {
        wps::reply m = m3;
        bool to_registrar = true;
        while (exchange::type_of(m) != msg::done) {
            REQUIRE(m.op != wps::op::none);
            m = to_registrar ? x.r.receive(m.op, m.message) : x.e.receive(m.op, m.message);
            to_registrar = !to_registrar;
        }
        REQUIRE(x.e.state() == wps::status::success);
        // wps_process_wsc_done: WPS_FAILURE, no WPS-FAIL event; EAP-Failure follows.
        (void)x.r.receive(m.op, without_attribute(m.message, wattr::registrar_nonce));
        CHECK(x.r.state() == wps::status::failure);
        CHECK_FALSE(exchange::find<wps::registrar_success>(x.registrar_events));
        CHECK_FALSE(exchange::find<wps::failed>(x.registrar_events));
    }
}

TEST_CASE("M2D carries a Registrar Nonce of zeros, and its ACK is taken only with both nonces",
          "[wps][protocol]") {
    // wps_build_m2 draws the Registrar Nonce, M2D does not; wpa_supplicant's enrollee does not
    // keep M2D's (wps_process_m2d), so its ACK carries zeros, which wps_process_wsc_ack checks.
    const auto ack = [](const wps::nonce& e) {
        wps::builder b;
        b.head(msg::ack).raw(wattr::enrollee_nonce, e).raw(wattr::registrar_nonce, wps::nonce{});
        b.version2();
        return std::move(b).take();
    };
    exchange x("12345670", 0, {std::nullopt, wps::config_error::setup_locked});
    const wps::reply m1 = x.e.start();
    const wps::reply m2d = x.r.receive(m1.op, m1.message);
    REQUIRE(exchange::type_of(m2d) == msg::m2d);
    CHECK(field_of<16>(m2d.message, wattr::registrar_nonce) == wps::nonce{});
    wps::nonce n1 = field_of<16>(m1.message, wattr::enrollee_nonce);
    SECTION("this run's ACK: refused, nothing to register") {
        (void)x.r.receive(wps::op::ack, ack(n1));
        CHECK(x.r.refused());
    }
    SECTION("another run's ACK ends the run without counting as the refusal's") {
        n1[0] ^= 1;
        (void)x.r.receive(wps::op::ack, ack(n1));
        CHECK_FALSE(x.r.refused());
    }
    CHECK(x.r.state() == wps::status::failure);
}

TEST_CASE("The registrar answers an authentic M3 without its Registrar Nonce with a NACK",
          "[wps][protocol]") {
    // wps_process_m3 -> wps_process_registrar_nonce: missing or different, SEND_WSC_NACK. The
    // M3 is authentic (its sender has the keys), so only the nonce check refuses it.
    using nonce = parts_enrollee::nonce;
    for (const nonce n : {nonce::right, nonce::other, nonce::none}) {
        exchange x("12345670", 0, {std::string("12345670"), 0});
        parts_enrollee pe;
        const wps::reply m1 = pe.m1();
        const wps::reply m2 = x.r.receive(m1.op, m1.message);
        REQUIRE(exchange::type_of(m2) == msg::m2);
        const wps::reply m3 = pe.m3(m2, n);
        const wps::reply out = x.r.receive(m3.op, m3.message);
        if (n == nonce::right) {
            CHECK(exchange::type_of(out) == msg::m4);  // the same M3 is otherwise taken
        } else {
            CHECK(exchange::type_of(out) == msg::nack);
            CHECK(x.r.state() == wps::status::failure);
        }
    }
}

TEST_CASE("A message with an attribute of a length wpa_supplicant refuses is dropped",
          "[wps][protocol]") {
    // wps_parse_msg fails on it (wps_set_attr), so the registrar never reads such an M1.
    exchange x("12345670", 0, {std::string("12345670"), 0});
    const wps::reply m1 = x.e.start();
    for (const std::vector<std::uint8_t>& bad :
         {std::vector<std::uint8_t>{0x10, 0x3c, 0x00, 0x02, 0x01, 0x00},  // RF Bands of 2
          std::vector<std::uint8_t>{0x10, 0x49, 0x00, 0x05, 0x00, 0x37, 0x2a, 0x00, 0x00}}) {
        std::vector<std::uint8_t> m = m1.message;
        m.insert(m.end(), bad.begin(), bad.end());
        CHECK_FALSE(wps::message::parse(m));
        CHECK(x.r.receive(m1.op, m).op == wps::op::none);
    }
    CHECK(exchange::type_of(x.r.receive(m1.op, m1.message)) == msg::m2);
}

TEST_CASE("The registrar policy decides push-button, PINs, overlap and PIN-needed",
          "[wps][protocol]") {
    std::vector<wps::event> ev;
    std::vector<duration> wakes;
    wps::registrar reg([&](const wps::event& e) { ev.push_back(e); },
                       [&](duration d) { wakes.push_back(d); });
    const time_point t0{};
    wps::enrollee_request a, b;
    a.uuid_e = wps::uuid_from_mac(mac("02:00:00:00:01:00"));
    b.uuid_e = wps::uuid_from_mac(mac("02:00:00:00:02:00"));
    a.dpid = b.dpid = 4;
    const auto sta_a = mac("02:00:00:00:01:00"), sta_b = mac("02:00:00:00:02:00");

    SECTION("nothing armed: M2D 15 and WPS-PIN-NEEDED for a PIN enrollee") {
        wps::enrollee_request pin = a;
        pin.dpid = 0;
        const auto d = reg.decide(pin, sta_a, std::nullopt, t0);
        CHECK_FALSE(d.password);
        CHECK(d.config_error == 15);
        REQUIRE(std::get_if<wps::pin_needed>(&ev.back()));
        CHECK(std::get<wps::pin_needed>(ev.back()).mac == sta_a);
    }
    SECTION("a PIN for any enrollee is used once") {
        reg.add_pin("12345670", std::nullopt, t0);
        wps::enrollee_request pin = a;
        pin.dpid = 0;
        CHECK(reg.decide(pin, sta_a, std::nullopt, t0).password == std::string("12345670"));
        reg.completed(sta_a);
        CHECK_FALSE(reg.decide(pin, sta_a, std::nullopt, t0).password);
    }
    SECTION("a PIN for one address is not another's") {
        reg.add_pin("12345670", sta_b, t0);
        wps::enrollee_request pin = a;
        pin.dpid = 0;
        CHECK_FALSE(reg.decide(pin, sta_a, std::nullopt, t0).password);
        CHECK(reg.decide(pin, sta_b, std::nullopt, t0).password == std::string("12345670"));
    }
    SECTION("push-button for one enrollee, then another within the walk time overlaps") {
        REQUIRE(reg.start_pbc(t0));
        CHECK(std::holds_alternative<wps::pbc_active>(ev.back()));
        CHECK(reg.decide(a, sta_a, std::nullopt, t0).password == std::string("00000000"));
        const auto d = reg.decide(b, sta_b, std::nullopt, t0 + std::chrono::seconds(1));
        CHECK_FALSE(d.password);
        CHECK(d.config_error == 12);
        CHECK(std::holds_alternative<wps::failed>(ev.back()));
        CHECK_FALSE(reg.start_pbc(t0 + std::chrono::seconds(2)));
    }
    SECTION("push-button restricted to a P2P device treats any other as an overlap") {
        REQUIRE(reg.start_pbc(t0, sta_a));
        CHECK(reg.decide(b, sta_b, sta_b, t0).config_error == 12);
        CHECK(reg.decide(a, sta_a, sta_a, t0).password == std::string("00000000"));
    }
    SECTION("the walk time ends push-button mode with WPS-TIMEOUT and WPS-PBC-DISABLE") {
        REQUIRE(reg.start_pbc(t0));
        REQUIRE(wakes == std::vector<duration>{wps::registrar::walk_time});  // asks to be woken
        reg.expire(t0 + wps::registrar::walk_time - std::chrono::milliseconds(1));
        CHECK(reg.pbc_armed());
        reg.expire(t0 + wps::registrar::walk_time);
        CHECK_FALSE(reg.pbc_armed());
        REQUIRE(ev.size() >= 2);
        CHECK(std::holds_alternative<wps::timed_out>(ev[ev.size() - 2]));
        CHECK(std::holds_alternative<wps::pbc_disable>(ev.back()));
        CHECK(reg.decide(a, sta_a, std::nullopt, t0 + wps::registrar::walk_time).config_error ==
              15);
    }
    SECTION("a PIN with a timeout expires") {
        reg.add_pin("12345670", std::nullopt, t0, std::chrono::seconds(30));
        REQUIRE(wakes == std::vector<duration>{std::chrono::seconds(30)});
        wps::enrollee_request pin = a;
        pin.dpid = 0;
        CHECK(reg.decide(pin, sta_a, std::nullopt, t0 + std::chrono::seconds(29)).password);
        CHECK_FALSE(reg.decide(pin, sta_a, std::nullopt, t0 + std::chrono::seconds(30)).password);
    }
    SECTION("cancel reports whether anything was armed") {
        CHECK_FALSE(reg.cancel());
        reg.add_pin("12345670", std::nullopt, t0);
        CHECK(reg.cancel());
        CHECK(std::holds_alternative<wps::cancelled>(ev.back()));
        CHECK_FALSE(reg.pin_armed());
    }
}

TEST_CASE("An AP's WPS element advertises its registrar as hostapd orders it", "[wps][protocol]") {
    wps::registrar_state reg;
    const auto idle = wps::ap_element(0x0188, reg);
    // dd len 00 50 f2 04 | Version | WPS State 2 | Vendor Extension (Version2)
    CHECK(idle == std::vector<std::uint8_t>{0xdd, 0x18, 0x00, 0x50, 0xf2, 0x04, 0x10, 0x4a, 0x00,
                                            0x01, 0x10, 0x10, 0x44, 0x00, 0x01, 0x02, 0x10, 0x49,
                                            0x00, 0x06, 0x00, 0x37, 0x2a, 0x00, 0x01, 0x20});
    reg.selected = true;
    reg.dpid = 4;
    reg.authorized = {mac_address::broadcast()};
    const auto armed = wps::ap_element(0x0188, reg);
    REQUIRE(armed.size() > 6);
    CHECK(armed[1] == armed.size() - 2);
    const auto attrs = ieee80211::wps::attribute_range::parse(bytes_view(armed).subspan(6));
    REQUIRE(attrs);
    std::vector<std::uint16_t> order;
    for (auto a : *attrs) order.push_back(a.id);
    CHECK(order == std::vector<std::uint16_t>{wattr::version, wattr::wps_state,
                                              wattr::selected_registrar, wattr::device_password_id,
                                              wattr::selected_registrar_config_methods,
                                              wattr::vendor_extension});
    const auto dpid = attrs->find(wattr::device_password_id);
    REQUIRE(dpid);
    CHECK(load_be16(dpid->data()) == 4);
    const auto ext = attrs->find(wattr::vendor_extension);
    REQUIRE(ext);
    // Version2, then AuthorizedMACs (sub-element 1) with the broadcast address: any enrollee.
    CHECK(std::vector<std::uint8_t>(ext->begin(), ext->end()) ==
          std::vector<std::uint8_t>{0x00, 0x37, 0x2a, 0x00, 0x01, 0x20, 0x01, 0x06, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff});
    // The enrollee's association element is wpa_supplicant's, octet for octet.
    CHECK(wps::assoc_request_element() ==
          std::vector<std::uint8_t>{0xdd, 0x18, 0x00, 0x50, 0xf2, 0x04, 0x10, 0x4a, 0x00,
                                    0x01, 0x10, 0x10, 0x3a, 0x00, 0x01, 0x01, 0x10, 0x49,
                                    0x00, 0x06, 0x00, 0x37, 0x2a, 0x00, 0x01, 0x20});
}

namespace {

/// Session keys for the Encrypted Settings tests, and the settings' Key Wrap Authenticator.
wps::session_keys settings_keys() {
    wps::session_keys k;
    k.auth_key.fill(0x11);
    k.key_wrap_key.fill(0x22);
    return k;
}
std::vector<std::uint8_t> with_kwa(const wps::session_keys& k, std::vector<std::uint8_t> s) {
    wps::digest d;
    REQUIRE(crypto::hmac_sha256(k.auth_key, {s}, d));
    const std::uint8_t head[] = {0x10, 0x1e, 0x00, 0x08};
    s.insert(s.end(), std::begin(head), std::end(head));
    s.insert(s.end(), d.begin(), d.begin() + 8);
    return s;
}
/// IV | CBC(`plain`) with no padding added: CBC enciphers a prefix alone, so the padded
/// encryption cut to the plaintext's length is exactly that.
std::vector<std::uint8_t> unpadded(const wps::session_keys& k,
                                   const std::vector<std::uint8_t>& plain) {
    const std::array<std::uint8_t, 16> iv{7};
    std::vector<std::uint8_t> out(iv.begin(), iv.end());
    out.resize(16 + plain.size() + 16);
    auto n = crypto::aes128_cbc_encrypt(k.key_wrap_key, iv, plain, bytes_span(out).subspan(16));
    REQUIRE(n);
    out.resize(16 + plain.size());
    return out;
}

}  // namespace

TEST_CASE("Encrypted Settings read as wpa_supplicant reads them: one block, any pad that fits",
          "[wps][protocol]") {
    // wps_decrypt_encr_settings: the IV and at least one block; a pad of n octets of value n,
    // n from 0 up to what the plaintext holds; then the KWA last (wps_process_key_wrap_auth).
    const auto k = settings_keys();
    const auto opened = [&](bytes_view value) {
        auto r = wps::decrypt_settings(k, value);
        REQUIRE(r);
        return *r;
    };
    const std::vector<std::uint8_t> nonce_attr = hex("1016 0010 00112233445566778899aabbccddeeff");
    // The usual PKCS#5 pad of 1 to 16.
    const auto usual = wps::encrypt_settings(k, nonce_attr, {1});
    REQUIRE(usual);
    CHECK(opened(*usual) == nonce_attr);
    // One block: a KWA alone and 4 octets of pad.
    const auto one_block = wps::encrypt_settings(k, {}, {1});
    REQUIRE(one_block);
    REQUIRE(one_block->size() == 32);
    CHECK(opened(*one_block).empty());
    // A pad of 32 octets of 32.
    auto plain = with_kwa(k, nonce_attr);
    plain.insert(plain.end(), 32, 32);
    CHECK(opened(unpadded(k, plain)) == nonce_attr);
    // A pad of 0: the settings end in the KWA, whose last octet is then 0.
    std::vector<std::uint8_t> zero_end = nonce_attr;
    for (int v = 0; with_kwa(k, zero_end).back() != 0; ++v) {
        REQUIRE(v < 4096);
        zero_end[4] = static_cast<std::uint8_t>(v);
        zero_end[5] = static_cast<std::uint8_t>(v >> 8);
    }
    CHECK(opened(unpadded(k, with_kwa(k, zero_end))) == zero_end);
    // Refused: a pad whose octets differ, one longer than the plaintext, the IV alone, a
    // length not a multiple of the block, a wrong KWA.
    auto uneven = with_kwa(k, nonce_attr);
    uneven.insert(uneven.end(), 16, 16);
    uneven[uneven.size() - 5] = 15;
    CHECK_FALSE(wps::decrypt_settings(k, unpadded(k, uneven)));
    auto too_long = with_kwa(k, nonce_attr);
    too_long.insert(too_long.end(), 16, 0xff);
    CHECK_FALSE(wps::decrypt_settings(k, unpadded(k, too_long)));
    CHECK_FALSE(wps::decrypt_settings(k, bytes_view(*usual).first(16)));
    CHECK_FALSE(wps::decrypt_settings(k, bytes_view(*usual).first(40)));
    auto forged = with_kwa(k, nonce_attr);
    forged[6] ^= 1;
    forged.insert(forged.end(), 16, 16);
    CHECK_FALSE(wps::decrypt_settings(k, unpadded(k, forged)));
}

TEST_CASE("A Credential is read as wps_process_cred reads it", "[wps][protocol]") {
    const auto cred = [](std::initializer_list<std::vector<std::uint8_t>> attrs) {
        std::vector<std::uint8_t> out;
        for (const auto& a : attrs) out.insert(out.end(), a.begin(), a.end());
        return out;
    };
    const std::vector<std::uint8_t> index = hex("1026 0001 01"),
                                    ssid = hex("1045 0009 4449524543542d6162"),  // DIRECT-ab
        auth_psk = hex("1003 0002 0020"), auth_open = hex("1003 0002 0001"),
                                    encr_aes = hex("100f 0002 0008"),
                                    encr_none = hex("100f 0002 0001"),
                                    key = hex("1027 0008 3132333435363738"),  // 12345678
        mac_attr = hex("1020 0006 020000000100");
    const auto full = wps::parse_credential(cred({index, ssid, auth_psk, encr_aes, key, mac_attr}));
    REQUIRE(full);
    CHECK(full->ssid == "DIRECT-ab");
    CHECK(full->network_key == "12345678");
    CHECK(full->auth == wps::auth_type::wpa2_psk);
    CHECK(full->mac == mac("02:00:00:00:01:00"));
    // Each required attribute: Network Index, SSID, Authentication and Encryption Type, MAC.
    CHECK_FALSE(wps::parse_credential(cred({ssid, auth_psk, encr_aes, key, mac_attr})));
    CHECK_FALSE(wps::parse_credential(cred({index, auth_psk, encr_aes, key, mac_attr})));
    CHECK_FALSE(wps::parse_credential(cred({index, ssid, encr_aes, key, mac_attr})));
    CHECK_FALSE(wps::parse_credential(cred({index, ssid, auth_psk, key, mac_attr})));
    CHECK_FALSE(wps::parse_credential(cred({index, ssid, auth_psk, encr_aes, key})));
    // An attribute of a length wps_parse_msg refuses.
    CHECK_FALSE(wps::parse_credential(
        cred({hex("1026 0002 0101"), ssid, auth_psk, encr_aes, key, mac_attr})));
    // The SSID loses its zero padding; of two SSIDs the last counts.
    std::vector<std::uint8_t> ssid32 = hex("1045 0020");
    ssid32.insert(ssid32.end(), {'A', 'B'});
    ssid32.insert(ssid32.end(), 30, 0);
    const auto unpadded_ssid =
        wps::parse_credential(cred({index, ssid, ssid32, auth_psk, encr_aes, key, mac_attr}));
    REQUIRE(unpadded_ssid);
    CHECK(unpadded_ssid->ssid == "AB");
    // An SSID over 32 octets is ignored (wps_set_attr): alone it leaves none, after another
    // the other counts.
    std::vector<std::uint8_t> ssid33 = hex("1045 0021");
    ssid33.insert(ssid33.end(), 33, 'x');
    CHECK_FALSE(wps::parse_credential(cred({index, ssid33, auth_psk, encr_aes, key, mac_attr})));
    const auto first_ssid =
        wps::parse_credential(cred({index, ssid, ssid33, auth_psk, encr_aes, key, mac_attr}));
    REQUIRE(first_ssid);
    CHECK(first_ssid->ssid == "DIRECT-ab");
    // No Network Key: only for an open network without encryption.
    const auto open = wps::parse_credential(cred({index, ssid, auth_open, encr_none, mac_attr}));
    REQUIRE(open);
    CHECK(open->network_key.empty());
    CHECK_FALSE(wps::parse_credential(cred({index, ssid, auth_psk, encr_aes, mac_attr})));
    // A passphrase's terminating NUL goes; a short one or one with a control character is
    // refused; 64 octets are a PSK.
    const auto nul = wps::parse_credential(
        cred({index, ssid, auth_psk, encr_aes, hex("1027 0009 313233343536373800"), mac_attr}));
    REQUIRE(nul);
    CHECK(nul->network_key == "12345678");
    CHECK_FALSE(wps::parse_credential(
        cred({index, ssid, auth_psk, encr_aes, hex("1027 0007 31323334353637"), mac_attr})));
    CHECK_FALSE(wps::parse_credential(
        cred({index, ssid, auth_psk, encr_aes, hex("1027 000a 313233340a3536373800"), mac_attr})));
    CHECK_FALSE(wps::parse_credential(
        cred({index, ssid, auth_psk, encr_aes, hex("1027 0008 3132333435363738"), mac_attr,
              hex("1027 0008 313233340a353637")})));
    std::vector<std::uint8_t> psk = hex("1027 0040");
    psk.insert(psk.end(), 64, 'a');
    const auto hex_psk =
        wps::parse_credential(cred({index, ssid, auth_psk, encr_aes, psk, mac_attr}));
    REQUIRE(hex_psk);
    CHECK(hex_psk->network_key == std::string(64, 'a'));
}

TEST_CASE("An M8 whose Credentials wpa_supplicant would not take ends the run with config_error 0",
          "[wps][protocol]") {
    // wps_process_creds: a Credential wps_process_cred refuses fails M8, as does one whose
    // only cipher is WEP (skipped, leaving none); the NACK's Configuration Error stays 0.
    const auto refuse = [](void (*change)(wps::credential&)) {
        exchange x("12345670", 0, {std::string("12345670"), 0}, change);
        x.run();
        CHECK(x.types == std::vector<std::uint8_t>{msg::m1, msg::m2, msg::m3, msg::m4, msg::m5,
                                                   msg::m6, msg::m7, msg::m8, msg::nack});
        const auto* ef = exchange::find<wps::failed>(x.enrollee_events);
        REQUIRE(ef);
        CHECK((ef->msg == msg::m8 && ef->config_error == 0));
        CHECK_FALSE(exchange::find<wps::credential_received>(x.enrollee_events));
        CHECK_FALSE(x.e.credential());
    };
    refuse([](wps::credential& c) { c.network_key = "1234\n678"; });
    refuse([](wps::credential& c) { c.network_key = "1234567"; });
    refuse([](wps::credential& c) { c.encr = wps::encr_type::wep; });
    refuse([](wps::credential& c) { c.network_key = std::string(64, 'g'); });
}

namespace {
/// A registrar written from the run's parts (not wps::registrar_run), so that its M8 can carry
/// any settings: it answers a real enrollee's M1, M3, M5 and M7 with the password 12345670 and
/// returns the enrollee's answer to the M8 holding `settings`.
struct settings_registrar {
    wps::detail::run r;
    wps::enrollee e;

    settings_registrar() : e(enrollee_with_pin()) {}
    static wps::enrollee::config enrollee_with_pin() {
        wps::enrollee::config c;
        c.mac = mac("02:00:00:00:01:00");
        c.dev.id = wps::uuid_from_mac(c.mac);
        c.password = "12345670";
        return c;
    }
    /// Authenticates `b` over the enrollee's last message, sends it and keeps the answer.
    wps::reply send(wps::builder&& b, std::uint8_t type, const wps::reply& previous) {
        r.last_received = previous.message;
        REQUIRE(wps::authenticate(b, r.keys, r.last_received));
        const wps::reply sent = r.send(std::move(b), type);
        return e.receive(sent.op, sent.message);
    }
    /// `b` with Encrypted Settings holding `settings`.
    wps::builder& encrypted(wps::builder& b, bytes_view settings) {
        REQUIRE(r.put_encrypted(b, settings));
        return b;
    }
    wps::reply m8_with(bytes_view settings) {
        const wps::reply m1 = e.start();
        r.n1 = field_of<16>(m1.message, wattr::enrollee_nonce);
        r.pke = field_of<192>(m1.message, wattr::public_key);
        r.enrollee_mac = mac("02:00:00:00:01:00");
        r.n2 = *wps::detail::run::random_nonce();
        r.password = "12345670";
        auto key = crypto::dh_group5::generate();
        REQUIRE(key);
        r.pkr = key->public_key();
        r.dh.emplace(std::move(*key));
        REQUIRE(r.derive(r.pke));
        const auto hashes = r.commit_secrets();
        REQUIRE(hashes);
        wps::builder m2;
        m2.head(msg::m2).raw(wattr::enrollee_nonce, r.n1).raw(wattr::registrar_nonce, r.n2);
        m2.raw(wattr::uuid_r, wps::uuid_from_mac(mac("02:00:00:00:00:00")));
        m2.raw(wattr::public_key, r.pkr).version2();
        const wps::reply m3 = send(std::move(m2), msg::m2, m1);
        REQUIRE(exchange::type_of(m3) == msg::m3);
        wps::builder m4, secret1;
        m4.head(msg::m4).raw(wattr::enrollee_nonce, r.n1);
        m4.raw(wattr::r_hash1, (*hashes)[0]).raw(wattr::r_hash2, (*hashes)[1]);
        secret1.raw(wattr::r_snonce1, r.s1);
        const wps::reply m5 =
            send(std::move(encrypted(m4, secret1.bytes()).version2()), msg::m4, m3);
        REQUIRE(exchange::type_of(m5) == msg::m5);
        wps::builder m6, secret2;
        m6.head(msg::m6).raw(wattr::enrollee_nonce, r.n1);
        secret2.raw(wattr::r_snonce2, r.s2);
        const wps::reply m7 =
            send(std::move(encrypted(m6, secret2.bytes()).version2()), msg::m6, m5);
        REQUIRE(exchange::type_of(m7) == msg::m7);
        wps::builder m8;
        m8.head(msg::m8).raw(wattr::enrollee_nonce, r.n1);
        return send(std::move(encrypted(m8, settings).version2()), msg::m8, m7);
    }
};

/// A Credential for `ssid` (a WPA2-PSK network unless `change` says otherwise).
std::vector<std::uint8_t> credential_for(std::string ssid,
                                         void (*change)(wps::credential&) = nullptr) {
    wps::credential c;
    c.ssid = std::move(ssid);
    c.network_key = "passphrase";
    c.mac = mac("02:00:00:00:01:00");
    if (change) change(c);
    wps::builder b;
    b.credential(c);
    return std::move(b).take();
}
std::vector<std::uint8_t> joined(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
}  // namespace

TEST_CASE("An M8 with several Credentials is read as wps_process_creds reads it",
          "[wps][protocol]") {
    const auto wep_only = [](wps::credential& c) { c.encr = wps::encr_type::wep; };
    const auto unreadable = [](wps::credential& c) { c.network_key = "1234567"; };
    SECTION("the first usable one is taken; one offering only WEP is skipped") {
        settings_registrar x;
        const auto done = x.m8_with(joined(
            {credential_for("wep", wep_only), credential_for("first"), credential_for("second")}));
        CHECK(exchange::type_of(done) == msg::done);
        REQUIRE(x.e.credential());
        CHECK(x.e.credential()->ssid == "first");
    }
    SECTION("a Credential that does not read fails M8 even after a usable one") {
        settings_registrar x;
        const auto nack =
            x.m8_with(joined({credential_for("first"), credential_for("bad", unreadable)}));
        CHECK(exchange::type_of(nack) == msg::nack);
        CHECK(x.e.state() == wps::status::failure);
        CHECK_FALSE(x.e.credential());  // the taken one is given up
    }
    SECTION("only the first ten are read (MAX_CRED_COUNT)") {
        std::vector<std::uint8_t> ten;
        for (int i = 0; i < 10; ++i) {
            const auto c = credential_for("net" + std::to_string(i));
            ten.insert(ten.end(), c.begin(), c.end());
        }
        settings_registrar past_ten;
        CHECK(exchange::type_of(
                  past_ten.m8_with(joined({ten, credential_for("bad", unreadable)}))) == msg::done);
        REQUIRE(past_ten.e.credential());
        CHECK(past_ten.e.credential()->ssid == "net0");
        std::vector<std::uint8_t> nine(ten.begin(),
                                       ten.begin() + std::ptrdiff_t(ten.size() / 10 * 9));
        settings_registrar tenth;
        CHECK(exchange::type_of(tenth.m8_with(joined({nine, credential_for("bad", unreadable)}))) ==
              msg::nack);
    }
}

TEST_CASE("A password proof that does not decrypt, parse or hold its nonce fails with 0",
          "[wps][protocol]") {
    // wps_process_e_snonce1 and its kin: only a nonce that opens the hash proves the password
    // half; settings that do not decrypt or authenticate, or lack the nonce, end the run too,
    // with Configuration Error 0 (18 is for a nonce that does not open the hash).
    wps::detail::run r;
    r.keys = settings_keys();
    r.pke.fill(1);
    r.pkr.fill(2);
    r.psk[0].fill(3);
    wps::nonce secret;
    secret.fill(9);
    const wps::digest hash = *wps::commitment(r.keys, secret, r.psk[0], r.pke, r.pkr);
    // An M5 whose Encrypted Settings hold `settings` under `under` (none without keys).
    const auto proof = [&](const wps::session_keys* under, bytes_view settings) {
        wps::builder b;
        b.head(msg::m5);
        if (under) {
            const auto e = wps::encrypt_settings(*under, settings, {5});
            REQUIRE(e);
            b.raw(wattr::encrypted_settings, *e);
        }
        const std::vector<std::uint8_t> raw = std::move(b).take();
        const auto m = wps::message::parse(raw);
        REQUIRE(m);
        return r.check_secret(*m, wattr::e_snonce1, hash, r.psk[0]);
    };
    std::vector<std::uint8_t> right = hex("1016 0010"), wrong = right;
    right.insert(right.end(), secret.begin(), secret.end());
    wrong.insert(wrong.end(), 16, 8);
    // "Proven" and "failed with 0" must differ in type, not by a value callers could misread.
    static_assert(std::is_same_v<decltype(proof(nullptr, {})), std::optional<std::uint16_t>>);
    const std::optional<std::uint16_t> failed_with_0(0), failed_with_18(18);
    CHECK_FALSE(proof(&r.keys, right));
    CHECK(proof(&r.keys, wrong) == failed_with_18);
    CHECK(proof(nullptr, right) == failed_with_0);                      // no Encrypted Settings
    CHECK(proof(&r.keys, hex("1022 0001 09")) == failed_with_0);        // no nonce
    CHECK(proof(&r.keys, hex("1016 0004 01020304")) == failed_with_0);  // does not parse
    wps::session_keys other = r.keys;
    other.key_wrap_key[0] ^= 1;
    CHECK(proof(&other, right) == failed_with_0);  // does not decrypt
    other = r.keys;
    other.auth_key[0] ^= 1;
    CHECK(proof(&other, right) == failed_with_0);  // its KWA does not authenticate
}
