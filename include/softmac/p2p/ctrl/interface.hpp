// SPDX-License-Identifier: MIT
/// @file Defines ctrl::interface: one P2P device's control commands and events over its engine.
#pragma once

#include <algorithm>
#include <concepts>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/p2p/ctrl/command.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/ctrl/networks.hpp>
#include <softmac/p2p/ctrl/parse.hpp>
#include <softmac/p2p/ctrl/service_control.hpp>
#include <softmac/p2p/ctrl/settings_control.hpp>
#include <softmac/p2p/ctrl/station_control.hpp>
#include <softmac/p2p/peer_table.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

/// @brief An engine sink that hands every event to a function set after construction (the
/// control interface is built around an engine that already exists). Management path only.
struct event_relay {
    std::function<void(const event::any&)> to;
    template <class E>
    void operator()(const E& e) const {
        if (to) to(event::any{e});
    }
};

/// @brief What the control interface needs of a P2P engine (p2p::engine over any config layer,
/// its events relayed by an event_relay sink).
template <class E>
concept controllable_engine = requires(E& e, const E& ce, const mac_address& a) {
    e.sink().to;
    { e.settings() } -> std::same_as<settings&>;
    { ce.groups() } -> std::same_as<const std::vector<group>&>;
    { ce.peers() } -> std::same_as<const peer_table&>;
    { ce.current() } -> std::same_as<state>;
    { ce.device_address() } -> std::same_as<const mac_address&>;
    { ce.ifname() } -> std::convertible_to<std::string>;
    { ce.device_ifname() } -> std::convertible_to<std::string>;
    e.find(find_params{});
    e.stop_find();
    e.connect(a, connect_params{});
    e.prov_disc(a, wps_method::pbc, false);
    e.flush();
    { E::changes_radio(operation::find) } -> std::same_as<bool>;
};

/// @brief What the process around a device offers its control interface: INTERFACES lists the
/// process's interfaces (the argument: with their socket directories), TERMINATE ends it.
/// Without them, INTERFACES lists the device's own interfaces and TERMINATE fails.
struct process_hooks {
    std::function<std::string(bool ctrl)> interfaces;
    std::function<void()> terminate;
};

/// @brief Whether control command C needs an admin caller on `Engine`'s device: when an engine
/// operation it runs changes the radio's state, or when it says so itself.
template <class Engine, class C>
constexpr bool needs_admin() noexcept {
    if constexpr (requires { C::runs; }) {
        for (operation op : C::runs)
            if (Engine::changes_radio(op)) return true;
        return false;
    } else {
        return C::admin;
    }
}

/// @brief The commands and events of one P2P device, as wpa_supplicant serves them on its
/// control interfaces: `<if>` (P2P commands go to the device), `p2p-dev-<if>` when the radio has
/// a P2P device interface, and one per group interface. Sockets are the server's business.
template <controllable_engine Engine>
class interface {
  public:
    /// Where an event goes: the interface whose monitors receive it, and its texts with and
    /// without its secrets.
    using output = std::function<void(std::string_view ifname, const event_message& m)>;

    interface(Engine& e, std::string ctrl_dir) : engine_(e), dir_(std::move(ctrl_dir)) {
        engine_.sink().to = [this](const event::any& ev) { on_event(ev); };
        nets_.on_save([this] { settings_.write_back(); });
    }
    interface(const interface&) = delete;
    interface& operator=(const interface&) = delete;
    ~interface() { engine_.sink().to = nullptr; }

    Engine& engine() noexcept { return engine_; }
    /// @brief The directory of this device's sockets (`INTERFACES ctrl`).
    const std::string& ctrl_dir() const noexcept { return dir_; }
    void on_output(output o) { out_ = std::move(o); }
    /// @brief The process around the device (INTERFACES lists its interfaces, TERMINATE ends
    /// it).
    void attach_process(process_hooks h) { process_ = std::move(h); }

    /// @brief Reads the device's configuration file (`p2pd -c`): its globals as SET would set
    /// them, its persistent groups into the engine. With update_config=1 it is written again
    /// whenever a stored group changes, and by SAVE_CONFIG.
    result<void> load_config(std::string path) {
        auto r = nets_.load(std::move(path), [this](std::string_view key, std::string_view value) {
            if (!settings_control<Engine>::is_setting(key)) return true;  // kept, not read
            return settings_.run(cmd::set{std::string(key), std::string(value)}) == replies::ok;
        });
        settings_.mark_baseline();
        return r;
    }
    network_config<Engine>& networks() noexcept { return nets_; }

