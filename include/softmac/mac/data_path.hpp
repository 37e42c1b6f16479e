// SPDX-License-Identifier: MIT
/// @file Defines the MAC data path: 802.3 -> 802.11 TX and 802.11 -> 802.3 RX as compile-time
/// handler pipelines.
#pragma once

#include <boost/hana/equal.hpp>
#include <boost/hana/filter.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/driver/concepts.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/mac/interface.hpp>
#include <softmac/mac/rate_control.hpp>
#include <softmac/mac/station.hpp>

namespace softmac::mac {

/// @brief Driver capabilities that make MAC handlers unnecessary (DESIGN.md rule 4).
struct capabilities {
    bool hw_rate_control = false;   ///< the driver picks rates (IEEE80211_HW_HAS_RATE_CONTROL)
    bool hw_fragmentation = false;  ///< the driver fragments (IEEE80211_HW_SUPPORTS_TX_FRAG)
    bool rx_dup_validated = false;  ///< the driver drops duplicates (RX_FLAG_DUP_VALIDATED)
};
/// @brief A driver declares capabilities as static constexpr members of those names.
template <class Driver>
constexpr capabilities capabilities_of() noexcept {
    capabilities c;
    if constexpr (requires { Driver::hw_rate_control; })
        c.hw_rate_control = Driver::hw_rate_control;
    if constexpr (requires { Driver::hw_fragmentation; })
        c.hw_fragmentation = Driver::hw_fragmentation;
    if constexpr (requires { Driver::rx_dup_validated; })
        c.rx_dup_validated = Driver::rx_dup_validated;
    return c;
}

/// @brief What the data path hands up: 802.3 frames, management frames and statuses.
template <class U>
concept upper_layer = requires(U& u, std::uint8_t vif, frame_buffer&& b,
                               const driver::rx_status& rs, const driver::tx_status& ts,
                               std::uint64_t cookie, bool aborted) {
    u.deliver(vif, std::move(b));
    u.on_mgmt(vif, std::move(b), rs);
    u.on_tx_status(std::move(b), ts);
    u.on_roc_ready(cookie);
    u.on_roc_expired(cookie);
    u.on_scan_done(aborted);
};

/// @brief An upper layer that drops everything: for benchmarks, fuzzing, and the data path alone.
struct null_upper {
    void deliver(std::uint8_t, frame_buffer&&) noexcept {}
    void on_mgmt(std::uint8_t, frame_buffer&&, const driver::rx_status&) noexcept {}
    void on_tx_status(frame_buffer&&, const driver::tx_status&) noexcept {}
    void on_roc_ready(std::uint64_t) noexcept {}
    void on_roc_expired(std::uint64_t) noexcept {}
    void on_scan_done(bool) noexcept {}
};
static_assert(upper_layer<null_upper>);

/// @brief A handler's verdict: continue, dropped (counted), or consumed (e.g. kept for reassembly).
enum class verdict : std::uint8_t { next, drop, consumed };

namespace detail {
/// Runs handlers in order until one does not say `next`. A fold over the handler types, not a
/// lambda: a closure would hold the frame's address, which keeps the frame in memory instead of
/// in registers.
template <class Self, class Frame, class... Handlers>
SOFTMAC_HOT_INLINE verdict run(const boost::hana::tuple<Handlers...>&, Self& self, Frame& f) {
    verdict v = verdict::next;
    (void)(((v = Handlers{}(self, f)) == verdict::next) && ...);
    return v;
}
template <capabilities Caps, class... Handlers>
constexpr auto pipeline_of() {
    return boost::hana::filter(boost::hana::make_tuple(Handlers{}...), [](auto h) {
        return boost::hana::bool_c<decltype(h)::template enabled<Caps>>;
    });
}
template <class Pipeline, class H>
constexpr bool contains() {
    return boost::hana::unpack(Pipeline{},
                               [](auto... h) { return (std::is_same_v<decltype(h), H> || ...); });
}
}  // namespace detail

// =================================================================================================
// TX handlers (mac80211's order: check_assoc, control port, rate control, sequence, fragment,
// stats)

/// @brief A frame on its way down: the buffer (802.11 from the header build on) and its context.
template <class Station>
struct tx_frame {
    frame_buffer& buf;      ///< the caller's buffer, worked on in place
    driver::tx_info& info;  ///< what the driver will be told
    interface_state* iface = nullptr;
    Station* sta = nullptr;
    std::uint32_t tid = 0;  ///< word-sized, as the header length: both index and size per frame
    std::uint32_t hdrlen = 24;
    bool multicast = false, eapol = false, qos = false;
    std::uint8_t n_more = 0;  ///< fragments after the first, in the data path's fragment slots
};

struct tx_control_port {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M&, F& f) const noexcept {
        if (f.eapol) f.info.flags |= driver::tx_flag::req_status;
        return verdict::next;
    }
};

