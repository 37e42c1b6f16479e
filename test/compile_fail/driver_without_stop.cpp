// expect: softmac: driver D must provide stop\(ctx\)
// A driver without stop() cannot be assembled into a radio; the diagnostic names the operation.
#define SOFTMAC_OMIT_stop
#include "incomplete_driver.inc"
