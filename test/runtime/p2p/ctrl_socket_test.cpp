// SPDX-License-Identifier: MIT
// The control sockets: request/reply and events with ctrl::client, monitors and levels, socket
// files and their modes, stale sockets, size limits, credential checks and a long run of
// requests from several clients. A real-time P2P device serves from its own thread.
#include <catch2/catch.hpp>

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <softmac/drivers/loopback.hpp>
#include <softmac/p2p/ctrl/client.hpp>
#include <softmac/p2p/ctrl/server.hpp>
#include <softmac/p2p/device.hpp>

#include "ctrl_text.hpp"

using namespace softmac;
namespace ctrl = softmac::p2p::ctrl;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

/// One loopback P2P device in real time with its control server, served from a thread.
class live_device {
  public:
    using device_type =
        p2p::device<drivers::loopback<real_time>, real_time, p2p::events<ctrl::event_relay>>;
    using interface_type = ctrl::interface<device_type::engine_type>;

    /// `group`: the control group (`-G`). `with_peer`: a second device (wlan1, no control
    /// socket) on the same air, looking for devices from the start, for wlan0 to find.
    explicit live_device(const std::string& name, ctrl::access_policy access = {},
                         std::optional<std::uint32_t> group = {}, bool with_peer = false)
        : dir_(std::string(SOFTMAC_TEST_TMPDIR) + "/" + name),
          air_(clock_, 7),
          dev_(clock_, pool_, {.index = 0, .ifname = "wlan0", .settings = {}, .seed = 7}, air_,
               drivers::loopback_description(0)),
          iface_(dev_.engine(), dir_),
          server_(iface_, clock_, {dir_, group, access, {}}) {
        fs::remove_all(dir_);
        REQUIRE(dev_.start());
        REQUIRE(server_.open());
        if (with_peer) {
            peer_.emplace(
                clock_, pool_,
                p2p::device_params{.index = 1, .ifname = "wlan1", .settings = {}, .seed = 8}, air_,
                drivers::loopback_description(1));
            REQUIRE(peer_->start());
            REQUIRE(peer_->engine().find());
        }
        thread_ = std::thread([this] {
            while (!stop_) clock_.run_for(10ms);
        });
    }
    live_device(const live_device&) = delete;
    live_device& operator=(const live_device&) = delete;
    ~live_device() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::string path() const { return dir_ + "/wlan0"; }
    const std::string& dir() const { return dir_; }
    ctrl::client connect() {
        auto c = ctrl::client::open(path(), dir_);
        REQUIRE(c);
        return std::move(*c);
    }
    /// Only once stopped.
    const ctrl::server<interface_type, real_time>& server() const { return server_; }

  private:
    std::string dir_;
    real_time clock_;
    sim::medium<real_time> air_;
    heap_pool pool_{frame_buffer_size, 512};
    device_type dev_;
    std::optional<device_type> peer_;
    interface_type iface_;
    ctrl::server<interface_type, real_time> server_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::string reply(ctrl::client& c, std::string_view cmd) {
    auto r = c.request(cmd, 5s);
    INFO(cmd);
    REQUIRE(r);
    return *r;
}
/// Waits for an event starting with `prefix` (after the level), up to `limit`.
std::optional<std::string> event(ctrl::client& c, std::string_view prefix,
                                 std::chrono::milliseconds limit = 3000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end)
        if (auto e = c.next_event(100ms); e && e->substr(3).starts_with(prefix)) return e;
    return std::nullopt;
}
unsigned permissions_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("Requests, replies, monitors and levels over the socket", "[ctrl][socket]") {
    live_device dev("socket_basic");
    auto c = dev.connect();
    CHECK(reply(c, "PING") == "PONG\n");
    CHECK(reply(c, "IFNAME") == "wlan0");
    CHECK(reply(c, "DETACH") == "FAIL\n");  // not attached
    CHECK(reply(c, "LEVEL 2") == "FAIL\n");
    CHECK(reply(c, "ATTACH") == "OK\n");
    CHECK(reply(c, "P2P_FIND") == "OK\n");
    CHECK(reply(c, "P2P_STOP_FIND") == "OK\n");
    const auto stopped = event(c, "P2P-FIND-STOPPED");
    REQUIRE(stopped);
    CHECK(*stopped == "<3>P2P-FIND-STOPPED ");

    // Level 4 hides level-3 events; back at 3 they come again. A second monitor at level 3 shows
    // that the hidden event was sent.
    auto witness = dev.connect();
    CHECK(reply(witness, "ATTACH") == "OK\n");
    CHECK(reply(c, "LEVEL 4") == "OK\n");
    CHECK(reply(c, "P2P_FIND") == "OK\n");
    CHECK(reply(c, "P2P_STOP_FIND") == "OK\n");
    CHECK(event(witness, "P2P-FIND-STOPPED"));
    CHECK_FALSE(event(c, "P2P-FIND-STOPPED", 500ms));
    CHECK(reply(c, "LEVEL 3") == "OK\n");
    CHECK(reply(c, "P2P_FIND") == "OK\n");
    CHECK(reply(c, "P2P_STOP_FIND") == "OK\n");
    CHECK(event(c, "P2P-FIND-STOPPED"));
    CHECK(reply(witness, "DETACH") == "OK\n");

    // The device's events also reach monitors of p2p-dev-wlan0; IFNAME= routes a request.
    auto dev_socket = ctrl::client::open(dev.dir() + "/p2p-dev-wlan0", dev.dir());
    REQUIRE(dev_socket);
    CHECK(reply(*dev_socket, "ATTACH") == "OK\n");
    CHECK(reply(*dev_socket, "IFNAME") == "p2p-dev-wlan0");
    CHECK(reply(*dev_socket, "IFNAME=wlan0 IFNAME") == "wlan0");
    CHECK(reply(c, "P2P_FIND") == "OK\n");
    CHECK(reply(c, "P2P_STOP_FIND") == "OK\n");
    CHECK(event(*dev_socket, "P2P-FIND-STOPPED"));
    CHECK(event(c, "P2P-FIND-STOPPED"));
    CHECK(reply(c, "DETACH") == "OK\n");
    CHECK(reply(c, "DETACH") == "FAIL\n");
    CHECK(reply(c, "STA-FIRST") == "FAIL\n");
    CHECK(reply(c, "LIST_NETWORKS") == "network id / ssid / bssid / flags\n");
    CHECK(reply(c, "frobnicate") == "UNKNOWN COMMAND\n");
}

