/* desk.h: what the command line and the web UI both do (the public interface of desk/).
 *
 * Show a photo with its history, correct it, search, arrange articles and deliver their
 * package, check the library (fsck), and find the library. cli/ and webui/ call these;
 * neither formats a photo itself. Everything a person reads comes from here as JSON (for
 * programs and the web UI) or as an aligned listing (for a terminal).
 */
#pragma once

#include "base/base.h"
#include "catalog/catalog.h"
#include "ingest/ingest.h"

#include <gio/gio.h>
#include <glib.h>

G_BEGIN_DECLS

#define PD_DESK_ERROR (pd_desk_error_quark())
GQuark pd_desk_error_quark(void);

typedef enum {
    PD_DESK_ERROR_NO_LIBRARY,  /* no library at the path given */
    PD_DESK_ERROR_INVALID,     /* a corrected field that cannot be kept (the message says which) */
    PD_DESK_ERROR_REFUSED,     /* a delivery the wire's rules forbid: a killed photo */
    PD_DESK_ERROR_UNDELIVERED, /* a delivery target did not take the package (the message
                                  says what it answered) */
} PdDeskError;

/* ---------------------------------------------------------------- the library */

/* The library folder: @given (--library), else $PHOTODESK_LIBRARY, else
 * $XDG_DATA_HOME/photodesk (~/.local/share/photodesk). Newly allocated. */
char *pd_desk_library_path(const char *given);

/* Where the library's catalog is: $PHOTODESK_CATALOG (set by --catalog) when given, a
 * PostgreSQL URL or a file; else the library's catalog.db. Newly allocated. */
char *pd_desk_catalog_path(const char *library);
/* The catalog of @library that is there already (NO_LIBRARY, saying to ingest first,
 * when there is no catalog.db; a PostgreSQL catalog is made when the database has none). */
PdCatalog *pd_desk_open_catalog(const char *library, PdCatalogMode mode, GError **error);
/* The library's own catalog file, catalog.db, wherever the catalog in use is. */
char *pd_desk_catalog_file(const char *library);

/* ---------------------------------------------------------------- photos */

/* The JSON object (and the aligned listing) `photodesk show` prints for photo @id:
 * every field, renditions with their paths, versions with their changes. */
char *pd_desk_show_json(const char *library, gint64 id, GError **error);
char *pd_desk_show_text(const char *library, gint64 id, GError **error);

/* The desk's pick as the JSON member @key: {"rating", "label", "by", "at"}. */
void pd_json_pick(GString *out, const char *key, const PdCatalogPick *pick);
/* For people: "★★★ red (anna, 2026-12-06T...)", or NULL when never picked. */
char *pd_desk_pick_text(const PdCatalogPick *pick);

/* Photo @id's original file: with the caption fields as the desk has them now embedded
 * (a JPEG: IIM with its digest, and XMP, in place of the file's own, EXIF, the colour
 * profile and the image data untouched, pd_thumbs_embed_original(); a PNG or a WebP:
 * XMP; a TIFF: XMP, IIM and its digest; pd_thumbs_embed_png() and the others) unless
 * @as_received; else, and for HEIF and AVIF, the file as it was received. *@embedded
 * says which; *@filename is the name to save it as ("photo-7.jpg",
 * "photo-7-as-received.heic"). */
GBytes *pd_desk_original(PdCatalog *catalog, const char *library, gint64 id, gboolean as_received,
                         gboolean *embedded, char **filename, GError **error);

/* The same object for the web UI from an open catalog, with the URLs of the photo's
 * files (/photos/ID/NAME?v=SHA256) instead of their paths, and only its newest
 * PD_PHOTO_VERSIONS versions ("versions_total" says how many there are). */
#define PD_PHOTO_VERSIONS 20
char *pd_desk_photo_json(PdCatalog *catalog, gint64 id, GError **error);

/* The 409 answer to a change made on version @seen of photo @id after it moved on:
 * {"error": @message, "seen_version", "version", "changed": [{"field", "from" (as it was
 * at @seen), "to" (as it is), "by" (users, or "wire"), "versions"}], "photo": (as
 * pd_desk_photo_json gives it)}. */
char *pd_desk_conflict_json(PdCatalog *catalog, gint64 id, int seen, const char *message,
                            GError **error);

