// SPDX-License-Identifier: MIT
// Fuzzes the MAC's RX pipeline: any bytes as a received frame, on an AP and a station interface
// (duplicate check, defragmentation, A-MSDU, 802.3 conversion, management hand-up).
#include <softmac/mac/data_path.hpp>

namespace {
using namespace softmac;

using null_upper = mac::null_upper;
using path = mac::data_path<mac::capabilities{}, virtual_time, null_upper>;

struct world {
    virtual_time time;
    heap_pool pool{2400, 64};
    path mac{time, pool, null_upper{}};
    world() {
        driver::hw_description hw;
        hw.bands[0] = {ieee80211::band::ghz2_4, driver::channels_2ghz, ieee80211::rates_2ghz};
        hw.n_bands = 1;
        const mac_address ap = mac_address::parse("02:00:00:00:00:00").value();
        const mac_address sta = mac_address::parse("02:00:00:00:01:00").value();
        mac.attach({ap, driver::iftype::ap, 0}, hw);
        auto& s = mac.attach({sta, driver::iftype::station, 1}, hw);
        s.bssid = mac_address::parse("02:00:00:00:02:00").value();
        s.associated = true;
        const std::uint32_t all =
            mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme;
        (void)mac.stations().add(sta, 0, all);
        (void)mac.stations().add(s.bssid, 1, all);
    }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static world w;  // state carries over between inputs: fragments, duplicates, caches
    if (size > 2300) return 0;
    auto b = w.pool.allocate(32);
    if (!b || !b->append({data, size})) return 0;
    w.mac.on_rx(std::move(*b), driver::rx_status{});
    w.time.run_for(std::chrono::milliseconds(100));  // ages the defragmentation cache
    return 0;
}
