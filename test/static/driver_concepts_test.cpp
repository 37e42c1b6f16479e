// SPDX-License-Identifier: MIT
// Compile-time contracts of the driver layer: what models the concept, what is detected as
// optional, and that assembling a radio adds nothing but its state.
#include <softmac/driver/any_driver.hpp>
#include <softmac/driver/radio.hpp>
#include <softmac/drivers/loopback.hpp>

#include "minimal_driver.hpp"

namespace {
using namespace softmac;

using test::minimal_driver;
using test::null_sink;

static_assert(driver::driver<minimal_driver>, "the seven operations and hw() make a driver");
static_assert(!driver::has_roc_offload<minimal_driver>, "no remain_on_channel: not detected");
static_assert(!driver::has_poll<minimal_driver>);
static_assert(!radio<minimal_driver, virtual_time, null_sink>::roc_offloaded,
              "a radio over a driver without ROC uses the software version");
static_assert(radio<drivers::loopback<virtual_time, true>, virtual_time, null_sink>::roc_offloaded,
              "a radio over a driver with ROC offload uses it");
static_assert(!radio<any_driver, virtual_time, null_sink>::roc_offloaded,
              "any_driver forwards no offloads");

static_assert(driver::driver<drivers::loopback<virtual_time>>);
static_assert(driver::driver<drivers::loopback<real_time>>);
static_assert(driver::has_poll<drivers::loopback<virtual_time>>);
static_assert(driver::has_interrupt_line<drivers::loopback<virtual_time>>);
static_assert(!driver::has_interrupt_line<minimal_driver>);
static_assert(driver::driver<any_driver>);
static_assert(driver::upcall_context<any_context>);

// Zero overhead of the assembly: the radio is its driver, sink and bookkeeping, nothing more
// (no ops table, no back-pointer in the driver).
static_assert(sizeof(radio<minimal_driver, virtual_time, null_sink>) <
              sizeof(minimal_driver) + sizeof(void*) + 512);
static_assert(!std::is_polymorphic_v<radio<minimal_driver, virtual_time, null_sink>>);
static_assert(!std::is_polymorphic_v<drivers::loopback<virtual_time>>);
}  // namespace
