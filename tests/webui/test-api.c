/* test-api.c: the web API against `photodesk serve` started on a free port: logins,
 * sessions, CSRF, throttling; search, photos, corrections, history, uploads, files with
 * their ETags; articles, their placements, the wire's rules and the package read back
 * with exiftool; and bad input: traversal, unknown routes, wrong methods, oversized and
 * malformed bodies. */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <vips/vips.h>

#include "../cli/delivered.h"
#include "../cli/e2e.h"
#include "http.h"

static Session
login(void)
{
    return login_user("anna", "correct horse");
}

static Served server;
static char *fire; /* "/api/photos/ID" of the photo whose caption is markup */

/* ---------------------------------------------------------------- the server */

static char *
xmp(const char *caption, const char *date)
{
    return g_strdup_printf(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" photoshop:Credit=\"AP\" "
        "photoshop:DateCreated=\"%s\"><dc:description><rdf:Alt><rdf:li "
        "xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description></rdf:Description>"
        "</rdf:RDF></x:xmpmeta>",
        date, caption);
}

static void
start_server(void)
{
    setup();
    /* two photos, one with a caption that is markup */
    g_autofree char *x1 = xmp("Russian President Vladimir Putin attends an Orthodox Easter service "
                              "in Moscow, Russia, Saturday, April 15, 2023. (AP Photo/Alexander "
                              "Zemlianichenko)",
                              "2023-04-15T23:41:00+03:00");
    g_autofree char *x2 = xmp("&lt;img src=x onerror=alert(1)&gt; Firefighters work in Valdemoro, "
                              "Spain. (AP Photo/Lucia Romero)",
                              "2024-08-11T14:00:00+02:00");
    g_autofree char *p1 = make_photo("putin.jpg", 300, 200, 1, x1, 0);
    g_autofree char *p2 = make_photo("fire.jpg", 300, 200, 2, x2, 0);
    Run r = RUN("ingest", p1, p2);
    g_assert_cmpint(r.status, ==, 0);
    run_clear(&r);
    add_user("anna", "correct horse");
    Run found = RUN("search", "--json", "onerror");
    g_assert_cmpint(found.status, ==, 0);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, found.out, -1, NULL));
    JsonObject *hit = json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)), "results"),
        0);
    fire = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, json_object_get_int_member(hit, "id"));
    run_clear(&found);

    server = serve_start((const char *const[]){"--max-upload", "4", NULL});
}

static void
stop_server(void)
{
    serve_stop(&server);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(server.log, &text, NULL, NULL));
    /* one access-log line per request, with its status */
    g_assert_nonnull(strstr(text, "\"GET /api/me\" 401"));
    g_autofree char *patched = g_strdup_printf("anna \"PATCH %s\" 200", fire);
    g_assert_nonnull(strstr(text, patched));
    g_free(server.log);
    teardown();
}

/* The desk's agencies: every editor reads them, only an admin sets them; a search asks
 * for every copy with all=1. */
static void
test_agencies(void)
{
    Session s = login();
    Reply got = http("GET", "/api/agencies", s.cookie, NULL, 0);
    g_assert_cmpint(got.status, ==, 200);
    g_assert_cmpstr(body_text(&got), ==, "{\"agencies\": []}");
    reply_clear(&got);
    static const char set[] = "{\"agencies\": [\"Reuters\", \"AP\"]}";
    g_autofree char *h = with(&s, TRUE, "Content-Type: application/json\r\n");
    Reply no = http("PUT", "/api/agencies", h, set, strlen(set));
    g_assert_cmpint(no.status, ==, 403);
    reply_clear(&no);
    g_autofree char *cmd =
        g_strdup_printf("printf 'desk chief\\n' | '%s' --library '%s' user add chief --role admin",
                        g_getenv("PHOTODESK_BIN"), library);
    g_assert_cmpint(system(cmd), ==, 0);
    Session admin = login_user("chief", "desk chief");
    g_autofree char *ha = with(&admin, TRUE, "Content-Type: application/json\r\n");
    Reply ok = http("PUT", "/api/agencies", ha, set, strlen(set));
    g_assert_cmpint(ok.status, ==, 200);
    g_assert_cmpstr(body_text(&ok), ==, "{\"agencies\": [\"Reuters\", \"AP\"]}");
    reply_clear(&ok);
    static const char bad[] = "{\"agencies\": [\"AP\", 7]}";
    Reply refused = http("PUT", "/api/agencies", ha, bad, strlen(bad));
    g_assert_cmpint(refused.status, ==, 400);
    reply_clear(&refused);
    Reply all = http("GET", "/api/photos?all=1", s.cookie, NULL, 0);
    g_assert_cmpint(all.status, ==, 200);
    JsonObject *o = json_of(&all);
    JsonObject *first =
        json_array_get_object_element(json_object_get_array_member(o, "results"), 0);
    g_assert_true(json_object_has_member(first, "group"));
    g_assert_true(json_object_has_member(first, "group_size"));
    json_object_unref(o);
    reply_clear(&all);
    Reply photo = http("GET", fire, s.cookie, NULL, 0);
    JsonObject *po = json_of(&photo);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(po, "same_picture")), ==,
                     0);
    json_object_unref(po);
    reply_clear(&photo);
    static const char none[] = "{\"agencies\": []}";
    Reply cleared = http("PUT", "/api/agencies", ha, none, strlen(none));
    g_assert_cmpint(cleared.status, ==, 200);
    reply_clear(&cleared);
    session_clear(&admin);
    session_clear(&s);
}

/* ---------------------------------------------------------------- tests */

static void
test_login_and_sessions(void)
{
    const char *guarded[] = {"/api/me", "/api/photos", "/api/photos/1", "/api/photos/1/history",
                             "/photos/1/thumb"};
    for (gsize i = 0; i < G_N_ELEMENTS(guarded); i++) {
        Reply r = http("GET", guarded[i], NULL, NULL, 0);
        g_assert_cmpint(r.status, ==, 401);
        JsonObject *o = json_of(&r);
        g_assert_true(json_object_has_member(o, "error"));
        json_object_unref(o);
        reply_clear(&r);
    }
    Reply wrong = login_as("anna", "wrong");
    g_assert_cmpint(wrong.status, ==, 401);
    g_assert_null(header(&wrong, "set-cookie"));
    reply_clear(&wrong);

    Reply ok = login_as("ANNA", "correct horse"); /* names whatever their case */
    g_assert_cmpint(ok.status, ==, 200);
    const char *cookie = header(&ok, "set-cookie");
    g_assert_true(g_str_has_prefix(cookie, "pd_session="));
    g_assert_nonnull(strstr(cookie, "HttpOnly"));
    g_assert_nonnull(strstr(cookie, "SameSite=Strict"));
    g_assert_nonnull(strstr(cookie, "Path=/"));
    JsonObject *o = json_of(&ok);
    g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(o, "user"), "name"),
                    ==, "anna");
    g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(o, "user"), "role"),
                    ==, "editor");
    json_object_unref(o);
    reply_clear(&ok);

    /* a new token at each login; /api/me gives the same object as the login */
    Session a = login(), b = login();
    g_assert_cmpstr(a.cookie, !=, b.cookie);
    g_assert_cmpstr(a.csrf, !=, b.csrf);
    Reply me = http("GET", "/api/me", a.cookie, NULL, 0);
    g_assert_cmpint(me.status, ==, 200);
    JsonObject *mo = json_of(&me);
    g_assert_cmpstr(json_object_get_string_member(mo, "csrf"), ==, a.csrf);
    json_object_unref(mo);
    reply_clear(&me);

    /* logging out needs the CSRF token, and ends that session only */
    Reply no = http("POST", "/api/logout", a.cookie, NULL, 0);
    g_assert_cmpint(no.status, ==, 403);
    reply_clear(&no);
    g_autofree char *h = with(&a, TRUE, NULL);
    Reply out = http("POST", "/api/logout", h, NULL, 0);
    g_assert_cmpint(out.status, ==, 200);
    g_assert_nonnull(strstr(header(&out, "set-cookie"), "Max-Age=0"));
    reply_clear(&out);
    Reply gone = http("GET", "/api/me", a.cookie, NULL, 0);
    g_assert_cmpint(gone.status, ==, 401);
    reply_clear(&gone);
    Reply still = http("GET", "/api/me", b.cookie, NULL, 0);
    g_assert_cmpint(still.status, ==, 200);
    reply_clear(&still);
    /* a forged cookie is no session */
    Reply forged = http("GET", "/api/me", "Cookie: pd_session=00112233\r\n", NULL, 0);
    g_assert_cmpint(forged.status, ==, 401);
    reply_clear(&forged);
    /* bad login bodies */
    Reply text = http("POST", "/api/login", "Content-Type: text/plain\r\n", "x", 1);
    g_assert_cmpint(text.status, ==, 415);
    reply_clear(&text);
    Reply half = http("POST", "/api/login", "Content-Type: application/json\r\n", "{\"user", 6);
    g_assert_cmpint(half.status, ==, 400);
    reply_clear(&half);
    session_clear(&a);
    session_clear(&b);
}

static void
test_throttle(void)
{
    /* a second account, so that anna's stays open for the other tests */
    g_autofree char *cmd =
        g_strdup_printf("printf 'pw-of-bob\\n' | '%s' --library '%s' user add bob",
                        g_getenv("PHOTODESK_BIN"), library);
    g_assert_cmpint(system(cmd), ==, 0);
    for (int i = 0; i < 5; i++) {
        Reply r = login_as("bob", "guess");
        g_assert_cmpint(r.status, ==, 401);
        reply_clear(&r);
    }
    /* past the limit, even the right password waits */
    Reply r = login_as("bob", "pw-of-bob");
    g_assert_cmpint(r.status, ==, 429);
    g_assert_nonnull(header(&r, "retry-after"));
    reply_clear(&r);
}

static void
test_search_and_photo(void)
{
    Session s = login();
    Reply r = http("GET", "/api/photos?q=putin+easter&limit=10", s.cookie, NULL, 0);
    g_assert_cmpint(r.status, ==, 200);
    JsonObject *o = json_of(&r);
    g_assert_cmpint(json_object_get_int_member(o, "total"), ==, 1);
    JsonObject *hit = json_array_get_object_element(json_object_get_array_member(o, "results"), 0);
    gint64 id = json_object_get_int_member(hit, "id");
    /* the same object the command line prints */
    Run cli = RUN("search", "--json", "--limit", "10", "putin easter");
    g_assert_cmpint(cli.status, ==, 0);
    g_assert_cmpstr(g_strstrip(cli.out), ==, body_text(&r));
    run_clear(&cli);
    json_object_unref(o);
    reply_clear(&r);

    Reply bad = http("GET", "/api/photos?from=2023-02-30", s.cookie, NULL, 0);
    g_assert_cmpint(bad.status, ==, 400);
    g_assert_nonnull(strstr(body_text(&bad), "--from"));
    reply_clear(&bad);
    Reply limit = http("GET", "/api/photos?limit=0", s.cookie, NULL, 0);
    g_assert_cmpint(limit.status, ==, 400);
    reply_clear(&limit);

    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, id);
    Reply p = http("GET", url, s.cookie, NULL, 0);
    g_assert_cmpint(p.status, ==, 200);
    g_assert_null(strstr(body_text(&p), library)); /* URLs, not the library's paths */
    JsonObject *po = json_of(&p);
    JsonArray *rs = json_object_get_array_member(po, "renditions");
    g_assert_cmpuint(json_array_get_length(rs), ==, 3);
    g_autofree char *thumb = NULL;
    for (guint i = 0; i < 3; i++) {
        JsonObject *ro = json_array_get_object_element(rs, i);
        if (strcmp(json_object_get_string_member(ro, "name"), "thumb") == 0)
            thumb = g_strdup(json_object_get_string_member(ro, "url"));
    }
    g_assert_nonnull(thumb);
    json_object_unref(po);
    reply_clear(&p);

    /* the file, its ETag, and a 304 for it */
    Reply f = http("GET", thumb, s.cookie, NULL, 0);
    g_assert_cmpint(f.status, ==, 200);
    g_assert_cmpstr(header(&f, "content-type"), ==, "image/jpeg");
    g_assert_cmpstr(header(&f, "cache-control"), ==, "private, max-age=31536000, immutable");
    const char *etag = header(&f, "etag");
    g_assert_true(etag[0] == '"');
    gsize n = 0;
    const guint8 *jpeg = g_bytes_get_data(f.body, &n);
    g_assert_cmpuint(n, >, 100);
    g_assert_true(jpeg[0] == 0xFF && jpeg[1] == 0xD8);
    g_autofree char *inm = g_strdup_printf("%sIf-None-Match: %s\r\n", s.cookie, etag);
    Reply same = http("GET", thumb, inm, NULL, 0);
    g_assert_cmpint(same.status, ==, 304);
    g_assert_cmpuint(g_bytes_get_size(same.body), ==, 1); /* the client's NUL: no body */
    reply_clear(&same);
    reply_clear(&f);
    g_autofree char *original = g_strdup_printf("/photos/%" G_GINT64_FORMAT "/original", id);
    Reply orig = http("GET", original, s.cookie, NULL, 0);
    g_assert_cmpint(orig.status, ==, 200);
    g_assert_cmpstr(header(&orig, "content-type"), ==, "image/jpeg");
    reply_clear(&orig);
    Reply missing = http("GET", "/photos/999/thumb", s.cookie, NULL, 0);
    g_assert_cmpint(missing.status, ==, 404);
    reply_clear(&missing);
    session_clear(&s);
}

