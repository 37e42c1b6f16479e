// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <string>

#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/drivers/rt73/simulated.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/mac/pipeline.hpp>

#include "driver_world.hpp"
#include "got.hpp"
#include "hex.hpp"
#include "tshark.hpp"

using namespace softmac;
using namespace std::chrono_literals;
namespace rt73 = softmac::drivers::rt73;
namespace ie = softmac::ieee80211;

namespace {
std::array<std::uint32_t, 6> words(const rt73::tx_descriptor& d) {
    std::array<std::uint8_t, 24> b{};
    byte_writer w(b);
    d.write(w);
    std::array<std::uint32_t, 6> out{};
    for (std::size_t i = 0; i < 6; ++i) out[i] = load_le32(b.data() + 4 * i);
    return out;
}
}  // namespace

TEST_CASE("TX descriptors match hand-worked vectors", "[rt73][descriptor]") {
    SECTION("1 Mbit/s data, 96 octets + FCS: 800 µs") {
        rt73::tx_descriptor d;
        d.ack = true, d.length = 96, d.queue = 2, d.aifsn = 3, d.cwmin = 4, d.cwmax = 10,
        d.iv_offset = 24;
        d.plcp_fields = rt73::plcp::compute(100, 0);
        const auto w = words(d);
        CHECK(w[0] == 0x0060000au);  // VALID | ACK | 96 << 16
        CHECK(w[1] == 0x0018a432u);  // queue 2, AIFSN 3, CWmin 4, CWmax 10, IV offset 24
        CHECK(w[2] == 0x03200400u);  // signal 0x00, service 0x04, length 800 = 0x0320
        CHECK(w[5] == 0x01000000u);  // WAITING_DMA_DONE_INT
    }
    SECTION("11 Mbit/s: 100 octets -> 73 µs; 109 octets -> 80 µs with the length extension") {
        const auto a = rt73::plcp::compute(100, 3);
        CHECK(a.signal == 0x03);
        CHECK(a.service == 0x04);
        CHECK(a.length_low == 73);
        const auto b = rt73::plcp::compute(109, 3);  // 8720 / 110 = 79 r 30
        CHECK(b.length_low == 80);
        CHECK(b.service == 0x84);
        CHECK(rt73::plcp::compute(100, 3, true).signal == 0x0b);  // short preamble
    }
    SECTION("54 Mbit/s OFDM, 1504 octets: length split in 6-bit halves") {
        rt73::tx_descriptor d;
        d.ofdm = true, d.ack = true, d.length = 1500;
        d.plcp_fields = rt73::plcp::compute(1504, 11);
        const auto w = words(d);
        CHECK(w[0] == (0x2u | 0x8u | 0x20u | (1500u << 16)));
        CHECK(w[2] == (0x0cu | 0x04u << 8 | 0x20u << 16 | 0x17u << 24));  // 1504 = 23 x 64 + 32
    }
    SECTION("a non-last fragment: burst, more-frag, SIFS") {
        rt73::tx_descriptor d;
        d.burst = true, d.more_frag = true, d.ifs = 1, d.ack = true, d.length = 256;
        const auto w = words(d);
        CHECK(w[0] == (0x1u | 0x2u | 0x4u | 0x8u | 0x40u | (256u << 16) | 0x10000000u));
    }
    SECTION("a beacon asks for the timestamp and hardware sequence") {
        rt73::tx_descriptor d;
        d.timestamp = true, d.hw_sequence = true, d.length = 60, d.queue = 4;
        const auto w = words(d);
        CHECK(w[0] == (0x2u | 0x10u | (60u << 16)));
        CHECK(w[1] == (0x4u | 0x2u << 4 | 0x4u << 8 | 0xau << 12 | 0x10000000u));
    }
    SECTION("an encrypted frame carries cipher, key table and index, IV and EIV") {
        rt73::tx_descriptor d;
        d.cipher = rt73::cipher::aes, d.key_table = true, d.key_index = 5, d.length = 120,
        d.iv = 0x20000001, d.eiv = 0x12345678;
        const auto w = words(d);
        CHECK(w[0] == (0x2u | 0x200u | (5u << 10) | (120u << 16) | (4u << 29)));
        CHECK(w[3] == 0x20000001u);
        CHECK(w[4] == 0x12345678u);
        std::array<std::uint8_t, 24> raw{};
        byte_writer bw(raw);
        d.write(bw);
        auto r = rt73::tx_descriptor::read(raw);
        REQUIRE(r);
        CHECK(r->key_index == 5);
        CHECK(r->cipher == rt73::cipher::aes);
        CHECK(r->length == 120);
    }
}

TEST_CASE("RX descriptors round-trip and give RSSI from AGC and LNA", "[rt73][descriptor]") {
    rt73::rx_descriptor d;
    d.owner_nic = true, d.unicast_to_me = true, d.my_bss = true, d.crc_error = true, d.ofdm = true;
    d.length = 104, d.signal = 0x0c, d.rssi_agc = 12, d.rssi_lna = 2;
    std::array<std::uint8_t, 24> raw{};
    byte_writer w(raw);
    d.write(w);
    CHECK(load_le32(raw.data()) == (0x1u | 0x4u | 0x20u | 0x40u | 0x80u | (104u << 16)));
    auto r = rt73::rx_descriptor::read(raw);
    REQUIRE(r);
    CHECK(r->crc_error);
    CHECK(r->my_bss);
    CHECK(r->length == 104);
    CHECK(r->rssi_dbm() == 2 * 12 - 74);
    CHECK(rt73::rate_of_signal(0x0c, true) == 11);
    CHECK(rt73::rate_of_signal(0x0b, false) == 3);  // 11 Mbit/s with the short-preamble bit
    CHECK_FALSE(rt73::rx_descriptor::read(bytes_view(raw).first(23)));
}

TEST_CASE("USB transfers are rounded to 4 and never end on a max-packet boundary", "[rt73][usb]") {
    CHECK(rt73::usb_tx_length(101) == 104);
    CHECK(rt73::usb_tx_length(104) == 104);
    CHECK(rt73::usb_tx_length(510) == 516);  // 512 would need a zero-length packet
    CHECK(rt73::usb_tx_length(1024, 512) == 1028);
    CHECK(rt73::usb_tx_length(64, 64) == 68);
}

