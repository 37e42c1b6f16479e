// SPDX-License-Identifier: MIT
// Fuzzes the element sequence and every typed element accessor.
#include <softmac/ieee80211/elements.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ie = softmac::ieee80211;
    auto r = ie::element_range::parse({data, size});
    if (!r) return 0;
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
