// SPDX-License-Identifier: MIT
// p2pd: N simulated P2P devices on one medium, in real time, each with wpa_supplicant's control
// interface, so that wpa_cli (or any wpa_ctrl client) drives them as it drives wpa_supplicant
// on mac80211_hwsim radios:
//
//   p2pd -p /tmp/p2pd -n 2 &
//   wpa_cli -p /tmp/p2pd -i wlan0 p2p_find
//   wpa_cli -p /tmp/p2pd -i wlan1 p2p_find
//   wpa_cli -p /tmp/p2pd -i wlan0 p2p_peers
//
// With -g <path> it also serves wpa_supplicant's global control interface there:
//
//   wpa_cli -g /tmp/p2pd-global interface_add wlan5
//   wpa_cli -g /tmp/p2pd-global p2p_find          (the first device's P2P)
//   wpa_cli -g /tmp/p2pd-global -i wlan5 status   (IFNAME=wlan5 STATUS)
//
// With --tap every data interface (wlan<i>, each P2P group interface) is a Linux TAP device of
// the same name, so the kernel's IP stack sends and receives through the simulated air; with
// --netns <prefix> device i's TAPs live in the network namespace <prefix><i>:
//
//   ip netns add p2p0; ip netns add p2p1
//   p2pd --tap --netns p2p --ip-config -p /tmp/p2pd -n 2 &
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <softmac/drivers/loopback.hpp>
#include <softmac/drivers/rt73/simulated.hpp>
#include <softmac/net/tap.hpp>
#include <softmac/p2p/ctrl/global_server.hpp>
#include <softmac/p2p/ctrl/server.hpp>
#include <softmac/p2p/dbus/device_objects.hpp>
#include <softmac/p2p/device.hpp>

using namespace softmac;
using namespace std::chrono_literals;

namespace {

volatile sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

struct options {
    std::string dir = "/var/run/wpa_supplicant";
    std::string global;  ///< -g: the global control socket
    std::optional<std::uint32_t> group;
    std::size_t devices = 2;
    std::vector<std::string> names;
    std::vector<std::string> configs;  ///< device i's configuration file
    std::string driver = "loopback";   // loopback, rt73 or mixed
    double loss = 0;
    std::string pcap;
    std::uint64_t seed = 1;
    bool tap = false;                 ///< --tap: data interfaces are TAP devices
    std::string netns;                ///< --netns: device i's TAPs in namespace <netns><i>
    bool ip_config = false;           ///< --ip-config: addresses from EAPOL-Key set on the TAPs
    bool airtime = true;              ///< --no-airtime: frames take no time on the air
    std::optional<std::string> dbus;  ///< --dbus[=system|session|<address>]
};

/// What a device needs to publish itself on D-Bus (--dbus).
struct bus_context {
    sdbus::IConnection* connection = nullptr;
    p2p::dbus::root* root = nullptr;
    p2p::dbus::loop_binding* loop = nullptr;
};

/// Devices one daemon runs at most (-n and INTERFACE_ADD).
constexpr std::size_t max_devices = 64;

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
                 "usage: p2pd [-p ctrl_dir] [-g global_ctrl] [-G group] [-n devices]\n"
                 "            [-N name,name,...] [-c config,config,...] [-d loopback|rt73|mixed]\n"
                 "            [-l loss_percent] [-w capture.pcap] [-s seed]\n"
                 "            [--tap [--netns prefix] [--ip-config]] [--no-airtime]\n"
                 "            [--dbus[=system|session|<bus address>]]\n"
                 "Device i is interface wlan<i>; its control socket is <ctrl_dir>/wlan<i>; its\n"
                 "configuration file (wpa_supplicant.conf syntax) the i-th of -c. With -g, the\n"
                 "global control interface adds devices at run time (INTERFACE_ADD; -n 0 starts\n"
                 "with none). --tap makes wlan<i> and each group interface a TAP device of that\n"
                 "name, in namespace <prefix><i> with --netns; --ip-config sets the addresses\n"
                 "the group's 4-way handshake handed out on them. --dbus also serves\n"
                 "wpa_supplicant's D-Bus API (fi.w1.wpa_supplicant1) on that bus.\n");
}

