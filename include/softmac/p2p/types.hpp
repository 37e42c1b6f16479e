// SPDX-License-Identifier: MIT
/// @file Defines what the P2P engine's procedures share: its states, the parameters of find and
/// connect, a group, the operations the engine offers, and wpa_supplicant 2.10's timing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/cfg/replies.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/ieee80211/wps.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/peer_table.hpp>

namespace softmac::p2p {

/// @brief Engine states (p2p_state_txt).
enum class state : std::uint8_t {
    idle,
    search,
    connect,
    connect_listen,
    go_neg,
    listen_only,
    wait_peer_connect,
    wait_peer_idle,
    provisioning,
    invite,
    invite_listen,
    sd_during_find
};
constexpr std::string_view to_string(state s) noexcept {
    constexpr std::string_view names[] = {
        "IDLE",         "SEARCH",      "CONNECT",           "CONNECT_LISTEN",
        "GO_NEG",       "LISTEN_ONLY", "WAIT_PEER_CONNECT", "WAIT_PEER_IDLE",
        "PROVISIONING", "INVITE",      "INVITE_LISTEN",     "SD_DURING_FIND"};
    return names[static_cast<std::size_t>(s)];
}
/// @brief Whether a GO negotiation owns the radio in state `s`.
constexpr bool negotiating(state s) noexcept {
    return s == state::connect || s == state::connect_listen || s == state::go_neg ||
           s == state::wait_peer_connect || s == state::wait_peer_idle;
}

enum class find_type : std::uint8_t { start_with_full, social, progressive };

struct find_params {
    std::uint32_t timeout_s = 0;  ///< 0: until stopped
    find_type type = find_type::start_with_full;
    std::optional<mac_address> dev_id;
    std::optional<ieee80211::wps::device_type> dev_type;
    std::uint32_t delay_ms = 0;  ///< search delay after each listen period
    std::uint16_t freq = 0;      ///< also scan this channel
};

struct connect_params {
    wps_method method = wps_method::pbc;
    std::string pin;  ///< display: the PIN we show (generated when empty)
    std::optional<std::uint8_t> go_intent;
    std::uint16_t freq = 0;   ///< forced operating frequency
    bool join = false;        ///< join the peer's running group
    bool auto_join = false;   ///< join if the peer runs a group, else negotiate
    bool auth = false;        ///< only authorise the peer's negotiation
    bool persistent = false;  ///< the group is to be persistent (stored when it starts)
    int persistent_id = -1;   ///< re-use this stored group's SSID and passphrase if we are GO
    bool provdisc = false;    ///< a negotiation asks the peer by provision discovery first
};

/// @brief What our WPS method asks of the peer: a PIN we show is entered there, one it shows is
/// entered here, a push button is pushed there too (wpas_p2p_scan_res_join).
constexpr wps_method asked_of_peer(wps_method ours) noexcept {
    return ours == wps_method::display  ? wps_method::keypad
           : ours == wps_method::keypad ? wps_method::display
                                        : wps_method::pbc;
}

/// @brief What follows a provision discovery request: its events (P2P_PROV_DISC); a join, which
/// takes its end instead of events (wpas_p2p_scan_res_join's request); a join that negotiates
/// instead when the request fails (P2P_CONNECT … auto); a negotiation, which starts once the
/// peer answered (P2P_CONNECT … provdisc: p2p_connect_send's P2P_DEV_PD_BEFORE_GO_NEG).
enum class after_pd : std::uint8_t { events, join, join_or_negotiate, negotiation };

/// @brief How the provision discovery a join sends its GO first ended (wpas_prov_disc_resp,
/// wpas_prov_disc_fail, wpas_p2p_send_action_tx_status).
enum class join_pd : std::uint8_t { answered, timed_out, rejected, not_acked };

/// @brief What P2P_INVITE asks for: the peer invited to a running group (`group`), or a stored
/// persistent group re-invoked (`persistent_id`).
struct invite_params {
    mac_address peer;        ///< none: the stored group's GO (a client re-invoking)
    std::string group;       ///< a running group's interface
    mac_address go_dev;      ///< the running group's GO, when we are its client
    int persistent_id = -1;  ///< a stored persistent group
    std::uint16_t freq = 0;  ///< forced operating frequency
    std::uint16_t pref = 0;  ///< preferred operating frequency
};

/// @brief A persistent group this device stored (a network block with disabled=2): the group's
/// SSID and secret, our role in it, the GO's device address and, as GO, the clients' device
/// addresses (p2p_client_list, most recent last).
struct persistent_group {
    int id = 0;
    bool go = false;
    std::string ssid;
    mac_address go_dev;      ///< the network block's bssid
    std::string passphrase;  ///< a GO's passphrase, or a client's PSK (64 hex digits)
    std::vector<mac_address> clients;
    friend bool operator==(const persistent_group&, const persistent_group&) = default;
};

/// @brief Timing and limits from wpa_supplicant 2.10.
namespace limits {
using namespace std::chrono_literals;
inline constexpr unsigned go_neg_max_tries = 120, pd_max_tries = 120;
inline constexpr duration wait_after_ack = 500ms, wait_after_nack = 100ms;
inline constexpr duration confirm_wait = 500ms, confirm_settle = 20ms;
inline constexpr duration peer_ready_wait = 120s, cleanup_period = 10s;
inline constexpr duration formation_timeout = 15s, join_formation_timeout = 60s;
inline constexpr duration client_idle = 10s;
/// After WPS: the client's data connection (P2P_MAX_INITIAL_CONN_WAIT) and the GO's first
/// client's (P2P_MAX_INITIAL_CONN_WAIT_GO); after a WPS failure the formation ends this soon.
inline constexpr duration initial_connection_wait = 10s, initial_connection_wait_go = 10s,
                          formation_failed_shortcut = 50ms;
inline constexpr std::uint32_t go_neg_req_wait_ms = 500, go_neg_resp_wait_ms = 100,
                               go_neg_conf_wait_ms = 50, pd_req_wait_ms = 200, pd_resp_wait_ms = 50;
/// A listen-only period (P2P_LISTEN) lasts at most this long before the next one starts.
inline constexpr std::uint32_t listen_only_ms = 1000;
/// A search is retried after this when its scan could not start.
inline constexpr duration scan_retry = 100ms;
/// A device waiting for its peer pauses this long between listen periods.
inline constexpr duration peer_idle_pause = 200ms;
/// A client retries its association this often until formation times out.
inline constexpr duration client_rejoin = 100ms;
/// Provision discovery resends after an acknowledged / unacknowledged request.
inline constexpr duration pd_retry_after_ack = 200ms, pd_retry_after_nack = 300ms;
/// Invitation: at most this many requests (p2p_invite's MAX_INVITE_REQS in p2p_invitation.c's
/// p2p_invitation_req_cb retries), each waiting this long for the response.
inline constexpr unsigned invite_max_tries = 100;
inline constexpr std::uint32_t invite_req_wait_ms = 500, invite_resp_wait_ms = 50;
/// A GO keeps at most this many client device addresses in a persistent group's
/// p2p_client_list (P2P_MAX_STORED_CLIENTS).
inline constexpr std::size_t max_stored_clients = 100;
}  // namespace limits

/// @brief A group this device is in.
struct group {
    std::string ifname;
    bool go = false;
    cfg::wdev_ref ref;
    std::string ssid, passphrase;
    std::uint16_t freq = 0;
    mac_address go_dev, iface_addr;
    mac_address peer_iface;  ///< the negotiated peer's interface address (a client: the BSSID)
    mac_address peer_dev;
    bool forming = false, started = false;
    /// WPS, or the first data connection after it, still to come (p2p_in_provisioning): a GO's
    /// first client or a client's own 4-way handshake ends it.
    bool provisioning = false;
    wps_method method = wps_method::not_ready;  ///< how a forming group provisions
    std::string pin;                            ///< the PIN of a PIN method
    std::string psk;          ///< a client's PSK (64 hex digits) from WPS; empty until provisioned
    bool persistent = false;  ///< stored as a persistent group once it starts
    int persistent_id = -1;   ///< the stored group it is, once known
    /// A GO's P2P element advertises IP address allocation (ip_addr_start was set when it
    /// started).
    bool ip_addr_alloc = false;
    std::vector<std::pair<mac_address, mac_address>> clients;     ///< interface, device address
    std::vector<std::pair<mac_address, mac_address>> associated;  ///< not connected yet
    /// A GO's stations' devices as their association requests described them (the Group
    /// Info of its probe responses lists the clients' with them).
    std::vector<peer_info> member_info;
    /// A GO's power save as its beacons announce it (index, CTWindow/OppPS, absences).
    ieee80211::p2p::notice_of_absence noa{};
    timer_id timer = 0;  ///< formation or idle
};

/// @brief What a new group is: our role, its channel and SSID, the peer it forms with (a
/// negotiated peer, or the GO a client joins) and how it is provisioned.
struct group_setup {
    bool go = false;
    std::uint16_t freq = 0;  ///< the operating channel (MHz)
    std::string ssid;
    mac_address peer_dev, peer_iface, go_dev;
    wps_method method = wps_method::not_ready;
    std::string pin;
    /// Formed with a peer: the group has until the formation timeout to start (a GO only lets
    /// that peer associate meanwhile).
    bool forming = false;
    bool persistent = false;  ///< stored when it starts
    /// A stored persistent group started again: its SSID and passphrase (GO) or PSK (client,
    /// which then joins without WPS).
    int persistent_id = -1;
    std::string passphrase;  ///< a GO's, chosen when the negotiation succeeded (empty: choose it)
    /// How long it has to form: 15 s, for a negotiated group and the peer's Configuration
    /// Timeout (wpas_go_neg_completed); a join 60 s, as its GO may not have authorised it yet
    /// (wpas_p2p_join_start).
    duration formation = limits::formation_timeout;
};

/// @brief What an action frame sent through the engine was, so its TX status reaches the
/// procedure that sent it.
enum class tx_kind : std::uint8_t {
    other,
    go_neg_req,
    go_neg_resp,
    go_neg_conf,
    pd_req,
    inv_req,
    sd_req,
    dev_disc_req
};

/// @brief The engine's public operations, as the control interface names them to ask whether
/// one changes the radio's state (engine::changes_radio).
enum class operation : std::uint8_t {
    find,
    stop_find,
    listen,
    ext_listen,
    connect,
    prov_disc,
    group_add,
    group_remove,
    reject,
    invite,
    flush,
    configure,          ///< settings (P2P_SET disabled 1 flushes)
    station,            ///< the station interface's scans and connections
    service_discovery,  ///< queries, answers and the local services
    presence,           ///< P2P_PRESENCE_REQ
};

/// @brief A configured network as the station interface reads it (the fields of wpa_supplicant's
/// struct wpa_ssid that softmac uses). Persistent groups (disabled=2) are not among them.
struct station_network {
    int id = 0;
    std::string ssid;
    std::optional<mac_address> bssid;
    bool psk = false;        ///< key_mgmt=WPA-PSK (else NONE)
    std::string passphrase;  ///< 8 to 63 characters, or the PSK as 64 hex digits
    bool ap = false;         ///< mode=2: the interface runs the network as its AP
    std::uint16_t freq = 0;  ///< mode=2: the AP's frequency (0: 2412 MHz)
    bool enabled = false;    ///< disabled=0
    int priority = 0;
    std::string id_str;
    friend bool operator==(const station_network&, const station_network&) = default;
};

/// @brief The station interface's states (wpa_supplicant_state_txt).
enum class wpa_state : std::uint8_t {
    disconnected,
    inactive,
    scanning,
    associating,
    associated,
    four_way_handshake,
    completed
};
constexpr std::string_view to_string(wpa_state s) noexcept {
    constexpr std::string_view names[] = {"DISCONNECTED", "INACTIVE",   "SCANNING",
                                          "ASSOCIATING",  "ASSOCIATED", "4WAY_HANDSHAKE",
                                          "COMPLETED"};
    return names[static_cast<std::size_t>(s)];
}

/// @brief One BSS the station interface's scans found (wpa_supplicant's struct wpa_bss): its id
/// stays while the BSS stays in the results.
struct bss_entry {
    unsigned id = 0;
    cfg::reply::bss_info info;
    std::string ssid;
    time_point seen{};
};

/// @brief The config-layer commands a procedure issues. A procedure's context refuses, at compile
/// time, a command its list does not name, so the lists stay true; the engine derives from them
/// whether an operation changes the radio's state (issues admin-flagged commands).
template <class... C>
struct issues {
    template <class X>
    static constexpr bool has = (std::is_same_v<X, C> || ...);
    static constexpr bool admin = (((C::spec.flags & cfg::nl80211::flag::admin) != 0) || ...);
};

namespace detail {
/// @brief Runs an RSN link's config-layer commands on one interface through a procedure's
/// context (the links of groups and of the station interface).
template <class Ctx>
struct link_runner {
    Ctx ctx;
    cfg::wdev_ref ref;
    template <class C>
    auto run(C c) {
        static_cast<cfg::wdev_ref&>(c) = ref;
        return ctx.exec(c);
    }
    auto& time() { return ctx.time(); }
};
/// @brief What every procedure reads and updates (the shared part of hostap's struct p2p_data):
/// the settings, the P2P device's interface and address, the wiphy's facts, channels, the
/// engine's state, the peers and the random generator.
struct device_state {
    settings set;
    /// How many times `set` was handed out for writing (engine::settings()): what is built from
    /// the settings and kept compares them again only when this moved on.
    std::uint64_t set_writes = 0;
    std::string ifname;  ///< the interface the device was created for (wlan0)
    std::mt19937_64 rng;
    cfg::reply::wiphy wiphy;     ///< queried from the config layer at start
    cfg::wdev_ref wdev;          ///< the P2P device's interface
    mac_address addr;            ///< the P2P device address
    bool dedicated = true;       ///< a P2P device interface of its own (else the group shares it)
    std::uint8_t listen_ch = 6;  ///< the listen channel (operating class 81)
    std::uint16_t oper_freq = 2437;                ///< a social channel picked at start
    ieee80211::p2p::ext_listen_timing ext_listen;  ///< P2P_EXT_LISTEN's (0, 0: off)
    /// This radio's P2P channels (MHz), in channel-list order: 2.4 GHz channels 1 to 11, then
    /// those of the 5 GHz classes 115, 124 and 125.
    std::vector<std::uint16_t> channels;
    state current = state::idle;
    peer_table peers;
    std::vector<persistent_group> persistent;  ///< stored persistent groups, by id
    int next_network_id = 0;    ///< the id the next stored group gets (network blocks share ids)
    std::uint16_t rx_freq = 0;  ///< where the frame being handled was received

