// SPDX-License-Identifier: MIT
/// @file Defines the generic-netlink wire form: message and attribute encoding, bounds-checked
/// decoding and attribute policies.
#pragma once

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/cursor.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>

namespace softmac::cfg::netlink {

inline constexpr std::size_t align4(std::size_t n) noexcept { return (n + 3) & ~std::size_t(3); }
inline constexpr std::size_t header_size =
    NLMSG_HDRLEN + GENL_HDRLEN;  ///< nlmsghdr (16) + genlmsghdr (4)
inline constexpr std::uint16_t type_mask =
    0x3fff;  ///< NLA_TYPE_MASK: the nested and byte-order bits cleared

/// @brief Builds one generic-netlink message: header, then attributes padded to 4 octets.
/// Host byte order, as netlink uses; nested attributes are opened and closed. 64-bit values are
/// aligned to 8 octets from the start of `out`, which should itself be 8-aligned (as a netlink
/// message buffer is).
class writer {
  public:
    writer(bytes_span out, std::uint16_t family, std::uint8_t cmd,
           std::uint16_t flags = NLM_F_REQUEST, std::uint32_t seq = 0,
           std::uint32_t port = 0) noexcept
        : out_(out) {
        if (out_.size() < header_size) {
            ok_ = false;
            return;
        }
        std::memset(out_.data(), 0, header_size);
        nlmsghdr h{};
        h.nlmsg_type = family;
        h.nlmsg_flags = flags;
        h.nlmsg_seq = seq;
        h.nlmsg_pid = port;
        std::memcpy(out_.data(), &h, sizeof h);
        genlmsghdr g{};
        g.cmd = cmd;
        g.version = 1;
        std::memcpy(out_.data() + NLMSG_HDRLEN, &g, sizeof g);
        pos_ = header_size;
    }

    writer& bytes(std::uint16_t type, bytes_view v) noexcept {
        const std::size_t len = NLA_HDRLEN + v.size();
        if (!ok_ || len > 0xffff || out_.size() - pos_ < align4(len)) {
            ok_ = false;
            return *this;
        }
        nlattr a{static_cast<std::uint16_t>(len), type};
        std::memcpy(out_.data() + pos_, &a, sizeof a);
        if (!v.empty()) std::memcpy(out_.data() + pos_ + NLA_HDRLEN, v.data(), v.size());
        std::memset(out_.data() + pos_ + len, 0, align4(len) - len);
        pos_ += align4(len);
        return *this;
    }
    template <class T>
    requires std::is_integral_v<T> writer& value(std::uint16_t type, T v) noexcept {
        std::uint8_t b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        return bytes(type, {b, sizeof(T)});
    }
    writer& flag(std::uint16_t type) noexcept { return bytes(type, {}); }
    writer& string(std::uint16_t type, std::string_view s) noexcept {
        std::uint8_t buf[256];
        if (s.size() >= sizeof buf) {
            ok_ = false;
            return *this;
        }
        std::memcpy(buf, s.data(), s.size());
        buf[s.size()] = 0;
        return bytes(type, {buf, s.size() + 1});
    }
    writer& mac(std::uint16_t type, const mac_address& a) noexcept {
        return bytes(type, a.bytes());
    }
    /// @brief A 64-bit value, preceded by a PAD attribute when needed for 8-octet alignment.
    writer& u64(std::uint16_t type, std::uint64_t v, std::uint16_t pad_type) noexcept {
        if ((pos_ + NLA_HDRLEN) % 8 != 0) bytes(pad_type, {});
        return value(type, v);
    }
    /// @brief Opens a nested attribute; close it with end(token).
    std::size_t begin(std::uint16_t type) noexcept {
        const std::size_t at = pos_;
        bytes(static_cast<std::uint16_t>(type | NLA_F_NESTED), {});
        return at;
    }
    void end(std::size_t token) noexcept {
        if (!ok_) return;
        const auto len = static_cast<std::uint16_t>(pos_ - token);
        std::memcpy(out_.data() + token, &len, sizeof len);
    }

    bool ok() const noexcept { return ok_; }
    /// @brief The finished message (the length field is written here).
    bytes_view finish() noexcept {
        if (!ok_) return {};
        const auto len = static_cast<std::uint32_t>(pos_);
        std::memcpy(out_.data(), &len, sizeof len);
        return out_.first(pos_);
    }

  private:
    bytes_span out_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

/// @brief One attribute: its type (flags stripped), whether it is nested, its payload.
struct attribute {
    std::uint16_t type = 0;
    bool nested = false;
    bytes_view data;

    template <class T>
    requires std::is_integral_v<T> std::optional<T> as()
    const noexcept {
        if (data.size() != sizeof(T)) return std::nullopt;
        T v;
        std::memcpy(&v, data.data(), sizeof(T));
        return v;
    }
    std::optional<mac_address> as_mac() const noexcept {
        if (data.size() != 6) return std::nullopt;
        return mac_address::from(data.data());
    }
    /// @brief The string without its terminating NUL.
    std::string_view as_string() const noexcept {
        std::size_t n = data.size();
        if (n > 0 && data[n - 1] == 0) --n;
        return {reinterpret_cast<const char*>(data.data()), n};
    }
};

/// @brief A validated sequence of attributes (the payload of a message or of a nested attribute).
class attributes {
  public:
    class iterator : public ::softmac::detail::cursor<iterator, attribute> {
      public:
        iterator() = default;
        attribute read() const noexcept {
            nlattr a;
            std::memcpy(&a, p, sizeof a);
            return {static_cast<std::uint16_t>(a.nla_type & type_mask),
                    (a.nla_type & NLA_F_NESTED) != 0,
                    {p + NLA_HDRLEN, std::size_t(a.nla_len) - NLA_HDRLEN}};
        }
        void advance() noexcept {
            nlattr a;
            std::memcpy(&a, p, sizeof a);
            const std::size_t step = align4(a.nla_len);
            p = static_cast<std::size_t>(end - p) > step ? p + step : end;
        }

