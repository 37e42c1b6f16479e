// SPDX-License-Identifier: MIT
/// @file Test worlds: radios of one driver configuration on a simulated medium, with a recording
/// sink.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include <softmac/driver/any_driver.hpp>
#include <softmac/drivers/loopback.hpp>
#include <softmac/drivers/rt73/simulated.hpp>
#include <softmac/ieee80211/data.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/mac/radio.hpp>

namespace softmac::test {

/// @brief Records every upcall with the virtual time it arrived at.
struct recording_sink {
    struct rx_event {
        std::vector<std::uint8_t> bytes;
        driver::rx_status status;
    };
    struct roc_event {
        bool ready;
        std::uint64_t cookie;
        time_point at;
    };
    /// A frame the driver said was coming, and how many had arrived by then.
    struct told_event {
        std::vector<std::uint8_t> bytes;
        std::size_t received_before;
    };
    explicit recording_sink(const virtual_time* c) : clock(c) {}
    const virtual_time* clock;
    std::vector<told_event> told;
    std::vector<rx_event> rx;
    std::vector<driver::tx_status> status;
    std::vector<roc_event> roc;

    void rx_lines(driver::rx_prefetch& p) const noexcept { p.lines.add(this); }
    void prefetch_rx(bytes_view f) { told.push_back({{f.begin(), f.end()}, rx.size()}); }
    void on_rx(frame_buffer&& b, const driver::rx_status& s) {
        rx.push_back({{b.view().begin(), b.view().end()}, s});
    }
    void on_tx_status(frame_buffer&&, const driver::tx_status& s) { status.push_back(s); }
    void on_roc_ready(std::uint64_t c) { roc.push_back({true, c, clock->now()}); }
    void on_roc_expired(std::uint64_t c) { roc.push_back({false, c, clock->now()}); }
    void on_scan_done(bool) {}
};

template <class D>
using test_radio = mac::radio<D, virtual_time, recording_sink>;

/// @brief Driver configurations every driver-generic test runs on: the driver type and
/// `driver_args(medium, i, make)`, which calls `make` with the constructor arguments of radio
/// `i`'s driver.
/// Traits: real_ack (TX status reflects the receiver's ACK; USB drivers report every accepted
/// frame acked), filters_probe_requests (honours FIF_PROBE_REQ), mixes_types (AP and station
/// interfaces together), p2p_and_wds (supports those interface types), and the band the radios
/// operate in (band_2ghz, band_5ghz).
///
/// The band: home_channel (every radio of a world starts there), other_channel (another channel
/// of the band), ofdm_6mbps (the index of 6 Mbit/s in the band's rate table, which tx_info's rates
/// index).
struct band_2ghz {
    static constexpr ieee80211::channel home_channel{ieee80211::band::ghz2_4, 1, 2412},
        other_channel{ieee80211::band::ghz2_4, 11, 2462};
    static constexpr std::int8_t ofdm_6mbps = 4;
};
struct band_5ghz {
    static constexpr ieee80211::channel home_channel{ieee80211::band::ghz5, 36, 5180},
        other_channel{ieee80211::band::ghz5, 149, 5745};
    static constexpr std::int8_t ofdm_6mbps = 0;
};
static_assert(ieee80211::rates_2ghz[band_2ghz::ofdm_6mbps].bitrate == 60 &&
              ieee80211::rates_ofdm[band_5ghz::ofdm_6mbps].bitrate == 60);

struct loopback_traits : band_2ghz {
    static constexpr bool real_ack = true, filters_probe_requests = true, mixes_types = true,
                          p2p_and_wds = true;
};

/// The loopback driver with the MAC's software remain-on-channel, or with its own offload.
template <bool Offload>
struct loopback_config : loopback_traits {
    using driver_type = drivers::loopback<virtual_time, Offload>;
    static constexpr bool offloads_roc = Offload;
    template <class Make>
    static decltype(auto) driver_args(sim::medium<virtual_time>& m, std::uint16_t i, Make&& make) {
        return make(m, drivers::loopback_description(i));
    }
};
struct loopback_software_roc : loopback_config<false> {};
struct loopback_offloaded_roc : loopback_config<true> {};
struct any_driver_loopback : loopback_traits {
    using driver_type = any_driver;
    static constexpr bool offloads_roc = false;  // any_driver forwards no offloads
    template <class Make>
    static decltype(auto) driver_args(sim::medium<virtual_time>& m, std::uint16_t i, Make&& make) {
        return make(std::in_place_type<drivers::loopback<virtual_time, true>>, m,
                    drivers::loopback_description(i));
    }
};

/// @brief An rt73 over its simulated USB chip, with the RF chip `RfType`, operating in `Band`.
template <std::uint16_t RfType, class Band>
struct rt73_config : Band {
    using driver_type = drivers::rt73::simulated<virtual_time>;
    static constexpr bool offloads_roc = false;
    static constexpr bool real_ack = false, filters_probe_requests = false, mixes_types = false,
                          p2p_and_wds = false;
    template <class Make>
    static decltype(auto) driver_args(sim::medium<virtual_time>& m, std::uint16_t i, Make&& make) {
        return make(m, drivers::rt73::eeprom_for(i, RfType), drivers::rt73::make_firmware());
    }
};
/// @brief An rt73 with an RF2528 (2.4 GHz).
struct rt73_usb : rt73_config<drivers::rt73::rf::rf2528, band_2ghz> {};
/// @brief An rt73 with an RF5225 (2.4 and 5 GHz) whose radios operate on 5 GHz.
struct rt73_usb_5ghz : rt73_config<drivers::rt73::rf::rf5225, band_5ghz> {};

/// @brief Calls `make` with the driver arguments of radio `i` of configuration Cfg on medium `m`.
template <class Cfg, class Make>
decltype(auto) with_driver_args(sim::medium<virtual_time>& m, std::uint16_t i, Make&& make) {
    return Cfg::driver_args(m, i, std::forward<Make>(make));
}

/// @brief Radio `i` of configuration Cfg on medium `m`, its upcalls going to `sink`.
template <class Cfg, class Sink = recording_sink>
auto make_radio(virtual_time& t, sim::medium<virtual_time>& m, std::uint16_t i, Sink sink) {
    return with_driver_args<Cfg>(m, i, [&](auto&&... args) {
        return std::make_unique<mac::radio<typename Cfg::driver_type, virtual_time, Sink>>(
            t, std::move(sink), std::forward<decltype(args)>(args)...);
    });
}

/// @brief The medium port of a driver (loopback, rt73 or any_driver over loopback).
template <class D>
auto port_of(D& d) {
    if constexpr (requires { d.chip.port(); })
        return d.chip.port();
    else if constexpr (requires { d.port(); })
        return d.port();
    else
        return d.template as<drivers::loopback<virtual_time, true>>().port();
}

/// @brief A medium, its clock and radios of configuration Cfg, each with one interface.
template <class Cfg>
struct world {
    using radio_type = test_radio<typename Cfg::driver_type>;
    virtual_time time;
    sim::medium<virtual_time> air;
    std::vector<std::unique_ptr<radio_type>> radios;
    std::vector<driver::vif> vifs;
    heap_pool pool{frame_buffer_size, 4096};

