// SPDX-License-Identifier: MIT
/// @file Defines p2p::device: a P2P device assembled from a driver and policies (radio, MAC,
/// config layer and P2P engine, wired and in lifetime order).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <softmac/cfg/wiphy.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/p2p/engine.hpp>

namespace softmac::p2p {

/// @brief The policy kind naming where a device's P2P events go (default: dropped).
template <class S>
struct events {
    using type = S;
};

/// @brief A P2P event sink that drops every event.
struct null_sink {
    template <class E>
    void operator()(const E&) const noexcept {}
};

/// @brief What names one device: its wiphy (`phy<index>`), its interface and its P2P settings.
struct device_params {
    std::uint32_t index = 0;       ///< the wiphy index (phy0, phy1, ...)
    std::string ifname = "wlan0";  ///< the interface the device is created for
    p2p::settings settings;        ///< device name, type, intent, channels, ...
    std::uint64_t seed = 1;        ///< the engine's random choices (channels, PINs, tie-breaker)
};

namespace detail {
template <class P>
inline constexpr bool is_device_policy = mac::detail::is_kind<P, events> ||
                                         (mac::detail::is_mac_policy<P> &&
                                          !mac::detail::is_kind<P, mac::events>);
}  // namespace detail

/// @brief One P2P device, as a product uses it: the radio with its driver, the MAC, the config
/// layer and the P2P engine, assembled from `Driver` and policies given by kind in any order (a
/// time policy, mac::net, mac::rate_control, mac::buffers, p2p::events). Events climb through
/// typed sinks: MAC → config layer → engine → `p2p::events<S>`.
/// @code
/// p2p::device<drivers::loopback<virtual_time>, virtual_time, p2p::events<my_sink>> alice(
///     clock, pool, {.settings = {.device_name = "Alice"}}, air);
/// alice.start();
/// alice.engine().find({});
/// @endcode
template <class Driver, class... Policies>
class device {
    static_assert(mac::detail::count_kind<mac::events, Policies...> == 0,
                  "softmac: p2p::device routes the MAC's events to its engine itself: give it "
                  "p2p::events<S> for the P2P events, not mac::events");
    static_assert(mac::detail::count_kind<cfg::events, Policies...> == 0,
                  "softmac: p2p::device routes the config layer's events to its engine itself: "
                  "give it p2p::events<S> for the P2P events, not cfg::events");
    static_assert((detail::is_device_policy<Policies> && ...),
                  "softmac: a P2P device policy is a time policy (virtual_time, real_time), "
                  "mac::net<N>, mac::rate_control<R>, mac::buffers<P>, mac::crypto<C> or "
                  "p2p::events<S> (the "
                  "device routes MAC and config-layer events itself)");
    static_assert(mac::detail::count_kind<p2p::events, Policies...> <= 1,
                  "softmac: p2p::events may be given once");
    using mac_policies = mac::stack_policy_types<Policies...>;
    using sink_type = typename mac::detail::pick<p2p::events, null_sink, Policies...>::type;
    static_assert(check_event_sink<sink_type>());

    /// The config layer's event sink: this device's engine.
    struct to_engine {
        device* self = nullptr;
        void operator()(const cfg::wdev_ref& to, const mac::event::any& e) const {
            self->engine_.cfg_event(to, e);
        }
        SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) const noexcept {
            self->engine_.prefetch_rx(f);
        }
    };
    static_assert(
        requires(to_engine & e, bytes_view f) { e.prefetch_rx(f); },
        "softmac: the config layer hands the engine the frames about to come");

  public:
    using time_type = typename mac_policies::time_type;
    using pool_type = typename mac_policies::pool_type;
    /// P2P groups are protected: software CCMP unless a mac::crypto<C> says otherwise (a driver
    /// that offloads CCMP leaves the cipher unused).
    using cipher_type = std::conditional_t<mac::detail::count_kind<mac::crypto, Policies...> == 0,
                                           crypto::aes_ccm_key, typename mac_policies::crypto_type>;
    using wiphy_type =
        cfg::wiphy<Driver, time_type, mac::net<typename mac_policies::net_type>,
                   mac::rate_control<typename mac_policies::rate_type>, mac::buffers<pool_type>,
                   mac::crypto<cipher_type>, cfg::events<to_engine>>;
    using stack_type = typename wiphy_type::stack_type;
    using config_type = typename wiphy_type::config_type;
    using engine_type = p2p::engine<config_type, sink_type>;

    /// @brief A device on the radio that `args` construct (the driver's arguments, e.g. the
    /// medium). The net and event sinks are default-constructed: set them through net() and
    /// sink() before start().
    template <class... DriverArgs>
    device(time_type& time, pool_type& pool, device_params p, DriverArgs&&... args)
        : wiphy_(time, pool, p.index, "phy" + std::to_string(p.index),
                 std::forward<DriverArgs>(args)...),
          engine_(time, wiphy_.config(), sink_type{}, std::move(p.settings), std::move(p.ifname),
                  p.seed) {
        wiphy_.events().self = this;
    }
    device(const device&) = delete;
    device& operator=(const device&) = delete;

    /// @brief Registers the hardware and starts the P2P device (its interface, frame
    /// registrations and channels).
    result<void> start() {
        if (auto r = wiphy_.start(); !r) return r;
        return engine_.start();
    }

    engine_type& engine() noexcept { return engine_; }
    const engine_type& engine() const noexcept { return engine_; }
    config_type& config() noexcept { return wiphy_.config(); }
    /// @brief The radio with its MAC and config layer (the data path is its stack's).
    wiphy_type& wiphy() noexcept { return wiphy_; }
    typename mac_policies::net_type& net() noexcept { return wiphy_.net(); }
    sink_type& sink() noexcept { return engine_.sink(); }

  private:
    wiphy_type wiphy_;
    engine_type engine_;
};

}  // namespace softmac::p2p