/* {"versions": [...], "total", "next_before"}: the photo's versions newest first, the
 * newest @limit of those before version @before (0: all of the newest), each with its
 * time, the user or the ingest that made it, its picture and the fields it changed from
 * what to what; "next_before" is the @before of the next page, null at the first
 * version. */
char *pd_desk_history_json(PdCatalog *catalog, gint64 id, int before, int limit, GError **error);

/* What an editor corrects in a photo: the fields of @text an editor may correct
 * (PD_FIELD_EDITABLE), borrowed for the call. A field left NULL keeps its value, ""
 * empties it; keywords NULL keeps them, an empty array removes them. */
typedef struct {
    int version; /* the photo's version the editor saw; 0: whatever it is now */
    PdPhotoText text;
} PdCorrection;

/* The longest a corrected field may be, in bytes (the IIM limits, which are shorter,
 * are checks the editor sees, not refusals). */
#define PD_CORRECTION_MAX_CAPTION  16000
#define PD_CORRECTION_MAX_FIELD    1000
#define PD_CORRECTION_MAX_KEYWORDS 200

/* Corrects photo @id: a new version by @user with the changed fields (only those given),
 * the credit chain, restrictions, slug and checks read again from the new text, the
 * search index in step; all in one write transaction. FALSE with
 * PD_DESK_ERROR_INVALID (naming the field) for text that is not UTF-8, holds control
 * characters or is too long, or is not one an editor corrects, or with the catalog's error:
 * PD_CATALOG_ERROR_NOT_FOUND (no such photo), PD_CATALOG_ERROR_STALE (the photo is no longer at
 * @correction->version).
 * *@changed: whether anything changed. */
gboolean pd_desk_correct(PdCatalog *catalog, gint64 id, const PdCorrection *correction,
                         const char *user, gboolean *changed, GError **error);

/* Searches the library (see PdSearchRequest in catalog/catalog.h) and returns the object
 * `photodesk search --json` prints: {"total": N, "results": [...]} (and "facets" when asked
 * for), each result with id, sha256, caption, headline, byline, credit, source,
 * credit_line, date_created, city, country, width, height, snippet and more. The snippet
 * marks matched words with PD_SNIPPET_OPEN and PD_SNIPPET_CLOSE. NULL with @error on a
 * request that cannot be run (bad date, unknown library...). */
char *pd_desk_search_json(const char *library, const PdSearchRequest *request, GError **error);
/* The same on an open catalog. */
char *pd_desk_search_json_in(PdCatalog *catalog, const PdSearchRequest *request, GError **error);

/* The same search as a table for people; @marks are the strings to put around matched
 * words (for a terminal, bold on and off). */
char *pd_desk_search_text(const char *library, const PdSearchRequest *request,
                          const char *mark_open, const char *mark_close, GError **error);
char *pd_desk_search_text_in(PdCatalog *catalog, const PdSearchRequest *request,
                             const char *mark_open, const char *mark_close, GError **error);

/* ---------------------------------------------------------------- collections.c */

/* A search from the API's parameters (name -> value: q, from, to, undated, credit,
 * byline, source, city, country, made, rating, label, lightbox, sort, all, facets, limit,
 * offset, after), as the API, the command line and a saved search read it; the strings
 * stay @params'. PD_DESK_ERROR_INVALID naming the parameter. */
gboolean pd_desk_search_request_parse(GHashTable *params, PdSearchRequest *request, GError **error);
/* @query ("q=putin&from=2023") as parameters (a new table), or NULL with @error. */
GHashTable *pd_desk_search_params(const char *query, GError **error);
/* What a saved search keeps of @params (the search, not its page), as a query string in
 * a fixed order. */
char *pd_desk_search_query_string(GHashTable *params);
/* Saves the search of @params as @name (checked first: INVALID); its id, or 0. */
gint64 pd_desk_save_search(PdCatalog *catalog, const char *name, GHashTable *params,
                           gboolean replace, const char *by_user, GError **error);
