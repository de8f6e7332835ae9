/* codes.c: the desk's code replacements (caption/codes.c has what they are and Photo
 * Mechanic's file): one table for the whole desk, kept as a setting of the catalog
 * ({"delimiter", "by", "at", "codes": [["put", "Russian President Vladimir Putin",
 * "Putin"], ...]}), replaced whole by an import, written out as Photo Mechanic's file. */
#include "caption/caption.h"
#include "desk/desk-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define CODES_KEY "codes"

void
pd_desk_codes_free(PdDeskCodes *codes)
{
    if (codes == NULL)
        return;
    g_clear_pointer(&codes->codes, g_ptr_array_unref);
    g_clear_pointer(&codes->index, g_hash_table_unref);
    g_free(codes->by);
    g_free(codes->at);
    g_free(codes);
}

static const char *
member_text(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
               ? json_node_get_string(n)
               : NULL;
}

PdDeskCodes *
pd_desk_codes(PdCatalog *catalog, GError **error)
{
    GError *local = NULL;
    g_autofree char *json = pd_catalog_get_setting(catalog, CODES_KEY, &local);
    if (local) {
        g_propagate_error(error, local);
        return NULL;
    }
    PdDeskCodes *t = g_new0(PdDeskCodes, 1);
    t->delimiter = PD_CODE_DELIMITER;
    t->codes = g_ptr_array_new_with_free_func((GDestroyNotify)pd_code_free);
    t->index = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(JsonParser) p = json_parser_new();
    if (json && json_parser_load_from_data(p, json, -1, NULL) &&
        JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        const char *d = member_text(o, "delimiter");
        if (d && strlen(d) == 1)
            t->delimiter = d[0];
        t->by = g_strdup(member_text(o, "by"));
        t->at = g_strdup(member_text(o, "at"));
        JsonNode *list = json_object_get_member(o, "codes");
        JsonArray *a = list && JSON_NODE_HOLDS_ARRAY(list) ? json_node_get_array(list) : NULL;
        for (guint i = 0; a && i < json_array_get_length(a); i++) {
            JsonNode *row = json_array_get_element(a, i);
            if (!JSON_NODE_HOLDS_ARRAY(row) || json_array_get_length(json_node_get_array(row)) < 2)
                continue;
            JsonArray *r = json_node_get_array(row);
            g_autoptr(GStrvBuilder) forms = g_strv_builder_new();
            for (guint f = 1; f < json_array_get_length(r); f++)
                g_strv_builder_add(forms, json_array_get_string_element(r, f));
            PdCode *c = g_new0(PdCode, 1);
            c->code = g_strdup(json_array_get_string_element(r, 0));
            c->forms = g_strv_builder_end(forms);
            g_ptr_array_add(t->codes, c);
            g_hash_table_insert(t->index, c->code, c->forms);
        }
    }
    return t;
}

/* The desk's codes @codes lacks, added after its own. */
static gboolean
merge_in(PdCatalog *catalog, GPtrArray *codes, GError **error)
{
    g_autoptr(PdDeskCodes) desk = pd_desk_codes(catalog, error);
    if (desk == NULL)
        return FALSE;
    g_autoptr(GHashTable) given = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < codes->len; i++)
        g_hash_table_add(given, ((PdCode *)g_ptr_array_index(codes, i))->code);
    for (guint i = 0; i < desk->codes->len; i++) {
        const PdCode *c = g_ptr_array_index(desk->codes, i);
        if (g_hash_table_contains(given, c->code))
            continue;
        PdCode *copy = g_new0(PdCode, 1);
        copy->code = g_strdup(c->code);
        copy->forms = g_strdupv(c->forms);
        g_ptr_array_add(codes, copy);
    }
    return TRUE;
}

static gboolean
set_in(PdCatalog *catalog, GPtrArray *codes, char delimiter, gboolean merge, const char *by_user,
       GError **error)
{
    if (merge && !merge_in(catalog, codes, error))
        return FALSE;
    g_autoptr(GDateTime) when = g_date_time_new_now_utc();
    g_autofree char *now = g_date_time_format(when, "%Y-%m-%dT%H:%M:%SZ");
    GString *o = g_string_new("{");
    char d[2] = {delimiter, 0};
    pd_json_string(o, "delimiter", d);
    pd_json_string(o, "by", by_user);
    pd_json_string(o, "at", now);
    pd_json_key(o, "codes");
    g_string_append_c(o, '[');
    for (guint i = 0; i < codes->len; i++) {
        const PdCode *c = g_ptr_array_index(codes, i);
        g_string_append(o, i ? ", [" : "[");
        pd_json_quote(o, c->code);
        for (int f = 0; c->forms[f]; f++) {
            g_string_append(o, ", ");
            pd_json_quote(o, c->forms[f]);
        }
        g_string_append_c(o, ']');
    }
    g_string_append(o, "]}");
    gboolean ok = pd_catalog_set_setting(catalog, CODES_KEY, o->str, error);
    g_string_free(o, TRUE);
    return ok;
}

gboolean
pd_desk_set_codes(PdCatalog *catalog, GPtrArray *codes, char delimiter, gboolean merge,
                  const char *by_user, GError **error)
{
    if (delimiter <= ' ' || delimiter == '#' || (guchar)delimiter >= 0x7F) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "delimiter: one visible ASCII character other than '#' (Photo Mechanic's is "
                    "'=')");
        return FALSE;
    }
    for (guint i = 0; i < codes->len; i++) {
        const PdCode *c = g_ptr_array_index(codes, i);
        if (!pd_code_valid(c->code, delimiter)) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "code \"%s\" holds the delimiter '%c', a space or '#'", c->code, delimiter);
            return FALSE;
        }
    }
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, set_in(catalog, codes, delimiter, merge, by_user, error),
                             error);
}

char *
pd_desk_codes_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(PdDeskCodes) t = pd_desk_codes(catalog, error);
    if (t == NULL)
        return NULL;
    GString *o = g_string_new("{");
    char d[2] = {t->delimiter, 0};
    pd_json_string(o, "delimiter", d);
    pd_json_string(o, "updated_by", t->by);
    pd_json_string(o, "updated_at", t->at);
    pd_json_key(o, "codes");
    g_string_append_c(o, '[');
    for (guint i = 0; i < t->codes->len; i++) {
        const PdCode *c = g_ptr_array_index(t->codes, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_string(o, "code", c->code);
        pd_json_key(o, "forms");
        g_string_append_c(o, '[');
        for (int f = 0; c->forms[f]; f++) {
            if (f)
                g_string_append(o, ", ");
            pd_json_quote(o, c->forms[f]);
        }
        g_string_append(o, "]}");
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

static const char *const *
lookup(const char *code, gpointer table)
{
    return g_hash_table_lookup(((PdDeskCodes *)table)->index, code);
}

char *
pd_desk_codes_expand(const PdDeskCodes *codes, const char *text, GPtrArray *unknown)
{
    return pd_codes_expand(text, codes->delimiter, lookup, (gpointer)codes, unknown);
}

GPtrArray *
pd_desk_name_checks(const PdDeskCodes *codes, const PdPhotoText *text)
{
    GPtrArray *checks = pd_caption_checks_new();
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++)
        if ((fields[i].flags & PD_FIELD_EDITABLE) && !(fields[i].flags & PD_FIELD_LIST))
            pd_codes_name_checks(fields[i].name, pd_photo_text_get(text, &fields[i]), codes->codes,
                                 checks);
    return checks;
}
