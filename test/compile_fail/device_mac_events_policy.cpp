// expect: softmac: p2p::device routes the MAC's events to its engine itself
// A P2P device's MAC events go to its engine: a mac::events policy has nowhere to go, and the
// device says what to give it instead.
#include <softmac/drivers/loopback.hpp>
#include <softmac/p2p/device.hpp>

struct mac_printer {
    void operator()(const softmac::mac::event::any&) {}
};

using device_type = softmac::p2p::device<softmac::drivers::loopback<softmac::virtual_time>,
                                         softmac::virtual_time, softmac::mac::events<mac_printer>>;

int main() { return sizeof(device_type) == 0; }
