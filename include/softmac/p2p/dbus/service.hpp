// SPDX-License-Identifier: MIT
/// @file Defines the D-Bus binding of P2P devices (wpa_supplicant 2.10's fi.w1.wpa_supplicant1
/// API over sdbus-c++): the root object, one interface object per device with its P2PDevice
/// methods, properties and signals, peer and group objects, in real_time's poll loop.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/p2p/dbus/names.hpp>
#include <softmac/p2p/events.hpp>
#include <softmac/p2p/services.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::dbus {

/// @brief A D-Bus dictionary (`a{sv}`).
using dict = std::map<std::string, sdbus::Variant>;

/// @brief `s` as a D-Bus string may carry it: valid UTF-8 kept, any other octet (a peer's device
/// name is whatever it sent) replaced by U+FFFD.
inline std::string utf8(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 0;
        bool ok = n != 0 && c != 0 && i + n <= s.size();
        std::uint32_t cp = c & (0x7fu >> n);
        for (std::size_t k = 1; ok && k < n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            ok = (b >> 6) == 2;
            cp = cp << 6 | (b & 0x3fu);
        }
        // No overlong forms, surrogates or code points past U+10FFFF.
        if (ok && n > 1)
            ok = cp >= (n == 2   ? 0x80u
                        : n == 3 ? 0x800u
                                 : 0x10000u) &&
                 cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
        if (ok) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xef\xbf\xbd";
            ++i;
        }
    }
    return out;
}

/// @brief A method's error reply.
[[noreturn]] inline void fail(std::string_view name, const std::string& message = {}) {
    throw sdbus::Error(std::string(name), message.empty() ? std::string(name) : message);
}

/// @brief The bus `where` names: `system`, `session`, or a bus address (`unix:path=…`).
inline std::unique_ptr<sdbus::IConnection> connect(const std::string& where) {
    if (where == "system") return sdbus::createSystemBusConnection();
    if (where == "session" || where.empty()) return sdbus::createSessionBusConnection();
    return sdbus::createSessionBusConnectionWithAddress(where);
}

/// @brief Serves a bus connection from real_time's poll loop: its descriptor is watched, its
/// timeout is a timer, and whatever is pending is processed at once.
class loop_binding {
  public:
    loop_binding(real_time& time, sdbus::IConnection& c) : time_(time), c_(c) { process(); }
    loop_binding(const loop_binding&) = delete;
    loop_binding& operator=(const loop_binding&) = delete;
    ~loop_binding() {
        if (fd_ >= 0) time_.unwatch(fd_);
        time_.cancel(timer_);
        time_.cancel(sweep_);
    }
    /// @brief An object that goes: at once, or after the current dispatch when a method call
    /// ended the object it was called on (Disconnect on a group interface).
    void dispose(std::unique_ptr<sdbus::IObject> o) {
        if (!o) return;
        if (!o->getCurrentlyProcessedMessage()) return o.reset();
        graveyard_.push_back(std::move(o));
        if (!sweep_)
            sweep_ = time_.schedule_in(duration{}, [this] {
                sweep_ = 0;
                graveyard_.clear();
            });
    }
    /// @brief Processes every pending message. A bus that is gone is said once and then left
    /// alone; the daemon's sockets go on.
    void process() {
        if (lost_) return;
        try {
            while (c_.processPendingRequest()) {
            }
            rearm();
        } catch (const sdbus::Error& e) {
            lost_ = true;
            if (fd_ >= 0) time_.unwatch(std::exchange(fd_, -1));
            time_.cancel(std::exchange(timer_, 0));
            std::fprintf(stderr, "softmac: D-Bus connection lost: %s\n", e.getMessage().c_str());
        }
    }
    /// @brief After sending outside a method call (a signal): what the connection waits for
    /// now (its queue to drain, a timeout) is watched, nothing is processed (no re-entry).
    void rearm() {
        if (lost_) return;
        const auto d = c_.getEventLoopPollData();
        if (d.fd != fd_ || d.events != events_) {
            if (fd_ >= 0) time_.unwatch(fd_);
            fd_ = d.fd;
            events_ = d.events;
            time_.watch(fd_, events_, [this](short) { process(); });
        }
        time_.cancel(std::exchange(timer_, 0));
        if (d.timeout_usec != UINT64_MAX) {
            timespec now{};
            ::clock_gettime(CLOCK_MONOTONIC, &now);
            const auto now_us = std::uint64_t(now.tv_sec) * 1'000'000u + now.tv_nsec / 1000;
            const auto wait = d.timeout_usec > now_us ? d.timeout_usec - now_us : 0;
            timer_ = time_.schedule_in(std::chrono::microseconds(wait), [this] {
                timer_ = 0;
                process();
            });
        }
    }

    real_time& time_;
    sdbus::IConnection& c_;
    int fd_ = -1;
    short events_ = 0;
    timer_id timer_ = 0, sweep_ = 0;
    bool lost_ = false;
    std::vector<std::unique_ptr<sdbus::IObject>> graveyard_;
};

/// @brief Who may call the methods that change the radio: root, the daemon's user, and the
/// members of `group` (the control socket's rule).
struct access_rule {
    std::optional<gid_t> group;
    bool allows(const sdbus::Message& m) const {
        const uid_t uid = m.getCredsEuid();
        if (uid == 0 || uid == ::geteuid()) return true;
        if (!group) return false;
        if (m.getCredsEgid() == *group) return true;
        const auto gids = m.getCredsSupplementaryGids();
        return std::find(gids.begin(), gids.end(), *group) != gids.end();
    }
};

/// @brief What CreateInterface and RemoveInterface do in the process (INTERFACE_ADD's and
/// INTERFACE_REMOVE's work); a device that is added registers its objects itself.
struct process_hooks {
    std::function<result<void>(const std::string& ifname, const std::string& driver,
                               const std::string& confname)>
        add;
    std::function<result<void>(const std::string& ifname)> remove;
};

