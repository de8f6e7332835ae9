/* fsck.c: photodesk fsck: is the library whole?
 *
 * Every original the catalog knows exists and hashes to its name; every rendition it
 * lists exists; no file in the store is unknown to the catalog (older than the grace
 * period: younger ones may belong to an ingest still running); SQLite's and the
 * full-text index's integrity checks pass. --repair makes missing renditions again
 * from the originals and removes strays; a damaged original cannot be repaired. */
#include "assets/assets.h"
#include "catalog/catalog.h"
#include "ingest/library.h"
#include "thumbs/thumbs.h"

#include <errno.h>
#include <string.h>

typedef struct {
    PdStore *store;
    PdCatalog *catalog;
    gboolean repair;
    gint64 grace;
    PdFsckReportFunc report;
    gpointer user_data;
    int problems;
    GHashTable *originals;  /* sha256 -> ext */
    GHashTable *renditions; /* "name/sha256" */
    GHashTable *to_rebuild; /* photo ids (as gint64 *) */
} Fsck;

static void G_GNUC_PRINTF(2, 3) say(Fsck *f, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *line = g_strdup_vprintf(format, ap);
    va_end(ap);
    if (f->report)
        f->report(line, f->user_data);
}

static void
on_original(const char *sha256, const char *ext, gint64 photo_id, gpointer data)
{
    Fsck *f = data;
    g_hash_table_insert(f->originals, g_strdup(sha256), g_strdup(ext));
    g_autoptr(GError) error = NULL;
    if (!pd_store_verify_original(f->store, sha256, ext, &error)) {
        f->problems++;
        say(f, "photo %" G_GINT64_FORMAT ": original %s", photo_id, error->message);
    }
}

static void
on_rendition(gint64 photo_id, const PdCatalogRendition *r, gpointer data)
{
    Fsck *f = data;
    g_hash_table_add(f->renditions, g_strdup_printf("%s/%s", r->name, r->sha256));
    g_autofree char *path = pd_store_rendition_path(f->store, r->name, r->sha256);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        f->problems++;
        say(f, "photo %" G_GINT64_FORMAT ": %s rendition missing (%s)", photo_id, r->name, path);
        gint64 *id = g_new(gint64, 1);
        *id = photo_id;
        g_hash_table_add(f->to_rebuild, id);
    }
}

static void
on_file(const char *relpath, PdStoreKind kind, const char *rendition, const char *sha256,
        const char *ext, gint64 age, gpointer data)
{
    Fsck *f = data;
    gboolean known = FALSE;
    if (kind == PD_STORE_ORIGINAL) {
        const char *want = g_hash_table_lookup(f->originals, sha256);
        known = want && g_strcmp0(want, ext) == 0;
    } else if (kind == PD_STORE_RENDITION) {
        g_autofree char *key = g_strdup_printf("%s/%s", rendition, sha256);
        known = g_hash_table_contains(f->renditions, key);
    }
    if (known || age < f->grace)
        return;
    f->problems++;
    say(f, "stray file %s (%" G_GINT64_FORMAT " s old, not in the catalog)", relpath, age);
    if (f->repair) {
        g_autoptr(GError) error = NULL;
        if (pd_store_remove(f->store, relpath, &error)) {
            f->problems--;
            say(f, "  removed %s", relpath);
        } else {
            say(f, "  could not remove it: %s", error->message);
        }
    }
}

