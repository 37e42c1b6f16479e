// SPDX-License-Identifier: MIT
/// @file Test vectors written as hexadecimal text (spaces and line breaks between digits allowed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>

namespace softmac::test {

/// @brief The octets of `s`, hexadecimal digits with any whitespace between them; a malformed
/// vector is a broken test, so it yields no octets at all.
inline std::vector<std::uint8_t> hex(std::string_view s) {
    std::string digits;
    for (char c : s)
        if (c != ' ' && c != '\n' && c != '\t') digits += c;
    std::vector<std::uint8_t> out(digits.size() / 2);
    if (!from_hex(digits, out)) out.clear();
    return out;
}

}  // namespace softmac::test
