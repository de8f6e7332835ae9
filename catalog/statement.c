/* statement.c: a prepared statement of either backend, behind one interface.
 *
 * The catalog's modules write their SQL once, in the dialect SQLite and PostgreSQL
 * share, with SQLite's numbered parameters (?1, ?2...): on PostgreSQL the text is
 * translated to $1, $2... when it is first prepared. On SQLite a PdStmt is the
 * sqlite3_stmt; on PostgreSQL it is prepared (by name, once per connection) at its
 * first run, with the parameter types its first bindings had (whole numbers bigint,
 * reals double precision, text and NULL left for the server to infer), and run at the
 * first step, which fetches every row; the steps after walk them.
 */
#include "catalog/catalog-private.h"

#include <libpq-fe.h>
#include <string.h>

#define PG_INT8   20
#define PG_TEXT   25
#define PG_FLOAT8 701

struct PdStmt {
    PdCatalog *catalog;
    sqlite3_stmt *lite;
    /* PostgreSQL */
    char *sql;  /* with $N */
    char *name; /* prepared under this name; NULL until the first run */
    int params;
    char **values;
    unsigned int *types;
    PGresult *result;
    int row, rows;
    gboolean reads;  /* a SELECT: run again on a new connection when the old one was lost */
    gboolean replan; /* planned for its parameters at each run, never once for all */
};

/* @sql with ?N (and bare ?, numbered in order) as $N; parameters counted into @params.
 * Quoted text and identifiers are left as they are. */
static char *
to_dollars(const char *sql, int *params, GArray *used)
{
    GString *out = g_string_sized_new(strlen(sql) + 16);
    int next = 1, most = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'' || *p == '"') {
            const char *end = strchr(p + 1, *p);
            if (end == NULL)
                end = p + strlen(p) - 1;
            g_string_append_len(out, p, end - p + 1);
            p = end;
            continue;
        }
        if (*p != '?') {
            g_string_append_c(out, *p);
            continue;
        }
        int n = 0;
        while (g_ascii_isdigit(p[1]))
            n = n * 10 + (*++p - '0');
        if (n == 0)
            n = next;
        next = n + 1;
        most = MAX(most, n);
        if ((guint)n > used->len)
            g_array_set_size(used, (guint)n);
        g_array_index(used, gboolean, n - 1) = TRUE;
        g_string_append_printf(out, "$%d", n);
    }
    *params = most;
    return g_string_free(out, FALSE);
}

PdStmt *
pd_stmt_new(PdCatalog *c, const char *sql, GError **error)
{
    PdStmt *st = g_new0(PdStmt, 1);
    st->catalog = c;
    if (c->pg == NULL) {
        if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->lite, NULL) !=
            SQLITE_OK) {
            pd_catalog_fail(c, error, "preparing a statement");
            g_free(st);
            return NULL;
        }
        return st;
    }
    g_autoptr(GArray) used = g_array_new(FALSE, TRUE, sizeof(gboolean));
    st->sql = to_dollars(sql, &st->params, used);
    st->reads = g_ascii_strncasecmp(sql, "SELECT", 6) == 0;
    st->values = g_new0(char *, st->params + 1);
    st->types = g_new0(unsigned int, st->params + 1);
    /* a parameter the text does not use (a statement using ?3 and ?4 only) needs a
     * type of its own: there is nothing for the server to infer it from */
    for (int i = 0; i < st->params; i++)
        if (!g_array_index(used, gboolean, i))
            st->types[i] = PG_TEXT;
    return st;
}

void
pd_stmt_free(PdStmt *st)
{
    if (st == NULL)
        return;
    if (st->lite)
        sqlite3_finalize(st->lite);
    else
        pd_stmt_reset(st);
    for (int i = 0; i < st->params; i++)
        g_free(st->values[i]);
    if (st->name && st->catalog->pg && PQstatus(st->catalog->pg) == CONNECTION_OK) {
        g_autofree char *sql = g_strdup_printf("DEALLOCATE %s", st->name);
        PQclear(PQexec(st->catalog->pg, sql));
    }
    g_free(st->values);
    g_free(st->types);
    g_free(st->sql);
    g_free(st->name);
    g_free(st);
}

