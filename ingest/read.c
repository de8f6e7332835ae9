/* read.c: opening a photo once and finding its metadata.
 *
 * The file is mapped, not read: a 9 MB JPEG keeps its metadata in its first few hundred
 * kilobytes, and only the pages photodesk touches are read from disk. The format is
 * chosen by magic bytes, never by name; libvips reads the header (size, and that it is
 * an image at all) with the loader for that format only; photodesk's own container
 * walkers find the EXIF, IIM and XMP blocks, since libvips keeps only one of each and
 * a news JPEG may carry several APP13 segments, several IIM blocks and extended XMP.
 *
 * Every walker reads untrusted bytes: each length is checked against what remains
 * before it is used, and each loop advances.
 */
#include "assets/assets.h"
#include "ingest/ingest.h"
#include "ingest/sources.h"
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gmodule.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

G_DEFINE_QUARK(pd_ingest_error, pd_ingest_error)

/* The bytes of a photo: all of them in memory, or, for a JPEG file, its head (every
 * segment up to the scan) with the file still open, to look for the end marker. */
typedef struct {
    const guint8 *d;
    gsize n;    /* bytes at d */
    gsize size; /* bytes in the photo */
    int fd;     /* -1 when d holds all of it */
} Input;

/* The libvips loader for each format, found once at start-up (a look-up by name costs
 * more than reading a JPEG header). Read-only after pd_ingest_init(). */
static GType loader_type[PD_FORMAT_HEIF + 1];

static const char *const loader_name[PD_FORMAT_HEIF + 1] = {
    [PD_FORMAT_JPEG] = "jpegload_buffer", [PD_FORMAT_PNG] = "pngload_buffer",
    [PD_FORMAT_WEBP] = "webpload_buffer", [PD_FORMAT_TIFF] = "tiffload_buffer",
    [PD_FORMAT_HEIF] = "heifload_buffer",
};

/* Their GType names: g_type_from_name() is a hash look-up, vips_type_find() a walk over
 * every class libvips has. */
static const char *const loader_class[PD_FORMAT_HEIF + 1] = {
    [PD_FORMAT_JPEG] = "VipsForeignLoadJpegBuffer", [PD_FORMAT_PNG] = "VipsForeignLoadPngBuffer",
    [PD_FORMAT_WEBP] = "VipsForeignLoadWebpBuffer", [PD_FORMAT_TIFF] = "VipsForeignLoadTiffBuffer",
    [PD_FORMAT_HEIF] = "VipsForeignLoadHeifBuffer",
};

static GType
find_loader(PdFormat format)
{
    GType t = g_type_from_name(loader_class[format]);
    return t ? t : vips_type_find("VipsOperation", loader_name[format]);
}

/* libvips opens only what photodesk reads: every loader is blocked inside libvips, then
 * the five photodesk supports are let through; whatever bytes reach any libvips call,
 * no other decoder (GIF, SVG, PDF, FITS...) ever runs on them. */
static void
allow_only_photo_loaders(void)
{
    static const char *const allowed[] = {"VipsForeignLoadJpeg", "VipsForeignLoadPng",
                                          "VipsForeignLoadWebp", "VipsForeignLoadTiff",
                                          "VipsForeignLoadHeif"};
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (gsize i = 0; i < G_N_ELEMENTS(allowed); i++)
        vips_operation_block_set(allowed[i], FALSE);
}

/* The HEIF loader is a libvips module whose decoder libraries take milliseconds to
 * initialise; it is loaded when the first HEIF file arrives. */
static GType
heif_loader(void)
{
    static gsize once = 0;
    static GType type = 0;
    if (g_once_init_enter(&once)) {
        type = find_loader(PD_FORMAT_HEIF);
#ifdef PD_VIPS_MODULE_DIR
        if (type == 0) {
            GModule *heif = g_module_open(PD_VIPS_MODULE_DIR "/vips-heif.so", G_MODULE_BIND_LAZY);
            if (heif) {
                g_module_make_resident(heif);
                type = find_loader(PD_FORMAT_HEIF);
                /* what the module brought obeys the blocks too */
                allow_only_photo_loaders();
            }
        }
#endif
        g_once_init_leave(&once, 1);
    }
    return type;
}

