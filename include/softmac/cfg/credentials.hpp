// SPDX-License-Identifier: MIT
/// @file Defines cfg::credentials: who sends a request to the config layer.
#pragma once

#include <cstdint>

namespace softmac::cfg {

/// @brief Who sends a request (SO_PEERCRED's triple plus the CAP_NET_ADMIN capability).
struct credentials {
    std::uint32_t pid = 0, uid = 0, gid = 0;
    bool net_admin = false;
    /// @brief May run admin-flagged commands: root or a holder of CAP_NET_ADMIN.
    bool privileged() const noexcept { return uid == 0 || net_admin; }
};

}  // namespace softmac::cfg
