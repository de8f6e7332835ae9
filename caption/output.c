/* output.c: a caption's reading as JSON (for programs) and as an aligned listing (for
 * people). */
#include "caption/caption.h"

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
pd_json_restrictions(GString *out, const char *key, const PdRestrictions *r)
{
    pd_json_open(out, key, '{');
    pd_json_bool(out, "editorial_only", r->editorial_only);
    pd_json_bool(out, "mandatory_credit", r->mandatory_credit);
    pd_json_string(out, "mandatory_credit_text", r->mandatory_credit_text);
    pd_json_bool(out, "no_archive", r->no_archive);
    pd_json_bool(out, "no_sales", r->no_sales);
    pd_json_string(out, "embargo_until", r->embargo_until);
    pd_json_bool(out, "kill", r->kill);
    pd_json_string(out, "correction", r->correction);
    pd_json_strings(out, "other", r->other);
    g_string_append_c(out, '}');
}

void
pd_json_checks(GString *out, const char *key, GPtrArray *checks)
{
    pd_json_open(out, key, '[');
    for (guint i = 0; checks && i < checks->len; i++) {
        const PdCheck *c = g_ptr_array_index(checks, i);
        pd_json_open(out, NULL, '{');
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
    if (r)
        pd_json_restrictions(out, "restrictions", r);
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

static void
append_credit_text(GString *out, const PdCredit *c, gboolean with_body)
{
    if (with_body)
        pd_text_append_field(out, 22, "Body", c->body);
    if (!c->found) {
        if (with_body)
            pd_text_append_field(out, 22, "Credit", "(no credit at the end of the caption)");
        return;
    }
    pd_text_append_field(out, 22, "Credit line", c->credit_line);
    pd_text_append_field(out, 22, "Photographer", c->photographer);
    pd_text_append_field(out, 22, "Agency", c->agency);
    pd_text_append_field(out, 22, "Distributor", c->distributor);
    g_autoptr(GString) flags = g_string_new(NULL);
    if (c->pool)
        g_string_append(flags, "pool ");
    if (c->handout)
        g_string_append(flags, "handout ");
    if (c->file_photo)
        g_string_append(flags, "file photo ");
    if (flags->len) {
        g_string_truncate(flags, flags->len - 1);
        pd_text_append_field(out, 22, "Picture is", flags->str);
    }
}

/* Restrictions are what an editor must not miss: each on its own line, in capitals. */
static void
append_restrictions_text(GString *out, const PdRestrictions *r)
{
    if (r->kill)
        pd_text_append_field(out, 22, "RESTRICTION", "KILL: do not use this picture");
    if (r->embargo_until) {
        g_autofree char *e = g_strdup_printf("EMBARGOED until %s", r->embargo_until);
        pd_text_append_field(out, 22, "RESTRICTION", e);
    }
    if (r->editorial_only)
        pd_text_append_field(out, 22, "RESTRICTION", "EDITORIAL USE ONLY");
    if (r->mandatory_credit) {
        g_autofree char *m =
            g_strdup_printf("MANDATORY CREDIT%s%s", r->mandatory_credit_text ? ": " : "",
                            r->mandatory_credit_text ? r->mandatory_credit_text : "");
        pd_text_append_field(out, 22, "RESTRICTION", m);
    }
    if (r->no_sales)
        pd_text_append_field(out, 22, "RESTRICTION", "NO SALES");
    if (r->no_archive)
        pd_text_append_field(out, 22, "RESTRICTION", "NO ARCHIVE");
    pd_text_append_field(out, 22, "Correction", r->correction);
    for (guint i = 0; r->other && i < r->other->len; i++)
        pd_text_append_field(out, 22, "Instruction", g_ptr_array_index(r->other, i));
}

void
pd_credit_append_text(GString *out, const PdCredit *c, gboolean with_body, const PdRestrictions *r)
{
    append_credit_text(out, c, with_body);
    if (r)
        append_restrictions_text(out, r);
}

void
pd_json_caption(GString *out, const PdCaption *c)
{
    pd_json_open(out, "credit_parsed", '{');
    pd_json_credit_members(out, &c->credit);
    g_string_append_c(out, '}');
    pd_json_restrictions(out, "restrictions", &c->restrictions);
    pd_json_string(out, "slug", c->slug);
    pd_json_bool(out, "top_pick", c->top_pick);
    pd_json_string(out, "made", pd_made_name(c->made));
    pd_json_checks(out, "checks", c->checks);
}

void
pd_caption_append_text(GString *out, const PdCaption *c)
{
    pd_credit_append_text(out, &c->credit, FALSE, &c->restrictions);
    pd_text_append_field(out, 22, "Slug", c->slug);
    if (c->top_pick)
        pd_text_append_field(out, 22, "Top pick", "yes");
    for (guint i = 0; c->checks && i < c->checks->len; i++)
        pd_text_append_field(out, 22, "Check",
                             ((const PdCheck *)g_ptr_array_index(c->checks, i))->message);
}

/* ---------------------------------------------------------------- provenance */

void
pd_json_provenance(GString *out, const PdPhotoText *text, const char *content_credentials)
{
    pd_json_open(out, "provenance", '{');
    pd_json_string(out, "made", pd_made_name(pd_provenance_made(text->digital_source_type)));
    pd_json_string(out, "source_type_label", pd_provenance_source_label(text->digital_source_type));
    pd_json_string(out, "data_mining_label", pd_provenance_data_mining_label(text->data_mining));
    if (content_credentials) {
        pd_json_open(out, "content_credentials", '{');
        pd_json_string(out, "where", content_credentials);
        pd_json_bool(out, "verified", FALSE);
        g_string_append_c(out, '}');
    } else {
        pd_json_string(out, "content_credentials", NULL);
    }
    g_string_append_c(out, '}');
}

/* "Label (value)" when photodesk knows the value's label, else the value. */
static void
append_coded(GString *out, const char *label, const char *value, const char *known)
{
    g_autofree char *shown = known ? g_strdup_printf("%s (%s)", known, value) : NULL;
    pd_text_append_field(out, 22, label, shown ? shown : value);
}

void
pd_provenance_append_text(GString *out, const PdPhotoText *text, const char *content_credentials)
{
    append_coded(out, "Digital source type", text->digital_source_type,
                 pd_provenance_source_label(text->digital_source_type));
    append_coded(out, "Data mining", text->data_mining,
                 pd_provenance_data_mining_label(text->data_mining));
    pd_text_append_field(out, 22, "AI system used", text->ai_system);
    pd_text_append_field(out, 22, "AI system version", text->ai_system_version);
    pd_text_append_field(out, 22, "AI prompt", text->ai_prompt);
    pd_text_append_field(out, 22, "AI prompt writer", text->ai_prompt_writer);
    if (content_credentials) {
        g_autofree char *s = g_strdup_printf("present (%s), not verified", content_credentials);
        pd_text_append_field(out, 22, "Content credentials", s);
    }
}
