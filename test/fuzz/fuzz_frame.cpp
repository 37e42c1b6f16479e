// SPDX-License-Identifier: MIT
// Fuzzes the whole frame dissector (header, management bodies, actions, GAS, data, elements).
#include <softmac/ieee80211/dissect.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ie = softmac::ieee80211;
    const softmac::bytes_view b(data, size);
    (void)ie::dissect(b, ie::pcap::linktype::ieee802_11);
    (void)ie::dissect(b, ie::pcap::linktype::ieee802_11, true);
    (void)ie::dissect(b, ie::pcap::linktype::ieee802_11, false, size + 1);
    return 0;
}
