/* catalog.h: the photo catalog (the public interface of catalog/).
 *
 * SQLite underneath (WAL mode, numbered migrations, prepared statements), but no SQLite
 * type crosses this header: a PostgreSQL catalog would be a change inside this module.
 * Photos keep every field photodesk reads, their keywords, renditions, every original
 * received for them, and their versions: which fields changed, when, by whom or by
 * which ingest. A full-text index over the caption fields is kept in step with them.
 */
#pragma once

#include "base/base.h"

#include <glib.h>

G_BEGIN_DECLS

#define PD_CATALOG_ERROR (pd_catalog_error_quark())
GQuark pd_catalog_error_quark(void);

typedef enum {
    PD_CATALOG_ERROR_OPEN,      /* cannot open or create the catalog file */
    PD_CATALOG_ERROR_SCHEMA,    /* made by a newer photodesk, or a migration failed */
    PD_CATALOG_ERROR_FAILED,    /* a statement failed (the message says which and why) */
    PD_CATALOG_ERROR_BUSY,      /* another process holds the write lock */
    PD_CATALOG_ERROR_NOT_FOUND, /* no such photo */
    PD_CATALOG_ERROR_QUERY,     /* a search that cannot be run as asked (the message says why) */
    PD_CATALOG_ERROR_EXISTS,    /* a user or article of that name, a placement, is there already */
    PD_CATALOG_ERROR_INVALID,   /* a value the catalog does not take (the message says which) */
    PD_CATALOG_ERROR_CONFLICT,  /* not allowed in the photo's state: a killed photo placed */
    PD_CATALOG_ERROR_STALE,     /* changed since the version the editor saw */
    PD_CATALOG_ERROR_CONFIRM,   /* allowed only on the editor's confirmation: a picture made
                                   with generative AI placed */
} PdCatalogError;

typedef struct PdCatalog PdCatalog;

/* A photo as the catalog keeps it: a plain value. Strings are UTF-8 or NULL. */
typedef struct PdCatalogPhoto {
    gint64 id;          /* 0 until added */
    char *sha256;       /* of the current original */
    char *image_sha256; /* of its image data without metadata, or NULL */
    char *format;       /* jpeg, png, webp, tiff, heif */
    char *ext;          /* of the original's file in the store */
    gint64 bytes;
    int width, height, orientation;

    PD_PHOTO_TEXT_MEMBERS;    /* the fields (base.h), by name and as photo->text */
    char *date_created_utc;   /* the same instant in UTC, when the photo gives an offset */
    char *date_created_local; /* the photographer's local date: YYYY[-MM[-DD]] */
    gboolean has_gps;
    double gps_lat, gps_lon;

    /* read from the caption */
    char *caption_body, *photographer, *agency, *distributor, *credit_line;
    gboolean pool, handout, file_photo;
    char *restrictions; /* JSON object, as photodesk meta --json prints it */
    gboolean editorial_only, kill;
    gboolean mandatory_credit;
    char *mandatory_credit_text; /* the credit to print, when the wire gives it */
    char *embargo_until;
    char *slug;
    gboolean top_pick;
    char *checks;   /* JSON array */
    char *warnings; /* JSON array */
    gboolean damaged;
    int made;                  /* how it was made: PdMade bits (caption.h), 0 when unstated */
    char *content_credentials; /* where a C2PA manifest was found in the original, or NULL */

    gboolean has_dhash;
    guint64 dhash;
    /* the picture shown: the SHA-256 of the original its renditions were made from (their
     * name in the store); NULL in an update means "the one there is" */
    char *picture;

    int version;       /* set by the catalog */
    char *ingested_at; /* set by the catalog, ISO 8601 UTC */
    char *updated_at;
} PdCatalogPhoto;

PdCatalogPhoto *pd_catalog_photo_new(void);
void pd_catalog_photo_free(PdCatalogPhoto *photo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogPhoto, pd_catalog_photo_free)

typedef struct {
    char *name;   /* web, preview, thumb */
    char *sha256; /* of the original it was made from (its file name in the store) */
    int width, height;
    gint64 bytes;
} PdCatalogRendition;

void pd_catalog_rendition_free(PdCatalogRendition *r);

typedef struct {
    char *field;
    char *from, *to; /* NULL: empty */
    char *editor;    /* a wire change over this editor's correction of the field, or NULL */
} PdCatalogChange;

typedef struct {
    int version;
    char *at;                 /* ISO 8601 UTC */
    char *by_user;            /* an editor's name, or NULL */
    char *by_ingest;          /* the file an ingest read, or NULL */
    char *original;           /* SHA-256 of the original this version came with, or NULL */
    char *picture;            /* the picture it showed (PdCatalogPhoto.picture), or NULL */
    gboolean picture_changed; /* a re-send whose pixels differ (a recrop, a retouch) */
    char *seen_by, *seen_at;  /* who acknowledged that the wire overwrote a correction */
    GPtrArray *changes;       /* of PdCatalogChange *, empty for the first version */
} PdCatalogVersion;

void pd_catalog_version_free(PdCatalogVersion *v);

typedef enum {
    PD_CATALOG_READ_WRITE,
    PD_CATALOG_READ_ONLY,
} PdCatalogMode;

