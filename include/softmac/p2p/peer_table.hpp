// SPDX-License-Identifier: MIT
/// @file Defines the P2P peer table: at most 100 peers, the least recently seen evicted without a
/// scan, 60 s expiry, and the flags that decide what is reported.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/detail/walker.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/core/shared_bytes.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/messages.hpp>

namespace softmac::p2p {

/// @brief Who became GO in a negotiation with a peer (hostap's go_state).
enum class go_role : std::uint8_t { unknown, local, remote };

/// @brief One peer (p2p_device in hostap).
struct peer {
    peer_info info;
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
    /// The config method its last answered provision discovery asked of it (p2p_device's
    /// wps_prov_info; 0: none, and after WPS with its group succeeded): a join asking the same
    /// sends none.
    std::uint16_t provisioned = 0;
    /// Its Configuration Timeout as a GO and as a client (units of 10 ms), from its last GO
    /// Negotiation Request or Response that carried one (p2p_device's go_timeout, client_timeout).
    ieee80211::p2p::config_timeout config_timeout;
    // What P2P_PEER reports besides (p2p_get_peer_info_txt):
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
    // What a sighting reads and writes, last: the table's own fields for it (last_seen and
    // the links of its orders) follow, so that a sighting touches the peer's last cache lines
    // rather than one in each part of it (a probe request's sighting, which reads the kept
    // request, two more than a scan result's).
    /// The facts of its last probe request, and the digest of that request's elements
    /// (elements_digest::compute_all): a request with the same elements says the same and is not
    /// read again (none kept: empty).
    std::optional<request_facts> request;
    std::uint64_t request_digest = 0;
    std::uint16_t listen_freq = 0, oper_freq = 0;
    bool probe_req_only = true;  ///< heard only in probe requests: never reported
    bool reported = false;       ///< reported in the current find run
    bool ever_reported = false;  ///< new=0 from now on
    bool rejected = false;       ///< P2P_REJECT
    std::int32_t level_dbm = 0;  ///< signal of its last scan result
    /// The elements and channel of the scan result its info and listen channel were last read
    /// from, while nothing else has written them since (none: empty). Holding the elements keeps
    /// the BSS entry from writing over them (shared_bytes): while the entry's elements are
    /// these same octets, they did not change, and discovery takes the result as a sighting.
    shared_bytes scan_ies;
    std::uint16_t scan_freq = 0;
    std::array<char, 2> country{};  ///< of its Listen Channel or Channel List attribute

    /// @brief When it was last seen: set by its table (peer_table::touch and seen), which keeps
    /// its peers in that order.
    time_point last_seen() const noexcept { return last_seen_; }

  private:
    friend class peer_table;
    time_point last_seen_{};
};

/// @brief Peers keyed by device address, newest first, at most `capacity`; a full table evicts
/// the least recently seen (of those seen at that same instant, the newest, as hostap's
/// p2p_create_device finds it walking its list from the head).
///
/// A peer stays where it is while it is in the table (its address is stable). Three orders are
/// kept without scans: a hash index of the device addresses (open addressing, each address
/// beside a pointer to its slot: a lookup reads one cache line of the index, then the peer); the
/// insertion order, newest first (what all() iterates, P2P_PEER NEXT- walks and a loss is reported
/// in); and the order of last sightings, oldest first, which a sighting (seen()) updates by moving
/// the peer to its end. An evicted peer's slot takes the new one: touch() allocates nothing once
/// the table has been full. Costs: find O(1); touch, seen and the eviction O(1) while time moves
/// forward (peers tied at the oldest instant, as one scan's results are learnt at one instant, are
/// sorted once when they reach the head); expire O(n), O(1) when no peer is old enough.
class peer_table {
    struct slot;

  public:
    static constexpr std::size_t capacity = 100;
    static constexpr duration expiry = std::chrono::seconds(60);

    /// @brief The peers, newest first (a forward range of const peer).
    class range {
      public:
        class iterator : public ::softmac::detail::walker<iterator, peer> {
          public:
            iterator() = default;

          private:
            friend class range;
            friend ::softmac::detail::walker<iterator, peer>;
            explicit iterator(const slot* s) noexcept : s_(s) {}
            const peer& deref() const noexcept { return *s_; }
            void next() noexcept { s_ = s_->older; }
            const slot* position() const noexcept { return s_; }
            const slot* s_ = nullptr;
        };
        iterator begin() const noexcept { return iterator(t_->newest_); }
        iterator end() const noexcept { return iterator(nullptr); }
        std::size_t size() const noexcept { return t_->size_; }
        bool empty() const noexcept { return t_->size_ == 0; }
        const peer& front() const noexcept { return *t_->newest_; }

      private:
        friend class peer_table;
        explicit range(const peer_table* t) noexcept : t_(t) {}
        const peer_table* t_;
    };

