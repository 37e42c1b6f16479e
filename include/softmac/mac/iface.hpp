// SPDX-License-Identifier: MIT
/// @file Defines mac::interface_lifecycle: creating, changing and removing a radio's interfaces,
/// their vap states and the driver's BSS notifications (mac80211's iface.c).
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/driver/concepts.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/noa_schedule.hpp>
#include <softmac/mac/interface_record.hpp>
#include <softmac/vap/device.hpp>
#include <softmac/vap/state.hpp>

namespace softmac::mac {

namespace detail {
/// Calls `f(std::type_identity<M>{})` with the vap opmode M of interface type `t`; a station for
/// the types no other mode has.
template <class... Modes, class F>
auto with_mode_of(driver::iftype t, F& f) {
    using R = decltype(f(std::type_identity<vap::station>{}));
    std::optional<R> r;
    (void)((Modes::type == t && (r.emplace(f(std::type_identity<Modes>{})), true)) || ...);
    if (r) return std::move(*r);
    return f(std::type_identity<vap::station>{});
}
template <class F>
auto with_mode(driver::iftype t, F&& f) {
    return with_mode_of<vap::adhoc, vap::hostap, vap::wds, vap::monitor, vap::p2p_client,
                        vap::p2p_go, vap::p2p_device>(t, f);
}
}  // namespace detail

/// @brief Interface creation, type change and removal (ieee80211_if_add, ieee80211_if_change_type,
/// ieee80211_if_remove), the vap state of an interface and the driver's BSS notification
/// (ieee80211_bss_info_change_notify).
///
/// `Context` gives: `records()` (interface_records&), `device()` (the vap::device), `data()` (the
/// data path: attach/detach), `radio()` and the types `radio_type`/`driver_type` (for
/// bss_info_changed), `update_filter()`, and `stop_procedures(interface_record&)`, which ends
/// whatever runs on an interface about to go (scan, MLME, off-channel work, registrations,
/// timers).
template <class Context>
class interface_lifecycle {
  public:
    explicit interface_lifecycle(Context ctx) noexcept : ctx_(ctx) {}
    interface_lifecycle(const interface_lifecycle&) = delete;
    interface_lifecycle& operator=(const interface_lifecycle&) = delete;

    /// @brief Creates a vap of a runtime type and brings the data path up on it.
    result<driver::vif> add(driver::iftype type, std::optional<mac_address> addr) {
        switch (type) {
            case driver::iftype::unspecified:
            case driver::iftype::ap_vlan:
            case driver::iftype::mesh_point:
                return make_error(errc::not_supported, "interface type not served by the MAC");
            default:
                break;
        }
        vap::create_options opt;
        opt.addr = addr;
        auto& device = ctx_.device();
        auto made = detail::with_mode(type, [&](auto mode) -> result<driver::vif> {
            using M = typename decltype(mode)::type;
            auto h = device.template create<M>(opt);
            if (!h) return h.err();
            const auto* v = device.get(*h);
            ctx_.records().clear(v->vif.index);
            ctx_.records()[v->vif.index].slot = h->index;
            return v->vif;
        });
        if (!made) return made;
        ctx_.records().attach(made->index, ctx_.data().attach(*made, ctx_.radio().hw()));
        ctx_.update_filter();
        return made;
    }
    /// @brief Tears an interface down: what runs on it stops (an associated station
    /// deauthenticates, an AP stops), its registrations and queued off-channel work go.
    result<void> remove(std::uint8_t vif) {
        auto* i = ctx_.records().find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        ctx_.stop_procedures(*i);
        ctx_.data().detach(i->vif());
        const std::uint8_t slot = i->slot;
        const driver::iftype type = i->type();
        ctx_.records().clear(vif);
        auto r = detail::with_mode(type, [&](auto mode) -> result<void> {
            using M = typename decltype(mode)::type;
            vap::handle<M> h;
            h.index = slot;
            return ctx_.device().destroy(h);
        });
        ctx_.update_filter();
        return r;
    }
    /// @brief Changes an interface's type (destroy and create with the same address).
    result<driver::vif> change(std::uint8_t vif, driver::iftype type) {
        auto* i = ctx_.records().find(vif);
        if (!i) return make_error(errc::not_found, "no such interface");
        if (!ctx_.radio().hw().supports(type))
            return make_error(errc::not_supported, "interface type not supported by the hardware");
        const mac_address addr = i->addr();
        const driver::iftype old = i->type();
        if (auto r = remove(vif); !r) return r.err();
        auto made = add(type, addr);
        if (!made) (void)add(old, addr);
        return made;
    }

    /// @brief Moves the interface's vap to state `s` (as its mode's transitions allow).
    void set_state(const interface_record& i, vap::state s) {
        (void)detail::with_mode(i.type(), [&](auto mode) -> result<void> {
            using M = typename decltype(mode)::type;
            vap::handle<M> h;
            h.index = i.slot;
            return ctx_.device().new_state(h, s);
        });
    }
    /// @brief Tells a driver that has bss_info_changed about the interface's BSS: joined or
    /// left (a station), started or stopped (an AP).
    void bss_changed(const interface_record& i, bool up) {
        using radio_type = typename Context::radio_type;
        if constexpr (driver::has_bss_info_changed<typename Context::driver_type,
                                                   typename radio_type::context>) {
            driver::bss_conf b;
            b.bssid = up ? (i.is_ap() ? i.addr() : i.sta.bssid) : mac_address{};
            b.beacon_int = i.is_ap() ? i.ap.params.beacon_int : i.sta.beacon_int;
            b.dtim_period = i.is_ap() ? i.ap.params.dtim_period : 1;
            b.assoc = up && i.is_station();
            b.aid = i.sta.aid;
            radio_type& radio = ctx_.radio();
            typename radio_type::context rc{radio};
            radio.driver().bss_info_changed(rc, i.vif(), b,
                                            driver::bss_changed::bssid |
                                                driver::bss_changed::beacon_int |
                                                driver::bss_changed::assoc);
        }
    }

    /// @brief The interface's P2P power save changed (a GO's own absences, or those its GO
    /// announces to a client): the driver keeps it (BSS_CHANGED_P2P_PS). A radio that cannot
    /// (hw supports_p2p_ps) refuses one that announces something.
    result<void> p2p_ps_changed(const interface_record& i,
                                const ieee80211::p2p::notice_of_absence& n) {
        using radio_type = typename Context::radio_type;
        radio_type& radio = ctx_.radio();
        const bool announces = ieee80211::p2p::announces(n);
        if (!radio.hw().supports_p2p_ps)
            return announces ? make_error(errc::not_supported, "the radio has no P2P power save")
                             : result<void>{};
        if constexpr (driver::has_bss_info_changed<typename Context::driver_type,
                                                   typename radio_type::context>) {
            driver::bss_conf b;
            b.bssid = i.is_ap() ? i.addr() : i.sta.bssid;
            b.beacon_int = i.is_ap() ? i.ap.params.beacon_int : i.sta.beacon_int;
            b.assoc = i.is_station() && i.associated();
            b.aid = i.sta.aid;
            b.p2p_noa = n;
            typename radio_type::context rc{radio};
            radio.driver().bss_info_changed(rc, i.vif(), b, driver::bss_changed::p2p_ps);
            return {};
        } else {
            return announces ? make_error(errc::not_supported, "the driver has no bss_info_changed")
                             : result<void>{};
        }
    }

  private:
    Context ctx_;
};

}  // namespace softmac::mac
