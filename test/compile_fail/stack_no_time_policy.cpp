// expect: softmac: a stack needs exactly one time policy \(virtual_time or real_time\)
// Timers (beacons, MLME timeouts, scan dwell) need a clock: a stack without a time policy is
// refused.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

using stack_type = softmac::mac::stack<softmac::drivers::loopback<softmac::virtual_time>,
                                       softmac::mac::net<softmac::mac::null_net>>;

int main() { return sizeof(stack_type*) == 0; }
