// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <unistd.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <softmac/core/scheduler.hpp>

using namespace softmac;
using namespace std::chrono_literals;

TEST_CASE("virtual_time runs events in time order, equal times in scheduling order",
          "[core][time]") {
    virtual_time t;
    std::string order;
    t.schedule_in(5ms, [&] { order += 'c'; });
    t.schedule_in(1ms, [&] { order += 'a'; });
    t.schedule_in(5ms, [&] { order += 'd'; });
    t.schedule_in(1ms, [&] { order += 'b'; });
    CHECK(t.pending() == 4);
    CHECK(t.run_until(3ms) == 2);
    CHECK(order == "ab");
    CHECK(t.now() == 3ms);
    CHECK(t.run_for(10ms) == 2);
    CHECK(order == "abcd");
    CHECK(t.now() == 13ms);
}

TEST_CASE("virtual_time timers can be cancelled once, and events can schedule events",
          "[core][time]") {
    virtual_time t;
    int fired = 0;
    const timer_id a = t.schedule_in(1ms, [&] { ++fired; });
    t.schedule_in(2ms, [&] {
        ++fired;
        t.schedule_in(1ms, [&] { fired += 10; });
    });
    CHECK(t.cancel(a));
    CHECK_FALSE(t.cancel(a));
    CHECK_FALSE(t.cancel(0));
    CHECK(t.run() == 2);
    CHECK(fired == 11);
    CHECK(t.now() == 3ms);
    // A slot reused after cancel does not answer to the old id.
    const timer_id b = t.schedule_in(1ms, [] {});
    CHECK_FALSE(t.cancel(a));
    CHECK(t.cancel(b));
}

TEST_CASE("a callback ends once for each time it was made, through moves, timers and cancels",
          "[core][time]") {
    struct counted {
        int* made;
        int* ended;
        counted(int* m, int* e) noexcept : made(m), ended(e) { ++*made; }
        counted(counted&& o) noexcept : made(o.made), ended(o.ended) { ++*made; }
        counted& operator=(counted&&) = delete;
        ~counted() { ++*ended; }
        void operator()() const noexcept {}
    };
    int made = 0, ended = 0;
    {
        timer_callback a{counted{&made, &ended}};
        timer_callback b{std::move(a)};
        timer_callback c;
        c = std::move(b);
        CHECK_FALSE(a);
        CHECK_FALSE(b);
        CHECK(made - ended == 1);  // one callable, in c
        virtual_time t;
        t.schedule_in(1ms, std::move(c));
        t.schedule_in(2ms, counted{&made, &ended});
        t.cancel(t.schedule_in(3ms, counted{&made, &ended}));
        CHECK(made - ended == 2);
        CHECK(t.run_for(5ms) == 2);
        CHECK(made == ended);
    }
    CHECK(made == ended);
    CHECK(made > 6);
}

TEST_CASE("a timer's callback runs in place while it schedules many more", "[core][time]") {
    // The callback is not moved out to run: its captures must stay valid while the timers it
    // makes need new slots (hundreds, past any one block of them). Storage that moved would
    // leave the callback reading freed memory, which the sanitizer build reports.
    virtual_time t;
    std::vector<int> ran;
    timer_id self = 0;
    bool armed_while_running = true;
    std::array<int, 24> payload{};
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = int(i) * 7;
    self = t.schedule_in(1ms, [&t, &ran, &self, &armed_while_running, payload] {
        armed_while_running = t.armed(self);
        for (int i = 0; i < 300; ++i) t.schedule_in(1ms, [&ran, i] { ran.push_back(i); });
        int sum = 0;
        for (const int v : payload) sum += v;  // read after the slots grew
        ran.push_back(-sum);
    });
    CHECK(t.run() == 301);
    CHECK_FALSE(armed_while_running);
    REQUIRE(ran.size() == 301);
    CHECK(ran.front() == -7 * (23 * 24 / 2));
    for (int i = 0; i < 300; ++i) CHECK(ran[std::size_t(i) + 1] == i);
    // A callback that throws still gives its slot back and ends its callable.
    auto held = std::make_shared<int>(0);
    const std::weak_ptr<int> watch = held;
    const timer_id failing = t.schedule_in(1ms, [h = std::move(held)] {
        ++*h;
        throw std::runtime_error("callback failed");
    });
    CHECK_THROWS_AS(t.run(), std::runtime_error);
    CHECK(watch.expired());
    CHECK(t.pending() == 0);
    // Its slot is the one taken next, under another generation.
    const timer_id next = t.schedule_in(1ms, [] {});
    CHECK((next & 0xffffffffu) == (failing & 0xffffffffu));
    CHECK(next != failing);
    CHECK(t.run() == 1);
}

TEST_CASE("virtual_time never moves backwards", "[core][time]") {
    virtual_time t;
    t.run_for(10ms);
    time_point seen{};
    t.schedule_at(1ms, [&] { seen = t.now(); });  // in the past: runs now
    t.run();
    CHECK(seen == 10ms);
    t.run_until(5ms);
    CHECK(t.now() == 10ms);
}

TEST_CASE("real_time fires timers and reports readable descriptors", "[core][time]") {
    real_time t;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::vector<std::string> log;
    t.watch(fds[0], POLLIN, [&](short ev) {
        char c;
        if ((ev & POLLIN) && ::read(fds[0], &c, 1) == 1) log.push_back(std::string("fd:") + c);
    });
    t.schedule_in(5ms, [&] {
        log.emplace_back("timer");
        CHECK(::write(fds[1], "x", 1) == 1);
    });
    const auto start = t.now();
    t.run_for(50ms);
    CHECK(t.now() - start >= 50ms);
    CHECK(log == std::vector<std::string>{"timer", "fd:x"});
    t.unwatch(fds[0]);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("real_time callbacks may unwatch descriptors while the loop runs", "[core][time]") {
    real_time t;
    int a[2], b[2];
    REQUIRE(::pipe(a) == 0);
    REQUIRE(::pipe(b) == 0);
    int calls = 0;
    t.watch(a[0], POLLIN, [&](short) {
        ++calls;
        char c;
        CHECK(::read(a[0], &c, 1) == 1);
        t.unwatch(a[0]);
        t.unwatch(b[0]);
    });
    t.watch(b[0], POLLIN, [&](short) { ++calls; });
    CHECK(::write(a[1], "x", 1) == 1);
    CHECK(::write(b[1], "y", 1) == 1);
    t.run_for(20ms);
    CHECK(calls == 1);  // b was unwatched before its turn
    t.watch(b[0], POLLIN, [&](short) {
        char c;
        CHECK(::read(b[0], &c, 1) == 1);
        ++calls;
    });
    t.run_for(20ms);
    CHECK(calls == 2);
    for (int fd : {a[0], a[1], b[0], b[1]}) ::close(fd);
}
