// expect: (satisf[a-z]* |constraint failure ).*config_layer
// A P2P engine over something that is not a config layer: the constraint names the concept.
#include <softmac/p2p/device.hpp>

struct not_a_config_layer {
    using time_type = softmac::virtual_time;
};

using engine_type = softmac::p2p::engine<not_a_config_layer, softmac::p2p::null_sink>;

int main() { return sizeof(engine_type) == 0; }