/// @brief `/fi/w1/wpa_supplicant1`: GetInterface, CreateInterface, RemoveInterface, the
/// Interfaces and Capabilities properties and the InterfaceAdded/InterfaceRemoved signals over
/// the devices registered with it.
class root {
  public:
    explicit root(sdbus::IConnection& c, process_hooks hooks = {}, access_rule rule = {})
        : obj_(sdbus::createObject(c, std::string(root_path))),
          hooks_(std::move(hooks)),
          rule_(rule) {
        const std::string i(root_interface);
        obj_->registerMethod("CreateInterface")
            .onInterface(i)
            .withInputParamNames("args")
            .withOutputParamNames("path")
            .implementedAs([this](const dict& args) {
                guard();
                std::string ifname, driver, confname;
                for (const auto& [key, v] : args) {
                    if (v.peekValueType() != "s") fail(error::invalid_args);
                    if (key == "Ifname")
                        ifname = v.get<std::string>();
                    else if (key == "Driver")
                        driver = v.get<std::string>();
                    else if (key == "ConfigFile")
                        confname = v.get<std::string>();
                    else if (key != "BridgeIfname")
                        fail(error::invalid_args);
                }
                if (ifname.empty()) fail(error::invalid_args);
                if (find(ifname))
                    fail(error::interface_exists,
                         "wpa_supplicant already controls this interface.");
                if (!hooks_.add || !hooks_.add(ifname, driver, confname) || !find(ifname))
                    fail(error::unknown_error, "wpa_supplicant couldn't grab this interface.");
                return sdbus::ObjectPath(*find(ifname));
            });
        obj_->registerMethod("RemoveInterface")
            .onInterface(i)
            .withInputParamNames("path")
            .implementedAs([this](const sdbus::ObjectPath& path) {
                guard();
                const auto it = std::find_if(ifaces_.begin(), ifaces_.end(),
                                             [&](const auto& f) { return f.second == path; });
                if (it == ifaces_.end())
                    fail(error::interface_unknown,
                         "wpa_supplicant knows nothing about this interface.");
                if (!hooks_.remove || !hooks_.remove(it->first))
                    fail(error::unknown_error, "wpa_supplicant couldn't remove this interface.");
            });
        // wpas_dbus_getter_global_capabilities: what this build of the supplicant can do.
        obj_->registerProperty("Capabilities").onInterface(i).withGetter([] {
            return std::vector<std::string>{"ap", "p2p"};
        });
        obj_->registerMethod("GetInterface")
            .onInterface(i)
            .withInputParamNames("ifname")
            .withOutputParamNames("path")
            .implementedAs([this](const std::string& ifname) {
                if (const auto* path = find(ifname)) return sdbus::ObjectPath(*path);
                fail(error::interface_unknown,
                     "wpa_supplicant knows nothing about this interface.");
            });
        obj_->registerProperty("Interfaces").onInterface(i).withGetter([this] {
            std::vector<sdbus::ObjectPath> v;
            for (const auto& f : ifaces_) v.emplace_back(f.second);
            return v;
        });
        obj_->registerSignal("InterfaceAdded")
            .onInterface(i)
            .withParameters<sdbus::ObjectPath, dict>("path", "properties");
        obj_->registerSignal("InterfaceRemoved")
            .onInterface(i)
            .withParameters<sdbus::ObjectPath>("path");
        obj_->finishRegistration();
    }
    /// @brief The next interface object's path (a per-process counter from 0).
    std::string next_path() { return interface_path(next_++); }
    void added(const std::string& ifname, const std::string& path) {
        ifaces_.emplace_back(ifname, path);
        obj_->emitSignal("InterfaceAdded")
            .onInterface(std::string(root_interface))
            .withArguments(sdbus::ObjectPath(path), dict{{"Ifname", sdbus::Variant(ifname)}});
        obj_->emitPropertiesChangedSignal(std::string(root_interface), {"Interfaces"});
    }
    void removed(const std::string& path) noexcept {
        std::erase_if(ifaces_, [&](const auto& f) { return f.second == path; });
        try {
            obj_->emitSignal("InterfaceRemoved")
                .onInterface(std::string(root_interface))
                .withArguments(sdbus::ObjectPath(path));
            obj_->emitPropertiesChangedSignal(std::string(root_interface), {"Interfaces"});
        } catch (const sdbus::Error&) {  // a bus that is gone hears nothing more
        }
    }

  private:
    const std::string* find(const std::string& ifname) const {
        for (const auto& [name, path] : ifaces_)
            if (name == ifname) return &path;
        return nullptr;
    }
    void guard() const {
        const auto* m = obj_->getCurrentlyProcessedMessage();
        if (!m || !rule_.allows(*m))
            fail(error::access_denied, "the caller may not add or remove interfaces");
    }

    std::unique_ptr<sdbus::IObject> obj_;
    process_hooks hooks_;
    access_rule rule_;
    std::vector<std::pair<std::string, std::string>> ifaces_;
    unsigned next_ = 0;
};

