// SPDX-License-Identifier: MIT
/// @file Defines the control grammar's shared pieces: refusals and replies, tokens and options.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/ieee80211/wps.hpp>

namespace softmac::p2p::ctrl {

/// @brief A request the parser refused, with the reply wpa_supplicant gives.
struct refused {
    std::string_view reply;  ///< "FAIL\n", "FAIL-INVALID-PIN\n", "UNKNOWN COMMAND\n", ...
};

namespace replies {
inline constexpr std::string_view ok = "OK\n", fail = "FAIL\n", unknown = "UNKNOWN COMMAND\n",
                                  pong = "PONG\n", invalid_pin = "FAIL-INVALID-PIN\n",
                                  channel_unsupported = "FAIL-CHANNEL-UNSUPPORTED\n",
                                  channel_unavailable = "FAIL-CHANNEL-UNAVAILABLE\n",
                                  no_ifname = "FAIL-NO-IFNAME-MATCH\n",
                                  not_permitted = "FAIL-NOT-PERMITTED\n";
}  // namespace replies

/// @brief Splits `IFNAME=<if> <command>`; returns the interface (empty without the prefix).
inline std::pair<std::string_view, std::string_view> split_ifname(std::string_view text) noexcept {
    constexpr std::string_view prefix = "IFNAME=";
    if (!text.starts_with(prefix)) return {{}, text};
    text.remove_prefix(prefix.size());
    const auto sp = text.find(' ');
    if (sp == std::string_view::npos) return {text, {}};
    return {text.substr(0, sp), text.substr(sp + 1)};
}

/// @brief Parses "<category>-<OUI hex, 8 digits>-<subcategory>" (1-0050F204-1).
inline std::optional<ieee80211::wps::device_type> parse_device_type(std::string_view s) noexcept {
    const auto d1 = s.find('-'), d2 = s.rfind('-');
    if (d1 == std::string_view::npos || d2 == d1 || d2 - d1 != 9) return std::nullopt;
    ieee80211::wps::device_type t;
    auto num = [](std::string_view v, auto& out, int base) {
        const auto r = std::from_chars(v.data(), v.data() + v.size(), out, base);
        return !v.empty() && r.ec == std::errc{} && r.ptr == v.data() + v.size();
    };
    if (!num(s.substr(0, d1), t.category, 10) || !num(s.substr(d1 + 1, 8), t.oui, 16) ||
        !num(s.substr(d2 + 1), t.subcategory, 10))
        return std::nullopt;
    return t;
}

namespace detail {
class tokens {
  public:
    explicit tokens(std::string_view s) {
        std::size_t i = 0;
        while (i < s.size()) {
            while (i < s.size() && s[i] == ' ') ++i;
            const std::size_t b = i;
            while (i < s.size() && s[i] != ' ') ++i;
            if (i > b) list_.push_back(s.substr(b, i - b));
        }
    }
    std::size_t size() const noexcept { return list_.size(); }
    const std::vector<std::string_view>& all() const noexcept { return list_; }
    std::string_view operator[](std::size_t i) const noexcept {
        return i < list_.size() ? list_[i] : std::string_view{};
    }
    /// Everything after the first `n` tokens, as written.
    static std::string_view rest(std::string_view s, std::size_t n) noexcept {
        for (std::size_t k = 0; k < n; ++k) {
            s.remove_prefix(std::min(s.find_first_not_of(' '), s.size()));
            s.remove_prefix(std::min(s.find(' '), s.size()));
        }
        s.remove_prefix(std::min(s.find_first_not_of(' '), s.size()));
        return s;
    }

  private:
    std::vector<std::string_view> list_;
};

/// C's atoi as glibc gives it (strtol cast to int): leading white space, a sign, the digits up to
/// the first other character; 0 without digits; a value past the long range saturates, and the
/// cast keeps the low 32 bits.
inline int c_atoi(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
    bool minus = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) minus = s[i++] == '-';
    unsigned long long v = 0;
    bool saturated = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (v > (~0ull >> 1) / 10) saturated = true;
        if (!saturated) v = v * 10 + unsigned(s[i] - '0');
    }
    const unsigned long long limit = (~0ull >> 1) + (minus ? 1 : 0);
    if (saturated || v > limit) v = limit;
    const auto l = minus ? static_cast<long long>(0 - v) : static_cast<long long>(v);
    return static_cast<int>(static_cast<std::uint32_t>(static_cast<unsigned long long>(l)));
}

template <class T>
bool number(std::string_view s, T& out) noexcept {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
}
template <class T>
bool number_base(std::string_view s, T& out, int base) noexcept {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out, base);
    return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
}
/// "key=value" → value when the token has that key.
inline std::optional<std::string_view> option(std::string_view tok, std::string_view key) noexcept {
    if (tok.size() <= key.size() || !tok.starts_with(key) || tok[key.size()] != '=')
        return std::nullopt;
    return tok.substr(key.size() + 1);
}
/// A frequency option: a positive number of MHz.
inline bool freq_value(std::string_view v, std::uint16_t& out) noexcept {
    return number(v, out) && out > 0;
}
/// Options wpa_supplicant accepts for channel widths and bands softmac's radios do not have.
inline bool width_option(std::string_view t) noexcept {
    return t == "ht40" || t == "vht" || t == "he" || t == "edmg" || t == "allow_6ghz" ||
           t == "include_6ghz";
}
/// A PIN is 4 or 8 digits.
/// hwaddr_aton: the address at the start of `s`, colon-separated; what follows is not read.
inline std::optional<mac_address> colon_address(std::string_view s) {
    if (s.size() < 17) return std::nullopt;
    for (std::size_t i = 2; i < 17; i += 3)
        if (s[i] != ':') return std::nullopt;
    const auto a = mac_address::parse(s.substr(0, 17));
    return a ? std::optional(*a) : std::nullopt;
}
/// atoi: optional blanks and sign, then the leading digits.
inline long leading_int(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    const bool negative = !s.empty() && s.front() == '-';
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9' || v > 100000000) break;
        v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
}
/// The word before the first space and the rest after it; none without a space.
inline std::optional<std::pair<std::string_view, std::string_view>> split_word(
    std::string_view s) noexcept {
    const auto sp = s.find(' ');
    if (sp == std::string_view::npos) return std::nullopt;
    return std::pair{s.substr(0, sp), s.substr(sp + 1)};
}

inline bool pin_valid(std::string_view p) noexcept {
    if (p.size() != 4 && p.size() != 8) return false;
    for (char ch : p)
        if (ch < '0' || ch > '9') return false;
    return true;
}

}  // namespace detail

}  // namespace softmac::p2p::ctrl
