// SPDX-License-Identifier: MIT
/// @file Reading the control interface's text in tests: the key=value fields of a line.
#pragma once

#include <string>
#include <string_view>

namespace softmac::test {

/// @brief The value of ` key=` in a line of space-separated words (an event, a STATUS line),
/// up to the next space or line break; empty when the line has no such field.
inline std::string event_field(std::string_view line, std::string_view key) {
    const auto at = line.find(" " + std::string(key) + "=");
    if (at == std::string_view::npos) return {};
    const auto v = line.substr(at + key.size() + 2);
    return std::string(v.substr(0, v.find_first_of(" \n")));
}

}  // namespace softmac::test
