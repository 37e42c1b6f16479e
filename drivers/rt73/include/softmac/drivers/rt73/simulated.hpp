// SPDX-License-Identifier: MIT
/// @file Defines rt73::simulated: an rt73 radio on a sim::medium, the chip model and the driver in
/// one object.
#pragma once

#include <softmac/drivers/rt73.hpp>
#include <softmac/drivers/rt73/sim_chip.hpp>

namespace softmac::drivers::rt73 {

namespace detail {
/// Holds the chip so that it is built before, and destroyed after, the driver using it.
template <time_policy Time>
struct chip_holder {
    sim_chip<Time> chip;
    chip_holder(sim::medium<Time>& m, const eeprom_contents& e) : chip(m, e) {}
};
}  // namespace detail

/// @brief EEPROM contents for radio `index`: a distinct MAC address and the RF chip `rf_type`
/// (rf::rf2528, 2.4 GHz, unless told).
inline eeprom_contents eeprom_for(std::uint16_t index, std::uint16_t rf_type = rf::rf2528) {
    eeprom_contents e;
    e.mac = {{0x00, 0x0e, 0x2e, std::uint8_t(index >> 8), std::uint8_t(index), 0x00}};
    e.rf_type = rf_type;
    return e;
}

/// @brief The rt73 driver over a simulated chip: models the driver concept like the driver does.
template <time_policy Time>
struct simulated : detail::chip_holder<Time>, driver<sim_chip<Time>> {
    simulated(sim::medium<Time>& m, std::uint16_t index,
              std::vector<std::uint8_t> firmware = make_firmware())
        : detail::chip_holder<Time>(m, eeprom_for(index)),
          driver<sim_chip<Time>>(this->chip, std::move(firmware)) {}
    simulated(sim::medium<Time>& m, const eeprom_contents& e, std::vector<std::uint8_t> firmware)
        : detail::chip_holder<Time>(m, e),
          driver<sim_chip<Time>>(this->chip, std::move(firmware)) {}
};

static_assert(usb_transport<sim_chip<virtual_time>>,
              "softmac: the simulated chip must model usb_transport");
static_assert(::softmac::driver::check_driver<simulated<virtual_time>>());
static_assert(::softmac::driver::driver<simulated<virtual_time>>);

}  // namespace softmac::drivers::rt73