/* Opens the catalog at @path, creating it and bringing its schema up to date in
 * read-write mode. One writer at a time; readers do not block it (WAL). A @path that
 * is a PostgreSQL URL (pd_catalog_is_url()) opens the catalog in that database,
 * making its schema there the first time: every function of this API works the same
 * on both. */
PdCatalog *pd_catalog_open(const char *path, PdCatalogMode mode, GError **error);
/* Whether @where is a PostgreSQL URL ("postgresql://..." or "postgres://..."). */
gboolean pd_catalog_is_url(const char *where);
void pd_catalog_close(PdCatalog *catalog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalog, pd_catalog_close)

/* How long a statement waits for another writer's lock before failing with
 * PD_CATALOG_ERROR_BUSY (default 10 s). */
void pd_catalog_set_busy_timeout(PdCatalog *catalog, int milliseconds);

/* The schema version (number of migrations applied). */
int pd_catalog_schema_version(PdCatalog *catalog);

/* Told of each table copied, with its rows. */
typedef void (*PdCatalogCopied)(const char *table, gint64 rows, gpointer user_data);
/* Copies @catalog (at the newest schema) into the empty PostgreSQL database at @url
 * (a libpq connection string or postgresql:// URL): PostgreSQL's schema, numbered as
 * SQLite's, then every table (photos, every version and change, users, sessions,
 * articles, placements, deliveries, picks, lightboxes, settings...) read in one
 * snapshot, each table's rows counted on both sides. Nothing is kept unless every
 * count agrees. PD_CATALOG_ERROR_FAILED saying why (the database holds a catalog
 * already, PostgreSQL's own error). */
gboolean pd_catalog_copy_to_pg(PdCatalog *catalog, const char *url, PdCatalogCopied report,
                               gpointer user_data, GError **error);

/* Transactions: everything between begin and commit lands together or not at all.
 * Every read-modify-write runs inside one. The outer transaction takes the write lock
 * before anything is read, waiting for another writer (up to the busy timeout) rather
 * than failing; PD_CATALOG_ERROR_BUSY only when it is still held after that. Inside an
 * open transaction, begin opens a savepoint, which commit releases and rollback undoes.
 * A failed commit leaves the transaction open: roll it back. */
gboolean pd_catalog_begin(PdCatalog *catalog, GError **error);
gboolean pd_catalog_commit(PdCatalog *catalog, GError **error);
void pd_catalog_rollback(PdCatalog *catalog);
/* Ends the transaction (or savepoint) a write ran in: commits it when @ok, else (or when
 * the commit fails) rolls it back. TRUE when it was committed. */
gboolean pd_catalog_finish(PdCatalog *catalog, gboolean ok, GError **error);
/* Whether a transaction is open on this connection. */
gboolean pd_catalog_in_transaction(PdCatalog *catalog);

/* The photo that has (or had) the original @sha256, or 0. Returns FALSE only on error. */
gboolean pd_catalog_find_original(PdCatalog *catalog, const char *sha256, gint64 *photo_id,
                                  GError **error);

/* The first photo whose image data (the pixels' bytes without metadata) has @image_sha256,
 * or 0 (also when @image_sha256 is NULL). FALSE only on error. */
gboolean pd_catalog_find_image(PdCatalog *catalog, const char *image_sha256, gint64 *photo_id,
                               GError **error);

/* The catalog's file, or its URL on PostgreSQL: what tells two catalogs apart in one
 * process. */
const char *pd_catalog_file(PdCatalog *catalog);

/* A photo's caption, as pd_catalog_captions_arrived() gives it. */
typedef struct {
    gint64 id;
    char *caption;
} PdCatalogCaption;
void pd_catalog_caption_free(PdCatalogCaption *caption);
/* The captions (PdCatalogCaption *) of the photos that arrived from @from (ISO 8601 UTC,
 * inclusive) to @to (exclusive), the newest first, at most @max of them. */
GPtrArray *pd_catalog_captions_arrived(PdCatalog *catalog, const char *from, const char *to,
                                       guint max, GError **error);

/* The photos (PdCatalogPhoto *, newest first, at most 100) sent by @source with the
 * transmission reference @reference: the candidates a re-send may belong to. Agencies
 * reuse short references across days and desks, so whether it is the same picture is
 * for the caller to decide. Empty when either is NULL; NULL on error. */
GPtrArray *pd_catalog_find_reference(PdCatalog *catalog, const char *source, const char *reference,
                                     GError **error);

/* Adds @photo (setting ->id, ->version, ->ingested_at), its keywords, its original and
 * its first version, recorded as coming from @ingest_file or @by_user. */
gboolean pd_catalog_add_photo(PdCatalog *catalog, PdCatalogPhoto *photo, const char *by_user,
                              const char *ingest_file, GError **error);

/* Replaces the stored photo @photo->id with @photo, recording a new version with the
 * fields that changed (and the new original, if its SHA-256 differs). Derived values
 * @photo lacks (perceptual hash, image-data hash, size, picture) keep what was stored.
 * A new picture whose image data differs makes a version with picture_changed; the old
 * picture's renditions stay for its history. An update from the wire (@by_user NULL)
 * that changes a field an editor corrected last records that editor with the change.
 * The stored photo is read under the write lock (its own transaction, unless one is
 * open). Sets *@changed to FALSE, and records nothing, when nothing changed. */
