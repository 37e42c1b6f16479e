// SPDX-License-Identifier: MIT
// sta_ap_join: a station joins a WPA2-PSK AP over the simulated medium, driven only by
// nl80211-style requests to each radio's config layer. The AP runs on a loopback radio (CCMP in
// software), the station on a simulated rt73usb chip (CCMP in the chip). The 4-way handshake runs
// above the config layer, as hostapd and wpa_supplicant do: its EAPOL frames cross as
// CONTROL_PORT_FRAME, its keys as NEW_KEY (key material is never printed). Every request and
// every event is printed as it crosses the boundary; everything on the air goes to
// sta_ap_join.pcap, which tshark decrypts given the passphrase.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include <functional>

#include <softmac/cfg/wiphy.hpp>
#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/drivers/loopback.hpp>
#include <softmac/drivers/rt73/simulated.hpp>
#include <softmac/ieee80211/eapol_key.hpp>
#include <softmac/rsn/links.hpp>

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;

namespace {

/// Counts the 802.3 frames an interface delivers to the network side.
struct counting_net {
    std::size_t frames = 0, bytes = 0;
    void deliver(std::uint8_t, frame_buffer&& b) {
        ++frames;
        bytes += b.size();
    }
};

/// Prints every event as its netlink message decodes, then hands it to the RSN link.
struct event_printer {
    const virtual_time* clock = nullptr;
    const char* phy = "";
    std::function<void(const mac::event::any&)> link;
    void wire(std::uint32_t port, bytes_view m) const;
};

using ap_phy = cfg::wiphy<drivers::loopback<virtual_time>, virtual_time, mac::net<counting_net>,
                          mac::crypto<crypto::aes_ccm_key>, cfg::events<event_printer>>;
using sta_phy =
    cfg::wiphy<drivers::rt73::simulated<virtual_time>, virtual_time, mac::net<counting_net>,
               mac::crypto<crypto::aes_ccm_key>, cfg::events<event_printer>>;

constexpr const char* passphrase = "softmac demo passphrase";

const char* nl80211_name(std::uint8_t cmd) {
    switch (cmd) {
        case NL80211_CMD_NEW_INTERFACE:
            return "NEW_INTERFACE";
        case NL80211_CMD_START_AP:
            return "START_AP";
        case NL80211_CMD_CONNECT:
            return "CONNECT";
        case NL80211_CMD_DISCONNECT:
            return "DISCONNECT";
        case NL80211_CMD_GET_STATION:
            return "GET_STATION";
        case NL80211_CMD_NEW_STATION:
            return "NEW_STATION";
        case NL80211_CMD_DEL_STATION:
            return "DEL_STATION";
        case NL80211_CMD_NEW_SCAN_RESULTS:
            return "NEW_SCAN_RESULTS";
        case NL80211_CMD_SCAN_ABORTED:
            return "SCAN_ABORTED";
        case NL80211_CMD_AUTHENTICATE:
            return "AUTHENTICATE";
        case NL80211_CMD_ASSOCIATE:
            return "ASSOCIATE";
        case NL80211_CMD_DEAUTHENTICATE:
            return "DEAUTHENTICATE";
        case NL80211_CMD_DISASSOCIATE:
            return "DISASSOCIATE";
        case NL80211_CMD_FRAME:
            return "FRAME";
        case NL80211_CMD_FRAME_TX_STATUS:
            return "FRAME_TX_STATUS";
        case NL80211_CMD_CONTROL_PORT_FRAME:
            return "CONTROL_PORT_FRAME";
        case NL80211_CMD_NEW_KEY:
            return "NEW_KEY";
        case NL80211_CMD_SET_KEY:
            return "SET_KEY";
        case NL80211_CMD_GET_KEY:
            return "GET_KEY";
        case NL80211_CMD_SET_STATION:
            return "SET_STATION";
        case NL80211_CMD_GET_SCAN:
            return "GET_SCAN";
        case NL80211_CMD_GET_INTERFACE:
            return "GET_INTERFACE";
        default:
            return "?";
    }
}

/// Which handshake message an EAPOL-Key frame is (by its Key Information).
const char* eapol_message(bytes_view frame) {
    auto k = ie::eapol_key::parse(frame);
    if (!k) return "EAPOL (not a key frame)";
    switch (k->info) {
        case ie::key_info::msg1:
            return "EAPOL-Key 4-way message 1/4";
        case ie::key_info::msg2:
            return "EAPOL-Key 4-way message 2/4";
        case ie::key_info::msg3:
            return "EAPOL-Key 4-way message 3/4";
        case ie::key_info::msg4:
            return "EAPOL-Key 4-way message 4/4";
        case ie::key_info::group1:
            return "EAPOL-Key group message 1/2";
        case ie::key_info::group2:
            return "EAPOL-Key group message 2/2";
        default:
            return "EAPOL-Key";
    }
}

/// Prints one event as the supplicant side would see it after decoding the netlink message.
void print_event(const virtual_time& clock, const char* phy, bytes_view wire) {
    auto d = cfg::decode_event(wire);
    const auto m = cfg::netlink::message::parse(wire);
    if (!d || !m) return (void)std::printf("undecodable event\n");
    std::printf("%9.3f ms  %s  event %-16s ifindex %u  %zu bytes  ",
                std::chrono::duration<double, std::milli>(clock.now()).count(), phy,
                nl80211_name(m->cmd), d->to.ifindex.value_or(0), wire.size());
    std::visit(
        [](const auto& e) {
            using E = std::remove_cvref_t<decltype(e)>;
            if constexpr (std::is_same_v<E, mac::event::connect>)
                std::printf("bssid %s status %u%s\n", e.bssid.to_string().c_str(), e.status,
                            e.timed_out ? " (timed out)" : "");
            else if constexpr (std::is_same_v<E, mac::event::authenticate> ||
                               std::is_same_v<E, mac::event::associate>)
                std::printf("bssid %s%s\n", e.bssid.to_string().c_str(),
                            e.timed_out ? " timed out" : " answered");
            else if constexpr (std::is_same_v<E, mac::event::new_station>)
                std::printf("station %s aid %u\n", e.addr.to_string().c_str(), e.aid);
            else if constexpr (std::is_same_v<E, mac::event::del_station>)
                std::printf("station %s reason %u\n", e.addr.to_string().c_str(), e.reason);
            else if constexpr (std::is_same_v<E, mac::event::disconnect>)
                std::printf("reason %u%s\n", e.reason, e.by_ap ? " by AP" : "");
            else if constexpr (std::is_same_v<E, mac::event::control_port_frame>)
                std::printf("from %s: %s\n", e.from.to_string().c_str(), eapol_message(e.frame));
            else
                std::printf("\n");
        },
        d->event);
}

void event_printer::wire(std::uint32_t, bytes_view m) const {
    print_event(*clock, phy, m);
    if (!link) return;
    if (auto d = cfg::decode_event(m)) link(d->event);
}

/// Runs an RSN link's commands on one interface and prints each as a request line (a key's
/// index and kind, never its octets).
template <class Config>
struct printing_runner {
    Config* cfg;
    cfg::wdev_ref iface;
    const virtual_time* clock;
    const char* phy;
    template <class C>
    auto run(C c) {
        static_cast<cfg::wdev_ref&>(c) = iface;
        auto r = cfg->execute(c, cfg::credentials{0, 0, 0, true});
        std::printf("%9.3f ms  %s  request %-14s",
                    std::chrono::duration<double, std::milli>(clock->now()).count(), phy,
                    nl80211_name(C::id));
        if constexpr (std::is_same_v<C, cfg::cmd::new_key>)
            std::printf(" %s key, index %u, CCMP", c.mac ? "pairwise" : "group", c.index);
        else if constexpr (std::is_same_v<C, cfg::cmd::set_station>)
            std::printf(" %s authorized", c.mac.to_string().c_str());
        else if constexpr (std::is_same_v<C, cfg::cmd::control_port_frame>)
            std::printf(" to %s: %s", c.to.to_string().c_str(), eapol_message(c.frame));
        std::printf(" -> %s\n", r ? "ok" : r.err().what);
        return r;
    }
    auto& time() { return cfg->time(); }
};

template <class Config, class C>
cfg::wire_reply request(Config& c, const char* phy, const C& cmd, const virtual_time& clock) {
    static std::uint32_t seq = 1;
    std::vector<std::uint8_t> buf(4096);
    const auto wire = cfg::encode(buf, cfg::family, cmd, seq++);
    auto r = c.dispatch(wire, cfg::credentials{1, 0, 0, true});
    std::printf("%9.3f ms  %s  request %-14s %zu bytes -> %s\n",
                std::chrono::duration<double, std::milli>(clock.now()).count(), phy,
                nl80211_name(C::id), wire.size(), r.error ? std::strerror(r.error) : "ok");
    return r;
}

}  // namespace

