/* watch.c: hot folders. The agencies' feeds drop files into folders; each file is
 * taken once it is complete, ingested through the process's one ingest queue, and then
 * moved to a done or failed folder, or left in place and remembered in the catalog.
 *
 *   inotify (close after write, moved in, new folders) ─┐
 *   a scan at start and after an overflow ──────────────┴─▶ candidates ──(settled)──▶ queue
 *   queue's report (writer thread) ─▶ results ─▶ this thread: log, move, take again
 *
 * A file is complete when its name is not one that uploads use while they run, and its
 * size and modification time have not changed for the settle time. The queue's writer
 * remembers each file (path, size, mtime, outcome) in the transaction of its photo, so
 * a restart after kill -9 takes every file exactly once: a file committed but not yet
 * moved is recognised by what is remembered of it and moved without a second ingest.
 * Everything but the queue's report runs on the thread that calls pd_watch_run().
 */
#include "desk/desk-private.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* How often the candidates are looked at while some are settling. */
#define TICK_MS 100
/* A file whose photo could not be committed (a full disk, a locked catalog) is tried
 * again after this long. */
#define RETRY_SECONDS 10

typedef struct {
    gint64 size, mtime_ns;
    gint64 changed_at;  /* monotonic µs: when it was last seen to change */
    gint64 not_before;  /* monotonic µs: not taken before this (a retry's wait) */
    gint64 complete_at; /* monotonic µs: when it was taken, complete */
    gboolean again;     /* written to again while it was being ingested */
} Candidate;

typedef struct {
    PdIngestResult r; /* strings owned below */
    char *file, *sha256, *error, *warning;
    char **amended;
} Result;

struct PdWatch {
    PdIngestQueue *queue;
    PdCatalog *catalog; /* read-only: what is remembered */
    PdWatchOptions options;
    char *done_dir, *failed_dir; /* canonical, or NULL */
    GPtrArray *roots;            /* canonical folders watched, of char * */
    int inotify;
    int wake;               /* eventfd: a result is waiting */
    GHashTable *folders;    /* watch descriptor -> folder path */
    GHashTable *candidates; /* path -> Candidate *, settling */
    GHashTable *in_flight;  /* path -> Candidate *, in the queue */
    GAsyncQueue *results;   /* of Result *, from the queue's writer */
    PdIngestTask task;
    GCancellable *stop;
};

/* ---------------------------------------------------------------- names */

gboolean
pd_watch_ignored_name(const char *name)
{
    /* names FTP servers and clients, browsers and editors give a file while it is
     * written: dotfiles (ProFTPD's HiddenStores ".in.NAME.", Pure-FTPd's
     * ".pureftpd-upload.*", rsync's ".NAME.XXXXXX"), and the usual suffixes */
    static const char *const suffixes[] = {
        ".tmp",        ".temp",     ".part", ".partial",   ".filepart",
        ".crdownload", ".download", ".!ut",  ".error.txt", "~"};
    if (name[0] == '.' || name[0] == '\0')
        return TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        gsize n = strlen(name), k = strlen(suffixes[i]);
        if (n >= k && g_ascii_strcasecmp(name + n - k, suffixes[i]) == 0)
            return TRUE;
    }
    return FALSE;
}

