// SPDX-License-Identifier: MIT
/// @file Defines the BSS table a scan fills from beacons and probe responses, with aging.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/detail/walker.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/core/shared_bytes.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/elements_digest.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/mac/events.hpp>

namespace softmac::mac {

/// @brief One BSS as last heard (cfg80211_bss): what its frames tell until its elements change.
/// What every frame tells anew is its bss_heard (bss_table::heard).
struct bss {
    mac_address bssid;
    std::uint16_t freq = 0;
    bool from_probe_resp = false;  ///< a probe response was heard
    bool hidden = false;           ///< its beacons carry an empty or zeroed SSID
    std::string ssid;              ///< from a probe response when the beacon hides it
    /// The elements of the last probe response once one was heard, else of the last beacon
    /// (cfg80211_bss's ies: a P2P device's probe response carries what its beacons lack).
    shared_bytes ies;
};
static_assert(sizeof(bss) <= sizeof(std::string) + sizeof(shared_bytes) + 16,
              "softmac: a bss entry's small members share one 16-octet head before its string");

/// @brief What every beacon or probe response of a BSS tells anew: when it was last heard, how
/// strongly, its TSF, capabilities and beacon interval.
struct bss_heard {
    time_point seen{};
    std::uint64_t tsf = 0;
    std::int32_t signal_dbm = 0;
    std::uint16_t capability = 0, beacon_int = 0;
};
static_assert(sizeof(bss_heard) == 24, "softmac: an unchanged frame writes 24 octets");

/// @brief BSSes by BSSID, each dropped 30 s after it was last heard (cfg80211's result expiry).
/// The entries live in one array that grows with them up to `capacity`. Beside it, each entry
/// has a record of one cache line: its BSSID, what its last frame told (bss_heard), the key of
/// the frame the entry was last built from, and its places in two rings threaded through the
/// records as 16-bit links, the order the entries were first heard in (cfg80211's bss_list) and
/// the order they were last heard in. A frame whose key is the record's is not read again: it
/// writes that record, and the neighbours' links when it moves in the last-heard ring.
///
/// Every BSS beacons at the same interval, so the next frame heard is most often the least
/// recently heard BSS's: its record, at the head of the last-heard ring, is looked at first, and
/// when it is that BSS's, the frame reads and writes that one line, its move to the end of the
/// ring being a step of the ring's head. Other BSSIDs are found through a flat index (open
/// addressing, linear probing, slots of a BSSID and an entry number, at most half full: 32
/// slots, doubled as the table grows, up to 2048) in one or two cache lines. Neither a lookup
/// nor the eviction of the least recently heard entry when the table is full looks at other
/// entries. A full table writes the new BSS over the evicted entry as it stands, each member
/// once (nothing is cleared first), its buffers used again.
class bss_table {
    using entry_number = std::uint16_t;
    static constexpr entry_number none = 0xffff;

  public:
    static constexpr duration expiry = std::chrono::seconds(30);
    /// cfg80211's bss_entries_limit (per wiphy, 1000 unless set otherwise).
    static constexpr std::size_t capacity = 1000;
    static constexpr std::size_t max_index_slots = std::bit_ceil(2 * capacity);

    /// @brief The entries in the order they were first heard: a forward range over the table.
    class entry_range {
      public:
        class iterator : public ::softmac::detail::walker<iterator, bss> {
          public:
            iterator() = default;

          private:
            friend class entry_range;
            friend ::softmac::detail::walker<iterator, bss>;
            iterator(const bss_table* t, entry_number at) noexcept : t_(t), at_(at) {}
            const bss& deref() const noexcept { return t_->entries_[at_]; }
            void next() noexcept {
                at_ = t_->records_[at_].next_first;
                if (at_ == t_->first_.head) at_ = none;  // round the ring
            }
            entry_number position() const noexcept { return at_; }
            const bss_table* t_ = nullptr;
            entry_number at_ = none;
        };
        iterator begin() const noexcept { return {t_, t_->first_.head}; }
        iterator end() const noexcept { return {t_, none}; }
        /// @pre !empty()
        const bss& front() const noexcept { return t_->entries_[t_->first_.head]; }
        /// @pre !empty()
        const bss& back() const noexcept { return t_->entries_[t_->first_.tail]; }
        std::size_t size() const noexcept { return t_->size_; }
        bool empty() const noexcept { return t_->size_ == 0; }

