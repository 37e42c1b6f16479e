// SPDX-License-Identifier: MIT
/// @file Defines mac::data_path: 802.3 -> 802.11 TX and 802.11 -> 802.3 RX as compile-time
/// handler pipelines (the machinery in pipeline.hpp, the handlers in tx.hpp and rx.hpp).
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/detail/set_bits.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/driver/concepts.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/mac/crypto.hpp>
#include <softmac/mac/detail/fast_path.hpp>
#include <softmac/mac/interface.hpp>
#include <softmac/mac/keys.hpp>
#include <softmac/mac/pipeline.hpp>
#include <softmac/mac/rate_control.hpp>
#include <softmac/mac/rx.hpp>
#include <softmac/mac/station.hpp>
#include <softmac/mac/tx.hpp>

namespace softmac::mac {

/// @brief The MAC's data path and per-radio state (mac80211's tx.c and rx.c), used as the radio's
/// sink: it turns the driver's upcalls into 802.3 frames and management frames for the layer
/// above, and turns 802.3 frames from above into 802.11 frames for the driver.
///
/// @tparam Caps the driver's capabilities: handlers they make useless are not instantiated
/// @tparam Upper where 802.3 frames, management frames and statuses go
/// @tparam RatePolicy fixed_rate<> or simple_adaptive
/// @tparam Cipher the software cipher of CCMP keys (no_cipher: only a driver that offloads
/// protects frames)
template <capabilities Caps, time_policy Time, upper_layer Upper,
          class RatePolicy = simple_adaptive, class Pool = heap_pool, class Cipher = no_cipher>
class data_path {
  public:
    using rate_policy = RatePolicy;
    using key_type = key<Cipher>;
    using station_type = station<typename RatePolicy::state, key_type>;
    static constexpr capabilities caps = Caps;

    using tx_pipeline =
        decltype(detail::pipeline_of<Caps, tx_control_port, tx_rate_ctrl, tx_sequence, tx_fragment,
                                     tx_ccmp_encrypt, tx_ccmp_hw, tx_stats>());
    using rx_pipeline =
        decltype(detail::pipeline_of<Caps, rx_check_dup, rx_check_class, rx_ccmp_decrypt,
                                     rx_ccmp_hw, rx_defragment, rx_amsdu, rx_data, rx_mgmt>());
    /// What is left of the TX pipeline for a frame built from a station's template: no EAPOL,
    /// nothing to fragment (detail/fast_path.hpp).
    using fast_tx_pipeline = decltype(detail::pipeline_of<Caps, tx_rate_ctrl, tx_sequence,
                                                          tx_ccmp_encrypt, tx_ccmp_hw, tx_stats>());
    /// What is left of the RX pipeline for a frame that passed a station's fast RX checks.
    using fast_rx_pipeline =
        decltype(detail::pipeline_of<Caps, detail::rx_fast_dup, rx_ccmp_decrypt, rx_ccmp_hw,
                                     detail::rx_fast_data>());

    data_path(Time& time, Pool& pool, Upper upper)
        : time_(time), pool_(pool), upper_(std::move(upper)) {}

