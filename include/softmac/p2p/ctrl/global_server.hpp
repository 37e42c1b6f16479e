// SPDX-License-Identifier: MIT
/// @file Defines ctrl::global_server: the global control socket (wpa_supplicant -g).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <softmac/p2p/ctrl/global.hpp>
#include <softmac/p2p/ctrl/parse.hpp>
#include <softmac/p2p/ctrl/server.hpp>

namespace softmac::p2p::ctrl {

/// @brief Serves a global_interface on one socket path. Its monitors receive every device's
/// events as wpa_supplicant_ctrl_iface_msg_cb sends them to global monitors: the P2P device's
/// P2P-* events as they are, every other event after `IFNAME=<if> `.
template <fd_loop Time>
class global_server {
  public:
    global_server(global_interface& g, Time& t, std::string path, server_options o = {})
        : global_(g), time_(t), path_(std::move(path)), opt_(std::move(o)) {
        if (opt_.group) opt_.access.group = opt_.group;
    }
    global_server(const global_server&) = delete;
    global_server& operator=(const global_server&) = delete;
    ~global_server() {
        if (ep_) time_.unwatch(ep_->fd());
    }

    result<void> open() {
        auto ep = endpoint::open(path_, opt_.group);
        if (!ep) return ep.err();
        ep_.emplace(std::move(*ep));
        time_.watch(ep_->fd(), POLLIN, [this](short) { serve(); });
        return {};
    }
    const std::string& path() const noexcept { return path_; }
    std::size_t monitors() const noexcept { return ep_ ? ep_->monitors() : 0; }

    /// @brief An event of device `device` (its key in the global interface, its interface's
    /// name) for its interface `ifname`: a server_options::forward target.
    void post(std::string_view device, std::string_view ifname, const event_message& m) {
        if (!ep_) return;
        const bool bare = global_event(m, device == global_.p2p_device() && ifname == device);
        ep_->broadcast(info_level, m, bare ? std::string_view{} : ifname);
    }

  private:
    void serve() {
        while (auto d = ep_->receive()) {
            const std::string_view text = d->text;
            if (text == "ATTACH") {
                ep_->attach(*d, opt_.access.allows(*d));
            } else if (text == "DETACH") {
                ep_->detach(*d);
            } else if (text.starts_with("LEVEL")) {
                const auto r = parse(text);
                if (const auto* l = std::get_if<cmd::level>(&r))
                    ep_->set_level(*d, l->value);
                else
                    (void)ep_->reply(*d, replies::fail);
            } else {
                // A request may remove the device that is serving it (INTERFACE_REMOVE,
                // TERMINATE): the reply is the global interface's, built before any of that
                // device's state is needed again.
                (void)ep_->reply(*d, global_.handle(text, opt_.access.allows(*d)));
            }
        }
    }

    global_interface& global_;
    Time& time_;
    std::string path_;
    server_options opt_;
    std::optional<endpoint> ep_;
};

}  // namespace softmac::p2p::ctrl