struct tx_rate_ctrl {
    template <capabilities C>
    static constexpr bool enabled = !C.hw_rate_control;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const noexcept {
        // One decision for the retry limit and for the RTS/CTS flag.
        const interface_state& i = *f.iface;
        const bool long_frame = f.buf.size() + 4 > i.rts_threshold;
        rate_request r{m.rates(), f.multicast, i.no_cck, f.eapol,
                       long_frame ? i.long_retry : i.short_retry};
        if (f.sta) {
            M::rate_policy::select(f.sta->rate, r, f.info);
        } else {  // group-addressed, or a peer not in the table: no station learns from it
            typename M::rate_policy::state group{};
            M::rate_policy::select(group, r, f.info);
        }
        if (!f.multicast && long_frame) f.info.flags |= driver::tx_flag::rts_cts;
        if (f.iface->no_cck) f.info.flags |= driver::tx_flag::no_cck;
        return verdict::next;
    }
};

struct tx_sequence {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M&, F& f) const noexcept {
        std::uint16_t seq;
        if (f.qos) {  // QoS data: unicast to a WMM station
            seq = f.sta->tid_seq[f.tid];
            f.sta->tid_seq[f.tid] = static_cast<std::uint16_t>((seq + 1) & 0xfff);
        } else {
            seq = f.iface->seq;
            f.iface->seq = static_cast<std::uint16_t>((seq + 1) & 0xfff);
            f.info.flags |= driver::tx_flag::assign_seq;
        }
        store_le16(f.buf.data() + 22, ieee80211::sequence_control::make(seq, 0).raw);
        return verdict::next;
    }
};

struct tx_fragment {
    template <capabilities C>
    static constexpr bool enabled = !C.hw_fragmentation;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const {
        const std::size_t threshold = f.iface->frag_threshold;
        if (f.multicast || f.buf.size() + 4 <= threshold) return verdict::next;
        const std::size_t per = threshold - f.hdrlen - 4;
        const std::size_t payload = f.buf.size() - f.hdrlen;
        const std::size_t n = (payload + per - 1) / per;
        if (n > 16) return m.drop(*f.iface, drop_reason::malformed);
        const std::uint8_t* src = f.buf.data();
        for (std::size_t i = 1; i < n; ++i) {
            auto b = m.pool().allocate(m.headroom());
            if (!b) return m.drop(*f.iface, drop_reason::no_buffer);
            const std::size_t len = std::min(per, payload - i * per);
            auto out = b->put(f.hdrlen + len);
            if (!out) return m.drop(*f.iface, drop_reason::no_buffer);
            std::memcpy(out->data(), src, f.hdrlen);
            std::memcpy(out->data() + f.hdrlen, src + f.hdrlen + i * per, len);
            m.fragments()[i - 1] = std::move(*b);
        }
        (void)f.buf.trim(f.hdrlen + per);
        f.n_more = static_cast<std::uint8_t>(n - 1);
        const std::uint16_t seqctl = load_le16(src + 22);
        auto mark = [&](frame_buffer& b, std::size_t frag, bool last) {
            std::uint16_t fc = load_le16(b.data());
            fc = static_cast<std::uint16_t>(last ? fc & ~ieee80211::frame_control::more_frag
                                                 : fc | ieee80211::frame_control::more_frag);
            store_le16(b.data(), fc);
            store_le16(b.data() + 22, static_cast<std::uint16_t>((seqctl & 0xfff0) | frag));
        };
        mark(f.buf, 0, false);
        for (std::size_t i = 0; i < f.n_more; ++i) mark(m.fragments()[i], i + 1, i + 1 == f.n_more);
        f.info.flags |= driver::tx_flag::first_fragment;
        return verdict::next;
    }
};

