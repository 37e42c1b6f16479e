// SPDX-License-Identifier: MIT
// Fuzzes the MAC's RX side: any bytes as a received frame on a stack with a beaconing AP, a
// station and a registration (duplicate check, defragmentation, A-MSDU, 802.3 conversion, and
// the management half: BSS table, AP and station MLME, registrations, action return).
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

namespace {
using namespace softmac;

using stack_type = mac::stack<drivers::loopback<virtual_time>, virtual_time>;

struct world {
    virtual_time time;
    sim::medium<virtual_time> air{time, 1};
    heap_pool pool{frame_buffer_size, 64};
    stack_type s{time, pool, {}, {}, air, drivers::loopback_description(0)};
    world() {
        (void)s.start();
        auto ap = s.add_interface(driver::iftype::ap);
        auto sta = s.add_interface(driver::iftype::station);
        if (!ap || !sta) return;
        (void)s.start_ap(ap->index,
                         mac::make_ap_params(ap->addr, "fuzz",
                                             *ieee80211::make_channel(ieee80211::band::ghz2_4, 1),
                                             ieee80211::rates_2ghz));
        const std::uint8_t p2p[] = {0x04, 0x09, 0x50, 0x6f, 0x9a, 0x09};
        (void)s.register_frame(sta->index, 0x00d0, p2p, 1);
        auto& st = s.data().state_of(sta->index);
        st.bssid = mac_address::parse("02:00:00:00:02:00").value();
        st.associated = true;
        const std::uint32_t all =
            mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme;
        (void)s.data().stations().add(st.bssid, sta->index, all);
    }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static world w;  // state carries over between inputs: fragments, duplicates, caches, peers
    if (size > 2300) return 0;
    auto b = w.pool.allocate(32);
    if (!b || !b->append({data, size})) return 0;
    driver::rx_status rs;
    rs.freq = 2412;
    w.s.data().on_rx(std::move(*b), rs);
    w.time.run_for(std::chrono::milliseconds(100));  // ages caches, runs MLME timers and beacons
    return 0;
}
