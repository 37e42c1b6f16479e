// SPDX-License-Identifier: MIT
/// @file Defines wps::registrar_run: the AP's half of one registration, M1 to WSC_Done, which hands
/// the enrollee the network's credential in M8 (wps_registrar.c's protocol part).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/wps/detail/run.hpp>

namespace softmac::wps {

/// @brief What M1 says about the enrollee: who asks, and with which password kind.
struct enrollee_request {
    uuid uuid_e{};
    mac_address mac;
    std::uint16_t dpid = 0;
    device_info dev;
};

/// @brief The registrar's answer to an M1: the device password to use, or the Configuration
/// Error of the M2D that refuses the enrollee.
struct password_decision {
    std::optional<std::string> password;
    std::uint16_t config_error = config_error::none;
};

/// @brief One registration as registrar: receive() takes each message of the enrollee and
/// gives the next one. The run reports WPS-PIN-NEEDED (through the decision), WPS-FAIL and,
/// after WSC_Done, the registrar's success.
class registrar_run {
  public:
    struct config {
        device_info dev;
        /// The password for an enrollee (the registrar's PIN and push-button state).
        std::function<password_decision(const enrollee_request&)> authorize;
        wps::credential cred;  ///< SSID, types and key; the MAC is the enrollee's
        std::function<void(const event&)> emit;
    };

    explicit registrar_run(config c) : cfg_(std::move(c)) { run_.emit = cfg_.emit; }

    status state() const noexcept { return run_.state; }
    const std::optional<enrollee_request>& enrollee() const noexcept { return who_; }
    std::uint16_t config_error() const noexcept { return run_.config_error; }
    /// @brief Whether the run ended with an M2D acknowledged (no registration happened).
    bool refused() const noexcept { return refused_; }

    /// @brief A message of the enrollee with its EAP-WSC op-code.
    reply receive(std::uint8_t code, bytes_view raw) {
        if (run_.state != status::running) return {};
        auto m = message::parse(raw);
        if (!m) return {};
        // A NACK, an ACK or WSC_Done must carry both nonces of this run (wps_process_wsc_nack,
        // wps_process_wsc_ack, wps_process_wsc_done); one that does not, an ACK but to M2D and
        // a WSC_Done out of turn end the run without WPS-FAIL, as hostap's WPS_FAILURE does
        // (EAP-Failure follows).
        const bool nack = code == op::nack && m->type() == msg::nack;
        const bool ack = code == op::ack && m->type() == msg::ack;
        const bool done = code == op::done && m->type() == msg::done;
        if (nack || ack || done) {
            namespace bit = detail::nonce_bit;
            if (!run_.ours(*m, bit::enrollee | bit::registrar)) return end_quietly();
            if (nack) {
                const auto e = m->u16(attr::config_error);
                run_.fail(run_.last_sent_type, e ? *e : config_error::none);
                return {};
            }
            if (done && expect_ == msg::done) return on_done();
            refused_ = ack && run_.last_sent_type == msg::m2d;  // nothing to register
            return end_quietly();
        }
        if (m->type() == msg::m1 && code == op::msg && expect_ == msg::m1) return on_m1(*m, raw);
        // M3, M5 and M7 out of order, without this run's Registrar Nonce or not authentic are
        // answered with a NACK (wps_process_m3 and its kin).
        if (code != op::msg || m->type() != expect_ ||
            !run_.ours(*m, detail::nonce_bit::registrar) ||
            !authentic(run_.keys, run_.last_sent, m->raw()))
            return refuse(m->type(), config_error::none);
        run_.last_received.assign(raw.begin(), raw.end());
        switch (m->type()) {
            case msg::m3:
                return on_m3(*m);
            case msg::m5:
                return on_m5(*m);
            default:
                return on_m7(*m);
        }
    }

