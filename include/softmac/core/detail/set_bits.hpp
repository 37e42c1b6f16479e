// SPDX-License-Identifier: MIT
/// @file Defines softmac::detail::set_bits: the indices of a mask's set bits, lowest first.
// IWYU pragma: private
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include <softmac/core/detail/walker.hpp>

namespace softmac::detail {

/// The indices of the set bits of a 32-bit mask, lowest first: a forward range that reads
/// nothing but the mask (each step clears the lowest set bit), so a walk over the interfaces a
/// mask names touches only theirs.
class set_bits {
  public:
    class iterator : public walker<iterator, std::size_t, std::size_t> {
      public:
        iterator() = default;
        explicit constexpr iterator(std::uint32_t left) noexcept : left_(left) {}

      private:
        friend walker<iterator, std::size_t, std::size_t>;
        constexpr std::size_t deref() const noexcept {
            return static_cast<std::size_t>(std::countr_zero(left_));
        }
        constexpr void next() noexcept { left_ &= left_ - 1; }
        constexpr std::uint32_t position() const noexcept { return left_; }
        std::uint32_t left_ = 0;
    };

    explicit constexpr set_bits(std::uint32_t mask) noexcept : mask_(mask) {}
    constexpr iterator begin() const noexcept { return iterator{mask_}; }
    constexpr iterator end() const noexcept { return iterator{0}; }

  private:
    std::uint32_t mask_;
};

}  // namespace softmac::detail
