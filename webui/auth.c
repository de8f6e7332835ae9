/* auth.c: passwords, logins, sessions and CSRF tokens.
 *
 * A login makes a 256-bit random token, sent once in the pd_session cookie (HttpOnly,
 * SameSite=Strict) and stored only as its SHA-256. The session's CSRF token is derived
 * from the token (a keyed BLAKE2b), so the server can give it again (GET /api/me)
 * without storing it; only its hash is kept, and compared in constant time. Failed
 * logins are counted per account and per address; past the limit the answer is 429
 * until the window ends, whether the password is right or not.
 */
#include "webui/webui-private.h"

#include <sodium.h>
#include <string.h>

#define TOKEN_BYTES 32
#define COOKIE      "pd_session"

/* Failed logins allowed in a window, per account and per address. */
#define FAILURE_WINDOW_SECONDS (15 * 60)
#define FAILURES_PER_ACCOUNT   5
#define FAILURES_PER_ADDRESS   20

gboolean
pd_webui_init(GError **error)
{
    if (sodium_init() < 0) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_INIT, "libsodium could not start");
        return FALSE;
    }
    return TRUE;
}

char *
pd_webui_hash_password(const char *password, GError **error)
{
    gsize n = password ? strlen(password) : 0;
    if (n == 0 || n > PD_PASSWORD_MAX) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_PASSWORD,
                    n ? "a password is at most %d bytes" : "a password cannot be empty",
                    PD_PASSWORD_MAX);
        return NULL;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_PASSWORD,
                    "out of memory hashing the password");
        return NULL;
    }
    return g_strdup(hash);
}

gboolean
pd_webui_check_password(const char *hash, const char *password)
{
    if (hash == NULL || password == NULL || strlen(password) > PD_PASSWORD_MAX)
        return FALSE;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* ---------------------------------------------------------------- tokens */

static char *
hex(const unsigned char *bytes, gsize n)
{
    char *out = g_malloc(n * 2 + 1);
    sodium_bin2hex(out, n * 2 + 1, bytes, n);
    return out;
}

/* SHA-256 of @text, in hex: what the catalog keeps of a token. */
static char *
digest(const char *text)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
    return hex(h, sizeof h);
}

/* The CSRF token of the session whose token is @token (64 hex digits). */
static char *
csrf_of(const char *token)
{
    unsigned char key[TOKEN_BYTES], out[TOKEN_BYTES];
    if (sodium_hex2bin(key, sizeof key, token, strlen(token), NULL, NULL, NULL) != 0)
        return NULL;
    static const char label[] = "photodesk csrf";
    crypto_generichash(out, sizeof out, (const unsigned char *)label, sizeof label - 1, key,
                       sizeof key);
    sodium_memzero(key, sizeof key);
    return hex(out, sizeof out);
}

/* The session token of the request's cookie, when it is one (64 hex digits). */
static const char *
cookie_token(Request *r)
{
    const char *t = MHD_lookup_connection_value(r->connection, MHD_COOKIE_KIND, COOKIE);
    if (t == NULL || strlen(t) != TOKEN_BYTES * 2)
        return NULL;
    for (const char *p = t; *p; p++)
        if (!g_ascii_isxdigit(*p))
            return NULL;
    return t;
}

PdCatalogSession *
pd_auth_session(Request *r, PdCatalog *catalog)
{
    const char *token = cookie_token(r);
    if (token == NULL)
        return NULL;
    g_autofree char *hash = digest(token);
    return pd_cache_session(r->server->cache, catalog, hash);
}

gboolean
pd_auth_csrf_ok(Request *r, const PdCatalogSession *session)
{
    const char *given = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "X-CSRF-Token");
    if (given == NULL || strlen(given) > 256)
        return FALSE;
    g_autofree char *hash = digest(given);
    return strlen(hash) == strlen(session->csrf_hash) &&
           sodium_memcmp(hash, session->csrf_hash, strlen(hash)) == 0;
}

/* ---------------------------------------------------------------- throttling */

typedef struct {
    guint count;
    gint64 window_start; /* monotonic seconds */
} Failures;

/* The table keeps at most this many keys; when full, the keys that block nobody are
 * dropped (a flood of new names must not grow memory, nor unblock an account). */
#define FAILURES_MOST 10000

/* Keys are fixed-size: "u" or "a" and the SHA-256 of the folded name or the address. */
static char *
throttle_key(char kind, const char *what)
{
    g_autofree char *h = digest(what);
    return g_strdup_printf("%c%s", kind, h);
}

static gboolean
expired(gpointer key, gpointer value, gpointer now)
{
    const Failures *f = value;
    return *(gint64 *)now - f->window_start >= FAILURE_WINDOW_SECONDS;
}