  private:
    reply refuse(std::uint8_t at, std::uint16_t error) {
        run_.fail(at, error);
        return run_.nack();
    }
    reply end_quietly() {
        run_.state = status::failure;
        return {};
    }
    /// The attributes of M2 and M2D after the Public Key up to Config Error (hostap's
    /// wps_build_m2 order).
    void flags_and_names(builder& b) const {
        b.u16(attr::auth_type_flags, auth_type::advertised);
        b.u16(attr::encr_type_flags, encr_type::advertised).u8(attr::conn_type_flags, 1);
        b.u16(attr::config_methods, cfg_.dev.config_methods).device_names(cfg_.dev);
        b.u8(attr::rf_bands, cfg_.dev.rf_bands).u16(attr::association_state, 0);
    }
    reply on_m1(const message& m, bytes_view raw) {
        const auto uuid_e = m.array<16>(attr::uuid_e);
        const auto mac = m.fixed(attr::mac_address, 6);
        const auto n1 = m.array<16>(attr::enrollee_nonce);
        const auto pke = m.array<192>(attr::public_key);
        const auto dpid = m.u16(attr::device_password_id);
        if (!uuid_e || !mac || !n1 || !pke || !dpid) return refuse(msg::m1, config_error::none);
        enrollee_request who;
        who.uuid_e = *uuid_e;
        who.mac = mac_address::from(mac->data());
        who.dpid = *dpid;
        who.dev = m.device();
        who.dev.id = *uuid_e;
        who_ = who;
        run_.n1 = *n1;
        run_.pke = *pke;
        run_.enrollee_mac = who.mac;
        run_.last_received.assign(raw.begin(), raw.end());
        const password_decision d = cfg_.authorize
                                        ? cfg_.authorize(who)
                                        : password_decision{{}, config_error::setup_locked};
        // M2D carries a Registrar Nonce of zeros, as the enrollee's ACK does (the nonce is drawn
        // for M2 only, as in wps_build_m2).
        if (!d.password) return send_m2d(d.config_error);
        const auto n2 = detail::run::random_nonce();
        if (!n2) return refuse(msg::m1, config_error::none);
        run_.n2 = *n2;
        run_.password = *d.password;
        auto key = crypto::dh_group5::generate();
        if (!key) return refuse(msg::m1, config_error::none);
        run_.pkr = key->public_key();
        run_.dh.emplace(std::move(*key));
        if (!run_.derive(run_.pke)) return refuse(msg::m1, config_error::none);
        builder b;
        b.head(msg::m2).raw(attr::enrollee_nonce, run_.n1).raw(attr::registrar_nonce, run_.n2);
        b.raw(attr::uuid_r, cfg_.dev.id).raw(attr::public_key, run_.pkr);
        flags_and_names(b);
        b.u16(attr::config_error, config_error::none).u16(attr::device_password_id, who.dpid);
        b.u32(attr::os_version, 0x80000000u | cfg_.dev.os_version).version2();
        if (!authenticate(b, run_.keys, run_.last_received))
            return refuse(msg::m1, config_error::none);
        expect_ = msg::m3;
        return run_.send(std::move(b), msg::m2);
    }
    reply send_m2d(std::uint16_t error) {
        builder b;
        b.head(msg::m2d).raw(attr::enrollee_nonce, run_.n1).raw(attr::registrar_nonce, run_.n2);
        b.raw(attr::uuid_r, cfg_.dev.id);
        flags_and_names(b);
        b.u16(attr::config_error, error).u32(attr::os_version, 0x80000000u | cfg_.dev.os_version);
        b.version2();
        run_.config_error = error;
        expect_ = msg::ack;
        return run_.send(std::move(b), msg::m2d);
    }
    reply on_m3(const message& m) {
        const auto h1 = m.array<32>(attr::e_hash1), h2 = m.array<32>(attr::e_hash2);
        if (!h1 || !h2) return refuse(msg::m3, config_error::none);
        run_.peer_hash1 = *h1;
        run_.peer_hash2 = *h2;
        const auto hashes = run_.commit_secrets();
        if (!hashes) return refuse(msg::m3, config_error::none);
        builder b;
        b.head(msg::m4).raw(attr::enrollee_nonce, run_.n1);
        b.raw(attr::r_hash1, (*hashes)[0]).raw(attr::r_hash2, (*hashes)[1]);
        return send_settings(std::move(b), msg::m4, secret(attr::r_snonce1, run_.s1));
    }
    reply on_m5(const message& m) {
        if (auto e = run_.check_secret(m, attr::e_snonce1, run_.peer_hash1, run_.psk[0]))
            return refuse(msg::m5, *e);
        builder b;
        b.head(msg::m6).raw(attr::enrollee_nonce, run_.n1);
        return send_settings(std::move(b), msg::m6, secret(attr::r_snonce2, run_.s2));
    }
    reply on_m7(const message& m) {
        if (auto e = run_.check_secret(m, attr::e_snonce2, run_.peer_hash2, run_.psk[1]))
            return refuse(msg::m7, *e);
        wps::credential c = cfg_.cred;
        c.mac = run_.enrollee_mac;
        builder settings;
        settings.credential(c);
        builder b;
        b.head(msg::m8).raw(attr::enrollee_nonce, run_.n1);
        return send_settings(std::move(b), msg::m8, std::move(settings).take());
    }
    reply on_done() {
        run_.state = status::success;
        run_.report(registrar_success{run_.enrollee_mac, who_->uuid_e});
        return {};
    }
    static std::vector<std::uint8_t> secret(std::uint16_t id, const nonce& n) {
        builder s;
        s.raw(id, n);
        return std::move(s).take();
    }
    /// M4, M6 and M8: Encrypted Settings, Vendor Extension, Authenticator.
    reply send_settings(builder&& b, std::uint8_t type, const std::vector<std::uint8_t>& settings) {
        if (!run_.put_encrypted(b, settings)) return refuse(type, config_error::none);
        b.version2();
        if (!authenticate(b, run_.keys, run_.last_received))
            return refuse(type, config_error::none);
        expect_ = type == msg::m8 ? msg::done : static_cast<std::uint8_t>(type + 1);
        return run_.send(std::move(b), type);
    }

