// SPDX-License-Identifier: MIT
/// @file Defines mac::stack: one radio's MAC, composed of its procedure units.
#pragma once

// The MAC in mac80211's shape, one procedure per header, each unit a class over a context that
// gives it only what it uses:
//
//   stack.hpp             this composition: the units, the radio, construction, the public API
//   interface_record.hpp  the MAC's record of one interface (ieee80211_sub_if_data)
//   interface.hpp         the record's data-path part (vif_state), the MAC's limits, drop reasons
//   iface.hpp             interface creation, type change and removal, vap states (iface.c)
//   scan.hpp              the software scan (scan.c)
//   mlme_sta.hpp          station MLME: auth, assoc, connect, beacon loss, leaving (mlme.c)
//   mlme_ap.hpp           AP MLME: beacons, probe/auth/assoc responses, admission (cfg.c)
//   offchannel.hpp        remain-on-channel queue, management TX and its waits (offchannel.c)
//   mgmt_rx.hpp           registrations, received management frames, action return (rx.c)
//   key_control.hpp       keys and the 802.1X controlled port (cfg.c, key.c, tx.c, rx.c)
//   detail/mgmt_frame.hpp building and sending the MAC's own management frames (tx.c, util.c)
//   timing.hpp            the MLME's timeouts, dwell times and beacon-loss count
//   data_path.hpp         the data path (tx.c, rx.c): pipeline.hpp, tx.hpp, rx.hpp
//   policies.hpp          the stack's policy kinds and their checks
//   events.hpp, bss_table.hpp, frame_registry.hpp, station.hpp, rate_control.hpp

#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/channels.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/mac/bss_table.hpp>
#include <softmac/mac/data_path.hpp>
#include <softmac/mac/detail/mgmt_frame.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/iface.hpp>
#include <softmac/mac/interface.hpp>
#include <softmac/mac/interface_record.hpp>
#include <softmac/mac/key_control.hpp>
#include <softmac/mac/mgmt_rx.hpp>
#include <softmac/mac/mlme_ap.hpp>
#include <softmac/mac/mlme_sta.hpp>
#include <softmac/mac/offchannel.hpp>
#include <softmac/mac/policies.hpp>
#include <softmac/mac/radio.hpp>
#include <softmac/mac/scan.hpp>
#include <softmac/mac/timing.hpp>
#include <softmac/vap/device.hpp>

