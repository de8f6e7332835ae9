/* articles.c: articles, and the photos placed in them.
 *
 * A placement keeps its own caption and credit line, copied from the photo when it is
 * placed and then edited for the story; the photo's own are never touched. Positions run
 * 1, 2, ... without gaps: every change that moves one moves the others in the same
 * savepoint. A placement remembers the photo's version it was made with, so that a
 * correction from the wire afterwards can be shown until an editor acknowledges it. */
#include "catalog/catalog-private.h"

#include <string.h>

static gboolean
check_slug(const char *slug, GError **error)
{
    if (slug == NULL)
        return TRUE;
    if (!pd_catalog_check_text("the slug", slug, PD_ARTICLE_SLUG_MAX, FALSE, error))
        return FALSE;
    g_autofree char *trimmed = g_strstrip(g_strdup(slug));
    if (*trimmed == 0)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID, "an article needs a slug");
    if (strcmp(trimmed, slug) != 0)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID,
                                 "the slug \"%s\" starts or ends with a space", slug);
    return TRUE;
}

static gboolean
check_role(const char *role, GError **error)
{
    if (role == NULL || strcmp(role, "lead") == 0 || strcmp(role, "inline") == 0 ||
        strcmp(role, "gallery") == 0)
        return TRUE;
    return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID,
                             "a photo's role in an article is lead, inline or gallery, not \"%s\"",
                             role);
}

/* ---------------------------------------------------------------- articles */

void
pd_catalog_article_free(PdCatalogArticle *a)
{
    if (a == NULL)
        return;
    g_free(a->slug);
    g_free(a->headline);
    g_free(a->status);
    g_free(a->created_by);
    g_free(a->created_at);
    g_free(a->updated_at);
    g_free(a);
}

#define ARTICLE_COLUMNS                                                                            \
    "a.id, a.slug, a.headline, a.status, a.created_by, a.created_at, a.updated_at,"                \
    " (SELECT count(*) FROM placements p WHERE p.article_id = a.id),"                              \
    " (SELECT count(*) FROM placements p JOIN photos f ON f.id = p.photo_id"                       \
    "   WHERE p.article_id = a.id AND f.kill <> 0),"                                               \
    " (SELECT count(*) FROM placements p JOIN photos f ON f.id = p.photo_id"                       \
    "   WHERE p.article_id = a.id AND (f.version > p.seen_version"                                 \
    "     OR f.picture IS DISTINCT FROM p.picture)),"                                              \
    " a.version"

static PdCatalogArticle *
read_article(PdStmt *st)
{
    PdCatalogArticle *a = g_new0(PdCatalogArticle, 1);
    a->id = pd_stmt_int64(st, 0);
    a->slug = pd_catalog_text(st, 1);
    a->headline = pd_catalog_text(st, 2);
    a->status = pd_catalog_text(st, 3);
    a->created_by = pd_catalog_text(st, 4);
    a->created_at = pd_catalog_text(st, 5);
    a->updated_at = pd_catalog_text(st, 6);
    a->photos = pd_stmt_int(st, 7);
    a->killed = pd_stmt_int(st, 8);
    a->notices = pd_stmt_int(st, 9);
    a->version = pd_stmt_int(st, 10);
    return a;
}

static GPtrArray *
read_articles(PdCatalog *c, PdStmt *st, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_article_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW)
        g_ptr_array_add(out, read_article(st));
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(out);
        pd_catalog_fail(c, error, "reading articles");
        return NULL;
    }
    return out;
}

PdCatalogArticle *
pd_catalog_get_article(PdCatalog *c, gint64 id, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE a.id = ?1", error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, id);
    g_autoptr(GPtrArray) found = read_articles(c, st, error);
    if (found == NULL)
        return NULL;
    if (found->len == 0) {
        pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND, "no article %" G_GINT64_FORMAT, id);
        return NULL;
    }
    return g_ptr_array_steal_index(found, 0);
}

