/* targets.c: where the desk delivers packages besides a download. An admin names a
 * folder (a CMS's drop folder, a share) or an HTTP address (a CMS's webhook); an editor
 * delivers an article's package there. A folder gets the package whole or not at all:
 * written under a dot-name and renamed into place, never over another. An address gets
 * it as multipart/form-data, tried again with a growing pause while it answers with a
 * server's error or not at all, each attempt kept with its answer. Kept as a setting of
 * the catalog ({"next": N, "targets": [{"id", "name", "folder" | "url", "layout",
 * "header", "attempts", "backoff", "by", "at"}]}). */
#include "desk/desk-private.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TARGETS_KEY      "targets"
#define DEFAULT_ATTEMPTS 4
#define DEFAULT_BACKOFF  2.0
#define RETRY_AFTER_MAX  60  /* s: the most a target's Retry-After is waited for */
#define ANSWER_MAX       200 /* bytes of an answer's body kept */

void
pd_desk_target_free(PdDeskTarget *t)
{
    if (t == NULL)
        return;
    g_free(t->name);
    g_free(t->folder);
    g_free(t->url);
    g_free(t->layout);
    g_free(t->header);
    g_free(t->by);
    g_free(t->at);
    g_free(t);
}

static GPtrArray *
read_targets(PdCatalog *catalog, gint64 *next, GError **error)
{
    g_autoptr(JsonParser) p = NULL;
    JsonObject *o;
    JsonArray *a;
    if (!pd_desk_setting(catalog, TARGETS_KEY, "targets", &p, &o, &a, error))
        return NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)pd_desk_target_free);
    *next = o ? json_object_get_int_member_with_default(o, "next", 1) : 1;
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *to = json_array_get_object_element(a, i);
        if (to == NULL)
            continue;
        PdDeskTarget *t = g_new0(PdDeskTarget, 1);
        t->id = json_object_get_int_member_with_default(to, "id", 0);
        t->name = pd_desk_text_member(to, "name");
        t->folder = pd_desk_text_member(to, "folder");
        t->url = pd_desk_text_member(to, "url");
        t->layout = pd_desk_text_member(to, "layout");
        t->header = pd_desk_text_member(to, "header");
        t->attempts = (int)json_object_get_int_member_with_default(to, "attempts", 0);
        t->backoff = json_object_get_double_member_with_default(to, "backoff", 0);
        t->by = pd_desk_text_member(to, "by");
        t->at = pd_desk_text_member(to, "at");
        if (t->name == NULL || (t->folder == NULL) == (t->url == NULL)) {
            pd_desk_target_free(t);
            continue;
        }
        if (t->layout == NULL)
            t->layout = g_strdup("files");
        if (t->attempts <= 0)
            t->attempts = DEFAULT_ATTEMPTS;
        if (t->backoff <= 0)
            t->backoff = DEFAULT_BACKOFF;
        g_ptr_array_add(all, t);
    }
    return all;
}

/* The name of @header ("Authorization" of "Authorization: Bearer x"): newly allocated. */
static char *
header_name(const char *header)
{
    const char *colon = strchr(header, ':');
    return g_strstrip(g_strndup(header, colon ? (gsize)(colon - header) : strlen(header)));
}

/* @all as the "targets" member; the header's value only with @secrets (the setting
 * itself), else its name alone. */
