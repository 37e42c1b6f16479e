// SPDX-License-Identifier: MIT
// pcap_dump: decode every frame of a pcap or pcapng file with softmac, as text or JSON lines.
// Errors in the input are reported with a non-zero exit status (1; 2 for usage).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string_view>

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
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        std::cerr << "pcap_dump: " << path << ": is a directory\n";
        return 1;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "pcap_dump: cannot open " << path << "\n";
        return 1;
    }
    // One record at a time: a pipe, a FIFO or a device is read as it comes, in bounded memory.
    auto reader = ie::pcap::stream_reader::open(in);
    if (!reader) {
        std::cerr << "pcap_dump: " << path << ": " << reader.err().what << "\n";
        return 1;
    }
    std::size_t n = 0, malformed = 0;
    int status = 0;
    for (;;) {
        auto p = reader->next();
        if (!p) {
            std::cerr << "pcap_dump: " << path << ": after frame " << n << ": " << p.err().what
                      << " (offset " << p.err().offset << ")\n";
            status = 1;
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
    if (in.bad()) {
        std::cerr << "pcap_dump: " << path << ": read error\n";
        status = 1;
    }
    std::cerr << "pcap_dump: " << n << " frames, " << malformed << " malformed\n";
    return status;
}
