// SPDX-License-Identifier: MIT
/// @file test::got: the value of an optional or a result, REQUIREd to be there.
#pragma once

#include <source_location>
#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>

namespace softmac::test {

/// @brief The value `r` holds (a std::optional or a softmac::result), by value: a test that
/// reads a value that is not there fails at the REQUIRE, which names the caller's line, instead
/// of reading through an empty object.
template <class R>
auto got(R&& r, std::source_location at = std::source_location::current())
    -> std::remove_cvref_t<decltype(*std::forward<R>(r))> {
    INFO("the value read at " << at.file_name() << ":" << at.line());
    REQUIRE(r);
    return *std::forward<R>(r);
}

}  // namespace softmac::test
