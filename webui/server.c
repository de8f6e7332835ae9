/* server.c: the libmicrohttpd daemon, the life of a request, routing, the static files
 * and the response headers every answer carries. */
#include "desk/desk.h"
#include "ingest/ingest.h"
#include "webui/webui-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

G_DEFINE_QUARK(pd_webui_error, pd_webui_error)

void
pd_webui_options_init(PdServeOptions *o)
{
    memset(o, 0, sizeof *o);
    o->listen = "127.0.0.1:8080";
    o->connection_limit = 2048;
    o->per_ip_limit = 256; /* a newsroom behind one NAT is one address */
    o->timeout_seconds = 60;
    o->max_body = 1024 * 1024;
    o->max_upload = (gsize)1024 * 1024 * 1024;
    o->session_seconds = 12 * 3600;
    o->watch_settle = 2.0;
}

/* ---------------------------------------------------------------- the catalog */

static void
close_catalog(gpointer c)
{
    pd_catalog_close(c);
}

/* Each thread of a server (its polling threads, its workers) keeps its own connection:
 * SQLite connections are not shared between threads. The threads are the server's own,
 * so a thread's connection is always to its server's catalog. */
static GPrivate thread_catalog = G_PRIVATE_INIT(close_catalog);

PdCatalog *
pd_server_catalog(Server *server, GError **error)
{
    PdCatalog *c = g_private_get(&thread_catalog);
    if (c == NULL) {
        c = pd_catalog_open(server->catalog_path, PD_CATALOG_READ_WRITE, error);
        if (c)
            g_private_set(&thread_catalog, c);
    }
    return c;
}

/* ---------------------------------------------------------------- slow work */

static void
run_work(gpointer data, gpointer user_data)
{
    (void)user_data;
    Request *r = data;
    r->in_worker = TRUE;
    r->route->handler(r, &r->params);
    r->in_worker = FALSE;
    if (r->ready == NULL) {
        static const char body[] = "{\"error\": \"the work stopped without an answer\"}";
        r->ready =
            MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
        r->ready_status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    MHD_resume_connection(r->connection);
}

/* Runs the route's handler on a worker; the connection waits, suspended, for its
 * answer. Logins have their own pool: an upload or a package never makes one wait. */
static enum MHD_Result
defer(Request *r)
{
    MHD_suspend_connection(r->connection);
    GThreadPool *pool = r->route->needs & PD_NEEDS_LOGINS     ? r->server->logins
                        : r->route->needs & PD_NEEDS_DELIVERY ? r->server->deliveries
                                                              : r->server->workers;
    g_thread_pool_push(pool, r, NULL);
    return MHD_YES;
}

/* ---------------------------------------------------------------- static files */

/* The page's files, compiled in (webui/static/, GResource): index.html at "/", the rest
 * under /static/. */
typedef struct {
    char *path;
    const char *type;
    GBytes *bytes;
    char *etag;
} Asset;

static void
asset_free(gpointer data)
{
    Asset *a = data;
    g_free(a->path);
    g_bytes_unref(a->bytes);
    g_free(a->etag);
    g_free(a);
}

static const char *
type_of(const char *name)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
        if (g_str_has_suffix(name, types[i][0]))
            return types[i][1];
    return "application/octet-stream";
}

static GPtrArray *
load_assets(GError **error)
{
    extern GResource *photodesk_get_resource(void);
    g_auto(GStrv) names = g_resource_enumerate_children(photodesk_get_resource(), "/photodesk/",
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, error);
    if (names == NULL)
        return NULL;
    g_autoptr(GPtrArray) assets = g_ptr_array_new_with_free_func(asset_free);
    for (int i = 0; names[i]; i++) {
        Asset *a = g_new0(Asset, 1);
        g_autofree char *resource = g_strconcat("/photodesk/", names[i], NULL);
        a->bytes = g_resource_lookup_data(photodesk_get_resource(), resource,
                                          G_RESOURCE_LOOKUP_FLAGS_NONE, error);
        if (a->bytes == NULL) {
            asset_free(a);
            return NULL;
        }
        a->path = strcmp(names[i], "index.html") == 0 ? g_strdup("/")
                                                      : g_strconcat("/static/", names[i], NULL);
        a->type = type_of(names[i]);
        g_autofree char *sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, a->bytes);
        a->etag = g_strdup_printf("\"%.32s\"", sum);
        g_ptr_array_add(assets, a);
    }
    return g_steal_pointer(&assets);
}

