// SPDX-License-Identifier: MIT
/// @file Defines sim::medium: radios on a shared simulated channel, with airtime, ACKs, seeded loss
/// and delay, and a monitor tap.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/cache_lines.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/pcap.hpp>
#include <softmac/ieee80211/radiotap.hpp>
#include <softmac/ieee80211/rates.hpp>
#include <softmac/sim/detail/absences.hpp>

namespace softmac::sim {

/// @brief The signal a frame is heard at unless its link says otherwise (medium::set_link).
inline constexpr std::int8_t default_signal_dbm = -50;

/// @brief A frame as a receiver hears it.
struct air_frame {
    bytes_view bytes;  ///< the MPDU without FCS
    std::uint16_t freq = 0;
    std::uint16_t bitrate = 10;  ///< 100 kbit/s units
    bool short_preamble = false;
    std::int8_t signal_dbm = default_signal_dbm;
    std::uint64_t start_us = 0;  ///< medium time when the frame began
    std::uint32_t from = 0;      ///< sender's port
};

/// @brief Counters of the medium: `absent` counts the copies a receiver missed because its
/// radio was away (medium::set_absence); they are not in `lost`.
struct medium_stats {
    std::uint64_t transmitted = 0, delivered = 0, lost = 0, acked = 0, absent = 0;
};

/// @brief The air (mac80211_hwsim's and wmediumd's job): a frame reaches every other listening
/// port tuned to the same frequency after its PLCP airtime; a unicast frame is acknowledged when
/// a receiver with that address got it; each link may have its own loss (drawn from a seeded
/// generator), extra delay and signal (the pcap tap writes the default signal).
/// A port can be away on a P2P Notice of Absence schedule (set_absence), or hold its
/// transmissions in one (set_tx_hold); the schedule's TSF is the medium's time in µs.
///
/// The medium keeps, per frequency, the listening ports tuned to it in port order, and among them
/// those without an address filter (updated as ports tune, listen, detach and set their filter),
/// and an index of the ports by the addresses they hold (updated as they set them and detach).
/// A group-addressed frame visits its channel's listeners; a unicast frame, its channel's
/// listeners without a filter merged in port order with the holders of its receiver address that
/// listen there (the only filtered ports that take it); no other port is visited. A port also
/// passes only the frame types its receive filter names (set_frame_filter): one it filters out
/// is acknowledged, when it is for the port, and not handed over. A transmitted
/// frame is copied once into a record shared by its receivers, and the records are used again
/// (no allocation per transmission once enough are in the air). Receivers that hear a frame
/// together get it one after the other, and each one's first line, and its prefetch plan's
/// lines if it has one, are fetched while the ones before it receive.
template <time_policy Time>
class medium {
  public:
    using port_id = std::uint32_t;
    using rx_handler = detail::inplace_function<void(const air_frame&), 24>;  // in the first line
    using status_handler = detail::inplace_function<void(bool acked), 32>;
    /// @brief Told that the frame will reach the port a few deliveries from now.
    using prefetch_handler = detail::inplace_function<void(const air_frame&), 16>;
    /// @brief How a port gets ready for a frame that will reach it: its `lines` (the state its
    /// receive path reads for every frame) are fetched, all at once, 2 × prefetch_ahead
    /// deliveries before its own; `frame` is told of the frame prefetch_ahead deliveries before,
    /// when those lines are in, to fetch what depends on the frame.
    struct prefetch_plan {
        detail::cache_lines<8> lines;
        prefetch_handler frame;
    };
    /// @brief How many deliveries a receiver is told of a frame before its own, so that its
    /// state can arrive while the ones before it receive (a delivery takes longer than a fetch
    /// from the last level of cache, a few more cover the misses the fetches themselves wait on).
    static constexpr std::size_t prefetch_ahead = 3;
    static constexpr std::size_t max_addresses = 8;
    static constexpr duration sifs = std::chrono::microseconds(10);
    static constexpr duration difs = std::chrono::microseconds(28);  ///< SIFS + 2 slots of 9 µs

    explicit medium(Time& time, std::uint64_t seed = 1)
        : time_(time), rng_(seed), pool_(frame_buffer_size, 4096) {}
    medium(const medium&) = delete;
    medium& operator=(const medium&) = delete;
    /// @brief Frames still in flight are cancelled, so their buffers return to this pool.
    ~medium() {
        for (timer_id id : in_flight_) time_.cancel(id);  // their records come back
    }

