/* events.c: GET /api/events, the catalog's events as Server-Sent Events.
 *
 * The catalog records an event in the transaction of each change (catalog/events.c), so
 * whatever process made it (this server, another server on the same PostgreSQL, a CLI
 * ingest, a watch), it is seen here once it is committed. One thread follows the catalog
 * (on SQLite a look every PD_EVENTS_POLL_MS, an indexed read of what is newer; on
 * PostgreSQL a look when a commit notifies it, and every PD_EVENTS_LOOK_MS in case a
 * notification was lost with a connection) and keeps the latest events in memory; each client's
 * stream sends what it has not had, then waits suspended (no thread, no timeout) until
 * there is more or a heartbeat is due.
 *
 *   id: 42
 *   event: version
 *   data: {"id": 42, "type": "version", "photo_id": 7, "version": 3, "kill": true, ...}
 *
 * A client reconnecting with Last-Event-ID (EventSource does it by itself) gets what it
 * missed; one that missed more than is kept gets "event: reset" and reloads. A new client
 * gets "event: ready" with the newest id, then what follows. */
#include "webui/webui-private.h"

#include <string.h>

#define PD_EVENTS_POLL_MS       200
#define PD_EVENTS_LOOK_MS       5000
#define PD_EVENTS_KEPT          10000 /* in memory, for clients that reconnect */
#define PD_EVENTS_HEARTBEAT_SEC 15

typedef struct {
    gint64 id;
    char *text; /* the whole SSE message */
} Message;

typedef struct {
    PdEventHub *hub;
    struct MHD_Connection *connection;
    gint64 last;      /* the last event id sent */
    GString *out;     /* bytes to send */
    gboolean waiting; /* suspended until there is more */
    gint64 beat_at;   /* monotonic µs: the next heartbeat */
    gboolean ended;
} Client;

struct PdEventHub {
    GMutex lock;
    GCond wake;
    char *catalog_path;
    GQueue messages;     /* of Message *, oldest first */
    gint64 first_id;     /* the oldest id a client can be given (the events before are gone) */
    gint64 newest;       /* the newest event id seen */
    GHashTable *clients; /* Client * (a set) */
    GThread *thread;
    gboolean stopping;
    PdCache *cache; /* the server's: sessions ended elsewhere are forgotten there */
};

static void
message_free(Message *m)
{
    g_free(m->text);
    g_free(m);
}

static char *
event_message(const PdCatalogEvent *e)
{
    GString *data = g_string_new("{");
    g_string_append_printf(data, "\"id\": %" G_GINT64_FORMAT, e->id);
    pd_json_string(data, "type", pd_event_kind_name(e->kind));
    pd_json_string(data, "at", e->at);
    if (e->photo_id)
        g_string_append_printf(data, ", \"photo_id\": %" G_GINT64_FORMAT, e->photo_id);
    if (e->article_id)
        g_string_append_printf(data, ", \"article_id\": %" G_GINT64_FORMAT, e->article_id);
    if (e->lightbox_id)
        g_string_append_printf(data, ", \"lightbox_id\": %" G_GINT64_FORMAT, e->lightbox_id);
    pd_json_int(data, "version", e->version, e->version > 0);
    pd_json_bool(data, "kill", e->kill);
    g_string_append_c(data, '}');
    char *text = g_strdup_printf("id: %" G_GINT64_FORMAT "\nevent: %s\ndata: %s\n\n", e->id,
                                 pd_event_kind_name(e->kind), data->str);
    g_string_free(data, TRUE);
    return text;
}

/* Wakes every waiting client (under the lock). */
static void
wake_clients(PdEventHub *hub, gboolean all)
{
    gint64 now = g_get_monotonic_time();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, hub->clients);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        Client *c = key;
        if (!c->waiting)
            continue;
        if (all || c->last < hub->newest || now >= c->beat_at) {
            c->waiting = FALSE;
            MHD_resume_connection(c->connection);
        }
    }
}

