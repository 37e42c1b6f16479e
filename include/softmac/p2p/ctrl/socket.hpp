// SPDX-License-Identifier: MIT
/// @file Defines ctrl::endpoint: a wpa_ctrl-compatible UNIX datagram socket with its attached
/// monitors.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
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
#include <softmac/core/unique_fd.hpp>
#include <softmac/p2p/ctrl/command.hpp>
#include <softmac/p2p/ctrl/detail/backlog.hpp>
#include <softmac/p2p/ctrl/detail/sender_groups.hpp>
#include <softmac/p2p/ctrl/detail/unix_diag.hpp>
#include <softmac/p2p/ctrl/format.hpp>

namespace softmac::p2p::ctrl {

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

/// The name under which the kernel reaches the very file `fd` was opened on, whatever its path
/// names now.
inline std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

/// Where replies and events go. A client names itself by the path its socket is bound to, and
/// the daemon, running as root, may send to any socket: sending by that path would follow
/// whatever the client later puts there, a symbolic link to /dev/log, say. So when a request
/// arrives its sender's file is opened with O_PATH | O_NOFOLLOW, accepted only if it is a socket
/// its sender owns (root's requests excepted), and every send names that very file as
/// /proc/self/fd/N: replacing the path afterwards redirects nothing. An abstract address names
/// no file and is used as it is; an unnamed sender cannot be answered.
class peer {
  public:
    peer() = default;
    /// The sender at `from`, speaking as `uid`.
    static peer pin(const sockaddr_un& from, socklen_t len, std::uint32_t uid) {
        peer p;
        const auto path_len = len > offsetof(sockaddr_un, sun_path)
                                  ? std::size_t(len - offsetof(sockaddr_un, sun_path))
                                  : 0;
        if (path_len == 0) return p;
        if (from.sun_path[0] == '\0') {  // abstract
            p.addr_ = from;
            p.len_ = len;
            p.key_ = "a:" + std::string(from.sun_path, path_len);
            return p;
        }
        const std::string path(from.sun_path, strnlen(from.sun_path, path_len));
        unique_fd f(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat st {};
        if (!f || ::fstat(f.get(), &st) != 0 || !S_ISSOCK(st.st_mode) ||
            (uid != 0 && st.st_uid != uid))
            return p;
        p.adopt(std::move(f), st);
        return p;
    }
    peer(peer&&) noexcept = default;
    peer& operator=(peer&&) noexcept = default;
    /// Another handle on the same socket file.
    peer clone() const {
        peer p;
        if (!file_) {
            p.addr_ = addr_;
            p.len_ = len_;
            p.key_ = key_;
        } else if (unique_fd f(::fcntl(file_.get(), F_DUPFD_CLOEXEC, 0)); f) {
            p.adopt(std::move(f), dev_, ino_);
        }
        return p;
    }
    /// It can be sent to.
    bool valid() const noexcept { return len_ != 0; }
    const sockaddr* addr() const noexcept { return reinterpret_cast<const sockaddr*>(&addr_); }
    socklen_t len() const noexcept { return len_; }
    /// Names the socket as unix_diag reports it (see socket_key()); empty when not valid.
    const std::string& key() const noexcept { return key_; }

  private:
    void adopt(unique_fd f, const struct stat& st) { adopt(std::move(f), st.st_dev, st.st_ino); }
    void adopt(unique_fd f, dev_t dev, ino_t ino) {
        file_ = std::move(f);
        dev_ = dev;
        ino_ = ino;
        const auto name = fd_path(file_.get());
        addr_ = {};
        addr_.sun_family = AF_UNIX;
        std::memcpy(addr_.sun_path, name.data(), name.size());
        len_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
        key_ = "f:" + std::to_string(kernel_dev(dev)) + ":" + std::to_string(ino);
    }

    unique_fd file_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    sockaddr_un addr_{};
    socklen_t len_ = 0;
    std::string key_;
};

/// Whether the file `st` describes is the one the socket `fd` is bound to. unix_diag tells;
/// without it, a socket file of our own user with one link is taken for ours (others can
/// neither create one nor move one of root's here from a sticky directory; a hard link to one
/// has two links).
inline bool is_bound_file(int fd, const struct stat& st) {
    struct stat self {};
    if (!S_ISSOCK(st.st_mode) || ::fstat(fd, &self) != 0) return false;
    bool answered = false, same = false;
    answered = unix_diag(static_cast<std::uint32_t>(self.st_ino), UDIAG_SHOW_VFS,
                         [&](const unix_socket_info& s) {
                             same = s.has_file && s.file_dev == kernel_dev(st.st_dev) &&
                                    s.file_ino == static_cast<std::uint32_t>(st.st_ino);
                         });
    if (answered) return same;
    return st.st_uid == ::geteuid() && st.st_nlink == 1;
}
}  // namespace detail

/// @brief One received request: its text, who sent it, where the reply goes (the sender's own
/// socket, see detail::peer) and the sender's credentials as the kernel attached them.
struct datagram {
    std::string text;
    sockaddr_un from{};
    socklen_t from_len = 0;
    cfg::credentials creds{0, ~0u, ~0u, false};
    detail::peer to;
    unique_fd process;  ///< the sender's pidfd (SCM_PIDFD), when the kernel gives one
};

/// @brief Who may run admin commands: root, the daemon's own user, or members of the control
/// group (`ctrl_interface GROUP=`): by the primary group the kernel reports for the sender, or
/// by a supplementary group of its process (a user added with `usermod -aG`), see
/// detail::in_supplementary_group.
struct access_policy {
    std::uint32_t owner = ::geteuid();
    std::optional<std::uint32_t> group;
    bool allows(const datagram& d) const {
        const auto& c = d.creds;
        if (c.uid == 0 || c.uid == owner) return true;
        return group &&
               (c.gid == *group || detail::in_supplementary_group(c, d.process.get(), *group));
    }
};

/// @brief Why the existing control directory `st` describes may not be used, or nothing: it
/// must belong to the daemon's user or root, and others (or a group other than root's, the
/// daemon's or the control group) may not write it unless it is sticky, where they cannot
/// remove or rename what is not theirs. Otherwise whoever may write it can put their own
/// files where the sockets go.
inline std::optional<std::string> directory_problem(const struct stat& st,
                                                    std::optional<std::uint32_t> group) {
    if (!S_ISDIR(st.st_mode)) return "is not a directory";
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
        return "is owned by uid " + std::to_string(st.st_uid);
    if (st.st_mode & S_ISVTX) return std::nullopt;
    if (st.st_mode & S_IWOTH) return "is writable by others";
    if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && st.st_gid != ::getegid() &&
        (!group || st.st_gid != *group))
        return "is writable by group " + std::to_string(st.st_gid);
    return std::nullopt;
}