TEST_CASE("firmware: a good image starts the chip, wrong length and wrong CRC are refused",
          "[rt73][firmware]") {
    const auto good = rt73::make_firmware();
    CHECK(rt73::check_firmware(good));
    auto short_image = good;
    short_image.pop_back();
    CHECK(std::string(rt73::check_firmware(short_image).err().what) ==
          "rt73: firmware must be exactly 2048 octets");
    auto bad_crc = good;
    bad_crc[100] ^= 0x01;
    CHECK(std::string(rt73::check_firmware(bad_crc).err().what) == "rt73: firmware CRC mismatch");

    virtual_time t;
    sim::medium<virtual_time> air(t);
    for (const auto& [image, ok] :
         {std::pair{good, true}, std::pair{bad_crc, false}, std::pair{short_image, false}}) {
        mac::radio<rt73::simulated<virtual_time>, virtual_time, test::recording_sink> r(
            t, test::recording_sink{&t}, air, rt73::eeprom_for(9), image);
        REQUIRE(r.register_hw());
        auto v = r.add_interface(driver::iftype::station);
        CHECK(bool(v) == ok);
        CHECK(r.driver().chip.firmware_running() == ok);
    }
}

TEST_CASE("a channel switch writes exactly the table's RF words", "[rt73][rf]") {
    test::world<test::rt73_usb> w(1);
    auto& chip = w[0].driver().chip;
    chip.clear_rf_writes();
    REQUIRE(w[0].set_channel(*ie::make_channel(ie::band::ghz2_4, 6)));
    const auto& c6 = rt73::rf_vals_bg_2528[5];
    const std::uint32_t rf3 = (c6.rf3 & ~0x3e00u) | (24u << 9);  // EEPROM TX power 24
    const std::vector<std::uint32_t> expected{c6.rf1, c6.rf2, rf3 & ~4u, c6.rf4,
                                              c6.rf1, c6.rf2, rf3 | 4u,  c6.rf4,
                                              c6.rf1, c6.rf2, rf3 & ~4u, c6.rf4};
    CHECK(chip.rf_writes() == expected);
    CHECK(w.air.frequency(chip.port()) == 2437);
    chip.clear_rf_writes();
    REQUIRE(w[0].set_channel(*ie::make_channel(ie::band::ghz2_4, 14)));
    CHECK(chip.rf_writes()[1] == 0x7a2u);
    CHECK(chip.rf_writes()[3] == 0xfea13u);
    CHECK(w.air.frequency(chip.port()) == 2484);
    CHECK(chip.bbp(0x0b) == 0x01);  // BBP init values from the EEPROM
}

namespace {
using rt73_radio = mac::radio<rt73::simulated<virtual_time>, virtual_time, test::recording_sink>;

/// EEPROM contents with the RF chip `rf_type`: TX power G 24, TX power A 17, frequency offset
/// 0x2a, and BBP R3 = `r3` among the BBP init values.
rt73::eeprom_contents rf_eeprom(std::uint16_t rf_type, std::uint8_t r3 = 0x80) {
    rt73::eeprom_contents e = rt73::eeprom_for(3, rf_type);
    e.txpower = 24, e.txpower_a = 17, e.freq_offset = 0x2a;
    e.bbp[7] = static_cast<std::uint16_t>(0x0300 | r3);
    return e;
}

/// An rt73 with EEPROM `e` on its own medium, registered and running with a station interface.
struct rf_bench {
    virtual_time t;
    sim::medium<virtual_time> air{t};
    rt73_radio r;
    explicit rf_bench(const rt73::eeprom_contents& e)
        : r(t, test::recording_sink{&t}, air, e, rt73::make_firmware()) {
        REQUIRE(r.register_hw());
        REQUIRE(r.add_interface(driver::iftype::station));
    }
    auto& chip() { return r.driver().chip; }
    std::uint16_t freq() { return air.frequency(chip().port()); }
};

/// The twelve words of a channel switch for RF words 1..4 (TX power and offset already in).
std::vector<std::uint32_t> three_times(std::uint32_t rf1, std::uint32_t rf2, std::uint32_t rf3,
                                       std::uint32_t rf4) {
    return {rf1, rf2, rf3 & ~4u, rf4, rf1, rf2, rf3 | 4u, rf4, rf1, rf2, rf3 & ~4u, rf4};
}
/// RF3 with TX power `p`, RF4 with frequency offset 0x2a.
constexpr std::uint32_t rf3_at(std::uint32_t rf3, std::uint32_t p) {
    return (rf3 & ~0x3e00u) | (p << 9);
}
constexpr std::uint32_t rf4_at(std::uint32_t rf4) { return (rf4 & ~0x3f000u) | (0x2au << 12); }
}  // namespace

TEST_CASE("an RF5226 tunes 5 GHz channel 36 with the table's words and TX power A",
          "[rt73][rf][5ghz]") {
    rf_bench b(rf_eeprom(rt73::rf::rf5226));
    b.chip().clear_rf_writes();
    REQUIRE(b.r.set_channel(*ie::make_channel(ie::band::ghz5, 36)));
    CHECK(b.chip().rf_writes() ==
          three_times(0x2c0c, 0x099a, rf3_at(0x98255, 17), rf4_at(0xfea23)));
    CHECK(b.freq() == 5180);
    // The J52 channels' TX power octets lie past TX power A's twelve words, where an
    // unprogrammed EEPROM holds 0xff: the default power.
    b.chip().clear_rf_writes();
    REQUIRE(b.r.set_channel(*ie::make_channel(ie::band::ghz5, 34)));
    CHECK(b.chip().rf_writes() ==
          three_times(0x2c0c, 0x8099a, rf3_at(0xda255, 24), rf4_at(0xd3a0b)));
    CHECK(b.freq() == 5170);
    // 2.4 GHz channels keep TX power G.
    b.chip().clear_rf_writes();
    REQUIRE(b.r.set_channel(*ie::make_channel(ie::band::ghz2_4, 13)));
    CHECK(b.chip().rf_writes() ==
          three_times(0x2c0c, 0x079e, rf3_at(0x68255, 24), rf4_at(0xfea0b)));
    CHECK(b.freq() == 2472);
}

