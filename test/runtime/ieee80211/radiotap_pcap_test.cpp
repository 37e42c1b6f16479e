// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include <softmac/ieee80211/pcap.hpp>
#include <softmac/ieee80211/radiotap.hpp>

using namespace softmac;
namespace ie = softmac::ieee80211;
namespace rt = softmac::ieee80211::radiotap;

TEST_CASE("radiotap header built by softmac parses back with alignment honoured",
          "[ieee80211][radiotap]") {
    std::array<std::uint8_t, 64> buf{};
    byte_writer w(buf);
    rt::write(w, {0x0102030405060708ull, rt::flag::fcs_at_end, 108, 5180,
                  rt::chan::ghz5 | rt::chan::ofdm, -42});
    REQUIRE(w.ok());
    auto i = rt::parse(w.written());
    REQUIRE(i);
    CHECK(i->length == w.size());
    CHECK(i->tsft == 0x0102030405060708ull);
    CHECK(i->fcs_at_end());
    CHECK(i->rate == 108);
    CHECK(i->channel_freq == 5180);
    CHECK(i->dbm_antsignal == -42);
    CHECK(i->complete);
}

TEST_CASE("radiotap with extended present bitmaps and a vendor namespace",
          "[ieee80211][radiotap]") {
    // present word 0: flags, rate, ext + vendor namespace; word 1 (vendor): nothing, ext + radiotap
    // ns; word 2: antenna signal.
    std::array<std::uint8_t, 64> buf{};
    byte_writer w(buf);
    const std::uint32_t p0 = (1u << rt::field::flags) | (1u << rt::field::rate) |
                             (1u << rt::field::ext) | (1u << rt::field::vendor_ns);
    const std::uint32_t p1 = (1u << rt::field::ext) | (1u << rt::field::radiotap_ns);
    const std::uint32_t p2 = 1u << rt::field::dbm_antsignal;
    w.u8(0).u8(0).le16(0).le32(p0).le32(p1).le32(p2);
    w.u8(rt::flag::short_preamble).u8(22);  // flags, rate at 16..17
    w.u8(0x00).u8(0x11).u8(0x22).u8(0).le16(3).raw(
        std::string_view("abc"));          // vendor ns header + data
    w.u8(static_cast<std::uint8_t>(-60));  // antenna signal of the second radiotap ns
    store_le16(buf.data() + 2, static_cast<std::uint16_t>(w.size()));
    auto i = rt::parse(w.written());
    REQUIRE(i);
    CHECK(i->rate == 22);
    CHECK(i->has(rt::field::flags));
    CHECK(i->dbm_antsignal == -60);
}

TEST_CASE("radiotap length errors are reported, never read past", "[ieee80211][radiotap]") {
    std::array<std::uint8_t, 8> h{0, 0, 4, 0, 0, 0, 0, 0};
    CHECK(rt::parse(h).err().code == errc::bad_length);
    h[2] = 200;
    CHECK(rt::parse(h).err().code == errc::overrun);
    h[2] = 8;
    h[7] = 0x80;  // ext bit with no second word
    CHECK(rt::parse(h).err().code == errc::overrun);
    std::array<std::uint8_t, 9> t{0, 0, 9, 0, 1, 0, 0, 0, 0};  // TSFT announced, one byte present
    CHECK(rt::parse(t).err().code == errc::overrun);
}

