// SPDX-License-Identifier: MIT
/// @file Defines p2p::go_commands: the commands a running GO group takes from its user.
// IWYU pragma: private, include <softmac/p2p/engine.hpp>
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/time_units.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/p2p/detail/go_beacon.hpp>
#include <softmac/p2p/persistent.hpp>
#include <softmac/p2p/types.hpp>
#include <softmac/wps/registrar.hpp>

namespace softmac::p2p {

/// @brief What is asked of a running GO group: a channel switch (CHAN_SWITCH,
/// ap_switch_channel), its WPS registrar armed or cancelled (WPS_PIN, WPS_PBC, WPS_CANCEL:
/// wps_hostapd.c), a client sent away (P2P_REMOVE_CLIENT), a member's interface address
/// (P2P_GROUP_MEMBER: p2p_group.c), its passphrase (P2P_GET_PASSPHRASE) and its advertisement
/// again when its power save changed. The group manager
/// `Groups` derives from it and befriends it; it reaches the groups through the manager's
/// `ctx_`, `groups_`, `links_`, `find`, `advertised` and `update_beacon`.
template <class Groups>
class go_commands {
  public:
    /// @brief CHAN_SWITCH on the GO group `ifname` (ap_switch_channel): its beacons announce
    /// the switch `count` times, then the group runs on `freq`; its clients follow.
    result<void> switch_channel(std::string_view ifname, std::uint32_t count, std::uint16_t freq,
                                bool block_tx) {
        auto& m = groups();
        auto* g = m.find(ifname);
        if (!g || !g->go || !g->started) return make_error(errc::invalid_state, "not a GO group");
        if (!m.ctx_.dev().usable_freq(freq) || !m.ctx_.dev().go_allowed(freq))
            return make_error(errc::not_supported, "not a channel this GO may use");
        cfg::cmd::channel_switch cs;
        static_cast<cfg::wdev_ref&>(cs) = g->ref;
        cs.freq = freq;
        cs.count = count;
        cs.block_tx = block_tx;
        if (auto r = m.ctx_.exec(cs); !r) return r.err();
        return {};
    }
    /// @brief A GO's advertisement again (its power save changed): the config layer's answer.
    result<void> readvertise(group& g) {
        auto& m = groups();
        if (auto r = m.ctx_.exec(detail::go_beacon(m.ctx_.dev(), g, m.advertised(g))); !r)
            return r.err();
        return {};
    }
    /// @brief P2P_REMOVE_CLIENT (wpas_p2p_remove_client): every running GO deauthenticates the
    /// client (reason 3, so the client ends its group with GO_ENDING_SESSION); given its device
    /// address (not `iface`), it also leaves the stored groups' p2p_client_list.
    void remove_client(const mac_address& addr, bool iface) {
        auto& m = groups();
        if (!iface)
            for (const auto& c : persistent::remove_client(m.ctx_.dev(), addr)) m.ctx_.emit(c);
        for (const auto& g : m.groups_) {
            if (!g.go) continue;
            std::vector<mac_address> gone;
            for (const auto* list : {&g.clients, &g.associated})
                for (const auto& [if_addr, dev] : *list)
                    if ((iface ? if_addr : dev) == addr) gone.push_back(if_addr);
            for (const auto& a : gone) {
                cfg::cmd::deauthenticate d;
                d.ifindex = g.ref.ifindex;
                d.peer = a;
                d.reason = ieee80211::reason::deauth_leaving;
                (void)m.ctx_.exec(d);
            }
        }
    }
    /// @brief P2P_GROUP_MEMBER: the interface address of the client with device address `dev`
    /// in the GO group on `ifname` (p2p_group_get_client_interface_addr; associated or connected).
    std::optional<mac_address> member(std::string_view ifname, const mac_address& dev) const {
        for (const auto& g : groups().groups_) {
            if (g.ifname != ifname || !g.go || g.forming) continue;
            for (const auto* list : {&g.clients, &g.associated})
                for (const auto& [if_addr, d] : *list)
                    if (d == dev) return if_addr;
        }
        return std::nullopt;
    }
    result<std::string> passphrase(std::string_view ifname) const {
        for (const auto& g : groups().groups_)
            if (g.ifname == ifname && g.go) return g.passphrase;
        return make_error(errc::not_found, "not a GO group");
    }
    /// @brief The WPS registrar of the GO group on `ifname`.
    result<softmac::wps::registrar*> registrar(std::string_view ifname) {
        auto* l = groups().link_of(ifname);
        if (!l || !l->registrar()) return make_error(errc::not_found, "not a GO group");
        return l->registrar();
    }
    /// @brief WPS_PIN on a GO: `pin` for the enrollee `addr` (any when empty) for `timeout`
    /// (zero: until used); the beacon advertises the selected registrar.
    result<void> wps_pin(std::string_view ifname, const std::string& pin,
                         std::optional<mac_address> addr, duration timeout) {
        auto r = registrar(ifname);
        if (!r) return r.err();
        (*r)->add_pin(pin, addr, groups().ctx_.now(), timeout);
        if (auto* g = groups().find(ifname)) groups().update_beacon(*g);
        return {};
    }
    /// @brief WPS_PBC on a GO (only for the P2P device `dev` when given).
    result<void> wps_pbc(std::string_view ifname, std::optional<mac_address> dev) {
        auto r = registrar(ifname);
        if (!r) return r.err();
        if (!(*r)->start_pbc(groups().ctx_.now(), dev))
            return make_error(errc::invalid_state, "push-button session overlap");
        return {};
    }
    /// @brief WPS_CANCEL on a GO: fails when nothing was armed.
    result<void> wps_cancel(std::string_view ifname) {
        auto r = registrar(ifname);
        if (!r) return r.err();
        if (!(*r)->cancel()) return make_error(errc::invalid_state, "nothing to cancel");
        if (auto* g = groups().find(ifname)) groups().update_beacon(*g);
        return {};
    }

  private:
    Groups& groups() noexcept { return static_cast<Groups&>(*this); }
    const Groups& groups() const noexcept { return static_cast<const Groups&>(*this); }
};

}  // namespace softmac::p2p
