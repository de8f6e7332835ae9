/* search-output.c: search results as JSON (photodesk search --json, the web API) and as a
 * table for people. */
#include "desk/desk-private.h"

#include <string.h>

static PdCatalog *
open_catalog(const char *library, GError **error)
{
    return pd_desk_open_catalog(library, PD_CATALOG_READ_ONLY, error);
}

static void
facets_json(GString *o, const char *key, GPtrArray *counts)
{
    pd_json_key(o, key);
    g_string_append_c(o, '[');
    for (guint i = 0; counts && i < counts->len; i++) {
        const PdFacetCount *f = g_ptr_array_index(counts, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_string(o, "value", f->value);
        pd_json_key(o, "count");
        g_string_append_printf(o, "%" G_GINT64_FORMAT, f->count);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

/* A page of results as the desk shows it: the matches, the desk's agencies, the hits to
 * show (one per group unless every copy is asked for) and the groups on the page. */
typedef struct {
    PdSearchResult *result;
    GStrv agencies;
    GPtrArray *shown; /* borrowed from result */
    GHashTable *groups;
} Page;

static void
page_clear(Page *page)
{
    g_clear_pointer(&page->groups, g_hash_table_unref);
    g_clear_pointer(&page->shown, g_ptr_array_unref);
    g_clear_pointer(&page->agencies, g_strfreev);
    g_clear_pointer(&page->result, pd_search_result_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Page, page_clear)

static gboolean
page_load(Page *page, PdCatalog *catalog, const PdSearchRequest *request, GError **error)
{
    page->result = pd_catalog_search(catalog, request, error);
    page->agencies = page->result ? pd_desk_agencies(catalog, error) : NULL;
    page->groups = page->agencies
                       ? pd_desk_collapse(catalog, page->result, request->all_copies,
                                          (const char *const *)page->agencies, &page->shown, error)
                       : NULL;
    return page->groups != NULL;
}

char *
pd_desk_search_json(const char *library, const PdSearchRequest *request, GError **error)
{
    g_autoptr(PdCatalog) catalog = open_catalog(library, error);
    return catalog ? pd_desk_search_json_in(catalog, request, error) : NULL;
}

char *
pd_desk_search_json_in(PdCatalog *catalog, const PdSearchRequest *request, GError **error)
{
    g_auto(Page) page = {0};
    if (!page_load(&page, catalog, request, error))
        return NULL;
    PdSearchResult *r = page.result;
    char **agencies = page.agencies;
    GPtrArray *shown = page.shown;
    GHashTable *groups = page.groups;
    GString *o = g_string_sized_new(1024 + 1536 * (gsize)r->hits->len); /* about a hit's size */
    g_string_append_c(o, '{');
    pd_json_key(o, "total");
    g_string_append_printf(o, "%" G_GINT64_FORMAT, r->total);
    pd_json_key(o, "total_exact");
    g_string_append(o, r->total_exact ? "true" : "false");
    pd_json_int(o, "page_matches", (int)r->hits->len, TRUE);
    pd_json_key(o, "results");
    g_string_append_c(o, '[');
    for (guint i = 0; i < shown->len; i++) {
        const PdSearchHit *h = g_ptr_array_index(shown, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_key(o, "id");
        g_string_append_printf(o, "%" G_GINT64_FORMAT, h->id);
        const PdDeskGroupInfo *g = h->group_id ? g_hash_table_lookup(groups, &h->group_id) : NULL;
        if (g)
            pd_json_int64(o, "group", h->group_id);
        else
            pd_json_string(o, "group", NULL);
        pd_json_int(o, "group_size", g ? (int)g->size : 1, TRUE);
        if (g)
            pd_json_strings(o, "group_distributors", g->distributors);
        pd_json_bool(o, "desk_agency",
                     pd_desk_is_agency((const char *const *)agencies, h->distributor));
        pd_json_string(o, "sha256", h->sha256);
        pd_json_string(o, "caption", h->caption);
        pd_json_string(o, "headline", h->headline);
        pd_json_string(o, "byline", h->byline);
        pd_json_string(o, "credit", h->credit);
        pd_json_string(o, "source", h->source);
        pd_json_string(o, "credit_line", h->credit_line);
        pd_json_string(o, "distributor", h->distributor);
        pd_json_string(o, "photographer", h->photographer);
        pd_json_string(o, "date_created", h->date_created);
        pd_json_string(o, "city", h->city);
        pd_json_string(o, "country", h->country);
        pd_json_string(o, "slug", h->slug);
        pd_json_int(o, "width", h->width, h->width > 0);
        pd_json_int(o, "height", h->height, h->height > 0);
        pd_json_string(o, "snippet", h->snippet);
        pd_json_bool(o, "kill", h->kill);
        pd_json_bool(o, "editorial_only", h->editorial_only);
        pd_json_string(o, "embargo_until", h->embargo_until);
        pd_json_bool(o, "top_pick", h->top_pick);
        pd_json_string(o, "made", pd_made_name(h->made));
        pd_json_bool(o, "content_credentials", h->content_credentials);
        pd_json_int(o, "rating", h->rating, TRUE);
        pd_json_string(o, "label", h->label);
        pd_json_string(o, "ingested_at", h->ingested_at);
        pd_json_bool(o, "has_thumb", h->thumb != NULL);
        pd_json_string(o, "thumb", h->thumb);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    if (request->facets) {
        pd_json_key(o, "facets");
        g_string_append_c(o, '{');
        facets_json(o, "distributor", r->by_distributor);
        facets_json(o, "photographer", r->by_photographer);
        facets_json(o, "day", r->by_day);
        facets_json(o, "label", r->by_label);
        facets_json(o, "rating", r->by_rating);
        facets_json(o, "city", r->by_city);
        facets_json(o, "country", r->by_country);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

/* @s cut to @width characters (with an ellipsis), newlines as spaces, marks replaced
 * (and one left open by the cut closed). */
static void
append_cell(GString *o, const char *s, int width, const char *mark_open, const char *mark_close)
{
    int used = 0;
    gboolean cut = FALSE, open = FALSE;
    for (const char *p = s ? s : ""; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == 0x02 || c == 0x03) {
            open = c == 0x02;
            g_string_append(o, open ? mark_open : mark_close);
            continue;
        }
        if (used == width - 1 && *g_utf8_next_char(p)) {
            cut = TRUE;
            break;
        }
        if (c < 0x20 || (c >= 0x7F && c < 0xA0))
            c = ' ';
        g_string_append_unichar(o, c);
        used++;
    }
    if (cut) {
        g_string_append(o, "\xe2\x80\xa6");
        used++;
    }
    if (open)
        g_string_append(o, mark_close);
    for (; used < width; used++)
        g_string_append_c(o, ' ');
}

char *
pd_desk_search_text(const char *library, const PdSearchRequest *request, const char *mark_open,
                    const char *mark_close, GError **error)
{
    g_autoptr(PdCatalog) catalog = open_catalog(library, error);
    return catalog ? pd_desk_search_text_in(catalog, request, mark_open, mark_close, error) : NULL;
}

char *
pd_desk_search_text_in(PdCatalog *catalog, const PdSearchRequest *request, const char *mark_open,
                       const char *mark_close, GError **error)
{
    g_auto(Page) page = {0};
    if (!page_load(&page, catalog, request, error))
        return NULL;
    PdSearchResult *r = page.result;
    GPtrArray *shown = page.shown;
    GHashTable *groups = page.groups;
    GString *o = g_string_new(NULL);
    if (shown->len)
        g_string_append_printf(o, "%7s  %-10s  %-32s  %s\n", "id", "date", "credit", "caption");
    for (guint i = 0; i < shown->len; i++) {
        const PdSearchHit *h = g_ptr_array_index(shown, i);
        g_string_append_printf(o, "%7" G_GINT64_FORMAT "  ", h->id);
        g_autofree char *day = h->date_created ? g_strndup(h->date_created, 10) : g_strdup("-");
        append_cell(o, day, 10, "", "");
        g_string_append(o, "  ");
        const PdDeskGroupInfo *g = h->group_id ? g_hash_table_lookup(groups, &h->group_id) : NULL;
        g_autofree char *sources = NULL;
        if (g && g->size > 1 && !request->all_copies) {
            /* one picture from several agencies: "AP · Reuters · AFP" */
            g_ptr_array_add(g->distributors, NULL);
            sources = g_strjoinv(" \xc2\xb7 ", (char **)g->distributors->pdata);
            g_ptr_array_remove_index(g->distributors, g->distributors->len - 1);
        }
        append_cell(o, sources ? sources : h->credit_line ? h->credit_line : h->credit, 32, "", "");
        g_string_append(o, "  ");
        if (h->kill)
            g_string_append(o, "KILLED ");
        if (h->rating || h->label) {
            pd_desk_append_pick_marks(o, h->rating, h->label);
            g_string_append_c(o, ' ');
        }
        if (h->made & PD_MADE_AI)
            g_string_append(o, "AI-GENERATED ");
        else if (h->made & PD_MADE_COMPOSITE)
            g_string_append(o, "COMPOSITE ");
        append_cell(o, h->snippet ? h->snippet : h->caption, 90, mark_open, mark_close);
        g_string_append_c(o, '\n');
    }
    int first = request->offset + 1, last = request->offset + (int)r->hits->len;
    if (r->total == 0)
        g_string_append(o, "no photos found\n");
    else if (first > last)
        g_string_append_printf(o, "%s%" G_GINT64_FORMAT " photo%s found; none after %d\n",
                               r->total_exact ? "" : "more than ", r->total,
                               r->total == 1 ? "" : "s", request->offset);
    else
        g_string_append_printf(o, "%s%" G_GINT64_FORMAT " photo%s found; showing %d-%d\n",
                               r->total_exact ? "" : "more than ", r->total,
                               r->total == 1 ? "" : "s", first, last);
    if (shown->len < r->hits->len)
        g_string_append_printf(o,
                               "(%u of them are other agencies' copies of a picture above, "
                               "each listed once; --all-copies lists every one)\n",
                               r->hits->len - shown->len);
    if (request->facets) {
        const struct {
            const char *label;
            GPtrArray *counts;
        } facets[] = {{"distributor", r->by_distributor},
                      {"photographer", r->by_photographer},
                      {"day", r->by_day},
                      {"label", r->by_label},
                      {"rating (stars)", r->by_rating},
                      {"city", r->by_city},
                      {"country", r->by_country}};
        for (gsize f = 0; f < G_N_ELEMENTS(facets); f++) {
            g_string_append_printf(o, "by %s:", facets[f].label);
            for (guint i = 0; facets[f].counts && i < MIN(facets[f].counts->len, 10); i++) {
                const PdFacetCount *c = g_ptr_array_index(facets[f].counts, i);
                g_string_append_printf(o, " %s (%" G_GINT64_FORMAT ")",
                                       c->value ? c->value : "none", c->count);
            }
            g_string_append_c(o, '\n');
        }
    }
    return g_string_free(o, FALSE);
}