TEST_CASE("Socket files: modes, stale files replaced, live ones kept, removal at exit",
          "[ctrl][socket]") {
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_files";
    {
        live_device dev("socket_files");
        CHECK(permissions_of(dir) == 0770);
        CHECK(permissions_of(dev.path()) == 0770);
        CHECK(fs::is_socket(dev.path()));
        CHECK(fs::is_socket(dir + "/p2p-dev-wlan0"));
        // Another server may not take a path a live server answers on.
        auto second = ctrl::endpoint::open(dev.path());
        REQUIRE_FALSE(second);
        CHECK(second.err().code == errc::busy);
    }
    CHECK_FALSE(fs::exists(dir + "/wlan0"));  // both were sockets while the device ran
    CHECK_FALSE(fs::exists(dir + "/p2p-dev-wlan0"));

    // A socket file nobody serves (a crashed daemon's) is replaced.
    const std::string stale = dir + "/wlan9";
    {
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
        socklen_t len = 0;
        auto a = ctrl::detail::unix_address(stale, len);
        REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&*a), len) == 0);
        ::close(fd);
    }
    REQUIRE(fs::is_socket(stale));
    auto ep = ctrl::endpoint::open(stale);
    REQUIRE(ep);
    CHECK(ep->path() == stale);
}

TEST_CASE("A control group owns the directory and the sockets", "[ctrl][socket]") {
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_group";
    fs::remove_all(dir);
    const std::uint32_t group = ::getegid();
    REQUIRE(ctrl::make_directory(dir, group));
    CHECK(permissions_of(dir) == 0750);
    auto ep = ctrl::endpoint::open(dir + "/wlan0", group);
    REQUIRE(ep);
    struct stat st {};
    REQUIRE(::stat((dir + "/wlan0").c_str(), &st) == 0);
    CHECK(st.st_gid == group);
    CHECK((st.st_mode & 0777) == 0770);
}

TEST_CASE("Request size limit: 8192 octets answered, longer dropped unanswered", "[ctrl][socket]") {
    live_device dev("socket_sizes");
    auto c = dev.connect();
    const std::string at_limit(ctrl::max_request, 'X');
    CHECK(reply(c, at_limit) == "UNKNOWN COMMAND\n");
    const std::string too_long(ctrl::max_request + 1, 'X');
    auto r = c.request(too_long, 500ms);
    CHECK_FALSE(r);
    CHECK(reply(c, "PING") == "PONG\n");  // the server is alive: the long request was dropped
}

TEST_CASE("Admin commands are refused to callers outside the allowed users and group",
          "[ctrl][socket][access]") {
    const bool root = ::geteuid() == 0;
    // Not root: the allowed user is someone else. Root: the kernel carries the credentials
    // we give, so we speak as nobody.
    ctrl::access_policy policy;
    if (!root) policy.owner = ::geteuid() + 1;
    policy.group = 4242;
    live_device dev("socket_access", policy);

    const std::string me = dev.dir() + "/forged";
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    socklen_t len = 0, slen = 0;
    auto local = ctrl::detail::unix_address(me, len);
    auto server = ctrl::detail::unix_address(dev.path(), slen);
    ::unlink(me.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&*local), len) == 0);
    // A user is answered only at a socket file of that user's.
    if (root) REQUIRE(::chown(me.c_str(), 65534, 65534) == 0);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&*server), slen) == 0);
    auto ask = [&](std::string_view cmd, std::uint32_t uid, std::uint32_t gid) {
        iovec iov{const_cast<char*>(cmd.data()), cmd.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))]{};
        msghdr m{};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        if (root) {
            m.msg_control = control;
            m.msg_controllen = sizeof control;
            cmsghdr* c = CMSG_FIRSTHDR(&m);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_CREDENTIALS;
            c->cmsg_len = CMSG_LEN(sizeof(ucred));
            const ucred u{::getpid(), uid, gid};
            std::memcpy(CMSG_DATA(c), &u, sizeof u);
        }
        REQUIRE(::sendmsg(fd, &m, 0) == static_cast<ssize_t>(cmd.size()));
        pollfd p{fd, POLLIN, 0};
        REQUIRE(::poll(&p, 1, 5000) == 1);
        char buf[4096];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        REQUIRE(n >= 0);
        return std::string(buf, static_cast<std::size_t>(n));
    };
    const std::uint32_t nobody = 65534;
    const std::uint32_t uid = root ? nobody : ::geteuid(), gid = root ? nobody : ::getegid();
    CHECK(ask("PING", uid, gid) == "PONG\n");
    CHECK(ask("STATUS", uid, gid).find("p2p_state=IDLE\n") != std::string::npos);
    CHECK(ask("P2P_FIND", uid, gid) == "FAIL-NOT-PERMITTED\n");
    CHECK(ask("P2P_GROUP_ADD", uid, gid) == "FAIL-NOT-PERMITTED\n");
    CHECK(ask("P2P_GET_PASSPHRASE", uid, gid) == "FAIL-NOT-PERMITTED\n");
    CHECK(ask("STATUS", uid, gid).find("p2p_state=IDLE\n") != std::string::npos);
    if (root) {
        CHECK(ask("P2P_FIND", nobody, 4242) == "OK\n");  // a member of the control group
        CHECK(ask("P2P_STOP_FIND", 0, 0) == "OK\n");     // root
    }
    ::close(fd);
    ::unlink(me.c_str());

    // The same requests from a caller the policy allows (the daemon's own user) succeed: the
    // refusals above are the policy's, not the requests'.
    live_device open_dev("socket_access_owner");
    auto c = open_dev.connect();
    CHECK(reply(c, "P2P_FIND") == "OK\n");
    CHECK(reply(c, "P2P_STOP_FIND") == "OK\n");
    CHECK(reply(c, "P2P_GROUP_ADD") == "OK\n");
    CHECK(reply(c, "P2P_GET_PASSPHRASE").size() == 8);
}

