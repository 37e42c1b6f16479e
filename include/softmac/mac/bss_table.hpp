// SPDX-License-Identifier: MIT
/// @file Defines the BSS table a scan fills from beacons and probe responses, with aging.
#pragma once

#include <algorithm>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

#include <softmac/core/mac_address.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/mac/events.hpp>

namespace softmac::mac {

/// @brief The CRC-32 of a beacon's or probe response's elements without its TIM, taken when first
/// asked for (mac80211's ncrc in ieee80211_rx_mgmt_beacon): the TIM changes with every beacon
/// (its DTIM count) and matters to none of the MAC's readers of received beacons, so that two
/// frames with the same CRC carry the same elements for each of them (a CRC collision aside, as in
/// mac80211). A CSA element's count, a P2P element's Notice of Absence, an SSID or RSN element
/// that changed all change the CRC.
class elements_crc {
  public:
    /// @pre `elements` is a validated element sequence (ieee80211::element_range::parse)
    explicit elements_crc(bytes_view elements) noexcept : elements_(elements) {}
    std::uint32_t value() noexcept {
        if (!done_) {
            crc_ = compute(elements_);
            done_ = true;
        }
        return crc_;
    }
    /// Whether value() was asked for (and the elements' octets were read for it).
    bool computed() const noexcept { return done_; }
    static std::uint32_t compute(bytes_view elements) noexcept {
        std::uint32_t crc = 0;
        std::size_t from = 0, off = 0;
        while (elements.size() - off >= 2) {
            const std::size_t next = std::min(elements.size(), off + 2 + elements[off + 1]);
            if (elements[off] == ieee80211::eid::tim) {
                crc = ieee80211::crc32(elements.subspan(from, off - from), crc);
                from = next;
            }
            off = next;
        }
        return ieee80211::crc32(elements.subspan(from), crc);
    }

