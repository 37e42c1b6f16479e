// SPDX-License-Identifier: MIT
/// @file Defines p2p::group_manager: the groups of one P2P device: formation after a negotiation,
/// an autonomous GO, joining a running group, the group interface and its BSS or connection,
/// clients, idle timers, removal and their events (hostap's p2p_group.c and the group half of
/// wpa_supplicant's p2p_supplicant.c); what a running GO is asked is go_commands.hpp's.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <softmac/cfg/config_layer.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/detail/go_beacon.hpp>
#include <softmac/p2p/go_commands.hpp>
#include <softmac/p2p/persistent.hpp>
#include <softmac/p2p/types.hpp>
#include <softmac/rsn/links.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands groups issue.
using group_issues =
    issues<cfg::cmd::new_interface, cfg::cmd::del_interface, cfg::cmd::set_interface,
           cfg::cmd::start_ap, cfg::cmd::set_beacon, cfg::cmd::stop_ap, cfg::cmd::connect,
           cfg::cmd::disconnect, cfg::cmd::control_port_frame, cfg::cmd::new_key, cfg::cmd::set_key,
           cfg::cmd::get_key, cfg::cmd::set_station, cfg::cmd::deauthenticate, cfg::cmd::get_scan,
           cfg::cmd::get_interface, cfg::cmd::register_frame, cfg::cmd::channel_switch>;

/// @brief The groups of one P2P device. `Ctx` offers the callbacks of every procedure (dev,
/// schedule, cancel, emit, exec, set_up) and the hooks stop_find(), take_intended_iface() (the
/// interface address promised in a negotiation) and register_frames() (the P2P device's frame
/// registrations, made again when a shared interface changed type).
template <class Ctx>
class group_manager : public go_commands<group_manager<Ctx>> {
    friend class go_commands<group_manager>;
    /// The links run their commands on the group interface through the engine.
    using runner = detail::link_runner<Ctx>;
    using link_type = rsn::ap_link<runner>;
    using client_link = rsn::station_link<runner>;

  public:
    explicit group_manager(Ctx ctx) : ctx_(ctx) {}

    const std::vector<group>& list() const noexcept { return groups_; }
    std::vector<group>& list() noexcept { return groups_; }
    /// @brief The interface addresses the groups use.
    std::vector<mac_address> addresses() const {
        std::vector<mac_address> out;
        for (const auto& g : groups_) out.push_back(g.iface_addr);
        return out;
    }
    /// @brief The interface of the group named `ssid` this device is the GO of; empty: none.
    std::string go_group_interface(std::string_view ssid) const {
        for (const auto& g : groups_)
            if (g.go && g.ssid == ssid) return g.ifname;
        return {};
    }
    void cancel_timers() {
        for (auto& g : groups_) ctx_.cancel(std::exchange(g.timer, 0));
    }

