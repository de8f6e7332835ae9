/* catalog.c: the SQLite catalog.
 *
 * Every column of the photos table is listed once, in `columns` below; the INSERT,
 * UPDATE and SELECT statements are made from that list when the catalog opens (from
 * the list, never from data: values are always bound), and so is the field-by-field
 * comparison that records a new version.
 *
 * Durability: WAL with synchronous=FULL, so a committed photo survives a power cut,
 * not just a crashed process; ingest commits in batches to keep that cheap.
 */
#include "catalog/catalog-private.h"

#include <stddef.h>
#include <string.h>

G_DEFINE_QUARK(pd_catalog_error, pd_catalog_error)

/* ---------------------------------------------------------------- schema */

static const char *const migrations[] = {
    /* 1: photos, their keywords, originals, renditions, versions, full-text index */
    "CREATE TABLE photos ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL, image_sha256 TEXT,"
    "  format TEXT NOT NULL, ext TEXT NOT NULL, bytes INTEGER NOT NULL,"
    "  width INTEGER, height INTEGER, orientation INTEGER,"
    "  caption TEXT, headline TEXT, byline TEXT, credit TEXT, source TEXT, copyright TEXT,"
    "  date_created TEXT, date_created_utc TEXT, date_created_local TEXT,"
    "  city TEXT, province TEXT, country TEXT, keywords TEXT,"
    "  special_instructions TEXT, transmission_reference TEXT, object_name TEXT, writer TEXT,"
    "  make TEXT, model TEXT, gps_lat REAL, gps_lon REAL,"
    "  caption_body TEXT, photographer TEXT, agency TEXT, distributor TEXT, credit_line TEXT,"
    "  pool INTEGER NOT NULL DEFAULT 0, handout INTEGER NOT NULL DEFAULT 0,"
    "  file_photo INTEGER NOT NULL DEFAULT 0,"
    "  restrictions TEXT, editorial_only INTEGER NOT NULL DEFAULT 0,"
    "  kill INTEGER NOT NULL DEFAULT 0, embargo_until TEXT,"
    "  slug TEXT, top_pick INTEGER NOT NULL DEFAULT 0,"
    "  checks TEXT, warnings TEXT, damaged INTEGER NOT NULL DEFAULT 0,"
    "  dhash INTEGER,"
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  ingested_at TEXT NOT NULL, updated_at TEXT NOT NULL"
    ");"
    "CREATE UNIQUE INDEX photos_sha256 ON photos(sha256);"
    "CREATE INDEX photos_image ON photos(image_sha256) WHERE image_sha256 IS NOT NULL;"
    "CREATE INDEX photos_transmission ON photos(source, transmission_reference)"
    "  WHERE transmission_reference IS NOT NULL;"
    "CREATE INDEX photos_local_date ON photos(date_created_local);"
    "CREATE INDEX photos_ingested ON photos(ingested_at);"
    "CREATE TABLE photo_keywords ("
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL, keyword TEXT NOT NULL,"
    "  PRIMARY KEY (photo_id, position)) WITHOUT ROWID;"
    "CREATE INDEX photo_keywords_keyword ON photo_keywords(keyword);"
    "CREATE TABLE originals ("
    "  sha256 TEXT PRIMARY KEY,"
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  ext TEXT NOT NULL, bytes INTEGER NOT NULL, received_at TEXT NOT NULL, file TEXT"
    ") WITHOUT ROWID;"
    "CREATE INDEX originals_photo ON originals(photo_id);"
    "CREATE TABLE renditions ("
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, sha256 TEXT NOT NULL,"
    "  width INTEGER NOT NULL, height INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    "  PRIMARY KEY (photo_id, name)) WITHOUT ROWID;"
    "CREATE TABLE versions ("
    "  id INTEGER PRIMARY KEY,"
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  version INTEGER NOT NULL, at TEXT NOT NULL,"
    "  by_user TEXT, by_ingest TEXT, original_sha256 TEXT,"
    "  UNIQUE (photo_id, version));"
    "CREATE TABLE version_changes ("
    "  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,"
    "  field TEXT NOT NULL, old_value TEXT, new_value TEXT,"
    "  UNIQUE (version_id, field));"
    /* The index reads its text from photos (external content); the triggers keep it in
     * step in the same transaction as every change to a photo. */
    "CREATE VIRTUAL TABLE photos_fts USING fts5("
    "  caption, headline, object_name, byline, credit, source, city, country, keywords,"
    "  content='photos', content_rowid='id',"
    "  tokenize='porter unicode61 remove_diacritics 2');"
    "CREATE TRIGGER photos_fts_insert AFTER INSERT ON photos BEGIN"
    "  INSERT INTO photos_fts(rowid, caption, headline, object_name, byline, credit, source,"
    "    city, country, keywords)"
    "  VALUES (new.id, new.caption, new.headline, new.object_name, new.byline, new.credit,"
    "    new.source, new.city, new.country, new.keywords);"
    "END;"
    "CREATE TRIGGER photos_fts_delete AFTER DELETE ON photos BEGIN"
    "  INSERT INTO photos_fts(photos_fts, rowid, caption, headline, object_name, byline,"
    "    credit, source, city, country, keywords)"
    "  VALUES ('delete', old.id, old.caption, old.headline, old.object_name, old.byline,"
    "    old.credit, old.source, old.city, old.country, old.keywords);"
    "END;"
    "CREATE TRIGGER photos_fts_update AFTER UPDATE OF caption, headline, object_name, byline,"
    "  credit, source, city, country, keywords ON photos BEGIN"
    "  INSERT INTO photos_fts(photos_fts, rowid, caption, headline, object_name, byline,"
    "    credit, source, city, country, keywords)"
    "  VALUES ('delete', old.id, old.caption, old.headline, old.object_name, old.byline,"
    "    old.credit, old.source, old.city, old.country, old.keywords);"
    "  INSERT INTO photos_fts(rowid, caption, headline, object_name, byline, credit, source,"
    "    city, country, keywords)"
    "  VALUES (new.id, new.caption, new.headline, new.object_name, new.byline, new.credit,"
    "    new.source, new.city, new.country, new.keywords);"
    "END;",

    /* 2: the index ordered by date created (the date key, catalog-private.h), with the
     * parsed credit, the photodesk tokenizer (folds Ł, Ø, ß...) and a prefix index for
     * search as you type; it keeps the columns a word is in, not its positions (a third
     * of the size: query.c checks phrases), and merges its segments 8 at a time rather
     * than 4 (less merging while the wire pours in). Indexes the date key replaces go. */
    "DROP TRIGGER photos_fts_insert;"
    "DROP TRIGGER photos_fts_delete;"
    "DROP TRIGGER photos_fts_update;"
    "DROP TABLE photos_fts;"
    "DROP INDEX photos_local_date;" /* the date key does their work */
    "DROP INDEX photos_ingested;"
    "DROP INDEX photo_keywords_keyword;" /* keywords are found through the index */
    "ALTER TABLE photos ADD COLUMN date_key INTEGER;"
    "UPDATE photos SET date_key = -id;"
    "CREATE UNIQUE INDEX photos_date_key ON photos(date_key);",

    /* 3: the editors who log in to the web UI, and their sessions (tokens and CSRF
     * tokens stored hashed: a copy of the catalog opens no session) */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),"
    "  password_hash TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, password_changed_at TEXT NOT NULL);"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf_hash TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, expires_at TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expiry ON sessions(expires_at);",

    /* 4: articles, and the photos placed in them with their own caption and credit line
     * for that use (articles.c) */
    "CREATE TABLE articles ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  headline TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),"
    "  created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX articles_updated ON articles(updated_at);"
    "CREATE TABLE placements ("
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  photo_id INTEGER NOT NULL REFERENCES photos(id),"
    "  position INTEGER NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('lead', 'inline', 'gallery')),"
    "  caption TEXT NOT NULL, credit_line TEXT NOT NULL,"
    "  placed_by TEXT NOT NULL, placed_at TEXT NOT NULL,"
    "  seen_version INTEGER NOT NULL,"
    "  PRIMARY KEY (article_id, photo_id)) WITHOUT ROWID;"
    "CREATE INDEX placements_photo ON placements(photo_id);",

    /* 5: pictures and people's edits in a shared catalog.
     * - Every rendition set a photo has had, by the original it was made from, so that a
     *   re-send that changes the picture keeps the old one for its history; the photo's
     *   `picture` names the set it shows, each version the one it showed.
     * - A change from the wire records the editor whose correction it overwrote, and the
     *   version who acknowledged that.
     * - Placements and articles count their own versions (optimistic concurrency), and a
     *   placement records the picture it was placed (or last acknowledged) with. */
    "CREATE TABLE renditions_5 ("
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, sha256 TEXT NOT NULL,"
    "  width INTEGER NOT NULL, height INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    "  PRIMARY KEY (photo_id, sha256, name)) WITHOUT ROWID;"
    "INSERT INTO renditions_5 (photo_id, name, sha256, width, height, bytes)"
    "  SELECT photo_id, name, sha256, width, height, bytes FROM renditions;"
    "DROP TABLE renditions;"
    "ALTER TABLE renditions_5 RENAME TO renditions;"
    "CREATE INDEX renditions_sha256 ON renditions(sha256);"
    "ALTER TABLE photos ADD COLUMN picture TEXT;"
    "UPDATE photos SET picture = (SELECT min(r.sha256) FROM renditions r"
    "  WHERE r.photo_id = photos.id AND r.name = 'thumb');"
    "ALTER TABLE versions ADD COLUMN picture TEXT;"
    "ALTER TABLE versions ADD COLUMN picture_changed INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE versions ADD COLUMN seen_by TEXT;"
    "ALTER TABLE versions ADD COLUMN seen_at TEXT;"
    "UPDATE versions SET picture = (SELECT picture FROM photos WHERE id = versions.photo_id);"
    "ALTER TABLE version_changes ADD COLUMN editor TEXT;"
    "ALTER TABLE placements ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE placements ADD COLUMN picture TEXT;"
    "UPDATE placements SET picture = (SELECT picture FROM photos WHERE id = placements.photo_id);"
    "ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;",
};

