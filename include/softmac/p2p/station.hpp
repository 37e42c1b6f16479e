// SPDX-License-Identifier: MIT
/// @file Defines p2p::station_manager: the device's station interface (scans, BSS list, network
/// selection, open or WPA2-PSK connection, mode=2 AP), as wpa_supplicant's scan.c, events.c, ap.c.
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
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/p2p/types.hpp>
#include <softmac/rsn/links.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands the station interface issues.
using station_issues =
    issues<cfg::cmd::new_interface, cfg::cmd::set_interface, cfg::cmd::trigger_scan,
           cfg::cmd::abort_scan, cfg::cmd::get_scan, cfg::cmd::connect, cfg::cmd::disconnect,
           cfg::cmd::start_ap, cfg::cmd::stop_ap, cfg::cmd::control_port_frame, cfg::cmd::new_key,
           cfg::cmd::set_key, cfg::cmd::get_key, cfg::cmd::set_station, cfg::cmd::deauthenticate,
           cfg::cmd::get_interface>;

/// @brief What SCAN asks for: the frequencies (empty: every channel), a passive scan, and
/// whether its events carry its id.
struct scan_request {
    std::vector<std::uint16_t> freqs;
    bool passive = false;
    bool use_id = false;
};

/// @brief The station interface of one device: `<if>` itself, made when first needed on a radio
/// with a P2P device interface of its own, else the interface the P2P device shares. `Ctx` offers
/// dev, schedule, cancel, emit, exec, set_up and time.
template <class Ctx>
class station_manager {
    using runner = detail::link_runner<Ctx>;
    using psk_link = rsn::station_link<runner>;
    using psk_ap = rsn::ap_link<runner>;

  public:
    /// wpa_supplicant's timing: a scan that found no enabled network is repeated after
    /// scan_interval (5 s), a refused scan after 1 s; after a lost connection or a failed
    /// association the next scan waits 100 ms, then 0.5, 1, 5 and 10 s as failures follow each
    /// other (wpas_connection_failed).
    static constexpr duration default_scan_interval = std::chrono::seconds(5);
    static constexpr duration busy_retry = std::chrono::seconds(1);
    static constexpr duration retry_delays[] = {
        std::chrono::milliseconds(100), std::chrono::milliseconds(500), std::chrono::seconds(1),
        std::chrono::seconds(5), std::chrono::seconds(10)};
    /// A mode=2 network without frequency= runs on channel 11 (wpa_supplicant_conf_ap).
    static constexpr std::uint16_t default_ap_freq = 2462;

    explicit station_manager(Ctx ctx) : ctx_(ctx) {}
    void cancel_timers() {
        ctx_.cancel(std::exchange(timer_, 0));
        ctx_.cancel(std::exchange(retire_timer_, 0));
        ctx_.cancel(std::exchange(retry_timer_, 0));
    }

    wpa_state state() const noexcept { return state_; }
    /// @brief The network the interface is connected to, runs as AP or tries to join.
    const station_network* current() const noexcept { return find(current_); }
    const mac_address& bssid() const noexcept { return bssid_; }
    /// @brief The frequency the interface holds while associated or running an AP (0: none): a
    /// radio of one channel at a time shares it with its groups.
    std::uint16_t shared_freq() const noexcept {
        return current_ >= 0 && state_ >= wpa_state::associated ? freq_ : 0;
    }
    std::uint16_t freq() const noexcept { return freq_; }
    bool ap_mode() const noexcept { return ap_ != nullptr || open_ap_; }
    const mac_address& address() const noexcept { return addr_; }
    const std::vector<bss_entry>& bss() const noexcept { return bss_; }
    /// @brief The stations of a mode=2 network's AP.
    const std::vector<mac_address>& stations() const noexcept { return stations_; }