struct tx_stats {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M&, F& f) const noexcept {
        ++f.iface->tx_frames;
        if (f.sta) {
            ++f.sta->stats.tx_packets;
            f.sta->stats.tx_bytes += f.buf.size();
        }
        return verdict::next;
    }
};

// =================================================================================================
// RX handlers (mac80211's order: check_dup, check, defragment, amsdu, data; management goes up)

template <class Station>
struct rx_frame {
    frame_buffer& buf;                          ///< the driver's buffer
    const driver::rx_status* status = nullptr;  ///< the driver's, alive for the whole call
    interface_state* iface = nullptr;
    std::uint8_t vif = 0;
    Station* sta = nullptr;
    ieee80211::frame_control fc;
    std::uint16_t hdrlen = 24;
    std::uint16_t qos = 0;  ///< QoS control, 0 when the frame has none
    /// Duplicate-detection and reassembly slot: the TID, 16 without QoS (decoded once, on entry).
    std::uint8_t seqno_idx = 16;
};

struct rx_check_dup {
    template <capabilities C>
    static constexpr bool enabled = !C.rx_dup_validated;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const noexcept {
        if (!f.sta || f.fc.is_ctrl() || mac_address::from(f.buf.data() + 4).is_multicast())
            return verdict::next;
        if (f.fc.is_data() && f.fc.subtype() == ieee80211::data_subtype::qos_null)
            return verdict::next;
        const std::uint16_t sc = load_le16(f.buf.data() + 22);
        auto& last = f.sta->last_seq_ctrl[f.seqno_idx];
        auto& seen = f.sta->seen[f.seqno_idx];
        if (seen && f.fc.has(ieee80211::frame_control::retry) && last == sc) {
            ++f.sta->stats.rx_duplicates;
            return m.drop(*f.iface, drop_reason::duplicate);
        }
        last = sc;
        seen = true;
        return verdict::next;
    }
};

struct rx_check_class {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const noexcept {
        if (!f.fc.is_data()) return verdict::next;
        const auto t = f.iface->type();
        if (t == driver::iftype::adhoc || t == driver::iftype::wds) return verdict::next;
        // A station takes data only from its AP: the transmitter is the BSSID.
        if (f.iface->is_sta() && mac_address::from(f.buf.data() + 10) != f.iface->bssid)
            return m.drop(*f.iface, drop_reason::wrong_bssid);
        const bool assoc =
            f.iface->is_sta() ? f.iface->associated : (f.sta && f.sta->has(sta_flag::associated));
        if (assoc) return verdict::next;
        // A station accepts EAPOL from its AP before the association completes.
        if (f.iface->is_sta() && is_eapol(f)) return verdict::next;
        return m.drop(*f.iface, drop_reason::not_associated);
    }
    template <class F>
    static bool is_eapol(const F& f) noexcept {
        const bytes_view body = f.buf.view().subspan(f.hdrlen);
        auto s = ieee80211::snap::parse(body);
        return s && s->ethertype == ieee80211::ethertype::eapol;
    }
};

struct rx_defragment {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const {
        if (!f.fc.is_data()) return verdict::next;
        const std::uint16_t sc = load_le16(f.buf.data() + 22);
        const std::uint8_t frag = sc & 0xf;
        const bool more = f.fc.has(ieee80211::frame_control::more_frag);
        if (!more && frag == 0) return verdict::next;
        const mac_address ra = mac_address::from(f.buf.data() + 4),
                          ta = mac_address::from(f.buf.data() + 10);
        if (ra.is_multicast()) return m.drop(*f.iface, drop_reason::malformed);
        auto& cache = f.sta ? f.sta->frags : m.defrag();
        if (f.sta) ++f.sta->stats.rx_fragments;
        const std::uint16_t seq = sc >> 4;
        if (frag == 0) {
            cache.start(std::move(f.buf), ta, ra, seq, f.seqno_idx, m.now());
            return verdict::consumed;
        }
        defrag_entry* e = cache.find(ta, ra, seq, f.seqno_idx, frag, m.now());
        if (!e) return m.drop(*f.iface, drop_reason::fragment_unmatched);
        const bytes_view payload = f.buf.view().subspan(f.hdrlen);
        if (!e->frame.append(payload)) {
            *e = defrag_entry{};
            return m.drop(*f.iface, drop_reason::fragment_too_big);
        }
        e->last_frag = frag;
        if (more) return verdict::consumed;
        f.buf = std::move(e->frame);
        *e = defrag_entry{};
        store_le16(f.buf.data(), static_cast<std::uint16_t>(load_le16(f.buf.data()) &
                                                            ~ieee80211::frame_control::more_frag));
        store_le16(f.buf.data() + 22, static_cast<std::uint16_t>(sc & 0xfff0));
        f.fc = ieee80211::frame_control{load_le16(f.buf.data())};
        return verdict::next;
    }
};

