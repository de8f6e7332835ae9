/* meta-output.c: a PdPhotoMeta as JSON (for programs) and as an aligned listing (for
 * people). The JSON field names and order are those of ../shared/corpus/expected.jsonl. */
#include "ingest/ingest.h"
#include "ingest/json.h"
#include "base/base.h"

#include <string.h>

void
pd_json_credit_members(GString *out, const PdCredit *c)
{
    pd_json_string(out, "body", c->body);
    pd_json_string(out, "photographer", c->photographer);
    pd_json_string(out, "agency", c->agency);
    pd_json_bool(out, "pool", c->pool);
    pd_json_bool(out, "handout", c->handout);
    pd_json_bool(out, "file_photo", c->file_photo);
    pd_json_string(out, "distributor", c->distributor);
    pd_json_string(out, "credit_line", c->credit_line);
}

void
pd_json_restrictions(GString *out, const PdRestrictions *r)
{
    g_string_append_c(out, '{');
    pd_json_bool(out, "editorial_only", r->editorial_only);
    pd_json_bool(out, "mandatory_credit", r->mandatory_credit);
    pd_json_string(out, "mandatory_credit_text", r->mandatory_credit_text);
    pd_json_bool(out, "no_archive", r->no_archive);
    pd_json_bool(out, "no_sales", r->no_sales);
    pd_json_string(out, "embargo_until", r->embargo_until);
    pd_json_bool(out, "kill", r->kill);
    pd_json_string(out, "correction", r->correction);
    pd_json_key(out, "other");
    g_string_append_c(out, '[');
    for (guint i = 0; r->other && i < r->other->len; i++) {
        if (i)
            g_string_append(out, ", ");
        pd_json_quote(out, g_ptr_array_index(r->other, i));
    }
    g_string_append(out, "]}");
}

void
pd_json_checks(GString *out, GPtrArray *checks)
{
    g_string_append_c(out, '[');
    for (guint i = 0; i < checks->len; i++) {
        const PdCheck *c = g_ptr_array_index(checks, i);
        g_string_append(out, i ? ", {" : "{");
        pd_json_string(out, "code", c->code);
        pd_json_string(out, "field", c->field);
        pd_json_string(out, "message", c->message);
        g_string_append_c(out, '}');
    }
    g_string_append_c(out, ']');
}

char *
pd_credit_to_json(const PdCredit *c, const PdRestrictions *r)
{
    GString *out = g_string_new("{");
    pd_json_credit_members(out, c);
    if (r) {
        pd_json_key(out, "restrictions");
        pd_json_restrictions(out, r);
    }
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

char *
pd_photo_meta_to_json(const PdPhotoMeta *m, const char *file)
{
    /* File names are bytes; the output is UTF-8. */
    g_autofree char *name = g_utf8_make_valid(file, -1);
    GString *out = g_string_sized_new(1024);
    g_string_append_c(out, '{');
    pd_json_string(out, "file", name);
    pd_json_string(out, "caption", m->caption);
    pd_json_string(out, "headline", m->headline);
    pd_json_string(out, "byline", m->byline);
    pd_json_string(out, "credit", m->credit);
    pd_json_string(out, "source", m->source);
    pd_json_string(out, "copyright", m->copyright);
    pd_json_string(out, "date_created", m->date_created);
    pd_json_string(out, "city", m->city);
    pd_json_string(out, "province", m->province);
    pd_json_string(out, "country", m->country);
    pd_json_strings(out, "keywords", m->keywords);
    pd_json_string(out, "special_instructions", m->special_instructions);
    pd_json_string(out, "transmission_reference", m->transmission_reference);
    pd_json_string(out, "object_name", m->object_name);
    pd_json_string(out, "writer", m->writer);
    pd_json_int(out, "width", m->width, m->width > 0);
    pd_json_int(out, "height", m->height, m->height > 0);
    pd_json_int(out, "orientation", m->orientation, m->orientation > 0);
    pd_json_string(out, "make", m->make);
    pd_json_string(out, "model", m->model);
    pd_json_degrees(out, "gps_lat", m->gps_lat, m->has_gps);
    pd_json_degrees(out, "gps_lon", m->gps_lon, m->has_gps);
    /* "malformed" is the corpus's name for what photodesk calls "damaged". */
    pd_json_bool(out, "malformed", m->damaged);
    pd_json_key(out, "credit_parsed");
    g_string_append_c(out, '{');
    pd_json_credit_members(out, &m->credit_parsed);
    g_string_append_c(out, '}');
    pd_json_key(out, "restrictions");
    pd_json_restrictions(out, &m->restrictions);
    pd_json_string(out, "slug", m->slug);
    pd_json_bool(out, "top_pick", m->top_pick);
    pd_json_key(out, "checks");
    pd_json_checks(out, m->checks);
    pd_json_string(out, "format", pd_format_name(m->format));
    pd_json_strings(out, "warnings", m->warnings);
    pd_json_bool(out, "damaged", m->damaged);
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

/* Appends @s for a terminal: control characters from the photo (an ESC could rewrite
 * the screen) are shown as \xNN instead of being sent. */
static void
append_visible(GString *out, const char *s, const char *newline)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\n')
            g_string_append(out, newline);
        else if (c == '\t')
            g_string_append_c(out, ' ');
        else if (c < 0x20 || (c >= 0x7F && c < 0xA0))
            g_string_append_printf(out, "\\x%02x", c);
        else
            g_string_append_unichar(out, c);
    }
}

