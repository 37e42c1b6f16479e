// SPDX-License-Identifier: MIT
/// @file Defines mac::stack: one radio with its data path, its vaps and the MAC's management half
/// (software scan, station and AP MLME, remain-on-channel, management-frame TX, registrations).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <softmac/driver/radio.hpp>
#include <softmac/ieee80211/beacon.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/mac/bss_table.hpp>
#include <softmac/mac/data_path.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/frame_registry.hpp>
#include <softmac/mac/policies.hpp>
#include <softmac/mac/timing.hpp>
#include <softmac/vap/device.hpp>

namespace softmac::mac {

using ieee80211::put_rates;

/// @brief AP settings for start_ap: a beacon template whose head ieee80211::beacon_head builds
/// and whose tail is `extra` (the elements after the TIM).
inline ap_params make_ap_params(const mac_address& bssid, std::string_view ssid,
                                const ieee80211::channel& ch,
                                std::span<const ieee80211::rate> rates, bool ofdm_only = false,
                                hidden_ssid hidden = hidden_ssid::not_hidden,
                                std::uint16_t beacon_int = 100, bytes_view extra = {}) {
    ap_params p;
    p.ssid = std::string(ssid);
    p.hidden = hidden;
    p.beacon_int = beacon_int;
    p.freq = ch.freq_mhz;
    p.head = ieee80211::beacon_head(bssid, ssid, ch, rates, ofdm_only, hidden, beacon_int);
    p.tail.assign(extra.begin(), extra.end());
    return p;
}

/// @brief One radio and everything the MAC keeps for it: the driver (through softmac::radio),
/// the data path, the vaps, the BSS table, scan, station and AP MLME state, the queue of
/// off-channel periods and the management-frame registrations. Management events are reported
/// to `Events` (the config layer, normally); 802.3 frames go to `Net` on the hot path. Products
/// name it as `mac::stack<Driver, Policies...>` (policies.hpp).
template <class Driver, time_policy Time, net_sink Net, event_sink Events, rate_policy RatePolicy,
          buffer_pool Pool>
class basic_stack {
  public:
    /// @brief The data path's upper layer: forwards into this stack.
    struct upcalls {
        basic_stack* s;
        void deliver(std::uint8_t vif, frame_buffer&& b) { s->net_.deliver(vif, std::move(b)); }
        void on_mgmt(std::uint8_t vif, frame_buffer&& b, const driver::rx_status& rs) {
            s->rx_mgmt(vif, std::move(b), rs);
        }
        void on_tx_status(frame_buffer&& b, const driver::tx_status& st) {
            s->tx_status(std::move(b), st);
        }
        void on_roc_ready(std::uint64_t c) { s->roc_ready(c); }
        void on_roc_expired(std::uint64_t c) { s->roc_expired(c); }
        void on_scan_done(bool) {}  // only the software scan is used
    };
    using path_type = data_path<capabilities_of<Driver>(), Time, upcalls, RatePolicy, Pool>;
    using radio_type = ::softmac::radio<Driver, Time, path_type>;
    using device_type = vap::device<radio_type>;
    using time_type = Time;
    using net_type = Net;
    using events_type = Events;
    using pool_type = Pool;
    static constexpr std::size_t max_interfaces = radio_type::max_interfaces;

    /// @brief Station MLME progress.
    enum class sta_phase : std::uint8_t {
        idle,
        scanning,
        authenticating,
        authenticated,
        associating,
        associated
    };
    struct sta_state {
        sta_phase phase = sta_phase::idle;
        bool connecting = false;  ///< auth and assoc are steps of a connect
        mac_address bssid;
        ieee80211::channel ch;
        std::string ssid;
        byte_vector ies;  ///< extra association request elements
        std::uint8_t tries = 0;
        timer_id timer = 0;
        time_point last_beacon{};
        std::uint16_t beacon_int = 100, aid = 0;
        std::uint16_t connect_freq = 0;  ///< a connect's frequency hint (0: any)
    };
    struct ap_state {
        bool beaconing = false;
        ap_params params;
        timer_id timer = 0;
        std::uint8_t dtim_count = 0;
        std::vector<mac_address> aids;  ///< index = AID - 1; zero address = free
    };
    /// @brief The MAC's management state of one interface.
    struct iface {
        bool used = false;
        driver::vif vif;
        std::uint8_t slot = 0;  ///< the vap's slot in the device
        sta_state sta;
        ap_state ap;
    };

    /// @brief The stack of one radio; `args` construct the driver.
    template <class... DriverArgs>
    basic_stack(Time& time, Pool& pool, Net net, Events events, DriverArgs&&... args)
        : time_(time),
          pool_(pool),
          net_(std::move(net)),
          events_(std::move(events)),
          radio_(time, path_type(time, pool, upcalls{this}), std::forward<DriverArgs>(args)...),
          device_(radio_) {}
    basic_stack(const basic_stack&) = delete;
    basic_stack& operator=(const basic_stack&) = delete;
    ~basic_stack() {
        for (auto& i : ifaces_)
            if (i.used) cancel_timers(i);
        if (scan_.timer) time_.cancel(scan_.timer);
        for (auto& w : waits_) time_.cancel(w.timer);
    }

    radio_type& radio() noexcept { return radio_; }
    device_type& device() noexcept { return device_; }
    path_type& data() noexcept { return radio_.sink(); }
    Net& net() noexcept { return net_; }
    Events& events() noexcept { return events_; }
    Time& time() noexcept { return time_; }
    const driver::hw_description& hw() const noexcept { return radio_.hw(); }
    bss_table& bss() noexcept { return bss_; }
    const frame_registry& registrations() const noexcept { return registry_; }
    const iface* interface(std::uint8_t vif) const noexcept {
        return vif < max_interfaces && ifaces_[vif].used ? &ifaces_[vif] : nullptr;
    }
    bool scanning() const noexcept { return scan_.active; }

    /// @brief Registers the hardware (validates its description).
    result<void> start() { return radio_.register_hw(); }

    // ---- interfaces --------------------------------------------------------------------------
    /// @brief Creates a vap of a runtime type and brings the data path up on it.
    result<driver::vif> add_interface(driver::iftype type, std::optional<mac_address> addr = {}) {
        switch (type) {
            case driver::iftype::unspecified:
            case driver::iftype::ap_vlan:
            case driver::iftype::mesh_point:
                return make_error(errc::not_supported, "interface type not served by the MAC");
            default:
                break;
        }
        vap::create_options opt;
        opt.addr = addr;
        auto made = with_mode(type, [&](auto mode) -> result<driver::vif> {
            using M = typename decltype(mode)::type;
            auto h = device_.template create<M>(opt);
            if (!h) return h.err();
            const auto* v = device_.get(*h);
            auto& i = ifaces_[v->vif.index];
            i = iface{};
            i.used = true;
            i.vif = v->vif;
            i.slot = h->index;
            return v->vif;
        });
        if (!made) return made;
        data().attach(*made, hw());
        update_filter();
        return made;
    }
    /// @brief Tears an interface down: its MLME stops (an associated station deauthenticates,
    /// an AP stops), its registrations and queued off-channel work go.
    result<void> remove_interface(std::uint8_t vif) {
        auto* i = find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (scan_.active && scan_.vif == vif) finish_scan(true);
        leave(*i, reason::deauth_leaving);
        if (i->ap.beaconing) (void)stop_ap(vif);
        cancel_rocs(vif);
        registry_.remove_vif(vif);
        cancel_timers(*i);
        data().detach(i->vif);
        const std::uint8_t slot = i->slot;
        const driver::iftype type = i->vif.type;
        *i = iface{};
        auto r = with_mode(type, [&](auto mode) -> result<void> {
            using M = typename decltype(mode)::type;
            vap::handle<M> h;
            h.index = slot;
            return device_.destroy(h);
        });
        update_filter();
        return r;
    }
    /// @brief Changes an interface's type (destroy and create with the same address).
    result<driver::vif> change_interface(std::uint8_t vif, driver::iftype type) {
        auto* i = find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (!hw().supports(type))
            return make_error(errc::not_supported, "interface type not supported by the hardware");
        const mac_address addr = i->vif.addr;
        const driver::iftype old = i->vif.type;
        if (auto r = remove_interface(vif); !r) return r.err();
        auto made = add_interface(type, addr);
        if (!made) (void)add_interface(old, addr);
        return made;
    }
    /// @brief Sets the operating channel (SET_CHANNEL, and a station's join).
    result<void> set_channel(std::uint16_t freq) {
        auto ch = channel_of(freq);
        if (!ch) return ch.err();
        return radio_.set_channel(*ch);
    }