static void
drop_vips_log(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
    /* Header reads of damaged files make libjpeg and libtiff chatter; what matters
     * reaches the photo's warnings through vips_error_buffer(). */
}

gboolean
pd_ingest_init(const char *argv0, GError **error)
{
    static gsize once = 0;
    static gboolean ok = FALSE;
    if (!g_once_init_enter(&once))
        return ok;

    /* libvips loads every module it finds at start-up: ImageMagick, poppler, OpenSlide,
     * JPEG XL. photodesk opens five formats, and of those only HEIF lives in a module.
     * Point libvips at no module folder and load that one module here: start-up is
     * 30 ms shorter and the untrusted loaders are not even in the process. */
    g_autofree char *old_home = g_strdup(g_getenv("VIPSHOME"));
    g_setenv("VIPSHOME", "/nonexistent/photodesk-loads-its-own-modules", TRUE);
    int r = VIPS_INIT(argv0 ? argv0 : "photodesk");
    if (old_home)
        g_setenv("VIPSHOME", old_home, TRUE);
    else
        g_unsetenv("VIPSHOME");
    if (r != 0) {
        g_autofree char *why = vips_error_buffer_copy();
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_INIT, "libvips failed to start: %s",
                    why);
        g_once_init_leave(&once, 1);
        return FALSE;
    }
    /* Photos come from outside: only the five loaders photodesk uses may run. */
    allow_only_photo_loaders();
    /* A photo is read once; the operation cache would only hold on to its buffer. */
    vips_cache_set_max(0);
    /* Parallelism is one photo per worker; libvips' own threads add little. */
    vips_concurrency_set(1);
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO,
                      drop_vips_log, NULL);
    for (int f = PD_FORMAT_JPEG; f < PD_FORMAT_HEIF; f++)
        loader_type[f] = find_loader(f);
    ok = TRUE;
    g_once_init_leave(&once, 1);
    return TRUE;
}

const char *
pd_format_name(PdFormat format)
{
    switch (format) {
    case PD_FORMAT_JPEG:
        return "jpeg";
    case PD_FORMAT_PNG:
        return "png";
    case PD_FORMAT_WEBP:
        return "webp";
    case PD_FORMAT_TIFF:
        return "tiff";
    case PD_FORMAT_HEIF:
        return "heif";
    default:
        return "unknown";
    }
}

static guint32
be32(const guint8 *p)
{
    return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

static guint16
be16(const guint8 *p)
{
    return (guint16)((p[0] << 8) | p[1]);
}

static guint32
le32(const guint8 *p)
{
    return ((guint32)p[3] << 24) | ((guint32)p[2] << 16) | ((guint32)p[1] << 8) | p[0];
}

static gboolean
is_heif_brand(const guint8 *b)
{
    static const char *brands[] = {"heic", "heix", "hevc", "hevx", "heim", "heis",
                                   "mif1", "msf1", "avif", "avis", "mif2"};
    for (gsize i = 0; i < G_N_ELEMENTS(brands); i++)
        if (memcmp(b, brands[i], 4) == 0)
            return TRUE;
    return FALSE;
}

PdFormat
pd_ingest_sniff_format(const guint8 *d, gsize n)
{
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return PD_FORMAT_JPEG;
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return PD_FORMAT_PNG;
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        return PD_FORMAT_WEBP;
    if (n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0 ||
                   memcmp(d, "II+\0", 4) == 0 || memcmp(d, "MM\0+", 4) == 0))
        return PD_FORMAT_TIFF;
    if (n >= 16 && memcmp(d + 4, "ftyp", 4) == 0) {
        /* The major brand, then the compatible brands of the ftyp box. */
        gsize box = be32(d);
        if (box < 16 || box > n)
            box = MIN(n, 64);
        if (is_heif_brand(d + 8))
            return PD_FORMAT_HEIF;
        for (gsize off = 16; off + 4 <= box; off += 4)
            if (is_heif_brand(d + off))
                return PD_FORMAT_HEIF;
    }
    return PD_FORMAT_UNKNOWN;
}

