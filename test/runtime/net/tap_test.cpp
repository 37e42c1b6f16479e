// SPDX-License-Identifier: MIT
// net::tap and net::tap_net: Ethernet frames the kernel sends on a TAP cross the simulated air as
// 802.11 data frames and come out of the peer's TAP as they went in. The tests run in a network
// namespace of their own; where TAPs cannot be made (no root, no /dev/net/tun) they say so and
// check nothing.
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <softmac/drivers/loopback.hpp>
#include <softmac/drivers/rt73/simulated.hpp>
#include <softmac/mac/stack.hpp>
#include <softmac/net/tap.hpp>

#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;

namespace {

using tap_net = net::tap_net<real_time, heap_pool>;
using loopback = drivers::loopback<real_time>;
using rt73 = drivers::rt73::simulated<real_time>;

/// The test process in a network namespace of its own (once), so its TAPs touch nothing else;
/// without IPv6 there, the kernel sends nothing on the TAPs but what the tests send.
bool isolated() {
    static const bool ok = [] {
        if (::geteuid() != 0 || ::access("/dev/net/tun", R_OK | W_OK) != 0 ||
            ::unshare(CLONE_NEWNET) != 0)
            return false;
        for (const char* k : {"all", "default"})
            std::ofstream(std::string("/proc/sys/net/ipv6/conf/") + k + "/disable_ipv6") << 1;
        return true;
    }();
    if (!ok) WARN("skipped: TAP devices need root, a network namespace and /dev/net/tun");
    return ok;
}

/// The kernel's counter of frames an interface dropped on transmit (/proc/net/dev, which shows
/// the caller's namespace).
std::uint64_t tx_dropped(const std::string& ifname) {
    std::ifstream f("/proc/net/dev");
    for (std::string line; std::getline(f, line);) {
        const auto colon = line.find(':');
        if (colon == std::string::npos || line.substr(0, colon).find(ifname) == std::string::npos ||
            line.substr(line.find_first_not_of(' '), colon - line.find_first_not_of(' ')) != ifname)
            continue;
        std::istringstream in(line.substr(colon + 1));
        std::uint64_t v[12] = {};
        for (auto& x : v) in >> x;
        return v[11];  // receive: 8 counters; transmit: bytes, packets, errs, drop
    }
    return 0;
}

/// A packet socket on one interface: what the kernel sends there and what it receives.
class packet_socket {
  public:
    explicit packet_socket(const std::string& ifname)
        : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL))) {
        ifreq ifr{};
        std::memcpy(ifr.ifr_name, ifname.data(), ifname.size());
        REQUIRE(::ioctl(fd_.get(), SIOCGIFINDEX, &ifr) == 0);
        addr_.sll_family = AF_PACKET;
        addr_.sll_protocol = htons(ETH_P_ALL);
        addr_.sll_ifindex = ifr.ifr_ifindex;
        REQUIRE(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr_), sizeof addr_) == 0);
        const int on = 1;
        REQUIRE(::setsockopt(fd_.get(), SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) == 0);
    }
    void send(const std::vector<std::uint8_t>& frame) {
        REQUIRE(::sendto(fd_.get(), frame.data(), frame.size(), 0,
                         reinterpret_cast<const sockaddr*>(&addr_),
                         sizeof addr_) == ssize_t(frame.size()));
    }
    /// Frames the interface received (not those it sent), with a VLAN tag the kernel took off
    /// into the packet's metadata put back where it was.
    std::vector<std::vector<std::uint8_t>> received() {
        std::vector<std::vector<std::uint8_t>> out;
        for (;;) {
            std::vector<std::uint8_t> b(2048);
            sockaddr_ll from{};
            iovec iov{b.data(), b.size()};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(tpacket_auxdata))];
            msghdr m{&from, sizeof from, &iov, 1, control, sizeof control, 0};
            const ssize_t n = ::recvmsg(fd_.get(), &m, 0);
            if (n < 0) return out;
            if (from.sll_pkttype == PACKET_OUTGOING) continue;
            b.resize(std::size_t(n));
            for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
                tpacket_auxdata aux;
                std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
                if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
                    (aux.tp_status & TP_STATUS_VLAN_VALID)) {
                    const std::uint8_t tag[4] = {0x81, 0x00, std::uint8_t(aux.tp_vlan_tci >> 8),
                                                 std::uint8_t(aux.tp_vlan_tci)};
                    b.insert(b.begin() + 12, tag, tag + 4);
                }
            }
            out.push_back(std::move(b));
        }
    }

  private:
    unique_fd fd_;
    sockaddr_ll addr_{};
};