/* What a migration does after its SQL, in C; then the rest of its SQL. */
static gboolean assign_date_keys(PdCatalog *c, GError **error);

static const struct {
    gboolean (*step)(PdCatalog *c, GError **error);
    const char *sql;
} migration_ends[G_N_ELEMENTS(migrations)] = {
    [1] =
        {assign_date_keys,
         "CREATE VIRTUAL TABLE photos_fts USING fts5("
         "  caption, headline, object_name, byline, credit, source, city, country, keywords,"
         "  credit_line,"
         "  content='photos', content_rowid='date_key', prefix='3', detail=column, columnsize=0,"
         "  tokenize='photodesk');"
         "INSERT INTO photos_fts(photos_fts) VALUES ('rebuild');"
         "INSERT INTO photos_fts(photos_fts, rank) VALUES ('automerge', 8);"
         /* New photos are indexed by the catalog in one statement per transaction (see
          * flush_pending()); changes and deletions by these triggers. */
         "CREATE TRIGGER photos_fts_delete AFTER DELETE ON photos BEGIN"
         "  INSERT INTO photos_fts(photos_fts, rowid, caption, headline, object_name, byline,"
         "    credit, source, city, country, keywords, credit_line)"
         "  VALUES ('delete', old.date_key, old.caption, old.headline, old.object_name,"
         "    old.byline, old.credit, old.source, old.city, old.country, old.keywords,"
         "    old.credit_line);"
         "END;"
         "CREATE TRIGGER photos_fts_update AFTER UPDATE OF caption, headline, object_name, byline,"
         "  credit, source, city, country, keywords, credit_line, date_key ON photos BEGIN"
         "  INSERT INTO photos_fts(photos_fts, rowid, caption, headline, object_name, byline,"
         "    credit, source, city, country, keywords, credit_line)"
         "  VALUES ('delete', old.date_key, old.caption, old.headline, old.object_name,"
         "    old.byline, old.credit, old.source, old.city, old.country, old.keywords,"
         "    old.credit_line);"
         "  INSERT INTO photos_fts(rowid, caption, headline, object_name, byline, credit, source,"
         "    city, country, keywords, credit_line)"
         "  VALUES (new.date_key, new.caption, new.headline, new.object_name, new.byline,"
         "    new.credit, new.source, new.city, new.country, new.keywords, new.credit_line);"
         "END;"},
};

typedef enum {
    COL_TEXT,
    COL_INT,
    COL_INT64,
    COL_BOOL,
    COL_LAT, /* REAL, NULL unless has_gps */
    COL_LON,
    COL_DHASH,    /* INTEGER, NULL unless has_dhash */
    COL_KEYWORDS, /* TEXT: the keywords one a line (for the index and for diffs) */
} ColType;

typedef struct {
    const char *name;
    ColType type;
    gsize offset;
    gboolean versioned; /* a field an editor sees: changes to it make a new version */
} Column;

#define OFF(f) offsetof(PdCatalogPhoto, f)

static const Column columns[] = {
    {"sha256", COL_TEXT, OFF(sha256), FALSE},
    {"image_sha256", COL_TEXT, OFF(image_sha256), FALSE},
    {"format", COL_TEXT, OFF(format), FALSE},
    {"ext", COL_TEXT, OFF(ext), FALSE},
    {"bytes", COL_INT64, OFF(bytes), FALSE},
    {"width", COL_INT, OFF(width), FALSE},
    {"height", COL_INT, OFF(height), FALSE},
    {"orientation", COL_INT, OFF(orientation), FALSE},
    {"caption", COL_TEXT, OFF(caption), TRUE},
    {"headline", COL_TEXT, OFF(headline), TRUE},
    {"byline", COL_TEXT, OFF(byline), TRUE},
    {"credit", COL_TEXT, OFF(credit), TRUE},
    {"source", COL_TEXT, OFF(source), TRUE},
    {"copyright", COL_TEXT, OFF(copyright), TRUE},
    {"date_created", COL_TEXT, OFF(date_created), TRUE},
    {"date_created_utc", COL_TEXT, OFF(date_created_utc), FALSE},
    {"date_created_local", COL_TEXT, OFF(date_created_local), FALSE},
    {"city", COL_TEXT, OFF(city), TRUE},
    {"province", COL_TEXT, OFF(province), TRUE},
    {"country", COL_TEXT, OFF(country), TRUE},
    {"keywords", COL_KEYWORDS, OFF(keywords), TRUE},
    {"special_instructions", COL_TEXT, OFF(special_instructions), TRUE},
    {"transmission_reference", COL_TEXT, OFF(transmission_reference), TRUE},
    {"object_name", COL_TEXT, OFF(object_name), TRUE},
    {"writer", COL_TEXT, OFF(writer), TRUE},
    {"make", COL_TEXT, OFF(make), FALSE},
    {"model", COL_TEXT, OFF(model), FALSE},
    {"gps_lat", COL_LAT, OFF(gps_lat), FALSE},
    {"gps_lon", COL_LON, OFF(gps_lon), FALSE},
    {"caption_body", COL_TEXT, OFF(caption_body), FALSE},
    {"photographer", COL_TEXT, OFF(photographer), FALSE},
    {"agency", COL_TEXT, OFF(agency), FALSE},
    {"distributor", COL_TEXT, OFF(distributor), FALSE},
    {"credit_line", COL_TEXT, OFF(credit_line), FALSE},
    {"pool", COL_BOOL, OFF(pool), FALSE},
    {"handout", COL_BOOL, OFF(handout), FALSE},
    {"file_photo", COL_BOOL, OFF(file_photo), FALSE},
    {"restrictions", COL_TEXT, OFF(restrictions), FALSE},
    {"editorial_only", COL_BOOL, OFF(editorial_only), FALSE},
    {"kill", COL_BOOL, OFF(kill), FALSE},
    {"embargo_until", COL_TEXT, OFF(embargo_until), FALSE},
    {"slug", COL_TEXT, OFF(slug), FALSE},
    {"top_pick", COL_BOOL, OFF(top_pick), FALSE},
    {"checks", COL_TEXT, OFF(checks), FALSE},
    {"warnings", COL_TEXT, OFF(warnings), FALSE},
    {"damaged", COL_BOOL, OFF(damaged), FALSE},
    {"dhash", COL_DHASH, OFF(dhash), FALSE},
    {"picture", COL_TEXT, OFF(picture), FALSE},
};