    // ---- scan -------------------------------------------------------------------------------
    /// @brief A software scan, channel by channel; refused while another scan runs.
    result<void> scan(std::uint8_t vif, scan_params p) {
        if (!find(vif)) return make_error(errc::not_found, "no such interface");
        if (scan_.active) return make_error(errc::busy, "a scan is already running");
        if (p.ssids.size() > hw().max_scan_ssids)
            return make_error(errc::bad_value, "more scan SSIDs than the hardware allows");
        if (p.ies.size() > hw().max_scan_ie_len)
            return make_error(errc::bad_length, "scan IEs longer than the hardware allows");
        std::vector<ieee80211::channel> chans;
        if (p.freqs.empty()) {
            for (std::size_t b = 0; b < hw().n_bands; ++b)
                for (auto n : hw().bands[b].channels)
                    if (auto c = ieee80211::make_channel(hw().bands[b].band, n))
                        chans.push_back(*c);
        } else {
            for (auto f : p.freqs) {
                auto c = channel_of(f);
                if (!c) return c.err();
                chans.push_back(*c);
            }
        }
        scan_ = scan_state{};
        scan_.active = true;
        scan_.vif = vif;
        scan_.params = std::move(p);
        scan_.channels = std::move(chans);
        if constexpr (driver::has_sw_scan_start<Driver, typename radio_type::context>) {
            typename radio_type::context ctx{radio_};
            radio_.driver().sw_scan_start(ctx, ifaces_[vif].vif, ifaces_[vif].vif.addr);
        }
        update_filter();
        scan_step();
        return {};
    }
    /// @brief Stops a running scan (SCAN_ABORTED follows).
    result<void> abort_scan() {
        if (!scan_.active) return make_error(errc::not_found, "no scan is running");
        finish_scan(true);
        return {};
    }

