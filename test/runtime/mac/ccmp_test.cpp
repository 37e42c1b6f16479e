// SPDX-License-Identifier: MIT
// CCMP: the IEEE test vectors through softmac's AAD, nonce and AES-CCM; a protected link between
// an AP and a station on each driver (software cipher on loopback, the chip's on rt73).
#include <catch2/catch.hpp>

#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/pcap.hpp>
#include <softmac/mac/stack.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "driver_world.hpp"
#include "hex.hpp"
#include "mlme_world.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;

namespace {

using test::hex;

struct vector_case {
    const char* name;
    const char* tk;
    std::uint64_t pn;
    std::uint8_t key_id;
    const char* header;
    const char* plain;
    const char* aad;
    const char* nonce;
    const char* ccmp_header;
    const char* cipher_mic;
};

// IEEE 802.11-2012 M.6.4 (vector 1) and P802.11i D7.0 vectors 2, 6, 7 (the reference's §4.5).
const vector_case vectors[] = {
    {"1", "c97c1f67ce371185514a8a19f2bdd52f", 0xB5039776E70C, 0,
     "0848c32c0fd2e128a57c5030f1844408abaea5b8fcba8033", "f8ba1a55d02f85ae967bb62fb6cda8eb7e78a050",
     "08400fd2e128a57c5030f1844408abaea5b8fcba0000", "005030f1844408b5039776e70c",
     "0ce70020769703b5", "f3d0a2fe9a3dbf2342a643e43246e80c3c04d0197845ce0b16f97623"},
    {"2", "8f7a053fa577a5597529272097a603d5", 0x31F3CBBA97EA, 2,
     "38c06a51ea100c846850eec1762c88deaf2ee9f46a07e0cc", nullptr,
     "08c0ea100c846850eec1762c88deaf2ee9f46a070000", nullptr, nullptr,
     "814b6965d05bf2b2ed38d4beb069fe82714a610b542fbf8da06aa4ae"},
    {"6", "f71eea4e1f58804b9717230ad0614641", 0x6B81ECA48989, 1,
     "8852e11f5af28430fdabbff943b9f9a6ab1d98c7fe7350713d6a",
     "abfda22d3a0bfc9cc1fc079363c2fca143e6eb1d", "88425af28430fdabbff943b9f9a6ab1d98c7fe7300000d00",
     "0dbff943b9f9a66b81eca48989", "89890060a4ec816b",
     "9a709b60a39d40b1dfb612e18b5f114badb6cc86309a8d5c466bbb71"},
    {"7", "1bdb34980e038124a1db1a892bec366a", 0x5EEC4073E723, 3,
     "187981469b50f4fd56f6efec9520169183570c4ccdee20a0", "98beca86f4b38da20cfdf24724c58eb835665339",
     "08419b50f4fd56f6efec9520169183570c4ccdee0000", "00efec952016915eec4073e723",
     "23e700e07340ec5e", "12c537ebf3ab584ef1fef9a1f3547a8c13b3225a2d0957ecfabe95b9"},
};

}  // namespace

TEST_CASE("CCMP vectors 1 2 6 and 7: AAD and nonce from the header and AES-CCM", "[ccmp]") {
    for (const auto& v : vectors) {
        INFO("vector " << v.name);
        const auto tk = hex(v.tk), header = hex(v.header);
        const auto blk = ie::ccmp::make_block(header.data(), header.size(), v.pn);
        CHECK(std::vector<std::uint8_t>(blk.aad_view().begin(), blk.aad_view().end()) ==
              hex(v.aad));
        if (v.nonce)
            CHECK(std::vector<std::uint8_t>(blk.nonce.begin(), blk.nonce.end()) == hex(v.nonce));
        std::array<std::uint8_t, 8> iv{};
        ie::ccmp::write_header(iv.data(), v.pn, v.key_id);
        if (v.ccmp_header)
            CHECK(std::vector<std::uint8_t>(iv.begin(), iv.end()) == hex(v.ccmp_header));
        CHECK(ie::ccmp::read_pn(iv.data()) == v.pn);
        CHECK(ie::ccmp::key_id(iv.data()) == v.key_id);

        crypto::aes_ccm_key key;
        REQUIRE(key.set(tk));
        // Decrypt the published MPDU body: the MIC verifies only with the right AAD and nonce.
        const auto published = hex(v.cipher_mic);
        std::vector<std::uint8_t> body(published.begin(), published.end() - 8);
        const std::uint8_t* mic = published.data() + published.size() - 8;
        REQUIRE(key.decrypt(blk.nonce.data(), blk.aad_view(), body, mic));
        if (v.plain) CHECK(body == hex(v.plain));
        // Encrypting the plaintext gives the published octets again.
        std::array<std::uint8_t, 8> tag{};
        auto data = body;
        REQUIRE(key.encrypt(blk.nonce.data(), blk.aad_view(), data, tag.data()));
        data.insert(data.end(), tag.begin(), tag.end());
        CHECK(data == published);
        // One flipped bit fails the MIC.
        std::vector<std::uint8_t> forged(published.begin(), published.end() - 8);
        forged[3] ^= 0x10;
        CHECK_FALSE(key.decrypt(blk.nonce.data(), blk.aad_view(), forged, mic));
    }
}

