/* http.c: see http.h. */
#include "http.h"

#include "../cli/e2e.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char *host;
static int port;

Served
serve_start(const char *const *args)
{
    static int started;
    Served s = {0};
    /* each server its own log: a test may start a second one */
    g_autofree char *name =
        started++ ? g_strdup_printf("serve-%d.log", started) : g_strdup("serve.log");
    s.log = g_build_filename(workdir, name, NULL);
    GString *more = g_string_new(NULL);
    for (int i = 0; args && args[i]; i++)
        g_string_append_printf(more, " '%s'", args[i]);
    g_autofree char *script =
        g_strdup_printf("exec '%s' --library '%s' serve --listen 127.0.0.1:0%s > '%s' 2>&1",
                        g_getenv("PHOTODESK_BIN"), library, more->str, s.log);
    g_string_free(more, TRUE);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async(workdir, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                die_with_parent, GINT_TO_POINTER(getpid()), &s.pid, &error));
    /* wait for "photodesk serves LIBRARY at http://127.0.0.1:PORT/" */
    for (int i = 0; i < 200 && s.port == 0; i++) {
        g_usleep(50000);
        g_autofree char *text = NULL;
        if (!g_file_get_contents(s.log, &text, NULL, NULL))
            continue;
        const char *at = strstr(text, "http://");
        const char *end = at ? strchr(at, '\n') : NULL;
        if (end) {
            g_autofree char *url = g_strndup(at, (gsize)(end - at));
            s.port = atoi(strrchr(url, ':') + 1);
        }
    }
    g_assert_cmpint(s.port, >, 0);
    serve_use(&s);
    return s;
}

void
serve_use(const Served *s)
{
    g_free(host);
    host = g_strdup("127.0.0.1");
    port = s->port;
}

void
serve_stop(Served *s)
{
    kill(s->pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200; i++) {
        if (waitpid(s->pid, &status, WNOHANG) == s->pid)
            break;
        g_usleep(50000);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        /* what the server said last: a sanitizer's report, a crash */
        g_autofree char *log = NULL;
        if (g_file_get_contents(s->log, &log, NULL, NULL)) {
            gsize n = strlen(log);
            g_printerr("%s\n", log + (n > 8000 ? n - 8000 : 0));
        }
    }
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

void
add_user(const char *name, const char *password)
{
    g_autofree char *cmd = g_strdup_printf("printf '%%s\\n' '%s' | '%s' --library '%s' user add %s",
                                           password, g_getenv("PHOTODESK_BIN"), library, name);
    g_assert_cmpint(system(cmd), ==, 0);
}

void
reply_clear(Reply *r)
{
    g_clear_pointer(&r->headers, g_hash_table_unref);
    g_clear_pointer(&r->body, g_bytes_unref);
}

const char *
header(const Reply *r, const char *name)
{
    return g_hash_table_lookup(r->headers, name);
}

const char *
body_text(const Reply *r)
{
    return g_bytes_get_data(r->body, NULL);
}

/* Sends @method @target with @headers ("Name: value\r\n" lines) and @body, on its own
 * connection, and reads the whole reply. */
Reply
http(const char *method, const char *target, const char *headers, const void *body, gsize len)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_to_host(client, host, (guint16)port, NULL, &error);
    g_assert_no_error(error);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    g_autofree char *head = g_strdup_printf(
        "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n%sContent-Length: %zu\r\n\r\n",
        method, target, host, port, headers ? headers : "", len);
    g_assert_true(g_output_stream_write_all(out, head, strlen(head), NULL, NULL, &error));
    if (len)
        g_output_stream_write_all(out, body, len, NULL, NULL, NULL); /* may be cut off: 413 */
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
    GByteArray *all = g_byte_array_new();
    guint8 buf[65536];
    gssize n;
    while ((n = g_input_stream_read(in, buf, sizeof buf, NULL, NULL)) > 0)
        g_byte_array_append(all, buf, (guint)n);
    g_byte_array_append(all, (const guint8 *)"", 1);
    Reply r = {0};
    r.headers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const char *text = (const char *)all->data;
    const char *end = strstr(text, "\r\n\r\n");
    g_assert_nonnull(end);
    g_autofree char *head_in = g_strndup(text, (gsize)(end - text));
    g_auto(GStrv) lines = g_strsplit(head_in, "\r\n", -1);
    g_assert_true(sscanf(lines[0], "HTTP/1.%*d %d", &r.status) == 1);
    for (int i = 1; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        if (!colon)
            continue;
        g_autofree char *name = g_ascii_strdown(lines[i], colon - lines[i]);
        const char *value = colon + 1;
        while (*value == ' ')
            value++;
        if (strcmp(name, "set-cookie") == 0 || !g_hash_table_contains(r.headers, name))
            g_hash_table_replace(r.headers, g_strdup(name), g_strdup(value));
    }
    gsize offset = (gsize)(end + 4 - text);
    r.body = g_bytes_new(all->data + offset, all->len - offset); /* keeps the final NUL */
    g_byte_array_unref(all);
    return r;
}

