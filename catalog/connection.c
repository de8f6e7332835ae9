/* connection.c: a catalog connection: opening it (and bringing its schema up to date),
 * its prepared statements, errors, and transactions.
 *
 * Durability: WAL with synchronous=FULL, so a committed photo survives a power cut,
 * not just a crashed process; ingest commits in batches to keep that cheap.
 */
#include "catalog/catalog-private.h"

#include <libpq-fe.h>
#include <string.h>

G_DEFINE_QUARK(pd_catalog_error, pd_catalog_error)

/* ---------------------------------------------------------------- errors and statements */

gboolean
pd_catalog_fail(PdCatalog *c, GError **error, const char *what)
{
    if (c->pg) {
        g_set_error(error, PD_CATALOG_ERROR,
                    pd_catalog_pg_busy(c->pg_state) ? PD_CATALOG_ERROR_BUSY
                                                    : PD_CATALOG_ERROR_FAILED,
                    "catalog: %s: %s", what, c->pg_error ? c->pg_error : PQerrorMessage(c->pg));
        return FALSE;
    }
    int code = sqlite3_extended_errcode(c->db);
    PdCatalogError e = (code & 0xFF) == SQLITE_BUSY || (code & 0xFF) == SQLITE_LOCKED
                           ? PD_CATALOG_ERROR_BUSY
                           : PD_CATALOG_ERROR_FAILED;
    g_set_error(error, PD_CATALOG_ERROR, e, "catalog: %s: %s", what, sqlite3_errmsg(c->db));
    return FALSE;
}

PdStmt *
pd_catalog_statement(PdCatalog *c, const char *sql, GError **error)
{
    /* by the text: a statement is never taken for another whose text happened to be
     * at the same address */
    PdStmt *st = g_hash_table_lookup(c->statements, sql);
    if (st == NULL) {
        if (g_hash_table_size(c->statements) >= PD_CATALOG_STATEMENTS_MAX) {
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                        "catalog: more than %d different statements: a statement's text is "
                        "made from data",
                        PD_CATALOG_STATEMENTS_MAX);
            return NULL;
        }
        st = pd_stmt_new(c, sql, error);
        if (st == NULL)
            return NULL;
        g_hash_table_insert(c->statements, g_strdup(sql), st);
    }
    pd_stmt_clear(st);
    return st;
}

const char *
pd_catalog_file(PdCatalog *c)
{
    if (c->pg)
        return c->url;
    const char *file = sqlite3_db_filename(c->db, "main");
    return file ? file : "";
}

sqlite3 *
pd_catalog_db(PdCatalog *c)
{
    return c->db;
}

/* PostgreSQL's answer to @sql run unprepared: FALSE with @error when it failed. */
static gboolean
pg_exec(PdCatalog *c, const char *sql, GError **error)
{
    PGresult *r = PQexec(c->pg, sql);
    ExecStatusType s = PQresultStatus(r);
    gboolean ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok) {
        /* "catalog: ...", as SQLite's are */
        pd_catalog_pg_failed(c, r);
        g_set_error(error, PD_CATALOG_ERROR,
                    pd_catalog_pg_busy(c->pg_state) ? PD_CATALOG_ERROR_BUSY
                                                    : PD_CATALOG_ERROR_FAILED,
                    "catalog: %s", c->pg_error);
    }
    PQclear(r);
    return ok;
}

gboolean
pd_catalog_exec(PdCatalog *c, const char *sql, GError **error)
{
    if (c->pg)
        return pg_exec(c, sql, error);
    char *msg = NULL;
    int r = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (r != SQLITE_OK) {
        gboolean busy = (r & 0xFF) == SQLITE_BUSY || (r & 0xFF) == SQLITE_LOCKED;
        g_set_error(error, PD_CATALOG_ERROR, busy ? PD_CATALOG_ERROR_BUSY : PD_CATALOG_ERROR_FAILED,
                    "catalog: %s%s", msg ? msg : sqlite3_errmsg(c->db),
                    busy ? " (another photodesk is writing to it)" : "");
        sqlite3_free(msg);
        return FALSE;
    }
    return TRUE;
}

char *
pd_catalog_text(PdStmt *st, int i)
{
    return g_strdup(pd_stmt_text(st, i));
}

gboolean
pd_catalog_run(PdCatalog *c, PdStmt *st, const char *what, GError **error)
{
    int r = pd_stmt_step(st);
    pd_stmt_reset(st);
    return r == PD_DONE || pd_catalog_fail(c, error, what);
}

char *
pd_catalog_now(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *base = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    return g_strdup_printf("%s.%03dZ", base, g_date_time_get_microsecond(now) / 1000);
}

