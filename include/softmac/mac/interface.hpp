// SPDX-License-Identifier: MIT
/// @file Defines the data path's state of one interface (vif_state), the MAC's limits and the
/// counted reasons a frame is dropped.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include <softmac/core/mac_address.hpp>
#include <softmac/driver/types.hpp>

namespace softmac::mac {

/// @brief Interfaces per radio: the data path's, the radio's and the vap device's tables.
inline constexpr std::size_t max_interfaces = 16;
/// @brief Fragments per MSDU: the fragment number is four bits.
inline constexpr std::size_t max_fragments = 16;

/// @brief Why a frame was dropped; each has a per-interface counter.
enum class drop_reason : std::uint8_t {
    too_short,           ///< shorter than an Ethernet or 802.11 header
    not_associated,      ///< unicast to (or from) a station that is not associated
    not_authorized,      ///< data on an unauthorized port (EAPOL excepted)
    no_headroom,         ///< buffer without room for the 802.11 header
    no_buffer,           ///< pool exhausted (fragments, A-MSDU subframes)
    duplicate,           ///< retry with the last sequence control seen
    wrong_ds_bits,       ///< ToDS/FromDS not allowed for the receiving interface type
    wrong_bssid,         ///< not from our BSS
    own_echo,            ///< our own multicast echoed back by the AP
    fragment_unmatched,  ///< later fragment without its predecessors
    fragment_too_big,    ///< reassembled MSDU would not fit
    malformed,           ///< header or A-MSDU structure broken
    not_for_us,          ///< no interface accepts it
    unprotected,         ///< unprotected data where a key protects the link (EAPOL excepted)
    no_key,              ///< protected with a key that is not installed
    replay,              ///< CCMP PN not above the last accepted one
    decrypt_failed,      ///< CCMP MIC wrong (dot11RSNAStatsCCMPDecryptErrors)
    count_
};

inline constexpr std::string_view drop_reason_names[] = {
    "too short",        "not associated", "not authorized", "no headroom", "no buffer",
    "duplicate",        "wrong DS bits",  "wrong BSSID",    "own echo",    "fragment unmatched",
    "fragment too big", "malformed",      "not for us",     "unprotected", "no key",
    "replay",           "decrypt failed"};
static_assert(std::size(drop_reason_names) == static_cast<std::size_t>(drop_reason::count_),
              "softmac: every drop_reason needs a name");

constexpr std::string_view to_string(drop_reason r) noexcept {
    return drop_reason_names[static_cast<std::size_t>(r)];
}

/// @brief The data path's state of one interface: the hot part of the MAC's interface record
/// (interface_record.hpp), kept by the data path in an array indexed by the vif index. Its size is
/// a power of two, so that finding a frame's interface in that array is a shift rather than a
/// multiply on every frame.
struct alignas(256) vif_state {
    driver::vif vif;
    bool up = false;
    mac_address bssid;        ///< station: the AP; AP/GO: own address; IBSS: the IBSS BSSID
    bool associated = false;  ///< station/P2P client: joined a BSS
    mac_address wds_peer;     ///< WDS: the remote end
    bool use_4addr = false;   ///< station in 4-address mode
    bool no_cck = false;      ///< P2P interfaces never send CCK rates
    std::uint16_t seq = 0;    ///< per-interface sequence counter (mgmt, non-QoS, multicast)
    std::uint32_t frag_threshold = 0xffffffffu;  ///< off
    std::uint32_t rts_threshold = 0xffffffffu;   ///< off
    std::uint8_t short_retry = 7, long_retry = 4;
    /// Names the state the fast paths' per-station state is made from (type, addresses,
    /// association, 4-address mode): data_path::vif_changed gives it a new value, unique among the
    /// radio's interfaces, and a station's fast TX template or fast RX checks made under another
    /// value are not used. Kept as the high half of a fast_stamp (generation_of), so that a stamp
    /// is one OR with the station's flags.
    std::uint64_t generation = generation_of(0);
    /// Count `n` (below 2^31) as the high half of a stamp: bit 63 set, so no stamp is 0.
    static constexpr std::uint64_t generation_of(std::uint32_t n) noexcept {
        return std::uint64_t{1} << 63 | std::uint64_t{n} << 32;
    }
    std::array<std::uint64_t, static_cast<std::size_t>(drop_reason::count_)> drops{};
    std::uint64_t tx_frames = 0, rx_frames = 0;

    void drop(drop_reason r) noexcept { ++drops[static_cast<std::size_t>(r)]; }
    std::uint64_t dropped(drop_reason r) const noexcept {
        return drops[static_cast<std::size_t>(r)];
    }
    driver::iftype type() const noexcept { return vif.type; }
    bool is_ap() const noexcept {
        return vif.type == driver::iftype::ap || vif.type == driver::iftype::p2p_go;
    }
    bool is_sta() const noexcept {
        return vif.type == driver::iftype::station || vif.type == driver::iftype::p2p_client;
    }
};
static_assert(sizeof(vif_state) == 256, "softmac: vif_state outgrew its stride");

/// @brief The sequence number a counter (an interface's, or a station's per TID) gives the next
/// frame; the counter advances modulo 4096.
constexpr std::uint16_t next_sequence(std::uint16_t& counter) noexcept {
    const std::uint16_t seq = counter;
    counter = static_cast<std::uint16_t>((seq + 1) & 0xfff);
    return seq;
}

/// @brief 802.1D user priority to access category (VO=0, VI=1, BE=2, BK=3).
constexpr std::uint8_t up_to_ac(std::uint8_t up) noexcept {
    constexpr std::uint8_t table[8] = {2, 3, 3, 2, 1, 1, 0, 0};
    return table[up & 7];
}

}  // namespace softmac::mac
