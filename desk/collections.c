/* collections.c: a search as the API's query string, read the same way by the API, the
 * command line and a saved search; the desk's lightboxes and saved searches as JSON and
 * as text; its users for an admin. */
#include "caption/caption.h"
#include "desk/desk-private.h"

#include <stdlib.h>
#include <string.h>

/* The parameters a saved search keeps: what a search asks, not which page of it. */
static const char *const saved_keys[] = {
    "q",       "from", "to",     "undated", "credit",   "byline", "source", "city",
    "country", "made", "rating", "label",   "lightbox", "sort",   "all",
};

static const char *
param(GHashTable *params, const char *name)
{
    const char *v = params ? g_hash_table_lookup(params, name) : NULL;
    return v && *v ? v : NULL;
}

static gboolean
yes(GHashTable *params, const char *name)
{
    const char *v = param(params, name);
    return g_strcmp0(v, "1") == 0 || g_strcmp0(v, "true") == 0 || g_strcmp0(v, "yes") == 0;
}

/* A whole number parameter in [lo, hi], left as it is when absent. */
static gboolean
number(GHashTable *params, const char *name, gint64 lo, gint64 hi, gint64 *out, GError **error)
{
    const char *v = param(params, name);
    if (v == NULL)
        return TRUE;
    char *end = NULL;
    gint64 n = g_ascii_strtoll(v, &end, 10);
    if (end == v || *end || n < lo || n > hi)
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                            "%s must be a whole number from %" G_GINT64_FORMAT
                            " to %" G_GINT64_FORMAT ", not \"%s\"",
                            name, lo, hi, v);
    *out = n;
    return TRUE;
}

gboolean
pd_desk_search_request_parse(GHashTable *params, PdSearchRequest *req, GError **error)
{
    memset(req, 0, sizeof *req);
    req->query = param(params, "q");
    req->from = param(params, "from");
    req->to = param(params, "to");
    req->credit = param(params, "credit");
    req->byline = param(params, "byline");
    req->source = param(params, "source");
    req->city = param(params, "city");
    req->country = param(params, "country");
    req->label = param(params, "label");
    req->facets = yes(params, "facets");
    req->undated = yes(params, "undated");
    req->all_copies = yes(params, "all");
    const char *sort = param(params, "sort");
    if (sort == NULL || strcmp(sort, "date") == 0)
        req->sort = PD_SEARCH_SORT_DATE;
    else if (strcmp(sort, "arrived") == 0)
        req->sort = PD_SEARCH_SORT_ARRIVED;
    else if (strcmp(sort, "relevance") == 0)
        req->sort = PD_SEARCH_SORT_RELEVANCE;
    else
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                            "sort is date, arrived or relevance, not \"%s\"", sort);
    const char *made = param(params, "made");
    PdMade made_bits = PD_MADE_UNSTATED;
    if (made && !pd_made_parse(made, &made_bits))
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                            "made is ai, composite or synthetic, not \"%s\"", made);
    req->made = (int)made_bits;
    gint64 limit = 50, offset = 0, after = 0, rating = 0, lightbox = 0;
    if (!number(params, "limit", 1, 1000, &limit, error) ||
        !number(params, "offset", 0, G_MAXINT, &offset, error) ||
        !number(params, "after", 0, G_MAXINT64, &after, error) ||
        !number(params, "rating", 0, 5, &rating, error) ||
        !number(params, "lightbox", 0, G_MAXINT64, &lightbox, error))
        return FALSE;
    req->limit = (int)limit;
    req->offset = (int)offset;
    req->after_id = after;
    req->min_rating = (int)rating;
    req->lightbox = lightbox;
    return TRUE;
}

GHashTable *
pd_desk_search_params(const char *query, GError **error)
{
    GHashTable *params =
        g_uri_parse_params(query ? query : "", -1, "&", G_URI_PARAMS_WWW_FORM, error);
    if (params == NULL)
        g_prefix_error(error, "a search's query string: ");
    return params;
}

char *
pd_desk_search_query_string(GHashTable *params)
{
    GString *o = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(saved_keys); i++) {
        const char *v = param(params, saved_keys[i]);
        if (v == NULL)
            continue;
        g_autofree char *escaped = g_uri_escape_string(v, NULL, TRUE);
        g_string_append_printf(o, "%s%s=%s", o->len ? "&" : "", saved_keys[i], escaped);
    }
    return g_string_free(o, FALSE);
}

gint64
pd_desk_save_search(PdCatalog *catalog, const char *name, GHashTable *params, gboolean replace,
                    const char *by_user, GError **error)
{
    PdSearchRequest req;
    if (!pd_desk_search_request_parse(params, &req, error))
        return 0;
    g_autofree char *query = pd_desk_search_query_string(params);
    return pd_catalog_save_search(catalog, name, query, replace, by_user, error);
}

/* ---------------------------------------------------------------- as JSON */

static void
lightbox_members(GString *o, const PdCatalogLightbox *l)
{
    pd_json_key(o, "id");
    g_string_append_printf(o, "%" G_GINT64_FORMAT, l->id);
    pd_json_string(o, "name", l->name);
    pd_json_string(o, "created_by", l->created_by);
    pd_json_string(o, "created_at", l->created_at);
    pd_json_string(o, "changed_at", l->changed_at);
    pd_json_int(o, "photos", l->photos, TRUE);
}

