/* iim.c: the IPTC-IIM dataset parser and the Photoshop image resource block walker.
 *
 * Written for photodesk rather than taken from libiptcdata, which is unmaintained and
 * reads past its buffer on crafted blocks. The behaviour on damage follows exiftool's
 * (Image/ExifTool/IPTC.pm, Photoshop.pm), which is what the conformance corpus records:
 * datasets before a bad one are kept, and a resource size past the end of the list ends
 * the walk.
 */
#include "ingest/iim.h"

#include <string.h>

static void
clear_dataset(gpointer p)
{
    PdIimDataset *d = p;
    g_free(d->value);
}

static gboolean
all_zero(const guint8 *p, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (p[i] != 0)
            return FALSE;
    return TRUE;
}

PdIimBlock *
pd_iim_parse(const guint8 *data, gsize len)
{
    PdIimBlock *block = g_new0(PdIimBlock, 1);
    block->datasets = g_array_new(FALSE, FALSE, sizeof(PdIimDataset));
    g_array_set_clear_func(block->datasets, clear_dataset);

    gsize pos = 0;
    while (pos + 5 <= len) {
        if (data[pos] != 0x1C) {
            /* Some tools (iMatch) pad the block with NULs: that is not damage. */
            if (data[pos] == 0 && all_zero(data + pos, len - pos))
                break;
            block->problem =
                g_strdup_printf("IIM: bad dataset marker 0x%02x at offset %zu", data[pos], pos);
            break;
        }
        guint8 record = data[pos + 1];
        guint8 dataset = data[pos + 2];
        guint32 n = ((guint32)data[pos + 3] << 8) | data[pos + 4];
        pos += 5;
        if (n & 0x8000) {
            /* Extended dataset: the low 15 bits give the size of the length field. */
            guint32 nbytes = n & 0x7FFF;
            if (nbytes == 0 || nbytes > 4 || nbytes > len - pos) {
                block->problem = g_strdup_printf(
                    "IIM: dataset %u:%u has an invalid extended length field (%u bytes)", record,
                    dataset, nbytes);
                break;
            }
            n = 0;
            for (guint32 i = 0; i < nbytes; i++)
                n = (n << 8) | data[pos++];
        }
        if (n > len - pos) {
            block->problem =
                g_strdup_printf("IIM: dataset %u:%u is %u bytes long but only %zu remain in the "
                                "block",
                                record, dataset, n, len - pos);
            break;
        }
        PdIimDataset d = {record, dataset, n, g_malloc(n + 1)};
        memcpy(d.value, data + pos, n);
        d.value[n] = 0;
        g_array_append_val(block->datasets, d);
        pos += n;

        if (record == 1 && dataset == PD_IIM_CODED_CHARACTER_SET) {
            /* ISO 2022 escape sequences. ESC % G is UTF-8; exiftool treats the
             * designations of 8-bit sets (ESC - A ...) as if 1:90 were absent. */
            if (d.len >= 3 && memcmp(d.value, "\x1b%G", 3) == 0)
                block->declares_utf8 = TRUE;
            else
                block->declares_other = TRUE;
        }
    }
    return block;
}

void
pd_iim_block_free(PdIimBlock *block)
{
    if (block == NULL)
        return;
    g_array_unref(block->datasets);
    g_free(block->problem);
    g_free(block);
}

const PdIimDataset *
pd_iim_block_find(const PdIimBlock *block, guint8 record, guint8 dataset, guint *from)
{
    for (guint i = *from; i < block->datasets->len; i++) {
        const PdIimDataset *d = &g_array_index(block->datasets, PdIimDataset, i);
        if (d->record == record && d->dataset == dataset) {
            *from = i + 1;
            return d;
        }
    }
    *from = block->datasets->len;
    return NULL;
}

static guint32
be32(const guint8 *p)
{
    return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

char *
pd_irb_walk(const guint8 *data, gsize len, PdIrbFunc func, gpointer user_data)
{
    gsize pos = 0;
    /* Each resource: signature (4), id (2), Pascal name padded to even (>= 2), size (4),
     * data padded to even. */
    while (len > 8 && pos < len - 8) {
        const guint8 *sig = data + pos;
        gboolean is_8bim = memcmp(sig, "8BIM", 4) == 0;
        if (!is_8bim && memcmp(sig, "PHUT", 4) != 0 && memcmp(sig, "DCSR", 4) != 0 &&
            memcmp(sig, "AgHg", 4) != 0 && memcmp(sig, "MeSa", 4) != 0) {
            return g_strdup_printf("Photoshop resources: unknown signature at offset %zu", pos);
        }
        guint16 id = (guint16)((data[pos + 4] << 8) | data[pos + 5]);
        pos += 6;
        gsize name_len = data[pos];
        pos += 1 + name_len;
        if (!(name_len & 1))
            pos++;
        if (pos > len || len - pos < 4)
            return g_strdup_printf("Photoshop resource 0x%04x: header runs past the end", id);
        gsize size = be32(data + pos);
        pos += 4;
        if (size > len - pos)
            return g_strdup_printf("Photoshop resource 0x%04x: size %zu runs past the end of "
                                   "the block (%zu bytes remain)",
                                   id, size, len - pos);
        if (is_8bim)
            func(id, data + pos, size, user_data);
        pos += size + (size & 1);
    }
    return NULL;
}
