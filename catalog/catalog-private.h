/* catalog-private.h: what the files of catalog/ share (private to catalog/). */
#pragma once

#include "catalog/catalog.h"

#include <sqlite3.h>

G_BEGIN_DECLS

/* ---------------------------------------------------------------- the connection */

/* Distinct statements a connection keeps prepared: each is a constant text of this
 * module, so a few dozen; past this, a text is being made from data (refused). */
#define PD_CATALOG_STATEMENTS_MAX 256

typedef struct pg_conn PGconn;
typedef struct PdCheckpointer PdCheckpointer;
typedef struct pg_result PGresult;

struct PdCatalog {
    sqlite3 *db;            /* SQLite's connection, or NULL on PostgreSQL */
    PGconn *pg;             /* PostgreSQL's, or NULL on SQLite */
    char *pg_error;         /* PostgreSQL's message for the last statement that failed */
    char pg_state[6];       /* and its SQLSTATE */
    gint64 changes;         /* rows the last statement changed (PostgreSQL) */
    guint pg_statements;    /* statements prepared on the connection, for their names */
    char *url;              /* PostgreSQL's URL */
    sqlite3 *words;         /* on PostgreSQL, an in-memory SQLite with photodesk's tokenizer */
    gboolean listening;     /* LISTEN photodesk_events was said (pd_catalog_wait_for_events()) */
    gint64 pending;         /* photos added in this transaction, not yet in the full-text index */
    GHashTable *statements; /* SQL text (a copy) -> PdStmt *, prepared once */
    char *insert_sql, *update_sql, *select_sql;
    PdCatalogMode mode;
    int depth;                    /* open transactions: 1 the outer one, more its savepoints */
    int busy_ms;                  /* how long to wait for another writer */
    PdCheckpointer *checkpointer; /* a SQLite writer's (checkpointer.c) */
};

/* ---------------------------------------------------------------- the log (checkpointer.c) */

/* The checkpointer of the catalog file at @path (one a file per process, counted), or
 * NULL when it cannot open a connection of its own. */
PdCheckpointer *pd_checkpointer_get(const char *path);
void pd_checkpointer_release(PdCheckpointer *k);
/* From now on @writer's commits are copied by @k rather than by @writer. */
void pd_checkpointer_attach(PdCheckpointer *k, sqlite3 *writer);
/* Before a writer begins: waits for the checkpoint under way when the log is long. */
void pd_checkpointer_keep_up(PdCheckpointer *k);
/* For tests: the log's length past which writers wait (256 MiB). */
void pd_checkpointer_set_log_max(gint64 bytes);

/* ---------------------------------------------------------------- statements (statement.c) */

/* A prepared statement of either backend. Its SQL is written once, in the dialect both
 * share, with SQLite's numbered parameters (?1, ?2...). */
typedef struct PdStmt PdStmt;

/* What pd_stmt_step() gives: a row, the end, a unique key taken, or another error
 * (SQLite's codes; PostgreSQL's errors are mapped onto them). */
#define PD_ROW               SQLITE_ROW
#define PD_DONE              SQLITE_DONE
#define PD_CONSTRAINT_UNIQUE SQLITE_CONSTRAINT_UNIQUE

/* A statement of its own (pd_stmt_free() it), for a text made once at run time; the
 * module's constant texts go through pd_catalog_statement(). */
PdStmt *pd_stmt_new(PdCatalog *catalog, const char *sql, GError **error);
void pd_stmt_free(PdStmt *st);
/* Back to before the first step, the bindings kept; pd_stmt_clear() drops them too. */
void pd_stmt_reset(PdStmt *st);
void pd_stmt_clear(PdStmt *st);
/* Parameter @i, from 1; text may be NULL (SQL's NULL). */
void pd_stmt_bind_int64(PdStmt *st, int i, gint64 v);
void pd_stmt_bind_int(PdStmt *st, int i, int v);
void pd_stmt_bind_double(PdStmt *st, int i, double v);
void pd_stmt_bind_text(PdStmt *st, int i, const char *text);
void pd_stmt_bind_null(PdStmt *st, int i);
int pd_stmt_step(PdStmt *st);
/* Column @i of the current row (from 0); text is valid until the next step or reset. */
gboolean pd_stmt_null(PdStmt *st, int i);
gint64 pd_stmt_int64(PdStmt *st, int i);
int pd_stmt_int(PdStmt *st, int i);
double pd_stmt_double(PdStmt *st, int i);
const char *pd_stmt_text(PdStmt *st, int i);
/* On PostgreSQL, @st is planned for its parameters each time it runs rather than once
 * for any (a search: how many photos a word is in decides the plan). */
