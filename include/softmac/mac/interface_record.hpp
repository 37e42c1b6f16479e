// SPDX-License-Identifier: MIT
/// @file Defines the MAC's record of one interface (station and AP MLME state, with the data
/// path's vif_state it refers to) and the table of them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/detail/set_bits.hpp>
#include <softmac/core/detail/walker.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/interface.hpp>

namespace softmac::mac {

/// @brief Station MLME progress.
enum class sta_phase : std::uint8_t {
    idle,
    scanning,
    authenticating,
    authenticated,
    associating,
    associated
};
/// @brief A station's management state (mac80211's ieee80211_if_managed, sdata->u.mgd).
struct sta_state {
    sta_phase phase = sta_phase::idle;
    bool connecting = false;  ///< auth and assoc are steps of a connect
    mac_address bssid;
    ieee80211::channel ch;
    std::string ssid;
    byte_vector ies;         ///< extra association request elements
    crypto_settings crypto;  ///< RSN: privacy, and the port left closed until SET_STATION
    std::uint8_t tries = 0;
    timer_id timer = 0;
    time_point last_beacon{};
    std::uint16_t beacon_int = 100, aid = 0;
    std::uint16_t connect_freq = 0;  ///< a connect's frequency hint (0: any)
    /// The P2P power save its GO's beacons announce (mac80211's p2p_noa_attr).
    ieee80211::p2p::notice_of_absence p2p_noa{};
    timer_id csa_timer = 0;  ///< the channel switch its AP announced, when due
    /// The digest of the elements of its AP's last beacon read in full (elements_digest), and
    /// whether that beacon was left with a channel switch to look at (a CSA element, or one not
    /// looked at): a beacon with the same digest is not read again unless it was (mac80211's
    /// beacon_crc).
    std::uint64_t beacon_digest = 0;
    bool beacon_digest_valid = false, beacon_csa = false;
};
/// @brief A channel switch an AP announces: the channel, the beacons left, block TX.
struct csa_state {
    ieee80211::channel ch;
    std::uint32_t count = 0;
    bool block_tx = false;
};
/// @brief An AP's (or P2P GO's) management state (mac80211's ieee80211_if_ap, sdata->u.ap).
struct ap_state {
    bool beaconing = false;
    ap_params params;
    timer_id timer = 0;
    std::uint8_t dtim_count = 0;
    std::vector<mac_address> aids;  ///< index = AID - 1; zero address = free
    /// The P2P power save its own beacons announce, which the radio keeps.
    ieee80211::p2p::notice_of_absence p2p_noa{};
    std::optional<csa_state> csa;  ///< a channel switch in progress
};

/// @brief The MAC's record of one interface (mac80211's ieee80211_sub_if_data): the management
/// state of its type and the data path's part, `data`, which the data path keeps in its own
/// array (a 256-octet stride, for the per-frame lookup). The vif (address, type, index) lives
/// there, once.
struct interface_record {
    vif_state* data = nullptr;  ///< the data path's part; null while the interface does not exist
    std::uint8_t slot = 0;      ///< the vap's slot in the vap device
    sta_state sta;
    ap_state ap;

