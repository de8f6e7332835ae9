/* test-fsck.c: fsck --repair beside an ingest. fsck reads the catalog's originals first
 * and removes the store's old strays after; an ingest that commits in between (taking
 * again an original a killed ingest left behind) must not lose it. The ingest here runs
 * inside fsck's report callback, at the moment fsck has read the catalog and not yet
 * walked the store, so the race is the same at every run. */
#include "assets/assets.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <glib/gstdio.h>
#include <string.h>
#include <time.h>
#include <utime.h>
#include <vips/vips.h>

static char *
make_jpeg(const char *dir, const char *name, int seed)
{
    VipsImage *noise = NULL, *img = NULL;
    g_assert_cmpint(vips_gaussnoise(&noise, 200, 150, "seed", seed, NULL), ==, 0);
    g_assert_cmpint(vips_cast_uchar(noise, &img, NULL), ==, 0);
    char *path = g_build_filename(dir, name, NULL);
    g_assert_cmpint(vips_jpegsave(img, path, NULL), ==, 0);
    g_object_unref(noise);
    g_object_unref(img);
    return path;
}

static char *
sha_of(const char *path, char **data, gsize *len)
{
    g_assert_true(g_file_get_contents(path, data, len, NULL));
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)*data, *len);
}

typedef struct {
    const char *library;
    const char *late; /* the file to ingest while fsck runs */
    gboolean done;
} Race;

static void
on_report(const char *line, gpointer data)
{
    Race *race = data;
    g_test_message("fsck: %s", line);
    /* the first problem is the damaged original, found while fsck lists the catalog's
     * originals: the ingest commits now */
    if (race->done || strstr(line, "original") == NULL)
        return;
    race->done = TRUE;
    const char *paths[] = {race->late, NULL};
    PdIngestSummary s;
    g_autoptr(GError) error = NULL;
    g_autofree char *catalog = pd_desk_catalog_path(race->library);
    g_assert_true(pd_ingest_files(race->library, catalog, paths, NULL, &s, &error));
    g_assert_cmpuint(s.added, ==, 1);
}

static void
test_adopted_original_kept(void)
{
    g_autofree char *dir = g_dir_make_tmp("pd-fsck-XXXXXX", NULL);
    g_autofree char *library = g_build_filename(dir, "library", NULL);
    g_autofree char *catalog = pd_desk_catalog_path(library);
    g_autofree char *first = make_jpeg(dir, "first.jpg", 1);
    g_autofree char *late = make_jpeg(dir, "late.jpg", 2);
    const char *paths[] = {first, NULL};
    PdIngestSummary s;
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_ingest_files(library, catalog, paths, NULL, &s, &error));
    g_assert_cmpuint(s.added, ==, 1);

    g_autoptr(PdStore) store = pd_store_open(library, &error);
    /* the first photo's original damaged: fsck reports it while it reads the catalog */
    g_autofree char *first_data = NULL;
    gsize first_len = 0;
    g_autofree char *first_sha = sha_of(first, &first_data, &first_len);
    g_autofree char *first_stored = pd_store_original_path(store, first_sha, "jpg");
    g_assert_cmpint(g_chmod(first_stored, 0644), ==, 0);
    g_assert_true(g_file_set_contents(first_stored, "damaged", -1, NULL));

    /* the late photo's original left in the store by a killed ingest, two hours ago */
    g_autofree char *late_data = NULL;
    gsize late_len = 0;
    g_autofree char *late_sha = sha_of(late, &late_data, &late_len);
    g_autofree char *late_stored = pd_store_original_path(store, late_sha, "jpg");
    g_autofree char *late_dir = g_path_get_dirname(late_stored);
    g_assert_cmpint(g_mkdir_with_parents(late_dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(late_stored, late_data, (gssize)late_len, NULL));
    struct utimbuf old = {time(NULL) - 7200, time(NULL) - 7200};
    g_assert_cmpint(utime(late_stored, &old), ==, 0);

    Race race = {library, late, FALSE};
    int left = pd_desk_fsck(library, TRUE, 600, on_report, &race, &error);
    g_assert_no_error(error);
    g_assert_true(race.done);
    g_assert_cmpint(left, ==, 1); /* the damaged original, which cannot be repaired */
    /* the late photo is in the catalog, and so is its original in the store */
    g_assert_true(g_file_test(late_stored, G_FILE_TEST_IS_REGULAR));
    g_assert_true(pd_store_verify_original(store, late_sha, "jpg", &error));
    g_assert_no_error(error);

    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    g_assert_cmpint(system(cmd), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autoptr(GError) error = NULL;
    if (!pd_ingest_init(argv[0], &error))
        g_error("%s", error->message);
    g_test_add_func("/desk/fsck/adopted-original-kept", test_adopted_original_kept);
    return g_test_run();
}
