// SPDX-License-Identifier: MIT
/// @file Defines the MAC management requests and the events the MAC reports upwards.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/beacon.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/ieee80211/status_codes.hpp>

namespace softmac::mac {

using byte_vector = std::vector<std::uint8_t>;

namespace status = ieee80211::status;  ///< 802.11 status codes, as events carry them
namespace reason = ieee80211::reason;  ///< 802.11 reason codes, as events carry them

/// @brief An RSN network's settings (cfg80211_crypto_settings): WPA version, ciphers and AKMs as
/// suite selectors, privacy, and whether user space controls the 802.1X port (then a station is
/// authorized only by SET_STATION, after the handshake).
struct crypto_settings {
    bool privacy = false;
    bool control_port = false;
    std::uint32_t wpa_versions = 0;  ///< NL80211_WPA_VERSION_2 = 2
    std::uint32_t group_cipher = 0;
    std::vector<std::uint32_t> pairwise_ciphers, akm_suites;
    friend bool operator==(const crypto_settings&, const crypto_settings&) = default;
};

/// @brief A scan request (cfg80211_scan_request). Empty `freqs`: every channel of the hardware;
/// empty `ssids`: passive scan; an empty string in `ssids` is the wildcard SSID.
struct scan_params {
    std::vector<std::uint16_t> freqs;
    std::vector<std::string> ssids;
    byte_vector ies;             ///< appended to every probe request
    bool no_cck = false;         ///< probe requests at OFDM rates only (P2P)
    std::uint32_t dwell_ms = 0;  ///< 0: 30 ms active, 111 ms passive (mac80211's channel times)
    friend bool operator==(const scan_params&, const scan_params&) = default;
};

/// @brief Open-system authentication with a BSS (cfg80211_auth_request).
struct auth_params {
    mac_address bssid;
    std::uint16_t freq = 0;
    std::string ssid;
    std::uint16_t auth_type = 0;  ///< NL80211_AUTHTYPE_OPEN_SYSTEM; others are refused
    byte_vector ies;
    friend bool operator==(const auth_params&, const auth_params&) = default;
};

/// @brief Association with the BSS authenticated to (cfg80211_assoc_request).
struct assoc_params : crypto_settings {
    mac_address bssid;
    std::uint16_t freq = 0;
    std::string ssid;
    byte_vector ies;  ///< appended to the association request
    friend bool operator==(const assoc_params&, const assoc_params&) = default;
};

/// @brief Connect: scan if the BSS is not known, then authenticate and associate.
struct connect_params : crypto_settings {
    std::string ssid;
    std::optional<mac_address> bssid;
    std::uint16_t freq = 0;  ///< 0: any
    byte_vector ies;
    friend bool operator==(const connect_params&, const connect_params&) = default;
};

using ieee80211::hidden_ssid;

/// @brief Starting an AP or P2P GO (cfg80211_ap_settings).
struct ap_params : crypto_settings {
    byte_vector head;  ///< beacon header + fixed fields + elements before the TIM
    byte_vector tail;  ///< elements after the TIM
    std::uint16_t beacon_int = 100;
    std::uint8_t dtim_period = 1;
    std::string ssid;
    hidden_ssid hidden = hidden_ssid::not_hidden;
    std::uint16_t freq = 0;  ///< 0: the radio's current channel
    byte_vector probe_resp_ies, assoc_resp_ies;
    std::uint16_t max_stations = 2007;
    friend bool operator==(const ap_params&, const ap_params&) = default;
};

/// @brief AP settings for start_ap: a beacon template whose head ieee80211::beacon_head builds
/// and whose tail is `extra` (the elements after the TIM).
inline ap_params make_ap_params(const mac_address& bssid, std::string_view ssid,
                                const ieee80211::channel& ch,
                                std::span<const ieee80211::rate> rates, bool ofdm_only = false,
                                hidden_ssid hidden = hidden_ssid::not_hidden,
                                std::uint16_t beacon_int = 100, bytes_view extra = {}) {
    ap_params p;
    p.ssid = std::string(ssid);
    p.hidden = hidden;
    p.beacon_int = beacon_int;
    p.freq = ch.freq_mhz;
    p.head = ieee80211::beacon_head(bssid, ssid, ch, rates, ofdm_only, hidden, beacon_int);
    p.tail.assign(extra.begin(), extra.end());
    return p;
}

/// @brief A management frame to send (cfg80211_mgmt_tx_params).
struct mgmt_tx_params {
    byte_vector frame;
    std::uint16_t freq = 0;     ///< 0: the current channel
    std::uint32_t wait_ms = 0;  ///< stay on the channel this long after TX for a response
    bool offchannel_ok = false, no_cck = false, dont_wait_for_ack = false;
    friend bool operator==(const mgmt_tx_params&, const mgmt_tx_params&) = default;
};

/// @brief Events, one type per cfg80211 notification. Every event names its interface.
namespace event {
struct scan_done {
    std::uint8_t vif = 0;
    bool aborted = false;
    friend bool operator==(const scan_done&, const scan_done&) = default;
};
/// Result of authentication: the peer's frame, or a timeout.
struct authenticate {
    std::uint8_t vif = 0;
    mac_address bssid;
    bool timed_out = false;
    byte_vector frame;
    friend bool operator==(const authenticate&, const authenticate&) = default;
};
struct associate {
    std::uint8_t vif = 0;
    mac_address bssid;
    bool timed_out = false;
    byte_vector frame;
    friend bool operator==(const associate&, const associate&) = default;
};
struct connect {
    std::uint8_t vif = 0;
    mac_address bssid;
    std::uint16_t status = 0;  ///< 802.11 status code; 1 (unspecified) on timeout
    bool timed_out = false;
    byte_vector req_ie, resp_ie;
    friend bool operator==(const connect&, const connect&) = default;
};
struct disconnect {
    std::uint8_t vif = 0;
    std::uint16_t reason = 0;
    bool by_ap = false;
    friend bool operator==(const disconnect&, const disconnect&) = default;
};
/// A deauthentication sent or received: the frame carries the addresses and the reason.
struct deauthenticate {
    std::uint8_t vif = 0;
    byte_vector frame;
    friend bool operator==(const deauthenticate&, const deauthenticate&) = default;
};
struct disassociate {
    std::uint8_t vif = 0;
    byte_vector frame;
    friend bool operator==(const disassociate&, const disassociate&) = default;
};
/// A received management frame matching a registration (NL80211_CMD_FRAME as an event).
struct frame {
    std::uint8_t vif = 0;
    std::uint16_t freq = 0;
    std::int32_t signal_dbm = 0;
    std::uint32_t owner = 0;  ///< who registered for it
    byte_vector bytes;
    friend bool operator==(const frame&, const frame&) = default;
};
struct frame_tx_status {
    std::uint8_t vif = 0;
    std::uint64_t cookie = 0;
    bool ack = false;
    byte_vector bytes;
    friend bool operator==(const frame_tx_status&, const frame_tx_status&) = default;
};
/// On the channel: a remain-on-channel period started.
struct remain_on_channel {
    std::uint8_t vif = 0;
    std::uint64_t cookie = 0;
    std::uint16_t freq = 0;
    std::uint32_t duration_ms = 0;
    friend bool operator==(const remain_on_channel&, const remain_on_channel&) = default;
};
/// A remain-on-channel period ended (expired or cancelled).
struct cancel_remain_on_channel {
    std::uint8_t vif = 0;
    std::uint64_t cookie = 0;
    std::uint16_t freq = 0;
    friend bool operator==(const cancel_remain_on_channel&,
                           const cancel_remain_on_channel&) = default;
};
/// The wait after a management-frame TX ended without a cancel.
struct frame_wait_cancel {
    std::uint8_t vif = 0;
    std::uint64_t cookie = 0;
    friend bool operator==(const frame_wait_cancel&, const frame_wait_cancel&) = default;
};
struct new_station {
    std::uint8_t vif = 0;
    mac_address addr;
    std::uint16_t aid = 0;
    byte_vector ies;  ///< the (re)association request's elements (its RSN element)
    friend bool operator==(const new_station&, const new_station&) = default;
};
struct del_station {
    std::uint8_t vif = 0;
    mac_address addr;
    std::uint16_t reason = 0;
    friend bool operator==(const del_station&, const del_station&) = default;
};
/// @brief A control-port frame received (EAPOL, before and after the port opens): the sender and
/// the frame after its Ethernet header (NL80211_CMD_CONTROL_PORT_FRAME as an event).
struct control_port_frame {
    std::uint8_t vif = 0;
    mac_address from;
    std::uint16_t ethertype = 0;
    byte_vector frame;
    friend bool operator==(const control_port_frame&, const control_port_frame&) = default;
};

/// @brief A channel switch began: an AP announces it in its beacons, a station heard its AP's
/// announcement (cfg80211_ch_switch_started_notify; NL80211_CMD_CH_SWITCH_STARTED_NOTIFY).
struct ch_switch_started {
    std::uint8_t vif = 0;
    std::uint16_t freq = 0;   ///< where the BSS goes
    std::uint32_t count = 0;  ///< beacon intervals until it does
    friend bool operator==(const ch_switch_started&, const ch_switch_started&) = default;
};
/// @brief The interface moved to `freq` with its BSS (cfg80211_ch_switch_notify;
/// NL80211_CMD_CH_SWITCH_NOTIFY).
struct ch_switch {
    std::uint8_t vif = 0;
    std::uint16_t freq = 0;
    friend bool operator==(const ch_switch&, const ch_switch&) = default;
};

using any = std::variant<scan_done, authenticate, associate, connect, disconnect, deauthenticate,
                         disassociate, frame, frame_tx_status, remain_on_channel,
                         cancel_remain_on_channel, frame_wait_cancel, new_station, del_station,
                         control_port_frame, ch_switch_started, ch_switch>;
}  // namespace event

}  // namespace softmac::mac