    Upper& upper() noexcept { return upper_; }
    Pool& pool() noexcept { return pool_; }
    time_point now() const noexcept { return time_.now(); }
    station_table<typename RatePolicy::state, key_type>& stations() noexcept { return stations_; }
    /// @brief Group key `id` of interface `vif`, or null when none is installed. Indices 4 to 7
    /// (IGTKs and BIGTKs, which nl80211 allows) name no key: this MAC never holds them.
    key_type* group_key(std::size_t vif, std::size_t id) noexcept {
        if (id >= group_keys) return nullptr;
        auto& k = group_key_slot(vif, id);
        return k.valid ? &k : nullptr;
    }
    /// @brief The key slot for group key `id` of `vif` (installed or not). @pre id < group_keys
    key_type& group_key_slot(std::size_t vif, std::size_t id) noexcept {
        assert(id < group_keys);
        return group_keys_[vif][id];
    }
    /// @brief The interface's default TX group key (SET_KEY default), or null.
    key_type* default_group_key(std::size_t vif) noexcept {
        const std::int8_t id = default_key_[vif];
        return id < 0 ? nullptr : group_key(vif, static_cast<std::size_t>(id));
    }
    void set_default_group_key(std::size_t vif, std::int8_t id) noexcept { default_key_[vif] = id; }
    /// @brief Group key `id` of `vif` was deleted: it is the default TX group key no longer
    /// (ieee80211_key_replace unsets the default key it removes; a key installed later at that
    /// index waits for SET_KEY default).
    void group_key_removed(std::size_t vif, std::size_t id) noexcept {
        if (default_key_[vif] == static_cast<std::int8_t>(id)) default_key_[vif] = -1;
    }
    bool has_group_key(std::size_t vif) const noexcept {
        for (const auto& k : group_keys_[vif])
            if (k.valid) return true;
        return false;
    }
    defrag_cache& defrag() noexcept { return defrag_; }
    /// @brief The rates of the band the radio is tuned to; rate indexes are relative to them.
    const std::span<const ieee80211::rate>& rates() const noexcept { return rates_; }
    /// @brief The radio tuned to a band with these rates.
    void use_rates(std::span<const ieee80211::rate> r) noexcept {
        rates_ = r;
        rates_followed_ = true;
    }
    std::size_t headroom() const noexcept { return headroom_; }
    std::uint64_t unmatched() const noexcept { return unmatched_; }
    /// @brief Switches the fast paths (detail/fast_path.hpp) on, as they are by default, or off:
    /// every frame then takes the full pipelines. Both produce the same frames.
    void set_fast_path(bool on) noexcept { fast_ = on; }
    bool fast_path() const noexcept { return fast_; }
    /// @brief Frames that took the fast TX and the fast RX path.
    std::uint64_t fast_tx_frames() const noexcept { return fast_tx_frames_; }
    std::uint64_t fast_rx_frames() const noexcept { return fast_rx_frames_; }
    /// @brief Whoever changes an interface's type, addresses, association or 4-address mode calls
    /// this: the stations' fast-path state made before is stale from then on. (A station's own
    /// flags need no call: they are in the stamp. Keys are looked up per frame; whether a station
    /// has a pairwise key is in its RX checks: pairwise_key_changed.)
    void vif_changed(std::size_t vif) noexcept {
        ifaces_[vif].generation = vif_state::generation_of(++generations_);
    }
    /// @brief Whoever installs or removes a station's pairwise key calls this (as mac80211 checks
    /// fast-rx again on a key change): the fast RX expects protected frames from a station exactly
    /// when it has one, and makes the station's checks again.
    void pairwise_key_changed(station_type& sta) noexcept { sta.fast_rx = fast_rx_checks{}; }
    /// @brief Buffers for fragments 1..15 of the frame being sent (kept, not rebuilt per frame).
    std::array<frame_buffer, max_fragments - 1>& fragments() noexcept { return fragments_; }

    /// @brief Brings the data path up on a radio's interface (after radio.add_interface).
    vif_state& attach(const driver::vif& v, const driver::hw_description& hw) {
        auto& i = ifaces_[v.index];
        i = vif_state{};
        vif_changed(v.index);
        i.vif = v;
        i.up = true;
        up_ |= 1u << v.index;
        i.no_cck = driver::is_p2p(v.type);
        if (i.is_ap()) i.bssid = v.addr;
        if (!rates_followed_) rates_ = hw.bands[0].rates;
        headroom_ = driver::tx_headroom(hw) + 32;
        return i;
    }
    void detach(const driver::vif& v) {
        ifaces_[v.index].up = false;
        up_ &= ~(1u << v.index);
        vif_changed(v.index);
        for (auto& k : group_keys_[v.index]) k = key_type{};
        default_key_[v.index] = -1;
    }
    /// @brief The interfaces that are up: bit k for interface k (what a received frame's
    /// interface is looked for among, without reading the others' state).
    std::uint32_t up_interfaces() const noexcept { return up_; }
    vif_state& state_of(std::size_t vif) noexcept { return ifaces_[vif]; }
    const vif_state& state_of(std::size_t vif) const noexcept { return ifaces_[vif]; }

