/* api.c: the JSON API for photos (search, read, correct, history, upload) and their
 * files. The JSON is what the command line prints (ingest/), so the two never drift. */
#include "assets/assets.h"
#include "caption/caption.h"
#include "desk/desk.h"
#include "ingest/ingest.h"
#include "webui/webui-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
arg(Request *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->connection, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

/* A whole number argument in [lo, hi]; FALSE (after responding 400) when it is not. */
static gboolean
int_arg(Request *r, const char *name, int lo, int hi, int *out, enum MHD_Result *result)
{
    const char *v = arg(r, name);
    if (v == NULL)
        return TRUE;
    char *end = NULL;
    gint64 n = g_ascii_strtoll(v, &end, 10);
    if (end == v || *end || n < lo || n > hi) {
        *result = pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                   "%s must be a whole number from %d to %d", name, lo, hi);
        return FALSE;
    }
    *out = (int)n;
    return TRUE;
}

/* GET /api/photos?q=...: the parameters as pd_desk_search_request_parse() reads them. */
enum MHD_Result
pd_api_search(Request *r, const PdRouteParams *p)
{
    g_autoptr(GHashTable) params = pd_api_query_params(r);
    PdSearchRequest req;
    g_autoptr(GError) error = NULL;
    if (!pd_desk_search_request_parse(params, &req, &error))
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s", error->message);
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    char *json = cat ? pd_desk_search_json_in(cat, &req, &error) : NULL;
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_photo(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    char *json = cat ? pd_desk_photo_json(cat, id, &error) : NULL;
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_similar(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    char *json = cat ? pd_desk_similar_json(cat, p->id, &error) : NULL;
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_history(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    enum MHD_Result result;
    int limit = 50, before = 0;
    if (!int_arg(r, "limit", 1, 500, &limit, &result) ||
        !int_arg(r, "before", 1, G_MAXINT, &before, &result))
        return result;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    char *json = cat ? pd_desk_history_json(cat, id, before, limit, &error) : NULL;
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

/* ---------------------------------------------------------------- corrections */

/* A version number given in a body: a whole number from 1; 0 when @node is not one. */
static int
version_of(JsonNode *node)
{
    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_INT64 || json_node_get_int(node) < 1 ||
        json_node_get_int(node) > G_MAXINT)
        return 0;
    return (int)json_node_get_int(node);
}

/* 200 and photo @id as GET gives it, after a change to it. */
static enum MHD_Result
respond_photo(Request *r, PdCatalog *cat, gint64 id)
{
    g_autoptr(GError) error = NULL;
    char *json = pd_desk_photo_json(cat, id, &error);
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_correct(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    const PdCatalogSession *session = r->session;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    /* The fields as the table names them; the desk says which an editor may correct.
     * The strings stay the parser's. */
    PdCorrection fix = {0};
    g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    JsonObjectIter it;
    const char *name;
    JsonNode *node;
    json_object_iter_init(&it, o);
    while (json_object_iter_next(&it, &name, &node)) {
        if (strcmp(name, "version") == 0) {
            fix.version = version_of(node);
            if (fix.version == 0)
                return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                        "version: the photo's version the change was made on, "
                                        "a whole number from 1");
            continue;
        }
        const PdPhotoField *f = pd_photo_field_find(name);
        if (f == NULL || !(f->flags & PD_FIELD_EDITABLE))
            return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                    "%s: not a field an editor corrects (see GET /api/fields; "
                                    "and the version it was made on)",
                                    name);
        if (!(f->flags & PD_FIELD_LIST)) {
            char **slot = pd_photo_text_string(&fix.text, f);
            if (JSON_NODE_HOLDS_NULL(node))
                *slot = "";
            else if (json_node_get_value_type(node) == G_TYPE_STRING)
                *slot = (char *)json_node_get_string(node);
            else
                return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s: give a string or null", name);
            continue;
        }
        GPtrArray *list = g_ptr_array_new();
        g_ptr_array_add(lists, list);
        G_STRUCT_MEMBER(GPtrArray *, &fix.text, f->offset) = list;
        if (JSON_NODE_HOLDS_NULL(node))
            continue;
        if (!JSON_NODE_HOLDS_ARRAY(node))
            return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s: give an array of strings", name);
        JsonArray *a = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(a); i++) {
            JsonNode *k = json_array_get_element(a, i);
            if (json_node_get_value_type(k) != G_TYPE_STRING)
                return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "%s: give an array of strings",
                                        name);
            g_ptr_array_add(list, (gpointer)json_node_get_string(k));
        }
    }

    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gboolean changed = FALSE;
    if (cat == NULL || !pd_desk_correct(cat, id, &fix, session->user, &changed, &error)) {
        if (g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_STALE))
            return pd_api_conflict(r, cat, id, fix.version, error->message);
        return pd_respond_gerror(r, error);
    }
    return respond_photo(r, cat, id);
}