sqlite3_stmt *
pd_stmt_lite(PdStmt *st)
{
    return st->lite;
}

void
pd_stmt_reset(PdStmt *st)
{
    if (st->lite) {
        sqlite3_reset(st->lite);
        return;
    }
    PQclear(st->result);
    st->result = NULL;
    st->row = st->rows = 0;
}

void
pd_stmt_clear(PdStmt *st)
{
    pd_stmt_reset(st);
    if (st->lite) {
        sqlite3_clear_bindings(st->lite);
        return;
    }
    for (int i = 0; i < st->params; i++)
        g_clear_pointer(&st->values[i], g_free);
}

/* The slot of parameter @i (from 1) for a PostgreSQL binding of @type, or NULL. */
static char **
slot(PdStmt *st, int i, unsigned int type)
{
    if (i < 1 || i > st->params)
        return NULL;
    if (st->name == NULL && type && st->types[i - 1] != PG_TEXT)
        st->types[i - 1] = type;
    g_clear_pointer(&st->values[i - 1], g_free);
    return &st->values[i - 1];
}

void
pd_stmt_bind_int64(PdStmt *st, int i, gint64 v)
{
    if (st->lite) {
        sqlite3_bind_int64(st->lite, i, v);
        return;
    }
    char **s = slot(st, i, PG_INT8);
    if (s)
        *s = g_strdup_printf("%" G_GINT64_FORMAT, v);
}

void
pd_stmt_bind_int(PdStmt *st, int i, int v)
{
    pd_stmt_bind_int64(st, i, v);
}

void
pd_stmt_bind_double(PdStmt *st, int i, double v)
{
    if (st->lite) {
        sqlite3_bind_double(st->lite, i, v);
        return;
    }
    char **s = slot(st, i, PG_FLOAT8);
    if (s) {
        char d[G_ASCII_DTOSTR_BUF_SIZE];
        *s = g_strdup(g_ascii_dtostr(d, sizeof d, v));
    }
}

void
pd_stmt_bind_text(PdStmt *st, int i, const char *text)
{
    if (st->lite) {
        if (text)
            sqlite3_bind_text(st->lite, i, text, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st->lite, i);
        return;
    }
    char **s = slot(st, i, 0);
    if (s)
        *s = g_strdup(text);
}

void
pd_stmt_bind_null(PdStmt *st, int i)
{
    pd_stmt_bind_text(st, i, NULL);
}

gboolean
pd_catalog_pg_busy(const char *state)
{
    return state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                     strcmp(state, "55P03") == 0);
}

int
pd_catalog_pg_failed(PdCatalog *c, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : NULL;
    if (msg == NULL || *msg == '\0')
        msg = PQerrorMessage(c->pg);
    g_free(c->pg_error);
    c->pg_error = g_strstrip(g_strdup(msg));
    g_strlcpy(c->pg_state, state ? state : "", sizeof c->pg_state);
    if (state && strcmp(state, "23505") == 0)
        return PD_CONSTRAINT_UNIQUE;
    if (state && g_str_has_prefix(state, "23"))
        return SQLITE_CONSTRAINT;
    return pd_catalog_pg_busy(state) ? SQLITE_BUSY : SQLITE_ERROR;
}

void
pd_stmt_forget(PdStmt *st)
{
    pd_stmt_reset(st);
    g_clear_pointer(&st->name, g_free);
}

static int pg_result(PdStmt *st, PGresult *r);

void
pd_stmt_replan(PdStmt *st)
{
    st->replan = TRUE;
}

/* Prepares @st on the connection when it is not yet, and runs it. */
static int
pg_exec(PdStmt *st)
{
    PdCatalog *c = st->catalog;
    PGresult *r;
    if (st->replan) {
        r = PQexecParams(c->pg, st->sql, st->params, st->types, (const char *const *)st->values,
                         NULL, NULL, 0);
        return pg_result(st, r);
    }
    if (st->name == NULL) {
        char *name = g_strdup_printf("pd_%u", ++c->pg_statements);
        r = PQprepare(c->pg, name, st->sql, st->params, st->types);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            int code = pd_catalog_pg_failed(c, r);
            PQclear(r);
            g_free(name);
            return code;
        }
        PQclear(r);
        st->name = name;
    }
    r = PQexecPrepared(c->pg, st->name, st->params, (const char *const *)st->values, NULL, NULL, 0);
    return pg_result(st, r);
}