static void
test_correct_and_history(void)
{
    Session s = login();
    g_autofree char *history = g_strdup_printf("%s/history", fire);
    static const char fix[] =
        "{\"caption\": \"Firefighters battle a brush fire near Valdemoro, Spain, Sunday, Aug. 11, "
        "2024. (AP Photo/Lucia Romero, File)\", \"keywords\": [\"fire\", \"Spain\"]}";
    Reply no = http("PATCH", fire, s.cookie, fix, strlen(fix));
    g_assert_cmpint(no.status, ==, 403);
    reply_clear(&no);
    g_autofree char *h = with(&s, TRUE, "Content-Type: application/json\r\n");
    Reply r = http("PATCH", fire, h, fix, strlen(fix));
    g_assert_cmpint(r.status, ==, 200);
    JsonObject *o = json_of(&r);
    g_assert_cmpint(json_object_get_int_member(o, "version"), ==, 2);
    /* the trailer read again: a file photo now */
    JsonObject *credit = json_object_get_object_member(o, "credit_parsed");
    g_assert_true(json_object_get_boolean_member(credit, "file_photo"));
    g_assert_cmpstr(json_object_get_string_member(credit, "photographer"), ==, "Lucia Romero");
    json_object_unref(o);
    reply_clear(&r);

    /* the search index follows */
    Reply found = http("GET", "/api/photos?q=battle", s.cookie, NULL, 0);
    JsonObject *fo = json_of(&found);
    g_assert_cmpint(json_object_get_int_member(fo, "total"), ==, 1);
    json_object_unref(fo);
    reply_clear(&found);
    Reply old = http("GET", "/api/photos?q=onerror", s.cookie, NULL, 0);
    JsonObject *oo = json_of(&old);
    g_assert_cmpint(json_object_get_int_member(oo, "total"), ==, 0);
    json_object_unref(oo);
    reply_clear(&old);

    /* the history: newest first, by whom, from what to what */
    Reply hist = http("GET", history, s.cookie, NULL, 0);
    g_assert_cmpint(hist.status, ==, 200);
    JsonObject *ho = json_of(&hist);
    JsonArray *versions = json_object_get_array_member(ho, "versions");
    g_assert_cmpuint(json_array_get_length(versions), ==, 2);
    JsonObject *v2 = json_array_get_object_element(versions, 0);
    g_assert_cmpint(json_object_get_int_member(v2, "version"), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(v2, "user"), ==, "anna");
    JsonArray *changes = json_object_get_array_member(v2, "changes");
    gboolean caption_changed = FALSE;
    for (guint i = 0; i < json_array_get_length(changes); i++) {
        JsonObject *c = json_array_get_object_element(changes, i);
        if (strcmp(json_object_get_string_member(c, "field"), "caption") == 0) {
            caption_changed = TRUE;
            g_assert_nonnull(strstr(json_object_get_string_member(c, "from"), "onerror"));
            g_assert_nonnull(strstr(json_object_get_string_member(c, "to"), "battle"));
        }
    }
    g_assert_true(caption_changed);
    json_object_unref(ho);
    reply_clear(&hist);

    /* what cannot be kept */
    g_autofree char *big = g_strnfill(20000, 'x');
    g_autofree char *too_long = g_strdup_printf("{\"caption\": \"%s\"}", big);
    struct {
        const char *body;
        gsize len;
        int status;
        const char *says;
    } bad[] = {
        {"{\"caption\": \"caf\xc3\"}", 0, 400, "UTF-8"},
        {too_long, 0, 400, "caption"},
        {"{\"colour\": \"red\"}", 0, 400, "colour"},
        {"{\"caption\": 42}", 0, 400, "caption"},
        {"{\"keywords\": [1]}", 0, 400, "keywords"},
        {"{\"caption\": \"a\\u0001b\"}", 0, 400, "control"},
        {"[1, 2]", 0, 400, "JSON"},
        {"{\"caption\": ", 0, 400, "JSON"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        Reply b = http("PATCH", fire, h, bad[i].body, strlen(bad[i].body));
        g_assert_cmpint(b.status, ==, bad[i].status);
        g_assert_nonnull(strstr(body_text(&b), bad[i].says));
        reply_clear(&b);
    }
    Reply unknown = http("PATCH", "/api/photos/999", h, fix, strlen(fix));
    g_assert_cmpint(unknown.status, ==, 404);
    reply_clear(&unknown);
    g_autofree char *plain = with(&s, TRUE, "Content-Type: text/plain\r\n");
    Reply type = http("PATCH", fire, plain, fix, strlen(fix));
    g_assert_cmpint(type.status, ==, 415);
    reply_clear(&type);
    session_clear(&s);
}

/* A multipart body of @n files: name and content each. */
static GByteArray *
multipart(const char *boundary, const char *const *names, const GBytes *const *contents, int n)
{
    GByteArray *b = g_byte_array_new();
    for (int i = 0; i < n; i++) {
        g_autofree char *part = g_strdup_printf(
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n",
            boundary, names[i]);
        g_byte_array_append(b, (const guint8 *)part, (guint)strlen(part));
        gsize len = 0;
        const guint8 *data = g_bytes_get_data((GBytes *)contents[i], &len);
        g_byte_array_append(b, data, (guint)len);
        g_byte_array_append(b, (const guint8 *)"\r\n", 2);
    }
    g_autofree char *end = g_strdup_printf("--%s--\r\n", boundary);
    g_byte_array_append(b, (const guint8 *)end, (guint)strlen(end));
    return b;
}

static void
test_upload(void)
{
    Session s = login();
    g_autofree char *x = xmp("Fans celebrate in Madrid, Spain. (AP Photo/Manu Fernandez)",
                             "2024-07-14T23:00:00+02:00");
    g_autofree char *good_path = make_photo("fans.jpg", 400, 300, 7, x, 0);
    g_autofree char *good = NULL;
    gsize good_len = 0;
    g_assert_true(g_file_get_contents(good_path, &good, &good_len, NULL));
    g_autoptr(GBytes) g = g_bytes_new(good, good_len);
    g_autoptr(GBytes) text = g_bytes_new_static("this is not a photo", 19);
    g_autoptr(GBytes) cut = g_bytes_new(good, good_len / 2);
    const char *names[] = {"fans.jpg", "notes.jpg", "../../cut.jpg"};
    const GBytes *contents[] = {g, text, cut};
    g_autofree char *originals = g_build_filename(library, "originals", NULL);
    guint before = count_files(originals);
    g_autoptr(GByteArray) body = multipart("XyZzY", names, contents, 3);
    g_autofree char *h = with(&s, TRUE, "Content-Type: multipart/form-data; boundary=XyZzY\r\n");

    Reply no = http("POST", "/api/photos", s.cookie, body->data, body->len);
    g_assert_cmpint(no.status, ==, 403);
    reply_clear(&no);
    Reply r = http("POST", "/api/photos", h, body->data, body->len);
    g_assert_cmpint(r.status, ==, 200);
    JsonObject *o = json_of(&r);
    JsonArray *results = json_object_get_array_member(o, "results");
    g_assert_cmpuint(json_array_get_length(results), ==, 3);
    JsonObject *added = json_array_get_object_element(results, 0);
    g_assert_cmpstr(json_object_get_string_member(added, "file"), ==, "fans.jpg");
    g_assert_cmpstr(json_object_get_string_member(added, "status"), ==, "added");
    gint64 id = json_object_get_int_member(added, "id");
    for (guint i = 1; i < 3; i++) {
        JsonObject *rej = json_array_get_object_element(results, i);
        g_assert_cmpstr(json_object_get_string_member(rej, "status"), ==, "rejected");
        g_assert_nonnull(json_object_get_string_member(rej, "error"));
    }
    g_assert_cmpstr(
        json_object_get_string_member(json_array_get_object_element(results, 2), "file"), ==,
        "../../cut.jpg");
    json_object_unref(o);
    reply_clear(&r);
    /* one original more, nothing of the rejected files, nothing left in tmp/ */
    g_assert_cmpuint(count_files(originals), ==, before + 1);
    g_autofree char *tmp = g_build_filename(library, "tmp", NULL);
    g_assert_cmpuint(count_files(tmp), ==, 0);
    /* and it can be found */
    Reply found = http("GET", "/api/photos?q=madrid", s.cookie, NULL, 0);
    JsonObject *fo = json_of(&found);
    g_assert_cmpint(
        json_object_get_int_member(
            json_array_get_object_element(json_object_get_array_member(fo, "results"), 0), "id"),
        ==, id);
    json_object_unref(fo);
    reply_clear(&found);

    /* over --max-upload (4 MB) */
    g_autofree char *huge = g_malloc0(5 * 1024 * 1024);
    g_autoptr(GBytes) hb = g_bytes_new_static(huge, 5 * 1024 * 1024);
    const char *hn[] = {"huge.jpg"};
    const GBytes *hc[] = {hb};
    g_autoptr(GByteArray) hbody = multipart("XyZzY", hn, hc, 1);
    Reply big = http("POST", "/api/photos", h, hbody->data, hbody->len);
    g_assert_cmpint(big.status, ==, 413);
    reply_clear(&big);
    g_assert_cmpuint(count_files(tmp), ==, 0);
    /* not multipart */
    g_autofree char *json = with(&s, TRUE, "Content-Type: application/json\r\n");
    Reply wrong = http("POST", "/api/photos", json, "{}", 2);
    g_assert_cmpint(wrong.status, ==, 400);
    reply_clear(&wrong);
    session_clear(&s);
}

static void
test_bad_requests(void)
{
    Session s = login();
    /* never a file outside the library */
    const char *traversal[] = {"/../etc/passwd",
                               "/%2e%2e/%2e%2e/etc/passwd",
                               "/static/..%2f..%2fcatalog.db",
                               "/photos/1/thumb%00.jpg",
                               "/photos/1/..\\..\\catalog.db",
                               "/static/%5c..%5capp.js",
                               "/photos/1/../../catalog.db",
                               "/photos/%2e%2e/thumb",
                               "/static/app.js%00.png"};
    for (gsize i = 0; i < G_N_ELEMENTS(traversal); i++) {
        Reply r = http("GET", traversal[i], s.cookie, NULL, 0);
        g_assert_true(r.status == 400 || r.status == 404);
        g_assert_null(strstr(body_text(&r), "root:"));
        g_assert_null(strstr(body_text(&r), "SQLite format"));
        reply_clear(&r);
    }
    const char *unknown[] = {
        "/nope",          "/api",    "/api/photos/1/nope", "/photos/1/huge", "/photos/0/thumb",
        "/api/photos/-1", "/static/"};
    for (gsize i = 0; i < G_N_ELEMENTS(unknown); i++) {
        Reply r = http("GET", unknown[i], s.cookie, NULL, 0);
        g_assert_cmpint(r.status, ==, 404);
        reply_clear(&r);
    }
    /* wrong methods, with what is allowed */
    Reply del = http("DELETE", "/api/photos/1", s.cookie, NULL, 0);
    g_assert_cmpint(del.status, ==, 405);
    g_assert_cmpstr(header(&del, "allow"), ==, "GET, HEAD, PATCH");
    reply_clear(&del);
    Reply get = http("GET", "/api/login", NULL, NULL, 0);
    g_assert_cmpint(get.status, ==, 405);
    g_assert_cmpstr(header(&get, "allow"), ==, "POST");
    reply_clear(&get);
    /* the methods of a path come from every route that has it, in the table's order */
    Reply put = http("PUT", "/api/articles/1/photos/2", s.cookie, NULL, 0);
    g_assert_cmpint(put.status, ==, 405);
    g_assert_cmpstr(header(&put, "allow"), ==, "PATCH, DELETE");
    reply_clear(&put);
    Reply post_file = http("POST", "/static/style.css", s.cookie, NULL, 0);
    g_assert_cmpint(post_file.status, ==, 405);
    g_assert_cmpstr(header(&post_file, "allow"), ==, "GET, HEAD");
    reply_clear(&post_file);
    /* the table of fields, for the page: behind the login like the rest */
    Reply no_fields = http("GET", "/api/fields", NULL, NULL, 0);
    g_assert_cmpint(no_fields.status, ==, 401);
    reply_clear(&no_fields);
    Reply fields = http("GET", "/api/fields", s.cookie, NULL, 0);
    g_assert_cmpint(fields.status, ==, 200);
    g_autoptr(JsonObject) fo = json_of(&fields);
    JsonArray *fa = json_object_get_array_member(fo, "fields");
    g_assert_cmpuint(json_array_get_length(fa), >, 10);
    JsonObject *caption = json_array_get_object_element(fa, 0);
    g_assert_cmpstr(json_object_get_string_member(caption, "name"), ==, "caption");
    g_assert_cmpint(json_object_get_int_member(caption, "limit"), ==, 2000);
    g_assert_cmpint(json_object_get_int_member(fo, "max_caption"), ==, 16000);
    reply_clear(&fields);
    /* a JSON body over 1 MB */
    g_autofree char *big = g_strnfill(2 * 1024 * 1024, ' ');
    g_autofree char *h = with(&s, TRUE, "Content-Type: application/json\r\n");
    Reply r = http("PATCH", "/api/photos/1", h, big, strlen(big));
    g_assert_cmpint(r.status, ==, 413);
    reply_clear(&r);
    session_clear(&s);
}

static void
test_headers_and_front_end(void)
{
    Reply page = http("GET", "/", NULL, NULL, 0);
    g_assert_cmpint(page.status, ==, 200);
    const char *csp = header(&page, "content-security-policy");
    g_assert_nonnull(csp);
    g_assert_nonnull(strstr(csp, "script-src 'self'"));
    g_assert_null(strstr(csp, "unsafe-inline"));
    g_assert_cmpstr(header(&page, "x-content-type-options"), ==, "nosniff");
    g_assert_cmpstr(header(&page, "x-frame-options"), ==, "DENY");
    g_assert_nonnull(header(&page, "referrer-policy"));
    /* no inline script, no event attributes */
    const char *html = body_text(&page);
    g_assert_null(strstr(html, "<script>"));
    g_assert_null(strstr(html, " onclick="));
    g_assert_null(strstr(html, " onload="));
    const char *etag = header(&page, "etag");
    g_autofree char *inm = g_strdup_printf("If-None-Match: %s\r\n", etag);
    Reply again = http("GET", "/", inm, NULL, 0);
    g_assert_cmpint(again.status, ==, 304);
    reply_clear(&again);
    reply_clear(&page);
    Reply js = http("GET", "/static/app.js", NULL, NULL, 0);
    g_assert_cmpint(js.status, ==, 200);
    g_assert_true(g_str_has_prefix(header(&js, "content-type"), "text/javascript"));
    /* text from photos goes in as text */
    g_assert_null(strstr(body_text(&js), "innerHTML"));
    g_assert_null(strstr(body_text(&js), "insertAdjacentHTML"));
    reply_clear(&js);
    Reply head = http("HEAD", "/static/style.css", NULL, NULL, 0);
    g_assert_cmpint(head.status, ==, 200);
    reply_clear(&head);
}

/* ---------------------------------------------------------------- articles */

static JsonObject *
placement_of(JsonObject *article, guint i)
{
    return json_array_get_object_element(json_object_get_array_member(article, "placements"), i);
}

/* What the JSON answer of a request holds; its status checked. */
static JsonObject *
expect(const char *method, const char *target, const Session *s, const char *body, int status)
{
    g_autofree char *headers = with(s, TRUE, body ? "Content-Type: application/json\r\n" : NULL);
    Reply r = http(method, target, headers, body, body ? strlen(body) : 0);
    if (r.status != status)
        g_error("%s %s: %d, not %d: %s", method, target, r.status, status, body_text(&r));
    JsonObject *o = json_of(&r);
    reply_clear(&r);
    return o;
}

static void
test_articles(void)
{
    Session s = login();
    Reply found = http("GET", "/api/photos?q=putin", s.cookie, NULL, 0);
    JsonObject *fo = json_of(&found);
    gint64 putin = json_object_get_int_member(
        json_array_get_object_element(json_object_get_array_member(fo, "results"), 0), "id");
    json_object_unref(fo);
    reply_clear(&found);
    gint64 burning = g_ascii_strtoll(strrchr(fire, '/') + 1, NULL, 10);

    /* creating: CSRF, the slug's rules */
    const char *create = "{\"slug\": \"russia-easter\", \"headline\": \"Putin at Easter\"}";
    Reply no_csrf = http("POST", "/api/articles", s.cookie, create, strlen(create));
    g_assert_cmpint(no_csrf.status, ==, 403);
    reply_clear(&no_csrf);
    JsonObject *a = expect("POST", "/api/articles", &s, create, 201);
    gint64 id = json_object_get_int_member(a, "id");
    g_assert_cmpstr(json_object_get_string_member(a, "created_by"), ==, "anna");
    g_assert_cmpstr(json_object_get_string_member(a, "status"), ==, "draft");
    json_object_unref(a);
    json_object_unref(expect("POST", "/api/articles", &s, "{\"slug\": \"Russia-Easter\"}", 409));
    json_object_unref(expect("POST", "/api/articles", &s, "{\"headline\": \"x\"}", 400));
    json_object_unref(expect("POST", "/api/articles", &s, "{\"slug\": \"a\", \"x\": 1}", 400));
    json_object_unref(expect("POST", "/api/articles", &s, "{\"slug\": 5}", 400));
    json_object_unref(expect("POST", "/api/articles", &s, "{\"slug\": ", 400));
    JsonObject *list = expect("GET", "/api/articles", &s, NULL, 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(list, "articles")), ==, 1);
    json_object_unref(list);
    g_autofree char *url = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT, id);
    g_autofree char *photos = g_strdup_printf("%s/photos", url);
    JsonObject *renamed = expect("PATCH", url, &s, "{\"headline\": \"Easter in Moscow\"}", 200);
    g_assert_cmpstr(json_object_get_string_member(renamed, "headline"), ==, "Easter in Moscow");
    json_object_unref(renamed);
    json_object_unref(expect("PATCH", url, &s, "{\"status\": \"spiked\"}", 400));
    json_object_unref(expect("GET", "/api/articles/999", &s, NULL, 404));

    /* placing: the photo's caption body and credit line to start with, in order */
    g_autofree char *place_putin = g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", putin);
    a = expect("POST", photos, &s, place_putin, 201);
    JsonObject *pl = placement_of(a, 0);
    g_assert_cmpstr(json_object_get_string_member(pl, "role"), ==, "lead");
    g_assert_cmpstr(json_object_get_string_member(pl, "caption"), ==,
                    "Russian President Vladimir Putin attends an Orthodox Easter service in "
                    "Moscow, Russia, Saturday, April 15, 2023.");
    g_assert_cmpstr(
        json_object_get_string_member(pl, "credit_line"), ==,
        json_object_get_string_member(json_object_get_object_member(pl, "photo"), "credit_line"));
    g_assert_true(json_object_get_null_member(pl, "notice"));
    json_object_unref(a);
    json_object_unref(expect("POST", photos, &s, place_putin, 409));
    json_object_unref(expect("POST", photos, &s, "{\"photo_id\": 999}", 404));
    json_object_unref(expect("POST", photos, &s, "{\"photo_id\": \"1\"}", 400));
    json_object_unref(expect("POST", "/api/articles/999/photos", &s, place_putin, 404));
    g_autofree char *place_fire = g_strdup_printf(
        "{\"photo_id\": %" G_GINT64_FORMAT ", \"position\": 1, \"role\": \"gallery\"}", burning);
    a = expect("POST", photos, &s, place_fire, 201);
    g_assert_cmpint(json_object_get_int_member(placement_of(a, 0), "photo_id"), ==, burning);
    g_assert_cmpint(json_object_get_int_member(placement_of(a, 1), "position"), ==, 2);
    json_object_unref(a);

    /* reordering, the per-use caption; the photo's own caption stays */
    g_autofree char *putin_in = g_strdup_printf("%s/%" G_GINT64_FORMAT, photos, putin);
    a = expect("PATCH", putin_in, &s, "{\"position\": 1}", 200);
    g_assert_cmpint(json_object_get_int_member(placement_of(a, 0), "photo_id"), ==, putin);
    json_object_unref(a);
    const char *mine = "{\"caption\": \"Vladimir Putin at the Easter service in Moscow.\", "
                       "\"credit_line\": \"Alexander Zemlianichenko/AP\"}";
    a = expect("PATCH", putin_in, &s, mine, 200);
    g_assert_cmpstr(json_object_get_string_member(placement_of(a, 0), "caption"), ==,
                    "Vladimir Putin at the Easter service in Moscow.");
    json_object_unref(a);
    g_autofree char *photo_url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, putin);
    JsonObject *photo = expect("GET", photo_url, &s, NULL, 200);
    g_assert_true(g_str_has_prefix(json_object_get_string_member(photo, "caption"),
                                   "Russian President Vladimir Putin attends"));
    JsonArray *used = json_object_get_array_member(photo, "articles");
    g_assert_cmpuint(json_array_get_length(used), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(used, 0), "slug"),
                    ==, "russia-easter");
    json_object_unref(photo);
    json_object_unref(expect("PATCH", putin_in, &s, "{\"role\": \"cover\"}", 400));
    json_object_unref(expect("PATCH", putin_in, &s, "{\"position\": 0}", 400));
    g_autofree char *not_in = g_strdup_printf("%s/999", photos);
    json_object_unref(expect("PATCH", not_in, &s, "{\"role\": \"inline\"}", 404));
    Reply get_photos = http("GET", photos, s.cookie, NULL, 0);
    g_assert_cmpint(get_photos.status, ==, 405);
    reply_clear(&get_photos);

    /* the package: web renditions with the caption as placed, read back by exiftool */
    g_autofree char *package = g_strdup_printf("%s/package", url);
    Reply zip = http("GET", package, s.cookie, NULL, 0);
    g_assert_cmpint(zip.status, ==, 200);
    g_assert_cmpstr(header(&zip, "content-type"), ==, "application/zip");
    g_assert_nonnull(strstr(header(&zip, "content-disposition"), "russia-easter.zip"));
    gsize zip_len = 0;
    const void *zip_data = g_bytes_get_data(zip.body, &zip_len);
    g_autoptr(GHashTable) entries = delivered_entries(zip_data, zip_len - 1); /* less the NUL */
    reply_clear(&zip);
    g_assert_cmpuint(g_hash_table_size(entries), ==, 3);
    GBytes *manifest = g_hash_table_lookup(entries, "article.json");
    g_assert_nonnull(manifest);
    g_autoptr(JsonParser) mp = json_parser_new();
    g_assert_true(json_parser_load_from_data(mp, g_bytes_get_data(manifest, NULL),
                                             (gssize)g_bytes_get_size(manifest), NULL));
    JsonArray *listed =
        json_object_get_array_member(json_node_get_object(json_parser_get_root(mp)), "photos");
    g_assert_cmpuint(json_array_get_length(listed), ==, 2);
    JsonObject *first = json_array_get_object_element(listed, 0);
    g_assert_cmpint(json_object_get_int_member(first, "photo_id"), ==, putin);
    GBytes *jpeg = g_hash_table_lookup(entries, json_object_get_string_member(first, "file"));
    g_assert_nonnull(jpeg);
    g_autoptr(JsonObject) tags = delivered_tags(workdir, jpeg);
    if (tags == NULL) {
        g_test_message("exiftool is not installed: the package is not read back");
    } else {
        g_assert_cmpstr(json_object_get_string_member(tags, "IPTC:Caption-Abstract"), ==,
                        "Vladimir Putin at the Easter service in Moscow.");
        g_assert_cmpstr(json_object_get_string_member(tags, "XMP-dc:Description"), ==,
                        "Vladimir Putin at the Easter service in Moscow.");
        g_assert_cmpstr(json_object_get_string_member(tags, "IPTC:Credit"), ==,
                        "Alexander Zemlianichenko/AP");
        g_assert_cmpstr(json_object_get_string_member(tags, "XMP-photoshop:Credit"), ==,
                        "Alexander Zemlianichenko/AP");
        g_assert_cmpstr(json_object_get_string_member(tags, "IPTC:CodedCharacterSet"), ==, "UTF8");
        g_assert_cmpstr(json_object_get_string_member(tags, "Photoshop:IPTCDigest"), ==,
                        json_object_get_string_member(tags, "File:CurrentIPTCDigest"));
        GList *names = json_object_get_members(tags);
        for (GList *l = names; l; l = l->next)
            g_assert_null(strstr(l->data, "GPS"));
        g_list_free(names);
    }

    /* a correction of a placed photo: a notice until acknowledged */
    const char *fix = "{\"caption\": \"Russian President Vladimir Putin attends an Orthodox Easter "
                      "service in Moscow, Russia, Sunday, April 16, 2023. (AP Photo/Alexander "
                      "Zemlianichenko)\"}";
    json_object_unref(expect("PATCH", photo_url, &s, fix, 200));
    a = expect("GET", url, &s, NULL, 200);
    JsonObject *notice = json_object_get_object_member(placement_of(a, 0), "notice");
    g_assert_nonnull(notice);
    JsonObject *change = json_array_get_object_element(
        json_object_get_array_member(
            json_array_get_object_element(json_object_get_array_member(notice, "versions"), 0),
            "changes"),
        0);
    g_assert_cmpstr(json_object_get_string_member(change, "field"), ==, "caption");
    g_assert_nonnull(strstr(json_object_get_string_member(change, "to"), "Sunday"));
    /* the per-use caption is left as the editor made it */
    g_assert_cmpstr(json_object_get_string_member(placement_of(a, 0), "caption"), ==,
                    "Vladimir Putin at the Easter service in Moscow.");
    json_object_unref(a);
    a = expect("PATCH", putin_in, &s, "{\"acknowledge\": true}", 200);
    g_assert_true(json_object_get_null_member(placement_of(a, 0), "notice"));
    json_object_unref(a);

    /* an embargo: placed, and shown until it passes; editorial only and mandatory credit
     * beside the placement */
    json_object_unref(expect("PATCH", photo_url, &s,
                             "{\"special_instructions\": \"EMBARGOED UNTIL 0001 GMT JUNE 5, 2099. "
                             "EDITORIAL USE ONLY. MANDATORY CREDIT\"}",
                             200));
    a = expect("GET", url, &s, NULL, 200);
    pl = placement_of(a, 0);
    g_assert_true(json_object_get_boolean_member(pl, "embargoed"));
    g_assert_cmpstr(json_object_get_string_member(pl, "embargo_until"), ==, "2099-06-05T00:01:00Z");
    g_assert_true(json_object_get_boolean_member(pl, "editorial_only"));
    g_assert_true(json_object_get_boolean_member(pl, "mandatory_credit"));
    g_assert_nonnull(strstr(json_object_get_string_member(pl, "delivered_instructions"),
                            "EMBARGOED UNTIL 0001 GMT JUNE 5, 2099"));
    json_object_unref(a);
    /* no package before the embargo, unless delivered under it knowingly: a POST with
     * the session's token (a GET cannot), recorded */
    g_autofree char *package_early = g_strdup_printf("%s/package", url);
    JsonObject *early = expect("GET", package_early, &s, NULL, 409);
    g_assert_nonnull(strstr(json_object_get_string_member(early, "error"), "embargoed until"));
    json_object_unref(early);
    g_autofree char *knowingly = g_strdup_printf("%s/package?under_embargo=1", url);
    json_object_unref(expect("GET", knowingly, &s, NULL, 409));
    Reply no_token = http("POST", knowingly, s.cookie, NULL, 0);
    g_assert_cmpint(no_token.status, ==, 403);
    reply_clear(&no_token);
    g_autofree char *token = with(&s, TRUE, "");
    Reply under = http("POST", knowingly, token, NULL, 0);
    g_assert_cmpint(under.status, ==, 200);
    g_assert_cmpstr(header(&under, "content-type"), ==, "application/zip");
    reply_clear(&under);
    a = expect("GET", url, &s, NULL, 200);
    JsonObject *went =
        json_array_get_object_element(json_object_get_array_member(a, "deliveries"), 0);
    g_assert_true(json_object_get_boolean_member(went, "under_embargo"));
    g_assert_cmpstr(json_object_get_string_member(went, "by"), ==, "anna");
    json_object_unref(a);
    json_object_unref(
        expect("PATCH", photo_url, &s,
               "{\"special_instructions\": \"EMBARGOED UNTIL 0001 GMT JUNE 5, 2023\"}", 200));
    a = expect("GET", url, &s, NULL, 200);
    pl = placement_of(a, 0);
    g_assert_false(json_object_get_boolean_member(pl, "embargoed")); /* it has passed */
    g_assert_cmpstr(json_object_get_string_member(pl, "embargo_until"), ==, "2023-06-05T00:01:00Z");
    g_assert_false(json_object_get_boolean_member(pl, "editorial_only"));
    json_object_unref(a);
    json_object_unref(expect("PATCH", putin_in, &s, "{\"acknowledge\": true}", 200));

    /* a kill from the wire: flagged where placed, no package, not placed again */
    json_object_unref(expect(
        "PATCH", fire, &s, "{\"special_instructions\": \"MANDATORY KILL: image withdrawn\"}", 200));
    a = expect("GET", url, &s, NULL, 200);
    g_assert_true(json_object_get_boolean_member(placement_of(a, 1), "kill"));
    json_object_unref(a);
    JsonObject *listed_now = expect("GET", "/api/articles", &s, NULL, 200);
    JsonObject *mine_now =
        json_array_get_object_element(json_object_get_array_member(listed_now, "articles"), 0);
    g_assert_cmpint(json_object_get_int_member(mine_now, "killed"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(mine_now, "notices"), ==, 1); /* the kill */
    json_object_unref(listed_now);
    JsonObject *refused = expect("GET", package, &s, NULL, 409);
    g_assert_nonnull(strstr(json_object_get_string_member(refused, "error"), "killed"));
    json_object_unref(refused);
    JsonObject *other = expect("POST", "/api/articles", &s, "{\"slug\": \"wildfires\"}", 201);
    g_autofree char *other_photos = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT "/photos",
                                                    json_object_get_int_member(other, "id"));
    json_object_unref(other);
    g_autofree char *place_killed =
        g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", burning);
    refused = expect("POST", other_photos, &s, place_killed, 409);
    g_assert_nonnull(strstr(json_object_get_string_member(refused, "error"), "killed"));
    json_object_unref(refused);

    /* a crop and a profile for this use: changed on their own, checked, cleared */
    json_object_unref(
        expect("PATCH", putin_in, &s, "{\"crop\": \"0,0,0.5,0.5\", \"caption\": \"x\"}", 400));
    json_object_unref(expect("PATCH", putin_in, &s, "{\"profile\": \"poster\"}", 400));
    json_object_unref(expect("PATCH", putin_in, &s, "{\"crop\": \"0,0,2,1\"}", 400));
    a = expect("PATCH", putin_in, &s, "{\"crop\": \"0,0,0.5,0.5\", \"profile\": \"social\"}", 200);
    JsonArray *pls = json_object_get_array_member(a, "placements");
    gboolean cropped = FALSE;
    for (guint i = 0; i < json_array_get_length(pls); i++) {
        JsonObject *one = json_array_get_object_element(pls, i);
        if (json_object_get_int_member(one, "photo_id") != putin)
            continue;
        JsonObject *out = json_object_get_object_member(one, "output");
        g_assert_cmpstr(json_object_get_string_member(out, "crop"), ==,
                        "0.0000,0.0000,0.5000,0.5000");
        g_assert_cmpstr(json_object_get_string_member(out, "profile"), ==, "social");
        cropped = TRUE;
    }
    g_assert_true(cropped);
    json_object_unref(a);
    json_object_unref(expect("PATCH", putin_in, &s, "{\"crop\": \"\", \"profile\": \"\"}", 200));

    /* removed: the rest close up, and the package can go */
    g_autofree char *fire_in = g_strdup_printf("%s/%" G_GINT64_FORMAT, photos, burning);
    a = expect("DELETE", fire_in, &s, NULL, 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(a, "placements")), ==, 1);
    json_object_unref(a);
    json_object_unref(expect("DELETE", fire_in, &s, NULL, 404));
    Reply again = http("GET", package, s.cookie, NULL, 0);
    g_assert_cmpint(again.status, ==, 200);
    reply_clear(&again);
    session_clear(&s);
}

