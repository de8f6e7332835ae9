/* test-search.c: the query builder (the editor's grammar, every hostile input), and
 * search on catalogs built through the catalog API: order by date and minute, date
 * ranges, the total counted up to its cap, paging. End-to-end searches over ingested
 * photos are in tests/cli/test-cli-search.c. */
#include "catalog/catalog.h"

#include "tests/pg/place.h"

#include <glib/gstdio.h>
#include <string.h>

static char *
temp_catalog(void)
{
    return test_catalog_place("search");
}

static PdCatalogPhoto *
photo(int n, const char *caption, const char *date_created)
{
    PdCatalogPhoto *p = pd_catalog_photo_new();
    p->sha256 = g_strdup_printf("%064x", n);
    p->format = g_strdup("jpeg");
    p->ext = g_strdup("jpg");
    p->bytes = 1000;
    p->width = 600;
    p->height = 400;
    p->caption = g_strdup(caption);
    p->date_created = g_strdup(date_created);
    if (date_created)
        p->date_created_local = g_strndup(date_created, 10);
    p->restrictions = g_strdup("{}");
    p->checks = g_strdup("[]");
    p->warnings = g_strdup("[]");
    return p;
}

static gint64
add(PdCatalog *c, int n, const char *caption, const char *date_created)
{
    g_autoptr(PdCatalogPhoto) p = photo(n, caption, date_created);
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_catalog_add_photo(c, p, NULL, "test", &error));
    g_assert_no_error(error);
    return p->id;
}

/* The ids a search returns, in order, as "3 1 2". */
static char *
ids(PdCatalog *c, const PdSearchRequest *req, gint64 *total)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(PdSearchResult) r = pd_catalog_search(c, req, &error);
    g_assert_no_error(error);
    g_assert_nonnull(r);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < r->hits->len; i++) {
        const PdSearchHit *h = g_ptr_array_index(r->hits, i);
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? " " : "", h->id);
    }
    if (total)
        *total = r->total;
    return g_string_free(s, FALSE);
}

static char *
query_ids(PdCatalog *c, const char *query)
{
    PdSearchRequest req = {.query = query};
    return ids(c, &req, NULL);
}

/* ---------------------------------------------------------------- the query builder */

static void
test_grammar(void)
{
    static const struct {
        const char *typed, *positive, *excluded;
    } cases[] = {
        {"putin easter", "\"putin\" AND \"easter\"", NULL},
        /* a phrase is all its words here, in order after the index (see test_phrases) */
        {"\"orthodox easter\" putin", "(\"orthodox\" AND \"easter\") AND \"putin\"", NULL},
        {"easter -putin", "\"easter\"", "\"putin\""},
        /* an excluded phrase is left to the check after the index */
        {"easter -\"vladimir putin\" -kremlin", "\"easter\"", "\"kremlin\""},
        {"easter NOT putin", "\"easter\"", "\"putin\""},
        {"putin OR biden", "(\"putin\" OR \"biden\")", NULL},
        {"easter putin OR biden OR xi", "\"easter\" AND (\"putin\" OR \"biden\" OR \"xi\")", NULL},
        {"easter AND putin", "\"easter\" AND \"putin\"", NULL},
        /* a prefix: the word whole (stemmed), or its start (not stemmed) */
        {"firef*", "(\"firef\" OR \"firef\"*)", NULL},
        {"\"christ the sav\"*",
         "((\"christ\" AND \"the\" AND \"sav\") OR (\"christ\" AND \"the\" AND \"sav\"*))", NULL},
        {"OR easter OR", "\"easter\"", NULL},
        {"or and not", "\"or\" AND \"and\" AND \"not\"", NULL},
        {"-putin", NULL, "\"putin\""},
        /* words are cut as the index cuts them, and typed as typed */
        {"don't", "(\"don\" AND \"t\")", NULL},
        {"\xc5\x81\xc3\xb3\x64\xc5\xba", "\"\xc5\x81\xc3\xb3\x64\xc5\xba\"", NULL},
        {"caption:x", "(\"caption\" AND \"x\")", NULL},
        {"NEAR(a", "(\"NEAR\" AND \"a\")", NULL},
        {"' OR 1=1 --", "(\"1\" AND \"1\")", NULL},
        {"  ", NULL, NULL},
        {"", NULL, NULL},
        {"\"", NULL, NULL},
        {"* - --", NULL, NULL},
    };
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *pos = NULL, *neg = NULL;
        g_assert_true(pd_catalog_build_query(c, cases[i].typed, &pos, &neg, &error));
        g_assert_no_error(error);
        g_assert_cmpstr(pos, ==, cases[i].positive);
        g_assert_cmpstr(neg, ==, cases[i].excluded);
    }
    pd_catalog_close(c);
}