/* The page's static file @url names, or NULL. */
static const Asset *
asset_of(Server *server, const char *url)
{
    for (guint i = 0; i < server->assets->len; i++) {
        const Asset *a = g_ptr_array_index(server->assets, i);
        if (strcmp(url, a->path) == 0)
            return a;
    }
    return NULL;
}

static enum MHD_Result
serve_asset(Request *r, const Asset *a)
{
    if (pd_etag_matches(r, a->etag))
        return pd_respond_not_modified(r, a->etag, "no-cache");
    gsize n = 0;
    const void *data = g_bytes_get_data(a->bytes, &n);
    r->bytes = n;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(n, (void *)data, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Content-Type", a->type);
    MHD_add_response_header(resp, "ETag", a->etag);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    return pd_respond(r, MHD_HTTP_OK, resp);
}

/* ---------------------------------------------------------------- routing */

static gboolean
changes_state(Request *r)
{
    return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

/* The request's session, its user noted for the log, for a request that changes
 * something its CSRF token checked, and the user's role allowing the route; NULL after
 * answering 401 or 403 (*@refused). */
static PdCatalogSession *
authorize(Request *r, enum MHD_Result *refused)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL) {
        *refused = pd_respond_gerror(r, error);
        return NULL;
    }
    g_autoptr(PdCatalogSession) session = pd_auth_session(r, cat);
    if (session == NULL) {
        *refused = pd_respond_error(r, MHD_HTTP_UNAUTHORIZED, "log in first");
        return NULL;
    }
    g_free(r->user);
    r->user = g_strdup(session->user);
    if (changes_state(r) && !pd_auth_csrf_ok(r, session)) {
        *refused = pd_respond_error(r, MHD_HTTP_FORBIDDEN,
                                    "missing or wrong X-CSRF-Token (log "
                                    "in again if this persists)");
        return NULL;
    }
    /* roles: an admin's routes, and a viewer who searches and looks but changes nothing */
    if ((r->route->needs & PD_NEEDS_ADMIN) && strcmp(session->role, "admin") != 0) {
        *refused = pd_respond_error(r, MHD_HTTP_FORBIDDEN, "only an admin can do this");
        return NULL;
    }
    if (changes_state(r) && strcmp(session->role, "viewer") == 0 &&
        !(r->route->needs & PD_VIEWER_MAY)) {
        *refused = pd_respond_error(r, MHD_HTTP_FORBIDDEN,
                                    "%s is a viewer: a viewer can search and look, not change",
                                    session->user);
        return NULL;
    }
    return g_steal_pointer(&session);
}

/* Answers a request whose body has arrived (its route, method and session were checked
 * when it began: begin()). */
static enum MHD_Result
dispatch(Request *r)
{
    if (r->too_large)
        return pd_respond_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                                "the request body is larger than the %zu bytes allowed", r->limit);
    if (r->route == NULL)
        return serve_asset(r, asset_of(r->server, r->url));
    g_return_val_if_fail(!(r->route->needs & PD_NEEDS_SESSION) || r->session != NULL, MHD_NO);
    if (r->route->needs & (PD_NEEDS_WORKER | PD_NEEDS_LOGINS | PD_NEEDS_DELIVERY))
        return defer(r);
    return r->route->handler(r, &r->params);
}

