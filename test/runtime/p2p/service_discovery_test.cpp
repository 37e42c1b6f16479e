// SPDX-License-Identifier: MIT
// P2P service discovery: the TLV and ANQP encodings, the responder's matching, and queries
// between devices of each driver under virtual time (directed, broadcast, fragmented, lossy).
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <string>

#include <softmac/core/bytes.hpp>
#include <softmac/p2p/ctrl/format.hpp>
#include <softmac/p2p/services.hpp>

#include "hex.hpp"
#include "p2p_scenarios.hpp"
#include "p2p_world.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ev = softmac::p2p::event;
namespace sp = softmac::ieee80211::anqp::service_protocol;
namespace st = softmac::ieee80211::anqp::service_status;

namespace {
std::vector<std::uint8_t> hex_octets(std::string_view hex) {
    std::vector<std::uint8_t> out(hex.size() / 2);
    REQUIRE(from_hex(hex, out));
    return out;
}
std::string hex(const std::vector<std::uint8_t>& b) { return to_hex(b); }
std::string answer(const p2p::service_registry& r, std::string_view request_hex) {
    auto a = r.answer(hex_octets(request_hex));
    REQUIRE(a);
    return to_hex(*a);
}

const std::string printer_key = "045f697070c00c000c01";        // _ipp._tcp.local PTR
const std::string printer_rdata = "094d795072696e746572c027";  // MyPrinter._ipp._tcp.local
const std::string txt_key = "096d797072696e746572045f697070c00c001001";
const std::string txt_rdata =
    "09747874766572733d311a70646c3d6170706c69636174696f6e2f706f7374736372797074";
const std::string root_device = "uuid:6859dede-8574-59ab-9332-123456789012::upnp:rootdevice";
const std::string renderer =
    "uuid:5566d33e-9774-09ab-4822-333456785632::urn:schemas-upnp-org:service:RenderingControl:1";

/// A printer (two Bonjour records) and a media renderer (two UPnP strings).
void advertise(p2p::service_registry& s) {
    s.add_bonjour(hex_octets(txt_key), hex_octets(txt_rdata));
    s.add_bonjour(hex_octets(printer_key), hex_octets(printer_rdata));
    s.add_upnp(0x10, root_device);
    s.add_upnp(0x10, renderer);
}
}  // namespace

TEST_CASE("service queries encode as wpa_supplicant's", "[p2p][sd][tlv]") {
    CHECK(hex(p2p::service_query().upnp(0x10, "ssdp:all").tlvs()) == "0b00020110737364703a616c6c");
    CHECK(hex(p2p::service_query().all().tlvs()) == "02000001");
    // Bonjour: the name's labels end in the pointer to _tcp.local (c00c) or _udp.local (c01c).
    CHECK(hex(p2p::bonjour_key("_ipp._tcp.local", p2p::dns_type::ptr)) == printer_key);
    CHECK(hex(p2p::bonjour_key("myprinter._ipp._tcp.local", p2p::dns_type::txt)) == txt_key);
    CHECK(hex(p2p::bonjour_key("_afpovertcp._udp.local", 12)) ==
          "0b5f6166706f766572746370c01c000c01");
    CHECK(hex(p2p::bonjour_key("example.org", 1)) == "076578616d706c65036f726700000101");
    CHECK(p2p::bonjour_key("a..b", 1).empty());
    // Transaction IDs count from 1 within one request.
    CHECK(hex(p2p::service_query().bonjour().upnp(0x10, "upnp:rootdevice").all().tlvs()) ==
          "02000101"
          "1200020210"
          "75706e703a726f6f74646576696365"
          "02000003");
    // Names read back through their pointers into the in-memory message.
    // The RDATA's pointer c027 reaches the key before it (offset 0x27 is the data's start).
    CHECK(*p2p::bonjour_name(hex_octets(printer_key + printer_rdata), 10) ==
          "MyPrinter._ipp._tcp.local");
    CHECK(*p2p::bonjour_name(hex_octets("045f697070c00c")) == "_ipp._tcp.local");
    CHECK(*p2p::bonjour_name(hex_octets("00")) == ".");
    CHECK_FALSE(p2p::bonjour_name(hex_octets("04616263")));  // a label past the end
    CHECK_FALSE(p2p::bonjour_name(hex_octets("c027")));      // a pointer to itself
    CHECK_FALSE(p2p::bonjour_name(hex_octets("4001")));      // a reserved label type
    // The element's Length is checked, not used: the TLVs are the rest of the query.
    const auto element = hex_octets("dddd0600506f9a09030002000001");
    const auto sd = ieee80211::anqp::parse_p2p_sd(element);
    REQUIRE(sd);
    CHECK(sd->update_indicator == 3);
    CHECK(hex(std::vector<std::uint8_t>(sd->tlvs.begin(), sd->tlvs.end())) == "02000001");
    CHECK_FALSE(ieee80211::anqp::parse_p2p_sd(hex_octets("dddd0300506f9a090300")));  // Length 3
    CHECK_FALSE(ieee80211::anqp::parse_p2p_sd(hex_octets("dddd0900506f9a090300")));  // overruns
}

