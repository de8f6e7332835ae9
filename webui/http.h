/* http.h: the bottom of webui/ (private to it): a request, and the answers every part
 * of the server gives: JSON and errors with the status a lower layer's error calls for,
 * 304s and ETags, 405 with Allow, and the security headers every answer carries. */
#pragma once

#include "catalog/catalog.h"
#include "webui/request.h"

#include <json-glib/json-glib.h>
#include <microhttpd.h>

G_BEGIN_DECLS

typedef struct Server Server;
typedef struct Upload Upload;
typedef struct PdRouteRow PdRouteRow;

/* One HTTP request, from its first line to its response. */
typedef struct Request Request;
struct Request {
    struct MHD_Connection *connection;
    char *raw_uri;      /* as sent, before percent-decoding */
    const char *method; /* GET, HEAD, POST, PATCH... */
    const char *url;    /* the path, decoded */
    char *address;      /* the client's */
    gboolean started;   /* the handler has seen the headers */
    GByteArray *body;   /* a JSON body as it arrives */
    gsize limit;        /* the most body accepted */
    gboolean too_large;
    Upload *upload;            /* POST /api/photos */
    gint64 began;              /* monotonic microseconds */
    int status;                /* of the response sent */
    guint64 bytes;             /* of the response body */
    char *user;                /* logged in as, for the log */
    PdCatalogSession *session; /* checked when the request began; NULL for the login */
    Server *server;            /* whose request it is */
    const PdRouteRow *route;   /* what its method and path name, NULL for a static file */
    PdRouteParams params;      /* what the route's pattern took from the path */
    /* Slow work (an upload's ingest, a package, a login) runs on a worker thread while
     * the connection is suspended, so that the polling thread serves the others
     * meanwhile; its answer waits here until the connection resumes. */
    gboolean in_worker;
    struct MHD_Response *ready;
    unsigned int ready_status;
};

/* ---------------------------------------------------------------- responses */

/* Queues @response (taking it) with @status and the security headers (on a worker: keeps
 * it for the polling thread to queue). */
enum MHD_Result pd_respond(Request *r, unsigned int status, struct MHD_Response *response);
/* A JSON body (taken) with Cache-Control: no-store. */
enum MHD_Result pd_respond_json(Request *r, unsigned int status, char *json);
/* {"error": MESSAGE}. */
enum MHD_Result pd_respond_error(Request *r, unsigned int status, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
/* 304 with @etag and Cache-Control @cache. */
enum MHD_Result pd_respond_not_modified(Request *r, const char *etag, const char *cache);
/* Whether the request's If-None-Match names @etag. */
gboolean pd_etag_matches(Request *r, const char *etag);
/* An error from a lower layer, with the status its domain and code call for. */
enum MHD_Result pd_respond_gerror(Request *r, const GError *error);

/* 405 naming the methods the path takes (@allow: "GET, HEAD, PATCH"). */
enum MHD_Result pd_respond_not_allowed(Request *r, const char *allow);

/* The Content-Type of a photo format ("jpeg" -> "image/jpeg"). */
const char *pd_content_type(const char *format);

/* The body parsed as a JSON object, or NULL after responding 400 (or 415). */
JsonObject *pd_request_json(Request *r, JsonParser **parser, enum MHD_Result *result);

G_END_DECLS
