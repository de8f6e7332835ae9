/* photos.c: photos and their versions, keywords, originals and renditions.
 *
 * Every column of the photos table is listed once, in `columns` below (the photo's
 * fields from base.h's table, the rest here); the INSERT, UPDATE and SELECT statements
 * are made from that list when the catalog opens (from the list, never from data:
 * values are always bound), and so is the field-by-field comparison that records a new
 * version.
 */
#include "catalog/catalog-private.h"

#include <stddef.h>
#include <string.h>

typedef enum {
    COL_TEXT,
    COL_INT,
    COL_INT64,
    COL_BOOL,
    COL_LAT, /* REAL, NULL unless has_gps */
    COL_LON,
    COL_DHASH,    /* INTEGER, NULL unless has_dhash */
    COL_KEYWORDS, /* TEXT: the keywords one a line (for the index and for diffs) */
} ColType;

typedef struct {
    const char *name;
    ColType type;
    gsize offset;
    gboolean versioned; /* a field an editor sees: changes to it make a new version */
} Column;

#define OFF(f) offsetof(PdCatalogPhoto, f)

/* a change the wire makes to its text (an IIM dataset) or to how the picture was made is a
 * new version; to the camera's make and model not */
#define VERSIONED_(iim, flags) ((iim) != 0 || ((flags)&PD_FIELD_PROVENANCE) != 0)
#define TEXT_COLUMN_(name, label, iim, limit, xmp, xmp_alt, exif, flags)                           \
    {#name, COL_TEXT, OFF(name), VERSIONED_(iim, flags)},
#define LIST_COLUMN_(name, label, iim, limit, xmp, xmp_alt, exif, flags)                           \
    {#name, COL_KEYWORDS, OFF(name), VERSIONED_(iim, flags)},

static const Column columns[] = {
    {"sha256", COL_TEXT, OFF(sha256), FALSE},
    {"image_sha256", COL_TEXT, OFF(image_sha256), FALSE},
    {"format", COL_TEXT, OFF(format), FALSE},
    {"ext", COL_TEXT, OFF(ext), FALSE},
    {"bytes", COL_INT64, OFF(bytes), FALSE},
    {"width", COL_INT, OFF(width), FALSE},
    {"height", COL_INT, OFF(height), FALSE},
    {"orientation", COL_INT, OFF(orientation), FALSE},
    /* the photo's fields (base.h) */
    PD_PHOTO_FIELDS(TEXT_COLUMN_, LIST_COLUMN_){"date_created_utc", COL_TEXT, OFF(date_created_utc),
                                                FALSE},
    {"date_created_local", COL_TEXT, OFF(date_created_local), FALSE},
    {"gps_lat", COL_LAT, OFF(gps_lat), FALSE},
    {"gps_lon", COL_LON, OFF(gps_lon), FALSE},
    {"caption_body", COL_TEXT, OFF(caption_body), FALSE},
    {"photographer", COL_TEXT, OFF(photographer), FALSE},
    {"agency", COL_TEXT, OFF(agency), FALSE},
    {"distributor", COL_TEXT, OFF(distributor), FALSE},
    {"credit_line", COL_TEXT, OFF(credit_line), FALSE},
    {"pool", COL_BOOL, OFF(pool), FALSE},
    {"handout", COL_BOOL, OFF(handout), FALSE},
    {"file_photo", COL_BOOL, OFF(file_photo), FALSE},
    {"restrictions", COL_TEXT, OFF(restrictions), FALSE},
    {"editorial_only", COL_BOOL, OFF(editorial_only), FALSE},
    {"mandatory_credit", COL_BOOL, OFF(mandatory_credit), FALSE},
    {"mandatory_credit_text", COL_TEXT, OFF(mandatory_credit_text), FALSE},
    {"kill", COL_BOOL, OFF(kill), FALSE},
    {"embargo_until", COL_TEXT, OFF(embargo_until), FALSE},
    {"slug", COL_TEXT, OFF(slug), FALSE},
    {"top_pick", COL_BOOL, OFF(top_pick), FALSE},
    {"checks", COL_TEXT, OFF(checks), FALSE},
    {"warnings", COL_TEXT, OFF(warnings), FALSE},
    {"damaged", COL_BOOL, OFF(damaged), FALSE},
    {"dhash", COL_DHASH, OFF(dhash), FALSE},
    {"picture", COL_TEXT, OFF(picture), FALSE},
    {"made", COL_INT, OFF(made), FALSE},
    {"content_credentials", COL_TEXT, OFF(content_credentials), FALSE},
};

/* ---------------------------------------------------------------- photos */

PdCatalogPhoto *
pd_catalog_photo_new(void)
{
    PdCatalogPhoto *p = g_new0(PdCatalogPhoto, 1);
    p->keywords = g_ptr_array_new_with_free_func(g_free);
    return p;
}

void
pd_catalog_photo_free(PdCatalogPhoto *p)
{
    if (p == NULL)
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++)
        if (columns[i].type == COL_TEXT)
            g_free(G_STRUCT_MEMBER(char *, p, columns[i].offset));
    g_ptr_array_unref(p->keywords);
    g_free(p->ingested_at);
    g_free(p->updated_at);
    g_free(p);
}

void
pd_catalog_rendition_free(PdCatalogRendition *r)
{
    if (r == NULL)
        return;
    g_free(r->name);
    g_free(r->sha256);
    g_free(r);
}

static void
change_free(gpointer p)
{
    PdCatalogChange *c = p;
    g_free(c->field);
    g_free(c->from);
    g_free(c->to);
    g_free(c->editor);
    g_free(c);
}

void
pd_catalog_version_free(PdCatalogVersion *v)
{
    if (v == NULL)
        return;
    g_free(v->at);
    g_free(v->by_user);
    g_free(v->by_ingest);
    g_free(v->original);
    g_free(v->picture);
    g_free(v->seen_by);
    g_free(v->seen_at);
    g_ptr_array_unref(v->changes);
    g_free(v);
}

static char *
keywords_text(const PdCatalogPhoto *p)
{
    if (p->keywords->len == 0)
        return NULL;
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < p->keywords->len; i++)
        g_string_append_printf(s, "%s%s", i ? "\n" : "", (char *)g_ptr_array_index(p->keywords, i));
    return g_string_free(s, FALSE);
}

