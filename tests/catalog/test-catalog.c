/* test-catalog.c: the catalog: migrations, photos and their fields, re-transmission
 * look-ups, versions, renditions, transactions, integrity, a locked database. */
#include "catalog/catalog-private.h"

#include "tests/pg/place.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <string.h>

static char *
temp_catalog(void)
{
    return test_catalog_place("catalog");
}

static PdCatalogPhoto *
sample(const char *sha, const char *caption)
{
    PdCatalogPhoto *p = pd_catalog_photo_new();
    p->sha256 = g_strdup(sha);
    p->image_sha256 = g_strdup_printf("image-%s", sha);
    p->format = g_strdup("jpeg");
    p->ext = g_strdup("jpg");
    p->bytes = 123456;
    p->width = 6000;
    p->height = 4000;
    p->orientation = 6;
    p->caption = g_strdup(caption);
    p->headline = g_strdup("APTOPIX Russia Orthodox Easter");
    p->byline = g_strdup("Sergei Karpukhin");
    p->credit = g_strdup("AP");
    p->source = g_strdup("Sputnik");
    p->transmission_reference = g_strdup("XAZ101");
    p->date_created = g_strdup("2023-04-15T23:41:07+03:00");
    p->date_created_local = g_strdup("2023-04-15");
    p->date_created_utc = g_strdup("2023-04-15T20:41:07Z");
    p->city = g_strdup("Moscow");
    g_ptr_array_add(p->keywords, g_strdup("Religion"));
    g_ptr_array_add(p->keywords, g_strdup("Easter"));
    p->has_gps = TRUE;
    p->gps_lat = 55.7447;
    p->gps_lon = 37.6053;
    p->credit_line = g_strdup("Sergei Karpukhin/Sputnik/Pool via AP");
    p->pool = TRUE;
    p->restrictions = g_strdup("{\"kill\": false}");
    p->checks = g_strdup("[]");
    p->warnings = g_strdup("[]");
    p->has_dhash = TRUE;
    p->dhash = G_GUINT64_CONSTANT(0xF0E1D2C3B4A59687); /* top bit set: stored signed */
    p->picture = g_strdup(sha);
    return p;
}

static void
test_open_and_migrate(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    /* read-only needs an existing catalog */
    g_assert_null(pd_catalog_open(path, PD_CATALOG_READ_ONLY, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN);
    g_clear_error(&error);
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_catalog_schema_version(c), ==, 18);
    }
    {
        g_autoptr(PdCatalog) again = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_catalog_schema_version(again), ==, 18);
    }
    /* a catalog from a newer photodesk is refused, not damaged */
    if (test_on_pg()) {
        PGconn *pg = PQconnectdb(path);
        PGresult *r = PQexec(pg, "UPDATE photodesk_schema SET version = 99");
        g_assert_cmpint(PQresultStatus(r), ==, PGRES_COMMAND_OK);
        PQclear(r);
        PQfinish(pg);
    } else {
        sqlite3 *db = NULL;
        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
                        SQLITE_OK);
        sqlite3_close(db);
    }
    g_assert_null(pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_SCHEMA);
}

static void
pg_run(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        g_error("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
}

/* A photo with the caption of sample() taken on @date (a date or a time; NULL: undated). */
static void
add_dated(PdCatalog *c, const char *sha, const char *date)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalogPhoto) p = sample(sha, "Putin attends an Easter service.");
    g_free(p->date_created);
    p->date_created = g_strdup(date);
    g_free(p->date_created_local);
    p->date_created_local = date ? g_strndup(date, 10) : NULL;
    g_clear_pointer(&p->date_created_utc, g_free);
    g_assert_true(pd_catalog_add_photo(c, p, NULL, "/wire/putin.jpg", &error));
    g_assert_no_error(error);
}

/* PostgreSQL's migration 16 over a catalog with photos: the full-text index, one table
 * before, is split by year with every row kept, and search and writing go on. The
 * catalog at 15 is made by taking a new one back to 15's shape. */
