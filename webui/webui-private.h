/* webui-private.h: what the files of webui/ share (private to webui/). */
#pragma once

#include "assets/assets.h"
#include "catalog/catalog.h"
#include "desk/desk.h"
#include "ingest/ingest.h"
#include "webui/http.h"
#include "webui/request.h"
#include "webui/webui.h"

G_BEGIN_DECLS

/* Limits on what a request may hold (besides PdServeOptions' and PD_JSON_MAX_DEPTH): a
 * login's body, a user name. */
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
/* Deliveries to targets at once; more wait their turn. */
#define PD_DELIVERY_THREADS 4

typedef struct PdCache PdCache;         /* cache.c */
typedef struct PdEventHub PdEventHub;   /* events.c */
typedef struct PdDeadlines PdDeadlines; /* deadline.c */

/* ---------------------------------------------------------------- routes (routes.c) */

/* What a route needs before its handler runs. */
typedef enum {
    PD_NEEDS_SESSION = 1 << 0,  /* a session (401 without); with a method that changes
                                   something, its CSRF token (403 without); checked before
                                   any body is read */
    PD_NEEDS_WORKER = 1 << 1,   /* slow: handled on a worker thread while the connection
                                   waits, suspended */
    PD_NEEDS_LOGINS = 1 << 2,   /* handled on the login threads (Argon2id) */
    PD_BODY_SMALL = 1 << 3,     /* a body of at most PD_LOGIN_BODY_MAX bytes */
    PD_BODY_UPLOAD = 1 << 4,    /* multipart/form-data, streamed to files, up to max_upload */
    PD_NEEDS_ADMIN = 1 << 5,    /* an admin's session (403 for the others) */
    PD_VIEWER_MAY = 1 << 6,     /* changes only the viewer's own state: a viewer may (every
                                   other route that changes something is refused to one) */
    PD_NEEDS_DELIVERY = 1 << 7, /* handled on the delivery threads: a target that answers
                                   slowly, or is tried again, never holds up the workers */
} PdNeeds;

/* Every handler's signature: @p holds what the route's pattern took from the path; the
 * session (when the route needs one) is r->session. */
typedef enum MHD_Result (*PdHandler)(Request *r, const PdRouteParams *p);

struct PdRouteRow {
    const char *method;  /* GET answers HEAD too */
    const char *pattern; /* "/api/articles/{id}/photos/{photo}" (request.h) */
    PdHandler handler;
    PdNeeds needs;
};

/* The route for @method on @url (decoded, without its query), filling @params; NULL
 * when there is none, with *@allow (newly allocated) the methods the path takes, or
 * NULL when no route has the path at all. */
const PdRouteRow *pd_route_find(const char *method, const char *url, PdRouteParams *params,
                                char **allow);

/* ---------------------------------------------------------------- request bodies (body.c) */

/* A member a request body may have, of its type; after pd_read_members(), whether it was
 * given (null counts as not given) and its value. */
typedef struct {
    const char *name;
    enum { PD_TEXT, PD_NUMBER, PD_REAL, PD_FLAG } type;
    const char *text;
    gint64 number;
    double real;
    gboolean flag, given;
} PdMember;

/* Reads @o into @members; FALSE after answering 400 for a member that is not one of them
 * or not of its type. */
gboolean pd_read_members(Request *r, JsonObject *o, PdMember *members, gsize n,
                         enum MHD_Result *result);
/* 200 with what @listing makes of the server's catalog (or the error). */
enum MHD_Result pd_respond_listing(Request *r,
                                   char *(*listing)(PdCatalog *catalog, GError **error));
/* {"removed": true} once @removal took @id out of the server's catalog (or the error). */
enum MHD_Result pd_respond_removal(Request *r, gint64 id,
                                   gboolean (*removal)(PdCatalog *catalog, gint64 id,
                                                       GError **error));
/* The request's query string as a table (name -> value, both owned). */
GHashTable *pd_api_query_params(Request *r);

/* ---------------------------------------------------------------- the server (server.c) */

/* The server's state, shared by every thread. */
struct Server {
    PdServeOptions options;
    char *library;
    char *catalog_path;
    PdIngestQueue *queue; /* every upload's */
    PdStore *store;
    GMutex log_lock;
    GThreadPool *workers;        /* for Request.work: uploads, packages */
    GThreadPool *logins;         /* for logins (Argon2id): PD_LOGIN_THREADS of them */
    GThreadPool *deliveries;     /* for deliveries to targets: PD_DELIVERY_THREADS */
    GCancellable *delivery_stop; /* cancelled when the server stops: a delivery waiting
                                    to try again gives up, recorded as such */
    PdCache *cache;
    PdDeadlines *deadlines;
    GPtrArray *assets; /* the page's static files (server.c) */
    PdEventHub *events;
    PdWatch *watch; /* the hot folders (--watch), or NULL */
    GThread *watch_thread;
    GCancellable *watch_stop;
};

/* This thread's connection to the server's catalog (read-write), opened on first use. */
PdCatalog *pd_server_catalog(Server *server, GError **error);

/* ---------------------------------------------------------------- deadlines (deadline.c) */

typedef enum {
    PD_DEADLINE_HEADERS, /* waiting for a request's headers */
    PD_DEADLINE_BODY,    /* the headers are in, the body arrives */
    PD_DEADLINE_ANSWER,  /* the request is being answered */
} PdDeadlinePhase;

/* The watched connections and their watchdog thread, from the server's start to its
 * stop. */