gboolean pd_catalog_update_photo(PdCatalog *catalog, PdCatalogPhoto *photo, const char *by_user,
                                 const char *ingest_file, gboolean *changed, GError **error);

/* Records (or replaces) rendition @name of photo @photo_id. */
gboolean pd_catalog_set_rendition(PdCatalog *catalog, gint64 photo_id,
                                  const PdCatalogRendition *rendition, GError **error);

/* Reads a photo; NULL with PD_CATALOG_ERROR_NOT_FOUND when there is none. */
PdCatalogPhoto *pd_catalog_get_photo(PdCatalog *catalog, gint64 id, GError **error);

/* The renditions of photo @id's current picture (PdCatalogRendition *: web, preview,
 * thumb); of one of its pictures, current or past (@picture: a PdCatalogPhoto.picture or
 * PdCatalogVersion.picture); and its versions (PdCatalogVersion *, oldest first). NULL on
 * error. */
GPtrArray *pd_catalog_get_renditions(PdCatalog *catalog, gint64 id, GError **error);
GPtrArray *pd_catalog_get_picture_renditions(PdCatalog *catalog, gint64 id, const char *picture,
                                             GError **error);
/* Where photo @id's file @name (web, preview, thumb or original) is filed: its SHA-256
 * and extension in the store, and its format ("jpeg" for renditions). A rendition is of
 * @picture when the photo has had that picture, else of the current one. FALSE with
 * PD_CATALOG_ERROR_NOT_FOUND when there is no such photo or file. */
gboolean pd_catalog_get_file(PdCatalog *catalog, gint64 id, const char *name, const char *picture,
                             char **sha256, char **ext, char **format, GError **error);
GPtrArray *pd_catalog_get_versions(PdCatalog *catalog, gint64 id, GError **error);
/* A page of them: the newest @limit versions before @before (0: the newest there are),
 * oldest first. */
GPtrArray *pd_catalog_get_versions_page(PdCatalog *catalog, gint64 id, int before, int limit,
                                        GError **error);
/* Records that @by_user has seen version @version of photo @id (a re-send from the wire
 * over an editor's correction, kept as the wire sent it). */
gboolean pd_catalog_acknowledge_version(PdCatalog *catalog, gint64 id, int version,
                                        const char *by_user, GError **error);

/* Every original received, and every rendition of every picture, for fsck. */
typedef void (*PdCatalogOriginalFunc)(const char *sha256, const char *ext, gint64 photo_id,
                                      gpointer user_data);
typedef void (*PdCatalogRenditionFunc)(gint64 photo_id, const PdCatalogRendition *rendition,
                                       gpointer user_data);
gboolean pd_catalog_foreach_original(PdCatalog *catalog, PdCatalogOriginalFunc func,
                                     gpointer user_data, GError **error);
gboolean pd_catalog_foreach_rendition(PdCatalog *catalog, PdCatalogRenditionFunc func,
                                      gpointer user_data, GError **error);

/* All photo ids, in order; those without a perceptual hash. */
GArray *pd_catalog_photo_ids(PdCatalog *catalog, GError **error);
GArray *pd_catalog_photos_without_dhash(PdCatalog *catalog, GError **error);

/* Sets photo @id's perceptual hash (fsck: one that was lost); no new version. */
gboolean pd_catalog_set_dhash(PdCatalog *catalog, gint64 id, guint64 dhash, GError **error);

/* Whether the catalog has the original @sha256 (@rendition NULL), or rendition
 * @rendition of the picture @sha256, as it is now (read again, not from a snapshot). */
gboolean pd_catalog_knows_file(PdCatalog *catalog, const char *rendition, const char *sha256,
                               gboolean *known, GError **error);

/* SQLite's integrity check and the full-text index's: NULL when all is well, else a
 * newly allocated report. */
char *pd_catalog_check_integrity(PdCatalog *catalog, GError **error);
/* After a bulk load: SQLite's full-text index merged into one segment (a word is then
 * looked up once, not once a segment) and the planner's statistics brought up to date;
 * PostgreSQL vacuumed and analyzed. Takes the write lock on SQLite (ingest waits). */
gboolean pd_catalog_optimize(PdCatalog *catalog, GError **error);

gint64 pd_catalog_count_photos(PdCatalog *catalog, GError **error);

/* ---------------------------------------------------------------- search */

/* Turns what an editor types into full-text expressions: words (all must match),
 * "quoted phrases", -excluded words or phrases, OR between two terms, prefix* (and NOT
 * before a term, AND ignored). Every word becomes a quoted string, so nothing an editor
 * types can be an FTS5 operator, a column name or a syntax error; punctuation inside a
 * term (a-b, don't, caption:x) makes it a phrase of its words.
 *
 * Sets *@positive (what must match) and *@excluded (the single words that must not;
 * excluded phrases are checked after the index), either NULL when there is none, both
 * newly allocated. FALSE with PD_CATALOG_ERROR_QUERY (and a message an editor
 * understands) when the query cannot be searched as it is: more than
 * PD_CATALOG_MAX_TERMS words. */
#define PD_CATALOG_MAX_TERMS 64
gboolean pd_catalog_build_query(PdCatalog *catalog, const char *text, char **positive,
                                char **excluded, GError **error);

