// expect: softmac: the P2P event sink must take const p2p::event::group_removed&
// A P2P event sink that takes every event but one: the device names the event type it misses.
#include <softmac/drivers/loopback.hpp>
#include <softmac/p2p/device.hpp>

struct all_but_group_removed {
    template <class E>
    void operator()(const E&) {}
    void operator()(const softmac::p2p::event::group_removed&) = delete;
};

using device_type =
    softmac::p2p::device<softmac::drivers::loopback<softmac::virtual_time>, softmac::virtual_time,
                         softmac::p2p::events<all_but_group_removed>>;

int main() { return sizeof(device_type) == 0; }
