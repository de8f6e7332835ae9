/* png.c: walking a PNG's chunks: the size from IHDR, EXIF from eXIf, XMP from its iTXt,
 * and ImageMagick's "Raw profile type" text chunks (IPTC, 8BIM, EXIF, XMP as hex). Every
 * compressed text counts against one inflation budget for the file. */
#include "ingest/sources.h"

#include <gio/gio.h>
#include <string.h>

/* What a file's compressed metadata may inflate to, all its chunks together: a budget
 * per file, not per chunk (a PNG of a hundred chunks of 64 MiB each cost half a minute
 * of CPU). XMP, the largest metadata there is, is at most 16 MiB, 32 as hex digits. */
#define MAX_INFLATE_FILE (64u * 1024u * 1024u)

/* zlib-inflates @len bytes; NULL (and a warning) on error. Past the file's budget
 * (src->inflated), the file is refused (meta->refusal). */
static GBytes *
inflate_zlib(PdSources *src, PdPhotoMeta *meta, const char *what, const guint8 *data, gsize len)
{
    if (meta->refusal)
        return NULL; /* over budget already: nothing more is inflated */
    g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
    GByteArray *out = g_byte_array_new();
    guint8 buf[16384];
    gsize in_off = 0;
    for (;;) {
        gsize read = 0, written = 0;
        g_autoptr(GError) error = NULL;
        GConverterResult r =
            g_converter_convert(G_CONVERTER(z), data + in_off, len - in_off, buf, sizeof buf,
                                G_CONVERTER_INPUT_AT_END, &read, &written, &error);
        in_off += read;
        g_byte_array_append(out, buf, (guint)written);
        src->inflated += written;
        if (src->inflated > MAX_INFLATE_FILE) {
            meta->refusal = g_strdup_printf(
                "PNG: its compressed metadata inflates to more than %u MiB in all (a "
                "decompression bomb?): not read",
                MAX_INFLATE_FILE >> 20);
            pd_meta_warn(meta, TRUE, "%s", meta->refusal);
            g_byte_array_unref(out);
            return NULL;
        }
        if (r == G_CONVERTER_ERROR) {
            pd_meta_warn(meta, TRUE, "PNG: %s: compressed data is damaged (%s)", what,
                         error->message);
            g_byte_array_unref(out);
            return NULL;
        }
        if (r == G_CONVERTER_FINISHED)
            break;
        if (read == 0 && written == 0) {
            pd_meta_warn(meta, TRUE, "PNG: %s: compressed data ends early", what);
            g_byte_array_unref(out);
            return NULL;
        }
    }
    return g_byte_array_free_to_bytes(out);
}

static int
hex_value(guint8 c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ImageMagick's "Raw profile type X": "\nX\n   <length>\n<hex digits, wrapped>". */
static GBytes *
decode_raw_profile(PdPhotoMeta *meta, const char *key, const guint8 *p, gsize n)
{
    gsize i = 0;
    if (i < n && p[i] == '\n')
        i++;
    while (i < n && p[i] != '\n')
        i++; /* profile name */
    while (i < n && g_ascii_isspace(p[i]))
        i++;
    guint64 declared = 0;
    gsize digits = 0;
    while (i < n && g_ascii_isdigit(p[i]) && digits < 12) {
        declared = declared * 10 + (guint64)(p[i++] - '0');
        digits++;
    }
    if (digits == 0) {
        pd_meta_warn(meta, TRUE, "PNG: %s has no length line", key);
        return NULL;
    }
    GByteArray *out = g_byte_array_sized_new((guint)MIN(declared, (guint64)(n / 2 + 1)));
    int hi = -1;
    for (; i < n; i++) {
        int v = hex_value(p[i]);
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            guint8 b = (guint8)(hi << 4 | v);
            g_byte_array_append(out, &b, 1);
            hi = -1;
        }
    }
    if (out->len != declared)
        pd_meta_warn(meta, FALSE, "PNG: %s is %u bytes, not the %" G_GUINT64_FORMAT " it declares",
                     key, out->len, declared);
    return g_byte_array_free_to_bytes(out);
}

static void
read_raw_profile(PdSources *src, PdPhotoMeta *meta, const char *key, const guint8 *p, gsize n)
{
    g_autoptr(GBytes) bytes = decode_raw_profile(meta, key, p, n);
    if (bytes == NULL)
        return;
    gsize len;
    const guint8 *b = g_bytes_get_data(bytes, &len);
    const char *type = key + strlen("Raw profile type ");
    if (g_ascii_strcasecmp(type, "iptc") == 0) {
        if (len > 0 && b[0] == 0x1C)
            pd_sources_add_iim(src, b, len, PD_IIM_PLACE_ANY, meta);
        else
            pd_sources_read_irb(src, meta, b, len, PD_IIM_PLACE_ANY);
    } else if (g_ascii_strcasecmp(type, "8bim") == 0) {
        pd_sources_read_irb(src, meta, b, len, PD_IIM_PLACE_ANY);
    } else if (g_ascii_strcasecmp(type, "exif") == 0 || g_ascii_strcasecmp(type, "app1") == 0) {
        if (len >= sizeof PD_XMP_SIG && memcmp(b, PD_XMP_SIG, sizeof PD_XMP_SIG) == 0)
            pd_sources_read_xmp(src, meta, b + sizeof PD_XMP_SIG, len - sizeof PD_XMP_SIG);
        else
            pd_sources_read_exif(src, meta, b, len);
    } else if (g_ascii_strcasecmp(type, "xmp") == 0) {
        pd_sources_read_xmp(src, meta, b, len);
    }
}

