// SPDX-License-Identifier: MIT
/// @file Defines cfg::config: the config layer of one wiphy (cfg80211 + nl80211's role): typed
/// command handlers over a mac::stack, the flag checks that run before them, interfaces, keys,
/// events, and the netlink front end.
#pragma once

#include <cerrno>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <softmac/cfg/config_layer.hpp>
#include <softmac/cfg/credentials.hpp>
#include <softmac/cfg/messages.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/mac/stack.hpp>

namespace softmac::cfg {

/// @brief The errno nl80211 answers for an error.
constexpr int to_errno(errc e) noexcept {
    switch (e) {
        case errc::permission:
            return EPERM;
        case errc::network_down:
            return ENETDOWN;
        case errc::not_found:
            return ENODEV;
        case errc::busy:
            return EBUSY;
        case errc::already:
            return EALREADY;
        case errc::not_supported:
        case errc::unsupported:
            return EOPNOTSUPP;
        case errc::invalid_state:
            return ENOLINK;
        case errc::exhausted:
        case errc::no_space:
            return ENOBUFS;
        case errc::io:
            return EIO;
        default:
            return EINVAL;
    }
}

/// @brief The message number nl80211 answers a command with.
constexpr std::uint8_t reply_id(std::uint8_t cmd) noexcept {
    switch (cmd) {
        case NL80211_CMD_GET_WIPHY:
            return NL80211_CMD_NEW_WIPHY;
        case NL80211_CMD_GET_INTERFACE:
            return NL80211_CMD_NEW_INTERFACE;
        case NL80211_CMD_GET_SCAN:
            return NL80211_CMD_NEW_SCAN_RESULTS;
        case NL80211_CMD_GET_STATION:
            return NL80211_CMD_NEW_STATION;
        default:
            return cmd;
    }
}

/// @brief The nl80211 generic netlink family id softmac uses.
inline constexpr std::uint16_t family = 0x1c;

/// @brief The netlink front end's answer to one request: an errno and the reply messages.
struct wire_reply {
    int error = 0;
    std::optional<netlink::violation> violation;
    std::vector<mac::byte_vector> messages;
};

/// @brief A config-layer event sink that takes typed events: `sink(to, event)`.
template <class E>
concept typed_event_hook = std::invocable<E&, const wdev_ref&, const mac::event::any&>;
/// @brief A config-layer event sink that takes each event's netlink message: `sink.wire(port,
/// message)`, `port` 0 for the multicast group, otherwise the one listener it is for.
template <class E>
concept wire_event_hook = requires(E& e, std::uint32_t port, bytes_view m) {
    e.wire(port, m);
};
/// @brief Where the config layer's events go: typed, as netlink messages, or both.
template <class E>
concept event_sink = typed_event_hook<E> || wire_event_hook<E>;
/// @brief An event sink that ignores everything.
struct null_events {
    void operator()(const wdev_ref&, const mac::event::any&) const noexcept {}
};

/// @brief What the config layer needs of the MAC below it (mac::stack's management API).
template <class S>
concept mac_layer = requires(S& s, std::uint8_t vif) {
    typename S::time_type;
    s.hw();
    s.scanning();
    s.remove_interface(vif);
    s.stop_ap(vif);
    s.unregister_owner(std::uint32_t{});
};

/// @brief The config layer of one wiphy over a mac::stack. Events go to `Events`: the stack's
/// event sink calls mac_event() (cfg::wiphy wires both).
template <class Stack, class Events = null_events>
class config {
    static_assert(mac_layer<Stack>,
                  "softmac: cfg::config<Stack>: Stack must be a mac::stack (the MAC's management "
                  "API: add_interface, scan, connect, start_ap, ...)");
    static_assert(event_sink<Events>,
                  "softmac: cfg::config events: the sink must be callable with (const "
                  "cfg::wdev_ref&, const mac::event::any&) or provide wire(std::uint32_t port, "
                  "bytes_view message)");

  public:
    /// @brief One interface as the config layer knows it (a wireless_dev).
    struct wireless_dev {
        std::optional<std::uint32_t> ifindex;  ///< none for a P2P device
        std::uint64_t wdev = 0;
        std::string name;
        std::uint8_t vif = 0;
        cfg::iftype type = cfg::iftype::station;
        bool up = false;
    };
    using stack_type = Stack;
    using time_type = typename Stack::time_type;
    using events_type = Events;

    config(Stack& s, std::uint32_t index, std::string name, Events events = {})
        : stack_(s), index_(index), name_(std::move(name)), events_(std::move(events)) {}
    config(const config&) = delete;
    config& operator=(const config&) = delete;