static void
test_pg_years_migration(void)
{
    if (!test_on_pg()) {
        g_test_skip("PostgreSQL's own migration: the tests run on SQLite");
        return;
    }
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    const char *dates[] = {"2023-04-15T23:41:07+03:00", "1999-12-31", NULL, "2024-01-01"};
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        for (int i = 0; i < 4; i++) {
            g_autofree char *sha = g_strdup_printf("%04d", i);
            add_dated(c, sha, dates[i]);
        }
    }
    PGconn *pg = PQconnectdb(path);
    pg_run(pg, "BEGIN;"
               "CREATE TABLE flat AS SELECT date_key, photo_id, words FROM photo_words;"
               "DROP TABLE photo_words; DROP TABLE photo_words_years;"
               "DROP FUNCTION photodesk_write_words, photodesk_words_year;"
               "DROP OPERATOR ~@@~ (tsvector, tsquery);"
               "CREATE TABLE photo_words (date_key bigint NOT NULL,"
               "  photo_id bigint PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,"
               "  words tsvector NOT NULL);"
               "INSERT INTO photo_words SELECT * FROM flat; DROP TABLE flat;"
               "CREATE UNIQUE INDEX photo_words_date_key ON photo_words(date_key);"
               "CREATE INDEX photo_words_words ON photo_words USING gin (words);"
               "UPDATE photodesk_schema SET version = 15; COMMIT");
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_catalog_schema_version(c), ==, 18);
        PdSearchRequest req = {.query = "easter"};
        g_autoptr(PdSearchResult) all = pd_catalog_search(c, &req, &error);
        g_assert_no_error(error);
        g_assert_cmpint(all->total, ==, 4);
        /* newest year first, the undated last */
        g_assert_cmpint(((PdSearchHit *)g_ptr_array_index(all->hits, 0))->id, ==, 4);
        g_assert_cmpint(((PdSearchHit *)g_ptr_array_index(all->hits, 3))->id, ==, 3);
        g_autoptr(PdCatalogPhoto) p = sample("0005", "Easter in a year not seen before.");
        g_free(p->date_created);
        p->date_created = g_strdup("1961-04-12");
        g_free(p->date_created_local);
        p->date_created_local = g_strdup("1961-04-12");
        g_assert_true(pd_catalog_add_photo(c, p, NULL, "/wire/gagarin.jpg", &error));
        g_assert_no_error(error);
        PdSearchRequest then = {.query = "easter", .from = "1961", .to = "1961"};
        g_autoptr(PdSearchResult) found = pd_catalog_search(c, &then, &error);
        g_assert_cmpint(found->total, ==, 1);
    }
    PGresult *r = PQexec(pg, "SELECT string_agg(year::text, ' ' ORDER BY year) FROM"
                             " photo_words_years");
    g_assert_cmpstr(PQgetvalue(r, 0, 0), ==, "1961 1999 2023 2024");
    PQclear(r);
    PQfinish(pg);
}

/* The statistics of a year's words (schema 17): each year's table keeps them for 10,000
 * lexemes, those there before the migration and those made after, and the migration
 * gathers them. */
