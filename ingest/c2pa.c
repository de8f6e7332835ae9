/* c2pa.c: finding C2PA content credentials in a photo.
 *
 * A C2PA manifest store is a JUMBF superbox (ISO/IEC 19566-5): a 'jumb' box whose first
 * child, a 'jumd' description box, gives its type as a UUID whose first four bytes are
 * "c2pa" (the Content Authenticity Initiative's drafts wrote "cacb", labelled "cai").
 * Each container has its own place for it: JPEG APP11 segments (JPEG XT, a "JP" header
 * before the box), a PNG 'caBX' chunk, a WebP 'C2PA' chunk, a top-level BMFF 'uuid' box
 * (HEIF, AVIF) and TIFF tag 0xCD41. photodesk says where it found one; it does not
 * verify the manifest's signature or its binding to the pixels (no C library for that
 * is packaged here), and says so.
 */
#include "ingest/sources.h"

#include <string.h>

/* The second half of a JUMBF type UUID: ISO's suffix for four-character types. */
static const guint8 iso_suffix[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                      0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

gboolean
pd_c2pa_is_manifest_store(const guint8 *d, gsize n)
{
    /* jumb: LBox, TBox (an LBox of 1 has an 8-byte XLBox after them) */
    if (n < 8 || memcmp(d + 4, "jumb", 4) != 0)
        return FALSE;
    gsize pos = pd_be32(d) == 1 ? 16 : 8;
    /* its description: LBox, 'jumd', the type's 16 bytes */
    if (n < pos + 8 + 16 || memcmp(d + pos + 4, "jumd", 4) != 0)
        return FALSE;
    const guint8 *type = d + pos + 8;
    if (memcmp(type + 4, iso_suffix, sizeof iso_suffix) != 0)
        return FALSE;
    return memcmp(type, "c2pa", 4) == 0 || memcmp(type, "cacb", 4) == 0;
}

void
pd_sources_found_c2pa(PdPhotoMeta *meta, const char *where)
{
    if (meta->content_credentials == NULL)
        meta->content_credentials = g_strdup(where);
}
