// SPDX-License-Identifier: MIT
/// @file Defines shared_bytes: octets that copies share, each holder reading them only.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include <softmac/core/bytes.hpp>

namespace softmac {

/// @brief Octets that every copy shares, read-only to each holder, as cfg80211 shares a BSS's
/// elements (cfg80211_bss_ies) between its entry and whoever reads the entry: copying takes a
/// reference, not the octets. Assigning writes over the octets in place when no other holder
/// shares them and they fit, else into a buffer of its own. One allocation holds the count,
/// the size, the capacity and the octets; the count is atomic, so holders may live on other
/// threads.
class shared_bytes {
  public:
    shared_bytes() noexcept = default;
    explicit shared_bytes(bytes_view v) { assign(v); }
    shared_bytes(const shared_bytes& o) noexcept : b_(o.b_) {
        if (b_) b_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    shared_bytes(shared_bytes&& o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
    shared_bytes& operator=(const shared_bytes& o) noexcept {
        shared_bytes(o).swap(*this);
        return *this;
    }
    shared_bytes& operator=(shared_bytes&& o) noexcept {
        shared_bytes(std::move(o)).swap(*this);
        return *this;
    }
    ~shared_bytes() { release(); }

    /// @brief Holds a copy of `v` from now on (`v` may view these octets); the other holders
    /// keep what they shared. Octets it cannot take leave it as it was.
    void assign(bytes_view v) {
        if (v.empty()) return release();
        if (b_ && b_->capacity >= v.size() && b_->refs.load(std::memory_order_acquire) == 1) {
            std::memmove(b_->octets(), v.data(), v.size());
            b_->size = static_cast<std::uint32_t>(v.size());
            return;
        }
        if (v.size() > max_size) throw std::length_error("softmac: shared_bytes too long");
        block* b = block::make(v.size());
        std::memcpy(b->octets(), v.data(), v.size());
        b->size = static_cast<std::uint32_t>(v.size());
        release();
        b_ = b;
    }
    void swap(shared_bytes& o) noexcept { std::swap(b_, o.b_); }

    const std::uint8_t* data() const noexcept { return b_ ? b_->octets() : nullptr; }
    std::size_t size() const noexcept { return b_ ? b_->size : 0; }
    bool empty() const noexcept { return size() == 0; }
    const std::uint8_t* begin() const noexcept { return data(); }
    const std::uint8_t* end() const noexcept { return data() + size(); }
    operator bytes_view() const noexcept { return {data(), size()}; }

    friend bool operator==(const shared_bytes& a, const shared_bytes& b) noexcept {
        return std::ranges::equal(bytes_view(a), bytes_view(b));
    }
    friend bool operator==(const shared_bytes& a, bytes_view b) noexcept {
        return std::ranges::equal(bytes_view(a), b);
    }

  private:
    static constexpr std::size_t max_size =
        std::min<std::size_t>(UINT32_MAX, SIZE_MAX - 16);  // a block's header is 12 octets
    struct block {  // 12 octets before the octets: a BSS entry's elements fit in 32 bits
        std::atomic<std::uint32_t> refs{1};
        std::uint32_t size = 0, capacity = 0;
        std::uint8_t* octets() noexcept { return reinterpret_cast<std::uint8_t*>(this + 1); }
        static block* make(std::size_t capacity) {
            void* p = ::operator new(sizeof(block) + capacity);
            auto* b = new (p) block;
            b->capacity = static_cast<std::uint32_t>(capacity);
            return b;
        }
    };
    void release() noexcept {
        if (b_ && b_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            b_->~block();
            ::operator delete(b_);
        }
        b_ = nullptr;
    }

    block* b_ = nullptr;
};

}  // namespace softmac
