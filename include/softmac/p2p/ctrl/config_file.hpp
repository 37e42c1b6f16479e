// SPDX-License-Identifier: MIT
/// @file Defines the wpa_supplicant.conf file layer: a document of globals and network blocks
/// with their comments, its parser and writer, the string value codecs, value checks and an
/// atomic save.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <softmac/core/atomic_file.hpp>
#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/p2p/ctrl/command.hpp>

/// The file's syntax is wpa_supplicant's (wpa_supplicant/config_file.c):
/// - a line is read up to '\n'; blanks (' ', '\t', '\r') before its first character are skipped;
/// - a line that is then empty or starts with '#' is a comment (kept here, verbatim, with the
///   field or block it precedes);
/// - otherwise the first '#' after the line's last '"' ends the line's content (the first '#'
///   anywhere, in a line with fewer than two '"'); blanks ('\r' too) at the content's end are
///   dropped;
/// - the content is `network={` (a block opens), `}` (the block closes) or `key=value`: the key is
///   everything before the first '=', the value everything after it, blanks included;
/// - in a block, a value that starts with '"' must have another '"' after it.
/// A comment after a value on the same line is dropped, as wpa_supplicant drops it. softmac reads
/// lines of any length (wpa_supplicant cuts them at 512 octets, 2000 in a block), and refuses a
/// line with a NUL octet and the blocks it does not keep (`cred={`, `blob-base64-<name>={`).
namespace softmac::p2p::ctrl::conf {

/// @brief One `key=value` line and the comment and blank lines just before it.
struct field {
    std::string key;
    std::string value;                  ///< the text after '=', as written ("\"name\"", "1")
    std::vector<std::string> comments;  ///< comment and blank lines before it, verbatim

    friend bool operator==(const field&, const field&) = default;
};

namespace detail {
/// The last field with `key`: wpa_supplicant applies the lines in order, so the last one holds.
template <class Fields>
auto* find(Fields& fields, std::string_view key) noexcept {
    decltype(&fields.front()) found = nullptr;
    for (auto& f : fields)
        if (f.key == key) found = &f;
    return found;
}
inline void set(std::vector<field>& fields, std::string_view key, std::string value) {
    if (field* f = find(fields, key))
        f->value = std::move(value);
    else
        fields.push_back({std::string(key), std::move(value), {}});
}
inline bool erase(std::vector<field>& fields, std::string_view key) {
    return std::erase_if(fields, [&](const field& f) { return f.key == key; }) > 0;
}
}  // namespace detail

/// @brief A `network={ … }` block.
struct network {
    std::vector<field> fields;
    std::vector<std::string> comments;          ///< lines before `network={`
    std::vector<std::string> closing_comments;  ///< lines before its `}`

    /// @brief The value of the last `key` line (the one wpa_supplicant ends up with), or null.
    const std::string* get(std::string_view key) const noexcept {
        const field* f = detail::find(fields, key);
        return f ? &f->value : nullptr;
    }
    /// @brief Replaces the value of the last `key` line in place, or appends a line.
    void set(std::string_view key, std::string value) {
        detail::set(fields, key, std::move(value));
    }
    /// @brief Removes every `key` line with its comments; false when there was none.
    bool erase(std::string_view key) { return detail::erase(fields, key); }

    friend bool operator==(const network&, const network&) = default;
};

/// @brief A whole file: the global settings, the network blocks, and the comment lines after
/// the last line of either.
struct document {
    std::vector<field> globals;
    std::vector<network> networks;
    std::vector<std::string> trailing_comments;

    /// @brief The value of the last global `key` line, or null.
    const std::string* get(std::string_view key) const noexcept {
        const field* f = detail::find(globals, key);
        return f ? &f->value : nullptr;
    }
    /// @brief Replaces the value of the last global `key` line in place, or appends a line.
    void set(std::string_view key, std::string value) {
        detail::set(globals, key, std::move(value));
    }
    /// @brief Removes every global `key` line with its comments; false when there was none.
    bool erase(std::string_view key) { return detail::erase(globals, key); }

