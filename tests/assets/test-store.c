/* test-store.c: the content-addressed store: hashing, publishing, verifying, walking. */
#include "assets/assets.h"

#include <glib/gstdio.h>
#include <string.h>
#include <time.h>
#include <utime.h>

static char *
temp_library(void)
{
    char *dir = g_dir_make_tmp("photodesk-store-XXXXXX", NULL);
    g_assert_nonnull(dir);
    return dir;
}

static void
remove_tree(const char *path)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", path);
    g_assert_cmpint(system(cmd), ==, 0);
}

static void
test_sha256(void)
{
    char hex[PD_SHA256_HEX];
    pd_assets_sha256("abc", 3, hex);
    g_assert_cmpstr(hex, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    pd_assets_sha256("", 0, hex);
    g_assert_cmpstr(hex, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    PdSha256 *h = pd_sha256_new();
    pd_sha256_update(h, "a", 1);
    pd_sha256_update(h, "bc", 2);
    char inc[PD_SHA256_HEX];
    pd_sha256_finish(h, inc);
    g_assert_cmpstr(inc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

typedef struct {
    guint originals, renditions, temporaries, unknown;
} Count;

static void
count_file(const char *rel, PdStoreKind kind, const char *rendition, const char *sha,
           const char *ext, gint64 age, gpointer data)
{
    Count *c = data;
    switch (kind) {
    case PD_STORE_ORIGINAL:
        c->originals++;
        g_assert_cmpstr(ext, ==, "jpg");
        break;
    case PD_STORE_RENDITION:
        c->renditions++;
        g_assert_cmpstr(rendition, ==, "thumb");
        break;
    case PD_STORE_TEMPORARY:
        c->temporaries++;
        break;
    case PD_STORE_UNKNOWN:
        c->unknown++;
        break;
    }
    g_assert_cmpint(age, >=, 0);
}

static void
test_publish(void)
{
    g_autofree char *lib = temp_library();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdStore) store = pd_store_open(lib, &error);
    g_assert_no_error(error);

    const char *data = "not really a JPEG, but bytes are bytes";
    char sha[PD_SHA256_HEX];
    pd_assets_sha256(data, strlen(data), sha);
    gboolean existed = TRUE;
    g_assert_true(pd_store_put_original(store, sha, "jpg", data, strlen(data), &existed, &error));
    g_assert_no_error(error);
    g_assert_false(existed);
    g_autofree char *path = pd_store_original_path(store, sha, "jpg");
    g_assert_true(g_str_has_suffix(path, "jpg"));
    g_assert_nonnull(strstr(path, "/originals/"));
    g_autofree char *back = NULL;
    gsize n = 0;
    g_assert_true(g_file_get_contents(path, &back, &n, NULL));
    g_assert_cmpmem(back, n, data, strlen(data));

    /* identical bytes are stored once */
    g_assert_true(pd_store_put_original(store, sha, "jpg", data, strlen(data), &existed, &error));
    g_assert_true(existed);

    g_assert_true(pd_store_put_rendition(store, "thumb", sha, "thumb", 5, &error));
    g_assert_true(pd_store_verify_original(store, sha, "jpg", &error));

    /* nothing is left in tmp/ after publishing; a stray there is reported as such */
    g_autofree char *stray = g_build_filename(lib, "tmp", "put-leftover", NULL);
    g_assert_true(g_file_set_contents(stray, "x", 1, NULL));
    g_autofree char *odd = g_build_filename(lib, "originals", "odd.txt", NULL);
    g_assert_true(g_file_set_contents(odd, "x", 1, NULL));
    Count c = {0};
    g_assert_true(pd_store_foreach_file(store, count_file, &c, &error));
    g_assert_cmpuint(c.originals, ==, 1);
    g_assert_cmpuint(c.renditions, ==, 1);
    g_assert_cmpuint(c.temporaries, ==, 1);
    g_assert_cmpuint(c.unknown, ==, 1);
    gboolean removed = FALSE;
    g_assert_true(pd_store_remove(store, "tmp/put-leftover", 0, &removed, &error));
    g_assert_true(removed);
    g_assert_false(g_file_test(stray, G_FILE_TEST_EXISTS));

    /* a damaged original is found */
    g_assert_true(g_file_set_contents(path, "tampered", -1, NULL));
    g_assert_false(pd_store_verify_original(store, sha, "jpg", &error));
    g_assert_error(error, PD_ASSETS_ERROR, PD_ASSETS_ERROR_CORRUPT);
    g_clear_error(&error);
    g_unlink(path);
    g_assert_false(pd_store_verify_original(store, sha, "jpg", &error));
    g_assert_error(error, PD_ASSETS_ERROR, PD_ASSETS_ERROR_IO);
    g_assert_nonnull(strstr(error->message, sha));
    remove_tree(lib);
}

/* A file the store already had, taken again (left there by an ingest that was killed
 * before its commit), is made young: fsck, which removes only old strays, and only
 * files still old when it removes them, never takes it from under the ingest. */
static void
test_adopted_is_young(void)
{
    g_autofree char *lib = g_dir_make_tmp("pd-store-XXXXXX", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdStore) store = pd_store_open(lib, &error);
    const char *data = "a photo left behind";
    char sha[PD_SHA256_HEX];
    pd_assets_sha256(data, strlen(data), sha);
    gboolean existed = TRUE;
    g_assert_true(pd_store_put_original(store, sha, "jpg", data, strlen(data), &existed, &error));
    g_assert_false(existed);
    g_autofree char *path = pd_store_original_path(store, sha, "jpg");
    /* the folders of a new prefix were made, each level */
    g_autofree char *prefix = g_path_get_dirname(path);
    g_assert_true(g_file_test(prefix, G_FILE_TEST_IS_DIR));
    struct utimbuf old = {time(NULL) - 7200, time(NULL) - 7200};
    g_assert_cmpint(utime(path, &old), ==, 0);
    g_autofree char *rel = g_strdup(path + strlen(lib) + 1);
    gboolean removed = TRUE;
    g_assert_true(pd_store_put_original(store, sha, "jpg", data, strlen(data), &existed, &error));
    g_assert_true(existed);
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(time(NULL) - st.st_mtime, <, 60);
    g_assert_true(pd_store_remove(store, rel, 3600, &removed, &error));
    g_assert_false(removed);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    remove_tree(lib);
}

static void
test_unusable_library(void)
{
    g_autoptr(GError) error = NULL;
    /* a library "inside" a regular file cannot be created */
    g_autoptr(PdStore) store = pd_store_open("/etc/hostname/library", &error);
    g_assert_null(store);
    g_assert_error(error, PD_ASSETS_ERROR, PD_ASSETS_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "/etc/hostname/library"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/assets/sha256", test_sha256);
    g_test_add_func("/assets/publish", test_publish);
    g_test_add_func("/assets/adopted-is-young", test_adopted_is_young);
    g_test_add_func("/assets/unusable-library", test_unusable_library);
    return g_test_run();
}