typedef enum {
    PD_SEARCH_SORT_DATE,      /* newest date created first */
    PD_SEARCH_SORT_ARRIVED,   /* newest ingest first */
    PD_SEARCH_SORT_RELEVANCE, /* bm25: headline and caption above keywords, above the rest */
} PdSearchSort;

typedef struct {
    const char *query;     /* as typed; NULL or empty: every photo (filters still apply) */
    const char *from, *to; /* YYYY, YYYY-MM or YYYY-MM-DD, on the local date created */
    gboolean undated;      /* only photos with no date created */
    const char *credit;    /* Credit, or anywhere in the parsed credit line */
    const char *byline;    /* By-line, or the photographer in the credit line */
    const char *source, *city, *country;
    PdSearchSort sort;
    int limit;  /* 1..1000; 0 means 50 */
    int offset; /* >= 0 */
    gboolean facets;
    gint64 after_id;     /* only photos that arrived after this one (a larger id); 0: any */
    gboolean all_copies; /* desk/: every copy of a picture, not one card per group */
    int made;            /* PdMade bits: only photos whose source type says either; 0: any */
    int min_rating;      /* only photos the desk rated this many stars or more; 0: any */
    const char *label;   /* only photos with this colour label; NULL: any */
    gint64 lightbox;     /* only the photos in this lightbox; 0: any */
} PdSearchRequest;

/* Marks around the matched words in a snippet: STX and ETX, which no caption holds. */
#define PD_SNIPPET_OPEN  "\x02"
#define PD_SNIPPET_CLOSE "\x03"

typedef struct {
    gint64 id;
    char *sha256;
    char *caption, *headline, *byline, *credit, *source, *credit_line, *distributor;
    char *photographer, *date_created, *city, *country, *slug, *embargo_until;
    char *ingested_at;
    gint64 group_id; /* the group of photos showing the same photograph, 0 when none */
    char *snippet;   /* the caption with the matched words between the marks, or NULL */
    char *thumb;     /* SHA-256 naming the thumb rendition's file, or NULL */
    int width, height;
    gboolean kill, editorial_only, top_pick;
    int made;                     /* PdMade bits */
    gboolean content_credentials; /* the original carries C2PA content credentials */
    int rating;                   /* the desk's pick: 0 to 5 stars */
    char *label;                  /* and colour label, or NULL */
} PdSearchHit;

typedef struct {
    char *value; /* NULL: photos without one */
    gint64 count;
} PdFacetCount;

/* Matches are counted exactly up to this many (with facets, always): beyond it, counting
 * would cost more than finding the page, and "more than 1,000" is what an editor needs. */
#define PD_SEARCH_EXACT_TOTAL 1000
/* By relevance, the newest this many matches are ranked: a word in half the photos is
 * not worth ranking all of them. */
#define PD_SEARCH_RANKED 10000

typedef struct {
    gint64 total;         /* the photos that match, not only those returned... */
    gboolean total_exact; /* ...or, when FALSE, at least that many (PD_SEARCH_EXACT_TOTAL) */
    GPtrArray *hits;      /* of PdSearchHit * */
    /* with facets, for the whole result set (PdFacetCount *, largest first; days newest
     * first); NULL otherwise */
    GPtrArray *by_distributor, *by_photographer, *by_day;
    GPtrArray *by_label, *by_rating; /* the desk's picks: by colour label, by stars ("5"...) */
    GPtrArray *by_city, *by_country;
} PdSearchResult;

void pd_search_result_free(PdSearchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdSearchResult, pd_search_result_free)

/* Searches the catalog. Dates and sort are checked first (PD_CATALOG_ERROR_QUERY, with a
 * message naming the field); a query never fails on what was typed. */
PdSearchResult *pd_catalog_search(PdCatalog *catalog, const PdSearchRequest *request,
                                  GError **error);

/* ---------------------------------------------------------------- users and sessions */

/* Someone who logs in to the web UI. Names are unique whatever their case. */
typedef struct {
    gint64 id;
    char *name;
    char *role;          /* "viewer" (searches and looks), "editor" or "admin" */
    char *password_hash; /* as the password hasher made it (webui: Argon2id) */
    char *created_at, *password_changed_at;
    gint64 seen_photo_id; /* the newest photo the editor has looked at */
    char *disabled_at;    /* when an admin disabled the account (no longer let in), or NULL */
    char *disabled_by;
} PdCatalogUser;

void pd_catalog_user_free(PdCatalogUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogUser, pd_catalog_user_free)

/* TRUE for "viewer", "editor" and "admin". */
gboolean pd_catalog_role_valid(const char *role);
/* PD_CATALOG_ERROR_EXISTS when the name is taken; INVALID for a role that is not one. */
gboolean pd_catalog_add_user(PdCatalog *catalog, const char *name, const char *role,
                             const char *password_hash, GError **error);
/* A new password ends every session of the user. PD_CATALOG_ERROR_NOT_FOUND: no user. */
gboolean pd_catalog_set_password(PdCatalog *catalog, const char *name, const char *password_hash,
                                 GError **error);
gboolean pd_catalog_remove_user(PdCatalog *catalog, const char *name, GError **error);
/* Gives user @name @role (NULL: leaves it) and disables the account (@disable 1; by
 * @by_user), enables it (0) or leaves it (-1). A new role or a disabled account ends the
 * user's sessions. CONFLICT when it would leave no admin who can log in. */
