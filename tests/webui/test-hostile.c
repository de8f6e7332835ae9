/* test-hostile.c: `photodesk serve` against what an attacker on the network sends: JSON
 * nested to overflow a recursive parser, NUL inside strings, empty bodies, two framings
 * at once, large bodies from clients that have not logged in, logins tried in parallel
 * and with enormous names. The server must answer each with a clear 4xx, stay alive, and
 * keep its memory bounded. On a server of its own: the throttling tested here blocks
 * its address. */
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "../cli/e2e.h"
#include "http.h"

static Served server;

/* The server's resident memory, in KiB (/proc). */
static gint64
rss_kib(void)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", server.pid);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    const char *at = strstr(text, "VmRSS:");
    g_assert_nonnull(at);
    return g_ascii_strtoll(at + strlen("VmRSS:"), NULL, 10);
}

/* Whether resident memory says what the server keeps: not under AddressSanitizer, which
 * holds freed memory back in its quarantine (the server is built as the test is). */
static gboolean
memory_is_measured(void)
{
#if defined(__SANITIZE_ADDRESS__)
    g_test_message("memory not compared: AddressSanitizer keeps freed memory in quarantine");
    return FALSE;
#else
    return TRUE;
#endif
}

static void
alive(void)
{
    Reply r = http("GET", "/", NULL, NULL, 0);
    g_assert_cmpint(r.status, ==, 200);
    reply_clear(&r);
}

/* @open_char @depth times, then @middle, then @close_char @depth times. */
static char *
nested(const char *open, const char *middle, const char *close, int depth)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < depth; i++)
        g_string_append(s, open);
    g_string_append(s, middle);
    for (int i = 0; i < depth; i++)
        g_string_append(s, close);
    return g_string_free(s, FALSE);
}

static void
expect_status(const char *method, const char *target, const char *headers, const char *body,
              gsize len, int status, const char *says)
{
    Reply r = http(method, target, headers, body, len);
    if (r.status != status || (says && strstr(body_text(&r), says) == NULL))
        g_error("%s %s: %d %s, not %d with \"%s\"", method, target, r.status, body_text(&r), status,
                says ? says : "");
    reply_clear(&r);
}

static void
test_nested_json(void)
{
    const char *json = "Content-Type: application/json\r\n";
    /* the login: its body is small, and nesting is counted before any parser runs */
    g_autofree char *deep = g_strnfill(4000, '[');
    expect_status("POST", "/api/login", json, deep, strlen(deep), 400, "nested deeper");
    g_autofree char *huge = g_strnfill(160 * 1000, '[');
    expect_status("POST", "/api/login", json, huge, strlen(huge), 413, NULL);
    alive();
    /* logged in, the whole body limit of nesting */
    Session s = login_user("anna", "pw-anna");
    g_autofree char *h = with(&s, TRUE, json);
    g_autofree char *flood = g_strnfill(80 * 1000, '[');
    expect_status("PATCH", "/api/photos/1", h, flood, strlen(flood), 400, "nested deeper");
    g_autofree char *objects = nested("{\"a\": ", "1", "}", 80000 / 7);
    expect_status("PATCH", "/api/photos/1", h, objects, strlen(objects), 400, "nested deeper");
    /* at the limit it is parsed (and refused for what it says), past it not */
    g_autofree char *at = nested("[", "1", "]", 32);
    expect_status("PATCH", "/api/photos/1", h, at, strlen(at), 400, "malformed JSON");
    g_autofree char *past = nested("[", "1", "]", 33);
    expect_status("PATCH", "/api/photos/1", h, past, strlen(past), 400, "nested deeper");
    /* brackets inside strings are text */
    const char *text = "{\"headline\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}";
    expect_status("PATCH", "/api/photos/1", h, text, strlen(text), 200, NULL);
    alive();
    session_clear(&s);
}

static void
test_nul_and_empty(void)
{
    Session s = login_user("anna", "pw-anna");
    g_autofree char *h = with(&s, TRUE, "Content-Type: application/json\r\n");
    const char *escaped = "{\"caption\": \"before\\u0000after\"}";
    expect_status("PATCH", "/api/photos/1", h, escaped, strlen(escaped), 400, "NUL");
    const char raw[] = "{\"caption\": \"before\0after\"}";
    expect_status("PATCH", "/api/photos/1", h, raw, sizeof raw - 1, 400, "NUL");
    expect_status("PATCH", "/api/photos/1", h, "", 0, 400, "empty");
    expect_status("POST", "/api/login", "Content-Type: application/json\r\n", "", 0, 400, "empty");
    /* the caption was not cut at the NUL */
    Reply r = http("GET", "/api/photos/1", s.cookie, NULL, 0);
    g_assert_null(strstr(body_text(&r), "\"caption\": \"before\""));
    reply_clear(&r);
    session_clear(&s);
}

