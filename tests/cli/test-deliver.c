/* test-deliver.c: photodesk target and article package --to: the desk's delivery targets
 * checked as they are saved; packages delivered to a folder while readers look at it
 * (never a partial package, never one over another), and posted to a local endpoint
 * that fails twice and then takes it (each attempt recorded with its answer, the same
 * idempotency key and the admin's header each time, the multipart parts as documented),
 * one that refuses (no second attempt) and one that is not there. */
#include "delivered.h"
#include "e2e.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <signal.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <vips/vips.h>
#include <zip.h>

static JsonObject *
json_out(const Run *r)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_data(p, r->out, -1, &error))
        g_error("not JSON (%s): %s", error->message, r->out);
    return json_object_ref(json_node_get_object(json_parser_get_root(p)));
}

/* A library with article 1 ("storm") holding two photos. */
static void
storm(void)
{
    g_autofree char *a = make_photo("a.jpg", 800, 600, 1, NULL, 0);
    g_autofree char *b = make_photo("b.jpg", 600, 800, 2, NULL, 0);
    Run in = RUN("ingest", a, b);
    g_assert_cmpint(in.status, ==, 0);
    run_clear(&in);
    Run made = RUN("article", "new", "storm");
    g_assert_cmpint(made.status, ==, 0);
    run_clear(&made);
    Run attach = RUN("article", "attach", "1", "1", "2");
    g_assert_cmpint(attach.status, ==, 0);
    run_clear(&attach);
}

/* The article's newest delivery. */
static JsonObject *
newest_delivery(void)
{
    Run shown = RUN("article", "show", "--json", "1");
    g_assert_cmpint(shown.status, ==, 0);
    JsonObject *a = json_out(&shown);
    run_clear(&shown);
    JsonObject *d = json_object_ref(
        json_array_get_object_element(json_object_get_array_member(a, "deliveries"), 0));
    json_object_unref(a);
    return d;
}

