// SPDX-License-Identifier: MIT
/// @file Defines dbus::peer_objects: the Peer objects of one P2P device on the bus, one per peer
/// the engine reports, with the properties wpa_supplicant 2.10 gives them.
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/dbus/bus.hpp>
#include <softmac/p2p/dbus/names.hpp>
#include <softmac/p2p/events.hpp>

namespace softmac::p2p::dbus {

/// @brief A device's Peer objects (wpas_dbus_register_peer): made when the engine first reports
/// a peer, their properties read from its latest report, gone when the peer is lost.
/// @tparam Engine a p2p::engine
template <class Engine>
class peer_objects {
  public:
    /// The object path of the group running on interface `ifname`, if it has one.
    using group_path_fn = std::function<std::optional<std::string>(const std::string& ifname)>;

    peer_objects(sdbus::IConnection& c, loop_binding& loop, Engine& e, std::string device_path,
                 group_path_fn group_path_of)
        : c_(c),
          loop_(loop),
          e_(e),
          device_path_(std::move(device_path)),
          group_path_of_(std::move(group_path_of)) {}

    std::string path_of(const mac_address& dev) const { return peer_path(device_path_, dev); }
    /// @brief The object paths, in order.
    std::vector<std::string> paths() const {
        std::vector<std::string> v;
        for (const auto& [path, slot] : peers_) v.push_back(path);
        return v;
    }
    /// @brief A peer's latest report; its object is made on first sight.
    /// @return true when the peer is new (its object was made)
    bool found(const peer_info& p) {
        const std::string path = path_of(p.dev_addr);
        auto& slot = peers_[path];
        slot.info = p;
        if (slot.obj) return false;
        slot.obj = sdbus::createObject(c_, path);
        register_properties(*slot.obj, path);
        slot.obj->finishRegistration();
        return true;
    }
    /// @brief The peer's object goes (after the current call); false when it had none.
    bool lost(const mac_address& dev) {
        const auto it = peers_.find(path_of(dev));
        if (it == peers_.end()) return false;
        loop_.dispose(std::move(it->second.obj));
        peers_.erase(it);
        return true;
    }
    void clear() { peers_.clear(); }
    /// @brief The Groups of the peer whose object is `path` changed: PropertiesChanged with
    /// their new value (wpas_dbus_signal_peer_groups_changed); nothing for a peer without one.
    void groups_changed(const std::string& path) {
        const auto it = peers_.find(path);
        if (it != peers_.end() && it->second.obj)
            it->second.obj->emitPropertiesChangedSignal(std::string(peer_interface), {"Groups"});
    }

    /// @brief A peer's properties as DeviceFoundProperties carries them.
    dict properties(const peer_info& p) const {
        std::vector<std::vector<std::uint8_t>> secondary;
        for (const auto& t : p.secondary_types) secondary.push_back(type_bytes(t));
        return dict{{"DeviceName", sdbus::Variant(utf8(p.name))},
                    {"Manufacturer", sdbus::Variant(utf8(p.manufacturer))},
                    {"ModelName", sdbus::Variant(utf8(p.model_name))},
                    {"ModelNumber", sdbus::Variant(utf8(p.model_number))},
                    {"SerialNumber", sdbus::Variant(utf8(p.serial_number))},
                    {"PrimaryDeviceType", sdbus::Variant(type_bytes(p.primary_type))},
                    {"config_method", sdbus::Variant(p.config_methods)},
                    {"level", sdbus::Variant(level(p.dev_addr))},
                    {"devicecapability", sdbus::Variant(p.dev_capab)},
                    {"groupcapability", sdbus::Variant(p.group_capab)},
                    {"SecondaryDeviceTypes", sdbus::Variant(secondary)},
                    {"DeviceAddress", sdbus::Variant(bytes_of(p.dev_addr))}};
    }

  private:
    struct peer_slot {
        peer_info info;
        std::unique_ptr<sdbus::IObject> obj;
    };

    /// The signal of a peer's last scan result (P2P_PEER's level).
    std::int32_t level(const mac_address& dev) const {
        const auto* p = e_.peers().find(dev);
        return p ? p->level_dbm : 0;
    }
    /// One property, typed as 2.10 declares it, read from the latest report.
    template <class F>
    void property(sdbus::IObject& o, const std::string& path, const char* name, F get) {
        o.registerProperty(name)
            .onInterface(std::string(peer_interface))
            .withGetter([this, path, get] {
                const auto it = peers_.find(path);
                if (it == peers_.end()) fail(error::unknown_error, "the peer is gone");
                return get(it->second.info);
            });
    }
    void register_properties(sdbus::IObject& o, const std::string& path) {
        property(o, path, "DeviceName", [](const peer_info& p) { return utf8(p.name); });
        property(o, path, "Manufacturer", [](const peer_info& p) { return utf8(p.manufacturer); });
        property(o, path, "ModelName", [](const peer_info& p) { return utf8(p.model_name); });
        property(o, path, "ModelNumber", [](const peer_info& p) { return utf8(p.model_number); });
        property(o, path, "SerialNumber", [](const peer_info& p) { return utf8(p.serial_number); });
        property(o, path, "PrimaryDeviceType",
                 [](const peer_info& p) { return type_bytes(p.primary_type); });
        property(o, path, "config_method", [](const peer_info& p) { return p.config_methods; });
        property(o, path, "level", [this](const peer_info& p) { return level(p.dev_addr); });
        property(o, path, "devicecapability", [](const peer_info& p) { return p.dev_capab; });
        property(o, path, "groupcapability", [](const peer_info& p) { return p.group_capab; });
        property(o, path, "SecondaryDeviceTypes", [](const peer_info& p) {
            std::vector<std::vector<std::uint8_t>> v;
            for (const auto& t : p.secondary_types) v.push_back(type_bytes(t));
            return v;
        });
        property(o, path, "DeviceAddress", [](const peer_info& p) { return bytes_of(p.dev_addr); });
        // The groups of ours the peer is in: as our GO, or as a client of ours.
        property(o, path, "Groups", [this](const peer_info& p) {
            std::vector<sdbus::ObjectPath> v;
            for (const auto& g : e_.groups()) {
                const bool in =
                    g.go ? std::any_of(g.clients.begin(), g.clients.end(),
                                       [&](const auto& c) { return c.second == p.dev_addr; })
                         : g.go_dev == p.dev_addr;
                if (!in) continue;
                if (auto gp = group_path_of_(g.ifname)) v.emplace_back(*gp);
            }
            return v;
        });
    }

    sdbus::IConnection& c_;
    loop_binding& loop_;
    Engine& e_;
    std::string device_path_;
    group_path_fn group_path_of_;
    std::map<std::string, peer_slot> peers_;  ///< by object path
};

}  // namespace softmac::p2p::dbus