TEST_CASE("a channel switch turns on the tuned band's power amplifier only", "[rt73][rf][5ghz]") {
    rf_bench b(rf_eeprom(rt73::rf::rf5225));
    const auto pa = [&] {
        return b.chip().register_at(rt73::reg::phy_csr0) &
               (rt73::phy_csr0::pa_pe_a | rt73::phy_csr0::pa_pe_bg);
    };
    REQUIRE(b.r.set_channel(*ie::make_channel(ie::band::ghz5, 36)));
    CHECK(pa() == rt73::phy_csr0::pa_pe_a);
    REQUIRE(b.r.set_channel(*ie::make_channel(ie::band::ghz2_4, 6)));
    CHECK(pa() == rt73::phy_csr0::pa_pe_bg);
}

TEST_CASE("the rt73 chip sends nothing into the air without the band's power amplifier",
          "[rt73][rf][5ghz]") {
    test::world<test::rt73_usb_5ghz> w(2);
    auto& chip = w[0].driver().chip;
    std::array<std::uint8_t, 4> off{};  // PHY_CSR0 with both amplifiers off
    REQUIRE(chip.control_out({rt73::request::multi_write, 0, rt73::reg::phy_csr0}, off));
    w.send(0, w.data_frame(0, mac_address::broadcast(), 1), driver::tx_flag::no_ack);
    w.settle();
    CHECK(chip.unamplified() == 1);
    CHECK(w[1].sink().rx.empty());
    // Tuning again turns the 5 GHz amplifier on: the next frame is heard.
    REQUIRE(w[0].set_channel(*ie::make_channel(ie::band::ghz5, 36)));
    w.send(0, w.data_frame(0, mac_address::broadcast(), 2), driver::tx_flag::no_ack);
    w.settle();
    CHECK(chip.unamplified() == 1);
    CHECK(w[1].sink().rx.size() == 1);
}

TEST_CASE("an RF5225 tunes channel 149 and the chip ignores words of no table entry",
          "[rt73][rf][5ghz]") {
    rf_bench b(rf_eeprom(rt73::rf::rf5225));
    b.chip().clear_rf_writes();
    REQUIRE(b.r.set_channel(*ie::make_channel(ie::band::ghz5, 149)));
    CHECK(b.chip().rf_writes() ==
          three_times(0x2ccc, 0x4aa2, rf3_at(0xbbe55, 17), rf4_at(0xffa1f)));
    CHECK(b.freq() == 5745);
    // RF2528 words mean nothing to an RF5225: it stays where it is.
    for (std::uint32_t w : three_times(0x2c0c, 0x078e, 0x68255, 0xfea1f)) {
        std::array<std::uint8_t, 4> v{};
        store_le32(v.data(), w | rt73::phy_csr4::busy);
        REQUIRE(b.chip().control_out({rt73::request::multi_write, 0, rt73::reg::phy_csr4}, v));
    }
    CHECK(b.freq() == 5745);
}

TEST_CASE("BBP R3's smart mode is set for RF5226 and RF2528 and cleared for RF5225 and RF2527",
          "[rt73][rf]") {
    for (const auto& [rf_type, smart] :
         {std::pair{rt73::rf::rf5226, true}, std::pair{rt73::rf::rf2528, true},
          std::pair{rt73::rf::rf5225, false}, std::pair{rt73::rf::rf2527, false}}) {
        CAPTURE(rf_type);
        for (const std::uint8_t before : {std::uint8_t(0x80), std::uint8_t(0x81)}) {
            rf_bench b(rf_eeprom(rf_type, before));  // the radio has tuned its first channel
            CHECK(b.chip().bbp(rt73::bbp::r3) == (smart ? 0x81 : 0x80));  // bit 7 kept
        }
    }
}

TEST_CASE("an RF2527 has 2.4 GHz only and refuses channel 36", "[rt73][rf]") {
    rf_bench b(rf_eeprom(rt73::rf::rf2527));
    const auto& hw = b.r.hw();
    REQUIRE(hw.n_bands == 1);
    CHECK(hw.bands[0].band == ie::band::ghz2_4);
    CHECK(hw.bands[0].channels.size() == 14);
    CHECK(hw.bands[0].rates.size() == 12);
    const auto ch36 = *ie::make_channel(ie::band::ghz5, 36);
    CHECK_FALSE(b.r.set_channel(ch36));
    b.chip().clear_rf_writes();
    const auto refused = b.r.driver().set_channel(ch36);
    REQUIRE_FALSE(refused);
    CHECK(std::string(refused.err().what) == "rt73: channel not in the RF chip's table");
    CHECK(b.chip().rf_writes().empty());
    // Its 2.4 GHz words are RF5225's.
    REQUIRE(b.r.set_channel(*ie::make_channel(ie::band::ghz2_4, 14)));
    CHECK(b.chip().rf_writes() ==
          three_times(0x2ccc, 0x47a2, rf3_at(0x68455, 24), rf4_at(0xffa13)));
    CHECK(b.freq() == 2484);
}

TEST_CASE("an RF2528 refuses channel 36", "[rt73][rf]") {
    rf_bench b(rf_eeprom(rt73::rf::rf2528));
    CHECK(b.r.hw().n_bands == 1);
    const auto ch36 = *ie::make_channel(ie::band::ghz5, 36);
    CHECK_FALSE(b.r.set_channel(ch36));
    CHECK_FALSE(b.r.driver().set_channel(ch36));
    CHECK(b.freq() == 2412);
}

