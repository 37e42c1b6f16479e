// SPDX-License-Identifier: MIT
// Compile-time contracts of the driver layer: what models the concept, what is detected as
// optional, that a constexpr hardware description is validated, and that assembling a radio adds
// nothing but its state.
#include <array>
#include <optional>
#include <type_traits>

#include <softmac/driver/any_driver.hpp>
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/radio.hpp>

#include "minimal_driver.hpp"

namespace {
using namespace softmac;

using test::minimal_driver;
using test::null_sink;

static_assert(driver::driver<minimal_driver>, "the seven operations and hw() make a driver");
static_assert(!driver::has_roc_offload<minimal_driver>, "no remain_on_channel: not detected");
static_assert(!driver::has_poll<minimal_driver>);
static_assert(!mac::radio<minimal_driver, virtual_time, null_sink>::roc_offloaded,
              "a radio over a driver without ROC uses the software version");
static_assert(
    mac::radio<drivers::loopback<virtual_time, true>, virtual_time, null_sink>::roc_offloaded,
    "a radio over a driver with ROC offload uses it");
static_assert(!mac::radio<any_driver, virtual_time, null_sink>::roc_offloaded,
              "any_driver forwards no offloads");

static_assert(driver::driver<drivers::loopback<virtual_time>>);
static_assert(driver::driver<drivers::loopback<real_time>>);
static_assert(driver::has_poll<drivers::loopback<virtual_time>>);
static_assert(driver::has_interrupt_line<drivers::loopback<virtual_time>>);
static_assert(!driver::has_interrupt_line<minimal_driver>);
static_assert(driver::driver<any_driver>);
static_assert(driver::upcall_context<any_context>);

// A constexpr hardware description is checked against the registration rules at compile time.
using driver::bit, driver::iftype;
constexpr driver::hw_description ap_description = [] {
    driver::hw_description h;
    h.perm_addr = {{0x02, 0, 0, 0, 0, 1}};
    h.bands[0] = {ieee80211::band::ghz2_4, driver::channels_2ghz, ieee80211::rates_2ghz};
    h.n_bands = 1;
    h.interface_modes = bit(iftype::station) | bit(iftype::ap);
    h.combinations[0].limits[0] = {4, bit(iftype::ap)};
    h.combinations[0].n_limits = 1;
    h.combinations[0].max_interfaces = 4;
    h.n_combinations = 1;
    return h;
}();
static_assert(driver::validate(ap_description).has_value());

// Zero overhead of the assembly: the radio is exactly its members, in radio.hpp's order (the time
// reference, the sink, the device configuration, the RX filter, the interface slots, the software
// remain-on-channel state, two flags, the count of frames awaiting TX status and the driver); no
// ops table, no back-pointer, no vtable.
using minimal_radio = mac::radio<minimal_driver, virtual_time, null_sink>;
struct minimal_radio_members {
    struct roc_state {
        std::uint64_t cookie;
        timer_id timer;
    };
    virtual_time& time_;
    null_sink sink_;
    driver::conf conf_;
    std::uint32_t filter_;
    std::array<std::optional<driver::vif>, minimal_radio::max_interfaces> vifs_;
    std::array<bool, minimal_radio::max_interfaces> active_;
    std::optional<ieee80211::channel> off_;
    std::optional<roc_state> roc_;
    bool registered_, started_;
    std::size_t tx_pending_;
    minimal_driver driver_;
};
static_assert(sizeof(minimal_radio) == sizeof(minimal_radio_members));
static_assert(alignof(minimal_radio) == alignof(minimal_radio_members));
static_assert(!std::is_polymorphic_v<minimal_radio>);
static_assert(!std::is_polymorphic_v<drivers::loopback<virtual_time>>);
}  // namespace
