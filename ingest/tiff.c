/* tiff.c: a TIFF's metadata: the EXIF fields of its own structure (libexif), and from
 * the first directory XMP (tag 700), IIM (33723), Photoshop resources (34377) and C2PA
 * content credentials (0xCD41). */
#include "ingest/sources.h"

#include <string.h>

#define PD_TIFF_C2PA 0xCD41 /* the C2PA manifest store */

static guint16
tiff16(const guint8 *p, gboolean le)
{
    return le ? (guint16)(p[0] | p[1] << 8) : pd_be16(p);
}

static guint32
tiff32(const guint8 *p, gboolean le)
{
    return le ? pd_le32(p) : pd_be32(p);
}

void
pd_walk_tiff(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n)
{
    /* 13: IFD (Adobe TIFF Technical Note 1) */
    static const guint8 type_size[14] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};
    gboolean le = d[0] == 'I';
    if (tiff16(d + 2, le) == 43) {
        pd_meta_warn(meta, FALSE, "TIFF: BigTIFF metadata is not read");
        return;
    }
    /* EXIF fields (description, artist, dates...) live in the TIFF structure itself. */
    pd_sources_read_exif(src, meta, d, n);

    guint32 ifd = n >= 8 ? tiff32(d + 4, le) : 0;
    if (n < 8 || ifd < 8 || ifd > n - 2) {
        pd_sources_broken(src, meta, "TIFF: first directory offset %u is outside the file", ifd);
        return;
    }
    guint count = tiff16(d + ifd, le);
    gsize entries = ifd + 2;
    if ((gsize)count * 12 > n - entries) {
        pd_sources_broken(src, meta, "TIFF: first directory (%u entries) runs past the end", count);
        count = (guint)((n - entries) / 12);
    }
    for (guint i = 0; i < count; i++) {
        const guint8 *e = d + entries + 12 * (gsize)i;
        guint16 tag = tiff16(e, le), type = tiff16(e + 2, le);
        guint32 cnt = tiff32(e + 4, le);
        if (tag != 700 && tag != 33723 && tag != 34377 && tag != PD_TIFF_C2PA)
            continue;
        if (type == 0 || type > 13) {
            pd_meta_warn(meta, TRUE, "TIFF: tag %u has an invalid type %u", tag, type);
            continue;
        }
        guint64 size = (guint64)cnt * type_size[type];
        const guint8 *value;
        if (size <= 4) {
            value = e + 8;
        } else {
            guint32 off = tiff32(e + 8, le);
            if (off > n || size > n - off) {
                pd_meta_warn(meta, TRUE, "TIFF: tag %u points past the end of the file", tag);
                continue;
            }
            value = d + off;
        }
        if (tag == PD_TIFF_C2PA) {
            if (pd_c2pa_is_manifest_store(value, (gsize)size))
                pd_sources_found_c2pa(meta, "TIFF tag 0xCD41");
        } else if (tag == 700)
            pd_sources_read_xmp(src, meta, value, (gsize)size);
        else if (tag == 33723)
            pd_sources_add_iim(src, value, (gsize)size, PD_IIM_PLACE_STANDARD, meta);
        else
            pd_sources_read_irb(src, meta, value, (gsize)size, PD_IIM_PLACE_NONSTANDARD);
    }
}
