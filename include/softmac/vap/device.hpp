// SPDX-License-Identifier: MIT
/// @file Defines vap::device and its vaps: one radio, many virtual interfaces with a fixed opmode
/// each (the net80211 ieee80211com/ieee80211vap roles).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <variant>

#include <softmac/mac/radio.hpp>
#include <softmac/vap/combinations.hpp>
#include <softmac/vap/state.hpp>

namespace softmac::vap {

/// @brief An operating mode: the interface type, whether it beacons, and its state table.
template <driver::iftype Type, bool Beacons, const transitions& Table>
struct opmode {
    static constexpr driver::iftype type = Type;
    static constexpr bool beacons = Beacons;
    static constexpr const transitions& table = Table;
};
using station = opmode<driver::iftype::station, false, station_transitions>;
using adhoc = opmode<driver::iftype::adhoc, true, simple_transitions>;
using hostap = opmode<driver::iftype::ap, true, hostap_transitions>;
using wds = opmode<driver::iftype::wds, false, simple_transitions>;
using monitor = opmode<driver::iftype::monitor, false, simple_transitions>;
using p2p_client = opmode<driver::iftype::p2p_client, false, station_transitions>;
using p2p_go = opmode<driver::iftype::p2p_go, true, hostap_transitions>;
using p2p_device = opmode<driver::iftype::p2p_device, false, simple_transitions>;

/// @brief What every vap has, whatever its mode (the ieee80211vap role): its interface, its
/// state and, for a station or WDS link, its peer. What the MAC keeps about an interface (BSS,
/// beacon, sequence numbers, counters) is in the MAC's interface record.
struct vap_common {
    driver::vif vif;
    state current = state::init;
    bool attached = false;
    mac_address des_bssid;  ///< station: the BSS wanted; WDS: the peer
};

struct no_private {};

/// @brief A vap of mode Mode: the generic part plus the driver's private part for that mode.
template <class Mode, class Private>
struct vap : vap_common {
    using mode = Mode;
    Private priv{};
};

/// @brief A handle naming a vap of a known mode.
template <class Mode>
struct handle {
    std::uint8_t index = 0xff;
    bool valid() const noexcept { return index != 0xff; }
};

/// @brief How to create a vap.
struct create_options {
    std::optional<mac_address> addr;  ///< the address; otherwise the next free one of the hardware
    mac_address peer;                 ///< WDS: the remote end
};

namespace detail {
template <class Driver, class Mode>
auto private_of() {
    if constexpr (requires { typename Driver::template vap_private<Mode>; })
        return std::type_identity<typename Driver::template vap_private<Mode>>{};
    else
        return std::type_identity<no_private>{};
}
template <class Driver, class Mode>
using private_t = typename decltype(private_of<Driver, Mode>())::type;
}  // namespace detail

/// @brief One radio and its vaps. Rules checked at creation, each refusal naming its rule:
/// the hardware supports the mode; the interface combinations (cfg80211's check; monitor vaps
/// never count); a unique address (monitor and P2P device may share; WDS shares its AP's);
/// WDS only alongside an AP vap; and the driver's own veto (`vap_create_check`).
///
/// Driver hooks, each used when the driver type has it: `vap_create_check(type, device)`,
/// `vap_setup(vap)` (claim resources), `vap_newstate(vap, old, new, device)` (sees every vap),
/// `vap_delete(vap)` (release resources).
template <class Radio>
class device {
  public:
    using driver_type = std::remove_cvref_t<decltype(std::declval<Radio&>().driver())>;
    template <class Mode>
    using vap_type = vap<Mode, detail::private_t<driver_type, Mode>>;
    using any_vap = std::variant<std::monostate, vap_type<station>, vap_type<adhoc>,
                                 vap_type<hostap>, vap_type<wds>, vap_type<monitor>,
                                 vap_type<p2p_client>, vap_type<p2p_go>, vap_type<p2p_device>>;
    static constexpr std::size_t max_vaps = Radio::max_interfaces;

