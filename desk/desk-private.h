/* desk-private.h: what the files of desk/ share (private to desk/). */
#pragma once

#include "caption/caption.h"
#include "desk/desk.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Versions (PdCatalogVersion *, oldest first in @versions) as an array, each with its
 * time, user or ingest, original, picture and changes; with @urls_of (a photo id, or 0)
 * the URLs of the thumb and preview of the picture each version showed. */
void pd_json_versions(GString *out, GPtrArray *versions, gboolean newest_first, gint64 urls_of);

/* The newest version in @versions (oldest first) in which the wire overwrote fields an
 * editor had corrected, when no editor has worked on the photo since and nobody has
 * acknowledged it; else NULL. */
const PdCatalogVersion *pd_desk_wire_resent(GPtrArray *versions);
/* That version as {"version", "at", "ingest", "fields": [{"field", "editor",
 * "corrected", "wire"}]}, or null. */
void pd_json_wire_resent(GString *out, GPtrArray *versions);

/* The web UI's URL of photo @id's file @name (a rendition of the picture @sha256, or the
 * original @sha256). Newly allocated. */
char *pd_desk_file_url(gint64 id, const char *name, const char *sha256);

/* ---------------------------------------------------------------- groups (groups.c) */

/* What a group holds, for its card. */
typedef struct {
    guint size;              /* photos in it */
    GPtrArray *distributors; /* of char *, each once, in the order they arrived */
} PdDeskGroupInfo;
void pd_desk_group_info_free(PdDeskGroupInfo *group);

/* The hits of @r to show (*@shown, borrowed from @r): with @all_copies every one, else
 * one per group, the best copy (not killed, the desk's agency first, the first to
 * arrive) where the group first matched; and the groups on the page (gint64 * ->
 * PdDeskGroupInfo *). NULL with @error when the catalog fails. */
GHashTable *pd_desk_collapse(PdCatalog *catalog, const PdSearchResult *r, gboolean all_copies,
                             const char *const *agencies, GPtrArray **shown, GError **error);

/* The rank of @distributor among the desk's @agencies (0 first), G_MAXINT when it is not
 * one of them. */
int pd_desk_agency_rank(const char *const *agencies, const char *distributor);
/* Whether @distributor is one of the desk's agencies (every one is, when none is set). */
gboolean pd_desk_is_agency(const char *const *agencies, const char *distributor);

/* "group" and "same_picture": the photo's other copies, each with its distributor, credit
 * line, arrival, restrictions, thumb and whether it is the desk's agency; and
 * "desk_agency" for the photo itself. */
/* A pick's stars and label ("★★★ red") appended to @out. */
void pd_desk_append_pick_marks(GString *out, int rating, const char *label);

gboolean pd_json_same_picture(GString *out, PdCatalog *catalog, const PdCatalogPhoto *photo,
                              GError **error);

/* edit.c: a correction checked (PD_DESK_ERROR_INVALID naming the field), and made inside
 * the caller's write transaction (pd_desk_correct() without the transaction). */
gboolean pd_desk_check_correction(const PdCorrection *fix, GError **error);
gboolean pd_desk_correct_in(PdCatalog *catalog, gint64 id, const PdCorrection *fix,
                            const char *user, gboolean *changed, GError **error);

/* articles.c: deliveries (PdCatalogDelivery *) as "@key": [{"id", "article_id", "slug",
 * "at", "by", "target", "under_embargo", "photos": [{"photo_id", "version",
 * "embargo_until"}]}] (with @photo_id, only that photo of each); and for people, a
 * "Delivered" line each. */
void pd_json_deliveries(GString *out, const char *key, GPtrArray *deliveries, gint64 photo_id);
void pd_text_deliveries(GString *out, GPtrArray *deliveries, gint64 photo_id);

/* A file of a package: its name, its bytes, its media type. */
typedef struct {
    char *name;
    GBytes *data;
    const char *type; /* "image/jpeg", "application/json", "application/zip" */
} PdDeskFile;
void pd_desk_file_free(PdDeskFile *file);
/* @files (PdDeskFile *) as a zip at @path, whole or not at all (JPEGs stored). */
gboolean pd_desk_write_zip(const char *path, GPtrArray *files, GError **error);
/* targets.c: @files (PdDeskFile *) of the package called @base delivered to @target:
 * ->location and ->attempts of @delivery filled in; FALSE with PD_DESK_ERROR_UNDELIVERED
 * when it did not go. @library's tmp/ holds a zip while it is posted. */
gboolean pd_desk_send(const PdDeskTarget *target, const char *library, const char *base,
                      GPtrArray *files, const PdPackageOptions *options,
                      PdCatalogDelivery *delivery, GError **error);

/* library.c: sets @error to @code of PD_DESK_ERROR with the message; FALSE. */
gboolean pd_desk_fail(GError **error, PdDeskError code, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* library.c: the string member @name of a setting's object, newly allocated; NULL when it
 * is absent, empty or not a string. */
char *pd_desk_text_member(JsonObject *object, const char *name);
/* library.c: whether @text (NULL is) is one line of UTF-8 of at most @max bytes; else
 * PD_DESK_ERROR_INVALID naming @what. */
gboolean pd_desk_check_line(const char *what, const char *text, gsize max, GError **error);

/* library.c: the desk's setting @key (a JSON object kept in the catalog) parsed into
 * *@parser (the caller's to free): *@object, and *@list its array member @member; either
 * NULL when the setting is unset, unreadable or has none. FALSE only when the catalog
 * cannot be read. */
gboolean pd_desk_setting(PdCatalog *catalog, const char *key, const char *member,
                         JsonParser **parser, JsonObject **object, JsonArray **list,
                         GError **error);

/* codes.c: whether @day's names are those of the day of @arrived. */
gboolean pd_desk_day_names_hold(const PdDeskDayNames *day, const char *arrived);

/* batch.c: a result made empty; a batch applied inside the caller's write transaction
 * (pd_desk_batch_apply() without the transaction; @out made by the caller). */
void pd_desk_batch_result_init(PdBatchResult *result);
gboolean pd_desk_batch_apply_in(PdCatalog *catalog, const gint64 *ids, const int *versions, guint n,
                                GPtrArray *edits, const char *user, PdBatchResult *out,
                                GError **error);

G_END_DECLS