/* A column's value as text, for comparing versions; newly allocated or NULL. */
static char *
value_text(const PdCatalogPhoto *p, const Column *col)
{
    switch (col->type) {
    case COL_TEXT:
        return g_strdup(G_STRUCT_MEMBER(char *, p, col->offset));
    case COL_KEYWORDS:
        return keywords_text(p);
    default:
        return NULL;
    }
}

static void
bind_columns(PdStmt *st, const PdCatalogPhoto *p)
{
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        const Column *col = &columns[i];
        int k = (int)i + 1;
        switch (col->type) {
        case COL_TEXT:
            pd_stmt_bind_text(st, k, G_STRUCT_MEMBER(char *, p, col->offset));
            break;
        case COL_KEYWORDS: {
            char *t = keywords_text(p);
            pd_stmt_bind_text(st, k, t);
            g_free(t);
            break;
        }
        case COL_INT: {
            int v = G_STRUCT_MEMBER(int, p, col->offset);
            if (v)
                pd_stmt_bind_int(st, k, v);
            else
                pd_stmt_bind_null(st, k);
            break;
        }
        case COL_INT64:
            pd_stmt_bind_int64(st, k, G_STRUCT_MEMBER(gint64, p, col->offset));
            break;
        case COL_BOOL:
            pd_stmt_bind_int(st, k, G_STRUCT_MEMBER(gboolean, p, col->offset) ? 1 : 0);
            break;
        case COL_LAT:
        case COL_LON:
            if (p->has_gps)
                pd_stmt_bind_double(st, k, G_STRUCT_MEMBER(double, p, col->offset));
            else
                pd_stmt_bind_null(st, k);
            break;
        case COL_DHASH:
            if (p->has_dhash)
                pd_stmt_bind_int64(st, k, p->dhash);
            else
                pd_stmt_bind_null(st, k);
            break;
        }
    }
}

/* On PostgreSQL, @p's full-text index (words-pg.c) written beside it, in photo_words
 * (pg.c: in its year's table, made if it is the year's first photo), with its date key:
 * on SQLite FTS5 is written at commit (pd_catalog_index_pending()) and by triggers. */
static gboolean
write_words(PdCatalog *c, const PdCatalogPhoto *p, gint64 key, gboolean replace, GError **error)
{
    if (!pd_catalog_on_pg(c))
        return TRUE;
    g_autofree char *words = pd_catalog_pg_words(c, p, error);
    PdStmt *st = words == NULL
                     ? NULL
                     : pd_catalog_statement(c,
                                            "SELECT photodesk_write_words(?1, ?2, CAST(?3 AS"
                                            " tsvector), ?4 <> 0)",
                                            error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, p->id);
    pd_stmt_bind_int64(st, 2, key);
    pd_stmt_bind_text(st, 3, words);
    pd_stmt_bind_int(st, 4, replace);
    int r = pd_stmt_step(st);
    pd_stmt_reset(st);
    return r == PD_ROW || pd_catalog_fail(c, error, "indexing a photo");
}

static void
read_columns(PdStmt *st, PdCatalogPhoto *p)
{
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        const Column *col = &columns[i];
        int k = (int)i;
        gboolean null = pd_stmt_null(st, k);
        switch (col->type) {
        case COL_TEXT:
            G_STRUCT_MEMBER(char *, p, col->offset) = pd_catalog_text(st, k);
            break;
        case COL_KEYWORDS:
            if (!null) {
                g_auto(GStrv) parts = g_strsplit(pd_stmt_text(st, k), "\n", -1);
                for (int j = 0; parts[j]; j++)
                    g_ptr_array_add(p->keywords, g_strdup(parts[j]));
            }
            break;
        case COL_INT:
            G_STRUCT_MEMBER(int, p, col->offset) = pd_stmt_int(st, k);
            break;
        case COL_INT64:
            G_STRUCT_MEMBER(gint64, p, col->offset) = pd_stmt_int64(st, k);
            break;
        case COL_BOOL:
            G_STRUCT_MEMBER(gboolean, p, col->offset) = pd_stmt_int(st, k) != 0;
            break;
        case COL_LAT:
        case COL_LON:
            if (!null) {
                p->has_gps = TRUE;
                G_STRUCT_MEMBER(double, p, col->offset) = pd_stmt_double(st, k);
            }
            break;
        case COL_DHASH:
            if (!null) {
                p->has_dhash = TRUE;
                p->dhash = (guint64)pd_stmt_int64(st, k);
            }
            break;
        }
    }
}

void
pd_catalog_photo_sql(PdCatalog *c)
{
    GString *names = g_string_new(NULL), *marks = g_string_new(NULL), *sets = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        g_string_append_printf(names, "%s%s", i ? ", " : "", columns[i].name);
        g_string_append_printf(marks, "%s?%zu", i ? ", " : "", i + 1);
        g_string_append_printf(sets, "%s%s = ?%zu", i ? ", " : "", columns[i].name, i + 1);
    }
    gsize n = G_N_ELEMENTS(columns);
    /* The id is chosen before the insert, so that the date key (which holds it) goes in
     * with the row and the index trigger has it. */
    c->insert_sql = g_strdup_printf("INSERT INTO photos (%s, version, ingested_at, updated_at, "
                                    "id, date_key) VALUES (%s, 1, ?%zu, ?%zu, ?%zu, ?%zu)",
                                    names->str, marks->str, n + 1, n + 1, n + 2, n + 3);
    c->update_sql = g_strdup_printf("UPDATE photos SET %s, version = ?%zu, updated_at = ?%zu, "
                                    "date_key = ?%zu WHERE id = ?%zu",
                                    sets->str, n + 1, n + 2, n + 4, n + 3);
    c->select_sql = g_strdup_printf("SELECT %s, id, version, ingested_at, updated_at FROM photos "
                                    "WHERE id = ?1",
                                    names->str);
    g_string_free(names, TRUE);
    g_string_free(marks, TRUE);
    g_string_free(sets, TRUE);
}

