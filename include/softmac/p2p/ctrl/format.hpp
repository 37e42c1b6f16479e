// SPDX-License-Identifier: MIT
/// @file Defines the control interface's text: P2P-* events and P2P_PEER bodies in
/// wpa_supplicant 2.10's formats.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <softmac/p2p/events.hpp>
#include <softmac/p2p/peer_table.hpp>

namespace softmac::p2p::ctrl {

/// @brief The level every P2P event is sent at (MSG_INFO).
inline constexpr int info_level = 3;

/// @brief Whether an event's text carries its secrets: a group's passphrase
/// (P2P-GROUP-STARTED's `passphrase="…"`) and a WPS PIN (P2P-PROV-DISC-SHOW-PIN's word after
/// the address). Hidden, each is replaced by `*`, as wpa_supplicant's GET_NETWORK shows a key;
/// every other word stays where it was, so a control application parses the event as before,
/// and `*` is neither a valid passphrase (8..63 characters) nor a PIN (digits).
enum class secrets : std::uint8_t { shown, hidden };

namespace detail {
/// Appends printf-formatted text.
template <class... A>
void append(std::string& out, const char* fmt, A... a) {
    char buf[512];
    const int n = std::snprintf(buf, sizeof buf, fmt, a...);
    if (n > 0) out.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}
inline std::string addr(const mac_address& a) { return a.to_string(); }
}  // namespace detail

/// @brief "1-0050F204-1": category, OUI in upper-case hex, subcategory.
inline std::string to_string(const ieee80211::wps::device_type& t) {
    std::string s;
    detail::append(s, "%u-%08X-%u", unsigned(t.category), unsigned(t.oui), unsigned(t.subcategory));
    return s;
}

/// @brief "192.168.49.1": an IPv4 address as wpa_supplicant prints one (%u.%u.%u.%u, inet_ntop).
inline std::string ipv4_text(const ieee80211::ipv4_address& a) {
    std::string s;
    detail::append(s, "%u.%u.%u.%u", unsigned(a[0]), unsigned(a[1]), unsigned(a[2]),
                   unsigned(a[3]));
    return s;
}

/// @brief Text as wpa_supplicant prints an SSID (wpa_ssid_txt) and a peer's WPS strings here:
/// printable ASCII kept, `"` and `\` escaped, other octets as \xNN. A peer's device name is
/// printed as it was read (peer_params).
inline std::string printable(std::string_view s) {
    std::string out;
    for (unsigned char ch : s) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += static_cast<char>(ch);
        } else if (ch >= 32 && ch < 127) {
            out += static_cast<char>(ch);
        } else {
            detail::append(out, "\\x%02x", unsigned(ch));
        }
    }
    return out;
}

