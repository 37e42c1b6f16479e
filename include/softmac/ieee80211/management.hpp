// SPDX-License-Identifier: MIT
/// @file Defines typed views and builders for management frame bodies, action and public action
/// frames, GAS.
#pragma once

#include <cstdint>
#include <optional>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/header.hpp>

namespace softmac::ieee80211 {

/// @brief Capability Information bits.
namespace capab {
inline constexpr std::uint16_t ess = 0x0001, ibss = 0x0002, privacy = 0x0010,
                               short_preamble = 0x0020, spectrum_mgmt = 0x0100, qos = 0x0200,
                               short_slot = 0x0400, radio_measurement = 0x1000;
}

/// @brief Authentication algorithms.
namespace auth_alg {
inline constexpr std::uint16_t open = 0, shared_key = 1, fast_bss = 2, sae = 3, fils_sk = 4,
                               fils_sk_pfs = 5, fils_pk = 6;
}

/// @brief Action categories.
namespace category {
inline constexpr std::uint8_t spectrum = 0, qos = 1, block_ack = 3, public_action = 4,
                              radio_measurement = 5, ht = 7, sa_query = 8, protected_public = 9,
                              wnm = 10, vht = 21, vendor_protected = 126, vendor = 127;
}
/// @brief Public action codes used here.
namespace public_code {
inline constexpr std::uint8_t vendor_specific = 9, gas_initial_req = 10, gas_initial_resp = 11,
                              gas_comeback_req = 12, gas_comeback_resp = 13;
}

/// @brief Fixed fields of a management body plus its validated elements.
struct mgmt_body {
    std::uint64_t timestamp = 0;                          ///< beacon, probe response
    std::uint16_t beacon_interval = 0;                    ///< beacon, probe response (TU)
    std::uint16_t capabilities = 0;                       ///< beacon, probe response, (re)assoc
    std::uint16_t listen_interval = 0;                    ///< (re)assoc request
    mac_address current_ap;                               ///< reassoc request
    std::uint16_t status = 0;                             ///< auth, (re)assoc response
    std::uint16_t aid = 0;                                ///< (re)assoc response
    std::uint16_t reason = 0;                             ///< deauth, disassoc
    std::uint16_t auth_algorithm = 0, auth_sequence = 0;  ///< auth
    bytes_view opaque;  ///< body softmac does not split into elements (SAE, ciphertext)
    element_range elements;
};

/// @brief Length of the fixed fields before the elements of a non-action management subtype.
constexpr std::optional<std::size_t> mgmt_fixed_length(frame_control fc) noexcept {
    switch (fc.subtype()) {
        case mgmt_subtype::beacon:
        case mgmt_subtype::probe_resp:
            return 12;  // timestamp, interval, capabilities
        case mgmt_subtype::probe_req:
        case mgmt_subtype::atim:
            return 0;
        case mgmt_subtype::assoc_req:
            return 4;  // capabilities, listen interval
        case mgmt_subtype::reassoc_req:
            return 10;  // + current AP
        case mgmt_subtype::assoc_resp:
        case mgmt_subtype::reassoc_resp:
        case mgmt_subtype::auth:
            return 6;
        case mgmt_subtype::deauth:
        case mgmt_subtype::disassoc:
            return 2;
        case mgmt_subtype::timing_adv:
            return 10;
        default:
            return std::nullopt;
    }
}

/// @brief Parses the fixed fields and elements of a non-action management frame.
inline result<mgmt_body> parse_mgmt_body(frame_control fc, bytes_view body) noexcept {
    mgmt_body m;
    if (fc.has(frame_control::protected_frame)) {
        m.opaque = body;  // encrypted: nothing structural to check
        return m;
    }
    const auto fixed = mgmt_fixed_length(fc);
    if (!fixed) return make_error(errc::unsupported, "not a non-action management subtype");
    if (body.size() < *fixed)
        return make_error(errc::truncated, "management fixed fields truncated", body.size());
    const std::uint8_t* p = body.data();
    switch (fc.subtype()) {
        case mgmt_subtype::beacon:
        case mgmt_subtype::probe_resp:
            m.timestamp = load_le64(p);
            m.beacon_interval = load_le16(p + 8);
            m.capabilities = load_le16(p + 10);
            break;
        case mgmt_subtype::reassoc_req:
            m.current_ap = mac_address::from(p + 4);
            [[fallthrough]];
        case mgmt_subtype::assoc_req:
            m.capabilities = load_le16(p);
            m.listen_interval = load_le16(p + 2);
            break;
        case mgmt_subtype::assoc_resp:
        case mgmt_subtype::reassoc_resp:
            m.capabilities = load_le16(p);
            m.status = load_le16(p + 2);
            m.aid = load_le16(p + 4);
            break;
        case mgmt_subtype::auth:
            m.auth_algorithm = load_le16(p);
            m.auth_sequence = load_le16(p + 2);
            m.status = load_le16(p + 4);
            if (m.auth_algorithm > auth_alg::fast_bss) {
                m.opaque = body.subspan(6);  // SAE/FILS bodies are not element sequences
                return m;
            }
            break;
        case mgmt_subtype::deauth:
        case mgmt_subtype::disassoc:
            m.reason = load_le16(p);
            break;
        case mgmt_subtype::timing_adv:
            m.timestamp = load_le64(p);
            m.capabilities = load_le16(p + 8);
            break;
        default:
            break;  // probe request, ATIM: no fixed fields
    }
    auto el = element_range::parse(body.subspan(*fixed));
    if (!el) return error{el.err().code, std::uint32_t(*fixed + el.err().offset), el.err().what};
    m.elements = *el;
    return m;
}

/// @brief An action frame: category, action code and the rest.
struct action_body {
    std::uint8_t category = 0;
    std::uint8_t code = 0;  ///< action code (public, most categories); first OUI octet for vendor
    bytes_view rest;        ///< after the action code

