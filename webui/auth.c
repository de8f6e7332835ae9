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

/* Failed logins are counted in the catalog (pd_catalog_take_login_try()), so that
 * several servers on one catalog count the same tries: an attacker spreading guesses
 * over them gets no more than from one. Keys are fixed-size: "u" or "a" and the
 * SHA-256 of the folded name or the address. */
static const PdLoginLimits login_limits = {
    FAILURES_PER_ACCOUNT,
    FAILURES_PER_ADDRESS,
    FAILURE_WINDOW_SECONDS,
    10000,
};

static char *
throttle_key(char kind, const char *what)
{
    g_autofree char *h = digest(what);
    return g_strdup_printf("%c%s", kind, h);
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
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL)
        return pd_respond_gerror(r, error);
    gint64 wait = pd_catalog_take_login_try(
        cat, account, address, g_get_real_time() / G_USEC_PER_SEC, &login_limits, &error);
    if (wait < 0)
        return pd_respond_gerror(r, error);
    if (wait > 0)
        return too_many(r, wait);

    g_autoptr(PdCatalogUser) user = pd_catalog_get_user(cat, name, NULL);
    gboolean ok = pd_webui_check_password(user ? user->password_hash : decoy_hash(), password);
    if (!ok || user == NULL)
        return pd_respond_error(r, MHD_HTTP_UNAUTHORIZED, "wrong user name or password");
    if (!pd_catalog_login_succeeded(cat, account, address, &error))
        return pd_respond_gerror(r, error);
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
