// SPDX-License-Identifier: MIT
/// @file Defines softmac::ieee80211::dissect: a whole captured packet decoded into named fields, as
/// text or JSON.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/fcs.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/ieee80211/management.hpp>
#include <softmac/ieee80211/p2p.hpp>
#include <softmac/ieee80211/pcap.hpp>
#include <softmac/ieee80211/radiotap.hpp>
#include <softmac/ieee80211/wps.hpp>

namespace softmac::ieee80211 {

/// @brief One element or attribute of a dissected frame.
struct dissected_item {
    std::string_view kind;  ///< "element", "p2p" or "wps"
    unsigned id = 0;
    std::string_view name;
    std::size_t length = 0;
    std::string value;  ///< decoded value when softmac knows the type, else empty; octets of
                        ///< names and SSIDs outside printable ASCII, `"` and `\` appear as \xNN
};

/// @brief Everything softmac reads from one packet. `fault` is set for a structural error.
struct dissection {
    std::optional<radiotap::info> radiotap;
    std::optional<bool> fcs_ok;
    std::optional<frame_control> fc;
    std::vector<std::pair<std::string_view, std::string>> fields;
    std::vector<dissected_item> items;
    std::optional<error> fault;
    std::string_view fault_layer;
    bool short_capture = false;  ///< the capture kept fewer bytes than the frame had

