/* users.c: the editors who log in to the web UI, and their sessions. */
#include "catalog/catalog-private.h"

gboolean
pd_catalog_role_valid(const char *role)
{
    return g_strcmp0(role, "viewer") == 0 || g_strcmp0(role, "editor") == 0 ||
           g_strcmp0(role, "admin") == 0;
}

static gboolean
valid_role(const char *role, GError **error)
{
    if (pd_catalog_role_valid(role))
        return TRUE;
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_INVALID,
                "a user's role is viewer, editor or admin, not \"%s\"", role ? role : "");
    return FALSE;
}

void
pd_catalog_user_free(PdCatalogUser *u)
{
    if (u == NULL)
        return;
    g_free(u->name);
    g_free(u->role);
    g_free(u->password_hash);
    g_free(u->created_at);
    g_free(u->password_changed_at);
    g_free(u->disabled_at);
    g_free(u->disabled_by);
    g_free(u);
}

gboolean
pd_catalog_add_user(PdCatalog *c, const char *name, const char *role, const char *password_hash,
                    GError **error)
{
    if (!valid_role(role, error))
        return FALSE;
    PdStmt *st = pd_catalog_statement(
        c,
        "INSERT INTO users (name, role, password_hash, created_at, password_changed_at)"
        " VALUES (?1, ?2, ?3, ?4, ?4)",
        error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, name);
    pd_stmt_bind_text(st, 2, role);
    pd_stmt_bind_text(st, 3, password_hash);
    pd_stmt_bind_text(st, 4, now);
    int r = pd_stmt_step(st);
    pd_stmt_reset(st);
    if (r == PD_CONSTRAINT_UNIQUE) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_EXISTS,
                    "there is a user called \"%s\" already", name);
        return FALSE;
    }
    return r == PD_DONE || pd_catalog_fail(c, error, "adding a user");
}

/* The number of rows the last statement changed, as a not-found error when none. */
static gboolean
changed_user(PdCatalog *c, const char *name, GError **error)
{
    if (pd_catalog_changes(c) > 0)
        return TRUE;
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND, "no user called \"%s\"", name);
    return FALSE;
}

/* Ends every session of user @name. */
static gboolean
end_sessions(PdCatalog *c, const char *name, GError **error)
{
    PdStmt *end = pd_catalog_statement(
        c,
        "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE lower(name) = lower(?1))",
        error);
    if (end == NULL)
        return FALSE;
    pd_stmt_bind_text(end, 1, name);
    return pd_catalog_run(c, end, "ending sessions", error);
}

/* The admins who could still log in, but @name. */
static gint64
other_admins(PdCatalog *c, const char *name, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "SELECT count(*) FROM users WHERE role = 'admin' AND"
                                      " disabled_at IS NULL AND name <> ?1",
                                      error);
    if (st == NULL)
        return -1;
    pd_stmt_bind_text(st, 1, name);
    gint64 n = pd_stmt_step(st) == PD_ROW ? pd_stmt_int64(st, 0) : -1;
    pd_stmt_reset(st);
    if (n < 0)
        pd_catalog_fail(c, error, "counting admins");
    return n;
}

static gboolean
change_user_in(PdCatalog *c, const char *name, const char *role, int disable, const char *by_user,
               GError **error)
{
    g_autoptr(PdCatalogUser) u = pd_catalog_get_user(c, name, error);
    if (u == NULL)
        return FALSE;
    gboolean was_admin = g_strcmp0(u->role, "admin") == 0 && u->disabled_at == NULL;
    gboolean stays_admin = (role ? g_strcmp0(role, "admin") == 0 : was_admin) &&
                           (disable < 0 ? u->disabled_at == NULL : disable == 0);
    if (was_admin && !stays_admin) {
        gint64 others = other_admins(c, name, error);
        if (others < 0)
            return FALSE;
        if (others == 0)
            return pd_catalog_refuse(
                error, PD_CATALOG_ERROR_CONFLICT,
                "%s is the last admin who can log in: make another admin first", name);
    }
    if (role) {
        PdStmt *st = pd_catalog_statement(
            c, "UPDATE users SET role = ?2 WHERE lower(name) = lower(?1)", error);
        if (st == NULL)
            return FALSE;
        pd_stmt_bind_text(st, 1, name);
        pd_stmt_bind_text(st, 2, role);
        if (!pd_catalog_run(c, st, "changing a role", error))
            return FALSE;
    }
    if (disable >= 0 && (disable != 0) != (u->disabled_at != NULL)) {
        PdStmt *st = pd_catalog_statement(
            c, "UPDATE users SET disabled_at = ?2, disabled_by = ?3 WHERE lower(name) = lower(?1)",
            error);
        if (st == NULL)
            return FALSE;
        g_autofree char *now = disable ? pd_catalog_now() : NULL;
        pd_stmt_bind_text(st, 1, name);
        pd_stmt_bind_text(st, 2, now);
        pd_stmt_bind_text(st, 3, disable ? by_user : NULL);
        if (!pd_catalog_run(c, st, "disabling a user", error))
            return FALSE;
    }
    /* a new role or a disabled account takes effect at once: its sessions end */
    if ((role && g_strcmp0(role, u->role) != 0) || disable > 0)
        return end_sessions(c, name, error);
    return TRUE;
}