/// An AP and its associated station, each interface's network side a TAP (smap, smsta), on a
/// medium whose frames go to a capture. The TAPs wait while the driver holds 8 frames or the
/// transmitter has 2 ms of airtime queued (the rt73 model completes frames at once).
template <class Driver>
struct tap_world {
    using link_stack = mac::stack<Driver, real_time, mac::net<tap_net>>;
    real_time time;
    sim::medium<real_time> air{time, 1};
    heap_pool pool{frame_buffer_size, 512};
    std::string pcap_path;
    std::ofstream pcap;
    std::array<std::unique_ptr<link_stack>, 2> stacks;
    std::array<driver::vif, 2> vifs{};

    explicit tap_world(const std::string& name)
        // One capture per driver: ctest runs the cases of both drivers side by side.
        : pcap_path(std::string(SOFTMAC_TEST_TMPDIR) + "/" + name +
                    (std::is_same_v<Driver, loopback> ? "_loopback" : "_rt73") + ".pcap"),
          pcap(pcap_path, std::ios::binary) {
        air.tap(pcap);
        const char* names[2] = {"smap", "smsta"};
        for (std::uint16_t i = 0; i < 2; ++i) {
            if constexpr (std::is_same_v<Driver, loopback>)
                stacks[i] = std::make_unique<link_stack>(time, pool, tap_net{}, mac::null_events{},
                                                         air, drivers::loopback_description(i));
            else
                stacks[i] =
                    std::make_unique<link_stack>(time, pool, tap_net{}, mac::null_events{}, air, i);
            auto& s = *stacks[i];
            REQUIRE(s.start());
            auto v = s.add_interface(i == 0 ? driver::iftype::ap : driver::iftype::station);
            REQUIRE(v);
            vifs[i] = *v;
            s.radio().set_active(*v, true);
            s.net().bind(
                time, pool, s.data().headroom(),
                [&s](std::uint8_t vif, frame_buffer&& b) {
                    return s.transmit(vif, std::move(b)) != mac::verdict::drop;
                },
                [&s, this, i] { return s.radio().tx_pending() < 8 && air.backlog(i) < 2ms; });
            auto t = net::tap::open({names[i], v->addr});
            REQUIRE(t);
            REQUIRE(t->set_up(true));
            REQUIRE(s.net().attach(v->index, std::move(*t)));
        }
        join(0, 1);
        join(1, 0);
    }
    /// `self` sees `peer` as associated, authorized and QoS-capable.
    void join(std::size_t self, std::size_t peer) {
        auto& i = stacks[self]->data().state_of(vifs[self].index);
        if (i.is_sta()) {
            i.bssid = vifs[peer].addr;
            i.associated = true;
        }
        REQUIRE(stacks[self]->data().stations().add(
            vifs[peer].addr, vifs[self].index,
            mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme));
    }
    tap_net& net(std::size_t i) { return stacks[i]->net(); }
    /// Runs the loop until `n` frames came out of `rx`, or ten seconds passed (a loaded machine).
    std::vector<std::vector<std::uint8_t>> collect(packet_socket& rx, std::size_t n) {
        std::vector<std::vector<std::uint8_t>> got;
        for (int round = 0; round < 1000 && got.size() < n; ++round) {
            time.run_for(10ms);
            for (auto& f : rx.received()) got.push_back(std::move(f));
        }
        return got;
    }
};

std::vector<std::uint8_t> ethernet(const mac_address& da, const mac_address& sa,
                                   std::vector<std::uint8_t> type_and_payload) {
    std::vector<std::uint8_t> f(da.octets.begin(), da.octets.end());
    f.insert(f.end(), sa.octets.begin(), sa.octets.end());
    f.insert(f.end(), type_and_payload.begin(), type_and_payload.end());
    return f;
}
std::vector<std::uint8_t> payload(std::uint16_t type, std::size_t n, std::uint8_t seed) {
    std::vector<std::uint8_t> p{std::uint8_t(type >> 8), std::uint8_t(type)};
    for (std::size_t i = 0; i < n; ++i) p.push_back(std::uint8_t(seed + i * 13));
    return p;
}

