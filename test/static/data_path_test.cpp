// SPDX-License-Identifier: MIT
// The data path's pipelines hold only the handlers the driver needs; the MAC's procedure units
// hold their context and their own state, nothing else.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/data_path.hpp>
#include <softmac/mac/iface.hpp>
#include <softmac/mac/mgmt_rx.hpp>
#include <softmac/mac/mlme_ap.hpp>
#include <softmac/mac/mlme_sta.hpp>
#include <softmac/mac/offchannel.hpp>
#include <softmac/mac/scan.hpp>

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

// A unit is a class over its context (here a stand-in of one pointer, as the stack's contexts
// are): the station and AP MLME and the interface lifecycle keep their state in the interface
// records, so they are their context alone; management RX adds only the registrations.
struct one_pointer_context {
    void* stack;
};
using ctx = one_pointer_context;
static_assert(sizeof(mac::station_mlme<ctx>) == sizeof(ctx));
static_assert(sizeof(mac::ap_mlme<ctx>) == sizeof(ctx));
static_assert(sizeof(mac::interface_lifecycle<ctx>) == sizeof(ctx));
static_assert(sizeof(mac::mgmt_rx<ctx>) == sizeof(ctx) + sizeof(mac::frame_registry));
// The data path's part of an interface record keeps its 256-octet stride.
static_assert(sizeof(mac::vif_state) == 256 && alignof(mac::vif_state) == 256);
}  // namespace
