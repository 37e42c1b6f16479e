// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <string>

#include <softmac/drivers/loopback.hpp>

using namespace softmac;
using driver::bit, driver::iftype;

namespace {
std::string rule(const driver::hw_description& hw) {
    auto r = driver::validate(hw);
    return r ? "" : r.err().what;
}
}  // namespace

TEST_CASE("the loopback description passes registration", "[driver][hw]") {
    CHECK(rule(drivers::loopback_description(3)).empty());
    const auto hw = drivers::loopback_description(0x0102);
    CHECK(hw.perm_addr.to_string() == "02:00:00:01:02:00");
    CHECK(hw.address(1).to_string() == "02:00:00:01:02:01");
    CHECK(hw.address(15).to_string() == "02:00:00:01:02:0f");
    CHECK(driver::tx_headroom(hw) == 13);
}

TEST_CASE("registration names the broken rule", "[driver][hw]") {
    auto hw = drivers::loopback_description(0);
    SECTION("one ADHOC per combination") {
        hw.combinations[0].limits[0].max = 2;
        CHECK(rule(hw) == "a combination may allow only one IBSS interface");
    }
    SECTION("P2P device limit is 1") {
        hw.combinations[0].limits[2].max = 2;
        CHECK(rule(hw) == "the P2P device limit must be 1");
    }
    SECTION("a type in two limits") {
        hw.combinations[0].limits[2].types |= bit(iftype::station);
        CHECK(rule(hw) == "a type may appear in only one limit of a combination");
    }
    SECTION("monitor is a software type") {
        hw.combinations[0].limits[0].types |= bit(iftype::monitor);
        CHECK(rule(hw) == "software interface types (monitor, AP VLAN) must not be limited");
    }
    SECTION("several channels without channel contexts") {
        hw.combinations[0].num_different_channels = 2;
        CHECK(rule(hw) == "more than one channel needs channel contexts");
        hw.has_channel_contexts = true;
        CHECK(rule(hw).empty());
    }
    SECTION("limits must cover max_interfaces") {
        hw.combinations[0].max_interfaces = 4000;
        CHECK(rule(hw) == "the limits' max must add up to max_interfaces");
    }
    SECTION("max_interfaces below 2") {
        hw.combinations[0].max_interfaces = 1;
        CHECK(rule(hw) == "a combination must allow at least 2 interfaces");
    }
    SECTION("a limited type the hardware does not support") {
        hw.interface_modes &= ~bit(iftype::p2p_device);
        CHECK(rule(hw) == "a combination lists a type missing from interface_modes");
    }
    SECTION("queues") {
        hw.queues = 17;
        CHECK(rule(hw) == "queues must be 1..16");
    }
    SECTION("bands") {
        hw.n_bands = 0;
        CHECK(rule(hw) == "a radio needs at least one band");
    }
    SECTION("address mask") {
        hw.addr_mask = {};
        CHECK(rule(hw) == "several addresses need an address mask");
    }
}
