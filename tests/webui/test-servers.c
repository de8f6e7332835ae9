/* test-servers.c: two `photodesk serve` on one library and one catalog, as behind a
 * load balancer: a session opened on one is good on the other, with its CSRF token;
 * failed logins spread over both are counted together; a photo the first one's hot
 * folder takes is found through the second, and the second's event stream tells of it.
 * On SQLite the two share the library's catalog.db; run against PostgreSQL (suite pg)
 * they share a database, and the second hears of the photo by NOTIFY. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

#include "../cli/e2e.h"
#include "http.h"

static Served a, b;
static char *hot;

/* A wire photo dropped into the first server's hot folder, as an agency's feed does:
 * written under a dot-name, renamed into place. */
static void
drop(const char *name, const char *caption, const char *reference, int seed)
{
    g_autofree char *xmp = wire_xmp(caption, "Lehtikuva", reference, "2026-12-06T07:30:00+02:00");
    g_autofree char *made = make_photo(name, 320, 240, seed, xmp, 0);
    g_autofree char *hidden = g_strconcat(".", name, ".part", NULL);
    g_autofree char *part = g_build_filename(hot, hidden, NULL);
    g_autofree char *dest = g_build_filename(hot, name, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(made, &data, &len, NULL));
    g_assert_true(g_file_set_contents(part, data, (gssize)len, NULL));
    g_assert_cmpint(g_rename(part, dest), ==, 0);
}

static void
test_session_on_both(void)
{
    serve_use(&a);
    Session s = login_user("anna", "correct horse");
    serve_use(&b);
    Reply me = http("GET", "/api/me", s.cookie, NULL, 0);
    g_assert_cmpint(me.status, ==, 200);
    g_assert_nonnull(strstr(body_text(&me), "\"anna\""));
    reply_clear(&me);
    /* a change through the other server, with the token the first gave */
    g_autofree char *h = with(&s, TRUE, "Content-Type: application/json\r\n");
    const char *body = "{\"name\": \"Second server\"}";
    Reply made = http("POST", "/api/lightboxes", h, body, strlen(body));
    g_assert_cmpint(made.status, ==, 201);
    reply_clear(&made);
    g_autofree char *forged = with(&s, FALSE,
                                   "Content-Type: application/json\r\n"
                                   "X-CSRF-Token: 0000\r\n");
    Reply refused = http("POST", "/api/lightboxes", forged, body, strlen(body));
    g_assert_cmpint(refused.status, ==, 403);
    reply_clear(&refused);
    /* logged out through the first: gone on the second too */
    serve_use(&a);
    g_autofree char *out = with(&s, TRUE, NULL);
    Reply bye = http("POST", "/api/logout", out, NULL, 0);
    g_assert_cmpint(bye.status, ==, 200);
    reply_clear(&bye);
    /* the second server hears of it at once on PostgreSQL; on SQLite its cache keeps
     * the session for up to ten seconds (webui/cache.c) */
    serve_use(&b);
    gboolean pg = g_getenv("PHOTODESK_CATALOG") != NULL;
    gint64 until = g_get_monotonic_time() + (pg ? 5 : 15) * G_USEC_PER_SEC;
    int status = 0;
    while (g_get_monotonic_time() < until) {
        Reply gone = http("GET", "/api/me", s.cookie, NULL, 0);
        status = gone.status;
        reply_clear(&gone);
        if (status == 401)
            break;
        g_usleep(100000);
    }
    g_assert_cmpint(status, ==, 401);
    session_clear(&s);
}

static void
test_failures_counted_together(void)
{
    /* five wrong passwords for dora, alternating between the servers: the sixth try,
     * the right password, is refused by either */
    for (int i = 0; i < 5; i++) {
        serve_use(i % 2 ? &b : &a);
        Reply r = login_as("dora", "wrong guess");
        g_assert_cmpint(r.status, ==, 401);
        reply_clear(&r);
    }
    for (int i = 0; i < 2; i++) {
        serve_use(i ? &b : &a);
        Reply r = login_as("dora", "pw-dora");
        g_assert_cmpint(r.status, ==, 429);
        g_assert_nonnull(header(&r, "retry-after"));
        reply_clear(&r);
    }
}

