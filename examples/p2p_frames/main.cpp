// SPDX-License-Identifier: MIT
// p2p_frames: build a Wi-Fi Direct discovery and GO negotiation exchange with softmac,
// write it to p2p_frames.pcap (radiotap + FCS), read it back and print what softmac decodes.
#include <array>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/ieee80211/dissect.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/pcap.hpp>
#include <softmac/ieee80211/radiotap.hpp>
#include <softmac/ieee80211/rates.hpp>

namespace ie = softmac::ieee80211;
using softmac::byte_writer;
using softmac::mac_address;

namespace {

const mac_address laptop = mac_address::parse("02:00:00:00:01:00").value();
const mac_address phone = mac_address::parse("02:00:00:00:02:00").value();

void ofdm_rates(byte_writer& w) {
    std::array<std::uint8_t, 8> r{};
    for (std::size_t i = 0; i < r.size(); ++i)
        r[i] = ie::rates_ofdm[i].octet(ie::rates_ofdm[i].mandatory);
    ie::put::rates(w, r);
}

void device_info(byte_writer& w, const mac_address& a, std::string_view name) {
    ie::p2p::device_info{a, ie::wps::config_method::push_button, {10, 0x0050f204, 5}, 0, {}, name}
        .write(w);
}

// Each builder writes one frame into a pooled buffer: header, fixed fields, elements.
void probe_request(byte_writer& w) {
    ie::write_mgmt_header(w, ie::mgmt_subtype::probe_req, mac_address::broadcast(), laptop,
                          mac_address::broadcast(), 1);
    ie::put::ssid(w, "DIRECT-");
    ofdm_rates(w);
    ie::put::ds_params(w, 1);
    ie::vendor_ie_builder p2p(ie::vendor::p2p);
    ie::p2p::capability{0x25, 0}.write(p2p.body());
    ie::p2p::channel_attr{{'X', 'X', 4}, 81, 6}.write(p2p.body(), ie::p2p::attr::listen_channel);
    p2p.emit(w);
}

void probe_response(byte_writer& w) {
    ie::write_mgmt_header(w, ie::mgmt_subtype::probe_resp, laptop, phone, phone, 1);
    ie::write_beacon_fixed(w, 0, 100, ie::capab::short_preamble | ie::capab::short_slot);
    ie::put::ssid(w, "DIRECT-");
    ofdm_rates(w);
    ie::put::ds_params(w, 1);
    ie::vendor_ie_builder p2p(ie::vendor::p2p);
    ie::p2p::capability{0x25, 0}.write(p2p.body());
    device_info(p2p.body(), phone, "Phone");
    p2p.emit(w);
}

void go_negotiation(byte_writer& w, std::uint8_t subtype, const mac_address& from,
                    const mac_address& to, std::uint8_t intent, bool tie) {
    ie::write_mgmt_header(w, ie::mgmt_subtype::action, to, from, to, std::uint16_t(2 + subtype));
    ie::write_vendor_action(w, true, ie::vendor::p2p, subtype, 1);
    ie::vendor_ie_builder p2p(ie::vendor::p2p);
    if (subtype != ie::p2p::public_action::go_neg_req)
        ie::p2p::write_octet(p2p.body(), ie::p2p::attr::status, ie::p2p::status::success);
    ie::p2p::capability{0x25, 0}.write(p2p.body());
    if (subtype != ie::p2p::public_action::go_neg_conf) {
        ie::p2p::go_intent{intent, tie}.write(p2p.body());
        ie::p2p::config_timeout{100, 20}.write(p2p.body());
        ie::p2p::write_address(p2p.body(), ie::p2p::attr::intended_interface_addr, from);
        device_info(p2p.body(), from, from == laptop ? "Laptop" : "Phone");
    }
    ie::p2p::channel_attr{{'X', 'X', 4}, 81, 6}.write(p2p.body(), ie::p2p::attr::operating_channel);
    if (subtype != ie::p2p::public_action::go_neg_req)
        ie::p2p::group_id{laptop, "DIRECT-sm"}.write(p2p.body());
    p2p.emit(w);
}

}  // namespace

int main() {
    softmac::fixed_pool<8, 512> pool;  // no heap for frames
    std::ofstream out("p2p_frames.pcap", std::ios::binary);
    ie::pcap::writer pcap(out, ie::pcap::linktype::ieee802_11_radiotap);

    auto emit = [&](std::uint64_t t_us, auto&& build) {
        auto buf = pool.allocate(32);
        if (!buf) return;
        auto tail = buf->put(buf->tailroom());
        byte_writer w(*tail);
        build(w);
        ie::append_fcs(w);
        (void)buf->trim(w.size());
        std::array<std::uint8_t, 32> rt{};
        byte_writer rw(rt);
        ie::radiotap::write(rw, {t_us, ie::radiotap::flag::fcs_at_end, 12, 2437,
                                 ie::radiotap::chan::ghz2 | ie::radiotap::chan::ofdm, -45});
        pcap.write(t_us * 1000, rw.written(), buf->view());
    };
    emit(1000, probe_request);
    emit(1300, probe_response);
    emit(5000, [](byte_writer& w) {
        go_negotiation(w, ie::p2p::public_action::go_neg_req, laptop, phone, 15, true);
    });
    emit(5800, [](byte_writer& w) {
        go_negotiation(w, ie::p2p::public_action::go_neg_resp, phone, laptop, 0, false);
    });
    emit(6200, [](byte_writer& w) {
        go_negotiation(w, ie::p2p::public_action::go_neg_conf, laptop, phone, 15, true);
    });
    out.close();
    std::cout << "softmac: wrote p2p_frames.pcap (" << pcap.count() << " frames)\n\n";

    std::ifstream in("p2p_frames.pcap", std::ios::binary);
    const std::vector<std::uint8_t> file{std::istreambuf_iterator<char>(in), {}};
    auto r = ie::pcap::reader::open(file);
    std::size_t n = 0;
    for (auto p = r->next(); p && *p; p = r->next())
        std::cout << ie::to_text(ie::dissect((*p)->data, (*p)->linktype), ++n);

    if (std::system("command -v tshark >/dev/null 2>&1") == 0) {
        std::cout << "\ntshark's view of the same capture:\n" << std::flush;
        return std::system("tshark -n -r p2p_frames.pcap 2>/dev/null") == 0 ? 0 : 1;
    }
    return 0;
}