    /// @brief The control interface names, device interfaces first.
    std::vector<std::string> names() const {
        std::vector<std::string> n{engine_.ifname()};
        if (engine_.device_ifname() != engine_.ifname()) n.push_back(engine_.device_ifname());
        for (const auto& g : engine_.groups())
            if (std::find(n.begin(), n.end(), g.ifname) == n.end()) n.push_back(g.ifname);
        return n;
    }
    bool is_device(std::string_view ifname) const {
        return ifname == engine_.ifname() || ifname == engine_.device_ifname();
    }

    /// @brief The reply to one request received on `ifname`. `privileged`: the caller may run
    /// admin commands. ATTACH, DETACH and LEVEL belong to the socket layer and fail here.
    std::string handle(std::string_view ifname, std::string_view text, bool privileged) {
        auto [target, body] = split_ifname(text);
        if (!target.empty()) {
            const auto n = names();
            if (std::find(n.begin(), n.end(), target) == n.end())
                return std::string(replies::no_ifname);
            ifname = target;
        }
        return std::visit(
            [&](const auto& c) -> std::string {
                using C = std::decay_t<decltype(c)>;
                if constexpr (std::is_same_v<C, refused>) {
                    return std::string(c.reply);
                } else {
                    if (needs_admin<Engine, C>() && !privileged)
                        return std::string(replies::not_permitted);
                    if constexpr (requires { sta_.run(ifname, c); })
                        return sta_.run(ifname, c);  // the station interface's
                    else if constexpr (requires { sd_.run(c); })
                        return sd_.run(c);  // service discovery's
                    else if constexpr (requires { settings_.run(c); })
                        return settings_.run(c);  // SET and GET
                    else
                        return run(ifname, c);
                }
            },
            parse(body));
    }

  private:
    using group_type = std::decay_t<decltype(std::declval<Engine&>().groups().front())>;

    static std::string status_of(const result<void>& r) {
        return std::string(r ? replies::ok : replies::fail);
    }
    const group_type* group_named(std::string_view ifname) const {
        for (const auto& g : engine_.groups())
            if (g.ifname == ifname) return &g;
        return nullptr;
    }

