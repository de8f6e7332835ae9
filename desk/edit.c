/* edit.c: an editor's correction of a photo's fields (the web UI's PATCH, photodesk
 * edit). The caption is read again as at ingest, so the credit chain, restrictions, slug
 * and checks follow the new text; the catalog keeps the old text in the photo's
 * history. Which fields may be corrected is the field table's (base.h) to say. */
#include "caption/caption.h"
#include "desk/desk-private.h"
#include "ingest/ingest.h"

#include <string.h>

G_DEFINE_QUARK(pd - desk - error - quark, pd_desk_error)

/* Whether @value may be stored as field @name; FALSE with @error saying why. */
static gboolean
acceptable(const char *name, const char *value, gsize max, GError **error)
{
    const char *end = NULL;
    if (!g_utf8_validate(value, -1, &end)) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "%s: not valid UTF-8 (at byte %td)", name, end - value);
        return FALSE;
    }
    gsize n = strlen(value);
    if (n > max) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "%s: %zu bytes, more than the %zu it may hold", name, n, max);
        return FALSE;
    }
    for (const char *p = value; *p; p++) {
        guchar c = (guchar)*p;
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "%s: holds the control character U+%04X", name, c);
            return FALSE;
        }
    }
    return TRUE;
}

static GPtrArray *
list_of(const PdPhotoText *text, const PdPhotoField *f)
{
    return G_STRUCT_MEMBER(GPtrArray *, text, f->offset);
}

/* Every field the correction gives is one an editor may change, and may be kept. */
gboolean
pd_desk_check_correction(const PdCorrection *fix, GError **error)
{
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++) {
        const PdPhotoField *f = &fields[i];
        gsize max =
            strcmp(f->name, "caption") == 0 ? PD_CORRECTION_MAX_CAPTION : PD_CORRECTION_MAX_FIELD;
        GPtrArray *list = (f->flags & PD_FIELD_LIST) ? list_of(&fix->text, f) : NULL;
        const char *value = (f->flags & PD_FIELD_LIST) ? NULL : pd_photo_text_get(&fix->text, f);
        if (list == NULL && value == NULL)
            continue;
        if (!(f->flags & PD_FIELD_EDITABLE)) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "%s: not a field an editor corrects", f->name);
            return FALSE;
        }
        if (value)
            if (!acceptable(f->name, value, max, error))
                return FALSE;
        if (list == NULL)
            continue;
        if (list->len > PD_CORRECTION_MAX_KEYWORDS) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID, "%s: %u of them, more than %d",
                        f->name, list->len, PD_CORRECTION_MAX_KEYWORDS);
            return FALSE;
        }
        for (guint k = 0; k < list->len; k++)
            if (!acceptable(f->name, g_ptr_array_index(list, k), max, error))
                return FALSE;
    }
    return TRUE;
}

/* @row's fields with the correction's on top, normalised as ingest normalises. */
static void
apply(PdPhotoText *row, const PdPhotoText *fix)
{
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++) {
        const PdPhotoField *f = &fields[i];
        if (!(f->flags & PD_FIELD_LIST)) {
            const char *value = pd_photo_text_get(fix, f);
            if (value == NULL)
                continue;
            char **slot = pd_photo_text_string(row, f);
            g_free(*slot);
            *slot = pd_text_normalise(g_strdup(value));
            continue;
        }
        GPtrArray *given = list_of(fix, f);
        if (given == NULL)
            continue;
        GPtrArray *list = list_of(row, f);
        g_ptr_array_set_size(list, 0);
        for (guint k = 0; k < given->len; k++) {
            char *v = pd_text_normalise(g_strdup(g_ptr_array_index(given, k)));
            if (v)
                g_ptr_array_add(list, v);
        }
    }
}

/* The correction, inside the caller's write transaction. */
gboolean
pd_desk_correct_in(PdCatalog *catalog, gint64 id, const PdCorrection *fix, const char *user,
                   gboolean *changed, GError **error)
{
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, id, error);
    if (p == NULL)
        return FALSE;
    if (fix->version > 0 && fix->version != p->version) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_STALE,
                    "photo %" G_GINT64_FORMAT " has changed since version %d (it is at version "
                    "%d now): see the changes, then save again",
                    id, fix->version, p->version);
        return FALSE;
    }
    apply(&p->text, &fix->text);

    /* Read the caption again, as ingest does, from the fields as they now are. */
    PdCaption reading = {0};
    pd_caption_read(&p->text, &reading);
    pd_ingest_apply_caption(p, &reading);
    pd_caption_clear(&reading);
    return pd_catalog_update_photo(catalog, p, user, NULL, changed, error);
}

gboolean
pd_desk_correct(PdCatalog *catalog, gint64 id, const PdCorrection *fix, const char *user,
                gboolean *changed, GError **error)
{
    *changed = FALSE;
    if (!pd_desk_check_correction(fix, error))
        return FALSE;
    /* One write transaction from the read to the write: a correction made meanwhile by
     * someone else is never written over unseen. */
    if (!pd_catalog_begin(catalog, error))
        return FALSE;
    if (pd_catalog_finish(catalog, pd_desk_correct_in(catalog, id, fix, user, changed, error),
                          error))
        return TRUE;
    *changed = FALSE;
    return FALSE;
}