static void
test_targets_checked(void)
{
    setup();
    g_autofree char *drop = g_build_filename(workdir, "drop", NULL);
    g_assert_cmpint(g_mkdir(drop, 0755), ==, 0);
    const struct {
        const char *args[8];
        const char *says;
    } bad[] = {
        {{"target", "save", "X", "--folder", "relative/drop"}, NULL}, /* made absolute: absent */
        {{"target", "save", "X", "--folder", "/no/such/folder"}, "is not a folder"},
        {{"target", "save", "X", "--folder", drop, "--url", "http://127.0.0.1/"}, "one of them"},
        {{"target", "save", "X"}, "one of them"},
        {{"target", "save", "X", "--url", "ftp://127.0.0.1/in"}, "not an http:// or https://"},
        {{"target", "save", "X", "--url", "http:///nohost"}, "not an http:// or https://"},
        {{"target", "save", "X", "--folder", drop, "--layout", "tar"}, "not \"files\" or \"zip\""},
        {{"target", "save", "X", "--folder", drop, "--header", "A: b"}, "sends no headers"},
        {{"target", "save", "X", "--url", "http://h/", "--header", "no colon"}, "Name: value"},
        {{"target", "save", "X", "--url", "http://h/", "--attempts", "11"}, "between 1 and 10"},
        {{"target", "save", "X", "--url", "http://h/", "--backoff", "0.001"}, "between 0.05"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        Run r = run_args(bad[i].args);
        g_assert_cmpint(r.status, ==, 1);
        if (bad[i].says && strstr(r.err, bad[i].says) == NULL)
            g_error("%s %s: \"%s\" does not say \"%s\"", bad[i].args[3], bad[i].args[4], r.err,
                    bad[i].says);
        run_clear(&r);
    }
    Run none = RUN("target", "list");
    g_assert_cmpstr(none.out, ==, "");
    run_clear(&none);
    Run cms = RUN("target", "save", "CMS", "--url", "https://cms.example/hook", "--header",
                  "Authorization: Bearer s3cret", "--attempts", "3");
    g_assert_cmpint(cms.status, ==, 0);
    run_clear(&cms);
    Run listed = RUN("target", "list", "--json");
    g_assert_null(strstr(listed.out, "s3cret")); /* the header's value is never shown */
    JsonObject *o = json_out(&listed);
    JsonObject *t = json_array_get_object_element(json_object_get_array_member(o, "targets"), 0);
    g_assert_cmpstr(json_object_get_string_member(t, "kind"), ==, "http");
    g_assert_cmpstr(json_object_get_string_member(t, "header"), ==, "Authorization");
    g_assert_cmpint(json_object_get_int_member(t, "attempts"), ==, 3);
    g_assert_cmpstr(json_object_get_string_member(t, "layout"), ==, "files");
    json_object_unref(o);
    run_clear(&listed);
    Run text = RUN("target", "list");
    g_assert_null(strstr(text.out, "s3cret"));
    run_clear(&text);
    /* a delivery to a target the desk does not have */
    storm();
    Run unknown = RUN("article", "package", "1", "--to", "Nowhere");
    g_assert_cmpint(unknown.status, ==, 1);
    g_assert_nonnull(strstr(unknown.err, "no delivery target called \"Nowhere\""));
    run_clear(&unknown);
    Run removed = RUN("target", "remove", "cms");
    g_assert_cmpint(removed.status, ==, 0);
    run_clear(&removed);
    teardown();
}

/* ---------------------------------------------------------------- a folder */

typedef struct {
    const char *folder;
    gint stop;
    guint looks, seen_whole;
    GString *wrong; /* what a reader saw that it should not have */
} Reader;

/* Whether @jpeg (a file) is a whole JPEG: starts FFD8, ends FFD9. */
static gboolean
whole_jpeg(const char *path)
{
    g_autofree char *data = NULL;
    gsize n = 0;
    return g_file_get_contents(path, &data, &n, NULL) && n > 4 && (guchar)data[0] == 0xff &&
           (guchar)data[1] == 0xd8 && (guchar)data[n - 2] == 0xff && (guchar)data[n - 1] == 0xd9;
}

/* Whether the package at @path (a folder of files or a zip) is whole: article.json and
 * each photo it lists, each whole. */
static gboolean
whole_package(const char *path, GString *why)
{
    g_autofree char *json = NULL;
    gboolean zip = g_str_has_suffix(path, ".zip");
    g_autoptr(GHashTable) entries = NULL;
    if (zip) {
        int code = 0;
        zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
        if (z == NULL) {
            g_string_append_printf(why, "%s: not a whole zip (%d)\n", path, code);
            return FALSE;
        }
        zip_discard(z);
        g_autofree char *data = NULL;
        gsize n = 0;
        g_assert_true(g_file_get_contents(path, &data, &n, NULL));
        entries = delivered_entries(data, n);
        GBytes *j = g_hash_table_lookup(entries, "article.json");
        if (j == NULL) {
            g_string_append_printf(why, "%s: no article.json\n", path);
            return FALSE;
        }
        json = g_strndup(g_bytes_get_data(j, NULL), g_bytes_get_size(j));
    } else {
        g_autofree char *manifest = g_build_filename(path, "article.json", NULL);
        if (!g_file_get_contents(manifest, &json, NULL, NULL)) {
            g_string_append_printf(why, "%s: no article.json\n", path);
            return FALSE;
        }
    }
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_data(p, json, -1, NULL)) {
        g_string_append_printf(why, "%s: article.json is not whole\n", path);
        return FALSE;
    }
    JsonArray *photos =
        json_object_get_array_member(json_node_get_object(json_parser_get_root(p)), "photos");
    if (json_array_get_length(photos) != 2) {
        g_string_append_printf(why, "%s: article.json lists %u photos\n", path,
                               json_array_get_length(photos));
        return FALSE;
    }
    for (guint i = 0; i < 2; i++) {
        const char *file =
            json_object_get_string_member(json_array_get_object_element(photos, i), "file");
        if (zip) {
            GBytes *b = g_hash_table_lookup(entries, file);
            gsize n = b ? g_bytes_get_size(b) : 0;
            const guchar *d = b ? g_bytes_get_data(b, NULL) : NULL;
            if (n < 4 || d[0] != 0xff || d[n - 1] != 0xd9) {
                g_string_append_printf(why, "%s: %s is not whole\n", path, file);
                return FALSE;
            }
        } else {
            g_autofree char *jpeg = g_build_filename(path, file, NULL);
            if (!whole_jpeg(jpeg)) {
                g_string_append_printf(why, "%s: %s is not whole\n", path, file);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gpointer
read_folder(gpointer data)
{
    Reader *r = data;
    while (!g_atomic_int_get(&r->stop)) {
        g_autoptr(GDir) dir = g_dir_open(r->folder, 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir)) != NULL) {
            if (name[0] == '.')
                continue; /* being written: a reader of the folder skips it */
            g_autofree char *path = g_build_filename(r->folder, name, NULL);
            if (whole_package(path, r->wrong))
                r->seen_whole++;
        }
        r->looks++;
        g_usleep(500);
    }
    return NULL;
}

typedef struct {
    const char *target;
    Run run;
} Delivery;

static gpointer
deliver(gpointer data)
{
    Delivery *d = data;
    d->run = RUN("article", "package", "1", "--to", d->target);
    return NULL;
}

static void
test_to_a_folder(void)
{
    setup();
    storm();
    g_autofree char *drop = g_build_filename(workdir, "drop", NULL);
    g_assert_cmpint(g_mkdir(drop, 0755), ==, 0);
    Run files = RUN("target", "save", "Drop", "--folder", drop);
    g_assert_cmpint(files.status, ==, 0);
    run_clear(&files);
    Run zipped = RUN("target", "save", "Zipped", "--folder", drop, "--layout", "zip");
    g_assert_cmpint(zipped.status, ==, 0);
    run_clear(&zipped);

    /* six deliveries at once, the same second most likely, while two readers look */
    Reader readers[2] = {{drop, 0, 0, 0, g_string_new(NULL)}, {drop, 0, 0, 0, g_string_new(NULL)}};
    GThread *reading[2];
    for (guint i = 0; i < 2; i++)
        reading[i] = g_thread_new("reader", read_folder, &readers[i]);
    Delivery ds[6];
    GThread *delivering[6];
    for (guint i = 0; i < 6; i++) {
        ds[i].target = i % 2 ? "Zipped" : "drop"; /* any case */
        delivering[i] = g_thread_new("deliver", deliver, &ds[i]);
    }
    g_autoptr(GHashTable) locations = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < 6; i++) {
        g_thread_join(delivering[i]);
        if (ds[i].run.status != 0)
            g_error("delivery %u: %s", i, ds[i].run.err);
        g_strchomp(ds[i].run.out);
        g_assert_true(g_str_has_prefix(ds[i].run.out, drop));
        g_assert_nonnull(strstr(ds[i].run.err, "delivered"));
        g_hash_table_add(locations, ds[i].run.out);
    }
    g_usleep(20000);
    for (guint i = 0; i < 2; i++) {
        g_atomic_int_set(&readers[i].stop, 1);
        g_thread_join(reading[i]);
        if (readers[i].wrong->len)
            g_error("a reader saw: %s", readers[i].wrong->str);
        g_assert_cmpuint(readers[i].looks, >, 0);
        g_assert_cmpuint(readers[i].seen_whole, >, 0);
        g_string_free(readers[i].wrong, TRUE);
    }
    /* each its own, none over another, nothing left half-written */
    g_assert_cmpuint(g_hash_table_size(locations), ==, 6);
    g_autoptr(GDir) dir = g_dir_open(drop, 0, NULL);
    const char *name;
    guint entries = 0, zips = 0;
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_assert_cmpint(name[0], !=, '.');
        g_autofree char *path = g_build_filename(drop, name, NULL);
        g_assert_true(g_hash_table_contains(locations, path));
        g_autoptr(GString) why = g_string_new(NULL);
        if (!whole_package(path, why))
            g_error("%s", why->str);
        entries++;
        zips += g_str_has_suffix(name, ".zip");
    }
    g_assert_cmpuint(entries, ==, 6);
    g_assert_cmpuint(zips, ==, 3);

    /* recorded, with where each went */
    Run shown = RUN("article", "show", "--json", "1");
    JsonObject *a = json_out(&shown);
    run_clear(&shown);
    JsonArray *all = json_object_get_array_member(a, "deliveries");
    g_assert_cmpuint(json_array_get_length(all), ==, 6);
    for (guint i = 0; i < 6; i++) {
        JsonObject *d = json_array_get_object_element(all, i);
        g_assert_true(
            g_hash_table_contains(locations, json_object_get_string_member(d, "location")));
        g_assert_true(json_object_get_null_member(d, "failed"));
        JsonArray *attempts = json_object_get_array_member(d, "attempts");
        g_assert_cmpuint(json_array_get_length(attempts), ==, 1);
        g_assert_true(
            json_object_get_boolean_member(json_array_get_object_element(attempts, 0), "ok"));
    }
    json_object_unref(a);
    Run photo = RUN("show", "2");
    g_assert_nonnull(strstr(photo.out, "article 1 (storm), Drop ("));
    run_clear(&photo);
    g_hash_table_remove_all(locations);
    for (guint i = 0; i < 6; i++)
        run_clear(&ds[i].run);

    /* a folder that went away: not delivered, said, recorded, nothing left */
    g_autofree char *gone = g_build_filename(workdir, "gone", NULL);
    g_assert_cmpint(g_mkdir(gone, 0755), ==, 0);
    Run later = RUN("target", "save", "Gone", "--folder", gone);
    g_assert_cmpint(later.status, ==, 0);
    run_clear(&later);
    g_assert_cmpint(g_rmdir(gone), ==, 0);
    Run failed = RUN("article", "package", "1", "--to", "Gone");
    g_assert_cmpint(failed.status, ==, 1);
    g_assert_nonnull(strstr(failed.err, gone));
    run_clear(&failed);
    g_autoptr(JsonObject) d = newest_delivery();
    g_assert_cmpstr(json_object_get_string_member(d, "target"), ==, "Gone");
    g_assert_nonnull(json_object_get_string_member(d, "failed"));
    Run text = RUN("article", "show", "1");
    g_assert_nonnull(strstr(text.out, "Not delivered"));
    run_clear(&text);
    teardown();
}

