// expect: softmac: driver D must provide tx\(ctx, const tx_info&, frame_buffer&&\)
// A driver without tx() cannot be assembled into a radio; the diagnostic names the operation.
#define SOFTMAC_OMIT_tx
#include "incomplete_driver.inc"