/* ---------------------------------------------------------------- open */

/* The write-ahead log. Turning a new catalog to it takes the file for itself, and SQLite
 * answers "busy" at once there rather than waiting as it does for the write lock: two
 * photodesks opening a new library together (a server and an ingest) try again until
 * the busy timeout. */
static gboolean
to_wal(PdCatalog *c, GError **error)
{
    gint64 until = g_get_monotonic_time() + (gint64)c->busy_ms * 1000;
    for (;;) {
        g_autoptr(GError) busy = NULL;
        if (pd_catalog_exec(c, "PRAGMA journal_mode = WAL", &busy))
            return TRUE;
        if (!g_error_matches(busy, PD_CATALOG_ERROR, PD_CATALOG_ERROR_BUSY) ||
            g_get_monotonic_time() > until) {
            g_propagate_error(error, g_steal_pointer(&busy));
            return FALSE;
        }
        g_usleep(5000);
    }
}

static PdCatalog *
open_at(const char *path, PdCatalogMode mode, int schema, GError **error)
{
    /* SQLite counts its memory under one global mutex unless told not to: with a
     * connection per thread (the web server), that mutex is what the threads wait on */
    static gsize configured = 0;
    if (g_once_init_enter(&configured)) {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        g_once_init_leave(&configured, 1);
    }
    PdCatalog *c = g_new0(PdCatalog, 1);
    c->mode = mode;
    c->statements =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pd_stmt_free);
    int flags = mode == PD_CATALOG_READ_ONLY ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX; /* one thread per connection */
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN, "catalog %s: %s", path,
                    c->db ? sqlite3_errmsg(c->db) : "out of memory");
        pd_catalog_close(c);
        return NULL;
    }
    sqlite3_extended_result_codes(c->db, 1);
    c->busy_ms = 10000;
    sqlite3_busy_timeout(c->db, c->busy_ms);
    /* a 64 MiB page cache (the default is 2 MiB): a batch of new photos touches the
     * index's pages many times, and a search reads them again */
    gboolean ok = pd_catalog_register_functions(c->db, error) &&
                  pd_catalog_exec(c, "PRAGMA foreign_keys = ON", error) &&
                  pd_catalog_exec(c, "PRAGMA cache_size = -65536", error) &&
                  pd_catalog_exec(c, "PRAGMA temp_store = MEMORY", error);
    if (ok && mode == PD_CATALOG_READ_WRITE)
        ok = to_wal(c, error) && pd_catalog_exec(c, "PRAGMA synchronous = FULL", error);
    ok = ok && pd_catalog_migrate(c, schema, error);
    if (ok && mode == PD_CATALOG_READ_WRITE)
        ok = pd_catalog_exec(c, "CREATE TEMP TABLE fts_pending (id INTEGER PRIMARY KEY)", error);
    if (!ok) {
        g_prefix_error(error, "%s: ", path);
        pd_catalog_close(c);
        return NULL;
    }
    pd_catalog_photo_sql(c);
    if (mode == PD_CATALOG_READ_WRITE) {
        c->checkpointer = pd_checkpointer_get(path);
        if (c->checkpointer)
            pd_checkpointer_attach(c->checkpointer, c->db);
    }
    return c;
}

gboolean
pd_catalog_is_url(const char *where)
{
    return where &&
           (g_str_has_prefix(where, "postgresql://") || g_str_has_prefix(where, "postgres://"));
}

/* The connection's settings: how long to wait for the write lock, and read-only; and,
 * unless the server was told otherwise, a random page read costed as what it is for a
 * catalog in memory or on SSD (1.1, not the 4 of a spinning disk): a search's plan
 * weighs reading a year newest first against fetching the index's matches, and at 4 it
 * read a whole year for a word no photo had (144 ms against 0.4) and 30,000 rows for a
 * rare word (20 ms against 2.3; bench/README.md). */
static gboolean
pg_session(PdCatalog *c, GError **error)
{
    g_autofree char *settings = g_strdup_printf(
        "SET lock_timeout = %d; SET client_min_messages = warning;"
        " SELECT set_config('random_page_cost', '1.1', false)"
        " WHERE current_setting('random_page_cost') = '4';%s",
        c->busy_ms,
        c->mode == PD_CATALOG_READ_ONLY ? " SET default_transaction_read_only = on;" : "");
    return pd_catalog_exec(c, settings, error);
}

