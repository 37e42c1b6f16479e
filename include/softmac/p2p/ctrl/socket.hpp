// SPDX-License-Identifier: MIT
/// @file Defines ctrl::endpoint: a wpa_ctrl-compatible UNIX datagram socket with its attached
/// monitors.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/cfg/credentials.hpp>
#include <softmac/core/result.hpp>
#include <softmac/p2p/ctrl/command.hpp>
#include <softmac/p2p/ctrl/format.hpp>

namespace softmac::p2p::ctrl {

/// @brief Who may run admin commands: root, the daemon's own user, or members of the control
/// group (`ctrl_interface GROUP=`) by the group the kernel reports for the sender.
struct access_policy {
    std::uint32_t owner = ::geteuid();
    std::optional<std::uint32_t> group;
    bool allows(const cfg::credentials& c) const noexcept {
        return c.uid == 0 || c.uid == owner || (group && c.gid == *group);
    }
};

/// @brief One received request: its text, who sent it (the reply goes there) and the sender's
/// credentials as the kernel attached them.
struct datagram {
    std::string text;
    sockaddr_un from{};
    socklen_t from_len = 0;
    cfg::credentials creds{0, ~0u, ~0u, false};
};

namespace detail {
inline std::optional<sockaddr_un> unix_address(const std::string& path, socklen_t& len) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (path.size() >= sizeof a.sun_path) return std::nullopt;
    std::memcpy(a.sun_path, path.data(), path.size());
    len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
    return a;
}
inline bool same_address(const sockaddr_un& a, socklen_t al, const sockaddr_un& b,
                         socklen_t bl) noexcept {
    return al == bl && std::memcmp(&a, &b, al) == 0;
}
inline auto io_error(const char* what) { return make_error(errc::io, what, std::size_t(errno)); }
}  // namespace detail

/// @brief Creates the control directory: mode 0770, or owned by `group` with mode 0750 (members
/// may enter it and reach the sockets, as wpa_supplicant's `GROUP=` does).
inline result<void> make_directory(const std::string& dir, std::optional<std::uint32_t> group) {
    const bool created = ::mkdir(dir.c_str(), 0770) == 0;
    if (!created && errno != EEXIST) return detail::io_error("cannot create the control directory");
    if (created && !group && ::chmod(dir.c_str(), 0770) != 0)  // whatever the umask took away
        return detail::io_error("cannot set the control directory's mode");
    if (group) {
        if (::chown(dir.c_str(), static_cast<uid_t>(-1), *group) != 0)
            return detail::io_error("cannot give the control directory to its group");
        if (::chmod(dir.c_str(), 0750) != 0)
            return detail::io_error("cannot set the control directory's mode");
    }
    return {};
}

/// @brief The server socket of one control interface, bound at `<dir>/<ifname>`.
class endpoint {
  public:
    static constexpr int max_send_errors = 10;

    /// @brief Binds the socket. A socket file nobody answers on (connect() is refused) is stale
    /// and replaced; one that accepts a connection belongs to a running server, and opening
    /// fails. Anything else at the path (a file, a symbolic link, a directory) is left alone and
    /// opening fails with errc::already.
    static result<endpoint> open(std::string path, std::optional<std::uint32_t> group = {}) {
        socklen_t len = 0;
        auto addr = detail::unix_address(path, len);
        if (!addr) return make_error(errc::bad_length, "control socket path too long");
        endpoint e;
        e.fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (e.fd_ < 0) return detail::io_error("socket");
        if (::bind(e.fd_, reinterpret_cast<const sockaddr*>(&*addr), len) != 0) {
            if (errno != EADDRINUSE) return detail::io_error("bind");
            struct stat st {};
            if (::lstat(path.c_str(), &st) != 0) return detail::io_error("bind");
            if (!S_ISSOCK(st.st_mode))
                return make_error(errc::already,
                                  "a file that is not a socket is at the control socket's path");
            const int probe = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            const int refused =
                ::connect(probe, reinterpret_cast<const sockaddr*>(&*addr), len) == 0 ? 0 : errno;
            ::close(probe);
            if (refused == 0)
                return make_error(errc::busy, "a control interface runs at this path");
            if (refused != ECONNREFUSED)
                return make_error(errc::io, "cannot tell whether the control socket is in use",
                                  std::size_t(refused));
            // Only the stale socket just examined is removed, not what may have replaced it.
            struct stat now {};
            if (::lstat(path.c_str(), &now) != 0 || now.st_dev != st.st_dev ||
                now.st_ino != st.st_ino || ::unlink(path.c_str()) != 0)
                return make_error(errc::busy, "the control socket's path changed while opening");
            if (::bind(e.fd_, reinterpret_cast<const sockaddr*>(&*addr), len) != 0)
                return detail::io_error("bind");
        }
        e.path_ = std::move(path);
        if (group) (void)::chown(e.path_.c_str(), static_cast<uid_t>(-1), *group);
        if (::chmod(e.path_.c_str(), 0770) != 0) return detail::io_error("chmod");
        const int on = 1;
        if (::setsockopt(e.fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0)
            return detail::io_error("SO_PASSCRED");
        return e;
    }
    endpoint(endpoint&& o) noexcept
        : fd_(std::exchange(o.fd_, -1)),
          path_(std::move(o.path_)),
          monitors_(std::move(o.monitors_)),
          dropped_(o.dropped_) {}
    endpoint& operator=(endpoint&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = std::exchange(o.fd_, -1);
            path_ = std::move(o.path_);
            monitors_ = std::move(o.monitors_);
            dropped_ = o.dropped_;
        }
        return *this;
    }
    ~endpoint() { close(); }

