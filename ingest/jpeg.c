/* jpeg.c: walking a JPEG's segments up to its scan: EXIF and XMP (with extended XMP)
 * in APP1, Photoshop resources in APP13 (consecutive segments joined, as exiftool does),
 * the frame's size; then the end marker, whether the scan can hold the picture, and the
 * hash of the picture without its metadata.
 *
 * Only the file's head may be in memory (PdInput): running out of it asks for more
 * rather than calling the file truncated. */
#include "assets/assets.h"
#include "ingest/sources.h"

#include <setjmp.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <string.h>

#include <jpeglib.h>

#define XMP_EXT_SIG "http://ns.adobe.com/xmp/extension/"
#define PS_SIG      "Photoshop 3.0"
#define PS_OLD_SIG  "Adobe_Photoshop2.5:"

typedef struct {
    char guid[33];
    guint32 full_len;
    GByteArray *data;
    gsize received;
} ExtendedXmp;

static void
extended_xmp_free(gpointer p)
{
    ExtendedXmp *x = p;
    g_byte_array_unref(x->data);
    g_free(x);
}

static void
add_extended_xmp_chunk(GPtrArray *chunks, PdPhotoMeta *meta, const guint8 *p, gsize n)
{
    /* GUID (32 hex digits), full length, offset of this chunk, data */
    if (n < 40) {
        pd_meta_warn(meta, TRUE, "XMP: extended XMP segment too short");
        return;
    }
    guint32 full = pd_be32(p + 32), off = pd_be32(p + 36);
    const guint8 *chunk = p + 40;
    gsize clen = n - 40;
    if (full > PD_XMP_MAX_BYTES) {
        pd_meta_warn(meta, FALSE, "XMP: extended XMP of %u bytes is over the limit (not read)",
                     full);
        return;
    }
    if (off > full || clen > full - off) {
        pd_meta_warn(meta, TRUE, "XMP: extended XMP chunk at %u runs past its declared length",
                     off);
        return;
    }
    ExtendedXmp *x = NULL;
    for (guint i = 0; i < chunks->len; i++) {
        ExtendedXmp *c = g_ptr_array_index(chunks, i);
        if (memcmp(c->guid, p, 32) == 0)
            x = c;
    }
    if (x == NULL) {
        x = g_new0(ExtendedXmp, 1);
        memcpy(x->guid, p, 32);
        x->full_len = full;
        x->data = g_byte_array_sized_new(full);
        g_byte_array_set_size(x->data, full);
        memset(x->data->data, ' ', full);
        g_ptr_array_add(chunks, x);
    } else if (x->full_len != full) {
        pd_meta_warn(meta, TRUE, "XMP: extended XMP chunks disagree on the total length");
        return;
    }
    memcpy(x->data->data + off, chunk, clen);
    x->received += clen;
}

static void
finish_extended_xmp(PdSources *src, PdPhotoMeta *meta, GPtrArray *chunks)
{
    if (chunks->len == 0)
        return;
    const char *want = pd_xmp_get_text(src->xmp, "xmpNote:HasExtendedXMP");
    for (guint i = 0; i < chunks->len; i++) {
        ExtendedXmp *x = g_ptr_array_index(chunks, i);
        if (want == NULL || strcmp(want, x->guid) != 0) {
            pd_meta_warn(meta, FALSE,
                         "XMP: extended XMP %s is not the one the main XMP names "
                         "(ignored)",
                         x->guid);
            continue;
        }
        if (x->received < x->full_len)
            pd_meta_warn(meta, TRUE, "XMP: extended XMP is incomplete (%zu of %u bytes)",
                         x->received, x->full_len);
        pd_sources_read_xmp(src, meta, x->data->data, x->data->len);
    }
}

/* "XMP\0://ns.adobe.com/xap/1.0/\0": the standard signature's length, mangled at its
 * start by some writers. */
