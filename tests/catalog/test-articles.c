/* test-articles.c: articles and the photos placed in them, through the catalog API:
 * slugs, the per-use caption and credit line, positions kept without gaps, the wire's
 * rules (a killed photo is refused), and the photo's versions seen by a placement. */
#include "catalog/catalog.h"

#include "tests/pg/place.h"

#include <glib/gstdio.h>
#include <string.h>

static PdCatalog *
open_temp(void)
{
    g_autofree char *path = test_catalog_place("articles");
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    return c;
}

static gint64
add_photo(PdCatalog *c, int n, gboolean kill)
{
    g_autoptr(PdCatalogPhoto) p = pd_catalog_photo_new();
    p->sha256 = g_strdup_printf("%064x", n);
    p->format = g_strdup("jpeg");
    p->ext = g_strdup("jpg");
    p->caption = g_strdup_printf("Photo %d of the day. (Sergei Karpukhin, Sputnik, Kremlin Pool "
                                 "Photo via AP)",
                                 n);
    p->caption_body = g_strdup_printf("Photo %d of the day.", n);
    p->credit_line = g_strdup("Sergei Karpukhin/Sputnik/Pool via AP");
    p->kill = kill;
    p->restrictions = g_strdup(kill ? "{\"kill\": true}" : "{}");
    p->checks = g_strdup("[]");
    p->warnings = g_strdup("[]");
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_catalog_add_photo(c, p, NULL, "wire.jpg", &error));
    g_assert_no_error(error);
    return p->id;
}

static gint64
place(PdCatalog *c, gint64 article, gint64 photo, int position, GError **error)
{
    PdCatalogPlacement p = {.article_id = article, .photo_id = photo, .position = position};
    p.placed_by = g_strdup("anna");
    gboolean ok = pd_catalog_place_photo(c, &p, error);
    gint64 at = ok ? p.position : 0;
    pd_catalog_placement_clear(&p);
    return at;
}

/* The article's photos in order, as "3 1 2". */
static char *
order(PdCatalog *c, gint64 article)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) all = pd_catalog_get_placements(c, article, &error);
    g_assert_no_error(error);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < all->len; i++) {
        const PdCatalogPlacement *p = g_ptr_array_index(all, i);
        g_assert_cmpint(p->position, ==, (int)i + 1);
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? " " : "", p->photo_id);
    }
    return g_string_free(s, FALSE);
}