/* The date key for a photo taken on @iso (see catalog-private.h): the next place in the
 * order of arrival of its day. Keys stay dense, so the index's rowid deltas stay small:
 * a key of minutes and ids made the index twice as large. */
gboolean
pd_catalog_next_date_key(PdCatalog *c, const char *iso, gint64 id, gint64 *key, GError **error)
{
    gint64 day = pd_catalog_date_day(iso, FALSE);
    if (day == 0) {
        *key = -id;
        return TRUE;
    }
    gint64 first = day << PD_DAY_SHIFT, last = ((day + 1) << PD_DAY_SHIFT) - 1;
    PdStmt *st = pd_catalog_statement(
        c, "SELECT max(date_key) FROM photos WHERE date_key BETWEEN ?1 AND ?2", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, first);
    pd_stmt_bind_int64(st, 2, last);
    if (pd_stmt_step(st) != PD_ROW) {
        pd_stmt_reset(st);
        return pd_catalog_fail(c, error, "choosing a date key");
    }
    gboolean none = pd_stmt_null(st, 0);
    gint64 max = pd_stmt_int64(st, 0);
    pd_stmt_reset(st);
    if (!none && max >= last) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                    "catalog: more than %d photos taken on one day (%s)", 1 << PD_DAY_SHIFT, iso);
        return FALSE;
    }
    *key = none ? first : max + 1;
    return TRUE;
}

/* Indexes the photos added in this transaction, in one statement.
 *
 * SQLite 3.40's FTS5 writes its pending index data out at every savepoint, and SQLite
 * opens one around every statement that may fail halfway, which an insert into a
 * virtual table is. Indexing each new photo on its own therefore wrote one tiny index
 * segment per photo (and merged them later): two thirds of the cost of a batch. One
 * INSERT ... SELECT for the batch writes one segment. */
gboolean
pd_catalog_index_pending(PdCatalog *c, GError **error)
{
    if (c->pending == 0)
        return TRUE;
    if (!pd_catalog_exec(
            c,
            "INSERT INTO photos_fts(rowid, caption, headline, object_name, byline, credit,"
            "  source, city, country, keywords, credit_line)"
            " SELECT date_key, caption, headline, object_name, byline, credit, source, city,"
            "  country, keywords, credit_line FROM photos"
            " WHERE id IN (SELECT id FROM temp.fts_pending) ORDER BY date_key;"
            "DELETE FROM temp.fts_pending;",
            error))
        return FALSE;
    c->pending = 0;
    return TRUE;
}

/* ---------------------------------------------------------------- look-ups */

/* The ids @st (prepared and bound) gives, in its order; NULL with @error ("catalog: @what")
 * when it fails. */
GArray *
pd_catalog_ids_of(PdCatalog *c, PdStmt *st, const char *what, GError **error)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        gint64 id = pd_stmt_int64(st, 0);
        g_array_append_val(ids, id);
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_array_unref(ids);
        pd_catalog_fail(c, error, what);
        return NULL;
    }
    return ids;
}

static gboolean
find_id(PdCatalog *c, const char *sql, const char *a, const char *b, gint64 *id, GError **error)
{
    *id = 0;
    PdStmt *st = pd_catalog_statement(c, sql, error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, a);
    if (b)
        pd_stmt_bind_text(st, 2, b);
    int r = pd_stmt_step(st);
    if (r == PD_ROW)
        *id = pd_stmt_int64(st, 0);
    pd_stmt_reset(st);
    if (r != PD_ROW && r != PD_DONE)
        return pd_catalog_fail(c, error, "looking up a photo");
    return TRUE;
}

gboolean
pd_catalog_find_original(PdCatalog *c, const char *sha256, gint64 *photo_id, GError **error)
{
    return find_id(c, "SELECT photo_id FROM originals WHERE sha256 = ?1", sha256, NULL, photo_id,
                   error);
}

gboolean
pd_catalog_find_image(PdCatalog *c, const char *image_sha256, gint64 *photo_id, GError **error)
{
    *photo_id = 0;
    if (image_sha256 == NULL)
        return TRUE;
    return find_id(c, "SELECT id FROM photos WHERE image_sha256 = ?1 ORDER BY id LIMIT 1",
                   image_sha256, NULL, photo_id, error);
}

GPtrArray *
pd_catalog_find_reference(PdCatalog *c, const char *source, const char *reference, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_photo_free);
    if (source == NULL || reference == NULL)
        return out;
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT id FROM photos WHERE source = ?1"
                                      " AND transmission_reference = ?2 ORDER BY id DESC LIMIT 100",
                                      error);
    if (st == NULL) {
        g_ptr_array_unref(out);
        return NULL;
    }
    pd_stmt_bind_text(st, 1, source);
    pd_stmt_bind_text(st, 2, reference);
    g_autoptr(GArray) ids = pd_catalog_ids_of(c, st, "looking up a transmission reference", error);
    if (ids == NULL) {
        g_ptr_array_unref(out);
        return NULL;
    }
    g_ptr_array_unref(out);
    return pd_catalog_photos_of(c, ids, ids->len, error);
}

void
pd_catalog_caption_free(PdCatalogCaption *caption)
{
    if (caption == NULL)
        return;
    g_free(caption->caption);
    g_free(caption);
}

