// SPDX-License-Identifier: MIT
/// @file Defines the data path's RX side: rx_frame, the RX handlers, the 802.11 -> 802.3
/// conversion and the matching of a received frame to its interface.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/detail/set_bits.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/mac/interface.hpp>
#include <softmac/mac/pipeline.hpp>
#include <softmac/mac/station.hpp>

namespace softmac::mac {

// mac80211's rx.c: ieee80211_rx_h_* in ieee80211_rx_handlers' order (check_dup, check,
// defragment, amsdu, data; management frames go up, as ieee80211_rx_h_mgmt queues them).

template <class Station>
struct rx_frame {
    frame_buffer& buf;                          ///< the driver's buffer
    const driver::rx_status* status = nullptr;  ///< the driver's, alive for the whole call
    vif_state* iface = nullptr;
    std::uint8_t vif = 0;
    Station* sta = nullptr;
    ieee80211::frame_control fc;
    std::uint16_t hdrlen = 24;
    std::uint16_t qos = 0;  ///< QoS control, 0 when the frame has none
    /// Duplicate-detection and reassembly slot: the TID, 16 without QoS (decoded once, on entry).
    std::uint8_t seqno_idx = 16;
    bool was_protected = false;  ///< CCMP removed its header: `pn` is the frame's PN
    std::uint64_t pn = 0;

    /// The MAC header as the frame has it now (reassembly replaces the buffer).
    ieee80211::header_view header() const noexcept {
        return ieee80211::header_view::validated(buf.view(), hdrlen);
    }
};

namespace detail {
/// Duplicate detection of a unicast frame from `sta` (ieee80211_rx_h_check_dup): a retry with the
/// sequence control of the last frame of its TID (`idx`, 16 without QoS) is a duplicate, counted;
/// any other frame's sequence control is remembered.
template <class Station>
SOFTMAC_HOT_INLINE bool is_duplicate(Station& sta, std::uint8_t idx, ieee80211::frame_control fc,
                                     std::uint16_t sc) noexcept {
    auto& last = sta.last_seq_ctrl[idx];
    auto& seen = sta.seen[idx];
    if (seen && fc.has(ieee80211::frame_control::retry) && last == sc) {
        ++sta.stats.rx_duplicates;
        return true;
    }
    last = sc;
    seen = true;
    return false;
}
}  // namespace detail

struct rx_check_dup {
    template <capabilities C>
    static constexpr bool enabled = !C.rx_dup_validated;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const noexcept {
        if (!f.sta || f.fc.is_ctrl() || f.header().addr1().is_multicast()) return verdict::next;
        if (f.fc.is_data() && f.fc.subtype() == ieee80211::data_subtype::qos_null)
            return verdict::next;
        return detail::is_duplicate(*f.sta, f.seqno_idx, f.fc, f.header().seq().raw)
                   ? m.drop(*f.iface, drop_reason::duplicate)
                   : verdict::next;
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
        if (f.iface->is_sta() && f.header().transmitter() != f.iface->bssid)
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
        const std::uint16_t sc = f.header().seq().raw;
        const std::uint8_t frag = sc & 0xf;
        const bool more = f.fc.has(ieee80211::frame_control::more_frag);
        if (!more && frag == 0) return verdict::next;
        const mac_address ra = f.header().receiver(), ta = f.header().transmitter();
        if (ra.is_multicast()) return m.drop(*f.iface, drop_reason::malformed);
        auto& cache = f.sta ? f.sta->frags : m.defrag();
        if (f.sta) ++f.sta->stats.rx_fragments;
        const std::uint16_t seq = sc >> 4;
        if (frag == 0) {
            auto& e = cache.start(std::move(f.buf), ta, ra, seq, f.seqno_idx, m.now());
            e.was_protected = f.was_protected;
            e.last_pn = f.pn;
            return verdict::consumed;
        }
        defrag_entry* e = cache.find(ta, ra, seq, f.seqno_idx, frag, m.now());
        if (!e) return m.drop(*f.iface, drop_reason::fragment_unmatched);
        // The fragments of a protected MSDU carry consecutive PNs, all of them protected
        // (ieee80211_rx_h_defragment): anything else is an injection.
        if (e->was_protected != f.was_protected || (f.was_protected && f.pn != e->last_pn + 1))
            return m.drop(*f.iface, drop_reason::fragment_unmatched);
        e->last_pn = f.pn;
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
/// ToDS/FromDS combinations each receiving interface type accepts (ieee80211_rx_h_data's
/// ieee80211_data_to_8023 checks).
SOFTMAC_HOT_INLINE bool ds_allowed(const vif_state& i, ieee80211::frame_control fc) noexcept {
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
        if (f.header().receiver().is_multicast()) return m.drop(*f.iface, drop_reason::malformed);
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
        // Addresses by the ToDS/FromDS table.
        const auto h = f.header();
        const mac_address da = h.destination(), sa = h.source();
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
            f.sta->stats.rx_bytes += softmac::detail::scalar(f.buf.size());
        }
        if (eapol)
            m.deliver_control_port(f, std::move(f.buf));
        else
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

namespace detail {
/// Which interface a received frame is for (mac80211's ieee80211_prepare_and_rx_handle and
/// ieee80211_accept_frame): the index of the interface in the data path `m`, or -1. A known
/// transmitter names its interface, which is tried first (mac80211 also looks the station up
/// first); otherwise every interface that is up is matched, in index order (only those are
/// read).
template <class M>
int match_interface(const M& m, const ieee80211::header_view& h,
                    const typename M::station_type* sta) noexcept {
    const mac_address a1 = h.addr1();
    if (sta) {
        const auto& i = m.state_of(sta->vif_index);
        if (i.up && a1 == i.vif.addr) return sta->vif_index;
    }
    const ::softmac::detail::set_bits up(m.up_interfaces());
    for (const std::size_t k : up) {
        const auto& i = m.state_of(k);
        if (!i.up || i.type() == driver::iftype::monitor) continue;
        if (a1 == i.vif.addr) return static_cast<int>(k);
    }
    if (!a1.is_multicast()) return -1;
    for (const std::size_t k : up) {
        const auto& i = m.state_of(k);
        if (!i.up || i.type() == driver::iftype::monitor) continue;
        if (!h.fc().is_data()) return static_cast<int>(k);
        if ((i.is_sta() || i.type() == driver::iftype::adhoc) && h.address_count() >= 3 &&
            h.bssid() == i.bssid)
            return static_cast<int>(k);
    }
    return -1;
}
}  // namespace detail

}  // namespace softmac::mac
