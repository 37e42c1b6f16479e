// SPDX-License-Identifier: MIT
/// @file Defines the P2P peer table: at most 100 peers, the oldest evicted, 60 s expiry, and the
/// flags that decide what is reported.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/p2p/events.hpp>

namespace softmac::p2p {

/// @brief Who became GO in a negotiation with a peer (hostap's go_state).
enum class go_role : std::uint8_t { unknown, local, remote };

/// @brief One peer (p2p_device in hostap).
struct peer {
    peer_info info;
    std::uint16_t listen_freq = 0, oper_freq = 0;
    time_point last_seen{};
    bool probe_req_only = true;  ///< heard only in probe requests: never reported
    bool reported = false;       ///< reported in the current find run
    bool ever_reported = false;  ///< new=0 from now on
    bool rejected = false;       ///< P2P_REJECT
    // Local authorisation for a negotiation with this peer (P2P_CONNECT or auth).
    wps_method method = wps_method::not_ready;
    std::string pin;  ///< the PIN of a PIN method (shown or entered)
    std::uint8_t go_intent = 7;
    std::uint16_t force_freq = 0;
    std::uint16_t oper_pref = 0;  ///< our operating-channel preference with it (MHz)
    bool waiting_for_us = false;  ///< we answered its request with status 1
    bool persistent = false;      ///< the negotiated group is to be persistent
    int persistent_id = -1;       ///< ... re-using this stored group's SSID and passphrase
    bool auth_join = false;       ///< join its group when it invites us (P2P_CONNECT join auth)
    mac_address intended_iface;   ///< negotiated, or a GO's interface (BSSID)
    std::string go_ssid;          ///< the peer runs this group
    std::uint8_t dialog_token = 0;
    // What P2P_PEER reports besides (p2p_get_peer_info_txt):
    std::int32_t level_dbm = 0;     ///< signal of its last scan result
    std::array<char, 2> country{};  ///< of its Listen Channel or Channel List attribute
    ieee80211::p2p::ext_listen_timing ext_listen;  ///< its Extended Listen Timing, if any
    go_role go_state = go_role::unknown;           ///< who became GO in the last negotiation
    std::uint8_t status = 0;                       ///< of the last GO Negotiation Response we sent
    unsigned go_neg_req_sent = 0;                  ///< GO Negotiation Requests since P2P_CONNECT
    unsigned invitation_reqs = 0;  ///< Invitation Requests of the current invitation
    /// A client of a GO's group, as that GO's Group Info listed it last: the GO's device and
    /// interface addresses (zero: none), and whether only a Group Info described it.
    mac_address member_in_go_dev, member_in_go_iface;
    bool group_client_only = false;
    // Service discovery (p2p_device's sd_pending_bcast_queries and sd_reqs): the broadcast
    // queries it has still to get (0: not counted yet, -1: none), queries sent this find run.
    int sd_pending_bcast = 0;
    unsigned sd_reqs = 0;
};

/// @brief Peers keyed by device address, newest first. A lookup goes through a hash of the
/// address (the per-frame operation); removals, which move entries, rebuild it.
class peer_table {
  public:
    static constexpr std::size_t capacity = 100;
    static constexpr duration expiry = std::chrono::seconds(60);

    peer_table() = default;
    peer_table(const peer_table&) = delete;  // the index points into this table's peers
    peer_table& operator=(const peer_table&) = delete;

    peer* find(const mac_address& dev) noexcept {
        return const_cast<peer*>(static_cast<const peer_table*>(this)->find(dev));
    }
    const peer* find(const mac_address& dev) const noexcept {
        const auto it = index_.find(dev);
        return it == index_.end() ? nullptr : it->second;
    }
    /// @brief Finds or inserts at the head; a full table evicts the least recently seen peer,
    /// which is returned so that a loss can be reported.
    peer& touch(const mac_address& dev, time_point now, std::optional<peer>* evicted = nullptr) {
        if (auto* p = find(dev)) return *p;
        if (peers_.size() == capacity) {
            auto it = std::min_element(
                peers_.begin(), peers_.end(),
                [](const peer& a, const peer& b) { return a.last_seen < b.last_seen; });
            if (evicted) *evicted = *it;
            peers_.erase(it);
            reindex();
        }
        // Adding at the front moves no element of a deque: the index stays valid.
        peers_.emplace_front();
        peers_.front().info.dev_addr = dev;
        peers_.front().last_seen = now;
        index_.emplace(dev, &peers_.front());
        return peers_.front();
    }
    /// @brief Removes peers not seen for `expiry` except `keep`; calls lost(peer) for each.
    template <class F>
    void expire(time_point now, const mac_address& keep, F&& lost) {
        // The table is whole again before anyone hears of a loss (a listener may look up peers).
        std::vector<peer> gone;
        for (auto it = peers_.begin(); it != peers_.end();) {
            if (now - it->last_seen > expiry && it->info.dev_addr != keep) {
                gone.push_back(std::move(*it));
                it = peers_.erase(it);
            } else {
                ++it;
            }
        }
        if (gone.empty()) return;
        reindex();
        for (const auto& p : gone) lost(p);
    }
    template <class F>
    void clear(F&& lost) {
        for (const auto& p : peers_) lost(p);
        peers_.clear();
        index_.clear();
    }
    void unreport_all() noexcept {
        for (auto& p : peers_) p.reported = false;
    }
    const std::deque<peer>& all() const noexcept { return peers_; }
    std::size_t size() const noexcept { return peers_.size(); }

  private:
    void reindex() {
        index_.clear();
        for (auto& p : peers_) index_.emplace(p.info.dev_addr, &p);
    }
    std::deque<peer> peers_;
    std::unordered_map<mac_address, peer*> index_;
};

}  // namespace softmac::p2p