GPtrArray *
pd_catalog_captions_arrived(PdCatalog *c, const char *from, const char *to, guint max,
                            GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT id, caption FROM photos WHERE ingested_at >= ?1"
                                      " AND ingested_at < ?2 AND caption IS NOT NULL"
                                      " ORDER BY ingested_at DESC LIMIT ?3",
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_text(st, 1, from);
    pd_stmt_bind_text(st, 2, to);
    pd_stmt_bind_int64(st, 3, max);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_caption_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdCatalogCaption *one = g_new0(PdCatalogCaption, 1);
        one->id = pd_stmt_int64(st, 0);
        one->caption = g_strdup(pd_stmt_text(st, 1));
        g_ptr_array_add(out, one);
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(out);
        pd_catalog_fail(c, error, "reading the day's captions");
        return NULL;
    }
    return out;
}

GPtrArray *
pd_catalog_photos_of(PdCatalog *c, GArray *ids, guint max, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_photo_free);
    for (guint i = 0; i < ids->len && i < max; i++) {
        PdCatalogPhoto *p = pd_catalog_get_photo(c, g_array_index(ids, gint64, i), error);
        if (p == NULL) {
            g_ptr_array_unref(out);
            return NULL;
        }
        g_ptr_array_add(out, p);
    }
    return out;
}

/* ---------------------------------------------------------------- writing */

static gboolean
write_keywords(PdCatalog *c, const PdCatalogPhoto *p, gboolean replace, GError **error)
{
    PdStmt *del =
        replace ? pd_catalog_statement(c, "DELETE FROM photo_keywords WHERE photo_id = ?1", error)
                : NULL;
    if (replace && del == NULL)
        return FALSE;
    if (del) {
        pd_stmt_bind_int64(del, 1, p->id);
        if (pd_stmt_step(del) != PD_DONE)
            return pd_catalog_fail(c, error, "replacing keywords");
    }
    for (guint i = 0; i < p->keywords->len; i++) {
        PdStmt *st = pd_catalog_statement(
            c, "INSERT INTO photo_keywords (photo_id, position, keyword) VALUES (?1, ?2, ?3)",
            error);
        if (st == NULL)
            return FALSE;
        pd_stmt_bind_int64(st, 1, p->id);
        pd_stmt_bind_int(st, 2, (int)i);
        pd_stmt_bind_text(st, 3, g_ptr_array_index(p->keywords, i));
        if (pd_stmt_step(st) != PD_DONE)
            return pd_catalog_fail(c, error, "adding a keyword");
    }
    return TRUE;
}

