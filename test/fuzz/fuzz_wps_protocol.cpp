// SPDX-License-Identifier: MIT
// Fuzzes the WPS registration machines: a registrar run and an enrollee are fed arbitrary message
// sequences, and real registrations whose messages get fuzzed octets overlaid at a chosen step;
// the WSC message, credential and Encrypted Settings parsers see every one of them.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <softmac/wps/enrollee.hpp>
#include <softmac/wps/registrar.hpp>

namespace {

using namespace softmac;

wps::enrollee::config enrollee_config() {
    wps::enrollee::config c;
    c.mac = *mac_address::parse("02:00:00:00:01:00");
    c.dev.id = wps::uuid_from_mac(c.mac);
    c.password = "12345670";
    return c;
}
wps::registrar_run::config registrar_config() {
    wps::registrar_run::config c;
    c.dev.id = wps::uuid_from_mac(*mac_address::parse("02:00:00:00:00:00"));
    c.authorize = [](const wps::enrollee_request&) {
        return wps::password_decision{std::string("12345670"), 0};
    };
    c.cred.ssid = "DIRECT-fz";
    c.cred.network_key = std::string(64, '0');
    return c;
}

/// Length-prefixed pieces: [op][len hi][len lo][octets...]
struct pieces {
    bytes_view rest;
    bool next(std::uint8_t& op, bytes_view& out) {
        if (rest.size() < 3) return false;
        op = rest[0];
        const std::size_t n = std::min<std::size_t>((rest[1] << 8) | rest[2], rest.size() - 3);
        out = rest.subspan(3, n);
        rest = rest.subspan(3 + n);
        return true;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const bytes_view in(data, size);
    (void)wps::message::parse(in);
    (void)wps::parse_credential(in);
    const std::uint8_t mode = data[0] % 3;
    if (mode == 0) {  // arbitrary sequences to both machines
        wps::enrollee e(enrollee_config());
        wps::registrar_run r(registrar_config());
        (void)e.start();
        pieces p{in.subspan(1)};
        std::uint8_t op = 0;
        bytes_view m;
        for (bool to_enrollee = true; p.next(op, m); to_enrollee = !to_enrollee)
            (void)(to_enrollee ? e.receive(op, m) : r.receive(op, m));
    } else if (mode == 1) {  // a real registration, one message replaced by fuzzed octets
        wps::enrollee e(enrollee_config());
        wps::registrar_run r(registrar_config());
        const std::size_t at = data[1] % 9;
        wps::reply msg = e.start();
        for (std::size_t step = 0; msg.op != wps::op::none && step < 12; ++step) {
            if (step == at) {
                const bytes_view fuzz = in.subspan(2);
                for (std::size_t i = 0; i < fuzz.size() && i < msg.message.size(); ++i)
                    msg.message[msg.message.size() - 1 - i] ^= fuzz[i];
                if (fuzz.size() > msg.message.size())
                    msg.message.insert(msg.message.end(), fuzz.begin() + msg.message.size(),
                                       fuzz.end());
            }
            msg = step % 2 == 0 ? r.receive(msg.op, msg.message) : e.receive(msg.op, msg.message);
        }
    } else {  // Encrypted Settings under a fixed key
        wps::session_keys k;
        k.auth_key.fill(0x11);
        k.key_wrap_key.fill(0x22);
        (void)wps::decrypt_settings(k, in.subspan(1));
    }
    return 0;
}