static void
text_field(GString *out, const char *label, const char *value)
{
    if (value == NULL)
        return;
    g_string_append_printf(out, "  %-22s ", label);
    /* Continuation lines of a caption line up under its first line. */
    char indent[32];
    g_snprintf(indent, sizeof indent, "\n  %-22s ", "");
    append_visible(out, value, indent);
    g_string_append_c(out, '\n');
}

static void
append_credit_text(GString *out, const PdCredit *c, gboolean with_body)
{
    if (with_body)
        text_field(out, "Body", c->body);
    if (!c->found) {
        if (with_body)
            text_field(out, "Credit", "(no credit at the end of the caption)");
        return;
    }
    text_field(out, "Credit line", c->credit_line);
    text_field(out, "Photographer", c->photographer);
    text_field(out, "Agency", c->agency);
    text_field(out, "Distributor", c->distributor);
    g_autoptr(GString) flags = g_string_new(NULL);
    if (c->pool)
        g_string_append(flags, "pool ");
    if (c->handout)
        g_string_append(flags, "handout ");
    if (c->file_photo)
        g_string_append(flags, "file photo ");
    if (flags->len) {
        g_string_truncate(flags, flags->len - 1);
        text_field(out, "Picture is", flags->str);
    }
}

/* Restrictions are what an editor must not miss: each on its own line, in capitals. */
static void
append_restrictions_text(GString *out, const PdRestrictions *r)
{
    if (r->kill)
        text_field(out, "RESTRICTION", "KILL: do not use this picture");
    if (r->embargo_until) {
        g_autofree char *e = g_strdup_printf("EMBARGOED until %s", r->embargo_until);
        text_field(out, "RESTRICTION", e);
    }
    if (r->editorial_only)
        text_field(out, "RESTRICTION", "EDITORIAL USE ONLY");
    if (r->mandatory_credit) {
        g_autofree char *m =
            g_strdup_printf("MANDATORY CREDIT%s%s", r->mandatory_credit_text ? ": " : "",
                            r->mandatory_credit_text ? r->mandatory_credit_text : "");
        text_field(out, "RESTRICTION", m);
    }
    if (r->no_sales)
        text_field(out, "RESTRICTION", "NO SALES");
    if (r->no_archive)
        text_field(out, "RESTRICTION", "NO ARCHIVE");
    text_field(out, "Correction", r->correction);
    for (guint i = 0; r->other && i < r->other->len; i++)
        text_field(out, "Instruction", g_ptr_array_index(r->other, i));
}

char *
pd_credit_to_text(const PdCredit *c, const PdRestrictions *r)
{
    GString *out = g_string_new(NULL);
    append_credit_text(out, c, TRUE);
    if (r)
        append_restrictions_text(out, r);
    return g_string_free(out, FALSE);
}

char *
pd_photo_meta_to_text(const PdPhotoMeta *m, const char *file)
{
    GString *out = g_string_new(NULL);
    g_autofree char *name = g_utf8_make_valid(file, -1);
    append_visible(out, name, "\n");
    g_string_append_c(out, '\n');
    text_field(out, "Caption", m->caption);
    text_field(out, "Headline", m->headline);
    text_field(out, "Object name", m->object_name);
    text_field(out, "By-line", m->byline);
    text_field(out, "Credit", m->credit);
    text_field(out, "Source", m->source);
    text_field(out, "Copyright", m->copyright);
    text_field(out, "Date created", m->date_created);
    text_field(out, "City", m->city);
    text_field(out, "Province/State", m->province);
    text_field(out, "Country", m->country);
    if (m->keywords->len) {
        g_autofree char *kw = NULL;
        GString *k = g_string_new(NULL);
        for (guint i = 0; i < m->keywords->len; i++)
            g_string_append_printf(k, "%s%s", i ? ", " : "",
                                   (char *)g_ptr_array_index(m->keywords, i));
        kw = g_string_free(k, FALSE);
        text_field(out, "Keywords", kw);
    }
    text_field(out, "Special instructions", m->special_instructions);
    text_field(out, "Transmission ref.", m->transmission_reference);
    text_field(out, "Caption writer", m->writer);
    {
        g_autofree char *size = NULL;
        if (m->width > 0 && m->height > 0)
            size = g_strdup_printf("%d x %d %s", m->width, m->height, pd_format_name(m->format));
        else
            size = g_strdup(pd_format_name(m->format));
        text_field(out, "Image", size);
    }
    if (m->orientation > 0) {
        g_autofree char *o = g_strdup_printf("%d", m->orientation);
        text_field(out, "Orientation", o);
    }
    text_field(out, "Camera make", m->make);
    text_field(out, "Camera model", m->model);
    if (m->has_gps) {
        char lat[32], lon[32];
        g_ascii_formatd(lat, sizeof lat, "%.7f", m->gps_lat);
        g_ascii_formatd(lon, sizeof lon, "%.7f", m->gps_lon);
        g_autofree char *gps = g_strdup_printf("%s, %s", lat, lon);
        text_field(out, "GPS", gps);
    }
    append_credit_text(out, &m->credit_parsed, FALSE);
    append_restrictions_text(out, &m->restrictions);
    text_field(out, "Slug", m->slug);
    if (m->top_pick)
        text_field(out, "Top pick", "yes");
    for (guint i = 0; i < m->checks->len; i++)
        text_field(out, "Check", ((PdCheck *)g_ptr_array_index(m->checks, i))->message);
    if (m->damaged)
        text_field(out, "Damaged", "yes: what could be read is shown");
    for (guint i = 0; i < m->warnings->len; i++)
        text_field(out, "Warning", g_ptr_array_index(m->warnings, i));
    return g_string_free(out, FALSE);
}