      private:
        friend class attributes;
        iterator(const std::uint8_t* at, const std::uint8_t* last) noexcept : cursor(at, last) {}
    };

    attributes() = default;
    /// @brief Checks every header and length; the error offset is the byte position.
    static result<attributes> parse(bytes_view b) noexcept {
        std::size_t off = 0;
        while (off < b.size()) {
            if (b.size() - off < NLA_HDRLEN)
                return make_error(errc::truncated, "netlink attribute header truncated", off);
            nlattr a;
            std::memcpy(&a, b.data() + off, sizeof a);
            if (a.nla_len < NLA_HDRLEN)
                return make_error(errc::bad_length, "netlink attribute shorter than its header",
                                  off);
            if (a.nla_len > b.size() - off)
                return make_error(errc::overrun, "netlink attribute overruns its message", off);
            off += align4(a.nla_len);
        }
        return attributes(b);
    }
    iterator begin() const noexcept { return {b_.data(), b_.data() + b_.size()}; }
    iterator end() const noexcept { return {b_.data() + b_.size(), b_.data() + b_.size()}; }
    std::optional<attribute> find(std::uint16_t type) const noexcept {
        for (attribute a : *this)
            if (a.type == type) return a;
        return std::nullopt;
    }

  private:
    explicit attributes(bytes_view b) noexcept : b_(b) {}
    bytes_view b_;
};

/// @brief A decoded message: header fields and its attributes.
struct message {
    std::uint16_t family = 0, flags = 0;
    std::uint32_t seq = 0, port = 0;
    std::uint8_t cmd = 0, version = 0;
    attributes attrs;

    static result<message> parse(bytes_view b) noexcept {
        if (b.size() < header_size)
            return make_error(errc::truncated, "netlink message shorter than its headers");
        nlmsghdr h;
        std::memcpy(&h, b.data(), sizeof h);
        if (h.nlmsg_len < header_size || h.nlmsg_len > b.size())
            return make_error(errc::bad_length, "netlink message length field is wrong");
        genlmsghdr g;
        std::memcpy(&g, b.data() + NLMSG_HDRLEN, sizeof g);
        auto a = attributes::parse(b.subspan(header_size, h.nlmsg_len - header_size));
        if (!a)
            return error{a.err().code, std::uint32_t(header_size + a.err().offset), a.err().what};
        return message{h.nlmsg_type, h.nlmsg_flags, h.nlmsg_seq, h.nlmsg_pid, g.cmd, g.version, *a};
    }
};

// ---- attribute policies (the nla_policy role) ----------------------------------------------

enum class kind : std::uint8_t { unspec, u8, u16, u32, u64, flag, mac, string, binary, nested };

/// @brief What one attribute type must look like.
struct policy {
    kind type = kind::unspec;
    std::uint16_t max_len = 0;  ///< string/binary: maximum payload (0 = any)
    std::uint16_t min_len = 0;  ///< binary: minimum payload
};

/// @brief Why validation failed: which attribute, and what is wrong with it.
struct violation {
    std::uint16_t attr = 0;
    const char* why = "";
};

/// @brief Checks every attribute against its policy and that the required ones are present.
/// @param table indexed by attribute type; types beyond it, or `unspec`, are not checked
template <std::size_t N>
std::optional<violation> validate(const attributes& attrs, const std::array<policy, N>& table,
                                  std::span<const std::uint16_t> required) noexcept {
    for (attribute a : attrs) {
        if (a.type >= N) continue;
        const policy p = table[a.type];
        const std::size_t n = a.data.size();
        switch (p.type) {
            case kind::unspec:
                break;
            case kind::u8:
                if (n != 1) return violation{a.type, "attribute must be a u8"};
                break;
            case kind::u16:
                if (n != 2) return violation{a.type, "attribute must be a u16"};
                break;
            case kind::u32:
                if (n != 4) return violation{a.type, "attribute must be a u32"};
                break;
            case kind::u64:
                if (n != 8) return violation{a.type, "attribute must be a u64"};
                break;
            case kind::flag:
                if (n != 0) return violation{a.type, "flag attribute must be empty"};
                break;
            case kind::mac:
                if (n != 6) return violation{a.type, "attribute must be a MAC address"};
                break;
            case kind::string:
                if (n == 0 || a.data[n - 1] != 0)
                    return violation{a.type, "string attribute must end in NUL"};
                if (p.max_len && n - 1 > p.max_len)
                    return violation{a.type, "string attribute too long"};
                break;
            case kind::binary:
                if (p.max_len && n > p.max_len)
                    return violation{a.type, "attribute longer than allowed"};
                if (n < p.min_len) return violation{a.type, "attribute shorter than required"};
                break;
            case kind::nested:
                if (!attributes::parse(a.data))
                    return violation{a.type, "nested attribute is malformed"};
                break;
        }
    }
    for (std::uint16_t r : required)
        if (!attrs.find(r)) return violation{r, "required attribute missing"};
    return std::nullopt;
}

}  // namespace softmac::cfg::netlink
