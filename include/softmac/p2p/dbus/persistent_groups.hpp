// SPDX-License-Identifier: MIT
/// @file Defines dbus::persistent_objects: a device's stored persistent groups on the bus
/// (`…/PersistentGroups/<id>` objects, AddPersistentGroup, RemovePersistentGroup,
/// RemoveAllPersistentGroups, the PersistentGroups property and its signals).
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/p2p/ctrl/config_file.hpp>
#include <softmac/p2p/ctrl/persistent_block.hpp>
#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/dbus/bus.hpp>
#include <softmac/p2p/events.hpp>

namespace softmac::p2p::dbus {

inline constexpr std::string_view persistent_group_interface =
    "fi.w1.wpa_supplicant1.PersistentGroup";

/// @brief Network block fields as set_network_properties writes them: an array of bytes as hex
/// digits, a string quoted unless its field takes a bare word, a number in decimal; a field a
/// stored group does not have, or a value its block's syntax refuses, is InvalidArgs. The
/// security fields must say what every P2P group is (RSN, WPA-PSK, CCMP).
inline void put_network_properties(const dict& args, ctrl::conf::network& n) {
    static constexpr std::string_view bare[] = {"bssid",    "p2p_client_list", "proto",
                                                "key_mgmt", "pairwise",        "group"};
    static constexpr std::pair<std::string_view, std::string_view> fixed[] = {
        {"proto", "RSN"}, {"key_mgmt", "WPA-PSK"}, {"pairwise", "CCMP"}, {"group", "CCMP"}};
    for (const auto& [key, v] : args) {
        const std::string type = v.peekValueType();
        std::string value;
        if (type == "ay") {
            const auto b = v.get<std::vector<std::uint8_t>>();
            if (b.empty()) fail(error::bad_property, key);
            value = to_hex(b);
        } else if (type == "s") {
            value = v.get<std::string>();
            if (std::find(std::begin(bare), std::end(bare), key) == std::end(bare))
                value = '"' + value + '"';
        } else if (type == "u") {
            value = std::to_string(v.get<std::uint32_t>());
        } else if (type == "i") {
            value = std::to_string(v.get<std::int32_t>());
        } else {
            fail(error::bad_property, key);
        }
        const bool known = key == "ssid" || key == "bssid" || key == "psk" || key == "mode" ||
                           key == "disabled" || key == "p2p_client_list";
        const auto* f = std::find_if(std::begin(fixed), std::end(fixed),
                                     [&](const auto& p) { return p.first == key; });
        if (f != std::end(fixed) ? value != f->second : !known)
            fail(error::bad_property, "a persistent group has no " + key + "=" + value);
        if (key == "disabled" && value != "2") fail(error::bad_property, "disabled is 2");
        if (key == "mode" && value != "0" && value != "3") fail(error::bad_property, key);
        if (!ctrl::conf::check_value(key, value, true)) fail(error::bad_property, key);
        n.set(key, std::move(value));
    }
}

/// @brief A stored group's Properties: its block's fields as the file writes them, each a
/// string (wpas_dbus_getter_network_properties).
inline dict network_properties(const persistent_group& g) {
    ctrl::conf::network n;
    ctrl::write_persistent(g, n);
    dict d;
    for (const auto& f : n.fields) d.insert_or_assign(f.key, sdbus::Variant(utf8(f.value)));
    return d;
}

/// @brief One device's stored persistent groups on the bus. The device's interface object
/// carries the methods, the property and the signals (serve()); each stored group has its
/// object, made and removed as the engine reports the stored groups changing (on_changed()).
/// @tparam Engine a p2p::engine
template <class Engine>
class persistent_objects {
  public:
    /// @param guard refuses a caller that may not change the radio (the call on `o`)
    using guard_fn = std::function<void(const sdbus::IObject& o)>;

    persistent_objects(sdbus::IConnection& c, loop_binding& loop, Engine& e, std::string iface,
                       guard_fn guard)
        : c_(c), loop_(loop), e_(e), iface_(std::move(iface)), guard_(std::move(guard)) {}
    persistent_objects(const persistent_objects&) = delete;
    persistent_objects& operator=(const persistent_objects&) = delete;

