// SPDX-License-Identifier: MIT
/// @file Defines the control interface's commands as types: one per request, and ctrl::request.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/p2p/ctrl/detail/grammar.hpp>
#include <softmac/p2p/ctrl/service_command.hpp>
#include <softmac/p2p/ctrl/station_command.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

/// @brief Requests longer than this are dropped unanswered (wpa_supplicant's CTRL_IFACE_MAX_LEN).
inline constexpr std::size_t max_request = 8192;
/// @brief Replies and events stay below this (the 4096-octet buffers of wpa_cli and wpaspy).
inline constexpr std::size_t max_reply = 4095;

/// @brief One type per control command. A command that runs engine operations names them in
/// `runs`: it needs an admin caller when one of them changes the radio's state, as the engine
/// says (engine::changes_radio; see needs_admin in ctrl/interface.hpp). Any other command says
/// so itself in `admin`.
namespace cmd {
struct ping {
    static constexpr bool admin = false;
};
struct attach {
    static constexpr bool admin = false;
};
struct detach {
    static constexpr bool admin = false;
};
struct level {
    static constexpr bool admin = false;
    int value = 3;
};
struct ifname {
    static constexpr bool admin = false;
};
struct interfaces {
    static constexpr bool admin = false;
    bool ctrl = false;  ///< `INTERFACES ctrl`: also print the socket directory
};
struct status {
    static constexpr bool admin = false;
};
/// STATUS-WPS: STATUS with a GO's passphrase.
struct status_wps {
    static constexpr bool admin = true;  ///< reveals the group's secret
};
struct p2p_find {
    static constexpr operation runs[] = {operation::find};
    find_params params;
};
struct p2p_stop_find {
    static constexpr operation runs[] = {operation::stop_find};
};
struct p2p_listen {
    static constexpr operation runs[] = {operation::listen};
    std::uint32_t timeout_s = 0;
};
struct p2p_ext_listen {
    static constexpr operation runs[] = {operation::ext_listen};
    std::uint32_t period_ms = 0, interval_ms = 0;
};
/// CHAN_SWITCH <cs_count> <freq> [sec_channel_offset=] [center_freq1=] [center_freq2=]
/// [bandwidth=] [blocktx] [ht|vht|he] (hostapd_parse_csa_settings).
struct chan_switch {
    static constexpr operation runs[] = {operation::group_add};
    std::uint32_t count = 0;
    std::uint16_t freq = 0;
    int sec_offset = 0;
    unsigned cf1 = 0, cf2 = 0, bandwidth = 0;
    bool block_tx = false, wide = false;  ///< wide: ht, vht or he asked for
};
/// P2P_PRESENCE_REQ [<duration1> <interval1> [<duration2> <interval2>]] (µs).
struct p2p_presence_req {
    static constexpr operation runs[] = {operation::presence};
    std::uint32_t dur1 = 0, int1 = 0, dur2 = 0, int2 = 0;
};
struct p2p_connect {
    static constexpr operation runs[] = {operation::connect, operation::prov_disc};
    mac_address peer;
    connect_params params;
};
struct p2p_prov_disc {
    static constexpr operation runs[] = {operation::prov_disc};
    mac_address peer;
    wps_method method = wps_method::pbc;  ///< what the peer does: display shows, keypad enters
    bool join = false;
    bool auto_join = false;  ///< join if the peer runs a group
};
struct p2p_group_add {
    static constexpr operation runs[] = {operation::group_add};
    std::uint16_t freq = 0;
    bool persistent = false;
    int persistent_id = -1;  ///< a stored group started again
};
/// P2P_INVITE persistent=<id> [peer=] [freq=] [pref=] | group=<ifname> peer= [go_dev_addr=].
struct p2p_invite {
    static constexpr operation runs[] = {operation::invite};
    invite_params params;
};
struct p2p_group_remove {
    static constexpr operation runs[] = {operation::group_remove};
    std::string ifname;
};
struct p2p_get_passphrase {
    static constexpr bool admin = true;  ///< reveals the group's secret
};
struct p2p_reject {
    static constexpr operation runs[] = {operation::reject};
    mac_address peer;
};
/// P2P_CANCEL: ends a pending negotiation or group formation.
struct p2p_cancel {
    static constexpr operation runs[] = {operation::stop_find, operation::group_remove};
};
/// P2P_UNAUTHORIZE <device address>: takes back a P2P_CONNECT's authorisation.
struct p2p_unauthorize {
    static constexpr operation runs[] = {operation::reject};
    mac_address peer;
};
/// P2P_REMOVE_CLIENT <device address> | iface=<interface address>.
struct p2p_remove_client {
    static constexpr operation runs[] = {operation::group_remove};
    mac_address addr;
    bool iface = false;
};
/// P2P_GROUP_MEMBER <device address>, on a GO's group interface.
struct p2p_group_member {
    static constexpr bool admin = false;
    mac_address dev;
};
struct p2p_peer {
    enum class which : std::uint8_t { first, next, addr };
    static constexpr bool admin = false;
    which what = which::first;
    mac_address addr;  ///< next: the entry before; addr: the peer
};
struct p2p_set {
    static constexpr operation runs[] = {operation::configure};
    std::string field, value;
};
struct p2p_flush {
    static constexpr operation runs[] = {operation::flush};
};
struct set {
    static constexpr operation runs[] = {operation::configure};
    std::string name, value;
};
struct get {
    static constexpr bool admin = false;
    std::string name;
};
/// WPS_PIN get | any [<pin>] [<timeout>] | <addr> <pin> [<timeout>]: a GO's registrar PIN.
struct wps_pin {
    static constexpr bool admin = true;  ///< arms the registrar (or reveals a PIN)
    bool get = false;                    ///< only a fresh PIN for the reply
    std::optional<mac_address> addr;     ///< the enrollee; any when empty
    std::string pin;                     ///< generated when empty
    std::uint32_t timeout_s = 0;         ///< 0: no timeout
};
/// WPS_PBC [p2p_dev_addr=<addr>]: the GO's registrar in push-button mode.
struct wps_pbc {
    static constexpr bool admin = true;
    std::optional<mac_address> dev;
};
struct wps_cancel {
    static constexpr bool admin = true;
};
/// WPS_CHECK_PIN <pin>: the PIN without separators when it is valid.
struct wps_check_pin {
    static constexpr bool admin = false;
    std::string pin;
};
/// STA-FIRST, STA-NEXT <addr>, STA <addr>: an AP's or GO's stations; the walk ends in `FAIL`.
struct sta_walk {
    enum class which : std::uint8_t { first, next, addr };
    static constexpr bool admin = false;
    which what = which::first;
    mac_address addr;  ///< next: the station before; addr: the station
};
/// LIST_NETWORKS: the configured networks (stored persistent groups among them).
struct list_networks {
    static constexpr bool admin = false;
};
/// REMOVE_NETWORK <id>|all.
struct remove_network {
    static constexpr bool admin = true;
    int id = -1;  ///< -1: all
};
/// GET_NETWORK <id> <field>: the field as the configuration file writes it (keys hidden).
struct get_network {
    static constexpr bool admin = false;
    int id = 0;
    std::string field;
};
/// SET_NETWORK <id> <field> <value>, the value in the configuration file's syntax.
struct set_network {
    static constexpr bool admin = true;
    int id = 0;
    std::string field, value;
};
/// SUSPEND and RESUME: the host's sleep; nothing of softmac's changes (nl80211 is told nothing).
struct host_sleep {
    static constexpr bool admin = true;
};
/// SAVE_CONFIG: writes the configuration file (update_config=1 only).
struct save_config {
    static constexpr bool admin = true;
};
/// TERMINATE: the process ends.
struct terminate {
    static constexpr bool admin = true;
};
/// LIST_CREDS: a list softmac keeps empty; the reply is the header line.
struct empty_list {
    static constexpr bool admin = false;
    std::string_view header;
};
}  // namespace cmd