/// @brief What P2PDevice.Connect asked for (wpas_dbus_handler_p2p_connect's reading of its
/// dictionary); an InvalidArgs error for a key it does not know, a value of the wrong type or
/// out of range, no `peer` or no `wps_method`, or `keypad` without a PIN.
struct connect_request {
    mac_address peer;
    connect_params params;
};
inline connect_request parse_connect(const dict& args) {
    connect_request r;
    std::optional<mac_address> peer;
    bool method = false;
    for (const auto& [key, v] : args) {
        const std::string type = v.peekValueType();
        if (key == "peer" && type == "o") {
            peer = peer_of(v.get<sdbus::ObjectPath>());
            if (!peer) fail(error::invalid_args);
        } else if (key == "persistent" && type == "b") {
            r.params.persistent = v.get<bool>();
        } else if (key == "join" && type == "b") {
            r.params.join = v.get<bool>();
        } else if (key == "authorize_only" && type == "b") {
            r.params.auth = v.get<bool>();
        } else if (key == "frequency" && type == "i") {
            const auto f = v.get<std::int32_t>();
            if (f <= 0 || f > 0xffff) fail(error::invalid_args);
            r.params.freq = static_cast<std::uint16_t>(f);
        } else if (key == "go_intent" && type == "i") {
            const auto g = v.get<std::int32_t>();
            if (g < 0 || g > 15) fail(error::invalid_args);
            r.params.go_intent = static_cast<std::uint8_t>(g);
        } else if (key == "wps_method" && type == "s") {
            const auto m = v.get<std::string>();
            if (m == "pbc")
                r.params.method = wps_method::pbc;
            else if (m == "pin" || m == "display")
                r.params.method = wps_method::display;
            else if (m == "keypad")
                r.params.method = wps_method::keypad;
            else
                fail(error::invalid_args);
            method = true;
        } else if (key == "pin" && type == "s") {
            r.params.pin = v.get<std::string>();
        } else {
            fail(error::invalid_args);
        }
    }
    if (!method || !peer) fail(error::invalid_args);
    if (r.params.method == wps_method::keypad && r.params.pin.empty()) fail(error::invalid_args);
    r.peer = *peer;
    return r;
}
/// @brief P2PDevice.Find's dictionary (wpas_dbus_handler_p2p_find): Timeout, DiscoveryType,
/// freq; RequestedDeviceTypes is taken for the first type.
inline find_params parse_find(const dict& args) {
    find_params p;
    for (const auto& [key, v] : args) {
        const std::string type = v.peekValueType();
        if (key == "Timeout" && type == "i") {
            const auto t = v.get<std::int32_t>();
            p.timeout_s = t > 0 ? static_cast<std::uint32_t>(t) : 0;
        } else if (key == "DiscoveryType" && type == "s") {
            const auto d = v.get<std::string>();
            if (d == "start_with_full")
                p.type = find_type::start_with_full;
            else if (d == "social")
                p.type = find_type::social;
            else if (d == "progressive")
                p.type = find_type::progressive;
            else
                fail(error::invalid_args);
        } else if (key == "freq" && type == "i") {
            const auto f = v.get<std::int32_t>();
            if (f <= 0 || f > 0xffff) fail(error::invalid_args);
            p.freq = static_cast<std::uint16_t>(f);
        } else if (key == "RequestedDeviceTypes" && type == "aay") {
            for (const auto& t : v.get<std::vector<std::vector<std::uint8_t>>>()) {
                if (t.size() != 8) fail(error::invalid_args);
                ieee80211::wps::device_type d;
                d.category = static_cast<std::uint16_t>(t[0] << 8 | t[1]);
                d.oui = std::uint32_t(t[2]) << 24 | std::uint32_t(t[3]) << 16 |
                        std::uint32_t(t[4]) << 8 | t[5];
                d.subcategory = static_cast<std::uint16_t>(t[6] << 8 | t[7]);
                if (!p.dev_type) p.dev_type = d;
            }
        } else {
            fail(error::invalid_args);
        }
    }
    return p;
}

/// @brief One device's objects on the bus: its interface object (`Interface`, `P2PDevice`),
/// its peers' objects, and each group's interface and group objects. Events from the engine
/// come in through on_event(), in the order the engine emits them.
/// @tparam Engine a p2p::engine (the control interface's controllable_engine)
template <class Engine>
class device_objects {
  public:
    device_objects(sdbus::IConnection& c, loop_binding& loop, root& r, Engine& e,
                   std::string driver, access_rule rule)
        : c_(c),
          loop_(loop),
          root_(r),
          e_(e),
          driver_(std::move(driver)),
          rule_(rule),
          path_(r.next_path()),
          obj_(sdbus::createObject(c, path_)) {
        register_interface(*obj_, e_.ifname(), true);
        obj_->finishRegistration();
        root_.added(e_.ifname(), path_);
    }
    device_objects(const device_objects&) = delete;
    device_objects& operator=(const device_objects&) = delete;
    ~device_objects() {
        for (const auto& g : groups_)
            if (g.iface) root_.removed(g.iface_path);
        groups_.clear();
        peers_.clear();
        obj_.reset();
        root_.removed(path_);
    }

    const std::string& path() const noexcept { return path_; }

    /// @brief An engine event: the signals 2.10 emits for it, and the objects it makes or ends.
    void on_event(const event::any& ev) {
        try {
            std::visit([this](const auto& e) { this->on(e); }, ev);
            loop_.rearm();  // signals sent: wait for the queue to drain if it did not
        } catch (const sdbus::Error& e) {
            // The bus refused what the event carried, or is gone: the engine and the control
            // interface go on (wpa_supplicant, too, drops a signal it cannot build).
            std::fprintf(stderr, "softmac: D-Bus: %s: %s\n", e.getName().c_str(),
                         e.getMessage().c_str());
        }
    }

  private:
    struct group_objects {
        std::vector<std::string> members;  ///< a GO's clients, as peer objects
        std::string ifname, iface_path;
        std::optional<std::string> group_path;
        std::unique_ptr<sdbus::IObject> iface, group;
    };

    std::string p2p() const { return std::string(p2p_device_interface); }
    /// Refuses a caller that may not change the radio (the message of the call `o` serves).
    void guard(const sdbus::IObject& o) const {
        const auto* m = o.getCurrentlyProcessedMessage();
        if (!m || !rule_.allows(*m))
            fail(error::access_denied, "the caller may not change the radio");
    }
    template <class T>
    static T or_fail(result<T> r, std::string_view name = error::unknown_error) {
        if (!r) fail(name, r.err().what);
        if constexpr (!std::is_void_v<T>) return std::move(*r);
    }
    static void ok(result<void> r, std::string_view name = error::unknown_error) {
        if (!r) fail(name, r.err().what);
    }