      private:
        friend class bss_table;
        explicit entry_range(const bss_table* t) noexcept : t_(t) {}
        const bss_table* t_;
    };

    bss_table() = default;
    bss_table(const bss_table&) = delete;  // the indexes point into this table's entries
    bss_table& operator=(const bss_table&) = delete;

    /// @brief How the frames the table was given were taken.
    struct counters {
        std::uint64_t parsed = 0;     ///< read in full: a new BSS, or elements that changed
        std::uint64_t unchanged = 0;  ///< the same elements again: only what varies was taken
    };

    /// @brief Records a beacon or probe response (the frame is already parsed; `ies` are its
    /// elements, `body.elements` the same validated).
    void update(const mac_address& bssid, std::uint16_t freq, std::int32_t signal,
                const ieee80211::mgmt_body& body, bytes_view ies, bool probe_resp, time_point now) {
        update(bssid, freq, signal, body, ies, probe_resp, now,
               ieee80211::elements_digest::compute(ies));
    }
    /// @brief Records a beacon or probe response whose elements' digest (elements_digest::compute)
    /// is `digest`, which another reader takes too. A known BSS's frame with the elements
    /// (but the TIM) of the frame its entry was last built from, of the same kind and on the same
    /// channel, is not read again (mac80211's ncrc == beacon_crc in ieee80211_rx_mgmt_beacon): only
    /// what changes with every frame is taken (its bss_heard); the stored elements keep the TIM
    /// they had. That is decided in the entry's record, which keeps the frame's key (frame_key):
    /// the entry is not touched.
    void update(const mac_address& bssid, std::uint16_t freq, std::int32_t signal,
                const ieee80211::mgmt_body& body, bytes_view ies, bool probe_resp, time_point now,
                std::uint64_t digest) {
        const std::uint64_t key = frame_key(digest, freq, probe_resp);
        entry_number n = lookup(bssid);
        const bool fresh = n == none;
        if (fresh) n = add(bssid);
        record& r = records_[n];
        r.heard = {now, body.timestamp, signal, body.capabilities, body.beacon_interval};
        if (!fresh) {
            heard_last(n);
            if (r.frame == key) {
                ++counters_.unchanged;
                return;
            }
        }
        bss* const b = &entries_[n];
        ++counters_.parsed;
        std::string_view ssid;
        for (auto e : body.elements)
            if (e.id == ieee80211::eid::ssid) ssid = ieee80211::ssid_of(e);
        const bool hidden_ssid =
            std::all_of(ssid.begin(), ssid.end(), [](char c) { return c == 0; });
        if (fresh) {
            // The entry still holds what an evicted or removed BSS left: each member is written
            // as for an entry that held nothing, none of them read.
            b->ssid.assign(hidden_ssid ? std::string_view() : ssid);
            b->hidden = !probe_resp && hidden_ssid;
            b->ies.assign(ies);
            b->from_probe_resp = probe_resp;
        } else {
            // Another SSID on the same BSSID is another BSS (cfg80211 tells them apart): a P2P
            // device that became a GO answers with its group's elements from now on.
            const bool same_bss = hidden_ssid || b->ssid.empty() || b->ssid == ssid;
            if (!hidden_ssid || b->ssid.empty())
                b->ssid.assign(hidden_ssid ? std::string_view() : ssid);
            if (!probe_resp) b->hidden = hidden_ssid;
            if (probe_resp || !b->from_probe_resp || !same_bss) b->ies.assign(ies);
            b->from_probe_resp = (b->from_probe_resp && same_bss) || probe_resp;
        }
        b->freq = own_freq(body, freq);
        // Taking this frame again would leave the entry as it is now (what every frame tells
        // anew is taken first): the next frame with the same key need not be read.
        r.frame = key;
    }
    /// @brief The channel a BSS operates on: its DS Parameter Set's, as cfg80211_get_bss_channel
    /// takes it, since a beacon or probe response is heard on adjacent 2.4 GHz channels and is
    /// sent on another channel while its radio is off channel; the channel the frame arrived on
    /// when the element is absent or names no channel of that band.
    static std::uint16_t own_freq(const ieee80211::mgmt_body& body, std::uint16_t rx_freq) {
        const auto rx = ieee80211::freq_to_channel(rx_freq);
        if (!rx) return rx_freq;
        for (auto e : body.elements)
            if (e.id == ieee80211::eid::ds_params && e.data.size() == 1)
                if (const auto c = ieee80211::make_channel(rx->band, e.data[0])) return c->freq_mhz;
        return rx_freq;
    }
    /// @brief Starts reading what the update of a frame of `bssid` will read first, so that it
    /// finds it in the cache when the frame's body is still to be read: with hundreds of radios
    /// in one process, a radio's table is rarely there. That is the least recently heard
    /// entry's record when the last frame came from the entry least recently heard then (BSSes
    /// are heard in turn), else the index slot where `bssid` would be found.
    SOFTMAC_HOT_INLINE void prefetch(const mac_address& bssid) const noexcept {
        if (heard_.head == none) return;
        if (in_turn_)
            __builtin_prefetch(&records_[heard_.head], 1);
        else
            __builtin_prefetch(&index_[home_of(bssid)]);
    }
    /// @brief The entry of `bssid`, or null; like every entry the table hands out, valid until
    /// the table next changes (update, expire, clear): the entries' array grows.
    const bss* find(const mac_address& bssid) const noexcept {
        const slot* s = find_slot(bssid);
        return s ? &entries_[s->entry] : nullptr;
    }
    /// @brief The strongest BSS advertising `ssid` (on `freq` when it is not 0); of equally
    /// strong ones, the first heard.
    const bss* best(std::string_view ssid, std::uint16_t freq = 0) const noexcept {
        const bss* out = nullptr;
        for (const auto& b : entries())
            if (b.ssid == ssid && (freq == 0 || b.freq == freq) &&
                (!out || heard(b).signal_dbm > heard(*out).signal_dbm))
                out = &b;
        return out;
    }
    /// @brief What the last frame of `b` told; valid, like `b`, until the table next changes.
    /// @pre `b` is an entry this table handed out (entries, find, best) since it last changed.
    const bss_heard& heard(const bss& b) const noexcept {
        assert(std::greater_equal<>{}(&b, entries_.data()) &&
               std::less<>{}(&b, entries_.data() + entries_.size()));
        return records_[static_cast<std::size_t>(&b - entries_.data())].heard;
    }
    /// @brief Drops entries not heard for `expiry` (the oldest first: only those are looked at;
    /// `now` never goes back).
    void expire(time_point now) {
        while (heard_.head != none && now - records_[heard_.head].heard.seen > expiry)
            remove(heard_.head);
    }
    /// @brief The entries in the order they were first heard.
    entry_range entries() const noexcept { return entry_range(this); }
    std::size_t size() const noexcept { return size_; }
    const counters& stats() const noexcept { return counters_; }
    /// @brief Drops every entry (the storage stays for the next ones).
    void clear() {
        while (first_.head != none) remove(first_.head);
    }

