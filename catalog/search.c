/* search.c: finding photos by caption, date and credit.
 *
 * The full-text index's rowid is the date key (catalog-private.h): the photographer's
 * local day, then the order of arrival within it. So the default order, newest first, is the
 * index's own order read backwards, and SQLite streams matches from the index and stops after the
 * page asked for, instead of sorting every match; a date range is a rowid range the index skips to.
 * bench/README.md has the measurements behind this plan.
 *
 * Filters (--credit, --byline...) are column filters inside the same full-text
 * expression, so they are diacritic-insensitive and tokenised like the words, and
 * cost the index what a word costs.
 */
#include "catalog/catalog-private.h"

#include <stdlib.h>
#include <string.h>

#define HIT_COLUMNS                                                                                \
    "p.id, p.sha256, p.caption, p.headline, p.byline, p.credit, p.source, p.credit_line, "         \
    "p.distributor, p.photographer, p.date_created, p.city, p.country, p.slug, "                   \
    "p.embargo_until, p.ingested_at, p.width, p.height, p.kill, p.editorial_only, "                \
    "p.top_pick, (SELECT sha256 FROM renditions r WHERE r.photo_id = p.id AND r.name = "           \
    "'thumb')"

/* The snippet: the caption (column 0) with up to 24 words around the matches. */
#define SNIPPET "snippet(photos_fts, 0, char(2), char(3), '\xe2\x80\xa6', 24)"

/* bm25 column weights: caption and headline 10, keywords 5, the rest 1 (the order of
 * photos_fts's columns: caption, headline, object_name, byline, credit, source, city,
 * country, keywords, credit_line). */
#define BM25 "bm25(photos_fts, 10.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0, 1.0)"

#define FTS_FROM                                                                                   \
    " FROM photos_fts JOIN photos p ON p.date_key = photos_fts.rowid"                              \
    " WHERE photos_fts MATCH ?1 AND photos_fts.rowid BETWEEN ?2 AND ?3"

static const char *const fts_sql[] = {
    [PD_SEARCH_SORT_DATE] = "SELECT " HIT_COLUMNS ", " SNIPPET FTS_FROM
                            " ORDER BY photos_fts.rowid DESC LIMIT ?4 OFFSET ?5",
    [PD_SEARCH_SORT_ARRIVED] =
        "SELECT " HIT_COLUMNS ", " SNIPPET FTS_FROM " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5",
    [PD_SEARCH_SORT_RELEVANCE] = "SELECT " HIT_COLUMNS ", " SNIPPET FTS_FROM " ORDER BY " BM25
                                 ", photos_fts.rowid DESC LIMIT ?4 OFFSET ?5",
};

/* No words: the photos in the date range, perhaps without those matching ?1. */
#define BROWSE_WHERE " FROM photos p WHERE p.date_key BETWEEN ?2 AND ?3"
#define BROWSE_EXCLUDE                                                                             \
    " AND p.date_key NOT IN (SELECT rowid FROM photos_fts WHERE photos_fts MATCH ?1)"

static const char *const browse_sql[2][2] = {
    {"SELECT " HIT_COLUMNS ", NULL" BROWSE_WHERE " AND ?1 IS NULL"
     " ORDER BY p.date_key DESC LIMIT ?4 OFFSET ?5",
     "SELECT " HIT_COLUMNS ", NULL" BROWSE_WHERE " AND ?1 IS NULL"
     " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5"},
    {"SELECT " HIT_COLUMNS ", NULL" BROWSE_WHERE BROWSE_EXCLUDE
     " ORDER BY p.date_key DESC LIMIT ?4 OFFSET ?5",
     "SELECT " HIT_COLUMNS ", NULL" BROWSE_WHERE BROWSE_EXCLUDE
     " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5"},
};

/* The matches, counted up to ?4 (-1: all) */
static const char *const count_fts_sql =
    "SELECT count(*) FROM (SELECT 1 FROM photos_fts WHERE photos_fts MATCH ?1"
    " AND rowid BETWEEN ?2 AND ?3 LIMIT ?4)";
static const char *const count_browse_sql[2] = {
    "SELECT count(*) FROM (SELECT 1" BROWSE_WHERE " AND ?1 IS NULL LIMIT ?4)",
    "SELECT count(*) FROM (SELECT 1" BROWSE_WHERE BROWSE_EXCLUDE " LIMIT ?4)",
};

/* Facets over the whole result set. */
#define FACET(expr, order)                                                                         \
    "SELECT " expr ", count(*)" FTS_FROM " GROUP BY 1 ORDER BY " order " LIMIT ?4",                \
        "SELECT " expr ", count(*)" BROWSE_WHERE " AND ?1 IS NULL GROUP BY 1 ORDER BY " order      \
        " LIMIT ?4",                                                                               \
        "SELECT " expr ", count(*)" BROWSE_WHERE BROWSE_EXCLUDE " GROUP BY 1 ORDER BY " order      \
        " LIMIT ?4"