TEST_CASE("10,000 requests from four clients: every one answered, in order", "[ctrl][socket]") {
    live_device dev("socket_load");
    constexpr int clients = 4, per_client = 2500;
    std::atomic<int> wrong{0}, answered{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < clients; ++k)
        threads.emplace_back([&, k] {
            auto c = ctrl::client::open(dev.path(), dev.dir());
            if (!c) {
                wrong += per_client;
                return;
            }
            for (int i = 0; i < per_client; ++i) {
                const bool ping = (i + k) % 2 == 0;
                auto r = c->request(ping ? "PING" : "IFNAME", 5s);
                if (r && *r == (ping ? "PONG\n" : "wlan0"))
                    ++answered;
                else
                    ++wrong;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(answered == clients * per_client);
    CHECK(wrong == 0);
    dev.stop();
    CHECK(dev.server().requests() == clients * per_client);
}

TEST_CASE("A monitor whose socket is gone is dropped", "[ctrl][socket]") {
    live_device dev("socket_dead");
    auto keep = dev.connect();
    CHECK(reply(keep, "ATTACH") == "OK\n");
    {
        auto gone = dev.connect();
        CHECK(reply(gone, "ATTACH") == "OK\n");
    }  // closed and its file removed without DETACH
    CHECK(reply(keep, "P2P_FIND") == "OK\n");
    CHECK(reply(keep, "P2P_STOP_FIND") == "OK\n");
    CHECK(event(keep, "P2P-FIND-STOPPED"));  // sent to both; the dead one's send failed
    dev.stop();
    CHECK(dev.server().monitors() == 1);
}

TEST_CASE("Only a socket nobody answers on is replaced: other files at the path are kept",
          "[ctrl][socket]") {
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_in_the_way";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string target = dir + "/precious";
    std::ofstream(target) << "keep me\n";
    const std::string file = dir + "/wlan0", link = dir + "/wlan1", subdir = dir + "/wlan2";
    std::ofstream(file) << "keep me too\n";
    fs::create_symlink(target, link);
    fs::create_directory(subdir);
    for (const auto& path : {file, link, subdir}) {
        INFO(path);
        auto ep = ctrl::endpoint::open(path);
        CHECK_FALSE(ep);
        if (!ep) CHECK(ep.err().code == errc::already);
    }
    CHECK(fs::is_regular_file(fs::symlink_status(file)));
    CHECK(fs::is_symlink(fs::symlink_status(link)));
    CHECK(fs::is_directory(fs::symlink_status(subdir)));
    std::ifstream in(target);
    std::string text;
    std::getline(in, text);
    CHECK(text == "keep me");
}

TEST_CASE("A symbolic link raced into place never turns chown or chmod onto another file",
          "[ctrl][socket]") {
    // Someone who may write where the directory or the socket is created swaps them for a
    // link to a file of root's while the daemon sets their owner and mode.
    const std::string base = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_race";
    fs::remove_all(base);
    fs::create_directories(base);
    const std::string target = base + "/target";
    std::ofstream(target) << "root's file\n";
    REQUIRE(::chmod(target.c_str(), 0600) == 0);
    const std::uint32_t group = 4242;
    int redirected = 0;
    auto check_target = [&] {
        struct stat st {};
        REQUIRE(::stat(target.c_str(), &st) == 0);
        if ((st.st_mode & 07777) != 0600 || st.st_gid != ::getegid()) {
            ++redirected;
            REQUIRE(::chmod(target.c_str(), 0600) == 0);
            REQUIRE(::chown(target.c_str(), static_cast<uid_t>(-1), ::getegid()) == 0);
        }
    };
    constexpr int attempts = 4000;

    // The daemon knows its socket's file from another socket's file (unix_diag), even one of
    // the same owner.
    {
        auto a = ctrl::endpoint::open(base + "/a"), b = ctrl::endpoint::open(base + "/b");
        REQUIRE(a);
        REQUIRE(b);
        struct stat st {};
        REQUIRE(::stat(a->path().c_str(), &st) == 0);
        CHECK(ctrl::detail::is_bound_file(a->fd(), st));
        CHECK_FALSE(ctrl::detail::is_bound_file(b->fd(), st));
    }
    std::atomic<bool> stop{false};

    const std::string dir = base + "/run";  // the directory, as it is created
    std::thread swap_dir([&] {
        while (!stop)
            if (::rmdir(dir.c_str()) == 0) (void)::symlink(target.c_str(), dir.c_str());
    });
    for (int i = 0; i < attempts; ++i) {
        (void)::unlink(dir.c_str());
        (void)ctrl::make_directory(dir, group);
        check_target();
    }
    stop = true;
    swap_dir.join();
    CHECK(redirected == 0);

    const std::string sockets = base + "/sockets";  // the socket, once bound
    fs::create_directory(sockets);
    const std::string path = sockets + "/wlan0";
    stop = false;
    std::thread swap_socket([&] {
        while (!stop) {
            struct stat st {};
            if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) &&
                ::unlink(path.c_str()) == 0)
                (void)::symlink(target.c_str(), path.c_str());
        }
    });
    for (int i = 0; i < attempts; ++i) {
        (void)::unlink(path.c_str());
        (void)ctrl::endpoint::open(path, group);
        check_target();
    }
    stop = true;
    swap_socket.join();
    CHECK(redirected == 0);
}

TEST_CASE("A control directory of another user, open to others or behind a link is refused",
          "[ctrl][socket]") {
    const std::string base = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_dir_trust";
    fs::remove_all(base);
    fs::create_directories(base);
    auto prepare = [&](const std::string& name, unsigned mode, std::uint32_t uid,
                       std::uint32_t gid) {
        const std::string d = base + "/" + name;
        REQUIRE(::mkdir(d.c_str(), 0700) == 0);
        REQUIRE(::chown(d.c_str(), uid, gid) == 0);
        REQUIRE(::chmod(d.c_str(), mode) == 0);
        return d;
    };
    auto refusal = [](const std::string& d, std::optional<std::uint32_t> group = {}) {
        std::string why;
        return ctrl::make_directory(d, group, &why) ? std::string() : why;
    };
    auto owner_and_mode = [](const std::string& d) {
        struct stat st {};
        REQUIRE(::lstat(d.c_str(), &st) == 0);
        return std::pair{st.st_uid, st.st_mode & 07777};
    };
    const std::uint32_t me = ::geteuid(), my_group = ::getegid();

    if (me == 0) {
        const auto other = prepare("other", 0770, 65534, 65534);
        CHECK(refusal(other) == "control directory " + other + " is owned by uid 65534: refusing");
        CHECK(refusal(other, my_group) == refusal(other));
        CHECK(owner_and_mode(other) == std::pair{65534u, 0770u});  // untouched
    } else {
        WARN("not root: a directory of another user is not tried");
    }
    const auto open = prepare("open", 0777, me, my_group);
    CHECK(refusal(open) == "control directory " + open + " is writable by others: refusing");
    CHECK(owner_and_mode(open) == std::pair{me, 0777u});
    const std::uint32_t stranger = my_group + 4242;
    if (me == 0) {
        const auto grouped = prepare("grouped", 0770, me, stranger);
        CHECK(refusal(grouped) == "control directory " + grouped + " is writable by group " +
                                      std::to_string(stranger) + ": refusing");
        CHECK(refusal(grouped, stranger).empty());  // the control group may write it
        CHECK(owner_and_mode(grouped) == std::pair{me, 0750u});
    }
    // Sticky (like /tmp): others cannot remove or rename what is ours in it; left as it is.
    const auto sticky = prepare("sticky", 01777, me, my_group);
    CHECK(refusal(sticky).empty());
    CHECK(owner_and_mode(sticky) == std::pair{me, 01777u});

    const auto fine = prepare("fine", 0770, me, my_group);
    const std::string link = base + "/link";
    fs::create_directory_symlink(fine, link);
    CHECK(refusal(link) == "control directory " + link + " is a symbolic link: refusing");
    const std::string file = base + "/file";
    std::ofstream(file) << "not a directory\n";
    CHECK(refusal(file) == "control directory " + file + " is not a directory: refusing");
    CHECK(refusal(fine).empty());
    const std::string fresh = base + "/fresh";
    CHECK(refusal(fresh).empty());
    CHECK(owner_and_mode(fresh) == std::pair{me, 0770u});
}

namespace {

/// A wpa_ctrl-like client socket (bound to its own path, connected to the server) that
/// speaks with the credentials it is given (root may give any) and reads only when asked.
class raw_client {
  public:
    raw_client(const std::string& path, const std::string& server,
               std::optional<std::uint32_t> uid = {})
        : path_(path), uid_(uid) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        socklen_t len = 0, slen = 0;
        auto local = ctrl::detail::unix_address(path, len);
        auto remote = ctrl::detail::unix_address(server, slen);
        ::unlink(path.c_str());
        REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&*local), len) == 0);
        if (uid) REQUIRE(::chown(path.c_str(), *uid, *uid) == 0);  // its file is the user's
        REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&*remote), slen) == 0);
    }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;
    ~raw_client() { close(); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        ::unlink(path_.c_str());
    }
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }
    bool send(std::string_view text, int flags = 0) {
        iovec iov{const_cast<char*>(text.data()), text.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))]{};
        msghdr m{};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        if (uid_) {
            m.msg_control = control;
            m.msg_controllen = sizeof control;
            cmsghdr* c = CMSG_FIRSTHDR(&m);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_CREDENTIALS;
            c->cmsg_len = CMSG_LEN(sizeof(ucred));
            const ucred u{::getpid(), *uid_, *uid_};
            std::memcpy(CMSG_DATA(c), &u, sizeof u);
        }
        return ::sendmsg(fd_, &m, flags) == static_cast<ssize_t>(text.size());
    }
    std::optional<std::string> receive(std::chrono::milliseconds timeout = 2000ms) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
        char buf[4096];
        const auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) return std::nullopt;
        return std::string(buf, static_cast<std::size_t>(n));
    }

  private:
    int fd_ = -1;
    std::string path_;
    std::optional<std::uint32_t> uid_;
};