  private:
    /// An entry's line: what its frames are told apart by (its BSSID, and the key of the frame
    /// it was last built from), what its last frame told, and its places in the two rings. The
    /// BSSID is the entry's, kept here as well so that a frame of the least recently heard BSS
    /// is known as such by this line alone.
    struct alignas(64) record {
        bss_heard heard;
        std::uint64_t frame = 0;  ///< frame_key of the frame the entry was last built from
        mac_address bssid;
        entry_number prev_first = none, next_first = none;  ///< first-heard ring
        entry_number prev_heard = none, next_heard = none;  ///< last-heard ring
    };
    static_assert(sizeof(record) == 64, "one cache line per record");
    /// A ring's first and last entries (none when it is empty).
    struct ring {
        entry_number head = none, tail = none;
    };
    struct slot {
        mac_address bssid;
        entry_number entry = none;  ///< none: the slot is empty
    };
    static_assert(sizeof(slot) == 8, "eight index slots in a cache line");
    using link_member = entry_number record::*;

    /// What tells the frame an entry was last built from: its elements' digest, the channel it
    /// came on and whether it was a probe response. For one channel and kind the key is the
    /// digest moved by a constant, so that two such frames share a key exactly when their
    /// digests are equal; frames of another channel or kind share one only by a coincidence as
    /// unlikely as two digests' (the constants of the 2^17 channels and kinds are distinct).
    static std::uint64_t frame_key(std::uint64_t digest, std::uint16_t freq,
                                   bool probe_resp) noexcept {
        return digest +
               (std::uint64_t{freq} << 1 | std::uint64_t{probe_resp}) * 0x9e3779b97f4a7c15ull;
    }

