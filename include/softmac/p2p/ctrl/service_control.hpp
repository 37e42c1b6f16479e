// SPDX-License-Identifier: MIT
/// @file Defines ctrl::service_control: the service discovery control commands over the engine
/// (wpa_supplicant's p2p_ctrl_serv_disc_* and p2p_ctrl_service_*).
#pragma once

#include <cinttypes>
#include <cstdio>
#include <string>

#include <softmac/p2p/ctrl/command.hpp>

namespace softmac::p2p::ctrl {

/// @brief The service discovery commands of a device's control interface; ctrl::interface
/// hands them here.
template <class Engine>
class service_control {
  public:
    explicit service_control(Engine& e) : engine_(e) {}

    /// The query's reference in lower-case hex without a newline, as 2.10 prints its pointer.
    std::string run(const cmd::serv_disc_req& c) {
        const auto ref = engine_.sd_request(c.peer, c.tlvs);
        if (!ref) return std::string(replies::fail);
        char buf[20];
        std::snprintf(buf, sizeof buf, "%" PRIx64, *ref);
        return buf;
    }
    std::string run(const cmd::serv_disc_cancel& c) { return status(engine_.sd_cancel(c.ref)); }
    std::string run(const cmd::serv_disc_resp& c) {
        engine_.sd_respond(c.freq, c.to, c.token, c.tlvs);
        return std::string(replies::ok);
    }
    std::string run(const cmd::serv_disc_external& c) {
        engine_.set_sd_external(c.on);
        return std::string(replies::ok);
    }
    std::string run(const cmd::service_change& c) {
        using v = cmd::service_change::verb;
        auto& s = engine_.services();
        switch (c.what) {
            case v::update:
                s.update();
                break;
            case v::flush:
                s.flush();
                break;
            case v::add:
                if (c.bonjour)
                    s.add_bonjour(c.query, c.rdata);
                else
                    s.add_upnp(c.version, c.service);
                break;
            case v::del:
                return status(c.bonjour ? s.del_bonjour(c.query)
                                        : s.del_upnp(c.version, c.service));
        }
        return std::string(replies::ok);
    }

  private:
    static std::string status(const result<void>& r) {
        return std::string(r ? replies::ok : replies::fail);
    }
    Engine& engine_;
};

}  // namespace softmac::p2p::ctrl
