/* collections.c: what the desk keeps together by name: lightboxes (sets of photos that
 * several editors fill and look at) and saved searches (a search as the API's query
 * string, run again by anyone). Both are shared by the whole desk; each photo in a
 * lightbox remembers who put it there and when. */
#include "catalog/catalog-private.h"

#include <string.h>

/* ---------------------------------------------------------------- names */

/* A lightbox's or saved search's name: 1 to PD_COLLECTION_NAME_MAX bytes of UTF-8 text
 * on one line, not starting or ending with a space. */
static gboolean
check_name(const char *what, const char *name, GError **error)
{
    if (name == NULL || *name == 0)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID, "a %s needs a name", what);
    g_autofree char *field = g_strdup_printf("the %s's name", what);
    if (!pd_catalog_check_text(field, name, PD_COLLECTION_NAME_MAX, FALSE, error))
        return FALSE;
    if (g_ascii_isspace(name[0]) || g_ascii_isspace(name[strlen(name) - 1]))
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID,
                                 "the %s's name \"%s\" starts or ends with a space", what, name);
    return TRUE;
}

/* ---------------------------------------------------------------- rows */

GPtrArray *
pd_catalog_rows_of(PdCatalog *c, PdStmt *st, PdCatalogReadRow read, GDestroyNotify free_row,
                   const char *what, GError **error)
{
    GPtrArray *all = g_ptr_array_new_with_free_func(free_row);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW)
        g_ptr_array_add(all, read(st));
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(all);
        pd_catalog_fail(c, error, what);
        return NULL;
    }
    return all;
}

/* The row of @select with id @id, or (when @name is not NULL) of that name, read by
 * @read; NULL with NOT_FOUND ("no @what 7", "no @what called \"x\"") when there is none. */
static gpointer
one_row(PdCatalog *c, const char *select, gint64 id, const char *name, PdCatalogReadRow read,
        const char *what, GError **error)
{
    g_autofree char *sql =
        g_strconcat(select, name ? " WHERE lower(name) = lower(?2)" : " WHERE id = ?1", NULL);
    PdStmt *st = pd_catalog_statement(c, sql, error);
    if (st == NULL)
        return NULL;
    if (name)
        pd_stmt_bind_text(st, 2, name);
    else
        pd_stmt_bind_int64(st, 1, id);
    int r = pd_stmt_step(st);
    gpointer row = r == PD_ROW ? read(st) : NULL;
    pd_stmt_reset(st);
    if (r == PD_DONE && name)
        pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND, "no %s called \"%s\"", what, name);
    else if (r == PD_DONE)
        pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, what, id);
    else if (r != PD_ROW)
        pd_catalog_fail(c, error, what);
    return row;
}

/* Runs @sql (an UPDATE or DELETE of row ?1, @text as ?2) for @id; NOT_FOUND when it
 * changed nothing. */
static gboolean
change_row(PdCatalog *c, const char *sql, gint64 id, const char *text, const char *what,
           GError **error)
{
    PdStmt *st = pd_catalog_statement(c, sql, error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, id);
    if (text)
        pd_stmt_bind_text(st, 2, text);
    if (!pd_catalog_run(c, st, what, error))
        return FALSE;
    if (pd_catalog_changes(c) == 0)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, what,
                                 id);
    return TRUE;
}

/* ---------------------------------------------------------------- lightboxes */

void
pd_catalog_lightbox_free(PdCatalogLightbox *l)
{
    if (l == NULL)
        return;
    g_free(l->name);
    g_free(l->created_by);
    g_free(l->created_at);
    g_free(l->changed_at);
    g_free(l);
}

#define LIGHTBOX_SELECT                                                                            \
    "SELECT l.id, l.name, l.created_by, l.created_at, l.changed_at,"                               \
    " (SELECT count(*) FROM lightbox_photos x WHERE x.lightbox_id = l.id) FROM lightboxes l"

static PdCatalogLightbox *
read_lightbox(PdStmt *st)
{
    PdCatalogLightbox *l = g_new0(PdCatalogLightbox, 1);
    l->id = pd_stmt_int64(st, 0);
    l->name = pd_catalog_text(st, 1);
    l->created_by = pd_catalog_text(st, 2);
    l->created_at = pd_catalog_text(st, 3);
    l->changed_at = pd_catalog_text(st, 4);
    l->photos = pd_stmt_int(st, 5);
    return l;
}

