/* test-corpus.c: photodesk meta against the shared metadata corpus.
 *
 * The corpus (../shared/corpus, or $PHOTODESK_CORPUS) holds other projects' files and
 * stays out of this repository; without it these tests are skipped and say so.
 *
 *  /corpus/conformance/FILE  every field of every well-formed file matches
 *                            expected.jsonl, except the differences listed (with their
 *                            reasons) in tests/data/conformance-known-differences.tsv;
 *  /corpus/provenance        how each well-formed file says it was made (IPTC Digital
 *                            Source Type, PLUS Data Mining) is exiftool's reading of it
 *                            (exiftool/FILE.json), and content credentials are found
 *                            in exactly the files where exiftool reads JUMBF;
 *  /corpus/camera            the camera's settings of each well-formed file (exposure,
 *                            aperture, ISO, focal length, lens) are exiftool's reading of
 *                            its EXIF, as a photographer writes them ("1/250", "f/2.8");
 *  /corpus/malformed/FILE    each malformed file is read in its own process, within a
 *                            second, without crashing, and comes back damaged or
 *                            rejected; where the corpus README says IPTC and XMP survive
 *                            broken EXIF, they must.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Files whose IPTC and XMP must survive their broken EXIF (corpus README). */
static const char *const survivors[] = {
    "images/syn-exif-ifd0-offset-oob.jpg",
    "images/syn-exif-ifd0-count-huge.jpg",
    "images/syn-exif-exififd-loop.jpg",
    "images/ev2-exiv2-bug495.jpg",
};

/* Fields that come from IPTC or XMP (not EXIF, not the image header). */
static const char *const iptc_xmp_fields[] = {
    "headline",
    "credit",
    "source",
    "city",
    "province",
    "country",
    "keywords",
    "special_instructions",
    "transmission_reference",
    "object_name",
    "writer",
};

typedef struct {
    char *corpus;
    GHashTable *expected; /* file -> JsonObject */
    GHashTable *got;      /* file -> JsonObject */
    GHashTable *known;    /* "file\tfield" -> reason */
    char *meta_stderr;
} Corpus;

static Corpus corpus;

static char *
find_corpus(void)
{
    const char *env = g_getenv("PHOTODESK_CORPUS");
    if (env && *env)
        return g_strdup(env);
    const char *root = g_getenv("PHOTODESK_SOURCE_ROOT");
    if (root == NULL)
        return NULL;
    return g_build_filename(root, "..", "shared", "corpus", NULL);
}

static JsonObject *
parse_object(const char *line, GError **error)
{
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_data(p, line, -1, error))
        return NULL;
    JsonNode *root = json_parser_get_root(p);
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a JSON object");
        return NULL;
    }
    return json_object_ref(json_node_get_object(root));
}

