// SPDX-License-Identifier: MIT
/// @file Defines rsn::supplicant, the WPA2-PSK (CCMP) 4-way and group key handshakes of a
/// station, as wpa_supplicant's rsn_supp does them.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
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

/// @brief The supplicant side of WPA2-PSK with pairwise and group CCMP-128, one per
/// association. Frames are checked in wpa_supplicant's order (`wpa_sm_rx_eapol`); a dropped
/// frame leaves no trace but the returned error.
/// @tparam Ctx models supplicant_context. Its callbacks must not re-enter this object
/// synchronously.
template <class Ctx>
class supplicant {
    static_assert(detail::check_context<Ctx, false>());

  public:
    enum class state : std::uint8_t {
        idle,        ///< not associated
        associated,  ///< waiting for M1
        handshake,   ///< M2 sent, waiting for M3
        completed,   ///< keys installed, port authorized
        failed,      ///< gave up; start() again after the next association
    };

    /// Time allowed for the first EAPOL frame after association, and again for the handshake
    /// after that frame (wpa_supplicant_req_auth_timeout(10 s) in both places).
    static constexpr duration eapol_timeout = std::chrono::seconds(10);

    explicit supplicant(Ctx& ctx) noexcept : ctx_(ctx) {}
    supplicant(const supplicant&) = delete;
    supplicant& operator=(const supplicant&) = delete;
    ~supplicant() { cancel_timer(); }

    /// @brief Starts on association. `own_rsn_ie` is the RSN element as sent in the
    /// (Re)Association Request, `ap_rsn_ie` the one of the Beacon or Probe Response, both
    /// with their 2-octet header. `request_ip`: M2 carries the P2P IP Address Request KDE (a P2P
    /// client whose GO advertises IP address allocation).
    result<void> start(const mac_address& own, const mac_address& aa, const crypto::psk& pmk,
                       bytes_view own_rsn_ie, bytes_view ap_rsn_ie, bool request_ip = false) {
        if (own_rsn_ie.size() < 4 || own_rsn_ie[0] != 48 || own_rsn_ie[1] + 2u != own_rsn_ie.size())
            return make_error(errc::bad_value, "own RSN element malformed");
        if (ap_rsn_ie.size() < 4 || ap_rsn_ie[0] != 48 || ap_rsn_ie[1] + 2u != ap_rsn_ie.size())
            return make_error(errc::bad_value, "AP RSN element malformed");
        stop();
        own_ = own;
        aa_ = aa;
        pmk_ = pmk;
        own_ie_.assign(own_rsn_ie.begin(), own_rsn_ie.end());
        ap_ie_.assign(ap_rsn_ie.begin(), ap_rsn_ie.end());
        request_ip_ = request_ip;
        state_ = state::associated;
        arm_timer();
        return {};
    }

    /// @brief Forgets the association and its keys (disassociated by us).
    void stop() noexcept {
        cancel_timer();
        state_ = state::idle;
        authorized_ = tptk_set_ = ptk_set_ = ptk_installed_ = replay_set_ = false;
        eapol_seen_ = false;
        renew_snonce_ = true;
        gtk_len_ = 0;
        ip_.reset();
        pmk_.fill(0);
        tptk_ = ptk_ = {};
        gtk_.fill(0);
    }

    /// @brief The AP deauthenticated or disassociated us. During the 4-way handshake this is
    /// what a wrong PSK looks like ("pre-shared key may be incorrect").
    void disconnected(std::uint16_t reason_code) {
        const state was = state_;
        const bool was_authorized = authorized_;
        const mac_address aa = aa_;
        stop();
        if (was_authorized) ctx_.authorize(aa, false);
        if (was == state::handshake)
            ctx_.emit(event{handshake_failed{aa, failure::possible_psk_mismatch, reason_code}});
    }

    state current() const noexcept { return state_; }
    bool authorized() const noexcept { return authorized_; }
    /// @brief The addresses the GO gave in M3's IP Address Allocation KDE, if it gave a client
    /// address (wpa_sm_get_p2p_ip_addr); forgotten on the next association.
    const std::optional<ieee80211::ip_allocation>& p2p_ip_addr() const noexcept { return ip_; }

