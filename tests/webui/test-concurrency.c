/* test-concurrency.c: a desk at work on one `photodesk serve`: several editors changing
 * the same photo at once, with and without the version they saw; two editors arranging
 * two articles while a command-line ingest and an upload commit beside them. Nothing may
 * answer 500 or 503, no acknowledged change may be lost, and the history must name who
 * changed what. */
#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cli/e2e.h"
#include "http.h"

static Served server;
static gint64 photo_id;    /* the photo everyone edits */
static gint64 articles[2]; /* one article per editor, two photos placed in each */
static gint64 placed[2][2];

#define EDITORS 4
static const char *const users[EDITORS] = {"anna", "bob", "carl", "dora"};
static const char *const fields[EDITORS] = {"caption", "headline", "city", "country"};

/* What one editor's thread did. */
typedef struct {
    int who;
    int rounds;
    int ok, conflicts, other;
    int other_status; /* the first status that was neither 200 nor 409 */
    char *other_body;
    char *last;          /* the last value acknowledged (200) */
    GPtrArray *accepted; /* every value acknowledged, in order */
} Editor;

static void
editor_clear(Editor *e)
{
    g_free(e->last);
    g_free(e->other_body);
    g_ptr_array_unref(e->accepted);
}

static void
count(Editor *e, const Reply *r, const char *value)
{
    if (r->status == 200) {
        e->ok++;
        g_free(e->last);
        e->last = g_strdup(value);
        g_ptr_array_add(e->accepted, g_strdup(value));
    } else if (r->status == 409) {
        e->conflicts++;
    } else if (e->other++ == 0) {
        e->other_status = r->status;
        e->other_body = g_strdup(body_text(r));
    }
}

static char *
photo_url(void)
{
    return g_strdup_printf("/api/photos/%" G_GINT64_FORMAT, photo_id);
}

/* ---------------------------------------------------------------- each their field */

static gpointer
edit_own_field(gpointer data)
{
    Editor *e = data;
    g_autofree char *password = g_strdup_printf("pw-%s", users[e->who]);
    Session s = login_user(users[e->who], password);
    g_autofree char *headers = with(&s, TRUE, "Content-Type: application/json\r\n");
    g_autofree char *url = photo_url();
    for (int i = 0; i < e->rounds; i++) {
        g_autofree char *value = g_strdup_printf("%s %d by %s", fields[e->who], i, users[e->who]);
        g_autofree char *body = g_strdup_printf("{\"%s\": \"%s\"}", fields[e->who], value);
        Reply r = http("PATCH", url, headers, body, strlen(body));
        count(e, &r, value);
        reply_clear(&r);
    }
    session_clear(&s);
    return NULL;
}

static JsonObject *
get(const char *url)
{
    Session s = login_user("anna", "pw-anna");
    Reply r = http("GET", url, s.cookie, NULL, 0);
    g_assert_cmpint(r.status, ==, 200);
    JsonObject *o = json_of(&r);
    reply_clear(&r);
    session_clear(&s);
    return o;
}

/* Every version of the photo, oldest first (from its history, which pages). */
static GPtrArray *
all_versions(void)
{
    g_autofree char *url =
        g_strdup_printf("/api/photos/%" G_GINT64_FORMAT "/history?limit=500", photo_id);
    g_autoptr(JsonObject) h = get(url);
    g_assert_true(json_object_get_null_member(h, "next_before"));
    JsonArray *vs = json_object_get_array_member(h, "versions");
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref);
    for (guint i = json_array_get_length(vs); i > 0; i--)
        g_ptr_array_add(out, json_object_ref(json_array_get_object_element(vs, i - 1)));
    return out;
}

static void
run_editors(GThreadFunc func, Editor *editors, int rounds)
{
    GThread *threads[EDITORS];
    for (int i = 0; i < EDITORS; i++) {
        editors[i] = (Editor){.who = i, .rounds = rounds};
        editors[i].accepted = g_ptr_array_new_with_free_func(g_free);
        threads[i] = g_thread_new(users[i], func, &editors[i]);
    }
    for (int i = 0; i < EDITORS; i++)
        g_thread_join(threads[i]);
    for (int i = 0; i < EDITORS; i++) {
        g_test_message("%s: %d saved, %d conflicts, %d other", users[i], editors[i].ok,
                       editors[i].conflicts, editors[i].other);
        if (editors[i].other)
            g_error("%s got %d: %s", users[i], editors[i].other_status, editors[i].other_body);
    }
}

