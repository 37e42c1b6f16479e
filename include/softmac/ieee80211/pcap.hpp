// SPDX-License-Identifier: MIT
/// @file Defines pcap and pcapng: a classic pcap writer (linktypes 105 and 127) and a reader for
/// both formats.
#pragma once

#include <algorithm>
#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <vector>

#include <softmac/core/bytes.hpp>
#include <softmac/core/result.hpp>

namespace softmac::ieee80211::pcap {

namespace linktype {
inline constexpr std::uint16_t ieee802_11 = 105, ieee802_11_radiotap = 127;
}

/// @brief One captured packet, viewing the reader's input.
struct packet {
    std::uint16_t linktype = 0;
    std::uint64_t timestamp_ns = 0;
    std::uint32_t original_length = 0;
    bytes_view data;
};

/// @brief Reads classic pcap (either byte order, µs or ns) and pcapng (SHB/IDB/EPB/SPB/PB blocks)
/// from an in-memory file. Every length is checked; a cut record is an error, never an overread.
class reader {
  public:
    static result<reader> open(bytes_view file) noexcept {
        if (file.size() < 4) return make_error(errc::truncated, "file shorter than a magic number");
        const std::uint32_t m = load_le32(file.data());
        reader r(file);
        if (m == 0x0a0d0d0a) {
            r.ng_ = true;
            return r;
        }
        if (file.size() < 24) return make_error(errc::truncated, "pcap global header truncated");
        if (m == 0xa1b2c3d4 || m == 0xa1b23c4d)
            r.be_ = false;
        else if (m == 0xd4c3b2a1 || m == 0x4d3cb2a1)
            r.be_ = true;
        else
            return make_error(errc::bad_value, "not a pcap or pcapng file");
        r.nano_ = (m == 0xa1b23c4d || m == 0x4d3cb2a1);
        r.links_.push_back({static_cast<std::uint16_t>(r.u32(file.data() + 20)), 1000, 0});
        r.pos_ = 24;
        return r;
    }

    bool is_pcapng() const noexcept { return ng_; }
    /// @brief Linktype of the first interface (classic pcap: the file's linktype).
    std::optional<std::uint16_t> linktype() const noexcept {
        if (links_.empty()) return std::nullopt;
        return links_.front().type;
    }

    /// @brief The next packet, nothing at a clean end of file, or an error.
    result<std::optional<packet>> next() noexcept { return ng_ ? next_ng() : next_classic(); }

  private:
    struct link {
        std::uint16_t type;
        std::uint64_t ns_per_unit;  ///< 0 means the unit is finer than 1 ns (divide instead)
        std::uint64_t units_per_s = 0;
    };

    friend class stream_reader;

    explicit reader(bytes_view f) noexcept : f_(f) {}
    /// Continues on the next part of the input, which starts at `offset` in the file (a stream
    /// reader hands over one record at a time).
    void continue_with(bytes_view part, std::size_t offset) noexcept {
        f_ = part;
        pos_ = 0;
        base_ = offset;
    }
    std::uint32_t offset(std::size_t at) const noexcept {
        return static_cast<std::uint32_t>(base_ + at);
    }
    std::uint32_t u32(const std::uint8_t* p) const noexcept {
        return be_ ? load_be32(p) : load_le32(p);
    }
    std::uint16_t u16(const std::uint8_t* p) const noexcept {
        return be_ ? load_be16(p) : load_le16(p);
    }

    result<std::optional<packet>> next_classic() noexcept {
        if (pos_ == f_.size()) return std::optional<packet>{};
        if (f_.size() - pos_ < 16)
            return make_error(errc::truncated, "record header truncated", offset(pos_));
        const std::uint8_t* h = f_.data() + pos_;
        const std::uint32_t incl = u32(h + 8);
        if (f_.size() - pos_ - 16 < incl)
            return make_error(errc::truncated, "record data truncated", offset(pos_));
        packet p;
        p.linktype = links_.front().type;
        p.timestamp_ns =
            std::uint64_t(u32(h)) * 1'000'000'000u + std::uint64_t(u32(h + 4)) * (nano_ ? 1 : 1000);
        p.original_length = u32(h + 12);
        p.data = f_.subspan(pos_ + 16, incl);
        pos_ += 16 + incl;
        return std::optional<packet>{p};
    }

