// expect: softmac: a stack policy is a time policy \(virtual_time, real_time\) or one of mac::net<N>, mac::events<E>, mac::rate_control<R>, mac::buffers<P>
// A type that is no policy kind (here a sink not wrapped in mac::net) is refused by name rather
// than ignored.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

using stack_type = softmac::mac::stack<softmac::drivers::loopback<softmac::virtual_time>,
                                       softmac::virtual_time, softmac::mac::null_net>;

int main() { return sizeof(stack_type*) == 0; }
