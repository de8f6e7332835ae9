/* test-kill.c: kill -9 an ingest of 50 photos at 20 moments; after each, fsck finds
 * nothing wrong, and at the end ingesting again completes the set: every photo once,
 * nothing lost, nothing twice. The moments come from a fixed seed, spread over how
 * long a whole ingest of the set takes on this machine. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <vips/vips.h>

#define PHOTOS 50
#define KILLS  20

static char *workdir;

static int
run(const char *library, const char *const *args, char **out)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)g_getenv("PHOTODESK_BIN"));
    g_ptr_array_add(argv, "--library");
    g_ptr_array_add(argv, (char *)library);
    for (int i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);
    int wait = 0;
    g_autofree char *err = NULL;
    g_assert_true(g_spawn_sync(workdir, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &wait, NULL));
    g_ptr_array_unref(argv);
    if (!WIFEXITED(wait) || WEXITSTATUS(wait) != 0)
        g_test_message("photodesk %s: %s", args[0], err);
    return WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
}

static void
make_photos(void)
{
    g_autofree char *in = g_build_filename(workdir, "in", NULL);
    g_assert_cmpint(g_mkdir(in, 0755), ==, 0);
    for (int i = 0; i < PHOTOS; i++) {
        VipsImage *noise = NULL, *img = NULL;
        g_assert_cmpint(vips_gaussnoise(&noise, 1200, 800, "sigma", 30.0, "mean", 128.0, "seed",
                                        1000 + i, NULL),
                        ==, 0);
        g_assert_cmpint(vips_cast_uchar(noise, &img, NULL), ==, 0);
        g_autofree char *name = g_strdup_printf("wire-%02d.jpg", i);
        g_autofree char *path = g_build_filename(in, name, NULL);
        g_assert_cmpint(vips_jpegsave(img, path, "Q", 90, NULL), ==, 0);
        g_object_unref(noise);
        g_object_unref(img);
    }
}

static void
test_kill(void)
{
    workdir = g_dir_make_tmp("photodesk-kill-XXXXXX", NULL);
    make_photos();

    /* how long a whole ingest takes here */
    g_autofree char *measure = g_build_filename(workdir, "measure", NULL);
    gint64 t0 = g_get_monotonic_time();
    g_autofree char *ignored = NULL;
    g_assert_cmpint(run(measure, (const char *const[]){"ingest", "in", NULL}, &ignored), ==, 0);
    gint64 whole = g_get_monotonic_time() - t0;
    g_test_message("a whole ingest of %d photos takes %.2f s", PHOTOS, whole / 1e6);

    g_autofree char *library = g_build_filename(workdir, "library", NULL);
    GRand *rand = g_rand_new_with_seed(20261128);
    for (int k = 0; k < KILLS; k++) {
        const char *argv[] = {
            g_getenv("PHOTODESK_BIN"), "--library", library, "ingest", "in", NULL};
        GPid pid;
        g_assert_true(g_spawn_async(workdir, (char **)argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                        G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &pid, NULL));
        /* the moments spread over the run, and a little past it */
        gint64 delay = (gint64)(g_rand_double(rand) * whole * 1.1);
        g_usleep((gulong)delay);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        g_spawn_close_pid(pid);
        g_autofree char *fsck = NULL;
        int r = run(library, (const char *const[]){"fsck", NULL}, &fsck);
        if (r != 0)
            g_test_fail_printf("after the kill at %.3f s, fsck reports:\n%s", delay / 1e6, fsck);
    }
    g_rand_free(rand);

    /* ingesting again completes the set, each photo once */
    g_autofree char *out = NULL;
    g_assert_cmpint(run(library, (const char *const[]){"ingest", "--json", "in", NULL}, &out), ==,
                    0);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    g_autoptr(GHashTable) ids = g_hash_table_new(g_int64_hash, g_int64_equal);
    GArray *keep = g_array_sized_new(FALSE, FALSE, sizeof(gint64), PHOTOS);
    guint files = 0;
    for (int i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        g_autoptr(JsonParser) p = json_parser_new();
        g_assert_true(json_parser_load_from_data(p, lines[i], -1, NULL));
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        const char *status = json_object_get_string_member(o, "status");
        g_assert_true(strcmp(status, "added") == 0 || strcmp(status, "duplicate") == 0);
        gint64 id = json_object_get_int_member(o, "id");
        g_array_append_val(keep, id);
        g_hash_table_add(ids, &g_array_index(keep, gint64, keep->len - 1));
        files++;
    }
    g_assert_cmpuint(files, ==, PHOTOS);
    g_assert_cmpuint(g_hash_table_size(ids), ==, PHOTOS); /* nothing twice */
    g_autofree char *fsck = NULL;
    g_assert_cmpint(run(library, (const char *const[]){"fsck", NULL}, &fsck), ==, 0);
    g_array_unref(keep);

    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", workdir);
    g_assert_cmpint(system(cmd), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (VIPS_INIT(argv[0]))
        g_error("libvips failed to start");
    g_test_add_func("/cli/ingest/kill", test_kill);
    return g_test_run();
}