struct PdCatalog {
    sqlite3 *db;
    gint64 pending;         /* photos added in this transaction, not yet in the full-text index */
    GHashTable *statements; /* SQL text -> sqlite3_stmt *, prepared once */
    char *insert_sql, *update_sql, *select_sql;
    PdCatalogMode mode;
    int depth;   /* open transactions: 1 the outer one, more its savepoints */
    int busy_ms; /* how long to wait for another writer */
};

/* ---------------------------------------------------------------- errors and statements */

static gboolean
fail(PdCatalog *c, GError **error, const char *what)
{
    int code = sqlite3_extended_errcode(c->db);
    PdCatalogError e = (code & 0xFF) == SQLITE_BUSY || (code & 0xFF) == SQLITE_LOCKED
                           ? PD_CATALOG_ERROR_BUSY
                           : PD_CATALOG_ERROR_FAILED;
    g_set_error(error, PD_CATALOG_ERROR, e, "catalog: %s: %s", what, sqlite3_errmsg(c->db));
    return FALSE;
}

static void
finalize_statement(gpointer p)
{
    sqlite3_finalize(p);
}

/* The prepared statement for @sql, reset and with its bindings cleared. */
static sqlite3_stmt *
statement(PdCatalog *c, const char *sql, GError **error)
{
    sqlite3_stmt *st = g_hash_table_lookup(c->statements, sql);
    if (st == NULL) {
        if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
            fail(c, error, "preparing a statement");
            return NULL;
        }
        g_hash_table_insert(c->statements, (gpointer)sql, st);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

sqlite3 *
pd_catalog_db(PdCatalog *c)
{
    return c->db;
}

sqlite3_stmt *
pd_catalog_statement(PdCatalog *c, const char *sql, GError **error)
{
    return statement(c, sql, error);
}

gboolean
pd_catalog_fail(PdCatalog *c, GError **error, const char *what)
{
    return fail(c, error, what);
}

static gboolean
exec(PdCatalog *c, const char *sql, GError **error)
{
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

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

char *
pd_catalog_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? g_strdup((const char *)t) : NULL;
}

gboolean
pd_catalog_run(PdCatalog *c, sqlite3_stmt *st, const char *what, GError **error)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE || fail(c, error, what);
}

char *
pd_catalog_now(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *base = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    return g_strdup_printf("%s.%03dZ", base, g_date_time_get_microsecond(now) / 1000);
}

/* ---------------------------------------------------------------- photos */

PdCatalogPhoto *
pd_catalog_photo_new(void)
{
    PdCatalogPhoto *p = g_new0(PdCatalogPhoto, 1);
    p->keywords = g_ptr_array_new_with_free_func(g_free);
    return p;
}

void
pd_catalog_photo_free(PdCatalogPhoto *p)
{
    if (p == NULL)
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++)
        if (columns[i].type == COL_TEXT)
            g_free(G_STRUCT_MEMBER(char *, p, columns[i].offset));
    g_ptr_array_unref(p->keywords);
    g_free(p->ingested_at);
    g_free(p->updated_at);
    g_free(p);
}

void
pd_catalog_rendition_free(PdCatalogRendition *r)
{
    if (r == NULL)
        return;
    g_free(r->name);
    g_free(r->sha256);
    g_free(r);
}

static void
change_free(gpointer p)
{
    PdCatalogChange *c = p;
    g_free(c->field);
    g_free(c->from);
    g_free(c->to);
    g_free(c->editor);
    g_free(c);
}

void
pd_catalog_version_free(PdCatalogVersion *v)
{
    if (v == NULL)
        return;
    g_free(v->at);
    g_free(v->by_user);
    g_free(v->by_ingest);
    g_free(v->original);
    g_free(v->picture);
    g_free(v->seen_by);
    g_free(v->seen_at);
    g_ptr_array_unref(v->changes);
    g_free(v);
}

static char *
keywords_text(const PdCatalogPhoto *p)
{
    if (p->keywords->len == 0)
        return NULL;
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < p->keywords->len; i++)
        g_string_append_printf(s, "%s%s", i ? "\n" : "", (char *)g_ptr_array_index(p->keywords, i));
    return g_string_free(s, FALSE);
}

/* A column's value as text, for comparing versions; newly allocated or NULL. */
static char *
value_text(const PdCatalogPhoto *p, const Column *col)
{
    switch (col->type) {
    case COL_TEXT:
        return g_strdup(G_STRUCT_MEMBER(char *, p, col->offset));
    case COL_KEYWORDS:
        return keywords_text(p);
    default:
        return NULL;
    }
}

static void
bind_columns(sqlite3_stmt *st, const PdCatalogPhoto *p)
{
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        const Column *col = &columns[i];
        int k = (int)i + 1;
        switch (col->type) {
        case COL_TEXT:
            bind_text(st, k, G_STRUCT_MEMBER(char *, p, col->offset));
            break;
        case COL_KEYWORDS: {
            char *t = keywords_text(p);
            bind_text(st, k, t);
            g_free(t);
            break;
        }
        case COL_INT: {
            int v = G_STRUCT_MEMBER(int, p, col->offset);
            if (v)
                sqlite3_bind_int(st, k, v);
            else
                sqlite3_bind_null(st, k);
            break;
        }
        case COL_INT64:
            sqlite3_bind_int64(st, k, G_STRUCT_MEMBER(gint64, p, col->offset));
            break;
        case COL_BOOL:
            sqlite3_bind_int(st, k, G_STRUCT_MEMBER(gboolean, p, col->offset) ? 1 : 0);
            break;
        case COL_LAT:
        case COL_LON:
            if (p->has_gps)
                sqlite3_bind_double(st, k, G_STRUCT_MEMBER(double, p, col->offset));
            else
                sqlite3_bind_null(st, k);
            break;
        case COL_DHASH:
            if (p->has_dhash)
                sqlite3_bind_int64(st, k, (sqlite3_int64)p->dhash);
            else
                sqlite3_bind_null(st, k);
            break;
        }
    }
}