    result<std::optional<packet>> next_ng() noexcept {
        for (;;) {
            if (pos_ == f_.size()) return std::optional<packet>{};
            if (f_.size() - pos_ < 12)
                return make_error(errc::truncated, "pcapng block header truncated", offset(pos_));
            const std::uint8_t* b = f_.data() + pos_;
            const std::uint32_t type = load_le32(b);  // the SHB type reads the same in both orders
            if (type == 0x0a0d0d0a) {
                const std::uint32_t magic = load_le32(b + 8);
                if (magic == 0x1a2b3c4d)
                    be_ = false;
                else if (magic == 0x4d3c2b1a)
                    be_ = true;
                else
                    return make_error(errc::bad_value, "bad pcapng byte-order magic",
                                      offset(pos_ + 8));
                links_.clear();
            }
            const std::uint32_t len = u32(b + 4);
            if (len < 12 || len % 4 != 0)
                return make_error(errc::bad_length, "bad pcapng block length", offset(pos_));
            if (len > f_.size() - pos_)
                return make_error(errc::truncated, "pcapng block truncated", offset(pos_));
            if (u32(b + len - 4) != len)
                return make_error(errc::bad_length, "pcapng trailing length mismatch",
                                  offset(pos_));
            const bytes_view body = f_.subspan(pos_ + 8, len - 12);
            const std::size_t at = offset(pos_);
            pos_ += len;
            switch (u32(b)) {
                case 0x0a0d0d0a:
                    continue;
                case 1: {  // Interface Description Block
                    if (body.size() < 8) return make_error(errc::truncated, "IDB truncated", at);
                    link l{u16(body.data()), 1000, 0};
                    if (auto r = read_tsresol(body.subspan(8), l); !r)
                        return error{r.err().code, std::uint32_t(at), r.err().what};
                    links_.push_back(l);
                    continue;
                }
                case 6:  // Enhanced Packet Block: 32-bit interface ID
                    if (body.size() < 20) return make_error(errc::truncated, "EPB truncated", at);
                    return packet_record(body, u32(body.data()), at);
                case 2:  // obsolete Packet Block: 16-bit interface ID, 16-bit drop count
                    if (body.size() < 20) return make_error(errc::truncated, "PB truncated", at);
                    return packet_record(body, u16(body.data()), at);
                case 3: {  // Simple Packet Block
                    if (body.size() < 4 || links_.empty())
                        return make_error(errc::truncated, "SPB truncated or without interface",
                                          at);
                    const std::uint32_t orig = u32(body.data());
                    const std::uint32_t cap =
                        std::min<std::uint32_t>(orig, std::uint32_t(body.size() - 4));
                    return std::optional<packet>{
                        packet{links_[0].type, 0, orig, body.subspan(4, cap)}};
                }
                default:
                    continue;  // statistics, name resolution, custom blocks
            }
        }
    }

    /// The layout EPB and PB share after the interface ID: timestamp, lengths, data.
    result<std::optional<packet>> packet_record(bytes_view body, std::uint32_t ifc,
                                                std::size_t at) const noexcept {
        if (ifc >= links_.size())
            return make_error(errc::bad_value, "packet block names an unknown interface", at);
        const std::uint32_t cap = u32(body.data() + 12);
        if (cap > body.size() - 20)
            return make_error(errc::overrun, "packet block captured length overruns", at);
        const std::uint64_t ts = (std::uint64_t(u32(body.data() + 4)) << 32) | u32(body.data() + 8);
        return std::optional<packet>{packet{links_[ifc].type, to_ns(links_[ifc], ts),
                                            u32(body.data() + 16), body.subspan(20, cap)}};
    }

    result<void> read_tsresol(bytes_view opts, link& l) const noexcept {
        std::size_t off = 0;
        while (off + 4 <= opts.size()) {
            const std::uint16_t code = u16(opts.data() + off), len = u16(opts.data() + off + 2);
            if (code == 0) break;
            if (opts.size() - off - 4 < len)
                return make_error(errc::overrun, "IDB option overruns");
            if (code == 9 && len >= 1) {
                const std::uint8_t v = opts[off + 4];
                const unsigned exp = v & 0x7f;
                std::uint64_t units = 1;
                if (v & 0x80) {
                    if (exp > 63) return make_error(errc::bad_value, "if_tsresol out of range");
                    units = std::uint64_t(1) << exp;
                } else {
                    if (exp > 19) return make_error(errc::bad_value, "if_tsresol out of range");
                    for (unsigned i = 0; i < exp; ++i) units *= 10;
                }
                l.units_per_s = units;
                l.ns_per_unit = units <= 1'000'000'000u && 1'000'000'000u % units == 0
                                    ? 1'000'000'000u / units
                                    : 0;
            }
            off += 4 + ((len + 3u) & ~3u);
        }
        return {};
    }
    static std::uint64_t to_ns(const link& l, std::uint64_t ts) noexcept {
        if (l.ns_per_unit) return ts * l.ns_per_unit;
        const std::uint64_t u = l.units_per_s ? l.units_per_s : 1'000'000u;
        return ts / u * 1'000'000'000u + (ts % u) * 1'000'000'000u / u;
    }

    bytes_view f_;
    std::size_t pos_ = 0, base_ = 0;
    bool ng_ = false, be_ = false, nano_ = false;
    std::vector<link> links_;
};

/// @brief Reads pcap and pcapng from a stream one record at a time, so memory stays bounded
/// whatever the input's length (a pipe, a FIFO, a device). Records longer than `max_record` are
/// an error; a record cut by the end of the stream is an error, as with the in-memory reader.
class stream_reader {
  public:
    static constexpr std::size_t max_record = 16u << 20;

