// SPDX-License-Identifier: MIT
/// @file Defines wps::enrollee: the station's half of a registration, M1 to WSC_Done, with its
/// receive checks in hostap's order (wps_enrollee.c).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <softmac/wps/detail/run.hpp>

namespace softmac::wps {

/// @brief One registration as enrollee: start() gives M1, receive() each message of the
/// registrar. The run reports WPS-M2D, WPS-CRED-RECEIVED, WPS-SUCCESS or WPS-FAIL.
class enrollee {
  public:
    struct config {
        device_info dev;
        mac_address mac;       ///< the enrollee's interface address (in M1 and the KDK)
        std::string password;  ///< the PIN's digits; "00000000" for push-button
        std::uint16_t dpid = 0;
        std::function<void(const event&)> emit;
    };

    explicit enrollee(config c) : cfg_(std::move(c)) {
        run_.emit = cfg_.emit;
        run_.password = cfg_.password;
        run_.enrollee_mac = cfg_.mac;
    }

    status state() const noexcept { return run_.state; }
    const std::optional<wps::credential>& credential() const noexcept { return cred_; }
    std::uint16_t config_error() const noexcept { return run_.config_error; }

    /// @brief M1, with a fresh Enrollee Nonce and DH key (WSC_Start received).
    reply start() {
        const auto n1 = detail::run::random_nonce();
        auto key = crypto::dh_group5::generate();
        if (!n1 || !key) {
            run_.fail(msg::m1, config_error::none);
            return {};
        }
        run_.n1 = *n1;
        run_.pke = key->public_key();
        run_.dh.emplace(std::move(*key));
        builder b;
        b.head(msg::m1).raw(attr::uuid_e, cfg_.dev.id).raw(attr::mac_address, cfg_.mac.bytes());
        b.raw(attr::enrollee_nonce, run_.n1).raw(attr::public_key, run_.pke);
        b.u16(attr::auth_type_flags, auth_type::advertised);
        b.u16(attr::encr_type_flags, encr_type::advertised).u8(attr::conn_type_flags, 1);
        b.u16(attr::config_methods, cfg_.dev.config_methods).u8(attr::wps_state, 1);
        b.device_names(cfg_.dev).u8(attr::rf_bands, cfg_.dev.rf_bands);
        b.u16(attr::association_state, 0).u16(attr::device_password_id, cfg_.dpid);
        b.u16(attr::config_error, config_error::none);
        b.u32(attr::os_version, 0x80000000u | cfg_.dev.os_version).version2();
        expect_ = msg::m2;
        return run_.send(std::move(b), msg::m1);
    }

    /// @brief A message of the registrar, with its EAP-WSC op-code.
    reply receive(std::uint8_t code, bytes_view raw) {
        if (run_.state != status::running) return {};
        auto m = message::parse(raw);
        if (!m) return {};  // not a WSC message: hostap drops it and waits
        // A message without this run's nonces is not this run's and is dropped: every message
        // the Enrollee Nonce (wps_process_wsc_msg), a NACK the Registrar Nonce too
        // (wps_process_wsc_nack; before M2 any, as M2 and M2D bring it). hostap ends the run
        // on such a message; softmac waits for this run's.
        namespace bit = detail::nonce_bit;
        const bool known = expect_ != msg::m2;
        if (code == op::nack && m->type() == msg::nack) {
            if (!run_.ours(*m, bit::enrollee | bit::registrar, known)) return {};
            // WPS-FAIL names the message refused: M3, M5 or M7 (wps_process_wsc_nack). A NACK
            // after M1 and M2D (no registrar ready yet) ends the run without one.
            const auto read = m->u16(attr::config_error);
            const std::uint16_t e = read ? *read : config_error::none;
            const std::uint8_t at = run_.last_sent_type;
            if (at == msg::m3 || at == msg::m5 || at == msg::m7)
                run_.fail(at, e);
            else
                run_.end(e);
            return run_.nack();
        }
        if (code != op::msg || !run_.ours(*m, bit::enrollee, known)) return {};
        if (m->type() == msg::m2d && expect_ == msg::m2) return on_m2d(*m);
        if (m->type() != expect_) return refuse(m->type(), config_error::none);
        run_.last_received.assign(raw.begin(), raw.end());
        switch (m->type()) {
            case msg::m2:
                return on_m2(*m);
            case msg::m4:
                return on_m4(*m);
            case msg::m6:
                return on_m6(*m);
            default:
                return on_m8(*m);
        }
    }