/* tEXt, zTXt and iTXt chunks: the keyword, then the (possibly compressed) text. */
static void
read_png_text(PdSources *src, PdPhotoMeta *meta, const char *type, const guint8 *p, gsize n)
{
    const guint8 *nul = memchr(p, 0, MIN(n, 80));
    if (nul == NULL)
        return;
    g_autofree char *key = g_strndup((const char *)p, (gsize)(nul - p));
    gboolean raw_profile = g_str_has_prefix(key, "Raw profile type ");
    gboolean xmp = strcmp(key, "XML:com.adobe.xmp") == 0;
    /* Every compressed text is inflated, whatever its keyword, to count it against the
     * file's budget: libpng inflates them all when libvips reads the header. */
    const guint8 *t = nul + 1;
    gsize tlen = n - (gsize)(t - p);
    gboolean compressed = FALSE;
    if (strcmp(type, "zTXt") == 0) {
        if (tlen < 1)
            return;
        compressed = TRUE;
        t++;
        tlen--;
    } else if (strcmp(type, "iTXt") == 0) {
        /* compression flag, method, language tag NUL, translated keyword NUL */
        if (tlen < 2)
            return;
        compressed = t[0] != 0;
        t += 2;
        tlen -= 2;
        for (int field = 0; field < 2; field++) {
            const guint8 *z = memchr(t, 0, tlen);
            if (z == NULL) {
                pd_meta_warn(meta, TRUE, "PNG: iTXt chunk %s is malformed", key);
                return;
            }
            tlen -= (gsize)(z + 1 - t);
            t = z + 1;
        }
    }
    if (!raw_profile && !xmp && !compressed)
        return;
    g_autoptr(GBytes) inflated = NULL;
    if (compressed) {
        inflated = inflate_zlib(src, meta, key, t, tlen);
        if (inflated == NULL)
            return;
        t = g_bytes_get_data(inflated, &tlen);
    }
    if (!raw_profile && !xmp)
        return;
    if (xmp)
        pd_sources_read_xmp(src, meta, t, tlen);
    else
        read_raw_profile(src, meta, key, t, tlen);
}

void
pd_walk_png(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n)
{
    gsize pos = 8;
    gboolean end = FALSE;
    while (pos + 8 <= n) {
        guint32 len = pd_be32(d + pos);
        char type[5];
        memcpy(type, d + pos + 4, 4);
        type[4] = 0;
        if (len > 0x7FFFFFFFu || len > n - pos - 8 || n - pos - 8 - len < 4) {
            pd_sources_broken(src, meta,
                              "PNG: chunk \"%s\" at offset %zu runs past the end of the "
                              "file",
                              g_ascii_isalpha(type[0]) ? type : "?", pos);
            break;
        }
        for (int i = 0; i < 4; i++) {
            if (!g_ascii_isalpha(type[i])) {
                pd_sources_broken(src, meta, "PNG: invalid chunk type at offset %zu", pos);
                return;
            }
        }
        const guint8 *p = d + pos + 8;
        if (strcmp(type, "IHDR") == 0 && len >= 8) {
            src->sof_width = (int)MIN(pd_be32(p), (guint32)G_MAXINT);
            src->sof_height = (int)MIN(pd_be32(p + 4), (guint32)G_MAXINT);
        } else if (strcmp(type, "eXIf") == 0 || strcmp(type, "zxIf") == 0) {
            pd_sources_read_exif(src, meta, p, len);
        } else if (strcmp(type, "tEXt") == 0 || strcmp(type, "zTXt") == 0 ||
                   strcmp(type, "iTXt") == 0) {
            read_png_text(src, meta, type, p, len);
        } else if (strcmp(type, "caBX") == 0 && pd_c2pa_is_manifest_store(p, len)) {
            pd_sources_found_c2pa(meta, "PNG caBX chunk");
        } else if (strcmp(type, "IEND") == 0) {
            end = TRUE;
            break;
        }
        pos += 12 + (gsize)len;
    }
    if (!end && !src->broken)
        pd_sources_broken(src, meta, "PNG: file is truncated (no IEND chunk)");
}
