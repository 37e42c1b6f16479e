// SPDX-License-Identifier: MIT
/// @file Defines p2p::device_discoverability: reaching a GO's client through its GO (hostap's
/// p2p_dev_disc.c): the Device Discoverability Request a negotiation sends to the GO when the
/// client did not acknowledge, the GO's GO Discoverability Request to its client and its answer,
/// and the client staying awake on its group's channel.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include <softmac/cfg/commands.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief Device discoverability's own config-layer command: a GO's frame to its client goes
/// from the group's interface (a P2P device sends public action frames only); the others go
/// through p2p::offchannel.
using device_discoverability_issues = issues<cfg::cmd::mgmt_tx>;

/// @brief A client of one of our GO groups, as device discoverability needs it.
struct group_client {
    cfg::wdev_ref group;  ///< the GO's interface
    mac_address go_iface, iface;
    std::uint8_t dev_capab = 0;  ///< from its association request
};

/// @brief Device discoverability of one P2P device. `Ctx` offers dev, arm, disarm, exec,
/// send_action, start_listen, and the hooks groups() (the device's groups),
/// negotiation_peer() and resume_negotiation(found) into GO negotiation.
template <class Ctx>
class device_discoverability {
  public:
    /// A client told to stay awake stays 100 TU on its group's channel.
    static constexpr std::uint32_t awake_ms = 1024 * 100 / 1000;
    /// How long a requester waits for the GO's answer before the negotiation goes on.
    static constexpr duration answer_wait = std::chrono::milliseconds(500);

    explicit device_discoverability(Ctx ctx) : ctx_(ctx) {}

    // ---- requester ---------------------------------------------------------------------------
    /// @brief The GO Negotiation Request to `target` was not acknowledged: when a GO's Group Info
    /// listed it as a client able to be woken, ask that GO to wake it (p2p_send_dev_disc_req).
    /// False when it cannot be reached so.
    bool start(const peer& target) {
        auto& d = ctx_.dev();
        if (!(target.info.dev_capab & ieee80211::p2p::dev_capab::client_discoverability) ||
            target.member_in_go_dev == mac_address{} || !target.oper_freq)
            return false;
        auto* go = d.peers.find(target.member_in_go_dev);
        if (!go) return false;
        if (++go->dialog_token == 0) go->dialog_token = 1;
        pending_ = request{go->info.dev_addr, target.info.dev_addr, go->dialog_token};
        ctx_.send_action(detail::dev_disc_request(detail::local_of(d), *go, target.info.dev_addr,
                                                  go->dialog_token),
                         target.oper_freq, std::min<std::uint32_t>(1000, d.wiphy.max_roc_ms),
                         tx_kind::dev_disc_req);
        return true;
    }
    /// @brief The request's TX status (p2p_dev_disc_req_cb): unacknowledged, the negotiation
    /// goes on; acknowledged, the GO's answer is awaited.
    void tx_done(bool ack) {
        if (!pending_) return;
        if (ctx_.dev().current != state::connect) return stop();  // the negotiation moved on
        if (!ack) {
            pending_.reset();
            return ctx_.resume_negotiation(false);
        }
        ctx_.arm(answer_wait, [this] {
            if (!std::exchange(pending_, std::nullopt)) return;
            ctx_.resume_negotiation(false);  // only in state CONNECT
        });
    }
    /// @brief The GO's Device Discoverability Response (p2p_process_dev_disc_resp): status 0
    /// means the client is awake on the group's channel.
    void rx_response(const action_frame& a) {
        if (!pending_ || a.sa != pending_->go || a.token != pending_->token || !a.attrs.status)
            return;
        const request r = *std::exchange(pending_, std::nullopt);
        if (ctx_.dev().current != state::connect || ctx_.negotiation_peer() != r.client) return;
        const auto* client = ctx_.dev().peers.find(r.client);
        if (!client || client->member_in_go_dev != r.go) return;
        ctx_.disarm();
        if (*a.attrs.status == ieee80211::p2p::status::success)
            return ctx_.resume_negotiation(true);
        ctx_.arm(answer_wait, [this] { ctx_.resume_negotiation(false); });
    }
    void stop() { pending_.reset(); }
    /// @brief Whether a request to a GO is out and not yet answered or given up.
    bool pending() const noexcept { return pending_.has_value(); }

