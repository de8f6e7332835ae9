/* batch.c: the JSON API for batch edits: a preview of what edits make of each photo, the
 * batch applied (photos changed since their preview listed, not overwritten), and undone. */
#include "desk/desk.h"
#include "webui/webui-private.h"

#include <string.h>

/* The body's "edits" (1 to 50 of {"field", "op", "value", "find"}); FALSE after answering
 * 400. */
static gboolean
read_edits(Request *r, JsonObject *o, GPtrArray **edits, enum MHD_Result *result)
{
    JsonNode *en = json_object_get_member(o, "edits");
    JsonArray *list = en && JSON_NODE_HOLDS_ARRAY(en) ? json_node_get_array(en) : NULL;
    guint n = list ? json_array_get_length(list) : 0;
    if (n < 1 || n > 50) {
        *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                   "give \"edits\": 1 to 50 of {\"field\", \"op\", \"value\", "
                                   "\"find\"}");
        return FALSE;
    }
    *edits = g_ptr_array_new_with_free_func((GDestroyNotify)pd_batch_edit_free);
    g_autoptr(GError) error = NULL;
    for (guint i = 0; i < n; i++) {
        JsonNode *e = json_array_get_element(list, i);
        JsonObject *eo = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
        const char *field =
            eo ? json_object_get_string_member_with_default(eo, "field", NULL) : NULL;
        const char *op = eo ? json_object_get_string_member_with_default(eo, "op", NULL) : NULL;
        const char *value =
            eo ? json_object_get_string_member_with_default(eo, "value", NULL) : NULL;
        const char *find = eo ? json_object_get_string_member_with_default(eo, "find", NULL) : NULL;
        PdBatchEdit *edit = pd_batch_edit_new(field, op, value, find, &error);
        if (edit == NULL) {
            *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s", error->message);
            g_clear_pointer(edits, g_ptr_array_unref);
            return FALSE;
        }
        g_ptr_array_add(*edits, edit);
    }
    return TRUE;
}

/* The body's "photos" (1 to 1000 ids), "edits" and, when @versions is not NULL, the
 * "versions" object ({"ID": VERSION}) as an array in the photos' order; FALSE after
 * answering 400. */
static gboolean
read_batch(Request *r, JsonObject *o, GArray **ids, GPtrArray **edits, GArray **versions,
           enum MHD_Result *result)
{
    JsonNode *pn = json_object_get_member(o, "photos");
    JsonArray *photos = pn && JSON_NODE_HOLDS_ARRAY(pn) ? json_node_get_array(pn) : NULL;
    guint n = photos ? json_array_get_length(photos) : 0;
    if (n < 1 || n > 1000) {
        *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "give \"photos\": 1 to 1000 ids");
        return FALSE;
    }
    JsonNode *vn = versions ? json_object_get_member(o, "versions") : NULL;
    JsonObject *seen = vn && JSON_NODE_HOLDS_OBJECT(vn) ? json_node_get_object(vn) : NULL;
    g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_autoptr(GArray) at = g_array_new(FALSE, TRUE, sizeof(int));
    for (guint i = 0; i < n; i++) {
        JsonNode *e = json_array_get_element(photos, i);
        gint64 id = JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_INT64
                        ? json_node_get_int(e)
                        : 0;
        if (id < 1) {
            *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "photos: whole numbers from 1");
            return FALSE;
        }
        g_array_append_val(got, id);
        g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT, id);
        int v = seen && json_object_has_member(seen, key)
                    ? (int)json_object_get_int_member(seen, key)
                    : 0;
        g_array_append_val(at, v);
    }
    if (!read_edits(r, o, edits, result))
        return FALSE;
    *ids = g_steal_pointer(&got);
    if (versions)
        *versions = g_steal_pointer(&at);
    return TRUE;
}

