// SPDX-License-Identifier: MIT
/// @file Defines p2p::engine: wpa_supplicant's P2P module over the config layer: discovery (search
/// scans and listen periods), the peer table, GO negotiation, provision discovery and groups.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <softmac/cfg/config.hpp>
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
    provisioning
};
constexpr std::string_view to_string(state s) noexcept {
    constexpr std::string_view names[] = {
        "IDLE",        "SEARCH",      "CONNECT",           "CONNECT_LISTEN",
        "GO_NEG",      "LISTEN_ONLY", "WAIT_PEER_CONNECT", "WAIT_PEER_IDLE",
        "PROVISIONING"};
    return names[static_cast<std::size_t>(s)];
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
    std::uint16_t freq = 0;  ///< forced operating frequency
    bool join = false;       ///< join the peer's running group
    bool auth = false;       ///< only authorise the peer's negotiation
};

/// @brief Timing and limits from wpa_supplicant 2.10.
namespace limits {
using namespace std::chrono_literals;
inline constexpr unsigned go_neg_max_tries = 120, pd_max_tries = 120;
inline constexpr duration wait_after_ack = 500ms, wait_after_nack = 100ms;
inline constexpr duration confirm_wait = 500ms, confirm_settle = 20ms;
inline constexpr duration peer_ready_wait = 120s, cleanup_period = 10s;
inline constexpr duration formation_timeout = 15s;
inline constexpr duration client_idle = 10s;
inline constexpr std::uint32_t go_neg_req_wait_ms = 500, go_neg_resp_wait_ms = 100,
                               go_neg_conf_wait_ms = 50, pd_req_wait_ms = 200, pd_resp_wait_ms = 50;
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
    std::vector<std::pair<mac_address, mac_address>> clients;  ///< interface, device address
    timer_id timer = 0;                                        ///< formation or idle
};

/// @brief One radio's P2P device: the engine over that radio's config layer. Events go to Sink.
template <class Config, event_sink Sink>
class engine {
  public:
    using config_type = Config;
    using time_type = typename Config::time_type;

    /// @brief The engine of one P2P device over its radio's config layer. The config layer's
    /// events are handed to cfg_event() by whoever assembles the two (p2p::device).
    engine(time_type& time, Config& c, Sink sink, settings s = {}, std::string ifname = "wlan0",
           std::uint64_t seed = 1)
        : time_(time),
          cfg_(c),
          sink_(std::move(sink)),
          set_(std::move(s)),
          ifname_(std::move(ifname)),
          rng_(seed) {}
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    ~engine() {
        for (auto t : {timer_, cleanup_, find_timer_, ext_timer_})
            if (t) time().cancel(t);
        for (auto& g : groups_)
            if (g.timer) time().cancel(g.timer);
    }

    Sink& sink() noexcept { return sink_; }
    settings& config() noexcept { return set_; }
    const settings& config() const noexcept { return set_; }
    state current() const noexcept { return state_; }
    const mac_address& device_address() const noexcept { return dev_addr_; }
    const peer_table& peers() const noexcept { return peers_; }
    const std::vector<group>& groups() const noexcept { return groups_; }
    std::uint16_t listen_freq() const noexcept { return freq_of(listen_ch_); }
    time_point now() const noexcept { return time_.now(); }
    /// @brief The interface name the device was created for (wlan0).
    const std::string& ifname() const noexcept { return ifname_; }
    /// @brief The P2P device's own interface name: `p2p-dev-<if>`, or `<if>` on a radio without
    /// P2P interface types.
    std::string device_ifname() const { return dedicated_ ? "p2p-dev-" + ifname_ : ifname_; }
    /// @brief P2P_SET listen_channel: a channel of this radio between 1 and 11.
    result<void> set_listen_channel(std::uint8_t ch) {
        if (ch < 1 || ch > 11 || !radio_has(ch))
            return make_error(errc::bad_value, "not a usable listen channel");
        listen_ch_ = ch;
        set_.listen_channel = ch;
        return {};
    }

    /// @brief One event from the config layer, addressed to an interface.
    void cfg_event(const cfg::wdev_ref& to, const mac::event::any& e) {
        // Without a dedicated P2P device the group shares the device's interface: both see it.
        for (auto& g : groups_)
            if (to.wdev == g.ref.wdev) {
                const std::string name = g.ifname;
                std::visit([&](const auto& ev) { on_group(name, ev); }, e);
                break;
            }
        if (to.wdev == dev_.wdev) std::visit([&](const auto& ev) { on_device(ev); }, e);
    }
    /// @brief Creates and starts the P2P device, registers for P2P frames, picks channels.
    result<void> start() {
        const auto& hw = cfg_.stack().hw();
        const bool dedicated = hw.supports(driver::iftype::p2p_device);
        cfg::cmd::new_interface ni;
        ni.ifname = dedicated ? "p2p-dev-" + ifname_ : ifname_;
        ni.iftype = dedicated ? driver::iftype::p2p_device : driver::iftype::station;
        auto r = exec(ni);
        if (!r) return r.err();
        dev_.ifindex = r->ifindex;
        dev_.wdev = r->wdev;
        dev_addr_ = r->mac;
        dedicated_ = dedicated;
        if (dedicated) {
            cfg::cmd::start_p2p_device sp;
            sp.wdev = dev_.wdev;
            if (auto s = exec(sp); !s) return s.err();
        } else if (auto s = cfg_.set_up(dev_, true); !s) {
            return s;
        }
        if (auto s = register_frames(); !s) return s;
        listen_ch_ = set_.listen_channel ? set_.listen_channel : random_social();
        oper_ch_ = set_.oper_channel ? set_.oper_channel : random_social();
        tie_breaker_ = (rng_() & 1) != 0;
        for (std::uint8_t ch = 1; ch <= 11; ++ch)
            if (radio_has(ch)) channels_.push_back(ch);
        cleanup_ = time().schedule_in(limits::cleanup_period, [this] { cleanup(); });
        return {};
    }

    // ---- discovery ---------------------------------------------------------------------------
    result<void> find(const find_params& p = {}) {
        if (set_.disabled) return make_error(errc::invalid_state, "P2P is disabled");
        if (busy_negotiating()) return make_error(errc::busy, "a negotiation is running");
        end_listen();
        if (find_timer_) time().cancel(find_timer_);
        find_timer_ = 0;
        find_ = p;
        peers_.unreport_all();
        find_start_ = time().now();
        progressive_next_ = 0;
        first_scan_ = true;
        state_ = state::search;
        if (p.timeout_s)
            find_timer_ = time().schedule_in(std::chrono::seconds(p.timeout_s), [this] {
                find_timer_ = 0;
                stop_find();
            });
        search();
        return {};
    }
    /// @brief Ends find or listen-only; FIND-STOPPED when a find was running.
    void stop_find() {
        const bool was = state_ == state::search;
        if (find_timer_) time().cancel(find_timer_);
        find_timer_ = 0;
        if (state_ == state::search || state_ == state::listen_only) state_ = state::idle;
        if (timer_ && !busy_negotiating()) {
            time().cancel(timer_);
            timer_ = 0;
        }
        end_listen();
        if (was) sink_(event::find_stopped{});
    }
    /// @brief Listen-only: stay discoverable on the listen channel for `timeout_s` (0: forever).
    result<void> listen(std::uint32_t timeout_s = 0) {
        if (busy_negotiating()) return make_error(errc::busy, "a negotiation is running");
        stop_find();
        state_ = state::listen_only;
        if (timeout_s)
            find_timer_ = time().schedule_in(std::chrono::seconds(timeout_s), [this] {
                find_timer_ = 0;
                stop_find();
            });
        start_listen(
            std::min<std::uint32_t>(cfg_.stack().radio().max_remain_on_channel_ms(), 1000));
        return {};
    }
    /// @brief Extended listen timing: `period_ms` of listen every `interval_ms` while idle
    /// (0, 0 turns it off).
    result<void> ext_listen(std::uint32_t period_ms, std::uint32_t interval_ms) {
        if (ext_timer_) time().cancel(ext_timer_);
        ext_timer_ = 0;
        if (period_ms == 0 && interval_ms == 0) return {};
        if (period_ms == 0 || interval_ms < period_ms)
            return make_error(errc::bad_value, "extended listen period must fit its interval");
        ext_period_ = period_ms;
        ext_interval_ = interval_ms;
        ext_tick();
        return {};
    }
    /// @brief P2P_FLUSH: stops everything and forgets every peer.
    void flush() {
        stop_find();
        if (busy_negotiating()) fail_negotiation(-1);
        peers_.clear([&](const peer& p) {
            if (p.ever_reported) sink_(event::device_lost{p.info.dev_addr});
        });
    }
    result<void> reject(const mac_address& dev) {
        auto* p = peers_.find(dev);
        if (!p) return make_error(errc::not_found, "unknown peer");
        p->rejected = true;
        if (busy_negotiating() && neg_peer_ == dev) fail_negotiation(11);
        return {};
    }