/* ---------------------------------------------------------------- editors at once */

/* A field of a change list ("changed" of a 409, "fields" of a notice). */
static JsonObject *
change_of(JsonArray *changes, const char *field)
{
    for (guint i = 0; i < json_array_get_length(changes); i++) {
        JsonObject *c = json_array_get_object_element(changes, i);
        if (strcmp(json_object_get_string_member(c, "field"), field) == 0)
            return c;
    }
    return NULL;
}

/* Ingests @path with the command line (beside the running server); its id. */
static gint64
ingest_cli(const char *path, const char *status)
{
    Run r = RUN("ingest", "--json", path);
    g_assert_cmpint(r.status, ==, 0);
    g_autoptr(GHashTable) h = results(r.out);
    g_autofree char *name = g_path_get_basename(path);
    g_assert_cmpstr(status_of(h, name), ==, status);
    gint64 id = id_of(h, name);
    run_clear(&r);
    return id;
}

static void
test_stale_version(void)
{
    Session s = login();
    add_user("carl", "pw-of-carl"); /* bob was throttled */
    Session bob = login_user("carl", "pw-of-carl");
    g_autoptr(VipsImage) scene = make_scene(41, 900, 600);
    g_autofree char *x = wire_xmp("A farmer harvests wheat near Kyiv, Ukraine, Tuesday, July 9, "
                                  "2024. (AP Photo/Efrem Lukatsky)",
                                  "AP", "KYV201", "2024-07-09T10:12:00+03:00");
    g_autofree char *path = save_scene(scene, "wheat.jpg", x, 85);
    gint64 id = ingest_cli(path, "added");
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, id);
    JsonObject *p = expect("GET", url, &s, NULL, 200);
    g_assert_cmpint(json_object_get_int_member(p, "version"), ==, 1);
    json_object_unref(p);

    /* anna saves the headline on version 1; bob's caption made on version 1 is refused,
     * with the photo as it is and what changed since */
    p = expect("PATCH", url, &s, "{\"version\": 1, \"headline\": \"Ukraine Harvest\"}", 200);
    g_assert_cmpint(json_object_get_int_member(p, "version"), ==, 2);
    json_object_unref(p);
    JsonObject *c = expect("PATCH", url, &bob,
                           "{\"version\": 1, \"caption\": \"A farmer harvests wheat.\"}", 409);
    g_assert_nonnull(strstr(json_object_get_string_member(c, "error"), "version 1"));
    g_assert_cmpint(json_object_get_int_member(c, "seen_version"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(c, "version"), ==, 2);
    JsonObject *moved = change_of(json_object_get_array_member(c, "changed"), "headline");
    g_assert_nonnull(moved);
    g_assert_true(json_object_get_null_member(moved, "from"));
    g_assert_cmpstr(json_object_get_string_member(moved, "to"), ==, "Ukraine Harvest");
    g_assert_cmpstr(json_array_get_string_element(json_object_get_array_member(moved, "by"), 0), ==,
                    "anna");
    JsonObject *now = json_object_get_object_member(c, "photo");
    g_assert_cmpint(json_object_get_int_member(now, "version"), ==, 2);
    g_assert_null(change_of(json_object_get_array_member(c, "changed"), "caption"));
    json_object_unref(c);
    /* bob merges on purpose, on version 2: only the field sent changes */
    p = expect("PATCH", url, &bob, "{\"version\": 2, \"caption\": \"A farmer harvests wheat.\"}",
               200);
    g_assert_cmpstr(json_object_get_string_member(p, "headline"), ==, "Ukraine Harvest");
    g_assert_cmpstr(json_object_get_string_member(p, "caption"), ==, "A farmer harvests wheat.");
    json_object_unref(p);
    json_object_unref(expect("PATCH", url, &s, "{\"version\": 0, \"city\": \"Kyiv\"}", 400));
    json_object_unref(expect("PATCH", url, &s, "{\"version\": \"3\", \"city\": \"Kyiv\"}", 400));
    json_object_unref(expect("PATCH", "/api/photos/9999", &s, "{\"version\": 1}", 404));

    /* articles and placements carry their versions too */
    JsonObject *a = expect("POST", "/api/articles", &s, "{\"slug\": \"harvest\"}", 201);
    gint64 article = json_object_get_int_member(a, "id");
    g_assert_cmpint(json_object_get_int_member(a, "version"), ==, 1);
    json_object_unref(a);
    g_autofree char *aurl = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT, article);
    json_object_unref(expect("PATCH", aurl, &s, "{\"version\": 1, \"headline\": \"Wheat\"}", 200));
    JsonObject *stale =
        expect("PATCH", aurl, &bob, "{\"version\": 1, \"headline\": \"Grain\"}", 409);
    g_assert_cmpstr(
        json_object_get_string_member(json_object_get_object_member(stale, "article"), "headline"),
        ==, "Wheat");
    json_object_unref(stale);
    g_autofree char *photos = g_strdup_printf("%s/photos", aurl);
    g_autofree char *place = g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", id);
    a = expect("POST", photos, &s, place, 201);
    g_assert_cmpint(
        json_object_get_int_member(
            json_array_get_object_element(json_object_get_array_member(a, "placements"), 0),
            "version"),
        ==, 1);
    json_object_unref(a);
    g_autofree char *purl = g_strdup_printf("%s/%" G_GINT64_FORMAT, photos, id);
    json_object_unref(expect("PATCH", purl, &s, "{\"version\": 1, \"caption\": \"Wheat.\"}", 200));
    stale = expect("PATCH", purl, &bob, "{\"version\": 1, \"caption\": \"Grain.\"}", 409);
    JsonObject *pl = json_array_get_object_element(
        json_object_get_array_member(json_object_get_object_member(stale, "article"), "placements"),
        0);
    g_assert_cmpstr(json_object_get_string_member(pl, "caption"), ==, "Wheat.");
    g_assert_cmpint(json_object_get_int_member(pl, "version"), ==, 2);
    json_object_unref(stale);
    json_object_unref(
        expect("PATCH", purl, &bob, "{\"version\": 2, \"caption\": \"Grain.\"}", 200));
    session_clear(&s);
    session_clear(&bob);
}

