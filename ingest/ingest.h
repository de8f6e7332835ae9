/* ingest.h: reading a news photo (the public interface of ingest/).
 *
 * pd_ingest_read_file() opens a photo once, identifies it by its magic bytes (JPEG, PNG,
 * WebP, TIFF, HEIF/AVIF and nothing else), reads its header with libvips without decoding
 * pixels, pulls out its EXIF (libexif), IPTC-IIM (photodesk's own parser) and XMP
 * (expat), and reconciles the three into one PdPhotoMeta following the Metadata Working
 * Group's rules, as ../shared/corpus/README.md specifies them.
 */
#pragma once

#include "base/base.h"
#include "caption/caption.h"

#include <gio/gio.h>
#include <glib.h>

G_BEGIN_DECLS

#define PD_INGEST_ERROR (pd_ingest_error_quark())
GQuark pd_ingest_error_quark(void);

typedef enum {
    PD_INGEST_ERROR_OPEN,   /* missing, unreadable, not a regular file */
    PD_INGEST_ERROR_EMPTY,  /* zero bytes */
    PD_INGEST_ERROR_FORMAT, /* not one of the formats photodesk opens */
    PD_INGEST_ERROR_INIT,   /* libvips could not start */
} PdIngestError;

typedef enum {
    PD_FORMAT_UNKNOWN = 0,
    PD_FORMAT_JPEG,
    PD_FORMAT_PNG,
    PD_FORMAT_WEBP,
    PD_FORMAT_TIFF,
    PD_FORMAT_HEIF, /* HEIC, HEIF and AVIF: ISO base media files read by libheif */
} PdFormat;

/* What photodesk knows about one photo. A plain value: every string is valid UTF-8,
 * normalised (LF line ends, trimmed) and NULL when absent; keywords is never NULL. */
typedef struct {
    PD_PHOTO_TEXT_MEMBERS; /* the fields, by name and as meta->text */

    PdFormat format;
    int width, height; /* stored size of the primary image, 0 when unknown */
    int orientation;   /* EXIF orientation 1..8, 0 when absent or invalid */
    gboolean has_gps;
    double gps_lat, gps_lon; /* signed decimal degrees, rounded to 7 places */

    PdCaption reading; /* the caption read as an editor reads it (caption/) */

    /* SHA-256 of the picture without its metadata (JPEG: every segment but APPn and COM,
     * and the scan), to recognise a re-transmission whose caption was corrected; empty
     * when not known (other formats, or only the head of a file was read). */
    char image_sha256[65];

    char *content_credentials; /* where a C2PA manifest store was found ("JPEG APP11"), else
                                  NULL; present, not verified */

    gboolean damaged;    /* some structure was broken; what could be read is here */
    char *refusal;       /* why photodesk will not take this file though it could read it:
                            image data that cannot hold the size its header claims,
                            metadata that inflates past the per-file budget; else NULL */
    GPtrArray *warnings; /* of char *: what was odd, damaged or repaired */
} PdPhotoMeta;

/* Starts libvips for photodesk: untrusted loaders blocked, no operation cache (photos
 * are read once), warnings routed to the photo being read. Call it first, before using
 * libvips; calling it again does nothing. Reading a photo calls it when the photo needs
 * libvips (a JPEG's header is read without it), so a process that only reads JPEGs'
 * metadata never starts it. */
gboolean pd_ingest_init(const char *argv0, GError **error);

/* Reads the photo at @path. Returns NULL with @error set when the file cannot be read
 * or is not an image photodesk opens; a damaged photo of a known format is not an error
 * (see ->damaged). Free with pd_photo_meta_free(). */
PdPhotoMeta *pd_ingest_read_file(const char *path, GError **error);

/* The same for @len bytes in memory, which must stay valid during the call. */
PdPhotoMeta *pd_ingest_read_buffer(const void *data, gsize len, GError **error);

/* The format @len bytes at @data start with, or PD_FORMAT_UNKNOWN. */
PdFormat pd_ingest_sniff_format(const guint8 *data, gsize len);

/* "jpeg", "png", "webp", "tiff", "heif" or "unknown". */
const char *pd_format_name(PdFormat format);

