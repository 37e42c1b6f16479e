// SPDX-License-Identifier: MIT
/// @file Defines softmac::detail::cursor: the forward-iterator plumbing shared by every validated
/// TLV sequence.
// IWYU pragma: private
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace softmac::detail {

/// A forward iterator over a validated byte sequence. Derived provides `Value read() const`
/// and `void advance()`, moving `p` (and may use `end`); equality compares positions.
template <class Derived, class Value>
class cursor {
  public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::forward_iterator_tag;
    using iterator_category = std::forward_iterator_tag;

    Value operator*() const noexcept { return static_cast<const Derived&>(*this).read(); }
    Derived& operator++() noexcept {
        static_cast<Derived&>(*this).advance();
        return static_cast<Derived&>(*this);
    }
    Derived operator++(int) noexcept {
        Derived t = static_cast<Derived&>(*this);
        ++*this;
        return t;
    }
    friend bool operator==(const Derived& a, const Derived& b) noexcept { return a.p == b.p; }

  protected:
    cursor() = default;
    cursor(const std::uint8_t* at, const std::uint8_t* last) noexcept : p(at), end(last) {}
    const std::uint8_t* p = nullptr;
    const std::uint8_t* end = nullptr;
};

}  // namespace softmac::detail
