/* rules.c: the desk's ingest rules: "every photo from the handout folder gets the
 * template Handout". A rule names a template and when it applies (a folder the file came
 * from, a source, a credit; every condition given must hold); each photo ingested is
 * matched against every rule in the transaction that adds it, and each rule that matches
 * makes a version of its own by "rule NAME", recorded as a batch (undone like any), so
 * the wire's text stays the photo's first version. Kept as a setting of the catalog
 * ({"next": N, "rules": [{"id", "name", "template", "folder", "source", "credit", "by",
 * "at"}]}). */
#include "desk/desk-private.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#define RULES_KEY "rules"

void
pd_desk_rule_free(PdDeskRule *rule)
{
    if (rule == NULL)
        return;
    g_free(rule->name);
    g_free(rule->template_name);
    g_free(rule->folder);
    g_free(rule->source);
    g_free(rule->credit);
    g_free(rule->by);
    g_free(rule->at);
    g_free(rule);
}

static GPtrArray *
read_rules(PdCatalog *catalog, gint64 *next, GError **error)
{
    g_autoptr(JsonParser) p = NULL;
    JsonObject *o;
    JsonArray *a;
    if (!pd_desk_setting(catalog, RULES_KEY, "rules", &p, &o, &a, error))
        return NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)pd_desk_rule_free);
    *next = o ? json_object_get_int_member_with_default(o, "next", 1) : 1;
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *ro = json_array_get_object_element(a, i);
        if (ro == NULL)
            continue;
        PdDeskRule *r = g_new0(PdDeskRule, 1);
        r->id = json_object_get_int_member_with_default(ro, "id", 0);
        r->name = pd_desk_text_member(ro, "name");
        r->template_name = pd_desk_text_member(ro, "template");
        r->folder = pd_desk_text_member(ro, "folder");
        r->source = pd_desk_text_member(ro, "source");
        r->credit = pd_desk_text_member(ro, "credit");
        r->by = pd_desk_text_member(ro, "by");
        r->at = pd_desk_text_member(ro, "at");
        if (r->name == NULL || r->template_name == NULL) {
            pd_desk_rule_free(r);
            continue;
        }
        g_ptr_array_add(all, r);
    }
    return all;
}

