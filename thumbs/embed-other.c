/* embed-other.c: an original PNG, WebP or TIFF with the desk's caption in place of its
 * own, the rest of the file (and its image data) kept byte for byte.
 *
 * PNG: the XMP goes in an iTXt chunk "XML:com.adobe.xmp" after IHDR; the file's own XMP
 * and the text chunks that carry IPTC or XMP the ImageMagick way ("Raw profile type
 * iptc", "... xmp") are left out; every other chunk is copied as it is.
 *
 * WebP: the XMP goes in an "XMP " chunk at the end, flagged in VP8X (a simple WebP, which
 * has none, gets one, its canvas read from the VP8 or VP8L bitstream); its own XMP chunk
 * is left out, every other chunk copied.
 *
 * TIFF (classic, either byte order): the XMP (tag 700), the IIM (33723) and the Photoshop
 * resources (34377) are written after the file's end, with a copy of the first IFD that
 * points at them in place of the file's own; the header then points at the copy. Every
 * other offset in the file stays right, since nothing before the end moves; the old
 * first IFD is left where it was, unread. */
#include "thumbs/thumbs.h"

#include <string.h>
#include <zlib.h>

static GBytes *
not_whole(GError **error, const char *format, const char *why)
{
    g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE, "not a whole %s: %s", format, why);
    return NULL;
}

/* ---------------------------------------------------------------- PNG */

#define PNG_SIGNATURE "\x89PNG\r\n\x1a\n"

static guint32
be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static void
put_be32(GByteArray *out, guint32 v)
{
    guint8 b[4] = {(guint8)(v >> 24), (guint8)(v >> 16), (guint8)(v >> 8), (guint8)v};
    g_byte_array_append(out, b, 4);
}

/* Whether the text chunk @type with @data says XMP or IPTC (which the new XMP replaces). */
static gboolean
png_metadata_text(const guint8 *type, const guint8 *data, guint32 len)
{
    if (memcmp(type, "iTXt", 4) != 0 && memcmp(type, "tEXt", 4) != 0 &&
        memcmp(type, "zTXt", 4) != 0)
        return FALSE;
    static const char *const keywords[] = {"XML:com.adobe.xmp", "Raw profile type iptc",
                                           "Raw profile type xmp", "Raw profile type 8bim"};
    for (guint i = 0; i < G_N_ELEMENTS(keywords); i++) {
        gsize k = strlen(keywords[i]);
        if (len > k && data[k] == '\0' &&
            g_ascii_strncasecmp((const char *)data, keywords[i], k) == 0)
            return TRUE;
    }
    return FALSE;
}

GBytes *
pd_thumbs_embed_png(const guint8 *png, gsize len, const char *xmp, gsize xmp_len, GError **error)
{
    if (len < 8 || memcmp(png, PNG_SIGNATURE, 8) != 0)
        return not_whole(error, "PNG", "no PNG signature");
    if (xmp_len > G_MAXINT32 - 64) {
        g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_EMBED, "XMP of %zu bytes", xmp_len);
        return NULL;
    }
    GByteArray *out = g_byte_array_sized_new((guint)MIN(len + xmp_len + 64, G_MAXUINT));
    g_byte_array_append(out, png, 8);
    gsize at = 8;
    gboolean ended = FALSE, put = FALSE;
    while (!ended) {
        if (len - at < 12) {
            g_byte_array_unref(out);
            return not_whole(error, "PNG", "a chunk is cut short");
        }
        guint32 n = be32(png + at);
        const guint8 *type = png + at + 4;
        if (n > len - at - 12) {
            g_byte_array_unref(out);
            return not_whole(error, "PNG", "a chunk runs past the end");
        }
        if (!put && memcmp(type, "IHDR", 4) != 0) {
            g_byte_array_unref(out);
            return not_whole(error, "PNG", "IHDR is not first");
        }
        if (!png_metadata_text(type, png + at + 8, n))
            g_byte_array_append(out, png + at, n + 12);
        ended = memcmp(type, "IEND", 4) == 0;
        at += (gsize)n + 12;
        if (!put) { /* after IHDR: the XMP, where readers look first */
            /* type, keyword and its NUL, compression flag and method, no language, no
             * translated keyword */
            static const char head[] = "iTXtXML:com.adobe.xmp\0\0\0\0\0";
            gsize h = sizeof head - 1;
            put_be32(out, (guint32)(h - 4 + xmp_len));
            guint start = out->len;
            g_byte_array_append(out, (const guint8 *)head, (guint)h);
            g_byte_array_append(out, (const guint8 *)xmp, (guint)xmp_len);
            uLong crc = crc32(0L, Z_NULL, 0);
            crc = crc32(crc, out->data + start, out->len - start);
            put_be32(out, (guint32)crc);
            put = TRUE;
        }
    }
    return g_byte_array_free_to_bytes(out);
}

/* ---------------------------------------------------------------- WebP */

static guint32
le32(const guint8 *p)
{
    return (guint32)p[3] << 24 | (guint32)p[2] << 16 | (guint32)p[1] << 8 | p[0];
}