    config cfg_;
    detail::run run_;
    std::uint8_t expect_ = msg::m1;
    std::optional<enrollee_request> who_;
    bool refused_ = false;
};

/// @brief The registrar's PINs and push-button state across registrations (hostap's struct
/// wps_registrar): WPS_PIN, WPS_PBC, WPS_CANCEL, the walk time, session overlap, and the
/// password each M1 gets.
class registrar {
  public:
    /// The push-button walk time (WPS_PBC_WALK_TIME).
    static constexpr duration walk_time = std::chrono::seconds(120);

    /// `wake(d)`: the owner calls expire() `d` from now (the walk time's or a PIN's end).
    explicit registrar(std::function<void(const event&)> emit,
                       std::function<void(duration)> wake = {})
        : emit_(std::move(emit)), wake_(std::move(wake)) {}

    /// @brief WPS_PIN: `pin` for the enrollee at `addr` (any when empty), for `timeout` from
    /// `now` (zero: until used or cancelled).
    void add_pin(std::string pin, std::optional<mac_address> addr, time_point now,
                 duration timeout = duration::zero()) {
        const bool timed = timeout > duration::zero();
        pins_.push_back({std::move(pin), addr, timed ? now + timeout : time_point::max()});
        if (timed && wake_) wake_(timeout);
    }
    /// @brief WPS_PBC: push-button mode for the walk time, only for the P2P device `dev` when
    /// given. Fails on an overlap already seen (without `dev`).
    bool start_pbc(time_point now, std::optional<mac_address> dev = std::nullopt) {
        expire(now);
        if (!dev && overlap(now)) {
            emit_(overlap_detected{});
            return false;
        }
        pbc_until_ = now + walk_time;
        pbc_dev_ = dev;
        emit_(pbc_active{});
        if (wake_) wake_(walk_time);
        return true;
    }
    /// @brief WPS_CANCEL: whether anything was armed.
    bool cancel() {
        const bool armed = !pins_.empty() || pbc_until_;
        pins_.clear();
        if (pbc_until_) emit_(pbc_disable{});
        pbc_until_.reset();
        if (armed) emit_(cancelled{});
        return armed;
    }
    /// @brief Ends what expired: push-button mode after the walk time (WPS-TIMEOUT and
    /// WPS-PBC-DISABLE), PINs after their timeout.
    void expire(time_point now) {
        std::erase_if(pins_, [&](const pin_entry& p) { return p.expires <= now; });
        std::erase_if(sessions_, [&](const auto& s) { return s.second + walk_time <= now; });
        if (pbc_until_ && *pbc_until_ <= now) {
            pbc_until_.reset();
            emit_(timed_out{});
            emit_(pbc_disable{});
        }
    }
    bool pbc_armed() const noexcept { return pbc_until_.has_value(); }
    /// @brief What the AP's WPS element advertises: selected while push-button mode or a PIN
    /// is armed (push-button's password ID, else the default PIN's), AuthorizedMACs for the
    /// PINs (broadcast for a PIN for any enrollee).
    registrar_state advertised() const {
        registrar_state s;
        s.selected = pbc_until_.has_value() || !pins_.empty();
        s.dpid = pbc_until_ ? ieee80211::wps::password_id::push_button
                            : ieee80211::wps::password_id::pin_default;
        for (const auto& p : pins_)
            s.authorized.push_back(p.addr.value_or(mac_address::broadcast()));
        return s;
    }
    bool pin_armed() const noexcept { return !pins_.empty(); }
    std::optional<time_point> pbc_deadline() const noexcept { return pbc_until_; }

