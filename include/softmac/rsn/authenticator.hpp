// SPDX-License-Identifier: MIT
/// @file Defines rsn::authenticator, the WPA2-PSK (CCMP) 4-way and group key handshakes of an
/// AP interface, with hostapd's timers, retry limits and replay counter rules.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/crypto/primitives.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/rsn/context.hpp>
#include <softmac/rsn/keys.hpp>

namespace softmac::rsn {

/// @brief A P2P GO's IPv4 addresses for its clients (hostapd's ip_addr_go, ip_addr_mask,
/// ip_addr_start and ip_addr_end). With `start` set the authenticator hands out start..end,
/// lowest free first and at most 1000 of them, in the IP Address Allocation KDE of M3.
struct ip_pool_config {
    ieee80211::ipv4_address go{}, mask{}, start{}, end{};
};

/// @brief The authenticator side of WPA2-PSK with pairwise and group CCMP-128: one per AP
/// interface, one handshake per associated station.
/// @tparam Ctx models authenticator_context. Its callbacks must not re-enter this object
/// synchronously.
template <class Ctx>
class authenticator {
    static_assert(detail::check_context<Ctx, true>());

  public:
    /// Per-station pairwise state (hostapd's WPA_PTK states, reduced).
    enum class sta_state : std::uint8_t {
        none,         ///< unknown station
        ptk_start,    ///< M1 sent, waiting for M2
        negotiating,  ///< M3 sent, waiting for M4
        done,         ///< PTK installed, port authorized
    };

    /// hostapd's eapol_key_timeout_first / _first_group / _subseq.
    static constexpr duration first_timeout = std::chrono::milliseconds(100);
    static constexpr duration first_group_timeout = std::chrono::milliseconds(500);
    static constexpr duration subsequent_timeout = std::chrono::milliseconds(1000);
    /// wpa_pairwise_update_count and wpa_group_update_count.
    static constexpr unsigned max_sends = 4;
    /// RSNA_MAX_EAPOL_RETRIES: replies may carry any of the last 4 counters sent.
    static constexpr std::size_t accepted_counters = 4;

    /// wpa_auth's ip_pool holds at most this many addresses.
    static constexpr std::uint32_t max_ip_pool = 1000;

    /// @param own_rsn_ie the RSN element of the Beacon/Probe Response, header included.
    /// @param ip the addresses a P2P GO hands out to clients that ask in M2.
    authenticator(Ctx& ctx, const mac_address& own, const crypto::psk& pmk, bytes_view own_rsn_ie,
                  const ip_pool_config& ip = {})
        : ctx_(ctx), own_(own), pmk_(pmk), own_ie_(own_rsn_ie.begin(), own_rsn_ie.end()), ip_(ip) {
        // As wpa_init counts them: end - start + 1 read as a signed 32-bit number.
        const std::uint32_t first = load_be32(ip.start.data());
        const auto count = static_cast<std::int32_t>(load_be32(ip.end.data()) - first + 1u);
        if (first && count > 0)
            ip_used_.resize(std::min(static_cast<std::uint32_t>(count), max_ip_pool));
    }
    authenticator(const authenticator&) = delete;
    authenticator& operator=(const authenticator&) = delete;
    ~authenticator() {
        for (auto& s : stations_) cancel(*s);
        pmk_.fill(0);
    }

    /// @brief Generates the first GTK (KeyID 1) and installs it as the default TX group key.
    result<void> start() {
        gtk_id_ = 1;
        if (!crypto::random_bytes(gtk_)) return make_error(errc::io, "no random GTK");
        return install_group_key();
    }

    std::uint8_t group_key_id() const noexcept { return gtk_id_; }

    /// @brief A station associated with `sta_rsn_ie` (from its association request, header
    /// included): a new 4-way handshake starts with M1.
    result<void> associate(const mac_address& sta, bytes_view sta_rsn_ie) {
        if (sta_rsn_ie.size() < 4 || sta_rsn_ie[0] != 48 || sta_rsn_ie[1] + 2u != sta_rsn_ie.size())
            return make_error(errc::bad_value, "station RSN element malformed");
        // A reassociating station keeps its address: 2.10's state machine outlives the
        // reassociation and frees the address only in wpa_free_sta_sm.
        std::optional<std::size_t> ip;
        if (const station* old = find(sta)) ip = old->ip;
        disassociate(sta);
        auto s = std::make_unique<station>();
        s->addr = sta;
        if (ip) ip_used_[*ip] = true;
        s->ip = ip;
        s->rsn_ie.assign(sta_rsn_ie.begin(), sta_rsn_ie.end());
        if (!crypto::random_bytes(s->anonce)) return make_error(errc::io, "no random ANonce");
        s->state = sta_state::ptk_start;
        station& ref = *s;
        stations_.push_back(std::move(s));
        return send_m1(ref);
    }

