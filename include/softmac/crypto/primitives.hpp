// SPDX-License-Identifier: MIT
/// @file Defines key primitives over OpenSSL 3: SHA, HMAC, PRF-SHA1, PSK, AES key wrap, random.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::crypto {

using psk = std::array<std::uint8_t, 32>;  ///< PMK of WPA2-PSK

namespace detail {
/// The HMAC implementation, fetched once per process (EVP_Q_mac would fetch on every call).
inline EVP_MAC* hmac() noexcept {
    static EVP_MAC* const m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return m;
}
/// The SHA-1 and SHA-256 digests, fetched once per process.
inline EVP_MD* sha1_md() noexcept {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    return md;
}
inline EVP_MD* sha256_md() noexcept {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

/// @brief HMAC with the named digest over the concatenation of `parts`; `out` must be exactly the
/// digest length. False when OpenSSL fails.
inline bool hmac_into(const char* digest, bytes_view key, std::initializer_list<bytes_view> parts,
                      bytes_span out) noexcept {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac());
    if (!ctx) return false;
    // OpenSSL reads the digest name only; its parameter type is not const.
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_END};
    bool ok = EVP_MAC_init(ctx, key.data(), key.size(), params) == 1;
    for (const auto p : parts) ok = ok && EVP_MAC_update(ctx, p.data(), p.size()) == 1;
    std::size_t n = 0;
    ok = ok && EVP_MAC_final(ctx, out.data(), &n, out.size()) == 1 && n == out.size();
    EVP_MAC_CTX_free(ctx);
    return ok;
}

/// @brief The digest `md` of the concatenation of `parts`; `out` must be exactly its length.
inline bool digest_into(const EVP_MD* md, std::initializer_list<bytes_view> parts,
                        bytes_span out) noexcept {
    if (!md) return false;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) return false;
    bool ok = EVP_DigestInit_ex(ctx, md, nullptr) == 1;
    for (const auto p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
    unsigned int n = 0;
    ok = ok && static_cast<std::size_t>(EVP_MD_get_size(md)) == out.size() &&
         EVP_DigestFinal_ex(ctx, out.data(), &n) == 1 && n == out.size();
    EVP_MD_CTX_free(ctx);
    return ok;
}
}  // namespace detail

/// @brief HMAC-SHA1 over the concatenation of `parts`; false when OpenSSL fails.
inline bool hmac_sha1(bytes_view key, std::initializer_list<bytes_view> parts,
                      std::array<std::uint8_t, 20>& out) noexcept {
    return detail::hmac_into("SHA1", key, parts, out);
}

/// @brief HMAC-SHA-256 over the concatenation of `parts` (WPS); false when OpenSSL fails.
inline bool hmac_sha256(bytes_view key, std::initializer_list<bytes_view> parts,
                        std::array<std::uint8_t, 32>& out) noexcept {
    return detail::hmac_into("SHA256", key, parts, out);
}

/// @brief SHA-1 of the concatenation of `parts`; false when OpenSSL fails.
inline bool sha1(std::initializer_list<bytes_view> parts,
                 std::array<std::uint8_t, 20>& out) noexcept {
    return detail::digest_into(detail::sha1_md(), parts, out);
}

/// @brief SHA-256 of the concatenation of `parts`; false when OpenSSL fails.
inline bool sha256(std::initializer_list<bytes_view> parts,
                   std::array<std::uint8_t, 32>& out) noexcept {
    return detail::digest_into(detail::sha256_md(), parts, out);
}