    int fd() const noexcept { return fd_; }
    const std::string& path() const noexcept { return path_; }
    std::size_t monitors() const noexcept { return monitors_.size(); }

    /// @brief The next queued request; nothing when none is queued. Requests longer than
    /// `max_request` are dropped unanswered (`dropped` counts them).
    std::optional<datagram> receive() {
        for (;;) {
            datagram d;
            char buf[max_request];
            iovec iov{buf, sizeof buf};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
            msghdr m{};
            m.msg_name = &d.from;
            m.msg_namelen = sizeof d.from;
            m.msg_iov = &iov;
            m.msg_iovlen = 1;
            m.msg_control = control;
            m.msg_controllen = sizeof control;
            const ssize_t n = ::recvmsg(fd_, &m, MSG_TRUNC | MSG_CMSG_CLOEXEC);
            if (n < 0) return std::nullopt;
            if ((m.msg_flags & MSG_TRUNC) || static_cast<std::size_t>(n) > max_request) {
                ++dropped_;
                continue;
            }
            d.from_len = m.msg_namelen;
            for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                    ucred u;
                    std::memcpy(&u, CMSG_DATA(c), sizeof u);
                    d.creds = {static_cast<std::uint32_t>(u.pid), u.uid, u.gid, false};
                }
            d.text.assign(buf, static_cast<std::size_t>(n));
            return d;
        }
    }
    std::size_t dropped() const noexcept { return dropped_; }

    /// @brief Sends a reply (cut to `max_reply` octets) to the request's sender.
    bool reply(const datagram& to, std::string_view text) const {
        return send(to.from, to.from_len, text) == 0;
    }

    /// @brief ATTACH: the sender becomes a monitor at level 3; undone if the `OK` cannot be sent.
    void attach(const datagram& from) {
        monitors_.push_back({from.from, from.from_len, info_level, 0});
        if (!reply(from, replies::ok)) monitors_.pop_back();
    }
    /// @brief DETACH and LEVEL: `FAIL` for a sender that is not attached.
    void detach(const datagram& from) {
        auto* m = find(from);
        if (m) monitors_.erase(monitors_.begin() + (m - monitors_.data()));
        (void)reply(from, m ? replies::ok : replies::fail);
    }
    void set_level(const datagram& from, int level) {
        auto* m = find(from);
        if (m) m->level = level;
        (void)reply(from, m ? replies::ok : replies::fail);
    }

    /// @brief Sends `<level>text` to every monitor whose threshold admits it. A monitor whose
    /// socket is gone, or that failed more than `max_send_errors` times in a row, is detached.
    void broadcast(int level, std::string_view text) {
        std::string msg = "<" + std::to_string(level) + ">";
        msg.append(text);
        for (auto it = monitors_.begin(); it != monitors_.end();) {
            if (it->level > level) {
                ++it;
                continue;
            }
            const int err = send(it->addr, it->len, msg);
            if (err == 0) {
                it->errors = 0;
            } else if (err == ENOENT || err == ECONNREFUSED || err == EPERM ||
                       ++it->errors > max_send_errors) {
                it = monitors_.erase(it);
                continue;
            }
            ++it;
        }
    }

  private:
    struct monitor {
        sockaddr_un addr;
        socklen_t len;
        int level;
        int errors;
    };
    endpoint() = default;
    monitor* find(const datagram& d) {
        for (auto& m : monitors_)
            if (detail::same_address(m.addr, m.len, d.from, d.from_len)) return &m;
        return nullptr;
    }
    int send(const sockaddr_un& to, socklen_t len, std::string_view text) const {
        const auto n = std::min(text.size(), max_reply);
        if (::sendto(fd_, text.data(), n, MSG_DONTWAIT | MSG_NOSIGNAL,
                     reinterpret_cast<const sockaddr*>(&to), len) == static_cast<ssize_t>(n))
            return 0;
        return errno ? errno : EIO;
    }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        if (!path_.empty()) ::unlink(path_.c_str());
        path_.clear();
    }

    int fd_ = -1;
    std::string path_;
    std::vector<monitor> monitors_;
    std::size_t dropped_ = 0;
};

}  // namespace softmac::p2p::ctrl
