// SPDX-License-Identifier: MIT
/// @file Defines p2p::service_discovery: P2P service discovery over GAS (hostap's p2p_sd.c and
/// wpa_supplicant's p2p_supplicant_sd.c): queries queued for peers and sent while finding, the
/// responder answering from the local services or through the application, and GAS fragmentation
/// both ways.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <softmac/ieee80211/anqp.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/services.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief Service discovery issues no config-layer command itself: its frames go through
/// p2p::offchannel.
using service_discovery_issues = issues<>;

/// @brief Service discovery of one P2P device. `Ctx` offers dev, arm, disarm, emit,
/// send_action, cancel_frame_waits and continue_find() (the find goes on: the next peer's query,
/// or the listen period).
template <class Ctx>
class service_discovery {
  public:
    /// A response longer than this goes out in fragments (2.10's 1400 octets; softmac has no
    /// 60 GHz band, where 2.10 uses 928).
    static constexpr std::size_t max_fragment = 1400;
    /// A fragmented response is dropped once its reassembly grows beyond this.
    static constexpr std::size_t max_reassembly = 64000;
    /// How long a requester waits for each response after its request was acknowledged.
    static constexpr duration response_wait = std::chrono::milliseconds(200);
    /// Queries to one peer in one find run, at most.
    static constexpr unsigned max_requests_per_peer = 100;
    /// A query's TLVs, at most: a request goes in one frame.
    static constexpr std::size_t max_query = max_fragment;

    explicit service_discovery(Ctx ctx) : ctx_(ctx) {}

    service_registry& services() noexcept { return services_; }
    const service_registry& services() const noexcept { return services_; }

    // ---- requester ---------------------------------------------------------------------------
    /// @brief Queues a query for `peer` (none: every peer); it goes out while finding. The
    /// answer is its reference, for cancel().
    std::uint64_t request(std::optional<mac_address> peer, std::vector<std::uint8_t> tlvs) {
        const std::uint64_t ref = next_ref_++;
        queries_.insert(queries_.begin(), query{ref, peer, std::move(tlvs)});
        if (!peer) {
            // p2p_sd_request: every known peer has one more broadcast query to get.
            ++broadcasts_;
            for (const auto& p : ctx_.dev().peers.all())
                if (auto* e = ctx_.dev().peers.find(p.info.dev_addr))
                    e->sd_pending_bcast = e->sd_pending_bcast <= 0 ? 1 : e->sd_pending_bcast + 1;
        }
        return ref;
    }
    /// @brief Removes a pending query; false when `ref` names none.
    bool cancel(std::uint64_t ref) {
        const auto it = std::find_if(queries_.begin(), queries_.end(),
                                     [&](const query& q) { return q.ref == ref; });
        if (it == queries_.end()) return false;
        unlink(it);
        return true;
    }
    /// @brief P2P_FLUSH: every query goes.
    void flush() {
        queries_.clear();
        broadcasts_ = 0;
        sd_query_.reset();
    }
    bool pending() const noexcept { return !queries_.empty(); }

    /// @brief The find's turn for service discovery (p2p_continue_find): a query to the next
    /// peer that has one due, after the peer of the last turn. False when none went out.
    bool start_next() {
        auto& d = ctx_.dev();
        if (queries_.empty()) {  // no peer has a query due: the turns would send nothing
            no_ack_ = mac_address{};
            return false;
        }
        std::vector<mac_address> all;  // the peers, newest first
        all.reserve(d.peers.size());
        for (const auto& p : d.peers.all()) all.push_back(p.info.dev_addr);
        std::size_t start = 0;
        for (std::size_t i = 0; i < all.size(); ++i)
            if (all[i] == last_peer_) start = i + 1;
        for (std::size_t k = 0; k < all.size(); ++k) {
            const auto addr = all[(start + k) % all.size()];
            auto* p = d.peers.find(addr);
            if (!p) continue;  // gone while an earlier peer's query went out
            if (p->sd_pending_bcast == 0) p->sd_pending_bcast = static_cast<int>(broadcasts_);
            const int r = start_with(*p);
            if (r > 0) {
                last_peer_ = addr;
                return true;
            }
            if (r < 0) break;  // the peer that did not acknowledge: this iteration is over
        }
        no_ack_ = mac_address{};
        return false;
    }
    /// @brief The find started again or stopped: no exchange is under way.
    void stop() {
        awaiting_status_ = false;
        sd_peer_.reset();
        sd_query_.reset();
        reassembly_.clear();
        no_ack_ = mac_address{};
    }
    /// @brief A new find run: every peer may get its queries again (p2p_device_clear_reported).
    void new_find() {
        stop();
        for (const auto& p : ctx_.dev().peers.all())
            if (auto* e = ctx_.dev().peers.find(p.info.dev_addr)) e->sd_reqs = 0;
    }
    /// @brief The Initial Request's TX status (p2p_sd_cb).
    void tx_done(bool ack, const mac_address& to) {
        // Only the status of the request to the peer queried now: one whose answer came first
        // (a simulated medium delivers it at once) belongs to an exchange that is over, as
        // 2.10 drops a status for another destination (offchannel_send_action_tx_status).
        if (!awaiting_status_ || sd_peer_ != to) return;
        awaiting_status_ = false;
        auto& d = ctx_.dev();
        if (d.current != state::search) {  // the find stopped, or another procedure took over
            sd_peer_.reset();
            return;
        }
        if (!ack) {
            if (sd_peer_ && no_ack_ == mac_address{}) no_ack_ = *sd_peer_;
            if (sd_peer_) ctx_.cancel_frame_waits();
            sd_peer_.reset();
            return ctx_.continue_find();
        }
        if (!sd_peer_) return ctx_.continue_find();
        broadcast_sent();
        d.current = state::sd_during_find;
        wait_for_response();
    }

