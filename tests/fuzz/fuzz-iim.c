/* fuzz-iim.c: libFuzzer target for the IPTC-IIM parser and the Photoshop resource walker.
 *
 * The input is read both ways: as an IIM block, and as a resource list whose 0x0404
 * resources are IIM blocks. Properties checked: no out-of-bounds access (ASan), no
 * undefined behaviour (UBSan), every dataset within the input, text decoding of every
 * value gives valid UTF-8. */
#include "ingest/iim.h"
#include "base/base.h"

#include <stdint.h>
#include <stdlib.h>

static void
check_block(const guint8 *data, gsize len)
{
    PdIimBlock *block = pd_iim_parse(data, len);
    for (guint i = 0; i < block->datasets->len; i++) {
        const PdIimDataset *d = &g_array_index(block->datasets, PdIimDataset, i);
        if (d->len > len)
            abort();
        char *s = pd_text_decode(d->value, d->len, NULL);
        if (!g_utf8_validate(s, -1, NULL))
            abort();
        s = pd_text_normalise(s);
        g_free(s);
    }
    pd_iim_block_free(block);
}

static void
on_resource(guint16 id, const guint8 *data, gsize len, gpointer user_data)
{
    if (id == PD_IRB_IPTC)
        check_block(data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_block(data, size);
    char *problem = pd_irb_walk(data, size, on_resource, NULL);
    g_free(problem);
    return 0;
}