/* A reason for a file that is not an image photodesk opens, for a person to read. */
static char *
describe_unknown(const guint8 *d, gsize n)
{
    static const struct {
        const char *magic;
        gsize len;
        const char *what;
    } others[] = {
        {"GIF8", 4, "a GIF image"},         {"%PDF", 4, "a PDF document"},
        {"PK\x03\x04", 4, "a ZIP archive"}, {"8BPS", 4, "a Photoshop document"},
        {"BM", 2, "a BMP image"},           {"\x00\x00\x00\x0cjP  ", 8, "a JPEG 2000 image"},
        {"<?xml", 5, "an XML document"},    {"<svg", 4, "an SVG document"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(others); i++)
        if (n >= others[i].len && memcmp(d, others[i].magic, others[i].len) == 0)
            return g_strdup_printf("%s, not a format photodesk reads (JPEG, PNG, WebP, TIFF, "
                                   "HEIF, AVIF)",
                                   others[i].what);
    gsize check = MIN(n, 512);
    gboolean text = TRUE;
    for (gsize i = 0; i < check; i++) {
        if (d[i] < 0x09 || (d[i] > 0x0D && d[i] < 0x20 && d[i] != 0x1B)) {
            text = FALSE;
            break;
        }
    }
    if (text)
        return g_strdup("a text file, not an image (JPEG, PNG, WebP, TIFF, HEIF and AVIF are "
                        "read)");
    GString *hex = g_string_new(NULL);
    for (gsize i = 0; i < MIN(n, 8); i++)
        g_string_append_printf(hex, "%s%02X", i ? " " : "", d[i]);
    char *msg = g_strdup_printf("not an image photodesk reads (starts with bytes %s; JPEG, "
                                "PNG, WebP, TIFF, HEIF and AVIF are read)",
                                hex->str);
    g_string_free(hex, TRUE);
    return msg;
}

/* ---------------------------------------------------------------- shared pieces */

void
pd_meta_warn(PdPhotoMeta *meta, gboolean damage, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    /* Warnings come from the file: make sure they are UTF-8 and one line. */
    if (!g_utf8_validate(msg, -1, NULL)) {
        char *fixed = g_utf8_make_valid(msg, -1);
        g_free(msg);
        msg = fixed;
    }
    g_strdelimit(msg, "\r\n", ' ');
    for (guint i = 0; i < meta->warnings->len; i++) {
        if (strcmp(g_ptr_array_index(meta->warnings, i), msg) == 0) {
            g_free(msg);
            msg = NULL;
            break;
        }
    }
    if (msg)
        g_ptr_array_add(meta->warnings, msg);
    if (damage)
        meta->damaged = TRUE;
}

/* The container itself is broken (truncated, a length past the end): nothing after the
 * break can be trusted, and the file is not handed to libvips, whose decoders would
 * believe the lengths (a 1 KB PNG claiming a 1 GB chunk costs libpng ten seconds). */
static void G_GNUC_PRINTF(3, 4) broken(PdSources *src, PdPhotoMeta *meta, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    pd_meta_warn(meta, TRUE, "%s", msg);
    src->broken = TRUE;
}

void
pd_sources_init(PdSources *src)
{
    memset(src, 0, sizeof *src);
    src->iim = g_ptr_array_new_with_free_func((GDestroyNotify)pd_iim_block_free);
    src->xmp = pd_xmp_new();
}

void
pd_sources_clear(PdSources *src)
{
    pd_exif_fields_clear(&src->exif);
    g_ptr_array_unref(src->iim);
    pd_xmp_free(src->xmp);
    if (src->jpeg_probe)
        g_byte_array_unref(src->jpeg_probe);
    memset(src, 0, sizeof *src);
}

void
pd_sources_add_iim(PdSources *src, const guint8 *data, gsize len, PdIimPlace place,
                   PdPhotoMeta *meta)
{
    PdIimBlock *block = pd_iim_parse(data, len);
    if (block->problem)
        pd_meta_warn(meta, TRUE, "%s", block->problem);
    if (place != PD_IIM_PLACE_NONSTANDARD && !src->has_primary_iim) {
        src->has_primary_iim = TRUE;
        g_ptr_array_insert(src->iim, 0, block);
        if (place == PD_IIM_PLACE_STANDARD) {
            /* The digest Photoshop stores in resource 0x0425 is the MD5 of the block as
             * it was; compare with the block as it is now. */
            GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
            g_checksum_update(md5, data, (gssize)len);
            gsize n = sizeof src->current_digest;
            g_checksum_get_digest(md5, src->current_digest, &n);
            g_checksum_free(md5);
            src->has_current_digest = n == 16;
        }
    } else {
        g_ptr_array_add(src->iim, block);
    }
}

typedef struct {
    PdSources *src;
    PdPhotoMeta *meta;
    PdIimPlace place;
} IrbContext;

static void
on_irb_resource(guint16 id, const guint8 *data, gsize len, gpointer user_data)
{
    IrbContext *ctx = user_data;
    if (id == PD_IRB_IPTC) {
        pd_sources_add_iim(ctx->src, data, len, ctx->place, ctx->meta);
    } else if (id == PD_IRB_IPTC_DIGEST && len == 16 && !ctx->src->has_stored_digest) {
        memcpy(ctx->src->stored_digest, data, 16);
        ctx->src->has_stored_digest = TRUE;
    }
}

static void
read_irb(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len, PdIimPlace place)
{
    IrbContext ctx = {src, meta, place};
    g_autofree char *problem = pd_irb_walk(data, len, on_irb_resource, &ctx);
    if (problem)
        pd_meta_warn(meta, TRUE, "%s", problem);
}

static void
read_exif(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len)
{
    if (src->has_exif) {
        pd_meta_warn(meta, FALSE, "EXIF: a second EXIF block was ignored");
        return;
    }
    src->has_exif = TRUE;
    pd_exif_read(data, len, &src->exif);
    if (src->exif.problem)
        pd_meta_warn(meta, TRUE, "%s", src->exif.problem);
    if (src->exif.iptc && src->format != PD_FORMAT_TIFF) {
        gsize n;
        const guint8 *p = g_bytes_get_data(src->exif.iptc, &n);
        pd_sources_add_iim(
            src, p, n, src->format == PD_FORMAT_JPEG ? PD_IIM_PLACE_NONSTANDARD : PD_IIM_PLACE_ANY,
            meta);
    }
}

static void
read_xmp(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    if (!pd_xmp_parse(src->xmp, (const char *)data, len, &error))
        pd_meta_warn(meta, TRUE, "%s", error->message);
}

/* ---------------------------------------------------------------- JPEG */

#define XMP_SIG     "http://ns.adobe.com/xap/1.0/"
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
    guint32 full = be32(p + 32), off = be32(p + 36);
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
        read_xmp(src, meta, x->data->data, x->data->len);
    }
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
    read_irb(src, meta, (*pending)->data + header, (*pending)->len - header, PD_IIM_PLACE_STANDARD);
    g_byte_array_unref(*pending);
    *pending = NULL;
}

