/* thumbs.h: renditions of a photo with libvips (the public interface of thumbs/).
 *
 * One decode gives three JPEG renditions, each from the one above it:
 *
 *   web      2048 px on the long edge
 *   preview  1280 px
 *   thumb     320 px
 *
 * A JPEG is shrunk while it is decoded (1/2, 1/4 or 1/8, the most that still covers
 * 2048 px); nothing is upscaled; the result is turned upright by its EXIF orientation
 * and converted to sRGB from its ICC profile; no metadata is kept in the renditions.
 * Each photo also gets a 64-bit difference hash of its picture, for finding similar
 * frames later (never for merging them).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PD_THUMBS_ERROR (pd_thumbs_error_quark())
GQuark pd_thumbs_error_quark(void);

typedef enum {
    PD_THUMBS_ERROR_TOO_LARGE, /* more megapixels than allowed (read from the header) */
    PD_THUMBS_ERROR_DECODE,    /* truncated or corrupt image data */
    PD_THUMBS_ERROR_EMBED,     /* metadata that cannot go into the file (the message says) */
    PD_THUMBS_ERROR_TOO_SLOW,  /* decoding took longer than the time a photo may take */
} PdThumbsError;

#define PD_THUMBS_DEFAULT_QUALITY        82
#define PD_THUMBS_DEFAULT_MAX_MEGAPIXELS 150.0
/* A 150-megapixel TIFF decodes in a few seconds: a photo that takes ten times that is
 * built to waste the server's time. */
#define PD_THUMBS_DEFAULT_SECONDS 60.0

typedef struct {
    int quality;           /* JPEG quality of the renditions, 1..100 */
    double max_megapixels; /* refuse larger photos before decoding them */
    double seconds;        /* the time decoding one photo may take; past it, refused */
} PdThumbsOptions;

enum { PD_RENDITION_WEB, PD_RENDITION_PREVIEW, PD_RENDITION_THUMB, PD_RENDITION_COUNT };

typedef struct {
    const char *name; /* "web", "preview", "thumb" */
    int width, height;
    GBytes *jpeg;
} PdRendition;

typedef struct {
    PdRendition renditions[PD_RENDITION_COUNT];
    guint64 dhash; /* difference hash of the picture, upright */
} PdRenditionSet;

/* The names and long edges of the renditions, in order. */
const char *pd_thumbs_rendition_name(int index);
int pd_thumbs_rendition_size(int index);

/* Sets the defaults. */
void pd_thumbs_options_init(PdThumbsOptions *options);

/* Decodes @len bytes once and makes the renditions. libvips must have been started
 * (pd_ingest_init). Returns NULL with @error when the photo is larger than allowed or
 * its image data is truncated or corrupt. Free with pd_rendition_set_free(). */
PdRenditionSet *pd_thumbs_render(const void *data, gsize len, const PdThumbsOptions *options,
                                 GError **error);
void pd_rendition_set_free(PdRenditionSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdRenditionSet, pd_rendition_set_free)

/* A delivered JPEG: @jpeg's image data, its JFIF header, colour profile and Adobe
 * colour marker, with @xmp (an XMP packet) and @irb (a Photoshop image resource list:
 * the IIM and its digest) as its only other metadata; any EXIF, XMP, Photoshop
 * resources or comments @jpeg had are left out. The image data is copied, not encoded
 * again. Either blob may be NULL. NULL with PD_THUMBS_ERROR_DECODE when @jpeg is not a
 * whole JPEG, PD_THUMBS_ERROR_EMBED when a blob is too large for its segment. */
GBytes *pd_thumbs_embed_jpeg(const guint8 *jpeg, gsize len, const char *xmp, gsize xmp_len,
                             GBytes *irb, GError **error);

/* What a delivered picture is made as: a crop of the upright picture (fractions of its
 * width and height; w = 0: the whole picture), a long edge in pixels (0: the size the
 * crop has; never enlarged), and a JPEG quality. */
typedef struct {
    double x, y, w, h;
    int long_edge;
    int quality;
} PdDeliverSpec;

/* @len bytes of an original made into a delivered JPEG as @spec says, from one decode:
 * shrunk while decoding a JPEG as far as the output allows, turned upright by its EXIF
 * orientation, cropped, converted to sRGB from its colour profile (CMYK too), resized;
 * no metadata (pd_thumbs_embed_jpeg() adds it). *@width and *@height: what it made.
 * Errors as pd_thumbs_render(); PD_THUMBS_ERROR_DECODE for a crop outside the picture. */
GBytes *pd_thumbs_deliver(const void *data, gsize len, const PdDeliverSpec *spec, int *width,
                          int *height, GError **error);

/* An original PNG with @xmp in an iTXt chunk after IHDR, in place of its own XMP and of
 * the text chunks holding IPTC or XMP ("Raw profile type iptc"); an original WebP with
 * @xmp in an "XMP " chunk, flagged in VP8X (added to a simple WebP); an original TIFF
 * (not BigTIFF) whose first IFD holds @xmp (tag 700), @iim (33723) and @irb (34377) in
 * place of its own, written after the file's end with a copy of that IFD. Every other
 * byte of the file, its image data too, is kept. NULL with PD_THUMBS_ERROR_DECODE when
 * the file is not whole, PD_THUMBS_ERROR_EMBED when it cannot grow so. */
GBytes *pd_thumbs_embed_png(const guint8 *png, gsize len, const char *xmp, gsize xmp_len,
                            GError **error);
GBytes *pd_thumbs_embed_webp(const guint8 *webp, gsize len, const char *xmp, gsize xmp_len,
                             GError **error);
GBytes *pd_thumbs_embed_tiff(const guint8 *tiff, gsize len, const char *xmp, gsize xmp_len,
                             GBytes *iim, GBytes *irb, GError **error);

/* An original JPEG with @xmp and @irb in place of its own XMP (and extended XMP) and
 * Photoshop resources; everything else it holds (EXIF, the ICC profile, comments, other
 * application segments) and its image data are kept byte for byte. Errors as
 * pd_thumbs_embed_jpeg(). */
GBytes *pd_thumbs_embed_original(const guint8 *jpeg, gsize len, const char *xmp, gsize xmp_len,
                                 GBytes *irb, GError **error);

/* Bits that differ between two difference hashes (0: the same picture to the eye). */
int pd_thumbs_hash_distance(guint64 a, guint64 b);

G_END_DECLS