/* Reads what is newer than what the hub has (under the lock). */
static void
follow(PdEventHub *hub, PdCatalog *catalog)
{
    g_autoptr(GError) error = NULL;
    for (;;) {
        g_autoptr(GPtrArray) events = pd_catalog_events_after(catalog, hub->newest, 1000, &error);
        if (events == NULL || events->len == 0)
            return;
        for (guint i = 0; i < events->len; i++) {
            const PdCatalogEvent *e = g_ptr_array_index(events, i);
            Message *m = g_new0(Message, 1);
            m->id = e->id;
            m->text = event_message(e);
            g_queue_push_tail(&hub->messages, m);
            hub->newest = e->id;
        }
        while (hub->messages.length > PD_EVENTS_KEPT) {
            message_free(g_queue_pop_head(&hub->messages));
            hub->first_id = ((Message *)g_queue_peek_head(&hub->messages))->id;
        }
        if (events->len < 1000)
            return;
    }
}

static gpointer
run(gpointer data)
{
    PdEventHub *hub = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_catalog_open(hub->catalog_path, PD_CATALOG_READ_ONLY, &error);
    if (catalog == NULL)
        g_printerr("photodesk serve: events: %s\n", error->message);
    g_mutex_lock(&hub->lock);
    gint64 looked = 0;
    gboolean told = FALSE;
    while (!hub->stopping) {
        gint64 now = g_get_monotonic_time();
        if (catalog && (told || now - looked >= PD_EVENTS_LOOK_MS * 1000 ||
                        !pd_catalog_is_url(hub->catalog_path))) {
            follow(hub, catalog);
            looked = now;
        }
        wake_clients(hub, FALSE);
        if (catalog && pd_catalog_is_url(hub->catalog_path)) {
            /* waits for a commit's notification, the hub unlocked; stopping is seen
             * within PD_EVENTS_POLL_MS */
            g_mutex_unlock(&hub->lock);
            g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func(g_free);
            int r = pd_catalog_wait_for_events(catalog, PD_EVENTS_POLL_MS, ended);
            if (r < 0)
                g_usleep(PD_EVENTS_POLL_MS * 1000); /* made again at the next look */
            for (guint i = 0; hub->cache && i < ended->len; i++)
                pd_cache_forget_session(hub->cache, g_ptr_array_index(ended, i));
            g_mutex_lock(&hub->lock);
            told = r != 0;
            continue;
        }
        gint64 until = g_get_monotonic_time() + PD_EVENTS_POLL_MS * 1000;
        g_cond_wait_until(&hub->wake, &hub->lock, until);
    }
    wake_clients(hub, TRUE); /* each stream ends; the daemon can stop */
    g_mutex_unlock(&hub->lock);
    return NULL;
}

PdEventHub *
pd_event_hub_start(const char *catalog_path, PdCache *cache, GError **error)
{
    g_autoptr(PdCatalog) catalog = pd_catalog_open(catalog_path, PD_CATALOG_READ_ONLY, error);
    if (catalog == NULL)
        return NULL;
    PdEventHub *hub = g_new0(PdEventHub, 1);
    g_mutex_init(&hub->lock);
    g_cond_init(&hub->wake);
    hub->catalog_path = g_strdup(catalog_path);
    hub->cache = cache;
    g_queue_init(&hub->messages);
    hub->clients = g_hash_table_new(g_direct_hash, g_direct_equal);
    /* the last ones there are, for a client that reconnects across a restart */
    gint64 oldest = 0, newest = 0;
    if (!pd_catalog_event_range(catalog, &oldest, &newest, error)) {
        pd_event_hub_stop(hub);
        return NULL;
    }
    hub->newest = MAX(oldest - 1, newest - 1000);
    hub->newest = MAX(hub->newest, 0);
    hub->first_id = hub->newest + 1;
    follow(hub, catalog);
    hub->thread = g_thread_new("photodesk-events", run, hub);
    return hub;
}

void
pd_event_hub_close_streams(PdEventHub *hub)
{
    if (hub == NULL)
        return;
    g_mutex_lock(&hub->lock);
    hub->stopping = TRUE;
    g_cond_signal(&hub->wake);
    g_mutex_unlock(&hub->lock);
    if (hub->thread)
        g_thread_join(hub->thread);
    hub->thread = NULL;
}

void
pd_event_hub_stop(PdEventHub *hub)
{
    if (hub == NULL)
        return;
    pd_event_hub_close_streams(hub);
    g_queue_clear_full(&hub->messages, (GDestroyNotify)message_free);
    g_hash_table_unref(hub->clients);
    g_mutex_clear(&hub->lock);
    g_cond_clear(&hub->wake);
    g_free(hub->catalog_path);
    g_free(hub);
}

