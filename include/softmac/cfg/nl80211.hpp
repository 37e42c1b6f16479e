// SPDX-License-Identifier: MIT
/// @file Defines nl80211's command flags, attribute policy and per-command requirements, numbered
/// as <linux/nl80211.h> numbers them.
#pragma once

#include <linux/nl80211.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include <softmac/cfg/netlink.hpp>
#include <softmac/ieee80211/status_codes.hpp>

namespace softmac::cfg::nl80211 {

/// @brief Command flags (genetlink permission + nl80211 pre_doit requirements).
namespace flag {
inline constexpr std::uint32_t admin = 1u << 0, need_wiphy = 1u << 1, need_netdev = 1u << 2,
                               need_wdev = 1u << 3, need_up = 1u << 4, clear_request = 1u << 5,
                               dump = 1u << 6;
}

/// @brief The policy of the attributes softmac reads (types and lengths as nl80211 declares them).
inline constexpr auto attr_policy = [] {
    using netlink::kind, netlink::policy;
    constexpr auto body = static_cast<std::uint16_t>(ieee80211::max_frame_body);
    std::array<policy, NL80211_ATTR_MAX + 1> p{};
    p[NL80211_ATTR_WIPHY] = {kind::u32};
    p[NL80211_ATTR_WIPHY_NAME] = {kind::string, 64};
    p[NL80211_ATTR_IFINDEX] = {kind::u32};
    p[NL80211_ATTR_IFNAME] = {kind::string, 15};
    p[NL80211_ATTR_IFTYPE] = {kind::u32};
    p[NL80211_ATTR_MAC] = {kind::mac};
    p[NL80211_ATTR_KEY_DATA] = {kind::binary, 32};
    p[NL80211_ATTR_KEY_IDX] = {kind::u8};
    p[NL80211_ATTR_KEY_CIPHER] = {kind::u32};
    p[NL80211_ATTR_KEY_SEQ] = {kind::binary, 16};
    p[NL80211_ATTR_KEY_DEFAULT] = {kind::flag};
    p[NL80211_ATTR_BEACON_INTERVAL] = {kind::u32};
    p[NL80211_ATTR_DTIM_PERIOD] = {kind::u32};
    p[NL80211_ATTR_BEACON_HEAD] = {kind::binary, body};
    p[NL80211_ATTR_BEACON_TAIL] = {kind::binary, body};
    p[NL80211_ATTR_STA_AID] = {kind::u16};
    p[NL80211_ATTR_STA_LISTEN_INTERVAL] = {kind::u16};
    p[NL80211_ATTR_STA_SUPPORTED_RATES] = {kind::binary, 32, 1};
    p[NL80211_ATTR_WIPHY_FREQ] = {kind::u32};
    p[NL80211_ATTR_IE] = {kind::binary, body};
    p[NL80211_ATTR_SCAN_FREQUENCIES] = {kind::nested};
    p[NL80211_ATTR_SCAN_SSIDS] = {kind::nested};
    p[NL80211_ATTR_FRAME] = {kind::binary, body, 10};
    p[NL80211_ATTR_SSID] = {kind::binary, 32, 1};
    p[NL80211_ATTR_AUTH_TYPE] = {kind::u32};
    p[NL80211_ATTR_REASON_CODE] = {kind::u16};
    p[NL80211_ATTR_KEY_TYPE] = {kind::u32};
    p[NL80211_ATTR_STATUS_CODE] = {kind::u16};
    p[NL80211_ATTR_KEY] = {kind::nested};
    p[NL80211_ATTR_DURATION] = {kind::u32};
    p[NL80211_ATTR_COOKIE] = {kind::u64};
    p[NL80211_ATTR_FRAME_MATCH] = {kind::binary, body};
    p[NL80211_ATTR_ACK] = {kind::flag};
    p[NL80211_ATTR_FRAME_TYPE] = {kind::u16};
    p[NL80211_ATTR_OFFCHANNEL_TX_OK] = {kind::flag};
    p[NL80211_ATTR_CH_SWITCH_COUNT] = {kind::u32};
    p[NL80211_ATTR_CH_SWITCH_BLOCK_TX] = {kind::flag};
    p[NL80211_ATTR_HIDDEN_SSID] = {kind::u32};
    p[NL80211_ATTR_IE_PROBE_RESP] = {kind::binary, body};
    p[NL80211_ATTR_IE_ASSOC_RESP] = {kind::binary, body};
    p[NL80211_ATTR_TX_NO_CCK_RATE] = {kind::flag};
    p[NL80211_ATTR_DONT_WAIT_FOR_ACK] = {kind::flag};
    p[NL80211_ATTR_WDEV] = {kind::u64};
    p[NL80211_ATTR_PRIVACY] = {kind::flag};
    p[NL80211_ATTR_4ADDR] = {kind::u8};
    p[NL80211_ATTR_RECEIVE_MULTICAST] = {kind::flag};
    p[NL80211_ATTR_LOCAL_STATE_CHANGE] = {kind::flag};
    p[NL80211_ATTR_MEASUREMENT_DURATION] = {kind::u16};
    p[NL80211_ATTR_MAX_AP_ASSOC_STA] = {kind::u32};
    p[NL80211_ATTR_TIMED_OUT] = {kind::flag};
    p[NL80211_ATTR_RX_SIGNAL_DBM] = {kind::u32};
    p[NL80211_ATTR_DISCONNECTED_BY_AP] = {kind::flag};
    p[NL80211_ATTR_REQ_IE] = {kind::binary, body};
    p[NL80211_ATTR_RESP_IE] = {kind::binary, body};
    p[NL80211_ATTR_MAX_NUM_SCAN_SSIDS] = {kind::u8};
    p[NL80211_ATTR_MAX_SCAN_IE_LEN] = {kind::u16};
    p[NL80211_ATTR_MAX_REMAIN_ON_CHANNEL_DURATION] = {kind::u32};
    p[NL80211_ATTR_SUPPORTED_IFTYPES] = {kind::nested};
    p[NL80211_ATTR_WIPHY_BANDS] = {kind::nested};
    p[NL80211_ATTR_MAC_ADDRS] = {kind::nested};
    p[NL80211_ATTR_STA_INFO] = {kind::nested};
    p[NL80211_ATTR_BSS] = {kind::nested};
    p[NL80211_ATTR_GENERATION] = {kind::u32};
    p[NL80211_ATTR_STA_FLAGS2] = {kind::binary, 8, 8};
    p[NL80211_ATTR_CONTROL_PORT] = {kind::flag};
    p[NL80211_ATTR_CONTROL_PORT_ETHERTYPE] = {kind::u16};
    p[NL80211_ATTR_CONTROL_PORT_NO_ENCRYPT] = {kind::flag};
    p[NL80211_ATTR_CONTROL_PORT_OVER_NL80211] = {kind::flag};
    p[NL80211_ATTR_WPA_VERSIONS] = {kind::u32};
    p[NL80211_ATTR_CIPHER_SUITE_GROUP] = {kind::u32};
    p[NL80211_ATTR_CIPHER_SUITES_PAIRWISE] = {kind::binary, 4 * 5};
    p[NL80211_ATTR_AKM_SUITES] = {kind::binary, 4 * 10};
    return p;
}();

/// @brief One command: its number, its flags, the attributes it requires.
struct command_spec {
    std::uint8_t cmd;
    std::uint32_t flags;
    std::array<std::uint16_t, 4> required{};
    std::uint8_t n_required = 0;

