/* picks.c: the desk's picks: a star rating and a colour label per photo, set by editors
 * and kept apart from the photo's row, so that nothing the wire sends touches them;
 * every change is kept with who made it and when. */
#include "catalog/catalog-private.h"

#include <string.h>

static const char *const labels[] = {PD_PICK_LABELS};

gboolean
pd_catalog_pick_label_valid(const char *label)
{
    for (gsize i = 0; label && i < G_N_ELEMENTS(labels); i++)
        if (strcmp(label, labels[i]) == 0)
            return TRUE;
    return FALSE;
}

void
pd_catalog_pick_free(PdCatalogPick *p)
{
    if (p == NULL)
        return;
    g_free(p->label);
    g_free(p->by_user);
    g_free(p->at);
    g_free(p);
}

static PdCatalogPick *
read_pick(PdStmt *st)
{
    PdCatalogPick *p = g_new0(PdCatalogPick, 1);
    p->photo_id = pd_stmt_int64(st, 0);
    p->rating = pd_stmt_int(st, 1);
    p->label = pd_catalog_text(st, 2);
    p->by_user = pd_catalog_text(st, 3);
    p->at = pd_catalog_text(st, 4);
    return p;
}

PdCatalogPick *
pd_catalog_get_pick(PdCatalog *c, gint64 id, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "SELECT p.id, coalesce(k.rating, 0), k.label, k.by_user, k.at"
        " FROM photos p LEFT JOIN picks k ON k.photo_id = p.id WHERE p.id = ?1",
        error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    int r = pd_stmt_step(st);
    PdCatalogPick *p = r == PD_ROW ? read_pick(st) : NULL;
    pd_stmt_reset(st);
    if (r == PD_DONE)
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "no photo %" G_GINT64_FORMAT, id);
    else if (r != PD_ROW)
        pd_catalog_fail(c, error, "reading a pick");
    return p;
}

static gboolean
set_in(PdCatalog *c, gint64 id, int rating, const char *label, const char *by_user, GError **error)
{
    g_autoptr(PdCatalogPick) old = pd_catalog_get_pick(c, id, error);
    if (old == NULL)
        return FALSE;
    int new_rating = rating < 0 ? old->rating : rating;
    const char *new_label = label == NULL ? old->label : *label ? label : NULL;
    if (new_rating == old->rating && g_strcmp0(new_label, old->label) == 0)
        return TRUE; /* nothing changes: nothing recorded */
    g_autofree char *now = pd_catalog_now();
    PdStmt *set = pd_catalog_statement(
        c,
        "INSERT INTO picks (photo_id, rating, label, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (photo_id) DO UPDATE SET rating = ?2, label = ?3, by_user = ?4, at = ?5",
        error);
    PdStmt *log = set ? pd_catalog_statement(c,
                                             "INSERT INTO pick_history (photo_id, rating,"
                                             " label, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                             error)
                      : NULL;
    if (log == NULL)
        return FALSE;
    PdStmt *both[] = {set, log};
    for (gsize i = 0; i < G_N_ELEMENTS(both); i++) {
        pd_stmt_bind_int64(both[i], 1, id);
        pd_stmt_bind_int(both[i], 2, new_rating);
        pd_stmt_bind_text(both[i], 3, new_label);
        pd_stmt_bind_text(both[i], 4, by_user ? by_user : "");
        pd_stmt_bind_text(both[i], 5, now);
        if (!pd_catalog_run(c, both[i], "setting a pick", error))
            return FALSE;
    }
    return TRUE;
}

PdCatalogPick *
pd_catalog_set_pick(PdCatalog *c, gint64 id, int rating, const char *label, const char *by_user,
                    GError **error)
{
    if (rating < -1 || rating > 5) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID,
                    "rating: 0 to 5 stars, not %d", rating);
        return NULL;
    }
    if (label && *label && !pd_catalog_pick_label_valid(label)) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID,
                    "label: red, yellow, green, blue or purple (or none), not \"%s\"", label);
        return NULL;
    }
    if (!pd_catalog_begin(c, error))
        return NULL;
    if (!pd_catalog_finish(c, set_in(c, id, rating, label, by_user, error), error))
        return NULL;
    return pd_catalog_get_pick(c, id, error);
}

GPtrArray *
pd_catalog_pick_history(PdCatalog *c, gint64 id, GError **error)
{
    g_autoptr(PdCatalogPick) exists = pd_catalog_get_pick(c, id, error);
    if (exists == NULL)
        return NULL;
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT photo_id, rating, label, by_user, at FROM"
                                      " pick_history WHERE photo_id = ?1 ORDER BY id DESC",
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_pick_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW)
        g_ptr_array_add(out, read_pick(st));
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(out);
        pd_catalog_fail(c, error, "reading a pick's history");
        return NULL;
    }
    return out;
}
