// SPDX-License-Identifier: MIT
/// @file Defines dbus::device_objects: one P2P device on the bus (its interface object, its
/// peers' and groups' objects) and the signals of its engine's events.
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <softmac/crypto/primitives.hpp>
#include <softmac/p2p/dbus/arguments.hpp>
#include <softmac/p2p/dbus/bus.hpp>
#include <softmac/p2p/dbus/p2p_device.hpp>
#include <softmac/p2p/dbus/peer_objects.hpp>
#include <softmac/p2p/dbus/persistent_groups.hpp>
#include <softmac/p2p/dbus/root.hpp>
#include <softmac/p2p/dbus/wps.hpp>
#include <softmac/p2p/events.hpp>

namespace softmac::p2p::dbus {

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
          obj_(sdbus::createObject(c, path_)),
          persistent_(c, loop, e, path_, [this](const sdbus::IObject& o) { guard(o); }),
          peers_(c, loop, e, path_, [this](const std::string& ifname) {
              for (const auto& g : groups_)
                  if (g.ifname == ifname && g.group_path) return g.group_path;
              return std::optional<std::string>();
          }) {
        register_interface(*obj_, e_.ifname(), true);
        persistent_.serve(*obj_);
        obj_->finishRegistration();
        root_.added(e_.ifname(), path_, interface_properties(e_.ifname(), true));
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
        mac_address go_dev;                ///< a client's GO
        std::string ifname, iface_path;
        std::optional<std::string> group_path;
        std::unique_ptr<sdbus::IObject> iface, group;
    };