/* ---------------------------------------------------------------- an address */

typedef struct {
    char *name, *filename, *type;
    GByteArray *data;
} Part;

static void
part_free(gpointer p)
{
    Part *part = p;
    g_free(part->name);
    g_free(part->filename);
    g_free(part->type);
    g_byte_array_unref(part->data);
    g_free(part);
}

typedef struct {
    GMutex lock;
    int fail_first;    /* answer 503 to this many posts */
    int refuse;        /* answer 400 */
    int posts;         /* how many came */
    GPtrArray *keys;   /* Idempotency-Key of each */
    GPtrArray *auths;  /* Authorization of each */
    GPtrArray *parts;  /* of the post that was taken */
    GPtrArray *taking; /* being read */
} Endpoint;

typedef struct {
    struct MHD_PostProcessor *pp;
    GPtrArray *parts;
} Post;

static enum MHD_Result
part_arrived(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
             const char *content_type, const char *encoding, const char *data, uint64_t off,
             size_t size)
{
    (void)kind;
    (void)encoding;
    Post *post = cls;
    Part *last = post->parts->len ? g_ptr_array_index(post->parts, post->parts->len - 1) : NULL;
    if (last == NULL || off == 0) {
        last = g_new0(Part, 1);
        last->name = g_strdup(key);
        last->filename = g_strdup(filename);
        last->type = g_strdup(content_type);
        last->data = g_byte_array_new();
        g_ptr_array_add(post->parts, last);
    }
    g_byte_array_append(last->data, (const guint8 *)data, (guint)size);
    return MHD_YES;
}