static gboolean
add_original(PdCatalog *c, const PdCatalogPhoto *p, const char *file, const char *at,
             GError **error)
{
    PdStmt *st =
        pd_catalog_statement(c,
                             "INSERT INTO originals (sha256, photo_id, ext, bytes, received_at, "
                             "file) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                             error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, p->sha256);
    pd_stmt_bind_int64(st, 2, p->id);
    pd_stmt_bind_text(st, 3, p->ext);
    pd_stmt_bind_int64(st, 4, p->bytes);
    pd_stmt_bind_text(st, 5, at);
    pd_stmt_bind_text(st, 6, file);
    if (pd_stmt_step(st) != PD_DONE)
        return pd_catalog_fail(c, error, "recording an original");
    return TRUE;
}

/* Records version @p->version of photo @p->id, showing the picture @p->picture. */
static gboolean
add_version(PdCatalog *c, const PdCatalogPhoto *p, const char *at, const char *by_user,
            const char *ingest_file, const char *original, gboolean picture_changed,
            gint64 *version_id, GError **error)
{
    PdStmt *st =
        pd_catalog_statement(c,
                             "INSERT INTO versions (photo_id, version, at, by_user, by_ingest, "
                             "original_sha256, picture, picture_changed)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                             error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, p->id);
    pd_stmt_bind_int(st, 2, p->version);
    pd_stmt_bind_text(st, 3, at);
    pd_stmt_bind_text(st, 4, by_user);
    pd_stmt_bind_text(st, 5, ingest_file);
    pd_stmt_bind_text(st, 6, original);
    pd_stmt_bind_text(st, 7, p->picture);
    pd_stmt_bind_int(st, 8, picture_changed);
    if (pd_catalog_insert(st, version_id) != PD_DONE)
        return pd_catalog_fail(c, error, "recording a version");
    return TRUE;
}

gboolean
pd_catalog_add_photo(PdCatalog *c, PdCatalogPhoto *p, const char *by_user, const char *ingest_file,
                     GError **error)
{
    /* Outside a transaction, one of its own: a photo goes in whole or not at all. Inside
     * one, a failure leaves it to the caller to roll back (a savepoint here would make
     * FTS5 flush its pending index data on every photo, a third of the cost of a batch). */
    gboolean own = c->depth == 0;
    if (own && !pd_catalog_begin(c, error))
        return FALSE;
    g_autofree char *at = pd_catalog_now();
    gint64 id = 0;
    PdStmt *next = pd_catalog_statement(c, "SELECT coalesce(max(id), 0) + 1 FROM photos", error);
    gboolean ok = next != NULL && pd_stmt_step(next) == PD_ROW;
    if (ok)
        id = pd_stmt_int64(next, 0);
    else if (next)
        pd_catalog_fail(c, error, "choosing an id");
    if (next)
        pd_stmt_reset(next);
    gint64 key = 0;
    ok = ok && pd_catalog_next_date_key(c, p->date_created, id, &key, error);
    PdStmt *st = ok ? pd_catalog_statement(c, c->insert_sql, error) : NULL;
    ok = st != NULL;
    if (ok) {
        int n = (int)G_N_ELEMENTS(columns);
        bind_columns(st, p);
        pd_stmt_bind_text(st, n + 1, at);
        pd_stmt_bind_int64(st, n + 2, id);
        pd_stmt_bind_int64(st, n + 3, key);
        ok = pd_stmt_step(st) == PD_DONE || pd_catalog_fail(c, error, "adding a photo");
    }
    if (ok) {
        p->id = id;
        p->version = 1;
        g_free(p->ingested_at);
        g_free(p->updated_at);
        p->ingested_at = g_strdup(at);
        p->updated_at = g_strdup(at);
    }
    gint64 version_id;
    ok = ok && write_words(c, p, key, FALSE, error) && write_keywords(c, p, FALSE, error) &&
         add_original(c, p, ingest_file, at, error) &&
         add_version(c, p, at, by_user, ingest_file, p->sha256, FALSE, &version_id, error);
    if (ok && !pd_catalog_on_pg(c)) {
        PdStmt *pend =
            pd_catalog_statement(c, "INSERT INTO temp.fts_pending (id) VALUES (?1)", error);
        ok = pend != NULL;
        if (ok) {
            pd_stmt_bind_int64(pend, 1, p->id);
            ok = pd_stmt_step(pend) == PD_DONE ||
                 pd_catalog_fail(c, error, "queueing for the index");
        }
        if (ok)
            c->pending++;
    }
    if (ok && own && !pd_catalog_commit(c, error))
        ok = FALSE;
    if (!ok) {
        if (own)
            pd_catalog_rollback(c);
        p->id = 0;
        return FALSE;
    }
    return TRUE;
}

static gint64
old_date_key(PdCatalog *c, gint64 id)
{
    PdStmt *st = pd_catalog_statement(c, "SELECT date_key FROM photos WHERE id = ?1", NULL);
    gint64 key = -id;
    if (st == NULL)
        return key;
    pd_stmt_bind_int64(st, 1, id);
    if (pd_stmt_step(st) == PD_ROW)
        key = pd_stmt_int64(st, 0);
    pd_stmt_reset(st);
    return key;
}

/* The editor whose correction of @field the wire is about to overwrite: the user of the
 * newest version that changed it, when that was an editor's; NULL otherwise. */
static char *
corrected_by(PdCatalog *c, gint64 photo_id, const char *field, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT v.by_user FROM version_changes ch"
                                      " JOIN versions v ON v.id = ch.version_id"
                                      " WHERE v.photo_id = ?1 AND ch.field = ?2"
                                      " ORDER BY v.version DESC LIMIT 1",
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, photo_id);
    pd_stmt_bind_text(st, 2, field);
    int r = pd_stmt_step(st);
    char *user = r == PD_ROW ? pd_catalog_text(st, 0) : NULL;
    pd_stmt_reset(st);
    if (r != PD_ROW && r != PD_DONE)
        pd_catalog_fail(c, error, "reading a field's history");
    return user;
}

/* What an update must not lose: derived values the new reading does not have (a re-send
 * whose picture was not decoded again has no perceptual hash or renditions of its own). */
static void
keep_derived(PdCatalogPhoto *p, const PdCatalogPhoto *old)
{
    if (!p->has_dhash && old->has_dhash) {
        p->has_dhash = TRUE;
        p->dhash = old->dhash;
    }
    if (p->image_sha256 == NULL)
        p->image_sha256 = g_strdup(old->image_sha256);
    if (p->width <= 0 || p->height <= 0) {
        p->width = old->width;
        p->height = old->height;
    }
    /* the same image data: the renditions already shown stay the photo's picture */
    if (p->picture == NULL ||
        (p->image_sha256 && g_strcmp0(p->image_sha256, old->image_sha256) == 0)) {
        g_free(p->picture);
        p->picture = g_strdup(old->picture);
    }
}

static gboolean
update_in(PdCatalog *c, PdCatalogPhoto *p, const char *by_user, const char *ingest_file,
          gboolean *changed, GError **error)
{
    g_autoptr(PdCatalogPhoto) old = pd_catalog_get_photo(c, p->id, error);
    if (old == NULL)
        return FALSE;
    keep_derived(p, old);
    gboolean picture_changed = g_strcmp0(old->picture, p->picture) != 0 && old->picture != NULL;
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(change_free);
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        if (!columns[i].versioned)
            continue;
        char *from = value_text(old, &columns[i]);
        char *to = value_text(p, &columns[i]);
        if (g_strcmp0(from, to) == 0) {
            g_free(from);
            g_free(to);
            continue;
        }
        PdCatalogChange *ch = g_new0(PdCatalogChange, 1);
        ch->field = g_strdup(columns[i].name);
        ch->from = from;
        ch->to = to;
        g_ptr_array_add(changes, ch);
        /* the wire over an editor's correction: said, so that the desk can see it */
        if (by_user == NULL) {
            g_autoptr(GError) failed = NULL;
            ch->editor = corrected_by(c, p->id, ch->field, &failed);
            if (failed) {
                g_propagate_error(error, g_steal_pointer(&failed));
                return FALSE;
            }
        }
    }
    gboolean new_original = g_strcmp0(old->sha256, p->sha256) != 0;
    if (changes->len == 0 && !new_original && !picture_changed)
        return TRUE;
    *changed = TRUE;
    /* the update trigger changes the index: what is still pending must be in it first */
    if (!pd_catalog_index_pending(c, error))
        return FALSE;
    g_autofree char *at = pd_catalog_now();
    p->version = old->version + 1;
    /* a photo keeps its place unless the day it was taken changes */
    gint64 key = 0;
    if (pd_catalog_date_day(old->date_created, FALSE) ==
        pd_catalog_date_day(p->date_created, FALSE))
        key = old_date_key(c, p->id);
    else if (!pd_catalog_next_date_key(c, p->date_created, p->id, &key, error))
        return FALSE;
    PdStmt *st = pd_catalog_statement(c, c->update_sql, error);
    if (st == NULL)
        return FALSE;
    bind_columns(st, p);
    gsize n = G_N_ELEMENTS(columns);
    pd_stmt_bind_int(st, (int)n + 1, p->version);
    pd_stmt_bind_text(st, (int)n + 2, at);
    pd_stmt_bind_int64(st, (int)n + 3, p->id);
    pd_stmt_bind_int64(st, (int)n + 4, key);
    if (pd_stmt_step(st) != PD_DONE)
        return pd_catalog_fail(c, error, "updating a photo");
    if (!write_words(c, p, key, TRUE, error))
        return FALSE;
    gint64 version_id = 0;
    if (!write_keywords(c, p, TRUE, error) ||
        (new_original && !add_original(c, p, ingest_file, at, error)) ||
        !add_version(c, p, at, by_user, ingest_file, new_original ? p->sha256 : NULL,
                     picture_changed, &version_id, error))
        return FALSE;
    for (guint i = 0; i < changes->len; i++) {
        const PdCatalogChange *ch = g_ptr_array_index(changes, i);
        PdStmt *cs =
            pd_catalog_statement(c,
                                 "INSERT INTO version_changes (version_id, field, old_value, "
                                 "new_value, editor) VALUES (?1, ?2, ?3, ?4, ?5)",
                                 error);
        if (cs == NULL)
            return FALSE;
        pd_stmt_bind_int64(cs, 1, version_id);
        pd_stmt_bind_text(cs, 2, ch->field);
        pd_stmt_bind_text(cs, 3, ch->from);
        pd_stmt_bind_text(cs, 4, ch->to);
        pd_stmt_bind_text(cs, 5, ch->editor);
        if (pd_stmt_step(cs) != PD_DONE)
            return pd_catalog_fail(c, error, "recording a change");
    }
    g_free(p->ingested_at);
    p->ingested_at = g_strdup(old->ingested_at);
    g_free(p->updated_at);
    p->updated_at = g_strdup(at);
    return TRUE;
}