    Time& time() noexcept { return time_; }
    std::uint64_t now_us() const noexcept {
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(time_.now()).count());
    }
    const medium_stats& stats() const noexcept { return stats_; }
    /// @brief Buffers for the copies radios keep of the frames they hear: the host's memory a
    /// receiving radio copies a frame into, shared by every radio on the medium, as
    /// mac80211_hwsim copies each frame it hands a radio into a buffer of the kernel's
    /// allocator. The buffer last given back is the next one taken, so that when radios hear a
    /// frame one after the other, each copy goes into a buffer still in the cache. Radios
    /// leave the medium before it goes, and give their buffers back then. A radio holds at most
    /// its event ring's frames until it is serviced, and the layers above what they keep: when
    /// every buffer is held, every radio on the medium drops what it hears, as hwsim's copies
    /// fail when the kernel's allocator does.
    heap_pool& rx_buffers() noexcept { return rx_buffers_; }
    /// @brief How many rx_buffers the radios may hold at once.
    static constexpr std::size_t max_rx_buffers = 65536;

    /// @brief A new radio on the medium; it hears nothing until set_listening(true).
    port_id attach(rx_handler h) {
        ports_.push_back({});
        ports_.back().deliver = std::move(h);
        return static_cast<port_id>(ports_.size() - 1);
    }
    /// @brief The radio is gone: frames in flight to it are dropped, and the status of its
    /// own frames is not reported. Its port number is not reused.
    void detach(port_id p) {
        leave_channel(p);
        index_addresses(p, false);
        ports_[p].deliver = {};
        ports_[p].prefetch = {};
        ports_[p].listening = false;
        ports_[p].n_addrs = 0;
        ports_[p].away = {};
        ports_[p].hold = {};
    }
    /// @brief How the port gets ready for frames that will reach it (none by default).
    void set_prefetch(port_id p, prefetch_plan plan) { ports_[p].prefetch = std::move(plan); }
    /// @brief How the port gets ready for frames (what set_prefetch gave it).
    const prefetch_plan& prefetch_plan_of(port_id p) const noexcept { return ports_[p].prefetch; }
    void set_listening(port_id p, bool on) {
        if (on == ports_[p].listening) return;
        leave_channel(p);
        ports_[p].listening = on;
        join_channel(p);
    }
    void tune(port_id p, std::uint16_t freq_mhz) {
        if (freq_mhz == ports_[p].freq) return;
        leave_channel(p);
        ports_[p].freq = freq_mhz;
        join_channel(p);
    }
    std::uint16_t frequency(port_id p) const noexcept { return ports_[p].freq; }
    /// @brief How long what port `p` already put on the air still takes: its transmitter's
    /// queue (a driver that completes frames as it hands them over queues here).
    duration backlog(port_id p) const noexcept {
        const duration left = ports_[p].busy_until - time_.now();
        return left > duration{} ? left : duration{};
    }
    /// @brief The addresses a port acknowledges (its active interfaces).
    void set_addresses(port_id p, std::span<const mac_address> a) {
        auto& s = ports_[p];
        index_addresses(p, false);
        s.n_addrs = static_cast<std::uint8_t>(a.size() < max_addresses ? a.size() : max_addresses);
        for (std::size_t i = 0; i < s.n_addrs; ++i) s.addrs[i] = a[i];
        index_addresses(p, true);
    }
    /// @brief With the filter on, a port receives unicast frames only for its own addresses
    /// (its receive address filter, applied before a copy is made).
    void set_address_filter(port_id p, bool on) {
        if (on == ports_[p].address_filter) return;
        leave_channel(p);
        ports_[p].address_filter = on;
        join_channel(p);
    }
    /// @brief The frames port `p`'s receive filter passes: bit `frame_control::type_subtype()`
    /// of `types` for each (all of them by default; type_bit and type_bits name them). Like the
    /// address filter, it is applied when a frame is sent, before a copy is made, and again when
    /// it arrives (a filter that closed while the frame was on the air applies to it, as hardware
    /// filters what it receives; one that opened does not bring it back); a frame filtered out
    /// is still acknowledged (hardware acknowledges what is addressed to it before its filter
    /// drops it).
    void set_frame_filter(port_id p, std::uint64_t types) noexcept { ports_[p].types = types; }
    /// @brief set_frame_filter's bit for frames of type `t` and subtype `subtype`.
    static constexpr std::uint64_t type_bit(ieee80211::frame_type t,
                                            std::uint8_t subtype) noexcept {
        return std::uint64_t{1} << ieee80211::frame_control::make(t, subtype).type_subtype();
    }
    /// @brief set_frame_filter's bits for every subtype of type `t`.
    static constexpr std::uint64_t type_bits(ieee80211::frame_type t) noexcept {
        return std::uint64_t{0xffff} << (static_cast<unsigned>(t) << 4);
    }
    /// @brief Loss probability, extra delay and signal of frames from `from` to `to` (as
    /// wmediumd sets each link's loss and SNR for mac80211_hwsim radios); each call sets all
    /// three, those left out to their defaults. A frame takes its link as it is when it is sent.
    void set_link(port_id from, port_id to, double loss, duration extra_delay = {},
                  std::int8_t signal_dbm = default_signal_dbm) {
        for (auto& l : links_)
            if (l.from == from && l.to == to) {
                l = {from, to, loss, extra_delay, signal_dbm};
                return;
            }
        links_.push_back({from, to, loss, extra_delay, signal_dbm});
    }
    /// @brief With airtime off a frame arrives the moment it is sent and its sender is free at
    /// once: what is left is the cost of softmac itself (the default is on).
    void set_airtime(bool on) noexcept { airtime_ = on; }
    /// @brief The port's radio is away in the absences of `noa` (a P2P GO's power save): it
    /// neither receives nor acknowledges a frame whose reception (with its ACK, when the frame
    /// is for the port) overlaps an absence, and a frame of its own whose airtime (with the
    /// SIFS and ACK a unicast frame expects) would overlap one starts when the absence is over.
    /// Start times are extended to 64 bits near the time of this call. A notice that announces
    /// no absence clears it.
    void set_absence(port_id p, const ieee80211::p2p::notice_of_absence& noa) noexcept {
        ports_[p].away = absences::schedule::of(noa, now_us());
    }
    /// @brief The port holds its transmissions in the absences of `noa` (a P2P client keeping
    /// quiet while its GO is away): a frame whose airtime, SIFS and ACK would overlap one
    /// starts when that absence is over. Reception is not affected. A notice that announces no
    /// absence clears it.
    void set_tx_hold(port_id p, const ieee80211::p2p::notice_of_absence& noa) noexcept {
        ports_[p].hold = absences::schedule::of(noa, now_us());
    }

