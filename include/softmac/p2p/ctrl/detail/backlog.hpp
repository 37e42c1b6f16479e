// SPDX-License-Identifier: MIT
/// @file Defines ctrl::detail::backlog_guard: a client that stops reading cannot stop the
/// control socket's replies and events to everyone else.
// IWYU pragma: private, include <softmac/p2p/ctrl/socket.hpp>
#pragma once

#include <linux/sockios.h>
#include <linux/unix_diag.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include <softmac/p2p/ctrl/detail/unix_diag.hpp>

namespace softmac::p2p::ctrl::detail {

/// Keeps a client that does not read from stopping the replies and events of everyone else.
///
/// The daemon answers from its one bound socket (a wpa_ctrl client connect()s to it and, by
/// unix_may_send(), accepts datagrams from that socket only). Linux charges every datagram
/// still queued at a receiver to the sender's send buffer (SO_SNDBUF, 212992 octets by
/// default, about 768 octets per short datagram and 8448 per 4096-octet reply), and a
/// receiver connected to the sender has no queue limit (net.unix.max_dgram_qlen applies only
/// to receivers that are not). So about 280 unread PONGs, or the events queued at a
/// `wpa_cli -a` stopped with SIGSTOP, fill the buffer, and from then on every send fails
/// with EAGAIN: the socket answers nobody.
///
/// While the socket's own queue (SIOCOUTQ) stays below a quarter of its send buffer every
/// send goes out. Above it, a receiver gets a datagram only if it reads: its queue was empty
/// when last asked (unix_diag's UDIAG_SHOW_RQLEN for its socket, found by its file or
/// abstract name), or fewer than `per_receiver` datagrams went to it since (an event and the
/// reply that follows it reach a client between two of its reads). And a user gets one only
/// while fewer than `per_user` of its sockets hold datagrams of ours. A receiver that does not
/// read then pins at most `per_receiver` datagrams beyond the quarter, its user at most
/// `per_user` times that, and the rest of the buffer stays for everyone else. The sockets sent
/// to are remembered (at most `tracked`, forgotten once seen empty or closed). Without
/// unix_diag every send goes out, as before.
class backlog_guard {
  public:
    static constexpr std::size_t per_receiver = 2, per_user = 4, tracked = 256;

    void open(int fd) {
        int sndbuf = 0;
        socklen_t len = sizeof sndbuf;
        if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) == 0 && sndbuf > 0)
            threshold_ = sndbuf / 4;
    }
    /// Whether a datagram to the socket `key` names (see socket_key(); a socket of `uid`'s) may
    /// be sent from the socket `fd` now.
    bool admit(int fd, const std::string& key, std::uint32_t uid) {
        if (key.empty() || !under_pressure(fd)) return true;
        auto it = held_.find(key);
        if (it != held_.end()) {
            if (!refresh(it)) return diag_failed_;
            it = held_.find(key);
            if (it != held_.end() && it->second.sent >= per_receiver) return false;
        }
        if (held_by(uid) < per_user) return true;
        if (!census()) return diag_failed_;
        return held_by(uid) < per_user;
    }
    /// A datagram went to the socket `key` names.
    void sent(const std::string& key, std::uint32_t uid) {
        if (key.empty()) return;
        auto& e = held_[key];
        e.uid = uid;
        ++e.sent;
        if (held_.size() > tracked) {
            (void)census();
            for (auto it = held_.begin(); held_.size() > tracked && it != held_.end();)
                it = held_.erase(it);
        }
    }

  private:
    struct entry {
        std::uint32_t uid = 0;
        std::uint32_t ino = 0;  ///< the receiver's socket inode, once unix_diag named it
        std::size_t sent = 0;   ///< datagrams sent to it since its queue was last seen empty
    };
    using map = std::unordered_map<std::string, entry>;

    static bool drained_queue(const unix_socket_info& s) noexcept {
        return s.has_rqueue && s.rqueue == 0;
    }
    bool under_pressure(int fd) const {
        int outq = 0;
        return threshold_ > 0 && ::ioctl(fd, SIOCOUTQ, &outq) == 0 && outq >= threshold_;
    }
    std::size_t held_by(std::uint32_t uid) const {
        return static_cast<std::size_t>(std::count_if(
            held_.begin(), held_.end(), [&](auto& e) { return e.second.uid == uid; }));
    }
    /// Asks about one receiver; false when unix_diag cannot answer.
    bool refresh(map::iterator it) {
        if (it->second.ino == 0) return census();
        bool found = false, drained = false;
        if (!unix_diag(it->second.ino, UDIAG_SHOW_VFS | UDIAG_SHOW_NAME | UDIAG_SHOW_RQLEN,
                       [&](const unix_socket_info& s) {
                           found = socket_key(s) == it->first;
                           drained = drained_queue(s);
                       }) ||
            !found)
            return census();  // closed, or its inode now another socket's
        if (drained) held_.erase(it);
        return true;
    }
    /// Asks about every socket: receivers that drained or closed are forgotten.
    bool census() {
        for (auto& e : held_) e.second.ino = 0;
        const bool ok = unix_diag(0, UDIAG_SHOW_VFS | UDIAG_SHOW_NAME | UDIAG_SHOW_RQLEN,
                                  [&](const unix_socket_info& s) {
                                      const auto it = held_.find(socket_key(s));
                                      if (it == held_.end()) return;
                                      // a drained receiver is forgotten with the closed ones
                                      it->second.ino = drained_queue(s) ? 0 : s.ino;
                                  });
        diag_failed_ = !ok;
        if (!ok) return false;
        std::erase_if(held_, [](auto& e) { return e.second.ino == 0; });
        return true;
    }

    int threshold_ = 0;
    bool diag_failed_ = false;
    map held_;
};

}  // namespace softmac::p2p::ctrl::detail