    static result<action_body> parse(bytes_view body) noexcept {
        if (body.size() < 2)
            return make_error(errc::truncated, "action frame without category and action");
        return action_body{body[0], body[1], body.subspan(2)};
    }
};

/// @brief A vendor-specific action with OUI type, subtype and dialog token, then elements:
/// the shape of P2P public action (4/9) and P2P action (127) frames.
struct vendor_action {
    std::uint32_t oui_type = 0;
    std::uint8_t subtype = 0;
    std::uint8_t dialog_token = 0;
    element_range elements;

    /// @param body the whole action body starting at the category
    static result<vendor_action> parse(bytes_view body) noexcept {
        std::size_t off = 0;
        if (body.size() >= 1 && body[0] == category::public_action)
            off = 2;
        else if (body.size() >= 1 && body[0] == category::vendor)
            off = 1;
        else
            return make_error(errc::bad_value, "not a vendor-specific action");
        if (body.size() < off + 6)
            return make_error(errc::truncated, "vendor action header truncated", body.size());
        vendor_action v{load_be32(body.data() + off), body[off + 4], body[off + 5], {}};
        auto el = element_range::parse(body.subspan(off + 6));
        if (!el)
            return error{el.err().code, std::uint32_t(off + 6 + el.err().offset), el.err().what};
        v.elements = *el;
        return v;
    }
};

/// @brief GAS public action frames (initial/comeback request/response).
struct gas_frame {
    std::uint8_t code = 0;
    std::uint8_t dialog_token = 0;
    std::uint16_t status = 0;
    std::uint8_t fragment_id = 0;  ///< comeback response: bits 6..0; bit 7 = more fragments
    std::uint16_t comeback_delay = 0;
    bytes_view advertisement_protocol;  ///< element body
    bytes_view query;

