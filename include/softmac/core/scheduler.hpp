// SPDX-License-Identifier: MIT
/// @file Defines the time policies: virtual_time (deterministic discrete events) and real_time
/// (steady clock + poll loop).
#pragma once

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <softmac/core/detail/inplace_function.hpp>
#include <softmac/core/time_units.hpp>

namespace softmac {

/// @brief Time since the scheduler started.
using time_point = std::chrono::nanoseconds;
/// @brief A timer callback: called once, with no arguments; stored inline (no heap).
using timer_callback = detail::inplace_function<void(), 128>;

/// @brief Handle of a scheduled timer; 0 is "no timer".
using timer_id = std::uint64_t;

/// @brief What every layer needs of time: now, one-shot timers, cancel.
template <class T>
concept time_policy = requires(T& t, const T& ct, time_point at, duration d, timer_id id) {
    { ct.now() } -> std::same_as<time_point>;
    { t.schedule_at(at, timer_callback{}) } -> std::same_as<timer_id>;
    { t.schedule_in(d, timer_callback{}) } -> std::same_as<timer_id>;
    { t.cancel(id) } -> std::same_as<bool>;
    { ct.armed(id) } -> std::same_as<bool>;
    { t.run_for(d) } -> std::convertible_to<std::size_t>;
};

namespace detail {

/// Timers ordered by (time, insertion order); cancel is O(1) by generation check. A callback
/// is stored once, in its slot, and runs there: slots live in chunks that never move, so a
/// callback may schedule timers while it runs, and its slot is taken again only after it
/// returns.
class timer_queue {
  public:
    timer_id add(time_point at, timer_callback&& cb) {
        // Room for the entry first: nothing below throws once the slot is taken.
        if (heap_.size() == heap_.capacity()) heap_.reserve(2 * heap_.size() + 16);
        const std::uint32_t slot = take_slot();
        auto& s = slot_at(slot);
        s.fn = std::move(cb);
        heap_.push_back({at, seq_++, slot, s.generation});
        std::push_heap(heap_.begin(), heap_.end(), later{});
        ++armed_;
        return (std::uint64_t(s.generation) << 32) | (slot + 1u);
    }
    bool cancel(timer_id id) noexcept {
        const auto slot = armed_slot(id);
        if (slot == no_slot) return false;
        disarm(slot_at(slot));
        free_slot(slot);
        return true;
    }
    std::size_t pending() const noexcept { return armed_; }
    bool armed(timer_id id) const noexcept { return armed_slot(id) != no_slot; }
    /// Earliest armed timer's time (dropping cancelled heads), if any.
    bool next(time_point& at) {
        while (!heap_.empty() && stale(heap_.front())) pop();
        if (heap_.empty()) return false;
        at = heap_.front().at;
        return true;
    }
    /// Runs the earliest timer if it is due at `limit`; returns false otherwise. While its
    /// callback runs, the timer is no longer armed (its id names nothing). The callback must
    /// not destroy the queue it runs in.
    bool run_one(time_point limit, time_point& clock) {
        time_point at;
        if (!next(at) || at > limit) return false;
        const std::uint32_t slot = heap_.front().slot;
        pop();
        clock = at;
        auto& s = slot_at(slot);
        disarm(s);
        const struct done {  // the slot is freed however the callback ends
            timer_queue& q;
            std::uint32_t slot;
            ~done() { q.free_slot(slot); }
        } freed{*this, slot};
        s.fn();
        return true;
    }

  private:
    struct entry {
        time_point at;
        std::uint64_t seq;
        std::uint32_t slot, generation;
    };
    struct slot_state {
        timer_callback fn;
        /// Handed out by add() in the slot's ids, and moved on when the timer is disarmed: the
        /// slot's timer is armed exactly while an id or heap entry carries this generation.
        std::uint32_t generation = 1;
    };
    static constexpr std::uint32_t chunk_bits = 6;  // 64 slots a chunk
    static constexpr std::uint32_t no_slot = ~std::uint32_t{0};