PdDeadlines *pd_deadlines_start(void);
void pd_deadlines_stop(PdDeadlines *deadlines);
/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION (@cls: the PdDeadlines): a connection
 * opened or closed. */
void pd_deadline_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                        enum MHD_ConnectionNotificationCode code);
/* Where the connection's request is, and how much of its body has arrived. */
void pd_deadline_phase(PdDeadlines *deadlines, struct MHD_Connection *connection,
                       PdDeadlinePhase phase);
void pd_deadline_body(PdDeadlines *deadlines, struct MHD_Connection *connection, gsize bytes);

/* ---------------------------------------------------------------- collections.c, users.c */

enum MHD_Result pd_api_lightboxes(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_lightbox(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_lightbox_create(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_lightbox_update(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_lightbox_remove(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_lightbox_add(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_lightbox_take(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_searches(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_search_save(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_search_remove(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_batch_preview(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_batch_apply(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_batch_undo(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_templates(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_template_save(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_template_remove(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_rules(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_rule_save(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_rule_remove(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_targets(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_target_save(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_target_remove(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_deliver(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_profiles(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_profile_save(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_profile_remove(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_codes(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_codes_set(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_codes_file(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_download(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_users(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_user_create(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_user_update(Request *r, const PdRouteParams *p);

/* ---------------------------------------------------------------- sessions (auth.c) */

/* The session of the request's cookie, or NULL. */
PdCatalogSession *pd_auth_session(Request *r, PdCatalog *catalog);
/* Whether the request carries the CSRF token of its session. */
gboolean pd_auth_csrf_ok(Request *r, const PdCatalogSession *session);
/* POST /api/login, /api/logout; GET /api/me. */
enum MHD_Result pd_auth_login(Request *r, const PdRouteParams *p);
enum MHD_Result pd_auth_logout(Request *r, const PdRouteParams *p);
enum MHD_Result pd_auth_me(Request *r, const PdRouteParams *p);
enum MHD_Result pd_auth_seen(Request *r, const PdRouteParams *p);

/* ---------------------------------------------------------------- the cache (cache.c) */

/* What every request asks the catalog, kept for a few seconds (the files of @store). */
PdCache *pd_cache_new(PdStore *store);
void pd_cache_free(PdCache *cache);
/* The session of @token_hash (newly allocated), from memory or the catalog, or NULL. */
PdCatalogSession *pd_cache_session(PdCache *cache, PdCatalog *catalog, const char *token_hash);
void pd_cache_forget_session(PdCache *cache, const char *token_hash);
/* Every session: an admin changed who may do what. */
void pd_cache_forget_sessions(PdCache *cache);
/* Where a photo's file is, and how it is served. */
typedef struct {
    char *sha256, *ext, *path, *etag;
    const char *type; /* Content-Type */
} PdFile;
void pd_file_clear(PdFile *file);
/* Photo @id's file @name, from memory when the same was asked lately, else from the
 * catalog (PD_CATALOG_ERROR_NOT_FOUND when there is none). @want (or NULL) is the ?v= of
 * the URL: for a rendition, the picture asked for (a past one, from the photo's
 * history), else the current one. */
gboolean pd_cache_file(PdCache *cache, PdCatalog *catalog, gint64 id, const char *name,
                       const char *want, PdFile *file, GError **error);

/* ---------------------------------------------------------------- events (events.c) */

/* Follows the catalog's events from its own thread, for every stream; on PostgreSQL it
 * also hears of sessions ended by another server (a logout, a password changed) and
 * has @cache forget them at once. */
PdEventHub *pd_event_hub_start(const char *catalog_path, PdCache *cache, GError **error);
/* Ends every stream (the daemon can stop once they are), then stops following. */
void pd_event_hub_close_streams(PdEventHub *hub);
void pd_event_hub_stop(PdEventHub *hub);
/* GET /api/events: Server-Sent Events. */
enum MHD_Result pd_api_events(Request *r, const PdRouteParams *p);

/* ---------------------------------------------------------------- the API (api.c) */

enum MHD_Result pd_api_search(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_agencies(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_agencies_set(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_photo(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_correct(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_history(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_similar(Request *r, const PdRouteParams *p);
/* POST /api/photos/ID/acknowledge {"version": N}: the wire's re-send over a correction
 * has been seen, and is kept as sent. */
enum MHD_Result pd_api_acknowledge(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_pick(Request *r, const PdRouteParams *p);
/* 409 with the photo as it is and the fields changed since version @seen. */
enum MHD_Result pd_api_conflict(Request *r, PdCatalog *catalog, gint64 id, int seen,
                                const char *message);
enum MHD_Result pd_api_file(Request *r, const PdRouteParams *p);
/* GET /api/fields: the table of the photo's fields (base.h), for the page's limits. */
enum MHD_Result pd_api_fields(Request *r, const PdRouteParams *p);

/* Articles (articles.c). */
enum MHD_Result pd_api_articles(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_article(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_article_create(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_article_update(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_place(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_placement_update(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_placement_remove(Request *r, const PdRouteParams *p);
enum MHD_Result pd_api_package(Request *r, const PdRouteParams *p);

/* Uploads: set up on the request's first call, fed its body, answered at its end. */
gboolean pd_upload_begin(Request *r, GError **error);
void pd_upload_feed(Request *r, const char *data, size_t size);
enum MHD_Result pd_upload_finish(Request *r, const PdRouteParams *p);
void pd_upload_free(Upload *upload);

G_END_DECLS