/* 409 for a change made on version @seen of photo @id, which has moved on: the photo as
 * it is, and what changed since, for the editor to merge or overwrite on purpose. */
enum MHD_Result
pd_api_conflict(Request *r, PdCatalog *cat, gint64 id, int seen, const char *message)
{
    g_autoptr(GError) error = NULL;
    char *json = pd_desk_conflict_json(cat, id, seen, message, &error);
    return json ? pd_respond_json(r, MHD_HTTP_CONFLICT, json) : pd_respond_gerror(r, error);
}

enum MHD_Result
pd_api_acknowledge(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    const PdCatalogSession *session = r->session;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    int version = version_of(json_object_get_member(o, "version"));
    if (json_object_get_size(o) != 1 || version == 0)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                "give {\"version\": N}: the wire's version that was seen");
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    if (cat == NULL || !pd_catalog_acknowledge_version(cat, id, version, session->user, &error))
        return pd_respond_gerror(r, error);
    return respond_photo(r, cat, id);
}

/* The desk's pick of a photo: {"rating"?: 0-5, "label"?: "red"... or null to clear}. */
enum MHD_Result
pd_api_pick(Request *r, const PdRouteParams *p)
{
    const PdCatalogSession *session = r->session;
    enum MHD_Result result;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    int rating = -1;
    const char *label = NULL;
    JsonObjectIter it;
    const char *name;
    JsonNode *node;
    json_object_iter_init(&it, o);
    while (json_object_iter_next(&it, &name, &node)) {
        GType t = JSON_NODE_HOLDS_VALUE(node) ? json_node_get_value_type(node) : G_TYPE_INVALID;
        if (strcmp(name, "rating") == 0 && t == G_TYPE_INT64 && json_node_get_int(node) >= 0 &&
            json_node_get_int(node) <= 5)
            rating = (int)json_node_get_int(node);
        else if (strcmp(name, "label") == 0 && JSON_NODE_HOLDS_NULL(node))
            label = "";
        else if (strcmp(name, "label") == 0 && t == G_TYPE_STRING &&
                 pd_catalog_pick_label_valid(json_node_get_string(node)))
            label = json_node_get_string(node);
        else
            return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                                    "%s: give {\"rating\": 0 to 5, \"label\": red, yellow, "
                                    "green, blue, purple or null}",
                                    name);
    }
    if (rating < 0 && label == NULL)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "give a rating, a label, or both");
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    g_autoptr(PdCatalogPick) pick =
        cat ? pd_catalog_set_pick(cat, p->id, rating, label, session->user, &error) : NULL;
    if (pick == NULL)
        return pd_respond_gerror(r, error);
    return respond_photo(r, cat, p->id);
}

/* ---------------------------------------------------------------- files */

enum MHD_Result
pd_api_fields(Request *r, const PdRouteParams *p)
{
    GString *o = g_string_new("{");
    g_autofree char *fields = pd_photo_fields_json();
    pd_json_raw(o, "fields", fields, "[]");
    pd_json_int(o, "max_caption", PD_CORRECTION_MAX_CAPTION, TRUE);
    pd_json_int(o, "max_field", PD_CORRECTION_MAX_FIELD, TRUE);
    pd_json_int(o, "max_keywords", PD_CORRECTION_MAX_KEYWORDS, TRUE);
    g_string_append_c(o, '}');
    return pd_respond_json(r, MHD_HTTP_OK, g_string_free(o, FALSE));
}

#define IMMUTABLE "private, max-age=31536000, immutable"