gboolean
pd_catalog_update_photo(PdCatalog *c, PdCatalogPhoto *p, const char *by_user,
                        const char *ingest_file, gboolean *changed, GError **error)
{
    *changed = FALSE;
    /* The write lock before the stored photo is read: what is compared is what is
     * replaced. Inside the caller's transaction, no savepoint (see add_photo). */
    gboolean own = c->depth == 0;
    if (own && !pd_catalog_begin(c, error))
        return FALSE;
    int version = p->version;
    if (!update_in(c, p, by_user, ingest_file, changed, error)) {
        if (own)
            pd_catalog_rollback(c);
        p->version = version;
        *changed = FALSE;
        return FALSE;
    }
    if (own && !pd_catalog_commit(c, error)) {
        pd_catalog_rollback(c);
        p->version = version;
        *changed = FALSE;
        return FALSE;
    }
    return TRUE;
}

gboolean
pd_catalog_set_rendition(PdCatalog *c, gint64 photo_id, const PdCatalogRendition *r, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "INSERT INTO renditions (photo_id, name, sha256, "
                                      "width, height, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                                      " ON CONFLICT (photo_id, sha256, name) DO UPDATE SET"
                                      " width = ?4, height = ?5, bytes = ?6",
                                      error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, photo_id);
    pd_stmt_bind_text(st, 2, r->name);
    pd_stmt_bind_text(st, 3, r->sha256);
    pd_stmt_bind_int(st, 4, r->width);
    pd_stmt_bind_int(st, 5, r->height);
    pd_stmt_bind_int64(st, 6, r->bytes);
    if (pd_stmt_step(st) != PD_DONE)
        return pd_catalog_fail(c, error, "recording a rendition");
    return TRUE;
}

/* ---------------------------------------------------------------- reading */

PdCatalogPhoto *
pd_catalog_get_photo(PdCatalog *c, gint64 id, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, c->select_sql, error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    int r = pd_stmt_step(st);
    if (r == PD_DONE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "no photo %" G_GINT64_FORMAT, id);
        return NULL;
    }
    if (r != PD_ROW) {
        pd_catalog_fail(c, error, "reading a photo");
        return NULL;
    }
    PdCatalogPhoto *p = pd_catalog_photo_new();
    read_columns(st, p);
    int n = (int)G_N_ELEMENTS(columns);
    p->id = pd_stmt_int64(st, n);
    p->version = pd_stmt_int(st, n + 1);
    p->ingested_at = pd_catalog_text(st, n + 2);
    p->updated_at = pd_catalog_text(st, n + 3);
    pd_stmt_reset(st);
    return p;
}

gboolean
pd_catalog_get_file(PdCatalog *c, gint64 id, const char *name, const char *picture, char **sha256,
                    char **ext, char **format, GError **error)
{
    gboolean original = g_strcmp0(name, "original") == 0;
    /* a rendition of the picture asked for, when the photo has had it; else the current */
    PdStmt *st = pd_catalog_statement(
        c,
        original ? "SELECT sha256, ext, format FROM photos WHERE id = ?1"
                 : "SELECT r.sha256, 'jpg', 'jpeg' FROM photos p JOIN renditions r"
                   " ON r.photo_id = p.id AND r.name = ?2"
                   " AND r.sha256 = coalesce((SELECT x.sha256 FROM renditions x"
                   "   WHERE x.photo_id = p.id AND x.name = ?2 AND x.sha256 = ?3), p.picture)"
                   " WHERE p.id = ?1",
        error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, id);
    if (!original) {
        pd_stmt_bind_text(st, 2, name);
        pd_stmt_bind_text(st, 3, picture);
    }
    int r = pd_stmt_step(st);
    if (r == PD_ROW) {
        *sha256 = pd_catalog_text(st, 0);
        *ext = pd_catalog_text(st, 1);
        *format = pd_catalog_text(st, 2);
    }
    pd_stmt_reset(st);
    if (r == PD_DONE)
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "photo %" G_GINT64_FORMAT " has no %s", id, name);
    else if (r != PD_ROW)
        pd_catalog_fail(c, error, "finding a file");
    return r == PD_ROW;
}

