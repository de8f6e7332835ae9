/* groups.c: one picture, many agencies, as the desk sees it.
 *
 * The catalog groups the photos that show the same photograph (ingest/resend.c decides).
 * Here: the desk's agencies (the distributors it subscribes to, in order of
 * preference), which copy of a group stands for it (the preferred agency's, not killed),
 * a search page with one card per group, and a photo's other copies. */
#include "desk/desk-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define AGENCIES_KEY "agencies"

/* ---------------------------------------------------------------- the desk's agencies */

GStrv
pd_desk_agencies(PdCatalog *catalog, GError **error)
{
    GError *local = NULL;
    g_autofree char *json = pd_catalog_get_setting(catalog, AGENCIES_KEY, &local);
    if (local) {
        g_propagate_error(error, local);
        return NULL;
    }
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autoptr(JsonParser) p = json_parser_new();
    if (json && json_parser_load_from_data(p, json, -1, NULL) &&
        JSON_NODE_HOLDS_ARRAY(json_parser_get_root(p))) {
        JsonArray *a = json_node_get_array(json_parser_get_root(p));
        for (guint i = 0; i < json_array_get_length(a); i++) {
            JsonNode *n = json_array_get_element(a, i);
            if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
                g_strv_builder_add(b, json_node_get_string(n));
        }
    }
    return g_strv_builder_end(b);
}

gboolean
pd_desk_set_agencies(PdCatalog *catalog, const char *const *agencies, GError **error)
{
    GString *o = g_string_new("[");
    for (int i = 0; agencies && agencies[i]; i++) {
        g_autofree char *name = g_strstrip(g_strdup(agencies[i]));
        if (*name == '\0' || !g_utf8_validate(name, -1, NULL) || strlen(name) > 64) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "agency %d: a distributor's name, 1 to 64 bytes of UTF-8", i + 1);
            g_string_free(o, TRUE);
            return FALSE;
        }
        if (i)
            g_string_append(o, ", ");
        pd_json_quote(o, name);
    }
    g_string_append_c(o, ']');
    gboolean ok = pd_catalog_set_setting(catalog, AGENCIES_KEY, o->str, error);
    g_string_free(o, TRUE);
    return ok;
}

