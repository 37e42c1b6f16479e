// SPDX-License-Identifier: MIT
/// @file Defines rsn::station_link and rsn::ap_link: WPS provisioning and the WPA2-PSK handshakes
/// run over a config layer (nl80211's CONNECT, START_AP, CONTROL_PORT_FRAME, NEW_KEY, SET_STATION),
/// as wpa_supplicant's and hostapd's driver_nl80211 run them.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/cfg/credentials.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/crypto/primitives.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/rsn/authenticator.hpp>
#include <softmac/rsn/supplicant.hpp>
#include <softmac/wps/eap_peer.hpp>
#include <softmac/wps/eap_server.hpp>

namespace softmac::rsn {

/// @brief The RSN element of a WPA2-PSK network with CCMP for pairwise and group traffic.
/// `caps` are the RSN Capabilities (an AP with WMM sets 16 PTKSA replay counters: 0x000c).
inline std::vector<std::uint8_t> psk_ccmp_element(std::uint16_t caps = 0) {
    std::vector<std::uint8_t> e(22);
    byte_writer w(e);
    ieee80211::put::rsn(w, ieee80211::suite::ccmp, ieee80211::suite::ccmp,
                        ieee80211::suite::akm_psk, caps);
    return e;
}

/// @brief The crypto settings CONNECT and START_AP carry for WPA2-PSK/CCMP.
inline mac::crypto_settings psk_ccmp_settings() {
    mac::crypto_settings s;
    s.privacy = s.control_port = true;
    s.wpa_versions = NL80211_WPA_VERSION_2;
    s.group_cipher = ieee80211::suite::ccmp;
    s.pairwise_ciphers = {ieee80211::suite::ccmp};
    s.akm_suites = {ieee80211::suite::akm_psk};
    return s;
}

namespace detail {
/// The element with `id` in `ies`, header included, or empty.
inline bytes_view find_element(bytes_view ies, std::uint8_t id) noexcept {
    auto r = ieee80211::element_range::parse(ies);
    if (!r) return {};
    for (auto e : *r)
        if (e.id == id) return bytes_view(e.data.data() - 2, e.data.size() + 2);
    return {};
}

/// What both links do with the config layer, through a Runner: `run(command)` on the link's
/// interface and `time()`.
template <class Runner>
struct port {
    Runner runner;
    std::function<void(const event&)> on_event;
    std::function<void(const wps::event&)> on_wps;

    template <class C>
    auto run(C c) {
        return runner.run(std::move(c));
    }
    void send_eapol(const mac_address& to, bytes_view frame) {
        cfg::cmd::control_port_frame c;
        c.to = to;
        c.frame.assign(frame.begin(), frame.end());
        (void)run(std::move(c));
    }
    result<void> install_key(const key_install& k) {
        cfg::cmd::new_key c;
        c.index = k.key_id;
        if (k.pairwise) c.mac = k.peer;
        c.cipher = k.cipher;
        c.data.assign(k.key.begin(), k.key.end());
        c.seq.assign(k.rsc.begin(), k.rsc.end());
        if (auto r = run(std::move(c)); !r) return r;
        if (!k.tx_default) return {};
        cfg::cmd::set_key d;
        d.index = k.key_id;
        d.default_key = true;
        return run(std::move(d));
    }
    void authorize(const mac_address& peer, bool on) {
        cfg::cmd::set_station c;
        c.mac = peer;
        c.flags = {1u << NL80211_STA_FLAG_AUTHORIZED, on ? 1u << NL80211_STA_FLAG_AUTHORIZED : 0};
        (void)run(std::move(c));
    }
    void emit(const event& e) {
        if (on_event) on_event(e);
    }
    void emit_wps(const wps::event& e) {
        if (on_wps) on_wps(e);
    }
    auto& time() { return runner.time(); }
};
}  // namespace detail

/// @brief Runs a link's commands on one interface of a config layer with root's credentials
/// (the supplicant and hostapd hold CAP_NET_ADMIN). A P2P engine gives its own runner.
template <class Config>
struct config_runner {
    Config* cfg;
    cfg::wdev_ref iface;
    cfg::credentials who{0, 0, 0, true};
    template <class C>
    auto run(C c) {
        static_cast<cfg::wdev_ref&>(c) = iface;
        return cfg->execute(c, who);
    }
    auto& time() { return cfg->time(); }
};

/// @brief A station interface's WPA2-PSK join: CONNECT with the RSN element and crypto
/// settings, then the supplicant on the connect event, EAPOL through the control port, the
/// keys and the port through NEW_KEY and SET_STATION. Feed it the interface's events.
template <class Runner>
class station_link {
    struct context : detail::port<Runner> {
        void deauthenticate(const mac_address&, std::uint16_t why) {
            cfg::cmd::disconnect c;
            c.reason = why;
            (void)this->run(std::move(c));
        }
    };

