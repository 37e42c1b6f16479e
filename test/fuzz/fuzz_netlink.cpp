// SPDX-License-Identifier: MIT
// Fuzzes the netlink decoder, nl80211 request validation, the typed decoding of every command
// through the command table, event decoding and nested attribute walks.
#include <softmac/cfg/messages.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace nl = softmac::cfg::netlink;
    namespace cfg = softmac::cfg;
    std::optional<nl::violation> why;
    if (auto d = cfg::nl80211::decode_request({data, size}, &why))
        (void)cfg::with_command(
            d->msg.cmd, [&](auto proto) { (void)cfg::decode<decltype(proto)>(d->msg.attrs); });
    (void)cfg::decode_event({data, size});
    if (auto m = nl::message::parse({data, size}))
        for (nl::attribute a : m->attrs)
            if (auto inner = nl::attributes::parse(a.data))
                for (nl::attribute b : *inner) (void)b.as<std::uint32_t>();
    return 0;
}
