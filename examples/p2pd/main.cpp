// SPDX-License-Identifier: MIT
// p2pd: N simulated P2P devices on one medium, in real time, each with wpa_supplicant's control
// interface, so that wpa_cli (or any wpa_ctrl client) drives them as it drives wpa_supplicant
// on mac80211_hwsim radios:
//
//   p2pd -p /tmp/p2pd -n 2 &
//   wpa_cli -p /tmp/p2pd -i wlan0 p2p_find
//   wpa_cli -p /tmp/p2pd -i wlan1 p2p_find
//   wpa_cli -p /tmp/p2pd -i wlan0 p2p_peers
#include <grp.h>
#include <signal.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <softmac/drivers/loopback.hpp>
#include <softmac/drivers/rt73/simulated.hpp>
#include <softmac/p2p/ctrl/server.hpp>
#include <softmac/p2p/device.hpp>

using namespace softmac;
using namespace std::chrono_literals;

namespace {

volatile sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

struct counting_net {
    std::size_t frames = 0;
    void deliver(std::uint8_t, frame_buffer&&) { ++frames; }
};

struct options {
    std::string dir = "/var/run/wpa_supplicant";
    std::optional<std::uint32_t> group;
    std::size_t devices = 2;
    std::vector<std::string> names;
    std::vector<std::string> configs;  ///< device i's configuration file
    std::string driver = "loopback";   // loopback, rt73 or mixed
    double loss = 0;
    std::string pcap;
    std::uint64_t seed = 1;
};

/// The P2P Device Name is a WPS Device Name: at most 32 octets.
constexpr std::size_t max_device_name = 32;

/// The whole of `text` as a number: "2abc", "" and "-1" (unsigned) are not numbers.
template <class T>
bool parse_number(const std::string& text, T& value) {
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, value);
    return !text.empty() && ec == std::errc{} && stop == end;
}

void usage() {
    std::fprintf(stderr,
                 "usage: p2pd [-p ctrl_dir] [-G group] [-n devices] [-N name,name,...]\n"
                 "            [-c config,config,...] [-d loopback|rt73|mixed] [-l loss_percent]\n"
                 "            [-w capture.pcap] [-s seed]\n"
                 "Device i is interface wlan<i>; its control socket is <ctrl_dir>/wlan<i>; its\n"
                 "configuration file (wpa_supplicant.conf syntax) the i-th of -c.\n");
}

std::optional<options> parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return std::nullopt;
        const std::string v = argv[++i];
        if (a == "-p") {
            o.dir = v;
        } else if (a == "-G") {
            const group* g = ::getgrnam(v.c_str());
            if (!g) {
                std::fprintf(stderr, "p2pd: no group '%s'\n", v.c_str());
                return std::nullopt;
            }
            o.group = g->gr_gid;
        } else if (a == "-n") {
            if (!parse_number(v, o.devices) || o.devices == 0 || o.devices > 64)
                return std::nullopt;
        } else if (a == "-N") {
            for (std::size_t b = 0, e; b <= v.size(); b = e + 1) {
                e = std::min(v.find(',', b), v.size());
                o.names.push_back(v.substr(b, e - b));
                if (o.names.back().size() > max_device_name) {
                    std::fprintf(stderr, "p2pd: device name '%s' is longer than %zu octets\n",
                                 o.names.back().c_str(), max_device_name);
                    return std::nullopt;
                }
            }
        } else if (a == "-c") {
            for (std::size_t b = 0, e; b <= v.size(); b = e + 1) {
                e = std::min(v.find(',', b), v.size());
                o.configs.push_back(v.substr(b, e - b));
            }
        } else if (a == "-d") {
            if (v != "loopback" && v != "rt73" && v != "mixed") return std::nullopt;
            o.driver = v;
        } else if (a == "-l") {
            double percent = 0;
            if (!parse_number(v, percent) || !std::isfinite(percent) || percent < 0 ||
                percent >= 100)
                return std::nullopt;
            o.loss = percent / 100.0;
        } else if (a == "-w") {
            o.pcap = v;
        } else if (a == "-s") {
            if (!parse_number(v, o.seed)) return std::nullopt;
        } else {
            return std::nullopt;
        }
    }
    return o;
}

/// What the daemon needs of a device, whatever its driver.
struct device_base {
    virtual ~device_base() = default;
    virtual result<void> start() = 0;
    virtual std::string describe() const = 0;
};

template <class Driver>
struct device final : device_base {
    using p2p_device =
        p2p::device<Driver, real_time, mac::net<counting_net>, p2p::events<p2p::ctrl::event_relay>>;
    using interface_type = p2p::ctrl::interface<typename p2p_device::engine_type>;

