/* row.c: how a photo's reading becomes a catalog row, and what an ingest reports. */
#include "assets/assets.h"
#include "catalog/catalog.h"
#include "ingest/row.h"
#include "base/base.h"

#include <string.h>

const char *
pd_ingest_status_name(PdIngestStatus status)
{
    switch (status) {
    case PD_INGEST_ADDED:
        return "added";
    case PD_INGEST_DUPLICATE:
        return "duplicate";
    case PD_INGEST_UPDATED:
        return "updated";
    default:
        return "rejected";
    }
}

char *
pd_ingest_result_to_json(const PdIngestResult *r)
{
    g_autofree char *file = g_utf8_make_valid(r->file, -1);
    g_autofree char *error = r->error ? g_utf8_make_valid(r->error, -1) : NULL;
    GString *o = g_string_new("{");
    pd_json_string(o, "file", file);
    pd_json_string(o, "status", pd_ingest_status_name(r->status));
    pd_json_key(o, "id");
    if (r->id)
        g_string_append_printf(o, "%" G_GINT64_FORMAT, r->id);
    else
        g_string_append(o, "null");
    pd_json_string(o, "sha256", r->sha256);
    pd_json_string(o, "error", error);
    g_autofree char *warning = r->warning ? g_utf8_make_valid(r->warning, -1) : NULL;
    pd_json_string(o, "warning", warning);
    pd_json_bool(o, "picture_changed", r->picture_changed);
    if (r->amended && r->amended[0]) {
        pd_json_key(o, "rules");
        for (int i = 0; r->amended[i]; i++) {
            g_string_append(o, i ? ", " : "[");
            pd_json_quote(o, r->amended[i]);
        }
        g_string_append_c(o, ']');
    }
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

/* The photographer's local date and the UTC instant of an ISO 8601 date created: a
 * photo taken at 23:41 in Moscow on 15 April belongs to 15 April, whatever UTC says. */
static void
split_date(const char *iso, char **local, char **utc)
{
    *local = NULL;
    *utc = NULL;
    if (iso == NULL)
        return;
    gsize n = strlen(iso);
    *local = g_strndup(iso, MIN(n, 10));
    if (n <= 10 || iso[10] != 'T')
        return;
    gboolean offset = iso[n - 1] == 'Z' || (n > 6 && (iso[n - 6] == '+' || iso[n - 6] == '-'));
    if (!offset)
        return; /* a time without an offset is local time somewhere: no instant */
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(iso, NULL);
    if (t == NULL)
        return;
    g_autoptr(GDateTime) u = g_date_time_to_utc(t);
    *utc = g_date_time_format(u, "%Y-%m-%dT%H:%M:%SZ");
}

void
pd_ingest_apply_caption(PdCatalogPhoto *p, const PdCaption *reading)
{
    g_clear_pointer(&p->caption_body, g_free);
    g_clear_pointer(&p->photographer, g_free);
    g_clear_pointer(&p->agency, g_free);
    g_clear_pointer(&p->distributor, g_free);
    g_clear_pointer(&p->credit_line, g_free);
    g_clear_pointer(&p->restrictions, g_free);
    g_clear_pointer(&p->embargo_until, g_free);
    g_clear_pointer(&p->mandatory_credit_text, g_free);
    g_clear_pointer(&p->slug, g_free);
    g_clear_pointer(&p->checks, g_free);
    const PdCredit *c = &reading->credit;
    p->caption_body = g_strdup(c->body);
    p->photographer = g_strdup(c->photographer);
    p->agency = g_strdup(c->agency);
    p->distributor = g_strdup(c->distributor);
    p->credit_line = g_strdup(c->credit_line);
    p->pool = c->pool;
    p->handout = c->handout;
    p->file_photo = c->file_photo;

    const PdRestrictions *r = &reading->restrictions;
    GString *json = g_string_new(NULL);
    pd_json_restrictions(json, NULL, r);
    p->restrictions = g_string_free(json, FALSE);
    p->editorial_only = r->editorial_only;
    p->kill = r->kill;
    p->mandatory_credit = r->mandatory_credit;
    p->mandatory_credit_text = g_strdup(r->mandatory_credit_text);
    p->embargo_until = g_strdup(r->embargo_until);
    p->slug = g_strdup(reading->slug);
    p->top_pick = reading->top_pick;
    p->made = (int)reading->made;
    json = g_string_new(NULL);
    pd_json_checks(json, NULL, reading->checks);
    p->checks = g_string_free(json, FALSE);
}

PdCatalogPhoto *
pd_ingest_photo_row(const PdPhotoMeta *m, const char *sha256, gint64 bytes)
{
    PdCatalogPhoto *p = pd_catalog_photo_new();
    p->sha256 = g_strdup(sha256);
    p->image_sha256 = m->image_sha256[0] ? g_strdup(m->image_sha256) : NULL;
    p->format = g_strdup(pd_format_name(m->format));
    p->ext = g_strdup(pd_ingest_format_ext(m->format));
    p->bytes = bytes;
    p->width = m->width;
    p->height = m->height;
    p->orientation = m->orientation;
    pd_photo_text_copy(&p->text, &m->text);
    split_date(m->date_created, &p->date_created_local, &p->date_created_utc);
    p->has_gps = m->has_gps;
    p->gps_lat = m->gps_lat;
    p->gps_lon = m->gps_lon;

    pd_ingest_apply_caption(p, &m->reading);
    GString *warnings = g_string_new("{");
    pd_json_strings(warnings, "w", m->warnings);
    /* keep only the array: "{"w": [...]" */
    p->warnings = g_strdup(warnings->str + strlen("{\"w\": "));
    g_string_free(warnings, TRUE);
    p->damaged = m->damaged;
    p->content_credentials = g_strdup(m->content_credentials);
    return p;
}

void
pd_ingest_add_warning(PdCatalogPhoto *p, const char *warning)
{
    GString *w = g_string_new(p->warnings ? p->warnings : "[]");
    g_string_truncate(w, w->len - 1); /* the closing bracket */
    if (w->len > 1)
        g_string_append(w, ", ");
    pd_json_quote(w, warning);
    g_string_append_c(w, ']');
    g_free(p->warnings);
    p->warnings = g_string_free(w, FALSE);
}

const char *
pd_ingest_format_ext(PdFormat format)
{
    switch (format) {
    case PD_FORMAT_JPEG:
        return "jpg";
    case PD_FORMAT_PNG:
        return "png";
    case PD_FORMAT_WEBP:
        return "webp";
    case PD_FORMAT_TIFF:
        return "tif";
    case PD_FORMAT_HEIF:
        return "heic";
    default:
        return "bin";
    }
}
