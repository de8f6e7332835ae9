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

Server *pd_server;

/* The front end may load only itself: no inline script or style, no other origin. */
#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

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
}

/* ---------------------------------------------------------------- the catalog */

static void
close_catalog(gpointer c)
{
    pd_catalog_close(c);
}

static GPrivate thread_catalog = G_PRIVATE_INIT(close_catalog);

PdCatalog *
pd_server_catalog(GError **error)
{
    PdCatalog *c = g_private_get(&thread_catalog);
    if (c == NULL) {
        c = pd_catalog_open(pd_server->catalog_path, PD_CATALOG_READ_WRITE, error);
        if (c)
            g_private_set(&thread_catalog, c);
    }
    return c;
}

/* ---------------------------------------------------------------- responses */

enum MHD_Result
pd_respond(Request *r, unsigned int status, struct MHD_Response *response)
{
    static const char *const headers[][2] = {
        {"Content-Security-Policy", CSP},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
        {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(headers); i++)
        MHD_add_response_header(response, headers[i][0], headers[i][1]);
    r->status = (int)status;
    if (r->in_worker) {
        if (r->ready)
            MHD_destroy_response(r->ready);
        r->ready = response;
        r->ready_status = status;
        return MHD_YES;
    }
    enum MHD_Result ok = MHD_queue_response(r->connection, status, response);
    MHD_destroy_response(response);
    return ok;
}

/* ---------------------------------------------------------------- slow work */

static void
run_work(gpointer data, gpointer user_data)
{
    (void)user_data;
    Request *r = data;
    r->in_worker = TRUE;
    r->work(r);
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

/* Runs @work for @r on a worker; the connection waits, suspended, for its answer. */
static enum MHD_Result
defer(Request *r, enum MHD_Result (*work)(Request *r), gint64 id)
{
    r->work = work;
    r->work_id = id;
    MHD_suspend_connection(r->connection);
    /* logins on their own pool: an upload or a package never makes one wait */
    g_thread_pool_push(work == pd_auth_login ? pd_server->logins : pd_server->workers, r, NULL);
    return MHD_YES;
}

/* MHD frees the body with free(): GLib allocates with the system's malloc (since 2.46). */
enum MHD_Result
pd_respond_json(Request *r, unsigned int status, char *json)
{
    gsize n = strlen(json);
    r->bytes = n;
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, json, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return pd_respond(r, status, resp);
}

/* The body of an error answer: {"error": MESSAGE}, MESSAGE made valid UTF-8 and escaped. */
static char *
error_json(const char *message)
{
    g_autofree char *valid = g_utf8_make_valid(message, -1);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_add_string_value(b, valid);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

enum MHD_Result
pd_respond_error(Request *r, unsigned int status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree char *message = g_strdup_vprintf(format, args);
    va_end(args);
    return pd_respond_json(r, status, error_json(message));
}

enum MHD_Result
pd_respond_gerror(Request *r, const GError *error)
{
    unsigned int status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    if (error->domain == PD_CATALOG_ERROR) {
        switch (error->code) {
        case PD_CATALOG_ERROR_NOT_FOUND:
            status = MHD_HTTP_NOT_FOUND;
            break;
        case PD_CATALOG_ERROR_QUERY:
        case PD_CATALOG_ERROR_INVALID:
            status = MHD_HTTP_BAD_REQUEST;
            break;
        case PD_CATALOG_ERROR_EXISTS:
        case PD_CATALOG_ERROR_CONFLICT:
        case PD_CATALOG_ERROR_STALE:
            status = MHD_HTTP_CONFLICT;
            break;
        case PD_CATALOG_ERROR_BUSY:
            status = MHD_HTTP_SERVICE_UNAVAILABLE;
            break;
        default:
            break;
        }
    } else if (error->domain == PD_DESK_ERROR && error->code == PD_DESK_ERROR_INVALID) {
        status = MHD_HTTP_BAD_REQUEST;
    } else if (error->domain == PD_DESK_ERROR && error->code == PD_DESK_ERROR_REFUSED) {
        status = MHD_HTTP_CONFLICT;
    }
    if (status == MHD_HTTP_INTERNAL_SERVER_ERROR)
        g_printerr("photodesk serve: %s %s: %s\n", r->method, r->url, error->message);
    return pd_respond_error(r, status, "%s", error->message);
}

JsonObject *
pd_request_json(Request *r, JsonParser **parser, enum MHD_Result *result)
{
    *parser = NULL;
    const char *type = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Content-Type");
    if (type == NULL || g_ascii_strncasecmp(type, "application/json", 16) != 0) {
        *result = pd_respond_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                   "the body must be JSON (Content-Type: application/json)");
        return NULL;
    }
    g_autofree char *why = NULL;
    JsonObject *o = pd_json_body_object((const char *)r->body->data, r->body->len, parser, &why);
    if (o == NULL)
        *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s", why);
    return o;
}

/* ---------------------------------------------------------------- static files */

typedef struct {
    const char *path, *resource, *type;
    GBytes *bytes;
    char *etag;
} Asset;

static Asset assets[] = {
    {"/", "/photodesk/index.html", "text/html; charset=utf-8", NULL, NULL},
    {"/static/app.js", "/photodesk/app.js", "text/javascript; charset=utf-8", NULL, NULL},
    {"/static/style.css", "/photodesk/style.css", "text/css; charset=utf-8", NULL, NULL},
    {"/static/icon.svg", "/photodesk/icon.svg", "image/svg+xml", NULL, NULL},
};

static gboolean
load_assets(GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS(assets); i++) {
        assets[i].bytes =
            g_resources_lookup_data(assets[i].resource, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
        if (assets[i].bytes == NULL)
            return FALSE;
        g_autofree char *sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, assets[i].bytes);
        assets[i].etag = g_strdup_printf("\"%.32s\"", sum);
    }
    return TRUE;
}

gboolean
pd_etag_matches(Request *r, const char *etag)
{
    const char *inm =
        MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm == NULL)
        return FALSE;
    g_auto(GStrv) tags = g_strsplit(inm, ",", -1);
    for (int i = 0; tags[i]; i++) {
        const char *t = g_strstrip(tags[i]);
        if (g_str_has_prefix(t, "W/"))
            t += 2;
        if (strcmp(t, "*") == 0 || strcmp(t, etag) == 0)
            return TRUE;
    }
    return FALSE;
}

