// SPDX-License-Identifier: MIT
/// @file Defines cfg::wiphy: one radio's MAC and its config layer, assembled and wired.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <softmac/cfg/config.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/mac/policies.hpp>
#include <softmac/mac/stack.hpp>

namespace softmac::cfg {

/// @brief The policy kind naming where a wiphy's config-layer events go (default null_events).
template <class E>
struct events {
    using type = E;
};

namespace detail {
template <class P>
inline constexpr bool is_wiphy_policy = mac::detail::is_kind<P, events> ||
                                        (mac::detail::is_mac_policy<P> &&
                                         !mac::detail::is_kind<P, mac::events>);
}  // namespace detail

/// @brief One wiphy as cfg80211 sees it over mac80211: a mac::stack whose events go to its
/// cfg::config, whose events go to `cfg::events<E>`. The policies are the stack's (a time policy,
/// mac::net, mac::rate_control, mac::buffers) and cfg::events, in any order.
/// @code
/// cfg::wiphy<drivers::loopback<virtual_time>, virtual_time, cfg::events<printer>> phy(
///     clock, pool, 0, "phy0", air);
/// @endcode
template <class Driver, class... Policies>
class wiphy {
    static_assert((detail::is_wiphy_policy<Policies> && ...),
                  "softmac: a wiphy policy is a time policy (virtual_time, real_time), "
                  "mac::net<N>, mac::rate_control<R>, mac::buffers<P> or cfg::events<E> (the "
                  "wiphy hands the MAC's events to its config layer itself)");
    static_assert(mac::detail::count_kind<cfg::events, Policies...> <= 1,
                  "softmac: cfg::events may be given once");
    using mac_policies = mac::stack_policy_types<Policies...>;
    using cfg_events = typename mac::detail::pick<cfg::events, null_events, Policies...>::type;
    static_assert(event_sink<cfg_events>,
                  "softmac: cfg::events<E>: E must be callable with (const cfg::wdev_ref&, const "
                  "mac::event::any&) or provide wire(std::uint32_t port, bytes_view message)");

    /// The stack's event sink: this wiphy's config layer.
    struct to_config {
        wiphy* self = nullptr;
        void operator()(const mac::event::any& e) const { self->config_.mac_event(e); }
        SOFTMAC_HOT_INLINE void prefetch_rx(bytes_view f) const noexcept {
            self->config_.prefetch_rx(f);
        }
    };
    static_assert(
        requires(to_config & c, bytes_view f) { c.prefetch_rx(f); },
        "softmac: management RX hands the config layer the frames about to come");

  public:
    using time_type = typename mac_policies::time_type;
    using pool_type = typename mac_policies::pool_type;
    using net_type = typename mac_policies::net_type;
    using stack_type =
        mac::basic_stack<Driver, time_type, net_type, to_config, typename mac_policies::rate_type,
                         pool_type, typename mac_policies::crypto_type>;
    using config_type = cfg::config<stack_type, cfg_events>;

    /// @brief A wiphy numbered `index` and named `name` (phy0); `args` construct the driver. The
    /// net and event sinks are default-constructed: set them through net() and events() before
    /// start().
    template <class... DriverArgs>
    wiphy(time_type& time, pool_type& pool, std::uint32_t index, std::string name,
          DriverArgs&&... args)
        : stack_(time, pool, net_type{}, to_config{this}, std::forward<DriverArgs>(args)...),
          config_(stack_, index, std::move(name)) {}
    wiphy(const wiphy&) = delete;
    wiphy& operator=(const wiphy&) = delete;

    /// @brief Registers the hardware.
    result<void> start() { return stack_.start(); }

    stack_type& stack() noexcept { return stack_; }
    config_type& config() noexcept { return config_; }
    net_type& net() noexcept { return stack_.net(); }
    cfg_events& events() noexcept { return config_.events(); }

  private:
    stack_type stack_;
    config_type config_;
};

}  // namespace softmac::cfg
