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

gboolean
pd_route_pattern_match(const char *pattern, const char *url, PdRouteParams *params)
{
    static const char *const files[] = {"thumb", "preview", "web", "original"};
    PdRouteParams got = {0, 0, NULL};
    const char *u = url, *p = pattern;
    while (*p && *u) {
        if (*p != '{') {
            if (*p != *u)
                return FALSE;
            p++;
            u++;
            continue;
        }
        /* a {name}: the segment of @url up to its next slash */
        const char *close = strchr(p, '}');
        g_return_val_if_fail(close != NULL, FALSE);
        gsize len = strcspn(u, "/");
        g_autofree char *segment = g_strndup(u, len);
        gsize name_len = (gsize)(close - p - 1);
        if (name_len == 4 && strncmp(p + 1, "file", 4) == 0) {
            got.file = NULL;
            for (gsize i = 0; i < G_N_ELEMENTS(files); i++)
                if (strcmp(segment, files[i]) == 0)
                    got.file = files[i];
            if (got.file == NULL)
                return FALSE;
        } else {
            gint64 n = parse_id(segment);
            if (n == 0)
                return FALSE;
            if (name_len == 5 && strncmp(p + 1, "photo", 5) == 0)
                got.photo = n;
            else
                got.id = n;
        }
        p = close + 1;
        u += len;
    }
    if (*p || *u)
        return FALSE;
    *params = got;
    return TRUE;
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
