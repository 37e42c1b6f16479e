// SPDX-License-Identifier: MIT
/// @file Defines the vap states (net80211's INIT..SLEEP) and the transitions each operating mode
/// allows.
#pragma once

#include <cstdint>
#include <string_view>

namespace softmac::vap {

/// @brief Vap states, ordered: "RUN or greater" is operational.
enum class state : std::uint8_t {
    init = 0,
    scan = 1,
    auth = 2,
    assoc = 3,
    cac = 4,
    run = 5,
    csa = 6,
    sleep = 7
};

constexpr std::string_view to_string(state s) noexcept {
    constexpr std::string_view names[] = {"INIT", "SCAN", "AUTH", "ASSOC",
                                          "CAC",  "RUN",  "CSA",  "SLEEP"};
    return names[static_cast<unsigned>(s)];
}

constexpr std::uint8_t bit(state s) noexcept {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(s));
}

/// @brief Transition table: for each target state, the states it may be entered from.
struct transitions {
    std::uint8_t from[8];
    constexpr bool allows(state old, state next) const noexcept {
        return (from[static_cast<unsigned>(next)] & bit(old)) != 0;
    }
};

inline constexpr std::uint8_t any_state = 0xff;

/// @brief A station vap (sta_newstate): scan, authenticate, associate, run, sleep.
inline constexpr transitions station_transitions{{
    /* INIT  */ any_state,
    /* SCAN  */
    std::uint8_t(bit(state::init) | bit(state::scan) | bit(state::auth) | bit(state::assoc) |
                 bit(state::run) | bit(state::sleep)),
    /* AUTH  */
    std::uint8_t(bit(state::init) | bit(state::scan) | bit(state::auth) | bit(state::assoc) |
                 bit(state::run) | bit(state::sleep)),
    /* ASSOC */
    std::uint8_t(bit(state::auth) | bit(state::assoc) | bit(state::run) | bit(state::sleep)),
    /* CAC   */ 0,
    /* RUN   */
    std::uint8_t(bit(state::auth) | bit(state::assoc) | bit(state::run) | bit(state::csa) |
                 bit(state::sleep)),
    /* CSA   */ bit(state::run),
    /* SLEEP */ bit(state::run),
}};

/// @brief An AP vap (hostap_newstate): scan for a channel or create the BSS, CAC, run, switch
/// channel.
inline constexpr transitions hostap_transitions{{
    /* INIT  */ any_state,
    /* SCAN  */
    std::uint8_t(bit(state::init) | bit(state::cac) | bit(state::run) | bit(state::csa)),
    /* AUTH  */ 0,
    /* ASSOC */ 0,
    /* CAC   */ std::uint8_t(bit(state::init) | bit(state::scan)),
    /* RUN   */
    std::uint8_t(bit(state::init) | bit(state::cac) | bit(state::csa) | bit(state::scan) |
                 bit(state::run)),
    /* CSA   */ bit(state::run),
    /* SLEEP */ 0,
}};

/// @brief Modes without an association (IBSS, WDS, monitor, P2P device): INIT, SCAN and RUN.
inline constexpr transitions simple_transitions{{
    /* INIT  */ any_state,
    /* SCAN  */ std::uint8_t(bit(state::init) | bit(state::run)),
    /* AUTH  */ 0,
    /* ASSOC */ 0,
    /* CAC   */ 0,
    /* RUN   */ std::uint8_t(bit(state::init) | bit(state::scan) | bit(state::run)),
    /* CSA   */ 0,
    /* SLEEP */ 0,
}};

}  // namespace softmac::vap