    /// @brief The interface, once it is made or shared.
    std::optional<cfg::wdev_ref> interface() const {
        if (made_) return ref_;
        if (!ctx_.dev().dedicated) return ctx_.dev().wdev;
        return std::nullopt;
    }
    /// @brief Whether a scan of the interface's runs.
    bool scanning() const noexcept { return scanning_; }
    /// @brief SCAN: one scan now; its id. Busy while a scan runs and during an association
    /// (wpas_ctrl_scan's FAIL-BUSY). A scan the radio refuses (a P2P search scans) is accepted,
    /// reported failed and tried again a second later until it runs (wpas_trigger_scan_cb's
    /// retry).
    result<unsigned> scan(const scan_request& r) {
        if (scanning_ || (state_ >= wpa_state::associating && state_ < wpa_state::completed))
            return make_error(errc::busy, "a scan or an association is running");
        if (auto s = iface(); !s) return s.err();
        if (auto s = trigger(r); !s) {
            retry_scan(r);
            return scan_id_ + 1;  // the id the scan gets when it runs
        }
        return scan_id_;
    }
    /// @brief The configured networks changed: the current one disabled or gone ends its
    /// connection (reason 3, as REMOVE_NETWORK and DISABLE_NETWORK do), then a disconnected
    /// interface with enabled networks looks for one.
    void configure(std::vector<station_network> nets) {
        nets_ = std::move(nets);
        const auto* cur = current();
        if (current_ >= 0 && (!cur || !cur->enabled)) leave(true);
        if (!user_disconnected_ && current_ < 0) request_connection(duration::zero());
    }
    /// @brief SELECT_NETWORK and RECONNECT start a connection again after DISCONNECT.
    /// `select`: SELECT_NETWORK's, which also ends the networks' rests.
    void allow_connection(bool select = false) {
        user_disconnected_ = false;
        if (select) rests_.clear();
        if (current_ < 0) request_connection(duration::zero());
    }
    /// @brief DISCONNECT: ends the connection (or the AP) and stays disconnected until
    /// RECONNECT or SELECT_NETWORK.
    void disconnect() {
        user_disconnected_ = true;
        cancel_timers();
        leave(true);
        state_ = wpa_state::disconnected;
    }
    /// @brief REASSOCIATE (and REATTACH, which needs a network): connects again, after a scan,
    /// leaving the current BSS without reporting it (wpas_request_connection; the new CONNECT
    /// replaces the association).
    result<void> reassociate(bool needs_current = false) {
        if (needs_current && current_ < 0) return make_error(errc::invalid_state, "no network");
        user_disconnected_ = false;
        leave(false);
        request_connection(duration::zero());
        return {};
    }
    /// @brief ABORT_SCAN: ends the interface's running scan (wpas_abort_ongoing_scan).
    result<void> abort_scan() {
        if (!scanning_) return make_error(errc::not_found, "no scan runs");
        return run(cfg::cmd::abort_scan{});
    }
    /// @brief BSS_FLUSH <age>: forgets the BSSes not seen for `age` (0: all), but the current.
    void flush_bss(duration age) {
        std::erase_if(bss_, [&](const bss_entry& b) {
            const bool used = current_ >= 0 && b.info.bssid == bssid_;
            if (used || ctx_.now() - b.seen < age) return false;
            emit(event::bss_event{false, b.id, b.info.bssid, {}});
            return true;
        });
    }
    /// @brief SCAN_INTERVAL: the wait before another scan when none found a network.
    void set_scan_interval(duration d) { scan_interval_ = d; }
    /// @brief STA_AUTOCONNECT: whether a lost connection is looked for again.
    void set_autoconnect(bool on) { autoconnect_ = on; }

    /// @brief The config layer's events for the interface.
    void route(const cfg::wdev_ref& to, const mac::event::any& e) {
        if (!made_ || to.wdev != ref_.wdev) return;
        if (link_) link_->on_event(e);
        if (ap_) ap_->on_event(e);
        std::visit([&](const auto& ev) { on(ev); }, e);
    }