enum MHD_Result
pd_api_file(Request *r, const PdRouteParams *p)
{
    gint64 id = p->id;
    const char *name = p->file;
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    PdFile f = {0};
    if (cat == NULL || !pd_cache_file(r->server->cache, cat, id, name, arg(r, "v"), &f, &error))
        return pd_respond_gerror(r, error);
    if (pd_etag_matches(r, f.etag)) {
        enum MHD_Result done = pd_respond_not_modified(r, f.etag, IMMUTABLE);
        pd_file_clear(&f);
        return done;
    }
    int fd = open(f.path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        g_printerr("photodesk serve: photo %" G_GINT64_FORMAT " %s: %s: %s\n", id, name, f.path,
                   g_strerror(errno));
        pd_file_clear(&f);
        return pd_respond_error(r, MHD_HTTP_NOT_FOUND,
                                "photo %" G_GINT64_FORMAT "'s %s is missing (photodesk fsck "
                                "--repair makes renditions again)",
                                id, name);
    }
    /* sent from the file (sendfile), not through memory */
    struct MHD_Response *resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
    r->bytes = (guint64)st.st_size;
    MHD_add_response_header(resp, "Content-Type", f.type);
    MHD_add_response_header(resp, "ETag", f.etag);
    MHD_add_response_header(resp, "Cache-Control", IMMUTABLE);
    if (strcmp(name, "original") == 0) {
        g_autofree char *disposition = g_strdup_printf(
            "inline; filename=\"photo-%" G_GINT64_FORMAT ".%s\"", id, f.ext ? f.ext : "bin");
        MHD_add_response_header(resp, "Content-Disposition", disposition);
    }
    pd_file_clear(&f);
    return pd_respond(r, MHD_HTTP_OK, resp);
}

static void
unref_bytes(void *bytes)
{
    g_bytes_unref(bytes);
}

/* GET /api/photos/ID/download[?as=received]: the original with the desk's caption fields
 * embedded (a JPEG), or as the wire sent it. Made for each request: it follows the
 * photo's versions. */
enum MHD_Result
pd_api_download(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    gboolean received = g_strcmp0(arg(r, "as"), "received") == 0;
    gboolean embedded = FALSE;
    g_autofree char *filename = NULL;
    g_autoptr(GBytes) bytes = cat ? pd_desk_original(cat, r->server->library, p->id, received,
                                                     &embedded, &filename, &error)
                                  : NULL;
    if (bytes == NULL)
        return pd_respond_gerror(r, error);
    gsize n = 0;
    const void *data = g_bytes_get_data(bytes, &n);
    /* sent from the bytes themselves (an original can be tens of MB): freed with them */
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback_cls(
        n, (void *)data, unref_bytes, g_bytes_ref(bytes));
    r->bytes = n;
    const char *ext = strrchr(filename, '.');
    const char *type = ext && strcmp(ext, ".jpg") == 0   ? "image/jpeg"
                       : ext && strcmp(ext, ".png") == 0 ? "image/png"
                                                         : "application/octet-stream";
    MHD_add_response_header(resp, "Content-Type", type);
    g_autofree char *disposition = g_strdup_printf("attachment; filename=\"%s\"", filename);
    MHD_add_response_header(resp, "Content-Disposition", disposition);
    MHD_add_response_header(resp, "Cache-Control", "private, no-cache");
    MHD_add_response_header(resp, "X-Photodesk-Metadata", embedded ? "desk" : "as-received");
    return pd_respond(r, MHD_HTTP_OK, resp);
}

/* ---------------------------------------------------------------- uploads */

#define MAX_FILES 1000

struct Upload {
    char *dir; /* LIBRARY/tmp/upload-XXXXXX */
    struct MHD_PostProcessor *pp;
    int fd;                   /* the file being written, or -1 */
    char *part;               /* its form field and name, to see the next part begin */
    GPtrArray *paths, *names; /* where each file went, and what it was called */
    gsize received;
    char *error;   /* the first thing wrong, for the answer */
    gboolean full; /* it was that the disk is full: 507, not the client's fault */
};

