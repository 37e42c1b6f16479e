// expect: softmac: driver D must provide config\(ctx, const conf&, std::uint32_t changed\)
// A driver without config() cannot be assembled into a radio; the diagnostic names the operation.
#define SOFTMAC_OMIT_config
#include "incomplete_driver.inc"
