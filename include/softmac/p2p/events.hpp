// SPDX-License-Identifier: MIT
/// @file Defines the P2P engine's settings, provisioning methods and the typed events it reports
/// (the fields wpa_supplicant's P2P-* events carry).
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/wps.hpp>
#include <softmac/wps/events.hpp>

namespace softmac::p2p {

/// @brief How a connection is provisioned, from this device's point of view: `display` shows a
/// PIN, `keypad` enters the peer's PIN.
enum class wps_method : std::uint8_t { not_ready, pbc, display, keypad };

constexpr std::string_view to_string(wps_method m) noexcept {
    switch (m) {
        case wps_method::pbc:
            return "PBC";
        case wps_method::display:
            return "Display";
        case wps_method::keypad:
            return "Keypad";
        default:
            return "not-ready";
    }
}
/// @brief The Device Password ID a device with local method `m` sends.
constexpr std::uint16_t password_id_of(wps_method m) noexcept {
    namespace pw = ieee80211::wps::password_id;
    switch (m) {
        case wps_method::pbc:
            return pw::push_button;
        case wps_method::display:
            return pw::registrar_specified;
        case wps_method::keypad:
            return pw::user_specified;
        default:
            return pw::pin_default;
    }
}
/// @brief Whether the peer's Device Password ID pairs with our local method (a GO negotiation's
/// switch in p2p_process_go_neg_req and _resp: the default PIN's ID pairs with none).
constexpr bool compatible(wps_method local, std::uint16_t peer_dpid) noexcept {
    namespace pw = ieee80211::wps::password_id;
    switch (local) {
        case wps_method::pbc:
            return peer_dpid == pw::push_button;
        case wps_method::display:
            return peer_dpid == pw::user_specified;
        case wps_method::keypad:
            return peer_dpid == pw::registrar_specified;
        default:
            return false;
    }
}

/// @brief What `P2P_SET` / `SET` may change.
struct settings {
    std::string device_name = "softmac";
    ieee80211::wps::device_type primary_type{1, 0x0050f204, 1};  ///< 1-0050F204-1 (PC)
    std::vector<ieee80211::wps::device_type> secondary_types;
    /// The WPS identity a probe response carries (wpa_supplicant's manufacturer, model_name,
    /// model_number and serial_number settings).
    std::string manufacturer = "softmac", model_name = "softmac", model_number = "1", serial_number;
    std::uint16_t config_methods = ieee80211::wps::config_method::display |
                                   ieee80211::wps::config_method::push_button |
                                   ieee80211::wps::config_method::keypad;
    std::uint8_t listen_channel = 0;  ///< 0: a random social channel at start
    std::uint8_t oper_channel = 0;    ///< 0: a random social channel at start
    std::string ssid_postfix;
    std::uint8_t passphrase_len = 8;  ///< 8..63
    std::uint8_t go_intent = 7;
    bool disabled = false;
    std::uint8_t min_disc_int = 1, max_disc_int = 3;  ///< listen = rand(min..max) x 100 TU
    std::uint32_t group_idle_s = 0;                   ///< GO idle timeout; 0 = off
    bool persistent_reconnect = false;  ///< accept re-invocations of stored groups unasked
    /// The device capability (p2p_init's): client discoverability is said only where it means
    /// something, in a client's association request and so in its GO's Group Info.
    std::uint8_t dev_capab = ieee80211::p2p::dev_capab::service_discovery |
                             ieee80211::p2p::dev_capab::client_discoverability |
                             ieee80211::p2p::dev_capab::concurrent_oper |
                             ieee80211::p2p::dev_capab::invitation_procedure;
    /// P2P_SET peer_filter: scans teach only this device (p2p_add_device); zero: every one.
    mac_address peer_filter;
    /// p2p_pref_chan's operating class and channel pairs: the first, when the radio has it,
    /// is the operating-channel preference (p2p_prepare_channel_best).
    std::vector<std::pair<std::uint8_t, std::uint8_t>> pref_chan;
    /// p2p_no_go_freq's ranges (MHz): this device is never GO there.
    std::vector<std::pair<std::uint16_t, std::uint16_t>> no_go_freq;
    /// The globals wpa_supplicant keeps for radios and interfaces softmac's do not have:
    /// several channels at once (p2p_ignore_shared_freq, p2p_add_cli_chan), a group on the
    /// station interface (p2p_no_group_iface), random group addresses and GO inactivity polling.
    int go_max_inactivity_s = 300, no_group_iface = 0, interface_random_mac_addr = 0;
    int ignore_shared_freq = 0, add_cli_chan = 0;
    /// The IPv4 addresses a GO hands its clients in the 4-way handshake (ip_addr_go,
    /// ip_addr_mask, ip_addr_start, ip_addr_end): with ip_addr_start set a new GO advertises IP
    /// address allocation and gives ip_addr_start..ip_addr_end away, lowest free first.
    ieee80211::ipv4_address ip_addr_go{}, ip_addr_mask{}, ip_addr_start{}, ip_addr_end{};
    /// P2P_SET disable_ip_addr_req: a client never asks its GO for an IPv4 address.
    bool disable_ip_addr_req = false;

