// SPDX-License-Identifier: MIT
/// @file Defines cfg::config_layer: the config layer as the layer above it sees it, without the
/// config layer itself (a P2P engine over it includes this, not cfg/config.hpp).
#pragma once

#include <concepts>
#include <cstdint>
#include <vector>

#include <softmac/cfg/commands.hpp>
#include <softmac/cfg/credentials.hpp>
#include <softmac/cfg/replies.hpp>
#include <softmac/core/result.hpp>

namespace softmac::cfg {

/// @brief A config layer as the layer above it (a P2P engine, a supplicant) uses it: typed
/// commands run with the caller's credentials, netdevs brought up and down, sockets' ports bound
/// and released, and the time policy of the wiphy (cfg::config).
template <class C>
concept config_layer = requires(C& c, const credentials& who, const wdev_ref& r) {
    typename C::time_type;
    { c.execute(cmd::get_wiphy{}, who) } -> std::same_as<result<reply::wiphy>>;
    { c.execute(cmd::get_interface{}, who) } -> std::same_as<result<std::vector<reply::interface>>>;
    { c.set_up(r, true) } -> std::same_as<result<void>>;
    { c.bind() } -> std::same_as<std::uint32_t>;
    c.release(std::uint32_t{});
};

}  // namespace softmac::cfg
