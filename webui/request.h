/* request.h: what the server reads from a request before anything is done with it (private
 * to webui/): the route a path names, the methods each takes, a target that tries to
 * leave the path, and a JSON body made safe to parse. Plain functions of bytes, without
 * libmicrohttpd, so that a fuzzer can reach every one (tests/fuzz/fuzz-request.c). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JSON nested at most this deep (json-glib parses recursively). */
#define PD_JSON_MAX_DEPTH 32

/* The route a request's path names, before its method or session are looked at. */
typedef enum {
    PD_ROUTE_NONE,
    PD_ROUTE_ASSET, /* the page and its static files (the server's own table) */
    PD_ROUTE_LOGIN,
    PD_ROUTE_LOGOUT,
    PD_ROUTE_ME,
    PD_ROUTE_PHOTOS,
    PD_ROUTE_PHOTO,
    PD_ROUTE_HISTORY,
    PD_ROUTE_ACKNOWLEDGE,    /* /api/photos/ID/acknowledge */
    PD_ROUTE_FILE,           /* /photos/ID/NAME */
    PD_ROUTE_ARTICLES,       /* /api/articles */
    PD_ROUTE_ARTICLE,        /* /api/articles/ID */
    PD_ROUTE_ARTICLE_PHOTOS, /* /api/articles/ID/photos */
    PD_ROUTE_PLACEMENT,      /* /api/articles/ID/photos/PHOTO */
    PD_ROUTE_PACKAGE,        /* /api/articles/ID/package */
} PdRoute;

typedef struct {
    PdRoute route;
    gint64 id;        /* the photo or article */
    gint64 photo;     /* PD_ROUTE_PLACEMENT's */
    const char *file; /* PD_ROUTE_FILE's: thumb, preview, web, original (static) */
} PdMatch;

/* The API route @url (decoded, without its query) names; PD_ROUTE_NONE for any other. */
PdMatch pd_route_match(const char *url);

/* Whether @route takes @method; *@allow: the methods it takes ("GET, HEAD, PATCH"). */
gboolean pd_route_method_allowed(PdRoute route, const char *method, const char **allow);

/* Whether the raw request target @raw (before decoding) tries to leave the path: "..",
 * encoded dots or slashes, backslashes, NUL, or no leading slash. */
gboolean pd_request_target_suspicious(const char *raw);

/* The JSON object @len bytes of @body hold, checked before any parser sees them: not
 * empty, no NUL (raw or \u0000), valid UTF-8, nested at most PD_JSON_MAX_DEPTH deep.
 * NULL with *@why (for the 400, newly allocated) otherwise; *@parser owns the object. */
JsonObject *pd_json_body_object(const char *body, gsize len, JsonParser **parser, char **why);

G_END_DECLS