TEST_CASE("pcap writer output is read back by the reader", "[ieee80211][pcap]") {
    std::ostringstream out;
    ie::pcap::writer w(out, ie::pcap::linktype::ieee802_11_radiotap);
    const std::array<std::uint8_t, 3> a{1, 2, 3};
    const std::array<std::uint8_t, 2> b{4, 5};
    w.write(1'500'000'000ull, a, b);
    w.write(2'000'001'000ull, b);
    const std::string s = out.str();
    auto r = ie::pcap::reader::open(as_bytes(s));
    REQUIRE(r);
    CHECK(r->linktype() == 127);
    auto p1 = r->next();
    REQUIRE((p1 && *p1));
    CHECK((*p1)->data.size() == 5);
    CHECK((*p1)->timestamp_ns == 1'500'000'000ull);
    auto p2 = r->next();
    REQUIRE((p2 && *p2));
    CHECK((*p2)->timestamp_ns == 2'000'001'000ull);
    auto end = r->next();
    REQUIRE(end);
    CHECK_FALSE(*end);
    auto cut = ie::pcap::reader::open(as_bytes(s).first(s.size() - 1));
    REQUIRE(cut);
    CHECK(cut->next());
    CHECK(cut->next().err().code == errc::truncated);
}

TEST_CASE("pcapng sections, interfaces and enhanced packet blocks are read", "[ieee80211][pcap]") {
    std::vector<std::uint8_t> f(256);
    byte_writer w(f);
    w.le32(0x0a0d0d0a).le32(28).le32(0x1a2b3c4d).le16(1).le16(0).le64(~0ull).le32(28);  // SHB
    w.le32(1).le32(28).le16(105).le16(0).le32(0);                                       // IDB ...
    w.le16(9).le16(1).u8(9).zeros(3).le32(28);  // if_tsresol=9 (ns)
    w.le32(6).le32(36).le32(0).le32(0).le32(1500).le32(3).le32(3).u8(7).u8(8).u8(9).u8(0).le32(36);
    w.le32(0x12345678).le32(12).le32(12);  // unknown block, skipped
    REQUIRE(w.ok());
    auto r = ie::pcap::reader::open(w.written());
    REQUIRE(r);
    CHECK(r->is_pcapng());
    auto p = r->next();
    REQUIRE((p && *p));
    CHECK((*p)->linktype == 105);
    CHECK((*p)->timestamp_ns == 1500);
    CHECK((*p)->data.size() == 3);
    auto end = r->next();
    REQUIRE(end);
    CHECK_FALSE(*end);
    f[56 + 20] = 200;  // captured length beyond the block
    auto bad = ie::pcap::reader::open(w.written());
    CHECK(bad->next().err().code == errc::overrun);
}

TEST_CASE("the stream reader reads what the in-memory reader reads, one record at a time",
          "[ieee80211][pcap]") {
    std::vector<std::uint8_t> ng(256);
    byte_writer w(ng);
    w.le32(0x0a0d0d0a).le32(28).le32(0x1a2b3c4d).le16(1).le16(0).le64(~0ull).le32(28);  // SHB
    w.le32(1).le32(28).le16(105).le16(0).le32(0);                                       // IDB ...
    w.le16(9).le16(1).u8(9).zeros(3).le32(28);  // if_tsresol=9 (ns)
    w.le32(0x12345678).le32(12).le32(12);       // unknown block, skipped
    w.le32(6).le32(36).le32(0).le32(0).le32(1500).le32(3).le32(3).u8(7).u8(8).u8(9).u8(0).le32(36);
    REQUIRE(w.ok());
    std::ostringstream out;
    ie::pcap::writer pw(out, ie::pcap::linktype::ieee802_11);
    const std::array<std::uint8_t, 3> a{1, 2, 3};
    pw.write(1'500'000'000ull, a);
    pw.write(2'000'001'000ull, a, a);
    const std::string classic = out.str();
    const std::string pcapng(w.written().begin(), w.written().end());
    for (const std::string& file : {classic, pcapng}) {
        auto mem = ie::pcap::reader::open(as_bytes(file));
        REQUIRE(mem);
        std::istringstream in(file);
        auto s = ie::pcap::stream_reader::open(in);
        REQUIRE(s);
        CHECK(s->is_pcapng() == mem->is_pcapng());
        std::size_t n = 0;
        for (;; ++n) {
            auto p = s->next();
            auto q = mem->next();
            REQUIRE(p);
            REQUIRE(q);
            REQUIRE(bool(*p) == bool(*q));
            if (!*p) break;
            CHECK((*p)->linktype == (*q)->linktype);
            CHECK((*p)->timestamp_ns == (*q)->timestamp_ns);
            CHECK(std::ranges::equal((*p)->data, (*q)->data));
        }
        CHECK(n == (file == classic ? 2u : 1u));
        // Cut anywhere inside the last record: every earlier packet, then the same error.
        for (std::size_t cut = 1; cut < 16; ++cut) {
            const std::string part = file.substr(0, file.size() - cut);
            auto m = ie::pcap::reader::open(as_bytes(part));
            std::istringstream pin(part);
            auto t = ie::pcap::stream_reader::open(pin);
            REQUIRE(m);
            REQUIRE(t);
            for (;;) {
                auto p = t->next();
                auto q = m->next();
                REQUIRE(bool(p) == bool(q));
                if (!p) {
                    CHECK(p.err().code == q.err().code);
                    CHECK(p.err().offset == q.err().offset);
                    break;
                }
                REQUIRE(*p);  // a cut capture never ends cleanly
            }
        }
    }
    std::istringstream zeros(std::string(64, '\0'));
    CHECK(ie::pcap::stream_reader::open(zeros).err().code == errc::bad_value);
    std::istringstream huge(classic.substr(0, 24) +
                            std::string("\0\0\0\0\0\0\0\0\xff\xff\xff\x7f\0\0\0\0", 16));
    auto h = ie::pcap::stream_reader::open(huge);
    REQUIRE(h);
    CHECK(h->next().err().code == errc::bad_length);  // refused before anything is allocated
}