  public:
    explicit station_link(Runner r, std::function<void(const event&)> on_event = {},
                          std::function<void(const wps::event&)> on_wps = {})
        : ctx_{{std::move(r), std::move(on_event), std::move(on_wps)}}, sm_(ctx_) {}
    station_link(const station_link&) = delete;
    station_link& operator=(const station_link&) = delete;
    ~station_link() { ctx_.time().cancel(retry_); }

    /// After WPS the join with the credential is retried this often, this many times, while the
    /// radio refuses it (a scan still running).
    static constexpr duration reconnect_wait = std::chrono::milliseconds(100);
    static constexpr unsigned reconnect_tries = 50;

    /// @brief Elements every association request carries after the RSN element (a P2P
    /// client's P2P element).
    void extra_ies(std::vector<std::uint8_t> ies) { extra_ies_ = std::move(ies); }
    /// @brief A P2P client's joins ask for an IPv4 address in M2 when the GO's P2P element
    /// advertises IP address allocation (wpa_supplicant unless p2p_disable_ip_addr_req).
    void request_ip(bool on) noexcept { request_ip_ = on; }
    /// @brief Joins `ssid` with `passphrase` (8..63 characters, or 64 hex digits), at `bssid`
    /// on `freq` when given.
    result<void> connect(std::string_view ssid, std::string_view passphrase, std::uint16_t freq = 0,
                         const mac_address& bssid = {}) {
        auto pmk = crypto::psk_from_passphrase(passphrase, as_bytes(ssid));
        if (!pmk) return pmk.err();
        pmk_ = *pmk;
        own_ie_ = psk_ccmp_element();
        cfg::cmd::connect c;
        static_cast<mac::crypto_settings&>(c) = psk_ccmp_settings();
        c.ssid = std::string(ssid);
        c.bssid = bssid;
        c.freq = freq;
        c.ies = own_ie_;
        c.ies.insert(c.ies.end(), extra_ies_.begin(), extra_ies_.end());
        return ctx_.run(std::move(c));
    }
    /// @brief Wi-Fi Protected Setup, then WPA2-PSK (wpa_supplicant's WPS network block): an
    /// open association to `bssid` with a WPS element (Request Type: enrollee) and `extra_ies`,
    /// EAP-WSC as enrollee; with M8's credential the station disconnects (reason 3, as
    /// wpas_wps_eapol_cb does) and joins with the credential's key; `extra_ies` go into that
    /// association too.
    result<void> connect_wps(std::string_view ssid, const mac_address& bssid, std::uint16_t freq,
                             wps::enrollee::config enrollee, std::vector<std::uint8_t> extra_ies) {
        enrollee.emit = [this](const wps::event& e) { ctx_.emit_wps(e); };
        enrollee_ = std::move(enrollee);
        extra_ies_ = std::move(extra_ies);
        wps_peer_.reset();
        wps_freq_ = freq;
        cfg::cmd::connect c;
        c.control_port = true;  // EAPOL travels over the controlled port
        c.ssid = std::string(ssid);
        c.bssid = bssid;
        c.freq = freq;
        c.ies = wps::assoc_request_element();
        c.ies.insert(c.ies.end(), extra_ies_.begin(), extra_ies_.end());
        return ctx_.run(std::move(c));
    }
    /// @brief The interface's events: connect starts the handshake (or EAP-WSC), control-port
    /// frames feed it, a disconnect ends it.
    void on_event(const mac::event::any& e) {
        if (auto* c = std::get_if<mac::event::connect>(&e)) {
            if (c->status != 0) return;
            if (enrollee_) {  // the WPS association: EAP-WSC, not the 4-way handshake
                wps_peer_ = std::make_unique<wps::eap_peer<context>>(ctx_, *enrollee_);
                return wps_peer_->associated(c->bssid);
            }
            const auto ap_ies = bss_elements(c->bssid);
            const auto ap_ie = detail::find_element(ap_ies, ieee80211::eid::rsn);
            auto own = own_address();
            if (!own || ap_ie.empty()) return ctx_.emit(handshake_failed{c->bssid});
            const bool ip = request_ip_ && (ieee80211::p2p::group_capability_in(ap_ies) &
                                            ieee80211::p2p::group_capab::ip_addr_alloc);
            (void)sm_.start(*own, c->bssid, pmk_, own_ie_, ap_ie, ip);
        } else if (auto* f = std::get_if<mac::event::control_port_frame>(&e)) {
            if (!wps_peer_) return (void)sm_.receive(f->from, f->frame);
            wps_peer_->receive(f->from, f->frame);
            if (wps_peer_->finished()) provisioned();
        } else if (auto* d = std::get_if<mac::event::disconnect>(&e)) {
            if (wps_peer_) return;  // provisioning goes on to the WPA2 association
            sm_.disconnected(d->reason);
        }
    }
    const supplicant<context>& machine() const noexcept { return sm_; }