    peer_table() = default;
    peer_table(const peer_table&) = delete;  // the index and the orders point into this table
    peer_table& operator=(const peer_table&) = delete;

    peer* find(const mac_address& dev) noexcept {
        slot* s = lookup(dev.key());
        return s;
    }
    const peer* find(const mac_address& dev) const noexcept {
        const slot* s = lookup(dev.key());
        return s;
    }
    /// @brief A frame from `dev` comes soon: fetches the line of the index where its lookup
    /// starts. (Fetching the peer's lines as well, from the index entry read then, measured no
    /// better: the read waits for the line.)
    SOFTMAC_HOT_INLINE void prefetch(const mac_address& dev) const noexcept {
        if (index_.empty()) return;
        __builtin_prefetch(&index_[home_of(dev.key())]);
    }
    /// @brief Finds or inserts at the head, last seen `now`; a full table evicts the least
    /// recently seen peer first, which is returned so that a loss can be reported. Finding a
    /// peer does not count as a sighting (seen() does).
    peer& touch(const mac_address& dev, time_point now, std::optional<peer>* evicted = nullptr) {
        const auto key = dev.key();
        if (slot* found = lookup(key)) return *found;
        slot* s = nullptr;
        if (size_ == capacity) {
            s = victim();
            unlink(*s);
            if (evicted) *evicted = std::move(s->as_peer());
            s->as_peer() = peer{};
        } else if (free_) {
            s = std::exchange(free_, free_->older);
        } else {
            if (index_.empty()) index_.assign(index_size, index_entry{});
            s = &slots_.emplace_back();
        }
        s->info.dev_addr = dev;
        s->last_seen_ = now;
        s->seq = ++seq_;
        link(*s, key);
        return *s;
    }
    /// @brief A sighting of `p` (a peer of this table) at `now`: its last_seen, and its place in
    /// the eviction order.
    void seen(peer& p, time_point now) noexcept {
        auto& s = static_cast<slot&>(p);
        assert(lookup(p.info.dev_addr.key()) == &s);  // a peer of this table, not a copy
        if (s.last_seen_ == now) return;  // its place among peers seen then is its age's
        lru_unlink(s);
        s.last_seen_ = now;
        lru_insert(s);
    }
    /// @brief Removes peers not seen for `expiry` except `keep`; calls lost(peer) for each, newest
    /// first, once the table is whole again (a listener may look up peers).
    template <class F>
    void expire(time_point now, const mac_address& keep, F&& lost) {
        auto old = [&](const slot& s) {
            return now - s.last_seen_ > expiry && s.info.dev_addr != keep;
        };
        // Oldest first: when the least recently seen is young enough, so is everyone (a kept
        // peer that is old makes the scan run).
        if (!lru_oldest_ || !(now - lru_oldest_->last_seen_ > expiry)) return;
        std::vector<peer> gone;
        for (slot* s = newest_; s;) {
            slot* next = s->older;
            if (old(*s)) {
                unlink(*s);
                gone.push_back(std::move(s->as_peer()));
                s->as_peer() = peer{};
                s->older = std::exchange(free_, s);
            }
            s = next;
        }
        for (const auto& p : gone) lost(p);
    }
    template <class F>
    void clear(F&& lost) {
        for (const auto& p : all()) lost(p);
        slots_.clear();
        index_.clear();
        newest_ = oldest_ = lru_oldest_ = lru_newest_ = free_ = nullptr;
        size_ = 0;
        ties_sorted_ = false;
    }
    void unreport_all() noexcept {
        for (slot* s = newest_; s; s = s->older) s->reported = false;
    }
    /// @brief The peers, newest first.
    range all() const noexcept { return range(this); }
    std::size_t size() const noexcept { return size_; }

  private:
    static constexpr std::size_t index_size = 256;  // a power of two, over twice the capacity
    static_assert(capacity * 2 <= index_size);

    /// A peer and its places in the table's orders: a peer of this table is a slot's base, so
    /// that a sighting of it needs no lookup.
    struct slot : peer {
        peer& as_peer() noexcept { return *this; }
        slot *newer = nullptr, *older = nullptr;  ///< insertion order (older: the free list too)
        slot *lru_prev = nullptr, *lru_next = nullptr;  ///< sightings, oldest first
        std::uint64_t seq = 0;                          ///< when it was inserted
    };
    /// The index: a device address (48 bits) and its slot (none: empty).
    struct index_entry {
        std::uint64_t key = 0;
        slot* s = nullptr;
    };