PdPhotoMeta *pd_photo_meta_new(void);
void pd_photo_meta_free(PdPhotoMeta *meta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdPhotoMeta, pd_photo_meta_free)

/* One JSON object on one line (no newline) with @file and the fields of
 * ../shared/corpus/expected.jsonl, plus "warnings" and "damaged". Free with g_free(). */
char *pd_photo_meta_to_json(const PdPhotoMeta *meta, const char *file);

/* An aligned listing for people, one field a line, ending in a newline. */
char *pd_photo_meta_to_text(const PdPhotoMeta *meta, const char *file);

/* ---------------------------------------------------------------- ingesting */

typedef enum {
    PD_INGEST_ADDED,
    PD_INGEST_DUPLICATE,
    PD_INGEST_UPDATED,
    PD_INGEST_REJECTED,
} PdIngestStatus;

/* "added", "duplicate", "updated", "rejected". */
const char *pd_ingest_status_name(PdIngestStatus status);

/* What became of one file, reported once its photo is committed (or it was rejected). */
typedef struct {
    const char *file;
    PdIngestStatus status;
    gint64 id;                  /* the photo, 0 when rejected */
    const char *sha256;         /* of the file, NULL when it could not be read */
    const char *error;          /* why it was rejected, else NULL */
    const char *warning;        /* what an editor should know: a reference shared with another
                                   picture; else NULL */
    gboolean picture_changed;   /* updated, and the picture is not the one it was */
    gboolean skipped;           /* rejected: its task was cancelled before it was started */
    gboolean catalog_failed;    /* rejected: the catalog could not be written (the error says
                                   why: a full disk, a catalog locked for too long) */
    gint64 size, mtime_ns;      /* the file as it was read (mtime in ns since the epoch); -1
                                   when it could not be */
    const char *const *amended; /* added: what the queue's amend function did to it (the
                                   desk's rules applied), NULL-terminated; or NULL */
} PdIngestResult;

/* One JSON object on one line: file, status, id, sha256, error, warning, picture_changed,
 * and "rules" (what amended it) when something did.
 * Free with g_free(). */
char *pd_ingest_result_to_json(const PdIngestResult *result);

/* ---------------------------------------------------------------- the ingest queue */

/* One queue per process: long-lived decode workers (one photo each, libvips' own
 * threading at 1) and one catalog writer, which commits in batches. The CLI's ingest,
 * the server's uploads and hot folders all feed the same one. */
typedef struct PdIngestQueue PdIngestQueue;

/* The catalog (catalog/catalog.h), named here without its definition. */
typedef struct PdCatalog PdCatalog;

/* Called on the writer's thread for each photo added, inside the transaction that adds it
 * and with the writer's own connection: what the caller adds to a new photo (the desk's
 * rules, a template's edits as a version of their own). It names what it did in
 * @applied (one string each) and what it could not do in @warning; FALSE with @error
 * only when the catalog cannot be written (the batch is then rolled back and its files
 * rejected, as for any catalog failure). */
typedef gboolean (*PdIngestAmendFunc)(PdCatalog *catalog, gint64 id, const char *file,
                                      gpointer user_data, GPtrArray *applied, GString *warning,
                                      GError **error);

typedef struct {
    int jobs;                /* decode workers; 0: one per core */
    int quality;             /* JPEG quality of the renditions */
    double max_megapixels;   /* refuse larger photos from their header */
    guint batch;             /* photos per catalog transaction */
    PdIngestAmendFunc amend; /* may be NULL */
    gpointer amend_data;
} PdIngestQueueOptions;

void pd_ingest_queue_options_init(PdIngestQueueOptions *options);

/* Called on the writer's thread once a file's photo is committed, or the file rejected. */
typedef void (*PdIngestQueueFunc)(const PdIngestResult *result, gpointer user_data);

/* What files are added for: who hears of them, and how. The caller keeps it alive until
 * every file added with it is reported. */
