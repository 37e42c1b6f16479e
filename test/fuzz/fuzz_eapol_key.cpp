// SPDX-License-Identifier: MIT
// Fuzzes the EAPOL-Key parser and Key Data items, then feeds frames (raw, or real handshake
// frames with fuzzed octets overlaid) to a supplicant and an authenticator in every state.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include <softmac/core/scheduler.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/rsn/authenticator.hpp>
#include <softmac/rsn/supplicant.hpp>

namespace {

using namespace softmac;

struct fuzz_ctx {
    virtual_time& clock;
    std::function<void(std::vector<std::uint8_t>)> deliver;
    std::vector<std::vector<std::uint8_t>> sent;

    void send_eapol(const mac_address&, bytes_view frame) {
        sent.emplace_back(frame.begin(), frame.end());
        clock.schedule_in(std::chrono::milliseconds(1), [this, f = sent.back()] { deliver(f); });
    }
    result<void> install_key(const rsn::key_install&) { return {}; }
    void authorize(const mac_address&, bool) {}
    void deauthenticate(const mac_address&, std::uint16_t) {}
    void emit(const rsn::event&) {}
    virtual_time& time() { return clock; }
    std::uint64_t group_tx_pn(std::uint8_t) const { return 7; }
};

const std::uint8_t rsn_ie[] = {0x30, 0x14, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00,
                               0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x02, 0x00, 0x00};

void parse_only(bytes_view b) {
    namespace ie = ieee80211;
    auto k = ie::eapol_key::parse(b);
    (void)ie::key_data_summary::parse(b);
    (void)ie::for_each_key_data_item(b, [](const ie::key_data_item& it) {
        if (it.is_kde()) (void)it.selector(), (void)it.kde_data();
    });
    if (!k) return;
    (void)k->rsc_pn();
    (void)ie::key_data_summary::parse(k->key_data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parse_only({data, size});
    if (size < 1) return 0;

    virtual_time clock;
    const mac_address ap_addr{{2, 0, 0, 0, 0, 0}}, sta_addr{{2, 0, 0, 0, 1, 0}};
    crypto::psk pmk{};
    pmk.fill(0x5a);
    fuzz_ctx ap_ctx{clock, {}, {}}, sta_ctx{clock, {}, {}};
    rsn::authenticator<fuzz_ctx> ap(ap_ctx, ap_addr, pmk, rsn_ie);
    rsn::supplicant<fuzz_ctx> sta(sta_ctx);
    ap_ctx.deliver = [&](std::vector<std::uint8_t> f) { (void)sta.receive(ap_addr, f); };
    sta_ctx.deliver = [&](std::vector<std::uint8_t> f) { (void)ap.receive(sta_addr, f); };
    (void)ap.start();
    (void)sta.start(sta_addr, ap_addr, pmk, rsn_ie, rsn_ie);
    (void)ap.associate(sta_addr, rsn_ie);
    // Stage: how many real frames are delivered before the fuzzed ones (0 .. complete).
    const unsigned stage = data[0] % 5;
    for (unsigned i = 0; i < stage; ++i) clock.run(1);
    if (stage == 4) clock.run_for(std::chrono::milliseconds(50));

    // Then chunks: [selector][length][octets]. Selector bit 0: to the supplicant or the
    // authenticator; bit 1: raw, or overlaid (XOR) on the latest real frame the target got.
    std::size_t pos = 1;
    while (pos + 2 <= size) {
        const std::uint8_t sel = data[pos];
        const std::size_t len = std::min<std::size_t>(data[pos + 1], size - pos - 2);
        const bytes_view chunk{data + pos + 2, len};
        pos += 2 + len;
        const bool to_sta = sel & 1;
        auto& source = to_sta ? ap_ctx.sent : sta_ctx.sent;
        std::vector<std::uint8_t> frame;
        if ((sel & 2) && !source.empty()) {
            frame = source.back();
            for (std::size_t i = 0; i < chunk.size() && i < frame.size(); ++i)
                frame[(i * 7 + sel) % frame.size()] ^= chunk[i];
            if (sel & 4) frame.resize(frame.size() - std::min<std::size_t>(frame.size(), sel >> 3));
        } else {
            frame.assign(chunk.begin(), chunk.end());
        }
        if (to_sta)
            (void)sta.receive(ap_addr, frame);
        else
            (void)ap.receive(sta_addr, frame);
        if (sel & 0x80) (void)ap.rekey_group();
        clock.run_for(std::chrono::milliseconds(sel & 0x40 ? 1500 : 2));
    }
    clock.run_for(std::chrono::seconds(12));
    return 0;
}