static void
read_columns(sqlite3_stmt *st, PdCatalogPhoto *p)
{
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        const Column *col = &columns[i];
        int k = (int)i;
        gboolean null = sqlite3_column_type(st, k) == SQLITE_NULL;
        switch (col->type) {
        case COL_TEXT:
            G_STRUCT_MEMBER(char *, p, col->offset) = pd_catalog_text(st, k);
            break;
        case COL_KEYWORDS:
            if (!null) {
                g_auto(GStrv) parts =
                    g_strsplit((const char *)sqlite3_column_text(st, k), "\n", -1);
                for (int j = 0; parts[j]; j++)
                    g_ptr_array_add(p->keywords, g_strdup(parts[j]));
            }
            break;
        case COL_INT:
            G_STRUCT_MEMBER(int, p, col->offset) = sqlite3_column_int(st, k);
            break;
        case COL_INT64:
            G_STRUCT_MEMBER(gint64, p, col->offset) = sqlite3_column_int64(st, k);
            break;
        case COL_BOOL:
            G_STRUCT_MEMBER(gboolean, p, col->offset) = sqlite3_column_int(st, k) != 0;
            break;
        case COL_LAT:
        case COL_LON:
            if (!null) {
                p->has_gps = TRUE;
                G_STRUCT_MEMBER(double, p, col->offset) = sqlite3_column_double(st, k);
            }
            break;
        case COL_DHASH:
            if (!null) {
                p->has_dhash = TRUE;
                p->dhash = (guint64)sqlite3_column_int64(st, k);
            }
            break;
        }
    }
}

static void
build_sql(PdCatalog *c)
{
    GString *names = g_string_new(NULL), *marks = g_string_new(NULL), *sets = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        g_string_append_printf(names, "%s%s", i ? ", " : "", columns[i].name);
        g_string_append_printf(marks, "%s?%zu", i ? ", " : "", i + 1);
        g_string_append_printf(sets, "%s%s = ?%zu", i ? ", " : "", columns[i].name, i + 1);
    }
    gsize n = G_N_ELEMENTS(columns);
    /* The id is chosen before the insert, so that the date key (which holds it) goes in
     * with the row and the index trigger has it. */
    c->insert_sql = g_strdup_printf("INSERT INTO photos (%s, version, ingested_at, updated_at, "
                                    "id, date_key) VALUES (%s, 1, ?%zu, ?%zu, ?%zu, ?%zu)",
                                    names->str, marks->str, n + 1, n + 1, n + 2, n + 3);
    c->update_sql = g_strdup_printf("UPDATE photos SET %s, version = ?%zu, updated_at = ?%zu, "
                                    "date_key = ?%zu WHERE id = ?%zu",
                                    sets->str, n + 1, n + 2, n + 4, n + 3);
    c->select_sql = g_strdup_printf("SELECT %s, id, version, ingested_at, updated_at FROM photos "
                                    "WHERE id = ?1",
                                    names->str);
    g_string_free(names, TRUE);
    g_string_free(marks, TRUE);
    g_string_free(sets, TRUE);
}

/* ---------------------------------------------------------------- open */

/* Brings the schema up to version @want (every migration there is: the newest). */
static gboolean
migrate(PdCatalog *c, int want, GError **error)
{
    int have = pd_catalog_schema_version(c);
    if (have > want) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_SCHEMA,
                    "catalog: schema version %d is newer than this photodesk knows (%d); "
                    "use a newer photodesk",
                    have, want);
        return FALSE;
    }
    if (have < want && c->mode == PD_CATALOG_READ_ONLY) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_SCHEMA,
                    "catalog: schema version %d needs upgrading to %d; run photodesk ingest or "
                    "fsck on it first",
                    have, want);
        return FALSE;
    }
    while (have < want) {
        /* One transaction each: a failed migration leaves the previous version intact.
         * The version is read again under the write lock: two photodesks opening a new
         * catalog at once (a server and an ingest) must not both run a migration. */
        if (!exec(c, "BEGIN IMMEDIATE", error))
            return FALSE;
        int v = pd_catalog_schema_version(c);
        if (v >= want) {
            exec(c, "COMMIT", NULL);
            break;
        }
        g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", v + 1);
        gboolean ok = exec(c, migrations[v], error);
        if (ok && migration_ends[v].step != NULL)
            ok = migration_ends[v].step(c, error) && exec(c, migration_ends[v].sql, error);
        if (!ok || !exec(c, bump, error)) {
            exec(c, "ROLLBACK", NULL);
            g_prefix_error(error, "migration %d: ", v + 1);
            return FALSE;
        }
        if (!exec(c, "COMMIT", error))
            return FALSE;
        have = v + 1;
    }
    return TRUE;
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
    /* keyed by the SQL text's address: every statement is a constant of this module */
    c->statements = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, finalize_statement);
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
                  exec(c, "PRAGMA foreign_keys = ON", error) &&
                  exec(c, "PRAGMA cache_size = -65536", error) &&
                  exec(c, "PRAGMA temp_store = MEMORY", error);
    if (ok && mode == PD_CATALOG_READ_WRITE)
        ok = exec(c, "PRAGMA journal_mode = WAL", error) &&
             exec(c, "PRAGMA synchronous = FULL", error);
    ok = ok && migrate(c, schema, error);
    if (ok && mode == PD_CATALOG_READ_WRITE)
        ok = exec(c, "CREATE TEMP TABLE fts_pending (id INTEGER PRIMARY KEY)", error);
    if (!ok) {
        g_prefix_error(error, "%s: ", path);
        pd_catalog_close(c);
        return NULL;
    }
    build_sql(c);
    return c;
}

PdCatalog *
pd_catalog_open(const char *path, PdCatalogMode mode, GError **error)
{
    return open_at(path, mode, (int)G_N_ELEMENTS(migrations), error);
}

PdCatalog *
pd_catalog_open_schema(const char *path, int schema, GError **error)
{
    g_return_val_if_fail(schema >= 0 && schema <= (int)G_N_ELEMENTS(migrations), NULL);
    return open_at(path, PD_CATALOG_READ_WRITE, schema, error);
}

void
pd_catalog_close(PdCatalog *c)
{
    if (c == NULL)
        return;
    g_hash_table_unref(c->statements);
    sqlite3_close_v2(c->db);
    g_free(c->insert_sql);
    g_free(c->update_sql);
    g_free(c->select_sql);
    g_free(c);
}

void
pd_catalog_set_busy_timeout(PdCatalog *c, int milliseconds)
{
    c->busy_ms = milliseconds;
    sqlite3_busy_timeout(c->db, milliseconds);
}

int
pd_catalog_schema_version(PdCatalog *c)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The date key for a photo taken on @iso (see catalog-private.h): the next place in the
 * order of arrival of its day. Keys stay dense, so the index's rowid deltas stay small:
 * a key of minutes and ids made the index twice as large. */
static gboolean
next_date_key(PdCatalog *c, const char *iso, gint64 id, gint64 *key, GError **error)
{
    gint64 day = pd_catalog_date_day(iso, FALSE);
    if (day == 0) {
        *key = -id;
        return TRUE;
    }
    gint64 first = day << PD_DAY_SHIFT, last = ((day + 1) << PD_DAY_SHIFT) - 1;
    sqlite3_stmt *st =
        statement(c, "SELECT max(date_key) FROM photos WHERE date_key BETWEEN ?1 AND ?2", error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return fail(c, error, "choosing a date key");
    }
    gboolean none = sqlite3_column_type(st, 0) == SQLITE_NULL;
    gint64 max = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!none && max >= last) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                    "catalog: more than %d photos taken on one day (%s)", 1 << PD_DAY_SHIFT, iso);
        return FALSE;
    }
    *key = none ? first : max + 1;
    return TRUE;
}

