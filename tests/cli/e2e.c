/* e2e.c: see e2e.h. */
#include "e2e.h"
#include "tests/pg/place.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

char *library;
char *workdir;
/* the catalogs of the libraries set up before, each given back at teardown */
static GPtrArray *catalogs;

Run
run_args(const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)g_getenv("PHOTODESK_BIN"));
    g_ptr_array_add(argv, "--library");
    g_ptr_array_add(argv, library);
    for (int i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);
    Run r = {0};
    int wait = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(workdir, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &r.out, &r.err, &wait, &error));
    g_assert_true(WIFEXITED(wait));
    r.status = WEXITSTATUS(wait);
    g_ptr_array_unref(argv);
    return r;
}

void
run_clear(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* The --json lines of an ingest, by file name. */
GHashTable *
results(const char *out)
{
    GHashTable *h =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_object_unref);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        g_autoptr(JsonParser) p = json_parser_new();
        g_assert_true(json_parser_load_from_data(p, lines[i], -1, NULL));
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        g_hash_table_insert(h, g_path_get_basename(json_object_get_string_member(o, "file")),
                            json_object_ref(o));
    }
    return h;
}

const char *
status_of(GHashTable *h, const char *name)
{
    JsonObject *o = g_hash_table_lookup(h, name);
    g_assert_nonnull(o);
    return json_object_get_string_member(o, "status");
}

gint64
id_of(GHashTable *h, const char *name)
{
    JsonObject *o = g_hash_table_lookup(h, name);
    return json_object_get_null_member(o, "id") ? 0 : json_object_get_int_member(o, "id");
}

/* A photo of distinct content (seeded noise), with optional XMP and orientation. */
char *
make_photo(const char *name, int w, int h, int seed, const char *xmp, int orientation)
{
    VipsImage *noise = NULL, *img = NULL;
    g_assert_cmpint(vips_gaussnoise(&noise, w, h, "sigma", 40.0, "mean", 128.0, "seed", seed, NULL),
                    ==, 0);
    VipsImage *bands[3] = {noise, noise, noise};
    VipsImage *rgb = NULL;
    g_assert_cmpint(vips_bandjoin(bands, &rgb, 3, NULL), ==, 0);
    g_assert_cmpint(vips_cast_uchar(rgb, &img, NULL), ==, 0);
    if (xmp)
        vips_image_set_blob_copy(img, VIPS_META_XMP_NAME, xmp, strlen(xmp));
    if (orientation)
        vips_image_set_int(img, VIPS_META_ORIENTATION, orientation);
    char *path = g_build_filename(workdir, name, NULL);
    g_assert_cmpint(vips_jpegsave(img, path, "Q", 85, NULL), ==, 0);
    g_object_unref(noise);
    g_object_unref(rgb);
    g_object_unref(img);
    return path;
}

VipsImage *
make_scene(int seed, int w, int h)
{
    /* noise on a coarse grid, enlarged smoothly: shapes and gradients, not grain */
    VipsImage *bands[3];
    for (int b = 0; b < 3; b++) {
        VipsImage *coarse = NULL;
        g_assert_cmpint(vips_gaussnoise(&coarse, 12, 8, "sigma", 60.0, "mean", 128.0, "seed",
                                        seed * 3 + b, NULL),
                        ==, 0);
        VipsImage *big = NULL;
        g_assert_cmpint(vips_resize(coarse, &big, (double)w / 12, "vscale", (double)h / 8, "kernel",
                                    VIPS_KERNEL_CUBIC, NULL),
                        ==, 0);
        bands[b] = big;
        g_object_unref(coarse);
    }
    VipsImage *joined = NULL, *out = NULL;
    g_assert_cmpint(vips_bandjoin(bands, &joined, 3, NULL), ==, 0);
    g_assert_cmpint(vips_cast_uchar(joined, &out, NULL), ==, 0);
    for (int b = 0; b < 3; b++)
        g_object_unref(bands[b]);
    g_object_unref(joined);
    VipsImage *srgb = NULL;
    g_assert_cmpint(vips_copy(out, &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);
    g_object_unref(out);
    return srgb;
}

char *
save_scene(VipsImage *img, const char *name, const char *xmp, int quality)
{
    VipsImage *copy = NULL;
    g_assert_cmpint(vips_copy(img, &copy, NULL), ==, 0);
    if (xmp)
        vips_image_set_blob_copy(copy, VIPS_META_XMP_NAME, xmp, strlen(xmp));
    char *path = g_build_filename(workdir, name, NULL);
    g_assert_cmpint(vips_jpegsave(copy, path, "Q", quality, NULL), ==, 0);
    g_object_unref(copy);
    return path;
}

char *
wire_xmp(const char *caption, const char *source, const char *reference, const char *date)
{
    GString *attrs = g_string_new(NULL);
    if (source)
        g_string_append_printf(attrs, " photoshop:Source=\"%s\"", source);
    if (reference)
        g_string_append_printf(attrs, " photoshop:TransmissionReference=\"%s\"", reference);
    if (date)
        g_string_append_printf(attrs, " photoshop:DateCreated=\"%s\"", date);
    char *x = g_strdup_printf(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"%s>"
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt>"
        "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>",
        attrs->str, caption);
    g_string_free(attrs, TRUE);
    return x;
}

guint
count_files(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return 0;
    guint n = 0;
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        n += g_file_test(path, G_FILE_TEST_IS_DIR) ? count_files(path) : 1;
    }
    return n;
}

