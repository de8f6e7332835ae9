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
    "p.top_pick, (SELECT sha256 FROM renditions r WHERE r.photo_id = p.id AND "                    \
    "r.sha256 = p.picture AND r.name = 'thumb'), coalesce(p.group_id, 0), coalesce(p.made, 0), "   \
    "p.content_credentials IS NOT NULL, coalesce(k.rating, 0), k.label"

/* bm25 column weights: caption and headline 10, keywords 5, the rest 1 (the order of
 * photos_fts's columns: caption, headline, object_name, byline, credit, source, city,
 * country, keywords, credit_line). */
#define BM25 "bm25(photos_fts, 10.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0, 1.0)"

/* Parameters of every statement below: ?1 the FTS5 expression (or, browsing, the
 * excluded words' one, or NULL), ?2 and ?3 the date key range, ?4 a limit, ?5 an offset,
 * ?6 the PdQuery for pd_check(), ?7 whether to call it, ?8 the photo id the matches
 * arrived after (0: any; the new photos are few, and found by the id's own index), ?9 the
 * PdMade bits asked for (0: any; the photos made so are few, and found by their index),
 * ?10 the fewest stars of the desk's rating (0: any) and ?11 its colour label (NULL: any;
 * both found from the picks' indexes), ?12 a lightbox (0: any). */
#define FILTERS(key)                                                                               \
    " AND (?9 = 0 OR " key " IN (SELECT date_key FROM photos WHERE made IS NOT NULL AND "          \
    "(made & ?9) <> 0))"                                                                           \
    " AND (?10 = 0 OR " key " IN (SELECT p2.date_key FROM picks k2 JOIN photos p2 ON p2.id = "     \
    "k2.photo_id WHERE k2.rating > 0 AND k2.rating >= ?10))"                                       \
    " AND (?11 IS NULL OR " key " IN (SELECT p2.date_key FROM picks k2 JOIN photos p2 ON p2.id = " \
    "k2.photo_id WHERE k2.label = ?11))"                                                           \
    " AND (?12 = 0 OR " key " IN (SELECT p2.date_key FROM lightbox_photos l2 JOIN photos p2 ON "   \
    "p2.id = l2.photo_id WHERE l2.lightbox_id = ?12))"
#define CHECK(t)                                                                                   \
    " AND CASE WHEN ?7 THEN pd_check(?6, " t ".caption, " t ".headline, " t ".object_name, " t     \
    ".byline, " t ".credit, " t ".source, " t ".city, " t ".country, " t ".keywords, " t           \
    ".credit_line) ELSE 1 END"
#define FTS_WHERE                                                                                  \
    " WHERE photos_fts MATCH ?1 AND photos_fts.rowid BETWEEN ?2 AND ?3" CHECK(                     \
        "photos_fts") " AND (?8 = 0 OR photos_fts.rowid IN (SELECT date_key FROM photos WHERE id " \
                      "> ?8))" FILTERS("photos_fts.rowid")
#define BROWSE_WHERE                                                                               \
    " WHERE p.date_key BETWEEN ?2 AND ?3 AND p.id > ?8" CHECK("p") FILTERS("p.date_key")
#define BROWSE_EXCLUDE                                                                             \
    " AND (?1 IS NULL OR p.date_key NOT IN (SELECT rowid FROM photos_fts WHERE photos_fts MATCH "  \
    "?1))"

/* The page's date keys, in order: [words or browsing]. By date, the index's own order
 * (newest day first; the page is put in order within its days afterwards); the newest
 * first by arrival; by relevance among the newest PD_SEARCH_RANKED matches. */
static const char *const keys_sql[][2] = {
    [PD_SEARCH_SORT_DATE] = {"SELECT photos_fts.rowid FROM photos_fts" FTS_WHERE
                             " ORDER BY photos_fts.rowid DESC",
                             "SELECT p.date_key FROM photos p" BROWSE_WHERE BROWSE_EXCLUDE
                             " ORDER BY p.date_key DESC"},
    [PD_SEARCH_SORT_ARRIVED] = {"SELECT photos_fts.rowid FROM photos_fts JOIN photos p ON "
                                "p.date_key = photos_fts.rowid" FTS_WHERE
                                " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5",
                                "SELECT p.date_key FROM photos p" BROWSE_WHERE BROWSE_EXCLUDE
                                " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5"},
    [PD_SEARCH_SORT_RELEVANCE] = {"SELECT k FROM (SELECT photos_fts.rowid AS k, " BM25
                                  " AS score FROM photos_fts" FTS_WHERE
                                  " ORDER BY photos_fts.rowid DESC LIMIT " G_STRINGIFY(
                                      PD_SEARCH_RANKED) ") ORDER BY score, k DESC LIMIT ?4 "
                                                        "OFFSET ?5",
                                  NULL},
};

