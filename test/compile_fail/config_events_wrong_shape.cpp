// expect: softmac: cfg::events<E>: E must be callable with
// A config-layer event sink of the wrong shape (it takes the MAC's events without the interface
// they are for): the wiphy says which two shapes it calls.
#include <softmac/cfg/wiphy.hpp>
#include <softmac/drivers/loopback.hpp>

struct mac_events_only {
    void operator()(const softmac::mac::event::any&) {}
};

using wiphy_type =
    softmac::cfg::wiphy<softmac::drivers::loopback<softmac::virtual_time>, softmac::virtual_time,
                        softmac::cfg::events<mac_events_only>>;

int main() { return sizeof(wiphy_type) == 0; }
