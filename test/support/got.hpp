// SPDX-License-Identifier: MIT
/// @file test::got: the value of an optional or a result, REQUIREd to be there.
#pragma once

#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>

namespace softmac::test {

/// @brief The value `r` holds (a std::optional or a softmac::result), by value: a test that
/// reads a value that is not there fails at the REQUIRE, instead of reading through an empty
/// object.
template <class R>
auto got(R&& r) -> std::remove_cvref_t<decltype(*std::forward<R>(r))> {
    REQUIRE(r);
    return *std::forward<R>(r);
}

}  // namespace softmac::test