static gboolean
load(void)
{
    corpus.corpus = find_corpus();
    g_autofree char *expected_path =
        corpus.corpus ? g_build_filename(corpus.corpus, "expected.jsonl", NULL) : NULL;
    if (expected_path == NULL || !g_file_test(expected_path, G_FILE_TEST_EXISTS))
        return FALSE;

    corpus.expected =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_object_unref);
    corpus.got =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_object_unref);
    corpus.known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(expected_path, &text, NULL, &error))
        g_error("%s", error->message);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)g_getenv("PHOTODESK_BIN"));
    g_ptr_array_add(argv, "meta");
    g_ptr_array_add(argv, "--json");
    for (int i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        JsonObject *o = parse_object(lines[i], &error);
        if (o == NULL)
            g_error("expected.jsonl line %d: %s", i + 1, error->message);
        const char *file = json_object_get_string_member(o, "file");
        g_hash_table_insert(corpus.expected, g_strdup(file), o);
        if (!json_object_get_boolean_member(o, "malformed"))
            g_ptr_array_add(argv, (char *)file);
    }
    g_ptr_array_add(argv, NULL);

    /* One run over every well-formed file, from the corpus folder, so that "file" reads
     * images/NAME exactly as in expected.jsonl. */
    g_autofree char *out = NULL;
    int status = 0;
    if (!g_spawn_sync(corpus.corpus, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                      &corpus.meta_stderr, &status, &error))
        g_error("running photodesk meta: %s", error->message);
    g_ptr_array_unref(argv);
    g_auto(GStrv) got_lines = g_strsplit(out, "\n", -1);
    for (int i = 0; got_lines[i]; i++) {
        if (!*got_lines[i])
            continue;
        JsonObject *o = parse_object(got_lines[i], &error);
        if (o == NULL)
            g_error("photodesk meta printed a line that is not JSON: %s", error->message);
        g_hash_table_insert(corpus.got, g_strdup(json_object_get_string_member(o, "file")), o);
    }

    const char *root = g_getenv("PHOTODESK_SOURCE_ROOT");
    g_autofree char *known_path =
        g_build_filename(root, "tests", "data", "conformance-known-differences.tsv", NULL);
    g_autofree char *known = NULL;
    if (g_file_get_contents(known_path, &known, NULL, NULL)) {
        g_auto(GStrv) rows = g_strsplit(known, "\n", -1);
        for (int i = 0; rows[i]; i++) {
            if (!*rows[i] || rows[i][0] == '#')
                continue;
            g_auto(GStrv) cols = g_strsplit(rows[i], "\t", 3);
            if (g_strv_length(cols) != 3 || !*cols[2])
                g_error("%s line %d: want file, field and reason, tab-separated", known_path,
                        i + 1);
            g_hash_table_insert(corpus.known, g_strdup_printf("%s\t%s", cols[0], cols[1]),
                                g_strdup(cols[2]));
        }
    }
    return TRUE;
}

static gboolean
same_value(JsonNode *a, JsonNode *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (JSON_NODE_HOLDS_NULL(a) || JSON_NODE_HOLDS_NULL(b))
        return JSON_NODE_HOLDS_NULL(a) && JSON_NODE_HOLDS_NULL(b);
    if (JSON_NODE_HOLDS_ARRAY(a) || JSON_NODE_HOLDS_ARRAY(b)) {
        if (!JSON_NODE_HOLDS_ARRAY(a) || !JSON_NODE_HOLDS_ARRAY(b))
            return FALSE;
        JsonArray *x = json_node_get_array(a), *y = json_node_get_array(b);
        if (json_array_get_length(x) != json_array_get_length(y))
            return FALSE;
        for (guint i = 0; i < json_array_get_length(x); i++)
            if (!same_value(json_array_get_element(x, i), json_array_get_element(y, i)))
                return FALSE;
        return TRUE;
    }
    GType ta = json_node_get_value_type(a), tb = json_node_get_value_type(b);
    if (ta == G_TYPE_STRING || tb == G_TYPE_STRING)
        return ta == tb && strcmp(json_node_get_string(a), json_node_get_string(b)) == 0;
    if (ta == G_TYPE_BOOLEAN || tb == G_TYPE_BOOLEAN)
        return ta == tb && json_node_get_boolean(a) == json_node_get_boolean(b);
    /* numbers: GPS is rounded to 7 places on both sides */
    double da = ta == G_TYPE_DOUBLE ? json_node_get_double(a) : (double)json_node_get_int(a);
    double db = tb == G_TYPE_DOUBLE ? json_node_get_double(b) : (double)json_node_get_int(b);
    return fabs(da - db) < 5e-8;
}

static char *
show(JsonNode *n)
{
    if (n == NULL)
        return g_strdup("(missing)");
    return json_to_string(n, FALSE);
}

static gboolean
compare_field(const char *file, JsonObject *want, JsonObject *got, const char *field,
              GString *report)
{
    JsonNode *w = json_object_get_member(want, field);
    JsonNode *g = json_object_get_member(got, field);
    if (same_value(w, g))
        return TRUE;
    g_autofree char *key = g_strdup_printf("%s\t%s", file, field);
    if (g_hash_table_contains(corpus.known, key)) {
        g_test_message("%s %s: known difference (%s)", file, field,
                       (char *)g_hash_table_lookup(corpus.known, key));
        return TRUE;
    }
    g_autofree char *ws = show(w);
    g_autofree char *gs = show(g);
    g_string_append_printf(report, "\n  %s: expected %s\n  %*s  got      %s", field, ws,
                           (int)strlen(field), "", gs);
    return FALSE;
}

