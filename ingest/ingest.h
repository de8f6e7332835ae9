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
#include "catalog/catalog.h"

#include <glib.h>

G_BEGIN_DECLS

#define PD_INGEST_ERROR (pd_ingest_error_quark())
GQuark pd_ingest_error_quark(void);

typedef enum {
    PD_INGEST_ERROR_OPEN,    /* missing, unreadable, not a regular file */
    PD_INGEST_ERROR_EMPTY,   /* zero bytes */
    PD_INGEST_ERROR_FORMAT,  /* not one of the formats photodesk opens */
    PD_INGEST_ERROR_INIT,    /* libvips could not start */
    PD_INGEST_ERROR_INVALID, /* a corrected field that cannot be kept (the message says which) */
    PD_INGEST_ERROR_REFUSED, /* a delivery the wire's rules forbid: a killed photo */
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

    gboolean damaged;    /* some structure was broken; what could be read is here */
    char *refusal;       /* why photodesk will not take this file though it could read it:
                            image data that cannot hold the size its header claims,
                            metadata that inflates past the per-file budget; else NULL */
    GPtrArray *warnings; /* of char *: what was odd, damaged or repaired */
} PdPhotoMeta;

/* Starts libvips for photodesk: untrusted loaders blocked, no operation cache (photos
 * are read once), warnings routed to the photo being read. Call once, first. */
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

/* ---------------------------------------------------------------- the library */

/* The library folder: @given (--library), else $PHOTODESK_LIBRARY, else
 * $XDG_DATA_HOME/photodesk (~/.local/share/photodesk). Newly allocated. */
char *pd_ingest_library_path(const char *given);

/* The catalog file of a library. Newly allocated. */
char *pd_ingest_catalog_path(const char *library);

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
    gint64 id;                /* the photo, 0 when rejected */
    const char *sha256;       /* of the file, NULL when it could not be read */
    const char *error;        /* why it was rejected, else NULL */
    const char *warning;      /* what an editor should know: a reference shared with another
                                 picture; else NULL */
    gboolean picture_changed; /* updated, and the picture is not the one it was */
} PdIngestResult;

/* One JSON object on one line: file, status, id, sha256, error, warning, picture_changed.
 * Free with g_free(). */
char *pd_ingest_result_to_json(const PdIngestResult *result);

typedef void (*PdIngestReportFunc)(const PdIngestResult *result, guint done, guint total,
                                   gpointer user_data);

typedef struct {
    int jobs;              /* decode workers; 0: one per core */
    gboolean move;         /* remove each source file once its photo is committed */
    int quality;           /* JPEG quality of the renditions */
    double max_megapixels; /* refuse larger photos from their header */
    guint batch;           /* photos per catalog transaction */
    PdIngestReportFunc report;
    gpointer user_data;
    const volatile int *stop; /* when it becomes non-zero, start no new file */
} PdIngestOptions;

typedef struct {
    guint files, added, duplicate, updated, rejected;
    gboolean stopped; /* the run was stopped before every file was done */
    double seconds;
} PdIngestSummary;

void pd_ingest_options_init(PdIngestOptions *options);

/* Ingests files and folders (recursively) into the library: each photo's original is
 * stored (durably) and its renditions made, then its row committed in a batch; only
 * then is it reported. Returns FALSE, with @error, when the library cannot be used at
 * all (the files reported before that are in it); a file that cannot be ingested is
 * reported as rejected and the rest go on. */
gboolean pd_ingest_files(const char *library, const char *const *paths,
                         const PdIngestOptions *options, PdIngestSummary *summary, GError **error);

/* The JSON object (and the aligned listing) `photodesk show` prints for photo @id:
 * every field, renditions with their paths, versions with their changes. */
char *pd_ingest_show_json(const char *library, gint64 id, GError **error);
char *pd_ingest_show_text(const char *library, gint64 id, GError **error);

/* The same object for the web UI from an open catalog, with the URLs of the photo's
 * files (/photos/ID/NAME?v=SHA256) instead of their paths, and only its newest
 * PD_PHOTO_VERSIONS versions ("versions_total" says how many there are). */
#define PD_PHOTO_VERSIONS 20
char *pd_ingest_photo_json(PdCatalog *catalog, gint64 id, GError **error);

/* The 409 answer to a change made on version @seen of photo @id after it moved on:
 * {"error": @message, "seen_version", "version", "changed": [{"field", "from" (as it was
 * at @seen), "to" (as it is), "by" (users, or "wire"), "versions"}], "photo": (as
 * pd_ingest_photo_json gives it)}. */
char *pd_ingest_conflict_json(PdCatalog *catalog, gint64 id, int seen, const char *message,
                              GError **error);

/* {"versions": [...], "total", "next_before"}: the photo's versions newest first, the
 * newest @limit of those before version @before (0: all of the newest), each with its
 * time, the user or the ingest that made it, its picture and the fields it changed from
 * what to what; "next_before" is the @before of the next page, null at the first
 * version. */