static gint64
mtime_ns(const struct stat *st)
{
    return (gint64)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* ---------------------------------------------------------------- the log */

static void G_GNUC_PRINTF(3, 4) log_line(PdWatch *w, const char *file, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *what = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S%:z");
    g_autofree char *line = g_strdup_printf("%s  %s  %s", at, file, what);
    if (w->options.log)
        w->options.log(line, w->options.user_data);
}

/* ---------------------------------------------------------------- moving */

/* @dir/NAME, or NAME-1.ext, NAME-2.ext... when taken: moved with rename(2) when the
 * folders share a filesystem, else copied and removed. The path it went to, or NULL. */
static char *
move_into(const char *path, const char *dir, GError **error)
{
    g_autofree char *base = g_path_get_basename(path);
    const char *dot = strrchr(base, '.');
    g_autofree char *stem =
        dot && dot != base ? g_strndup(base, (gsize)(dot - base)) : g_strdup(base);
    const char *ext = dot && dot != base ? dot : "";
    for (int n = 0; n < 10000; n++) {
        g_autofree char *name = n ? g_strdup_printf("%s-%d%s", stem, n, ext) : g_strdup(base);
        g_autofree char *to = g_build_filename(dir, name, NULL);
        /* link, then unlink: never over a file that is there */
        if (link(path, to) == 0) {
            if (unlink(path) != 0 && errno != ENOENT) {
                int e = errno;
                unlink(to);
                g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot remove %s: %s",
                            path, g_strerror(e));
                return NULL;
            }
            return g_steal_pointer(&to);
        }
        if (errno == EEXIST)
            continue;
        if (errno != EXDEV && errno != EPERM) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot move to %s: %s",
                        to, g_strerror(errno));
            return NULL;
        }
        /* another filesystem: copy (never over a file), then remove */
        g_autoptr(GFile) src = g_file_new_for_path(path);
        g_autoptr(GFile) dst = g_file_new_for_path(to);
        g_autoptr(GError) copy_error = NULL;
        if (!g_file_copy(src, dst, G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_ALL_METADATA, NULL,
                         NULL, NULL, &copy_error)) {
            if (g_error_matches(copy_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
                continue;
            g_propagate_error(error, g_steal_pointer(&copy_error));
            return NULL;
        }
        unlink(path);
        return g_steal_pointer(&to);
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s: too many files of that name", dir);
    return NULL;
}

/* Where a file goes once done: done/ or failed/ (with NAME.error.txt beside it). */
static void
file_away(PdWatch *w, const char *path, gboolean failed, const char *reason)
{
    const char *dir = failed ? w->failed_dir : w->done_dir;
    if (dir == NULL)
        return;
    g_autoptr(GError) error = NULL;
    g_autofree char *to = move_into(path, dir, &error);
    if (to == NULL) {
        log_line(w, path, "could not be moved to %s: %s", dir, error->message);
        return;
    }
    if (failed) {
        g_autofree char *txt = g_strdup_printf("%s.error.txt", to);
        g_autofree char *body = g_strdup_printf("%s\n", reason ? reason : "rejected");
        if (!g_file_set_contents(txt, body, -1, &error))
            log_line(w, path, "could not write %s: %s", txt, error->message);
    }
}

/* ---------------------------------------------------------------- folders */

static gboolean
is_own_folder(PdWatch *w, const char *path)
{
    return g_strcmp0(path, w->done_dir) == 0 || g_strcmp0(path, w->failed_dir) == 0;
}

static void consider(PdWatch *w, const char *path);

/* Watches @dir and the folders under it, and considers every file there. */
static void
add_folder(PdWatch *w, const char *dir)
{
    if (is_own_folder(w, dir))
        return;
    int wd = inotify_add_watch(w->inotify, dir,
                               IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_CREATE |
                                   IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW);
    if (wd < 0) {
        log_line(w, dir, "cannot be watched: %s", g_strerror(errno));
        return;
    }
    g_hash_table_replace(w->folders, GINT_TO_POINTER(wd), g_strdup(dir));
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return;
    const char *name;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(name));
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        if (n[0] == '.')
            continue;
        g_autofree char *path = g_build_filename(dir, n, NULL);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            add_folder(w, path);
        else
            consider(w, path);
    }
}

static void
scan_all(PdWatch *w)
{
    for (guint i = 0; i < w->roots->len; i++)
        add_folder(w, g_ptr_array_index(w->roots, i));
}

/* ---------------------------------------------------------------- candidates */

/* A file has appeared or changed: it settles before it is taken, unless it was taken
 * already as it is (remembered in the catalog). */
