// SPDX-License-Identifier: MIT
/// @file Test worlds for the data path: radios whose sink is mac::data_path, and a capture radio.
#pragma once

#include <cstdlib>
#include <memory>
#include <vector>

#include <softmac/mac/data_path.hpp>

#include "driver_world.hpp"

namespace softmac::test {

/// Hosts bridged behind the two ends of a link (four-address and WDS frames).
inline const mac_address host_a = mac_address::parse("02:10:00:00:00:0a").value();
inline const mac_address host_b = mac_address::parse("02:10:00:00:00:0b").value();

/// @brief Records what the data path hands up.
struct recording_upper {
    struct delivery {
        std::uint8_t vif;
        std::vector<std::uint8_t> bytes;
    };
    std::vector<delivery> delivered;
    std::vector<std::vector<std::uint8_t>> mgmt;
    std::vector<driver::tx_status> statuses;
    void deliver(std::uint8_t vif, frame_buffer&& b) {
        delivered.push_back({vif, {b.view().begin(), b.view().end()}});
    }
    std::vector<delivery> control_port;  ///< EAPOL, handed up apart from the network side
    void on_control_port(std::uint8_t vif, frame_buffer&& b) {
        control_port.push_back({vif, {b.view().begin(), b.view().end()}});
    }
    void on_mgmt(std::uint8_t, frame_buffer&& b, const driver::rx_status&) {
        mgmt.emplace_back(b.view().begin(), b.view().end());
    }
    void on_tx_status(frame_buffer&&, const driver::tx_status& s) { statuses.push_back(s); }
    void on_roc_ready(std::uint64_t) {}
    void on_roc_expired(std::uint64_t) {}
    void on_scan_done(bool) {}
};

/// @brief The data path the tests run: the fast paths on, as products run it, or with
/// SOFTMAC_TEST_FULL_PATH set in the environment the full pipelines only (ctest runs the data-path
/// tests both ways).
inline bool full_path_only() {
    static const bool full = std::getenv("SOFTMAC_TEST_FULL_PATH") != nullptr;
    return full;
}
template <class Path>
Path& in_test_mode(Path& p) {
    p.set_fast_path(!full_path_only());
    return p;
}

template <class Driver>
using test_data_path = mac::data_path<mac::capabilities_of<Driver>(), virtual_time, recording_upper,
                                      mac::simple_adaptive>;

/// @brief A "radio" that keeps what the data path transmits (for header-level checks).
struct capture_radio {
    struct sent {
        driver::tx_info info;
        std::vector<std::uint8_t> bytes;
    };
    std::vector<sent> frames;
    void tx(const driver::tx_info& i, frame_buffer&& b) {
        frames.push_back({i, {b.view().begin(), b.view().end()}});
    }
};

/// @brief An Ethernet frame: DA, SA, type, payload.
inline std::vector<std::uint8_t> ethernet(const mac_address& da, const mac_address& sa,
                                          std::uint16_t type, std::size_t payload,
                                          std::uint8_t seed = 1) {
    std::vector<std::uint8_t> f(14 + payload);
    std::copy(da.octets.begin(), da.octets.end(), f.begin());
    std::copy(sa.octets.begin(), sa.octets.end(), f.begin() + 6);
    store_be16(f.data() + 12, type);
    for (std::size_t i = 0; i < payload; ++i) f[14 + i] = static_cast<std::uint8_t>(seed + i * 7);
    return f;
}

inline frame_buffer to_buffer(heap_pool& pool, const std::vector<std::uint8_t>& bytes,
                              std::size_t headroom = 64) {
    auto b = pool.allocate(headroom);
    (void)b->append(bytes);
    return std::move(*b);
}

/// @brief A data path alone, on a capture radio, with one interface (vif 0) and one peer station
/// (the AP of a station interface, the other end of a WDS link, a station of an AP or IBSS).
struct one_link {
    static constexpr std::uint32_t joined =
        mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme;
    static inline const mac_address own_addr = mac_address::parse("02:00:00:00:00:00").value(),
                                    peer_addr = mac_address::parse("02:00:00:00:01:00").value(),
                                    ibss = mac_address::parse("02:aa:00:00:00:00").value();

    virtual_time time;
    heap_pool pool{frame_buffer_size, 256};
    test_data_path<drivers::loopback<virtual_time>> mac{time, pool, recording_upper{}};
    capture_radio radio;
    driver::vif vif;
    mac_address peer;