static void
test_two_framings(void)
{
    Session s = login_user("anna", "pw-anna");
    g_autofree char *h =
        with(&s, TRUE, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
    const char *body = "{\"city\": \"Oslo\"}";
    expect_status("PATCH", "/api/photos/1", h, body, strlen(body), 400, "Transfer-Encoding");
    alive();
    session_clear(&s);
}

/* The method is the client's: escaped in the access log, and the 405 is JSON. */
static void
test_odd_method(void)
{
    Reply r = http("PU\"T", "/api/login", "Content-Type: application/json\r\n", "{}", 2);
    g_assert_cmpint(r.status, ==, 405);
    JsonObject *o = json_of(&r); /* a quote in the method would have broken it */
    g_assert_nonnull(strstr(json_object_get_string_member(o, "error"), "PU\"T"));
    json_object_unref(o);
    reply_clear(&r);
}

typedef struct {
    const char *target;
    gsize bytes;
    int status;
} Body;

static gpointer
send_body(gpointer data)
{
    Body *b = data;
    g_autofree char *payload = g_strnfill(b->bytes, ' ');
    Reply r = http("POST", b->target, "Content-Type: application/json\r\n", payload, b->bytes);
    b->status = r.status;
    reply_clear(&r);
    return NULL;
}

/* Large bodies from clients that have not logged in are refused from their headers:
 * nothing is buffered for them. */
static void
test_anonymous_bodies(void)
{
    gint64 before = rss_kib();
    enum { N = 60 };
    Body bodies[N];
    GThread *threads[N];
    for (int i = 0; i < N; i++) {
        bodies[i] = (Body){"/api/articles", 1000 * 1000, 0};
        threads[i] = g_thread_new("anonymous", send_body, &bodies[i]);
    }
    for (int i = 0; i < N; i++) {
        g_thread_join(threads[i]);
        g_assert_cmpint(bodies[i].status, ==, 401);
    }
    gint64 after = rss_kib();
    g_test_message("resident memory %" G_GINT64_FORMAT " KiB before, %" G_GINT64_FORMAT
                   " KiB after %d anonymous 1 MB bodies",
                   before, after, N);
    if (memory_is_measured())
        g_assert_cmpint(after - before, <, 4 * 1024);
    alive();
}

typedef struct {
    const char *name, *password;
    int status;
} Try;

static gpointer
try_login(gpointer data)
{
    Try *t = data;
    Reply r = login_as(t->name, t->password);
    t->status = r.status;
    reply_clear(&r);
    return NULL;
}

/* Forty tries at once on one account: no more passwords are checked than the limit. */
static void
test_parallel_tries(void)
{
    enum { N = 40 };
    Try tries[N];
    GThread *threads[N];
    for (int i = 0; i < N; i++) {
        tries[i] = (Try){"dora", "a guess", 0};
        threads[i] = g_thread_new("try", try_login, &tries[i]);
    }
    int checked = 0, refused = 0;
    for (int i = 0; i < N; i++) {
        g_thread_join(threads[i]);
        checked += tries[i].status == 401;
        refused += tries[i].status == 429;
    }
    g_test_message("%d passwords checked, %d refused at once", checked, refused);
    g_assert_cmpint(checked, ==, 5);
    g_assert_cmpint(refused, ==, N - 5);
    /* the right password waits too, until the window ends */
    Reply right = login_as("dora", "pw-dora");
    g_assert_cmpint(right.status, ==, 429);
    reply_clear(&right);
}

/* Names of a megabyte, and a flood of new names: refused or bounded, memory stays. */
static void
test_name_flood(void)
{
    gint64 before = rss_kib();
    g_autofree char *long_name = g_strnfill(1000 * 1000, 'x');
    for (int i = 0; i < 30; i++) {
        Reply r = login_as(long_name, "pw");
        g_assert_cmpint(r.status, ==, 413);
        reply_clear(&r);
    }
    g_autofree char *name300 = g_strnfill(300, 'y');
    Reply r = login_as(name300, "pw");
    g_assert_cmpint(r.status, ==, 400);
    g_assert_nonnull(strstr(body_text(&r), "256"));
    reply_clear(&r);
    for (int i = 0; i < 3000; i++) {
        g_autofree char *name = g_strdup_printf("%0200d", i);
        Reply f = login_as(name, "pw");
        g_assert_true(f.status == 401 || f.status == 429);
        reply_clear(&f);
    }
    gint64 after = rss_kib();
    g_test_message("resident memory %" G_GINT64_FORMAT " KiB before, %" G_GINT64_FORMAT
                   " KiB after 3,030 failed logins with new or enormous names",
                   before, after);
    if (memory_is_measured())
        g_assert_cmpint(after - before, <, 16 * 1024);
    alive();
}

/* ---------------------------------------------------------------- slow clients */

typedef struct {
    GArray *fds; /* int */
    volatile int stop;
    int closed; /* connections the server ended */
} Slow;

/* A connection from @source (another loopback address) that has sent a request line and
 * half a header, or -1 when it was refused. */
static int
slow_connection(const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(fd, >=, 0);
    struct sockaddr_in from = {.sin_family = AF_INET};
    inet_pton(AF_INET, source, &from.sin_addr);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&from, sizeof from), ==, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((guint16)server.port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        close(fd);
        return -1;
    }
    static const char start[] = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    if (send(fd, start, sizeof start - 1, MSG_NOSIGNAL) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One more byte of the header on every connection, every second: never idle, never done. */
static gpointer
dribble(gpointer data)
{
    Slow *slow = data;
    while (!slow->stop) {
        for (guint i = 0; i < slow->fds->len; i++) {
            int *fd = &g_array_index(slow->fds, int, i);
            if (*fd >= 0 && send(*fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN) {
                close(*fd);
                *fd = -1;
                g_atomic_int_inc(&slow->closed);
            }
        }
        g_usleep(G_USEC_PER_SEC);
    }
    return NULL;
}

/* 540 connections from nine addresses that send a header byte a second: the server keeps
 * answering a fresh client at once, and ends each slow one at its deadline. */
static void
test_slowloris(void)
{
    Slow slow = {g_array_new(FALSE, FALSE, sizeof(int)), 0, 0};
    for (int a = 2; a <= 10; a++) {
        g_autofree char *source = g_strdup_printf("127.0.0.%d", a);
        for (int i = 0; i < 60; i++) {
            int fd = slow_connection(source);
            g_array_append_val(slow.fds, fd);
        }
    }
    GThread *t = g_thread_new("slow", dribble, &slow);
    g_usleep(2 * G_USEC_PER_SEC); /* the attack settled */
    for (int i = 0; i < 3; i++) {
        gint64 start = g_get_monotonic_time();
        Reply r = http("GET", "/", NULL, NULL, 0);
        gint64 took = g_get_monotonic_time() - start;
        g_assert_cmpint(r.status, ==, 200);
        reply_clear(&r);
        g_test_message("a fresh client served in %.1f ms beside %u slow connections", took / 1000.0,
                       slow.fds->len);
        g_assert_cmpint(took, <, G_USEC_PER_SEC);
    }
    /* the deadline: every slow connection is ended, none lives past it for long */
    for (int i = 0; i < 20 && g_atomic_int_get(&slow.closed) < (int)slow.fds->len; i++)
        g_usleep(G_USEC_PER_SEC);
    slow.stop = 1;
    g_thread_join(t);
    g_test_message("%d of %u slow connections ended by the server", slow.closed, slow.fds->len);
    g_assert_cmpint(slow.closed, ==, (int)slow.fds->len);
    g_array_unref(slow.fds);
    alive();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    setup();
    g_autofree char *x = wire_xmp("A quiet street in Oslo. (AP Photo/Ola Nordmann)", "AP", NULL,
                                  "2024-05-17T12:00:00+02:00");
    g_autofree char *path = make_photo("oslo.jpg", 320, 240, 1, x, 0);
    Run r = RUN("ingest", path);
    g_assert_cmpint(r.status, ==, 0);
    run_clear(&r);
    add_user("anna", "pw-anna");
    add_user("dora", "pw-dora");
    server = serve_start(NULL);
    g_test_add_func("/hostile/nested-json", test_nested_json);
    g_test_add_func("/hostile/nul-and-empty", test_nul_and_empty);
    g_test_add_func("/hostile/two-framings", test_two_framings);
    g_test_add_func("/hostile/odd-method", test_odd_method);
    g_test_add_func("/hostile/anonymous-bodies", test_anonymous_bodies);
    g_test_add_func("/hostile/parallel-tries", test_parallel_tries);
    g_test_add_func("/hostile/name-flood", test_name_flood);
    g_test_add_func("/hostile/slowloris", test_slowloris);
    int status = g_test_run();
    serve_stop(&server);
    teardown();
    return status;
}