namespace {

template <class Cfg>
using secure_stack =
    mac::stack<typename Cfg::driver_type, virtual_time, mac::net<test::recording_net>,
               mac::events<test::recording_events>, mac::crypto<crypto::aes_ccm_key>>;

/// An AP and a station with a controlled port, on one medium whose frames are captured.
template <class Cfg>
struct secure_pair {
    using stack_type = secure_stack<Cfg>;
    virtual_time time;
    sim::medium<virtual_time> air{time, 5};
    std::ostringstream pcap;
    heap_pool pool{frame_buffer_size, 1024};
    std::unique_ptr<stack_type> ap, sta;
    driver::vif a, s;
    const std::vector<std::uint8_t> tk = hex("adf79ba40946bb13025441ed9d58f366"),
                                    gtk = hex("9adad240faa56f322f1553804b451936");

    secure_pair() {
        air.tap(pcap);
        auto make = [&](std::uint16_t i) {
            return test::with_driver_args<Cfg>(air, i, [&](auto&&... args) {
                return std::make_unique<stack_type>(time, pool, test::recording_net{},
                                                    test::recording_events{},
                                                    std::forward<decltype(args)>(args)...);
            });
        };
        ap = make(0);
        sta = make(1);
        test::in_test_mode(ap->data());
        test::in_test_mode(sta->data());
        REQUIRE(ap->start());
        REQUIRE(sta->start());
        a = *ap->add_interface(driver::iftype::ap);
        s = *sta->add_interface(driver::iftype::station);
        auto p = mac::make_ap_params(a.addr, "protected", *ie::make_channel(ie::band::ghz2_4, 6),
                                     ie::rates_2ghz);
        p.privacy = p.control_port = true;
        REQUIRE(ap->start_ap(a.index, p));
        mac::connect_params c;
        c.ssid = "protected";
        c.privacy = c.control_port = true;
        REQUIRE(sta->connect(s.index, c));
        time.run_for(3s);
        REQUIRE(sta->interface(s.index)->associated);
    }
    void install_keys() {
        REQUIRE(ap->new_key(a.index, {ie::suite::ccmp, 0, s.addr, tk, {}}));
        REQUIRE(ap->new_key(a.index, {ie::suite::ccmp, 1, std::nullopt, gtk, {}}));
        REQUIRE(ap->set_default_key(a.index, 1));
        REQUIRE(sta->new_key(s.index, {ie::suite::ccmp, 0, a.addr, tk, {}}));
        REQUIRE(sta->new_key(s.index, {ie::suite::ccmp, 1, std::nullopt, gtk, {}}));
        REQUIRE(ap->set_authorized(a.index, s.addr, true));
        REQUIRE(sta->set_authorized(s.index, a.addr, true));
    }
    /// The keys installed, then `n` frames from the AP delivered to the station.
    void keyed_with(std::size_t n) {
        install_keys();
        send(*ap, a, s.addr, n, 1);
        REQUIRE(sta->net().frames.size() == n);
    }
    template <class Stack>
    void send(Stack& st, const driver::vif& from, const mac_address& to, std::size_t n,
              std::uint8_t seed) {
        for (std::size_t k = 0; k < n; ++k) {
            auto b = pool.allocate(64);
            REQUIRE(b);
            REQUIRE(b->append(test::ethernet(to, from.addr, 0x88b5, 300, seed)));
            st.transmit(from.index, std::move(*b));
        }
        time.run_for(50ms);
    }
    /// The 802.11 frames on the air (radiotap and FCS removed).
    std::vector<std::vector<std::uint8_t>> air_frames() {
        const std::string file = pcap.str();
        auto r = ie::pcap::reader::open(
            bytes_view(reinterpret_cast<const std::uint8_t*>(file.data()), file.size()));
        std::vector<std::vector<std::uint8_t>> out;
        for (auto p = r->next(); p && *p; p = r->next()) {
            const bytes_view d = (*p)->data;
            const std::size_t rt = load_le16(d.data() + 2);
            out.emplace_back(d.begin() + rt, d.end() - 4);
        }
        return out;
    }
};

bool contains(const std::vector<std::uint8_t>& hay, const std::vector<std::uint8_t>& needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

}  // namespace

TEST_CASE("a key is installed again only with the same index, cipher suite and octets", "[ccmp]") {
    // A re-install keeps the PNs (never reuse a PN under a key): only the very same key may.
    const auto tk = hex("adf79ba40946bb13025441ed9d58f366");
    mac::key<mac::no_cipher> k;
    k.assign({ie::suite::ccmp, 1, std::nullopt, tk, {}});
    CHECK(k.suite == ie::suite::ccmp);
    CHECK(k.same_as({ie::suite::ccmp, 1, std::nullopt, tk, {}}));
    CHECK_FALSE(k.same_as({ie::suite::ccmp, 2, std::nullopt, tk, {}}));
    CHECK_FALSE(k.same_as({ie::suite::tkip, 1, std::nullopt, tk, {}}));
    auto other = tk;
    other.back() ^= 1;
    CHECK_FALSE(k.same_as({ie::suite::ccmp, 1, std::nullopt, other, {}}));
}

TEMPLATE_TEST_CASE("a protected link carries data only after its keys and the port", "[ccmp]",
                   test::loopback_software_roc, test::rt73_usb) {
    secure_pair<TestType> w;
    auto& ap_net = w.ap->net().frames;
    auto& sta_net = w.sta->net().frames;
    // Associated, port closed: no data either way.
    w.send(*w.sta, w.s, w.a.addr, 3, 1);
    w.send(*w.ap, w.a, w.s.addr, 3, 2);
    CHECK(ap_net.empty());
    CHECK(sta_net.empty());

    w.install_keys();
    w.send(*w.sta, w.s, w.a.addr, 5, 3);
    w.send(*w.ap, w.a, w.s.addr, 5, 4);
    w.send(*w.ap, w.a, mac_address::broadcast(), 2, 5);  // the GTK
    REQUIRE(ap_net.size() == 5);
    REQUIRE(sta_net.size() == 7);
    CHECK(sta_net.back().second ==
          test::ethernet(mac_address::broadcast(), w.a.addr, 0x88b5, 300, 5));
    CHECK(ap_net.front().second == test::ethernet(w.a.addr, w.s.addr, 0x88b5, 300, 3));

    // On the air every data frame after the keys is protected, and no payload is readable.
    const auto payload = [](std::uint8_t seed) {
        const auto e = test::ethernet({}, {}, 0x88b5, 300, seed);
        return std::vector<std::uint8_t>(e.begin() + 20, e.begin() + 60);
    };
    std::size_t protected_data = 0;
    std::vector<std::uint8_t> first_to_sta, last_to_sta;
    for (const auto& f : w.air_frames()) {
        const ie::frame_control fc{load_le16(f.data())};
        if (!fc.is_data()) continue;
        for (std::uint8_t seed = 3; seed <= 5; ++seed) CHECK_FALSE(contains(f, payload(seed)));
        if (fc.has(ie::frame_control::protected_frame)) {
            ++protected_data;
            if (mac_address::from(f.data() + 4) == w.s.addr) {
                if (first_to_sta.empty()) first_to_sta = f;
                last_to_sta = f;
            }
        }
    }
    CHECK(protected_data >= 12);
    REQUIRE(!last_to_sta.empty());

    // PNs count up per key: five unicast frames each way, two group frames.
    auto* ap_sta = w.ap->data().stations().find(w.s.addr);
    auto* sta_ap = w.sta->data().stations().find(w.a.addr);
    CHECK(ap_sta->ptk.tx_pn == 5);
    CHECK(sta_ap->ptk.tx_pn == 5);
    CHECK(w.ap->data().group_key(w.a.index, 1)->tx_pn == 2);
    CHECK(sta_ap->ptk.rx_pn[0] == 5);

    // The last frame again: a replay. With a changed PN: the MIC fails.
    using path = typename secure_stack<TestType>::path_type;
    auto inject = [&](std::vector<std::uint8_t> f) {
        driver::rx_status st{};
        st.freq = 2437;
        if constexpr (path::caps.hw_crypto) {
            // As the hardware hands it up: decrypted only if it was the original frame.
            st.flags = driver::rx_flag::decrypted;
            f.resize(f.size() - 8);
        }
        auto b = w.pool.allocate(64);
        REQUIRE(b->append(f));
        w.sta->data().on_rx(std::move(*b), st);
    };
    const auto& drops = w.sta->interface(w.s.index);
    const std::size_t delivered = sta_net.size();
    inject(last_to_sta);
    CHECK(drops->dropped(mac::drop_reason::replay) == 1);
    CHECK(sta_ap->ptk.replays == 1);
    // An earlier frame arriving late (reordered): its PN is below the last one accepted.
    inject(first_to_sta);
    CHECK(drops->dropped(mac::drop_reason::replay) == 2);
    CHECK(sta_ap->ptk.replays == 2);
    if constexpr (!path::caps.hw_crypto) {
        auto forged = last_to_sta;
        forged[24] = static_cast<std::uint8_t>(forged[24] + 1);  // PN0: a fresh PN, a wrong MIC
        inject(forged);
        CHECK(drops->dropped(mac::drop_reason::decrypt_failed) == 1);
        CHECK(sta_ap->ptk.decrypt_errors == 1);
    }
    // A frame without protection, now that a key protects the link.
    auto plain = last_to_sta;
    plain[1] &= static_cast<std::uint8_t>(~0x40);
    plain.erase(plain.begin() + 24, plain.begin() + 32);
    plain.resize(plain.size() - 8);
    {
        driver::rx_status st{};
        st.freq = 2437;
        auto b = w.pool.allocate(64);
        REQUIRE(b->append(plain));
        w.sta->data().on_rx(std::move(*b), st);
    }
    CHECK(drops->dropped(mac::drop_reason::unprotected) == 1);
    CHECK(sta_net.size() == delivered);

    // Re-installing the same key keeps its PN (never a reused PN); the link still works.
    REQUIRE(w.ap->new_key(w.a.index, {ie::suite::ccmp, 0, w.s.addr, w.tk, {}}));
    CHECK(ap_sta->ptk.tx_pn == 5);
    w.send(*w.ap, w.a, w.s.addr, 1, 6);
    CHECK(sta_net.size() == delivered + 1);

    // Fragments: each MPDU carries its own PN; the station reassembles the MSDU.
    w.ap->data().state_of(w.a.index).frag_threshold = 200;
    w.send(*w.ap, w.a, w.s.addr, 1, 7);
    REQUIRE(sta_net.size() == delivered + 2);
    CHECK(sta_net.back().second == test::ethernet(w.s.addr, w.a.addr, 0x88b5, 300, 7));
    CHECK(ap_sta->ptk.tx_pn == 8);
    if constexpr (!path::caps.hw_crypto) {
        // Two fragments whose PNs are not consecutive are not one MSDU.
        crypto::aes_ccm_key tk;
        REQUIRE(tk.set(w.tk));
        auto fragment = [&](std::uint8_t no, bool more, std::uint64_t pn) {
            std::vector<std::uint8_t> f(24 + 8);
            const auto fc = ie::frame_control::make(ie::frame_type::data, 0,
                                                    ie::frame_control::from_ds |
                                                        ie::frame_control::protected_frame |
                                                        (more ? ie::frame_control::more_frag : 0));
            store_le16(f.data(), fc.raw);
            std::copy(w.s.addr.octets.begin(), w.s.addr.octets.end(), f.begin() + 4);
            std::copy(w.a.addr.octets.begin(), w.a.addr.octets.end(), f.begin() + 10);
            std::copy(w.a.addr.octets.begin(), w.a.addr.octets.end(), f.begin() + 16);
            store_le16(f.data() + 22, ie::sequence_control::make(0x321, no).raw);
            ie::ccmp::write_header(f.data() + 24, pn, 0);
            std::vector<std::uint8_t> body(48, 0x42);
            if (no == 0)
                std::copy(ie::rfc1042_header.begin(), ie::rfc1042_header.end(), body.begin());
            const auto blk = ie::ccmp::make_block(f.data(), 24, pn);
            std::array<std::uint8_t, 8> mic{};
            REQUIRE(tk.encrypt(blk.nonce.data(), blk.aad_view(), body, mic.data()));
            f.insert(f.end(), body.begin(), body.end());
            f.insert(f.end(), mic.begin(), mic.end());
            return f;
        };
        const std::uint64_t next = sta_ap->ptk.rx_pn[0] + 1;
        const std::size_t before = sta_net.size();
        inject(fragment(0, true, next));
        inject(fragment(1, false, next + 2));
        CHECK(drops->dropped(mac::drop_reason::fragment_unmatched) == 1);
        CHECK(sta_net.size() == before);
        inject(fragment(0, true, next + 3));
        inject(fragment(1, false, next + 4));
        CHECK(sta_net.size() == before + 1);
    }
}

TEMPLATE_TEST_CASE("a pairwise rekey takes effect on the fast paths with the next frame", "[ccmp]",
                   test::loopback_software_roc, test::rt73_usb) {
    secure_pair<TestType> w;
    w.keyed_with(3);
    auto& sta_net = w.sta->net().frames;
    const bool fast = w.ap->data().fast_path();
    const auto fast_tx = w.ap->data().fast_tx_frames();
    const auto fast_rx = w.sta->data().fast_rx_frames();
    if (fast) {
        CHECK(fast_tx >= 2);  // the first frame built the template
        CHECK(fast_rx == 3);
    }
    // The AP alone rolls its pairwise key over: the station, still on the old key, cannot
    // decrypt the AP's next frame, which therefore went out under the new key.
    const auto tk2 = hex("0102030405060708090a0b0c0d0e0f10");
    REQUIRE(w.ap->new_key(w.a.index, {ie::suite::ccmp, 0, w.s.addr, tk2, {}}));
    w.send(*w.ap, w.a, w.s.addr, 1, 2);
    CHECK(sta_net.size() == 3);
    auto* sta_ap = w.sta->data().stations().find(w.a.addr);
    REQUIRE(sta_ap);
    if constexpr (!secure_stack<TestType>::path_type::caps.hw_crypto)
        CHECK(sta_ap->ptk.decrypt_errors == 1);
    // The station takes the new key too: frames flow again, each way, on the fast paths.
    REQUIRE(w.sta->new_key(w.s.index, {ie::suite::ccmp, 0, w.a.addr, tk2, {}}));
    w.send(*w.ap, w.a, w.s.addr, 2, 3);
    REQUIRE(sta_net.size() == 5);
    CHECK(sta_net.back().second == test::ethernet(w.s.addr, w.a.addr, 0x88b5, 300, 3));
    if (fast) {
        CHECK(w.ap->data().fast_tx_frames() == fast_tx + 3);
        CHECK(w.sta->data().fast_rx_frames() == fast_rx + 3);
    }
}

TEMPLATE_TEST_CASE("a key index the MAC never holds names no key, not the group key it aliases",
                   "[ccmp]", test::loopback_software_roc, test::rt73_usb) {
    // nl80211 allows indices 4 to 7 (IGTKs, BIGTKs), which wpa_supplicant deletes when it
    // clears its keys; as mac80211 finds none there, they name no key here either.
    secure_pair<TestType> w;
    w.install_keys();  // the GTK is group key 1
    const auto not_found = [](const auto& r) { return !r && r.err().code == errc::not_found; };
    for (const std::uint8_t id : {5, 9}) {
        INFO("index " << int(id));
        CHECK(not_found(w.ap->key_seq(w.a.index, id)));
        CHECK(not_found(w.ap->set_default_key(w.a.index, id)));
        CHECK(not_found(w.ap->del_key(w.a.index, id, std::nullopt)));
    }
    CHECK(w.ap->key_seq(w.a.index, 1));
    CHECK(not_found(w.ap->key_seq(mac::max_interfaces + 3, 1)));
    // Group key 1 is still there, and still protects the AP's group-addressed frames.
    auto& sta_net = w.sta->net().frames;
    const auto before = sta_net.size();
    w.send(*w.ap, w.a, mac_address::broadcast(), 2, 9);
    REQUIRE(sta_net.size() == before + 2);
    CHECK(sta_net.back().second ==
          test::ethernet(mac_address::broadcast(), w.a.addr, 0x88b5, 300, 9));
    CHECK(w.ap->del_key(w.a.index, 1, std::nullopt));
}

TEMPLATE_TEST_CASE(
    "a group key removed is the default no longer, nor is one put again at its index", "[ccmp]",
    test::loopback_software_roc, test::rt73_usb) {
    // mac80211's ieee80211_key_replace unsets the default key it removes: until SET_KEY default
    // names one again, group-addressed frames are sent without a key (which hostapd never
    // leaves so: it names the default with every GTK it installs).
    secure_pair<TestType> w;
    w.install_keys();  // group key 1, the default
    auto& sta_net = w.sta->net().frames;
    const auto group_data = [&w] {  // the AP's group-addressed data frames on the air
        std::vector<std::vector<std::uint8_t>> out;
        for (auto& f : w.air_frames())
            if (ie::frame_control{load_le16(f.data())}.is_data() &&
                mac_address::from(f.data() + 4) == mac_address::broadcast())
                out.push_back(std::move(f));
        return out;
    };
    const auto is_protected = [](const std::vector<std::uint8_t>& f) {
        return ie::frame_control{load_le16(f.data())}.has(ie::frame_control::protected_frame);
    };
    REQUIRE(w.ap->del_key(w.a.index, 1, std::nullopt));
    REQUIRE(w.ap->new_key(w.a.index, {ie::suite::ccmp, 1, std::nullopt, w.gtk, {}}));
    const auto before = sta_net.size();
    w.send(*w.ap, w.a, mac_address::broadcast(), 1, 7);
    auto sent = group_data();
    REQUIRE(sent.size() == 1);
    CHECK_FALSE(is_protected(sent[0]));
    CHECK(sta_net.size() == before);  // the station holds a group key: dropped as unprotected
    REQUIRE(w.ap->set_default_key(w.a.index, 1));
    w.send(*w.ap, w.a, mac_address::broadcast(), 1, 8);
    sent = group_data();
    REQUIRE(sent.size() == 2);
    CHECK(is_protected(sent[1]));
    REQUIRE(sta_net.size() == before + 1);
    CHECK(sta_net.back().second ==
          test::ethernet(mac_address::broadcast(), w.a.addr, 0x88b5, 300, 8));
}

TEST_CASE("a key the hardware refuses in place of another leaves no key at its index",
          "[ccmp][rt73]") {
    // The old key leaves the hardware before the new one enters it; when the new one is refused,
    // the MAC no longer claims a key at that index.
    secure_pair<test::rt73_usb> w;
    w.install_keys();
    const auto not_found = [](const auto& r) { return !r && r.err().code == errc::not_found; };
    REQUIRE(w.sta->key_seq(w.s.index, 1));
    w.sta->radio().driver().chip.unplug();
    const auto other = hex("000102030405060708090a0b0c0d0e0f");
    CHECK_FALSE(w.sta->new_key(w.s.index, {ie::suite::ccmp, 1, std::nullopt, other, {}}));
    CHECK(not_found(w.sta->key_seq(w.s.index, 1)));
    CHECK(not_found(w.sta->set_default_key(w.s.index, 1)));
    CHECK_FALSE(w.sta->new_key(w.s.index, {ie::suite::ccmp, 0, w.a.addr, other, {}}));
    CHECK(not_found(w.sta->del_key(w.s.index, 0, w.a.addr)));
    CHECK(not_found(w.sta->del_key(w.s.index, 1, std::nullopt)));
}

TEMPLATE_TEST_CASE("a pairwise key deleted or installed changes what the fast RX expects", "[ccmp]",
                   test::loopback_software_roc, test::rt73_usb) {
    secure_pair<TestType> w;
    w.keyed_with(2);
    auto& sta_net = w.sta->net().frames;
    const bool fast = w.ap->data().fast_path();
    const auto fast_rx = w.sta->data().fast_rx_frames();
    if (fast) CHECK(fast_rx == 2);
    // Both sides delete the pairwise key: the AP's next frames go out unprotected, and the
    // station, which expected protected frames from it, expects them unprotected now.
    REQUIRE(w.ap->del_key(w.a.index, 0, w.s.addr));
    REQUIRE(w.sta->del_key(w.s.index, 0, w.a.addr));
    CHECK_FALSE(w.sta->del_key(w.s.index, 0, w.a.addr));  // gone
    w.send(*w.ap, w.a, w.s.addr, 3, 2);
    REQUIRE(sta_net.size() == 5);
    CHECK(sta_net.back().second == test::ethernet(w.s.addr, w.a.addr, 0x88b5, 300, 2));
    std::size_t plain = 0;
    for (const auto& f : w.air_frames()) {
        const ie::frame_control fc{load_le16(f.data())};
        if (fc.is_data() && !fc.has(ie::frame_control::protected_frame) &&
            mac_address::from(f.data() + 4) == w.s.addr && f.size() > 300)
            ++plain;
    }
    CHECK(plain == 3);
    if (fast) CHECK(w.sta->data().fast_rx_frames() == fast_rx + 3);
    // Installed again, on a link whose flags do not change: protected frames again, and the
    // station's fast RX expects them at once.
    REQUIRE(w.ap->new_key(w.a.index, {ie::suite::ccmp, 0, w.s.addr, w.tk, {}}));
    REQUIRE(w.sta->new_key(w.s.index, {ie::suite::ccmp, 0, w.a.addr, w.tk, {}}));
    w.send(*w.ap, w.a, w.s.addr, 2, 3);
    REQUIRE(sta_net.size() == 7);
    CHECK(sta_net.back().second == test::ethernet(w.s.addr, w.a.addr, 0x88b5, 300, 3));
    CHECK(w.sta->interface(w.s.index)->dropped(mac::drop_reason::unprotected) == 0);
    if (fast) CHECK(w.sta->data().fast_rx_frames() == fast_rx + 5);
    // The shortest frame the fast RX takes: nothing after the SNAP header but the CCMP header
    // and, unless the hardware removed it, the MIC.
    auto b = w.pool.allocate(64);
    REQUIRE(b);
    REQUIRE(b->append(test::ethernet(w.s.addr, w.a.addr, 0x88b5, 0, 4)));
    w.ap->transmit(w.a.index, std::move(*b));
    w.time.run_for(50ms);
    REQUIRE(sta_net.size() == 8);
    CHECK(sta_net.back().second.size() == 14);
    if (fast) CHECK(w.sta->data().fast_rx_frames() == fast_rx + 6);
}

TEST_CASE("the CCMP handlers are in a pipeline only when needed", "[ccmp]") {
    using ie_loop = drivers::loopback<virtual_time>;
    using sw = mac::stack<ie_loop, virtual_time, mac::crypto<crypto::aes_ccm_key>>::path_type;
    using open = mac::stack<ie_loop, virtual_time>::path_type;
    STATIC_REQUIRE(mac::detail::contains<sw::tx_pipeline, mac::tx_ccmp_encrypt>());
    STATIC_REQUIRE(mac::detail::contains<sw::rx_pipeline, mac::rx_ccmp_decrypt>());
    STATIC_REQUIRE_FALSE(mac::detail::contains<sw::tx_pipeline, mac::tx_ccmp_hw>());
    STATIC_REQUIRE_FALSE(mac::detail::contains<open::tx_pipeline, mac::tx_ccmp_encrypt>());
    STATIC_REQUIRE_FALSE(mac::detail::contains<open::rx_pipeline, mac::rx_ccmp_decrypt>());
    STATIC_REQUIRE_FALSE(mac::detail::contains<open::rx_pipeline, mac::rx_ccmp_hw>());
    // A driver that offloads: the header-only handlers, never the software cipher.
    constexpr mac::capabilities hw = [] {
        mac::capabilities c;
        c.hw_crypto = true;
        return c;
    }();
    using hw_path = mac::data_path<hw, virtual_time, mac::null_upper, mac::simple_adaptive,
                                   heap_pool, crypto::aes_ccm_key>;
    STATIC_REQUIRE(mac::detail::contains<hw_path::tx_pipeline, mac::tx_ccmp_hw>());
    STATIC_REQUIRE(mac::detail::contains<hw_path::rx_pipeline, mac::rx_ccmp_hw>());
    STATIC_REQUIRE_FALSE(mac::detail::contains<hw_path::tx_pipeline, mac::tx_ccmp_encrypt>());
    STATIC_REQUIRE_FALSE(mac::detail::contains<hw_path::rx_pipeline, mac::rx_ccmp_decrypt>());
}
