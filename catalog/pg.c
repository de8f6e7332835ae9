/* pg.c: the catalog's schema on PostgreSQL, and a SQLite catalog copied there.
 *
 * PostgreSQL's schema is numbered as SQLite's: the version it stands at is kept in
 * photodesk_schema, and a database made now starts at the newest version in one step
 * (pg_schema below: the tables and columns SQLite's migrations have made, in
 * PostgreSQL's types). Whole numbers are bigint throughout (ids, date keys, the 64-bit
 * difference hash); a table SQLite numbers itself takes an identity column, set past
 * the highest id after a copy; SQLite's NOCASE names are unique on lower(name), and
 * looked up so on both. Two columns SQLite has without declaring them are declared:
 * version_changes.rowid (the order the changes were written in); and the full-text
 * index is a table of its own, photo_words: each photo's date key and the tsvector of the
 * tokens photodesk's own tokenizer makes (words-pg.c), narrow, so that a search reading
 * it row by row in date order reads little (the photos' rows are wide).
 *
 * The copy reads every table of the SQLite catalog in one read transaction (a
 * consistent snapshot, while ingest goes on), writes each with COPY in one PostgreSQL
 * transaction, counts the rows on both sides, and commits only when every count
 * agrees: the target is left whole or untouched. It goes into an empty database only. */
#include "catalog/catalog-private.h"

#include <libpq-fe.h>
#include <string.h>

/* The full-text index: the photos' tsvectors (words-pg.c), and their date keys. */
#define PG_WORDS_INDEX                                                                             \
    "CREATE UNIQUE INDEX photo_words_date_key ON photo_words(date_key);"                           \
    "CREATE INDEX photo_words_words ON photo_words USING gin (words)"

/* The full-text index split by the photos' years (schema 16), so that a search reads
 * the newest year's index first and stops when its page is full (search.c): a year's
 * posting lists are a year's, not the archive's. One table a year, made when the
 * year's first photo is written (photodesk_words_year(), under the write lock) and
 * listed in photo_words_years; the undated (date keys below 1) in one of their own.
 * A photo's row moves between years when its date is corrected. The date key's day
 * counts from 1800-01-01 as day 1 (pd_catalog_date_day()). */
/* PD_DAY_SHIFT as SQL text */
#define PG_DAY_SHIFT G_STRINGIFY(PD_DAY_SHIFT)
/* The year's table made for a date key, if it is not there yet; @more, what else is done
 * to a new one (schema 17). */
#define PG_WORDS_YEAR_BODY(more)                                                                   \
    " DECLARE y integer; lo bigint; hi bigint;"                                                    \
    " BEGIN"                                                                                       \
    "  IF key < 1 THEN RETURN; END IF;"                                                            \
    "  y := extract(year FROM date '1800-01-01' + ((key >> " PG_DAY_SHIFT ") - 1)::integer);"      \
    "  IF EXISTS (SELECT 1 FROM photo_words_years WHERE year = y) THEN RETURN; END IF;"            \
    "  PERFORM pg_advisory_xact_lock(" PD_CATALOG_PG_LOCK ");"                                     \
    "  IF EXISTS (SELECT 1 FROM photo_words_years WHERE year = y) THEN RETURN; END IF;"            \
    "  lo := ((make_date(y, 1, 1) - date '1800-01-01') + 1)::bigint << " PG_DAY_SHIFT ";"          \
    "  hi := ((make_date(y + 1, 1, 1) - date '1800-01-01') + 1)::bigint << " PG_DAY_SHIFT ";"      \
    "  EXECUTE format('CREATE TABLE photo_words_%s PARTITION OF photo_words"                       \
    "    FOR VALUES FROM (%s) TO (%s)', y, lo, hi);" more                                          \
    "  INSERT INTO photo_words_years VALUES (y, lo, hi);"                                          \
    " END "
/* the lexemes a year's statistics keep are ten times this (schema 17) */
#define PG_WORDS_STATISTICS "1000"
#define PG_WORDS_YEAR_STATISTICS                                                                   \
    "  EXECUTE format('ALTER TABLE photo_words_%s ALTER COLUMN words"                              \
    "    SET STATISTICS " PG_WORDS_STATISTICS "', y);"
#define PG_WORDS_YEAR_FUNCTION(more)                                                               \
    "CREATE OR REPLACE FUNCTION photodesk_words_year(key bigint) RETURNS void"                     \
    "  LANGUAGE plpgsql AS $$" PG_WORDS_YEAR_BODY(more) "$$;"
#define PG_WRITE_WORDS_FUNCTION                                                                    \
    "CREATE FUNCTION photodesk_write_words(photo bigint, key bigint, w tsvector, again boolean)"   \
    "  RETURNS void LANGUAGE plpgsql AS $$"                                                        \
    " BEGIN"                                                                                       \
    "  PERFORM photodesk_words_year(key);"                                                         \
    "  IF again THEN"                                                                              \
    "   UPDATE photo_words SET date_key = key, words = w WHERE photo_id = photo;"                  \
    "  ELSE"                                                                                       \
    "   INSERT INTO photo_words (photo_id, date_key, words) VALUES (photo, key, w);"               \
    "  END IF;"                                                                                    \
    " END $$;"