/* Migration 2: the date key of every dated photo, in the order they arrived. */
static gboolean
assign_date_keys(PdCatalog *c, GError **error)
{
    sqlite3_stmt *list = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT id, date_created FROM photos WHERE date_created IS NOT NULL "
                           "ORDER BY id",
                           -1, &list, NULL) != SQLITE_OK)
        return fail(c, error, "listing photos");
    sqlite3_stmt *set = statement(c, "UPDATE photos SET date_key = ?2 WHERE id = ?1", error);
    gboolean ok = set != NULL;
    int rc;
    while (ok && (rc = sqlite3_step(list)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(list, 0), key;
        ok = next_date_key(c, (const char *)sqlite3_column_text(list, 1), id, &key, error);
        if (ok) {
            sqlite3_bind_int64(set, 1, id);
            sqlite3_bind_int64(set, 2, key);
            ok = sqlite3_step(set) == SQLITE_DONE || fail(c, error, "setting a date key");
            sqlite3_reset(set);
        }
    }
    if (ok && rc != SQLITE_DONE)
        ok = fail(c, error, "listing photos");
    sqlite3_finalize(list);
    return ok;
}

/* Indexes the photos added in this transaction, in one statement.
 *
 * SQLite 3.40's FTS5 writes its pending index data out at every savepoint, and SQLite
 * opens one around every statement that may fail halfway, which an insert into a
 * virtual table is. Indexing each new photo on its own therefore wrote one tiny index
 * segment per photo (and merged them later): two thirds of the cost of a batch. One
 * INSERT ... SELECT for the batch writes one segment. */
static gboolean
flush_pending(PdCatalog *c, GError **error)
{
    if (c->pending == 0)
        return TRUE;
    if (!exec(c,
              "INSERT INTO photos_fts(rowid, caption, headline, object_name, byline, credit,"
              "  source, city, country, keywords, credit_line)"
              " SELECT date_key, caption, headline, object_name, byline, credit, source, city,"
              "  country, keywords, credit_line FROM photos"
              " WHERE id IN (SELECT id FROM temp.fts_pending) ORDER BY date_key;"
              "DELETE FROM temp.fts_pending;",
              error))
        return FALSE;
    c->pending = 0;
    return TRUE;
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
        if (!exec(c, sql, error))
            return FALSE;
        c->depth++;
        return TRUE;
    }
    gint64 deadline = g_get_monotonic_time() + (gint64)c->busy_ms * 1000;
    for (int attempt = 0;; attempt++) {
        g_autoptr(GError) busy = NULL;
        if (exec(c, "BEGIN IMMEDIATE", &busy)) {
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
        if (!exec(c, sql, error))
            return FALSE;
        c->depth--;
        return TRUE;
    }
    if (!flush_pending(c, error) || !exec(c, "COMMIT", error))
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
        exec(c, sql, NULL);
        c->depth--;
        return;
    }
    if (!sqlite3_get_autocommit(c->db))
        exec(c, "ROLLBACK", NULL);
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
pd_catalog_in_transaction(PdCatalog *c)
{
    return c->depth > 0;
}

/* ---------------------------------------------------------------- look-ups */

/* The ids @st (prepared and bound) gives, in its order; NULL with @error ("catalog: @what")
 * when it fails. */
static GArray *
ids_of(PdCatalog *c, sqlite3_stmt *st, const char *what, GError **error)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(st, 0);
        g_array_append_val(ids, id);
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE) {
        g_array_unref(ids);
        fail(c, error, what);
        return NULL;
    }
    return ids;
}

static gboolean
find_id(PdCatalog *c, const char *sql, const char *a, const char *b, gint64 *id, GError **error)
{
    *id = 0;
    sqlite3_stmt *st = statement(c, sql, error);
    if (st == NULL)
        return FALSE;
    bind_text(st, 1, a);
    if (b)
        bind_text(st, 2, b);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return fail(c, error, "looking up a photo");
    return TRUE;
}

gboolean
pd_catalog_find_original(PdCatalog *c, const char *sha256, gint64 *photo_id, GError **error)
{
    return find_id(c, "SELECT photo_id FROM originals WHERE sha256 = ?1", sha256, NULL, photo_id,
                   error);
}

gboolean
pd_catalog_find_image(PdCatalog *c, const char *image_sha256, gint64 *photo_id, GError **error)
{
    *photo_id = 0;
    if (image_sha256 == NULL)
        return TRUE;
    return find_id(c, "SELECT id FROM photos WHERE image_sha256 = ?1 ORDER BY id LIMIT 1",
                   image_sha256, NULL, photo_id, error);
}

GPtrArray *
pd_catalog_find_reference(PdCatalog *c, const char *source, const char *reference, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_photo_free);
    if (source == NULL || reference == NULL)
        return out;
    sqlite3_stmt *st = statement(c,
                                 "SELECT id FROM photos WHERE source = ?1"
                                 " AND transmission_reference = ?2 ORDER BY id DESC LIMIT 100",
                                 error);
    if (st == NULL) {
        g_ptr_array_unref(out);
        return NULL;
    }
    bind_text(st, 1, source);
    bind_text(st, 2, reference);
    g_autoptr(GArray) ids = ids_of(c, st, "looking up a transmission reference", error);
    if (ids == NULL) {
        g_ptr_array_unref(out);
        return NULL;
    }
    for (guint i = 0; i < ids->len; i++) {
        PdCatalogPhoto *p = pd_catalog_get_photo(c, g_array_index(ids, gint64, i), error);
        if (p == NULL) {
            g_ptr_array_unref(out);
            return NULL;
        }
        g_ptr_array_add(out, p);
    }
    return out;
}

/* ---------------------------------------------------------------- writing */

static gboolean
write_keywords(PdCatalog *c, const PdCatalogPhoto *p, gboolean replace, GError **error)
{
    sqlite3_stmt *del =
        replace ? statement(c, "DELETE FROM photo_keywords WHERE photo_id = ?1", error) : NULL;
    if (replace && del == NULL)
        return FALSE;
    if (del) {
        sqlite3_bind_int64(del, 1, p->id);
        if (sqlite3_step(del) != SQLITE_DONE)
            return fail(c, error, "replacing keywords");
    }
    for (guint i = 0; i < p->keywords->len; i++) {
        sqlite3_stmt *st = statement(
            c, "INSERT INTO photo_keywords (photo_id, position, keyword) VALUES (?1, ?2, ?3)",
            error);
        if (st == NULL)
            return FALSE;
        sqlite3_bind_int64(st, 1, p->id);
        sqlite3_bind_int(st, 2, (int)i);
        bind_text(st, 3, g_ptr_array_index(p->keywords, i));
        if (sqlite3_step(st) != SQLITE_DONE)
            return fail(c, error, "adding a keyword");
    }
    return TRUE;
}

