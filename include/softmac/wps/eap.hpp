// SPDX-License-Identifier: MIT
/// @file Defines EAP-WSC framing (EAP over EAPOL, the WFA expanded type): parse, build,
/// fragment and reassemble.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::wps::eap {

/// @brief EAP Codes (RFC 3748).
namespace code {
inline constexpr std::uint8_t request = 1, response = 2, success = 3, failure = 4;
}

/// @brief EAP method Types used here.
namespace method {
inline constexpr std::uint8_t identity = 1, expanded = 254;
}

/// @brief The expanded type of EAP-WSC: Vendor-Id (WFA SMI 14122) and Vendor-Type SimpleConfig.
inline constexpr std::uint32_t wfa_vendor = 0x00372a, simple_config = 1;

/// @brief EAP-WSC Op-Codes.
namespace op {
inline constexpr std::uint8_t start = 1,  ///< WSC_Start, no payload (server to enrollee)
    ack = 2,                              ///< WSC_ACK
    nack = 3,                             ///< WSC_NACK
    msg = 4,                              ///< WSC_MSG: M1..M8, M2D
    done = 5,                             ///< WSC_Done
    frag_ack = 6;                         ///< WSC_FRAG_ACK, acknowledges one fragment
}  // namespace op

/// @brief EAP-WSC Flags.
namespace flag {
inline constexpr std::uint8_t more = 0x01,  ///< MF: more fragments follow
    length = 0x02;                          ///< LF: a 2-octet Message Length follows the Flags
}  // namespace flag

/// @brief EAP-Response/Identity values that select WSC (sent without a terminating NUL).
inline constexpr std::string_view enrollee_identity = "WFA-SimpleConfig-Enrollee-1-0",
                                  registrar_identity = "WFA-SimpleConfig-Registrar-1-0";

/// @brief The largest Message Length a receiver accepts (hostap's limit).
inline constexpr std::size_t max_message = 50000;
/// @brief Fragment budgets (Op-Code, Flags, Message Length and data): wpa_supplicant's peer
/// default and hostapd's EAP server WSC_FRAGMENT_SIZE.
inline constexpr std::size_t peer_fragment_size = 1398, server_fragment_size = 1400;
/// @brief The smallest budget a fragmenter uses: Op-Code, Flags, Message Length, one octet.
inline constexpr std::size_t min_fragment_size = 5;

/// @brief Octets before the data: EAP header 4 + Type 1 + Vendor-Id 3 + Vendor-Type 4 +
/// Op-Code 1 + Flags 1.
inline constexpr std::size_t wsc_header_size = 14;

/// @brief An EAP packet; the view points into the buffer given to parse().
struct packet {
    std::uint8_t code, id;
    std::uint8_t type;  ///< 0 for Success and Failure
    bytes_view data;    ///< the octets after the Type octet, up to the EAP Length
};

/// @brief Parses an EAP packet from its Code octet. The Length field must fit the buffer;
/// octets after Length are ignored. Request and Response need a Type octet, Success and
/// Failure are exactly 4 octets, other Codes are rejected.
inline result<packet> parse(bytes_view eap) noexcept {
    if (eap.size() < 4) return make_error(errc::truncated, "EAP header shorter than 4 octets");
    const std::size_t length = load_be16(eap.data() + 2);
    if (length > eap.size()) return make_error(errc::overrun, "EAP Length overruns the buffer", 2);
    if (length < 4) return make_error(errc::bad_length, "EAP Length shorter than its header", 2);
    packet p{eap[0], eap[1], 0, {}};
    switch (p.code) {
        case code::request:
        case code::response:
            if (length < 5)
                return make_error(errc::bad_length, "EAP Request/Response without a Type", 2);
            p.type = eap[4];
            p.data = eap.subspan(5, length - 5);
            return p;
        case code::success:
        case code::failure:
            if (length != 4)
                return make_error(errc::bad_length, "EAP Success/Failure is not 4 octets", 2);
            return p;
        default:
            return make_error(errc::bad_value, "unknown EAP Code", 0);
    }
}

/// @brief The EAP-WSC part of an EAP packet; the view points into the packet's buffer.
struct wsc {
    std::uint8_t op, flags;
    std::uint16_t message_length;  ///< 0 when LF is clear
    bytes_view data;               ///< the message, or the fragment of it, this packet carries
};

