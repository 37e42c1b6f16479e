// SPDX-License-Identifier: MIT
/// @file Defines the config layer's replies as types: the wiphy, interface, scan result, station
/// and cookie messages, with the attributes that carry their members.
#pragma once

#include <boost/hana/tuple.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/core/shared_bytes.hpp>

namespace softmac::cfg {

/// @brief Replies.
namespace reply {
/// The interface message (NEW_INTERFACE's reply, GET_INTERFACE).
struct interface {
    std::uint32_t wiphy = 0;
    std::optional<std::uint32_t> ifindex;
    std::uint64_t wdev = 0;
    std::string ifname;
    cfg::iftype iftype = cfg::iftype::station;
    mac_address mac;
    std::optional<std::uint16_t> freq;
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_ATTR_WIPHY, &interface::wiphy>{},
                                field<NL80211_ATTR_IFINDEX, &interface::ifindex>{},
                                field<NL80211_ATTR_WDEV, &interface::wdev>{},
                                field<NL80211_ATTR_IFNAME, &interface::ifname>{},
                                field<NL80211_ATTR_IFTYPE, &interface::iftype>{},
                                field<NL80211_ATTR_MAC, &interface::mac>{},
                                field<NL80211_ATTR_WIPHY_FREQ, &interface::freq>{});
    friend bool operator==(const interface&, const interface&) = default;
};
/// Supported interface types as nested flags (NL80211_ATTR_SUPPORTED_IFTYPES).
struct iftypes {
    bool adhoc = false, station = false, ap = false, wds = false, monitor = false,
         p2p_client = false, p2p_go = false, p2p_device = false;
    static constexpr auto fields = boost::hana::make_tuple(
        field<NL80211_IFTYPE_ADHOC, &iftypes::adhoc>{},
        field<NL80211_IFTYPE_STATION, &iftypes::station>{},
        field<NL80211_IFTYPE_AP, &iftypes::ap>{}, field<NL80211_IFTYPE_WDS, &iftypes::wds>{},
        field<NL80211_IFTYPE_MONITOR, &iftypes::monitor>{},
        field<NL80211_IFTYPE_P2P_CLIENT, &iftypes::p2p_client>{},
        field<NL80211_IFTYPE_P2P_GO, &iftypes::p2p_go>{},
        field<NL80211_IFTYPE_P2P_DEVICE, &iftypes::p2p_device>{});
    /// @brief Whether the wiphy supports interfaces of type `t`.
    constexpr bool has(cfg::iftype t) const noexcept {
        switch (t) {
            case cfg::iftype::adhoc:
                return adhoc;
            case cfg::iftype::station:
                return station;
            case cfg::iftype::ap:
                return ap;
            case cfg::iftype::wds:
                return wds;
            case cfg::iftype::monitor:
                return monitor;
            case cfg::iftype::p2p_client:
                return p2p_client;
            case cfg::iftype::p2p_go:
                return p2p_go;
            case cfg::iftype::p2p_device:
                return p2p_device;
            default:
                return false;
        }
    }
    friend bool operator==(const iftypes&, const iftypes&) = default;
};
/// One channel of a band (NL80211_BAND_ATTR_FREQS entry, NL80211_FREQUENCY_ATTR_* inside).
struct frequency {
    std::uint32_t freq = 0;  ///< MHz
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_FREQUENCY_ATTR_FREQ, &frequency::freq>{});
    friend bool operator==(const frequency&, const frequency&) = default;
};
/// One band's channels (NL80211_BAND_ATTR_*).
struct band {
    std::vector<frequency> freqs;  ///< NL80211_BAND_ATTR_FREQS: entries numbered from 0
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_BAND_ATTR_FREQS, &band::freqs>{});
    friend bool operator==(const band&, const band&) = default;
};
/// The bands of a wiphy as nl80211 nests them in NL80211_ATTR_WIPHY_BANDS: one nested attribute
/// per band, numbered by enum nl80211_band (only their channels: no bitrates or HT/VHT data).
struct wiphy_bands {
    std::optional<band> ghz2_4, ghz5;
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_BAND_2GHZ, &wiphy_bands::ghz2_4>{},
                                field<NL80211_BAND_5GHZ, &wiphy_bands::ghz5>{});
    /// @brief Whether a band has the channel on `freq` MHz.
    bool has(std::uint32_t freq) const noexcept {
        for (const auto* b : {&ghz2_4, &ghz5})
            if (*b)
                for (const auto& f : (*b)->freqs)
                    if (f.freq == freq) return true;
        return false;
    }
    friend bool operator==(const wiphy_bands&, const wiphy_bands&) = default;
};
struct wiphy {
    std::uint32_t index = 0;
    std::string name;
    iftypes supported;
    std::uint8_t max_scan_ssids = 0;
    std::uint16_t max_scan_ie_len = 0;
    std::uint32_t max_roc_ms = 0;
    bool offchannel_tx_ok = true;
    /// The addresses its interfaces may take, the permanent one first (NL80211_ATTR_MAC_ADDRS,
    /// numbered from 1).
    std::vector<mac_address> addresses;
    wiphy_bands bands;
    static constexpr auto fields = boost::hana::make_tuple(
        field<NL80211_ATTR_WIPHY, &wiphy::index>{}, field<NL80211_ATTR_WIPHY_NAME, &wiphy::name>{},
        field<NL80211_ATTR_SUPPORTED_IFTYPES, &wiphy::supported>{},
        field<NL80211_ATTR_MAX_NUM_SCAN_SSIDS, &wiphy::max_scan_ssids>{},
        field<NL80211_ATTR_MAX_SCAN_IE_LEN, &wiphy::max_scan_ie_len>{},
        field<NL80211_ATTR_MAX_REMAIN_ON_CHANNEL_DURATION, &wiphy::max_roc_ms>{},
        field<NL80211_ATTR_OFFCHANNEL_TX_OK, &wiphy::offchannel_tx_ok>{},
        field<NL80211_ATTR_MAC_ADDRS, &wiphy::addresses>{},
        field<NL80211_ATTR_WIPHY_BANDS, &wiphy::bands>{});
    friend bool operator==(const wiphy&, const wiphy&) = default;
};
/// One scan result (NL80211_ATTR_BSS nested, NL80211_BSS_* inside).
struct bss_info {
    mac_address bssid;
    std::uint32_t freq = 0;
    std::uint16_t beacon_int = 0, capability = 0;
    std::int32_t signal_mbm = 0;
    std::uint32_t seen_ms_ago = 0;
    /// The entry's own elements, shared, in the config's reply (cfg80211_bss_ies); a decoded
    /// message's copy.
    shared_bytes ies;
    /// The Timestamp field of the last beacon or probe response heard (NL80211_BSS_TSF).
    std::uint64_t tsf = 0;
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_BSS_BSSID, &bss_info::bssid>{},
                                field<NL80211_BSS_FREQUENCY, &bss_info::freq>{},
                                field<NL80211_BSS_BEACON_INTERVAL, &bss_info::beacon_int>{},
                                field<NL80211_BSS_CAPABILITY, &bss_info::capability>{},
                                field<NL80211_BSS_SIGNAL_MBM, &bss_info::signal_mbm>{},
                                field<NL80211_BSS_SEEN_MS_AGO, &bss_info::seen_ms_ago>{},
                                field<NL80211_BSS_INFORMATION_ELEMENTS, &bss_info::ies>{},
                                field<NL80211_BSS_TSF, &bss_info::tsf, NL80211_BSS_PAD>{});
    friend bool operator==(const bss_info&, const bss_info&) = default;
};
struct scan_result : wdev_ref {
    bss_info bss;
    static constexpr auto fields =
        with_wdev<scan_result>(field<NL80211_ATTR_BSS, &scan_result::bss>{});
    friend bool operator==(const scan_result&, const scan_result&) = default;
};
struct sta_info {
    std::uint32_t rx_bytes = 0, tx_bytes = 0, rx_packets = 0, tx_packets = 0, tx_failed = 0,
                  tx_retries = 0;
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_STA_INFO_RX_BYTES, &sta_info::rx_bytes>{},
                                field<NL80211_STA_INFO_TX_BYTES, &sta_info::tx_bytes>{},
                                field<NL80211_STA_INFO_RX_PACKETS, &sta_info::rx_packets>{},
                                field<NL80211_STA_INFO_TX_PACKETS, &sta_info::tx_packets>{},
                                field<NL80211_STA_INFO_TX_FAILED, &sta_info::tx_failed>{},
                                field<NL80211_STA_INFO_TX_RETRIES, &sta_info::tx_retries>{});
    friend bool operator==(const sta_info&, const sta_info&) = default;
};
struct station : wdev_ref {
    mac_address mac;
    std::uint16_t aid = 0;
    sta_info info;
    static constexpr auto fields = with_wdev<station>(
        field<NL80211_ATTR_MAC, &station::mac>{}, field<NL80211_ATTR_STA_AID, &station::aid>{},
        field<NL80211_ATTR_STA_INFO, &station::info>{});
    friend bool operator==(const station&, const station&) = default;
};
/// The cookie a REMAIN_ON_CHANNEL or FRAME request gets back.
struct cookie {
    std::uint64_t value = 0;
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_ATTR_COOKIE, &cookie::value>{});
    friend bool operator==(const cookie&, const cookie&) = default;
};
/// What GET_KEY tells of a key: its index and sequence counter (the last PN sent, PN0 first).
struct key {
    std::uint8_t index = 0;
    mac::byte_vector seq;
    static constexpr auto fields = boost::hana::make_tuple(
        field<NL80211_ATTR_KEY_IDX, &key::index>{}, field<NL80211_ATTR_KEY_SEQ, &key::seq>{});
    friend bool operator==(const key&, const key&) = default;
};
}  // namespace reply

}  // namespace softmac::cfg