static gboolean
add_original(PdCatalog *c, const PdCatalogPhoto *p, const char *file, const char *at,
             GError **error)
{
    sqlite3_stmt *st =
        statement(c,
                  "INSERT OR IGNORE INTO originals (sha256, photo_id, ext, bytes, received_at, "
                  "file) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  error);
    if (st == NULL)
        return FALSE;
    bind_text(st, 1, p->sha256);
    sqlite3_bind_int64(st, 2, p->id);
    bind_text(st, 3, p->ext);
    sqlite3_bind_int64(st, 4, p->bytes);
    bind_text(st, 5, at);
    bind_text(st, 6, file);
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(c, error, "recording an original");
    return TRUE;
}

/* Records version @p->version of photo @p->id, showing the picture @p->picture. */
static gboolean
add_version(PdCatalog *c, const PdCatalogPhoto *p, const char *at, const char *by_user,
            const char *ingest_file, const char *original, gboolean picture_changed,
            gint64 *version_id, GError **error)
{
    sqlite3_stmt *st = statement(c,
                                 "INSERT INTO versions (photo_id, version, at, by_user, by_ingest, "
                                 "original_sha256, picture, picture_changed)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                 error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_int(st, 2, p->version);
    bind_text(st, 3, at);
    bind_text(st, 4, by_user);
    bind_text(st, 5, ingest_file);
    bind_text(st, 6, original);
    bind_text(st, 7, p->picture);
    sqlite3_bind_int(st, 8, picture_changed);
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(c, error, "recording a version");
    *version_id = sqlite3_last_insert_rowid(c->db);
    return TRUE;
}

gboolean
pd_catalog_add_photo(PdCatalog *c, PdCatalogPhoto *p, const char *by_user, const char *ingest_file,
                     GError **error)
{
    /* Outside a transaction, one of its own: a photo goes in whole or not at all. Inside
     * one, a failure leaves it to the caller to roll back (a savepoint here would make
     * FTS5 flush its pending index data on every photo, a third of the cost of a batch). */
    gboolean own = c->depth == 0;
    if (own && !pd_catalog_begin(c, error))
        return FALSE;
    g_autofree char *at = pd_catalog_now();
    gint64 id = 0;
    sqlite3_stmt *next = statement(c, "SELECT coalesce(max(id), 0) + 1 FROM photos", error);
    gboolean ok = next != NULL && sqlite3_step(next) == SQLITE_ROW;
    if (ok)
        id = sqlite3_column_int64(next, 0);
    else if (next)
        fail(c, error, "choosing an id");
    if (next)
        sqlite3_reset(next);
    gint64 key = 0;
    ok = ok && next_date_key(c, p->date_created, id, &key, error);
    sqlite3_stmt *st = ok ? statement(c, c->insert_sql, error) : NULL;
    ok = st != NULL;
    if (ok) {
        int n = (int)G_N_ELEMENTS(columns);
        bind_columns(st, p);
        bind_text(st, n + 1, at);
        sqlite3_bind_int64(st, n + 2, id);
        sqlite3_bind_int64(st, n + 3, key);
        ok = sqlite3_step(st) == SQLITE_DONE || fail(c, error, "adding a photo");
    }
    if (ok) {
        p->id = id;
        p->version = 1;
        g_free(p->ingested_at);
        g_free(p->updated_at);
        p->ingested_at = g_strdup(at);
        p->updated_at = g_strdup(at);
    }
    gint64 version_id;
    ok = ok && write_keywords(c, p, FALSE, error) && add_original(c, p, ingest_file, at, error) &&
         add_version(c, p, at, by_user, ingest_file, p->sha256, FALSE, &version_id, error);
    if (ok) {
        sqlite3_stmt *pend = statement(c, "INSERT INTO temp.fts_pending (id) VALUES (?1)", error);
        ok = pend != NULL;
        if (ok) {
            sqlite3_bind_int64(pend, 1, p->id);
            ok = sqlite3_step(pend) == SQLITE_DONE || fail(c, error, "queueing for the index");
        }
        if (ok)
            c->pending++;
    }
    if (ok && own && !pd_catalog_commit(c, error))
        ok = FALSE;
    if (!ok) {
        if (own)
            pd_catalog_rollback(c);
        p->id = 0;
        return FALSE;
    }
    return TRUE;
}

static gint64
old_date_key(PdCatalog *c, gint64 id)
{
    sqlite3_stmt *st = statement(c, "SELECT date_key FROM photos WHERE id = ?1", NULL);
    gint64 key = -id;
    if (st == NULL)
        return key;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        key = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return key;
}

/* The editor whose correction of @field the wire is about to overwrite: the user of the
 * newest version that changed it, when that was an editor's; NULL otherwise. */
static char *
corrected_by(PdCatalog *c, gint64 photo_id, const char *field, GError **error)
{
    sqlite3_stmt *st = statement(c,
                                 "SELECT v.by_user FROM version_changes ch"
                                 " JOIN versions v ON v.id = ch.version_id"
                                 " WHERE v.photo_id = ?1 AND ch.field = ?2"
                                 " ORDER BY v.version DESC LIMIT 1",
                                 error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, photo_id);
    bind_text(st, 2, field);
    int r = sqlite3_step(st);
    char *user = r == SQLITE_ROW ? pd_catalog_text(st, 0) : NULL;
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        fail(c, error, "reading a field's history");
    return user;
}

/* What an update must not lose: derived values the new reading does not have (a re-send
 * whose picture was not decoded again has no perceptual hash or renditions of its own). */
static void
keep_derived(PdCatalogPhoto *p, const PdCatalogPhoto *old)
{
    if (!p->has_dhash && old->has_dhash) {
        p->has_dhash = TRUE;
        p->dhash = old->dhash;
    }
    if (p->image_sha256 == NULL)
        p->image_sha256 = g_strdup(old->image_sha256);
    if (p->width <= 0 || p->height <= 0) {
        p->width = old->width;
        p->height = old->height;
    }
    /* the same image data: the renditions already shown stay the photo's picture */
    if (p->picture == NULL ||
        (p->image_sha256 && g_strcmp0(p->image_sha256, old->image_sha256) == 0)) {
        g_free(p->picture);
        p->picture = g_strdup(old->picture);
    }
}

static gboolean
update_in(PdCatalog *c, PdCatalogPhoto *p, const char *by_user, const char *ingest_file,
          gboolean *changed, GError **error)
{
    g_autoptr(PdCatalogPhoto) old = pd_catalog_get_photo(c, p->id, error);
    if (old == NULL)
        return FALSE;
    keep_derived(p, old);
    gboolean picture_changed = g_strcmp0(old->picture, p->picture) != 0 && old->picture != NULL;
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(change_free);
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++) {
        if (!columns[i].versioned)
            continue;
        char *from = value_text(old, &columns[i]);
        char *to = value_text(p, &columns[i]);
        if (g_strcmp0(from, to) == 0) {
            g_free(from);
            g_free(to);
            continue;
        }
        PdCatalogChange *ch = g_new0(PdCatalogChange, 1);
        ch->field = g_strdup(columns[i].name);
        ch->from = from;
        ch->to = to;
        g_ptr_array_add(changes, ch);
        /* the wire over an editor's correction: said, so that the desk can see it */
        if (by_user == NULL) {
            g_autoptr(GError) failed = NULL;
            ch->editor = corrected_by(c, p->id, ch->field, &failed);
            if (failed) {
                g_propagate_error(error, g_steal_pointer(&failed));
                return FALSE;
            }
        }
    }
    gboolean new_original = g_strcmp0(old->sha256, p->sha256) != 0;
    if (changes->len == 0 && !new_original && !picture_changed)
        return TRUE;
    *changed = TRUE;
    /* the update trigger changes the index: what is still pending must be in it first */
    if (!flush_pending(c, error))
        return FALSE;
    g_autofree char *at = pd_catalog_now();
    p->version = old->version + 1;
    /* a photo keeps its place unless the day it was taken changes */
    gint64 key = 0;
    if (pd_catalog_date_day(old->date_created, FALSE) ==
        pd_catalog_date_day(p->date_created, FALSE))
        key = old_date_key(c, p->id);
    else if (!next_date_key(c, p->date_created, p->id, &key, error))
        return FALSE;
    sqlite3_stmt *st = statement(c, c->update_sql, error);
    if (st == NULL)
        return FALSE;
    bind_columns(st, p);
    gsize n = G_N_ELEMENTS(columns);
    sqlite3_bind_int(st, (int)n + 1, p->version);
    bind_text(st, (int)n + 2, at);
    sqlite3_bind_int64(st, (int)n + 3, p->id);
    sqlite3_bind_int64(st, (int)n + 4, key);
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(c, error, "updating a photo");
    gint64 version_id = 0;
    if (!write_keywords(c, p, TRUE, error) ||
        (new_original && !add_original(c, p, ingest_file, at, error)) ||
        !add_version(c, p, at, by_user, ingest_file, new_original ? p->sha256 : NULL,
                     picture_changed, &version_id, error))
        return FALSE;
    for (guint i = 0; i < changes->len; i++) {
        const PdCatalogChange *ch = g_ptr_array_index(changes, i);
        sqlite3_stmt *cs = statement(c,
                                     "INSERT INTO version_changes (version_id, field, old_value, "
                                     "new_value, editor) VALUES (?1, ?2, ?3, ?4, ?5)",
                                     error);
        if (cs == NULL)
            return FALSE;
        sqlite3_bind_int64(cs, 1, version_id);
        bind_text(cs, 2, ch->field);
        bind_text(cs, 3, ch->from);
        bind_text(cs, 4, ch->to);
        bind_text(cs, 5, ch->editor);
        if (sqlite3_step(cs) != SQLITE_DONE)
            return fail(c, error, "recording a change");
    }
    g_free(p->ingested_at);
    p->ingested_at = g_strdup(old->ingested_at);
    g_free(p->updated_at);
    p->updated_at = g_strdup(at);
    return TRUE;
}

gboolean
pd_catalog_update_photo(PdCatalog *c, PdCatalogPhoto *p, const char *by_user,
                        const char *ingest_file, gboolean *changed, GError **error)
{
    *changed = FALSE;
    /* The write lock before the stored photo is read: what is compared is what is
     * replaced. Inside the caller's transaction, no savepoint (see add_photo). */
    gboolean own = c->depth == 0;
    if (own && !pd_catalog_begin(c, error))
        return FALSE;
    int version = p->version;
    if (!update_in(c, p, by_user, ingest_file, changed, error)) {
        if (own)
            pd_catalog_rollback(c);
        p->version = version;
        *changed = FALSE;
        return FALSE;
    }
    if (own && !pd_catalog_commit(c, error)) {
        pd_catalog_rollback(c);
        p->version = version;
        *changed = FALSE;
        return FALSE;
    }
    return TRUE;
}

gboolean
pd_catalog_set_rendition(PdCatalog *c, gint64 photo_id, const PdCatalogRendition *r, GError **error)
{
    sqlite3_stmt *st = statement(c,
                                 "INSERT OR REPLACE INTO renditions (photo_id, name, sha256, "
                                 "width, height, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, photo_id);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->sha256);
    sqlite3_bind_int(st, 4, r->width);
    sqlite3_bind_int(st, 5, r->height);
    sqlite3_bind_int64(st, 6, r->bytes);
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(c, error, "recording a rendition");
    return TRUE;
}

/* ---------------------------------------------------------------- reading */

PdCatalogPhoto *
pd_catalog_get_photo(PdCatalog *c, gint64 id, GError **error)
{
    sqlite3_stmt *st = statement(c, c->select_sql, error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "no photo %" G_GINT64_FORMAT, id);
        return NULL;
    }
    if (r != SQLITE_ROW) {
        fail(c, error, "reading a photo");
        return NULL;
    }
    PdCatalogPhoto *p = pd_catalog_photo_new();
    read_columns(st, p);
    int n = (int)G_N_ELEMENTS(columns);
    p->id = sqlite3_column_int64(st, n);
    p->version = sqlite3_column_int(st, n + 1);
    p->ingested_at = pd_catalog_text(st, n + 2);
    p->updated_at = pd_catalog_text(st, n + 3);
    sqlite3_reset(st);
    return p;
}

gboolean
pd_catalog_get_file(PdCatalog *c, gint64 id, const char *name, const char *picture, char **sha256,
                    char **ext, char **format, GError **error)
{
    gboolean original = g_strcmp0(name, "original") == 0;
    /* a rendition of the picture asked for, when the photo has had it; else the current */
    sqlite3_stmt *st = statement(
        c,
        original ? "SELECT sha256, ext, format FROM photos WHERE id = ?1"
                 : "SELECT r.sha256, 'jpg', 'jpeg' FROM photos p JOIN renditions r"
                   " ON r.photo_id = p.id AND r.name = ?2"
                   " AND r.sha256 = coalesce((SELECT x.sha256 FROM renditions x"
                   "   WHERE x.photo_id = p.id AND x.name = ?2 AND x.sha256 = ?3), p.picture)"
                   " WHERE p.id = ?1",
        error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    if (!original) {
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        bind_text(st, 3, picture);
    }
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *sha256 = pd_catalog_text(st, 0);
        *ext = pd_catalog_text(st, 1);
        *format = pd_catalog_text(st, 2);
    }
    sqlite3_reset(st);
    if (r == SQLITE_DONE)
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "photo %" G_GINT64_FORMAT " has no %s", id, name);
    else if (r != SQLITE_ROW)
        fail(c, error, "finding a file");
    return r == SQLITE_ROW;
}