    /// @brief Handles one EAPOL frame (from the version octet) received from `from`.
    /// @return an error naming why the frame was dropped, if it was.
    result<void> receive(const mac_address& from, bytes_view frame) {
        namespace ki = ieee80211::key_info;
        if (state_ == state::idle || state_ == state::failed)
            return make_error(errc::invalid_state, "no association");
        if (from != aa_) return make_error(errc::bad_value, "EAPOL frame not from the AP");
        // 1-2: length, type, descriptor, Key Data Length.
        auto parsed = ieee80211::eapol_key::parse(frame);
        if (!parsed) return parsed.err();
        const ieee80211::eapol_key& k = *parsed;
        if (!eapol_seen_) {
            eapol_seen_ = true;
            arm_timer();
        }
        // 3: CCMP needs HMAC-SHA1-128 / AES key wrap.
        if (k.descriptor_version() != ki::version_hmac_sha1_aes)
            return make_error(errc::unsupported, "key descriptor version is not 2");
        // 4: the replay counter must grow past the last verified one.
        if (replay_set_ && k.replay_counter <= replay_)
            return make_error(errc::bad_value, "replay counter did not increase");
        // 5
        if (k.has(ki::smk) || !k.has(ki::ack) || k.has(ki::request))
            return make_error(errc::bad_value, "SMK, Request or no Ack");
        // 6
        if (k.has(ki::mic)) {
            if (!verify(k)) return make_error(errc::bad_value, "invalid EAPOL-Key MIC");
            replay_ = k.replay_counter;
            replay_set_ = true;
        }
        // 7
        std::array<std::uint8_t, ieee80211::eapol_key_fixed_size + 512> plain{};
        bytes_view data = k.key_data;
        if (k.has(ki::encrypted)) {
            if (!k.has(ki::mic))
                return make_error(errc::bad_value, "encrypted Key Data without MIC");
            auto n = unwrap_key_data(ptk_.kek, k.key_data, plain);
            if (!n) return n.err();
            data = bytes_view{plain.data(), *n};
        }
        // 8
        if (k.is_pairwise() && k.key_index() != 0)
            return make_error(errc::bad_value, "pairwise key with a non-zero index");
        if (k.is_pairwise()) return k.has(ki::mic) ? on_m3(k, data) : on_m1(k);
        if (k.has(ki::mic)) return on_g1(k, data);
        return make_error(errc::bad_value, "group message without MIC");
    }

  private:
    bool verify(const ieee80211::eapol_key& k) noexcept {
        // The TPTK of the latest M1 first; on success it becomes the PTK.
        if (tptk_set_ && verify_mic(tptk_.kck, k.frame)) {
            ptk_ = tptk_;
            ptk_set_ = true;
            tptk_set_ = false;
            ptk_installed_ = false;  // a new PTK, to be installed by this M3
            return true;
        }
        return ptk_set_ && verify_mic(ptk_.kck, k.frame);
    }

    result<void> on_m1(const ieee80211::eapol_key& k) {
        if (renew_snonce_) {
            if (!crypto::random_bytes(snonce_)) return make_error(errc::io, "no random SNonce");
            renew_snonce_ = false;
        }
        std::copy(k.nonce.begin(), k.nonce.end(), anonce_.begin());
        auto t = derive_ptk(pmk_, aa_, own_, anonce_, snonce_);
        if (!t) return t.err();
        tptk_ = *t;
        tptk_set_ = true;
        if (state_ != state::completed) state_ = state::handshake;
        ieee80211::eapol_key_fields f;
        f.protocol_version = 1;
        f.info = ieee80211::key_info::msg2;
        f.replay_counter = k.replay_counter;
        f.nonce = snonce_;
        std::array<std::uint8_t, max_key_data> data{};
        byte_writer w(data);
        w.raw(own_ie_);
        if (request_ip_) ieee80211::put_ip_address_request_kde(w);
        if (!w.ok()) return make_error(errc::no_space, "M2 Key Data too long");
        f.key_data = w.written();
        return send(f, tptk_.kck);
    }

    result<void> on_m3(const ieee80211::eapol_key& k, bytes_view data) {
        namespace ki = ieee80211::key_info;
        if (state_ != state::handshake && state_ != state::completed)
            return make_error(errc::invalid_state, "M3 before M1");
        if (!std::equal(k.nonce.begin(), k.nonce.end(), anonce_.begin(), anonce_.end()))
            return make_error(errc::bad_value, "ANonce of M3 differs from M1's");
        if (k.key_length != 16) return make_error(errc::bad_value, "M3 Key Length is not 16");
        if (!k.has(ki::encrypted)) return make_error(errc::bad_value, "M3 Key Data not encrypted");
        auto kd = ieee80211::key_data_summary::parse(data);
        if (!kd) return kd.err();
        if (!std::equal(kd->rsn_element.begin(), kd->rsn_element.end(), ap_ie_.begin(),
                        ap_ie_.end()))
            return fail(failure::ie_mismatch, reason::ie_in_4way_differs,
                        "RSN element in M3 differs from the Beacon/Probe Response's");
        if (!kd->has_gtk || kd->gtk.gtk.size() != 16)
            return fail(failure::bad_key_data, reason::unspecified, "M3 without a CCMP GTK KDE");
        if (kd->ip_addr_alloc)  // an all-zero client address is no allocation
            ip_ = kd->ip_addr_alloc->ip_addr == ieee80211::ipv4_address{} ? std::nullopt
                                                                          : kd->ip_addr_alloc;
        ieee80211::eapol_key_fields f;
        f.protocol_version = 1;
        f.info = ieee80211::key_info::msg4;
        f.replay_counter = k.replay_counter;
        if (auto r = send(f, ptk_.kck); !r) return r;
        // A retransmitted M3 (our M4 was lost) is answered but installs nothing again.
        const bool fresh = !ptk_installed_;
        if (fresh) {
            key_install pk;
            pk.key_id = 0;
            pk.pairwise = true;
            pk.peer = aa_;
            pk.key = ptk_.tk;
            if (!ctx_.install_key(pk))
                return fail(failure::install_failed, reason::unspecified, "PTK install failed");
            ptk_installed_ = true;
        }
        if (auto r = install_gtk(kd->gtk, k.rsc); !r) return r;
        state_ = state::completed;
        renew_snonce_ = true;
        cancel_timer();
        if (!authorized_) {
            authorized_ = true;
            ctx_.authorize(aa_, true);
        }
        if (fresh) ctx_.emit(event{handshake_completed{aa_}});
        return {};
    }

