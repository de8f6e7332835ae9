/* test-cli-meta.c: photodesk meta as a user meets it: exit statuses, one clear line per
 * rejected file, the other files still read. */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

typedef struct {
    int status;
    char *out;
    char *err;
} Run;

static void
run_clear(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

static Run
run(const char *const *args)
{
    const char *bin = g_getenv("PHOTODESK_BIN");
    g_assert_nonnull(bin);
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)bin);
    for (int i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);
    Run r = {0};
    g_autoptr(GError) error = NULL;
    int wait = 0;
    gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &r.out, &r.err, &wait, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_true(WIFEXITED(wait)); /* a crash is never acceptable */
    r.status = WEXITSTATUS(wait);
    g_ptr_array_unref(argv);
    return r;
}

static guint
count_lines(const char *s)
{
    guint n = 0;
    for (; *s; s++)
        if (*s == '\n')
            n++;
    return n;
}

static char *
make_photo(const char *dir)
{
    VipsImage *im = NULL;
    g_assert_cmpint(vips_black(&im, 8, 8, NULL), ==, 0);
    char *path = g_build_filename(dir, "good.jpg", NULL);
    g_assert_cmpint(vips_jpegsave(im, path, NULL), ==, 0);
    g_object_unref(im);
    return path;
}

static void
test_bad_input(void)
{
    g_autofree char *dir = g_dir_make_tmp("photodesk-cli-XXXXXX", NULL);
    g_assert_nonnull(dir);
    g_autofree char *good = make_photo(dir);
    g_autofree char *empty = g_build_filename(dir, "empty.jpg", NULL);
    g_autofree char *text = g_build_filename(dir, "notes.jpg", NULL);
    g_autofree char *zip = g_build_filename(dir, "archive.tif", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.jpg", NULL);
    g_autofree char *folder = g_build_filename(dir, "folder", NULL);
    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    g_assert_true(g_file_set_contents(text, "Caption: not a photo\n", -1, NULL));
    g_assert_true(g_file_set_contents(zip, "PK\x03\x04 zipped", 11, NULL));
    g_assert_cmpint(g_mkdir(folder, 0700), ==, 0);

    const char *args[] = {"meta", "--json", empty, text, good, zip, missing, folder, NULL};
    Run r = run(args);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_cmpuint(count_lines(r.out), ==, 1); /* the good photo was still read */
    g_assert_nonnull(strstr(r.out, "good.jpg"));
    g_assert_cmpuint(count_lines(r.err), ==, 5); /* one line per rejected file */
    g_auto(GStrv) lines = g_strsplit(r.err, "\n", -1);
    const char *names[] = {empty, text, zip, missing, folder};
    const char *reasons[] = {"empty", "text", "ZIP", "No such file", "folder"};
    for (int i = 0; i < 5; i++) {
        g_assert_nonnull(strstr(lines[i], names[i]));
        g_assert_nonnull(strstr(lines[i], reasons[i]));
    }
    run_clear(&r);

    const char *only_good[] = {"meta", good, NULL};
    r = run(only_good);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "8 x 8 jpeg"));
    g_assert_cmpstr(r.err, ==, "");
    run_clear(&r);

    g_remove(good);
    g_remove(empty);
    g_remove(text);
    g_remove(zip);
    g_rmdir(folder);
    g_rmdir(dir);
}

/* Many files read by several workers come out in the order given, the same as one
 * worker reads them; a PNG among JPEGs starts libvips halfway (JPEGs are read without
 * it); a bad file is reported where it is. */
