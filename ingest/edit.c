/* edit.c: an editor's correction of a photo's caption fields (the web UI's PATCH). The
 * caption is read again as at ingest, so the credit chain, restrictions, slug and
 * checks follow the new text; the catalog keeps the old text in the photo's history. */
#include "caption/caption.h"
#include "ingest/library.h"

#include <string.h>

/* Whether @value may be stored as field @name; FALSE with @error saying why. */
static gboolean
acceptable(const char *name, const char *value, gsize max, GError **error)
{
    if (value == NULL)
        return TRUE;
    const char *end = NULL;
    if (!g_utf8_validate(value, -1, &end)) {
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_INVALID,
                    "%s: not valid UTF-8 (at byte %td)", name, end - value);
        return FALSE;
    }
    gsize n = strlen(value);
    if (n > max) {
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_INVALID,
                    "%s: %zu bytes, more than the %zu it may hold", name, n, max);
        return FALSE;
    }
    for (const char *p = value; *p; p++) {
        guchar c = (guchar)*p;
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_INVALID,
                        "%s: holds the control character U+%04X", name, c);
            return FALSE;
        }
    }
    return TRUE;
}

/* @value trimmed, with CR LF and CR as LF; NULL when it is empty. */
static char *
normalised(const char *value)
{
    g_autofree char *lf = g_strdup(value);
    char *w = lf;
    for (const char *r = value; *r; r++) {
        if (*r == '\r') {
            *w++ = '\n';
            if (r[1] == '\n')
                r++;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    char *trimmed = g_strdup(g_strstrip(lf));
    if (*trimmed == 0)
        g_clear_pointer(&trimmed, g_free);
    return trimmed;
}

static void
set_field(char **field, const char *value)
{
    if (value == NULL)
        return;
    g_free(*field);
    *field = normalised(value);
}

/* The correction, inside the caller's write transaction. */
static gboolean
correct_in(PdCatalog *catalog, gint64 id, const PdCorrection *fix, guint keywords, const char *user,
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
    set_field(&p->caption, fix->caption);
    set_field(&p->headline, fix->headline);
    set_field(&p->byline, fix->byline);
    set_field(&p->credit, fix->credit);
    set_field(&p->source, fix->source);
    set_field(&p->city, fix->city);
    set_field(&p->country, fix->country);
    set_field(&p->special_instructions, fix->special_instructions);
    if (fix->set_keywords) {
        g_ptr_array_set_size(p->keywords, 0);
        for (guint i = 0; i < keywords; i++) {
            char *k = normalised(fix->keywords[i]);
            if (k)
                g_ptr_array_add(p->keywords, k);
        }
    }

    /* Read the caption again, as ingest does, from the fields as they now are. */
    PdCaption reading = {0};
    pd_caption_read(&p->text, &reading);
    pd_ingest_apply_caption(p, &reading);
    pd_caption_clear(&reading);
    return pd_catalog_update_photo(catalog, p, user, NULL, changed, error);
}

gboolean
pd_ingest_correct(PdCatalog *catalog, gint64 id, const PdCorrection *fix, const char *user,
                  gboolean *changed, GError **error)
{
    *changed = FALSE;
    const struct {
        const char *name, *value;
        gsize max;
    } fields[] = {
        {"caption", fix->caption, PD_CORRECTION_MAX_CAPTION},
        {"headline", fix->headline, PD_CORRECTION_MAX_FIELD},
        {"byline", fix->byline, PD_CORRECTION_MAX_FIELD},
        {"credit", fix->credit, PD_CORRECTION_MAX_FIELD},
        {"source", fix->source, PD_CORRECTION_MAX_FIELD},
        {"city", fix->city, PD_CORRECTION_MAX_FIELD},
        {"country", fix->country, PD_CORRECTION_MAX_FIELD},
        {"special_instructions", fix->special_instructions, PD_CORRECTION_MAX_FIELD},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
        if (!acceptable(fields[i].name, fields[i].value, fields[i].max, error))
            return FALSE;
    guint keywords = 0;
    for (; fix->set_keywords && fix->keywords && fix->keywords[keywords]; keywords++)
        if (!acceptable("keywords", fix->keywords[keywords], PD_CORRECTION_MAX_FIELD, error))
            return FALSE;
    if (keywords > PD_CORRECTION_MAX_KEYWORDS) {
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_INVALID,
                    "keywords: %u of them, more than %d", keywords, PD_CORRECTION_MAX_KEYWORDS);
        return FALSE;
    }

    /* One write transaction from the read to the write: a correction made meanwhile by
     * someone else is never written over unseen. */
    if (!pd_catalog_begin(catalog, error))
        return FALSE;
    if (pd_catalog_finish(catalog, correct_in(catalog, id, fix, keywords, user, changed, error),
                          error))
        return TRUE;
    *changed = FALSE;
    return FALSE;
}
