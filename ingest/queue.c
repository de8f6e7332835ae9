/* queue.c: the ingest queue, and photodesk ingest on top of it.
 *
 *   files --> jobs --> N workers: read, SHA-256, metadata, renditions, store (durable)
 *                          |
 *                          v
 *             outcomes --> one writer: decide added / duplicate / updated, commit in
 *                          batches, then report each to the task it came with
 *
 * Workers decode in parallel, one photo each, with libvips' own threading at 1 (on two
 * cores that scales better than libvips' internal threads). The writer alone writes the
 * catalog, in transactions of up to options->batch photos, at once when nothing else is
 * on its way; a photo is reported only after its original and renditions are durable and
 * its row committed. Killed at any moment, the library holds committed photos and, at
 * worst, files not yet in the catalog, which a second ingest adopts and fsck sweeps
 * after its grace period. The queue lives as long as its owner: one CLI run, or the
 * whole life of a server.
 */
#include "assets/assets.h"
#include "catalog/catalog.h"
#include "ingest/row.h"
#include "thumbs/thumbs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest a finished photo waits for its batch: a steady stream (a hot folder's
 * burst) is committed, and shown, at least this often. */
#define PD_INGEST_MAX_WAIT_US (G_USEC_PER_SEC / 2)

typedef struct {
    char *path; /* NULL: no more jobs, the worker ends */
    PdIngestTask *task;
} Job;

typedef struct {
    char *path; /* NULL: a worker has ended */
    PdIngestTask *task;
    PdIngestStatus status;
    gint64 id;
    char *sha256;
    char *error;
    char *warning;            /* shares a reference with another photo, say */
    gboolean picture_changed; /* updated with another picture (a recrop, a retouch) */
    PdCatalogPhoto *photo;
    GPtrArray *renditions; /* of PdCatalogRendition *, NULL when the existing ones stand */
    gboolean skipped;      /* not done: its task was cancelled */
    gboolean catalog_failed;
    gint64 size, mtime_ns; /* as read; -1 when the file could not be */
    GPtrArray *amended;    /* of char *, NULL-terminated: what the amend function did */
} Outcome;

struct PdIngestQueue {
    PdIngestQueueOptions options;
    PdStore *store;
    char *catalog_path;
    PdCatalog *catalog; /* the writer's: the only connection that writes */
    PdThumbsOptions thumbs;
    GAsyncQueue *jobs;     /* of Job * */
    GAsyncQueue *outcomes; /* of Outcome * */
    GPtrArray *workers;    /* of GThread * */
    GThread *writer;
    gint in_flight;     /* files added and not yet handed to the writer (atomic) */
    GPtrArray *pending; /* the writer's: outcomes of the batch being gathered */
};

static void
outcome_free(Outcome *o)
{
    if (o == NULL)
        return;
    g_free(o->path);
    g_free(o->sha256);
    g_free(o->error);
    g_free(o->warning);
    pd_catalog_photo_free(o->photo);
    if (o->renditions)
        g_ptr_array_unref(o->renditions);
    if (o->amended)
        g_ptr_array_unref(o->amended);
    g_free(o);
}

void
pd_ingest_queue_options_init(PdIngestQueueOptions *options)
{
    memset(options, 0, sizeof *options);
    options->quality = PD_THUMBS_DEFAULT_QUALITY;
    options->max_megapixels = PD_THUMBS_DEFAULT_MAX_MEGAPIXELS;
    options->batch = 32;
}

void
pd_ingest_options_init(PdIngestOptions *options)
{
    memset(options, 0, sizeof *options);
    pd_ingest_queue_options_init(&options->queue);
}