    p2p_device dev;
    interface_type iface;
    p2p::ctrl::server<interface_type, real_time> server;
    const char* driver_name;
    std::string config;

    template <class... Args>
    device(real_time& t, heap_pool& pool, std::uint16_t i, const options& o, const char* driver,
           Args&&... driver_args)
        : dev(t, pool, params(o, i), std::forward<Args>(driver_args)...),
          iface(dev.engine(), o.dir),
          server(iface, t, {o.dir, o.group, {}}),
          driver_name(driver),
          config(i < o.configs.size() ? o.configs[i] : std::string{}) {}

    static p2p::device_params params(const options& o, std::uint16_t i) {
        p2p::device_params p{.index = i,
                             .ifname = "wlan" + std::to_string(i),
                             .settings = {},
                             .seed = o.seed * 1000 + i};
        p.settings.device_name = i < o.names.size() ? o.names[i] : "softmac-" + std::to_string(i);
        return p;
    }
    result<void> start() override {
        if (auto r = dev.start(); !r) return r;
        if (!config.empty())
            if (auto r = iface.load_config(config); !r) {
                // A parse error names its line; the daemon does not start half configured.
                if (r.err().offset)
                    std::fprintf(stderr, "p2pd: %s:%u: %s\n", config.c_str(),
                                 unsigned(r.err().offset), r.err().what);
                else
                    std::fprintf(stderr, "p2pd: %s: %s\n", config.c_str(), r.err().what);
                return make_error(errc::bad_value, "configuration file refused");
            }
        return server.open();
    }
    std::string describe() const override {
        const auto& engine = dev.engine();
        std::string s = engine.ifname() + " (" + driver_name +
                        ") p2p_device_address=" + engine.device_address().to_string() + " name='" +
                        engine.settings().device_name + "' sockets:";
        for (const auto& p : server.paths()) s += " " + p;
        return s;
    }
};

}  // namespace

int main(int argc, char** argv) {
    const auto opt = parse_args(argc, argv);
    if (!opt) {
        usage();
        return 2;
    }
    // Every signal that ends a daemon ends this one through its loop, so that its sockets are
    // removed; a client or reader gone away (SIGPIPE) is an error return, not the end.
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    // The directory is checked before anything else: one that others could have prepared is
    // refused (each server checks it again when it binds).
    if (std::string why; !p2p::ctrl::make_directory(opt->dir, opt->group, &why)) {
        std::fprintf(stderr, "p2pd: %s\n",
                     why.empty() ? ("cannot create the control directory " + opt->dir).c_str()
                                 : why.c_str());
        return 1;
    }

    real_time clock;
    sim::medium<real_time> air(clock, opt->seed);
    std::ofstream pcap;
    if (!opt->pcap.empty()) {
        pcap.open(opt->pcap, std::ios::binary);
        if (!pcap) {
            std::fprintf(stderr, "p2pd: cannot write %s\n", opt->pcap.c_str());
            return 1;
        }
        air.tap(pcap);
    }
    heap_pool pool(frame_buffer_size, 1024 * opt->devices);
    std::vector<std::unique_ptr<device_base>> devices;
    for (std::uint16_t i = 0; i < opt->devices; ++i) {
        const bool rt73 = opt->driver == "rt73" || (opt->driver == "mixed" && i % 2 == 1);
        if (rt73)
            devices.push_back(std::make_unique<device<drivers::rt73::simulated<real_time>>>(
                clock, pool, i, *opt, "rt73", air, i));
        else
            devices.push_back(std::make_unique<device<drivers::loopback<real_time>>>(
                clock, pool, i, *opt, "loopback", air, drivers::loopback_description(i)));
    }
    for (auto& d : devices)
        if (auto r = d->start(); !r) {
            std::fprintf(stderr, "p2pd: %s\n", r.err().what);
            return 1;
        }
    if (opt->loss > 0)
        for (std::uint32_t a = 0; a < opt->devices; ++a)
            for (std::uint32_t b = 0; b < opt->devices; ++b)
                if (a != b) air.set_link(a, b, opt->loss);
    for (const auto& d : devices) std::printf("p2pd: %s\n", d->describe().c_str());
    std::printf("p2pd: ready\n");
    std::fflush(stdout);

    while (!stop_requested) clock.run_for(50ms);

    devices.clear();  // sockets are closed and their files removed
    if (pcap.is_open()) pcap.flush();
    std::printf("p2pd: stopped\n");
    return 0;
}