  private:
    /// EAP-WSC ended: with a credential, disconnect and join with its key; without, disconnect.
    void provisioned() {
        std::optional<wps::credential> cred = wps_peer_->registration().credential();
        enrollee_.reset();
        cfg::cmd::disconnect d;
        d.reason = reason::deauth_leaving;
        (void)ctx_.run(std::move(d));
        wps_peer_.reset();
        if (cred) join(std::move(*cred), reconnect_tries);
    }
    /// Joins with a WPS credential; a radio still busy (scanning) is asked again in a moment.
    void join(wps::credential cred, unsigned tries) {
        if (connect(cred.ssid, cred.network_key, wps_freq_) || tries == 0) return;
        ctx_.time().cancel(retry_);
        retry_ = ctx_.time().schedule_in(reconnect_wait, [this, cred = std::move(cred), tries] {
            retry_ = 0;
            join(cred, tries - 1);
        });
    }
    /// The AP's elements as its Beacon or Probe Response carried them (the scan results).
    std::vector<std::uint8_t> bss_elements(const mac_address& bssid) {
        auto r = ctx_.run(cfg::cmd::get_scan{});
        if (!r) return {};
        for (const auto& s : *r)
            if (s.bss.bssid == bssid) return {s.bss.ies.begin(), s.bss.ies.end()};
        return {};
    }
    std::optional<mac_address> own_address() {
        auto r = ctx_.run(cfg::cmd::get_interface{});
        if (!r || r->empty()) return std::nullopt;
        return r->front().mac;
    }

    context ctx_;
    supplicant<context> sm_;
    crypto::psk pmk_{};
    std::vector<std::uint8_t> own_ie_, extra_ies_;
    std::optional<wps::enrollee::config> enrollee_;  ///< set while provisioning
    std::unique_ptr<wps::eap_peer<context>> wps_peer_;
    std::uint16_t wps_freq_ = 0;
    timer_id retry_ = 0;
    bool request_ip_ = false;
};

/// @brief An AP interface's WPA2-PSK: START_AP with the RSN element in the beacon and the
/// crypto settings, the authenticator with its GTK, a 4-way handshake for every new station.
template <class Runner>
class ap_link {
    struct context : detail::port<Runner> {
        void deauthenticate(const mac_address& peer, std::uint16_t why) {
            cfg::cmd::deauthenticate c;
            c.peer = peer;
            c.reason = why;
            (void)this->run(std::move(c));
        }
        std::uint64_t group_tx_pn(std::uint8_t key_id) {
            cfg::cmd::get_key c;
            c.index = key_id;
            auto r = this->run(std::move(c));
            std::uint64_t pn = 0;
            if (r)
                for (std::size_t i = 0; i < r->seq.size() && i < 6; ++i)
                    pn |= std::uint64_t(r->seq[i]) << (8 * i);
            return pn;
        }
    };

  public:
    /// The GTK's lifetime: wpa_supplicant's AP mode raises hostapd's 600 s default to a day for
    /// CCMP (wpa_group_rekey in wpa_supplicant_conf_ap_ht's caller, ap.c).
    static constexpr duration group_rekey_interval = std::chrono::seconds(86400);

    explicit ap_link(Runner r, std::function<void(const event&)> on_event = {},
                     duration rekey_interval = group_rekey_interval,
                     std::function<void(const wps::event&)> on_wps = {})
        : ctx_{{std::move(r), std::move(on_event), std::move(on_wps)}},
          rekey_interval_(rekey_interval) {}
    ap_link(const ap_link&) = delete;
    ap_link& operator=(const ap_link&) = delete;
    ~ap_link() {
        if (rekey_timer_) ctx_.time().cancel(rekey_timer_);
        for (const auto& t : wake_timers_) ctx_.time().cancel(t.second);
    }