static char *
pg_text(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        g_error("%s: %s", sql, PQresultErrorMessage(r));
    char *v = g_strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

#define PG_TARGETS                                                                                 \
    "SELECT string_agg(c.relname || '=' || a.attstattarget, ' ' ORDER BY c.relname)"               \
    " FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_attribute a"                \
    " ON a.attrelid = c.oid AND a.attname = 'words'"                                               \
    " WHERE h.inhparent = 'photo_words'::regclass"

static void
test_pg_words_statistics(void)
{
    if (!test_on_pg()) {
        g_test_skip("PostgreSQL's planner statistics: the tests run on SQLite");
        return;
    }
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        add_dated(c, "0001", "2023-04-15");
        add_dated(c, "0002", "2024-01-01");
    }
    PGconn *pg = PQconnectdb(path);
    g_autofree char *fresh = pg_text(pg, PG_TARGETS);
    g_assert_cmpstr(fresh, ==,
                    "photo_words_2023=1000 photo_words_2024=1000 photo_words_undated=1000");
    /* back to 16: the default target, no statistics gathered */
    pg_run(pg, "BEGIN;"
               "ALTER TABLE photo_words ALTER COLUMN words SET STATISTICS -1;"
               "DELETE FROM pg_statistic WHERE starelid IN"
               "  (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'photo_words'::regclass);"
               "UPDATE photodesk_schema SET version = 16; COMMIT");
    g_autofree char *before = pg_text(pg, PG_TARGETS);
    g_assert_cmpstr(before, ==, "photo_words_2023=-1 photo_words_2024=-1 photo_words_undated=-1");
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_catalog_schema_version(c), ==, 18);
        add_dated(c, "0003", "1961-04-12"); /* a year's table made after */
    }
    g_autofree char *after = pg_text(pg, PG_TARGETS);
    g_assert_cmpstr(after, ==,
                    "photo_words_1961=1000 photo_words_2023=1000 photo_words_2024=1000"
                    " photo_words_undated=1000");
    g_autofree char *gathered =
        pg_text(pg, "SELECT count(*) FROM pg_stats WHERE attname = 'words'"
                    " AND tablename IN ('photo_words_2023', 'photo_words_2024')");
    g_assert_cmpstr(gathered, ==, "2");
    PQfinish(pg);
}