static void
post_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls;
    (void)c;
    (void)t;
    Post *post = *con_cls;
    if (post == NULL)
        return;
    if (post->pp)
        MHD_destroy_post_processor(post->pp);
    if (post->parts)
        g_ptr_array_unref(post->parts);
    g_free(post);
    *con_cls = NULL;
}

static enum MHD_Result
answer(Endpoint *e, struct MHD_Connection *c, unsigned status, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    (void)e;
    return ok;
}

static enum MHD_Result
endpoint(void *cls, struct MHD_Connection *c, const char *url, const char *method,
         const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)url;
    (void)version;
    Endpoint *e = cls;
    Post *post = *con_cls;
    if (post == NULL) {
        post = g_new0(Post, 1);
        post->parts = g_ptr_array_new_with_free_func(part_free);
        post->pp = MHD_create_post_processor(c, 64 * 1024, part_arrived, post);
        *con_cls = post;
        return strcmp(method, "POST") == 0 && post->pp ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        MHD_post_process(post->pp, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    g_mutex_lock(&e->lock);
    int n = ++e->posts;
    const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    g_ptr_array_add(e->keys, g_strdup(key ? key : ""));
    g_ptr_array_add(e->auths, g_strdup(auth ? auth : ""));
    gboolean taken = !e->refuse && n > e->fail_first;
    if (taken) {
        g_clear_pointer(&e->parts, g_ptr_array_unref);
        e->parts = g_steal_pointer(&post->parts);
    }
    g_mutex_unlock(&e->lock);
    if (e->refuse)
        return answer(e, c, 400, "{\"error\": \"no slug\"}\nmore");
    if (!taken)
        return answer(e, c, 503, "busy, try later\n");
    return answer(e, c, 200, "{\"id\": \"cms-42\"}");
}

static struct MHD_Daemon *
endpoint_start(Endpoint *e, guint16 *port)
{
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, endpoint, e,
        MHD_OPTION_SOCK_ADDR,
        &(struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)},
        MHD_OPTION_NOTIFY_COMPLETED, post_done, NULL, MHD_OPTION_END);
    g_assert_nonnull(d);
    *port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return d;
}

