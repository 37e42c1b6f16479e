// SPDX-License-Identifier: MIT
/// @file Test worlds for the P2P engine: N devices, each a stack, a config layer and an engine,
/// on one medium, their events recorded.
#pragma once

#include <memory>
#include <variant>
#include <vector>

#include <softmac/p2p/device.hpp>

#include "mlme_world.hpp"

namespace softmac::test {

/// @brief Keeps every P2P event.
struct recording_p2p {
    std::vector<p2p::event::any>* out = nullptr;
    template <class E>
    void operator()(const E& e) const {
        out->push_back(e);
    }
};

/// @brief Runs virtual time in `step`s until pred() or `limit`; returns whether pred() held.
template <class P>
bool run_until(virtual_time& time, P& pred, duration limit, duration step) {
    for (duration t{}; t < limit; t += step) {
        if (pred()) return true;
        time.run_for(step);
    }
    return pred();
}

/// @brief One P2P device of configuration Cfg, its events recorded; Sink is built from the event
/// vector.
template <class Cfg, class Sink = recording_p2p>
struct p2p_device {
    using device_type = p2p::device<typename Cfg::driver_type, virtual_time,
                                    mac::net<recording_net>, p2p::events<Sink>>;
    using stack_type = typename device_type::stack_type;
    using config_type = typename device_type::config_type;
    using engine_type = typename device_type::engine_type;
    std::unique_ptr<device_type> dev;
    stack_type* stack = nullptr;
    config_type* config = nullptr;
    engine_type* engine = nullptr;
    std::vector<p2p::event::any> events;

    /// Device `i` on medium `m`, started.
    p2p_device(virtual_time& t, heap_pool& pool, sim::medium<virtual_time>& m, std::uint16_t i,
               p2p::settings s, std::uint64_t seed) {
        dev = with_driver_args<Cfg>(m, i, [&](auto&&... args) {
            return std::make_unique<device_type>(
                t, pool, p2p::device_params{i, "wlan" + std::to_string(i), std::move(s), seed},
                std::forward<decltype(args)>(args)...);
        });
        dev->sink() = Sink{&events};
        stack = &dev->wiphy().stack();
        config = &dev->config();
        engine = &dev->engine();
        if (auto r = dev->start(); !r) throw std::runtime_error(r.err().what);
    }
    p2p_device(const p2p_device&) = delete;
    p2p_device& operator=(const p2p_device&) = delete;

    template <class E>
    std::vector<E> all() const {
        std::vector<E> out;
        for (const auto& e : events)
            if (auto* p = std::get_if<E>(&e)) out.push_back(*p);
        return out;
    }
    template <class E>
    std::size_t count() const {
        return all<E>().size();
    }
};

/// @brief N devices on one medium; `seed` drives the medium and every engine.
template <class Cfg, class Sink = recording_p2p>
struct p2p_world {
    using device_type = p2p_device<Cfg, Sink>;
    virtual_time time;
    sim::medium<virtual_time> air;
    heap_pool pool{frame_buffer_size, 8192};
    std::vector<std::unique_ptr<device_type>> devs;

    explicit p2p_world(std::size_t n, std::uint64_t seed = 1, p2p::settings base = {})
        : air(time, seed) {
        for (std::uint16_t i = 0; i < n; ++i) {
            p2p::settings s = base;
            s.device_name = "Device " + std::string(1, char('A' + i % 26)) + std::to_string(i);
            devs.push_back(
                std::make_unique<device_type>(time, pool, air, i, std::move(s), seed * 1000 + i));
        }
    }
    device_type& operator[](std::size_t i) { return *devs[i]; }
    auto& engine(std::size_t i) { return *devs[i]->engine; }
    mac_address addr(std::size_t i) { return devs[i]->engine->device_address(); }
    /// Device i's radio's port on the medium.
    auto port(std::size_t i) { return port_of(devs[i]->stack->radio().driver()); }
    void run(duration d) { time.run_for(d); }
    template <class P>
    bool run_until(P&& pred, duration limit, duration step = std::chrono::milliseconds(10)) {
        return test::run_until(time, pred, limit, step);
    }
    bool knows(std::size_t i, std::size_t j) {
        for (const auto& e : devs[i]->events)
            if (auto* f = std::get_if<p2p::event::device_found>(&e);
                f && f->peer.dev_addr == addr(j))
                return true;
        return false;
    }
};

}  // namespace softmac::test
