/* users.c: an admin's JSON API for who may log in: list the users, add one, give one a
 * role, a new password, or disable the account (routes.c lets only admins in). Passwords
 * are hashed on the login threads (Argon2id), never logged or returned. */
#include "desk/desk.h"
#include "webui/webui-private.h"

#include <string.h>

enum MHD_Result
pd_api_users(Request *r, const PdRouteParams *p)
{
    return pd_respond_listing(r, pd_desk_users_json);
}

/* User @id, as the list gives it (the list is short: a desk's people). */
static PdCatalogUser *
user_of(PdCatalog *cat, gint64 id, GError **error)
{
    g_autoptr(GPtrArray) all = pd_catalog_list_users(cat, error);
    for (guint i = 0; all && i < all->len; i++) {
        PdCatalogUser *u = g_ptr_array_index(all, i);
        if (u->id == id)
            return g_ptr_array_steal_index(all, i);
    }
    if (all)
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                    "no user %" G_GINT64_FORMAT, id);
    return NULL;
}

static enum MHD_Result
respond_user(Request *r, PdCatalog *cat, const char *name, unsigned int status)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalogUser) u = pd_catalog_get_user(cat, name, &error);
    if (u == NULL)
        return pd_respond_gerror(r, error);
    GString *o = g_string_new("{");
    pd_desk_user_members(o, u);
    g_string_append_c(o, '}');
    return pd_respond_json(r, status, g_string_free(o, FALSE));
}

/* A role given in a body, or FALSE after answering 400. */
static gboolean
valid_role(Request *r, const PdMember *m, enum MHD_Result *result)
{
    if (!m->given || pd_catalog_role_valid(m->text))
        return TRUE;
    *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "role: viewer, editor or admin, not \"%s\"",
                               m->text);
    return FALSE;
}

/* POST /api/users {"name": "anna", "role": "editor", "password": "..."} */
enum MHD_Result
pd_api_user_create(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    PdMember m[] = {{"name", PD_TEXT}, {"role", PD_TEXT}, {"password", PD_TEXT}};
    if (o == NULL || !pd_read_members(r, o, m, G_N_ELEMENTS(m), &result) ||
        !valid_role(r, &m[1], &result))
        return result;
    if (!pd_webui_user_name_valid(m[0].text))
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "name: 1 to 64 letters, digits, '.', '_', '-' or '@'");
    if (!m[2].given)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "password: the new user's password");
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = pd_webui_hash_password(m[2].text, &error);
    if (hash == NULL)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "password: %s", error->message);
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL ||
        !pd_catalog_add_user(cat, m[0].text, m[1].given ? m[1].text : "editor", hash, &error))
        return pd_respond_gerror(r, error);
    return respond_user(r, cat, m[0].text, MHD_HTTP_CREATED);
}

/* PATCH /api/users/ID {"role": "viewer", "disabled": true, "password": "..."}: each
 * optional. A new role, a new password or a disabled account ends the user's sessions. */
enum MHD_Result
pd_api_user_update(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    PdMember m[] = {{"role", PD_TEXT}, {"disabled", PD_FLAG}, {"password", PD_TEXT}};
    if (o == NULL || !pd_read_members(r, o, m, G_N_ELEMENTS(m), &result) ||
        !valid_role(r, &m[0], &result))
        return result;
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = NULL;
    if (m[2].given && (hash = pd_webui_hash_password(m[2].text, &error)) == NULL)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "password: %s", error->message);
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    g_autoptr(PdCatalogUser) u = cat ? user_of(cat, p->id, &error) : NULL;
    if (u == NULL)
        return pd_respond_gerror(r, error);
    if (m[1].given && m[1].flag && g_ascii_strcasecmp(u->name, r->session->user) == 0)
        return pd_respond_error(r, MHD_HTTP_CONFLICT, "an admin cannot disable their own account");
    if (!pd_catalog_change_user(cat, u->name, m[0].given ? m[0].text : NULL,
                                m[1].given ? m[1].flag : -1, r->session->user, &error) ||
        (hash && !pd_catalog_set_password(cat, u->name, hash, &error)))
        return pd_respond_gerror(r, error);
    /* the sessions that ended are forgotten by this server at once, not in 10 s */
    pd_cache_forget_sessions(r->server->cache);
    return respond_user(r, cat, u->name, MHD_HTTP_OK);
}
