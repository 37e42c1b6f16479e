// SPDX-License-Identifier: MIT
/// @file Defines the WSC key schedule and proofs: DHKey, KDK, AuthKey/KeyWrapKey/EMSK, PSK1/PSK2,
/// the E-/R-Hashes, the Authenticator and Encrypted Settings with their Key Wrap Authenticator.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/crypto/primitives.hpp>
#include <softmac/crypto/wsc.hpp>
#include <softmac/wps/message.hpp>
#include <softmac/wps/pin.hpp>

namespace softmac::wps {

using digest = std::array<std::uint8_t, 32>;
using half_psk = std::array<std::uint8_t, 16>;

/// @brief The keys one registration derives (WSC 2.0 §7.4).
struct session_keys {
    digest auth_key{};
    std::array<std::uint8_t, 16> key_wrap_key{};
    digest emsk{};
};

/// @brief DHKey = SHA-256(g^AB mod p, 192 octets), KDK = HMAC-SHA-256(DHKey, N1 | MAC | N2),
/// then KDF(KDK, "Wi-Fi Easy and Secure Key Derivation", 640 bits) split 32/16/32.
inline result<session_keys> derive_keys(bytes_view dh_secret, const nonce& n1,
                                        const mac_address& enrollee, const nonce& n2) noexcept {
    digest dhkey, kdk;
    if (dh_secret.size() != 192 || !crypto::sha256({dh_secret}, dhkey) ||
        !crypto::hmac_sha256(dhkey, {n1, enrollee.bytes(), n2}, kdk))
        return make_error(errc::io, "WSC: key derivation failed");
    std::array<std::uint8_t, 80> k;
    if (!crypto::wsc_kdf(kdk, "Wi-Fi Easy and Secure Key Derivation", k))
        return make_error(errc::io, "WSC: KDF failed");
    session_keys s;
    std::copy_n(k.begin(), 32, s.auth_key.begin());
    std::copy_n(k.begin() + 32, 16, s.key_wrap_key.begin());
    std::copy_n(k.begin() + 48, 32, s.emsk.begin());
    return s;
}

/// @brief PSK1 and PSK2: the first 16 octets of HMAC-SHA-256(AuthKey, each half of the
/// device password's ASCII digits). Nothing when the HMAC fails.
inline std::optional<std::array<half_psk, 2>> password_halves(const session_keys& k,
                                                              std::string_view password) {
    const auto [a, b] = split_pin(password);
    std::array<half_psk, 2> out;
    digest da, db;
    if (!crypto::hmac_sha256(k.auth_key, {as_bytes(a)}, da) ||
        !crypto::hmac_sha256(k.auth_key, {as_bytes(b)}, db))
        return std::nullopt;
    std::copy_n(da.begin(), 16, out[0].begin());
    std::copy_n(db.begin(), 16, out[1].begin());
    return out;
}

/// @brief E-Hash/R-Hash = HMAC-SHA-256(AuthKey, S | PSK | PKE | PKR). Nothing when the HMAC
/// fails.
inline std::optional<digest> commitment(const session_keys& k, const nonce& secret,
                                        const half_psk& psk, bytes_view pke,
                                        bytes_view pkr) noexcept {
    digest d;
    if (!crypto::hmac_sha256(k.auth_key, {secret, psk, pke, pkr}, d)) return std::nullopt;
    return d;
}

/// @brief The Authenticator: the first 8 octets of HMAC-SHA-256(AuthKey, previous message |
/// current message without its Authenticator attribute). Nothing when the HMAC fails.
inline std::optional<std::array<std::uint8_t, 8>> authenticator(const session_keys& k,
                                                                bytes_view previous,
                                                                bytes_view current) noexcept {
    digest d;
    if (!crypto::hmac_sha256(k.auth_key, {previous, current}, d)) return std::nullopt;
    std::array<std::uint8_t, 8> out;
    std::copy_n(d.begin(), 8, out.begin());
    return out;
}
/// @brief Appends the Authenticator over `previous` and what `b` holds so far; false when it
/// could not be computed.
[[nodiscard]] inline bool authenticate(builder& b, const session_keys& k, bytes_view previous) {
    const auto a = authenticator(k, previous, b.bytes());
    if (!a) return false;
    b.raw(attr::authenticator, *a);
    return true;
}
/// @brief Whether `received` ends with a valid Authenticator attribute for `previous`.
inline bool authentic(const session_keys& k, bytes_view previous, bytes_view received) noexcept {
    if (received.size() < 12) return false;
    const bytes_view tail = received.last(12);
    if (load_be16(tail.data()) != attr::authenticator || load_be16(tail.data() + 2) != 8)
        return false;
    const auto a = authenticator(k, previous, received.first(received.size() - 12));
    return a && crypto::equal(*a, tail.subspan(4));
}

/// @brief The Encrypted Settings value: IV | AES-128-CBC(KeyWrapKey, settings | KWA | pad),
/// KWA = the first 8 octets of HMAC-SHA-256(AuthKey, settings).
inline result<std::vector<std::uint8_t>> encrypt_settings(const session_keys& k,
                                                          bytes_view settings,
                                                          const std::array<std::uint8_t, 16>& iv) {
    digest kwa;
    if (!crypto::hmac_sha256(k.auth_key, {settings}, kwa))
        return make_error(errc::io, "WSC: KWA failed");
    std::vector<std::uint8_t> p(settings.begin(), settings.end());
    const std::uint8_t head[4] = {0x10, 0x1e, 0x00, 0x08};
    p.insert(p.end(), head, head + 4);
    p.insert(p.end(), kwa.begin(), kwa.begin() + 8);
    std::vector<std::uint8_t> out(16 + p.size() / 16 * 16 + 16);
    std::copy(iv.begin(), iv.end(), out.begin());
    auto n = crypto::aes128_cbc_encrypt(k.key_wrap_key, iv, p, bytes_span(out).subspan(16));
    if (!n) return n.err();
    out.resize(16 + *n);
    return out;
}
/// @brief Decrypts an Encrypted Settings value and checks its padding and KWA: the settings
/// attributes before the KWA. The rules are wpa_supplicant's (wps_decrypt_encr_settings,
/// wps_process_key_wrap_auth): the IV and at least one block; a pad of n octets of value n,
/// where n may be 0 or exceed a block as long as it fits; the KWA last.
inline result<std::vector<std::uint8_t>> decrypt_settings(const session_keys& k, bytes_view value) {
    if (value.size() < 2 * 16 || value.size() % 16 != 0)
        return make_error(errc::bad_length, "WSC: Encrypted Settings length");
    std::vector<std::uint8_t> p(value.size() - 16);
    auto n = crypto::aes128_cbc_decrypt(k.key_wrap_key, value.first(16), value.subspan(16), p);
    if (!n) return n.err();
    const std::uint8_t pad = p.back();
    if (pad > p.size()) return make_error(errc::bad_value, "WSC: Encrypted Settings padding");
    for (std::size_t i = p.size() - pad; i < p.size(); ++i)
        if (p[i] != pad) return make_error(errc::bad_value, "WSC: Encrypted Settings padding");
    p.resize(p.size() - pad);
    auto r = ieee80211::wps::attribute_range::parse(p);
    if (!r || p.size() < 12)
        return make_error(errc::bad_value, "WSC: Encrypted Settings attributes");
    const bytes_view kwa(p.data() + p.size() - 12, 12);
    if (load_be16(kwa.data()) != attr::key_wrap_authenticator || load_be16(kwa.data() + 2) != 8)
        return make_error(errc::bad_value, "WSC: Key Wrap Authenticator is not last");
    digest d;
    if (!crypto::hmac_sha256(k.auth_key, {bytes_view(p).first(p.size() - 12)}, d) ||
        !crypto::equal(bytes_view(d).first(8), kwa.subspan(4)))
        return make_error(errc::bad_value, "WSC: Key Wrap Authenticator mismatch");
    p.resize(p.size() - 12);
    return p;
}

}  // namespace softmac::wps
