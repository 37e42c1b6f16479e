// SPDX-License-Identifier: MIT
/// @file Defines p2p::discovery: find (search scans alternating with listen periods), listen-only,
/// extended listen, answering probe requests, and learning and expiring peers (hostap's p2p.c:
/// p2p_find, p2p_search, p2p_listen, p2p_probe_req_rx, p2p_add_device, p2p_expire_peers).
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/cfg/replies.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/elements_digest.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/detail/channels.hpp>
#include <softmac/p2p/messages.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p {

/// @brief The config-layer commands discovery issues itself (listen periods go through
/// p2p::offchannel).
using discovery_issues =
    issues<cfg::cmd::trigger_scan, cfg::cmd::abort_scan, cfg::cmd::get_scan, cfg::cmd::mgmt_tx>;

/// @brief Device discovery of one P2P device. `Ctx` offers the callbacks of every procedure
/// (dev, now, schedule, cancel, arm, disarm, emit, exec, start_listen, end_listen, listening,
/// listen_pending) and three hooks: peer_listening(addr) into GO negotiation and invitation,
/// join_scan_done() and continue_find() (the peers' turns after a search scan) into the engine.
template <class Ctx>
class discovery {
  public:
    explicit discovery(Ctx ctx) : ctx_(ctx) {}

    /// @brief How the search scans' results and the probe requests heard were taken.
    struct counters {
        std::uint64_t read = 0;     ///< parsed and learned (p2p_add_device)
        std::uint64_t sighted = 0;  ///< heard again unchanged: taken as a sighting only
        /// Probe requests read (those with a P2P element, the others being ignored), and
        /// those of a known peer with its last kept request's elements, whose facts were that
        /// request's (peer::request).
        std::uint64_t requests_read = 0, requests_known = 0;
    };
    const counters& stats() const noexcept { return counters_; }

    /// @brief Starts a find: a first scan (full or social), then listen and social scans in turn.
    result<void> find(const find_params& p) {
        auto& d = ctx_.dev();
        if (d.set.disabled) return make_error(errc::invalid_state, "P2P is disabled");
        if (d.negotiating()) return make_error(errc::busy, "a negotiation is running");
        ctx_.end_listen();
        abort_search_scan();  // a new find starts with its own first scan
        cancel_find_timer();
        find_ = p;
        d.peers.unreport_all();
        find_start_ = ctx_.now();
        progressive_next_ = 0;
        first_scan_ = true;
        d.current = state::search;
        if (p.timeout_s) stop_after(p.timeout_s);
        search();
        return {};
    }
    /// @brief Ends find or listen-only; FIND-STOPPED when a find was running. A search scan
    /// still running is aborted and its results are not used (wpas_p2p_stop_find_oper), so
    /// that the next find starts with its own full scan at once.
    void stop_find() {
        auto& d = ctx_.dev();
        const bool was = d.current == state::search || d.current == state::sd_during_find;
        cancel_find_timer();
        if (was || d.current == state::listen_only) d.current = state::idle;
        if (!d.negotiating()) ctx_.disarm();
        abort_search_scan();
        ctx_.end_listen();
        if (was) ctx_.emit(event::find_stopped{});
    }
    /// @brief Listen-only: stay discoverable on the listen channel for `timeout_s` (0: forever).
    result<void> listen(std::uint32_t timeout_s) {
        if (ctx_.dev().negotiating()) return make_error(errc::busy, "a negotiation is running");
        stop_find();
        ctx_.dev().current = state::listen_only;
        if (timeout_s) stop_after(timeout_s);
        ctx_.start_listen(listen_only_ms());
        return {};
    }
    /// @brief Extended listen timing: `period_ms` of listen every `interval_ms` while idle
    /// (0, 0 turns it off).
    result<void> ext_listen(std::uint32_t period_ms, std::uint32_t interval_ms) {
        if (period_ms == 0 && interval_ms == 0) {
            ctx_.cancel(std::exchange(ext_timer_, 0));
            ctx_.dev().ext_listen = {};
            return {};
        }
        if (period_ms == 0 || interval_ms < period_ms || interval_ms > 65535)
            return make_error(errc::bad_value, "extended listen period must fit its interval");
        ctx_.cancel(std::exchange(ext_timer_, 0));
        ctx_.dev().ext_listen = {static_cast<std::uint16_t>(period_ms),
                                 static_cast<std::uint16_t>(interval_ms)};
        ext_tick();
        return {};
    }
    /// @brief Forgets every peer; P2P-DEVICE-LOST for those ever reported.
    void forget_peers() {
        ctx_.dev().peers.clear([&](const peer& p) {
            if (p.ever_reported) ctx_.emit(event::device_lost{p.info.dev_addr});
        });
    }
    /// @brief Removes peers not seen for the table's expiry, except `keep` (a negotiation's).
    void expire(const mac_address& keep) {
        ctx_.dev().peers.expire(ctx_.now(), keep, [&](const peer& p) {
            if (p.ever_reported) ctx_.emit(event::device_lost{p.info.dev_addr});
        });
    }
    void cancel_timers() {
        cancel_find_timer();
        ctx_.cancel(std::exchange(ext_timer_, 0));
    }