    Stack& stack() noexcept { return stack_; }
    /// @brief The wiphy's time policy (timers of the layers above).
    time_type& time() noexcept { return stack_.time(); }
    Events& events() noexcept { return events_; }
    std::uint32_t index() const noexcept { return index_; }
    /// @brief Counts handler runs (what the flag checks protect).
    std::uint64_t handled() const noexcept { return handled_; }

    /// @brief The interface a reference names, if any.
    const wireless_dev* find(const wdev_ref& r) const noexcept {
        for (const auto& i : ifaces_)
            if ((r.ifindex && i.ifindex == r.ifindex) || (r.wdev && i.wdev == *r.wdev)) return &i;
        return nullptr;
    }
    /// @brief The interface called `name`, if any.
    const wireless_dev* named(std::string_view name) const noexcept {
        for (const auto& i : ifaces_)
            if (i.name == name) return &i;
        return nullptr;
    }
    /// @brief Brings a netdev up or down (rtnetlink's job). Down ends its connection or BSS.
    result<void> set_up(const wdev_ref& r, bool up) {
        auto* i = lookup(r);
        if (!i || !i->ifindex) return make_error(errc::not_found, "no such netdev");
        if (!up && i->up) {
            (void)stack_.disconnect(i->vif, ieee80211::reason::deauth_leaving);
            (void)stack_.stop_ap(i->vif);
        }
        i->up = up;
        return {};
    }

    /// @brief A port for a new socket of the layer above: 0xfffff000, then one lower each time
    /// (softmac's numbering, above any process id).
    std::uint32_t bind() noexcept { return next_port_--; }
    /// @brief A socket closed (NETLINK_URELEASE): its frame registrations on every interface go
    /// (cfg80211_mlme_unregister_socket), and FIF_PROBE_REQ with the last probe-request one.
    void release(std::uint32_t port) { stack_.unregister_owner(port); }

    /// @brief Runs one command: the checks its flags imply, then its handler.
    template <class C>
    auto execute(const C& c, const credentials& who) {
        using R = decltype(this->handle(c, who, static_cast<wireless_dev*>(nullptr)));
        constexpr std::uint32_t flags = C::spec.flags;
        if constexpr ((flags & nl80211::flag::admin) != 0)
            if (!who.privileged())
                return R(make_error(errc::permission, "command needs CAP_NET_ADMIN"));
        if constexpr (requires { c.wiphy; })
            if (c.wiphy && *c.wiphy != index_)
                return R(make_error(errc::not_found, "no such wiphy"));
        wireless_dev* target = nullptr;
        if constexpr (std::is_base_of_v<wdev_ref, C>) {
            constexpr bool need =
                (flags & (nl80211::flag::need_netdev | nl80211::flag::need_wdev)) != 0;
            constexpr bool dump = (flags & nl80211::flag::dump) != 0;
            if (need && (c.ifindex || c.wdev || !dump)) {
                if (!c.ifindex && !c.wdev)
                    return R(make_error(errc::bad_value, "command needs an interface"));
                target = lookup(c);
                if (!target) return R(make_error(errc::not_found, "no such interface"));
                if ((flags & nl80211::flag::need_netdev) && !target->ifindex)
                    return R(make_error(errc::bad_value, "command needs a netdev"));
                if ((flags & nl80211::flag::need_up) && !target->up)
                    return R(make_error(errc::network_down, "interface is down"));
            }
        }
        ++handled_;
        return handle(c, who, target);
    }

    /// @brief The netlink front end: decode, validate against the policy, check flags, run the
    /// handler; the answer is an errno and the reply messages.
    wire_reply dispatch(bytes_view request, const credentials& who) {
        wire_reply out;
        std::optional<netlink::violation> why;
        auto d = nl80211::decode_request(request, &why);
        if (!d) {
            out.error = d.err().code == errc::not_supported ? EOPNOTSUPP : EINVAL;
            out.violation = why;
            return out;
        }
        const bool found = with_command(d->msg.cmd, [&](auto proto) {
            using C = decltype(proto);
            auto c = decode<C>(d->msg.attrs);
            if (!c) {
                out.error = EINVAL;
                return;
            }
            auto r = execute(*c, who);
            if (!r) {
                out.error = to_errno(r.err().code);
                return;
            }
            if constexpr (!std::is_same_v<decltype(r), result<void>>) {
                auto put = [&](const auto& msg) {
                    mac::byte_vector buf(8192);
                    auto m = encode(buf, family, reply_id(C::id), msg, 0, d->msg.seq, who.pid);
                    out.messages.emplace_back(m.begin(), m.end());
                };
                if constexpr (requires { r->begin(); })
                    for (const auto& m : *r) put(m);
                else
                    put(*r);
            }
        });
        if (!found) out.error = EOPNOTSUPP;
        return out;
    }

