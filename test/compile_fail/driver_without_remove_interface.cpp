// expect: softmac: driver D must provide remove_interface\(ctx, const vif&\)
// A driver without remove_interface() cannot be assembled into a radio; the diagnostic names the operation.
#define SOFTMAC_OMIT_remove_interface
#include "incomplete_driver.inc"
