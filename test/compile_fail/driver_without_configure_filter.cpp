// expect: softmac: driver D must provide configure_filter\(ctx, std::uint32_t changed, std::uint32_t& total\)
// A driver without configure_filter() cannot be assembled into a radio; the diagnostic names the operation.
#define SOFTMAC_OMIT_configure_filter
#include "incomplete_driver.inc"
