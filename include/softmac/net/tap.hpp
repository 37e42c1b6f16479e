// SPDX-License-Identifier: MIT
/// @file Defines net::tap (a Linux TAP device: an Ethernet interface of the kernel's IP stack)
/// and net::tap_net (the mac::net policy joining TAPs to a stack in real_time's poll loop).
#pragma once

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/core/detail/inplace_function.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/core/unique_fd.hpp>
#include <softmac/mac/interface.hpp>

namespace softmac::net {

/// @brief Runs `f` (returning result<void>) with the calling thread in the network namespace
/// `netns` (a descriptor of `/var/run/netns/<name>`; -1: the current one), then back in its own.
/// Descriptors `f` opens keep the namespace they were opened in. A thread that cannot return to
/// its namespace aborts.
/// @tparam F a callable returning result<void>
template <class F>
result<void> in_netns(int netns, F&& f) {
    if (netns < 0) return f();
    unique_fd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!home) return make_error(errc::io, "cannot open /proc/thread-self/ns/net");
    if (::setns(netns, CLONE_NEWNET) != 0)
        return make_error(errc::permission,
                          "cannot enter the network namespace (setns needs CAP_SYS_ADMIN)");
    result<void> r = f();
    // A thread left in another namespace would make every later socket and TAP there.
    if (::setns(home.get(), CLONE_NEWNET) != 0) std::abort();
    return r;
}

/// @brief What makes a TAP: its name (IFNAMSIZ - 1 characters at most), its MAC address, its
/// MTU and the network namespace it lives in.
struct tap_params {
    std::string name;
    mac_address addr;
    std::uint16_t mtu = 1500;
    int netns = -1;  ///< a namespace descriptor; -1: the caller's namespace
};

/// @brief A Linux TAP device (`/dev/net/tun`, `IFF_TAP | IFF_NO_PI`): what the kernel sends on
/// the interface is read from fd() as Ethernet frames, what is written there it receives. The
/// interface exists while this object does. Its descriptors are non-blocking and stay in the
/// namespace the TAP was made in, so the daemon may live elsewhere.
class tap {
  public:
    /// @brief Creates the TAP `p` names; the error says what is missing (the device node, the
    /// privilege, a free name).
    static result<tap> open(const tap_params& p) {
        if (p.name.empty() || p.name.size() >= IFNAMSIZ)
            return make_error(errc::bad_value, "a TAP name has 1 to 15 characters");
        tap t;
        auto made = in_netns(p.netns, [&]() -> result<void> {
            unique_fd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
            if (!fd)
                return make_error(errno == ENOENT ? errc::not_found : errc::permission,
                                  errno == ENOENT ? "/dev/net/tun is missing (the tun module)"
                                                  : "cannot open /dev/net/tun (needs root or "
                                                    "CAP_NET_ADMIN)");
            ifreq ifr{};
            ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
            std::memcpy(ifr.ifr_name, p.name.data(), p.name.size());
            if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0)
                return make_error(errno == EBUSY ? errc::already : errc::permission,
                                  errno == EBUSY ? "an interface of that name exists"
                                                 : "TUNSETIFF refused (creating a TAP needs "
                                                   "CAP_NET_ADMIN)");
            unique_fd ctl(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
            if (!ctl) return make_error(errc::io, "cannot open a socket for the TAP's settings");
            t.fd_ = std::move(fd);
            t.ctl_ = std::move(ctl);
            return {};
        });
        if (!made) return made.err();
        t.name_ = p.name;
        if (auto r = t.set_address(p.addr); !r) return r.err();
        ifreq ifr = t.request();
        ifr.ifr_mtu = p.mtu;
        if (::ioctl(t.ctl_.get(), SIOCSIFMTU, &ifr) != 0)
            return make_error(errc::bad_value, "the TAP refused the MTU");
        return t;
    }

    /// @brief The descriptor frames are read from and written to (non-blocking).
    int fd() const noexcept { return fd_.get(); }
    /// @brief The interface's name.
    const std::string& name() const noexcept { return name_; }

