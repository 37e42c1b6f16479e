// SPDX-License-Identifier: MIT
/// @file Defines the WPA2-PSK key hierarchy: PTK derivation, the EAPOL-Key MIC and Key Data
/// wrapping with hostapd's padding.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/crypto/primitives.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/ieee80211/elements.hpp>

namespace softmac::rsn {

using key128 = std::array<std::uint8_t, 16>;
using nonce = std::array<std::uint8_t, 32>;

/// @brief The pairwise transient key for CCMP: KCK, KEK and TK, 16 octets each.
struct ptk {
    key128 kck{}, kek{}, tk{};
};

/// @brief PTK = PRF-384(PMK, "Pairwise key expansion", min(AA,SPA) | max(AA,SPA) |
/// min(ANonce,SNonce) | max(ANonce,SNonce)); comparisons are unsigned lexicographic.
inline result<ptk> derive_ptk(bytes_view pmk, const mac_address& aa, const mac_address& spa,
                              bytes_view anonce, bytes_view snonce) noexcept {
    if (anonce.size() != 32 || snonce.size() != 32)
        return make_error(errc::bad_length, "PTK: nonces must be 32 octets");
    std::array<std::uint8_t, 76> data;
    const bool aa_first = std::lexicographical_compare(aa.octets.begin(), aa.octets.end(),
                                                       spa.octets.begin(), spa.octets.end());
    const auto& lo_addr = aa_first ? aa : spa;
    const auto& hi_addr = aa_first ? spa : aa;
    std::copy(lo_addr.octets.begin(), lo_addr.octets.end(), data.begin());
    std::copy(hi_addr.octets.begin(), hi_addr.octets.end(), data.begin() + 6);
    const bool an_first =
        std::lexicographical_compare(anonce.begin(), anonce.end(), snonce.begin(), snonce.end());
    const bytes_view lo_nonce = an_first ? anonce : snonce;
    const bytes_view hi_nonce = an_first ? snonce : anonce;
    std::copy(lo_nonce.begin(), lo_nonce.end(), data.begin() + 12);
    std::copy(hi_nonce.begin(), hi_nonce.end(), data.begin() + 44);
    std::array<std::uint8_t, 48> out;
    if (!crypto::prf_sha1(pmk, "Pairwise key expansion", data, out))
        return make_error(errc::io, "PTK: PRF failed");
    ptk p;
    std::copy_n(out.begin(), 16, p.kck.begin());
    std::copy_n(out.begin() + 16, 16, p.kek.begin());
    std::copy_n(out.begin() + 32, 16, p.tk.begin());
    return p;
}

/// @brief HMAC-SHA1-128 over `frame` as if its MIC field were zero (descriptor version 2).
/// @pre frame.size() >= ieee80211::eapol_key_fixed_size
inline result<key128> compute_mic(bytes_view kck, bytes_view frame) noexcept {
    namespace off = ieee80211::eapol_key_offset;
    if (frame.size() < ieee80211::eapol_key_fixed_size)
        return make_error(errc::truncated, "MIC: frame shorter than an EAPOL-Key");
    static constexpr std::array<std::uint8_t, 16> zero_mic{};
    std::array<std::uint8_t, 20> h;
    if (!crypto::hmac_sha1(
            kck, {frame.first(off::mic), zero_mic, frame.subspan(off::key_data_length)}, h))
        return make_error(errc::io, "MIC: HMAC failed");
    key128 m;
    std::copy_n(h.begin(), 16, m.begin());
    return m;
}

/// @brief Computes the MIC of a built frame and writes it into its MIC field.
inline result<void> write_mic(bytes_view kck, bytes_span frame) noexcept {
    auto m = compute_mic(kck, frame);
    if (!m) return m.err();
    std::copy(m->begin(), m->end(), ieee80211::eapol_key_mic(frame).begin());
    return {};
}

/// @brief Constant-time check of a received frame's MIC.
inline bool verify_mic(bytes_view kck, bytes_view frame) noexcept {
    auto m = compute_mic(kck, frame);
    return m && crypto::equal(*m, frame.subspan(ieee80211::eapol_key_offset::mic, 16));
}

/// @brief Longest Key Data plaintext the handshakes wrap.
inline constexpr std::size_t max_key_data = 256;

/// @brief Pads `plain` as hostapd does (to a multiple of 8 with `dd 00 ..`, at least 16
/// octets) and AES-key-wraps it under the KEK into `out`; returns the wrapped length.
inline result<std::size_t> wrap_key_data(bytes_view kek, bytes_view plain,
                                         bytes_span out) noexcept {
    if (plain.size() > max_key_data) return make_error(errc::bad_length, "Key Data too long");
    std::array<std::uint8_t, max_key_data + 16> buf{};
    std::copy(plain.begin(), plain.end(), buf.begin());
    std::size_t n = plain.size();
    if (n % 8 != 0 || n < 16) {
        buf[n++] = 0xdd;
        while (n % 8 != 0 || n < 16) buf[n++] = 0;
    }
    return crypto::aes_wrap(kek, bytes_view{buf.data(), n}, out);
}

/// @brief Unwraps received Key Data into `out` (wrapped.size() - 8 octets); the padding is
/// left in place (ieee80211::for_each_key_data_item stops at it).
inline result<std::size_t> unwrap_key_data(bytes_view kek, bytes_view wrapped,
                                           bytes_span out) noexcept {
    if (wrapped.size() % 8 != 0 || wrapped.size() < 24)
        return make_error(errc::bad_length, "wrapped Key Data not a multiple of 8 of >= 24");
    if (out.size() < wrapped.size() - 8)
        return make_error(errc::no_space, "unwrapped Key Data does not fit");
    return crypto::aes_unwrap(kek, wrapped, out);
}

}  // namespace softmac::rsn