#define PG_WORDS_YEARS                                                                             \
    "CREATE TABLE photo_words ("                                                                   \
    "  date_key bigint NOT NULL,"                                                                  \
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"                          \
    "  words tsvector NOT NULL, PRIMARY KEY (photo_id, date_key)) PARTITION BY RANGE (date_key);"  \
    "CREATE TABLE photo_words_undated PARTITION OF photo_words FOR VALUES FROM (MINVALUE) TO (1);" \
    "CREATE TABLE photo_words_years (year integer PRIMARY KEY, lo bigint NOT NULL,"                \
    "  hi bigint NOT NULL);" PG_WORDS_YEAR_FUNCTION("") PG_WRITE_WORDS_FUNCTION

/* A search's whole query is checked on the candidates the index found by its words
 * (search.c) with ~@@~: tsvector @@ tsquery, in no index's operator class (so no index
 * is asked for it) and estimated as passing nearly every row (neqsel without a negator:
 * 0.995), as it does. With @@ itself the planner multiplied the two queries' estimates
 * and, expecting a hundred matches where there were 7,600, sorted them all rather than
 * read the year newest first (24 ms against 2). */
#define PG_EXACT_MATCH                                                                             \
    "CREATE OPERATOR ~@@~ (LEFTARG = tsvector, RIGHTARG = tsquery, FUNCTION = ts_match_vq,"        \
    "  RESTRICT = neqsel);"

/* The years' tables for the photos of @table (a name) */
#define PG_MAKE_YEARS(table)                                                                       \
    "SELECT count(photodesk_words_year(d << " PG_DAY_SHIFT "))"                                    \
    " FROM (SELECT DISTINCT date_key >> " PG_DAY_SHIFT " AS d FROM " table                         \
    " WHERE date_key > 0) y"
#define PG_FLAT_YEARS PG_MAKE_YEARS("photo_words_flat")