static gboolean
rebuild(Fsck *f, gint64 id)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(f->catalog, id, &error);
    if (p == NULL) {
        say(f, "photo %" G_GINT64_FORMAT ": cannot read it: %s", id, error->message);
        return FALSE;
    }
    g_autofree char *path = pd_store_original_path(f->store, p->sha256, p->ext);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, &error)) {
        say(f, "photo %" G_GINT64_FORMAT ": cannot read its original: %s", id, error->message);
        return FALSE;
    }
    PdThumbsOptions options;
    pd_thumbs_options_init(&options);
    options.max_megapixels = G_MAXDOUBLE; /* it was accepted once */
    g_autoptr(PdRenditionSet) set = pd_thumbs_render(data, len, &options, &error);
    if (set == NULL) {
        say(f, "photo %" G_GINT64_FORMAT ": cannot make renditions: %s", id, error->message);
        return FALSE;
    }
    if (!pd_catalog_begin(f->catalog, &error)) {
        say(f, "photo %" G_GINT64_FORMAT ": %s", id, error->message);
        return FALSE;
    }
    for (int i = 0; i < PD_RENDITION_COUNT; i++) {
        const PdRendition *r = &set->renditions[i];
        gsize n;
        const void *bytes = g_bytes_get_data(r->jpeg, &n);
        PdCatalogRendition cr = {(char *)r->name, p->sha256, r->width, r->height, (gint64)n};
        if (!pd_store_put_rendition(f->store, r->name, p->sha256, bytes, n, &error) ||
            !pd_catalog_set_rendition(f->catalog, id, &cr, &error)) {
            pd_catalog_rollback(f->catalog);
            say(f, "photo %" G_GINT64_FORMAT ": %s", id, error->message);
            return FALSE;
        }
    }
    if (!pd_catalog_commit(f->catalog, &error)) {
        pd_catalog_rollback(f->catalog);
        say(f, "photo %" G_GINT64_FORMAT ": %s", id, error->message);
        return FALSE;
    }
    say(f, "  photo %" G_GINT64_FORMAT ": renditions made again", id);
    return TRUE;
}

int
pd_ingest_fsck(const char *library, gboolean repair, gint64 grace_seconds, PdFsckReportFunc report,
               gpointer user_data, GError **error)
{
    g_autofree char *catalog_path = pd_ingest_catalog_path(library);
    if (!g_file_test(catalog_path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_OPEN, "no photo library at %s",
                    library);
        return -1;
    }
    if (!pd_ingest_init(NULL, error))
        return -1;
    g_autoptr(PdStore) store = pd_store_open(library, error);
    if (store == NULL)
        return -1;
    g_autoptr(PdCatalog) catalog = pd_catalog_open(catalog_path, PD_CATALOG_READ_WRITE, error);
    if (catalog == NULL)
        return -1;

    Fsck f = {store,
              catalog,
              repair,
              grace_seconds,
              report,
              user_data,
              0,
              g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
              g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
              g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL)};
    int result = -1;
    g_autofree char *integrity = NULL;
    if (!pd_catalog_foreach_original(catalog, on_original, &f, error) ||
        !pd_catalog_foreach_rendition(catalog, on_rendition, &f, error))
        goto out;
    integrity = pd_catalog_check_integrity(catalog, error);
    if (integrity == NULL && error && *error)
        goto out;
    if (integrity) {
        f.problems++;
        say(&f, "catalog: %s", integrity);
    }
    if (!pd_store_foreach_file(store, on_file, &f, error))
        goto out;
    if (repair) {
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, f.to_rebuild);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            /* one problem per missing rendition was counted */
            g_autoptr(GPtrArray) rs = pd_catalog_get_renditions(catalog, *(gint64 *)key, NULL);
            guint missing = 0;
            for (guint i = 0; rs && i < rs->len; i++) {
                const PdCatalogRendition *r = g_ptr_array_index(rs, i);
                g_autofree char *path = pd_store_rendition_path(store, r->name, r->sha256);
                missing += !g_file_test(path, G_FILE_TEST_IS_REGULAR);
            }
            if (rebuild(&f, *(gint64 *)key))
                f.problems -= (int)missing;
        }
    }
    result = f.problems;
out:
    g_hash_table_unref(f.originals);
    g_hash_table_unref(f.renditions);
    g_hash_table_unref(f.to_rebuild);
    return result;
}