static void
test_conformance(gconstpointer data)
{
    const char *file = data;
    JsonObject *want = g_hash_table_lookup(corpus.expected, file);
    JsonObject *got = g_hash_table_lookup(corpus.got, file);
    if (got == NULL) {
        g_test_message("photodesk meta stderr:\n%s", corpus.meta_stderr);
        g_test_fail_printf("%s: photodesk meta printed nothing for it", file);
        return;
    }
    GString *report = g_string_new(NULL);
    g_autoptr(GList) members = json_object_get_members(want);
    for (GList *m = members; m; m = m->next)
        compare_field(file, want, got, m->data, report);
    if (report->len)
        g_test_fail_printf("%s differs from expected.jsonl:%s", file, report->str);
    g_string_free(report, TRUE);
}

/* exiftool's own reading of @file (exiftool/NAME.json: an array of one object), or NULL. */
static JsonObject *
exiftool_reading(const char *file)
{
    g_autofree char *path =
        g_strdup_printf("%s/exiftool/%s.json", corpus.corpus, file + strlen("images/"));
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_file(p, path, NULL))
        return NULL;
    JsonNode *root = json_parser_get_root(p);
    if (!JSON_NODE_HOLDS_ARRAY(root) || json_array_get_length(json_node_get_array(root)) != 1)
        return NULL;
    return json_object_ref(json_array_get_object_element(json_node_get_array(root), 0));
}

static void
test_provenance(void)
{
    static const struct {
        const char *field, *tag;
    } tags[] = {
        {"digital_source_type", "XMP-iptcExt:DigitalSourceType"},
        {"data_mining", "XMP-plus:DataMining"},
    };
    guint n = 0, stated = 0, credentials = 0;
    g_autofree gpointer *files = g_hash_table_get_keys_as_array(corpus.got, &n);
    GString *report = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        const char *file = files[i];
        JsonObject *got = g_hash_table_lookup(corpus.got, file);
        g_autoptr(JsonObject) et = exiftool_reading(file);
        if (et == NULL) {
            g_string_append_printf(report, "\n  %s: no exiftool reading", file);
            continue;
        }
        for (gsize t = 0; t < G_N_ELEMENTS(tags); t++) {
            const char *want = json_object_has_member(et, tags[t].tag)
                                   ? json_object_get_string_member(et, tags[t].tag)
                                   : NULL;
            JsonNode *g = json_object_get_member(got, tags[t].field);
            const char *have = g && JSON_NODE_HOLDS_VALUE(g) ? json_node_get_string(g) : NULL;
            stated += want != NULL;
            if (g_strcmp0(want, have) != 0)
                g_string_append_printf(report, "\n  %s %s: exiftool %s, photodesk %s", file,
                                       tags[t].field, want ? want : "(none)",
                                       have ? have : "(none)");
        }
        gboolean jumbf = FALSE;
        g_autoptr(GList) members = json_object_get_members(et);
        for (GList *m = members; m; m = m->next)
            jumbf |= g_str_has_prefix(m->data, "JUMBF:");
        JsonObject *prov = json_object_get_object_member(got, "provenance");
        gboolean found = prov && !json_object_get_null_member(prov, "content_credentials");
        credentials += found;
        if (jumbf != found)
            g_string_append_printf(report, "\n  %s: exiftool %s JUMBF, photodesk %s credentials",
                                   file, jumbf ? "reads" : "reads no",
                                   found ? "found" : "found no");
    }
    g_test_message("%u files, %u provenance values stated, %u with content credentials", n, stated,
                   credentials);
    g_assert_cmpuint(stated, >, 0); /* the corpus has some: a reader that reads none fails */
    if (report->len)
        g_test_fail_printf("provenance differs from exiftool's reading:%s", report->str);
    g_string_free(report, TRUE);
}