/* The wire re-sends a photo an editor corrected: kept as the wire sent it, and the photo
 * and its articles say so, with the editor's text to apply again. */
static void
test_wire_after_correction(void)
{
    Session s = login();
    g_autoptr(VipsImage) scene = make_scene(42, 900, 600);
    const char *wire_text = "Flood waters cover a street in Valencia, Spain, Wednesday, Oct. 30, "
                            "2024. (AP Photo/Alberto Saiz)";
    g_autofree char *x1 = wire_xmp(wire_text, "AP", "VAL301", "2024-10-30T09:00:00+01:00");
    g_autofree char *p1 = save_scene(scene, "flood.jpg", x1, 85);
    gint64 id = ingest_cli(p1, "added");
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, id);
    JsonObject *a = expect("POST", "/api/articles", &s, "{\"slug\": \"valencia-floods\"}", 201);
    g_autofree char *aurl =
        g_strdup_printf("/api/articles/%" G_GINT64_FORMAT, json_object_get_int_member(a, "id"));
    json_object_unref(a);
    g_autofree char *photos = g_strdup_printf("%s/photos", aurl);
    g_autofree char *place = g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", id);
    json_object_unref(expect("POST", photos, &s, place, 201));

    const char *fixed = "Flood waters cover a street in Paiporta, near Valencia, Spain, Wednesday, "
                        "Oct. 30, 2024. (AP Photo/Alberto Saiz)";
    g_autofree char *fix = g_strdup_printf("{\"version\": 1, \"caption\": \"%s\"}", fixed);
    JsonObject *p = expect("PATCH", url, &s, fix, 200);
    g_assert_true(json_object_get_null_member(p, "wire_resent"));
    json_object_unref(p);

    /* the agency sends it again, the same picture with its own new text */
    const char *resent = "Flood waters cover a street in Valencia, Spain, Wednesday, Oct. 30, "
                         "2024. Rescue teams searched for survivors. (AP Photo/Alberto Saiz)";
    g_autofree char *x2 = wire_xmp(resent, "AP", "VAL301", "2024-10-30T09:00:00+01:00");
    g_autofree char *p2 = save_scene(scene, "flood-resent.jpg", x2, 85);
    g_assert_cmpint(ingest_cli(p2, "updated"), ==, id);
    p = expect("GET", url, &s, NULL, 200);
    g_assert_cmpstr(json_object_get_string_member(p, "caption"), ==, resent); /* as sent */
    JsonObject *notice = json_object_get_object_member(p, "wire_resent");
    g_assert_nonnull(notice);
    g_assert_cmpint(json_object_get_int_member(notice, "version"), ==, 3);
    JsonObject *f = change_of(json_object_get_array_member(notice, "fields"), "caption");
    g_assert_cmpstr(json_object_get_string_member(f, "editor"), ==, "anna");
    g_assert_cmpstr(json_object_get_string_member(f, "corrected"), ==, fixed);
    g_assert_cmpstr(json_object_get_string_member(f, "wire"), ==, resent);
    json_object_unref(p);
    a = expect("GET", aurl, &s, NULL, 200);
    JsonObject *pl =
        json_array_get_object_element(json_object_get_array_member(a, "placements"), 0);
    g_assert_nonnull(json_object_get_object_member(pl, "wire_resent"));
    json_object_unref(a);

    /* seen, and kept as the wire sent it */
    json_object_unref(expect("POST", "/api/photos/999/acknowledge", &s, "{\"version\": 3}", 404));
    g_autofree char *ack = g_strdup_printf("%s/acknowledge", url);
    json_object_unref(expect("POST", ack, &s, "{\"version\": \"3\"}", 400));
    p = expect("POST", ack, &s, "{\"version\": 3}", 200);
    g_assert_true(json_object_get_null_member(p, "wire_resent"));
    json_object_unref(p);

    /* a second re-send over a second correction; this time applied again in one PATCH */
    json_object_unref(expect("PATCH", url, &s, "{\"version\": 3, \"city\": \"Paiporta\"}", 200));
    g_autofree char *x3 = wire_xmp(resent, "AP", "VAL301", "2024-10-30T09:00:00+01:00");
    g_autofree char *p3 = save_scene(scene, "flood-third.jpg", x3, 85);
    /* the very bytes sent before are a duplicate: nothing changes */
    g_assert_cmpint(ingest_cli(p3, "duplicate"), ==, id);
    /* encoded again: a re-send, whose city (none) is the wire's over anna's */
    g_autofree char *p4 = save_scene(scene, "flood-fourth.jpg", x3, 90);
    g_assert_cmpint(ingest_cli(p4, "updated"), ==, id);
    p = expect("GET", url, &s, NULL, 200);
    notice = json_object_get_object_member(p, "wire_resent");
    g_assert_nonnull(notice);
    f = change_of(json_object_get_array_member(notice, "fields"), "city");
    g_assert_nonnull(f);
    g_assert_cmpstr(json_object_get_string_member(f, "corrected"), ==, "Paiporta");
    gint64 v = json_object_get_int_member(p, "version");
    json_object_unref(p);
    g_autofree char *again =
        g_strdup_printf("{\"version\": %" G_GINT64_FORMAT ", \"city\": \"Paiporta\"}", v);
    p = expect("PATCH", url, &s, again, 200);
    g_assert_cmpstr(json_object_get_string_member(p, "city"), ==, "Paiporta");
    g_assert_true(json_object_get_null_member(p, "wire_resent"));
    json_object_unref(p);
    session_clear(&s);
}

/* A placed photo re-sent with another picture: the article shows both, and the package
 * waits until an editor has seen the new one. */
static void
test_picture_changed_in_article(void)
{
    Session s = login();
    g_autoptr(VipsImage) scene = make_scene(43, 1200, 800);
    g_autofree char *x = wire_xmp("Crowds gather in Tahrir Square, Cairo. (AP Photo/Amr Nabil)",
                                  "AP", "CAI401", "2024-03-01T18:30:00+02:00");
    g_autofree char *p1 = save_scene(scene, "tahrir.jpg", x, 85);
    gint64 id = ingest_cli(p1, "added");
    JsonObject *a = expect("POST", "/api/articles", &s, "{\"slug\": \"cairo\"}", 201);
    g_autofree char *aurl =
        g_strdup_printf("/api/articles/%" G_GINT64_FORMAT, json_object_get_int_member(a, "id"));
    json_object_unref(a);
    g_autofree char *photos = g_strdup_printf("%s/photos", aurl);
    g_autofree char *place = g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", id);
    json_object_unref(expect("POST", photos, &s, place, 201));
    g_autofree char *package = g_strdup_printf("%s/package", aurl);
    Reply ok = http("GET", package, s.cookie, NULL, 0);
    g_assert_cmpint(ok.status, ==, 200);
    reply_clear(&ok);

    /* recropped by the agency */
    g_autoptr(VipsImage) recrop = NULL;
    g_assert_cmpint(vips_extract_area(scene, &recrop, 40, 30, 1120, 740, NULL), ==, 0);
    g_autofree char *p2 = save_scene(recrop, "tahrir-recrop.jpg", x, 85);
    g_assert_cmpint(ingest_cli(p2, "updated"), ==, id);
    a = expect("GET", aurl, &s, NULL, 200);
    JsonObject *pl =
        json_array_get_object_element(json_object_get_array_member(a, "placements"), 0);
    g_assert_true(json_object_get_boolean_member(pl, "picture_changed"));
    JsonObject *was = json_object_get_object_member(pl, "placed_picture");
    g_autofree char *was_thumb = g_strdup(json_object_get_string_member(was, "thumb"));
    g_autofree char *now_thumb = g_strdup(
        json_object_get_string_member(json_object_get_object_member(pl, "photo"), "thumb"));
    g_assert_cmpstr(was_thumb, !=, now_thumb);
    g_assert_cmpint(
        json_object_get_int_member(
            json_array_get_object_element(json_object_get_array_member(a, "placements"), 0),
            "position"),
        ==, 1);
    json_object_unref(a);
    /* both pictures are served: the old one by its own URL */
    Reply old = http("GET", was_thumb, s.cookie, NULL, 0);
    Reply cur = http("GET", now_thumb, s.cookie, NULL, 0);
    g_assert_cmpint(old.status, ==, 200);
    g_assert_cmpint(cur.status, ==, 200);
    g_assert_false(g_bytes_equal(old.body, cur.body));
    reply_clear(&old);
    reply_clear(&cur);
    /* the history shows the versions' pictures */
    g_autofree char *history = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT "/history", id);
    JsonObject *h = expect("GET", history, &s, NULL, 200);
    JsonObject *newest =
        json_array_get_object_element(json_object_get_array_member(h, "versions"), 0);
    g_assert_true(json_object_get_boolean_member(newest, "picture_changed"));
    g_assert_cmpstr(json_object_get_string_member(newest, "thumb"), ==, now_thumb);
    json_object_unref(h);

    JsonObject *refused = expect("GET", package, &s, NULL, 409);
    g_autofree char *named = g_strdup_printf("photo %" G_GINT64_FORMAT, id);
    g_assert_nonnull(strstr(json_object_get_string_member(refused, "error"), named));
    g_assert_nonnull(strstr(json_object_get_string_member(refused, "error"), "picture"));
    json_object_unref(refused);
    g_autofree char *purl = g_strdup_printf("%s/%" G_GINT64_FORMAT, photos, id);
    a = expect("PATCH", purl, &s, "{\"acknowledge\": true}", 200);
    pl = json_array_get_object_element(json_object_get_array_member(a, "placements"), 0);
    g_assert_false(json_object_get_boolean_member(pl, "picture_changed"));
    json_object_unref(a);
    Reply delivered = http("GET", package, s.cookie, NULL, 0);
    g_assert_cmpint(delivered.status, ==, 200);
    reply_clear(&delivered);
    session_clear(&s);
}

/* A second server on the address of the first refuses to start, and says why. */
static void
test_port_in_use(void)
{
    g_autofree char *address = g_strdup_printf("127.0.0.1:%d", server.port);
    g_autofree char *other = g_build_filename(workdir, "other-library", NULL);
    const char *argv[] = {
        g_getenv("PHOTODESK_BIN"), "--library", other, "serve", "--listen", address, NULL};
    g_autofree char *out = NULL, *err = NULL;
    int wait = 0;
    g_assert_true(g_spawn_sync(workdir, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &wait, NULL));
    g_assert_true(WIFEXITED(wait));
    g_assert_cmpint(WEXITSTATUS(wait), ==, 1);
    g_assert_cmpstr(out, ==, "");
    g_assert_nonnull(strstr(err, address));
    g_assert_nonnull(strstr(err, "in use"));
    g_auto(GStrv) lines = g_strsplit(g_strstrip(err), "\n", -1);
    g_assert_cmpint(g_strv_length(lines), ==, 1);
    /* the first still answers, for its own library */
    Reply me = http("GET", "/api/me", NULL, NULL, 0);
    g_assert_cmpint(me.status, ==, 401);
    reply_clear(&me);
}

/* A picture made with generative AI (samples/illustration.jpg): its provenance in the
 * photo's JSON, the search filter, and placing it only once the editor confirms. */
static void
test_synthetic_picture(void)
{
    const char *root = g_getenv("PHOTODESK_SOURCE_ROOT");
    g_autofree char *sample = g_build_filename(root, "samples", "illustration.jpg", NULL);
    Session s = login();
    gint64 id = ingest_cli(sample, "added");
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, id);
    JsonObject *p = expect("GET", url, &s, NULL, 200);
    JsonObject *prov = json_object_get_object_member(p, "provenance");
    g_assert_cmpstr(json_object_get_string_member(prov, "made"), ==, "ai");
    g_assert_cmpstr(json_object_get_string_member(prov, "source_type_label"), ==,
                    "Created using generative AI");
    JsonObject *cc = json_object_get_object_member(prov, "content_credentials");
    g_assert_cmpstr(json_object_get_string_member(cc, "where"), ==, "JPEG APP11");
    g_assert_false(json_object_get_boolean_member(cc, "verified"));
    g_assert_cmpstr(json_object_get_string_member(p, "ai_system"), ==, "Veltria Imaging Model");
    json_object_unref(p);

    JsonObject *found = expect("GET", "/api/photos?made=ai", &s, NULL, 200);
    JsonArray *results = json_object_get_array_member(found, "results");
    g_assert_cmpuint(json_array_get_length(results), ==, 1);
    JsonObject *hit = json_array_get_object_element(results, 0);
    g_assert_cmpint(json_object_get_int_member(hit, "id"), ==, id);
    g_assert_cmpstr(json_object_get_string_member(hit, "made"), ==, "ai");
    g_assert_true(json_object_get_boolean_member(hit, "content_credentials"));
    json_object_unref(found);
    JsonObject *none = expect("GET", "/api/photos?made=composite", &s, NULL, 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(none, "results")), ==, 0);
    json_object_unref(none);
    json_object_unref(expect("GET", "/api/photos?made=fake", &s, NULL, 400));

    JsonObject *a = expect("POST", "/api/articles", &s, "{\"slug\": \"floods\"}", 201);
    g_autofree char *photos = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT "/photos",
                                              json_object_get_int_member(a, "id"));
    json_object_unref(a);
    g_autofree char *place = g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", id);
    JsonObject *asked = expect("POST", photos, &s, place, 409);
    g_assert_cmpstr(json_object_get_string_member(asked, "confirm"), ==, "synthetic");
    g_assert_nonnull(strstr(json_object_get_string_member(asked, "error"), "generative AI"));
    json_object_unref(asked);
    g_autofree char *confirmed =
        g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT ", \"confirm_synthetic\": true}", id);
    JsonObject *placed = expect("POST", photos, &s, confirmed, 201);
    JsonObject *pl =
        json_array_get_object_element(json_object_get_array_member(placed, "placements"), 0);
    g_assert_cmpstr(json_object_get_string_member(pl, "made_confirmed"), ==, "ai");
    g_assert_cmpstr(json_object_get_string_member(pl, "placed_by"), ==, "anna");
    json_object_unref(placed);
    session_clear(&s);
}

/* The desk's picks over the API: set by one editor, seen by another, with who; bad
 * values refused; search filters and facets. */