    std::span<const std::uint16_t> required_attrs() const noexcept {
        return {required.data(), n_required};
    }
};

/// @brief The commands softmac's config layer serves (numbers from <linux/nl80211.h>).
inline constexpr std::array<command_spec, 35> commands{{
    {NL80211_CMD_GET_WIPHY, flag::need_wiphy | flag::dump, {}, 0},
    {NL80211_CMD_GET_INTERFACE, flag::need_wdev | flag::dump, {}, 0},
    {NL80211_CMD_SET_INTERFACE, flag::admin | flag::need_netdev, {NL80211_ATTR_IFTYPE}, 1},
    {NL80211_CMD_NEW_INTERFACE, flag::admin | flag::need_wiphy, {NL80211_ATTR_IFNAME}, 1},
    {NL80211_CMD_DEL_INTERFACE, flag::admin | flag::need_wdev, {}, 0},
    {NL80211_CMD_START_P2P_DEVICE, flag::admin | flag::need_wdev, {}, 0},
    {NL80211_CMD_STOP_P2P_DEVICE, flag::admin | flag::need_wdev | flag::need_up, {}, 0},
    {NL80211_CMD_TRIGGER_SCAN, flag::admin | flag::need_wdev | flag::need_up, {}, 0},
    {NL80211_CMD_ABORT_SCAN, flag::admin | flag::need_wdev | flag::need_up, {}, 0},
    {NL80211_CMD_GET_SCAN, flag::need_wdev | flag::dump, {}, 0},
    {NL80211_CMD_AUTHENTICATE,
     flag::admin | flag::need_netdev | flag::need_up | flag::clear_request,
     {NL80211_ATTR_MAC, NL80211_ATTR_SSID, NL80211_ATTR_WIPHY_FREQ, NL80211_ATTR_AUTH_TYPE},
     4},
    {NL80211_CMD_ASSOCIATE,
     flag::admin | flag::need_netdev | flag::need_up | flag::clear_request,
     {NL80211_ATTR_MAC, NL80211_ATTR_SSID, NL80211_ATTR_WIPHY_FREQ},
     3},
    {NL80211_CMD_CONNECT,
     flag::admin | flag::need_netdev | flag::need_up | flag::clear_request,
     {NL80211_ATTR_SSID},
     1},
    {NL80211_CMD_DISCONNECT, flag::admin | flag::need_netdev | flag::need_up, {}, 0},
    {NL80211_CMD_DEAUTHENTICATE,
     flag::admin | flag::need_netdev | flag::need_up,
     {NL80211_ATTR_MAC, NL80211_ATTR_REASON_CODE},
     2},
    {NL80211_CMD_DISASSOCIATE,
     flag::admin | flag::need_netdev | flag::need_up,
     {NL80211_ATTR_MAC, NL80211_ATTR_REASON_CODE},
     2},
    {NL80211_CMD_START_AP,
     flag::admin | flag::need_netdev | flag::need_up,
     {NL80211_ATTR_BEACON_INTERVAL, NL80211_ATTR_DTIM_PERIOD, NL80211_ATTR_BEACON_HEAD,
      NL80211_ATTR_SSID},
     4},
    {NL80211_CMD_STOP_AP, flag::admin | flag::need_netdev | flag::need_up, {}, 0},
    {NL80211_CMD_SET_BEACON, flag::admin | flag::need_netdev | flag::need_up, {}, 0},
    {NL80211_CMD_CHANNEL_SWITCH,
     flag::admin | flag::need_netdev | flag::need_up,
     {NL80211_ATTR_WIPHY_FREQ, NL80211_ATTR_CH_SWITCH_COUNT},
     2},
    {NL80211_CMD_NEW_STATION,
     flag::admin | flag::need_netdev | flag::need_up,
     {NL80211_ATTR_MAC},
     1},
    {NL80211_CMD_DEL_STATION, flag::admin | flag::need_netdev | flag::need_up, {}, 0},
    {NL80211_CMD_GET_STATION, flag::need_netdev | flag::dump, {}, 0},
    {NL80211_CMD_REMAIN_ON_CHANNEL,
     flag::admin | flag::need_wdev | flag::need_up,
     {NL80211_ATTR_WIPHY_FREQ, NL80211_ATTR_DURATION},
     2},
    {NL80211_CMD_CANCEL_REMAIN_ON_CHANNEL,
     flag::admin | flag::need_wdev | flag::need_up,
     {NL80211_ATTR_COOKIE},
     1},
    {NL80211_CMD_REGISTER_FRAME, flag::admin | flag::need_wdev, {NL80211_ATTR_FRAME_MATCH}, 1},
    {NL80211_CMD_FRAME, flag::admin | flag::need_wdev | flag::need_up, {NL80211_ATTR_FRAME}, 1},
    {NL80211_CMD_FRAME_WAIT_CANCEL,
     flag::admin | flag::need_wdev | flag::need_up,
     {NL80211_ATTR_COOKIE},
     1},
    {NL80211_CMD_SET_CHANNEL, flag::admin | flag::need_netdev, {NL80211_ATTR_WIPHY_FREQ}, 1},
    {NL80211_CMD_NEW_KEY,
     flag::admin | flag::need_netdev | flag::need_up | flag::clear_request,
     {},
     0},
    {NL80211_CMD_DEL_KEY, flag::admin | flag::need_netdev | flag::need_up, {}, 0},
    {NL80211_CMD_SET_KEY,
     flag::admin | flag::need_netdev | flag::need_up | flag::clear_request,
     {},
     0},
    {NL80211_CMD_SET_STATION, flag::admin | flag::need_netdev, {NL80211_ATTR_MAC}, 1},
    {NL80211_CMD_GET_KEY, flag::admin | flag::need_netdev | flag::need_up, {}, 0},
    {NL80211_CMD_CONTROL_PORT_FRAME,
     flag::admin | flag::need_netdev | flag::need_up,
     {NL80211_ATTR_FRAME, NL80211_ATTR_MAC, NL80211_ATTR_CONTROL_PORT_ETHERTYPE},
     3},
}};

/// @brief The spec of a command number, if softmac serves it.
constexpr std::optional<command_spec> find_command(std::uint8_t cmd) noexcept {
    for (const auto& c : commands)
        if (c.cmd == cmd) return c;
    return std::nullopt;
}

/// @brief Decodes and validates a request: known command, well-formed attributes, the
/// command's required attributes. The violation names the attribute.
struct decoded {
    netlink::message msg;
    command_spec spec;
};
inline result<decoded> decode_request(bytes_view wire,
                                      std::optional<netlink::violation>* why = nullptr) noexcept {
    auto m = netlink::message::parse(wire);
    if (!m) return m.err();
    const auto spec = find_command(m->cmd);
    if (!spec) return make_error(errc::not_supported, "nl80211 command not served");
    if (auto v = netlink::validate(m->attrs, attr_policy, spec->required_attrs())) {
        if (why) *why = v;
        return make_error(errc::bad_value, v->why, v->attr);
    }
    return decoded{*m, *spec};
}

}  // namespace softmac::cfg::nl80211