  private:
    bytes_view elements_;
    std::uint32_t crc_ = 0;
    bool done_ = false;
};

/// @brief One BSS as last heard (cfg80211_bss).
struct bss {
    mac_address bssid;
    std::string ssid;  ///< from a probe response when the beacon hides it
    std::uint16_t freq = 0;
    std::uint16_t capability = 0, beacon_int = 0;
    std::int32_t signal_dbm = 0;
    std::uint64_t tsf = 0;
    /// The elements of the last probe response once one was heard, else of the last beacon
    /// (cfg80211_bss's ies: a P2P device's probe response carries what its beacons lack).
    byte_vector ies;
    bool from_probe_resp = false;  ///< a probe response was heard
    bool hidden = false;           ///< its beacons carry an empty or zeroed SSID
    time_point seen{};
    /// The frame the entry was last built from, for skipping the same frame again: the CRC of
    /// its elements (elements_crc), the channel it came on and whether it was a probe response.
    std::uint32_t crc = 0;
    std::uint16_t crc_rx_freq = 0;
    bool crc_valid = false, crc_probe_resp = false;
};

/// @brief BSSes by BSSID, each dropped 30 s after it was last heard (cfg80211's result expiry).
/// Lookups are by a hash of the BSSID and the entries are also kept in the order they were last
/// heard, so that neither a lookup nor the eviction of the oldest entry when the table is full
/// looks at other entries; a full table reuses the evicted entry's storage. The entries keep the
/// order they were first heard in (cfg80211's bss_list).
class bss_table {
  public:
    static constexpr duration expiry = std::chrono::seconds(30);
    static constexpr std::size_t capacity = 256;

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
        elements_crc crc(ies);
        update(bssid, freq, signal, body, ies, probe_resp, now, crc);
    }
    /// @brief Records a beacon or probe response whose elements' CRC `crc` may already have been
    /// taken (or is taken here, once, for another reader). A known BSS's frame with the elements
    /// (but the TIM) of the frame its entry was last built from, of the same kind and on the same
    /// channel, is not read again (ieee80211_rx_mgmt_beacon's ncrc == beacon_crc): only what
    /// changes with every frame is taken, when it was heard, its signal, TSF, capabilities and
    /// interval; the stored elements keep the TIM they had. The CRC is taken only for a BSS
    /// heard before, so that a table evicting an entry per frame does not pay for it.
    void update(const mac_address& bssid, std::uint16_t freq, std::int32_t signal,
                const ieee80211::mgmt_body& body, bytes_view ies, bool probe_resp, time_point now,
                elements_crc& crc) {
        bss* b = nullptr;
        if (const auto it = index_.find(bssid); it != index_.end()) {
            lru_.splice(lru_.end(), lru_, it->second.heard);  // now the most recently heard
            b = &*it->second.entry;
            const std::uint32_t c = crc.value();
            if (b->crc_valid && b->crc == c && b->crc_probe_resp == probe_resp &&
                b->crc_rx_freq == freq) {
                ++counters_.unchanged;
                b->capability = body.capabilities;
                b->beacon_int = body.beacon_interval;
                b->signal_dbm = signal;
                b->tsf = body.timestamp;
                b->seen = now;
                return;
            }
        } else {
            b = &add(bssid);
        }
        ++counters_.parsed;
        std::string ssid;
        for (auto e : body.elements)
            if (e.id == ieee80211::eid::ssid) ssid = std::string(ieee80211::ssid_of(e));
        const bool hidden_ssid =
            std::all_of(ssid.begin(), ssid.end(), [](char c) { return c == 0; });
        // Another SSID on the same BSSID is another BSS (cfg80211 tells them apart): a P2P
        // device that became a GO answers with its group's elements from now on.
        const bool same_bss = hidden_ssid || b->ssid.empty() || b->ssid == ssid;
        if (!hidden_ssid || b->ssid.empty()) b->ssid = hidden_ssid ? std::string() : ssid;
        if (!probe_resp) b->hidden = hidden_ssid;
        b->freq = own_freq(body, freq);
        b->capability = body.capabilities;
        b->beacon_int = body.beacon_interval;
        b->signal_dbm = signal;
        b->tsf = body.timestamp;
        if (probe_resp || !b->from_probe_resp || !same_bss) b->ies.assign(ies.begin(), ies.end());
        b->from_probe_resp = (b->from_probe_resp && same_bss) || probe_resp;
        b->seen = now;
        // Taking this frame again would leave the entry as it is now (but for what is taken
        // above from every frame): the next frame with the same CRC need not be read.
        b->crc_valid = crc.computed();
        b->crc = crc.computed() ? crc.value() : 0;
        b->crc_rx_freq = freq;
        b->crc_probe_resp = probe_resp;
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
    const bss* find(const mac_address& bssid) const noexcept {
        const auto it = index_.find(bssid);
        return it == index_.end() ? nullptr : &*it->second.entry;
    }
    /// @brief The strongest BSS advertising `ssid` (on `freq` when it is not 0).
    const bss* best(std::string_view ssid, std::uint16_t freq = 0) const noexcept {
        const bss* out = nullptr;
        for (const auto& b : entries_)
            if (b.ssid == ssid && (freq == 0 || b.freq == freq) &&
                (!out || b.signal_dbm > out->signal_dbm))
                out = &b;
        return out;
    }
    /// @brief Drops entries not heard for `expiry` (the oldest first: only those are looked at;
    /// `now` never goes back).
    void expire(time_point now) {
        while (!lru_.empty() && now - lru_.front()->seen > expiry) {
            const auto e = lru_.front();
            index_.erase(e->bssid);
            lru_.pop_front();
            entries_.erase(e);
        }
    }
    /// @brief The entries in the order they were first heard.
    const std::list<bss>& entries() const noexcept { return entries_; }
    std::size_t size() const noexcept { return entries_.size(); }
    const counters& stats() const noexcept { return counters_; }
    void clear() noexcept {
        index_.clear();
        lru_.clear();
        entries_.clear();
    }

  private:
    using entry_it = std::list<bss>::iterator;
    struct position {
        entry_it entry;
        std::list<entry_it>::iterator heard;  ///< its place in lru_
    };
    /// A new entry for `bssid`, the newest; when the table is full it is the least recently
    /// heard one, cleared and moved (its nodes and buffers are used again).
    bss& add(const mac_address& bssid) {
        if (entries_.size() < capacity) {
            entries_.emplace_back();
            lru_.push_back(std::prev(entries_.end()));
            index_.emplace(bssid, position{std::prev(entries_.end()), std::prev(lru_.end())});
        } else {
            const auto e = lru_.front();
            auto node = index_.extract(e->bssid);
            node.key() = bssid;
            index_.insert(std::move(node));
            entries_.splice(entries_.end(), entries_, e);
            lru_.splice(lru_.end(), lru_, lru_.begin());
            auto ies = std::move(e->ies);  // its buffer is kept
            ies.clear();
            *e = bss{};
            e->ies = std::move(ies);
        }
        bss& b = entries_.back();
        b.bssid = bssid;
        return b;
    }
    std::list<bss> entries_;
    std::list<entry_it> lru_;  ///< least recently heard first
    std::unordered_map<mac_address, position> index_;
    counters counters_;
};

}  // namespace softmac::mac