static void
consider(PdWatch *w, const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    if (pd_watch_ignored_name(base))
        return;
    gint64 now = g_get_monotonic_time();
    Candidate *c = g_hash_table_lookup(w->in_flight, path);
    if (c) {
        c->again = TRUE; /* looked at again once its outcome is in */
        return;
    }
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    c = g_hash_table_lookup(w->candidates, path);
    if (c) {
        c->changed_at = now;
        c->size = st.st_size;
        c->mtime_ns = mtime_ns(&st);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalogHotFile) known = pd_catalog_get_hot_file(w->catalog, path, &error);
    if (known && known->size == st.st_size && known->mtime_ns == mtime_ns(&st)) {
        /* taken before (a restart): done with, unless it is still to be moved */
        if (w->done_dir || w->failed_dir) {
            gboolean failed = strcmp(known->outcome, "rejected") == 0;
            g_autofree char *photo =
                known->photo_id ? g_strdup_printf("  photo %" G_GINT64_FORMAT, known->photo_id)
                                : g_strdup("");
            log_line(w, path, "%s%s  (taken before a restart; now moved)", known->outcome, photo);
            file_away(w, path, failed, known->reason);
        }
        return;
    }
    c = g_new0(Candidate, 1);
    c->size = st.st_size;
    c->mtime_ns = mtime_ns(&st);
    c->changed_at = now;
    g_hash_table_insert(w->candidates, g_strdup(path), c);
}

/* Takes every candidate that has settled; drops those that went away. */
static void
take_settled(PdWatch *w)
{
    gint64 now = g_get_monotonic_time();
    gint64 settle = (gint64)(w->options.settle_seconds * G_USEC_PER_SEC);
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, w->candidates);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const char *path = key;
        Candidate *c = value;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            g_hash_table_iter_remove(&it); /* renamed or removed before it settled */
            continue;
        }
        if (st.st_size != c->size || mtime_ns(&st) != c->mtime_ns) {
            c->size = st.st_size;
            c->mtime_ns = mtime_ns(&st);
            c->changed_at = now;
            continue;
        }
        if (now - c->changed_at < settle || now < c->not_before ||
            g_cancellable_is_cancelled(w->stop))
            continue;
        g_hash_table_iter_steal(&it);
        c->complete_at = c->changed_at;
        c->again = FALSE;
        g_hash_table_insert(w->in_flight, key, c);
        pd_ingest_queue_add(w->queue, path, &w->task);
    }
}

/* ---------------------------------------------------------------- outcomes */

/* On the queue's writer thread: hand the outcome to the watching thread. */
static void
on_report(const PdIngestResult *r, gpointer data)
{
    PdWatch *w = data;
    Result *res = g_new0(Result, 1);
    res->r = *r;
    res->r.file = res->file = g_strdup(r->file);
    res->r.sha256 = res->sha256 = g_strdup(r->sha256);
    res->r.error = res->error = g_strdup(r->error);
    res->r.warning = res->warning = g_strdup(r->warning);
    res->amended = g_strdupv((char **)r->amended);
    res->r.amended = (const char *const *)res->amended;
    g_async_queue_push(w->results, res);
    guint64 one = 1;
    if (write(w->wake, &one, sizeof one) < 0) {
        /* the counter is full: the watching thread is awake anyway */
    }
}

static void
result_free(Result *res)
{
    g_free(res->file);
    g_free(res->sha256);
    g_free(res->error);
    g_free(res->warning);
    g_strfreev(res->amended);
    g_free(res);
}