/* Four editors, each changing their own field of one photo as fast as they can, without
 * versions: every change lands, and the history blames the right one for each. */
static void
test_own_fields(void)
{
    g_autofree char *url = photo_url();
    g_autoptr(JsonObject) before = get(url);
    gint64 version = json_object_get_int_member(before, "version");
    Editor editors[EDITORS];
    run_editors(edit_own_field, editors, 25);
    g_autoptr(JsonObject) after = get(url);
    int saved = 0;
    for (int i = 0; i < EDITORS; i++) {
        g_assert_cmpint(editors[i].ok, ==, 25);
        g_assert_cmpstr(json_object_get_string_member(after, fields[i]), ==, editors[i].last);
        saved += editors[i].ok;
    }
    g_assert_cmpint(json_object_get_int_member(after, "version"), ==, version + saved);
    /* each version: its user's field alone */
    g_autoptr(GPtrArray) versions = all_versions();
    g_assert_cmpuint(versions->len, ==, (guint)(version + saved));
    for (guint v = (guint)version; v < versions->len; v++) {
        JsonObject *o = g_ptr_array_index(versions, v);
        const char *user = json_object_get_string_member(o, "user");
        int who = -1;
        for (int i = 0; i < EDITORS; i++)
            if (g_strcmp0(user, users[i]) == 0)
                who = i;
        g_assert_cmpint(who, >=, 0);
        JsonArray *changes = json_object_get_array_member(o, "changes");
        g_assert_cmpuint(json_array_get_length(changes), ==, 1);
        JsonObject *c = json_array_get_object_element(changes, 0);
        g_assert_cmpstr(json_object_get_string_member(c, "field"), ==, fields[who]);
        g_assert_nonnull(strstr(json_object_get_string_member(c, "to"), user));
    }
    for (int i = 0; i < EDITORS; i++)
        editor_clear(&editors[i]);
}

/* A photo edited hundreds of times: its answer carries the newest versions, its history
 * pages through every one. */
static void
test_history_pages(void)
{
    g_autofree char *url = photo_url();
    g_autoptr(JsonObject) photo = get(url);
    gint64 total = json_object_get_int_member(photo, "version");
    g_assert_cmpint(total, >, 100);
    g_assert_cmpint(json_object_get_int_member(photo, "versions_total"), ==, total);
    JsonArray *inline_versions = json_object_get_array_member(photo, "versions");
    g_assert_cmpuint(json_array_get_length(inline_versions), ==, 20);
    g_assert_cmpint(
        json_object_get_int_member(json_array_get_object_element(inline_versions, 19), "version"),
        ==, total);
    gint64 before = 0, seen = 0, expect = total;
    for (int page = 0; page < 100; page++) {
        g_autofree char *target =
            before ? g_strdup_printf("%s/history?limit=37&before=%" G_GINT64_FORMAT, url, before)
                   : g_strdup_printf("%s/history?limit=37", url);
        g_autoptr(JsonObject) h = get(target);
        g_assert_cmpint(json_object_get_int_member(h, "total"), ==, total);
        JsonArray *vs = json_object_get_array_member(h, "versions");
        g_assert_cmpuint(json_array_get_length(vs), <=, 37);
        for (guint i = 0; i < json_array_get_length(vs); i++) /* newest first, none missed */
            g_assert_cmpint(
                json_object_get_int_member(json_array_get_object_element(vs, i), "version"), ==,
                expect--);
        seen += json_array_get_length(vs);
        if (json_object_get_null_member(h, "next_before"))
            break;
        before = json_object_get_int_member(h, "next_before");
    }
    g_assert_cmpint(seen, ==, total);
    g_autofree char *bad = g_strdup_printf("%s/history?limit=501", url);
    Session s = login_user("anna", "pw-anna");
    Reply r = http("GET", bad, s.cookie, NULL, 0);
    g_assert_cmpint(r.status, ==, 400);
    reply_clear(&r);
    session_clear(&s);
}

