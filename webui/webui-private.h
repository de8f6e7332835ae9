/* webui-private.h: what the files of webui/ share (private to webui/). */
#pragma once

#include "assets/assets.h"
#include "catalog/catalog.h"
#include "ingest/ingest.h"
#include "webui/request.h"
#include "webui/webui.h"

#include <json-glib/json-glib.h>
#include <microhttpd.h>

G_BEGIN_DECLS

typedef struct Upload Upload;

/* Limits on what a request may hold (besides PdServeOptions'): JSON nested at most this
 * deep (json-glib parses recursively), a login's body, a user name. */
#define PD_JSON_MAX_DEPTH 32
#define PD_LOGIN_BODY_MAX 4096
#define PD_USER_NAME_MAX  256
/* Deadlines (deadline.c): a request's headers within PD_HEADER_SECONDS of the connection
 * (or of its previous answer); its body at PD_BODY_MIN_RATE bytes a second or better
 * after PD_BODY_GRACE_SECONDS. */
#define PD_HEADER_SECONDS     10
#define PD_BODY_GRACE_SECONDS 10
#define PD_BODY_MIN_RATE      4096
/* Threads checking passwords: each Argon2id check takes ~64 MiB and a few tens of ms. */
#define PD_LOGIN_THREADS 2

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
    /* Slow work (an upload's ingest, a package) runs on a worker thread while the
     * connection is suspended, so that the polling thread serves the others meanwhile;
     * its answer waits here until the connection resumes. */
    enum MHD_Result (*work)(Request *r);
    gint64 work_id;
    gboolean in_worker;
    struct MHD_Response *ready;
    unsigned int ready_status;
};

/* The server's state, shared by every thread. */
typedef struct {
    PdServeOptions options;
    char *library;
    char *catalog_path;
    PdIngestQueue *queue; /* every upload's */
    PdStore *store;
    GMutex log_lock;
    GMutex throttle_lock;
    GHashTable *failures; /* "user:NAME" or "address:ADDR" -> Failures */
    GThreadPool *workers; /* for Request.work: uploads, packages */
    GThreadPool *logins;  /* for logins (Argon2id): PD_LOGIN_THREADS of them */
} Server;

extern Server *pd_server;

/* This thread's connection to the catalog (read-write), opened on first use. */
PdCatalog *pd_server_catalog(GError **error);

/* ---------------------------------------------------------------- deadlines (deadline.c) */

typedef enum {
    PD_DEADLINE_HEADERS, /* waiting for a request's headers */
    PD_DEADLINE_BODY,    /* the headers are in, the body arrives */
    PD_DEADLINE_ANSWER,  /* the request is being answered */
} PdDeadlinePhase;

/* The watchdog thread, from the server's start to its stop. */
void pd_deadline_start(void);
void pd_deadline_stop(void);
/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION: a connection opened or closed. */
void pd_deadline_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                        enum MHD_ConnectionNotificationCode code);
/* Where the connection's request is, and how much of its body has arrived. */
void pd_deadline_phase(struct MHD_Connection *connection, PdDeadlinePhase phase);
void pd_deadline_body(struct MHD_Connection *connection, gsize bytes);

/* ---------------------------------------------------------------- responses (server.c) */

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

/* ---------------------------------------------------------------- sessions (auth.c) */

/* The session of the request's cookie, or NULL. */
PdCatalogSession *pd_auth_session(Request *r, PdCatalog *catalog);
/* Whether the request carries the CSRF token of its session. */
gboolean pd_auth_csrf_ok(Request *r, const PdCatalogSession *session);
/* POST /api/login, /api/logout; GET /api/me. */
enum MHD_Result pd_auth_login(Request *r);
enum MHD_Result pd_auth_logout(Request *r, const PdCatalogSession *session);
enum MHD_Result pd_auth_me(Request *r, const PdCatalogSession *session);

/* ---------------------------------------------------------------- the cache (cache.c) */

void pd_cache_init(void);
void pd_cache_clear(void);
/* The session of @token_hash (newly allocated), from memory or the catalog, or NULL. */
PdCatalogSession *pd_cache_session(PdCatalog *catalog, const char *token_hash);
void pd_cache_forget_session(const char *token_hash);
/* Where a photo's file is, and how it is served. */
typedef struct {
    char *sha256, *ext, *path, *etag;
    const char *type; /* Content-Type */
} PdFile;
void pd_file_clear(PdFile *file);
/* The Content-Type of a photo format ("jpeg" -> "image/jpeg"). */
const char *pd_content_type(const char *format);
/* Photo @id's file @name, from memory when the same was asked lately, else from the
 * catalog (PD_CATALOG_ERROR_NOT_FOUND when there is none). @want (or NULL) is the ?v= of
 * the URL: for a rendition, the picture asked for (a past one, from the photo's
 * history), else the current one. */
gboolean pd_cache_file(PdCatalog *catalog, gint64 id, const char *name, const char *want,
                       PdFile *file, GError **error);

/* ---------------------------------------------------------------- the API (api.c) */

enum MHD_Result pd_api_search(Request *r);
enum MHD_Result pd_api_photo(Request *r, gint64 id);
enum MHD_Result pd_api_correct(Request *r, gint64 id, const PdCatalogSession *session);
enum MHD_Result pd_api_history(Request *r, gint64 id);
/* POST /api/photos/ID/acknowledge {"version": N}: the wire's re-send over a correction
 * has been seen, and is kept as sent. */
enum MHD_Result pd_api_acknowledge(Request *r, gint64 id, const PdCatalogSession *session);
/* 409 with the photo as it is and the fields changed since version @seen. */
enum MHD_Result pd_api_conflict(Request *r, PdCatalog *catalog, gint64 id, int seen,
                                const char *message);
enum MHD_Result pd_api_file(Request *r, gint64 id, const char *name);

/* Articles (articles.c). */
enum MHD_Result pd_api_articles(Request *r);
enum MHD_Result pd_api_article(Request *r, gint64 id);
enum MHD_Result pd_api_article_create(Request *r, const PdCatalogSession *session);
enum MHD_Result pd_api_article_update(Request *r, gint64 id);
enum MHD_Result pd_api_place(Request *r, gint64 id, const PdCatalogSession *session);
enum MHD_Result pd_api_placement_update(Request *r, gint64 id, gint64 photo_id);
enum MHD_Result pd_api_placement_remove(Request *r, gint64 id, gint64 photo_id);
enum MHD_Result pd_api_package(Request *r);

/* Uploads: set up on the request's first call, fed its body, answered at its end. */
gboolean pd_upload_begin(Request *r, GError **error);
void pd_upload_feed(Request *r, const char *data, size_t size);
enum MHD_Result pd_upload_finish(Request *r);
void pd_upload_free(Upload *upload);

/* The body parsed as a JSON object, or NULL after responding 400 (or 415). */
JsonObject *pd_request_json(Request *r, JsonParser **parser, enum MHD_Result *result);

G_END_DECLS
