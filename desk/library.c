/* library.c: where the library and its catalog are, and the desk's settings in it. */
#include "desk/desk-private.h"

#include <string.h>

char *
pd_desk_library_path(const char *given)
{
    if (given && *given)
        return g_strdup(given);
    const char *env = g_getenv("PHOTODESK_LIBRARY");
    if (env && *env)
        return g_strdup(env);
    return g_build_filename(g_get_user_data_dir(), "photodesk", NULL);
}

char *
pd_desk_catalog_path(const char *library)
{
    const char *given = g_getenv("PHOTODESK_CATALOG");
    if (given && *given)
        return g_strdup(given);
    return pd_desk_catalog_file(library);
}

PdCatalog *
pd_desk_open_catalog(const char *library, PdCatalogMode mode, GError **error)
{
    /* on PostgreSQL the library folder holds the originals the catalog speaks of: a
     * folder that is not there (a share not mounted) is no library either */
    g_autofree char *path = pd_desk_catalog_path(library);
    if (!g_file_test(pd_catalog_is_url(path) ? library : path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_NO_LIBRARY,
                    "no photo library at %s (ingest some photos first)", library);
        return NULL;
    }
    return pd_catalog_open(path, mode, error);
}

char *
pd_desk_catalog_file(const char *library)
{
    return g_build_filename(library, "catalog.db", NULL);
}

gboolean
pd_desk_setting(PdCatalog *catalog, const char *key, const char *member, JsonParser **parser,
                JsonObject **object, JsonArray **list, GError **error)
{
    *parser = NULL;
    *object = NULL;
    *list = NULL;
    GError *local = NULL;
    g_autofree char *json = pd_catalog_get_setting(catalog, key, &local);
    if (local) {
        g_propagate_error(error, local);
        return FALSE;
    }
    *parser = json_parser_new();
    if (json == NULL || !json_parser_load_from_data(*parser, json, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(*parser)))
        return TRUE;
    *object = json_node_get_object(json_parser_get_root(*parser));
    JsonNode *n = member ? json_object_get_member(*object, member) : NULL;
    *list = n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
    return TRUE;
}

gboolean
pd_desk_fail(GError **error, PdDeskError code, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error_literal(error, PD_DESK_ERROR, (gint)code, msg);
    return FALSE;
}

char *
pd_desk_text_member(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
        return NULL;
    const char *s = json_node_get_string(n);
    return s && *s ? g_strdup(s) : NULL;
}

gboolean
pd_desk_check_line(const char *what, const char *text, gsize max, GError **error)
{
    if (text &&
        (!g_utf8_validate(text, -1, NULL) || strlen(text) > max || strpbrk(text, "\r\n\t") != NULL))
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                            "%s: one line of text of at most %zu bytes", what, max);
    return TRUE;
}