static GPtrArray *
read_renditions(PdCatalog *c, PdStmt *st, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_rendition_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdCatalogRendition *x = g_new0(PdCatalogRendition, 1);
        x->name = pd_catalog_text(st, 0);
        x->sha256 = pd_catalog_text(st, 1);
        x->width = pd_stmt_int(st, 2);
        x->height = pd_stmt_int(st, 3);
        x->bytes = pd_stmt_int64(st, 4);
        g_ptr_array_add(out, x);
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(out);
        pd_catalog_fail(c, error, "reading renditions");
        return NULL;
    }
    return out;
}

#define RENDITION_ORDER                                                                            \
    "CASE r.name WHEN 'web' THEN 0 WHEN 'preview' THEN 1 WHEN 'thumb' THEN 2 ELSE 3 END, r.name"

GPtrArray *
pd_catalog_get_renditions(PdCatalog *c, gint64 id, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT r.name, r.sha256, r.width, r.height, r.bytes"
                                      " FROM photos p JOIN renditions r"
                                      " ON r.photo_id = p.id AND r.sha256 = p.picture"
                                      " WHERE p.id = ?1 ORDER BY " RENDITION_ORDER,
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    return read_renditions(c, st, error);
}

GPtrArray *
pd_catalog_get_picture_renditions(PdCatalog *c, gint64 id, const char *picture, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT r.name, r.sha256, r.width, r.height, r.bytes"
                                      " FROM renditions r WHERE r.photo_id = ?1 AND r.sha256 = ?2"
                                      " ORDER BY " RENDITION_ORDER,
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_text(st, 2, picture);
    return read_renditions(c, st, error);
}

/* Reads the versions @st gives (id, version, at, by_user, by_ingest, original_sha256,
 * picture, picture_changed, seen_by, seen_at), then their changes; @st is bound. */
static GPtrArray *
read_versions(PdCatalog *c, PdStmt *st, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_version_free);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdCatalogVersion *v = g_new0(PdCatalogVersion, 1);
        gint64 vid = pd_stmt_int64(st, 0);
        g_array_append_val(ids, vid);
        v->version = pd_stmt_int(st, 1);
        v->at = pd_catalog_text(st, 2);
        v->by_user = pd_catalog_text(st, 3);
        v->by_ingest = pd_catalog_text(st, 4);
        v->original = pd_catalog_text(st, 5);
        v->picture = pd_catalog_text(st, 6);
        v->picture_changed = pd_stmt_int(st, 7) != 0;
        v->seen_by = pd_catalog_text(st, 8);
        v->seen_at = pd_catalog_text(st, 9);
        v->changes = g_ptr_array_new_with_free_func(change_free);
        g_ptr_array_add(out, v);
    }
    pd_stmt_reset(st);
    gboolean ok = r == PD_DONE || pd_catalog_fail(c, error, "reading versions");
    for (guint i = 0; ok && i < out->len; i++) {
        PdCatalogVersion *v = g_ptr_array_index(out, i);
        PdStmt *cs =
            pd_catalog_statement(c,
                                 "SELECT field, old_value, new_value, editor FROM version_changes "
                                 "WHERE version_id = ?1 ORDER BY rowid",
                                 error);
        if (cs == NULL) {
            ok = FALSE;
            break;
        }
        pd_stmt_bind_int64(cs, 1, g_array_index(ids, gint64, i));
        while ((r = pd_stmt_step(cs)) == PD_ROW) {
            PdCatalogChange *ch = g_new0(PdCatalogChange, 1);
            ch->field = pd_catalog_text(cs, 0);
            ch->from = pd_catalog_text(cs, 1);
            ch->to = pd_catalog_text(cs, 2);
            ch->editor = pd_catalog_text(cs, 3);
            g_ptr_array_add(v->changes, ch);
        }
        pd_stmt_reset(cs);
        ok = r == PD_DONE || pd_catalog_fail(c, error, "reading changes");
    }
    g_array_unref(ids);
    if (!ok) {
        g_ptr_array_unref(out);
        return NULL;
    }
    return out;
}

#define VERSION_COLUMNS                                                                            \
    "id, version, at, by_user, by_ingest, original_sha256, picture, picture_changed, seen_by,"     \
    " seen_at"

GPtrArray *
pd_catalog_get_versions(PdCatalog *c, gint64 id, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "SELECT " VERSION_COLUMNS " FROM versions WHERE photo_id = ?1 ORDER BY version", error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    return read_versions(c, st, error);
}

GPtrArray *
pd_catalog_get_versions_page(PdCatalog *c, gint64 id, int before, int limit, GError **error)
{
    /* the newest @limit before @before, given oldest first like every version list */
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT * FROM (SELECT " VERSION_COLUMNS
                                      " FROM versions WHERE photo_id = ?1 AND version < ?2"
                                      " ORDER BY version DESC LIMIT ?3) v ORDER BY version",
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_int(st, 2, before > 0 ? before : G_MAXINT);
    pd_stmt_bind_int(st, 3, limit);
    return read_versions(c, st, error);
}

gboolean
pd_catalog_acknowledge_version(PdCatalog *c, gint64 id, int version, const char *by_user,
                               GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "UPDATE versions SET seen_by = ?3, seen_at = ?4"
                                      " WHERE photo_id = ?1 AND version = ?2",
                                      error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_int(st, 2, version);
    pd_stmt_bind_text(st, 3, by_user);
    pd_stmt_bind_text(st, 4, now);
    if (!pd_catalog_run(c, st, "acknowledging a version", error))
        return FALSE;
    if (pd_catalog_changes(c) == 0) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "photo %" G_GINT64_FORMAT " has no version %d", id, version);
        return FALSE;
    }
    return TRUE;
}