    // ---- GO ----------------------------------------------------------------------------------
    /// @brief A Device Discoverability Request to us as GO (p2p_process_dev_disc_req,
    /// p2p_group_go_discover): the client is sent a GO Discoverability Request, and the
    /// requester is answered once its TX status is known.
    void rx_request(const action_frame& a, std::uint16_t freq) {
        namespace st = ieee80211::p2p::status;
        if (a.token == 0 || !a.attrs.device_id)
            return respond(a.sa, a.token, freq, st::invalid_params);
        const auto c = client_of(*a.attrs.device_id);
        if (!c || !(c->dev_capab & ieee80211::p2p::dev_capab::client_discoverability))
            return respond(a.sa, a.token, freq, st::unable_to_accommodate);
        answer_ = answer{a.sa, a.token, freq};
        cfg::cmd::mgmt_tx t;
        static_cast<cfg::wdev_ref&>(t) = c->group;
        t.frame = detail::go_disc_request(c->go_iface, c->iface);
        t.freq = freq;
        t.no_cck = true;
        sending_ = true;
        early_.reset();
        const auto r = ctx_.exec(t);
        sending_ = false;
        if (!r) return go_disc_done(false);
        // A USB driver reports the status before the request returns its cookie.
        if (early_ && early_->first == r->value) return go_disc_done(early_->second);
        cookie_ = r->value;
    }
    /// @brief A TX status on any of the device's interfaces: ours when it is the GO
    /// Discoverability Request's.
    void tx_status(std::uint64_t cookie, bool ack) {
        if (sending_) {
            early_ = std::pair{cookie, ack};
        } else if (cookie_ && cookie == cookie_) {
            cookie_ = 0;
            go_disc_done(ack);
        }
    }

  private:
    /// The GO Discoverability Request's TX status (p2p_go_disc_req_cb): the requester learns
    /// whether the client heard it.
    void go_disc_done(bool ack) {
        if (!answer_) return;
        const answer a = *std::exchange(answer_, std::nullopt);
        respond(
            a.to, a.token, a.freq,
            ack ? ieee80211::p2p::status::success : ieee80211::p2p::status::unable_to_accommodate);
    }

  public:
    // ---- client ------------------------------------------------------------------------------
    /// @brief A P2P action frame (category 127) to us: a GO Discoverability Request from our GO.
    void rx_p2p_action(const mac::event::frame& f) {
        if (p2p_action_subtype(f.bytes) == ieee80211::p2p::action::go_disc_req)
            rx_go_disc_request(static_cast<std::uint16_t>(f.freq));
    }
    /// @brief Our GO asks us to stay awake (p2p_process_go_disc_req): 100 TU of listen on the
    /// group's channel, where the requester's negotiation comes. Only an idle device: a
    /// finding or listening one's procedures own its listen periods (2.10 starts one anyway).
    void rx_go_disc_request(std::uint16_t freq) {
        if (ctx_.dev().current == state::idle) ctx_.start_listen(awake_ms, freq);
    }

  private:
    struct request {
        mac_address go, client;
        std::uint8_t token = 0;
    };
    struct answer {
        mac_address to;
        std::uint8_t token = 0;
        std::uint16_t freq = 0;
    };
    /// A client of one of our running GO groups, by its device address.
    std::optional<group_client> client_of(const mac_address& dev) const {
        for (const auto& g : ctx_.groups()) {
            if (!g.go) continue;
            for (const auto& [iface, d] : g.clients) {
                if (d != dev) continue;
                group_client c{g.ref, g.iface_addr, iface, 0};
                for (const auto& m : g.member_info)
                    if (m.dev_addr == dev) c.dev_capab = m.dev_capab;
                return c;
            }
        }
        return std::nullopt;
    }
    void respond(const mac_address& to, std::uint8_t token, std::uint16_t freq,
                 std::uint8_t status) {
        ctx_.send_action(detail::dev_disc_response(ctx_.dev().addr, to, token, status), freq, 200,
                         tx_kind::other);
    }

    Ctx ctx_;
    std::optional<request> pending_;  ///< our request to a GO, until it answers
    std::optional<answer> answer_;    ///< a requester waiting for our client's TX status
    std::uint64_t cookie_ = 0;        ///< the GO Discoverability Request's
    bool sending_ = false;
    std::optional<std::pair<std::uint64_t, bool>> early_;
};

}  // namespace softmac::p2p
