// expect: softmac: mac::buffers<P>: P must provide allocate\(headroom\) -> result<frame_buffer>, buffer_size\(\) and available\(\)
// Frame memory comes from a buffer pool; a type that hands out no frame buffers is refused.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

struct byte_heap {
    void* allocate(std::size_t n) { return ::operator new(n); }
};

using stack_type = softmac::mac::stack<softmac::drivers::loopback<softmac::virtual_time>,
                                       softmac::virtual_time, softmac::mac::buffers<byte_heap>>;

int main() { return sizeof(stack_type*) == 0; }