GPtrArray *
pd_catalog_list_lightboxes(PdCatalog *c, GError **error)
{
    PdStmt *st =
        pd_catalog_statement(c, LIGHTBOX_SELECT " ORDER BY l.changed_at DESC, l.id DESC", error);
    return st ? pd_catalog_rows_of(c, st, (PdCatalogReadRow)read_lightbox,
                                   (GDestroyNotify)pd_catalog_lightbox_free, "listing lightboxes",
                                   error)
              : NULL;
}

PdCatalogLightbox *
pd_catalog_get_lightbox(PdCatalog *c, gint64 id, GError **error)
{
    return one_row(c, LIGHTBOX_SELECT, id, NULL, (PdCatalogReadRow)read_lightbox, "lightbox",
                   error);
}

PdCatalogLightbox *
pd_catalog_find_lightbox(PdCatalog *c, const char *name, GError **error)
{
    return one_row(c, LIGHTBOX_SELECT, 0, name ? name : "", (PdCatalogReadRow)read_lightbox,
                   "lightbox", error);
}

/* PD_CATALOG_ERROR_EXISTS for a name taken (whatever its case). */
static gboolean
name_taken(PdCatalog *c, int r, const char *what, const char *name, GError **error)
{
    if (r == PD_CONSTRAINT_UNIQUE || r == SQLITE_CONSTRAINT)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_EXISTS,
                                 "there is a %s called \"%s\" already", what, name);
    return pd_catalog_fail(c, error, what);
}

gint64
pd_catalog_add_lightbox(PdCatalog *c, const char *name, const char *by_user, GError **error)
{
    if (!check_name("lightbox", name, error))
        return 0;
    PdStmt *st = pd_catalog_statement(
        c,
        "INSERT INTO lightboxes (name, created_by, created_at, changed_at) VALUES (?1, ?2, ?3, ?3)"
        " RETURNING id",
        error);
    if (st == NULL)
        return 0;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, name);
    pd_stmt_bind_text(st, 2, by_user ? by_user : "");
    pd_stmt_bind_text(st, 3, now);
    gint64 id = 0;
    int r = pd_catalog_insert(st, &id);
    if (r != PD_DONE) {
        name_taken(c, r, "lightbox", name, error);
        return 0;
    }
    return id;
}

/* The lightbox's changed_at moved to now; NOT_FOUND when there is none. */
static gboolean
touch_lightbox(PdCatalog *c, gint64 id, GError **error)
{
    g_autofree char *now = pd_catalog_now();
    return change_row(c, "UPDATE lightboxes SET changed_at = ?2 WHERE id = ?1", id, now, "lightbox",
                      error);
}

static gboolean
rename_in(PdCatalog *c, gint64 id, const char *name, GError **error)
{
    if (!touch_lightbox(c, id, error))
        return FALSE;
    PdStmt *st = pd_catalog_statement(c, "UPDATE lightboxes SET name = ?2 WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_text(st, 2, name);
    int r = pd_stmt_step(st);
    pd_stmt_reset(st);
    return r == PD_DONE || name_taken(c, r, "lightbox", name, error);
}

gboolean
pd_catalog_rename_lightbox(PdCatalog *c, gint64 id, const char *name, GError **error)
{
    return check_name("lightbox", name, error) && pd_catalog_begin(c, error) &&
           pd_catalog_finish(c, rename_in(c, id, name, error), error);
}

gboolean
pd_catalog_remove_lightbox(PdCatalog *c, gint64 id, GError **error)
{
    return change_row(c, "DELETE FROM lightboxes WHERE id = ?1", id, NULL, "lightbox", error);
}

static gboolean
put_in(PdCatalog *c, gint64 id, const gint64 *photos, guint n, gboolean add, const char *by_user,
       guint *changed, GError **error)
{
    if (!touch_lightbox(c, id, error))
        return FALSE;
    PdStmt *exists =
        add ? pd_catalog_statement(c, "SELECT 1 FROM photos WHERE id = ?1", error) : NULL;
    PdStmt *st = pd_catalog_statement(
        c,
        add ? "INSERT INTO lightbox_photos (lightbox_id, photo_id, added_by, added_at)"
              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"
            : "DELETE FROM lightbox_photos WHERE lightbox_id = ?1 AND photo_id = ?2",
        error);
    if (st == NULL || (add && exists == NULL))
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    for (guint i = 0; i < n; i++) {
        if (add) {
            pd_stmt_bind_int64(exists, 1, photos[i]);
            int r = pd_stmt_step(exists);
            pd_stmt_reset(exists);
            if (r == PD_DONE)
                return pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND,
                                         "no photo %" G_GINT64_FORMAT, photos[i]);
            if (r != PD_ROW)
                return pd_catalog_fail(c, error, "reading a photo");
            pd_stmt_bind_text(st, 3, by_user ? by_user : "");
            pd_stmt_bind_text(st, 4, now);
        }
        pd_stmt_bind_int64(st, 1, id);
        pd_stmt_bind_int64(st, 2, photos[i]);
        if (!pd_catalog_run(c, st, add ? "adding to a lightbox" : "taking from a lightbox", error))
            return FALSE;
        *changed += (guint)pd_catalog_changes(c);
    }
    return TRUE;
}

