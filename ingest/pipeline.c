/* pipeline.c: photodesk ingest.
 *
 *   paths --> jobs --> N workers: read, SHA-256, metadata, renditions, store (durable)
 *                          |
 *                          v
 *             outcomes --> one writer (this thread): decide added / duplicate / updated,
 *                          commit in batches, then report
 *
 * Workers decode in parallel, one photo each, with libvips' own threading at 1 (on two
 * cores that scales better than libvips' internal threads). The writer alone touches
 * the catalog for writing, in transactions of up to options->batch photos; a photo is
 * reported only after its original and renditions are durable and its row committed.
 * Killed at any moment, the library holds committed photos and, at worst, files not yet
 * in the catalog, which a second ingest adopts and fsck sweeps after its grace period.
 */
#include "assets/assets.h"
#include "catalog/catalog.h"
#include "ingest/row.h"
#include "thumbs/thumbs.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char *path; /* NULL: no more jobs */
} Job;

typedef struct {
    char *path; /* NULL: a worker has finished */
    PdIngestStatus status;
    gint64 id;
    char *sha256;
    char *error;
    char *warning;            /* shares a reference with another photo, say */
    gboolean picture_changed; /* updated with another picture (a recrop, a retouch) */
    PdCatalogPhoto *photo;
    GPtrArray *renditions; /* of PdCatalogRendition *, NULL when the existing ones stand */
    gboolean skipped;      /* not done: the run was stopped */
} Outcome;

typedef struct {
    const PdIngestOptions *options;
    PdStore *store;
    char *catalog_path;
    GAsyncQueue *jobs;
    GAsyncQueue *outcomes;
    PdThumbsOptions thumbs;
} Run;

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
    g_free(o);
}