TEST_CASE("the responder answers as wpa_supplicant's, with its \"not available\" TLVs",
          "[p2p][sd][tlv]") {
    p2p::service_registry r;
    CHECK(r.update_indicator() == 0);
    // Nothing registered: every protocol "not available" (status 1).
    CHECK(answer(r, "02000001") == "0300000101");
    CHECK(answer(r, "02000101") == "0300010101");
    CHECK(answer(r, "0b00020110737364703a616c6c") == "0300020101");
    CHECK(answer(r, "02000301") == "0300030101");  // WS-Discovery is never offered
    CHECK(answer(r, "02000401") == "0300040101");  // nor Wi-Fi Display
    CHECK(answer(r, "0200ff07") == "0300ff0701");
    // P2PS: no advertisement exists; a query that reads right finds nothing, else bad request.
    CHECK(answer(r,
                 "05000b0901"
                 "2a00") == "03000b0902");
    CHECK(answer(r, "03000b0905") == "03000b0903");
    advertise(r);
    CHECK(r.update_indicator() == 4);
    // A query nothing matches: "requested information not available" (status 2).
    CHECK(answer(r,
                 "0c000101"
                 "045f697070c00c001001") == "0300010102");           // TXT of _ipp
    CHECK(answer(r, "0b00020120737364703a616c6c") == "0300020102");  // UPnP 2.0
    CHECK(to_hex(*r.answer(p2p::service_query().upnp(0x10, "uuid:none").tlvs())) == "0300020102");
    // Exact Bonjour match: the key as asked, then the RDATA.
    CHECK(answer(r, "0c000103" + printer_key) == "1900010300" + printer_key + printer_rdata);
    // The same name without compression matches too, and the key comes back as it was asked.
    const std::string plain =
        "045f69707004"
        "5f746370"
        "056c6f63616c"
        "00"
        "000c01";
    CHECK(answer(r, "16000104" + plain) == "2300010400" + plain + printer_rdata);
    // UPnP: one TLV, the version, the matching services comma-separated, newest first.
    auto upnp = [&](std::string_view target) {
        auto a = r.answer(p2p::service_query().upnp(0x10, target).tlvs());
        REQUIRE(a);
        auto tlvs = ieee80211::anqp::parse_service_tlvs(*a, true);
        REQUIRE(tlvs);
        REQUIRE(tlvs->size() == 1);
        CHECK((*tlvs)[0].protocol == sp::upnp);
        CHECK((*tlvs)[0].status == st::success);
        auto u = p2p::parse_upnp_answer((*tlvs)[0].data);
        REQUIRE(u);
        CHECK(u->version == 0x10);
        return u->services;
    };
    CHECK(upnp("ssdp:all") == std::vector<std::string>{renderer, root_device});
    CHECK(upnp("upnp:rootdevice") == std::vector<std::string>{root_device});
    CHECK(upnp("urn:schemas-upnp-org:service:RenderingControl:1") ==
          std::vector<std::string>{renderer});
    CHECK(upnp("uuid:6859dede-8574-59ab-9332-123456789012") ==
          std::vector<std::string>{root_device});
    // All services: one TLV per Bonjour record and per UPnP string, each with its protocol.
    auto all = r.answer(hex_octets("02000001"));
    REQUIRE(all);
    auto tlvs = ieee80211::anqp::parse_service_tlvs(*all, true);
    REQUIRE(tlvs);
    REQUIRE(tlvs->size() == 4);
    CHECK((*tlvs)[0].protocol == sp::bonjour);
    CHECK((*tlvs)[2].protocol == sp::upnp);
    const auto b = p2p::parse_bonjour_answer((*tlvs)[0].data);
    REQUIRE(b);
    CHECK(b->name == "_ipp._tcp.local");
    CHECK(b->type == p2p::dns_type::ptr);
    CHECK(hex(b->rdata) == printer_rdata);
    CHECK(*p2p::bonjour_name((*tlvs)[0].data, b->rdata_offset) == "MyPrinter._ipp._tcp.local");
    // Several queries in one request: one answer each, in order, their transaction IDs kept.
    CHECK(answer(r,
                 "02000307"
                 "0c000109" +
                     printer_key) == "03000307011900010900" + printer_key + printer_rdata);
    // TLVs whose lengths do not fit get no answer at all; a single octet left over is ignored.
    CHECK_FALSE(r.answer(hex_octets("0500010101")));
    CHECK_FALSE(r.answer(hex_octets("010001")));
    CHECK(answer(r, "0200030700") == "0300030701");
}

