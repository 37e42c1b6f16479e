// SPDX-License-Identifier: MIT
/// @file Maps C++ members to netlink attributes: one generic encoder and decoder over a message
/// type's `fields` tuple.
// IWYU pragma: private, include <softmac/cfg/messages.hpp>
#pragma once

#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <softmac/cfg/nl80211.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/shared_bytes.hpp>

namespace softmac::cfg {
/// @brief struct nl80211_sta_flag_update (NL80211_ATTR_STA_FLAGS2): which flags change, and to
/// what (bits 1 << NL80211_STA_FLAG_*).
struct sta_flag_update {
    std::uint32_t mask = 0, set = 0;
    friend bool operator==(const sta_flag_update&, const sta_flag_update&) = default;
};
}  // namespace softmac::cfg

namespace softmac::cfg::detail {

/// @brief Attribute `Attr` carries member `Member`. A 64-bit value in a nest names the attribute
/// that pads it to an 8-octet boundary (`Pad`, nla_put_u64_64bit's padattr), as the top level's
/// take NL80211_ATTR_PAD by their policy.
template <std::uint16_t Attr, auto Member, std::uint16_t Pad = 0>
struct field {
    static constexpr std::uint16_t attr = Attr;
    static constexpr auto member = Member;
    static constexpr std::uint16_t pad = Pad;
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
concept has_fields = requires {
    T::fields;
};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
/// A list of messages: each element its own nested attribute, numbered from 0 as nl80211 numbers
/// a band's frequencies.
template <class T>
concept message_list = is_vector<T>::value && has_fields<typename T::value_type>;

template <class T>
void encode_fields(netlink::writer& w, const T& msg, bool top = true);

/// The policy kind of a top-level nl80211 attribute (nested attributes have their own numbering
/// and keep their C++ widths).
inline netlink::kind kind_of(std::uint16_t attr, bool top) noexcept {
    return top && attr < nl80211::attr_policy.size() ? nl80211::attr_policy[attr].type
                                                     : netlink::kind::unspec;
}

/// Integers take the width the policy gives their attribute, so a C++ member may be narrower. A
/// field that names a pad attribute, and a top-level attribute whose policy is u64 (padded by
/// NL80211_ATTR_PAD), are written 8-aligned.
template <class T>
void put_integer(netlink::writer& w, std::uint16_t attr, T v, bool top, std::uint16_t pad) {
    const netlink::kind k = kind_of(attr, top);
    if (k == netlink::kind::u64 && pad == 0) pad = NL80211_ATTR_PAD;
    if (pad != 0) {
        w.u64(attr, static_cast<std::uint64_t>(v), pad);
        return;
    }
    switch (k) {
        case netlink::kind::u8:
            w.value(attr, static_cast<std::uint8_t>(v));
            break;
        case netlink::kind::u16:
            w.value(attr, static_cast<std::uint16_t>(v));
            break;
        case netlink::kind::u32:
            w.value(attr, static_cast<std::uint32_t>(v));
            break;
        default:
            w.value(attr, v);
            break;
    }
}

/// `pad`: the pad attribute a 64-bit field names (0: none).
template <class T>
void put(netlink::writer& w, std::uint16_t attr, const T& v, bool top = true,
         std::uint16_t pad = 0) {
    if constexpr (is_optional<T>::value) {
        if (v) put(w, attr, *v, top, pad);
    } else if constexpr (std::is_same_v<T, bool>) {
        if (v) w.flag(attr);
    } else if constexpr (std::is_enum_v<T>) {
        put_integer(w, attr, static_cast<std::uint32_t>(v), top, 0);
    } else if constexpr (std::is_integral_v<T>) {
        put_integer(w, attr, v, top, pad);
    } else if constexpr (std::is_same_v<T, mac_address>) {
        w.mac(attr, v);
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (kind_of(attr, top) == netlink::kind::string)
            w.string(attr, v);
        else
            w.bytes(attr, as_bytes(v));
    } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>> ||
                         std::is_same_v<T, shared_bytes>) {
        w.bytes(attr, v);
    } else if constexpr (std::is_same_v<T, std::vector<std::uint32_t>>) {
        // suite lists: a binary array of host-order u32 (NL80211_ATTR_CIPHER_SUITES_PAIRWISE)
        w.bytes(attr, bytes_view(reinterpret_cast<const std::uint8_t*>(v.data()), 4 * v.size()));
    } else if constexpr (std::is_same_v<T, sta_flag_update>) {
        const std::uint32_t both[2] = {v.mask, v.set};
        w.bytes(attr, bytes_view(reinterpret_cast<const std::uint8_t*>(both), sizeof both));
    } else if constexpr (std::is_same_v<T, std::vector<std::uint16_t>>) {
        const auto t = w.begin(attr);  // frequencies: nested u32, numbered from 1
        for (std::size_t i = 0; i < v.size(); ++i)
            w.value(static_cast<std::uint16_t>(i + 1), static_cast<std::uint32_t>(v[i]));
        w.end(t);
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        const auto t = w.begin(attr);  // SSIDs: nested binary, numbered from 1
        for (std::size_t i = 0; i < v.size(); ++i)
            w.bytes(static_cast<std::uint16_t>(i + 1), as_bytes(v[i]));
        w.end(t);
    } else if constexpr (std::is_same_v<T, std::vector<mac_address>>) {
        const auto t = w.begin(attr);  // addresses: nested MACs, numbered from 1
        for (std::size_t i = 0; i < v.size(); ++i) w.mac(static_cast<std::uint16_t>(i + 1), v[i]);
        w.end(t);
    } else if constexpr (message_list<T>) {
        const auto t = w.begin(attr);
        for (std::size_t i = 0; i < v.size(); ++i) {
            const auto e = w.begin(static_cast<std::uint16_t>(i));
            encode_fields(w, v[i], false);
            w.end(e);
        }
        w.end(t);
    } else if constexpr (has_fields<T>) {
        const auto t = w.begin(attr);
        encode_fields(w, v, false);
        w.end(t);
    } else {
        static_assert(sizeof(T) == 0, "softmac: no netlink encoding for this member type");
    }
}

/// @brief Writes field `F` of `msg`, if it has a value.
template <class F, class T>
void put_field(netlink::writer& w, const T& msg, bool top) {
    const auto& v = msg.*(F::member);
    using member = std::remove_cvref_t<decltype(v)>;
    static_assert(F::pad == 0 || std::is_same_v<member, std::uint64_t> ||
                      std::is_same_v<member, std::optional<std::uint64_t>>,
                  "softmac: only a 64-bit member names a pad attribute");
    put(w, F::attr, v, top, F::pad);
}

/// @brief Writes every field of `msg` that has a value.
template <class T>
void encode_fields(netlink::writer& w, const T& msg, bool top) {
    boost::hana::for_each(T::fields, [&](auto f) { put_field<decltype(f)>(w, msg, top); });
}

template <class T>
result<void> get_integer(const netlink::attribute& a, T& out) {
    std::uint64_t v = 0;
    switch (a.data.size()) {
        case 1:
            v = *a.as<std::uint8_t>();
            break;
        case 2:
            v = *a.as<std::uint16_t>();
            break;
        case 4:
            v = *a.as<std::uint32_t>();
            break;
        case 8:
            v = *a.as<std::uint64_t>();
            break;
        default:
            return make_error(errc::bad_length, "integer attribute of odd size", a.type);
    }
    out = static_cast<T>(v);
    return {};
}

template <class T>
result<void> decode_fields(const netlink::attributes& attrs, T& msg, bool top = true);

template <class T>
result<void> get(const netlink::attribute& a, T& out, bool top = true) {
    if constexpr (is_optional<T>::value) {
        typename T::value_type v{};
        if (auto r = get(a, v, top); !r) return r;
        out = std::move(v);
        return {};
    } else if constexpr (std::is_same_v<T, bool>) {
        out = true;
        return {};
    } else if constexpr (std::is_enum_v<T>) {
        std::uint32_t v = 0;
        if (auto r = get_integer(a, v); !r) return r;
        out = static_cast<T>(v);
        return {};
    } else if constexpr (std::is_integral_v<T>) {
        return get_integer(a, out);
    } else if constexpr (std::is_same_v<T, mac_address>) {
        auto m = a.as_mac();
        if (!m) return make_error(errc::bad_length, "MAC attribute is not 6 octets", a.type);
        out = *m;
        return {};
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (kind_of(a.type, top) == netlink::kind::string)
            out = std::string(a.as_string());
        else
            out.assign(a.data.begin(), a.data.end());
        return {};
    } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
        out.assign(a.data.begin(), a.data.end());
        return {};
    } else if constexpr (std::is_same_v<T, shared_bytes>) {
        out.assign(a.data);
        return {};
    } else if constexpr (std::is_same_v<T, std::vector<std::uint32_t>>) {
        if (a.data.size() % 4) return make_error(errc::bad_length, "suite list", a.type);
        out.resize(a.data.size() / 4);
        if (!out.empty()) std::memcpy(out.data(), a.data.data(), a.data.size());
        return {};
    } else if constexpr (std::is_same_v<T, sta_flag_update>) {
        if (a.data.size() != 8) return make_error(errc::bad_length, "sta flag update", a.type);
        std::memcpy(&out.mask, a.data.data(), 4);
        std::memcpy(&out.set, a.data.data() + 4, 4);
        return {};
    } else if constexpr (std::is_same_v<T, std::vector<std::uint16_t>> ||
                         std::is_same_v<T, std::vector<std::string>>) {
        auto inner = netlink::attributes::parse(a.data);
        if (!inner) return make_error(errc::bad_value, "nested attribute is malformed", a.type);
        out.clear();
        for (auto e : *inner) {
            typename T::value_type v{};
            if constexpr (std::is_same_v<T, std::vector<std::uint16_t>>) {
                if (auto r = get_integer(e, v); !r) return r;
            } else {
                v.assign(e.data.begin(), e.data.end());
            }
            out.push_back(std::move(v));
        }
        return {};
    } else if constexpr (std::is_same_v<T, std::vector<mac_address>> || message_list<T>) {
        auto inner = netlink::attributes::parse(a.data);
        if (!inner) return make_error(errc::bad_value, "nested attribute is malformed", a.type);
        out.clear();
        for (auto e : *inner) {
            typename T::value_type v{};
            if (auto r = get(e, v, false); !r) return r;
            out.push_back(std::move(v));
        }
        return {};
    } else if constexpr (has_fields<T>) {
        auto inner = netlink::attributes::parse(a.data);
        if (!inner) return make_error(errc::bad_value, "nested attribute is malformed", a.type);
        return decode_fields(*inner, out, false);
    } else {
        static_assert(sizeof(T) == 0, "softmac: no netlink decoding for this member type");
    }
}

/// @brief Fills the fields of `msg` from the attributes present (absent ones keep defaults).
template <class T>
result<void> decode_fields(const netlink::attributes& attrs, T& msg, bool top) {
    result<void> out;
    boost::hana::for_each(T::fields, [&](auto f) {
        if (!out) return;
        if (auto a = attrs.find(decltype(f)::attr)) out = get(*a, msg.*(f.member), top);
    });
    return out;
}

}  // namespace softmac::cfg::detail
