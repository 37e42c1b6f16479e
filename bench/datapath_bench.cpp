// SPDX-License-Identifier: MIT
// The data path's cost: softmac's TX (802.3 -> 802.11 QoS data -> driver) and RX (802.11 ->
// 802.3 with duplicate check), on its fast paths and on its full pipelines, against the same stack
// through any_driver, hand-written straight-line versions of the same work (a full one that
// builds every header, and a fast one with a prebuilt header per station), libtins, and memcpy of
// the payload.
//
// RX is measured as products run it: the driver receives a frame and raises its interrupt line
// (driver::interrupt_line, as the loopback and rt73 drivers do), the radio's handler services the
// driver, whose poll hands the frame to the data path. The hand-written stack is written for its
// one driver, so its receive calls its RX function directly. Each side's RX is also measured at its
// entry, without the driver's slot: softmac's data path against the hand-written RX functions.
#include <benchmark/benchmark.h>

#include <tins/dot11.h>
#include <tins/ethernetII.h>
#include <tins/rawpdu.h>
#include <tins/snap.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include <softmac/driver/any_driver.hpp>
#include <softmac/drivers/rt73.hpp>
#include <softmac/mac/data_path.hpp>
#include <softmac/mac/radio.hpp>

#include "minimal_driver.hpp"

#include "data_path_support.hpp"  // replaces operator new in this program

namespace {

using path = mac::data_path<mac::capabilities_of<sink_driver>(), virtual_time, parking_upper,
                            mac::fixed_rate<540>>;

/// softmac's paths: the fast paths (the default), or the full pipelines for every frame.
enum class mode { fast, full };

template <class Driver>
struct stack {
    virtual_time time;
    heap_pool pool{frame_buffer_size, 16, 16};
    mac::radio<Driver, virtual_time, path> r;
    driver::vif vif;

    template <class... A>
    explicit stack(mode m, A&&... a)
        : r(time, path(time, pool, parking_upper{}), std::forward<A>(a)...) {
        r.sink().set_fast_path(m == mode::fast);
        (void)r.register_hw();
        vif = *r.add_interface(driver::iftype::ap);
        r.sink().attach(vif, r.hw());
        (void)r.sink().stations().add(
            sta_addr, vif.index,
            mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme);
    }
};

constexpr std::size_t headroom = 64;

/// Puts an Ethernet header in front of a payload that stays where it is between iterations.
void ethernet_frame(frame_buffer& b, std::size_t payload) {
    b.reset(headroom);
    auto p = b.put(14 + payload);
    std::memcpy(p->data(), sta_addr.octets.data(), 6);
    std::memcpy(p->data() + 6, ap_addr.octets.data(), 6);
    store_be16(p->data() + 12,
               0x88b5);  // IEEE local experimental: payload is opaque to every decoder
}
/// Puts a QoS data header + RFC 1042 SNAP (from the station, ToDS) in front of the payload.
void wifi_frame(frame_buffer& b, std::size_t payload, std::uint16_t seq) {
    b.reset(headroom);
    auto p = b.put(26 + 8 + payload)->data();
    store_le16(p, ie::frame_control::make(ie::frame_type::data, ie::data_subtype::qos_data,
                                          ie::frame_control::to_ds)
                      .raw);
    store_le16(p + 2, 0);
    std::memcpy(p + 4, ap_addr.octets.data(), 6);
    std::memcpy(p + 10, sta_addr.octets.data(), 6);
    std::memcpy(p + 16, ap_addr.octets.data(), 6);
    store_le16(p + 22, static_cast<std::uint16_t>(seq << 4));
    store_le16(p + 24, 5);
    std::memcpy(p + 26, ie::rfc1042_header.data(), 6);
    store_be16(p + 32, 0x88b5);
}

void report(benchmark::State& state, std::uint64_t allocs_before, std::size_t payload) {
    state.counters["allocs_per_frame"] = double(allocations.load() - allocs_before) /
                                         double(std::max<std::int64_t>(state.iterations(), 1));
    state.SetBytesProcessed(state.iterations() * std::int64_t(payload));
}

// ---- 1. softmac, 2. softmac through any_driver --------------------------------------------------
/// One frame down the stack behind a call the compiler cannot see through, as hand_tx is: both
/// sides pay one call per frame and neither is specialised for the benchmark's loop.
template <class Radio>
BENCH_ENTRY void softmac_tx(Radio& r, std::uint8_t vif, frame_buffer&& b, std::uint8_t prio) {
    r.sink().transmit(r, vif, std::move(b), prio);
}
template <class Driver, mode Mode = mode::fast, class... Make>
void tx_stack(benchmark::State& state, Make&&... make) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    stack<Driver> s(Mode, std::forward<Make>(make)...);
    frame_buffer b = *s.pool.allocate(headroom);
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        ethernet_frame(b, payload);
        softmac_tx(s.r, s.vif.index, std::move(b), 5);
        if constexpr (std::is_same_v<Driver, any_driver>)
            b = std::move(s.r.driver().template as<sink_driver>().sent);
        else
            b = std::move(s.r.driver().sent);
        benchmark::DoNotOptimize(b.data());
    }
    report(state, before, payload);
}
/// A frame into the driver (its interrupt line -> radio::service() -> poll -> data path), behind
/// a call the compiler cannot see through, as hand_receive is.
template <class Driver>
BENCH_ENTRY void softmac_receive(Driver& d, frame_buffer&& b) {
    d.receive(std::move(b));
}
/// A frame straight into the data path's entry, as the driver's poll hands it over: the data
/// path's cost without the driver's hand-off (its queue, interrupt line and poll).
template <class Path>
BENCH_ENTRY void softmac_on_rx(Path& p, frame_buffer&& b, const driver::rx_status& s) {
    p.on_rx(std::move(b), s);
}
/// Frames into the driver, or (`at_entry`) straight into the data path.
template <class Driver, mode Mode = mode::fast, bool at_entry = false, class... Make>
void rx_stack(benchmark::State& state, Make&&... make) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    stack<Driver> s(Mode, std::forward<Make>(make)...);
    frame_buffer b = *s.pool.allocate(headroom);
    std::uint16_t seq = 0;
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        wifi_frame(b, payload, seq++);
        sink_driver* d;
        if constexpr (std::is_same_v<Driver, any_driver>)
            d = &s.r.driver().template as<sink_driver>();
        else
            d = &s.r.driver();
        if constexpr (at_entry)
            softmac_on_rx(s.r.sink(), std::move(b), d->status);
        else
            softmac_receive(*d, std::move(b));
        b = std::move(s.r.sink().upper().delivered);
        benchmark::DoNotOptimize(b.data());
    }
    report(state, before, payload);
}
void BM_softmac_tx(benchmark::State& s) { tx_stack<sink_driver>(s); }
void BM_softmac_full_tx(benchmark::State& s) { tx_stack<sink_driver, mode::full>(s); }
void BM_any_driver_tx(benchmark::State& s) {
    tx_stack<any_driver>(s, std::in_place_type<sink_driver>);
}
void BM_softmac_rx(benchmark::State& s) { rx_stack<sink_driver>(s); }
void BM_softmac_full_rx(benchmark::State& s) { rx_stack<sink_driver, mode::full>(s); }
void BM_softmac_rx_entry(benchmark::State& s) { rx_stack<sink_driver, mode::fast, true>(s); }
void BM_softmac_full_rx_entry(benchmark::State& s) { rx_stack<sink_driver, mode::full, true>(s); }
void BM_any_driver_rx(benchmark::State& s) {
    rx_stack<any_driver>(s, std::in_place_type<sink_driver>);
}

