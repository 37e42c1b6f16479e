// SPDX-License-Identifier: MIT
/// @file Test worlds for the P2P engine: N devices, each a stack, a config layer and an engine,
/// on one medium, their events recorded.
#pragma once

#include <memory>
#include <variant>
#include <vector>

#include <softmac/p2p/engine.hpp>

#include "mlme_world.hpp"

namespace softmac::test {

/// @brief Keeps every P2P event.
struct recording_p2p {
    std::vector<p2p::event::any>* out;
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

/// @brief One P2P device of configuration Cfg; Sink is built from the event vector.
template <class Cfg, class Sink = recording_p2p>
struct p2p_device {
    using stack_type = test_stack<Cfg>;
    using config_type = cfg::config<stack_type>;
    using engine_type = p2p::engine<config_type, Sink>;
    std::unique_ptr<stack_type> stack;
    std::unique_ptr<config_type> config;
    std::unique_ptr<engine_type> engine;
    std::vector<p2p::event::any> events;

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
    heap_pool pool{2400, 8192};
    std::vector<std::unique_ptr<device_type>> devs;

    explicit p2p_world(std::size_t n, std::uint64_t seed = 1, p2p::settings base = {})
        : air(time, seed) {
        for (std::uint16_t i = 0; i < n; ++i) {
            auto d = std::make_unique<device_type>();
            d->stack = make_stack<Cfg>(time, pool, air, i);
            if (auto r = d->stack->start(); !r) throw std::runtime_error(r.err().what);
            d->config = std::make_unique<typename device_type::config_type>(
                *d->stack, i, "phy" + std::to_string(i));
            p2p::settings s = base;
            s.device_name = "Device " + std::string(1, char('A' + i % 26)) + std::to_string(i);
            d->engine = std::make_unique<typename device_type::engine_type>(
                *d->config, Sink{&d->events}, s, "wlan" + std::to_string(i), seed * 1000 + i);
            if (auto r = d->engine->start(); !r) throw std::runtime_error(r.err().what);
            devs.push_back(std::move(d));
        }
    }
    device_type& operator[](std::size_t i) { return *devs[i]; }
    auto& engine(std::size_t i) { return *devs[i]->engine; }
    mac_address addr(std::size_t i) { return devs[i]->engine->device_address(); }
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

/// @brief Two devices of different driver configurations on one medium.
template <class CfgA, class CfgB>
struct mixed_p2p_pair {
    virtual_time time;
    sim::medium<virtual_time> air;
    heap_pool pool{2400, 4096};
    p2p_device<CfgA> a;
    p2p_device<CfgB> b;

    explicit mixed_p2p_pair(std::uint64_t seed = 1) : air(time, seed) {
        setup(a, 0, seed);
        setup(b, 1, seed);
    }
    template <class D>
    void setup(D& d, std::uint16_t i, std::uint64_t seed) {
        using cfg_t = typename std::remove_reference_t<decltype(*d.config)>;
        using eng_t = typename std::remove_reference_t<decltype(*d.engine)>;
        using stack_cfg = std::conditional_t<std::is_same_v<D, p2p_device<CfgA>>, CfgA, CfgB>;
        d.stack = make_stack<stack_cfg>(time, pool, air, i);
        if (auto r = d.stack->start(); !r) throw std::runtime_error(r.err().what);
        d.config = std::make_unique<cfg_t>(*d.stack, i, "phy" + std::to_string(i));
        p2p::settings s;
        s.device_name = i == 0 ? "loopback" : "rt73";
        d.engine = std::make_unique<eng_t>(*d.config, recording_p2p{&d.events}, s,
                                           "wlan" + std::to_string(i), seed * 1000 + i);
        if (auto r = d.engine->start(); !r) throw std::runtime_error(r.err().what);
    }
    template <class P>
    bool run_until(P&& pred, duration limit, duration step = std::chrono::milliseconds(10)) {
        return test::run_until(time, pred, limit, step);
    }
};

}  // namespace softmac::test