    /// @brief A join scan (wpas_p2p_join_scan_req): every channel of the radio, or `freq`, for
    /// the P2P wildcard SSID, its results learnt as a search's (a GO found is reported), then
    /// the context's join_scan_done(). False when the radio refused it.
    bool join_scan(std::uint16_t freq) {
        auto& d = ctx_.dev();
        std::vector<std::uint16_t> freqs;
        if (freq) freqs.push_back(freq);
        if (!freq) freqs = d.channels;
        if (!trigger(std::move(freqs), find_params{})) return false;
        join_scan_ = true;
        return true;
    }
    /// @brief A listen period ended while searching or listening only.
    void listen_ended() {
        auto& d = ctx_.dev();
        if (d.current == state::search) {
            if (find_.delay_ms)
                ctx_.arm(std::chrono::milliseconds(find_.delay_ms), [this] {
                    if (ctx_.dev().current == state::search) search();
                });
            else
                search();
        } else if (d.current == state::listen_only) {
            ctx_.start_listen(listen_only_ms());
        }
    }
    /// @brief The search scan ended: learn from its results, then listen.
    void on_scan_done(bool aborted) {
        // The end of a scan stop_find() aborted may come after the next find's scan started:
        // it is not that scan's end.
        if (aborted && !scanning_) return;
        if (!std::exchange(scanning_, false)) return;  // not a search scan
        read_scan_results();
        if (std::exchange(join_scan_, false)) ctx_.join_scan_done();
        if (ctx_.dev().current == state::search) ctx_.continue_find();
    }
    /// @brief The find's listen period, after its scan and its peers' turns
    /// (p2p_listen_in_find).
    void listen_in_find() { ctx_.start_listen(ctx_.dev().random_listen_ms()); }
    /// @brief The peer `dev`, made when unknown: a full table's least recently seen peer makes
    /// room, reported lost when it was reported found (p2p_create_device). Finding a peer is not
    /// a sighting.
    peer& entry(const mac_address& dev) {
        std::optional<peer> evicted;
        auto& p = ctx_.dev().peers.touch(dev, ctx_.now(), &evicted);
        if (evicted && evicted->ever_reported)
            ctx_.emit(event::device_lost{evicted->info.dev_addr});
        return p;
    }
    /// @brief Records what a frame says about a peer; reports it when due. Client
    /// discoverability is read only from a Group Info (`group_info`): the bit is reserved in the
    /// peer's own frames (p2p_add_device keeps it).
    peer& learn(peer_info info, const mac_address& src, bool probe_req_only,
                bool group_info = false) {
        auto& p = entry(info.dev_addr);
        const bool renamed = p.reported && !info.name.empty() && info.name != p.info.name;
        if (!probe_req_only || p.probe_req_only) {
            // A WPS string or type list the frame lacks keeps its last value (as
            // p2p_copy_wps_info copies only what a frame carries).
            for (auto t : {&peer_info::manufacturer, &peer_info::model_name,
                           &peer_info::model_number, &peer_info::serial_number})
                if ((info.*t).empty()) info.*t = std::move(p.info.*t);
            if (info.secondary_types.empty())
                info.secondary_types = std::move(p.info.secondary_types);
            info.dev_addr = p.info.dev_addr;
            info.addr = src;
            if (!group_info) keep_client_discoverability(info, p.info);
            p.info = std::move(info);
            p.scan_ies = {};
        }
        if (renamed) p.reported = false;
        sighted(p, probe_req_only);
        return p;
    }

