// SPDX-License-Identifier: MIT
/// @file Defines the MAC's policy kinds (time, net, events, rate control, buffers), their concepts
/// and their selection by kind, in any order, with defaults.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/keys.hpp>
#include <softmac/mac/rate_control.hpp>

namespace softmac::mac {

/// @brief Where received 802.3 frames go (the network stack's side of an interface).
template <class N>
concept net_sink = requires(N& n, std::uint8_t vif, frame_buffer&& b) {
    n.deliver(vif, std::move(b));
};
/// @brief A network side that feeds the stack from a queue of its own (a TAP, say) and holds
/// it while the driver is full: tx_room() is called whenever a TX status frees a place (the
/// netif_wake_queue role).
template <class N>
concept net_queue = net_sink<N> && requires(N& n) {
    n.tx_room();
};
/// @brief A network side that drops everything.
struct null_net {
    void deliver(std::uint8_t, frame_buffer&&) noexcept {}
};

/// @brief Where management events go (the config layer, normally): called with each event.
template <class E>
concept event_sink = std::invocable<E&, const event::any&>;
/// @brief An event side that ignores everything.
struct null_events {
    void operator()(const event::any&) const noexcept {}
};

/// @brief A rate-control algorithm: per-station state, a selection per frame and TX feedback.
template <class R>
concept rate_policy = std::default_initializable<typename R::state> &&
    requires(typename R::state& s, const rate_request& r, driver::tx_info& info,
             const driver::tx_status& st) {
    R::select(s, r, info);
    R::feedback(s, st);
};

/// @name Policy kinds
/// A stack is `mac::stack<Driver, Policies...>`: a time policy (virtual_time or real_time, named
/// as it is) and any of these wrappers, in any order; a kind left out takes its default.
/// @{
template <class N>
struct net {  ///< default null_net
    using type = N;
};
template <class E>
struct events {  ///< default null_events
    using type = E;
};
template <class R>
struct rate_control {  ///< default simple_adaptive
    using type = R;
};
template <class P>
struct buffers {  ///< default heap_pool
    using type = P;
};
template <class C>
struct crypto {  ///< default no_cipher: frames are protected only by a driver that offloads
    using type = C;
};
/// @}

namespace detail {

template <class P, template <class> class Kind>
inline constexpr bool is_kind = false;
template <class T, template <class> class Kind>
inline constexpr bool is_kind<Kind<T>, Kind> = true;

template <template <class> class Kind, class... Ps>
inline constexpr std::size_t count_kind = (std::size_t{0} + ... + (is_kind<Ps, Kind> ? 1 : 0));

/// The type a `Kind<T>` among `Ps` wraps, or `Default`.
template <template <class> class Kind, class Default, class... Ps>
struct pick {
    using type = Default;
};
template <template <class> class Kind, class Default, class P, class... Ps>
struct pick<Kind, Default, P, Ps...>
    : std::conditional_t<is_kind<P, Kind>, P, pick<Kind, Default, Ps...>> {};

/// The first time policy among `Ps`, or void.
template <class... Ps>
struct pick_time {
    using type = void;
};
template <class P, class... Ps>
struct pick_time<P, Ps...>
    : std::conditional_t<time_policy<P>, std::type_identity<P>, pick_time<Ps...>> {};

template <class... Ps>
inline constexpr std::size_t count_time = (std::size_t{0} + ... + (time_policy<Ps> ? 1 : 0));

template <class P>
inline constexpr bool is_mac_policy =
    time_policy<P> || is_kind<P, net> || is_kind<P, events> || is_kind<P, rate_control> ||
    is_kind<P, buffers> || is_kind<P, crypto>;

}  // namespace detail

/// @brief The MAC policies among `Ps...`, resolved in any order (other kinds are left to the
/// assembly that takes them). Each requirement is its own `static_assert`, so a misuse reads as
/// one sentence.
template <class... Ps>
struct stack_policy_types {
    static_assert(detail::count_time<Ps...> == 1,
                  "softmac: a stack needs exactly one time policy (virtual_time or real_time)");
    static_assert(detail::count_kind<net, Ps...> <= 1 && detail::count_kind<events, Ps...> <= 1 &&
                      detail::count_kind<rate_control, Ps...> <= 1 &&
                      detail::count_kind<buffers, Ps...> <= 1 &&
                      detail::count_kind<crypto, Ps...> <= 1,
                  "softmac: each policy kind may be given once");

    using time_type = typename detail::pick_time<Ps...>::type;
    using net_type = typename detail::pick<net, null_net, Ps...>::type;
    using events_type = typename detail::pick<events, null_events, Ps...>::type;
    using rate_type = typename detail::pick<rate_control, simple_adaptive, Ps...>::type;
    using pool_type = typename detail::pick<buffers, heap_pool, Ps...>::type;
    using crypto_type = typename detail::pick<crypto, no_cipher, Ps...>::type;

    static_assert(net_sink<net_type>,
                  "softmac: mac::net<N>: N must provide deliver(std::uint8_t vif, frame_buffer&&)");
    static_assert(event_sink<events_type>,
                  "softmac: mac::events<E>: E must be callable with const mac::event::any&");
    static_assert(rate_policy<rate_type>,
                  "softmac: mac::rate_control<R>: R must provide a state type and static "
                  "select(state&, const rate_request&, tx_info&) and feedback(state&, const "
                  "tx_status&)");
    static_assert(buffer_pool<pool_type>,
                  "softmac: mac::buffers<P>: P must provide allocate(headroom) -> "
                  "result<frame_buffer>, buffer_size() and available()");
    static_assert(frame_cipher<crypto_type>,
                  "softmac: mac::crypto<C>: C must provide set(key), encrypt(nonce, aad, data, "
                  "tag) and decrypt(nonce, aad, data, tag), as crypto::aes_ccm_key does");
};

/// @brief The policies of one mac::stack: only MAC policy kinds.
template <class... Ps>
struct stack_policies : stack_policy_types<Ps...> {
    static_assert((detail::is_mac_policy<Ps> && ...),
                  "softmac: a stack policy is a time policy (virtual_time, real_time) or one of "
                  "mac::net<N>, mac::events<E>, mac::rate_control<R>, mac::buffers<P>, "
                  "mac::crypto<C>");
};

}  // namespace softmac::mac