    /// @brief Registers the P2PDevice members on the device's object `o`, and makes the objects
    /// of the groups stored already (read from the configuration file); call before
    /// finishRegistration.
    void serve(sdbus::IObject& o) {
        device_ = &o;
        const std::string p(p2p_device_interface);
        o.registerMethod("AddPersistentGroup")
            .onInterface(p)
            .withInputParamNames("args")
            .withOutputParamNames("path")
            .implementedAs([this, &o](const dict& args) {
                guard_(o);
                ctrl::conf::network n;
                n.set("disabled", "2");
                put_network_properties(args, n);
                auto g = ctrl::persistent_of(-1, n);
                if (!g) fail(error::invalid_args, "a persistent group needs ssid and bssid");
                return sdbus::ObjectPath(
                    path(or_fail(e_.add_persistent(std::move(*g)), error::invalid_args)));
            });
        o.registerMethod("RemovePersistentGroup")
            .onInterface(p)
            .withInputParamNames("path")
            .implementedAs([this, &o](const sdbus::ObjectPath& group) {
                guard_(o);
                const auto id = persistent_group_of(group);
                if (!id || group != path(*id)) fail(error::invalid_args, group);
                if (!stored(*id))
                    fail(error::network_unknown,
                         "There is no such persistent group in this P2P device.");
                ok(e_.forget_persistent(*id));
            });
        o.registerMethod("RemoveAllPersistentGroups").onInterface(p).implementedAs([this, &o] {
            guard_(o);
            std::vector<int> ids;
            for (const auto& g : e_.persistent_groups()) ids.push_back(g.id);
            for (int id : ids) (void)e_.forget_persistent(id);
        });
        o.registerProperty("PersistentGroups").onInterface(p).withGetter([this] {
            std::vector<sdbus::ObjectPath> v;
            for (const auto& [id, obj] : objects_) v.emplace_back(path(id));
            return v;
        });
        o.registerSignal("PersistentGroupAdded")
            .onInterface(p)
            .withParameters<sdbus::ObjectPath, dict>("path", "properties");
        o.registerSignal("PersistentGroupRemoved")
            .onInterface(p)
            .withParameters<sdbus::ObjectPath>("path");
        for (const auto& g : e_.persistent_groups()) make(g.id);
    }

    /// @brief The stored groups changed: an added group's object and PersistentGroupAdded with
    /// its properties, a removed one's end and PersistentGroupRemoved.
    void on_changed(const event::persistent_group_changed& e) {
        using change = event::persistent_group_changed::change;
        if (e.what == change::updated) return;
        const sdbus::ObjectPath at(path(e.id));
        if (e.what == change::added) {
            const auto* g = stored(e.id);
            if (!g || objects_.contains(e.id)) return;
            make(e.id);
            // The new object's properties, by interface (wpa_dbus_get_object_properties).
            device_->emitSignal("PersistentGroupAdded")
                .onInterface(std::string(p2p_device_interface))
                .withArguments(at, dict{{"Properties", sdbus::Variant(network_properties(*g))}});
        } else {
            const auto it = objects_.find(e.id);
            if (it == objects_.end()) return;
            loop_.dispose(std::move(it->second));
            objects_.erase(it);
            device_->emitSignal("PersistentGroupRemoved")
                .onInterface(std::string(p2p_device_interface))
                .withArguments(at);
        }
        device_->emitPropertiesChangedSignal(std::string(p2p_device_interface),
                                             {"PersistentGroups"});
    }

  private:
    std::string path(int id) const { return persistent_group_path(iface_, id); }
    const persistent_group* stored(int id) const {
        for (const auto& g : e_.persistent_groups())
            if (g.id == id) return &g;
        return nullptr;
    }
    /// A group's object: Properties reads its block's fields and writes them as AddPersistentGroup
    /// does (wpas_dbus_setter_persistent_group_properties).
    void make(int id) {
        auto obj = sdbus::createObject(c_, path(id));
        auto& o = *obj;
        o.registerProperty("Properties")
            .onInterface(std::string(persistent_group_interface))
            .withGetter([this, id] {
                const auto* g = stored(id);
                if (!g) fail(error::network_unknown, "the persistent group is gone");
                return network_properties(*g);
            })
            .withSetter([this, id, &o](const dict& args) {
                guard_(o);
                const auto* g = stored(id);
                if (!g) fail(error::network_unknown, "the persistent group is gone");
                ctrl::conf::network n;
                ctrl::write_persistent(*g, n);
                put_network_properties(args, n);
                auto changed = ctrl::persistent_of(id, n);
                if (!changed) fail(error::invalid_args, "a persistent group needs ssid and bssid");
                ok(e_.update_persistent(*changed), error::invalid_args);
            });
        o.finishRegistration();
        objects_[id] = std::move(obj);
    }

    sdbus::IConnection& c_;
    loop_binding& loop_;
    Engine& e_;
    std::string iface_;
    guard_fn guard_;
    sdbus::IObject* device_ = nullptr;
    std::map<int, std::unique_ptr<sdbus::IObject>> objects_;
};

}  // namespace softmac::p2p::dbus