gboolean
pd_catalog_change_user(PdCatalog *c, const char *name, const char *role, int disable,
                       const char *by_user, GError **error)
{
    if (role && !valid_role(role, error))
        return FALSE;
    return pd_catalog_begin(c, error) &&
           pd_catalog_finish(c, change_user_in(c, name, role, disable, by_user, error), error);
}

static gboolean
set_password_in(PdCatalog *c, const char *name, const char *password_hash, GError **error)
{
    PdStmt *st = pd_catalog_statement(c,
                                      "UPDATE users SET password_hash = ?2, password_changed_at = "
                                      "?3 WHERE lower(name) = lower(?1)",
                                      error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, name);
    pd_stmt_bind_text(st, 2, password_hash);
    pd_stmt_bind_text(st, 3, now);
    if (!pd_catalog_run(c, st, "changing a password", error) || !changed_user(c, name, error))
        return FALSE;
    /* whoever knew the old password is logged out */
    return end_sessions(c, name, error);
}

gboolean
pd_catalog_set_password(PdCatalog *c, const char *name, const char *password_hash, GError **error)
{
    /* the new password and the end of the old sessions land together */
    return pd_catalog_begin(c, error) &&
           pd_catalog_finish(c, set_password_in(c, name, password_hash, error), error);
}

gboolean
pd_catalog_remove_user(PdCatalog *c, const char *name, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "DELETE FROM users WHERE lower(name) = lower(?1)", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, name);
    return pd_catalog_run(c, st, "removing a user", error) && changed_user(c, name, error);
}

static PdCatalogUser *
read_user(PdStmt *st)
{
    PdCatalogUser *u = g_new0(PdCatalogUser, 1);
    u->id = pd_stmt_int64(st, 0);
    u->name = pd_catalog_text(st, 1);
    u->role = pd_catalog_text(st, 2);
    u->password_hash = pd_catalog_text(st, 3);
    u->created_at = pd_catalog_text(st, 4);
    u->password_changed_at = pd_catalog_text(st, 5);
    u->seen_photo_id = pd_stmt_int64(st, 6);
    u->disabled_at = pd_catalog_text(st, 7);
    u->disabled_by = pd_catalog_text(st, 8);
    return u;
}

#define USER_COLUMNS                                                                               \
    "id, name, role, password_hash, created_at, password_changed_at, seen_photo_id, disabled_at, " \
    "disabled_by"

PdCatalogUser *
pd_catalog_get_user(PdCatalog *c, const char *name, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "SELECT " USER_COLUMNS " FROM users WHERE lower(name) = lower(?1)", error);
    if (st == NULL)
        return NULL;
    pd_stmt_bind_text(st, 1, name);
    int r = pd_stmt_step(st);
    PdCatalogUser *u = r == PD_ROW ? read_user(st) : NULL;
    pd_stmt_reset(st);
    if (r == PD_DONE)
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND, "no user called \"%s\"",
                    name);
    else if (r != PD_ROW)
        pd_catalog_fail(c, error, "reading a user");
    return u;
}

GPtrArray *
pd_catalog_list_users(PdCatalog *c, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "SELECT " USER_COLUMNS " FROM users ORDER BY name", error);
    if (st == NULL)
        return NULL;
    GPtrArray *users = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_user_free);
    int r;
    while ((r = pd_stmt_step(st)) == PD_ROW)
        g_ptr_array_add(users, read_user(st));
    pd_stmt_reset(st);
    if (r != PD_DONE) {
        g_ptr_array_unref(users);
        pd_catalog_fail(c, error, "listing users");
        return NULL;
    }
    return users;
}