    /// The slot an address is looked for from: the top index_bits_ bits of a multiplicative hash
    /// of it (none of an empty index).
    std::size_t home_of(const mac_address& a) const noexcept {
        return static_cast<std::size_t>((a.key() * 0x9e3779b97f4a7c15ull) >> (63 - index_bits_) >>
                                        1);
    }
    std::size_t next_slot(std::size_t i) const noexcept { return (i + 1) & (index_.size() - 1); }
    /// The entry of `bssid`, or none. While BSSes are heard in turn, the least recently heard
    /// entry's record is looked at first, and the index only when that is another BSS's; out of
    /// turn, the index is, and a frame of the least recently heard entry puts the table in turn
    /// again. Each reads what prefetch fetched.
    entry_number lookup(const mac_address& bssid) noexcept {
        if (in_turn_ && heard_.head != none && records_[heard_.head].bssid == bssid)
            return heard_.head;
        const slot* s = find_slot(bssid);
        const entry_number n = s ? s->entry : none;
        in_turn_ = n != none && n == heard_.head;
        return n;
    }
    /// The index slot of `bssid`, or null.
    const slot* find_slot(const mac_address& bssid) const noexcept {
        if (index_.empty()) return nullptr;
        for (std::size_t i = home_of(bssid);; i = next_slot(i)) {
            const slot& s = index_[i];
            if (s.entry == none) return nullptr;
            if (s.bssid == bssid) return &s;
        }
    }
    void index_insert(const slot& s) noexcept {
        std::size_t i = home_of(s.bssid);
        while (index_[i].entry != none) i = next_slot(i);
        index_[i] = s;
    }
    /// Empties the slot of entry `n` and moves the entries after it that belong before the gap
    /// back into it (linear probing's deletion without tombstones). The entry's BSSID is read: an
    /// evicted entry is written next, a removed one is rare (expiry, clear).
    void index_erase(entry_number n) noexcept {
        std::size_t i = home_of(records_[n].bssid);
        while (index_[i].entry != n) i = next_slot(i);
        for (std::size_t j = next_slot(i); index_[j].entry != none; j = next_slot(j)) {
            const std::size_t home = home_of(index_[j].bssid);
            // The entry at j stays when its home lies cyclically in (i, j].
            const bool stays = i < j ? (home > i && home <= j) : (home > i || home <= j);
            if (stays) continue;
            index_[i] = index_[j];
            i = j;
        }
        index_[i].entry = none;
    }
    /// Doubles the index (32 slots at first) and enters every slot again.
    void grow_index() {
        const std::size_t slots = index_.empty() ? 32 : 2 * index_.size();
        const std::vector<slot> old = std::exchange(index_, std::vector<slot>(slots));
        index_bits_ = static_cast<std::uint8_t>(std::countr_zero(slots));
        for (const slot& s : old)
            if (s.entry != none) index_insert(s);
    }
    /// Takes entry `n` out of ring `r`.
    void ring_remove(ring& r, entry_number n, link_member prev, link_member next) noexcept {
        const record& k = records_[n];
        if (k.*next == n) {  // the only one
            r = {};
            return;
        }
        records_[k.*prev].*next = k.*next;
        records_[k.*next].*prev = k.*prev;
        if (r.head == n) r.head = k.*next;
        if (r.tail == n) r.tail = k.*prev;
    }
    /// Puts entry `n`, in no ring `r` yet, last in it.
    void ring_append(ring& r, entry_number n, link_member prev, link_member next) noexcept {
        record& k = records_[n];
        if (r.head == none) {
            k.*prev = k.*next = n;
            r = {n, n};
            return;
        }
        k.*prev = r.tail;
        k.*next = r.head;
        records_[r.tail].*next = n;
        records_[r.head].*prev = n;
        r.tail = n;
    }
    /// Makes entry `n` the most recently heard. The least recently heard one becomes so by a
    /// step of the ring's head: when BSSes are heard in turn, no other record is written.
    void heard_last(entry_number n) noexcept {
        if (n == heard_.tail) return;
        if (n == heard_.head) {
            heard_ = {records_[n].next_heard, n};
            return;
        }
        ring_remove(heard_, n, &record::prev_heard, &record::next_heard);
        ring_append(heard_, n, &record::prev_heard, &record::next_heard);
    }
    /// Takes entry `n` out of the index and the orders; what it holds stays until a new BSS's
    /// frame is written over it.
    void take_out(entry_number n) noexcept {
        index_erase(n);
        ring_remove(first_, n, &record::prev_first, &record::next_first);
        ring_remove(heard_, n, &record::prev_heard, &record::next_heard);
        --size_;
    }
    void remove(entry_number n) {
        take_out(n);
        free_.push_back(n);
    }
    /// A new entry for `bssid`, the newest in both orders: a free one, or when the table is full
    /// the least recently heard one, as it is (its buffers are used again; update writes every
    /// member).
    entry_number add(const mac_address& bssid) {
        if (2 * (std::size_t{size_} + 1) > index_.size() && index_.size() < max_index_slots)
            grow_index();
        entry_number n;
        assert(free_.size() == entries_.size() - size_);
        if (size_ < entries_.size()) {  // a removed entry is free
            n = free_.back();
            free_.pop_back();
        } else if (entries_.size() < capacity) {
            n = static_cast<entry_number>(entries_.size());
            entries_.emplace_back();
            records_.emplace_back();
        } else {
            n = heard_.head;
            take_out(n);
        }
        ++size_;
        ring_append(first_, n, &record::prev_first, &record::next_first);
        ring_append(heard_, n, &record::prev_heard, &record::next_heard);
        records_[n].bssid = bssid;
        entries_[n].bssid = bssid;
        index_insert({bssid, n});
        return n;
    }

    // In the order a frame reads them: the index (out of turn), whether frames come in turn, the
    // rings, the counters and the records; a changed or new frame also reads the entries' array
    // in the next. The free entries are read only when there are some (and by a build's
    // assertions).
    std::vector<slot> index_;      ///< a power of two of slots, at least twice size_
    std::uint8_t index_bits_ = 0;  ///< log2 of index_.size()
    bool in_turn_ = false;         ///< the last frame was the least recently heard entry's
    ring first_, heard_;
    entry_number size_ = 0;
    counters counters_;
    std::vector<record> records_;     ///< beside entries_, one per entry
    std::vector<bss> entries_;        ///< up to capacity
    std::vector<entry_number> free_;  ///< entries_.size() - size_ of them
};

static_assert(std::forward_iterator<bss_table::entry_range::iterator>);

}  // namespace softmac::mac