static GPtrArray *
read_renditions(PdCatalog *c, sqlite3_stmt *st, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_rendition_free);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        PdCatalogRendition *x = g_new0(PdCatalogRendition, 1);
        x->name = pd_catalog_text(st, 0);
        x->sha256 = pd_catalog_text(st, 1);
        x->width = sqlite3_column_int(st, 2);
        x->height = sqlite3_column_int(st, 3);
        x->bytes = sqlite3_column_int64(st, 4);
        g_ptr_array_add(out, x);
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE) {
        g_ptr_array_unref(out);
        fail(c, error, "reading renditions");
        return NULL;
    }
    return out;
}

#define RENDITION_ORDER                                                                            \
    "CASE r.name WHEN 'web' THEN 0 WHEN 'preview' THEN 1 WHEN 'thumb' THEN 2 ELSE 3 END, r.name"

GPtrArray *
pd_catalog_get_renditions(PdCatalog *c, gint64 id, GError **error)
{
    sqlite3_stmt *st = statement(c,
                                 "SELECT r.name, r.sha256, r.width, r.height, r.bytes"
                                 " FROM photos p JOIN renditions r"
                                 " ON r.photo_id = p.id AND r.sha256 = p.picture"
                                 " WHERE p.id = ?1 ORDER BY " RENDITION_ORDER,
                                 error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    return read_renditions(c, st, error);
}

GPtrArray *
pd_catalog_get_picture_renditions(PdCatalog *c, gint64 id, const char *picture, GError **error)
{
    sqlite3_stmt *st = statement(c,
                                 "SELECT r.name, r.sha256, r.width, r.height, r.bytes"
                                 " FROM renditions r WHERE r.photo_id = ?1 AND r.sha256 = ?2"
                                 " ORDER BY " RENDITION_ORDER,
                                 error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, picture);
    return read_renditions(c, st, error);
}

/* Reads the versions @st gives (id, version, at, by_user, by_ingest, original_sha256,
 * picture, picture_changed, seen_by, seen_at), then their changes; @st is bound. */
static GPtrArray *
read_versions(PdCatalog *c, sqlite3_stmt *st, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_version_free);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        PdCatalogVersion *v = g_new0(PdCatalogVersion, 1);
        gint64 vid = sqlite3_column_int64(st, 0);
        g_array_append_val(ids, vid);
        v->version = sqlite3_column_int(st, 1);
        v->at = pd_catalog_text(st, 2);
        v->by_user = pd_catalog_text(st, 3);
        v->by_ingest = pd_catalog_text(st, 4);
        v->original = pd_catalog_text(st, 5);
        v->picture = pd_catalog_text(st, 6);
        v->picture_changed = sqlite3_column_int(st, 7) != 0;
        v->seen_by = pd_catalog_text(st, 8);
        v->seen_at = pd_catalog_text(st, 9);
        v->changes = g_ptr_array_new_with_free_func(change_free);
        g_ptr_array_add(out, v);
    }
    sqlite3_reset(st);
    gboolean ok = r == SQLITE_DONE || fail(c, error, "reading versions");
    for (guint i = 0; ok && i < out->len; i++) {
        PdCatalogVersion *v = g_ptr_array_index(out, i);
        sqlite3_stmt *cs =
            statement(c,
                      "SELECT field, old_value, new_value, editor FROM version_changes "
                      "WHERE version_id = ?1 ORDER BY rowid",
                      error);
        if (cs == NULL) {
            ok = FALSE;
            break;
        }
        sqlite3_bind_int64(cs, 1, g_array_index(ids, gint64, i));
        while ((r = sqlite3_step(cs)) == SQLITE_ROW) {
            PdCatalogChange *ch = g_new0(PdCatalogChange, 1);
            ch->field = pd_catalog_text(cs, 0);
            ch->from = pd_catalog_text(cs, 1);
            ch->to = pd_catalog_text(cs, 2);
            ch->editor = pd_catalog_text(cs, 3);
            g_ptr_array_add(v->changes, ch);
        }
        sqlite3_reset(cs);
        ok = r == SQLITE_DONE || fail(c, error, "reading changes");
    }
    g_array_unref(ids);
    if (!ok) {
        g_ptr_array_unref(out);
        return NULL;
    }
    return out;
}

