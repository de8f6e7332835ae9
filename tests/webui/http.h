/* http.h: what the web tests share: `photodesk serve` started on a free port of
 * 127.0.0.1 for the test's library, a small HTTP client (one connection per request,
 * safe to use from several threads at once), and logged-in sessions. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* The server: started with serve_start(), stopped with serve_stop(). */
typedef struct {
    GPid pid;
    int port;
    char *log; /* its standard output and error (the caller frees it) */
} Served;

/* Starts `photodesk --library LIBRARY serve --listen 127.0.0.1:0 ARGS...` in workdir and
 * waits for the address it prints; the client's requests go to it. */
Served serve_start(const char *const *args);
/* The server the client's requests go to (serve_start() makes it the one it started). */
void serve_use(const Served *served);
/* SIGTERM, and its exit status checked (0). The log stays for the caller to read. */
void serve_stop(Served *served);

typedef struct {
    int status;
    GHashTable *headers; /* lower-case name -> value */
    GBytes *body;        /* with a NUL after it */
} Reply;

void reply_clear(Reply *r);
const char *header(const Reply *r, const char *name);
const char *body_text(const Reply *r);
/* Sends @method @target with @headers ("Name: value\r\n" lines) and @body, on its own
 * connection, and reads the whole reply. */
Reply http(const char *method, const char *target, const char *headers, const void *body,
           gsize len);
/* The reply's body as a JSON object (new reference). */
JsonObject *json_of(const Reply *r);

/* A logged-in session: its cookie header line and CSRF token. */
typedef struct {
    char *cookie; /* "Cookie: pd_session=...\r\n" */
    char *csrf;
} Session;

Reply login_as(const char *user, const char *password);
/* Logs in (200 asserted). */
Session login_user(const char *user, const char *password);
void session_clear(Session *s);
/* The session's headers, with its CSRF token when @csrf, and @more. */
char *with(const Session *s, gboolean csrf, const char *more);
/* photodesk user add NAME, the password on standard input. */
void add_user(const char *name, const char *password);

/* A response read as it arrives (Server-Sent Events): GET @target over HTTP/1.0, so
 * that the body is the bytes as sent, with no chunk framing. */
typedef struct Stream Stream;
Stream *stream_open(const char *target, const char *headers);
/* The status of its response (the headers are read by stream_open()). */
int stream_status(const Stream *s);
/* Waits up to @seconds for the text received so far to hold @needle; TRUE when it
 * does. */
gboolean stream_wait(Stream *s, const char *needle, double seconds);
/* Everything received so far. */
const char *stream_text(const Stream *s);
void stream_close(Stream *s);
/* Closed with a reset (SO_LINGER 0), as a browser tab that is killed or loses its network
 * leaves it: the server's next write to it fails. */
void stream_reset(Stream *s);
