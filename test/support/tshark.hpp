// SPDX-License-Identifier: MIT
/// @file Runs tshark (the outside judge) on a pcap and returns its field output.
#pragma once

#include <array>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace softmac::test {

/// @brief Runs a shell command and returns its standard output.
inline std::string run(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        std::array<char, 4096> buf;
        std::size_t n;
        while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
        ::pclose(p);
    }
    return out;
}

/// @brief tshark -T fields for the given fields, one row per frame, cells split on tabs.
inline std::vector<std::vector<std::string>> tshark_fields(const std::string& pcap,
                                                           const std::vector<std::string>& fields,
                                                           const std::string& extra = "") {
    std::string cmd = std::string(SOFTMAC_TSHARK) + " -n -r '" + pcap +
                      "' -o wlan.check_checksum:TRUE -o wlan.enable_decryption:FALSE " + extra +
                      " -T fields -E occurrence=a -E aggregator='|'";
    for (const auto& f : fields) cmd += " -e " + f;
    cmd += " 2>/dev/null";
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(run(cmd));
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream ls(line);
        while (std::getline(ls, cell, '\t')) cells.push_back(cell);
        cells.resize(fields.size());
        rows.push_back(std::move(cells));
    }
    return rows;
}

}  // namespace softmac::test