    // ---- station MLME ------------------------------------------------------------------------
    result<void> authenticate(std::uint8_t vif, const auth_params& p) {
        auto* i = station_iface(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (p.auth_type != ieee80211::auth_alg::open)
            return make_error(errc::not_supported, "only open-system authentication");
        auto ch = channel_of(p.freq);
        if (!ch) return ch.err();
        if (i->sta.phase == sta_phase::associated)
            return make_error(errc::already, "already associated");
        begin_auth(*i, p.bssid, *ch, p.ssid, false);
        return {};
    }
    result<void> associate(std::uint8_t vif, const assoc_params& p) {
        auto* i = station_iface(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (i->sta.phase != sta_phase::authenticated || i->sta.bssid != p.bssid)
            return make_error(errc::invalid_state, "not authenticated with this BSS");
        i->sta.ssid = p.ssid;
        i->sta.ies = p.ies;
        begin_assoc(*i);
        return {};
    }
    /// @brief Connect: a known BSS is joined at once, otherwise a scan for the SSID comes first.
    result<void> connect(std::uint8_t vif, const connect_params& p) {
        auto* i = station_iface(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (i->sta.phase != sta_phase::idle) return make_error(errc::already, "already connecting");
        i->sta = sta_state{};
        i->sta.connecting = true;
        i->sta.ssid = p.ssid;
        i->sta.ies = p.ies;
        if (p.bssid) i->sta.bssid = *p.bssid;
        i->sta.connect_freq = p.freq;
        if (join_known(*i, p.freq)) return {};
        scan_params sp;
        if (p.freq) sp.freqs.push_back(p.freq);
        sp.ssids.push_back(p.ssid);
        sp.no_cck = data().state_of(vif).no_cck;
        if (auto r = scan(vif, std::move(sp)); !r) {
            i->sta = sta_state{};
            return r;
        }
        i->sta.phase = sta_phase::scanning;
        return {};
    }
    /// @brief Leaves the BSS (a station) with a deauthentication carrying `reason`.
    result<void> disconnect(std::uint8_t vif, std::uint16_t why) {
        auto* i = station_iface(vif);
        if (!i) return make_error(errc::not_supported, "not a station interface");
        if (i->sta.phase == sta_phase::idle)
            return make_error(errc::invalid_state, "not connected");
        if (i->sta.phase == sta_phase::scanning && scan_.active) finish_scan(true);
        leave(*i, why);
        return {};
    }
    /// @brief Deauthentication (subtype 12) or disassociation (10) of `peer`: the AP a station
    /// is with, or a station of an AP.
    result<void> deauthenticate(std::uint8_t vif, const mac_address& peer, std::uint16_t why,
                                bool disassoc = false) {
        auto* i = find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (is_ap(*i)) return remove_station(*i, peer, why, true, disassoc);
        if (i->sta.phase == sta_phase::idle || i->sta.bssid != peer)
            return make_error(errc::not_found, "not connected to this BSS");
        leave(*i, why, disassoc);
        return {};
    }

    // ---- AP MLME -----------------------------------------------------------------------------
    result<void> start_ap(std::uint8_t vif, ap_params p) {
        auto* i = find(vif);
        if (!i || !is_ap(*i)) return make_error(errc::not_supported, "not an AP or GO interface");
        if (i->ap.beaconing) return make_error(errc::already, "already beaconing");
        if (p.head.size() < 24 + 12) return make_error(errc::truncated, "beacon head too short");
        if (p.beacon_int < 15 || p.dtim_period == 0)
            return make_error(errc::bad_value, "beacon interval or DTIM period out of range");
        if (p.freq)
            if (auto r = set_channel(p.freq); !r) return r;
        i->ap = ap_state{};
        i->ap.params = std::move(p);
        i->ap.beaconing = true;
        i->ap.aids.assign(std::min<std::size_t>(i->ap.params.max_stations, 2007), mac_address{});
        bss_changed(*i, true);
        set_state(*i, vap::state::run);
        update_filter();
        send_beacon(*i);
        return {};
    }
    /// @brief SET_BEACON: new head, tail and extra elements for a running AP.
    result<void> set_beacon(std::uint8_t vif, const byte_vector& head, const byte_vector& tail,
                            const byte_vector& probe_resp_ies, const byte_vector& assoc_resp_ies) {
        auto* i = find(vif);
        if (!i || !i->ap.beaconing) return make_error(errc::invalid_state, "not beaconing");
        if (!head.empty()) i->ap.params.head = head;
        i->ap.params.tail = tail;
        i->ap.params.probe_resp_ies = probe_resp_ies;
        i->ap.params.assoc_resp_ies = assoc_resp_ies;
        return {};
    }
    /// @brief Stops beaconing; every station is deauthenticated (reason 3).
    result<void> stop_ap(std::uint8_t vif) {
        auto* i = find(vif);
        if (!i || !i->ap.beaconing) return make_error(errc::invalid_state, "not beaconing");
        for (const auto& a : std::vector<mac_address>(i->ap.aids))
            if (a != mac_address{})
                (void)remove_station(*i, a, reason::deauth_leaving, true, false);
        if (i->ap.timer) time_.cancel(i->ap.timer);
        i->ap = ap_state{};
        bss_changed(*i, false);
        set_state(*i, vap::state::init);
        update_filter();
        return {};
    }
    /// @brief NEW_STATION: a station the AP admits without the MLME (user-space AP).
    result<void> add_station(std::uint8_t vif, const mac_address& addr, std::uint16_t aid,
                             std::uint32_t flags) {
        auto* i = find(vif);
        if (!i || !is_ap(*i)) return make_error(errc::not_supported, "not an AP or GO interface");
        if (data().stations().find(addr)) return make_error(errc::already, "station exists");
        auto s = data().stations().add(addr, vif, flags);
        if (!s) return s.err();
        (*s)->aid = aid;
        emit(event::new_station{vif, addr, aid});
        return {};
    }
    /// @brief DEL_STATION: one station (deauthenticated with `why`) or, without an address, all.
    result<void> del_station(std::uint8_t vif, std::optional<mac_address> addr, std::uint16_t why) {
        auto* i = find(vif);
        if (!i || !is_ap(*i)) return make_error(errc::not_supported, "not an AP or GO interface");
        if (addr) return remove_station(*i, *addr, why, true, false);
        for (const auto& a : std::vector<mac_address>(i->ap.aids))
            if (a != mac_address{}) (void)remove_station(*i, a, why, true, false);
        return {};
    }

    // ---- off-channel: remain-on-channel and management-frame TX ------------------------------
    /// @brief Queues a remain-on-channel period; the cookie names it in the events.
    result<std::uint64_t> remain_on_channel(std::uint8_t vif, std::uint16_t freq,
                                            std::uint32_t ms) {
        if (!find(vif)) return make_error(errc::not_found, "no such interface");
        if (ms < timing::min_roc_ms || ms > radio_.max_remain_on_channel_ms())
            return make_error(errc::bad_value, "remain-on-channel duration out of range");
        auto ch = channel_of(freq);
        if (!ch) return ch.err();
        const std::uint64_t cookie = new_cookie();
        rocs_.push_back(roc_item::make(cookie, vif, *ch, ms));
        if (rocs_.size() == 1) start_roc();
        return cookie;
    }
    /// @brief Ends (or unqueues) a remain-on-channel period; the expired event follows.
    result<void> cancel_remain_on_channel(std::uint64_t cookie) {
        for (auto it = rocs_.begin(); it != rocs_.end(); ++it) {
            if (it->cookie != cookie || it->mgmt_tx) continue;
            if (it->started) {
                it->cancelled = true;
                return radio_.cancel_remain_on_channel(ifaces_[it->vif].vif);
            }
            const roc_item r = std::move(*it);
            rocs_.erase(it);
            emit(event::cancel_remain_on_channel{r.vif, r.cookie, r.ch.freq_mhz});
            return {};
        }
        return make_error(errc::not_found, "no remain-on-channel with this cookie");
    }
    /// @brief Sends a management frame, off channel when allowed and needed, and stays for
    /// `wait_ms` for a response. The cookie comes back in the TX-status event.
    result<std::uint64_t> mgmt_tx(std::uint8_t vif, const mgmt_tx_params& p) {
        auto* i = find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (p.frame.size() < 25) return make_error(errc::truncated, "management frame too short");
        const ieee80211::frame_control fc{load_le16(p.frame.data())};
        if (!fc.is_mgmt()) return make_error(errc::bad_value, "not a management frame");
        if (mac_address::from(p.frame.data() + 10) != i->vif.addr)
            return make_error(errc::bad_value, "the source address is not the interface's");
        const bool public_action = fc.subtype() == ieee80211::mgmt_subtype::action &&
                                   p.frame[24] == ieee80211::category::public_action;
        if (i->vif.type == driver::iftype::p2p_device && !public_action &&
            fc.subtype() == ieee80211::mgmt_subtype::action)
            return make_error(errc::not_supported, "a P2P device sends public action frames only");
        if (p.wait_ms &&
            (p.wait_ms < timing::min_roc_ms || p.wait_ms > radio_.max_remain_on_channel_ms()))
            return make_error(errc::bad_value, "wait time out of range");
        ieee80211::channel ch = current_channel();
        if (p.freq) {
            auto c = channel_of(p.freq);
            if (!c) return c.err();
            ch = *c;
        }
        const bool on_channel = ch == current_channel() &&
                                i->vif.type != driver::iftype::p2p_device &&
                                !(is_station(*i) && i->sta.phase != sta_phase::associated) &&
                                !(is_ap(*i) && !i->ap.beaconing);
        const bool in_roc_there = !rocs_.empty() && rocs_.front().started && rocs_.front().ch == ch;
        if (!on_channel && !in_roc_there && !p.offchannel_ok)
            return make_error(errc::busy, "off-channel TX needed but not allowed");
        const std::uint64_t cookie = p.dont_wait_for_ack ? 0 : new_cookie();
        std::uint32_t flags = p.no_cck || data().state_of(vif).no_cck ? driver::tx_flag::no_cck : 0;
        if (!p.dont_wait_for_ack) flags |= driver::tx_flag::req_status;
        if (on_channel || in_roc_there) {
            if (in_roc_there) flags |= driver::tx_flag::offchannel;
            if (auto r = send_mgmt(vif, p.frame, flags, cookie); !r) return r.err();
            if (p.wait_ms && cookie) {
                const std::uint64_t c = cookie;
                waits_.push_back({c, vif,
                                  time_.schedule_in(std::chrono::milliseconds(p.wait_ms),
                                                    [this, c, vif] { wait_done(c, vif); })});
            }
            return cookie;
        }
        roc_item item = roc_item::make(cookie ? cookie : new_cookie(), vif, ch,
                                       std::max(p.wait_ms, timing::min_roc_ms));
        item.mgmt_tx = true;
        item.tx_cookie = cookie;
        item.frame = p.frame;
        item.flags = flags | driver::tx_flag::offchannel;
        item.wait_event = p.wait_ms != 0;
        rocs_.push_back(std::move(item));
        if (rocs_.size() == 1) start_roc();
        return cookie;
    }
    /// @brief Ends the wait after a management-frame TX early (no event).
    result<void> mgmt_tx_cancel_wait(std::uint64_t cookie) {
        for (auto it = waits_.begin(); it != waits_.end(); ++it)
            if (it->cookie == cookie) {
                time_.cancel(it->timer);
                waits_.erase(it);
                return {};
            }
        for (auto it = rocs_.begin(); it != rocs_.end(); ++it) {
            if (!it->mgmt_tx || it->tx_cookie != cookie) continue;
            it->wait_event = false;
            if (it->started) return radio_.cancel_remain_on_channel(ifaces_[it->vif].vif);
            rocs_.erase(it);
            return {};
        }
        return make_error(errc::not_found, "no wait with this cookie");
    }

    // ---- registrations -----------------------------------------------------------------------
    /// @brief Registers `owner` for received management frames of `frame_type` whose body starts
    /// with `match`; probe-request registrations turn on FIF_PROBE_REQ.
    result<void> register_frame(std::uint8_t vif, std::uint16_t frame_type, bytes_view match,
                                std::uint32_t owner) {
        auto* i = find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (auto r = registry_.add(vif, frame_type, match, owner); !r) return r;
        update_filter();
        return {};
    }
    /// @brief Drops an owner's registrations (its socket closed).
    void unregister_owner(std::uint32_t owner) {
        registry_.remove_owner(owner);
        update_filter();
    }

    /// @brief 802.3 frame down the data path (the hot path).
    verdict transmit(std::uint8_t vif, frame_buffer&& eth, std::uint8_t priority = 0) {
        return data().transmit(radio_, vif, std::move(eth), priority);
    }

  private:
    struct scan_state {
        bool active = false, on_operating = false;
        std::uint8_t vif = 0;
        scan_params params;
        std::vector<ieee80211::channel> channels;
        std::size_t next = 0;
        timer_id timer = 0;
    };
    struct roc_item {
        std::uint64_t cookie = 0;
        std::uint8_t vif = 0;
        ieee80211::channel ch;
        std::uint32_t ms = 0;
        bool mgmt_tx = false, started = false, cancelled = false, sent = false;
        bool wait_event = false;
        std::uint64_t tx_cookie = 0;
        byte_vector frame;
        std::uint32_t flags = 0;
        static roc_item make(std::uint64_t cookie, std::uint8_t vif, const ieee80211::channel& ch,
                             std::uint32_t ms) {
            roc_item r;
            r.cookie = cookie;
            r.vif = vif;
            r.ch = ch;
            r.ms = ms;
            return r;
        }
    };
    struct wait_item {
        std::uint64_t cookie;
        std::uint8_t vif;
        timer_id timer;
    };

    template <class F>
    static auto with_mode(driver::iftype t, F&& f) {
        switch (t) {
            case driver::iftype::adhoc:
                return f(std::type_identity<vap::adhoc>{});
            case driver::iftype::ap:
                return f(std::type_identity<vap::hostap>{});
            case driver::iftype::wds:
                return f(std::type_identity<vap::wds>{});
            case driver::iftype::monitor:
                return f(std::type_identity<vap::monitor>{});
            case driver::iftype::p2p_client:
                return f(std::type_identity<vap::p2p_client>{});
            case driver::iftype::p2p_go:
                return f(std::type_identity<vap::p2p_go>{});
            case driver::iftype::p2p_device:
                return f(std::type_identity<vap::p2p_device>{});
            default:
                return f(std::type_identity<vap::station>{});
        }
    }
    void set_state(iface& i, vap::state s) {
        (void)with_mode(i.vif.type, [&](auto mode) -> result<void> {
            using M = typename decltype(mode)::type;
            vap::handle<M> h;
            h.index = i.slot;
            return device_.new_state(h, s);
        });
    }

    iface* find(std::uint8_t vif) noexcept {
        return vif < max_interfaces && ifaces_[vif].used ? &ifaces_[vif] : nullptr;
    }
    static bool is_ap(const iface& i) noexcept {
        return i.vif.type == driver::iftype::ap || i.vif.type == driver::iftype::p2p_go;
    }
    static bool is_station(const iface& i) noexcept {
        return i.vif.type == driver::iftype::station || i.vif.type == driver::iftype::p2p_client;
    }
    iface* station_iface(std::uint8_t vif) noexcept {
        auto* i = find(vif);
        return i && is_station(*i) ? i : nullptr;
    }
    result<ieee80211::channel> channel_of(std::uint16_t freq) const {
        auto c = ieee80211::freq_to_channel(freq);
        if (!c || !radio_.supports_channel(*c))
            return make_error(errc::bad_value, "frequency not in the hardware's bands");
        return *c;
    }
    ieee80211::channel current_channel() const noexcept {
        if (!rocs_.empty() && rocs_.front().started) return rocs_.front().ch;
        return radio_.conf().channel;
    }
    std::uint64_t new_cookie() noexcept {
        if (++cookie_ == 0) ++cookie_;
        return cookie_;
    }
    template <class E>
    void emit(E&& e) {
        events_(event::any(std::forward<E>(e)));
    }
    void cancel_timers(iface& i) {
        if (i.sta.timer) time_.cancel(i.sta.timer);
        if (i.ap.timer) time_.cancel(i.ap.timer);
        i.sta.timer = i.ap.timer = 0;
    }
    /// FIF_PROBE_REQ with an AP/GO up or a probe-request registration; beacons and probe
    /// responses of other BSSes during a scan.
    void update_filter() {
        std::uint32_t want =
            radio_.filter() & ~(driver::fif::probe_req | driver::fif::bcn_prbresp_promisc);
        bool ap = false;
        for (const auto& i : ifaces_) ap = ap || (i.used && is_ap(i) && i.ap.beaconing);
        if (ap || registry_.count(frame_types::probe_req) > 0) want |= driver::fif::probe_req;
        if (scan_.active) want |= driver::fif::bcn_prbresp_promisc;
        radio_.set_filter(want);
    }
    void bss_changed(iface& i, bool up) {
        if constexpr (driver::has_bss_info_changed<Driver, typename radio_type::context>) {
            driver::bss_conf b;
            b.bssid = up ? (is_ap(i) ? i.vif.addr : i.sta.bssid) : mac_address{};
            b.beacon_int = is_ap(i) ? i.ap.params.beacon_int : i.sta.beacon_int;
            b.dtim_period = is_ap(i) ? i.ap.params.dtim_period : 1;
            b.assoc = up && is_station(i);
            b.aid = i.sta.aid;
            typename radio_type::context ctx{radio_};
            radio_.driver().bss_info_changed(ctx, i.vif, b,
                                             driver::bss_changed::bssid |
                                                 driver::bss_changed::beacon_int |
                                                 driver::bss_changed::assoc);
        }
    }

    /// Hands a management frame to the driver: sequence number from the interface, the lowest
    /// basic rate (OFDM when no-CCK), no ACK for group addresses.
    result<void> send_mgmt(std::uint8_t vif, bytes_view frame, std::uint32_t flags,
                           std::uint64_t cookie = 0) {
        auto b = pool_.allocate(data().headroom());
        if (!b) return b.err();
        if (auto r = b->append(frame); !r) return r;
        auto& st = data().state_of(vif);
        store_le16(b->data() + 22, static_cast<std::uint16_t>(st.seq << 4));
        st.seq = static_cast<std::uint16_t>((st.seq + 1) & 0xfff);
        driver::tx_info info;
        info.vif_index = vif;
        info.hw_queue = 0;  // VO
        info.cookie = cookie;
        info.flags = flags;
        const bool group = mac_address::from(frame.data() + 4).is_multicast();
        if (group)
            info.flags = (info.flags | driver::tx_flag::no_ack) & ~driver::tx_flag::req_status;
        const bool ofdm = (flags & driver::tx_flag::no_cck) || st.no_cck;
        const auto rates = data().rates();
        for (std::size_t k = 0; k < rates.size(); ++k)
            if (!ofdm || rates[k].is_ofdm()) {
                info.rates[0] = {static_cast<std::int8_t>(k),
                                 static_cast<std::uint8_t>(group ? 1 : st.short_retry)};
                break;
            }
        if (ofdm) info.flags |= driver::tx_flag::no_cck;
        radio_.tx(info, std::move(*b));
        return {};
    }
    /// Builds a management frame into a vector: header, then `body(w)`.
    template <class Body>
    byte_vector build(std::uint8_t subtype, const mac_address& da, const mac_address& sa,
                      const mac_address& bssid, Body&& body) {
        byte_vector out(ieee80211::max_frame_body);
        byte_writer w(out);
        ieee80211::write_mgmt_header(w, subtype, da, sa, bssid);
        body(w);
        out.resize(w.ok() ? w.size() : 0);
        return out;
    }

    // ---- scan internals ----------------------------------------------------------------------
    void scan_step() {
        scan_.timer = 0;
        if (scan_.next == scan_.channels.size()) return finish_scan(false);
        if (scan_.next > 0 && !scan_.on_operating && associated_anywhere()) {
            scan_.on_operating = true;
            radio_.tune_operating();
            scan_.timer = time_.schedule_in(timing::back_on_channel, [this] { scan_step(); });
            return;
        }
        scan_.on_operating = false;
        const auto ch = scan_.channels[scan_.next++];
        radio_.tune_offchannel(ch);
        const bool active = !scan_.params.ssids.empty();
        if (active) {
            const auto& st = ifaces_[scan_.vif];
            const bool ofdm = scan_.params.no_cck || ch.band != ieee80211::band::ghz2_4;
            for (const auto& ssid : scan_.params.ssids) {
                auto f = build(ieee80211::mgmt_subtype::probe_req, mac_address::broadcast(),
                               st.vif.addr, mac_address::broadcast(), [&](byte_writer& w) {
                                   ieee80211::put::ssid(w, ssid);
                                   put_rates(w, data().rates(), ofdm);
                                   if (ch.band == ieee80211::band::ghz2_4)
                                       ieee80211::put::ds_params(w, ch.number);
                                   w.raw(scan_.params.ies);
                               });
                (void)send_mgmt(scan_.vif, f,
                                driver::tx_flag::offchannel | (ofdm ? driver::tx_flag::no_cck : 0));
            }
        }
        duration dwell = active ? timing::active_dwell : timing::passive_dwell;
        if (scan_.params.dwell_ms) dwell = std::chrono::milliseconds(scan_.params.dwell_ms);
        scan_.timer = time_.schedule_in(dwell, [this] { scan_step(); });
    }
    void finish_scan(bool aborted) {
        if (scan_.timer) time_.cancel(scan_.timer);
        const std::uint8_t vif = scan_.vif;
        scan_ = scan_state{};
        if (rocs_.empty() || !rocs_.front().started) radio_.tune_operating();
        if constexpr (driver::has_sw_scan_complete<Driver, typename radio_type::context>) {
            typename radio_type::context ctx{radio_};
            radio_.driver().sw_scan_complete(ctx, ifaces_[vif].vif);
        }
        update_filter();
        bss_.expire(time_.now());
        emit(event::scan_done{vif, aborted});
        if (auto* i = find(vif); i && i->sta.connecting && i->sta.phase == sta_phase::scanning) {
            if (aborted || !join_known(*i, i->sta.connect_freq)) {
                emit(event::connect{vif, i->sta.bssid, status::unspecified, true, {}, {}});
                i->sta = sta_state{};
            }
        }
    }
    bool associated_anywhere() const noexcept {
        for (const auto& i : ifaces_)
            if (i.used && is_station(i) && i.sta.phase == sta_phase::associated) return true;
        return false;
    }

    // ---- station internals -------------------------------------------------------------------
    /// Starts authentication with the best known BSS for the connect; false if none is known.
    bool join_known(iface& i, std::uint16_t freq) {
        const ::softmac::mac::bss* b = nullptr;
        if (i.sta.bssid != mac_address{}) {
            b = bss_.find(i.sta.bssid);
            if (b && b->ssid != i.sta.ssid) b = nullptr;
        } else {
            b = bss_.best(i.sta.ssid, freq);
        }
        if (!b) return false;
        auto ch = ieee80211::freq_to_channel(b->freq);
        if (!ch) return false;
        i.sta.beacon_int = b->beacon_int ? b->beacon_int : 100;
        begin_auth(i, b->bssid, *ch, i.sta.ssid, true);
        return true;
    }
    void begin_auth(iface& i, const mac_address& bssid, const ieee80211::channel& ch,
                    const std::string& ssid, bool connecting) {
        if (i.sta.timer) time_.cancel(i.sta.timer);
        i.sta.connecting = connecting;
        i.sta.bssid = bssid;
        i.sta.ch = ch;
        i.sta.ssid = ssid;
        i.sta.tries = 0;
        i.sta.phase = sta_phase::authenticating;
        (void)radio_.set_channel(ch);
        set_state(i, vap::state::auth);
        send_auth(i);
    }
    void send_auth(iface& i) {
        if (++i.sta.tries > timing::auth_tries) return mlme_timeout(i);
        auto f = build(ieee80211::mgmt_subtype::auth, i.sta.bssid, i.vif.addr, i.sta.bssid,
                       [](byte_writer& w) {
                           ieee80211::write_auth_fixed(w, ieee80211::auth_alg::open, 1, 0);
                       });
        (void)send_mgmt(i.vif.index, f, driver::tx_flag::req_status);
        const std::uint8_t vif = i.vif.index;
        i.sta.timer = time_.schedule_in(timing::auth_timeout, [this, vif] {
            ifaces_[vif].sta.timer = 0;
            send_auth(ifaces_[vif]);
        });
    }
    void begin_assoc(iface& i) {
        if (i.sta.timer) time_.cancel(i.sta.timer);
        i.sta.tries = 0;
        i.sta.phase = sta_phase::associating;
        set_state(i, vap::state::assoc);
        send_assoc(i);
    }
    byte_vector assoc_request(const iface& i) {
        const bool ofdm =
            data().state_of(i.vif.index).no_cck || i.sta.ch.band != ieee80211::band::ghz2_4;
        return build(ieee80211::mgmt_subtype::assoc_req, i.sta.bssid, i.vif.addr, i.sta.bssid,
                     [&](byte_writer& w) {
                         ieee80211::write_assoc_req_fixed(
                             w, ieee80211::capab::ess | ieee80211::capab::short_slot, 10);
                         ieee80211::put::ssid(w, i.sta.ssid);
                         put_rates(w, data().rates(), ofdm);
                         w.raw(i.sta.ies);
                     });
    }
    void send_assoc(iface& i) {
        if (++i.sta.tries > timing::assoc_tries) return mlme_timeout(i);
        (void)send_mgmt(i.vif.index, assoc_request(i), driver::tx_flag::req_status);
        const std::uint8_t vif = i.vif.index;
        i.sta.timer = time_.schedule_in(timing::assoc_timeout, [this, vif] {
            ifaces_[vif].sta.timer = 0;
            send_assoc(ifaces_[vif]);
        });
    }
    void mlme_timeout(iface& i) {
        const bool auth = i.sta.phase == sta_phase::authenticating;
        const std::uint8_t vif = i.vif.index;
        const mac_address bssid = i.sta.bssid;
        const bool connecting = i.sta.connecting;
        i.sta = sta_state{};
        set_state(i, vap::state::init);
        if (auth)
            emit(event::authenticate{vif, bssid, true, {}});
        else
            emit(event::associate{vif, bssid, true, {}});
        if (connecting) emit(event::connect{vif, bssid, status::unspecified, true, {}, {}});
    }
    /// The station's side of received management frames; true when consumed.
    bool sta_rx(iface& i, std::uint8_t subtype, bytes_view frame, const ieee80211::mgmt_body& mb) {
        const mac_address sa = mac_address::from(frame.data() + 10);
        if (sa != i.sta.bssid || i.sta.phase == sta_phase::idle) return false;
        using namespace ieee80211::mgmt_subtype;
        const std::uint8_t vif = i.vif.index;
        switch (subtype) {
            case auth: {
                if (i.sta.phase != sta_phase::authenticating || mb.auth_sequence != 2) return true;
                time_.cancel(i.sta.timer);
                i.sta.timer = 0;
                emit(event::authenticate{vif, sa, false, byte_vector(frame.begin(), frame.end())});
                if (mb.status != status::success) {
                    if (i.sta.connecting) emit(event::connect{vif, sa, mb.status, false, {}, {}});
                    i.sta = sta_state{};
                    set_state(i, vap::state::init);
                    return true;
                }
                i.sta.phase = sta_phase::authenticated;
                if (i.sta.connecting) begin_assoc(i);
                return true;
            }
            case assoc_resp:
            case reassoc_resp: {
                if (i.sta.phase != sta_phase::associating) return true;
                time_.cancel(i.sta.timer);
                i.sta.timer = 0;
                emit(event::associate{vif, sa, false, byte_vector(frame.begin(), frame.end())});
                const bytes_view resp_ie = frame.subspan(
                    ieee80211::header_length(ieee80211::frame_control{load_le16(frame.data())}) +
                    6);
                if (mb.status != status::success) {
                    if (i.sta.connecting)
                        emit(event::connect{vif,
                                            sa,
                                            mb.status,
                                            false,
                                            {},
                                            byte_vector(resp_ie.begin(), resp_ie.end())});
                    i.sta = sta_state{};
                    set_state(i, vap::state::init);
                    return true;
                }
                i.sta.phase = sta_phase::associated;
                i.sta.aid = mb.aid & 0x3fff;
                i.sta.last_beacon = time_.now();
                auto& st = data().state_of(vif);
                st.bssid = sa;
                st.associated = true;
                if (auto s = data().stations().add(
                        sa, vif,
                        sta_flag::authenticated | sta_flag::associated | sta_flag::authorized))
                    (*s)->aid = i.sta.aid;
                bss_changed(i, true);
                set_state(i, vap::state::run);
                watch_beacons(i);
                if (i.sta.connecting) {
                    const byte_vector req = assoc_request(i);
                    emit(event::connect{vif, sa, status::success, false,
                                        byte_vector(req.begin() + 28, req.end()),
                                        byte_vector(resp_ie.begin(), resp_ie.end())});
                }
                return true;
            }
            case deauth:
            case disassoc:
                if (i.sta.phase == sta_phase::scanning) return false;
                drop_link(i, mb.reason, true, subtype == disassoc,
                          byte_vector(frame.begin(), frame.end()));
                return true;
            default:
                return false;
        }
    }
    void watch_beacons(iface& i) {
        const std::uint8_t vif = i.vif.index;
        const duration period = time_units(i.sta.beacon_int) * timing::beacon_loss_count;
        i.sta.timer = time_.schedule_in(period, [this, vif, period] {
            auto& s = ifaces_[vif];
            s.sta.timer = 0;
            if (s.sta.phase != sta_phase::associated) return;
            if (time_.now() - s.sta.last_beacon >= period) return leave(s, reason::inactivity);
            watch_beacons(s);
        });
    }
    /// Leaves the BSS from our side: a deauthentication (or disassociation) goes out.
    void leave(iface& i, std::uint16_t why, bool disassoc = false) {
        if (!is_station(i) || i.sta.phase == sta_phase::idle) return;
        if (i.sta.phase == sta_phase::scanning) {
            i.sta = sta_state{};
            return;
        }
        const std::uint8_t st =
            disassoc ? ieee80211::mgmt_subtype::disassoc : ieee80211::mgmt_subtype::deauth;
        auto f = build(st, i.sta.bssid, i.vif.addr, i.sta.bssid,
                       [&](byte_writer& w) { ieee80211::write_reason(w, why); });
        (void)send_mgmt(i.vif.index, f, 0);
        drop_link(i, why, false, disassoc, std::move(f));
    }
    void drop_link(iface& i, std::uint16_t why, bool by_ap, bool disassoc, byte_vector frame) {
        const std::uint8_t vif = i.vif.index;
        const bool was_connected = i.sta.phase == sta_phase::associated;
        const bool connecting = i.sta.connecting && !was_connected;
        const mac_address bssid = i.sta.bssid;
        if (i.sta.timer) time_.cancel(i.sta.timer);
        i.sta = sta_state{};
        auto& st = data().state_of(vif);
        st.associated = false;
        data().stations().remove(bssid);
        bss_changed(i, false);
        set_state(i, vap::state::init);
        if (disassoc)
            emit(event::disassociate{vif, std::move(frame)});
        else
            emit(event::deauthenticate{vif, std::move(frame)});
        if (was_connected) emit(event::disconnect{vif, why, by_ap});
        if (connecting) emit(event::connect{vif, bssid, status::unspecified, false, {}, {}});
    }

    // ---- AP internals ------------------------------------------------------------------------
    void send_beacon(iface& i) {
        auto& ap = i.ap;
        const auto& p = ap.params;
        byte_vector f(p.head.size() + 6 + p.tail.size());
        std::copy(p.head.begin(), p.head.end(), f.begin());
        store_le64(f.data() + 24,
                   static_cast<std::uint64_t>(
                       std::chrono::duration_cast<std::chrono::microseconds>(time_.now()).count()));
        byte_writer w(bytes_span(f).subspan(p.head.size()));
        ieee80211::put::tim(w, ap.dtim_count, p.dtim_period, 0, bytes_view{});
        const std::size_t tim_len = w.size();
        std::copy(p.tail.begin(), p.tail.end(),
                  f.begin() + static_cast<std::ptrdiff_t>(p.head.size() + tim_len));
        f.resize(p.head.size() + tim_len + p.tail.size());
        (void)send_mgmt(i.vif.index, f, 0);
        ap.dtim_count =
            static_cast<std::uint8_t>(ap.dtim_count == 0 ? p.dtim_period - 1 : ap.dtim_count - 1);
        const std::uint8_t vif = i.vif.index;
        ap.timer = time_.schedule_in(time_units(p.beacon_int), [this, vif] {
            ifaces_[vif].ap.timer = 0;
            if (ifaces_[vif].ap.beaconing) send_beacon(ifaces_[vif]);
        });
    }
    /// The elements of the beacon head after the fixed fields, minus the SSID.
    bytes_view head_elements(const ap_params& p) const noexcept {
        return bytes_view(p.head).subspan(std::min<std::size_t>(p.head.size(), 36));
    }
    bool ssid_matches(const ap_params& p, std::string_view asked) const noexcept {
        if (asked.empty()) return p.hidden == hidden_ssid::not_hidden;
        if (asked == p.ssid) return true;
        // P2P wildcard: "DIRECT-" matches every group SSID.
        return asked == "DIRECT-" && p.ssid.starts_with("DIRECT-");
    }
    void probe_response(iface& i, const mac_address& to, const ieee80211::mgmt_body& mb) {
        std::optional<std::string_view> asked;
        for (auto e : mb.elements)
            if (e.id == ieee80211::eid::ssid) asked = ieee80211::ssid_of(e);
        const auto& p = i.ap.params;
        if (!asked || !ssid_matches(p, *asked)) return;
        const std::uint16_t capab = load_le16(p.head.data() + 34);
        auto f = build(
            ieee80211::mgmt_subtype::probe_resp, to, i.vif.addr, i.vif.addr, [&](byte_writer& w) {
                ieee80211::write_beacon_fixed(
                    w,
                    static_cast<std::uint64_t>(
                        std::chrono::duration_cast<std::chrono::microseconds>(time_.now()).count()),
                    p.beacon_int, capab);
                ieee80211::put::ssid(w, p.ssid);
                (void)ieee80211::for_each_element(head_elements(p),
                                                  [&](const ieee80211::element& e) {
                                                      if (e.id != ieee80211::eid::ssid)
                                                          ieee80211::put::raw(w, e.id, e.data);
                                                  });
                w.raw(p.tail);
                w.raw(p.probe_resp_ies);
            });
        (void)send_mgmt(i.vif.index, f, 0);
    }
    bool ap_rx(iface& i, std::uint8_t subtype, bytes_view frame, const ieee80211::mgmt_body& mb) {
        using namespace ieee80211::mgmt_subtype;
        const mac_address sa = mac_address::from(frame.data() + 10);
        const mac_address da = mac_address::from(frame.data() + 4);
        if (!i.ap.beaconing) return false;
        if (subtype == probe_req) {
            probe_response(i, sa, mb);
            return true;
        }
        if (da != i.vif.addr) return false;
        auto* sta = data().stations().find(sa);
        switch (subtype) {
            case auth: {
                const std::uint16_t st = mb.auth_algorithm == ieee80211::auth_alg::open
                                             ? status::success
                                             : status::unsupported_auth_alg;
                if (st == status::success && !sta) {
                    auto s = data().stations().add(sa, i.vif.index, sta_flag::authenticated);
                    if (!s) return true;  // table full: no answer, as an overloaded AP
                }
                auto f = build(auth, sa, i.vif.addr, i.vif.addr, [&](byte_writer& w) {
                    ieee80211::write_auth_fixed(w, mb.auth_algorithm, 2, st);
                });
                (void)send_mgmt(i.vif.index, f, driver::tx_flag::req_status);
                return true;
            }
            case assoc_req:
            case reassoc_req:
                if (!sta || !sta->has(sta_flag::authenticated)) {
                    send_deauth(i, sa, reason::class2_from_nonauth);
                    return true;
                }
                associate_station(i, *sta, subtype == reassoc_req, mb);
                return true;
            case deauth:
            case disassoc:
                if (sta) (void)remove_station(i, sa, mb.reason, false, subtype == disassoc);
                return true;
            default:
                return false;
        }
    }
    void associate_station(iface& i, typename path_type::station_type& sta, bool reassoc,
                           const ieee80211::mgmt_body& mb) {
        std::optional<std::string_view> ssid;
        for (auto e : mb.elements)
            if (e.id == ieee80211::eid::ssid) ssid = ieee80211::ssid_of(e);
        std::uint16_t st = status::success, aid = sta.aid;
        if (!ssid || *ssid != i.ap.params.ssid) st = status::unspecified;
        if (st == status::success && aid == 0) {
            auto free = std::find(i.ap.aids.begin(), i.ap.aids.end(), mac_address{});
            if (free == i.ap.aids.end())
                st = status::ap_full;
            else
                aid = static_cast<std::uint16_t>(free - i.ap.aids.begin() + 1);
        }
        const bool ofdm = data().state_of(i.vif.index).no_cck;
        const auto& p = i.ap.params;
        auto f = build(
            reassoc ? ieee80211::mgmt_subtype::reassoc_resp : ieee80211::mgmt_subtype::assoc_resp,
            sta.addr, i.vif.addr, i.vif.addr, [&](byte_writer& w) {
                ieee80211::write_assoc_resp_fixed(w, load_le16(p.head.data() + 34), st,
                                                  st == status::success ? aid : 0);
                put_rates(w, data().rates(), ofdm);
                w.raw(p.assoc_resp_ies);
            });
        const mac_address addr = sta.addr;
        if (st != status::success) {
            (void)send_mgmt(i.vif.index, f, driver::tx_flag::req_status);
            if (st == status::ap_full) data().stations().remove(addr);
            return;
        }
        const bool fresh = sta.aid == 0;
        sta.aid = aid;
        sta.flags |= sta_flag::associated | sta_flag::authorized;
        i.ap.aids[aid - 1] = addr;
        (void)send_mgmt(i.vif.index, f, driver::tx_flag::req_status);
        if (fresh) emit(event::new_station{i.vif.index, addr, aid});
    }
    void send_deauth(iface& i, const mac_address& to, std::uint16_t why, bool disassoc = false) {
        auto f = build(
            disassoc ? ieee80211::mgmt_subtype::disassoc : ieee80211::mgmt_subtype::deauth, to,
            i.vif.addr, i.vif.addr, [&](byte_writer& w) { ieee80211::write_reason(w, why); });
        (void)send_mgmt(i.vif.index, f, 0);
    }
    result<void> remove_station(iface& i, const mac_address& addr, std::uint16_t why, bool notify,
                                bool disassoc) {
        auto* sta = data().stations().find(addr);
        if (!sta || sta->vif_index != i.vif.index)
            return make_error(errc::not_found, "no such station");
        const std::uint16_t aid = sta->aid;
        if (notify) send_deauth(i, addr, why, disassoc);
        data().stations().remove(addr);
        if (aid && aid <= i.ap.aids.size()) i.ap.aids[aid - 1] = mac_address{};
        if (aid) emit(event::del_station{i.vif.index, addr, why});
        return {};
    }

    // ---- received management frames ---------------------------------------------------------
    void rx_mgmt(std::uint8_t vif, frame_buffer&& b, const driver::rx_status& rs) {
        const bytes_view frame = b.view();
        if (frame.size() < 24) return;
        const ieee80211::frame_control fc{load_le16(frame.data())};
        const std::uint8_t subtype = fc.subtype();
        const std::size_t hdr = ieee80211::header_length(fc);
        if (frame.size() < hdr) return;
        const bytes_view body = frame.subspan(hdr);
        // Protected management frames need the security layer: the MLME leaves them alone.
        const auto mb = fc.has(ieee80211::frame_control::protected_frame)
                            ? result<ieee80211::mgmt_body>(
                                  make_error(errc::unsupported, "protected management frame"))
                            : ieee80211::parse_mgmt_body(fc, body);
        using namespace ieee80211::mgmt_subtype;
        if (mb && (subtype == beacon || subtype == probe_resp)) note_bss(frame, *mb, rs, subtype);
        if (mac_address::from(frame.data() + 4).is_multicast()) {
            for (auto& i : ifaces_)
                if (i.used && i.vif.type != driver::iftype::monitor)
                    handle_mgmt(i, fc, frame, mb, rs);
        } else if (auto* i = find(vif)) {
            handle_mgmt(*i, fc, frame, mb, rs);
        }
    }
    void note_bss(bytes_view frame, const ieee80211::mgmt_body& mb, const driver::rx_status& rs,
                  std::uint8_t subtype) {
        const mac_address bssid = mac_address::from(frame.data() + 16);
        const bool probe_resp = subtype == ieee80211::mgmt_subtype::probe_resp;
        const std::size_t hdr =
            ieee80211::header_length(ieee80211::frame_control{load_le16(frame.data())});
        bss_.update(bssid, rs.freq, rs.signal_dbm, mb, frame.subspan(hdr + 12), probe_resp,
                    time_.now());
        for (auto& i : ifaces_)
            if (i.used && is_station(i) && i.sta.phase == sta_phase::associated &&
                i.sta.bssid == bssid)
                i.sta.last_beacon = time_.now();
    }
    void handle_mgmt(iface& i, ieee80211::frame_control fc, bytes_view frame,
                     const result<ieee80211::mgmt_body>& mb, const driver::rx_status& rs) {
        const bytes_view body = frame.subspan(ieee80211::header_length(fc));
        if (const auto* reg = registry_.find(i.vif.index, fc, body)) {
            emit(event::frame{i.vif.index, rs.freq, rs.signal_dbm, reg->owner,
                              byte_vector(frame.begin(), frame.end())});
            return;
        }
        const std::uint8_t subtype = fc.subtype();
        if (mb) {
            if (is_station(i) && sta_rx(i, subtype, frame, *mb)) return;
            if (is_ap(i) && ap_rx(i, subtype, frame, *mb)) return;
        }
        if (subtype == ieee80211::mgmt_subtype::action) bounce(i, frame, rs);
    }
    /// mac80211's action return: an unhandled unicast action frame goes back with 0x80 set.
    void bounce(iface& i, bytes_view frame, const driver::rx_status& rs) {
        if (is_ap(i) || frame.size() < 25) return;
        const mac_address da = mac_address::from(frame.data() + 4);
        if (da.is_multicast() || da != i.vif.addr || (frame[24] & 0x80)) return;
        byte_vector f(frame.begin(), frame.end());
        std::copy(frame.begin() + 10, frame.begin() + 16, f.begin() + 4);
        std::copy(i.vif.addr.octets.begin(), i.vif.addr.octets.end(), f.begin() + 10);
        f[24] |= 0x80;
        std::uint32_t flags = 0;
        if (i.vif.type == driver::iftype::p2p_device)
            flags |= driver::tx_flag::no_cck | driver::tx_flag::offchannel;
        (void)rs;
        (void)send_mgmt(i.vif.index, f, flags);
    }

    void tx_status(frame_buffer&& b, const driver::tx_status& st) {
        if (!(st.info.flags & driver::tx_flag::req_status) || st.info.cookie == 0) return;
        for (auto& r : rocs_)
            if (r.mgmt_tx && r.tx_cookie == st.info.cookie) r.sent = true;
        emit(event::frame_tx_status{st.info.vif_index, st.info.cookie, st.acked,
                                    byte_vector(b.view().begin(), b.view().end())});
    }

    // ---- off-channel queue -------------------------------------------------------------------
    void start_roc() {
        while (!rocs_.empty()) {
            auto& r = rocs_.front();
            if (r.started) return;  // already running (started from inside an event handler)
            r.started = true;
            const auto res = radio_.remain_on_channel(
                ifaces_[r.vif].vif, r.ch, r.ms, r.cookie,
                r.mgmt_tx ? driver::roc_type::mgmt_tx : driver::roc_type::normal);
            if (res) return;
            roc_item failed = std::move(r);
            rocs_.pop_front();
            if (failed.mgmt_tx && failed.tx_cookie)
                emit(event::frame_tx_status{failed.vif, failed.tx_cookie, false, failed.frame});
            else if (!failed.mgmt_tx)
                emit(
                    event::cancel_remain_on_channel{failed.vif, failed.cookie, failed.ch.freq_mhz});
        }
    }
    void roc_ready(std::uint64_t cookie) {
        if (rocs_.empty() || rocs_.front().cookie != cookie) return;
        auto& r = rocs_.front();
        if (!r.mgmt_tx) {
            emit(event::remain_on_channel{r.vif, r.cookie, r.ch.freq_mhz, r.ms});
            return;
        }
        if (!send_mgmt(r.vif, r.frame, r.flags, r.tx_cookie) && r.tx_cookie)
            emit(event::frame_tx_status{r.vif, r.tx_cookie, false, r.frame});
    }
    void roc_expired(std::uint64_t cookie) {
        if (rocs_.empty() || rocs_.front().cookie != cookie) return;
        roc_item r = std::move(rocs_.front());
        rocs_.pop_front();
        if (!r.mgmt_tx)
            emit(event::cancel_remain_on_channel{r.vif, r.cookie, r.ch.freq_mhz});
        else if (r.wait_event)
            emit(event::frame_wait_cancel{r.vif, r.tx_cookie});
        if (!rocs_.empty()) start_roc();
    }
    void wait_done(std::uint64_t cookie, std::uint8_t vif) {
        std::erase_if(waits_, [&](const wait_item& w) { return w.cookie == cookie; });
        emit(event::frame_wait_cancel{vif, cookie});
    }
    void cancel_rocs(std::uint8_t vif) {
        if (!rocs_.empty() && rocs_.front().vif == vif && rocs_.front().started)
            (void)radio_.cancel_remain_on_channel(ifaces_[vif].vif);
        std::erase_if(rocs_, [&](const roc_item& r) { return r.vif == vif && !r.started; });
        std::erase_if(waits_, [&](const wait_item& w) {
            if (w.vif == vif) time_.cancel(w.timer);
            return w.vif == vif;
        });
    }

    Time& time_;
    Pool& pool_;
    Net net_;
    Events events_;
    radio_type radio_;
    device_type device_;
    std::array<iface, max_interfaces> ifaces_{};
    bss_table bss_;
    frame_registry registry_;
    scan_state scan_;
    std::deque<roc_item> rocs_;
    std::vector<wait_item> waits_;
    std::uint64_t cookie_ = 0;
};

namespace detail {
template <class Driver, class P>
struct stack_of {
    using type = basic_stack<Driver, typename P::time_type, typename P::net_type,
                             typename P::events_type, typename P::rate_type, typename P::pool_type>;
};
}  // namespace detail

/// @brief One radio's MAC, its policies given by kind in any order (policies.hpp):
/// `mac::stack<Driver, virtual_time, mac::net<N>, mac::events<E>>`.
template <class Driver, class... Policies>
using stack = typename detail::stack_of<Driver, stack_policies<Policies...>>::type;

}  // namespace softmac::mac