    result<void> on_g1(const ieee80211::eapol_key& k, bytes_view data) {
        namespace ki = ieee80211::key_info;
        if (state_ != state::completed)
            return make_error(errc::invalid_state, "group message before the 4-way handshake");
        if (!k.has(ki::encrypted))
            return make_error(errc::bad_value, "group Key Data not encrypted");
        auto kd = ieee80211::key_data_summary::parse(data);
        if (!kd) return kd.err();
        if (!kd->has_gtk || kd->gtk.gtk.size() != 16)
            return make_error(errc::bad_value, "group message without a CCMP GTK KDE");
        if (auto r = install_gtk(kd->gtk, k.rsc); !r) return r;
        ieee80211::eapol_key_fields f;
        f.protocol_version = 1;
        f.info = ieee80211::key_info::group2;
        f.replay_counter = k.replay_counter;
        if (auto r = send(f, ptk_.kck); !r) return r;
        ctx_.emit(event{group_rekey_completed{aa_, kd->gtk.key_id}});
        return {};
    }

    result<void> install_gtk(const ieee80211::gtk_kde& g, bytes_view rsc) {
        // The same key again (a retransmission) is not reinstalled, as wpa_supplicant does.
        if (gtk_len_ == g.gtk.size() && gtk_id_ == g.key_id &&
            crypto::equal(bytes_view{gtk_.data(), gtk_len_}, g.gtk))
            return {};
        key_install gk;
        gk.key_id = g.key_id;
        gk.pairwise = false;
        gk.peer = aa_;
        std::copy(g.gtk.begin(), g.gtk.end(), gk.key.begin());
        std::copy_n(rsc.begin(), 6, gk.rsc.begin());
        if (!ctx_.install_key(gk))
            return fail(failure::install_failed, reason::unspecified, "GTK install failed");
        std::copy(g.gtk.begin(), g.gtk.end(), gtk_.begin());
        gtk_len_ = g.gtk.size();
        gtk_id_ = g.key_id;
        return {};
    }

    result<void> send(const ieee80211::eapol_key_fields& f, const key128& kck) {
        std::array<std::uint8_t, ieee80211::eapol_key_fixed_size + 256> buf{};
        auto n = ieee80211::build_eapol_key(buf, f);
        if (!n) return n.err();
        const bytes_span frame{buf.data(), *n};
        if (auto r = write_mic(kck, frame); !r) return r;
        ctx_.send_eapol(aa_, frame);
        return {};
    }

    result<void> fail(failure why, std::uint16_t reason_code, const char* what) {
        const mac_address aa = aa_;
        stop();
        state_ = state::failed;
        ctx_.deauthenticate(aa, reason_code);
        ctx_.emit(event{handshake_failed{aa, why, reason_code}});
        return make_error(errc::bad_value, what);
    }

    void arm_timer() {
        cancel_timer();
        timer_ = ctx_.time().schedule_in(eapol_timeout, [this] {
            timer_ = 0;
            (void)fail(failure::timeout, reason::deauth_leaving, "handshake timed out");
        });
    }
    void cancel_timer() noexcept {
        if (timer_) ctx_.time().cancel(timer_);
        timer_ = 0;
    }

    Ctx& ctx_;
    state state_ = state::idle;
    mac_address own_, aa_;
    crypto::psk pmk_{};
    std::vector<std::uint8_t> own_ie_, ap_ie_;
    nonce snonce_{}, anonce_{};
    ptk tptk_{}, ptk_{};
    std::array<std::uint8_t, 32> gtk_{};
    std::size_t gtk_len_ = 0;
    std::uint8_t gtk_id_ = 0;
    std::uint64_t replay_ = 0;
    std::optional<ieee80211::ip_allocation> ip_;
    timer_id timer_ = 0;
    bool tptk_set_ = false, ptk_set_ = false, ptk_installed_ = false, replay_set_ = false;
    bool renew_snonce_ = true, eapol_seen_ = false, authorized_ = false, request_ip_ = false;
};

}  // namespace softmac::rsn