static void upload_fail(Upload *u, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
upload_fail(Upload *u, const char *format, ...)
{
    if (u->error)
        return;
    va_list args;
    va_start(args, format);
    u->error = g_strdup_vprintf(format, args);
    va_end(args);
}

static void
close_part(Upload *u)
{
    if (u->fd >= 0 && close(u->fd) != 0) {
        u->full = errno == ENOSPC || errno == EDQUOT;
        upload_fail(u, "writing an upload: %s", g_strerror(errno));
    }
    u->fd = -1;
}

/* A file name as sent, made safe to write: its last part, without control characters
 * or separators, at most 200 bytes. */
static char *
safe_name(const char *sent)
{
    const char *base = sent;
    for (const char *p = sent; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    g_autofree char *valid = g_utf8_make_valid(base, -1);
    GString *s = g_string_new(NULL);
    for (const char *p = valid; *p && s->len < 200; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x20 || c == 0x7F || c == ':')
            g_string_append_c(s, '_');
        else
            g_string_append_unichar(s, c);
    }
    if (s->len == 0 || strcmp(s->str, ".") == 0 || strcmp(s->str, "..") == 0)
        g_string_assign(s, "upload");
    return g_string_free(s, FALSE);
}

static enum MHD_Result
upload_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
            const char *content_type_, const char *transfer_encoding, const char *data,
            uint64_t off, size_t size)
{
    Upload *u = cls;
    if (filename == NULL || u->error)
        return MHD_YES; /* a plain form field: nothing to keep */
    g_autofree char *part = g_strdup_printf("%s\n%s", key ? key : "", filename);
    if (u->fd < 0 || off == 0 || g_strcmp0(part, u->part) != 0) {
        close_part(u);
        if (u->paths->len >= MAX_FILES) {
            upload_fail(u, "more than %d files in one upload", MAX_FILES);
            return MHD_YES;
        }
        g_autofree char *name = safe_name(filename);
        g_autofree char *file = g_strdup_printf("%04u-%s", u->paths->len, name);
        char *path = g_build_filename(u->dir, file, NULL);
        u->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (u->fd < 0) {
            upload_fail(u, "saving %s: %s", name, g_strerror(errno));
            g_free(path);
            return MHD_YES;
        }
        g_ptr_array_add(u->paths, path);
        g_ptr_array_add(u->names, g_utf8_make_valid(filename, -1));
        g_free(u->part);
        u->part = g_steal_pointer(&part);
    }
    while (size > 0) {
        ssize_t w = write(u->fd, data, size);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            u->full = errno == ENOSPC || errno == EDQUOT;
            upload_fail(u, "saving an upload: %s", g_strerror(errno));
            return MHD_YES;
        }
        data += w;
        size -= (size_t)w;
    }
    return MHD_YES;
}

gboolean
pd_upload_begin(Request *r, GError **error)
{
    Upload *u = g_new0(Upload, 1);
    u->fd = -1;
    u->paths = g_ptr_array_new_with_free_func(g_free);
    u->names = g_ptr_array_new_with_free_func(g_free);
    r->upload = u;
    const char *type = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Content-Type");
    if (type == NULL || g_ascii_strncasecmp(type, "multipart/form-data", 19) != 0) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_INIT,
                    "upload photos as multipart/form-data");
        return FALSE;
    }
    u->pp = MHD_create_post_processor(r->connection, 64 * 1024, upload_part, u);
    if (u->pp == NULL) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_INIT,
                    "the multipart upload has no boundary");
        return FALSE;
    }
    g_autofree char *tmp = g_build_filename(r->server->library, "tmp", NULL);
    g_mkdir_with_parents(tmp, 0700);
    u->dir = g_build_filename(tmp, "upload-XXXXXX", NULL);
    if (g_mkdtemp(u->dir) == NULL) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_INIT, "cannot make %s: %s", u->dir,
                    g_strerror(errno));
        g_clear_pointer(&u->dir, g_free);
        return FALSE;
    }
    return TRUE;
}

void
pd_upload_feed(Request *r, const char *data, size_t size)
{
    Upload *u = r->upload;
    u->received += size;
    if (u->received > r->limit) {
        r->too_large = TRUE;
        return;
    }
    if (u->error == NULL && MHD_post_process(u->pp, data, size) != MHD_YES)
        upload_fail(u, "the multipart body is malformed");
}

void
pd_upload_free(Upload *u)
{
    if (u == NULL)
        return;
    close_part(u);
    if (u->pp)
        MHD_destroy_post_processor(u->pp);
    for (guint i = 0; i < u->paths->len; i++)
        g_unlink(g_ptr_array_index(u->paths, i));
    if (u->dir)
        g_rmdir(u->dir);
    g_ptr_array_unref(u->paths);
    g_ptr_array_unref(u->names);
    g_free(u->dir);
    g_free(u->part);
    g_free(u->error);
    g_free(u);
}

/* An upload's files in the server's one ingest queue: the request waits (on its own
 * connection's thread) until each is reported. */
typedef struct {
    Upload *upload;
    guint files, reported;
    char **results; /* the JSON of each file, in the order they were sent */
    char *failure;  /* why the catalog could not be written, if it could not */
    GMutex lock;
    GCond all_reported;
} Reported;

