/* read.c: opening a photo once and finding its metadata.
 *
 * The file is mapped, not read: a 9 MB JPEG keeps its metadata in its first few hundred
 * kilobytes, and only the pages photodesk touches are read from disk. The format is
 * chosen by magic bytes, never by name; libvips reads the header (size, and that it is
 * an image at all) with the loader for that format only; photodesk's own container
 * walkers (jpeg.c, png.c, webp.c, tiff.c; heif.c for what libheif hands over) find
 * the EXIF, IIM and XMP blocks, since libvips keeps only one of each and a news JPEG
 * may carry several APP13 segments, several IIM blocks and extended XMP.
 *
 * Every walker reads untrusted bytes: each length is checked against what remains
 * before it is used, and each loop advances.
 */
#include "base/base.h"
#include "ingest/sources.h"

#include <errno.h>
#include <fcntl.h>
#include <gmodule.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>
#include <vips/vector.h> /* after vips.h, which it needs */

G_DEFINE_QUARK(pd_ingest_error, pd_ingest_error)

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
    /* No run-time compiled vector code: liborc 0.4.33 (Debian 12) frees an operation's
     * compiled code without the lock its allocator takes, so two workers disposing of
     * their pipelines at once can corrupt its list and crash (seen in a hot folder under
     * AddressSanitizer: SEGV in orc_code_free from vips_vector_free). The plain C paths
     * are slower (bench/README.md) and keep no code memory shared between threads. */
    vips_vector_set_enabled(FALSE);
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
        gsize box = pd_be32(d);
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
read_input(const PdInput *in, PdFormat format, gboolean *need_more)
{
    PdPhotoMeta *meta = pd_photo_meta_new();
    meta->format = format;
    PdSources src;
    pd_sources_init(&src);
    src.format = format;

    switch (format) {
    case PD_FORMAT_JPEG:
        pd_walk_jpeg(&src, meta, in);
        break;
    case PD_FORMAT_PNG:
        pd_walk_png(&src, meta, in->d, in->n);
        break;
    case PD_FORMAT_WEBP:
        pd_walk_webp(&src, meta, in->d, in->n);
        break;
    case PD_FORMAT_TIFF:
        pd_walk_tiff(&src, meta, in->d, in->n);
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

    /* The header is checked to make an image, unless the container is already known to be
     * broken: a JPEG's by libjpeg on its segments without the metadata (see
     * PdSources.jpeg_probe), the other formats' by libvips' loader. */
    VipsImage *image = NULL;
    /* nor a file being refused: libpng would inflate its text chunks all over again */
    if (!src.broken && meta->refusal == NULL && src.jpeg_probe) {
        /* a JPEG's header, from its structural segments, as libjpeg reads it */
        g_autofree char *why = NULL;
        if (!pd_jpeg_read_header(src.jpeg_probe->data, src.jpeg_probe->len, &meta->width,
                                 &meta->height, &why))
            pd_meta_warn(meta, TRUE, "jpeg header unreadable: %s", why);
    } else if (!src.broken && meta->refusal == NULL) {
        /* started here for a caller that reads photos without it (photodesk meta) */
        g_autoptr(GError) no_vips = NULL;
        if (!pd_ingest_init(NULL, &no_vips))
            vips_error("photodesk", "%s", no_vips->message);
        else
            image = load_header(format, in->d, in->n);
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
        if (format == PD_FORMAT_HEIF && pd_heif_rotation(in->d, in->n) % 180 == 90) {
            /* libheif turned it by its irot: the stored size is the other way round */
            int w = meta->width;
            meta->width = meta->height;
            meta->height = w;
        }
        if (format == PD_FORMAT_HEIF)
            pd_read_heif_blobs(&src, meta, image);
        g_object_unref(image);
    } else if (src.sof_width > 0 && src.sof_height > 0) {
        meta->width = src.sof_width;
        meta->height = src.sof_height;
    }
    if (format == PD_FORMAT_HEIF && pd_heif_has_c2pa(in->d, in->n))
        pd_sources_found_c2pa(meta, "HEIF uuid box");

    pd_reconcile(&src, meta);
    pd_sources_clear(&src);
    return meta;
}

/* pread() until @len bytes are in or the file ends; the number read, or -1. */
gssize
pd_read_at(int fd, guint8 *buf, gsize len, gsize offset)
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

PdPhotoMeta *
pd_ingest_read_buffer(const void *data, gsize len, GError **error)
{
    PdFormat format = check_format(data, len, error);
    if (format == PD_FORMAT_UNKNOWN)
        return NULL;
    PdInput in = {data, len, len, -1};
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
    gssize got = pd_read_at(fd, head, have, 0);
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
            PdInput in = {head, have, MAX(size, have), have == size ? -1 : fd};
            gboolean need_more = FALSE;
            meta = read_input(&in, format, &need_more);
            if (!need_more)
                break;
            gsize want = MIN(size, have * 4);
            head = g_realloc(head, want);
            got = pd_read_at(fd, head + have, want - have, have);
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
    PdInput in = {map, size, size, -1};
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
    g_free(meta->content_credentials);
    g_ptr_array_unref(meta->warnings);
    g_free(meta);
}
