/* sources.h: the raw metadata found in one photo, before reconciliation (private to
 * ingest/). read.c opens the file and hands it to its container's walker (jpeg.c, png.c,
 * webp.c, tiff.c, heif.c), which fills PdSources through sources.c; reconcile.c turns
 * it into a PdPhotoMeta. */
#pragma once

#include "ingest/exif.h"
#include "ingest/iim.h"
#include "ingest/ingest.h"
#include "ingest/xmp.h"

G_BEGIN_DECLS

/* Where an IIM block was found, in exiftool's terms (IPTC.pm, IsStandardIPTC): the
 * standard place of its file type (JPEG APP13 Photoshop resources, TIFF tag 33723), a
 * file type that has no standard place (PNG, WebP, HEIF), or a non-standard place of a
 * type that has one (EXIF tag 0x83BB in a JPEG, TIFF tag 34377). */
typedef enum {
    PD_IIM_PLACE_STANDARD,
    PD_IIM_PLACE_ANY,
    PD_IIM_PLACE_NONSTANDARD,
} PdIimPlace;

typedef struct {
    PdFormat format;

    gboolean has_exif;
    PdExifFields exif;

    /* IIM blocks in priority order: the primary block (the first found in a standard
     * place, or in any place of a type without one) first, then the others as found. */
    GPtrArray *iim; /* of PdIimBlock* */
    gboolean has_primary_iim;
    gboolean has_current_digest;
    guint8 current_digest[16]; /* MD5 of the primary block, when in a standard place */
    gboolean has_stored_digest;
    guint8 stored_digest[16]; /* Photoshop resource 0x0425 */

    PdXmp *xmp; /* never NULL; empty when the file has no XMP */

    gboolean broken;           /* the container's structure is damaged: libvips is not asked */
    gboolean need_more;        /* the JPEG head read so far ends inside its segments */
    int sof_width, sof_height; /* from the container, for when libvips cannot read it */
    gboolean sof_huffman;      /* the JPEG's data is Huffman-coded (SOF0-7), not arithmetic */
    gsize inflated;            /* bytes of compressed metadata inflated so far (PNG) */

    /* JPEG: the file's structure without its APPn and COM segments (SOI up to the scan
     * header). libvips' header read on this costs a tenth of what it costs on the whole
     * file, which it would spend parsing EXIF a second time. NULL when the walk did not
     * reach the scan. */
    GByteArray *jpeg_probe;
} PdSources;

void pd_sources_init(PdSources *src);
void pd_sources_clear(PdSources *src);

/* Adds an IIM block found at @place, keeping the priority order and the current digest
 * of the primary block. Damage is reported in @meta. */
void pd_sources_add_iim(PdSources *src, const guint8 *data, gsize len, PdIimPlace place,
                        PdPhotoMeta *meta);

/* Reconciles @src into the fields of @meta (MWG rules, normalisation). */
void pd_reconcile(const PdSources *src, PdPhotoMeta *meta);

/* Adds a warning to @meta; @damage also marks it damaged. */
void pd_meta_warn(PdPhotoMeta *meta, gboolean damage, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* ---------------------------------------------------------------- the walkers */

/* The bytes of a photo: all of them in memory, or, for a JPEG file, its head (every
 * segment up to the scan) with the file still open, to look for the end marker. */
typedef struct {
    const guint8 *d;
    gsize n;    /* bytes at d */
    gsize size; /* bytes in the photo */
    int fd;     /* -1 when d holds all of it */
} PdInput;

/* The signature of an XMP packet in a JPEG APP1 segment (and in ImageMagick's raw
 * profiles), its NUL included by sizeof. */
#define PD_XMP_SIG "http://ns.adobe.com/xap/1.0/"

static inline guint32
pd_be32(const guint8 *p)
{
    return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

static inline guint16
pd_be16(const guint8 *p)
{
    return (guint16)((p[0] << 8) | p[1]);
}

static inline guint32
pd_le32(const guint8 *p)
{
    return ((guint32)p[3] << 24) | ((guint32)p[2] << 16) | ((guint32)p[1] << 8) | p[0];
}

/* pread() until @len bytes are in or the file ends; the number read, or -1. */
gssize pd_read_at(int fd, guint8 *buf, gsize len, gsize offset);

/* The container itself is broken (truncated, a length past the end): nothing after the
 * break can be trusted, and the file is not handed to libvips. */
void pd_sources_broken(PdSources *src, PdPhotoMeta *meta, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* Each block a walker finds; problems become warnings in @meta. */
void pd_sources_read_irb(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len,
                         PdIimPlace place);
void pd_sources_read_exif(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len);
void pd_sources_read_xmp(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len);
/* A later XMP packet of the same file: its properties replace those read before. */
void pd_sources_read_xmp_over(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len);

/* TRUE when the @n bytes at @d start with a JUMBF box holding a C2PA manifest store. */
gboolean pd_c2pa_is_manifest_store(const guint8 *d, gsize n);
/* The photo carries content credentials, found @where ("JPEG APP11"); the first place
 * found is kept. */
void pd_sources_found_c2pa(PdPhotoMeta *meta, const char *where);

void pd_walk_jpeg(PdSources *src, PdPhotoMeta *meta, const PdInput *in);
/* The JPEG header of @n bytes at @d (SOI up to a scan header: PdSources.jpeg_probe) as
 * libjpeg reads it, without libvips' object machinery around it (a tenth of the cost):
 * the size into @width and @height, or FALSE with libjpeg's reason in @why. */
gboolean pd_jpeg_read_header(const guint8 *d, gsize n, int *width, int *height, char **why);
void pd_walk_png(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n);
void pd_walk_webp(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n);
void pd_walk_tiff(PdSources *src, PdPhotoMeta *meta, const guint8 *d, gsize n);

/* HEIF and AVIF: the blocks libvips read from the file with its header. */
struct _VipsImage;
void pd_read_heif_blobs(PdSources *src, PdPhotoMeta *meta, struct _VipsImage *image);
/* The rotation (0, 90, 180, 270 degrees anticlockwise) the HEIF file's irot property
 * gives its primary image; libvips reports the size after it, photodesk the stored one. */
int pd_heif_rotation(const guint8 *d, gsize n);
/* TRUE when the BMFF file has a top-level C2PA 'uuid' box. */
gboolean pd_heif_has_c2pa(const guint8 *d, gsize n);

G_END_DECLS