    std::string run(std::string_view, const cmd::ping&) { return std::string(replies::pong); }
    template <class C>
    requires std::is_same_v<C, cmd::attach> || std::is_same_v<C, cmd::detach> ||
        std::is_same_v<C, cmd::level>
            std::string run(std::string_view, const C&) {
        return std::string(replies::fail);
    }
    std::string run(std::string_view ifname, const cmd::ifname&) { return std::string(ifname); }
    std::string run(std::string_view, const cmd::interfaces& c) {
        if (process_.interfaces) return process_.interfaces(c.ctrl);
        std::string s;
        for (const auto& n : names()) s += c.ctrl ? n + " ctrl_iface=" + dir_ + "\n" : n + "\n";
        return s;
    }
    std::string run(std::string_view ifname, const cmd::status&) {
        return status_reply(ifname, false);
    }
    /// STATUS-WPS: STATUS with a GO's passphrase.
    std::string run(std::string_view ifname, const cmd::status_wps&) {
        return status_reply(ifname, true);
    }
    /// wpa_supplicant_ctrl_iface_status: with `wps` ("-WPS"), a GO's passphrase after the
    /// network id.
    std::string status_reply(std::string_view ifname, bool wps) {
        std::string s;
        const auto* g = group_named(ifname);
        if (g) {
            s += "bssid=" + (g->go ? g->iface_addr : g->peer_iface).to_string() + "\n";
            s += "freq=" + std::to_string(g->freq) + "\nssid=" + printable(g->ssid) + "\nid=0\n";
            if (wps && g->go && !g->passphrase.empty()) s += "passphrase=" + g->passphrase + "\n";
            s += g->go ? (g->forming ? "mode=P2P GO - group formation\n" : "mode=P2P GO\n")
                       : "mode=station\n";
            // wpa_supplicant_ctrl_iface_status: the ciphers, then the key management.
            s += "pairwise_cipher=CCMP\ngroup_cipher=CCMP\nkey_mgmt=WPA2-PSK\n";
            s += g->started || g->go ? "wpa_state=COMPLETED\n" : "wpa_state=ASSOCIATING\n";
        } else if (ifname == engine_.ifname()) {
            s += sta_.station_status();
        } else {
            s += "wpa_state=DISCONNECTED\n";
        }
        const auto& sta = engine_.station();
        const bool sta_addr = !g && ifname == engine_.ifname() && sta.address() != mac_address{};
        s += "p2p_device_address=" + engine_.device_address().to_string() + "\n";
        s += "address=" +
             (g          ? g->iface_addr
              : sta_addr ? sta.address()
                         : engine_.device_address())
                 .to_string() +
             "\n";
        s += "uuid=" + wps::to_string(engine_.wps_device().id) + "\n";
        s += "p2p_state=" + std::string(to_string(engine_.current())) + "\n";
        return s;
    }
    /// TERMINATE: the process ends after the reply (wpa_supplicant_terminate_proc).
    std::string run(std::string_view, const cmd::terminate&) {
        if (!process_.terminate) return std::string(replies::fail);
        process_.terminate();
        return std::string(replies::ok);
    }
    std::string run(std::string_view, const cmd::add_network&) {
        return std::to_string(nets_.add()) + "\n";
    }
    std::string run(std::string_view, const cmd::network_choice& c) {
        if (!nets_.choose(c.what, c.id)) return std::string(replies::fail);
        if (c.what == cmd::network_choice::verb::select) engine_.station().allow_connection(true);
        return std::string(replies::ok);
    }
    std::string run(std::string_view, const cmd::p2p_find& c) {
        return status_of(engine_.find(c.params));
    }
    std::string run(std::string_view, const cmd::p2p_stop_find&) {
        engine_.stop_find();
        return std::string(replies::ok);
    }
    std::string run(std::string_view, const cmd::p2p_listen& c) {
        return status_of(engine_.listen(c.timeout_s));
    }
    std::string run(std::string_view, const cmd::p2p_ext_listen& c) {
        return status_of(engine_.ext_listen(c.period_ms, c.interval_ms));
    }
    /// CHAN_SWITCH on a GO's group interface: 20 MHz without HT only.
    std::string run(std::string_view ifname, const cmd::chan_switch& c) {
        if (c.wide || c.sec_offset != 0 || c.cf2 != 0 || (c.cf1 != 0 && c.cf1 != c.freq) ||
            (c.bandwidth != 0 && c.bandwidth != 20))
            return std::string(replies::fail);
        return status_of(engine_.switch_channel(ifname, c.count, c.freq, c.block_tx));
    }
    std::string run(std::string_view ifname, const cmd::p2p_presence_req& c) {
        return status_of(engine_.presence_request(ifname, c.dur1, c.int1, c.dur2, c.int2));
    }
    std::string run(std::string_view, const cmd::p2p_connect& c) {
        const bool show_pin = c.params.method == wps_method::display && c.params.pin.empty();
        auto r = engine_.connect(c.peer, c.params);
        if (!r)
            return std::string(r.err().code == errc::not_supported ? replies::channel_unsupported
                               : r.err().code == errc::exhausted   ? replies::channel_unavailable
                                                                   : replies::fail);
        return show_pin ? *r : std::string(replies::ok);
    }
    std::string run(std::string_view, const cmd::p2p_prov_disc& c) {
        return status_of(engine_.prov_disc(c.peer, c.method,
                                           c.join || (c.auto_join && engine_.runs_group(c.peer)),
                                           c.auto_join && !c.join));
    }
    std::string run(std::string_view, const cmd::p2p_group_add& c) {
        return engine_.group_add(c.freq, c.persistent, c.persistent_id)
                   ? std::string(replies::ok)
                   : std::string(replies::fail);
    }
    std::string run(std::string_view, const cmd::p2p_invite& c) {
        return status_of(engine_.invite(c.params));
    }
    // ---- the configuration's networks -------------------------------------------------------
    std::string run(std::string_view, const cmd::list_networks&) { return nets_.list(); }
    std::string run(std::string_view, const cmd::remove_network& c) {
        return status_of(nets_.remove(c.id));
    }
    std::string run(std::string_view, const cmd::get_network& c) {
        auto v = nets_.get(c.id, c.field);
        return v ? *v : std::string(replies::fail);
    }
    std::string run(std::string_view, const cmd::set_network& c) {
        return status_of(nets_.set(c.id, c.field, c.value));
    }
    std::string run(std::string_view, const cmd::dup_network& c) {
        auto v = nets_.raw(c.from, c.field);
        return status_of(v ? nets_.set(c.to, c.field, *v) : result<void>(v.err()));
    }
    std::string run(std::string_view, const cmd::network_bssid& c) {
        return status_of(nets_.set_bssid(c.id, c.bssid));
    }
    std::string run(std::string_view, const cmd::host_sleep&) { return std::string(replies::ok); }
    std::string run(std::string_view, const cmd::save_config&) { return status_of(nets_.save()); }
    std::string run(std::string_view, const cmd::p2p_group_remove& c) {
        return status_of(engine_.group_remove(c.ifname));
    }
    std::string run(std::string_view ifname, const cmd::p2p_get_passphrase&) {
        for (const auto& g : engine_.groups())
            if (g.go && (g.ifname == ifname || is_device(ifname))) return g.passphrase;
        return std::string(replies::fail);
    }
    // ---- WPS on a GO's group interface (wpa_supplicant_ap_wps_pin / _pbc / _cancel) ----------
    std::string run(std::string_view ifname, const cmd::wps_pin& c) {
        if (c.get) return wps::generate_pin();
        const std::string pin = c.pin.empty() ? wps::generate_pin() : c.pin;
        if (!engine_.wps_pin(ifname, pin, c.addr, std::chrono::seconds(c.timeout_s)))
            return std::string(replies::fail);
        return pin;
    }
    std::string run(std::string_view ifname, const cmd::wps_pbc& c) {
        return status_of(engine_.wps_pbc(ifname, c.dev));
    }
    std::string run(std::string_view ifname, const cmd::wps_cancel&) {
        return status_of(engine_.wps_cancel(ifname));
    }
    std::string run(std::string_view, const cmd::wps_check_pin& c) {
        if (c.pin.size() != 4 && c.pin.size() != 8) return std::string(replies::fail);
        if (!wps::pin_valid(c.pin)) return "FAIL-CHECKSUM\n";
        return c.pin;
    }
    std::string run(std::string_view, const cmd::p2p_reject& c) {
        return status_of(engine_.reject(c.peer));
    }
    std::string run(std::string_view, const cmd::p2p_cancel&) {
        return status_of(engine_.cancel());
    }
    std::string run(std::string_view, const cmd::p2p_unauthorize& c) {
        return status_of(engine_.unauthorize(c.peer));
    }
    /// OK whether or not a GO had the client (p2p_ctrl_remove_client).
    std::string run(std::string_view, const cmd::p2p_remove_client& c) {
        engine_.remove_client(c.addr, c.iface);
        return std::string(replies::ok);
    }
    /// The client's interface address, without a newline (p2p_ctrl_group_member).
    std::string run(std::string_view ifname, const cmd::p2p_group_member& c) {
        const auto a = engine_.group_member(ifname, c.dev);
        return a ? a->to_string() : std::string(replies::fail);
    }
    std::string run(std::string_view, const cmd::p2p_peer& c) {
        const auto& all = engine_.peers().all();
        auto it = all.begin();
        if (c.what != cmd::p2p_peer::which::first) {
            it = std::find_if(all.begin(), all.end(),
                              [&](const peer& p) { return p.info.dev_addr == c.addr; });
            if (it != all.end() && c.what == cmd::p2p_peer::which::next) ++it;
        }
        if (it == all.end()) return std::string(replies::fail);
        return format_peer(*it, engine_.now(), shared_group(it->info.dev_addr));
    }
    std::string run(std::string_view ifname, const cmd::p2p_set& c) {
        auto& s = engine_.settings();
        auto num = [](std::string_view v, auto& out) { return detail::number(v, out); };
        // A GO's power save, on its group interface (p2p_ctrl_set's noa, oppps, ctwindow, ps;
        // the values read as atoi reads them, -1 leaving a setting as it is, as
        // wpa_drv_set_p2p_powersave does).
        if (c.field == "noa") {
            const auto a = c.value.find(',');
            const auto b = a == std::string::npos ? a : c.value.find(',', a + 1);
            if (b == std::string::npos) return std::string(replies::fail);
            const int count = detail::c_atoi(std::string_view(c.value).substr(0, a)),
                      start = detail::c_atoi(std::string_view(c.value).substr(a + 1)),
                      duration = detail::c_atoi(std::string_view(c.value).substr(b + 1));
            if (count < 0 || count > 255 || start < 0 || duration < 0 ||
                (count == 0 && duration > 0))
                return std::string(replies::fail);
            return status_of(
                engine_.set_noa(ifname, unsigned(count), unsigned(start), unsigned(duration)));
        }
        const int v = detail::c_atoi(c.value);
        if ((c.field == "oppps" || c.field == "ctwindow" || c.field == "ps") && v == -1)
            return std::string(replies::ok);  // -1: as it is (nl80211_set_p2p_powersave)
        if ((c.field == "oppps" || c.field == "ctwindow" || c.field == "ps") && v < 0)
            return std::string(replies::fail);
        if (c.field == "oppps") return status_of(engine_.set_opp_ps(ifname, v != 0));
        if (c.field == "ctwindow") return status_of(engine_.set_ctwindow(ifname, unsigned(v)));
        // Legacy power save: softmac's stations never doze, so only "off" is true of them.
        if (c.field == "ps") return std::string(v == 0 ? replies::ok : replies::fail);
        if (c.field == "ssid_postfix") {
            if (c.value.size() > 32 - 9 || c.value.starts_with('<'))
                return std::string(replies::fail);
            s.ssid_postfix = c.value;
        } else if (c.field == "disabled") {
            unsigned v;
            if (!num(c.value, v) || v > 1) return std::string(replies::fail);
            if (v) engine_.flush();
            s.disabled = v == 1;
        } else if (c.field == "listen_channel") {
            const detail::tokens t(c.value);
            unsigned ch, op_class = 81;
            if (!num(t[0], ch) || t.size() > 2 || (t.size() == 2 && !num(t[1], op_class)) ||
                op_class != 81 || ch > 255)
                return std::string(replies::fail);
            return status_of(engine_.set_listen_channel(static_cast<std::uint8_t>(ch)));
        } else if (c.field == "peer_filter") {
            const auto a = mac_address::parse(c.value);
            if (!a) return std::string(replies::fail);
            s.peer_filter = *a;
        } else if (c.field == "disc_int") {
            const detail::tokens t(c.value);
            unsigned lo, hi;
            int max_tu;
            if (t.size() != 3 || !num(t[0], lo) || !num(t[1], hi) || !num(t[2], max_tu) ||
                lo == 0 || lo > hi || hi > 255)
                return std::string(replies::fail);
            s.min_disc_int = static_cast<std::uint8_t>(lo);
            s.max_disc_int = static_cast<std::uint8_t>(hi);
        } else if (c.field == "disable_ip_addr_req") {  // !!atoi(param)
            std::string_view v = c.value;
            if (v.starts_with('-') || v.starts_with('+')) v.remove_prefix(1);
            s.disable_ip_addr_req = detail::leading_number(v) != 0;
        } else {
            return std::string(replies::fail);  // NoA, power save, ... come with those features
        }
        return std::string(replies::ok);
    }
    std::string run(std::string_view, const cmd::p2p_flush&) {
        engine_.flush();
        return std::string(replies::ok);
    }
    /// FLUSH (wpa_supplicant_ctrl_iface_flush): every group removed, a formation cancelled, P2P
    /// flushed with its services, P2P enabled again without secondary device types and with IP
    /// address requests, every network removed (stored groups among them), the BSS list emptied,
    /// and a DISCONNECT forgotten.
    std::string run(std::string_view ifname, const cmd::flush&) {
        (void)engine_.group_remove("*");
        (void)engine_.cancel();
        (void)run(ifname, cmd::p2p_flush{});
        engine_.services().flush();
        engine_.settings().disabled = false;
        engine_.settings().secondary_types.clear();
        engine_.settings().disable_ip_addr_req = false;
        (void)nets_.remove(-1);
        engine_.station().flush_bss(duration::zero());
        engine_.station().allow_connection();
        return std::string(replies::ok);
    }
    std::string run(std::string_view, const cmd::empty_list& c) { return std::string(c.header); }