    // ---- GO negotiation, join, provision discovery -------------------------------------------
    result<std::string> connect(const mac_address& dev, connect_params c) {
        auto* p = peers_.find(dev);
        if (!p || p->probe_req_only) return make_error(errc::not_found, "unknown peer");
        if (c.method == wps_method::not_ready) return make_error(errc::bad_value, "no method");
        std::string pin = c.pin;
        if (c.method == wps_method::display && pin.empty()) pin = new_pin();
        if (c.freq && !usable_freq(c.freq))
            return make_error(errc::not_supported, "frequency not usable for P2P");
        if (c.join) return join(*p, c, pin);
        p->method = c.method;
        p->go_intent = c.go_intent.value_or(set_.go_intent);
        p->force_freq = c.freq;
        if (c.auth) return pin;
        if (busy_negotiating() && neg_peer_ != dev)
            return make_error(errc::busy, "negotiating with another peer");
        stop_find();
        neg_peer_ = dev;
        initiator_ = true;
        tie_breaker_ = !tie_breaker_;
        if (++p->dialog_token == 0) p->dialog_token = 1;
        neg_tries_ = 0;
        state_ = state::connect;
        send_go_neg_req();
        return pin;
    }
    result<void> prov_disc(const mac_address& dev, wps_method asked, bool join = false) {
        auto* p = peers_.find(dev);
        if (!p || p->probe_req_only) return make_error(errc::not_found, "unknown peer");
        namespace cm = ieee80211::wps::config_method;
        std::uint16_t methods = 0;
        if (asked == wps_method::display) methods = cm::display;
        if (asked == wps_method::keypad) methods = cm::keypad;
        if (asked == wps_method::pbc) methods = cm::push_button;
        if (!methods) return make_error(errc::bad_value, "method must be display, keypad or pbc");
        if (pd_) return make_error(errc::busy, "a provision discovery is running");
        if (++p->dialog_token == 0) p->dialog_token = 1;
        pd_ = pd_state{dev, methods, p->dialog_token, 0, join, 0};
        send_pd_req();
        return {};
    }

    // ---- groups ------------------------------------------------------------------------------
    /// @brief An autonomous GO on `freq` (0: the operating-channel preference).
    result<std::string> group_add(std::uint16_t freq = 0) {
        if (freq && !usable_freq(freq))
            return make_error(errc::not_supported, "frequency not usable for P2P");
        const std::uint8_t ch = freq ? channel_of(freq) : oper_ch_;
        auto g = create_group(true, ch, new_ssid(), {}, {});
        if (!g) return g.err();
        group_started(**g);
        return (*g)->ifname;
    }
    result<void> group_remove(std::string_view ifname) {
        for (auto& g : groups_)
            if (g.ifname == ifname || ifname == "*") {
                const std::string name = g.ifname;
                remove_group(name, "REQUESTED");
                if (ifname != "*") return {};
                return group_remove("*");
            }
        return ifname == "*" ? result<void>{} : make_error(errc::not_found, "no such group");
    }
    result<std::string> passphrase(std::string_view ifname) const {
        for (const auto& g : groups_)
            if (g.ifname == ifname && g.go) return g.passphrase;
        return make_error(errc::not_found, "not a GO group");
    }

  private:
    struct pd_state {
        mac_address peer;
        std::uint16_t methods;
        std::uint8_t token, tries;
        bool join;
        timer_id timer;
    };
    enum class tx_kind : std::uint8_t { other, go_neg_req, go_neg_resp, go_neg_conf, pd_req };

    time_type& time() noexcept { return time_; }
    template <class C>
    auto exec(const C& c) {
        return cfg_.execute(c, cfg::credentials{0, 0, 0, true});
    }
    std::uint32_t rng32() { return static_cast<std::uint32_t>(rng_()); }
    std::uint8_t random_social() {
        constexpr std::array<std::uint8_t, 3> s{1, 6, 11};
        return s[rng_() % 3];
    }
    static std::uint16_t freq_of(std::uint8_t ch) noexcept {
        auto f = ieee80211::channel_to_freq(ieee80211::band::ghz2_4, ch);
        return f ? *f : 0;
    }
    static std::uint8_t channel_of(std::uint16_t f) noexcept {
        auto c = ieee80211::freq_to_channel(f);
        return c && c->band == ieee80211::band::ghz2_4 ? c->number : 0;
    }
    /// A fresh 8-digit WPS PIN (with its checksum digit) from the engine's generator.
    std::string new_pin() { return make_pin(rng32()); }
    /// Whether `freq` is a 2.4 GHz channel (1-11) this radio has.
    bool usable_freq(std::uint16_t freq) const {
        const std::uint8_t ch = channel_of(freq);
        return ch && radio_has(ch);
    }
    bool radio_has(std::uint8_t ch) const {
        auto c = ieee80211::make_channel(ieee80211::band::ghz2_4, ch);
        return c && cfg_.stack().radio().supports_channel(*c);
    }
    bool busy_negotiating() const noexcept {
        return state_ == state::connect || state_ == state::connect_listen ||
               state_ == state::go_neg || state_ == state::wait_peer_connect ||
               state_ == state::wait_peer_idle;
    }
    void arm(duration d, timer_callback cb) {
        if (timer_) time().cancel(timer_);
        timer_ = time().schedule_in(d, std::move(cb));
    }

    // ---- config-layer events -----------------------------------------------------------------
    /// Registers the device interface for probe requests and P2P public action frames.
    result<void> register_frames() {
        cfg::cmd::register_frame probe;
        probe.wdev = dev_.wdev;
        probe.frame_type = 0x0040;
        if (auto s = exec(probe); !s) return s.err();
        cfg::cmd::register_frame action;
        action.wdev = dev_.wdev;
        action.match = {0x04, 0x09, 0x50, 0x6f, 0x9a, 0x09};
        if (auto s = exec(action); !s) return s.err();
        return {};
    }
    template <class E>
    void on_device(const E& e) {
        namespace me = mac::event;
        if constexpr (std::is_same_v<E, me::scan_done>) {
            scan_done_(e.aborted);
        } else if constexpr (std::is_same_v<E, me::remain_on_channel>) {
            // A software remain-on-channel is ready before its request returns the cookie.
            if (starting_listen_ && !listen_cookie_) listen_cookie_ = e.cookie;
            if (e.cookie == listen_cookie_) listening_ = true;
        } else if constexpr (std::is_same_v<E, me::cancel_remain_on_channel>) {
            if (e.cookie == listen_cookie_) listen_ended();
        } else if constexpr (std::is_same_v<E, me::frame>) {
            rx_frame(e);
        } else if constexpr (std::is_same_v<E, me::frame_tx_status>) {
            for (auto it = pending_tx_.begin(); it != pending_tx_.end(); ++it)
                if (it->first == e.cookie) {
                    const tx_kind k = it->second;
                    pending_tx_.erase(it);
                    tx_done(k, e.ack);
                    return;
                }
            // A USB driver reports the status before the request has returned its cookie.
            if (sending_) early_status_ = std::pair{e.cookie, e.ack};
        }
    }

