/* assets.c: the content-addressed store on disk.
 *
 * Durability is by the classic publish protocol: write under tmp/ (same filesystem),
 * fsync the file, link() it to its final name (which fails if the name exists, so a
 * stored file is never replaced), fsync the folder that now holds the name, and only
 * then unlink the temporary name. A crash at any point leaves either no final name or a
 * complete one, plus at most a temporary file for fsck to sweep.
 */
#include "assets/assets.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK(pd_assets_error, pd_assets_error)

struct PdStore {
    char *library;
    char *tmp;
};

struct PdSha256 {
    EVP_MD_CTX *ctx;
};

/* libcrypto's SHA-256, fetched once: OpenSSL 3 looks the provider up on every
 * EVP_sha256() call otherwise. Read-only after the first call. */
static const EVP_MD *
sha256_md(void)
{
    static gsize once = 0;
    static EVP_MD *md = NULL;
    if (g_once_init_enter(&once)) {
        md = EVP_MD_fetch(NULL, "SHA256", NULL);
        if (md == NULL)
            g_error("libcrypto has no SHA-256");
        g_once_init_leave(&once, 1);
    }
    return md;
}

static void
to_hex(const unsigned char *digest, char hex[PD_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = 0;
}

void
pd_assets_sha256(const void *data, gsize len, char hex[PD_SHA256_HEX])
{
    unsigned char digest[32];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, digest, &n, sha256_md(), NULL) || n != 32)
        g_error("SHA-256 failed");
    to_hex(digest, hex);
}

PdSha256 *
pd_sha256_new(void)
{
    PdSha256 *h = g_new0(PdSha256, 1);
    h->ctx = EVP_MD_CTX_new();
    if (h->ctx == NULL || !EVP_DigestInit_ex(h->ctx, sha256_md(), NULL))
        g_error("SHA-256 init failed");
    return h;
}

void
pd_sha256_update(PdSha256 *h, const void *data, gsize len)
{
    if (!EVP_DigestUpdate(h->ctx, data, len))
        g_error("SHA-256 update failed");
}

void
pd_sha256_finish(PdSha256 *h, char hex[PD_SHA256_HEX])
{
    unsigned char digest[32];
    unsigned int n = 0;
    if (!EVP_DigestFinal_ex(h->ctx, digest, &n) || n != 32)
        g_error("SHA-256 final failed");
    to_hex(digest, hex);
    EVP_MD_CTX_free(h->ctx);
    g_free(h);
}

static gboolean
io_error(GError **error, int err, const char *what, const char *path)
{
    g_set_error(error, PD_ASSETS_ERROR, PD_ASSETS_ERROR_IO, "%s %s: %s", what, path,
                g_strerror(err));
    return FALSE;
}

static gboolean
fsync_dir(const char *dir, GError **error)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return io_error(error, errno, "cannot open folder", dir);
    int r = fsync(fd);
    int e = errno;
    close(fd);
    if (r != 0)
        return io_error(error, e, "cannot sync folder", dir);
    return TRUE;
}

/* Makes the folder @dir and each missing one above it, one level at a time, and fsyncs
 * the folder that holds each new one: after a power cut, a name linked into a new
 * folder is reachable from the library (fsyncing only the last folder would leave its
 * own entry, and its parent's, to chance). */
static gboolean
make_durable_dirs(const char *dir, GError **error)
{
    if (g_file_test(dir, G_FILE_TEST_IS_DIR))
        return TRUE;
    g_autofree char *parent = g_path_get_dirname(dir);
    if (strcmp(parent, dir) == 0)
        return io_error(error, ENOENT, "cannot create folder", dir);
    if (!make_durable_dirs(parent, error))
        return FALSE;
    if (mkdir(dir, 0755) != 0) {
        if (errno == EEXIST && g_file_test(dir, G_FILE_TEST_IS_DIR))
            return TRUE; /* another worker made it: it synced the parent */
        return io_error(error, errno, "cannot create folder", dir);
    }
    return fsync_dir(parent, error);
}

PdStore *
pd_store_open(const char *library, GError **error)
{
    g_autofree char *originals = g_build_filename(library, "originals", NULL);
    g_autofree char *renditions = g_build_filename(library, "renditions", NULL);
    g_autofree char *tmp = g_build_filename(library, "tmp", NULL);
    if (!make_durable_dirs(originals, error) || !make_durable_dirs(renditions, error) ||
        !make_durable_dirs(tmp, error)) {
        g_prefix_error(error, "library %s: ", library);
        return NULL;
    }
    PdStore *store = g_new0(PdStore, 1);
    store->library = g_strdup(library);
    store->tmp = g_steal_pointer(&tmp);
    return store;
}

