// SPDX-License-Identifier: MIT
/// @file Defines what the rt73 reads from its EEPROM at probe (rt73usb's probe): the RF chip and
/// its channel table, the MAC address, BBP defaults, TX power, and the hardware description.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>
#include <softmac/driver/hw_description.hpp>
#include <softmac/drivers/rt73/descriptors.hpp>
#include <softmac/drivers/rt73/registers.hpp>
#include <softmac/drivers/rt73/rf.hpp>
#include <softmac/drivers/rt73/usb.hpp>
#include <softmac/ieee80211/rates.hpp>

namespace softmac::drivers::rt73 {

/// The largest RF table's entries (RF5226 and RF5225: 14 at 2.4 GHz, 28 at 5 GHz).
inline constexpr std::size_t max_rf_entries = rf_vals_5226.size();
static_assert(rf_vals_5225_2527.size() <= max_rf_entries);

/// @brief The chip as its EEPROM describes it.
struct chip_facts {
    ::softmac::driver::hw_description hw{};
    std::uint16_t rf_type = 0;  ///< rf::rf5226, rf2528, rf5225 or rf2527
    std::span<const rf_channel> rf_table{};
    std::array<std::uint16_t, 16> bbp_init{};
    std::array<std::uint8_t, max_rf_entries> txpower{};  ///< by RF table entry
    std::uint8_t freq_offset = 0;
};

/// @brief Reads the EEPROM over `usb` and describes the chip: the RF type picks the channel table
/// and so the bands; an unreadable EEPROM or an RF type the rt73 does not drive leaves nothing to
/// register (rt73usb_probe_hw's -ENODEV).
/// @param max_ap_interfaces the AP interfaces the driver can beacon for (its BSSIDs)
template <usb_transport Transport>
result<chip_facts> read_chip(Transport& usb, std::uint16_t max_ap_interfaces) {
    std::array<std::uint8_t, 0x100> e{};
    if (!usb.control_in({request::eeprom_read, 0, 0, std::chrono::milliseconds(2000)}, e))
        return make_error(errc::io, "rt73: the EEPROM cannot be read");
    auto w16 = [&](std::uint16_t word) { return load_le16(e.data() + 2 * word); };
    chip_facts c;
    // An unprogrammed antenna word reads as rt73usb_validate_eeprom's default: an RF5226.
    const std::uint16_t antenna = w16(eeprom::antenna);
    c.rf_type = antenna == 0xffff
                    ? rf::rf5226
                    : static_cast<std::uint16_t>(antenna >> eeprom::antenna_rf_type_shift);
    c.rf_table = rf_table(c.rf_type);
    if (c.rf_table.empty())
        return make_error(errc::not_supported,
                          "rt73: invalid RF chipset (the EEPROM's RF type is none of "
                          "RF5226, RF2528, RF5225 and RF2527)");
    auto& hw = c.hw;
    for (int i = 0; i < 3; ++i) {
        const std::uint16_t v = w16(static_cast<std::uint16_t>(eeprom::mac_addr0 + i));
        hw.perm_addr.octets[std::size_t(2 * i)] = static_cast<std::uint8_t>(v);
        hw.perm_addr.octets[std::size_t(2 * i + 1)] = static_cast<std::uint8_t>(v >> 8);
    }
    for (int i = 0; i < 16; ++i)
        c.bbp_init[std::size_t(i)] = w16(static_cast<std::uint16_t>(eeprom::bbp_start + i));
    // The TX power of each table entry: the 2.4 GHz entries from TX power G, the 5 GHz entries
    // from TX power A (entry i from its octet i - 14, read on past its 24 octets for the last
    // entries as rt73usb_probe_hw_mode reads).
    for (std::size_t i = 0; i < c.rf_table.size(); ++i) {
        const bool g = i < rf_entries_2ghz;
        const std::size_t at =
            2u * (g ? eeprom::txpower_g : eeprom::txpower_a) + (g ? i : i - rf_entries_2ghz);
        c.txpower[i] = txpower_from_eeprom(e[at]);
    }
    c.freq_offset = static_cast<std::uint8_t>(w16(eeprom::freq) & 0x3f);
    using ::softmac::driver::bit, ::softmac::driver::iftype;
    hw.addr_mask = {{0, 0, 0, 0, 0, 0x03}};  // four BSSIDs (BSS_ID_MASK 3)
    hw.n_addresses = 4;
    hw.bands[0] = {ieee80211::band::ghz2_4, rf_channels_2ghz, ieee80211::rates_2ghz};
    hw.n_bands = 1;
    if (c.rf_table.size() > rf_entries_2ghz)
        hw.bands[hw.n_bands++] = {ieee80211::band::ghz5,
                                  std::span<const std::uint8_t>(rf_channels_5ghz)
                                      .first(c.rf_table.size() - rf_entries_2ghz),
                                  ieee80211::rates_ofdm};
    hw.interface_modes =
        bit(iftype::station) | bit(iftype::ap) | bit(iftype::adhoc) | bit(iftype::monitor);
    ::softmac::driver::iface_combination comb;
    comb.limits[0] = {max_ap_interfaces, bit(iftype::ap)};
    comb.n_limits = 1;
    comb.max_interfaces = max_ap_interfaces;
    hw.combinations[0] = comb;
    hw.n_combinations = 1;
    hw.extra_tx_headroom = descriptor_size;
    hw.queues = 4;
    hw.reports_probe_requests = false;  // no FIF_PROBE_REQ: probe requests always pass
    hw.max_remain_on_channel_ms = 0;    // no offload: the MAC's software ROC (5000 ms)
    return c;
}

}  // namespace softmac::drivers::rt73