static void reject(Outcome *o, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
reject(Outcome *o, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_free(o->error);
    o->error = g_strdup_vprintf(format, ap);
    va_end(ap);
    o->status = PD_INGEST_REJECTED;
}

/* The whole file in memory: it is hashed, read, decoded and stored from one buffer. */
static guint8 *
read_whole(const char *path, gsize *len, gint64 *mtime_ns, char **why)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *why = g_strdup(g_strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = g_strdup(S_ISDIR(st.st_mode) ? "is a folder" : "not a regular file");
        close(fd);
        return NULL;
    }
    if (st.st_size == 0) {
        *why = g_strdup("empty file (0 bytes)");
        close(fd);
        return NULL;
    }
    if ((guint64)st.st_size > G_MAXSIZE / 2) {
        *why = g_strdup("file too large");
        close(fd);
        return NULL;
    }
    gsize size = (gsize)st.st_size;
    *mtime_ns = (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    guint8 *buf = g_malloc(size);
    gsize got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (gsize)r;
    }
    int e = errno;
    close(fd);
    if (got != size) {
        *why = got < size && e ? g_strdup(g_strerror(e))
                               : g_strdup("the file changed while it was being read");
        g_free(buf);
        return NULL;
    }
    *len = size;
    return buf;
}

static Outcome *
process(PdIngestQueue *q, PdCatalog *catalog, const char *path)
{
    Outcome *o = g_new0(Outcome, 1);
    o->path = g_strdup(path);
    o->status = PD_INGEST_ADDED; /* provisional: the writer decides */

    char *why = NULL;
    gsize len = 0;
    gint64 mtime_ns = -1;
    g_autofree guint8 *data = read_whole(path, &len, &mtime_ns, &why);
    o->size = data ? (gint64)len : -1;
    o->mtime_ns = data ? mtime_ns : -1;
    if (data == NULL) {
        reject(o, "%s", why);
        g_free(why);
        return o;
    }
    char sha[PD_SHA256_HEX];
    pd_assets_sha256(data, len, sha);
    o->sha256 = g_strdup(sha);

    g_autoptr(GError) error = NULL;
    g_autoptr(PdPhotoMeta) meta = pd_ingest_read_buffer(data, len, &error);
    if (meta == NULL) {
        reject(o, "%s", error->message);
        return o;
    }
    if (meta->refusal) {
        reject(o, "%s", meta->refusal);
        return o;
    }

    /* The same bytes again: nothing to do (the writer confirms). */
    gint64 known = 0;
    if (catalog && pd_catalog_find_original(catalog, sha, &known, NULL) && known) {
        o->status = PD_INGEST_DUPLICATE;
        o->id = known;
        return o;
    }

    double mp = (double)meta->width * meta->height / 1e6;
    if (mp > q->thumbs.max_megapixels) {
        reject(o, "%d x %d is %.0f megapixels, over the limit of %.0f", meta->width, meta->height,
               mp, q->thumbs.max_megapixels);
        return o;
    }

    PdCatalogPhoto *photo = pd_ingest_photo_row(meta, sha, (gint64)len);
    o->photo = photo;

    /* A re-send of the same image data keeps the picture there is: nothing to decode.
     * Anything else is decoded: its perceptual hash decides whether it is a re-send. */
    gint64 same = 0;
    gboolean same_image =
        catalog && pd_catalog_find_image(catalog, photo->image_sha256, &same, NULL) && same;

    g_autoptr(PdRenditionSet) set = NULL;
    if (!same_image) {
        set = pd_thumbs_render(data, len, &q->thumbs, &error);
        if (set == NULL) {
            reject(o, "%s", error->message);
            return o;
        }
        photo->has_dhash = TRUE;
        photo->dhash = set->dhash;
        photo->picture = g_strdup(sha);
    }

    gboolean existed = FALSE;
    if (!pd_store_put_original(q->store, sha, photo->ext, data, len, &existed, &error)) {
        reject(o, "cannot store the original: %s", error->message);
        return o;
    }
    if (set) {
        o->renditions = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_rendition_free);
        for (int i = 0; i < PD_RENDITION_COUNT; i++) {
            const PdRendition *r = &set->renditions[i];
            gsize n;
            const void *bytes = g_bytes_get_data(r->jpeg, &n);
            if (!pd_store_put_rendition(q->store, r->name, sha, bytes, n, &error)) {
                reject(o, "cannot store the %s rendition: %s", r->name, error->message);
                return o;
            }
            PdCatalogRendition *cr = g_new0(PdCatalogRendition, 1);
            cr->name = g_strdup(r->name);
            cr->sha256 = g_strdup(sha);
            cr->width = r->width;
            cr->height = r->height;
            cr->bytes = (gint64)n;
            g_ptr_array_add(o->renditions, cr);
        }
    }
    return o;
}

