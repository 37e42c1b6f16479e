// SPDX-License-Identifier: MIT
/// @file Defines ctrl::detail::unix_diag: what NETLINK_SOCK_DIAG tells about AF_UNIX sockets.
// IWYU pragma: private, include <softmac/p2p/ctrl/socket.hpp>
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <cstdint>
#include <cstring>
#include <string>

#include <softmac/core/unique_fd.hpp>

namespace softmac::p2p::ctrl::detail {

/// One AF_UNIX socket as NETLINK_SOCK_DIAG's unix_diag reports it.
struct unix_socket_info {
    std::uint32_t ino = 0;  ///< the socket's inode: st_ino of its descriptor
    bool has_file = false;  ///< bound to a path; its file is (file_dev, file_ino)
    std::uint32_t file_dev = 0, file_ino = 0;
    std::string name;          ///< the bound name as unix_diag has it
    bool has_rqueue = false;   ///< rqueue is known
    std::uint32_t rqueue = 0;  ///< octets of the first queued datagram: 0 when none is queued
};

/// A dev_t as the kernel writes it into unix_diag (MAJOR << 20 | MINOR), not as stat() does.
inline std::uint32_t kernel_dev(dev_t d) noexcept {
    return static_cast<std::uint32_t>((major(d) << 20) | minor(d));
}

/// Asks unix_diag about the socket with inode `ino`, or about every socket when `ino` is 0, with
/// the UDIAG_SHOW_* attributes `show`; calls `each` with every socket reported. False when the
/// kernel cannot answer (no unix_diag) or does not know the socket.
template <class F>
bool unix_diag(std::uint32_t ino, std::uint32_t show, F&& each) {
    unique_fd nl(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!nl) return false;
    struct {
        nlmsghdr h;
        unix_diag_req r;
    } q{};
    q.h.nlmsg_len = sizeof q;
    q.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    q.h.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | (ino == 0 ? NLM_F_DUMP : 0));
    q.r.sdiag_family = AF_UNIX;
    q.r.udiag_states = ~0u;
    q.r.udiag_ino = ino;
    q.r.udiag_show = show;
    q.r.udiag_cookie[0] = q.r.udiag_cookie[1] = ~0u;  // no cookie
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(nl.get(), &q, sizeof q, 0, reinterpret_cast<const sockaddr*>(&kernel),
                 sizeof kernel) != static_cast<ssize_t>(sizeof q))
        return false;
    alignas(nlmsghdr) static thread_local char buf[32768];
    for (;;) {
        const ssize_t n = ::recv(nl.get(), buf, sizeof buf, 0);
        if (n <= 0) return false;
        auto left = static_cast<unsigned>(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE) return true;
            if (h->nlmsg_type == NLMSG_ERROR) return false;
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
                h->nlmsg_len < NLMSG_LENGTH(sizeof(unix_diag_msg)))
                continue;
            const auto* m = static_cast<const unix_diag_msg*>(NLMSG_DATA(h));
            unix_socket_info s;
            s.ino = m->udiag_ino;
            auto alen = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
            for (auto* a = reinterpret_cast<rtattr*>(const_cast<unix_diag_msg*>(m) + 1);
                 RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                const auto* data = static_cast<const char*>(RTA_DATA(a));
                const auto len = static_cast<std::size_t>(RTA_PAYLOAD(a));
                if (a->rta_type == UNIX_DIAG_NAME) {
                    s.name.assign(data, len);
                } else if (a->rta_type == UNIX_DIAG_VFS && len >= sizeof(unix_diag_vfs)) {
                    unix_diag_vfs v;
                    std::memcpy(&v, data, sizeof v);
                    s.has_file = true;
                    s.file_dev = v.udiag_vfs_dev;
                    s.file_ino = v.udiag_vfs_ino;
                } else if (a->rta_type == UNIX_DIAG_RQLEN && len >= sizeof(unix_diag_rqlen)) {
                    unix_diag_rqlen r;
                    std::memcpy(&r, data, sizeof r);
                    s.has_rqueue = true;
                    s.rqueue = r.udiag_rqueue;
                }
            }
            each(s);
            if (ino != 0) return true;  // one answer, no NLMSG_DONE
        }
    }
}

/// A socket's key as unix_diag reports it: its file, or its abstract name (see peer::key()).
inline std::string socket_key(const unix_socket_info& s) {
    if (s.has_file) return "f:" + std::to_string(s.file_dev) + ":" + std::to_string(s.file_ino);
    if (!s.name.empty() && s.name[0] == '\0') return "a:" + s.name;
    return {};
}

}  // namespace softmac::p2p::ctrl::detail
