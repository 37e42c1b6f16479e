// SPDX-License-Identifier: MIT
/// @file Defines what the RSN handshake machines ask of their surroundings: key installs,
/// events, and the supplicant_context / authenticator_context concepts.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <type_traits>
#include <variant>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/core/scheduler.hpp>
#include <softmac/rsn/keys.hpp>

namespace softmac::rsn {

/// @brief IEEE 802.11 reason codes the handshakes send.
namespace reason {
inline constexpr std::uint16_t unspecified = 1, prev_auth_not_valid = 2, deauth_leaving = 3,
                               fourway_handshake_timeout = 15, group_key_update_timeout = 16,
                               ie_in_4way_differs = 17;
}

/// @brief One key for the data path (nl80211 NEW_KEY): CCMP-128, 16 octets.
struct key_install {
    std::uint32_t cipher = ieee80211::suite::ccmp;
    std::uint8_t key_id = 0;
    bool pairwise = false;
    mac_address peer;  ///< pairwise: the peer; group: the AP (supplicant) or broadcast
    key128 key{};      ///< key material: never log it
    std::array<std::uint8_t, 6> rsc{};  ///< receive sequence counter, PN0 first
    bool tx_default = false;            ///< the default transmit key (the AP's group key)
};

/// @brief Why a handshake ended without keys.
enum class failure : std::uint8_t {
    timeout,                ///< retries exhausted or no EAPOL frame in time
    ie_mismatch,            ///< an RSN element differs from the one in the (re)association
    bad_key_data,           ///< M3 without a usable GTK KDE
    install_failed,         ///< the data path refused a key
    possible_psk_mismatch,  ///< disconnected during the 4-way handshake
};

/// @brief The 4-way handshake with `peer` completed (EAPOL-4WAY-HS-COMPLETED).
struct handshake_completed {
    mac_address peer;
};
/// @brief A group key handshake with `peer` completed (new GTK with `key_id`).
struct group_rekey_completed {
    mac_address peer;
    std::uint8_t key_id = 0;
};
/// @brief An M2 from `peer` failed its MIC (AP-STA-POSSIBLE-PSK-MISMATCH).
struct psk_mismatch {
    mac_address peer;
};
/// @brief The handshake with `peer` failed; `reason_code` is the deauthentication reason
/// sent or received (0 if none).
struct handshake_failed {
    mac_address peer;
    failure why = failure::timeout;
    std::uint16_t reason_code = 0;
};

/// @brief What the machines report.
using event =
    std::variant<handshake_completed, group_rekey_completed, psk_mismatch, handshake_failed>;

/// @name The atomic requirements, one per context member.
/// @{
template <class C>
concept has_send_eapol = requires(C& c, const mac_address& to, bytes_view frame) {
    c.send_eapol(to, frame);
};
template <class C>
concept has_install_key = requires(C& c, const key_install& k) {
    { c.install_key(k) } -> std::same_as<result<void>>;
};
template <class C>
concept has_authorize = requires(C& c, const mac_address& peer) {
    c.authorize(peer, true);
};
template <class C>
concept has_deauthenticate = requires(C& c, const mac_address& peer, std::uint16_t why) {
    c.deauthenticate(peer, why);
};
template <class C>
concept has_emit = requires(C& c, const event& e) {
    c.emit(e);
};
template <class C>
concept has_time = requires(C& c) {
    requires std::is_lvalue_reference_v<decltype(c.time())>;
    requires time_policy<std::remove_cvref_t<decltype(c.time())>>;
};
template <class C>
concept has_group_tx_pn = requires(C& c, std::uint8_t key_id) {
    { c.group_tx_pn(key_id) } -> std::convertible_to<std::uint64_t>;
};
/// @}

/// @brief What rsn::supplicant needs (cf. wpa_supplicant's struct wpa_sm_ctx).
template <class C>
concept supplicant_context = has_send_eapol<C> && has_install_key<C> && has_authorize<C> &&
    has_deauthenticate<C> && has_emit<C> && has_time<C>;

/// @brief What rsn::authenticator needs (cf. hostapd's struct wpa_auth_callbacks): the
/// supplicant's members plus the transmit PN of a group key, for the RSC of M3 and G1.
template <class C>
concept authenticator_context = supplicant_context<C> && has_group_tx_pn<C>;

namespace detail {
/// One readable static_assert per requirement at the class that needs the context.
template <class C, bool NeedPn>
consteval bool check_context() {
    static_assert(has_send_eapol<C>,
                  "softmac: an RSN context must provide send_eapol(const mac_address&, "
                  "bytes_view eapol_frame)");
    static_assert(has_install_key<C>,
                  "softmac: an RSN context must provide result<void> install_key(const "
                  "rsn::key_install&)");
    static_assert(has_authorize<C>,
                  "softmac: an RSN context must provide authorize(const mac_address&, bool)");
    static_assert(has_deauthenticate<C>,
                  "softmac: an RSN context must provide deauthenticate(const mac_address&, "
                  "std::uint16_t reason)");
    static_assert(has_emit<C>, "softmac: an RSN context must provide emit(const rsn::event&)");
    static_assert(has_time<C>,
                  "softmac: an RSN context must provide time(), returning a reference to a "
                  "time policy (virtual_time, real_time)");
    if constexpr (NeedPn)
        static_assert(has_group_tx_pn<C>,
                      "softmac: an authenticator context must provide std::uint64_t "
                      "group_tx_pn(std::uint8_t key_id)");
    return true;
}
}  // namespace detail

}  // namespace softmac::rsn
