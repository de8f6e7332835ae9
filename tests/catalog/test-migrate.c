/* test-migrate.c: a catalog filled as each earlier photodesk left it (schema versions 1 to
 * the one before the newest), opened by this one: migrated in place, nothing lost, and
 * usable at once (read, searched, written). Each fixture is the SQL an earlier version
 * wrote: photos with keywords, originals, renditions and a correction in their history;
 * from version 3 users and sessions; from version 4 an article with a placed photo; from
 * version 5 the pictures of photos, versions and placements. */
#include "catalog/catalog-private.h"

#include <glib/gstdio.h>
#include <string.h>

/* Two photos, as schema 1 (and, with the date key, 2 and later) stored them: %s is the
 * date key's column and %s its value for each photo (empty for schema 1). */
#define PHOTO_COLUMNS                                                                              \
    "id, sha256, image_sha256, format, ext, bytes, width, height, orientation, caption,"           \
    " headline, byline, credit, source, date_created, date_created_local, city, country,"          \
    " keywords, transmission_reference, caption_body, photographer, distributor, credit_line,"     \
    " restrictions, checks, warnings, dhash, version, ingested_at, updated_at"

static const char photos_v1[] =
    "INSERT INTO photos (" PHOTO_COLUMNS "%s) VALUES"
    " (1, 'aaaa', 'img-aaaa', 'jpeg', 'jpg', 5000, 6000, 4000, 1,"
    "  'Fishing boats return to the harbour at dawn in Tromsø, Norway. (AP Photo/Ingrid"
    " Solberg)', 'Norway Fishing', 'Ingrid Solberg', 'AP', 'AP', '2024-03-05T06:48:12+01:00',"
    "  '2024-03-05', 'Tromsø', 'Norway', 'fishing\nharbour', 'NOR101',"
    "  'Fishing boats return to the harbour at dawn in Tromsø, Norway.', 'Ingrid Solberg', 'AP',"
    "  'Ingrid Solberg/AP', '{}', '[]', '[]', 1234567, 2, '2024-03-05T07:00:00.000Z',"
    "  '2024-03-05T08:00:00.000Z'%s),"
    " (2, 'bbbb', 'img-bbbb', 'jpeg', 'jpg', 4000, 3000, 2000, 6,"
    "  'Members of the city council vote in Zürich. (Marco Keller/Pool Photo via AP)',"
    "  'Switzerland Budget', 'Marco Keller', 'AP', 'POOL', '2024-11-04', '2024-11-04', 'Zürich',"
    "  'Switzerland', NULL, NULL, 'Members of the city council vote in Zürich.', 'Marco Keller',"
    "  'AP', 'Marco Keller/Pool via AP', '{\"mandatory_credit\": true,"
    " \"mandatory_credit_text\": \"Marco Keller/Pool\"}', '[]', '[]', NULL, 1,"
    "  '2024-11-04T10:00:00.000Z', '2024-11-04T10:00:00.000Z'%s);"
    "INSERT INTO photo_keywords (photo_id, position, keyword) VALUES"
    " (1, 0, 'fishing'), (1, 1, 'harbour');"
    "INSERT INTO originals (sha256, photo_id, ext, bytes, received_at, file) VALUES"
    " ('aaaa', 1, 'jpg', 5000, '2024-03-05T07:00:00.000Z', 'harbour.jpg'),"
    " ('bbbb', 2, 'jpg', 4000, '2024-11-04T10:00:00.000Z', 'council.jpg');"
    "INSERT INTO renditions (photo_id, name, sha256, width, height, bytes) VALUES"
    " (1, 'web', 'aaaa', 2048, 1365, 900), (1, 'preview', 'aaaa', 1280, 853, 500),"
    " (1, 'thumb', 'aaaa', 320, 213, 100), (2, 'web', 'bbbb', 1365, 2048, 800),"
    " (2, 'preview', 'bbbb', 853, 1280, 400), (2, 'thumb', 'bbbb', 213, 320, 90);"
    "INSERT INTO versions (id, photo_id, version, at, by_user, by_ingest, original_sha256) VALUES"
    " (1, 1, 1, '2024-03-05T07:00:00.000Z', NULL, 'harbour.jpg', 'aaaa'),"
    " (2, 1, 2, '2024-03-05T08:00:00.000Z', 'anna', NULL, NULL),"
    " (3, 2, 1, '2024-11-04T10:00:00.000Z', NULL, 'council.jpg', 'bbbb');"
    "INSERT INTO version_changes (version_id, field, old_value, new_value) VALUES"
    " (2, 'headline', 'NOR Fishing', 'Norway Fishing');";

/* From schema 2 on, new photos were indexed by the writer, not by a trigger, under their
 * date key (the local day since 1800, shifted: catalog-private.h). */