static void
test_picks(void)
{
    Session s = login();
    JsonObject *found = expect("GET", "/api/photos?q=putin", &s, NULL, 200);
    gint64 id = json_object_get_int_member(
        json_array_get_object_element(json_object_get_array_member(found, "results"), 0), "id");
    json_object_unref(found);
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT "/pick", id);
    JsonObject *p = expect("PUT", url, &s, "{\"rating\": 3, \"label\": \"yellow\"}", 200);
    JsonObject *pick = json_object_get_object_member(p, "pick");
    g_assert_cmpint(json_object_get_int_member(pick, "rating"), ==, 3);
    g_assert_cmpstr(json_object_get_string_member(pick, "label"), ==, "yellow");
    g_assert_cmpstr(json_object_get_string_member(pick, "by"), ==, "anna");
    json_object_unref(p);
    const char *bad[] = {"{\"rating\": 6}", "{\"rating\": \"3\"}", "{\"label\": \"pink\"}", "{}",
                         "{\"stars\": 2}"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        json_object_unref(expect("PUT", url, &s, bad[i], 400));
    json_object_unref(expect("PUT", "/api/photos/999999/pick", &s, "{\"rating\": 1}", 404));
    /* the label cleared, the rating kept */
    JsonObject *cleared = expect("PUT", url, &s, "{\"label\": null}", 200);
    pick = json_object_get_object_member(cleared, "pick");
    g_assert_cmpint(json_object_get_int_member(pick, "rating"), ==, 3);
    g_assert_true(json_object_get_null_member(pick, "label"));
    json_object_unref(cleared);

    JsonObject *rated = expect("GET", "/api/photos?rating=3&facets=1", &s, NULL, 200);
    JsonArray *results = json_object_get_array_member(rated, "results");
    g_assert_cmpuint(json_array_get_length(results), ==, 1);
    g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(results, 0), "rating"),
                    ==, 3);
    JsonArray *by_rating =
        json_object_get_array_member(json_object_get_object_member(rated, "facets"), "rating");
    g_assert_cmpuint(json_array_get_length(by_rating), >=, 1);
    json_object_unref(rated);
    json_object_unref(expect("GET", "/api/photos?rating=7", &s, NULL, 400));
    json_object_unref(expect("GET", "/api/photos?label=pink", &s, NULL, 400));
    session_clear(&s);
}

/* The first photo a search for @q finds. */
static gint64
first_found(const Session *s, const char *q)
{
    g_autofree char *url = g_strdup_printf("/api/photos?q=%s", q);
    JsonObject *found = expect("GET", url, s, NULL, 200);
    gint64 id = json_object_get_int_member(
        json_array_get_object_element(json_object_get_array_member(found, "results"), 0), "id");
    json_object_unref(found);
    return id;
}

/* Lightboxes over the API: made by one editor, seen and filled by another; names unique
 * whatever their case; photos put in all or none; a search within one; taken apart. */
static void
test_lightboxes(void)
{
    Session s = login();
    gint64 putin = first_found(&s, "putin");
    gint64 burning = g_ascii_strtoll(strrchr(fire, '/') + 1, NULL, 10);
    JsonObject *made = expect("POST", "/api/lightboxes", &s, "{\"name\": \"Election night\"}", 201);
    gint64 id = json_object_get_int_member(made, "id");
    g_assert_cmpstr(json_object_get_string_member(made, "created_by"), ==, "anna");
    g_assert_cmpint(json_object_get_int_member(made, "photos"), ==, 0);
    json_object_unref(made);
    json_object_unref(expect("POST", "/api/lightboxes", &s, "{\"name\": \"ELECTION NIGHT\"}", 409));
    json_object_unref(expect("POST", "/api/lightboxes", &s, "{\"name\": \"\"}", 400));
    json_object_unref(expect("POST", "/api/lightboxes", &s, "{\"name\": \" padded\"}", 400));
    json_object_unref(expect("POST", "/api/lightboxes", &s, "{\"title\": \"x\"}", 400));

    g_autofree char *photos = g_strdup_printf("/api/lightboxes/%" G_GINT64_FORMAT "/photos", id);
    g_autofree char *both = g_strdup_printf(
        "{\"photos\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]}", burning, putin);
    JsonObject *filled = expect("POST", photos, &s, both, 200);
    g_assert_cmpint(json_object_get_int_member(filled, "added"), ==, 2);
    JsonArray *ids = json_object_get_array_member(filled, "photo_ids");
    g_assert_cmpuint(json_array_get_length(ids), ==, 2);
    g_assert_cmpint(json_array_get_int_element(ids, 0), ==, burning); /* in the order put in */
    json_object_unref(filled);
    /* again: nothing new; with a photo that is not there: nothing at all */
    JsonObject *again = expect("POST", photos, &s, both, 200);
    g_assert_cmpint(json_object_get_int_member(again, "added"), ==, 0);
    json_object_unref(again);
    json_object_unref(expect("POST", photos, &s, "{\"photos\": [999999]}", 404));
    json_object_unref(expect("POST", photos, &s, "{\"photos\": []}", 400));
    json_object_unref(expect("POST", photos, &s, "{\"photos\": [\"7\"]}", 400));
    json_object_unref(expect("POST", "/api/lightboxes/999999/photos", &s, both, 404));

    /* another editor sees it, and searches within it */
    add_user("carla", "battery staple");
    Session bob = login_user("carla", "battery staple");
    JsonObject *list = expect("GET", "/api/lightboxes", &bob, NULL, 200);
    JsonObject *first =
        json_array_get_object_element(json_object_get_array_member(list, "lightboxes"), 0);
    g_assert_cmpstr(json_object_get_string_member(first, "name"), ==, "Election night");
    g_assert_cmpint(json_object_get_int_member(first, "photos"), ==, 2);
    json_object_unref(list);
    g_autofree char *within =
        g_strdup_printf("/api/photos?lightbox=%" G_GINT64_FORMAT "&q=putin", id);
    JsonObject *found = expect("GET", within, &bob, NULL, 200);
    g_assert_cmpint(json_object_get_int_member(found, "total"), ==, 1);
    json_object_unref(found);
    json_object_unref(expect("GET", "/api/photos?lightbox=x", &bob, NULL, 400));

    /* renamed, a photo taken out (once), removed */
    g_autofree char *one = g_strdup_printf("/api/lightboxes/%" G_GINT64_FORMAT, id);
    JsonObject *renamed = expect("PATCH", one, &bob, "{\"name\": \"Count night\"}", 200);
    g_assert_cmpstr(json_object_get_string_member(renamed, "name"), ==, "Count night");
    json_object_unref(renamed);
    g_autofree char *out = g_strdup_printf("%s/%" G_GINT64_FORMAT, photos, putin);
    JsonObject *taken = expect("DELETE", out, &bob, NULL, 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(taken, "photo_ids")), ==,
                     1);
    json_object_unref(taken);
    json_object_unref(expect("DELETE", out, &bob, NULL, 404));
    json_object_unref(expect("DELETE", one, &bob, NULL, 200));
    json_object_unref(expect("GET", one, &bob, NULL, 404));
    /* the photos stay */
    json_object_unref(expect("GET", fire, &bob, NULL, 200));
    session_clear(&bob);
    session_clear(&s);
}

/* Saved searches: the search kept without its page, checked as a search, shared. */
static void
test_saved_searches(void)
{
    Session s = login();
    JsonObject *saved = expect(
        "POST", "/api/searches", &s,
        "{\"name\": \"Putin\", \"query\": \"q=putin&from=2023&limit=5&offset=10&facets=1\"}", 201);
    g_assert_cmpstr(json_object_get_string_member(saved, "query"), ==, "q=putin&from=2023");
    gint64 id = json_object_get_int_member(saved, "id");
    json_object_unref(saved);
    json_object_unref(
        expect("POST", "/api/searches", &s, "{\"name\": \"putin\", \"query\": \"q=easter\"}", 409));
    JsonObject *replaced =
        expect("POST", "/api/searches", &s,
               "{\"name\": \"Putin\", \"query\": \"q=putin+easter\", \"replace\": true}", 201);
    g_assert_cmpint(json_object_get_int_member(replaced, "id"), ==, id);
    g_assert_cmpstr(json_object_get_string_member(replaced, "query"), ==, "q=putin%20easter");
    json_object_unref(replaced);
    const char *bad[] = {
        "{\"name\": \"x\", \"query\": \"sort=size\"}", "{\"name\": \"x\", \"query\": \"rating=9\"}",
        "{\"name\": \"x\", \"query\": \"q=%zz\"}", "{\"name\": \"x\"}", "{\"query\": \"q=a\"}"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        json_object_unref(expect("POST", "/api/searches", &s, bad[i], 400));
    JsonObject *list = expect("GET", "/api/searches", &s, NULL, 200);
    JsonArray *all = json_object_get_array_member(list, "searches");
    g_assert_cmpuint(json_array_get_length(all), ==, 1);
    g_assert_cmpstr(
        json_object_get_string_member(json_array_get_object_element(all, 0), "created_by"), ==,
        "anna");
    json_object_unref(list);
    g_autofree char *one = g_strdup_printf("/api/searches/%" G_GINT64_FORMAT, id);
    json_object_unref(expect("DELETE", one, &s, NULL, 200));
    json_object_unref(expect("DELETE", one, &s, NULL, 404));
    session_clear(&s);
}

/* Roles: an admin manages users; an editor cannot; a viewer searches and looks but
 * changes nothing; a new role or a disabled account ends the sessions at once; the last
 * admin stays one. */
static void
test_roles(void)
{
    g_autofree char *cmd =
        g_strdup_printf("printf 'top secret\\n' | '%s' --library '%s' user add boss --role admin",
                        g_getenv("PHOTODESK_BIN"), library);
    g_assert_cmpint(system(cmd), ==, 0);
    Session boss = login_user("boss", "top secret");
    Session anna = login();
    static const char vera[] =
        "{\"name\": \"vera\", \"role\": \"viewer\", \"password\": \"just looking\"}";
    json_object_unref(expect("POST", "/api/users", &anna, vera, 403));
    json_object_unref(expect("GET", "/api/users", &anna, NULL, 403));
    JsonObject *made = expect("POST", "/api/users", &boss, vera, 201);
    g_assert_cmpstr(json_object_get_string_member(made, "role"), ==, "viewer");
    g_assert_false(json_object_has_member(made, "password_hash"));
    gint64 vera_id = json_object_get_int_member(made, "id");
    json_object_unref(made);
    json_object_unref(expect("POST", "/api/users", &boss, vera, 409));
    json_object_unref(
        expect("POST", "/api/users", &boss, "{\"name\": \"x y\", \"password\": \"p\"}", 400));
    json_object_unref(expect("POST", "/api/users", &boss,
                             "{\"name\": \"xy\", \"role\": \"owner\", \"password\": \"p\"}", 400));

    /* the viewer looks, and changes nothing */
    Session v = login_user("vera", "just looking");
    json_object_unref(expect("GET", "/api/photos?q=putin", &v, NULL, 200));
    json_object_unref(expect("GET", fire, &v, NULL, 200));
    json_object_unref(expect("GET", "/api/lightboxes", &v, NULL, 200));
    g_autofree char *pick = g_strdup_printf("%s/pick", fire);
    JsonObject *refused = expect("PUT", pick, &v, "{\"rating\": 5}", 403);
    g_assert_nonnull(strstr(json_object_get_string_member(refused, "error"), "viewer"));
    json_object_unref(refused);
    json_object_unref(expect("PATCH", fire, &v, "{\"headline\": \"x\"}", 403));
    json_object_unref(expect("POST", "/api/lightboxes", &v, "{\"name\": \"mine\"}", 403));
    json_object_unref(expect("POST", "/api/articles", &v, "{\"slug\": \"mine\"}", 403));
    json_object_unref(expect("POST", "/api/me/seen", &v, "{\"photo_id\": 1}", 200));

    /* made an editor: the old session ends; a new one may change */
    g_autofree char *vurl = g_strdup_printf("/api/users/%" G_GINT64_FORMAT, vera_id);
    JsonObject *promoted = expect("PATCH", vurl, &boss, "{\"role\": \"editor\"}", 200);
    g_assert_cmpstr(json_object_get_string_member(promoted, "role"), ==, "editor");
    json_object_unref(promoted);
    Reply gone = http("GET", "/api/me", v.cookie, NULL, 0);
    g_assert_cmpint(gone.status, ==, 401);
    reply_clear(&gone);
    session_clear(&v);
    v = login_user("vera", "just looking");
    json_object_unref(expect("PUT", pick, &v, "{\"rating\": 4}", 200));

    /* a new password from an admin; then disabled: the right password says so, no session */
    json_object_unref(expect("PATCH", vurl, &boss, "{\"password\": \"new words\"}", 200));
    Reply old_password = login_as("vera", "just looking");
    g_assert_cmpint(old_password.status, ==, 401);
    reply_clear(&old_password);
    JsonObject *disabled = expect("PATCH", vurl, &boss, "{\"disabled\": true}", 200);
    g_assert_true(json_object_get_boolean_member(disabled, "disabled"));
    g_assert_cmpstr(json_object_get_string_member(disabled, "disabled_by"), ==, "boss");
    json_object_unref(disabled);
    Reply shut = login_as("vera", "new words");
    g_assert_cmpint(shut.status, ==, 403);
    g_assert_nonnull(strstr(body_text(&shut), "disabled"));
    reply_clear(&shut);
    json_object_unref(expect("PATCH", vurl, &boss, "{\"disabled\": false}", 200));
    Reply back = login_as("vera", "new words");
    g_assert_cmpint(back.status, ==, 200);
    reply_clear(&back);
    json_object_unref(expect("PATCH", "/api/users/999999", &boss, "{\"role\": \"viewer\"}", 404));

    /* the admins: boss cannot disable himself, nor stop being the last admin */
    JsonObject *users = expect("GET", "/api/users", &boss, NULL, 200);
    JsonArray *all = json_object_get_array_member(users, "users");
    gint64 boss_id = 0;
    for (guint i = 0; i < json_array_get_length(all); i++) {
        JsonObject *u = json_array_get_object_element(all, i);
        gint64 uid = json_object_get_int_member(u, "id");
        const char *name = json_object_get_string_member(u, "name");
        if (strcmp(name, "boss") == 0) {
            boss_id = uid;
        } else if (strcmp(json_object_get_string_member(u, "role"), "admin") == 0) {
            g_autofree char *other = g_strdup_printf("/api/users/%" G_GINT64_FORMAT, uid);
            json_object_unref(expect("PATCH", other, &boss, "{\"role\": \"editor\"}", 200));
        }
    }
    json_object_unref(users);
    g_autofree char *burl = g_strdup_printf("/api/users/%" G_GINT64_FORMAT, boss_id);
    json_object_unref(expect("PATCH", burl, &boss, "{\"disabled\": true}", 409));
    JsonObject *last = expect("PATCH", burl, &boss, "{\"role\": \"editor\"}", 409);
    g_assert_nonnull(strstr(json_object_get_string_member(last, "error"), "last admin"));
    json_object_unref(last);
    session_clear(&v);
    session_clear(&anna);
    session_clear(&boss);
}

/* Similar frames: the next frame of a burst is one; another scene is not. The photos are
 * ingested beside the running server (the catalog is shared). */
static void
test_similar_frames(void)
{
    VipsImage *scene = make_scene(77, 800, 533);
    VipsImage *next = NULL;
    g_assert_cmpint(vips_extract_area(scene, &next, 4, 0, 796, 533, NULL), ==, 0);
    VipsImage *other = make_scene(4077, 800, 533);
    g_autofree char *xa =
        wire_xmp("Frame one. (AP Photo/Ann Lee)", "AP", "BURST1", "2025-03-02T10:00:00.10+01:00");
    g_autofree char *xb =
        wire_xmp("Frame two. (AP Photo/Ann Lee)", "AP", "BURST2", "2025-03-02T10:00:00.40+01:00");
    g_autofree char *xc =
        wire_xmp("Elsewhere. (AP Photo/Ann Lee)", "AP", "OTHER1", "2025-03-02T11:00:00+01:00");
    g_autofree char *a = save_scene(scene, "frame-a.jpg", xa, 90);
    g_autofree char *b = save_scene(next, "frame-b.jpg", xb, 90);
    g_autofree char *c = save_scene(other, "frame-c.jpg", xc, 90);
    g_object_unref(scene);
    g_object_unref(next);
    g_object_unref(other);
    Run in = RUN("ingest", "--json", a, b, c);
    g_assert_cmpint(in.status, ==, 0);
    g_autoptr(GHashTable) got = results(in.out);
    run_clear(&in);
    g_assert_cmpstr(status_of(got, "frame-b.jpg"), ==, "added");
    Session s = login();
    g_autofree char *url =
        g_strdup_printf("/api/photos/%" G_GINT64_FORMAT "/similar", id_of(got, "frame-a.jpg"));
    JsonObject *o = expect("GET", url, &s, NULL, 200);
    JsonArray *similar = json_object_get_array_member(o, "similar");
    g_assert_cmpuint(json_array_get_length(similar), ==, 1);
    JsonObject *first = json_array_get_object_element(similar, 0);
    g_assert_cmpint(json_object_get_int_member(first, "id"), ==, id_of(got, "frame-b.jpg"));
    g_assert_cmpint(json_object_get_int_member(first, "distance"), <=, 24);
    g_assert_nonnull(json_object_get_string_member(first, "picture"));
    json_object_unref(o);
    json_object_unref(expect("GET", "/api/photos/999999/similar", &s, NULL, 404));
    session_clear(&s);
}

/* The desk's code replacements over the API: a Photo Mechanic file put, read back; a
 * file that cannot be read refused with its line. */
static void
test_codes(void)
{
    Session s = login();
    JsonObject *put = expect("PUT", "/api/codes", &s,
                             "{\"text\": \"// names\\r\\nput\\tRussian President Vladimir "
                             "Putin\\tPutin\\r\\n\"}",
                             200);
    JsonArray *codes = json_object_get_array_member(put, "codes");
    g_assert_cmpuint(json_array_get_length(codes), ==, 1);
    JsonObject *first = json_array_get_object_element(codes, 0);
    g_assert_cmpstr(json_object_get_string_member(first, "code"), ==, "put");
    g_assert_cmpstr(json_array_get_string_element(json_object_get_array_member(first, "forms"), 1),
                    ==, "Putin");
    g_assert_cmpstr(json_object_get_string_member(put, "updated_by"), ==, "anna");
    g_assert_cmpstr(json_object_get_string_member(put, "delimiter"), ==, "=");
    json_object_unref(put);
    JsonObject *bad = expect("PUT", "/api/codes", &s, "{\"text\": \"ok\\tfine\\nlonely\\n\"}", 400);
    g_assert_nonnull(strstr(json_object_get_string_member(bad, "error"), "line 2"));
    json_object_unref(bad);
    json_object_unref(
        expect("PUT", "/api/codes", &s, "{\"text\": \"a\\tb\", \"delimiter\": \"==\"}", 400));
    JsonObject *got = expect("GET", "/api/codes", &s, NULL, 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(got, "codes")), ==, 1);
    json_object_unref(got);
    /* the photo's caption spells the name otherwise than the table: said on its page */
    json_object_unref(expect("PUT", "/api/codes", &s,
                             "{\"text\": \"put\\tRussian President Vladimir Putin\\tPutin\\n"
                             "zem\\tAlexander Zemlyanichenko\\n\"}",
                             200));
    gint64 putin = first_found(&s, "putin");
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, putin);
    JsonObject *photo = expect("GET", url, &s, NULL, 200);
    JsonArray *names = json_object_get_array_member(photo, "name_checks");
    g_assert_cmpuint(json_array_get_length(names), ==, 1);
    g_assert_nonnull(
        strstr(json_object_get_string_member(json_array_get_object_element(names, 0), "message"),
               "Alexander Zemlianichenko"));
    json_object_unref(photo);
    session_clear(&s);
}

