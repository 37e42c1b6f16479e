// SPDX-License-Identifier: MIT
/// @file Defines p2p::engine: wpa_supplicant's P2P module over the config layer. The engine is
/// the public API, the start of the device and the demultiplexing of config-layer events; each
/// procedure is a unit of its own, as hostap's src/p2p is split:
///
/// - p2p/types.hpp: states, find and connect parameters, groups, timing (p2p.h, p2p_i.h)
/// - p2p/detail/channels.hpp: channel numbers, intersection, operating channel (p2p_utils.c)
/// - p2p/detail/build.hpp: the frames and elements the device sends (p2p_build.c)
/// - p2p/discovery.hpp: find, listen, extended listen, peers (p2p.c)
/// - p2p/go_negotiation.hpp: GO negotiation (p2p_go_neg.c)
/// - p2p/provision_discovery.hpp: provision discovery (p2p_pd.c)
/// - p2p/groups.hpp, go_commands.hpp: group lifecycle; what a running GO is asked (p2p_group.c)
/// - p2p/invitation.hpp: invitation and persistent group re-invocation (p2p_invitation.c)
/// - p2p/offchannel.hpp: listen periods and action frame TX (p2p_supplicant.c)
/// - p2p/join_search.hpp: a join's scans and its provision discovery first (p2p_supplicant.c)
/// - p2p/station.hpp: the station interface: scans, networks, connection (scan.c, events.c)
/// - p2p/service_discovery.hpp: service discovery over GAS (p2p_sd.c, p2p_supplicant_sd.c)
/// - p2p/device_discoverability.hpp: a GO's client reached through its GO (p2p_dev_disc.c)
/// - p2p/presence.hpp: a GO's Notice of Absence and the Presence Request (p2p_group.c, p2p.c)
/// - p2p/detail/contexts.hpp: what each unit reaches of the engine (struct p2p_config)
///
/// Each unit reaches the rest only through its context (p2p/detail/contexts.hpp), resolved at
/// compile time. A unit's exec() accepts only the config-layer commands its `issues<...>` list
/// names; changes_radio() derives the control interface's admin flags from those lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <softmac/cfg/config_layer.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/detail/contexts.hpp>
#include <softmac/p2p/device_discoverability.hpp>
#include <softmac/p2p/discovery.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/go_negotiation.hpp>
#include <softmac/p2p/groups.hpp>
#include <softmac/p2p/invitation.hpp>
#include <softmac/p2p/join_search.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/offchannel.hpp>
#include <softmac/p2p/peer_table.hpp>
#include <softmac/p2p/persistent.hpp>
#include <softmac/p2p/presence.hpp>
#include <softmac/p2p/provision_discovery.hpp>
#include <softmac/p2p/service_discovery.hpp>
#include <softmac/p2p/station.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands the engine issues itself, to start the device.
using engine_issues =
    issues<cfg::cmd::get_wiphy, cfg::cmd::new_interface, cfg::cmd::start_p2p_device,
           cfg::cmd::register_frame, cfg::cmd::get_interface, cfg::cmd::get_station>;

/// @brief One radio's P2P device: the engine over that radio's config layer. Events go to Sink.
template <cfg::config_layer Config, event_sink Sink>
class engine {
    using contexts = detail::engine_contexts<engine, Config>;
    friend contexts;
    using offchannel_context = typename contexts::offchannel_context;
    using discovery_context = typename contexts::discovery_context;
    using service_discovery_context = typename contexts::service_discovery_context;
    using negotiation_context = typename contexts::negotiation_context;
    using discoverability_context = typename contexts::discoverability_context;
    using presence_context = typename contexts::presence_context;
    using prov_disc_context = typename contexts::prov_disc_context;
    using invitation_context = typename contexts::invitation_context;
    using join_context = typename contexts::join_context;
    using group_context = typename contexts::group_context;
    using station_context = typename contexts::station_context;

  public:
    using config_type = Config;
    using time_type = typename Config::time_type;

