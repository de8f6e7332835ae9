/* request.h: what the server reads from a request before anything is done with it (private
 * to webui/): whether a path is one a route's pattern names, a target that tries to
 * leave the path, and a JSON body made safe to parse. Plain functions of bytes, without
 * libmicrohttpd, so that a fuzzer can reach every one (tests/fuzz/fuzz-request.c). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JSON nested at most this deep (json-glib parses recursively). */
#define PD_JSON_MAX_DEPTH 32

/* What a route's pattern took from a path. */
typedef struct {
    gint64 id;        /* {id}: the photo or article */
    gint64 photo;     /* {photo}: a placed photo */
    const char *file; /* {file}: thumb, preview, web or original (static strings) */
} PdRouteParams;

/* Whether @url (decoded, without its query) is one @pattern names: literal segments
 * and {id}, {photo} (a whole number from 1, at most 18 digits) and {file} (thumb,
 * preview, web, original), which fill @params. */
gboolean pd_route_pattern_match(const char *pattern, const char *url, PdRouteParams *params);

/* Whether the raw request target @raw (before decoding) tries to leave the path: "..",
 * encoded dots or slashes, backslashes, NUL, or no leading slash. */
gboolean pd_request_target_suspicious(const char *raw);

/* The JSON object @len bytes of @body hold, checked before any parser sees them: not
 * empty, no NUL (raw or \u0000), valid UTF-8, nested at most PD_JSON_MAX_DEPTH deep.
 * NULL with *@why (for the 400, newly allocated) otherwise; *@parser owns the object. */
JsonObject *pd_json_body_object(const char *body, gsize len, JsonParser **parser, char **why);

G_END_DECLS
