/* schema.c: the catalog's schema as numbered migrations, one transaction each, tracked
 * in PRAGMA user_version: a catalog made by any earlier photodesk is brought up to date
 * when it is opened (tests/catalog/test-migrate.c opens one of each). */
#include "catalog/catalog-private.h"

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

    /* 6: the mandatory credit, read from the caption, as columns of its own (it was only
     * in the restrictions' JSON, which had to be parsed back to know it) */
    "ALTER TABLE photos ADD COLUMN mandatory_credit INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE photos ADD COLUMN mandatory_credit_text TEXT;"
    "UPDATE photos SET"
    "  mandatory_credit = coalesce(json_extract(restrictions, '$.mandatory_credit'), 0),"
    "  mandatory_credit_text = json_extract(restrictions, '$.mandatory_credit_text')"
    "  WHERE json_valid(restrictions);",

    /* 7: the live wire.
     * - events: what changed, in commit order, for the live page and any process that
     *   follows the catalog. Triggers write them in the transaction of the change, so an
     *   event is seen exactly when its change is; AUTOINCREMENT never gives an id twice,
     *   even after the oldest are pruned (the last 100,000 are kept).
     * - hot_files: each file a hot folder took, with the size and modification time it
     *   had and its outcome, written in the transaction of its photo: a restart never
     *   takes it twice, and a file that changed is taken again.
     * - users.seen_photo_id: the newest photo each editor has looked at ("new since I
     *   last looked"); photo ids grow with arrival. */
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('photo', 'version', 'article')),"
    "  photo_id INTEGER, article_id INTEGER, version INTEGER,"
    "  kill INTEGER NOT NULL DEFAULT 0);"
    "CREATE TRIGGER events_photo AFTER INSERT ON photos BEGIN"
    "  INSERT INTO events (at, kind, photo_id, version, kill)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'photo', new.id, new.version, new.kill);"
    "END;"
    "CREATE TRIGGER events_version AFTER UPDATE OF version ON photos"
    "  WHEN new.version <> old.version BEGIN"
    "  INSERT INTO events (at, kind, photo_id, version, kill)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'version', new.id, new.version, new.kill);"
    "END;"
    "CREATE TRIGGER events_article_insert AFTER INSERT ON articles BEGIN"
    "  INSERT INTO events (at, kind, article_id, version)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'article', new.id, new.version);"
    "END;"
    "CREATE TRIGGER events_article_update AFTER UPDATE ON articles BEGIN"
    "  INSERT INTO events (at, kind, article_id, version)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'article', new.id, new.version);"
    "END;"
    "CREATE TRIGGER events_placement_insert AFTER INSERT ON placements BEGIN"
    "  INSERT INTO events (at, kind, article_id, photo_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'article', new.article_id, new.photo_id);"
    "END;"
    "CREATE TRIGGER events_placement_update AFTER UPDATE ON placements BEGIN"
    "  INSERT INTO events (at, kind, article_id, photo_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'article', new.article_id, new.photo_id);"
    "END;"
    "CREATE TRIGGER events_placement_delete AFTER DELETE ON placements BEGIN"
    "  INSERT INTO events (at, kind, article_id, photo_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'article', old.article_id, old.photo_id);"
    "END;"
    "CREATE TRIGGER events_prune AFTER INSERT ON events WHEN new.id % 1000 = 0 BEGIN"
    "  DELETE FROM events WHERE id <= new.id - 100000;"
    "END;"
    "CREATE TABLE hot_files ("
    "  path TEXT PRIMARY KEY,"
    "  size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    "  outcome TEXT NOT NULL, photo_id INTEGER, reason TEXT, at TEXT NOT NULL) WITHOUT ROWID;"
    "ALTER TABLE users ADD COLUMN seen_photo_id INTEGER NOT NULL DEFAULT 0;",

    /* 8: one picture, many agencies. Photos that show the same photograph (a pool frame
     * each agency sent) share a group, named by its first photo's id; each keeps its
     * own caption, credit and history. The desk's settings (the agencies it subscribes
     * to, in order of preference) as keys and JSON values. */
    "ALTER TABLE photos ADD COLUMN group_id INTEGER;"
    "CREATE INDEX photos_group ON photos(group_id) WHERE group_id IS NOT NULL;"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",

    /* 9: how the picture was made. The provenance fields agencies now send (IPTC Digital
     * Source Type and the 2025 AI fields, PLUS Data Mining); `made`, what the digital
     * source type says (PdMade bits: 1 generative AI, 2 composite; NULL when it says
     * neither), with an index of the
     * few photos that have one, for the search filter; where the original carries C2PA
     * content credentials. A placement records what the editor confirmed placing (the
     * photo's `made` then): such a picture is placed knowingly. Photos ingested before
     * keep NULL until they are read again. */
    "ALTER TABLE photos ADD COLUMN digital_source_type TEXT;"
    "ALTER TABLE photos ADD COLUMN data_mining TEXT;"
    "ALTER TABLE photos ADD COLUMN ai_system TEXT;"
    "ALTER TABLE photos ADD COLUMN ai_system_version TEXT;"
    "ALTER TABLE photos ADD COLUMN ai_prompt TEXT;"
    "ALTER TABLE photos ADD COLUMN ai_prompt_writer TEXT;"
    "ALTER TABLE photos ADD COLUMN made INTEGER;"
    "ALTER TABLE photos ADD COLUMN content_credentials TEXT;"
    "CREATE INDEX photos_made ON photos(made, date_key) WHERE made IS NOT NULL;"
    "ALTER TABLE placements ADD COLUMN made_confirmed INTEGER NOT NULL DEFAULT 0;",

    /* 10: the desk's picks. Each photo's star rating (0 to 5) and colour label, as the
     * desk set them (not the wire: a re-send never touches them), with who set them and
     * when; every change kept in pick_history. Indexes of the few rated and labelled
     * photos, for the search filters. */
    "CREATE TABLE picks ("
    "  photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,"
    "  rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),"
    "  label TEXT CHECK (label IN ('red', 'yellow', 'green', 'blue', 'purple')),"
    "  by_user TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX picks_rating ON picks(rating) WHERE rating > 0;"
    "CREATE INDEX picks_label ON picks(label) WHERE label IS NOT NULL;"
    "CREATE TABLE pick_history ("
    "  id INTEGER PRIMARY KEY, photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  rating INTEGER NOT NULL, label TEXT, by_user TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX pick_history_photo ON pick_history(photo_id, id);",

    /* 11: the desk's shared sets and roles.
     * - users: a viewer role (searches and looks, changes nothing) and accounts an admin
     *   disabled (kept, for the history that names them, but no longer let in). SQLite
     *   cannot change a CHECK, so the table is made again; its sessions are kept across.
     * - lightboxes: named sets of photos the desk shares, each photo with who added it and
     *   when; saved_searches: named searches, as the API's query string.
     * - events: kinds for a pick and a lightbox changed (made again for the CHECK, its ids
     *   and the AUTOINCREMENT sequence kept), written by triggers like the others.
     * - the camera's settings as the photo's fields (base.h, PD_FIELD_CAMERA).
     * The renames run in legacy mode: the other tables' triggers that write to events
     * would otherwise be checked while the old table is gone and the new one not yet
     * named; nothing else refers to the tables made again by name. */
    "PRAGMA legacy_alter_table = ON;" /* the triggers naming events are checked after */
    "CREATE TABLE users_new ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),"
    "  password_hash TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, password_changed_at TEXT NOT NULL,"
    "  seen_photo_id INTEGER NOT NULL DEFAULT 0,"
    "  disabled_at TEXT, disabled_by TEXT);"
    "INSERT INTO users_new (id, name, role, password_hash, created_at, password_changed_at,"
    "  seen_photo_id)"
    "  SELECT id, name, role, password_hash, created_at, password_changed_at, seen_photo_id"
    "  FROM users;"
    "CREATE TEMP TABLE sessions_kept AS SELECT * FROM sessions;"
    "DROP TABLE users;" /* its sessions go with it (ON DELETE CASCADE)... */
    "ALTER TABLE users_new RENAME TO users;"
    "INSERT INTO sessions SELECT * FROM temp.sessions_kept;" /* ...and come back */
    "DROP TABLE temp.sessions_kept;"
    "CREATE TEMP TABLE events_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'events';"
    "CREATE TABLE events_new ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('photo', 'version', 'article', 'pick', 'lightbox')),"
    "  photo_id INTEGER, article_id INTEGER, version INTEGER,"
    "  kill INTEGER NOT NULL DEFAULT 0, lightbox_id INTEGER);"
    "INSERT INTO events_new (id, at, kind, photo_id, article_id, version, kill)"
    "  SELECT id, at, kind, photo_id, article_id, version, kill FROM events;"
    "DROP TABLE events;"
    "ALTER TABLE events_new RENAME TO events;"
    "DELETE FROM sqlite_sequence WHERE name = 'events';"
    "INSERT INTO sqlite_sequence (name, seq) SELECT 'events', seq FROM temp.events_sequence;"
    "DROP TABLE temp.events_sequence;"
    "PRAGMA legacy_alter_table = OFF;"
    "CREATE TRIGGER events_prune AFTER INSERT ON events WHEN new.id % 1000 = 0 BEGIN"
    "  DELETE FROM events WHERE id <= new.id - 100000;"
    "END;"
    "CREATE TRIGGER events_pick AFTER INSERT ON pick_history BEGIN"
    "  INSERT INTO events (at, kind, photo_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'pick', new.photo_id);"
    "END;"
    "CREATE TABLE lightboxes ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  created_by TEXT NOT NULL, created_at TEXT NOT NULL, changed_at TEXT NOT NULL);"
    "CREATE TABLE lightbox_photos ("
    "  id INTEGER PRIMARY KEY," /* the order they were put in */
    "  lightbox_id INTEGER NOT NULL REFERENCES lightboxes(id) ON DELETE CASCADE,"
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  added_by TEXT NOT NULL, added_at TEXT NOT NULL,"
    "  UNIQUE (lightbox_id, photo_id));"
    "CREATE INDEX lightbox_photos_photo ON lightbox_photos(photo_id);"
    "CREATE TRIGGER events_lightbox_insert AFTER INSERT ON lightbox_photos BEGIN"
    "  INSERT INTO events (at, kind, lightbox_id, photo_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'lightbox', new.lightbox_id, new.photo_id);"
    "END;"
    "CREATE TRIGGER events_lightbox_delete AFTER DELETE ON lightbox_photos BEGIN"
    "  INSERT INTO events (at, kind, lightbox_id, photo_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'lightbox', old.lightbox_id, old.photo_id);"
    "END;"
    "CREATE TRIGGER events_lightbox_new AFTER INSERT ON lightboxes BEGIN"
    "  INSERT INTO events (at, kind, lightbox_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'lightbox', new.id);"
    "END;"
    "CREATE TRIGGER events_lightbox_gone AFTER DELETE ON lightboxes BEGIN"
    "  INSERT INTO events (at, kind, lightbox_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'lightbox', old.id);"
    "END;"
    "CREATE TRIGGER events_lightbox_update AFTER UPDATE ON lightboxes BEGIN"
    "  INSERT INTO events (at, kind, lightbox_id)"
    "  VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'lightbox', new.id);"
    "END;"
    "CREATE TABLE saved_searches ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  query TEXT NOT NULL,"
    "  created_by TEXT NOT NULL, created_at TEXT NOT NULL);"
    "ALTER TABLE photos ADD COLUMN lens TEXT;"
    "ALTER TABLE photos ADD COLUMN exposure TEXT;"
    "ALTER TABLE photos ADD COLUMN aperture TEXT;"
    "ALTER TABLE photos ADD COLUMN iso TEXT;"
    "ALTER TABLE photos ADD COLUMN focal_length TEXT;",

    /* 12: batch edits. A batch changes many photos at once, each a version of its own;
     * the batch keeps what it asked (its edits, as JSON), who and when, and for each
     * photo the versions before and after, so that it can be undone as one action (each
     * photo still at the batch's version gets a new version with its fields as before). */
    "CREATE TABLE batches ("
    "  id INTEGER PRIMARY KEY,"
    "  edits TEXT NOT NULL,"
    "  by_user TEXT NOT NULL, at TEXT NOT NULL,"
    "  undone_by TEXT, undone_at TEXT);"
    "CREATE TABLE batch_photos ("
    "  batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  version_before INTEGER NOT NULL, version_after INTEGER NOT NULL,"
    "  PRIMARY KEY (batch_id, photo_id)) WITHOUT ROWID;",

    /* 13: deliveries and each use's output. Each package of an article (a zip, a folder, a CMS) is
     * recorded: when, by whom, where to, whether an editor delivered embargoed photos knowingly,
     * and which version of each photo went, so that a photo's page says where and when
     * it was used. */
    "CREATE TABLE deliveries ("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  at TEXT NOT NULL, by_user TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  under_embargo INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX deliveries_article ON deliveries(article_id);"
    "CREATE TABLE delivery_photos ("
    "  delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,"
    "  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  version INTEGER NOT NULL,"
    "  embargo_until TEXT,"
    "  PRIMARY KEY (delivery_id, photo_id)) WITHOUT ROWID;"
    "CREATE INDEX delivery_photos_photo ON delivery_photos(photo_id);"
    /* and each placement's output: a crop of the upright picture ("x,y,w,h", fractions),
     * the aspect it was drawn to, and the output profile (NULL: the package's) */
    "ALTER TABLE placements ADD COLUMN crop TEXT;"
    "ALTER TABLE placements ADD COLUMN crop_aspect TEXT;"
    "ALTER TABLE placements ADD COLUMN profile TEXT;",

    /* 14: deliveries to the desk's targets: where the package went (the folder written, the
     * address posted to), why it did not (NULL: it did), and each attempt with its answer,
     * so that a CMS that failed twice and then took it shows as such. */
    "ALTER TABLE deliveries ADD COLUMN location TEXT;"
    "ALTER TABLE deliveries ADD COLUMN failed TEXT;"
    "CREATE TABLE delivery_attempts ("
    "  delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,"
    "  n INTEGER NOT NULL,"
    "  at TEXT NOT NULL,"
    "  ok INTEGER NOT NULL,"
    "  answer TEXT NOT NULL,"
    "  seconds REAL NOT NULL,"
    "  PRIMARY KEY (delivery_id, n)) WITHOUT ROWID;",

    /* 15: failed logins, by account and by address (keys: webui/auth.c), counted in the
     * catalog so that every server on it counts the same tries; the window they count
     * in starts at window_start (seconds since 1970). */
    "CREATE TABLE login_failures ("
    "  key TEXT PRIMARY KEY,"
    "  count INTEGER NOT NULL,"
    "  window_start INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX login_failures_window ON login_failures(window_start);",

    /* 16: on PostgreSQL the full-text index is split by year (pg.c); SQLite's is in date
     * order already, and nothing changes here: the number is kept the same on both. */
    "",

    /* 17: on PostgreSQL the planner keeps statistics of more words (pg.c); nothing for
     * SQLite, whose full-text index has no planner statistics. */
    "",

    /* 18: the full-text index merged in sixteens rather than eights. FTS5 merges as it
     * writes; at 8 a level's segments are merged as soon as eight are there, and the
     * merges of the largest levels (a gigabyte and more at millions of photos) slow the
     * ingest they run in. At 16 an index has one level fewer and each photo costs less
     * merging (at ten million photos built through the API, bench/README.md); a search
     * reads up to twice as many segments of a level until `catalog optimize` merges them
     * into one. A level is merged at once, in the write that finds it so, only when 32
     * are there (crisismerge): above 16, or every level would be. */
    ("INSERT INTO photos_fts(photos_fts, rank) VALUES ('automerge', 16);"
     "INSERT INTO photos_fts(photos_fts, rank) VALUES ('crisismerge', 32);"),
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
          * pd_catalog_index_pending()); changes and deletions by these triggers. */
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

