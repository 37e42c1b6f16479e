// SPDX-License-Identifier: MIT
/// @file Defines softmac::detail::inplace_function: a move-only callable in fixed inline storage.
// IWYU pragma: private, include <softmac/core/scheduler.hpp>
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace softmac::detail {

template <class Signature, std::size_t Capacity = 48>
class inplace_function;

/// A callable stored inside the object (no heap); captures larger than Capacity do not compile.
template <class R, class... Args, std::size_t Capacity>
class inplace_function<R(Args...), Capacity> {
  public:
    inplace_function() noexcept = default;

    template <class F>
    requires(!std::is_same_v<std::decay_t<F>, inplace_function> &&
             std::is_invocable_r_v<R, std::decay_t<F>&, Args...>) inplace_function(F&& f)
    noexcept(std::is_nothrow_constructible_v<std::decay_t<F>, F>) {
        using T = std::decay_t<F>;
        static_assert(sizeof(T) <= Capacity,
                      "softmac: callback capture too large for its inline storage");
        static_assert(alignof(T) <= alignof(std::max_align_t), "softmac: callback over-aligned");
        ::new (static_cast<void*>(storage_)) T(std::forward<F>(f));
        ops_ = &ops_for<T>;
    }
    // Moves (construction and assignment) relocate the callable: the move op move-constructs it
    // into this storage and destroys it in the source's. Taking the source's ops_ leaves the
    // source empty; resetting the source instead would destroy the callable a second time.
    inplace_function(inplace_function&& o) noexcept : ops_(std::exchange(o.ops_, nullptr)) {
        if (ops_) ops_->move(storage_, o.storage_);
    }
    inplace_function& operator=(inplace_function&& o) noexcept {
        if (this != &o) {
            reset();
            ops_ = std::exchange(o.ops_, nullptr);
            if (ops_) ops_->move(storage_, o.storage_);
        }
        return *this;
    }
    inplace_function(const inplace_function&) = delete;
    inplace_function& operator=(const inplace_function&) = delete;
    ~inplace_function() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }
    R operator()(Args... args) { return ops_->call(storage_, std::forward<Args>(args)...); }
    void reset() noexcept {
        if (ops_) ops_->destroy(storage_);
        ops_ = nullptr;
    }

  private:
    struct ops {
        R (*call)(void*, Args&&...);
        void (*move)(void*, void*) noexcept;
        void (*destroy)(void*) noexcept;
    };
    template <class T>
    static constexpr ops ops_for{
        [](void* s, Args&&... a) -> R { return (*static_cast<T*>(s))(std::forward<Args>(a)...); },
        [](void* d, void* s) noexcept {
            ::new (d) T(std::move(*static_cast<T*>(s)));
            static_cast<T*>(s)->~T();
        },
        [](void* s) noexcept { static_cast<T*>(s)->~T(); }};

    alignas(std::max_align_t) unsigned char storage_[Capacity];
    const ops* ops_ = nullptr;
};

}  // namespace softmac::detail
