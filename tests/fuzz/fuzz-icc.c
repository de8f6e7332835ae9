/* fuzz-icc.c: libFuzzer target for the ICC profile reader of thumbs/ (is this profile
 * sRGB?). Property: no memory error or undefined behaviour on any bytes. */
#include "thumbs/icc.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)pd_icc_is_srgb(data, size);
    return 0;
}