static gboolean
blocks_nobody(gpointer key, gpointer value, gpointer now)
{
    const Failures *f = value;
    return expired(key, value, now) || f->count < FAILURES_PER_ACCOUNT;
}

/* Room for two more keys in the table, by forgetting what no longer counts (caller holds
 * the lock; before any record is taken, since it frees records). */
static void
make_room(Server *server, gint64 now)
{
    GHashTable *t = server->failures;
    if (g_hash_table_size(t) + 2 > FAILURES_MOST)
        g_hash_table_foreach_remove(t, expired, &now);
    if (g_hash_table_size(t) + 2 > FAILURES_MOST)
        g_hash_table_foreach_remove(t, blocks_nobody, &now);
}

/* @key's record, made when there is none (caller holds the lock, made room). */
static Failures *
record_of(Server *server, const char *key, gint64 now)
{
    GHashTable *t = server->failures;
    Failures *f = g_hash_table_lookup(t, key);
    if (f && now - f->window_start >= FAILURE_WINDOW_SECONDS) {
        f->count = 0;
        f->window_start = now;
    }
    if (f)
        return f;
    f = g_new0(Failures, 1);
    f->window_start = now;
    g_hash_table_replace(t, g_strdup(key), f);
    return f;
}

/* Takes a try for the account and the address, counted as failed until the password
 * proves right (release()): seconds to wait when either has no try left, else 0. The
 * check and the count are one step, so that tries in parallel cannot check more
 * passwords than the limit. */
static gint64
take_try(Server *server, const char *account, const char *address)
{
    gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC, wait = 0;
    g_mutex_lock(&server->throttle_lock);
    make_room(server, now);
    /* the address first: a blocked address adds no record for the names it tries */
    Failures *b = record_of(server, address, now);
    if (b->count >= FAILURES_PER_ADDRESS)
        wait = FAILURE_WINDOW_SECONDS - (now - b->window_start);
    Failures *a = wait ? NULL : record_of(server, account, now);
    if (a && a->count >= FAILURES_PER_ACCOUNT)
        wait = FAILURE_WINDOW_SECONDS - (now - a->window_start);
    if (wait == 0) {
        a->count++;
        b->count++;
    }
    g_mutex_unlock(&server->throttle_lock);
    return MAX(wait, 0);
}

/* The password was right: the account's failures are forgotten, the address's try
 * given back. */
static void
release(Server *server, const char *account, const char *address)
{
    g_mutex_lock(&server->throttle_lock);
    g_hash_table_remove(server->failures, account);
    Failures *b = g_hash_table_lookup(server->failures, address);
    if (b && b->count > 0)
        b->count--;
    g_mutex_unlock(&server->throttle_lock);
}

/* ---------------------------------------------------------------- the routes */

/* The user, and what they have seen when @seen is not negative. */
static char *
user_json(const char *name, const char *role, const char *csrf, gint64 seen, gint64 newest)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "user");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, name);
    json_builder_set_member_name(b, "role");
    json_builder_add_string_value(b, role);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "csrf");
    json_builder_add_string_value(b, csrf);
    if (seen >= 0) {
        /* "new since I last looked": photos after seen_photo_id, up to newest_photo_id */
        json_builder_set_member_name(b, "seen_photo_id");
        json_builder_add_int_value(b, seen);
        json_builder_set_member_name(b, "newest_photo_id");
        json_builder_add_int_value(b, newest);
    }
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

static enum MHD_Result
too_many(Request *r, gint64 wait)
{
    g_autofree char *json = g_strdup_printf(
        "{\"error\": \"too many failed logins: try again in %" G_GINT64_FORMAT " s\"}", wait);
    gsize n = strlen(json);
    r->bytes = n;
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, json, MHD_RESPMEM_MUST_COPY);
    g_autofree char *after = g_strdup_printf("%" G_GINT64_FORMAT, wait);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Retry-After", after);
    return pd_respond(r, MHD_HTTP_TOO_MANY_REQUESTS, resp);
}

/* A hash to check a password against when there is no such user, so that a login takes
 * as long whether the name exists or not. */
static const char *
decoy_hash(void)
{
    static gsize done = 0;
    static char *hash;
    if (g_once_init_enter(&done)) {
        hash = pd_webui_hash_password("photodesk decoy password", NULL);
        g_once_init_leave(&done, 1);
    }
    return hash;
}