// ---- rt73: 802.3 in -> TXD + frame handed to the USB transport ----------------------------------
/// A USB device that answers probe and start like an RT2573 and takes every bulk transfer.
struct null_usb {
    std::array<std::uint8_t, 0x100> eeprom{};
    std::size_t last_bulk = 0;
    null_usb() {
        eeprom.fill(0);
        store_le16(eeprom.data() + 2 * drivers::rt73::eeprom::antenna,
                   std::uint16_t(drivers::rt73::rf::rf2528
                                 << drivers::rt73::eeprom::antenna_rf_type_shift));
        std::memcpy(eeprom.data() + 2 * drivers::rt73::eeprom::mac_addr0, ap_addr.octets.data(), 6);
    }
    result<void> control_out(const drivers::rt73::vendor_request&, bytes_view) { return {}; }
    result<std::size_t> control_in(const drivers::rt73::vendor_request& r, bytes_span in) {
        if (r.request == drivers::rt73::request::eeprom_read)
            std::memcpy(in.data(), eeprom.data(), std::min(in.size(), eeprom.size()));
        else
            std::memset(in.data(), r.index == drivers::rt73::reg::mac_csr0 ? 0x31 : 0, in.size());
        return in.size();
    }
    result<void> bulk_out(bytes_view b) {
        last_bulk = b.size();
        benchmark::DoNotOptimize(b.data());
        return {};
    }
    result<std::size_t> bulk_in(bytes_span) { return std::size_t(0); }
    void on_bulk_in(driver::interrupt_line) {}
    static constexpr std::size_t max_packet_size() noexcept { return 512; }
};
struct rt73_null : null_usb, drivers::rt73::driver<null_usb> {
    rt73_null()
        : drivers::rt73::driver<null_usb>(static_cast<null_usb&>(*this),
                                          drivers::rt73::make_firmware()) {}
};

void BM_rt73_tx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    virtual_time time;
    heap_pool pool{frame_buffer_size, 16, 16};
    using rt73_path = mac::data_path<mac::capabilities_of<rt73_null>(), virtual_time, parking_upper,
                                     mac::fixed_rate<540>>;
    mac::radio<rt73_null, virtual_time, rt73_path> r(time, rt73_path(time, pool, parking_upper{}));
    (void)r.register_hw();
    const auto vif = *r.add_interface(driver::iftype::ap);
    r.sink().attach(vif, r.hw());
    (void)r.sink().stations().add(
        sta_addr, vif.index,
        mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme);
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        frame_buffer b =
            *pool.allocate(headroom);  // the same block each time: the payload stays put
        ethernet_frame(b, payload);
        softmac_tx(r, vif.index, std::move(b), 5);  // TX status returns the buffer to the pool
        benchmark::DoNotOptimize(r.driver().last_bulk);
    }
    report(state, before, payload);
}

