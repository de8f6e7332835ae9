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
