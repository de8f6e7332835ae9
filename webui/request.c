/* request.c: see request.h. */
#include "webui/request.h"

#include <string.h>

/* Parses a photo id: digits only, 1 and up. */
static gint64
parse_id(const char *s)
{
    if (s == NULL || *s == 0 || strlen(s) > 18)
        return 0;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isdigit(*p))
            return 0;
    return g_ascii_strtoll(s, NULL, 10);
}

static gboolean
is(const char *method, const char *want)
{
    return method && strcmp(method, want) == 0;
}

PdMatch
pd_route_match(const char *url)
{
    PdMatch m = {PD_ROUTE_NONE, 0, 0, NULL};
    if (strcmp(url, "/api/login") == 0)
        m.route = PD_ROUTE_LOGIN;
    else if (strcmp(url, "/api/logout") == 0)
        m.route = PD_ROUTE_LOGOUT;
    else if (strcmp(url, "/api/me") == 0)
        m.route = PD_ROUTE_ME;
    else if (strcmp(url, "/api/photos") == 0)
        m.route = PD_ROUTE_PHOTOS;
    else if (strcmp(url, "/api/articles") == 0)
        m.route = PD_ROUTE_ARTICLES;
    if (m.route != PD_ROUTE_NONE)
        return m;
    g_auto(GStrv) parts = g_strsplit(url, "/", 7);
    guint n = g_strv_length(parts);
    /* "", "api", "articles", ID[, "photos"[, PHOTO] | "package"] */
    if (n >= 4 && n <= 6 && parts[0][0] == 0 && strcmp(parts[1], "api") == 0 &&
        strcmp(parts[2], "articles") == 0 && (m.id = parse_id(parts[3])) > 0) {
        if (n == 4)
            m.route = PD_ROUTE_ARTICLE;
        else if (n == 5 && strcmp(parts[4], "photos") == 0)
            m.route = PD_ROUTE_ARTICLE_PHOTOS;
        else if (n == 5 && strcmp(parts[4], "package") == 0)
            m.route = PD_ROUTE_PACKAGE;
        else if (n == 6 && strcmp(parts[4], "photos") == 0 && (m.photo = parse_id(parts[5])) > 0)
            m.route = PD_ROUTE_PLACEMENT;
        return m;
    }
    /* "", "api", "photos", ID[, "history"] */
    if (n >= 4 && n <= 5 && parts[0][0] == 0 && strcmp(parts[1], "api") == 0 &&
        strcmp(parts[2], "photos") == 0 && (m.id = parse_id(parts[3])) > 0) {
        if (n == 4)
            m.route = PD_ROUTE_PHOTO;
        else if (strcmp(parts[4], "history") == 0)
            m.route = PD_ROUTE_HISTORY;
        else if (strcmp(parts[4], "acknowledge") == 0)
            m.route = PD_ROUTE_ACKNOWLEDGE;
        return m;
    }
    /* "", "photos", ID, NAME */
    static const char *const files[] = {"thumb", "preview", "web", "original"};
    if (n == 4 && parts[0][0] == 0 && strcmp(parts[1], "photos") == 0 &&
        (m.id = parse_id(parts[2])) > 0) {
        for (gsize i = 0; i < G_N_ELEMENTS(files); i++)
            if (strcmp(parts[3], files[i]) == 0) {
                m.route = PD_ROUTE_FILE;
                m.file = files[i];
            }
    }
    return m;
}