static const char pg_schema[] =
    "CREATE TABLE photodesk_schema (version integer NOT NULL);"
    "CREATE TABLE photos ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  sha256 text NOT NULL, image_sha256 text,"
    "  format text NOT NULL, ext text NOT NULL, bytes bigint NOT NULL,"
    "  width bigint, height bigint, orientation bigint,"
    "  caption text, headline text, byline text, credit text, source text, copyright text,"
    "  date_created text, date_created_utc text, date_created_local text,"
    "  city text, province text, country text, keywords text,"
    "  special_instructions text, transmission_reference text, object_name text, writer text,"
    "  make text, model text, gps_lat double precision, gps_lon double precision,"
    "  caption_body text, photographer text, agency text, distributor text, credit_line text,"
    "  pool bigint NOT NULL DEFAULT 0, handout bigint NOT NULL DEFAULT 0,"
    "  file_photo bigint NOT NULL DEFAULT 0,"
    "  restrictions text, editorial_only bigint NOT NULL DEFAULT 0,"
    "  kill bigint NOT NULL DEFAULT 0, embargo_until text,"
    "  slug text, top_pick bigint NOT NULL DEFAULT 0,"
    "  checks text, warnings text, damaged bigint NOT NULL DEFAULT 0,"
    "  dhash bigint,"
    "  version bigint NOT NULL DEFAULT 1,"
    "  ingested_at text NOT NULL, updated_at text NOT NULL, date_key bigint, picture text,"
    "  mandatory_credit bigint NOT NULL DEFAULT 0, mandatory_credit_text text, group_id bigint,"
    "  digital_source_type text, data_mining text, ai_system text, ai_system_version text,"
    "  ai_prompt text, ai_prompt_writer text, made bigint, content_credentials text,"
    "  lens text, exposure text, aperture text, iso text, focal_length text);"
    "CREATE TABLE photo_words ("
    "  date_key bigint NOT NULL,"
    "  photo_id bigint PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,"
    "  words tsvector NOT NULL);" PG_WORDS_INDEX ";"
    "CREATE UNIQUE INDEX photos_sha256 ON photos(sha256);"
    "CREATE INDEX photos_image ON photos(image_sha256) WHERE image_sha256 IS NOT NULL;"
    "CREATE INDEX photos_transmission ON photos(source, transmission_reference)"
    "  WHERE transmission_reference IS NOT NULL;"
    "CREATE UNIQUE INDEX photos_date_key ON photos(date_key);"
    "CREATE INDEX photos_group ON photos(group_id) WHERE group_id IS NOT NULL;"
    "CREATE INDEX photos_made ON photos(made, date_key) WHERE made IS NOT NULL;"
    "CREATE TABLE photo_keywords ("
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  position bigint NOT NULL, keyword text NOT NULL,"
    "  PRIMARY KEY (photo_id, position));"
    "CREATE TABLE originals ("
    "  sha256 text PRIMARY KEY,"
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  ext text NOT NULL, bytes bigint NOT NULL, received_at text NOT NULL, file text);"
    "CREATE INDEX originals_photo ON originals(photo_id);"
    "CREATE TABLE renditions ("
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  name text NOT NULL, sha256 text NOT NULL,"
    "  width bigint NOT NULL, height bigint NOT NULL, bytes bigint NOT NULL,"
    "  PRIMARY KEY (photo_id, sha256, name));"
    "CREATE INDEX renditions_sha256 ON renditions(sha256);"
    "CREATE TABLE versions ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  version bigint NOT NULL, at text NOT NULL,"
    "  by_user text, by_ingest text, original_sha256 text, picture text,"
    "  picture_changed bigint NOT NULL DEFAULT 0, seen_by text, seen_at text,"
    "  UNIQUE (photo_id, version));"
    "CREATE TABLE version_changes ("
    "  rowid bigint GENERATED BY DEFAULT AS IDENTITY,"
    "  version_id bigint NOT NULL REFERENCES versions(id) ON DELETE CASCADE,"
    "  field text NOT NULL, old_value text, new_value text, editor text,"
    "  UNIQUE (version_id, field));"
    "CREATE TABLE users ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  name text NOT NULL,"
    "  role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),"
    "  password_hash text NOT NULL,"
    "  created_at text NOT NULL, password_changed_at text NOT NULL,"
    "  seen_photo_id bigint NOT NULL DEFAULT 0,"
    "  disabled_at text, disabled_by text);"
    "CREATE UNIQUE INDEX users_name ON users(lower(name));"
    "CREATE TABLE sessions ("
    "  token_hash text PRIMARY KEY,"
    "  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf_hash text NOT NULL,"
    "  created_at text NOT NULL, expires_at text NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expiry ON sessions(expires_at);"
    "CREATE TABLE articles ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  slug text NOT NULL,"
    "  headline text NOT NULL DEFAULT '',"
    "  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),"
    "  created_by text NOT NULL, created_at text NOT NULL, updated_at text NOT NULL,"
    "  version bigint NOT NULL DEFAULT 1);"
    "CREATE UNIQUE INDEX articles_slug ON articles(lower(slug));"
    "CREATE INDEX articles_updated ON articles(updated_at);"
    "CREATE TABLE placements ("
    "  article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  photo_id bigint NOT NULL REFERENCES photos(id),"
    "  position bigint NOT NULL,"
    "  role text NOT NULL CHECK (role IN ('lead', 'inline', 'gallery')),"
    "  caption text NOT NULL, credit_line text NOT NULL,"
    "  placed_by text NOT NULL, placed_at text NOT NULL,"
    "  seen_version bigint NOT NULL, version bigint NOT NULL DEFAULT 1, picture text,"
    "  made_confirmed bigint NOT NULL DEFAULT 0, crop text, crop_aspect text, profile text,"
    "  PRIMARY KEY (article_id, photo_id));"
    "CREATE INDEX placements_photo ON placements(photo_id);"
    "CREATE TABLE hot_files ("
    "  path text PRIMARY KEY,"
    "  size bigint NOT NULL, mtime_ns bigint NOT NULL,"
    "  outcome text NOT NULL, photo_id bigint, reason text, at text NOT NULL);"
    "CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE picks ("
    "  photo_id bigint PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,"
    "  rating bigint NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),"
    "  label text CHECK (label IN ('red', 'yellow', 'green', 'blue', 'purple')),"
    "  by_user text NOT NULL, at text NOT NULL);"
    "CREATE INDEX picks_rating ON picks(rating) WHERE rating > 0;"
    "CREATE INDEX picks_label ON picks(label) WHERE label IS NOT NULL;"
    "CREATE TABLE pick_history ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  rating bigint NOT NULL, label text, by_user text NOT NULL, at text NOT NULL);"
    "CREATE INDEX pick_history_photo ON pick_history(photo_id, id);"
    "CREATE TABLE events ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  at text NOT NULL,"
    "  kind text NOT NULL CHECK (kind IN ('photo', 'version', 'article', 'pick', 'lightbox')),"
    "  photo_id bigint, article_id bigint, version bigint,"
    "  kill bigint NOT NULL DEFAULT 0, lightbox_id bigint);"
    "CREATE TABLE lightboxes ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  name text NOT NULL,"
    "  created_by text NOT NULL, created_at text NOT NULL, changed_at text NOT NULL);"
    "CREATE UNIQUE INDEX lightboxes_name ON lightboxes(lower(name));"
    "CREATE TABLE lightbox_photos ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  lightbox_id bigint NOT NULL REFERENCES lightboxes(id) ON DELETE CASCADE,"
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  added_by text NOT NULL, added_at text NOT NULL,"
    "  UNIQUE (lightbox_id, photo_id));"
    "CREATE INDEX lightbox_photos_photo ON lightbox_photos(photo_id);"
    "CREATE TABLE saved_searches ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  name text NOT NULL,"
    "  query text NOT NULL,"
    "  created_by text NOT NULL, created_at text NOT NULL);"
    "CREATE UNIQUE INDEX saved_searches_name ON saved_searches(lower(name));"
    "CREATE TABLE batches ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  edits text NOT NULL,"
    "  by_user text NOT NULL, at text NOT NULL,"
    "  undone_by text, undone_at text);"
    "CREATE TABLE batch_photos ("
    "  batch_id bigint NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  version_before bigint NOT NULL, version_after bigint NOT NULL,"
    "  PRIMARY KEY (batch_id, photo_id));"
    "CREATE TABLE deliveries ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  at text NOT NULL, by_user text NOT NULL,"
    "  target text NOT NULL,"
    "  under_embargo bigint NOT NULL DEFAULT 0, location text, failed text);"
    "CREATE INDEX deliveries_article ON deliveries(article_id);"
    "CREATE TABLE delivery_photos ("
    "  delivery_id bigint NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,"
    "  photo_id bigint NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  version bigint NOT NULL,"
    "  embargo_until text,"
    "  PRIMARY KEY (delivery_id, photo_id));"
    "CREATE INDEX delivery_photos_photo ON delivery_photos(photo_id);"
    "CREATE TABLE delivery_attempts ("
    "  delivery_id bigint NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,"
    "  n bigint NOT NULL,"
    "  at text NOT NULL,"
    "  ok bigint NOT NULL,"
    "  answer text NOT NULL,"
    "  seconds double precision NOT NULL,"
    "  PRIMARY KEY (delivery_id, n));";