/* A batch edit over the API: previewed (each photo's fields, byte counts, checks, a code
 * expanded), applied as one batch with the versions previewed (a photo changed meanwhile
 * listed, not overwritten), undone in one action, not twice. */
static void
test_batch(void)
{
    Session s = login();
    json_object_unref(expect("PUT", "/api/codes", &s,
                             "{\"text\": \"hand\\tHANDOUT - EDITORIAL USE ONLY\\n\"}", 200));
    gint64 putin = first_found(&s, "putin");
    gint64 burning = g_ascii_strtoll(strrchr(fire, '/') + 1, NULL, 10);
    g_autofree char *body = g_strdup_printf(
        "{\"photos\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], \"edits\": ["
        "{\"field\": \"special_instructions\", \"op\": \"set\", \"value\": \"=hand=\"},"
        "{\"field\": \"keywords\", \"op\": \"append\", \"value\": \"batch; =nope=\"}]}",
        putin, burning);
    JsonObject *preview = expect("POST", "/api/batch/preview", &s, body, 200);
    JsonArray *photos = json_object_get_array_member(preview, "photos");
    g_assert_cmpuint(json_array_get_length(photos), ==, 2);
    JsonObject *first = json_array_get_object_element(photos, 0);
    gint64 v1 = json_object_get_int_member(first, "version");
    JsonObject *change =
        json_array_get_object_element(json_object_get_array_member(first, "changes"), 0);
    g_assert_cmpstr(json_object_get_string_member(change, "field"), ==, "keywords");
    change = json_array_get_object_element(json_object_get_array_member(first, "changes"), 1);
    g_assert_cmpstr(json_object_get_string_member(change, "to"), ==,
                    "HANDOUT - EDITORIAL USE ONLY");
    g_assert_cmpint(json_object_get_int_member(change, "bytes"), ==, 28);
    g_assert_cmpint(json_object_get_int_member(change, "limit"), ==, 256);
    g_assert_true(json_object_has_member(first, "checks"));
    JsonArray *unknown = json_object_get_array_member(preview, "unknown_codes");
    g_assert_cmpuint(json_array_get_length(unknown), ==, 1); /* =nope=, once */
    JsonObject *second = json_array_get_object_element(photos, 1);
    gint64 v2 = json_object_get_int_member(second, "version");
    json_object_unref(preview);

    /* the second photo is corrected by someone else after the preview */
    g_autofree char *url2 = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, burning);
    json_object_unref(expect("PATCH", url2, &s, "{\"headline\": \"Meanwhile\"}", 200));
    g_autofree char *apply =
        g_strdup_printf("%.*s, \"versions\": {\"%" G_GINT64_FORMAT "\": %" G_GINT64_FORMAT
                        ", \"%" G_GINT64_FORMAT "\": %" G_GINT64_FORMAT "}}",
                        (int)strlen(body) - 1, body, putin, v1, burning, v2);
    JsonObject *done = expect("POST", "/api/batch", &s, apply, 200);
    gint64 batch = json_object_get_int_member(done, "batch");
    g_assert_cmpint(batch, >, 0);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(done, "applied")), ==, 1);
    JsonArray *stale = json_object_get_array_member(done, "stale");
    g_assert_cmpuint(json_array_get_length(stale), ==, 1);
    g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(stale, 0), "id"), ==,
                    burning);
    json_object_unref(done);
    g_autofree char *url1 = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, putin);
    JsonObject *after = expect("GET", url1, &s, NULL, 200);
    g_assert_cmpstr(json_object_get_string_member(after, "special_instructions"), ==,
                    "HANDOUT - EDITORIAL USE ONLY");
    g_assert_cmpint(json_object_get_int_member(after, "version"), ==, v1 + 1);
    json_object_unref(after);

    /* undone: back as it was, a version of its own; not twice */
    g_autofree char *undo = g_strdup_printf("/api/batches/%" G_GINT64_FORMAT "/undo", batch);
    JsonObject *undone = expect("POST", undo, &s, NULL, 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(undone, "applied")), ==, 1);
    json_object_unref(undone);
    JsonObject *back = expect("GET", url1, &s, NULL, 200);
    g_assert_cmpint(json_object_get_int_member(back, "version"), ==, v1 + 2);
    JsonNode *si = json_object_get_member(back, "special_instructions");
    g_assert_true(si == NULL || JSON_NODE_HOLDS_NULL(si) ||
                  strstr(json_node_get_string(si), "HANDOUT") == NULL);
    json_object_unref(back);
    json_object_unref(expect("POST", undo, &s, NULL, 409));
    json_object_unref(expect("POST", "/api/batches/999999/undo", &s, NULL, 404));
    /* edits that cannot be */
    const char *bad[] = {
        "{\"photos\": [1], \"edits\": [{\"field\": \"width\", \"op\": \"set\", \"value\": \"1\"}]}",
        "{\"photos\": [1], \"edits\": [{\"field\": \"caption\", \"op\": \"shout\", \"value\": "
        "\"x\"}]}",
        "{\"photos\": [1], \"edits\": [{\"field\": \"caption\", \"op\": \"replace\", \"value\": "
        "\"x\"}]}",
        "{\"photos\": [], \"edits\": [{\"field\": \"caption\", \"op\": \"set\", \"value\": "
        "\"x\"}]}",
        "{\"photos\": [1]}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        json_object_unref(expect("POST", "/api/batch/preview", &s, bad[i], 400));

    /* a template: saved for the desk, replaced by name, its variables previewed, removed */
    static const char tpl[] =
        "{\"name\": \"Dateline\", \"edits\": [{\"field\": \"headline\","
        " \"op\": \"set\", \"value\": \"{city}: {date_created:%B %-d} #{seq:2}\"}]}";
    JsonObject *saved = expect("POST", "/api/templates", &s, tpl, 201);
    JsonArray *all = json_object_get_array_member(saved, "templates");
    g_assert_cmpuint(json_array_get_length(all), ==, 1);
    gint64 tid = json_object_get_int_member(json_array_get_object_element(all, 0), "id");
    json_object_unref(saved);
    JsonObject *again = expect("POST", "/api/templates", &s, tpl, 201);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(again, "templates")), ==,
                     1);
    json_object_unref(again);
    json_object_unref(expect("POST", "/api/templates", &s, "{\"name\": \"\", \"edits\": []}", 400));
    g_autofree char *dated =
        g_strdup_printf("{\"photos\": [%" G_GINT64_FORMAT
                        "], \"edits\": [{\"field\": \"headline\", \"op\": \"set\","
                        " \"value\": \"{city}: {date_created:%%B %%-d} #{seq:2}\"}]}",
                        putin);
    JsonObject *vars = expect("POST", "/api/batch/preview", &s, dated, 200);
    JsonObject *vp = json_array_get_object_element(json_object_get_array_member(vars, "photos"), 0);
    JsonObject *vc = json_array_get_object_element(json_object_get_array_member(vp, "changes"), 0);
    /* the photo has no city: said, never an empty sentence; its date in its own time */
    g_assert_cmpstr(json_object_get_string_member(vc, "to"), ==, "[no city]: April 15 #01");
    g_assert_cmpstr(json_array_get_string_element(json_object_get_array_member(vp, "missing"), 0),
                    ==, "city");
    json_object_unref(vars);
    g_autofree char *turl = g_strdup_printf("/api/templates/%" G_GINT64_FORMAT, tid);
    json_object_unref(expect("DELETE", turl, &s, NULL, 200));
    json_object_unref(expect("DELETE", turl, &s, NULL, 404));
    session_clear(&s);
}

/* Uploads the photo at @path as @name; the upload's one result. */
static JsonObject *
upload(Session *s, const char *name, const char *path)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_autoptr(GBytes) bytes = g_bytes_new(data, len);
    const char *names[] = {name};
    const GBytes *contents[] = {bytes};
    g_autoptr(GByteArray) body = multipart("XyZzY", names, contents, 1);
    g_autofree char *h = with(s, TRUE, "Content-Type: multipart/form-data; boundary=XyZzY\r\n");
    Reply r = http("POST", "/api/photos", h, body->data, body->len);
    g_assert_cmpint(r.status, ==, 200);
    JsonObject *o = json_of(&r);
    JsonObject *one = json_object_ref(
        json_array_get_object_element(json_object_get_array_member(o, "results"), 0));
    json_object_unref(o);
    reply_clear(&r);
    return one;
}

/* Ingest rules: an admin's rule applies a template to each photo uploaded that meets it,
 * as a version of its own by the rule; a template a rule uses stays; a rule that cannot
 * be is refused, naming why. */
static void
test_rules(void)
{
    Session s = login();
    Session boss = login_user("boss", "top secret"); /* test_roles made the admin */
    json_object_unref(expect("POST", "/api/templates", &s,
                             "{\"name\": \"Handout\", \"edits\": [{\"field\": "
                             "\"special_instructions\", \"op\": \"set\", \"value\": \"HANDOUT - "
                             "EDITORIAL USE ONLY\"}, {\"field\": \"headline\", \"op\": \"set\","
                             " \"value\": \"{city}\"}]}",
                             201));
    const char *bad[] = {
        "{\"name\": \"Nothing\", \"template\": \"Handout\"}",                  /* no condition */
        "{\"name\": \"Gone\", \"template\": \"Nope\", \"credit\": \"x\"}",     /* no template */
        "{\"name\": \"Here\", \"template\": \"Handout\", \"folder\": \"in\"}", /* relative */
        "{\"template\": \"Handout\", \"credit\": \"x\"}",                      /* no name */
        "{\"name\": \"Two\\nlines\", \"template\": \"Handout\", \"credit\": \"x\"}",
        "{\"name\": \"N\", \"template\": \"Handout\", \"credit\": 7}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        json_object_unref(expect("POST", "/api/rules", &boss, bad[i], 400));
    static const char handouts[] = "{\"name\": \"Handouts\", \"template\": \"handout\","
                                   " \"credit\": \"handout*\"}";
    json_object_unref(expect("POST", "/api/rules", &s, handouts, 403)); /* an admin's */
    JsonObject *saved = expect("POST", "/api/rules", &boss,
                               "{\"name\": \"Handouts\", \"template\": \"handout\","
                               " \"credit\": \"handout*\"}",
                               201);
    JsonObject *rule =
        json_array_get_object_element(json_object_get_array_member(saved, "rules"), 0);
    g_assert_cmpstr(json_object_get_string_member(rule, "template"), ==, "Handout");
    g_assert_cmpstr(json_object_get_string_member(rule, "by"), ==, "boss");
    gint64 rid = json_object_get_int_member(rule, "id");
    json_object_unref(saved);

    /* a handout (its credit line "Handout via AP") gets the template; the wire's text
     * stays version 1 */
    g_autofree char *x = xmp("A drawing of the new stadium in Bilbao, Spain. (Handout via AP)",
                             "2025-03-01T10:00:00+01:00");
    g_autofree char *path = make_photo("stadium.jpg", 300, 200, 41, x, 0);
    JsonObject *added = upload(&s, "stadium.jpg", path);
    g_assert_cmpstr(json_object_get_string_member(added, "status"), ==, "added");
    JsonArray *rules = json_object_get_array_member(added, "rules");
    g_assert_nonnull(rules);
    g_assert_cmpstr(json_array_get_string_element(rules, 0), ==, "Handouts");
    g_assert_true(JSON_NODE_HOLDS_NULL(json_object_get_member(added, "error")));
    gint64 id = json_object_get_int_member(added, "id");
    json_object_unref(added);
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, id);
    JsonObject *photo = expect("GET", url, &s, NULL, 200);
    g_assert_cmpint(json_object_get_int_member(photo, "version"), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(photo, "special_instructions"), ==,
                    "HANDOUT - EDITORIAL USE ONLY");
    /* the template's {city}, which the photo has not: visible, never an empty headline,
     * and a check */
    g_assert_cmpstr(json_object_get_string_member(photo, "headline"), ==, "[no city]");
    JsonArray *checks = json_object_get_array_member(photo, "checks");
    gboolean gap = FALSE;
    for (guint i = 0; i < json_array_get_length(checks); i++)
        gap |= g_strcmp0(
                   json_object_get_string_member(json_array_get_object_element(checks, i), "code"),
                   "template_gap") == 0;
    g_assert_true(gap);
    JsonArray *versions = json_object_get_array_member(photo, "versions");
    gboolean by_rule = FALSE;
    for (guint i = 0; i < json_array_get_length(versions); i++) {
        JsonObject *v = json_array_get_object_element(versions, i);
        JsonNode *user = json_object_get_member(v, "user");
        by_rule |= json_object_get_int_member(v, "version") == 2 && user &&
                   JSON_NODE_HOLDS_VALUE(user) &&
                   g_strcmp0(json_node_get_string(user), "rule Handouts") == 0;
    }
    g_assert_true(by_rule);
    json_object_unref(photo);
    /* another agency's photo is left as the wire sent it */
    g_autofree char *x2 =
        xmp("Fans wait in Lisbon, Portugal. (AP Photo/Ana Brigida)", "2025-03-01T11:00:00Z");
    g_autofree char *path2 = make_photo("fans-lisbon.jpg", 300, 200, 42, x2, 0);
    JsonObject *plain = upload(&s, "fans-lisbon.jpg", path2);
    g_assert_null(json_object_get_member(plain, "rules"));
    g_autofree char *url2 =
        g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, json_object_get_int_member(plain, "id"));
    json_object_unref(plain);
    JsonObject *p2 = expect("GET", url2, &s, NULL, 200);
    g_assert_cmpint(json_object_get_int_member(p2, "version"), ==, 1);
    json_object_unref(p2);

    /* the template stays while a rule uses it; the rule goes, then the template can */
    JsonObject *all = expect("GET", "/api/templates", &s, NULL, 200);
    gint64 tid = json_object_get_int_member(
        json_array_get_object_element(json_object_get_array_member(all, "templates"), 0), "id");
    json_object_unref(all);
    g_autofree char *turl = g_strdup_printf("/api/templates/%" G_GINT64_FORMAT, tid);
    JsonObject *kept = expect("DELETE", turl, &s, NULL, 400);
    g_assert_nonnull(strstr(json_object_get_string_member(kept, "error"), "Handouts"));
    json_object_unref(kept);
    g_autofree char *rurl = g_strdup_printf("/api/rules/%" G_GINT64_FORMAT, rid);
    json_object_unref(expect("DELETE", rurl, &s, NULL, 403));
    json_object_unref(expect("DELETE", rurl, &boss, NULL, 200));
    json_object_unref(expect("DELETE", rurl, &boss, NULL, 404));
    json_object_unref(expect("DELETE", turl, &s, NULL, 200));
    JsonObject *none = expect("GET", "/api/rules", &s, NULL, 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(none, "rules")), ==, 0);
    json_object_unref(none);
    /* codes merged into the desk's (the file's first), and Photo Mechanic's file of them */
    json_object_unref(expect("PUT", "/api/codes", &s,
                             "{\"text\": \"put\\tRussian President Vladimir Putin\\tPutin\\n"
                             "bil\\tBilbao\\n\"}",
                             200));
    JsonObject *merged =
        expect("PUT", "/api/codes", &s,
               "{\"text\": \"bil\\tBilbao, Spain\\nlis\\tLisbon\\n\", \"merge\": true}", 200);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(merged, "codes")), ==, 3);
    json_object_unref(merged);
    Reply file = http("GET", "/api/codes/file", s.cookie, NULL, 0);
    g_assert_cmpint(file.status, ==, 200);
    g_assert_nonnull(strstr(header(&file, "content-disposition"), "attachment"));
    g_assert_nonnull(strstr(body_text(&file), "bil\tBilbao, Spain\nlis\tLisbon\nput\tRussian "
                                              "President Vladimir Putin\tPutin\n"));
    reply_clear(&file);
    session_clear(&boss);
    session_clear(&s);
}

