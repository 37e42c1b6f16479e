// SPDX-License-Identifier: MIT
/// @file Defines softmac::detail::walker: the forward-iterator plumbing shared by the tables
/// whose entries are visited along links or masks.
// IWYU pragma: private
#pragma once

#include <cstddef>
#include <iterator>
#include <type_traits>

namespace softmac::detail {

/// A forward iterator over a table's entries. Derived provides `Reference deref() const`, `void
/// next()` and `position() const` (what equality compares), and befriends this base. One that
/// returns values (Reference not a reference) is a forward iterator to C++20 (iterator_concept)
/// and an input iterator to the C++17 iterator requirements, whose forward iterators yield
/// references (iterator_category), as std::ranges::iota_view's iterator; it has no `->`.
template <class Derived, class Value, class Reference = const Value&>
class walker {
    static constexpr bool yields_references = std::is_reference_v<Reference>;

  public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using reference = Reference;
    using pointer =
        std::conditional_t<yields_references,
                           std::add_pointer_t<std::remove_reference_t<Reference>>, void>;
    using iterator_concept = std::forward_iterator_tag;
    using iterator_category =
        std::conditional_t<yields_references, std::forward_iterator_tag, std::input_iterator_tag>;

    reference operator*() const noexcept { return self().deref(); }
    pointer operator->() const noexcept requires yields_references { return &self().deref(); }
    Derived& operator++() noexcept {
        static_cast<Derived&>(*this).next();
        return static_cast<Derived&>(*this);
    }
    Derived operator++(int) noexcept {
        Derived old = self();
        ++*this;
        return old;
    }
    friend bool operator==(const Derived& a, const Derived& b) noexcept { return same(a, b); }

  private:
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
    static bool same(const Derived& a, const Derived& b) noexcept {
        return a.position() == b.position();
    }
};

}  // namespace softmac::detail