/// What a server does with ATTACH, DETACH and anything else (PING), without a device.
void serve(ctrl::endpoint& ep) {
    while (auto d = ep.receive()) {
        if (d->text == "ATTACH")
            ep.attach(*d, false);
        else if (d->text == "DETACH")
            ep.detach(*d);
        else
            (void)ep.reply(*d, "PONG\n");
    }
}
std::optional<std::string> ask_raw(ctrl::endpoint& ep, raw_client& c, std::string_view text) {
    if (!c.send(text)) return std::nullopt;
    serve(ep);
    return c.receive();
}

}  // namespace

TEST_CASE(
    "ATTACH again from one address keeps one monitor, monitors are bounded, dead ones "
    "are dropped in linear time",
    "[ctrl][socket]") {
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_attach";
    fs::remove_all(dir);
    REQUIRE(ctrl::make_directory(dir, std::nullopt));
    auto ep = ctrl::endpoint::open(dir + "/wlan0");
    REQUIRE(ep);

    // wpa_supplicant updates the monitor of an address that is already attached.
    constexpr int repeats = 20000;
    std::vector<std::unique_ptr<raw_client>> clients;
    clients.push_back(std::make_unique<raw_client>(dir + "/again", ep->path()));
    int ok = 0;
    for (int i = 0; i < repeats; ++i) ok += ask_raw(*ep, *clients[0], "ATTACH") == "OK\n";
    CHECK(ok == repeats);
    CHECK(ep->monitors() == 1);
    CHECK(ask_raw(*ep, *clients[0], "DETACH") == "OK\n");
    CHECK(ask_raw(*ep, *clients[0], "DETACH") == "FAIL\n");
    CHECK(ask_raw(*ep, *clients[0], "ATTACH") == "OK\n");

    // One user has at most max_monitors_per_user; all of them together max_monitors.
    const bool root = ::geteuid() == 0;
    auto attach_as = [&](std::optional<std::uint32_t> uid) {
        clients.push_back(std::make_unique<raw_client>(dir + "/m" + std::to_string(clients.size()),
                                                       ep->path(), uid));
        return ask_raw(*ep, *clients.back(), "ATTACH");
    };
    for (std::size_t i = 1; i < ctrl::endpoint::max_monitors_per_user; ++i)
        CHECK(attach_as(std::nullopt) == "OK\n");
    CHECK(attach_as(std::nullopt) == "FAIL\n");
    CHECK(ep->monitors() == ctrl::endpoint::max_monitors_per_user);
    if (root) {
        for (std::uint32_t uid = 1000; ep->monitors() < ctrl::endpoint::max_monitors; ++uid)
            for (std::size_t i = 0; i < ctrl::endpoint::max_monitors_per_user; ++i)
                CHECK(attach_as(uid) == "OK\n");
        CHECK(ep->monitors() == ctrl::endpoint::max_monitors);
        CHECK(attach_as(2000) == "FAIL\n");
        CHECK(ep->monitors() == ctrl::endpoint::max_monitors);
    }

    // Every monitor's socket is gone: one event drops them all, quickly.
    for (auto& c : clients) c->close();
    const auto start = std::chrono::steady_clock::now();
    ep->broadcast(ctrl::info_level, {"P2P-FIND-STOPPED ", "P2P-FIND-STOPPED "});
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(ep->monitors() == 0);
    CHECK(took < 100ms);
}