/* {"lightboxes": [{id, name, created_by, created_at, changed_at, photos}]} */
char *pd_desk_lightboxes_json(PdCatalog *catalog, GError **error);
/* One lightbox: its members and "photo_ids" in the order they were put in. */
char *pd_desk_lightbox_json(PdCatalog *catalog, gint64 id, GError **error);
/* One lightbox for people: a line, then its photos as the search table. */
char *pd_desk_lightbox_text(PdCatalog *catalog, gint64 id, GError **error);
/* {"searches": [{id, name, query, created_by, created_at}]} */
char *pd_desk_saved_searches_json(PdCatalog *catalog, GError **error);
/* One saved search: {id, name, query, created_by, created_at}. */
char *pd_desk_saved_search_json(PdCatalog *catalog, gint64 id, GError **error);
/* {"users": [{name, role, created_at, password_changed_at, disabled, ...}]}: an admin's. */
char *pd_desk_users_json(PdCatalog *catalog, GError **error);
void pd_desk_user_members(GString *out, const PdCatalogUser *user);
/* {"similar": [{id, distance, picture, headline, caption, credit_line, date_created}]}:
 * other frames of photo @id's shoot (its perceptual hash near, taken within a day),
 * nearest first; not its own group's copies. */
char *pd_desk_similar_json(PdCatalog *catalog, gint64 id, GError **error);

/* ---------------------------------------------------------------- articles */

/* {"articles": [...]}: every article, last changed first, each with id, slug, headline,
 * status, created_by, created_at, updated_at and photos (how many are placed). */
char *pd_desk_articles_json(PdCatalog *catalog, GError **error);

/* Article @id with its placements in order. Each placement has its own caption and
 * credit line, role, position, who placed it and when, the photo (id, caption,
 * credit line, byline, thumb and preview URLs...), what the wire restricts
 * (kill, editorial_only, mandatory_credit, embargo_until and whether it is still
 * "embargoed"), and a "notice" when the photo has changed since it was placed: the
 * versions since then, until an editor acknowledges them; else null. */
char *pd_desk_article_json(PdCatalog *catalog, gint64 id, GError **error);
/* The same for people. */
char *pd_desk_article_text(PdCatalog *catalog, gint64 id, GError **error);

/* An output profile of the desk: how large, and how compressed, a delivered photo is. */
typedef struct {
    gint64 id; /* 0: built in, as it is */
    char *name;
    int long_edge;     /* px; 0: the picture (or its crop) at its own size */
    int quality;       /* JPEG */
    gboolean built_in; /* web, print or social (perhaps changed by an admin: ->id) */
    gboolean stored;   /* the stored web rendition is its file, copied as it is */
    char *by, *at;     /* who saved it, when (NULL: built in) */
} PdDeskProfile;

void pd_desk_profile_free(PdDeskProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdDeskProfile, pd_desk_profile_free)
/* The desk's profiles (PdDeskProfile *): web (the default), print, social, as built in or
 * as an admin changed them, then the desk's own in the order they were made. */
GPtrArray *pd_desk_profiles(PdCatalog *catalog, GError **error);
/* The one of @profiles called @name (whatever its case), or NULL. */
const PdDeskProfile *pd_desk_profile_named(GPtrArray *profiles, const char *name);
/* Whether @name (NULL: none given) is one of @profiles; else PD_DESK_ERROR_INVALID naming
 * them. */
gboolean pd_desk_check_profile(GPtrArray *profiles, const char *name, GError **error);
/* "web, print, social, ...": newly allocated. */
char *pd_desk_profile_names(GPtrArray *profiles);
/* Saves profile @name (letters, digits, '-', '_'; kept in lower case): @long_edge 64 to
 * 20000 px or 0 (its own size), @quality 30 to 100; one of that name (a built-in one
 * too) replaced. Its id, or 0 with PD_DESK_ERROR_INVALID naming what is wrong. */
gint64 pd_desk_save_profile(PdCatalog *catalog, const char *name, int long_edge, int quality,
                            const char *by_user, GError **error);
/* Removes the desk's profile @id (a built-in one changed: back as built in). */
gboolean pd_desk_remove_profile(PdCatalog *catalog, gint64 id, GError **error);
/* {"profiles": [{"id", "name", "long_edge", "quality", "built_in", "changed", "by", "at"}]} */
char *pd_desk_profiles_json(PdCatalog *catalog, GError **error);

/* The aspects a crop can be drawn to: "free", "3:2", "16:9", "1:1", "4:5"; NULL at the end. */
const char *const *pd_desk_crop_aspects(void);