std::optional<options> parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--dbus" || a.starts_with("--dbus=")) {
            o.dbus = a == "--dbus" ? std::string("session") : a.substr(7);
            continue;
        }
        if (a == "--tap" || a == "--ip-config" || a == "--no-airtime") {
            (a == "--tap"         ? o.tap
             : a == "--ip-config" ? o.ip_config
                                  : o.airtime) = a != "--no-airtime";
            continue;
        }
        if (i + 1 >= argc) return std::nullopt;
        const std::string v = argv[++i];
        if (a == "-p") {
            o.dir = v;
        } else if (a == "-g") {
            o.global = v;
        } else if (a == "-G") {
            const group* g = ::getgrnam(v.c_str());
            if (!g) {
                std::fprintf(stderr, "p2pd: no group '%s'\n", v.c_str());
                return std::nullopt;
            }
            o.group = g->gr_gid;
        } else if (a == "-n") {
            if (!parse_number(v, o.devices) || o.devices > max_devices) return std::nullopt;
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
        } else if (a == "--netns") {
            o.netns = v;
        } else {
            return std::nullopt;
        }
    }
    if (o.devices == 0 && o.global.empty()) return std::nullopt;
    if ((!o.netns.empty() || o.ip_config) && !o.tap) return std::nullopt;
    return o;
}

/// What the daemon needs of a device, whatever its driver.
struct device_base {
    virtual ~device_base() = default;
    virtual result<void> start() = 0;
    virtual std::string describe() const = 0;
    virtual const std::string& ifname() const = 0;
    virtual p2p::ctrl::member member() = 0;
    /// INTERFACES on the device's sockets lists every interface of the daemon; TERMINATE ends it.
    virtual void attach_process(p2p::ctrl::process_hooks h) = 0;
    /// With --tap: what crossed between the TAPs and the air, and what was dropped where.
    virtual std::string tap_counters() = 0;
};

/// How a device is made: its interface, driver, configuration file and control directory.
struct device_spec {
    std::uint16_t index;  ///< the wiphy index and the medium's port
    std::string ifname, driver, config, dir;
};

/// Frames the driver may hold before the TAPs are no longer read (the netdev queue stops), and
/// the airtime a transmitter may have queued (the rt73 model completes a frame as it hands it
/// to USB, as rt2x00usb does: its queue is the air's).
constexpr std::size_t tx_queue_limit = 32;
constexpr duration air_queue_limit = std::chrono::milliseconds(4);

template <class Driver>
struct device final : device_base {
    using tap_net = net::tap_net<real_time, heap_pool>;
    using p2p_device =
        p2p::device<Driver, real_time, mac::net<tap_net>, p2p::events<p2p::ctrl::event_relay>>;
    using interface_type = p2p::ctrl::interface<typename p2p_device::engine_type>;

    p2p_device dev;
    interface_type iface;
    p2p::ctrl::server<interface_type, real_time> server;
    std::string driver_name;
    std::string config;
    real_time& clock;
    heap_pool& pool;
    const options& opt;
    std::uint16_t index;
    unique_fd netns;                   ///< the namespace of this device's TAPs (--netns)
    std::optional<net::tap> idle_tap;  ///< wlan<i>'s TAP while it carries no link
    std::vector<std::pair<std::string, std::uint8_t>> links;  ///< TAPs in use: name, vif

    sim::medium<real_time>& air;
    bus_context bus;
    std::optional<p2p::dbus::device_objects<typename p2p_device::engine_type>> objects;

    template <class... Args>
    device(real_time& t, heap_pool& p, const device_spec& d, const options& o, bus_context b,
           p2p::ctrl::server_options so, sim::medium<real_time>& medium, Args&&... driver_args)
        : dev(t, p, params(o, d), medium, std::forward<Args>(driver_args)...),
          iface(dev.engine(), d.dir),
          server(iface, t, std::move(so)),
          driver_name(d.driver),
          config(d.config),
          clock(t),
          pool(p),
          opt(o),
          index(d.index),
          air(medium),
          bus(b) {}