    // ---- responder ---------------------------------------------------------------------------
    /// @brief P2P_SERV_DISC_EXTERNAL: requests are only reported; the application answers.
    void set_external(bool on) noexcept { external_ = on; }
    bool external() const noexcept { return external_; }
    /// @brief Answers request `token` of `to` on `freq` with `tlvs` (p2p_sd_response): in the
    /// Initial Response, or, when longer than a fragment, in Comeback Responses the requester
    /// asks for (one fragmented answer is kept at a time).
    void respond(std::uint16_t freq, const mac_address& to, std::uint8_t token,
                 std::vector<std::uint8_t> tlvs) {
        if (ctx_.dev().set.disabled) return;  // wpas_p2p_sd_response
        std::vector<std::uint8_t> anqp;
        std::uint16_t delay = 0;
        std::uint32_t wait = 0;
        if (tlvs.size() > max_fragment) {
            out_ = outgoing{to, token, std::move(tlvs), 0, 0};
            delay = 1;
            wait = 200;
        } else {
            ieee80211::anqp::put_p2p_sd(anqp, services_.update_indicator(), tlvs);
        }
        send(to, ctx_.dev().addr, freq, wait, tx_kind::other,
             [&](byte_writer& w) { ieee80211::write_gas_initial_resp(w, token, 0, delay, anqp); });
    }

    /// @brief A GAS frame from `sa` heard on `freq` (p2p_rx_gas_*).
    void rx(const mac_address& sa, const ieee80211::gas_frame& g, std::uint16_t freq) {
        namespace pc = ieee80211::public_code;
        if (ctx_.dev().set.disabled) return;  // P2P disabled hears no P2P frame
        if (g.code == pc::gas_comeback_req) return rx_comeback_request(sa, g, freq);
        if (g.advertisement_protocol.size() < 2 ||
            g.advertisement_protocol[1] != ieee80211::anqp::protocol_id)
            return;  // not ANQP
        if (g.code == pc::gas_initial_req) return rx_request(sa, g, freq);
        // A response: only the one awaited from the peer queried, which may come before our
        // request's TX status.
        auto& d = ctx_.dev();
        const bool early = d.current == state::search && awaiting_status_;
        if ((d.current != state::sd_during_find && !early) || sd_peer_ != sa) return;
        if (std::exchange(awaiting_status_, false)) {
            broadcast_sent();
            d.current = state::sd_during_find;
        }
        ctx_.cancel_frame_waits();
        ctx_.disarm();
        if (g.status != 0) return done();  // the peer refused: the find goes on
        if (g.code == pc::gas_initial_resp) {
            if (g.comeback_delay) {
                reassembly_.clear();
                first_fragment_ = true;
                return comeback(sa, g.dialog_token, freq);
            }
            const auto s = ieee80211::anqp::parse_p2p_sd(g.query);
            if (!s) return done();
            return answered(sa, s->update_indicator, s->tlvs);
        }
        // A Comeback Response: the next fragment.
        if (g.query.empty()) return done();
        bytes_view part = g.query;
        if (first_fragment_) {
            const auto s = ieee80211::anqp::parse_p2p_sd(g.query, true);
            if (!s) return done();
            rx_sui_ = s->update_indicator;
            part = s->tlvs;
            first_fragment_ = false;
        }
        reassembly_.insert(reassembly_.end(), part.begin(), part.end());
        if (g.fragment_id & 0x80) {
            if (reassembly_.size() > max_reassembly) return done();  // dropped
            return comeback(sa, g.dialog_token, freq);
        }
        auto tlvs = std::move(reassembly_);
        reassembly_.clear();
        answered(sa, rx_sui_, tlvs);
    }