/* Sets how photo @photo_id is delivered in article @article_id: @crop ("x,y,w,h",
 * fractions of the upright picture), the @aspect it was drawn to, the @profile's name;
 * each NULL to keep what it is, "" to clear it. PD_DESK_ERROR_INVALID naming what is
 * wrong (a crop outside the picture, or not of its aspect; an unknown profile); STALE
 * with @expected_version (0: any) as for the placement's other changes. */
gboolean pd_desk_set_output(PdCatalog *catalog, gint64 article_id, gint64 photo_id,
                            const char *crop, const char *aspect, const char *profile,
                            int expected_version, GError **error);

/* How an article is delivered. */
typedef struct {
    gboolean gps;           /* the photos' GPS position goes with them */
    const char *profile;    /* for the placements without one of their own; NULL: web */
    gboolean under_embargo; /* embargoed photos go before their time: the editor knows */
    const char *user;       /* who delivers (recorded with the delivery) */
    /* told of each attempt at a delivery target as it ends (NULL: nobody) */
    void (*attempted)(const PdCatalogAttempt *attempt, gpointer user_data);
    gpointer user_data;
    /* when cancelled, a delivery to a target stops trying (an attempt under way is cut
       short) and is recorded as not delivered; NULL: none */
    GCancellable *cancellable;
} PdPackageOptions;

/* Writes article @id's package to @zip_path: the web rendition of each placed photo, in
 * order, with the placement's caption and credit line (IIM's Credit in a short form
 * that fits, pd_credit_fit(); XMP the whole line), the photo's byline, source,
 * copyright, date created, city and country, and the special instructions with the
 * wire's restrictions spelled out (editorial use only, mandatory credit, the embargo
 * and, under embargo, who delivered it when), embedded as IPTC-IIM and XMP (GPS only
 * with ->gps; nothing else of the photo's metadata), and article.json listing them. The
 * file appears whole or not at all; the delivery is recorded (pd_catalog_deliveries()).
 * PD_DESK_ERROR_REFUSED when a placed photo is killed, re-sent with another picture not
 * yet looked at, embargoed (without ->under_embargo), or the article has none. */
gboolean pd_desk_package_article(PdCatalog *catalog, const char *library, gint64 id,
                                 const PdPackageOptions *options, const char *zip_path,
                                 GError **error);
/* Delivers article @id's package (as pd_desk_package_article() makes it) to the desk's
 * target called @target (pd_desk_targets()): written to its folder or posted to its
 * address, and recorded with each attempt. The delivery's id; 0 with @error:
 * PD_DESK_ERROR_INVALID when the desk has no such target, REFUSED as for a package,
 * UNDELIVERED when the target did not take it (recorded too, as failed, with its
 * attempts). */
gint64 pd_desk_deliver_article(PdCatalog *catalog, const char *library, gint64 id,
                               const PdPackageOptions *options, const char *target, GError **error);
/* What goes into a delivered photo's special instructions (IIM 2:40, XMP
 * photoshop:Instructions): the photo's own, then each of the wire's restrictions they do
 * not already say; @under_embargo_by (or NULL): who delivers it before its embargo, and
 * when (@at). Newly allocated, or NULL when there is nothing to say. */
char *pd_desk_delivered_instructions(const PdCatalogPhoto *photo, const char *under_embargo_by,
                                     const char *at);
/* @slug made safe for a file name (letters, digits, '-' and '_'; others become '-'),
 * at most 60 bytes, "article" when nothing is left. */
char *pd_desk_safe_name(const char *slug);

/* fsck: every photo's original exists and hashes to its name, every rendition exists,
 * no stray file older than @grace_seconds, the catalog's integrity. With @repair,
 * missing renditions are made again and strays removed. @report gets one line per
 * problem (and per repair). Returns the number of problems left, or -1 with @error
 * when the library cannot be checked. */
typedef void (*PdFsckReportFunc)(const char *line, gpointer user_data);
int pd_desk_fsck(const char *library, gboolean repair, gint64 grace_seconds,
                 PdFsckReportFunc report, gpointer user_data, GError **error);

/* ---------------------------------------------------------------- hot folders */

typedef struct PdWatch PdWatch;

typedef struct {
    const char *done_dir;   /* move each ingested file here (NULL: leave it, remembered) */
    const char *failed_dir; /* move each rejected file here, with NAME.error.txt (NULL:
                               leave it, remembered) */
    double settle_seconds;  /* unchanged this long before a file is taken (2) */
    /* one line per file and per event worth knowing: time, file, outcome, photo,
       seconds from complete to committed */
    void (*log)(const char *line, gpointer user_data);
    gpointer user_data;
} PdWatchOptions;