/* Migration 2: the date key of every dated photo, in the order they arrived. */
static gboolean
assign_date_keys(PdCatalog *c, GError **error)
{
    sqlite3_stmt *list = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT id, date_created FROM photos WHERE date_created IS NOT NULL "
                           "ORDER BY id",
                           -1, &list, NULL) != SQLITE_OK)
        return pd_catalog_fail(c, error, "listing photos");
    PdStmt *set = pd_catalog_statement(c, "UPDATE photos SET date_key = ?2 WHERE id = ?1", error);
    gboolean ok = set != NULL;
    int rc;
    while (ok && (rc = sqlite3_step(list)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(list, 0), key;
        ok = pd_catalog_next_date_key(c, (const char *)sqlite3_column_text(list, 1), id, &key,
                                      error);
        if (ok) {
            pd_stmt_bind_int64(set, 1, id);
            pd_stmt_bind_int64(set, 2, key);
            ok = pd_catalog_run(c, set, "setting a date key", error);
        }
    }
    if (ok && rc != SQLITE_DONE)
        ok = pd_catalog_fail(c, error, "listing photos");
    sqlite3_finalize(list);
    return ok;
}

int
pd_catalog_newest_schema(void)
{
    return (int)G_N_ELEMENTS(migrations);
}

/* Brings the schema up to version @want (every migration there is: the newest). */
gboolean
pd_catalog_migrate(PdCatalog *c, int want, GError **error)
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
        if (!pd_catalog_exec(c, "BEGIN IMMEDIATE", error))
            return FALSE;
        int v = pd_catalog_schema_version(c);
        if (v >= want) {
            pd_catalog_exec(c, "COMMIT", NULL);
            break;
        }
        g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", v + 1);
        gboolean ok = pd_catalog_exec(c, migrations[v], error);
        if (ok && migration_ends[v].step != NULL)
            ok = migration_ends[v].step(c, error) &&
                 pd_catalog_exec(c, migration_ends[v].sql, error);
        if (!ok || !pd_catalog_exec(c, bump, error)) {
            pd_catalog_exec(c, "ROLLBACK", NULL);
            g_prefix_error(error, "migration %d: ", v + 1);
            return FALSE;
        }
        if (!pd_catalog_exec(c, "COMMIT", error))
            return FALSE;
        have = v + 1;
    }
    return TRUE;
}