TEST_CASE("Replies and events reach the socket that asked, never what its path is swapped for",
          "[ctrl][socket]") {
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_swapped_path";
    fs::remove_all(dir);
    REQUIRE(ctrl::make_directory(dir, std::nullopt));
    auto ep = ctrl::endpoint::open(dir + "/wlan0");
    REQUIRE(ep);
    // Another listening socket the daemon may send to and the client may not (/dev/log).
    const std::string victim_path = dir + "/victim";
    const int victim = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    {
        socklen_t len = 0;
        auto a = ctrl::detail::unix_address(victim_path, len);
        REQUIRE(::bind(victim, reinterpret_cast<const sockaddr*>(&*a), len) == 0);
    }
    auto victim_got = [&] {
        pollfd p{victim, POLLIN, 0};
        if (::poll(&p, 1, 200) != 1) return std::string();
        char buf[4096];
        const auto n = ::recv(victim, buf, sizeof buf, MSG_DONTWAIT);
        return std::string(buf, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    };
    auto swap_for_link = [&](const std::string& path) {
        REQUIRE(::unlink(path.c_str()) == 0);
        REQUIRE(::symlink(victim_path.c_str(), path.c_str()) == 0);
    };

    // A monitor swaps its socket file for a link after ATTACH: events still reach its socket.
    raw_client monitor(dir + "/monitor", ep->path());
    CHECK(ask_raw(*ep, monitor, "ATTACH") == "OK\n");
    swap_for_link(monitor.path());
    ep->broadcast(ctrl::info_level, {"P2P-FIND-STOPPED ", "P2P-FIND-STOPPED "});
    CHECK(victim_got().empty());
    CHECK(monitor.receive(500ms) == "<3>P2P-FIND-STOPPED ");

    // A request whose sender's path is swapped before the reply is sent.
    raw_client late(dir + "/late", ep->path());
    REQUIRE(late.send("PING"));
    auto d = ep->receive();
    REQUIRE(d);
    swap_for_link(late.path());
    (void)ep->reply(*d, "PONG\n");
    CHECK(victim_got().empty());
    CHECK(late.receive(500ms) == "PONG\n");

    // A request sent from a path that is a link already is not answered at all, nor may it
    // attach.
    raw_client early(dir + "/early", ep->path());
    swap_for_link(early.path());
    CHECK_FALSE(ask_raw(*ep, early, "PING"));
    CHECK_FALSE(ask_raw(*ep, early, "ATTACH"));
    CHECK(victim_got().empty());
    CHECK(ep->monitors() == 1);

    if (::geteuid() == 0) {
        // A user's request is answered only at a socket file of that user.
        raw_client foreign(dir + "/foreign", ep->path(), 65534);
        CHECK(ask_raw(*ep, foreign, "PING") == "PONG\n");
        REQUIRE(::chown(foreign.path().c_str(), 0, 0) == 0);
        CHECK_FALSE(ask_raw(*ep, foreign, "PING"));
        CHECK_FALSE(ask_raw(*ep, foreign, "ATTACH"));
        CHECK(ep->monitors() == 1);
    }
    ::close(victim);
}

namespace {

using test::event_field;
/// The `n`th space-separated word of `line`, from 0.
std::string word(std::string_view line, std::size_t n) {
    for (; n > 0 && line.find(' ') != std::string_view::npos; --n)
        line.remove_prefix(line.find(' ') + 1);
    return n ? std::string() : std::string(line.substr(0, line.find(' ')));
}
/// The next event `c` receives starting with `prefix` (after the level), up to `limit`.
std::optional<std::string> event(raw_client& c, std::string_view prefix,
                                 std::chrono::milliseconds limit = 5000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end)
        if (auto e = c.receive(100ms); e && e->size() > 3 && e->substr(3).starts_with(prefix))
            return e;
    return std::nullopt;
}

/// The replies a process of `uid`, primary group `gid` and supplementary `groups` gets to
/// `commands` on the control socket at `path`, from an abstract address of its own. A forked
/// child takes that identity (setgroups, setgid, setuid) before it sends, so every credential
/// is the kernel's, not one root wrote into SCM_CREDENTIALS. `connect_first`: it connects while
/// still root, past the control directory's permissions, so the policy alone decides. The test
/// process has other threads: the child makes only async-signal-safe calls. Root only.
std::vector<std::string> replies_as(std::uint32_t uid, std::uint32_t gid,
                                    const std::vector<gid_t>& groups, bool connect_first,
                                    const std::string& path,
                                    const std::vector<std::string>& commands) {
    static std::atomic<unsigned> counter{0};
    sockaddr_un local{};
    local.sun_family = AF_UNIX;
    const std::string name =
        "softmac-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    std::memcpy(local.sun_path + 1, name.data(), name.size());  // abstract: sun_path[0] is 0
    const auto local_len =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    socklen_t server_len = 0;
    const auto server = ctrl::detail::unix_address(path, server_len);
    REQUIRE(server);
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        auto fail = [&](const char* step) {
            (void)!::write(out[1], step, std::strlen(step) + 1);
            ::_exit(1);
        };
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&local), local_len) != 0)
            fail("ERROR bind");
        const auto to = reinterpret_cast<const sockaddr*>(&*server);
        if (connect_first && ::connect(fd, to, server_len) != 0) fail("ERROR connect as root");
        if (::setgroups(groups.size(), groups.data()) != 0 || ::setgid(gid) != 0 ||
            ::setuid(uid) != 0)
            fail("ERROR dropping privileges");
        if (!connect_first && ::connect(fd, to, server_len) != 0) fail("ERROR connect");
        for (const auto& c : commands) {
            char buf[4096];
            pollfd p{fd, POLLIN, 0};
            if (::send(fd, c.data(), c.size(), 0) != static_cast<ssize_t>(c.size()))
                fail("ERROR send");
            if (::poll(&p, 1, 5000) != 1) fail("ERROR no reply");
            const auto n = ::recv(fd, buf, sizeof buf - 1, 0);
            if (n < 0) fail("ERROR recv");
            buf[n] = '\0';
            (void)!::write(out[1], buf, static_cast<std::size_t>(n) + 1);
        }
        ::_exit(0);
    }
    ::close(out[1]);
    std::string all;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;)
        all.append(buf, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    std::vector<std::string> replies;
    for (std::size_t at = 0, end; (end = all.find('\0', at)) != std::string::npos; at = end + 1)
        replies.push_back(all.substr(at, end - at));
    return replies;
}

}  // namespace