void
die_with_parent(gpointer parent)
{
    /* the parent may have ended before this: then there is no one to signal it */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != GPOINTER_TO_INT(parent))
        _exit(127);
}

void
setup(void)
{
    if (catalogs == NULL)
        catalogs = g_ptr_array_new();
    workdir = g_dir_make_tmp("photodesk-e2e-XXXXXX", NULL);
    library = g_build_filename(workdir, "library", NULL);
    /* against PostgreSQL: a database of the test's cluster for each library, which every
     * photodesk the test starts is given */
    if (test_on_pg()) {
        g_autofree char *url = test_catalog_place("e2e");
        g_ptr_array_add(catalogs, g_strdup(g_getenv("PHOTODESK_CATALOG")));
        g_setenv("PHOTODESK_CATALOG", url, TRUE);
    }
}

void
teardown(void)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", workdir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_clear_pointer(&workdir, g_free);
    g_clear_pointer(&library, g_free);
    /* a test's own library inside the suite's: the suite's catalog again */
    if (test_on_pg()) {
        g_autofree char *before = g_ptr_array_steal_index(catalogs, catalogs->len - 1);
        if (before)
            g_setenv("PHOTODESK_CATALOG", before, TRUE);
        else
            g_unsetenv("PHOTODESK_CATALOG");
    }
}

void
fresh_catalog(void)
{
    if (test_on_pg()) {
        g_autofree char *url = test_catalog_place("e2e");
        g_setenv("PHOTODESK_CATALOG", url, TRUE);
    }
}

/* The first value of what @sql answers on the library's catalog (NULL: no row, or NULL),
 * whichever backend it is on; a statement that changes rows answers nothing. */
char *
catalog_value(const char *sql)
{
    const char *url = g_getenv("PHOTODESK_CATALOG");
    if (url && *url) {
        PGconn *pg = PQconnectdb(url);
        g_assert_cmpint(PQstatus(pg), ==, CONNECTION_OK);
        PGresult *r = PQexec(pg, sql);
        ExecStatusType s = PQresultStatus(r);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
            g_error("%s: %s", sql, PQresultErrorMessage(r));
        char *v = s == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)
                      ? g_strdup(PQgetvalue(r, 0, 0))
                      : NULL;
        PQclear(r);
        PQfinish(pg);
        return v;
    }
    g_autofree char *db = g_build_filename(library, "catalog.db", NULL);
    sqlite3 *c = NULL;
    g_assert_cmpint(sqlite3_open_v2(db, &c, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(c, 5000);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c, sql, -1, &st, NULL) != SQLITE_OK)
        g_error("%s: %s", sql, sqlite3_errmsg(c));
    int r = sqlite3_step(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        g_error("%s: %s", sql, sqlite3_errmsg(c));
    char *v = r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL
                  ? g_strdup((const char *)sqlite3_column_text(st, 0))
                  : NULL;
    sqlite3_finalize(st);
    sqlite3_close(c);
    return v;
}