    /// @brief Starts the AP of `p` (its beacon built without security) as WPA2-PSK with
    /// `passphrase`: the RSN element goes into the beacon tail and the probe responses. A P2P
    /// GO hands out the addresses of `ip` to clients that ask for one.
    result<void> start(mac::ap_params p, std::string_view passphrase, const mac_address& own,
                       const ip_pool_config& ip = {}) {
        auto pmk = crypto::psk_from_passphrase(passphrase, as_bytes(p.ssid));
        if (!pmk) return pmk.err();
        const auto ie = psk_ccmp_element(0x000c);
        ssid_ = p.ssid;
        static_cast<mac::crypto_settings&>(p) = psk_ccmp_settings();
        p.tail.insert(p.tail.begin(), ie.begin(), ie.end());
        cfg::cmd::start_ap c;
        static_cast<mac::ap_params&>(c) = std::move(p);
        if (auto r = ctx_.run(std::move(c)); !r) return r;
        psk_hex_ = to_hex(*pmk);
        sm_ = std::make_unique<authenticator<context>>(ctx_, own, *pmk, ie, ip);
        if (auto r = sm_->start(); !r) return r;
        arm_rekey();
        return {};
    }
    /// @brief Turns on WPS (hostapd's eap_server=1 with an internal registrar): a station that
    /// associates with a WPS element and no RSN element is enrolled over EAP-WSC and receives
    /// the network's PSK as 64 hex digits (the P2P GO's "PSK format", eap_server_wsc.c).
    void enable_wps(wps::device_info dev) {
        dev_ = std::move(dev);
        registrar_ = std::make_unique<wps::registrar>(
            [this](const wps::event& e) { ctx_.emit_wps(e); },
            [this](duration d) {  // the walk time's or a PIN's end
                const std::uint64_t token = ++wake_tokens_;
                wake_timers_.emplace_back(token, ctx_.time().schedule_in(d, [this, token] {
                    std::erase_if(wake_timers_, [&](const auto& t) { return t.first == token; });
                    registrar_->expire(ctx_.time().now());
                }));
            });
        eap_ = std::make_unique<wps::eap_server<context>>(
            ctx_, [this](const mac_address& sta) { return registration(sta); });
    }
    /// @brief The registrar's PIN and push-button state (WPS_PIN, WPS_PBC, WPS_CANCEL); null
    /// without WPS.
    wps::registrar* registrar() noexcept { return registrar_.get(); }

    /// @brief The interface's events: a new station starts its handshake (or its enrollment),
    /// control-port frames feed it, a leaving station ends it.
    void on_event(const mac::event::any& e) {
        if (!sm_) return;
        if (auto* n = std::get_if<mac::event::new_station>(&e)) {
            const auto ie = detail::find_element(n->ies, ieee80211::eid::rsn);
            const auto elements = ieee80211::element_range::parse(n->ies);
            if (ie.empty() && eap_ && elements && elements->find_vendor(ieee80211::vendor::wps)) {
                p2p_devs_.emplace_back(n->addr, ieee80211::p2p::device_address_in(n->ies));
                return eap_->start(n->addr);
            }
            if (ie.empty()) {
                ctx_.deauthenticate(n->addr, ieee80211::reason::invalid_ie);
                return;
            }
            (void)sm_->associate(n->addr, ie);
        } else if (auto* f = std::get_if<mac::event::control_port_frame>(&e)) {
            const bool key = f->frame.size() > 1 && f->frame[1] == ieee80211::eapol_type::key;
            if (eap_ && !key && eap_->serves(f->from)) return eap_->receive(f->from, f->frame);
            (void)sm_->receive(f->from, f->frame);
        } else if (auto* d = std::get_if<mac::event::del_station>(&e)) {
            if (eap_) eap_->stop(d->addr);
            std::erase_if(p2p_devs_, [&](const auto& x) { return x.first == d->addr; });
            sm_->disassociate(d->addr);
        }
    }
    authenticator<context>* machine() noexcept { return sm_.get(); }

  private:
    /// One registration: the registrar decides the password, M8 carries the PSK.
    wps::registrar_run::config registration(const mac_address& sta) {
        wps::registrar_run::config c;
        c.dev = dev_;
        c.cred.ssid = ssid_;
        c.cred.network_key = psk_hex_;
        std::optional<mac_address> dev;
        for (const auto& [addr, d] : p2p_devs_)
            if (addr == sta) dev = d;
        c.authorize = [this, sta, dev](const wps::enrollee_request& r) {
            return registrar_->decide(r, sta, dev, ctx_.time().now());
        };
        c.emit = [this](const wps::event& e) {
            ctx_.emit_wps(e);
            if (const auto* ok = std::get_if<wps::registrar_success>(&e))
                registrar_->completed(ok->mac);
        };
        return c;
    }
    void arm_rekey() {
        rekey_timer_ = ctx_.time().schedule_in(rekey_interval_, [this] {
            rekey_timer_ = 0;
            (void)sm_->rekey_group();
            arm_rekey();
        });
    }

    context ctx_;
    std::unique_ptr<authenticator<context>> sm_;
    std::string ssid_, psk_hex_;
    wps::device_info dev_;
    std::unique_ptr<wps::registrar> registrar_;
    std::unique_ptr<wps::eap_server<context>> eap_;
    std::vector<std::pair<mac_address, std::optional<mac_address>>> p2p_devs_;
    std::vector<std::pair<std::uint64_t, timer_id>> wake_timers_;  ///< the registrar's
    std::uint64_t wake_tokens_ = 0;
    duration rekey_interval_;
    timer_id rekey_timer_ = 0;
};

}  // namespace softmac::rsn
