// SPDX-License-Identifier: MIT
/// @file Defines ctrl::server: a P2P device's control sockets in the poll loop of real_time.
#pragma once

#include <algorithm>
#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/p2p/ctrl/interface.hpp>
#include <softmac/p2p/ctrl/parse.hpp>
#include <softmac/p2p/ctrl/socket.hpp>

namespace softmac::p2p::ctrl {

/// @brief A time policy with a descriptor loop (real_time).
template <class T>
concept fd_loop = time_policy<T> && requires(T& t, int fd) {
    t.watch(fd, short{}, typename T::fd_callback{});
    t.unwatch(fd);
};

/// @brief What a server needs of the interface it serves (ctrl::interface): its names, the
/// reply to a request, and an output for its events (with and without their secrets).
template <class I>
concept served_interface = requires(I& i, std::string_view name, std::string_view text) {
    { i.names() } -> std::same_as<std::vector<std::string>>;
    { i.handle(name, text, true) } -> std::same_as<std::string>;
    i.on_output([](std::string_view, const event_message&) {});
    i.on_output(nullptr);
};

struct server_options {
    std::string dir = "/var/run/wpa_supplicant";
    std::optional<std::uint32_t> group;  ///< `GROUP=`: the directory's and sockets' group
    access_policy access;
    /// Also receives each event with the interface it is for (the global socket's share): every
    /// one but the copies the device's monitors get without the global socket (wpa_msg_no_global).
    std::function<void(std::string_view ifname, const event_message&)> forward;
};

/// @brief Serves one ctrl::interface on `<dir>/<ifname>` for each of its interface names, and
/// follows group interfaces as they come and go. Events go to the monitors of the interface
/// they belong to; the device's events reach both `<if>` and `p2p-dev-<if>`.
template <served_interface Interface, fd_loop Time>
class server {
  public:
    server(Interface& i, Time& t, server_options o) : iface_(i), time_(t), opt_(std::move(o)) {
        if (opt_.group) opt_.access.group = opt_.group;
        iface_.on_output([this](std::string_view to, const event_message& m) { post(to, m); });
    }
    server(const server&) = delete;
    server& operator=(const server&) = delete;
    ~server() {
        iface_.on_output(nullptr);
        if (sync_timer_) time_.cancel(sync_timer_);
        for (auto& s : sockets_) time_.unwatch(s->ep.fd());
    }

    /// @brief Creates the directory and binds every current interface.
    result<void> open() {
        if (auto r = make_directory(opt_.dir, opt_.group); !r) return r;
        return sync();
    }
    /// @brief Socket paths now bound.
    std::vector<std::string> paths() const {
        std::vector<std::string> p;
        for (const auto& s : sockets_) p.push_back(s->ep.path());
        return p;
    }
    std::size_t requests() const noexcept { return requests_; }
    /// @brief Monitors attached to all of this device's sockets.
    std::size_t monitors() const noexcept {
        std::size_t n = 0;
        for (const auto& s : sockets_) n += s->ep.monitors();
        return n;
    }

  private:
    struct bound {
        std::string name;
        endpoint ep;
    };

    result<void> sync() {
        const auto names = iface_.names();
        for (auto it = sockets_.begin(); it != sockets_.end();) {
            if (std::find(names.begin(), names.end(), (*it)->name) == names.end()) {
                time_.unwatch((*it)->ep.fd());
                it = sockets_.erase(it);
            } else {
                ++it;
            }
        }
        return bind_new();
    }
    /// Binds the interfaces that have no socket yet. Safe inside a request or an event: no
    /// socket goes away.
    result<void> bind_new() {
        const auto names = iface_.names();
        for (const auto& n : names) {
            if (std::any_of(sockets_.begin(), sockets_.end(),
                            [&](const auto& s) { return s->name == n; }))
                continue;
            auto ep = endpoint::open(opt_.dir + "/" + n, opt_.group);
            if (!ep) return ep.err();
            sockets_.push_back(std::make_unique<bound>(bound{n, std::move(*ep)}));
            bound* b = sockets_.back().get();
            time_.watch(b->ep.fd(), POLLIN, [this, b](short) { serve(*b); });
        }
        return {};
    }
    /// Interfaces appear and disappear inside requests and events; sockets follow afterwards.
    void schedule_sync() {
        if (sync_timer_) return;
        sync_timer_ = time_.schedule_in(duration{}, [this] {
            sync_timer_ = 0;
            (void)sync();
        });
    }
    void serve(bound& b) {
        while (auto d = b.ep.receive()) {
            ++requests_;
            const auto [target, text] = split_ifname(d->text);
            if (text == "ATTACH") {
                // Whether this monitor gets events' secrets is settled now, by the same
                // verdict as P2P_GET_PASSPHRASE's, from the credentials ATTACH came with.
                b.ep.attach(*d, opt_.access.allows(*d));
            } else if (text == "DETACH") {
                b.ep.detach(*d);
            } else if (text.starts_with("LEVEL")) {
                const auto r = parse(text);
                if (const auto* l = std::get_if<cmd::level>(&r))
                    b.ep.set_level(*d, l->value);
                else
                    (void)b.ep.reply(*d, replies::fail);
            } else {
                (void)b.ep.reply(*d, iface_.handle(b.name, d->text, opt_.access.allows(*d)));
            }
        }
        schedule_sync();
    }
    void post(std::string_view to, const event_message& m) {
        // A new group interface's socket exists before any event about the group goes out
        // (a control application opens it on P2P-GROUP-STARTED); sockets of interfaces that
        // are gone close afterwards, outside the request that may be using one.
        (void)bind_new();
        const bool device = iface_.is_device(to);
        for (auto& s : sockets_)
            if (s->name == to || (device && iface_.is_device(s->name)))
                s->ep.broadcast(info_level, m);
        if (opt_.forward && m.global) opt_.forward(to, m);
        schedule_sync();
    }

    Interface& iface_;
    Time& time_;
    server_options opt_;
    std::vector<std::unique_ptr<bound>> sockets_;
    timer_id sync_timer_ = 0;
    std::size_t requests_ = 0;
};

}  // namespace softmac::p2p::ctrl