// ---- 3. the same work written by hand, straight-line --------------------------------------------
// One C-style function per direction doing what softmac does for these frames: interface and
// station checks, the header for every interface type, SNAP choice, QoS/TID, sequence numbers,
// rate, RTS and fragmentation thresholds, statistics, drop counters, frame ownership to the sink.
// And a fast version of each, as a hand-written stack with mac80211's fast-xmit and fast-rx would
// have them: per station a prebuilt header (taken from the full build) and precomputed RX
// expectations, both valid for the station's flags and its interface's generation; everything
// else goes to the full function.
/// What a station's prebuilt header and RX expectations were made for: the interface's
/// generation, kept as the stamp's high half (bit 63 set: never 0, the stamp of nothing made), and
/// the station's flags.
std::uint64_t hand_stamp(std::uint64_t generation, std::uint32_t flags) {
    return generation | flags;
}
struct hand_fast {
    std::uint64_t stamp;
    bool qos;
    std::uint8_t hdrlen, da, sa;
    std::uint8_t hdr[38];
};
struct hand_rx_checks {
    std::uint64_t stamp;
    bool usable;
    std::uint16_t fc;  ///< data, and the ToDS/FromDS bits
    std::uint8_t base, da, sa;
};
struct hand_station {
    std::uint8_t addr[6];
    bool used;
    std::uint32_t flags;
    std::uint16_t tid_seq[16];
    std::uint16_t last_seq_ctrl[17];
    bool seen[17];
    std::int8_t rate_idx;
    bool rate_no_cck;  ///< the CCK rule the rate was chosen under
    std::uint8_t vif;  ///< the interface it belongs to
    std::uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes, rx_dups;
    hand_fast fast;
    hand_rx_checks frx;
};
struct hand_iface {
    std::uint8_t own[6], bssid[6], wds_peer[6];
    driver::iftype type;
    bool up, associated, use_4addr, no_cck;
    std::uint16_t seq;
    std::uint32_t frag_threshold, rts_threshold;
    std::uint8_t short_retry, long_retry;
    std::uint64_t generation;
    std::uint64_t drops[16], tx_frames, rx_frames;
};
struct hand_state {
    hand_iface ifaces[16];  ///< by the radio's interface index, as softmac keeps them
    hand_station stations[64];
    frame_buffer parked;            ///< what went to the driver (TX) or the network side (RX)
    frame_buffer to_receive;        ///< the driver's RX slot, as sink_driver has
    driver::tx_info parked_info;    ///< what the TX said with `parked`, when `record_info`
    bool record_info = false;       ///< as sink_driver's
    std::uint8_t tx_vif = 0;        ///< the interface frames are sent on: data, as softmac's vif is
    bool fast = false;              ///< the full TX keeps templates for hand_fast_tx
    std::uint64_t fast_frames = 0;  ///< frames the fast functions finished themselves
};
enum : std::uint32_t { h_assoc = 2, h_auth = 4, h_wme = 8 };
hand_station* hand_find(hand_state& s, const std::uint8_t* a) {
    for (auto& st : s.stations)
        if (st.used && std::memcmp(st.addr, a, 6) == 0) return &st;
    return nullptr;
}
/// The driver's tx: the frame is parked, and the instructions with it while the check records them.
int hand_to_driver(hand_state& s, const driver::tx_info& info, frame_buffer&& b) {
    if (s.record_info)
        s.parked_info = info;
    else
        benchmark::DoNotOptimize(info.rates[0].idx);
    s.parked = std::move(b);
    return 0;
}
BENCH_ENTRY int hand_tx(hand_state& s, std::uint8_t vif, frame_buffer&& b, std::uint8_t prio) {
    hand_iface& i = s.ifaces[vif];
    if (!i.up || b.size() < 14) return i.drops[0]++, -1;
    std::uint8_t da[6], sa[6];
    std::memcpy(da, b.data(), 6);
    std::memcpy(sa, b.data() + 6, 6);
    const std::uint16_t type = static_cast<std::uint16_t>(b.data()[12] << 8 | b.data()[13]);
    const bool mcast = da[0] & 1, eapol = type == 0x888e;
    hand_station* st = nullptr;
    std::uint16_t ds = 0;
    const std::uint8_t *a1, *a2, *a3, *a4 = nullptr;
    switch (i.type) {
        case driver::iftype::station:
        case driver::iftype::p2p_client:
            if (!i.associated) return i.drops[1]++, -1;
            st = hand_find(s, i.bssid);
            if (!mcast && !eapol && !(st && (st->flags & h_auth))) return i.drops[2]++, -1;
            if (i.use_4addr && !eapol)
                ds = 0x0300, a1 = i.bssid, a2 = i.own, a3 = da, a4 = sa;
            else
                ds = 0x0100, a1 = i.bssid, a2 = sa, a3 = da;
            break;
        case driver::iftype::ap:
        case driver::iftype::p2p_go:
            ds = 0x0200, a1 = da, a2 = i.own, a3 = sa;
            if (!mcast) {
                st = hand_find(s, da);
                if (!st || !(st->flags & h_assoc)) return i.drops[1]++, -1;
                if (!eapol && !(st->flags & h_auth)) return i.drops[2]++, -1;
            }
            break;
        case driver::iftype::wds:
            ds = 0x0300, a1 = i.wds_peer, a2 = i.own, a3 = da, a4 = sa;
            st = hand_find(s, i.wds_peer);
            break;
        case driver::iftype::adhoc:
            a1 = da, a2 = sa, a3 = i.bssid;
            if (!mcast) st = hand_find(s, da);
            break;
        default:
            return i.drops[12]++, -1;
    }
    const bool qos = st && (st->flags & h_wme) && !mcast;
    const std::uint8_t tid = eapol ? 7 : (prio & 7);
    const std::size_t hdrlen = 24 + (a4 ? 6 : 0) + (qos ? 2 : 0);
    if (type >= 0x0600) {
        if (!b.pull(12) || !b.push(6)) return i.drops[3]++, -1;
        const bool bt = type == 0x80f3 || type == 0x8137;
        std::uint8_t* snap = b.data();
        snap[0] = 0xaa, snap[1] = 0xaa, snap[2] = 0x03, snap[3] = 0, snap[4] = 0,
        snap[5] = bt ? 0xf8 : 0;
    } else if (!b.pull(14)) {
        return i.drops[0]++, -1;
    }
    auto hp = b.push(hdrlen);
    if (!hp) return i.drops[3]++, -1;
    std::uint8_t* h = hp->data();
    store_le16(h, static_cast<std::uint16_t>((qos ? 0x88 : 0x08) | ds));
    store_le16(h + 2, 0);
    std::memcpy(h + 4, a1, 6);
    std::memcpy(h + 10, a2, 6);
    std::memcpy(h + 16, a3, 6);
    std::size_t off = 24;
    if (a4) std::memcpy(h + 24, a4, 6), off = 30;
    if (qos) store_le16(h + off, tid);
    driver::tx_info info{};
    info.vif_index = 0;
    info.hw_queue = mac::up_to_ac(tid);
    info.flags = mcast ? driver::tx_flag::no_ack : driver::tx_flag::req_status;
    if (eapol) info.flags |= driver::tx_flag::req_status;
    const bool rts = b.size() + 4 > i.rts_threshold;
    const std::uint8_t tries = rts ? i.long_retry : i.short_retry;
    if (mcast || eapol) {
        info.rates[0] = {std::int8_t(i.no_cck ? 4 : 0), std::uint8_t(mcast ? 1 : tries)};
    } else {
        if (st && (st->rate_idx < 0 || st->rate_no_cck != i.no_cck))
            st->rate_idx = 11, st->rate_no_cck = i.no_cck;  // 54 Mbit/s, found once
        info.rates[0] = {st ? st->rate_idx : std::int8_t(11), tries};
    }
    info.rates[1] = {-1, 0};
    if (!mcast && rts) info.flags |= driver::tx_flag::rts_cts;
    if (i.no_cck) info.flags |= driver::tx_flag::no_cck;
    std::uint16_t seq;
    if (qos && st)
        seq = st->tid_seq[tid], st->tid_seq[tid] = (seq + 1) & 0xfff;
    else
        seq = i.seq, i.seq = (seq + 1) & 0xfff, info.flags |= driver::tx_flag::assign_seq;
    store_le16(h + 22, static_cast<std::uint16_t>(seq << 4));
    if (!mcast && b.size() + 4 > i.frag_threshold)
        return i.drops[11]++, -1;  // fragmentation: not in this benchmark
    ++i.tx_frames;
    if (st) ++st->tx_packets, st->tx_bytes += b.size();
    if (s.fast && st && !mcast && !eapol && type >= 0x0600 && type != 0x80f3 && type != 0x8137 &&
        st->fast.stamp != hand_stamp(i.generation, st->flags)) {
        hand_fast& t = st->fast;
        t.stamp = hand_stamp(i.generation, st->flags);
        t.hdrlen = static_cast<std::uint8_t>(hdrlen), t.qos = qos;
        const auto at = [&](const std::uint8_t* a) -> std::uint8_t {
            return a == a1 ? 4 : a == a2 ? 10 : a == a3 ? 16 : 24;
        };
        t.da = at(da), t.sa = at(sa);
        std::memcpy(t.hdr, h, hdrlen + 6);
        store_le16(t.hdr + 22, 0);
        if (qos) store_le16(t.hdr + hdrlen - 2, 0);
    }
    return hand_to_driver(s, info, std::move(b));
}
/// The fast TX: the station's prebuilt header, DA, SA, TID, sequence number, rate and counters.
BENCH_ENTRY int hand_fast_tx(hand_state& s, std::uint8_t vif, frame_buffer&& b, std::uint8_t prio) {
    hand_iface& i = s.ifaces[vif];
    if (b.size() < 14) return hand_tx(s, vif, std::move(b), prio);
    std::uint8_t da[6], sa[6];
    std::memcpy(da, b.data(), 6);
    std::memcpy(sa, b.data() + 6, 6);
    const std::uint16_t type = static_cast<std::uint16_t>(b.data()[12] << 8 | b.data()[13]);
    if ((da[0] & 1) || type < 0x0600 || type == 0x888e || type == 0x80f3 || type == 0x8137)
        return hand_tx(s, vif, std::move(b), prio);
    const bool sta_like = i.type == driver::iftype::station || i.type == driver::iftype::p2p_client;
    hand_station* st = hand_find(s, sta_like                        ? i.bssid
                                    : i.type == driver::iftype::wds ? i.wds_peer
                                                                    : da);
    if (!st || st->fast.stamp != hand_stamp(i.generation, st->flags))
        return hand_tx(s, vif, std::move(b), prio);
    const hand_fast& t = st->fast;
    if (b.size() + t.hdrlen + 6 - 12 + 4 > i.frag_threshold)
        return hand_tx(s, vif, std::move(b), prio);
    auto hp = b.push(t.hdrlen + 6 - 12);
    if (!hp) return hand_tx(s, vif, std::move(b), prio);
    std::uint8_t* h = hp->data();
    const std::size_t n = t.hdrlen + 6u;  // 30 to 38: two fixed copies, not a variable one
    std::memcpy(h, t.hdr, 24);
    std::memcpy(h + n - 16, t.hdr + n - 16, 16);
    std::memcpy(h + t.da, da, 6);
    std::memcpy(h + t.sa, sa, 6);
    const std::uint8_t tid = prio & 7;
    if (t.qos) h[t.hdrlen - 2] = tid;
    driver::tx_info info{};
    info.vif_index = 0;
    info.hw_queue = mac::up_to_ac(tid);
    info.flags = driver::tx_flag::req_status;
    const bool rts = b.size() + 4 > i.rts_threshold;
    if (st->rate_idx < 0 || st->rate_no_cck != i.no_cck)
        st->rate_idx = 11, st->rate_no_cck = i.no_cck;  // 54 Mbit/s, found once
    info.rates[0] = {st->rate_idx, rts ? i.long_retry : i.short_retry};
    info.rates[1] = {-1, 0};
    if (rts) info.flags |= driver::tx_flag::rts_cts;
    if (i.no_cck) info.flags |= driver::tx_flag::no_cck;
    std::uint16_t seq;
    if (t.qos)
        seq = st->tid_seq[tid], st->tid_seq[tid] = (seq + 1) & 0xfff;
    else
        seq = i.seq, i.seq = (seq + 1) & 0xfff, info.flags |= driver::tx_flag::assign_seq;
    store_le16(h + 22, static_cast<std::uint16_t>(seq << 4));
    ++i.tx_frames;
    ++st->tx_packets, st->tx_bytes += b.size();
    ++s.fast_frames;
    return hand_to_driver(s, info, std::move(b));
}
/// Which interface a frame is for: the transmitter's own interface when the station is known and
/// the frame is addressed to it; otherwise the interface with that address, or for group frames
/// the first that takes them (any for management, within its BSS for data).
hand_iface* hand_accept(hand_state& s, const std::uint8_t* d, hand_station* st, bool data) {
    if (st && s.ifaces[st->vif].up && std::memcmp(d + 4, s.ifaces[st->vif].own, 6) == 0)
        return &s.ifaces[st->vif];
    for (auto& i : s.ifaces)
        if (i.up && i.type != driver::iftype::monitor && std::memcmp(d + 4, i.own, 6) == 0)
            return &i;
    if (!(d[4] & 1)) return nullptr;
    const bool to = d[1] & 1, from = d[1] & 2;
    for (auto& i : s.ifaces) {
        if (!i.up || i.type == driver::iftype::monitor) continue;
        if (!data) return &i;
        const bool sta_like =
            i.type == driver::iftype::station || i.type == driver::iftype::p2p_client;
        if ((sta_like || i.type == driver::iftype::adhoc) &&
            std::memcmp(to ? d + 4 : (from ? d + 10 : d + 16), i.bssid, 6) == 0)
            return &i;
    }
    return nullptr;
}
BENCH_ENTRY int hand_rx(hand_state& s, frame_buffer&& b) {
    if (b.size() < 24) return -1;
    std::uint8_t* d = b.data();
    const std::uint16_t fc = load_le16(d);
    if ((fc & 3) != 0) return -1;
    const unsigned ftype = (fc >> 2) & 3;
    const bool to = fc & 0x0100, from = fc & 0x0200, four = ftype == 2 && to && from;
    const bool qos = ftype == 2 && (fc & 0x80);
    const std::size_t qos_off = four ? 30 : 24;
    const std::size_t hdrlen = qos_off + (qos ? 2 + ((fc & 0x8000) ? 4 : 0) : 0);  // + HT control
    if (b.size() < hdrlen) return -1;
    hand_station* st = hand_find(s, d + 10);
    hand_iface* ip = hand_accept(s, d, st, ftype == 2);
    if (!ip) return -1;
    hand_iface& i = *ip;
    const bool sta_like = i.type == driver::iftype::station || i.type == driver::iftype::p2p_client;
    const bool group = d[4] & 1;
    const std::uint8_t idx = qos ? (d[qos_off] & 0xf) : 16;
    const std::uint16_t sc = load_le16(d + 22);
    if (st && !group && !(ftype == 2 && (fc & 0xf0) == 0xc0)) {
        if (st->seen[idx] && (fc & 0x0800) && st->last_seq_ctrl[idx] == sc)
            return st->rx_dups++, i.drops[5]++, -1;
        st->last_seq_ctrl[idx] = sc, st->seen[idx] = true;
    }
    if (ftype != 2) return -1;  // management: up to the MLME (not in this benchmark)
    const std::uint8_t* llc = d + hdrlen;
    const std::size_t llc_len = b.size() - hdrlen;
    const std::uint16_t type = llc_len >= 8 ? static_cast<std::uint16_t>(llc[6] << 8 | llc[7]) : 0;
    const bool open_bss = i.type == driver::iftype::adhoc || i.type == driver::iftype::wds;
    if (!open_bss) {  // class 3: from the AP (station side) or from an associated station
        if (sta_like && std::memcmp(d + 10, i.bssid, 6) != 0) return i.drops[7]++, -1;
        const bool assoc = sta_like ? i.associated : (st && (st->flags & h_assoc));
        if (!assoc && !(sta_like && type == 0x888e)) return i.drops[1]++, -1;
    }
    if ((fc & 0x0400) || (sc & 0xf)) return i.drops[9]++, -1;  // fragments: not in this benchmark
    if (qos && (d[qos_off] & 0x80)) return -1;                 // A-MSDU: not in this benchmark
    if (fc & 0x40) return -1;
    bool ok;
    switch (i.type) {
        case driver::iftype::ap:
        case driver::iftype::p2p_go:
            ok = to && !from;
            break;
        case driver::iftype::station:
        case driver::iftype::p2p_client:
            ok = i.use_4addr ? (to && from) : (from && !to);
            break;
        case driver::iftype::wds:
            ok = to && from;
            break;
        case driver::iftype::adhoc:
            ok = !to && !from;
            break;
        default:
            ok = false;
    }
    if (!ok) return i.drops[6]++, -1;
    std::uint8_t da[6], sa[6];
    std::memcpy(da, to ? d + 16 : d + 4, 6);
    std::memcpy(sa, four ? d + 24 : (from ? d + 16 : d + 10), 6);
    if (sta_like && (da[0] & 1) && std::memcmp(sa, i.own, 6) == 0)
        return i.drops[8]++, -1;  // our own multicast, echoed by the AP
    if (type != 0x888e && !open_bss && !(st && (st->flags & h_auth))) return i.drops[2]++, -1;
    const bool rfc = llc_len >= 8 && std::memcmp(llc, ieee80211::rfc1042_header.data(), 6) == 0;
    const bool bt =
        llc_len >= 8 && std::memcmp(llc, ieee80211::bridge_tunnel_header.data(), 6) == 0;
    if (bt || (rfc && type != 0x80f3 && type != 0x8137)) {
        if (!b.pull(hdrlen + 6) || !b.push(12)) return -1;
    } else {
        if (!b.pull(hdrlen) || !b.push(14)) return -1;
        store_be16(b.data() + 12, static_cast<std::uint16_t>(llc_len));
    }
    std::memcpy(b.data(), da, 6);
    std::memcpy(b.data() + 6, sa, 6);
    if (st) ++st->rx_packets, st->rx_bytes += softmac::detail::scalar(b.size());
    ++i.rx_frames;
    s.parked = std::move(b);  // the network side
    return 0;
}
/// What the fast RX expects of a station's frames: from an associated, authorized station of an
/// AP, or from the authorized AP of an associated station interface.
hand_rx_checks hand_make_rx(const hand_iface& i, const hand_station& st) {
    hand_rx_checks c{};
    c.stamp = hand_stamp(i.generation, st.flags), c.base = 24;
    if (!i.up) return c;
    if (i.type == driver::iftype::ap || i.type == driver::iftype::p2p_go) {
        if ((st.flags & (h_assoc | h_auth)) != (h_assoc | h_auth)) return c;
        c.fc = 0x0108, c.da = 16, c.sa = 10;
    } else if (i.type == driver::iftype::station || i.type == driver::iftype::p2p_client) {
        if (!i.associated || std::memcmp(st.addr, i.bssid, 6) != 0 || !(st.flags & h_auth))
            return c;
        if (i.use_4addr)
            c.fc = 0x0308, c.base = 30, c.da = 16, c.sa = 24;
        else
            c.fc = 0x0208, c.da = 4, c.sa = 16;
    } else {
        return c;
    }
    c.usable = true;
    return c;
}
/// The fast RX: the precomputed checks, the duplicate check, RFC 1042 to 802.3 with the
/// precomputed addresses, counters; anything else to the full function.
BENCH_ENTRY int hand_fast_rx(hand_state& s, frame_buffer&& b) {
    if (b.size() < 24) return hand_rx(s, std::move(b));
    std::uint8_t* d = b.data();
    const std::uint16_t fc = load_le16(d);
    hand_station* st = hand_find(s, d + 10);  // (the frame control check below sees data)
    if (!st) return hand_rx(s, std::move(b));
    hand_iface& i = s.ifaces[st->vif];
    hand_rx_checks& c = st->frx;
    if (c.stamp != hand_stamp(i.generation, st->flags)) c = hand_make_rx(i, *st);
    if (!c.usable || (fc & 0xc77f) != c.fc) return hand_rx(s, std::move(b));
    const bool qos = fc & 0x80;
    const std::size_t hdrlen = c.base + (qos ? 2 : 0);
    const std::uint16_t sc = load_le16(d + 22);
    if (b.size() < hdrlen + 8 || std::memcmp(d + 4, i.own, 6) != 0 || (sc & 0xf))
        return hand_rx(s, std::move(b));
    const std::uint16_t qc = qos ? load_le16(d + c.base) : 0;
    if (qc & 0x80) return hand_rx(s, std::move(b));  // A-MSDU
    const std::uint8_t idx = qos ? (qc & 0xf) : 16;
    if (st->seen[idx] && (fc & 0x0800) && st->last_seq_ctrl[idx] == sc)
        return st->rx_dups++, i.drops[5]++, -1;
    st->last_seq_ctrl[idx] = sc, st->seen[idx] = true;
    const std::uint8_t* llc = d + hdrlen;
    const std::uint16_t type = static_cast<std::uint16_t>(llc[6] << 8 | llc[7]);
    if (load_be32(llc) != 0xaaaa0300u || load_be16(llc + 4) != 0 || type == 0x888e ||
        type == 0x80f3 || type == 0x8137 || type < 0x0600 || (d[c.da] & 1))
        return hand_rx(s, std::move(b));  // (not in this benchmark)
    std::uint8_t da[6], sa[6];
    std::memcpy(da, d + c.da, 6);
    std::memcpy(sa, d + c.sa, 6);
    (void)b.pull(hdrlen + 6 - 12);
    std::memcpy(b.data(), da, 6);
    std::memcpy(b.data() + 6, sa, 6);
    ++st->rx_packets, st->rx_bytes += softmac::detail::scalar(b.size());  // (two scalar adds)
    ++i.rx_frames;
    ++s.fast_frames;
    s.parked = std::move(b);  // the network side
    return 0;
}
/// The hand-written stack's RX function: the fast one when it keeps the fast paths.
inline int hand_rx_entry(hand_state& s, frame_buffer&& b) {
    return s.fast ? hand_fast_rx(s, std::move(b)) : hand_rx(s, std::move(b));
}
/// The driver's receive in a stack written for that one driver: the frame waits in the driver's
/// slot, and its RX function is called directly (no interrupt line to a layer it does not know).
BENCH_ENTRY void hand_receive(hand_state& s, frame_buffer&& b) {
    s.to_receive = std::move(b);
    if (s.to_receive.valid()) hand_rx_entry(s, std::move(s.to_receive));
}
std::unique_ptr<hand_state> make_hand_state(mode m) {
    auto s = std::make_unique<hand_state>();
    s->fast = m == mode::fast;
    hand_iface& i = s->ifaces[0];
    std::memcpy(i.own, ap_addr.octets.data(), 6);
    std::memcpy(i.bssid, ap_addr.octets.data(), 6);
    i.type = driver::iftype::ap;
    i.up = true;
    i.generation = std::uint64_t{1} << 63 | std::uint64_t{1} << 32;
    i.frag_threshold = i.rts_threshold = 0xffffffffu;
    i.short_retry = 7, i.long_retry = 4;
    auto& st = s->stations[0];
    std::memcpy(st.addr, sta_addr.octets.data(), 6);
    st.used = true;
    st.flags = h_assoc | h_auth | h_wme;
    st.rate_idx = -1;
    st.vif = 0;
    return s;
}
bool same_octets(const frame_buffer& a, const frame_buffer& b) {
    return a.valid() && b.valid() && a.size() == b.size() &&
           std::memcmp(a.data(), b.data(), a.size()) == 0;
}
/// The hand-written paths are only a baseline if they produce softmac's octets: three frames of
/// the benchmark's kind through both, TX or RX, on the paths of mode `m` (the later frames check
/// the sequence numbers, and take the fast paths from the prebuilt header).
bool same_as_softmac(std::size_t payload, bool tx, mode m) {
    heap_pool pool(frame_buffer_size, 2,
                   2);  // first: the hand-written state may still hold one of its blocks
    stack<sink_driver> s(m);
    auto h = make_hand_state(m);
    s.r.driver().record_info = h->record_info = true;
    frame_buffer a = *s.pool.allocate(headroom), b = *pool.allocate(headroom);
    for (std::uint16_t seq = 0; seq < 3; ++seq) {
        frame_buffer* out;
        if (tx) {
            ethernet_frame(a, payload);
            ethernet_frame(b, payload);
            softmac_tx(s.r, s.vif.index, std::move(a), 5);
            if (m == mode::fast)
                hand_fast_tx(*h, h->tx_vif, std::move(b), 5);
            else
                hand_tx(*h, h->tx_vif, std::move(b), 5);
            out = &s.r.driver().sent;
        } else {
            wifi_frame(a, payload, seq);
            wifi_frame(b, payload, seq);
            softmac_receive(s.r.driver(), std::move(a));
            hand_receive(*h, std::move(b));
            out = &s.r.sink().upper().delivered;
        }
        if (!same_octets(*out, h->parked)) return false;
        if (tx) {
            const auto &x = s.r.driver().sent_info, &y = h->parked_info;
            if (x.flags != y.flags || x.hw_queue != y.hw_queue || x.vif_index != y.vif_index ||
                x.rates[0].idx != y.rates[0].idx || x.rates[0].count != y.rates[0].count ||
                x.rates[1].idx != y.rates[1].idx)
                return false;
        }
        a = std::move(*out);
        b = std::move(h->parked);
    }
    // Both took the paths of the mode: the frames after the template's, or none.
    const auto& p = s.r.sink();
    const std::uint64_t fast = tx ? p.fast_tx_frames() : p.fast_rx_frames();
    const std::uint64_t expected = m == mode::fast ? (tx ? 2u : 3u) : 0u;
    return fast == expected && h->fast_frames == expected;
}

