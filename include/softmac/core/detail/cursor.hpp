// SPDX-License-Identifier: MIT
/// @file Defines softmac::detail::cursor: the forward iterator shared by every validated TLV
/// sequence (a walker over positions in its bytes).
// IWYU pragma: private
#pragma once

#include <cstdint>

#include <softmac/core/detail/walker.hpp>

namespace softmac::detail {

/// A forward iterator over a validated byte sequence. Derived provides `Value read() const`
/// and `void advance()`, moving `p` (and may use `end`); equality compares positions.
template <class Derived, class Value>
class cursor : public walker<Derived, Value, Value> {
  protected:
    cursor() = default;
    cursor(const std::uint8_t* at, const std::uint8_t* last) noexcept : p(at), end(last) {}
    const std::uint8_t* p = nullptr;
    const std::uint8_t* end = nullptr;

  private:
    friend walker<Derived, Value, Value>;
    Value deref() const noexcept { return static_cast<const Derived&>(*this).read(); }
    void next() noexcept { static_cast<Derived&>(*this).advance(); }
    const std::uint8_t* position() const noexcept { return p; }
};

}  // namespace softmac::detail
