// expect: softmac: fixed_pool needs at least one buffer of at least one byte
// A pool with no buffers is a configuration error, reported at compile time.
#include <softmac/core/buffer_pool.hpp>

int main() {
    softmac::fixed_pool<0, 256> pool;
    return static_cast<int>(pool.available());
}