GPtrArray *
pd_catalog_list_articles(PdCatalog *c, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "SELECT " ARTICLE_COLUMNS " FROM articles a ORDER BY a.updated_at DESC, a.id DESC",
        error);
    return st ? read_articles(c, st, error) : NULL;
}

GPtrArray *
pd_catalog_photo_articles(PdCatalog *c, gint64 photo_id, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE a.id IN"
                                      " (SELECT article_id FROM placements WHERE photo_id = ?1)"
                                      " ORDER BY a.updated_at DESC, a.id DESC",
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, photo_id);
    return read_articles(c, st, error);
}

static gboolean
slug_taken(PdCatalog *c, int r, const char *slug, GError **error)
{
    if (r == PD_CONSTRAINT_UNIQUE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_EXISTS,
                    "there is an article with the slug \"%s\" already", slug);
        return FALSE;
    }
    return pd_catalog_fail(c, error, "saving an article");
}

PdCatalogArticle *
pd_catalog_add_article(PdCatalog *c, const char *slug, const char *headline, const char *by_user,
                       GError **error)
{
    if (slug == NULL)
        slug = "";
    if (!check_slug(slug, error) ||
        !pd_catalog_check_text("the headline", headline, PD_ARTICLE_HEADLINE_MAX, FALSE, error))
        return NULL;
    PdStmt *st = pd_catalog_statement(
        c,
        "INSERT INTO articles (slug, headline, created_by, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
        error);
    if (st == NULL)
        return NULL;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, slug);
    pd_stmt_bind_text(st, 2, headline ? headline : "");
    pd_stmt_bind_text(st, 3, by_user ? by_user : "");
    pd_stmt_bind_text(st, 4, now);
    gint64 id = 0;
    int r = pd_catalog_insert(st, &id);
    if (r != PD_DONE) {
        slug_taken(c, r, slug, error);
        return NULL;
    }
    return pd_catalog_get_article(c, id, error);
}

/* Marks article @id changed now; FALSE (not found) when there is no such article. */
static gboolean
touch(PdCatalog *c, gint64 id, GError **error)
{
    PdStmt *st =
        pd_catalog_statement(c, "UPDATE articles SET updated_at = ?2 WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_text(st, 2, now);
    if (!pd_catalog_run(c, st, "changing an article", error))
        return FALSE;
    return pd_catalog_changes(c) > 0 ||
           pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND, "no article %" G_GINT64_FORMAT, id);
}

/* Refuses a change made from version @expected of something now at @version. */
static gboolean
stale(const char *what, gint64 id, int expected, int version, GError **error)
{
    if (expected <= 0 || expected == version)
        return TRUE;
    return pd_catalog_refuse(error, PD_CATALOG_ERROR_STALE,
                             "%s %" G_GINT64_FORMAT
                             " has changed since version %d (it is at version %d "
                             "now): see the changes, then save again",
                             what, id, expected, version);
}

static gboolean
update_article_in(PdCatalog *c, gint64 id, const char *slug, const char *headline,
                  const char *status, int expected_version, GError **error)
{
    g_autoptr(PdCatalogArticle) a = pd_catalog_get_article(c, id, error);
    if (a == NULL || !stale("article", id, expected_version, a->version, error))
        return FALSE;
    PdStmt *st = pd_catalog_statement(
        c,
        "UPDATE articles SET slug = coalesce(?2, slug), headline = coalesce(?3, headline),"
        " status = coalesce(?4, status), updated_at = ?5, version = version + 1 WHERE id = ?1",
        error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_int64(st, 1, id);
    pd_stmt_bind_text(st, 2, slug);
    pd_stmt_bind_text(st, 3, headline);
    pd_stmt_bind_text(st, 4, status);
    pd_stmt_bind_text(st, 5, now);
    int r = pd_stmt_step(st);
    pd_stmt_reset(st);
    if (r != PD_DONE)
        return slug_taken(c, r, slug, error);
    return TRUE;
}

gboolean
pd_catalog_update_article(PdCatalog *c, gint64 id, const char *slug, const char *headline,
                          const char *status, int expected_version, GError **error)
{
    if (!check_slug(slug, error) ||
        !pd_catalog_check_text("the headline", headline, PD_ARTICLE_HEADLINE_MAX, FALSE, error))
        return FALSE;
    if (status && strcmp(status, "draft") != 0 && strcmp(status, "published") != 0)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_INVALID,
                                 "an article's status is draft or published, not \"%s\"", status);
    if (!pd_catalog_begin(c, error))
        return FALSE;
    return pd_catalog_finish(
        c, update_article_in(c, id, slug, headline, status, expected_version, error), error);
}

