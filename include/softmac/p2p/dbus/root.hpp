// SPDX-License-Identifier: MIT
/// @file Defines dbus::root, the `/fi/w1/wpa_supplicant1` object: the process's interfaces.
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <softmac/core/result.hpp>
#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/dbus/bus.hpp>

namespace softmac::p2p::dbus {

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
        // EAP methods the supplicant's stations speak: softmac's only WSC (WPS).
        obj_->registerProperty("EapMethods").onInterface(i).withGetter([] {
            return std::vector<std::string>{"WSC"};
        });
        // The debug settings 2.10 keeps (wpas_dbus_setter_debug_level and the two flags): p2pd
        // keeps them for the clients that read them back; its output does not change with them.
        obj_->registerProperty("DebugLevel")
            .onInterface(i)
            .withGetter([this] { return debug_level_; })
            .withSetter([this](const std::string& level) {
                guard();
                static constexpr std::string_view levels[] = {"excessive", "msgdump", "debug",
                                                              "info",      "warning", "error"};
                if (std::find(std::begin(levels), std::end(levels), level) == std::end(levels))
                    fail("org.freedesktop.DBus.Error.Failed", "wrong debug level value");
                debug_level_ = level;
            });
        for (auto [name, flag] : {std::pair{"DebugTimestamp", &debug_timestamp_},
                                  std::pair{"DebugShowKeys", &debug_show_keys_}})
            obj_->registerProperty(name)
                .onInterface(i)
                .withGetter([flag] { return *flag; })
                .withSetter([this, flag](const bool& on) {
                    guard();
                    *flag = on;
                });
        // ExpectDisconnect: the caller (a connection manager before a suspend) says the next
        // disconnection is its doing; softmac's stations report every disconnection the same way.
        obj_->registerMethod("ExpectDisconnect").onInterface(i).implementedAs([this] { guard(); });
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
    /// @brief Interface `ifname` is on the bus at `path`: InterfaceAdded with its Interface
    /// properties.
    void added(const std::string& ifname, const std::string& path, const dict& properties) {
        ifaces_.emplace_back(ifname, path);
        obj_->emitSignal("InterfaceAdded")
            .onInterface(std::string(root_interface))
            .withArguments(sdbus::ObjectPath(path), properties);
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
    std::string debug_level_ = "info";
    bool debug_timestamp_ = false, debug_show_keys_ = false;
};

}  // namespace softmac::p2p::dbus
