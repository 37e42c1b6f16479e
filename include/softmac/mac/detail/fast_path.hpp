// SPDX-License-Identifier: MIT
/// @file Defines the data path's fast TX (from station header templates) and fast RX.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/mac/interface.hpp>
#include <softmac/mac/pipeline.hpp>
#include <softmac/mac/rx.hpp>
#include <softmac/mac/station.hpp>
#include <softmac/mac/tx.hpp>

namespace softmac::mac {

// mac80211's ieee80211_xmit_fast and ieee80211_invoke_fast_rx. The fast paths take the frames
// that need no decision beyond what the station's state already decided: unicast data to or from
// one known station, RFC 1042-encapsulated, not EAPOL, not fragmented, not an A-MSDU. Everything
// else takes the full pipelines, and so does every frame while the fast paths are switched off
// (data_path::set_fast_path). Their per-station state carries a stamp (station.hpp): a change of
// the station's flags or of its interface (data_path::vif_changed) makes it stale, and stale
// state is made again before it is used. Keys are not cached: the CCMP handlers look the key up
// per frame on both paths; only whether a station has a pairwise key is in its fast RX checks,
// which are made again when that changes (data_path::pairwise_key_changed).

namespace detail {
/// The stamp a station's fast-path state must carry to be used now; never 0, the stamp of state
/// never made (the generation has bit 63 set: generations count to 2^31 before they would meet it).
template <class Station>
SOFTMAC_HOT_INLINE fast_stamp stamp_of(const Station& sta, const vif_state& i) noexcept {
    return i.generation | sta.flags;
}
/// Frame control bits the fast RX looks at (protocol version, type, the subtype's bits other than
/// QoS, ToDS/FromDS, More Fragments, Protected, +HTC/Order) and their value for data without QoS:
/// the QoS bit may be either, a null function's subtype bit must be clear.
inline constexpr std::uint16_t fast_rx_fc_mask =
    (0x00ff & ~0x0080) | ieee80211::frame_control::to_ds | ieee80211::frame_control::from_ds |
    ieee80211::frame_control::more_frag | ieee80211::frame_control::protected_frame |
    ieee80211::frame_control::order;
inline constexpr std::uint16_t fc_data =
    ieee80211::frame_control::make(ieee80211::frame_type::data, ieee80211::data_subtype::data).raw;
inline constexpr std::uint16_t fc_qos_bit =
    ieee80211::frame_control::make(ieee80211::frame_type::data, ieee80211::data_subtype::qos_data)
        .raw ^
    fc_data;
static_assert(fc_data == 0x0008 && fc_qos_bit == 0x0080);
/// Where a MAC header carries its sequence control.
inline constexpr std::size_t seq_ctrl_offset = 22;

/// An Ethernet type the fast paths carry: RFC 1042 SNAP (not bridge-tunnel) and not EAPOL, which
/// goes to the controlled port.
constexpr bool fast_ethertype(std::uint16_t type) noexcept {
    return type >= 0x0600 && type != ieee80211::ethertype::eapol &&
           &ieee80211::snap_for(type) == &ieee80211::rfc1042_header;
}

/// After the full header build of a unicast frame to `sta` (not EAPOL): keeps the station's
/// template when it is stale and the frame's body starts with the RFC 1042 header the fast path
/// writes. The header as built (`p`, `hdrlen` octets, then those six) is the template, so both
/// paths write the same octets by construction. (An 802.3-length frame whose payload happens to
/// start with the RFC 1042 header gives the template an Ethernet II frame would.) Out of line and
/// given scalars, so that the TX frame's context stays in registers on the full path.
template <class Station>
[[gnu::noinline]] void keep_tx_template(const vif_state& i, Station& sta, const std::uint8_t* p,
                                        std::size_t size, std::size_t hdrlen, bool qos) noexcept {
    const auto& rfc1042 = ieee80211::rfc1042_header;
    if (size < hdrlen + rfc1042.size() ||
        std::memcmp(p + hdrlen, rfc1042.data(), rfc1042.size()) != 0)
        return;
    auto& t = sta.fast_tx;
    const fast_stamp now = stamp_of(sta, i);
    if (t.stamp == now) return;
    t.stamp = now;
    const ieee80211::frame_control fc{load_le16(p)};
    t.hdrlen = static_cast<std::uint8_t>(hdrlen);
    t.da = static_cast<std::uint8_t>(ieee80211::destination_offset(fc));
    t.sa = static_cast<std::uint8_t>(ieee80211::source_offset(fc));
    t.qos = qos;
    std::memcpy(t.hdr.data(), p, hdrlen + 6);
    store_le16(t.hdr.data() + seq_ctrl_offset, 0);      // sequence control: per frame
    if (qos) store_le16(t.hdr.data() + hdrlen - 2, 0);  // TID: per frame
}

/// The full TX path's header for the same frame, built aside: a template that differs from it is
/// stale, which is a bug in whoever changed an interface without data_path::vif_changed. Checked
/// in builds with assertions.
template <class M, class Station>
void check_tx_template(M& m, vif_state& i, std::uint8_t priority, const tx_frame<Station>& fast,
                       const mac_address& da, const mac_address& sa, std::uint16_t type) {
    auto scratch = m.pool().allocate(m.headroom());
    if (!scratch) return;
    auto eth = scratch->put(14);
    if (!eth) return;
    std::memcpy(eth->data(), da.octets.data(), 6);
    std::memcpy(eth->data() + 6, sa.octets.data(), 6);
    store_be16(eth->data() + 12, type);
    driver::tx_info info{};
    tx_frame<Station> full{*scratch, info};
    const bool same =
        build_header(m, i, priority, full) == verdict::next && full.sta == fast.sta &&
        full.hdrlen == fast.hdrlen && full.qos == fast.qos && info.flags == fast.info.flags &&
        info.hw_queue == fast.info.hw_queue &&
        std::memcmp(full.buf.data(), fast.buf.data(), seq_ctrl_offset) == 0 &&
        std::memcmp(full.buf.data() + seq_ctrl_offset + 2, fast.buf.data() + seq_ctrl_offset + 2,
                    fast.hdrlen + 6 - seq_ctrl_offset - 2) == 0;
    if (!same) {
        std::fputs("softmac: a stale fast TX template was about to be used\n", stderr);
        std::abort();
    }
}

/// The fast TX (ieee80211_xmit_fast): turns the 802.3 frame in `f.buf` into the station's 802.11
/// frame from its template and fills `f` as the header build would; false, with the frame
/// untouched, when the frame is not one for the fast path.
template <class M, class Station>
SOFTMAC_HOT_INLINE bool fast_xmit(M& m, vif_state& i, std::uint8_t priority, tx_frame<Station>& f) {
    if (f.buf.size() < 14) return false;  // (an interface down has a new generation: no match)
    const std::uint8_t* e = f.buf.data();
    const mac_address da = mac_address::from(e), sa = mac_address::from(e + 6);
    const std::uint16_t type = load_be16(e + 12);
    if (da.is_multicast() || !fast_ethertype(type)) return false;
    // The receiver's station: the AP of a station interface, the peer of a WDS link, else DA.
    Station* sta = m.stations().find(i.is_sta()                        ? i.bssid
                                     : i.type() == driver::iftype::wds ? i.wds_peer
                                                                       : da);
    if (!sta) return false;
    const fast_tx_template& t = sta->fast_tx;
    if (t.stamp != stamp_of(*sta, i)) return false;
    // 802.11 frame = the header and SNAP in place of DA, SA; with the FCS within the threshold.
    if (f.buf.size() + t.hdrlen + 6 - 12 + 4 > i.frag_threshold) return false;
    auto room = f.buf.push(t.hdrlen + 6 - 12);
    if (!room) return false;
    std::uint8_t* p = room->data();
    // The header and SNAP, 30 to 38 octets, as two fixed-size copies that overlap: a copy of
    // variable length may become `rep movs`, which costs more to start than these take.
    const std::size_t n = t.hdrlen + 6u;
    static_assert(std::tuple_size_v<decltype(t.hdr)> <= 24 + 16, "two copies cover a template");
    assert(n >= 30 && n <= t.hdr.size());
    std::memcpy(p, t.hdr.data(), 24);
    std::memcpy(p + n - 16, t.hdr.data() + n - 16, 16);
    std::memcpy(p + t.da, da.octets.data(), 6);
    std::memcpy(p + t.sa, sa.octets.data(), 6);
    const std::uint8_t tid = priority & 7;
    if (t.qos) p[t.hdrlen - 2] = tid;
    f.iface = &i;
    f.sta = sta;
    f.tid = tid;
    f.hdrlen = t.hdrlen;
    f.qos = t.qos;
    f.info.vif_index = i.vif.index;
    f.info.hw_queue = up_to_ac(tid);
    f.info.flags |= driver::tx_flag::req_status;
#ifndef NDEBUG
    check_tx_template(m, i, priority, f, da, sa, type);
#endif
    return true;
}

/// What the fast RX expects of a station's frames, worked out from the interface and the
/// station: an associated and authorized station of an AP, or the authorized AP of an associated
/// station interface (3- or 4-address); nothing else is usable. Its frames are protected exactly
/// when it has a pairwise key, and then carry `ccmp_overhead` octets that decryption removes.
template <class Station>
fast_rx_checks make_fast_rx(const vif_state& i, const Station& sta,
                            std::size_t ccmp_overhead) noexcept {
    using ieee80211::frame_control;
    fast_rx_checks c;
    c.stamp = stamp_of(sta, i);
    if (!i.up) return c;
    if (i.is_ap()) {
        if (!sta.has(sta_flag::associated | sta_flag::authorized)) return c;
    } else if (i.is_sta()) {
        if (!i.associated || sta.addr != i.bssid || !sta.has(sta_flag::authorized)) return c;
    } else {
        return c;
    }
    // The one ToDS/FromDS combination the full data handler accepts for this interface.
    std::uint16_t ds_bits = 0;
    for (const std::uint16_t ds : {0, 1, 2, 3})
        if (ds_allowed(i, frame_control::make(ieee80211::frame_type::data, 0,
                                              static_cast<std::uint16_t>(ds << 8))))
            ds_bits = static_cast<std::uint16_t>(ds << 8);
    const ieee80211::frame_control fc =
        ieee80211::frame_control::make(ieee80211::frame_type::data, 0, ds_bits);
    c.fc =
        static_cast<std::uint16_t>(fc.raw | (sta.ptk.valid ? frame_control::protected_frame : 0));
    c.body =
        static_cast<std::uint8_t>(ieee80211::snap_length + (sta.ptk.valid ? ccmp_overhead : 0));
    c.base = static_cast<std::uint8_t>(ieee80211::header_length(fc));
    c.da = static_cast<std::uint8_t>(ieee80211::destination_offset(fc));
    c.sa = static_cast<std::uint8_t>(ieee80211::source_offset(fc));
    c.usable = true;
    return c;
}

/// The fast RX's duplicate check: the frame is unicast data from `f.sta`, never a QoS null.
struct rx_fast_dup {
    template <capabilities C>
    static constexpr bool enabled = !C.rx_dup_validated;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const noexcept {
        return is_duplicate(*f.sta, f.seqno_idx, f.fc, load_le16(f.buf.data() + seq_ctrl_offset))
                   ? m.drop(*f.iface, drop_reason::duplicate)
                   : verdict::next;
    }
};

/// The fast RX's last step (ieee80211_rx_8023 in fast-rx): an RFC 1042 frame of an ordinary type
/// is rewritten to 802.3 with the precomputed addresses and delivered; anything else (EAPOL, a
/// bridge-tunnel or 802.3-length payload, only knowable after decryption) goes to the full data
/// handler, which the frame satisfies from here on.
struct rx_fast_data {
    template <capabilities>
    static constexpr bool enabled = true;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const {
        const fast_rx_checks& c = f.sta->fast_rx;
        const std::uint8_t* h = f.buf.data();
        const std::uint8_t* llc = h + f.hdrlen;  // a whole SNAP header (fast_rx_checks::body)
        assert(f.buf.size() >= f.hdrlen + ieee80211::snap_length);
        // A group-addressed DA (a 4-address frame's Address 3) may be our own echo: the full
        // handler decides.
        if (load_be32(llc) != 0xaaaa0300u || load_be16(llc + 4) != 0 ||
            !fast_ethertype(load_be16(llc + 6)) || (h[c.da] & 1))
            return rx_data{}(m, f);
        const mac_address da = mac_address::from(h + c.da), sa = mac_address::from(h + c.sa);
        (void)f.buf.pull(f.hdrlen + 6 - 12);  // the SNAP type stays where it is
        std::memcpy(f.buf.data(), da.octets.data(), 6);
        std::memcpy(f.buf.data() + 6, sa.octets.data(), 6);
        ++f.sta->stats.rx_packets;
        f.sta->stats.rx_bytes += softmac::detail::scalar(f.buf.size());
        m.deliver(f, std::move(f.buf));
        return verdict::consumed;
    }
};

/// The fast RX (ieee80211_invoke_fast_rx): a data frame from `sta` that matches its precomputed
/// checks runs the fast pipeline (duplicate check, CCMP, rx_fast_data); false when the frame is
/// not one for the fast path, untouched.
template <class M, class Station>
SOFTMAC_HOT_INLINE bool fast_rx(M& m, Station& sta, frame_buffer& b, const driver::rx_status& s) {
    vif_state& i = m.state_of(sta.vif_index);
    fast_rx_checks& c = sta.fast_rx;
    // What decryption removes: the CCMP header, and the MIC unless the hardware removed it.
    constexpr std::size_t ccmp_overhead =
        ieee80211::ccmp::header_len + (M::caps.hw_crypto ? 0 : ieee80211::ccmp::mic_len);
    if (c.stamp != stamp_of(sta, i)) c = make_fast_rx(i, sta, ccmp_overhead);
#ifndef NDEBUG
    if (!(make_fast_rx(i, sta, ccmp_overhead) == c)) {
        std::fputs("softmac: stale fast RX checks were about to be used\n", stderr);
        std::abort();
    }
#endif
    if (!c.usable) return false;
    const std::uint8_t* h = b.data();
    const std::uint16_t fc = load_le16(h);
    // Data or QoS data (no null function, no +HTC), the expected ToDS/FromDS, no More
    // Fragments; protected exactly when the station has a pairwise key.
    if ((fc & fast_rx_fc_mask) != c.fc) return false;
    const bool qos = (fc & fc_qos_bit) != 0;
    const std::size_t hdrlen = c.base + (qos ? 2u : 0u);
    // To this interface (Address 1), and not a fragment (fragment number 0).
    if (b.size() < hdrlen + c.body || std::memcmp(h + 4, i.vif.addr.octets.data(), 6) != 0 ||
        (load_le16(h + seq_ctrl_offset) & 0xf) != 0)
        return false;
    const std::uint16_t qc = qos ? load_le16(h + c.base) : 0;
    if (qc & ieee80211::qos_control::amsdu_present) return false;
    rx_frame<Station> f{b,
                        &s,
                        &i,
                        sta.vif_index,
                        &sta,
                        ieee80211::frame_control{fc},
                        static_cast<std::uint16_t>(hdrlen)};
    if (qos) {
        f.qos = qc;
        f.seqno_idx = static_cast<std::uint8_t>(qc & 0xf);
    }
    (void)run(typename M::fast_rx_pipeline{}, m, f);
    return true;
}
}  // namespace detail

}  // namespace softmac::mac