void pd_stmt_replan(PdStmt *st);
/* SQLite's statement, or NULL on PostgreSQL. */
sqlite3_stmt *pd_stmt_lite(PdStmt *st);
/* Rows the last statement run changed. */
gint64 pd_catalog_changes(PdCatalog *catalog);
/* Runs @st, an INSERT ... RETURNING id, to its end: its result code (PD_DONE when the
 * row is in), the new row's id in *@id. */
int pd_catalog_insert(PdStmt *st, gint64 *id);
/* Whether no transaction of any kind is open on the connection. */
gboolean pd_catalog_autocommit(PdCatalog *catalog);
/* A LIMIT that is none, on both (PostgreSQL refuses SQLite's -1). */
#define PD_ALL_ROWS G_MAXINT64
/* Whether @catalog is on PostgreSQL. */
#define pd_catalog_on_pg(catalog) ((catalog)->pg != NULL)

/* Runs @sql (several statements may be given), unprepared: for transactions, pragmas
 * and the schema. BUSY errors say another photodesk is writing. */
gboolean pd_catalog_exec(PdCatalog *catalog, const char *sql, GError **error);

/* ---------------------------------------------------------------- PostgreSQL (pg.c) */

/* What a catalog following events listens to (pd_catalog_wait_for_events()). */
#define PD_CATALOG_LISTEN "LISTEN photodesk_events; LISTEN photodesk_sessions"
/* The advisory lock a PostgreSQL write transaction holds: one writer at a time. */
#define PD_CATALOG_PG_LOCK "7306214"
/* Records PostgreSQL's answer @r, an error, on @catalog (pg_error, pg_state); the result
 * code a step gives for it (PD_CONSTRAINT_UNIQUE, SQLITE_BUSY...). */
int pd_catalog_pg_failed(PdCatalog *catalog, PGresult *r);
/* Whether SQLSTATE @state says another writer was in the way (a serialization failure,
 * a deadlock, the lock not had in time). */
gboolean pd_catalog_pg_busy(const char *state);
/* Connects again when the connection was lost outside a transaction; TRUE when it did. */
gboolean pd_catalog_pg_reconnect(PdCatalog *catalog);
/* Forgets the statement was prepared (on a connection that is gone). */
void pd_stmt_forget(PdStmt *st);
/* Makes PostgreSQL's schema when the database has none; FALSE unless it then stands at
 * the newest version. */
gboolean pd_catalog_pg_schema(PdCatalog *catalog, GError **error);
int pd_catalog_pg_version(PdCatalog *catalog);
/* @url with its password (if any) replaced by "***", for messages. */
char *pd_catalog_url_without_password(const char *url);

/* ---------------------------------------------------------------- the schema (schema.c) */

/* The number of migrations there are: the newest schema version. */
int pd_catalog_newest_schema(void);
/* Brings @catalog's schema up to version @want, a migration a transaction. */
gboolean pd_catalog_migrate(PdCatalog *catalog, int want, GError **error);

/* ---------------------------------------------------------------- photos (photos.c) */

/* Makes the catalog's INSERT, UPDATE and SELECT of a photo from the columns list. */
void pd_catalog_photo_sql(PdCatalog *catalog);
/* The date key (below) of the next photo taken on @iso, whose id is @id. */
gboolean pd_catalog_next_date_key(PdCatalog *catalog, const char *iso, gint64 id, gint64 *key,
                                  GError **error);
/* Puts the photos added in this transaction into the full-text index (before commit). */
gboolean pd_catalog_index_pending(PdCatalog *catalog, GError **error);

/* Opens (creating) the catalog at @path with its schema brought up to version @schema
 * only, not to the newest: for the tests of migrations, which fill a catalog as an
 * earlier photodesk left it and open it again with pd_catalog_open(). Only the
 * connection (pd_catalog_db()) is for use: the rest of the API speaks the newest schema. */
