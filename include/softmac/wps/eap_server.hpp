// SPDX-License-Identifier: MIT
/// @file Defines wps::eap_server: EAP-WSC on an AP, one registration per associated WPS station:
/// Identity, WSC_Start, the registrar's messages fragmented and retransmitted, EAP-Failure at the
/// end (hostapd's eap_server_wsc.c over its EAP authenticator).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/rsn/context.hpp>
#include <softmac/wps/eap.hpp>
#include <softmac/wps/registrar.hpp>

namespace softmac::wps {

/// @brief EAP timing of hostapd 2.10's WSC server.
namespace eap_limits {
using namespace std::chrono_literals;
inline constexpr duration request_timeout = 5s;   ///< per Request
inline constexpr unsigned max_sends = 3;          ///< first send and two retransmissions
inline constexpr duration failure_deauth = 10ms;  ///< deauthentication after EAP-Failure
inline constexpr std::uint8_t server_eapol_version = 2, peer_eapol_version = 1;
/// The IEEE 802.11 reason of that deauthentication: IEEE 802.1X authentication failed.
inline constexpr std::uint16_t reason_8021x_failed = 23;
}  // namespace eap_limits

/// @brief What the EAP-WSC units need of their surroundings: EAPOL out, time, deauthentication
/// and a way to report wps::event (the port of an RSN link).
template <class C>
concept has_emit_wps = requires(C& c, const event& e) {
    c.emit_wps(e);
};
template <class C>
concept eap_context =
    rsn::has_send_eapol<C> && rsn::has_time<C> && rsn::has_deauthenticate<C> && has_emit_wps<C>;

/// @brief The EAP-WSC server of an AP. `make_run` gives the registrar configuration for a
/// station (the registrar's PIN and push-button state decide its password).
template <class Ctx>
class eap_server {
    static_assert(eap_context<Ctx>,
                  "softmac: an EAP-WSC context must provide send_eapol(), time(), "
                  "deauthenticate() and emit_wps(const wps::event&)");
    enum class phase : std::uint8_t { identity, wsc, ending };
    struct session {
        mac_address peer;
        phase at = phase::identity;
        std::uint8_t id = 0;
        std::vector<std::uint8_t> request;  ///< the last Request, for retransmission
        unsigned sends = 0;
        timer_id timer = 0;
        std::optional<registrar_run> run;
        std::optional<eap::fragmenter> out;
        eap::reassembler in;
    };

  public:
    using factory = std::function<registrar_run::config(const mac_address& peer)>;

    eap_server(Ctx& ctx, factory make_run, std::size_t fragment_size = eap::server_fragment_size)
        : ctx_(ctx), make_run_(std::move(make_run)), fragment_size_(fragment_size) {}
    eap_server(const eap_server&) = delete;
    eap_server& operator=(const eap_server&) = delete;
    ~eap_server() {
        for (auto& s : sessions_) ctx_.time().cancel(s->timer);
    }

    /// @brief A WPS station associated: EAP starts with Request/Identity.
    void start(const mac_address& peer) {
        stop(peer);
        auto s = std::make_unique<session>();
        s->peer = peer;
        std::uint8_t first = 0;
        (void)crypto::random_bytes(bytes_span(&first, 1));
        s->id = first;
        send(*s, eap::eapol_identity_request(eap_limits::server_eapol_version, s->id));
        sessions_.push_back(std::move(s));
    }
    /// @brief The station left: its registration ends.
    void stop(const mac_address& peer) {
        std::erase_if(sessions_, [&](const auto& s) {
            if (s->peer != peer) return false;
            ctx_.time().cancel(s->timer);
            return true;
        });
    }
    bool serves(const mac_address& peer) const noexcept { return find(peer) != nullptr; }