  private:
    reply refuse(std::uint8_t at, std::uint16_t error) {
        run_.fail(at, error);
        return run_.nack();
    }
    /// The previous message of the Authenticator pair of the message just received.
    bool authentic(const message& m, const std::vector<std::uint8_t>& sent) const {
        return wps::authentic(run_.keys, sent, m.raw());
    }
    reply on_m2d(const message& m) {
        const auto r = m.array<16>(attr::registrar_nonce);
        if (!r) return {};
        run_.n2 = *r;
        const auto e = m.u16(attr::config_error);
        run_.report(m2d_received{0, e ? *e : config_error::none, m.device()});
        // Another registrar may still answer with M2: acknowledge and keep waiting.
        return {op::ack, run_.short_message(msg::ack)};
    }
    reply on_m2(const message& m) {
        const auto r = m.array<16>(attr::registrar_nonce);
        if (!r) return refuse(msg::m2, config_error::none);
        run_.n2 = *r;  // first, so that a NACK to this M2 names it (wps_process_m2)
        const auto pkr = m.array<192>(attr::public_key);
        if (!pkr || !m.get(attr::uuid_r)) return refuse(msg::m2, config_error::none);
        run_.pkr = *pkr;
        const std::vector<std::uint8_t> m1 = run_.last_sent;
        if (!run_.derive(run_.pkr)) return refuse(msg::m2, config_error::none);
        if (!authentic(m, m1)) return refuse(msg::m2, config_error::none);
        // The device password ID may differ between PIN kinds (0 and 5 both mean a PIN in P2P);
        // a PIN where push-button was asked for, or the reverse, is refused.
        if (const auto id = m.u16(attr::device_password_id); id)
            if ((*id == ieee80211::wps::password_id::push_button) !=
                (cfg_.dpid == ieee80211::wps::password_id::push_button))
                return refuse(msg::m2, config_error::none);
        const auto hashes = run_.commit_secrets();
        if (!hashes) return refuse(msg::m2, config_error::none);
        builder b;
        b.head(msg::m3).raw(attr::registrar_nonce, run_.n2).raw(attr::e_hash1, (*hashes)[0]);
        b.raw(attr::e_hash2, (*hashes)[1]).version2();
        if (!authenticate(b, run_.keys, run_.last_received))
            return refuse(msg::m2, config_error::none);
        expect_ = msg::m4;
        return run_.send(std::move(b), msg::m3);
    }
    reply on_m4(const message& m) {
        const auto h1 = m.array<32>(attr::r_hash1), h2 = m.array<32>(attr::r_hash2);
        if (!authentic(m, sent_before()) || !h1 || !h2) return refuse(msg::m4, config_error::none);
        run_.peer_hash1 = *h1;
        run_.peer_hash2 = *h2;
        if (auto e = run_.check_secret(m, attr::r_snonce1, run_.peer_hash1, run_.psk[0]))
            return refuse(msg::m4, *e);
        return send_secret(msg::m5, attr::e_snonce1, run_.s1);
    }
    reply on_m6(const message& m) {
        if (!authentic(m, sent_before())) return refuse(msg::m6, config_error::none);
        if (auto e = run_.check_secret(m, attr::r_snonce2, run_.peer_hash2, run_.psk[1]))
            return refuse(msg::m6, *e);
        return send_secret(msg::m7, attr::e_snonce2, run_.s2);
    }
    /// M8 as wps_process_m8 takes it: settings that do not decrypt, parse or authenticate, or
    /// any Credential wps_process_creds refuses, end the run with a NACK whose Configuration
    /// Error is 0 (hostap leaves it unset there). Of up to ten Credentials (wps_parse_msg skips
    /// more) each must read; one whose Encryption Type offers WEP but none of open, TKIP and AES
    /// is skipped, one offering none of them refused, as is a WPA/WPA2-Personal key of 64
    /// octets that is not hexadecimal (wpa_supplicant's credential callback fails on it); the
    /// first usable one is taken.
    reply on_m8(const message& m) {
        if (!authentic(m, sent_before())) return refuse(msg::m8, config_error::none);
        auto s = run_.open(m);
        if (!s) return refuse(msg::m8, config_error::none);
        constexpr std::size_t max_credentials = 10;  // MAX_CRED_COUNT
        std::size_t credentials = 0;
        bool refused = false;
        const bool parsed =
            ieee80211::wps::for_each_accepted(*s, [&](const ieee80211::attribute& a) {
                if (a.id != attr::credential || credentials++ >= max_credentials) return;
                auto c = parse_credential(a.data);
                std::array<std::uint8_t, 32> psk;
                if (!c) {
                    refused = true;
                } else if (!(c->encr & (encr_type::none | encr_type::tkip | encr_type::aes))) {
                    refused = refused || !(c->encr & encr_type::wep);
                } else if ((c->auth & (auth_type::wpa_psk | auth_type::wpa2_psk)) &&
                           c->network_key.size() == 64 && !from_hex(c->network_key, psk)) {
                    refused = true;
                } else if (!cred_) {
                    cred_ = std::move(*c);
                }
            });
        if (!parsed || refused || !cred_) {
            cred_.reset();
            return refuse(msg::m8, config_error::none);
        }
        run_.report(credential_received{*cred_});
        run_.state = status::success;
        run_.report(succeeded{});
        reply r{op::done, run_.short_message(msg::done)};
        run_.last_sent_type = msg::done;
        return r;
    }
    /// M5 or M7: the own secret nonce in Encrypted Settings.
    reply send_secret(std::uint8_t type, std::uint16_t id, const nonce& secret) {
        builder settings;
        settings.raw(id, secret);
        builder b;
        b.head(type).raw(attr::registrar_nonce, run_.n2);
        if (!run_.put_encrypted(b, settings.bytes())) return refuse(type, config_error::none);
        b.version2();
        if (!authenticate(b, run_.keys, run_.last_received))
            return refuse(type, config_error::none);
        expect_ = static_cast<std::uint8_t>(type + 1);
        return run_.send(std::move(b), type);
    }
    /// The message this side sent before the one just received (its Authenticator pair).
    const std::vector<std::uint8_t>& sent_before() const noexcept { return run_.last_sent; }

    config cfg_;
    detail::run run_;
    std::uint8_t expect_ = 0;
    std::optional<wps::credential> cred_;
};

}  // namespace softmac::wps
