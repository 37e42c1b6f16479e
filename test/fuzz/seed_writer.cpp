// SPDX-License-Identifier: MIT
// Writes the fuzz seeds: every reference frame, and every packet of the captures when present.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <softmac/ieee80211/pcap.hpp>

#include "reference_frames.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const fs::path out = argv[1];
    std::size_t n = 0;
    auto save = [&](softmac::bytes_view b) {
        std::ofstream(out / ("seed_" + std::to_string(n++)), std::ios::binary)
            .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    };
    for (const auto& f : softmac::test::reference_frames()) save(f.bytes);
    if (argc > 2 && fs::is_directory(argv[2])) {
        for (const auto& e : fs::recursive_directory_iterator(argv[2])) {
            if (!e.is_regular_file() || e.path().extension() == ".md") continue;
            std::ifstream in(e.path(), std::ios::binary);
            const std::vector<std::uint8_t> file{std::istreambuf_iterator<char>(in), {}};
            if (file.size() < 64 * 1024) save(file);  // whole small files seed the pcap reader
            auto r = softmac::ieee80211::pcap::reader::open(file);
            for (std::size_t k = 0; r && k < 200; ++k) {
                auto p = r->next();
                if (!p || !*p) break;
                save((*p)->data);
            }
        }
    }
    return 0;
}