    /// @brief An EAPOL frame (EAPOL-Start or an EAP packet) of `peer`.
    void receive(const mac_address& peer, bytes_view frame) {
        session* s = find(peer);
        if (!s || s->at == phase::ending) return;
        if (frame.size() >= 4 && frame[1] == ieee80211::eapol_type::start) {
            if (s->at == phase::identity) resend(*s);
            return;
        }
        auto p = eap::parse_eapol(frame);
        if (!p || p->code != eap::code::response || p->id != s->id) return;
        if (s->at == phase::identity) return on_identity(*s, *p);
        auto w = eap::parse_wsc(*p);
        if (!w) return;
        if (w->op == eap::op::frag_ack) {
            if (s->out && !s->out->done()) send_piece(*s);
            return;
        }
        switch (s->in.feed(*w)) {
            case eap::reassembler::status::error:
                return finish(*s);
            case eap::reassembler::status::need_frag_ack:
                return send(*s, eap::eapol_wsc(eap_limits::server_eapol_version, eap::code::request,
                                               next_id(*s), eap::op::frag_ack, 0, 0, {}));
            case eap::reassembler::status::complete:
                break;
        }
        const std::vector<std::uint8_t> m(s->in.message().begin(), s->in.message().end());
        const std::uint8_t code = s->in.op();
        s->in.reset();
        reply r = s->run->receive(code, m);
        if (r.op != op::none) {
            s->out.emplace(r.op, std::move(r.message), fragment_size_);
            return send_piece(*s);
        }
        if (s->run->state() != status::running) return finish(*s);
        // A message the registrar ignored: the Request stays outstanding (retransmission).
    }

  private:
    session* find(const mac_address& peer) const noexcept {
        for (const auto& s : sessions_)
            if (s->peer == peer) return s.get();
        return nullptr;
    }
    static std::uint8_t next_id(session& s) { return ++s.id; }
    void on_identity(session& s, const eap::packet& p) {
        const std::string_view who(reinterpret_cast<const char*>(p.data.data()), p.data.size());
        if (p.type != eap::method::identity || who != eap::enrollee_identity) return finish(s);
        ctx_.emit_wps(eap_started{s.peer, true});
        ctx_.emit_wps(eap_proposed_method{});
        s.run.emplace(make_run_(s.peer));
        s.at = phase::wsc;
        send(s, eap::eapol_wsc(eap_limits::server_eapol_version, eap::code::request, next_id(s),
                               eap::op::start, 0, 0, {}));
    }
    void send_piece(session& s) {
        const auto piece = s.out->next();
        send(s, eap::eapol_wsc(eap_limits::server_eapol_version, eap::code::request, next_id(s),
                               piece.op, piece.flags, piece.message_length, piece.data));
    }
    /// Sends a new Request and arms its retransmission.
    void send(session& s, std::vector<std::uint8_t> frame) {
        s.request = std::move(frame);
        s.sends = 0;
        resend(s);
    }
    void resend(session& s) {
        ctx_.time().cancel(s.timer);
        if (s.sends >= eap_limits::max_sends) return finish(s);
        ++s.sends;
        ctx_.send_eapol(s.peer, s.request);
        const mac_address peer = s.peer;
        s.timer = ctx_.time().schedule_in(eap_limits::request_timeout, [this, peer] {
            if (session* t = find(peer)) {
                t->timer = 0;
                resend(*t);
            }
        });
    }
    /// EAP-Failure ends every WSC exchange (no key comes out of it), and the station is
    /// deauthenticated shortly after unless it leaves first.
    void finish(session& s) {
        ctx_.time().cancel(s.timer);
        s.at = phase::ending;
        ctx_.send_eapol(s.peer, eap::eapol_failure(eap_limits::server_eapol_version, next_id(s)));
        if (s.run && s.run->state() == status::success) ctx_.emit_wps(succeeded{});
        ctx_.emit_wps(eap_failure{s.peer, true});
        const mac_address peer = s.peer;
        s.timer = ctx_.time().schedule_in(eap_limits::failure_deauth, [this, peer] {
            if (session* t = find(peer)) t->timer = 0;
            stop(peer);
            ctx_.deauthenticate(peer, eap_limits::reason_8021x_failed);
        });
    }

    Ctx& ctx_;
    factory make_run_;
    std::size_t fragment_size_;
    std::vector<std::unique_ptr<session>> sessions_;
};

}  // namespace softmac::wps