/* ---------------------------------------------------------------- one client */

/* What @c has not had (under the lock). */
static void
catch_up(PdEventHub *hub, Client *c)
{
    if (c->last + 1 < hub->first_id && c->last < hub->newest) {
        /* more was missed than is kept: the client starts again */
        g_string_append_printf(c->out, "id: %" G_GINT64_FORMAT "\nevent: reset\ndata: {}\n\n",
                               hub->newest);
        c->last = hub->newest;
        return;
    }
    /* back from the newest to the first the client has not had */
    GList *l = hub->messages.tail;
    while (l && l->prev && ((const Message *)l->prev->data)->id > c->last)
        l = l->prev;
    for (; l; l = l->next) {
        const Message *m = l->data;
        if (m->id <= c->last)
            continue;
        g_string_append(c->out, m->text);
        c->last = m->id;
    }
}

static ssize_t
read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    Client *c = cls;
    PdEventHub *hub = c->hub;
    g_mutex_lock(&hub->lock);
    if (c->out->len == 0 && !hub->stopping) {
        catch_up(hub, c);
        gint64 now = g_get_monotonic_time();
        if (c->out->len == 0 && now >= c->beat_at)
            g_string_append(c->out, ": still here\n\n");
        if (c->out->len)
            c->beat_at = now + (gint64)PD_EVENTS_HEARTBEAT_SEC * G_USEC_PER_SEC;
    }
    if (c->out->len == 0) {
        if (hub->stopping) {
            g_mutex_unlock(&hub->lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        /* nothing yet: wait, suspended, for the hub to wake us */
        c->waiting = TRUE;
        MHD_suspend_connection(c->connection);
        g_mutex_unlock(&hub->lock);
        return 0;
    }
    size_t n = MIN(max, c->out->len);
    memcpy(buf, c->out->str, n);
    g_string_erase(c->out, 0, (gssize)n);
    g_mutex_unlock(&hub->lock);
    return (ssize_t)n;
}

static void
end_stream(void *cls)
{
    Client *c = cls;
    PdEventHub *hub = c->hub;
    g_mutex_lock(&hub->lock);
    g_hash_table_remove(hub->clients, c);
    g_mutex_unlock(&hub->lock);
    g_string_free(c->out, TRUE);
    g_free(c);
}

/* GET /api/events[?after=ID]: the stream. Last-Event-ID (or ?after) is the last event
 * the client had. */
enum MHD_Result
pd_api_events(Request *r, const PdRouteParams *p)
{
    (void)p;
    PdEventHub *hub = r->server->events;
    if (hub == NULL)
        return pd_respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "events are not available");
    const char *last = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Last-Event-ID");
    if (last == NULL)
        last = MHD_lookup_connection_value(r->connection, MHD_GET_ARGUMENT_KIND, "after");
    gint64 after = -1;
    if (last) {
        char *end = NULL;
        after = g_ascii_strtoll(last, &end, 10);
        if (end == last || *end || after < 0)
            return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                    "Last-Event-ID must be an event id (a number)");
    }
    Client *c = g_new0(Client, 1);
    c->hub = hub;
    c->connection = r->connection;
    c->out = g_string_new(NULL);
    g_mutex_lock(&hub->lock);
    if (after < 0) {
        c->last = hub->newest;
        g_string_append_printf(c->out,
                               "retry: 2000\nid: %" G_GINT64_FORMAT "\nevent: ready\ndata: "
                               "{\"last\": %" G_GINT64_FORMAT "}\n\n",
                               hub->newest, hub->newest);
    } else {
        c->last = MIN(after, hub->newest);
        g_string_append(c->out, "retry: 2000\n\n");
    }
    c->beat_at = g_get_monotonic_time() + (gint64)PD_EVENTS_HEARTBEAT_SEC * G_USEC_PER_SEC;
    g_hash_table_add(hub->clients, c);
    g_mutex_unlock(&hub->lock);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_stream, c, end_stream);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* a proxy must not hold it */
    return pd_respond(r, MHD_HTTP_OK, resp);
}