    /// @brief A received frame that may come up as an event soon: the event sink's part, if it
    /// has one (what it reads to take the frame).
    SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) noexcept {
        if constexpr (requires { events_.prefetch_rx(f); }) events_.prefetch_rx(f);
    }
    /// @brief One event from the MAC below (the stack's event sink calls this): addressed to
    /// its interface and handed to the sink, typed and/or as its netlink message.
    void mac_event(const mac::event::any& e) {
        const std::uint8_t vif = std::visit([](const auto& ev) { return ev.vif; }, e);
        const wireless_dev* i = by_vif(vif);
        wdev_ref to;
        if (i) {
            to.ifindex = i->ifindex;
            to.wdev = i->wdev;
        }
        if constexpr (typed_event_hook<Events>) events_(to, e);
        if constexpr (wire_event_hook<Events>) {
            wire_buf_.resize(max_event_size);
            const auto m = encode_event(wire_buf_, family, index_, to, e);
            const auto* f = std::get_if<mac::event::frame>(&e);
            events_.wire(f ? f->owner : 0, m);
        }
    }

  private:
    /// The largest event message: a received frame (a body of up to ieee80211::max_frame_body
    /// octets) and its attributes.
    static constexpr std::size_t max_event_size = 8192;

    wireless_dev* lookup(const wdev_ref& r) noexcept {
        return const_cast<wireless_dev*>(static_cast<const config*>(this)->find(r));
    }
    wireless_dev* by_vif(std::uint8_t vif) noexcept {
        for (auto& i : ifaces_)
            if (i.vif == vif) return &i;
        return nullptr;
    }
    reply::interface describe(const wireless_dev& i) const {
        reply::interface r;
        r.wiphy = index_;
        r.ifindex = i.ifindex;
        r.wdev = i.wdev;
        r.ifname = i.name;
        r.iftype = i.type;
        if (const auto* s = stack_.interface(i.vif)) r.mac = s->vif.addr;
        if (i.type != iftype::p2p_device) r.freq = stack_.operating_freq();
        return r;
    }