/* The first call for a request, with its headers: what can be answered before its body
 * is read is answered now. A body that will be too large; a request that is both
 * Content-Length and Transfer-Encoding (two framings: behind a proxy that reads the
 * other one, a way to smuggle a second request); a path no route has, or a method it
 * does not take; and for every route that needs a session, a request without one (or
 * without its CSRF token): nobody who has not logged in makes the server buffer a
 * body. */
static enum MHD_Result
begin(Request *r)
{
    Server *server = r->server;
    r->started = TRUE;
    pd_deadline_phase(server->deadlines, r->connection, PD_DEADLINE_BODY);
    const Asset *asset = asset_of(server, r->url);
    g_autofree char *allow = NULL;
    r->route = asset ? NULL : pd_route_find(r->method, r->url, &r->params, &allow);
    PdNeeds needs = r->route ? r->route->needs : 0;
    r->limit = (needs & PD_BODY_UPLOAD)  ? server->options.max_upload
               : (needs & PD_BODY_SMALL) ? PD_LOGIN_BODY_MAX
                                         : server->options.max_body;
    if (pd_request_target_suspicious(r->raw_uri))
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "a path may not hold \"..\", "
                                "encoded slashes, backslashes or NUL");
    const char *length =
        MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Content-Length");
    const char *chunked =
        MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Transfer-Encoding");
    if (length && chunked)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "a request has either Content-Length or Transfer-Encoding, not "
                                "both");
    if (length && g_ascii_strtoull(length, NULL, 10) > r->limit)
        return pd_respond_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                                "the request body is larger than the %zu bytes allowed", r->limit);
    /* the route and its method first (no secret), then the session */
    if (asset) {
        if (changes_state(r))
            return pd_respond_not_allowed(r, "GET, HEAD");
        return MHD_YES;
    }
    if (r->route == NULL && allow == NULL)
        return pd_respond_error(r, MHD_HTTP_NOT_FOUND, "no such page: %s", r->url);
    if (r->route == NULL)
        return pd_respond_not_allowed(r, allow);
    if (!(needs & PD_NEEDS_SESSION))
        return MHD_YES;
    enum MHD_Result refused;
    r->session = authorize(r, &refused);
    if (r->session == NULL)
        return refused;
    if (!(needs & PD_BODY_UPLOAD))
        return MHD_YES;
    g_autoptr(GError) error = NULL;
    if (!pd_upload_begin(r, &error))
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s", error->message);
    return MHD_YES;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    Request *r = *con_cls;
    if (r->ready) { /* a worker's answer, now that the connection is back */
        struct MHD_Response *resp = g_steal_pointer(&r->ready);
        enum MHD_Result ok = MHD_queue_response(connection, r->ready_status, resp);
        MHD_destroy_response(resp);
        return ok;
    }
    if (r->status)
        return MHD_YES; /* answered already (early); the rest of the body is dropped */
    if (!r->started) {
        r->connection = connection;
        r->method = method;
        r->url = url;
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char host[INET6_ADDRSTRLEN] = "-";
        const struct sockaddr *sa = info ? info->client_addr : NULL;
        if (sa && sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
        else if (sa && sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof host);
        r->address = g_strdup(host);
        return begin(r);
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        pd_deadline_body(r->server->deadlines, connection, n);
        if (r->too_large)
            return MHD_YES;
        if (r->upload) {
            pd_upload_feed(r, upload_data, n);
            return MHD_YES;
        }
        if (r->body->len + n > r->limit) {
            r->too_large = TRUE;
            return MHD_YES;
        }
        g_byte_array_append(r->body, (const guint8 *)upload_data, (guint)n);
        return MHD_YES;
    }
    pd_deadline_phase(r->server->deadlines, connection, PD_DEADLINE_ANSWER);
    return dispatch(r);
}

/* libmicrohttpd's own messages, on standard error as "photodesk serve: ...", but for a
 * client that went away without a word (a tab killed, a laptop shut, a network lost):
 * that is the network's ordinary day, and an event stream open in every editor's tab
 * would fill the log with it. */
static void log_daemon(void *cls, const char *format, va_list ap) G_GNUC_PRINTF(2, 0);

