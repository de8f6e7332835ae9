/* webui.h: the editors' web UI (the public interface of webui/).
 *
 * pd_webui_serve() runs libmicrohttpd with one polling thread per core until SIGINT or
 * SIGTERM: the JSON API under /api/, the photos' files under /photos/ID/NAME, and the
 * front end (plain HTML, CSS and JavaScript compiled into the binary with GResource).
 * Every route but the login and the static files needs a session; every request that
 * changes something needs the session's CSRF token. Passwords are hashed with
 * libsodium's Argon2id.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

#define PD_WEBUI_ERROR (pd_webui_error_quark())
GQuark pd_webui_error_quark(void);

typedef enum {
    PD_WEBUI_ERROR_INIT,     /* libsodium or the server could not start */
    PD_WEBUI_ERROR_LISTEN,   /* the address cannot be used */
    PD_WEBUI_ERROR_PASSWORD, /* a password that cannot be used (empty, too long) */
} PdWebuiError;

typedef struct {
    const char *library;
    const char *listen;     /* HOST:PORT ("127.0.0.1:8080"); port 0: a free one */
    guint threads;          /* polling threads; 0: one per core */
    guint connection_limit; /* connections at once */
    guint per_ip_limit;     /* connections at once from one address */
    guint timeout_seconds;  /* an idle connection is closed after this */
    gsize max_body;         /* bytes of a JSON request body */
    gsize max_upload;       /* bytes of an upload request (all its files) */
    gint64 session_seconds; /* a session ends this long after its login */
    /* called once, when the server listens, with its URL ("http://127.0.0.1:8080/") */
    void (*ready)(const char *url, gpointer user_data);
    gpointer user_data;
    /* the access log: one line a request (NULL: none); the hot folders' lines too */
    FILE *access_log;
    /* hot folders (NULL-terminated; NULL: none), fed to the server's ingest queue */
    const char *const *watch;
    const char *watch_done, *watch_failed; /* as photodesk watch's --done, --failed */
    double watch_settle;                   /* seconds; 2 */
} PdServeOptions;

void pd_webui_options_init(PdServeOptions *options);

/* Starts libsodium; call once, first. */
gboolean pd_webui_init(GError **error);

/* Serves until SIGINT or SIGTERM, then stops cleanly (requests in flight finish).
 * FALSE with @error when it cannot start. */
gboolean pd_webui_serve(const PdServeOptions *options, GError **error);

/* An Argon2id hash of @password (libsodium's crypto_pwhash_str, interactive limits), or
 * NULL with PD_WEBUI_ERROR_PASSWORD. */
#define PD_PASSWORD_MAX 1024
char *pd_webui_hash_password(const char *password, GError **error);
/* A user name: 1 to 64 ASCII letters, digits, '.', '_', '-' or '@', not starting with '-'. */
gboolean pd_webui_user_name_valid(const char *name);
gboolean pd_webui_check_password(const char *hash, const char *password);

G_END_DECLS
