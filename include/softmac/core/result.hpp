// SPDX-License-Identifier: MIT
/// @file Defines softmac::error and softmac::result<T>, the value-or-error type every parser
/// returns.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace softmac {

/// @brief What went wrong, as a value. Parsers never throw and never read out of bounds.
enum class errc : std::uint8_t {
    truncated,      ///< input ends before a fixed-size field
    overrun,        ///< a length field points past the end of its container
    bad_length,     ///< a length is outside the range the format allows
    bad_value,      ///< a field holds a value the format forbids
    bad_fcs,        ///< the frame check sequence does not match
    unsupported,    ///< valid input softmac does not handle
    no_space,       ///< an output buffer is too small
    exhausted,      ///< a pool or table is full
    busy,           ///< the operation conflicts with one in progress
    not_found,      ///< the named object does not exist
    invalid_state,  ///< the operation is not allowed in the current state
    not_supported,  ///< the driver or hardware cannot do it
    io,             ///< an I/O operation failed
    already,        ///< it is already done or registered
    permission,     ///< the caller is not allowed to do it
    network_down,   ///< the interface is not up
};

/// @brief Short, stable name of an error code.
constexpr std::string_view to_string(errc e) noexcept {
    switch (e) {
        case errc::truncated:
            return "truncated";
        case errc::overrun:
            return "overrun";
        case errc::bad_length:
            return "bad length";
        case errc::bad_value:
            return "bad value";
        case errc::bad_fcs:
            return "bad FCS";
        case errc::unsupported:
            return "unsupported";
        case errc::no_space:
            return "no space";
        case errc::exhausted:
            return "exhausted";
        case errc::busy:
            return "busy";
        case errc::not_found:
            return "not found";
        case errc::invalid_state:
            return "invalid state";
        case errc::not_supported:
            return "not supported";
        case errc::io:
            return "I/O error";
        case errc::already:
            return "already";
        case errc::permission:
            return "permission denied";
        case errc::network_down:
            return "network down";
    }
    return "unknown";
}

/// @brief An error: a code, the byte offset where it was found and a static description.
struct error {
    errc code{};
    std::uint32_t offset = 0;
    const char* what = "";

    friend constexpr bool operator==(const error& a, const error& b) noexcept {
        return a.code == b.code && a.offset == b.offset;
    }
};

/// @brief Either a T or an error (the std::expected idea, for C++20).
template <class T>
class [[nodiscard]] result {
  public:
    constexpr result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)
        : v_(std::in_place_index<0>, std::move(value)) {}
    constexpr result(error e) noexcept : v_(std::in_place_index<1>, e) {}

    constexpr bool has_value() const noexcept { return v_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }

    constexpr T& value() & noexcept { return *std::get_if<0>(&v_); }
    constexpr const T& value() const& noexcept { return *std::get_if<0>(&v_); }
    /// An rvalue result hands its value out by value, so `for (x : *parse(...))` and
    /// `auto&& v = *f()` never refer into a destroyed temporary.
    constexpr T value() && noexcept(std::is_nothrow_move_constructible_v<T>) {
        return std::move(*std::get_if<0>(&v_));
    }
    constexpr T* operator->() noexcept { return std::get_if<0>(&v_); }
    constexpr const T* operator->() const noexcept { return std::get_if<0>(&v_); }
    constexpr T& operator*() & noexcept { return value(); }
    constexpr const T& operator*() const& noexcept { return value(); }
    constexpr T operator*() && noexcept(std::is_nothrow_move_constructible_v<T>) {
        return std::move(*this).value();
    }

    /// @pre !has_value()
    constexpr const error& err() const noexcept { return *std::get_if<1>(&v_); }

  private:
    std::variant<T, error> v_;
};

/// @brief result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
  public:
    constexpr result() noexcept = default;
    constexpr result(error e) noexcept : err_(e), ok_(false) {}
    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr const error& err() const noexcept { return err_; }

  private:
    error err_{};
    bool ok_ = true;
};

/// @brief Shorthand to build an error value.
constexpr error make_error(errc code, const char* what, std::size_t offset = 0) noexcept {
    return error{code, static_cast<std::uint32_t>(offset), what};
}

}  // namespace softmac