namespace detail {
/// The peer fields P2P-DEVICE-FOUND and provision discovery events carry after the address
/// (a join request's group too). A peer's name is
/// printed as it was read (control characters already made '_'), as wpa_supplicant prints it:
/// UTF-8 and quotes as they are.
inline std::string peer_params(const peer_info& p, std::string_view group) {
    std::string s;
    append(s,
           " p2p_dev_addr=%s pri_dev_type=%s name='%s' config_methods=0x%x dev_capab=0x%x "
           "group_capab=0x%x",
           addr(p.dev_addr).c_str(), to_string(p.primary_type).c_str(), p.name.c_str(),
           unsigned(p.config_methods), unsigned(p.dev_capab), unsigned(p.group_capab));
    if (!group.empty()) s += " group=" + std::string(group);  // a request to join it
    return s;
}

/// An answer to P2P_PROV_DISC auto: " peer_go=1" when the peer's group is joined, " peer_go=0"
/// when a negotiation follows (wpas_prov_disc_resp); nothing for another request.
inline std::string peer_go(const std::optional<bool>& go) {
    return go ? std::string(*go ? " peer_go=1" : " peer_go=0") : std::string();
}

struct event_text {
    secrets with = secrets::hidden;
    /// A secret's text, or `*` when secrets are hidden.
    std::string secret(std::string_view value) const {
        return with == secrets::shown ? printable(value) : std::string("*");
    }
    std::string operator()(const event::device_found& e) const {
        return "P2P-DEVICE-FOUND " + addr(e.peer.addr) + peer_params(e.peer, {}) +
               (e.is_new ? " new=1" : " new=0");
    }
    std::string operator()(const event::device_lost& e) const {
        return "P2P-DEVICE-LOST p2p_dev_addr=" + addr(e.dev_addr);
    }
    std::string operator()(const event::find_stopped&) const { return "P2P-FIND-STOPPED "; }
    std::string operator()(const event::go_neg_request& e) const {
        std::string s = "P2P-GO-NEG-REQUEST " + addr(e.peer);
        append(s, " dev_passwd_id=%u go_intent=%u", unsigned(e.dev_passwd_id),
               unsigned(e.go_intent));
        return s;
    }
    std::string operator()(const event::go_neg_success& e) const {
        std::string s;
        append(s,
               "P2P-GO-NEG-SUCCESS role=%s freq=%u ht40=0 peer_dev=%s peer_iface=%s wps_method=%s",
               e.go ? "GO" : "client", unsigned(e.freq), addr(e.peer_dev).c_str(),
               addr(e.peer_iface).c_str(), std::string(to_string(e.method)).c_str());
        return s;
    }
    std::string operator()(const event::go_neg_failure& e) const {
        return "P2P-GO-NEG-FAILURE status=" + std::to_string(e.status);
    }
    std::string operator()(const event::group_formation_success&) const {
        return "P2P-GROUP-FORMATION-SUCCESS ";
    }
    std::string operator()(const event::group_formation_failure&) const {
        return "P2P-GROUP-FORMATION-FAILURE ";
    }
    std::string operator()(const event::group_started& e) const {
        std::string s = "P2P-GROUP-STARTED " + e.ifname + (e.go ? " GO" : " client");
        s += " ssid=\"" + printable(e.ssid) + "\" freq=" + std::to_string(e.freq);
        if (!e.passphrase.empty()) s += " passphrase=\"" + secret(e.passphrase) + "\"";
        if (!e.psk.empty()) s += " psk=" + secret(e.psk);
        s += " go_dev_addr=" + addr(e.go_dev_addr);
        if (e.persistent) s += " [PERSISTENT]";
        if (const auto& ip = e.ip_allocation)
            s += " ip_addr=" + ipv4_text(ip->ip_addr) + " ip_mask=" + ipv4_text(ip->ip_mask) +
                 " go_ip_addr=" + ipv4_text(ip->go_ip_addr);
        return s;
    }
    std::string operator()(const event::group_removed& e) const {
        std::string s = "P2P-GROUP-REMOVED " + e.ifname + (e.go ? " GO" : " client");
        if (!e.reason.empty()) s += " reason=" + e.reason;
        return s;
    }
    std::string operator()(const event::prov_disc_show_pin& e) const {
        std::string s = "P2P-PROV-DISC-SHOW-PIN " + addr(e.peer.dev_addr) + " " + secret(e.pin);
        return e.requester ? s + peer_go(e.peer_go) : s + peer_params(e.peer, e.group);
    }
    std::string operator()(const event::prov_disc_enter_pin& e) const {
        std::string s = "P2P-PROV-DISC-ENTER-PIN " + addr(e.peer.dev_addr);
        return e.requester ? s + peer_go(e.peer_go) : s + peer_params(e.peer, e.group);
    }
    std::string operator()(const event::prov_disc_pbc_req& e) const {
        return "P2P-PROV-DISC-PBC-REQ " + addr(e.peer.dev_addr) + peer_params(e.peer, e.group);
    }
    std::string operator()(const event::prov_disc_pbc_resp& e) const {
        return "P2P-PROV-DISC-PBC-RESP " + addr(e.peer) + peer_go(e.peer_go);
    }
    std::string operator()(const event::prov_disc_failure& e) const {
        return "P2P-PROV-DISC-FAILURE p2p_dev_addr=" + addr(e.peer) +
               " status=" + std::to_string(e.status);
    }
    /// p2p_dev_addr only for a P2P client.
    static std::string dev_of(const mac_address& dev) {
        return dev == mac_address{} ? std::string() : " p2p_dev_addr=" + addr(dev);
    }
    std::string operator()(const event::ap_sta_connected& e) const {
        const std::string s = "AP-STA-CONNECTED " + addr(e.addr) + dev_of(e.dev_addr);
        return e.ip_addr ? s + " ip_addr=" + ipv4_text(*e.ip_addr) : s;
    }
    std::string operator()(const event::ap_sta_disconnected& e) const {
        return "AP-STA-DISCONNECTED " + addr(e.addr) + dev_of(e.dev_addr);
    }
    std::string operator()(const event::eapol_4way_completed& e) const {
        return "EAPOL-4WAY-HS-COMPLETED " + addr(e.addr);
    }
    std::string operator()(const event::possible_psk_mismatch& e) const {
        return "AP-STA-POSSIBLE-PSK-MISMATCH " + addr(e.addr);
    }
    std::string operator()(const event::connected& e) const {
        return "CTRL-EVENT-CONNECTED - Connection to " + addr(e.bssid) +
               " completed [id=" + std::to_string(e.id) + " id_str=" + printable(e.id_str) + "]";
    }
    std::string operator()(const event::disconnected& e) const {
        std::string s = "CTRL-EVENT-DISCONNECTED bssid=" + addr(e.bssid) +
                        " reason=" + std::to_string(e.reason);
        return e.locally_generated ? s + " locally_generated=1" : s;
    }
    std::string operator()(const event::invitation_received& e) const {
        std::string s = e.accepted ? "P2P-INVITATION-ACCEPTED sa=" : "P2P-INVITATION-RECEIVED sa=";
        s += addr(e.sa);
        if (e.persistent_id >= 0) {
            s += " persistent=" + std::to_string(e.persistent_id);
            return e.freq ? s + " freq=" + std::to_string(e.freq) : s;
        }
        s += " go_dev_addr=" + addr(e.go_dev);
        if (e.bssid != mac_address{}) s += " bssid=" + addr(e.bssid);
        return s + " unknown-network";
    }
    std::string operator()(const event::invitation_result& e) const {
        std::string s = "P2P-INVITATION-RESULT status=" + std::to_string(e.status) + " ";
        return e.bssid != mac_address{} ? s + addr(e.bssid) : s;
    }
    /// A stored group's change has no control interface event (only the configuration file and
    /// D-Bus follow it).
    std::string operator()(const event::persistent_group_changed&) const { return {}; }
    std::string operator()(const event::scan_event& e) const {
        using k = event::scan_event::kind;
        const std::string id = e.id ? "id=" + std::to_string(e.id) : std::string();
        switch (e.what) {
            case k::started:
                return "CTRL-EVENT-SCAN-STARTED " + id;
            case k::results:
                return "CTRL-EVENT-SCAN-RESULTS " + id;
            case k::failed:
                return "CTRL-EVENT-SCAN-FAILED ret=-16 retry=1";
            case k::network_not_found:
                return "CTRL-EVENT-NETWORK-NOT-FOUND ";
        }
        return {};
    }
    std::string operator()(const event::bss_event& e) const {
        return std::string(e.added ? "CTRL-EVENT-BSS-ADDED " : "CTRL-EVENT-BSS-REMOVED ") +
               std::to_string(e.id) + " " + addr(e.bssid);
    }
    std::string operator()(const event::association& e) const {
        using st = event::association::step;
        switch (e.what) {
            case st::trying:
                return "Trying to associate with " + addr(e.bssid) + " (SSID='" +
                       printable(e.ssid) + "' freq=" + std::to_string(e.freq) + " MHz)";
            case st::associated:
                return "Associated with " + addr(e.bssid);
            case st::subnet_status:
                return "CTRL-EVENT-SUBNET-STATUS-UPDATE status=0";
            case st::key_negotiated:
                return "WPA: Key negotiation completed with " + addr(e.bssid) +
                       " [PTK=CCMP GTK=CCMP]";
            case st::ap_enabled:
                return "AP-ENABLED ";
            case st::rejected:
                return "CTRL-EVENT-ASSOC-REJECT bssid=" + addr(e.bssid) +
                       " status_code=" + std::to_string(e.status) + (e.timed_out ? " timeout" : "");
            case st::wrong_key:
                return "WPA: 4-Way Handshake failed - pre-shared key may be incorrect";
            case st::temp_disabled:
                return "CTRL-EVENT-SSID-TEMP-DISABLED id=" + std::to_string(e.id) + " ssid=\"" +
                       printable(e.ssid) + "\" auth_failures=" + std::to_string(e.failures) +
                       " duration=" + std::to_string(e.duration_s) + " reason=WRONG_KEY";
            case st::reenabled:
                return "CTRL-EVENT-SSID-REENABLED id=" + std::to_string(e.id) + " ssid=\"" +
                       printable(e.ssid) + "\"";
        }
        return {};
    }
    /// Over 1500 octets the TLVs are reported by their length, as wpas_sd_response reports a
    /// long answer (an event stays within the 4096-octet buffers of its readers).
    std::string operator()(const event::serv_disc_req& e) const {
        std::string s;
        append(s, "P2P-SERV-DISC-REQ %u %s %u %u ", unsigned(e.freq), addr(e.sa).c_str(),
               unsigned(e.token), unsigned(e.update_indicator));
        if (e.tlvs.size() > 1500)
            return s + "<long request: " + std::to_string(e.tlvs.size()) + " bytes>";
        return s + to_hex(e.tlvs);
    }
    /// An answer over 1500 octets is reported by its length only (wpas_sd_response).
    std::string operator()(const event::serv_disc_resp& e) const {
        std::string s =
            "P2P-SERV-DISC-RESP " + addr(e.sa) + " " + std::to_string(e.update_indicator) + " ";
        if (e.tlvs.size() > 1500)
            return s + "<long response: " + std::to_string(e.tlvs.size()) + " bytes>";
        return s + to_hex(e.tlvs);
    }
    /// wpa_supplicant's (a client's) and hostapd's (a GO's, with dfs=) channel switch lines;
    /// softmac's groups are 20 MHz without HT.
    std::string operator()(const event::channel_switch& e) const {
        std::string s =
            e.finished ? "CTRL-EVENT-CHANNEL-SWITCH " : "CTRL-EVENT-STARTED-CHANNEL-SWITCH ";
        append(s, "freq=%u ht_enabled=0 ch_offset=0 ch_width=20 MHz (no HT) cf1=%u cf2=0",
               unsigned(e.freq), unsigned(e.freq));
        return e.ap ? s + " dfs=0" : s;
    }
    std::string operator()(const event::ap_csa_finished& e) const {
        return "AP-CSA-FINISHED freq=" + std::to_string(e.freq) + " dfs=0";
    }
    std::string operator()(const event::presence_response& e) const {
        // wpas_presence_resp prints at most 49 octets of the NoA (its hex[100]).
        const auto noa = bytes_view(e.noa).first(std::min<std::size_t>(e.noa.size(), 49));
        return "P2P-PRESENCE-RESPONSE src=" + addr(e.src) +
               " status=" + std::to_string(unsigned(e.status)) + " noa=" + to_hex(noa);
    }
    std::string operator()(const event::fallback_to_go_neg& e) const {
        using f = event::fallback_to_go_neg;
        return std::string("P2P-FALLBACK-TO-GO-NEG reason=") +
               (e.reason == f::pd_failed ? "PD-failed"
                : e.reason == f::no_ack  ? "no-ACK-to-PD-Req"
                                         : "peer-not-running-GO");
    }
    std::string operator()(const event::wps_event& e) const {
        return std::visit([this](const auto& w) { return wps_text(w); }, e.what);
    }

