// SPDX-License-Identifier: MIT
/// @file Defines the registrations for received management frames: a frame type plus a prefix
/// of the body, per interface, without overlaps (cfg80211's mgmt registrations).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include <softmac/core/result.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/mac/events.hpp>

namespace softmac::mac {

/// @brief Frame types as registrations name them: the frame control's type and subtype bits.
namespace frame_types {
inline constexpr std::uint16_t probe_req =
    ieee80211::frame_control::make(ieee80211::frame_type::management,
                                   ieee80211::mgmt_subtype::probe_req)
        .raw;
inline constexpr std::uint16_t action =
    ieee80211::frame_control::make(ieee80211::frame_type::management,
                                   ieee80211::mgmt_subtype::action)
        .raw;
static_assert(probe_req == 0x0040 && action == 0x00d0);
}  // namespace frame_types

/// @brief Who wants which received management frames.
class frame_registry {
  public:
    /// What a registration holds besides its interface and frame type.
    struct entry {
        byte_vector match;  ///< prefix of the body; empty matches every frame
        std::uint32_t owner = 0;
    };

    /// @brief Adds a registration. Refused: a non-management type, bits other than type and
    /// subtype, or an overlap with an existing one (equal over the shorter match) on the
    /// same interface and frame type.
    result<void> add(std::uint8_t vif, std::uint16_t frame_type, bytes_view match,
                     std::uint32_t owner) {
        if (frame_type & ~std::uint16_t{0x00fc})
            return make_error(errc::bad_value, "frame type has bits other than type/subtype");
        if ((frame_type & 0x000c) != 0)
            return make_error(errc::bad_value, "only management frames can be registered");
        const std::uint32_t k = key(vif, frame_type);
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (keys_[i] != k) continue;
            const byte_vector& m = entries_[i].match;
            const std::size_t n = std::min(m.size(), match.size());
            if (std::equal(match.begin(), match.begin() + static_cast<std::ptrdiff_t>(n),
                           m.begin()))
                return make_error(errc::already, "overlaps an existing registration");
        }
        keys_.reserve(keys_.size() + 1);  // nothing throws once the entry is in
        entries_.push_back({byte_vector(match.begin(), match.end()), owner});
        keys_.push_back(k);
        subtypes_ |= subtype_bit(frame_type);
        return {};
    }
    /// @brief The first registration the frame (type from `fc`, body after the header) matches.
    const entry* find(std::uint8_t vif, ieee80211::frame_control fc, bytes_view body) const {
        if (!(subtypes_ & subtype_bit(fc.raw))) return nullptr;
        const std::uint32_t k = key(vif, fc.raw & 0x00fc);
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (keys_[i] != k) continue;
            const entry& e = entries_[i];
            if (body.size() >= e.match.size() &&
                std::equal(e.match.begin(), e.match.end(), body.begin()))
                return &e;
        }
        return nullptr;
    }
    /// @brief How many registrations on any interface are for this frame type.
    std::size_t count(std::uint16_t frame_type) const noexcept {
        return static_cast<std::size_t>(std::count_if(
            keys_.begin(), keys_.end(), [&](std::uint32_t k) { return type_of(k) == frame_type; }));
    }
    /// @brief Drops an owner's registrations (its socket closed), returning how many it held, or
    /// an interface's (it went away or changed type).
    std::size_t remove_owner(std::uint32_t owner) {
        return erase_if([&](std::size_t i) { return entries_[i].owner == owner; });
    }
    void remove_vif(std::uint8_t vif) {
        erase_if([&](std::size_t i) { return vif_of(keys_[i]) == vif; });
    }
    std::size_t size() const noexcept { return entries_.size(); }

  private:
    static constexpr std::uint32_t key(std::uint8_t vif, std::uint16_t frame_type) noexcept {
        return std::uint32_t{vif} << 16 | frame_type;
    }
    static constexpr std::uint8_t vif_of(std::uint32_t k) noexcept {
        return static_cast<std::uint8_t>(k >> 16);
    }
    static constexpr std::uint16_t type_of(std::uint32_t k) noexcept {
        return static_cast<std::uint16_t>(k);
    }
    /// The bit of subtypes_ for the subtype of frame control `fc`.
    static constexpr std::uint16_t subtype_bit(std::uint16_t fc) noexcept {
        return static_cast<std::uint16_t>(1u << ((fc >> 4) & 0xf));
    }
    /// Drops the registrations at the indices `drop` names, keeping the others in order.
    template <class Pred>
    std::size_t erase_if(Pred drop) {
        std::size_t kept = 0;
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            if (drop(i)) continue;
            if (kept != i) {
                entries_[kept] = std::move(entries_[i]);
                keys_[kept] = keys_[i];
            }
            ++kept;
        }
        const std::size_t dropped = entries_.size() - kept;
        entries_.resize(kept);
        keys_.resize(kept);
        subtypes_ = 0;
        for (const std::uint32_t k : keys_) subtypes_ |= subtype_bit(type_of(k));
        return dropped;
    }

    /// Each registration's interface and frame type (key()), and beside them, at the same index,
    /// the rest of it: a received frame's lookup reads the keys, a few registrations to a cache
    /// line, and only its candidates' entries.
    std::vector<std::uint32_t> keys_;
    std::vector<entry> entries_;
    /// A bit per management subtype that any registration names: a frame of another subtype
    /// is no registration's without a look at the keys.
    std::uint16_t subtypes_ = 0;
};

}  // namespace softmac::mac