/* pread() until @len bytes are in or the file ends; the number read, or -1. */
static gssize
read_at(int fd, guint8 *buf, gsize len, gsize offset)
{
    gsize got = 0;
    while (got < len) {
        ssize_t r = pread(fd, buf + got, len - got, (off_t)(offset + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (gsize)r;
    }
    return (gssize)got;
}

/* TRUE when an FF D9 (end of image) lies after @from. The entropy-coded data cannot
 * contain FF D9, so a JPEG without one after its scan was cut short. Trailers
 * (PhotoMechanic's, padding) follow the marker: the search runs backwards from the end,
 * which finds it at once in a whole file. */
static gboolean
has_end_marker(const Input *in, gsize from, gsize *end_of_image)
{
    *end_of_image = 0;
    if (in->fd < 0) {
        for (gsize i = in->n - 1; i > from; i--) {
            if (in->d[i] == 0xD9 && in->d[i - 1] == 0xFF) {
                *end_of_image = i + 1;
                return TRUE;
            }
        }
        return FALSE;
    }
    guint8 buf[16384];
    gsize end = in->size;
    int after = -1; /* first byte of the window searched before, or -1 */
    while (end > from) {
        gsize start = end - MIN(end - from, sizeof buf);
        gssize got = read_at(in->fd, buf, end - start, start);
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

static void
walk_jpeg(PdSources *src, PdPhotoMeta *meta, const Input *in)
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
    g_autoptr(GByteArray) app13 = NULL; /* consecutive Photoshop APP13 segments, joined */
    gsize app13_header = 0;
    g_autoptr(GPtrArray) ext = g_ptr_array_new_with_free_func(extended_xmp_free);
    g_autoptr(GByteArray) probe = g_byte_array_sized_new(2048);
    g_byte_array_append(probe, d, 2);

    while (!scan) {
        if (pos >= n) {
            NEED_MORE();
            broken(src, meta, "JPEG: file ends before the image data (no SOS segment)");
            break;
        }
        if (d[pos] != 0xFF) {
            broken(src, meta, "JPEG: expected a marker at offset %zu, found 0x%02X", pos, d[pos]);
            break;
        }
        while (pos < n && d[pos] == 0xFF)
            pos++; /* fill bytes */
        if (pos >= n) {
            NEED_MORE();
            broken(src, meta, "JPEG: file ends inside a marker");
            break;
        }
        guint8 m = d[pos++];
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue; /* markers without a length */
        if (m == 0xD9) {
            broken(src, meta, "JPEG: end of image before any image data");
            break;
        }
        if (n - pos < 2) {
            NEED_MORE();
            broken(src, meta, "JPEG: file ends inside the %s segment header", jpeg_segment_name(m));
            break;
        }
        gsize seglen = be16(d + pos);
        if (seglen < 2) {
            broken(src, meta, "JPEG: %s segment at offset %zu has an invalid length",
                   jpeg_segment_name(m), pos - 2);
            break;
        }
        if (seglen > n - pos) {
            NEED_MORE();
            broken(src, meta,
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
            read_exif(src, meta, p, plen);
        } else if (m == 0xE1 && plen >= sizeof XMP_SIG && memcmp(p, XMP_SIG, sizeof XMP_SIG) == 0) {
            if (have_xmp)
                pd_meta_warn(meta, FALSE, "XMP: a second XMP segment was ignored");
            else
                read_xmp(src, meta, p + sizeof XMP_SIG, plen - sizeof XMP_SIG);
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
        } else if (is_sof(m) && plen >= 5 && src->sof_width == 0) {
            src->sof_height = be16(p + 1);
            src->sof_width = be16(p + 3);
            src->sof_huffman = m <= 0xC7;
        } else if (m == 0xDA) {
            scan = TRUE;
        }
    }
    flush_app13(src, meta, &app13, app13_header);
    finish_extended_xmp(src, meta, ext);
    if (scan)
        src->jpeg_probe = g_steal_pointer(&probe);

    gsize end_of_image = 0;
    if (scan && !has_end_marker(in, pos, &end_of_image))
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

/* ---------------------------------------------------------------- PNG */

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
            read_irb(src, meta, b, len, PD_IIM_PLACE_ANY);
    } else if (g_ascii_strcasecmp(type, "8bim") == 0) {
        read_irb(src, meta, b, len, PD_IIM_PLACE_ANY);
    } else if (g_ascii_strcasecmp(type, "exif") == 0 || g_ascii_strcasecmp(type, "app1") == 0) {
        if (len >= sizeof XMP_SIG && memcmp(b, XMP_SIG, sizeof XMP_SIG) == 0)
            read_xmp(src, meta, b + sizeof XMP_SIG, len - sizeof XMP_SIG);
        else
            read_exif(src, meta, b, len);
    } else if (g_ascii_strcasecmp(type, "xmp") == 0) {
        read_xmp(src, meta, b, len);
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
        read_xmp(src, meta, t, tlen);
    else
        read_raw_profile(src, meta, key, t, tlen);
}

static void
walk_png(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n)
{
    gsize pos = 8;
    gboolean end = FALSE;
    while (pos + 8 <= n) {
        guint32 len = be32(d + pos);
        char type[5];
        memcpy(type, d + pos + 4, 4);
        type[4] = 0;
        if (len > 0x7FFFFFFFu || len > n - pos - 8 || n - pos - 8 - len < 4) {
            broken(src, meta,
                   "PNG: chunk \"%s\" at offset %zu runs past the end of the "
                   "file",
                   g_ascii_isalpha(type[0]) ? type : "?", pos);
            break;
        }
        for (int i = 0; i < 4; i++) {
            if (!g_ascii_isalpha(type[i])) {
                broken(src, meta, "PNG: invalid chunk type at offset %zu", pos);
                return;
            }
        }
        const guint8 *p = d + pos + 8;
        if (strcmp(type, "IHDR") == 0 && len >= 8) {
            src->sof_width = (int)MIN(be32(p), (guint32)G_MAXINT);
            src->sof_height = (int)MIN(be32(p + 4), (guint32)G_MAXINT);
        } else if (strcmp(type, "eXIf") == 0 || strcmp(type, "zxIf") == 0) {
            read_exif(src, meta, p, len);
        } else if (strcmp(type, "tEXt") == 0 || strcmp(type, "zTXt") == 0 ||
                   strcmp(type, "iTXt") == 0) {
            read_png_text(src, meta, type, p, len);
        } else if (strcmp(type, "IEND") == 0) {
            end = TRUE;
            break;
        }
        pos += 12 + (gsize)len;
    }
    if (!end && !src->broken)
        broken(src, meta, "PNG: file is truncated (no IEND chunk)");
}

/* ---------------------------------------------------------------- WebP */

static void
walk_webp(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n)
{
    guint32 riff = le32(d + 4);
    if ((gsize)riff + 8 > n)
        broken(src, meta, "WebP: file is truncated (%zu of %u bytes)", n, (unsigned)riff + 8);
    gsize end = MIN(n, (gsize)riff + 8);
    gsize pos = 12;
    while (pos + 8 <= end) {
        const guint8 *fourcc = d + pos;
        guint32 len = le32(d + pos + 4);
        if (len > end - pos - 8) {
            broken(src, meta, "WebP: chunk at offset %zu runs past the end", pos);
            break;
        }
        const guint8 *p = d + pos + 8;
        if (memcmp(fourcc, "EXIF", 4) == 0)
            read_exif(src, meta, p, len);
        else if (memcmp(fourcc, "XMP ", 4) == 0)
            read_xmp(src, meta, p, len);
        pos += 8 + (gsize)len + (len & 1);
    }
}

/* ---------------------------------------------------------------- TIFF */

static guint16
tiff16(const guint8 *p, gboolean le)
{
    return le ? (guint16)(p[0] | p[1] << 8) : be16(p);
}

static guint32
tiff32(const guint8 *p, gboolean le)
{
    return le ? le32(p) : be32(p);
}

static void
walk_tiff(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n)
{
    static const guint8 type_size[13] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8};
    gboolean le = d[0] == 'I';
    if (tiff16(d + 2, le) == 43) {
        pd_meta_warn(meta, FALSE, "TIFF: BigTIFF metadata is not read");
        return;
    }
    /* EXIF fields (description, artist, dates...) live in the TIFF structure itself. */
    read_exif(src, meta, d, n);

    guint32 ifd = n >= 8 ? tiff32(d + 4, le) : 0;
    if (n < 8 || ifd < 8 || ifd > n - 2) {
        broken(src, meta, "TIFF: first directory offset %u is outside the file", ifd);
        return;
    }
    guint count = tiff16(d + ifd, le);
    gsize entries = ifd + 2;
    if ((gsize)count * 12 > n - entries) {
        broken(src, meta, "TIFF: first directory (%u entries) runs past the end", count);
        count = (guint)((n - entries) / 12);
    }
    for (guint i = 0; i < count; i++) {
        const guint8 *e = d + entries + 12 * (gsize)i;
        guint16 tag = tiff16(e, le), type = tiff16(e + 2, le);
        guint32 cnt = tiff32(e + 4, le);
        if (tag != 700 && tag != 33723 && tag != 34377)
            continue;
        if (type == 0 || type > 12) {
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
        if (tag == 700)
            read_xmp(src, meta, value, (gsize)size);
        else if (tag == 33723)
            pd_sources_add_iim(src, value, (gsize)size, PD_IIM_PLACE_STANDARD, meta);
        else
            read_irb(src, meta, value, (gsize)size, PD_IIM_PLACE_NONSTANDARD);
    }
}

/* ---------------------------------------------------------------- HEIF (via libvips) */

static void
read_heif_blobs(PdSources *src, PdPhotoMeta *meta, VipsImage *image)
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
        read_exif(src, meta, p + start, len - start);
    }
    if (vips_image_get_typeof(image, VIPS_META_XMP_NAME) &&
        vips_image_get_blob(image, VIPS_META_XMP_NAME, &blob, &len) == 0) {
        read_xmp(src, meta, blob, len);
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
            read_xmp(src, meta, blob, len);
            return;
        }
    }
}

/* ---------------------------------------------------------------- probe */

/* Reads the header of @len bytes with the libvips loader of @format, or returns NULL
 * with the reason in libvips' error buffer. */
static VipsImage *
load_header(PdFormat format, const guint8 *data, gsize len)
{
    GType type = format == PD_FORMAT_HEIF  ? heif_loader()
                 : format < PD_FORMAT_HEIF ? loader_type[format]
                                           : 0;
    if (type == 0) {
        vips_error("photodesk", "this libvips cannot read %s", pd_format_name(format));
        return NULL;
    }
    VipsOperation *op = VIPS_OPERATION(g_object_new(type, NULL));
    /* libvips does not write to a load buffer, and does not keep it: the cache is off. */
    VipsBlob *blob = vips_blob_new(NULL, data, len);
    g_object_set(op, "buffer", blob, NULL);
    vips_area_unref(VIPS_AREA(blob));
    if (vips_cache_operation_buildp(&op) != 0) {
        vips_object_unref_outputs(VIPS_OBJECT(op));
        g_object_unref(op);
        return NULL;
    }
    VipsImage *image = NULL;
    g_object_get(op, "out", &image, NULL);
    vips_object_unref_outputs(VIPS_OBJECT(op));
    g_object_unref(op);
    return image;
}

/* Checks that @len bytes are a photo photodesk opens; the format, or UNKNOWN with
 * @error set. */
static PdFormat
check_format(const guint8 *d, gsize len, GError **error)
{
    if (len == 0) {
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_EMPTY, "empty file (0 bytes)");
        return PD_FORMAT_UNKNOWN;
    }
    PdFormat format = pd_ingest_sniff_format(d, len);
    if (format == PD_FORMAT_UNKNOWN) {
        g_autofree char *why = describe_unknown(d, len);
        g_set_error_literal(error, PD_INGEST_ERROR, PD_INGEST_ERROR_FORMAT, why);
    }
    return format;
}