    /// @brief An autonomous GO on `freq` (0: the operating-channel preference); `persistent`:
    /// stored when it starts; `persistent_id`: the stored group started again as GO.
    result<std::string> add(std::uint16_t freq, bool persistent = false, int persistent_id = -1) {
        auto& d = ctx_.dev();
        if (freq && !d.usable_freq(freq))
            return make_error(errc::not_supported, "frequency not usable for P2P");
        group_setup s;
        s.go = true;
        s.freq = freq ? freq : d.go_freq(d.channels);
        if (!s.freq || !d.go_allowed(s.freq))
            return make_error(errc::not_supported, "p2p_no_go_freq");
        s.persistent = persistent;
        if (persistent_id >= 0) {
            const auto* st = d.stored(persistent_id);
            if (!st || !st->go) return make_error(errc::not_found, "not a stored GO group");
            if (runs_group(st->ssid)) return make_error(errc::already, "the group runs");
            s.ssid = st->ssid;
            s.persistent_id = persistent_id;
        } else {
            s.ssid = detail::random_ssid(d.set, d.rng);
        }
        auto g = create(std::move(s));
        if (!g) return g.err();
        return (*g)->ifname;
    }
    /// @brief The group on interface `ifname`, if any.
    const group* running(std::string_view ifname) const noexcept {
        for (const auto& g : groups_)
            if (g.ifname == ifname) return &g;
        return nullptr;
    }
    /// @brief Whether this device is in a group named `ssid`.
    bool runs_group(std::string_view ssid) const noexcept {
        return std::any_of(groups_.begin(), groups_.end(),
                           [&](const group& g) { return g.ssid == ssid; });
    }
    /// @brief Forgets the stored persistent group `id` (REMOVE_NETWORK).
    result<void> forget(int id) {
        const auto c = persistent::forget(ctx_.dev(), id);
        if (!c) return make_error(errc::not_found, "no such persistent group");
        for (auto& g : groups_)
            if (g.persistent_id == id) g.persistent_id = -1;
        ctx_.emit(*c);
        return {};
    }
    /// @brief Drops `dev` from the client list of stored group `id` (it answered an invitation
    /// with "unknown group").
    void client_left(int id, const mac_address& dev) {
        report(persistent::remove_client(ctx_.dev(), id, dev));
    }
    /// @brief P2P_CANCEL's share (wpas_p2p_cancel): the first group still forming ends. One still
    /// provisioning (WPS, or the first data connection after it) fails its formation:
    /// P2P-GROUP-FORMATION-FAILURE, then removal with FORMATION_FAILED; a re-invoked client not
    /// yet connected is removed as REQUESTED.
    /// @return whether a group was forming.
    bool cancel_formation() {
        for (auto& g : groups_) {
            const std::string name = g.ifname;
            if (g.provisioning) {
                ctx_.cancel(std::exchange(g.timer, 0));
                ctx_.emit(event::group_formation_failure{});
                remove_group(name, "FORMATION_FAILED");
                return true;
            }
            if (!g.started && !g.go) {
                remove_group(name, "REQUESTED");
                return true;
            }
        }
        return false;
    }
    /// @brief Removes the group on `ifname` (`*`: every group).
    result<void> remove(std::string_view ifname) {
        for (auto& g : groups_)
            if (g.ifname == ifname || ifname == "*") {
                const std::string name = g.ifname;
                remove_group(name, "REQUESTED");
                if (ifname != "*") return {};
                return remove("*");
            }
        return ifname == "*" ? result<void>{} : make_error(errc::not_found, "no such group");
    }
    /// @brief Joins the group peer `p` runs as GO (it was seen beaconing), provisioned by WPS
    /// with `method` (and `pin`).
    result<void> join(peer& p, std::uint16_t freq, wps_method method, const std::string& pin) {
        if (p.go_ssid.empty() || !p.oper_freq)
            return make_error(errc::not_found, "the peer is not a known GO");
        ctx_.stop_find();
        group_setup s;
        s.freq = freq ? freq : p.oper_freq;
        s.ssid = p.go_ssid;
        s.peer_dev = s.go_dev = p.info.dev_addr;
        s.peer_iface = p.intended_iface;
        s.method = method;
        s.pin = pin;
        s.forming = true;
        s.formation = limits::join_formation_timeout;
        auto g = create(std::move(s));
        if (!g) return g.err();
        return {};
    }
    /// @brief A group as `s` describes it: its interface (a new one, or the device's own when the
    /// radio has no P2P interface types), then its BSS (GO) or the connection to its GO. A GO
    /// that is not forming with a peer starts at once.
    result<group*> create(group_setup s) {
        auto& d = ctx_.dev();
        const bool go = s.go;
        const std::uint16_t freq = s.freq;
        if (go && !d.go_allowed(freq)) return make_error(errc::not_supported, "p2p_no_go_freq");
        const auto* stored = s.persistent_id >= 0 ? d.stored(s.persistent_id) : nullptr;
        if (s.persistent_id >= 0 && !stored)
            return make_error(errc::not_found, "no such persistent group");
        // A stored GO group without a passphrase (added without a psk) starts with a new one:
        // wpas_start_wps_go uses the stored passphrase only when there is one.
        if (stored && stored->go && stored->passphrase.empty()) stored = nullptr;
        group g;
        g.go = go;
        g.method = s.method;
        g.pin = std::move(s.pin);
        g.ifname = "p2p-" + d.ifname + "-" + std::to_string(counter_++);
        g.ssid = std::move(s.ssid);
        g.freq = freq;
        g.peer_dev = s.peer_dev;
        g.peer_iface = s.peer_iface;
        g.forming = s.forming;
        g.go_dev = go ? d.addr : s.go_dev;
        g.persistent = s.persistent || s.persistent_id >= 0;
        g.persistent_id = s.persistent_id;
        if (stored && !go) g.psk = stored->passphrase;  // no WPS: the stored PSK
        if (d.dedicated) {
            cfg::cmd::new_interface ni;
            ni.ifname = g.ifname;
            ni.iftype = go ? cfg::iftype::p2p_go : cfg::iftype::p2p_client;
            if (!d.wiphy.supported.has(ni.iftype))
                ni.iftype = go ? cfg::iftype::ap : cfg::iftype::station;
            ni.mac = ctx_.take_intended_iface();
            auto r = ctx_.exec(ni);
            if (!r) return r.err();
            g.ref = {r->ifindex, r->wdev};
            g.iface_addr = r->mac;
            (void)ctx_.set_up(g.ref);
            // A client hears its GO's P2P action frames (GO Discoverability Request, Presence
            // Response), a GO its clients' (Presence Request).
            cfg::cmd::register_frame rf;
            rf.wdev = g.ref.wdev;
            rf.match.assign(p2p_action_prefix.begin(), p2p_action_prefix.end());
            (void)ctx_.exec(rf);
        } else {
            // No P2P interface types: the device's own interface becomes the group interface
            // (an AP for a GO), as wpa_supplicant does with p2p_no_group_iface.
            g.ifname = d.ifname;
            g.ref = d.wdev;
            g.iface_addr = d.addr;
            if (go) {
                cfg::cmd::set_interface si;
                si.ifindex = d.wdev.ifindex;
                si.iftype = cfg::iftype::ap;
                if (auto r = ctx_.exec(si); !r) return r.err();
                (void)ctx_.set_up(d.wdev);
                // A new type drops the frame registrations: the GO hears P2P public action
                // (ap_public_action_rx), GAS and P2P action frames again. Probe requests stay
                // the MAC's to answer, as an AP's.
                (void)ctx_.register_frames();
            }
        }
        if (go) {
            // Every group is WPA2-PSK/CCMP; WPS hands its PSK to the clients.
            g.passphrase = stored                  ? stored->passphrase
                           : !s.passphrase.empty() ? s.passphrase
                                                   : detail::random_passphrase(d.set, d.rng);
            g.ip_addr_alloc = d.set.ip_addr_start != ieee80211::ipv4_address{};
            cfg::cmd::start_ap sa;
            sa.ifindex = g.ref.ifindex;
            static_cast<mac::ap_params&>(sa) =
                mac::make_ap_params(g.iface_addr, g.ssid, *ieee80211::freq_to_channel(freq),
                                    ieee80211::rates_2ghz, true, mac::hidden_ssid::not_hidden, 100);
            sa.tail = detail::go_tail(d, g, advertised(g));
            sa.probe_resp_ies = detail::go_probe_resp_ies(d, g);
            const std::string name = g.ifname;
            auto link = std::make_unique<link_type>(
                runner{ctx_, g.ref}, [this, name](auto& e) { on_rsn_event(name, e); },
                link_type::group_rekey_interval,
                [this, name](const softmac::wps::event& e) { on_wps(name, e); });
            const rsn::ip_pool_config ip{d.set.ip_addr_go, d.set.ip_addr_mask, d.set.ip_addr_start,
                                         d.set.ip_addr_end};
            if (auto s = link->start(std::move(sa), g.passphrase, g.iface_addr, ip); !s) {
                release_interface(g);
                return s.err();
            }
            link->enable_wps(detail::wps_device(d));
            links_.emplace_back(g.ifname, std::move(link));
        } else {
            const std::string name = g.ifname;
            auto link = std::make_unique<client_link>(
                runner{ctx_, g.ref}, [this, name](auto& e) { on_rsn_event(name, e); },
                [this, name](const softmac::wps::event& e) { on_wps(name, e); });
            const bool pbc = g.method == wps_method::pbc || g.method == wps_method::not_ready;
            if (g.psk.empty())
                ctx_.emit(
                    event::wps_event{name, pbc ? softmac::wps::event{softmac::wps::pbc_active{}}
                                               : softmac::wps::event{softmac::wps::pin_active{}}});
            // A radio still scanning refuses the connection: try again shortly (rejoin).
            if (!provision(g, *link)) rejoin(name);
            clients_.emplace_back(g.ifname, std::move(link));
        }
        groups_.push_back(std::move(g));
        group& out = groups_.back();
        if (go && out.forming) {
            arm_registrar(out);
            update_beacon(out);
        }
        if (out.forming) {
            out.provisioning = true;
            rearm_formation(out, s.formation);
        }
        if (go && !out.forming) started(out);
        return &out;
    }

