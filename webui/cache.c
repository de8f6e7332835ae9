/* cache.c: what every request asks the catalog, kept in memory for a few seconds:
 * sessions (by token hash) and where photos' files are (by id and name). A thumbnail
 * then costs no query at all.
 *
 * A session ended here (logout) leaves the cache at once; one ended from elsewhere
 * (a new password on the command line, another server) is noticed within
 * CACHE_SECONDS on SQLite, and at once on PostgreSQL, which tells every server
 * (webui/events.c). A file location is trusted only while the request's ?v= (the
 * SHA-256 in the URLs the API gives) agrees with it, so a re-sent photo's new files are
 * never answered with the old ones.
 */
#include "webui/webui-private.h"

#include <string.h>

#define CACHE_SECONDS 10
#define CACHE_MOST    20000 /* entries of each kind; past that the cache starts again */

typedef struct {
    PdCatalogSession session;
    gint64 checked; /* monotonic microseconds */
    gint64 ends;    /* the session's end, on the same clock */
} CachedSession;

typedef struct {
    PdFile file;
    gint64 checked;
} CachedFile;

struct PdCache {
    PdStore *store; /* the server's, where the files are */
    GMutex lock;
    GHashTable *sessions; /* token hash -> CachedSession */
    GHashTable *files;    /* "ID/NAME/WANT" -> CachedFile */
};

static void
cached_session_free(gpointer p)
{
    CachedSession *c = p;
    g_free(c->session.user);
    g_free(c->session.role);
    g_free(c->session.csrf_hash);
    g_free(c->session.expires_at);
    g_free(c);
}

static void
cached_file_free(gpointer p)
{
    CachedFile *c = p;
    pd_file_clear(&c->file);
    g_free(c);
}

PdCache *
pd_cache_new(PdStore *store)
{
    PdCache *c = g_new0(PdCache, 1);
    c->store = store;
    g_mutex_init(&c->lock);
    c->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_session_free);
    c->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_file_free);
    return c;
}

void
pd_cache_free(PdCache *c)
{
    if (c == NULL)
        return;
    g_hash_table_unref(c->sessions);
    g_hash_table_unref(c->files);
    g_mutex_clear(&c->lock);
    g_free(c);
}

static PdCatalogSession *
copy_session(const PdCatalogSession *s)
{
    PdCatalogSession *c = g_new0(PdCatalogSession, 1);
    c->user_id = s->user_id;
    c->user = g_strdup(s->user);
    c->role = g_strdup(s->role);
    c->csrf_hash = g_strdup(s->csrf_hash);
    c->expires_at = g_strdup(s->expires_at);
    return c;
}

PdCatalogSession *
pd_cache_session(PdCache *cache, PdCatalog *catalog, const char *token_hash)
{
    gint64 now = g_get_monotonic_time();
    PdCatalogSession *found = NULL;
    g_mutex_lock(&cache->lock);
    CachedSession *c = g_hash_table_lookup(cache->sessions, token_hash);
    if (c && now - c->checked < CACHE_SECONDS * G_USEC_PER_SEC && now < c->ends)
        found = copy_session(&c->session);
    g_mutex_unlock(&cache->lock);
    if (found)
        return found;
    PdCatalogSession *s = pd_catalog_get_session(catalog, token_hash, NULL);
    if (s == NULL)
        return NULL;
    CachedSession *fresh = g_new0(CachedSession, 1);
    PdCatalogSession *copy = copy_session(s);
    fresh->session = *copy;
    g_free(copy);
    fresh->checked = now;
    g_autoptr(GDateTime) end = g_date_time_new_from_iso8601(s->expires_at, NULL);
    g_autoptr(GDateTime) utc = g_date_time_new_now_utc();
    fresh->ends = end ? now + g_date_time_difference(end, utc) : now;
    g_mutex_lock(&cache->lock);
    if (g_hash_table_size(cache->sessions) >= CACHE_MOST)
        g_hash_table_remove_all(cache->sessions);
    g_hash_table_replace(cache->sessions, g_strdup(token_hash), fresh);
    g_mutex_unlock(&cache->lock);
    return s;
}

void
pd_cache_forget_session(PdCache *cache, const char *token_hash)
{
    g_mutex_lock(&cache->lock);
    g_hash_table_remove(cache->sessions, token_hash);
    g_mutex_unlock(&cache->lock);
}

void
pd_cache_forget_sessions(PdCache *cache)
{
    g_mutex_lock(&cache->lock);
    g_hash_table_remove_all(cache->sessions);
    g_mutex_unlock(&cache->lock);
}

gboolean
pd_cache_file(PdCache *cache, PdCatalog *catalog, gint64 id, const char *name, const char *want,
              PdFile *out, GError **error)
{
    /* by what was asked: a past picture's rendition is not the current one */
    g_autofree char *key =
        g_strdup_printf("%" G_GINT64_FORMAT "/%s/%s", id, name, want ? want : "");
    gint64 now = g_get_monotonic_time();
    gboolean hit = FALSE;
    g_mutex_lock(&cache->lock);
    CachedFile *c = g_hash_table_lookup(cache->files, key);
    if (c && now - c->checked < CACHE_SECONDS * G_USEC_PER_SEC &&
        (want == NULL || strcmp(want, c->file.sha256) == 0)) {
        out->sha256 = g_strdup(c->file.sha256);
        out->path = g_strdup(c->file.path);
        out->etag = g_strdup(c->file.etag);
        out->type = c->file.type;
        out->ext = g_strdup(c->file.ext);
        hit = TRUE;
    }
    g_mutex_unlock(&cache->lock);
    if (hit)
        return TRUE;
    g_autofree char *format = NULL;
    if (!pd_catalog_get_file(catalog, id, name, want, &out->sha256, &out->ext, &format, error))
        return FALSE;
    gboolean original = strcmp(name, "original") == 0;
    out->path = original ? pd_store_original_path(cache->store, out->sha256, out->ext)
                         : pd_store_rendition_path(cache->store, name, out->sha256);
    out->etag = original ? g_strdup_printf("\"%s\"", out->sha256)
                         : g_strdup_printf("\"%s-%s\"", out->sha256, name);
    out->type = pd_content_type(format);
    CachedFile *fresh = g_new0(CachedFile, 1);
    fresh->file.sha256 = g_strdup(out->sha256);
    fresh->file.path = g_strdup(out->path);
    fresh->file.etag = g_strdup(out->etag);
    fresh->file.type = out->type;
    fresh->file.ext = g_strdup(out->ext);
    fresh->checked = now;
    g_mutex_lock(&cache->lock);
    if (g_hash_table_size(cache->files) >= CACHE_MOST)
        g_hash_table_remove_all(cache->files);
    g_hash_table_replace(cache->files, g_steal_pointer(&key), fresh);
    g_mutex_unlock(&cache->lock);
    return TRUE;
}

void
pd_file_clear(PdFile *f)
{
    g_free(f->sha256);
    g_free(f->path);
    g_free(f->etag);
    g_free(f->ext);
}