/* pg_schema stands at this version; PostgreSQL's migrations after it, numbered as
 * SQLite's (schema.c), each the same change in PostgreSQL's types. */
#define PG_BASE 14
static const char *const pg_migrations[] = {
    /* 15: failed logins, counted in the catalog */
    "CREATE TABLE login_failures (key text PRIMARY KEY, count bigint NOT NULL,"
    "  window_start bigint NOT NULL);"
    "CREATE INDEX login_failures_window ON login_failures(window_start);",
    /* 16: the full-text index split by year (PG_WORDS_YEARS), the rows moved over */
    "ALTER TABLE photo_words RENAME TO photo_words_flat;"
    "ALTER INDEX photo_words_date_key RENAME TO photo_words_flat_date_key;"
    "ALTER INDEX photo_words_words RENAME TO photo_words_flat_words;"
    "ALTER INDEX photo_words_pkey RENAME TO photo_words_flat_pkey;" PG_WORDS_YEARS PG_FLAT_YEARS ";"
    "INSERT INTO photo_words (date_key, photo_id, words)"
    "  SELECT date_key, photo_id, words FROM photo_words_flat;"
    "DROP TABLE photo_words_flat;" PG_WORDS_INDEX ";" PG_EXACT_MATCH,
    /* 17: the planner's statistics of the words kept for 10,000 lexemes a year rather
     * than 1,000: with 1,000, a word in fewer than one photo in a hundred is estimated at
     * half the rarest one kept, and one in six hundred (1,500 photos a year) was taken
     * for 4,200; the newest of a query's matches were then read through the year's date
     * keys where its index had them at once (at ten million photos, 25 ms against 4). A
     * year's table made later is given the same (photodesk_words_year()). */
    "ALTER TABLE photo_words ALTER COLUMN words SET STATISTICS " PG_WORDS_STATISTICS
    ";" PG_WORDS_YEAR_FUNCTION(PG_WORDS_YEAR_STATISTICS) "ANALYZE photo_words;",
    /* 18: SQLite's full-text index merged in sixteens (schema.c); PostgreSQL's GIN index
     * has nothing of the kind, and the number is kept the same on both */
    "SELECT 18;",
};

/* The events, written as SQLite's triggers write them (schema.c, migration 7), in the
 * transaction of each change. Each takes the write lock (PD_CATALOG_PG_LOCK), so that
 * events are numbered in the order their transactions commit: a follower reading past
 * the last id it saw misses none. Each transaction with events notifies
 * "photodesk_events" when it commits (LISTEN: webui/events.c). */
static const char pg_triggers[] =
    "CREATE FUNCTION photodesk_event(what text, photo bigint, article bigint, v bigint,"
    "  killed bigint, lightbox bigint) RETURNS void LANGUAGE plpgsql AS $$"
    " DECLARE n bigint;"
    " BEGIN"
    "  PERFORM pg_advisory_xact_lock(" PD_CATALOG_PG_LOCK ");"
    "  INSERT INTO events (at, kind, photo_id, article_id, version, kill, lightbox_id)"
    "  VALUES (to_char(clock_timestamp() AT TIME ZONE 'UTC',"
    "    'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), what, photo, article, v, coalesce(killed, 0),"
    "    lightbox) RETURNING id INTO n;"
    "  IF n % 1000 = 0 THEN DELETE FROM events WHERE id <= n - 100000; END IF;"
    "  PERFORM pg_notify('photodesk_events', '');"
    " END $$;"
    "CREATE FUNCTION events_photo() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'INSERT' THEN"
    "   PERFORM photodesk_event('photo', NEW.id, NULL, NEW.version, NEW.kill, NULL);"
    "  ELSIF NEW.version <> OLD.version THEN"
    "   PERFORM photodesk_event('version', NEW.id, NULL, NEW.version, NEW.kill, NULL);"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER events_photo AFTER INSERT OR UPDATE OF version ON photos"
    "  FOR EACH ROW EXECUTE FUNCTION events_photo();"
    "CREATE FUNCTION events_article() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  PERFORM photodesk_event('article', NULL, NEW.id, NEW.version, NULL, NULL);"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER events_article AFTER INSERT OR UPDATE ON articles"
    "  FOR EACH ROW EXECUTE FUNCTION events_article();"
    "CREATE FUNCTION events_placement() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'DELETE' THEN"
    "   PERFORM photodesk_event('article', OLD.photo_id, OLD.article_id, NULL, NULL, NULL);"
    "  ELSE"
    "   PERFORM photodesk_event('article', NEW.photo_id, NEW.article_id, NULL, NULL, NULL);"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER events_placement AFTER INSERT OR UPDATE OR DELETE ON placements"
    "  FOR EACH ROW EXECUTE FUNCTION events_placement();"
    "CREATE FUNCTION events_pick() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  PERFORM photodesk_event('pick', NEW.photo_id, NULL, NULL, NULL, NULL);"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER events_pick AFTER INSERT ON pick_history"
    "  FOR EACH ROW EXECUTE FUNCTION events_pick();"
    "CREATE FUNCTION events_lightbox_photo() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'DELETE' THEN"
    "   PERFORM photodesk_event('lightbox', OLD.photo_id, NULL, NULL, NULL, OLD.lightbox_id);"
    "  ELSE"
    "   PERFORM photodesk_event('lightbox', NEW.photo_id, NULL, NULL, NULL, NEW.lightbox_id);"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER events_lightbox_photo AFTER INSERT OR DELETE ON lightbox_photos"
    "  FOR EACH ROW EXECUTE FUNCTION events_lightbox_photo();"
    "CREATE FUNCTION events_lightbox() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'DELETE' THEN"
    "   PERFORM photodesk_event('lightbox', NULL, NULL, NULL, NULL, OLD.id);"
    "  ELSE"
    "   PERFORM photodesk_event('lightbox', NULL, NULL, NULL, NULL, NEW.id);"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER events_lightbox AFTER INSERT OR UPDATE OR DELETE ON lightboxes"
    "  FOR EACH ROW EXECUTE FUNCTION events_lightbox();"
    /* a session ended (a logout, a password changed, an account disabled) is told to
     * every server, whose cache forgets it at once (webui/cache.c) */
    "CREATE FUNCTION sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  PERFORM pg_notify('photodesk_sessions', OLD.token_hash);"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER sessions_ended AFTER DELETE ON sessions"
    "  FOR EACH ROW EXECUTE FUNCTION sessions_ended();";