TEST_CASE("the Service Update Indicator moves on every change of the services", "[p2p][sd][tlv]") {
    p2p::service_registry r;
    r.add_upnp(0x10, root_device);
    CHECK(r.update_indicator() == 1);
    r.add_upnp(0x10, root_device);  // listed already: nothing changes
    CHECK(r.update_indicator() == 1);
    r.add_bonjour(hex_octets(printer_key), hex_octets(printer_rdata));
    CHECK(r.update_indicator() == 2);
    CHECK_FALSE(r.del_upnp(0x20, root_device));  // another version: not found, no change
    CHECK(r.update_indicator() == 2);
    CHECK(r.del_upnp(0x10, root_device));
    CHECK(r.update_indicator() == 3);
    CHECK(r.del_bonjour(hex_octets(printer_key)));
    CHECK_FALSE(r.del_bonjour(hex_octets(printer_key)));
    CHECK(r.update_indicator() == 4);
    r.update();
    CHECK(r.update_indicator() == 5);
    r.flush();
    CHECK(r.update_indicator() == 6);
    CHECK(r.empty());
}

TEST_CASE("a response stops growing at 10000 octets", "[p2p][sd][tlv]") {
    p2p::service_registry r;
    for (int i = 0; i < 200; ++i)
        r.add_upnp(0x10, "uuid:" + std::to_string(1000 + i) + std::string(90, 'x'));
    auto a = r.answer(hex_octets("02000001"));
    REQUIRE(a);
    CHECK(a->size() <= p2p::service_registry::max_response);
    CHECK(a->size() > p2p::service_registry::max_response - 110);
    CHECK(ieee80211::anqp::parse_service_tlvs(*a, true));
}

// ---- between devices -------------------------------------------------------------------------

namespace {
/// The answers device i received, as events.
template <class W>
std::vector<ev::serv_disc_resp> answers(W& w, std::size_t i) {
    return w[i].template all<ev::serv_disc_resp>();
}
}  // namespace

