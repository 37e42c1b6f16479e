// SPDX-License-Identifier: MIT
/// @file Defines the attribute-stream machinery shared by P2P and WPS: reassembly across vendor
/// elements and TLV ranges.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>

#include <softmac/core/bytes.hpp>
#include <softmac/core/detail/cursor.hpp>
#include <softmac/core/result.hpp>
#include <softmac/ieee80211/elements.hpp>

namespace softmac::ieee80211 {

/// @brief The bodies of every vendor element with one OUI+type, concatenated in order.
///
/// One logical attribute stream may be split over several consecutive elements; a single
/// element is viewed in place, several are copied into inline storage (no heap).
class vendor_stream {
  public:
    static constexpr std::size_t max_size = 2304;  ///< largest MMPDU body

    vendor_stream(const element_range& elements, std::uint32_t oui_type) noexcept
        : oui_type_(oui_type) {
        for (element e : elements) take(e);
    }
    /// @brief An empty stream that takes its elements one by one (take), for a reader that
    /// walks the elements once for several things.
    explicit vendor_stream(std::uint32_t oui_type) noexcept : oui_type_(oui_type) {}
    vendor_stream(const vendor_stream&) = delete;
    vendor_stream& operator=(const vendor_stream&) = delete;

    /// @brief Appends the element's body when it is one of the stream's vendor elements.
    void take(const element& e) noexcept {
        if (!e.is_vendor(oui_type_)) return;
        const bytes_view body = e.data.subspan(4);
        ++count_;
        if (count_ == 1) {
            view_ = body;
            return;
        }
        if (count_ == 2) {
            std::copy(view_.begin(), view_.end(), buf_.begin());
            size_ = view_.size();
        }
        const std::size_t n = std::min(body.size(), max_size - size_);
        std::copy_n(body.begin(), n, buf_.begin() + static_cast<std::ptrdiff_t>(size_));
        size_ += n;
        view_ = {buf_.data(), size_};
    }

    bool present() const noexcept { return count_ > 0; }
    std::size_t element_count() const noexcept { return count_; }
    bytes_view bytes() const noexcept { return view_; }

  private:
    std::uint32_t oui_type_;
    bytes_view view_;
    std::size_t count_ = 0;
    std::size_t size_ = 0;
    std::array<std::uint8_t, max_size> buf_;
};

/// @brief One attribute: its ID and body.
struct attribute {
    std::uint16_t id;
    bytes_view data;
};

/// @brief A validated attribute stream. Layout is a policy: ID width and length byte order.
///  - P2P: 1-octet ID, 2-octet little-endian length;
///  - WPS: 2-octet big-endian type, 2-octet big-endian length.
template <bool Wps>
class attribute_range {
    static constexpr std::size_t head = Wps ? 4 : 3;
    static constexpr std::uint16_t id_at(const std::uint8_t* p) noexcept {
        return Wps ? load_be16(p) : p[0];
    }
    static constexpr std::size_t len_at(const std::uint8_t* p) noexcept {
        return Wps ? load_be16(p + 2) : load_le16(p + 1);
    }

  public:
    class iterator : public ::softmac::detail::cursor<iterator, attribute> {
      public:
        iterator() = default;
        attribute read() const noexcept {
            return {id_at(this->p), {this->p + head, len_at(this->p)}};
        }
        void advance() noexcept { this->p += head + len_at(this->p); }

      private:
        friend class attribute_range;
        explicit iterator(const std::uint8_t* at) noexcept : iterator::cursor(at, nullptr) {}
    };

    attribute_range() = default;

    /// @brief Checks every attribute header and length against the end of the stream.
    static result<attribute_range> parse(bytes_view s) noexcept {
        if (auto r = for_each(s, [](const attribute&) {}); !r) return r.err();
        return attribute_range(s);
    }
    /// @brief One walk that checks and visits: calls `f` on each attribute once its header and
    /// length are checked, so attributes before a fault are visited.
    template <class F>
    static result<void> for_each(bytes_view s, F&& f) {
        std::size_t off = 0;
        while (off < s.size()) {
            if (s.size() - off < head)
                return make_error(errc::truncated, "attribute header truncated", off);
            const std::uint8_t* p = s.data() + off;
            const std::size_t len = len_at(p);
            if (s.size() - off - head < len)
                return make_error(errc::overrun, "attribute overruns its element", off);
            f(attribute{id_at(p), {p + head, len}});
            off += head + len;
        }
        return {};
    }
    /// @brief One walk that tells whether a parser accepts the stream: its framing, and every
    /// attribute's length by `accepts` (a parser's length rules). Calls `f` on each attribute:
    /// those before a framing fault, and all of them after a length fault.
    template <class Accepts, class F>
    static bool for_each_accepted(bytes_view s, Accepts&& accepts, F&& f) {
        bool lengths_ok = true;
        const auto walked = for_each(s, [&](const attribute& a) {
            lengths_ok = lengths_ok && accepts(a);
            f(a);
        });
        return walked && lengths_ok;
    }

    iterator begin() const noexcept { return iterator(s_.data()); }
    iterator end() const noexcept { return iterator(s_.data() + s_.size()); }
    bool empty() const noexcept { return s_.empty(); }

    std::optional<bytes_view> find(std::uint16_t id) const noexcept {
        for (attribute a : *this)
            if (a.id == id) return a.data;
        return std::nullopt;
    }

  private:
    explicit attribute_range(bytes_view s) noexcept : s_(s) {}
    bytes_view s_;
};

/// @brief Collects attributes, then writes them as vendor elements split at 251 body octets.
template <std::size_t Capacity = 1024>
class vendor_ie_builder {
  public:
    explicit vendor_ie_builder(std::uint32_t oui_type) noexcept : oui_type_(oui_type) {}
    vendor_ie_builder(const vendor_ie_builder&) = delete;
    vendor_ie_builder& operator=(const vendor_ie_builder&) = delete;
    byte_writer& body() noexcept { return w_; }
    bool ok() const noexcept { return w_.ok(); }

    /// @brief Appends the collected stream as one or more vendor elements.
    void emit(byte_writer& out) const noexcept {
        if (!w_.ok()) {
            out.reserve(std::size_t(-1));
            return;
        }
        bytes_view s = w_.written();
        do {
            const std::size_t n = std::min<std::size_t>(s.size(), 251);
            put::vendor(out, oui_type_, s.first(n));
            s = s.subspan(n);
        } while (!s.empty());
    }

  private:
    std::uint32_t oui_type_;
    std::array<std::uint8_t, Capacity> buf_{};
    byte_writer w_{buf_};
};

}  // namespace softmac::ieee80211