    /// The stored group we share with peer `dev` (its GO, or a client in its list); -1: none.
    int shared_group(const mac_address& dev) const {
        for (const auto& g : engine_.persistent_groups())
            if ((!g.go && g.go_dev == dev) ||
                (g.go && std::find(g.clients.begin(), g.clients.end(), dev) != g.clients.end()))
                return g.id;
        return -1;
    }

    void on_event(const event::any& e) {
        if (std::holds_alternative<event::persistent_group_changed>(e)) nets_.changed();
        if (!out_) return;
        // An event goes to the monitors of its interface, and once to the global socket's
        // (wpa_supplicant_ctrl_iface_msg_cb): a group interface's to that interface only. A
        // GO's AP-STA-CONNECTED and -DISCONNECTED also reach the P2P device's monitors, but
        // not the global socket a second time (hostapd's msg_ctx_parent, wpa_msg_no_global).
        const auto group = interface_of(e);
        auto m = message(e);
        if (m.text.empty()) return;
        if (group.empty() || group == engine_.ifname()) return out_(engine_.ifname(), m);
        out_(group, m);
        if (std::holds_alternative<event::ap_sta_connected>(e) ||
            std::holds_alternative<event::ap_sta_disconnected>(e)) {
            m.global = false;
            out_(engine_.ifname(), m);
        }
    }
    Engine& engine_;
    std::string dir_;
    network_config<Engine> nets_{engine_};
    station_control<Engine> sta_{engine_};
    service_control<Engine> sd_{engine_};
    settings_control<Engine> settings_{engine_, nets_};
    output out_;
    process_hooks process_;
};

}  // namespace softmac::p2p::ctrl
