// SPDX-License-Identifier: MIT
// Fuzzes the control command parser, and a live P2P device answering whatever was parsed (two
// devices under virtual time, 20 ms of air per input); the same input on the global control
// interface over them, which may add and remove a third device.
#include <list>
#include <softmac/drivers/loopback.hpp>

#include <softmac/p2p/ctrl/global.hpp>
#include <softmac/p2p/ctrl/interface.hpp>
#include <softmac/p2p/device.hpp>

using namespace softmac;
namespace ctrl = softmac::p2p::ctrl;

namespace {
using p2p_device =
    p2p::device<drivers::loopback<virtual_time>, virtual_time, p2p::events<ctrl::event_relay>>;

struct device {
    p2p_device dev;
    ctrl::interface<p2p_device::engine_type> iface;
    device(virtual_time& t, heap_pool& pool, sim::medium<virtual_time>& air, std::uint16_t i,
           std::string ifname = {})
        : dev(t, pool,
              {.index = i,
               .ifname = ifname.empty() ? "wlan" + std::to_string(i) : std::move(ifname),
               .settings = {},
               .seed = i + 1u},
              air, drivers::loopback_description(i)),
          iface(dev.engine(), "/run/fuzz") {
        (void)dev.start();
        iface.on_output([](std::string_view, const ctrl::event_message& m) {
            if (m.text.size() >= ctrl::max_reply || m.redacted.size() >= ctrl::max_reply)
                __builtin_trap();
        });
    }
};
struct world {
    virtual_time time;
    sim::medium<virtual_time> air{time, 3};
    heap_pool pool{frame_buffer_size, 1024};
    device a{time, pool, air, 0}, b{time, pool, air, 1};
    std::list<device> added;  ///< at most one at a time; the medium's ports are never reused
    std::uint16_t ports = 2;
    ctrl::global_interface global{{[this](const ctrl::interface_add& i) -> result<void> {
                                       if (!added.empty() || ports == 64)
                                           return make_error(errc::busy, "full");
                                       added.emplace_back(time, pool, air, ports++, i.ifname);
                                       global.join(i.ifname, ctrl::member_of(added.back().iface));
                                       return {};
                                   },
                                   // Only the added device leaves (the two others stay, as
                                   // a daemon's devices it was started with would not).
                                   [this](std::string_view ifname) -> result<void> {
                                       if (added.empty() ||
                                           added.front().dev.engine().ifname() != ifname)
                                           return make_error(errc::not_supported, "kept");
                                       global.leave(ifname);
                                       added.clear();
                                       return {};
                                   },
                                   {}}};
    world() {
        global.join("wlan0", ctrl::member_of(a.iface));
        global.join("wlan1", ctrl::member_of(b.iface));
    }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static world w;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)ctrl::parse(text);
    const auto reply = w.a.iface.handle("wlan0", text, true);
    if (reply.size() > ctrl::max_reply || reply.starts_with('<') || reply.starts_with("IFNAME="))
        __builtin_trap();
    const auto global = w.global.handle(text, true);
    if (global.size() > ctrl::max_reply || global.starts_with('<')) __builtin_trap();
    w.time.run_for(std::chrono::milliseconds(20));
    return 0;
}