    static p2p::device_params params(const options& o, const device_spec& d) {
        p2p::device_params p{
            .index = d.index, .ifname = d.ifname, .settings = {}, .seed = o.seed * 1000 + d.index};
        p.settings.device_name =
            d.index < o.names.size() ? o.names[d.index] : "softmac-" + std::to_string(d.index);
        return p;
    }
    result<void> start() override {
        if (auto r = dev.start(); !r) return r;
        if (opt.tap)
            if (auto r = open_taps(); !r) return r;
        // The configuration first: its stored groups are on the bus from the start.
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
        if (bus.connection)
            objects.emplace(*bus.connection, *bus.loop, *bus.root, dev.engine(), driver_name,
                            p2p::dbus::access_rule{opt.group});
        // The TAPs and the bus objects follow the events before the control interface reports
        // them, so a client that reads P2P-GROUP-STARTED finds the interface there.
        dev.sink().to = [this, next = std::move(dev.sink().to)](const p2p::event::any& e) {
            if (opt.tap) on_link_event(e);
            if (objects) objects->on_event(e);
            if (next) next(e);
        };
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
    const std::string& ifname() const override { return dev.engine().ifname(); }
    p2p::ctrl::member member() override { return p2p::ctrl::member_of(iface); }
    void attach_process(p2p::ctrl::process_hooks h) override { iface.attach_process(std::move(h)); }
    std::string tap_counters() override {
        const auto& c = dev.net().stats();
        return ifname() + " TAPs: " + std::to_string(c.to_air) + " frames to the air (" +
               std::to_string(c.mac_dropped) + " dropped by the MAC, reading held " +
               std::to_string(c.held) + " times), " + std::to_string(c.from_air) +
               " from the air (" + std::to_string(c.tap_dropped) + " not taken by a TAP, " +
               std::to_string(c.no_tap) + " for an interface without one)";
    }

    // ---- --tap: the interfaces' network side -------------------------------------------------
    /// wlan<i>'s TAP exists from the start (up, no carrier); each group interface's from the
    /// group's start to its removal; the carrier follows the link.
    result<void> open_taps() {
        if (!opt.netns.empty()) {
            const std::string path = "/var/run/netns/" + opt.netns + std::to_string(index);
            netns = unique_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
            if (!netns) {
                std::fprintf(stderr, "p2pd: no network namespace %s (ip netns add %s%u)\n",
                             path.c_str(), opt.netns.c_str(), unsigned(index));
                return make_error(errc::not_found, "no such network namespace");
            }
        }
        auto& stack = dev.wiphy().stack();
        dev.net().bind(
            clock, pool, stack.data().headroom(),
            [&stack](std::uint8_t vif, frame_buffer&& b) {
                return stack.transmit(vif, std::move(b)) != mac::verdict::drop;
            },
            [&stack, &medium = air, port = index] {
                return stack.radio().tx_pending() < tx_queue_limit &&
                       medium.backlog(port) < air_queue_limit;
            });
        auto t = net::tap::open({ifname(), dev.engine().device_address(), 1500, netns.get()});
        if (!t) {
            std::fprintf(stderr, "p2pd: --tap: %s: %s\n", ifname().c_str(), t.err().what);
            return t.err();
        }
        (void)t->set_up(true);
        (void)t->set_carrier(false);
        idle_tap = std::move(*t);
        return {};
    }
    void on_link_event(const p2p::event::any& e) {
        namespace ev = p2p::event;
        if (const auto* g = std::get_if<ev::group_started>(&e)) {
            link_up(g->ifname);
            if (opt.ip_config) set_addresses(*g);
        } else if (const auto* c = std::get_if<ev::connected>(&e)) {
            link_up(c->ifname.empty() ? ifname() : c->ifname);
        } else if (const auto* d = std::get_if<ev::disconnected>(&e)) {
            if (auto* t = linked(d->ifname.empty() ? ifname() : d->ifname))
                (void)t->set_carrier(false);
        } else if (const auto* r = std::get_if<ev::group_removed>(&e)) {
            link_gone(r->ifname);
        }
    }
    net::tap* linked(const std::string& name) {
        for (const auto& [n, vif] : links)
            if (n == name) return dev.net().find(vif);
        return nullptr;
    }
    void link_up(const std::string& name) {
        net::tap* t = linked(name);
        if (!t) {
            const auto* w = dev.config().named(name);
            const auto* rec = w ? dev.wiphy().stack().record(w->vif) : nullptr;
            if (!rec || !rec->data) return;
            std::optional<net::tap> fresh;
            if (name == ifname() && idle_tap) {
                fresh = std::exchange(idle_tap, std::nullopt);
            } else if (auto r = net::tap::open({name, rec->addr(), 1500, netns.get()}); r) {
                fresh = std::move(*r);
                (void)fresh->set_up(true);
            } else {
                std::fprintf(stderr, "p2pd: --tap: %s: %s\n", name.c_str(), r.err().what);
                return;
            }
            (void)fresh->set_address(rec->addr());
            if (auto r = dev.net().attach(w->vif, std::move(*fresh)); !r) {
                std::fprintf(stderr, "p2pd: --tap: %s: %s\n", name.c_str(), r.err().what);
                return;
            }
            links.emplace_back(name, w->vif);
            t = dev.net().find(w->vif);
        }
        (void)t->set_carrier(true);
    }
    /// --ip-config: a client's TAP takes what its GO allocated in the 4-way handshake, a GO's
    /// TAP its own ip_addr_go when it allocates (wpa_supplicant leaves both to the user).
    void set_addresses(const p2p::event::group_started& g) {
        auto* t = linked(g.ifname);
        const auto& s = dev.engine().settings();
        const std::array<std::uint8_t, 4> none{};
        result<void> r;
        if (t && g.ip_allocation)
            r = t->set_ipv4(g.ip_allocation->ip_addr, g.ip_allocation->ip_mask);
        else if (t && g.go && s.ip_addr_start != none)
            r = t->set_ipv4(s.ip_addr_go, s.ip_addr_mask);
        if (!r) std::fprintf(stderr, "p2pd: --ip-config: %s: %s\n", g.ifname.c_str(), r.err().what);
    }
    void link_gone(const std::string& name) {
        const auto it = std::find_if(links.begin(), links.end(),
                                     [&](const auto& l) { return l.first == name; });
        if (it == links.end()) return;
        auto t = dev.net().detach(it->second);
        links.erase(it);
        if (t && name == ifname()) {  // wlan<i> stays, without a link
            (void)t->set_carrier(false);
            idle_tap = std::move(t);
        }  // a group interface's TAP goes with it
    }
};

/// The daemon's devices on one medium; with -g, the global control interface over them.
class daemon_state {
  public:
    explicit daemon_state(const options& o)
        : opt_(o),
          air_(clock_, o.seed),
          pool_(frame_buffer_size, 1024 * max_devices),
          global_({[this](const p2p::ctrl::interface_add& a) { return add(a); },
                   [this](std::string_view ifname) { return remove(ifname); },
                   [] { stop_requested = 1; }}) {}