gboolean
pd_catalog_pg_reconnect(PdCatalog *c)
{
    if (c->depth > 0 || PQstatus(c->pg) == CONNECTION_OK)
        return FALSE;
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK || PQsetClientEncoding(c->pg, "UTF8") != 0)
        return FALSE;
    /* what the server knew of the old connection went with it */
    GHashTableIter it;
    gpointer st;
    g_hash_table_iter_init(&it, c->statements);
    while (g_hash_table_iter_next(&it, NULL, &st))
        pd_stmt_forget((PdStmt *)st);
    return pg_session(c, NULL) && (!c->listening || pd_catalog_exec(c, PD_CATALOG_LISTEN, NULL));
}

/* A catalog on PostgreSQL at @url (a libpq URL: postgresql://...). Its schema is made the
 * first time and brought up to the newest version (pg.c); photodesk's own tokenizer runs
 * in an in-memory SQLite beside it, so words are cut and stemmed as on SQLite. */
static PdCatalog *
open_pg(const char *url, PdCatalogMode mode, GError **error)
{
    PdCatalog *c = g_new0(PdCatalog, 1);
    c->mode = mode;
    c->url = g_strdup(url);
    c->statements =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pd_stmt_free);
    c->busy_ms = 10000;
    c->pg = PQconnectdb(url);
    gboolean ok = PQstatus(c->pg) == CONNECTION_OK && PQsetClientEncoding(c->pg, "UTF8") == 0;
    if (!ok) {
        g_autofree char *why = g_strstrip(g_strdup(PQerrorMessage(c->pg)));
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN, "%s", why);
    }
    if (ok && sqlite3_open_v2(":memory:", &c->words, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                              NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN, "out of memory");
        ok = FALSE;
    }
    ok = ok && pd_catalog_register_functions(c->words, error);
    ok = ok && pg_session(c, error) && pd_catalog_pg_schema(c, error);
    if (!ok) {
        g_autofree char *safe = pd_catalog_url_without_password(url);
        g_prefix_error(error, "catalog %s: ", safe);
        pd_catalog_close(c);
        return NULL;
    }
    pd_catalog_photo_sql(c);
    return c;
}

PdCatalog *
pd_catalog_open(const char *path, PdCatalogMode mode, GError **error)
{
    if (pd_catalog_is_url(path))
        return open_pg(path, mode, error);
    return open_at(path, mode, pd_catalog_newest_schema(), error);
}

PdCatalog *
pd_catalog_open_schema(const char *path, int schema, GError **error)
{
    g_return_val_if_fail(schema >= 0 && schema <= pd_catalog_newest_schema(), NULL);
    return open_at(path, PD_CATALOG_READ_WRITE, schema, error);
}

void
pd_catalog_close(PdCatalog *c)
{
    if (c == NULL)
        return;
    g_hash_table_unref(c->statements);
    if (c->checkpointer) {
        sqlite3_wal_hook(c->db, NULL, NULL);
        pd_checkpointer_release(c->checkpointer);
    }
    if (c->db)
        sqlite3_close_v2(c->db);
    if (c->words)
        sqlite3_close_v2(c->words);
    if (c->pg)
        PQfinish(c->pg);
    g_free(c->pg_error);
    g_free(c->url);
    g_free(c->insert_sql);
    g_free(c->update_sql);
    g_free(c->select_sql);
    g_free(c);
}

void
pd_catalog_set_busy_timeout(PdCatalog *c, int milliseconds)
{
    c->busy_ms = milliseconds;
    if (c->pg) {
        g_autofree char *sql = g_strdup_printf("SET lock_timeout = %d", milliseconds);
        pd_catalog_exec(c, sql, NULL);
        return;
    }
    sqlite3_busy_timeout(c->db, milliseconds);
}