void
pd_ingest_options_init(PdIngestOptions *options)
{
    memset(options, 0, sizeof *options);
    options->quality = PD_THUMBS_DEFAULT_QUALITY;
    options->max_megapixels = PD_THUMBS_DEFAULT_MAX_MEGAPIXELS;
    options->batch = 32;
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
read_whole(const char *path, gsize *len, char **why)
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
process(Run *run, PdCatalog *catalog, const char *path)
{
    Outcome *o = g_new0(Outcome, 1);
    o->path = g_strdup(path);
    o->status = PD_INGEST_ADDED; /* provisional: the writer decides */

    char *why = NULL;
    gsize len = 0;
    g_autofree guint8 *data = read_whole(path, &len, &why);
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
    if (mp > run->thumbs.max_megapixels) {
        reject(o, "%d x %d is %.0f megapixels, over the limit of %.0f", meta->width, meta->height,
               mp, run->thumbs.max_megapixels);
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
        set = pd_thumbs_render(data, len, &run->thumbs, &error);
        if (set == NULL) {
            reject(o, "%s", error->message);
            return o;
        }
        photo->has_dhash = TRUE;
        photo->dhash = set->dhash;
        photo->picture = g_strdup(sha);
    }

    gboolean existed = FALSE;
    if (!pd_store_put_original(run->store, sha, photo->ext, data, len, &existed, &error)) {
        reject(o, "cannot store the original: %s", error->message);
        return o;
    }
    if (set) {
        o->renditions = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_rendition_free);
        for (int i = 0; i < PD_RENDITION_COUNT; i++) {
            const PdRendition *r = &set->renditions[i];
            gsize n;
            const void *bytes = g_bytes_get_data(r->jpeg, &n);
            if (!pd_store_put_rendition(run->store, r->name, sha, bytes, n, &error)) {
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
    Run *run = data;
    g_autoptr(GError) error = NULL;
    /* Each worker reads the catalog through its own connection (WAL: readers never
     * wait for the writer). */
    g_autoptr(PdCatalog) catalog = pd_catalog_open(run->catalog_path, PD_CATALOG_READ_ONLY, &error);
    for (;;) {
        Job *job = g_async_queue_pop(run->jobs);
        if (job->path == NULL) {
            g_free(job);
            break;
        }
        Outcome *o;
        if (run->options->stop && *run->options->stop) {
            o = g_new0(Outcome, 1);
            o->path = g_strdup(job->path);
            o->skipped = TRUE;
        } else {
            o = process(run, catalog, job->path);
        }
        g_free(job->path);
        g_free(job);
        g_async_queue_push(run->outcomes, o);
    }
    g_async_queue_push(run->outcomes, g_new0(Outcome, 1)); /* finished */
    return NULL;
}

/* ---------------------------------------------------------------- the writer */

typedef struct {
    Run *run;
    PdCatalog *catalog;
    PdIngestSummary *summary;
    guint done, total;
    GPtrArray *pending; /* of Outcome * */
} Writer;

static void
report(Writer *w, Outcome *o)
{
    PdIngestSummary *s = w->summary;
    switch (o->status) {
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
    w->done++;
    if (o->status != PD_INGEST_REJECTED && w->run->options->move) {
        /* the photo is committed: the source may go */
        if (unlink(o->path) != 0)
            g_printerr("photodesk ingest: %s: ingested, but could not remove it: %s\n", o->path,
                       g_strerror(errno));
    }
    if (w->run->options->report) {
        PdIngestResult r = {o->path,    o->status,         o->id, o->sha256, o->error,
                            o->warning, o->picture_changed};
        w->run->options->report(&r, w->done, w->total, w->run->options->user_data);
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
    if (*id)
        return TRUE;
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

static gboolean
decide(Writer *w, Outcome *o, GError **error)
{
    PdCatalog *c = w->catalog;
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
    gboolean whole = pd_store_has(w->run->store, NULL, o->sha256, o->photo->ext);
    for (guint i = 0; whole && o->renditions && i < o->renditions->len; i++) {
        const PdCatalogRendition *r = g_ptr_array_index(o->renditions, i);
        whole = pd_store_has(w->run->store, r->name, r->sha256, NULL);
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
        if (!pd_catalog_add_photo(c, o->photo, NULL, o->path, error))
            return FALSE;
        o->status = PD_INGEST_ADDED;
    }
    o->id = o->photo->id;
    for (guint i = 0; o->renditions && i < o->renditions->len; i++)
        if (!pd_catalog_set_rendition(c, o->id, g_ptr_array_index(o->renditions, i), error))
            return FALSE;
    return TRUE;
}

/* Commits the pending outcomes in one transaction, then reports them. */
static gboolean
flush(Writer *w, GError **error)
{
    if (w->pending->len == 0)
        return TRUE;
    gboolean any = FALSE;
    for (guint i = 0; i < w->pending->len; i++) {
        Outcome *o = g_ptr_array_index(w->pending, i);
        any |= o->status != PD_INGEST_REJECTED;
    }
    gboolean ok = TRUE;
    if (any) {
        ok = pd_catalog_begin(w->catalog, error);
        for (guint i = 0; ok && i < w->pending->len; i++) {
            Outcome *o = g_ptr_array_index(w->pending, i);
            if (o->status != PD_INGEST_REJECTED)
                ok = decide(w, o, error);
        }
        ok = ok && pd_catalog_commit(w->catalog, error);
        if (!ok)
            pd_catalog_rollback(w->catalog);
    }
    if (ok) {
        for (guint i = 0; i < w->pending->len; i++)
            report(w, g_ptr_array_index(w->pending, i));
    }
    g_ptr_array_set_size(w->pending, 0);
    return ok;
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

    g_autoptr(GError) local = NULL;
    if (!pd_ingest_init(NULL, error))
        return FALSE;
    g_autoptr(PdStore) store = pd_store_open(library, error);
    if (store == NULL)
        return FALSE;
    Run run = {options, store, g_strdup(catalog_path), NULL, NULL, {0}};
    pd_thumbs_options_init(&run.thumbs);
    if (options->quality > 0)
        run.thumbs.quality = options->quality;
    if (options->max_megapixels > 0)
        run.thumbs.max_megapixels = options->max_megapixels;
    g_autoptr(PdCatalog) catalog = pd_catalog_open(run.catalog_path, PD_CATALOG_READ_WRITE, error);
    if (catalog == NULL) {
        g_free(run.catalog_path);
        return FALSE;
    }

    /* What to ingest: files as given, folders walked. */
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *library_real = realpath(library, NULL);
    for (int i = 0; paths[i]; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk(paths[i], library_real, files, missing);
        else
            g_ptr_array_add(files, g_strdup(paths[i]));
    }

    Writer w = {&run,
                catalog,
                summary,
                0,
                files->len + missing->len,
                g_ptr_array_new_with_free_func((GDestroyNotify)outcome_free)};
    summary->files = w.total;
    for (guint i = 0; i < missing->len; i++) {
        Outcome o = {.path = g_ptr_array_index(missing, i),
                     .status = PD_INGEST_REJECTED,
                     .error = (char *)"cannot read the folder"};
        report(&w, &o);
    }

    int jobs = options->jobs > 0 ? options->jobs : (int)g_get_num_processors();
    jobs = MAX(1, MIN(jobs, (int)MAX(files->len, 1)));
    run.jobs = g_async_queue_new();
    run.outcomes = g_async_queue_new();
    for (guint i = 0; i < files->len; i++) {
        Job *job = g_new0(Job, 1);
        job->path = g_strdup(g_ptr_array_index(files, i));
        g_async_queue_push(run.jobs, job);
    }
    GPtrArray *threads = g_ptr_array_new();
    for (int i = 0; i < jobs; i++) {
        g_async_queue_push(run.jobs, g_new0(Job, 1));
        g_ptr_array_add(threads, g_thread_new("photodesk-ingest", worker, &run));
    }

    gboolean ok = TRUE;
    int finished = 0;
    guint batch = options->batch ? options->batch : 32;
    while (finished < jobs) {
        /* Wait for more while there is nothing to commit; commit what there is when the
         * workers pause, so that a slow photo does not hold back the ones before it. */
        Outcome *o = w.pending->len ? g_async_queue_timeout_pop(run.outcomes, 250 * 1000)
                                    : g_async_queue_pop(run.outcomes);
        if (o == NULL) {
            if (ok && !flush(&w, &local))
                ok = FALSE;
            continue;
        }
        if (o->path == NULL) {
            finished++;
            outcome_free(o);
            continue;
        }
        if (o->skipped) {
            summary->stopped = TRUE;
            outcome_free(o);
            continue;
        }
        if (!ok) { /* the catalog failed: finish the workers, commit nothing more */
            outcome_free(o);
            continue;
        }
        g_ptr_array_add(w.pending, o);
        if (w.pending->len >= batch && !flush(&w, &local))
            ok = FALSE;
    }
    if (ok && !flush(&w, &local))
        ok = FALSE;
    for (guint i = 0; i < threads->len; i++)
        g_thread_join(g_ptr_array_index(threads, i));
    g_ptr_array_unref(threads);
    g_ptr_array_unref(w.pending);
    g_async_queue_unref(run.jobs);
    g_async_queue_unref(run.outcomes);
    g_free(run.catalog_path);
    summary->seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    if (!ok) {
        g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                   "stopped: the catalog could not be written: ");
        return FALSE;
    }
    return TRUE;
}
