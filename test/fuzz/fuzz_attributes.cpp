// SPDX-License-Identifier: MIT
// Fuzzes P2P and WPS attribute streams (reassembled across vendor elements), typed attributes,
// the P2P engine's readers of element lists and public action frames, and a GO's probe filter;
// a probe request read the short way must give the facts of its full reading.
#include <cstdlib>

#include <softmac/ieee80211/p2p.hpp>
#include <softmac/p2p/messages.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ie = softmac::ieee80211;
    namespace p2p = ie::p2p;
    const softmac::bytes_view in(data, size);
    if (auto a = p2p::attribute_range::parse(in)) {
        for (ie::attribute x : *a) {
            (void)p2p::capability::parse(x.data);
            (void)p2p::go_intent::parse(x.data);
            (void)p2p::config_timeout::parse(x.data);
            (void)p2p::channel_attr::parse(x.data);
            (void)p2p::ext_listen_timing::parse(x.data);
            (void)p2p::address_of(x.data);
            if (auto l = p2p::channel_list::parse(x.data)) (void)l->contains(81, 6);
            (void)p2p::device_info::parse(x.data);
            (void)p2p::group_id::parse(x.data);
            (void)p2p::notice_of_absence::parse(x.data);
            (void)p2p::for_each_client(x.data, [](const p2p::client_info&) {});
        }
    }
    if (auto w = ie::wps::attribute_range::parse(in))
        for (ie::attribute x : *w) (void)ie::wps::u16_of(x.data);
    if (auto els = ie::element_range::parse(in)) {
        const ie::vendor_stream s(*els, ie::vendor::p2p);
        (void)p2p::attribute_range::parse(s.bytes());
    }
    (void)softmac::p2p::parse_elements(in);
    const auto request = softmac::p2p::read_probe_request(in);
    if (!softmac::p2p::detail::same_facts(request, softmac::p2p::probe_request_facts_in_full(in)))
        std::abort();
    // A GO's probe-response filter, with the input as the request and as the GO's own elements.
    const auto half = in.subspan(0, size / 2), rest = in.subspan(size / 2);
    (void)p2p::group_answers_probe(half, rest);
    (void)p2p::group_answers_probe(rest, half);
    (void)softmac::p2p::parse_public_action(in);
    return 0;
}
