/* collections.c: the JSON API for what the desk keeps together by name: lightboxes (and
 * the photos in them) and saved searches. Every editor sees and changes them; a viewer
 * sees them (routes.c). An answer that changes a lightbox is the lightbox, as GET gives
 * it. */
#include "caption/caption.h"
#include "desk/desk.h"
#include "webui/webui-private.h"

#include <string.h>

static enum MHD_Result
respond_lightbox(Request *r, PdCatalog *cat, gint64 id, unsigned int status)
{
    g_autoptr(GError) error = NULL;
    char *json = pd_desk_lightbox_json(cat, id, &error);
    return json ? pd_respond_json(r, status, json) : pd_respond_gerror(r, error);
}

/* The request's JSON object read into @m; NULL after answering. */
static JsonObject *
body(Request *r, JsonParser **parser, PdMember *m, gsize n, enum MHD_Result *result)
{
    JsonObject *o = pd_request_json(r, parser, result);
    if (o == NULL || !pd_read_members(r, o, m, n, result))
        return NULL;
    return o;
}

enum MHD_Result
pd_api_lightboxes(Request *r, const PdRouteParams *p)
{
    return pd_respond_listing(r, pd_desk_lightboxes_json);
}

enum MHD_Result
pd_api_lightbox(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    return cat ? respond_lightbox(r, cat, p->id, MHD_HTTP_OK) : pd_respond_gerror(r, error);
}

/* POST /api/lightboxes {"name": "Election night"} */
enum MHD_Result
pd_api_lightbox_create(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    PdMember m[] = {{"name", PD_TEXT}};
    if (body(r, &parser, m, G_N_ELEMENTS(m), &result) == NULL)
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gint64 id = cat ? pd_catalog_add_lightbox(cat, m[0].text, r->session->user, &error) : 0;
    return id ? respond_lightbox(r, cat, id, MHD_HTTP_CREATED) : pd_respond_gerror(r, error);
}

/* PATCH /api/lightboxes/ID {"name": "..."} */
enum MHD_Result
pd_api_lightbox_update(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    PdMember m[] = {{"name", PD_TEXT}};
    if (body(r, &parser, m, G_N_ELEMENTS(m), &result) == NULL)
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_catalog_rename_lightbox(cat, p->id, m[0].text, &error))
        return pd_respond_gerror(r, error);
    return respond_lightbox(r, cat, p->id, MHD_HTTP_OK);
}

enum MHD_Result
pd_api_lightbox_remove(Request *r, const PdRouteParams *p)
{
    return pd_respond_removal(r, p->id, pd_catalog_remove_lightbox);
}

/* The photo ids of @o's "photos" (1 to 1000 whole numbers from 1); NULL after answering. */
static GArray *
photo_ids(Request *r, JsonObject *o, enum MHD_Result *result)
{
    JsonNode *n = json_object_get_member(o, "photos");
    JsonArray *a = n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
    guint len = a ? json_array_get_length(a) : 0;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    gboolean ok = len >= 1 && len <= 1000;
    for (guint i = 0; ok && i < len; i++) {
        JsonNode *e = json_array_get_element(a, i);
        ok = JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_INT64 &&
             json_node_get_int(e) >= 1;
        gint64 id = ok ? json_node_get_int(e) : 0;
        g_array_append_val(ids, id);
    }
    if (ok && json_object_get_size(o) == 1)
        return ids;
    g_array_unref(ids);
    *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                               "give {\"photos\": [ids]}: 1 to 1000 photo ids, and nothing else");
    return NULL;
}

/* POST /api/lightboxes/ID/photos {"photos": [12, 13]}: the lightbox, and "added" (how many
 * were not in it already). */
enum MHD_Result
pd_api_lightbox_add(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    g_autoptr(GArray) ids = photo_ids(r, o, &result);
    if (ids == NULL)
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    guint added = 0;
    if (cat == NULL || !pd_catalog_lightbox_put(cat, p->id, (const gint64 *)ids->data, ids->len,
                                                TRUE, r->session->user, &added, &error))
        return pd_respond_gerror(r, error);
    g_autofree char *json = pd_desk_lightbox_json(cat, p->id, &error);
    if (json == NULL)
        return pd_respond_gerror(r, error);
    /* {"added": N, and the lightbox's members} */
    return pd_respond_json(r, MHD_HTTP_OK, g_strdup_printf("{\"added\": %u, %s", added, json + 1));
}