/* Takes @r, the answer to @st's run. */
static int
pg_result(PdStmt *st, PGresult *r)
{
    PdCatalog *c = st->catalog;
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
        int code = pd_catalog_pg_failed(c, r);
        PQclear(r);
        return code;
    }
    const char *changed = PQcmdTuples(r);
    c->changes = changed && *changed ? g_ascii_strtoll(changed, NULL, 10) : 0;
    st->result = r;
    st->rows = s == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    st->row = -1;
    return SQLITE_OK;
}

/* A connection lost between transactions (the server restarted, the network dropped)
 * is made again before the statement; a SELECT that found it lost is run once more on
 * the new one. Nothing is tried again inside a transaction (it went with the
 * connection), nor a change (it may have been made before the answer was lost). */
static int
pg_run(PdStmt *st)
{
    PdCatalog *c = st->catalog;
    if (PQstatus(c->pg) != CONNECTION_OK)
        pd_catalog_pg_reconnect(c);
    int r = pg_exec(st);
    if (r != SQLITE_OK && st->reads && c->depth == 0 && PQstatus(c->pg) != CONNECTION_OK &&
        pd_catalog_pg_reconnect(c))
        r = pg_exec(st);
    return r;
}

int
pd_stmt_step(PdStmt *st)
{
    if (st->lite) {
        int r = sqlite3_step(st->lite);
        if (r == SQLITE_CONSTRAINT_UNIQUE || r == SQLITE_CONSTRAINT_PRIMARYKEY)
            return PD_CONSTRAINT_UNIQUE;
        return r;
    }
    if (st->result == NULL) {
        int r = pg_run(st);
        if (r != SQLITE_OK)
            return r;
    }
    if (st->row < st->rows)
        st->row++;
    return st->row < st->rows ? PD_ROW : PD_DONE;
}

/* The value of column @i in the current row, or NULL (PostgreSQL). */
static const char *
pg_value(PdStmt *st, int i)
{
    if (st->result == NULL || st->row < 0 || st->row >= st->rows || i < 0 ||
        i >= PQnfields(st->result) || PQgetisnull(st->result, st->row, i))
        return NULL;
    return PQgetvalue(st->result, st->row, i);
}

gboolean
pd_stmt_null(PdStmt *st, int i)
{
    if (st->lite)
        return sqlite3_column_type(st->lite, i) == SQLITE_NULL;
    return pg_value(st, i) == NULL;
}

gint64
pd_stmt_int64(PdStmt *st, int i)
{
    if (st->lite)
        return sqlite3_column_int64(st->lite, i);
    const char *v = pg_value(st, i);
    if (v == NULL || strcmp(v, "f") == 0)
        return 0;
    if (strcmp(v, "t") == 0)
        return 1;
    return g_ascii_strtoll(v, NULL, 10);
}

int
pd_stmt_int(PdStmt *st, int i)
{
    return (int)pd_stmt_int64(st, i);
}

double
pd_stmt_double(PdStmt *st, int i)
{
    if (st->lite)
        return sqlite3_column_double(st->lite, i);
    const char *v = pg_value(st, i);
    return v ? g_ascii_strtod(v, NULL) : 0.0;
}

const char *
pd_stmt_text(PdStmt *st, int i)
{
    if (st->lite)
        return (const char *)sqlite3_column_text(st->lite, i);
    return pg_value(st, i);
}

gint64
pd_catalog_changes(PdCatalog *c)
{
    return c->pg ? c->changes : sqlite3_changes64(c->db);
}

int
pd_catalog_insert(PdStmt *st, gint64 *id)
{
    int r = pd_stmt_step(st);
    if (r == PD_ROW) {
        *id = pd_stmt_int64(st, 0);
        r = pd_stmt_step(st);
    }
    pd_stmt_reset(st);
    return r;
}
