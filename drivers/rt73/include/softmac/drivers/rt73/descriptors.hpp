// SPDX-License-Identifier: MIT
/// @file Defines the RT2573 TX and RX descriptors (6 little-endian words), PLCP
/// signal/service/length and the USB length rule.
#pragma once

#include <array>
#include <cstdint>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/rates.hpp>

namespace softmac::drivers::rt73 {

inline constexpr std::size_t descriptor_size = 24;  ///< TXD, RXD and TXINFO: 6 words

/// @brief The hardware PLCP signal code of each of the 12 legacy rates (1 .. 54 Mbit/s).
inline constexpr std::array<std::uint8_t, 12> plcp_signal{0x00, 0x01, 0x02, 0x03, 0x0b, 0x0f,
                                                          0x0a, 0x0e, 0x09, 0x0d, 0x08, 0x0c};

/// @brief The rate index (into rates_2ghz) of a PLCP signal, for OFDM or CCK.
constexpr int rate_of_signal(std::uint8_t signal, bool ofdm) noexcept {
    for (std::size_t i = ofdm ? 4 : 0; i < (ofdm ? 12u : 4u); ++i)
        if (plcp_signal[i] == (ofdm ? signal : (signal & 0x07))) return static_cast<int>(i);
    return -1;
}

/// @brief PLCP fields of a frame of `data_length` octets (FCS included) at rate index `idx`.
struct plcp {
    std::uint8_t signal = 0, service = 0x04, length_low = 0, length_high = 0;

    static constexpr plcp compute(std::size_t data_length, std::size_t idx,
                                  bool short_preamble = false) noexcept {
        const auto& r = ieee80211::rates_2ghz[idx];
        plcp p;
        p.signal = plcp_signal[idx];
        if (r.is_ofdm()) {
            p.length_high = static_cast<std::uint8_t>((data_length >> 6) & 0x3f);
            p.length_low = static_cast<std::uint8_t>(data_length & 0x3f);
            return p;
        }
        const std::size_t bits =
            data_length * 80;  // duration in µs = bits x 10 / bitrate(100 kbit/s)
        std::size_t duration = bits / r.bitrate;
        const std::size_t residual = bits % r.bitrate;
        if (residual != 0) {
            ++duration;
            if (r.bitrate == 110 && residual <= 30) p.service |= 0x80;  // length extension
        }
        p.length_high = static_cast<std::uint8_t>((duration >> 8) & 0xff);
        p.length_low = static_cast<std::uint8_t>(duration & 0xff);
        if (short_preamble && r.bitrate != 10) p.signal |= 0x08;
        return p;
    }
};

/// @brief TX descriptor fields (rt73usb_write_tx_desc's inputs).
struct tx_descriptor {
    bool burst = false, valid = true, more_frag = false, ack = false, timestamp = false,
         ofdm = false;
    std::uint8_t ifs = 0;  ///< 0 backoff, 1 SIFS, 2 new backoff, 3 none
    bool retry_mode = false, tkip_mic = false, key_table = false;
    std::uint8_t key_index = 0;
    std::uint16_t length = 0;  ///< DATABYTE_COUNT: frame octets without the descriptor
    std::uint8_t cipher = 0;
    std::uint8_t queue = 0, aifsn = 2, cwmin = 4, cwmax = 10, iv_offset = 0;
    bool hw_sequence = false;
    plcp plcp_fields{};
    std::uint32_t iv = 0, eiv = 0;
    std::uint8_t packet_id = 0, tx_power = 0;

    /// @brief The six little-endian words.
    void write(byte_writer& w) const noexcept {
        std::uint32_t w0 =
            (burst ? 1u : 0) | (valid ? 2u : 0) | (more_frag ? 4u : 0) | (ack ? 8u : 0) |
            (timestamp ? 0x10u : 0) | (ofdm ? 0x20u : 0) | (std::uint32_t(ifs & 1) << 6) |
            (retry_mode ? 0x80u : 0) | (tkip_mic ? 0x100u : 0) | (key_table ? 0x200u : 0) |
            (std::uint32_t(key_index & 0x3f) << 10) | (std::uint32_t(length & 0xfff) << 16) |
            (burst ? 0x10000000u : 0) | (std::uint32_t(cipher & 7) << 29);
        const std::uint32_t w1 =
            std::uint32_t(queue & 0xf) | (std::uint32_t(aifsn & 0xf) << 4) |
            (std::uint32_t(cwmin & 0xf) << 8) | (std::uint32_t(cwmax & 0xf) << 12) |
            (std::uint32_t(iv_offset & 0x3f) << 16) | (hw_sequence ? 0x10000000u : 0);
        const std::uint32_t w2 = std::uint32_t(plcp_fields.signal) |
                                 (std::uint32_t(plcp_fields.service) << 8) |
                                 (std::uint32_t(plcp_fields.length_low) << 16) |
                                 (std::uint32_t(plcp_fields.length_high) << 24);
        const std::uint32_t w5 = (std::uint32_t(packet_id) << 8) |
                                 (std::uint32_t(tx_power > 31 ? 31 : tx_power) << 16) | 0x01000000u;
        w.le32(w0).le32(w1).le32(w2).le32(iv).le32(eiv).le32(w5);
    }
    /// @brief Decodes six words (what the chip does on bulk OUT).
    static result<tx_descriptor> read(bytes_view b) noexcept {
        if (b.size() < descriptor_size)
            return make_error(errc::truncated, "TX descriptor shorter than 24 octets");
        const std::uint32_t w0 = load_le32(b.data()), w1 = load_le32(b.data() + 4),
                            w2 = load_le32(b.data() + 8), w5 = load_le32(b.data() + 20);
        tx_descriptor d;
        d.burst = w0 & 1, d.valid = w0 & 2, d.more_frag = w0 & 4, d.ack = w0 & 8,
        d.timestamp = w0 & 0x10;
        d.ofdm = w0 & 0x20, d.ifs = static_cast<std::uint8_t>((w0 >> 6) & 1),
        d.retry_mode = w0 & 0x80;
        d.tkip_mic = w0 & 0x100, d.key_table = w0 & 0x200,
        d.key_index = static_cast<std::uint8_t>((w0 >> 10) & 0x3f);
        d.length = static_cast<std::uint16_t>((w0 >> 16) & 0xfff),
        d.cipher = static_cast<std::uint8_t>(w0 >> 29);
        d.queue = w1 & 0xf, d.aifsn = (w1 >> 4) & 0xf, d.cwmin = (w1 >> 8) & 0xf,
        d.cwmax = (w1 >> 12) & 0xf;
        d.iv_offset = (w1 >> 16) & 0x3f, d.hw_sequence = w1 & 0x10000000u;
        d.plcp_fields = {static_cast<std::uint8_t>(w2), static_cast<std::uint8_t>(w2 >> 8),
                         static_cast<std::uint8_t>(w2 >> 16), static_cast<std::uint8_t>(w2 >> 24)};
        d.iv = load_le32(b.data() + 12), d.eiv = load_le32(b.data() + 16);
        d.packet_id = static_cast<std::uint8_t>(w5 >> 8),
        d.tx_power = static_cast<std::uint8_t>(w5 >> 16);
        return d;
    }
};

/// @brief RXD CIPHER_ERROR values (rt2x00's rx_crypto).
namespace rx_cipher_error {
inline constexpr std::uint8_t none = 0, icv = 1, mic = 2, key_invalid = 3;
}

/// @brief RX descriptor fields.
struct rx_descriptor {
    bool owner_nic = false, drop = false, unicast_to_me = false, multicast = false,
         broadcast = false, my_bss = false, crc_error = false, ofdm = false;
    std::uint8_t cipher_error = 0, key_index = 0;
    std::uint16_t length = 0;
    std::uint8_t cipher = 0;
    std::uint8_t signal = 0, rssi_agc = 0, rssi_lna = 0, frame_offset = 0;
    std::uint32_t iv = 0, eiv = 0, icv = 0;

