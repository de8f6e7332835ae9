/* fuzz-exif.c: libFuzzer target for the EXIF reader: the structure check, the repacking
 * of TIFF structures larger than libexif reads, and libexif itself; and the HEIF box walk
 * that finds a primary image's rotation (the same input, read as an ISO BMFF file).
 *
 * The input is read as it is (an EXIF block or a bare TIFF structure), and again padded
 * with zeros past 64 KiB, so that the offsets it holds lead the repacking anywhere in a
 * large structure. Properties checked: no out-of-bounds access (ASan), no undefined
 * behaviour (UBSan), no leak; the text fields read are valid UTF-8 or absent. */
#include "ingest/exif.h"
#include "ingest/sources.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
check(const guint8 *data, gsize len)
{
    PdExifFields f;
    pd_exif_read(data, len, &f);
    const char *texts[] = {f.description, f.artist, f.copyright, f.make, f.model};
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
        if (texts[i] && !g_utf8_validate(texts[i], -1, NULL))
            abort();
    pd_exif_fields_clear(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size);
    int angle = pd_heif_rotation(data, size);
    if (angle % 90 != 0 || angle < 0 || angle > 270)
        abort();
    if (size >= 8 && size < 4096) {
        gsize big = 70000;
        guint8 *padded = g_malloc0(big);
        memcpy(padded, data, size);
        check(padded, big);
        g_free(padded);
    }
    return 0;
}