    friend bool operator==(const document&, const document&) = default;
};

namespace detail {
constexpr bool blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }
/// A line of blanks only (or none).
constexpr bool blank_line(std::string_view line) noexcept {
    return std::all_of(line.begin(), line.end(), blank);
}
/// What wpa_supplicant reads of a line: empty for a comment or blank line.
constexpr std::string_view content(std::string_view line) noexcept {
    std::size_t b = 0;
    while (b < line.size() && blank(line[b])) ++b;
    if (b == line.size() || line[b] == '#') return {};
    line.remove_prefix(b);
    // A '#' at or after the last '"' (or anywhere, without two quotes) starts a comment.
    std::size_t from = 0;
    if (const auto first = line.find('"'); first != std::string_view::npos) {
        if (const auto last = line.rfind('"'); last != first) from = last;
    }
    if (const auto hash = line.find('#', from); hash != std::string_view::npos)
        line = line.substr(0, hash);
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    return line;
}
constexpr bool printable(char c) noexcept {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) <= 0x7e;
}
/// wpa_supplicant's printf_decode: \\ \" \n \r \t \e, \x with one or two hex digits, \ with one
/// to three octal digits; any other escape drops its backslash, as does a final backslash.
inline std::string printf_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    auto digit_at = [&](std::size_t k, int base) {
        if (k >= s.size()) return -1;
        const int v = hex_digit(s[k]);
        return v >= 0 && v < base ? v : -1;
    };
    while (i < s.size()) {
        const char c = s[i++];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i == s.size()) break;
        switch (s[i]) {
            case '\\':
            case '"':
                out += s[i++];
                break;
            case 'n':
                out += '\n';
                ++i;
                break;
            case 'r':
                out += '\r';
                ++i;
                break;
            case 't':
                out += '\t';
                ++i;
                break;
            case 'e':
                out += '\033';
                ++i;
                break;
            case 'x': {
                ++i;
                const int hi = digit_at(i, 16);
                if (hi < 0) break;
                const int lo = digit_at(i + 1, 16);
                out += static_cast<char>(lo < 0 ? hi : hi * 16 + lo);
                i += lo < 0 ? 1 : 2;
                break;
            }
            case '0':
            case '1':
            case '2':
            case '3':
            case '4':
            case '5':
            case '6':
            case '7': {
                int v = s[i++] - '0';
                for (int n = 0; n < 2 && digit_at(i, 8) >= 0; ++n) v = v * 8 + (s[i++] - '0');
                out += static_cast<char>(v & 0xff);
                break;
            }
            default:
                break;
        }
    }
    return out;
}
}  // namespace detail

/// @brief A string value as wpa_supplicant's wpa_config_parse_string reads it: `"text"` (the
/// last '"' must end the value; quotes between are text), `P"text"` with printf escapes, or an
/// even number of hex digits (none is the empty string).
/// @return the octets, or nullopt when the value is none of these.
inline std::optional<std::string> decode_string(std::string_view value) {
    const bool quoted = value.starts_with('"'), escaped = value.starts_with("P\"");
    if (quoted || escaped) {
        const auto inner = value.substr(quoted ? 1 : 2);
        if (inner.empty() || inner.back() != '"') return std::nullopt;
        const auto text = inner.substr(0, inner.size() - 1);
        return quoted ? std::string(text) : detail::printf_decode(text);
    }
    if (value.size() % 2 != 0) return std::nullopt;
    std::string out(value.size() / 2, '\0');
    if (!from_hex(value, {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}))
        return std::nullopt;
    return out;
}

/// @brief A string value as wpa_supplicant's wpa_config_write_string writes it: `"text"` when
/// every octet is printable ASCII (0x20..0x7e), lower-case hex digits otherwise.
inline std::string encode_string(std::string_view raw) {
    if (std::all_of(raw.begin(), raw.end(), detail::printable)) return '"' + std::string(raw) + '"';
    return to_hex(as_bytes(raw));
}