    std::string p2p() const { return std::string(p2p_device_interface); }
    /// The Capabilities of an interface (wpas_dbus_getter_capabilities) for what softmac does:
    /// CCMP as pairwise and group cipher, WPA2-PSK and WPS, RSN, open authentication, the three
    /// kinds of scan, and the modes the wiphy's interface types give ("p2p" with both P2P roles,
    /// as nl80211 sets WPA_DRIVER_FLAGS_P2P_CAPABLE). 2.10 lists "ieee8021x" whatever the
    /// driver; softmac has no 802.1X EAP method besides WSC, so it does not.
    dict capabilities() const {
        using strings = std::vector<std::string>;
        const auto& w = e_.wiphy();
        strings modes{"infrastructure"};
        if (w.supported.ap) modes.emplace_back("ap");
        if (w.supported.p2p_go && w.supported.p2p_client) modes.emplace_back("p2p");
        return dict{{"Pairwise", sdbus::Variant(strings{"ccmp"})},
                    {"Group", sdbus::Variant(strings{"ccmp"})},
                    {"GroupMgmt", sdbus::Variant(strings{})},
                    {"KeyMgmt", sdbus::Variant(strings{"none", "wpa-psk", "wps"})},
                    {"Protocol", sdbus::Variant(strings{"rsn"})},
                    {"AuthAlg", sdbus::Variant(strings{"open"})},
                    {"Scan", sdbus::Variant(strings{"active", "passive", "ssid"})},
                    {"Modes", sdbus::Variant(modes)},
                    {"MaxScanSSID", sdbus::Variant(std::int32_t(w.max_scan_ssids))}};
    }
    /// An interface's State: a group's, else the device's or an idle group interface's.
    std::string state_of(const std::string& ifname, bool device) const {
        for (const auto& g : e_.groups())
            if (g.ifname == ifname) return g.started ? "completed" : "associating";
        return device ? "disconnected" : "inactive";
    }
    /// Calls `f(name, getter)` for each of the Interface interface's properties of `ifname`: the
    /// object's properties, and what InterfaceAdded carries (wpas_dbus_signal_interface sends
    /// them all).
    template <class F>
    void interface_properties(const std::string& ifname, bool device, F f) const {
        f("Ifname", [ifname] { return ifname; });
        f("Driver", [this] { return driver_; });
        f("Capabilities", [this] { return capabilities(); });
        f("State", [this, ifname, device] { return state_of(ifname, device); });
    }
    dict interface_properties(const std::string& ifname, bool device) const {
        dict d;
        interface_properties(ifname, device,
                             [&d](const char* name, auto get) { d.emplace(name, get()); });
        return d;
    }
    /// Refuses a caller that may not change the radio (the message of the call `o` serves).
    void guard(const sdbus::IObject& o) const {
        const auto* m = o.getCurrentlyProcessedMessage();
        if (!m || !rule_.allows(*m))
            fail(error::access_denied, "the caller may not change the radio");
    }
    /// The methods and properties every interface object has; the device's also the P2P ones.
    void register_interface(sdbus::IObject& o, const std::string& ifname, bool device) {
        const std::string i(interface_interface);
        interface_properties(ifname, device, [&](const char* name, auto get) {
            o.registerProperty(name).onInterface(i).withGetter(std::move(get));
        });
        serve_wps(
            o, e_, ifname, [this](const sdbus::IObject& c) { guard(c); }, process_credentials_);
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
                        peer = known_peer_of(e_, v.template get<sdbus::ObjectPath>());
                    } else if (key == "persistent_group_object" && v.peekValueType() == "o") {
                        const auto id = persistent_group_of(v.template get<sdbus::ObjectPath>());
                        if (!id) fail(error::invalid_args);
                        ip.persistent_id = *id;
                    } else {
                        fail(error::invalid_args);
                    }
                }
                if (!peer) fail(error::invalid_args);
                ip.peer = *peer;
                if (ip.persistent_id < 0) ip.group = ifname;
                ok(e_.invite(ip));
            });
        // PresenceRequest (wpas_dbus_handler_p2p_presence_request): on a client's group
        // interface, durations and intervals in µs as int32 (read as their unsigned bits).
        o.registerMethod("PresenceRequest")
            .onInterface(p)
            .withInputParamNames("args")
            .implementedAs([this, &o, ifname](const dict& args) {
                guard(o);
                std::uint32_t v[4] = {};
                static constexpr const char* keys[] = {"duration1", "interval1", "duration2",
                                                       "interval2"};
                for (const auto& [key, value] : args) {
                    const auto* k = std::find(std::begin(keys), std::end(keys), key);
                    if (k == std::end(keys) || value.peekValueType() != "i")
                        fail(error::invalid_args, utf8(key));
                    v[k - std::begin(keys)] =
                        static_cast<std::uint32_t>(value.template get<std::int32_t>());
                }
                if (!e_.presence_request(ifname, v[0], v[1], v[2], v[3]))
                    fail(error::unknown_error, "Failed to invoke presence request.");
            });
        if (!device) return;
        serve_p2p_device(o, e_, [this, &o] { guard(o); });
        o.registerProperty("Peers").onInterface(p).withGetter([this] {
            std::vector<sdbus::ObjectPath> v;
            for (const auto& path : peers_.paths()) v.emplace_back(path);
            return v;
        });
    }

    std::string peer_object(const mac_address& dev) const { return peers_.path_of(dev); }
    template <class... A>
    void emit(const char* name, A&&... args) {
        obj_->emitSignal(name).onInterface(p2p()).withArguments(std::forward<A>(args)...);
    }

    void on(const event::device_found& e) {
        if (!peers_.found(e.peer)) return;
        const sdbus::ObjectPath path(peer_object(e.peer.dev_addr));
        emit("DeviceFound", path);
        emit("DeviceFoundProperties", path, peers_.properties(e.peer));
        obj_->emitPropertiesChangedSignal(p2p(), {"Peers"});
    }
    void on(const event::device_lost& e) {
        if (!peers_.lost(e.dev_addr)) return;
        emit("DeviceLost", sdbus::ObjectPath(peer_object(e.dev_addr)));
        obj_->emitPropertiesChangedSignal(p2p(), {"Peers"});
    }
    void on(const event::find_stopped&) { emit("FindStopped"); }
    void on(const event::go_neg_request& e) {
        emit("GONegotiationRequest", sdbus::ObjectPath(peer_object(e.peer)), e.dev_passwd_id,
             e.go_intent);
    }
    // wpas_dbus_signal_p2p_go_neg_resp's dictionary.
    void on(const event::go_neg_success& e) {
        std::vector<std::int32_t> freqs(e.freq_list.begin(), e.freq_list.end());
        dict d{{"peer_object", sdbus::Variant(sdbus::ObjectPath(peer_object(e.peer_dev)))},
               {"status", sdbus::Variant(std::int32_t(0))},
               {"role_go", sdbus::Variant(std::string(e.go ? "GO" : "client"))},
               {"frequency", sdbus::Variant(std::int32_t(e.freq))},
               {"ssid", sdbus::Variant(bytes_of(e.ssid))},
               {"peer_device_addr", sdbus::Variant(bytes_of(e.peer_dev))},
               {"peer_interface_addr", sdbus::Variant(bytes_of(e.peer_iface))},
               {"wps_method", sdbus::Variant(std::string(to_string(e.method)))},
               {"frequency_list", sdbus::Variant(freqs)},
               {"persistent_group", sdbus::Variant(std::int32_t(e.persistent ? 1 : 0))},
               {"peer_config_timeout", sdbus::Variant(std::uint32_t(e.peer_config_timeout))}};
        if (e.go) d.emplace("passphrase", sdbus::Variant(utf8(e.passphrase)));
        emit("GONegotiationSuccess", d);
    }
    void on(const event::go_neg_failure& e) {
        emit("GONegotiationFailure",
             dict{{"peer_object", sdbus::Variant(sdbus::ObjectPath(peer_object(e.peer)))},
                  {"status", sdbus::Variant(std::int32_t(e.status))}});
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
            root_.added(e.ifname, g.iface_path, interface_properties(e.ifname, false));
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
            g.group->registerProperty("Frequency").onInterface(i).withGetter([this, ifname] {
                for (const auto& gr : e_.groups())
                    if (gr.ifname == ifname) return gr.freq;
                return std::uint16_t(0);
            });
            g.group->registerProperty("Passphrase").onInterface(i).withGetter([pass] {
                return pass;
            });
            // The PSK: a GO's from its passphrase, a client's as WPS gave it
            // (wpas_dbus_getter_p2p_group_psk); empty while a client has none.
            g.group->registerProperty("PSK").onInterface(i).withGetter(
                [key = e.go ? e.passphrase : e.psk, ssid] {
                    const auto k = crypto::psk_from_passphrase(key, ssid);
                    return k ? bytes_of(*k) : std::vector<std::uint8_t>{};
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
            d.emplace("IpAddr", sdbus::Variant(bytes_of(a.ip_addr)));
            d.emplace("IpAddrMask", sdbus::Variant(bytes_of(a.ip_mask)));
            d.emplace("IpAddrGo", sdbus::Variant(bytes_of(a.go_ip_addr)));
        }
        g.go_dev = e.go ? mac_address{} : e.go_dev_addr;
        groups_.push_back(std::move(g));
        emit("GroupStarted", d);
        // A client's GO now lists the group in its Groups (peer_groups_changed).
        if (!e.go) peers_.groups_changed(peer_object(e.go_dev_addr));
        state_changed(e.ifname);
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
        // Its peers no longer list it (wpas_dbus_unregister_p2p_group): a GO's members, a
        // client's GO.
        std::vector<std::string> listed = std::move(it->members);
        if (!it->go_dev.is_zero()) listed.push_back(peer_object(it->go_dev));
        loop_.dispose(std::move(it->group));
        loop_.dispose(std::move(it->iface));
        groups_.erase(it);
        if (!gone.empty()) root_.removed(gone);
        for (const auto& peer : listed) peers_.groups_changed(peer);
        state_changed(e.ifname);
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
        // wpas_dbus_signal_p2p_invitation_received: persistent_id only for a stored group's
        // invitation (an id of 0 is left out there too), op_freq always.
        dict d{{"sa", sdbus::Variant(bytes_of(e.sa))},
               {"op_freq", sdbus::Variant(std::int32_t(e.freq))}};
        if (e.persistent_id > 0)
            d.emplace("persistent_id", sdbus::Variant(std::int32_t(e.persistent_id)));
        if (!e.go_dev.is_zero()) d.emplace("go_dev_addr", sdbus::Variant(bytes_of(e.go_dev)));
        if (!e.bssid.is_zero()) d.emplace("bssid", sdbus::Variant(bytes_of(e.bssid)));
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
    void on(const event::persistent_group_changed& e) { persistent_.on_changed(e); }
    /// WPS on a group: WpsFailed on the device while the group provisions
    /// (wpas_p2p_wps_failed), and a client's WPS.Event and Credentials on its interface (a GO's
    /// registrar reports only failures, as hostapd's callback does).
    void on(const event::wps_event& e) {
        const auto* g = find_group(e.ifname);
        if (!g) return;
        if (const auto* f = std::get_if<softmac::wps::failed>(&e.what); f && g->provisioning)
            emit("WpsFailed", std::string("fail"),
                 dict{{"msg", sdbus::Variant(std::int32_t(f->msg))},
                      {"config_error", sdbus::Variant(std::int16_t(f->config_error))}});
        auto* o = object_of(e.ifname);
        if (g->go || !o) return;
        const std::string w(wps_interface);
        if (auto ev = wps_signal_event(e.what))
            o->emitSignal("Event").onInterface(w).withArguments(ev->first, ev->second);
        if (const auto* c = std::get_if<softmac::wps::credential_received>(&e.what))
            o->emitSignal("Credentials")
                .onInterface(w)
                .withArguments(wps_credentials(c->cred, g->peer_iface));
    }
    void on(const event::connected& e) { state_changed(e.ifname); }
    /// A group moved: its Frequency changed.
    void on(const event::channel_switch& e) {
        if (!e.finished || e.ap) return;
        for (auto& g : groups_)
            if (g.ifname == e.ifname && g.group)
                g.group->emitPropertiesChangedSignal(std::string(group_interface), {"Frequency"});
    }
    void on(const event::disconnected& e) { state_changed(e.ifname); }
    /// An interface's State, Role and Group may have changed.
    void state_changed(const std::string& ifname) {
        if (auto* o = object_of(ifname)) {
            o->emitPropertiesChangedSignal(std::string(interface_interface), {"State"});
            o->emitPropertiesChangedSignal(p2p(), {"Role", "Group"});
        }
    }
    const auto* find_group(const std::string& ifname) const {
        decltype(&e_.groups().front()) out = nullptr;
        for (const auto& g : e_.groups())
            if (g.ifname == ifname) out = &g;
        return out;
    }
    /// The object of interface `ifname`: the device's own, or a group interface's.
    sdbus::IObject* object_of(const std::string& ifname) {
        if (ifname == e_.ifname()) return obj_.get();
        for (auto& g : groups_)
            if (g.ifname == ifname && g.iface) return g.iface.get();
        return nullptr;
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
            peers_.groups_changed(peer);
        }
    }
    template <class E>
    void on(const E&) {}  // not (yet) a signal of the API

    sdbus::IConnection& c_;
    loop_binding& loop_;
    root& root_;
    Engine& e_;
    std::string driver_;
    access_rule rule_;
    std::string path_;
    std::unique_ptr<sdbus::IObject> obj_;
    persistent_objects<Engine> persistent_;
    bool process_credentials_ = true;  ///< WPS ProcessCredentials
    std::vector<group_objects> groups_;
    peer_objects<Engine> peers_;
};

}  // namespace softmac::p2p::dbus
