// SPDX-License-Identifier: MIT
/// @file Defines ctrl::station_control: the station interface's control commands and STATUS lines.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/p2p/ctrl/bss_format.hpp>
#include <softmac/p2p/ctrl/command.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

/// @brief The commands of a device's station interface (wpa_supplicant's scan, BSS, connection
/// and AP-station commands) over its engine; ctrl::interface hands them here. A group
/// interface's scans and connection are its group's: those commands fail on one.
template <class Engine>
class station_control {
  public:
    explicit station_control(Engine& e) : engine_(e) {}

    /// The station interface's STATUS lines up to wpa_state (wpa_supplicant_ctrl_iface_status:
    /// the BSS's lines from ASSOCIATED on).
    std::string station_status() const {
        const auto& sta = engine_.station();
        std::string s;
        const auto* n = sta.current();
        if (n && sta.state() >= wpa_state::associated) {
            s += "bssid=" + sta.bssid().to_string() + "\nfreq=" + std::to_string(sta.freq()) +
                 "\nssid=" + printable(n->ssid) + "\nid=" + std::to_string(n->id) + "\n";
            if (!n->id_str.empty()) s += "id_str=" + printable(n->id_str) + "\n";
            s += sta.ap_mode() ? "mode=AP\n" : "mode=station\n";
            s += n->psk ? "pairwise_cipher=CCMP\ngroup_cipher=CCMP\nkey_mgmt=WPA2-PSK\n"
                        : "pairwise_cipher=NONE\ngroup_cipher=NONE\nkey_mgmt=NONE\n";
        }
        return s + "wpa_state=" + std::string(to_string(sta.state())) + "\n";
    }
    /// PKTCNT_POLL on an associated station interface or a P2P client's group interface: the
    /// AP's station entry (nl80211_pktcnt_poll reads GET_STATION for the BSSID).
    std::string run(std::string_view ifname, const cmd::pktcnt_poll&) {
        const auto* g = group_named(ifname);
        const auto& sta = engine_.station();
        mac_address ap;
        if (g && !g->go && g->started)
            ap = g->peer_iface;
        else if (!g && ifname == engine_.ifname() && !sta.ap_mode() &&
                 sta.state() == wpa_state::completed)
            ap = sta.bssid();
        else
            return std::string(replies::fail);
        const auto info = engine_.station_info(ifname, ap);
        if (!info) return std::string(replies::fail);
        std::string s;
        detail::append(s, "TXGOOD=%u\nTXBAD=%u\nRXGOOD=%u\n", unsigned(info->info.tx_packets),
                       unsigned(info->info.tx_failed), unsigned(info->info.rx_packets));
        return s;
    }
    std::string run(std::string_view ifname, const cmd::scan& c) {
        if (group_named(ifname)) return std::string(replies::fail);  // a group's own
        auto r = engine_.station().scan({c.freqs, c.passive, c.use_id});
        if (!r) return "FAIL-BUSY\n";
        return c.use_id ? std::to_string(*r) + "\n" : std::string(replies::ok);
    }
    /// STA-FIRST/STA-NEXT/STA on a GO's group interface or a mode=2 AP: the station's address,
    /// then hostapd_ctrl_iface_sta_mib's lines softmac has (flags, aid, a P2P client's device as
    /// p2p_ie_text prints it, the MAC's counters); no station: FAIL (the walk's end).
    std::string run(std::string_view ifname, const cmd::sta_walk& c) {
        std::vector<mac_address> list;
        const auto* g = group_named(ifname);
        if (g && g->go)
            for (const auto& [iface, dev] : g->clients) list.push_back(iface);
        if (!g && ifname == engine_.ifname()) list = engine_.station().stations();
        auto it = list.begin();
        if (c.what != cmd::sta_walk::which::first) {
            it = std::find(list.begin(), list.end(), c.addr);
            if (it != list.end() && c.what == cmd::sta_walk::which::next) ++it;
        }
        if (it == list.end()) return std::string(replies::fail);
        const auto info = engine_.station_info(ifname, *it);
        std::string s = it->to_string() + "\nflags=[AUTH][ASSOC][AUTHORIZED]\n";
        detail::append(s, "aid=%u\n", unsigned(info ? info->aid : 0));
        if (g) {
            const auto dev = std::find_if(g->clients.begin(), g->clients.end(),
                                          [&](const auto& cl) { return cl.first == *it; });
            const auto m =
                std::find_if(g->member_info.begin(), g->member_info.end(),
                             [&](const peer_info& p) { return p.dev_addr == dev->second; });
            if (m != g->member_info.end())
                detail::append(s,
                               "p2p_dev_capab=0x%x\np2p_group_capab=0x0\n"
                               "p2p_primary_device_type=%s\np2p_device_name=%s\n"
                               "p2p_device_addr=%s\np2p_config_methods=0x%x\n",
                               unsigned(m->dev_capab), to_string(m->primary_type).c_str(),
                               m->name.c_str(), m->dev_addr.to_string().c_str(),
                               unsigned(m->config_methods));
        }
        if (info)
            detail::append(s, "rx_packets=%u\ntx_packets=%u\nrx_bytes=%u\ntx_bytes=%u\n",
                           unsigned(info->info.rx_packets), unsigned(info->info.tx_packets),
                           unsigned(info->info.rx_bytes), unsigned(info->info.tx_bytes));
        return s;
    }
    /// GET_CAPABILITY (wpa_supplicant_ctrl_iface_get_capability) for what softmac has: CCMP,
    /// open or WPA2-PSK (2.10 lists NONE IEEE8021X first whatever the driver says), RSN, open
    /// authentication, the radio's AP and IBSS modes and channels (its 2.4 GHz band as modes G,
    /// then B, as driver_nl80211 splits it); other fields FAIL.
    std::string run(std::string_view, const cmd::get_capability& c) {
        const auto& w = engine_.wiphy();
        if (c.field == "pairwise" || c.field == "group") return "CCMP";
        if (c.field == "key_mgmt") return "NONE IEEE8021X WPA-PSK";
        if (c.field == "proto") return "RSN";
        if (c.field == "auth_alg") return "OPEN";
        if (c.field == "modes") {
            std::string s;
            if (w.supported.adhoc) s += "IBSS";
            if (w.supported.ap) s += s.empty() ? "AP" : " AP";
            return s;
        }
        if (c.field != "channels" && c.field != "freq") return std::string(replies::fail);
        const bool freqs = c.field == "freq";
        std::string s;
        auto mode = [&](const char* name, const cfg::reply::band& b) {
            detail::append(s, freqs ? "Mode[%s] Channels:\n" : "Mode[%s] Channels:", name);
            for (const auto& f : b.freqs) {
                const auto ch = ieee80211::freq_to_channel(static_cast<std::uint16_t>(f.freq));
                if (!ch) continue;
                if (freqs)
                    detail::append(s, " %u = %u MHz\n", unsigned(ch->number), unsigned(f.freq));
                else
                    detail::append(s, " %u", unsigned(ch->number));
            }
            s += "\n";
        };
        if (w.bands.ghz2_4) mode("G", *w.bands.ghz2_4);
        if (w.bands.ghz5) mode("A", *w.bands.ghz5);
        if (w.bands.ghz2_4) mode("B", *w.bands.ghz2_4);
        return s;
    }
    std::string run(std::string_view, const cmd::scan_results&) {
        return scan_results_text(engine_.station().bss(), max_reply);
    }
    /// The entries BSS names, in the list's order; none: an empty reply.
    std::string run(std::string_view, const cmd::bss& c) {
        using w = cmd::bss::which;
        const auto& list = engine_.station().bss();
        std::string s;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto& b = list[i];
            bool take = false;
            switch (c.what) {
                case w::position:
                    take = i == c.id;
                    break;
                case w::id:
                    take = b.id == c.id;
                    break;
                case w::bssid:
                    take = b.info.bssid == c.addr;
                    break;
                case w::first:
                    take = i == 0;
                    break;
                case w::last:
                    take = i + 1 == list.size();
                    break;
                case w::next:
                    take = i > 0 && list[i - 1].id == c.id;
                    break;
                case w::current:
                    take = engine_.station().current() && b.info.bssid == engine_.station().bssid();
                    break;
                case w::range:
                    take = b.id >= c.id && b.id <= c.last;
                    break;
                case w::p2p_dev_addr:
                    take = ieee80211::p2p::device_address_in(b.info.ies) == c.addr;
                    break;
                case w::none:
                    break;
            }
            if (!take) continue;
            const auto text = bss_text(b, c.mask, engine_.now(), i + 1 == list.size(), b.id);
            if (s.size() + text.size() > max_reply) break;
            s += text;
            if (c.what != w::range) break;
        }
        return s;
    }
    /// wpa_driver_nl80211_status's lines for what a softmac interface has: its netdev, the
    /// wiphy, the scan and the association; sockets it has none of read -1.
    std::string run(std::string_view ifname, const cmd::status_driver&) {
        const auto i = engine_.interface_info(ifname);
        if (!i) return std::string(replies::fail);
        const auto& w = engine_.wiphy();
        const auto& sta = engine_.station();
        const auto* g = group_named(ifname);
        const bool station = !g && ifname == engine_.ifname();
        const bool ap = g ? g->go : station && sta.ap_mode();
        const mac_address bssid = g ? (g->go ? g->iface_addr : g->peer_iface)
                                  : station && sta.shared_freq() ? sta.bssid()
                                                                 : mac_address{};
        const unsigned freq = i->freq.value_or(g ? g->freq : station ? sta.shared_freq() : 0);
        std::string s;
        detail::append(s, "ifindex=%u\nifname=%s\nbrname=\naddr=%s\nfreq=%u\n",
                       unsigned(i->ifindex.value_or(0)), i->ifname.c_str(),
                       i->mac.to_string().c_str(), freq);
        if (ap) s += "beacon_set=1\n";
        if (i->iftype == cfg::iftype::p2p_device) s += "wdev_id=" + std::to_string(i->wdev) + "\n";
        const bool associated = bssid != mac_address{} && !ap;
        detail::append(s,
                       "phyname=%s\nperm_addr=%s\ndrv_ifindex=%u\noperstate=1\nscan_state=%s\n"
                       "auth_bssid=%s\nauth_attempt_bssid=%s\nbssid=%s\n"
                       "prev_bssid=00:00:00:00:00:00\nassociated=%d\nassoc_freq=%u\n"
                       "monitor_sock=-1\nmonitor_ifidx=-1\nmonitor_refcount=0\nlast_mgmt_freq=0\n"
                       "eapol_tx_sock=-1\n",
                       w.name.c_str(),
                       (w.addresses.empty() ? i->mac : w.addresses.front()).to_string().c_str(),
                       unsigned(i->ifindex.value_or(0)),
                       station && sta.scanning() ? "SCAN_STARTED" : "NO_SCAN",
                       (associated ? bssid : mac_address{}).to_string().c_str(),
                       (associated ? bssid : mac_address{}).to_string().c_str(),
                       (associated ? bssid : mac_address{}).to_string().c_str(), associated ? 1 : 0,
                       associated ? freq : 0u);
        detail::append(s,
                       "capa.max_scan_ssids=%u\ncapa.max_remain_on_chan=%u\n"
                       "capa.num_multichan_concurrent=1\n",
                       unsigned(w.max_scan_ssids), unsigned(w.max_roc_ms));
        return s;
    }
    std::string run(std::string_view ifname, const cmd::connection& c) {
        if (group_named(ifname)) return std::string(replies::fail);  // a group's own
        using v = cmd::connection::verb;
        auto& sta = engine_.station();
        switch (c.what) {
            case v::reconnect:
                sta.allow_connection();
                break;
            case v::disconnect:
                sta.disconnect();
                break;
            case v::reassociate:
            case v::reattach:
                return status_of(sta.reassociate(c.what == v::reattach));
            case v::abort_scan:
                return status_of(sta.abort_scan());
        }
        return std::string(replies::ok);
    }
    /// BSS_FLUSH, SCAN_INTERVAL, STA_AUTOCONNECT: a number each.
    std::string run(std::string_view ifname, const cmd::station_setting& c) {
        if (group_named(ifname)) return std::string(replies::fail);  // a group's own
        using w = cmd::station_setting::which;
        auto& sta = engine_.station();
        switch (c.what) {
            case w::bss_flush:
                sta.flush_bss(std::chrono::seconds(std::max(c.value, 0)));
                break;
            case w::scan_interval:
                if (c.value < 0) return std::string(replies::fail);
                sta.set_scan_interval(std::chrono::seconds(c.value));
                break;
            case w::autoconnect:
                sta.set_autoconnect(c.value != 0);
                break;
        }
        return std::string(replies::ok);
    }

  private:
    using group_type = std::decay_t<decltype(std::declval<Engine&>().groups().front())>;
    const group_type* group_named(std::string_view ifname) const {
        for (const auto& g : engine_.groups())
            if (g.ifname == ifname) return &g;
        return nullptr;
    }
    static std::string status_of(const result<void>& r) {
        return std::string(r ? replies::ok : replies::fail);
    }

    Engine& engine_;
};

}  // namespace softmac::p2p::ctrl