namespace detail {
enum class rule_kind : std::uint8_t {
    any,             ///< no check
    text,            ///< a bare string of at most `hi` octets
    integer,         ///< a decimal number in [lo, hi]
    device_type,     ///< <category>-<OUI, 8 hex digits>-<subcategory>
    config_methods,  ///< WPS config method names
    uuid,            ///< 8-4-4-4-12 hex digits
    string,          ///< decode_string's forms, `lo`..`hi` octets decoded
    mac,             ///< aa:bb:cc:dd:ee:ff
    mac_list,        ///< MAC addresses separated by spaces
    psk,             ///< a quoted passphrase or 64 hex digits
    proto,           ///< words from WPA RSN WPA2 OSEN
    key_mgmt,        ///< upper-case words of [A-Z0-9-]
    pairwise,        ///< cipher words
    group,           ///< cipher words, and the group-only ones
};
struct rule {
    std::string_view key;
    bool network;  ///< a network block key (else a global one)
    rule_kind kind;
    long long lo, hi;
    const char* what;  ///< the error text
};
/// The keys softmac knows, with wpa_supplicant's limits where it has them (config.c's
/// global_fields and ssid_fields) and the values a P2P device can use where it has none (channels
/// and classes in 0..255, flags 0 or 1, a non-empty SSID). Every other key is kept unchecked.
inline constexpr rule rules[] = {
    {"ctrl_interface", false, rule_kind::any, 0, 0, ""},
    {"update_config", false, rule_kind::integer, 0, 1, "update_config must be 0 or 1"},
    {"device_name", false, rule_kind::text, 0, 32, "device_name is longer than 32 octets"},
    {"manufacturer", false, rule_kind::text, 0, 64, "manufacturer is longer than 64 octets"},
    {"model_name", false, rule_kind::text, 0, 32, "model_name is longer than 32 octets"},
    {"model_number", false, rule_kind::text, 0, 32, "model_number is longer than 32 octets"},
    {"serial_number", false, rule_kind::text, 0, 32, "serial_number is longer than 32 octets"},
    {"device_type", false, rule_kind::device_type, 0, 0,
     "device_type is not <category>-<OUI, 8 hex digits>-<subcategory>"},
    {"config_methods", false, rule_kind::config_methods, 0, 0,
     "config_methods has a word that is not a WPS config method"},
    {"p2p_go_intent", false, rule_kind::integer, 0, 15, "p2p_go_intent must be 0..15"},
    {"persistent_reconnect", false, rule_kind::integer, 0, 1,
     "persistent_reconnect must be 0 or 1"},
    {"p2p_listen_reg_class", false, rule_kind::integer, 0, 255,
     "p2p_listen_reg_class must be 0..255"},
    {"p2p_listen_channel", false, rule_kind::integer, 0, 255, "p2p_listen_channel must be 0..255"},
    {"p2p_oper_reg_class", false, rule_kind::integer, 0, 255, "p2p_oper_reg_class must be 0..255"},
    {"p2p_oper_channel", false, rule_kind::integer, 0, 255, "p2p_oper_channel must be 0..255"},
    {"p2p_ssid_postfix", false, rule_kind::any, 0, 0, ""},
    {"p2p_group_idle", false, rule_kind::integer, 0, 0x7fffffff,
     "p2p_group_idle must be a number of seconds"},
    {"p2p_go_ht40", false, rule_kind::integer, 0, 1, "p2p_go_ht40 must be 0 or 1"},
    {"uuid", false, rule_kind::uuid, 0, 0, "uuid is not 8-4-4-4-12 hex digits"},
    {"ssid", true, rule_kind::string, 1, 32,
     "ssid is not a quoted, P\"\" or hex string of 1..32 octets"},
    {"bssid", true, rule_kind::mac, 0, 0, "bssid is not a MAC address"},
    {"psk", true, rule_kind::psk, 0, 0,
     "psk is neither a quoted passphrase of 8..63 printable characters nor 64 hex digits"},
    {"proto", true, rule_kind::proto, 0, 0, "proto has a word other than WPA, RSN, WPA2 and OSEN"},
    {"key_mgmt", true, rule_kind::key_mgmt, 0, 0,
     "key_mgmt is not upper-case words of letters, digits and '-'"},
    {"pairwise", true, rule_kind::pairwise, 0, 0,
     "pairwise has a word other than CCMP, TKIP, GCMP, CCMP-256, GCMP-256 and NONE"},
    {"group", true, rule_kind::group, 0, 0,
     "group has a word other than CCMP, TKIP, GCMP, CCMP-256, GCMP-256, WEP104, WEP40, "
     "GTK_NOT_USED and NONE"},
    {"mode", true, rule_kind::integer, 0, 5, "mode must be 0..5"},
    {"disabled", true, rule_kind::integer, 0, 2, "disabled must be 0, 1 or 2"},
    {"p2p_client_list", true, rule_kind::mac_list, 0, 0,
     "p2p_client_list is not MAC addresses separated by spaces"},
    {"id_str", true, rule_kind::string, 0, 0x7fffffff,
     "id_str is not a quoted, P\"\" or hex string"},
    {"priority", true, rule_kind::integer, -0x80000000LL, 0x7fffffff, "priority is not a number"},
    {"scan_ssid", true, rule_kind::integer, 0, 1, "scan_ssid must be 0 or 1"},
    {"frequency", true, rule_kind::integer, 0, 70200, "frequency must be 0..70200 MHz"},
};

/// Every space-separated word of `v` is one of `words`; at least one word unless `empty_ok`.
template <std::size_t N>
bool words_from(std::string_view v, const std::string_view (&words)[N], bool empty_ok = false) {
    const ctrl::detail::tokens t(v);
    return (empty_ok || t.size() > 0) && std::all_of(t.all().begin(), t.all().end(), [&](auto w) {
               return std::find(std::begin(words), std::end(words), w) != std::end(words);
           });
}
inline bool uuid_text(std::string_view v) noexcept {
    if (v.size() != 36) return false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? v[i] != '-' : hex_digit(v[i]) < 0) return false;
    }
    return true;
}
inline bool psk_text(std::string_view v) noexcept {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        const auto pass = v.substr(1, v.size() - 2);
        return pass.size() >= 8 && pass.size() <= 63 &&
               std::all_of(pass.begin(), pass.end(), printable);
    }
    return v.size() == 64 &&
           std::all_of(v.begin(), v.end(), [](char c) { return hex_digit(c) >= 0; });
}
inline bool passes(const rule& r, std::string_view v) {
    static constexpr std::string_view methods[] = {"usba",
                                                   "ethernet",
                                                   "label",
                                                   "display",
                                                   "ext_nfc_token",
                                                   "int_nfc_token",
                                                   "nfc_interface",
                                                   "push_button",
                                                   "keypad",
                                                   "virtual_display",
                                                   "physical_display",
                                                   "virtual_push_button",
                                                   "physical_push_button",
                                                   "p2ps"};
    static constexpr std::string_view protos[] = {"WPA", "RSN", "WPA2", "OSEN"};
    static constexpr std::string_view ciphers[] = {"CCMP",     "TKIP",     "GCMP",
                                                   "CCMP-256", "GCMP-256", "NONE"};
    static constexpr std::string_view group_ciphers[] = {
        "CCMP", "TKIP", "GCMP", "CCMP-256", "GCMP-256", "NONE", "WEP104", "WEP40", "GTK_NOT_USED"};
    switch (r.kind) {
        case rule_kind::any:
            return true;
        case rule_kind::text:
            return static_cast<long long>(v.size()) <= r.hi;
        case rule_kind::integer: {
            long long n = 0;
            return ctrl::detail::number(v, n) && n >= r.lo && n <= r.hi;
        }
        case rule_kind::device_type:
            return parse_device_type(v).has_value();
        case rule_kind::config_methods:
            return words_from(v, methods, true);
        case rule_kind::uuid:
            return uuid_text(v);
        case rule_kind::string: {
            const auto s = decode_string(v);
            return s && static_cast<long long>(s->size()) >= r.lo &&
                   static_cast<long long>(s->size()) <= r.hi;
        }
        case rule_kind::mac:
            return mac_address::parse(v).has_value();
        case rule_kind::mac_list: {
            const ctrl::detail::tokens t(v);
            return std::all_of(t.all().begin(), t.all().end(),
                               [](auto w) { return mac_address::parse(w).has_value(); });
        }
        case rule_kind::psk:
            return psk_text(v);
        case rule_kind::proto:
            return words_from(v, protos);
        case rule_kind::key_mgmt: {
            const ctrl::detail::tokens t(v);
            return t.size() > 0 && std::all_of(t.all().begin(), t.all().end(), [](auto w) {
                       return std::all_of(w.begin(), w.end(), [](char c) {
                           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                       });
                   });
        }
        case rule_kind::pairwise:
            return words_from(v, ciphers);
        case rule_kind::group:
            return words_from(v, group_ciphers);
    }
    return false;
}
}  // namespace detail

