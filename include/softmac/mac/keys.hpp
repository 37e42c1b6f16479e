// SPDX-License-Identifier: MIT
/// @file Defines the MAC's keys (mac80211's ieee80211_key): cipher state, hardware index, TX PN and
/// per-TID RX PNs, and the software cipher concept.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <optional>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/elements.hpp>

namespace softmac::mac {

/// @brief A software cipher for CCMP: a per-key state set from the key octets, AES-CCM with a
/// 13-octet nonce and an 8-octet MIC, in place (crypto::aes_ccm_key models it).
template <class C>
concept frame_cipher = std::default_initializable<C> && std::movable<C> &&
    requires(C& c, bytes_view key, const std::uint8_t* nonce, bytes_span data, std::uint8_t* tag,
             const std::uint8_t* ctag) {
    { c.set(key) } -> std::same_as<bool>;
    { c.encrypt(nonce, key, data, tag) } -> std::same_as<bool>;
    { c.decrypt(nonce, key, data, ctag) } -> std::same_as<bool>;
};

/// @brief No software cipher: keys can be installed only in a driver that offloads CCMP.
struct no_cipher {
    bool set(bytes_view) noexcept { return false; }
    bool encrypt(const std::uint8_t*, bytes_view, bytes_span, std::uint8_t*) noexcept {
        return false;
    }
    bool decrypt(const std::uint8_t*, bytes_view, bytes_span, const std::uint8_t*) noexcept {
        return false;
    }
};
static_assert(frame_cipher<no_cipher>);

/// @brief A key to install (NEW_KEY): suite, Key ID, the peer of a pairwise key, the key octets
/// and the receive sequence counter (RSC, PN0 first, as EAPOL-Key and NL80211_ATTR_KEY_SEQ
/// carry it).
struct key_params {
    std::uint32_t cipher = ieee80211::suite::ccmp;
    std::uint8_t id = 0;
    std::optional<mac_address> peer;  ///< pairwise key of this station
    bytes_view key;
    bytes_view seq;
};

/// @brief One installed key: the cipher state when the MAC encrypts, the driver's index when it
/// offloads, the last PN sent and the last PN accepted per replay counter (TIDs 0-15, 16 for
/// management frames), and the key's counters.
template <class Cipher>
struct key {
    bool valid = false;
    std::uint8_t id = 0;
    std::int16_t hw_index = -1;
    std::uint8_t len = 0;
    std::uint32_t suite = 0;                  ///< its cipher suite, as NEW_KEY named it
    std::array<std::uint8_t, 32> material{};  ///< kept to recognise a re-install
    std::uint64_t tx_pn = 0;                  ///< the last PN used (the next frame takes +1)
    std::array<std::uint64_t, ieee80211::ccmp::replay_counters> rx_pn{};
    std::uint64_t replays = 0, decrypt_errors = 0;  ///< dot11RSNAStatsCCMP{Replays,DecryptErrors}
    Cipher cipher{};

    /// @brief True when `p` carries this very key (a re-install keeps the PNs: never reuse a PN
    /// under a key, IEEE 802.11 12.5.3.4.4; the KRACK lesson).
    bool same_as(const key_params& p) const noexcept {
        return valid && p.id == id && p.cipher == suite && p.key.size() == len &&
               std::equal(p.key.begin(), p.key.end(), material.begin());
    }
    /// @brief Sets the key octets and the receive counters from the RSC.
    void assign(const key_params& p) noexcept {
        valid = true;
        id = p.id;
        suite = p.cipher;
        len = static_cast<std::uint8_t>(std::min(p.key.size(), material.size()));
        std::copy_n(p.key.begin(), len, material.begin());
        std::uint64_t rsc = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(p.seq.size(), 6); ++i)
            rsc |= std::uint64_t(p.seq[i]) << (8 * i);
        rx_pn.fill(rsc);
    }
    /// @brief The PN of the next frame sent under this key.
    std::uint64_t next_pn() noexcept { return tx_pn = (tx_pn + 1) & ieee80211::ccmp::pn_mask; }
};

/// @brief Keys per interface for group traffic: Key IDs 0-3 (GTKs use 1 and 2).
inline constexpr std::size_t group_keys = 4;

}  // namespace softmac::mac
