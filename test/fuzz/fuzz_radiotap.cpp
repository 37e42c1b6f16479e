// SPDX-License-Identifier: MIT
// Fuzzes the radiotap parser and the radiotap path of the dissector.
#include <softmac/ieee80211/dissect.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ie = softmac::ieee80211;
    (void)ie::radiotap::parse({data, size});
    (void)ie::dissect({data, size}, ie::pcap::linktype::ieee802_11_radiotap);
    return 0;
}
