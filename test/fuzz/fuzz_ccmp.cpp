// SPDX-License-Identifier: MIT
// Fuzzes CCMP in the data path: an AP and an associated station (software CCMP on loopback
// radios) with a pairwise key and a group key taken from the input get frames through on_rx:
// raw ones (protected or not, any header, any length) and ones the fuzzer encrypts itself under
// the installed key with a fresh PN, so decapsulation reaches past the MIC; and round trips,
// where one side's TX handler encrypts and the other's RX handler must give the frame back.
//
// Input: PTK (16) | GTK (16) | control | chunks [selector][length][octets].
// Control bits 0-1: the GTK's Key ID; bit 2: no keys at all (the unprotected-frame rule).
// Selector bits 0-1: 0 raw frame to the AP, 1 raw frame to the station, 2 encrypted frame,
// 3 round trip. Bit 2: towards the station (else the AP); bit 3: group-addressed (encrypted,
// round trip) or real addresses patched in (encrypted); bits 4-7: added to the PN.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/drivers/loopback.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/mac/stack.hpp>

namespace {
using namespace softmac;
namespace ccmp = ieee80211::ccmp;

/// The 802.3 frames a stack delivers.
struct sink {
    std::vector<std::vector<std::uint8_t>> frames;
    void deliver(std::uint8_t, frame_buffer&& b) {
        frames.emplace_back(b.view().begin(), b.view().end());
    }
};

using stack_type = mac::stack<drivers::loopback<virtual_time>, virtual_time, mac::net<sink>,
                              mac::crypto<crypto::aes_ccm_key>>;

/// Stops the run with a crash libFuzzer reports (the round trip gave something else back).
[[noreturn]] void fail() { std::abort(); }

struct world {
    virtual_time time;
    sim::medium<virtual_time> air{time, 1};
    heap_pool pool{frame_buffer_size, 64};
    stack_type ap{time, pool, {}, {}, air, drivers::loopback_description(0)};
    stack_type sta{time, pool, {}, {}, air, drivers::loopback_description(1)};
    driver::vif a{}, s{};
    bool up = false;

