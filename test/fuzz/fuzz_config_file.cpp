// SPDX-License-Identifier: MIT
// Fuzzes the wpa_supplicant.conf parser: a document that parses is written, read again and must
// be the same document written the same way; every value goes through decode_string, and what
// it decodes to must survive encode_string.
#include <algorithm>
#include <cstdlib>

#include <softmac/p2p/ctrl/config_file.hpp>

namespace conf = softmac::p2p::ctrl::conf;

namespace {
void values_decode(const std::vector<conf::field>& fields) {
    for (const auto& f : fields) {
        const auto raw = conf::decode_string(f.value);
        if (raw && conf::decode_string(conf::encode_string(*raw)) != raw) std::abort();
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)conf::decode_string(text);
    const auto d = conf::parse(text);
    if (!d) {
        // Every refusal names a line of the input and the problem.
        const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
        if (d.err().offset == 0 || d.err().offset > lines || *d.err().what == '\0') std::abort();
        return 0;
    }
    const auto written = conf::write(*d);
    const auto again = conf::parse(written);
    if (!again || !(*again == *d) || conf::write(*again) != written) std::abort();
    values_decode(d->globals);
    for (const auto& n : d->networks) values_decode(n.fields);
    return 0;
}