/* ---------------------------------------------------------------- placements */

void
pd_catalog_placement_clear(PdCatalogPlacement *p)
{
    g_clear_pointer(&p->role, g_free);
    g_clear_pointer(&p->caption, g_free);
    g_clear_pointer(&p->credit_line, g_free);
    g_clear_pointer(&p->placed_by, g_free);
    g_clear_pointer(&p->placed_at, g_free);
    g_clear_pointer(&p->picture, g_free);
    g_clear_pointer(&p->crop, g_free);
    g_clear_pointer(&p->crop_aspect, g_free);
    g_clear_pointer(&p->profile, g_free);
}

void
pd_catalog_placement_free(PdCatalogPlacement *p)
{
    if (p == NULL)
        return;
    pd_catalog_placement_clear(p);
    g_free(p);
}

#define PLACEMENT_COLUMNS                                                                          \
    "article_id, photo_id, position, role, caption, credit_line, placed_by, placed_at,"            \
    " seen_version, version, picture, made_confirmed"
/* what is read, beyond what is written when a photo is placed */
#define PLACEMENT_READ PLACEMENT_COLUMNS ", crop, crop_aspect, profile"

static GPtrArray *
read_placements(PdCatalog *c, PdStmt *st, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_placement_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdCatalogPlacement *p = g_new0(PdCatalogPlacement, 1);
        p->article_id = pd_stmt_int64(st, 0);
        p->photo_id = pd_stmt_int64(st, 1);
        p->position = pd_stmt_int(st, 2);
        p->role = pd_catalog_text(st, 3);
        p->caption = pd_catalog_text(st, 4);
        p->credit_line = pd_catalog_text(st, 5);
        p->placed_by = pd_catalog_text(st, 6);
        p->placed_at = pd_catalog_text(st, 7);
        p->seen_version = pd_stmt_int(st, 8);
        p->version = pd_stmt_int(st, 9);
        p->picture = pd_catalog_text(st, 10);
        p->made_confirmed = pd_stmt_int(st, 11);
        p->crop = pd_catalog_text(st, 12);
        p->crop_aspect = pd_catalog_text(st, 13);
        p->profile = pd_catalog_text(st, 14);
        g_ptr_array_add(out, p);
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(out);
        pd_catalog_fail(c, error, "reading an article's photos");
        return NULL;
    }
    return out;
}

GPtrArray *
pd_catalog_get_placements(PdCatalog *c, gint64 article_id, GError **error)
{
    g_autoptr(PdCatalogArticle) a = pd_catalog_get_article(c, article_id, error);
    if (a == NULL)
        return NULL;
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT " PLACEMENT_READ " FROM placements"
                                      " WHERE article_id = ?1 ORDER BY position",
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, article_id);
    return read_placements(c, st, error);
}

PdCatalogPlacement *
pd_catalog_get_placement(PdCatalog *c, gint64 article_id, gint64 photo_id, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT " PLACEMENT_READ " FROM placements"
                                      " WHERE article_id = ?1 AND photo_id = ?2",
                                      error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, article_id);
    pd_stmt_bind_int64(st, 2, photo_id);
    g_autoptr(GPtrArray) found = read_placements(c, st, error);
    if (found == NULL)
        return NULL;
    if (found->len == 0) {
        pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND,
                          "photo %" G_GINT64_FORMAT " is not in article %" G_GINT64_FORMAT,
                          photo_id, article_id);
        return NULL;
    }
    return g_ptr_array_steal_index(found, 0);
}