/* Phrases are words in order, in one column; prefixes of phrases too. */
static void
test_phrases(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    add(c, 1, "Russian President Vladimir Putin attends an Orthodox Easter service", "2023-04-15");
    add(c, 2, "An Easter service, orthodox in every way", "2023-04-14");
    add(c, 3, "Tissues and taxis: the Tisza river", "2023-04-13");
    static const struct {
        const char *query, *expect;
    } cases[] = {
        {"\"orthodox easter\"", "1"},
        {"\"easter orthodox\"", ""},
        {"orthodox easter", "1 2"},
        {"\"easter service\"", "1 2"},
        {"-\"orthodox easter\"", "2 3"},
        {"easter -\"orthodox easter\"", "2"},
        {"\"orthodox easter\" OR tisza", "1 3"},
        {"\"president vladimir\" OR \"river tisza\"", "1"},
        {"\"vladimir put\"*", "1"},
        {"\"putin vladimir\"*", ""},
        /* stemmed whole words, plain prefixes */
        {"attend", "1"},
        {"attending", "1"},
        {"tis*", "3"},
        {"tissue*", "3"},
        {"servic*", "1 2"},
        /* three letters, the length of the prefix index's entries, with other words */
        {"river tis*", "3"},
        {"easter tis*", ""},
        {"orthodox eas*", "1 2"},
        {"-tis*", "1 2"},
        {"put* OR tis*", "1 3"},
        {"\"easter ser\"*", "1 2"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = query_ids(c, cases[i].query);
        g_assert_cmpstr(got, ==, cases[i].expect);
    }
    pd_catalog_close(c);
}

/* What an editor may type by accident or an attacker on purpose: each is searched (with
 * results or none) or refused with PD_CATALOG_ERROR_QUERY, never an SQLite failure. */
static void
test_hostile(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    add(c, 1, "Don't cross the A-B line, said the caption: x NEAR(y) OR 1=1", "2023-04-15");
    add(c, 2, "Russian President Vladimir Putin attends an Orthodox Easter service",
        "2023-04-15T23:41:00+03:00");

    GString *big = g_string_new(NULL);
    while (big->len < 10 * 1024)
        g_string_append(big, "putin ");
    GString *many_quotes = g_string_new(NULL);
    for (int i = 0; i < 2000; i++)
        g_string_append(many_quotes, "\"a ");
    const char *hostile[] = {
        "\"",
        "\"\"",
        "\"\"\"",
        "NEAR(",
        "NEAR(putin easter, 2)",
        "*",
        "**",
        "putin*easter",
        "a-b",
        "don't",
        "caption:x",
        "{caption}: putin",
        "caption : putin",
        "OR",
        "AND",
        "NOT",
        "NOT NOT",
        "- -",
        "-",
        "-\"",
        "' OR 1=1 --",
        "'; DROP TABLE photos; --",
        "^putin",
        "putin + easter",
        "(putin",
        "putin)",
        "()",
        "\\",
        "%",
        "_",
        "\xff\xfe",
        "caf\xc3",
        "\xe2\x80\x8b",
        "\xef\xbf\xbd",
        "\t\n\r",
        "\x01\x02\x03",
        "MATCH",
        "rowid:1",
        "photos_fts:x",
        "col:*",
        "putin* *easter",
        "\"putin\"* OR",
        "OR -putin",
        "ŁÓDŹ*",
        big->str,
        many_quotes->str,
    };
    for (gsize i = 0; i < G_N_ELEMENTS(hostile); i++) {
        PdSearchRequest req = {.query = hostile[i], .facets = TRUE};
        g_autoptr(GError) e = NULL;
        g_autoptr(PdSearchResult) r = pd_catalog_search(c, &req, &e);
        if (r == NULL) {
            g_assert_error(e, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY);
            g_assert_nonnull(strstr(e->message, "words"));
        }
    }
    /* the punctuation words find what they say, and no more */
    g_autofree char *dont = query_ids(c, "don't");
    g_assert_cmpstr(dont, ==, "1");
    g_autofree char *ab = query_ids(c, "a-b");
    g_assert_cmpstr(ab, ==, "1");
    g_autofree char *column = query_ids(c, "caption:x");
    g_assert_cmpstr(column, ==, "1");
    g_autofree char *inject = query_ids(c, "' OR 1=1 --");
    g_assert_cmpstr(inject, ==, "1");
    g_autofree char *near = query_ids(c, "NEAR(putin easter)");
    g_assert_cmpstr(near, ==, "");
    /* a NUL ends the query, as it ends a C string: what is before it is searched */
    char with_nul[] = "putin\0easter";
    g_autofree char *nul = query_ids(c, with_nul);
    g_assert_cmpstr(nul, ==, "2");
    /* a 10 KB query of one repeated word is too many words: a message, not a failure */
    PdSearchRequest req = {.query = big->str};
    g_autoptr(PdSearchResult) r = pd_catalog_search(c, &req, &error);
    g_assert_null(r);
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY);
    g_string_free(big, TRUE);
    g_string_free(many_quotes, TRUE);
    pd_catalog_close(c);
}