TEMPLATE_TEST_CASE("a directed query and a broadcast query reach their peers while finding",
                   "[p2p][sd]", test::loopback_software_roc, test::rt73_usb) {
    test::p2p_world<TestType> w(3, 41);
    advertise(w.engine(1).services());
    w.engine(2).services().add_upnp(0x10, renderer);
    const auto directed = w.engine(0).sd_request(w.addr(1), p2p::service_query().bonjour().tlvs());
    const auto broadcast =
        w.engine(0).sd_request(std::nullopt, p2p::service_query().upnp(0x10, "ssdp:all").tlvs());
    REQUIRE(directed);
    REQUIRE(broadcast);
    CHECK(*directed != *broadcast);
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(2).listen());
    REQUIRE(w.engine(0).find());
    REQUIRE(w.run_until([&] { return answers(w, 0).size() == 3; }, 20s));
    w.run(3s);
    const auto got = answers(w, 0);
    REQUIRE(got.size() == 3);  // nothing twice: the broadcast once per peer
    std::set<std::string> texts;
    for (const auto& a : got) {
        const std::size_t from = a.sa == w.addr(1) ? 1 : 2;
        REQUIRE(a.sa == w.addr(from));
        CHECK(a.update_indicator == w.engine(from).services().update_indicator());
        CHECK(a.tlvs == *w.engine(from).services().answer(
                            a.tlvs[2] == sp::bonjour
                                ? p2p::service_query().bonjour().tlvs()
                                : p2p::service_query().upnp(0x10, "ssdp:all").tlvs()));
        texts.insert(std::to_string(from) + ":" + std::to_string(a.tlvs[2]));
    }
    CHECK(texts == std::set<std::string>{"1:1", "1:2", "2:2"});
    // The responders reported each query with its frequency, token and our indicator.
    const auto reqs = w[1].template all<ev::serv_disc_req>();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].sa == w.addr(0));
    CHECK(reqs[0].freq == w.engine(1).listen_freq());
    CHECK(reqs[0].token == 0);
    CHECK(w[2].template count<ev::serv_disc_req>() == 1);
    // The directed query is done; the broadcast one stays for peers still to come.
    CHECK_FALSE(w.engine(0).sd_cancel(*directed));
    CHECK(w.engine(0).sd_cancel(*broadcast));
    CHECK_FALSE(w.engine(0).sd_cancel(*broadcast));
}

TEMPLATE_TEST_CASE("a response of 100 extra UPnP services comes in fragments and is reassembled",
                   "[p2p][sd]", test::loopback_software_roc, test::rt73_usb) {
    test::p2p_world<TestType> w(2, 43);
    auto& s = w.engine(1).services();
    for (int i = 0; i < 100; ++i)
        s.add_upnp(0x10, "uuid:" + std::to_string(7000 + i) +
                             "::urn:schemas-upnp-org:service:ContentDirectory:2");
    const auto q = p2p::service_query().upnp(0x10, "ssdp:all").tlvs();
    const auto expected = *s.answer(q);
    REQUIRE(expected.size() > 3 * 1400);
    REQUIRE(w.engine(0).sd_request(w.addr(1), q));
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(0).find());
    REQUIRE(w.run_until([&] { return answers(w, 0).size() == 1; }, 20s));
    CHECK(answers(w, 0)[0].tlvs == expected);
    // Over 1500 octets, the event names only the length (wpas_sd_response).
    CHECK(p2p::ctrl::format(answers(w, 0)[0]) ==
          "P2P-SERV-DISC-RESP " + w.addr(1).to_string() +
              " 100 <long response: " + std::to_string(expected.size()) + " bytes>");
}

TEST_CASE("service discovery under 30% loss both ways completes, never hangs", "[p2p][sd]") {
    const std::uint64_t seed = GENERATE(51, 52, 53);
    test::p2p_world<test::loopback_software_roc> w(2, seed);
    const auto p0 = w.port(0);
    const auto p1 = w.port(1);
    w.air.set_link(p0, p1, 0.3);
    w.air.set_link(p1, p0, 0.3);
    auto& s = w.engine(1).services();
    for (int i = 0; i < 60; ++i)
        s.add_upnp(0x10, "uuid:" + std::to_string(100 + i) + "::upnp:rootdevice");
    const auto q = p2p::service_query().upnp(0x10, "upnp:rootdevice").tlvs();
    REQUIRE(w.engine(0).sd_request(w.addr(1), q));
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(0).find());
    INFO("seed " << seed);
    REQUIRE(w.run_until([&] { return answers(w, 0).size() == 1; }, 60s));
    CHECK(answers(w, 0)[0].tlvs == *s.answer(q));
    // The find goes on after the exchange: the device is searching or listening, not waiting.
    w.run(1s);
    CHECK((w.engine(0).current() == p2p::state::search ||
           w.engine(0).current() == p2p::state::sd_during_find));
    w.engine(0).stop_find();
    CHECK(w.engine(0).current() == p2p::state::idle);
}

