/* heif.c: HEIF and AVIF metadata, as libheif hands it to libvips: the Exif item and
 * the XMP item. */
#include "ingest/sources.h"

#include <string.h>
#include <vips/vips.h>

void
pd_read_heif_blobs(PdSources *src, PdPhotoMeta *meta, VipsImage *image)
{
    const void *blob;
    size_t len;
    if (vips_image_get_typeof(image, VIPS_META_EXIF_NAME) &&
        vips_image_get_blob(image, VIPS_META_EXIF_NAME, &blob, &len) == 0) {
        /* libheif hands over the Exif item as stored: a 4-byte offset to the TIFF header,
         * often followed by "Exif\0\0". Find the TIFF header. */
        const guint8 *p = blob;
        gsize start = 0;
        for (gsize i = 0; i + 4 <= len && i < 16; i++) {
            if (memcmp(p + i, "II*\0", 4) == 0 || memcmp(p + i, "MM\0*", 4) == 0) {
                start = i;
                break;
            }
        }
        pd_sources_read_exif(src, meta, p + start, len - start);
    }
    if (vips_image_get_typeof(image, VIPS_META_XMP_NAME) &&
        vips_image_get_blob(image, VIPS_META_XMP_NAME, &blob, &len) == 0) {
        pd_sources_read_xmp(src, meta, blob, len);
        return;
    }
    /* libvips 8.14 files XMP items of type "mime" as heif-mime-N; take the one that is an
     * XMP packet. */
    g_auto(GStrv) names = vips_image_get_fields(image);
    for (int i = 0; names[i]; i++) {
        if (!g_str_has_prefix(names[i], "heif-mime-") ||
            vips_image_get_blob(image, names[i], &blob, &len) != 0)
            continue;
        gsize peek = MIN(len, (gsize)4096);
        if (g_strstr_len(blob, (gssize)peek, "<x:xmpmeta") ||
            g_strstr_len(blob, (gssize)peek, "<?xpacket") ||
            g_strstr_len(blob, (gssize)peek, "<rdf:RDF")) {
            pd_sources_read_xmp(src, meta, blob, len);
            return;
        }
    }
}

/* ---------------------------------------------------------------- rotation */

/* An ISO BMFF box of @d (@n bytes) at @pos: its type, where its payload starts and ends.
 * FALSE when there is no whole box there. */
static gboolean
box_at(const guint8 *d, gsize n, gsize pos, guint32 *type, gsize *payload, gsize *end)
{
    if (pos > n || n - pos < 8)
        return FALSE;
    guint64 size = pd_be32(d + pos);
    *type = pd_be32(d + pos + 4);
    gsize head = 8;
    if (size == 1) {
        if (n - pos < 16)
            return FALSE;
        size = (guint64)pd_be32(d + pos + 8) << 32 | pd_be32(d + pos + 12);
        head = 16;
    } else if (size == 0) {
        size = n - pos;
    }
    if (size < head || size > n - pos)
        return FALSE;
    *payload = pos + head;
    *end = pos + (gsize)size;
    return TRUE;
}

#define FOURCC(a, b, c, d) ((guint32)(a) << 24 | (guint32)(b) << 16 | (guint32)(c) << 8 | (d))

/* The first box of @type among those from @from to @to. */
static gboolean
find_box(const guint8 *d, gsize from, gsize to, guint32 want, gsize *payload, gsize *end)
{
    guint32 type;
    for (gsize pos = from; box_at(d, to, pos, &type, payload, end); pos = *end) {
        if (type == want)
            return TRUE;
        if (*end <= pos)
            break;
    }
    return FALSE;
}

int
pd_heif_rotation(const guint8 *d, gsize n)
{
    gsize meta, meta_end, p, e;
    if (!find_box(d, 0, n, FOURCC('m', 'e', 't', 'a'), &meta, &meta_end) || meta_end - meta < 4)
        return 0;
    meta += 4; /* version and flags */
    /* the primary item */
    if (!find_box(d, meta, meta_end, FOURCC('p', 'i', 't', 'm'), &p, &e) || e - p < 6)
        return 0;
    guint32 primary = d[p] == 0 ? pd_be16(d + p + 4) : (e - p >= 8 ? pd_be32(d + p + 4) : 0);
    gsize iprp, iprp_end, ipco, ipco_end, ipma, ipma_end;
    if (!find_box(d, meta, meta_end, FOURCC('i', 'p', 'r', 'p'), &iprp, &iprp_end) ||
        !find_box(d, iprp, iprp_end, FOURCC('i', 'p', 'c', 'o'), &ipco, &ipco_end) ||
        !find_box(d, iprp, iprp_end, FOURCC('i', 'p', 'm', 'a'), &ipma, &ipma_end) ||
        ipma_end - ipma < 8)
        return 0;
    /* the primary item's properties: 1-based indexes into ipco */
    guint8 version = d[ipma];
    gboolean wide = (d[ipma + 3] & 1) != 0;
    guint32 entries = pd_be32(d + ipma + 4);
    gsize pos = ipma + 8;
    for (guint32 i = 0; i < entries && i < 65536; i++) {
        gsize id_len = version < 1 ? 2 : 4;
        if (ipma_end - pos < id_len + 1)
            return 0;
        guint32 item = version < 1 ? pd_be16(d + pos) : pd_be32(d + pos);
        guint8 count = d[pos + id_len];
        pos += id_len + 1;
        gsize assoc_len = wide ? 2 : 1;
        if ((gsize)count * assoc_len > ipma_end - pos)
            return 0;
        for (guint a = 0; item == primary && a < count; a++) {
            const guint8 *q = d + pos + a * assoc_len;
            guint index = wide ? (pd_be16(q) & 0x7FFF) : (q[0] & 0x7F);
            /* the index-th property box of ipco */
            guint32 type = 0;
            gsize pp = 0, pe = 0, at = ipco;
            for (guint k = 1; k <= index && box_at(d, ipco_end, at, &type, &pp, &pe); k++) {
                if (k == index && type == FOURCC('i', 'r', 'o', 't') && pe > pp)
                    return (d[pp] & 3) * 90;
                at = pe;
            }
        }
        if (item == primary)
            return 0;
        pos += (gsize)count * assoc_len;
    }
    return 0;
}

/* ---------------------------------------------------------------- content credentials */

gboolean
pd_heif_has_c2pa(const guint8 *d, gsize n)
{
    /* C2PA's 'uuid' box: its extended type, then version and flags, a purpose string... */
    static const guint8 c2pa_uuid[16] = {0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                                         0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81};
    guint32 type;
    gsize payload, end;
    for (gsize pos = 0; box_at(d, n, pos, &type, &payload, &end) && end > pos; pos = end)
        if (type == FOURCC('u', 'u', 'i', 'd') && end - payload >= 16 &&
            memcmp(d + payload, c2pa_uuid, 16) == 0)
            return TRUE;
    return FALSE;
}