static const char index_v2[] =
    "INSERT INTO photos_fts (rowid, caption, headline, object_name, byline, credit, source, city,"
    " country, keywords, credit_line) SELECT date_key, caption, headline, object_name, byline,"
    " credit, source, city, country, keywords, credit_line FROM photos;";

static const char users_v3[] =
    "INSERT INTO users (id, name, role, password_hash, created_at, password_changed_at) VALUES"
    " (1, 'anna', 'editor', '$argon2id$hash', '2024-01-01T00:00:00.000Z',"
    "  '2024-01-01T00:00:00.000Z');"
    "INSERT INTO sessions (token_hash, user_id, csrf_hash, created_at, expires_at) VALUES"
    " ('token-hash', 1, 'csrf-hash', '2024-01-01T00:00:00.000Z', '2999-01-01T00:00:00.000Z');";

static const char articles_v4[] =
    "INSERT INTO articles (id, slug, headline, status, created_by, created_at, updated_at) VALUES"
    " (1, 'norway-fishing', 'Boats come home', 'draft', 'anna', '2024-03-05T09:00:00.000Z',"
    "  '2024-03-05T09:00:00.000Z');"
    "INSERT INTO placements (article_id, photo_id, position, role, caption, credit_line,"
    " placed_by, placed_at, seen_version) VALUES"
    " (1, 1, 1, 'lead', 'Boats at dawn.', 'Ingrid Solberg/AP', 'anna',"
    "  '2024-03-05T09:00:00.000Z', 1),"
    " (1, 2, 2, 'inline', 'The council votes.', 'Marco Keller/Pool via AP', 'anna',"
    "  '2024-03-05T09:00:00.000Z', 1);";

/* From schema 6 on, the mandatory credit was stored in columns of its own when the
 * photo was written. */
static const char credit_v6[] =
    "UPDATE photos SET mandatory_credit = 1, mandatory_credit_text = 'Marco Keller/Pool'"
    "  WHERE id = 2;";

/* From schema 5 on, each photo and version names its picture, and so does a placement. */
static const char pictures_v5[] =
    "UPDATE photos SET picture = sha256;"
    "UPDATE versions SET picture = (SELECT picture FROM photos WHERE id = versions.photo_id);"
    "UPDATE placements SET picture = (SELECT picture FROM photos WHERE id = placements.photo_id);";

static void
fill(PdCatalog *c, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(pd_catalog_db(c), sql, NULL, NULL, &msg) != SQLITE_OK)
        g_error("filling the catalog: %s", msg);
}