enum MHD_Result
pd_respond_not_modified(Request *r, const char *etag, const char *cache)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", cache);
    return pd_respond(r, MHD_HTTP_NOT_MODIFIED, resp);
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

/* The page's static file @url names, or NULL. */
static const Asset *
asset_of(const char *url)
{
    for (gsize i = 0; i < G_N_ELEMENTS(assets); i++)
        if (strcmp(url, assets[i].path) == 0)
            return &assets[i];
    return NULL;
}

/* The route of @url: one of the page's static files, or the API's (request.c). */
static PdMatch
match(const char *url)
{
    if (asset_of(url))
        return (PdMatch){PD_ROUTE_ASSET, 0, 0, NULL};
    return pd_route_match(url);
}

static gboolean
method_is(Request *r, const char *m)
{
    return strcmp(r->method, m) == 0;
}

static enum MHD_Result
not_allowed(Request *r, const char *allow)
{
    /* the method and path are the client's: escaped like any text */
    g_autofree char *message = g_strdup_printf("%s %s: use %s", r->method, r->url, allow);
    char *json = error_json(message);
    r->bytes = strlen(json);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "Allow", allow);
    return pd_respond(r, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
}

static gboolean
changes_state(Request *r)
{
    return !method_is(r, "GET") && !method_is(r, "HEAD");
}

