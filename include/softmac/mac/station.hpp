// SPDX-License-Identifier: MIT
/// @file Defines the station table: per-station flags, sequence and duplicate state, statistics,
/// rate state and the defragmentation cache.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <utility>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/mac/keys.hpp>

namespace softmac::mac {

/// @brief Station flags.
namespace sta_flag {
inline constexpr std::uint32_t authenticated = 1u << 0, associated = 1u << 1, authorized = 1u << 2,
                               wme = 1u << 3, four_address = 1u << 4;
}

/// @brief Per-station counters.
struct station_stats {
    std::uint64_t tx_packets = 0, tx_bytes = 0, tx_failed = 0, tx_retries = 0;
    std::uint64_t rx_packets = 0, rx_bytes = 0, rx_duplicates = 0, rx_fragments = 0;
};

/// @brief One entry of the defragmentation cache: the MSDU being reassembled.
struct defrag_entry {
    frame_buffer frame;  ///< fragment 0 with the later payloads appended
    mac_address ta, ra;
    std::uint16_t seq = 0;
    std::uint8_t seqno_idx = 0;
    std::uint8_t last_frag = 0;
    time_point first{};
    bool used = false;
    bool was_protected = false;  ///< CCMP: every fragment protected, PNs consecutive
    std::uint64_t last_pn = 0;
};

/// @brief Four entries, round-robin replacement, 2 s lifetime (mac80211's rules).
class defrag_cache {
  public:
    static constexpr std::size_t entries = 4;
    static constexpr duration lifetime = std::chrono::seconds(2);

    /// @brief Starts an entry with fragment 0, evicting the oldest slot.
    defrag_entry& start(frame_buffer&& f, const mac_address& ta, const mac_address& ra,
                        std::uint16_t seq, std::uint8_t idx, time_point now) {
        for (auto& e : slots_)  // a new first fragment supersedes an unfinished one of that MSDU
            if (e.used && e.ta == ta && e.ra == ra && e.seq == seq && e.seqno_idx == idx)
                e = defrag_entry{};
        defrag_entry& e = slots_[next_];
        next_ = (next_ + 1) % entries;
        e = defrag_entry{std::move(f), ta, ra, seq, idx, 0, now, true, false, 0};
        return e;
    }
    /// @brief The entry a later fragment continues, if it is fresh and in sequence.
    defrag_entry* find(const mac_address& ta, const mac_address& ra, std::uint16_t seq,
                       std::uint8_t idx, std::uint8_t frag, time_point now) {
        for (auto& e : slots_) {
            if (!e.used) continue;
            if (now - e.first > lifetime) {
                e = defrag_entry{};
                continue;
            }
            if (e.ta == ta && e.ra == ra && e.seq == seq && e.seqno_idx == idx &&
                e.last_frag + 1 == frag)
                return &e;
        }
        return nullptr;
    }
    std::size_t in_use() const noexcept {
        std::size_t n = 0;
        for (const auto& e : slots_) n += e.used ? 1 : 0;
        return n;
    }

  private:
    std::array<defrag_entry, entries> slots_{};
    std::size_t next_ = 0;
};

/// @brief What a station's fast-path state was made for: its interface's generation (high half;
/// unique per interface and change, never 0 for an interface that is up) and the station's flags
/// (low half). State made for another stamp is stale and never used; 0 is state never made.
using fast_stamp = std::uint64_t;

/// @brief The header a station's unicast data frames start with (mac80211's ieee80211_fast_tx):
/// the MAC header and the RFC 1042 SNAP header as the full TX path built them for the stamp, with
/// the sequence number and TID left zero; per frame only DA, SA, TID, sequence number (and PN)
/// are written.
struct fast_tx_template {
    fast_stamp stamp = 0;
    std::uint8_t hdrlen = 0;      ///< the MAC header; the SNAP header follows it in `hdr`
    std::uint8_t da = 0, sa = 0;  ///< where the Ethernet DA and SA go
    bool qos = false;
    std::array<std::uint8_t, 32 + 6> hdr{};  ///< 4 addresses + QoS control, then SNAP
};

/// @brief A station's data frames as the fast RX path expects them (mac80211's ieee80211_fast_rx):
/// worked out once per stamp from the interface and the station.
struct fast_rx_checks {
    fast_stamp stamp = 0;
    bool usable = false;  ///< the station may send on the fast path at all
    /// Its frames' frame control under detail::fast_rx_fc_mask without QoS: data, the
    /// ToDS/FromDS bits, Protected when the station has a pairwise key.
    std::uint16_t fc = 0;
    std::uint8_t base = 24;       ///< the header length without QoS control
    std::uint8_t da = 0, sa = 0;  ///< where the header carries DA and SA
    /// The least body after the header: the RFC 1042 header, and when protected the CCMP header
    /// and the MIC the MAC removes.
    std::uint8_t body = 0;
    friend bool operator==(const fast_rx_checks&, const fast_rx_checks&) = default;
};

/// @brief A peer: the sta_info role. RateState comes from the rate-control policy, Key from the
/// crypto policy (the pairwise key, `ptk`).
template <class RateState, class Key = key<no_cipher>>
struct station {
    mac_address addr;
    std::uint8_t vif_index = 0;
    std::uint32_t flags = 0;
    std::uint16_t aid = 0;
    std::array<std::uint16_t, 16> tid_seq{};  ///< next sequence number per TID
    std::array<std::uint16_t, 17>
        last_seq_ctrl{};          ///< duplicate detection: TIDs 0-15, 16 = non-QoS
    std::array<bool, 17> seen{};  ///< last_seq_ctrl holds a value
    station_stats stats;
    RateState rate{};
    defrag_cache frags;
    Key ptk;
    fast_tx_template fast_tx;
    fast_rx_checks fast_rx;