    /// The heap's order: `a` runs after `b` (std::push_heap keeps the largest first). A type,
    /// not a function, so that the heap algorithms inline it.
    struct later {
        bool operator()(const entry& a, const entry& b) const noexcept {
            return b.at < a.at || (a.at == b.at && b.seq < a.seq);
        }
    };
    slot_state& slot_at(std::uint32_t i) noexcept {
        return chunks_[i >> chunk_bits][i & ((1u << chunk_bits) - 1)];
    }
    const slot_state& slot_at(std::uint32_t i) const noexcept {
        return chunks_[i >> chunk_bits][i & ((1u << chunk_bits) - 1)];
    }
    /// The slot `id` names while its timer is armed, else no_slot.
    std::uint32_t armed_slot(timer_id id) const noexcept {
        if (id == 0) return no_slot;
        const std::uint32_t slot = static_cast<std::uint32_t>(id & 0xffffffffu) - 1;
        if (slot >= slots_) return no_slot;
        const auto& s = slot_at(slot);
        return s.generation == std::uint32_t(id >> 32) ? slot : no_slot;
    }
    bool stale(const entry& e) const noexcept {
        const auto& s = slot_at(e.slot);
        return s.generation != e.generation;
    }
    std::uint32_t take_slot() {
        if (!free_.empty()) {
            const std::uint32_t slot = free_.back();
            free_.pop_back();
            return slot;
        }
        if ((slots_ & ((1u << chunk_bits) - 1)) == 0) {
            // Room for every slot in the free list, so that free_slot cannot throw.
            const std::size_t all = std::size_t{slots_} + (1u << chunk_bits);
            if (free_.capacity() < all) free_.reserve(std::max(2 * free_.capacity(), all));
            chunks_.push_back(std::make_unique<slot_state[]>(std::size_t{1} << chunk_bits));
        }
        return slots_++;
    }
    void disarm(slot_state& s) noexcept {
        ++s.generation;
        --armed_;
    }
    void free_slot(std::uint32_t slot) noexcept {
        slot_at(slot).fn.reset();
        free_.push_back(slot);
    }
    void pop() {
        std::pop_heap(heap_.begin(), heap_.end(), later{});
        heap_.pop_back();
    }

    std::vector<entry> heap_;
    std::vector<std::unique_ptr<slot_state[]>> chunks_;
    std::uint32_t slots_ = 0;  // made so far, in chunks_
    std::vector<std::uint32_t> free_;
    std::uint64_t seq_ = 0;
    std::size_t armed_ = 0;
};

}  // namespace detail

/// @brief Deterministic discrete-event time: now() moves only when events run. Equal times run
/// in the order they were scheduled, so a simulation with the same inputs runs the same way.
class virtual_time {
  public:
    time_point now() const noexcept { return now_; }
    timer_id schedule_at(time_point at, timer_callback cb) {
        return q_.add(at < now_ ? now_ : at, std::move(cb));
    }
    timer_id schedule_in(duration d, timer_callback cb) {
        return schedule_at(now_ + d, std::move(cb));
    }
    bool cancel(timer_id id) noexcept { return q_.cancel(id); }
    bool armed(timer_id id) const noexcept { return q_.armed(id); }
    std::size_t pending() const noexcept { return q_.pending(); }

    /// @brief Runs every event due at or before `t`, then sets now() to `t`.
    std::size_t run_until(time_point t) {
        std::size_t n = 0;
        while (q_.run_one(t, now_)) ++n;
        if (t > now_) now_ = t;
        return n;
    }
    std::size_t run_for(duration d) { return run_until(now_ + d); }
    /// @brief Runs events until none is left or `max_events` ran.
    std::size_t run(std::size_t max_events = std::size_t(-1)) {
        std::size_t n = 0;
        time_point at;
        while (n < max_events && q_.next(at) && q_.run_one(at, now_)) ++n;
        return n;
    }

