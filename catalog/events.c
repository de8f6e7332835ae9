/* events.c: what changed, for whoever follows the catalog (the live page), and what the
 * hot folders took.
 *
 * The events themselves are written by triggers (schema.c, migration 7) in the
 * transaction of each change; this file only reads them. A hot folder's file is
 * remembered by the ingest queue's writer in the transaction of its photo. */
#include "catalog/catalog-private.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <string.h>

static const char *const kind_names[] = {
    [PD_EVENT_PHOTO] = "photo", [PD_EVENT_VERSION] = "version",   [PD_EVENT_ARTICLE] = "article",
    [PD_EVENT_PICK] = "pick",   [PD_EVENT_LIGHTBOX] = "lightbox",
};

const char *
pd_event_kind_name(PdEventKind kind)
{
    return (guint)kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "unknown";
}

void
pd_catalog_event_free(PdCatalogEvent *e)
{
    if (e == NULL)
        return;
    g_free(e->at);
    g_free(e);
}

GPtrArray *
pd_catalog_events_after(PdCatalog *c, gint64 after, int limit, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "SELECT id, at, kind, coalesce(photo_id, 0), coalesce(article_id, 0),"
        " coalesce(version, 0), kill, coalesce(lightbox_id, 0) FROM events WHERE id > ?1"
        " ORDER BY id LIMIT ?2",
        error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, after);
    pd_stmt_bind_int(st, 2, limit);
    GPtrArray *events = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_event_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdCatalogEvent *e = g_new0(PdCatalogEvent, 1);
        e->id = pd_stmt_int64(st, 0);
        e->at = pd_catalog_text(st, 1);
        const char *kind = pd_stmt_text(st, 2);
        e->kind = PD_EVENT_ARTICLE;
        for (guint i = 0; kind && i < G_N_ELEMENTS(kind_names); i++)
            if (strcmp(kind, kind_names[i]) == 0)
                e->kind = (PdEventKind)i;
        e->photo_id = pd_stmt_int64(st, 3);
        e->article_id = pd_stmt_int64(st, 4);
        e->version = pd_stmt_int(st, 5);
        e->kill = pd_stmt_int(st, 6) != 0;
        e->lightbox_id = pd_stmt_int64(st, 7);
        g_ptr_array_add(events, e);
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(events);
        pd_catalog_fail(c, error, "reading events");
        return NULL;
    }
    return events;
}

gboolean
pd_catalog_event_range(PdCatalog *c, gint64 *oldest, gint64 *newest, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM events", error);
    if (st == NULL)
        return FALSE;
    int r = pd_stmt_step(st);
    if (r == PD_ROW) {
        *oldest = pd_stmt_int64(st, 0);
        *newest = pd_stmt_int64(st, 1);
    }
    pd_stmt_reset(st);
    return r == PD_ROW || pd_catalog_fail(c, error, "reading events");
}

int
pd_catalog_wait_for_events(PdCatalog *c, int timeout_ms, GPtrArray *ended)
{
    if (!pd_catalog_on_pg(c))
        return 0;
    if (!c->listening) {
        if (PQstatus(c->pg) != CONNECTION_OK && !pd_catalog_pg_reconnect(c))
            return -1;
        if (!pd_catalog_exec(c, PD_CATALOG_LISTEN, NULL))
            return -1;
        c->listening = TRUE;
    }
    gint64 until = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    for (;;) {
        if (!PQconsumeInput(c->pg))
            return -1;
        gboolean came = FALSE;
        PGnotify *n;
        while ((n = PQnotifies(c->pg)) != NULL) {
            came = TRUE;
            if (ended && strcmp(n->relname, "photodesk_sessions") == 0)
                g_ptr_array_add(ended, g_strdup(n->extra));
            PQfreemem(n);
        }
        if (came)
            return 1;
        gint64 left = (until - g_get_monotonic_time()) / 1000;
        if (left <= 0)
            return 0;
        struct pollfd p = {PQsocket(c->pg), POLLIN, 0};
        if (p.fd < 0 || (poll(&p, 1, (int)left) < 0 && errno != EINTR))
            return -1;
    }
}

/* ---------------------------------------------------------------- hot folders */

void
pd_catalog_hot_file_free(PdCatalogHotFile *f)
{
    if (f == NULL)
        return;
    g_free(f->path);
    g_free(f->outcome);
    g_free(f->reason);
    g_free(f->at);
    g_free(f);
}

gboolean
pd_catalog_remember_file(PdCatalog *c, const PdCatalogHotFile *f, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "INSERT INTO hot_files (path, size, mtime_ns, outcome, photo_id, reason, at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (path) DO UPDATE SET size = ?2,"
        " mtime_ns = ?3, outcome = ?4, photo_id = ?5, reason = ?6, at = ?7",
        error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, f->path);
    pd_stmt_bind_int64(st, 2, f->size);
    pd_stmt_bind_int64(st, 3, f->mtime_ns);
    pd_stmt_bind_text(st, 4, f->outcome);
    if (f->photo_id)
        pd_stmt_bind_int64(st, 5, f->photo_id);
    pd_stmt_bind_text(st, 6, f->reason);
    pd_stmt_bind_text(st, 7, f->at ? f->at : now);
    return pd_catalog_run(c, st, "remembering a hot folder's file", error);
}

PdCatalogHotFile *
pd_catalog_get_hot_file(PdCatalog *c, const char *path, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "SELECT path, size, mtime_ns, outcome, coalesce(photo_id, 0), reason, at"
        " FROM hot_files WHERE path = ?1",
        error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_text(st, 1, path);
    int r = pd_stmt_step(st);
    PdCatalogHotFile *f = NULL;
    if (r == PD_ROW) {
        f = g_new0(PdCatalogHotFile, 1);
        f->path = pd_catalog_text(st, 0);
        f->size = pd_stmt_int64(st, 1);
        f->mtime_ns = pd_stmt_int64(st, 2);
        f->outcome = pd_catalog_text(st, 3);
        f->photo_id = pd_stmt_int64(st, 4);
        f->reason = pd_catalog_text(st, 5);
        f->at = pd_catalog_text(st, 6);
    }
    pd_stmt_reset(st);
    if (r != PD_ROW && r != PD_DONE)
        pd_catalog_fail(c, error, "reading a hot folder's file");
    return f;
}

/* ---------------------------------------------------------------- what an editor saw */

gboolean
pd_catalog_set_seen_photo(PdCatalog *c, gint64 user_id, gint64 photo_id, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "UPDATE users SET seen_photo_id = ?2 WHERE id = ?1 AND seen_photo_id < ?2", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, user_id);
    pd_stmt_bind_int64(st, 2, photo_id);
    return pd_catalog_run(c, st, "recording what an editor saw", error);
}

gboolean
pd_catalog_newest_photo_id(PdCatalog *c, gint64 *id, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "SELECT coalesce(max(id), 0) FROM photos", error);
    if (st == NULL)
        return FALSE;
    int r = pd_stmt_step(st);
    if (r == PD_ROW)
        *id = pd_stmt_int64(st, 0);
    pd_stmt_reset(st);
    return r == PD_ROW || pd_catalog_fail(c, error, "reading the newest photo");
}