template <mode Mode>
void hand_tx_bench(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!same_as_softmac(payload, true, Mode))
        return state.SkipWithError("the hand-written TX does not produce softmac's frame");
    auto s = make_hand_state(Mode);
    heap_pool pool(frame_buffer_size, 2, 2);
    frame_buffer b = *pool.allocate(headroom);
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        ethernet_frame(b, payload);
        if constexpr (Mode == mode::fast)
            hand_fast_tx(*s, s->tx_vif, std::move(b), 5);
        else
            hand_tx(*s, s->tx_vif, std::move(b), 5);
        b = std::move(s->parked);
        benchmark::DoNotOptimize(b.data());
    }
    report(state, before, payload);
}
void BM_handwritten_tx(benchmark::State& s) { hand_tx_bench<mode::full>(s); }
void BM_handwritten_fast_tx(benchmark::State& s) { hand_tx_bench<mode::fast>(s); }
/// Frames into the driver's slot (hand_receive), or (`at_entry`) straight into the RX function,
/// as softmac_rx_entry hands them to the data path.
template <mode Mode, bool at_entry = false>
void hand_rx_bench(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!same_as_softmac(payload, false, Mode))
        return state.SkipWithError("the hand-written RX does not deliver softmac's frame");
    auto s = make_hand_state(Mode);
    heap_pool pool(frame_buffer_size, 2, 2);
    frame_buffer b = *pool.allocate(headroom);
    std::uint16_t seq = 0;
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        wifi_frame(b, payload, seq++);
        if constexpr (at_entry)
            hand_rx_entry(*s, std::move(b));
        else
            hand_receive(*s, std::move(b));
        b = std::move(s->parked);
        benchmark::DoNotOptimize(b.data());
    }
    report(state, before, payload);
}
void BM_handwritten_rx(benchmark::State& s) { hand_rx_bench<mode::full>(s); }
void BM_handwritten_fast_rx(benchmark::State& s) { hand_rx_bench<mode::fast>(s); }
void BM_handwritten_rx_entry(benchmark::State& s) { hand_rx_bench<mode::full, true>(s); }
void BM_handwritten_fast_rx_entry(benchmark::State& s) { hand_rx_bench<mode::fast, true>(s); }