    bool ok() const noexcept { return !fault; }
};

namespace detail {

/// Concatenation by appending (GCC 12 warns falsely on literal + std::string&& at -O2).
inline std::string cat(std::initializer_list<std::string_view> parts) {
    std::size_t n = 0;
    for (auto p : parts) n += p.size();
    std::string out;
    out.reserve(n);
    for (auto p : parts) out.append(p);
    return out;
}
template <class T>
std::string num(T v) {
    return std::to_string(v);
}

/// Text of names and SSIDs: printable ASCII kept, `"`, `\` and any other octet written \xNN.
inline std::string printable(std::string_view s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && c != '\\' && c != '"') {
            out += c;
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        }
    }
    return out;
}
/// Length of the valid UTF-8 sequence (RFC 3629: no overlong form, no surrogate, nothing above
/// U+10FFFF) that begins at s[i], or 0 when none does.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto at = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
    };
    const unsigned b = at(0);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xbf;  // range of the second octet
    if (b >= 0xc2 && b <= 0xdf) {
        n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
        n = 3;
        if (b == 0xe0) lo = 0xa0;
        if (b == 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
        n = 4;
        if (b == 0xf0) lo = 0x90;
        if (b == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (at(1) < lo || at(1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (at(k) < 0x80 || at(k) > 0xbf) return 0;
    return n;
}

/// A JSON string (RFC 8259), quotes included, of dissection text: the \xNN escapes of
/// printable() become the octets they stand for; valid UTF-8 is kept, `"` and `\` are escaped,
/// and control characters and octets of no valid UTF-8 sequence are written \u00XX (an octet
/// 0xNN as the code point U+00NN).
inline std::string json_string(std::string_view text) {
    const auto nibble = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    std::string raw;
    raw.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x' &&
            nibble(text[i + 2]) >= 0 && nibble(text[i + 3]) >= 0) {
            raw += static_cast<char>(nibble(text[i + 2]) * 16 + nibble(text[i + 3]));
            i += 3;
        } else {
            raw += text[i];
        }
    }
    std::string out = "\"";
    for (std::size_t i = 0; i < raw.size();) {
        const auto u = static_cast<unsigned char>(raw[i]);
        if (const std::size_t n = u >= 0x80 ? utf8_sequence(raw, i) : 0) {
            out.append(raw, i, n);
            i += n;
            continue;
        }
        if (u == '"' || u == '\\') {
            out += '\\';
            out += static_cast<char>(u);
        } else if (u < 0x20 || u >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += static_cast<char>(u);
        }
        ++i;
    }
    return out += '"';
}
inline std::string hex(std::uint64_t v, int width) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%0*llx", width, static_cast<unsigned long long>(v));
    return buf;
}
inline std::string channel_text(const p2p::channel_attr& c) {
    return cat({printable(std::string_view(c.country, 2)), " class ", num(c.op_class), " channel ",
                num(c.channel)});
}

class dissector {
  public:
    dissector(dissection& d, bool cut) : d_(d), cut_(cut) {}

    void fail(const error& e, std::string_view layer) {
        if (!d_.fault) {
            d_.fault = e;
            d_.fault_layer = layer;
        }
    }
    void field(std::string_view k, std::string v) { d_.fields.emplace_back(k, std::move(v)); }

    void frame(bytes_view f) {
        auto h = header_view::parse(f);
        if (!h) return fail(h.err(), "header");
        const frame_control fc = h->fc();
        d_.fc = fc;
        field("type_subtype", hex(fc.type_subtype(), 4));
        field("name", std::string(subtype_name(fc)));
        field("flags", hex(fc.raw >> 8, 2));
        field("ra", h->addr1().to_string());
        if (h->address_count() >= 2) field("ta", h->addr2().to_string());
        if (h->address_count() >= 3) {
            field("da", h->destination().to_string());
            field("sa", h->source().to_string());
            if (!fc.is_four_address()) field("bssid", h->bssid().to_string());
            field("seq", std::to_string(h->seq().sequence()));
            field("frag", std::to_string(h->seq().fragment()));
        }
        if (h->has_qos()) field("tid", std::to_string(h->qos().tid()));
        if (fc.is_mgmt())
            management(fc, h->body());
        else if (fc.is_data())
            data(*h);
    }

    void management(frame_control fc, bytes_view body) {
        if (fc.has(frame_control::protected_frame)) return field("body", "protected");
        if (fc.subtype() == mgmt_subtype::action || fc.subtype() == mgmt_subtype::action_no_ack)
            return action(body);
        auto m = parse_mgmt_body(fc, body);
        if (!m && cut_ && (m.err().code == errc::overrun || m.err().code == errc::truncated)) {
            // Cut by the capture: decode the elements kept in full, and check the fields of the
            // cut element against the length it announced.
            const std::size_t at = std::min<std::size_t>(m.err().offset, body.size());
            const bytes_view rest = body.subspan(at);
            if (rest.size() >= 10 && rest[0] == eid::rsn &&
                8u + 4u * load_le16(rest.data() + 8) > rest[1])
                fail(make_error(errc::bad_length, "RSN pairwise suite count exceeds the element"),
                     "RSN element");
            m = parse_mgmt_body(fc, body.first(at));
        }
        if (!m) return fail(m.err(), "management body");
        switch (fc.subtype()) {
            case mgmt_subtype::beacon:
            case mgmt_subtype::probe_resp:
                field("beacon_interval", std::to_string(m->beacon_interval));
                field("capabilities", hex(m->capabilities, 4));
                break;
            case mgmt_subtype::assoc_resp:
            case mgmt_subtype::reassoc_resp:
                field("status", std::to_string(m->status));
                field("aid", std::to_string(m->aid & 0x3fff));
                break;
            case mgmt_subtype::auth:
                field("auth_algorithm", std::to_string(m->auth_algorithm));
                field("auth_seq", std::to_string(m->auth_sequence));
                field("status", std::to_string(m->status));
                break;
            case mgmt_subtype::deauth:
            case mgmt_subtype::disassoc:
                field("reason", std::to_string(m->reason));
                break;
            default:
                break;
        }
        elements(m->elements, body, "management body");
    }

    void action(bytes_view body) {
        auto a = action_body::parse(body);
        if (!a) return fail(a.err(), "action");
        field("category", std::to_string(a->category));
        field("action", std::to_string(a->code));
        const bool p2p_public = a->category == category::public_action &&
                                a->code == public_code::vendor_specific && a->rest.size() >= 4 &&
                                load_be32(a->rest.data()) == vendor::p2p;
        const bool p2p_action = a->category == category::vendor && body.size() >= 5 &&
                                load_be32(body.data() + 1) == vendor::p2p;
        if (p2p_public || p2p_action) {
            auto v = vendor_action::parse(body);
            if (!v) return fail(v.err(), "P2P action");
            field(p2p_public ? "p2p_public_action" : "p2p_action", std::to_string(v->subtype));
            if (p2p_public) field("p2p_frame", std::string(p2p::public_action_name(v->subtype)));
            field("dialog_token", std::to_string(v->dialog_token));
            return elements(v->elements, body, "P2P action");
        }
        if (a->category == category::public_action && a->code >= public_code::gas_initial_req &&
            a->code <= public_code::gas_comeback_resp) {
            auto g = gas_frame::parse(body);
            if (!g) return fail(g.err(), "GAS");
            field("gas_dialog_token", std::to_string(g->dialog_token));
            field("gas_query_length", std::to_string(g->query.size()));
        }
    }

    /// The elements of `body` (`els`), their faults reported in `layer` at offsets in `body`.
    void elements(const element_range& els, bytes_view body, std::string_view layer) {
        if (const auto at = els.nonstandard_at())
            return fail(
                error{errc::bad_length, std::uint32_t(els.bytes().data() - body.data() + *at),
                      "element length invalid for its ID"},
                layer);
        for (element e : els) {
            dissected_item it{"element", e.id, element_name(e.id), e.data.size(), {}};
            switch (e.id) {
                case eid::ssid:
                    it.value = printable(ssid_of(e));
                    break;
                case eid::ds_params:
                    if (auto c = ds_channel_of(e)) it.value = std::to_string(*c);
                    break;
                case eid::supported_rates:
                case eid::extended_rates:
                    for (auto o : e.data) {
                        const rate_octet r{o};
                        if (!it.value.empty()) it.value += ' ';
                        it.value += std::to_string(r.kbps() / 1000);
                        if (r.kbps() % 1000) it.value += ".5";
                        if (r.basic()) it.value += '*';
                    }
                    break;
                case eid::extension:
                    it.value = cat({"ext ", num(e.ext_id)});
                    break;
                case eid::vendor_specific:
                    if (auto v = vendor_element::parse(e)) {
                        it.value = cat({"oui ", hex(v->oui, 6)});
                        if (e.is_vendor(vendor::p2p)) it.value += " (P2P)";
                        if (e.is_vendor(vendor::wps)) it.value += " (WPS)";
                    }
                    break;
                case eid::rsn:
                    if (auto r = rsn::parse(e); !r) return fail(r.err(), "RSN element");
                    break;
                default:
                    break;
            }
            d_.items.push_back(std::move(it));
        }
        p2p_attributes(els);
        wps_attributes(els);
    }

    void p2p_attributes(const element_range& els) {
        const vendor_stream s(els, vendor::p2p);
        if (!s.present()) return;
        auto attrs = p2p::attribute_range::parse(s.bytes());
        if (!attrs) return fail(attrs.err(), "P2P IE");
        for (attribute a : *attrs) {
            dissected_item it{"p2p", a.id, p2p::attribute_name(a.id), a.data.size(), {}};
            auto bad = [&](const error& e) { fail(e, "P2P attribute"); };
            switch (a.id) {
                case p2p::attr::status:
                case p2p::attr::minor_reason:
                case p2p::attr::invitation_flags:
                case p2p::attr::manageability:
                    if (auto v = p2p::octet_of(a.data))
                        it.value = std::to_string(*v);
                    else
                        bad(v.err());
                    break;
                case p2p::attr::capability:
                    if (auto c = p2p::capability::parse(a.data))
                        it.value = cat({"device ", hex(c->device, 2), " group ", hex(c->group, 2)});
                    else
                        bad(c.err());
                    break;
                case p2p::attr::device_id:
                case p2p::attr::group_bssid:
                case p2p::attr::intended_interface_addr:
                    if (auto m = p2p::address_of(a.data))
                        it.value = m->to_string();
                    else
                        bad(m.err());
                    break;
                case p2p::attr::go_intent:
                    if (auto g = p2p::go_intent::parse(a.data))
                        it.value =
                            cat({num(g->intent), " tie-breaker ", g->tie_breaker ? "1" : "0"});
                    else
                        bad(g.err());
                    break;
                case p2p::attr::listen_channel:
                case p2p::attr::operating_channel:
                    if (a.data.empty()) break;
                    if (auto c = p2p::channel_attr::parse(a.data))
                        it.value = channel_text(*c);
                    else
                        bad(c.err());
                    break;
                case p2p::attr::channel_list:
                    if (auto l = p2p::channel_list::parse(a.data)) {
                        l->for_each([&](std::uint8_t oc, bytes_view chans) {
                            if (!it.value.empty()) it.value += "; ";
                            it.value += cat({"class ", num(oc), ":"});
                            for (auto c : chans) it.value += cat({" ", num(c)});
                        });
                    } else {
                        bad(l.err());
                    }
                    break;
                case p2p::attr::device_info:
                    if (auto d = p2p::device_info::parse(a.data))
                        it.value = cat({d->address.to_string(), " \"", printable(d->name),
                                        "\" config ", hex(d->config_methods, 4)});
                    else
                        bad(d.err());
                    break;
                case p2p::attr::group_id:
                case p2p::attr::persistent_group_info:
                    if (auto g = p2p::group_id::parse(a.data))
                        it.value =
                            cat({g->go_address.to_string(), " \"", printable(g->ssid), "\""});
                    else
                        bad(g.err());
                    break;
                case p2p::attr::noa:
                    if (auto n = p2p::notice_of_absence::parse(a.data))
                        it.value =
                            cat({"index ", num(n->index), ", ", num(n->count), " descriptor(s)"});
                    else
                        bad(n.err());
                    break;
                case p2p::attr::group_info: {
                    std::size_t clients = 0;
                    if (auto n = p2p::for_each_client(a.data,
                                                      [&](const p2p::client_info&) { ++clients; }))
                        it.value = cat({num(*n), " client(s)"});
                    else
                        bad(n.err());
                    break;
                }
                default:
                    break;
            }
            d_.items.push_back(std::move(it));
        }
    }

    void wps_attributes(const element_range& els) {
        const vendor_stream s(els, vendor::wps);
        if (!s.present()) return;
        auto attrs = wps::attribute_range::parse(s.bytes());
        if (!attrs) return fail(attrs.err(), "WPS IE");
        for (attribute a : *attrs) {
            dissected_item it{"wps", a.id, wps::attribute_name(a.id), a.data.size(), {}};
            switch (a.id) {
                case wps::attr::device_name:
                case wps::attr::manufacturer:
                case wps::attr::model_name:
                case wps::attr::model_number:
                case wps::attr::serial_number:
                    it.value = printable(wps::text_of(a.data));
                    break;
                case wps::attr::config_methods:
                case wps::attr::device_password_id:
                case wps::attr::selected_registrar_config_methods:
                    if (auto v = wps::u16_of(a.data)) it.value = hex(*v, 4);
                    break;
                case wps::attr::primary_device_type:
                    if (a.data.size() == 8) {
                        const auto t = wps::device_type::from(a.data.data());
                        it.value = cat({num(t.category), "-", hex(t.oui, 8).substr(2), "-",
                                        num(t.subcategory)});
                    }
                    break;
                default:
                    break;
            }
            d_.items.push_back(std::move(it));
        }
    }

    void data(const header_view& h) {
        const frame_control fc = h.fc();
        if (fc.has(frame_control::protected_frame)) return field("body", "protected");
        if (fc.subtype() & 0x4) return;  // no data
        if (h.seq().fragment() != 0) return field("body", "fragment");
        const bytes_view body = h.body();
        if (h.has_qos() && h.qos().is_amsdu()) {
            auto r = amsdu_range::parse(body);
            if (!r) return fail(r.err(), "A-MSDU");
            std::size_t n = 0;
            for (auto sf : *r) {
                ++n;
                if (auto s = snap::parse(sf.msdu)) field("amsdu_ethertype", hex(s->ethertype, 4));
            }
            return field("amsdu_subframes", std::to_string(n));
        }
        if (body.size() >= 3 && body[0] == 0xaa && body[1] == 0xaa && body[2] == 0x03) {
            auto s = snap::parse(body);
            if (!s) return;
            field("ethertype", hex(s->ethertype, 4));
            if (s->ethertype == ethertype::eapol && !fc.has(frame_control::more_frag)) {
                if (auto e = eapol::parse(s->payload))
                    field("eapol_type", std::to_string(e->type));
                else
                    fail(e.err(), "EAPOL");
            }
        }
    }

  private:
    dissection& d_;
    bool cut_;
};

}  // namespace detail