static void
rules_member(GString *o, GPtrArray *all)
{
    pd_json_key(o, "rules");
    g_string_append_c(o, '[');
    for (guint i = 0; i < all->len; i++) {
        const PdDeskRule *r = g_ptr_array_index(all, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_int64(o, "id", r->id);
        pd_json_string(o, "name", r->name);
        pd_json_string(o, "template", r->template_name);
        pd_json_string(o, "folder", r->folder);
        pd_json_string(o, "source", r->source);
        pd_json_string(o, "credit", r->credit);
        pd_json_string(o, "by", r->by);
        pd_json_string(o, "at", r->at);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

static gboolean
write_rules(PdCatalog *catalog, GPtrArray *all, gint64 next, GError **error)
{
    g_autoptr(GString) o = g_string_new("{");
    pd_json_int64(o, "next", next);
    rules_member(o, all);
    g_string_append_c(o, '}');
    return pd_catalog_set_setting(catalog, RULES_KEY, o->str, error);
}

GPtrArray *
pd_desk_rules(PdCatalog *catalog, GError **error)
{
    gint64 next;
    return read_rules(catalog, &next, error);
}

/* The first of @rules whose name (@by_template: template) is @name, whatever its case. */
static const PdDeskRule *
rule_where(GPtrArray *rules, const char *name, gboolean by_template)
{
    g_autofree char *want = g_utf8_casefold(name, -1);
    for (guint i = 0; rules && i < rules->len; i++) {
        const PdDeskRule *r = g_ptr_array_index(rules, i);
        g_autofree char *have = g_utf8_casefold(by_template ? r->template_name : r->name, -1);
        if (strcmp(have, want) == 0)
            return r;
    }
    return NULL;
}

const PdDeskRule *
pd_desk_rule_named(GPtrArray *rules, const char *name)
{
    return rule_where(rules, name, FALSE);
}

const PdDeskRule *
pd_desk_rule_using(GPtrArray *rules, const char *template_name)
{
    return rule_where(rules, template_name, TRUE);
}

/* @text trimmed, or NULL when it is empty; PD_DESK_ERROR_INVALID naming @what when it is
 * not one line of UTF-8 of at most @max bytes. */
static gboolean
one_line(const char *what, const char *text, gsize max, char **out, GError **error)
{
    *out = NULL;
    if (text == NULL)
        return TRUE;
    g_autofree char *t = g_strstrip(g_strdup(text));
    if (!pd_desk_check_line(what, t, max, error))
        return FALSE;
    if (*t)
        *out = g_steal_pointer(&t);
    return TRUE;
}

static gboolean
save_in(PdCatalog *catalog, PdDeskRule *given, const char *by_user, gint64 *id, GError **error)
{
    g_autoptr(GPtrArray) templates = pd_desk_templates(catalog, error);
    if (templates == NULL)
        return FALSE;
    const PdDeskTemplate *t = pd_desk_template_named(templates, given->template_name);
    if (t == NULL) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "template: the desk has no template called \"%s\"", given->template_name);
        return FALSE;
    }
    gint64 next;
    g_autoptr(GPtrArray) all = read_rules(catalog, &next, error);
    if (all == NULL)
        return FALSE;
    PdDeskRule *r = (PdDeskRule *)pd_desk_rule_named(all, given->name);
    if (r == NULL) {
        r = g_new0(PdDeskRule, 1);
        r->id = next++;
        g_ptr_array_add(all, r);
    }
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_free(r->name);
    g_free(r->template_name);
    g_free(r->folder);
    g_free(r->source);
    g_free(r->credit);
    g_free(r->by);
    g_free(r->at);
    r->name = g_strdup(given->name);
    r->template_name = g_strdup(t->name); /* as the desk spells it */
    r->folder = g_strdup(given->folder);
    r->source = g_strdup(given->source);
    r->credit = g_strdup(given->credit);
    r->by = g_strdup(by_user);
    r->at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    *id = r->id;
    return write_rules(catalog, all, next, error);
}

gint64
pd_desk_save_rule(PdCatalog *catalog, const char *name, const char *template_name,
                  const char *folder, const char *source, const char *credit, const char *by_user,
                  GError **error)
{
    g_autoptr(PdDeskRule) r = g_new0(PdDeskRule, 1);
    if (!one_line("name", name, 100, &r->name, error) ||
        !one_line("template", template_name, 100, &r->template_name, error) ||
        !one_line("folder", folder, 4096, &r->folder, error) ||
        !one_line("source", source, 200, &r->source, error) ||
        !one_line("credit", credit, 200, &r->credit, error))
        return 0;
    if (r->name == NULL || r->template_name == NULL) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "a rule needs a name and the template it applies");
        return 0;
    }
    if (r->folder == NULL && r->source == NULL && r->credit == NULL) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "rule \"%s\": say when it applies: a folder, a source or a credit", r->name);
        return 0;
    }
    if (r->folder) {
        if (!g_path_is_absolute(r->folder)) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "folder: \"%s\" is not an absolute path", r->folder);
            return 0;
        }
        /* the folder as the files will be named: symbolic links resolved where it exists */
        char *real = realpath(r->folder, NULL);
        char *canonical = real ? g_strdup(real) : g_canonicalize_filename(r->folder, NULL);
        free(real);
        g_free(r->folder);
        r->folder = canonical;
    }
    gint64 id = 0;
    gboolean ok = pd_catalog_begin(catalog, error) &&
                  pd_catalog_finish(catalog, save_in(catalog, r, by_user, &id, error), error);
    return ok ? id : 0;
}

static gboolean
remove_in(PdCatalog *catalog, gint64 id, GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) all = read_rules(catalog, &next, error);
    if (all == NULL)
        return FALSE;
    for (guint i = 0; i < all->len; i++)
        if (((PdDeskRule *)g_ptr_array_index(all, i))->id == id) {
            g_ptr_array_remove_index(all, i);
            return write_rules(catalog, all, next, error);
        }
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND, "no rule %" G_GINT64_FORMAT,
                id);
    return FALSE;
}

