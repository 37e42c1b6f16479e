// SPDX-License-Identifier: MIT
/// @file Defines the station's BSS texts: SCAN_RESULTS lines, BSS replies and their flags.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/ieee80211/elements.hpp>
#include <softmac/ieee80211/tlv.hpp>
#include <softmac/ieee80211/wps.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/types.hpp>

namespace softmac::p2p::ctrl {

namespace detail {
/// The RSN element's text, as wpa_supplicant_ie_txt writes it: [WPA2-<AKMs>-<pairwise>].
inline std::string rsn_text(const ieee80211::element& e) {
    auto r = ieee80211::rsn::parse(e);
    if (!r) return "[WPA2-?]";
    // In wpa_supplicant's order; the suite selectors' last octet under 00-0F-AC.
    constexpr std::pair<std::uint8_t, std::string_view> akms[] = {
        {1, "EAP"},    {2, "PSK"},    {8, "SAE"},        {3, "FT/EAP"},
        {4, "FT/PSK"}, {9, "FT/SAE"}, {5, "EAP-SHA256"}, {6, "PSK-SHA256"}};
    constexpr std::pair<std::uint8_t, std::string_view> ciphers[] = {
        {10, "CCMP-256"}, {9, "GCMP-256"}, {4, "CCMP"}, {8, "GCMP"}, {2, "TKIP"}};
    auto joined = [](auto& list, auto offers) {
        std::string s;
        for (const auto& [id, name] : list)
            if (offers(0x000fac00u | id)) s += (s.empty() ? "" : "+") + std::string(name);
        return s;
    };
    std::string s = "[WPA2-" + joined(akms, [&](std::uint32_t a) { return r->offers_akm(a); });
    s += "-" + joined(ciphers, [&](std::uint32_t c) { return r->offers_pairwise(c); });
    if (r->capabilities & 1u) s += "-preauth";
    return s + "]";
}
/// The WPS element's text: [WPS-PBC] or [WPS-PIN] while a registrar is selected, else [WPS].
inline std::string wps_text(const ieee80211::element_range& ies) {
    const ieee80211::vendor_stream stream(ies, ieee80211::vendor::wps);
    if (!stream.present()) return {};
    namespace attr = ieee80211::wps::attr;
    auto attrs = ieee80211::attribute_range<true>::parse(stream.bytes());
    if (!attrs) return "[WPS]";
    const auto sel = attrs->find(attr::selected_registrar);
    if (!sel || sel->empty() || (*sel)[0] == 0) return "[WPS]";
    const auto pw = attrs->find(attr::device_password_id);
    const auto id = pw ? ieee80211::wps::u16_of(*pw) : result<std::uint16_t>(0);
    return id && *id == ieee80211::wps::password_id::push_button ? "[WPS-PBC]" : "[WPS-PIN]";
}
}  // namespace detail

/// @brief A BSS's flags as SCAN_RESULTS and BSS print them, for what softmac's BSSes carry:
/// security, WPS, [WEP], [IBSS], [ESS], [P2P].
inline std::string bss_flags(const bss_entry& b) {
    constexpr std::uint16_t ess = 1u << 0, ibss = 1u << 1, privacy = 1u << 4;
    std::string s;
    auto ies = ieee80211::element_range::parse(b.info.ies);
    bool secured = false;
    if (ies) {
        if (auto rsn = ies->find(ieee80211::eid::rsn)) {
            s += detail::rsn_text(*rsn);
            secured = true;
        }
        s += detail::wps_text(*ies);
    }
    if (!secured && (b.info.capability & privacy)) s += "[WEP]";
    if (b.info.capability & ibss) s += "[IBSS]";
    if (b.info.capability & ess) s += "[ESS]";
    if (ies && ies->find_vendor(ieee80211::vendor::p2p)) s += "[P2P]";
    return s;
}

/// @brief The SCAN_RESULTS reply: the header, then one line per BSS in the list's order, as
/// many whole lines as fit in `limit` octets (wpa_supplicant_ctrl_iface_scan_results).
inline std::string scan_results_text(const std::vector<bss_entry>& list, std::size_t limit) {
    std::string s = "bssid / frequency / signal level / flags / ssid\n";
    for (const auto& b : list) {
        std::string line;
        detail::append(line, "%s\t%u\t%d\t", detail::addr(b.info.bssid).c_str(),
                       unsigned(b.info.freq), int(b.info.signal_mbm / 100));
        line += bss_flags(b) + "\t" + printable(b.ssid) + "\n";
        if (s.size() + line.size() > limit) break;
        s += line;
    }
    return s;
}

/// @brief The fields BSS prints (wpa_supplicant's WPA_BSS_MASK_* bits).
namespace bss_mask {
inline constexpr std::uint32_t id = 1u << 0, bssid = 1u << 1, freq = 1u << 2, beacon_int = 1u << 3,
                               capabilities = 1u << 4, qual = 1u << 5, noise = 1u << 6,
                               level = 1u << 7, tsf = 1u << 8, age = 1u << 9, ie = 1u << 10,
                               flags = 1u << 11, ssid = 1u << 12, delim = 1u << 17, snr = 1u << 19,
                               est_throughput = 1u << 20, update_idx = 1u << 22;
}  // namespace bss_mask

/// @brief One BSS reply (print_bss_info) with the fields `mask` names; `last`: the list's last
/// entry (its delimiter is ####). The noise floor is -95 dBm, as a simulated radio reports none.
inline std::string bss_text(const bss_entry& b, std::uint32_t mask, time_point now, bool last,
                            unsigned update_idx) {
    namespace m = bss_mask;
    using detail::append;
    constexpr int noise = -95;
    const int level = b.info.signal_mbm / 100;
    std::string s;
    if (mask & m::id) append(s, "id=%u\n", b.id);
    if (mask & m::bssid) s += "bssid=" + detail::addr(b.info.bssid) + "\n";
    if (mask & m::freq) append(s, "freq=%u\n", unsigned(b.info.freq));
    if (mask & m::beacon_int) append(s, "beacon_int=%u\n", unsigned(b.info.beacon_int));
    if (mask & m::capabilities) append(s, "capabilities=0x%04x\n", unsigned(b.info.capability));
    if (mask & m::qual) s += "qual=0\n";
    if (mask & m::noise) append(s, "noise=%d\n", noise);
    if (mask & m::level) append(s, "level=%d\n", level);
    if (mask & m::tsf) append(s, "tsf=%016llu\n", static_cast<unsigned long long>(b.info.tsf));
    if (mask & m::age) {
        const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - b.seen).count();
        append(s, "age=%d\n", int(age));
    }
    if (mask & m::ie) s += "ie=" + to_hex(b.info.ies) + "\n";
    if (mask & m::flags) s += "flags=" + bss_flags(b) + "\n";
    if (mask & m::ssid) s += "ssid=" + printable(b.ssid) + "\n";
    if (mask & m::snr) append(s, "snr=%d\n", level - noise);
    if (mask & m::est_throughput) s += "est_throughput=54000\n";
    if (mask & m::update_idx) append(s, "update_idx=%u\n", update_idx);
    if (mask & m::delim) s += last ? "####\n" : "====\n";
    return s;
}

}  // namespace softmac::p2p::ctrl