int
pd_catalog_schema_version(PdCatalog *c)
{
    if (c->pg)
        return pd_catalog_pg_version(c);
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Transactions.
 *
 * The outer one is BEGIN IMMEDIATE: the write lock is taken before the first read, so
 * that what a change reads is what it writes over. (A deferred transaction that reads
 * and then writes must upgrade its read lock; in WAL mode that fails at once with
 * SQLITE_BUSY when another connection wrote meanwhile, without waiting: the busy
 * handler cannot help, since the snapshot it read is already stale.) BEGIN IMMEDIATE
 * waits for the lock through the busy handler; should it still answer busy (a
 * checkpoint or recovery in another process), it is tried again until the busy timeout
 * has passed, so a writer that is merely busy is waited for, never reported.
 *
 * Inside a transaction, begin opens a savepoint, so that a helper that writes several
 * rows lands whole or not at all within its caller's transaction. */
gboolean
pd_catalog_begin(PdCatalog *c, GError **error)
{
    if (c->depth > 0) {
        g_autofree char *sql = g_strdup_printf("SAVEPOINT pd_%d", c->depth);
        if (!pd_catalog_exec(c, sql, error))
            return FALSE;
        c->depth++;
        return TRUE;
    }
    if (c->pg) {
        /* one writer at a time, as on SQLite: the lock is taken before the first read
         * and waited for up to the busy timeout (lock_timeout) */
        static const char begin[] = "BEGIN; SELECT pg_advisory_xact_lock(" PD_CATALOG_PG_LOCK ")";
        if (PQstatus(c->pg) != CONNECTION_OK)
            pd_catalog_pg_reconnect(c);
        g_autoptr(GError) lost = NULL;
        gboolean ok = pd_catalog_exec(c, begin, &lost);
        /* a connection found lost by BEGIN: nothing was done on it, begin on a new one */
        if (!ok && PQstatus(c->pg) != CONNECTION_OK && pd_catalog_pg_reconnect(c)) {
            g_clear_error(&lost);
            ok = pd_catalog_exec(c, begin, &lost);
        }
        if (!ok) {
            PQclear(PQexec(c->pg, "ROLLBACK"));
            g_propagate_error(error, g_steal_pointer(&lost));
            return FALSE;
        }
        c->depth = 1;
        return TRUE;
    }
    if (c->checkpointer)
        pd_checkpointer_keep_up(c->checkpointer);
    gint64 deadline = g_get_monotonic_time() + (gint64)c->busy_ms * 1000;
    for (int attempt = 0;; attempt++) {
        g_autoptr(GError) busy = NULL;
        if (pd_catalog_exec(c, "BEGIN IMMEDIATE", &busy)) {
            c->depth = 1;
            return TRUE;
        }
        if (!g_error_matches(busy, PD_CATALOG_ERROR, PD_CATALOG_ERROR_BUSY) ||
            g_get_monotonic_time() >= deadline) {
            g_propagate_error(error, g_steal_pointer(&busy));
            return FALSE;
        }
        g_usleep((gulong)MIN(1000 << MIN(attempt, 5), 20000));
    }
}

gboolean
pd_catalog_commit(PdCatalog *c, GError **error)
{
    g_return_val_if_fail(c->depth > 0, FALSE);
    if (c->depth > 1) {
        g_autofree char *sql = g_strdup_printf("RELEASE pd_%d", c->depth - 1);
        if (!pd_catalog_exec(c, sql, error))
            return FALSE;
        c->depth--;
        return TRUE;
    }
    if (!pd_catalog_index_pending(c, error) || !pd_catalog_exec(c, "COMMIT", error))
        return FALSE; /* still open: the caller rolls back */
    c->depth = 0;
    return TRUE;
}

void
pd_catalog_rollback(PdCatalog *c)
{
    if (c->depth > 1) {
        g_autofree char *sql =
            g_strdup_printf("ROLLBACK TO pd_%d; RELEASE pd_%d", c->depth - 1, c->depth - 1);
        pd_catalog_exec(c, sql, NULL);
        c->depth--;
        return;
    }
    if (!pd_catalog_autocommit(c))
        pd_catalog_exec(c, "ROLLBACK", NULL);
    c->depth = 0;
    c->pending = 0;
}

gboolean
pd_catalog_finish(PdCatalog *c, gboolean ok, GError **error)
{
    if (ok && pd_catalog_commit(c, error))
        return TRUE;
    pd_catalog_rollback(c);
    return FALSE;
}

gboolean
pd_catalog_autocommit(PdCatalog *c)
{
    return c->pg ? PQtransactionStatus(c->pg) == PQTRANS_IDLE : sqlite3_get_autocommit(c->db);
}

gboolean
pd_catalog_in_transaction(PdCatalog *c)
{
    return c->depth > 0;
}

/* Sets @error to @code with the message; FALSE. */
gboolean
pd_catalog_refuse(GError **error, PdCatalogError code, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error_literal(error, PD_CATALOG_ERROR, code, msg);
    return FALSE;
}

/* Text a field can hold: UTF-8, at most @max bytes, no control characters but line
 * breaks and tabs where @lines allows them. */
gboolean
pd_catalog_check_text(const char *field, const char *value, gsize max, gboolean lines,
                      GError **error)
{
    if (value == NULL)
        return TRUE;
    if (!g_utf8_validate(value, -1, NULL))
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID, "%s is not UTF-8 text", field);
    gsize n = strlen(value);
    if (n > max)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID,
                                 "%s is %zu bytes long; the most it can be is %zu", field, n, max);
    for (const guchar *p = (const guchar *)value; *p; p++)
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\t' || *p == '\r'))) || *p == 0x7F)
            return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID,
                                     "%s holds a control character (byte 0x%02x)", field, *p);
    return TRUE;
}