TEST_CASE(
    "Monitors the policy refuses P2P_GET_PASSPHRASE get events with the PIN and passphrase hidden",
    "[ctrl][socket][access]") {
    if (::geteuid() != 0) {
        WARN("not root: a monitor of another user cannot be tried");
        return;
    }
    live_device dev("socket_secrets", {}, std::nullopt, true);
    auto admin = dev.connect();  // the daemon's own user
    raw_client nobody(dev.dir() + "/nobody", dev.path(), 65534);
    CHECK(reply(admin, "ATTACH") == "OK\n");
    REQUIRE(nobody.send("ATTACH"));
    CHECK(nobody.receive() == "OK\n");
    REQUIRE(nobody.send("P2P_GET_PASSPHRASE"));  // the policy's verdict on this monitor
    CHECK(nobody.receive() == "FAIL-NOT-PERMITTED\n");

    // A PIN to show: wlan0 asks the peer to enter one.
    CHECK(reply(admin, "P2P_FIND") == "OK\n");
    const auto found = event(admin, "P2P-DEVICE-FOUND", 10000ms);
    REQUIRE(found);
    const auto peer = event_field(*found, "p2p_dev_addr");
    CHECK(reply(admin, "P2P_PROV_DISC " + peer + " keypad") == "OK\n");
    const auto shown = event(admin, "P2P-PROV-DISC-SHOW-PIN", 10000ms);
    REQUIRE(shown);
    const auto pin = word(*shown, 2);
    CHECK(pin.size() == 8);
    CHECK(*shown == "<3>P2P-PROV-DISC-SHOW-PIN " + peer + " " + pin);
    const auto hidden = event(nobody, "P2P-PROV-DISC-SHOW-PIN");
    REQUIRE(hidden);
    CHECK(*hidden == "<3>P2P-PROV-DISC-SHOW-PIN " + peer + " *");

    // A passphrase: an autonomous GO.
    CHECK(reply(admin, "P2P_STOP_FIND") == "OK\n");
    CHECK(reply(admin, "P2P_GROUP_ADD") == "OK\n");
    const auto started = event(admin, "P2P-GROUP-STARTED");
    REQUIRE(started);
    const auto passphrase = reply(admin, "P2P_GET_PASSPHRASE");
    REQUIRE(passphrase.size() == 8);
    const auto quoted = "passphrase=\"" + passphrase + "\"";
    const auto at = started->find(quoted);
    REQUIRE(at != std::string::npos);
    auto expected = *started;
    expected.replace(at, quoted.size(), "passphrase=\"*\"");
    const auto redacted = event(nobody, "P2P-GROUP-STARTED");
    REQUIRE(redacted);
    CHECK(*redacted == expected);  // the rest of the event as it is
}