    /// @brief Writes every transmitted frame, with radiotap and FCS, to a pcap stream.
    void tap(std::ostream& out) {
        tap_.emplace(out, ieee80211::pcap::linktype::ieee802_11_radiotap);
    }

    /// @brief Puts a frame on the air from port `from`; `on_status(acked)` runs when its
    /// transmission (and ACK, for unicast) is over.
    result<void> transmit(port_id from, bytes_view frame, std::uint16_t bitrate,
                          bool short_preamble, status_handler on_status = {}) {
        const auto r = ieee80211::find_rate(bitrate);
        if (!r) return make_error(errc::bad_value, "not a legacy bitrate");
        if (frame.size() < 10) return make_error(errc::truncated, "frame shorter than a header");
        auto& sender = ports_[from];
        const auto airtime = std::chrono::microseconds(
            airtime_ ? ieee80211::airtime_us(frame.size() + 4, *r, short_preamble) : 0);
        const mac_address ra = mac_address::from(frame.data() + 4);
        // What a unicast frame's exchange takes besides its airtime: SIFS and the ACK.
        const duration ack_time = airtime_ ? sifs + std::chrono::microseconds(ieee80211::airtime_us(
                                                        14, ieee80211::control_response_rate(*r)))
                                           : duration{};
        const duration expected_ack = ra.is_unicast() ? ack_time : duration{};
        // One transmitter sends one frame at a time: a frame starts when the previous one
        // (its ACK and a DIFS included) is over.
        // Deliveries are set at absolute times: in real time the clock moves between two
        // readings, and a delay reckoned from one and applied from the other could let a frame
        // overtake the one before it.
        // A sender that is away, or holds its traffic in its GO's absences, starts after them.
        const time_point start =
            absences::clear_of(sender.away, sender.hold, std::max(time_.now(), sender.busy_until),
                               airtime + expected_ack);
        const auto start_us = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(start).count());
        ++stats_.transmitted;
        if (tap_) write_tap(frame, sender.freq, bitrate, start_us);

