/* fuzz-request.c: libFuzzer target for what the server reads from a request before it
 * acts on it (webui/request.c, webui/routes.c): the target's check for a way out of the
 * path, the route of the table a method and path name (or the methods the path takes),
 * and a JSON body's checks before and through json-glib.
 *
 * The input is a request as a client sends it: a line "METHOD TARGET", then the body.
 * Properties checked: no memory error or undefined behaviour (json-glib's recursion
 * included: nesting is refused before it); a route with {id} or {photo} has it, 1 and
 * up, and one with {file} its name; a route found is for the method asked (GET for
 * HEAD); a path without one for the method names the methods it takes, never that one; a body given
 * to the parser comes back as an object or a reason, never both; a reason is UTF-8. */
#include "webui/webui-private.h"

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
    PdRouteParams params = {0};
    g_autofree char *allow = NULL;
    const PdRouteRow *route = pd_route_find(method, decoded ? decoded : path, &params, &allow);
    if (route) {
        if (allow)
            fail("a route found, and the methods of a path without one");
        if (strstr(route->pattern, "{id}") && params.id < 1)
            fail("a route with an id below 1");
        if (strstr(route->pattern, "{photo}") && params.photo < 1)
            fail("a placement without its photo");
        if (strstr(route->pattern, "{file}") && params.file == NULL)
            fail("a file route without its name");
        if (strcmp(route->method, method) != 0 &&
            !(strcmp(method, "HEAD") == 0 && strcmp(route->method, "GET") == 0))
            fail("a route for another method");
    } else if (allow) {
        if (*allow == 0)
            fail("a path that names no method");
        g_auto(GStrv) methods = g_strsplit(allow, ", ", -1);
        for (int i = 0; methods[i]; i++)
            if (strcmp(methods[i], method) == 0)
                fail("a method the path takes, refused");
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
