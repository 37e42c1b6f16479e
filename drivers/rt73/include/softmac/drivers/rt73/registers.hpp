// SPDX-License-Identifier: MIT
/// @file Defines the RT2573 register map, vendor requests, device modes and EEPROM words the rt73
/// driver and chip model share.
#pragma once

#include <cstdint>

namespace softmac::drivers::rt73 {

/// @brief USB vendor requests (bRequest).
namespace request {
inline constexpr std::uint8_t device_mode = 1, single_write = 2, single_read = 3, multi_write = 6,
                              multi_read = 7, eeprom_write = 8, eeprom_read = 9, led_control = 10,
                              rx_control = 12;
}
/// @brief USB_DEVICE_MODE values.
namespace device_mode {
inline constexpr std::uint16_t reset = 1, unplug = 2, function = 3, test = 4, sleep = 7,
                               firmware = 8, wakeup = 9, autorun = 17;
}

/// @brief Memory and register addresses.
namespace reg {
inline constexpr std::uint16_t firmware_image_base = 0x0800, shared_key_table_base = 0x1000,
                               pairwise_key_table_base = 0x1200, pairwise_ta_table_base = 0x1a00,
                               hw_beacon_base0 = 0x2400, mac_csr0 = 0x3000, mac_csr1 = 0x3004,
                               mac_csr2 = 0x3008, mac_csr3 = 0x300c, mac_csr4 = 0x3010,
                               mac_csr5 = 0x3014, txrx_csr0 = 0x3040, txrx_csr4 = 0x3050,
                               txrx_csr9 = 0x3064, txrx_csr10 = 0x3068, txrx_csr12 = 0x3070,
                               txrx_csr13 = 0x3074, phy_csr0 = 0x3080, phy_csr3 = 0x308c,
                               phy_csr4 = 0x3090, sec_csr0 = 0x30a0, sec_csr1 = 0x30a4,
                               sec_csr2 = 0x30a8, sec_csr3 = 0x30ac, sec_csr4 = 0x30b0,
                               sec_csr5 = 0x30b4, sta_csr0 = 0x30c0, aifsn_csr = 0x0400,
                               cwmin_csr = 0x0404, cwmax_csr = 0x0408, ac_txop_csr0 = 0x040c,
                               ac_txop_csr1 = 0x0410;
constexpr std::uint16_t hw_beacon_base(unsigned i) noexcept {
    return static_cast<std::uint16_t>(hw_beacon_base0 + 0x100 * i);
}
}  // namespace reg

/// @brief TXRX_CSR0 bits.
namespace txrx_csr0 {
inline constexpr std::uint32_t rx_ack_timeout = 0x1ff, auto_tx_seq = 0x8000, disable_rx = 0x10000,
                               drop_crc = 0x20000, drop_physical = 0x40000, drop_control = 0x80000,
                               drop_not_to_me = 0x100000, drop_to_ds = 0x200000,
                               drop_version_error = 0x400000, drop_multicast = 0x800000,
                               drop_broadcast = 0x1000000, drop_ack_cts = 0x2000000,
                               tx_without_waiting = 0x4000000;
}
/// @brief TXRX_CSR4 fields.
namespace txrx_csr4 {
inline constexpr std::uint32_t long_retry_limit_shift = 24, short_retry_limit_shift = 28;
}
/// @brief TXRX_CSR9 fields.
namespace txrx_csr9 {
inline constexpr std::uint32_t beacon_interval = 0xffff, tsf_ticking = 0x10000, tsf_sync_shift = 17,
                               tsf_sync = 0x60000, tbtt_enable = 0x80000, beacon_gen = 0x100000;
inline constexpr std::uint32_t sync_none = 0, sync_infra = 1, sync_adhoc = 2, sync_ap_none = 3;
}  // namespace txrx_csr9
/// @brief PHY_CSR3 (BBP serial) and PHY_CSR4 (RF serial) fields.
/// @brief PHY_CSR0: the power amplifier of each band (rt73usb_config_antenna sets the tuned
/// band's).
namespace phy_csr0 {
inline constexpr std::uint32_t pa_pe_bg = 0x00010000, pa_pe_a = 0x00020000;
}
namespace phy_csr3 {
inline constexpr std::uint32_t value = 0xff, reg_shift = 8, reg_mask = 0x7f00,
                               read_control = 0x8000, busy = 0x10000;
}
namespace phy_csr4 {
inline constexpr std::uint32_t value = 0x00ffffff, bits_shift = 24, busy = 0x80000000u;
}

/// @brief EEPROM word offsets (16-bit words).
namespace eeprom {
inline constexpr std::uint16_t mac_addr0 = 0x0002, antenna = 0x0010, nic = 0x0011,
                               geography = 0x0012, bbp_start = 0x0013, txpower_g = 0x0023,
                               freq = 0x002f, led = 0x0030, txpower_a = 0x0031,
                               rssi_offset_bg = 0x004d, rssi_offset_a = 0x004e;
inline constexpr std::uint16_t antenna_rf_type_shift = 11;  ///< RF type in bits 0xf800
/// TX power octets, two per word (low octet first): 2.4 GHz channels 1..14 in TX power G, the 5 GHz
/// table entries from TX power A.
inline constexpr std::uint16_t txpower_g_words = 7, txpower_a_words = 12;
}  // namespace eeprom
/// @brief BBP registers and bits.
namespace bbp {
inline constexpr std::uint8_t r3 = 3;
inline constexpr std::uint8_t r3_smart_mode = 0x01;
}  // namespace bbp
/// @brief RF chips by EEPROM antenna RF type.
namespace rf {
inline constexpr std::uint16_t rf5226 = 1, rf2528 = 2, rf5225 = 3, rf2527 = 4;
}

/// @brief Cipher numbers of the descriptors and key tables.
namespace cipher {
inline constexpr std::uint8_t none = 0, wep64 = 1, wep128 = 2, tkip = 3, aes = 4, ckip64 = 5,
                              ckip128 = 6, tkip_no_mic = 7;
}

}  // namespace softmac::drivers::rt73
