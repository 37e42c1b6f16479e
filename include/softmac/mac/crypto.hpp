// SPDX-License-Identifier: MIT
/// @file Defines the data path's CCMP handlers (mac80211's wpa.c): PN, CCMP header and software
/// encryption on TX; replay check, software decryption and the unprotected-frame rule on RX.
#pragma once

#include <cstdint>
#include <cstring>

#include <softmac/core/detail/hot_inline.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/mac/interface.hpp>
#include <softmac/mac/pipeline.hpp>

namespace softmac::mac {

namespace detail {
/// The key that protects a frame being sent (ieee80211_tx_h_select_key): the station's pairwise
/// key when the receiver is one station, the interface's default group key otherwise.
template <class M, class F>
SOFTMAC_HOT_INLINE auto* tx_key(M& m, F& f) noexcept {
    using key_type = std::remove_reference_t<decltype(f.sta->ptk)>;
    key_type* k = nullptr;
    if (f.multicast && !f.iface->is_sta())
        k = m.default_group_key(f.iface->vif.index);
    else if (f.sta && f.sta->ptk.valid)
        k = &f.sta->ptk;
    return k;
}
/// Inserts the CCMP header (with the next PN of `k`) after the MAC header and sets Protected.
template <class K>
SOFTMAC_HOT_INLINE std::uint8_t* insert_ccmp_header(frame_buffer& b, std::size_t hdrlen, K& k,
                                                    std::uint64_t& pn) noexcept {
    auto room = b.push(ieee80211::ccmp::header_len);
    if (!room) return nullptr;
    std::uint8_t* p = room->data();
    std::memmove(p, p + ieee80211::ccmp::header_len, hdrlen);
    store_le16(
        p, static_cast<std::uint16_t>(load_le16(p) | ieee80211::frame_control::protected_frame));
    pn = k.next_pn();
    ieee80211::ccmp::write_header(p + hdrlen, pn, k.id);
    return p;
}
/// Calls `f` with the first frame buffer and each further fragment.
template <class M, class F, class Fn>
SOFTMAC_HOT_INLINE bool for_each_mpdu(M& m, F& f, Fn&& fn) {
    if (!fn(f.buf)) return false;
    for (std::uint8_t i = 0; i < f.n_more; ++i)
        if (!fn(m.fragments()[i])) return false;
    return true;
}
}  // namespace detail

/// @brief CCMP on TX (ieee80211_crypto_ccmp_encrypt): each MPDU gets the next PN of its key and
/// the CCMP header. In software (`Hardware` false) the MAC encrypts and appends the MIC; with a
/// driver that offloads, the hardware does (the key's IEEE80211_KEY_FLAG_GENERATE_IV) and the
/// frame names the key by its hardware index.
template <bool Hardware>
struct tx_ccmp {
    template <capabilities C>
    static constexpr bool enabled = Hardware ? C.hw_crypto : C.sw_crypto;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const noexcept {
        namespace ccmp = ieee80211::ccmp;
        auto* k = detail::tx_key(m, f);
        if (!k) return verdict::next;
        const std::size_t hdrlen = f.hdrlen;
        drop_reason why = drop_reason::no_headroom;
        const bool ok = detail::for_each_mpdu(m, f, [&](frame_buffer& b) {
            std::uint64_t pn = 0;
            why = drop_reason::no_headroom;
            std::uint8_t* p = detail::insert_ccmp_header(b, hdrlen, *k, pn);
            if constexpr (Hardware) {
                return p != nullptr;
            } else {
                auto tail = b.put(ccmp::mic_len);
                if (!p || !tail) return false;
                const auto blk = ccmp::make_block(p, hdrlen, pn);
                const std::size_t body = b.size() - hdrlen - ccmp::header_len - ccmp::mic_len;
                why = drop_reason::malformed;  // the cipher refused the frame
                return k->cipher.encrypt(blk.nonce.data(), blk.aad_view(),
                                         bytes_span(p + hdrlen + ccmp::header_len, body),
                                         tail->data());
            }
        });
        if constexpr (Hardware) f.info.hw_key = k->hw_index;
        return ok ? verdict::next : m.drop(*f.iface, why);
    }
};
using tx_ccmp_encrypt = tx_ccmp<false>;  ///< software CCMP
using tx_ccmp_hw = tx_ccmp<true>;        ///< CCMP offloaded to the driver

namespace detail {
/// The unprotected-frame rule (ieee80211_drop_unencrypted): once a key protects the link, data
/// frames must be protected, EAPOL excepted.
template <class M, class F>
SOFTMAC_HOT_INLINE verdict check_unprotected(M& m, F& f) noexcept {
    if (f.fc.subtype() & 0x4) return verdict::next;  // null function: no payload
    const bool group = f.header().addr1().is_multicast();
    const bool keyed = group ? m.has_group_key(f.vif) : (f.sta && f.sta->ptk.valid);
    if (!keyed) return verdict::next;
    const bytes_view llc = f.buf.view().subspan(f.hdrlen);
    if (llc.size() >= 8 && load_be16(llc.data() + 6) == ieee80211::ethertype::eapol)
        return verdict::next;
    return m.drop(*f.iface, drop_reason::unprotected);
}
/// Key lookup, replay check, (software) decryption and removal of the CCMP header and MIC
/// (ieee80211_rx_h_decrypt + ieee80211_crypto_ccmp_decrypt).
template <bool Hardware, class M, class F>
SOFTMAC_HOT_INLINE verdict ccmp_decrypt(M& m, F& f) noexcept {
    namespace ccmp = ieee80211::ccmp;
    const std::size_t hdrlen = f.hdrlen, size = f.buf.size();
    const std::size_t trailer = Hardware ? 0 : ccmp::mic_len;
    if (size < hdrlen + ccmp::header_len + trailer) return m.drop(*f.iface, drop_reason::malformed);
    std::uint8_t* const h = f.buf.data();
    const std::uint8_t* const iv = h + hdrlen;
    if (!ccmp::has_ext_iv(iv)) return m.drop(*f.iface, drop_reason::malformed);
    const std::uint8_t id = ccmp::key_id(iv);
    const bool group = f.header().addr1().is_multicast();
    auto* k = group ? m.group_key(f.vif, id)
                    : (f.sta && f.sta->ptk.valid && id == 0 ? &f.sta->ptk : nullptr);
    if (!k) return m.drop(*f.iface, drop_reason::no_key);
    if constexpr (Hardware) {
        if ((f.status->flags & driver::rx_flag::mic_error) ||
            !(f.status->flags & driver::rx_flag::decrypted)) {
            ++k->decrypt_errors;
            return m.drop(*f.iface, drop_reason::decrypt_failed);
        }
    }
    const std::uint64_t pn = ccmp::read_pn(iv);
    const std::size_t idx = f.seqno_idx < 16 ? f.seqno_idx : 0;  // non-QoS data: counter 0
    if (pn <= k->rx_pn[idx]) {
        ++k->replays;
        return m.drop(*f.iface, drop_reason::replay);
    }
    if constexpr (!Hardware) {
        const auto blk = ccmp::make_block(h, hdrlen, pn);
        const std::size_t body = size - hdrlen - ccmp::header_len - ccmp::mic_len;
        if (!k->cipher.decrypt(blk.nonce.data(), blk.aad_view(),
                               bytes_span(h + hdrlen + ccmp::header_len, body),
                               h + size - ccmp::mic_len)) {
            ++k->decrypt_errors;
            return m.drop(*f.iface, drop_reason::decrypt_failed);
        }
    }
    k->rx_pn[idx] = pn;  // only after the MIC verified
    f.was_protected = true;
    f.pn = pn;
    std::memmove(h + ccmp::header_len, h, hdrlen);
    (void)f.buf.pull(ccmp::header_len);
    if constexpr (!Hardware) (void)f.buf.trim(f.buf.size() - ccmp::mic_len);
    f.fc = ieee80211::frame_control{
        static_cast<std::uint16_t>(f.fc.raw & ~ieee80211::frame_control::protected_frame)};
    store_le16(f.buf.data(), f.fc.raw);
    return verdict::next;
}
}  // namespace detail

/// @brief CCMP on RX, data frames only (management frame protection is not offered): the
/// software cipher decrypts (`Hardware` false), or the hardware did and the MAC checks its status;
/// either way the MAC checks the PN and strips the CCMP header.
template <bool Hardware>
struct rx_ccmp {
    template <capabilities C>
    static constexpr bool enabled = Hardware ? C.hw_crypto : C.sw_crypto;
    template <class M, class F>
    SOFTMAC_HOT_INLINE verdict operator()(M& m, F& f) const noexcept {
        if (!f.fc.is_data()) return verdict::next;
        if (!f.fc.has(ieee80211::frame_control::protected_frame))
            return detail::check_unprotected(m, f);
        return detail::ccmp_decrypt<Hardware>(m, f);
    }
};
using rx_ccmp_decrypt = rx_ccmp<false>;  ///< software CCMP
using rx_ccmp_hw = rx_ccmp<true>;        ///< CCMP decrypted by the driver's hardware

}  // namespace softmac::mac