namespace detail {
/// ToDS/FromDS combinations each receiving interface type accepts (reference 3.5).
inline bool ds_allowed(const interface_state& i, ieee80211::frame_control fc) noexcept {
    const bool to = fc.has(ieee80211::frame_control::to_ds),
               from = fc.has(ieee80211::frame_control::from_ds);
    switch (i.type()) {
        case driver::iftype::ap:
        case driver::iftype::p2p_go:
            return to && !from;
        case driver::iftype::station:
        case driver::iftype::p2p_client:
            return i.use_4addr ? (to && from) : (from && !to);
        case driver::iftype::wds:
            return to && from;
        case driver::iftype::adhoc:
            return !to && !from;
        default:
            return false;
    }
}
/// Rewrites [802.11 header][LLC/SNAP?][payload] as [DA][SA][type or length][payload], in place.
SOFTMAC_HOT_INLINE bool to_8023(frame_buffer& b, std::size_t hdrlen, const mac_address& da,
                                const mac_address& sa, bytes_view llc) noexcept {
    // The SNAP header as two loads: AA AA 03 00 | 00 00 (RFC 1042) or 00 F8 (bridge tunnel).
    const bool snap = llc.size() >= 8 && load_be32(llc.data()) == 0xaaaa0300u;
    const std::uint16_t oui_tail = snap ? load_be16(llc.data() + 4) : 0xffff;
    const bool rfc = oui_tail == 0x0000, bt = oui_tail == 0x00f8;
    static_assert(ieee80211::rfc1042_header[5] == 0x00 &&
                  ieee80211::bridge_tunnel_header[5] == 0xf8);
    const std::uint16_t type = llc.size() >= 8 ? load_be16(llc.data() + 6) : 0;
    const bool strip =
        bt || (rfc && type != ieee80211::ethertype::aarp && type != ieee80211::ethertype::ipx);
    if (strip) {
        if (!b.pull(hdrlen + 6) || !b.push(12)) return false;  // the SNAP type stays where it is
    } else {
        const auto len = static_cast<std::uint16_t>(b.size() - hdrlen);
        if (!b.pull(hdrlen) || !b.push(14)) return false;
        store_be16(b.data() + 12, len);
    }
    std::memcpy(b.data(), da.octets.data(), 6);
    std::memcpy(b.data() + 6, sa.octets.data(), 6);
    return true;
}
}  // namespace detail

struct rx_amsdu {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const {
        if (!(f.qos & ieee80211::qos_control::amsdu_present)) return verdict::next;
        if (!detail::ds_allowed(*f.iface, f.fc))
            return m.drop(*f.iface, drop_reason::wrong_ds_bits);
        if (mac_address::from(f.buf.data() + 4).is_multicast())
            return m.drop(*f.iface, drop_reason::malformed);
        auto r = ieee80211::amsdu_range::parse(f.buf.view().subspan(f.hdrlen));
        if (!r) return m.drop(*f.iface, drop_reason::malformed);
        for (auto sf : *r) {
            if (std::equal(ieee80211::rfc1042_header.begin(), ieee80211::rfc1042_header.end(),
                           sf.da.octets.begin()))
                return m.drop(*f.iface, drop_reason::malformed);  // A-MSDU injection
            auto b = m.pool().allocate(32);
            if (!b || !b->append(sf.msdu)) return m.drop(*f.iface, drop_reason::no_buffer);
            if (!b->push(0) || !detail::to_8023(*b, 0, sf.da, sf.sa, sf.msdu))
                return m.drop(*f.iface, drop_reason::no_headroom);
            m.deliver(f, std::move(*b));
        }
        return verdict::consumed;
    }
};