static void
test_order_with_workers(void)
{
    g_autofree char *dir = g_dir_make_tmp("photodesk-cli-XXXXXX", NULL);
    g_autofree char *good = make_photo(dir);
    const char *root = g_getenv("PHOTODESK_SOURCE_ROOT");
    g_autofree char *png = g_build_filename(root, "samples", "handout.png", NULL);
    g_autofree char *bad = g_build_filename(dir, "bad.jpg", NULL);
    g_assert_true(g_file_set_contents(bad, "not a photo", -1, NULL));
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < 150; i++) {
        char *f = i == 100   ? g_strdup(png)
                  : i == 120 ? g_strdup(bad)
                             : g_strdup_printf("%s/photo-%03d.jpg", dir, i);
        if (i != 100 && i != 120)
            g_assert_cmpint(link(good, f), ==, 0);
        g_ptr_array_add(files, f);
    }
    char *outs[2];
    for (int k = 0; k < 2; k++) {
        GPtrArray *args = g_ptr_array_new();
        g_ptr_array_add(args, "meta");
        g_ptr_array_add(args, "--json");
        g_ptr_array_add(args, "--jobs");
        g_ptr_array_add(args, k == 0 ? "1" : "3");
        for (guint i = 0; i < files->len; i++)
            g_ptr_array_add(args, g_ptr_array_index(files, i));
        g_ptr_array_add(args, NULL);
        Run r = run((const char *const *)args->pdata);
        g_ptr_array_unref(args);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_cmpuint(count_lines(r.err), ==, 1);
        g_assert_nonnull(strstr(r.err, "bad.jpg"));
        g_auto(GStrv) lines = g_strsplit(r.out, "\n", -1);
        g_assert_cmpuint(g_strv_length(lines), ==, 150); /* 149 lines and the last empty */
        for (guint i = 0, l = 0; i < files->len; i++) {
            if (i == 120)
                continue;
            g_autofree char *name =
                g_strdup_printf("\"file\": \"%s\"", (char *)g_ptr_array_index(files, i));
            g_assert_nonnull(strstr(lines[l++], name));
        }
        g_assert_nonnull(strstr(lines[100], "\"format\": \"png\""));
        outs[k] = r.out;
        g_free(r.err);
    }
    g_assert_cmpstr(outs[0], ==, outs[1]);
    g_free(outs[0]);
    g_free(outs[1]);
    Run usage = run((const char *const[]){"meta", "--jobs", "-2", good, NULL});
    g_assert_cmpint(usage.status, ==, 2);
    run_clear(&usage);
    for (guint i = 0; i < files->len; i++)
        if (i != 100)
            g_remove(g_ptr_array_index(files, i));
    g_ptr_array_unref(files);
    g_remove(good);
    g_rmdir(dir);
}

static void
test_usage(void)
{
    const char *help[] = {"--help", NULL};
    Run r = run(help);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "meta"));
    run_clear(&r);

    const char *meta_help[] = {"meta", "--help", NULL};
    r = run(meta_help);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "--json"));
    run_clear(&r);

    const char *no_files[] = {"meta", NULL};
    r = run(no_files);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "no files"));
    run_clear(&r);

    const char *bad_option[] = {"meta", "--frobnicate", NULL};
    r = run(bad_option);
    g_assert_cmpint(r.status, ==, 2);
    run_clear(&r);

    const char *bad_command[] = {"frobnicate", NULL};
    r = run(bad_command);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "frobnicate"));
    run_clear(&r);

    const char *nothing[] = {NULL};
    r = run(nothing);
    g_assert_cmpint(r.status, ==, 2);
    run_clear(&r);
}

static void
test_credit(void)
{
    const char *args[] = {"credit", "--json",
                          "Snow covers the hills. (Photo by Kirill KUDRYAVTSEV / AFP)", NULL};
    Run r = run(args);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "\"credit_line\": \"Kirill Kudryavtsev/AFP\""));
    g_assert_nonnull(strstr(r.out, "\"restrictions\""));
    run_clear(&r);

    /* unquoted words are one caption */
    const char *words[] = {"credit", "A", "view.", "REUTERS/Maxim", "Shemetov", NULL};
    r = run(words);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "Maxim Shemetov/Reuters"));
    run_clear(&r);

    /* "-" reads standard input */
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                         g_getenv("PHOTODESK_BIN"), "credit", "--json", "-", NULL);
    g_assert_no_error(error);
    g_autofree char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, "A cabinet meeting.\nPhoto: Kay Nietfeld/dpa\n",
                                                NULL, &out, NULL, &error));
    g_assert_no_error(error);
    g_assert_nonnull(strstr(out, "Kay Nietfeld/dpa"));

    const char *none[] = {"credit", NULL};
    r = run(none);
    g_assert_cmpint(r.status, ==, 2);
    run_clear(&r);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (VIPS_INIT(argv[0]))
        g_error("libvips failed to start");
    g_test_add_func("/cli/meta/bad-input", test_bad_input);
    g_test_add_func("/cli/meta/usage", test_usage);
    g_test_add_func("/cli/meta/order-with-workers", test_order_with_workers);
    g_test_add_func("/cli/credit", test_credit);
    return g_test_run();
}
