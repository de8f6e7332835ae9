/* fuzz-correct.c: libFuzzer target for an editor's correction (the web UI's PATCH): the
 * checks on each field, the caption read again, the catalog's new version and the
 * search index kept in step.
 *
 * The input is lines: caption, headline, byline, credit, city, special instructions,
 * then keywords, one a line; an empty line leaves its field alone, a line "-" empties
 * it. Properties checked: no memory error or undefined behaviour; a correction is kept
 * or refused with PD_DESK_ERROR_INVALID (never a catalog failure); what is kept is
 * valid UTF-8 and can be searched for without error. */
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static PdCatalog *
catalog(gint64 *id)
{
    static PdCatalog *c;
    static gint64 photo;
    if (c) {
        *id = photo;
        return c;
    }
    char *dir = g_dir_make_tmp("fuzz-correct-XXXXXX", NULL);
    char *path = g_build_filename(dir, "catalog.db", NULL);
    GError *error = NULL;
    c = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    PdCatalogPhoto *p = pd_catalog_photo_new();
    p->sha256 = g_strdup("00000000000000000000000000000000000000000000000000000000000000aa");
    p->format = g_strdup("jpeg");
    p->ext = g_strdup("jpg");
    p->caption = g_strdup("Russian President Vladimir Putin attends an Orthodox Easter service in "
                          "Moscow, Russia, Saturday, April 15, 2023. (Sergei Karpukhin, Sputnik, "
                          "Kremlin Pool Photo via AP)");
    p->date_created = g_strdup("2023-04-15T23:41:07+03:00");
    p->restrictions = g_strdup("{}");
    p->checks = g_strdup("[]");
    p->warnings = g_strdup("[]");
    if (c == NULL || !pd_catalog_add_photo(c, p, NULL, "fuzz", &error)) {
        fprintf(stderr, "fuzz-correct: %s\n", error->message);
        abort();
    }
    photo = p->id;
    pd_catalog_photo_free(p);
    g_free(path);
    g_free(dir);
    *id = photo;
    return c;
}

static const char *
field(char **lines, guint n, guint i)
{
    if (i >= n || lines[i][0] == 0)
        return NULL;
    return strcmp(lines[i], "-") == 0 ? "" : lines[i];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 32 * 1024)
        return 0;
    gint64 id;
    PdCatalog *c = catalog(&id);
    g_autofree char *text = g_strndup((const char *)data, size);
    g_auto(GStrv) lines = g_strsplit(text, "\n", 64);
    guint n = g_strv_length(lines);
    /* the strings are borrowed from @lines: nothing in the correction is freed */
    PdCorrection fix = {0};
    fix.text.caption = (char *)field(lines, n, 0);
    fix.text.headline = (char *)field(lines, n, 1);
    fix.text.byline = (char *)field(lines, n, 2);
    fix.text.credit = (char *)field(lines, n, 3);
    fix.text.city = (char *)field(lines, n, 4);
    fix.text.special_instructions = (char *)field(lines, n, 5);
    g_autoptr(GPtrArray) keywords = g_ptr_array_new();
    for (guint i = 6; i < n; i++)
        g_ptr_array_add(keywords, lines[i]);
    if (n > 6)
        fix.text.keywords = keywords;
    GError *error = NULL;
    gboolean changed = FALSE;
    if (!pd_desk_correct(c, id, &fix, "fuzz", &changed, &error)) {
        if (!g_error_matches(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID)) {
            fprintf(stderr, "fuzz-correct: %s\n", error->message);
            abort();
        }
        g_error_free(error);
        return 0;
    }
    PdCatalogPhoto *p = pd_catalog_get_photo(c, id, &error);
    if (p == NULL || (p->caption && !g_utf8_validate(p->caption, -1, NULL)) ||
        (p->credit_line && !g_utf8_validate(p->credit_line, -1, NULL))) {
        fprintf(stderr, "fuzz-correct: the corrected photo cannot be read back whole\n");
        abort();
    }
    PdSearchRequest req = {.query = p->caption, .limit = 5};
    PdSearchResult *r = pd_catalog_search(c, &req, &error);
    if (r == NULL && !g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY)) {
        fprintf(stderr, "fuzz-correct: searching for the new caption: %s\n", error->message);
        abort();
    }
    g_clear_error(&error);
    pd_search_result_free(r);
    pd_catalog_photo_free(p);
    return 0;
}