TEST_CASE("the RF5225 and RF5226 hw descriptions list 5 GHz channels with OFDM rates only",
          "[rt73][rf][5ghz]") {
    for (const auto rf_type : {rt73::rf::rf5225, rt73::rf::rf5226}) {
        CAPTURE(rf_type);
        rf_bench b(rf_eeprom(rf_type));
        const auto& hw = b.r.hw();
        REQUIRE(hw.n_bands == 2);
        CHECK(hw.bands[0].band == ie::band::ghz2_4);
        CHECK(hw.bands[0].channels.size() == 14);
        CHECK(hw.bands[0].rates.size() == 12);
        CHECK(hw.bands[1].band == ie::band::ghz5);
        const std::vector<std::uint8_t> channels(hw.bands[1].channels.begin(),
                                                 hw.bands[1].channels.end());
        CHECK(channels == std::vector<std::uint8_t>{
                              36,  40,  44,  48,  52,  56,  60,  64,  100, 104, 108, 112, 116, 120,
                              124, 128, 132, 136, 140, 149, 153, 157, 161, 165, 34,  38,  42,  46});
        REQUIRE(hw.bands[1].rates.size() == ie::rates_ofdm.size());
        for (std::size_t i = 0; i < ie::rates_ofdm.size(); ++i)
            CHECK(hw.bands[1].rates[i] == ie::rates_ofdm[i]);
        for (const auto ch : channels)
            CHECK(b.r.set_channel(*ie::make_channel(ie::band::ghz5, ch)));
    }
}

TEST_CASE("an rt73 whose EEPROM names an unknown RF chip cannot be registered and says why",
          "[rt73][rf]") {
    virtual_time t;
    sim::medium<virtual_time> air(t);
    rt73_radio r(t, test::recording_sink{&t}, air, rf_eeprom(7), rt73::make_firmware());
    const auto reg = r.register_hw();
    REQUIRE_FALSE(reg);
    CHECK(std::string(reg.err().what) ==
          "rt73: invalid RF chipset (the EEPROM's RF type is none of RF5226, RF2528, RF5225 and "
          "RF2527)");
    CHECK_FALSE(r.registered());
    CHECK(r.hw().n_bands == 0);
    CHECK_FALSE(r.add_interface(driver::iftype::station));
    rt73_radio::context ctx{r};
    CHECK(std::string(r.driver().start(ctx).err().what) == reg.err().what);
    CHECK_FALSE(r.driver().chip.firmware_running());
}

TEST_CASE("an unprogrammed EEPROM antenna word probes as an RF5226", "[rt73][rf]") {
    virtual_time t;
    sim::medium<virtual_time> air(t);
    rt73::sim_chip<virtual_time> chip(air, rf_eeprom(7));
    const std::array<std::uint8_t, 2> blank{0xff, 0xff};
    REQUIRE(chip.control_out({rt73::request::eeprom_write, 0, 2 * rt73::eeprom::antenna}, blank));
    rt73::driver<rt73::sim_chip<virtual_time>> d(chip, rt73::make_firmware());
    CHECK(d.probe_result());
    CHECK(d.rf_type() == rt73::rf::rf5226);
    CHECK(d.hw().n_bands == 2);
}

TEST_CASE("an rt73 on 5 GHz sends and reports the band's OFDM rates, and tshark sees 5 GHz",
          "[rt73][5ghz][tshark]") {
    test::world<test::rt73_usb_5ghz> w(2);
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/rt73_5ghz.pcap";
    {
        std::ofstream out(path, std::ios::binary);
        w.air.tap(out);
        for (std::int8_t k = 0; k < 8; ++k) {
            driver::tx_info info;
            info.rates[0] = {k, 1};
            w[0].tx(info, w.data_frame(0, w.vifs[1].addr, std::uint8_t(k)));
            w.time.run_for(1ms);
        }
        w.settle();
    }
    const auto& rx = w[1].sink().rx;
    REQUIRE(rx.size() == 8);
    for (std::size_t k = 0; k < rx.size(); ++k) {
        CAPTURE(k);
        CHECK(rx[k].status.band == ie::band::ghz5);
        CHECK(rx[k].status.freq == 5180);
        CHECK(rx[k].status.rate_idx == k);
        CHECK(rx[k].status.bitrate == ie::rates_ofdm[k].bitrate);
        CHECK(rx[k].status.signal_dbm == -50);
    }
    const auto rows = test::tshark_fields(
        path, {"_ws.malformed", "wlan.fcs.status", "radiotap.channel.freq",
               "radiotap.channel.flags.5ghz", "radiotap.channel.flags.ofdm", "radiotap.datarate"});
    REQUIRE(rows.size() == 8);
    for (std::size_t k = 0; k < rows.size(); ++k) {
        CAPTURE(k);
        CHECK(rows[k][0].empty());
        CHECK(rows[k][1] == "1");
        CHECK(rows[k][2] == "5180");
        CHECK(rows[k][3] == "1");
        CHECK(rows[k][4] == "1");
        CHECK(rows[k][5] == std::to_string(ie::rates_ofdm[k].bitrate / 10));
    }
}

TEST_CASE("an rt73 AP on 5 GHz beacons at 6 Mbit/s OFDM", "[rt73][5ghz][beacon]") {
    test::world<test::rt73_usb_5ghz> w(2, 1, driver::iftype::ap);
    auto& d = w[0].driver();
    test::world<test::rt73_usb_5ghz>::radio_type::context ctx{w[0]};
    const auto& v = w.vifs[0];
    std::array<std::uint8_t, 64> f{};
    byte_writer fw(f);
    ie::write_mgmt_header(fw, ie::mgmt_subtype::beacon, mac_address::broadcast(), v.addr, v.addr);
    ie::write_beacon_fixed(fw, 0, 100, ie::capab::ess);
    ie::put::ssid(fw, "rt73-5ghz");
    REQUIRE(d.write_beacon(v, fw.written()));
    driver::bss_conf bss;
    bss.bssid = v.addr, bss.beacon_int = 100, bss.beacon_enabled = true;
    d.bss_info_changed(ctx, v, bss,
                       driver::bss_changed::beacon_int | driver::bss_changed::beacon_enabled);
    w.time.run_for(300ms);
    const auto& rx = w[1].sink().rx;
    REQUIRE(rx.size() == 2);
    for (const auto& b : rx) {
        CHECK(b.status.freq == 5180);
        CHECK(b.status.bitrate == 60);
        CHECK(b.status.rate_idx == 0);
    }
}

