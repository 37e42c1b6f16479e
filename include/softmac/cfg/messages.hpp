// SPDX-License-Identifier: MIT
/// @file Includes the config layer's messages: commands, the command table, replies, events and
/// their netlink codec.
#pragma once

#include <softmac/cfg/codec.hpp>          // IWYU pragma: export
#include <softmac/cfg/command_table.hpp>  // IWYU pragma: export
#include <softmac/cfg/commands.hpp>       // IWYU pragma: export
#include <softmac/cfg/replies.hpp>        // IWYU pragma: export
#include <softmac/cfg/wire_events.hpp>    // IWYU pragma: export