static void
targets_member(GString *o, GPtrArray *all, gboolean secrets)
{
    pd_json_key(o, "targets");
    g_string_append_c(o, '[');
    for (guint i = 0; i < all->len; i++) {
        const PdDeskTarget *t = g_ptr_array_index(all, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_int64(o, "id", t->id);
        pd_json_string(o, "name", t->name);
        if (!secrets)
            pd_json_string(o, "kind", t->folder ? "folder" : "http");
        pd_json_string(o, "folder", t->folder);
        pd_json_string(o, "url", t->url);
        pd_json_string(o, "layout", t->layout);
        g_autofree char *name = t->header && !secrets ? header_name(t->header) : NULL;
        pd_json_string(o, "header", secrets ? t->header : name);
        pd_json_int(o, "attempts", t->attempts, TRUE);
        pd_json_key(o, "backoff");
        char d[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append(o, g_ascii_formatd(d, sizeof d, "%g", t->backoff));
        pd_json_string(o, "by", t->by);
        pd_json_string(o, "at", t->at);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

static gboolean
write_targets(PdCatalog *catalog, GPtrArray *all, gint64 next, GError **error)
{
    g_autoptr(GString) o = g_string_new("{");
    pd_json_int64(o, "next", next);
    targets_member(o, all, TRUE);
    g_string_append_c(o, '}');
    return pd_catalog_set_setting(catalog, TARGETS_KEY, o->str, error);
}

GPtrArray *
pd_desk_targets(PdCatalog *catalog, GError **error)
{
    gint64 next;
    return read_targets(catalog, &next, error);
}

const PdDeskTarget *
pd_desk_target_named(GPtrArray *targets, const char *name)
{
    if (name == NULL)
        return NULL;
    g_autofree char *want = g_utf8_casefold(name, -1);
    for (guint i = 0; targets && i < targets->len; i++) {
        const PdDeskTarget *t = g_ptr_array_index(targets, i);
        g_autofree char *have = g_utf8_casefold(t->name, -1);
        if (strcmp(have, want) == 0)
            return t;
    }
    return NULL;
}

/* @given checked, and made what is kept (@t, filled in). */
static gboolean
check_target(const PdDeskTarget *given, PdDeskTarget *t, GError **error)
{
    if (!pd_desk_check_line("name", given->name, 100, error) ||
        !pd_desk_check_line("folder", given->folder, 4096, error) ||
        !pd_desk_check_line("url", given->url, 2048, error) ||
        !pd_desk_check_line("header", given->header, 4096, error))
        return FALSE;
    t->name = given->name ? g_strstrip(g_strdup(given->name)) : NULL;
    if (t->name == NULL || *t->name == '\0')
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID, "a delivery target needs a name");
    gboolean folder = given->folder && *given->folder, url = given->url && *given->url;
    if (folder == url)
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                            "target \"%s\": give a folder or an address (url), one of them",
                            t->name);
    if (folder) {
        if (!g_path_is_absolute(given->folder))
            return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                                "folder: \"%s\" is not an absolute path", given->folder);
        if (!g_file_test(given->folder, G_FILE_TEST_IS_DIR))
            return pd_desk_fail(error, PD_DESK_ERROR_INVALID, "folder: \"%s\" is not a folder",
                                given->folder);
        t->folder = g_canonicalize_filename(given->folder, NULL);
    } else {
        g_autoptr(GUri) uri = g_uri_parse(given->url, G_URI_FLAGS_NONE, NULL);
        const char *scheme = uri ? g_uri_get_scheme(uri) : NULL;
        if (uri == NULL || g_uri_get_host(uri) == NULL || *g_uri_get_host(uri) == '\0' ||
            (g_ascii_strcasecmp(scheme, "http") != 0 && g_ascii_strcasecmp(scheme, "https") != 0))
            return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                                "url: \"%s\" is not an http:// or https:// address", given->url);
        t->url = g_strdup(given->url);
    }
    const char *layout = given->layout && *given->layout ? given->layout : "files";
    if (strcmp(layout, "files") != 0 && strcmp(layout, "zip") != 0)
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                            "layout: \"%s\" is not \"files\" or \"zip\"", layout);
    t->layout = g_strdup(layout);
    if (given->header && *given->header) {
        const char *colon = strchr(given->header, ':');
        g_autofree char *name = header_name(given->header);
        gboolean token = *name != '\0';
        for (const char *c = name; *c && token; c++)
            token = g_ascii_isalnum(*c) || strchr("!#$%&'*+-.^_`|~", *c);
        if (colon == NULL || !token)
            return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                                "header: \"Name: value\", a header sent with each post");
        if (folder)
            return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                                "header: a folder target sends no headers");
        t->header = g_strdup(given->header);
    }
    t->attempts = given->attempts ? given->attempts : DEFAULT_ATTEMPTS;
    if (t->attempts < 1 || t->attempts > 10)
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID, "attempts: %d is not between 1 and 10",
                            given->attempts);
    t->backoff = given->backoff ? given->backoff : DEFAULT_BACKOFF;
    if (!(t->backoff >= 0.05 && t->backoff <= 60))
        return pd_desk_fail(error, PD_DESK_ERROR_INVALID,
                            "backoff: %g s is not between 0.05 and 60", given->backoff);
    return TRUE;
}