gboolean
pd_catalog_foreach_original(PdCatalog *c, PdCatalogOriginalFunc func, gpointer user_data,
                            GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "SELECT sha256, ext, photo_id FROM originals ORDER BY sha256", error);
    if (st == NULL)
        return FALSE;
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW)
        func(pd_stmt_text(st, 0), pd_stmt_text(st, 1), pd_stmt_int64(st, 2), user_data);
    pd_stmt_reset(st);
    return r == PD_DONE || pd_catalog_fail(c, error, "listing originals");
}

gboolean
pd_catalog_foreach_rendition(PdCatalog *c, PdCatalogRenditionFunc func, gpointer user_data,
                             GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT photo_id, name, sha256, width, height, bytes "
                                      "FROM renditions ORDER BY photo_id, name",
                                      error);
    if (st == NULL)
        return FALSE;
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdCatalogRendition x = {(char *)pd_stmt_text(st, 1), (char *)pd_stmt_text(st, 2),
                                pd_stmt_int(st, 3), pd_stmt_int(st, 4), pd_stmt_int64(st, 5)};
        func(pd_stmt_int64(st, 0), &x, user_data);
    }
    pd_stmt_reset(st);
    return r == PD_DONE || pd_catalog_fail(c, error, "listing renditions");
}

gboolean
pd_catalog_knows_file(PdCatalog *c, const char *rendition, const char *sha256, gboolean *known,
                      GError **error)
{
    PdStmt *st = rendition
                     ? pd_catalog_statement(
                           c, "SELECT 1 FROM renditions WHERE sha256 = ?1 AND name = ?2", error)
                     : pd_catalog_statement(c, "SELECT 1 FROM originals WHERE sha256 = ?1", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, sha256);
    if (rendition)
        pd_stmt_bind_text(st, 2, rendition);
    int r = pd_stmt_step(st);
    pd_stmt_reset(st);
    *known = r == PD_ROW;
    return r == PD_ROW || r == PD_DONE || pd_catalog_fail(c, error, "looking up a file");
}

gboolean
pd_catalog_set_dhash(PdCatalog *c, gint64 id, guint64 dhash, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "UPDATE photos SET dhash = ?2 WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_int64(st, 2, dhash);
    return pd_catalog_run(c, st, "recording a perceptual hash", error);
}

GArray *
pd_catalog_photo_ids(PdCatalog *c, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "SELECT id FROM photos ORDER BY id", error);
    return st ? pd_catalog_ids_of(c, st, "listing photos", error) : NULL;
}

GArray *
pd_catalog_photos_without_dhash(PdCatalog *c, GError **error)
{
    PdStmt *st =
        pd_catalog_statement(c, "SELECT id FROM photos WHERE dhash IS NULL ORDER BY id", error);
    return st ? pd_catalog_ids_of(c, st, "listing photos", error) : NULL;
}

/* PostgreSQL keeps its own tables whole; what photodesk checks there is that every
 * photo is in the full-text index. */
static gboolean
check_index_pg(PdCatalog *c, GString *report, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT count(*) FROM photos p WHERE NOT EXISTS"
                                      " (SELECT 1 FROM photo_words w WHERE w.photo_id = p.id)",
                                      error);
    if (st == NULL)
        return FALSE;
    if (pd_stmt_step(st) != PD_ROW) {
        pd_stmt_reset(st);
        return pd_catalog_fail(c, error, "integrity check");
    }
    gint64 missing = pd_stmt_int64(st, 0);
    pd_stmt_reset(st);
    if (missing > 0)
        g_string_append_printf(report, "full-text index: %" G_GINT64_FORMAT " photos not in it",
                               missing);
    return TRUE;
}

char *
pd_catalog_check_integrity(PdCatalog *c, GError **error)
{
    g_autoptr(GString) report = g_string_new(NULL);
    if (pd_catalog_on_pg(c)) {
        if (!check_index_pg(c, report, error))
            return NULL;
        return report->len ? g_strdup(report->str) : NULL;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        pd_catalog_fail(c, error, "integrity check");
        return NULL;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (line && strcmp(line, "ok") != 0)
            g_string_append_printf(report, "%s%s", report->len ? "\n" : "", line);
    }
    sqlite3_finalize(st);
    /* The full-text index against its content table. */
    if (c->mode == PD_CATALOG_READ_WRITE) {
        char *msg = NULL;
        if (sqlite3_exec(c->db,
                         "INSERT INTO photos_fts(photos_fts, rank) VALUES ('integrity-check', 1)",
                         NULL, NULL, &msg) != SQLITE_OK) {
            g_string_append_printf(report, "%sfull-text index: %s", report->len ? "\n" : "",
                                   msg ? msg : "damaged");
            sqlite3_free(msg);
        }
    }
    return report->len ? g_strdup(report->str) : NULL;
}

gboolean
pd_catalog_optimize(PdCatalog *c, GError **error)
{
    if (pd_catalog_on_pg(c))
        return pd_catalog_exec(c, "VACUUM (ANALYZE)", error);
    /* under the write lock, as any writer: ingest waits and goes on after */
    if (!pd_catalog_begin(c, error) ||
        !pd_catalog_finish(
            c, pd_catalog_exec(c, "INSERT INTO photos_fts(photos_fts) VALUES ('optimize')", error),
            error))
        return FALSE;
    return pd_catalog_exec(c, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize", error);
}

gint64
pd_catalog_count_photos(PdCatalog *c, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "SELECT count(*) FROM photos", error);
    if (st == NULL)
        return -1;
    gint64 n = -1;
    if (pd_stmt_step(st) == PD_ROW)
        n = pd_stmt_int64(st, 0);
    else
        pd_catalog_fail(c, error, "counting photos");
    pd_stmt_reset(st);
    return n;
}