  private:
    const station_network* find(int id) const noexcept {
        for (const auto& n : nets_)
            if (n.id == id) return &n;
        return nullptr;
    }
    std::string ifname() const { return ctx_.dev().ifname; }
    template <class E>
    void emit(E e) const {
        e.ifname = ifname();
        ctx_.emit(e);
    }
    void emit_scan(event::scan_event::kind k) const {
        event::scan_event e;
        e.what = k;
        if (k == event::scan_event::kind::started || k == event::scan_event::kind::results)
            e.id = reported_id_;
        emit(std::move(e));
    }
    void emit_step(event::association::step st) const {
        event::association a;
        a.what = st;
        a.bssid = bssid_;
        a.freq = freq_;
        if (const auto* n = current()) a.ssid = n->ssid;
        emit(std::move(a));
    }
    /// The interface: the device's own when it shares it, else `<if>` made once as a station.
    result<void> iface() {
        if (made_) return {};
        auto& d = ctx_.dev();
        if (!d.dedicated) {
            ref_ = d.wdev;
            addr_ = d.addr;
        } else {
            cfg::cmd::new_interface ni;
            ni.ifname = d.ifname;
            ni.iftype = cfg::iftype::station;
            auto r = ctx_.exec(ni);
            if (!r) return r.err();
            ref_ = {r->ifindex, r->wdev};
            addr_ = r->mac;
            if (auto s = ctx_.set_up(ref_); !s) return s;
        }
        made_ = true;
        return {};
    }
    template <class C>
    auto run(C c) {
        static_cast<cfg::wdev_ref&>(c) = ref_;
        return ctx_.exec(c);
    }
    result<void> trigger(const scan_request& r) {
        cfg::cmd::trigger_scan t;
        t.freqs = r.freqs;
        if (!r.passive) t.ssids = {std::string()};  // the wildcard SSID
        if (auto s = run(std::move(t)); !s) return make_error(errc::busy, "the radio is busy");
        scanning_ = true;
        ++scan_id_;
        reported_id_ = r.use_id ? scan_id_ : 0;
        if (state_ == wpa_state::disconnected || state_ == wpa_state::inactive)
            state_ = wpa_state::scanning;
        emit_scan(event::scan_event::kind::started);
        return {};
    }
    /// A SCAN the radio refused: CTRL-EVENT-SCAN-FAILED, the same scan a second later.
    void retry_scan(const scan_request& r) {
        emit_scan(event::scan_event::kind::failed);
        ctx_.cancel(std::exchange(retry_timer_, 0));
        retry_timer_ = ctx_.schedule(busy_retry, [this, r] {
            retry_timer_ = 0;
            if (!scanning_ && !trigger(r)) retry_scan(r);
        });
    }
    /// wpa_supplicant_req_scan: a scan for the enabled networks after `d`.
    void request_connection(duration d) {
        const bool wanted = std::any_of(nets_.begin(), nets_.end(),
                                        [](const station_network& n) { return n.enabled; });
        ctx_.cancel(std::exchange(timer_, 0));
        if (!wanted) {
            if (current_ < 0) state_ = wpa_state::inactive;
            return;
        }
        timer_ = ctx_.schedule(d, [this] {
            timer_ = 0;
            connect_step();
        });
    }
    /// A scan for the enabled networks (a mode=2 network starts when it found none).
    void connect_step() {
        if (user_disconnected_ || current_ >= 0 || scanning_) return;
        if (auto s = iface(); !s) return;
        // wpa_supplicant_scan: "Delay station mode scan while P2P operation is in progress".
        const auto p2p = ctx_.dev().current;
        if (p2p != state::idle && p2p != state::search && p2p != state::listen_only)
            return request_connection(default_scan_interval);
        if (!trigger({})) {
            emit_scan(event::scan_event::kind::failed);
            request_connection(busy_retry);
        }
    }

