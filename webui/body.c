/* body.c: what handlers read of a request: its JSON body's members of known names and
 * types, its query string. */
#include "webui/webui-private.h"

#include <string.h>

gboolean
pd_read_members(Request *r, JsonObject *o, PdMember *members, gsize n, enum MHD_Result *result)
{
    JsonObjectIter it;
    const char *name;
    JsonNode *node;
    json_object_iter_init(&it, o);
    while (json_object_iter_next(&it, &name, &node)) {
        PdMember *m = NULL;
        for (gsize i = 0; i < n && m == NULL; i++)
            if (strcmp(members[i].name, name) == 0)
                m = &members[i];
        if (m == NULL) {
            GString *known = g_string_new(NULL);
            for (gsize i = 0; i < n; i++)
                g_string_append_printf(known, "%s%s", i ? ", " : "", members[i].name);
            *result =
                pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s: not one of %s", name, known->str);
            g_string_free(known, TRUE);
            return FALSE;
        }
        GType t = JSON_NODE_HOLDS_VALUE(node) ? json_node_get_value_type(node) : G_TYPE_INVALID;
        gboolean ok = JSON_NODE_HOLDS_NULL(node) || (m->type == PD_TEXT && t == G_TYPE_STRING) ||
                      (m->type == PD_NUMBER && t == G_TYPE_INT64) ||
                      (m->type == PD_REAL && (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE)) ||
                      (m->type == PD_FLAG && t == G_TYPE_BOOLEAN);
        if (!ok) {
            *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s: give %s", name,
                                       m->type == PD_TEXT     ? "a string"
                                       : m->type == PD_NUMBER ? "a whole number"
                                       : m->type == PD_REAL   ? "a number"
                                                              : "true or false");
            return FALSE;
        }
        if (JSON_NODE_HOLDS_NULL(node))
            continue; /* as if not given */
        m->given = TRUE;
        if (m->type == PD_TEXT)
            m->text = json_node_get_string(node);
        else if (m->type == PD_NUMBER)
            m->number = json_node_get_int(node);
        else if (m->type == PD_REAL)
            m->real =
                t == G_TYPE_DOUBLE ? json_node_get_double(node) : (double)json_node_get_int(node);
        else
            m->flag = json_node_get_boolean(node);
    }
    return TRUE;
}

static enum MHD_Result
add_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    if (key && value)
        g_hash_table_replace(cls, g_strdup(key), g_strdup(value));
    return MHD_YES;
}

GHashTable *
pd_api_query_params(Request *r)
{
    GHashTable *params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    MHD_get_connection_values(r->connection, MHD_GET_ARGUMENT_KIND, add_param, params);
    return params;
}

enum MHD_Result
pd_respond_listing(Request *r, char *(*listing)(PdCatalog *catalog, GError **error))
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    char *json = cat ? listing(cat, &error) : NULL;
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_respond_removal(Request *r, gint64 id,
                   gboolean (*removal)(PdCatalog *catalog, gint64 id, GError **error))
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !removal(cat, id, &error))
        return pd_respond_gerror(r, error);
    return pd_respond_json(r, MHD_HTTP_OK, g_strdup("{\"removed\": true}"));
}