/* What orders a day's photos: when they were taken, in UTC where the offset is known. */
static const char *const time_sql =
    "SELECT coalesce(date_created_utc, date_created) FROM photos WHERE date_key = ?1";

/* On PostgreSQL, where each statement is a round trip, the times and the hits of a page
 * are read in one statement each, by an array of date keys. */
static const char *const pg_times_sql =
    "SELECT date_key, coalesce(date_created_utc, date_created) FROM photos"
    " WHERE date_key = ANY(CAST(?1 AS bigint[]))";
static const char *const pg_hits_sql =
    "SELECT " HIT_COLUMNS ", p.date_key FROM photos p LEFT JOIN picks k ON k.photo_id = p.id"
    " WHERE p.date_key = ANY(CAST(?1 AS bigint[]))";

/* @n date keys, from @keys every @stride bytes, as a PostgreSQL array: "{1,2,3}". */
static char *
key_array(const void *keys, gsize stride, guint n)
{
    GString *s = g_string_new("{");
    for (guint i = 0; i < n; i++)
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "",
                               *(const gint64 *)((const char *)keys + i * stride));
    g_string_append_c(s, '}');
    return g_string_free(s, FALSE);
}

/* One hit, by date key. */
static const char *const hit_sql =
    "SELECT " HIT_COLUMNS " FROM photos p LEFT JOIN picks k ON k.photo_id = p.id"
    " WHERE p.date_key = ?1";

/* The matches, counted up to ?4 (-1: all) */
static const char *const count_sql[2] = {
    "SELECT count(*) FROM (SELECT 1 FROM photos_fts" FTS_WHERE " LIMIT ?4)",
    "SELECT count(*) FROM (SELECT 1 FROM photos p" BROWSE_WHERE BROWSE_EXCLUDE " LIMIT ?4)",
};

/* Facets over the whole result set. */
#define FACET(expr, order)                                                                         \
    "SELECT " expr                                                                                 \
    ", count(*) FROM photos_fts JOIN photos p ON p.date_key = photos_fts.rowid" FTS_WHERE          \
    " GROUP BY 1 ORDER BY " order " LIMIT ?4",                                                     \
        "SELECT " expr ", count(*) FROM photos p" BROWSE_WHERE BROWSE_EXCLUDE                      \
        " GROUP BY 1 ORDER BY " order " LIMIT ?4"

static const char *const facet_sql[7][2] = {
    {FACET("p.distributor", "2 DESC, 1")},
    {FACET("p.photographer", "2 DESC, 1")},
    {FACET("substr(p.date_created_local, 1, 10)", "1 DESC")},
    {FACET("(SELECT label FROM picks WHERE photo_id = p.id)", "2 DESC, 1")},
    {FACET("(SELECT CAST(rating AS TEXT) FROM picks WHERE photo_id = p.id AND rating > 0)",
           "1 DESC")},
    {FACET("p.city", "2 DESC, 1")},
    {FACET("p.country", "2 DESC, 1")},
};

/* The columns of a hit (read_hit()). */
#define HIT_COUNT 27

/* The same statements on PostgreSQL, where the index is photo_words (pg.c, words-pg.c):
 * ?1 is the query the index finds the candidates by, ?13 the whole query (phrases,
 * columns, prefixes and exclusions) each candidate is checked against, NULL when ?1 is
 * the whole query already; browsing, ?13 holds the exclusions alone, or NULL. ?6 and ?7
 * are bound and unused: nothing is left to pd_check(). A page by date is read with a
 * limit (?4), and the rest of its last day by a second run (page_by_date()). Relevance: the newest
 * PD_SEARCH_RANKED matches ranked by ts_rank, with the columns weighed as bm25 weighs them on
 * SQLite (the words' weights: words-pg.c); the matches are the same, their order by relevance
 * PostgreSQL's. */