    // ---- the scan's results --------------------------------------------------------------
    void on(const mac::event::scan_done&) {
        if (!scanning_) return;
        scanning_ = false;
        update_bss();
        emit_scan(event::scan_event::kind::results);
        if (state_ == wpa_state::scanning) state_ = wpa_state::disconnected;
        if (user_disconnected_ || current_ >= 0) return;
        if (!std::any_of(nets_.begin(), nets_.end(), [](const auto& n) { return n.enabled; }))
            return;
        if (select_bss()) return;
        for (const auto& n : nets_)
            if (n.enabled && n.ap) return start_ap(n);
        request_connection(scan_interval_);
        emit_scan(event::scan_event::kind::network_not_found);
    }
    /// The BSS list follows the radio's scan results: new ones get the next id, gone ones leave.
    void update_bss() {
        auto r = run(cfg::cmd::get_scan{});
        if (!r) return;
        std::vector<bss_entry> next;
        for (const auto& s : *r) {
            bss_entry b;
            b.info = s.bss;
            if (const auto elems = ieee80211::element_range::parse(s.bss.ies))
                if (const auto ssid = elems->find(ieee80211::eid::ssid))
                    b.ssid = ieee80211::ssid_of(*ssid);
            if (b.ssid == ieee80211::p2p::wildcard_ssid)
                continue;  // a P2P device listening (wpa_bss_update_scan_res)
            b.seen = ctx_.now() - std::chrono::milliseconds(s.bss.seen_ms_ago);
            auto old = std::find_if(bss_.begin(), bss_.end(), [&](const bss_entry& o) {
                return o.info.bssid == b.info.bssid && o.ssid == b.ssid;
            });
            b.id = old != bss_.end() ? old->id : next_bss_id_++;
            next.push_back(std::move(b));
        }
        for (const auto& o : bss_)
            if (std::none_of(next.begin(), next.end(), [&](const auto& b) { return b.id == o.id; }))
                emit(event::bss_event{false, o.id, o.info.bssid, {}});
        for (const auto& b : next)
            if (std::none_of(bss_.begin(), bss_.end(), [&](const auto& o) { return o.id == b.id; }))
                emit(event::bss_event{true, b.id, b.info.bssid, {}});
        bss_ = std::move(next);
    }
    /// Whether the BSS offers WPA2-PSK with CCMP (an RSN element naming PSK and CCMP).
    static bool offers_psk(bytes_view ies) {
        const auto elems = ieee80211::element_range::parse(ies);
        const auto e = elems ? elems->find(ieee80211::eid::rsn) : std::nullopt;
        if (!e) return false;
        const auto rsn = ieee80211::rsn::parse(*e);
        return rsn && rsn->offers_akm(ieee80211::suite::akm_psk) &&
               rsn->offers_pairwise(ieee80211::suite::ccmp);
    }
    /// wpa_scan_res_match: the SSID (and BSSID) as configured, the security as the network
    /// asks (an open network only an open BSS, WPA-PSK only an RSN BSS with PSK and CCMP).
    bool matches(const station_network& n, const bss_entry& b) const {
        constexpr std::uint16_t privacy = 1u << 4;
        if (!n.enabled || n.ap || n.ssid != b.ssid || resting(n.id)) return false;
        if (n.bssid && *n.bssid != b.info.bssid) return false;
        if (n.psk) return offers_psk(b.info.ies);
        return !(b.info.capability & privacy);
    }
    /// wpa_supplicant_pick_network: the highest priority first, then the strongest signal.
    bool select_bss() {
        const station_network* net = nullptr;
        const bss_entry* best = nullptr;
        for (const auto& n : nets_)
            for (const auto& b : bss_) {
                if (!matches(n, b)) continue;
                if (!best || n.priority > net->priority ||
                    (n.priority == net->priority && b.info.signal_mbm > best->info.signal_mbm)) {
                    net = &n;
                    best = &b;
                }
            }
        if (!best) return false;
        associate(*net, *best);
        return true;
    }
    void associate(const station_network& n, const bss_entry& b) {
        current_ = n.id;
        bssid_ = b.info.bssid;
        freq_ = static_cast<std::uint16_t>(b.info.freq);
        state_ = wpa_state::associating;
        emit_step(event::association::step::trying);
        result<void> r;
        if (n.psk) {
            link_ = std::make_unique<psk_link>(runner{ctx_, ref_},
                                               [this](const rsn::event& e) { on_rsn(e); });
            r = link_->connect(n.ssid, n.passphrase, freq_, bssid_);
        } else {
            cfg::cmd::connect c;
            c.ssid = n.ssid;
            c.bssid = bssid_;
            c.freq = freq_;
            r = run(std::move(c));
        }
        if (!r) failed();
    }
    /// An association or a connection failed: the next scan after the back-off.
    void failed() {
        forget_connection();
        const auto n = std::size(retry_delays);
        request_connection(retry_delays[std::min<std::size_t>(failures_++, n - 1)]);
    }
    void on(const mac::event::connect& e) {
        if (ap_mode() || current_ < 0 || state_ != wpa_state::associating) return;
        if (e.status != 0) {
            event::association r;
            r.what = event::association::step::rejected;
            r.bssid = bssid_;
            r.status = e.status;
            r.timed_out = e.timed_out;
            emit(std::move(r));
            return failed();
        }
        bssid_ = e.bssid;
        emit_step(event::association::step::associated);
        emit_step(event::association::step::subnet_status);
        if (link_) {
            state_ = wpa_state::four_way_handshake;
        } else {
            completed();
        }
    }
    void on_rsn(const rsn::event& e) {
        if (ap_) return on_ap_rsn(e);
        if (std::holds_alternative<rsn::handshake_completed>(e) &&
            state_ == wpa_state::four_way_handshake) {
            emit_step(event::association::step::key_negotiated);
            completed();
        }
    }
    /// wpas_auth_failed: the network rests 10, 20, 30, 60, 90, 120 or 300 s by its failures
    /// in a row (with some randomness after the first), and says so.
    void wrong_key() {
        emit_step(event::association::step::wrong_key);
        auto& b = rest_of(current_);
        const unsigned f = ++b.failures;
        unsigned dur = f > 50   ? 300
                       : f > 10 ? 120
                       : f > 5  ? 90
                       : f > 3  ? 60
                       : f > 2  ? 30
                       : f > 1  ? 20
                                : 10;
        if (f > 1) dur += static_cast<unsigned>(ctx_.dev().rng() % (f * 10));
        b.until = ctx_.now() + std::chrono::seconds(dur);
        event::association t;
        t.what = event::association::step::temp_disabled;
        t.id = current_;
        if (const auto* n = current()) t.ssid = n->ssid;
        t.failures = f;
        t.duration_s = dur;
        emit(std::move(t));
    }
    struct rest {
        int id = -1;
        unsigned failures = 0;
        time_point until{};
    };
    rest& rest_of(int id) {
        for (auto& r : rests_)
            if (r.id == id) return r;
        return rests_.emplace_back(rest{id, 0, {}});
    }
    bool resting(int id) const {
        for (const auto& r : rests_)
            if (r.id == id) return ctx_.now() < r.until;
        return false;
    }
    void completed() {
        state_ = wpa_state::completed;
        failures_ = 0;
        // wpas_clear_temp_disabled: a network that rested is enabled again.
        const auto was = std::find_if(rests_.begin(), rests_.end(),
                                      [&](const rest& r) { return r.id == current_; });
        if (was != rests_.end()) {
            event::association r;
            r.what = event::association::step::reenabled;
            r.id = current_;
            if (const auto* n = current()) r.ssid = n->ssid;
            rests_.erase(was);
            emit(std::move(r));
        }
        const auto* n = current();
        emit(event::connected{bssid_, {}, current_, n ? n->id_str : std::string()});
    }
    void on(const mac::event::disconnect& e) {
        if (ap_mode() || current_ < 0) return;
        if (state_ != wpa_state::associating)
            emit(event::disconnected{bssid_, e.reason, !e.by_ap, {}});
        if (state_ == wpa_state::four_way_handshake) wrong_key();  // could_be_psk_mismatch
        // STA_AUTOCONNECT 0: stay disconnected, as after DISCONNECT.
        if (!autoconnect_) user_disconnected_ = true;
        failed();
    }
    template <class E>
    void on(const E&) {}

