// SPDX-License-Identifier: MIT
/// @file Defines the compile-time command table: a Hana tuple of the command types (each knows its
/// nl80211 number), and the dispatch on a number that it compiles to.
#pragma once

#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include <cstddef>
#include <cstdint>

#include <softmac/cfg/commands.hpp>

namespace softmac::cfg {

/// @brief The command table: every command type, its number in `T::id`. Flags and required
/// attributes come with each type (its `spec`); the handler is the config layer's overload for
/// the type. A tuple, not a map: it is only ever walked, and a Hana map's hashing of 33 keys cost
/// every translation unit that includes the config layer about a second.
inline constexpr auto command_table = boost::hana::make_tuple(
#define SOFTMAC_CMD(T) boost::hana::type_c<cmd::T>
    SOFTMAC_CMD(get_wiphy), SOFTMAC_CMD(get_interface), SOFTMAC_CMD(set_interface),
    SOFTMAC_CMD(new_interface), SOFTMAC_CMD(del_interface), SOFTMAC_CMD(start_p2p_device),
    SOFTMAC_CMD(stop_p2p_device), SOFTMAC_CMD(trigger_scan), SOFTMAC_CMD(abort_scan),
    SOFTMAC_CMD(get_scan), SOFTMAC_CMD(authenticate), SOFTMAC_CMD(associate), SOFTMAC_CMD(connect),
    SOFTMAC_CMD(disconnect), SOFTMAC_CMD(deauthenticate), SOFTMAC_CMD(disassociate),
    SOFTMAC_CMD(start_ap), SOFTMAC_CMD(stop_ap), SOFTMAC_CMD(set_beacon),
    SOFTMAC_CMD(channel_switch), SOFTMAC_CMD(new_station), SOFTMAC_CMD(del_station),
    SOFTMAC_CMD(get_station), SOFTMAC_CMD(remain_on_channel), SOFTMAC_CMD(cancel_remain_on_channel),
    SOFTMAC_CMD(register_frame), SOFTMAC_CMD(mgmt_tx), SOFTMAC_CMD(frame_wait_cancel),
    SOFTMAC_CMD(set_channel), SOFTMAC_CMD(new_key), SOFTMAC_CMD(del_key), SOFTMAC_CMD(set_key),
    SOFTMAC_CMD(set_station), SOFTMAC_CMD(control_port_frame), SOFTMAC_CMD(get_key)
#undef SOFTMAC_CMD
);
/// Whether every command spec has exactly one command type: as many types as specs, each
/// type's number a spec's, no number twice.
inline constexpr bool command_table_matches_specs() {
    return boost::hana::unpack(command_table, [](auto... t) {
        const std::uint8_t ids[] = {decltype(t)::type::id...};
        bool ok = sizeof...(t) == nl80211::commands.size();
        for (std::size_t i = 0; i < sizeof...(t); ++i) {
            std::size_t specs = 0, same = 0;
            for (const auto& c : nl80211::commands) specs += c.cmd == ids[i];
            for (const auto id : ids) same += id == ids[i];
            ok = ok && specs == 1 && same == 1;
        }
        return ok;
    });
}
static_assert(command_table_matches_specs(),
              "softmac: every nl80211 command spec needs one command type, and the reverse");

/// @brief Calls `f(T{})` for the command type T numbered `id`; false if none. The fold over the
/// table compiles to a switch on the number: no runtime map.
template <class F>
bool with_command(std::uint8_t id, F&& f) {
    return boost::hana::unpack(command_table, [&](auto... t) {
        return ((id == decltype(t)::type::id ? (f(typename decltype(t)::type{}), true) : false) ||
                ...);
    });
}

}  // namespace softmac::cfg