char *pd_ingest_history_json(PdCatalog *catalog, gint64 id, int before, int limit, GError **error);

/* What an editor corrects in a photo: each field NULL to leave it, "" to empty it. */
typedef struct {
    int version; /* the photo's version the editor saw; 0: whatever it is now */
    const char *caption, *headline, *byline, *credit, *source, *city, *country;
    const char *special_instructions;
    gboolean set_keywords;
    const char *const *keywords; /* with set_keywords: NULL-terminated (NULL: none) */
} PdCorrection;

/* The longest a corrected field may be, in bytes (the IIM limits, which are shorter,
 * are checks the editor sees, not refusals). */
#define PD_CORRECTION_MAX_CAPTION  16000
#define PD_CORRECTION_MAX_FIELD    1000
#define PD_CORRECTION_MAX_KEYWORDS 200

/* Corrects photo @id: a new version by @user with the changed fields (only those given),
 * the credit chain, restrictions, slug and checks read again from the new text, the
 * search index in step; all in one write transaction. FALSE with
 * PD_INGEST_ERROR_INVALID (naming the field) for text that is not UTF-8, holds control
 * characters or is too long, or with the catalog's error: PD_CATALOG_ERROR_NOT_FOUND (no
 * such photo), PD_CATALOG_ERROR_STALE (the photo is no longer at @correction->version).
 * *@changed: whether anything changed. */
gboolean pd_ingest_correct(PdCatalog *catalog, gint64 id, const PdCorrection *correction,
                           const char *user, gboolean *changed, GError **error);

/* Searches the library (see PdSearchRequest in catalog/catalog.h) and returns the object
 * `photodesk search --json` prints: {"total": N, "results": [...]} (and "facets" when asked
 * for), each result with id, sha256, caption, headline, byline, credit, source,
 * credit_line, date_created, city, country, width, height, snippet and more. The snippet
 * marks matched words with PD_SNIPPET_OPEN and PD_SNIPPET_CLOSE. NULL with @error on a
 * request that cannot be run (bad date, unknown library...). */
char *pd_ingest_search_json(const char *library, const PdSearchRequest *request, GError **error);
/* The same on an open catalog. */
char *pd_ingest_search_json_in(PdCatalog *catalog, const PdSearchRequest *request, GError **error);

/* The same search as a table for people; @marks are the strings to put around matched
 * words (for a terminal, bold on and off). */
char *pd_ingest_search_text(const char *library, const PdSearchRequest *request,
                            const char *mark_open, const char *mark_close, GError **error);

/* ---------------------------------------------------------------- articles */

/* {"articles": [...]}: every article, last changed first, each with id, slug, headline,
 * status, created_by, created_at, updated_at and photos (how many are placed). */
char *pd_ingest_articles_json(PdCatalog *catalog, GError **error);

/* Article @id with its placements in order. Each placement has its own caption and
 * credit line, role, position, who placed it and when, the photo (id, caption,
 * credit line, byline, thumb and preview URLs...), what the wire restricts
 * (kill, editorial_only, mandatory_credit, embargo_until and whether it is still
 * "embargoed"), and a "notice" when the photo has changed since it was placed: the
 * versions since then, until an editor acknowledges them; else null. */
char *pd_ingest_article_json(PdCatalog *catalog, gint64 id, GError **error);
/* The same for people. */
char *pd_ingest_article_text(PdCatalog *catalog, gint64 id, GError **error);

/* Writes article @id's package to @zip_path: the web rendition of each placed photo, in
 * order, with the placement's caption and credit line and the photo's byline, source,
 * copyright, date created, city and country embedded as IPTC-IIM and XMP (GPS only with
 * @gps; nothing else of the photo's metadata), and article.json listing them. The file
 * appears whole or not at all. PD_INGEST_ERROR_REFUSED when a placed photo is killed or
 * the article has none. */
gboolean pd_ingest_package_article(PdCatalog *catalog, const char *library, gint64 id, gboolean gps,
                                   const char *zip_path, GError **error);
/* @slug made safe for a file name (letters, digits, '-' and '_'; others become '-'),
 * at most 60 bytes, "article" when nothing is left. */
char *pd_ingest_safe_name(const char *slug);

/* fsck: every photo's original exists and hashes to its name, every rendition exists,
 * no stray file older than @grace_seconds, the catalog's integrity. With @repair,
 * missing renditions are made again and strays removed. @report gets one line per
 * problem (and per repair). Returns the number of problems left, or -1 with @error
 * when the library cannot be checked. */
typedef void (*PdFsckReportFunc)(const char *line, gpointer user_data);
int pd_ingest_fsck(const char *library, gboolean repair, gint64 grace_seconds,
                   PdFsckReportFunc report, gpointer user_data, GError **error);

G_END_DECLS