/// @brief Decodes one captured packet of a pcap linktype (105 or 127).
/// @param fcs_105 whether linktype-105 frames end in an FCS (pcap cannot say so itself)
/// @param original_length the frame's length on the air when the capture kept less of it;
///        a fault past the cut is then reported as short_capture, not as malformed
inline dissection dissect(bytes_view packet, std::uint16_t linktype, bool fcs_105 = false,
                          std::size_t original_length = 0) {
    dissection d;
    d.short_capture = original_length > packet.size();
    detail::dissector x(d, d.short_capture);
    bytes_view frame = packet;
    bool has_fcs = fcs_105;
    if (linktype == pcap::linktype::ieee802_11_radiotap) {
        auto rt = radiotap::parse(packet);
        if (!rt) {
            x.fail(rt.err(), "radiotap");
            return d;
        }
        d.radiotap = *rt;
        frame = packet.subspan(rt->length);
        has_fcs = rt->fcs_at_end();
    } else if (linktype != pcap::linktype::ieee802_11) {
        x.fail(make_error(errc::unsupported, "linktype is neither 105 nor 127"), "pcap");
        return d;
    }
    if (has_fcs && !d.short_capture) {
        if (frame.size() < 4) {
            x.fail(make_error(errc::truncated, "frame shorter than its FCS"), "FCS");
            return d;
        }
        d.fcs_ok = verify_fcs(frame);
        frame = frame.first(frame.size() - 4);
    }
    x.frame(frame);
    if (d.short_capture && d.fault &&
        (d.fault->code == errc::truncated || d.fault->code == errc::overrun))
        d.fault.reset();  // the frame ends where the capture stopped, not where the sender stopped
    if (d.fcs_ok == false) {
        d.fault.reset();  // a bad FCS explains any other fault
        x.fail(make_error(errc::bad_fcs, "frame check sequence mismatch"), "FCS");
    }
    return d;
}

