// SPDX-License-Identifier: MIT
// link_ideal: the TCP goodput (Mbit/s) the simulated medium's own airtime model allows in one
// direction of a P2P group: each 1500-octet IP packet is one CCMP-protected QoS data frame at
// 54 Mbit/s OFDM, then SIFS, the ACK at its control response rate, and DIFS. TCP's own ACKs go
// from the other device, whose airtime the medium keeps apart. link_bench.sh divides what
// iperf3 measures by this.
#include <cstdio>

#include <softmac/ieee80211/rates.hpp>
#include <softmac/sim/medium.hpp>

int main() {
    using namespace softmac;
    constexpr std::size_t ip = 1500, mss = 1448;  // iperf3's MSS with TCP timestamps
    // QoS data header, CCMP header, LLC/SNAP, the packet, MIC, FCS.
    constexpr std::size_t mpdu = 26 + 8 + 8 + ip + 8 + 4;
    const auto r = *ieee80211::find_rate(540);
    using medium = sim::medium<real_time>;
    const auto us = [](duration d) { return double(d.count()) / 1000.0; };
    const double frame_us = ieee80211::airtime_us(mpdu, r) + us(medium::sifs) +
                            ieee80211::airtime_us(14, ieee80211::control_response_rate(r)) +
                            us(medium::difs);
    std::printf("%.3f %.1f\n", mss * 8 / frame_us, frame_us);
}