    // The WPS lines, as wpa_supplicant 2.10 and its AP mode print them.
    std::string wps_text(const wps::m2d_received& e) const {
        std::string s;
        append(s, "WPS-M2D dev_password_id=%u config_error=%u", unsigned(e.dev_password_id),
               unsigned(e.config_error));
        return s;
    }
    std::string wps_text(const wps::failed& e) const {
        std::string s;
        append(s, "WPS-FAIL msg=%u config_error=%u", unsigned(e.msg), unsigned(e.config_error));
        return s;
    }
    std::string wps_text(const wps::credential_received&) const { return "WPS-CRED-RECEIVED "; }
    std::string wps_text(const wps::succeeded&) const { return "WPS-SUCCESS "; }
    std::string wps_text(const wps::registrar_success& e) const {
        return "WPS-REG-SUCCESS " + addr(e.mac) + " " + wps::to_string(e.uuid_e);
    }
    std::string wps_text(const wps::pin_needed& e) const {
        return "WPS-PIN-NEEDED " + wps::to_string(e.uuid_e) + " " + addr(e.mac) + " [" +
               printable(e.dev.device_name) + "|" + printable(e.dev.manufacturer) + "|" +
               printable(e.dev.model_name) + "|" + printable(e.dev.model_number) + "|" +
               printable(e.dev.serial_number) + "|" + to_string(e.dev.primary) + "]";
    }
    std::string wps_text(const wps::overlap_detected&) const { return "WPS-OVERLAP-DETECTED "; }
    std::string wps_text(const wps::pbc_active&) const { return "WPS-PBC-ACTIVE "; }
    std::string wps_text(const wps::pbc_disable&) const { return "WPS-PBC-DISABLE "; }
    std::string wps_text(const wps::cancelled&) const { return "WPS-CANCEL "; }
    std::string wps_text(const wps::timed_out&) const {
        return "WPS-TIMEOUT Requested operation timed out";
    }
    std::string wps_text(const wps::pin_active&) const { return "WPS-PIN-ACTIVE "; }
    std::string wps_text(const wps::eap_started& e) const {
        return e.authenticator ? "CTRL-EVENT-EAP-STARTED " + addr(e.peer)
                               : "CTRL-EVENT-EAP-STARTED EAP authentication started";
    }
    std::string wps_text(const wps::eap_status_started&) const {
        return "CTRL-EVENT-EAP-STATUS status='started' parameter=''";
    }
    std::string wps_text(const wps::eap_proposed_method&) const {
        return "CTRL-EVENT-EAP-PROPOSED-METHOD vendor=14122 method=1";
    }
    std::string wps_text(const wps::eap_method_selected&) const {
        return "CTRL-EVENT-EAP-METHOD EAP vendor 14122 method 1 (WSC) selected";
    }
    std::string wps_text(const wps::eap_failure& e) const {
        return e.authenticator ? "CTRL-EVENT-EAP-FAILURE " + addr(e.peer)
                               : "CTRL-EVENT-EAP-FAILURE EAP authentication failed";
    }
};
}  // namespace detail