static void
put_le32(guint8 *p, guint32 v)
{
    p[0] = (guint8)v;
    p[1] = (guint8)(v >> 8);
    p[2] = (guint8)(v >> 16);
    p[3] = (guint8)(v >> 24);
}

static void
put_chunk(GByteArray *out, const char *fourcc, const guint8 *data, gsize n)
{
    guint8 head[8];
    memcpy(head, fourcc, 4);
    put_le32(head + 4, (guint32)n);
    g_byte_array_append(out, head, 8);
    g_byte_array_append(out, data, (guint)n);
    if (n % 2)
        g_byte_array_append(out, (const guint8 *)"", 1);
}

/* The canvas of a simple WebP's bitstream chunk @type: FALSE when it cannot be read. */
static gboolean
webp_canvas(const guint8 *type, const guint8 *d, guint32 n, guint32 *w, guint32 *h)
{
    if (memcmp(type, "VP8 ", 4) == 0 && n >= 10 && d[3] == 0x9d && d[4] == 0x01 && d[5] == 0x2a) {
        *w = (d[6] | (guint32)d[7] << 8) & 0x3fff;
        *h = (d[8] | (guint32)d[9] << 8) & 0x3fff;
        return *w && *h;
    }
    if (memcmp(type, "VP8L", 4) == 0 && n >= 5 && d[0] == 0x2f) {
        guint32 bits = le32(d + 1);
        *w = (bits & 0x3fff) + 1;
        *h = ((bits >> 14) & 0x3fff) + 1;
        return TRUE;
    }
    return FALSE;
}

GBytes *
pd_thumbs_embed_webp(const guint8 *webp, gsize len, const char *xmp, gsize xmp_len, GError **error)
{
    if (len < 20 || memcmp(webp, "RIFF", 4) != 0 || memcmp(webp + 8, "WEBP", 4) != 0)
        return not_whole(error, "WebP", "no RIFF WEBP header");
    gsize riff = (gsize)le32(webp + 4) + 8;
    if (riff > len || riff < 20)
        return not_whole(error, "WebP", "the RIFF size runs past the end");
    if (xmp_len > G_MAXINT32 - 64) {
        g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_EMBED, "XMP of %zu bytes", xmp_len);
        return NULL;
    }
    GByteArray *out = g_byte_array_sized_new((guint)MIN(riff + xmp_len + 64, G_MAXUINT));
    g_byte_array_append(out, webp, 12);
    gboolean extended = memcmp(webp + 12, "VP8X", 4) == 0;
    for (gsize at = 12; at < riff;) {
        if (riff - at < 8) {
            g_byte_array_unref(out);
            return not_whole(error, "WebP", "a chunk is cut short");
        }
        const guint8 *type = webp + at;
        guint32 n = le32(webp + at + 4);
        gsize padded = (gsize)n + (n % 2);
        if (padded > riff - at - 8) {
            g_byte_array_unref(out);
            return not_whole(error, "WebP", "a chunk runs past the end");
        }
        const guint8 *d = webp + at + 8;
        if (at == 12 && !extended) {
            guint32 w, h;
            if (!webp_canvas(type, d, n, &w, &h)) {
                g_byte_array_unref(out);
                return not_whole(error, "WebP", "its bitstream header cannot be read");
            }
            guint8 x[10] = {0x04, 0, 0, 0}; /* XMP */
            x[4] = (guint8)(w - 1);
            x[5] = (guint8)((w - 1) >> 8);
            x[6] = (guint8)((w - 1) >> 16);
            x[7] = (guint8)(h - 1);
            x[8] = (guint8)((h - 1) >> 8);
            x[9] = (guint8)((h - 1) >> 16);
            put_chunk(out, "VP8X", x, sizeof x);
        }
        if (memcmp(type, "VP8X", 4) == 0 && n >= 10) {
            guint start = out->len;
            g_byte_array_append(out, webp + at, (guint)(8 + padded));
            out->data[start + 8] |= 0x04; /* XMP follows */
        } else if (memcmp(type, "XMP ", 4) != 0) {
            g_byte_array_append(out, webp + at, (guint)(8 + padded));
        }
        at += 8 + padded;
    }
    put_chunk(out, "XMP ", (const guint8 *)xmp, xmp_len);
    put_le32(out->data + 4, out->len - 8);
    return g_byte_array_free_to_bytes(out);
}

/* ---------------------------------------------------------------- TIFF */

#define TAG_XMP        700
#define TAG_IPTC       33723
#define TAG_PHOTOSHOP  34377
#define TYPE_BYTE      1
#define TYPE_UNDEFINED 7

typedef struct {
    gboolean big_endian;
} Order;

static guint32
rd32(const Order *o, const guint8 *p)
{
    return o->big_endian ? be32(p) : le32(p);
}

static guint16
rd16(const Order *o, const guint8 *p)
{
    return o->big_endian ? (guint16)(p[0] << 8 | p[1]) : (guint16)(p[1] << 8 | p[0]);
}