// ---- 4. libtins building and parsing the equivalent frames --------------------------------------
void BM_libtins_tx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    std::vector<std::uint8_t> data(payload, 0x5a);
    const Tins::HWAddress<6> da(sta_addr.to_string()), bssid(ap_addr.to_string()),
        sa(ap_addr.to_string());
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        Tins::Dot11QoSData frame(da, bssid);
        frame.from_ds(1);
        frame.addr3(sa);
        frame.qos_control(5);
        Tins::SNAP snap;
        snap.eth_type(0x88b5);
        auto pdu =
            frame / snap / Tins::RawPDU(data.data(), static_cast<std::uint32_t>(data.size()));
        auto bytes = pdu.serialize();
        benchmark::DoNotOptimize(bytes.data());
    }
    report(state, before, payload);
}
void BM_libtins_rx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    heap_pool pool(frame_buffer_size, 2, 2);
    frame_buffer b = *pool.allocate(headroom);
    wifi_frame(b, payload, 1);
    const std::vector<std::uint8_t> wire(b.view().begin(), b.view().end());
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        Tins::Dot11QoSData frame(wire.data(), static_cast<std::uint32_t>(wire.size()));
        const auto* snap = frame.find_pdu<Tins::SNAP>();
        const auto* raw = frame.find_pdu<Tins::RawPDU>();
        Tins::EthernetII eth(frame.addr3(), frame.addr2());
        eth.payload_type(snap ? snap->eth_type() : 0);
        eth /= Tins::RawPDU(raw->payload());
        auto bytes = eth.serialize();
        benchmark::DoNotOptimize(bytes.data());
    }
    report(state, before, payload);
}

