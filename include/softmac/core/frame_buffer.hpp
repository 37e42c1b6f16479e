// SPDX-License-Identifier: MIT
/// @file Defines softmac::frame_buffer: contiguous frame storage with headroom and tailroom.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <utility>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/result.hpp>

namespace softmac {

namespace detail {

/// One buffer's storage as a pool hands it out.
struct pool_block {
    pool_block* next = nullptr;
    std::uint8_t* data = nullptr;
    std::uint32_t capacity = 0;
};

/// The intrusive free list every pool keeps; releasing a buffer is a push, no call through a
/// pointer.
struct free_list {
    pool_block* head = nullptr;
    std::size_t free = 0;
    std::size_t in_use = 0;

    pool_block* pop() noexcept {
        pool_block* b = head;
        if (b) {
            head = b->next;
            --free;
            ++in_use;
        }
        return b;
    }
    void push(pool_block* b) noexcept {
        b->next = head;
        head = b;
        ++free;
        --in_use;
    }
};

/// Keeps a value in a general register: the fields of a buffer being moved are then loaded one
/// by one, in the widths they were stored in. Were the compiler to merge two adjacent field loads
/// into one wide load (it does for moves), a load right after the fields were written separately
/// (by push and pull, say, in another function) could not take its value from those stores and
/// would wait for them to reach the cache: a stall of about a dozen cycles per move.
template <class T>
SOFTMAC_HOT_INLINE T scalar(T v) noexcept {
#if defined(__GNUC__)
    asm("" : "+r"(v));
#endif
    return v;
}

}  // namespace detail

/// @brief A frame in contiguous storage, the sk_buff idea: the frame occupies
/// [data(), data() + size()) with headroom before it and tailroom after it.
///
/// push/pull move the head, put/trim move the tail; none of them allocates.
/// A buffer is move-only and returns its storage to its pool when destroyed.
class frame_buffer {
  public:
    frame_buffer() noexcept = default;

    /// @brief A buffer over caller-owned storage (nothing is returned anywhere).
    frame_buffer(bytes_span storage, std::size_t headroom) noexcept
        : storage_(storage.data()),
          capacity_(static_cast<std::uint32_t>(storage.size())),
          head_(
              static_cast<std::uint32_t>(headroom <= storage.size() ? headroom : storage.size())) {}

    frame_buffer(const frame_buffer&) = delete;
    frame_buffer& operator=(const frame_buffer&) = delete;
    frame_buffer(frame_buffer&& o) noexcept { steal(o); }
    /// Always inlined, as push, pull, put and what a move does are: every frame is handed on by
    /// move assignment at each layer and its headers pushed and pulled there, and each of these
    /// costs less than a call (a compiler's inlining budget does not decide a frame's cost).
    SOFTMAC_HOT_INLINE frame_buffer& operator=(frame_buffer&& o) noexcept {
        if (this != &o) {
            release();
            steal(o);
        }
        return *this;
    }
    ~frame_buffer() { release(); }

    bool valid() const noexcept { return storage_ != nullptr; }
    std::uint8_t* data() noexcept { return storage_ + head_; }
    const std::uint8_t* data() const noexcept { return storage_ + head_; }
    std::size_t size() const noexcept { return len_; }
    bool empty() const noexcept { return len_ == 0; }
    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t headroom() const noexcept { return head_; }
    std::size_t tailroom() const noexcept { return capacity_ - head_ - len_; }
    bytes_view view() const noexcept { return {data(), len_}; }
    bytes_span span() noexcept { return {data(), len_}; }

    /// @brief Moves the start of an empty buffer forward to leave n bytes of headroom.
    result<void> reserve(std::size_t n) noexcept {
        if (len_ != 0) return make_error(errc::invalid_state, "reserve on a non-empty buffer");
        if (n > capacity_) return make_error(errc::no_space, "reserve beyond capacity");
        head_ = static_cast<std::uint32_t>(n);
        return {};
    }
    /// @brief Grows the frame at the head by n bytes and returns them.
    SOFTMAC_HOT_INLINE result<bytes_span> push(std::size_t n) noexcept {
        if (n > head_) return make_error(errc::no_space, "not enough headroom");
        head_ -= static_cast<std::uint32_t>(n);
        len_ += static_cast<std::uint32_t>(n);
        return bytes_span{data(), n};
    }
    /// @brief Removes n bytes from the head and returns them (still readable until overwritten).
    SOFTMAC_HOT_INLINE result<bytes_span> pull(std::size_t n) noexcept {
        if (n > len_) return make_error(errc::truncated, "pull beyond the frame");
        bytes_span out{data(), n};
        head_ += static_cast<std::uint32_t>(n);
        len_ -= static_cast<std::uint32_t>(n);
        return out;
    }
    /// @brief Grows the frame at the tail by n bytes and returns them.
    SOFTMAC_HOT_INLINE result<bytes_span> put(std::size_t n) noexcept {
        if (n > tailroom()) return make_error(errc::no_space, "not enough tailroom");
        bytes_span out{data() + len_, n};
        len_ += static_cast<std::uint32_t>(n);
        return out;
    }
    /// @brief Appends bytes at the tail.
    result<void> append(bytes_view b) noexcept {
        auto r = put(b.size());
        if (!r) return r.err();
        if (!b.empty()) std::memcpy(r->data(), b.data(), b.size());
        return {};
    }
    /// @brief Shortens the frame to len bytes.
    result<void> trim(std::size_t len) noexcept {
        if (len > len_) return make_error(errc::bad_length, "trim beyond the frame");
        len_ = static_cast<std::uint32_t>(len);
        return {};
    }
    /// @brief Empties the frame and restores headroom h.
    void reset(std::size_t h) noexcept {
        len_ = 0;
        head_ = static_cast<std::uint32_t>(h <= capacity_ ? h : capacity_);
    }

  private:
    template <class>
    friend class basic_pool;

    frame_buffer(detail::pool_block* b, detail::free_list* home, std::size_t headroom) noexcept
        : storage_(b->data), capacity_(b->capacity), block_(b), home_(home) {
        reset(headroom);
    }
    SOFTMAC_HOT_INLINE void steal(frame_buffer& o) noexcept {
        storage_ = detail::scalar(std::exchange(o.storage_, nullptr));
        capacity_ = detail::scalar(std::exchange(o.capacity_, 0));
        head_ = detail::scalar(std::exchange(o.head_, 0));
        len_ = detail::scalar(std::exchange(o.len_, 0));
        block_ = detail::scalar(std::exchange(o.block_, nullptr));
        home_ = detail::scalar(std::exchange(o.home_, nullptr));
    }
    SOFTMAC_HOT_INLINE void release() noexcept {
        if (home_) home_->push(block_);
        storage_ = nullptr;
        block_ = nullptr;
        home_ = nullptr;
    }

    std::uint8_t* storage_ = nullptr;
    std::uint32_t capacity_ = 0;
    std::uint32_t head_ = 0;
    std::uint32_t len_ = 0;
    detail::pool_block* block_ = nullptr;
    detail::free_list* home_ = nullptr;
};

}  // namespace softmac