    // ---- handlers: one per command type ------------------------------------------------------
    result<reply::wiphy> handle(const cmd::get_wiphy&, const credentials&, wireless_dev*) {
        reply::wiphy w;
        w.index = index_;
        w.name = name_;
        const auto& hw = stack_.hw();
        w.supported = {hw.supports(iftype::adhoc),   hw.supports(iftype::station),
                       hw.supports(iftype::ap),      hw.supports(iftype::wds),
                       hw.supports(iftype::monitor), hw.supports(iftype::p2p_client),
                       hw.supports(iftype::p2p_go),  hw.supports(iftype::p2p_device)};
        w.max_scan_ssids = hw.max_scan_ssids;
        w.max_scan_ie_len = hw.max_scan_ie_len;
        w.max_roc_ms = stack_.max_remain_on_channel_ms();
        for (std::uint8_t k = 0; k < hw.n_addresses; ++k) w.addresses.push_back(hw.address(k));
        for (std::size_t b = 0; b < hw.n_bands; ++b) {
            const auto& desc = hw.bands[b];
            reply::band band;
            for (auto n : desc.channels)
                if (auto c = ieee80211::make_channel(desc.band, n))
                    band.freqs.push_back({c->freq_mhz});
            (desc.band == ieee80211::band::ghz2_4 ? w.bands.ghz2_4 : w.bands.ghz5) =
                std::move(band);
        }
        return w;
    }
    result<std::vector<reply::interface>> handle(const cmd::get_interface&, const credentials&,
                                                 wireless_dev* i) {
        std::vector<reply::interface> out;
        if (i) {
            out.push_back(describe(*i));
        } else {
            for (const auto& k : ifaces_) out.push_back(describe(k));
        }
        return out;
    }
    result<void> handle(const cmd::set_interface& c, const credentials&, wireless_dev* i) {
        if (i->type == c.iftype) return {};
        if ((c.iftype == iftype::p2p_device) != (i->type == iftype::p2p_device))
            return make_error(errc::not_supported, "a P2P device cannot change to a netdev type");
        auto v = stack_.change_interface(i->vif, c.iftype);
        if (!v) return v.err();
        i->vif = v->index;
        i->type = c.iftype;
        return {};
    }
    result<reply::interface> handle(const cmd::new_interface& c, const credentials&,
                                    wireless_dev*) {
        for (const auto& i : ifaces_)
            if (i.name == c.ifname) return make_error(errc::already, "interface name in use");
        auto v = stack_.add_interface(c.iftype, c.mac);
        if (!v) return v.err();
        wireless_dev i;
        if (c.iftype != iftype::p2p_device) i.ifindex = next_ifindex_++;
        i.wdev = (std::uint64_t{index_} << 32) | ++wdev_count_;
        i.name = c.ifname;
        i.vif = v->index;
        i.type = c.iftype;
        ifaces_.push_back(i);
        return describe(ifaces_.back());
    }
    result<void> handle(const cmd::del_interface&, const credentials&, wireless_dev* i) {
        if (auto r = stack_.remove_interface(i->vif); !r) return r;
        std::erase_if(ifaces_, [&](const wireless_dev& k) { return k.wdev == i->wdev; });
        return {};
    }
    result<void> handle(const cmd::start_p2p_device&, const credentials&, wireless_dev* i) {
        if (i->type != iftype::p2p_device)
            return make_error(errc::not_supported, "not a P2P device");
        if (i->up) return make_error(errc::already, "P2P device already started");
        i->up = true;
        return {};
    }
    result<void> handle(const cmd::stop_p2p_device&, const credentials&, wireless_dev* i) {
        if (i->type != iftype::p2p_device)
            return make_error(errc::not_supported, "not a P2P device");
        if (stack_.scanning()) (void)stack_.abort_scan();
        i->up = false;
        return {};
    }
    result<void> handle(const cmd::trigger_scan& c, const credentials&, wireless_dev* i) {
        return stack_.scan(i->vif, static_cast<const mac::scan_params&>(c));
    }
    /// As nl80211_abort_scan: not_found (ENOENT) when no scan runs.
    result<void> handle(const cmd::abort_scan&, const credentials&, wireless_dev*) {
        return stack_.abort_scan();
    }
    result<std::vector<reply::scan_result>> handle(const cmd::get_scan&, const credentials&,
                                                   wireless_dev* i) {
        std::vector<reply::scan_result> out;
        out.reserve(stack_.bss().size());
        const auto now = stack_.time().now();
        for (const auto& b : stack_.bss().entries()) {
            const auto& heard = stack_.bss().heard(b);
            reply::scan_result r;
            if (i) {
                r.ifindex = i->ifindex;
                r.wdev = i->wdev;
            }
            r.bss = {b.bssid,
                     b.freq,
                     heard.beacon_int,
                     heard.capability,
                     heard.signal_dbm * 100,
                     static_cast<std::uint32_t>(
                         std::chrono::duration_cast<std::chrono::milliseconds>(now - heard.seen)
                             .count()),
                     b.ies,
                     heard.tsf};
            out.push_back(std::move(r));
        }
        return out;
    }
    result<void> handle(const cmd::authenticate& c, const credentials&, wireless_dev* i) {
        return stack_.authenticate(i->vif, c);
    }
    result<void> handle(const cmd::associate& c, const credentials&, wireless_dev* i) {
        return stack_.associate(i->vif, c);
    }
    result<void> handle(const cmd::connect& c, const credentials&, wireless_dev* i) {
        return stack_.connect(i->vif, c);
    }
    result<void> handle(const cmd::disconnect& c, const credentials&, wireless_dev* i) {
        return stack_.disconnect(i->vif, c.reason);
    }
    result<void> handle(const cmd::deauthenticate& c, const credentials&, wireless_dev* i) {
        return stack_.deauthenticate(i->vif, c.peer, c.reason);
    }
    result<void> handle(const cmd::disassociate& c, const credentials&, wireless_dev* i) {
        return stack_.deauthenticate(i->vif, c.peer, c.reason, true);
    }
    result<void> handle(const cmd::start_ap& c, const credentials&, wireless_dev* i) {
        return stack_.start_ap(i->vif, c);
    }
    result<void> handle(const cmd::stop_ap&, const credentials&, wireless_dev* i) {
        return stack_.stop_ap(i->vif);
    }
    result<void> handle(const cmd::set_beacon& c, const credentials&, wireless_dev* i) {
        return stack_.set_beacon(i->vif, c.head, c.tail, c.probe_resp_ies, c.assoc_resp_ies);
    }
    result<void> handle(const cmd::channel_switch& c, const credentials&, wireless_dev* i) {
        return stack_.channel_switch(i->vif, c.freq, c.count, c.block_tx);
    }
    result<void> handle(const cmd::new_station& c, const credentials&, wireless_dev* i) {
        return stack_.add_station(
            i->vif, c.mac, c.aid,
            mac::sta_flag::authenticated | mac::sta_flag::associated | mac::sta_flag::authorized);
    }
    result<void> handle(const cmd::del_station& c, const credentials&, wireless_dev* i) {
        return stack_.del_station(i->vif, c.mac, c.reason);
    }
    result<std::vector<reply::station>> handle(const cmd::get_station& c, const credentials&,
                                               wireless_dev* i) {
        std::vector<reply::station> out;
        stack_.for_each_station(i->vif, [&](const auto& s) {
            if (c.mac && s.addr != *c.mac) return;
            reply::station r;
            r.ifindex = i->ifindex;
            r.wdev = i->wdev;
            r.mac = s.addr;
            r.aid = s.aid;
            const auto& st = s.stats;
            r.info = {static_cast<std::uint32_t>(st.rx_bytes),
                      static_cast<std::uint32_t>(st.tx_bytes),
                      static_cast<std::uint32_t>(st.rx_packets),
                      static_cast<std::uint32_t>(st.tx_packets),
                      static_cast<std::uint32_t>(st.tx_failed),
                      static_cast<std::uint32_t>(st.tx_retries)};
            out.push_back(r);
        });
        if (c.mac && out.empty()) return make_error(errc::not_found, "no such station");
        return out;
    }
    result<reply::cookie> handle(const cmd::remain_on_channel& c, const credentials&,
                                 wireless_dev* i) {
        auto r = stack_.remain_on_channel(i->vif, c.freq, c.duration_ms);
        if (!r) return r.err();
        return reply::cookie{*r};
    }
    result<void> handle(const cmd::cancel_remain_on_channel& c, const credentials&, wireless_dev*) {
        return stack_.cancel_remain_on_channel(c.cookie);
    }
    result<void> handle(const cmd::register_frame& c, const credentials& who, wireless_dev* i) {
        return stack_.register_frame(i->vif, c.frame_type, c.match, who.pid);
    }
    result<reply::cookie> handle(const cmd::mgmt_tx& c, const credentials&, wireless_dev* i) {
        auto r = stack_.mgmt_tx(i->vif, c);
        if (!r) return r.err();
        return reply::cookie{*r};
    }
    result<void> handle(const cmd::frame_wait_cancel& c, const credentials&, wireless_dev*) {
        return stack_.mgmt_tx_cancel_wait(c.cookie);
    }
    result<void> handle(const cmd::set_channel& c, const credentials&, wireless_dev*) {
        return stack_.set_channel(c.freq);
    }
    result<void> handle(const cmd::new_key& c, const credentials&, wireless_dev* i) {
        return stack_.new_key(i->vif, mac::key_params{c.cipher, c.index, c.mac, c.data, c.seq});
    }
    result<void> handle(const cmd::del_key& c, const credentials&, wireless_dev* i) {
        return stack_.del_key(i->vif, c.index, c.mac);
    }
    result<void> handle(const cmd::set_key& c, const credentials&, wireless_dev* i) {
        if (c.mac) return {};  // a pairwise key is the default for its station already
        return stack_.set_default_key(i->vif, c.index);
    }
    result<reply::key> handle(const cmd::get_key& c, const credentials&, wireless_dev* i) {
        if (c.mac) return make_error(errc::not_supported, "pairwise key sequence not reported");
        auto seq = stack_.key_seq(i->vif, c.index);
        if (!seq) return seq.err();
        return reply::key{c.index, mac::byte_vector(seq->begin(), seq->end())};
    }
    result<void> handle(const cmd::set_station& c, const credentials&, wireless_dev* i) {
        constexpr std::uint32_t authorized = 1u << NL80211_STA_FLAG_AUTHORIZED;
        if (c.flags.mask & ~authorized)
            return make_error(errc::not_supported, "only the authorized flag can change");
        if (!(c.flags.mask & authorized)) return {};
        return stack_.set_authorized(i->vif, c.mac, (c.flags.set & authorized) != 0);
    }
    result<void> handle(const cmd::control_port_frame& c, const credentials&, wireless_dev* i) {
        return stack_.tx_control_port(i->vif, c.to, c.ethertype, c.frame);
    }

    Stack& stack_;
    std::uint32_t index_;
    std::string name_;
    std::vector<wireless_dev> ifaces_;
    std::uint32_t next_ifindex_ = 3;
    std::uint32_t next_port_ = 0xfffff000;
    std::uint32_t wdev_count_ = 0;
    std::uint64_t handled_ = 0;
    Events events_;
    mac::byte_vector wire_buf_;  ///< reused for every event's netlink message
};

}  // namespace softmac::cfg