    real_time& clock() noexcept { return clock_; }
    sim::medium<real_time>& air() noexcept { return air_; }

    /// --dbus: the bus connection, the name fi.w1.wpa_supplicant1 and the root object.
    bool open_dbus() {
        if (!opt_.dbus) return true;
        try {
            bus_ = p2p::dbus::connect(*opt_.dbus);
            bus_->requestName(std::string(p2p::dbus::service_name));
            // CreateInterface and RemoveInterface do what INTERFACE_ADD and _REMOVE do.
            p2p::dbus::process_hooks hooks{
                [this](const std::string& ifname, const std::string& driver,
                       const std::string& confname) {
                    p2p::ctrl::interface_add a;
                    a.ifname = ifname;
                    a.driver = driver;
                    a.confname = confname;
                    return add(a);
                },
                [this](const std::string& ifname) { return remove(ifname); }};
            root_.emplace(*bus_, std::move(hooks), p2p::dbus::access_rule{opt_.group});
            loop_.emplace(clock_, *bus_);
        } catch (const sdbus::Error& e) {
            std::fprintf(stderr, "p2pd: --dbus=%s: %s\n", opt_.dbus->c_str(), e.what());
            return false;
        }
        return true;
    }
    bus_context bus() noexcept {
        return bus_ ? bus_context{bus_.get(), &*root_, &*loop_} : bus_context{};
    }

    result<void> open_global() {
        if (opt_.global.empty()) return {};
        global_server_.emplace(global_, clock_, opt_.global,
                               p2p::ctrl::server_options{opt_.dir, opt_.group, {}, {}});
        return global_server_->open();
    }
    /// Device i of the command line: wlan<i>, its driver from -d, its file from -c.
    result<void> add_initial(std::uint16_t i) {
        const bool rt73 = opt_.driver == "rt73" || (opt_.driver == "mixed" && i % 2 == 1);
        return add_device({next_index_, "wlan" + std::to_string(i), rt73 ? "rt73" : "loopback",
                           i < opt_.configs.size() ? opt_.configs[i] : std::string{}, opt_.dir});
    }
    void describe() const {
        for (const auto& d : devices_) std::printf("p2pd: %s\n", d->describe().c_str());
        if (global_server_) std::printf("p2pd: global control interface %s\n", opt_.global.c_str());
    }
    void clear() {
        if (opt_.tap)
            for (const auto& d : devices_) std::printf("p2pd: %s\n", d->tap_counters().c_str());
        devices_.clear();
    }