void pd_watch_options_init(PdWatchOptions *options);

/* Whether a file called @name is one being uploaded (a dotfile, *.tmp, *.part...),
 * never taken. */
gboolean pd_watch_ignored_name(const char *name);

/* Hot folders @folders (each watched with its subfolders) feeding @queue; @catalog is
 * the queue's catalog, read for what was taken before. NULL with @error when a folder
 * is not one. */
PdWatch *pd_watch_new(PdIngestQueue *queue, const char *catalog, const char *const *folders,
                      const PdWatchOptions *options, GError **error);

/* Watches until @cancellable is cancelled; then lets go of the files not yet started,
 * waits for those in hand, and returns. */
gboolean pd_watch_run(PdWatch *watch, GCancellable *cancellable);
void pd_watch_free(PdWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdWatch, pd_watch_free)

/* ---------------------------------------------------------------- the desk's agencies */

/* The distributors the desk subscribes to, in order of preference (NULL-terminated,
 * empty when none is set): a group's card shows the first one's copy. */
GStrv pd_desk_agencies(PdCatalog *catalog, GError **error);
/* Sets them (names of 1 to 64 bytes; PD_DESK_ERROR_INVALID otherwise). */
gboolean pd_desk_set_agencies(PdCatalog *catalog, const char *const *agencies, GError **error);
/* {"agencies": [...]} */
char *pd_desk_agencies_json(PdCatalog *catalog, GError **error);

/* ---------------------------------------------------------------- codes.c */

/* The desk's code replacements (caption.h: PdCode, Photo Mechanic's file). */
typedef struct {
    char delimiter;    /* '=' unless the desk chose another */
    GPtrArray *codes;  /* PdCode *, in the order imported */
    GHashTable *index; /* code -> its forms (borrowed from codes) */
    char *by, *at;     /* who imported them last, and when; NULL when never */
} PdDeskCodes;

void pd_desk_codes_free(PdDeskCodes *codes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdDeskCodes, pd_desk_codes_free)

/* The desk's table (empty, with '=', when none was ever imported). */
PdDeskCodes *pd_desk_codes(PdCatalog *catalog, GError **error);
/* Replaces the table with @codes (PdCode *) and @delimiter, by @by_user; with @merge,
 * the desk's codes @codes lacks are kept, added to @codes after its own
 * (PD_DESK_ERROR_INVALID for a delimiter or code that cannot be). */
gboolean pd_desk_set_codes(PdCatalog *catalog, GPtrArray *codes, char delimiter, gboolean merge,
                           const char *by_user, GError **error);
/* {"delimiter", "updated_by", "updated_at", "codes": [{"code", "forms": [...]}]} */
char *pd_desk_codes_json(PdCatalog *catalog, GError **error);
/* The names written in the captions of the photos that arrived on one day (the
 * server's local day): how each pair of capitalised words is spelled, by which photos. */
typedef struct PdDeskDayNames PdDeskDayNames;
void pd_desk_day_names_free(PdDeskDayNames *day);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdDeskDayNames, pd_desk_day_names_free)
/* The names of the day of the instant @arrived (ISO 8601 UTC: a photo's ingested_at). */
PdDeskDayNames *pd_desk_day_names(PdCatalog *catalog, const char *arrived, GError **error);
/* The names in @text's editable fields spelled otherwise than the desk's code table
 * spells them (caption.h: pd_codes_name_checks, "name_spelling"), and, with @day, the
 * names of its caption the day's other photos (not @self) write another way when
 * neither way is the table's ("name_two_ways"), as PdCheck *. */
GPtrArray *pd_desk_name_checks(const PdDeskCodes *codes, const PdDeskDayNames *day, gint64 self,
                               const PdPhotoText *text);
/* @text with the codes in it replaced (caption.h: pd_codes_expand). */
char *pd_desk_codes_expand(const PdDeskCodes *codes, const char *text, GPtrArray *unknown);

/* ---------------------------------------------------------------- batch.c */

typedef enum {
    PD_BATCH_SET,     /* the field becomes the value (a list: its values, separated by ;) */
    PD_BATCH_APPEND,  /* the value after the field's text (a list: values added at the end) */
    PD_BATCH_PREPEND, /* before it (a list: at the start) */
    PD_BATCH_REPLACE, /* every "find" in the field (each value of a list) becomes the value */
} PdBatchOp;