using request = std::variant<
    refused, cmd::ping, cmd::attach, cmd::detach, cmd::level, cmd::ifname, cmd::interfaces,
    cmd::status, cmd::status_wps, cmd::p2p_find, cmd::p2p_stop_find, cmd::p2p_listen,
    cmd::p2p_ext_listen, cmd::p2p_presence_req, cmd::chan_switch, cmd::p2p_connect,
    cmd::p2p_prov_disc, cmd::p2p_group_add, cmd::p2p_group_remove, cmd::p2p_get_passphrase,
    cmd::p2p_reject, cmd::p2p_peer, cmd::wps_pin, cmd::wps_pbc, cmd::wps_cancel, cmd::wps_check_pin,
    cmd::p2p_set, cmd::p2p_flush, cmd::set, cmd::get, cmd::sta_walk, cmd::empty_list,
    cmd::p2p_invite, cmd::list_networks, cmd::remove_network, cmd::get_network, cmd::set_network,
    cmd::save_config, cmd::p2p_cancel, cmd::p2p_unauthorize, cmd::p2p_remove_client,
    cmd::p2p_group_member, cmd::scan, cmd::scan_results, cmd::bss, cmd::add_network,
    cmd::network_choice, cmd::connection, cmd::status_driver, cmd::station_setting, cmd::terminate,
    cmd::get_capability, cmd::serv_disc_req, cmd::serv_disc_cancel, cmd::serv_disc_resp,
    cmd::serv_disc_external, cmd::service_change, cmd::dup_network, cmd::network_bssid,
    cmd::host_sleep, cmd::pktcnt_poll, cmd::flush>;

}  // namespace softmac::p2p::ctrl