static void
report(const PdIngestResult *result, gpointer data)
{
    Reported *rep = data;
    g_mutex_lock(&rep->lock);
    for (guint i = 0; i < rep->files; i++) {
        if (strcmp(result->file, g_ptr_array_index(rep->upload->paths, i)) != 0)
            continue;
        PdIngestResult named = *result;
        named.file = g_ptr_array_index(rep->upload->names, i);
        g_free(rep->results[i]);
        rep->results[i] = pd_ingest_result_to_json(&named);
    }
    if (result->catalog_failed && rep->failure == NULL)
        rep->failure = g_strdup(result->error);
    if (++rep->reported == rep->files)
        g_cond_signal(&rep->all_reported);
    g_mutex_unlock(&rep->lock);
}

enum MHD_Result
pd_upload_finish(Request *r, const PdRouteParams *p)
{
    Upload *u = r->upload;
    if (u == NULL)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "upload photos as multipart/form-data");
    close_part(u);
    if (u->error)
        return pd_respond_error(r, u->full ? MHD_HTTP_INSUFFICIENT_STORAGE : MHD_HTTP_BAD_REQUEST,
                                "%s", u->error);
    if (u->paths->len == 0)
        return pd_respond_error(r, MHD_HTTP_BAD_REQUEST, "no file in the upload");

    Reported rep = {u, u->paths->len, 0, g_new0(char *, u->paths->len), NULL};
    g_mutex_init(&rep.lock);
    g_cond_init(&rep.all_reported);
    PdIngestTask task = {report, &rep, FALSE, NULL};
    for (guint i = 0; i < u->paths->len; i++)
        pd_ingest_queue_add(r->server->queue, g_ptr_array_index(u->paths, i), &task);
    g_mutex_lock(&rep.lock);
    while (rep.reported < rep.files)
        g_cond_wait(&rep.all_reported, &rep.lock);
    g_mutex_unlock(&rep.lock);
    g_mutex_clear(&rep.lock);
    g_cond_clear(&rep.all_reported);

    GString *o = g_string_new("{\"results\": [");
    for (guint i = 0; i < u->paths->len; i++) {
        if (i)
            g_string_append(o, ", ");
        g_string_append(o, rep.results[i] ? rep.results[i] : "null");
        g_free(rep.results[i]);
    }
    g_string_append(o, "]}");
    g_free(rep.results);
    if (rep.failure) {
        g_autofree char *failure = rep.failure;
        g_string_free(o, TRUE);
        return pd_respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", failure);
    }
    return pd_respond_json(r, MHD_HTTP_OK, g_string_free(o, FALSE));
}

/* ---------------------------------------------------------------- the desk's agencies */

enum MHD_Result
pd_api_agencies(Request *r, const PdRouteParams *p)
{
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = pd_server_catalog(r->server, &error);
    char *json = cat ? pd_desk_agencies_json(cat, &error) : NULL;
    return json ? pd_respond_json(r, MHD_HTTP_OK, json) : pd_respond_gerror(r, error);
}

/* PUT /api/agencies {"agencies": ["AP", "Reuters"]}: an admin's (routes.c). */
enum MHD_Result
pd_api_agencies_set(Request *r, const PdRouteParams *p)
{
    JsonParser *parser = NULL;
    enum MHD_Result result;
    JsonObject *o = pd_request_json(r, &parser, &result);
    if (o == NULL)
        return result;
    JsonNode *n = json_object_get_member(o, "agencies");
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    gboolean ok =
        n && JSON_NODE_HOLDS_ARRAY(n) && json_array_get_length(json_node_get_array(n)) <= 64;
    for (guint i = 0; ok && i < json_array_get_length(json_node_get_array(n)); i++) {
        JsonNode *e = json_array_get_element(json_node_get_array(n), i);
        ok = JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING;
        if (ok)
            g_ptr_array_add(names, (gpointer)json_node_get_string(e));
    }
    g_ptr_array_add(names, NULL);
    g_autoptr(GError) error = NULL;
    PdCatalog *cat = ok ? pd_server_catalog(r->server, &error) : NULL;
    ok = ok && cat && pd_desk_set_agencies(cat, (const char *const *)names->pdata, &error);
    char *json = ok ? pd_desk_agencies_json(cat, &error) : NULL;
    g_object_unref(parser);
    if (json)
        return pd_respond_json(r, MHD_HTTP_OK, json);
    if (error)
        return pd_respond_gerror(r, error);
    return pd_respond_error(r, MHD_HTTP_BAD_REQUEST,
                            "agencies must be an array of at most 64 names (strings)");
}
