// SPDX-License-Identifier: MIT
/// @file Defines the data path's TX side: tx_frame, the TX handlers and the 802.3 -> 802.11 build.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/mac/interface.hpp>
#include <softmac/mac/pipeline.hpp>
#include <softmac/mac/rate_control.hpp>
#include <softmac/mac/station.hpp>

namespace softmac::mac {

// mac80211's tx.c: ieee80211_tx_h_* in invoke_tx_handlers_early/late's order (check_assoc and
// the 802.3 -> 802.11 build, control port, rate control, sequence, fragment, stats).

/// @brief A frame on its way down: the buffer (802.11 from the header build on) and its context.
template <class Station>
struct tx_frame {
    frame_buffer& buf;      ///< the caller's buffer, worked on in place
    driver::tx_info& info;  ///< what the driver will be told
    vif_state* iface = nullptr;
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
        const vif_state& i = *f.iface;
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
            seq = next_sequence(f.sta->tid_seq[f.tid]);
        } else {
            seq = next_sequence(f.iface->seq);
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
        if (n > max_fragments) return m.drop(*f.iface, drop_reason::malformed);
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

namespace detail {
/// The 802.3 -> 802.11 header build (mac80211's ieee80211_build_hdr), rewriting the Ethernet
/// header in place; the station checks are ieee80211_tx_h_check_assoc's. `m` is the data path.
template <class M, class Station>
SOFTMAC_HOT_INLINE verdict build_header(M& m, vif_state& i, std::uint8_t priority,
                                        tx_frame<Station>& f) {
    const frame_buffer& eth = f.buf;
    if (!i.up || eth.size() < 14) return m.drop(i, drop_reason::too_short);
    const mac_address da = mac_address::from(eth.data()), sa = mac_address::from(eth.data() + 6);
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
    const auto authorized = [&] { return f.eapol || (f.sta && f.sta->has(sta_flag::authorized)); };
    switch (i.type()) {
        case driver::iftype::station:
        case driver::iftype::p2p_client:
            if (!i.associated) return m.drop(i, drop_reason::not_associated);
            f.sta = m.stations().find(i.bssid);
            if (!f.multicast && !authorized()) return m.drop(i, drop_reason::not_authorized);
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
                f.sta = m.stations().find(da);
                if (!f.sta || !f.sta->has(sta_flag::associated))
                    return m.drop(i, drop_reason::not_associated);
                if (!authorized()) return m.drop(i, drop_reason::not_authorized);
            }
            break;
        case driver::iftype::wds:
            ds = frame_control::to_ds | frame_control::from_ds;
            a1 = &i.wds_peer, a2 = &i.vif.addr, a3 = &da, a4 = &sa;
            f.sta = m.stations().find(i.wds_peer);
            break;
        case driver::iftype::adhoc:
            a1 = &da, a2 = &sa, a3 = &i.bssid;
            if (!f.multicast) f.sta = m.stations().find(da);
            break;
        default:
            return m.drop(i, drop_reason::not_for_us);
    }
    f.qos = f.sta && f.sta->has(sta_flag::wme) && !f.multicast;
    f.tid = f.eapol ? 7 : (priority & 7);
    f.hdrlen = 24 + (a4 ? 6 : 0) + (f.qos ? 2 : 0);
    // [DA SA type payload] -> [802.11 header][AA AA 03 OUI][type payload]: the payload stays
    // put.
    if (type >= 0x0600) {
        if (!f.buf.pull(12) || !f.buf.push(6)) return m.drop(i, drop_reason::no_headroom);
        std::memcpy(f.buf.data(), ieee80211::snap_for(type).data(), 6);
    } else if (!f.buf.pull(14)) {
        return m.drop(i, drop_reason::too_short);
    }
    auto hdr = f.buf.push(f.hdrlen);
    if (!hdr) return m.drop(i, drop_reason::no_headroom);
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
}  // namespace detail

}  // namespace softmac::mac
