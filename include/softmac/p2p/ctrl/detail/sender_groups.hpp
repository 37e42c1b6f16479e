// SPDX-License-Identifier: MIT
/// @file Defines ctrl::detail::in_supplementary_group: a sender's groups as its process has them.
// IWYU pragma: private, include <softmac/p2p/ctrl/socket.hpp>
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include <softmac/cfg/credentials.hpp>
#include <softmac/core/unique_fd.hpp>

namespace softmac::p2p::ctrl::detail {

/// SO_PASSPIDFD (Linux 6.5): every datagram the socket receives then carries, besides
/// SCM_CREDENTIALS, a pidfd of its sender (SCM_PIDFD). C libraries older than the kernel lack
/// the names. SCM_PIDFD is 4 everywhere (linux/socket.h); SO_PASSPIDFD is asm-generic's 76, and
/// the architectures that number socket options their own way go without (-1).
#ifdef SO_PASSPIDFD
inline constexpr int so_passpidfd = SO_PASSPIDFD;
#elif defined(__alpha__) || defined(__mips__) || defined(__hppa__) || defined(__sparc__)
inline constexpr int so_passpidfd = -1;
#else
inline constexpr int so_passpidfd = 76;
#endif
#ifdef SCM_PIDFD
inline constexpr int scm_pidfd = SCM_PIDFD;
#else
inline constexpr int scm_pidfd = 4;
#endif

/// The text of /proc/<pid>/status, or empty. Up to 1 MiB: room for NGROUPS_MAX groups.
inline std::string process_status(std::uint32_t pid) {
    std::string text;
    const auto path = "/proc/" + std::to_string(pid) + "/status";
    unique_fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!f) return text;
    char buf[4096];
    for (ssize_t n;
         text.size() < (std::size_t(1) << 20) && (n = ::read(f.get(), buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<std::size_t>(n));
    return text;
}

/// Whether the line `key` of a status text ("Groups:\t4 24 27") lists `id`. The process name
/// on the first line is escaped by the kernel, so no process can forge a line of its own.
inline bool lists(std::string_view status, std::string_view key, std::uint32_t id) {
    const auto at = status.find("\n" + std::string(key));
    if (at == std::string_view::npos) return false;
    auto line = status.substr(at + 1 + key.size());
    line = line.substr(0, line.find('\n'));
    const char* p = line.data();
    const char* const end = p + line.size();
    while (p < end) {
        if (*p == ' ' || *p == '\t') {
            ++p;
            continue;
        }
        std::uint32_t v = 0;
        const auto [next, ec] = std::from_chars(p, end, v);
        if (ec != std::errc{}) return false;
        if (v == id) return true;
        p = next;
    }
    return false;
}

/// @brief Whether the sender of one datagram, by its SCM_CREDENTIALS `c` and its SCM_PIDFD
/// `pidfd`, has `gid` among its supplementary groups.
///
/// The kernel vouches for the credentials' uid, gid and pid but carries no supplementary
/// groups: they are read from /proc/<pid>/status. The pid names the sender only while it
/// lives: once it exits and is reaped, the number may go to another process (pid_max can be
/// 32768), a member's say, and the status read would be that one's. The pidfd refers to the
/// sender's process itself, not to its number, and polls readable once that process has exited;
/// a number is given out again only after its process exited and was reaped. So the status is
/// read first and counts only if the pidfd shows the sender still running afterwards: then the
/// status read was the sender's own. Its Uid: line must also list the credentials' uid, so that
/// credentials root wrote for another user (root may name any pid) borrow no process's groups.
///
/// getgrouplist() of the uid would have no pid to race, the kernel vouching for the uid, but it
/// answers from the group database, not from the process: it would give back a group to a
/// process that dropped it (a sandbox's setgroups()), refuse one given without a database entry
/// (systemd's SupplementaryGroups=), and stall the daemon's loop on NSS lookups (LDAP, sssd).
/// The process's groups are those the kernel checks the control directory's and socket's group
/// permission against. Without a pidfd (a kernel before 6.5) nothing ties a status to the
/// sender, and no supplementary group counts.
inline bool in_supplementary_group(const cfg::credentials& c, int pidfd, std::uint32_t gid) {
    if (pidfd < 0 || c.pid == 0) return false;
    const auto status = process_status(c.pid);
    if (!lists(status, "Uid:", c.uid) || !lists(status, "Groups:", gid)) return false;
    pollfd p{pidfd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

}  // namespace softmac::p2p::ctrl::detail