    explicit world(std::size_t n, std::uint64_t seed = 1,
                   driver::iftype type = driver::iftype::station)
        : air(time, seed) {
        for (std::size_t i = 0; i < n; ++i) {
            radios.push_back(
                make_radio<Cfg>(time, air, static_cast<std::uint16_t>(i), recording_sink{&time}));
            if (!radios.back()->register_hw()) throw std::runtime_error("register_hw failed");
            if (!radios.back()->set_channel(Cfg::home_channel))
                throw std::runtime_error("the home channel is not the radio's");
            auto v = radios.back()->add_interface(type);
            if (!v) throw std::runtime_error("add_interface failed");
            // The interface operates on the channel, as its MLME would make it (an idle radio
            // of mac80211_hwsim's kind hears nothing).
            radios.back()->set_active(*v, true);
            vifs.push_back(*v);
        }
    }
    radio_type& operator[](std::size_t i) { return *radios[i]; }
    auto port(std::size_t i) { return port_of(radios[i]->driver()); }

    /// @brief A data frame from radio `from` to `to` (a MAC address) with a payload.
    frame_buffer data_frame(std::size_t from, const mac_address& to, std::uint8_t tag,
                            std::size_t payload = 32) {
        auto b = pool.allocate(32);
        std::array<std::uint8_t, 32> hdr{};
        byte_writer w(hdr);
        ieee80211::write_header(
            w, {ieee80211::frame_control::make(ieee80211::frame_type::data, 0), 0, to,
                vifs[from].addr, vifs[from].addr, ieee80211::sequence_control::make(tag, 0)});
        ieee80211::write_snap(w, 0x88b5);  // IEEE local experimental ethertype
        (void)b->append(w.written());
        auto body = b->put(payload);
        for (std::size_t i = 0; i < payload; ++i) (*body)[i] = static_cast<std::uint8_t>(tag + i);
        return std::move(*b);
    }
    /// @brief Sends and lets the air settle.
    void send(std::size_t from, frame_buffer&& f, std::uint32_t flags = 0,
              std::uint64_t cookie = 0) {
        driver::tx_info info;
        info.flags = flags;
        info.rates[0] = {Cfg::ofdm_6mbps, 1};
        info.cookie = cookie;
        radios[from]->tx(info, std::move(f));
    }
    void settle() { time.run_for(std::chrono::milliseconds(50)); }
};

}  // namespace softmac::test