    /// @brief Hands a config-layer event to the group whose interface it is addressed to.
    void route(const cfg::wdev_ref& to, const mac::event::any& e) {
        for (const auto& g : groups_)
            if (to.wdev == g.ref.wdev) {
                const std::string name = g.ifname;
                // While a GO forms its group only the negotiated peer may associate (the MAC
                // address filter wpas_start_wps_go sets).
                if (const auto* n = std::get_if<mac::event::new_station>(&e);
                    n && g.go && g.forming && n->addr != g.peer_iface) {
                    cfg::cmd::deauthenticate d;
                    d.ifindex = g.ref.ifindex;
                    d.peer = n->addr;
                    d.reason = ieee80211::reason::unspecified;
                    (void)ctx_.exec(d);
                    return;
                }
                if (auto* l = link_of(name)) l->on_event(e);    // the GO's authenticator
                if (auto* c = client_of(name)) c->on_event(e);  // the client's supplicant
                std::visit([&](const auto& ev) { on_event(name, ev); }, e);
                return;
            }
    }
    /// @brief An event of a group's interface.
    template <class E>
    void on_event(const std::string& name, const E& e) {
        namespace me = mac::event;
        auto* g = find(name);
        if (!g) return;
        if constexpr (std::is_same_v<E, me::new_station>) {
            mac_address dev = e.addr;
            if (e.addr == g->peer_iface) dev = g->peer_dev;
            if (const auto d = ieee80211::p2p::device_address_in(e.ies)) dev = *d;
            // A station is a client when its 4-way handshake completes (hostapd's authorized
            // station); until then it is only associated (WPS, or the handshake running).
            g->associated.emplace_back(e.addr, dev);
            if (auto a = parse_elements(e.ies); a && a->device) {
                peer_info info = *a->device;
                if (a->capab) info.dev_capab = a->capab->device;
                std::erase_if(g->member_info,
                              [&](const peer_info& m) { return m.dev_addr == info.dev_addr; });
                g->member_info.push_back(std::move(info));
            }
            arm_idle(*g);
        } else if constexpr (std::is_same_v<E, me::del_station>) {
            for (const auto* list : {&g->associated, &g->clients})
                for (const auto& [iface, dev] : *list)
                    if (iface == e.addr)
                        std::erase_if(g->member_info,
                                      [&](const peer_info& m) { return m.dev_addr == dev; });
            std::erase_if(g->associated, [&](const auto& c) { return c.first == e.addr; });
            const auto it = std::find_if(g->clients.begin(), g->clients.end(),
                                         [&](const auto& c) { return c.first == e.addr; });
            if (it == g->clients.end()) return arm_idle(*g);
            const mac_address dev = it->second;
            g->clients.erase(it);
            ctx_.emit(event::ap_sta_disconnected{e.addr, dev, name});
            if (g->started) {
                update_beacon(*g);
                arm_idle(*g);
            }
        } else if constexpr (std::is_same_v<E, me::ch_switch_started>) {
            ctx_.emit(event::channel_switch{name, e.freq, false, false});
        } else if constexpr (std::is_same_v<E, me::ch_switch>) {
            // wpa_supplicant's line, then on a GO hostapd's and AP-CSA-FINISHED (events.c's
            // EVENT_CH_SWITCH, hostapd_event_ch_switch).
            g->freq = static_cast<std::uint16_t>(e.freq);
            ctx_.emit(event::channel_switch{name, g->freq, true, false});
            if (g->go) ctx_.emit(event::channel_switch{name, g->freq, true, true});
            if (g->go) ctx_.emit(event::ap_csa_finished{name, g->freq});
        } else if constexpr (std::is_same_v<E, me::connect>) {
            // The GO may not be up yet: scan and join again until formation times out.
            if ((e.status != ieee80211::status::success || e.timed_out) && !g->started)
                rejoin(name);
        } else if constexpr (std::is_same_v<E, me::disconnect>) {
            if (g->go) return;
            ctx_.emit(event::disconnected{g->peer_iface, e.reason, !e.by_ap, name});
            // Not connected yet: join again until formation ends, provisioned (hostapd ends the
            // WPS association 10 ms after EAP-Failure) or not (M2D: no registrar ready yet).
            if (!g->started && (g->psk.empty() || e.by_ap)) return rejoin(name);
            if (!g->started) return;
            if (e.by_ap && e.reason == ieee80211::reason::deauth_leaving)
                return remove_group(name, "GO_ENDING_SESSION");
            g->timer = ctx_.schedule(limits::client_idle, [this, name] {
                if (auto* gg = find(name)) gg->timer = 0;
                remove_group(name, "IDLE");
            });
        }
    }