static int
count_placements(PdCatalog *c, gint64 article_id, GError **error)
{
    PdStmt *st =
        pd_catalog_statement(c, "SELECT count(*) FROM placements WHERE article_id = ?1", error);
    if (st == NULL)
        return -1;
    pd_stmt_bind_int64(st, 1, article_id);
    int r = pd_stmt_step(st);
    int n = r == PD_ROW ? pd_stmt_int(st, 0) : -1;
    pd_stmt_reset(st);
    if (n < 0)
        pd_catalog_fail(c, error, "counting an article's photos");
    return n;
}

/* Moves the placements at positions @from..@to (inclusive) by @by. */
static gboolean
shift(PdCatalog *c, gint64 article_id, int from, int to, int by, GError **error)
{
    if (from > to)
        return TRUE;
    PdStmt *st = pd_catalog_statement(c,
                                      "UPDATE placements SET position = position + ?4"
                                      " WHERE article_id = ?1 AND position BETWEEN ?2 AND ?3",
                                      error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, article_id);
    pd_stmt_bind_int(st, 2, from);
    pd_stmt_bind_int(st, 3, to);
    pd_stmt_bind_int(st, 4, by);
    return pd_catalog_run(c, st, "moving an article's photos", error);
}

/* The photo's state for placing it: its version, whether it is killed, how it was made,
 * its caption body and credit line. */
typedef struct {
    int version;
    gboolean kill;
    int made;
    char *caption, *credit_line, *picture;
} PhotoState;

static gboolean
photo_state(PdCatalog *c, gint64 photo_id, PhotoState *out, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "SELECT version, kill, coalesce(caption_body, caption, ''),"
        " coalesce(credit_line, credit, byline, ''), picture, coalesce(made, 0)"
        " FROM photos WHERE id = ?1",
        error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, photo_id);
    int r = pd_stmt_step(st);
    if (r == PD_ROW) {
        out->version = pd_stmt_int(st, 0);
        out->kill = pd_stmt_int(st, 1) != 0;
        out->caption = pd_catalog_text(st, 2);
        out->credit_line = pd_catalog_text(st, 3);
        out->picture = pd_catalog_text(st, 4);
        out->made = pd_stmt_int(st, 5);
    }
    pd_stmt_reset(st);
    if (r == PD_ROW)
        return TRUE;
    if (r == PD_DONE)
        return pd_catalog_refuse(error, PD_CATALOG_ERROR_NOT_FOUND, "no photo %" G_GINT64_FORMAT,
                                 photo_id);
    return pd_catalog_fail(c, error, "reading a photo");
}

