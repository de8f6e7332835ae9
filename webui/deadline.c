/* deadline.c: the deadlines libmicrohttpd does not keep.
 *
 * Its timeout closes a connection that sends nothing for a while; a client that sends
 * one byte of its headers every few seconds (slowloris) keeps its connection, and a few
 * hundred of them keep the server's. So each connection is watched here, from the
 * moment it is accepted: its request's headers must be in within PD_HEADER_SECONDS (of
 * the connection, or of the previous answer on it), and a body must arrive at
 * PD_BODY_MIN_RATE bytes a second or better once PD_BODY_GRACE_SECONDS have passed. A
 * connection kept alive waits for its next request's headers under the same deadline
 * (browsers open another when they need one). A connection past its deadline is shut
 * down (shutdown(2), not close: libmicrohttpd sees its end and closes it in its own
 * thread). While a request is answered, the deadline is libmicrohttpd's idle timeout.
 *
 * The watched connections are kept in a table under one lock, which the notification of
 * a closed connection takes too: libmicrohttpd closes the socket only after it has been
 * told, so a socket shut down under the lock is always the connection's own. */
#include "webui/webui-private.h"

#include <sys/socket.h>

typedef enum {
    AWAITING_HEADERS, /* since the connection opened, or its previous answer was sent */
    READING_BODY,     /* the headers are in, the body is arriving */
    ANSWERING,        /* the request is being handled: no deadline of ours */
    CUT,              /* shut down for a deadline */
} Phase;

typedef struct {
    int fd;
    Phase phase;
    gint64 since;    /* monotonic µs: when the phase began */
    guint64 arrived; /* bytes of body so far */
} Watched;

struct PdDeadlines {
    GMutex lock;
    GCond wake;
    GHashTable *watched; /* Watched * (a set) */
    GThread *watchdog;
    gboolean stopping;
};

static void
set_phase(Watched *w, Phase phase)
{
    if (w->phase == CUT)
        return;
    w->phase = phase;
    w->since = g_get_monotonic_time();
    w->arrived = 0;
}

/* Whether @w has missed its deadline at @now. */
static gboolean
late(const Watched *w, gint64 now)
{
    gint64 seconds = (now - w->since) / G_USEC_PER_SEC;
    switch (w->phase) {
    case AWAITING_HEADERS:
        return seconds >= PD_HEADER_SECONDS;
    case READING_BODY:
        return seconds > PD_BODY_GRACE_SECONDS &&
               w->arrived < (guint64)(seconds - PD_BODY_GRACE_SECONDS) * PD_BODY_MIN_RATE;
    default:
        return FALSE;
    }
}

static gpointer
watch(gpointer data)
{
    PdDeadlines *d = data;
    g_mutex_lock(&d->lock);
    while (!d->stopping) {
        gint64 now = g_get_monotonic_time();
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, d->watched);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            Watched *w = key;
            if (late(w, now)) {
                shutdown(w->fd, SHUT_RDWR);
                w->phase = CUT;
            }
        }
        g_cond_wait_until(&d->wake, &d->lock, now + G_USEC_PER_SEC / 4);
    }
    g_mutex_unlock(&d->lock);
    return NULL;
}

PdDeadlines *
pd_deadlines_start(void)
{
    PdDeadlines *d = g_new0(PdDeadlines, 1);
    g_mutex_init(&d->lock);
    g_cond_init(&d->wake);
    d->watched = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_free, NULL);
    d->watchdog = g_thread_new("photodesk-deadlines", watch, d);
    return d;
}

void
pd_deadlines_stop(PdDeadlines *d)
{
    if (d == NULL)
        return;
    g_mutex_lock(&d->lock);
    d->stopping = TRUE;
    g_cond_signal(&d->wake);
    g_mutex_unlock(&d->lock);
    g_thread_join(d->watchdog);
    g_hash_table_unref(d->watched);
    g_mutex_clear(&d->lock);
    g_cond_clear(&d->wake);
    g_free(d);
}

void
pd_deadline_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                   enum MHD_ConnectionNotificationCode code)
{
    PdDeadlines *d = cls;
    g_mutex_lock(&d->lock);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        Watched *w = g_new0(Watched, 1);
        w->fd = info ? info->connect_fd : -1;
        set_phase(w, w->fd >= 0 ? AWAITING_HEADERS : ANSWERING);
        g_hash_table_add(d->watched, w);
        *socket_context = w;
    } else if (*socket_context) {
        g_hash_table_remove(d->watched, *socket_context); /* before the socket is closed */
        *socket_context = NULL;
    }
    g_mutex_unlock(&d->lock);
}

/* The connection's watch, from the socket context the notification set. */
static Watched *
watched_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

void
pd_deadline_phase(PdDeadlines *d, struct MHD_Connection *connection, PdDeadlinePhase phase)
{
    Watched *w = watched_of(connection);
    if (w == NULL)
        return;
    g_mutex_lock(&d->lock);
    set_phase(w, phase == PD_DEADLINE_BODY     ? READING_BODY
                 : phase == PD_DEADLINE_ANSWER ? ANSWERING
                                               : AWAITING_HEADERS);
    g_mutex_unlock(&d->lock);
}

void
pd_deadline_body(PdDeadlines *d, struct MHD_Connection *connection, gsize bytes)
{
    Watched *w = watched_of(connection);
    if (w == NULL)
        return;
    g_mutex_lock(&d->lock);
    w->arrived += bytes;
    g_mutex_unlock(&d->lock);
}
