// expect: softmac: driver D must provide start\(ctx\) returning result<void>
// A driver without start() cannot be assembled into a radio; the diagnostic names the operation.
#define SOFTMAC_OMIT_start
#include "incomplete_driver.inc"