char *
pd_desk_lightboxes_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_catalog_list_lightboxes(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{\"lightboxes\": [");
    for (guint i = 0; i < all->len; i++) {
        g_string_append(o, i ? ", {" : "{");
        lightbox_members(o, g_ptr_array_index(all, i));
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

char *
pd_desk_lightbox_json(PdCatalog *catalog, gint64 id, GError **error)
{
    g_autoptr(PdCatalogLightbox) l = pd_catalog_get_lightbox(catalog, id, error);
    g_autoptr(GArray) ids = l ? pd_catalog_lightbox_photos(catalog, id, error) : NULL;
    if (ids == NULL)
        return NULL;
    GString *o = g_string_new("{");
    lightbox_members(o, l);
    pd_json_key(o, "photo_ids");
    g_string_append_c(o, '[');
    for (guint i = 0; i < ids->len; i++)
        g_string_append_printf(o, "%s%" G_GINT64_FORMAT, i ? ", " : "",
                               g_array_index(ids, gint64, i));
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

char *
pd_desk_lightbox_text(PdCatalog *catalog, gint64 id, GError **error)
{
    g_autoptr(PdCatalogLightbox) l = pd_catalog_get_lightbox(catalog, id, error);
    if (l == NULL)
        return NULL;
    PdSearchRequest req = {.lightbox = id, .all_copies = TRUE, .limit = 1000};
    g_autoptr(GString) o = g_string_new(NULL);
    g_string_append_printf(o, "Lightbox %" G_GINT64_FORMAT ": %s (%d photo%s; made by %s, %s)\n",
                           l->id, l->name, l->photos, l->photos == 1 ? "" : "s", l->created_by,
                           l->created_at);
    g_autofree char *table = pd_desk_search_text_in(catalog, &req, "", "", error);
    if (table == NULL)
        return NULL;
    g_string_append(o, table);
    return g_string_free(g_steal_pointer(&o), FALSE);
}

static void
saved_search_object(GString *o, const PdCatalogSavedSearch *s)
{
    g_string_append_c(o, '{');
    pd_json_key(o, "id");
    g_string_append_printf(o, "%" G_GINT64_FORMAT, s->id);
    pd_json_string(o, "name", s->name);
    pd_json_string(o, "query", s->query);
    pd_json_string(o, "created_by", s->created_by);
    pd_json_string(o, "created_at", s->created_at);
    g_string_append_c(o, '}');
}

char *
pd_desk_saved_search_json(PdCatalog *catalog, gint64 id, GError **error)
{
    g_autoptr(PdCatalogSavedSearch) s = pd_catalog_get_saved_search(catalog, id, NULL, error);
    if (s == NULL)
        return NULL;
    GString *o = g_string_new(NULL);
    saved_search_object(o, s);
    return g_string_free(o, FALSE);
}

char *
pd_desk_saved_searches_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_catalog_list_saved_searches(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{\"searches\": [");
    for (guint i = 0; i < all->len; i++) {
        if (i)
            g_string_append(o, ", ");
        saved_search_object(o, g_ptr_array_index(all, i));
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

char *
pd_desk_users_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_catalog_list_users(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{\"users\": [");
    for (guint i = 0; i < all->len; i++) {
        const PdCatalogUser *u = g_ptr_array_index(all, i);
        g_string_append(o, i ? ", {" : "{");
        pd_desk_user_members(o, u);
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

void
pd_desk_user_members(GString *o, const PdCatalogUser *u)
{
    pd_json_key(o, "id");
    g_string_append_printf(o, "%" G_GINT64_FORMAT, u->id);
    pd_json_string(o, "name", u->name);
    pd_json_string(o, "role", u->role);
    pd_json_string(o, "created_at", u->created_at);
    pd_json_string(o, "password_changed_at", u->password_changed_at);
    pd_json_bool(o, "disabled", u->disabled_at != NULL);
    pd_json_string(o, "disabled_at", u->disabled_at);
    pd_json_string(o, "disabled_by", u->disabled_by);
}

/* ---------------------------------------------------------------- similar frames */

/* Frames of the same shoot look alike: taken within a day of each other, their
 * perceptual hashes within PD_SIMILAR_BITS (re-sends and other agencies' copies of the
 * same photograph, within 16, are the photo's own group and left out). */
#define PD_SIMILAR_BITS 24

char *
pd_desk_similar_json(PdCatalog *catalog, gint64 id, GError **error)
{
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, id, error);
    gint64 group = 0;
    if (p == NULL || !pd_catalog_photo_group(catalog, id, &group, error))
        return NULL;
    g_autoptr(GPtrArray) near = NULL;
    if (p->has_dhash) {
        const char *day = p->date_created_local && strlen(p->date_created_local) >= 10
                              ? p->date_created_local
                              : NULL;
        near = pd_catalog_find_similar(catalog, day, p->dhash, PD_SIMILAR_BITS, 1, id, error);
        if (near == NULL)
            return NULL;
    }
    GString *o = g_string_new("{\"similar\": [");
    guint shown = 0;
    for (guint i = 0; near && i < near->len; i++) {
        const PdCatalogPhoto *n = g_ptr_array_index(near, i);
        gint64 other = 0;
        if (!pd_catalog_photo_group(catalog, n->id, &other, error)) {
            g_string_free(o, TRUE);
            return NULL;
        }
        if (group && other == group)
            continue; /* the same photograph: listed as a copy, not a frame */
        g_string_append(o, shown++ ? ", {" : "{");
        pd_json_key(o, "id");
        g_string_append_printf(o, "%" G_GINT64_FORMAT, n->id);
        pd_json_int(o, "distance", __builtin_popcountll(n->dhash ^ p->dhash), TRUE);
        pd_json_string(o, "picture", n->picture);
        pd_json_string(o, "headline", n->headline);
        pd_json_string(o, "caption", n->caption);
        pd_json_string(o, "credit_line", n->credit_line);
        pd_json_string(o, "date_created", n->date_created);
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}