static void
finish(PdWatch *w, Result *res)
{
    const PdIngestResult *r = &res->r;
    char *key = NULL;
    Candidate *c = NULL;
    if (!g_hash_table_steal_extended(w->in_flight, r->file, (gpointer *)&key, (gpointer *)&c))
        return;
    double seconds = (double)(g_get_monotonic_time() - c->complete_at) / G_USEC_PER_SEC;
    if (r->skipped) {
        log_line(w, r->file, "not taken: stopping");
        g_free(key);
        g_free(c);
        return;
    }
    if (r->catalog_failed) {
        /* not remembered, not moved: tried again after a while */
        log_line(w, r->file, "rejected  %s (tried again in %d s)", r->error, RETRY_SECONDS);
        c->not_before = g_get_monotonic_time() + RETRY_SECONDS * G_USEC_PER_SEC;
        g_hash_table_insert(w->candidates, key, c);
        return;
    }
    gboolean failed = r->status == PD_INGEST_REJECTED;
    if (failed)
        log_line(w, r->file, "rejected  %.2f s  %s", seconds, r->error);
    else {
        g_autofree char *rules = r->amended ? g_strjoinv(", ", (char **)r->amended) : NULL;
        log_line(w, r->file, "%s  photo %" G_GINT64_FORMAT "  %.2f s%s%s%s%s",
                 pd_ingest_status_name(r->status), r->id, seconds, rules ? "  rule " : "",
                 rules ? rules : "", r->warning ? "  " : "", r->warning ? r->warning : "");
    }
    gboolean again = c->again;
    g_free(c);
    if (w->done_dir == NULL && w->failed_dir == NULL) {
        /* left in place, and remembered as it was read: written again since, it is
         * taken again, whole */
        struct stat st;
        gboolean changed =
            lstat(key, &st) == 0 && (st.st_size != r->size || mtime_ns(&st) != r->mtime_ns);
        if (changed || again)
            consider(w, key);
    } else {
        file_away(w, key, failed, r->error);
    }
    g_free(key);
}

static void
drain_results(PdWatch *w)
{
    guint64 count;
    if (read(w->wake, &count, sizeof count) < 0) {
        /* nothing to read: the results are counted by the queue below */
    }
    Result *res;
    while ((res = g_async_queue_try_pop(w->results))) {
        finish(w, res);
        result_free(res);
    }
}

/* ---------------------------------------------------------------- inotify */

static void
read_events(PdWatch *w)
{
    /* aligned as struct inotify_event needs */
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->inotify, buf, sizeof buf);
        if (n <= 0)
            return; /* EAGAIN: all read */
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            p += sizeof *e + e->len;
            if (e->mask & IN_Q_OVERFLOW) {
                log_line(w, "(all folders)", "too many events at once: looking at every file");
                scan_all(w);
                continue;
            }
            const char *dir = g_hash_table_lookup(w->folders, GINT_TO_POINTER(e->wd));
            if (e->mask & IN_IGNORED) {
                g_hash_table_remove(w->folders, GINT_TO_POINTER(e->wd));
                continue;
            }
            if (dir == NULL || e->len == 0)
                continue;
            g_autofree char *path = g_build_filename(dir, e->name, NULL);
            if (e->mask & IN_ISDIR) {
                if (e->mask & (IN_CREATE | IN_MOVED_TO) && e->name[0] != '.')
                    add_folder(w, path);
            } else if (e->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
                consider(w, path);
            } else if (e->mask & IN_MODIFY) {
                Candidate *c = g_hash_table_lookup(w->candidates, path);
                if (c)
                    c->changed_at = g_get_monotonic_time();
                Candidate *f = g_hash_table_lookup(w->in_flight, path);
                if (f)
                    f->again = TRUE;
            }
        }
    }
}

/* ---------------------------------------------------------------- the watch */

void
pd_watch_options_init(PdWatchOptions *options)
{
    memset(options, 0, sizeof *options);
    options->settle_seconds = 2.0;
}

static char *
canonical_folder(const char *path, const char *what, GError **error)
{
    g_autofree char *absolute = g_canonicalize_filename(path, NULL);
    struct stat st;
    if (stat(absolute, &st) != 0 || !S_ISDIR(st.st_mode)) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID, "%s %s: %s", what, path,
                    stat(absolute, &st) != 0 ? g_strerror(errno) : "not a folder");
        return NULL;
    }
    char *real = realpath(absolute, NULL);
    return real ? real : g_steal_pointer(&absolute);
}