gboolean pd_catalog_change_user(PdCatalog *catalog, const char *name, const char *role, int disable,
                                const char *by_user, GError **error);
PdCatalogUser *pd_catalog_get_user(PdCatalog *catalog, const char *name, GError **error);
/* Every user, by name (PdCatalogUser *). */
GPtrArray *pd_catalog_list_users(PdCatalog *catalog, GError **error);

/* A logged-in session, found by the hash of its token. */
typedef struct {
    gint64 user_id;
    char *user, *role;
    char *csrf_hash; /* the hash of the session's CSRF token */
    char *expires_at;
} PdCatalogSession;

void pd_catalog_session_free(PdCatalogSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogSession, pd_catalog_session_free)

/* Stores a session that ends @lifetime_seconds from now (and forgets those that have
 * ended). Tokens are given hashed: the catalog never holds one that opens a session. */
gboolean pd_catalog_add_session(PdCatalog *catalog, const char *token_hash, gint64 user_id,
                                const char *csrf_hash, gint64 lifetime_seconds, GError **error);
/* The session, or NULL with PD_CATALOG_ERROR_NOT_FOUND when there is none or it ended. */
PdCatalogSession *pd_catalog_get_session(PdCatalog *catalog, const char *token_hash,
                                         GError **error);
gboolean pd_catalog_remove_session(PdCatalog *catalog, const char *token_hash, GError **error);

/* Failed logins, counted in the catalog so that every server on it counts the same. */
typedef struct {
    int per_account, per_address; /* tries a window allows */
    gint64 window;                /* seconds */
    int most;                     /* keys kept at most (beyond: those blocking nobody go) */
} PdLoginLimits;
/* Takes a try for @account and @address (keys: fixed-size, given by the caller) at @now
 * (seconds since 1970), counted as failed until pd_catalog_login_succeeded(): the
 * seconds to wait when either has no try left (and nothing counted), else 0; -1 with
 * @error. The check and the count are one transaction, so that tries in parallel, on
 * one server or several, cannot try more passwords than the limits allow. */
gint64 pd_catalog_take_login_try(PdCatalog *catalog, const char *account, const char *address,
                                 gint64 now, const PdLoginLimits *limits, GError **error);
/* The password was right: the account's failures forgotten, the address's try given back. */
gboolean pd_catalog_login_succeeded(PdCatalog *catalog, const char *account, const char *address,
                                    GError **error);

/* ---------------------------------------------------------------- articles */

/* A story photos are placed in. Slugs are unique whatever their case. */
typedef struct {
    gint64 id;
    char *slug, *headline;
    char *status; /* "draft" or "published" */
    char *created_by, *created_at, *updated_at;
    int photos;  /* how many are placed in it */
    int killed;  /* of those, how many the agency has killed since */
    int notices; /* and how many changed since they were placed, not yet acknowledged */
    int version; /* of its own fields (slug, headline, status), 1 and up */
} PdCatalogArticle;

void pd_catalog_article_free(PdCatalogArticle *article);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogArticle, pd_catalog_article_free)

/* A photo placed in an article. Its caption and credit line are this use's own: they
 * start as the photo's caption body and credit line and are then edited for the story;
 * the photo's own never change with them. */
typedef struct {
    gint64 article_id, photo_id;
    int position;                /* 1, 2, ... in the article's order */
    char *role;                  /* "lead", "inline" or "gallery" */
    char *caption, *credit_line; /* for this use */
    char *placed_by, *placed_at;
    int seen_version; /* the photo's version when it was placed, or when its changes since
                         were last acknowledged */
    char *picture;    /* the photo's picture then (PdCatalogPhoto.picture) */
    int version;      /* of this placement: 1, and one more at each change of it */
    /* placing: what the editor confirms the picture is (PdMade bits), when the photo says
     * it was made with generative AI or is a composite; placed: what they confirmed, by
     * placed_by at placed_at (0: nothing needed confirming) */
    int made_confirmed;
    /* its output: a crop of the upright picture ("x,y,w,h", fractions of its width and
     * height), the aspect it was drawn to ("3:2", "free"...), the output profile's name;
     * each NULL when none (the whole picture, the package's profile) */
    char *crop, *crop_aspect, *profile;
} PdCatalogPlacement;

void pd_catalog_placement_free(PdCatalogPlacement *placement);
/* Frees what a placement holds, not the placement (one on the stack). */
void pd_catalog_placement_clear(PdCatalogPlacement *placement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogPlacement, pd_catalog_placement_free)

/* Limits on what an article and a placement hold, in bytes. */
#define PD_ARTICLE_SLUG_MAX      200
#define PD_ARTICLE_HEADLINE_MAX  1000
#define PD_PLACEMENT_CAPTION_MAX 16000
#define PD_PLACEMENT_CREDIT_MAX  1000

/* A new draft. PD_CATALOG_ERROR_EXISTS when the slug is taken; PD_CATALOG_ERROR_INVALID
 * when the slug is empty, has control characters or is too long (the message says). */
PdCatalogArticle *pd_catalog_add_article(PdCatalog *catalog, const char *slug, const char *headline,
                                         const char *by_user, GError **error);
/* Changes what is not NULL; status is draft or published. With @expected_version (0:
 * whatever it is), PD_CATALOG_ERROR_STALE when the article is at another version. */
