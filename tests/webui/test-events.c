/* test-events.c: GET /api/events against `photodesk serve --watch`: a client hears of a
 * photo the hot folder took, of one a CLI ingest beside the server took, of a caption
 * corrected through the API and of a kill; reconnecting with Last-Event-ID replays
 * what it missed; only a session may listen. */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <vips/vips.h>

#include "../cli/e2e.h"
#include "http.h"

static Served server;
static char *hot;

static char *
caption_xmp_with(const char *caption, const char *reference, const char *instructions)
{
    return g_strdup_printf(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" photoshop:Credit=\"AP\" "
        "photoshop:Source=\"AP\" photoshop:TransmissionReference=\"%s\" "
        "photoshop:Instructions=\"%s\" "
        "photoshop:DateCreated=\"2026-12-06T10:00:00+01:00\"><dc:description><rdf:Alt><rdf:li "
        "xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description></rdf:Description>"
        "</rdf:RDF></x:xmpmeta>",
        reference, instructions, caption);
}

static char *
caption_xmp(const char *caption, const char *reference)
{
    return caption_xmp_with(caption, reference, "");
}

/* A wire photo @name (its scene from @seed) taken by a CLI ingest beside the server. */
static void
ingest_beside(const char *name, int seed, const char *caption, const char *reference)
{
    g_autofree char *xmp = caption_xmp(caption, reference);
    g_autofree char *made = make_photo(name, 400, 300, seed, xmp, 0);
    Run r = RUN("ingest", made);
    g_assert_cmpint(r.status, ==, 0);
    run_clear(&r);
}

/* The id of the photo the last "photo" event in @text names. */
static gint64
last_photo_id(const char *text)
{
    const char *at = NULL, *p = text;
    while ((p = strstr(p, "event: photo\ndata: ")))
        at = p++;
    g_assert_nonnull(at);
    const char *id = strstr(at, "\"photo_id\": ");
    g_assert_nonnull(id);
    return g_ascii_strtoll(id + strlen("\"photo_id\": "), NULL, 10);
}

static void
test_events(void)
{
    Session s = login_user("anna", "correct horse");

    /* nobody who has not logged in listens */
    Stream *anon = stream_open("/api/events", NULL);
    g_assert_cmpint(stream_status(anon), ==, 401);
    stream_close(anon);
    Stream *bad = stream_open("/api/events", "Last-Event-ID: yesterday\r\n");
    g_assert_cmpint(stream_status(bad), ==, 401); /* the session first */
    stream_close(bad);
    g_autofree char *bad_id = g_strdup_printf("%sLast-Event-ID: yesterday\r\n", s.cookie);
    bad = stream_open("/api/events", bad_id);
    g_assert_cmpint(stream_status(bad), ==, 400);
    stream_close(bad);

    Stream *a = stream_open("/api/events", s.cookie);
    g_assert_cmpint(stream_status(a), ==, 200);
    g_assert_true(stream_wait(a, "event: ready", 5));

    /* the hot folder takes a photo: its event arrives */
    g_autofree char *x1 = caption_xmp("Workers clear snow in Oslo, Norway, Sunday, Dec. 6, 2026. "
                                      "(AP Photo/Ingrid Solberg)",
                                      "OSL101");
    g_autofree char *made = make_photo("oslo.jpg", 400, 300, 11, x1, 0);
    g_autofree char *into = g_build_filename(hot, "oslo.jpg", NULL);
    g_assert_cmpint(g_rename(made, into), ==, 0);
    g_assert_true(stream_wait(a, "event: photo", 15));
    gint64 oslo = last_photo_id(stream_text(a));

    /* a CLI ingest beside the server: heard all the same */
    ingest_beside("tram.jpg", 12,
                  "A tram passes the harbour in Helsinki, Finland. (AP Photo/Jan Kowalski)",
                  "HEL202");
    g_autofree char *second = g_strdup_printf("\"photo_id\": %" G_GINT64_FORMAT, oslo + 1);
    g_assert_true(stream_wait(a, second, 10));

    /* a correction through the API: a version event */
    g_autofree char *target = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, oslo);
    static const char fix[] = "{\"headline\": \"Norway Snow\"}";
    g_autofree char *h = with(&s, TRUE, "Content-Type: application/json\r\n");
    Reply patched = http("PATCH", target, h, fix, strlen(fix));
    g_assert_cmpint(patched.status, ==, 200);
    reply_clear(&patched);
    g_assert_true(stream_wait(a, "event: version", 10));
    g_autofree char *v2 =
        g_strdup_printf("\"photo_id\": %" G_GINT64_FORMAT ", \"version\": 2", oslo);
    g_assert_true(stream_wait(a, v2, 5));

    /* the wire kills it: a re-send whose caption says so, through the hot folder */
    g_autofree char *x3 = caption_xmp_with("Workers clear snow in Oslo, Norway, Sunday, Dec. 6, "
                                           "2026. (AP Photo/Ingrid Solberg)",
                                           "OSL101", "MANDATORY KILL - PHOTO WITHDRAWN");
    g_autofree char *kill_made = make_photo("oslo-kill.jpg", 400, 300, 11, x3, 0);
    g_autofree char *kill_into = g_build_filename(hot, "oslo-kill.jpg", NULL);
    g_assert_cmpint(g_rename(kill_made, kill_into), ==, 0);
    g_autofree char *killed =
        g_strdup_printf("\"photo_id\": %" G_GINT64_FORMAT ", \"version\": 3, \"kill\": true", oslo);
    if (!stream_wait(a, killed, 15))
        g_error("no kill event in:\n%s", stream_text(a));

    /* a client that dropped after the first event gets the rest again */
    const char *text = stream_text(a);
    const char *first = strstr(text, "event: photo");
    g_assert_nonnull(first);
    const char *id_line = first;
    while (id_line > text && !g_str_has_prefix(id_line, "id: "))
        id_line--;
    gint64 first_id = g_ascii_strtoll(id_line + 4, NULL, 10);
    g_assert_cmpint(first_id, >, 0);
    g_autofree char *resume =
        g_strdup_printf("%sLast-Event-ID: %" G_GINT64_FORMAT "\r\n", s.cookie, first_id);
    Stream *b = stream_open("/api/events", resume);
    g_assert_cmpint(stream_status(b), ==, 200);
    g_assert_true(stream_wait(b, killed, 5));
    g_assert_nonnull(strstr(stream_text(b), second));
    g_assert_nonnull(strstr(stream_text(b), v2));
    g_assert_null(strstr(stream_text(b), "event: ready"));
    /* what it had already is not sent again */
    g_autofree char *had = g_strdup_printf("id: %" G_GINT64_FORMAT "\n", first_id);
    g_assert_null(strstr(stream_text(b), had));
    stream_close(b);
    stream_close(a);
    session_clear(&s);
}

