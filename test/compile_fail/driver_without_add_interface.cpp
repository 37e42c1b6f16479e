// expect: softmac: driver D must provide add_interface\(ctx, const vif&\) returning result<void>
// A driver without add_interface() cannot be assembled into a radio; the diagnostic names the operation.
#define SOFTMAC_OMIT_add_interface
#include "incomplete_driver.inc"
