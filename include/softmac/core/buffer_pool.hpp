// SPDX-License-Identifier: MIT
/// @file Defines the buffer pool policy: a fixed pool that never touches the heap and a heap-backed
/// pool.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <limits>
#include <memory>
#include <vector>

#include <softmac/core/frame_buffer.hpp>

namespace softmac {

/// @brief What the stack needs of a pool: buffers on demand, exhaustion reported as
/// errc::exhausted.
template <class P>
concept buffer_pool = requires(P& p, std::size_t headroom) {
    { p.allocate(headroom) } -> std::same_as<result<frame_buffer>>;
    { p.buffer_size() } -> std::convertible_to<std::size_t>;
    { p.available() } -> std::convertible_to<std::size_t>;
};

/// @brief Shared allocate/stats part of every pool; Derived grows the list when it can.
template <class Derived>
class basic_pool {
  public:
    /// @brief A buffer with the given headroom, or errc::exhausted.
    result<frame_buffer> allocate(std::size_t headroom = 0) noexcept {
        detail::pool_block* b = list_.pop();
        if (!b) {
            if (!static_cast<Derived*>(this)->grow())
                return make_error(errc::exhausted, "buffer pool exhausted");
            b = list_.pop();
        }
        return frame_buffer(b, &list_, headroom);
    }
    std::size_t in_use() const noexcept { return list_.in_use; }

  protected:
    basic_pool() = default;
    basic_pool(const basic_pool&) = delete;
    basic_pool& operator=(const basic_pool&) = delete;
    ~basic_pool() = default;

    void adopt(detail::pool_block* b) noexcept {
        ++list_.in_use;  // push() counts a release
        list_.push(b);
    }
    detail::free_list list_;
};

/// @brief Count buffers of Size bytes inside the object itself: no heap, ever (embedded targets).
template <std::size_t Count, std::size_t Size>
class fixed_pool : public basic_pool<fixed_pool<Count, Size>> {
    static_assert(Count > 0 && Size > 0,
                  "softmac: fixed_pool needs at least one buffer of at least one byte");
    static_assert(Size <= std::numeric_limits<std::uint32_t>::max(),
                  "softmac: fixed_pool buffers are limited to 4 GiB");

  public:
    fixed_pool() noexcept {
        for (std::size_t i = Count; i-- > 0;) {
            blocks_[i].data = storage_[i].data();
            blocks_[i].capacity = static_cast<std::uint32_t>(Size);
            this->adopt(&blocks_[i]);
        }
    }
    static constexpr std::size_t buffer_size() noexcept { return Size; }
    std::size_t available() const noexcept { return this->list_.free; }

  private:
    friend class basic_pool<fixed_pool>;
    static constexpr bool grow() noexcept { return false; }

    std::array<detail::pool_block, Count> blocks_{};
    alignas(16) std::array<std::array<std::uint8_t, Size>, Count> storage_{};
};

/// @brief The buffer size the shipped radios and the medium use: the largest MPDU (a 2304-octet
/// body, header, security header and MIC, FCS) with headroom for radiotap and driver descriptors.
inline constexpr std::size_t frame_buffer_size = 2400;

/// @brief Buffers allocated from the heap when the pool grows, kept for reuse afterwards,
/// so a steady-state stack allocates nothing per frame.
class heap_pool : public basic_pool<heap_pool> {
  public:
    explicit heap_pool(std::size_t buffer_size, std::size_t max_buffers = 1024,
                       std::size_t preallocate = 0)
        : size_(buffer_size), max_(max_buffers) {
        while (preallocate-- > 0 && grow()) {
        }
    }
    std::size_t buffer_size() const noexcept { return size_; }
    std::size_t available() const noexcept { return list_.free + (max_ - owned_.size()); }

  private:
    friend class basic_pool<heap_pool>;
    struct chunk {
        detail::pool_block block;
        std::unique_ptr<std::uint8_t[]> data;
    };
    bool grow() noexcept {
        if (owned_.size() >= max_) return false;
        try {
            auto c = std::make_unique<chunk>();
            c->data = std::make_unique<std::uint8_t[]>(size_);
            c->block.data = c->data.get();
            c->block.capacity = static_cast<std::uint32_t>(size_);
            owned_.push_back(std::move(c));
            adopt(&owned_.back()->block);
            return true;
        } catch (...) {
            return false;
        }
    }

    std::size_t size_;
    std::size_t max_;
    std::vector<std::unique_ptr<chunk>> owned_;
};

static_assert(buffer_pool<fixed_pool<1, 64>>, "softmac: fixed_pool must model buffer_pool");
static_assert(buffer_pool<heap_pool>, "softmac: heap_pool must model buffer_pool");

}  // namespace softmac