char *
pd_desk_agencies_json(PdCatalog *catalog, GError **error)
{
    g_auto(GStrv) agencies = pd_desk_agencies(catalog, error);
    if (agencies == NULL)
        return NULL;
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    for (int i = 0; agencies[i]; i++)
        g_ptr_array_add(list, agencies[i]);
    GString *o = g_string_new("{");
    pd_json_strings(o, "agencies", list);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

int
pd_desk_agency_rank(const char *const *agencies, const char *distributor)
{
    for (int i = 0; distributor && agencies && agencies[i]; i++)
        if (g_ascii_strcasecmp(agencies[i], distributor) == 0)
            return i;
    return G_MAXINT;
}

gboolean
pd_desk_is_agency(const char *const *agencies, const char *distributor)
{
    return agencies == NULL || agencies[0] == NULL ||
           pd_desk_agency_rank(agencies, distributor) != G_MAXINT;
}

/* Whether copy @a is a better one to show for its picture than @b: not killed, then the
 * desk's agency first, then the first to arrive. */
static gboolean
better(const char *const *agencies, gboolean a_kill, const char *a_distributor, gint64 a_id,
       gboolean b_kill, const char *b_distributor, gint64 b_id)
{
    if (a_kill != b_kill)
        return !a_kill;
    int ra = pd_desk_agency_rank(agencies, a_distributor);
    int rb = pd_desk_agency_rank(agencies, b_distributor);
    if (ra != rb)
        return ra < rb;
    return a_id < b_id;
}

/* ---------------------------------------------------------------- a search page */

void
pd_desk_group_info_free(PdDeskGroupInfo *g)
{
    if (g == NULL)
        return;
    g_ptr_array_unref(g->distributors);
    g_free(g);
}

GHashTable *
pd_desk_collapse(PdCatalog *catalog, const PdSearchResult *r, gboolean all_copies,
                 const char *const *agencies, GPtrArray **shown, GError **error)
{
    *shown = g_ptr_array_new();
    GHashTable *groups = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                               (GDestroyNotify)pd_desk_group_info_free);
    /* what each group holds, for its card */
    for (guint i = 0; i < r->hits->len; i++) {
        const PdSearchHit *h = g_ptr_array_index(r->hits, i);
        if (h->group_id == 0 || g_hash_table_contains(groups, &h->group_id))
            continue;
        g_autoptr(GPtrArray) members = pd_catalog_group_members(catalog, h->group_id, error);
        if (members == NULL) {
            g_hash_table_unref(groups);
            g_clear_pointer(shown, g_ptr_array_unref);
            return NULL;
        }
        PdDeskGroupInfo *g = g_new0(PdDeskGroupInfo, 1);
        g->size = members->len;
        g->distributors = g_ptr_array_new_with_free_func(g_free);
        for (guint m = 0; m < members->len; m++) {
            const PdCatalogPhoto *p = g_ptr_array_index(members, m);
            const char *d = p->distributor ? p->distributor : p->credit;
            gboolean seen = d == NULL;
            for (guint k = 0; !seen && k < g->distributors->len; k++)
                seen = g_ascii_strcasecmp(g_ptr_array_index(g->distributors, k), d) == 0;
            if (!seen)
                g_ptr_array_add(g->distributors, g_strdup(d));
        }
        gint64 *key = g_new(gint64, 1);
        *key = h->group_id;
        g_hash_table_insert(groups, key, g);
    }
    /* one card per group on the page: its best copy, where the group's first match was */
    g_autoptr(GHashTable) at = g_hash_table_new(g_int64_hash, g_int64_equal); /* -> index + 1 */
    for (guint i = 0; i < r->hits->len; i++) {
        const PdSearchHit *h = g_ptr_array_index(r->hits, i);
        gpointer k = all_copies || h->group_id == 0 ? NULL : g_hash_table_lookup(at, &h->group_id);
        if (k == NULL) {
            g_ptr_array_add(*shown, (gpointer)h);
            if (!all_copies && h->group_id)
                g_hash_table_insert(at, (gpointer)&h->group_id, GUINT_TO_POINTER((*shown)->len));
            continue;
        }
        guint index = GPOINTER_TO_UINT(k) - 1;
        const PdSearchHit *best = g_ptr_array_index(*shown, index);
        if (better(agencies, h->kill, h->distributor, h->id, best->kill, best->distributor,
                   best->id))
            (*shown)->pdata[index] = (gpointer)h;
    }
    return groups;
}

/* ---------------------------------------------------------------- a photo's copies */

gboolean
pd_json_same_picture(GString *o, PdCatalog *catalog, const PdCatalogPhoto *p, GError **error)
{
    gint64 group = 0;
    if (!pd_catalog_photo_group(catalog, p->id, &group, error))
        return FALSE;
    if (group)
        pd_json_int64(o, "group", group);
    else
        pd_json_string(o, "group", NULL);
    g_autoptr(GPtrArray) members = pd_catalog_group_members(catalog, group, error);
    if (members == NULL)
        return FALSE;
    g_auto(GStrv) agencies = pd_desk_agencies(catalog, error);
    if (agencies == NULL)
        return FALSE;
    pd_json_key(o, "same_picture");
    g_string_append_c(o, '[');
    gboolean any = FALSE;
    for (guint i = 0; i < members->len; i++) {
        const PdCatalogPhoto *m = g_ptr_array_index(members, i);
        if (m->id == p->id)
            continue;
        g_string_append(o, any ? ", {" : "{");
        any = TRUE;
        g_string_append_printf(o, "\"id\": %" G_GINT64_FORMAT, m->id);
        pd_json_string(o, "distributor", m->distributor);
        pd_json_string(o, "credit", m->credit);
        pd_json_string(o, "credit_line", m->credit_line);
        pd_json_string(o, "ingested_at", m->ingested_at);
        pd_json_bool(o, "kill", m->kill);
        pd_json_bool(o, "editorial_only", m->editorial_only);
        pd_json_string(o, "embargo_until", m->embargo_until);
        pd_json_bool(o, "desk_agency",
                     pd_desk_is_agency((const char *const *)agencies, m->distributor));
        g_autofree char *thumb = pd_desk_file_url(m->id, "thumb", m->picture);
        pd_json_string(o, "thumb", thumb);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    pd_json_bool(o, "desk_agency",
                 pd_desk_is_agency((const char *const *)agencies, p->distributor));
    return TRUE;
}
