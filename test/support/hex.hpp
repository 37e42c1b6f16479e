// SPDX-License-Identifier: MIT
/// @file Test vectors written as text: octets in hexadecimal (with whitespace), MAC addresses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>

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

/// @brief The address written `s` ("02:00:00:00:01:00"); a malformed one is a broken test.
inline mac_address mac(std::string_view s) { return mac_address::parse(s).value(); }

}  // namespace softmac::test