static const char *const facet_sql[3][3] = {
    {FACET("p.distributor", "2 DESC, 1")},
    {FACET("p.photographer", "2 DESC, 1")},
    {FACET("substr(p.date_created_local, 1, 10)", "1 DESC")},
};

/* ---------------------------------------------------------------- results */

static void
hit_free(gpointer p)
{
    PdSearchHit *h = p;
    g_free(h->sha256);
    g_free(h->caption);
    g_free(h->headline);
    g_free(h->byline);
    g_free(h->credit);
    g_free(h->source);
    g_free(h->credit_line);
    g_free(h->distributor);
    g_free(h->photographer);
    g_free(h->date_created);
    g_free(h->city);
    g_free(h->country);
    g_free(h->slug);
    g_free(h->embargo_until);
    g_free(h->ingested_at);
    g_free(h->snippet);
    g_free(h->thumb);
    g_free(h);
}

static void
facet_free(gpointer p)
{
    PdFacetCount *f = p;
    g_free(f->value);
    g_free(f);
}

void
pd_search_result_free(PdSearchResult *r)
{
    if (r == NULL)
        return;
    if (r->hits)
        g_ptr_array_unref(r->hits);
    if (r->by_distributor)
        g_ptr_array_unref(r->by_distributor);
    if (r->by_photographer)
        g_ptr_array_unref(r->by_photographer);
    if (r->by_day)
        g_ptr_array_unref(r->by_day);
    g_free(r);
}

static char *
text_at(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? g_strdup((const char *)t) : NULL;
}

static PdSearchHit *
read_hit(sqlite3_stmt *st)
{
    PdSearchHit *h = g_new0(PdSearchHit, 1);
    int i = 0;
    h->id = sqlite3_column_int64(st, i++);
    h->sha256 = text_at(st, i++);
    h->caption = text_at(st, i++);
    h->headline = text_at(st, i++);
    h->byline = text_at(st, i++);
    h->credit = text_at(st, i++);
    h->source = text_at(st, i++);
    h->credit_line = text_at(st, i++);
    h->distributor = text_at(st, i++);
    h->photographer = text_at(st, i++);
    h->date_created = text_at(st, i++);
    h->city = text_at(st, i++);
    h->country = text_at(st, i++);
    h->slug = text_at(st, i++);
    h->embargo_until = text_at(st, i++);
    h->ingested_at = text_at(st, i++);
    h->width = sqlite3_column_int(st, i++);
    h->height = sqlite3_column_int(st, i++);
    h->kill = sqlite3_column_int(st, i++) != 0;
    h->editorial_only = sqlite3_column_int(st, i++) != 0;
    h->top_pick = sqlite3_column_int(st, i++) != 0;
    h->thumb = text_at(st, i++);
    h->snippet = text_at(st, i++);
    return h;
}

/* ---------------------------------------------------------------- the request */

/* A filter value as a phrase within @columns: {credit credit_line} : "via ap". */
static void
append_filter(GString *expr, const char *columns, const char *value)
{
    if (value == NULL || *value == 0)
        return;
    g_autofree char *positive = NULL, *excluded = NULL;
    /* The value is one phrase, whatever it holds: quote it whole. */
    GString *quoted = g_string_new("\"");
    g_autofree char *clean = g_utf8_make_valid(value, -1);
    for (const char *p = clean; *p; p++)
        g_string_append_c(quoted, *p == '"' ? ' ' : *p);
    g_string_append_c(quoted, '"');
    if (!pd_catalog_build_query(quoted->str, &positive, &excluded, NULL) || positive == NULL) {
        /* nothing searchable in it ("--credit -"): it can match nothing */
        g_string_append_printf(expr, "%s{%s} : \"\"", expr->len ? " AND " : "", columns);
    } else {
        g_string_append_printf(expr, "%s{%s} : (%s)", expr->len ? " AND " : "", columns, positive);
    }
    g_string_free(quoted, TRUE);
}

static gboolean
valid_date(const char *s)
{
    gsize n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return FALSE;
    for (gsize i = 0; i < n; i++) {
        gboolean dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !g_ascii_isdigit(s[i]))
            return FALSE;
    }
    int y = atoi(s), m = n >= 7 ? atoi(s + 5) : 1, d = n == 10 ? atoi(s + 8) : 1;
    return g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