  private:
    struct query {
        std::uint64_t ref = 0;
        std::optional<mac_address> peer;  ///< none: every peer
        std::vector<std::uint8_t> tlvs;
    };
    /// A fragmented answer being sent: its requester, token, TLVs, how far, the next fragment.
    struct outgoing {
        mac_address to;
        std::uint8_t token = 0;
        std::vector<std::uint8_t> tlvs;
        std::size_t pos = 0;
        std::uint8_t fragment = 0;
    };

    typename std::vector<query>::iterator current_query() {
        return std::find_if(queries_.begin(), queries_.end(),
                            [&](const query& q) { return sd_query_ && q.ref == *sd_query_; });
    }
    /// p2p_unlink_sd_query: a broadcast query not yet sent to a peer is one fewer for it.
    void unlink(typename std::vector<query>::iterator it) {
        if (!it->peer) {
            const int number = static_cast<int>(
                std::count_if(queries_.begin(), it, [](const query& q) { return !q.peer; }));
            --broadcasts_;
            for (const auto& p : ctx_.dev().peers.all())
                if (auto* e = ctx_.dev().peers.find(p.info.dev_addr))
                    if (number <= e->sd_pending_bcast - 1) --e->sd_pending_bcast;
        }
        if (sd_query_ == it->ref) sd_query_.reset();
        queries_.erase(it);
    }
    /// p2p_pending_sd_req: the query due for peer `p`: its broadcast queries oldest first, then
    /// those for it alone. (2.10 stops looking at the first broadcast query once the peer has
    /// had them all, so that a query for it alone queued before a broadcast one never goes;
    /// softmac sends it.)
    typename std::vector<query>::iterator due(const peer& p) {
        if (!(p.info.dev_capab & ieee80211::p2p::dev_capab::service_discovery))
            return queries_.end();
        int count = 0;
        auto it = queries_.begin();
        for (; it != queries_.end(); ++it) {
            if (!it->peer) {
                if (p.sd_pending_bcast > 0 && count++ == p.sd_pending_bcast - 1) break;
            } else if (*it->peer == p.info.dev_addr) {
                break;
            }
        }
        if (it != queries_.end() && p.sd_reqs > max_requests_per_peer) return queries_.end();
        return it;
    }
    /// p2p_start_sd: 1 when a query went out, 0 when none is due, -1 for the peer that did not
    /// acknowledge one in this search iteration.
    int start_with(peer& p) {
        // A GO is reached on its group's channel (where hostap's p2p_add_device moves a GO's
        // listen frequency when a scan finds it), another device on its listen channel.
        const std::uint16_t freq = !p.go_ssid.empty() && p.oper_freq ? p.oper_freq
                                   : p.listen_freq                   ? p.listen_freq
                                                                     : p.oper_freq;
        if (!freq) return 0;
        const auto q = due(p);
        if (q == queries_.end()) return 0;
        if (p.info.dev_addr == no_ack_) return -1;
        std::vector<std::uint8_t> anqp;
        ieee80211::anqp::put_p2p_sd(anqp, services_.update_indicator(), q->tlvs);
        ++p.sd_reqs;
        awaiting_status_ = true;
        sd_peer_ = p.info.dev_addr;
        sd_query_ = q->ref;
        const auto wait = std::min<std::uint32_t>(5000, ctx_.dev().wiphy.max_roc_ms);
        // hostap's queries all carry dialog token 0.
        if (!send(p.info.dev_addr, p.info.dev_addr, freq, wait, tx_kind::sd_req,
                  [&](byte_writer& w) { ieee80211::write_gas_initial_req(w, 0, anqp); })) {
            awaiting_status_ = false;
            sd_peer_.reset();
            return 0;
        }
        return 1;
    }
    /// A broadcast query reached its peer: one fewer for it (-1: it has had them all).
    void broadcast_sent() {
        if (auto q = current_query(); q != queries_.end() && !q->peer)
            if (auto* p = ctx_.dev().peers.find(*sd_peer_))
                if (--p->sd_pending_bcast == 0) p->sd_pending_bcast = -1;
    }
    void wait_for_response() {
        ctx_.arm(response_wait, [this] {
            if (ctx_.dev().current != state::sd_during_find) return;
            if (sd_peer_) ctx_.cancel_frame_waits();
            done();
        });
    }
    /// Asks for the next fragment, and waits for it as for the response (hostap waits for
    /// nothing here, leaving the find stuck when a Comeback Response is lost).
    void comeback(const mac_address& to, std::uint8_t token, std::uint16_t freq) {
        send(to, to, freq, 200, tx_kind::other,
             [&](byte_writer& w) { ieee80211::write_gas_comeback_req(w, token); });
        wait_for_response();
    }
    /// The whole answer arrived: a query for this peer alone is done; the find goes on.
    void answered(const mac_address& sa, std::uint16_t sui, bytes_view tlvs) {
        if (auto q = current_query(); q != queries_.end() && q->peer) unlink(q);
        ctx_.emit(
            event::serv_disc_resp{sa, sui, std::vector<std::uint8_t>(tlvs.begin(), tlvs.end())});
        done();
    }
    void done() {
        sd_peer_.reset();
        sd_query_.reset();
        reassembly_.clear();
        ctx_.continue_find();
    }