PdCatalog *pd_catalog_open_schema(const char *path, int schema, GError **error);

/* Registers the "photodesk" FTS5 tokenizer on @db; every connection needs it before it
 * touches the full-text index. */
gboolean pd_catalog_register_functions(sqlite3 *db, GError **error);

/* Days since 1800-01-01, plus one (0: no date), of the local date in the ISO 8601 @iso
 * (YYYY, YYYY-MM, YYYY-MM-DD, with or without a time; an offset is ignored: the
 * photographer's local day counts). With @end_of_period, the first day after the year,
 * month or day @iso names. */
gint64 pd_catalog_date_day(const char *iso, gboolean end_of_period);

/* The full-text index's rowid, the date key: a dated photo's is its local day shifted
 * left by PD_DAY_SHIFT, plus its place in the order of arrival that day; an undated
 * photo's is minus its id, below every dated one. Search reads the index newest day
 * first and puts each day's photos in the order they were taken (search.c). */
#define PD_DAY_SHIFT 20

/* The connection of @catalog, and its prepared statement for @sql (prepared once, reset,
 * bindings cleared; NULL with @error when it cannot be prepared). */
sqlite3 *pd_catalog_db(PdCatalog *catalog);
PdStmt *pd_catalog_statement(PdCatalog *catalog, const char *sql, GError **error);
/* Sets @error from the connection's last error ("catalog: @what: ..."); FALSE. */
gboolean pd_catalog_fail(PdCatalog *catalog, GError **error, const char *what);
/* Column @i of @st's row as a new string, or NULL. */
char *pd_catalog_text(PdStmt *st, int i);
/* Runs @st, bound by the caller, to its end and resets it; FALSE with @error ("catalog:
 * @what: ...") when it fails. */
/* The ids a statement's first column gives (its rows read to the end), or NULL with
 * @error naming @what. */
