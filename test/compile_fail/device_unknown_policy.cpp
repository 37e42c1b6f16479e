// expect: softmac: a P2P device policy is a time policy
// A type that is no policy kind is refused with the list of kinds a device takes.
#include <softmac/drivers/loopback.hpp>
#include <softmac/p2p/device.hpp>

struct verbose {};

using device_type = softmac::p2p::device<softmac::drivers::loopback<softmac::virtual_time>,
                                         softmac::virtual_time, verbose>;

int main() { return sizeof(device_type) == 0; }