    /// @brief The station left: its handshakes stop and its keys are forgotten.
    void disassociate(const mac_address& sta) {
        for (auto it = stations_.begin(); it != stations_.end(); ++it)
            if ((*it)->addr == sta) {
                cancel(**it);
                if ((*it)->ip) ip_used_[*(*it)->ip] = false;  // wpa_free_sta_sm
                const bool waited = (*it)->group_pending;
                stations_.erase(it);
                if (waited) (void)maybe_finish_rekey();
                return;
            }
    }

    sta_state state_of(const mac_address& sta) const noexcept {
        for (const auto& s : stations_)
            if (s->addr == sta) return s->state;
        return sta_state::none;
    }
    /// @brief The IPv4 address `sta` was given in M3, if any (wpa_auth_get_ip_addr).
    std::optional<ieee80211::ipv4_address> ip_address_of(const mac_address& sta) const noexcept {
        for (const auto& s : stations_)
            if (s->addr == sta && s->ip) return ip_of(*s->ip);
        return std::nullopt;
    }

    /// @brief Handles one EAPOL frame (from the version octet) received from `from`.
    /// @return an error naming why the frame was dropped, if it was.
    result<void> receive(const mac_address& from, bytes_view frame) {
        namespace ki = ieee80211::key_info;
        station* s = find(from);
        if (!s) return make_error(errc::not_found, "EAPOL frame from an unknown station");
        auto parsed = ieee80211::eapol_key::parse(frame);
        if (!parsed) return parsed.err();
        const ieee80211::eapol_key& k = *parsed;
        if (k.descriptor_version() != ki::version_hmac_sha1_aes)
            return make_error(errc::unsupported, "key descriptor version is not 2");
        if (k.has(ki::request)) return make_error(errc::unsupported, "EAPOL-Key requests");
        if (k.has(ki::ack) || !k.has(ki::mic) || k.has(ki::smk))
            return make_error(errc::bad_value, "reply with Ack, SMK or without MIC");
        if (!counter_valid(*s, k.replay_counter))
            return make_error(errc::bad_value, "replay counter not among the last sent");
        if (!k.is_pairwise()) return on_g2(*s, k);
        // hostapd tells 2/4 from 4/4 by the Key Data.
        return k.key_data.empty() ? on_m4(*s, k) : on_m2(*s, k);
    }

    /// @brief Group rekey: a new GTK with the other KeyID (1 <-> 2) goes to every station
    /// with a completed 4-way handshake in a group message 1.
    result<void> rekey_group() {
        gtk_id_ = gtk_id_ == 1 ? 2 : 1;
        if (!crypto::random_bytes(gtk_)) return make_error(errc::io, "no random GTK");
        rekeying_ = true;
        std::vector<mac_address> targets;
        for (auto& s : stations_)
            if (s->state == sta_state::done) {
                s->group_pending = true;
                s->group_sends = 0;
                targets.push_back(s->addr);
            }
        for (const auto& a : targets)
            if (station* s = find(a)) (void)send_g1(*s);
        return maybe_finish_rekey();
    }

  private:
    struct station {
        mac_address addr;
        std::vector<std::uint8_t> rsn_ie;
        nonce anonce{};
        ptk keys{};
        sta_state state = sta_state::none;
        std::uint64_t counter = 0;
        std::array<std::uint64_t, accepted_counters> sent{};
        std::array<bool, accepted_counters> sent_valid{};
        unsigned sends = 0, group_sends = 0;
        timer_id timer = 0, group_timer = 0;
        bool group_pending = false;
        std::optional<std::size_t> ip;  ///< its address in the pool, once given
    };

    ieee80211::ipv4_address ip_of(std::size_t index) const noexcept {
        ieee80211::ipv4_address a;
        store_be32(a.data(), static_cast<std::uint32_t>(load_be32(ip_.start.data()) + index));
        return a;
    }

    station* find(const mac_address& a) noexcept {
        for (auto& s : stations_)
            if (s->addr == a) return s.get();
        return nullptr;
    }

    // --- replay counters (wpa_auth.c: __wpa_send_eapol, wpa_replay_counter_valid) -----------
    std::uint64_t next_counter(station& s) noexcept {
        ++s.counter;
        std::move_backward(s.sent.begin(), s.sent.end() - 1, s.sent.end());
        std::move_backward(s.sent_valid.begin(), s.sent_valid.end() - 1, s.sent_valid.end());
        s.sent[0] = s.counter;
        s.sent_valid[0] = true;
        return s.counter;
    }
    static bool counter_valid(const station& s, std::uint64_t c) noexcept {
        for (std::size_t i = 0; i < accepted_counters; ++i)
            if (s.sent_valid[i] && s.sent[i] == c) return true;
        return false;
    }
    /// An accepted reply ends that message's round: none of its counters is taken again.
    static void counters_used(station& s) noexcept { s.sent_valid.fill(false); }

