// SPDX-License-Identifier: MIT
/// @file Defines the D-Bus connection's place in softmac: which bus, its service from
/// real_time's poll loop, and who may change the radio through it.
#pragma once

#include <time.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/p2p/dbus/names.hpp>

namespace softmac::p2p::dbus {

/// @brief The bus `where` names: `system`, `session`, or a bus address (`unix:path=…`).
inline std::unique_ptr<sdbus::IConnection> connect(const std::string& where) {
    if (where == "system") return sdbus::createSystemBusConnection();
    if (where == "session" || where.empty()) return sdbus::createSessionBusConnection();
    return sdbus::createSessionBusConnectionWithAddress(where);
}

/// @brief Serves a bus connection from real_time's poll loop: its descriptor is watched, its
/// timeout is a timer, and whatever is pending is processed at once.
class loop_binding {
  public:
    loop_binding(real_time& time, sdbus::IConnection& c) : time_(time), c_(c) { process(); }
    loop_binding(const loop_binding&) = delete;
    loop_binding& operator=(const loop_binding&) = delete;
    ~loop_binding() {
        if (fd_ >= 0) time_.unwatch(fd_);
        time_.cancel(timer_);
        time_.cancel(sweep_);
    }
    /// @brief An object that goes: at once, or after the current dispatch when a method call
    /// ended the object it was called on (Disconnect on a group interface).
    void dispose(std::unique_ptr<sdbus::IObject> o) {
        if (!o) return;
        if (!o->getCurrentlyProcessedMessage()) return o.reset();
        graveyard_.push_back(std::move(o));
        if (!sweep_)
            sweep_ = time_.schedule_in(duration{}, [this] {
                sweep_ = 0;
                graveyard_.clear();
            });
    }
    /// @brief Processes every pending message. A bus that is gone is said once and then left
    /// alone; the daemon's sockets go on.
    void process() {
        if (lost_) return;
        try {
            while (c_.processPendingRequest()) {
            }
            rearm();
        } catch (const sdbus::Error& e) {
            lost_ = true;
            if (fd_ >= 0) time_.unwatch(std::exchange(fd_, -1));
            time_.cancel(std::exchange(timer_, 0));
            std::fprintf(stderr, "softmac: D-Bus connection lost: %s\n", e.getMessage().c_str());
        }
    }
    /// @brief After sending outside a method call (a signal): what the connection waits for
    /// now (its queue to drain, a timeout) is watched, nothing is processed (no re-entry).
    void rearm() {
        if (lost_) return;
        const auto d = c_.getEventLoopPollData();
        if (d.fd != fd_ || d.events != events_) {
            if (fd_ >= 0) time_.unwatch(fd_);
            fd_ = d.fd;
            events_ = d.events;
            time_.watch(fd_, events_, [this](short) { process(); });
        }
        time_.cancel(std::exchange(timer_, 0));
        if (d.timeout_usec != UINT64_MAX) {
            timespec now{};
            ::clock_gettime(CLOCK_MONOTONIC, &now);
            const auto now_us = std::uint64_t(now.tv_sec) * 1'000'000u + now.tv_nsec / 1000;
            const auto wait = d.timeout_usec > now_us ? d.timeout_usec - now_us : 0;
            timer_ = time_.schedule_in(std::chrono::microseconds(wait), [this] {
                timer_ = 0;
                process();
            });
        }
    }

    real_time& time_;
    sdbus::IConnection& c_;
    int fd_ = -1;
    short events_ = 0;
    timer_id timer_ = 0, sweep_ = 0;
    bool lost_ = false;
    std::vector<std::unique_ptr<sdbus::IObject>> graveyard_;
};

/// @brief Who may call the methods that change the radio: root, the daemon's user, and the
/// members of `group` (the control socket's rule).
struct access_rule {
    std::optional<gid_t> group;
    bool allows(const sdbus::Message& m) const {
        const uid_t uid = m.getCredsEuid();
        if (uid == 0 || uid == ::geteuid()) return true;
        if (!group) return false;
        if (m.getCredsEgid() == *group) return true;
        const auto gids = m.getCredsSupplementaryGids();
        return std::find(gids.begin(), gids.end(), *group) != gids.end();
    }
};

}  // namespace softmac::p2p::dbus
