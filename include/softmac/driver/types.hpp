// SPDX-License-Identifier: MIT
/// @file Defines what crosses the driver boundary: interface types, vifs, TX info/status, RX
/// status, FIF_* and config flags.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/iftype.hpp>
#include <softmac/ieee80211/p2p.hpp>

namespace softmac::driver {

using ieee80211::bit;
using ieee80211::iftype;
using ieee80211::is_p2p;

/// @brief One virtual interface as the driver sees it (the ieee80211_vif role).
struct vif {
    mac_address addr;
    iftype type = iftype::station;
    std::uint8_t index = 0;  ///< the radio's slot for this interface
};

/// @brief Receive filter flags (FIF_*), current kernel values.
namespace fif {
inline constexpr std::uint32_t allmulti = 1u << 1, fcsfail = 1u << 2, plcpfail = 1u << 3,
                               bcn_prbresp_promisc = 1u << 4, control = 1u << 5,
                               other_bss = 1u << 6, pspoll = 1u << 7, probe_req = 1u << 8,
                               mcast_action = 1u << 9;
inline constexpr std::uint32_t all = allmulti | fcsfail | plcpfail | bcn_prbresp_promisc | control |
                                     other_bss | pspoll | probe_req | mcast_action;
}  // namespace fif

/// @brief Device configuration (the ieee80211_conf role) and what changed
/// (IEEE80211_CONF_CHANGE_*).
struct conf {
    ieee80211::channel channel{ieee80211::band::ghz2_4, 1, 2412};
    int power_dbm = 20;
    std::uint32_t flags = 0;  ///< conf_flag bits
    std::uint8_t long_retry = 4, short_retry = 7;
};
namespace conf_flag {
inline constexpr std::uint32_t monitor = 1u << 0, ps = 1u << 1, idle = 1u << 2,
                               offchannel = 1u << 3;
}
namespace conf_changed {
inline constexpr std::uint32_t listen_interval = 1u << 2, monitor = 1u << 3, ps = 1u << 4,
                               power = 1u << 5, channel = 1u << 6, retry_limits = 1u << 7,
                               idle = 1u << 8;
}

/// @brief Per-frame TX control flags.
namespace tx_flag {
inline constexpr std::uint32_t no_ack = 1u << 0, rts_cts = 1u << 1, offchannel = 1u << 2,
                               no_cck = 1u << 3, req_status = 1u << 4, first_fragment = 1u << 5,
                               more_frames = 1u << 6, assign_seq = 1u << 7;
}

/// @brief One rate attempt: index into the band's rate table and how many tries.
struct tx_rate {
    std::int8_t idx = -1;
    std::uint8_t count = 0;
};

/// @brief What the MAC hands the driver with a frame (the ieee80211_tx_info control part).
struct tx_info {
    std::uint32_t flags = 0;
    std::array<tx_rate, 4> rates{};
    std::uint8_t hw_queue = 0;
    std::uint8_t vif_index = 0;
    /// The hardware key that protects the frame (set_key's hw_index), -1 for none. With a key,
    /// the frame carries its 8-octet CCMP header (PN and Key ID, written by the MAC) after the
    /// MAC header and no MIC: the hardware encrypts and appends the MIC
    /// (IEEE80211_KEY_FLAG_GENERATE_IV).
    std::int16_t hw_key = -1;
    std::uint64_t cookie = 0;  ///< handed back in the TX status
};

/// @brief What the driver reports after transmitting.
struct tx_status {
    tx_info info;
    bool acked = false;
    std::uint8_t attempts = 1;
};

/// @brief RX status flags.
namespace rx_flag {
inline constexpr std::uint32_t fcs_fail = 1u << 0, plcp_fail = 1u << 1, mactime_start = 1u << 2,
                               short_preamble = 1u << 3,
                               /// the hardware decrypted the frame and verified its MIC: the
                               /// payload is plaintext, the CCMP header is still in place (the
                               /// MAC checks its PN) and the MIC is stripped
    decrypted = 1u << 4,
                               /// the hardware found the frame's MIC wrong (the MAC drops it)
    mic_error = 1u << 5;
}

/// @brief What the driver reports with a received frame (the ieee80211_rx_status role).
struct rx_status {
    std::uint16_t freq = 0;
    ieee80211::band band = ieee80211::band::ghz2_4;
    std::int8_t signal_dbm = 0;
    std::uint8_t rate_idx = 0;
    std::uint16_t bitrate = 0;  ///< 100 kbit/s units
    std::uint64_t mactime = 0;  ///< µs, start of the frame
    std::uint32_t flags = 0;
};

/// @brief EDCA parameters of one access category (AC numbering VO=0, VI=1, BE=2, BK=3).
struct edca_params {
    std::uint8_t aifs = 2;
    std::uint16_t cw_min = 15, cw_max = 1023;
    std::uint16_t txop = 0;  ///< units of 32 µs
};

/// @brief Low-level counters (the get_stats op).
struct low_level_stats {
    std::uint32_t ack_failures = 0, rts_failures = 0, rts_successes = 0, fcs_errors = 0;
};

/// @brief An offloaded scan request (hw_scan).
struct scan_request {
    std::span<const ieee80211::channel> channels;
    std::span<const std::string_view> ssids;  ///< empty: passive scan
    bytes_view extra_ies;
    bool no_cck = false;
    std::uint32_t dwell_ms = 30;
};

/// @brief Key commands and a key as set_key sees it.
enum class key_command : std::uint8_t { set = 0, disable = 1 };
struct key_conf {
    std::uint32_t cipher = 0;  ///< suite selector, e.g. 00-0F-AC:4 (CCMP) = 0x000fac04
    std::uint8_t index = 0;
    bool pairwise = false;
    mac_address peer;  ///< pairwise keys only
    bytes_view key;
    std::int16_t hw_index = -1;  ///< filled by the driver
};

/// @brief Per-vif BSS parameters (bss_info_changed) and what changed (BSS_CHANGED_*).
struct bss_conf {
    mac_address bssid;
    std::uint16_t beacon_int = 100;
    std::uint8_t dtim_period = 1;
    bool assoc = false, use_short_preamble = false, use_short_slot = false, beacon_enabled = false;
    std::uint16_t aid = 0;
    /// P2P power save (mac80211's p2p_noa_attr): a GO's own Notice of Absence, or the one a
    /// client's GO announces in its beacons. No descriptors and no OppPS: none. Start times are
    /// the low 32 bits of the TSF, which a station keeps synchronised to its BSS.
    ieee80211::p2p::notice_of_absence p2p_noa{};
};
namespace bss_changed {
inline constexpr std::uint32_t assoc = 1u << 0, erp_cts_prot = 1u << 1, erp_preamble = 1u << 2,
                               erp_slot = 1u << 3, ht = 1u << 4, basic_rates = 1u << 5,
                               beacon_int = 1u << 6, bssid = 1u << 7, beacon = 1u << 8,
                               beacon_enabled = 1u << 9, p2p_ps = 1u << 10;
}

/// @brief Antenna bitmaps.
struct antennas {
    std::uint32_t tx = 1, rx = 1;
};

/// @brief Remain-on-channel request kinds.
enum class roc_type : std::uint8_t { normal = 0, mgmt_tx = 1 };

}  // namespace softmac::driver