struct rx_data {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const {
        if (!f.fc.is_data()) return verdict::next;
        if (f.fc.subtype() & 0x4) return verdict::consumed;  // null function: no payload
        if (!detail::ds_allowed(*f.iface, f.fc))
            return m.drop(*f.iface, drop_reason::wrong_ds_bits);
        // Addresses by the ToDS/FromDS table (the header length was checked on entry).
        const std::uint8_t* p = f.buf.data();
        const bool to = f.fc.has(ieee80211::frame_control::to_ds);
        const bool from = f.fc.has(ieee80211::frame_control::from_ds);
        const mac_address da = mac_address::from(to ? p + 16 : p + 4);
        const mac_address sa = mac_address::from(to && from ? p + 24 : (from ? p + 16 : p + 10));
        if (f.iface->is_sta() && da.is_multicast() && sa == f.iface->vif.addr)
            return m.drop(*f.iface, drop_reason::own_echo);
        const bytes_view llc = f.buf.view().subspan(f.hdrlen);
        const bool eapol =
            llc.size() >= 8 && load_be16(llc.data() + 6) == ieee80211::ethertype::eapol;
        const auto t = f.iface->type();
        if (!eapol && t != driver::iftype::adhoc && t != driver::iftype::wds &&
            !(f.sta && f.sta->has(sta_flag::authorized)))
            return m.drop(*f.iface, drop_reason::not_authorized);
        if (!detail::to_8023(f.buf, f.hdrlen, da, sa, llc))
            return m.drop(*f.iface, drop_reason::malformed);
        if (f.sta) {
            ++f.sta->stats.rx_packets;
            f.sta->stats.rx_bytes += f.buf.size();
        }
        m.deliver(f, std::move(f.buf));
        return verdict::consumed;
    }
};

struct rx_mgmt {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const {
        if (!f.fc.is_mgmt()) return m.drop(*f.iface, drop_reason::not_for_us);
        m.upper().on_mgmt(f.vif, std::move(f.buf), *f.status);
        return verdict::consumed;
    }
};

// =================================================================================================

/// @brief The MAC's data path and per-radio state, used as the radio's sink: it turns the
/// driver's upcalls into 802.3 frames and management frames for the layer above, and turns
/// 802.3 frames from above into 802.11 frames for the driver.
///
/// @tparam Caps the driver's capabilities: handlers they make useless are not instantiated
/// @tparam Upper where 802.3 frames, management frames and statuses go
/// @tparam RatePolicy fixed_rate<> or simple_adaptive
template <capabilities Caps, time_policy Time, upper_layer Upper,
          class RatePolicy = simple_adaptive, class Pool = heap_pool>
class data_path {
  public:
    using rate_policy = RatePolicy;
    using station_type = station<typename RatePolicy::state>;
    static constexpr std::size_t max_interfaces = 16;

    using tx_pipeline = decltype(detail::pipeline_of<Caps, tx_control_port, tx_rate_ctrl,
                                                     tx_sequence, tx_fragment, tx_stats>());
    using rx_pipeline = decltype(detail::pipeline_of<Caps, rx_check_dup, rx_check_class,
                                                     rx_defragment, rx_amsdu, rx_data, rx_mgmt>());

    data_path(Time& time, Pool& pool, Upper upper)
        : time_(time), pool_(pool), upper_(std::move(upper)) {}

    Upper& upper() noexcept { return upper_; }
    Pool& pool() noexcept { return pool_; }
    time_point now() const noexcept { return time_.now(); }
    station_table<typename RatePolicy::state>& stations() noexcept { return stations_; }
    defrag_cache& defrag() noexcept { return defrag_; }
    const std::span<const ieee80211::rate>& rates() const noexcept { return rates_; }
    std::size_t headroom() const noexcept { return headroom_; }
    std::uint64_t unmatched() const noexcept { return unmatched_; }
    /// @brief Buffers for fragments 1..15 of the frame being sent (kept, not rebuilt per frame).
    std::array<frame_buffer, 15>& fragments() noexcept { return fragments_; }

