// SPDX-License-Identifier: MIT
// loopback_pair: two loopback radios on a simulated medium, under virtual time. Radio A beacons
// and both exchange data frames; every upcall is printed, and the medium's monitor tap writes
// loopback_pair.pcap (radiotap + FCS).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <softmac/drivers/loopback.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/mac/radio.hpp>
#include <softmac/vap/device.hpp>

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;

namespace {

/// Prints what reaches the layer above the driver.
struct printing_sink {
    const char* name;
    const virtual_time* clock;
    void stamp() const {
        std::printf("%9.3f ms  %s  ",
                    std::chrono::duration<double, std::milli>(clock->now()).count(), name);
    }
    void on_rx(frame_buffer&& b, const driver::rx_status& s) {
        stamp();
        auto h = ie::header_view::parse(b.view());
        if (!h) return (void)std::printf("rx malformed frame\n");
        std::printf("rx %-14s from %s  %u bytes  %u MHz  %d dBm\n",
                    std::string(ie::subtype_name(h->fc())).c_str(), h->addr2().to_string().c_str(),
                    unsigned(b.size()), s.freq, s.signal_dbm);
    }
    void on_tx_status(frame_buffer&& b, const driver::tx_status& s) {
        stamp();
        std::printf("tx status cookie %llu: %s (%u bytes)\n",
                    static_cast<unsigned long long>(s.info.cookie), s.acked ? "acked" : "no ACK",
                    unsigned(b.size()));
    }
    void on_roc_ready(std::uint64_t c) {
        stamp();
        std::printf("remain-on-channel %llu ready\n", static_cast<unsigned long long>(c));
    }
    void on_roc_expired(std::uint64_t c) {
        stamp();
        std::printf("remain-on-channel %llu expired\n", static_cast<unsigned long long>(c));
    }
    void on_scan_done(bool) {}
};

using loopback_radio = mac::radio<drivers::loopback<virtual_time>, virtual_time, printing_sink>;

}  // namespace

int main() {
    virtual_time clock;
    sim::medium<virtual_time> air(clock, /*seed=*/1);
    std::ofstream pcap("loopback_pair.pcap", std::ios::binary);
    air.tap(pcap);

    loopback_radio a(clock, printing_sink{"A", &clock}, air, drivers::loopback_description(0));
    loopback_radio b(clock, printing_sink{"B", &clock}, air, drivers::loopback_description(1));
    for (auto* r : {&a, &b})
        if (auto reg = r->register_hw(); !reg)
            return std::fprintf(stderr, "register: %s\n", reg.err().what), 1;
    // Interfaces are vaps: an AP on A, a station on B, each with its own state machine.
    vap::device<loopback_radio> dev_a(a), dev_b(b);
    const auto ap_vap = dev_a.create<vap::hostap>().value();
    const auto sta_vap = dev_b.create<vap::station>().value();
    const auto ap = dev_a.get(ap_vap)->vif;
    const auto sta = dev_b.get(sta_vap)->vif;
    const auto ch6 = *ie::make_channel(ie::band::ghz2_4, 6);
    (void)a.set_channel(ch6);
    (void)b.set_channel(ch6);
    (void)dev_a.new_state(ap_vap, vap::state::run);
    for (auto s : {vap::state::scan, vap::state::auth, vap::state::assoc, vap::state::run})
        (void)dev_b.new_state(sta_vap, s);
    std::printf("A %s (AP vap, %s), B %s (station vap, %s), channel 6, virtual time\n\n",
                ap.addr.to_string().c_str(),
                std::string(vap::to_string(dev_a.get(ap_vap)->current)).c_str(),
                sta.addr.to_string().c_str(),
                std::string(vap::to_string(dev_b.get(sta_vap)->current)).c_str());

    heap_pool pool(frame_buffer_size, 64);
    auto send = [&](loopback_radio& r, auto&& build, std::uint32_t flags, std::uint64_t cookie) {
        auto buf = pool.allocate(32);
        auto room = buf->put(512);
        byte_writer w(*room);
        build(w);
        (void)buf->trim(w.size());
        driver::tx_info info;
        info.flags = flags;
        info.rates[0] = {4, 1};  // 6 Mbit/s
        info.cookie = cookie;
        r.tx(info, std::move(*buf));
    };
    auto beacon = [&](std::uint16_t seq) {
        send(
            a,
            [&](byte_writer& w) {
                ie::write_mgmt_header(w, ie::mgmt_subtype::beacon, mac_address::broadcast(),
                                      ap.addr, ap.addr, seq);
                ie::write_beacon_fixed(w, air.now_us(), 100,
                                       ie::capab::ess | ie::capab::short_slot);
                ie::put::ssid(w, "softmac-loopback");
                const std::uint8_t rates[] = {0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c};
                ie::put::rates(w, rates);
                ie::put::ds_params(w, 6);
            },
            driver::tx_flag::no_ack, seq);
    };
    auto data = [&](loopback_radio& r, const driver::vif& from, const mac_address& to,
                    std::uint16_t seq, std::uint16_t ds) {
        send(
            r,
            [&](byte_writer& w) {
                ie::write_header(
                    w, {ie::frame_control::make(ie::frame_type::data, ie::data_subtype::data, ds),
                        44, ds == ie::frame_control::to_ds ? ap.addr : to, from.addr,
                        ds == ie::frame_control::to_ds ? to : ap.addr,
                        ie::sequence_control::make(seq, 0)});
                ie::write_snap(w, 0x88b5);  // local experimental ethertype
                w.raw(std::string_view("hello over the simulated air"));
            },
            0, 100 + seq);
    };

    for (std::uint16_t i = 0; i < 3; ++i) {
        beacon(i);
        clock.run_for(100_tu);
    }
    data(b, sta, ap.addr, 1, ie::frame_control::to_ds);
    clock.run_for(5ms);
    data(a, ap, sta.addr, 2, ie::frame_control::from_ds);
    clock.run_for(5ms);
    data(a, ap, mac_address::parse("02:00:00:42:00:00").value(), 3,
         ie::frame_control::from_ds);  // nobody
    clock.run_for(5ms);
    (void)b.remain_on_channel(sta, *ie::make_channel(ie::band::ghz2_4, 1), 50, 7);
    clock.run_for(100ms);

    pcap.close();
    const auto& st = air.stats();
    std::printf(
        "\nmedium: %llu transmitted, %llu delivered, %llu acked; wrote loopback_pair.pcap\n",
        static_cast<unsigned long long>(st.transmitted),
        static_cast<unsigned long long>(st.delivered), static_cast<unsigned long long>(st.acked));
    if (std::system("command -v tshark >/dev/null 2>&1") == 0) {
        std::printf("tshark's view of the capture:\n");
        std::fflush(stdout);
        return std::system("tshark -n -r loopback_pair.pcap 2>/dev/null") == 0 ? 0 : 1;
    }
    return 0;
}
