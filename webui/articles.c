/* articles.c: the JSON API for articles: list and create them, change them, place
 * photos in them with their own caption and credit line, and download their package.
 * Every answer that changes an article is the whole article, as GET gives it. */
#include "desk/desk.h"
#include "ingest/ingest.h"
#include "webui/webui-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum MHD_Result
respond_article(Request *r, PdCatalog *cat, gint64 id, unsigned int status)
{
    g_autoptr(GError) error = NULL;
    char *json = pd_desk_article_json(cat, id, &error);
    return json ? pd_respond_json(r, status, json) : pd_respond_gerror(r, error);
}

/* 409 for a change made on a version of the article or placement that has moved on: the
 * error and the article as it is now, for the editor to compare with their own text. */
static enum MHD_Result
respond_stale(Request *r, PdCatalog *cat, gint64 id, const GError *stale)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *article = pd_desk_article_json(cat, id, &error);
    if (article == NULL)
        return pd_respond_gerror(r, error);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_add_string_value(b, stale->message);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *head = json_to_string(root, FALSE);
    /* {"error": ...} and the article's own JSON, as GET gives it */
    char *body = g_strdup_printf("%.*s, \"article\": %s}", (int)strlen(head) - 1, head, article);
    return pd_respond_json(r, MHD_HTTP_CONFLICT, body);
}

/* An error from changing article @id: 409 with the article when it was stale. */
static enum MHD_Result
respond_change_error(Request *r, PdCatalog *cat, gint64 id, const GError *error)
{
    if (cat && g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_STALE))
        return respond_stale(r, cat, id, error);
    return pd_respond_gerror(r, error);
}

/* A version given in a body: 1 and up; FALSE after answering 400. */
static gboolean
valid_version(Request *r, const PdMember *m, enum MHD_Result *result)
{
    if (!m->given || (m->number >= 1 && m->number <= G_MAXINT))
        return TRUE;
    *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                               "version: the version the change was made on, from 1");
    return FALSE;
}

enum MHD_Result
pd_api_articles(Request *r, const PdRouteParams *p)
{
    return pd_respond_listing(r, pd_desk_articles_json);
}

enum MHD_Result
pd_api_article(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    return cat ? respond_article(r, cat, id, MHD_HTTP_OK) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_article_create(Request *r, const PdRouteParams *p)
{
    const PdCatalogSession *session = r->session;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {{"slug", PD_TEXT}, {"headline", PD_TEXT}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result))
        return result;
    if (!m[0].given)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "slug: an article needs one");
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    g_autoptr(PdCatalogArticle) a =
        cat ? pd_catalog_add_article(cat, m[0].text, m[1].text, session->user, &error) : NULL;
    return a ? respond_article(r, cat, a->id, MHD_HTTP_CREATED) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_article_update(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {
        {"slug", PD_TEXT}, {"headline", PD_TEXT}, {"status", PD_TEXT}, {"version", PD_NUMBER}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result) || !valid_version(r, &m[3], &result))
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_catalog_update_article(cat, id, m[0].text, m[1].text, m[2].text,
                                                  (int)m[3].number, &error))
        return respond_change_error(r, cat, id, error);
    return respond_article(r, cat, id, MHD_HTTP_OK);
}

static gboolean
valid_position(Request *r, const PdMember *m, enum MHD_Result *result)
{
    if (!m->given || (m->number >= 1 && m->number <= 100000))
        return TRUE;
    *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "position: from 1 (the first)");
    return FALSE;
}

enum MHD_Result
pd_api_place(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    const PdCatalogSession *session = r->session;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {{"photo_id", PD_NUMBER}, {"role", PD_TEXT},
                    {"caption", PD_TEXT},    {"credit_line", PD_TEXT},
                    {"position", PD_NUMBER}, {"confirm_synthetic", PD_FLAG}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result) || !valid_position(r, &m[4], &result))
        return result;
    if (!m[0].given || m[0].number < 1)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "photo_id: which photo to place");
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL)
        return pd_respond_gerror(r, error);
    PdCatalogPlacement pl = {
        .article_id = id, .photo_id = m[0].number, .position = (int)m[4].number};
    pl.role = g_strdup(m[1].text);
    pl.caption = g_strdup(m[2].text);
    pl.credit_line = g_strdup(m[3].text);
    pl.placed_by = g_strdup(session->user);
    /* the editor confirmed, after the page asked, that the AI-made picture is the story */
    if (m[5].given && m[5].flag)
        pl.made_confirmed = PD_MADE_AI | PD_MADE_COMPOSITE;
    gboolean ok = pd_catalog_place_photo(cat, &pl, &error);
    pd_catalog_placement_clear(&pl);
    return ok ? respond_article(r, cat, id, MHD_HTTP_CREATED) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_placement_update(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id, photo_id = p->photo;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {{"caption", PD_TEXT},    {"credit_line", PD_TEXT}, {"role", PD_TEXT},
                    {"position", PD_NUMBER}, {"acknowledge", PD_FLAG}, {"version", PD_NUMBER},
                    {"crop", PD_TEXT},       {"crop_aspect", PD_TEXT}, {"profile", PD_TEXT}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result) || !valid_position(r, &m[3], &result) ||
        !valid_version(r, &m[5], &result))
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gboolean output = m[6].given || m[7].given || m[8].given;
    if (output && (m[0].given || m[1].given || m[2].given || m[3].given || m[4].given))
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "crop, crop_aspect and profile are changed on their own");
    if (output) {
        if (cat == NULL || !pd_desk_set_output(cat, id, photo_id, m[6].text, m[7].text, m[8].text,
                                               (int)m[5].number, &error))
            return respond_change_error(r, cat, id, error);
        return respond_article(r, cat, id, MHD_HTTP_OK);
    }
    if (cat == NULL ||
        !pd_catalog_update_placement(cat, id, photo_id, m[0].text, m[1].text, m[2].text,
                                     (int)m[3].number, m[4].flag, (int)m[5].number, &error))
        return respond_change_error(r, cat, id, error);
    return respond_article(r, cat, id, MHD_HTTP_OK);
}

