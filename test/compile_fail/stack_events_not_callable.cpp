// expect: softmac: mac::events<E>: E must be callable with const mac::event::any&
// An events sink that takes only some of the MAC's events cannot receive them all; the stack says
// what it calls the sink with.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

struct scan_results_only {
    void operator()(const softmac::mac::event::scan_done&) {}
};

using stack_type =
    softmac::mac::stack<softmac::drivers::loopback<softmac::virtual_time>, softmac::virtual_time,
                        softmac::mac::events<scan_results_only>>;

int main() { return sizeof(stack_type*) == 0; }