/* Keeps *@checked (taken: NULL after) in the targets, in place of one of its name. */
static gboolean
save_in(PdCatalog *catalog, PdDeskTarget **checked, gint64 *id, GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) all = read_targets(catalog, &next, error);
    if (all == NULL)
        return FALSE;
    PdDeskTarget *t = g_steal_pointer(checked);
    const PdDeskTarget *old = pd_desk_target_named(all, t->name);
    guint at = all->len;
    if (old && g_ptr_array_find(all, old, &at)) {
        t->id = old->id;
        pd_desk_target_free(g_ptr_array_index(all, at));
        g_ptr_array_index(all, at) = t;
    } else {
        t->id = next++;
        g_ptr_array_add(all, t);
    }
    *id = t->id;
    return write_targets(catalog, all, next, error);
}

gint64
pd_desk_save_target(PdCatalog *catalog, const PdDeskTarget *given, const char *by_user,
                    GError **error)
{
    g_autoptr(PdDeskTarget) t = g_new0(PdDeskTarget, 1);
    if (!check_target(given, t, error))
        return 0;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    t->by = g_strdup(by_user);
    t->at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    gint64 id = 0;
    gboolean ok = pd_catalog_begin(catalog, error) &&
                  pd_catalog_finish(catalog, save_in(catalog, &t, &id, error), error);
    return ok ? id : 0;
}

static gboolean
remove_in(PdCatalog *catalog, gint64 id, GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) all = read_targets(catalog, &next, error);
    if (all == NULL)
        return FALSE;
    for (guint i = 0; i < all->len; i++)
        if (((PdDeskTarget *)g_ptr_array_index(all, i))->id == id) {
            g_ptr_array_remove_index(all, i);
            return write_targets(catalog, all, next, error);
        }
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                "no delivery target %" G_GINT64_FORMAT, id);
    return FALSE;
}

gboolean
pd_desk_remove_target(PdCatalog *catalog, gint64 id, GError **error)
{
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, remove_in(catalog, id, error), error);
}

char *
pd_desk_targets_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_desk_targets(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{");
    targets_member(o, all, FALSE);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

/* ---------------------------------------------------------------- delivering */

static PdCatalogAttempt *
attempt_new(gboolean ok, double seconds, char *answer)
{
    PdCatalogAttempt *a = g_new0(PdCatalogAttempt, 1);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    a->at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    a->ok = ok;
    a->seconds = seconds;
    a->answer = answer;
    return a;
}

static void
attempted(PdCatalogDelivery *d, const PdPackageOptions *options, PdCatalogAttempt *a)
{
    if (d->attempts == NULL)
        d->attempts = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_attempt_free);
    g_ptr_array_add(d->attempts, a);
    if (options->attempted)
        options->attempted(a, options->user_data);
}

/* Writes @data to @path (a new file) and flushes it to the disk. */
static gboolean
write_new(const char *path, GBytes *data, GError **error)
{
    int fd = g_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    gsize n = 0;
    const char *p = g_bytes_get_data(data, &n);
    gboolean ok = fd >= 0;
    while (ok && n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok) {
            p += w;
            n -= (gsize)w;
        }
    }
    ok = ok && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = FALSE;
        saved = errno;
    }
    if (!ok)
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path,
                    g_strerror(saved));
    return ok;
}