    // --- sending ------------------------------------------------------------------------
    result<void> send(station& s, const ieee80211::eapol_key_fields& f, bool mic) {
        std::array<std::uint8_t, ieee80211::eapol_key_fixed_size + 256> buf{};
        auto n = ieee80211::build_eapol_key(buf, f);
        if (!n) return n.err();
        const bytes_span frame{buf.data(), *n};
        if (mic)
            if (auto r = write_mic(s.keys.kck, frame); !r) return r;
        ctx_.send_eapol(s.addr, frame);
        return {};
    }

    /// hostapd (wpa_send_eapol): the first send of a message waits eapol_key_timeout_first,
    /// or _first_group for group message 1; every retransmission waits _subseq.
    void arm(station& s, bool group) {
        const mac_address a = s.addr;
        timer_id& t = group ? s.group_timer : s.timer;
        const unsigned n = group ? s.group_sends : s.sends;
        const duration d =
            n == 1 ? (group ? first_group_timeout : first_timeout) : subsequent_timeout;
        if (t) ctx_.time().cancel(t);
        if (group)
            t = ctx_.time().schedule_in(d, [this, a] { on_group_timeout(a); });
        else
            t = ctx_.time().schedule_in(d, [this, a] { on_timeout(a); });
    }
    void cancel(station& s) noexcept {
        if (s.timer) ctx_.time().cancel(s.timer);
        if (s.group_timer) ctx_.time().cancel(s.group_timer);
        s.timer = s.group_timer = 0;
    }

    result<void> send_m1(station& s) {
        ieee80211::eapol_key_fields f;
        f.info = ieee80211::key_info::msg1;
        f.key_length = 16;
        f.replay_counter = next_counter(s);
        f.nonce = s.anonce;
        ++s.sends;
        arm(s, false);
        return send(s, f, false);
    }

    result<void> send_m3(station& s) {
        std::array<std::uint8_t, max_key_data> plain{};
        byte_writer w(plain);
        w.raw(own_ie_);
        ieee80211::put_gtk_kde(w, gtk_id_, false, gtk_);
        if (s.ip) ieee80211::put_ip_address_allocation_kde(w, {ip_of(*s.ip), ip_.mask, ip_.go});
        if (!w.ok()) return make_error(errc::no_space, "M3 Key Data too long");
        std::array<std::uint8_t, max_key_data + 24> wrapped{};
        auto n = wrap_key_data(s.keys.kek, w.written(), wrapped);
        if (!n) return n.err();
        ieee80211::eapol_key_fields f;
        f.info = ieee80211::key_info::msg3;
        f.key_length = 16;
        f.replay_counter = next_counter(s);
        f.nonce = s.anonce;
        f.rsc_pn = ctx_.group_tx_pn(gtk_id_);
        f.key_data = bytes_view{wrapped.data(), *n};
        ++s.sends;
        arm(s, false);
        return send(s, f, true);
    }

    result<void> send_g1(station& s) {
        std::array<std::uint8_t, 64> plain{};
        byte_writer w(plain);
        ieee80211::put_gtk_kde(w, gtk_id_, false, gtk_);
        std::array<std::uint8_t, 96> wrapped{};
        auto n = wrap_key_data(s.keys.kek, w.written(), wrapped);
        if (!n) return n.err();
        ieee80211::eapol_key_fields f;
        f.info = ieee80211::key_info::group1;
        f.replay_counter = next_counter(s);
        f.rsc_pn = ctx_.group_tx_pn(gtk_id_);
        f.key_data = bytes_view{wrapped.data(), *n};
        ++s.group_sends;
        arm(s, true);
        return send(s, f, true);
    }

    // --- timers ---------------------------------------------------------------------------
    void on_timeout(const mac_address& a) {
        station* s = find(a);
        if (!s) return;
        s->timer = 0;
        if (s->sends >= max_sends) return give_up(a, reason::fourway_handshake_timeout);
        if (s->state == sta_state::ptk_start)
            (void)send_m1(*s);
        else if (s->state == sta_state::negotiating)
            (void)send_m3(*s);
    }
    void on_group_timeout(const mac_address& a) {
        station* s = find(a);
        if (!s) return;
        s->group_timer = 0;
        if (s->group_sends >= max_sends) return give_up(a, reason::group_key_update_timeout);
        (void)send_g1(*s);
    }

    /// Forgets the station first, then tells the context: nothing refers to it afterwards.
    void give_up(const mac_address& a, std::uint16_t reason_code) {
        disassociate(a);
        ctx_.deauthenticate(a, reason_code);
        ctx_.emit(event{handshake_failed{a, failure::timeout, reason_code}});
    }