void
pd_store_close(PdStore *store)
{
    if (store == NULL)
        return;
    g_free(store->library);
    g_free(store->tmp);
    g_free(store);
}

const char *
pd_store_library(const PdStore *store)
{
    return store->library;
}

static gboolean
valid_sha(const char *sha256)
{
    if (sha256 == NULL || strlen(sha256) != 64)
        return FALSE;
    for (int i = 0; i < 64; i++)
        if (!g_ascii_isxdigit(sha256[i]) || g_ascii_isupper(sha256[i]))
            return FALSE;
    return TRUE;
}

char *
pd_store_original_path(const PdStore *store, const char *sha256, const char *ext)
{
    g_return_val_if_fail(valid_sha(sha256), NULL);
    g_autofree char *name = g_strdup_printf("%s.%s", sha256, ext);
    char a[3] = {sha256[0], sha256[1], 0}, b[3] = {sha256[2], sha256[3], 0};
    return g_build_filename(store->library, "originals", a, b, name, NULL);
}

char *
pd_store_rendition_path(const PdStore *store, const char *name, const char *sha256)
{
    g_return_val_if_fail(valid_sha(sha256), NULL);
    g_autofree char *file = g_strdup_printf("%s.jpg", sha256);
    char a[3] = {sha256[0], sha256[1], 0}, b[3] = {sha256[2], sha256[3], 0};
    return g_build_filename(store->library, "renditions", name, a, b, file, NULL);
}

static gboolean
write_all(int fd, const guint8 *p, gsize len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return FALSE;
        p += w;
        len -= (gsize)w;
    }
    return TRUE;
}

/* A file the store already had, taken again: it is given the time it was taken, so that
 * fsck, which leaves young files alone, does not remove it while the ingest that took it
 * is still committing its row (it may be a file left by an ingest that was killed).
 * FALSE when it is gone after all (fsck removed it just now): it is to be written. */
static gboolean
adopt(const char *final)
{
    return utimensat(AT_FDCWD, final, NULL, 0) == 0 || errno != ENOENT;
}

/* The publish protocol. */
static gboolean
publish(PdStore *store, const char *final, const void *data, gsize len, gboolean *existed,
        GError **error)
{
    if (existed)
        *existed = FALSE;
    if (g_file_test(final, G_FILE_TEST_EXISTS) && adopt(final)) {
        if (existed)
            *existed = TRUE;
        return TRUE;
    }
    g_autofree char *dir = g_path_get_dirname(final);
    if (!make_durable_dirs(dir, error))
        return FALSE;
    g_autofree char *tmp = g_build_filename(store->tmp, "put-XXXXXX", NULL);
    int fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0)
        return io_error(error, errno, "cannot create", tmp);
    if (!write_all(fd, data, len) || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        g_unlink(tmp);
        return io_error(error, e, "cannot write", tmp);
    }
    if (close(fd) != 0) {
        int e = errno;
        g_unlink(tmp);
        return io_error(error, e, "cannot write", tmp);
    }
    if (link(tmp, final) != 0) {
        int e = errno;
        g_unlink(tmp);
        if (e == EEXIST) {
            /* another worker stored the same bytes first */
            if (!adopt(final))
                return io_error(error, ENOENT, "removed while it was published", final);
            if (existed)
                *existed = TRUE;
            return TRUE;
        }
        return io_error(error, e, "cannot publish", final);
    }
    if (!fsync_dir(dir, error)) {
        g_unlink(tmp);
        return FALSE;
    }
    g_unlink(tmp);
    return TRUE;
}

gboolean
pd_store_put_original(PdStore *store, const char *sha256, const char *ext, const void *data,
                      gsize len, gboolean *existed, GError **error)
{
    g_autofree char *path = pd_store_original_path(store, sha256, ext);
    g_return_val_if_fail(path != NULL, FALSE);
    return publish(store, path, data, len, existed, error);
}

gboolean
pd_store_put_rendition(PdStore *store, const char *name, const char *sha256, const void *data,
                       gsize len, GError **error)
{
    g_autofree char *path = pd_store_rendition_path(store, name, sha256);
    g_return_val_if_fail(path != NULL, FALSE);
    return publish(store, path, data, len, NULL, error);
}