static void
endpoint_clear(Endpoint *e)
{
    g_ptr_array_unref(e->keys);
    g_ptr_array_unref(e->auths);
    if (e->parts)
        g_ptr_array_unref(e->parts);
}

static void
test_to_an_address(void)
{
    setup();
    storm();
    Endpoint e = {.fail_first = 2,
                  .keys = g_ptr_array_new_with_free_func(g_free),
                  .auths = g_ptr_array_new_with_free_func(g_free)};
    guint16 port;
    struct MHD_Daemon *d = endpoint_start(&e, &port);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%u/hooks/photos", port);
    Run saved = RUN("target", "save", "CMS", "--url", url, "--header",
                    "Authorization: Bearer s3cret", "--attempts", "4", "--backoff", "0.05");
    g_assert_cmpint(saved.status, ==, 0);
    run_clear(&saved);

    Run sent = RUN("article", "package", "1", "--to", "CMS");
    if (sent.status != 0)
        g_error("%s", sent.err);
    g_assert_cmpstr(g_strchomp(sent.out), ==, url);
    /* each attempt said as it ended */
    g_assert_nonnull(strstr(sent.err, "failed"));
    g_assert_nonnull(strstr(sent.err, "HTTP 503: busy, try later"));
    g_assert_nonnull(strstr(sent.err, "delivered"));
    run_clear(&sent);
    g_assert_cmpint(e.posts, ==, 3);
    /* the same key each time, so that the CMS can tell a retry; the admin's header */
    for (guint i = 0; i < 3; i++) {
        g_assert_cmpuint(strlen(g_ptr_array_index(e.keys, i)), ==, 36);
        g_assert_cmpstr(g_ptr_array_index(e.keys, i), ==, g_ptr_array_index(e.keys, 0));
        g_assert_cmpstr(g_ptr_array_index(e.auths, i), ==, "Bearer s3cret");
    }
    /* what the CMS got: "article" (article.json) and a "photo" per photo, whole */
    g_assert_nonnull(e.parts);
    g_assert_cmpuint(e.parts->len, ==, 3);
    Part *manifest = g_ptr_array_index(e.parts, 2);
    g_assert_cmpstr(manifest->name, ==, "article");
    g_assert_cmpstr(manifest->filename, ==, "article.json");
    g_assert_cmpstr(manifest->type, ==, "application/json");
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, (const char *)manifest->data->data,
                                             manifest->data->len, NULL));
    JsonArray *photos =
        json_object_get_array_member(json_node_get_object(json_parser_get_root(p)), "photos");
    int widths = 0;
    for (guint i = 0; i < 2; i++) {
        Part *photo = g_ptr_array_index(e.parts, i);
        g_assert_cmpstr(photo->name, ==, "photo");
        g_assert_cmpstr(photo->type, ==, "image/jpeg");
        g_assert_cmpstr(
            photo->filename, ==,
            json_object_get_string_member(json_array_get_object_element(photos, i), "file"));
        g_autoptr(VipsImage) img =
            vips_image_new_from_buffer(photo->data->data, photo->data->len, "", NULL);
        g_assert_nonnull(img);
        widths += vips_image_get_width(img); /* a.jpg and b.jpg, whichever got id 1 */
    }
    g_assert_cmpint(widths, ==, 800 + 600);
    /* recorded: three attempts, each with its answer */
    {
        g_autoptr(JsonObject) rec = newest_delivery();
        g_assert_cmpstr(json_object_get_string_member(rec, "target"), ==, "CMS");
        g_assert_cmpstr(json_object_get_string_member(rec, "location"), ==, url);
        g_assert_true(json_object_get_null_member(rec, "failed"));
        JsonArray *attempts = json_object_get_array_member(rec, "attempts");
        g_assert_cmpuint(json_array_get_length(attempts), ==, 3);
        for (guint i = 0; i < 3; i++) {
            JsonObject *at = json_array_get_object_element(attempts, i);
            g_assert_cmpint(json_object_get_boolean_member(at, "ok"), ==, i == 2);
            g_assert_cmpstr(json_object_get_string_member(at, "answer"), ==,
                            i < 2 ? "HTTP 503: busy, try later" : "HTTP 200: {\"id\": \"cms-42\"}");
        }
    }
    Run text = RUN("article", "show", "1");
    g_assert_nonnull(strstr(text.out, "2. "));
    g_assert_nonnull(strstr(text.out, "HTTP 503: busy, try later"));
    run_clear(&text);

    /* as a zip: one part, "package" */
    Run zipped = RUN("target", "save", "CMS zip", "--url", url, "--layout", "zip");
    g_assert_cmpint(zipped.status, ==, 0);
    run_clear(&zipped);
    Run again = RUN("article", "package", "1", "--to", "cms zip");
    g_assert_cmpint(again.status, ==, 0);
    run_clear(&again);
    g_assert_cmpuint(e.parts->len, ==, 1);
    Part *package = g_ptr_array_index(e.parts, 0);
    g_assert_cmpstr(package->name, ==, "package");
    g_assert_cmpstr(package->filename, ==, "storm.zip");
    g_assert_cmpstr(package->type, ==, "application/zip");
    g_autoptr(GHashTable) entries = delivered_entries(package->data->data, package->data->len);
    g_assert_cmpuint(g_hash_table_size(entries), ==, 3);
    g_assert_true(g_hash_table_contains(entries, "article.json"));

    /* a refusal is final: one attempt, recorded as not delivered, not on the photo */
    e.refuse = 1;
    int before = e.posts;
    Run refused = RUN("article", "package", "1", "--to", "CMS");
    g_assert_cmpint(refused.status, ==, 1);
    g_assert_nonnull(strstr(refused.err, "did not take the package (1 attempt): HTTP 400: "
                                         "{\"error\": \"no slug\"}"));
    run_clear(&refused);
    g_assert_cmpint(e.posts, ==, before + 1);
    {
        g_autoptr(JsonObject) rec = newest_delivery();
        g_assert_nonnull(strstr(json_object_get_string_member(rec, "failed"), "HTTP 400"));
        g_assert_cmpuint(json_array_get_length(json_object_get_array_member(rec, "attempts")), ==,
                         1);
        /* the photo's page lists the two that went */
        Run photo = RUN("show", "--json", "1");
        JsonObject *shown = json_out(&photo);
        JsonArray *used = json_object_get_array_member(shown, "deliveries");
        g_assert_cmpuint(json_array_get_length(used), ==, 2);
        for (guint i = 0; i < 2; i++)
            g_assert_true(
                json_object_get_null_member(json_array_get_object_element(used, i), "failed"));
        json_object_unref(shown);
        run_clear(&photo);
    }
    MHD_stop_daemon(d);

    /* nobody there: every attempt made, then said */
    Run nobody = RUN("article", "package", "1", "--to", "CMS");
    g_assert_cmpint(nobody.status, ==, 1);
    g_assert_nonnull(strstr(nobody.err, "(4 attempts)"));
    run_clear(&nobody);
    endpoint_clear(&e);
    teardown();
}