/// @brief Creates the control directory: mode 0770, or owned by `group` with mode 0750 (members
/// may enter it and reach the sockets, as wpa_supplicant's `GROUP=` does). An existing
/// directory is used only if directory_problem() finds nothing, and is given to `group` unless
/// it is sticky (a shared directory such as /tmp keeps its mode); a symbolic link is refused.
/// The directory is opened without following a link and its owner and mode are set on that
/// descriptor, so a link swapped in for it never redirects them to another file. A refusal
/// sets `why` to "control directory <dir> <reason>: refusing".
inline result<void> make_directory(const std::string& dir, std::optional<std::uint32_t> group,
                                   std::string* why = nullptr) {
    auto refuse = [&](const std::string& reason) {
        if (why) *why = "control directory " + dir + " " + reason + ": refusing";
        return make_error(errc::permission, "the control directory is not safe to use");
    };
    const bool created = ::mkdir(dir.c_str(), 0700) == 0;
    if (!created && errno != EEXIST) return detail::io_error("cannot create the control directory");
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return refuse("is a symbolic link");
    unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && (errno == ENOTDIR || errno == ELOOP))
        return refuse(errno == ELOOP ? "is a symbolic link" : "is not a directory");
    if (!fd || ::fstat(fd.get(), &st) != 0)
        return detail::io_error("cannot open the control directory");
    if (auto problem = directory_problem(st, group)) return refuse(*problem);
    if (!created && (!group || (st.st_mode & S_ISVTX))) return {};
    if (group && ::fchown(fd.get(), static_cast<uid_t>(-1), *group) != 0)
        return detail::io_error("cannot give the control directory to its group");
    if (::fchmod(fd.get(), group ? 0750 : 0770) != 0)
        return detail::io_error("cannot set the control directory's mode");
    return {};
}