    /// @param fast the fast paths on (the test run's choice unless a test sets it)
    explicit one_link(driver::iftype t, std::uint32_t peer_flags = joined, bool four = false,
                      const mac_address& own = own_addr,
                      const mac_address& peer_address = peer_addr, bool fast = !full_path_only())
        : vif{own, t, 0}, peer(peer_address) {
        mac.set_fast_path(fast);
        attach(t, four);
        (void)mac.stations().add(peer, 0, peer_flags);
    }
    /// (Re)attaches the interface as type `t`, with its link to the peer.
    void attach(driver::iftype t, bool four) {
        vif.type = t;
        auto& i = mac.attach(vif, drivers::loopback_description(0));
        if (i.is_sta()) {
            i.bssid = peer;
            i.associated = true;
            i.use_4addr = four;
        }
        if (t == driver::iftype::adhoc) i.bssid = ibss;
        if (t == driver::iftype::wds) i.wds_peer = peer;
    }
    mac::vif_state& state() { return mac.state_of(0); }
    auto* station() { return mac.stations().find(peer); }
    mac::verdict send(const std::vector<std::uint8_t>& eth, std::uint8_t prio = 0) {
        return mac.transmit(radio, 0, to_buffer(pool, eth), prio);
    }
    void receive(const std::vector<std::uint8_t>& frame) {
        mac.on_rx(to_buffer(pool, frame, 0), {});
    }
    recording_upper& up() { return mac.upper(); }
    /// The header of the last frame sent.
    ieee80211::header_view last() const {
        return *ieee80211::header_view::parse(radio.frames.back().bytes);
    }
};

/// @brief Two radios of configuration Cfg with data paths, joined as a pair of interface types.
template <class Cfg>
struct stack_world {
    using driver_type = typename Cfg::driver_type;
    using path = test_data_path<driver_type>;
    using radio_type = mac::radio<driver_type, virtual_time, path>;

    virtual_time time;
    sim::medium<virtual_time> air{time, 1};
    heap_pool pool{frame_buffer_size, 4096};
    std::vector<std::unique_ptr<radio_type>> radios;
    std::vector<driver::vif> vifs;
    const mac_address ibss_bssid = mac_address::parse("02:aa:bb:cc:dd:00").value();

    stack_world(driver::iftype ta, driver::iftype tb) {
        for (std::uint16_t i = 0; i < 2; ++i) {
            radios.push_back(make_radio<Cfg>(time, air, i, path(time, pool, recording_upper{})));
            if (auto r = radios[i]->register_hw(); !r) throw std::runtime_error(r.err().what);
            if (auto r = radios[i]->set_channel(Cfg::home_channel); !r)
                throw std::runtime_error(r.err().what);
            auto v = radios[i]->add_interface(i == 0 ? ta : tb);
            if (!v) throw std::runtime_error(v.err().what);
            radios[i]->set_active(*v, true);  // joined below: it operates on the channel
            vifs.push_back(*v);
            radios[i]->sink().attach(*v, radios[i]->hw());
            in_test_mode(radios[i]->sink());
        }
        join(0, 1);
        join(1, 0);
    }
    path& mac(std::size_t i) { return radios[i]->sink(); }
    mac::vif_state& state(std::size_t i) { return mac(i).state_of(vifs[i].index); }
    recording_upper& up(std::size_t i) { return mac(i).upper(); }

    /// Makes radio `self` see radio `peer` as associated, authorized and QoS-capable.
    void join(std::size_t self, std::size_t peer) {
        auto& i = state(self);
        const mac_address peer_addr = vifs[peer].addr;
        std::uint32_t flags =
            mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme;
        if (i.is_sta()) {
            i.bssid = peer_addr;
            i.associated = true;
        } else if (i.type() == driver::iftype::adhoc) {
            i.bssid = ibss_bssid;
        } else if (i.type() == driver::iftype::wds) {
            i.wds_peer = peer_addr;
        }
        (void)mac(self).stations().add(peer_addr, vifs[self].index, flags);
    }
    mac::verdict send(std::size_t from, const std::vector<std::uint8_t>& eth,
                      std::uint8_t prio = 0) {
        return mac(from).transmit(*radios[from], vifs[from].index, to_buffer(pool, eth), prio);
    }
    void settle() { time.run_for(std::chrono::milliseconds(50)); }
};

}  // namespace softmac::test