    // ---- search and listen -------------------------------------------------------------------
    void search() {
        std::vector<std::uint16_t> freqs;
        const bool full = first_scan_ && find_.type != find_type::social;
        if (full) {
            if (find_.freq) {
                freqs.push_back(find_.freq);
            } else {
                for (auto ch : channels_) freqs.push_back(freq_of(ch));
            }
        } else {
            for (std::uint8_t ch : {1, 6, 11})
                if (radio_has(ch)) freqs.push_back(freq_of(ch));
            if (find_.freq && !std::count(freqs.begin(), freqs.end(), find_.freq))
                freqs.push_back(find_.freq);
            if (find_.type == find_type::progressive) {
                for (std::size_t k = 0; k < channels_.size(); ++k) {
                    const auto ch = channels_[(progressive_next_ + k) % channels_.size()];
                    if (ch == 1 || ch == 6 || ch == 11) continue;
                    freqs.push_back(freq_of(ch));
                    progressive_next_ = (progressive_next_ + k + 1) % channels_.size();
                    break;
                }
            }
        }
        first_scan_ = false;
        scan_start_ = time().now();
        cfg::cmd::trigger_scan t;
        t.wdev = dev_.wdev;
        t.freqs = std::move(freqs);
        t.ssids = {"DIRECT-"};
        t.ies = probe_request_ies();
        t.no_cck = true;
        if (!exec(t))
            arm(std::chrono::milliseconds(100), [this] {
                timer_ = 0;
                if (state_ == state::search) search();
            });
    }
    void scan_done_(bool) {
        read_scan_results();
        if (state_ == state::search) start_listen(listen_ms());
    }
    std::uint32_t listen_ms() {
        const unsigned lo = set_.min_disc_int, hi = std::max(set_.max_disc_int, set_.min_disc_int);
        const unsigned n = lo + static_cast<unsigned>(rng_() % (hi - lo + 1));
        return static_cast<std::uint32_t>(n * 1024 / 10);  // n x 100 TU in ms
    }
    void start_listen(std::uint32_t ms) {
        cfg::cmd::remain_on_channel r;
        r.wdev = dev_.wdev;
        r.freq = freq_of(listen_ch_);
        r.duration_ms = std::min(ms, cfg_.stack().radio().max_remain_on_channel_ms());
        listen_cookie_ = 0;
        listening_ = false;
        starting_listen_ = true;
        auto c = exec(r);
        starting_listen_ = false;
        if (!c) return listen_ended();
        listen_cookie_ = c->value;
    }
    void end_listen() {
        if (!listen_cookie_) return;
        cfg::cmd::cancel_remain_on_channel c;
        c.wdev = dev_.wdev;
        c.cookie = listen_cookie_;
        listen_cookie_ = 0;
        listening_ = false;
        (void)exec(c);
    }
    void listen_ended() {
        listen_cookie_ = 0;
        listening_ = false;
        switch (state_) {
            case state::search:
                if (find_.delay_ms)
                    arm(std::chrono::milliseconds(find_.delay_ms), [this] {
                        timer_ = 0;
                        if (state_ == state::search) search();
                    });
                else
                    search();
                break;
            case state::listen_only:
                start_listen(
                    std::min<std::uint32_t>(cfg_.stack().radio().max_remain_on_channel_ms(), 1000));
                break;
            case state::connect_listen:
                state_ = state::connect;
                send_go_neg_req();
                break;
            case state::wait_peer_connect:
                state_ = state::wait_peer_idle;
                arm(std::chrono::milliseconds(200), [this] {
                    timer_ = 0;
                    if (state_ == state::wait_peer_idle) {
                        state_ = state::wait_peer_connect;
                        start_listen(listen_ms());
                    }
                });
                break;
            default:
                break;
        }
    }
    void ext_tick() {
        ext_timer_ = time().schedule_in(std::chrono::milliseconds(ext_interval_), [this] {
            ext_timer_ = 0;
            if (state_ == state::idle && !listen_cookie_) start_listen(ext_period_);
            ext_tick();
        });
    }