/* "New since I last looked": the photos after the editor's seen point, counted and
 * found; the point only moves forward. */
static void
test_seen(void)
{
    Session s = login_user("anna", "correct horse");
    Reply me = http("GET", "/api/me", s.cookie, NULL, 0);
    JsonObject *o = json_of(&me);
    gint64 seen = json_object_get_int_member(o, "seen_photo_id");
    gint64 newest = json_object_get_int_member(o, "newest_photo_id");
    g_assert_cmpint(newest, >=, 2);
    json_object_unref(o);
    reply_clear(&me);
    g_autofree char *q = g_strdup_printf("/api/photos?after=%" G_GINT64_FORMAT, seen);
    Reply found = http("GET", q, s.cookie, NULL, 0);
    g_assert_cmpint(found.status, ==, 200);
    JsonObject *fo = json_of(&found);
    g_assert_cmpint(json_object_get_int_member(fo, "total"), ==, newest - seen);
    json_object_unref(fo);
    reply_clear(&found);

    g_autofree char *h = with(&s, TRUE, "Content-Type: application/json\r\n");
    g_autofree char *body = g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", newest);
    Reply set = http("POST", "/api/me/seen", h, body, strlen(body));
    g_assert_cmpint(set.status, ==, 200);
    reply_clear(&set);
    static const char back[] = "{\"photo_id\": 1}";
    Reply again = http("POST", "/api/me/seen", h, back, strlen(back));
    g_assert_cmpint(again.status, ==, 200);
    JsonObject *ao = json_of(&again);
    g_assert_cmpint(json_object_get_int_member(ao, "seen_photo_id"), ==, newest);
    json_object_unref(ao);
    reply_clear(&again);
    Reply none = http("POST", "/api/me/seen", s.cookie, back, strlen(back));
    g_assert_cmpint(none.status, ==, 403); /* no CSRF token */
    reply_clear(&none);
    session_clear(&s);
}

/* A client that goes away without a word (a tab killed, a laptop shut) is nothing to tell
 * the operator of: the server's next write to it fails, and its log stays free of it. */
static void
test_client_gone(void)
{
    Session s = login_user("anna", "correct horse");
    Stream *gone = stream_open("/api/events", s.cookie);
    g_assert_true(stream_wait(gone, "event: ready", 5));
    stream_reset(gone);
    Stream *other = stream_open("/api/events", s.cookie);
    g_assert_true(stream_wait(other, "event: ready", 5));
    /* an event: the server writes it to every stream it has */
    ingest_beside("tallinn.jpg", 13, "Ice on the harbour in Tallinn, Estonia. (AP Photo/Mari Tamm)",
                  "TLL303");
    g_assert_true(stream_wait(other, "event: photo", 10));
    g_usleep(G_USEC_PER_SEC / 2);
    stream_close(other);
    session_clear(&s);
    g_autofree char *log = NULL;
    g_assert_true(g_file_get_contents(server.log, &log, NULL, NULL));
    static const char *const quiet[] = {"remote peer", "no longer available", "not connected",
                                        "photodesk serve: "};
    for (guint i = 0; i < G_N_ELEMENTS(quiet); i++)
        if (strstr(log, quiet[i]))
            g_error("the server's log tells of a client that went away:\n%s", log);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    setup();
    add_user("anna", "correct horse");
    hot = g_build_filename(workdir, "hot", NULL);
    g_assert_cmpint(g_mkdir(hot, 0755), ==, 0);
    server = serve_start((const char *const[]){"--watch", hot, "--settle", "0.3", NULL});
    g_test_add_func("/events/stream", test_events);
    g_test_add_func("/events/seen", test_seen);
    g_test_add_func("/events/client-gone", test_client_gone);
    int status = g_test_run();
    serve_stop(&server);
    g_autofree char *log = NULL;
    g_assert_true(g_file_get_contents(server.log, &log, NULL, NULL));
    g_assert_nonnull(strstr(log, "watch "));
    g_assert_nonnull(strstr(log, "oslo.jpg  added  photo"));
    g_free(server.log);
    g_free(hot);
    teardown();
    return status;
}