    friend bool operator==(const settings&, const settings&) = default;
};

/// @brief A peer as the events print it.
struct peer_info {
    mac_address addr;  ///< source of the frame that reported it
    mac_address dev_addr;
    ieee80211::wps::device_type primary_type;
    std::string name;
    std::uint16_t config_methods = 0;
    std::uint8_t dev_capab = 0, group_capab = 0;
    /// From its WPS element, when a frame carried one.
    std::string manufacturer, model_name, model_number, serial_number;
    std::vector<ieee80211::wps::device_type> secondary_types;
    friend bool operator==(const peer_info&, const peer_info&) = default;
};

namespace event {
struct device_found {
    peer_info peer;
    bool is_new = true;
};
struct device_lost {
    mac_address dev_addr;
};
struct find_stopped {};
struct go_neg_request {
    mac_address peer;
    std::uint16_t dev_passwd_id = 0;
    std::uint8_t go_intent = 0;
};
struct go_neg_success {
    bool go = false;
    std::uint16_t freq = 0;
    mac_address peer_dev, peer_iface;
    wps_method method = wps_method::not_ready;
    std::string ssid;
    std::string passphrase;                ///< a GO's: the group's (p2p_go_neg_results)
    std::vector<std::uint16_t> freq_list;  ///< the channels both sides may use (MHz)
    bool persistent = false;               ///< the group is to be persistent
    /// The peer's Configuration Timeout for the role it takes, in units of 10 ms: its client
    /// timeout when we are GO, else its GO timeout (p2p_go_complete's peer_config_timeout).
    std::uint8_t peer_config_timeout = 0;
};
struct go_neg_failure {
    /// The negotiation ended without a status from the peer (no answer, flushed).
    static constexpr int no_status = -1;
    int status = no_status;  ///< a P2P status code (ieee80211::p2p::status), or no_status
    mac_address peer;        ///< the peer's device address
};
struct group_formation_success {};
struct group_formation_failure {};
struct group_started {
    std::string ifname;
    bool go = false;
    std::string ssid;
    std::uint16_t freq = 0;
    std::string passphrase;  ///< a GO's
    mac_address go_dev_addr;
    std::string psk;  ///< a client's: the 64 hex digits WPS gave it
    bool persistent = false;
    /// A client's IPv4 address, subnet mask and its GO's IPv4 address, when the GO allocated
    /// them in the 4-way handshake (ip_addr= ip_mask= go_ip_addr=).
    std::optional<ieee80211::ip_allocation> ip_allocation{};
};
struct group_removed {
    std::string ifname;
    bool go = false;
    std::string reason;  ///< REQUESTED, FORMATION_FAILED, IDLE, GO_ENDING_SESSION, ...
};
struct prov_disc_show_pin {
    peer_info peer;
    std::string pin;
    bool requester = false;  ///< we asked (the peer will enter the PIN)
    std::string group;       ///< a request's: the interface of our GO group it joins, if any
    /// An answer to P2P_PROV_DISC auto: whether the peer runs the group we join (peer_go=1),
    /// else a negotiation follows (peer_go=0); none for any other request of ours.
    std::optional<bool> peer_go{};
};
struct prov_disc_enter_pin {
    peer_info peer;
    bool requester = false;
    std::string group;              ///< a request's: the interface of our GO group it joins, if any
    std::optional<bool> peer_go{};  ///< as prov_disc_show_pin's
};
struct prov_disc_pbc_req {
    peer_info peer;
    std::string group;  ///< the interface of our GO group the request joins, if any
};
struct prov_disc_pbc_resp {
    mac_address peer;
    std::optional<bool> peer_go{};  ///< as prov_disc_show_pin's
};
/// @brief P2P-PROV-DISC-FAILURE status values (enum p2p_prov_disc_status).
namespace prov_disc_status {
inline constexpr int timeout = 1, rejected = 2, timeout_join = 3, info_unavailable = 4;
}
struct prov_disc_failure {
    mac_address peer;
    int status = prov_disc_status::timeout;  ///< a prov_disc_status value
};
struct ap_sta_connected {
    mac_address addr;  ///< the client's interface address
    mac_address dev_addr;
    std::string ifname;  ///< the GO's group interface
    /// The IPv4 address the GO gave the client in the 4-way handshake (ip_addr=).
    std::optional<ieee80211::ipv4_address> ip_addr{};
};
struct ap_sta_disconnected {
    mac_address addr;
    mac_address dev_addr;
    std::string ifname;
};
/// @brief A GO's 4-way handshake with a station completed (EAPOL-4WAY-HS-COMPLETED).
struct eapol_4way_completed {
    mac_address addr;    ///< the station's interface address
    std::string ifname;  ///< the GO's group interface
};
/// @brief A station's message 2/4 failed its MIC at the GO (AP-STA-POSSIBLE-PSK-MISMATCH).
struct possible_psk_mismatch {
    mac_address addr;
    std::string ifname;
};
/// @brief A client's group interface completed its connection to the GO, or the station
/// interface its connection to network `id` (CTRL-EVENT-CONNECTED).
struct connected {
    mac_address bssid;
    std::string ifname;
    int id = 0;
    std::string id_str;
};
/// @brief A client's group interface lost its GO (CTRL-EVENT-DISCONNECTED).
struct disconnected {
    mac_address bssid;
    std::uint16_t reason = 0;
    bool locally_generated = false;
    std::string ifname;
};
/// @brief What WPS reported on a group interface (WPS-*, CTRL-EVENT-EAP-*).
struct wps_event {
    std::string ifname;
    softmac::wps::event what;
};
/// @brief An Invitation Request answered: P2P-INVITATION-RECEIVED (the user decides) or, when
/// accepted unasked, P2P-INVITATION-ACCEPTED.
struct invitation_received {
    bool accepted = false;
    mac_address sa;
    int persistent_id = -1;  ///< the stored group it re-invokes; -1: an active group
    std::uint16_t freq = 0;  ///< persistent, we would be GO: our operating frequency
    mac_address go_dev;      ///< active group: its GO
    mac_address bssid;       ///< active group: its BSSID when the request named it
};
/// @brief The answer to our Invitation Request (P2P-INVITATION-RESULT); status -1: none came.
struct invitation_result {
    int status = -1;
    mac_address bssid;  ///< the group's BSSID when the invitee will be its GO
};
/// @brief A stored persistent group was added, changed or removed (the configuration file
/// follows it; wpa_supplicant's D-Bus PersistentGroupAdded / Removed).
struct persistent_group_changed {
    enum class change : std::uint8_t { added, updated, removed };
    int id = 0;
    change what = change::added;
};
/// @brief P2P_CONNECT … auto negotiates instead of joining (P2P-FALLBACK-TO-GO-NEG): the peer
/// runs no group (reason=peer-not-running-GO), or it did not answer or refused the provision
/// discovery sent before the join (reason=PD-failed, reason=no-ACK-to-PD-Req).
struct fallback_to_go_neg {
    enum why : std::uint8_t { peer_not_running_go, pd_failed, no_ack };
    mac_address peer;
    why reason = peer_not_running_go;
};
/// @brief The station interface's scans: CTRL-EVENT-SCAN-STARTED, -SCAN-RESULTS, -SCAN-FAILED
/// (the radio refused it; it is tried again) and -NETWORK-NOT-FOUND (no enabled network in the
/// results).
struct scan_event {
    enum class kind : std::uint8_t { started, results, failed, network_not_found };
    kind what = kind::started;
    std::string ifname;
    unsigned id = 0;  ///< SCAN use_id=1: the scan's id (0: none)
};
/// @brief A BSS entered or left the station interface's list (CTRL-EVENT-BSS-ADDED/-REMOVED).
struct bss_event {
    bool added = true;
    unsigned id = 0;
    mac_address bssid;
    std::string ifname;
};
/// @brief A step of the station interface's association: "Trying to associate with ...",
/// "Associated with ...", CTRL-EVENT-SUBNET-STATUS-UPDATE, "WPA: Key negotiation completed
/// with ...", for a mode=2 network AP-ENABLED, and the failures: a rejection, a wrong key and
/// the network's rest after it.
struct association {
    enum class step : std::uint8_t {
        trying,
        associated,
        subnet_status,
        key_negotiated,
        ap_enabled,
        rejected,       ///< CTRL-EVENT-ASSOC-REJECT bssid= status_code= [timeout]
        wrong_key,      ///< "WPA: 4-Way Handshake failed - pre-shared key may be incorrect"
        temp_disabled,  ///< CTRL-EVENT-SSID-TEMP-DISABLED ... reason=WRONG_KEY
        reenabled,      ///< CTRL-EVENT-SSID-REENABLED
    };
    step what = step::trying;
    mac_address bssid;
    std::string ssid;
    std::uint16_t freq = 0;
    std::string ifname;
    int id = -1;               ///< the network (temp_disabled, reenabled)
    std::uint16_t status = 0;  ///< rejected: the status code
    bool timed_out = false;    ///< rejected: no answer came
    unsigned failures = 0;     ///< temp_disabled: auth_failures
    unsigned duration_s = 0;   ///< temp_disabled: how long
};
/// @brief A peer's service discovery query (P2P-SERV-DISC-REQ): the frequency it came on, its
/// dialog token, the peer's Service Update Indicator and the Service Request TLVs.
struct serv_disc_req {
    std::uint16_t freq = 0;
    mac_address sa;
    std::uint8_t token = 0;
    std::uint16_t update_indicator = 0;
    std::vector<std::uint8_t> tlvs;
};
/// @brief A peer's answer to a query of ours, reassembled (P2P-SERV-DISC-RESP).
struct serv_disc_resp {
    mac_address sa;
    std::uint16_t update_indicator = 0;
    std::vector<std::uint8_t> tlvs;
};
/// @brief Our GO answered our Presence Request (P2P-PRESENCE-RESPONSE): its status and the
/// body of the NoA attribute it sent.
struct presence_response {
    std::string ifname;  ///< the client's group interface
    mac_address src;
    std::uint8_t status = 0;
    std::vector<std::uint8_t> noa;
};
/// @brief A group's channel switch started or finished (CTRL-EVENT-STARTED-CHANNEL-SWITCH,
/// CTRL-EVENT-CHANNEL-SWITCH): a GO announcing it, a client following its GO.
struct channel_switch {
    std::string ifname;
    std::uint16_t freq = 0;
    bool finished = false;
    /// hostapd's line for a GO (with dfs=), which follows wpa_supplicant's when a switch ends.
    bool ap = false;
};
/// @brief A GO's announced switch is done (AP-CSA-FINISHED).
struct ap_csa_finished {
    std::string ifname;
    std::uint16_t freq = 0;
};
using any =
    std::variant<device_found, device_lost, find_stopped, go_neg_request, go_neg_success,
                 go_neg_failure, group_formation_success, group_formation_failure, group_started,
                 group_removed, prov_disc_show_pin, prov_disc_enter_pin, prov_disc_pbc_req,
                 prov_disc_pbc_resp, prov_disc_failure, ap_sta_connected, ap_sta_disconnected,
                 eapol_4way_completed, possible_psk_mismatch, connected, disconnected, wps_event,
                 invitation_received, invitation_result, persistent_group_changed,
                 fallback_to_go_neg, scan_event, bss_event, association, serv_disc_req,
                 serv_disc_resp, presence_response, channel_switch, ap_csa_finished>;
}  // namespace event

/// @brief A sink takes every event type (chosen at compile time; no virtual call).
template <class S>
concept event_sink = []<class... E>(std::type_identity<std::variant<E...>>) {
    return (std::invocable<S&, const E&> && ...);
}(std::type_identity<event::any>{});

/// @brief Checks that S takes every event type, one assertion per type, so that the failing one
/// names the event S misses. True when it compiles.
template <class S>
constexpr bool check_event_sink() noexcept {
    using namespace event;
    static_assert(std::variant_size_v<any> == 34,
                  "softmac: check_event_sink must name every p2p::event type");
    static_assert(std::invocable<S&, const channel_switch&>,
                  "softmac: the P2P event sink must take const p2p::event::channel_switch&");
    static_assert(std::invocable<S&, const ap_csa_finished&>,
                  "softmac: the P2P event sink must take const p2p::event::ap_csa_finished&");
    static_assert(std::invocable<S&, const presence_response&>,
                  "softmac: the P2P event sink must take const p2p::event::presence_response&");
    static_assert(std::invocable<S&, const device_found&>,
                  "softmac: the P2P event sink must take const p2p::event::device_found&");
    static_assert(std::invocable<S&, const device_lost&>,
                  "softmac: the P2P event sink must take const p2p::event::device_lost&");
    static_assert(std::invocable<S&, const find_stopped&>,
                  "softmac: the P2P event sink must take const p2p::event::find_stopped&");
    static_assert(std::invocable<S&, const go_neg_request&>,
                  "softmac: the P2P event sink must take const p2p::event::go_neg_request&");
    static_assert(std::invocable<S&, const go_neg_success&>,
                  "softmac: the P2P event sink must take const p2p::event::go_neg_success&");
    static_assert(std::invocable<S&, const go_neg_failure&>,
                  "softmac: the P2P event sink must take const p2p::event::go_neg_failure&");
    static_assert(
        std::invocable<S&, const group_formation_success&>,
        "softmac: the P2P event sink must take const p2p::event::group_formation_success&");
    static_assert(
        std::invocable<S&, const group_formation_failure&>,
        "softmac: the P2P event sink must take const p2p::event::group_formation_failure&");
    static_assert(std::invocable<S&, const group_started&>,
                  "softmac: the P2P event sink must take const p2p::event::group_started&");
    static_assert(std::invocable<S&, const group_removed&>,
                  "softmac: the P2P event sink must take const p2p::event::group_removed&");
    static_assert(std::invocable<S&, const prov_disc_show_pin&>,
                  "softmac: the P2P event sink must take const p2p::event::prov_disc_show_pin&");
    static_assert(std::invocable<S&, const prov_disc_enter_pin&>,
                  "softmac: the P2P event sink must take const p2p::event::prov_disc_enter_pin&");
    static_assert(std::invocable<S&, const prov_disc_pbc_req&>,
                  "softmac: the P2P event sink must take const p2p::event::prov_disc_pbc_req&");
    static_assert(std::invocable<S&, const prov_disc_pbc_resp&>,
                  "softmac: the P2P event sink must take const p2p::event::prov_disc_pbc_resp&");
    static_assert(std::invocable<S&, const prov_disc_failure&>,
                  "softmac: the P2P event sink must take const p2p::event::prov_disc_failure&");
    static_assert(std::invocable<S&, const ap_sta_connected&>,
                  "softmac: the P2P event sink must take const p2p::event::ap_sta_connected&");
    static_assert(std::invocable<S&, const ap_sta_disconnected&>,
                  "softmac: the P2P event sink must take const p2p::event::ap_sta_disconnected&");
    static_assert(std::invocable<S&, const eapol_4way_completed&>,
                  "softmac: the P2P event sink must take const p2p::event::eapol_4way_completed&");
    static_assert(std::invocable<S&, const possible_psk_mismatch&>,
                  "softmac: the P2P event sink must take const p2p::event::possible_psk_mismatch&");
    static_assert(std::invocable<S&, const connected&>,
                  "softmac: the P2P event sink must take const p2p::event::connected&");
    static_assert(std::invocable<S&, const disconnected&>,
                  "softmac: the P2P event sink must take const p2p::event::disconnected&");
    static_assert(std::invocable<S&, const wps_event&>,
                  "softmac: the P2P event sink must take const p2p::event::wps_event&");
    static_assert(std::invocable<S&, const invitation_received&>,
                  "softmac: the P2P event sink must take const p2p::event::invitation_received&");
    static_assert(std::invocable<S&, const invitation_result&>,
                  "softmac: the P2P event sink must take const p2p::event::invitation_result&");
    static_assert(
        std::invocable<S&, const persistent_group_changed&>,
        "softmac: the P2P event sink must take const p2p::event::persistent_group_changed&");
    static_assert(std::invocable<S&, const fallback_to_go_neg&>,
                  "softmac: the P2P event sink must take const p2p::event::fallback_to_go_neg&");
    static_assert(std::invocable<S&, const scan_event&>,
                  "softmac: the P2P event sink must take const p2p::event::scan_event&");
    static_assert(std::invocable<S&, const bss_event&>,
                  "softmac: the P2P event sink must take const p2p::event::bss_event&");
    static_assert(std::invocable<S&, const association&>,
                  "softmac: the P2P event sink must take const p2p::event::association&");
    static_assert(std::invocable<S&, const serv_disc_req&>,
                  "softmac: the P2P event sink must take const p2p::event::serv_disc_req&");
    static_assert(std::invocable<S&, const serv_disc_resp&>,
                  "softmac: the P2P event sink must take const p2p::event::serv_disc_resp&");
    return true;
}

}  // namespace softmac::p2p