static void
log_daemon(void *cls, const char *format, va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(format, ap);
    static const char *const gone[] = {
        "closed by remote peer",
        "no longer available for sending",
        "socket is not connected",
    };
    for (guint i = 0; i < G_N_ELEMENTS(gone); i++)
        if (strstr(text, gone[i]))
            return;
    g_strchomp(text);
    g_printerr("photodesk serve: %s\n", text);
}

/* Called with the raw request target before anything else: the request begins here. */
static void *
log_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
    Request *r = g_new0(Request, 1);
    r->server = cls;
    r->raw_uri = g_strdup(uri);
    r->body = g_byte_array_new();
    r->began = g_get_monotonic_time();
    return r;
}

static void
completed(void *cls, struct MHD_Connection *connection, void **con_cls,
          enum MHD_RequestTerminationCode toe)
{
    Request *r = *con_cls;
    if (r == NULL)
        return;
    Server *server = cls;
    pd_deadline_phase(server->deadlines, connection, PD_DEADLINE_HEADERS); /* the next one */
    FILE *log = server->options.access_log;
    if (log && r->method) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
        /* the client's words, escaped: a method or target cannot forge a log line */
        g_autofree char *uri = g_strescape(r->raw_uri ? r->raw_uri : "-", NULL);
        g_autofree char *method = g_strescape(r->method, NULL);
        g_autofree char *line =
            g_strdup_printf("%s %s %s \"%s %s\" %d %" G_GUINT64_FORMAT " %.1fms%s\n", at,
                            r->address, r->user ? r->user : "-", method, uri, r->status, r->bytes,
                            (g_get_monotonic_time() - r->began) / 1000.0,
                            toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (cut off)");
        g_mutex_lock(&server->log_lock);
        fputs(line, log);
        fflush(log);
        g_mutex_unlock(&server->log_lock);
    }
    if (r->upload)
        pd_upload_free(r->upload);
    pd_catalog_session_free(r->session);
    if (r->ready) /* the client left before the worker's answer could go */
        MHD_destroy_response(r->ready);
    g_byte_array_unref(r->body);
    g_free(r->raw_uri);
    g_free(r->address);
    g_free(r->user);
    g_free(r);
    *con_cls = NULL;
}

/* ---------------------------------------------------------------- the daemon */

static gboolean
parse_listen(const char *listen, struct sockaddr_storage *addr, socklen_t *len, GError **error)
{
    g_autofree char *host = NULL;
    const char *port = NULL;
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (close && close[1] == ':') {
            host = g_strndup(listen + 1, (gsize)(close - listen - 1));
            port = close + 2;
        }
    } else {
        const char *colon = strrchr(listen, ':');
        if (colon) {
            host = g_strndup(listen, (gsize)(colon - listen));
            port = colon + 1;
        }
    }
    if (host == NULL || *port == 0) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_LISTEN,
                    "--listen \"%s\": give HOST:PORT, such as 127.0.0.1:8080", listen);
        return FALSE;
    }
    struct addrinfo hints = {0}, *found = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(*host ? host : NULL, port, &hints, &found);
    if (rc != 0 || found == NULL) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_LISTEN, "--listen \"%s\": %s", listen,
                    rc ? gai_strerror(rc) : "no address");
        return FALSE;
    }
    memcpy(addr, found->ai_addr, found->ai_addrlen);
    *len = found->ai_addrlen;
    freeaddrinfo(found);
    return TRUE;
}

/* The listening socket, bound to @addr: SO_REUSEADDR (a restart need not wait for the
 * old connections' TIME_WAIT) but never SO_REUSEPORT, so that a second server on an
 * address in use fails here instead of sharing the port with the first; -1 with @error
 * naming the address and why. */