    /// The methods and properties every interface object has; the device's also the P2P ones.
    void register_interface(sdbus::IObject& o, const std::string& ifname, bool device) {
        const std::string i(interface_interface);
        o.registerProperty("Ifname").onInterface(i).withGetter([ifname] { return ifname; });
        o.registerProperty("Driver").onInterface(i).withGetter([this] { return driver_; });
        o.registerProperty("State").onInterface(i).withGetter([this, ifname, device] {
            for (const auto& g : e_.groups())
                if (g.ifname == ifname) return std::string(g.started ? "completed" : "associating");
            return std::string(device ? "disconnected" : "inactive");
        });
        const std::string p = p2p();
        o.registerMethod("Disconnect").onInterface(p).implementedAs([this, &o, ifname] {
            guard(o);
            ok(e_.group_remove(ifname));
        });
        o.registerProperty("Role").onInterface(p).withGetter([this, ifname] {
            for (const auto& g : e_.groups())
                if (g.ifname == ifname) return std::string(g.go ? "GO" : "client");
            return std::string("device");
        });
        o.registerProperty("Group").onInterface(p).withGetter([this, ifname] {
            for (const auto& g : groups_)
                if (g.ifname == ifname && g.group_path) return sdbus::ObjectPath(*g.group_path);
            return sdbus::ObjectPath("/");
        });
        // Invite (wpas_dbus_handler_p2p_invite): a peer to the group running on this interface,
        // or to a stored persistent group.
        o.registerMethod("Invite").onInterface(p).withInputParamNames("args").implementedAs(
            [this, &o, ifname](const dict& args) {
                guard(o);
                invite_params ip;
                std::optional<mac_address> peer;
                for (const auto& [key, v] : args) {
                    if (key == "peer" && v.peekValueType() == "o") {
                        peer = peer_of(v.template get<sdbus::ObjectPath>());
                    } else if (key == "persistent_group_object" && v.peekValueType() == "o") {
                        const auto id = persistent_group_of(v.template get<sdbus::ObjectPath>());
                        if (!id) fail(error::invalid_args);
                        ip.persistent_id = *id;
                    } else {
                        fail(error::invalid_args);
                    }
                }
                if (!peer || !e_.peers().find(*peer)) fail(error::invalid_args);
                ip.peer = *peer;
                if (ip.persistent_id < 0) ip.group = ifname;
                ok(e_.invite(ip));
            });
        if (!device) return;
        o.registerMethod("Find").onInterface(p).withInputParamNames("args").implementedAs(
            [this, &o](const dict& args) {
                guard(o);
                ok(e_.find(parse_find(args)));
            });
        o.registerMethod("StopFind").onInterface(p).implementedAs([this, &o] {
            guard(o);
            e_.stop_find();
        });
        o.registerMethod("Listen").onInterface(p).withInputParamNames("timeout").implementedAs(
            [this, &o](std::int32_t t) {
                guard(o);
                if (t < 0) fail(error::invalid_args);
                ok(e_.listen(static_cast<std::uint32_t>(t)));
            });
        o.registerMethod("Connect")
            .onInterface(p)
            .withInputParamNames("args")
            .withOutputParamNames("generated_pin")
            .implementedAs([this, &o](const dict& args) {
                guard(o);
                auto req = parse_connect(args);
                if (!e_.peers().find(req.peer)) fail(error::invalid_args);
                const bool generated =
                    req.params.method == wps_method::display && req.params.pin.empty();
                auto r = e_.connect(req.peer, req.params);
                if (!r)
                    fail(r.err().code == errc::exhausted       ? error::connect_channel_unavailable
                         : r.err().code == errc::not_supported ? error::connect_channel_unsupported
                                                               : error::connect_unspecified,
                         r.err().what);
                // wpas_p2p_connect's answer: the PIN it made, else 0, as %08d.
                return generated ? *r : std::string("00000000");
            });
        o.registerMethod("Cancel").onInterface(p).implementedAs([this, &o] {
            guard(o);
            ok(e_.cancel());
        });
        o.registerMethod("Flush").onInterface(p).implementedAs([this, &o] {
            guard(o);
            e_.flush();
        });
        o.registerMethod("RejectPeer")
            .onInterface(p)
            .withInputParamNames("peer")
            .implementedAs([this, &o](const sdbus::ObjectPath& peer) {
                guard(o);
                const auto a = peer_of(peer);
                if (!a) fail(error::invalid_args);
                ok(e_.reject(*a));
            });
        o.registerMethod("ProvisionDiscoveryRequest")
            .onInterface(p)
            .withInputParamNames("peer", "config_method")
            .implementedAs([this, &o](const sdbus::ObjectPath& peer, const std::string& method) {
                guard(o);
                const auto a = peer_of(peer);
                wps_method m = wps_method::not_ready;
                if (method == "display") m = wps_method::display;
                if (method == "keypad") m = wps_method::keypad;
                if (method == "pbc" || method == "pushbutton") m = wps_method::pbc;
                if (!a || m == wps_method::not_ready) fail(error::invalid_args);
                ok(e_.prov_disc(*a, m, false));
            });
        o.registerMethod("GroupAdd")
            .onInterface(p)
            .withInputParamNames("args")
            .implementedAs([this, &o](const dict& args) {
                guard(o);
                std::uint16_t freq = 0;
                bool persistent = false;
                for (const auto& [key, v] : args) {
                    if (key == "persistent" && v.peekValueType() == "b") {
                        persistent = v.template get<bool>();
                    } else if (key == "frequency" && v.peekValueType() == "i") {
                        const auto f = v.template get<std::int32_t>();
                        if (f <= 0 || f > 0xffff) fail(error::invalid_args);
                        freq = static_cast<std::uint16_t>(f);
                    } else {
                        fail(error::invalid_args);
                    }
                }
                (void)or_fail(e_.group_add(freq, persistent));
            });
        register_services(o);
        o.registerProperty("Peers").onInterface(p).withGetter([this] {
            std::vector<sdbus::ObjectPath> v;
            for (const auto& [path, slot] : peers_) v.emplace_back(path);
            return v;
        });
        o.registerProperty("P2PDeviceConfig").onInterface(p).withGetter([this] {
            const auto& s = e_.settings();
            return dict{{"DeviceName", sdbus::Variant(utf8(s.device_name))},
                        {"PrimaryDeviceType", sdbus::Variant(type_bytes(s.primary_type))},
                        {"GOIntent", sdbus::Variant(std::uint32_t(s.go_intent))},
                        {"PersistentReconnect", sdbus::Variant(false)}};
        });
        for (const char* s : {"DeviceFound", "DeviceLost", "ProvisionDiscoveryPBCRequest",
                              "ProvisionDiscoveryPBCResponse", "ProvisionDiscoveryRequestEnterPin",
                              "ProvisionDiscoveryResponseEnterPin"})
            o.registerSignal(s).onInterface(p).withParameters<sdbus::ObjectPath>("path");
        o.registerSignal("DeviceFoundProperties")
            .onInterface(p)
            .withParameters<sdbus::ObjectPath, dict>("path", "properties");
        o.registerSignal("FindStopped").onInterface(p);
        for (const char* s :
             {"ProvisionDiscoveryRequestDisplayPin", "ProvisionDiscoveryResponseDisplayPin"})
            o.registerSignal(s).onInterface(p).withParameters<sdbus::ObjectPath, std::string>(
                "peer_object", "pin");
        o.registerSignal("ProvisionDiscoveryFailure")
            .onInterface(p)
            .withParameters<sdbus::ObjectPath, std::int32_t>("peer_object", "status");
        o.registerSignal("GONegotiationRequest")
            .onInterface(p)
            .withParameters<sdbus::ObjectPath, std::uint16_t, std::uint8_t>("path", "dev_passwd_id",
                                                                            "device_go_intent");
        for (const char* s :
             {"GONegotiationSuccess", "GONegotiationFailure", "GroupStarted", "GroupFinished"})
            o.registerSignal(s).onInterface(p).withParameters<dict>("properties");
        o.registerSignal("GroupFormationFailure")
            .onInterface(p)
            .withParameters<std::string>("reason");
        for (const char* s : {"InvitationResult", "InvitationReceived", "ServiceDiscoveryRequest",
                              "ServiceDiscoveryResponse"})
            o.registerSignal(s).onInterface(p).withParameters<dict>("properties");
        o.registerSignal("PersistentGroupAdded")
            .onInterface(p)
            .withParameters<sdbus::ObjectPath, dict>("path", "properties");
        o.registerSignal("PersistentGroupRemoved")
            .onInterface(p)
            .withParameters<sdbus::ObjectPath>("path");
    }