  private:
    detail::timer_queue q_;
    time_point now_{0};
};

/// @brief Wall-clock time: the steady clock, timers, and a poll() loop over file descriptors.
class real_time {
  public:
    using fd_callback = detail::inplace_function<void(short revents)>;

    real_time() : start_(std::chrono::steady_clock::now()) {}

    time_point now() const noexcept {
        return std::chrono::duration_cast<time_point>(std::chrono::steady_clock::now() - start_);
    }
    timer_id schedule_at(time_point at, timer_callback cb) { return q_.add(at, std::move(cb)); }
    timer_id schedule_in(duration d, timer_callback cb) { return q_.add(now() + d, std::move(cb)); }
    bool cancel(timer_id id) noexcept { return q_.cancel(id); }
    bool armed(timer_id id) const noexcept { return q_.armed(id); }
    std::size_t pending() const noexcept { return q_.pending(); }

    /// @brief Watches fd for `events` (POLLIN, ...); the callback runs from run_for().
    /// Callbacks may watch and unwatch descriptors; the current round then ends early.
    void watch(int fd, short events, fd_callback cb) {
        unwatch(fd);
        fds_.push_back({fd, events, 0});
        cbs_.push_back(std::move(cb));
        ++changes_;
    }
    void unwatch(int fd) {
        for (std::size_t i = 0; i < fds_.size(); ++i)
            if (fds_[i].fd == fd) {
                ++changes_;
                fds_.erase(fds_.begin() + static_cast<std::ptrdiff_t>(i));
                cbs_.erase(cbs_.begin() + static_cast<std::ptrdiff_t>(i));
                return;
            }
    }

    /// @brief Runs timers and descriptor callbacks for `d` of wall time; returns how many ran.
    std::size_t run_for(duration d) {
        const time_point end = now() + d;
        std::size_t n = 0;
        for (;;) {
            time_point clock;
            while (q_.run_one(now(), clock)) ++n;
            const time_point t = now();
            if (t >= end) return n;
            time_point wake = end, at;
            if (q_.next(at) && at < wake) wake = at;
            // ppoll() waits to the nanosecond, so a timer a few microseconds away (a frame's
            // airtime) fires then, not at the next millisecond.
            // A timer that fell due since `t` was read makes the wait negative: none then.
            const auto ns = std::max<std::int64_t>(
                0, std::chrono::duration_cast<std::chrono::nanoseconds>(wake - t).count());
            const timespec ts{static_cast<time_t>(ns / 1'000'000'000),
                              static_cast<long>(ns % 1'000'000'000)};
            const int r = ::ppoll(fds_.data(), fds_.size(), &ts, nullptr);
            if (r > 0) {
                const std::uint64_t before = changes_;
                for (std::size_t i = 0; i < fds_.size() && changes_ == before; ++i) {
                    if (!fds_[i].revents) continue;
                    const short ev = fds_[i].revents;
                    fds_[i].revents = 0;
                    fd_callback cb = std::move(cbs_[i]);  // survives an unwatch from inside
                    const int fd = fds_[i].fd;
                    cb(ev);
                    if (changes_ == before) {
                        cbs_[i] = std::move(cb);
                    } else {
                        for (std::size_t k = 0; k < fds_.size(); ++k)
                            if (fds_[k].fd == fd && !cbs_[k]) cbs_[k] = std::move(cb);
                    }
                    ++n;
                }
            }
        }
    }

  private:
    detail::timer_queue q_;
    std::chrono::steady_clock::time_point start_;
    std::vector<pollfd> fds_;
    std::vector<fd_callback> cbs_;
    std::uint64_t changes_ = 0;
};

static_assert(time_policy<virtual_time>, "softmac: virtual_time must model time_policy");
static_assert(time_policy<real_time>, "softmac: real_time must model time_policy");

}  // namespace softmac