    /// Ends the connection or the AP; `report`: its end is reported (locally generated). The
    /// connection is forgotten first: the events the commands cause find none.
    void leave(bool report) {
        if (current_ < 0) return;
        const bool ap = ap_mode();
        const bool joined = state_ != wpa_state::associating && state_ != wpa_state::disconnected;
        const auto bssid = bssid_;
        const bool connecting = !ap && state_ != wpa_state::disconnected;
        forget_connection();
        stations_.clear();
        if (ap) {
            (void)run(cfg::cmd::stop_ap{});
            cfg::cmd::set_interface si;
            si.ifindex = ref_.ifindex;
            si.iftype = cfg::iftype::station;
            (void)run(si);
        } else if (connecting) {
            cfg::cmd::disconnect d;
            d.reason = ieee80211::reason::deauth_leaving;
            (void)run(std::move(d));
        }
        if (report && (ap || joined))
            emit(event::disconnected{bssid, ieee80211::reason::deauth_leaving, true, {}});
    }
    /// The links go when nothing of theirs runs: a link's own call (a handshake failing
    /// deauthenticates, whose event ends the connection) may be what ends it.
    void forget_connection() {
        current_ = -1;
        bssid_ = {};
        freq_ = 0;
        if (link_) retired_links_.push_back(std::move(link_));
        if (ap_) retired_aps_.push_back(std::move(ap_));
        if (!retired_links_.empty() || !retired_aps_.empty()) {
            ctx_.cancel(retire_timer_);
            retire_timer_ = ctx_.schedule(duration::zero(), [this] {
                retire_timer_ = 0;
                retired_links_.clear();
                retired_aps_.clear();
            });
        }
        open_ap_ = false;
        state_ = wpa_state::disconnected;
    }

