// SPDX-License-Identifier: MIT
/// @file Defines mac::key_control: keys and the 802.1X controlled port (mac80211's cfg.c, key.c).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include <softmac/core/bytes.hpp>
#include <softmac/core/frame_buffer.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/driver/types.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/elements.hpp>
#include <softmac/mac/events.hpp>
#include <softmac/mac/interface_record.hpp>
#include <softmac/mac/keys.hpp>
#include <softmac/mac/pipeline.hpp>
#include <softmac/mac/station.hpp>

namespace softmac::mac {

/// @brief Keys and the controlled port (ieee80211_add_key, ieee80211_del_key,
/// ieee80211_set_default_key, ieee80211_get_key, the authorized flag of sta_apply_parameters,
/// ieee80211_tx_control_port): a pairwise key lives in its station's entry, a group key in its
/// interface's slot of the data path; the driver gets a key when it offloads CCMP, the software
/// cipher otherwise. EAPOL goes up as CONTROL_PORT_FRAME and comes down through the data path
/// before the port is authorized.
///
/// `Context` gives: `records()`, `emit(event)`, the type `path_type` and `data()` (stations, key
/// slots, transmit), `radio()` (set_key) and `pool()` (buffers for control-port frames).
template <class Context>
class key_control {
    using path_type = typename Context::path_type;
    using key_type = typename path_type::key_type;
    using station_type = typename path_type::station_type;

  public:
    explicit key_control(Context ctx) noexcept : ctx_(ctx) {}
    key_control(const key_control&) = delete;
    key_control& operator=(const key_control&) = delete;

    /// @brief NEW_KEY: a pairwise key (with a peer) or group key `id` of interface `vif`.
    /// Installing the key that is already in place keeps its PNs.
    result<void> new_key(std::uint8_t vif, const key_params& p) {
        const auto* r = ctx_.records().find(vif);
        if (!r) return make_error(errc::not_found, "no such interface");
        if (p.cipher != ieee80211::suite::ccmp)
            return make_error(errc::not_supported, "only CCMP keys");
        if (p.key.size() != 16) return make_error(errc::bad_length, "a CCMP key has 16 octets");
        if (p.id >= group_keys || (p.peer && p.id != 0))
            return make_error(errc::bad_value, "bad key index");
        key_type* slot = nullptr;
        station_type* sta = nullptr;
        if (p.peer) {
            sta = station_of(vif, *p.peer);
            if (!sta) return make_error(errc::not_found, "no such station");
            slot = &sta->ptk;
        } else {
            slot = &ctx_.data().group_key_slot(vif, p.id);
        }
        if (slot->same_as(p)) return {};
        key_type k;
        k.assign(p);
        if constexpr (path_type::caps.hw_crypto) {
            driver::key_conf kc{p.cipher, p.id, p.peer.has_value(), p.peer.value_or(mac_address{}),
                                p.key};
            if (slot->valid) disable_in_driver(*r, *slot, p.peer);
            if (auto e = ctx_.radio().set_key(driver::key_command::set, r->data->vif, kc); !e) {
                // What the index held is out of the hardware (mac80211's
                // ieee80211_key_disable_hw_accel forgets a key even when the driver fails to
                // remove it) and the new key did not enter it. mac80211 keeps the old key for
                // its software cipher; an offloading build has none, so the index holds no key.
                // The index stays the default, as mac80211's old key does (ieee80211_key_replace
                // fails before it moves the default): a key put there later is the default.
                forget(*slot, sta);
                return e;
            }
            k.hw_index = kc.hw_index;
        } else if (!k.cipher.set(p.key)) {
            return make_error(errc::not_supported, "no cipher for this key (mac::crypto<C>)");
        }
        if (slot->valid && slot->id == k.id) k.tx_pn = slot->tx_pn;  // never reuse a PN
        *slot = std::move(k);
        if (sta) ctx_.data().pairwise_key_changed(*sta);
        return {};
    }
    /// @brief DEL_KEY.
    result<void> del_key(std::uint8_t vif, std::uint8_t id, std::optional<mac_address> peer) {
        const auto* r = ctx_.records().find(vif);
        if (!r) return make_error(errc::not_found, "no such interface");
        station_type* sta = peer ? station_of(vif, *peer) : nullptr;
        key_type* slot = peer ? (sta ? &sta->ptk : nullptr) : ctx_.data().group_key(vif, id);
        if (!slot || !slot->valid) return make_error(errc::not_found, "no such key");
        disable_in_driver(*r, *slot, peer);
        forget(*slot, sta);
        if (!peer) ctx_.data().group_key_removed(vif, id);
        return {};
    }
    /// @brief SET_KEY default: group key `id` protects the interface's group-addressed frames.
    result<void> set_default_key(std::uint8_t vif, std::uint8_t id) {
        if (!ctx_.records().find(vif)) return make_error(errc::not_found, "no such interface");
        if (!ctx_.data().group_key(vif, id)) return make_error(errc::not_found, "no such key");
        ctx_.data().set_default_group_key(vif, static_cast<std::int8_t>(id));
        return {};
    }
    /// @brief The last PN sent under a group key (its RSC), PN0 first: GET_KEY's NL80211_KEY_SEQ.
    result<std::array<std::uint8_t, 6>> key_seq(std::uint8_t vif, std::uint8_t id) {
        if (!ctx_.records().find(vif)) return make_error(errc::not_found, "no such interface");
        const auto* k = ctx_.data().group_key(vif, id);
        if (!k) return make_error(errc::not_found, "no such key");
        std::array<std::uint8_t, 6> seq{};
        for (std::size_t i = 0; i < seq.size(); ++i)
            seq[i] = static_cast<std::uint8_t>(k->tx_pn >> (8 * i));
        return seq;
    }