namespace softmac::mac {

/// @brief One radio and everything the MAC keeps for it: the driver (through mac::radio),
/// the data path, the vaps, the interface records, the BSS table and the procedure units (scan,
/// station and AP MLME, off-channel work, management RX). Management events are reported to
/// `Events` (the config layer, normally); 802.3 frames go to `Net` on the hot path. Products
/// name it as `mac::stack<Driver, Policies...>` (policies.hpp).
template <class Driver, time_policy Time, net_sink Net, event_sink Events, rate_policy RatePolicy,
          buffer_pool Pool, frame_cipher Cipher = no_cipher>
class basic_stack {
  public:
    /// @brief The data path's upper layer: 802.3 frames to `Net`, the rest to the units.
    struct upcalls {
        basic_stack* s;
        void deliver(std::uint8_t vif, frame_buffer&& b) { s->net_.deliver(vif, std::move(b)); }
        /// EAPOL goes to the controlled port's owner as CONTROL_PORT_FRAME.
        void on_control_port(std::uint8_t vif, frame_buffer&& b) { s->keys_.rx(vif, b); }
        void on_mgmt(std::uint8_t vif, frame_buffer&& b, const driver::rx_status& rs) {
            s->mgmt_rx_.rx(vif, std::move(b), rs);
        }
        /// What a received frame reads of the stack: the BSS table's and management RX's
        /// state, and the interface records' first line.
        void rx_lines(driver::rx_prefetch& p) const noexcept {
            p.lines.add(&s->bss_);
            p.lines.add(&s->mgmt_rx_);
            p.lines.add(&s->records_);
        }
        /// A frame comes soon: the interface records and management RX fetch their part.
        SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) noexcept {
            s->records_.prefetch_used();
            s->mgmt_rx_.prefetch_rx(f);
        }
        void on_tx_status(frame_buffer&& b, const driver::tx_status& st) {
            s->offchannel_.tx_status(std::move(b), st);
            // A network side that queues (net_queue) learns the driver has room again.
            if constexpr (net_queue<Net>) s->net_.tx_room();
        }
        void on_roc_ready(std::uint64_t c) { s->offchannel_.roc_ready(c); }
        void on_roc_expired(std::uint64_t c) { s->offchannel_.roc_expired(c); }
        void on_scan_done(bool) {}  // only the software scan is used
    };
    using path_type =
        data_path<capabilities_of<Driver, Cipher>(), Time, upcalls, RatePolicy, Pool, Cipher>;
    using radio_type = ::softmac::mac::radio<Driver, Time, path_type>;
    using device_type = vap::device<radio_type>;
    using time_type = Time;
    using net_type = Net;
    using events_type = Events;
    using pool_type = Pool;
    static constexpr std::size_t max_interfaces = mac::max_interfaces;
    static_assert(radio_type::max_interfaces == max_interfaces);
    static_assert(rx_prefetch_sink<path_type>,
                  "softmac: the data path must say what a received frame reads, for a driver "
                  "that learns of frames before they arrive");

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
        for (auto& i : records_)
            if (i.used()) cancel_timers(i);
    }

    radio_type& radio() noexcept { return radio_; }
    device_type& device() noexcept { return device_; }
    path_type& data() noexcept { return radio_.sink(); }
    Net& net() noexcept { return net_; }
    Events& events() noexcept { return events_; }
    Time& time() noexcept { return time_; }
    const driver::hw_description& hw() const noexcept { return radio_.hw(); }
    bss_table& bss() noexcept { return bss_; }
    /// @brief The MAC's record of an interface, or null.
    const interface_record* record(std::uint8_t vif) const noexcept { return records_.find(vif); }
    /// @brief The data-path state of an interface (its vif, BSSID, counters), or null.
    const vif_state* interface(std::uint8_t vif) const noexcept {
        const auto* r = records_.find(vif);
        return r ? r->data : nullptr;
    }
    bool scanning() const noexcept { return scan_.active(); }
    /// @brief The frequency the radio is configured for (its operating channel).
    std::uint16_t operating_freq() const noexcept { return radio_.conf().channel.freq_mhz; }
    /// @brief The longest remain-on-channel period: the driver's, or the software limit.
    std::uint32_t max_remain_on_channel_ms() const noexcept {
        return radio_.max_remain_on_channel_ms();
    }
    /// @brief Calls `f` with each station entry of interface `vif` (the station dump).
    template <class F>
    void for_each_station(std::uint8_t vif, F&& f) {
        data().stations().for_each([&](const auto& s) {
            if (s.vif_index == vif) f(s);
        });
    }

    /// @brief Registers the hardware (validates its description).
    result<void> start() { return radio_.register_hw(); }

    /// @name Interfaces (iface.hpp)
    /// @{
    /// @brief Creates a vap of a runtime type and brings the data path up on it.
    result<driver::vif> add_interface(driver::iftype type, std::optional<mac_address> addr = {}) {
        return ifaces_.add(type, addr);
    }
    /// @brief Tears an interface down: its MLME stops (an associated station deauthenticates,
    /// an AP stops), its registrations and queued off-channel work go.
    result<void> remove_interface(std::uint8_t vif) { return ifaces_.remove(vif); }
    /// @brief Changes an interface's type (destroy and create with the same address).
    result<driver::vif> change_interface(std::uint8_t vif, driver::iftype type) {
        return ifaces_.change(vif, type);
    }
    /// @brief Sets the operating channel (SET_CHANNEL, and a station's join).
    result<void> set_channel(std::uint16_t freq) {
        auto ch = channel_of(freq);
        if (!ch) return ch.err();
        return radio_.set_channel(*ch);
    }
    /// @}

    /// @name Scan (scan.hpp)
    /// @{
    /// @brief A software scan, channel by channel; refused while another scan runs.
    result<void> scan(std::uint8_t vif, scan_params p) { return scan_.start(vif, std::move(p)); }
    /// @brief Stops a running scan (SCAN_ABORTED follows).
    result<void> abort_scan() {
        if (!scan_.active()) return make_error(errc::not_found, "no scan is running");
        scan_.finish(true);
        return {};
    }
    /// @}

    /// @name Station MLME (mlme_sta.hpp)
    /// @{
    result<void> authenticate(std::uint8_t vif, const auth_params& p) {
        return sta_.authenticate(vif, p);
    }
    result<void> associate(std::uint8_t vif, const assoc_params& p) {
        return sta_.associate(vif, p);
    }
    /// @brief Connect: a known BSS is joined at once, otherwise a scan for the SSID comes first.
    result<void> connect(std::uint8_t vif, const connect_params& p) { return sta_.connect(vif, p); }
    /// @brief Leaves the BSS (a station) with a deauthentication carrying `why`.
    result<void> disconnect(std::uint8_t vif, std::uint16_t why) {
        return sta_.disconnect(vif, why);
    }
    /// @brief Deauthentication (subtype 12) or disassociation (10) of `peer`: the AP a station
    /// is with, or a station of an AP.
    result<void> deauthenticate(std::uint8_t vif, const mac_address& peer, std::uint16_t why,
                                bool disassoc = false) {
        auto* i = records_.find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (i->is_ap()) return ap_.remove_station(*i, peer, why, true, disassoc);
        return sta_.deauthenticate(*i, peer, why, disassoc);
    }
    /// @}

    /// @name AP MLME (mlme_ap.hpp)
    /// @{
    result<void> start_ap(std::uint8_t vif, ap_params p) { return ap_.start(vif, std::move(p)); }
    /// @brief SET_BEACON: new head, tail and extra elements for a running AP.
    result<void> set_beacon(std::uint8_t vif, const byte_vector& head, const byte_vector& tail,
                            const byte_vector& probe_resp_ies, const byte_vector& assoc_resp_ies) {
        return ap_.set_beacon(vif, head, tail, probe_resp_ies, assoc_resp_ies);
    }
    /// @brief Stops beaconing; every station is deauthenticated (reason 3).
    result<void> stop_ap(std::uint8_t vif) { return ap_.stop(vif); }
    /// @brief CHANNEL_SWITCH (ieee80211_channel_switch): a running AP announces the switch in
    /// `count` beacons, then moves the radio.
    result<void> channel_switch(std::uint8_t vif, std::uint16_t freq, std::uint32_t count,
                                bool block_tx) {
        auto ch = channel_of(freq);
        if (!ch) return ch.err();
        return ap_.channel_switch(vif, *ch, count, block_tx);
    }
    /// @brief NEW_STATION: a station the AP admits without the MLME (user-space AP).
    result<void> add_station(std::uint8_t vif, const mac_address& addr, std::uint16_t aid,
                             std::uint32_t flags) {
        return ap_.add_station(vif, addr, aid, flags);
    }
    /// @brief DEL_STATION: one station (deauthenticated with `why`) or, without an address, all.
    result<void> del_station(std::uint8_t vif, std::optional<mac_address> addr, std::uint16_t why) {
        return ap_.del_station(vif, addr, why);
    }
    /// @}

    /// @name Off-channel work (offchannel.hpp)
    /// @{
    /// @brief Queues a remain-on-channel period; the cookie names it in the events.
    result<std::uint64_t> remain_on_channel(std::uint8_t vif, std::uint16_t freq,
                                            std::uint32_t ms) {
        return offchannel_.remain_on_channel(vif, freq, ms);
    }
    /// @brief Ends (or unqueues) a remain-on-channel period; the expired event follows.
    result<void> cancel_remain_on_channel(std::uint64_t cookie) {
        return offchannel_.cancel_remain_on_channel(cookie);
    }
    /// @brief Sends a management frame, off channel when allowed and needed, and stays for
    /// `wait_ms` for a response. The cookie comes back in the TX-status event.
    result<std::uint64_t> mgmt_tx(std::uint8_t vif, const mgmt_tx_params& p) {
        return offchannel_.mgmt_tx(vif, p);
    }
    /// @brief Ends the wait after a management-frame TX early (no event).
    result<void> mgmt_tx_cancel_wait(std::uint64_t cookie) {
        return offchannel_.mgmt_tx_cancel_wait(cookie);
    }
    /// @}

    /// @name Registrations (mgmt_rx.hpp)
    /// @{
    /// @brief Registers `owner` for received management frames of `frame_type` whose body starts
    /// with `match`; probe-request registrations turn on FIF_PROBE_REQ.
    result<void> register_frame(std::uint8_t vif, std::uint16_t frame_type, bytes_view match,
                                std::uint32_t owner) {
        return mgmt_rx_.register_frame(vif, frame_type, match, owner);
    }
    /// @brief Drops an owner's registrations (its socket closed).
    void unregister_owner(std::uint32_t owner) { mgmt_rx_.unregister_owner(owner); }
    /// @}

    /// @name Keys and the controlled port (key.c, the control port of tx.c and rx.c)
    /// @{
    /// @brief NEW_KEY: a pairwise key (with a peer) or group key `id` of interface `vif`. The
    /// driver gets it when it offloads CCMP, the software cipher otherwise. Installing the key
    /// that is already in place keeps its PNs.
    result<void> new_key(std::uint8_t vif, const key_params& p) { return keys_.new_key(vif, p); }
    /// @brief DEL_KEY.
    result<void> del_key(std::uint8_t vif, std::uint8_t id, std::optional<mac_address> peer) {
        return keys_.del_key(vif, id, peer);
    }
    /// @brief SET_KEY default: group key `id` protects the interface's group-addressed frames.
    result<void> set_default_key(std::uint8_t vif, std::uint8_t id) {
        return keys_.set_default_key(vif, id);
    }
    /// @brief The last PN sent under a group key (its RSC), PN0 first: GET_KEY's NL80211_KEY_SEQ.
    result<std::array<std::uint8_t, 6>> key_seq(std::uint8_t vif, std::uint8_t id) {
        return keys_.key_seq(vif, id);
    }
    /// @brief SET_STATION's authorized flag: opens (or closes) the 802.1X port of a station; on a
    /// station interface the peer is the AP.
    result<void> set_authorized(std::uint8_t vif, const mac_address& peer, bool on) {
        return keys_.set_authorized(vif, peer, on);
    }
    /// @brief CONTROL_PORT_FRAME: an EAPOL frame to `to`, sent through the data path before the
    /// port is authorized.
    result<void> tx_control_port(std::uint8_t vif, const mac_address& to, std::uint16_t ethertype,
                                 bytes_view payload) {
        return keys_.tx_control_port(vif, to, ethertype, payload);
    }
    /// @}

    /// @brief 802.3 frame down the data path (the hot path).
    verdict transmit(std::uint8_t vif, frame_buffer&& eth, std::uint8_t priority = 0) {
        return data().transmit(radio_, vif, std::move(eth), priority);
    }

  private:
    /// What every unit is given: the interface records, time, events and management-frame TX.
    class unit_context {
      public:
        using radio_type = basic_stack::radio_type;
        using driver_type = Driver;
        explicit unit_context(basic_stack& s) noexcept : s_(&s) {}
        interface_records& records() noexcept { return s_->records_; }
        Time& time() noexcept { return s_->time_; }
        template <class E>
        void emit(E&& e) {
            s_->events_(event::any(std::forward<E>(e)));
        }
        /// A received frame goes up as an event::frame whose copy is made in storage kept from
        /// frame to frame (as a driver's ring is), not in a new allocation per frame; a frame
        /// event emitted while one is handled gets storage of its own.
        void emit_frame(std::uint8_t vif, std::uint16_t freq, std::int32_t signal_dbm,
                        std::uint32_t owner, bytes_view frame) {
            byte_vector storage = std::move(s_->frame_storage_);
            storage.assign(frame.begin(), frame.end());
            event::any e(event::frame{vif, freq, signal_dbm, owner, std::move(storage)});
            s_->events_(std::as_const(e));
            s_->frame_storage_ = std::move(std::get<event::frame>(e).bytes);
        }
        result<void> send_mgmt(std::uint8_t vif, bytes_view frame, std::uint32_t flags,
                               std::uint64_t cookie = 0) {
            return detail::send_mgmt(s_->radio_, s_->data(), s_->pool_, vif, frame, flags, cookie);
        }

      protected:
        basic_stack* s_;
    };
    /// interface_lifecycle's: the vap device, the data path, the radio, the filter, and the
    /// end of whatever runs on an interface that goes.
    struct iface_context : unit_context {
        using unit_context::unit_context;
        device_type& device() noexcept { return this->s_->device_; }
        path_type& data() noexcept { return this->s_->data(); }
        radio_type& radio() noexcept { return this->s_->radio_; }
        void update_filter() { this->s_->update_filter(); }
        void stop_procedures(interface_record& i) { this->s_->stop_procedures(i); }
    };
    /// software_scan's: the radio, channels, rates, the BSS table, the filter, whether an
    /// off-channel period holds the radio, and the station MLME waiting for the result.
    struct scan_context : unit_context {
        using unit_context::unit_context;
        radio_type& radio() noexcept { return this->s_->radio_; }
        result<ieee80211::channel> channel_of(std::uint16_t freq) const {
            return this->s_->channel_of(freq);
        }
        std::span<const ieee80211::rate> rates() noexcept { return this->s_->data().rates(); }
        bss_table& bss() noexcept { return this->s_->bss_; }
        void update_filter() { this->s_->update_filter(); }
        bool offchannel_active() const noexcept { return this->s_->offchannel_.active(); }
        void scan_finished(std::uint8_t vif, bool aborted) {
            this->s_->sta_.scan_done(vif, aborted);
        }
    };
    /// station_mlme's: channels, the data path, the BSS table, vap states and BSS
    /// notifications, and the scan.
    struct sta_context : unit_context {
        using unit_context::unit_context;
        result<ieee80211::channel> channel_of(std::uint16_t freq) const {
            return this->s_->channel_of(freq);
        }
        result<void> set_channel(const ieee80211::channel& ch) {
            return this->s_->radio_.set_channel(ch);
        }
        path_type& data() noexcept { return this->s_->data(); }
        bss_table& bss() noexcept { return this->s_->bss_; }
        void set_state(const interface_record& i, vap::state st) {
            this->s_->ifaces_.set_state(i, st);
        }
        void bss_changed(const interface_record& i, bool up) {
            this->s_->ifaces_.bss_changed(i, up);
        }
        result<void> p2p_ps_changed(const interface_record& i,
                                    const ieee80211::p2p::notice_of_absence& n) {
            return this->s_->ifaces_.p2p_ps_changed(i, n);
        }
        result<void> start_scan(std::uint8_t vif, scan_params p) {
            return this->s_->scan_.start(vif, std::move(p));
        }
        bool scanning() const noexcept { return this->s_->scan_.active(); }
        void abort_scan() { this->s_->scan_.finish(true); }
    };
    /// ap_mlme's: the operating channel, the data path, vap states and BSS notifications, and
    /// the filter.
    struct ap_context : unit_context {
        using unit_context::unit_context;
        result<void> set_channel(std::uint16_t freq) { return this->s_->set_channel(freq); }
        path_type& data() noexcept { return this->s_->data(); }
        void set_state(const interface_record& i, vap::state st) {
            this->s_->ifaces_.set_state(i, st);
        }
        void bss_changed(const interface_record& i, bool up) {
            this->s_->ifaces_.bss_changed(i, up);
        }
        result<void> p2p_ps_changed(const interface_record& i,
                                    const ieee80211::p2p::notice_of_absence& n) {
            return this->s_->ifaces_.p2p_ps_changed(i, n);
        }
        void update_filter() { this->s_->update_filter(); }
    };
    /// offchannel's: the radio and channels.
    struct offchannel_context : unit_context {
        using unit_context::unit_context;
        radio_type& radio() noexcept { return this->s_->radio_; }
        result<ieee80211::channel> channel_of(std::uint16_t freq) const {
            return this->s_->channel_of(freq);
        }
    };
    /// mgmt_rx's: the BSS table, the filter and the MLME that takes frames.
    struct mgmt_rx_context : unit_context {
        using unit_context::unit_context;
        bss_table& bss() noexcept { return this->s_->bss_; }
        /// A frame comes soon that may go up as an event: the event sink's part, if it has one.
        SOFTMAC_HOT_INLINE void prefetch_event(bytes_view f) noexcept {
            if constexpr (requires { this->s_->events_.prefetch_rx(f); })
                this->s_->events_.prefetch_rx(f);
        }
        void update_filter() { this->s_->update_filter(); }
        bool sta_rx(interface_record& i, const ieee80211::header_view& h,
                    const ieee80211::mgmt_body& mb) {
            return this->s_->sta_.rx(i, h, mb);
        }
        bool ap_rx(interface_record& i, const ieee80211::header_view& h,
                   const ieee80211::mgmt_body& mb) {
            return this->s_->ap_.rx(i, h, mb);
        }
        void beacon_seen(const mac_address& bssid, bytes_view elements, bool beacon,
                         std::uint64_t digest) {
            this->s_->sta_.beacon_seen(bssid, elements, beacon, digest);
        }
    };

    /// key_control's: the data path, the radio and the buffer pool.
    struct key_context : unit_context {
        using unit_context::unit_context;
        using path_type = basic_stack::path_type;
        path_type& data() noexcept { return this->s_->data(); }
        radio_type& radio() noexcept { return this->s_->radio_; }
        Pool& pool() noexcept { return this->s_->pool_; }
    };

    result<ieee80211::channel> channel_of(std::uint16_t freq) const {
        auto c = ieee80211::freq_to_channel(freq);
        if (!c || !radio_.supports_channel(*c))
            return make_error(errc::bad_value, "frequency not in the hardware's bands");
        return *c;
    }
    /// FIF_PROBE_REQ with an AP/GO up or a probe-request registration; beacons and probe
    /// responses of other BSSes during a scan (ieee80211_configure_filter).
    void update_filter() {
        std::uint32_t want =
            radio_.filter() & ~(driver::fif::probe_req | driver::fif::bcn_prbresp_promisc);
        if (records_.beaconing_anywhere() || mgmt_rx_.probe_requests_wanted())
            want |= driver::fif::probe_req;
        if (scan_.active()) want |= driver::fif::bcn_prbresp_promisc;
        radio_.set_filter(want);
    }
    void cancel_timers(interface_record& i) {
        if (i.sta.timer) time_.cancel(i.sta.timer);
        if (i.ap.timer) time_.cancel(i.ap.timer);
        i.sta.timer = i.ap.timer = 0;
    }
    /// Ends everything that runs on an interface before it goes (ieee80211_do_stop).
    void stop_procedures(interface_record& i) {
        const std::uint8_t vif = i.index();
        if (scan_.active() && scan_.vif() == vif) scan_.finish(true);
        sta_.leave(i, reason::deauth_leaving);
        if (i.ap.beaconing) (void)ap_.stop(vif);
        offchannel_.cancel(vif);
        mgmt_rx_.remove_vif(vif);
        cancel_timers(i);
    }

    Time& time_;
    Pool& pool_;
    Net net_;
    Events events_;
    // What every received beacon reads comes first, in the space the radio's alignment leaves
    // (with empty Net and Events policies): the time it is stamped with, the BSS table's
    // header, then the units that see it (the units only keep their contexts when
    // constructed).
    bss_table bss_;
    mgmt_rx<mgmt_rx_context> mgmt_rx_{mgmt_rx_context{*this}};
    station_mlme<sta_context> sta_{sta_context{*this}};
    ap_mlme<ap_context> ap_{ap_context{*this}};
    byte_vector frame_storage_;  ///< the storage of the frame events, kept (unit_context)
    radio_type radio_;
    // Right after the radio, whose last members are its driver's: the records' first line and
    // the driver's state for a received frame are a few hundred octets apart (with the loopback
    // driver), in one page unless the stack's place puts a page boundary between them.
    interface_records records_;
    device_type device_;
    interface_lifecycle<iface_context> ifaces_{iface_context{*this}};
    software_scan<scan_context> scan_{scan_context{*this}};
    offchannel<offchannel_context> offchannel_{offchannel_context{*this}};
    key_control<key_context> keys_{key_context{*this}};
};

namespace detail {
template <class Driver, class P>
struct stack_of {
    using type =
        basic_stack<Driver, typename P::time_type, typename P::net_type, typename P::events_type,
                    typename P::rate_type, typename P::pool_type, typename P::crypto_type>;
};
}  // namespace detail

/// @brief One radio's MAC, its policies given by kind in any order (policies.hpp):
/// `mac::stack<Driver, virtual_time, mac::net<N>, mac::events<E>>`.
template <class Driver, class... Policies>
using stack = typename detail::stack_of<Driver, stack_policies<Policies...>>::type;

}  // namespace softmac::mac
