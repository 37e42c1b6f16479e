// SPDX-License-Identifier: MIT
// Fuzzes the EAP-WSC parsers (EAPOL, EAP, the WSC header), then reads the input as a sequence
// of EAP packets, each behind a 2-octet length, and feeds their WSC payloads to one
// reassembler; every message it completes is fragmented again and must come back unchanged.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <softmac/wps/eap.hpp>

namespace {

using namespace softmac;
namespace eap = softmac::wps::eap;

void parse_only(bytes_view b) {
    if (auto p = eap::parse_eapol(b)) (void)eap::parse_wsc(*p);
    if (auto p = eap::parse(b)) (void)eap::parse_wsc(*p);
}

void check_round_trip(std::uint8_t op, bytes_view message, std::size_t budget) {
    eap::fragmenter fr(op, {message.begin(), message.end()}, budget);
    eap::reassembler re;
    auto st = eap::reassembler::status::error;
    while (!fr.done()) {
        const auto p = fr.next();
        st = re.feed({p.op, p.flags, p.message_length, p.data});
        if (st == eap::reassembler::status::error) std::abort();
    }
    if (st != eap::reassembler::status::complete ||
        !std::equal(message.begin(), message.end(), re.message().begin(), re.message().end()))
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parse_only({data, size});

    eap::reassembler re;
    std::size_t pos = 0;
    while (pos + 2 <= size) {
        const std::size_t len = std::min<std::size_t>(load_be16(data + pos), size - pos - 2);
        const bytes_view chunk{data + pos + 2, len};
        pos += 2 + len;
        auto p = eap::parse(chunk);
        if (!p) continue;
        auto w = eap::parse_wsc(*p);
        if (!w) continue;
        if (re.feed(*w) == eap::reassembler::status::complete) {
            if (re.message().size() > eap::max_message) std::abort();
            check_round_trip(re.op(), re.message(), 5 + chunk.size() % 64);
        }
    }
    return 0;
}