static gpointer
worker(gpointer data)
{
    PdIngestQueue *q = data;
    g_autoptr(GError) error = NULL;
    /* Each worker reads the catalog through its own connection (WAL: readers never
     * wait for the writer). */
    g_autoptr(PdCatalog) catalog = pd_catalog_open(q->catalog_path, PD_CATALOG_READ_ONLY, &error);
    for (;;) {
        Job *job = g_async_queue_pop(q->jobs);
        if (job->path == NULL) {
            g_free(job);
            break;
        }
        Outcome *o;
        if (g_cancellable_is_cancelled(job->task->cancellable)) {
            o = g_new0(Outcome, 1);
            o->path = g_strdup(job->path);
            o->status = PD_INGEST_REJECTED;
            o->error = g_strdup("not ingested: stopped before it was started");
            o->skipped = TRUE;
            o->size = o->mtime_ns = -1;
        } else {
            o = process(q, catalog, job->path);
        }
        o->task = job->task;
        g_free(job->path);
        g_free(job);
        g_async_queue_push(q->outcomes, o);
    }
    g_async_queue_push(q->outcomes, g_new0(Outcome, 1)); /* ended */
    return NULL;
}

/* ---------------------------------------------------------------- the writer */

static void
report(Outcome *o)
{
    PdIngestTask *task = o->task;
    if (o->status != PD_INGEST_REJECTED && task->move) {
        /* the photo is committed: the source may go */
        if (unlink(o->path) != 0)
            g_printerr("photodesk ingest: %s: ingested, but could not remove it: %s\n", o->path,
                       g_strerror(errno));
    }
    if (task->report) {
        PdIngestResult r = {
            o->path,
            o->status,
            o->id,
            o->sha256,
            o->error,
            o->warning,
            o->picture_changed,
            o->skipped,
            o->catalog_failed,
            o->size,
            o->mtime_ns,
            o->amended && o->amended->len > 1 ? (const char *const *)o->amended->pdata : NULL,
        };
        task->report(&r, task->user_data);
    }
}

/* The photo @o is a re-send of, or 0: the same image data, or the same source and
 * transmission reference with the same photograph (resend.c). A reference shared only
 * with other pictures leaves a warning naming the first photo that had it. */
static gboolean
find_resent(PdCatalog *c, Outcome *o, gint64 *id, GError **error)
{
    if (!pd_catalog_find_image(c, o->photo->image_sha256, id, error))
        return FALSE;
    if (*id) {
        /* the same pixels: a re-send, unless another agency sent them (a pool frame
         * passed on as it came): that is the agency's own photo, grouped */
        g_autoptr(PdCatalogPhoto) same = pd_catalog_get_photo(c, *id, error);
        if (same == NULL)
            return FALSE;
        if (!pd_ingest_other_distributor(same, o->photo))
            return TRUE;
        *id = 0;
    }
    g_autoptr(GPtrArray) same_ref =
        pd_catalog_find_reference(c, o->photo->source, o->photo->transmission_reference, error);
    if (same_ref == NULL)
        return FALSE;
    g_autofree char *why_first = NULL;
    for (guint i = 0; i < same_ref->len; i++) { /* newest first */
        const PdCatalogPhoto *stored = g_ptr_array_index(same_ref, i);
        g_autofree char *why = NULL;
        if (pd_ingest_same_photograph(stored, o->photo, &why)) {
            *id = stored->id;
            return TRUE;
        }
        g_free(why_first);
        why_first = g_steal_pointer(&why);
    }
    if (same_ref->len == 0)
        return TRUE;
    const PdCatalogPhoto *first = g_ptr_array_index(same_ref, same_ref->len - 1);
    g_autofree char *others = same_ref->len > 1
                                  ? g_strdup_printf(" (and %u later photos)", same_ref->len - 1)
                                  : g_strdup("");
    g_free(o->warning);
    o->warning = g_strdup_printf("shares the transmission reference %s of %s with photo "
                                 "%" G_GINT64_FORMAT "%s, but is not a re-send of it: %s",
                                 o->photo->transmission_reference, o->photo->source, first->id,
                                 others, why_first);
    pd_ingest_add_warning(o->photo, o->warning);
    return TRUE;
}

