// SPDX-License-Identifier: MIT
/// @file Defines how the MAC builds its own management frames and hands them to the driver.
// IWYU pragma: private, include <softmac/mac/stack.hpp>
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/status_codes.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/interface.hpp>

namespace softmac::mac::detail {

/// @brief Builds a management frame into a vector: the header, then `body(w)`; empty when the
/// body does not fit (the frames of mac80211's util.c builders, ieee80211_send_auth and kin).
template <class Body>
byte_vector build_mgmt(std::uint8_t subtype, const mac_address& da, const mac_address& sa,
                       const mac_address& bssid, Body&& body) {
    byte_vector out(ieee80211::max_frame_body);
    byte_writer w(out);
    ieee80211::write_mgmt_header(w, subtype, da, sa, bssid);
    body(w);
    out.resize(w.ok() ? w.size() : 0);
    return out;
}

/// @brief Hands a management frame of interface `vif` to the driver, past the data pipeline
/// (mac80211's ieee80211_tx_skb): the sequence number from the interface's counter, the lowest
/// basic rate (OFDM when no-CCK), no ACK for group addresses.
/// @param path the data path (headroom, the interface's vif_state, the band's rates)
template <class Radio, class Path, class Pool>
result<void> send_mgmt(Radio& radio, Path& path, Pool& pool, std::uint8_t vif, bytes_view frame,
                       std::uint32_t flags, std::uint64_t cookie = 0) {
    const auto h = ieee80211::header_view::parse(frame);
    if (!h) return h.err();
    auto b = pool.allocate(path.headroom());
    if (!b) return b.err();
    if (auto r = b->append(frame); !r) return r;
    auto& st = path.state_of(vif);
    // Sequence control follows frame control, duration and the three addresses.
    constexpr std::size_t seq_ctrl_at = 22;
    store_le16(b->data() + seq_ctrl_at,
               ieee80211::sequence_control::make(next_sequence(st.seq), 0).raw);
    driver::tx_info info;
    info.vif_index = vif;
    info.hw_queue = 0;  // VO
    info.cookie = cookie;
    info.flags = flags;
    const bool group = h->addr1().is_multicast();
    if (group) info.flags = (info.flags | driver::tx_flag::no_ack) & ~driver::tx_flag::req_status;
    const bool ofdm = (flags & driver::tx_flag::no_cck) || st.no_cck;
    const auto rates = path.rates();
    for (std::size_t k = 0; k < rates.size(); ++k)
        if (!ofdm || rates[k].is_ofdm()) {
            info.rates[0] = {static_cast<std::int8_t>(k),
                             static_cast<std::uint8_t>(group ? 1 : st.short_retry)};
            break;
        }
    if (ofdm) info.flags |= driver::tx_flag::no_cck;
    radio.tx(info, std::move(*b));
    return {};
}

}  // namespace softmac::mac::detail