  private:
    /// INTERFACE_ADD: wpa_supplicant's driver names mean a loopback radio, `rt73` the rt73
    /// model; the control directory is `ctrl_interface` (its DIR= form too) or p2pd's -p.
    result<void> add(const p2p::ctrl::interface_add& a) {
        std::string driver = a.driver.substr(0, a.driver.find(','));
        if (driver.empty() || driver == "nl80211" || driver == "wext") driver = "loopback";
        if (driver != "loopback" && driver != "rt73")
            return make_error(errc::not_supported, "unknown driver");
        if (devices_.size() >= max_devices) return make_error(errc::busy, "too many devices");
        std::string dir = a.ctrl_interface.empty() ? opt_.dir : a.ctrl_interface;
        if (dir.starts_with("DIR=")) dir = dir.substr(4, dir.find(' ') - 4);
        if (!p2p::ctrl::make_directory(dir, opt_.group))
            return make_error(errc::io, "cannot create the control directory");
        if (auto r = add_device({next_index_, a.ifname, driver, a.confname, dir}); !r) return r;
        std::printf("p2pd: %s\n", devices_.back()->describe().c_str());
        std::fflush(stdout);
        return {};
    }
    result<void> remove(std::string_view ifname) {
        const auto it = std::find_if(devices_.begin(), devices_.end(),
                                     [&](const auto& d) { return d->ifname() == ifname; });
        if (it == devices_.end()) return make_error(errc::not_found, "no such interface");
        global_.leave(ifname);
        devices_.erase(it);  // its sockets close, its radio leaves the medium
        std::printf("p2pd: removed %.*s\n", int(ifname.size()), ifname.data());
        std::fflush(stdout);
        return {};
    }
    result<void> add_device(const device_spec& d) {
        const std::string key = d.ifname;
        p2p::ctrl::server_options so{d.dir, opt_.group, {}, {}};
        if (global_server_)
            so.forward = [this, key](std::string_view to, const p2p::ctrl::event_message& m) {
                global_server_->post(key, to, m);
            };
        std::unique_ptr<device_base> dev;
        if (d.driver == "rt73")
            dev = std::make_unique<device<drivers::rt73::simulated<real_time>>>(
                clock_, pool_, d, opt_, bus(), std::move(so), air_, d.index);
        else
            dev = std::make_unique<device<drivers::loopback<real_time>>>(
                clock_, pool_, d, opt_, bus(), std::move(so), air_,
                drivers::loopback_description(d.index));
        ++next_index_;  // the medium's port, taken even when the device does not start
        if (auto r = dev->start(); !r) return r;
        if (opt_.loss > 0)
            for (std::uint32_t p = 0; p < d.index; ++p) {
                air_.set_link(p, d.index, opt_.loss);
                air_.set_link(d.index, p, opt_.loss);
            }
        global_.join(key, dev->member());
        dev->attach_process({[this](bool ctrl) { return global_.interfaces(ctrl ? "ctrl" : ""); },
                             [] { stop_requested = 1; }});
        devices_.push_back(std::move(dev));
        return {};
    }

    const options& opt_;
    real_time clock_;
    sim::medium<real_time> air_;
    heap_pool pool_;
    p2p::ctrl::global_interface global_;
    std::optional<p2p::ctrl::global_server<real_time>> global_server_;
    std::unique_ptr<sdbus::IConnection> bus_;
    std::optional<p2p::dbus::root> root_;
    std::optional<p2p::dbus::loop_binding> loop_;
    std::vector<std::unique_ptr<device_base>> devices_;
    std::uint16_t next_index_ = 0;
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

    daemon_state d(*opt);
    std::ofstream pcap;
    if (!opt->pcap.empty()) {
        pcap.open(opt->pcap, std::ios::binary);
        if (!pcap) {
            std::fprintf(stderr, "p2pd: cannot write %s\n", opt->pcap.c_str());
            return 1;
        }
        d.air().tap(pcap);
    }
    d.air().set_airtime(opt->airtime);
    // Timers a frame's airtime away fire on time, not up to the default 50 µs slack late.
    ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    if (!d.open_dbus()) return 1;
    if (auto r = d.open_global(); !r) {
        std::fprintf(stderr, "p2pd: %s: %s\n", opt->global.c_str(), r.err().what);
        return 1;
    }
    for (std::uint16_t i = 0; i < opt->devices; ++i)
        if (auto r = d.add_initial(i); !r) {
            std::fprintf(stderr, "p2pd: %s\n", r.err().what);
            return 1;
        }
    d.describe();
    std::printf("p2pd: ready\n");
    std::fflush(stdout);

    while (!stop_requested) d.clock().run_for(50ms);

    d.clear();  // sockets are closed and their files removed
    if (pcap.is_open()) pcap.flush();
    std::printf("p2pd: stopped\n");
    return 0;
}
