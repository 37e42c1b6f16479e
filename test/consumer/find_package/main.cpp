// A product that found softmac with find_package: parse a frame it built.
#include <array>
#include <cstdio>

#include <softmac/ieee80211/management.hpp>

int main() {
    namespace ie = softmac::ieee80211;
    std::array<std::uint8_t, 64> buf{};
    softmac::byte_writer w(buf);
    const auto sta = softmac::mac_address::parse("02:00:00:00:01:00").value();
    ie::write_mgmt_header(w, ie::mgmt_subtype::probe_req, softmac::mac_address::broadcast(), sta,
                          softmac::mac_address::broadcast());
    ie::put::ssid(w, "softmac");
    auto h = ie::header_view::parse(w.written());
    auto body = ie::parse_mgmt_body(h->fc(), h->body());
    auto ssid = body->elements.find(ie::eid::ssid);
    std::printf("%.*s\n", int(ssid->data.size()), reinterpret_cast<const char*>(ssid->data.data()));
    return ie::ssid_of(*ssid) == "softmac" ? 0 : 1;
}