/* A new photo whose pixels another photo has (another agency's copy, not decoded again):
 * it shows the same picture, its renditions and hash. */
static gboolean
share_picture(PdCatalog *c, Outcome *o, GPtrArray **renditions, GError **error)
{
    gint64 id = 0;
    if (!pd_catalog_find_image(c, o->photo->image_sha256, &id, error))
        return FALSE;
    g_autoptr(PdCatalogPhoto) same = id ? pd_catalog_get_photo(c, id, error) : NULL;
    if (id && same == NULL)
        return FALSE;
    if (same == NULL)
        return TRUE;
    g_free(o->photo->picture);
    o->photo->picture = g_strdup(same->picture);
    o->photo->has_dhash = same->has_dhash;
    o->photo->dhash = same->dhash;
    *renditions = pd_catalog_get_picture_renditions(c, id, same->picture, error);
    return *renditions != NULL;
}

/* The queue's amend function on a photo just added; what it could not do joins the
 * photo's warning. */
static gboolean
amend(PdIngestQueue *q, Outcome *o, GError **error)
{
    g_clear_pointer(&o->amended, g_ptr_array_unref);
    o->amended = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) warning = g_string_new(NULL);
    if (!q->options.amend(q->catalog, o->photo->id, o->path, q->options.amend_data, o->amended,
                          warning, error))
        return FALSE;
    g_ptr_array_add(o->amended, NULL);
    if (warning->len) {
        char *both =
            o->warning ? g_strconcat(o->warning, "; ", warning->str, NULL) : g_strdup(warning->str);
        g_free(o->warning);
        o->warning = both;
    }
    return TRUE;
}

static gboolean
decide(PdIngestQueue *q, Outcome *o, GError **error)
{
    PdCatalog *c = q->catalog;
    gint64 id = 0;
    if (!pd_catalog_find_original(c, o->sha256, &id, error))
        return FALSE;
    if (id) {
        o->status = PD_INGEST_DUPLICATE;
        o->id = id;
        return TRUE;
    }
    if (o->status == PD_INGEST_DUPLICATE) /* the worker saw it, the writer does not */
        o->status = PD_INGEST_ADDED;
    if (o->photo == NULL) {
        o->status = PD_INGEST_REJECTED;
        o->error = g_strdup("internal: no photo to add");
        return TRUE;
    }
    /* Under the write lock, the files are still there: fsck --repair removes strays only
     * under that lock too, so a file it took between the worker and this commit (an old
     * file adopted again, a young one with --grace 0) is seen here, never committed. */
    gboolean whole = pd_store_has(q->store, NULL, o->sha256, o->photo->ext);
    for (guint i = 0; whole && o->renditions && i < o->renditions->len; i++) {
        const PdCatalogRendition *r = g_ptr_array_index(o->renditions, i);
        whole = pd_store_has(q->store, r->name, r->sha256, NULL);
    }
    if (!whole) {
        o->status = PD_INGEST_REJECTED;
        o->error = g_strdup("its files were removed from the library while it was ingested "
                            "(photodesk fsck --repair at the same time?): ingest it again");
        return TRUE;
    }
    if (!find_resent(c, o, &id, error))
        return FALSE;
    if (id) {
        o->photo->id = id;
        g_autoptr(PdCatalogPhoto) before = pd_catalog_get_photo(c, id, error);
        gboolean changed = FALSE;
        if (before == NULL || !pd_catalog_update_photo(c, o->photo, NULL, o->path, &changed, error))
            return FALSE;
        o->status = changed ? PD_INGEST_UPDATED : PD_INGEST_DUPLICATE;
        o->picture_changed = g_strcmp0(before->picture, o->photo->picture) != 0;
    } else {
        g_autoptr(GPtrArray) shared = NULL;
        if (o->renditions == NULL && !share_picture(c, o, &shared, error))
            return FALSE;
        if (!pd_catalog_add_photo(c, o->photo, NULL, o->path, error))
            return FALSE;
        o->status = PD_INGEST_ADDED;
        for (guint i = 0; shared && i < shared->len; i++)
            if (!pd_catalog_set_rendition(c, o->photo->id, g_ptr_array_index(shared, i), error))
                return FALSE;
        gint64 group = 0;
        if (!pd_ingest_group_photo(c, o->photo, &group, error))
            return FALSE;
        if (q->options.amend && !amend(q, o, error))
            return FALSE;
    }
    o->id = o->photo->id;
    for (guint i = 0; o->renditions && i < o->renditions->len; i++)
        if (!pd_catalog_set_rendition(c, o->id, g_ptr_array_index(o->renditions, i), error))
            return FALSE;
    return TRUE;
}