    bool has(std::uint32_t f) const noexcept { return (flags & f) == f; }
};

/// @brief A fixed-capacity table of stations shared by every interface of a radio; a station is
/// allocated when it is added (never per frame). Each slot has a key, its station's address read
/// as one 64-bit word (all ones while the slot is free), kept apart from the stations: a lookup
/// compares keys up to the last slot in use, eight slots per cache line, and reads a station only
/// once its key matched.
template <class RateState, class Key = key<no_cipher>, std::size_t Capacity = 64>
class station_table {
  public:
    using station_type = station<RateState, Key>;

    station_table() = default;
    /// A table moved from is empty (its keys freed with its stations).
    station_table(station_table&& o) noexcept { *this = std::move(o); }
    station_table& operator=(station_table&& o) noexcept {
        keys_ = std::exchange(o.keys_, free_keys());
        end_ = std::exchange(o.end_, 0);
        size_ = std::exchange(o.size_, 0);
        slots_ = std::move(o.slots_);
        return *this;
    }

    /// @brief The station with address `a`, or null: a few compares on every frame's path, kept
    /// inline however many paths look stations up.
    SOFTMAC_HOT_INLINE station_type* find(const mac_address& a) noexcept {
        const std::uint64_t* k = key_slot(a);
        if (!k) return nullptr;
        station_type* s = slots_[static_cast<std::size_t>(k - keys_.data())].get();
        if (!s) __builtin_unreachable();  // a slot with a key holds its station
        return s;
    }
    /// @brief Adds (or returns) the station; errc::exhausted when the table is full.
    result<station_type*> add(const mac_address& a, std::uint8_t vif_index,
                              std::uint32_t flags = 0) {
        if (auto* s = find(a)) return s;
        for (std::size_t k = 0; k < Capacity; ++k)
            if (keys_[k] == free_key) {
                auto& s = slots_[k];
                s = std::make_unique<station_type>();
                s->addr = a;
                s->vif_index = vif_index;
                s->flags = flags;
                keys_[k] = a.key();
                end_ = std::max(end_, k + 1);
                ++size_;
                return s.get();
            }
        return make_error(errc::exhausted, "station table full");
    }
    bool remove(const mac_address& a) noexcept {
        const std::uint64_t* key = key_slot(a);
        if (!key) return false;
        const auto k = static_cast<std::size_t>(key - keys_.data());
        slots_[k].reset();
        keys_[k] = free_key;
        while (end_ > 0 && keys_[end_ - 1] == free_key) --end_;
        --size_;
        return true;
    }
    std::size_t size() const noexcept { return size_; }
    /// @brief Calls `f(station)` for every station, in slot order.
    template <class F>
    void for_each(F&& f) const {
        for (std::size_t k = 0; k < end_; ++k)
            if (keys_[k] != free_key) f(*slots_[k]);
    }

  private:
    /// A free slot's key: no address's (mac_address::key is below 2^48).
    static constexpr std::uint64_t free_key = ~std::uint64_t{0};
    /// The key of the station with address `a`, or null.
    SOFTMAC_HOT_INLINE const std::uint64_t* key_slot(const mac_address& a) const noexcept {
        const std::uint64_t wanted = a.key();
        for (std::size_t k = 0; k < end_; ++k)
            if (keys_[k] == wanted) return &keys_[k];
        return nullptr;
    }

    static constexpr std::array<std::uint64_t, Capacity> free_keys() noexcept {
        std::array<std::uint64_t, Capacity> k;
        k.fill(free_key);
        return k;
    }

    // end_ first: a frame's lookup reads it before any key, and a table kept right after its
    // owner's other per-frame state (data_path) shares that state's cache line.
    std::size_t end_ = 0;  ///< one past the last slot in use
    std::size_t size_ = 0;
    std::array<std::uint64_t, Capacity> keys_ = free_keys();
    /// Stations are allocated as they are added (a station is some 800 octets, and most radios
    /// have few): where they live does not move while they are in the table.
    std::array<std::unique_ptr<station_type>, Capacity> slots_{};
};

}  // namespace softmac::mac