gboolean
pd_store_has(const PdStore *store, const char *name, const char *sha256, const char *ext)
{
    g_autofree char *path = name ? pd_store_rendition_path(store, name, sha256)
                                 : pd_store_original_path(store, sha256, ext);
    return path && g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

gboolean
pd_store_verify_original(const PdStore *store, const char *sha256, const char *ext, GError **error)
{
    g_autofree char *path = pd_store_original_path(store, sha256, ext);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return io_error(error, errno, "cannot open", path);
    PdSha256 *h = pd_sha256_new();
    guint8 buf[1 << 16];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            char ignored[PD_SHA256_HEX];
            pd_sha256_finish(h, ignored);
            return io_error(error, e, "cannot read", path);
        }
        if (r == 0)
            break;
        pd_sha256_update(h, buf, (gsize)r);
    }
    close(fd);
    char hex[PD_SHA256_HEX];
    pd_sha256_finish(h, hex);
    if (strcmp(hex, sha256) != 0) {
        g_set_error(error, PD_ASSETS_ERROR, PD_ASSETS_ERROR_CORRUPT,
                    "%s does not hash to its name (it hashes to %s)", path, hex);
        return FALSE;
    }
    return TRUE;
}

typedef struct {
    const PdStore *store;
    PdStoreFileFunc func;
    gpointer user_data;
    gint64 now;
} Walk;

static void
report(Walk *w, const char *rel, const char *full)
{
    GStatBuf st;
    gint64 age = 0;
    if (g_stat(full, &st) == 0)
        age = w->now - (gint64)st.st_mtime;
    g_auto(GStrv) parts = g_strsplit(rel, "/", -1);
    guint n = g_strv_length(parts);
    const char *base = n ? parts[n - 1] : "";
    g_autofree char *sha = NULL;
    const char *dot = strrchr(base, '.');
    if (dot && dot - base == 64)
        sha = g_strndup(base, 64);
    PdStoreKind kind = PD_STORE_UNKNOWN;
    const char *rendition = NULL;
    if (n == 4 && strcmp(parts[0], "originals") == 0 && sha && valid_sha(sha) &&
        strncmp(parts[1], sha, 2) == 0 && strncmp(parts[2], sha + 2, 2) == 0)
        kind = PD_STORE_ORIGINAL;
    else if (n == 5 && strcmp(parts[0], "renditions") == 0 && sha && valid_sha(sha) &&
             strncmp(parts[2], sha, 2) == 0 && strncmp(parts[3], sha + 2, 2) == 0) {
        kind = PD_STORE_RENDITION;
        rendition = parts[1];
    } else if (strcmp(parts[0], "tmp") == 0)
        kind = PD_STORE_TEMPORARY;
    w->func(rel, kind, rendition,
            kind == PD_STORE_UNKNOWN || kind == PD_STORE_TEMPORARY ? NULL : sha,
            dot ? dot + 1 : NULL, age, w->user_data);
}

static gboolean
walk_dir(Walk *w, const char *rel, GError **error)
{
    g_autofree char *full = g_build_filename(w->store->library, rel, NULL);
    g_autoptr(GDir) dir = g_dir_open(full, 0, error);
    if (dir == NULL)
        return FALSE;
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *child_rel = g_build_filename(rel, name, NULL);
        g_autofree char *child = g_build_filename(full, name, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
            if (!walk_dir(w, child_rel, error))
                return FALSE;
        } else {
            report(w, child_rel, child);
        }
    }
    return TRUE;
}

gboolean
pd_store_foreach_file(const PdStore *store, PdStoreFileFunc func, gpointer user_data,
                      GError **error)
{
    Walk w = {store, func, user_data, g_get_real_time() / G_USEC_PER_SEC};
    return walk_dir(&w, "originals", error) && walk_dir(&w, "renditions", error) &&
           walk_dir(&w, "tmp", error);
}

gboolean
pd_store_remove(PdStore *store, const char *relpath, gint64 min_age_seconds, gboolean *removed,
                GError **error)
{
    g_return_val_if_fail(strstr(relpath, "..") == NULL, FALSE);
    *removed = FALSE;
    g_autofree char *full = g_build_filename(store->library, relpath, NULL);
    GStatBuf st;
    if (g_stat(full, &st) != 0)
        return errno == ENOENT || io_error(error, errno, "cannot read", full);
    /* taken again since it was found (adopt()): not a stray any more */
    if (g_get_real_time() / G_USEC_PER_SEC - (gint64)st.st_mtime < min_age_seconds)
        return TRUE;
    if (g_unlink(full) != 0 && errno != ENOENT)
        return io_error(error, errno, "cannot remove", full);
    *removed = TRUE;
    return TRUE;
}
