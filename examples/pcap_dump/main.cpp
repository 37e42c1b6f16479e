// SPDX-License-Identifier: MIT
// pcap_dump: decode every frame of a pcap or pcapng file with softmac, as text or JSON lines.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string_view>
#include <vector>

#include <softmac/ieee80211/dissect.hpp>
#include <softmac/ieee80211/pcap.hpp>

namespace ie = softmac::ieee80211;

int main(int argc, char** argv) {
    bool json = false, fcs = false;
    const char* path = nullptr;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--json")
            json = true;
        else if (a == "--fcs")
            fcs = true;
        else if (a == "-h" || a == "--help")
            path = nullptr, i = argc;
        else
            path = argv[i];
    }
    if (!path) {
        std::cerr << "usage: pcap_dump [--json] [--fcs] FILE\n"
                     "  decodes each 802.11 frame of a pcap/pcapng file (linktype 105 or 127)\n"
                     "  --json  one JSON object per line\n"
                     "  --fcs   linktype-105 frames end in an FCS\n";
        return 2;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "pcap_dump: cannot open " << path << "\n";
        return 1;
    }
    const std::vector<std::uint8_t> file{std::istreambuf_iterator<char>(in), {}};
    auto reader = ie::pcap::reader::open(file);
    if (!reader) {
        std::cerr << "pcap_dump: " << path << ": " << reader.err().what << "\n";
        return 1;
    }
    std::size_t n = 0, malformed = 0;
    for (;;) {
        auto p = reader->next();
        if (!p) {
            std::cerr << "pcap_dump: " << path << ": after frame " << n << ": " << p.err().what
                      << " (offset " << p.err().offset << ")\n";
            break;
        }
        if (!*p) break;
        const auto d = ie::dissect((*p)->data, (*p)->linktype, fcs, (*p)->original_length);
        ++n;
        if (!d.ok()) ++malformed;
        if (json)
            std::cout << ie::to_json(d, n) << '\n';
        else
            std::cout << ie::to_text(d, n);
    }
    std::cerr << "pcap_dump: " << n << " frames, " << malformed << " malformed\n";
    return 0;
}