JsonObject *
json_of(const Reply *r)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    gsize n = 0;
    const char *data = g_bytes_get_data(r->body, &n);
    if (!json_parser_load_from_data(p, data, (gssize)n - 1, &error))
        g_error("not JSON (%s): %s", error->message, data);
    return json_object_ref(json_node_get_object(json_parser_get_root(p)));
}

Reply
login_as(const char *user, const char *password)
{
    g_autofree char *body =
        g_strdup_printf("{\"username\": \"%s\", \"password\": \"%s\"}", user, password);
    return http("POST", "/api/login", "Content-Type: application/json\r\n", body, strlen(body));
}

Session
login_user(const char *user, const char *password)
{
    Reply r = login_as(user, password);
    g_assert_cmpint(r.status, ==, 200);
    const char *set = header(&r, "set-cookie");
    g_assert_nonnull(set);
    Session s;
    const char *semi = strchr(set, ';');
    s.cookie = g_strdup_printf("Cookie: %.*s\r\n", (int)(semi - set), set);
    JsonObject *o = json_of(&r);
    s.csrf = g_strdup(json_object_get_string_member(o, "csrf"));
    json_object_unref(o);
    reply_clear(&r);
    return s;
}

void
session_clear(Session *s)
{
    g_free(s->cookie);
    g_free(s->csrf);
}

/* The session's headers, with its CSRF token when @csrf, and @more. */
char *
with(const Session *s, gboolean csrf, const char *more)
{
    return g_strdup_printf("%s%s%s%s%s", s->cookie, csrf ? "X-CSRF-Token: " : "",
                           csrf ? s->csrf : "", csrf ? "\r\n" : "", more ? more : "");
}

/* ---------------------------------------------------------------- streams */

struct Stream {
    GSocketConnection *conn;
    GString *text; /* the body so far */
    int status;
};

static gboolean
stream_read(Stream *s, double seconds)
{
    GSocket *sock = g_socket_connection_get_socket(s->conn);
    if (!g_socket_condition_timed_wait(sock, G_IO_IN, (gint64)(seconds * G_USEC_PER_SEC), NULL,
                                       NULL))
        return FALSE;
    char buf[8192];
    gssize n = g_socket_receive(sock, buf, sizeof buf, NULL, NULL);
    if (n <= 0)
        return FALSE;
    g_string_append_len(s->text, buf, n);
    return TRUE;
}

Stream *
stream_open(const char *target, const char *headers)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GError) error = NULL;
    Stream *s = g_new0(Stream, 1);
    s->conn = g_socket_client_connect_to_host(client, host, (guint16)port, NULL, &error);
    g_assert_no_error(error);
    s->text = g_string_new(NULL);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(s->conn));
    g_autofree char *head = g_strdup_printf("GET %s HTTP/1.0\r\nHost: %s:%d\r\n%s\r\n", target,
                                            host, port, headers ? headers : "");
    g_assert_true(g_output_stream_write_all(out, head, strlen(head), NULL, NULL, &error));
    gint64 until = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    const char *end = NULL;
    while (!(end = strstr(s->text->str, "\r\n\r\n")) && g_get_monotonic_time() < until)
        if (!stream_read(s, 0.5) && !strstr(s->text->str, "\r\n\r\n"))
            break;
    g_assert_nonnull(end);
    g_assert_true(sscanf(s->text->str, "HTTP/1.%*d %d", &s->status) == 1);
    g_string_erase(s->text, 0, end + 4 - s->text->str);
    return s;
}

void
stream_reset(Stream *s)
{
    GSocket *socket = g_socket_connection_get_socket(s->conn);
    struct linger now = {.l_onoff = 1, .l_linger = 0};
    g_assert_cmpint(setsockopt(g_socket_get_fd(socket), SOL_SOCKET, SO_LINGER, &now, sizeof now),
                    ==, 0);
    g_assert_true(g_socket_close(socket, NULL));
    stream_close(s);
}

int
stream_status(const Stream *s)
{
    return s->status;
}

gboolean
stream_wait(Stream *s, const char *needle, double seconds)
{
    gint64 until = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    while (!strstr(s->text->str, needle)) {
        gint64 left = until - g_get_monotonic_time();
        if (left <= 0)
            return FALSE;
        stream_read(s, MIN((double)left / G_USEC_PER_SEC, 0.2));
    }
    return TRUE;
}

const char *
stream_text(const Stream *s)
{
    return s->text->str;
}

void
stream_close(Stream *s)
{
    g_object_unref(s->conn);
    g_string_free(s->text, TRUE);
    g_free(s);
}