        bool acked = false;
        // One copy of the frame per transmission, shared by its receivers: those without an
        // extra link delay hear it in one event at the end of its airtime. The receivers, in
        // port order: the listeners of the sender's frequency for a group address; for a
        // unicast one, those of them without an address filter merged with the holders of the
        // address that listen there (`for_rx`; a holder without a filter is in both).
        std::optional<air_ref> copy;
        std::span<const port_id> listed;
        if (const channel_listeners* ch = channel(sender.freq))
            listed = ra.is_unicast() ? ch->unfiltered : ch->ports;
        const std::uint64_t key = ra.key();
        const unsigned kind = kind_of(frame);
        auto o = ra.is_unicast() ? std::lower_bound(owners_.begin(), owners_.end(), owner{key, 0})
                                 : owners_.end();
        const auto next_holder = [&] {  // no_port after the last
            for (; o != owners_.end() && o->first == key; ++o)
                if (listens(o->second) && ports_[o->second].freq == sender.freq) return o->second;
            return no_port;
        };
        auto u = listed.begin();
        for (port_id h = next_holder(); u != listed.end() || h != no_port;) {
            const bool for_rx = u == listed.end() || h <= *u;
            const port_id p = for_rx ? h : *u;
            if (u != listed.end() && *u == p) ++u;
            if (for_rx) {
                ++o;
                h = next_holder();
            }
            const auto& rx = ports_[p];
#ifndef NDEBUG
            if (!listens(p) || rx.freq != sender.freq) {  // the lists missed a tune or a listen
                std::fputs("softmac: sim::medium lists a port that does not listen there\n",
                           stderr);
                std::abort();
            }
#endif
            if (p == from) continue;  // a listening sender is among them
            if (absences::overlaps(rx.away, start, airtime + (for_rx ? ack_time : duration{}))) {
                ++stats_.absent;
                continue;
            }
            const link l = link_of(from, p);
            if (l.loss > 0 && uniform() < l.loss) {
                ++stats_.lost;
                continue;
            }
            acked = acked || for_rx;
            if (!(rx.types >> kind & 1)) continue;
            if (!copy) {
                auto buf = pool_.allocate(0);
                if (!buf || !buf->append(frame)) {
                    ++stats_.lost;
                    continue;
                }
                copy.emplace(*this, std::move(*buf),
                             air_frame{.bytes = {},
                                       .freq = sender.freq,
                                       .bitrate = bitrate,
                                       .short_preamble = short_preamble,
                                       .start_us = start_us,
                                       .from = from});
            }
            if (l.delay == duration{})
                (*copy)->to.push_back({p, l.signal_dbm});
            else
                track(time_.schedule_at(
                    start + airtime + l.delay,
                    [this, f = *copy, r = receiver{p, l.signal_dbm}] { hand_over(*f, r); }));
        }
        if (copy && !(*copy)->to.empty())
            track(time_.schedule_at(start + airtime,
                                    [this, f = std::move(*copy)] { hand_over_all(*f); }));
        if (acked) ++stats_.acked;
        const duration exchange = airtime + (acked ? ack_time : duration{});
        sender.busy_until = start + exchange + (airtime_ ? difs : duration{});
        if (on_status)
            track(time_.schedule_at(start + exchange,
                                    [this, from, cb = std::move(on_status), acked]() mutable {
                                        if (ports_[from].deliver) cb(acked);
                                    }));
        return {};
    }

  private:
    /// A port a frame is for, and the signal its link gives the frame.
    struct receiver {
        port_id port = 0;
        std::int8_t signal_dbm = default_signal_dbm;
    };
    /// A frame on the air: its one copy and the receivers that hear it together; `refs` counts
    /// the air_refs to it (the deliveries still to come).
    struct on_air {
        frame_buffer buf;
        air_frame af;
        std::vector<receiver> to;
        std::uint32_t refs = 0;
    };
    /// A counted reference to a record on the air; the last one gives the record back to the
    /// medium (its buffer to the pool), to be used again by a later transmission.
    class air_ref {
      public:
        air_ref(medium& m, frame_buffer&& buf, const air_frame& af) : m_(&m), f_(m.take_record()) {
            f_->buf = std::move(buf);
            f_->af = af;
            f_->af.bytes = f_->buf.view();
            f_->refs = 1;
        }
        air_ref(const air_ref& o) noexcept : m_(o.m_), f_(o.f_) { ++f_->refs; }
        air_ref(air_ref&& o) noexcept : m_(o.m_), f_(std::exchange(o.f_, nullptr)) {}
        air_ref& operator=(const air_ref&) = delete;
        air_ref& operator=(air_ref&&) = delete;
        ~air_ref() {
            if (f_ && --f_->refs == 0) m_->give_back(f_);
        }
        on_air& operator*() const noexcept { return *f_; }
        on_air* operator->() const noexcept { return f_; }

      private:
        medium* m_;
        on_air* f_;
    };
    on_air* take_record() {
        if (spare_.empty()) {
            records_.push_back(std::make_unique<on_air>());
            spare_.reserve(records_.size());  // give_back never allocates
            return records_.back().get();
        }
        on_air* f = spare_.back();
        spare_.pop_back();
        return f;
    }
    void give_back(on_air* f) noexcept {
        f->buf = frame_buffer{};  // back to the pool
        f->to.clear();            // its storage stays
        spare_.push_back(f);      // room for every record was reserved when it was made
    }
    /// The listening ports with a handler on each frequency, and those of them without an
    /// address filter, in port order.
    struct channel_listeners {
        std::uint16_t freq = 0;
        std::vector<port_id> ports, unfiltered;
    };
    const channel_listeners* channel(std::uint16_t freq) const noexcept {
        for (const auto& c : channels_)
            if (c.freq == freq) return &c;
        return nullptr;
    }
    static void erase_sorted(std::vector<port_id>& v, port_id p) noexcept {
        const auto at = std::lower_bound(v.begin(), v.end(), p);
        if (at != v.end() && *at == p) v.erase(at);
    }
    static void insert_sorted(std::vector<port_id>& v, port_id p) {
        v.insert(std::lower_bound(v.begin(), v.end(), p), p);
    }
    bool listens(port_id p) const noexcept { return ports_[p].listening && ports_[p].deliver; }
    void leave_channel(port_id p) noexcept {
        if (!listens(p)) return;
        for (auto& c : channels_)
            if (c.freq == ports_[p].freq) {
                erase_sorted(c.ports, p);
                erase_sorted(c.unfiltered, p);
                return;
            }
    }
    void join_channel(port_id p) {
        if (!listens(p)) return;
        const std::uint16_t freq = ports_[p].freq;
        auto c = std::find_if(channels_.begin(), channels_.end(),
                              [&](const channel_listeners& l) { return l.freq == freq; });
        if (c == channels_.end()) c = channels_.insert(c, channel_listeners{freq, {}, {}});
        insert_sorted(c->ports, p);
        if (!ports_[p].address_filter) insert_sorted(c->unfiltered, p);
    }
    /// An entry of the index of holders: an address (its six octets) and a port holding it.
    using owner = std::pair<std::uint64_t, port_id>;
    static constexpr port_id no_port = ~port_id{0};  ///< after every port
    /// Enters the port's addresses in the index of holders, or takes them out (an address the
    /// port holds twice is entered once).
    void index_addresses(port_id p, bool enter) {
        for (std::size_t i = 0; i < ports_[p].n_addrs; ++i) {
            const owner o{ports_[p].addrs[i].key(), p};
            const auto at = std::lower_bound(owners_.begin(), owners_.end(), o);
            const bool there = at != owners_.end() && *at == o;
            if (enter && !there) owners_.insert(at, o);
            if (!enter && there) owners_.erase(at);
        }
    }
    /// Hands a frame to the receivers that hear it together, in order, getting each one ready
    /// by its prefetch plan and its port's first line.
    void hand_over_all(const on_air& f) {
        const std::size_t n = f.to.size();
        for (std::size_t k = 0; k < n; ++k) {
            if (k + 2 * prefetch_ahead < n) {
                const port_state& later = ports_[f.to[k + 2 * prefetch_ahead].port];
                __builtin_prefetch(&later);  // the line its hand_over reads
                later.prefetch.lines.fetch();
            }
            if (k + prefetch_ahead < n) {
                auto& plan = ports_[f.to[k + prefetch_ahead].port].prefetch;
                if (plan.frame) plan.frame(f.af);
            }
            hand_over(f, f.to[k]);
        }
    }
    void hand_over(const on_air& f, receiver r) {
        ++stats_.delivered;
        auto& port = ports_[r.port];
        if (!port.listening || port.freq != f.af.freq || !still_takes(port, f.af.bytes)) return;
        if (r.signal_dbm == f.af.signal_dbm) return port.deliver(f.af);
        air_frame heard = f.af;  // at its link's signal
        heard.signal_dbm = r.signal_dbm;
        port.deliver(heard);
    }
    /// A frame's bit in a port's `types`.
    static unsigned kind_of(bytes_view frame) noexcept {
        return ieee80211::frame_control{load_le16(frame.data())}.type_subtype();
    }
    /// A port's first cache line holds what a frame's transmission reads of each receiver
    /// (whether it is away, the types it takes) and what its delivery reads (listening, frequency,
    /// handler); its prefetch plan, read a few deliveries before, has lines of its own.
    static constexpr std::size_t line = detail::cache_lines<8>::line_size;
    struct alignas(line) port_state {
        rx_handler deliver;
        bool listening = false;
        bool address_filter = false;
        std::uint8_t n_addrs = 0;
        std::uint16_t freq = 2412;
        std::uint64_t types = ~std::uint64_t{0};  ///< bit type_subtype(): the filter passes it
        absences::schedule away;                  // its `active` in the first line
        absences::schedule hold;
        time_point busy_until{};
        std::array<mac_address, max_addresses> addrs{};
        alignas(line) prefetch_plan prefetch;
    };
    /// Whether a port's RX filter, as it is now, takes a frame it took when the frame was sent
    /// (its type, then for a unicast frame its receive address).
    static bool still_takes(const port_state& port, bytes_view frame) noexcept {
        if (!(port.types >> kind_of(frame) & 1)) return false;
        const mac_address ra = mac_address::from(frame.data() + 4);
        if (!port.address_filter || !ra.is_unicast()) return true;
        for (std::size_t i = 0; i < port.n_addrs; ++i)
            if (port.addrs[i] == ra) return true;
        return false;
    }
    struct link {
        port_id from = 0, to = 0;
        double loss = 0;
        duration delay{};
        std::int8_t signal_dbm = default_signal_dbm;
    };
    link link_of(port_id from, port_id to) const noexcept {
        for (const auto& l : links_)
            if (l.from == from && l.to == to) return l;
        return {from, to, 0, {}, default_signal_dbm};
    }
    /// Uniform in [0, 1) from the top 53 bits: the same sequence on every platform.
    double uniform() noexcept { return double(rng_() >> 11) * (1.0 / 9007199254740992.0); }

    void write_tap(bytes_view frame, std::uint16_t freq, std::uint16_t bitrate,
                   std::uint64_t start_us) {
        std::array<std::uint8_t, 32> rt{};
        byte_writer w(rt);
        const auto ch = ieee80211::freq_to_channel(freq);
        const bool ghz5 = ch && ch->band == ieee80211::band::ghz5;
        const bool ofdm = ieee80211::find_rate(bitrate)->is_ofdm();
        ieee80211::radiotap::write(
            w, {start_us, ieee80211::radiotap::flag::fcs_at_end,
                static_cast<std::uint8_t>(bitrate / 5), freq,
                static_cast<std::uint16_t>(
                    (ghz5 ? ieee80211::radiotap::chan::ghz5 : ieee80211::radiotap::chan::ghz2) |
                    (ofdm ? ieee80211::radiotap::chan::ofdm : ieee80211::radiotap::chan::cck)),
                default_signal_dbm});
        std::array<std::uint8_t, 4> fcs{};
        store_le32(fcs.data(), ieee80211::compute_fcs(frame));
        tap_->write(start_us * 1000, w.written(), frame, fcs);
    }

    /// Remembers a scheduled delivery; forgets the ones that already ran, now and then.
    void track(timer_id id) {
        if (in_flight_.size() >= prune_at_) {
            std::erase_if(in_flight_, [this](timer_id t) { return !time_.armed(t); });
            prune_at_ = std::max<std::size_t>(64, in_flight_.size() * 2);
        }
        in_flight_.push_back(id);
    }

    Time& time_;
    std::vector<timer_id> in_flight_;
    std::size_t prune_at_ = 64;
    std::mt19937_64 rng_;
    heap_pool rx_buffers_{frame_buffer_size, max_rx_buffers};
    heap_pool pool_;  ///< the frames on the air: apart, so that what radios hold cannot keep
                      ///< a frame off the air
    std::vector<std::unique_ptr<on_air>> records_;  ///< every record made (after pool_: their
                                                    ///< buffers go back to it first)
    std::vector<on_air*> spare_;                    ///< those not on the air
    std::vector<port_state> ports_;
    std::vector<channel_listeners> channels_;
    std::vector<owner> owners_;  ///< the index of holders, by address, then port
    std::vector<link> links_;
    std::optional<ieee80211::pcap::writer> tap_;
    medium_stats stats_;
    bool airtime_ = true;
};

}  // namespace softmac::sim