static void
test_photo_roundtrip(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_autoptr(PdCatalogPhoto) p = sample("aaaa", "Putin attends an Easter service.");
    g_assert_true(pd_catalog_begin(c, &error));
    g_assert_true(pd_catalog_add_photo(c, p, NULL, "/wire/putin.jpg", &error));
    g_assert_true(pd_catalog_commit(c, &error));
    g_assert_cmpint(p->id, ==, 1);

    g_autoptr(PdCatalogPhoto) q = pd_catalog_get_photo(c, p->id, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(q->caption, ==, p->caption);
    g_assert_cmpstr(q->date_created_local, ==, "2023-04-15");
    g_assert_cmpint(q->orientation, ==, 6);
    g_assert_cmpint(q->bytes, ==, 123456);
    g_assert_cmpuint(q->keywords->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(q->keywords, 1), ==, "Easter");
    g_assert_true(q->has_gps);
    g_assert_cmpfloat_with_epsilon(q->gps_lat, 55.7447, 1e-9);
    g_assert_true(q->pool);
    g_assert_false(q->handout);
    g_assert_true(q->has_dhash);
    g_assert_cmpuint(q->dhash, ==, p->dhash);
    g_assert_cmpint(q->version, ==, 1);
    g_assert_nonnull(q->ingested_at);

    gint64 id = 0;
    g_assert_true(pd_catalog_find_original(c, "aaaa", &id, &error));
    g_assert_cmpint(id, ==, 1);
    g_assert_true(pd_catalog_find_original(c, "bbbb", &id, &error));
    g_assert_cmpint(id, ==, 0);

    g_assert_null(pd_catalog_get_photo(c, 42, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_cmpint(pd_catalog_count_photos(c, &error), ==, 1);
    g_assert_null(pd_catalog_check_integrity(c, &error));
    g_assert_no_error(error);
}

static void
test_same_picture_and_versions(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_autoptr(PdCatalogPhoto) first = sample("1111", "Putin attends a service, Sunday.");
    g_assert_true(pd_catalog_add_photo(c, first, NULL, "a.jpg", &error));

    /* same source and transmission reference: the candidates (the picture decides) */
    g_autoptr(PdCatalogPhoto) again = sample("2222", "Putin attends a service, Saturday.");
    g_autoptr(GPtrArray) same_ref =
        pd_catalog_find_reference(c, again->source, again->transmission_reference, &error);
    g_assert_cmpuint(same_ref->len, ==, 1);
    g_assert_cmpint(((PdCatalogPhoto *)g_ptr_array_index(same_ref, 0))->id, ==, first->id);
    /* the same reference from another source is another picture */
    g_autoptr(GPtrArray) other_source =
        pd_catalog_find_reference(c, "Reuters", again->transmission_reference, &error);
    g_assert_cmpuint(other_source->len, ==, 0);
    /* the same image data, whatever the reference */
    g_autoptr(PdCatalogPhoto) resent = sample("3333", "Corrected caption.");
    g_free(resent->transmission_reference);
    resent->transmission_reference = NULL;
    g_free(resent->image_sha256);
    resent->image_sha256 = g_strdup("image-1111");
    gint64 id = 0;
    g_assert_true(pd_catalog_find_image(c, resent->image_sha256, &id, &error));
    g_assert_cmpint(id, ==, first->id);

    /* the update: a new version with what changed, the old caption kept */
    resent->id = id;
    g_ptr_array_add(resent->keywords, g_strdup("Orthodox"));
    gboolean changed = FALSE;
    g_assert_true(pd_catalog_update_photo(c, resent, NULL, "b.jpg", &changed, &error));
    g_assert_true(changed);
    g_assert_cmpint(resent->version, ==, 2);
    g_autoptr(GPtrArray) versions = pd_catalog_get_versions(c, id, &error);
    g_assert_cmpuint(versions->len, ==, 2);
    const PdCatalogVersion *v2 = g_ptr_array_index(versions, 1);
    g_assert_cmpstr(v2->by_ingest, ==, "b.jpg");
    g_assert_cmpstr(v2->original, ==, "3333");
    g_assert_cmpuint(v2->changes->len, ==, 3); /* caption, keywords, transmission ref */
    const PdCatalogChange *ch = g_ptr_array_index(v2->changes, 0);
    g_assert_cmpstr(ch->field, ==, "caption");
    g_assert_cmpstr(ch->from, ==, "Putin attends a service, Sunday.");
    g_assert_cmpstr(ch->to, ==, "Corrected caption.");
    /* both originals are known */
    g_assert_true(pd_catalog_find_original(c, "1111", &id, &error));
    g_assert_cmpint(id, ==, first->id);
    g_assert_true(pd_catalog_find_original(c, "3333", &id, &error));
    g_assert_cmpint(id, ==, first->id);

    /* nothing changed: no version */
    g_assert_true(pd_catalog_update_photo(c, resent, "editor", NULL, &changed, &error));
    g_assert_false(changed);
    g_autoptr(GPtrArray) still = pd_catalog_get_versions(c, resent->id, &error);
    g_assert_cmpuint(still->len, ==, 2);
    g_assert_null(pd_catalog_check_integrity(c, &error));
}

static void
test_renditions_and_rollback(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_autoptr(PdCatalogPhoto) p = sample("cccc", "A caption.");
    g_assert_true(pd_catalog_add_photo(c, p, NULL, "c.jpg", &error));
    const char *names[] = {"thumb", "web", "preview"};
    for (int i = 0; i < 3; i++) {
        PdCatalogRendition r = {(char *)names[i], "cccc", 100 * (i + 1), 50, 1000};
        g_assert_true(pd_catalog_set_rendition(c, p->id, &r, &error));
    }
    g_autoptr(GPtrArray) rs = pd_catalog_get_renditions(c, p->id, &error);
    g_assert_cmpuint(rs->len, ==, 3);
    g_assert_cmpstr(((PdCatalogRendition *)g_ptr_array_index(rs, 0))->name, ==, "web");
    g_assert_cmpstr(((PdCatalogRendition *)g_ptr_array_index(rs, 2))->name, ==, "thumb");

    /* a rolled-back photo leaves nothing */
    g_assert_true(pd_catalog_begin(c, &error));
    g_autoptr(PdCatalogPhoto) gone = sample("dddd", "Never committed.");
    g_assert_true(pd_catalog_add_photo(c, gone, NULL, "d.jpg", &error));
    pd_catalog_rollback(c);
    gint64 id = 1;
    g_assert_true(pd_catalog_find_original(c, "dddd", &id, &error));
    g_assert_cmpint(id, ==, 0);
    g_assert_cmpint(pd_catalog_count_photos(c, &error), ==, 1);
}

static void
test_locked(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) a = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_autoptr(PdCatalog) b = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    pd_catalog_set_busy_timeout(b, 50);
    g_assert_true(pd_catalog_begin(a, &error));
    g_assert_false(pd_catalog_begin(b, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_BUSY);
    g_clear_error(&error);
    /* readers are not blocked by the writer */
    g_autoptr(PdCatalog) r = pd_catalog_open(path, PD_CATALOG_READ_ONLY, &error);
    g_assert_no_error(error);
    g_assert_cmpint(pd_catalog_count_photos(r, &error), ==, 0);
    g_assert_true(pd_catalog_commit(a, &error));
}

static gint64
file_size(const char *path)
{
    GStatBuf st;
    return g_stat(path, &st) == 0 ? (gint64)st.st_size : 0;
}

/* Adds @n photos with long captions in one transaction. */
static void
add_batch(PdCatalog *c, int first, int n)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_catalog_begin(c, &error));
    for (int i = first; i < first + n; i++) {
        g_autofree char *sha = g_strdup_printf("%064x", i);
        g_autoptr(GString) caption = g_string_new("Residents walk past a damaged building");
        for (int w = 0; w < 40; w++)
            g_string_append_printf(caption, " w%dx%d", i, w);
        g_autoptr(PdCatalogPhoto) p = sample(sha, caption->str);
        g_assert_true(pd_catalog_add_photo(c, p, NULL, "batch", &error));
    }
    g_assert_true(pd_catalog_commit(c, &error));
}

/* SQLite's write-ahead log is copied into the catalog file by a checkpointer thread
 * (checkpointer.c): what was committed is all there, for other connections and after
 * the writer closes; the log stays near its bound while a writer commits batch after
 * batch, and is gone when the last connection closes. */
static void
test_log_copied_beside(void)
{
    if (test_on_pg()) {
        g_test_skip("SQLite's write-ahead log");
        return;
    }
    g_autofree char *path = temp_catalog();
    g_autofree char *wal = g_strconcat(path, "-wal", NULL);
    g_autoptr(GError) error = NULL;
    pd_checkpointer_set_log_max(512 * 1024);
    gint64 most = 0;
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        /* a second writer of the same file in this process shares the checkpointer */
        g_autoptr(PdCatalog) other = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_autoptr(PdCatalog) reader = pd_catalog_open(path, PD_CATALOG_READ_ONLY, &error);
        g_assert_no_error(error);
        for (int b = 0; b < 40; b++) {
            add_batch(b % 2 ? other : c, b * 100, 100);
            most = MAX(most, file_size(wal));
            g_assert_cmpint(pd_catalog_count_photos(reader, &error), ==, (b + 1) * 100);
        }
        /* the catalog file took the photos while the writers were open */
        gint64 until = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        while (file_size(path) < 4 * 1024 * 1024 && g_get_monotonic_time() < until)
            g_usleep(10000);
        g_assert_cmpint(file_size(path), >=, 4 * 1024 * 1024);
    }
    pd_checkpointer_set_log_max(256 * 1024 * 1024);
    /* 40 batches went through a log that stayed near its bound */
    g_test_message("log at most %" G_GINT64_FORMAT " bytes", most);
    g_assert_cmpint(most, <, 4 * 1024 * 1024);
    g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
    g_autoptr(PdCatalog) again = pd_catalog_open(path, PD_CATALOG_READ_ONLY, &error);
    g_assert_no_error(error);
    g_assert_cmpint(pd_catalog_count_photos(again, &error), ==, 4000);
}

