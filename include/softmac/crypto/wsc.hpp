// SPDX-License-Identifier: MIT
/// @file Defines the WPS (Wi-Fi Simple Configuration) KDF, DH group 5 and AES-CBC over OpenSSL 3.
#pragma once

#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::crypto {

namespace detail {
/// The SP 800-108 KDF and AES-128-CBC, fetched once per process.
inline EVP_KDF* kbkdf() noexcept {
    static EVP_KDF* const k = EVP_KDF_fetch(nullptr, "KBKDF", nullptr);
    return k;
}
inline EVP_CIPHER* aes128_cbc() noexcept {
    static EVP_CIPHER* const c = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
    return c;
}
/// OpenSSL reads octet-string and UTF-8 parameters only; their parameter types are not const.
inline OSSL_PARAM octets_param(const char* name, bytes_view v) noexcept {
    return OSSL_PARAM_construct_octet_string(name, const_cast<std::uint8_t*>(v.data()), v.size());
}
}  // namespace detail

/// @brief The WSC KDF (WSC 2.0 §7.3): NIST SP 800-108 counter mode with HMAC-SHA-256, blocks
/// HMAC(key, INT32BE(i) | label | INT32BE(8 * out.size())) for i from 1, no separator and no
/// context, truncated to `out.size()` octets. False when OpenSSL fails.
inline bool wsc_kdf(bytes_view key, std::string_view label, bytes_span out) noexcept {
    if (out.empty()) return true;
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(detail::kbkdf());
    if (!ctx) return false;
    int no_separator = 0, with_length = 1;
    char mac[] = "HMAC", digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, mac, 0),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        detail::octets_param(OSSL_KDF_PARAM_KEY, key),
        detail::octets_param(OSSL_KDF_PARAM_SALT, as_bytes(label)),
        // OpenSSL's default puts a zero octet between label and length: WSC has none.
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_SEPARATOR, &no_separator),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_L, &with_length), OSSL_PARAM_END};
    const bool ok = EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
}

/// @brief A Diffie-Hellman key pair of WPS's group 5 (RFC 3526 MODP-1536, g = 2), owning its
/// OpenSSL key. Move-only; a moved-from key has no OpenSSL key and derives nothing.
class dh_group5 {
  public:
    static constexpr std::size_t size = 192;  ///< octets of p, of a public key and of a secret
    using public_value = std::array<std::uint8_t, size>;

    /// @brief A random key pair of the named group "modp_1536".
    static result<dh_group5> generate() noexcept {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
        if (!ctx) return make_error(errc::exhausted, "DH: no key context");
        char group[] = "modp_1536";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0), OSSL_PARAM_END};
        EVP_PKEY* key = nullptr;
        const bool ok = EVP_PKEY_keygen_init(ctx) == 1 &&
                        EVP_PKEY_CTX_set_params(ctx, params) == 1 &&
                        EVP_PKEY_generate(ctx, &key) == 1;
        EVP_PKEY_CTX_free(ctx);
        if (!ok) {
            EVP_PKEY_free(key);
            return make_error(errc::io, "DH: key generation failed");
        }
        dh_group5 k{key};
        BIGNUM* pub = nullptr;
        if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PUB_KEY, &pub) != 1)
            return make_error(errc::io, "DH: no public key");
        const bool padded = BN_bn2binpad(pub, k.pub_.data(), size) == static_cast<int>(size);
        BN_free(pub);
        if (!padded) return make_error(errc::io, "DH: public key too long");
        return k;
    }

    /// @brief The key pair of a given private exponent (big-endian, 1..192 octets, non-zero),
    /// for test vectors and fixed-key peers: the public key is 2^priv mod p.
    static result<dh_group5> from_private(bytes_view priv) noexcept {
        if (priv.empty() || priv.size() > size)
            return make_error(errc::bad_length, "DH: private key must have 1..192 octets");
        BN_CTX* bn_ctx = BN_CTX_new();
        BIGNUM* x = BN_bin2bn(priv.data(), static_cast<int>(priv.size()), nullptr);
        BIGNUM* p = BN_get_rfc3526_prime_1536(nullptr);
        BIGNUM* g = BN_new();
        BIGNUM* y = BN_new();
        OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
        OSSL_PARAM* params = nullptr;
        EVP_PKEY_CTX* ctx = nullptr;
        EVP_PKEY* key = nullptr;
        public_value pub{};
        bool ok = bn_ctx && x && p && g && y && bld && !BN_is_zero(x) && BN_cmp(x, p) < 0 &&
                  BN_set_word(g, 2) == 1 && BN_mod_exp(y, g, x, p, bn_ctx) == 1 &&
                  BN_bn2binpad(y, pub.data(), size) == static_cast<int>(size);
        ok =
            ok &&
            OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "modp_1536", 0) == 1 &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) == 1 &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y) == 1 &&
            (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr &&
            (ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr)) != nullptr &&
            EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) == 1;
        EVP_PKEY_CTX_free(ctx);
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(bld);
        BN_free(y);
        BN_free(g);
        BN_free(p);
        BN_clear_free(x);
        BN_CTX_free(bn_ctx);
        if (!ok) {
            EVP_PKEY_free(key);
            return make_error(errc::bad_value, "DH: private key out of range or import failed");
        }
        dh_group5 k{key};
        k.pub_ = pub;
        return k;
    }

    dh_group5(dh_group5&& o) noexcept : key_(std::exchange(o.key_, nullptr)), pub_(o.pub_) {}
    dh_group5& operator=(dh_group5&& o) noexcept {
        if (this != &o) {
            EVP_PKEY_free(key_);
            key_ = std::exchange(o.key_, nullptr);
            pub_ = o.pub_;
        }
        return *this;
    }
    dh_group5(const dh_group5&) = delete;
    dh_group5& operator=(const dh_group5&) = delete;
    ~dh_group5() { EVP_PKEY_free(key_); }

    /// @brief g^x mod p: 192 octets, big-endian, zero-padded on the left (the WSC Public Key).
    const public_value& public_key() const noexcept { return pub_; }

    /// @brief g^(xy) mod p for the peer's 192-octet public key, always 192 octets (zero-padded on
    /// the left). bad_length for another size; bad_value for a key OpenSSL's peer check rejects
    /// (0, 1, p - 1, p or more, outside the prime-order subgroup).
    result<public_value> shared_secret(bytes_view peer_public) const noexcept {
        if (peer_public.size() != size)
            return make_error(errc::bad_length, "DH: peer public key must be 192 octets");
        if (!key_) return make_error(errc::invalid_state, "DH: no key");
        EVP_PKEY* peer = EVP_PKEY_new();
        if (!peer) return make_error(errc::exhausted, "DH: no peer key");
        if (EVP_PKEY_copy_parameters(peer, key_) != 1 ||
            EVP_PKEY_set1_encoded_public_key(peer, peer_public.data(), peer_public.size()) != 1) {
            EVP_PKEY_free(peer);
            return make_error(errc::bad_value, "DH: peer public key rejected");
        }
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr);
        public_value secret{};
        std::size_t n = secret.size();
        // Without the pad option OpenSSL strips leading zero octets of the secret.
        const bool ready = ctx && EVP_PKEY_derive_init(ctx) == 1 &&
                           EVP_PKEY_CTX_set_dh_pad(ctx, 1) == 1 &&
                           EVP_PKEY_derive_set_peer(ctx, peer) == 1;
        const bool ok = ready && EVP_PKEY_derive(ctx, secret.data(), &n) == 1 && n == size;
        EVP_PKEY_CTX_free(ctx);
        EVP_PKEY_free(peer);
        if (!ready) return make_error(errc::bad_value, "DH: peer public key rejected");
        if (!ok) return make_error(errc::io, "DH: derivation failed");
        return secret;
    }

  private:
    explicit dh_group5(EVP_PKEY* key) noexcept : key_(key) {}

    EVP_PKEY* key_ = nullptr;
    public_value pub_{};
};