/* One edit of a batch: the desk's codes in its value are expanded when it is applied. */
typedef struct {
    const PdPhotoField *field; /* one an editor corrects */
    PdBatchOp op;
    char *value, *find;
} PdBatchEdit;

void pd_batch_edit_free(PdBatchEdit *edit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdBatchEdit, pd_batch_edit_free)
/* An edit of @field by @op ("set", "append", "prepend", "replace"); NULL with
 * PD_DESK_ERROR_INVALID naming the field when it cannot be one. */
PdBatchEdit *pd_batch_edit_new(const char *field, const char *op, const char *value,
                               const char *find, GError **error);

/* {"photos": [{"id", "version", "changes": [{"field", "from", "to", "changed", "bytes",
 * "limit"}], "checks": [...]}], "unknown_codes": [...]}: what @edits (PdBatchEdit *) would
 * make of each of the @n photos @ids, nothing written. */
char *pd_desk_batch_preview_json(PdCatalog *catalog, const gint64 *ids, guint n, GPtrArray *edits,
                                 GError **error);

typedef struct {
    gint64 id;
    int seen, now; /* the version previewed (or undone from), the version it is at */
} PdBatchStale;

typedef struct {
    gint64 batch;      /* the batch's id; 0 when nothing changed */
    GArray *applied;   /* photo ids changed (undone) */
    GArray *unchanged; /* photo ids the edits left as they were */
    GArray *stale;     /* PdBatchStale: changed since, left alone */
} PdBatchResult;

void pd_batch_result_clear(PdBatchResult *result);
/* Applies @edits to the @n photos @ids in one write transaction, each a version by @user,
 * recorded as one batch. @versions (or NULL): the version each was previewed at; a photo
 * no longer at it is listed in ->stale and left alone. FALSE (nothing done) with the
 * first photo's error. */
gboolean pd_desk_batch_apply(PdCatalog *catalog, const gint64 *ids, const int *versions, guint n,
                             GPtrArray *edits, const char *user, PdBatchResult *out,
                             GError **error);
/* Undoes batch @batch: each photo still at the batch's version gets a new version by @user
 * with the fields as they were (->applied); the others are listed (->stale).
 * PD_CATALOG_ERROR_CONFLICT when it was undone already, NOT_FOUND when there is none. */
gboolean pd_desk_batch_undo(PdCatalog *catalog, gint64 batch, const char *user, PdBatchResult *out,
                            GError **error);
/* {"batch", "applied": [ids], "unchanged": [ids], "stale": [{"id", "seen_version", "version"}]} */
char *pd_desk_batch_result_json(const PdBatchResult *result);

/* A template: a named list of edits the desk shares, whose values may hold variables of
 * the photo it is applied to ({city}, {date_created:%A, %B %-d, %Y}, {seq:3}...; batch.c). */
typedef struct {
    gint64 id;
    char *name;
    GPtrArray *edits; /* PdBatchEdit * */
    char *by, *at;    /* who saved it last, and when */
} PdDeskTemplate;

void pd_desk_template_free(PdDeskTemplate *template_);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdDeskTemplate, pd_desk_template_free)
/* Every template (PdDeskTemplate *), in the order they were made. */
GPtrArray *pd_desk_templates(PdCatalog *catalog, GError **error);
/* The one called @name (whatever its case) among @templates, or NULL. */
const PdDeskTemplate *pd_desk_template_named(GPtrArray *templates, const char *name);
/* Saves @edits as template @name (replacing one of that name); its id, or 0 with
 * PD_DESK_ERROR_INVALID. */
gint64 pd_desk_save_template(PdCatalog *catalog, const char *name, GPtrArray *edits,
                             const char *by_user, GError **error);
gboolean pd_desk_remove_template(PdCatalog *catalog, gint64 id, GError **error);
/* {"templates": [{"id", "name", "by", "at", "edits": [{"field", "op", "value", "find"?}]}]} */
char *pd_desk_templates_json(PdCatalog *catalog, GError **error);

/* ---------------------------------------------------------------- rules.c */

/* An ingest rule: the template every photo ingested gets when each condition given holds
 * (NULL: any). */
