/* http.c: the answers every part of the server gives (see http.h). */
#include "webui/http.h"

#include "desk/desk.h"

#include <stdarg.h>
#include <string.h>

/* The front end may load only itself: no inline script or style, no other origin. */
#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

enum MHD_Result
pd_respond(Request *r, unsigned int status, struct MHD_Response *response)
{
    static const char *const headers[][2] = {
        {"Content-Security-Policy", CSP},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
        {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(headers); i++)
        MHD_add_response_header(response, headers[i][0], headers[i][1]);
    r->status = (int)status;
    if (r->in_worker) {
        if (r->ready)
            MHD_destroy_response(r->ready);
        r->ready = response;
        r->ready_status = status;
        return MHD_YES;
    }
    enum MHD_Result ok = MHD_queue_response(r->connection, status, response);
    MHD_destroy_response(response);
    return ok;
}

/* MHD frees the body with free(): GLib allocates with the system's malloc (since 2.46). */
enum MHD_Result
pd_respond_json(Request *r, unsigned int status, char *json)
{
    gsize n = strlen(json);
    r->bytes = n;
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, json, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return pd_respond(r, status, resp);
}

/* The body of an error answer: {"error": MESSAGE}, MESSAGE made valid UTF-8 and escaped;
 * with @confirm, {"error", "confirm": CONFIRM}: what the client may confirm to go on. */
static char *
error_json(const char *message, const char *confirm)
{
    g_autofree char *valid = g_utf8_make_valid(message, -1);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_add_string_value(b, valid);
    if (confirm) {
        json_builder_set_member_name(b, "confirm");
        json_builder_add_string_value(b, confirm);
    }
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

enum MHD_Result
pd_respond_error(Request *r, unsigned int status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree char *message = g_strdup_vprintf(format, args);
    va_end(args);
    return pd_respond_json(r, status, error_json(message, NULL));
}

enum MHD_Result
pd_respond_gerror(Request *r, const GError *error)
{
    unsigned int status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    if (error->domain == PD_CATALOG_ERROR) {
        switch (error->code) {
        case PD_CATALOG_ERROR_NOT_FOUND:
            status = MHD_HTTP_NOT_FOUND;
            break;
        case PD_CATALOG_ERROR_QUERY:
        case PD_CATALOG_ERROR_INVALID:
            status = MHD_HTTP_BAD_REQUEST;
            break;
        case PD_CATALOG_ERROR_EXISTS:
        case PD_CATALOG_ERROR_CONFLICT:
        case PD_CATALOG_ERROR_STALE:
            status = MHD_HTTP_CONFLICT;
            break;
        case PD_CATALOG_ERROR_BUSY:
            status = MHD_HTTP_SERVICE_UNAVAILABLE;
            break;
        case PD_CATALOG_ERROR_CONFIRM:
            /* the page asks the editor, then sends the request again with confirm_synthetic */
            return pd_respond_json(r, MHD_HTTP_CONFLICT, error_json(error->message, "synthetic"));
        default:
            break;
        }
    } else if (error->domain == PD_DESK_ERROR && error->code == PD_DESK_ERROR_INVALID) {
        status = MHD_HTTP_BAD_REQUEST;
    } else if (error->domain == PD_DESK_ERROR && error->code == PD_DESK_ERROR_REFUSED) {
        status = MHD_HTTP_CONFLICT;
    } else if (error->domain == PD_DESK_ERROR && error->code == PD_DESK_ERROR_UNDELIVERED) {
        status = MHD_HTTP_BAD_GATEWAY;
    }
    if (status == MHD_HTTP_INTERNAL_SERVER_ERROR)
        g_printerr("photodesk serve: %s %s: %s\n", r->method, r->url, error->message);
    return pd_respond_error(r, status, "%s", error->message);
}

JsonObject *
pd_request_json(Request *r, JsonParser **parser, enum MHD_Result *result)
{
    *parser = NULL;
    const char *type = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Content-Type");
    if (type == NULL || g_ascii_strncasecmp(type, "application/json", 16) != 0) {
        *result = pd_respond_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                   "the body must be JSON (Content-Type: application/json)");
        return NULL;
    }
    g_autofree char *why = NULL;
    JsonObject *o = pd_json_body_object((const char *)r->body->data, r->body->len, parser, &why);
    if (o == NULL)
        *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s", why);
    return o;
}

gboolean
pd_etag_matches(Request *r, const char *etag)
{
    const char *inm =
        MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm == NULL)
        return FALSE;
    g_auto(GStrv) tags = g_strsplit(inm, ",", -1);
    for (int i = 0; tags[i]; i++) {
        const char *t = g_strstrip(tags[i]);
        if (g_str_has_prefix(t, "W/"))
            t += 2;
        if (strcmp(t, "*") == 0 || strcmp(t, etag) == 0)
            return TRUE;
    }
    return FALSE;
}

enum MHD_Result
pd_respond_not_modified(Request *r, const char *etag, const char *cache)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", cache);
    return pd_respond(r, MHD_HTTP_NOT_MODIFIED, resp);
}

enum MHD_Result
pd_respond_not_allowed(Request *r, const char *allow)
{
    /* the method and path are the client's: escaped like any text */
    g_autofree char *message = g_strdup_printf("%s %s: use %s", r->method, r->url, allow);
    char *json = error_json(message, NULL);
    r->bytes = strlen(json);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "Allow", allow);
    return pd_respond(r, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
}

const char *
pd_content_type(const char *format)
{
    static const char *const types[][2] = {
        {"jpeg", "image/jpeg"}, {"png", "image/png"},   {"webp", "image/webp"},
        {"tiff", "image/tiff"}, {"heif", "image/heif"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
        if (g_strcmp0(format, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}