    /// @brief Whether the radio has 2.4 GHz channel `ch`.
    bool has_channel(std::uint8_t ch) const noexcept {
        return wiphy.bands.has(freq_of_channel(ch));
    }
    /// @brief Whether peer `dev` was last seen running a group as its GO (a scan result
    /// carried its group).
    bool peer_runs_group(const mac_address& dev) const {
        const auto* p = peers.find(dev);
        return p && !p->go_ssid.empty();
    }
    /// @brief Whether `freq` is one of this radio's P2P channels.
    bool usable_freq(std::uint16_t freq) const noexcept { return contains(channels, freq); }
    /// @brief Whether this device may be GO on `freq` (not in p2p_no_go_freq).
    bool go_allowed(std::uint16_t freq) const noexcept {
        return std::none_of(set.no_go_freq.begin(), set.no_go_freq.end(),
                            [&](const auto& r) { return freq >= r.first && freq <= r.second; });
    }
    /// @brief p2p_pref_chan's entries this radio has, in order (MHz).
    std::vector<std::uint16_t> pref_freqs() const {
        std::vector<std::uint16_t> out;
        for (const auto& [oc, ch] : set.pref_chan)
            if (const auto f = freq_of(oc, ch); f && usable_freq(f)) out.push_back(f);
        return out;
    }
    /// @brief p2p_oper_channel's frequency, else the social channel picked at start.
    std::uint16_t configured_oper() const noexcept {
        return set.oper_channel ? freq_of_channel(set.oper_channel) : oper_freq;
    }
    /// @brief The operating-channel preference a negotiation or invitation starts from
    /// (p2p_prepare_channel_best, without the driver's best channels): p2p_pref_chan's first
    /// entry when the radio has it, else a channel of the preferred 5 GHz classes, else
    /// p2p_oper_channel or the social channel picked at start.
    std::uint16_t prepare_oper() {
        if (!set.pref_chan.empty()) {
            const auto& [oc, ch] = set.pref_chan.front();
            if (const auto f = freq_of(oc, ch); f && usable_freq(f)) return f;
        }
        if (const auto f = random_5ghz(channels, rng)) return f;
        return configured_oper();
    }
    /// @brief An autonomous GO's frequency (P2P_GROUP_ADD) for `asked` (0: none; 2 and 5: a
    /// channel of that band, wpas_p2p_select_go_freq: a random social channel, or the first GO
    /// channel of classes 115 and 124 from a random start) beside a station interface on
    /// `shared` (0: none), as wpas_p2p_init_go_params chooses: without a frequency asked for, the
    /// GO shares that channel when it may be GO there, and any other is refused (every channel of
    /// a one-channel radio is in use). 0 leaves the choice to the group.
    result<std::uint16_t> autonomous_go_freq(std::uint16_t asked, std::uint16_t shared) {
        if (asked == 2 || asked == 5) {
            asked = asked == 2 ? freq_of_channel(random_social(rng)) : go_freq_5ghz();
            if (!asked || !usable_freq(asked) || !go_allowed(asked))
                return make_error(errc::not_supported, "no channel of that band for a GO");
        }
        if (asked && shared && asked != shared)
            return make_error(errc::not_supported, "the radio's channel is in use");
        // A shared channel P2P does not use is none a GO may take (wpas_p2p_valid_oper_freqs).
        if (!asked && shared && (!usable_freq(shared) || !go_allowed(shared)))
            return make_error(errc::not_supported, "p2p_no_go_freq has the radio's channel");
        return asked ? asked : shared;
    }
    /// @brief freq=5's channel: from a random start among the channels of classes 115 and 124,
    /// the first this device may be GO on; 0 when none.
    std::uint16_t go_freq_5ghz() {
        auto chans = in_class(channels, 115);
        for (auto f : in_class(channels, 124)) chans.push_back(f);
        const auto r = static_cast<std::size_t>(rng());
        for (std::size_t i = 0; i < chans.size(); ++i)
            if (const auto f = chans[(r + i) % chans.size()]; go_allowed(f)) return f;
        return 0;
    }
    /// @brief A GO's channel among `allowed` when none was asked for (wpas_p2p_init_go_params,
    /// then wpas_p2p_select_go_freq_no_pref): p2p_oper_channel, the first p2p_pref_chan entry,
    /// the channels of class 115, then 124, a random social channel, the other 2.4 GHz ones;
    /// each one this device may be GO on. 0 when there is none.
    std::uint16_t go_freq(const std::vector<std::uint16_t>& allowed) {
        auto go_on = [&](std::uint16_t f) {
            return f && usable_freq(f) && go_allowed(f) && contains(allowed, f);
        };
        if (set.oper_channel && go_on(freq_of_channel(set.oper_channel)))
            return freq_of_channel(set.oper_channel);
        const auto pref = pref_freqs();  // p2p_get_pref_freq: the first one allowed
        if (const auto it = std::find_if(pref.begin(), pref.end(),
                                         [&](std::uint16_t f) { return contains(allowed, f); });
            it != pref.end() && go_on(*it))
            return *it;
        for (std::uint8_t oc : {std::uint8_t(115), std::uint8_t(124)})
            for (auto f : in_class(channels, oc))
                if (go_on(f)) return f;
        const auto r = static_cast<std::size_t>(rng());
        for (std::size_t i = 0; i < ieee80211::social_channels.size(); ++i) {
            const auto f = freq_of_channel(
                ieee80211::social_channels[(r + i) % ieee80211::social_channels.size()]);
            if (go_on(f)) return f;
        }
        for (auto f : in_class(channels, 81))
            if (go_on(f)) return f;
        return 0;
    }
    bool negotiating() const noexcept { return p2p::negotiating(current); }
    /// @brief A listen period of rand(min_disc_int..max_disc_int) x 100 TU, in ms.
    std::uint32_t random_listen_ms() {
        const unsigned lo = set.min_disc_int, hi = std::max(set.max_disc_int, set.min_disc_int);
        const unsigned n = lo + static_cast<unsigned>(rng() % (hi - lo + 1));
        return static_cast<std::uint32_t>(n * 1024 / 10);  // n x 100 TU in ms
    }
    /// @brief A fresh 8-digit WPS PIN (with its checksum digit).
    std::string new_pin() { return make_pin(static_cast<std::uint32_t>(rng())); }
    /// @brief The stored persistent group `id`.
    persistent_group* stored(int id) noexcept {
        for (auto& g : persistent)
            if (g.id == id) return &g;
        return nullptr;
    }
    /// @brief The stored persistent group with GO `go_dev` and `ssid`.
    persistent_group* stored(const mac_address& go_dev, std::string_view ssid) noexcept {
        for (auto& g : persistent)
            if (g.go_dev == go_dev && g.ssid == ssid) return &g;
        return nullptr;
    }
};
}  // namespace detail

}  // namespace softmac::p2p