#define PG_WEIGHTS "CAST('{0.1, 0.1, 0.5, 1.0}' AS float4[])"
#define PG_FILTERS                                                                                 \
    " AND (?9 = 0 OR EXISTS (SELECT 1 FROM photos p2 WHERE p2.id = w.photo_id"                     \
    " AND (p2.made & ?9) <> 0))"                                                                   \
    " AND (?10 = 0 OR EXISTS (SELECT 1 FROM picks k2 WHERE k2.photo_id = w.photo_id"               \
    " AND k2.rating > 0 AND k2.rating >= ?10))"                                                    \
    " AND (CAST(?11 AS text) IS NULL OR EXISTS (SELECT 1 FROM picks k2"                            \
    " WHERE k2.photo_id = w.photo_id AND k2.label = ?11))"                                         \
    " AND (?12 = 0 OR EXISTS (SELECT 1 FROM lightbox_photos l2 WHERE l2.photo_id = w.photo_id"     \
    " AND l2.lightbox_id = ?12))"
/* The whole query is checked outside the index's condition, by ~@@~ (pg.c: @@ under
 * another name, which no index serves and the planner takes to pass nearly every
 * candidate): the index looks up only ?1's few words. */
#define PG_EXACT(q) " AND (CAST(" q " AS tsquery) IS NULL OR w.words ~@@~ CAST(" q " AS tsquery))"
#define PG_WHERE                                                                                   \
    " WHERE w.words @@ CAST(?1 AS tsquery) AND w.date_key BETWEEN ?2 AND ?3"                       \
    " AND w.photo_id > ?8" PG_EXACT("?13") PG_FILTERS
#define PG_BROWSE_WHERE                                                                            \
    " WHERE w.date_key BETWEEN ?2 AND ?3 AND w.photo_id > ?8" PG_EXACT("?13") PG_FILTERS

static const char *const pg_keys_sql[][2] = {
    [PD_SEARCH_SORT_DATE] = {"SELECT w.date_key FROM photo_words w" PG_WHERE
                             " ORDER BY w.date_key DESC LIMIT ?4",
                             "SELECT w.date_key FROM photo_words w" PG_BROWSE_WHERE
                             " ORDER BY w.date_key DESC LIMIT ?4"},
    [PD_SEARCH_SORT_ARRIVED] = {"SELECT w.date_key FROM photo_words w" PG_WHERE
                                " ORDER BY w.photo_id DESC LIMIT ?4 OFFSET ?5",
                                "SELECT w.date_key FROM photo_words w" PG_BROWSE_WHERE
                                " ORDER BY w.photo_id DESC LIMIT ?4 OFFSET ?5"},
    [PD_SEARCH_SORT_RELEVANCE] =
        {"SELECT k FROM (SELECT w.date_key AS k, ts_rank(" PG_WEIGHTS
         ", w.words, CAST(coalesce(?13, ?1) AS tsquery)) AS score FROM photo_words w" PG_WHERE
         " ORDER BY w.date_key DESC LIMIT " G_STRINGIFY(
             PD_SEARCH_RANKED) ") r ORDER BY score DESC, k DESC"
                               " LIMIT ?4 OFFSET ?5",
         NULL},
};

/* Counted in no order, so that each year's plan is the cheapest way to its first
 * matches up to the count: a common word's rows read in turn, a rarer word's found by
 * the index and fetched until the count is reached. In date order, a word in one photo
 * of a hundred read the newest year through its date keys (at ten million photos,
 * 75,000 rows to count 1,001: 35 ms, against 8 ms by the index). The newest year is
 * counted first, from its own table (count_matches()): through photo_words, PostgreSQL
 * 15 chooses a year's plan as if all its matches were wanted, not the first few, and
 * took the index's whole list of a word in a third of the photos (264,000 rows: 50 ms)
 * where reading the table until the count is reached takes 2 ms. The same statement,
 * photo_words_YYYY for photo_words, in count_matches(). */
#define PG_COUNT(table, where)                                                                     \
    "SELECT count(*) FROM (SELECT 1 FROM " table " w" where " LIMIT ?4) m"
static const char *const pg_where[2] = {PG_WHERE, PG_BROWSE_WHERE};
static const char *const pg_count_sql[2] = {
    PG_COUNT("photo_words", PG_WHERE),
    PG_COUNT("photo_words", PG_BROWSE_WHERE),
};

/* Facets: NULL first among equals and text byte by byte, as SQLite orders them. */
#define PG_FACET(expr, order)                                                                      \
    "SELECT v, count(*) FROM (SELECT " expr " AS v FROM photo_words w JOIN photos p"               \
    " ON p.id = w.photo_id" PG_WHERE ") f GROUP BY v ORDER BY " order " LIMIT ?4",                 \
        "SELECT v, count(*) FROM (SELECT " expr " AS v FROM photo_words w JOIN photos p"           \
        " ON p.id = w.photo_id" PG_BROWSE_WHERE ") f GROUP BY v ORDER BY " order " LIMIT ?4"