static gboolean
place_in(PdCatalog *c, PdCatalogPlacement *p, GError **error)
{
    if (!touch(c, p->article_id, error))
        return FALSE;
    PhotoState ph = {0};
    if (!photo_state(c, p->photo_id, &ph, error))
        return FALSE;
    gboolean ok = TRUE;
    if (ph.kill) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_CONFLICT,
                    "photo %" G_GINT64_FORMAT " is killed: it cannot be placed in an article",
                    p->photo_id);
        ok = FALSE;
    } else if ((ph.made & ~p->made_confirmed) != 0) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_CONFIRM,
                    "photo %" G_GINT64_FORMAT " %s: placing it needs the editor's "
                    "confirmation that it is the story",
                    p->photo_id,
                    (ph.made & PD_MADE_AI) ? "was created using generative AI"
                                           : "is a composite or edited using generative AI");
        ok = FALSE;
    }
    p->made_confirmed = ph.made;
    int n = ok ? count_placements(c, p->article_id, error) : -1;
    ok = n >= 0;
    if (ok && (p->position <= 0 || p->position > n + 1))
        p->position = n + 1;
    if (ok && p->role == NULL)
        p->role = g_strdup(n == 0 ? "lead" : "inline");
    if (ok && p->caption == NULL)
        p->caption = g_strdup(ph.caption);
    if (ok && p->credit_line == NULL)
        p->credit_line = g_strdup(ph.credit_line);
    ok = ok && shift(c, p->article_id, p->position, n, 1, error);
    PdStmt *st = ok ? pd_catalog_statement(c,
                                           "INSERT INTO placements (" PLACEMENT_COLUMNS ")"
                                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                           " 1, ?10, ?11)",
                                           error)
                    : NULL;
    if (st) {
        g_free(p->placed_at);
        p->placed_at = pd_catalog_now();
        p->seen_version = ph.version;
        p->version = 1;
        g_free(p->picture);
        p->picture = g_strdup(ph.picture);
        pd_stmt_bind_int64(st, 1, p->article_id);
        pd_stmt_bind_int64(st, 2, p->photo_id);
        pd_stmt_bind_int(st, 3, p->position);
        pd_stmt_bind_text(st, 4, p->role);
        pd_stmt_bind_text(st, 5, p->caption);
        pd_stmt_bind_text(st, 6, p->credit_line);
        pd_stmt_bind_text(st, 7, p->placed_by ? p->placed_by : "");
        pd_stmt_bind_text(st, 8, p->placed_at);
        pd_stmt_bind_int(st, 9, p->seen_version);
        pd_stmt_bind_text(st, 10, p->picture);
        pd_stmt_bind_int(st, 11, p->made_confirmed);
        int r = pd_stmt_step(st);
        pd_stmt_reset(st);
        if (r == PD_CONSTRAINT_UNIQUE) {
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_EXISTS,
                        "photo %" G_GINT64_FORMAT " is in article %" G_GINT64_FORMAT " already",
                        p->photo_id, p->article_id);
            ok = FALSE;
        } else {
            ok = r == PD_DONE || pd_catalog_fail(c, error, "placing a photo");
        }
    }
    g_free(ph.caption);
    g_free(ph.credit_line);
    g_free(ph.picture);
    return ok && st != NULL;
}

gboolean
pd_catalog_place_photo(PdCatalog *c, PdCatalogPlacement *p, GError **error)
{
    if (!check_role(p->role, error) ||
        !pd_catalog_check_text("the caption", p->caption, PD_PLACEMENT_CAPTION_MAX, TRUE, error) ||
        !pd_catalog_check_text("the credit line", p->credit_line, PD_PLACEMENT_CREDIT_MAX, FALSE,
                               error))
        return FALSE;
    if (!pd_catalog_begin(c, error))
        return FALSE;
    return pd_catalog_finish(c, place_in(c, p, error), error);
}

static gboolean
update_in(PdCatalog *c, gint64 article_id, gint64 photo_id, const char *caption,
          const char *credit_line, const char *role, int position, gboolean acknowledge,
          int expected_version, GError **error)
{
    g_autoptr(PdCatalogPlacement) old = pd_catalog_get_placement(c, article_id, photo_id, error);
    if (old == NULL)
        return FALSE;
    g_autofree char *what =
        g_strdup_printf("the placement of photo %" G_GINT64_FORMAT " in article", photo_id);
    if (!stale(what, article_id, expected_version, old->version, error) ||
        !touch(c, article_id, error))
        return FALSE;
    if (position != 0) {
        int n = count_placements(c, article_id, error);
        if (n < 0)
            return FALSE;
        if (position < 0 || position > n)
            position = n;
        gboolean ok = position < old->position
                          ? shift(c, article_id, position, old->position - 1, 1, error)
                          : shift(c, article_id, old->position + 1, position, -1, error);
        if (!ok)
            return FALSE;
    }
    /* acknowledging: the photo's changes and its picture as they are now have been seen */
    PdStmt *st = pd_catalog_statement(
        c,
        "UPDATE placements SET caption = coalesce(?3, caption),"
        " credit_line = coalesce(?4, credit_line), role = coalesce(?5, role),"
        " position = coalesce(?6, position), version = version + 1,"
        " seen_version = CASE WHEN ?7 <> 0 THEN (SELECT version FROM photos WHERE id = ?2)"
        "   ELSE seen_version END,"
        " picture = CASE WHEN ?7 <> 0 THEN (SELECT picture FROM photos WHERE id = ?2)"
        "   ELSE picture END"
        " WHERE article_id = ?1 AND photo_id = ?2",
        error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, article_id);
    pd_stmt_bind_int64(st, 2, photo_id);
    pd_stmt_bind_text(st, 3, caption);
    pd_stmt_bind_text(st, 4, credit_line);
    pd_stmt_bind_text(st, 5, role);
    if (position != 0)
        pd_stmt_bind_int(st, 6, position);
    pd_stmt_bind_int(st, 7, acknowledge);
    return pd_catalog_run(c, st, "changing a placed photo", error);
}