  private:
    link_type* link_of(std::string_view name) {
        for (auto& [n, l] : links_)
            if (n == name) return l.get();
        return nullptr;
    }
    client_link* client_of(std::string_view name) {
        for (auto& [n, l] : clients_)
            if (n == name) return l.get();
        return nullptr;
    }
    /// A client's association: WPS first (the method the negotiation or P2P_CONNECT join
    /// named), the group's PSK once provisioned.
    result<void> provision(const group& g, client_link& l) {
        const auto p2p_ie = detail::client_assoc_ie(detail::local_of(ctx_.dev()));
        l.request_ip(!ctx_.dev().set.disable_ip_addr_req);
        if (!g.psk.empty()) {
            l.extra_ies(p2p_ie);
            return l.connect(g.ssid, g.psk, g.freq, g.peer_iface);
        }
        namespace pw = ieee80211::wps::password_id;
        softmac::wps::enrollee::config c;
        c.dev = detail::wps_device(ctx_.dev());
        c.mac = g.iface_addr;
        const bool pbc = g.method == wps_method::pbc || g.method == wps_method::not_ready;
        c.password = pbc ? "00000000" : g.pin;
        // The client shows its PIN (display: the default password ID) or typed the GO's
        // (keypad: registrar-specified), as wpas_start_wps_enrollee picks.
        c.dpid =
            pbc ? pw::push_button
                : (g.method == wps_method::display ? pw::pin_default : pw::registrar_specified);
        return l.connect_wps(g.ssid, g.peer_iface, g.freq, std::move(c), p2p_ie);
    }
    /// A client's association again in a moment, until it is accepted or the group is gone.
    void rejoin(const std::string& name) {
        ctx_.schedule(limits::client_rejoin, [this, name] {
            auto* g = find(name);
            auto* l = client_of(name);
            if (g && l && !provision(*g, *l)) rejoin(name);
        });
    }
    /// The GO's registrar during formation: push-button for the peer's device, or the PIN.
    void arm_registrar(group& g) {
        auto* l = link_of(g.ifname);
        if (!l || !l->registrar()) return;
        if (g.method == wps_method::pbc)
            (void)l->registrar()->start_pbc(ctx_.now(), g.peer_dev);
        else if (g.method == wps_method::display || g.method == wps_method::keypad)
            l->registrar()->add_pin(g.pin, std::nullopt, ctx_.now());
    }
    /// WPS on a group interface: its events, the end of formation on success (GO: the
    /// registration; client: the credential), the 50 ms shortcut on failure.
    void on_wps(const std::string& name, const softmac::wps::event& e) {
        namespace w = softmac::wps;
        ctx_.emit(event::wps_event{name, e});
        auto* g = find(name);
        if (!g) return;
        // The registrar armed or disarmed itself: the beacon says so.
        if (g->go && (std::holds_alternative<w::pbc_active>(e) ||
                      std::holds_alternative<w::pbc_disable>(e) ||
                      std::holds_alternative<w::registrar_success>(e)))
            update_beacon(*g);
        if (!g->forming) return;
        if (std::holds_alternative<softmac::wps::registrar_success>(e) && g->go) {
            started(*g);
            // The provisioned client's 4-way handshake must follow, or formation fails after
            // all (wpas_p2p_wps_success re-arms the formation timeout on the GO too).
            rearm_formation(*g, limits::initial_connection_wait_go);
        } else if (const auto* c = std::get_if<softmac::wps::credential_received>(&e)) {
            g->psk = c->cred.network_key;
        } else if (std::holds_alternative<softmac::wps::succeeded>(e) && !g->go) {
            // wpas_p2p_wps_success: the GO's provision discovery record is used up.
            if (auto* go = ctx_.dev().peers.find(g->go_dev)) go->provisioned = 0;
            ctx_.emit(event::group_formation_success{});
            rearm_formation(*g, limits::initial_connection_wait);
        } else if (std::holds_alternative<softmac::wps::failed>(e)) {
            rearm_formation(*g, limits::formation_failed_shortcut);
        } else if (const auto* m = std::get_if<softmac::wps::m2d_received>(&e);
                   m && m->config_error == softmac::wps::config_error::multiple_pbc_sessions) {
            ctx_.emit(event::wps_event{name, softmac::wps::overlap_detected{}});
            rearm_formation(*g, limits::formation_failed_shortcut);
        }
    }
    /// The formation timer, re-armed: P2P-GROUP-FORMATION-FAILURE when it fires.
    void rearm_formation(group& g, duration d) {
        ctx_.cancel(std::exchange(g.timer, 0));
        const std::string name = g.ifname;
        g.timer = ctx_.schedule(d, [this, name] {
            if (auto* gg = find(name)) gg->timer = 0;
            ctx_.emit(event::group_formation_failure{});
            remove_group(name, "FORMATION_FAILED");
        });
    }
    /// The GO's authenticator reports: a completed 4-way handshake connects the station
    /// (AP-STA-CONNECTED comes after EAPOL-4WAY-HS-COMPLETED, as in hostapd).
    void on_rsn_event(const std::string& name, const rsn::event& e) {
        auto* g = find(name);
        if (!g) return;
        if (const auto* m = std::get_if<rsn::psk_mismatch>(&e))
            return ctx_.emit(event::possible_psk_mismatch{m->peer, name});
        const auto* done = std::get_if<rsn::handshake_completed>(&e);
        if (!done) return;
        if (!g->go) {  // the client's data connection: CTRL-EVENT-CONNECTED, then the group
            ctx_.emit(event::connected{done->peer, name, 0, {}});
            if (!g->started) started(*g);
            return;
        }
        const auto it = std::find_if(g->associated.begin(), g->associated.end(),
                                     [&](const auto& c) { return c.first == done->peer; });
        if (it == g->associated.end()) return;
        // The first client's data connection completes formation
        // (wpas_p2p_notify_ap_sta_authorized).
        if (std::exchange(g->provisioning, false)) ctx_.cancel(std::exchange(g->timer, 0));
        const auto [addr, dev] = *it;
        g->associated.erase(it);
        g->clients.emplace_back(addr, dev);
        ctx_.emit(event::eapol_4way_completed{addr, name});
        auto* link = link_of(name);
        ctx_.emit(event::ap_sta_connected{
            addr, dev, name, link ? link->machine()->ip_address_of(addr) : std::nullopt});
        if (g->persistent_id >= 0)
            report(persistent::add_client(ctx_.dev(), g->persistent_id, dev));
        update_beacon(*g);
        arm_idle(*g);
    }
    group* find(std::string_view name) {
        for (auto& g : groups_)
            if (g.ifname == name) return &g;
        return nullptr;
    }
    /// A group's own interface is deleted; a shared one goes back to being the P2P device.
    void release_interface(const group& g) {
        auto& d = ctx_.dev();
        if (g.ref.wdev != d.wdev.wdev) {
            cfg::cmd::del_interface del;
            del.ifindex = g.ref.ifindex;
            del.wdev = g.ref.wdev;
            (void)ctx_.exec(del);
            return;
        }
        if (g.go) {
            cfg::cmd::set_interface si;
            si.ifindex = d.wdev.ifindex;
            si.iftype = cfg::iftype::station;
            (void)ctx_.exec(si);
            (void)ctx_.set_up(d.wdev);
        }
        (void)ctx_.register_frames();
    }
    void started(group& g) {
        ctx_.cancel(std::exchange(g.timer, 0));
        const bool was_forming = g.forming;
        g.forming = false;
        g.started = true;
        if (!g.go) g.provisioning = false;  // the client's data connection is up
        if (was_forming && g.go) {          // a client reported it when WPS succeeded
            ctx_.emit(event::group_formation_success{});
            update_beacon(g);
        }
        if (g.persistent) report(persistent::store(ctx_.dev(), g));
        auto* client = g.go ? nullptr : client_of(g.ifname);
        ctx_.emit(event::group_started{g.ifname, g.go, g.ssid, g.freq, g.go ? g.passphrase : "",
                                       g.go_dev, g.go ? "" : g.psk, g.persistent,
                                       client ? client->machine().p2p_ip_addr() : std::nullopt});
        if (g.go) arm_idle(g);
    }
    /// A stored group's change reaches the sink (and with it the configuration file).
    void report(const std::optional<event::persistent_group_changed>& c) {
        if (c) ctx_.emit(*c);
    }
    /// What the GO's registrar advertises (nothing before its link exists).
    softmac::wps::registrar_state advertised(const group& g) {
        auto* l = link_of(g.ifname);
        return l && l->registrar() ? l->registrar()->advertised() : softmac::wps::registrar_state{};
    }
    void update_beacon(group& g) { (void)this->readvertise(g); }
    void arm_idle(group& g) {
        if (!g.started || g.provisioning) return;  // the timer is the formation's
        ctx_.cancel(std::exchange(g.timer, 0));
        const auto idle_s = ctx_.dev().set.group_idle_s;
        if (!g.go || !idle_s || !g.clients.empty() || !g.associated.empty()) return;
        const std::string name = g.ifname;
        g.timer = ctx_.schedule(std::chrono::seconds(idle_s), [this, name] {
            if (auto* gg = find(name)) gg->timer = 0;
            remove_group(name, "IDLE");
        });
    }
    void remove_group(const std::string& name, const char* reason) {
        auto* g = find(name);
        if (!g) return;
        ctx_.cancel(g->timer);
        const group gone = *g;
        const bool go = gone.go;
        std::erase_if(groups_, [&](const group& x) { return x.ifname == name; });
        std::erase_if(links_, [&](const auto& l) { return l.first == name; });
        std::erase_if(clients_, [&](const auto& l) { return l.first == name; });
        if (go) {
            cfg::cmd::stop_ap s;
            s.ifindex = gone.ref.ifindex;
            (void)ctx_.exec(s);
        } else {
            cfg::cmd::disconnect dc;
            dc.ifindex = gone.ref.ifindex;
            dc.reason = ieee80211::reason::deauth_leaving;
            (void)ctx_.exec(dc);
        }
        release_interface(gone);
        ctx_.emit(event::group_removed{name, go, reason});
    }
    Ctx ctx_;
    std::vector<group> groups_;
    std::vector<std::pair<std::string, std::unique_ptr<link_type>>> links_;      ///< GOs
    std::vector<std::pair<std::string, std::unique_ptr<client_link>>> clients_;  ///< clients
    unsigned counter_ = 0;  ///< numbers the group interfaces (p2p-wlan0-0, -1, ...)
};

}  // namespace softmac::p2p
