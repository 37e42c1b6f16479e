// expect: softmac: mac::crypto<C>: C must provide set\(key\), encrypt\(nonce, aad, data, tag\) and decrypt\(nonce, aad, data, tag\)
// A software cipher is set from the key octets and seals and opens frames in place; a cipher
// without those operations is refused where the stack is assembled.
#include <softmac/drivers/loopback.hpp>
#include <softmac/mac/stack.hpp>

struct block_cipher {
    void encrypt_block(const unsigned char*, unsigned char*) {}
};

using stack_type = softmac::mac::stack<softmac::drivers::loopback<softmac::virtual_time>,
                                       softmac::virtual_time, softmac::mac::crypto<block_cipher>>;

int main() { return sizeof(stack_type*) == 0; }