    void write(byte_writer& w) const noexcept {
        const std::uint32_t w0 =
            (owner_nic ? 1u : 0) | (drop ? 2u : 0) | (unicast_to_me ? 4u : 0) |
            (multicast ? 8u : 0) | (broadcast ? 0x10u : 0) | (my_bss ? 0x20u : 0) |
            (crc_error ? 0x40u : 0) | (ofdm ? 0x80u : 0) | (std::uint32_t(cipher_error & 3) << 8) |
            (std::uint32_t(key_index & 0x3f) << 10) | (std::uint32_t(length & 0xfff) << 16) |
            (std::uint32_t(cipher & 7) << 29);
        const std::uint32_t w1 = std::uint32_t(signal) | (std::uint32_t(rssi_agc & 0x1f) << 8) |
                                 (std::uint32_t(rssi_lna & 3) << 13) |
                                 (std::uint32_t(frame_offset & 0x7f) << 24);
        w.le32(w0).le32(w1).le32(iv).le32(eiv).le32(icv).le32(0);
    }
    static result<rx_descriptor> read(bytes_view b) noexcept {
        if (b.size() < descriptor_size)
            return make_error(errc::truncated, "RX descriptor shorter than 24 octets");
        const std::uint32_t w0 = load_le32(b.data()), w1 = load_le32(b.data() + 4);
        rx_descriptor d;
        d.owner_nic = w0 & 1, d.drop = w0 & 2, d.unicast_to_me = w0 & 4, d.multicast = w0 & 8,
        d.broadcast = w0 & 0x10;
        d.my_bss = w0 & 0x20, d.crc_error = w0 & 0x40, d.ofdm = w0 & 0x80;
        d.cipher_error = static_cast<std::uint8_t>((w0 >> 8) & 3),
        d.key_index = static_cast<std::uint8_t>((w0 >> 10) & 0x3f);
        d.length = static_cast<std::uint16_t>((w0 >> 16) & 0xfff),
        d.cipher = static_cast<std::uint8_t>(w0 >> 29);
        d.signal = static_cast<std::uint8_t>(w1), d.rssi_agc = (w1 >> 8) & 0x1f,
        d.rssi_lna = (w1 >> 13) & 3;
        d.frame_offset = (w1 >> 24) & 0x7f;
        d.iv = load_le32(b.data() + 8), d.eiv = load_le32(b.data() + 12),
        d.icv = load_le32(b.data() + 16);
        return d;
    }
    /// @brief Signal in dBm: 2 x AGC minus the LNA gain (3: 90, 2: 74, 1: 64; on 5 GHz 6 and 8
    /// more for 3 and 2, without an external LNA) and the EEPROM RSSI offset.
    int rssi_dbm(int rssi_offset = 0, bool ghz5 = false) const noexcept {
        int lna = rssi_lna == 3 ? 90 : rssi_lna == 2 ? 74 : rssi_lna == 1 ? 64 : 0;
        if (ghz5) lna += rssi_lna == 3 ? 6 : rssi_lna == 2 ? 8 : 0;
        return 2 * rssi_agc - lna - rssi_offset;
    }
};

/// @brief The bulk-out length: a multiple of 4, plus 4 if that is a multiple of the endpoint's
/// max packet size (so no zero-length packet is needed).
constexpr std::size_t usb_tx_length(std::size_t length, std::size_t max_packet = 512) noexcept {
    std::size_t n = (length + 3) & ~std::size_t(3);
    if (n % max_packet == 0) n += 4;
    return n;
}

}  // namespace softmac::drivers::rt73
