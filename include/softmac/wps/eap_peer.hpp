// SPDX-License-Identifier: MIT
/// @file Defines wps::eap_peer: EAP-WSC on a station: answers Identity as a WSC enrollee, runs
/// wps::enrollee over WSC_Start..WSC_Done with fragmentation, and ends at the server's EAP-Failure
/// (wpa_supplicant's eap_wsc.c over its EAP peer).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <softmac/wps/eap_server.hpp>
#include <softmac/wps/enrollee.hpp>

namespace softmac::wps {

/// @brief The EAP-WSC peer of one WPS association.
template <class Ctx>
class eap_peer {
    static_assert(eap_context<Ctx>,
                  "softmac: an EAP-WSC context must provide send_eapol(), time(), "
                  "deauthenticate() and emit_wps(const wps::event&)");

  public:
    /// No EAP Request this long after association: the peer sends EAPOL-Start.
    static constexpr duration start_wait = std::chrono::seconds(2);

    eap_peer(Ctx& ctx, enrollee::config c, std::size_t fragment_size = eap::peer_fragment_size)
        : ctx_(ctx), enrollee_(std::move(c)), fragment_size_(fragment_size) {}
    eap_peer(const eap_peer&) = delete;
    eap_peer& operator=(const eap_peer&) = delete;
    ~eap_peer() { ctx_.time().cancel(timer_); }

    /// @brief Associated with `ap`: wait for its Request/Identity.
    void associated(const mac_address& ap) {
        ap_ = ap;
        ctx_.time().cancel(timer_);
        timer_ = ctx_.time().schedule_in(start_wait, [this] {
            timer_ = 0;
            if (!started_) ctx_.send_eapol(ap_, eap::eapol_start(eap_limits::peer_eapol_version));
        });
    }
    /// @brief Whether EAP ended (the server's EAP-Failure).
    bool finished() const noexcept { return finished_; }
    const enrollee& registration() const noexcept { return enrollee_; }

    /// @brief An EAPOL frame of the AP.
    void receive(const mac_address& from, bytes_view frame) {
        if (finished_ || from != ap_) return;
        auto p = eap::parse_eapol(frame);
        if (!p) return;
        if (p->code == eap::code::failure || p->code == eap::code::success) {
            finished_ = true;
            ctx_.time().cancel(timer_);
            return ctx_.emit_wps(eap_failure{from, false});
        }
        if (p->code != eap::code::request) return;
        request_.assign(1, p->type);
        request_.insert(request_.end(), p->data.begin(), p->data.end());
        if (!response_.empty() && p->id == answered_id_ && request_ == answered_)
            return ctx_.send_eapol(ap_, response_);  // a retransmission of the Request answered
        id_ = p->id;
        if (p->type == eap::method::identity) {
            if (!started_) {
                ctx_.emit_wps(eap_started{from, false});
                ctx_.emit_wps(eap_status_started{});
            }
            started_ = true;
            return respond(eap::eapol_identity_response(eap_limits::peer_eapol_version, id_,
                                                        eap::enrollee_identity));
        }
        auto w = eap::parse_wsc(*p);
        if (!w) return;
        if (w->op == eap::op::start) {
            ctx_.emit_wps(eap_proposed_method{});
            ctx_.emit_wps(eap_method_selected{});
            return answer(enrollee_.start());
        }
        if (w->op == eap::op::frag_ack) {
            if (out_ && !out_->done()) send_piece();
            return;
        }
        switch (in_.feed(*w)) {
            case eap::reassembler::status::error:
                in_.reset();
                return;
            case eap::reassembler::status::need_frag_ack:
                return respond(eap::eapol_wsc(eap_limits::peer_eapol_version, eap::code::response,
                                              id_, eap::op::frag_ack, 0, 0, {}));
            case eap::reassembler::status::complete:
                break;
        }
        const std::vector<std::uint8_t> m(in_.message().begin(), in_.message().end());
        const std::uint8_t code = in_.op();
        in_.reset();
        answer(enrollee_.receive(code, m));
    }

  private:
    void answer(reply r) {
        if (r.op == op::none) return;
        out_.emplace(r.op, std::move(r.message), fragment_size_);
        send_piece();
    }
    void send_piece() {
        const auto piece = out_->next();
        respond(eap::eapol_wsc(eap_limits::peer_eapol_version, eap::code::response, id_, piece.op,
                               piece.flags, piece.message_length, piece.data));
    }
    void respond(std::vector<std::uint8_t> frame) {
        response_ = std::move(frame);
        answered_id_ = id_;
        answered_.swap(request_);
        ctx_.send_eapol(ap_, response_);
    }

    Ctx& ctx_;
    enrollee enrollee_;
    std::size_t fragment_size_;
    mac_address ap_;
    std::uint8_t id_ = 0;  ///< the Identifier of the Request being answered
    bool started_ = false, finished_ = false;
    /// The last response sent and the Request it answered (its Identifier, and its octets from
    /// the Type on). Only a Request that repeats both is a retransmission, and gets the response
    /// again: a Request that was dropped got no answer, and one that reuses the Identifier with
    /// other octets is new (eap_peer_req_is_duplicate and SEND_RESPONSE in wpa_supplicant's
    /// eap.c, whose lastId moves only when a response is sent, with its default workaround).
    std::vector<std::uint8_t> response_;
    std::uint8_t answered_id_ = 0;
    std::vector<std::uint8_t> answered_, request_;
    std::optional<eap::fragmenter> out_;
    eap::reassembler in_;
    timer_id timer_ = 0;
};

}  // namespace softmac::wps
