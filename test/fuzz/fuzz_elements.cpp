// SPDX-License-Identifier: MIT
// Fuzzes the element sequence and every typed element accessor; iteration and for_each_element
// must visit exactly the elements a reader takes.
#include <cstdlib>
#include <vector>

#include <softmac/ieee80211/elements.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ie = softmac::ieee80211;
    auto r = ie::element_range::parse({data, size});
    if (!r) return 0;
    // The elements a reader takes, by a walk of the raw octets with the rule restated from
    // hostap's ieee802_11_parse_elems: at least the fixed part, an SSID of at most 32 octets.
    const auto takes = [](std::uint8_t id, std::uint8_t len) {
        switch (id) {
            case ie::eid::ssid:
                return len <= 32;
            case ie::eid::ds_params:
            case ie::eid::erp:
            case ie::eid::extension:
                return len >= 1;
            case ie::eid::tim:
                return len >= 4;
            case ie::eid::vht_operation:
                return len >= 5;
            case ie::eid::vht_capabilities:
                return len >= 12;
            case ie::eid::obss_scan_params:
                return len >= 14;
            case ie::eid::ht_operation:
                return len >= 22;
            case ie::eid::ht_capabilities:
                return len >= 26;
            default:
                return true;
        }
    };
    std::vector<const std::uint8_t*> expected, iterated;
    for (std::size_t off = 0; off < size; off += 2 + data[off + 1])
        if (takes(data[off], data[off + 1])) expected.push_back(data + off);
    for (ie::element e : *r)
        iterated.push_back(e.data.data() - (e.id == ie::eid::extension ? 3 : 2));
    std::vector<const std::uint8_t*> walked;
    (void)ie::for_each_element({data, size}, [&](const ie::element& e) {
        walked.push_back(e.data.data() - (e.id == ie::eid::extension ? 3 : 2));
    });
    if (iterated != expected || walked != expected || r->empty() != expected.empty()) std::abort();
    for (ie::element e : *r) {
        (void)ie::tim::parse(e);
        (void)ie::country::parse(e);
        (void)ie::rsn::parse(e);
        (void)ie::ht_capabilities::parse(e);
        (void)ie::ht_operation::parse(e);
        (void)ie::vendor_element::parse(e);
        (void)ie::ds_channel_of(e);
    }
    return 0;
}
