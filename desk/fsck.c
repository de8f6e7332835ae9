/* fsck.c: photodesk fsck: is the library whole?
 *
 * Every original the catalog knows exists and hashes to its name; every rendition it
 * lists exists; no file in the store is unknown to the catalog (older than the grace
 * period: younger ones may belong to an ingest still running); SQLite's and the
 * full-text index's integrity checks pass; every photo has its perceptual hash.
 * --repair makes missing renditions again from the originals, computes missing hashes
 * and removes strays (after asking the catalog again, right before each removal: an
 * ingest may have committed the file since the catalog was read); a damaged original
 * cannot be repaired. */
#include "assets/assets.h"
#include "desk/desk.h"
#include "ingest/ingest.h"
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
    GHashTable *to_rebuild; /* Picture * */
} Fsck;

/* A picture whose renditions are missing: photo @id's, made from the original @sha256. */
typedef struct {
    gint64 id;
    char *sha256;
    int missing;
} Picture;

static void
picture_free(gpointer data)
{
    Picture *p = data;
    g_free(p->sha256);
    g_free(p);
}

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
        g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT "/%s", photo_id, r->sha256);
        Picture *p = g_hash_table_lookup(f->to_rebuild, key);
        if (p == NULL) {
            p = g_new0(Picture, 1);
            p->id = photo_id;
            p->sha256 = g_strdup(r->sha256);
            g_hash_table_insert(f->to_rebuild, g_steal_pointer(&key), p);
        }
        p->missing++;
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
    if (!f->repair) {
        f->problems++;
        say(f, "stray file %s (%" G_GINT64_FORMAT " s old, not in the catalog)", relpath, age);
        return;
    }
    /* Removed under the catalog's write lock, after asking the catalog again and looking
     * at the file's age again: an ingest that took the file since the catalog was read
     * has made it young (the store's adopt()), and cannot commit it meanwhile. */
    g_autoptr(GError) error = NULL;
    gboolean now_known = FALSE, removed = FALSE;
    gboolean ok = pd_catalog_begin(f->catalog, &error);
    if (ok && sha256)
        ok = pd_catalog_knows_file(f->catalog, kind == PD_STORE_RENDITION ? rendition : NULL,
                                   sha256, &now_known, &error);
    if (ok && !now_known)
        ok = pd_store_remove(f->store, relpath, f->grace, &removed, &error);
    ok = pd_catalog_finish(f->catalog, ok, &error);
    if (!ok) {
        f->problems++;
        say(f, "stray file %s (%" G_GINT64_FORMAT " s old, not in the catalog)", relpath, age);
        say(f, "  could not remove it: %s", error->message);
    } else if (removed) {
        say(f, "stray file %s (%" G_GINT64_FORMAT " s old, not in the catalog)", relpath, age);
        say(f, "  removed %s", relpath);
    }
}

/* Decodes the original @sha256 of photo @id (with the extension the store gave it). */
static PdRenditionSet *
render_original(Fsck *f, gint64 id, const char *sha256)
{
    const char *ext = g_hash_table_lookup(f->originals, sha256);
    if (ext == NULL) {
        say(f, "photo %" G_GINT64_FORMAT ": the original %s is not in the catalog", id, sha256);
        return NULL;
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *path = pd_store_original_path(f->store, sha256, ext);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, &error)) {
        say(f, "photo %" G_GINT64_FORMAT ": cannot read its original: %s", id, error->message);
        return NULL;
    }
    PdThumbsOptions options;
    pd_thumbs_options_init(&options);
    options.max_megapixels = G_MAXDOUBLE; /* it was accepted once */
    PdRenditionSet *set = pd_thumbs_render(data, len, &options, &error);
    if (set == NULL)
        say(f, "photo %" G_GINT64_FORMAT ": cannot make renditions: %s", id, error->message);
    return set;
}

