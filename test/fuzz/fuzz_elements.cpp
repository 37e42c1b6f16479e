// SPDX-License-Identifier: MIT
// Fuzzes the element sequence and every typed element accessor; iteration must visit exactly
// the elements for_each_element visits (those of lengths their IDs allow).
#include <cstdlib>
#include <vector>

#include <softmac/ieee80211/elements.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ie = softmac::ieee80211;
    auto r = ie::element_range::parse({data, size});
    if (!r) return 0;
    std::vector<const std::uint8_t*> walked, iterated;
    const auto all = ie::for_each_element(
        {data, size}, [&](const ie::element& e) { walked.push_back(e.data.data()); });
    for (ie::element e : *r) iterated.push_back(e.data.data());
    const bool skipped = walked.size() != *all;
    if (walked != iterated || r->skips() != skipped) std::abort();
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