/// @brief Reads the expanded type header (WFA, SimpleConfig), Op-Code 1..6, Flags and, when
/// LF is set, Message Length. Error offsets count from the EAP Code octet. Message Length is
/// not range-checked here; the reassembler does that.
inline result<wsc> parse_wsc(const packet& p) noexcept {
    if (p.type != method::expanded)
        return make_error(errc::unsupported, "EAP Type is not expanded (254)", 4);
    const bytes_view d = p.data;
    if (d.size() < 9) return make_error(errc::truncated, "EAP-WSC header truncated", 5 + d.size());
    const std::uint32_t vendor = std::uint32_t(d[0]) << 16 | std::uint32_t(d[1]) << 8 | d[2];
    if (vendor != wfa_vendor)
        return make_error(errc::unsupported, "EAP expanded Vendor-Id is not WFA", 5);
    if (load_be32(d.data() + 3) != simple_config)
        return make_error(errc::unsupported, "EAP expanded Vendor-Type is not SimpleConfig", 8);
    wsc w{d[7], d[8], 0, d.subspan(9)};
    if (w.op < op::start || w.op > op::frag_ack)
        return make_error(errc::bad_value, "unknown EAP-WSC Op-Code", 12);
    if (w.flags & flag::length) {
        if (w.data.size() < 2)
            return make_error(errc::truncated, "EAP-WSC Message Length truncated", 14);
        w.message_length = load_be16(w.data.data());
        w.data = w.data.subspan(2);
    }
    return w;
}

/// @brief Parses an EAPOL frame (from the Protocol Version octet) carrying an EAP-Packet: the
/// body length must fit the buffer, octets after the body are ignored. Error offsets count
/// from the EAPOL header.
inline result<packet> parse_eapol(bytes_view eapol) noexcept {
    if (eapol.size() < 4) return make_error(errc::truncated, "EAPOL header shorter than 4 octets");
    if (eapol[1] != 0) return make_error(errc::bad_value, "EAPOL packet is not an EAP-Packet", 1);
    const std::size_t body = load_be16(eapol.data() + 2);
    if (body > eapol.size() - 4)
        return make_error(errc::overrun, "EAPOL body length overruns the frame", 2);
    auto p = parse(eapol.subspan(4, body));
    if (!p) {
        error e = p.err();
        e.offset += 4;
        return e;
    }
    return p;
}

namespace detail {
/// Starts an EAPOL EAP-Packet frame whose EAP packet is `eap_length` octets.
inline std::vector<std::uint8_t> eapol_frame(std::uint8_t eapol_version, std::uint8_t eap_code,
                                             std::uint8_t id, std::size_t eap_length) {
    std::vector<std::uint8_t> f(4 + eap_length);
    byte_writer w(f);
    const auto len = static_cast<std::uint16_t>(eap_length);
    w.u8(eapol_version).u8(0).be16(len).u8(eap_code).u8(id).be16(len);
    f.resize(w.size());
    return f;
}
inline void append(std::vector<std::uint8_t>& f, bytes_view b) {
    f.insert(f.end(), b.begin(), b.end());
}
}  // namespace detail

/// @name Builders of whole EAPOL frames (EAPOL header with type 0, then the EAP packet).
/// hostapd sends EAPOL version 2, wpa_supplicant version 1.
/// @{

/// @brief EAP-Request/Identity, no type data.
inline std::vector<std::uint8_t> eapol_identity_request(std::uint8_t eapol_version,
                                                        std::uint8_t id) {
    auto f = detail::eapol_frame(eapol_version, code::request, id, 5);
    f.push_back(method::identity);
    return f;
}

/// @brief EAP-Response/Identity carrying `identity` without a NUL.
/// @pre identity.size() <= 0xffff - 5
inline std::vector<std::uint8_t> eapol_identity_response(std::uint8_t eapol_version,
                                                         std::uint8_t id,
                                                         std::string_view identity) {
    auto f = detail::eapol_frame(eapol_version, code::response, id, 5 + identity.size());
    f.push_back(method::identity);
    detail::append(f, as_bytes(identity));
    return f;
}

/// @brief An EAP-WSC Request or Response; Message Length is written only when `flags` has LF.
/// @pre data.size() <= 0xffff - 16
inline std::vector<std::uint8_t> eapol_wsc(std::uint8_t eapol_version, std::uint8_t eap_code,
                                           std::uint8_t id, std::uint8_t wsc_op, std::uint8_t flags,
                                           std::uint16_t message_length, bytes_view data) {
    const std::size_t lf = (flags & flag::length) ? 2 : 0;
    auto f = detail::eapol_frame(eapol_version, eap_code, id, wsc_header_size + lf + data.size());
    const std::uint8_t header[] = {method::expanded,
                                   std::uint8_t(wfa_vendor >> 16),
                                   std::uint8_t(wfa_vendor >> 8),
                                   std::uint8_t(wfa_vendor),
                                   0,
                                   0,
                                   0,
                                   std::uint8_t(simple_config),
                                   wsc_op,
                                   flags,
                                   std::uint8_t(message_length >> 8),
                                   std::uint8_t(message_length)};
    detail::append(f, bytes_view(header).first(10 + lf));
    detail::append(f, data);
    return f;
}

/// @brief EAP-Failure, which ends every WSC exchange.
inline std::vector<std::uint8_t> eapol_failure(std::uint8_t eapol_version, std::uint8_t id) {
    return detail::eapol_frame(eapol_version, code::failure, id, 4);
}

/// @brief EAPOL-Start (no body).
inline std::vector<std::uint8_t> eapol_start(std::uint8_t eapol_version) {
    return {eapol_version, 1, 0, 0};
}
/// @}