static void
sync_folder(const char *folder)
{
    int fd = g_open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Renames @from to @to unless @to exists (a file or a folder). */
static gboolean
rename_new(const char *from, const char *to)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return TRUE;
    if (errno != EINVAL && errno != ENOSYS)
        return FALSE;
    /* a filesystem without it: as close as can be */
    if (g_file_test(to, G_FILE_TEST_EXISTS)) {
        errno = EEXIST;
        return FALSE;
    }
    return rename(from, to) == 0;
}

/* Removes @path, a file or a folder of files. */
static void
remove_partial(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *file = g_build_filename(path, name, NULL);
        g_unlink(file);
    }
    if (g_remove(path) != 0 && errno != ENOENT)
        g_warning("cannot remove %s: %s", path, g_strerror(errno));
}

/* The package written into ->folder: a folder of files or a zip, made under a dot-name
 * (which a reader of the folder skips) and renamed into place, under its own name or,
 * when that is taken, NAME-2, NAME-3... */
static gboolean
to_folder(const PdDeskTarget *t, const char *base, GPtrArray *files, PdCatalogDelivery *d,
          GError **error)
{
    gboolean zip = strcmp(t->layout, "zip") == 0;
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    g_autofree char *name = g_strdup_printf("%s-%s", base, stamp);
    g_autofree char *partial = g_strdup_printf("%s/.%s.partXXXXXX", t->folder, name);
    GError *local = NULL;
    gboolean ok;
    if (zip) {
        int fd = g_mkstemp_full(partial, O_RDWR | O_CLOEXEC, 0644);
        ok = fd >= 0;
        if (ok) {
            close(fd);
            ok = pd_desk_write_zip(partial, files, &local);
            int zfd = ok ? g_open(partial, O_RDONLY | O_CLOEXEC, 0) : -1;
            if (zfd >= 0) {
                ok = fsync(zfd) == 0;
                close(zfd);
            }
        }
    } else {
        ok = g_mkdtemp_full(partial, 0755) != NULL;
        for (guint i = 0; ok && i < files->len; i++) {
            const PdDeskFile *f = g_ptr_array_index(files, i);
            g_autofree char *path = g_build_filename(partial, f->name, NULL);
            ok = write_new(path, f->data, &local);
        }
        if (ok)
            sync_folder(partial);
    }
    if (ok) {
        for (int n = 1; n <= 100; n++) {
            g_autofree char *final =
                n == 1 ? g_strdup_printf("%s/%s%s", t->folder, name, zip ? ".zip" : "")
                       : g_strdup_printf("%s/%s-%d%s", t->folder, name, n, zip ? ".zip" : "");
            if (rename_new(partial, final)) {
                sync_folder(t->folder);
                d->location = g_steal_pointer(&final);
                return TRUE;
            }
            if (errno != EEXIST && errno != ENOTEMPTY)
                break;
        }
    }
    int saved = errno;
    g_autofree char *why =
        local ? g_strdup(local->message) : g_strdup_printf("%s: %s", t->folder, g_strerror(saved));
    g_clear_error(&local);
    remove_partial(partial);
    return pd_desk_fail(error, PD_DESK_ERROR_UNDELIVERED, "%s", why);
}

typedef struct {
    GString *body; /* the first bytes of the answer */
} Answer;

static size_t
keep_answer(char *data, size_t size, size_t n, void *user)
{
    Answer *a = user;
    gsize len = size * n;
    if (a->body->len < ANSWER_MAX)
        g_string_append_len(a->body, data, (gssize)MIN(len, ANSWER_MAX - a->body->len));
    return len;
}