/* A number from photodesk's text of a camera setting: "1/250", "f/2.8", "200 mm", "400". */
static double
setting_value(const char *text)
{
    if (g_str_has_prefix(text, "f/"))
        text += 2;
    if (g_str_has_prefix(text, "1/"))
        return 1.0 / g_ascii_strtod(text + 2, NULL);
    return g_ascii_strtod(text, NULL);
}

static void
test_camera(void)
{
    static const struct {
        const char *field, *tag;
        double relative, absolute; /* what writing it as a photographer does leaves */
    } tags[] = {
        {"exposure", "ExifIFD:ExposureTime", 0.01, 0}, /* 1/213 for 10/2134 */
        {"aperture", "ExifIFD:FNumber", 0, 0.05},      /* one decimal */
        {"iso", "ExifIFD:ISO", 0, 0},
        {"focal_length", "ExifIFD:FocalLength", 0.01, 0},
        {"lens", "ExifIFD:LensModel", -1, 0}, /* text; else XMP's, as photodesk reads it */
    };
    guint n = 0, stated = 0;
    g_autofree gpointer *files = g_hash_table_get_keys_as_array(corpus.got, &n);
    GString *report = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        const char *file = files[i];
        JsonObject *got = g_hash_table_lookup(corpus.got, file);
        g_autoptr(JsonObject) et = exiftool_reading(file);
        if (et == NULL)
            continue;
        for (gsize t = 0; t < G_N_ELEMENTS(tags); t++) {
            JsonNode *w = json_object_get_member(et, tags[t].tag);
            JsonNode *g = json_object_get_member(got, tags[t].field);
            const char *have = g && JSON_NODE_HOLDS_VALUE(g) ? json_node_get_string(g) : NULL;
            gboolean differs;
            g_autofree char *want = NULL;
            if (tags[t].relative < 0) {
                if (w == NULL)
                    w = json_object_get_member(et, "XMP-exifEX:LensModel");
                if (w == NULL)
                    w = json_object_get_member(et, "XMP-aux:Lens");
                want = w ? g_strdup(json_node_get_string(w)) : NULL;
                differs = g_strcmp0(want, have) != 0;
            } else {
                /* exiftool gives 0 for a setting the camera did not record; photodesk none */
                double v =
                    w && JSON_NODE_HOLDS_VALUE(w) && json_node_get_value_type(w) != G_TYPE_STRING
                        ? json_node_get_double(w)
                        : 0;
                want = v > 0 ? g_strdup_printf("%g", v) : NULL;
                differs = (want == NULL) != (have == NULL) ||
                          (want && fabs(setting_value(have) - v) >
                                       tags[t].relative * v + tags[t].absolute + 1e-9);
            }
            stated += want != NULL;
            if (differs)
                g_string_append_printf(report, "\n  %s %s: exiftool %s, photodesk %s", file,
                                       tags[t].field, want ? want : "(none)",
                                       have ? have : "(none)");
        }
    }
    g_test_message("%u camera settings stated", stated);
    g_assert_cmpuint(stated, >, 0);
    if (report->len)
        g_test_fail_printf("camera settings differ from exiftool's reading:%s", report->str);
    g_string_free(report, TRUE);
}

typedef struct {
    int status;
    gboolean exited;
    gboolean timed_out;
    GMainLoop *loop;
} Child;

static void
on_child(GPid pid, int status, gpointer data)
{
    Child *c = data;
    c->status = status;
    c->exited = TRUE;
    g_spawn_close_pid(pid);
    g_main_loop_quit(c->loop);
}

static gboolean
on_timeout(gpointer data)
{
    Child *c = data;
    c->timed_out = TRUE;
    g_main_loop_quit(c->loop);
    return G_SOURCE_REMOVE;
}