TEST_CASE("A member of the control group by a supplementary group may run admin commands",
          "[ctrl][socket][access]") {
    if (::geteuid() != 0) {
        WARN("not root: a process of another user cannot be made");
        return;
    }
    const std::uint32_t group = 4242, nobody = 65534;
    live_device dev("socket_supplementary", {}, group);
    using replies = std::vector<std::string>;
    // Added by `usermod -aG`: the control group is not the primary group. It reaches the socket
    // through the directory's group permission, as the kernel counts supplementary groups.
    CHECK(replies_as(nobody, nobody, {group}, false, dev.path(),
                     {"P2P_FIND", "P2P_STOP_FIND", "P2P_GET_PASSPHRASE"}) ==
          replies{"OK\n", "OK\n", "FAIL\n"});  // no group yet to tell the passphrase of
    CHECK(replies_as(nobody, nobody, {nobody, group + 1, group}, false, dev.path(),
                     {"P2P_FIND", "P2P_STOP_FIND"}) == replies{"OK\n", "OK\n"});
    // Not a member, or a member of other groups only: refused.
    CHECK(replies_as(nobody, nobody, {}, true, dev.path(), {"P2P_FIND", "PING"}) ==
          replies{"FAIL-NOT-PERMITTED\n", "PONG\n"});
    CHECK(replies_as(nobody, nobody, {group + 1}, true, dev.path(), {"P2P_FIND"}) ==
          replies{"FAIL-NOT-PERMITTED\n"});
    // The primary group still counts.
    CHECK(replies_as(nobody, group, {}, false, dev.path(), {"P2P_FIND", "P2P_STOP_FIND"}) ==
          replies{"OK\n", "OK\n"});
}

namespace {

/// A forked child that takes the identity of `uid` (its primary group too) with supplementary
/// `groups`, sends `text` (unless empty) to the socket at `path` it connected to while root,
/// says so, and then waits until released. Only async-signal-safe calls in the child.
class sender_process {
  public:
    sender_process(std::uint32_t uid, const std::vector<gid_t>& groups, const std::string& path,
                   const std::string& text) {
        socklen_t len = 0;
        const auto server = ctrl::detail::unix_address(path, len);
        REQUIRE(server);
        int hold[2], ready[2];
        REQUIRE(::pipe2(hold, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(hold[1]);
            const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            sockaddr_un local{};
            local.sun_family = AF_UNIX;  // autobind: an abstract address of its own
            const int bound =
                ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(sa_family_t));
            if (bound != 0 ||
                ::connect(fd, reinterpret_cast<const sockaddr*>(&*server), len) != 0 ||
                ::setgroups(groups.size(), groups.data()) != 0 || ::setgid(uid) != 0 ||
                ::setuid(uid) != 0)
                ::_exit(1);
            if (!text.empty() && ::send(fd, text.data(), text.size(), 0) < 0) ::_exit(1);
            char c = 'r';
            if (::write(ready[1], &c, 1) != 1) ::_exit(1);
            (void)!::read(hold[0], &c, 1);  // until released
            ::_exit(0);
        }
        ::close(hold[0]);
        ::close(ready[1]);
        hold_ = hold[1];
        char c;
        const auto said = ::read(ready[0], &c, 1);
        ::close(ready[0]);
        REQUIRE(said == 1);  // it is who it should be, and has sent
    }
    sender_process(const sender_process&) = delete;
    sender_process& operator=(const sender_process&) = delete;
    ~sender_process() { end(); }
    pid_t pid() const { return pid_; }
    /// Lets it exit, and reaps it: its pid is free for another process.
    void end() {
        if (hold_ < 0) return;
        ::close(hold_);
        hold_ = -1;
        int status = 0;
        CHECK(::waitpid(pid_, &status, 0) == pid_);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }

  private:
    pid_t pid_ = -1;
    int hold_ = -1;
};

/// The next request `ep` receives, waiting up to 5 s.
std::optional<ctrl::datagram> next_request(ctrl::endpoint& ep) {
    pollfd p{ep.fd(), POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return std::nullopt;
    return ep.receive();
}

}  // namespace

TEST_CASE(
    "A sender's supplementary groups count while it runs, never those of a process that took its "
    "pid",
    "[ctrl][socket][access]") {
    if (::geteuid() != 0) {
        WARN("not root: a process of another user cannot be made");
        return;
    }
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/socket_pid_reuse";
    fs::remove_all(dir);
    REQUIRE(ctrl::make_directory(dir, std::nullopt));
    auto ep = ctrl::endpoint::open(dir + "/wlan0");
    REQUIRE(ep);
    const std::uint32_t group = 4242, nobody = 65534;
    ctrl::access_policy policy;
    policy.group = group;

    {  // A member that is still running when its request is read.
        sender_process member(nobody, {group}, ep->path(), "P2P_FIND");
        const auto d = next_request(*ep);
        REQUIRE(d);
        CHECK(d->creds.uid == nobody);
        CHECK(policy.allows(*d));
    }
    {  // A member gone by then: nothing tells whose groups /proc/<pid> would show.
        sender_process member(nobody, {group}, ep->path(), "P2P_FIND");
        pollfd p{ep->fd(), POLLIN, 0};
        REQUIRE(::poll(&p, 1, 5000) == 1);
        member.end();
        const auto d = next_request(*ep);
        REQUIRE(d);
        CHECK_FALSE(policy.allows(*d));
    }
    // A stranger sends and exits; a member is made to take its pid before the request is read.
    bool reused = false;
    for (int attempt = 0; attempt < 20 && !reused; ++attempt) {
        sender_process stranger(nobody, {}, ep->path(), "P2P_FIND");
        pollfd p{ep->fd(), POLLIN, 0};
        REQUIRE(::poll(&p, 1, 5000) == 1);
        const pid_t pid = stranger.pid();
        stranger.end();
        {
            std::ofstream last("/proc/sys/kernel/ns_last_pid");
            last << pid - 1;
        }
        sender_process member(nobody, {group}, ep->path(), "");
        const auto d = next_request(*ep);
        REQUIRE(d);
        if (member.pid() != pid) continue;  // another process took it first
        reused = true;
        CHECK(ctrl::detail::lists(ctrl::detail::process_status(static_cast<std::uint32_t>(pid)),
                                  "Groups:", group));
        CHECK(d->creds.pid == static_cast<std::uint32_t>(pid));
        CHECK_FALSE(policy.allows(*d));
    }
    if (!reused) WARN("the stranger's pid went to other processes every time: not tried");
}

TEST_CASE("Clients that never read their replies do not stop replies to others", "[ctrl][socket]") {
    live_device dev("socket_backlog");
    // Each sends 1,000 PINGs and reads none of the PONGs; the second also stays attached.
    raw_client flood(dev.dir() + "/flood", dev.path());
    raw_client flood_monitor(dev.dir() + "/flood_monitor", dev.path());
    REQUIRE(flood_monitor.send("ATTACH"));
    for (int i = 0; i < 1000; ++i) {
        REQUIRE(flood.send("PING"));
        REQUIRE(flood_monitor.send("PING"));
    }
    auto c = dev.connect();
    for (int i = 0; i < 20; ++i) {
        auto r = c.request("PING", 2s);
        REQUIRE(r);
        CHECK(*r == "PONG\n");
    }
    // Events still reach a monitor that reads.
    CHECK(reply(c, "ATTACH") == "OK\n");
    for (int i = 0; i < 50; ++i) {
        CHECK(reply(c, "P2P_FIND") == "OK\n");
        CHECK(reply(c, "P2P_STOP_FIND") == "OK\n");
        REQUIRE(event(c, "P2P-FIND-STOPPED"));
    }
    // The flooders get their PONGs once they read again.
    while (flood.receive(0ms)) {
    }
    CHECK(flood.send("PING"));
    bool pong = false;
    for (int i = 0; i < 50 && !pong; ++i) pong = flood.receive(100ms) == "PONG\n";
    CHECK(pong);
}

TEST_CASE("A group interface's socket exists before P2P-GROUP-STARTED reaches a monitor",
          "[ctrl][socket]") {
    live_device dev("socket_group_order");
    auto c = dev.connect();
    CHECK(reply(c, "ATTACH") == "OK\n");
    // Each round: the moment the event is read, the socket it names answers (a control
    // application opens it then); after the removal the socket goes.
    for (int round = 0; round < 5; ++round) {
        INFO("round " << round);
        CHECK(reply(c, "P2P_GROUP_ADD") == "OK\n");
        const auto started = event(c, "P2P-GROUP-STARTED");
        REQUIRE(started);
        const std::string name = word(*started, 1);
        auto group = ctrl::client::open(dev.dir() + "/" + name, dev.dir());
        REQUIRE(group);
        CHECK(reply(*group, "PING") == "PONG\n");
        CHECK(reply(c, "P2P_GROUP_REMOVE " + name) == "OK\n");
        REQUIRE(event(c, "P2P-GROUP-REMOVED"));
        for (int i = 0; i < 100 && fs::exists(dev.dir() + "/" + name); ++i)
            std::this_thread::sleep_for(10ms);
        CHECK_FALSE(fs::exists(dev.dir() + "/" + name));
    }
}