/* The request's session, its user noted for the log, and for a request that changes
 * something its CSRF token checked; NULL after answering 401 or 403 (*@refused). */
static PdCatalogSession *
authorize(Request *r, enum MHD_Result *refused)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(&error);
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
    return g_steal_pointer(&session);
}

/* Routes a request whose body has arrived (its route, method and session were checked
 * when it began: begin()). */
static enum MHD_Result
dispatch(Request *r)
{
    PdMatch m = match(r->url);
    if (r->too_large)
        return pd_respond_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                                "the request body is larger than the %zu bytes allowed", r->limit);
    if (m.route == PD_ROUTE_ASSET)
        return serve_asset(r, asset_of(r->url));
    if (m.route == PD_ROUTE_LOGIN)
        return defer(r, pd_auth_login, 0); /* Argon2id takes a while: not on a polling thread */

    /* everything else needs a session, checked when the request began (begin()) */
    const PdCatalogSession *session = r->session;
    g_return_val_if_fail(session != NULL, MHD_NO);
    switch (m.route) {
    case PD_ROUTE_LOGOUT:
        return pd_auth_logout(r, session);
    case PD_ROUTE_ME:
        return pd_auth_me(r, session);
    case PD_ROUTE_PHOTOS:
        return method_is(r, "POST") ? defer(r, pd_upload_finish, 0) : pd_api_search(r);
    case PD_ROUTE_PHOTO:
        return method_is(r, "PATCH") ? pd_api_correct(r, m.id, session) : pd_api_photo(r, m.id);
    case PD_ROUTE_HISTORY:
        return pd_api_history(r, m.id);
    case PD_ROUTE_ACKNOWLEDGE:
        return pd_api_acknowledge(r, m.id, session);
    case PD_ROUTE_FILE:
        return pd_api_file(r, m.id, m.file);
    case PD_ROUTE_ARTICLES:
        return method_is(r, "POST") ? pd_api_article_create(r, session) : pd_api_articles(r);
    case PD_ROUTE_ARTICLE:
        return method_is(r, "PATCH") ? pd_api_article_update(r, m.id) : pd_api_article(r, m.id);
    case PD_ROUTE_ARTICLE_PHOTOS:
        return pd_api_place(r, m.id, session);
    case PD_ROUTE_PLACEMENT:
        return method_is(r, "DELETE") ? pd_api_placement_remove(r, m.id, m.photo)
                                      : pd_api_placement_update(r, m.id, m.photo);
    case PD_ROUTE_PACKAGE:
        return defer(r, pd_api_package, m.id);
    default:
        return pd_respond_error(r, MHD_HTTP_NOT_FOUND, "no such page: %s", r->url);
    }
}

/* The first call for a request, with its headers: what can be answered before its body
 * is read is answered now. A body that will be too large; a request that is both
 * Content-Length and Transfer-Encoding (two framings: behind a proxy that reads the
 * other one, a way to smuggle a second request); and for every route but the login and
 * the static files, a request without a session (or without its CSRF token): nobody who
 * has not logged in makes the server buffer a body. */
static enum MHD_Result
begin(Request *r)
{
    r->started = TRUE;
    pd_deadline_phase(r->connection, PD_DEADLINE_BODY);
    PdMatch m = match(r->url);
    gboolean upload = m.route == PD_ROUTE_PHOTOS && method_is(r, "POST");
    r->limit = upload                      ? pd_server->options.max_upload
               : m.route == PD_ROUTE_LOGIN ? PD_LOGIN_BODY_MAX
                                           : pd_server->options.max_body;
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
    if (m.route == PD_ROUTE_NONE)
        return pd_respond_error(r, MHD_HTTP_NOT_FOUND, "no such page: %s", r->url);
    const char *allow = NULL;
    if (!pd_route_method_allowed(m.route, r->method, &allow))
        return not_allowed(r, allow);
    if (m.route == PD_ROUTE_ASSET || m.route == PD_ROUTE_LOGIN)
        return MHD_YES;
    enum MHD_Result refused;
    r->session = authorize(r, &refused);
    if (r->session == NULL)
        return refused;
    if (!upload)
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
        pd_deadline_body(connection, n);
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
    pd_deadline_phase(connection, PD_DEADLINE_ANSWER);
    return dispatch(r);
}