/* ---------------------------------------------------------------- one field, with versions */

static gpointer
edit_caption_with_version(gpointer data)
{
    Editor *e = data;
    g_autofree char *password = g_strdup_printf("pw-%s", users[e->who]);
    Session s = login_user(users[e->who], password);
    g_autofree char *headers = with(&s, TRUE, "Content-Type: application/json\r\n");
    g_autofree char *url = photo_url();
    Reply first = http("GET", url, s.cookie, NULL, 0);
    JsonObject *o = json_of(&first);
    gint64 version = json_object_get_int_member(o, "version");
    json_object_unref(o);
    reply_clear(&first);
    for (int i = 0; i < e->rounds; i++) {
        g_autofree char *value = g_strdup_printf("Caption %d by %s.", i, users[e->who]);
        g_autofree char *body = g_strdup_printf(
            "{\"version\": %" G_GINT64_FORMAT ", \"caption\": \"%s\"}", version, value);
        Reply r = http("PATCH", url, headers, body, strlen(body));
        count(e, &r, value);
        if (r.status == 200 || r.status == 409) {
            /* a 409 carries the photo as it is now: the editor merges and saves again */
            JsonObject *answer = json_of(&r);
            JsonObject *now =
                r.status == 409 ? json_object_get_object_member(answer, "photo") : answer;
            version = json_object_get_int_member(now, "version");
            if (r.status == 409 && !json_object_has_member(answer, "changed"))
                e->other++;
            json_object_unref(answer);
        }
        reply_clear(&r);
    }
    session_clear(&s);
    return NULL;
}

/* Four editors changing the caption at once, each with the version they saw: a change
 * made on a version that moved on is refused (409), never written over another; every
 * change acknowledged is in the history, made from the one before it. */
static void
test_same_field_with_versions(void)
{
    g_autofree char *url = photo_url();
    g_autoptr(JsonObject) before = get(url);
    gint64 version = json_object_get_int_member(before, "version");
    Editor editors[EDITORS];
    run_editors(edit_caption_with_version, editors, 20);
    g_autoptr(JsonObject) after = get(url);
    int saved = 0, conflicts = 0;
    GHashTable *accepted = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 0; i < EDITORS; i++) {
        saved += editors[i].ok;
        conflicts += editors[i].conflicts;
        for (guint k = 0; k < editors[i].accepted->len; k++)
            g_hash_table_add(accepted, g_ptr_array_index(editors[i].accepted, k));
    }
    g_test_message("%d saved, %d refused as stale", saved, conflicts);
    g_assert_cmpint(saved, >, 0);
    g_assert_cmpint(json_object_get_int_member(after, "version"), ==, version + saved);
    g_autoptr(GPtrArray) versions = all_versions();
    g_assert_cmpuint(versions->len, ==, (guint)(version + saved));
    const char *previous = json_object_get_string_member(before, "caption");
    for (guint v = (guint)version; v < versions->len; v++) {
        JsonObject *o = g_ptr_array_index(versions, v);
        JsonObject *c =
            json_array_get_object_element(json_object_get_array_member(o, "changes"), 0);
        g_assert_cmpstr(json_object_get_string_member(c, "field"), ==, "caption");
        g_assert_cmpstr(json_object_get_string_member(c, "from"), ==, previous);
        previous = json_object_get_string_member(c, "to");
        g_assert_true(g_hash_table_remove(accepted, previous));
        g_assert_nonnull(strstr(previous, json_object_get_string_member(o, "user")));
    }
    g_assert_cmpuint(g_hash_table_size(accepted), ==, 0);
    g_assert_cmpstr(json_object_get_string_member(after, "caption"), ==, previous);
    g_hash_table_unref(accepted);
    for (int i = 0; i < EDITORS; i++)
        editor_clear(&editors[i]);
}

/* ---------------------------------------------------------------- articles and the wire */

typedef struct {
    Editor e;
    int article; /* 0 or 1 */
    volatile int *stop;
} Arranger;