    /// @brief The engine of one P2P device over its radio's config layer. The config layer's
    /// events are handed to cfg_event() by whoever assembles the two (p2p::device).
    engine(time_type& time, Config& c, Sink sink, p2p::settings s = {},
           std::string ifname = "wlan0", std::uint64_t seed = 1)
        : time_(time), cfg_(c), sink_(std::move(sink)) {
        dev_.set = std::move(s);
        dev_.ifname = std::move(ifname);
        dev_.rng.seed(seed);
    }
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    ~engine() {
        disarm();
        if (cleanup_) time_.cancel(cleanup_);
        disc_.cancel_timers();
        neg_.cancel_timers();
        pd_.cancel_timers();
        inv_.cancel_timers();
        groups_.cancel_timers();
        sta_.cancel_timers();
        join_.cancel_timers();
        pres_.cancel_timers();
    }

    /// @brief Whether operation `op` may change the radio's state (detail::changes_radio).
    static constexpr bool changes_radio(operation op) noexcept { return detail::changes_radio(op); }

    Sink& sink() noexcept { return sink_; }
    /// @brief The P2P settings (what P2P_SET and SET change), for writing: the next frame
    /// built from them reads them again.
    p2p::settings& settings() noexcept {
        ++dev_.set_writes;
        return dev_.set;
    }
    const p2p::settings& settings() const noexcept { return dev_.set; }
    state current() const noexcept { return dev_.current; }
    const mac_address& device_address() const noexcept { return dev_.addr; }
    const peer_table& peers() const noexcept { return dev_.peers; }
    const auto& discovery_stats() const noexcept { return disc_.stats(); }
    const std::vector<group>& groups() const noexcept { return groups_.list(); }
    std::uint16_t listen_freq() const noexcept { return detail::freq_of_channel(dev_.listen_ch); }
    time_point now() const noexcept { return time_.now(); }
    /// @brief The interface name the device was created for (wlan0).
    const std::string& ifname() const noexcept { return dev_.ifname; }
    /// @brief The P2P device's own interface name: `p2p-dev-<if>`, or `<if>` on a radio without
    /// P2P interface types.
    std::string device_ifname() const {
        return dev_.dedicated ? "p2p-dev-" + dev_.ifname : dev_.ifname;
    }
    /// @brief P2P_SET listen_channel: a channel of this radio between 1 and 11.
    result<void> set_listen_channel(std::uint8_t ch) {
        if (ch < 1 || ch > 11 || !dev_.has_channel(ch))
            return make_error(errc::bad_value, "not a usable listen channel");
        dev_.listen_ch = ch;
        dev_.set.listen_channel = ch;
        return {};
    }