/* Ctrl-C while a delivery waits to try again: it stops at once, recorded as stopped. */
static void
test_stopped(void)
{
    setup();
    storm();
    Endpoint e = {.fail_first = 1000,
                  .keys = g_ptr_array_new_with_free_func(g_free),
                  .auths = g_ptr_array_new_with_free_func(g_free)};
    guint16 port;
    struct MHD_Daemon *d = endpoint_start(&e, &port);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%u/busy", port);
    Run saved = RUN("target", "save", "Busy", "--url", url, "--attempts", "5", "--backoff", "30");
    g_assert_cmpint(saved.status, ==, 0);
    run_clear(&saved);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_subprocess_launcher_set_cwd(l, workdir);
    g_autoptr(GSubprocess) p =
        g_subprocess_launcher_spawn(l, &error, g_getenv("PHOTODESK_BIN"), "--library", library,
                                    "article", "package", "1", "--to", "Busy", NULL);
    g_assert_no_error(error);
    g_autoptr(GDataInputStream) err = g_data_input_stream_new(g_subprocess_get_stderr_pipe(p));
    g_autofree char *line = g_data_input_stream_read_line_utf8(err, NULL, NULL, &error);
    g_assert_nonnull(line);
    g_assert_nonnull(strstr(line, "HTTP 503")); /* the first attempt, then a 30 s pause */
    g_subprocess_send_signal(p, SIGTERM);
    g_assert_true(g_subprocess_wait(p, NULL, &error));
    g_assert_true(g_subprocess_get_if_exited(p));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 1);
    g_assert_cmpint(e.posts, ==, 1);
    g_autoptr(JsonObject) rec = newest_delivery();
    g_assert_nonnull(strstr(json_object_get_string_member(rec, "failed"),
                            "stopped after attempt 1: photodesk is stopping"));
    MHD_stop_daemon(d);
    endpoint_clear(&e);
    teardown();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    g_test_add_func("/cli/deliver/targets-checked", test_targets_checked);
    g_test_add_func("/cli/deliver/to-a-folder", test_to_a_folder);
    g_test_add_func("/cli/deliver/to-an-address", test_to_an_address);
    g_test_add_func("/cli/deliver/stopped", test_stopped);
    return g_test_run();
}