/* @body's first line made safe to keep: valid UTF-8, no control characters, trimmed. */
static char *
answer_line(const GString *body)
{
    g_autofree char *valid = g_utf8_make_valid(body->str, (gssize)body->len);
    char *nl = strpbrk(valid, "\r\n");
    if (nl)
        *nl = '\0';
    for (char *c = valid; *c; c++)
        if ((guchar)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    return g_strdup(g_strstrip(valid));
}

/* libcurl's progress callback: non-zero stops the transfer (the cancellable's). */
static int
still_wanted(void *user, curl_off_t down_total, curl_off_t down, curl_off_t up_total, curl_off_t up)
{
    (void)down_total;
    (void)down;
    (void)up_total;
    (void)up;
    return g_cancellable_is_cancelled(user) ? 1 : 0;
}

/* Waits @seconds, or until @cancellable is cancelled: whether it was not. */
static gboolean
pause_for(double seconds, GCancellable *cancellable)
{
    gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    for (;;) {
        if (cancellable && g_cancellable_is_cancelled(cancellable))
            return FALSE;
        gint64 left = end - g_get_monotonic_time();
        if (left <= 0)
            return TRUE;
        g_usleep((gulong)MIN(left, 50000));
    }
}

static void
curl_once(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        g_once_init_leave(&done, 1);
    }
}

/* Whether an answer of @status (0: none came) is worth trying again: none, a timeout, too
 * many requests, a server's error. */
static gboolean
worth_again(long status)
{
    return status == 0 || status == 408 || status == 429 || status >= 500;
}

/* The package posted to ->url as multipart/form-data: "article" (article.json) and a
 * "photo" per photo, or "package" (the zip); tried up to ->attempts times, pausing
 * ->backoff seconds and twice that after each (or as long as the target's Retry-After
 * asks, up to a minute) while it answers with a server's error or not at all. */