static void
test_bad_requests(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    const char *bad_dates[] = {"2023-02-30", "2023-13",          "23-04-15",   "2023-4-15",
                               "yesterday",  "2023-04-15T10:00", "2023/04/15", ""};
    for (gsize i = 0; i + 1 < G_N_ELEMENTS(bad_dates); i++) {
        PdSearchRequest req = {.from = bad_dates[i]};
        g_autoptr(GError) e = NULL;
        g_assert_null(pd_catalog_search(c, &req, &e));
        g_assert_error(e, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY);
        g_assert_nonnull(strstr(e->message, "--from"));
        g_assert_nonnull(strstr(e->message, bad_dates[i]));
    }
    PdSearchRequest too_many = {.limit = 1001};
    g_assert_null(pd_catalog_search(c, &too_many, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY);
    pd_catalog_close(c);
}

/* ---------------------------------------------------------------- order and dates */

static void
test_order_and_dates(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    /* arriving out of the order they were taken, some the same day */
    add(c, 1, "harbour noon", "2023-04-15T12:00:00+03:00");                         /* 1 */
    add(c, 2, "harbour late evening", "2023-04-15T23:41:00+03:00");                 /* 2 */
    add(c, 3, "harbour morning", "2023-04-15T06:30:00+03:00");                      /* 3 */
    add(c, 4, "harbour next day just after midnight", "2023-04-16T00:05:00-05:00"); /* 4 */
    add(c, 5, "harbour the day before", "2023-04-14T23:59:59Z");                    /* 5 */
    add(c, 6, "harbour date only", "2023-04-15");                                   /* 6 */
    add(c, 7, "harbour no date", NULL);                                             /* 7 */
    add(c, 8, "harbour month only", "2022-07");                                     /* 8 */
    add(c, 9, "harbour noon again, arrived later", "2023-04-15T12:00:30+03:00");    /* 9 */

    /* newest taken first: by day, then minute, then arrival within the minute; the
     * undated last */
    g_autofree char *all = query_ids(c, "harbour");
    g_assert_cmpstr(all, ==, "4 2 9 1 3 6 5 8 7");
    PdSearchRequest arrived = {.query = "harbour", .sort = PD_SEARCH_SORT_ARRIVED};
    g_autofree char *by_arrival = ids(c, &arrived, NULL);
    g_assert_cmpstr(by_arrival, ==, "9 8 7 6 5 4 3 2 1");
    /* browsing (no words) has the same order */
    PdSearchRequest browse = {0};
    g_autofree char *browsed = ids(c, &browse, NULL);
    g_assert_cmpstr(browsed, ==, "4 2 9 1 3 6 5 8 7");

    /* the local date counts, whatever the time zone */
    struct {
        const char *from, *to, *expect;
    } ranges[] = {
        {"2023-04-15", "2023-04-15", "2 9 1 3 6"},
        {"2023-04-16", NULL, "4"},
        {NULL, "2023-04-14", "5 8"},
        {"2023-04", "2023-04", "4 2 9 1 3 6 5"},
        {"2022", "2022", "8"},
        {"2022-07-01", "2022-07-31", "8"},
        {"2023", NULL, "4 2 9 1 3 6 5"},
        {"2024", NULL, ""},
        {"2023-04-16", "2023-04-15", ""},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(ranges); i++) {
        PdSearchRequest req = {.query = "harbour", .from = ranges[i].from, .to = ranges[i].to};
        g_autofree char *got = ids(c, &req, NULL);
        g_assert_cmpstr(got, ==, ranges[i].expect);
        req.query = NULL;
        g_autofree char *browsed_range = ids(c, &req, NULL);
        g_assert_cmpstr(browsed_range, ==, ranges[i].expect);
    }
    PdSearchRequest undated = {.undated = TRUE};
    g_autofree char *none = ids(c, &undated, NULL);
    g_assert_cmpstr(none, ==, "7");

    /* a corrected date moves the photo; a corrected caption keeps its place */
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(c, 5, &error);
    g_assert_no_error(error);
    g_free(p->date_created);
    p->date_created = g_strdup("2023-04-17T08:00:00+02:00");
    gboolean changed = FALSE;
    g_assert_true(pd_catalog_update_photo(c, p, "editor", NULL, &changed, &error));
    g_assert_no_error(error);
    g_assert_true(changed);
    g_autoptr(PdCatalogPhoto) q = pd_catalog_get_photo(c, 1, &error);
    g_free(q->caption);
    q->caption = g_strdup("harbour at noon, corrected");
    g_assert_true(pd_catalog_update_photo(c, q, "editor", NULL, &changed, &error));
    g_autofree char *moved = query_ids(c, "harbour");
    g_assert_cmpstr(moved, ==, "5 4 2 9 1 3 6 8 7");
    g_autofree char *corrected = query_ids(c, "corrected");
    g_assert_cmpstr(corrected, ==, "1");
    g_autofree char *gone = query_ids(c, "noon -corrected");
    g_assert_cmpstr(gone, ==, "9");
    pd_catalog_close(c);
}

/* A busy day: the first to arrive, taken last, still comes first; every photo is on its
 * day, and pages through the day follow the time taken. */
static void
test_busy_day(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    g_assert_true(pd_catalog_begin(c, &error));
    gint64 later = add(c, 1, "goal later", "2023-06-10T21:30:00+02:00");
    for (int i = 0; i < 700; i++)
        add(c, 100 + i, "goal burst", "2023-06-10T21:14:05+02:00");
    gint64 next_id = add(c, 2, "goal next day", "2023-06-11T00:00:00+02:00");
    g_assert_true(pd_catalog_commit(c, &error));
    gint64 total = 0;
    PdSearchRequest day = {
        .query = "goal", .from = "2023-06-10", .to = "2023-06-10", .limit = 1000};
    g_autofree char *got = ids(c, &day, &total);
    g_assert_cmpint(total, ==, 701);
    g_autofree char *first = g_strdup_printf("%" G_GINT64_FORMAT " ", later);
    g_assert_true(g_str_has_prefix(got, first));
    /* the next page starts with the burst */
    PdSearchRequest second = {
        .query = "goal", .from = "2023-06-10", .to = "2023-06-10", .limit = 1, .offset = 1};
    g_autofree char *after = ids(c, &second, NULL);
    g_autofree char *burst = g_strdup_printf(
        "%" G_GINT64_FORMAT, later + 700); /* the same second: the last to arrive first */
    g_assert_cmpstr(after, ==, burst);
    PdSearchRequest next = {.query = "goal", .from = "2023-06-11"};
    g_autofree char *next_day = ids(c, &next, &total);
    g_autofree char *want = g_strdup_printf("%" G_GINT64_FORMAT, next_id);
    g_assert_cmpstr(next_day, ==, want);
    pd_catalog_close(c);
}

/* Photos over many years, on PostgreSQL each year's index a table of its own made at the
 * year's first photo: pages, totals and ranges run across the years, and a photo moved
 * to a year not seen before is found there. */
static void
test_years(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    const char *dates[] = {
        "1700-05-01", "1850-12-31T23:59:00Z",      "1999-12-31", "2000-01-01", "2016-02-29",
        NULL,         "2024-06-01T10:00:00+02:00", "3100-01-01"};
    g_assert_true(pd_catalog_begin(c, &error));
    for (int i = 0; i < 1100; i++) {
        g_autofree char *caption = g_strdup_printf("ferry %s", i % 25 == 0 ? "rare" : "daily");
        add(c, i + 1, caption, dates[i % G_N_ELEMENTS(dates)]);
    }
    g_assert_true(pd_catalog_commit(c, &error));

    /* the newest year first (3100 counts as 2999, 1700 as 1800), the undated last; a
     * day's date-only photos by arrival, the latest first */
    PdSearchRequest rare = {.query = "rare", .limit = 1000};
    gint64 total = 0;
    g_autofree char *whole = ids(c, &rare, &total);
    g_assert_cmpint(total, ==, 44);
    g_assert_true(g_str_has_prefix(whole, "976 776 576 376 176 951 751 551 351 151 "));
    g_assert_true(g_str_has_suffix(whole, " 126 326 526 726 926"));
    GString *paged = g_string_new(NULL);
    for (int offset = 0;; offset += 3) {
        PdSearchRequest page = {.query = "rare", .limit = 3, .offset = offset};
        g_autofree char *part = ids(c, &page, &total);
        g_assert_cmpint(total, ==, 44);
        if (!*part)
            break;
        g_string_append_printf(paged, "%s%s", paged->len ? " " : "", part);
    }
    g_assert_cmpstr(paged->str, ==, whole);
    g_string_free(paged, TRUE);

    /* counted across the years up to the cap, and in full with facets */
    PdSearchRequest common = {.query = "ferry", .limit = 5};
    g_autoptr(PdSearchResult) capped = pd_catalog_search(c, &common, &error);
    g_assert_no_error(error);
    g_assert_cmpint(capped->total, ==, PD_SEARCH_EXACT_TOTAL);
    g_assert_false(capped->total_exact);
    common.facets = TRUE;
    g_autoptr(PdSearchResult) counted = pd_catalog_search(c, &common, &error);
    g_assert_cmpint(counted->total, ==, 1100);

    /* a range over the turn of the millennium: two years, newest first */
    PdSearchRequest turn = {.query = "rare", .from = "1999-12", .to = "2000-01"};
    g_autofree char *turned = ids(c, &turn, &total);
    g_assert_cmpint(total, ==, 12);
    g_assert_true(g_str_has_prefix(turned, "1076 876 676 476 276 76 "));
    PdSearchRequest browse_turn = {.from = "1999-12-31", .to = "2000-01-01", .limit = 1};
    g_autofree char *first_turn = ids(c, &browse_turn, &total);
    g_assert_cmpint(total, ==, 276);
    g_assert_cmpstr(first_turn, ==, "1100"); /* 2000-01-01's last to arrive */

    /* a corrected date into a year no photo had */
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(c, 1, &error);
    g_assert_no_error(error);
    g_free(p->date_created);
    p->date_created = g_strdup("1912-04-15T02:20:00Z");
    gboolean changed = FALSE;
    g_assert_true(pd_catalog_update_photo(c, p, "editor", NULL, &changed, &error));
    g_assert_no_error(error);
    PdSearchRequest titanic = {.query = "rare", .from = "1912", .to = "1912"};
    g_autofree char *found = ids(c, &titanic, &total);
    g_assert_cmpstr(found, ==, "1");
    PdSearchRequest old = {.query = "rare", .from = "1800", .to = "1800"};
    g_autofree char *left = ids(c, &old, &total);
    g_assert_cmpint(total, ==, 5);
    g_assert_null(strstr(left, " 1 "));
    pd_catalog_close(c);
}

/* ---------------------------------------------------------------- counting and paging */

static void
test_total_and_paging(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    int n = PD_SEARCH_EXACT_TOTAL + 50;
    g_assert_true(pd_catalog_begin(c, &error));
    for (int i = 0; i < n; i++) {
        g_autofree char *caption =
            g_strdup_printf("common word photo %d%s", i, i % 100 == 0 ? " rare" : "");
        g_autoptr(PdCatalogPhoto) p = photo(i + 1, caption, NULL);
        g_autoptr(GDateTime) t =
            g_date_time_new_utc(2020, 1, 1 + i / 1000, (i / 60) % 24, i % 60, 0);
        p->date_created = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
        g_assert_true(pd_catalog_add_photo(c, p, NULL, "test", &error));
    }
    g_assert_true(pd_catalog_commit(c, &error));

    /* past the cap, the total is a lower bound and says so */
    PdSearchRequest req = {.query = "common", .limit = 10};
    g_autoptr(PdSearchResult) capped = pd_catalog_search(c, &req, &error);
    g_assert_no_error(error);
    g_assert_cmpint(capped->total, ==, PD_SEARCH_EXACT_TOTAL);
    g_assert_false(capped->total_exact);
    g_assert_cmpuint(capped->hits->len, ==, 10);
    /* with facets, counted in full */
    req.facets = TRUE;
    g_autoptr(PdSearchResult) exact = pd_catalog_search(c, &req, &error);
    g_assert_cmpint(exact->total, ==, n);
    g_assert_true(exact->total_exact);
    gint64 by_day = 0;
    for (guint i = 0; i < exact->by_day->len; i++)
        by_day += ((PdFacetCount *)g_ptr_array_index(exact->by_day, i))->count;
    g_assert_cmpint(by_day, ==, n);
    /* under the cap, exact */
    PdSearchRequest rare = {.query = "rare"};
    g_autoptr(PdSearchResult) few = pd_catalog_search(c, &rare, &error);
    g_assert_cmpint(few->total, ==, (n + 99) / 100);
    g_assert_true(few->total_exact);

    /* pages follow one another without gaps or repeats */
    PdSearchRequest all = {.query = "rare", .limit = 1000};
    g_autofree char *whole = ids(c, &all, NULL);
    GString *paged = g_string_new(NULL);
    for (int offset = 0;; offset += 7) {
        PdSearchRequest page = {.query = "rare", .limit = 7, .offset = offset};
        g_autofree char *part = ids(c, &page, NULL);
        if (!*part)
            break;
        g_string_append_printf(paged, "%s%s", paged->len ? " " : "", part);
    }
    g_assert_cmpstr(paged->str, ==, whole);
    g_string_free(paged, TRUE);
    pd_catalog_close(c);
}

/* The snippet marks the caption words that matched, as the index matched them: stemmed
 * words, prefixes as typed, folded letters, phrases only where the words follow one
 * another, and a long caption cut around its matches. */
static void
test_snippets(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    add(c, 1, "Putin attends an Orthodox Easter service in Łódź, attending with the patriarch.",
        "2023-04-15T23:41:07+03:00");
    GString *long_caption = g_string_new(NULL);
    for (int i = 0; i < 80; i++)
        g_string_append(long_caption, "filler ");
    g_string_append(long_caption, "Protesters gather near the harbour. ");
    for (int i = 0; i < 80; i++)
        g_string_append(long_caption, "filler ");
    add(c, 2, long_caption->str, "2023-04-16T10:00:00Z");
    g_string_free(long_caption, TRUE);
    static const struct {
        const char *query, *expect;
    } cases[] = {
        {"attend", "Putin \002attends\003 an Orthodox Easter service in Łódź, "
                   "\002attending\003 with the patriarch."},
        {"lodz orth*", "Putin attends an \002Orthodox\003 Easter service in \002Łódź\003, "
                       "attending with the patriarch."},
        {"\"easter service\" patri*", "Putin attends an Orthodox \002Easter\003 \002service\003 "
                                      "in Łódź, attending with the \002patriarch\003."},
        {"\"service easter\"", NULL},
        {"harbour protest",
         "…filler filler filler filler filler filler filler filler filler filler "
         "\002Protesters\003 gather near the \002harbour\003. filler filler filler filler filler "
         "filler filler filler filler…"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        PdSearchRequest req = {.query = cases[i].query};
        g_autoptr(PdSearchResult) r = pd_catalog_search(c, &req, &error);
        g_assert_no_error(error);
        if (cases[i].expect == NULL) {
            g_assert_cmpuint(r->hits->len, ==, 0);
            continue;
        }
        g_assert_cmpuint(r->hits->len, ==, 1);
        const PdSearchHit *h = g_ptr_array_index(r->hits, 0);
        g_assert_cmpstr(h->snippet, ==, cases[i].expect);
    }
    pd_catalog_close(c);
}

/* The desk's picks: set, kept with who and when (a pick that changes nothing is not
 * recorded again), refused when out of range, untouched by a wire re-send, and searched
 * and counted by stars and label. */
static void
test_picks(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    gint64 a = add(c, 1, "harbour boats at dawn", "2023-04-15T06:00:00Z");
    gint64 b = add(c, 2, "harbour cranes", "2023-04-15T07:00:00Z");
    gint64 d = add(c, 3, "market stalls", "2023-04-15T08:00:00Z");

    g_autoptr(PdCatalogPick) none = pd_catalog_get_pick(c, a, &error);
    g_assert_cmpint(none->rating, ==, 0);
    g_assert_null(none->label);
    g_assert_null(none->by_user);

    g_autoptr(PdCatalogPick) p1 = pd_catalog_set_pick(c, a, 4, "red", "anna", &error);
    g_assert_no_error(error);
    g_assert_cmpint(p1->rating, ==, 4);
    g_assert_cmpstr(p1->label, ==, "red");
    g_assert_cmpstr(p1->by_user, ==, "anna");
    g_assert_nonnull(p1->at);
    /* the label alone, by another editor: the rating stays */
    g_autoptr(PdCatalogPick) p2 = pd_catalog_set_pick(c, a, -1, "green", "ben", &error);
    g_assert_cmpint(p2->rating, ==, 4);
    g_assert_cmpstr(p2->label, ==, "green");
    g_assert_cmpstr(p2->by_user, ==, "ben");
    /* the same again: nothing recorded */
    g_autoptr(PdCatalogPick) same = pd_catalog_set_pick(c, a, 4, "green", "carl", &error);
    g_assert_cmpstr(same->by_user, ==, "ben");
    g_autoptr(GPtrArray) history = pd_catalog_pick_history(c, a, &error);
    g_assert_cmpuint(history->len, ==, 2);
    g_assert_cmpstr(((PdCatalogPick *)g_ptr_array_index(history, 0))->by_user, ==, "ben");
    g_assert_cmpstr(((PdCatalogPick *)g_ptr_array_index(history, 1))->label, ==, "red");

    g_assert_null(pd_catalog_set_pick(c, b, 6, NULL, "anna", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_null(pd_catalog_set_pick(c, b, -1, "orange", "anna", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_null(pd_catalog_set_pick(c, 999, 3, NULL, "anna", &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_autoptr(PdCatalogPick) p3 = pd_catalog_set_pick(c, b, 2, "green", "anna", &error);
    g_assert_cmpint(p3->rating, ==, 2);
    g_autoptr(PdCatalogPick) p4 = pd_catalog_set_pick(c, d, 5, NULL, "anna", &error);
    g_assert_null(p4->label);

    /* a re-send from the wire rewrites the photo's row, not its pick */
    g_autoptr(PdCatalogPhoto) resent = pd_catalog_get_photo(c, a, &error);
    g_free(resent->caption);
    resent->caption = g_strdup("harbour boats at dawn, corrected");
    gboolean changed = FALSE;
    g_assert_true(pd_catalog_update_photo(c, resent, NULL, "again.jpg", &changed, &error));
    g_assert_true(changed);
    g_autoptr(PdCatalogPick) kept = pd_catalog_get_pick(c, a, &error);
    g_assert_cmpint(kept->rating, ==, 4);
    g_assert_cmpstr(kept->label, ==, "green");

    PdSearchRequest four = {.min_rating = 4};
    g_autofree char *stars = ids(c, &four, NULL);
    g_assert_cmpstr(stars, ==, "3 1");
    PdSearchRequest green = {.query = "harbour", .label = "green"};
    g_autofree char *greens = ids(c, &green, NULL);
    g_assert_cmpstr(greens, ==, "2 1");
    PdSearchRequest both = {.min_rating = 3, .label = "green"};
    g_autofree char *one = ids(c, &both, NULL);
    g_assert_cmpstr(one, ==, "1");
    PdSearchRequest bad = {.label = "orange"};
    g_assert_null(pd_catalog_search(c, &bad, &error));
    g_assert_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY);
    g_clear_error(&error);

    PdSearchRequest facets = {.facets = TRUE};
    g_autoptr(PdSearchResult) r = pd_catalog_search(c, &facets, &error);
    g_assert_no_error(error);
    const PdFacetCount *top_label = g_ptr_array_index(r->by_label, 0);
    g_assert_cmpstr(top_label->value, ==, "green");
    g_assert_cmpint(top_label->count, ==, 2);
    const PdFacetCount *top_rating = g_ptr_array_index(r->by_rating, 0);
    g_assert_cmpstr(top_rating->value, ==, "5");
    for (guint i = 0; i < r->hits->len; i++) {
        const PdSearchHit *h = g_ptr_array_index(r->hits, i);
        if (h->id == a) {
            g_assert_cmpint(h->rating, ==, 4);
            g_assert_cmpstr(h->label, ==, "green");
        }
    }
    pd_catalog_close(c);
}

/* Captions no tokenizer expects, found the same way on either catalog: quotes and
 * backslashes (PostgreSQL's tsvector syntax), a word longer than PostgreSQL keeps a
 * lexeme, scripts without spaces, and a phrase a thousand words in. */
static void
test_hostile_captions(void)
{
    g_autofree char *path = temp_catalog();
    g_autoptr(GError) error = NULL;
    PdCatalog *c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    g_assert_no_error(error);
    g_autofree char *long_word = g_strnfill(3000, 'k');
    g_autofree char *long_caption = g_strdup_printf("Seen here %s, and nothing else.", long_word);
    GString *thousand = g_string_new(NULL);
    for (int i = 0; i < 1000; i++)
        g_string_append_printf(thousand, "filler%d ", i);
    g_string_append(thousand, "harbour cranes at dusk");
    add(c, 1, "Pat O'Brien's \"day\" \\ back\\slash 'quoted' '' \\' end", "2025-01-01");
    add(c, 2, long_caption, "2025-01-02");
    add(c, 3,
        "\xe6\x9d\xb1\xe4\xba\xac \xd8\xaa\xd9\x88\xd9\x86\xd8\xb3 \xf0\x9f\x94\xa5 Z\xc3\xbcrich",
        "2025-01-03");
    add(c, 4, thousand->str, "2025-01-04");
    g_string_free(thousand, TRUE);
    g_autofree char *long_query = g_strdup_printf("%s", long_word);
    g_autofree char *long_prefix = g_strdup_printf("%.*s*", 2500, long_word);
    const struct {
        const char *query, *expect;
    } cases[] = {
        {"brien", "1"},
        {"\"o'brien's day\"", "1"},
        {"backslash", ""},
        {"slash", "1"},
        {"quoted end", "1"},
        {"'' \\'", "4 3 2 1"}, /* no word in it: every photo, as browsing */
        {long_query, "2"},
        {long_prefix, "2"},
        {"seen -nothing", ""},
        {"\xe6\x9d\xb1\xe4\xba\xac", "3"},
        {"\xd8\xaa\xd9\x88\xd9\x86\xd8\xb3", "3"},
        {"zurich", "3"},
        {"\"harbour cranes at dusk\"", "4"},
        {"\"filler999 harbour\"", "4"},
        {"\"filler998 harbour\"", ""},
        {"filler99*", "4"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        PdSearchRequest req = {.query = cases[i].query};
        g_autofree char *got = ids(c, &req, NULL);
        if (g_strcmp0(got, cases[i].expect) != 0)
            g_error("%.60s: %s, not %s", cases[i].query, got, cases[i].expect);
    }
    pd_catalog_close(c);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/search/query/grammar", test_grammar);
    g_test_add_func("/search/query/phrases", test_phrases);
    g_test_add_func("/search/query/hostile", test_hostile);
    g_test_add_func("/search/bad-requests", test_bad_requests);
    g_test_add_func("/search/order-and-dates", test_order_and_dates);
    g_test_add_func("/search/busy-day", test_busy_day);
    g_test_add_func("/search/total-and-paging", test_total_and_paging);
    g_test_add_func("/search/years", test_years);
    g_test_add_func("/search/snippets", test_snippets);
    g_test_add_func("/search/picks", test_picks);
    g_test_add_func("/search/hostile-captions", test_hostile_captions);
    return g_test_run();
}
