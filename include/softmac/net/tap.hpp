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
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/core/detail/inplace_function.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/unique_fd.hpp>
#include <softmac/mac/interface.hpp>

namespace softmac::net {

/// @brief Runs `f` (returning result<void>) with the calling thread in the network namespace
/// `netns` (a descriptor of `/var/run/netns/<name>`; -1: the current one), then back in its own.
/// Descriptors `f` opens keep the namespace they were opened in.
template <class F>
result<void> in_netns(int netns, F&& f) {
    if (netns < 0) return f();
    unique_fd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!home) return make_error(errc::io, "cannot open /proc/thread-self/ns/net");
    if (::setns(netns, CLONE_NEWNET) != 0)
        return make_error(errc::permission,
                          "cannot enter the network namespace (setns needs CAP_SYS_ADMIN)");
    result<void> r = f();
    if (::setns(home.get(), CLONE_NEWNET) != 0)
        return make_error(errc::io, "cannot return to the daemon's network namespace");
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

    int fd() const noexcept { return fd_.get(); }
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
/// and reading resumes at the next TX status (`tx_room`). Nothing is buffered here.
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

    struct counters {
        std::uint64_t to_air = 0;       ///< read from a TAP and handed to the MAC
        std::uint64_t mac_dropped = 0;  ///< refused by the MAC (no station, port closed)
        std::uint64_t from_air = 0;     ///< written into a TAP
        std::uint64_t tap_dropped = 0;  ///< not taken by a TAP (down, or its queue full)
        std::uint64_t no_tap = 0;       ///< delivered on an interface without a TAP
        std::uint64_t held = 0;         ///< times reading stopped for a full driver queue
    };

    tap_net() = default;
    tap_net(tap_net&&) noexcept = default;  ///< before bind() only: the loop holds `this`
    tap_net& operator=(tap_net&&) = delete;
    ~tap_net() {
        for (auto& t : taps_)
            if (t) time_->unwatch(t->fd());
    }

    /// @brief The stack's side, wired once before the first attach().
    void bind(Time& time, Pool& pool, std::size_t headroom, transmit_fn tx, room_fn room) {
        time_ = &time;
        pool_ = &pool;
        headroom_ = headroom;
        transmit_ = std::move(tx);
        room_ = std::move(room);
    }
    /// @brief `t` becomes the network side of interface `vif`.
    result<void> attach(std::uint8_t vif, tap t) {
        if (vif >= max_interfaces || !time_) return make_error(errc::bad_value, "no such vif");
        if (taps_[vif]) return make_error(errc::already, "the interface has a TAP");
        taps_[vif].emplace(std::move(t));
        if (!held_) watch(vif);
        return {};
    }
    /// @brief The TAP of `vif`, handed back (closing it removes the interface).
    std::optional<tap> detach(std::uint8_t vif) {
        if (vif >= max_interfaces || !taps_[vif]) return std::nullopt;
        time_->unwatch(taps_[vif]->fd());
        return std::exchange(taps_[vif], std::nullopt);
    }
    tap* find(std::uint8_t vif) noexcept {
        return vif < max_interfaces && taps_[vif] ? &*taps_[vif] : nullptr;
    }
    const counters& stats() const noexcept { return stats_; }

    /// @brief A received 802.3 frame, into the TAP of its interface.
    void deliver(std::uint8_t vif, frame_buffer&& b) {
        if (vif >= max_interfaces || !taps_[vif]) {
            ++stats_.no_tap;
            return;
        }
        if (::write(taps_[vif]->fd(), b.data(), b.size()) == static_cast<ssize_t>(b.size()))
            ++stats_.from_air;
        else
            ++stats_.tap_dropped;
    }
    /// @brief A TX status freed a place in the driver's queue: held TAPs are read again.
    void tx_room() {
        if (!held_ || !room_()) return;
        held_ = false;
        for (std::uint8_t v = 0; v < max_interfaces; ++v)
            if (taps_[v]) watch(v);
    }

  private:
    void watch(std::uint8_t vif) {
        time_->watch(taps_[vif]->fd(), POLLIN, [this, vif](short) { readable(vif); });
    }
    void hold() {
        held_ = true;
        ++stats_.held;
        for (auto& t : taps_)
            if (t) time_->unwatch(t->fd());
    }
    void readable(std::uint8_t vif) {
        for (int n = 0; n < read_batch && taps_[vif]; ++n) {
            if (!room_()) return hold();
            auto b = pool_->allocate(headroom_);
            if (!b) return hold();
            const ssize_t len = ::read(taps_[vif]->fd(), b->data(), b->tailroom());
            if (len < 14) return;  // nothing waiting (EAGAIN), or a runt the kernel never sends
            (void)b->put(static_cast<std::size_t>(len));
            if (transmit_(vif, std::move(*b)))
                ++stats_.to_air;
            else
                ++stats_.mac_dropped;
        }
    }

    Time* time_ = nullptr;
    Pool* pool_ = nullptr;
    std::size_t headroom_ = 0;
    transmit_fn transmit_;
    room_fn room_;
    std::array<std::optional<tap>, max_interfaces> taps_{};
    bool held_ = false;
    counters stats_;
};

}  // namespace softmac::net