gboolean
pd_catalog_lightbox_put(PdCatalog *c, gint64 id, const gint64 *photos, guint n, gboolean add,
                        const char *by_user, guint *changed, GError **error)
{
    guint count = 0;
    gboolean ok =
        pd_catalog_begin(c, error) &&
        pd_catalog_finish(c, put_in(c, id, photos, n, add, by_user, &count, error), error);
    if (changed)
        *changed = ok ? count : 0;
    return ok;
}

GArray *
pd_catalog_lightbox_photos(PdCatalog *c, gint64 id, GError **error)
{
    g_autoptr(PdCatalogLightbox) l = pd_catalog_get_lightbox(c, id, error);
    if (l == NULL)
        return NULL;
    PdStmt *st = pd_catalog_statement(
        c, "SELECT photo_id FROM lightbox_photos WHERE lightbox_id = ?1 ORDER BY id", error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    return pd_catalog_ids_of(c, st, "listing a lightbox", error);
}

/* ---------------------------------------------------------------- saved searches */

void
pd_catalog_saved_search_free(PdCatalogSavedSearch *s)
{
    if (s == NULL)
        return;
    g_free(s->name);
    g_free(s->query);
    g_free(s->created_by);
    g_free(s->created_at);
    g_free(s);
}

#define SEARCH_SELECT "SELECT id, name, query, created_by, created_at FROM saved_searches"

static PdCatalogSavedSearch *
read_search(PdStmt *st)
{
    PdCatalogSavedSearch *s = g_new0(PdCatalogSavedSearch, 1);
    s->id = pd_stmt_int64(st, 0);
    s->name = pd_catalog_text(st, 1);
    s->query = pd_catalog_text(st, 2);
    s->created_by = pd_catalog_text(st, 3);
    s->created_at = pd_catalog_text(st, 4);
    return s;
}

GPtrArray *
pd_catalog_list_saved_searches(PdCatalog *c, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, SEARCH_SELECT " ORDER BY name", error);
    return st ? pd_catalog_rows_of(c, st, (PdCatalogReadRow)read_search,
                                   (GDestroyNotify)pd_catalog_saved_search_free,
                                   "listing saved searches", error)
              : NULL;
}

PdCatalogSavedSearch *
pd_catalog_get_saved_search(PdCatalog *c, gint64 id, const char *name, GError **error)
{
    return one_row(c, SEARCH_SELECT, id, name, (PdCatalogReadRow)read_search, "saved search",
                   error);
}

gint64
pd_catalog_save_search(PdCatalog *c, const char *name, const char *query, gboolean replace,
                       const char *by_user, GError **error)
{
    if (!check_name("saved search", name, error) ||
        !pd_catalog_check_text("the saved search's query", query, PD_SAVED_QUERY_MAX, FALSE, error))
        return 0;
    /* the name is unique whatever its case: on SQLite by its NOCASE column, on
     * PostgreSQL by an index on lower(name) (pg.c), each its own conflict target */
    const char *sql = !replace ? "INSERT INTO saved_searches (name, query, created_by, created_at)"
                                 " VALUES (?1, ?2, ?3, ?4) RETURNING id"
                      : pd_catalog_on_pg(c)
                          ? "INSERT INTO saved_searches (name, query, created_by, created_at)"
                            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (lower(name)) DO UPDATE SET"
                            " query = ?2, created_by = ?3, created_at = ?4 RETURNING id"
                          : "INSERT INTO saved_searches (name, query, created_by, created_at)"
                            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET query = ?2,"
                            " created_by = ?3, created_at = ?4 RETURNING id";
    PdStmt *st = pd_catalog_statement(c, sql, error);
    if (st == NULL)
        return 0;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, name);
    pd_stmt_bind_text(st, 2, query ? query : "");
    pd_stmt_bind_text(st, 3, by_user ? by_user : "");
    pd_stmt_bind_text(st, 4, now);
    gint64 id = 0;
    int r = pd_catalog_insert(st, &id);
    if (r != PD_DONE) {
        name_taken(c, r, "saved search", name, error);
        return 0;
    }
    return id;
}