    bool used() const noexcept { return data != nullptr; }
    /// @pre used()
    const driver::vif& vif() const noexcept { return data->vif; }
    std::uint8_t index() const noexcept { return data->vif.index; }
    const mac_address& addr() const noexcept { return data->vif.addr; }
    driver::iftype type() const noexcept { return data->vif.type; }
    bool is_ap() const noexcept { return data->is_ap(); }        ///< AP or P2P GO
    bool is_station() const noexcept { return data->is_sta(); }  ///< station or P2P client
    bool associated() const noexcept { return sta.phase == sta_phase::associated; }
};

/// @brief The records of a radio's interfaces, indexed by the vif index. A record becomes used
/// through attach() and unused through clear(), which keep a mask of the used ones: per frame,
/// the MAC visits the used records (used()) without reading the others.
class interface_records {
  public:
    /// @brief The used records in index order: a forward range.
    class used_range {
      public:
        class iterator
            : public ::softmac::detail::walker<iterator, interface_record, interface_record&> {
          public:
            iterator() = default;

          private:
            friend class used_range;
            friend ::softmac::detail::walker<iterator, interface_record, interface_record&>;
            iterator(interface_record* r, std::uint32_t mask) noexcept : r_(r), at_(mask) {
                settle();
            }
            interface_record& deref() const noexcept { return r_[*at_]; }
            void next() noexcept {
                ++at_;
                settle();
            }
            const ::softmac::detail::set_bits::iterator& position() const noexcept { return at_; }
            /// Past the records cleared since the walk began.
            void settle() noexcept {
                while (at_ != end_ && !r_[*at_].used()) ++at_;
            }
            interface_record* r_ = nullptr;
            ::softmac::detail::set_bits::iterator at_;
            static constexpr ::softmac::detail::set_bits::iterator end_{};
        };
        iterator begin() const noexcept { return {r_, mask_}; }
        iterator end() const noexcept { return {r_, 0}; }

      private:
        friend class interface_records;
        used_range(interface_record* r, std::uint32_t mask) noexcept : r_(r), mask_(mask) {}
        interface_record* r_;
        std::uint32_t mask_;
    };

    interface_record& operator[](std::uint8_t vif) noexcept { return records_[vif]; }
    /// @brief Record `vif` is used from now on, its data path part `data`.
    void attach(std::uint8_t vif, vif_state& data) noexcept {
        records_[vif].data = &data;
        used_ |= 1u << vif;
    }
    /// @brief Record `vif` is cleared whole and unused (its interface is gone, or is made).
    void clear(std::uint8_t vif) noexcept {
        records_[vif] = interface_record{};
        used_ &= ~(1u << vif);
    }
    /// @brief The used records, in index order; a record cleared while the range is walked is
    /// not visited, one attached meanwhile is not either.
    used_range used() noexcept { return {records_.data(), used_}; }
    /// @brief Starts fetching the first line of each used record (a frame comes soon).
    SOFTMAC_HOT_INLINE void prefetch_used() const noexcept {
        for (const std::size_t k : ::softmac::detail::set_bits(used_))
            __builtin_prefetch(&records_[k]);
    }
    /// @brief The record of an existing interface, or null.
    interface_record* find(std::uint8_t vif) noexcept {
        return vif < max_interfaces && records_[vif].used() ? &records_[vif] : nullptr;
    }
    const interface_record* find(std::uint8_t vif) const noexcept {
        return vif < max_interfaces && records_[vif].used() ? &records_[vif] : nullptr;
    }
    /// @brief The vif of an interface; an empty vif when there is none at this index.
    driver::vif vif_of(std::uint8_t vif) const noexcept {
        return vif < max_interfaces && records_[vif].used() ? records_[vif].vif() : driver::vif{};
    }
    /// @brief The record of an existing station or P2P client interface, or null.
    interface_record* station(std::uint8_t vif) noexcept {
        auto* i = find(vif);
        return i && i->is_station() ? i : nullptr;
    }
    /// @brief Whether a station interface is associated (a scan then returns to its channel).
    bool associated_anywhere() const noexcept {
        for (const auto& i : records_)
            if (i.used() && i.is_station() && i.associated()) return true;
        return false;
    }
    /// @brief Whether an AP or GO interface beacons.
    bool beaconing_anywhere() const noexcept {
        for (const auto& i : records_)
            if (i.used() && i.is_ap() && i.ap.beaconing) return true;
        return false;
    }
    auto begin() noexcept { return records_.begin(); }
    auto end() noexcept { return records_.end(); }
    auto begin() const noexcept { return records_.begin(); }
    auto end() const noexcept { return records_.end(); }

  private:
    std::uint32_t used_ = 0;  ///< bit k: records_[k].used(); in the first record's cache line
    static_assert(max_interfaces <= 32);
    std::array<interface_record, max_interfaces> records_{};
};

static_assert(std::forward_iterator<interface_records::used_range::iterator>);

}  // namespace softmac::mac