gboolean pd_catalog_update_article(PdCatalog *catalog, gint64 id, const char *slug,
                                   const char *headline, const char *status, int expected_version,
                                   GError **error);
/* NULL with PD_CATALOG_ERROR_NOT_FOUND when there is none. */
PdCatalogArticle *pd_catalog_get_article(PdCatalog *catalog, gint64 id, GError **error);
/* Every article, last changed first (PdCatalogArticle *). */
GPtrArray *pd_catalog_list_articles(PdCatalog *catalog, GError **error);
/* The articles photo @photo_id is placed in, last changed first. */
GPtrArray *pd_catalog_photo_articles(PdCatalog *catalog, gint64 photo_id, GError **error);

/* Article @article_id's placements, in order (PdCatalogPlacement *). */
GPtrArray *pd_catalog_get_placements(PdCatalog *catalog, gint64 article_id, GError **error);
PdCatalogPlacement *pd_catalog_get_placement(PdCatalog *catalog, gint64 article_id, gint64 photo_id,
                                             GError **error);

/* Places @placement->photo_id in @placement->article_id at ->position (0, or past the
 * end: last), as ->role (NULL: lead when first, else inline), with ->caption and
 * ->credit_line (NULL: the photo's own), by ->placed_by. Fills in the rest. A killed
 * photo is refused (PD_CATALOG_ERROR_CONFLICT), a photo placed there already too
 * (PD_CATALOG_ERROR_EXISTS). */
gboolean pd_catalog_place_photo(PdCatalog *catalog, PdCatalogPlacement *placement, GError **error);

/* Changes what is not NULL (and the position, when not 0; past the end means last);
 * with @acknowledge, the photo's changes since it was placed, and its picture as it is
 * now, have been seen. With @expected_version (0: whatever it is),
 * PD_CATALOG_ERROR_STALE when the placement is at another version. */
gboolean pd_catalog_update_placement(PdCatalog *catalog, gint64 article_id, gint64 photo_id,
                                     const char *caption, const char *credit_line, const char *role,
                                     int position, gboolean acknowledge, int expected_version,
                                     GError **error);
gboolean pd_catalog_remove_placement(PdCatalog *catalog, gint64 article_id, gint64 photo_id,
                                     GError **error);
/* Sets the placement's output: @crop, @crop_aspect and @profile as given (NULL clears
 * each; the caller has checked them), a new version of the placement; STALE as
 * pd_catalog_update_placement() with @expected_version. */
gboolean pd_catalog_set_placement_output(PdCatalog *catalog, gint64 article_id, gint64 photo_id,
                                         const char *crop, const char *crop_aspect,
                                         const char *profile, int expected_version, GError **error);

/* ---------------------------------------------------------------- deliveries */

/* One photo of a delivery: the version that went, and its embargo then (NULL: none). */
typedef struct {
    gint64 photo_id;
    int version;
    char *embargo_until;
} PdCatalogDelivered;

/* One attempt at a delivery: when, whether it went, the answer (an HTTP status and the
 * first words of its body, or why the connection failed), how long it took. */
typedef struct {
    char *at;
    gboolean ok;
    char *answer;
    double seconds;
} PdCatalogAttempt;

/* A package of an article delivered: when, by whom, where to ("zip", or the name of one
 * of the desk's targets) and where exactly (@location: the folder or file written, the
 * address posted to), why it failed (NULL: it went), each attempt, and whether embargoed
 * photos went before their time, knowingly. */
typedef struct {
    gint64 id, article_id;
    char *slug; /* the article's */
    char *at, *by_user, *target;
    char *location, *failed;
    gboolean under_embargo;
    GPtrArray *photos;   /* of PdCatalogDelivered * */
    GPtrArray *attempts; /* of PdCatalogAttempt *, in order; NULL or empty for a zip */
} PdCatalogDelivery;

void pd_catalog_attempt_free(PdCatalogAttempt *attempt);
void pd_catalog_delivered_free(PdCatalogDelivered *delivered);
void pd_catalog_delivery_free(PdCatalogDelivery *delivery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogDelivery, pd_catalog_delivery_free)
/* Records @delivery (its id and at set here); inside the caller's write transaction. */
gboolean pd_catalog_add_delivery(PdCatalog *catalog, PdCatalogDelivery *delivery, GError **error);
/* The deliveries (PdCatalogDelivery *, newest first, at most @limit) of article
 * @article_id (failed ones too), or (with 0) those that took photo @photo_id where it
 * was to go. */
GPtrArray *pd_catalog_deliveries(PdCatalog *catalog, gint64 article_id, gint64 photo_id, int limit,
                                 GError **error);

/* ---------------------------------------------------------------- events */

/* What changed, in commit order: the catalog's triggers record an event in the
 * transaction of each change, so any process sees it exactly when it sees the change. */
typedef enum {
    PD_EVENT_PHOTO,    /* a new photo */
    PD_EVENT_VERSION,  /* a new version of a photo: a correction, a re-send, a kill */
    PD_EVENT_ARTICLE,  /* an article or one of its placements changed */
    PD_EVENT_PICK,     /* the desk's rating or label of a photo changed */
    PD_EVENT_LIGHTBOX, /* a lightbox was made, renamed or removed, or a photo put in or out */
} PdEventKind;

