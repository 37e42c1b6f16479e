// SPDX-License-Identifier: MIT
// Writes the fuzz seeds: every reference frame, control commands, wpa_supplicant.conf files, and
// every packet of the captures when present.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <softmac/ieee80211/pcap.hpp>
#include <softmac/wps/eap.hpp>

#include "reference_frames.hpp"
// After the reference frames, which say p2p:: for ieee80211::p2p.
#include <softmac/p2p/detail/build.hpp>
#include <softmac/p2p/services.hpp>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const fs::path out = argv[1];
    std::size_t n = 0;
    auto save = [&](softmac::bytes_view b) {
        std::ofstream(out / ("seed_" + std::to_string(n++)), std::ios::binary)
            .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    };
    for (const auto& f : softmac::test::reference_frames()) save(f.bytes);
    for (std::string_view c :
         {"P2P_FIND 10 type=social dev_id=02:00:00:00:0b:01 dev_type=1-0050F204-1 delay=5",
          "P2P_CONNECT 02:00:00:00:00:00 pbc go_intent=15 freq=2437",
          "P2P_CONNECT 02:00:00:00:00:00 12345670 display auth provdisc",
          "P2P_PROV_DISC 02:00:00:00:00:00 keypad join",
          "P2P_PEER NEXT-02:00:00:00:00:00",
          "P2P_SET listen_channel 6 81",
          "P2P_EXT_LISTEN 100 500",
          "IFNAME=wlan0 STATUS",
          "INTERFACE_ADD wlan5\t\tloopback\t\t\t\t\t",
          "INTERFACE_ADD wlan5\t\t\t\t\t\tcreate\tap",
          "INTERFACE_REMOVE wlan5",
          "INTERFACES ctrl",
          "IFNAME=p2p-dev-wlan1 P2P_FIND",
          "SET device_name x",
          "GET config_methods",
          "P2P_GROUP_ADD freq=2412",
          "P2P_INVITE persistent=0 peer=02:00:00:00:0b:01 freq=2437 pref=2412",
          "P2P_INVITE group=p2p-wlan0-0 peer=02:00:00:00:0b:01 go_dev_addr=02:00:00:00:0a:00",
          "P2P_CONNECT 02:00:00:00:00:00 pbc persistent=0",
          "P2P_GROUP_ADD persistent",
          "LIST_NETWORKS",
          "GET_NETWORK 0 ssid",
          "SET_NETWORK 0 ssid \"DIRECT-xy\"",
          "REMOVE_NETWORK all",
          "SAVE_CONFIG",
          "SET persistent_reconnect 1",
          "P2P_CONNECT 02:00:00:00:00:00 pbc auto",
          "P2P_PROV_DISC 02:00:00:00:00:00 display auto",
          "SET manufacturer Acme",
          "GET serial_number",
          "P2P_CANCEL",
          "P2P_REMOVE_CLIENT iface=02:00:00:00:0b:01",
          "SCAN freq=2412,2437-2462 passive=1 use_id=1",
          "SCAN_RESULTS",
          "BSS RANGE=ALL MASK=0x2",
          "BSS RANGE=0-",
          "BSS ID-0",
          "BSS NEXT-0 MASK=0x21801",
          "BSS CURRENT",
          "ADD_NETWORK",
          "SET_NETWORK 1 ssid \"softmac-ap\"",
          "SET_NETWORK 1 key_mgmt NONE",
          "SET_NETWORK 1 mode 2",
          "SET_NETWORK 1 frequency 2437",
          "ENABLE_NETWORK all",
          "SELECT_NETWORK any",
          "DISABLE_NETWORK 1",
          "RECONNECT",
          "DISCONNECT",
          "REASSOCIATE",
          "REATTACH",
          "ABORT_SCAN",
          "BSS_FLUSH 0",
          "SCAN_INTERVAL 1",
          "STA_AUTOCONNECT 0",
          "STATUS-DRIVER",
          "P2P_SET peer_filter 02:00:00:00:00:01",
          "SET p2p_pref_chan 81:1,81:6",
          "SET p2p_no_go_freq 2412-2437,2462",
          "P2P_CONNECT 02:00:00:00:77:77 pbc join",
          "P2P_SERV_DISC_REQ 00:00:00:00:00:00 02000001",
          "P2P_SERV_DISC_REQ 02:00:00:00:00:01 upnp 10 ssdp:all",
          "P2P_SERVICE_ADD bonjour 045f697070c00c000c01 094d795072696e746572c027",
          "P2P_SERVICE_ADD upnp 10 uuid:1::upnp:rootdevice",
          "P2P_SERVICE_DEL upnp 10 uuid:1::upnp:rootdevice",
          "P2P_SERV_DISC_RESP 2412 02:00:00:00:00:01 0 0300000101",
          "P2P_SERV_DISC_EXTERNAL 1",
          "P2P_SERV_DISC_CANCEL_REQ 5d1000",
          "P2P_SERVICE_FLUSH"})
        save({reinterpret_cast<const std::uint8_t*>(c.data()), c.size()});
    // wpa_supplicant.conf: a P2P device's globals, a persistent group it is GO of and one it
    // joined, with comments and a key softmac does not know.
    for (std::string_view c :
         {"# p2pd\nctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\nupdate_config=1\n"
          "device_name=softmac # peers see it\ndevice_type=1-0050F204-1\n"
          "config_methods=virtual_push_button keypad\np2p_go_intent=7\npersistent_reconnect=1\n"
          "uuid=12345678-9abc-def0-1234-56789abcdef0\np2p_no_group_iface=1\n\n"
          "# GO\nnetwork={\n\tssid=\"DIRECT-ab-softmac\"\n\tbssid=02:00:00:00:0a:01\n"
          "\tpsk=\"pass # phrase\"\n\tproto=RSN\n\tkey_mgmt=WPA-PSK\n\tpairwise=CCMP\n"
          "\tmode=3\n\tdisabled=2\n\tp2p_client_list=02:00:00:00:0b:01\n}\n",
          "network={\r\n  ssid=P\"DIRECT-\\x01\\n\"\r\n  psk=00112233445566778899aabbccddeeff"
          "00112233445566778899aabbccddeeff\n  disabled=2\n  id_str=446972\n"
          "  # end\n}\np2p_listen_channel=6\n"})
        save({reinterpret_cast<const std::uint8_t*>(c.data()), c.size()});
    {  // Invitation Request (re-invoking a persistent group) and Response
        namespace p2p = softmac::p2p;
        const auto a = softmac::mac_address::parse("02:00:00:00:0a:00").value();
        const auto b = softmac::mac_address::parse("02:00:00:00:0b:00").value();
        const p2p::settings s;
        p2p::peer peer;
        peer.info.dev_addr = b;
        peer.dialog_token = 3;
        const p2p::detail::invitation_terms t{a, a, "DIRECT-ab", true, 6, {1, 6, 11}};
        save(p2p::detail::invitation_request({s, a, 6, {}}, peer, t));
        save(p2p::detail::invitation_response(b, a, 3, 0, 6, b, {1, 6, 11}));
    }
    {  // Service discovery: GAS request, response, comeback response; request and response TLVs
        namespace ie = softmac::ieee80211;
        std::vector<std::uint8_t> anqp, buf(600);
        const auto tlvs =
            softmac::p2p::service_query().bonjour("_ipp._tcp.local").upnp(0x10, "ssdp:all").tlvs();
        ie::anqp::put_p2p_sd(anqp, 3, tlvs);
        softmac::byte_writer w(buf);
        ie::write_gas_initial_req(w, 0, anqp);
        save(w.written());
        softmac::byte_writer r(buf);
        ie::write_gas_comeback_resp(r, 0, 0, 0, true, 0, anqp);
        save(r.written());
        save(tlvs);
        save(softmac::p2p::bonjour_key("MyPrinter._ipp._tcp.local", 16));
    }
    {  // EAP-WSC: whole EAPOL frames, and a fragmented message as 2-octet-length-prefixed EAP
        namespace eap = softmac::wps::eap;
        save(eap::eapol_identity_request(2, 4));
        save(eap::eapol_identity_response(1, 4, eap::enrollee_identity));
        save(eap::eapol_wsc(2, eap::code::request, 5, eap::op::start, 0, 0, {}));
        save(eap::eapol_failure(2, 12));
        std::vector<std::uint8_t> seq;
        eap::fragmenter fr(eap::op::msg, std::vector<std::uint8_t>(40, 0x10), 16);
        for (std::uint8_t id = 1; !fr.done(); ++id) {
            const auto p = fr.next();
            const auto f =
                eap::eapol_wsc(1, eap::code::response, id, p.op, p.flags, p.message_length, p.data);
            seq.push_back(0);
            seq.push_back(static_cast<std::uint8_t>(f.size() - 4));
            seq.insert(seq.end(), f.begin() + 4, f.end());
        }
        save(seq);
    }
    if (argc > 2 && fs::is_directory(argv[2])) {
        for (const auto& e : fs::recursive_directory_iterator(argv[2])) {
            if (!e.is_regular_file() || e.path().extension() == ".md") continue;
            std::ifstream in(e.path(), std::ios::binary);
            const std::vector<std::uint8_t> file{std::istreambuf_iterator<char>(in), {}};
            if (file.size() < 64 * 1024) save(file);  // whole small files seed the pcap reader
            auto r = softmac::ieee80211::pcap::reader::open(file);
            for (std::size_t k = 0; r && k < 200; ++k) {
                auto p = r->next();
                if (!p || !*p) break;
                save((*p)->data);
            }
        }
    }
    return 0;
}