/* ---------------------------------------------------------------- sessions */

void
pd_catalog_session_free(PdCatalogSession *s)
{
    if (s == NULL)
        return;
    g_free(s->user);
    g_free(s->role);
    g_free(s->csrf_hash);
    g_free(s->expires_at);
    g_free(s);
}

static char *
utc_after(gint64 seconds)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autoptr(GDateTime) then = g_date_time_add_seconds(now, (gdouble)seconds);
    return g_date_time_format(then, "%Y-%m-%dT%H:%M:%S.000Z");
}

static gboolean
add_session_in(PdCatalog *c, const char *token_hash, gint64 user_id, const char *csrf_hash,
               gint64 lifetime_seconds, GError **error)
{
    g_autofree char *now = pd_catalog_now();
    PdStmt *old = pd_catalog_statement(c, "DELETE FROM sessions WHERE expires_at <= ?1", error);
    if (old == NULL)
        return FALSE;
    pd_stmt_bind_text(old, 1, now);
    if (!pd_catalog_run(c, old, "forgetting ended sessions", error))
        return FALSE;
    PdStmt *st = pd_catalog_statement(
        c,
        "INSERT INTO sessions (token_hash, user_id, csrf_hash, created_at, expires_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5)",
        error);
    if (st == NULL)
        return FALSE;
    g_autofree char *expires = utc_after(lifetime_seconds);
    pd_stmt_bind_text(st, 1, token_hash);
    pd_stmt_bind_int64(st, 2, user_id);
    pd_stmt_bind_text(st, 3, csrf_hash);
    pd_stmt_bind_text(st, 4, now);
    pd_stmt_bind_text(st, 5, expires);
    return pd_catalog_run(c, st, "adding a session", error);
}

gboolean
pd_catalog_add_session(PdCatalog *c, const char *token_hash, gint64 user_id, const char *csrf_hash,
                       gint64 lifetime_seconds, GError **error)
{
    return pd_catalog_begin(c, error) &&
           pd_catalog_finish(
               c, add_session_in(c, token_hash, user_id, csrf_hash, lifetime_seconds, error),
               error);
}

PdCatalogSession *
pd_catalog_get_session(PdCatalog *c, const char *token_hash, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "SELECT s.user_id, u.name, u.role, s.csrf_hash, s.expires_at FROM sessions s"
        " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2"
        " AND u.disabled_at IS NULL",
        error);
    if (st == NULL)
        return NULL;
    g_autofree char *now = pd_catalog_now();
    pd_stmt_bind_text(st, 1, token_hash);
    pd_stmt_bind_text(st, 2, now);
    int r = pd_stmt_step(st);
    PdCatalogSession *s = NULL;
    if (r == PD_ROW) {
        s = g_new0(PdCatalogSession, 1);
        s->user_id = pd_stmt_int64(st, 0);
        s->user = pd_catalog_text(st, 1);
        s->role = pd_catalog_text(st, 2);
        s->csrf_hash = pd_catalog_text(st, 3);
        s->expires_at = pd_catalog_text(st, 4);
    }
    pd_stmt_reset(st);
    if (r == PD_DONE)
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND, "no such session");
    else if (r != PD_ROW)
        pd_catalog_fail(c, error, "reading a session");
    return s;
}

gboolean
pd_catalog_remove_session(PdCatalog *c, const char *token_hash, GError **error)
{
    PdStmt *st = pd_catalog_statement(c, "DELETE FROM sessions WHERE token_hash = ?1", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, token_hash);
    return pd_catalog_run(c, st, "ending a session", error);
}

/* ---------------------------------------------------------------- failed logins */

/* The failures counted for @key in its window at @now (0: none, or its window over). */
static gboolean
failures_of(PdCatalog *c, const char *key, gint64 now, gint64 window, gint64 *count, gint64 *start,
            GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c, "SELECT count, window_start FROM login_failures WHERE key = ?1", error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, key);
    int r = pd_stmt_step(st);
    *count = 0;
    *start = now;
    if (r == PD_ROW && now - pd_stmt_int64(st, 1) < window) {
        *count = pd_stmt_int64(st, 0);
        *start = pd_stmt_int64(st, 1);
    }
    pd_stmt_reset(st);
    return r == PD_ROW || r == PD_DONE || pd_catalog_fail(c, error, "reading failed logins");
}

