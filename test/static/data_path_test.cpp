// SPDX-License-Identifier: MIT
// The data path's pipelines hold only the handlers the driver needs (DESIGN.md rule 4).
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/data_path.hpp>

namespace {
using namespace softmac;
using mac::capabilities;

using upper = mac::null_upper;
template <capabilities C>
using path = mac::data_path<C, virtual_time, upper>;

constexpr capabilities software{};
constexpr capabilities offloading{true, true, true};

static_assert(mac::detail::contains<path<software>::tx_pipeline, mac::tx_rate_ctrl>());
static_assert(mac::detail::contains<path<software>::tx_pipeline, mac::tx_fragment>());
static_assert(mac::detail::contains<path<software>::rx_pipeline, mac::rx_check_dup>());
static_assert(!mac::detail::contains<path<offloading>::tx_pipeline, mac::tx_rate_ctrl>(),
              "a driver with its own rate control gets no rate-control handler");
static_assert(!mac::detail::contains<path<offloading>::tx_pipeline, mac::tx_fragment>(),
              "a driver that fragments gets no fragmentation handler");
static_assert(!mac::detail::contains<path<offloading>::rx_pipeline, mac::rx_check_dup>(),
              "a driver that drops duplicates gets no duplicate check");
static_assert(mac::detail::contains<path<offloading>::tx_pipeline, mac::tx_sequence>());
static_assert(boost::hana::length(path<software>::tx_pipeline{}) == boost::hana::size_c<5>);
static_assert(boost::hana::length(path<offloading>::tx_pipeline{}) == boost::hana::size_c<3>);

// The loopback driver offloads nothing: the full pipelines.
static_assert(mac::capabilities_of<drivers::loopback<virtual_time>>().hw_rate_control == false);
}  // namespace