#define VERSION_COLUMNS                                                                            \
    "id, version, at, by_user, by_ingest, original_sha256, picture, picture_changed, seen_by,"     \
    " seen_at"

GPtrArray *
pd_catalog_get_versions(PdCatalog *c, gint64 id, GError **error)
{
    sqlite3_stmt *st = statement(
        c, "SELECT " VERSION_COLUMNS " FROM versions WHERE photo_id = ?1 ORDER BY version", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    return read_versions(c, st, error);
}

GPtrArray *
pd_catalog_get_versions_page(PdCatalog *c, gint64 id, int before, int limit, GError **error)
{
    /* the newest @limit before @before, given oldest first like every version list */
    sqlite3_stmt *st = statement(c,
                                 "SELECT * FROM (SELECT " VERSION_COLUMNS
                                 " FROM versions WHERE photo_id = ?1 AND version < ?2"
                                 " ORDER BY version DESC LIMIT ?3) ORDER BY version",
                                 error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, before > 0 ? before : G_MAXINT);
    sqlite3_bind_int(st, 3, limit);
    return read_versions(c, st, error);
}

gboolean
pd_catalog_acknowledge_version(PdCatalog *c, gint64 id, int version, const char *by_user,
                               GError **error)
{
    sqlite3_stmt *st = statement(c,
                                 "UPDATE versions SET seen_by = ?3, seen_at = ?4"
                                 " WHERE photo_id = ?1 AND version = ?2",
                                 error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, version);
    bind_text(st, 3, by_user);
    bind_text(st, 4, now);
    if (!pd_catalog_run(c, st, "acknowledging a version", error))
        return FALSE;
    if (sqlite3_changes(c->db) == 0) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "photo %" G_GINT64_FORMAT " has no version %d", id, version);
        return FALSE;
    }
    return TRUE;
}

gboolean
pd_catalog_foreach_original(PdCatalog *c, PdCatalogOriginalFunc func, gpointer user_data,
                            GError **error)
{
    sqlite3_stmt *st =
        statement(c, "SELECT sha256, ext, photo_id FROM originals ORDER BY sha256", error);
    if (st == NULL)
        return FALSE;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        func((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
             sqlite3_column_int64(st, 2), user_data);
    sqlite3_reset(st);
    return r == SQLITE_DONE || fail(c, error, "listing originals");
}

gboolean
pd_catalog_foreach_rendition(PdCatalog *c, PdCatalogRenditionFunc func, gpointer user_data,
                             GError **error)
{
    sqlite3_stmt *st = statement(c,
                                 "SELECT photo_id, name, sha256, width, height, bytes "
                                 "FROM renditions ORDER BY photo_id, name",
                                 error);
    if (st == NULL)
        return FALSE;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        PdCatalogRendition x = {(char *)sqlite3_column_text(st, 1),
                                (char *)sqlite3_column_text(st, 2), sqlite3_column_int(st, 3),
                                sqlite3_column_int(st, 4), sqlite3_column_int64(st, 5)};
        func(sqlite3_column_int64(st, 0), &x, user_data);
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE || fail(c, error, "listing renditions");
}

gboolean
pd_catalog_knows_file(PdCatalog *c, const char *rendition, const char *sha256, gboolean *known,
                      GError **error)
{
    sqlite3_stmt *st =
        rendition ? statement(c, "SELECT 1 FROM renditions WHERE sha256 = ?1 AND name = ?2", error)
                  : statement(c, "SELECT 1 FROM originals WHERE sha256 = ?1", error);
    if (st == NULL)
        return FALSE;
    bind_text(st, 1, sha256);
    if (rendition)
        bind_text(st, 2, rendition);
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    *known = r == SQLITE_ROW;
    return r == SQLITE_ROW || r == SQLITE_DONE || fail(c, error, "looking up a file");
}

gboolean
pd_catalog_set_dhash(PdCatalog *c, gint64 id, guint64 dhash, GError **error)
{
    sqlite3_stmt *st = statement(c, "UPDATE photos SET dhash = ?2 WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)dhash);
    return pd_catalog_run(c, st, "recording a perceptual hash", error);
}

GArray *
pd_catalog_photo_ids(PdCatalog *c, GError **error)
{
    sqlite3_stmt *st = statement(c, "SELECT id FROM photos ORDER BY id", error);
    return st ? ids_of(c, st, "listing photos", error) : NULL;
}

GArray *
pd_catalog_photos_without_dhash(PdCatalog *c, GError **error)
{
    sqlite3_stmt *st = statement(c, "SELECT id FROM photos WHERE dhash IS NULL ORDER BY id", error);
    return st ? ids_of(c, st, "listing photos", error) : NULL;
}

char *
pd_catalog_check_integrity(PdCatalog *c, GError **error)
{
    GString *report = g_string_new(NULL);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        g_string_free(report, TRUE);
        fail(c, error, "integrity check");
        return NULL;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (line && strcmp(line, "ok") != 0)
            g_string_append_printf(report, "%s%s", report->len ? "\n" : "", line);
    }
    sqlite3_finalize(st);
    /* The full-text index against its content table. */
    if (c->mode == PD_CATALOG_READ_WRITE) {
        char *msg = NULL;
        if (sqlite3_exec(c->db,
                         "INSERT INTO photos_fts(photos_fts, rank) VALUES ('integrity-check', 1)",
                         NULL, NULL, &msg) != SQLITE_OK) {
            g_string_append_printf(report, "%sfull-text index: %s", report->len ? "\n" : "",
                                   msg ? msg : "damaged");
            sqlite3_free(msg);
        }
    }
    if (report->len == 0) {
        g_string_free(report, TRUE);
        return NULL;
    }
    return g_string_free(report, FALSE);
}

gint64
pd_catalog_count_photos(PdCatalog *c, GError **error)
{
    sqlite3_stmt *st = statement(c, "SELECT count(*) FROM photos", error);
    if (st == NULL)
        return -1;
    gint64 n = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        fail(c, error, "counting photos");
    sqlite3_reset(st);
    return n;
}