/* Reads a photo of a known @format. Returns NULL and sets *@need_more when @in holds
 * only the head of a JPEG file and the segments run past it. */
static PdPhotoMeta *
read_input(const Input *in, PdFormat format, gboolean *need_more)
{
    PdPhotoMeta *meta = pd_photo_meta_new();
    meta->format = format;
    PdSources src;
    pd_sources_init(&src);
    src.format = format;

    switch (format) {
    case PD_FORMAT_JPEG:
        walk_jpeg(&src, meta, in);
        break;
    case PD_FORMAT_PNG:
        walk_png(&src, meta, in->d, in->n);
        break;
    case PD_FORMAT_WEBP:
        walk_webp(&src, meta, in->d, in->n);
        break;
    case PD_FORMAT_TIFF:
        walk_tiff(&src, meta, in->d, in->n);
        break;
    default:
        break;
    }
    if (src.need_more) {
        *need_more = TRUE;
        pd_sources_clear(&src);
        pd_photo_meta_free(meta);
        return NULL;
    }

    /* libvips checks that the header makes an image (JPEG: on its segments without the
     * metadata, see PdSources.jpeg_probe), unless the container is already known to be
     * broken. */
    VipsImage *image = NULL;
    /* nor a file being refused: libpng would inflate its text chunks all over again */
    if (!src.broken && meta->refusal == NULL) {
        image = src.jpeg_probe ? load_header(format, src.jpeg_probe->data, src.jpeg_probe->len)
                               : load_header(format, in->d, in->n);
        if (image == NULL) {
            /* copied and cleared under libvips' lock: other workers write to it too */
            g_autofree char *msg = vips_error_buffer_copy();
            g_strstrip(msg);
            g_strdelimit(msg, "\n", ' ');
            pd_meta_warn(meta, TRUE, "%s header unreadable: %s", pd_format_name(format),
                         msg[0] ? msg : "libvips gave no reason");
        }
    }
    if (image) {
        meta->width = vips_image_get_width(image);
        meta->height = vips_image_get_height(image);
        if (format == PD_FORMAT_HEIF)
            read_heif_blobs(&src, meta, image);
        g_object_unref(image);
    } else if (src.sof_width > 0 && src.sof_height > 0) {
        meta->width = src.sof_width;
        meta->height = src.sof_height;
    }

    pd_reconcile(&src, meta);
    pd_sources_clear(&src);
    return meta;
}