TEST_CASE("FIF_* flags map to TXRX_CSR0 drop bits", "[rt73][filter]") {
    test::world<test::rt73_usb> w(1);
    auto& chip = w[0].driver().chip;
    namespace f = driver::fif;
    namespace c0 = rt73::txrx_csr0;
    const std::uint32_t none = chip.reg32(rt73::reg::txrx_csr0);
    CHECK((none & c0::drop_crc) != 0);
    CHECK((none & c0::drop_physical) != 0);
    CHECK((none & c0::drop_control) != 0);
    CHECK((none & c0::drop_not_to_me) != 0);
    CHECK((none & c0::drop_to_ds) != 0);  // a station: no AP interface
    CHECK((none & c0::drop_multicast) != 0);
    CHECK((none & c0::drop_ack_cts) != 0);
    CHECK((none & c0::drop_broadcast) == 0);
    CHECK((none & c0::drop_version_error) != 0);
    CHECK((none & c0::disable_rx) == 0);
    const std::uint32_t got = w[0].set_filter(f::fcsfail | f::plcpfail | f::control | f::allmulti |
                                              f::other_bss | f::probe_req);
    CHECK(got == (f::fcsfail | f::plcpfail | f::control | f::allmulti |
                  f::other_bss));  // no FIF_PROBE_REQ
    const std::uint32_t all = chip.reg32(rt73::reg::txrx_csr0);
    CHECK((all & (c0::drop_crc | c0::drop_physical | c0::drop_control | c0::drop_not_to_me |
                  c0::drop_to_ds | c0::drop_multicast | c0::drop_ack_cts)) == 0);
    w[0].set_filter(f::pspoll);
    CHECK((chip.reg32(rt73::reg::txrx_csr0) & c0::drop_control) == 0);
    CHECK((chip.reg32(rt73::reg::txrx_csr0) & c0::drop_ack_cts) != 0);
}

TEST_CASE("conf_tx writes AIFSN/CWmin/CWmax nibbles and TXOP halves", "[rt73][edca]") {
    test::world<test::rt73_usb> w(1);
    auto& d = w[0].driver();
    test::world<test::rt73_usb>::radio_type::context ctx{w[0]};
    d.conf_tx(ctx, w.vifs[0], 0, {2, 3, 7, 47});      // VO
    d.conf_tx(ctx, w.vifs[0], 2, {3, 15, 1023, 0});   // BE
    d.conf_tx(ctx, w.vifs[0], 3, {7, 15, 1023, 94});  // BK
    auto& chip = d.chip;
    CHECK(chip.reg32(rt73::reg::aifsn_csr) == 0x7302u);
    CHECK(chip.reg32(rt73::reg::cwmin_csr) == 0x4402u);
    CHECK(chip.reg32(rt73::reg::cwmax_csr) == 0xaa03u);
    CHECK(chip.reg32(rt73::reg::ac_txop_csr0) == 47u);
    CHECK(chip.reg32(rt73::reg::ac_txop_csr1) == (94u << 16));
}

TEST_CASE("TSF counts from the medium's clock", "[rt73][tsf]") {
    test::world<test::rt73_usb> w(1);
    test::world<test::rt73_usb>::radio_type::context ctx{w[0]};
    w.time.run_for(1500ms);
    CHECK(w[0].driver().get_tsf(ctx, w.vifs[0]) == 1'500'000u);
}

TEST_CASE("an rt73 and a loopback radio exchange data and management frames both ways",
          "[rt73][interop]") {
    virtual_time t;
    sim::medium<virtual_time> air(t);
    auto a = test::make_radio<test::rt73_usb>(t, air, 0, test::recording_sink{&t});
    auto b = test::make_radio<test::loopback_software_roc>(t, air, 1, test::recording_sink{&t});
    REQUIRE(a->register_hw());
    REQUIRE(b->register_hw());
    const auto va = *a->add_interface(driver::iftype::ap);
    const auto vb = *b->add_interface(driver::iftype::station);
    a->set_active(va, true);  // both operate on the channel (an idle loopback radio hears nothing)
    b->set_active(vb, true);
    heap_pool pool(frame_buffer_size, 16);
    auto send = [&](auto& r, const mac_address& to, const mac_address& from, std::uint8_t subtype,
                    bool data) {
        auto buf = pool.allocate(64);
        std::array<std::uint8_t, 64> f{};
        byte_writer w(f);
        if (data) {
            ie::write_header(
                w, {ie::frame_control::make(ie::frame_type::data, 0, ie::frame_control::to_ds), 0,
                    to, from, to});
            ie::write_snap(w, 0x88b5);
            w.raw(std::string_view("interop"));
        } else {
            ie::write_mgmt_header(w, subtype, to, from, to);
            ie::write_auth_fixed(w, ie::auth_alg::open, 1, 0);
        }
        (void)buf->append(w.written());
        driver::tx_info info;
        info.rates[0] = {4, 1};
        r.tx(info, std::move(*buf));
    };
    send(*b, va.addr, vb.addr, 0, true);                        // loopback -> rt73, data to the AP
    send(*b, va.addr, vb.addr, ie::mgmt_subtype::auth, false);  // loopback -> rt73, management
    t.run_for(20ms);
    send(*a, vb.addr, va.addr, ie::mgmt_subtype::auth, false);  // rt73 -> loopback, management
    t.run_for(20ms);
    REQUIRE(a->sink().rx.size() == 2);
    CHECK(test::got(ie::header_view::parse(a->sink().rx[0].bytes)).fc().is_data());
    CHECK(a->sink().rx[0].status.freq == 2412);
    CHECK(a->sink().rx[0].status.signal_dbm == -50);
    CHECK(a->sink().rx[0].status.bitrate == 60);
    REQUIRE(b->sink().rx.size() == 1);
    CHECK(test::got(ie::header_view::parse(b->sink().rx[0].bytes)).addr2() == va.addr);
    CHECK(b->sink().rx[0].bytes.size() == 24 + 6);  // the descriptor and padding are gone
}