    /// @brief SET_STATION's authorized flag: opens (or closes) the 802.1X port of a station; on a
    /// station interface the peer is the AP.
    result<void> set_authorized(std::uint8_t vif, const mac_address& peer, bool on) {
        auto* sta = station_of(vif, peer);
        if (!sta) return make_error(errc::not_found, "no such station");
        if (on)
            sta->flags |= sta_flag::authorized;
        else
            sta->flags &= ~sta_flag::authorized;
        return {};
    }
    /// @brief CONTROL_PORT_FRAME: an EAPOL frame to `to`, sent through the data path before the
    /// port is authorized, at the priority 802.1X frames take (7).
    result<void> tx_control_port(std::uint8_t vif, const mac_address& to, std::uint16_t ethertype,
                                 bytes_view payload) {
        const auto* r = ctx_.records().find(vif);
        if (!r) return make_error(errc::not_found, "no such interface");
        if (ethertype != ieee80211::ethertype::eapol)
            return make_error(errc::not_supported, "control port carries EAPOL");
        auto& data = ctx_.data();
        auto b = ctx_.pool().allocate(data.headroom() + 32);
        if (!b) return b.err();
        auto room = b->put(14 + payload.size());
        if (!room) return room.err();
        std::uint8_t* p = room->data();
        std::memcpy(p, to.octets.data(), 6);
        std::memcpy(p + 6, r->data->vif.addr.octets.data(), 6);
        store_be16(p + 12, ethertype);
        if (!payload.empty()) std::memcpy(p + 14, payload.data(), payload.size());
        if (data.transmit(ctx_.radio(), vif, std::move(*b), 7) == verdict::drop)
            return make_error(errc::invalid_state, "control port frame dropped");
        return {};
    }
    /// @brief A received control-port (EAPOL) 802.3 frame goes up to the port's owner.
    void rx(std::uint8_t vif, const frame_buffer& b) {
        const bytes_view v = b.view();
        ctx_.emit(event::control_port_frame{vif, mac_address::from(v.data() + 6),
                                            load_be16(v.data() + 12),
                                            byte_vector(v.begin() + 14, v.end())});
    }

  private:
    station_type* station_of(std::uint8_t vif, const mac_address& peer) noexcept {
        auto* sta = ctx_.data().stations().find(peer);
        return sta && sta->vif_index == vif ? sta : nullptr;
    }
    /// The slot holds no key; a station's receive and transmit paths learn it.
    void forget(key_type& slot, station_type* sta) noexcept {
        slot = key_type{};
        if (sta) ctx_.data().pairwise_key_changed(*sta);
    }
    /// Takes a key the driver holds out of it (ieee80211_key_disable_hw_accel).
    void disable_in_driver(const interface_record& r, const key_type& k,
                           const std::optional<mac_address>& peer) {
        if (k.hw_index < 0) return;
        driver::key_conf kc{k.suite, k.id, peer.has_value(), peer.value_or(mac_address{}), {}};
        kc.hw_index = k.hw_index;
        (void)ctx_.radio().set_key(driver::key_command::disable, r.data->vif, kc);
    }

    Context ctx_;
};

}  // namespace softmac::mac