    /// @brief The interface's MAC address (a TAP takes a new one while up).
    result<void> set_address(const mac_address& a) {
        ifreq ifr = request();
        ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
        std::memcpy(ifr.ifr_hwaddr.sa_data, a.octets.data(), 6);
        if (::ioctl(ctl_.get(), SIOCSIFHWADDR, &ifr) != 0)
            return make_error(errc::bad_value, "the TAP refused the MAC address");
        return {};
    }
    /// @brief Administratively up or down (`ip link set … up`).
    result<void> set_up(bool up) {
        ifreq ifr = request();
        if (::ioctl(ctl_.get(), SIOCGIFFLAGS, &ifr) != 0)
            return make_error(errc::io, "cannot read the TAP's flags");
        ifr.ifr_flags =
            static_cast<short>(up ? (ifr.ifr_flags | IFF_UP) : (ifr.ifr_flags & ~IFF_UP));
        if (::ioctl(ctl_.get(), SIOCSIFFLAGS, &ifr) != 0)
            return make_error(errc::io, "cannot set the TAP's flags");
        return {};
    }
    /// @brief The link below: carrier on while associated or in a group (`LOWER_UP`), off when
    /// the link is gone, so the kernel stops routing through the interface.
    result<void> set_carrier(bool on) {
        int carrier = on ? 1 : 0;
        if (::ioctl(fd_.get(), TUNSETCARRIER, &carrier) != 0)
            return make_error(errc::not_supported, "the kernel has no TUNSETCARRIER");
        return {};
    }
    /// @brief An IPv4 address and netmask (network order) on the interface (`ip addr add`).
    result<void> set_ipv4(const std::array<std::uint8_t, 4>& addr,
                          const std::array<std::uint8_t, 4>& mask) {
        auto put = [this](unsigned long req, const std::array<std::uint8_t, 4>& a) {
            ifreq ifr = request();
            sockaddr_in sin{};
            sin.sin_family = AF_INET;
            std::memcpy(&sin.sin_addr, a.data(), 4);
            std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
            return ::ioctl(ctl_.get(), req, &ifr) == 0;
        };
        if (!put(SIOCSIFADDR, addr) || !put(SIOCSIFNETMASK, mask))
            return make_error(errc::bad_value, "the TAP refused the IPv4 address");
        return {};
    }

  private:
    tap() = default;
    ifreq request() const noexcept {
        ifreq ifr{};
        std::memcpy(ifr.ifr_name, name_.data(), name_.size());
        return ifr;
    }

    unique_fd fd_, ctl_;
    std::string name_;
};

/// @brief The mac::net policy of interfaces backed by TAPs, for a stack in real time. Frames
/// the kernel sends on a TAP become `transmit` on its interface; frames the MAC delivers are
/// written into the interface's TAP. While the driver's queue is full (`room` says no), no TAP
/// is read: the frames wait in the kernel's queue (back-pressure, as a stopped netdev queue),
/// and reading resumes at the next TX status (`tx_room`), or at the latest after `recheck` (a
/// driver that completes frames at once, a pool that was empty). Nothing is buffered here.
/// Its state lives apart from the object, so the stack may move it in.
/// @tparam Time a time policy with real_time's watch() and unwatch()
/// @tparam Pool the buffer pool frames read from a TAP are allocated from
template <class Time, class Pool>
class tap_net {
  public:
    /// Hands an 802.3 frame to the MAC on `vif`; false when the MAC dropped it.
    using transmit_fn = detail::inplace_function<bool(std::uint8_t vif, frame_buffer&&)>;
    /// Whether the driver takes another frame now.
    using room_fn = detail::inplace_function<bool()>;
    static constexpr std::size_t max_interfaces = mac::max_interfaces;
    /// Frames read from one TAP per wake-up, so one busy TAP does not starve the loop.
    static constexpr int read_batch = 16;
    /// How long a held TAP waits at most before `room` is asked again.
    static constexpr duration recheck = std::chrono::milliseconds(1);

    /// @brief What crossed between the TAPs and the MAC, and where frames were dropped.
    struct counters {
        std::uint64_t to_air = 0;       ///< read from a TAP and handed to the MAC
        std::uint64_t mac_dropped = 0;  ///< refused by the MAC (no station, port closed)
        std::uint64_t from_air = 0;     ///< written into a TAP
        std::uint64_t tap_dropped = 0;  ///< not taken by a TAP (down, or its queue full)
        std::uint64_t no_tap = 0;       ///< delivered on an interface without a TAP
        std::uint64_t held = 0;         ///< times reading stopped for a full driver queue
    };