TEST_CASE("four AP interfaces beacon from four slots: a fifth is refused", "[rt73][beacon]") {
    test::world<test::loopback_software_roc> listener(1);
    virtual_time& t = listener.time;
    auto r = test::make_radio<test::rt73_usb>(t, listener.air, 5, test::recording_sink{&t});
    REQUIRE(r->register_hw());
    std::vector<driver::vif> aps;
    for (int i = 0; i < 4; ++i) aps.push_back(*r->add_interface(driver::iftype::ap));
    auto fifth = r->add_interface(driver::iftype::ap);
    REQUIRE_FALSE(fifth);
    CHECK(std::string(fifth.err().what) == "rt73: no free beacon slot");
    auto& d = r->driver();
    test::world<test::rt73_usb>::radio_type::context ctx{*r};
    for (const auto& v : aps) {
        std::array<std::uint8_t, 64> f{};
        byte_writer w(f);
        ie::write_mgmt_header(w, ie::mgmt_subtype::beacon, mac_address::broadcast(), v.addr,
                              v.addr);
        ie::write_beacon_fixed(w, 0, 100, ie::capab::ess);
        ie::put::ssid(w, "rt73-" + std::to_string(v.index));
        REQUIRE(d.write_beacon(v, w.written()));
        driver::bss_conf bss;
        bss.bssid = v.addr, bss.beacon_int = 100, bss.beacon_enabled = true;
        d.bss_info_changed(ctx, v, bss,
                           driver::bss_changed::beacon_int | driver::bss_changed::beacon_enabled);
    }
    CHECK((d.chip.reg32(rt73::reg::txrx_csr9) & rt73::txrx_csr9::beacon_interval) == 1600u);
    t.run_for(1s);
    CHECK(d.chip.beacons_sent() == 4 * 9);  // 102.4 ms period: 9 in one second, from each slot
    std::set<mac_address> senders;
    for (const auto& rx : listener[0].sink().rx)
        senders.insert(test::got(ie::header_view::parse(rx.bytes)).addr2());
    CHECK(senders.size() == 4);
    // The hardware put its TSF into the timestamp field.
    auto m = ie::parse_mgmt_body(
        test::got(ie::header_view::parse(listener[0].sink().rx.back().bytes)).fc(),
        test::got(ie::header_view::parse(listener[0].sink().rx.back().bytes)).body());
    REQUIRE(m);
    CHECK(m->timestamp > 900'000u);
}

TEST_CASE("frames an rt73 sends pass tshark", "[rt73][tshark]") {
    test::world<test::rt73_usb> w(2);
    const std::string path = std::string(SOFTMAC_TEST_TMPDIR) + "/rt73.pcap";
    {
        std::ofstream out(path, std::ios::binary);
        w.air.tap(out);
        for (int i = 0; i < 10; ++i) {
            w.send(
                0,
                w.data_frame(0, i % 2 ? w.vifs[1].addr : mac_address::broadcast(), std::uint8_t(i)),
                i % 2 ? 0 : driver::tx_flag::no_ack);
            w.time.run_for(1ms);
        }
        w.settle();
    }
    const auto rows = test::tshark_fields(
        path, {"_ws.malformed", "_ws.expert.severity", "wlan.fcs.status", "radiotap.datarate"});
    REQUIRE(rows.size() == 10);
    for (const auto& r : rows) {
        CHECK(r[0].empty());
        CHECK(r[1].find("8388608") == std::string::npos);
        CHECK(r[2] == "1");
        CHECK(r[3] == "6");
    }
    CHECK(w[1].sink().rx.size() == 10);
}

TEST_CASE("a failed USB transfer is reported unacknowledged", "[rt73][usb]") {
    test::world<test::rt73_usb> w(2);
    w[0].driver().chip.unplug();
    w.send(0, w.data_frame(0, w.vifs[1].addr, 1));
    w.settle();
    REQUIRE(w[0].sink().status.size() == 1);
    CHECK_FALSE(w[0].sink().status[0].acked);
    test::world<test::rt73_usb>::radio_type::context ctx{w[0]};
    CHECK(w[0].driver().get_stats(ctx).ack_failures == 1);
}

TEST_CASE("the chip refuses a TX descriptor longer than a frame can be", "[rt73][usb]") {
    test::world<test::rt73_usb> w(1);
    std::vector<std::uint8_t> bulk(rt73::descriptor_size + 3000, 0);
    byte_writer bw(bulk);
    rt73::tx_descriptor d;
    d.length = 3000, d.timestamp = true;  // the timestamp path copies the frame
    d.plcp_fields = rt73::plcp::compute(3004, 0);
    d.write(bw);
    auto r = w[0].driver().chip.bulk_out(bulk);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::bad_length);
}

namespace {
namespace ccmp = softmac::ieee80211::ccmp;
using octets = std::vector<std::uint8_t>;

using test::hex;

/// A data MPDU as the MAC hands it to a driver that offloads CCMP: MAC header with the Protected
/// bit, the CCMP header (PN, Key ID), plaintext payload, no MIC.
octets plain_mpdu(std::uint16_t flags, const mac_address& a1, const mac_address& a2,
                  const mac_address& a3, std::uint64_t pn, std::uint8_t key_id,
                  std::string_view payload, std::uint8_t subtype = ie::data_subtype::data,
                  std::uint16_t qos = 0) {
    std::array<std::uint8_t, 256> buf{};
    byte_writer w(buf);
    ie::write_header(w, {ie::frame_control::make(ie::frame_type::data, subtype,
                                                 flags | ie::frame_control::protected_frame),
                         0,
                         a1,
                         a2,
                         a3,
                         ie::sequence_control::make(42, 0),
                         {},
                         qos});
    ccmp::write_header(w.reserve(ccmp::header_len), pn, key_id);
    w.raw(payload);
    return {w.written().begin(), w.written().end()};
}

/// Software CCMP of `f` (header of `hdrlen` octets, CCMP header, plaintext): the protected MPDU
/// the air should carry.
octets software_ccmp(bytes_view tk, octets f, std::size_t hdrlen) {
    crypto::aes_ccm_key key;
    REQUIRE(key.set(tk));
    const auto b = ccmp::make_block(f.data(), hdrlen, ccmp::read_pn(f.data() + hdrlen));
    const std::size_t body = f.size() - hdrlen - ccmp::header_len;
    f.resize(f.size() + ccmp::mic_len);
    std::uint8_t* payload = f.data() + hdrlen + ccmp::header_len;
    REQUIRE(key.encrypt(b.nonce.data(), b.aad_view(), bytes_span(payload, body), payload + body));
    return f;
}

/// One rt73 (a station) and a bare port on the same medium that records what is on the air and
/// puts frames there, as the peer.
struct crypto_bench {
    using world_type = test::world<test::rt73_usb>;
    world_type w{1};
    sim::medium<virtual_time>::port_id peer_port;
    std::vector<octets> on_air;
    world_type::radio_type::context ctx{w[0]};
    const mac_address peer{{0x02, 0x00, 0x00, 0x00, 0x00, 0x99}};