    static std::size_t home_of(std::uint64_t key) noexcept {
        return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ull) >> 56) & (index_size - 1);
    }
    slot* lookup(std::uint64_t key) const noexcept {
        if (index_.empty()) return nullptr;
        for (std::size_t i = home_of(key);; i = (i + 1) & (index_size - 1)) {
            const auto& e = index_[i];
            if (!e.s || e.key == key) return e.s;
        }
    }
    void index_insert(std::uint64_t key, slot* s) noexcept {
        std::size_t i = home_of(key);
        while (index_[i].s) i = (i + 1) & (index_size - 1);
        index_[i] = {key, s};
    }
    /// Removes `key` by shifting back the entries after it that may move (linear probing without
    /// tombstones).
    void index_erase(std::uint64_t key) noexcept {
        std::size_t i = home_of(key);
        while (index_[i].key != key || !index_[i].s) i = (i + 1) & (index_size - 1);
        for (std::size_t j = (i + 1) & (index_size - 1);; j = (j + 1) & (index_size - 1)) {
            const auto e = index_[j];
            if (!e.s) break;
            const std::size_t home = home_of(e.key);
            // e may fill the hole at i when its home is not in (i, j] (cyclically).
            if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
                index_[i] = e;
                i = j;
            }
        }
        index_[i] = {};
    }
    void link(slot& s, std::uint64_t key) noexcept {
        s.newer = nullptr;
        s.older = newest_;
        (newest_ ? newest_->newer : oldest_) = &s;
        newest_ = &s;
        lru_insert(s);
        index_insert(key, &s);
        ++size_;
    }
    void unlink(slot& s) noexcept {
        (s.newer ? s.newer->older : newest_) = s.older;
        (s.older ? s.older->newer : oldest_) = s.newer;
        s.newer = s.older = nullptr;
        lru_unlink(s);
        index_erase(s.info.dev_addr.key());
        --size_;
    }
    /// Into the sightings order after every peer seen at or before its time (from the newest
    /// end: one step while time moves forward).
    void lru_insert(slot& s) noexcept {
        if (ties_sorted_ && lru_oldest_ && s.seq == seq_ && s.last_seen_ == ties_at_ &&
            lru_oldest_->last_seen_ == ties_at_) {
            // A newcomer tied with the sorted oldest: the newest of them, so the first evicted
            // (the whole table learnt at one instant, as one scan of many peers leaves it).
            s.lru_prev = nullptr;
            s.lru_next = std::exchange(lru_oldest_, &s);
            s.lru_next->lru_prev = &s;
            return;
        }
        slot* after = lru_newest_;
        while (after && after->last_seen_ > s.last_seen_) after = after->lru_prev;
        s.lru_prev = after;
        s.lru_next = after ? after->lru_next : lru_oldest_;
        (s.lru_next ? s.lru_next->lru_prev : lru_newest_) = &s;
        (after ? after->lru_next : lru_oldest_) = &s;
        if (s.last_seen_ == ties_at_) ties_sorted_ = false;  // it joined the sorted ties
    }
    void lru_unlink(slot& s) noexcept {
        (s.lru_prev ? s.lru_prev->lru_next : lru_oldest_) = s.lru_next;
        (s.lru_next ? s.lru_next->lru_prev : lru_newest_) = s.lru_prev;
        s.lru_prev = s.lru_next = nullptr;
    }
    /// The least recently seen; of several seen at that instant, the newest in the table. Those
    /// tied at the head are put in that order once (one scan's results are learnt at one
    /// instant: up to the whole table), so that evicting them one by one takes the head.
    slot* victim() {
        if (!(ties_sorted_ && ties_at_ == lru_oldest_->last_seen_)) sort_oldest();
        return lru_oldest_;
    }
    void sort_oldest() {
        const time_point t = lru_oldest_->last_seen_;
        ties_.clear();
        slot* after = lru_oldest_;
        for (; after && after->last_seen_ == t; after = after->lru_next) ties_.push_back(after);
        if (ties_.size() > 1) {
            std::sort(ties_.begin(), ties_.end(),
                      [](const slot* a, const slot* b) { return a->seq > b->seq; });
            slot* prev = nullptr;
            for (slot* x : ties_) {
                x->lru_prev = prev;
                (prev ? prev->lru_next : lru_oldest_) = x;
                prev = x;
            }
            prev->lru_next = after;
            (after ? after->lru_prev : lru_newest_) = prev;
        }
        ties_sorted_ = true;
        ties_at_ = t;
    }

    std::deque<slot> slots_;  ///< grows to `capacity` and stays (a deque keeps them in place)
    std::vector<index_entry> index_;  ///< index_size entries once a peer was added
    slot *newest_ = nullptr, *oldest_ = nullptr;
    slot *lru_oldest_ = nullptr, *lru_newest_ = nullptr;
    slot* free_ = nullptr;  ///< slots of expired peers, linked through `older`
    std::size_t size_ = 0;
    std::uint64_t seq_ = 0;
    std::vector<slot*> ties_;   ///< sort_oldest()'s scratch
    time_point ties_at_{};      ///< the instant of the ties in eviction order at the head
    bool ties_sorted_ = false;  ///< ... if they still are
};

static_assert(std::forward_iterator<peer_table::range::iterator>);

}  // namespace softmac::p2p
