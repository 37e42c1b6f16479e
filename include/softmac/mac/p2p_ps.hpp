// SPDX-License-Identifier: MIT
/// @file Defines how the MAC reads a P2P GO's power save from its beacon: the Notice of Absence
/// attribute of the P2P elements.
#pragma once

#include <softmac/core/bytes.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/tlv.hpp>

namespace softmac::mac {

/// @brief The Notice of Absence the P2P elements among `elements` carry (ieee80211_get_p2p_noa
/// reads the same attribute); an empty one when there is none or it is malformed.
inline ieee80211::p2p::notice_of_absence p2p_noa_in(bytes_view elements) {
    namespace ie = ieee80211;
    auto range = ie::element_range::parse(elements);
    if (!range) return {};
    const ie::vendor_stream p2p(*range, ie::vendor::p2p);
    if (!p2p.present()) return {};
    auto attrs = ie::attribute_range<false>::parse(p2p.bytes());
    if (!attrs) return {};
    for (auto a : *attrs)
        if (a.id == ie::p2p::attr::noa)
            if (auto n = ie::p2p::notice_of_absence::parse(a.data)) return *n;
    return {};
}

}  // namespace softmac::mac
