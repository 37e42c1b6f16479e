// SPDX-License-Identifier: MIT
/// @file Defines the generic netlink codec of the config layer's messages: any command, reply or
/// event type with a `fields` tuple encodes to, and decodes from, its attributes.
#pragma once

#include <cstdint>

#include <softmac/cfg/detail/fields.hpp>
#include <softmac/cfg/netlink.hpp>
#include <softmac/core/result.hpp>

namespace softmac::cfg {

/// @brief Encodes a command, reply or event message of type T with number `id`.
template <class T>
bytes_view encode(bytes_span out, std::uint16_t family, std::uint8_t id, const T& msg,
                  std::uint16_t flags = NLM_F_REQUEST, std::uint32_t seq = 0,
                  std::uint32_t port = 0) {
    netlink::writer w(out, family, id, flags, seq, port);
    detail::encode_fields(w, msg);
    return w.finish();
}
/// @brief Encodes a command request.
template <class T>
requires requires { T::spec; }
bytes_view encode(bytes_span out, std::uint16_t family, const T& msg, std::uint32_t seq = 0) {
    return encode(out, family, T::id, msg, NLM_F_REQUEST, seq);
}
/// @brief Decodes a validated message's attributes into T.
template <class T>
result<T> decode(const netlink::attributes& attrs) {
    T msg{};
    if (auto r = detail::decode_fields(attrs, msg); !r) return r.err();
    return msg;
}

}  // namespace softmac::cfg