/// @brief An event's text, without the `<3>` level prefix; its secrets only when asked for.
inline std::string format(const event::any& e, secrets with = secrets::hidden) {
    return std::visit(detail::event_text{with}, e);
}

/// @brief One event for a control interface's monitors: `text` for those the access policy
/// allows the secrets (it would run P2P_GET_PASSPHRASE for them), `redacted` for the others;
/// `global` when the global socket's monitors get it too (wpa_msg), not for a copy that only
/// the interface's own monitors get (wpa_msg_no_global).
struct event_message {
    std::string text, redacted;
    bool global = true;
};
inline event_message message(const event::any& e) {
    return {format(e, secrets::shown), format(e, secrets::hidden)};
}

/// @brief The group interface an event belongs to (its monitors receive it), or empty for the
/// P2P device's events (every P2P-* event, GROUP-STARTED and GROUP-REMOVED included, but
/// P2P-PRESENCE-RESPONSE, which the group that sent the request gets).
inline std::string_view interface_of(const event::any& e) noexcept {
    if (const auto* c = std::get_if<event::ap_sta_connected>(&e)) return c->ifname;
    if (const auto* d = std::get_if<event::ap_sta_disconnected>(&e)) return d->ifname;
    if (const auto* h = std::get_if<event::eapol_4way_completed>(&e)) return h->ifname;
    if (const auto* m = std::get_if<event::possible_psk_mismatch>(&e)) return m->ifname;
    if (const auto* c = std::get_if<event::connected>(&e)) return c->ifname;
    if (const auto* d = std::get_if<event::disconnected>(&e)) return d->ifname;
    if (const auto* w = std::get_if<event::wps_event>(&e)) return w->ifname;
    if (const auto* s = std::get_if<event::scan_event>(&e)) return s->ifname;
    if (const auto* b = std::get_if<event::bss_event>(&e)) return b->ifname;
    if (const auto* a = std::get_if<event::association>(&e)) return a->ifname;
    if (const auto* p = std::get_if<event::presence_response>(&e)) return p->ifname;
    if (const auto* c = std::get_if<event::channel_switch>(&e)) return c->ifname;
    if (const auto* c = std::get_if<event::ap_csa_finished>(&e)) return c->ifname;
    return {};
}