/* Whether @o's file is to be remembered in the catalog: its task asks for it, and it
 * was read (a file that vanished, or a task stopped before it, is taken again). */
static gboolean
remembered(const Outcome *o)
{
    return o->task->remember && !o->skipped && o->size >= 0;
}

static gboolean
remember(PdIngestQueue *q, const Outcome *o, GError **error)
{
    g_autofree char *absolute = g_canonicalize_filename(o->path, NULL);
    PdCatalogHotFile f = {
        .path = absolute,
        .size = o->size,
        .mtime_ns = o->mtime_ns,
        .outcome = (char *)pd_ingest_status_name(o->status),
        .photo_id = o->status == PD_INGEST_REJECTED ? 0 : o->id,
        .reason = o->error,
    };
    return pd_catalog_remember_file(q->catalog, &f, error);
}

/* Commits the pending outcomes in one transaction, then reports them. When the catalog
 * cannot be written, each is reported rejected with the reason (nothing of the batch is
 * in the catalog); the next batch tries again. */
static void
flush(PdIngestQueue *q)
{
    GPtrArray *pending = q->pending;
    if (pending->len == 0)
        return;
    gboolean any = FALSE;
    for (guint i = 0; i < pending->len; i++) {
        Outcome *o = g_ptr_array_index(pending, i);
        any |= o->status != PD_INGEST_REJECTED || remembered(o);
    }
    g_autoptr(GError) error = NULL;
    gboolean ok = TRUE;
    if (any) {
        ok = pd_catalog_begin(q->catalog, &error);
        for (guint i = 0; ok && i < pending->len; i++) {
            Outcome *o = g_ptr_array_index(pending, i);
            if (o->status != PD_INGEST_REJECTED)
                ok = decide(q, o, &error);
            if (ok && remembered(o))
                ok = remember(q, o, &error);
        }
        ok = ok && pd_catalog_commit(q->catalog, &error);
        if (!ok)
            pd_catalog_rollback(q->catalog);
    }
    for (guint i = 0; i < pending->len; i++) {
        Outcome *o = g_ptr_array_index(pending, i);
        if (!ok && o->status != PD_INGEST_REJECTED) {
            o->status = PD_INGEST_REJECTED;
            o->id = 0;
            o->catalog_failed = TRUE;
            g_clear_pointer(&o->amended, g_ptr_array_unref);
            g_free(o->error);
            o->error = g_strdup_printf("the catalog could not be written: %s", error->message);
        }
        report(o);
    }
    g_ptr_array_set_size(pending, 0);
}

static gpointer
writer(gpointer data)
{
    PdIngestQueue *q = data;
    guint ended = 0;
    gint64 oldest = 0; /* monotonic µs: when the first photo of the batch was ready */
    while (ended < q->workers->len) {
        /* Commit what there is as soon as nothing else is on its way; while more is,
         * gather a batch, but never hold a finished photo back for long behind a slow
         * one. */
        Outcome *o = q->pending->len ? g_async_queue_timeout_pop(q->outcomes, 250 * 1000)
                                     : g_async_queue_pop(q->outcomes);
        if (o == NULL) {
            flush(q);
            continue;
        }
        if (o->path == NULL) {
            ended++;
            outcome_free(o);
            continue;
        }
        if (q->pending->len == 0)
            oldest = g_get_monotonic_time();
        g_ptr_array_add(q->pending, o);
        gboolean last = g_atomic_int_dec_and_test(&q->in_flight);
        if (q->pending->len >= q->options.batch || last ||
            g_get_monotonic_time() - oldest >= PD_INGEST_MAX_WAIT_US)
            flush(q);
    }
    flush(q);
    return NULL;
}

