// SPDX-License-Identifier: MIT
/// @file Defines mac::mgmt_rx: registrations for received management frames, the demultiplexing
/// of received management frames to them and to the MLME, and the action return.
#pragma once

#include <algorithm>
#include <cstdint>
#include <new>
#include <utility>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/core/result.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/elements_digest.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/mac/bss_table.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/frame_registry.hpp>
#include <softmac/mac/interface_record.hpp>

namespace softmac::mac {

/// @brief Received management frames (rx.c's ieee80211_rx_h_mgmt and the interface work that
/// takes them, ieee80211_rx_h_action_return; cfg80211's frame registrations): beacons and probe
/// responses update the BSS table; a frame a registration matches goes up as an event; the
/// station or AP MLME takes the rest; an unclaimed unicast action frame goes back to its sender.
///
/// `Context` gives: `records()`, `time()`, `emit(event)`, `emit_frame(vif, freq, signal, owner,
/// frame)` (a received frame as event::frame), `send_mgmt(vif, frame, flags)`, `bss()`,
/// `update_filter()`, `sta_rx(record, header, body)` and `ap_rx(record, header, body)` (the MLME;
/// true when consumed), `beacon_seen(bssid, elements, beacon, digest)` (the elements'
/// elements_digest, which the BSS table takes too) and `prefetch_event(frame)`.
template <class Context>
class mgmt_rx {
  public:
    explicit mgmt_rx(Context ctx) noexcept : ctx_(ctx) {}
    mgmt_rx(const mgmt_rx&) = delete;
    mgmt_rx& operator=(const mgmt_rx&) = delete;

    /// @brief Registers `owner` for received management frames of `frame_type` whose body starts
    /// with `match`; probe-request registrations turn on FIF_PROBE_REQ. An AP's or GO's probe
    /// requests are its MLME's to answer: registering them is refused as taken, as hostapd's own
    /// registration makes cfg80211 refuse another.
    result<void> register_frame(std::uint8_t vif, std::uint16_t frame_type, bytes_view match,
                                std::uint32_t owner) {
        const auto* i = ctx_.records().find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (frame_type == frame_types::probe_req && i->is_ap())
            return make_error(errc::already, "an AP's probe requests are its MLME's");
        if (auto r = registry_.add(vif, frame_type, match, owner); !r) return r;
        ctx_.update_filter();
        return {};
    }
    /// @brief Drops an owner's registrations (its socket closed).
    void unregister_owner(std::uint32_t owner) {
        if (registry_.remove_owner(owner)) ctx_.update_filter();
    }
    /// @brief Drops an interface's registrations (it is going away).
    void remove_vif(std::uint8_t vif) { registry_.remove_vif(vif); }
    /// @brief Whether a registration wants probe requests (the RX filter must pass them).
    bool probe_requests_wanted() const noexcept {
        return registry_.count(frame_types::probe_req) > 0;
    }

    /// @brief A management frame the data path received for interface `vif` (group-addressed
    /// ones go to every interface but monitors).
    void rx(std::uint8_t vif, frame_buffer&& b, const driver::rx_status& rs) {
        const auto h = ieee80211::header_view::parse(b.view());
        if (!h) return;
        if (read_by_bss_table(h->fc())) {
            // The BSS table reads every beacon and probe response: what it reads first is
            // fetched while the body is parsed at once, into a plain local the compiler keeps as
            // it likes.
            ctx_.bss().prefetch(h->addr3());
            const body_type mb = parse_body(*h);
            if (mb) note_bss(*h, *mb, rs);
            deliver(
                vif, *h, [&mb]() -> const body_type& { return mb; }, rs);
        } else {
            // Other frames are parsed only for a reader that needs it (the MLME): a frame a
            // registration takes goes up unparsed.
            lazy_body mb(*h);
            deliver(
                vif, *h, [&mb]() -> const body_type& { return mb.get(); }, rs);
        }
    }

    /// @brief A frame comes soon: for a beacon or probe response, what the BSS table reads
    /// first for its BSSID (bss_table::prefetch); for another management frame, what the event
    /// sink reads for it (`prefetch_event`), as a registration may take it up.
    /// The header is read in place, not through header_view, whose checks the receive makes
    /// (about 4 ns a delivery in scale_bench's stack world).
    SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) noexcept {
        if (f.size() < 24) return;
        const ieee80211::frame_control fc{load_le16(f.data())};
        if (!fc.is_mgmt()) return;
        if (read_by_bss_table(fc))
            ctx_.bss().prefetch(mac_address::from(f.data() + 16));  // Address 3, the BSSID
        else
            ctx_.prefetch_event(f);
    }