enum MHD_Result
pd_auth_login(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    JsonNode *nn = json_object_get_member(o, "username");
    JsonNode *pn = json_object_get_member(o, "password");
    if (nn == NULL || pn == NULL || json_node_get_value_type(nn) != G_TYPE_STRING ||
        json_node_get_value_type(pn) != G_TYPE_STRING)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "give {\"username\": \"...\", \"password\": \"...\"}");
    const char *name = json_node_get_string(nn), *password = json_node_get_string(pn);
    if (strlen(name) > PD_USER_NAME_MAX || strlen(password) > PD_PASSWORD_MAX)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "a user name is at most %d bytes, a password at most %d",
                                PD_USER_NAME_MAX, PD_PASSWORD_MAX);
    g_autofree char *folded = g_utf8_casefold(name, -1);
    g_autofree char *account = throttle_key('u', folded);
    g_autofree char *address = throttle_key('a', r->address);
    gint64 wait = take_try(r->server, account, address);
    if (wait > 0)
        return too_many(r, wait);

    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL)
        return pd_respond_gerror(r, error);
    g_autoptr(PdCatalogUser) user = pd_catalog_get_user(cat, name, NULL);
    gboolean ok = pd_webui_check_password(user ? user->password_hash : decoy_hash(), password);
    if (!ok || user == NULL)
        return pd_respond_error(r, MHD_HTTP_UNAUTHORIZED, "wrong user name or password");
    release(r->server, account, address);
    /* said only to whoever knows the password */
    if (user->disabled_at)
        return pd_respond_error(r, MHD_HTTP_FORBIDDEN,
                                "this account was disabled by an admin; ask one to enable it");

    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    g_autofree char *token = hex(raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    g_autofree char *csrf = csrf_of(token);
    g_autofree char *token_hash = digest(token);
    g_autofree char *csrf_hash = digest(csrf);
    if (!pd_catalog_add_session(cat, token_hash, user->id, csrf_hash,
                                r->server->options.session_seconds, &error))
        return pd_respond_gerror(r, error);
    g_free(r->user);
    r->user = g_strdup(user->name);

    char *json = user_json(user->name, user->role, csrf, -1, 0);
    gsize n = strlen(json);
    r->bytes = n;
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, json, MHD_RESPMEM_MUST_FREE);
    g_autofree char *cookie =
        g_strdup_printf(COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%" G_GINT64_FORMAT,
                        token, r->server->options.session_seconds);
    MHD_add_response_header(resp, "Set-Cookie", cookie);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return pd_respond(r, MHD_HTTP_OK, resp);
}

enum MHD_Result
pd_auth_logout(Request *r, const PdRouteParams *p)
{
    const char *token = cookie_token(r);
    g_autofree char *hash = digest(token);
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    pd_cache_forget_session(r->server->cache, hash);
    if (cat == NULL || !pd_catalog_remove_session(cat, hash, &error))
        return pd_respond_gerror(r, error);
    static const char body[] = "{\"logged_out\": true}";
    r->bytes = sizeof body - 1;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Set-Cookie",
                            COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return pd_respond(r, MHD_HTTP_OK, resp);
}

enum MHD_Result
pd_auth_me(Request *r, const PdRouteParams *p)
{
    const PdCatalogSession *session = r->session;
    g_autofree char *csrf = csrf_of(cookie_token(r));
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    g_autoptr(PdCatalogUser) user = cat ? pd_catalog_get_user(cat, session->user, &error) : NULL;
    gint64 newest = 0;
    if (user == NULL || !pd_catalog_newest_photo_id(cat, &newest, &error))
        return pd_respond_gerror(r, error);
    return pd_respond_json(
        r, MHD_HTTP_OK, user_json(session->user, session->role, csrf, user->seen_photo_id, newest));
}

/* POST /api/me/seen {"photo_id": N}: the editor has looked at the photos up to N (the
 * point only moves forward). */
enum MHD_Result
pd_auth_seen(Request *r, const PdRouteParams *p)
{
    JsonParser *parser = NULL;
    enum MHD_Result result;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    JsonNode *n = json_object_get_member(o, "photo_id");
    gint64 id = n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64
                    ? json_node_get_int(n)
                    : -1;
    g_object_unref(parser);
    if (id < 0)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "photo_id must be a photo id (a whole number, 0 or more)");
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_catalog_set_seen_photo(cat, r->session->user_id, id, &error))
        return pd_respond_gerror(r, error);
    g_autoptr(PdCatalogUser) user = pd_catalog_get_user(cat, r->session->user, &error);
    if (user == NULL)
        return pd_respond_gerror(r, error);
    return pd_respond_json(
        r, MHD_HTTP_OK,
        g_strdup_printf("{\"seen_photo_id\": %" G_GINT64_FORMAT "}", user->seen_photo_id));
}

gboolean
pd_webui_user_name_valid(const char *name)
{
    gsize n = name ? strlen(name) : 0;
    if (n == 0 || n > 64 || name[0] == '-')
        return FALSE;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("._-@", *p))
            return FALSE;
    return TRUE;
}