static void
check_migrated(const char *path, int from)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    g_assert_cmpint(pd_catalog_schema_version(c), >, from);

    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(c, 1, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(p->headline, ==, "Norway Fishing");
    g_assert_cmpint(p->version, ==, 2);
    g_assert_cmpuint(p->keywords->len, ==, 2);
    g_assert_true(p->has_dhash);
    g_assert_cmpstr(p->picture, ==, "aaaa"); /* the renditions it had */
    /* what the restrictions' JSON said of the mandatory credit is a column of its own */
    g_assert_false(p->mandatory_credit);
    g_autoptr(PdCatalogPhoto) p2 = pd_catalog_get_photo(c, 2, &error);
    g_assert_no_error(error);
    g_assert_true(p2->mandatory_credit);
    g_assert_cmpstr(p2->mandatory_credit_text, ==, "Marco Keller/Pool");
    g_autoptr(GPtrArray) rs = pd_catalog_get_renditions(c, 1, &error);
    g_assert_cmpuint(rs->len, ==, 3);
    g_assert_cmpstr(((PdCatalogRendition *)g_ptr_array_index(rs, 0))->name, ==, "web");
    g_autoptr(GPtrArray) vs = pd_catalog_get_versions(c, 1, &error);
    g_assert_cmpuint(vs->len, ==, 2);
    const PdCatalogVersion *v2 = g_ptr_array_index(vs, 1);
    g_assert_cmpstr(v2->by_user, ==, "anna");
    g_assert_cmpstr(v2->picture, ==, "aaaa");
    g_assert_false(v2->picture_changed);
    g_assert_cmpstr(((PdCatalogChange *)g_ptr_array_index(v2->changes, 0))->to, ==,
                    "Norway Fishing");
    /* a photo that had no hash keeps none: fsck computes it */
    g_autoptr(GArray) unhashed = pd_catalog_photos_without_dhash(c, &error);
    g_assert_cmpuint(unhashed->len, ==, 1);
    g_assert_cmpint(g_array_index(unhashed, gint64, 0), ==, 2);

    /* the index is whole, and search finds what it found before */
    g_assert_null(pd_catalog_check_integrity(c, &error));
    g_assert_no_error(error);
    PdSearchRequest req = {.query = "tromso harbour"};
    g_autoptr(PdSearchResult) found = pd_catalog_search(c, &req, &error);
    g_assert_no_error(error);
    g_assert_cmpint(found->total, ==, 1);
    g_assert_cmpint(((PdSearchHit *)g_ptr_array_index(found->hits, 0))->id, ==, 1);

    if (from >= 3) {
        g_autoptr(PdCatalogUser) u = pd_catalog_get_user(c, "anna", &error);
        g_assert_no_error(error);
        g_assert_cmpstr(u->role, ==, "editor");
        g_autoptr(PdCatalogSession) s = pd_catalog_get_session(c, "token-hash", &error);
        g_assert_no_error(error);
        g_assert_cmpstr(s->user, ==, "anna");
    }
    if (from >= 4) {
        g_autoptr(PdCatalogArticle) a = pd_catalog_get_article(c, 1, &error);
        g_assert_no_error(error);
        g_assert_cmpint(a->version, ==, 1);
        g_assert_cmpint(a->photos, ==, 2);
        g_assert_cmpint(a->notices, ==, 1); /* photo 1 changed after it was placed */
        g_autoptr(PdCatalogPlacement) pl = pd_catalog_get_placement(c, 1, 1, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pl->version, ==, 1);
        g_assert_cmpstr(pl->picture, ==, "aaaa");
        g_assert_true(
            pd_catalog_update_placement(c, 1, 1, "Boats.", NULL, NULL, 0, TRUE, 1, &error));
        g_assert_no_error(error);
    }

    /* and written at once: a correction on the version it was at */
    gboolean changed = FALSE;
    g_free(p->city);
    p->city = g_strdup("Tromsø, Troms");
    g_assert_true(pd_catalog_update_photo(c, p, "bob", NULL, &changed, &error));
    g_assert_no_error(error);
    g_assert_true(changed);
    g_assert_cmpint(p->version, ==, 3);

    /* from schema 7 on, the change is an event, whatever the catalog was before */
    g_autoptr(GPtrArray) events = pd_catalog_events_after(c, 0, 100, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(events->len, >=, 1);
    const PdCatalogEvent *last = g_ptr_array_index(events, events->len - 1);
    g_assert_cmpint(last->kind, ==, PD_EVENT_VERSION);
    g_assert_cmpint(last->photo_id, ==, 1);
    g_assert_cmpint(last->version, ==, 3);
}

static void
test_from(gconstpointer data)
{
    int from = GPOINTER_TO_INT(data);
    g_autofree char *dir = g_dir_make_tmp("pd-migrate-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "catalog.db", NULL);
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(PdCatalog) old = pd_catalog_open_schema(path, from, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pd_catalog_schema_version(old), ==, from);
        g_autofree char *photos =
            from >= 2 ? g_strdup_printf(photos_v1, ", date_key", ", 82669 << 20", ", 82913 << 20")
                      : g_strdup_printf(photos_v1, "", "", "");
        fill(old, photos);
        if (from >= 2)
            fill(old, index_v2);
        if (from >= 3)
            fill(old, users_v3);
        if (from >= 4)
            fill(old, articles_v4);
        if (from >= 5)
            fill(old, pictures_v5);
        if (from >= 6)
            fill(old, credit_v6);
    }
    check_migrated(path, from);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    g_assert_cmpint(system(cmd), ==, 0);
}

/* Photodesks opening a new catalog at once migrate it once, and none is refused (turning
 * a new catalog to the write-ahead log answered "busy" at once, without waiting). */
static gpointer
open_one(gpointer path)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    return c;
}

static void
test_opened_at_once(void)
{
    for (int round = 0; round < 40; round++) {
        g_autofree char *dir = g_dir_make_tmp("pd-migrate-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "catalog.db", NULL);
        GThread *threads[8];
        for (int i = 0; i < 8; i++)
            threads[i] = g_thread_new("open", open_one, path);
        for (int i = 0; i < 8; i++) {
            PdCatalog *c = g_thread_join(threads[i]);
            g_assert_nonnull(c);
            g_assert_cmpint(pd_catalog_schema_version(c), ==, pd_catalog_newest_schema());
            pd_catalog_close(c);
        }
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
        g_assert_cmpint(system(cmd), ==, 0);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (int from = 1; from < pd_catalog_newest_schema(); from++) {
        g_autofree char *name = g_strdup_printf("/catalog/migrate/from-%d", from);
        g_test_add_data_func(name, GINT_TO_POINTER(from), test_from);
    }
    g_test_add_func("/catalog/migrate/opened-at-once", test_opened_at_once);
    return g_test_run();
}