    /// @brief The password for an M1 from station `sta` (P2P device `dev` when it said so):
    /// push-button when armed and not overlapping, else an authorized PIN, else an M2D
    /// (WPS-PIN-NEEDED; 15, setup locked, as a GO's AP runs with ap_setup_locked).
    password_decision decide(const enrollee_request& r, const mac_address& sta,
                             std::optional<mac_address> dev, time_point now) {
        expire(now);
        if (r.dpid == ieee80211::wps::password_id::push_button) {
            sessions_.emplace_back(r.uuid_e, now);
            if (!pbc_until_) return {{}, config_error::setup_locked};
            const bool other = pbc_dev_ ? dev != pbc_dev_ : overlap(now);
            if (other) {
                emit_(overlap_detected{});
                emit_(failed{msg::m1, config_error::multiple_pbc_sessions});
                return {{}, config_error::multiple_pbc_sessions};
            }
            return {std::string("00000000"), config_error::none};
        }
        for (const auto& p : pins_)
            if (!p.addr || *p.addr == sta) return {p.pin, config_error::none};
        emit_(pin_needed{r.uuid_e, sta, r.dev});
        return {{}, config_error::setup_locked};
    }
    /// @brief A registration of `sta` succeeded: its PIN is used up, push-button mode ends.
    void completed(const mac_address& sta) {
        for (auto it = pins_.begin(); it != pins_.end(); ++it)
            if (!it->addr || *it->addr == sta) {
                pins_.erase(it);
                break;
            }
        if (pbc_until_) {
            pbc_until_.reset();
            emit_(pbc_disable{});
        }
    }

  private:
    struct pin_entry {
        std::string pin;
        std::optional<mac_address> addr;
        time_point expires;
    };
    /// More than one push-button enrollee (distinct UUID-E) within the walk time.
    bool overlap(time_point now) const {
        std::vector<uuid> seen;
        for (const auto& [id, at] : sessions_)
            if (at + walk_time > now && std::find(seen.begin(), seen.end(), id) == seen.end())
                seen.push_back(id);
        return seen.size() > 1;
    }

    std::function<void(const event&)> emit_;
    std::function<void(duration)> wake_;
    std::vector<pin_entry> pins_;
    std::optional<time_point> pbc_until_;
    std::optional<mac_address> pbc_dev_;
    std::vector<std::pair<uuid, time_point>> sessions_;
};

}  // namespace softmac::wps