    void read_scan_results() {
        cfg::cmd::get_scan g;
        g.wdev = dev_.wdev;
        auto results = exec(g);
        if (!results) return;
        // Only what this scan heard: older entries were handled by earlier scans.
        const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
                               time().now() - std::max(find_start_, scan_start_))
                               .count();
        for (const auto& r : *results) {
            if (static_cast<std::int64_t>(r.bss.seen_ms_ago) > since) continue;
            auto p = parse_elements(r.bss.ies);
            if (!p || !p->has_p2p || !p->device) continue;
            const bool go =
                p->capab && (p->capab->group & ieee80211::p2p::group_capab::group_owner);
            auto& peer = learn(*p->device, r.bss.bssid, false);
            peer.listen_freq = static_cast<std::uint16_t>(r.bss.freq);
            if (go) {
                peer.oper_freq = static_cast<std::uint16_t>(r.bss.freq);
                peer.intended_iface = r.bss.bssid;
                if (const auto elems = ieee80211::element_range::parse(r.bss.ies))
                    for (auto e : *elems)
                        if (e.id == ieee80211::eid::ssid)
                            peer.go_ssid = std::string(ieee80211::ssid_of(e));
            }
        }
    }
    /// Records what a frame says about a peer; reports it when due.
    peer& learn(const peer_info& info, const mac_address& src, bool probe_req_only) {
        std::optional<peer> evicted;
        auto& p = peers_.touch(info.dev_addr, time().now(), &evicted);
        if (evicted && evicted->ever_reported) sink_(event::device_lost{evicted->info.dev_addr});
        const bool renamed = p.reported && !info.name.empty() && info.name != p.info.name;
        if (!probe_req_only || p.probe_req_only) {
            const auto dev = p.info.dev_addr;
            p.info = info;
            p.info.dev_addr = dev;
            p.info.addr = src;
        }
        p.last_seen = time().now();
        if (!probe_req_only) p.probe_req_only = false;
        if (renamed) p.reported = false;
        if (!p.probe_req_only && !p.reported && !p.rejected) {
            sink_(event::device_found{p.info, !p.ever_reported});
            p.reported = p.ever_reported = true;
        }
        return p;
    }
    void cleanup() {
        peers_.expire(time().now(), neg_peer_, [&](const peer& p) {
            if (p.ever_reported) sink_(event::device_lost{p.info.dev_addr});
        });
        cleanup_ = time().schedule_in(limits::cleanup_period, [this] { cleanup(); });
    }

    // ---- frames in ---------------------------------------------------------------------------
    void rx_frame(const mac::event::frame& f) {
        if (f.bytes.size() < 24) return;
        const ieee80211::frame_control fc{load_le16(f.bytes.data())};
        if (fc.subtype() == ieee80211::mgmt_subtype::probe_req) return rx_probe_req(f);
        auto a = parse_public_action(f.bytes);
        if (!a) return;
        rx_freq_ = f.freq;
        switch (a->subtype) {
            case ieee80211::p2p::public_action::go_neg_req:
                return rx_go_neg_req(*a);
            case ieee80211::p2p::public_action::go_neg_resp:
                return rx_go_neg_resp(*a);
            case ieee80211::p2p::public_action::go_neg_conf:
                return rx_go_neg_conf(*a);
            case ieee80211::p2p::public_action::prov_disc_req:
                return rx_pd_req(*a);
            case ieee80211::p2p::public_action::prov_disc_resp:
                return rx_pd_resp(*a);
            default:
                return;
        }
    }
    void rx_probe_req(const mac::event::frame& f) {
        const bytes_view frame(f.bytes);
        const mac_address da = mac_address::from(frame.data() + 4),
                          sa = mac_address::from(frame.data() + 10),
                          bssid = mac_address::from(frame.data() + 16);
        auto elems = ieee80211::element_range::parse(frame.subspan(24));
        if (!elems) return;
        std::optional<std::string_view> ssid;
        for (auto e : *elems)
            if (e.id == ieee80211::eid::ssid) ssid = ieee80211::ssid_of(e);
        auto p = parse_elements(frame.subspan(24));
        if (!p || !p->has_p2p) return;
        if (p->listen) {
            // A probe-request-only entry learns the listen channel.
            auto& e = p->device ? learn(*p->device, sa, true) : peers_.touch(sa, time().now());
            e.listen_freq = freq_of(p->listen->channel);
            if (busy_negotiating() && neg_peer_ == sa && state_ == state::connect_listen) {
                end_listen();  // the peer is listening: resend now
            }
        }
        if (!listening_ || !ssid || *ssid != "DIRECT-") return;
        if (!(da.is_broadcast() || da == dev_addr_) || !bssid.is_broadcast()) return;
        if (p->device_id && *p->device_id != dev_addr_) return;
        if (p->requested_type && *p->requested_type != set_.primary_type &&
            std::find(set_.secondary_types.begin(), set_.secondary_types.end(),
                      *p->requested_type) == set_.secondary_types.end())
            return;
        cfg::cmd::mgmt_tx t;
        t.wdev = dev_.wdev;
        t.frame = probe_response(sa);
        t.freq = freq_of(listen_ch_);
        t.no_cck = true;
        t.dont_wait_for_ack = true;
        (void)exec(t);
    }

    // ---- elements and frames out -------------------------------------------------------------
    void put_wps_common(byte_writer& w, std::uint16_t dpid, bool request) {
        namespace wa = ieee80211::wps::attr;
        ieee80211::wps::put::u8(w, wa::version, 0x10);
        if (request) {
            ieee80211::wps::put::u8(w, wa::request_type, 0x01);
        } else {
            ieee80211::wps::put::u8(w, wa::wps_state, 0x01);
            ieee80211::wps::put::u8(w, wa::response_type, 0x00);
        }
        ieee80211::wps::put::u16(w, wa::config_methods, set_.config_methods);
        ieee80211::wps::put::device_type(w, wa::primary_device_type, set_.primary_type);
        ieee80211::wps::put::u16(w, wa::device_password_id, dpid);
        ieee80211::wps::put::text(w, wa::manufacturer, "softmac");
        ieee80211::wps::put::text(w, wa::model_name, "softmac");
        ieee80211::wps::put::text(w, wa::model_number, "1");
        ieee80211::wps::put::text(w, wa::device_name, set_.device_name);
        ieee80211::wps::put::wfa_extension(w, request);
    }
    std::vector<std::uint8_t> probe_request_ies() {
        std::vector<std::uint8_t> out(1024);
        byte_writer w(out);
        ieee80211::vendor_ie_builder<> wps(ieee80211::vendor::wps);
        put_wps_common(wps.body(), 0, true);
        if (find_.dev_type)
            ieee80211::wps::put::device_type(
                wps.body(), ieee80211::wps::attr::requested_device_type, *find_.dev_type);
        wps.emit(w);
        ieee80211::vendor_ie_builder<> p(ieee80211::vendor::p2p);
        ieee80211::p2p::capability{std::uint8_t(set_.dev_capab & ~0x02), 0}.write(p.body());
        if (find_.dev_id) ieee80211::p2p::write_address(p.body(), p2pa::device_id, *find_.dev_id);
        put_channel(p.body(), p2pa::listen_channel, listen_ch_);
        p.emit(w);
        out.resize(w.size());
        return out;
    }
    std::vector<std::uint8_t> probe_response(const mac_address& to) {
        return build_frame(
            ieee80211::mgmt_subtype::probe_resp, to, dev_addr_, dev_addr_, [&](byte_writer& w) {
                ieee80211::write_beacon_fixed(w, 0, 100, 0x0430);
                ieee80211::put::ssid(w, "DIRECT-");
                mac::put_rates(w, ieee80211::rates_2ghz, true);
                ieee80211::put::ds_params(w, listen_ch_);
                ieee80211::vendor_ie_builder<> wps(ieee80211::vendor::wps);
                put_wps_common(wps.body(), 0, false);
                wps.emit(w);
                ieee80211::vendor_ie_builder<> p(ieee80211::vendor::p2p);
                ieee80211::p2p::capability{std::uint8_t(set_.dev_capab & ~0x02), 0}.write(p.body());
                put_device_info(p.body(), dev_addr_, set_, set_.config_methods);
                p.emit(w);
            });
    }
    std::uint16_t methods_for(wps_method m) const noexcept {
        namespace cm = ieee80211::wps::config_method;
        if (m == wps_method::pbc) return cm::push_button;
        if (m == wps_method::display || m == wps_method::keypad) return cm::display | cm::keypad;
        return set_.config_methods;
    }
    std::vector<std::uint8_t> our_channels(std::uint16_t force) const {
        if (force) return {channel_of(force)};
        return channels_;
    }
    void send_action(std::vector<std::uint8_t> frame, std::uint16_t freq, std::uint32_t wait_ms,
                     tx_kind kind) {
        if (listen_cookie_ && freq != freq_of(listen_ch_)) end_listen();
        cfg::cmd::mgmt_tx t;
        t.wdev = dev_.wdev;
        t.frame = std::move(frame);
        t.freq = freq;
        t.wait_ms = wait_ms;
        t.offchannel_ok = true;
        t.no_cck = true;
        sending_ = true;
        early_status_.reset();
        auto c = exec(t);
        sending_ = false;
        if (!c) return tx_done(kind, false);
        if (!c->value) return;
        if (early_status_ && early_status_->first == c->value) {
            const bool ack = early_status_->second;
            early_status_.reset();
            return tx_done(kind, ack);
        }
        pending_tx_.emplace_back(c->value, kind);
    }

    // ---- GO negotiation ----------------------------------------------------------------------
    mac_address intended_iface() {
        if (!dedicated_) return dev_addr_;  // the group shares the device's interface
        if (intended_ != mac_address{}) return intended_;
        const auto& hw = cfg_.stack().hw();
        for (std::uint8_t k = 1; k < hw.n_addresses; ++k) {
            const mac_address a = hw.address(k);
            bool used = false;
            for (std::uint8_t v = 0; v < Config::stack_type::max_interfaces; ++v)
                if (const auto* i = cfg_.stack().interface(v); i && i->vif.addr == a) used = true;
            for (const auto& g : groups_) used = used || g.iface_addr == a;
            if (!used) return intended_ = a;
        }
        return intended_ = dev_addr_;
    }
    std::uint8_t preferred_oper(const peer& p) const noexcept {
        return p.force_freq ? channel_of(p.force_freq) : oper_ch_;
    }
    void send_go_neg_req() {
        auto* p = peers_.find(neg_peer_);
        if (!p) return fail_negotiation(-1);
        if (++neg_tries_ > limits::go_neg_max_tries) return fail_negotiation(-1);
        const auto me = intended_iface();
        auto f = build_public_action(
            p->info.dev_addr, dev_addr_, p->info.dev_addr,
            ieee80211::p2p::public_action::go_neg_req, p->dialog_token,
            [&](byte_writer& w) {
                ieee80211::p2p::capability{std::uint8_t(set_.dev_capab & ~0x02), 0x08}.write(w);
                ieee80211::p2p::go_intent{p->go_intent, tie_breaker_}.write(w);
                ieee80211::p2p::config_timeout{100, 20}.write(w);
                put_channel(w, p2pa::listen_channel, listen_ch_);
                ieee80211::p2p::write_address(w, p2pa::intended_interface_addr, me);
                put_channel_list(w, our_channels(p->force_freq));
                put_device_info(w, dev_addr_, set_, methods_for(p->method));
                put_channel(w, p2pa::operating_channel, preferred_oper(*p));
            },
            [&](byte_writer& w) {
                ieee80211::wps::put::u8(w, ieee80211::wps::attr::version, 0x10);
                ieee80211::wps::put::u16(w, ieee80211::wps::attr::device_password_id,
                                         password_id_of(p->method));
                ieee80211::wps::put::wfa_extension(w, false);
            });
        const std::uint16_t freq = p->listen_freq ? p->listen_freq : p->oper_freq;
        send_action(std::move(f), freq, limits::go_neg_req_wait_ms, tx_kind::go_neg_req);
    }
    void tx_done(tx_kind k, bool ack) {
        switch (k) {
            case tx_kind::go_neg_req:
                if (state_ != state::connect) return;
                arm(ack ? limits::wait_after_ack
                        : limits::wait_after_nack + std::chrono::milliseconds(rng_() % 100),
                    [this] {
                        timer_ = 0;
                        if (state_ != state::connect) return;
                        state_ = state::connect_listen;
                        start_listen(listen_ms());
                    });
                return;
            case tx_kind::go_neg_conf:
                if (state_ != state::go_neg || !confirming_) return;
                if (!ack && conf_retries_++ < 1) return resend_confirm();
                confirming_ = false;
                negotiation_done();
                return;
            case tx_kind::pd_req:
                if (!pd_) return;
                pd_->timer = time().schedule_in(std::chrono::milliseconds(ack ? 200 : 300), [this] {
                    if (!pd_) return;
                    pd_->timer = 0;
                    send_pd_req();
                });
                return;
            default:
                return;
        }
    }
    void fail_negotiation(int status) {
        if (timer_) time().cancel(timer_);
        timer_ = 0;
        end_listen();
        neg_peer_ = {};
        state_ = state::idle;
        confirming_ = false;
        sink_(event::go_neg_failure{status});
    }
    std::vector<std::uint8_t> intersect(const std::vector<std::uint8_t>& theirs,
                                        std::uint16_t force) const {
        std::vector<std::uint8_t> out;
        for (auto c : our_channels(force))
            if (std::count(theirs.begin(), theirs.end(), c)) out.push_back(c);
        return out;
    }
    /// The GO's operating channel from the intersection; 0 when none fits (status 7).
    std::uint8_t choose_oper(const std::vector<std::uint8_t>& common, const peer& p,
                             std::uint8_t peer_pref) const {
        if (common.empty()) return 0;
        const std::uint8_t pref = preferred_oper(p);
        if (std::count(common.begin(), common.end(), pref)) return pref;
        if (p.force_freq) return 0;
        if (std::count(common.begin(), common.end(), peer_pref)) return peer_pref;
        for (std::uint8_t s : {1, 6, 11})
            if (std::count(common.begin(), common.end(), s)) return s;
        return common.front();
    }
    std::vector<std::uint8_t> go_neg_response(const peer& p, std::uint8_t token,
                                              std::uint8_t status, bool tie, bool we_go,
                                              std::uint8_t oper,
                                              const std::vector<std::uint8_t>& chans) {
        const auto me = intended_iface();
        return build_public_action(
            p.info.dev_addr, dev_addr_, dev_addr_, ieee80211::p2p::public_action::go_neg_resp,
            token,
            [&](byte_writer& w) {
                ieee80211::p2p::write_octet(w, p2pa::status, status);
                ieee80211::p2p::capability{std::uint8_t(set_.dev_capab & ~0x02),
                                           std::uint8_t(we_go && status == 0 ? 0x08 : 0)}
                    .write(w);
                ieee80211::p2p::go_intent{p.go_intent, tie}.write(w);
                ieee80211::p2p::config_timeout{100, 20}.write(w);
                if (oper) put_channel(w, p2pa::operating_channel, oper);
                ieee80211::p2p::write_address(w, p2pa::intended_interface_addr, me);
                put_channel_list(w, chans);
                put_device_info(w, dev_addr_, set_, methods_for(p.method));
                if (we_go && status == 0) ieee80211::p2p::group_id{dev_addr_, neg_ssid_}.write(w);
            },
            [&](byte_writer& w) {
                ieee80211::wps::put::u8(w, ieee80211::wps::attr::version, 0x10);
                ieee80211::wps::put::u16(w, ieee80211::wps::attr::device_password_id,
                                         password_id_of(p.method));
                ieee80211::wps::put::wfa_extension(w, false);
            });
    }
    void rx_go_neg_req(const action_frame& a) {
        const auto& q = a.attrs;
        std::uint8_t status = 0;
        if (!q.listen || !q.oper || !q.channels || !q.intended_iface || !q.device || !q.intent)
            status = ieee80211::p2p::status::invalid_params;
        else if (q.device->dev_addr != a.sa)
            status = ieee80211::p2p::status::invalid_params;
        peer* p = nullptr;
        if (q.device) {
            p = &learn(*q.device, a.sa, false);
            if (q.listen) p->listen_freq = freq_of(q.listen->channel);
        } else {
            p = &peers_.touch(a.sa, time().now());
        }
        const std::uint16_t dpid = q.dpid.value_or(0);
        const bool tie = q.intent && !q.intent->tie_breaker;
        auto answer = [&](std::uint8_t st) {
            send_action(
                go_neg_response(*p, a.token, st, tie, false, 0, our_channels(p->force_freq)),
                rx_freq_, limits::go_neg_resp_wait_ms, tx_kind::go_neg_resp);
        };
        if (status) return answer(status);
        if (p->rejected) return answer(ieee80211::p2p::status::rejected_by_user);
        if (p->method == wps_method::not_ready) {
            if (!p->waiting_for_us || !busy_negotiating())
                sink_(event::go_neg_request{a.sa, dpid, q.intent->intent});
            p->waiting_for_us = true;
            return answer(ieee80211::p2p::status::info_unavailable);
        }
        if (busy_negotiating() && neg_peer_ != a.sa)
            return answer(ieee80211::p2p::status::unable_to_accommodate);
        if ((state_ == state::connect || state_ == state::connect_listen) && neg_peer_ == a.sa &&
            a.sa.octets > dev_addr_.octets)
            return;  // both sent requests: the lower address's request wins
        if (q.intent->intent == 15 && p->go_intent == 15)
            return answer(ieee80211::p2p::status::both_go_intent_15);
        const auto common = intersect(*q.channels, p->force_freq);
        if (common.empty()) return answer(ieee80211::p2p::status::no_common_channels);
        if (!compatible(p->method, dpid))
            return answer(ieee80211::p2p::status::incompatible_prov_method);
        const bool we_go = p->go_intent > q.intent->intent ||
                           (p->go_intent == q.intent->intent && !q.intent->tie_breaker);
        std::uint8_t oper = q.oper->channel;
        if (we_go) {
            oper = choose_oper(common, *p, q.oper->channel);
            if (!oper) return answer(ieee80211::p2p::status::no_common_channels);
            neg_ssid_ = new_ssid();
        } else if (!std::count(common.begin(), common.end(), oper)) {
            return answer(ieee80211::p2p::status::no_common_channels);
        }
        stop_find();
        if (timer_) time().cancel(timer_);
        timer_ = 0;
        end_listen();
        neg_peer_ = a.sa;
        initiator_ = false;
        p->waiting_for_us = false;
        p->intended_iface = *q.intended_iface;
        neg_go_ = we_go;
        neg_oper_ = oper;
        state_ = state::go_neg;
        send_action(go_neg_response(*p, a.token, 0, tie, we_go, we_go ? oper : 0,
                                    we_go ? common : our_channels(p->force_freq)),
                    rx_freq_, limits::go_neg_resp_wait_ms, tx_kind::go_neg_resp);
        arm(limits::confirm_wait + std::chrono::milliseconds(limits::go_neg_resp_wait_ms), [this] {
            timer_ = 0;
            if (state_ == state::go_neg && !initiator_) fail_negotiation(-1);
        });
    }
    void rx_go_neg_resp(const action_frame& a) {
        if (!(state_ == state::connect || state_ == state::connect_listen) || a.sa != neg_peer_)
            return;
        auto* p = peers_.find(neg_peer_);
        if (!p || a.token != p->dialog_token) return;
        const auto& q = a.attrs;
        if (!q.status) return fail_negotiation(ieee80211::p2p::status::invalid_params);
        if (*q.status == ieee80211::p2p::status::info_unavailable) {
            if (timer_) time().cancel(timer_);
            end_listen();
            state_ = state::wait_peer_connect;
            start_listen(listen_ms());
            timer_ = time().schedule_in(limits::peer_ready_wait, [this] {
                timer_ = 0;
                if (state_ == state::wait_peer_connect || state_ == state::wait_peer_idle)
                    fail_negotiation(-1);
            });
            return;
        }
        if (*q.status != 0) return fail_negotiation(*q.status);
        if (!q.intent || !q.channels || !q.intended_iface)
            return fail_negotiation(ieee80211::p2p::status::invalid_params);
        if (timer_) time().cancel(timer_);
        timer_ = 0;
        end_listen();
        p->intended_iface = *q.intended_iface;
        std::uint8_t conf_status = 0;
        bool we_go =
            p->go_intent > q.intent->intent || (p->go_intent == q.intent->intent && tie_breaker_);
        if (p->go_intent == 15 && q.intent->intent == 15)
            conf_status = ieee80211::p2p::status::incompatible_params;
        const auto common = intersect(*q.channels, p->force_freq);
        std::uint8_t oper = 0;
        if (!conf_status) {
            if (we_go) {
                oper = choose_oper(common, *p, q.oper ? q.oper->channel : 0);
                if (!oper) conf_status = ieee80211::p2p::status::no_common_channels;
                neg_ssid_ = new_ssid();
            } else if (!q.oper || !q.group_ssid) {
                conf_status = ieee80211::p2p::status::invalid_params;
            } else {
                oper = q.oper->channel;
                neg_ssid_ = *q.group_ssid;
                neg_go_dev_ = q.group_go.value_or(a.sa);
            }
        }
        neg_go_ = we_go;
        neg_oper_ = oper;
        neg_common_ = common;
        conf_token_ = a.token;
        conf_status_ = conf_status;
        state_ = state::go_neg;
        confirming_ = conf_status == 0;
        conf_retries_ = 0;
        resend_confirm();
        if (conf_status) fail_negotiation(conf_status);
    }
    void resend_confirm() {
        auto* p = peers_.find(neg_peer_);
        if (!p) return;
        auto f = build_public_action(
            p->info.dev_addr, dev_addr_, p->info.dev_addr,
            ieee80211::p2p::public_action::go_neg_conf, conf_token_,
            [&](byte_writer& w) {
                ieee80211::p2p::write_octet(w, p2pa::status, conf_status_);
                ieee80211::p2p::capability{std::uint8_t(set_.dev_capab & ~0x02),
                                           std::uint8_t(neg_go_ ? 0x08 : 0)}
                    .write(w);
                if (neg_oper_) put_channel(w, p2pa::operating_channel, neg_oper_);
                put_channel_list(w, neg_common_.empty() ? channels_ : neg_common_);
                if (neg_go_ && conf_status_ == 0)
                    ieee80211::p2p::group_id{dev_addr_, neg_ssid_}.write(w);
            },
            [](byte_writer&) {});
        send_action(std::move(f), rx_freq_, limits::go_neg_conf_wait_ms, tx_kind::go_neg_conf);
    }
    void rx_go_neg_conf(const action_frame& a) {
        if (state_ != state::go_neg || initiator_ || a.sa != neg_peer_) return;
        const auto& q = a.attrs;
        if (!q.status) return fail_negotiation(ieee80211::p2p::status::invalid_params);
        if (*q.status != 0) return fail_negotiation(*q.status);
        if (!neg_go_) {
            if (!q.group_go || !q.group_ssid)
                return fail_negotiation(ieee80211::p2p::status::invalid_params);
            neg_ssid_ = *q.group_ssid;
            neg_go_dev_ = *q.group_go;
            if (q.oper) neg_oper_ = q.oper->channel;
        }
        if (timer_) time().cancel(timer_);
        timer_ = time().schedule_in(limits::confirm_settle, [this] {
            timer_ = 0;
            negotiation_done();
        });
    }
    void negotiation_done() {
        auto* p = peers_.find(neg_peer_);
        if (!p) return fail_negotiation(-1);
        state_ = state::provisioning;
        const std::uint16_t freq = freq_of(neg_oper_);
        sink_(event::go_neg_success{neg_go_, freq, p->info.dev_addr, p->intended_iface, p->method});
        const mac_address peer_dev = p->info.dev_addr, peer_iface = p->intended_iface;
        p->method = wps_method::not_ready;  // the authorisation is used up
        neg_peer_ = {};
        // The group runs on the operating channel: no listen period or frame wait may keep
        // the radio elsewhere while it forms.
        end_listen();
        for (const auto& [cookie, kind] : pending_tx_) {
            cfg::cmd::frame_wait_cancel c;
            c.wdev = dev_.wdev;
            c.cookie = cookie;
            (void)exec(c);
        }
        auto g = create_group(neg_go_, neg_oper_, neg_ssid_, peer_dev, peer_iface,
                              neg_go_ ? dev_addr_ : neg_go_dev_);
        state_ = state::idle;
        if (!g) {
            sink_(event::group_formation_failure{});
            return;
        }
    }

    // ---- provision discovery -----------------------------------------------------------------
    void send_pd_req() {
        auto* p = peers_.find(pd_->peer);
        if (!p || ++pd_->tries > limits::pd_max_tries) {
            const mac_address who = pd_->peer;
            pd_.reset();
            sink_(event::prov_disc_failure{who, 1});
            return;
        }
        const bool join = pd_->join;
        auto f = build_public_action(
            p->info.dev_addr, dev_addr_, p->info.dev_addr,
            ieee80211::p2p::public_action::prov_disc_req, pd_->token,
            [&](byte_writer& w) {
                ieee80211::p2p::capability{std::uint8_t(set_.dev_capab & ~0x02), 0}.write(w);
                put_device_info(w, dev_addr_, set_, set_.config_methods);
                if (join && !p->go_ssid.empty())
                    ieee80211::p2p::group_id{p->info.dev_addr, p->go_ssid}.write(w);
            },
            [&](byte_writer& w) {
                ieee80211::wps::put::u16(w, ieee80211::wps::attr::config_methods, pd_->methods);
            });
        const std::uint16_t freq =
            join && p->oper_freq ? p->oper_freq : (p->listen_freq ? p->listen_freq : p->oper_freq);
        send_action(std::move(f), freq, limits::pd_req_wait_ms, tx_kind::pd_req);
    }
    void rx_pd_req(const action_frame& a) {
        namespace cm = ieee80211::wps::config_method;
        const auto& q = a.attrs;
        peer* p = q.device ? &learn(*q.device, a.sa, false) : peers_.find(a.sa);
        std::uint16_t methods = q.wps_methods.value_or(0);
        if (methods != cm::display && methods != cm::keypad && methods != cm::push_button)
            methods = 0;
        std::string group_if;
        if (q.group_go) {
            bool ours = false;
            for (const auto& g : groups_)
                if (g.go && g.ssid == q.group_ssid.value_or("")) {
                    ours = true;
                    group_if = g.ifname;
                }
            if (!ours) methods = 0;
        }
        auto f = build_public_action(
            a.sa, dev_addr_, dev_addr_, ieee80211::p2p::public_action::prov_disc_resp, a.token,
            [](byte_writer&) {},
            [&](byte_writer& w) {
                ieee80211::wps::put::u16(w, ieee80211::wps::attr::config_methods, methods);
            });
        // Legacy PD success carries no P2P attributes: drop the empty P2P IE.
        send_action(strip_empty_p2p(std::move(f)), rx_freq_, limits::pd_resp_wait_ms,
                    tx_kind::other);
        if (!methods || !p) return;
        const peer_info info = p->info;
        if (methods == cm::display)
            sink_(event::prov_disc_show_pin{info, new_pin(), false});
        else if (methods == cm::keypad)
            sink_(event::prov_disc_enter_pin{info, false});
        else
            sink_(event::prov_disc_pbc_req{info});
    }
    static std::vector<std::uint8_t> strip_empty_p2p(std::vector<std::uint8_t> f) {
        // category, action, OUI(4), subtype, token = 8 octets after the header; then DD 04 P2P
        const std::size_t at = 24 + 8;
        if (f.size() >= at + 6 && f[at] == 0xdd && f[at + 1] == 4)
            f.erase(f.begin() + static_cast<std::ptrdiff_t>(at),
                    f.begin() + static_cast<std::ptrdiff_t>(at + 6));
        return f;
    }
    void rx_pd_resp(const action_frame& a) {
        namespace cm = ieee80211::wps::config_method;
        if (!pd_ || a.sa != pd_->peer || a.token != pd_->token) return;
        if (pd_->timer) time().cancel(pd_->timer);
        const std::uint16_t asked = pd_->methods;
        pd_.reset();
        const std::uint16_t got = a.attrs.wps_methods.value_or(0);
        if (got != asked) return sink_(event::prov_disc_failure{a.sa, 2});
        auto* p = peers_.find(a.sa);
        peer_info info = p ? p->info : peer_info{a.sa, a.sa, {}, {}, 0, 0, 0};
        if (asked == cm::display)
            sink_(event::prov_disc_enter_pin{info, true});
        else if (asked == cm::keypad)
            sink_(event::prov_disc_show_pin{info, new_pin(), true});
        else
            sink_(event::prov_disc_pbc_resp{a.sa});
    }

    // ---- groups ------------------------------------------------------------------------------
    std::string new_ssid() {
        static constexpr char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        std::string s = "DIRECT-";
        s += alphabet[rng_() % 62];
        s += alphabet[rng_() % 62];
        return s + set_.ssid_postfix;
    }
    std::string new_passphrase() {
        static constexpr char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        std::string s;
        const unsigned n = std::clamp<unsigned>(set_.passphrase_len, 8, 63);
        for (unsigned i = 0; i < n; ++i) s += alphabet[rng_() % 62];
        return s;
    }
    std::vector<std::uint8_t> go_p2p_ie(const group& g, bool probe_resp) {
        std::vector<std::uint8_t> out(1024);
        byte_writer w(out);
        ieee80211::vendor_ie_builder<> p(ieee80211::vendor::p2p);
        std::uint8_t gc = ieee80211::p2p::group_capab::group_owner | 0x08;  // intra-BSS
        if (g.forming) gc |= ieee80211::p2p::group_capab::group_formation;
        ieee80211::p2p::capability{std::uint8_t(set_.dev_capab & ~0x02), gc}.write(p.body());
        if (probe_resp) {
            put_device_info(p.body(), dev_addr_, set_, set_.config_methods);
            if (!g.clients.empty()) {
                auto& b = p.body();
                const std::size_t n = g.clients.size();
                b.u8(p2pa::group_info).le16(static_cast<std::uint16_t>(n * (25 + 4)));
                for (const auto& [iface, dev] : g.clients) {
                    b.u8(24 + 4).raw(dev.bytes()).raw(iface.bytes()).u8(0).be16(0);
                    ieee80211::wps::device_type{}.write(b);
                    b.u8(0).be16(ieee80211::wps::attr::device_name).be16(0);
                }
            }
        } else {
            ieee80211::p2p::write_address(p.body(), p2pa::device_id, dev_addr_);
        }
        p.emit(w);
        out.resize(w.size());
        return out;
    }
    result<group*> create_group(bool go, std::uint8_t ch, std::string ssid,
                                const mac_address& peer_dev, const mac_address& peer_iface,
                                mac_address go_dev = {}) {
        group g;
        g.go = go;
        g.ifname = "p2p-" + ifname_ + "-" + std::to_string(group_counter_++);
        g.ssid = std::move(ssid);
        g.freq = freq_of(ch);
        g.peer_dev = peer_dev;
        g.peer_iface = peer_iface;
        g.forming = peer_dev != mac_address{};
        g.go_dev = go ? dev_addr_ : go_dev;
        if (dedicated_) {
            cfg::cmd::new_interface ni;
            ni.ifname = g.ifname;
            ni.iftype = go ? driver::iftype::p2p_go : driver::iftype::p2p_client;
            if (!cfg_.stack().hw().supports(ni.iftype))
                ni.iftype = go ? driver::iftype::ap : driver::iftype::station;
            ni.mac = intended_iface();
            intended_ = {};
            auto r = exec(ni);
            if (!r) return r.err();
            g.ref = {r->ifindex, r->wdev};
            g.iface_addr = r->mac;
            (void)cfg_.set_up(g.ref, true);
        } else {
            // No P2P interface types: the device's own interface becomes the group interface
            // (an AP for a GO), as wpa_supplicant does with p2p_no_group_iface.
            g.ifname = ifname_;
            g.ref = dev_;
            g.iface_addr = dev_addr_;
            if (go) {
                cfg::cmd::set_interface si;
                si.ifindex = dev_.ifindex;
                si.iftype = driver::iftype::ap;
                if (auto r = exec(si); !r) return r.err();
                (void)cfg_.set_up(dev_, true);
            }
        }
        if (go) {
            g.passphrase = new_passphrase();
            cfg::cmd::start_ap sa;
            sa.ifindex = g.ref.ifindex;
            static_cast<mac::ap_params&>(sa) = mac::make_ap_params(
                g.iface_addr, g.ssid, *ieee80211::make_channel(ieee80211::band::ghz2_4, ch),
                ieee80211::rates_2ghz, true, mac::hidden_ssid::not_hidden, 100);
            sa.tail = go_p2p_ie(g, false);
            sa.probe_resp_ies = go_p2p_ie(g, true);
            if (auto s = exec(sa); !s) {
                release_interface(g);
                return s.err();
            }
        } else {
            cfg::cmd::connect c;
            c.ifindex = g.ref.ifindex;
            c.ssid = g.ssid;
            c.bssid = peer_iface;
            c.freq = g.freq;
            c.ies = client_assoc_ie();
            if (auto s = exec(c); !s) {
                release_interface(g);
                return s.err();
            }
        }
        groups_.push_back(std::move(g));
        group& out = groups_.back();
        if (out.forming) {
            const std::string name = out.ifname;
            out.timer = time().schedule_in(limits::formation_timeout, [this, name] {
                if (auto* gg = find_group(name)) gg->timer = 0;
                sink_(event::group_formation_failure{});
                remove_group(name, "FORMATION_FAILED");
            });
        }
        return &out;
    }
    std::vector<std::uint8_t> client_assoc_ie() {
        std::vector<std::uint8_t> out(512);
        byte_writer w(out);
        ieee80211::vendor_ie_builder<> p(ieee80211::vendor::p2p);
        ieee80211::p2p::capability{set_.dev_capab, 0}.write(p.body());
        put_device_info(p.body(), dev_addr_, set_, set_.config_methods);
        p.emit(w);
        out.resize(w.size());
        return out;
    }
    group* find_group(std::string_view name) {
        for (auto& g : groups_)
            if (g.ifname == name) return &g;
        return nullptr;
    }
    /// A group's own interface is deleted; a shared one goes back to being the P2P device.
    void release_interface(const group& g) {
        if (g.ref.wdev != dev_.wdev) {
            cfg::cmd::del_interface d;
            d.ifindex = g.ref.ifindex;
            d.wdev = g.ref.wdev;
            (void)exec(d);
            return;
        }
        if (g.go) {
            cfg::cmd::set_interface si;
            si.ifindex = dev_.ifindex;
            si.iftype = driver::iftype::station;
            (void)exec(si);
            (void)cfg_.set_up(dev_, true);
        }
        (void)register_frames();
    }
    void group_started(group& g) {
        if (g.timer) time().cancel(g.timer);
        g.timer = 0;
        const bool was_forming = g.forming;
        g.forming = false;
        g.started = true;
        if (was_forming) {
            sink_(event::group_formation_success{});
            if (g.go) update_beacon(g);
        }
        sink_(event::group_started{g.ifname, g.go, g.ssid, g.freq, g.go ? g.passphrase : "",
                                   g.go_dev});
        if (g.go) arm_idle(g);
    }
    void update_beacon(group& g) {
        cfg::cmd::set_beacon sb;
        sb.ifindex = g.ref.ifindex;
        sb.tail = go_p2p_ie(g, false);
        sb.probe_resp_ies = go_p2p_ie(g, true);
        (void)exec(sb);
    }
    void arm_idle(group& g) {
        if (g.timer) time().cancel(g.timer);
        g.timer = 0;
        if (!g.go || !set_.group_idle_s || !g.clients.empty()) return;
        const std::string name = g.ifname;
        g.timer = time().schedule_in(std::chrono::seconds(set_.group_idle_s), [this, name] {
            if (auto* gg = find_group(name)) gg->timer = 0;
            remove_group(name, "IDLE");
        });
    }
    void remove_group(const std::string& name, const char* reason) {
        auto* g = find_group(name);
        if (!g) return;
        if (g->timer) time().cancel(g->timer);
        const group gone = *g;
        const bool go = gone.go;
        std::erase_if(groups_, [&](const group& x) { return x.ifname == name; });
        if (go) {
            cfg::cmd::stop_ap s;
            s.ifindex = gone.ref.ifindex;
            (void)exec(s);
        } else {
            cfg::cmd::disconnect d;
            d.ifindex = gone.ref.ifindex;
            d.reason = ieee80211::reason::deauth_leaving;
            (void)exec(d);
        }
        release_interface(gone);
        sink_(event::group_removed{name, go, reason});
    }
    template <class E>
    void on_group(const std::string& name, const E& e) {
        namespace me = mac::event;
        auto* g = find_group(name);
        if (!g) return;
        if constexpr (std::is_same_v<E, me::new_station>) {
            mac_address dev = e.addr;
            if (e.addr == g->peer_iface) dev = g->peer_dev;
            g->clients.emplace_back(e.addr, dev);
            sink_(event::ap_sta_connected{e.addr, dev, name});
            if (g->forming && e.addr == g->peer_iface)
                group_started(*g);
            else
                update_beacon(*g);
            arm_idle(*g);
        } else if constexpr (std::is_same_v<E, me::del_station>) {
            const auto it = std::find_if(g->clients.begin(), g->clients.end(),
                                         [&](const auto& c) { return c.first == e.addr; });
            if (it == g->clients.end()) return;
            const mac_address dev = it->second;
            g->clients.erase(it);
            sink_(event::ap_sta_disconnected{e.addr, dev, name});
            if (g->started) {
                update_beacon(*g);
                arm_idle(*g);
            }
        } else if constexpr (std::is_same_v<E, me::connect>) {
            if (e.status == 0 && !e.timed_out) {
                if (!g->started) group_started(*g);
            } else if (!g->started) {
                // The GO may not be up yet: scan and join again until formation times out.
                const cfg::wdev_ref ref = g->ref;
                const std::string ssid = g->ssid;
                const mac_address bssid = g->peer_iface;
                const std::uint16_t freq = g->freq;
                time().schedule_in(std::chrono::milliseconds(100),
                                   [this, name, ref, ssid, bssid, freq] {
                                       if (!find_group(name)) return;
                                       cfg::cmd::connect c;
                                       c.ifindex = ref.ifindex;
                                       c.ssid = ssid;
                                       c.bssid = bssid;
                                       c.freq = freq;
                                       c.ies = client_assoc_ie();
                                       (void)exec(c);
                                   });
            }
        } else if constexpr (std::is_same_v<E, me::disconnect>) {
            if (!g->started || g->go) return;
            if (e.by_ap && e.reason == ieee80211::reason::deauth_leaving)
                return remove_group(name, "GO_ENDING_SESSION");
            g->timer = time().schedule_in(limits::client_idle, [this, name] {
                if (auto* gg = find_group(name)) gg->timer = 0;
                remove_group(name, "IDLE");
            });
        }
    }

    result<std::string> join(peer& p, const connect_params& c, const std::string& pin) {
        if (p.go_ssid.empty() || !p.oper_freq)
            return make_error(errc::not_found, "the peer is not a known GO");
        stop_find();
        auto g = create_group(false, channel_of(c.freq ? c.freq : p.oper_freq), p.go_ssid,
                              p.info.dev_addr, p.intended_iface, p.info.dev_addr);
        if (!g) return g.err();
        return pin;
    }

    time_type& time_;
    Config& cfg_;
    Sink sink_;
    settings set_;
    std::string ifname_;
    std::mt19937_64 rng_;
    cfg::wdev_ref dev_;
    mac_address dev_addr_, intended_;
    bool dedicated_ = true;
    std::uint8_t listen_ch_ = 6, oper_ch_ = 6;
    std::vector<std::uint8_t> channels_;
    state state_ = state::idle;
    peer_table peers_;
    find_params find_;
    time_point find_start_{}, scan_start_{};
    bool first_scan_ = true;
    std::size_t progressive_next_ = 0;
    std::uint64_t listen_cookie_ = 0;
    bool listening_ = false, starting_listen_ = false;
    timer_id timer_ = 0, cleanup_ = 0, find_timer_ = 0, ext_timer_ = 0;
    std::uint32_t ext_period_ = 0, ext_interval_ = 0;
    std::vector<std::pair<std::uint64_t, tx_kind>> pending_tx_;
    bool sending_ = false;
    std::optional<std::pair<std::uint64_t, bool>> early_status_;
    std::uint16_t rx_freq_ = 0;
    // negotiation
    mac_address neg_peer_, neg_go_dev_;
    bool initiator_ = false, tie_breaker_ = false, neg_go_ = false, confirming_ = false;
    unsigned neg_tries_ = 0, conf_retries_ = 0;
    std::uint8_t neg_oper_ = 0, conf_token_ = 0, conf_status_ = 0;
    std::vector<std::uint8_t> neg_common_;
    std::string neg_ssid_;
    std::optional<pd_state> pd_;
    std::vector<group> groups_;
    unsigned group_counter_ = 0;
};

}  // namespace softmac::p2p