static int
listen_on(const char *listen_text, const struct sockaddr_storage *addr, socklen_t len,
          GError **error)
{
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int yes = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0 ||
        (addr->ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes) != 0) ||
        bind(fd, (const struct sockaddr *)addr, len) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_LISTEN, "cannot listen on %s: %s%s",
                    listen_text, g_strerror(e),
                    e == EADDRINUSE ? " (another server is there: stop it, or give another "
                                      "--listen)"
                                    : "");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Room for @connections sockets (and the files the server opens besides): the soft
 * limit on open files raised towards the hard one; the connections it has room for. */
static guint
room_for(guint connections)
{
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) != 0)
        return connections;
    rlim_t want = (rlim_t)connections + 256;
    if (files.rlim_cur < want && files.rlim_cur != RLIM_INFINITY) {
        files.rlim_cur = files.rlim_max == RLIM_INFINITY ? want : MIN(want, files.rlim_max);
        setrlimit(RLIMIT_NOFILE, &files);
        getrlimit(RLIMIT_NOFILE, &files);
    }
    if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < want) {
        guint fit = files.rlim_cur > 512 ? (guint)(files.rlim_cur - 256) : 256;
        g_printerr("photodesk serve: room for %u connections only (open files limited to %lu)\n",
                   fit, (unsigned long)files.rlim_cur);
        return fit;
    }
    return connections;
}

/* ---------------------------------------------------------------- hot folders */

static void
log_watch(const char *line, gpointer data)
{
    Server *server = data;
    /* with the access log, or on its own when there is none (--quiet) */
    FILE *log = server->options.access_log ? server->options.access_log : stdout;
    g_mutex_lock(&server->log_lock);
    fprintf(log, "watch %s\n", line);
    fflush(log);
    g_mutex_unlock(&server->log_lock);
}

static gpointer
run_watch(gpointer data)
{
    Server *server = data;
    pd_watch_run(server->watch, server->watch_stop);
    return NULL;
}

/* Frees what @server holds, whatever of it was set up (its threads stopped first). */
static void
server_clear(Server *server)
{
    if (server->workers)
        g_thread_pool_free(server->workers, TRUE, FALSE);
    if (server->logins)
        g_thread_pool_free(server->logins, TRUE, FALSE);
    if (server->deliveries)
        g_thread_pool_free(server->deliveries, TRUE, FALSE);
    g_clear_object(&server->delivery_stop);
    pd_watch_free(server->watch);
    g_clear_object(&server->watch_stop);
    pd_ingest_queue_free(server->queue);
    pd_event_hub_stop(server->events);
    pd_deadlines_stop(server->deadlines);
    pd_cache_free(server->cache);
    pd_store_close(server->store);
    if (server->assets)
        g_ptr_array_unref(server->assets);
    g_mutex_clear(&server->log_lock);
    g_free(server->library);
    g_free(server->catalog_path);
}

