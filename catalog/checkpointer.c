/* checkpointer.c: the write-ahead log copied into the catalog file on a thread of its own.
 *
 * A commit appends its pages to the log (catalog.db-wal); a checkpoint copies them into
 * the catalog file, and once all are copied the next writer starts the log again from
 * its beginning. SQLite checkpoints in the committing thread when the log passes 1,000
 * pages, which ingest's batches always do: the copy then took a ninth of the time a
 * batch of new photos spent in the catalog (bench/README.md). A writing connection
 * leaves it instead to a checkpointer, one a catalog file per process, that runs after
 * each commit on a connection of its own while the writer goes on with its next batch.
 *
 * The log stays bounded: a writer that finds it longer than log_max when it begins
 * waits for the checkpoint under way, so that it starts the log again. A checkpoint
 * that cannot copy everything (a reader still on an older snapshot) leaves the rest to
 * the next, as SQLite's own does. When the checkpointer cannot open its connection, the
 * writer keeps SQLite's own checkpoints.
 */
#include "catalog/catalog-private.h"

#include <pthread.h>
#include <signal.h>

/* The log's length past which a writer waits for the checkpoint to catch up: a few
 * batches of new photos. */
static gint64 log_max = 256 * 1024 * 1024;

struct PdCheckpointer {
    char *path;
    int refs; /* under checkpointers_lock */
    sqlite3 *db;
    GThread *thread;
    GMutex lock;
    GCond changed;
    gboolean stop;
    guint64 asked; /* commits told of */
    guint64 done;  /* of those, the ones a finished checkpoint covered */
    gint64 log;    /* the log's length in bytes after the last commit */
    int page;      /* the catalog's page size */
};

static GMutex checkpointers_lock;
static GHashTable *checkpointers; /* canonical path -> PdCheckpointer */

static gpointer
run(gpointer data)
{
    PdCheckpointer *k = data;
    /* the process's signals are not this thread's: a command that blocks SIGTERM to wait
     * for it in a thread of its own (cli/signals.c) may have opened the catalog first,
     * and SIGTERM's default here would end the process mid-commit */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    g_mutex_lock(&k->lock);
    for (;;) {
        while (!k->stop && k->done == k->asked)
            g_cond_wait(&k->changed, &k->lock);
        if (k->stop)
            break;
        guint64 target = k->asked;
        g_mutex_unlock(&k->lock);
        int rc = sqlite3_wal_checkpoint_v2(k->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            g_warning("catalog %s: copying the write-ahead log: %s", k->path,
                      sqlite3_errmsg(k->db));
        g_mutex_lock(&k->lock);
        k->done = target;
        g_cond_broadcast(&k->changed);
    }
    g_mutex_unlock(&k->lock);
    return NULL;
}

PdCheckpointer *
pd_checkpointer_get(const char *path)
{
    g_autofree char *key = g_canonicalize_filename(path, NULL);
    g_mutex_lock(&checkpointers_lock);
    if (checkpointers == NULL)
        checkpointers = g_hash_table_new(g_str_hash, g_str_equal);
    PdCheckpointer *k = g_hash_table_lookup(checkpointers, key);
    if (k) {
        k->refs++;
        g_mutex_unlock(&checkpointers_lock);
        return k;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(key, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        g_mutex_unlock(&checkpointers_lock);
        return NULL;
    }
    sqlite3_busy_timeout(db, 0); /* a checkpoint that would wait is left to the next */
    /* reading the schema opens the log: checkpoints before that find none */
    sqlite3_stmt *st = NULL;
    int page = 0;
    if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        page = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (page <= 0) {
        sqlite3_close_v2(db);
        g_mutex_unlock(&checkpointers_lock);
        return NULL;
    }
    k = g_new0(PdCheckpointer, 1);
    k->page = page;
    k->path = g_steal_pointer(&key);
    k->refs = 1;
    k->db = db;
    g_mutex_init(&k->lock);
    g_cond_init(&k->changed);
    k->thread = g_thread_new("pd-checkpoint", run, k);
    g_hash_table_insert(checkpointers, k->path, k);
    g_mutex_unlock(&checkpointers_lock);
    return k;
}

void
pd_checkpointer_release(PdCheckpointer *k)
{
    if (k == NULL)
        return;
    g_mutex_lock(&checkpointers_lock);
    gboolean last = --k->refs == 0;
    if (last)
        g_hash_table_remove(checkpointers, k->path);
    g_mutex_unlock(&checkpointers_lock);
    if (!last)
        return;
    g_mutex_lock(&k->lock);
    k->stop = TRUE;
    g_cond_broadcast(&k->changed);
    g_mutex_unlock(&k->lock);
    g_thread_join(k->thread);
    sqlite3_close_v2(k->db);
    g_mutex_clear(&k->lock);
    g_cond_clear(&k->changed);
    g_free(k->path);
    g_free(k);
}

/* SQLite's hook after each commit of a writer, with the log's length in pages (it
 * replaces SQLite's own checkpoints on that connection). */
static int
committed(void *data, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    PdCheckpointer *k = data;
    g_mutex_lock(&k->lock);
    k->log = (gint64)pages * k->page;
    k->asked++;
    g_cond_signal(&k->changed);
    g_mutex_unlock(&k->lock);
    return SQLITE_OK;
}

void
pd_checkpointer_attach(PdCheckpointer *k, sqlite3 *writer)
{
    sqlite3_wal_hook(writer, committed, k);
}

void
pd_checkpointer_keep_up(PdCheckpointer *k)
{
    g_mutex_lock(&k->lock);
    /* the checkpoint under way covers the last commit: once it is done the log is all
     * copied (unless a reader holds it back) and this writer starts it again */
    while (k->log > log_max && k->done != k->asked)
        g_cond_wait(&k->changed, &k->lock);
    g_mutex_unlock(&k->lock);
}

void
pd_checkpointer_set_log_max(gint64 bytes)
{
    log_max = bytes;
}
