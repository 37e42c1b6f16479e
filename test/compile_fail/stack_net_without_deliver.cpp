// expect: softmac: mac::net<N>: N must provide deliver\(std::uint8_t vif, frame_buffer&&\)
// A product's network side that cannot take received 802.3 frames is refused where the stack is
// assembled, with the requirement in one sentence.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

struct no_deliver {
    void receive(std::uint8_t, softmac::frame_buffer&&) {}
};

using stack_type = softmac::mac::stack<softmac::drivers::loopback<softmac::virtual_time>,
                                       softmac::virtual_time, softmac::mac::net<no_deliver>>;

int main() { return sizeof(stack_type*) == 0; }
