// SPDX-License-Identifier: MIT
// Fuzzes the pcap and pcapng readers: the in-memory reader and the stream reader, which must
// agree packet for packet.
#include <sstream>
#include <string>

#include <softmac/ieee80211/pcap.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace pcap = softmac::ieee80211::pcap;
    auto r = pcap::reader::open({data, size});
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    auto s = pcap::stream_reader::open(in);
    if (bool(r) != bool(s)) __builtin_trap();
    if (!r) return 0;
    for (int i = 0; i < 10000; ++i) {
        auto p = r->next();
        auto q = s->next();
        if (bool(p) != bool(q)) __builtin_trap();
        if (!p || !*p) {
            if (p && bool(*q)) __builtin_trap();
            break;
        }
        if (!*q || (*q)->data.size() != (*p)->data.size()) __builtin_trap();
    }
    return 0;
}
