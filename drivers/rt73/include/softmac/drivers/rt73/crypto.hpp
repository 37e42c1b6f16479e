// SPDX-License-Identifier: MIT
/// @file Defines the rt73's crypto helpers (rt2x00crypto.c's role): cipher numbers, and the IV
/// moved between the frame and the TX/RX descriptors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <softmac/core/frame_buffer.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/drivers/rt73/descriptors.hpp>
#include <softmac/drivers/rt73/registers.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/header.hpp>

namespace softmac::drivers::rt73 {

/// @brief The chip's cipher number for a suite selector (cipher::none: not offloaded).
inline std::uint8_t cipher_of(std::uint32_t suite) noexcept {
    switch (suite) {
        case ieee80211::suite::wep40:
            return cipher::wep64;
        case ieee80211::suite::wep104:
            return cipher::wep128;
        case ieee80211::suite::tkip:
            return cipher::tkip;
        case ieee80211::suite::ccmp:
            return cipher::aes;
        default:
            return cipher::none;
    }
}

/// @brief rt2x00crypto_tx_remove_iv: the CCMP header the MAC wrote after the MAC header goes to
/// `iv` (for the TXD) and the header moves up over it.
inline void remove_iv(frame_buffer& f, std::size_t hdrlen,
                      std::array<std::uint8_t, ieee80211::ccmp::header_len>& iv) noexcept {
    std::memcpy(iv.data(), f.data() + hdrlen, iv.size());
    std::memmove(f.data() + iv.size(), f.data(), hdrlen);
    (void)f.pull(iv.size());
}
/// @brief rt2x00crypto_tx_insert_iv: the frame as the MAC gave it, for its TX status.
inline void restore_iv(frame_buffer& f, std::size_t hdrlen,
                       const std::array<std::uint8_t, ieee80211::ccmp::header_len>& iv) noexcept {
    (void)f.push(iv.size());
    std::memmove(f.data(), f.data() + iv.size(), hdrlen);
    std::memcpy(f.data() + hdrlen, iv.data(), iv.size());
}

/// rt2x00crypto_rx_insert_iv: the chip stripped IV and MIC and handed the IV words in the
/// RXD; the IV goes back after the MAC header (the MAC checks the PN), the MIC stays out.
/// False when the frame is too short to hold the header it announces.
inline bool insert_iv(frame_buffer& b, const rx_descriptor& d,
                      ::softmac::driver::rx_status& st) noexcept {
    if (b.size() < 2) return false;
    const std::size_t iv_len = d.cipher == cipher::wep64 || d.cipher == cipher::wep128 ? 4 : 8;
    const std::size_t hdrlen =
        ieee80211::header_length(ieee80211::frame_control{load_le16(b.data())});
    if (b.size() < hdrlen || !b.push(iv_len)) return false;
    std::memmove(b.data(), b.data() + iv_len, hdrlen);
    store_le32(b.data() + hdrlen, d.iv);
    if (iv_len == 8) store_le32(b.data() + hdrlen + 4, d.eiv);
    if (d.cipher_error == rx_cipher_error::none)
        st.flags |= ::softmac::driver::rx_flag::decrypted;
    else if (d.cipher_error == rx_cipher_error::mic)
        st.flags |= ::softmac::driver::rx_flag::mic_error;
    return true;
}

}  // namespace softmac::drivers::rt73