    // ---- mode=2: the network as this interface's AP (wpa_supplicant_create_ap) ---------------
    void start_ap(const station_network& n) {
        auto& d = ctx_.dev();
        cfg::cmd::set_interface si;
        si.ifindex = ref_.ifindex;
        si.iftype = cfg::iftype::ap;
        if (!run(si)) return request_connection(busy_retry);
        (void)ctx_.set_up(ref_);
        const std::uint16_t f = n.freq ? n.freq : default_ap_freq;
        const auto ch = ieee80211::freq_to_channel(f);
        if (!ch || !d.wiphy.bands.has(f)) return ap_failed();
        auto p = mac::make_ap_params(addr_, n.ssid, *ch, ieee80211::rates_2ghz);
        current_ = n.id;
        bssid_ = addr_;
        freq_ = f;
        result<void> r;
        if (n.psk) {
            ap_ = std::make_unique<psk_ap>(runner{ctx_, ref_},
                                           [this](const rsn::event& e) { on_rsn(e); });
            r = ap_->start(std::move(p), n.passphrase, addr_);
        } else {
            cfg::cmd::start_ap sa;
            static_cast<mac::ap_params&>(sa) = std::move(p);
            r = run(std::move(sa));
            open_ap_ = r.has_value();
        }
        if (!r) return ap_failed();
        emit_step(event::association::step::ap_enabled);
        completed();
    }
    /// An AP that did not start: the interface is a station again, and the search goes on.
    void ap_failed() {
        cfg::cmd::set_interface si;
        si.ifindex = ref_.ifindex;
        si.iftype = cfg::iftype::station;
        (void)run(si);
        failed();
    }
    void on(const mac::event::new_station& e) {
        if (!ap_mode()) return;
        if (!ap_) station_joined(e.addr);  // an open AP: associated is connected
    }
    void on(const mac::event::del_station& e) {
        if (!ap_mode()) return;
        if (std::erase(stations_, e.addr)) emit(event::ap_sta_disconnected{e.addr, {}, {}});
    }
    void on_ap_rsn(const rsn::event& e) {
        if (const auto* done = std::get_if<rsn::handshake_completed>(&e))
            station_joined(done->peer);
    }
    void station_joined(const mac_address& a) {
        if (std::find(stations_.begin(), stations_.end(), a) != stations_.end()) return;
        stations_.push_back(a);
        emit(event::ap_sta_connected{a, {}, {}});
    }

    Ctx ctx_;
    cfg::wdev_ref ref_{};
    bool made_ = false;
    mac_address addr_;
    std::vector<station_network> nets_;
    std::vector<bss_entry> bss_;
    unsigned next_bss_id_ = 0;
    wpa_state state_ = wpa_state::disconnected;
    int current_ = -1;
    mac_address bssid_;
    std::uint16_t freq_ = 0;
    bool scanning_ = false, user_disconnected_ = false, open_ap_ = false;
    unsigned scan_id_ = 0, reported_id_ = 0, failures_ = 0;
    duration scan_interval_ = default_scan_interval;
    bool autoconnect_ = true;
    std::unique_ptr<psk_link> link_;
    std::unique_ptr<psk_ap> ap_;
    std::vector<std::unique_ptr<psk_link>> retired_links_;  ///< freed from the event loop
    std::vector<std::unique_ptr<psk_ap>> retired_aps_;
    timer_id retire_timer_ = 0;
    std::vector<mac_address> stations_;
    std::vector<rest> rests_;  ///< networks resting after wrong keys (disabled_until)
    timer_id timer_ = 0, retry_timer_ = 0;
};

}  // namespace softmac::p2p