    /// @brief Brings the data path up on a radio's interface (after radio.add_interface).
    interface_state& attach(const driver::vif& v, const driver::hw_description& hw) {
        auto& i = ifaces_[v.index];
        i = interface_state{};
        i.vif = v;
        i.up = true;
        i.no_cck = driver::is_p2p(v.type);
        if (i.is_ap()) i.bssid = v.addr;
        rates_ = hw.bands[0].rates;
        headroom_ = driver::tx_headroom(hw) + 32;
        return i;
    }
    void detach(const driver::vif& v) { ifaces_[v.index].up = false; }
    interface_state& iface(std::uint8_t index) noexcept { return ifaces_[index]; }

    verdict drop(interface_state& i, drop_reason r) noexcept {
        i.drop(r);
        return verdict::drop;
    }
    template <class F>
    void deliver(F& f, frame_buffer&& b) {
        ++f.iface->rx_frames;
        upper_.deliver(f.vif, std::move(b));
    }

    /// @brief 802.3 in, 802.11 to the radio's driver. `priority` is the 802.1D user priority.
    template <class Radio>
    SOFTMAC_HOT_INLINE verdict transmit(Radio& radio, std::uint8_t vif, frame_buffer&& eth,
                                        std::uint8_t priority = 0) {
        auto& i = ifaces_[vif];
        driver::tx_info info{};
        tx_frame<station_type> f{eth, info};
        verdict v = build(i, priority, f);
        if (v == verdict::next) v = detail::run(tx_pipeline{}, *this, f);
        if (v != verdict::next) {
            eth = frame_buffer{};  // a dropped frame is released, as a sent one is handed on
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

    // ---- the radio's sink --------------------------------------------------------------------
    /// The frame is worked on in place: what no handler moves out stays in `b`, and the driver
    /// releases it when its call returns.
    void on_rx(frame_buffer&& b, const driver::rx_status& s) {
        if (b.size() < 10) return;
        const auto h = ieee80211::header_view::parse(b.view());
        if (!h || (!h->fc().is_ctrl() && h->length() < 24)) return;
        station_type* sta = h->address_count() >= 2 ? stations_.find(h->addr2()) : nullptr;
        const int idx = accept(*h, sta);
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
    /// The 802.3 -> 802.11 header build (reference 2.3), rewriting the Ethernet header in place.
    SOFTMAC_HOT_INLINE verdict build(interface_state& i, std::uint8_t priority,
                                     tx_frame<station_type>& f) {
        const frame_buffer& eth = f.buf;
        if (!i.up || eth.size() < 14) return drop(i, drop_reason::too_short);
        const mac_address da = mac_address::from(eth.data()),
                          sa = mac_address::from(eth.data() + 6);
        const std::uint16_t type = load_be16(eth.data() + 12);
        f.iface = &i;
        f.multicast = da.is_multicast();
        f.eapol = type == ieee80211::ethertype::eapol;
        using ieee80211::frame_control;
        std::uint16_t ds = 0;
        // The addresses by reference: to the copies of DA and SA, or to the interface.
        const mac_address *a1, *a2, *a3, *a4 = nullptr;
        // Unicast data needs an authorized station (802.1X port open), EAPOL excepted; IBSS and
        // WDS have no such port.
        const auto authorized = [&] {
            return f.eapol || (f.sta && f.sta->has(sta_flag::authorized));
        };
        switch (i.type()) {
            case driver::iftype::station:
            case driver::iftype::p2p_client:
                if (!i.associated) return drop(i, drop_reason::not_associated);
                f.sta = stations_.find(i.bssid);
                if (!f.multicast && !authorized()) return drop(i, drop_reason::not_authorized);
                if (i.use_4addr && !f.eapol) {
                    ds = frame_control::to_ds | frame_control::from_ds;
                    a1 = &i.bssid, a2 = &i.vif.addr, a3 = &da, a4 = &sa;
                } else {
                    ds = frame_control::to_ds;
                    a1 = &i.bssid, a2 = &sa, a3 = &da;
                }
                break;
            case driver::iftype::ap:
            case driver::iftype::p2p_go:
                ds = frame_control::from_ds;
                a1 = &da, a2 = &i.vif.addr, a3 = &sa;
                if (!f.multicast) {
                    f.sta = stations_.find(da);
                    if (!f.sta || !f.sta->has(sta_flag::associated))
                        return drop(i, drop_reason::not_associated);
                    if (!authorized()) return drop(i, drop_reason::not_authorized);
                }
                break;
            case driver::iftype::wds:
                ds = frame_control::to_ds | frame_control::from_ds;
                a1 = &i.wds_peer, a2 = &i.vif.addr, a3 = &da, a4 = &sa;
                f.sta = stations_.find(i.wds_peer);
                break;
            case driver::iftype::adhoc:
                a1 = &da, a2 = &sa, a3 = &i.bssid;
                if (!f.multicast) f.sta = stations_.find(da);
                break;
            default:
                return drop(i, drop_reason::not_for_us);
        }
        f.qos = f.sta && f.sta->has(sta_flag::wme) && !f.multicast;
        f.tid = f.eapol ? 7 : (priority & 7);
        f.hdrlen = 24 + (a4 ? 6 : 0) + (f.qos ? 2 : 0);
        // [DA SA type payload] -> [802.11 header][AA AA 03 OUI][type payload]: the payload stays
        // put.
        if (type >= 0x0600) {
            if (!f.buf.pull(12) || !f.buf.push(6)) return drop(i, drop_reason::no_headroom);
            std::memcpy(f.buf.data(), ieee80211::snap_for(type).data(), 6);
        } else if (!f.buf.pull(14)) {
            return drop(i, drop_reason::too_short);
        }
        auto hdr = f.buf.push(f.hdrlen);
        if (!hdr) return drop(i, drop_reason::no_headroom);
        std::uint8_t* p = hdr->data();
        const std::uint8_t subtype =
            f.qos ? ieee80211::data_subtype::qos_data : ieee80211::data_subtype::data;
        store_le16(p, ieee80211::frame_control::make(ieee80211::frame_type::data, subtype, ds).raw);
        store_le16(p + 2, 0);
        std::memcpy(p + 4, a1->octets.data(), 6);
        std::memcpy(p + 10, a2->octets.data(), 6);
        std::memcpy(p + 16, a3->octets.data(), 6);  // sequence control: tx_sequence
        std::size_t off = 24;
        if (a4) {
            std::memcpy(p + 24, a4->octets.data(), 6);
            off = 30;
        }
        if (f.qos) store_le16(p + off, static_cast<std::uint16_t>(f.tid));
        f.info.vif_index = i.vif.index;
        f.info.hw_queue = up_to_ac(f.tid);
        if (f.multicast)
            f.info.flags |= driver::tx_flag::no_ack;
        else
            f.info.flags |= driver::tx_flag::req_status;
        return verdict::next;
    }

    /// Which interface a received frame is for (reference 3.1). A known transmitter names its
    /// interface, which is tried first (mac80211 also looks the station up first); otherwise
    /// every interface is matched.
    int accept(const ieee80211::header_view& h, const station_type* sta) const noexcept {
        const mac_address a1 = h.addr1();
        if (sta) {
            const auto& i = ifaces_[sta->vif_index];
            if (i.up && a1 == i.vif.addr) return sta->vif_index;
        }
        for (std::size_t k = 0; k < max_interfaces; ++k) {
            const auto& i = ifaces_[k];
            if (!i.up || i.type() == driver::iftype::monitor) continue;
            if (a1 == i.vif.addr) return static_cast<int>(k);
        }
        if (!a1.is_multicast()) return -1;
        for (std::size_t k = 0; k < max_interfaces; ++k) {
            const auto& i = ifaces_[k];
            if (!i.up || i.type() == driver::iftype::monitor) continue;
            if (!h.fc().is_data()) return static_cast<int>(k);
            if ((i.is_sta() || i.type() == driver::iftype::adhoc) && h.address_count() >= 3 &&
                h.bssid() == i.bssid)
                return static_cast<int>(k);
        }
        return -1;
    }

    Time& time_;
    Pool& pool_;
    Upper upper_;
    std::array<interface_state, max_interfaces> ifaces_{};
    station_table<typename RatePolicy::state> stations_;
    defrag_cache defrag_;
    std::span<const ieee80211::rate> rates_ = ieee80211::rates_2ghz;
    std::size_t headroom_ = 64;
    std::uint64_t unmatched_ = 0;
    std::array<frame_buffer, 15> fragments_{};
};

}  // namespace softmac::mac