    // --- replies --------------------------------------------------------------------------
    result<void> on_m2(station& s, const ieee80211::eapol_key& k) {
        if (s.state != sta_state::ptk_start)
            return make_error(errc::invalid_state, "M2 outside PTKSTART");
        auto p = derive_ptk(pmk_, own_, s.addr, s.anonce, k.nonce);
        if (!p) return p.err();
        if (!verify_mic(p->kck, k.frame)) {
            // hostapd keeps retransmitting M1; the event hints at a wrong passphrase.
            ctx_.emit(event{psk_mismatch{s.addr}});
            return make_error(errc::bad_value, "M2 MIC failed: possible PSK mismatch");
        }
        counters_used(s);
        auto kd = ieee80211::key_data_summary::parse(k.key_data);
        if (!kd || !std::equal(kd->rsn_element.begin(), kd->rsn_element.end(), s.rsn_ie.begin(),
                               s.rsn_ie.end())) {
            // "WPA IE from (Re)AssocReq did not match with msg 2/4"
            const mac_address a = s.addr;
            disassociate(a);
            ctx_.deauthenticate(a, reason::prev_auth_not_valid);
            ctx_.emit(
                event{handshake_failed{a, failure::ie_mismatch, reason::prev_auth_not_valid}});
            return make_error(errc::bad_value, "RSN element of M2 differs from the association's");
        }
        // A P2P client asks for an address; it keeps the first it got.
        if (kd->ip_addr_req && !s.ip) {
            const auto free = std::find(ip_used_.begin(), ip_used_.end(), false);
            if (free != ip_used_.end()) {
                *free = true;
                s.ip = static_cast<std::size_t>(free - ip_used_.begin());
            }
        }
        s.keys = *p;
        s.state = sta_state::negotiating;
        s.sends = 0;  // PTKCALCNEGOTIATING2 resets TimeoutCtr
        return send_m3(s);
    }

    result<void> on_m4(station& s, const ieee80211::eapol_key& k) {
        if (s.state != sta_state::negotiating)
            return make_error(errc::invalid_state, "M4 outside PTKINITNEGOTIATING");
        if (!verify_mic(s.keys.kck, k.frame)) return make_error(errc::bad_value, "M4 MIC failed");
        counters_used(s);
        if (s.timer) ctx_.time().cancel(s.timer);
        s.timer = 0;
        key_install pk;
        pk.key_id = 0;
        pk.pairwise = true;
        pk.peer = s.addr;
        pk.key = s.keys.tk;
        if (!ctx_.install_key(pk)) {
            const mac_address a = s.addr;
            disassociate(a);
            ctx_.deauthenticate(a, reason::unspecified);
            ctx_.emit(event{handshake_failed{a, failure::install_failed, reason::unspecified}});
            return make_error(errc::io, "PTK install failed");
        }
        s.state = sta_state::done;
        ctx_.authorize(s.addr, true);
        ctx_.emit(event{handshake_completed{s.addr}});
        return {};
    }

    result<void> on_g2(station& s, const ieee80211::eapol_key& k) {
        if (s.state != sta_state::done || !s.group_pending)
            return make_error(errc::invalid_state, "G2 without a group message 1");
        if (!verify_mic(s.keys.kck, k.frame)) return make_error(errc::bad_value, "G2 MIC failed");
        counters_used(s);
        if (s.group_timer) ctx_.time().cancel(s.group_timer);
        s.group_timer = 0;
        s.group_pending = false;
        ctx_.emit(event{group_rekey_completed{s.addr, gtk_id_}});
        return maybe_finish_rekey();
    }

    /// hostapd's group state machine (wpa_group_sm_step) moves from SETKEYS to SETKEYSDONE
    /// once GKeyDoneStations is 0, and only SETKEYSDONE installs the new GTK as the default
    /// TX key (wpa_group_config_group_keys): stations receive it before it is used.
    result<void> maybe_finish_rekey() {
        if (!rekeying_) return {};
        for (const auto& s : stations_)
            if (s->group_pending) return {};
        rekeying_ = false;
        return install_group_key();
    }

    result<void> install_group_key() {
        key_install gk;
        gk.key_id = gtk_id_;
        gk.pairwise = false;
        gk.peer = mac_address::broadcast();
        gk.key = gtk_;
        gk.rsc = {};  // the authenticator's own transmit key: no receive counter to set
        gk.tx_default = true;
        return ctx_.install_key(gk);
    }

    Ctx& ctx_;
    mac_address own_;
    crypto::psk pmk_;
    std::vector<std::uint8_t> own_ie_;
    ip_pool_config ip_;
    std::vector<bool> ip_used_;  ///< one per address of the pool (wpa_auth's bitfield)
    key128 gtk_{};
    std::uint8_t gtk_id_ = 1;
    bool rekeying_ = false;
    std::vector<std::unique_ptr<station>> stations_;
};

}  // namespace softmac::rsn
