// SPDX-License-Identifier: MIT
/// @file Defines the config layer's commands as types (numbered as <linux/nl80211.h> numbers
/// them), each with its flags and the attributes that carry its members.
#pragma once

#include <boost/hana/tuple.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <softmac/cfg/detail/fields.hpp>
#include <softmac/cfg/nl80211.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/iftype.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/mac/events.hpp>

namespace softmac::cfg {

using detail::field;

/// @brief nl80211's interface types (enum nl80211_iftype).
using iftype = ieee80211::iftype;

/// @brief The interface a command names: a netdev by index, or a wdev (a P2P device has only
/// the wdev).
struct wdev_ref {
    std::optional<std::uint32_t> ifindex;
    std::optional<std::uint64_t> wdev;
    friend bool operator==(const wdev_ref&, const wdev_ref&) = default;
};
template <class T, class... F>
constexpr auto with_wdev(F... f) {
    return boost::hana::make_tuple(field<NL80211_ATTR_IFINDEX, &T::ifindex>{},
                                   field<NL80211_ATTR_WDEV, &T::wdev>{}, f...);
}

/// @brief The commands, one type each, numbered as <linux/nl80211.h> numbers them.
namespace cmd {
template <std::uint8_t Id>
struct command {
    static constexpr std::uint8_t id = Id;
    static constexpr nl80211::command_spec spec = *nl80211::find_command(Id);
    friend constexpr bool operator==(const command&, const command&) noexcept { return true; }
};

struct get_wiphy : command<NL80211_CMD_GET_WIPHY> {
    std::optional<std::uint32_t> wiphy;
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_ATTR_WIPHY, &get_wiphy::wiphy>{});
    friend bool operator==(const get_wiphy&, const get_wiphy&) = default;
};
struct get_interface : command<NL80211_CMD_GET_INTERFACE>, wdev_ref {
    static constexpr auto fields = with_wdev<get_interface>();
    friend bool operator==(const get_interface&, const get_interface&) = default;
};
struct set_interface : command<NL80211_CMD_SET_INTERFACE>, wdev_ref {
    cfg::iftype iftype = cfg::iftype::station;
    static constexpr auto fields =
        with_wdev<set_interface>(field<NL80211_ATTR_IFTYPE, &set_interface::iftype>{});
    friend bool operator==(const set_interface&, const set_interface&) = default;
};
struct new_interface : command<NL80211_CMD_NEW_INTERFACE> {
    std::optional<std::uint32_t> wiphy;
    std::string ifname;
    cfg::iftype iftype = cfg::iftype::station;
    std::optional<mac_address> mac;
    static constexpr auto fields =
        boost::hana::make_tuple(field<NL80211_ATTR_WIPHY, &new_interface::wiphy>{},
                                field<NL80211_ATTR_IFNAME, &new_interface::ifname>{},
                                field<NL80211_ATTR_IFTYPE, &new_interface::iftype>{},
                                field<NL80211_ATTR_MAC, &new_interface::mac>{});
    friend bool operator==(const new_interface&, const new_interface&) = default;
};
struct del_interface : command<NL80211_CMD_DEL_INTERFACE>, wdev_ref {
    static constexpr auto fields = with_wdev<del_interface>();
    friend bool operator==(const del_interface&, const del_interface&) = default;
};
struct start_p2p_device : command<NL80211_CMD_START_P2P_DEVICE>, wdev_ref {
    static constexpr auto fields = with_wdev<start_p2p_device>();
    friend bool operator==(const start_p2p_device&, const start_p2p_device&) = default;
};
struct stop_p2p_device : command<NL80211_CMD_STOP_P2P_DEVICE>, wdev_ref {
    static constexpr auto fields = with_wdev<stop_p2p_device>();
    friend bool operator==(const stop_p2p_device&, const stop_p2p_device&) = default;
};
struct trigger_scan : command<NL80211_CMD_TRIGGER_SCAN>, wdev_ref, mac::scan_params {
    static constexpr auto fields = with_wdev<trigger_scan>(
        field<NL80211_ATTR_SCAN_FREQUENCIES, &trigger_scan::freqs>{},
        field<NL80211_ATTR_SCAN_SSIDS, &trigger_scan::ssids>{},
        field<NL80211_ATTR_IE, &trigger_scan::ies>{},
        field<NL80211_ATTR_TX_NO_CCK_RATE, &trigger_scan::no_cck>{},
        field<NL80211_ATTR_MEASUREMENT_DURATION, &trigger_scan::dwell_ms>{});
    friend bool operator==(const trigger_scan&, const trigger_scan&) = default;
};
/// NL80211_CMD_ABORT_SCAN: ends the running scan; its results come as SCAN_ABORTED.
struct abort_scan : command<NL80211_CMD_ABORT_SCAN>, wdev_ref {
    static constexpr auto fields = with_wdev<abort_scan>();
    friend bool operator==(const abort_scan&, const abort_scan&) = default;
};
struct get_scan : command<NL80211_CMD_GET_SCAN>, wdev_ref {
    static constexpr auto fields = with_wdev<get_scan>();
    friend bool operator==(const get_scan&, const get_scan&) = default;
};
struct authenticate : command<NL80211_CMD_AUTHENTICATE>, wdev_ref, mac::auth_params {
    static constexpr auto fields =
        with_wdev<authenticate>(field<NL80211_ATTR_MAC, &authenticate::bssid>{},
                                field<NL80211_ATTR_WIPHY_FREQ, &authenticate::freq>{},
                                field<NL80211_ATTR_SSID, &authenticate::ssid>{},
                                field<NL80211_ATTR_AUTH_TYPE, &authenticate::auth_type>{},
                                field<NL80211_ATTR_IE, &authenticate::ies>{});
    friend bool operator==(const authenticate&, const authenticate&) = default;
};
struct associate : command<NL80211_CMD_ASSOCIATE>, wdev_ref, mac::assoc_params {
    static constexpr auto fields = with_wdev<associate>(
        field<NL80211_ATTR_MAC, &associate::bssid>{},
        field<NL80211_ATTR_WIPHY_FREQ, &associate::freq>{},
        field<NL80211_ATTR_SSID, &associate::ssid>{}, field<NL80211_ATTR_IE, &associate::ies>{},
        field<NL80211_ATTR_PRIVACY, &associate::privacy>{},
        field<NL80211_ATTR_CONTROL_PORT, &associate::control_port>{},
        field<NL80211_ATTR_WPA_VERSIONS, &associate::wpa_versions>{},
        field<NL80211_ATTR_CIPHER_SUITE_GROUP, &associate::group_cipher>{},
        field<NL80211_ATTR_CIPHER_SUITES_PAIRWISE, &associate::pairwise_ciphers>{},
        field<NL80211_ATTR_AKM_SUITES, &associate::akm_suites>{});
    friend bool operator==(const associate&, const associate&) = default;
};
struct connect : command<NL80211_CMD_CONNECT>, wdev_ref, mac::connect_params {
    static constexpr auto fields = with_wdev<connect>(
        field<NL80211_ATTR_SSID, &connect::ssid>{}, field<NL80211_ATTR_MAC, &connect::bssid>{},
        field<NL80211_ATTR_WIPHY_FREQ, &connect::freq>{}, field<NL80211_ATTR_IE, &connect::ies>{},
        field<NL80211_ATTR_PRIVACY, &connect::privacy>{},
        field<NL80211_ATTR_CONTROL_PORT, &connect::control_port>{},
        field<NL80211_ATTR_WPA_VERSIONS, &connect::wpa_versions>{},
        field<NL80211_ATTR_CIPHER_SUITE_GROUP, &connect::group_cipher>{},
        field<NL80211_ATTR_CIPHER_SUITES_PAIRWISE, &connect::pairwise_ciphers>{},
        field<NL80211_ATTR_AKM_SUITES, &connect::akm_suites>{});
    friend bool operator==(const connect&, const connect&) = default;
};
struct disconnect : command<NL80211_CMD_DISCONNECT>, wdev_ref {
    std::uint16_t reason = ieee80211::reason::deauth_leaving;
    static constexpr auto fields =
        with_wdev<disconnect>(field<NL80211_ATTR_REASON_CODE, &disconnect::reason>{});
    friend bool operator==(const disconnect&, const disconnect&) = default;
};
template <std::uint8_t Id>
struct leave_command : command<Id>, wdev_ref {
    mac_address peer;
    std::uint16_t reason = ieee80211::reason::deauth_leaving;
    static constexpr auto fields =
        with_wdev<leave_command>(field<NL80211_ATTR_MAC, &leave_command::peer>{},
                                 field<NL80211_ATTR_REASON_CODE, &leave_command::reason>{});
    friend bool operator==(const leave_command&, const leave_command&) = default;
};
using deauthenticate = leave_command<NL80211_CMD_DEAUTHENTICATE>;
using disassociate = leave_command<NL80211_CMD_DISASSOCIATE>;
struct start_ap : command<NL80211_CMD_START_AP>, wdev_ref, mac::ap_params {
    static constexpr auto fields = with_wdev<start_ap>(
        field<NL80211_ATTR_BEACON_HEAD, &start_ap::head>{},
        field<NL80211_ATTR_BEACON_TAIL, &start_ap::tail>{},
        field<NL80211_ATTR_BEACON_INTERVAL, &start_ap::beacon_int>{},
        field<NL80211_ATTR_DTIM_PERIOD, &start_ap::dtim_period>{},
        field<NL80211_ATTR_SSID, &start_ap::ssid>{},
        field<NL80211_ATTR_HIDDEN_SSID, &start_ap::hidden>{},
        field<NL80211_ATTR_WIPHY_FREQ, &start_ap::freq>{},
        field<NL80211_ATTR_IE_PROBE_RESP, &start_ap::probe_resp_ies>{},
        field<NL80211_ATTR_IE_ASSOC_RESP, &start_ap::assoc_resp_ies>{},
        field<NL80211_ATTR_MAX_AP_ASSOC_STA, &start_ap::max_stations>{},
        field<NL80211_ATTR_PRIVACY, &start_ap::privacy>{},
        field<NL80211_ATTR_CONTROL_PORT, &start_ap::control_port>{},
        field<NL80211_ATTR_WPA_VERSIONS, &start_ap::wpa_versions>{},
        field<NL80211_ATTR_CIPHER_SUITE_GROUP, &start_ap::group_cipher>{},
        field<NL80211_ATTR_CIPHER_SUITES_PAIRWISE, &start_ap::pairwise_ciphers>{},
        field<NL80211_ATTR_AKM_SUITES, &start_ap::akm_suites>{});
    friend bool operator==(const start_ap&, const start_ap&) = default;
};
struct stop_ap : command<NL80211_CMD_STOP_AP>, wdev_ref {
    static constexpr auto fields = with_wdev<stop_ap>();
    friend bool operator==(const stop_ap&, const stop_ap&) = default;
};
struct set_beacon : command<NL80211_CMD_SET_BEACON>, wdev_ref {
    mac::byte_vector head, tail, probe_resp_ies, assoc_resp_ies;
    static constexpr auto fields =
        with_wdev<set_beacon>(field<NL80211_ATTR_BEACON_HEAD, &set_beacon::head>{},
                              field<NL80211_ATTR_BEACON_TAIL, &set_beacon::tail>{},
                              field<NL80211_ATTR_IE_PROBE_RESP, &set_beacon::probe_resp_ies>{},
                              field<NL80211_ATTR_IE_ASSOC_RESP, &set_beacon::assoc_resp_ies>{});
    friend bool operator==(const set_beacon&, const set_beacon&) = default;
};
/// @brief A running AP's channel switch: announced in `count` beacons, then made.
struct channel_switch : command<NL80211_CMD_CHANNEL_SWITCH>, wdev_ref {
    std::uint16_t freq = 0;
    std::uint32_t count = 0;
    bool block_tx = false;  ///< the stations stop sending until the switch
    static constexpr auto fields = with_wdev<channel_switch>(
        field<NL80211_ATTR_WIPHY_FREQ, &channel_switch::freq>{},
        field<NL80211_ATTR_CH_SWITCH_COUNT, &channel_switch::count>{},
        field<NL80211_ATTR_CH_SWITCH_BLOCK_TX, &channel_switch::block_tx>{});
    friend bool operator==(const channel_switch&, const channel_switch&) = default;
};
struct new_station : command<NL80211_CMD_NEW_STATION>, wdev_ref {
    mac_address mac;
    std::uint16_t aid = 0;
    std::uint16_t listen_interval = 0;
    static constexpr auto fields = with_wdev<new_station>(
        field<NL80211_ATTR_MAC, &new_station::mac>{},
        field<NL80211_ATTR_STA_AID, &new_station::aid>{},
        field<NL80211_ATTR_STA_LISTEN_INTERVAL, &new_station::listen_interval>{});
    friend bool operator==(const new_station&, const new_station&) = default;
};
struct del_station : command<NL80211_CMD_DEL_STATION>, wdev_ref {
    std::optional<mac_address> mac;                                 ///< absent: every station
    std::uint16_t reason = ieee80211::reason::prev_auth_not_valid;  ///< nl80211's default
    static constexpr auto fields =
        with_wdev<del_station>(field<NL80211_ATTR_MAC, &del_station::mac>{},
                               field<NL80211_ATTR_REASON_CODE, &del_station::reason>{});
    friend bool operator==(const del_station&, const del_station&) = default;
};
struct get_station : command<NL80211_CMD_GET_STATION>, wdev_ref {
    std::optional<mac_address> mac;  ///< absent: dump every station
    static constexpr auto fields =
        with_wdev<get_station>(field<NL80211_ATTR_MAC, &get_station::mac>{});
    friend bool operator==(const get_station&, const get_station&) = default;
};
struct remain_on_channel : command<NL80211_CMD_REMAIN_ON_CHANNEL>, wdev_ref {
    std::uint16_t freq = 0;
    std::uint32_t duration_ms = 0;
    static constexpr auto fields = with_wdev<remain_on_channel>(
        field<NL80211_ATTR_WIPHY_FREQ, &remain_on_channel::freq>{},
        field<NL80211_ATTR_DURATION, &remain_on_channel::duration_ms>{});
    friend bool operator==(const remain_on_channel&, const remain_on_channel&) = default;
};
struct cancel_remain_on_channel : command<NL80211_CMD_CANCEL_REMAIN_ON_CHANNEL>, wdev_ref {
    std::uint64_t cookie = 0;
    static constexpr auto fields = with_wdev<cancel_remain_on_channel>(
        field<NL80211_ATTR_COOKIE, &cancel_remain_on_channel::cookie>{});
    friend bool operator==(const cancel_remain_on_channel&,
                           const cancel_remain_on_channel&) = default;
};
struct register_frame : command<NL80211_CMD_REGISTER_FRAME>, wdev_ref {
    /// nl80211's default: Action.
    std::uint16_t frame_type = ieee80211::frame_control::make(ieee80211::frame_type::management,
                                                              ieee80211::mgmt_subtype::action)
                                   .raw;
    mac::byte_vector match;
    static constexpr auto fields =
        with_wdev<register_frame>(field<NL80211_ATTR_FRAME_TYPE, &register_frame::frame_type>{},
                                  field<NL80211_ATTR_FRAME_MATCH, &register_frame::match>{});
    friend bool operator==(const register_frame&, const register_frame&) = default;
};
struct mgmt_tx : command<NL80211_CMD_FRAME>, wdev_ref, mac::mgmt_tx_params {
    static constexpr auto fields =
        with_wdev<mgmt_tx>(field<NL80211_ATTR_FRAME, &mgmt_tx::frame>{},
                           field<NL80211_ATTR_WIPHY_FREQ, &mgmt_tx::freq>{},
                           field<NL80211_ATTR_DURATION, &mgmt_tx::wait_ms>{},
                           field<NL80211_ATTR_OFFCHANNEL_TX_OK, &mgmt_tx::offchannel_ok>{},
                           field<NL80211_ATTR_TX_NO_CCK_RATE, &mgmt_tx::no_cck>{},
                           field<NL80211_ATTR_DONT_WAIT_FOR_ACK, &mgmt_tx::dont_wait_for_ack>{});
    friend bool operator==(const mgmt_tx&, const mgmt_tx&) = default;
};
struct frame_wait_cancel : command<NL80211_CMD_FRAME_WAIT_CANCEL>, wdev_ref {
    std::uint64_t cookie = 0;
    static constexpr auto fields =
        with_wdev<frame_wait_cancel>(field<NL80211_ATTR_COOKIE, &frame_wait_cancel::cookie>{});
    friend bool operator==(const frame_wait_cancel&, const frame_wait_cancel&) = default;
};
struct set_channel : command<NL80211_CMD_SET_CHANNEL>, wdev_ref {
    std::uint16_t freq = 0;
    static constexpr auto fields =
        with_wdev<set_channel>(field<NL80211_ATTR_WIPHY_FREQ, &set_channel::freq>{});
    friend bool operator==(const set_channel&, const set_channel&) = default;
};
/// NEW_KEY, SET_KEY and DEL_KEY share the key attributes (the flat form, not KEY nested).
template <std::uint8_t Id>
struct key_command : command<Id>, wdev_ref {
    std::uint8_t index = 0;
    std::optional<mac_address> mac;  ///< pairwise keys
    std::uint32_t cipher = 0;
    mac::byte_vector data, seq;
    bool default_key = false;
    static constexpr auto fields =
        with_wdev<key_command>(field<NL80211_ATTR_KEY_IDX, &key_command::index>{},
                               field<NL80211_ATTR_MAC, &key_command::mac>{},
                               field<NL80211_ATTR_KEY_CIPHER, &key_command::cipher>{},
                               field<NL80211_ATTR_KEY_DATA, &key_command::data>{},
                               field<NL80211_ATTR_KEY_SEQ, &key_command::seq>{},
                               field<NL80211_ATTR_KEY_DEFAULT, &key_command::default_key>{});
    friend bool operator==(const key_command&, const key_command&) = default;
};
/// SET_STATION: the station's flags (the 802.1X port: NL80211_STA_FLAG_AUTHORIZED).
struct set_station : command<NL80211_CMD_SET_STATION>, wdev_ref {
    mac_address mac;
    sta_flag_update flags;
    static constexpr auto fields =
        with_wdev<set_station>(field<NL80211_ATTR_MAC, &set_station::mac>{},
                               field<NL80211_ATTR_STA_FLAGS2, &set_station::flags>{});
    friend bool operator==(const set_station&, const set_station&) = default;
};
/// CONTROL_PORT_FRAME: an EAPOL frame (after its Ethernet header) to `to`.
struct control_port_frame : command<NL80211_CMD_CONTROL_PORT_FRAME>, wdev_ref {
    mac_address to;
    std::uint16_t ethertype = ieee80211::ethertype::eapol;
    mac::byte_vector frame;
    bool no_encrypt = false;
    static constexpr auto fields = with_wdev<control_port_frame>(
        field<NL80211_ATTR_MAC, &control_port_frame::to>{},
        field<NL80211_ATTR_CONTROL_PORT_ETHERTYPE, &control_port_frame::ethertype>{},
        field<NL80211_ATTR_FRAME, &control_port_frame::frame>{},
        field<NL80211_ATTR_CONTROL_PORT_NO_ENCRYPT, &control_port_frame::no_encrypt>{});
    friend bool operator==(const control_port_frame&, const control_port_frame&) = default;
};
using new_key = key_command<NL80211_CMD_NEW_KEY>;
using get_key = key_command<NL80211_CMD_GET_KEY>;
using del_key = key_command<NL80211_CMD_DEL_KEY>;
using set_key = key_command<NL80211_CMD_SET_KEY>;
}  // namespace cmd

}  // namespace softmac::cfg