gboolean
pd_catalog_update_placement(PdCatalog *c, gint64 article_id, gint64 photo_id, const char *caption,
                            const char *credit_line, const char *role, int position,
                            gboolean acknowledge, int expected_version, GError **error)
{
    if (!check_role(role, error) ||
        !pd_catalog_check_text("the caption", caption, PD_PLACEMENT_CAPTION_MAX, TRUE, error) ||
        !pd_catalog_check_text("the credit line", credit_line, PD_PLACEMENT_CREDIT_MAX, FALSE,
                               error))
        return FALSE;
    if (!pd_catalog_begin(c, error))
        return FALSE;
    return pd_catalog_finish(c,
                             update_in(c, article_id, photo_id, caption, credit_line, role,
                                       position, acknowledge, expected_version, error),
                             error);
}

static gboolean
remove_in(PdCatalog *c, gint64 article_id, gint64 photo_id, GError **error)
{
    g_autoptr(PdCatalogPlacement) old = pd_catalog_get_placement(c, article_id, photo_id, error);
    if (old == NULL || !touch(c, article_id, error))
        return FALSE;
    PdStmt *st = pd_catalog_statement(
        c, "DELETE FROM placements WHERE article_id = ?1 AND photo_id = ?2", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, article_id);
    pd_stmt_bind_int64(st, 2, photo_id);
    return pd_catalog_run(c, st, "removing a photo from an article", error) &&
           shift(c, article_id, old->position + 1, G_MAXINT, -1, error);
}

gboolean
pd_catalog_remove_placement(PdCatalog *c, gint64 article_id, gint64 photo_id, GError **error)
{
    if (!pd_catalog_begin(c, error))
        return FALSE;
    return pd_catalog_finish(c, remove_in(c, article_id, photo_id, error), error);
}

static gboolean
output_in(PdCatalog *c, gint64 article_id, gint64 photo_id, const char *crop, const char *aspect,
          const char *profile, int expected_version, GError **error)
{
    g_autoptr(PdCatalogPlacement) old = pd_catalog_get_placement(c, article_id, photo_id, error);
    if (old == NULL)
        return FALSE;
    g_autofree char *what =
        g_strdup_printf("the placement of photo %" G_GINT64_FORMAT " in article", photo_id);
    if (!stale(what, article_id, expected_version, old->version, error) ||
        !touch(c, article_id, error))
        return FALSE;
    PdStmt *st = pd_catalog_statement(
        c,
        "UPDATE placements SET crop = ?3, crop_aspect = ?4, profile = ?5, version = version + 1"
        " WHERE article_id = ?1 AND photo_id = ?2",
        error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, article_id);
    pd_stmt_bind_int64(st, 2, photo_id);
    pd_stmt_bind_text(st, 3, crop);
    pd_stmt_bind_text(st, 4, aspect);
    pd_stmt_bind_text(st, 5, profile);
    return pd_catalog_run(c, st, "setting a placed photo's crop and profile", error);
}

