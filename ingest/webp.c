/* webp.c: walking a WebP's RIFF chunks for EXIF, XMP and content credentials. */
#include "ingest/sources.h"

#include <string.h>

void
pd_walk_webp(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n)
{
    guint32 riff = pd_le32(d + 4);
    if ((gsize)riff + 8 > n)
        pd_sources_broken(src, meta, "WebP: file is truncated (%zu of %u bytes)", n,
                          (unsigned)riff + 8);
    gsize end = MIN(n, (gsize)riff + 8);
    gsize pos = 12;
    while (pos + 8 <= end) {
        const guint8 *fourcc = d + pos;
        guint32 len = pd_le32(d + pos + 4);
        if (len > end - pos - 8) {
            pd_sources_broken(src, meta, "WebP: chunk at offset %zu runs past the end", pos);
            break;
        }
        const guint8 *p = d + pos + 8;
        if (memcmp(fourcc, "EXIF", 4) == 0)
            pd_sources_read_exif(src, meta, p, len);
        else if (memcmp(fourcc, "XMP ", 4) == 0)
            pd_sources_read_xmp(src, meta, p, len);
        else if (memcmp(fourcc, "C2PA", 4) == 0 && pd_c2pa_is_manifest_store(p, len))
            pd_sources_found_c2pa(meta, "WebP C2PA chunk");
        pos += 8 + (gsize)len + (len & 1);
    }
}