/* The tables copied, each after those it refers to; those numbered by an identity
 * column have it set past their highest id afterwards. */
static const struct {
    const char *name;
    gboolean identity;
} tables[] = {
    {"photos", TRUE},
    {"photo_keywords", FALSE},
    {"originals", FALSE},
    {"renditions", FALSE},
    {"versions", TRUE},
    {"version_changes", FALSE},
    {"users", TRUE},
    {"sessions", FALSE},
    {"articles", TRUE},
    {"placements", FALSE},
    {"hot_files", FALSE},
    {"settings", FALSE},
    {"picks", FALSE},
    {"pick_history", TRUE},
    {"events", TRUE},
    {"lightboxes", TRUE},
    {"lightbox_photos", TRUE},
    {"saved_searches", TRUE},
    {"batches", TRUE},
    {"batch_photos", FALSE},
    {"deliveries", TRUE},
    {"delivery_photos", FALSE},
    {"delivery_attempts", FALSE},
    {"login_failures", FALSE},
};

static gboolean
pg_failed(PGconn *pg, GError **error, const char *what)
{
    g_autofree char *msg = g_strstrip(g_strdup(PQerrorMessage(pg)));
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "PostgreSQL: %s: %s", what, msg);
    return FALSE;
}

/* Runs @sql; FALSE with @error saying @what failed. */
static gboolean
pg_exec(PGconn *pg, const char *sql, const char *what, GError **error)
{
    PGresult *r = PQexec(pg, sql);
    ExecStatusType s = PQresultStatus(r);
    gboolean ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok) {
        g_autofree char *msg = g_strstrip(g_strdup(PQresultErrorMessage(r)));
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "PostgreSQL: %s: %s", what,
                    msg);
    }
    PQclear(r);
    return ok;
}

/* The one number @sql answers (-1 with @error). */
static gint64
pg_number(PGconn *pg, const char *sql, const char *what, GError **error)
{
    PGresult *r = PQexec(pg, sql);
    gint64 n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        n = g_ascii_strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else if (PQresultStatus(r) == PGRES_TUPLES_OK)
        n = 0;
    else
        pg_failed(pg, error, what);
    PQclear(r);
    return n;
}

/* @s as a field of COPY's text format, appended to @row. */
static void
copy_text(GString *row, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            g_string_append(row, "\\\\");
            break;
        case '\t':
            g_string_append(row, "\\t");
            break;
        case '\n':
            g_string_append(row, "\\n");
            break;
        case '\r':
            g_string_append(row, "\\r");
            break;
        default:
            g_string_append_c(row, *s);
        }
    }
}

static gboolean copy_end(PGconn *pg, gboolean ok, const char *table, GError **error);
static gboolean make_schema(PGconn *pg, gboolean triggers, GError **error);

/* The full-text index of every photo copied (words-pg.c), made from SQLite's rows by
 * the same tokenizer, sent with COPY into photo_words; counted against the photos. */