/// @brief PRF-n of IEEE 802.11 (12.7.1.2): HMAC-SHA1(K, A | 0 | B | i) blocks, i from 0,
/// truncated to `out.size()` octets. `label` is A without its terminating zero.
inline bool prf_sha1(bytes_view key, std::string_view label, bytes_view data,
                     bytes_span out) noexcept {
    const std::uint8_t zero = 0;
    std::size_t done = 0;
    for (std::uint8_t i = 0; done < out.size(); ++i) {
        std::array<std::uint8_t, 20> block;
        const bytes_view a{reinterpret_cast<const std::uint8_t*>(label.data()), label.size()};
        if (!hmac_sha1(key, {a, bytes_view{&zero, 1}, data, bytes_view{&i, 1}}, block))
            return false;
        const std::size_t n = std::min(block.size(), out.size() - done);
        std::copy_n(block.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
        done += n;
    }
    return true;
}

/// @brief The WPA2-PSK PMK: a 64-hex-digit passphrase is the PSK itself; otherwise
/// PBKDF2-HMAC-SHA1(passphrase, SSID, 4096, 32) for 8..63 printable ASCII characters.
inline result<psk> psk_from_passphrase(std::string_view passphrase, bytes_view ssid) noexcept {
    psk out{};
    if (passphrase.size() == 64) {
        if (!from_hex(passphrase, out))
            return make_error(errc::bad_value, "PSK is not 64 hex digits");
        return out;
    }
    if (passphrase.size() < 8 || passphrase.size() > 63)
        return make_error(errc::bad_length, "passphrase must have 8..63 characters");
    for (char c : passphrase)
        if (c < 32 || c > 126)
            return make_error(errc::bad_value, "passphrase is not printable ASCII");
    if (ssid.empty() || ssid.size() > 32) return make_error(errc::bad_length, "SSID length");
    if (PKCS5_PBKDF2_HMAC(passphrase.data(), static_cast<int>(passphrase.size()), ssid.data(),
                          static_cast<int>(ssid.size()), 4096, EVP_sha1(), 32, out.data()) != 1)
        return make_error(errc::io, "PBKDF2 failed");
    return out;
}

/// @brief RFC 3394 AES key wrap (64-bit ICV A6..A6) of `plain` (a multiple of 8, at least 16
/// octets) under a 16-octet KEK into `out` (plain.size() + 8 octets).
inline result<std::size_t> aes_wrap(bytes_view kek, bytes_view plain, bytes_span out,
                                    bool unwrap = false) noexcept {
    const std::size_t n = unwrap ? plain.size() - 8 : plain.size() + 8;
    if (kek.size() != 16) return make_error(errc::bad_length, "key wrap: KEK must be 16 octets");
    if (plain.size() % 8 != 0 || plain.size() < (unwrap ? 24u : 16u))
        return make_error(errc::bad_length, "key wrap: input not a multiple of 8 of at least 16");
    if (out.size() < n) return make_error(errc::no_space, "key wrap: output too small");
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return make_error(errc::exhausted, "key wrap: no cipher context");
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    int len = 0, fin = 0;
    const bool ok =
        EVP_CipherInit_ex(ctx, EVP_aes_128_wrap(), nullptr, kek.data(), nullptr, unwrap ? 0 : 1) ==
            1 &&
        EVP_CipherUpdate(ctx, out.data(), &len, plain.data(), static_cast<int>(plain.size())) > 0 &&
        EVP_CipherFinal_ex(ctx, out.data() + len, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok || static_cast<std::size_t>(len + fin) != n)
        return make_error(errc::bad_value,
                          unwrap ? "key unwrap: integrity check failed" : "key wrap failed");
    return n;
}
/// @brief RFC 3394 unwrap: `wrapped.size() - 8` octets into `out`; bad_value when the ICV fails.
inline result<std::size_t> aes_unwrap(bytes_view kek, bytes_view wrapped, bytes_span out) noexcept {
    return aes_wrap(kek, wrapped, out, true);
}

/// @brief Octets from OpenSSL's CSPRNG (nonces, GTKs, passphrases).
inline bool random_bytes(bytes_span out) noexcept {
    return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

/// @brief Constant-time comparison of equal-length octet strings (MICs).
inline bool equal(bytes_view a, bytes_view b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace softmac::crypto
