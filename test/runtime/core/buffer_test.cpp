// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <vector>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/core/detail/cache_lines.hpp>
#include <softmac/core/shared_bytes.hpp>

using namespace softmac;

TEST_CASE("frame_buffer moves its head and tail without copying the payload", "[core][buffer]") {
    fixed_pool<2, 128> pool;
    auto b = pool.allocate(32);
    REQUIRE(b);
    CHECK(b->headroom() == 32);
    CHECK(b->tailroom() == 96);
    const std::uint8_t payload[] = {1, 2, 3, 4};
    REQUIRE(b->append(payload));
    const std::uint8_t* before = b->data();
    auto hdr = b->push(8);
    REQUIRE(hdr);
    CHECK(b->data() == before - 8);
    CHECK(b->size() == 12);
    CHECK(std::memcmp(b->data() + 8, payload, 4) == 0);
    REQUIRE(b->pull(8));
    CHECK(b->data() == before);
    REQUIRE(b->trim(2));
    CHECK(b->size() == 2);
    CHECK(b->view()[1] == 2);
}

TEST_CASE("frame_buffer reports running out of room as an error", "[core][buffer]") {
    fixed_pool<1, 16> pool;
    auto b = pool.allocate(4);
    REQUIRE(b);
    CHECK(b->push(5).err().code == errc::no_space);
    CHECK(b->put(13).err().code == errc::no_space);
    CHECK(b->pull(1).err().code == errc::truncated);
    CHECK(b->trim(1).err().code == errc::bad_length);
    REQUIRE(b->put(12));
    CHECK(b->tailroom() == 0);
    CHECK(b->reserve(2).err().code == errc::invalid_state);
}

TEST_CASE("fixed_pool hands out Count buffers, reports exhaustion and takes buffers back",
          "[core][pool]") {
    fixed_pool<3, 64> pool;
    std::vector<frame_buffer> held;
    for (int i = 0; i < 3; ++i) {
        auto b = pool.allocate(0);
        REQUIRE(b);
        held.push_back(std::move(*b));
    }
    CHECK(pool.available() == 0);
    auto none = pool.allocate(0);
    REQUIRE_FALSE(none);
    CHECK(none.err().code == errc::exhausted);
    held.pop_back();
    CHECK(pool.available() == 1);
    CHECK(pool.allocate(0));
    CHECK(pool.in_use() == 2);
}

TEST_CASE("heap_pool grows up to its limit and reuses released buffers", "[core][pool]") {
    heap_pool pool(256, 2);
    const std::uint8_t* first = nullptr;
    {
        auto a = pool.allocate(16);
        REQUIRE(a);
        first = a->data();
        auto b = pool.allocate(16);
        REQUIRE(b);
        CHECK(pool.allocate(0).err().code == errc::exhausted);
    }
    auto again = pool.allocate(16);
    REQUIRE(again);
    CHECK(again->data() == first);  // the free list is LIFO: the last block released comes back
    CHECK(pool.in_use() == 1);
}

TEST_CASE("a moved-from buffer owns nothing and the pool gets the storage back once",
          "[core][buffer]") {
    fixed_pool<1, 32> pool;
    {
        auto a = pool.allocate(0);
        frame_buffer b = std::move(*a);
        CHECK_FALSE(a->valid());
        CHECK(b.valid());
        frame_buffer c;
        c = std::move(b);
        CHECK(pool.available() == 0);
    }
    CHECK(pool.available() == 1);
    CHECK(pool.in_use() == 0);
}

TEST_CASE("shared_bytes: copies share the octets, and assigning leaves the other holders theirs",
          "[core][buffer]") {
    const std::vector<std::uint8_t> first{1, 2, 3, 4}, second{5, 6}, longer(64, 7);
    shared_bytes a(first);
    CHECK(a == bytes_view(first));
    shared_bytes b = a;  // a reference, not the octets
    CHECK(b.data() == a.data());
    // a writes into a buffer of its own: b keeps what they shared.
    a.assign(second);
    CHECK(a == bytes_view(second));
    CHECK(b == bytes_view(first));
    // b holds its octets alone now: it writes over them in place.
    const std::uint8_t* held = b.data();
    b.assign(first);
    CHECK(b.data() == held);
    // Held alone, octets that fit are written over in place; more than fit get a new buffer.
    a.assign(first);  // four octets where two fit: a new buffer
    const std::uint8_t* at = a.data();
    a.assign(second);
    CHECK(a.data() == at);
    CHECK(a == bytes_view(second));
    a.assign(first);
    CHECK(a.data() == at);
    CHECK(a == b);
    a.assign(longer);
    CHECK(a == bytes_view(longer));
    // Moving hands the reference over; the last holder frees the octets (the sanitizers see a
    // leak or a double free).
    shared_bytes c = std::move(b);
    CHECK(b.empty());
    CHECK(c == bytes_view(first));
    c = a;
    CHECK(c.data() == a.data());
    a = shared_bytes{};
    CHECK(a.empty());
    CHECK(c == bytes_view(longer));
    held = c.data();  // a let go of it: c holds it alone
    c.assign(first);
    CHECK(c.data() == held);
    c.assign({});
    CHECK(c.empty());
    CHECK(c.data() == nullptr);
    // A view of its own octets: moved in place when held alone (overlapping: the sanitizers
    // see a memcpy), else copied before the reference is let go.
    shared_bytes d(first);
    d.assign(bytes_view(d).subspan(1));
    CHECK(d == bytes_view(std::vector<std::uint8_t>{2, 3, 4}));
    const shared_bytes e = d;
    d.assign(bytes_view(d).subspan(1));
    CHECK(d == bytes_view(std::vector<std::uint8_t>{3, 4}));
    CHECK(e == bytes_view(std::vector<std::uint8_t>{2, 3, 4}));
}

TEST_CASE("a list of cache lines holds each line a range spans once, up to its capacity",
          "[core][prefetch]") {
    alignas(64) std::array<std::uint8_t, 64 * 6> mem{};
    detail::cache_lines<4> l;
    l.add(mem.data() + 10, 60);  // octets 10 to 69: lines 0 and 1
    CHECK(l.size() == 2);
    l.add(mem.data() + 64);  // line 1 again
    l.add(mem.data() + 127);
    CHECK(l.size() == 2);
    detail::cache_lines<4> other;
    other.add(mem.data() + 128, 64 * 3);  // lines 2, 3 and 4
    l.add(other);                         // lines 2 and 3 fit; 4 is left out
    REQUIRE(l.size() == 4);
    for (std::size_t i = 0; i < l.size(); ++i) CHECK(l[i] == mem.data() + 64 * i);
}