  private:
    using body_type = result<ieee80211::mgmt_body>;
    /// Beacons and probe responses (of a management frame's subtypes).
    static bool read_by_bss_table(ieee80211::frame_control fc) noexcept {
        using namespace ieee80211::mgmt_subtype;
        return fc.subtype() == beacon || fc.subtype() == probe_resp;
    }
    /// A frame's body. Protected management frames need the security layer: the MLME leaves
    /// them alone.
    static body_type parse_body(const ieee80211::header_view& h) {
        const ieee80211::frame_control fc = h.fc();
        if (fc.has(ieee80211::frame_control::protected_frame))
            return make_error(errc::unsupported, "protected management frame");
        return ieee80211::parse_mgmt_body(fc, h.body());
    }
    /// A frame's body, parsed by the first reader that asks, in place (a parsed body is not
    /// moved).
    class lazy_body {
      public:
        explicit lazy_body(const ieee80211::header_view& h) noexcept : h_(h) {}
        lazy_body(const lazy_body&) = delete;
        lazy_body& operator=(const lazy_body&) = delete;
        ~lazy_body() {
            if (parsed_) body().~body_type();
        }
        const body_type& get() {
            if (!parsed_) {
                ::new (static_cast<void*>(storage_)) body_type(parse_body(h_));
                parsed_ = true;
            }
            return body();
        }

      private:
        body_type& body() noexcept { return *std::launder(reinterpret_cast<body_type*>(storage_)); }

        ieee80211::header_view h_;
        alignas(body_type) unsigned char storage_[sizeof(body_type)];
        bool parsed_ = false;
    };
    /// The frame to its interface, or a group-addressed one to every interface but monitors;
    /// `body()` gives its parsed body.
    template <class Body>
    void deliver(std::uint8_t vif, const ieee80211::header_view& h, const Body& body,
                 const driver::rx_status& rs) {
        if (h.addr1().is_multicast()) {
            for (auto& i : ctx_.records().used())
                if (i.type() != driver::iftype::monitor) handle(i, h, body, rs);
        } else if (auto* i = ctx_.records().find(vif)) {
            handle(*i, h, body, rs);
        }
    }
    /// A beacon or probe response: the BSS table learns it (ieee80211_bss_info_update).
    void note_bss(const ieee80211::header_view& h, const ieee80211::mgmt_body& mb,
                  const driver::rx_status& rs) {
        const mac_address bssid = h.addr3();
        const bool probe_resp = h.fc().subtype() == ieee80211::mgmt_subtype::probe_resp;
        const bytes_view elements = h.body().subspan(*ieee80211::mgmt_fixed_length(h.fc()));
        const std::uint64_t digest =
            ieee80211::elements_digest::compute(elements);  // for both readers
        ctx_.bss().update(bssid, rs.freq, rs.signal_dbm, mb, elements, probe_resp,
                          ctx_.time().now(), digest);
        ctx_.beacon_seen(bssid, elements, !probe_resp, digest);
    }
    template <class Body>
    void handle(interface_record& i, const ieee80211::header_view& h, const Body& body,
                const driver::rx_status& rs) {
        if (const auto* reg = registry_.find(i.index(), h.fc(), h.body())) {
            ctx_.emit_frame(i.index(), rs.freq, rs.signal_dbm, reg->owner, h.frame());
            return;
        }
        if (const auto& mb = body()) {
            if (i.is_station() && ctx_.sta_rx(i, h, *mb)) return;
            if (i.is_ap() && ctx_.ap_rx(i, h, *mb)) return;
        }
        if (h.fc().subtype() == ieee80211::mgmt_subtype::action) action_return(i, h);
    }
    /// mac80211's ieee80211_rx_h_action_return: a unicast action frame nobody handled goes back
    /// to its sender with the category's top bit set, so that the sender learns it was refused.
    void action_return(interface_record& i, const ieee80211::header_view& h) {
        const bytes_view body = h.body();
        if (i.is_ap() || body.empty()) return;
        const mac_address da = h.addr1();
        if (da.is_multicast() || da != i.addr() || (body[0] & 0x80)) return;
        const bytes_view frame = h.frame();
        byte_vector f(frame.begin(), frame.end());
        ieee80211::header_fields back{h.fc(),   h.duration(), h.addr2(),
                                      i.addr(), h.addr3(),    h.seq()};
        if (h.has_htc()) back.htc = h.htc();
        byte_writer w(bytes_span(f).first(h.length()));
        ieee80211::write_header(w, back);
        f[h.length()] |= 0x80;
        std::uint32_t flags = 0;
        if (i.type() == driver::iftype::p2p_device)
            flags |= driver::tx_flag::no_cck | driver::tx_flag::offchannel;
        (void)ctx_.send_mgmt(i.index(), f, flags);
    }

    Context ctx_;
    frame_registry registry_;
};

}  // namespace softmac::mac