/* ---------------------------------------------------------------- the queue */

PdIngestQueue *
pd_ingest_queue_new(const char *library, const char *catalog, const PdIngestQueueOptions *options,
                    GError **error)
{
    if (!pd_ingest_init(NULL, error))
        return NULL;
    PdIngestQueue *q = g_new0(PdIngestQueue, 1);
    if (options)
        q->options = *options;
    else
        pd_ingest_queue_options_init(&q->options);
    if (q->options.batch == 0)
        q->options.batch = 32;
    pd_thumbs_options_init(&q->thumbs);
    if (q->options.quality > 0)
        q->thumbs.quality = q->options.quality;
    if (q->options.max_megapixels > 0)
        q->thumbs.max_megapixels = q->options.max_megapixels;
    q->catalog_path = g_strdup(catalog);
    q->store = pd_store_open(library, error);
    q->catalog = q->store ? pd_catalog_open(catalog, PD_CATALOG_READ_WRITE, error) : NULL;
    if (q->catalog == NULL) {
        pd_store_close(q->store);
        g_free(q->catalog_path);
        g_free(q);
        return NULL;
    }
    q->jobs = g_async_queue_new();
    q->outcomes = g_async_queue_new();
    q->pending = g_ptr_array_new_with_free_func((GDestroyNotify)outcome_free);
    int n = q->options.jobs > 0 ? q->options.jobs : (int)g_get_num_processors();
    q->workers = g_ptr_array_new();
    for (int i = 0; i < MAX(n, 1); i++)
        g_ptr_array_add(q->workers, g_thread_new("photodesk-decode", worker, q));
    q->writer = g_thread_new("photodesk-writer", writer, q);
    return q;
}

void
pd_ingest_queue_add(PdIngestQueue *q, const char *path, PdIngestTask *task)
{
    g_return_if_fail(q != NULL && path != NULL && task != NULL);
    Job *job = g_new0(Job, 1);
    job->path = g_strdup(path);
    job->task = task;
    g_atomic_int_inc(&q->in_flight);
    g_async_queue_push(q->jobs, job);
}

void
pd_ingest_queue_free(PdIngestQueue *q)
{
    if (q == NULL)
        return;
    for (guint i = 0; i < q->workers->len; i++)
        g_async_queue_push(q->jobs, g_new0(Job, 1));
    for (guint i = 0; i < q->workers->len; i++)
        g_thread_join(g_ptr_array_index(q->workers, i));
    g_thread_join(q->writer);
    g_ptr_array_unref(q->workers);
    g_ptr_array_unref(q->pending);
    g_async_queue_unref(q->jobs);
    g_async_queue_unref(q->outcomes);
    pd_catalog_close(q->catalog);
    pd_store_close(q->store);
    g_free(q->catalog_path);
    g_free(q);
}

/* ---------------------------------------------------------------- paths */

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char **)a, *(const char **)b);
}

/* Files under @dir, sorted, recursively; hidden files and folders are left out, and so
 * is the library itself (ingesting a folder that holds it must not eat its own tail). */
static void
walk(const char *dir, const char *library_real, GPtrArray *files, GPtrArray *unreadable)
{
    g_autofree char *real = realpath(dir, NULL);
    if (real && library_real && strcmp(real, library_real) == 0)
        return;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
    if (d == NULL) {
        g_ptr_array_add(unreadable, g_strdup(dir));
        return;
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (name[0] != '.')
            g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(path, library_real, files, unreadable);
            g_free(path);
        } else {
            g_ptr_array_add(files, path);
        }
    }
}

GPtrArray *
pd_ingest_list_files(const char *const *paths, const char *library, GPtrArray *unreadable)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *library_real = library ? realpath(library, NULL) : NULL;
    for (int i = 0; paths[i]; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk(paths[i], library_real, files, unreadable);
        else
            g_ptr_array_add(files, g_strdup(paths[i]));
    }
    return files;
}

