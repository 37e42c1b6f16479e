// SPDX-License-Identifier: MIT
/// @file Defines P2P service discovery's ANQP vocabulary: the vendor-specific ANQP element that
/// carries it, service request and response TLVs, protocol types and status codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::ieee80211::anqp {

/// @brief ANQP Info ID of a vendor-specific element (56797).
inline constexpr std::uint16_t vendor_specific = 0xdddd;
/// @brief The Wi-Fi Alliance OUI and the P2P type that open P2P service discovery's element.
inline constexpr std::uint32_t p2p_oui_type = 0x506f9a09;
/// @brief The Advertisement Protocol ID of ANQP.
inline constexpr std::uint8_t protocol_id = 0;
/// @brief An element's Info ID and Length, then P2P's OUI type and Service Update Indicator.
inline constexpr std::size_t header_len = 4, p2p_prefix_len = 6;

/// @brief Service Protocol Types of a service TLV.
namespace service_protocol {
inline constexpr std::uint8_t all = 0, bonjour = 1, upnp = 2, ws_discovery = 3, wifi_display = 4,
                              p2ps = 11, vendor = 255;
}
/// @brief Status Codes of a service response TLV.
namespace service_status {
inline constexpr std::uint8_t success = 0, protocol_not_available = 1, info_not_available = 2,
                              bad_request = 3;
}

/// @brief P2P service discovery's ANQP element read back: the sender's Service Update
/// Indicator and the TLVs.
struct p2p_sd {
    std::uint16_t update_indicator = 0;
    bytes_view tlvs;
};

/// @brief Reads the ANQP element of a query or response as wpa_supplicant does
/// (p2p_rx_gas_initial_req/_resp): a Length of at least the OUI type's 4 octets that fits the
/// query (unchecked in `first_fragment`, the first fragment of a longer response, whose Length
/// counts every fragment), then the indicator and, as TLVs, the rest of the query.
inline result<p2p_sd> parse_p2p_sd(bytes_view query, bool first_fragment = false) noexcept {
    byte_reader r(query);
    const std::uint16_t id = r.le16(), len = r.le16();
    if (!r.ok()) return make_error(errc::truncated, "ANQP element truncated");
    if (id != vendor_specific) return make_error(errc::unsupported, "not a vendor ANQP element");
    if (len < 4) return make_error(errc::bad_length, "ANQP element too short");
    if (!first_fragment && len > r.remaining())
        return make_error(errc::overrun, "ANQP element length overruns the query", 2);
    if (r.be32() != p2p_oui_type)
        return make_error(errc::unsupported, "not a P2P ANQP element", header_len);
    p2p_sd s;
    s.update_indicator = r.le16();
    if (!r.ok()) return make_error(errc::truncated, "ANQP element truncated");
    s.tlvs = r.rest();
    return s;
}

/// @brief Appends the ANQP element carrying `tlvs`; `total` (when larger) is the length of the
/// TLVs of every fragment, for the first fragment of a fragmented response.
inline void put_p2p_sd(std::vector<std::uint8_t>& out, std::uint16_t update_indicator,
                       bytes_view tlvs, std::size_t total = 0) {
    const std::size_t len = p2p_prefix_len + (total > tlvs.size() ? total : tlvs.size());
    const std::uint8_t head[] = {std::uint8_t(vendor_specific & 0xff),
                                 std::uint8_t(vendor_specific >> 8),
                                 std::uint8_t(len & 0xff),
                                 std::uint8_t(len >> 8),
                                 0x50,
                                 0x6f,
                                 0x9a,
                                 0x09,
                                 std::uint8_t(update_indicator & 0xff),
                                 std::uint8_t(update_indicator >> 8)};
    out.insert(out.end(), std::begin(head), std::end(head));
    out.insert(out.end(), tlvs.begin(), tlvs.end());
}

/// @brief One Service Request TLV (`status` unused) or Service Response TLV.
struct service_tlv {
    std::uint8_t protocol = 0, transaction = 0, status = 0;
    bytes_view data;  ///< the Query Data or the Response Data
};

/// @brief The TLVs of a request (`response` false: Length, Protocol, Transaction ID, Query
/// Data) or of a response (Length, Protocol, Transaction ID, Status, Response Data). A single
/// octet left over is ignored, as wpa_supplicant's readers ignore it; any other length that
/// does not fit makes the whole list unreadable.
inline result<std::vector<service_tlv>> parse_service_tlvs(bytes_view tlvs, bool response) {
    std::vector<service_tlv> out;
    const std::size_t fixed = response ? 3 : 2;
    byte_reader r(tlvs);
    while (r.remaining() >= 2) {
        const std::size_t at = r.offset();
        const std::uint16_t len = r.le16();
        if (len < fixed || len > r.remaining())
            return make_error(errc::bad_length, "service TLV length out of range",
                              static_cast<std::uint32_t>(at));
        service_tlv t;
        t.protocol = r.u8();
        t.transaction = r.u8();
        if (response) t.status = r.u8();
        t.data = r.take(len - fixed);
        out.push_back(t);
    }
    return out;
}

/// @brief Appends a Service Request TLV.
inline void put_request_tlv(std::vector<std::uint8_t>& out, std::uint8_t protocol,
                            std::uint8_t transaction, bytes_view query) {
    const std::size_t len = 2 + query.size();
    out.insert(out.end(),
               {std::uint8_t(len & 0xff), std::uint8_t(len >> 8), protocol, transaction});
    out.insert(out.end(), query.begin(), query.end());
}
/// @brief Appends a Service Response TLV.
inline void put_response_tlv(std::vector<std::uint8_t>& out, std::uint8_t protocol,
                             std::uint8_t transaction, std::uint8_t status, bytes_view data) {
    const std::size_t len = 3 + data.size();
    out.insert(out.end(),
               {std::uint8_t(len & 0xff), std::uint8_t(len >> 8), protocol, transaction, status});
    out.insert(out.end(), data.begin(), data.end());
}

}  // namespace softmac::ieee80211::anqp