/// @brief Checks the value of a key softmac knows (a network block key when `in_network`, else a
/// global one); any other key passes. parse() checks every line with it, and it is the check
/// for SET_NETWORK and SET to make before they store a new value.
/// @return errc::bad_value with a text naming the key and its rule.
inline result<void> check_value(std::string_view key, std::string_view value, bool in_network) {
    for (const auto& r : detail::rules)
        if (r.key == key && r.network == in_network)
            return detail::passes(r, value) ? result<void>{}
                                            : result<void>{make_error(errc::bad_value, r.what)};
    return {};
}

/// @brief Reads a file in wpa_supplicant.conf syntax (see the namespace's comment). Globals and
/// blocks may interleave; each field and block keeps the comment lines before it, a block the
/// lines before its `}`, and the document the lines after everything. The blank line that
/// write() puts before a block is layout: the first of the lines before `network={`, when it is
/// blank, is not kept.
/// @return the document, or an error whose `offset` is the 1-based number of the line at fault
/// (of its `network={` for a block not closed) and whose `what` names the problem.
inline result<document> parse(std::string_view text) {
    document d;
    std::vector<std::string> pending;
    network* block = nullptr;
    std::size_t block_line = 0, line_no = 0;
    auto take_pending = [&] { return std::exchange(pending, {}); };
    for (std::size_t pos = 0; pos < text.size();) {
        const auto nl = text.find('\n', pos);
        const auto line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        if (line.find('\0') != std::string_view::npos)
            return make_error(errc::bad_value, "the line holds a NUL octet", line_no);
        const auto content = detail::content(line);
        if (content.empty()) {
            pending.emplace_back(line);
            continue;
        }
        if (content == "network={") {
            if (block)
                return make_error(errc::bad_value, "network={ inside a network block", line_no);
            if (!pending.empty() && detail::blank_line(pending.front()))
                pending.erase(pending.begin());
            block = &d.networks.emplace_back();
            block->comments = take_pending();
            block_line = line_no;
            continue;
        }
        if (content == "}") {
            if (!block) return make_error(errc::bad_value, "} outside a network block", line_no);
            block->closing_comments = take_pending();
            block = nullptr;
            continue;
        }
        const auto eq = content.find('=');
        if (eq == std::string_view::npos)
            return make_error(errc::bad_value, "the line is neither key=value, network={ nor }",
                              line_no);
        if (eq == 0) return make_error(errc::bad_value, "the line has an empty key", line_no);
        const auto key = content.substr(0, eq), value = content.substr(eq + 1);
        if (value == "{")
            return make_error(
                errc::unsupported,
                "only network={ blocks are read (not cred={ nor blob-base64-<name>={)", line_no);
        if (block && value.starts_with('"') && value.find('"', 1) == std::string_view::npos)
            return make_error(errc::bad_value, "the value's quotation is not closed", line_no);
        if (auto ok = check_value(key, value, block != nullptr); !ok)
            return make_error(ok.err().code, ok.err().what, line_no);
        (block ? block->fields : d.globals)
            .push_back({std::string(key), std::string(value), take_pending()});
    }
    if (block)
        return make_error(errc::truncated, "the network block is not closed by }", block_line);
    d.trailing_comments = take_pending();
    return d;
}