/// @brief Splits one outgoing WSC message into EAP-WSC payloads as hostap does: a message is
/// fragmented when 2 + remaining > fragment size, the budget covering Op-Code, Flags, Message
/// Length and data. The first fragment carries MF|LF and Message Length, middle ones MF, the
/// last none; an unfragmented message has Flags 0 and no Message Length.
class fragmenter {
  public:
    /// @brief A payload to send; `data` points into the fragmenter.
    struct piece {
        std::uint8_t op, flags;
        std::uint16_t message_length;  ///< 0 unless flags has LF
        bytes_view data;
    };

    /// @pre message.size() <= 0xffff. A fragment size below min_fragment_size is raised to it.
    fragmenter(std::uint8_t wsc_op, std::vector<std::uint8_t> message,
               std::size_t fragment_size) noexcept
        : message_(std::move(message)),
          fragment_size_(std::max(fragment_size, min_fragment_size)),
          op_(wsc_op) {}

    /// @brief True once the last piece has been handed out.
    bool done() const noexcept { return done_; }
    /// @brief The budget in use (at least min_fragment_size).
    std::size_t fragment_size() const noexcept { return fragment_size_; }

    /// @brief The next piece; after done() it returns an empty last piece.
    piece next() noexcept {
        piece p{op_, 0, 0, {}};
        const std::size_t remaining = message_.size() - used_;
        std::size_t n = remaining;
        if (2 + remaining > fragment_size_) {
            n = fragment_size_ - 2;
            p.flags = flag::more;
            if (used_ == 0) {
                p.flags |= flag::length;
                p.message_length = static_cast<std::uint16_t>(message_.size());
                n -= 2;
            }
        }
        p.data = bytes_view(message_).subspan(used_, n);
        used_ += n;
        done_ = used_ == message_.size();
        return p;
    }

  private:
    std::vector<std::uint8_t> message_;
    std::size_t fragment_size_;
    std::size_t used_ = 0;
    std::uint8_t op_;
    bool done_ = false;
};

/// @brief Reassembles one incoming WSC message from EAP-WSC payloads, with hostap's checks: a
/// first fragment (MF) must carry LF; any Message Length must be at least its packet's data and
/// at most max_message; the Op-Code may not change between fragments; fragments may not exceed
/// the announced length. softmac also requires the reassembled total to equal Message Length.
/// An unfragmented packet is a whole message (its Message Length, if any, only range-checked).
/// Memory never exceeds max_message octets. Any error drops the partial message.
class reassembler {
  public:
    enum class status {
        complete,       ///< message() and op() hold a whole message
        need_frag_ack,  ///< a fragment was stored; answer with WSC_FRAG_ACK
        error,          ///< the payload was rejected and the partial message dropped
    };

    /// @brief Takes the next payload of the message (not a WSC_FRAG_ACK, which acknowledges
    /// the other side's fragments). After complete or error the next feed starts a new message.
    status feed(const wsc& w) {
        if (complete_) reset();
        if (w.op < op::start || w.op >= op::frag_ack) return fail();
        if ((w.flags & flag::length) &&
            (w.message_length < w.data.size() || w.message_length > max_message))
            return fail();
        if (!in_progress_) {
            if (w.flags & flag::more) {
                if (!(w.flags & flag::length)) return fail();  // no Message Length to size it
                op_ = w.op;
                announced_ = w.message_length;
                buf_.reserve(announced_);
                buf_.assign(w.data.begin(), w.data.end());
                in_progress_ = true;
                return status::need_frag_ack;
            }
            if (w.data.size() > max_message) return fail();
            op_ = w.op;
            buf_.assign(w.data.begin(), w.data.end());
            complete_ = true;
            return status::complete;
        }
        if (w.op != op_) return fail();
        if (w.data.size() > announced_ - buf_.size()) return fail();
        buf_.insert(buf_.end(), w.data.begin(), w.data.end());
        if (w.flags & flag::more) return status::need_frag_ack;
        if (buf_.size() != announced_) return fail();
        in_progress_ = false;
        complete_ = true;
        return status::complete;
    }

    /// @brief The reassembled message. @pre the last feed() returned complete
    bytes_view message() const noexcept { return buf_; }
    /// @brief The message's Op-Code. @pre the last feed() returned complete
    std::uint8_t op() const noexcept { return op_; }
    /// @brief True between a first fragment and the last one.
    bool in_progress() const noexcept { return in_progress_; }

    /// @brief Drops any partial or complete message.
    void reset() noexcept {
        buf_.clear();
        announced_ = 0;
        op_ = 0;
        in_progress_ = complete_ = false;
    }

  private:
    status fail() noexcept {
        reset();
        return status::error;
    }

    std::vector<std::uint8_t> buf_;
    std::size_t announced_ = 0;
    std::uint8_t op_ = 0;
    bool in_progress_ = false, complete_ = false;
};

}  // namespace softmac::wps::eap
