/* meta-output.c: a PdPhotoMeta as JSON (for programs) and as an aligned listing (for
 * people). The JSON field names are those of ../shared/corpus/expected.jsonl. */
#include "ingest/ingest.h"

#include "base/base.h"
#include "caption/caption.h"

char *
pd_photo_meta_to_json(const PdPhotoMeta *m, const char *file)
{
    /* File names are bytes; the output is UTF-8. */
    g_autofree char *name = g_utf8_make_valid(file, -1);
    GString *out = g_string_sized_new(1024);
    g_string_append_c(out, '{');
    pd_json_string(out, "file", name);
    pd_json_photo_text(out, &m->text);
    pd_json_int(out, "width", m->width, m->width > 0);
    pd_json_int(out, "height", m->height, m->height > 0);
    pd_json_int(out, "orientation", m->orientation, m->orientation > 0);
    pd_json_degrees(out, "gps_lat", m->gps_lat, m->has_gps);
    pd_json_degrees(out, "gps_lon", m->gps_lon, m->has_gps);
    /* "malformed" is the corpus's name for what photodesk calls "damaged". */
    pd_json_bool(out, "malformed", m->damaged);
    pd_json_caption(out, &m->reading);
    pd_json_provenance(out, &m->text, m->content_credentials);
    pd_json_string(out, "format", pd_format_name(m->format));
    pd_json_strings(out, "warnings", m->warnings);
    pd_json_bool(out, "damaged", m->damaged);
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

char *
pd_photo_meta_to_text(const PdPhotoMeta *m, const char *file)
{
    GString *out = g_string_new(NULL);
    g_autofree char *name = g_utf8_make_valid(file, -1);
    pd_text_append_visible(out, name, "\n");
    g_string_append_c(out, '\n');
    pd_text_append_photo_text(out, 22, &m->text);
    g_autofree char *size = NULL;
    if (m->width > 0 && m->height > 0)
        size = g_strdup_printf("%d x %d %s", m->width, m->height, pd_format_name(m->format));
    else
        size = g_strdup(pd_format_name(m->format));
    pd_text_append_field(out, 22, "Image", size);
    if (m->orientation > 0) {
        g_autofree char *o = g_strdup_printf("%d", m->orientation);
        pd_text_append_field(out, 22, "Orientation", o);
    }
    if (m->has_gps) {
        char lat[32], lon[32];
        g_ascii_formatd(lat, sizeof lat, "%.7f", m->gps_lat);
        g_ascii_formatd(lon, sizeof lon, "%.7f", m->gps_lon);
        g_autofree char *gps = g_strdup_printf("%s, %s", lat, lon);
        pd_text_append_field(out, 22, "GPS", gps);
    }
    pd_provenance_append_text(out, &m->text, m->content_credentials);
    pd_caption_append_text(out, &m->reading);
    if (m->damaged)
        pd_text_append_field(out, 22, "Damaged", "yes: what could be read is shown");
    for (guint i = 0; i < m->warnings->len; i++)
        pd_text_append_field(out, 22, "Warning", g_ptr_array_index(m->warnings, i));
    return g_string_free(out, FALSE);
}
