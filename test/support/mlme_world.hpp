// SPDX-License-Identifier: MIT
/// @file Test worlds for the MAC's management half: full mac::stack radios on one medium, their
/// events recorded.
#pragma once

#include <functional>
#include <memory>
#include <variant>
#include <vector>

#include <softmac/mac/stack.hpp>

#include "stack_world.hpp"

namespace softmac::test {

/// @brief Keeps the 802.3 frames a stack delivers.
struct recording_net {
    std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> frames;
    void deliver(std::uint8_t vif, frame_buffer&& b) {
        frames.emplace_back(vif, std::vector<std::uint8_t>(b.view().begin(), b.view().end()));
    }
};

/// @brief Keeps every management event a stack reports.
struct recording_events {
    std::vector<mac::event::any> log;
    std::function<void(const mac::event::any&)> then;  ///< a test's reaction, after logging
    void operator()(const mac::event::any& e) {
        log.push_back(e);
        if (then) then(e);
    }
};

template <class Cfg>
using test_stack = mac::stack<typename Cfg::driver_type, virtual_time, mac::net<recording_net>,
                              mac::events<recording_events>>;

/// @brief A stack for radio `i` of configuration Cfg on medium `m`.
template <class Cfg>
std::unique_ptr<test_stack<Cfg>> make_stack(virtual_time& t, heap_pool& pool,
                                            sim::medium<virtual_time>& m, std::uint16_t i) {
    auto s = with_driver_args<Cfg>(m, i, [&](auto&&... args) {
        return std::make_unique<test_stack<Cfg>>(t, pool, recording_net{}, recording_events{},
                                                 std::forward<decltype(args)>(args)...);
    });
    in_test_mode(s->data());
    return s;
}

/// @brief N stacks of configuration Cfg on one medium, each recording its events.
template <class Cfg>
struct mlme_world {
    using stack_type = test_stack<Cfg>;
    virtual_time time;
    sim::medium<virtual_time> air{time, 7};
    heap_pool pool{frame_buffer_size, 4096};
    std::vector<std::unique_ptr<stack_type>> stacks;

    explicit mlme_world(std::size_t n = 2) {
        for (std::uint16_t i = 0; i < n; ++i) {
            stacks.push_back(make_stack<Cfg>(time, pool, air, i));
            if (auto r = stacks[i]->start(); !r) throw std::runtime_error(r.err().what);
        }
    }
    /// Every event stack i reported, in order.
    std::vector<mac::event::any>& events(std::size_t i) { return stacks[i]->events().log; }
    stack_type& operator[](std::size_t i) { return *stacks[i]; }
    driver::vif add(std::size_t i, driver::iftype t) {
        auto v = stacks[i]->add_interface(t);
        if (!v) throw std::runtime_error(v.err().what);
        return *v;
    }
    /// Events of type E that stack i reported, in order.
    template <class E>
    std::vector<E> all(std::size_t i) const {
        std::vector<E> out;
        for (const auto& e : stacks[i]->events().log)
            if (auto* p = std::get_if<E>(&e)) out.push_back(*p);
        return out;
    }
    void run(duration d) { time.run_for(d); }
};

}  // namespace softmac::test
