/* fields.c: the table of the photo's fields (see PD_PHOTO_FIELDS in base.h) as data, and
 * the operations on every field at once: init, clear, copy, JSON. */
#include "base/base.h"

#include <stddef.h>
#include <string.h>

#define ROW_(name, label, iim, limit, xmp, xmp_alt, exif, flags)                                   \
    {#name, label, iim, limit, xmp, xmp_alt, exif, flags, offsetof(PdPhotoText, name)},

static const PdPhotoField fields[] = {PD_PHOTO_FIELDS(ROW_, ROW_)};

const PdPhotoField *
pd_photo_fields(guint *n_fields)
{
    if (n_fields)
        *n_fields = G_N_ELEMENTS(fields);
    return fields;
}

const PdPhotoField *
pd_photo_field_find(const char *name)
{
    for (gsize i = 0; name && i < G_N_ELEMENTS(fields); i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

char **
pd_photo_text_string(PdPhotoText *text, const PdPhotoField *field)
{
    g_return_val_if_fail(!(field->flags & PD_FIELD_LIST), NULL);
    return G_STRUCT_MEMBER_P(text, field->offset);
}

const char *
pd_photo_text_get(const PdPhotoText *text, const PdPhotoField *field)
{
    return *pd_photo_text_string((PdPhotoText *)text, field);
}

static GPtrArray **
list_of(PdPhotoText *text, const PdPhotoField *field)
{
    return G_STRUCT_MEMBER_P(text, field->offset);
}

void
pd_photo_text_init(PdPhotoText *text)
{
    memset(text, 0, sizeof *text);
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
        if (fields[i].flags & PD_FIELD_LIST)
            *list_of(text, &fields[i]) = g_ptr_array_new_with_free_func(g_free);
}

void
pd_photo_text_clear(PdPhotoText *text)
{
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (fields[i].flags & PD_FIELD_LIST)
            g_clear_pointer(list_of(text, &fields[i]), g_ptr_array_unref);
        else
            g_clear_pointer(pd_photo_text_string(text, &fields[i]), g_free);
    }
}

void
pd_photo_text_copy(PdPhotoText *dest, const PdPhotoText *src)
{
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        const PdPhotoField *f = &fields[i];
        if (!(f->flags & PD_FIELD_LIST)) {
            char **slot = pd_photo_text_string(dest, f);
            g_free(*slot);
            *slot = g_strdup(pd_photo_text_get(src, f));
            continue;
        }
        GPtrArray **list = list_of(dest, f);
        if (*list == NULL)
            *list = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_set_size(*list, 0);
        GPtrArray *from = *list_of((PdPhotoText *)src, f);
        for (guint k = 0; from && k < from->len; k++)
            g_ptr_array_add(*list, g_strdup(g_ptr_array_index(from, k)));
    }
}

void
pd_json_photo_text(GString *out, const PdPhotoText *text)
{
    pd_json_photo_text_having(out, text, 0);
}

void
pd_json_photo_text_having(GString *out, const PdPhotoText *text, PdFieldFlags having)
{
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        if ((fields[i].flags & having) != having)
            continue;
        if (fields[i].flags & PD_FIELD_LIST)
            pd_json_strings(out, fields[i].name, *list_of((PdPhotoText *)text, &fields[i]));
        else
            pd_json_string(out, fields[i].name, pd_photo_text_get(text, &fields[i]));
    }
}

char *
pd_photo_fields_json(void)
{
    GString *o = g_string_new("[");
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        const PdPhotoField *f = &fields[i];
        pd_json_open(o, NULL, '{');
        pd_json_string(o, "name", f->name);
        pd_json_string(o, "label", f->label);
        pd_json_int(o, "iim", f->iim, f->iim != 0);
        pd_json_int(o, "limit", (int)f->iim_max, f->iim_max != 0);
        pd_json_string(o, "xmp", f->xmp);
        pd_json_bool(o, "editable", (f->flags & PD_FIELD_EDITABLE) != 0);
        pd_json_bool(o, "list", (f->flags & PD_FIELD_LIST) != 0);
        pd_json_bool(o, "multiline", (f->flags & PD_FIELD_MULTILINE) != 0);
        pd_json_bool(o, "provenance", (f->flags & PD_FIELD_PROVENANCE) != 0);
        pd_json_bool(o, "camera", (f->flags & PD_FIELD_CAMERA) != 0);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    return g_string_free(o, FALSE);
}
