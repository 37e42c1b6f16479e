// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <iterator>
#include <type_traits>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/set_bits.hpp>
#include <softmac/core/detail/walker.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/time_units.hpp>

#include "got.hpp"

using namespace softmac;

TEST_CASE("mac_address parses, formats and classifies", "[core][mac_address]") {
    auto a = mac_address::parse("02:00:00:AB:cd:0f");
    REQUIRE(a);
    CHECK(a->to_string() == "02:00:00:ab:cd:0f");
    CHECK(a->is_locally_administered());
    CHECK(a->is_unicast());
    CHECK(mac_address::broadcast().is_broadcast());
    CHECK(mac_address::broadcast().is_multicast());
    CHECK(test::got(mac_address::parse("01:00:5e:00:00:01")).is_multicast());
    CHECK(mac_address::parse("02-00-00-00-00-01"));
    CHECK(mac_address::parse("02:00:00:00:00").err().code == errc::bad_length);
    CHECK(mac_address::parse("02:00:00:00:00:0g").err().code == errc::bad_value);
    CHECK(mac_address::parse("02:00:00.00:00:01").err().code == errc::bad_value);
    STATIC_REQUIRE(mac_address::parse("ff:ff:ff:ff:ff:ff").value().is_broadcast());
}

TEST_CASE("endian helpers and byte_writer/byte_reader agree", "[core][bytes]") {
    std::uint8_t buf[16];
    byte_writer w(buf);
    w.le16(0x1234).be16(0x1234).le32(0xdeadbeef).be32(0x01020304).u8(7);
    REQUIRE(w.ok());
    CHECK(buf[0] == 0x34);
    CHECK(buf[2] == 0x12);
    CHECK(buf[4] == 0xef);
    CHECK(buf[8] == 0x01);
    byte_reader r(w.written());
    CHECK(r.le16() == 0x1234);
    CHECK(r.be16() == 0x1234);
    CHECK(r.le32() == 0xdeadbeef);
    CHECK(r.be32() == 0x01020304);
    CHECK(r.u8() == 7);
    CHECK(r.ok());
    CHECK(r.u8() == 0);
    CHECK_FALSE(r.ok());
    w.raw(bytes_view(buf, 8));
    CHECK_FALSE(w.ok());
}

TEST_CASE("a time unit is 1024 microseconds", "[core][time]") {
    STATIC_REQUIRE(std::chrono::duration_cast<std::chrono::microseconds>(100_tu).count() == 102400);
    CHECK(std::chrono::duration_cast<duration>(1_tu).count() == 1'024'000);
}

template <class I>
concept has_arrow = requires(I i) {
    i.operator->();
};

TEST_CASE("set_bits walks a mask's set bits, lowest first", "[core][bits][walker]") {
    const auto walk = [](std::uint32_t mask) {
        std::vector<std::size_t> seen;
        for (const std::size_t k : detail::set_bits(mask)) seen.push_back(k);
        return seen;
    };
    CHECK(walk(0).empty());
    CHECK(walk(1) == std::vector<std::size_t>{0});
    CHECK(walk(0b1010'0110) == std::vector<std::size_t>{1, 2, 5, 7});
    CHECK(walk(0x8000'0001u) == std::vector<std::size_t>{0, 31});
    CHECK(walk(0xffff'ffffu).size() == 32);
    const detail::set_bits bits(0b1100);
    auto it = bits.begin();
    CHECK(*it++ == 2);
    CHECK(*it == 3);
    CHECK(++it == bits.end());
    // It yields values: a C++20 forward iterator, a C++17 input iterator.
    using iterator = decltype(it);
    STATIC_REQUIRE(std::forward_iterator<iterator>);
    STATIC_REQUIRE(
        std::is_same_v<std::iterator_traits<iterator>::iterator_category, std::input_iterator_tag>);
    STATIC_REQUIRE(std::is_same_v<std::iterator_traits<iterator>::reference, std::size_t>);
    STATIC_REQUIRE(std::is_void_v<std::iterator_traits<iterator>::pointer>);
    STATIC_REQUIRE_FALSE(has_arrow<iterator>);
}

namespace {
/// A walker that yields references: the entries of an array.
struct array_walker : detail::walker<array_walker, int> {
    const int* at = nullptr;
    const int& deref() const noexcept { return *at; }
    void next() noexcept { ++at; }
    const int* position() const noexcept { return at; }
};
}  // namespace

TEST_CASE("a walker that yields references is a forward iterator to C++17 and C++20",
          "[core][walker]") {
    STATIC_REQUIRE(std::forward_iterator<array_walker>);
    STATIC_REQUIRE(std::is_same_v<std::iterator_traits<array_walker>::iterator_category,
                                  std::forward_iterator_tag>);
    STATIC_REQUIRE(has_arrow<array_walker>);
    const int a[] = {4, 5};
    array_walker w;
    w.at = a;
    CHECK(*w.operator->() == 4);
    CHECK(*++w == 5);
}