/* Makes the renditions of picture @pic again, from the original they were made from. */
static gboolean
rebuild(Fsck *f, const Picture *pic)
{
    g_autoptr(PdRenditionSet) set = render_original(f, pic->id, pic->sha256);
    if (set == NULL)
        return FALSE;
    g_autoptr(GError) error = NULL;
    if (!pd_catalog_begin(f->catalog, &error)) {
        say(f, "photo %" G_GINT64_FORMAT ": %s", pic->id, error->message);
        return FALSE;
    }
    for (int i = 0; i < PD_RENDITION_COUNT; i++) {
        const PdRendition *r = &set->renditions[i];
        gsize n;
        const void *bytes = g_bytes_get_data(r->jpeg, &n);
        PdCatalogRendition cr = {(char *)r->name, pic->sha256, r->width, r->height, (gint64)n};
        if (!pd_store_put_rendition(f->store, r->name, pic->sha256, bytes, n, &error) ||
            !pd_catalog_set_rendition(f->catalog, pic->id, &cr, &error)) {
            pd_catalog_rollback(f->catalog);
            say(f, "photo %" G_GINT64_FORMAT ": %s", pic->id, error->message);
            return FALSE;
        }
    }
    if (!pd_catalog_commit(f->catalog, &error)) {
        pd_catalog_rollback(f->catalog);
        say(f, "photo %" G_GINT64_FORMAT ": %s", pic->id, error->message);
        return FALSE;
    }
    say(f, "  photo %" G_GINT64_FORMAT ": renditions made again", pic->id);
    return TRUE;
}

/* Photos without a perceptual hash (lost by an update before it was kept, or never
 * made): counted, and with --repair computed again from the picture. */
static gboolean
check_hashes(Fsck *f, GError **error)
{
    g_autoptr(GArray) ids = pd_catalog_photos_without_dhash(f->catalog, error);
    if (ids == NULL)
        return FALSE;
    for (guint i = 0; i < ids->len; i++) {
        gint64 id = g_array_index(ids, gint64, i);
        f->problems++;
        say(f, "photo %" G_GINT64_FORMAT ": no perceptual hash", id);
        if (!f->repair)
            continue;
        g_autoptr(GError) failed = NULL;
        g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(f->catalog, id, &failed);
        const char *picture = p ? (p->picture ? p->picture : p->sha256) : NULL;
        g_autoptr(PdRenditionSet) set = picture ? render_original(f, id, picture) : NULL;
        if (set == NULL) {
            if (failed)
                say(f, "photo %" G_GINT64_FORMAT ": %s", id, failed->message);
            continue;
        }
        if (!pd_catalog_set_dhash(f->catalog, id, set->dhash, &failed)) {
            say(f, "photo %" G_GINT64_FORMAT ": %s", id, failed->message);
            continue;
        }
        f->problems--;
        say(f, "  photo %" G_GINT64_FORMAT ": perceptual hash computed again", id);
    }
    return TRUE;
}

int
pd_desk_fsck(const char *library, gboolean repair, gint64 grace_seconds, PdFsckReportFunc report,
             gpointer user_data, GError **error)
{
    g_autoptr(PdCatalog) catalog = pd_desk_open_catalog(library, PD_CATALOG_READ_WRITE, error);
    if (catalog == NULL || !pd_ingest_init(NULL, error))
        return -1;
    g_autoptr(PdStore) store = pd_store_open(library, error);
    if (store == NULL)
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
              g_hash_table_new_full(g_str_hash, g_str_equal, g_free, picture_free)};
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
        gpointer value;
        g_hash_table_iter_init(&it, f.to_rebuild);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
            const Picture *pic = value;
            if (rebuild(&f, pic))
                f.problems -= pic->missing; /* one problem per missing rendition was counted */
        }
    }
    if (!check_hashes(&f, error))
        goto out;
    result = f.problems;
out:
    g_hash_table_unref(f.originals);
    g_hash_table_unref(f.renditions);
    g_hash_table_unref(f.to_rebuild);
    return result;
}