static gboolean
is_damaged_xmp_header(const guint8 *p)
{
    static const char tail[] = "://ns.adobe.com/xap/1.0/";
    return memcmp(p, "XMP\0", 4) == 0 && memcmp(p + 4, tail, sizeof tail) == 0;
}

static gboolean
is_sof(guint8 m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

static const char *
jpeg_segment_name(guint8 m)
{
    static const char *const app[16] = {"APP0",  "APP1",  "APP2",  "APP3", "APP4",  "APP5",
                                        "APP6",  "APP7",  "APP8",  "APP9", "APP10", "APP11",
                                        "APP12", "APP13", "APP14", "APP15"};
    if (m >= 0xE0 && m <= 0xEF)
        return app[m - 0xE0];
    switch (m) {
    case 0xDB:
        return "DQT";
    case 0xC4:
        return "DHT";
    case 0xDA:
        return "SOS";
    case 0xFE:
        return "COM";
    case 0xDD:
        return "DRI";
    default:
        return is_sof(m) ? "SOF" : "segment";
    }
}

static void
flush_app13(PdSources *src, PdPhotoMeta *meta, GByteArray **pending, gsize header)
{
    if (*pending == NULL)
        return;
    pd_sources_read_irb(src, meta, (*pending)->data + header, (*pending)->len - header,
                        PD_IIM_PLACE_STANDARD);
    g_byte_array_unref(*pending);
    *pending = NULL;
}

/* TRUE when an FF D9 (end of image) lies after @from. The entropy-coded data cannot
 * contain FF D9, so a JPEG without one after its scan was cut short. Trailers
 * (PhotoMechanic's, padding) follow the marker: the search runs backwards from the end,
 * which finds it at once in a whole file. */
static gboolean
has_end_marker(const PdInput *in, gsize from, gsize until, gsize *end_of_image)
{
    *end_of_image = 0;
    if (in->fd < 0) {
        for (gsize i = MIN(in->n, until) - 1; i > from; i--) {
            if (in->d[i] == 0xD9 && in->d[i - 1] == 0xFF) {
                *end_of_image = i + 1;
                return TRUE;
            }
        }
        return FALSE;
    }
    guint8 buf[16384];
    gsize end = MIN(in->size, until);
    int after = -1; /* first byte of the window searched before, or -1 */
    while (end > from) {
        gsize start = end - MIN(end - from, sizeof buf);
        gssize got = pd_read_at(in->fd, buf, end - start, start);
        if (got != (gssize)(end - start))
            return TRUE; /* cannot tell; do not call the photo damaged for it */
        if (after == 0xD9 && buf[got - 1] == 0xFF)
            return TRUE;
        for (gssize i = got - 1; i > 0; i--)
            if (buf[i] == 0xD9 && buf[i - 1] == 0xFF)
                return TRUE;
        after = buf[0];
        end = start;
    }
    return FALSE;
}

/* @len bytes of the photo at @offset, from memory or from the file; FALSE when they are
 * not there. */
static gboolean
input_at(const PdInput *in, guint8 *buf, gsize len, gsize offset)
{
    if (offset > in->size || len > in->size - offset)
        return FALSE;
    if (offset + len <= in->n) {
        memcpy(buf, in->d + offset, len);
        return TRUE;
    }
    return in->fd >= 0 && pd_read_at(in->fd, buf, len, offset) == (gssize)len;
}

/* FotoWare FotoStation's trailer after the end of the image: records read backwards
 * from the end of the file, each its data then a footer (tag, size with the footer, the
 * signature A1B2C3D4, big-endian). Record 1 is an IIM block: IPTC in a place that is
 * not JPEG's standard one, read after the APP13 blocks as exiftool reads it (IPTC2).
 * Returns where the trailer starts (the photo's size when it has none): its records
 * (a thumbnail is a JPEG) are not the image's end. */
#define FOTOSTATION_SIGNATURE   0xA1B2C3D4u
#define FOTOSTATION_MAX_RECORDS 16
#define FOTOSTATION_MAX_IIM     (1u << 20) /* an IIM block of captions is a few KB */

static gsize
read_fotostation(PdSources *src, PdPhotoMeta *meta, const PdInput *in, gsize from)
{
    gsize end = in->size;
    for (int r = 0; r < FOTOSTATION_MAX_RECORDS && end >= from + 10; r++) {
        guint8 foot[10];
        if (!input_at(in, foot, 10, end - 10))
            return end;
        guint16 tag = pd_be16(foot);
        guint32 size = pd_be32(foot + 2);
        if (pd_be32(foot + 6) != FOTOSTATION_SIGNATURE || size < 10 || size > end - from)
            return end;
        gsize start = end - size, len = size - 10;
        if (tag == 1 && len > FOTOSTATION_MAX_IIM) {
            pd_meta_warn(meta, FALSE,
                         "IPTC: FotoStation trailer block of %zu bytes is over the "
                         "limit (not read)",
                         len);
        } else if (tag == 1) {
            g_autofree guint8 *data = g_malloc(MAX(len, 1));
            if (!input_at(in, data, len, start))
                return end;
            pd_sources_add_iim(src, data, len, PD_IIM_PLACE_NONSTANDARD, meta);
        }
        end = start;
    }
    return end;
}

/* Whether @bytes of Huffman-coded image data can hold a picture of @w x @h: every 8 x 8
 * block of luminance takes at least one bit (its DC difference, even in a progressive
 * file's first scan), so fewer bytes than an eighth of the blocks is a header that lies
 * about the size, or data cut and closed with an end marker. libjpeg fills what is
 * missing with grey and only warns; the picture would be stored at a size it never had. */
static void
check_scan_size(PdPhotoMeta *meta, int w, int h, gsize bytes)
{
    guint64 blocks = (guint64)((w + 7) / 8) * (guint64)((h + 7) / 8);
    if ((guint64)bytes * 8 >= blocks)
        return;
    g_free(meta->refusal);
    meta->refusal = g_strdup_printf(
        "JPEG: %zu bytes of image data cannot hold %d x %d pixels (not even one bit for each "
        "of its %" G_GUINT64_FORMAT " blocks): the header lies about the size, or the data was "
        "cut short",
        bytes, w, h, blocks);
    pd_meta_warn(meta, TRUE, "%s", meta->refusal);
}

void
pd_walk_jpeg(PdSources *src, PdPhotoMeta *meta, const PdInput *in)
{
    const guint8 *d = in->d;
    gsize n = in->n;
    /* Only the head of a file is in memory: running out of it means reading more. */
#define NEED_MORE()                                                                                \
    if (n < in->size) {                                                                            \
        src->need_more = TRUE;                                                                     \
        return;                                                                                    \
    }
    gsize pos = 2;
    gboolean scan = FALSE;
    gboolean have_xmp = FALSE;
    guint8 last = 0xD8;                 /* the last segment's marker */
    g_autoptr(GByteArray) app13 = NULL; /* consecutive Photoshop APP13 segments, joined */
    gsize app13_header = 0;
    g_autoptr(GPtrArray) ext = g_ptr_array_new_with_free_func(extended_xmp_free);
    g_autoptr(GByteArray) probe = g_byte_array_sized_new(2048);
    g_byte_array_append(probe, d, 2);

    while (!scan) {
        if (pos >= n) {
            NEED_MORE();
            pd_sources_broken(src, meta, "JPEG: file ends before the image data (no SOS segment)");
            break;
        }
        if (d[pos] != 0xFF) {
            /* stray bytes between segments (a writer's padding, a length off by a few):
             * libjpeg and exiftool skip to the next marker, and so does photodesk */
            gsize at = pos;
            while (at + 1 < n && !(d[at] == 0xFF && (d[at + 1] == 0x01 || d[at + 1] >= 0xC0) &&
                                   d[at + 1] != 0xFF))
                at++;
            if (at + 1 >= n) {
                NEED_MORE();
                pd_sources_broken(src, meta, "JPEG: expected a marker at offset %zu, found 0x%02X",
                                  pos, d[pos]);
                break;
            }
            pd_meta_warn(meta, FALSE, "JPEG: skipped %zu unknown bytes after the %s segment",
                         at - pos, jpeg_segment_name(last));
            pos = at;
        }
        while (pos < n && d[pos] == 0xFF)
            pos++; /* fill bytes */
        if (pos >= n) {
            NEED_MORE();
            pd_sources_broken(src, meta, "JPEG: file ends inside a marker");
            break;
        }
        guint8 m = d[pos++];
        last = m;
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue; /* markers without a length */
        if (m == 0xD9) {
            pd_sources_broken(src, meta, "JPEG: end of image before any image data");
            break;
        }
        if (n - pos < 2) {
            NEED_MORE();
            pd_sources_broken(src, meta, "JPEG: file ends inside the %s segment header",
                              jpeg_segment_name(m));
            break;
        }
        gsize seglen = pd_be16(d + pos);
        if (seglen < 2) {
            pd_sources_broken(src, meta, "JPEG: %s segment at offset %zu has an invalid length",
                              jpeg_segment_name(m), pos - 2);
            break;
        }
        if (seglen > n - pos) {
            NEED_MORE();
            pd_sources_broken(src, meta,
                              "JPEG: file is truncated inside the %s segment at offset %zu "
                              "(%zu of %zu bytes present)",
                              jpeg_segment_name(m), pos - 2, n - pos, seglen);
            break;
        }
        const guint8 *p = d + pos + 2;
        gsize plen = seglen - 2;
        if (!(m >= 0xE0 && m <= 0xEF) && m != 0xFE) {
            guint8 marker[2] = {0xFF, m};
            g_byte_array_append(probe, marker, 2);
            g_byte_array_append(probe, d + pos, (guint)seglen);
        }
        pos += seglen;

        gboolean is_ps = m == 0xED && ((plen >= 14 && memcmp(p, PS_SIG "\0", 14) == 0) ||
                                       (plen >= 27 && memcmp(p, PS_OLD_SIG, 19) == 0));
        if (!is_ps)
            flush_app13(src, meta, &app13, app13_header);

        if (m == 0xE1 && plen >= 6 && memcmp(p, "Exif\0", 5) == 0) {
            pd_sources_read_exif(src, meta, p, plen);
        } else if (m == 0xE1 && plen >= sizeof PD_XMP_SIG &&
                   (memcmp(p, PD_XMP_SIG, sizeof PD_XMP_SIG) == 0 || is_damaged_xmp_header(p))) {
            /* "XMP\0://ns.adobe.com/xap/1.0/" is a writer's mangled signature: exiftool
             * reads the packet, and says so */
            if (memcmp(p, PD_XMP_SIG, sizeof PD_XMP_SIG) != 0)
                pd_meta_warn(meta, FALSE,
                             "XMP: APP1 segment at offset %zu has a non-standard header "
                             "(read all the same)",
                             pos - seglen - 2);
            /* a second packet (a re-issue adds its own): its properties replace the
             * first's, as exiftool reads them */
            if (have_xmp)
                pd_sources_read_xmp_over(src, meta, p + sizeof PD_XMP_SIG,
                                         plen - sizeof PD_XMP_SIG);
            else
                pd_sources_read_xmp(src, meta, p + sizeof PD_XMP_SIG, plen - sizeof PD_XMP_SIG);
            have_xmp = TRUE;
        } else if (m == 0xE1 && plen >= sizeof XMP_EXT_SIG &&
                   memcmp(p, XMP_EXT_SIG, sizeof XMP_EXT_SIG) == 0) {
            add_extended_xmp_chunk(ext, meta, p + sizeof XMP_EXT_SIG, plen - sizeof XMP_EXT_SIG);
        } else if (is_ps) {
            gboolean old = memcmp(p, PS_OLD_SIG, 19) == 0;
            if (app13 == NULL) {
                app13 = g_byte_array_sized_new((guint)plen);
                g_byte_array_append(app13, p, (guint)plen);
                app13_header = old ? 27 : 14;
            } else {
                /* exiftool joins consecutive Photoshop APP13 segments: a resource list
                 * too long for one segment continues in the next. */
                gsize skip = old ? 27 : 14;
                g_byte_array_append(app13, p + skip, (guint)(plen - skip));
            }
        } else if (m == 0xEB && plen >= 8 && memcmp(p, "JP", 2) == 0 &&
                   pd_c2pa_is_manifest_store(p + 8, plen - 8)) {
            /* JPEG XT: "JP", box instance, packet sequence, then the JUMBF box */
            pd_sources_found_c2pa(meta, "JPEG APP11");
        } else if (is_sof(m) && plen >= 5 && src->sof_width == 0) {
            src->sof_height = pd_be16(p + 1);
            src->sof_width = pd_be16(p + 3);
            src->sof_huffman = m <= 0xC7;
        } else if (m == 0xDA) {
            scan = TRUE;
        }
    }
    flush_app13(src, meta, &app13, app13_header);
    finish_extended_xmp(src, meta, ext);
    if (scan)
        src->jpeg_probe = g_steal_pointer(&probe);

    /* the trailer first: the end of the image is looked for before it */
    gsize trailer = scan ? read_fotostation(src, meta, in, pos) : in->size;
    gsize end_of_image = 0;
    if (scan && !has_end_marker(in, pos, trailer, &end_of_image))
        pd_meta_warn(meta, TRUE,
                     "JPEG: file is truncated inside the image data (no end of "
                     "image marker)");
    if (scan && src->sof_huffman && src->sof_width > 0 && src->sof_height > 0)
        check_scan_size(meta, src->sof_width, src->sof_height,
                        (end_of_image > pos ? end_of_image : in->size) - pos);
    if (scan && end_of_image > pos && src->jpeg_probe) {
        /* The picture without its metadata: the structural segments and the scan. A
         * re-transmission with a corrected caption has the same; see PdPhotoMeta. */
        PdSha256 *h = pd_sha256_new();
        pd_sha256_update(h, src->jpeg_probe->data, src->jpeg_probe->len);
        pd_sha256_update(h, d + pos, end_of_image - pos);
        pd_sha256_finish(h, meta->image_sha256);
    }
#undef NEED_MORE
}

/* ---------------------------------------------------------------- the header */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} HeaderError;

static void
header_error_exit(j_common_ptr cinfo)
{
    HeaderError *e = (HeaderError *)cinfo->err;
    cinfo->err->format_message(cinfo, e->message);
    longjmp(e->jump, 1);
}

static void
header_output_message(j_common_ptr cinfo)
{
    (void)cinfo; /* warnings: the walker has said what is odd about the file */
}

gboolean
pd_jpeg_read_header(const guint8 *d, gsize n, int *width, int *height, char **why)
{
    struct jpeg_decompress_struct cinfo;
    HeaderError err;
    memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = header_error_exit;
    err.pub.output_message = header_output_message;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        *why = g_strdup(err.message);
        return FALSE;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, d, (unsigned long)n);
    jpeg_read_header(&cinfo, TRUE);
    gboolean ok =
        cinfo.num_components == 1 || cinfo.num_components == 3 || cinfo.num_components == 4;
    if (ok) {
        *width = (int)cinfo.image_width;
        *height = (int)cinfo.image_height;
    } else {
        *why = g_strdup_printf("%d colour components (1, 3 or 4 are read)", cinfo.num_components);
    }
    jpeg_destroy_decompress(&cinfo);
    return ok;
}
