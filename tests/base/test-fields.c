/* test-fields.c: the table of the photo's fields and what is made from it. */
#include "base/base.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* A struct that holds the fields by name and as one PdPhotoText, as PdPhotoMeta does. */
typedef struct {
    int before;
    PD_PHOTO_TEXT_MEMBERS;
    int after;
} Holder;

static void
test_table(void)
{
    guint n = 0;
    const PdPhotoField *fields = pd_photo_fields(&n);
    g_assert_cmpuint(n, ==, 28);
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < n; i++) {
        g_assert_true(g_hash_table_add(names, (gpointer)fields[i].name)); /* no name twice */
        g_assert_nonnull(fields[i].label);
        g_assert_true(pd_photo_field_find(fields[i].name) == &fields[i]);
        /* every field with an IIM dataset has its limit */
        g_assert_cmpint(fields[i].iim != 0, ==, fields[i].iim_max != 0);
    }
    g_hash_table_unref(names);
    g_assert_null(pd_photo_field_find("nope"));
    g_assert_null(pd_photo_field_find(NULL));
    const PdPhotoField *caption = pd_photo_field_find("caption");
    g_assert_cmpuint(caption->iim, ==, 120);
    g_assert_cmpuint(caption->iim_max, ==, 2000);
    g_assert_cmpstr(caption->xmp, ==, "dc:description");
    g_assert_true(caption->flags & PD_FIELD_EDITABLE);
    g_assert_true(pd_photo_field_find("keywords")->flags & PD_FIELD_LIST);
    g_assert_cmpuint(pd_photo_field_find("byline")->iim_max, ==, 32);
}

static void
test_members(void)
{
    Holder h = {.before = 1, .after = 2};
    pd_photo_text_init(&h.text);
    g_assert_nonnull(h.keywords);
    g_assert_null(h.caption);
    h.caption = g_strdup("A caption");
    h.city = g_strdup("Z\xc3\xbcrich");
    g_ptr_array_add(h.keywords, g_strdup("one"));
    /* the same memory by name and through the table */
    g_assert_cmpstr(pd_photo_text_get(&h.text, pd_photo_field_find("caption")), ==, "A caption");
    g_assert_true(*pd_photo_text_string(&h.text, pd_photo_field_find("city")) == h.city);

    PdPhotoText copy;
    pd_photo_text_init(&copy);
    copy.headline = g_strdup("to be replaced");
    pd_photo_text_copy(&copy, &h.text);
    g_assert_cmpstr(copy.caption, ==, "A caption");
    g_assert_true(copy.caption != h.caption);
    g_assert_null(copy.headline);
    g_assert_cmpuint(copy.keywords->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(copy.keywords, 0), ==, "one");

    GString *json = g_string_new("{");
    pd_json_photo_text(json, &copy);
    g_string_append_c(json, '}');
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, json->str, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpstr(json_object_get_string_member(o, "city"), ==, "Z\xc3\xbcrich");
    g_assert_true(json_object_get_null_member(o, "headline"));
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "keywords")), ==, 1);
    g_assert_cmpuint(json_object_get_size(o), ==, 28);
    g_string_free(json, TRUE);

    GString *text = g_string_new(NULL);
    pd_text_append_photo_text(text, 10, &copy);
    g_assert_nonnull(strstr(text->str, "  Caption    A caption\n"));
    g_assert_nonnull(strstr(text->str, "  Keywords   one\n"));
    g_assert_null(strstr(text->str, "Headline"));
    g_string_free(text, TRUE);

    pd_photo_text_clear(&copy);
    pd_photo_text_clear(&h.text);
    g_assert_null(h.caption);
    g_assert_null(h.keywords);
    g_assert_cmpint(h.before, ==, 1);
    g_assert_cmpint(h.after, ==, 2);
}

static void
test_fields_json(void)
{
    g_autofree char *json = pd_photo_fields_json();
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, json, -1, NULL));
    JsonArray *a = json_node_get_array(json_parser_get_root(parser));
    g_assert_cmpuint(json_array_get_length(a), ==, 28);
    JsonObject *first = json_array_get_object_element(a, 0);
    g_assert_cmpstr(json_object_get_string_member(first, "name"), ==, "caption");
    g_assert_cmpint(json_object_get_int_member(first, "limit"), ==, 2000);
    g_assert_true(json_object_get_boolean_member(first, "editable"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/base/fields/table", test_table);
    g_test_add_func("/base/fields/members", test_members);
    g_test_add_func("/base/fields/json", test_fields_json);
    return g_test_run();
}
