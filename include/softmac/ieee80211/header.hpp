// SPDX-License-Identifier: MIT
/// @file Defines the 802.11 MAC header: parsing (3/4 addresses, sequence, QoS, HT control) and
/// building.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/frame_control.hpp>

namespace softmac::ieee80211 {

/// @brief Sequence control: 12-bit sequence number and 4-bit fragment number.
struct sequence_control {
    std::uint16_t raw = 0;
    static constexpr sequence_control make(std::uint16_t seq, std::uint8_t frag) noexcept {
        return {static_cast<std::uint16_t>(((seq & 0xfff) << 4) | (frag & 0xf))};
    }
    constexpr std::uint16_t sequence() const noexcept { return raw >> 4; }
    constexpr std::uint8_t fragment() const noexcept { return raw & 0xf; }
};

/// @brief QoS control field (data frames with subtype bit 3).
struct qos_control {
    std::uint16_t raw = 0;
    static constexpr std::uint16_t amsdu_present = 0x0080;
    static constexpr std::uint16_t ack_policy_mask = 0x0060, no_ack = 0x0020;
    constexpr std::uint8_t tid() const noexcept { return raw & 0xf; }
    constexpr bool is_amsdu() const noexcept { return (raw & amsdu_present) != 0; }
    constexpr std::uint8_t ack_policy() const noexcept { return (raw >> 5) & 0x3; }
};

namespace detail {
/// The header length for each combination of the frame control's bits that decide it.
constexpr std::size_t header_length_of(frame_control fc) noexcept {
    switch (fc.type()) {
        case frame_type::management:
            return 24 + (fc.has(frame_control::order) ? 4 : 0);
        case frame_type::control:
            switch (fc.subtype()) {
                case ctrl_subtype::cts:
                case ctrl_subtype::ack:
                    return 10;
                case ctrl_subtype::ctrl_wrapper:
                    return 10;  // carried frame control follows
                default:
                    return fc.subtype() >= 2 ? 16 : 0;
            }
        case frame_type::data: {
            std::size_t n = 24;
            if (fc.is_four_address()) n += 6;
            if (fc.is_qos_data()) n += 2 + (fc.has(frame_control::order) ? 4 : 0);
            return n;
        }
        case frame_type::extension:
            return 10;
    }
    return 0;
}
/// Type and subtype (bits 2-7), ToDS and FromDS (8, 9) and Order (15) as an index below 2048:
/// the frame control rotated left by one (Order to bit 0, the others to bits 3-10), one mask.
constexpr std::size_t header_length_index(std::uint16_t raw) noexcept {
    return std::rotl(raw, 1) & 0x7f9u;
}
inline constexpr auto header_lengths = [] {
    std::array<std::uint8_t, 2048> t{};
    for (std::uint32_t i = 0; i < t.size(); ++i) {
        const auto raw = static_cast<std::uint16_t>(std::rotr(static_cast<std::uint16_t>(i), 1));
        if (header_length_index(raw) == i)  // (the others are never looked up)
            t[i] = static_cast<std::uint8_t>(header_length_of(frame_control{raw}));
    }
    return t;
}();
}  // namespace detail

/// @brief Length in bytes of the MAC header a frame control announces (before the body): one
/// table look-up, as it is worked out for every frame received.
/// @return 0 for a reserved combination that has no defined layout.
SOFTMAC_HOT_INLINE constexpr std::size_t header_length(frame_control fc) noexcept {
    return detail::header_lengths[detail::header_length_index(fc.raw)];
}

/// @brief Where a data frame's header carries the destination (DA) and the source (SA) address,
/// by the ToDS/FromDS table: DA in Address 1 or 3, SA in Address 2, 3 or 4.
SOFTMAC_HOT_INLINE constexpr std::size_t destination_offset(frame_control fc) noexcept {
    return fc.has(frame_control::to_ds) ? 16 : 4;
}
SOFTMAC_HOT_INLINE constexpr std::size_t source_offset(frame_control fc) noexcept {
    return fc.is_four_address() ? 24 : fc.has(frame_control::from_ds) ? 16 : 10;
}

/// @brief A parsed MAC header over the frame's bytes; accessors decode on demand.
class header_view {
  public:
    /// @brief Validates that the whole header is present.
    static result<header_view> parse(bytes_view frame) noexcept {
        if (frame.size() < 2)
            return make_error(errc::truncated, "frame shorter than frame control");
        const frame_control fc{load_le16(frame.data())};
        if (fc.version() != 0) return make_error(errc::unsupported, "protocol version is not 0");
        const std::size_t n = header_length(fc);
        if (n == 0) return make_error(errc::unsupported, "reserved control subtype");
        if (frame.size() < n)
            return make_error(errc::truncated, "truncated MAC header", frame.size());
        return header_view(frame, n);
    }