    world() {
        if (!ap.start() || !sta.start()) return;
        auto av = ap.add_interface(driver::iftype::ap);
        auto sv = sta.add_interface(driver::iftype::station);
        if (!av || !sv) return;
        a = *av;
        s = *sv;
        if (!ap.start_ap(a.index,
                         mac::make_ap_params(a.addr, "fuzz",
                                             *ieee80211::make_channel(ieee80211::band::ghz2_4, 1),
                                             ieee80211::rates_2ghz)))
            return;
        auto& st = sta.data().state_of(s.index);
        st.bssid = a.addr;
        st.associated = true;
        sta.radio().set_active(s, true);  // associated by hand: it uses the channel
        const std::uint32_t all =
            mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme;
        up = sta.data().stations().add(a.addr, s.index, all) &&
             ap.data().stations().add(s.addr, a.index, all);
    }
    bool install(bytes_view ptk, bytes_view gtk, std::uint8_t gid) {
        return ap.new_key(a.index, {ieee80211::suite::ccmp, 0, s.addr, ptk, {}}) &&
               ap.new_key(a.index, {ieee80211::suite::ccmp, gid, std::nullopt, gtk, {}}) &&
               ap.set_default_key(a.index, gid) &&
               sta.new_key(s.index, {ieee80211::suite::ccmp, 0, a.addr, ptk, {}}) &&
               sta.new_key(s.index, {ieee80211::suite::ccmp, gid, std::nullopt, gtk, {}});
    }
    /// Still associated both ways with the pairwise keys in place (a fuzzed deauthentication
    /// or disassociation may have ended the link).
    bool linked() {
        auto* x = ap.data().stations().find(s.addr);
        auto* y = sta.data().stations().find(a.addr);
        return x && y && x->ptk.valid && y->ptk.valid && sta.data().state_of(s.index).associated;
    }
};

void inject(world& w, stack_type& to, bytes_view frame) {
    auto b = w.pool.allocate(32);
    if (!b || !b->append(frame)) return;
    driver::rx_status rs;
    rs.freq = 2412;
    to.data().on_rx(std::move(*b), rs);
}

std::uint64_t highest(const std::array<std::uint64_t, ccmp::replay_counters>& pns) {
    return *std::max_element(pns.begin(), pns.end());
}

/// Encrypts `chunk` (a MAC header and a body) as `to`'s key for it would, with a PN above every
/// one `to` has accepted, and hands it to `to`.
void encrypted(world& w, std::uint8_t sel, bytes_view chunk, bytes_view ptk, bytes_view gtk,
               std::uint8_t gid) {
    const bool to_sta = sel & 4;
    stack_type& to = to_sta ? w.sta : w.ap;
    std::vector<std::uint8_t> f(chunk.begin(), chunk.end());
    if (f.size() < 24) f.resize(24);
    f[0] = static_cast<std::uint8_t>((f[0] & 0xf3) | 0x08);  // a data frame
    if (sel & 8) {  // real addresses: from the AP (FromDS) or from the station (ToDS)
        const mac_address a1 =
            to_sta ? (sel & 0x10 ? mac_address::broadcast() : w.s.addr) : w.a.addr;
        const mac_address a2 = to_sta ? w.a.addr : w.s.addr;
        f[1] = static_cast<std::uint8_t>((f[1] & 0xfc) | (to_sta ? 0x02 : 0x01));
        std::copy_n(a1.octets.begin(), 6, f.begin() + 4);
        std::copy_n(a2.octets.begin(), 6, f.begin() + 10);
        std::copy_n(w.a.addr.octets.begin(), 6, f.begin() + 16);
    }
    f[1] |= 0x40;  // Protected
    const auto h = ieee80211::header_view::parse(f);
    if (!h) return inject(w, to, f);
    const std::size_t hdrlen = h->length();
    const bool group = h->addr1().is_multicast();
    const std::uint8_t id = group ? gid : 0;
    std::uint64_t pn = 1;
    const std::uint8_t vif = to_sta ? w.s.index : w.a.index;
    if (group) {
        if (auto* k = to.data().group_key(vif, gid)) pn = highest(k->rx_pn) + 1;
    } else if (auto* st = to.data().stations().find(h->addr2())) {
        pn = highest(st->ptk.rx_pn) + 1;
    }
    pn = (pn + (sel >> 4)) & ccmp::pn_mask;
    std::vector<std::uint8_t> out(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(hdrlen));
    out.resize(hdrlen + ccmp::header_len);
    ccmp::write_header(out.data() + hdrlen, pn, id);
    out.insert(out.end(), f.begin() + static_cast<std::ptrdiff_t>(hdrlen), f.end());
    out.resize(out.size() + ccmp::mic_len);
    crypto::aes_ccm_key key;
    if (!key.set(group ? gtk : ptk)) return;
    const auto blk = ccmp::make_block(out.data(), hdrlen, pn);
    const std::size_t body = out.size() - hdrlen - ccmp::header_len - ccmp::mic_len;
    if (!key.encrypt(blk.nonce.data(), blk.aad_view(),
                     bytes_span(out.data() + hdrlen + ccmp::header_len, body),
                     out.data() + out.size() - ccmp::mic_len))
        return;
    inject(w, to, out);
}

/// 802.3 with `payload` from one side to the other: what arrives must be what was sent.
void round_trip(world& w, std::uint8_t sel, bytes_view payload) {
    const bool to_sta = sel & 4, group = to_sta && (sel & 8);
    if (!w.linked()) return;
    stack_type& from = to_sta ? w.ap : w.sta;
    stack_type& to = to_sta ? w.sta : w.ap;
    const driver::vif& src = to_sta ? w.a : w.s;
    const mac_address dst = group ? mac_address::broadcast() : to_sta ? w.s.addr : w.a.addr;
    // Frames the fuzzer encrypted moved the receiver's PNs on: the sender catches up, as if it
    // had sent them (a sender never goes back below a PN its peer accepted).
    auto* tx = group ? from.data().default_group_key(src.index)
                     : &from.data().stations().find(to_sta ? w.s.addr : w.a.addr)->ptk;
    auto* rx = group ? to.data().group_key(w.s.index, tx ? tx->id : 0)
                     : &to.data().stations().find(src.addr)->ptk;
    if (!tx || !rx) return;
    tx->tx_pn = std::max(tx->tx_pn, highest(rx->rx_pn));
    if (tx->tx_pn + 16 > ccmp::pn_mask) return;
    std::vector<std::uint8_t> eth(14);
    std::copy_n(dst.octets.begin(), 6, eth.begin());
    std::copy_n(src.addr.octets.begin(), 6, eth.begin() + 6);
    eth[12] = 0x88;
    eth[13] = 0xb5;
    eth.insert(eth.end(), payload.begin(), payload.end());
    auto b = w.pool.allocate(from.data().headroom());
    if (!b || !b->append(eth)) return;
    const std::uint64_t pn_before = tx->tx_pn;
    to.net().frames.clear();
    from.transmit(src.index, std::move(*b));
    w.time.run_for(std::chrono::milliseconds(20));
    if (tx->tx_pn == pn_before) fail();  // sent unprotected
    if (to.net().frames.size() != 1 || to.net().frames.front() != eth) fail();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 33 || size > 4096) return 0;
    world w;  // a fresh pair per input: a crash reproduces from its input alone
    if (!w.up) return 0;
    const bytes_view ptk{data, 16}, gtk{data + 16, 16};
    const std::uint8_t ctl = data[32], gid = ctl & 3;
    const bool keyed = !(ctl & 4);
    if (keyed && !w.install(ptk, gtk, gid)) fail();
    std::size_t pos = 33;
    while (pos + 2 <= size) {
        const std::uint8_t sel = data[pos];
        const std::size_t len = std::min<std::size_t>(data[pos + 1], size - pos - 2);
        const bytes_view chunk{data + pos + 2, len};
        pos += 2 + len;
        switch (sel & 3) {
            case 0:
                inject(w, w.ap, chunk);
                break;
            case 1:
                inject(w, w.sta, chunk);
                break;
            case 2:
                encrypted(w, sel, chunk, ptk, gtk, gid);
                break;
            default:
                if (keyed) round_trip(w, sel, chunk);
                break;
        }
        w.time.run_for(std::chrono::milliseconds(2));
    }
    return 0;
}