gboolean
pd_catalog_remove_saved_search(PdCatalog *c, gint64 id, GError **error)
{
    return change_row(c, "DELETE FROM saved_searches WHERE id = ?1", id, NULL, "saved search",
                      error);
}

/* ---------------------------------------------------------------- batch edits */

void
pd_catalog_batch_free(PdCatalogBatch *b)
{
    if (b == NULL)
        return;
    g_free(b->edits);
    g_free(b->by_user);
    g_free(b->at);
    g_free(b->undone_by);
    g_free(b->undone_at);
    g_clear_pointer(&b->photos, g_array_unref);
    g_free(b);
}

gint64
pd_catalog_add_batch(PdCatalog *c, const char *edits, const char *by_user, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "INSERT INTO batches (edits, by_user, at) VALUES (?1, ?2, ?3) RETURNING id", error);
    if (st == NULL)
        return 0;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, edits);
    pd_stmt_bind_text(st, 2, by_user ? by_user : "");
    pd_stmt_bind_text(st, 3, now);
    gint64 id = 0;
    if (pd_catalog_insert(st, &id) != PD_DONE)
        pd_catalog_fail(c, error, "recording a batch");
    return id;
}

gboolean
pd_catalog_add_batch_photo(PdCatalog *c, gint64 batch, gint64 photo, int before, int after,
                           GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "INSERT INTO batch_photos (batch_id, photo_id,"
                                      " version_before, version_after) VALUES (?1, ?2, ?3, ?4)",
                                      error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, batch);
    pd_stmt_bind_int64(st, 2, photo);
    pd_stmt_bind_int(st, 3, before);
    pd_stmt_bind_int(st, 4, after);
    return pd_catalog_run(c, st, "recording a batch's photo", error);
}

static PdCatalogBatch *
read_batch(PdStmt *st)
{
    PdCatalogBatch *b = g_new0(PdCatalogBatch, 1);
    b->id = pd_stmt_int64(st, 0);
    b->edits = pd_catalog_text(st, 1);
    b->by_user = pd_catalog_text(st, 2);
    b->at = pd_catalog_text(st, 3);
    b->undone_by = pd_catalog_text(st, 4);
    b->undone_at = pd_catalog_text(st, 5);
    return b;
}

PdCatalogBatch *
pd_catalog_get_batch(PdCatalog *c, gint64 id, GError **error)
{
    PdCatalogBatch *b =
        one_row(c, "SELECT id, edits, by_user, at, undone_by, undone_at FROM batches", id, NULL,
                (PdCatalogReadRow)read_batch, "batch", error);
    if (b == NULL)
        return NULL;
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT photo_id, version_before, version_after FROM"
                                      " batch_photos WHERE batch_id = ?1 ORDER BY photo_id",
                                      error);
    if (st == NULL) {
        pd_catalog_batch_free(b);
        return NULL;
    }
    pd_stmt_bind_int64(st, 1, id);
    b->photos = g_array_new(FALSE, FALSE, sizeof(PdCatalogBatchPhoto));
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdCatalogBatchPhoto bp = {pd_stmt_int64(st, 0), pd_stmt_int(st, 1), pd_stmt_int(st, 2)};
        g_array_append_val(b->photos, bp);
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        pd_catalog_batch_free(b);
        pd_catalog_fail(c, error, "reading a batch");
        return NULL;
    }
    return b;
}

gboolean
pd_catalog_batch_undone(PdCatalog *c, gint64 id, const char *by_user, GError **error)
{
    g_autofree char *now = pd_catalog_now();
    PdStmt *st = pd_catalog_statement(
        c, "UPDATE batches SET undone_by = ?2, undone_at = ?3 WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_text(st, 2, by_user ? by_user : "");
    pd_stmt_bind_text(st, 3, now);
    return pd_catalog_run(c, st, "undoing a batch", error);
}