    verdict drop(vif_state& i, drop_reason r) noexcept {
        i.drop(r);
        return verdict::drop;
    }
    template <class F>
    SOFTMAC_HOT_INLINE void deliver(F& f, frame_buffer&& b) {
        ++f.iface->rx_frames;
        upper_.deliver(f.vif, std::move(b));
    }
    /// @brief An EAPOL frame, as 802.3, to the controlled port's owner (not the network side).
    template <class F>
    void deliver_control_port(F& f, frame_buffer&& b) {
        ++f.iface->rx_frames;
        upper_.on_control_port(f.vif, std::move(b));
    }

    /// @brief 802.3 in, 802.11 to the radio's driver. `priority` is the 802.1D user priority.
    template <class Radio>
    SOFTMAC_HOT_INLINE verdict transmit(Radio& radio, std::uint8_t vif, frame_buffer&& eth,
                                        std::uint8_t priority = 0) {
        auto& i = ifaces_[vif];
        if (fast_) {
            driver::tx_info info{};
            tx_frame<station_type> f{eth, info};
            if (detail::fast_xmit(*this, i, priority, f)) {
                ++fast_tx_frames_;
                return send(radio, f, detail::run(fast_tx_pipeline{}, *this, f));
            }
        }
        return transmit_full(radio, i, std::move(eth), priority);
    }

    // ---- the radio's sink --------------------------------------------------------------------
    /// The state every received frame reads (the first line: see the members), then the
    /// upper layer's.
    void rx_lines(driver::rx_prefetch& p) const noexcept {
        p.lines.add(this);
        if constexpr (requires { upper_.rx_lines(p); }) upper_.rx_lines(p);
    }
    /// A frame comes soon: the states of the interfaces that are up (it is matched against
    /// them), then the upper layer's part.
    SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) noexcept {
        for (const std::size_t k : ::softmac::detail::set_bits(up_))
            __builtin_prefetch(&ifaces_[k]);
        if constexpr (requires { upper_.prefetch_rx(f); }) upper_.prefetch_rx(f);
    }
    /// The frame is worked on in place: what no handler moves out stays in `b`, and the driver
    /// releases it when its call returns.
    void on_rx(frame_buffer&& b, const driver::rx_status& s) {
        // A management or data frame (24 octets at least) has its transmitter in Address 2; a
        // data frame from a known station may take the fast RX.
        station_type* sta = nullptr;
        if (b.size() >= 24) {
            sta = stations_.find(mac_address::from(b.data() + 10));
            if (sta && fast_ && detail::fast_rx(*this, *sta, b, s)) {
                ++fast_rx_frames_;
                return;
            }
        } else if (b.size() < 10) {
            return;
        }
        receive_full(b, s, sta);
    }
    void on_tx_status(frame_buffer&& b, const driver::tx_status& s) {
        const bool unicast_data = b.size() >= 24 &&
                                  ieee80211::frame_control{load_le16(b.data())}.is_data() &&
                                  mac_address::from(b.data() + 4).is_unicast();
        if (unicast_data) {  // group-addressed frames have no station to credit
            if (auto* sta = stations_.find(mac_address::from(b.data() + 4))) {
                RatePolicy::feedback(sta->rate, s);
                if (!s.acked && !(s.info.flags & driver::tx_flag::no_ack)) ++sta->stats.tx_failed;
                sta->stats.tx_retries += s.attempts > 1 ? s.attempts - 1 : 0;
            }
        }
        upper_.on_tx_status(std::move(b), s);
    }
    void on_roc_ready(std::uint64_t c) { upper_.on_roc_ready(c); }
    void on_roc_expired(std::uint64_t c) { upper_.on_roc_expired(c); }
    void on_scan_done(bool a) { upper_.on_scan_done(a); }

