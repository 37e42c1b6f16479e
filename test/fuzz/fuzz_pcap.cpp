// SPDX-License-Identifier: MIT
// Fuzzes the pcap and pcapng reader.
#include <softmac/ieee80211/pcap.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto r = softmac::ieee80211::pcap::reader::open({data, size});
    if (!r) return 0;
    for (int i = 0; i < 10000; ++i) {
        auto p = r->next();
        if (!p || !*p) break;
    }
    return 0;
}