    /// @param body the whole action body starting at the category
    static result<gas_frame> parse(bytes_view body) noexcept {
        if (body.size() < 2 || body[0] != category::public_action ||
            body[1] < public_code::gas_initial_req || body[1] > public_code::gas_comeback_resp)
            return make_error(errc::bad_value, "not a GAS frame");
        gas_frame g;
        g.code = body[1];
        byte_reader r(body.subspan(2));
        g.dialog_token = r.u8();
        if (g.code == public_code::gas_comeback_req) {
            if (!r.ok()) return make_error(errc::truncated, "GAS frame truncated");
            return g;
        }
        if (g.code != public_code::gas_initial_req) g.status = r.le16();
        if (g.code == public_code::gas_comeback_resp) g.fragment_id = r.u8();
        if (g.code != public_code::gas_initial_req) g.comeback_delay = r.le16();
        const std::uint8_t id = r.u8(), len = r.u8();
        g.advertisement_protocol = r.take(len);
        if (!r.ok()) return make_error(errc::truncated, "GAS frame truncated", 2 + r.offset());
        if (id != eid::advertisement_protocol)
            return make_error(errc::bad_value, "GAS without Advertisement Protocol element");
        const std::uint16_t qlen = r.le16();
        g.query = r.take(qlen);
        if (!r.ok())
            return make_error(errc::overrun, "GAS query length overruns the frame", 2 + r.offset());
        return g;
    }
};

// ----------------------------------------------------------------------------------------------
// Builders: header plus fixed fields; elements follow through ieee80211::put.

/// @brief A management header from DA, SA and BSSID.
inline void write_mgmt_header(byte_writer& w, std::uint8_t subtype, const mac_address& da,
                              const mac_address& sa, const mac_address& bssid,
                              std::uint16_t seq = 0, std::uint16_t duration = 0) noexcept {
    write_header(w, {frame_control::make(frame_type::management, subtype), duration, da, sa, bssid,
                     sequence_control::make(seq, 0)});
}
inline void write_beacon_fixed(byte_writer& w, std::uint64_t timestamp, std::uint16_t interval_tu,
                               std::uint16_t capabilities) noexcept {
    w.le64(timestamp).le16(interval_tu).le16(capabilities);
}
inline void write_auth_fixed(byte_writer& w, std::uint16_t alg, std::uint16_t seq,
                             std::uint16_t status) noexcept {
    w.le16(alg).le16(seq).le16(status);
}
inline void write_assoc_req_fixed(byte_writer& w, std::uint16_t capabilities,
                                  std::uint16_t listen_interval) noexcept {
    w.le16(capabilities).le16(listen_interval);
}
inline void write_reassoc_req_fixed(byte_writer& w, std::uint16_t capabilities,
                                    std::uint16_t listen_interval,
                                    const mac_address& current_ap) noexcept {
    w.le16(capabilities).le16(listen_interval).raw(current_ap.bytes());
}
inline void write_assoc_resp_fixed(byte_writer& w, std::uint16_t capabilities, std::uint16_t status,
                                   std::uint16_t aid) noexcept {
    w.le16(capabilities).le16(status).le16(static_cast<std::uint16_t>(aid | 0xc000));
}
inline void write_reason(byte_writer& w, std::uint16_t reason) noexcept { w.le16(reason); }
/// @brief Category 4, action 9 (or category 127), OUI type, subtype, dialog token.
inline void write_vendor_action(byte_writer& w, bool public_action, std::uint32_t oui_type,
                                std::uint8_t subtype, std::uint8_t dialog_token) noexcept {
    if (public_action)
        w.u8(category::public_action).u8(public_code::vendor_specific);
    else
        w.u8(category::vendor);
    w.be32(oui_type).u8(subtype).u8(dialog_token);
}
/// @brief GAS Initial Request with an ANQP advertisement protocol and the given query.
inline void write_gas_initial_req(byte_writer& w, std::uint8_t dialog_token,
                                  bytes_view query) noexcept {
    w.u8(category::public_action).u8(public_code::gas_initial_req).u8(dialog_token);
    w.u8(eid::advertisement_protocol).u8(2).u8(0x00).u8(0x00);
    w.le16(static_cast<std::uint16_t>(query.size())).raw(query);
}
/// @brief GAS Initial Response.
inline void write_gas_initial_resp(byte_writer& w, std::uint8_t dialog_token, std::uint16_t status,
                                   std::uint16_t comeback_delay, bytes_view response) noexcept {
    w.u8(category::public_action).u8(public_code::gas_initial_resp).u8(dialog_token);
    w.le16(status).le16(comeback_delay);
    w.u8(eid::advertisement_protocol).u8(2).u8(0x7f).u8(0x00);
    w.le16(static_cast<std::uint16_t>(response.size())).raw(response);
}

/// @brief GAS Comeback Request: the dialog token only.
inline void write_gas_comeback_req(byte_writer& w, std::uint8_t dialog_token) noexcept {
    w.u8(category::public_action).u8(public_code::gas_comeback_req).u8(dialog_token);
}
/// @brief GAS Comeback Response carrying fragment `fragment_id` of a response, `more` when
/// fragments follow.
inline void write_gas_comeback_resp(byte_writer& w, std::uint8_t dialog_token, std::uint16_t status,
                                    std::uint8_t fragment_id, bool more,
                                    std::uint16_t comeback_delay, bytes_view response) noexcept {
    w.u8(category::public_action).u8(public_code::gas_comeback_resp).u8(dialog_token);
    w.le16(status).u8(static_cast<std::uint8_t>((fragment_id & 0x7f) | (more ? 0x80 : 0)));
    w.le16(comeback_delay);
    w.u8(eid::advertisement_protocol).u8(2).u8(0x7f).u8(0x00);
    w.le16(static_cast<std::uint16_t>(response.size())).raw(response);
}

}  // namespace softmac::ieee80211