/// An IPv4 packet of `n` octets (protocol 253, for experiments) after its ethertype.
std::vector<std::uint8_t> ipv4_packet(std::size_t n, std::uint8_t seed) {
    auto p = payload(0x0800, n, seed);
    const std::uint8_t header[20] = {0x45,
                                     0,
                                     std::uint8_t(n >> 8),
                                     std::uint8_t(n),
                                     0,
                                     0,
                                     0x40,
                                     0,
                                     64,
                                     253,
                                     0,
                                     0,
                                     10,
                                     0,
                                     0,
                                     1,
                                     10,
                                     0,
                                     0,
                                     2};
    std::copy(std::begin(header), std::end(header), p.begin() + 2);
    return p;
}
/// An ARP request from `sha` after its ethertype.
std::vector<std::uint8_t> arp_request(const mac_address& sha) {
    std::vector<std::uint8_t> p{0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1};
    p.insert(p.end(), sha.octets.begin(), sha.octets.end());
    p.insert(p.end(), {10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2});
    return p;
}

}  // namespace

TEMPLATE_TEST_CASE(
    "TAP frames: what the kernel sends on a TAP crosses the air and leaves the peer's TAP as "
    "it went in (minimum and MTU size, IPv4, VLAN-tagged, ARP, other ethertypes)",
    "[net][tap]", loopback, rt73) {
    if (!isolated()) return;
    tap_world<TestType> w("tap_frames");
    packet_socket ap("smap"), sta("smsta");
    const mac_address a = w.vifs[0].addr, s = w.vifs[1].addr;
    std::vector<std::vector<std::uint8_t>> up, down;
    up.push_back(ethernet(a, s, ipv4_packet(46, 1)));    // the 60-octet minimum
    up.push_back(ethernet(a, s, ipv4_packet(1500, 2)));  // MTU-sized IPv4
    auto tagged = payload(0x8100, 2, 3);                 // VLAN 5, then 0x88b5
    tagged[2] = 0x00, tagged[3] = 0x05;
    auto inner = payload(0x88b5, 200, 4);
    tagged.insert(tagged.end(), inner.begin(), inner.end());
    up.push_back(ethernet(a, s, tagged));
    down.push_back(ethernet(s, a, payload(0x88b5, 100, 5)));  // a non-IP ethertype
    down.push_back(ethernet(s, a, arp_request(a)));
    down.push_back(ethernet(s, a, ipv4_packet(1500, 7)));  // MTU-sized, the other way
    for (const auto& f : up) sta.send(f);
    for (const auto& f : down) ap.send(f);

    const auto at_ap = w.collect(ap, up.size());
    const auto at_sta = w.collect(sta, down.size());
    CHECK(at_ap == up);
    CHECK(at_sta == down);
    CHECK(w.net(1).stats().to_air == up.size());
    CHECK(w.net(0).stats().from_air == up.size());
    CHECK(w.net(0).stats().to_air == down.size());
    CHECK(w.net(1).stats().from_air == down.size());
    CHECK(w.net(0).stats().mac_dropped + w.net(1).stats().mac_dropped == 0);
    w.pcap.flush();

    // The air, as tshark reads it: QoS data frames, ToDS from the station and FromDS from the
    // AP with the right addresses, LLC/SNAP with the ethertype, nothing malformed.
    const auto rows =
        test::tshark_fields(w.pcap_path,
                            {"wlan.fc.type_subtype", "wlan.fc.ds", "wlan.ra", "wlan.ta", "wlan.sa",
                             "wlan.da", "llc.type", "_ws.malformed", "_ws.expert.severity"},
                            "-Y wlan.fc.type==2");
    REQUIRE(rows.size() == up.size() + down.size());
    std::size_t to_ds = 0, from_ds = 0;
    for (const auto& r : rows) {
        CHECK(r[0] == "0x0028");
        CHECK(r[7].empty());
        CHECK(r[8].find("8388608") == std::string::npos);  // no error-level expert info
        if (r[1] == "0x01") {
            ++to_ds;
            CHECK((r[2] == a.to_string() && r[3] == s.to_string() && r[4] == s.to_string()));
        } else {
            ++from_ds;
            CHECK(r[1] == "0x02");
            CHECK((r[2] == s.to_string() && r[3] == a.to_string() && r[5] == s.to_string()));
        }
    }
    CHECK(to_ds == up.size());
    CHECK(from_ds == down.size());
    const auto types = test::tshark_fields(w.pcap_path, {"llc.type"}, "-Y wlan.fc.type==2");
    std::multiset<std::string> seen;
    for (const auto& r : types) seen.insert(r[0]);
    CHECK(seen.count("0x0800") == 3);
    CHECK(seen.count("0x8100") == 1);
    CHECK(seen.count("0x88b5") == 1);
    CHECK(seen.count("0x0806") == 1);
}