    /// Service discovery and the local services (wpas_dbus_handler_p2p_*service*, *_sd_*).
    void register_services(sdbus::IObject& o) {
        const std::string p = p2p();
        o.registerMethod("ServiceDiscoveryRequest")
            .onInterface(p)
            .withInputParamNames("args")
            .withOutputParamNames("ref")
            .implementedAs([this, &o](const dict& args) {
                guard(o);
                std::optional<mac_address> peer;
                bool upnp = false;
                std::uint32_t version = 0;
                std::string service;
                std::optional<std::vector<std::uint8_t>> tlv;
                for (const auto& [key, v] : args) {
                    const std::string t = v.peekValueType();
                    if (key == "peer_object" && t == "o")
                        peer = peer_of(v.template get<sdbus::ObjectPath>());
                    else if (key == "service_type" && t == "s" &&
                             v.template get<std::string>() == "upnp")
                        upnp = true;
                    else if (key == "version" && t == "u")
                        version = v.template get<std::uint32_t>();
                    else if (key == "service" && t == "s")
                        service = v.template get<std::string>();
                    else if (key == "tlv" && t == "ay")
                        tlv = v.template get<std::vector<std::uint8_t>>();
                    else
                        fail(error::invalid_args);
                }
                if (!peer || !e_.peers().find(*peer)) fail(error::invalid_args);
                if (upnp && (version == 0 || version > 0xff || service.empty()))
                    fail(error::invalid_args);
                if (!upnp && !tlv) fail(error::invalid_args);
                std::vector<std::uint8_t> tlvs =
                    upnp ? service_query{}.upnp(std::uint8_t(version), service).tlvs() : *tlv;
                return std::uint64_t(or_fail(e_.sd_request(*peer, std::move(tlvs))));
            });
        o.registerMethod("ServiceDiscoveryResponse")
            .onInterface(p)
            .withInputParamNames("args")
            .implementedAs([this, &o](const dict& args) {
                guard(o);
                std::optional<mac_address> peer;
                std::optional<std::int32_t> freq, token;
                std::optional<std::vector<std::uint8_t>> tlvs;
                for (const auto& [key, v] : args) {
                    const std::string t = v.peekValueType();
                    if (key == "peer_object" && t == "o")
                        peer = peer_of(v.template get<sdbus::ObjectPath>());
                    else if (key == "frequency" && t == "i")
                        freq = v.template get<std::int32_t>();
                    else if (key == "dialog_token" && t == "i")
                        token = v.template get<std::int32_t>();
                    else if (key == "tlvs" && t == "ay")
                        tlvs = v.template get<std::vector<std::uint8_t>>();
                    else
                        fail(error::invalid_args);
                }
                if (!peer || !freq || *freq <= 0 || *freq > 0xffff || !token || *token < 0 ||
                    *token > 0xff || !tlvs)
                    fail(error::invalid_args);
                e_.sd_respond(std::uint16_t(*freq), *peer, std::uint8_t(*token), std::move(*tlvs));
            });
        o.registerMethod("ServiceDiscoveryCancelRequest")
            .onInterface(p)
            .withInputParamNames("ref")
            .implementedAs([this, &o](std::uint64_t ref) {
                guard(o);
                ok(e_.sd_cancel(ref));
            });
        o.registerMethod("ServiceUpdate").onInterface(p).implementedAs([this, &o] {
            guard(o);
            e_.services().update();
        });
        o.registerMethod("ServiceDiscoveryExternal")
            .onInterface(p)
            .withInputParamNames("arg")
            .implementedAs([this, &o](std::int32_t on) {
                guard(o);
                e_.set_sd_external(on != 0);
            });
        o.registerMethod("FlushService").onInterface(p).implementedAs([this, &o] {
            guard(o);
            e_.services().flush();
        });
        for (const bool add : {true, false})
            o.registerMethod(add ? "AddService" : "DeleteService")
                .onInterface(p)
                .withInputParamNames("args")
                .implementedAs([this, &o, add](const dict& args) {
                    guard(o);
                    std::string type, service;
                    std::uint32_t version = 0;
                    std::optional<std::vector<std::uint8_t>> query, response;
                    for (const auto& [key, v] : args) {
                        const std::string t = v.peekValueType();
                        if (key == "service_type" && t == "s")
                            type = v.template get<std::string>();
                        else if (key == "version" && t == "u")
                            version = v.template get<std::uint32_t>();
                        else if (key == "service" && t == "s")
                            service = v.template get<std::string>();
                        else if (key == "query" && t == "ay")
                            query = v.template get<std::vector<std::uint8_t>>();
                        else if (key == "response" && t == "ay" && add)
                            response = v.template get<std::vector<std::uint8_t>>();
                        else
                            fail(error::invalid_args);
                    }
                    auto& reg = e_.services();
                    if (type == "upnp") {
                        if (version == 0 || version > 0xff || service.empty())
                            fail(error::invalid_args);
                        if (add) return reg.add_upnp(std::uint8_t(version), service);
                        return ok(reg.del_upnp(std::uint8_t(version), service),
                                  error::invalid_args);
                    }
                    if (type != "bonjour" || !query || (add && !response))
                        fail(error::invalid_args);
                    if (add) return reg.add_bonjour(std::move(*query), std::move(*response));
                    ok(reg.del_bonjour(*query), error::invalid_args);
                });
    }