gboolean
pd_desk_remove_rule(PdCatalog *catalog, gint64 id, GError **error)
{
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, remove_in(catalog, id, error), error);
}

char *
pd_desk_rules_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_desk_rules(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{");
    rules_member(o, all);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

/* ---------------------------------------------------------------- at ingest */

/* Whether @value matches @pattern (shell wildcards * and ?, whatever the case). */
static gboolean
matches(const char *pattern, const char *value)
{
    if (value == NULL)
        return FALSE;
    g_autofree char *p = g_utf8_casefold(pattern, -1);
    g_autofree char *v = g_utf8_casefold(value, -1);
    g_autoptr(GPatternSpec) spec = g_pattern_spec_new(p);
    return g_pattern_spec_match_string(spec, v);
}

/* Whether @file is inside @folder (or one of its folders). */
static gboolean
inside(const char *folder, const char *file)
{
    g_autofree char *canonical = g_canonicalize_filename(file, NULL);
    char *real = realpath(file, NULL);
    gsize n = strlen(folder);
    gboolean in = FALSE;
    const char *names[] = {canonical, real};
    for (guint i = 0; i < G_N_ELEMENTS(names) && !in; i++)
        in = names[i] && strncmp(names[i], folder, n) == 0 &&
             (names[i][n] == '/' || strcmp(folder, "/") == 0);
    free(real);
    return in;
}

gboolean
pd_desk_rule_matches(const PdDeskRule *rule, const PdCatalogPhoto *photo, const char *file)
{
    return (rule->folder == NULL || (file && inside(rule->folder, file))) &&
           (rule->source == NULL || matches(rule->source, photo->source)) &&
           (rule->credit == NULL || matches(rule->credit, photo->credit) ||
            matches(rule->credit, photo->credit_line));
}

gboolean
pd_desk_apply_rules(PdCatalog *catalog, gint64 id, const char *file, gpointer user_data,
                    GPtrArray *applied, GString *warning, GError **error)
{
    (void)user_data;
    g_autoptr(GPtrArray) rules = pd_desk_rules(catalog, error);
    if (rules == NULL)
        return FALSE;
    if (rules->len == 0)
        return TRUE;
    g_autoptr(GPtrArray) templates = NULL;
    g_autoptr(PdCatalogPhoto) photo = NULL;
    for (guint i = 0; i < rules->len; i++) {
        const PdDeskRule *rule = g_ptr_array_index(rules, i);
        /* read at first, and again after a rule applied: it may have changed the credit */
        if (photo == NULL && (photo = pd_catalog_get_photo(catalog, id, error)) == NULL)
            return FALSE;
        if (!pd_desk_rule_matches(rule, photo, file))
            continue;
        if (templates == NULL && (templates = pd_desk_templates(catalog, error)) == NULL)
            return FALSE;
        const PdDeskTemplate *t = pd_desk_template_named(templates, rule->template_name);
        if (t == NULL || t->edits->len == 0) {
            g_string_append_printf(warning, "%srule %s: the desk has no template \"%s\"",
                                   warning->len ? "; " : "", rule->name, rule->template_name);
            continue;
        }
        g_autofree char *by = g_strdup_printf("rule %s", rule->name);
        PdBatchResult r = {0};
        pd_desk_batch_result_init(&r);
        GError *local = NULL;
        gboolean ok = pd_desk_batch_apply_in(catalog, &id, NULL, 1, t->edits, by, &r, &local);
        pd_batch_result_clear(&r);
        if (!ok && !g_error_matches(local, PD_DESK_ERROR, PD_DESK_ERROR_INVALID)) {
            g_propagate_error(error, local);
            return FALSE;
        }
        if (!ok) { /* the template's result cannot be kept (too long, say): the wire's text */
            g_string_append_printf(warning, "%srule %s: %s", warning->len ? "; " : "", rule->name,
                                   local->message);
            g_error_free(local);
            continue;
        }
        g_ptr_array_add(applied, g_strdup(rule->name));
        g_clear_pointer(&photo, pd_catalog_photo_free);
    }
    return TRUE;
}

void
pd_desk_queue_options_init(PdIngestQueueOptions *options)
{
    pd_ingest_queue_options_init(options);
    options->amend = pd_desk_apply_rules;
}