static void
test_users_and_sessions(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_true(pd_catalog_add_user(c, "anna", "editor", "hash-1", &error));
    g_assert_true(pd_catalog_add_user(c, "boss", "admin", "hash-2", &error));
    /* names are unique whatever their case; roles are editor or admin */
    g_assert_false(pd_catalog_add_user(c, "ANNA", "editor", "x", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_false(pd_catalog_add_user(c, "carl", "root", "x", &error));
    g_assert_nonnull(strstr(error->message, "editor or admin"));
    g_clear_error(&error);

    g_autoptr(PdCatalogUser) anna = pd_catalog_get_user(c, "Anna", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(anna->name, ==, "anna");
    g_assert_cmpstr(anna->role, ==, "editor");
    g_assert_cmpstr(anna->password_hash, ==, "hash-1");
    g_autoptr(GPtrArray) users = pd_catalog_list_users(c, &error);
    g_assert_cmpuint(users->len, ==, 2);
    g_assert_cmpstr(((PdCatalogUser *)g_ptr_array_index(users, 1))->name, ==, "boss");

    /* sessions: found by token hash until they end */
    g_assert_true(pd_catalog_add_session(c, "token-a", anna->id, "csrf-a", 3600, &error));
    g_assert_true(pd_catalog_add_session(c, "token-old", anna->id, "csrf-o", -1, &error));
    g_autoptr(PdCatalogSession) s = pd_catalog_get_session(c, "token-a", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(s->user, ==, "anna");
    g_assert_cmpstr(s->role, ==, "editor");
    g_assert_cmpstr(s->csrf_hash, ==, "csrf-a");
    g_assert_null(pd_catalog_get_session(c, "token-old", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_null(pd_catalog_get_session(c, "nonsense", &error));
    g_clear_error(&error);

    /* a new password ends the sessions; so does removing the user */
    g_assert_true(pd_catalog_set_password(c, "anna", "hash-3", &error));
    g_assert_null(pd_catalog_get_session(c, "token-a", &error));
    g_clear_error(&error);
    g_assert_true(pd_catalog_add_session(c, "token-b", anna->id, "csrf-b", 3600, &error));
    g_assert_true(pd_catalog_remove_user(c, "anna", &error));
    g_assert_null(pd_catalog_get_session(c, "token-b", &error));
    g_clear_error(&error);
    g_assert_false(pd_catalog_remove_user(c, "anna", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_false(pd_catalog_set_password(c, "nobody", "x", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
}

/* One of the full-text index's settings (photos_fts_config), or -1 when not stored. */
static int
fts_setting(const char *path, const char *name)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(
        sqlite3_prepare_v2(db, "SELECT v FROM photos_fts_config WHERE k = ?", -1, &st, NULL), ==,
        SQLITE_OK);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* SQLite's full-text index merges its segments in sixteens (schema 18), in a new catalog
 * and in one made before, which merged in eights. */
static void
test_fts_merge_settings(void)
{
    if (test_on_pg()) {
        g_test_skip("SQLite's full-text index");
        return;
    }
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_catalog_schema_version(c), ==, 18);
    }
    g_assert_cmpint(fts_setting(path, "automerge"), ==, 16);
    g_assert_cmpint(fts_setting(path, "crisismerge"), ==, 32);
    /* taken back to schema 17 as photodesk left it: automerge 8, crisismerge FTS5's own */
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_assert_true(pd_catalog_exec(
            c,
            "INSERT INTO photos_fts(photos_fts, rank) VALUES ('automerge', 8);"
            "DELETE FROM photos_fts_config WHERE k = 'crisismerge'; PRAGMA user_version = 17",
            &error));
        g_assert_no_error(error);
    }
    g_assert_cmpint(fts_setting(path, "automerge"), ==, 8);
    g_assert_cmpint(fts_setting(path, "crisismerge"), ==, -1);
    {
        g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_catalog_schema_version(c), ==, 18);
        /* and the index takes photos and finds them */
        add_dated(c, "merge-1", "2024-03-05");
        PdSearchRequest req = {.query = "easter"};
        g_autoptr(PdSearchResult) found = pd_catalog_search(c, &req, &error);
        g_assert_no_error(error);
        g_assert_cmpint(found->total, ==, 1);
    }
    g_assert_cmpint(fts_setting(path, "automerge"), ==, 16);
    g_assert_cmpint(fts_setting(path, "crisismerge"), ==, 32);
}

/* The statement cache is keyed by the SQL text, not by where the text is: a text made
 * in a buffer and then another made in the same buffer are two statements. */
static void
test_statement_cache(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    char sql[32];
    for (int i = 1; i <= 3; i++) {
        g_snprintf(sql, sizeof sql, "SELECT %d", i);
        PdStmt *st = pd_catalog_statement(c, sql, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_stmt_step(st), ==, PD_ROW);
        g_assert_cmpint(pd_stmt_int(st, 0), ==, i);
        pd_stmt_reset(st);
    }
    /* the same text again is the same statement */
    g_snprintf(sql, sizeof sql, "SELECT %d", 1);
    PdStmt *a = pd_catalog_statement(c, sql, &error);
    PdStmt *b = pd_catalog_statement(c, "SELECT 1", &error);
    g_assert_true(a == b);
    /* texts made from data, past any the code could hold, are refused, not kept */
    for (int i = 0; i < PD_CATALOG_STATEMENTS_MAX; i++) {
        g_snprintf(sql, sizeof sql, "SELECT %d", 100 + i);
        if (pd_catalog_statement(c, sql, &error) == NULL)
            break;
    }
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED);
}

/* Each change is an event, in commit order, with the photo or article it concerns; a
 * rolled-back change leaves none. A hot folder's file is remembered as it was. */
static void
test_events_and_hot_files(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    gint64 oldest = -1, newest = -1;
    g_assert_true(pd_catalog_event_range(c, &oldest, &newest, &error));
    g_assert_cmpint(newest, ==, 0);

    g_autoptr(PdCatalogPhoto) p = sample("aaaa", "Putin attends an Easter service.");
    g_assert_true(pd_catalog_add_photo(c, p, NULL, "/wire/a.jpg", &error));
    g_assert_no_error(error);
    /* rolled back: no event */
    g_autoptr(PdCatalogPhoto) q = sample("bbbb", "A photo that never was.");
    g_assert_true(pd_catalog_begin(c, &error));
    g_assert_true(pd_catalog_add_photo(c, q, NULL, NULL, &error));
    pd_catalog_rollback(c);
    /* a kill is a new version */
    g_free(p->caption);
    p->caption = g_strdup("KILL: this photo has been withdrawn.");
    p->kill = TRUE;
    gboolean changed = FALSE;
    g_assert_true(pd_catalog_update_photo(c, p, NULL, "/wire/a-kill.jpg", &changed, &error));
    g_assert_no_error(error);
    g_assert_true(changed);
    g_autoptr(PdCatalogArticle) a = pd_catalog_add_article(c, "easter", "Easter", "anna", &error);
    g_assert_no_error(error);

    g_autoptr(GPtrArray) events = pd_catalog_events_after(c, 0, 100, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(events->len, ==, 3);
    const PdCatalogEvent *e0 = g_ptr_array_index(events, 0), *e1 = g_ptr_array_index(events, 1),
                         *e2 = g_ptr_array_index(events, 2);
    g_assert_cmpint(e0->kind, ==, PD_EVENT_PHOTO);
    g_assert_cmpint(e0->photo_id, ==, p->id);
    g_assert_false(e0->kill);
    g_assert_cmpint(e1->kind, ==, PD_EVENT_VERSION);
    g_assert_cmpint(e1->version, ==, 2);
    g_assert_true(e1->kill);
    g_assert_cmpint(e2->kind, ==, PD_EVENT_ARTICLE);
    g_assert_cmpint(e2->article_id, ==, a->id);
    g_assert_cmpint(e0->id, <, e1->id);
    g_assert_cmpint(e1->id, <, e2->id);
    g_assert_cmpstr(pd_event_kind_name(e1->kind), ==, "version");
    g_autoptr(GPtrArray) later = pd_catalog_events_after(c, e1->id, 100, &error);
    g_assert_cmpuint(later->len, ==, 1);
    g_assert_true(pd_catalog_event_range(c, &oldest, &newest, &error));
    g_assert_cmpint(oldest, ==, e0->id);
    g_assert_cmpint(newest, ==, e2->id);

    /* new since a point: only photos that arrived after it */
    g_autoptr(PdCatalogPhoto) r = sample("cccc", "Worshippers light candles at Easter.");
    g_assert_true(pd_catalog_add_photo(c, r, NULL, NULL, &error));
    PdSearchRequest after = {.query = "easter", .after_id = p->id};
    g_autoptr(PdSearchResult) found = pd_catalog_search(c, &after, &error);
    g_assert_no_error(error);
    g_assert_cmpint(found->total, ==, 1);
    g_assert_cmpint(((PdSearchHit *)g_ptr_array_index(found->hits, 0))->id, ==, r->id);
    PdSearchRequest browse = {.after_id = p->id};
    g_autoptr(PdSearchResult) browsed = pd_catalog_search(c, &browse, &error);
    g_assert_cmpint(browsed->total, ==, 1);
    gint64 newest_photo = 0;
    g_assert_true(pd_catalog_newest_photo_id(c, &newest_photo, &error));
    g_assert_cmpint(newest_photo, ==, r->id);

    /* a hot folder's file */
    g_assert_null(pd_catalog_get_hot_file(c, "/wire/a.jpg", &error));
    g_assert_no_error(error);
    PdCatalogHotFile f = {.path = "/wire/a.jpg",
                          .size = 1234,
                          .mtime_ns = G_GINT64_CONSTANT(1765000000123456789),
                          .outcome = "rejected",
                          .reason = "JPEG: file is truncated"};
    g_assert_true(pd_catalog_remember_file(c, &f, &error));
    f.outcome = "added";
    f.reason = NULL;
    f.photo_id = p->id;
    f.size = 5678;
    g_assert_true(pd_catalog_remember_file(c, &f, &error));
    g_autoptr(PdCatalogHotFile) got = pd_catalog_get_hot_file(c, "/wire/a.jpg", &error);
    g_assert_nonnull(got);
    g_assert_cmpint(got->size, ==, 5678);
    g_assert_cmpint(got->mtime_ns, ==, G_GINT64_CONSTANT(1765000000123456789));
    g_assert_cmpstr(got->outcome, ==, "added");
    g_assert_null(got->reason);
    g_assert_cmpint(got->photo_id, ==, p->id);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/catalog/open-and-migrate", test_open_and_migrate);
    g_test_add_func("/catalog/pg-years-migration", test_pg_years_migration);
    g_test_add_func("/catalog/pg-words-statistics", test_pg_words_statistics);
    g_test_add_func("/catalog/fts-merge-settings", test_fts_merge_settings);
    g_test_add_func("/catalog/statement-cache", test_statement_cache);
    g_test_add_func("/catalog/photo-roundtrip", test_photo_roundtrip);
    g_test_add_func("/catalog/same-picture-and-versions", test_same_picture_and_versions);
    g_test_add_func("/catalog/renditions-and-rollback", test_renditions_and_rollback);
    g_test_add_func("/catalog/locked", test_locked);
    g_test_add_func("/catalog/log-copied-beside", test_log_copied_beside);
    g_test_add_func("/catalog/users-and-sessions", test_users_and_sessions);
    g_test_add_func("/catalog/events-and-hot-files", test_events_and_hot_files);
    return g_test_run();
}