    crypto_bench() {
        peer_port = w.air.attach([this](const sim::air_frame& f) {
            on_air.emplace_back(f.bytes.begin(), f.bytes.end());
        });
        w.air.set_listening(peer_port, true);
    }
    const mac_address& own() const { return w.vifs[0].addr; }
    auto& chip() { return w[0].driver().chip; }
    auto& rx() { return w[0].sink().rx; }

    driver::key_conf install(bool pairwise, std::uint8_t key_id, bytes_view tk) {
        driver::key_conf k;
        k.cipher = 0x000fac04, k.index = key_id, k.pairwise = pairwise, k.peer = peer, k.key = tk;
        REQUIRE(w[0].driver().set_key(ctx, driver::key_command::set, w.vifs[0], k));
        return k;
    }
    void disable(driver::key_conf& k) {
        REQUIRE(w[0].driver().set_key(ctx, driver::key_command::disable, w.vifs[0], k));
    }
    void transmit(const octets& f, std::int16_t hw_key) {
        auto b = w.pool.allocate(32);
        REQUIRE(b);
        REQUIRE(b->append(f));
        driver::tx_info info;
        info.rates[0] = {4, 1};
        info.hw_key = hw_key;
        w[0].tx(info, std::move(*b));
        w.settle();
    }
    void from_peer(const octets& f) {
        REQUIRE(w.air.transmit(peer_port, f, 60, false));
        w.settle();
    }
};
}  // namespace

static_assert(mac::capabilities_of<rt73::simulated<virtual_time>>().hw_crypto,
              "the rt73 offloads CCMP");

TEST_CASE("the rt73 chip puts a frame under a pairwise key on the air as software CCMP would",
          "[rt73][crypto]") {
    crypto_bench b;
    const octets tk = hex("000102030405060708090a0b0c0d0e0f");
    const auto k = b.install(true, 0, tk);
    CHECK(k.hw_index >= 0);
    CHECK(k.hw_index < rt73::driver<rt73::sim_chip<virtual_time>>::shared_key_base);
    CHECK((b.chip().reg32(rt73::reg::sec_csr4) & 1u) != 0);  // TA lookup for BSS 0
    const octets f = plain_mpdu(ie::frame_control::to_ds, b.peer, b.own(), b.peer, 0x0000'0102'0304,
                                0, "softmac over the RT2573");
    b.transmit(f, k.hw_index);
    REQUIRE(b.on_air.size() == 1);
    CHECK(b.on_air[0] == software_ccmp(tk, f, 24));
    REQUIRE(b.w[0].sink().status.size() == 1);
    CHECK(b.w[0].sink().status[0].acked);
}

TEST_CASE("the rt73 chip reproduces IEEE 802.11 CCMP test vector 1", "[rt73][crypto]") {
    crypto_bench b;
    const octets tk = hex("c97c1f67ce371185514a8a19f2bdd52f");
    driver::key_conf k;
    k.cipher = 0x000fac04, k.pairwise = true,
    k.peer = mac_address{{0x0f, 0xd2, 0xe1, 0x28, 0xa5, 0x7c}};
    k.key = tk;
    REQUIRE(b.w[0].driver().set_key(b.ctx, driver::key_command::set, b.w.vifs[0], k));
    const octets hdr = hex("0848c32c0fd2e128a57c5030f1844408abaea5b8fcba8033");  // Retry, Protected
    octets f = hdr;
    f.resize(f.size() + ccmp::header_len);
    ccmp::write_header(f.data() + hdr.size(), 0xB5039776E70C, 0);
    CHECK(octets(f.begin() + 24, f.end()) == hex("0ce70020769703b5"));
    const octets plain = hex("f8ba1a55d02f85ae967bb62fb6cda8eb7e78a050");
    f.insert(f.end(), plain.begin(), plain.end());
    b.transmit(f, k.hw_index);
    REQUIRE(b.on_air.size() == 1);
    CHECK(b.on_air[0] == hex("0848c32c0fd2e128a57c5030f1844408abaea5b8fcba8033"
                             "0ce70020769703b5"
                             "f3d0a2fe9a3dbf2342a643e43246e80c3c04d019"
                             "7845ce0b16f97623"));
}

TEST_CASE(
    "a protected frame under an installed key comes up decrypted with its CCMP header and "
    "without MIC",
    "[rt73][crypto]") {
    crypto_bench b;
    const octets tk = hex("f0e1d2c3b4a5968778695a4b3c2d1e0f");
    b.install(true, 0, tk);
    SECTION("data") {
        const octets f = plain_mpdu(ie::frame_control::from_ds, b.own(), b.peer, b.peer,
                                    0x0000'0000'002a, 0, "a frame from the AP");
        b.from_peer(software_ccmp(tk, f, 24));
        REQUIRE(b.rx().size() == 1);
        CHECK((b.rx()[0].status.flags & driver::rx_flag::decrypted) != 0);
        CHECK((b.rx()[0].status.flags & driver::rx_flag::mic_error) == 0);
        REQUIRE(b.rx()[0].bytes == f);  // header, CCMP header, plaintext: no MIC
        CHECK(ccmp::read_pn(b.rx()[0].bytes.data() + 24) == 0x2a);
    }
    SECTION("QoS data, TID 5: a 26-octet header") {
        const octets f = plain_mpdu(ie::frame_control::from_ds, b.own(), b.peer, b.peer,
                                    0x0001'0000'0000, 0, "voice", ie::data_subtype::qos_data, 5);
        b.from_peer(software_ccmp(tk, f, 26));
        REQUIRE(b.rx().size() == 1);
        CHECK((b.rx()[0].status.flags & driver::rx_flag::decrypted) != 0);
        REQUIRE(b.rx()[0].bytes == f);
        CHECK(ccmp::read_pn(b.rx()[0].bytes.data() + 26) == 0x0001'0000'0000);
    }
}