static gpointer
arrange(gpointer data)
{
    Arranger *a = data;
    Editor *e = &a->e;
    g_autofree char *password = g_strdup_printf("pw-%s", users[e->who]);
    Session s = login_user(users[e->who], password);
    g_autofree char *headers = with(&s, TRUE, "Content-Type: application/json\r\n");
    gint64 versions[2] = {1, 1};
    for (int i = 0; !*a->stop || i < 10; i++) {
        int which = i % 2;
        g_autofree char *url =
            g_strdup_printf("/api/articles/%" G_GINT64_FORMAT "/photos/%" G_GINT64_FORMAT,
                            articles[a->article], placed[a->article][which]);
        g_autofree char *value = g_strdup_printf("Placed caption %d by %s.", i, users[e->who]);
        /* a caption, or a move to the top: the other placement moves too */
        g_autofree char *body =
            i % 3 == 2 ? g_strdup_printf("{\"version\": %" G_GINT64_FORMAT ", \"position\": 1}",
                                         versions[which])
                       : g_strdup_printf("{\"version\": %" G_GINT64_FORMAT ", \"caption\": \"%s\"}",
                                         versions[which], value);
        Reply r = http("PATCH", url, headers, body, strlen(body));
        count(e, &r, value);
        if (r.status == 200) {
            JsonObject *o = json_of(&r);
            JsonArray *pls = json_object_get_array_member(o, "placements");
            for (guint k = 0; k < json_array_get_length(pls); k++) {
                JsonObject *pl = json_array_get_object_element(pls, k);
                for (int w = 0; w < 2; w++)
                    if (json_object_get_int_member(pl, "photo_id") == placed[a->article][w])
                        versions[w] = json_object_get_int_member(pl, "version");
            }
            json_object_unref(o);
        }
        reply_clear(&r);
    }
    session_clear(&s);
    return NULL;
}

/* A multipart body of one JPEG. */
static GByteArray *
one_file(const char *path)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_autofree char *name = g_path_get_basename(path);
    g_autofree char *head = g_strdup_printf(
        "--B0UNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n",
        name);
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)head, (guint)strlen(head));
    g_byte_array_append(b, (const guint8 *)data, (guint)len);
    g_byte_array_append(b, (const guint8 *)"\r\n--B0UNDARY--\r\n", 16);
    return b;
}

/* Two editors arranging their own articles (captions, order) while a command-line ingest
 * and an upload commit new photos: no 503 however busy the catalog, every change made on
 * the version it was made on. */
static void
test_articles_while_ingesting(void)
{
    g_autofree char *wire = g_build_filename(workdir, "wire", NULL);
    g_assert_cmpint(g_mkdir(wire, 0755), ==, 0);
    for (int i = 0; i < 30; i++) {
        g_autofree char *name = g_strdup_printf("wire/w%02d.jpg", i);
        g_free(make_photo(name, 640, 480, 500 + i, NULL, 0));
    }
    g_autofree char *script = g_strdup_printf(
        "exec '%s' --library '%s' ingest --json '%s' > '%s/wire.out' 2> '%s/wire.err'",
        g_getenv("PHOTODESK_BIN"), library, wire, workdir, workdir);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    GPid ingest = 0;
    g_assert_true(g_spawn_async(workdir, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                die_with_parent, GINT_TO_POINTER(getpid()), &ingest, NULL));
    volatile int stop = 0;
    Arranger arrangers[2];
    GThread *threads[2];
    for (int i = 0; i < 2; i++) {
        arrangers[i] = (Arranger){.e = {.who = i}, .article = i, .stop = &stop};
        arrangers[i].e.accepted = g_ptr_array_new_with_free_func(g_free);
        threads[i] = g_thread_new("arranger", arrange, &arrangers[i]);
    }
    /* uploads beside them, through the server's own ingest */
    Session up = login_user("carl", "pw-carl");
    g_autofree char *up_headers =
        with(&up, TRUE, "Content-Type: multipart/form-data; boundary=B0UNDARY\r\n");
    for (int i = 0; i < 4; i++) {
        g_autofree char *name = g_strdup_printf("upload-%d.jpg", i);
        g_autofree char *path = make_photo(name, 640, 480, 900 + i, NULL, 0);
        g_autoptr(GByteArray) body = one_file(path);
        Reply r = http("POST", "/api/photos", up_headers, body->data, body->len);
        if (r.status != 200)
            g_error("upload: %d %s", r.status, body_text(&r));
        g_assert_nonnull(strstr(body_text(&r), "\"added\""));
        reply_clear(&r);
    }
    session_clear(&up);
    int status = 0;
    g_assert_cmpint(waitpid(ingest, &status, 0), ==, ingest);
    stop = 1;
    for (int i = 0; i < 2; i++)
        g_thread_join(threads[i]);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    for (int i = 0; i < 2; i++) {
        Editor *e = &arrangers[i].e;
        g_test_message("%s: %d changes, %d conflicts, %d other", users[e->who], e->ok, e->conflicts,
                       e->other);
        if (e->other)
            g_error("%s got %d: %s", users[e->who], e->other_status, e->other_body);
        g_assert_cmpint(e->conflicts, ==, 0); /* each had the versions from their answers */
        g_assert_cmpint(e->ok, >=, 10);
        editor_clear(e);
    }
    /* the CLI's photos are found through the server */
    g_autoptr(JsonObject) all = get("/api/photos?limit=1");
    g_assert_cmpint(json_object_get_int_member(all, "total"), >=, 30 + 4 + 5);
}