/* Called with the raw request target before anything else: the request begins here. */
static void *
log_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
    Request *r = g_new0(Request, 1);
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
    pd_deadline_phase(connection, PD_DEADLINE_HEADERS); /* the next request, if any */
    FILE *log = pd_server->options.access_log;
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
        g_mutex_lock(&pd_server->log_lock);
        fputs(line, log);
        fflush(log);
        g_mutex_unlock(&pd_server->log_lock);
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

    extern GResource *photodesk_get_resource(void);
    g_resources_register(photodesk_get_resource());
    if (!load_assets(error)) {
        close(listener);
        return FALSE;
    }
    Server server = {0};
    server.options = *options;
    server.library = g_strdup(options->library);
    server.catalog_path = pd_desk_catalog_path(options->library);
    g_mutex_init(&server.log_lock);
    g_mutex_init(&server.throttle_lock);
    server.failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    pd_server = &server;

    /* the catalog must open (and be migrated) before the first request */
    PdCatalog *check = pd_catalog_open(server.catalog_path, PD_CATALOG_READ_WRITE, error);
    if (check == NULL) {
        close(listener);
        return FALSE;
    }
    pd_catalog_close(check);
    server.store = pd_store_open(options->library, error);
    if (server.store == NULL) {
        close(listener);
        return FALSE;
    }
    pd_cache_init();
    pd_deadline_start();
    server.workers = g_thread_pool_new(run_work, NULL, (gint)g_get_num_processors(), FALSE, NULL);
    server.logins = g_thread_pool_new(run_work, NULL, PD_LOGIN_THREADS, FALSE, NULL);

    guint threads = options->threads ? options->threads : g_get_num_processors();
    guint connections = room_for(options->connection_limit);

    /* SIGINT and SIGTERM are waited for here, never delivered to a server thread */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* one ingest queue for every upload (its threads inherit the blocked signals) */
    PdIngestQueueOptions queue_options;
    pd_ingest_queue_options_init(&queue_options);
    server.queue =
        pd_ingest_queue_new(options->library, server.catalog_path, &queue_options, error);
    if (server.queue == NULL) {
        close(listener);
        g_thread_pool_free(server.workers, TRUE, FALSE);
        g_thread_pool_free(server.logins, TRUE, FALSE);
        pd_deadline_stop();
        pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
        return FALSE;
    }

    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                         MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_LISTEN_SOCKET, listener,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned int)options->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)options->timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(16 * 1024), MHD_OPTION_URI_LOG_CALLBACK, log_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
        pd_deadline_notify, NULL, MHD_OPTION_END);
    if (daemon == NULL) {
        close(listener);
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_LISTEN,
                    "cannot serve on %s: the HTTP server did not start", options->listen);
        g_thread_pool_free(server.workers, TRUE, FALSE);
        g_thread_pool_free(server.logins, TRUE, FALSE);
        pd_ingest_queue_free(server.queue);
        pd_deadline_stop();
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

    int sig = 0;
    sigwait(&stop, &sig);
    /* the work in hand finishes (its connections resumed) before the daemon stops */
    g_thread_pool_free(server.workers, FALSE, TRUE);
    g_thread_pool_free(server.logins, FALSE, TRUE);
    server.workers = server.logins = NULL;
    MHD_stop_daemon(daemon);
    pd_ingest_queue_free(server.queue);
    pd_deadline_stop();
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    g_hash_table_unref(server.failures);
    pd_cache_clear();
    pd_store_close(server.store);
    g_free(server.library);
    g_free(server.catalog_path);
    pd_server = NULL;
    return TRUE;
}
