// SPDX-License-Identifier: MIT
/// @file Defines the data path's pipeline machinery: driver capabilities, the upper layer,
/// verdicts.
#pragma once

#include <boost/hana/equal.hpp>
#include <boost/hana/filter.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <cstdint>
#include <type_traits>
#include <utility>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/mac/keys.hpp>

namespace softmac::mac {

/// @brief Driver capabilities that make MAC handlers unnecessary (a handler a capability makes
/// useless is not in the pipeline at all).
struct capabilities {
    bool hw_rate_control = false;   ///< the driver picks rates (IEEE80211_HW_HAS_RATE_CONTROL)
    bool hw_fragmentation = false;  ///< the driver fragments (IEEE80211_HW_SUPPORTS_TX_FRAG)
    bool rx_dup_validated = false;  ///< the driver drops duplicates (RX_FLAG_DUP_VALIDATED)
    /// The driver encrypts and decrypts CCMP (set_key offload): the software cipher handlers are
    /// not in the pipeline; the MAC still assigns PNs and checks replays.
    bool hw_crypto = false;
    /// The stack has a software cipher (a crypto policy) and the driver does not offload.
    bool sw_crypto = false;
};
/// @brief A driver declares capabilities as static constexpr members of those names; a software
/// cipher other than no_cipher gives sw_crypto unless the driver offloads.
template <class Driver, class Cipher = no_cipher>
constexpr capabilities capabilities_of() noexcept {
    capabilities c;
    if constexpr (requires { Driver::hw_rate_control; })
        c.hw_rate_control = Driver::hw_rate_control;
    if constexpr (requires { Driver::hw_fragmentation; })
        c.hw_fragmentation = Driver::hw_fragmentation;
    if constexpr (requires { Driver::rx_dup_validated; })
        c.rx_dup_validated = Driver::rx_dup_validated;
    if constexpr (requires { Driver::hw_crypto; }) c.hw_crypto = Driver::hw_crypto;
    c.sw_crypto = !c.hw_crypto && !std::is_same_v<Cipher, no_cipher>;
    return c;
}

/// @brief What the data path hands up: 802.3 frames (EAPOL apart, for the controlled port's
/// owner), management frames and statuses.
template <class U>
concept upper_layer = requires(U& u, std::uint8_t vif, frame_buffer&& b,
                               const driver::rx_status& rs, const driver::tx_status& ts,
                               std::uint64_t cookie, bool aborted) {
    u.deliver(vif, std::move(b));
    u.on_control_port(vif, std::move(b));
    u.on_mgmt(vif, std::move(b), rs);
    u.on_tx_status(std::move(b), ts);
    u.on_roc_ready(cookie);
    u.on_roc_expired(cookie);
    u.on_scan_done(aborted);
};

/// @brief An upper layer that drops everything: for benchmarks, fuzzing, and the data path alone.
struct null_upper {
    void deliver(std::uint8_t, frame_buffer&&) noexcept {}
    void on_control_port(std::uint8_t, frame_buffer&&) noexcept {}
    void on_mgmt(std::uint8_t, frame_buffer&&, const driver::rx_status&) noexcept {}
    void on_tx_status(frame_buffer&&, const driver::tx_status&) noexcept {}
    void on_roc_ready(std::uint64_t) noexcept {}
    void on_roc_expired(std::uint64_t) noexcept {}
    void on_scan_done(bool) noexcept {}
};
static_assert(upper_layer<null_upper>);

/// @brief A handler's verdict: continue, dropped (counted), or consumed (e.g. kept for reassembly).
enum class verdict : std::uint8_t { next, drop, consumed };

namespace detail {
/// Runs handlers in order until one does not say `next`. A fold over the handler types, not a
/// lambda: a closure would hold the frame's address, which keeps the frame in memory instead of
/// in registers.
template <class Self, class Frame, class... Handlers>
SOFTMAC_HOT_INLINE verdict run(const boost::hana::tuple<Handlers...>&, Self& self, Frame& f) {
    verdict v = verdict::next;
    (void)(((v = Handlers{}(self, f)) == verdict::next) && ...);
    return v;
}
/// The handlers whose `enabled<Caps>` is true, in order: mac80211's invoke_tx_handlers_early/late
/// and ieee80211_rx_handlers, decided at compile time.
template <capabilities Caps, class... Handlers>
constexpr auto pipeline_of() {
    return boost::hana::filter(boost::hana::make_tuple(Handlers{}...), [](auto h) {
        return boost::hana::bool_c<decltype(h)::template enabled<Caps>>;
    });
}
template <class Pipeline, class H>
constexpr bool contains() {
    return boost::hana::unpack(Pipeline{},
                               [](auto... h) { return (std::is_same_v<decltype(h), H> || ...); });
}
}  // namespace detail

}  // namespace softmac::mac