    /// @brief A view over a frame whose `len`-octet header was validated already (the data path
    /// parses it once on entry). @pre `parse(frame)` succeeds with length() == len.
    static header_view validated(bytes_view frame, std::size_t len) noexcept {
        return header_view(frame, len);
    }

    frame_control fc() const noexcept { return {load_le16(p_)}; }
    std::uint16_t duration() const noexcept { return load_le16(p_ + 2); }
    std::size_t length() const noexcept { return len_; }
    /// @brief Number of address fields present (1 to 4).
    int address_count() const noexcept {
        const auto f = fc();
        if (f.is_ctrl() || f.type() == frame_type::extension) return len_ >= 16 ? 2 : 1;
        return f.is_four_address() ? 4 : 3;
    }
    mac_address addr1() const noexcept { return mac_address::from(p_ + 4); }
    mac_address addr2() const noexcept {
        return mac_address::from(p_ + 10);
    }  ///< @pre address_count() >= 2
    mac_address addr3() const noexcept {
        return mac_address::from(p_ + 16);
    }  ///< @pre address_count() >= 3
    mac_address addr4() const noexcept {
        return mac_address::from(p_ + 24);
    }  ///< @pre address_count() == 4
    bool has_sequence() const noexcept { return address_count() >= 3; }
    sequence_control seq() const noexcept { return {load_le16(p_ + 22)}; }  ///< @pre has_sequence()
    bool has_qos() const noexcept { return fc().is_qos_data(); }
    qos_control qos() const noexcept { return {load_le16(p_ + qos_offset())}; }  ///< @pre has_qos()
    bool has_htc() const noexcept {
        const auto f = fc();
        return f.has(frame_control::order) && (f.is_mgmt() || f.is_qos_data());
    }
    std::uint32_t htc() const noexcept { return load_le32(p_ + len_ - 4); }  ///< @pre has_htc()

    /// @name Logical addresses by the ToDS/FromDS table.
    /// @{
    mac_address receiver() const noexcept { return addr1(); }
    mac_address transmitter() const noexcept { return addr2(); }
    SOFTMAC_HOT_INLINE mac_address destination() const noexcept {
        return mac_address::from(p_ + destination_offset(fc()));
    }
    SOFTMAC_HOT_INLINE mac_address source() const noexcept {
        return mac_address::from(p_ + source_offset(fc()));
    }
    mac_address bssid() const noexcept {
        const auto f = fc();
        if (f.has(frame_control::to_ds)) return addr1();
        return f.has(frame_control::from_ds) ? addr2() : addr3();
    }
    /// @}

    bytes_view header() const noexcept { return {p_, len_}; }
    bytes_view body() const noexcept { return frame_.subspan(len_); }
    bytes_view frame() const noexcept { return frame_; }

  private:
    header_view(bytes_view f, std::size_t n) noexcept : frame_(f), p_(f.data()), len_(n) {}
    std::size_t qos_offset() const noexcept { return fc().is_four_address() ? 30 : 24; }

    bytes_view frame_;
    const std::uint8_t* p_;
    std::size_t len_;
};

/// @brief Writes a 24-byte (or 30 with addr4) header; QoS and HTC fields follow when given.
struct header_fields {
    frame_control fc{};
    std::uint16_t duration = 0;
    mac_address addr1{}, addr2{}, addr3{};
    sequence_control seq{};
    mac_address addr4{};    ///< used only when ToDS and FromDS are both set
    std::uint16_t qos = 0;  ///< used only for QoS data
    std::uint32_t htc = 0;  ///< used only when the order bit is set on mgmt/QoS data
};

inline void write_header(byte_writer& w, const header_fields& h) noexcept {
    w.le16(h.fc.raw).le16(h.duration);
    w.raw(h.addr1.bytes());
    if (header_length(h.fc) <= 10) return;
    w.raw(h.addr2.bytes());
    if (h.fc.is_ctrl()) return;
    w.raw(h.addr3.bytes()).le16(h.seq.raw);
    if (h.fc.is_four_address()) w.raw(h.addr4.bytes());
    if (h.fc.is_qos_data()) w.le16(h.qos);
    if (h.fc.has(frame_control::order) && (h.fc.is_mgmt() || h.fc.is_qos_data())) w.le32(h.htc);
}

}  // namespace softmac::ieee80211
