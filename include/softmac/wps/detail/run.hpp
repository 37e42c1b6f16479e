// SPDX-License-Identifier: MIT
/// @file Defines what the enrollee and the registrar share in one registration: nonces, DH keys,
/// the session keys, the last message each way, and the step result.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <softmac/crypto/primitives.hpp>
#include <softmac/crypto/wsc.hpp>
#include <softmac/wps/eap.hpp>
#include <softmac/wps/events.hpp>
#include <softmac/wps/keys.hpp>
#include <softmac/wps/message.hpp>

namespace softmac::wps {

/// @brief EAP-WSC op-codes a registration message travels with, and none (nothing to send).
namespace op {
using namespace eap::op;
inline constexpr std::uint8_t none = 0;
}  // namespace op

/// @brief What a machine answers to one message: the reply to send (op-code none: nothing).
struct reply {
    std::uint8_t op = op::none;
    std::vector<std::uint8_t> message;
};

/// @brief Where a registration is.
enum class status : std::uint8_t { running, success, failure };

namespace detail {

/// The nonces a message must carry, as bits of a set.
namespace nonce_bit {
inline constexpr std::uint8_t enrollee = 1, registrar = 2;
}  // namespace nonce_bit

/// The state of one registration both sides keep.
struct run {
    std::function<void(const event&)> emit;
    nonce n1{}, n2{};  ///< Enrollee and Registrar Nonce
    std::optional<crypto::dh_group5> dh;
    public_key pke{}, pkr{};
    mac_address enrollee_mac;
    session_keys keys;
    std::string password;
    std::array<half_psk, 2> psk{};
    nonce s1{}, s2{};  ///< own secret nonces
    digest peer_hash1{}, peer_hash2{};
    std::vector<std::uint8_t> last_sent, last_received;
    std::uint8_t last_sent_type = 0;
    std::uint16_t config_error = config_error::none;
    wps::status state = wps::status::running;

    void report(const event& e) const {
        if (emit) emit(e);
    }
    /// A fresh nonce; nothing when the random generator fails.
    static std::optional<nonce> random_nonce() {
        nonce n;
        if (!crypto::random_bytes(n)) return std::nullopt;
        return n;
    }
    /// Fresh secret nonces S1 and S2 (E-S1/E-S2 or R-S1/R-S2) and their commitments to the
    /// password halves (E-Hash1/2 or R-Hash1/2); nothing when the generator or HMAC fails.
    std::optional<std::array<digest, 2>> commit_secrets() {
        const auto a = random_nonce(), b = random_nonce();
        if (!a || !b) return std::nullopt;
        s1 = *a;
        s2 = *b;
        const auto h1 = commitment(keys, s1, psk[0], pke, pkr);
        const auto h2 = commitment(keys, s2, psk[1], pke, pkr);
        if (!h1 || !h2) return std::nullopt;
        return std::array<digest, 2>{*h1, *h2};
    }
    /// Keeps `b` as the last message sent and returns it as a WSC_MSG reply.
    reply send(builder&& b, std::uint8_t type, std::uint8_t code = op::msg) {
        last_sent = std::move(b).take();
        last_sent_type = type;
        return {code, last_sent};
    }
    /// DHKey and the session keys once both public keys and nonces are known.
    bool derive(bytes_view peer_public) {
        auto secret = dh->shared_secret(peer_public);
        if (!secret) return false;
        auto k = derive_keys(*secret, n1, enrollee_mac, n2);
        if (!k) return false;
        keys = *k;
        const auto halves = password_halves(keys, password);
        if (!halves) return false;
        psk = *halves;
        return true;
    }
    /// Encrypted Settings with `settings` under this run's keys and a random IV.
    bool put_encrypted(builder& b, bytes_view settings) const {
        std::array<std::uint8_t, 16> iv{};
        if (!crypto::random_bytes(iv)) return false;
        auto e = encrypt_settings(keys, settings, iv);
        if (!e) return false;
        b.raw(attr::encrypted_settings, *e);
        return true;
    }
    /// The decrypted settings of `m`, whose Authenticator was checked.
    result<std::vector<std::uint8_t>> open(const message& m) const {
        const auto e = m.get(attr::encrypted_settings);
        if (!e) return make_error(errc::not_found, "WSC: no Encrypted Settings");
        return decrypt_settings(keys, *e);
    }
    /// The peer's proof of a password half: the secret nonce `id` in the Encrypted Settings of
    /// `m` must open `hash` (its earlier E-/R-Hash) with `psk`. Nothing when it does; else the
    /// Configuration Error to end the run with: 18 for a wrong password (wps_process_r_snonce1
    /// and its kin), 0 when the settings do not decrypt, parse or authenticate or lack the
    /// nonce, where hostap leaves the error unset.
    std::optional<std::uint16_t> check_secret(const message& m, std::uint16_t id,
                                              const digest& hash, const half_psk& psk) const {
        auto settings = open(m);
        if (!settings) return config_error::none;
        nonce n;
        std::optional<bytes_view> v;
        const bool parsed =
            ieee80211::wps::for_each_accepted(*settings, [&](const ieee80211::attribute& a) {
                if (a.id == id) v = a.data;
            });
        if (!parsed || !v || v->size() != n.size()) return config_error::none;
        std::copy(v->begin(), v->end(), n.begin());
        const auto opened = commitment(keys, n, psk, pke, pkr);
        if (!opened) return config_error::none;
        if (!crypto::equal(*opened, hash)) return config_error::dev_password_auth_failure;
        return std::nullopt;
    }
    /// Ends the run with Configuration Error `error`, without WPS-FAIL.
    void end(std::uint16_t error) {
        config_error = error;
        state = wps::status::failure;
    }
    /// Ends the run with WPS-FAIL at message type `at`.
    void fail(std::uint8_t at, std::uint16_t error) {
        end(error);
        report(failed{at, error});
    }
    /// WSC_NACK / WSC_ACK / WSC_Done: nonces, and the error for a NACK.
    std::vector<std::uint8_t> short_message(std::uint8_t type) const {
        builder b;
        b.head(type).raw(attr::enrollee_nonce, n1).raw(attr::registrar_nonce, n2);
        if (type == msg::nack) b.u16(attr::config_error, config_error);
        b.version2();
        return std::move(b).take();
    }
    reply nack() { return {op::nack, short_message(msg::nack)}; }
    /// Whether `m` carries this run's nonces: each of `required` present and equal, as
    /// wps_process_wsc_msg (Enrollee Nonce, on every message the enrollee receives) and
    /// wps_process_registrar_nonce (Registrar Nonce, on M3, M5, M7 and WSC_Done) require; the
    /// other one, when present, equal too (the Registrar Nonce only once `registrar_known`).
    bool ours(const message& m, std::uint8_t required, bool registrar_known = true) const {
        const auto e = m.get(attr::enrollee_nonce), r = m.get(attr::registrar_nonce);
        if ((!e && (required & nonce_bit::enrollee)) || (!r && (required & nonce_bit::registrar)))
            return false;
        const auto same = [](bytes_view v, const nonce& n) {
            return v.size() == n.size() && std::equal(v.begin(), v.end(), n.begin());
        };
        return (!e || same(*e, n1)) && (!r || !registrar_known || same(*r, n2));
    }
};

}  // namespace detail
}  // namespace softmac::wps