/* DELETE /api/lightboxes/ID/photos/PHOTO */
enum MHD_Result
pd_api_lightbox_take(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    guint taken = 0;
    if (cat == NULL ||
        !pd_catalog_lightbox_put(cat, p->id, &p->photo, 1, FALSE, NULL, &taken, &error))
        return pd_respond_gerror(r, error);
    if (taken == 0)
        return pd_respond_error(r, MHD_HTTP_NOT_FOUND,
                                "photo %" G_GINT64_FORMAT " is not in lightbox %" G_GINT64_FORMAT,
                                p->photo, p->id);
    return respond_lightbox(r, cat, p->id, MHD_HTTP_OK);
}

/* ---------------------------------------------------------------- saved searches */

enum MHD_Result
pd_api_searches(Request *r, const PdRouteParams *p)
{
    return pd_respond_listing(r, pd_desk_saved_searches_json);
}

/* POST /api/searches {"name": "Putin this week", "query": "q=putin&from=2023-04-10",
 * "replace": false}: the query is checked as a search and kept without its page. */
enum MHD_Result
pd_api_search_save(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    PdMember m[] = {{"name", PD_TEXT}, {"query", PD_TEXT}, {"replace", PD_FLAG}};
    if (body(r, &parser, m, G_N_ELEMENTS(m), &result) == NULL)
        return result;
    if (!m[1].given)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "query: the search, as a query string");
    g_autoptr(GError) error = NULL;
    g_autoptr(GHashTable) params = pd_desk_search_params(m[1].text, &error);
    PdCatalog *cat = params ? pd_server_catalog(r->server, &error) : NULL;
    gint64 id =
        cat ? pd_desk_save_search(cat, m[0].text, params, m[2].flag, r->session->user, &error) : 0;
    if (id == 0)
        return params ? pd_respond_gerror(r, error)
                      : pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s", error->message);
    char *json = pd_desk_saved_search_json(cat, id, &error);
    return json ? pd_respond_json(r, MHD_HTTP_CREATED, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_search_remove(Request *r, const PdRouteParams *p)
{
    return pd_respond_removal(r, p->id, pd_catalog_remove_saved_search);
}

/* ---------------------------------------------------------------- code replacements */

enum MHD_Result
pd_api_codes(Request *r, const PdRouteParams *p)
{
    return pd_respond_listing(r, pd_desk_codes_json);
}

/* GET /api/codes/file: the desk's table as Photo Mechanic's file, to download. */
enum MHD_Result
pd_api_codes_file(Request *r, const PdRouteParams *p)
{
    (void)p;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    g_autoptr(PdDeskCodes) codes = cat ? pd_desk_codes(cat, &error) : NULL;
    if (codes == NULL)
        return pd_respond_gerror(r, error);
    char *text = pd_codes_format(codes->codes);
    size_t n = strlen(text);
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, text, MHD_RESPMEM_MUST_FREE);
    r->bytes = n;
    MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "Content-Disposition",
                            "attachment; filename=\"photodesk-codes.txt\"");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return pd_respond(r, MHD_HTTP_OK, resp);
}

/* PUT /api/codes {"text": "put\tRussian President Vladimir Putin\n...", "delimiter": "=",
 * "merge": false}: the desk's table replaced by a Photo Mechanic file's (with merge, the
 * desk's codes the file lacks kept); 400 naming the line that cannot be read. */
enum MHD_Result
pd_api_codes_set(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    PdMember m[] = {{"text", PD_TEXT}, {"delimiter", PD_TEXT}, {"merge", PD_FLAG}};
    if (body(r, &parser, m, G_N_ELEMENTS(m), &result) == NULL)
        return result;
    if (!m[0].given)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "text: the codes, as Photo Mechanic's file has them");
    if (m[1].given && strlen(m[1].text) != 1)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "delimiter: one character");
    char delimiter = m[1].given ? m[1].text[0] : PD_CODE_DELIMITER;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) codes = pd_codes_parse(m[0].text, strlen(m[0].text), delimiter, &error);
    if (codes == NULL)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "text: %s", error->message);
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL ||
        !pd_desk_set_codes(cat, codes, delimiter, m[2].flag, r->session->user, &error))
        return pd_respond_gerror(r, error);
    return pd_respond_listing(r, pd_desk_codes_json);
}