gboolean
pd_catalog_set_placement_output(PdCatalog *c, gint64 article_id, gint64 photo_id, const char *crop,
                                const char *crop_aspect, const char *profile, int expected_version,
                                GError **error)
{
    if (!pd_catalog_begin(c, error))
        return FALSE;
    return pd_catalog_finish(
        c, output_in(c, article_id, photo_id, crop, crop_aspect, profile, expected_version, error),
        error);
}

/* ---------------------------------------------------------------- deliveries */

void
pd_catalog_delivered_free(PdCatalogDelivered *d)
{
    if (d == NULL)
        return;
    g_free(d->embargo_until);
    g_free(d);
}

void
pd_catalog_attempt_free(PdCatalogAttempt *a)
{
    if (a == NULL)
        return;
    g_free(a->at);
    g_free(a->answer);
    g_free(a);
}

void
pd_catalog_delivery_free(PdCatalogDelivery *d)
{
    if (d == NULL)
        return;
    g_free(d->slug);
    g_free(d->at);
    g_free(d->by_user);
    g_free(d->target);
    g_free(d->location);
    g_free(d->failed);
    if (d->photos)
        g_ptr_array_unref(d->photos);
    if (d->attempts)
        g_ptr_array_unref(d->attempts);
    g_free(d);
}