    void rx_request(const mac_address& sa, const ieee80211::gas_frame& g, std::uint16_t freq) {
        const auto s = ieee80211::anqp::parse_p2p_sd(g.query);
        if (!s) return;
        ctx_.emit(event::serv_disc_req{freq, sa, g.dialog_token, s->update_indicator,
                                       std::vector<std::uint8_t>(s->tlvs.begin(), s->tlvs.end())});
        if (external_) return;
        auto answer = services_.answer(s->tlvs);
        if (!answer) return;
        respond(freq, sa, g.dialog_token, std::move(*answer));
    }
    /// p2p_rx_gas_comeback_req: the next fragment of the answer kept for this requester.
    void rx_comeback_request(const mac_address& sa, const ieee80211::gas_frame& g,
                             std::uint16_t freq) {
        if (!out_ || out_->token != g.dialog_token || out_->to != sa) return;
        auto& o = *out_;
        const std::size_t len = std::min(max_fragment, o.tlvs.size() - o.pos);
        const bool more = o.pos + len < o.tlvs.size();
        std::vector<std::uint8_t> part;
        const bytes_view data(o.tlvs.data() + o.pos, len);
        if (o.fragment == 0)
            ieee80211::anqp::put_p2p_sd(part, services_.update_indicator(), data, o.tlvs.size());
        else
            part.assign(data.begin(), data.end());
        const std::uint8_t fragment = o.fragment++;
        o.pos += len;
        const std::uint8_t token = o.token;
        if (!more) out_.reset();
        send(sa, ctx_.dev().addr, freq, more ? 200 : 0, tx_kind::other, [&](byte_writer& w) {
            ieee80211::write_gas_comeback_resp(w, token, 0, fragment, more, 0, part);
        });
    }

    /// False when the frame does not fit.
    template <class Body>
    bool send(const mac_address& to, const mac_address& bssid, std::uint16_t freq,
              std::uint32_t wait_ms, tx_kind kind, Body&& body) {
        auto f = build_frame(ieee80211::mgmt_subtype::action, to, ctx_.dev().addr, bssid,
                             std::forward<Body>(body));
        if (f.empty()) return false;
        ctx_.send_action(std::move(f), freq, wait_ms, kind);
        return true;
    }

    Ctx ctx_;
    service_registry services_;
    std::vector<query> queries_;  ///< newest first
    unsigned broadcasts_ = 0;     ///< queries for every peer among them
    std::uint64_t next_ref_ = 0x5d1000;
    std::optional<mac_address> sd_peer_;     ///< the peer queried, until it answers
    std::optional<std::uint64_t> sd_query_;  ///< the query it was sent
    mac_address last_peer_;                  ///< the peer of the last turn
    mac_address no_ack_;  ///< the first peer that did not acknowledge, in this iteration
    std::vector<std::uint8_t> reassembly_;
    bool first_fragment_ = true;
    std::uint16_t rx_sui_ = 0;
    std::optional<outgoing> out_;
    bool external_ = false;
    bool awaiting_status_ = false;  ///< the Initial Request's TX status has not come yet
};

}  // namespace softmac::p2p
