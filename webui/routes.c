/* routes.c: the one table of the server's routes. Routing, the Allow header of a 405,
 * whether a session (and a CSRF token) is needed, how large a body may be and where the
 * handler runs all come from here (server.c reads it); README lists the same routes. */
#include "webui/webui-private.h"

#include <string.h>

/* clang-format off */
static const PdRouteRow routes[] = {
    {"POST",   "/api/login",                        pd_auth_login,           PD_NEEDS_LOGINS | PD_BODY_SMALL},
    {"POST",   "/api/logout",                       pd_auth_logout,          PD_NEEDS_SESSION | PD_VIEWER_MAY},
    {"GET",    "/api/me",                           pd_auth_me,              PD_NEEDS_SESSION},
    {"POST",   "/api/me/seen",                      pd_auth_seen,            PD_NEEDS_SESSION | PD_VIEWER_MAY | PD_BODY_SMALL},
    {"GET",    "/api/fields",                       pd_api_fields,           PD_NEEDS_SESSION},
    {"GET",    "/api/events",                       pd_api_events,           PD_NEEDS_SESSION},
    {"GET",    "/api/agencies",                     pd_api_agencies,         PD_NEEDS_SESSION},
    {"PUT",    "/api/agencies",                     pd_api_agencies_set,     PD_NEEDS_SESSION | PD_NEEDS_ADMIN | PD_BODY_SMALL},
    {"GET",    "/api/photos",                       pd_api_search,           PD_NEEDS_SESSION},
    {"POST",   "/api/photos",                       pd_upload_finish,        PD_NEEDS_SESSION | PD_NEEDS_WORKER | PD_BODY_UPLOAD},
    {"GET",    "/api/photos/{id}",                  pd_api_photo,            PD_NEEDS_SESSION},
    {"PATCH",  "/api/photos/{id}",                  pd_api_correct,          PD_NEEDS_SESSION},
    {"GET",    "/api/photos/{id}/download",         pd_api_download,         PD_NEEDS_SESSION | PD_NEEDS_WORKER},
    {"GET",    "/api/photos/{id}/history",          pd_api_history,          PD_NEEDS_SESSION},
    {"GET",    "/api/photos/{id}/similar",          pd_api_similar,          PD_NEEDS_SESSION},
    {"POST",   "/api/photos/{id}/acknowledge",      pd_api_acknowledge,      PD_NEEDS_SESSION},
    {"PUT",    "/api/photos/{id}/pick",             pd_api_pick,             PD_NEEDS_SESSION | PD_BODY_SMALL},
    {"GET",    "/photos/{id}/{file}",               pd_api_file,             PD_NEEDS_SESSION},
    {"GET",    "/api/articles",                     pd_api_articles,         PD_NEEDS_SESSION},
    {"POST",   "/api/articles",                     pd_api_article_create,   PD_NEEDS_SESSION},
    {"GET",    "/api/articles/{id}",                pd_api_article,          PD_NEEDS_SESSION},
    {"PATCH",  "/api/articles/{id}",                pd_api_article_update,   PD_NEEDS_SESSION},
    {"POST",   "/api/articles/{id}/photos",         pd_api_place,            PD_NEEDS_SESSION},
    {"PATCH",  "/api/articles/{id}/photos/{photo}", pd_api_placement_update, PD_NEEDS_SESSION},
    {"DELETE", "/api/articles/{id}/photos/{photo}", pd_api_placement_remove, PD_NEEDS_SESSION},
    {"GET",    "/api/articles/{id}/package",        pd_api_package,          PD_NEEDS_SESSION | PD_NEEDS_WORKER},
    {"POST",   "/api/articles/{id}/package",        pd_api_package,          PD_NEEDS_SESSION | PD_NEEDS_WORKER},
    {"POST",   "/api/articles/{id}/deliver",        pd_api_deliver,          PD_NEEDS_SESSION | PD_NEEDS_DELIVERY},
    {"GET",    "/api/lightboxes",                   pd_api_lightboxes,       PD_NEEDS_SESSION},
    {"POST",   "/api/lightboxes",                   pd_api_lightbox_create,  PD_NEEDS_SESSION | PD_BODY_SMALL},
    {"GET",    "/api/lightboxes/{id}",              pd_api_lightbox,         PD_NEEDS_SESSION},
    {"PATCH",  "/api/lightboxes/{id}",              pd_api_lightbox_update,  PD_NEEDS_SESSION | PD_BODY_SMALL},
    {"DELETE", "/api/lightboxes/{id}",              pd_api_lightbox_remove,  PD_NEEDS_SESSION},
    {"POST",   "/api/lightboxes/{id}/photos",       pd_api_lightbox_add,     PD_NEEDS_SESSION},
    {"DELETE", "/api/lightboxes/{id}/photos/{photo}", pd_api_lightbox_take,  PD_NEEDS_SESSION},
    {"GET",    "/api/searches",                     pd_api_searches,         PD_NEEDS_SESSION},
    {"POST",   "/api/searches",                     pd_api_search_save,      PD_NEEDS_SESSION | PD_BODY_SMALL},
    {"DELETE", "/api/searches/{id}",                pd_api_search_remove,    PD_NEEDS_SESSION},
    {"POST",   "/api/batch/preview",                pd_api_batch_preview,    PD_NEEDS_SESSION},
    {"POST",   "/api/batch",                        pd_api_batch_apply,      PD_NEEDS_SESSION},
    {"POST",   "/api/batches/{id}/undo",            pd_api_batch_undo,       PD_NEEDS_SESSION},
    {"GET",    "/api/templates",                    pd_api_templates,        PD_NEEDS_SESSION},
    {"POST",   "/api/templates",                    pd_api_template_save,    PD_NEEDS_SESSION},
    {"DELETE", "/api/templates/{id}",               pd_api_template_remove,  PD_NEEDS_SESSION},
    {"GET",    "/api/codes",                        pd_api_codes,            PD_NEEDS_SESSION},
    {"PUT",    "/api/codes",                        pd_api_codes_set,        PD_NEEDS_SESSION},
    {"GET",    "/api/codes/file",                   pd_api_codes_file,       PD_NEEDS_SESSION},
    {"GET",    "/api/rules",                        pd_api_rules,            PD_NEEDS_SESSION},
    {"POST",   "/api/rules",                        pd_api_rule_save,        PD_NEEDS_SESSION | PD_NEEDS_ADMIN},
    {"DELETE", "/api/rules/{id}",                   pd_api_rule_remove,      PD_NEEDS_SESSION | PD_NEEDS_ADMIN},
    {"GET",    "/api/targets",                      pd_api_targets,          PD_NEEDS_SESSION},
    {"POST",   "/api/targets",                      pd_api_target_save,      PD_NEEDS_SESSION | PD_NEEDS_ADMIN},
    {"DELETE", "/api/targets/{id}",                 pd_api_target_remove,    PD_NEEDS_SESSION | PD_NEEDS_ADMIN},
    {"GET",    "/api/profiles",                     pd_api_profiles,         PD_NEEDS_SESSION},
    {"POST",   "/api/profiles",                     pd_api_profile_save,     PD_NEEDS_SESSION | PD_NEEDS_ADMIN},
    {"DELETE", "/api/profiles/{id}",                pd_api_profile_remove,   PD_NEEDS_SESSION | PD_NEEDS_ADMIN},
    {"GET",    "/api/users",                        pd_api_users,            PD_NEEDS_SESSION | PD_NEEDS_ADMIN},
    {"POST",   "/api/users",                        pd_api_user_create,      PD_NEEDS_SESSION | PD_NEEDS_ADMIN | PD_NEEDS_LOGINS | PD_BODY_SMALL},
    {"PATCH",  "/api/users/{id}",                   pd_api_user_update,      PD_NEEDS_SESSION | PD_NEEDS_ADMIN | PD_NEEDS_LOGINS | PD_BODY_SMALL},
};
/* clang-format on */

const PdRouteRow *
pd_route_find(const char *method, const char *url, PdRouteParams *params, char **allow)
{
    *allow = NULL;
    GString *methods = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(routes); i++) {
        const PdRouteRow *row = &routes[i];
        PdRouteParams got;
        if (!pd_route_pattern_match(row->pattern, url, &got))
            continue;
        gboolean get = strcmp(row->method, "GET") == 0;
        if (strcmp(row->method, method) == 0 || (get && strcmp(method, "HEAD") == 0)) {
            if (methods)
                g_string_free(methods, TRUE);
            *params = got;
            return row;
        }
        if (methods == NULL)
            methods = g_string_new(NULL);
        g_string_append_printf(methods, "%s%s%s", methods->len ? ", " : "", row->method,
                               get ? ", HEAD" : "");
    }
    if (methods)
        *allow = g_string_free(methods, FALSE);
    return NULL;
}