    /// @brief A frame comes soon (the MAC's prefetch, some deliveries ahead): discovery's part.
    SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) noexcept { disc_.prefetch_rx(f); }
    /// @brief One event from the config layer, addressed to an interface.
    void cfg_event(const cfg::wdev_ref& to, const mac::event::any& e) {
        // A client's group interface hears its GO's P2P action frames; a GO's sends one.
        if (const auto* f = std::get_if<mac::event::frame>(&e); f && to.wdev != dev_.wdev.wdev) {
            dd_.rx_p2p_action(*f);
            pres_.rx_p2p_action(to, *f);
        }
        if (const auto* s = std::get_if<mac::event::frame_tx_status>(&e))
            dd_.tx_status(s->cookie, s->ack);
        // Without a dedicated P2P device the group shares the device's interface: both see it.
        groups_.route(to, e);
        sta_.route(to, e);
        if (to.wdev == dev_.wdev.wdev) std::visit([&](const auto& ev) { on_device(ev); }, e);
    }
    /// @brief Creates and starts the P2P device, registers for P2P frames, picks channels. The
    /// wiphy's facts are read once, here.
    result<void> start() {
        auto w = exec(cfg::cmd::get_wiphy{});
        if (!w) return w.err();
        dev_.wiphy = std::move(*w);
        const bool dedicated = dev_.wiphy.supported.has(cfg::iftype::p2p_device);
        cfg::cmd::new_interface ni;
        ni.ifname = dedicated ? "p2p-dev-" + dev_.ifname : dev_.ifname;
        ni.iftype = dedicated ? cfg::iftype::p2p_device : cfg::iftype::station;
        auto r = exec(ni);
        if (!r) return r.err();
        dev_.wdev = {r->ifindex, r->wdev};
        dev_.addr = r->mac;
        dev_.dedicated = dedicated;
        if (dedicated) {
            cfg::cmd::start_p2p_device sp;
            sp.wdev = r->wdev;
            if (auto s = exec(sp); !s) return s.err();
        } else if (auto s = cfg_.set_up(dev_.wdev, true); !s) {
            return s;
        }
        if (auto s = register_frames(); !s) return s;
        dev_.listen_ch =
            dev_.set.listen_channel ? dev_.set.listen_channel : detail::random_social(dev_.rng);
        if (!dev_.set.oper_channel)
            dev_.oper_freq = detail::freq_of_channel(detail::random_social(dev_.rng));
        neg_.start();
        // wpas_p2p_setup_channels: every channel of a P2P class the radio has (2.4 GHz 1 to
        // 11, as softmac's regulatory domain allows).
        dev_.channels.clear();
        for (std::uint8_t oc : detail::p2p_classes)
            for (const auto span = ieee80211::find_operating_class(oc)->channels;
                 std::uint8_t ch : span) {
                const auto f = detail::freq_of(oc, ch);
                if ((oc != 81 || ch <= 11) && dev_.wiphy.bands.has(f) &&
                    !detail::contains(dev_.channels, f))
                    dev_.channels.push_back(f);
            }
        cleanup_ = time_.schedule_in(limits::cleanup_period, [this] { cleanup(); });
        return {};
    }

    // ---- discovery ---------------------------------------------------------------------------
    result<void> find(const find_params& p = {}) {
        auto r = disc_.find(p);
        if (r) sd_.new_find();
        return r;
    }
    /// @brief P2P_STOP_FIND: ends find or listen-only (FIND-STOPPED when a find was running) and,
    /// as hostap's p2p_stop_find forgets go_neg_peer and invite_peer, a pending GO negotiation,
    /// invitation or join with the provision discovery it waits for, without an event: the device
    /// is idle (the peer's authorisation stays).
    void stop_find() {
        disc_.stop_find();
        sd_.stop();
        dd_.stop();
        inv_.stop();
        neg_.abandon();
        join_.stop();
        pd_.cancel_followed();
    }
    /// @brief Listen-only: stay discoverable on the listen channel for `timeout_s` (0: forever).
    result<void> listen(std::uint32_t timeout_s = 0) { return disc_.listen(timeout_s); }
    /// @brief Extended listen timing: `period_ms` of listen every `interval_ms` while idle
    /// (0, 0 turns it off).
    result<void> ext_listen(std::uint32_t period_ms, std::uint32_t interval_ms) {
        return disc_.ext_listen(period_ms, interval_ms);
    }
    /// @brief P2P_FLUSH: fails a negotiation, stops everything and forgets every peer.
    void flush() {
        if (dev_.negotiating()) neg_.fail(event::go_neg_failure::no_status);
        stop_find();
        sd_.flush();
        disc_.forget_peers();
    }
    /// @brief P2P_REJECT: refuses the peer's negotiations from now on.
    result<void> reject(const mac_address& dev) {
        auto* p = dev_.peers.find(dev);
        if (!p) return make_error(errc::not_found, "unknown peer");
        p->rejected = true;
        p->status = ieee80211::p2p::status::rejected_by_user;
        if (dev_.negotiating() && neg_.peer_address() == dev)
            neg_.fail(ieee80211::p2p::status::rejected_by_user);
        return {};
    }

    /// @brief P2P_UNAUTHORIZE (p2p_unauthorize): the peer's authorisation goes, and a negotiation
    /// with it is forgotten without an event.
    result<void> unauthorize(const mac_address& dev) {
        auto* p = dev_.peers.find(dev);
        if (!p) return make_error(errc::not_found, "unknown peer");
        if (dev_.negotiating() && neg_.peer_address() == dev) neg_.abandon();
        p->method = wps_method::not_ready;
        return {};
    }
    /// @brief P2P_CANCEL (wpas_p2p_cancel): a pending GO negotiation, and the provision
    /// discovery one starts with (2.10 neither finds nor ends it), lose their peers' authorisation;
    /// P2P_STOP_FIND's stops follow, and the first group not yet started ends. No
    /// P2P-GO-NEG-FAILURE; not_found when none of these, nor a join, was in progress.
    result<void> cancel() {
        bool found = join_.pending();  // a join not started yet (wpas_p2p_cancel)
        for (const auto& peer :
             {pd_.before_negotiation(),
              dev_.negotiating() ? std::optional(neg_.peer_address()) : std::nullopt})
            if (peer) {
                found = true;
                if (auto* p = dev_.peers.find(*peer)) p->method = wps_method::not_ready;
            }
        stop_find();
        found = groups_.cancel_formation() || found;
        if (!found) return make_error(errc::not_found, "no group formation in progress");
        return {};
    }

    // ---- GO negotiation, join, provision discovery -------------------------------------------
    /// @brief P2P_CONNECT (go_negotiator::connect). The PIN to show is the answer.
    result<std::string> connect(const mac_address& dev, connect_params c) {
        return neg_.connect(dev, std::move(c));
    }
    /// @brief P2P_PROV_DISC; `automatic`: `join` was chosen for the peer (auto), as reported.
    result<void> prov_disc(const mac_address& dev, wps_method asked, bool join = false,
                           bool automatic = false) {
        return pd_.request(dev, asked, join, automatic);
    }
    /// @brief Whether the peer was last seen running a group as its GO (a scan result carried
    /// its group).
    bool runs_group(const mac_address& dev) const { return dev_.peer_runs_group(dev); }

    // ---- service discovery -------------------------------------------------------------------
    /// @brief The services this device answers for (P2P_SERVICE_ADD, _DEL, _FLUSH, _UPDATE).
    service_registry& services() noexcept { return sd_.services(); }
    const service_registry& services() const noexcept { return sd_.services(); }
    /// @brief P2P_SERV_DISC_REQ: queues Service Request TLVs for `peer` (none: every peer); they
    /// go out while finding. The answer is the query's reference.
    result<std::uint64_t> sd_request(std::optional<mac_address> peer,
                                     std::vector<std::uint8_t> tlvs) {
        if (dev_.set.disabled) return make_error(errc::invalid_state, "P2P is disabled");
        if (tlvs.size() > sd_.max_query)
            return make_error(errc::bad_length, "a query must fit in one frame");
        return sd_.request(peer, std::move(tlvs));
    }
    /// @brief P2P_SERV_DISC_CANCEL_REQ.
    result<void> sd_cancel(std::uint64_t ref) {
        if (!sd_.cancel(ref)) return make_error(errc::not_found, "no such pending query");
        return {};
    }
    /// @brief P2P_SERV_DISC_RESP: the application's answer to request `token` of `to`.
    void sd_respond(std::uint16_t freq, const mac_address& to, std::uint8_t token,
                    std::vector<std::uint8_t> tlvs) {
        sd_.respond(freq, to, token, std::move(tlvs));
    }
    /// @brief P2P_SERV_DISC_EXTERNAL: requests are reported only, the application answers.
    void set_sd_external(bool on) noexcept { sd_.set_external(on); }

    // ---- groups ------------------------------------------------------------------------------
    /// @brief An autonomous GO on `freq` (0: the operating-channel preference); `persistent`:
    /// stored when it starts; `persistent_id`: a stored GO group started again.
    result<std::string> group_add(std::uint16_t freq = 0, bool persistent = false,
                                  int persistent_id = -1) {
        const auto f = dev_.autonomous_go_freq(freq, dev_.dedicated ? sta_.shared_freq() : 0);
        if (!f) return f.err();
        return groups_.add(*f, persistent, persistent_id);
    }
    /// @brief P2P_INVITE: to a running group or a stored persistent group.
    result<void> invite(const invite_params& p) { return inv_.invite(p); }

    // ---- stored persistent groups ------------------------------------------------------------
    const std::vector<persistent_group>& persistent_groups() const noexcept {
        return dev_.persistent;
    }
    /// @brief Replaces the stored groups (read from a configuration file; persistent::load).
    void load_persistent(std::vector<persistent_group> groups, int next_id) {
        persistent::load(dev_, std::move(groups), next_id);
    }
    /// @brief The id the next stored network gets (taken by the caller's own networks too).
    int take_network_id() noexcept { return dev_.next_network_id++; }
    /// @brief SET_NETWORK of a stored group (persistent::update).
    result<void> update_persistent(const persistent_group& g) {
        auto r = persistent::update(dev_, g);
        if (!r) return r.err();
        if (*r) sink_(**r);
        return {};
    }
    /// @brief A new stored group (persistent::add); its id is the answer.
    result<int> add_persistent(persistent_group g) {
        auto r = persistent::add(dev_, std::move(g));
        if (!r) return r.err();
        sink_(*r);
        return r->id;
    }
    /// @brief Forgets a stored group (REMOVE_NETWORK).
    result<void> forget_persistent(int id) { return groups_.forget(id); }
    result<void> group_remove(std::string_view ifname) { return groups_.remove(ifname); }
    /// @brief P2P_REMOVE_CLIENT: by device address, or by interface address (`iface`).
    void remove_client(const mac_address& addr, bool iface) { groups_.remove_client(addr, iface); }
    /// @brief P2P_GROUP_MEMBER: a client's interface address in the GO group on `ifname`.
    std::optional<mac_address> group_member(std::string_view ifname, const mac_address& dev) const {
        return groups_.member(ifname, dev);
    }
    result<std::string> passphrase(std::string_view ifname) const {
        return groups_.passphrase(ifname);
    }
    /// @brief The WPS registrar of the GO group on `ifname`, for inspection.
    result<softmac::wps::registrar*> registrar(std::string_view ifname) {
        return groups_.registrar(ifname);
    }
    // ---- power save and presence --------------------------------------------------------------
    /// @brief P2P_SET noa, oppps and ctwindow on the GO group `ifname` (p2p::presence).
    result<void> set_noa(std::string_view ifname, unsigned count, unsigned start_ms,
                         unsigned duration_ms) {
        return pres_.set_noa(ifname, count, start_ms, duration_ms);
    }
    result<void> set_opp_ps(std::string_view ifname, bool on) {
        return pres_.set_opp_ps(ifname, on);
    }
    result<void> set_ctwindow(std::string_view ifname, unsigned tu) {
        return pres_.set_ctwindow(ifname, tu);
    }
    /// @brief CHAN_SWITCH on the GO group `ifname`.
    result<void> switch_channel(std::string_view ifname, std::uint32_t count, std::uint16_t freq,
                                bool block_tx = false) {
        return groups_.switch_channel(ifname, count, freq, block_tx);
    }
    /// @brief P2P_PRESENCE_REQ on the client group `ifname` (durations and intervals in µs).
    result<void> presence_request(std::string_view ifname, std::uint32_t dur1, std::uint32_t int1,
                                  std::uint32_t dur2, std::uint32_t int2) {
        return pres_.request(ifname, dur1, int1, dur2, int2);
    }
    /// @brief WPS_PIN, WPS_PBC and WPS_CANCEL on the GO group `ifname`.
    result<void> wps_pin(std::string_view ifname, const std::string& pin,
                         std::optional<mac_address> addr = std::nullopt,
                         duration timeout = duration::zero()) {
        return groups_.wps_pin(ifname, pin, addr, timeout);
    }
    result<void> wps_pbc(std::string_view ifname, std::optional<mac_address> dev = std::nullopt) {
        return groups_.wps_pbc(ifname, dev);
    }
    result<void> wps_cancel(std::string_view ifname) { return groups_.wps_cancel(ifname); }
    /// @brief The device's WPS identity: UUID-E from its address, names and methods from the
    /// settings.
    softmac::wps::device_info wps_device() const { return detail::wps_device(dev_); }

    /// @brief The wiphy's facts, as read at start.
    const cfg::reply::wiphy& wiphy() const noexcept { return dev_.wiphy; }
    /// @brief What the config layer says of the device's interface `ifname` (the P2P device's,
    /// the station's once it exists, or a group's); none for another name.
    std::optional<cfg::reply::interface> interface_info(std::string_view ifname) {
        std::optional<cfg::wdev_ref> ref;
        if (ifname == device_ifname()) ref = dev_.wdev;
        if (!ref && ifname == dev_.ifname) ref = sta_.interface();
        for (const auto& g : groups_.list())
            if (!ref && g.ifname == ifname) ref = g.ref;
        if (!ref) return std::nullopt;
        cfg::cmd::get_interface gi;
        static_cast<cfg::wdev_ref&>(gi) = *ref;
        auto r = exec(gi);
        if (!r || r->empty()) return std::nullopt;
        return r->front();
    }

    /// @brief The MAC's record of station `addr` on the device's interface `ifname` (a GO's
    /// group, or the station interface running a mode=2 AP); none when it has none.
    std::optional<cfg::reply::station> station_info(std::string_view ifname,
                                                    const mac_address& addr) {
        std::optional<cfg::wdev_ref> ref;
        if (ifname == dev_.ifname) ref = sta_.interface();
        for (const auto& g : groups_.list())
            if (g.ifname == ifname) ref = g.ref;
        if (!ref) return std::nullopt;
        cfg::cmd::get_station gs;
        static_cast<cfg::wdev_ref&>(gs) = *ref;
        gs.mac = addr;
        auto r = exec(gs);
        if (!r || r->empty()) return std::nullopt;
        return r->front();
    }

    // ---- the station interface ---------------------------------------------------------------
    /// @brief The station interface: its state, and its commands (SCAN, DISCONNECT, ...).
    const station_manager<station_context>& station() const noexcept { return sta_; }
    station_manager<station_context>& station() noexcept { return sta_; }
    /// @brief The configured networks (every network block but the persistent groups).
    void configure_networks(std::vector<station_network> n) { sta_.configure(std::move(n)); }

  private:
    template <class C>
    auto exec(const C& c) {
        static_assert(engine_issues::has<C>, "softmac: engine_issues must name the command");
        return cfg_.execute(c, contexts::root);
    }
    template <class F>
    void arm(duration d, F f) {
        disarm();
        timer_ = time_.schedule_in(d, [this, f = std::move(f)] {
            timer_ = 0;
            f();
        });
    }
    void disarm() {
        if (timer_) time_.cancel(timer_);
        timer_ = 0;
    }
    void cleanup() {
        disc_.expire(neg_.peer_address());
        cleanup_ = time_.schedule_in(limits::cleanup_period, [this] { cleanup(); });
    }
    /// Registers the device interface for P2P public action frames (probe requests: the
    /// listen periods', offchannel.hpp).
    result<void> register_frames() {
        namespace ie = ieee80211;
        off_.registrations_dropped();  // a type change dropped the reporting's too
        cfg::cmd::register_frame action;
        action.wdev = dev_.wdev.wdev;
        action.match.assign(public_action_prefix.begin(), public_action_prefix.end());
        if (auto s = exec(action); !s) return s.err();
        // P2P action frames: a client that shares the device's interface hears its GO's there.
        action.match.assign(p2p_action_prefix.begin(), p2p_action_prefix.end());
        if (auto s = exec(action); !s) return s.err();
        // Service discovery's GAS frames.
        for (std::uint8_t code = ie::public_code::gas_initial_req;
             code <= ie::public_code::gas_comeback_resp; ++code) {
            action.match = {ie::category::public_action, code};
            if (auto s = exec(action); !s) return s.err();
        }
        return {};
    }

    // ---- config-layer events: the P2P device's interface -------------------------------------
    template <class E>
    void on_device(const E& e) {
        namespace me = mac::event;
        if constexpr (std::is_same_v<E, me::scan_done>)
            disc_.on_scan_done(e.aborted);
        else if constexpr (std::is_same_v<E, me::remain_on_channel>)
            off_.on_ready(e.cookie);
        else if constexpr (std::is_same_v<E, me::cancel_remain_on_channel>)
            off_.on_cancelled(e.cookie);
        else if constexpr (std::is_same_v<E, me::frame>)
            rx_frame(e);
        else if constexpr (std::is_same_v<E, me::frame_tx_status>)
            off_.on_tx_status(e.cookie, e.ack);
    }
    void rx_frame(const mac::event::frame& f) {
        namespace pa = ieee80211::p2p::public_action;
        const auto h = ieee80211::header_view::parse(f.bytes);
        if (!h) return;
        if (h->fc().subtype() == ieee80211::mgmt_subtype::probe_req) return disc_.rx_probe_req(f);
        if (const auto g = ieee80211::gas_frame::parse(bytes_view(f.bytes).subspan(h->length())))
            return sd_.rx(h->addr2(), *g, static_cast<std::uint16_t>(f.freq));
        if (p2p_action_subtype(f.bytes)) {
            dd_.rx_p2p_action(f);
            return pres_.rx_p2p_action(dev_.wdev, f);  // a group on the device's interface
        }
        auto a = parse_public_action(f.bytes);
        if (!a) return;
        dev_.rx_freq = f.freq;
        switch (a->subtype) {
            case pa::go_neg_req:
                return neg_.rx_request(*a);
            case pa::go_neg_resp:
                return neg_.rx_response(*a);
            case pa::go_neg_conf:
                return neg_.rx_confirm(*a);
            case pa::prov_disc_req:
                return pd_.rx_request(*a);
            case pa::prov_disc_resp:
                return pd_.rx_response(*a);
            case pa::invitation_req:
                return inv_.rx_request(*a);
            case pa::invitation_resp:
                return inv_.rx_response(*a);
            case pa::dev_disc_req:
                return dd_.rx_request(*a, static_cast<std::uint16_t>(f.freq));
            case pa::dev_disc_resp:
                return dd_.rx_response(*a);
            default:
                return;
        }
    }
    /// The find goes on after its scan or a peer's turn (p2p_continue_find): the next peer with a
    /// query due, else the listen period.
    void continue_find() {
        dev_.current = state::search;
        if (!sd_.start_next()) disc_.listen_in_find();
    }
    /// A listen period ended: the procedure that owns the state goes on (p2p_listen_end).
    /// A device listening only that is not on its listen channel goes back there (wpa_supplicant's
    /// long listen goes on after off-channel TX); the frames' waits end first.
    void resume_listen() {
        if (dev_.current != state::listen_only || off_.listen_pending()) return;
        off_.cancel_waits();
        disc_.listen_ended();
    }
    void listen_ended() {
        switch (dev_.current) {
            case state::search:
            case state::listen_only:
                return disc_.listen_ended();
            case state::connect_listen:
            case state::wait_peer_connect:
                return neg_.listen_ended();
            case state::invite_listen:
                return inv_.listen_ended();
            default:
                return;
        }
    }
    /// An action frame's TX status, for the procedure that sent it.
    void tx_done(tx_kind k, bool ack, const mac_address& to) {
        if (k == tx_kind::go_neg_req || k == tx_kind::go_neg_conf) return neg_.tx_done(k, ack);
        if (k == tx_kind::pd_req) return pd_.tx_done(ack, to);
        if (k == tx_kind::inv_req) return inv_.tx_done(ack);
        if (k == tx_kind::sd_req) return sd_.tx_done(ack, to);
        if (k == tx_kind::dev_disc_req) return dd_.tx_done(ack);
    }

    time_type& time_;
    Config& cfg_;
    Sink sink_;
    detail::device_state dev_;
    timer_id timer_ = 0, cleanup_ = 0;
    offchannel<offchannel_context> off_{offchannel_context{{this}}};
    discovery<discovery_context> disc_{discovery_context{{{this}}}};
    go_negotiator<negotiation_context> neg_{negotiation_context{{{this}}}};
    provision_discovery<prov_disc_context> pd_{prov_disc_context{{{this}}}};
    invitation<invitation_context> inv_{invitation_context{{{this}}}};
    group_manager<group_context> groups_{group_context{{this}}};
    station_manager<station_context> sta_{station_context{this}};
    join_search<join_context> join_{join_context{{this}}};
    service_discovery<service_discovery_context> sd_{service_discovery_context{{{this}}}};
    device_discoverability<discoverability_context> dd_{discoverability_context{{{this}}}};
    presence<presence_context> pres_{presence_context{{this}}};
};

}  // namespace softmac::p2p