/// @brief The server socket of one control interface, bound at `<dir>/<ifname>`.
class endpoint {
  public:
    static constexpr int max_send_errors = 10;
    /// Monitors one socket keeps, and of those one user (by the uid the kernel reports).
    static constexpr std::size_t max_monitors = 64, max_monitors_per_user = 16;

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
        // bind() creates the file with the socket inode's mode less the umask: never more
        // than 0770, even for a moment.
        if (::fchmod(e.fd_, 0770) != 0) return detail::io_error("fchmod");
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
        if (auto r = e.adopt_file(group); !r) return r.err();
        const int on = 1;
        if (::setsockopt(e.fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0)
            return detail::io_error("SO_PASSCRED");
        // A kernel before 6.5 refuses: then no supplementary group counts (access_policy).
        if (detail::so_passpidfd >= 0)
            (void)::setsockopt(e.fd_, SOL_SOCKET, detail::so_passpidfd, &on, sizeof on);
        e.backlog_.open(e.fd_);
        return e;
    }
    endpoint(endpoint&& o) noexcept
        : fd_(std::exchange(o.fd_, -1)),
          path_(std::move(o.path_)),
          file_dev_(o.file_dev_),
          file_ino_(o.file_ino_),
          monitors_(std::move(o.monitors_)),
          backlog_(std::move(o.backlog_)),
          dropped_(o.dropped_) {}
    endpoint& operator=(endpoint&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = std::exchange(o.fd_, -1);
            path_ = std::move(o.path_);
            file_dev_ = o.file_dev_;
            file_ino_ = o.file_ino_;
            monitors_ = std::move(o.monitors_);
            backlog_ = std::move(o.backlog_);
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
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int))];
            msghdr m{};
            m.msg_name = &d.from;
            m.msg_namelen = sizeof d.from;
            m.msg_iov = &iov;
            m.msg_iovlen = 1;
            m.msg_control = control;
            m.msg_controllen = sizeof control;
            const ssize_t n = ::recvmsg(fd_, &m, MSG_TRUNC | MSG_CMSG_CLOEXEC);
            if (n < 0) return std::nullopt;
            // Descriptors first: a dropped request's are closed with it.
            for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) take(*c, d);
            if ((m.msg_flags & MSG_TRUNC) || static_cast<std::size_t>(n) > max_request) {
                ++dropped_;
                continue;
            }
            d.from_len = m.msg_namelen;
            d.text.assign(buf, static_cast<std::size_t>(n));
            d.to = detail::peer::pin(d.from, d.from_len, d.creds.uid);
            return d;
        }
    }
    std::size_t dropped() const noexcept { return dropped_; }

    /// @brief Sends a reply (cut to `max_reply` octets) to the request's sender: not when its
    /// address does not name a socket of its own (see detail::peer).
    bool reply(const datagram& to, std::string_view text) {
        return send(to.to, to.creds.uid, text) == 0;
    }

    /// @brief ATTACH: the sender becomes a monitor at level 3; undone if the `OK` cannot be sent.
    /// An address that is attached already keeps its one monitor (and level), as in
    /// wpa_supplicant; a new one is refused with `FAIL` beyond `max_monitors` or its user's
    /// `max_monitors_per_user`. `secrets`: the monitor gets events with their secrets (see
    /// ctrl::secrets), as decided from the credentials of this ATTACH.
    void attach(const datagram& from, bool secrets) {
        if (auto* m = find(from)) {
            if (!from.to.valid()) {  // the address no longer names a socket of its sender
                remove(static_cast<std::size_t>(m - monitors_.data()));
                return;
            }
            m->to = from.to.clone();
            m->uid = from.creds.uid;
            m->secrets = secrets;
            m->errors = 0;
            (void)reply(from, replies::ok);
            return;
        }
        const auto mine = std::count_if(monitors_.begin(), monitors_.end(),
                                        [&](const monitor& m) { return m.uid == from.creds.uid; });
        if (monitors_.size() >= max_monitors ||
            static_cast<std::size_t>(mine) >= max_monitors_per_user) {
            (void)reply(from, replies::fail);
            return;
        }
        if (!from.to.valid()) return;  // nowhere to send to
        monitors_.push_back(
            {from.from, from.from_len, from.to.clone(), info_level, 0, from.creds.uid, secrets});
        if (send(monitors_.back().to, from.creds.uid, replies::ok) != 0) monitors_.pop_back();
    }
    /// @brief DETACH and LEVEL: `FAIL` for a sender that is not attached.
    void detach(const datagram& from) {
        auto* m = find(from);
        if (m) remove(static_cast<std::size_t>(m - monitors_.data()));
        (void)reply(from, m ? replies::ok : replies::fail);
    }
    void set_level(const datagram& from, int level) {
        auto* m = find(from);
        if (m) m->level = level;
        (void)reply(from, m ? replies::ok : replies::fail);
    }

    /// @brief Sends `<level>` and the event's text to every monitor whose threshold admits it:
    /// with its secrets to a monitor attached with them, redacted to the others. A monitor
    /// whose socket is gone, or that failed more than `max_send_errors` times in a row, is
    /// detached. `ifname`: the global socket's `IFNAME=<if> ` before the level.
    void broadcast(int level, const event_message& e, std::string_view ifname = {}) {
        const std::string prefix = (ifname.empty() ? "" : "IFNAME=" + std::string(ifname) + " ") +
                                   "<" + std::to_string(level) + ">";
        const std::string full = prefix + e.text, redacted = prefix + e.redacted;
        for (std::size_t i = 0; i < monitors_.size();) {
            auto& m = monitors_[i];
            if (m.level > level) {
                ++i;
                continue;
            }
            const int err = send(m.to, m.uid, m.secrets ? full : redacted);
            if (err == 0) {
                m.errors = 0;
            } else if (err == ENOENT || err == ECONNREFUSED || err == EPERM ||
                       ++m.errors > max_send_errors) {
                remove(i);  // the last monitor moves here and is visited next
                continue;
            }
            ++i;
        }
    }

  private:
    struct monitor {
        sockaddr_un addr;  ///< as it names itself in requests
        socklen_t len;
        detail::peer to;  ///< its socket, pinned at ATTACH
        int level;
        int errors;
        std::uint32_t uid;
        bool secrets;  ///< sent events with their secrets
    };
    endpoint() = default;
    /// Keeps what one control message tells of the sender. Descriptors a client passes
    /// (SCM_RIGHTS) are closed: the control interface takes none.
    static void take(const cmsghdr& c, datagram& d) {
        if (c.cmsg_level != SOL_SOCKET) return;
        const auto* data = CMSG_DATA(&c);
        const auto len = c.cmsg_len - CMSG_LEN(0);
        if (c.cmsg_type == SCM_CREDENTIALS && len >= sizeof(ucred)) {
            ucred u;
            std::memcpy(&u, data, sizeof u);
            d.creds = {static_cast<std::uint32_t>(u.pid), u.uid, u.gid, false};
        } else if (c.cmsg_type == detail::scm_pidfd && len >= sizeof(int)) {
            int fd;
            std::memcpy(&fd, data, sizeof fd);
            d.process = unique_fd(fd);  // negative when the kernel had none to give
        } else if (c.cmsg_type == SCM_RIGHTS) {
            for (std::size_t at = 0; at + sizeof(int) <= len; at += sizeof(int)) {
                int fd;
                std::memcpy(&fd, data + at, sizeof fd);
                ::close(fd);
            }
        }
    }
    /// Monitors are in no order: the last one takes the place of the one removed, so removing
    /// any number while sending an event costs time linear in their number.
    void remove(std::size_t i) {
        if (i + 1 != monitors_.size()) monitors_[i] = std::move(monitors_.back());
        monitors_.pop_back();
    }
    /// Gives the socket file just bound its group and mode 0770 through a descriptor opened
    /// without following links, once it is known to be this socket's file: whoever may write
    /// the directory can swap the path for a link between bind() and here, and a chown() or
    /// chmod() by path would then change the link's target as root.
    result<void> adopt_file(std::optional<std::uint32_t> group) {
        unique_fd f(::open(path_.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat st {};
        if (!f || ::fstat(f.get(), &st) != 0 || !detail::is_bound_file(fd_, st)) {
            path_.clear();  // not ours to unlink
            return make_error(errc::busy, "the control socket's file was replaced after bind");
        }
        file_dev_ = st.st_dev;
        file_ino_ = st.st_ino;
        if (group && ::fchownat(f.get(), "", static_cast<uid_t>(-1), *group, AT_EMPTY_PATH) != 0)
            return detail::io_error("cannot give the control socket to its group");
        if ((st.st_mode & 07777) != 0770 && ::chmod(detail::fd_path(f.get()).c_str(), 0770) != 0)
            return detail::io_error("cannot set the control socket's mode");
        return {};
    }
    monitor* find(const datagram& d) {
        for (auto& m : monitors_)
            if (detail::same_address(m.addr, m.len, d.from, d.from_len)) return &m;
        return nullptr;
    }
    /// 0, or why the datagram was not sent: EAGAIN when `to` does not read (see
    /// detail::backlog_guard) or the send buffer is full.
    int send(const detail::peer& to, std::uint32_t uid, std::string_view text) {
        if (!to.valid()) return ENOENT;
        if (!backlog_.admit(fd_, to.key(), uid)) return EAGAIN;
        const auto n = std::min(text.size(), max_reply);
        if (::sendto(fd_, text.data(), n, MSG_DONTWAIT | MSG_NOSIGNAL, to.addr(), to.len()) !=
            static_cast<ssize_t>(n))
            return errno ? errno : EIO;
        backlog_.sent(to.key(), uid);
        return 0;
    }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        struct stat st {};  // the socket's own file, not what may have replaced it
        if (!path_.empty() && ::lstat(path_.c_str(), &st) == 0 && st.st_dev == file_dev_ &&
            st.st_ino == file_ino_)
            ::unlink(path_.c_str());
        path_.clear();
    }

    int fd_ = -1;
    std::string path_;
    dev_t file_dev_ = 0;
    ino_t file_ino_ = 0;
    std::vector<monitor> monitors_;
    detail::backlog_guard backlog_;
    std::size_t dropped_ = 0;
};

}  // namespace softmac::p2p::ctrl