#define PG_BY_COUNT "2 DESC, v COLLATE \"C\" NULLS FIRST"
#define PG_BY_VALUE "v COLLATE \"C\" DESC NULLS LAST"

static const char *const pg_facet_sql[7][2] = {
    {PG_FACET("p.distributor", PG_BY_COUNT)},
    {PG_FACET("p.photographer", PG_BY_COUNT)},
    {PG_FACET("substr(p.date_created_local, 1, 10)", PG_BY_VALUE)},
    {PG_FACET("(SELECT label FROM picks WHERE photo_id = p.id)", PG_BY_COUNT)},
    {PG_FACET("(SELECT CAST(rating AS TEXT) FROM picks WHERE photo_id = p.id AND rating > 0)",
              PG_BY_VALUE)},
    {PG_FACET("p.city", PG_BY_COUNT)},
    {PG_FACET("p.country", PG_BY_COUNT)},
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
    g_free(h->label);
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
    if (r->by_label)
        g_ptr_array_unref(r->by_label);
    if (r->by_rating)
        g_ptr_array_unref(r->by_rating);
    if (r->by_city)
        g_ptr_array_unref(r->by_city);
    if (r->by_country)
        g_ptr_array_unref(r->by_country);
    g_free(r);
}

static PdSearchHit *
read_hit(PdStmt *st)
{
    PdSearchHit *h = g_new0(PdSearchHit, 1);
    int i = 0;
    h->id = pd_stmt_int64(st, i++);
    h->sha256 = pd_catalog_text(st, i++);
    h->caption = pd_catalog_text(st, i++);
    h->headline = pd_catalog_text(st, i++);
    h->byline = pd_catalog_text(st, i++);
    h->credit = pd_catalog_text(st, i++);
    h->source = pd_catalog_text(st, i++);
    h->credit_line = pd_catalog_text(st, i++);
    h->distributor = pd_catalog_text(st, i++);
    h->photographer = pd_catalog_text(st, i++);
    h->date_created = pd_catalog_text(st, i++);
    h->city = pd_catalog_text(st, i++);
    h->country = pd_catalog_text(st, i++);
    h->slug = pd_catalog_text(st, i++);
    h->embargo_until = pd_catalog_text(st, i++);
    h->ingested_at = pd_catalog_text(st, i++);
    h->width = pd_stmt_int(st, i++);
    h->height = pd_stmt_int(st, i++);
    h->kill = pd_stmt_int(st, i++) != 0;
    h->editorial_only = pd_stmt_int(st, i++) != 0;
    h->top_pick = pd_stmt_int(st, i++) != 0;
    h->thumb = pd_catalog_text(st, i++);
    h->group_id = pd_stmt_int64(st, i++);
    h->made = pd_stmt_int(st, i++);
    h->content_credentials = pd_stmt_int(st, i++) != 0;
    h->rating = pd_stmt_int(st, i++);
    h->label = pd_catalog_text(st, i++);
    return h;
}

/* ---------------------------------------------------------------- the request */

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

/* What every statement of a search is given (see above). */
typedef struct {
    const char *match; /* ?1 */
    const char *exact; /* ?13, PostgreSQL's whole query when ?1 is coarser, else NULL */
    gint64 lo, hi;     /* ?2, ?3 */
    PdQuery *q;        /* ?6 */
    gboolean check;    /* ?7 */
    const PdSearchRequest *req;
    GArray *years; /* PostgreSQL: the years of lo..hi, newest first (pg_years()) */
    int newest;    /* and the newest of them (0: only the undated) */
} Match;

/* The statement for @sql with the request's parameters bound (see above). */
static PdStmt *
prepare(PdCatalog *c, const char *sql, const Match *m, GError **error)
{
    const PdSearchRequest *req = m->req;
    PdStmt *st = pd_catalog_statement(c, sql, error);
    if (st == NULL)
        return NULL;
    pd_stmt_replan(st);
    if (m->match)
        pd_stmt_bind_text(st, 1, m->match);
    pd_stmt_bind_int64(st, 2, m->lo);
    pd_stmt_bind_int64(st, 3, m->hi);
    if (pd_stmt_lite(st)) {
        sqlite3_bind_pointer(pd_stmt_lite(st), 6, m->q, PD_QUERY_POINTER, NULL);
    } else { /* typed, used or not: PostgreSQL checks its whole query itself (?6, ?7), and
              * the limit and offset are bound by the caller where the statement has them */
        for (int i = 4; i <= 6; i++)
            pd_stmt_bind_int(st, i, 0);
        pd_stmt_bind_text(st, 13, m->exact);
    }
    pd_stmt_bind_int(st, 7, m->check);
    pd_stmt_bind_int64(st, 8, req->after_id);
    pd_stmt_bind_int(st, 9, req->made);
    pd_stmt_bind_int(st, 10, req->min_rating);
    pd_stmt_bind_text(st, 11, req->label && *req->label ? req->label : NULL);
    pd_stmt_bind_int64(st, 12, req->lightbox);
    return st;
}

