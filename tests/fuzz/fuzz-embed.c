/* fuzz-embed.c: libFuzzer target for writing a delivered JPEG and an original with the
 * desk's caption: the input is the JPEG whose segments are walked (thumbs/embed.c), or
 * the PNG, WebP or TIFF whose chunks or first IFD are (thumbs/embed-other.c), and its
 * first bytes, made valid UTF-8, the caption encoded as IIM and XMP (ingest/embed.c). Properties
 * checked: no memory error or undefined behaviour; a JPEG refused is refused with an error; one
 * accepted starts as the input did (a JPEG with SOI) and holds the XMP given. */
#include "ingest/ingest.h"
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
    PdPhotoText f = {
        .caption = caption,
        .credit = caption,
        .byline = "Sergei Karpukhin",
        .date_created = caption,
        .city = caption,
    };
    g_autoptr(GBytes) iim = pd_ingest_encode_iim(&f);
    g_autoptr(GBytes) irb = pd_ingest_encode_irb(iim);
    g_autofree char *xmp = pd_ingest_encode_xmp(&f, size % 2, -33.9, 151.2);
    GError *error = NULL;
    /* the ways: a delivery (only what describes the pixels kept), an original JPEG (all
     * but its XMP and Photoshop resources kept), an original PNG, WebP or TIFF */
    GBytes *out;
    gboolean jpeg = FALSE;
    /* by the input's first byte, as the catalog's format would say */
    switch (size ? data[0] : 0) {
    case 0x89:
        out = pd_thumbs_embed_png(data, size, xmp, strlen(xmp), &error);
        break;
    case 'R':
        out = pd_thumbs_embed_webp(data, size, xmp, strlen(xmp), &error);
        break;
    case 'I':
    case 'M':
        out = pd_thumbs_embed_tiff(data, size, xmp, strlen(xmp), iim, irb, &error);
        break;
    default:
        jpeg = TRUE;
        out = size % 3 == 0 ? pd_thumbs_embed_original(data, size, xmp, strlen(xmp), irb, &error)
                            : pd_thumbs_embed_jpeg(data, size, xmp, strlen(xmp), irb, &error);
    }
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
    if (n < 2 || (jpeg && (o[0] != 0xFF || o[1] != 0xD8)) || (!jpeg && memcmp(o, data, 2) != 0) ||
        memmem(o, n, xmp, strlen(xmp)) == NULL) {
        fprintf(stderr, "fuzz-embed: the file written lost its start or its XMP\n");
        abort();
    }
    g_bytes_unref(out);
    return 0;
}