    /// @brief The stack's side, wired once before the first attach().
    void bind(Time& time, Pool& pool, std::size_t headroom, transmit_fn tx, room_fn room) {
        s_->time = &time;
        s_->pool = &pool;
        s_->headroom = headroom;
        s_->transmit = std::move(tx);
        s_->room = std::move(room);
    }
    /// @brief `t` becomes the network side of interface `vif`.
    result<void> attach(std::uint8_t vif, tap t) {
        if (vif >= max_interfaces || !s_->time) return make_error(errc::bad_value, "no such vif");
        if (s_->taps[vif]) return make_error(errc::already, "the interface has a TAP");
        s_->taps[vif].emplace(std::move(t));
        if (!s_->held) s_->watch(vif);
        return {};
    }
    /// @brief The TAP of `vif`, handed back (closing it removes the interface).
    std::optional<tap> detach(std::uint8_t vif) {
        if (vif >= max_interfaces || !s_->taps[vif]) return std::nullopt;
        s_->time->unwatch(s_->taps[vif]->fd());
        return std::exchange(s_->taps[vif], std::nullopt);
    }
    /// @brief The TAP of `vif`, or null.
    tap* find(std::uint8_t vif) noexcept {
        return vif < max_interfaces && s_->taps[vif] ? &*s_->taps[vif] : nullptr;
    }
    const counters& stats() const noexcept { return s_->stats; }

    /// @brief A received 802.3 frame, into the TAP of its interface.
    void deliver(std::uint8_t vif, frame_buffer&& b) {
        if (vif >= max_interfaces || !s_->taps[vif]) {
            ++s_->stats.no_tap;
            return;
        }
        if (::write(s_->taps[vif]->fd(), b.data(), b.size()) == static_cast<ssize_t>(b.size()))
            ++s_->stats.from_air;
        else
            ++s_->stats.tap_dropped;
    }
    /// @brief A TX status freed a place in the driver's queue: held TAPs are read again.
    void tx_room() {
        if (s_->held && s_->room()) s_->resume();
    }

  private:
    struct state {
        Time* time = nullptr;
        Pool* pool = nullptr;
        std::size_t headroom = 0;
        transmit_fn transmit;
        room_fn room;
        std::array<std::optional<tap>, max_interfaces> taps{};
        bool held = false;
        timer_id retry = 0;
        counters stats;

        ~state() {
            if (!time) return;
            time->cancel(retry);
            for (auto& t : taps)
                if (t) time->unwatch(t->fd());
        }
        void watch(std::uint8_t vif) {
            time->watch(taps[vif]->fd(), POLLIN, [this, vif](short) { readable(vif); });
        }
        void hold() {
            held = true;
            ++stats.held;
            for (auto& t : taps)
                if (t) time->unwatch(t->fd());
            arm();
        }
        void arm() {
            retry = time->schedule_in(recheck, [this] {
                retry = 0;
                if (room()) return resume();
                arm();
            });
        }
        void resume() {
            held = false;
            time->cancel(std::exchange(retry, 0));
            for (std::uint8_t v = 0; v < max_interfaces; ++v)
                if (taps[v]) watch(v);
        }
        void readable(std::uint8_t vif) {
            for (int n = 0; n < read_batch && taps[vif]; ++n) {
                if (!room()) return hold();
                auto b = pool->allocate(headroom);
                if (!b) return hold();
                const ssize_t len = ::read(taps[vif]->fd(), b->data(), b->tailroom());
                if (len < 14) return;  // nothing waiting (EAGAIN), or a runt the kernel never sends
                (void)b->put(static_cast<std::size_t>(len));
                if (transmit(vif, std::move(*b)))
                    ++stats.to_air;
                else
                    ++stats.mac_dropped;
            }
        }
    };
    std::unique_ptr<state> s_ = std::make_unique<state>();
};

}  // namespace softmac::net
