// SPDX-License-Identifier: MIT
/// @file Defines the compile-time command table: a Hana map from nl80211 command number to
/// command type, and the dispatch on a number that it compiles to.
#pragma once

#include <boost/hana/integral_constant.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include <cstdint>

#include <softmac/cfg/commands.hpp>

namespace softmac::cfg {

/// @brief The command table: command number -> command type. Flags and required attributes
/// come with each type (its `spec`); the handler is the config layer's overload for the type.
inline constexpr auto command_table = boost::hana::make_map(
#define SOFTMAC_CMD(T) \
    boost::hana::make_pair(boost::hana::int_c<cmd::T::id>, boost::hana::type_c<cmd::T>)
    SOFTMAC_CMD(get_wiphy), SOFTMAC_CMD(get_interface), SOFTMAC_CMD(set_interface),
    SOFTMAC_CMD(new_interface), SOFTMAC_CMD(del_interface), SOFTMAC_CMD(start_p2p_device),
    SOFTMAC_CMD(stop_p2p_device), SOFTMAC_CMD(trigger_scan), SOFTMAC_CMD(get_scan),
    SOFTMAC_CMD(authenticate), SOFTMAC_CMD(associate), SOFTMAC_CMD(connect),
    SOFTMAC_CMD(disconnect), SOFTMAC_CMD(deauthenticate), SOFTMAC_CMD(disassociate),
    SOFTMAC_CMD(start_ap), SOFTMAC_CMD(stop_ap), SOFTMAC_CMD(set_beacon), SOFTMAC_CMD(new_station),
    SOFTMAC_CMD(del_station), SOFTMAC_CMD(get_station), SOFTMAC_CMD(remain_on_channel),
    SOFTMAC_CMD(cancel_remain_on_channel), SOFTMAC_CMD(register_frame), SOFTMAC_CMD(mgmt_tx),
    SOFTMAC_CMD(frame_wait_cancel), SOFTMAC_CMD(set_channel), SOFTMAC_CMD(new_key),
    SOFTMAC_CMD(del_key), SOFTMAC_CMD(set_key), SOFTMAC_CMD(set_station),
    SOFTMAC_CMD(control_port_frame), SOFTMAC_CMD(get_key)
#undef SOFTMAC_CMD
);
static_assert(boost::hana::length(command_table) == nl80211::commands.size(),
              "softmac: every nl80211 command spec needs a command type, and the reverse");

/// @brief Calls `f(T{})` for the command type T numbered `id`; false if none. The fold over the
/// table compiles to a switch on the number: no runtime map.
template <class F>
bool with_command(std::uint8_t id, F&& f) {
    return boost::hana::unpack(boost::hana::values(command_table), [&](auto... t) {
        return ((id == decltype(t)::type::id ? (f(typename decltype(t)::type{}), true) : false) ||
                ...);
    });
}

}  // namespace softmac::cfg