static gboolean
failed(PdCatalog *c, GError **error)
{
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED, "search: %s",
                pd_catalog_on_pg(c) ? c->pg_error : sqlite3_errmsg(c->db));
    return FALSE;
}

static gboolean
run_facet(PdCatalog *c, const char *sql, const Match *m, int limit, GPtrArray **out, GError **error)
{
    PdStmt *st = prepare(c, sql, m, error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_int(st, 4, limit);
    *out = g_ptr_array_new_with_free_func(facet_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        PdFacetCount *f = g_new0(PdFacetCount, 1);
        f->value = pd_catalog_text(st, 0);
        f->count = pd_stmt_int64(st, 1);
        g_ptr_array_add(*out, f);
    }
    pd_stmt_reset(st);
    return r == PD_DONE || failed(c, error);
}

typedef struct {
    gint64 key;
    char *time;
} Keyed;

static int
compare_keyed(gconstpointer a, gconstpointer b)
{
    const Keyed *x = a, *y = b;
    gint64 dx = x->key >> PD_DAY_SHIFT, dy = y->key >> PD_DAY_SHIFT;
    if (dx != dy)
        return dx < dy ? 1 : -1;         /* newest day first */
    int t = g_strcmp0(y->time, x->time); /* latest first, no time last */
    if (t)
        return t;
    return x->key < y->key ? 1 : x->key > y->key ? -1 : 0;
}

/* Appends the rows @st gives (at most @want in all) to @rows, the last one's day to
 * @last_day: the index gives them by day, and by arrival within a day. */
static int
read_keys(PdStmt *st, gint64 want, GArray *rows, gint64 *last_day)
{
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        gint64 key = pd_stmt_int64(st, 0);
        gint64 day = key >> PD_DAY_SHIFT;
        if ((gint64)rows->len >= want && day != *last_day)
            break;
        Keyed k = {key, NULL};
        g_array_append_val(rows, k);
        *last_day = day;
    }
    pd_stmt_reset(st);
    return r;
}

/* PostgreSQL's index a year at a time (pg.c), newest first: the years that meet the
 * date keys from @lo to @hi, each as its first and last key there, then the undated;
 * the newest year to @newest (0 when there are only the undated). */
static GArray *
pg_years(PdCatalog *c, gint64 lo, gint64 hi, int *newest, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT greatest(lo, ?1), least(hi - 1, ?2), year FROM"
                                      " photo_words_years WHERE lo <= ?2 AND hi > ?1"
                                      " ORDER BY year DESC",
                                      error);
    if (st == NULL)
        return NULL;
    GArray *spans = g_array_new(FALSE, FALSE, sizeof(gint64));
    pd_stmt_bind_int64(st, 1, lo);
    pd_stmt_bind_int64(st, 2, hi);
    *newest = 0;
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW) {
        gint64 span[2] = {pd_stmt_int64(st, 0), pd_stmt_int64(st, 1)};
        if (spans->len == 0)
            *newest = pd_stmt_int(st, 2);
        g_array_append_vals(spans, span, 2);
    }
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_array_unref(spans);
        failed(c, error);
        return NULL;
    }
    if (lo < 1) {
        gint64 undated[2] = {lo, MIN(hi, 0)};
        g_array_append_vals(spans, undated, 2);
    }
    return spans;
}

/* The date keys of the page, newest taken first: the index gives them by day, and by
 * arrival within a day; read on to the end of the page's last day, and put those in the
 * order they were taken. A page that ran out of matches sets @found to their number (else
 * -1): nothing is left to count. */