static void
test_malformed(gconstpointer data)
{
    const char *file = data;
    const char *argv[] = {g_getenv("PHOTODESK_BIN"), "meta", "--json", file, NULL};
    GPid pid;
    int out_fd;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_async_with_pipes(corpus.corpus, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                  NULL, NULL, &pid, NULL, &out_fd, NULL, &error))
        g_error("%s", error->message);
    Child c = {0, FALSE, FALSE, g_main_loop_new(NULL, FALSE)};
    g_child_watch_add(pid, on_child, &c);
    /* Bounded work: one second is generous for a file of at most a few hundred KB. */
    guint timer = g_timeout_add(1000, on_timeout, &c);
    GString *out = g_string_new(NULL);
    GIOChannel *ch = g_io_channel_unix_new(out_fd);
    g_main_loop_run(c.loop);
    if (c.timed_out) {
        kill(pid, SIGKILL);
        g_test_fail_printf("%s: photodesk meta took more than 1 s", file);
    } else {
        g_source_remove(timer);
    }
    g_autofree char *text = NULL;
    g_io_channel_read_to_end(ch, &text, NULL, NULL);
    g_io_channel_shutdown(ch, FALSE, NULL);
    g_io_channel_unref(ch);
    g_main_loop_unref(c.loop);
    g_string_free(out, TRUE);
    if (c.timed_out)
        return;
    if (!WIFEXITED(c.status)) {
        g_test_fail_printf("%s: photodesk meta died (signal %d)", file, WTERMSIG(c.status));
        return;
    }
    int code = WEXITSTATUS(c.status);
    if (code == 1 && (text == NULL || !*text))
        return; /* rejected with a message: acceptable for a malformed file */
    if (code != 0) {
        g_test_fail_printf("%s: exit status %d", file, code);
        return;
    }
    JsonObject *got = parse_object(text, &error);
    if (got == NULL) {
        g_test_fail_printf("%s: output is not JSON: %s", file, error->message);
        return;
    }
    if (!json_object_get_boolean_member(got, "damaged"))
        g_test_fail_printf("%s: malformed but not reported as damaged", file);
    for (gsize i = 0; i < G_N_ELEMENTS(survivors); i++) {
        if (strcmp(file, survivors[i]) != 0)
            continue;
        JsonObject *want = g_hash_table_lookup(corpus.expected, file);
        GString *report = g_string_new(NULL);
        compare_field(file, want, got, "caption", report);
        compare_field(file, want, got, "byline", report);
        compare_field(file, want, got, "copyright", report);
        for (gsize f = 0; f < G_N_ELEMENTS(iptc_xmp_fields); f++)
            compare_field(file, want, got, iptc_xmp_fields[f], report);
        if (report->len)
            g_test_fail_printf("%s: IPTC/XMP values lost to broken EXIF:%s", file, report->str);
        g_string_free(report, TRUE);
    }
    json_object_unref(got);
}

static void
test_skip(void)
{
    g_autofree char *where = find_corpus();
    g_test_skip_printf("no metadata corpus at %s (set PHOTODESK_CORPUS to its folder); the "
                       "conformance tests did not run",
                       where ? where : "../shared/corpus");
}

static gint
by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char **)a, *(char **)b);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!load()) {
        g_test_add_func("/corpus/skipped", test_skip);
        return g_test_run();
    }
    guint n = 0;
    g_autofree gpointer *files = g_hash_table_get_keys_as_array(corpus.expected, &n);
    qsort(files, n, sizeof(gpointer), by_name);
    g_test_add_func("/corpus/provenance", test_provenance);
    g_test_add_func("/corpus/camera", test_camera);
    for (guint i = 0; i < n; i++) {
        const char *file = files[i];
        JsonObject *want = g_hash_table_lookup(corpus.expected, file);
        gboolean malformed = json_object_get_boolean_member(want, "malformed");
        g_autofree char *path = g_strdup_printf(
            "/corpus/%s/%s", malformed ? "malformed" : "conformance", file + strlen("images/"));
        g_test_add_data_func(path, file, malformed ? test_malformed : test_conformance);
    }
    return g_test_run();
}