PdWatch *
pd_watch_new(PdIngestQueue *queue, const char *catalog, const char *const *folders,
             const PdWatchOptions *options, GError **error)
{
    g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; folders && folders[i]; i++) {
        char *dir = canonical_folder(folders[i], "hot folder", error);
        if (dir == NULL)
            return NULL;
        g_ptr_array_add(roots, dir);
    }
    if (roots->len == 0) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID, "no hot folder given");
        return NULL;
    }
    g_autofree char *done = NULL, *failed = NULL;
    if (options->done_dir && !(done = canonical_folder(options->done_dir, "--done", error)))
        return NULL;
    if (options->failed_dir && !(failed = canonical_folder(options->failed_dir, "--failed", error)))
        return NULL;
    if (options->settle_seconds < 0 || options->settle_seconds > 3600) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "--settle must be 0 to 3600 seconds");
        return NULL;
    }
    PdCatalog *c = pd_catalog_open(catalog, PD_CATALOG_READ_ONLY, error);
    if (c == NULL)
        return NULL;
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (in < 0 || wake < 0) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID, "cannot watch folders: %s",
                    g_strerror(errno));
        if (in >= 0)
            close(in);
        if (wake >= 0)
            close(wake);
        pd_catalog_close(c);
        return NULL;
    }
    PdWatch *w = g_new0(PdWatch, 1);
    w->queue = queue;
    w->catalog = c;
    w->options = *options;
    w->done_dir = g_steal_pointer(&done);
    w->failed_dir = g_steal_pointer(&failed);
    w->roots = g_steal_pointer(&roots);
    w->inotify = in;
    w->wake = wake;
    w->folders = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    w->candidates = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w->in_flight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w->results = g_async_queue_new();
    w->stop = g_cancellable_new();
    w->task.report = on_report;
    w->task.user_data = w;
    w->task.remember = TRUE;
    w->task.cancellable = w->stop;
    return w;
}

gboolean
pd_watch_run(PdWatch *w, GCancellable *cancellable)
{
    for (guint i = 0; i < w->roots->len; i++)
        log_line(w, (const char *)g_ptr_array_index(w->roots, i), "watched%s%s%s%s",
                 w->done_dir ? "; done files to " : "", w->done_dir ? w->done_dir : "",
                 w->failed_dir ? "; failed files to " : "", w->failed_dir ? w->failed_dir : "");
    scan_all(w);
    GPollFD fds[3] = {{w->inotify, G_IO_IN, 0}, {w->wake, G_IO_IN, 0}, {-1, G_IO_IN, 0}};
    int nfds = 2;
    if (cancellable && g_cancellable_make_pollfd(cancellable, &fds[2]))
        nfds = 3;
    for (;;) {
        if (g_cancellable_is_cancelled(cancellable) && !g_cancellable_is_cancelled(w->stop))
            g_cancellable_cancel(w->stop); /* files queued and not started are let go */
        if (g_cancellable_is_cancelled(w->stop) && g_hash_table_size(w->in_flight) == 0)
            break;
        take_settled(w);
        int timeout = g_hash_table_size(w->candidates) ? TICK_MS : -1;
        if (g_cancellable_is_cancelled(w->stop))
            timeout = TICK_MS;
        g_poll(fds, (guint)nfds, timeout);
        if (fds[0].revents)
            read_events(w);
        drain_results(w);
    }
    if (nfds == 3)
        g_cancellable_release_fd(cancellable);
    return TRUE;
}

void
pd_watch_free(PdWatch *w)
{
    if (w == NULL)
        return;
    /* the queue may still report a file of ours: every one was waited for in run */
    Result *res;
    while ((res = g_async_queue_try_pop(w->results)))
        result_free(res);
    g_async_queue_unref(w->results);
    g_hash_table_unref(w->folders);
    g_hash_table_unref(w->candidates);
    g_hash_table_unref(w->in_flight);
    g_object_unref(w->stop);
    close(w->inotify);
    close(w->wake);
    pd_catalog_close(w->catalog);
    g_free(w->done_dir);
    g_free(w->failed_dir);
    g_ptr_array_unref(w->roots);
    g_free(w);
}