gboolean
pd_catalog_add_delivery(PdCatalog *c, PdCatalogDelivery *d, GError **error)
{
    g_free(d->at);
    d->at = pd_catalog_now();
    PdStmt *st = pd_catalog_statement(c,
                                      "INSERT INTO deliveries (article_id, at, by_user,"
                                      " target, under_embargo, location, failed)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                      error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int64(st, 1, d->article_id);
    pd_stmt_bind_text(st, 2, d->at);
    pd_stmt_bind_text(st, 3, d->by_user ? d->by_user : "");
    pd_stmt_bind_text(st, 4, d->target ? d->target : "");
    pd_stmt_bind_int(st, 5, d->under_embargo);
    pd_stmt_bind_text(st, 6, d->location);
    pd_stmt_bind_text(st, 7, d->failed);
    if (pd_catalog_insert(st, &d->id) != PD_DONE)
        return pd_catalog_fail(c, error, "recording a delivery");
    PdStmt *ph = pd_catalog_statement(c,
                                      "INSERT INTO delivery_photos (delivery_id, photo_id,"
                                      " version, embargo_until) VALUES (?1, ?2, ?3, ?4)",
                                      error);
    if (ph == NULL)
        return FALSE;
    for (guint i = 0; d->photos && i < d->photos->len; i++) {
        const PdCatalogDelivered *p = g_ptr_array_index(d->photos, i);
        pd_stmt_bind_int64(ph, 1, d->id);
        pd_stmt_bind_int64(ph, 2, p->photo_id);
        pd_stmt_bind_int(ph, 3, p->version);
        pd_stmt_bind_text(ph, 4, p->embargo_until);
        if (!pd_catalog_run(c, ph, "recording a delivery's photos", error))
            return FALSE;
    }
    PdStmt *at = pd_catalog_statement(c,
                                      "INSERT INTO delivery_attempts (delivery_id, n, at,"
                                      " ok, answer, seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                      error);
    if (at == NULL)
        return FALSE;
    for (guint i = 0; d->attempts && i < d->attempts->len; i++) {
        const PdCatalogAttempt *a = g_ptr_array_index(d->attempts, i);
        pd_stmt_bind_int64(at, 1, d->id);
        pd_stmt_bind_int(at, 2, (int)i + 1);
        pd_stmt_bind_text(at, 3, a->at ? a->at : d->at);
        pd_stmt_bind_int(at, 4, a->ok);
        pd_stmt_bind_text(at, 5, a->answer ? a->answer : "");
        pd_stmt_bind_double(at, 6, a->seconds);
        if (!pd_catalog_run(c, at, "recording a delivery's attempts", error))
            return FALSE;
    }
    return TRUE;
}

static gpointer
read_delivery(PdStmt *st)
{
    PdCatalogDelivery *d = g_new0(PdCatalogDelivery, 1);
    d->id = pd_stmt_int64(st, 0);
    d->article_id = pd_stmt_int64(st, 1);
    d->slug = g_strdup(pd_stmt_text(st, 2));
    d->at = g_strdup(pd_stmt_text(st, 3));
    d->by_user = g_strdup(pd_stmt_text(st, 4));
    d->target = g_strdup(pd_stmt_text(st, 5));
    d->under_embargo = pd_stmt_int(st, 6) != 0;
    d->location = g_strdup(pd_stmt_text(st, 7));
    d->failed = g_strdup(pd_stmt_text(st, 8));
    return d;
}

static gpointer
read_attempt(PdStmt *st)
{
    PdCatalogAttempt *a = g_new0(PdCatalogAttempt, 1);
    a->at = g_strdup(pd_stmt_text(st, 0));
    a->ok = pd_stmt_int(st, 1) != 0;
    a->answer = g_strdup(pd_stmt_text(st, 2));
    a->seconds = pd_stmt_double(st, 3);
    return a;
}

static gpointer
read_delivered(PdStmt *st)
{
    PdCatalogDelivered *p = g_new0(PdCatalogDelivered, 1);
    p->photo_id = pd_stmt_int64(st, 0);
    p->version = pd_stmt_int(st, 1);
    p->embargo_until = g_strdup(pd_stmt_text(st, 2));
    return p;
}

GPtrArray *
pd_catalog_deliveries(PdCatalog *c, gint64 article_id, gint64 photo_id, int limit, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "SELECT d.id, d.article_id, a.slug, d.at, d.by_user, d.target, d.under_embargo,"
        " d.location, d.failed"
        " FROM deliveries d JOIN articles a ON a.id = d.article_id"
        " WHERE (?1 = 0 OR d.article_id = ?1) AND (?2 = 0 OR (d.failed IS NULL AND d.id IN"
        " (SELECT delivery_id FROM delivery_photos WHERE photo_id = ?2)))"
        " ORDER BY d.id DESC LIMIT ?3",
        error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_int64(st, 1, article_id);
    pd_stmt_bind_int64(st, 2, photo_id);
    pd_stmt_bind_int64(st, 3, limit > 0 ? limit : PD_ALL_ROWS);
    g_autoptr(GPtrArray) all =
        pd_catalog_rows_of(c, st, read_delivery, (GDestroyNotify)pd_catalog_delivery_free,
                           "reading deliveries", error);
    if (all == NULL)
        return NULL;
    PdStmt *ph = pd_catalog_statement(c,
                                      "SELECT photo_id, version, embargo_until FROM"
                                      " delivery_photos WHERE delivery_id = ?1"
                                      " ORDER BY photo_id",
                                      error);
    PdStmt *at = ph ? pd_catalog_statement(c,
                                           "SELECT at, ok, answer, seconds FROM"
                                           " delivery_attempts WHERE delivery_id = ?1"
                                           " ORDER BY n",
                                           error)
                    : NULL;
    if (at == NULL)
        return NULL;
    for (guint i = 0; i < all->len; i++) {
        PdCatalogDelivery *d = g_ptr_array_index(all, i);
        pd_stmt_bind_int64(ph, 1, d->id);
        d->photos =
            pd_catalog_rows_of(c, ph, read_delivered, (GDestroyNotify)pd_catalog_delivered_free,
                               "reading a delivery's photos", error);
        if (d->photos == NULL)
            return NULL;
        pd_stmt_bind_int64(at, 1, d->id);
        d->attempts =
            pd_catalog_rows_of(c, at, read_attempt, (GDestroyNotify)pd_catalog_attempt_free,
                               "reading a delivery's attempts", error);
        if (d->attempts == NULL)
            return NULL;
    }
    return g_steal_pointer(&all);
}