static gboolean
to_address(const PdDeskTarget *t, const char *library, const char *base, GPtrArray *files,
           const PdPackageOptions *options, PdCatalogDelivery *d, GError **error)
{
    curl_once();
    g_autoptr(GBytes) zipped = NULL;
    g_autofree char *zip_name = g_strdup_printf("%s.zip", base);
    if (strcmp(t->layout, "zip") == 0) {
        g_autofree char *dir = g_build_filename(library, "tmp", "deliver-XXXXXX", NULL);
        g_autofree char *tmp = g_path_get_dirname(dir);
        g_mkdir_with_parents(tmp, 0700);
        if (g_mkdtemp(dir) == NULL)
            return pd_desk_fail(error, PD_DESK_ERROR_UNDELIVERED, "cannot make %s: %s", dir,
                                g_strerror(errno));
        g_autofree char *path = g_build_filename(dir, zip_name, NULL);
        GError *local = NULL;
        char *data = NULL;
        gsize len = 0;
        gboolean ok = pd_desk_write_zip(path, files, &local) &&
                      g_file_get_contents(path, &data, &len, &local);
        g_unlink(path);
        g_rmdir(dir);
        if (!ok) {
            g_autofree char *why = g_strdup(local->message);
            g_error_free(local);
            return pd_desk_fail(error, PD_DESK_ERROR_UNDELIVERED, "%s", why);
        }
        zipped = g_bytes_new_take(data, len);
    }
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return pd_desk_fail(error, PD_DESK_ERROR_UNDELIVERED, "%s: cannot start an HTTP client",
                            t->url);
    curl_mime *mime = curl_mime_init(curl);
    if (zipped) {
        curl_mimepart *part = curl_mime_addpart(mime);
        gsize n;
        const char *data = g_bytes_get_data(zipped, &n);
        curl_mime_name(part, "package");
        curl_mime_filename(part, zip_name);
        curl_mime_type(part, "application/zip");
        curl_mime_data(part, data, n);
    } else {
        for (guint i = 0; i < files->len; i++) {
            const PdDeskFile *f = g_ptr_array_index(files, i);
            curl_mimepart *part = curl_mime_addpart(mime);
            gsize n;
            const char *data = g_bytes_get_data(f->data, &n);
            curl_mime_name(part, strcmp(f->type, "image/jpeg") == 0 ? "photo" : "article");
            curl_mime_filename(part, f->name);
            curl_mime_type(part, f->type);
            curl_mime_data(part, data, n);
        }
    }
    g_autofree char *key = g_uuid_string_random();
    g_autofree char *key_header = g_strdup_printf("Idempotency-Key: %s", key);
    struct curl_slist *headers = curl_slist_append(NULL, key_header);
    headers = curl_slist_append(headers, "Expect:");
    if (t->header)
        headers = curl_slist_append(headers, t->header);
    char why[CURL_ERROR_SIZE] = "";
    Answer answer = {g_string_new(NULL)};
    curl_easy_setopt(curl, CURLOPT_URL, t->url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "photodesk");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, why);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    if (options->cancellable) {
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, still_wanted);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, options->cancellable);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    }
    d->location = g_strdup(t->url);
    gboolean ok = FALSE;
    double pause = t->backoff;
    g_autofree char *last = NULL;
    for (int n = 1; n <= t->attempts && !ok; n++) {
        g_string_truncate(answer.body, 0);
        why[0] = '\0';
        gint64 start = g_get_monotonic_time();
        CURLcode rc = curl_easy_perform(curl);
        double seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
        long status = 0;
        curl_off_t retry_after = 0;
        if (rc == CURLE_OK) {
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
            curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after);
        }
        g_free(last);
        if (rc == CURLE_ABORTED_BY_CALLBACK) {
            last = g_strdup("stopped: photodesk is stopping");
        } else if (rc != CURLE_OK) {
            last = g_strdup(why[0] ? why : curl_easy_strerror(rc));
        } else {
            g_autofree char *line = answer_line(answer.body);
            last = *line ? g_strdup_printf("HTTP %ld: %s", status, line)
                         : g_strdup_printf("HTTP %ld", status);
        }
        ok = rc == CURLE_OK && status >= 200 && status < 300;
        attempted(d, options, attempt_new(ok, seconds, g_strdup(last)));
        if (ok || !worth_again(status) || n == t->attempts || rc == CURLE_ABORTED_BY_CALLBACK)
            break;
        double wait = retry_after > 0 ? MIN((double)retry_after, RETRY_AFTER_MAX) : pause;
        if (!pause_for(wait, options->cancellable)) {
            g_free(last);
            last = g_strdup_printf("stopped after attempt %d: photodesk is stopping", n);
            break;
        }
        pause *= 2;
    }
    g_string_free(answer.body, TRUE);
    curl_slist_free_all(headers);
    curl_mime_free(mime);
    curl_easy_cleanup(curl);
    if (ok)
        return TRUE;
    guint tries = d->attempts ? d->attempts->len : 0;
    return pd_desk_fail(error, PD_DESK_ERROR_UNDELIVERED,
                        "%s did not take the package (%u attempt%s): %s", t->url, tries,
                        tries == 1 ? "" : "s", last ? last : "no answer");
}

gboolean
pd_desk_send(const PdDeskTarget *t, const char *library, const char *base, GPtrArray *files,
             const PdPackageOptions *options, PdCatalogDelivery *d, GError **error)
{
    if (t->url)
        return to_address(t, library, base, files, options, d, error);
    gint64 start = g_get_monotonic_time();
    GError *local = NULL;
    gboolean ok = to_folder(t, base, files, d, &local);
    double seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    attempted(
        d, options,
        attempt_new(ok, seconds,
                    ok ? g_strdup_printf("written: %s", d->location) : g_strdup(local->message)));
    if (!ok) {
        d->location = g_strdup(t->folder);
        g_propagate_error(error, local);
    }
    return ok;
}