    static std::vector<std::uint8_t> bytes_of(const mac_address& a) {
        return {a.octets.begin(), a.octets.end()};
    }
    static std::vector<std::uint8_t> type_bytes(const ieee80211::wps::device_type& t) {
        return {std::uint8_t(t.category >> 8),    std::uint8_t(t.category),
                std::uint8_t(t.oui >> 24),        std::uint8_t(t.oui >> 16),
                std::uint8_t(t.oui >> 8),         std::uint8_t(t.oui),
                std::uint8_t(t.subcategory >> 8), std::uint8_t(t.subcategory)};
    }
    /// A peer's properties as the Peer object shows them.
    static dict peer_properties(const peer_info& p) {
        std::vector<std::vector<std::uint8_t>> secondary;
        for (const auto& t : p.secondary_types) secondary.push_back(type_bytes(t));
        return dict{{"DeviceName", sdbus::Variant(utf8(p.name))},
                    {"Manufacturer", sdbus::Variant(utf8(p.manufacturer))},
                    {"ModelName", sdbus::Variant(utf8(p.model_name))},
                    {"ModelNumber", sdbus::Variant(utf8(p.model_number))},
                    {"SerialNumber", sdbus::Variant(utf8(p.serial_number))},
                    {"PrimaryDeviceType", sdbus::Variant(type_bytes(p.primary_type))},
                    {"config_method", sdbus::Variant(p.config_methods)},
                    {"level", sdbus::Variant(std::int32_t(-50))},
                    {"devicecapability", sdbus::Variant(p.dev_capab)},
                    {"groupcapability", sdbus::Variant(p.group_capab)},
                    {"SecondaryDeviceTypes", sdbus::Variant(secondary)},
                    {"DeviceAddress", sdbus::Variant(bytes_of(p.dev_addr))}};
    }
    std::string peer_object(const mac_address& dev) { return peer_path(path_, dev); }
    template <class... A>
    void emit(const char* name, A&&... args) {
        obj_->emitSignal(name).onInterface(p2p()).withArguments(std::forward<A>(args)...);
    }