/// @brief The document in wpa_supplicant's layout: the globals as `key=value`, then each block
/// after a blank line as `network={`, `\tkey=value` lines and `}`; every comment line where it
/// was, before its field or block. Comment lines must be blank or start (after blanks) with '#'
/// and values must not hold '\n', as everything parse() returns does.
inline std::string write(const document& d) {
    std::string out;
    auto lines = [&](const std::vector<std::string>& ls) {
        for (const auto& l : ls) out.append(l).push_back('\n');
    };
    auto put = [&](const field& f, std::string_view indent) {
        lines(f.comments);
        out.append(indent).append(f.key).append("=").append(f.value).push_back('\n');
    };
    for (const auto& f : d.globals) put(f, "");
    for (const auto& n : d.networks) {
        out.push_back('\n');
        lines(n.comments);
        out.append("network={\n");
        for (const auto& f : n.fields) put(f, "\t");
        lines(n.closing_comments);
        out.append("}\n");
    }
    lines(d.trailing_comments);
    return out;
}

/// @brief read_file and parse. A missing file gives errc::not_found, so the caller can start
/// from an empty document.
inline result<document> load(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.err();
    return parse(*text);
}

/// @brief Writes the document atomically (write_file_atomically), readable by its owner only:
/// the file holds passphrases.
inline result<void> save(const std::string& path, const document& d) {
    return write_file_atomically(path, write(d), 0600);
}

}  // namespace softmac::p2p::ctrl::conf