/* POST /api/batch/preview {"photos": [ids], "edits": [...]}: nothing written. */
enum MHD_Result
pd_api_batch_preview(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    g_autoptr(GArray) ids = NULL;
    g_autoptr(GPtrArray) edits = NULL;
    if (o == NULL || !read_batch(r, o, &ids, &edits, NULL, &result))
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    char *json =
        cat ? pd_desk_batch_preview_json(cat, (gint64 *)ids->data, ids->len, edits, &error) : NULL;
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

static enum MHD_Result
respond_result(Request *r, gboolean ok, PdBatchResult *res, GError *error)
{
    if (!ok)
        return pd_respond_gerror(r, error);
    char *json = pd_desk_batch_result_json(res);
    pd_batch_result_clear(res);
    return pd_respond_json(r, MHD_HTTP_OK, json);
}

/* POST /api/batch {"photos", "edits", "versions": {"ID": VERSION}}: the photos changed
 * since the version previewed are listed in "stale", not overwritten. */
enum MHD_Result
pd_api_batch_apply(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    g_autoptr(GArray) ids = NULL, versions = NULL;
    g_autoptr(GPtrArray) edits = NULL;
    if (o == NULL || !read_batch(r, o, &ids, &edits, &versions, &result))
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    PdBatchResult res = {0};
    gboolean ok = cat && pd_desk_batch_apply(cat, (gint64 *)ids->data, (int *)versions->data,
                                             ids->len, edits, r->session->user, &res, &error);
    return respond_result(r, ok, &res, error);
}

/* POST /api/batches/ID/undo */
enum MHD_Result
pd_api_batch_undo(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    PdBatchResult res = {0};
    gboolean ok = cat && pd_desk_batch_undo(cat, p->id, r->session->user, &res, &error);
    return respond_result(r, ok, &res, error);
}

/* ---------------------------------------------------------------- templates */

enum MHD_Result
pd_api_templates(Request *r, const PdRouteParams *p)
{
    return pd_respond_listing(r, pd_desk_templates_json);
}

/* POST /api/templates {"name", "edits": [...]}: saved (a template of that name replaced). */
enum MHD_Result
pd_api_template_save(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    const char *name = json_object_get_string_member_with_default(o, "name", NULL);
    g_autoptr(GPtrArray) edits = NULL;
    if (!read_edits(r, o, &edits, &result))
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gint64 id = cat ? pd_desk_save_template(cat, name, edits, r->session->user, &error) : 0;
    if (id == 0)
        return pd_respond_gerror(r, error);
    char *json = pd_desk_templates_json(cat, &error);
    return json ? pd_respond_json(r, MHD_HTTP_CREATED, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_template_remove(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_desk_remove_template(cat, p->id, &error))
        return pd_respond_gerror(r, error);
    return pd_respond_listing(r, pd_desk_templates_json);
}

/* ---------------------------------------------------------------- ingest rules */

enum MHD_Result
pd_api_rules(Request *r, const PdRouteParams *p)
{
    (void)p;
    return pd_respond_listing(r, pd_desk_rules_json);
}

/* POST /api/rules {"name", "template", "folder"?, "source"?, "credit"?}: saved (a rule of
 * that name replaced); every rule as GET gives them. */
enum MHD_Result
pd_api_rule_save(Request *r, const PdRouteParams *p)
{
    (void)p;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {{"name", PD_TEXT},
                    {"template", PD_TEXT},
                    {"folder", PD_TEXT},
                    {"source", PD_TEXT},
                    {"credit", PD_TEXT}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result))
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gint64 id = cat ? pd_desk_save_rule(cat, m[0].text, m[1].text, m[2].text, m[3].text, m[4].text,
                                        r->session->user, &error)
                    : 0;
    if (id == 0)
        return pd_respond_gerror(r, error);
    char *json = pd_desk_rules_json(cat, &error);
    return json ? pd_respond_json(r, MHD_HTTP_CREATED, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_rule_remove(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_desk_remove_rule(cat, p->id, &error))
        return pd_respond_gerror(r, error);
    return pd_respond_listing(r, pd_desk_rules_json);
}

/* ---------------------------------------------------------------- delivery targets */

enum MHD_Result
pd_api_targets(Request *r, const PdRouteParams *p)
{
    (void)p;
    return pd_respond_listing(r, pd_desk_targets_json);
}

/* POST /api/targets {"name", "folder" | "url", "layout"?, "header"?, "attempts"?,
 * "backoff"?}: saved (a target of that name replaced); every target as GET gives them. */
enum MHD_Result
pd_api_target_save(Request *r, const PdRouteParams *p)
{
    (void)p;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {{"name", PD_TEXT},   {"folder", PD_TEXT}, {"url", PD_TEXT},
                    {"layout", PD_TEXT}, {"header", PD_TEXT}, {"attempts", PD_NUMBER},
                    {"backoff", PD_REAL}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result))
        return result;
    if (m[5].given && (m[5].number < 1 || m[5].number > 10))
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "attempts: %" G_GINT64_FORMAT " is not between 1 and 10",
                                m[5].number);
    PdDeskTarget given = {.name = (char *)m[0].text,
                          .folder = (char *)m[1].text,
                          .url = (char *)m[2].text,
                          .layout = (char *)m[3].text,
                          .header = (char *)m[4].text,
                          .attempts = (int)m[5].number,
                          .backoff = m[6].real};
    if (m[6].given && m[6].real <= 0)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "backoff: %g s is not between 0.05 and 60",
                                m[6].real);
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gint64 id = cat ? pd_desk_save_target(cat, &given, r->session->user, &error) : 0;
    if (id == 0)
        return pd_respond_gerror(r, error);
    char *json = pd_desk_targets_json(cat, &error);
    return json ? pd_respond_json(r, MHD_HTTP_CREATED, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_target_remove(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_desk_remove_target(cat, p->id, &error))
        return pd_respond_gerror(r, error);
    return pd_respond_listing(r, pd_desk_targets_json);
}

/* ---------------------------------------------------------------- output profiles */

enum MHD_Result
pd_api_profiles(Request *r, const PdRouteParams *p)
{
    (void)p;
    return pd_respond_listing(r, pd_desk_profiles_json);
}

/* POST /api/profiles {"name", "long_edge", "quality"}: saved (one of that name, a
 * built-in one too, replaced); every profile as GET gives them. */
enum MHD_Result
pd_api_profile_save(Request *r, const PdRouteParams *p)
{
    (void)p;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {{"name", PD_TEXT}, {"long_edge", PD_NUMBER}, {"quality", PD_NUMBER}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result))
        return result;
    if (!m[1].given || !m[2].given)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "give long_edge (px, 0 for the picture's own size) and quality");
    if (m[1].number < 0 || m[1].number > G_MAXINT || m[2].number < 0 || m[2].number > G_MAXINT)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "long_edge, quality: out of range");
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gint64 id = cat ? pd_desk_save_profile(cat, m[0].text, (int)m[1].number, (int)m[2].number,
                                           r->session->user, &error)
                    : 0;
    if (id == 0)
        return pd_respond_gerror(r, error);
    char *json = pd_desk_profiles_json(cat, &error);
    return json ? pd_respond_json(r, MHD_HTTP_CREATED, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_profile_remove(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_desk_remove_profile(cat, p->id, &error))
        return pd_respond_gerror(r, error);
    return pd_respond_listing(r, pd_desk_profiles_json);
}