    static result<stream_reader> open(std::istream& in) {
        stream_reader s(in);
        std::uint8_t magic[4];
        if (!s.read(magic, 4))
            return make_error(errc::truncated, "file shorter than a magic number");
        if (load_le32(magic) == 0x0a0d0d0a) {
            auto r = reader::open(bytes_view(magic, 4));
            if (!r) return r.err();
            s.r_ = std::move(*r);
            s.pending_ = true;  // the magic is the first block's type
            s.buf_.assign(magic, magic + 4);
            return s;
        }
        std::uint8_t h[24];
        std::copy(magic, magic + 4, h);
        if (!s.read(h + 4, 20)) return make_error(errc::truncated, "pcap global header truncated");
        auto r = reader::open(bytes_view(h, 24));
        if (!r) return r.err();
        s.r_ = std::move(*r);
        s.at_ = 24;
        return s;
    }

    bool is_pcapng() const noexcept { return r_.ng_; }

    /// @brief The next packet (viewing this reader's buffer until the next call), nothing at a
    /// clean end of the stream, or an error.
    result<std::optional<packet>> next() {
        for (;;) {
            auto part = fetch();
            if (!part) return part.err();
            if (!*part) return std::optional<packet>{};
            r_.continue_with(buf_, at_);
            at_ += buf_.size();
            auto p = r_.next();
            if (!p || *p) return p;
            // a pcapng block that carries no packet: read on
        }
    }

  private:
    explicit stream_reader(std::istream& in) : in_(&in), r_(bytes_view{}) {}

    bool read(std::uint8_t* to, std::size_t n) {
        in_->read(reinterpret_cast<char*>(to), static_cast<std::streamsize>(n));
        return static_cast<std::size_t>(in_->gcount()) == n;
    }
    /// Reads one whole record or block into buf_: false at a clean end of the stream.
    result<bool> fetch() {
        const std::size_t head = r_.ng_ ? 12 : 16;
        std::size_t have = pending_ ? buf_.size() : 0;
        pending_ = false;
        buf_.resize(head);
        if (have == 0) {
            in_->peek();
            if (in_->eof()) return false;
        }
        if (!read(buf_.data() + have, head - have))
            return make_error(errc::truncated,
                              r_.ng_ ? "pcapng block header truncated" : "record header truncated",
                              static_cast<std::uint32_t>(at_));
        std::size_t len = 0;
        if (r_.ng_) {
            const std::uint32_t type = load_le32(buf_.data());
            bool be = r_.be_;
            if (type == 0x0a0d0d0a) be = load_le32(buf_.data() + 8) == 0x4d3c2b1a;
            len = be ? load_be32(buf_.data() + 4) : load_le32(buf_.data() + 4);
            if (len < head) len = head;  // the in-memory reader reports the bad length
        } else {
            len = head + r_.u32(buf_.data() + 8);
        }
        if (len > max_record)
            return make_error(errc::bad_length, "record longer than the reader accepts",
                              static_cast<std::uint32_t>(at_));
        buf_.resize(len);
        if (!read(buf_.data() + head, len - head))
            buf_.resize(head + static_cast<std::size_t>(in_->gcount()));  // cut: reported below
        return true;
    }

    std::istream* in_;
    reader r_;
    std::vector<std::uint8_t> buf_;
    std::size_t at_ = 0;
    bool pending_ = false;
};

/// @brief Writes classic pcap (microsecond timestamps, little-endian) to a stream.
class writer {
  public:
    writer(std::ostream& out, std::uint16_t link, std::uint32_t snaplen = 65535) : out_(out) {
        std::uint8_t h[24];
        store_le32(h, 0xa1b2c3d4);
        store_le16(h + 4, 2);
        store_le16(h + 6, 4);
        store_le32(h + 8, 0);
        store_le32(h + 12, 0);
        store_le32(h + 16, snaplen);
        store_le32(h + 20, link);
        out_.write(reinterpret_cast<const char*>(h), sizeof h);
    }
    /// @brief Appends one record; `parts` are concatenated (e.g. radiotap header + frame).
    template <class... Parts>
    void write(std::uint64_t timestamp_ns, const Parts&... parts) {
        const std::size_t n = (std::size_t(0) + ... + parts.size());
        std::uint8_t h[16];
        store_le32(h, static_cast<std::uint32_t>(timestamp_ns / 1'000'000'000u));
        store_le32(h + 4, static_cast<std::uint32_t>(timestamp_ns % 1'000'000'000u / 1000u));
        store_le32(h + 8, static_cast<std::uint32_t>(n));
        store_le32(h + 12, static_cast<std::uint32_t>(n));
        out_.write(reinterpret_cast<const char*>(h), sizeof h);
        (out_.write(reinterpret_cast<const char*>(parts.data()),
                    static_cast<std::streamsize>(parts.size())),
         ...);
        ++count_;
    }
    std::size_t count() const noexcept { return count_; }

  private:
    std::ostream& out_;
    std::size_t count_ = 0;
};

}  // namespace softmac::ieee80211::pcap
