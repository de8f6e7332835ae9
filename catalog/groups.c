/* groups.c: photos that show the same photograph (a pool frame sent by several
 * agencies), kept as a group of their own photos; and the desk's settings.
 *
 * Which photos are the same photograph is decided in ingest/ (resend.c); here they are
 * found (by the perceptual hash, among the photos taken about the same day) and joined. A
 * group is named by its smallest photo id; joining two groups renames the larger. */
#include "catalog/catalog-private.h"

#include <string.h>

#define SIMILAR_MAX  20
#define UNDATED_SCAN 5000

typedef struct {
    gint64 id;
    int distance;
} Near;

static gint
by_distance(gconstpointer a, gconstpointer b)
{
    const Near *x = a, *y = b;
    return x->distance != y->distance ? x->distance - y->distance : (x->id < y->id ? 1 : -1);
}

GPtrArray *
pd_catalog_find_similar(PdCatalog *c, const char *date_local, guint64 dhash, int max_distance,
                        int days, gint64 exclude_id, GError **error)
{
    PdStmt *st;
    if (date_local && strlen(date_local) >= 10) {
        gint64 day = pd_catalog_date_day(date_local, FALSE);
        st = pd_catalog_statement(c,
                                  "SELECT id, dhash FROM photos WHERE date_key BETWEEN ?1 AND ?2"
                                  " AND dhash IS NOT NULL AND id <> ?3",
                                  error);
        if (st == NULL)
            return NULL;
        pd_stmt_bind_int64(st, 1, (day - days) << PD_DAY_SHIFT);
        pd_stmt_bind_int64(st, 2, ((day + days + 1) << PD_DAY_SHIFT) - 1);
    } else {
        st = pd_catalog_statement(c,
                                  "SELECT id, dhash FROM photos WHERE dhash IS NOT NULL"
                                  " AND id <> ?3 AND id > (SELECT max(id) FROM photos) - ?4",
                                  error);
        if (st == NULL)
            return NULL;
        pd_stmt_bind_int(st, 4, UNDATED_SCAN);
    }
    pd_stmt_bind_int64(st, 3, exclude_id);
    GArray *near = g_array_new(FALSE, FALSE, sizeof(Near));
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        guint64 other = (guint64)pd_stmt_int64(st, 1);
        int d = __builtin_popcountll(other ^ dhash);
        if (d <= max_distance) {
            Near n = {pd_stmt_int64(st, 0), d};
            g_array_append_val(near, n);
        }
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_array_unref(near);
        pd_catalog_fail(c, error, "finding similar photos");
        return NULL;
    }
    g_array_sort(near, by_distance);
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < near->len; i++)
        g_array_append_val(ids, g_array_index(near, Near, i).id);
    g_array_unref(near);
    return pd_catalog_photos_of(c, ids, SIMILAR_MAX, error);
}

gboolean
pd_catalog_photo_group(PdCatalog *c, gint64 id, gint64 *group_id, GError **error)
{
    PdStmt *st =
        pd_catalog_statement(c, "SELECT coalesce(group_id, 0) FROM photos WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, id);
    int r = pd_stmt_step(st);
    *group_id = r == PD_ROW ? pd_stmt_int64(st, 0) : 0;
    pd_stmt_reset(st);
    return r == PD_ROW || r == PD_DONE || pd_catalog_fail(c, error, "reading a group");
}

gboolean
pd_catalog_join_group(PdCatalog *c, gint64 photo_id, GArray *same, gint64 *group_id, GError **error)
{
    /* every photo involved, and every group they are in: the group is the smallest id */
    g_autoptr(GArray) groups = g_array_new(FALSE, FALSE, sizeof(gint64));
    gint64 name = photo_id;
    for (guint i = 0; i <= same->len; i++) {
        gint64 id = i < same->len ? g_array_index(same, gint64, i) : photo_id;
        gint64 g = 0;
        if (!pd_catalog_photo_group(c, id, &g, error))
            return FALSE;
        name = MIN(name, id);
        if (g) {
            name = MIN(name, g);
            g_array_append_val(groups, g);
        }
    }
    PdStmt *by_id = pd_catalog_statement(c, "UPDATE photos SET group_id = ?1 WHERE id = ?2", error);
    if (by_id == NULL)
        return FALSE;
    for (guint i = 0; i <= same->len; i++) {
        pd_stmt_bind_int64(by_id, 1, name);
        pd_stmt_bind_int64(by_id, 2, i < same->len ? g_array_index(same, gint64, i) : photo_id);
        if (!pd_catalog_run(c, by_id, "joining a group", error))
            return FALSE;
    }
    PdStmt *by_group =
        pd_catalog_statement(c, "UPDATE photos SET group_id = ?1 WHERE group_id = ?2", error);
    if (by_group == NULL)
        return FALSE;
    for (guint i = 0; i < groups->len; i++) {
        gint64 g = g_array_index(groups, gint64, i);
        if (g == name)
            continue;
        pd_stmt_bind_int64(by_group, 1, name);
        pd_stmt_bind_int64(by_group, 2, g);
        if (!pd_catalog_run(c, by_group, "joining two groups", error))
            return FALSE;
    }
    *group_id = name;
    return TRUE;
}

GPtrArray *
pd_catalog_group_members(PdCatalog *c, gint64 group_id, GError **error)
{
    if (group_id == 0)
        return g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_photo_free);
    PdStmt *st =
        pd_catalog_statement(c, "SELECT id FROM photos WHERE group_id = ?1 ORDER BY id", error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, group_id);
    g_autoptr(GArray) ids = pd_catalog_ids_of(c, st, "reading a group", error);
    return ids ? pd_catalog_photos_of(c, ids, ids->len, error) : NULL;
}

/* ---------------------------------------------------------------- settings */

char *
pd_catalog_get_setting(PdCatalog *c, const char *key, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "SELECT value FROM settings WHERE key = ?1", error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_text(st, 1, key);
    int r = pd_stmt_step(st);
    char *value = r == PD_ROW ? pd_catalog_text(st, 0) : NULL;
    pd_stmt_reset(st);
    if (r != PD_ROW && r != PD_DONE)
        pd_catalog_fail(c, error, "reading a setting");
    return value;
}

gboolean
pd_catalog_set_setting(PdCatalog *c, const char *key, const char *json, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "INSERT INTO settings (key, value) VALUES (?1, ?2)"
                                      " ON CONFLICT (key) DO UPDATE SET value = ?2",
                                      error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, key);
    pd_stmt_bind_text(st, 2, json);
    return pd_catalog_run(c, st, "writing a setting", error);
}