GArray *pd_catalog_ids_of(PdCatalog *catalog, PdStmt *st, const char *what, GError **error);
/* The photos of the first @max @ids, whole rows, in that order. */
GPtrArray *pd_catalog_photos_of(PdCatalog *catalog, GArray *ids, guint max, GError **error);
gboolean pd_catalog_run(PdCatalog *catalog, PdStmt *st, const char *what, GError **error);
/* Sets @error to @code with the message; FALSE. */
gboolean pd_catalog_refuse(GError **error, PdCatalogError code, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
/* Text a field can hold: UTF-8, at most @max bytes, no control characters but line
 * breaks and tabs where @lines allows them (PD_CATALOG_ERROR_INVALID naming @field). */
gboolean pd_catalog_check_text(const char *field, const char *value, gsize max, gboolean lines,
                               GError **error);
/* Now, UTC, ISO 8601 with milliseconds: "2026-11-28T06:14:37.751Z". */
char *pd_catalog_now(void);

/* Every row @st gives (bound by the caller), each read by @read; NULL naming @what. */
typedef gpointer (*PdCatalogReadRow)(PdStmt *st);
GPtrArray *pd_catalog_rows_of(PdCatalog *catalog, PdStmt *st, PdCatalogReadRow read,
                              GDestroyNotify free_row, const char *what, GError **error);

/* The FTS5 API of @db's SQLite, or NULL. */
fts5_api *pd_catalog_fts5_api(sqlite3 *db);
/* An instance of photodesk's tokenizer, registered on @db (xDelete it through @api). */
gboolean pd_catalog_tokenizer(sqlite3 *db, fts5_tokenizer *api, Fts5Tokenizer **instance,
                              GError **error);
/* The connection photodesk's tokenizer is registered on: the catalog's own on SQLite, an
 * in-memory one beside PostgreSQL. */
#define pd_catalog_words_db(catalog) ((catalog)->words ? (catalog)->words : (catalog)->db)

/* ---------------------------------------------------------------- queries (query.c) */

/* The full-text index's columns: caption, headline, object_name, byline, credit, source,
 * city, country, keywords, credit_line; a set of them as bits. */
#define PD_QUERY_COLUMNS     10
#define PD_QUERY_ALL_COLUMNS 0x3FFu
#define PD_QUERY_COLUMN(i)   (1u << (i))
/* Column @i's name in the photos table. */
const char *pd_query_column_name(int i);

/* A search's words and filters: the FTS5 expression that finds the candidates, and the
 * check that decides, for queries with phrases, which candidates match. */
typedef struct PdQuery PdQuery;

PdQuery *pd_query_new(sqlite3 *db, GError **error);
void pd_query_free(PdQuery *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdQuery, pd_query_free)

/* What an editor typed (see query.c for the grammar); FALSE with PD_CATALOG_ERROR_QUERY
 * past PD_CATALOG_MAX_TERMS words. */
gboolean pd_query_add_words(PdQuery *query, const char *typed, GError **error);
/* A filter: @value as a phrase within @columns. */
gboolean pd_query_add_phrase(PdQuery *query, guint columns, const char *value, GError **error);
/* TRUE when a filter has nothing searchable in it, so nothing can match. */
gboolean pd_query_impossible(const PdQuery *query);

/* The FTS5 expression the matches must satisfy, and the one none may (NULL: none). */
char *pd_query_expression(const PdQuery *query);
char *pd_query_excluded(const PdQuery *query);
/* On PostgreSQL, the whole query as tsquery text (phrases and exclusions in it), or NULL
 * when it has no term. */
char *pd_query_tsquery(const PdQuery *query);
/* The same query coarser, for the index to find the candidates fast: each term's words
 * in any order and any column, a prefix by the lexeme of its first three letters; no
 * exclusion. NULL when nothing is to be found (browsing). */
char *pd_query_tsquery_coarse(const PdQuery *query);
/* Whether matching the expressions is not enough: pd_check() must confirm each. */
gboolean pd_query_needs_check(const PdQuery *query);
/* Whether the row with these column values (PD_QUERY_COLUMNS of them) matches. */
gboolean pd_query_check(PdQuery *query, sqlite3_value **columns);

/* @caption with the words the query matched between PD_SNIPPET_OPEN and
 * PD_SNIPPET_CLOSE, cut to the @words words around most of them (with an ellipsis where
 * cut); NULL when @caption is. */
#define PD_SNIPPET_WORDS 24
char *pd_query_snippet(PdQuery *query, const char *caption, int words);

/* The SQL function pd_check(QUERY, caption, ..., credit_line): QUERY is a PdQuery bound
 * with sqlite3_bind_pointer(..., PD_QUERY_POINTER, NULL). */
#define PD_QUERY_POINTER "photodesk-query"
void pd_query_check_function(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* On PostgreSQL: the full-text index of a photo, as tsvector text (search-pg.c): every
 * token of its ten indexed columns at its place, column i's from i * PD_WORDS_COLUMN_ROOM
 * + 1, and those of the columns filters look in (PD_WORDS_FILTERED) also as
 * "#i.token". NULL with @error when the tokenizer cannot be had. */
#define PD_WORDS_COLUMN_ROOM   1638
#define PD_WORDS_COLUMN_FORMAT "#%d."
/* and every token's first PD_WORDS_PREFIX letters once more, marked, without places:
 * the lexeme a prefix's candidates are found by (as FTS5's prefix index) */
#define PD_WORDS_PREFIX 3
/* PostgreSQL keeps a lexeme under 2 KiB: longer words are cut to this many bytes (at a
 * character) in the index and in queries alike. */
#define PD_WORDS_LEXEME_MAX 2000
gsize pd_words_clip(const char *word, gsize n);
#define PD_WORDS_PREFIX_MARK "^"
#define PD_WORDS_FILTERED                                                                          \
    (PD_QUERY_COLUMN(3) | PD_QUERY_COLUMN(4) | PD_QUERY_COLUMN(5) | PD_QUERY_COLUMN(6) |           \
     PD_QUERY_COLUMN(7) | PD_QUERY_COLUMN(9))
char *pd_catalog_pg_words(PdCatalog *catalog, const PdCatalogPhoto *photo, GError **error);
/* The same of the ten columns' text (NULL where empty), cut by the tokenizer on @db. */
char *pd_catalog_words_of(sqlite3 *db, const char *const text[PD_QUERY_COLUMNS], GError **error);

G_END_DECLS
