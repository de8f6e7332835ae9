/* fuzz-query.c: libFuzzer target for search: the query builder, the filters and the
 * phrase check, run against a small catalog.
 *
 * The input's first byte picks the sort, facets and the undated switch; the rest is
 * lines: the query, then --credit, --byline, --city, --from and --to values. Properties
 * checked: no memory error or undefined behaviour; a search either gives results or
 * refuses the request with PD_CATALOG_ERROR_QUERY (never an SQLite failure, which is
 * what a query builder that can produce an FTS5 syntax error would cause); no more hits
 * than asked for, and every snippet valid UTF-8. */
#include "catalog/catalog.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const char *caption, *date, *credit, *byline, *city;
} photos[] = {
    {"Russian President Vladimir Putin attends an Orthodox Easter service in Moscow, Russia, "
     "Saturday, April 15, 2023. (Sergei Karpukhin, Sputnik, Kremlin Pool Photo via AP)",
     "2023-04-15T23:41:07+03:00", "AP", "Sergei Karpukhin", "Moscow"},
    {"Voters queue at a polling station in \xc5\x81\xc3\xb3\x64\xc5\xba, Poland. REUTERS/Kacper "
     "Pempel",
     "2023-10-15T08:05:00+02:00", "REUTERS", "Kacper Pempel", "\xc5\x81\xc3\xb3\x64\xc5\xba"},
    {"A tram in Z\xc3\xbcrich. (Photo by Jan Muller/Getty Images) don't cross the A-B line",
     "2023-04-16", "Getty Images", "Jan Muller", "Z\xc3\xbcrich"},
    {"An archive picture of the old harbour NEAR(the) \"quay\" caption:x. EPA-EFE/STR", NULL,
     "EPA-EFE", NULL, NULL},
};

static PdCatalog *
catalog(void)
{
    static PdCatalog *c;
    if (c)
        return c;
    char *dir = g_dir_make_tmp("fuzz-query-XXXXXX", NULL);
    char *path = g_build_filename(dir, "catalog.db", NULL);
    GError *error = NULL;
    c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    if (c == NULL) {
        fprintf(stderr, "fuzz-query: %s\n", error->message);
        abort();
    }
    for (gsize i = 0; i < G_N_ELEMENTS(photos); i++) {
        PdCatalogPhoto *p = pd_catalog_photo_new();
        p->sha256 = g_strdup_printf("%064x", (unsigned)i + 1);
        p->format = g_strdup("jpeg");
        p->ext = g_strdup("jpg");
        p->caption = g_strdup(photos[i].caption);
        p->date_created = g_strdup(photos[i].date);
        p->credit = g_strdup(photos[i].credit);
        p->byline = g_strdup(photos[i].byline);
        p->city = g_strdup(photos[i].city);
        p->restrictions = g_strdup("{}");
        p->checks = g_strdup("[]");
        p->warnings = g_strdup("[]");
        if (!pd_catalog_add_photo(c, p, NULL, "fuzz", &error)) {
            fprintf(stderr, "fuzz-query: %s\n", error->message);
            abort();
        }
        pd_catalog_photo_free(p);
    }
    g_free(path);
    g_free(dir);
    return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 16 * 1024)
        return 0;
    PdCatalog *c = catalog();
    g_autofree char *text = g_strndup((const char *)data + 1, size - 1);
    g_auto(GStrv) lines = g_strsplit(text, "\n", 6);
    guint n = g_strv_length(lines);
    PdSearchRequest req = {0};
    req.sort = (PdSearchSort)(data[0] % 3);
    req.facets = (data[0] & 4) != 0;
    req.undated = (data[0] & 8) != 0;
    req.limit = (data[0] & 16) ? 1 : 0;
    req.offset = (data[0] & 32) ? 1 : 0;
    req.query = n > 0 ? lines[0] : NULL;
    req.credit = n > 1 ? lines[1] : NULL;
    req.byline = n > 2 ? lines[2] : NULL;
    req.city = n > 3 ? lines[3] : NULL;
    req.from = n > 4 ? lines[4] : NULL;
    req.to = n > 5 ? lines[5] : NULL;

    GError *error = NULL;
    PdSearchResult *r = pd_catalog_search(c, &req, &error);
    if (r == NULL) {
        if (!g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY)) {
            fprintf(stderr, "fuzz-query: the search failed: %s\n", error->message);
            abort();
        }
        g_error_free(error);
        return 0;
    }
    if (r->hits->len > (guint)(req.limit ? req.limit : 50) || r->total < (gint64)r->hits->len) {
        fprintf(stderr, "fuzz-query: %u hits of %" G_GINT64_FORMAT "\n", r->hits->len, r->total);
        abort();
    }
    for (guint i = 0; i < r->hits->len; i++) {
        const PdSearchHit *h = g_ptr_array_index(r->hits, i);
        if (h->snippet && !g_utf8_validate(h->snippet, -1, NULL)) {
            fprintf(stderr, "fuzz-query: a snippet is not valid UTF-8\n");
            abort();
        }
    }
    pd_search_result_free(r);
    return 0;
}