static gboolean
count_failure(PdCatalog *c, const char *key, gint64 count, gint64 start, GError **error)
{
    PdStmt *st = pd_catalog_statement(
        c,
        "INSERT INTO login_failures (key, count, window_start) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (key) DO UPDATE SET count = ?2, window_start = ?3",
        error);
    if (st == NULL)
        return FALSE;
    pd_stmt_bind_text(st, 1, key);
    pd_stmt_bind_int64(st, 2, count);
    pd_stmt_bind_int64(st, 3, start);
    return pd_catalog_run(c, st, "counting a failed login", error);
}

/* Forgets what no longer counts: windows over, then (past @limits->most keys) the keys
 * that block nobody, so that a flood of new names neither fills the catalog nor
 * unblocks an account. */
static gboolean
forget_failures(PdCatalog *c, gint64 now, const PdLoginLimits *limits, GError **error)
{
    PdStmt *old =
        pd_catalog_statement(c, "DELETE FROM login_failures WHERE window_start <= ?1", error);
    if (old == NULL)
        return FALSE;
    pd_stmt_bind_int64(old, 1, now - limits->window);
    if (!pd_catalog_run(c, old, "forgetting failed logins", error))
        return FALSE;
    PdStmt *n = pd_catalog_statement(c, "SELECT count(*) FROM login_failures", error);
    if (n == NULL)
        return FALSE;
    gint64 kept = pd_stmt_step(n) == PD_ROW ? pd_stmt_int64(n, 0) : 0;
    pd_stmt_reset(n);
    if (kept + 2 <= limits->most)
        return TRUE;
    PdStmt *harmless =
        pd_catalog_statement(c,
                             "DELETE FROM login_failures WHERE (key LIKE 'u%' AND count < ?1)"
                             " OR (key LIKE 'a%' AND count < ?2)",
                             error);
    if (harmless == NULL)
        return FALSE;
    pd_stmt_bind_int(harmless, 1, limits->per_account);
    pd_stmt_bind_int(harmless, 2, limits->per_address);
    return pd_catalog_run(c, harmless, "forgetting failed logins", error);
}

static gint64
take_try(PdCatalog *c, const char *account, const char *address, gint64 now,
         const PdLoginLimits *limits, GError **error)
{
    gint64 a = 0, a_start = now, b = 0, b_start = now;
    if (!forget_failures(c, now, limits, error) ||
        !failures_of(c, address, now, limits->window, &b, &b_start, error))
        return -1;
    /* the address first: a blocked address adds no record for the names it tries */
    if (b >= limits->per_address)
        return MAX(limits->window - (now - b_start), 1);
    if (!failures_of(c, account, now, limits->window, &a, &a_start, error))
        return -1;
    if (a >= limits->per_account)
        return MAX(limits->window - (now - a_start), 1);
    if (!count_failure(c, account, a + 1, a_start, error) ||
        !count_failure(c, address, b + 1, b_start, error))
        return -1;
    return 0;
}

gint64
pd_catalog_take_login_try(PdCatalog *c, const char *account, const char *address, gint64 now,
                          const PdLoginLimits *limits, GError **error)
{
    if (!pd_catalog_begin(c, error))
        return -1;
    gint64 wait = take_try(c, account, address, now, limits, error);
    return pd_catalog_finish(c, wait >= 0, error) ? wait : -1;
}

gboolean
pd_catalog_login_succeeded(PdCatalog *c, const char *account, const char *address, GError **error)
{
    PdStmt *forget = pd_catalog_statement(c, "DELETE FROM login_failures WHERE key = ?1", error);
    PdStmt *back = forget ? pd_catalog_statement(c,
                                                 "UPDATE login_failures SET count = count - 1"
                                                 " WHERE key = ?1 AND count > 0",
                                                 error)
                          : NULL;
    if (back == NULL || !pd_catalog_begin(c, error))
        return FALSE;
    pd_stmt_bind_text(forget, 1, account);
    pd_stmt_bind_text(back, 1, address);
    gboolean ok = pd_catalog_run(c, forget, "forgetting failed logins", error) &&
                  pd_catalog_run(c, back, "forgetting failed logins", error);
    return pd_catalog_finish(c, ok, error);
}