typedef struct {
    gint64 id; /* increasing, never reused */
    char *at;  /* ISO 8601, UTC */
    PdEventKind kind;
    gint64 photo_id;    /* 0 when none */
    gint64 article_id;  /* 0 when none */
    gint64 lightbox_id; /* 0 when none */
    int version;        /* the photo's or the article's, 0 when none */
    gboolean kill;      /* the photo is killed (photo and version events) */
} PdCatalogEvent;

void pd_catalog_event_free(PdCatalogEvent *event);
const char *pd_event_kind_name(PdEventKind kind);

/* The events after @after, oldest first, at most @limit. */
GPtrArray *pd_catalog_events_after(PdCatalog *catalog, gint64 after, int limit, GError **error);

/* The newest event's id and the oldest kept (0 and 0 when there is none). */
gboolean pd_catalog_event_range(PdCatalog *catalog, gint64 *oldest, gint64 *newest, GError **error);
/* Waits up to @timeout_ms for new events. On PostgreSQL, whoever changes the catalog
 * notifies "photodesk_events" when it commits (pg.c), on whatever machine, and
 * "photodesk_sessions" with the token hash of each session that ends: 1 when a
 * notification came (read the events; the hashes of sessions ended are added to @ended),
 * 0 when none did, -1 when the connection was lost (it is made again at the next
 * statement). On SQLite nothing notifies: 0 at once, and the caller looks for events
 * itself from time to time. */
int pd_catalog_wait_for_events(PdCatalog *catalog, int timeout_ms, GPtrArray *ended);

/* ---------------------------------------------------------------- hot folders */

/* A file a hot folder took, as it was when taken, and what became of it. */
typedef struct {
    char *path;      /* absolute */
    gint64 size;     /* bytes */
    gint64 mtime_ns; /* modification time, nanoseconds since the epoch */
    char *outcome;   /* added, duplicate, updated, rejected */
    gint64 photo_id; /* 0 when rejected */
    char *reason;    /* why it was rejected, else NULL */
    char *at;        /* when */
} PdCatalogHotFile;

void pd_catalog_hot_file_free(PdCatalogHotFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogHotFile, pd_catalog_hot_file_free)

/* Records (or replaces) what became of @file->path. */
gboolean pd_catalog_remember_file(PdCatalog *catalog, const PdCatalogHotFile *file, GError **error);

/* What is remembered of @path: NULL, @error unset, when nothing is. */
PdCatalogHotFile *pd_catalog_get_hot_file(PdCatalog *catalog, const char *path, GError **error);

/* Moves user @user_id's "seen" point forward to @photo_id (never back). */
gboolean pd_catalog_set_seen_photo(PdCatalog *catalog, gint64 user_id, gint64 photo_id,
                                   GError **error);

/* The largest photo id there is (0 when none). */
gboolean pd_catalog_newest_photo_id(PdCatalog *catalog, gint64 *id, GError **error);

/* ---------------------------------------------------------------- groups */

/* Photos that may show the same photograph as one taken on @date_local (YYYY-MM-DD, or
 * NULL when it has no date) with perceptual hash @dhash: those within @max_distance bits
 * of it, taken within @days days (undated: among the last 5,000 to arrive), other than
 * @exclude_id, nearest first, at most 20 (whole rows). */
GPtrArray *pd_catalog_find_similar(PdCatalog *catalog, const char *date_local, guint64 dhash,
                                   int max_distance, int days, gint64 exclude_id, GError **error);

/* Puts @photo_id in one group with the photos @same (ids) and every photo of their
 * groups; the group is named by its smallest id, set in *@group_id. */
gboolean pd_catalog_join_group(PdCatalog *catalog, gint64 photo_id, GArray *same, gint64 *group_id,
                               GError **error);

/* The group of photo @id (0 when it has none). */
gboolean pd_catalog_photo_group(PdCatalog *catalog, gint64 id, gint64 *group_id, GError **error);

/* Every photo of group @group_id, in the order they arrived (whole rows). */
GPtrArray *pd_catalog_group_members(PdCatalog *catalog, gint64 group_id, GError **error);

/* ---------------------------------------------------------------- picks */

/* The desk's colour labels, in the order of their keys (6 to 9, purple has none). */
#define PD_PICK_LABELS "red", "yellow", "green", "blue", "purple"

/* A photo's pick: its star rating and colour label as the desk set them, or a change in
 * their history. */
typedef struct {
    gint64 photo_id;
    int rating;         /* 0 to 5; 0: not rated */
    char *label;        /* one of PD_PICK_LABELS, or NULL */
    char *by_user, *at; /* who set it, when (ISO 8601 UTC); NULL when never set */
} PdCatalogPick;

void pd_catalog_pick_free(PdCatalogPick *pick);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogPick, pd_catalog_pick_free)

/* TRUE when @label is one of PD_PICK_LABELS. */
gboolean pd_catalog_pick_label_valid(const char *label);

/* Sets photo @id's rating (0 to 5; -1 leaves it) and label (a label, "" to clear it, NULL
 * to leave it) by @by_user, recorded in its history; the pick as it is after, or NULL
 * (NOT_FOUND, INVALID). A pick that changes nothing is not recorded again. */
PdCatalogPick *pd_catalog_set_pick(PdCatalog *catalog, gint64 id, int rating, const char *label,
                                   const char *by_user, GError **error);