    explicit device(Radio& r) : radio_(r) {}
    device(const device&) = delete;
    device& operator=(const device&) = delete;

    Radio& radio() noexcept { return radio_; }
    const driver::hw_description& hw() const noexcept { return radio_.hw(); }

    /// @brief Creates a vap in the three steps: the driver's type is allocated, generic setup
    /// initialises it (not active), the driver sets up its part, and attach makes it visible.
    template <class Mode>
    result<handle<Mode>> create(const create_options& opt = {}) {
        if (!hw().supports(Mode::type))
            return make_error(errc::not_supported,
                              "the hardware does not support this interface type");
        if constexpr (Mode::type == driver::iftype::wds)
            if (!find_first(driver::iftype::ap))
                return make_error(errc::invalid_state, "WDS needs an AP vap on the same device");
        if constexpr (Mode::type != driver::iftype::monitor) {
            iface_counts c = counts();
            c.add(Mode::type);
            if (auto r = check_combinations(hw(), c); !r) return r.err();
        }
        const mac_address addr = choose_address<Mode>(opt);
        if (auto r = check_unique<Mode>(addr); !r) return r.err();
        if constexpr (requires(driver_type & d) { d.vap_create_check(Mode::type, *this); })
            if (auto r = radio_.driver().vap_create_check(Mode::type, *this); !r) return r.err();
        std::size_t slot = 0;
        while (slot < max_vaps && !std::holds_alternative<std::monostate>(vaps_[slot])) ++slot;
        if (slot == max_vaps) return make_error(errc::exhausted, "no free vap slot");

        // 1. allocate the driver's vap type; 2. generic setup (inactive)
        auto& v = vaps_[slot].template emplace<vap_type<Mode>>();
        v.vif = {addr, Mode::type, 0};
        v.current = state::init;
        if constexpr (Mode::type == driver::iftype::wds) v.des_bssid = opt.peer;
        // 3. the driver's part (beacon slot, private state)
        if constexpr (requires(driver_type & d) { d.vap_setup(v); })
            if (auto r = radio_.driver().vap_setup(v); !r) {
                vaps_[slot].template emplace<std::monostate>();
                return r.err();
            }
        // 4. attach: the interface comes up and the vap becomes visible
        auto vif = radio_.add_interface(Mode::type, addr);
        if (!vif) {
            release(v);
            vaps_[slot].template emplace<std::monostate>();
            return vif.err();
        }
        v.vif = *vif;
        v.attached = true;
        handle<Mode> h;
        h.index = static_cast<std::uint8_t>(slot);
        return h;
    }

    /// @brief Destroys a vap: back to INIT (the driver's newstate runs), the interface goes down
    /// (the hardware stops with the last one, keeps running otherwise), the driver releases its
    /// part.
    template <class Mode>
    result<void> destroy(handle<Mode> h) {
        auto* v = get(h);
        if (!v) return make_error(errc::not_found, "no such vap");
        if constexpr (driver::has_flush<driver_type, typename Radio::context>) {
            typename Radio::context ctx{radio_};
            radio_.driver().flush(ctx, 0xffffffffu, true);
        }
        if (v->current != state::init) (void)new_state(h, state::init);
        v->attached = false;
        radio_.remove_interface(v->vif);
        release(*v);
        vaps_[h.index].template emplace<std::monostate>();
        return {};
    }

    /// @brief Changing an interface's type is destroying it and creating one of the new mode.
    template <class NewMode, class OldMode>
    result<handle<NewMode>> change_type(handle<OldMode> h, const create_options& opt = {}) {
        if (auto r = destroy(h); !r) return r.err();
        return create<NewMode>(opt);
    }

