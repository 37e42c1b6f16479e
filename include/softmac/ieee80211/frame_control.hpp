// SPDX-License-Identifier: MIT
/// @file Defines the 802.11 frame control field: types, subtypes and flags.
#pragma once

#include <cstdint>
#include <string_view>

namespace softmac::ieee80211 {

/// @brief Frame type (bits 2–3 of the first frame-control octet).
enum class frame_type : std::uint8_t { management = 0, control = 1, data = 2, extension = 3 };

/// @brief Management subtypes.
namespace mgmt_subtype {
inline constexpr std::uint8_t assoc_req = 0, assoc_resp = 1, reassoc_req = 2, reassoc_resp = 3,
                              probe_req = 4, probe_resp = 5, timing_adv = 6, beacon = 8, atim = 9,
                              disassoc = 10, auth = 11, deauth = 12, action = 13,
                              action_no_ack = 14;
}
/// @brief Control subtypes.
namespace ctrl_subtype {
inline constexpr std::uint8_t trigger = 2, tack = 3, bf_report_poll = 4, ndp_announcement = 5,
                              ctrl_ext = 6, ctrl_wrapper = 7, block_ack_req = 8, block_ack = 9,
                              ps_poll = 10, rts = 11, cts = 12, ack = 13, cf_end = 14,
                              cf_end_ack = 15;
}
/// @brief Data subtypes (bit 3 = QoS, bit 2 = no data).
namespace data_subtype {
inline constexpr std::uint8_t data = 0, null = 4, qos_data = 8, qos_null = 12;
}

/// @brief The 16-bit frame control field, little-endian on the air.
struct frame_control {
    std::uint16_t raw = 0;

    static constexpr std::uint16_t to_ds = 0x0100, from_ds = 0x0200, more_frag = 0x0400,
                                   retry = 0x0800, pwr_mgt = 0x1000, more_data = 0x2000,
                                   protected_frame = 0x4000, order = 0x8000;

    static constexpr frame_control make(frame_type t, std::uint8_t subtype,
                                        std::uint16_t flags = 0) noexcept {
        return {static_cast<std::uint16_t>((static_cast<unsigned>(t) << 2) |
                                           ((subtype & 0xfu) << 4) | flags)};
    }
    constexpr std::uint8_t version() const noexcept { return raw & 0x3; }
    constexpr frame_type type() const noexcept { return frame_type((raw >> 2) & 0x3); }
    constexpr std::uint8_t subtype() const noexcept { return (raw >> 4) & 0xf; }
    /// @brief type << 4 | subtype, as tshark's wlan.fc.type_subtype prints it.
    constexpr std::uint16_t type_subtype() const noexcept {
        return static_cast<std::uint16_t>((static_cast<unsigned>(type()) << 4) | subtype());
    }
    constexpr bool has(std::uint16_t flag) const noexcept { return (raw & flag) != 0; }
    constexpr bool is_mgmt() const noexcept { return type() == frame_type::management; }
    constexpr bool is_ctrl() const noexcept { return type() == frame_type::control; }
    constexpr bool is_data() const noexcept { return type() == frame_type::data; }
    constexpr bool is_qos_data() const noexcept { return is_data() && (subtype() & 0x8); }
    /// @brief A data frame with ToDS and FromDS: the only kind that carries Address 4.
    constexpr bool is_four_address() const noexcept {
        return is_data() && has(to_ds) && has(from_ds);
    }
    constexpr std::uint8_t ds_bits() const noexcept { return (raw >> 8) & 0x3; }

    friend constexpr bool operator==(frame_control, frame_control) noexcept = default;
};

/// @brief Human-readable name of a type/subtype, in tshark's wording where it has one.
constexpr std::string_view subtype_name(frame_control fc) noexcept {
    constexpr std::string_view mgmt[16] = {"Association Request",
                                           "Association Response",
                                           "Reassociation Request",
                                           "Reassociation Response",
                                           "Probe Request",
                                           "Probe Response",
                                           "Timing Advertisement",
                                           "Reserved",
                                           "Beacon",
                                           "ATIM",
                                           "Disassociation",
                                           "Authentication",
                                           "Deauthentication",
                                           "Action",
                                           "Action No Ack",
                                           "Reserved"};
    constexpr std::string_view ctrl[16] = {"Reserved",
                                           "Reserved",
                                           "Trigger",
                                           "TACK",
                                           "Beamforming Report Poll",
                                           "VHT/HE NDP Announcement",
                                           "Control Frame Extension",
                                           "Control Wrapper",
                                           "Block Ack Request",
                                           "Block Ack",
                                           "PS-Poll",
                                           "RTS",
                                           "CTS",
                                           "ACK",
                                           "CF-End",
                                           "CF-End + CF-Ack"};
    constexpr std::string_view data[16] = {"Data",
                                           "Data + CF-Ack",
                                           "Data + CF-Poll",
                                           "Data + CF-Ack + CF-Poll",
                                           "Null function",
                                           "CF-Ack",
                                           "CF-Poll",
                                           "CF-Ack + CF-Poll",
                                           "QoS Data",
                                           "QoS Data + CF-Ack",
                                           "QoS Data + CF-Poll",
                                           "QoS Data + CF-Ack + CF-Poll",
                                           "QoS Null",
                                           "Reserved",
                                           "QoS CF-Poll",
                                           "QoS CF-Ack + CF-Poll"};
    switch (fc.type()) {
        case frame_type::management:
            return mgmt[fc.subtype()];
        case frame_type::control:
            return ctrl[fc.subtype()];
        case frame_type::data:
            return data[fc.subtype()];
        case frame_type::extension:
            return fc.subtype() == 0 ? "DMG Beacon" : "Extension";
    }
    return "Reserved";
}

}  // namespace softmac::ieee80211