gboolean
pd_route_method_allowed(PdRoute route, const char *method, const char **allow)
{
    const char *takes = "GET, HEAD";
    gboolean allowed = is(method, "GET") || is(method, "HEAD");
    switch (route) {
    case PD_ROUTE_LOGIN:
    case PD_ROUTE_LOGOUT:
        takes = "POST";
        allowed = is(method, "POST");
        break;
    case PD_ROUTE_PHOTOS:
        takes = "GET, HEAD, POST";
        allowed = allowed || is(method, "POST");
        break;
    case PD_ROUTE_PHOTO:
    case PD_ROUTE_ARTICLE:
        takes = "GET, HEAD, PATCH";
        allowed = allowed || is(method, "PATCH");
        break;
    case PD_ROUTE_ARTICLES:
        takes = "GET, HEAD, POST";
        allowed = allowed || is(method, "POST");
        break;
    case PD_ROUTE_ARTICLE_PHOTOS:
    case PD_ROUTE_ACKNOWLEDGE:
        takes = "POST";
        allowed = is(method, "POST");
        break;
    case PD_ROUTE_PLACEMENT:
        takes = "PATCH, DELETE";
        allowed = is(method, "PATCH") || is(method, "DELETE");
        break;
    default:
        break;
    }
    *allow = takes;
    return allowed;
}

gboolean
pd_request_target_suspicious(const char *raw)
{
    if (raw == NULL)
        return TRUE;
    g_autofree char *lower = g_ascii_strdown(raw, -1);
    char *q = strchr(lower, '?');
    if (q)
        *q = 0; /* the query is data, not a path */
    return strstr(lower, "..") || strstr(lower, "%2e%2e") || strstr(lower, "%2e.") ||
           strstr(lower, ".%2e") || strstr(lower, "%00") || strchr(lower, '\\') ||
           strstr(lower, "%5c") || strstr(lower, "%2f") || lower[0] != '/';
}

/* Why the JSON text @b (@n bytes) is not given to the parser, or NULL when it may be:
 * json-glib parses recursively, so nesting is counted first (past PD_JSON_MAX_DEPTH a
 * stack would be at risk); a NUL, raw or as \u0000, would cut a string short behind the
 * checks of what it holds. */
static const char *
refused(const char *b, gsize n)
{
    if (n == 0)
        return "the body is empty: send a JSON object";
    int depth = 0;
    gboolean in_string = FALSE;
    for (gsize i = 0; i < n; i++) {
        char c = b[i];
        if (in_string) {
            if (c == '"') {
                in_string = FALSE;
            } else if (c == '\\' && i + 1 < n) {
                if (b[i + 1] == 'u' && i + 5 < n && b[i + 2] == '0' && b[i + 3] == '0' &&
                    b[i + 4] == '0' && b[i + 5] == '0')
                    return "a string holds \\u0000 (NUL), which no field may hold";
                i++; /* the escaped character */
            }
        } else if (c == '"') {
            in_string = TRUE;
        } else if (c == '[' || c == '{') {
            if (++depth > PD_JSON_MAX_DEPTH)
                return "the JSON is nested deeper than " G_STRINGIFY(PD_JSON_MAX_DEPTH) " levels";
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return NULL;
}

JsonObject *
pd_json_body_object(const char *body, gsize len, JsonParser **parser, char **why)
{
    *parser = NULL;
    *why = NULL;
    if (len && memchr(body, 0, len)) {
        *why = g_strdup("the body holds a NUL byte");
        return NULL;
    }
    const char *end = NULL;
    if (!g_utf8_validate_len(body, len, &end)) {
        *why = g_strdup_printf("the body is not UTF-8 (at byte %td)", end - body);
        return NULL;
    }
    const char *no = refused(body, len);
    if (no) {
        *why = g_strdup(no);
        return NULL;
    }
    g_autoptr(GError) error = NULL;
    JsonParser *p = json_parser_new_immutable();
    if (!json_parser_load_from_data(p, body, (gssize)len, &error) ||
        json_parser_get_root(p) == NULL || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
        /* json-glib's message can quote a byte of a character it stopped in */
        g_autofree char *message =
            g_strdup_printf("malformed JSON: %s", error ? error->message : "not an object");
        *why = g_utf8_make_valid(message, -1);
        g_object_unref(p);
        return NULL;
    }
    *parser = p;
    return json_node_get_object(json_parser_get_root(p));
}