/* The codes of @photo's name_checks, joined with ",". */
static char *
name_check_codes(Session *s, gint64 photo)
{
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, photo);
    JsonObject *o = expect("GET", url, s, NULL, 200);
    JsonArray *a = json_object_get_array_member(o, "name_checks");
    GString *codes = g_string_new(NULL);
    for (guint i = 0; i < json_array_get_length(a); i++)
        g_string_append_printf(
            codes, "%s%s", i ? "," : "",
            json_object_get_string_member(json_array_get_object_element(a, i), "code"));
    json_object_unref(o);
    return g_string_free(codes, FALSE);
}

/* A name written two ways in the day's photos is said on both; on those that write it
 * the other way only, when one way is three times as common; once the desk's table
 * spells it, the table's check says it on the one that differs. */
static void
test_names_two_ways(void)
{
    Session s = login();
    json_object_unref(expect("PUT", "/api/codes", &s, "{\"text\": \"x\\tNothing\\n\"}", 200));
    g_autofree char *xa = xmp("Volodymyr Zelensky visits Odesa, Ukraine. (AP Photo/Efrem Lukatsky)",
                              "2025-05-02T10:00:00+03:00");
    g_autofree char *xb = xmp("Volodymyr Zelenskyy meets soldiers near Kharkiv, Ukraine. (AP "
                              "Photo/Evgeniy Maloletka)",
                              "2025-05-02T15:00:00+03:00");
    g_autofree char *pa = make_photo("odesa.jpg", 300, 200, 51, xa, 0);
    g_autofree char *pb = make_photo("kharkiv.jpg", 300, 200, 52, xb, 0);
    JsonObject *ra = upload(&s, "odesa.jpg", pa);
    JsonObject *rb = upload(&s, "kharkiv.jpg", pb);
    gint64 a = json_object_get_int_member(ra, "id"), b = json_object_get_int_member(rb, "id");
    json_object_unref(ra);
    json_object_unref(rb);
    g_autofree char *ca = name_check_codes(&s, a);
    g_autofree char *cb = name_check_codes(&s, b);
    g_assert_cmpstr(ca, ==, "name_two_ways");
    g_assert_cmpstr(cb, ==, "name_two_ways");
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, a);
    JsonObject *o = expect("GET", url, &s, NULL, 200);
    const char *message = json_object_get_string_member(
        json_array_get_object_element(json_object_get_array_member(o, "name_checks"), 0),
        "message");
    g_autofree char *other = g_strdup_printf("(photo %" G_GINT64_FORMAT ")", b);
    g_assert_nonnull(strstr(message, "\"Volodymyr Zelenskyy\""));
    g_assert_nonnull(strstr(message, other));
    json_object_unref(o);
    /* the batch preview of a correction says it too, of the text as it would be */
    g_autofree char *fix = g_strdup_printf(
        "{\"photos\": [%" G_GINT64_FORMAT "], \"edits\": [{\"field\": \"caption\", \"op\":"
        " \"replace\", \"find\": \"Zelenskyy\", \"value\": \"Zelensky\"}]}",
        b);
    JsonObject *preview = expect("POST", "/api/batch/preview", &s, fix, 200);
    JsonArray *checks = json_object_get_array_member(
        json_array_get_object_element(json_object_get_array_member(preview, "photos"), 0),
        "checks");
    for (guint i = 0; i < json_array_get_length(checks); i++)
        g_assert_cmpstr(
            json_object_get_string_member(json_array_get_object_element(checks, i), "code"), !=,
            "name_two_ways"); /* written as the other photo writes it: one way */
    json_object_unref(preview);
    /* corrected to one way: said on neither (the day's names follow the correction) */
    g_autofree char *burl = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, b);
    json_object_unref(expect("PATCH", burl, &s,
                             "{\"version\": 1, \"caption\": \"Volodymyr Zelensky meets soldiers "
                             "near Kharkiv, Ukraine. (AP Photo/Evgeniy Maloletka)\"}",
                             200));
    g_autofree char *na = name_check_codes(&s, a);
    g_assert_cmpstr(na, ==, "");
    json_object_unref(expect("PATCH", burl, &s,
                             "{\"version\": 2, \"caption\": \"Volodymyr Zelenskyy meets soldiers "
                             "near Kharkiv, Ukraine. (AP Photo/Evgeniy Maloletka)\"}",
                             200));
    /* the day's own spelling, three times as common: said only on the photo that differs */
    gint64 more[2];
    for (guint i = 0; i < 2; i++) {
        g_autofree char *xm = xmp("Volodymyr Zelensky speaks in Kyiv, Ukraine. (AP Photo/Efrem "
                                  "Lukatsky)",
                                  "2025-05-02T18:00:00+03:00");
        g_autofree char *name = g_strdup_printf("kyiv-%u.jpg", i);
        g_autofree char *pm = make_photo(name, 300, 200, 53 + (int)i, xm, 0);
        JsonObject *rm = upload(&s, name, pm);
        more[i] = json_object_get_int_member(rm, "id");
        json_object_unref(rm);
    }
    g_autofree char *ma = name_check_codes(&s, a);
    g_autofree char *mc = name_check_codes(&s, more[0]);
    g_autofree char *mb = name_check_codes(&s, b);
    g_assert_cmpstr(ma, ==, "");
    g_assert_cmpstr(mc, ==, "");
    g_assert_cmpstr(mb, ==, "name_two_ways");
    /* the desk's table spells it: one check, on the photo that differs */
    json_object_unref(
        expect("PUT", "/api/codes", &s, "{\"text\": \"zel\\tVolodymyr Zelenskyy\\n\"}", 200));
    g_autofree char *ta = name_check_codes(&s, a);
    g_autofree char *tb = name_check_codes(&s, b);
    g_assert_cmpstr(ta, ==, "name_spelling");
    g_assert_cmpstr(tb, ==, "");
    session_clear(&s);
}

/* The offset of @jpeg's image data (its SOS marker), walking its segments. */
static gsize
image_data_at(const guint8 *jpeg, gsize len)
{
    gsize at = 2;
    while (at + 4 <= len && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA)
        at += 2 + (((gsize)jpeg[at + 2] << 8) | jpeg[at + 3]);
    g_assert_cmpuint(at + 4, <=, len);
    return at;
}

/* A photo's original downloaded: with the caption as corrected embedded (IIM with its
 * digest, XMP), its EXIF and image data untouched; or as the wire sent it, on request. */
typedef struct {
    const Session *s;
    const char *url;
    int status;
} StuckDelivery;

static gpointer
deliver_silently(gpointer data)
{
    StuckDelivery *d = data;
    static const char body[] = "{\"target\": \"Silent\"}";
    g_autofree char *headers = with(d->s, TRUE, "Content-Type: application/json\r\n");
    Reply r = http("POST", d->url, headers, body, strlen(body));
    d->status = r.status;
    reply_clear(&r);
    return NULL;
}

/* Delivery targets: an admin's to set (the header's value never shown), an editor's to
 * deliver to (a POST with the session's token); a folder gets the package whole, an
 * address that is not there fails after each attempt, recorded and answered 502. */
static void
test_deliver_to_target(void)
{
    Session s = login();
    Session boss = login_user("boss", "top secret"); /* test_roles made the admin */
    g_autofree char *drop = g_build_filename(workdir, "cms-drop", NULL);
    g_assert_cmpint(g_mkdir(drop, 0755), ==, 0);
    g_autofree char *folder_target =
        g_strdup_printf("{\"name\": \"Drop\", \"folder\": \"%s\"}", drop);
    json_object_unref(expect("POST", "/api/targets", &s, folder_target, 403)); /* an admin's */
    const char *bad[] = {
        "{\"name\": \"X\", \"folder\": \"relative\"}",
        "{\"name\": \"X\", \"url\": \"file:///etc/passwd\"}",
        "{\"name\": \"X\"}",
        "{\"name\": \"X\", \"url\": \"http://h/\", \"attempts\": 0}",
        "{\"name\": \"X\", \"url\": \"http://h/\", \"backoff\": \"1\"}",
        "{\"name\": \"X\", \"url\": \"http://h/\", \"backoff\": 0.01}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        json_object_unref(expect("POST", "/api/targets", &boss, bad[i], 400));
    json_object_unref(expect("POST", "/api/targets", &boss, folder_target, 201));
    json_object_unref(expect("POST", "/api/targets", &boss,
                             "{\"name\": \"Away\", \"url\": \"http://127.0.0.1:1/hook\", "
                             "\"header\": \"X-Token: s3cret\", \"attempts\": 2, \"backoff\": 0.05}",
                             201));
    Reply listed = http("GET", "/api/targets", s.cookie, NULL, 0);
    g_assert_cmpint(listed.status, ==, 200);
    g_assert_null(strstr(body_text(&listed), "s3cret"));
    g_assert_nonnull(strstr(body_text(&listed), "\"header\": \"X-Token\""));
    reply_clear(&listed);

    g_autofree char *x = xmp("Cranes over the harbour in Hamburg, Germany. (AP Photo/Jan Berg)",
                             "2025-03-02T09:00:00+01:00");
    g_autofree char *path = make_photo("cranes.jpg", 400, 300, 71, x, 0);
    JsonObject *added = upload(&s, "cranes.jpg", path);
    gint64 photo = json_object_get_int_member(added, "id");
    json_object_unref(added);
    JsonObject *a = expect("POST", "/api/articles", &s, "{\"slug\": \"harbour\"}", 201);
    gint64 id = json_object_get_int_member(a, "id");
    json_object_unref(a);
    g_autofree char *photos = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT "/photos", id);
    g_autofree char *place = g_strdup_printf("{\"photo_id\": %" G_GINT64_FORMAT "}", photo);
    json_object_unref(expect("POST", photos, &s, place, 201));
    g_autofree char *deliver = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT "/deliver", id);
    static const char to_drop[] = "{\"target\": \"drop\"}";
    Reply no_token = http("POST", deliver, s.cookie, to_drop, strlen(to_drop));
    g_assert_cmpint(no_token.status, ==, 403);
    reply_clear(&no_token);
    json_object_unref(expect("POST", deliver, &s, "{\"target\": \"Nowhere\"}", 400));
    json_object_unref(expect("POST", deliver, &s, "{}", 400));
    json_object_unref(
        expect("POST", deliver, &s, "{\"target\": \"Drop\", \"profile\": \"x\"}", 400));

    a = expect("POST", deliver, &s, to_drop, 200);
    JsonObject *d = json_array_get_object_element(json_object_get_array_member(a, "deliveries"), 0);
    g_assert_cmpstr(json_object_get_string_member(d, "target"), ==, "Drop");
    g_assert_cmpstr(json_object_get_string_member(d, "by"), ==, "anna");
    const char *location = json_object_get_string_member(d, "location");
    g_assert_true(g_str_has_prefix(location, drop));
    g_autofree char *manifest = g_build_filename(location, "article.json", NULL);
    g_assert_true(g_file_test(manifest, G_FILE_TEST_IS_REGULAR));
    json_object_unref(a);

    JsonObject *away = expect("POST", deliver, &s, "{\"target\": \"Away\"}", 502);
    g_assert_nonnull(strstr(json_object_get_string_member(away, "error"),
                            "did not take the package (2 attempts)"));
    json_object_unref(away);
    g_autofree char *article = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT, id);
    a = expect("GET", article, &s, NULL, 200);
    d = json_array_get_object_element(json_object_get_array_member(a, "deliveries"), 0);
    g_assert_cmpstr(json_object_get_string_member(d, "target"), ==, "Away");
    g_assert_nonnull(json_object_get_string_member(d, "failed"));
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(d, "attempts")), ==, 2);
    json_object_unref(a);
    /* the photo's page: where it went, not where it did not */
    g_autofree char *photo_url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, photo);
    JsonObject *p = expect("GET", photo_url, &s, NULL, 200);
    JsonArray *used = json_object_get_array_member(p, "deliveries");
    g_assert_cmpuint(json_array_get_length(used), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(used, 0), "target"),
                    ==, "Drop");
    json_object_unref(p);
    /* a target that takes the connection and never answers holds a delivery thread, not
     * the workers: with as many such deliveries under way as the server has workers (one
     * a core), a package is still made; the target gone, each is answered 502 */
    GSocket *silent =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    GInetAddress *loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    GSocketAddress *any = g_inet_socket_address_new(loopback, 0);
    g_assert_true(g_socket_bind(silent, any, TRUE, NULL));
    g_socket_set_listen_backlog(silent, 128);
    g_assert_true(g_socket_listen(silent, NULL));
    GSocketAddress *bound = g_socket_get_local_address(silent, NULL);
    guint16 port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_autofree char *silent_target = g_strdup_printf(
        "{\"name\": \"Silent\", \"url\": \"http://127.0.0.1:%u/hook\", \"attempts\": 1}", port);
    json_object_unref(expect("POST", "/api/targets", &boss, silent_target, 201));
    guint workers = MAX(g_get_num_processors(), 2);
    g_autofree StuckDelivery *stuck = g_new0(StuckDelivery, workers);
    g_autofree GThread **threads = g_new0(GThread *, workers);
    for (guint i = 0; i < workers; i++) {
        stuck[i] = (StuckDelivery){&s, deliver, 0};
        threads[i] = g_thread_new("deliver", deliver_silently, &stuck[i]);
    }
    g_usleep(300000); /* sent and waiting (past four, waiting their turn) */
    g_autofree char *package = g_strdup_printf("/api/articles/%" G_GINT64_FORMAT "/package", id);
    Reply zip = http("GET", package, s.cookie, NULL, 0);
    g_assert_cmpint(zip.status, ==, 200);
    reply_clear(&zip);
    g_socket_close(silent, NULL); /* the connections waiting in its queue are reset */
    for (guint i = 0; i < workers; i++) {
        g_thread_join(threads[i]);
        g_assert_cmpint(stuck[i].status, ==, 502);
    }
    g_object_unref(bound);
    g_object_unref(any);
    g_object_unref(loopback);
    g_object_unref(silent);

    /* the desk's own profiles: an admin's to save, anyone's to name */
    static const char tabloid[] = "{\"name\": \"tabloid\", \"long_edge\": 300, \"quality\": 92}";
    json_object_unref(expect("POST", "/api/profiles", &s, tabloid, 403));
    const char *bad_profiles[] = {
        "{\"name\": \"tabloid\", \"long_edge\": 30, \"quality\": 92}",
        "{\"name\": \"tabloid\", \"long_edge\": 300, \"quality\": 101}",
        "{\"name\": \"tab loid\", \"long_edge\": 300, \"quality\": 90}",
        "{\"name\": \"tabloid\", \"quality\": 90}",
        "{\"name\": \"tabloid\", \"long_edge\": \"300\", \"quality\": 90}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad_profiles); i++)
        json_object_unref(expect("POST", "/api/profiles", &boss, bad_profiles[i], 400));
    JsonObject *pr = expect("POST", "/api/profiles", &boss, tabloid, 201);
    JsonArray *list = json_object_get_array_member(pr, "profiles");
    g_assert_cmpuint(json_array_get_length(list), ==, 4);
    JsonObject *own = json_array_get_object_element(list, 3);
    g_assert_cmpstr(json_object_get_string_member(own, "name"), ==, "tabloid");
    g_assert_false(json_object_get_boolean_member(own, "built_in"));
    g_assert_cmpstr(json_object_get_string_member(own, "by"), ==, "boss");
    gint64 pid = json_object_get_int_member(own, "id");
    json_object_unref(pr);
    JsonObject *sized =
        expect("POST", deliver, &s, "{\"target\": \"Drop\", \"profile\": \"Tabloid\"}", 200);
    JsonObject *went =
        json_array_get_object_element(json_object_get_array_member(sized, "deliveries"), 0);
    g_autofree char *sized_json =
        g_build_filename(json_object_get_string_member(went, "location"), "article.json", NULL);
    g_autofree char *manifest_text = NULL;
    g_assert_true(g_file_get_contents(sized_json, &manifest_text, NULL, NULL));
    g_assert_nonnull(strstr(manifest_text, "\"profile\": \"tabloid\", \"width\": 300"));
    json_object_unref(sized);
    g_autofree char *unprofile = g_strdup_printf("/api/profiles/%" G_GINT64_FORMAT, pid);
    json_object_unref(expect("DELETE", unprofile, &s, NULL, 403));
    json_object_unref(expect("DELETE", unprofile, &boss, NULL, 200));
    json_object_unref(expect("DELETE", unprofile, &boss, NULL, 404));

    /* removed by an admin; the deliveries stay */
    JsonObject *t = expect("GET", "/api/targets", &s, NULL, 200);
    gint64 tid = json_object_get_int_member(
        json_array_get_object_element(json_object_get_array_member(t, "targets"), 1), "id");
    json_object_unref(t);
    g_autofree char *remove = g_strdup_printf("/api/targets/%" G_GINT64_FORMAT, tid);
    json_object_unref(expect("DELETE", remove, &s, NULL, 403));
    json_object_unref(expect("DELETE", remove, &boss, NULL, 200));
    session_clear(&s);
    session_clear(&boss);
}

