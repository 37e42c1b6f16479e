// SPDX-License-Identifier: MIT
/// @file Defines what the WPS machines report: registration results and failures, the EAP-WSC
/// exchange's progress and the registrar's PIN and push-button state.
#pragma once

#include <cstdint>
#include <variant>

#include <softmac/core/mac_address.hpp>
#include <softmac/wps/message.hpp>

namespace softmac::wps {

/// @brief The enrollee received M2D: no registrar will enroll it (WPS-M2D).
struct m2d_received {
    std::uint16_t dev_password_id = 0;  ///< M2D has none: always 0, as wpa_supplicant prints
    std::uint16_t config_error = 0;
    device_info registrar{};  ///< what the registrar says of itself in M2D (names, type, methods)
};
/// @brief A registration failed at message type `msg` (WPS-FAIL msg= config_error=).
struct failed {
    std::uint8_t msg = 0;
    std::uint16_t config_error = 0;
};
/// @brief The enrollee decrypted a credential from M8 (WPS-CRED-RECEIVED).
struct credential_received {
    wps::credential cred;
};
/// @brief This side's registration succeeded (WPS-SUCCESS).
struct succeeded {};
/// @brief The registrar enrolled `mac` (WPS-REG-SUCCESS <mac> <UUID-E>).
struct registrar_success {
    mac_address mac;
    uuid uuid_e{};
};
/// @brief An enrollee asked for a PIN the registrar does not have (WPS-PIN-NEEDED).
struct pin_needed {
    uuid uuid_e{};
    mac_address mac;
    device_info dev;
};
/// @brief More than one push-button enrollee in the walk time (WPS-OVERLAP-DETECTED).
struct overlap_detected {};
/// @brief The registrar's push-button mode started (WPS-PBC-ACTIVE) or ended (WPS-PBC-DISABLE).
struct pbc_active {};
struct pbc_disable {};
/// @brief WPS_CANCEL ended what was armed (WPS-CANCEL); the walk time ran out (WPS-TIMEOUT).
struct cancelled {};
struct timed_out {};
/// @brief The enrollee's PIN run started (WPS-PIN-ACTIVE; push-button: pbc_active).
struct pin_active {};
/// @brief The EAP exchange with `peer` started: CTRL-EVENT-EAP-STARTED, on the authenticator
/// with the station's address, on a station as "EAP authentication started".
struct eap_started {
    mac_address peer;
    bool authenticator = false;
};
/// @brief A station's CTRL-EVENT-EAP-STATUS status='started'.
struct eap_status_started {};
/// @brief CTRL-EVENT-EAP-PROPOSED-METHOD vendor=14122 method=1 (the server proposes WSC).
struct eap_proposed_method {};
/// @brief A station's CTRL-EVENT-EAP-METHOD: WSC selected.
struct eap_method_selected {};
/// @brief EAP ended with EAP-Failure, as every WSC exchange does (CTRL-EVENT-EAP-FAILURE).
struct eap_failure {
    mac_address peer;
    bool authenticator = false;
};

using event = std::variant<m2d_received, failed, credential_received, succeeded, registrar_success,
                           pin_needed, overlap_detected, pbc_active, pbc_disable, cancelled,
                           timed_out, pin_active, eap_started, eap_status_started,
                           eap_proposed_method, eap_method_selected, eap_failure>;

}  // namespace softmac::wps