static void
test_photo_through_the_other(void)
{
    serve_use(&b);
    Session s = login_user("anna", "correct horse");
    Stream *events = stream_open("/api/events", s.cookie);
    g_assert_cmpint(stream_status(events), ==, 200);
    g_assert_true(stream_wait(events, "event: ready", 10));

    /* the first server's hot folder takes it */
    drop("ferries.jpg", "Ferries leave Helsinki harbour at dawn, Finland.", "LKV404", 21);

    /* the second server tells of it, and finds it */
    if (!stream_wait(events, "event: photo", 30))
        g_error("no photo event through the second server: %s", stream_text(events));
    Reply found = http("GET", "/api/photos?q=helsinki+ferries", s.cookie, NULL, 0);
    g_assert_cmpint(found.status, ==, 200);
    g_assert_nonnull(strstr(body_text(&found), "Ferries leave Helsinki"));
    reply_clear(&found);
    stream_close(events);
    session_clear(&s);
}

/* PostgreSQL restarted, or the network between dropped every connection: the servers
 * connect again by themselves, and the event stream goes on. */
static void
test_connections_lost(void)
{
    if (g_getenv("PHOTODESK_CATALOG") == NULL) {
        g_test_skip("on SQLite there is no connection to lose");
        return;
    }
    serve_use(&b);
    Session s = login_user("anna", "correct horse");
    Stream *events = stream_open("/api/events", s.cookie);
    g_assert_true(stream_wait(events, "event: ready", 10));
    g_autofree char *ended =
        catalog_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    g_assert_cmpint(g_ascii_strtoll(ended, NULL, 10), >=, 2);
    for (int i = 0; i < 2; i++) {
        serve_use(i ? &b : &a);
        Session again = login_user("anna", "correct horse");
        Reply found = http("GET", "/api/photos?q=ferries", again.cookie, NULL, 0);
        g_assert_cmpint(found.status, ==, 200);
        reply_clear(&found);
        session_clear(&again);
    }
    drop("trams.jpg", "Trams in the snow in Helsinki, Finland.", "LKV405", 22);
    if (!stream_wait(events, "\"photo_id\": 2", 30))
        g_error("no event after the connections were lost: %s", stream_text(events));
    stream_close(events);
    session_clear(&s);
}

/* Whether process @pid has ended (gone, or a zombie its new parent has not reaped). */
static gboolean
ended(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
    g_autofree char *stat = NULL;
    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return TRUE;
    const char *state = strrchr(stat, ')');
    return state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
}

/* A test process that ends while its server runs (a failed assertion aborts it) takes the
 * server with it: nothing is left running, holding the port and the library. */
static void
test_gone_with_the_test(void)
{
    g_autofree char *said = g_build_filename(workdir, "server.pid", NULL);
    pid_t test = fork();
    g_assert_cmpint(test, >=, 0);
    if (test == 0) {
        Served s = serve_start(NULL);
        g_autofree char *pid = g_strdup_printf("%d", s.pid);
        _exit(g_file_set_contents(said, pid, -1, NULL) ? 1 : 2);
    }
    int status = 0;
    g_assert_cmpint(waitpid(test, &status, 0), ==, test);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(said, &text, NULL, NULL));
    GPid server = atoi(text);
    g_assert_cmpint(server, >, 0);
    gint64 until = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!ended(server) && g_get_monotonic_time() < until)
        g_usleep(20000);
    if (!ended(server)) {
        kill(server, SIGKILL);
        g_test_fail_printf("the server %d ran on after its test process ended", server);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    setup();
    add_user("anna", "correct horse");
    add_user("dora", "pw-dora");
    hot = g_build_filename(workdir, "hot", NULL);
    g_assert_cmpint(g_mkdir(hot, 0755), ==, 0);
    a = serve_start((const char *const[]){"--watch", hot, "--settle", "0.3", NULL});
    b = serve_start(NULL);
    g_test_add_func("/servers/session-on-both", test_session_on_both);
    g_test_add_func("/servers/failures-counted-together", test_failures_counted_together);
    g_test_add_func("/servers/photo-through-the-other", test_photo_through_the_other);
    g_test_add_func("/servers/connections-lost", test_connections_lost);
    g_test_add_func("/servers/gone-with-the-test", test_gone_with_the_test);
    int status = g_test_run();
    serve_stop(&a);
    serve_stop(&b);
    g_free(a.log);
    g_free(b.log);
    g_free(hot);
    teardown();
    return status;
}