/* ---------------------------------------------------------------- photodesk ingest */

typedef struct {
    const PdIngestOptions *options;
    PdIngestSummary *summary;
    GCancellable *cancellable; /* the task's: the caller's, or cancelled on a failed catalog */
    GMutex lock;
    GCond all_done;
    guint done, total;
    GError *catalog_error;
} Run;

static void
on_result(const PdIngestResult *r, gpointer data)
{
    Run *run = data;
    PdIngestSummary *s = run->summary;
    g_mutex_lock(&run->lock);
    gboolean counted = !r->skipped && !r->catalog_failed;
    if (r->skipped || r->catalog_failed)
        s->stopped = TRUE;
    if (r->catalog_failed && run->catalog_error == NULL) {
        /* start nothing more: the rest would fail the same way */
        run->catalog_error = g_error_new_literal(PD_INGEST_ERROR, PD_INGEST_ERROR_OPEN, r->error);
        g_cancellable_cancel(run->cancellable);
    }
    if (counted) {
        switch (r->status) {
        case PD_INGEST_ADDED:
            s->added++;
            break;
        case PD_INGEST_DUPLICATE:
            s->duplicate++;
            break;
        case PD_INGEST_UPDATED:
            s->updated++;
            break;
        case PD_INGEST_REJECTED:
            s->rejected++;
            break;
        }
    }
    /* reported under the lock: the waiter frees the run once the last one is done */
    if (counted && run->options->report)
        run->options->report(r, run->done + 1, run->total, run->options->user_data);
    if (++run->done == run->total)
        g_cond_signal(&run->all_done);
    g_mutex_unlock(&run->lock);
}

gboolean
pd_ingest_files(const char *library, const char *catalog_path, const char *const *paths,
                const PdIngestOptions *options, PdIngestSummary *summary, GError **error)
{
    PdIngestOptions defaults;
    if (options == NULL) {
        pd_ingest_options_init(&defaults);
        options = &defaults;
    }
    memset(summary, 0, sizeof *summary);
    gint64 start = g_get_monotonic_time();

    g_autoptr(GPtrArray) unreadable = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) files = pd_ingest_list_files(paths, library, unreadable);
    summary->files = files->len + unreadable->len;

    /* no more decoders than files */
    PdIngestQueueOptions qo = options->queue;
    int jobs = qo.jobs > 0 ? qo.jobs : (int)g_get_num_processors();
    qo.jobs = MAX(1, MIN(jobs, (int)MAX(files->len, 1)));
    g_autoptr(PdIngestQueue) queue = pd_ingest_queue_new(library, catalog_path, &qo, error);
    if (queue == NULL)
        return FALSE;

    g_autoptr(GCancellable) own = g_cancellable_new();
    Run run = {options, summary, own};
    run.total = files->len;
    g_mutex_init(&run.lock);
    g_cond_init(&run.all_done);
    gulong handler = options->cancellable
                         ? g_cancellable_connect(options->cancellable,
                                                 G_CALLBACK(g_cancellable_cancel), own, NULL)
                         : 0;
    for (guint i = 0; i < unreadable->len; i++) {
        summary->rejected++;
        PdIngestResult r = {.file = g_ptr_array_index(unreadable, i),
                            .status = PD_INGEST_REJECTED,
                            .error = "cannot read the folder"};
        if (options->report)
            options->report(&r, 0, run.total, options->user_data);
    }
    PdIngestTask task = {on_result, &run, options->move, own};
    for (guint i = 0; i < files->len; i++)
        pd_ingest_queue_add(queue, g_ptr_array_index(files, i), &task);
    g_mutex_lock(&run.lock);
    while (run.done < run.total)
        g_cond_wait(&run.all_done, &run.lock);
    g_mutex_unlock(&run.lock);
    g_clear_pointer(&queue, pd_ingest_queue_free);
    if (handler)
        g_cancellable_disconnect(options->cancellable, handler);
    g_mutex_clear(&run.lock);
    g_cond_clear(&run.all_done);

    summary->seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    if (run.catalog_error) {
        g_propagate_prefixed_error(error, run.catalog_error, "stopped: ");
        return FALSE;
    }
    return TRUE;
}