/* ---------------------------------------------------------------- the desk */

static gint64
ingest_one(const char *path)
{
    Run r = RUN("ingest", "--json", path);
    g_assert_cmpint(r.status, ==, 0);
    g_autoptr(GHashTable) h = results(r.out);
    g_autofree char *name = g_path_get_basename(path);
    gint64 id = id_of(h, name);
    run_clear(&r);
    return id;
}

static void
start_desk(void)
{
    setup();
    gint64 ids[5];
    for (int i = 0; i < 5; i++) {
        g_autofree char *name = g_strdup_printf("desk-%d.jpg", i);
        g_autofree char *xmp =
            wire_xmp("Officials meet in Brussels, Belgium. (AP Photo/Virginia Mayo)", "AP", NULL,
                     "2024-06-27T12:00:00+02:00");
        g_autofree char *path = make_photo(name, 640, 480, 100 + i, xmp, 0);
        ids[i] = ingest_one(path);
    }
    photo_id = ids[0];
    for (int i = 0; i < EDITORS; i++) {
        g_autofree char *password = g_strdup_printf("pw-%s", users[i]);
        add_user(users[i], password);
    }
    for (int a = 0; a < 2; a++) {
        g_autofree char *slug = g_strdup_printf("story-%d", a);
        Run r = RUN("article", "new", slug);
        g_assert_cmpint(r.status, ==, 0);
        articles[a] = g_ascii_strtoll(r.out + strlen("article "), NULL, 10);
        run_clear(&r);
        for (int k = 0; k < 2; k++) {
            placed[a][k] = ids[1 + a * 2 + k];
            g_autofree char *article = g_strdup_printf("%" G_GINT64_FORMAT, articles[a]);
            g_autofree char *photo = g_strdup_printf("%" G_GINT64_FORMAT, placed[a][k]);
            Run p = RUN("article", "attach", article, photo);
            g_assert_cmpint(p.status, ==, 0);
            run_clear(&p);
        }
    }
    server = serve_start(NULL);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    start_desk();
    g_test_add_func("/concurrency/own-fields", test_own_fields);
    g_test_add_func("/concurrency/same-field-with-versions", test_same_field_with_versions);
    g_test_add_func("/concurrency/history-pages", test_history_pages);
    g_test_add_func("/concurrency/articles-while-ingesting", test_articles_while_ingesting);
    int status = g_test_run();
    serve_stop(&server);
    g_autofree char *log = NULL;
    g_assert_true(g_file_get_contents(server.log, &log, NULL, NULL));
    g_assert_null(strstr(log, "\" 500 "));
    g_assert_null(strstr(log, "\" 503 "));
    g_free(server.log);
    teardown();
    return status;
}
