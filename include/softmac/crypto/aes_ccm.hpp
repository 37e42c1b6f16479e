// SPDX-License-Identifier: MIT
/// @file Defines crypto::aes_ccm_key: AES-128-CCM with a 13-octet nonce and an 8-octet tag,
/// CCMP's cipher, the MAC's software cipher (mac::crypto<crypto::aes_ccm_key>).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include <openssl/evp.h>

#include <softmac/core/bytes.hpp>

namespace softmac::crypto {

/// @brief One CCMP key's cipher state: the OpenSSL context is set up once with the key, and each
/// frame re-initialises only the nonce (no allocation, no cipher fetch per frame).
class aes_ccm_key {
  public:
    static constexpr std::size_t nonce_len = 13, tag_len = 8, key_len = 16;

    aes_ccm_key() = default;
    aes_ccm_key(const aes_ccm_key&) = delete;
    aes_ccm_key& operator=(const aes_ccm_key&) = delete;
    aes_ccm_key(aes_ccm_key&& o) noexcept
        : enc_(std::exchange(o.enc_, nullptr)), dec_(std::exchange(o.dec_, nullptr)) {}
    aes_ccm_key& operator=(aes_ccm_key&& o) noexcept {
        std::swap(enc_, o.enc_);
        std::swap(dec_, o.dec_);
        return *this;
    }
    ~aes_ccm_key() { reset(); }

    /// @brief Installs a 16-octet key; false (and no key) when OpenSSL refuses.
    bool set(bytes_view key) noexcept {
        reset();
        if (key.size() != key_len) return false;
        enc_ = setup(key, true);
        dec_ = setup(key, false);
        if (enc_ && dec_) return true;
        reset();
        return false;
    }
    bool valid() const noexcept { return enc_ != nullptr; }
    void reset() noexcept {
        EVP_CIPHER_CTX_free(enc_);
        EVP_CIPHER_CTX_free(dec_);
        enc_ = dec_ = nullptr;
    }

    /// @brief Encrypts `data` in place and writes the 8-octet MIC to `tag`.
    bool encrypt(const std::uint8_t* nonce, bytes_view aad, bytes_span data,
                 std::uint8_t* tag) noexcept {
        int n = 0;
        if (!enc_ || EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, nonce) != 1 ||
            EVP_EncryptUpdate(enc_, nullptr, &n, nullptr, static_cast<int>(data.size())) != 1 ||
            EVP_EncryptUpdate(enc_, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1 ||
            EVP_EncryptUpdate(enc_, data.data(), &n, data.data(), static_cast<int>(data.size())) !=
                1 ||
            EVP_EncryptFinal_ex(enc_, data.data() + n, &n) != 1)
            return false;
        return EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_AEAD_GET_TAG, tag_len, tag) == 1;
    }
    /// @brief Decrypts `data` in place; false when the MIC `tag` does not verify (the data is
    /// then garbage and must be dropped).
    bool decrypt(const std::uint8_t* nonce, bytes_view aad, bytes_span data,
                 const std::uint8_t* tag) noexcept {
        int n = 0;
        std::array<std::uint8_t, tag_len> t;
        std::copy_n(tag, tag_len, t.begin());
        return dec_ && EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_AEAD_SET_TAG, tag_len, t.data()) == 1 &&
               EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, nonce) == 1 &&
               EVP_DecryptUpdate(dec_, nullptr, &n, nullptr, static_cast<int>(data.size())) == 1 &&
               EVP_DecryptUpdate(dec_, nullptr, &n, aad.data(), static_cast<int>(aad.size())) ==
                   1 &&
               EVP_DecryptUpdate(dec_, data.data(), &n, data.data(),
                                 static_cast<int>(data.size())) > 0;
    }

  private:
    static const EVP_CIPHER* cipher() noexcept {
        static EVP_CIPHER* const c = EVP_CIPHER_fetch(nullptr, "AES-128-CCM", nullptr);
        return c;
    }
    static EVP_CIPHER_CTX* setup(bytes_view key, bool enc) noexcept {
        EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
        if (c && EVP_CipherInit_ex(c, cipher(), nullptr, nullptr, nullptr, enc) == 1 &&
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, nonce_len, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, tag_len, nullptr) == 1 &&
            EVP_CipherInit_ex(c, nullptr, nullptr, key.data(), nullptr, enc) == 1)
            return c;
        EVP_CIPHER_CTX_free(c);
        return nullptr;
    }
    EVP_CIPHER_CTX* enc_ = nullptr;
    EVP_CIPHER_CTX* dec_ = nullptr;
};

}  // namespace softmac::crypto