static gboolean
copy_words(sqlite3 *db, PGconn *pg, gint64 photos, GError **error)
{
    GString *select = g_string_new("SELECT id, date_key");
    for (int i = 0; i < PD_QUERY_COLUMNS; i++)
        g_string_append_printf(select, ", %s", pd_query_column_name(i));
    g_string_append(select, " FROM photos");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, select->str, -1, &st, NULL);
    g_string_free(select, TRUE);
    if (rc != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "reading photos: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    /* the years' tables first, from the photos copied */
    if (!pg_exec(pg, PG_MAKE_YEARS("photos"), "indexing", error)) {
        sqlite3_finalize(st);
        return FALSE;
    }
    PGresult *r = PQexec(pg, "COPY photo_words (photo_id, date_key, words) FROM STDIN");
    gboolean ok = PQresultStatus(r) == PGRES_COPY_IN || pg_failed(pg, error, "indexing");
    PQclear(r);
    g_autoptr(GString) row = g_string_new(NULL);
    rc = SQLITE_DONE;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text[PD_QUERY_COLUMNS];
        for (int i = 0; i < PD_QUERY_COLUMNS; i++)
            text[i] = (const char *)sqlite3_column_text(st, i + 2);
        g_autofree char *words = pd_catalog_words_of(db, text, error);
        if (words == NULL) {
            PQputCopyEnd(pg, "the tokenizer failed");
            ok = FALSE;
            break;
        }
        g_string_printf(row, "%lld\t%lld\t", (long long)sqlite3_column_int64(st, 0),
                        (long long)sqlite3_column_int64(st, 1));
        copy_text(row, words);
        g_string_append_c(row, '\n');
        ok = PQputCopyData(pg, row->str, (int)row->len) == 1 || pg_failed(pg, error, "indexing");
    }
    if (ok && rc != SQLITE_DONE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "reading photos: %s",
                    sqlite3_errmsg(db));
        PQputCopyEnd(pg, "the SQLite catalog could not be read");
        ok = FALSE;
    }
    sqlite3_finalize(st);
    if (!copy_end(pg, ok, "the index", error))
        return FALSE;
    gint64 indexed = pg_number(pg, "SELECT count(*) FROM photo_words", "indexing", error);
    if (indexed >= 0 && indexed != photos)
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                    "the index: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                    " photos indexed: nothing was kept",
                    indexed, photos);
    return indexed == photos;
}

/* The columns of SQLite's @table, in order (newly allocated, NULL-terminated). */
static char **
columns_of(sqlite3 *db, const char *table, GError **error)
{
    g_autofree char *sql = g_strdup_printf("PRAGMA table_info(%s)", table);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "reading %s: %s", table,
                    sqlite3_errmsg(db));
        return NULL;
    }
    GPtrArray *cols = g_ptr_array_new();
    while (sqlite3_step(st) == SQLITE_ROW)
        g_ptr_array_add(cols, g_strdup((const char *)sqlite3_column_text(st, 1)));
    sqlite3_finalize(st);
    g_ptr_array_add(cols, NULL);
    return (char **)g_ptr_array_free(cols, FALSE);
}

/* Copies SQLite's @table into PostgreSQL's; *@rows: how many. */
static gboolean
copy_table(sqlite3 *db, PGconn *pg, const char *table, gint64 *rows, GError **error)
{
    g_auto(GStrv) cols = columns_of(db, table, error);
    if (cols == NULL)
        return FALSE;
    g_autofree char *list = g_strjoinv(", ", cols);
    g_autofree char *select = g_strdup_printf("SELECT %s FROM %s", list, table);
    g_autofree char *copy = g_strdup_printf("COPY %s (%s) FROM STDIN", table, list);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, select, -1, &st, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "reading %s: %s", table,
                    sqlite3_errmsg(db));
        return FALSE;
    }
    PGresult *r = PQexec(pg, copy);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        PQclear(r);
        sqlite3_finalize(st);
        g_autofree char *what = g_strdup_printf("copying %s (does PostgreSQL's schema have its "
                                                "columns?)",
                                                table);
        return pg_failed(pg, error, what);
    }
    PQclear(r);
    int ncols = (int)g_strv_length(cols);
    g_autoptr(GString) row = g_string_new(NULL);
    gboolean ok = TRUE;
    int rc;
    *rows = 0;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        g_string_truncate(row, 0);
        for (int i = 0; i < ncols; i++) {
            if (i)
                g_string_append_c(row, '\t');
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL:
                g_string_append(row, "\\N");
                break;
            case SQLITE_INTEGER:
                g_string_append_printf(row, "%lld", (long long)sqlite3_column_int64(st, i));
                break;
            case SQLITE_FLOAT: {
                char d[G_ASCII_DTOSTR_BUF_SIZE];
                g_string_append(row, g_ascii_dtostr(d, sizeof d, sqlite3_column_double(st, i)));
                break;
            }
            default:
                copy_text(row, (const char *)sqlite3_column_text(st, i));
            }
        }
        g_string_append_c(row, '\n');
        ok = PQputCopyData(pg, row->str, (int)row->len) == 1;
        (*rows)++;
    }
    if (ok && rc != SQLITE_DONE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "reading %s: %s", table,
                    sqlite3_errmsg(db));
        PQputCopyEnd(pg, "the SQLite catalog could not be read");
        ok = FALSE;
    }
    sqlite3_finalize(st);
    return copy_end(pg, ok, table, error);
}

/* Ends a COPY into @table (@ok: all was sent); FALSE with @error when it failed. */
static gboolean
copy_end(PGconn *pg, gboolean ok, const char *table, GError **error)
{
    if (ok && PQputCopyEnd(pg, NULL) != 1)
        ok = pg_failed(pg, error, table);
    PGresult *r;
    while ((r = PQgetResult(pg)) != NULL) {
        if (ok && PQresultStatus(r) != PGRES_COMMAND_OK) {
            g_autofree char *msg = g_strstrip(g_strdup(PQresultErrorMessage(r)));
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                        "PostgreSQL: copying %s: %s", table, msg);
            ok = FALSE;
        }
        PQclear(r);
    }
    return ok;
}