int main() {
    virtual_time clock;
    sim::medium<virtual_time> air(clock, 11);
    std::ofstream pcap("sta_ap_join.pcap", std::ios::binary);
    air.tap(pcap);
    heap_pool pool(frame_buffer_size, 256);
    ap_phy ap(clock, pool, 0, "phy0", air, drivers::loopback_description(0));
    sta_phy sta(clock, pool, 1, "phy1", air, 1);
    ap.events() = {&clock, "phy0", {}};
    sta.events() = {&clock, "phy1", {}};
    if (!ap.start() || !sta.start()) return 1;
    auto& phy0 = ap.config();
    auto& phy1 = sta.config();

    auto new_iface = [&](auto& phy, const char* name, const char* ifname, driver::iftype t) {
        cfg::cmd::new_interface c;
        c.ifname = ifname;
        c.iftype = t;
        auto r = request(phy, name, c, clock);
        auto m = cfg::netlink::message::parse(r.messages.at(0));
        auto i = *cfg::decode<cfg::reply::interface>(m->attrs);
        std::printf("             %s  %s is ifindex %u, %s\n", name, ifname, *i.ifindex,
                    i.mac.to_string().c_str());
        (void)phy.set_up({i.ifindex, {}}, true);
        return i;
    };
    const auto ap0 = new_iface(phy0, "phy0", "ap0", driver::iftype::ap);
    const auto wlan0 = new_iface(phy1, "phy1", "wlan0", driver::iftype::station);

    // hostapd's role on phy0, wpa_supplicant's on phy1: WPA2-PSK, CCMP.
    using ap_runner = printing_runner<std::remove_reference_t<decltype(phy0)>>;
    using sta_runner = printing_runner<std::remove_reference_t<decltype(phy1)>>;
    auto report = [&](const char* phy) {
        return [&clock, phy](const rsn::event& e) {
            const double ms = std::chrono::duration<double, std::milli>(clock.now()).count();
            if (auto* c = std::get_if<rsn::handshake_completed>(&e))
                std::printf(
                    "%9.3f ms  %s  4-way handshake with %s completed: PTK and GTK installed\n", ms,
                    phy, c->peer.to_string().c_str());
            else if (auto* f = std::get_if<rsn::handshake_failed>(&e))
                std::printf("%9.3f ms  %s  4-way handshake with %s failed (reason %u)\n", ms, phy,
                            f->peer.to_string().c_str(), f->reason_code);
            else if (auto* m = std::get_if<rsn::psk_mismatch>(&e))
                std::printf("%9.3f ms  %s  message 2/4 from %s: MIC wrong (passphrase mismatch?)\n",
                            ms, phy, m->peer.to_string().c_str());
        };
    };
    rsn::ap_link<ap_runner> authenticator(ap_runner{&phy0, {ap0.ifindex, {}}, &clock, "phy0"},
                                          report("phy0"));
    rsn::station_link<sta_runner> supplicant(sta_runner{&phy1, {wlan0.ifindex, {}}, &clock, "phy1"},
                                             report("phy1"));
    ap.events().link = [&](const mac::event::any& e) { authenticator.on_event(e); };
    sta.events().link = [&](const mac::event::any& e) { supplicant.on_event(e); };
    if (!authenticator.start(
            mac::make_ap_params(ap0.mac, "softmac-demo", *ie::make_channel(ie::band::ghz2_4, 6),
                                ie::rates_2ghz),
            passphrase, ap0.mac))
        return 1;
    if (!supplicant.connect("softmac-demo", passphrase)) return 1;
    clock.run_for(3s);
    if (!supplicant.machine().authorized()) return 1;

    auto send = [&](auto& phy, const cfg::reply::interface& from, const mac_address& to) {
        const std::uint8_t vif = phy.find({from.ifindex, {}})->vif;
        for (int k = 0; k < 10; ++k) {
            auto b = pool.allocate(64);
            std::vector<std::uint8_t> eth(14 + 200, 0x5a);
            std::copy(to.octets.begin(), to.octets.end(), eth.begin());
            std::copy(from.mac.octets.begin(), from.mac.octets.end(), eth.begin() + 6);
            store_be16(eth.data() + 12, 0x88b5);
            (void)b->append(eth);
            (void)phy.stack().transmit(vif, std::move(*b));
        }
    };
    send(phy1, wlan0, ap0.mac);
    send(phy0, ap0, wlan0.mac);
    clock.run_for(100ms);
    std::printf("             data: AP received %zu frames, station received %zu frames\n",
                ap.net().frames, sta.net().frames);

    cfg::cmd::get_station gs;
    gs.ifindex = ap0.ifindex;
    auto st = request(phy0, "phy0", gs, clock);
    for (const auto& m : st.messages) {
        auto s = cfg::decode<cfg::reply::station>(cfg::netlink::message::parse(m)->attrs);
        std::printf("             phy0  station %s aid %u rx %u packets, tx %u packets\n",
                    s->mac.to_string().c_str(), s->aid, s->info.rx_packets, s->info.tx_packets);
    }

    cfg::cmd::disconnect bye;
    bye.ifindex = wlan0.ifindex;
    bye.reason = ie::reason::deauth_leaving;
    request(phy1, "phy1", bye, clock);
    clock.run_for(100ms);
    pcap.flush();
    std::printf("wrote sta_ap_join.pcap\n");
    return ap.net().frames == 10 && sta.net().frames == 10 ? 0 : 1;
}