/// @brief One line of readable text per frame, then one indented line per element/attribute.
inline std::string to_text(const dissection& d, std::size_t number) {
    using detail::cat, detail::num;
    std::string s = cat({"#", num(number)});
    for (const auto& [k, v] : d.fields) s += cat({" ", k, "=", v});
    if (d.fcs_ok) s += *d.fcs_ok ? " fcs=good" : " fcs=bad";
    if (d.short_capture) s += " short-capture";
    if (d.fault) {
        s += cat(
            {" MALFORMED(", d.fault_layer, ": ", d.fault->what, " at ", num(d.fault->offset), ")"});
    }
    s += '\n';
    for (const auto& it : d.items) {
        s += cat({it.kind == "element" ? "    " : "      ", it.kind, " ", num(it.id), " ", it.name,
                  " len=", num(it.length)});
        if (!it.value.empty()) s += cat({": ", it.value});
        s += '\n';
    }
    return s;
}

/// @brief One JSON object per frame (a JSON-lines record, no trailing newline), in UTF-8: names
/// and SSIDs carry their octets, not the \xNN escapes of to_text.
inline std::string to_json(const dissection& d, std::size_t number) {
    using detail::cat, detail::num;
    const auto q = detail::json_string;
    std::string s = cat({"{\"frame\":", num(number)});
    for (const auto& [k, v] : d.fields) s += cat({",", q(k), ":", q(v)});
    if (d.fcs_ok) s += std::string(",\"fcs\":") + (*d.fcs_ok ? "\"good\"" : "\"bad\"");
    if (d.short_capture) s += ",\"short_capture\":true";
    s += ",\"items\":[";
    for (std::size_t i = 0; i < d.items.size(); ++i) {
        const auto& it = d.items[i];
        if (i) s += ',';
        s += cat({"{\"kind\":", q(it.kind), ",\"id\":", num(it.id), ",\"name\":", q(it.name),
                  ",\"length\":", num(it.length)});
        if (!it.value.empty()) s += cat({",\"value\":", q(it.value)});
        s += '}';
    }
    s += "]";
    if (d.fault)
        s += cat({",\"malformed\":{\"layer\":", q(d.fault_layer), ",\"reason\":", q(d.fault->what),
                  ",\"offset\":", num(d.fault->offset), "}"});
    return s += "}";
}

}  // namespace softmac::ieee80211