static gboolean
page_by_date(PdCatalog *c, PdStmt *st, const PdSearchRequest *req, const Match *m, int limit,
             GArray *keys, gint64 *found, GError **error)
{
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(Keyed));
    gint64 want = (gint64)req->offset + limit, last_day = G_MININT64;
    gboolean pg = pd_catalog_on_pg(c);
    int r = PD_DONE;
    if (!pg) {
        /* SQLite's steps stop where the page's last day ends */
        r = read_keys(st, want, rows, &last_day);
    } else {
        /* PostgreSQL runs a statement whole: it is asked for the page a year at a
         * time until the page is full (a year's index is a year's, and a common word's
         * page is found in the newest), then for the rest of the page's last day */
        GArray *years = m->years;
        for (guint i = 0; r == PD_DONE && i < years->len && (gint64)rows->len < want; i += 2) {
            pd_stmt_bind_int64(st, 2, g_array_index(years, gint64, i));
            pd_stmt_bind_int64(st, 3, g_array_index(years, gint64, i + 1));
            pd_stmt_bind_int64(st, 4, want - (gint64)rows->len);
            r = read_keys(st, want, rows, &last_day);
        }
        if (r == PD_DONE && (gint64)rows->len >= want) {
            gint64 last = g_array_index(rows, Keyed, rows->len - 1).key;
            /* the undated's "day" is negative: multiplied, as a shift of it is undefined */
            pd_stmt_bind_int64(st, 2, MAX(m->lo, last_day * ((gint64)1 << PD_DAY_SHIFT)));
            pd_stmt_bind_int64(st, 3, last - 1);
            pd_stmt_bind_int64(st, 4, PD_ALL_ROWS);
            r = read_keys(st, G_MAXINT64, rows, &last_day);
        }
    }
    gboolean ok = r == PD_ROW || r == PD_DONE || failed(c, error);
    PdStmt *times = ok ? pd_catalog_statement(c, pg ? pg_times_sql : time_sql, error) : NULL;
    ok = times != NULL;
    if (ok && pg && rows->len) {
        g_autofree char *all = key_array(rows->data, sizeof(Keyed), rows->len);
        g_autoptr(GHashTable) at = g_hash_table_new(g_int64_hash, g_int64_equal);
        for (guint i = 0; i < rows->len; i++)
            g_hash_table_insert(at, &g_array_index(rows, Keyed, i).key,
                                &g_array_index(rows, Keyed, i));
        pd_stmt_bind_text(times, 1, all);
        while ((r = pd_stmt_step(times)) == PD_ROW) {
            gint64 key = pd_stmt_int64(times, 0);
            Keyed *k = g_hash_table_lookup(at, &key);
            if (k && k->time == NULL)
                k->time = pd_catalog_text(times, 1);
        }
        pd_stmt_reset(times);
        ok = r == PD_DONE || failed(c, error);
    }
    for (guint i = 0; ok && !pg && i < rows->len; i++) {
        Keyed *k = &g_array_index(rows, Keyed, i);
        pd_stmt_bind_int64(times, 1, k->key);
        if (pd_stmt_step(times) == PD_ROW)
            k->time = pd_catalog_text(times, 0);
        pd_stmt_reset(times);
    }
    *found = r == PD_DONE && (gint64)rows->len < want ? (gint64)rows->len : -1;
    if (ok) {
        g_array_sort(rows, compare_keyed);
        for (guint i = (guint)req->offset; i < rows->len && (gint64)i < want; i++)
            g_array_append_val(keys, g_array_index(rows, Keyed, i).key);
    }
    for (guint i = 0; i < rows->len; i++)
        g_free(g_array_index(rows, Keyed, i).time);
    g_array_unref(rows);
    return ok;
}

/* Adds the matches @st finds from @lo to @hi, up to @most in all, to @total. */
static gboolean
count_span(PdCatalog *c, PdStmt *st, gint64 lo, gint64 hi, gint64 most, gint64 *total,
           GError **error)
{
    pd_stmt_bind_int64(st, 2, lo);
    pd_stmt_bind_int64(st, 3, hi);
    pd_stmt_bind_int64(st, 4, most - *total);
    int r = pd_stmt_step(st);
    if (r == PD_ROW)
        *total += pd_stmt_int64(st, 0);
    pd_stmt_reset(st);
    return r == PD_ROW || failed(c, error);
}

/* The matches counted up to @most. On PostgreSQL the newest year first, by
 * pg_count_sql's statement on the year's own table, then the years before it together
 * by pg_count_sql if it has fewer: one range of date keys, down to the undated below. */
