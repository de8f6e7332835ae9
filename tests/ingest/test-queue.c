/* test-queue.c: the ingest queue as the server and the CLI use it: several tasks fed
 * from several threads at once, each file reported exactly once and only once its photo
 * is committed, a cancelled task's files skipped without touching the others', --move,
 * and a queue freed with files still in it. */
#include "catalog/catalog.h"
#include "ingest/ingest.h"

#include <glib/gstdio.h>
#include <string.h>
#include <vips/vips.h>

static char *
make_jpeg(const char *dir, int seed)
{
    VipsImage *noise = NULL, *img = NULL;
    g_assert_cmpint(vips_gaussnoise(&noise, 160, 120, "seed", seed, NULL), ==, 0);
    g_assert_cmpint(vips_cast_uchar(noise, &img, NULL), ==, 0);
    g_autofree char *name = g_strdup_printf("photo-%03d.jpg", seed);
    char *path = g_build_filename(dir, name, NULL);
    g_assert_cmpint(vips_jpegsave(img, path, NULL), ==, 0);
    g_object_unref(noise);
    g_object_unref(img);
    return path;
}

typedef struct {
    char *dir, *library, *catalog;
} Fixture;

static void
fixture_init(Fixture *f)
{
    f->dir = g_dir_make_tmp("pd-queue-XXXXXX", NULL);
    f->library = g_build_filename(f->dir, "library", NULL);
    f->catalog = g_build_filename(f->library, "catalog.db", NULL);
}

static void
fixture_clear(Fixture *f)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_free(f->dir);
    g_free(f->library);
    g_free(f->catalog);
}

/* What one task heard. */
typedef struct {
    GMutex lock;
    GCond cond;
    const char *catalog;
    GHashTable *seen; /* file -> times reported */
    guint reported, added, skipped, committed_before_report;
} Heard;

