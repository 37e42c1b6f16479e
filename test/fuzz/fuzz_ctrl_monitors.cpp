// SPDX-License-Identifier: MIT
// Fuzzes a control socket's monitors through real sockets: each input is a sequence of ATTACH,
// DETACH, LEVEL, PING, events, a client going away without DETACH and coming back, and clients
// that read or do not. After every input a PING is answered, there is at most one monitor per
// client address, no reply or event is longer than the reply limit, and the clients the policy
// would refuse secrets (the last two) never receive an event's secret.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <softmac/p2p/ctrl/socket.hpp>

namespace ctrl = softmac::p2p::ctrl;

namespace {

constexpr std::size_t n_clients = 4;
constexpr std::string_view secret = "SECRET";

/// A wpa_ctrl-style client: bound to its own file, connected to the endpoint.
struct client {
    int fd = -1;
    std::string path, server;
    bool secrets = false;  ///< whether the access policy would show it secrets
    void open() {
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        socklen_t len = 0, slen = 0;
        const auto local = ctrl::detail::unix_address(path, len);
        const auto remote = ctrl::detail::unix_address(server, slen);
        ::unlink(path.c_str());
        if (fd < 0 || !local || !remote ||
            ::bind(fd, reinterpret_cast<const sockaddr*>(&*local), len) != 0 ||
            ::connect(fd, reinterpret_cast<const sockaddr*>(&*remote), slen) != 0)
            std::abort();
    }
    void close() {
        ::close(fd);
        ::unlink(path.c_str());
    }
    void send(std::string_view text) const { (void)::send(fd, text.data(), text.size(), 0); }
    /// The next datagram, if one arrives within `ms`.
    std::optional<std::string> receive(int ms) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, ms) != 1) return std::nullopt;
        char buf[8192];
        const auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) return std::nullopt;
        const std::string text(buf, static_cast<std::size_t>(n));
        if (text.size() > ctrl::max_reply) __builtin_trap();
        if (!secrets && text.find(secret) != std::string::npos) __builtin_trap();
        return text;
    }
    void drain() const {
        while (receive(0)) {
        }
    }
};

struct world {
    /// The client a request came from may see secrets (the access policy's role here).
    bool shows_secrets(const ctrl::datagram& d) const {
        for (const auto& c : clients)
            if (d.from_len > offsetof(sockaddr_un, sun_path) &&
                std::string_view(d.from.sun_path,
                                 ::strnlen(d.from.sun_path, sizeof d.from.sun_path)) == c.path)
                return c.secrets;
        return false;
    }
    std::string dir;
    std::optional<ctrl::endpoint> ep;
    std::array<client, n_clients> clients;
    world() {
        char tmpl[] = "/tmp/softmac-fuzz-ctrl-XXXXXX";
        if (!::mkdtemp(tmpl)) std::abort();
        dir = tmpl;
        auto e = ctrl::endpoint::open(dir + "/wlan0");
        if (!e) std::abort();
        ep.emplace(std::move(*e));
        for (std::size_t i = 0; i < n_clients; ++i) {
            clients[i].path = dir + "/client" + std::to_string(i);
            clients[i].server = dir + "/wlan0";
            clients[i].secrets = i < n_clients / 2;
            clients[i].open();
        }
    }
    /// An event with a secret, and its text for monitors that may not see it.
    void event(std::uint8_t arg) {
        const std::string tail(std::size_t{arg} * 17u, 'e');
        ep->broadcast(arg % 5, {std::string(secret) + tail, "******" + tail});
    }
    /// What a server does with each queued request.
    void serve() {
        while (auto d = ep->receive()) {
            const std::string_view t = d->text;
            if (t == "ATTACH")
                ep->attach(*d, shows_secrets(*d));
            else if (t == "DETACH")
                ep->detach(*d);
            else if (t.starts_with("LEVEL ") && t.size() == 7 && t[6] >= '0' && t[6] <= '9')
                ep->set_level(*d, t[6] - '0');
            else
                (void)ep->reply(*d, "PONG\n");
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static world w;
    for (std::size_t i = 0; i < size; ++i) {
        client& c = w.clients[data[i] % n_clients];
        const std::uint8_t arg = i + 1 < size ? data[i + 1] : 0;
        switch ((data[i] >> 2) % 8) {
            case 0:
                c.send("ATTACH");
                break;
            case 1:
                c.send("DETACH");
                break;
            case 2:
                c.send("LEVEL " + std::to_string(arg % 6));
                ++i;
                break;
            case 3:
                c.send("PING");
                break;
            case 4:  // an event at a level from 0 (MSGDUMP) to 4 (ERROR), up to 4200 octets long
                w.event(arg);
                ++i;
                break;
            case 5:  // the client goes away without DETACH and a new socket takes its name
                c.close();
                c.open();
                break;
            case 6: {  // a request of the next octets, whatever they are
                const std::size_t n = std::min<std::size_t>(arg % 16, size - i - 1);
                c.send(std::string_view(reinterpret_cast<const char*>(data + i + 1), n));
                i += n;
                break;
            }
            default:
                c.drain();
                break;
        }
        w.serve();
        if (w.ep->monitors() > n_clients) __builtin_trap();
    }
    // Every client reads again, and a PING is answered: no sequence leaves the socket wedged.
    for (auto& c : w.clients) c.drain();
    const client& c = w.clients[0];
    c.send("PING");
    w.serve();
    bool pong = false;
    for (int k = 0; k < 64 && !pong; ++k) {
        const auto r = c.receive(1000);
        if (!r) break;
        pong = *r == "PONG\n";
    }
    if (!pong) __builtin_trap();
    for (auto& cl : w.clients) cl.drain();
    return 0;
}