static gboolean
run_facet(PdCatalog *c, sqlite3 *db, const char *sql, const char *match, gint64 lo, gint64 hi,
          int limit, GPtrArray **out, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "search: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    if (match)
        sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    sqlite3_bind_int(st, 4, limit);
    *out = g_ptr_array_new_with_free_func(facet_free);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        PdFacetCount *f = g_new0(PdFacetCount, 1);
        f->value = text_at(st, 0);
        f->count = sqlite3_column_int64(st, 1);
        g_ptr_array_add(*out, f);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "search: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}

PdSearchResult *
pd_catalog_search(PdCatalog *c, const PdSearchRequest *req, GError **error)
{
    /* Check what can be wrong with the request before touching the index. */
    if (req->from && *req->from && !valid_date(req->from)) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "--from \"%s\" is not a date: give YYYY, YYYY-MM or YYYY-MM-DD", req->from);
        return NULL;
    }
    if (req->to && *req->to && !valid_date(req->to)) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "--to \"%s\" is not a date: give YYYY, YYYY-MM or YYYY-MM-DD", req->to);
        return NULL;
    }
    if (req->limit < 0 || req->limit > 1000 || req->offset < 0) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "the limit must be 1 to 1000 and the offset 0 or more");
        return NULL;
    }
    if ((int)req->sort < PD_SEARCH_SORT_DATE || (int)req->sort > PD_SEARCH_SORT_RELEVANCE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY, "unknown sort order");
        return NULL;
    }

    g_autofree char *positive = NULL, *excluded = NULL;
    if (!pd_catalog_build_query(req->query, &positive, &excluded, error))
        return NULL;

    /* The words and the filters make one expression. */
    GString *expr = g_string_new(positive ? positive : "");
    if (positive && strchr(positive, ' '))
        g_string_printf(expr, "(%s)", positive);
    append_filter(expr, "credit credit_line", req->credit);
    append_filter(expr, "byline credit_line", req->byline);
    append_filter(expr, "source", req->source);
    append_filter(expr, "city", req->city);
    append_filter(expr, "country", req->country);
    gboolean fts = expr->len > 0;
    if (fts && excluded) {
        g_autofree char *with = g_strdup_printf("(%s) NOT (%s)", expr->str, excluded);
        g_string_assign(expr, with);
    }
    g_autofree char *match = fts ? g_string_free(expr, FALSE) : (g_string_free(expr, TRUE), NULL);
    const char *bound = fts ? match : excluded; /* ?1 */

    /* Dates are rowid ranges: dated photos from day << PD_DAY_SHIFT, undated below 0. */
    gint64 lo = G_MININT64, hi = G_MAXINT64;
    if (req->undated) {
        hi = -1;
    } else {
        if (req->from && *req->from)
            lo = pd_catalog_date_day(req->from, FALSE) << PD_DAY_SHIFT;
        else if (req->to && *req->to)
            lo = (gint64)1 << PD_DAY_SHIFT; /* a date range leaves out the undated */
        if (req->to && *req->to)
            hi = (pd_catalog_date_day(req->to, TRUE) << PD_DAY_SHIFT) - 1;
    }
    int limit = req->limit ? req->limit : 50;
    int browse_kind = excluded ? 1 : 0;
    int sort = req->sort;
    if (!fts && sort == PD_SEARCH_SORT_RELEVANCE)
        sort = PD_SEARCH_SORT_DATE; /* nothing to rank by */

    sqlite3 *db = pd_catalog_db(c);
    const char *sql = fts ? fts_sql[sort] : browse_sql[browse_kind][sort == PD_SEARCH_SORT_ARRIVED];
    sqlite3_stmt *st = pd_catalog_statement(c, sql, error);
    if (st == NULL)
        return NULL;
    if (bound)
        sqlite3_bind_text(st, 1, bound, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    sqlite3_bind_int(st, 4, limit);
    sqlite3_bind_int(st, 5, req->offset);

    PdSearchResult *result = g_new0(PdSearchResult, 1);
    result->hits = g_ptr_array_new_with_free_func(hit_free);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(result->hits, read_hit(st));
    sqlite3_reset(st);
    if (r != SQLITE_DONE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "search: %s",
                    sqlite3_errmsg(db));
        pd_search_result_free(result);
        return NULL;
    }

    sqlite3_stmt *count =
        pd_catalog_statement(c, fts ? count_fts_sql : count_browse_sql[browse_kind], error);
    if (count == NULL) {
        pd_search_result_free(result);
        return NULL;
    }
    if (bound)
        sqlite3_bind_text(count, 1, bound, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(count, 2, lo);
    sqlite3_bind_int64(count, 3, hi);
    sqlite3_bind_int(count, 4, req->facets ? -1 : PD_SEARCH_EXACT_TOTAL + 1);
    if (sqlite3_step(count) == SQLITE_ROW)
        result->total = sqlite3_column_int64(count, 0);
    sqlite3_reset(count);
    result->total_exact = req->facets || result->total <= PD_SEARCH_EXACT_TOTAL;
    if (!result->total_exact)
        result->total = PD_SEARCH_EXACT_TOTAL;

    if (req->facets) {
        int kind = fts ? 0 : 1 + browse_kind;
        if (!run_facet(c, db, facet_sql[0][kind], bound, lo, hi, 20, &result->by_distributor,
                       error) ||
            !run_facet(c, db, facet_sql[1][kind], bound, lo, hi, 20, &result->by_photographer,
                       error) ||
            !run_facet(c, db, facet_sql[2][kind], bound, lo, hi, 1000, &result->by_day, error)) {
            pd_search_result_free(result);
            return NULL;
        }
    }
    return result;
}
