// SPDX-License-Identifier: MIT
/// @file Defines ctrl::client: requests, replies and events on a wpa_ctrl-compatible control
/// socket.
#pragma once

#include <poll.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <string>

#include <softmac/p2p/ctrl/socket.hpp>

namespace softmac::p2p::ctrl {

/// @brief One connection to a control interface, as wpa_ctrl makes it: a datagram socket bound
/// to its own path (`<local_dir>/softmac_ctrl_<pid>-<n>`, removed on close) and connected to
/// the server. Datagrams starting with `<` or `IFNAME=` are events; anything else is a reply.
class client {
  public:
    using milliseconds = std::chrono::milliseconds;

    static result<client> open(const std::string& server_path,
                               const std::string& local_dir = "/tmp") {
        static std::atomic<unsigned> counter{0};
        client c;
        c.path_ = local_dir + "/softmac_ctrl_" + std::to_string(::getpid()) + "-" +
                  std::to_string(++counter);
        socklen_t len = 0, server_len = 0;
        auto local = detail::unix_address(c.path_, len);
        auto server = detail::unix_address(server_path, server_len);
        if (!local || !server) return make_error(errc::bad_length, "control socket path too long");
        c.fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (c.fd_ < 0) return detail::io_error("socket");
        if (::bind(c.fd_, reinterpret_cast<const sockaddr*>(&*local), len) != 0) {
            ::unlink(c.path_.c_str());  // left by an earlier process with our pid
            if (::bind(c.fd_, reinterpret_cast<const sockaddr*>(&*local), len) != 0) {
                c.path_.clear();
                return detail::io_error("bind");
            }
        }
        if (::connect(c.fd_, reinterpret_cast<const sockaddr*>(&*server), server_len) != 0)
            return detail::io_error("connect");
        return c;
    }
    client(client&& o) noexcept
        : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)), events_(std::move(o.events_)) {}
    client& operator=(client&&) = delete;
    ~client() {
        if (fd_ >= 0) ::close(fd_);
        if (!path_.empty()) ::unlink(path_.c_str());
    }

    /// @brief Sends `command` and waits up to `timeout` for the reply (wpa_cli waits 10 s).
    /// Events arriving meanwhile are kept for next_event().
    result<std::string> request(std::string_view command,
                                milliseconds timeout = milliseconds(10000)) {
        if (::send(fd_, command.data(), command.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(command.size()))
            return detail::io_error("send");
        const auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto d = receive(end);
            if (!d) return make_error(errc::busy, "no reply before the timeout");
            if (!is_event(*d)) return std::move(*d);
            events_.push_back(std::move(*d));
        }
    }
    /// @brief ATTACH: this connection receives events from now on.
    result<void> attach(milliseconds timeout = milliseconds(10000)) {
        return expect_ok("ATTACH", timeout);
    }
    result<void> detach(milliseconds timeout = milliseconds(10000)) {
        return expect_ok("DETACH", timeout);
    }

    /// @brief The next event (`<3>P2P-...`), waiting up to `timeout`.
    std::optional<std::string> next_event(milliseconds timeout) {
        if (!events_.empty()) {
            auto e = std::move(events_.front());
            events_.pop_front();
            return e;
        }
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (auto d = receive(end))
            if (is_event(*d)) return d;
        return std::nullopt;
    }
    int fd() const noexcept { return fd_; }

    static bool is_event(std::string_view d) noexcept {
        return d.starts_with('<') || d.starts_with("IFNAME=");
    }

  private:
    client() = default;
    result<void> expect_ok(std::string_view command, milliseconds timeout) {
        auto r = request(command, timeout);
        if (!r) return r.err();
        if (*r != replies::ok) return make_error(errc::invalid_state, "the server refused");
        return {};
    }
    std::optional<std::string> receive(std::chrono::steady_clock::time_point end) {
        for (;;) {
            const auto left =
                std::chrono::ceil<milliseconds>(end - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            // A timeout of zero still takes what is queued already.
            if (left.count() < 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return std::nullopt;
            char buf[max_reply + 1];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n >= 0) return std::string(buf, static_cast<std::size_t>(n));
            if (errno != EINTR && errno != EAGAIN) return std::nullopt;
        }
    }

    int fd_ = -1;
    std::string path_;
    std::deque<std::string> events_;
};

}  // namespace softmac::p2p::ctrl
