// expect: softmac: each policy kind may be given once
// Two rate-control policies leave the stack no way to choose: the assembly is refused.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

using stack_type = softmac::mac::stack<softmac::drivers::loopback<softmac::virtual_time>,
                                       softmac::virtual_time,
                                       softmac::mac::rate_control<softmac::mac::simple_adaptive>,
                                       softmac::mac::rate_control<softmac::mac::fixed_rate<540>>>;

int main() { return sizeof(stack_type*) == 0; }