/// @brief The P2P_PEER reply: the address line, then wpa_supplicant 2.10's key=value lines;
/// `persistent`: the stored group we share with the peer (-1: none).
inline std::string format_peer(const peer& p, time_point now, int persistent = -1) {
    using detail::addr;
    using detail::append;
    std::string s = addr(p.info.dev_addr) + "\n";
    s += "pri_dev_type=" + to_string(p.info.primary_type) + "\n";
    s += "device_name=" + p.info.name + "\n";
    s += "manufacturer=" + printable(p.info.manufacturer) + "\n";
    s += "model_name=" + printable(p.info.model_name) + "\n";
    s += "model_number=" + printable(p.info.model_number) + "\n";
    s += "serial_number=" + printable(p.info.serial_number) + "\n";
    append(s, "config_methods=0x%x\ndev_capab=0x%x\ngroup_capab=0x%x\nlevel=%d\n",
           unsigned(p.info.config_methods), unsigned(p.info.dev_capab),
           unsigned(p.info.group_capab), int(p.level_dbm));
    for (const auto& t : p.info.secondary_types) s += "sec_dev_type=" + to_string(t) + "\n";
    if (persistent >= 0) s += "persistent=" + std::to_string(persistent) + "\n";
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - p.last_seen()).count();
    append(s, "age=%lld\nlisten_freq=%u\n", static_cast<long long>(age), unsigned(p.listen_freq));
    s += "wps_method=" + std::string(to_string(p.method)) + "\n";
    const mac_address none{};
    s += "interface_addr=" + addr(p.go_ssid.empty() ? none : p.intended_iface) + "\n";
    s += "member_in_go_dev=" + addr(p.member_in_go_dev) +
         "\nmember_in_go_iface=" + addr(p.member_in_go_iface) + "\n";
    constexpr const char* go_states[] = {"unknown", "local", "remote"};
    append(s, "go_neg_req_sent=%u\ngo_state=%s\ndialog_token=%u\n", p.go_neg_req_sent,
           go_states[static_cast<unsigned>(p.go_state)], unsigned(p.dialog_token));
    s += "intended_addr=" + addr(p.intended_iface) + "\n";
    auto country = [](char c) { return c ? c : '_'; };
    append(s, "country=%c%c\noper_freq=%u\nreq_config_methods=0x0\n", country(p.country[0]),
           country(p.country[1]), unsigned(p.oper_freq));
    s += "flags=";
    if (p.probe_req_only) s += "[PROBE_REQ_ONLY]";
    if (p.reported) s += "[REPORTED]";
    if (p.rejected) s += "[USER_REJECTED]";
    if (p.waiting_for_us) s += "[PEER_WAITING_RESPONSE]";
    if (p.force_freq) s += "[FORCE_FREQ]";
    append(s, "\nstatus=%u\ninvitation_reqs=%u\n", unsigned(p.status), p.invitation_reqs);
    if (p.ext_listen.period_ms)
        append(s, "ext_listen_period=%u\next_listen_interval=%u\n",
               unsigned(p.ext_listen.period_ms), unsigned(p.ext_listen.interval_ms));
    if (!p.go_ssid.empty()) s += "oper_ssid=" + printable(p.go_ssid) + "\n";
    return s;
}

}  // namespace softmac::p2p::ctrl
