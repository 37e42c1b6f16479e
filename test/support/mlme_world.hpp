// SPDX-License-Identifier: MIT
/// @file Test worlds for the MAC's management half: full mac::stack radios on one medium, their
/// events recorded.
#pragma once

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

template <class Cfg>
using test_stack = mac::stack<typename Cfg::driver_type, virtual_time, recording_net>;

/// @brief A stack for radio `i` of configuration Cfg on medium `m`.
template <class Cfg>
std::unique_ptr<test_stack<Cfg>> make_stack(virtual_time& t, heap_pool& pool,
                                            sim::medium<virtual_time>& m, std::uint16_t i) {
    using S = test_stack<Cfg>;
    if constexpr (std::is_same_v<typename Cfg::driver_type, drivers::rt73::simulated<virtual_time>>)
        return std::make_unique<S>(t, pool, recording_net{}, m, i);
    else if constexpr (std::is_same_v<typename Cfg::driver_type, any_driver>)
        return std::make_unique<S>(t, pool, recording_net{},
                                   std::in_place_type<drivers::loopback<virtual_time, true>>, m,
                                   drivers::loopback_description(i));
    else
        return std::make_unique<S>(t, pool, recording_net{}, m, drivers::loopback_description(i));
}

/// @brief The medium port of a driver (loopback, rt73 or any_driver over loopback).
template <class D>
auto port_of(D& d) {
    if constexpr (requires { d.chip.port(); })
        return d.chip.port();
    else if constexpr (requires { d.port(); })
        return d.port();
    else
        return d.template as<drivers::loopback<virtual_time, true>>().port();
}

/// @brief N stacks of configuration Cfg on one medium, each recording its events.
template <class Cfg>
struct mlme_world {
    using stack_type = test_stack<Cfg>;
    virtual_time time;
    sim::medium<virtual_time> air{time, 7};
    heap_pool pool{2400, 4096};
    std::vector<std::unique_ptr<stack_type>> stacks;
    std::vector<std::vector<mac::event::any>> events;

    explicit mlme_world(std::size_t n = 2) {
        events.resize(n);
        for (std::uint16_t i = 0; i < n; ++i) {
            stacks.push_back(make_stack<Cfg>(time, pool, air, i));
            if (auto r = stacks[i]->start(); !r) throw std::runtime_error(r.err().what);
            stacks[i]->on_event([this, i](const mac::event::any& e) { events[i].push_back(e); });
        }
    }
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
        for (const auto& e : events[i])
            if (auto* p = std::get_if<E>(&e)) out.push_back(*p);
        return out;
    }
    void run(duration d) { time.run_for(d); }
};

}  // namespace softmac::test