    /// A peer's object: each property typed as 2.10 declares it, read from the latest report.
    template <class F>
    void peer_property(sdbus::IObject& o, const std::string& path, const char* name, F get) {
        o.registerProperty(name)
            .onInterface(std::string(peer_interface))
            .withGetter([this, path, get] {
                const auto it = peers_.find(path);
                if (it == peers_.end()) fail(error::unknown_error, "the peer is gone");
                return get(it->second.info);
            });
    }
    void on(const event::device_found& e) {
        const std::string path = peer_object(e.peer.dev_addr);
        auto& slot = peers_[path];
        slot.info = e.peer;
        if (slot.obj) return;
        slot.obj = sdbus::createObject(c_, path);
        auto& o = *slot.obj;
        peer_property(o, path, "DeviceName", [](const peer_info& p) { return utf8(p.name); });
        peer_property(o, path, "Manufacturer",
                      [](const peer_info& p) { return utf8(p.manufacturer); });
        peer_property(o, path, "ModelName", [](const peer_info& p) { return utf8(p.model_name); });
        peer_property(o, path, "ModelNumber",
                      [](const peer_info& p) { return utf8(p.model_number); });
        peer_property(o, path, "SerialNumber",
                      [](const peer_info& p) { return utf8(p.serial_number); });
        peer_property(o, path, "PrimaryDeviceType",
                      [](const peer_info& p) { return type_bytes(p.primary_type); });
        peer_property(o, path, "config_method",
                      [](const peer_info& p) { return p.config_methods; });
        peer_property(o, path, "level", [](const peer_info&) { return std::int32_t(-50); });
        peer_property(o, path, "devicecapability", [](const peer_info& p) { return p.dev_capab; });
        peer_property(o, path, "groupcapability", [](const peer_info& p) { return p.group_capab; });
        peer_property(o, path, "SecondaryDeviceTypes", [](const peer_info& p) {
            std::vector<std::vector<std::uint8_t>> v;
            for (const auto& t : p.secondary_types) v.push_back(type_bytes(t));
            return v;
        });
        peer_property(o, path, "DeviceAddress",
                      [](const peer_info& p) { return bytes_of(p.dev_addr); });
        peer_property(o, path, "Groups",
                      [](const peer_info&) { return std::vector<sdbus::ObjectPath>{}; });
        o.finishRegistration();
        emit("DeviceFound", sdbus::ObjectPath(path));
        emit("DeviceFoundProperties", sdbus::ObjectPath(path), peer_properties(e.peer));
        obj_->emitPropertiesChangedSignal(p2p(), {"Peers"});
    }
    void on(const event::device_lost& e) {
        const auto it = peers_.find(peer_object(e.dev_addr));
        if (it == peers_.end()) return;
        loop_.dispose(std::move(it->second.obj));
        peers_.erase(it);
        emit("DeviceLost", sdbus::ObjectPath(peer_object(e.dev_addr)));
        obj_->emitPropertiesChangedSignal(p2p(), {"Peers"});
    }
    void on(const event::find_stopped&) { emit("FindStopped"); }
    void on(const event::go_neg_request& e) {
        emit("GONegotiationRequest", sdbus::ObjectPath(peer_object(e.peer)), e.dev_passwd_id,
             e.go_intent);
    }
    void on(const event::go_neg_success& e) {
        dict d{{"peer_object", sdbus::Variant(sdbus::ObjectPath(peer_object(e.peer_dev)))},
               {"status", sdbus::Variant(std::int32_t(0))},
               {"role_go", sdbus::Variant(std::string(e.go ? "GO" : "client"))},
               {"frequency", sdbus::Variant(std::int32_t(e.freq))},
               {"peer_device_addr", sdbus::Variant(bytes_of(e.peer_dev))},
               {"peer_interface_addr", sdbus::Variant(bytes_of(e.peer_iface))},
               {"wps_method", sdbus::Variant(std::string(to_string(e.method)))}};
        emit("GONegotiationSuccess", d);
    }
    void on(const event::go_neg_failure& e) {
        emit("GONegotiationFailure", dict{{"status", sdbus::Variant(std::int32_t(e.status))}});
    }
    void on(const event::group_formation_failure&) { emit("GroupFormationFailure", std::string()); }
    void on(const event::group_started& e) {
        group_objects g;
        g.ifname = e.ifname;
        g.iface_path = e.ifname == e_.ifname() ? path_ : root_.next_path();
        if (g.iface_path != path_) {
            g.iface = sdbus::createObject(c_, g.iface_path);
            register_interface(*g.iface, e.ifname, false);
            g.iface->finishRegistration();
            root_.added(e.ifname, g.iface_path);
        }
        g.group_path = group_path(g.iface_path, e.ssid);
        if (g.group_path) {
            g.group = sdbus::createObject(c_, *g.group_path);
            const std::string i(group_interface);
            const std::vector<std::uint8_t> ssid(e.ssid.begin(), e.ssid.end());
            const bool go = e.go;
            const std::string pass = utf8(e.passphrase), ifname = e.ifname;
            g.group->registerProperty("Role").onInterface(i).withGetter(
                [go] { return std::string(go ? "GO" : "client"); });
            g.group->registerProperty("SSID").onInterface(i).withGetter([ssid] { return ssid; });
            g.group->registerProperty("Frequency").onInterface(i).withGetter([f = e.freq] {
                return f;
            });
            g.group->registerProperty("Passphrase").onInterface(i).withGetter([pass] {
                return pass;
            });
            g.group->registerProperty("BSSID").onInterface(i).withGetter([this, ifname] {
                for (const auto& gr : e_.groups())
                    if (gr.ifname == ifname) return bytes_of(gr.go ? gr.iface_addr : gr.peer_iface);
                return std::vector<std::uint8_t>{};
            });
            g.group->registerProperty("Members").onInterface(i).withGetter([this, ifname] {
                std::vector<sdbus::ObjectPath> v;
                for (const auto& gr : groups_)
                    if (gr.ifname == ifname)
                        for (const auto& m : gr.members) v.emplace_back(m);
                return v;
            });
            for (const char* s : {"PeerJoined", "PeerDisconnected"})
                g.group->registerSignal(s)
                    .onInterface(i)
                    .template withParameters<sdbus::ObjectPath>("peer");
            g.group->registerProperty("Group").onInterface(i).withGetter(
                [p = *g.group_path] { return sdbus::ObjectPath(p); });
            g.group->finishRegistration();
        }
        dict d{{"interface_object", sdbus::Variant(sdbus::ObjectPath(g.iface_path))},
               {"role", sdbus::Variant(std::string(e.go ? "GO" : "client"))},
               {"persistent", sdbus::Variant(e.persistent)},
               {"group_object", sdbus::Variant(sdbus::ObjectPath(g.group_path.value_or("/")))}};
        if (e.ip_allocation) {
            const auto& a = *e.ip_allocation;
            d.emplace("IpAddr", sdbus::Variant(
                                    std::vector<std::uint8_t>(a.ip_addr.begin(), a.ip_addr.end())));
            d.emplace("IpAddrMask", sdbus::Variant(std::vector<std::uint8_t>(a.ip_mask.begin(),
                                                                             a.ip_mask.end())));
            d.emplace("IpAddrGo", sdbus::Variant(std::vector<std::uint8_t>(a.go_ip_addr.begin(),
                                                                           a.go_ip_addr.end())));
        }
        groups_.push_back(std::move(g));
        emit("GroupStarted", d);
    }
    void on(const event::group_removed& e) {
        const auto it = std::find_if(groups_.begin(), groups_.end(),
                                     [&](const auto& g) { return g.ifname == e.ifname; });
        if (it == groups_.end()) return;
        emit("GroupFinished",
             dict{{"interface_object", sdbus::Variant(sdbus::ObjectPath(it->iface_path))},
                  {"role", sdbus::Variant(std::string(e.go ? "GO" : "client"))},
                  {"group_object",
                   sdbus::Variant(sdbus::ObjectPath(it->group_path.value_or("/")))}});
        const std::string gone = it->iface ? it->iface_path : std::string();
        loop_.dispose(std::move(it->group));
        loop_.dispose(std::move(it->iface));
        groups_.erase(it);
        if (!gone.empty()) root_.removed(gone);
    }
    void on(const event::prov_disc_pbc_req& e) {
        emit("ProvisionDiscoveryPBCRequest", sdbus::ObjectPath(peer_object(e.peer.dev_addr)));
    }
    void on(const event::prov_disc_pbc_resp& e) {
        emit("ProvisionDiscoveryPBCResponse", sdbus::ObjectPath(peer_object(e.peer)));
    }
    void on(const event::prov_disc_show_pin& e) {
        emit(e.requester ? "ProvisionDiscoveryResponseDisplayPin"
                         : "ProvisionDiscoveryRequestDisplayPin",
             sdbus::ObjectPath(peer_object(e.peer.dev_addr)), e.pin);
    }
    void on(const event::prov_disc_enter_pin& e) {
        emit(e.requester ? "ProvisionDiscoveryResponseEnterPin"
                         : "ProvisionDiscoveryRequestEnterPin",
             sdbus::ObjectPath(peer_object(e.peer.dev_addr)));
    }
    void on(const event::prov_disc_failure& e) {
        emit("ProvisionDiscoveryFailure", sdbus::ObjectPath(peer_object(e.peer)),
             std::int32_t(e.status));
    }
    void on(const event::invitation_result& e) {
        dict d{{"status", sdbus::Variant(std::int32_t(e.status))}};
        if (!e.bssid.is_zero()) d.emplace("BSSID", sdbus::Variant(bytes_of(e.bssid)));
        emit("InvitationResult", d);
    }
    void on(const event::invitation_received& e) {
        dict d{{"sa", sdbus::Variant(bytes_of(e.sa))},
               {"persistent_id", sdbus::Variant(std::int32_t(e.persistent_id))}};
        if (!e.go_dev.is_zero()) d.emplace("go_dev_addr", sdbus::Variant(bytes_of(e.go_dev)));
        if (!e.bssid.is_zero()) d.emplace("bssid", sdbus::Variant(bytes_of(e.bssid)));
        if (e.freq) d.emplace("op_freq", sdbus::Variant(std::int32_t(e.freq)));
        emit("InvitationReceived", d);
    }
    void on(const event::serv_disc_req& e) {
        emit("ServiceDiscoveryRequest",
             dict{{"peer_object", sdbus::Variant(sdbus::ObjectPath(peer_object(e.sa)))},
                  {"frequency", sdbus::Variant(std::int32_t(e.freq))},
                  {"dialog_token", sdbus::Variant(std::int32_t(e.token))},
                  {"update_indicator", sdbus::Variant(e.update_indicator)},
                  {"tlvs", sdbus::Variant(e.tlvs)}});
    }
    void on(const event::serv_disc_resp& e) {
        emit("ServiceDiscoveryResponse",
             dict{{"peer_object", sdbus::Variant(sdbus::ObjectPath(peer_object(e.sa)))},
                  {"update_indicator", sdbus::Variant(e.update_indicator)},
                  {"tlvs", sdbus::Variant(e.tlvs)}});
    }
    void on(const event::persistent_group_changed& e) {
        const sdbus::ObjectPath path(persistent_group_path(path_, e.id));
        if (e.what == event::persistent_group_changed::change::removed)
            emit("PersistentGroupRemoved", path);
        else if (e.what == event::persistent_group_changed::change::added)
            emit("PersistentGroupAdded", path, dict{});
    }
    void on(const event::ap_sta_connected& e) { member(e.ifname, e.dev_addr, true); }
    void on(const event::ap_sta_disconnected& e) { member(e.ifname, e.dev_addr, false); }
    /// A GO's client joined or left: the group's Members and PeerJoined/PeerDisconnected.
    void member(const std::string& ifname, const mac_address& dev, bool joined) {
        for (auto& g : groups_) {
            if (g.ifname != ifname || !g.group) continue;
            const std::string peer = peer_object(dev);
            std::erase(g.members, peer);
            if (joined) g.members.push_back(peer);
            g.group->emitSignal(joined ? "PeerJoined" : "PeerDisconnected")
                .onInterface(std::string(group_interface))
                .withArguments(sdbus::ObjectPath(peer));
            g.group->emitPropertiesChangedSignal(std::string(group_interface), {"Members"});
        }
    }
    template <class E>
    void on(const E&) {}  // not (yet) a signal of the API

    struct peer_slot {
        peer_info info;
        std::unique_ptr<sdbus::IObject> obj;
    };

    sdbus::IConnection& c_;
    loop_binding& loop_;
    root& root_;
    Engine& e_;
    std::string driver_;
    access_rule rule_;
    std::string path_;
    std::unique_ptr<sdbus::IObject> obj_;
    std::map<std::string, peer_slot> peers_;  ///< by object path
    std::vector<group_objects> groups_;
};

}  // namespace softmac::p2p::dbus