static gint64
sqlite_count(sqlite3 *db, const char *table)
{
    g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM %s", table);
    sqlite3_stmt *st = NULL;
    gint64 n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Whether every table of the SQLite catalog is one the copy knows (the full-text index,
 * made again from the photos, and SQLite's own aside): a table a later migration adds
 * is never left behind unsaid. */
static gboolean
every_table_known(sqlite3 *db, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                           "'sqlite_%' AND name NOT LIKE 'photos_fts%' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "listing tables: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    gboolean ok = TRUE;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        gboolean known = FALSE;
        for (guint i = 0; i < G_N_ELEMENTS(tables) && !known; i++)
            known = strcmp(tables[i].name, name) == 0;
        if (!known) {
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                        "the catalog has a table the copy does not know: %s", name);
            ok = FALSE;
        }
    }
    sqlite3_finalize(st);
    return ok;
}

/* The copy, inside PostgreSQL's transaction and SQLite's read transaction. */
static gboolean
copy_all(sqlite3 *db, PGconn *pg, PdCatalogCopied report, gpointer user_data, GError **error)
{
    if (!every_table_known(db, error))
        return FALSE;
    gint64 there = pg_number(pg,
                             "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                             "current_schema() AND table_name IN ('photodesk_schema', 'photos')",
                             "looking at the database", error);
    if (there < 0)
        return FALSE;
    if (there > 0) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                    "the database already holds a catalog: copy into an empty one");
        return FALSE;
    }
    if (!make_schema(pg, FALSE, error) ||
        !pg_exec(pg, "DROP INDEX photo_words_date_key, photo_words_words", "copying", error))
        return FALSE;
    gint64 photos = 0;
    for (guint i = 0; i < G_N_ELEMENTS(tables); i++) {
        gint64 rows = 0;
        if (!copy_table(db, pg, tables[i].name, &rows, error))
            return FALSE;
        gint64 before = sqlite_count(db, tables[i].name);
        g_autofree char *count = g_strdup_printf("SELECT count(*) FROM %s", tables[i].name);
        gint64 after = pg_number(pg, count, "counting", error);
        if (after < 0)
            return FALSE;
        if (before != rows || after != rows) {
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                        "%s: %" G_GINT64_FORMAT " rows in SQLite, %" G_GINT64_FORMAT
                        " read, %" G_GINT64_FORMAT " in PostgreSQL: nothing was kept",
                        tables[i].name, before, rows, after);
            return FALSE;
        }
        if (tables[i].identity) {
            g_autofree char *next = g_strdup_printf(
                "SELECT setval(pg_get_serial_sequence('%s', 'id'), coalesce(max(id), 0) + 1, "
                "false) FROM %s",
                tables[i].name, tables[i].name);
            if (!pg_exec(pg, next, "numbering", error))
                return FALSE;
        }
        if (i == 0)
            photos = rows;
        if (report)
            report(tables[i].name, rows, user_data);
    }
    /* the full-text index, built once over every photo rather than photo by photo; then
     * the triggers: the rows copied make no events; then the planner's statistics, so
     * that the first searches are planned on them */
    return copy_words(db, pg, photos, error) &&
           pg_exec(pg, "SET LOCAL maintenance_work_mem = '1GB'", "indexing", error) &&
           pg_exec(pg, PG_WORDS_INDEX, "indexing", error) &&
           pg_exec(pg, pg_triggers, "making the schema", error) &&
           pg_exec(pg, "ANALYZE", "counting for the planner", error);
}

char *
pd_catalog_url_without_password(const char *url)
{
    /* postgresql://user:secret@host/db: the secret between the first ':' after the
     * scheme and the '@' */
    const char *rest = strstr(url, "://");
    const char *at = rest ? strchr(rest + 3, '@') : NULL;
    const char *colon = rest ? strchr(rest + 3, ':') : NULL;
    GString *out = g_string_new(NULL);
    if (at && colon && colon < at)
        g_string_append_printf(out, "%.*s:***%s", (int)(colon - url), url, at);
    else
        g_string_append(out, url);
    /* and password=... in the query */
    char *p = strstr(out->str, "password=");
    if (p) {
        gsize from = (gsize)(p - out->str) + 9, to = from;
        while (to < out->len && out->str[to] != '&')
            to++;
        g_string_erase(out, (gssize)from, (gssize)(to - from));
        g_string_insert(out, (gssize)from, "***");
    }
    return g_string_free(out, FALSE);
}

