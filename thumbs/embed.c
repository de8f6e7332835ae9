/* embed.c: a delivered JPEG with the metadata it is given, and no other; and an
 * original with the desk's caption in place of its own.
 *
 * The JPEG is walked marker by marker up to its image data (SOS), which is then copied
 * as it is: no decoding, no quality lost. What describes the pixels stays (JFIF APP0,
 * the ICC profile in APP2, Adobe's APP14 colour transform, the tables and frame
 * header); EXIF and XMP (APP1), Photoshop resources (APP13), comments and every other
 * application segment go, and the new XMP and Photoshop segments take their place after
 * the JFIF header. An original keeps every segment but its XMP (and extended XMP) and
 * Photoshop resources, its EXIF moved up beside the JFIF header where readers look. */
#include "thumbs/thumbs.h"

#include <string.h>

#define XMP_SIGNATURE       "http://ns.adobe.com/xap/1.0/"
#define PHOTOSHOP_SIGNATURE "Photoshop 3.0"
#define SEGMENT_MAX         65533 /* a segment's length field counts itself */

static gboolean
damaged(GError **error, const char *why)
{
    g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE, "not a whole JPEG: %s", why);
    return FALSE;
}

static gboolean
put_segment(GByteArray *out, guint8 marker, const char *signature, const guint8 *data, gsize len,
            GError **error)
{
    gsize sig = strlen(signature) + 1, total = 2 + sig + len;
    if (total > SEGMENT_MAX + 2) {
        g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_EMBED,
                    "%s metadata of %zu bytes does not fit in one JPEG segment (%u at most)",
                    marker == 0xE1 ? "XMP" : "Photoshop", len, (unsigned)(SEGMENT_MAX - sig));
        return FALSE;
    }
    guint8 head[4] = {0xFF, marker, (guint8)(total >> 8), (guint8)(total & 0xFF)};
    g_byte_array_append(out, head, 4);
    g_byte_array_append(out, (const guint8 *)signature, (guint)sig);
    g_byte_array_append(out, data, (guint)len);
    return TRUE;
}

/* Whether the application segment @marker with @body goes into the delivered file; with
 * @all (an original), everything but the XMP and Photoshop resources it replaces. */
static gboolean
keep(guint8 marker, const guint8 *body, gsize len, gboolean all)
{
    if (all) {
        gboolean xmp = marker == 0xE1 &&
                       ((len >= sizeof XMP_SIGNATURE &&
                         memcmp(body, XMP_SIGNATURE, sizeof XMP_SIGNATURE) == 0) ||
                        (len >= 35 && memcmp(body, "http://ns.adobe.com/xmp/extension/", 35) == 0));
        gboolean photoshop = marker == 0xED && len >= sizeof PHOTOSHOP_SIGNATURE &&
                             memcmp(body, PHOTOSHOP_SIGNATURE, sizeof PHOTOSHOP_SIGNATURE) == 0;
        return !xmp && !photoshop;
    }
    if (marker == 0xE0) /* JFIF, JFXX */
        return len >= 5 && (memcmp(body, "JFIF", 5) == 0 || memcmp(body, "JFXX", 5) == 0);
    if (marker == 0xE2)
        return len >= 12 && memcmp(body, "ICC_PROFILE", 12) == 0;
    if (marker == 0xEE)
        return len >= 5 && memcmp(body, "Adobe", 5) == 0;
    return FALSE;
}

static GBytes *
embed(const guint8 *jpeg, gsize len, const char *xmp, gsize xmp_len, GBytes *irb, gboolean all,
      GError **error)
{
    if (len < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) {
        damaged(error, "it does not start with a JPEG marker");
        return NULL;
    }
    GByteArray *head = g_byte_array_new(); /* JFIF */
    GByteArray *rest = g_byte_array_new(); /* everything else up to SOS */
    gboolean ok = TRUE, found_sos = FALSE;
    gsize at = 2;
    while (ok && !found_sos) {
        while (at < len && jpeg[at] == 0xFF && at + 1 < len && jpeg[at + 1] == 0xFF)
            at++; /* fill bytes */
        if (at + 4 > len || jpeg[at] != 0xFF) {
            ok = damaged(error, "a marker is missing before the image data");
            break;
        }
        guint8 marker = jpeg[at + 1];
        if (marker == 0xD8 || marker == 0xD9 || (marker >= 0xD0 && marker <= 0xD7) ||
            marker == 0x01 || marker == 0x00) {
            ok = damaged(error, "a marker that has no place before the image data");
            break;
        }
        gsize seg = ((gsize)jpeg[at + 2] << 8) | jpeg[at + 3];
        if (seg < 2 || at + 2 + seg > len) {
            ok = damaged(error, "a segment runs past the end of the file");
            break;
        }
        const guint8 *body = jpeg + at + 4;
        gsize body_len = seg - 2;
        if (marker == 0xDA) {
            found_sos = TRUE;
            break;
        }
        gboolean application = (marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE;
        if (!application || keep(marker, body, body_len, all)) {
            /* JFIF first, then (an original's) EXIF, as readers look for them */
            gboolean exif =
                all && marker == 0xE1 && body_len >= 6 && memcmp(body, "Exif\0\0", 6) == 0;
            gboolean first = (marker == 0xE0 && head->len == 0) || exif;
            g_byte_array_append(first ? head : rest, jpeg + at, (guint)(seg + 2));
        }
        at += 2 + seg;
    }
    GByteArray *out = NULL;
    if (ok) {
        out = g_byte_array_sized_new((guint)(len + xmp_len + 4096));
        g_byte_array_append(out, (const guint8 *)"\xFF\xD8", 2);
        g_byte_array_append(out, head->data, head->len);
        gsize irb_len = 0;
        const guint8 *irb_data = irb ? g_bytes_get_data(irb, &irb_len) : NULL;
        ok = (xmp == NULL ||
              put_segment(out, 0xE1, XMP_SIGNATURE, (const guint8 *)xmp, xmp_len, error)) &&
             (irb == NULL || put_segment(out, 0xED, PHOTOSHOP_SIGNATURE, irb_data, irb_len, error));
        g_byte_array_append(out, rest->data, rest->len);
        g_byte_array_append(out, jpeg + at, (guint)(len - at)); /* SOS to the end */
    }
    g_byte_array_unref(head);
    g_byte_array_unref(rest);
    if (!ok) {
        if (out)
            g_byte_array_unref(out);
        return NULL;
    }
    return g_byte_array_free_to_bytes(out);
}

GBytes *
pd_thumbs_embed_jpeg(const guint8 *jpeg, gsize len, const char *xmp, gsize xmp_len, GBytes *irb,
                     GError **error)
{
    return embed(jpeg, len, xmp, xmp_len, irb, FALSE, error);
}

GBytes *
pd_thumbs_embed_original(const guint8 *jpeg, gsize len, const char *xmp, gsize xmp_len, GBytes *irb,
                         GError **error)
{
    return embed(jpeg, len, xmp, xmp_len, irb, TRUE, error);
}