/* The bytes of each chunk of a PNG whose type is @type, end to end. */
static GByteArray *
png_chunks(const guint8 *png, gsize len, const char *type)
{
    GByteArray *all = g_byte_array_new();
    for (gsize at = 8; at + 12 <= len;) {
        guint32 n = (guint32)png[at] << 24 | (guint32)png[at + 1] << 16 |
                    (guint32)png[at + 2] << 8 | png[at + 3];
        if (memcmp(png + at + 4, type, 4) == 0)
            g_byte_array_append(all, png + at + 8, n);
        at += (gsize)n + 12;
    }
    return all;
}

static void
put16(GByteArray *b, guint v)
{
    guint8 x[2] = {(guint8)(v >> 8), (guint8)v};
    g_byte_array_append(b, x, 2);
}

static void
put32(GByteArray *b, guint32 v)
{
    guint8 x[4] = {(guint8)(v >> 24), (guint8)(v >> 16), (guint8)(v >> 8), (guint8)v};
    g_byte_array_append(b, x, 4);
}

/* @img (8-bit sRGB) as an uncompressed big-endian TIFF with @xmp (tag 700). */
static void *
big_endian_tiff(VipsImage *img, const char *xmp_text, size_t *len)
{
    size_t n = 0;
    void *pixels = vips_image_write_to_memory(img, &n);
    guint w = (guint)vips_image_get_width(img), h = (guint)vips_image_get_height(img);
    g_assert_cmpuint(n, ==, (gsize)w * h * 3);
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)"MM\0\x2a", 4);
    put32(b, 8);
    const guint count = 10;
    guint32 after_ifd = 8 + 2 + count * 12 + 4;
    guint32 bps_at = after_ifd, xmp_at = bps_at + 6, pixels_at = xmp_at + (guint32)strlen(xmp_text);
    pixels_at += pixels_at % 2;
    put16(b, count);
    const guint32 entries[][4] = {
        {256, 4, 1, w},          {257, 4, 1, h},
        {258, 3, 3, bps_at},     {259, 3, 1, 1 << 16},
        {262, 3, 1, 2 << 16},    {273, 4, 1, pixels_at},
        {277, 3, 1, 3 << 16},    {278, 4, 1, h},
        {279, 4, 1, (guint32)n}, {700, 1, (guint32)strlen(xmp_text), xmp_at},
    };
    for (guint i = 0; i < count; i++) {
        put16(b, entries[i][0]);
        put16(b, entries[i][1]);
        put32(b, entries[i][2]);
        put32(b, entries[i][3]);
    }
    put32(b, 0);
    put16(b, 8);
    put16(b, 8);
    put16(b, 8);
    g_byte_array_append(b, (const guint8 *)xmp_text, (guint)strlen(xmp_text));
    if (b->len % 2)
        g_byte_array_append(b, (const guint8 *)"", 1);
    g_assert_cmpuint(b->len, ==, pixels_at);
    g_byte_array_append(b, pixels, (guint)n);
    g_free(pixels);
    *len = b->len;
    return g_byte_array_free(b, FALSE);
}

/* A PNG, a WebP (with its XMP, and a simple one without), a TIFF of each byte order:
 * the original downloaded with the desk's caption (read back by exiftool: the new
 * caption, not the wire's), its pixels and image data as received. */
static void
test_original_other_formats(void)
{
    Session s = login();
    const struct {
        const char *name, *save, *options;
        gboolean wire_xmp;
    } kinds[] = {
        {"gulls.png", ".png", "", TRUE},
        {"gulls.webp", ".webp", "[Q=80]", TRUE},
        {"gulls-simple.webp", ".webp", "[Q=80,strip]", FALSE},
        {"gulls-lossless.webp", ".webp", "[lossless,strip]", FALSE},
        {"gulls.tif", ".tif", "", TRUE},
        {"gulls-mm.tif", ".tif", "", TRUE},
    };
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
        g_autoptr(VipsImage) scene = make_scene(80 + (int)k, 320, 200);
        g_autoptr(VipsImage) img = NULL;
        g_assert_cmpint(vips_copy(scene, &img, NULL), ==, 0);
        g_autofree char *wire = xmp("Gulls over the harbour in Oslo, Norway. (AP Photo/Old)",
                                    "2025-02-03T09:00:00+01:00");
        if (kinds[k].wire_xmp)
            vips_image_set_blob_copy(img, "xmp-data", wire, strlen(wire));
        g_autofree char *suffix = g_strconcat(kinds[k].save, kinds[k].options, NULL);
        void *buf = NULL;
        size_t buf_len = 0;
        g_assert_cmpint(vips_image_write_to_buffer(img, suffix, &buf, &buf_len, NULL), ==, 0);
        if (g_str_has_suffix(kinds[k].name, "-mm.tif")) {
            /* the same picture in Motorola byte order (libvips writes the machine's) */
            g_free(buf);
            buf = big_endian_tiff(scene, wire, &buf_len);
        }
        g_autofree char *path = g_build_filename(workdir, kinds[k].name, NULL);
        g_assert_true(g_file_set_contents(path, buf, (gssize)buf_len, NULL));
        JsonObject *added = upload(&s, kinds[k].name, path);
        if (g_strcmp0(json_object_get_string_member(added, "status"), "added") != 0)
            g_error("%s: %s", kinds[k].name, json_object_get_string_member(added, "error"));
        gint64 id = json_object_get_int_member(added, "id");
        json_object_unref(added);
        g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, id);
        JsonObject *now = expect("GET", url, &s, NULL, 200);
        g_autofree char *patch =
            g_strdup_printf("{\"version\": %" G_GINT64_FORMAT ", \"caption\": \"Herring gulls "
                            "over the harbour in Oslo, Norway, Monday, Feb. 3, 2025. (AP "
                            "Photo/Kari Nes)\", \"credit\": \"Kari Nes/AP\"}",
                            json_object_get_int_member(now, "version"));
        json_object_unref(now);
        json_object_unref(expect("PATCH", url, &s, patch, 200));
        g_autofree char *download = g_strdup_printf("%s/download", url);
        Reply r = http("GET", download, s.cookie, NULL, 0);
        g_assert_cmpint(r.status, ==, 200);
        g_assert_cmpstr(header(&r, "x-photodesk-metadata"), ==, "desk");
        gsize len = 0;
        const guint8 *got = g_bytes_get_data(r.body, &len);
        len--; /* less the NUL */
        const guint8 *sent = buf;
        /* the image data as received */
        if (g_str_has_suffix(kinds[k].name, ".png")) {
            g_autoptr(GByteArray) a = png_chunks(sent, buf_len, "IDAT");
            g_autoptr(GByteArray) b = png_chunks(got, len, "IDAT");
            g_assert_cmpuint(a->len, >, 0);
            g_assert_cmpmem(a->data, a->len, b->data, b->len);
        } else if (g_str_has_suffix(kinds[k].name, ".webp")) {
            const char *fourcc = memmem(sent, buf_len, "VP8L", 4) ? "VP8L" : "VP8 ";
            const guint8 *chunk = memmem(sent, buf_len, fourcc, 4);
            gsize n = 8 + (chunk[4] | (gsize)chunk[5] << 8 | (gsize)chunk[6] << 16);
            g_assert_nonnull(memmem(got, len, chunk, n));
            g_assert_nonnull(memmem(got, len, "VP8X", 4));
        } else {
            /* nothing of the file moved: all of it but the first IFD's offset, then more */
            g_assert_cmpuint(len, >, buf_len);
            g_assert_cmpmem(sent, 4, got, 4);
            g_assert_cmpmem(sent + 8, buf_len - 8, got + 8, buf_len - 8);
        }
        g_autoptr(VipsImage) before = vips_image_new_from_buffer(sent, buf_len, "", NULL);
        g_autoptr(VipsImage) after = vips_image_new_from_buffer(got, len, "", NULL);
        g_assert_nonnull(after);
        g_autoptr(VipsImage) diff = NULL;
        double most = -1;
        g_assert_cmpint(vips_subtract(before, after, &diff, NULL), ==, 0);
        g_autoptr(VipsImage) magnitude = NULL;
        g_assert_cmpint(vips_abs(diff, &magnitude, NULL), ==, 0);
        g_assert_cmpint(vips_max(magnitude, &most, NULL), ==, 0);
        g_assert_cmpfloat(most, ==, 0); /* the same pixels */
        g_autoptr(JsonObject) tags = delivered_tags(workdir, r.body);
        if (tags == NULL) {
            reply_clear(&r);
            g_free(buf);
            g_test_skip("exiftool is not installed: the originals are not read back");
            session_clear(&s);
            return;
        }
        const char *said =
            json_object_get_string_member_with_default(tags, "XMP-dc:Description", "");
        if (!g_str_has_prefix(said, "Herring gulls"))
            g_error("%s: exiftool reads the caption as \"%s\"", kinds[k].name, said);
        g_assert_cmpstr(json_object_get_string_member(tags, "XMP-photoshop:Credit"), ==,
                        "Kari Nes/AP");
        g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), tags);
        g_autofree char *all = json_to_string(node, FALSE);
        g_assert_null(strstr(all, "AP Photo/Old")); /* the wire's text is gone */
        if (g_str_has_suffix(kinds[k].name, ".tif")) {
            g_assert_true(g_str_has_prefix(
                json_object_get_string_member(tags, "IPTC:Caption-Abstract"), "Herring gulls"));
            const char *digest =
                json_object_get_string_member_with_default(tags, "Photoshop:IPTCDigest", NULL);
            g_assert_nonnull(digest);
            g_assert_cmpstr(
                digest, ==,
                json_object_get_string_member_with_default(tags, "File:CurrentIPTCDigest", "none"));
        }
        reply_clear(&r);
        g_free(buf);
    }
    session_clear(&s);
}

static void
test_original_download(void)
{
    Session s = login();
    g_autofree char *x = xmp("Swans on the lake in Zurich, Switzerland. (AP Photo/Ana Ruiz)",
                             "2025-02-02T09:00:00+01:00");
    g_autofree char *path = make_photo("swans.jpg", 400, 300, 61, x, 6);
    JsonObject *added = upload(&s, "swans.jpg", path);
    gint64 id = json_object_get_int_member(added, "id");
    json_object_unref(added);
    g_autofree char *url = g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, id);
    json_object_unref(expect("PATCH", url, &s,
                             "{\"version\": 1, \"caption\": \"Mute swans on Lake Zurich, "
                             "Switzerland, Sunday, Feb. 2, 2025. (AP Photo/Ana Ruiz)\", "
                             "\"credit\": \"Ana Ruiz/Associated Press/Pool via Reuters\"}",
                             200));
    g_autofree char *received_data = NULL;
    gsize received_len = 0;
    g_assert_true(g_file_get_contents(path, &received_data, &received_len, NULL));

    g_autofree char *download = g_strdup_printf("%s/download", url);
    Reply r = http("GET", download, s.cookie, NULL, 0);
    g_assert_cmpint(r.status, ==, 200);
    g_assert_cmpstr(header(&r, "x-photodesk-metadata"), ==, "desk");
    g_assert_nonnull(strstr(header(&r, "content-disposition"), "photo-"));
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(r.body, &len);
    len--; /* less the NUL */
    /* the image data byte for byte */
    gsize a = image_data_at(data, len),
          b = image_data_at((const guint8 *)received_data, received_len);
    g_assert_cmpuint(len - a, ==, received_len - b);
    g_assert_cmpmem(data + a, len - a, received_data + b, received_len - b);
    g_autoptr(GBytes) file = g_bytes_new(data, len);
    reply_clear(&r);
    g_autoptr(JsonObject) tags = delivered_tags(workdir, file);
    if (tags == NULL) {
        g_test_message("exiftool is not installed: the download is not read back");
    } else {
        g_assert_cmpstr(json_object_get_string_member(tags, "IPTC:Caption-Abstract"), ==,
                        "Mute swans on Lake Zurich, Switzerland, Sunday, Feb. 2, 2025. (AP "
                        "Photo/Ana Ruiz)");
        g_assert_cmpstr(json_object_get_string_member(tags, "XMP-dc:Description"), ==,
                        json_object_get_string_member(tags, "IPTC:Caption-Abstract"));
        g_assert_cmpstr(json_object_get_string_member(tags, "Photoshop:IPTCDigest"), ==,
                        json_object_get_string_member(tags, "File:CurrentIPTCDigest"));
        /* IIM's Credit in 32 bytes, never a cut word; XMP the whole */
        g_assert_cmpstr(json_object_get_string_member(tags, "IPTC:Credit"), ==, "Ana Ruiz/Reuters");
        g_assert_cmpstr(json_object_get_string_member(tags, "XMP-photoshop:Credit"), ==,
                        "Ana Ruiz/Associated Press/Pool via Reuters");
        g_assert_true(json_object_has_member(tags, "IFD0:Orientation")); /* EXIF kept */
    }
    /* as the wire sent it */
    g_autofree char *as_received = g_strdup_printf("%s?as=received", download);
    Reply raw = http("GET", as_received, s.cookie, NULL, 0);
    g_assert_cmpint(raw.status, ==, 200);
    g_assert_cmpstr(header(&raw, "x-photodesk-metadata"), ==, "as-received");
    gsize raw_len = 0;
    const void *raw_data = g_bytes_get_data(raw.body, &raw_len);
    g_assert_cmpmem(raw_data, raw_len - 1, received_data, received_len);
    reply_clear(&raw);
    json_object_unref(expect("GET", "/api/photos/999999/download", &s, NULL, 404));
    session_clear(&s);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    start_server();
    g_test_add_func("/webui/login-and-sessions", test_login_and_sessions);
    g_test_add_func("/webui/throttle", test_throttle);
    g_test_add_func("/webui/search-and-photo", test_search_and_photo);
    g_test_add_func("/webui/correct-and-history", test_correct_and_history);
    g_test_add_func("/webui/upload", test_upload);
    g_test_add_func("/webui/bad-requests", test_bad_requests);
    g_test_add_func("/webui/headers-and-front-end", test_headers_and_front_end);
    g_test_add_func("/webui/articles", test_articles);
    g_test_add_func("/webui/stale-version", test_stale_version);
    g_test_add_func("/webui/wire-after-correction", test_wire_after_correction);
    g_test_add_func("/webui/picture-changed-in-article", test_picture_changed_in_article);
    g_test_add_func("/webui/agencies", test_agencies);
    g_test_add_func("/webui/synthetic-picture", test_synthetic_picture);
    g_test_add_func("/webui/picks", test_picks);
    g_test_add_func("/webui/lightboxes", test_lightboxes);
    g_test_add_func("/webui/saved-searches", test_saved_searches);
    g_test_add_func("/webui/roles", test_roles);
    g_test_add_func("/webui/similar-frames", test_similar_frames);
    g_test_add_func("/webui/codes", test_codes);
    g_test_add_func("/webui/batch", test_batch);
    g_test_add_func("/webui/rules", test_rules);
    g_test_add_func("/webui/names-two-ways", test_names_two_ways);
    g_test_add_func("/webui/original-download", test_original_download);
    g_test_add_func("/webui/original-other-formats", test_original_other_formats);
    g_test_add_func("/webui/deliver-to-target", test_deliver_to_target);
    g_test_add_func("/webui/port-in-use", test_port_in_use);
    int status = g_test_run();
    stop_server();
    return status;
}