static void
heard_init(Heard *h, const char *catalog)
{
    memset(h, 0, sizeof *h);
    g_mutex_init(&h->lock);
    g_cond_init(&h->cond);
    h->catalog = catalog;
    h->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void
heard_clear(Heard *h)
{
    g_hash_table_unref(h->seen);
    g_mutex_clear(&h->lock);
    g_cond_clear(&h->cond);
}

static void
on_result(const PdIngestResult *r, gpointer data)
{
    Heard *h = data;
    /* a photo reported added is in the catalog already, seen by another connection */
    gboolean committed = FALSE;
    if (r->status == PD_INGEST_ADDED) {
        g_autoptr(PdCatalog) c = pd_catalog_open(h->catalog, PD_CATALOG_READ_ONLY, NULL);
        g_autoptr(PdCatalogPhoto) p = c ? pd_catalog_get_photo(c, r->id, NULL) : NULL;
        committed = p != NULL && g_strcmp0(p->sha256, r->sha256) == 0;
    }
    g_mutex_lock(&h->lock);
    guint times = GPOINTER_TO_UINT(g_hash_table_lookup(h->seen, r->file));
    g_hash_table_insert(h->seen, g_strdup(r->file), GUINT_TO_POINTER(times + 1));
    h->reported++;
    h->added += r->status == PD_INGEST_ADDED;
    h->skipped += r->skipped;
    h->committed_before_report += committed;
    g_cond_broadcast(&h->cond);
    g_mutex_unlock(&h->lock);
}

static void
wait_for(Heard *h, guint n)
{
    g_mutex_lock(&h->lock);
    while (h->reported < n)
        g_cond_wait(&h->cond, &h->lock);
    g_mutex_unlock(&h->lock);
}

typedef struct {
    PdIngestQueue *queue;
    PdIngestTask *task;
    GPtrArray *files;
} Feeder;

static gpointer
feed(gpointer data)
{
    Feeder *f = data;
    for (guint i = 0; i < f->files->len; i++)
        pd_ingest_queue_add(f->queue, g_ptr_array_index(f->files, i), f->task);
    return NULL;
}

/* Three tasks (three uploads, say) fed from three threads into one queue at once. */
static void
test_tasks_at_once(void)
{
    Fixture f;
    fixture_init(&f);
    PdIngestQueueOptions options;
    pd_ingest_queue_options_init(&options);
    options.jobs = 2;
    options.batch = 4;
    g_autoptr(GError) error = NULL;
    PdIngestQueue *q = pd_ingest_queue_new(f.library, f.catalog, &options, &error);
    g_assert_no_error(error);

    enum { TASKS = 3, EACH = 6 };
    Heard heard[TASKS];
    PdIngestTask tasks[TASKS];
    Feeder feeders[TASKS];
    GThread *threads[TASKS];
    for (int t = 0; t < TASKS; t++) {
        heard_init(&heard[t], f.catalog);
        tasks[t] = (PdIngestTask){on_result, &heard[t], FALSE, NULL};
        feeders[t] = (Feeder){q, &tasks[t], g_ptr_array_new_with_free_func(g_free)};
        for (int i = 0; i < EACH; i++)
            g_ptr_array_add(feeders[t].files, make_jpeg(f.dir, t * 100 + i));
    }
    /* one file given twice in one task: one photo, reported twice (added, duplicate) */
    g_ptr_array_add(feeders[0].files, g_strdup(g_ptr_array_index(feeders[0].files, 0)));
    for (int t = 0; t < TASKS; t++)
        threads[t] = g_thread_new("feeder", feed, &feeders[t]);
    for (int t = 0; t < TASKS; t++)
        g_thread_join(threads[t]);
    for (int t = 0; t < TASKS; t++)
        wait_for(&heard[t], feeders[t].files->len);
    pd_ingest_queue_free(q);

    for (int t = 0; t < TASKS; t++) {
        Heard *h = &heard[t];
        g_assert_cmpuint(h->reported, ==, feeders[t].files->len);
        g_assert_cmpuint(h->added, ==, EACH);
        g_assert_cmpuint(h->committed_before_report, ==, EACH);
        g_assert_cmpuint(h->skipped, ==, 0);
        /* each of its own files, none of the others' */
        g_assert_cmpuint(g_hash_table_size(h->seen), ==, EACH);
        for (int i = 0; i < EACH; i++)
            g_assert_true(g_hash_table_contains(h->seen, g_ptr_array_index(feeders[t].files, i)));
        g_ptr_array_unref(feeders[t].files);
        heard_clear(h);
    }
    g_autoptr(PdCatalog) c = pd_catalog_open(f.catalog, PD_CATALOG_READ_ONLY, &error);
    g_assert_no_error(error);
    for (gint64 id = 1; id <= TASKS * EACH; id++) {
        g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(c, id, &error);
        g_assert_no_error(error);
        g_assert_nonnull(p->picture);
    }
    g_autoptr(PdCatalogPhoto) none = pd_catalog_get_photo(c, TASKS * EACH + 1, NULL);
    g_assert_null(none);
    fixture_clear(&f);
}

/* A cancelled task's files not yet started are skipped; another task's are not. */
static void
test_cancel(void)
{
    Fixture f;
    fixture_init(&f);
    PdIngestQueueOptions options;
    pd_ingest_queue_options_init(&options);
    options.jobs = 1;
    g_autoptr(GError) error = NULL;
    PdIngestQueue *q = pd_ingest_queue_new(f.library, f.catalog, &options, &error);
    g_assert_no_error(error);

    g_autoptr(GCancellable) cancel = g_cancellable_new();
    g_cancellable_cancel(cancel);
    Heard stopped, going;
    heard_init(&stopped, f.catalog);
    heard_init(&going, f.catalog);
    PdIngestTask a = {on_result, &stopped, FALSE, cancel};
    PdIngestTask b = {on_result, &going, FALSE, NULL};
    for (int i = 0; i < 4; i++) {
        g_autofree char *x = make_jpeg(f.dir, i);
        g_autofree char *y = make_jpeg(f.dir, 50 + i);
        pd_ingest_queue_add(q, x, &a);
        pd_ingest_queue_add(q, y, &b);
    }
    wait_for(&stopped, 4);
    wait_for(&going, 4);
    g_assert_cmpuint(stopped.skipped, ==, 4);
    g_assert_cmpuint(stopped.added, ==, 0);
    g_assert_cmpuint(going.added, ==, 4);
    g_assert_cmpuint(going.skipped, ==, 0);
    pd_ingest_queue_free(q);
    heard_clear(&stopped);
    heard_clear(&going);
    fixture_clear(&f);
}

/* With move, a source goes once its photo is committed; a rejected one stays. Freeing
 * the queue finishes what was added: every file is reported before it returns. */
static void
test_move_and_free(void)
{
    Fixture f;
    fixture_init(&f);
    g_autoptr(GError) error = NULL;
    PdIngestQueue *q = pd_ingest_queue_new(f.library, f.catalog, NULL, &error);
    g_assert_no_error(error);
    Heard h;
    heard_init(&h, f.catalog);
    PdIngestTask task = {on_result, &h, TRUE, NULL};
    g_autofree char *good = make_jpeg(f.dir, 7);
    g_autofree char *bad = g_build_filename(f.dir, "not-a-photo.jpg", NULL);
    g_assert_true(g_file_set_contents(bad, "plain text, not a photo", -1, NULL));
    pd_ingest_queue_add(q, good, &task);
    pd_ingest_queue_add(q, bad, &task);
    pd_ingest_queue_free(q); /* no wait: free reports them */
    g_assert_cmpuint(h.reported, ==, 2);
    g_assert_cmpuint(h.added, ==, 1);
    g_assert_false(g_file_test(good, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(bad, G_FILE_TEST_EXISTS));
    heard_clear(&h);
    fixture_clear(&f);
}

/* A library that cannot be made is an error at once, not a queue. */
static void
test_unusable_library(void)
{
    g_autoptr(GError) error = NULL;
    PdIngestQueue *q = pd_ingest_queue_new("/proc/no-library-here",
                                           "/proc/no-library-here/catalog.db", NULL, &error);
    g_assert_null(q);
    g_assert_nonnull(error);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_ingest_init(argv[0], &error));
    g_test_add_func("/ingest/queue/tasks-at-once", test_tasks_at_once);
    g_test_add_func("/ingest/queue/cancel", test_cancel);
    g_test_add_func("/ingest/queue/move-and-free", test_move_and_free);
    g_test_add_func("/ingest/queue/unusable-library", test_unusable_library);
    return g_test_run();
}
