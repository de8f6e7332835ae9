/* fuzz-request.c: libFuzzer target for what the server reads from a request before it
 * acts on it (webui/request.c): the target's check for a way out of the path, the route
 * a path names and the methods it takes, and a JSON body's checks before and through
 * json-glib.
 *
 * The input is a request as a client sends it: a line "METHOD TARGET", then the body.
 * Properties checked: no memory error or undefined behaviour (json-glib's recursion
 * included: nesting is refused before it); a route with an id has an id of 1 and up;
 * every route names the methods it takes, and takes one of them; a body given to the
 * parser comes back as an object or a reason, never both; a reason is UTF-8. */
#include "webui/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *why)
{
    fprintf(stderr, "fuzz-request: %s\n", why);
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    const uint8_t *nl = memchr(data, '\n', size);
    gsize line = nl ? (gsize)(nl - data) : size;
    g_autofree char *first = g_strndup((const char *)data, line);
    const char *space = strchr(first, ' ');
    g_autofree char *method = space ? g_strndup(first, (gsize)(space - first)) : g_strdup(first);
    const char *target = space ? space + 1 : "/";

    /* the target as sent, then as the path it decodes to */
    gboolean suspicious = pd_request_target_suspicious(target);
    g_autofree char *path = g_strdup(target);
    char *query = strchr(path, '?');
    if (query)
        *query = 0;
    g_autofree char *decoded = g_uri_unescape_string(path, NULL);
    PdMatch m = pd_route_match(decoded ? decoded : path);
    if (m.route != PD_ROUTE_NONE && m.route != PD_ROUTE_ASSET && m.route != PD_ROUTE_LOGIN &&
        m.route != PD_ROUTE_LOGOUT && m.route != PD_ROUTE_ME && m.route != PD_ROUTE_PHOTOS &&
        m.route != PD_ROUTE_ARTICLES && m.id < 1)
        fail("a route with an id below 1");
    if (m.route == PD_ROUTE_PLACEMENT && m.photo < 1)
        fail("a placement without its photo");
    if (m.route == PD_ROUTE_FILE && m.file == NULL)
        fail("a file route without its name");
    if (m.route != PD_ROUTE_NONE) {
        const char *allow = NULL;
        gboolean allowed = pd_route_method_allowed(m.route, method, &allow);
        if (allow == NULL || !*allow)
            fail("a route that names no method");
        if (allowed && strstr(allow, method) == NULL)
            fail("a method allowed that the route does not name");
    }
    (void)suspicious;

    const char *body = nl ? (const char *)nl + 1 : "";
    gsize len = nl ? size - line - 1 : 0;
    g_autoptr(JsonParser) parser = NULL;
    g_autofree char *why = NULL;
    JsonObject *o = pd_json_body_object(body, len, &parser, &why);
    if ((o == NULL) == (why == NULL))
        fail("an object and a reason, or neither");
    if (why && !g_utf8_validate(why, -1, NULL))
        fail("a reason that is not UTF-8");
    if (o) {
        /* what a handler reads of it */
        JsonObjectIter it;
        const char *name;
        JsonNode *node;
        json_object_iter_init(&it, o);
        while (json_object_iter_next(&it, &name, &node))
            if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING &&
                !g_utf8_validate(json_node_get_string(node), -1, NULL))
                fail("a string member that is not UTF-8");
    }
    return 0;
}
