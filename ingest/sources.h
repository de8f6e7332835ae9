/* sources.h: the raw metadata found in one photo, before reconciliation (private to
 * ingest/). read.c fills it from the file's containers; reconcile.c turns it into a
 * PdPhotoMeta. */
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

G_END_DECLS
