// SPDX-License-Identifier: MIT
// Fuzzes service discovery's readers (GAS frames, the P2P ANQP element, service TLVs, Bonjour
// names, UPnP and Bonjour answers) and the responder answering arbitrary queries: its answer
// must read back as response TLVs and stay within its limit.
#include <softmac/ieee80211/anqp.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/p2p/services.hpp>

namespace {
const softmac::p2p::service_registry& responder() {
    static const auto r = [] {
        softmac::p2p::service_registry s;
        s.add_bonjour(softmac::p2p::bonjour_key("_ipp._tcp.local", 12),
                      {9, 'M', 'y', 'P', 'r', 'i', 'n', 't', 'e', 'r', 0xc0, 0x27});
        s.add_bonjour(softmac::p2p::bonjour_key("myprinter._ipp._tcp.local", 16),
                      {3, 'a', '=', '1'});
        s.add_upnp(0x10, "uuid:1::upnp:rootdevice");
        s.add_upnp(0x10, "uuid:1::urn:schemas-upnp-org:service:RenderingControl:1");
        for (int i = 0; i < 150; ++i)
            s.add_upnp(0x10, "uuid:" + std::to_string(i) + std::string(60, 'x'));
        return s;
    }();
    return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ie = softmac::ieee80211;
    namespace sd = softmac::p2p;
    const softmac::bytes_view in(data, size);
    if (auto g = ie::gas_frame::parse(in)) {
        (void)ie::anqp::parse_p2p_sd(g->query);
        if (auto s = ie::anqp::parse_p2p_sd(g->query, true)) {
            (void)ie::anqp::parse_service_tlvs(s->tlvs, false);
            (void)ie::anqp::parse_service_tlvs(s->tlvs, true);
        }
    }
    (void)ie::anqp::parse_service_tlvs(in, true);
    if (auto a = responder().answer(in)) {
        if (a->size() > sd::service_registry::max_response) __builtin_trap();
        if (!ie::anqp::parse_service_tlvs(*a, true)) __builtin_trap();
    }
    for (std::size_t k = 0; k < 4 && k <= size; ++k) (void)sd::bonjour_name(in, k);
    if (auto b = sd::parse_bonjour_answer(in)) (void)sd::bonjour_name(in, b->rdata_offset);
    (void)sd::parse_upnp_answer(in);
    return 0;
}