    /// @brief Moves a vap to a new state if its mode allows the transition; the driver's
    /// newstate hook runs first and sees every vap (and may refuse anything but INIT). Out of
    /// INIT the vap uses the radio's channel (the radio is not idle).
    template <class Mode>
    result<void> new_state(handle<Mode> h, state next) {
        auto* v = get(h);
        if (!v) return make_error(errc::not_found, "no such vap");
        const state old = v->current;
        if (!Mode::table.allows(old, next))
            return make_error(errc::invalid_state, "state transition not allowed for this mode");
        if constexpr (requires(driver_type & d) { d.vap_newstate(*v, old, next, *this); }) {
            auto r = radio_.driver().vap_newstate(*v, old, next, *this);
            if (!r && next != state::init) return r;
        }
        v->current = next;
        radio_.set_active(v->vif, next != state::init);
        return {};
    }

    template <class Mode>
    vap_type<Mode>* get(handle<Mode> h) noexcept {
        if (!h.valid() || h.index >= max_vaps) return nullptr;
        return std::get_if<vap_type<Mode>>(&vaps_[h.index]);
    }
    template <class Mode>
    const vap_type<Mode>* get(handle<Mode> h) const noexcept {
        if (!h.valid() || h.index >= max_vaps) return nullptr;
        return std::get_if<vap_type<Mode>>(&vaps_[h.index]);
    }

    /// @brief Calls f(vap) for every vap, whatever its mode.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& slot : vaps_)
            std::visit(
                [&](const auto& v) {
                    if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) f(v);
                },
                slot);
    }
    std::size_t size() const noexcept {
        std::size_t n = 0;
        for_each([&](const auto&) { ++n; });
        return n;
    }
    /// @brief Beaconing vaps (AP, P2P GO, IBSS) in RUN, other than the vap with this address.
    std::size_t running_beaconing(const mac_address* except = nullptr) const noexcept {
        std::size_t n = 0;
        for_each([&](const auto& v) {
            using M = typename std::decay_t<decltype(v)>::mode;
            if (M::beacons && v.current == state::run && (!except || v.vif.addr != *except)) ++n;
        });
        return n;
    }
    /// @brief Per-type counts of the non-monitor vaps (what the combination check counts).
    iface_counts counts() const noexcept {
        iface_counts c;
        for_each([&](const auto& v) { c.add(v.vif.type); });
        return c;
    }

  private:
    std::optional<mac_address> find_first(driver::iftype t) const noexcept {
        std::optional<mac_address> a;
        for_each([&](const auto& v) {
            if (!a && v.vif.type == t) a = v.vif.addr;
        });
        return a;
    }
    template <class Mode>
    mac_address choose_address(const create_options& opt) const noexcept {
        if (opt.addr) return *opt.addr;
        if constexpr (Mode::type == driver::iftype::wds) return *find_first(driver::iftype::ap);
        for (std::uint8_t i = 0; i < hw().n_addresses; ++i) {
            const mac_address a = hw().address(i);
            bool used = false;
            for_each([&](const auto& v) { used = used || v.vif.addr == a; });
            if (!used) return a;
        }
        return hw().address(0);
    }
    /// Same-address exceptions: monitor or P2P device with anything, WDS with its AP.
    template <class Mode>
    result<void> check_unique(const mac_address& a) const noexcept {
        bool clash = false;
        for_each([&](const auto& v) {
            if (v.vif.addr != a) return;
            const auto t = v.vif.type;
            const bool shared =
                Mode::type == driver::iftype::monitor || t == driver::iftype::monitor ||
                Mode::type == driver::iftype::p2p_device || t == driver::iftype::p2p_device ||
                (Mode::type == driver::iftype::wds &&
                 (t == driver::iftype::ap || t == driver::iftype::wds)) ||
                (t == driver::iftype::wds && Mode::type == driver::iftype::ap);
            clash = clash || !shared;
        });
        if (clash)
            return make_error(errc::busy, "the address is already used by another interface");
        return {};
    }
    template <class V>
    void release(V& v) {
        if constexpr (requires(driver_type & d) { d.vap_delete(v); }) radio_.driver().vap_delete(v);
    }

    Radio& radio_;
    std::array<any_vap, max_vaps> vaps_{};
};

}  // namespace softmac::vap