int
pd_catalog_pg_version(PdCatalog *c)
{
    PGresult *r = PQexec(c->pg, "SELECT max(version) FROM photodesk_schema");
    int v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        v = (int)g_ascii_strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* Whether the database has photodesk's schema table (-1: could not tell). */
static int
has_schema(PGconn *pg, GError **error)
{
    gint64 n = pg_number(pg,
                         "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                         "current_schema() AND table_name = 'photodesk_schema'",
                         "looking at the database", error);
    return n < 0 ? -1 : n > 0;
}

/* Makes the newest schema in an empty database (the caller holds the transaction):
 * pg_schema, then each migration after it; with @triggers, the events' triggers too. */
static gboolean
make_schema(PGconn *pg, gboolean triggers, GError **error)
{
    if (PG_BASE + (int)G_N_ELEMENTS(pg_migrations) != pd_catalog_newest_schema()) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_SCHEMA,
                    "PostgreSQL's schema goes to version %d, SQLite's to %d",
                    PG_BASE + (int)G_N_ELEMENTS(pg_migrations), pd_catalog_newest_schema());
        return FALSE;
    }
    g_autofree char *version = g_strdup_printf("INSERT INTO photodesk_schema VALUES (%d)", PG_BASE);
    if (!pg_exec(pg, pg_schema, "making the schema", error) ||
        !pg_exec(pg, version, "making the schema", error) ||
        (triggers && !pg_exec(pg, pg_triggers, "making the schema", error)))
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(pg_migrations); i++)
        if (!pg_exec(pg, pg_migrations[i], "making the schema", error))
            return FALSE;
    g_autofree char *newest =
        g_strdup_printf("UPDATE photodesk_schema SET version = %d", pd_catalog_newest_schema());
    return pg_exec(pg, newest, "making the schema", error);
}

/* Brings a schema at @from up to the newest, a migration a transaction under the write
 * lock, the version read again under it (two servers starting at once). */
static gboolean
migrate(PGconn *pg, int from, GError **error)
{
    for (int v = from; v < pd_catalog_newest_schema(); v++) {
        if (v < PG_BASE) {
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_SCHEMA,
                        "the catalog in PostgreSQL is at schema %d, before any this photodesk "
                        "made there",
                        v);
            return FALSE;
        }
        g_autofree char *bump = g_strdup_printf("UPDATE photodesk_schema SET version = %d", v + 1);
        g_autofree char *check =
            g_strdup_printf("SELECT count(*) FROM photodesk_schema WHERE version = %d", v);
        gboolean ok = pg_exec(pg, "BEGIN; SELECT pg_advisory_xact_lock(" PD_CATALOG_PG_LOCK ")",
                              "migrating", error);
        gint64 still = ok ? pg_number(pg, check, "migrating", error) : -1;
        ok = still == 0 ||
             (still == 1 && pg_exec(pg, pg_migrations[v - PG_BASE], "migrating", error) &&
              pg_exec(pg, bump, "migrating", error));
        ok = ok && pg_exec(pg, "COMMIT", "migrating", error);
        if (!ok) {
            PQclear(PQexec(pg, "ROLLBACK"));
            g_prefix_error(error, "migration %d: ", v + 1);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
pd_catalog_pg_schema(PdCatalog *c, GError **error)
{
    int there = has_schema(c->pg, error);
    if (there < 0)
        return FALSE;
    if (!there) {
        if (c->mode == PD_CATALOG_READ_ONLY) {
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN,
                        "the database holds no photodesk catalog");
            return FALSE;
        }
        /* two servers starting at once: one makes it, the other finds it made */
        gboolean ok = pg_exec(c->pg, "BEGIN; SELECT pg_advisory_xact_lock(" PD_CATALOG_PG_LOCK ")",
                              "making the schema", error);
        int again = ok ? has_schema(c->pg, error) : -1;
        ok = again == 1 || (again == 0 && make_schema(c->pg, TRUE, error));
        ok = ok && pg_exec(c->pg, "COMMIT", "making the schema", error);
        if (!ok) {
            PQclear(PQexec(c->pg, "ROLLBACK"));
            return FALSE;
        }
    }
    int v = pd_catalog_pg_version(c);
    if (v > pd_catalog_newest_schema()) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_SCHEMA,
                    "the catalog in PostgreSQL is at schema %d; this photodesk knows %d: use a "
                    "newer photodesk",
                    v, pd_catalog_newest_schema());
        return FALSE;
    }
    if (v < pd_catalog_newest_schema() && c->mode == PD_CATALOG_READ_ONLY) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_SCHEMA,
                    "the catalog in PostgreSQL is at schema %d and needs upgrading to %d; run "
                    "photodesk fsck on it first",
                    v, pd_catalog_newest_schema());
        return FALSE;
    }
    return migrate(c->pg, v, error);
}

gboolean
pd_catalog_copy_to_pg(PdCatalog *catalog, const char *url, PdCatalogCopied report,
                      gpointer user_data, GError **error)
{
    if (pd_catalog_schema_version(catalog) != pd_catalog_newest_schema()) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                    "the catalog is at schema %d, not %d: open it with this photodesk first",
                    pd_catalog_schema_version(catalog), pd_catalog_newest_schema());
        return FALSE;
    }
    PGconn *pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK) {
        pg_failed(pg, error, "connecting");
        PQfinish(pg);
        return FALSE;
    }
    PQsetClientEncoding(pg, "UTF8");
    sqlite3 *db = pd_catalog_db(catalog);
    gboolean ok = pd_catalog_exec(catalog, "BEGIN", error);
    if (ok) {
        ok = pg_exec(pg, "BEGIN ISOLATION LEVEL SERIALIZABLE", "starting", error) &&
             copy_all(db, pg, report, user_data, error) &&
             pg_exec(pg, "COMMIT", "committing", error);
        if (!ok)
            PQclear(PQexec(pg, "ROLLBACK"));
        pd_catalog_exec(catalog, "COMMIT", NULL);
    }
    PQfinish(pg);
    return ok;
}