TEST_CASE("queries to a device that is not listening stay queued, and a GO answers on its channel",
          "[p2p][sd]") {
    test::p2p_world<test::loopback_software_roc> w(2, 45);
    advertise(w.engine(1).services());
    test::discover(w);
    w.engine(1).stop_find();  // idle: not on a social channel
    const auto ref = w.engine(0).sd_request(w.addr(1), p2p::service_query().all().tlvs());
    REQUIRE(ref);
    REQUIRE(w.engine(0).find());
    w.run(5s);
    CHECK(answers(w, 0).empty());
    CHECK(w[1].count<ev::serv_disc_req>() == 0);
    // Device 1 becomes an autonomous GO: the query finds it on the group's channel.
    REQUIRE(w.engine(1).group_add(2437));
    REQUIRE(w.run_until([&] { return answers(w, 0).size() == 1; }, 20s));
    CHECK(answers(w, 0)[0].tlvs ==
          *w.engine(1).services().answer(p2p::service_query().all().tlvs()));
    CHECK(w[1].all<ev::serv_disc_req>()[0].freq == 2437);
    CHECK_FALSE(w.engine(0).sd_cancel(*ref));  // answered: gone
    // P2P_FLUSH drops what is queued.
    const auto later = w.engine(0).sd_request(std::nullopt, p2p::service_query().all().tlvs());
    REQUIRE(later);
    w.engine(0).flush();
    CHECK_FALSE(w.engine(0).sd_cancel(*later));
}

TEST_CASE("external mode: the application answers, its TLVs reach the requester unchanged",
          "[p2p][sd]") {
    test::p2p_world<test::loopback_software_roc> w(2, 47);
    advertise(w.engine(1).services());  // not used: the application answers
    w.engine(1).set_sd_external(true);
    REQUIRE(w.engine(0).sd_request(w.addr(1), p2p::service_query().all().tlvs()));
    REQUIRE(w.engine(1).listen());
    REQUIRE(w.engine(0).find());
    REQUIRE(w.run_until([&] { return w[1].count<ev::serv_disc_req>() == 1; }, 20s));
    const auto req = w[1].all<ev::serv_disc_req>()[0];
    CHECK(hex(req.tlvs) == "02000001");
    const auto mine = hex_octets(
        "0700020100"
        "10616263");
    w.engine(1).sd_respond(req.freq, req.sa, req.token, mine);
    REQUIRE(w.run_until([&] { return answers(w, 0).size() == 1; }, 5s));
    CHECK(answers(w, 0)[0].tlvs == mine);
}

TEST_CASE("service discovery frames pass tshark, their TLVs visible", "[p2p][sd][tshark]") {
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/p2p_sd.pcap";
    {
        test::p2p_world<test::loopback_software_roc> w(2, 49);
        std::ofstream out(path, std::ios::binary);
        w.air.tap(out);
        auto& s = w.engine(1).services();
        advertise(s);
        for (int i = 0; i < 70; ++i)
            s.add_upnp(0x10, "uuid:" + std::to_string(500 + i) + "::upnp:rootdevice");
        REQUIRE(w.engine(0).sd_request(w.addr(1), p2p::service_query().bonjour().tlvs()));
        REQUIRE(w.engine(0).sd_request(std::nullopt,
                                       p2p::service_query().upnp(0x10, "ssdp:all").tlvs()));
        REQUIRE(w.engine(1).listen());
        REQUIRE(w.engine(0).find());
        REQUIRE(w.run_until([&] { return answers(w, 0).size() == 2; }, 20s));
    }
    const auto rows =
        test::tshark_fields(path,
                            {"_ws.malformed", "_ws.expert.severity", "wlan.fixed.publicact",
                             "wifi_p2p.anqp.service_protocol_type", "wifi_p2p.anqp.status_code",
                             "wlan.fixed.gas_fragment_id"},
                            "-Y wlan.fixed.publicact");
    std::set<std::string> codes, protocols;
    for (const auto& r : rows) {
        CHECK(r[0].empty());
        CHECK(r[1].find("8388608") == std::string::npos);  // no error expert item
        codes.insert(r[2]);
        if (!r[3].empty()) protocols.insert(r[3].substr(0, 1));
    }
    // Initial Request and Response, Comeback Request and Response.
    for (const char* c : {"0x0a", "0x0b", "0x0c", "0x0d"}) CHECK(codes.count(c) == 1);
    CHECK(protocols.count("1") == 1);
    CHECK(protocols.count("2") == 1);
}