namespace detail {
/// One AES-128-CBC pass: with PKCS#5 padding when encrypting, none when decrypting; false unless
/// exactly `n` octets come out.
inline bool aes128_cbc_pass(bool encrypt, bytes_view key, bytes_view iv, bytes_view in,
                            bytes_span out, std::size_t n) noexcept {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return false;
    int len = 0, fin = 0;
    const bool ok =
        EVP_CipherInit_ex2(ctx, aes128_cbc(), key.data(), iv.data(), encrypt ? 1 : 0, nullptr) ==
            1 &&
        EVP_CIPHER_CTX_set_padding(ctx, encrypt ? 1 : 0) == 1 &&
        EVP_CipherUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size())) == 1 &&
        EVP_CipherFinal_ex(ctx, out.data() + len, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok && static_cast<std::size_t>(len) + static_cast<std::size_t>(fin) == n;
}
}  // namespace detail

/// @brief AES-128-CBC with PKCS#5 padding (always 1..16 octets: a plaintext that is a multiple
/// of 16 gets a whole pad block), as WSC Encrypted Settings require. Writes
/// plain.size() / 16 * 16 + 16 octets to `out` and returns that length.
inline result<std::size_t> aes128_cbc_encrypt(bytes_view key, bytes_view iv, bytes_view plain,
                                              bytes_span out) noexcept {
    if (key.size() != 16 || iv.size() != 16)
        return make_error(errc::bad_length, "AES-CBC: key and IV must be 16 octets");
    if (plain.size() > INT_MAX - 16) return make_error(errc::bad_length, "AES-CBC: input too long");
    const std::size_t n = plain.size() / 16 * 16 + 16;
    if (out.size() < n) return make_error(errc::no_space, "AES-CBC: output too small");
    if (!detail::aes128_cbc_pass(true, key, iv, plain, out, n))
        return make_error(errc::io, "AES-CBC: encryption failed");
    return n;
}

/// @brief AES-128-CBC decryption of a non-zero multiple of 16 octets into `out`, padding left in
/// place (the caller checks the pad and the Key Wrap Authenticator). Returns cipher.size().
inline result<std::size_t> aes128_cbc_decrypt(bytes_view key, bytes_view iv, bytes_view cipher,
                                              bytes_span out) noexcept {
    if (key.size() != 16 || iv.size() != 16)
        return make_error(errc::bad_length, "AES-CBC: key and IV must be 16 octets");
    if (cipher.empty() || cipher.size() % 16 != 0 || cipher.size() > INT_MAX - 16)
        return make_error(errc::bad_length, "AES-CBC: input not a non-zero multiple of 16");
    if (out.size() < cipher.size()) return make_error(errc::no_space, "AES-CBC: output too small");
    if (!detail::aes128_cbc_pass(false, key, iv, cipher, out, cipher.size()))
        return make_error(errc::io, "AES-CBC: decryption failed");
    return cipher.size();
}

}  // namespace softmac::crypto