PdPhotoMeta *
pd_ingest_read_buffer(const void *data, gsize len, GError **error)
{
    PdFormat format = check_format(data, len, error);
    if (format == PD_FORMAT_UNKNOWN)
        return NULL;
    Input in = {data, len, len, -1};
    gboolean need_more = FALSE;
    return read_input(&in, format, &need_more);
}

static PdPhotoMeta *
file_error(int fd, GError **error, PdIngestError code, const char *message)
{
    if (fd >= 0)
        close(fd);
    g_set_error_literal(error, PD_INGEST_ERROR, code, message);
    return NULL;
}

/* A JPEG's metadata sits in its first few hundred kilobytes: photodesk reads that head
 * (more if the segments need it) and the last bytes, not the whole 9 MB. Other formats
 * keep metadata anywhere and are mapped whole. */
#define HEAD_BYTES (64u * 1024u)

PdPhotoMeta *
pd_ingest_read_file(const char *path, GError **error)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it) */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return file_error(-1, error, PD_INGEST_ERROR_OPEN, g_strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0)
        return file_error(fd, error, PD_INGEST_ERROR_OPEN, g_strerror(errno));
    if (S_ISDIR(st.st_mode))
        return file_error(fd, error, PD_INGEST_ERROR_OPEN, "is a folder, not a photo");
    if (!S_ISREG(st.st_mode))
        return file_error(fd, error, PD_INGEST_ERROR_OPEN, "not a regular file");
    gsize size = (gsize)st.st_size;
    if (size == 0)
        return file_error(fd, error, PD_INGEST_ERROR_EMPTY, "empty file (0 bytes)");

    gsize have = MIN(size, (gsize)HEAD_BYTES);
    g_autofree guint8 *head = g_malloc(have);
    gssize got = read_at(fd, head, have, 0);
    if (got < 0)
        return file_error(fd, error, PD_INGEST_ERROR_OPEN, g_strerror(errno));
    have = (gsize)got; /* the file may have shrunk since fstat */
    PdFormat format = check_format(head, have, error);
    if (format == PD_FORMAT_UNKNOWN) {
        close(fd);
        return NULL;
    }

    PdPhotoMeta *meta = NULL;
    if (format == PD_FORMAT_JPEG || have == size) {
        for (;;) {
            Input in = {head, have, MAX(size, have), have == size ? -1 : fd};
            gboolean need_more = FALSE;
            meta = read_input(&in, format, &need_more);
            if (!need_more)
                break;
            gsize want = MIN(size, have * 4);
            head = g_realloc(head, want);
            got = read_at(fd, head + have, want - have, have);
            if (got < 0)
                return file_error(fd, error, PD_INGEST_ERROR_OPEN, g_strerror(errno));
            if (got == 0)
                size = have; /* shrank: read what there is as the whole file */
            have += (gsize)got;
        }
        close(fd);
        return meta;
    }

    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED) {
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_OPEN, "cannot map the file: %s",
                    g_strerror(e));
        return NULL;
    }
    Input in = {map, size, size, -1};
    gboolean need_more = FALSE;
    meta = read_input(&in, format, &need_more);
    munmap(map, size);
    return meta;
}

PdPhotoMeta *
pd_photo_meta_new(void)
{
    PdPhotoMeta *meta = g_new0(PdPhotoMeta, 1);
    pd_photo_text_init(&meta->text);
    meta->warnings = g_ptr_array_new_with_free_func(g_free);
    return meta;
}

void
pd_photo_meta_free(PdPhotoMeta *meta)
{
    if (meta == NULL)
        return;
    pd_photo_text_clear(&meta->text);
    pd_caption_clear(&meta->reading);
    g_free(meta->refusal);
    g_ptr_array_unref(meta->warnings);
    g_free(meta);
}