  private:
    /// The full TX pipeline: the header build, then every TX handler.
    template <class Radio>
    verdict transmit_full(Radio& radio, vif_state& i, frame_buffer&& eth, std::uint8_t priority) {
        driver::tx_info info{};
        tx_frame<station_type> f{eth, info};
        verdict v = detail::build_header(*this, i, priority, f);
        if (v == verdict::next) {
            if (fast_ && f.sta && !f.multicast && !f.eapol)
                detail::keep_tx_template(i, *f.sta, f.buf.data(), f.buf.size(), f.hdrlen, f.qos);
            v = detail::run(tx_pipeline{}, *this, f);
        }
        return send(radio, f, v);
    }
    /// The full RX pipeline; `sta` is the station of Address 2 for a management or data frame.
    void receive_full(frame_buffer& b, const driver::rx_status& s, station_type* sta) {
        const auto h = ieee80211::header_view::parse(b.view());
        if (!h) return;
        if (h->fc().is_ctrl())  // (one of 24 octets or more was looked up by on_rx too)
            sta = h->address_count() >= 2 ? stations_.find(h->addr2()) : nullptr;
        else if (h->length() < 24)
            return;
        const int idx = detail::match_interface(*this, *h, sta);
        if (idx < 0) {
            ++unmatched_;
            return;
        }
        rx_frame<station_type> f{b,
                                 &s,
                                 &ifaces_[idx],
                                 static_cast<std::uint8_t>(idx),
                                 sta,
                                 h->fc(),
                                 static_cast<std::uint16_t>(h->length())};
        if (h->has_qos()) {
            f.qos = h->qos().raw;
            f.seqno_idx = ieee80211::qos_control{f.qos}.tid();
        }
        (void)detail::run(rx_pipeline{}, *this, f);
    }
    /// Hands a frame that passed the pipeline (and its fragments) to the radio, or releases it.
    template <class Radio>
    SOFTMAC_HOT_INLINE verdict send(Radio& radio, tx_frame<station_type>& f, verdict v) {
        if (v != verdict::next) {
            f.buf = frame_buffer{};  // a dropped frame is released, as a sent one is handed on
            return v;
        }
        if (f.n_more) f.info.flags |= driver::tx_flag::more_frames;
        radio.tx(f.info, std::move(f.buf));
        for (std::uint8_t k = 0; k < f.n_more; ++k) {
            driver::tx_info info = f.info;
            info.flags &= ~driver::tx_flag::first_fragment;
            if (k + 1 == f.n_more) info.flags &= ~driver::tx_flag::more_frames;
            radio.tx(info, std::move(fragments_[k]));
        }
        return verdict::consumed;
    }

    // What every received frame reads comes first, in one cache line where a radio's state is
    // cold (many simulated radios): the upper layer, the interfaces that are up, whether the
    // fast paths are on and the station table's extent (its first member); the table follows,
    // then the aligned interface states (the data path is no larger for it).
    Time& time_;
    Pool& pool_;
    Upper upper_;
    std::uint32_t up_ = 0;  ///< bit k: ifaces_[k].up
    static_assert(max_interfaces <= 32);
    bool fast_ = true;
    station_table<typename RatePolicy::state, key_type> stations_;
    std::array<vif_state, max_interfaces> ifaces_{};
    std::array<std::array<key_type, group_keys>, max_interfaces> group_keys_{};
    std::array<std::int8_t, max_interfaces> default_key_ = [] {
        std::array<std::int8_t, max_interfaces> a;
        a.fill(-1);
        return a;
    }();
    defrag_cache defrag_;
    std::span<const ieee80211::rate> rates_ = ieee80211::rates_2ghz;
    bool rates_followed_ = false;  ///< the radio says which band's rates apply
    std::size_t headroom_ = 64;
    std::uint64_t unmatched_ = 0;
    std::uint32_t generations_ = 0;  ///< the last interface generation given out
    std::uint64_t fast_tx_frames_ = 0, fast_rx_frames_ = 0;
    std::array<frame_buffer, max_fragments - 1> fragments_{};
};

}  // namespace softmac::mac