static void
test_articles(void)
{
    g_autoptr(PdCatalog) c = open_temp();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalogArticle) a =
        pd_catalog_add_article(c, "russia-easter", "Putin at Easter", "anna", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(a->status, ==, "draft");
    g_assert_cmpstr(a->created_by, ==, "anna");
    g_assert_cmpint(a->photos, ==, 0);

    /* slugs are unique whatever their case, and must be something */
    g_assert_null(pd_catalog_add_article(c, "Russia-Easter", NULL, "bob", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_EXISTS);
    g_clear_error(&error);
    const char *bad[] = {"", "   ", " padded", "tab\there", "\xff\xfe"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(pd_catalog_add_article(c, bad[i], NULL, "bob", &error));
        g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID);
        g_clear_error(&error);
    }
    g_autofree char *long_slug = g_strnfill(PD_ARTICLE_SLUG_MAX + 1, 'x');
    g_assert_null(pd_catalog_add_article(c, long_slug, NULL, "bob", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID);
    g_clear_error(&error);

    g_assert_true(pd_catalog_update_article(c, a->id, NULL, "Putin attends Easter service",
                                            "published", 0, &error));
    g_assert_no_error(error);
    g_assert_false(pd_catalog_update_article(c, a->id, NULL, NULL, "spiked", 0, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_false(pd_catalog_update_article(c, 999, NULL, "x", NULL, 0, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_autoptr(PdCatalogArticle) b = pd_catalog_add_article(c, "budget", NULL, "bob", &error);
    g_assert_no_error(error);
    g_assert_false(pd_catalog_update_article(c, b->id, "RUSSIA-EASTER", NULL, NULL, 0, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_EXISTS);
    g_clear_error(&error);

    g_autoptr(PdCatalogArticle) again = pd_catalog_get_article(c, a->id, &error);
    g_assert_cmpstr(again->headline, ==, "Putin attends Easter service");
    g_assert_cmpstr(again->status, ==, "published");
    g_assert_null(pd_catalog_get_article(c, 999, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* last changed first */
    g_autoptr(GPtrArray) all = pd_catalog_list_articles(c, &error);
    g_assert_cmpuint(all->len, ==, 2);
    g_assert_cmpstr(((PdCatalogArticle *)g_ptr_array_index(all, 0))->slug, ==, "budget");
}

static void
test_placements(void)
{
    g_autoptr(PdCatalog) c = open_temp();
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalogArticle) a = pd_catalog_add_article(c, "easter", NULL, "anna", &error);
    gint64 p1 = add_photo(c, 1, FALSE), p2 = add_photo(c, 2, FALSE), p3 = add_photo(c, 3, FALSE);
    gint64 killed = add_photo(c, 4, TRUE);

    g_assert_cmpint(place(c, a->id, p1, 0, &error), ==, 1);
    g_assert_cmpint(place(c, a->id, p2, 0, &error), ==, 2);
    g_assert_cmpint(place(c, a->id, p3, 1, &error), ==, 1); /* put first */
    g_assert_no_error(error);
    g_autofree char *o1 = order(c, a->id);
    g_assert_cmpstr(o1, ==, "3 1 2");

    /* the caption and credit line start as the photo's; the first placed is the lead */
    g_autoptr(PdCatalogPlacement) first = pd_catalog_get_placement(c, a->id, p1, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(first->caption, ==, "Photo 1 of the day.");
    g_assert_cmpstr(first->credit_line, ==, "Sergei Karpukhin/Sputnik/Pool via AP");
    g_assert_cmpstr(first->role, ==, "lead");
    g_assert_cmpstr(first->placed_by, ==, "anna");
    g_assert_cmpint(first->seen_version, ==, 1);

    /* refused: a killed photo, a photo placed already, an unknown photo or article */
    g_assert_cmpint(place(c, a->id, killed, 0, &error), ==, 0);
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_CONFLICT);
    g_assert_nonnull(strstr(error->message, "killed"));
    g_clear_error(&error);
    g_assert_cmpint(place(c, a->id, p2, 1, &error), ==, 0);
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_cmpint(place(c, a->id, 999, 0, &error), ==, 0);
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_cmpint(place(c, 999, p1, 0, &error), ==, 0);
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
    PdCatalogPlacement bad_role = {.article_id = a->id, .photo_id = killed, .role = "cover"};
    g_assert_false(pd_catalog_place_photo(c, &bad_role, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID);
    g_clear_error(&error);
    g_autofree char *o2 = order(c, a->id); /* nothing moved by the refusals */
    g_assert_cmpstr(o2, ==, "3 1 2");

    /* moves, both ways and past the end */
    g_assert_true(pd_catalog_update_placement(c, a->id, p3, NULL, NULL, NULL, 3, FALSE, 0, &error));
    g_autofree char *o3 = order(c, a->id);
    g_assert_cmpstr(o3, ==, "1 2 3");
    g_assert_true(pd_catalog_update_placement(c, a->id, p2, NULL, NULL, NULL, 1, FALSE, 0, &error));
    g_autofree char *o4 = order(c, a->id);
    g_assert_cmpstr(o4, ==, "2 1 3");
    g_assert_true(
        pd_catalog_update_placement(c, a->id, p2, NULL, NULL, NULL, 99, FALSE, 0, &error));
    g_assert_no_error(error);
    g_autofree char *o5 = order(c, a->id);
    g_assert_cmpstr(o5, ==, "1 3 2");

    /* the per-use caption changes; the photo's does not */
    const char *mine = "President Vladimir Putin at the Easter service in Moscow.";
    g_assert_true(pd_catalog_update_placement(c, a->id, p1, mine, "Pool photo via AP", "gallery", 0,
                                              FALSE, 0, &error));
    g_autoptr(PdCatalogPlacement) edited = pd_catalog_get_placement(c, a->id, p1, &error);
    g_assert_cmpstr(edited->caption, ==, mine);
    g_assert_cmpstr(edited->credit_line, ==, "Pool photo via AP");
    g_assert_cmpstr(edited->role, ==, "gallery");
    g_autoptr(PdCatalogPhoto) photo = pd_catalog_get_photo(c, p1, &error);
    g_assert_cmpstr(photo->caption_body, ==, "Photo 1 of the day.");
    g_assert_cmpint(photo->version, ==, 1);
    g_autofree char *huge = g_strnfill(PD_PLACEMENT_CAPTION_MAX + 1, 'a');
    g_assert_false(
        pd_catalog_update_placement(c, a->id, p1, huge, NULL, NULL, 0, FALSE, 0, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID);
    g_clear_error(&error);

    /* a correction from the wire: seen only when acknowledged */
    g_free(photo->caption_body);
    photo->caption_body = g_strdup("Photo 1 of the day, corrected.");
    g_free(photo->caption);
    photo->caption = g_strdup("Photo 1 of the day, corrected. (Sergei Karpukhin, Sputnik, "
                              "Kremlin Pool Photo via AP)");
    gboolean changed = FALSE;
    g_assert_true(pd_catalog_update_photo(c, photo, NULL, "wire-2.jpg", &changed, &error));
    g_assert_true(changed);
    g_autoptr(PdCatalogArticle) changed_article = pd_catalog_get_article(c, a->id, &error);
    g_assert_cmpint(changed_article->notices, ==, 1);
    g_assert_cmpint(changed_article->killed, ==, 0);
    g_autoptr(PdCatalogPlacement) before = pd_catalog_get_placement(c, a->id, p1, &error);
    g_assert_cmpint(before->seen_version, ==, 1);
    g_assert_cmpstr(before->caption, ==, mine);
    g_assert_true(pd_catalog_update_placement(c, a->id, p1, NULL, NULL, NULL, 0, TRUE, 0, &error));
    g_autoptr(PdCatalogPlacement) after = pd_catalog_get_placement(c, a->id, p1, &error);
    g_assert_cmpint(after->seen_version, ==, 2);
    g_autoptr(PdCatalogArticle) seen_article = pd_catalog_get_article(c, a->id, &error);
    g_assert_cmpint(seen_article->notices, ==, 0);

    /* the photo's articles */
    g_autoptr(GPtrArray) used = pd_catalog_photo_articles(c, p1, &error);
    g_assert_cmpuint(used->len, ==, 1);
    g_assert_cmpstr(((PdCatalogArticle *)g_ptr_array_index(used, 0))->slug, ==, "easter");
    g_autoptr(PdCatalogArticle) counted = pd_catalog_get_article(c, a->id, &error);
    g_assert_cmpint(counted->photos, ==, 3);

    /* removed: the rest close up */
    g_assert_true(pd_catalog_remove_placement(c, a->id, p3, &error));
    g_autofree char *o6 = order(c, a->id);
    g_assert_cmpstr(o6, ==, "1 2");
    g_assert_false(pd_catalog_remove_placement(c, a->id, p3, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
}

typedef struct {
    char *path;
    gboolean started;
    GMutex lock;
    GCond cond;
} Writer;

/* Another photodesk that holds the write lock for a while and commits a change. */
static gpointer
hold_the_lock(gpointer data)
{
    Writer *w = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(w->path, PD_CATALOG_READ_WRITE, &error);
    g_assert_true(pd_catalog_begin(c, &error));
    g_assert_true(pd_catalog_update_article(c, 1, NULL, "Busy elsewhere", NULL, 0, &error));
    g_mutex_lock(&w->lock);
    w->started = TRUE;
    g_cond_signal(&w->cond);
    g_mutex_unlock(&w->lock);
    g_usleep(300 * 1000);
    g_assert_true(pd_catalog_commit(c, &error));
    return NULL;
}

/* A placement changed while another connection writes is waited for, not refused: the
 * change takes the write lock before it reads (a deferred transaction that read first
 * could only fail once the other committed, without waiting). */
static void
test_waits_for_writer(void)
{
    Writer w = {test_catalog_place("articles"), FALSE};
    g_mutex_init(&w.lock);
    g_cond_init(&w.cond);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) c = pd_catalog_open(w.path, PD_CATALOG_READ_WRITE, &error);
    g_autoptr(PdCatalogArticle) a = pd_catalog_add_article(c, "one", NULL, "anna", &error);
    g_autoptr(PdCatalogArticle) b = pd_catalog_add_article(c, "two", NULL, "bob", &error);
    gint64 photo = add_photo(c, 1, FALSE);
    g_assert_cmpint(place(c, b->id, photo, 0, &error), ==, 1);
    /* the placement is read once, so that the connection has a snapshot to be stale */
    g_autoptr(PdCatalogPlacement) before = pd_catalog_get_placement(c, b->id, photo, &error);

    GThread *t = g_thread_new("writer", hold_the_lock, &w);
    g_mutex_lock(&w.lock);
    while (!w.started)
        g_cond_wait(&w.cond, &w.lock);
    g_mutex_unlock(&w.lock);
    gint64 start = g_get_monotonic_time();
    g_assert_true(pd_catalog_update_placement(c, b->id, photo, "Waited for.", NULL, NULL, 0, FALSE,
                                              before->version, &error));
    g_assert_no_error(error);
    g_assert_cmpint(g_get_monotonic_time() - start, >=, 100 * 1000); /* it did wait */
    g_thread_join(t);
    g_autoptr(PdCatalogArticle) other = pd_catalog_get_article(c, a->id, &error);
    g_assert_cmpstr(other->headline, ==, "Busy elsewhere");
    g_autoptr(PdCatalogPlacement) after = pd_catalog_get_placement(c, b->id, photo, &error);
    g_assert_cmpstr(after->caption, ==, "Waited for.");
    g_assert_cmpint(after->version, ==, before->version + 1);
    g_mutex_clear(&w.lock);
    g_cond_clear(&w.cond);
    g_free(w.path);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/articles/articles", test_articles);
    g_test_add_func("/articles/placements", test_placements);
    g_test_add_func("/articles/waits-for-writer", test_waits_for_writer);
    return g_test_run();
}