static void
wr16(const Order *o, guint8 *p, guint16 v)
{
    if (o->big_endian) {
        p[0] = (guint8)(v >> 8);
        p[1] = (guint8)v;
    } else {
        p[0] = (guint8)v;
        p[1] = (guint8)(v >> 8);
    }
}

static void
wr32(const Order *o, guint8 *p, guint32 v)
{
    if (o->big_endian) {
        p[0] = (guint8)(v >> 24);
        p[1] = (guint8)(v >> 16);
        p[2] = (guint8)(v >> 8);
        p[3] = (guint8)v;
    } else {
        put_le32(p, v);
    }
}

/* Appends @data at the end of @out, word-aligned; its offset. */
static guint32
append_aligned(GByteArray *out, const guint8 *data, gsize n)
{
    if (out->len % 2)
        g_byte_array_append(out, (const guint8 *)"", 1);
    guint32 at = out->len;
    g_byte_array_append(out, data, (guint)n);
    return at;
}

typedef struct {
    guint16 tag;
    guint8 entry[12];
} Entry;

static gint
by_tag(gconstpointer a, gconstpointer b)
{
    return (gint)((const Entry *)a)->tag - (gint)((const Entry *)b)->tag;
}

GBytes *
pd_thumbs_embed_tiff(const guint8 *tiff, gsize len, const char *xmp, gsize xmp_len, GBytes *iim,
                     GBytes *irb, GError **error)
{
    if (len < 8 || !((tiff[0] == 'I' && tiff[1] == 'I') || (tiff[0] == 'M' && tiff[1] == 'M')))
        return not_whole(error, "TIFF", "no TIFF byte order mark");
    Order o = {tiff[0] == 'M'};
    if (rd16(&o, tiff + 2) != 42)
        return not_whole(error, "TIFF", "not a classic TIFF (BigTIFF is given as received)");
    guint32 ifd = rd32(&o, tiff + 4);
    if (ifd < 8 || ifd > len - 2)
        return not_whole(error, "TIFF", "the first IFD is outside the file");
    guint16 count = rd16(&o, tiff + ifd);
    if ((gsize)count * 12 + 6 > len - ifd)
        return not_whole(error, "TIFF", "the first IFD runs past the end");
    gsize iim_len = iim ? g_bytes_get_size(iim) : 0, irb_len = irb ? g_bytes_get_size(irb) : 0;
    if ((guint64)len + xmp_len + iim_len + irb_len + (count + 3) * 12 + 64 > G_MAXUINT32) {
        g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_EMBED,
                    "the TIFF would grow past 4 GiB");
        return NULL;
    }
    GByteArray *out = g_byte_array_sized_new((guint)(len + xmp_len + iim_len + irb_len + 512));
    g_byte_array_append(out, tiff, (guint)len);
    g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(Entry));
    for (guint16 i = 0; i < count; i++) {
        Entry e;
        memcpy(e.entry, tiff + ifd + 2 + (gsize)i * 12, 12);
        e.tag = rd16(&o, e.entry);
        if (e.tag != TAG_XMP && e.tag != TAG_IPTC && e.tag != TAG_PHOTOSHOP)
            g_array_append_val(entries, e);
    }
    const struct {
        guint16 tag, type;
        const guint8 *data;
        gsize n;
    } added[] = {
        {TAG_XMP, TYPE_BYTE, (const guint8 *)xmp, xmp_len},
        {TAG_IPTC, TYPE_UNDEFINED, iim ? g_bytes_get_data(iim, NULL) : NULL, iim_len},
        {TAG_PHOTOSHOP, TYPE_UNDEFINED, irb ? g_bytes_get_data(irb, NULL) : NULL, irb_len},
    };
    for (guint i = 0; i < G_N_ELEMENTS(added); i++) {
        if (added[i].n == 0)
            continue;
        Entry e = {.tag = added[i].tag};
        wr16(&o, e.entry, added[i].tag);
        wr16(&o, e.entry + 2, added[i].type);
        wr32(&o, e.entry + 4, (guint32)added[i].n);
        if (added[i].n <= 4) {
            memset(e.entry + 8, 0, 4);
            memcpy(e.entry + 8, added[i].data, added[i].n);
        } else {
            wr32(&o, e.entry + 8, append_aligned(out, added[i].data, added[i].n));
        }
        g_array_append_val(entries, e);
    }
    if (entries->len > G_MAXUINT16) {
        g_byte_array_unref(out);
        return not_whole(error, "TIFF", "its first IFD is full");
    }
    g_array_sort(entries, by_tag);
    /* the new first IFD: its entries in tag order, then the old next-IFD offset */
    guint8 n16[2];
    wr16(&o, n16, (guint16)entries->len);
    guint32 at = append_aligned(out, n16, 2);
    for (guint i = 0; i < entries->len; i++)
        g_byte_array_append(out, g_array_index(entries, Entry, i).entry, 12);
    g_byte_array_append(out, tiff + ifd + 2 + (gsize)count * 12, 4);
    wr32(&o, out->data + 4, at);
    return g_byte_array_free_to_bytes(out);
}