/* Photo @id's pick (rating 0 and no label when never set). */
PdCatalogPick *pd_catalog_get_pick(PdCatalog *catalog, gint64 id, GError **error);
/* Its history, newest first (PdCatalogPick *). */
GPtrArray *pd_catalog_pick_history(PdCatalog *catalog, gint64 id, GError **error);

/* ---------------------------------------------------------------- lightboxes, saved searches */

/* The longest name of a lightbox or saved search, and of a saved search's query, in bytes. */
#define PD_COLLECTION_NAME_MAX 100
#define PD_SAVED_QUERY_MAX     2000

/* A named set of photos the desk shares (collections.c). */
typedef struct {
    gint64 id;
    char *name; /* unique whatever its case */
    char *created_by, *created_at, *changed_at;
    int photos; /* how many it holds */
} PdCatalogLightbox;

void pd_catalog_lightbox_free(PdCatalogLightbox *lightbox);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogLightbox, pd_catalog_lightbox_free)

/* Every lightbox, the last changed first (PdCatalogLightbox *). */
GPtrArray *pd_catalog_list_lightboxes(PdCatalog *catalog, GError **error);
/* One, by id or by name (NOT_FOUND). */
PdCatalogLightbox *pd_catalog_get_lightbox(PdCatalog *catalog, gint64 id, GError **error);
PdCatalogLightbox *pd_catalog_find_lightbox(PdCatalog *catalog, const char *name, GError **error);
/* A new, empty lightbox's id; 0 with INVALID (the name) or EXISTS. */
gint64 pd_catalog_add_lightbox(PdCatalog *catalog, const char *name, const char *by_user,
                               GError **error);
gboolean pd_catalog_rename_lightbox(PdCatalog *catalog, gint64 id, const char *name,
                                    GError **error);
/* The lightbox goes; its photos stay in the catalog. */
gboolean pd_catalog_remove_lightbox(PdCatalog *catalog, gint64 id, GError **error);
/* Puts the @n @photos into lightbox @id (@add) or takes them out, all or none (NOT_FOUND
 * for a photo that is not in the catalog); *@changed: how many were not there already
 * (or were there, taking out). */
gboolean pd_catalog_lightbox_put(PdCatalog *catalog, gint64 id, const gint64 *photos, guint n,
                                 gboolean add, const char *by_user, guint *changed, GError **error);
/* The ids of its photos, in the order they were put in. */
GArray *pd_catalog_lightbox_photos(PdCatalog *catalog, gint64 id, GError **error);
/* A named search the desk shares: the API's query string ("q=putin&from=2023-04"). */
typedef struct {
    gint64 id;
    char *name, *query;
    char *created_by, *created_at;
} PdCatalogSavedSearch;

void pd_catalog_saved_search_free(PdCatalogSavedSearch *search);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogSavedSearch, pd_catalog_saved_search_free)

/* Every saved search, by name. */
GPtrArray *pd_catalog_list_saved_searches(PdCatalog *catalog, GError **error);
/* One, by @name when it is not NULL, else by @id (NOT_FOUND). */
PdCatalogSavedSearch *pd_catalog_get_saved_search(PdCatalog *catalog, gint64 id, const char *name,
                                                  GError **error);
/* Saves @query as @name (a name taken is EXISTS, unless @replace); its id, or 0. The
 * query is kept as given: desk/ checks it is a search. */
gint64 pd_catalog_save_search(PdCatalog *catalog, const char *name, const char *query,
                              gboolean replace, const char *by_user, GError **error);
gboolean pd_catalog_remove_saved_search(PdCatalog *catalog, gint64 id, GError **error);

/* ---------------------------------------------------------------- batch edits */

typedef struct {
    gint64 photo_id;
    int version_before, version_after;
} PdCatalogBatchPhoto;

/* A batch edit (desk/batch.c): what it asked (JSON), who and when, its photos. */
typedef struct {
    gint64 id;
    char *edits;
    char *by_user, *at;
    char *undone_by, *undone_at; /* NULL until it is undone */
    GArray *photos;              /* PdCatalogBatchPhoto, by photo id */
} PdCatalogBatch;

void pd_catalog_batch_free(PdCatalogBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCatalogBatch, pd_catalog_batch_free)

/* Inside the caller's write transaction: a new batch's id (0 with @error), a photo it
 * changed, and that it was undone. */
gint64 pd_catalog_add_batch(PdCatalog *catalog, const char *edits, const char *by_user,
                            GError **error);
gboolean pd_catalog_add_batch_photo(PdCatalog *catalog, gint64 batch, gint64 photo, int before,
                                    int after, GError **error);
gboolean pd_catalog_batch_undone(PdCatalog *catalog, gint64 id, const char *by_user,
                                 GError **error);
/* Batch @id with its photos (NOT_FOUND). */
PdCatalogBatch *pd_catalog_get_batch(PdCatalog *catalog, gint64 id, GError **error);

/* ---------------------------------------------------------------- settings */

/* The desk's setting @key (newly allocated JSON text), or NULL (and no error) when unset. */
char *pd_catalog_get_setting(PdCatalog *catalog, const char *key, GError **error);
gboolean pd_catalog_set_setting(PdCatalog *catalog, const char *key, const char *json,
                                GError **error);

G_END_DECLS