typedef struct {
    PdIngestQueueFunc report;
    gpointer user_data;
    gboolean move;             /* remove each source file once its photo is committed */
    GCancellable *cancellable; /* once cancelled, its files not yet started are reported
                                  as skipped; may be NULL */
    gboolean remember;         /* record each file in the catalog (its path, the size and
                                  modification time it was read with, its outcome) in the
                                  transaction of its photo: hot folders */
} PdIngestTask;

/* Starts the workers and the writer for the library at @library with its catalog at
 * @catalog (opened, and migrated, before this returns). NULL with @error when either
 * cannot be used. */
PdIngestQueue *pd_ingest_queue_new(const char *library, const char *catalog,
                                   const PdIngestQueueOptions *options, GError **error);

/* Adds the file at @path (a file; folders are for the caller to walk) for @task. Every
 * file added is reported exactly once. */
void pd_ingest_queue_add(PdIngestQueue *queue, const char *path, PdIngestTask *task);

/* Finishes every file added (reporting each), then stops the threads and frees @queue. */
void pd_ingest_queue_free(PdIngestQueue *queue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdIngestQueue, pd_ingest_queue_free)

/* ---------------------------------------------------------------- ingesting files */

typedef void (*PdIngestReportFunc)(const PdIngestResult *result, guint done, guint total,
                                   gpointer user_data);

typedef struct {
    PdIngestQueueOptions queue;
    gboolean move; /* remove each source file once its photo is committed */
    PdIngestReportFunc report;
    gpointer user_data;
    GCancellable *cancellable; /* once cancelled, start no new file; may be NULL */
} PdIngestOptions;

typedef struct {
    guint files, added, duplicate, updated, rejected;
    gboolean stopped; /* the run was stopped before every file was done */
    double seconds;
} PdIngestSummary;

void pd_ingest_options_init(PdIngestOptions *options);

/* The files at @paths, folders walked (recursively, sorted, hidden names and the
 * library itself left out); a folder that cannot be read goes into @unreadable. */
GPtrArray *pd_ingest_list_files(const char *const *paths, const char *library,
                                GPtrArray *unreadable);

/* Ingests files and folders into the library through a queue of its own: each photo's
 * original is stored (durably) and its renditions made, then its row committed in a
 * batch; only then is it reported. Returns FALSE, with @error, when the library cannot
 * be used at all, or stops there when its catalog cannot be written (the files reported
 * before that are in it); a file that cannot be ingested is reported as rejected and
 * the rest go on. */
gboolean pd_ingest_files(const char *library, const char *catalog, const char *const *paths,
                         const PdIngestOptions *options, PdIngestSummary *summary, GError **error);

/* ---------------------------------------------------------------- the catalog row */

/* A catalog row (catalog/catalog.h), named here without its definition: a photo's
 * reading is what becomes one. */
typedef struct PdCatalogPhoto PdCatalogPhoto;

/* The catalog row for a photo read as @meta whose file has @sha256 and @bytes. Free
 * with pd_catalog_photo_free(). */
PdCatalogPhoto *pd_ingest_photo_row(const PdPhotoMeta *meta, const char *sha256, gint64 bytes);

/* Sets what @photo's row keeps of a caption's @reading: the credit chain, restrictions,
 * slug, top pick and checks (replacing what was there). */
void pd_ingest_apply_caption(PdCatalogPhoto *photo, const PdCaption *reading);

/* ---------------------------------------------------------------- delivery */

/* The IPTC-IIM and XMP photodesk writes into a delivered file: each field of @text that
 * is set, IIM (UTF-8, declared with 1:90 ESC % G) cut to the standard's limits at a
 * character boundary, XMP with the whole text, both as the field table (base.h) says. */
/* The IIM block: 1:90, 2:00 record version 4, then the fields, datasets ascending. */
GBytes *pd_ingest_encode_iim(const PdPhotoText *text);
/* A Photoshop image resource list holding @iim (0x0404) and its MD5 digest (0x0425), so
 * that readers see IIM and XMP in step. */
GBytes *pd_ingest_encode_irb(GBytes *iim);
/* An XMP packet (UTF-8, with its xpacket wrapper); GPS only with @has_gps. */
char *pd_ingest_encode_xmp(const PdPhotoText *text, gboolean has_gps, double lat, double lon);

G_END_DECLS