TEST_CASE("a frame with a forged MIC comes up flagged as a MIC error and not decrypted",
          "[rt73][crypto]") {
    crypto_bench b;
    const octets tk = hex("f0e1d2c3b4a5968778695a4b3c2d1e0f");
    b.install(true, 0, tk);
    const octets f =
        plain_mpdu(ie::frame_control::from_ds, b.own(), b.peer, b.peer, 7, 0, "forged in transit");
    octets air = software_ccmp(tk, f, 24);
    SECTION("MIC") { air.back() ^= 0x01; }
    SECTION("ciphertext") { air[24 + 8 + 3] ^= 0x80; }
    b.from_peer(air);
    REQUIRE(b.rx().size() == 1);
    CHECK((b.rx()[0].status.flags & driver::rx_flag::mic_error) != 0);
    CHECK((b.rx()[0].status.flags & driver::rx_flag::decrypted) == 0);
    const auto& got = b.rx()[0].bytes;
    REQUIRE(got.size() == f.size());
    CHECK(octets(got.begin() + 32, got.end()) != octets(f.begin() + 32, f.end()));
}

TEST_CASE("a group key is found by Key ID for received frames and named by hw_key for sent ones",
          "[rt73][crypto]") {
    crypto_bench b;
    const octets gtk = hex("2b7e151628aed2a6abf7158809cf4f3c");
    const auto k = b.install(false, 1, gtk);
    CHECK(k.hw_index == rt73::driver<rt73::sim_chip<virtual_time>>::shared_key_base + 1);
    CHECK((b.chip().reg32(rt73::reg::sec_csr0) & 0x2u) != 0);
    SECTION("a broadcast frame with Key ID 1 is decrypted") {
        const octets f = plain_mpdu(ie::frame_control::from_ds, mac_address::broadcast(), b.peer,
                                    b.peer, 0x99, 1, "to everyone");
        b.from_peer(software_ccmp(gtk, f, 24));
        REQUIRE(b.rx().size() == 1);
        CHECK((b.rx()[0].status.flags & driver::rx_flag::decrypted) != 0);
        REQUIRE(b.rx()[0].bytes == f);
        CHECK(ccmp::key_id(b.rx()[0].bytes.data() + 24) == 1);
    }
    SECTION("a broadcast frame with Key ID 2 has no key and comes up as it was sent") {
        const octets air =
            software_ccmp(gtk,
                          plain_mpdu(ie::frame_control::from_ds, mac_address::broadcast(), b.peer,
                                     b.peer, 0x9a, 2, "to everyone"),
                          24);
        b.from_peer(air);
        REQUIRE(b.rx().size() == 1);
        CHECK((b.rx()[0].status.flags &
               (driver::rx_flag::decrypted | driver::rx_flag::mic_error)) == 0);
        CHECK(b.rx()[0].bytes == air);
    }
    SECTION("a group-addressed frame sent under the group key") {
        const octets f = plain_mpdu(ie::frame_control::from_ds, mac_address::broadcast(), b.own(),
                                    b.own(), 0x1234, 1, "group data");
        b.transmit(f, k.hw_index);
        REQUIRE(b.on_air.size() == 1);
        CHECK(b.on_air[0] == software_ccmp(gtk, f, 24));
    }
}

TEST_CASE("a disabled key decrypts nothing and encrypts nothing", "[rt73][crypto]") {
    crypto_bench b;
    const octets tk = hex("f0e1d2c3b4a5968778695a4b3c2d1e0f");
    auto pairwise = b.install(true, 0, tk);
    auto group = b.install(false, 1, tk);
    b.disable(pairwise);
    b.disable(group);
    CHECK((b.chip().reg32(rt73::reg::sec_csr2) & 1u) == 0);
    CHECK((b.chip().reg32(rt73::reg::sec_csr0) & 2u) == 0);
    for (const auto& [a1, key_id] : {std::pair{b.own(), std::uint8_t(0)},
                                     std::pair{mac_address::broadcast(), std::uint8_t(1)}}) {
        const octets air = software_ccmp(
            tk, plain_mpdu(ie::frame_control::from_ds, a1, b.peer, b.peer, 3, key_id, "stale"), 24);
        b.rx().clear();
        b.from_peer(air);
        REQUIRE(b.rx().size() == 1);
        CHECK((b.rx()[0].status.flags &
               (driver::rx_flag::decrypted | driver::rx_flag::mic_error)) == 0);
        CHECK(b.rx()[0].bytes == air);
    }
    // Sending under the disabled key is refused rather than sending the payload in the clear.
    b.transmit(plain_mpdu(ie::frame_control::to_ds, b.peer, b.own(), b.peer, 4, 0, "stale"),
               pairwise.hw_index);
    CHECK(b.on_air.empty());
    REQUIRE(b.w[0].sink().status.size() == 1);
    CHECK_FALSE(b.w[0].sink().status[0].acked);
}

TEST_CASE("the MAC gets a protected frame back from tx with its CCMP header in place",
          "[rt73][crypto]") {
    crypto_bench b;
    const octets tk = hex("000102030405060708090a0b0c0d0e0f");
    const auto k = b.install(true, 0, tk);
    struct capture {
        octets frame;
        bool acked = false;
        void tx_status(frame_buffer&& f, const driver::tx_status& s) {
            frame.assign(f.view().begin(), f.view().end());
            acked = s.acked;
        }
    } cap;
    const octets f = plain_mpdu(ie::frame_control::to_ds, b.peer, b.own(), b.peer, 77, 0, "back");
    auto buf = b.w.pool.allocate(32);
    REQUIRE(buf);
    REQUIRE(buf->append(f));
    driver::tx_info info;
    info.rates[0] = {4, 1};
    info.hw_key = k.hw_index;
    b.w[0].driver().tx(cap, info, std::move(*buf));
    CHECK(cap.acked);
    CHECK(cap.frame == f);
}