typedef struct {
    gint64 id;
    char *name;
    char *template_name;
    char *folder; /* absolute: the file came from inside it (or a folder in it) */
    char *source; /* the photo's source (IIM 2:115): shell wildcards, whatever the case */
    char *credit; /* its credit (IIM 2:110) or the credit line read from its caption
                     ("Handout via AP"): the same */
    char *by, *at;
} PdDeskRule;

void pd_desk_rule_free(PdDeskRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdDeskRule, pd_desk_rule_free)
/* Every rule (PdDeskRule *), in the order they were made: the order they apply in. */
GPtrArray *pd_desk_rules(PdCatalog *catalog, GError **error);
/* The one called @name (whatever its case), or the first that applies @template_name. */
const PdDeskRule *pd_desk_rule_named(GPtrArray *rules, const char *name);
const PdDeskRule *pd_desk_rule_using(GPtrArray *rules, const char *template_name);
/* Saves rule @name (replacing one of that name): the template must be the desk's, at
 * least one condition given, a folder absolute. Its id, or 0 with PD_DESK_ERROR_INVALID
 * naming what is wrong. */
gint64 pd_desk_save_rule(PdCatalog *catalog, const char *name, const char *template_name,
                         const char *folder, const char *source, const char *credit,
                         const char *by_user, GError **error);
gboolean pd_desk_remove_rule(PdCatalog *catalog, gint64 id, GError **error);
/* {"rules": [{"id", "name", "template", "folder", "source", "credit", "by", "at"}]} */
char *pd_desk_rules_json(PdCatalog *catalog, GError **error);
/* Whether @rule applies to @photo, ingested from @file (NULL: not from a folder). */
gboolean pd_desk_rule_matches(const PdDeskRule *rule, const PdCatalogPhoto *photo,
                              const char *file);
/* The ingest queue's amend function (ingest.h: PdIngestAmendFunc): each rule that matches
 * the photo just added applies its template as a batch of its own by "rule NAME". */
gboolean pd_desk_apply_rules(PdCatalog *catalog, gint64 id, const char *file, gpointer user_data,
                             GPtrArray *applied, GString *warning, GError **error);
/* pd_ingest_queue_options_init() with the desk's rules applied to every photo added. */
void pd_desk_queue_options_init(PdIngestQueueOptions *options);

/* ---------------------------------------------------------------- targets.c */

/* Where the desk delivers packages besides a download: a folder (a CMS's drop folder, a
 * share) or an HTTP address (a CMS's webhook). Set by an admin. */
typedef struct {
    gint64 id;
    char *name;
    char *folder;   /* absolute: each package written into it, whole or not at all */
    char *url;      /* http:// or https://: each package posted to it, multipart/form-data */
    char *layout;   /* "files" (the photos and article.json) or "zip" (one file) */
    char *header;   /* sent with each post ("Authorization: Bearer ..."); never shown */
    int attempts;   /* HTTP: at most this many (4) */
    double backoff; /* HTTP: seconds before the second attempt, doubled after each (2) */
    char *by, *at;
} PdDeskTarget;

void pd_desk_target_free(PdDeskTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdDeskTarget, pd_desk_target_free)
/* Every target (PdDeskTarget *), in the order they were made. */
GPtrArray *pd_desk_targets(PdCatalog *catalog, GError **error);
/* The one called @name (whatever its case), or NULL. */
const PdDeskTarget *pd_desk_target_named(GPtrArray *targets, const char *name);
/* Saves @given as target ->name (replacing one of that name): a folder (absolute, an
 * existing folder) or an http(s) address, not both; a layout of "files" or "zip" (NULL:
 * files); a header "Name: value" on one line; attempts 1 to 10 (0: 4); backoff 0.05 to
 * 60 s (0: 2). Its id, or 0 with PD_DESK_ERROR_INVALID naming what is wrong. */
gint64 pd_desk_save_target(PdCatalog *catalog, const PdDeskTarget *given, const char *by_user,
                           GError **error);
gboolean pd_desk_remove_target(PdCatalog *catalog, gint64 id, GError **error);
/* {"targets": [{"id", "name", "kind" ("folder" or "http"), "folder", "url", "layout",
 * "header" (its name only), "attempts", "backoff", "by", "at"}]} */
char *pd_desk_targets_json(PdCatalog *catalog, GError **error);

G_END_DECLS
