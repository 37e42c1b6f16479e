// SPDX-License-Identifier: MIT
// Fuzzes the netlink decoder, nl80211 request validation and nested attribute walks.
#include <softmac/cfg/nl80211.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace nl = softmac::cfg::netlink;
    std::optional<nl::violation> why;
    (void)softmac::cfg::nl80211::decode_request({data, size}, &why);
    if (auto m = nl::message::parse({data, size}))
        for (nl::attribute a : m->attrs)
            if (auto inner = nl::attributes::parse(a.data))
                for (nl::attribute b : *inner) (void)b.as<std::uint32_t>();
    return 0;
}