    /// @brief A frame comes soon: for a probe request, the peer index's line where its sender
    /// is looked up first (rx_probe_req).
    SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) noexcept {
        if (f.size() >= 24 && ieee80211::frame_control{load_le16(f.data())}.subtype() ==
                                  ieee80211::mgmt_subtype::probe_req)
            ctx_.dev().peers.prefetch(mac_address::from(f.data() + 10));  // Address 2
    }
    /// @brief A probe request (p2p_probe_req_rx): a device discovery request (the P2P wildcard
    /// SSID) is a sighting of its sender; while listening, answer one that asks for this device;
    /// then, unless reply_probe refused the request, a peer we negotiate with or invite is taken
    /// to listen now.
    void rx_probe_req(const mac::event::frame& f) {
        const auto h = ieee80211::header_view::parse(f.bytes);
        if (!h) return;
        const bytes_view elements = bytes_view(f.bytes).subspan(h->length());
        // A known peer's request with the elements of its last one says what that one said: a
        // device searching sends the same request on a channel in each of its scans, and a
        // listening device hears it on its one channel (as the MAC does not read a beacon whose
        // elements did not change). The digest is taken of a known peer's requests, and of a
        // new peer's first. The facts are used where they are, not copied: a peer is neither
        // made nor removed while they are in use but from a reading.
        peer* const known = ctx_.dev().peers.find(h->addr2());
        const std::uint64_t digest = known ? ieee80211::elements_digest::compute_all(elements) : 0;
        if (known && known->request && known->request_digest == digest) {
            ++counters_.requests_known;
            return act_on_request(f, *h, known, nullptr, digest);
        }
        // Only a reading holds a request's facts of its own (GCC clears the whole of one that
        // is declared, even where it stays empty).
        auto read = read_probe_request(elements);
        if (!read) return;
        ++counters_.requests_read;
        act_on_request(f, *h, known, &*read, digest);
    }

  private:
    /// @brief rx_probe_req's work on a request's facts: `*read` when the request was read (a new
    /// peer's, or one that changed), else `known`'s kept ones. `digest` is its elements' when
    /// `known`.
    void act_on_request(const mac::event::frame& f, const ieee80211::header_view& h, peer* known,
                        probe_request_facts* read, std::uint64_t digest) {
        const request_facts& p = read ? *read : *known->request;
        const mac_address da = h.addr1(), sa = h.addr2(), bssid = h.addr3();
        if (p.wildcard) {
            // Its sender is a P2P Device Address, not an interface's: a sighting of the known
            // peer of that address, or a new probe-request-only one, which takes what a Device
            // Info tells but not its address (p2p_create_device); either learns the listen
            // channel the request tells, and the country of its attribute when none is known
            // (p2p_add_dev_from_probe_req). A new peer's request was read: it has no kept one.
            peer* e = known;
            if (!e && read && read->device) {
                peer_info info = std::move(*read->device);
                info.dev_addr = sa;
                e = &learn(std::move(info), sa, true);  // a sighting
            } else {
                if (!e) e = &entry(sa);
                ctx_.dev().peers.seen(*e, ctx_.now());
            }
            if (p.listen) {
                if (const auto freq = freq_of(p.listen); freq && freq != e->listen_freq) {
                    e->listen_freq = freq;
                    e->scan_ies = {};
                }
                if (e->country[0] == 0) std::copy_n(p.listen->country, 2, e->country.begin());
            }
            // A device's discovery requests are kept; a request for another SSID may come from
            // its interface address, and is not.
            if (read) {
                e->request = p;
                e->request_digest = known ? digest
                                          : ieee80211::elements_digest::compute_all(
                                                bytes_view(f.bytes).subspan(h.length()));
            }
        }
        if (reply_probe(p, da, bssid, sa, f.freq)) ctx_.peer_listening(sa);
    }

    /// @brief A sighting of `p`, reported when due: what learning a frame does besides taking
    /// what it says.
    void sighted(peer& p, bool probe_req_only) {
        ctx_.dev().peers.seen(p, ctx_.now());
        if (!probe_req_only) p.probe_req_only = p.group_client_only = false;
        if (!p.probe_req_only && !p.reported && !p.rejected) {
            ctx_.emit(event::device_found{p.info, !p.ever_reported});
            p.reported = p.ever_reported = true;
        }
    }
    /// p2p_reply_probe: answers a device discovery request for this device while listening.
    /// False for a request it takes as no P2P device's (802.11b rates only) or that came outside
    /// a listen period, whose sender's listening is not acted on either. A P2PS seeker's request
    /// (a Service Hash) is acted on outside a listen period too, but not while one is asked for on
    /// another channel; it is never answered, as this device advertises no service.
    bool reply_probe(const request_facts& p, const mac_address& da, const mac_address& bssid,
                     const mac_address& sa, std::uint16_t rx_freq) {
        auto& d = ctx_.dev();
        if (!(da.is_broadcast() || da == d.addr) || !bssid.is_broadcast() || !p.wildcard)
            return true;
        if (p.only_11b) return false;
        if (p.service_hash) {
            const std::uint16_t pending = ctx_.pending_listen_freq();  // 0 while listening
            return !pending || pending == rx_freq;
        }
        if (!ctx_.listening()) return false;
        if (p.device_id && *p.device_id != d.addr) return true;
        // p2p_match_dev_type: none requested, or one the primary or a secondary type answers.
        const auto& r = p.requested;
        if (r.count && !r.answered_by(d.set.primary_type) &&
            std::none_of(d.set.secondary_types.begin(), d.set.secondary_types.end(),
                         [&](const auto& t) { return r.answered_by(t); }))
            return true;
        // One command, kept with its frame's storage: the response is the kept one with this
        // request's sender as its destination.
        probe_tx_.wdev = d.wdev.wdev;
        probe_resp_.fill(probe_tx_.frame, detail::local_of(d), sa);
        probe_tx_.freq = detail::freq_of_channel(d.listen_ch);
        probe_tx_.no_cck = true;
        probe_tx_.dont_wait_for_ack = true;
        (void)ctx_.exec(probe_tx_);
        return true;
    }
    /// `to` takes `from`'s client discoverability bit.
    static void keep_client_discoverability(peer_info& to, const peer_info& from) noexcept {
        constexpr std::uint8_t cd = ieee80211::p2p::dev_capab::client_discoverability;
        to.dev_capab = static_cast<std::uint8_t>((to.dev_capab & ~cd) | (from.dev_capab & cd));
    }
    std::uint32_t listen_only_ms() const noexcept {
        return std::min(ctx_.dev().wiphy.max_roc_ms, limits::listen_only_ms);
    }
    void cancel_find_timer() { ctx_.cancel(std::exchange(find_timer_, 0)); }
    void abort_search_scan() {
        join_scan_ = false;
        if (!std::exchange(scanning_, false)) return;
        cfg::cmd::abort_scan a;
        a.wdev = ctx_.dev().wdev.wdev;
        (void)ctx_.exec(a);
    }
    void stop_after(std::uint32_t seconds) {
        find_timer_ = ctx_.schedule(std::chrono::seconds(seconds), [this] {
            find_timer_ = 0;
            stop_find();
        });
    }
    /// One search scan: every channel of the radio first (unless the find is social-only), then
    /// the social channels, the find's channel and, progressively, one more channel each time.
    void search() {
        auto& d = ctx_.dev();
        ctx_.end_listen();  // p2p_search stops listening first: no probe request is reported
        std::vector<std::uint16_t> freqs;
        const bool full = first_scan_ && find_.type != find_type::social;
        if (full) {
            if (find_.freq) {
                freqs.push_back(find_.freq);
            } else {
                freqs = d.channels;
            }
        } else {
            for (std::uint8_t ch : ieee80211::social_channels)
                if (d.has_channel(ch)) freqs.push_back(detail::freq_of_channel(ch));
            if (find_.freq && !std::count(freqs.begin(), freqs.end(), find_.freq))
                freqs.push_back(find_.freq);
            if (find_.type == find_type::progressive) {
                for (std::size_t k = 0; k < d.channels.size(); ++k) {
                    const auto f = d.channels[(progressive_next_ + k) % d.channels.size()];
                    if (detail::is_social(detail::channel_number(f))) continue;
                    freqs.push_back(f);
                    progressive_next_ = (progressive_next_ + k + 1) % d.channels.size();
                    break;
                }
            }
        }
        if (trigger(std::move(freqs), find_)) {
            first_scan_ = false;  // a scan refused (the radio busy) is tried again in full
        } else {
            ctx_.arm(limits::scan_retry, [this] {
                if (ctx_.dev().current == state::search) search();
            });
        }
    }
    /// A scan of `freqs` for the P2P wildcard SSID with the probe request `f` asks for.
    bool trigger(std::vector<std::uint16_t> freqs, const find_params& f) {
        auto& d = ctx_.dev();
        scan_start_ = ctx_.now();
        cfg::cmd::trigger_scan t;
        t.wdev = d.wdev.wdev;
        t.freqs = std::move(freqs);
        t.ssids = {std::string(ieee80211::p2p::wildcard_ssid)};
        t.ies = detail::probe_request_ies(detail::local_of(d), f);
        t.no_cck = true;
        if (!ctx_.exec(t)) return false;
        scanning_ = true;
        return true;
    }
    void read_scan_results() {
        auto& d = ctx_.dev();
        cfg::cmd::get_scan g;
        g.wdev = d.wdev.wdev;
        auto results = ctx_.exec(g);
        if (!results) return;
        // Only what this scan heard: older entries were handled by earlier scans.
        const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
                               ctx_.now() - std::max(find_start_, scan_start_))
                               .count();
        const auto& filter = d.set.peer_filter;
        for (const auto& r : *results) {
            if (static_cast<std::int64_t>(r.bss.seen_ms_ago) > since) continue;
            // The result a device's info and listen channel were last read from, its elements
            // the very octets the peer holds (unchanged since), heard again from its address on
            // the same channel, says nothing new: reading it would write the same values (as
            // mac80211 skips a beacon whose elements' CRC is unchanged).
            if (peer* known = d.peers.find(r.bss.bssid);
                known && !r.bss.ies.empty() && known->scan_ies.data() == r.bss.ies.data() &&
                known->scan_freq == r.bss.freq) {
                if (filter != mac_address{} && known->info.dev_addr != filter) continue;
                ++counters_.sighted;
                sighted(*known, false);
                known->level_dbm = r.bss.signal_mbm / 100;
                continue;
            }
            auto p = parse_elements(r.bss.ies);
            if (!p || !p->has_p2p || !p->device) continue;
            if (filter != mac_address{} && p->device->dev_addr != filter) continue;
            ++counters_.read;
            const bool go =
                p->capab && (p->capab->group & ieee80211::p2p::group_capab::group_owner);
            const mac_address dev = p->device->dev_addr;
            auto& peer = learn(std::move(*p->device), r.bss.bssid, false);
            // As p2p_add_device: the device listens where its result was heard, which on
            // 2.4 GHz is its DS Parameter Set's channel (the result's frequency already is, as
            // cfg80211_get_bss_channel takes it); a GO's is its operating channel.
            peer.listen_freq = static_cast<std::uint16_t>(r.bss.freq);
            peer.level_dbm = r.bss.signal_mbm / 100;
            if (p->ext_listen) peer.ext_listen = *p->ext_listen;
            if (!go) {  // a GO's result lists its clients, each seen with it: it is always read
                peer.scan_ies = r.bss.ies;
                peer.scan_freq = static_cast<std::uint16_t>(r.bss.freq);
            } else {
                peer.oper_freq = static_cast<std::uint16_t>(r.bss.freq);
                peer.intended_iface = r.bss.bssid;
                if (const auto elems = ieee80211::element_range::parse(r.bss.ies))
                    for (auto e : *elems)
                        if (e.id == ieee80211::eid::ssid)
                            peer.go_ssid = std::string(ieee80211::ssid_of(e));
                add_group_clients(dev, r.bss.bssid, static_cast<std::uint16_t>(r.bss.freq),
                                  p->group_clients);
            }
        }
    }
    /// The clients a GO's Group Info lists become peers, reachable through it
    /// (p2p_add_group_clients): new ones are reported, as is one heard only in its probe
    /// requests (which hostap leaves unreported); ones known from their own frames keep what
    /// those said.
    void add_group_clients(const mac_address& go_dev, const mac_address& go_iface,
                           std::uint16_t freq,
                           const std::vector<std::pair<peer_info, mac_address>>& clients) {
        auto& d = ctx_.dev();
        for (const auto& known : d.peers.all())
            if (known.member_in_go_iface == go_iface)
                if (auto* k = d.peers.find(known.info.dev_addr))
                    k->member_in_go_dev = k->member_in_go_iface = mac_address{};
        for (const auto& [info, iface] : clients) {
            if (info.dev_addr == d.addr) continue;  // our own entry
            // Known only from a Group Info or its probe requests: the descriptor describes it
            // (and reports it, once, as its own frames would).
            peer* p = d.peers.find(info.dev_addr);
            if (!p || p->group_client_only || p->probe_req_only) {
                p = &learn(info, info.dev_addr, false, true);
                p->group_client_only = true;
            } else {
                keep_client_discoverability(p->info, info);  // only that bit is news
            }
            // It operates where its GO does (device discoverability reaches it there).
            p->oper_freq = freq;
            d.peers.seen(*p, ctx_.now());
            p->member_in_go_dev = go_dev;
            p->member_in_go_iface = go_iface;
        }
    }
    void ext_tick() {
        const auto t = ctx_.dev().ext_listen;
        ext_timer_ = ctx_.schedule(std::chrono::milliseconds(t.interval_ms), [this, t] {
            ext_timer_ = 0;
            if (ctx_.dev().current == state::idle && !ctx_.listen_pending())
                ctx_.start_listen(t.period_ms);
            ext_tick();
        });
    }

    Ctx ctx_;
    find_params find_;
    time_point find_start_{}, scan_start_{};
    bool first_scan_ = true;
    bool scanning_ = false;   ///< a search (or join) scan of ours runs
    bool join_scan_ = false;  ///< the scan running is a join scan
    std::size_t progressive_next_ = 0;
    timer_id find_timer_ = 0, ext_timer_ = 0;
    detail::probe_response_cache probe_resp_;
    cfg::cmd::mgmt_tx probe_tx_;  ///< the probe response's command, its frame storage reused
    counters counters_;
};

}  // namespace softmac::p2p