gboolean
pd_webui_serve(const PdServeOptions *options, GError **error)
{
    /* the address first: a server that cannot listen does nothing else */
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    if (!parse_listen(options->listen, &addr, &addr_len, error))
        return FALSE;
    int listener = listen_on(options->listen, &addr, addr_len, error);
    if (listener < 0)
        return FALSE;

    Server server = {0};
    server.options = *options;
    server.library = g_strdup(options->library);
    server.catalog_path = pd_desk_catalog_path(options->library);
    g_mutex_init(&server.log_lock);
    /* the catalog must open (and be migrated) before the first request */
    PdCatalog *check = pd_catalog_open(server.catalog_path, PD_CATALOG_READ_WRITE, error);
    if (check)
        pd_catalog_close(check);
    server.assets = check ? load_assets(error) : NULL;
    server.store = server.assets ? pd_store_open(options->library, error) : NULL;
    if (server.store == NULL) {
        close(listener);
        server_clear(&server);
        return FALSE;
    }
    server.cache = pd_cache_new(server.store);
    server.deadlines = pd_deadlines_start();
    server.workers = g_thread_pool_new(run_work, NULL, (gint)g_get_num_processors(), FALSE, NULL);
    server.logins = g_thread_pool_new(run_work, NULL, PD_LOGIN_THREADS, FALSE, NULL);
    server.deliveries = g_thread_pool_new(run_work, NULL, PD_DELIVERY_THREADS, FALSE, NULL);
    server.delivery_stop = g_cancellable_new();

    guint threads = options->threads ? options->threads : g_get_num_processors();
    guint connections = room_for(options->connection_limit);

    /* SIGINT and SIGTERM are waited for here, never delivered to a server thread */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* one ingest queue for every upload and hot folder (its threads inherit the blocked
     * signals), and the events that tell the pages what changed */
    PdIngestQueueOptions queue_options;
    pd_desk_queue_options_init(&queue_options);
    server.queue =
        pd_ingest_queue_new(options->library, server.catalog_path, &queue_options, error);
    if (server.queue)
        server.events = pd_event_hub_start(server.catalog_path, server.cache, error);
    if (server.events && options->watch && options->watch[0]) {
        PdWatchOptions wo;
        pd_watch_options_init(&wo);
        wo.done_dir = options->watch_done;
        wo.failed_dir = options->watch_failed;
        wo.settle_seconds = options->watch_settle;
        wo.log = log_watch;
        wo.user_data = &server;
        server.watch = pd_watch_new(server.queue, server.catalog_path, options->watch, &wo, error);
        if (server.watch == NULL) {
            pd_event_hub_stop(server.events);
            server.events = NULL;
        }
    }

    /* the server's state reaches every callback through its closure */
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                         MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    gboolean ready = server.events && (server.watch || !(options->watch && options->watch[0]));
    struct MHD_Daemon *daemon =
        !ready ? NULL
               : MHD_start_daemon(
                     flags, 0, NULL, NULL, handle, &server, MHD_OPTION_EXTERNAL_LOGGER, log_daemon,
                     NULL, MHD_OPTION_LISTEN_SOCKET, listener, MHD_OPTION_THREAD_POOL_SIZE,
                     (unsigned int)threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)connections,
                     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)options->per_ip_limit,
                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)options->timeout_seconds,
                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
                     MHD_OPTION_URI_LOG_CALLBACK, log_uri, &server, MHD_OPTION_NOTIFY_COMPLETED,
                     completed, &server, MHD_OPTION_NOTIFY_CONNECTION, pd_deadline_notify,
                     server.deadlines, MHD_OPTION_END);
    if (daemon == NULL) {
        close(listener);
        if (ready)
            g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_LISTEN,
                        "cannot serve on %s: the HTTP server did not start", options->listen);
        server_clear(&server);
        pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
        return FALSE;
    }
    const union MHD_DaemonInfo *port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN] = "";
    getnameinfo((struct sockaddr *)&addr, addr_len, host, sizeof host, NULL, 0, NI_NUMERICHOST);
    g_autofree char *url =
        g_strdup_printf(addr.ss_family == AF_INET6 ? "http://[%s]:%u/" : "http://%s:%u/", host,
                        port ? port->port : 0);
    if (options->ready)
        options->ready(url, options->user_data);
    if (server.watch) {
        server.watch_stop = g_cancellable_new();
        server.watch_thread = g_thread_new("photodesk-watch", run_watch, &server);
    }

    int sig = 0;
    sigwait(&stop, &sig);
    /* the hot folders finish the files in hand; the work in hand finishes (its
     * connections resumed) and the event streams end before the daemon stops */
    if (server.watch_thread) {
        g_cancellable_cancel(server.watch_stop);
        g_thread_join(server.watch_thread);
        server.watch_thread = NULL;
    }
    g_cancellable_cancel(server.delivery_stop);
    g_thread_pool_free(server.workers, FALSE, TRUE);
    g_thread_pool_free(server.logins, FALSE, TRUE);
    g_thread_pool_free(server.deliveries, FALSE, TRUE);
    server.workers = server.logins = server.deliveries = NULL;
    pd_event_hub_close_streams(server.events);
    MHD_stop_daemon(daemon);
    server_clear(&server);
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    return TRUE;
}