TEMPLATE_TEST_CASE(
    "TAP back-pressure: a full driver queue holds the TAP, a burst crosses without a loss in "
    "softmac, and what the kernel's queue cannot hold is dropped there and counted",
    "[net][tap]", loopback, rt73) {
    if (!isolated()) return;
    tap_world<TestType> w("tap_backpressure");
    packet_socket ap("smap"), sta("smsta");
    const mac_address a = w.vifs[0].addr, s = w.vifs[1].addr;
    constexpr std::size_t burst = 300;  // under the TAP's queue of 1000: nothing is dropped
    for (std::size_t i = 0; i < burst; ++i)
        sta.send(ethernet(a, s, payload(0x88b5, 1400, std::uint8_t(i))));
    const auto got = w.collect(ap, burst);
    CHECK(got.size() == burst);
    // In order, each as sent: the order of the seeds tells a reordering from a corruption.
    std::string order, expected;
    std::size_t intact = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        order += std::to_string(got[i].size() > 14 ? got[i][14] : -1) + " ";
        expected += std::to_string(std::uint8_t(i)) + " ";
        intact +=
            got[i] == ethernet(a, s, payload(0x88b5, 1400, got[i].size() > 14 ? got[i][14] : 0));
    }
    CHECK(intact == got.size());
    CHECK(order == expected);
    const auto& st = w.net(1).stats();
    CHECK(st.held > 0);  // the driver's queue filled and the TAP waited
    CHECK(st.to_air == burst);
    CHECK(st.mac_dropped == 0);
    CHECK(w.stacks[1]->radio().tx_pending() == 0);
    CHECK(w.air.stats().lost == 0);

    // A kernel queue of 20 frames: the burst overflows it there, and only there.
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, "smsta", 5);
    ifr.ifr_qlen = 20;
    unique_fd ctl(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    REQUIRE(::ioctl(ctl.get(), SIOCSIFTXQLEN, &ifr) == 0);
    const std::uint64_t before = tx_dropped("smsta");
    for (std::size_t i = 0; i < burst; ++i)
        sta.send(ethernet(a, s, payload(0x88b5, 1400, std::uint8_t(i))));
    // Nothing is read while the test sends: what the queue could not hold is dropped by now.
    const std::uint64_t kernel_dropped = tx_dropped("smsta") - before;
    const auto second = w.collect(ap, burst - kernel_dropped);
    w.time.run_for(100ms);
    CHECK(ap.received().empty());  // and nothing more comes
    CHECK(kernel_dropped > 0);
    CHECK(second.size() + kernel_dropped == burst);
    CHECK(w.net(1).stats().mac_dropped == 0);
    CHECK(w.net(0).stats().tap_dropped == 0);
}

TEST_CASE(
    "TAP link: a TAP follows its link (carrier, a new address while up) and the interface "
    "goes with its TAP",
    "[net][tap]") {
    if (!isolated()) return;
    std::optional<net::tap> t;
    {
        auto made = net::tap::open({"smlink", mac_address::parse("02:00:00:00:0a:01").value()});
        REQUIRE(made);
        t.emplace(std::move(*made));
    }
    auto link = [] { return test::run("ip -br link show smlink 2>/dev/null"); };
    REQUIRE(t->set_up(true));
    REQUIRE(t->set_carrier(false));
    CHECK(link().find("NO-CARRIER") != std::string::npos);
    REQUIRE(t->set_carrier(true));
    CHECK(link().find("LOWER_UP") != std::string::npos);
    REQUIRE(t->set_address(mac_address::parse("02:00:00:00:0a:02").value()));
    CHECK(link().find("02:00:00:00:0a:02") != std::string::npos);
    REQUIRE(t->set_ipv4({10, 1, 2, 3}, {255, 255, 255, 0}));
    CHECK(test::run("ip -4 -o addr show dev smlink").find("10.1.2.3/24") != std::string::npos);
    // Names the kernel refuses, and a name in use.
    CHECK(!net::tap::open({"", {}}));
    CHECK(!net::tap::open({"a-name-too-long-for-ifnamsiz", {}}));
    CHECK(net::tap::open({"smlink", {}}).err().code == errc::already);
    t.reset();
    CHECK(link().empty());
}