// ---- 5. the floor: copying the payload ----------------------------------------------------------
void BM_memcpy(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    std::vector<std::uint8_t> src(payload, 1), dst(payload);
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), payload);
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    report(state, before, payload);
}

/// The fastest repetition: on a shared machine it is the one least disturbed, so ratios of
/// minima move less between runs than ratios of medians (both are reported).
double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
const bool registered = [] {
    const std::pair<const char*, void (*)(benchmark::State&)> all[] = {
        {"BM_softmac_tx", BM_softmac_tx},
        {"BM_handwritten_fast_tx", BM_handwritten_fast_tx},
        {"BM_softmac_full_tx", BM_softmac_full_tx},
        {"BM_handwritten_tx", BM_handwritten_tx},
        {"BM_any_driver_tx", BM_any_driver_tx},
        {"BM_rt73_tx", BM_rt73_tx},
        {"BM_libtins_tx", BM_libtins_tx},
        {"BM_softmac_rx", BM_softmac_rx},
        {"BM_handwritten_fast_rx", BM_handwritten_fast_rx},
        {"BM_softmac_full_rx", BM_softmac_full_rx},
        {"BM_softmac_rx_entry", BM_softmac_rx_entry},
        {"BM_handwritten_fast_rx_entry", BM_handwritten_fast_rx_entry},
        {"BM_softmac_full_rx_entry", BM_softmac_full_rx_entry},
        {"BM_handwritten_rx_entry", BM_handwritten_rx_entry},
        {"BM_handwritten_rx", BM_handwritten_rx},
        {"BM_any_driver_rx", BM_any_driver_rx},
        {"BM_libtins_rx", BM_libtins_rx},
        {"BM_memcpy", BM_memcpy},
    };
    for (const auto& [name, fn] : all)
        benchmark::RegisterBenchmark(name, fn)->Arg(64)->Arg(1500)->ComputeStatistics("min",
                                                                                      fastest);
    return true;
}();
}  // namespace