enum MHD_Result
pd_api_placement_remove(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id, photo_id = p->photo;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_catalog_remove_placement(cat, id, photo_id, &error))
        return pd_respond_gerror(r, error);
    return respond_article(r, cat, id, MHD_HTTP_OK);
}

/* The package is made in the library's tmp/, opened, unlinked and sent from the open
 * file: nothing is left behind however the download ends. */
enum MHD_Result
pd_api_package(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    g_autoptr(PdCatalogArticle) a = cat ? pd_catalog_get_article(cat, id, &error) : NULL;
    if (a == NULL)
        return pd_respond_gerror(r, error);
    const char *gps = MHD_lookup_connection_value(r->connection, MHD_GET_ARGUMENT_KIND, "gps");
    gboolean with_gps = g_strcmp0(gps, "1") == 0 || g_strcmp0(gps, "true") == 0;
    /* an unknown profile is refused by the desk (400) before anything is made */
    const char *profile =
        MHD_lookup_connection_value(r->connection, MHD_GET_ARGUMENT_KIND, "profile");
    g_autofree char *dir = g_build_filename(r->server->library, "tmp", "package-XXXXXX", NULL);
    g_autofree char *tmp = g_path_get_dirname(dir);
    g_mkdir_with_parents(tmp, 0700);
    if (g_mkdtemp(dir) == NULL)
        return pd_respond_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot make %s: %s", dir,
                                g_strerror(errno));
    g_autofree char *path = g_build_filename(dir, "package.zip", NULL);
    const char *embargo =
        MHD_lookup_connection_value(r->connection, MHD_GET_ARGUMENT_KIND, "under_embargo");
    PdPackageOptions po = {
        .gps = with_gps,
        .profile = profile,
        .under_embargo = strcmp(r->method, "POST") == 0 && g_strcmp0(embargo, "1") == 0,
        .user = r->session->user,
    };
    gboolean ok = pd_desk_package_article(cat, r->server->library, id, &po, path, &error);
    int fd = ok ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    g_unlink(path);
    g_rmdir(dir);
    if (!ok)
        return pd_respond_gerror(r, error);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return pd_respond_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "reading the package: %s",
                                g_strerror(errno));
    }
    struct MHD_Response *resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
    r->bytes = (guint64)st.st_size;
    g_autofree char *name = pd_desk_safe_name(a->slug);
    g_autofree char *disposition = g_strdup_printf("attachment; filename=\"%s.zip\"", name);
    MHD_add_response_header(resp, "Content-Type", "application/zip");
    MHD_add_response_header(resp, "Content-Disposition", disposition);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return pd_respond(r, MHD_HTTP_OK, resp);
}

/* POST /api/articles/ID/deliver {"target", "profile"?, "gps"?, "under_embargo"?}: the
 * package delivered to one of the desk's targets; the article (its deliveries first
 * the new one, with its attempts). 502 when the target did not take it (recorded too). */
enum MHD_Result
pd_api_deliver(Request *r, const PdRouteParams *p)
{
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    PdMember m[] = {
        {"target", PD_TEXT}, {"profile", PD_TEXT}, {"gps", PD_FLAG}, {"under_embargo", PD_FLAG}};
    if (!pd_read_members(r, o, m, G_N_ELEMENTS(m), &result))
        return result;
    if (m[0].text == NULL)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "target: give the name of one of the "
                                "desk's delivery targets");
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    PdPackageOptions po = {
        .gps = m[2].flag,
        .profile = m[1].text,
        .under_embargo = m[3].flag,
        .user = r->session->user,
        .cancellable = r->server->delivery_stop,
    };
    if (cat == NULL ||
        pd_desk_deliver_article(cat, r->server->library, p->id, &po, m[0].text, &error) == 0)
        return pd_respond_gerror(r, error);
    return respond_article(r, cat, p->id, MHD_HTTP_OK);
}