static gboolean
count_matches(PdCatalog *c, const Match *m, int words, gint64 most, gint64 *total, GError **error)
{
    *total = 0;
    GArray *years = m->years;
    if (years == NULL) {
        PdStmt *st = prepare(c, count_sql[words], m, error);
        return st != NULL && count_span(c, st, m->lo, m->hi, most, total, error);
    }
    if (years->len == 0)
        return TRUE;
    g_autofree char *table =
        m->newest ? g_strdup_printf("photo_words_%d", m->newest) : g_strdup("photo_words_undated");
    g_autofree char *sql = g_strconcat("SELECT count(*) FROM (SELECT 1 FROM ", table, " w",
                                       pg_where[words], " LIMIT ?4) m", NULL);
    PdStmt *st = prepare(c, sql, m, error);
    if (st == NULL || !count_span(c, st, g_array_index(years, gint64, 0),
                                  g_array_index(years, gint64, 1), most, total, error))
        return FALSE;
    if (years->len == 2 || *total >= most)
        return TRUE;
    st = prepare(c, pg_count_sql[words], m, error);
    return st != NULL && count_span(c, st, g_array_index(years, gint64, years->len - 2),
                                    g_array_index(years, gint64, 3), most, total, error);
}

static PdSearchResult *
search_in(PdCatalog *c, const PdSearchRequest *req, GError **error)
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
    if (req->after_id < 0) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "the photo id to search after must be 0 or more");
        return NULL;
    }
    if ((req->made & ~(PD_MADE_AI | PD_MADE_COMPOSITE)) != 0) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "how the picture was made: ai, composite or synthetic (either)");
        return NULL;
    }
    if (req->min_rating < 0 || req->min_rating > 5) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "the rating asked for is 1 to 5 stars (0: any)");
        return NULL;
    }
    if (req->label && *req->label && !pd_catalog_pick_label_valid(req->label)) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "label: red, yellow, green, blue or purple, not \"%s\"", req->label);
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

    /* The words and the filters make one expression. */
    gboolean pg = pd_catalog_on_pg(c);
    g_autoptr(PdQuery) q = pd_query_new(pd_catalog_words_db(c), error);
    if (q == NULL || !pd_query_add_words(q, req->query, error) ||
        !pd_query_add_phrase(q, PD_QUERY_COLUMN(4) | PD_QUERY_COLUMN(9), req->credit, error) ||
        !pd_query_add_phrase(q, PD_QUERY_COLUMN(3) | PD_QUERY_COLUMN(9), req->byline, error) ||
        !pd_query_add_phrase(q, PD_QUERY_COLUMN(5), req->source, error) ||
        !pd_query_add_phrase(q, PD_QUERY_COLUMN(6), req->city, error) ||
        !pd_query_add_phrase(q, PD_QUERY_COLUMN(7), req->country, error))
        return NULL;
    PdSearchResult *result = g_new0(PdSearchResult, 1);
    result->hits = g_ptr_array_new_with_free_func(hit_free);
    result->total_exact = TRUE;
    if (pd_query_impossible(q))
        return result;
    g_autofree char *positive = pd_query_expression(q);
    g_autofree char *excluded = pd_query_excluded(q);
    gboolean check = !pg && pd_query_needs_check(q);
    gboolean fts = positive != NULL;
    g_autofree char *match = NULL, *exact = NULL;
    if (pg) {
        /* ?1 finds the candidates by the index (prefixes by their first three letters,
         * phrases by their words) and ?13 is the whole query, checked on each; a query
         * that needs no check has no ?13. Browsing, ?13 holds the exclusions. */
        match = pd_query_tsquery_coarse(q);
        exact = pd_query_tsquery(q);
        if (match && strcmp(match, exact) == 0)
            g_clear_pointer(&exact, g_free);
    } else if (fts && excluded)
        match = g_strdup_printf("(%s) NOT (%s)", positive, excluded);
    else
        match = g_strdup(fts ? positive : excluded);
    const char *const(*keys_of)[2] = pg ? pg_keys_sql : keys_sql;
    const char *const(*facets_of)[2] = pg ? pg_facet_sql : facet_sql;
    int words = fts ? 0 : 1; /* index into the statement tables */

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
    int sort = req->sort;
    if (!fts && sort == PD_SEARCH_SORT_RELEVANCE)
        sort = PD_SEARCH_SORT_DATE; /* nothing to rank by */
    Match m = {match, exact, lo, hi, q, check, req, NULL, 0};
    if (pg && (m.years = pg_years(c, lo, hi, &m.newest, error)) == NULL) {
        pd_search_result_free(result);
        return NULL;
    }

    /* The page's keys, then its photos. */
    GArray *keys = g_array_new(FALSE, FALSE, sizeof(gint64));
    PdStmt *st = prepare(c, keys_of[sort][words], &m, error);
    gboolean ok = st != NULL;
    gint64 found = -1;
    if (ok && sort == PD_SEARCH_SORT_DATE) {
        ok = page_by_date(c, st, req, &m, limit, keys, &found, error);
    } else if (ok) {
        pd_stmt_bind_int(st, 4, limit);
        pd_stmt_bind_int(st, 5, req->offset);
        int r;
        while ((r = pd_stmt_step(st)) == PD_ROW) {
            gint64 key = pd_stmt_int64(st, 0);
            g_array_append_val(keys, key);
        }
        pd_stmt_reset(st);
        ok = r == PD_DONE || failed(c, error);
    }
    PdStmt *hit = ok ? pd_catalog_statement(c, pg ? pg_hits_sql : hit_sql, error) : NULL;
    ok = ok && hit != NULL;
    if (ok && pg && keys->len) {
        g_autofree char *all = key_array(keys->data, sizeof(gint64), keys->len);
        g_autoptr(GHashTable) by_key =
            g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, hit_free);
        pd_stmt_bind_text(hit, 1, all);
        int r;
        while ((r = pd_stmt_step(hit)) == PD_ROW) {
            gint64 *key = g_new(gint64, 1);
            *key = pd_stmt_int64(hit, HIT_COUNT);
            g_hash_table_insert(by_key, key, read_hit(hit));
        }
        pd_stmt_reset(hit);
        ok = r == PD_DONE || failed(c, error);
        for (guint i = 0; i < keys->len; i++) {
            gpointer key = NULL, h = NULL;
            if (!g_hash_table_steal_extended(by_key, &g_array_index(keys, gint64, i), &key, &h))
                continue;
            g_free(key);
            if (fts)
                ((PdSearchHit *)h)->snippet =
                    pd_query_snippet(q, ((PdSearchHit *)h)->caption, PD_SNIPPET_WORDS);
            g_ptr_array_add(result->hits, h);
        }
    }
    for (guint i = 0; ok && !pg && i < keys->len; i++) {
        pd_stmt_bind_int64(hit, 1, g_array_index(keys, gint64, i));
        int r = pd_stmt_step(hit);
        if (r == PD_ROW) {
            PdSearchHit *h = read_hit(hit);
            if (fts)
                h->snippet = pd_query_snippet(q, h->caption, PD_SNIPPET_WORDS);
            g_ptr_array_add(result->hits, h);
        }
        pd_stmt_reset(hit);
        ok = r == PD_ROW || r == PD_DONE || failed(c, error);
    }
    g_array_unref(keys);

    /* The total, counted exactly up to a point unless facets count everything anyway. */
    if (ok && found >= 0) {
        result->total = found;
    } else if (ok) {
        ok = count_matches(c, &m, words, req->facets ? PD_ALL_ROWS : PD_SEARCH_EXACT_TOTAL + 1,
                           &result->total, error);
        result->total_exact = req->facets || result->total <= PD_SEARCH_EXACT_TOTAL;
        if (!result->total_exact)
            result->total = PD_SEARCH_EXACT_TOTAL;
    }
    if (ok && req->facets)
        ok = run_facet(c, facets_of[0][words], &m, 20, &result->by_distributor, error) &&
             run_facet(c, facets_of[1][words], &m, 20, &result->by_photographer, error) &&
             run_facet(c, facets_of[2][words], &m, 1000, &result->by_day, error) &&
             run_facet(c, facets_of[3][words], &m, 10, &result->by_label, error) &&
             run_facet(c, facets_of[4][words], &m, 10, &result->by_rating, error) &&
             run_facet(c, facets_of[5][words], &m, 20, &result->by_city, error) &&
             run_facet(c, facets_of[6][words], &m, 20, &result->by_country, error);
    if (m.years)
        g_array_unref(m.years);
    if (!ok) {
        pd_search_result_free(result);
        return NULL;
    }
    return result;
}

PdSearchResult *
pd_catalog_search(PdCatalog *c, const PdSearchRequest *req, GError **error)
{
    /* One read transaction: the page, the total and the facets from one snapshot, and
     * SQLite takes its locks once rather than for each of the hundred statements. */
    gboolean own =
        pd_catalog_autocommit(c) &&
        pd_catalog_exec(c,
                        pd_catalog_on_pg(c) ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                            : "BEGIN DEFERRED",
                        NULL);
    PdSearchResult *r = search_in(c, req, error);
    if (own)
        pd_catalog_exec(c, r ? "COMMIT" : "ROLLBACK", NULL);
    return r;
}
