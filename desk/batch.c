/* batch.c: editing many photos at once. A batch is a list of edits (set, append to,
 * prepend to, or find and replace in a field an editor corrects), with the desk's code
 * replacements expanded in what it writes. Previewed photo by photo (the fields before
 * and after, their IIM byte counts, the caption checks of the result), then applied in one
 * write transaction: each photo a version of its own by the editor, the batch recorded
 * with every photo's versions before and after; a photo changed since its preview is
 * listed and left alone. Undone as one action: each photo still at the batch's version
 * gets a new version with its fields as they were. */
#include "caption/caption.h"
#include "desk/desk-private.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[] = {
    [PD_BATCH_SET] = "set",
    [PD_BATCH_APPEND] = "append",
    [PD_BATCH_PREPEND] = "prepend",
    [PD_BATCH_REPLACE] = "replace",
};

void
pd_batch_edit_free(PdBatchEdit *e)
{
    if (e == NULL)
        return;
    g_free(e->value);
    g_free(e->find);
    g_free(e);
}

PdBatchEdit *
pd_batch_edit_new(const char *field, const char *op, const char *value, const char *find,
                  GError **error)
{
    const PdPhotoField *f = pd_photo_field_find(field);
    if (f == NULL || !(f->flags & PD_FIELD_EDITABLE)) {
        g_autoptr(GString) names = g_string_new(NULL);
        guint n;
        const PdPhotoField *all = pd_photo_fields(&n);
        for (guint i = 0; i < n; i++)
            if (all[i].flags & PD_FIELD_EDITABLE)
                g_string_append_printf(names, "%s%s", names->len ? ", " : "", all[i].name);
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "%s: not a field an editor corrects (those are %s)",
                    field ? field : "(no field)", names->str);
        return NULL;
    }
    int which = -1;
    for (gsize i = 0; op && i < G_N_ELEMENTS(op_names); i++)
        if (strcmp(op, op_names[i]) == 0)
            which = (int)i;
    if (which < 0) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "%s: the edit is set, append, prepend or replace, not \"%s\"", field,
                    op ? op : "");
        return NULL;
    }
    if (value == NULL || (which == PD_BATCH_REPLACE && (find == NULL || *find == 0)) ||
        !g_utf8_validate(value, -1, NULL) || (find && !g_utf8_validate(find, -1, NULL))) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    which == PD_BATCH_REPLACE ? "%s: replace needs the text to find and its "
                                                "replacement (UTF-8)"
                                              : "%s: the edit needs a value (UTF-8)",
                    field);
        return NULL;
    }
    PdBatchEdit *e = g_new0(PdBatchEdit, 1);
    e->field = f;
    e->op = (PdBatchOp)which;
    e->value = g_strdup(value);
    e->find = which == PD_BATCH_REPLACE ? g_strdup(find) : NULL;
    return e;
}

/* @edits as JSON: [{"field", "op", "value", "find"?}]. */
static char *
edits_json(GPtrArray *edits)
{
    GString *o = g_string_new("[");
    for (guint i = 0; i < edits->len; i++) {
        const PdBatchEdit *e = g_ptr_array_index(edits, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_string(o, "field", e->field->name);
        pd_json_string(o, "op", op_names[e->op]);
        pd_json_string(o, "value", e->value);
        if (e->find)
            pd_json_string(o, "find", e->find);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    return g_string_free(o, FALSE);
}

/* ---------------------------------------------------------------- variables */

/* What a template's value can say of the photo it is applied to: {headline}, {city},
 * any text field of the table by its name, {credit_line} and {photographer} (read from
 * the caption), {date_created} or {date_created:FORMAT} (strftime's conversions, in the
 * photographer's own time: "{date_created:%A, %B %-d, %Y}"), {seq} and {seq:N} (the
 * photo's number in the batch, N digits). A variable the photo has no value for is left
 * visible, "[no city]", and named in @missing. */
typedef struct {
    const PdCatalogPhoto *photo; /* NULL: no variables (a preview of codes only) */
    guint seq;                   /* from 1 */
    GPtrArray *missing;          /* the variables without a value, or NULL */
} Vars;

static char *
date_text(const char *iso, const char *format)
{
    if (iso == NULL)
        return NULL;
    if (format == NULL)
        return g_strdup(iso);
    /* the photographer's own clock: the offset the file gives, else the time as written */
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autofree char *full = strlen(iso) == 10 ? g_strconcat(iso, "T12:00:00", NULL) : g_strdup(iso);
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(full, utc);
    if (t == NULL)
        return g_strdup(iso);
    char *out = g_date_time_format(t, format);
    return out ? out : g_strdup(iso);
}

static char *
variable(const char *name, const char *arg, const Vars *v)
{
    const PdCatalogPhoto *p = v->photo;
    if (strcmp(name, "seq") == 0) {
        int digits = arg ? atoi(arg) : 0;
        return g_strdup_printf("%0*u", CLAMP(digits, 0, 9), v->seq);
    }
    if (strcmp(name, "date_created") == 0)
        return date_text(p->date_created, arg);
    if (strcmp(name, "credit_line") == 0)
        return g_strdup(p->credit_line);
    if (strcmp(name, "photographer") == 0)
        return g_strdup(p->photographer);
    const PdPhotoField *f = pd_photo_field_find(name);
    if (f == NULL)
        return NULL;
    if (f->flags & PD_FIELD_LIST) {
        GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, &p->text, f->offset);
        if (list == NULL || list->len == 0)
            return NULL;
        g_ptr_array_add(list, NULL);
        char *joined = g_strjoinv("; ", (char **)list->pdata);
        g_ptr_array_set_size(list, list->len - 1);
        return joined;
    }
    return g_strdup(pd_photo_text_get(&p->text, f));
}

/* @text with its {variables} replaced from the photo. */
static char *
with_variables(const char *text, const Vars *v)
{
    if (v->photo == NULL || strchr(text, '{') == NULL)
        return g_strdup(text);
    GString *o = g_string_new(NULL);
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (open == NULL || close == NULL)
            break;
        g_string_append_len(o, p, open - p);
        g_autofree char *inside = g_strndup(open + 1, (gsize)(close - open - 1));
        char *colon = strchr(inside, ':');
        if (colon)
            *colon = 0;
        gboolean known = strcmp(inside, "seq") == 0 || strcmp(inside, "date_created") == 0 ||
                         strcmp(inside, "credit_line") == 0 ||
                         strcmp(inside, "photographer") == 0 || pd_photo_field_find(inside) != NULL;
        if (!known) { /* not a variable: text as written */
            g_string_append_c(o, '{');
            p = open + 1;
            continue;
        }
        g_autofree char *value = variable(inside, colon ? colon + 1 : NULL, v);
        if (value && *value) {
            g_string_append(o, value);
        } else {
            g_string_append_printf(o, "[no %s]", inside);
            if (v->missing)
                g_ptr_array_add(v->missing, g_strdup(inside));
        }
        p = close + 1;
    }
    g_string_append(o, p);
    return g_string_free(o, FALSE);
}

/* One value edited: @now (or NULL) with @e applied, @value its text with codes expanded. */
static char *
edited(const char *now, const PdBatchEdit *e, const char *value)
{
    const char *was = now ? now : "";
    switch (e->op) {
    case PD_BATCH_SET:
        return g_strdup(value);
    case PD_BATCH_APPEND:
        return g_strconcat(was, value, NULL);
    case PD_BATCH_PREPEND:
        return g_strconcat(value, was, NULL);
    case PD_BATCH_REPLACE: {
        g_auto(GStrv) parts = g_strsplit(was, e->find, -1);
        return g_strjoinv(value, parts);
    }
    }
    return g_strdup(was);
}

/* @text with @edits applied (a list field: set replaces it with the values separated by
 * ';', append and prepend add them, replace works in each value), the desk's codes and
 * the photo's variables (@vars) expanded in the values. The codes found in the values
 * and not in the desk's table are added to @unknown. */
static void
apply_edits(PdPhotoText *text, GPtrArray *edits, const PdDeskCodes *codes, GPtrArray *unknown,
            const Vars *vars)
{
    for (guint i = 0; i < edits->len; i++) {
        const PdBatchEdit *e = g_ptr_array_index(edits, i);
        g_autofree char *coded = pd_desk_codes_expand(codes, e->value, unknown);
        g_autofree char *value = with_variables(coded, vars);
        if (!(e->field->flags & PD_FIELD_LIST)) {
            char **slot = pd_photo_text_string(text, e->field);
            char *next = edited(*slot, e, value);
            g_free(*slot);
            *slot = pd_text_normalise(next);
            continue;
        }
        GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, text, e->field->offset);
        g_auto(GStrv) given = g_strsplit(value, ";", -1);
        if (e->op == PD_BATCH_SET)
            g_ptr_array_set_size(list, 0);
        if (e->op == PD_BATCH_REPLACE) {
            for (guint k = 0; k < list->len; k++) {
                char *next = edited(g_ptr_array_index(list, k), e, value);
                g_free(g_ptr_array_index(list, k));
                list->pdata[k] = pd_text_normalise(next);
            }
            continue;
        }
        guint at = e->op == PD_BATCH_PREPEND ? 0 : list->len;
        for (int k = 0; given[k]; k++) {
            char *v = pd_text_normalise(g_strdup(given[k]));
            if (v)
                g_ptr_array_insert(list, (gint)at++, v);
        }
    }
    /* a list edited into holes (a replacement that emptied a value) keeps none */
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++)
        if (fields[i].flags & PD_FIELD_LIST) {
            GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, text, fields[i].offset);
            for (guint k = list->len; k-- > 0;)
                if (g_ptr_array_index(list, k) == NULL)
                    g_ptr_array_remove_index(list, k);
        }
}

/* A field's value as a line: a list's values joined with "; ". */
static char *
field_text(const PdPhotoText *text, const PdPhotoField *f)
{
    if (!(f->flags & PD_FIELD_LIST))
        return g_strdup(pd_photo_text_get(text, f));
    GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, text, f->offset);
    GString *o = g_string_new(NULL);
    for (guint k = 0; list && k < list->len; k++)
        g_string_append_printf(o, "%s%s", k ? "; " : "", (char *)g_ptr_array_index(list, k));
    return g_string_free(o, FALSE);
}

/* The IIM bytes of a field's value: the longest of a list's values. */
static gsize
iim_bytes(const PdPhotoText *text, const PdPhotoField *f)
{
    if (!(f->flags & PD_FIELD_LIST)) {
        const char *v = pd_photo_text_get(text, f);
        return v ? strlen(v) : 0;
    }
    GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, text, f->offset);
    gsize most = 0;
    for (guint k = 0; list && k < list->len; k++)
        most = MAX(most, strlen(g_ptr_array_index(list, k)));
    return most;
}

/* The correction that makes @before into @after: every field an edit touches. */
static void
correction_of(PdCorrection *fix, const PdPhotoText *after, GPtrArray *edits)
{
    for (guint i = 0; i < edits->len; i++) {
        const PdBatchEdit *e = g_ptr_array_index(edits, i);
        if (e->field->flags & PD_FIELD_LIST)
            G_STRUCT_MEMBER(GPtrArray *, &fix->text, e->field->offset) =
                G_STRUCT_MEMBER(GPtrArray *, (PdPhotoText *)after, e->field->offset);
        else
            *pd_photo_text_string(&fix->text, e->field) =
                (char *)(pd_photo_text_get(after, e->field) ? pd_photo_text_get(after, e->field)
                                                            : "");
    }
}

/* Each field an edit touches, once, in the table's order. */
static GPtrArray *
touched(GPtrArray *edits)
{
    GPtrArray *fields = g_ptr_array_new();
    guint n;
    const PdPhotoField *table = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++)
        for (guint k = 0; k < edits->len; k++)
            if (((PdBatchEdit *)g_ptr_array_index(edits, k))->field == &table[i]) {
                g_ptr_array_add(fields, (gpointer)&table[i]);
                break;
            }
    return fields;
}

char *
pd_desk_batch_preview_json(PdCatalog *catalog, const gint64 *ids, guint n, GPtrArray *edits,
                           GError **error)
{
    g_autoptr(PdDeskCodes) codes = pd_desk_codes(catalog, error);
    if (codes == NULL)
        return NULL;
    g_autoptr(GPtrArray) fields = touched(edits);
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) o = g_string_new("{\"photos\": [");
    g_autoptr(PdDeskDayNames) day = NULL; /* the names of the photo's day, kept for the next */
    for (guint i = 0; i < n; i++) {
        g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, ids[i], error);
        if (p == NULL)
            return NULL;
        if (!pd_desk_day_names_hold(day, p->ingested_at)) {
            g_clear_pointer(&day, pd_desk_day_names_free);
            if ((day = pd_desk_day_names(catalog, p->ingested_at, error)) == NULL)
                return NULL;
        }
        PdPhotoText after;
        pd_photo_text_init(&after);
        pd_photo_text_copy(&after, &p->text);
        g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func(g_free);
        Vars vars = {p, i + 1, missing};
        apply_edits(&after, edits, codes, unknown, &vars);
        g_string_append(o, i ? ", {" : "{");
        pd_json_key(o, "id");
        g_string_append_printf(o, "%" G_GINT64_FORMAT, p->id);
        pd_json_int(o, "version", p->version, TRUE);
        pd_json_key(o, "changes");
        g_string_append_c(o, '[');
        for (guint k = 0; k < fields->len; k++) {
            const PdPhotoField *f = g_ptr_array_index(fields, k);
            g_autofree char *from = field_text(&p->text, f);
            g_autofree char *to = field_text(&after, f);
            g_string_append(o, k ? ", {" : "{");
            pd_json_string(o, "field", f->name);
            pd_json_string(o, "from", from);
            pd_json_string(o, "to", to);
            pd_json_bool(o, "changed", g_strcmp0(from ? from : "", to ? to : "") != 0);
            pd_json_int(o, "bytes", (int)iim_bytes(&after, f), TRUE);
            pd_json_int(o, "limit", (int)f->iim_max, f->iim_max != 0);
            g_string_append_c(o, '}');
        }
        g_string_append_c(o, ']');
        PdCaption reading = {0};
        pd_caption_read(&after, &reading);
        g_autoptr(GPtrArray) names = pd_desk_name_checks(codes, day, p->id, &after);
        while (names->len) /* the names' checks beside the others */
            g_ptr_array_add(reading.checks, g_ptr_array_steal_index(names, 0));
        pd_json_checks(o, "checks", reading.checks);
        pd_json_strings(o, "missing", missing); /* variables the photo has no value for */
        pd_caption_clear(&reading);
        pd_photo_text_clear(&after);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    /* each code that is not the desk's, once */
    g_autoptr(GHashTable) once = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) codes_said = g_ptr_array_new();
    for (guint i = 0; i < unknown->len; i++)
        if (g_hash_table_add(once, g_ptr_array_index(unknown, i)))
            g_ptr_array_add(codes_said, g_ptr_array_index(unknown, i));
    pd_json_strings(o, "unknown_codes", codes_said);
    g_string_append_c(o, '}');
    return g_string_free(g_steal_pointer(&o), FALSE);
}

gboolean
pd_desk_batch_apply_in(PdCatalog *catalog, const gint64 *ids, const int *versions, guint n,
                       GPtrArray *edits, const char *user, PdBatchResult *out, GError **error)
{
    g_autoptr(PdDeskCodes) codes = pd_desk_codes(catalog, error);
    if (codes == NULL)
        return FALSE;
    g_autofree char *asked = edits_json(edits);
    for (guint i = 0; i < n; i++) {
        g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, ids[i], error);
        if (p == NULL)
            return FALSE;
        if (versions && versions[i] > 0 && versions[i] != p->version) {
            PdBatchStale s = {ids[i], versions[i], p->version};
            g_array_append_val(out->stale, s);
            continue;
        }
        PdPhotoText after;
        pd_photo_text_init(&after);
        pd_photo_text_copy(&after, &p->text);
        Vars vars = {p, i + 1, NULL};
        apply_edits(&after, edits, codes, NULL, &vars);
        PdCorrection fix = {.version = p->version};
        correction_of(&fix, &after, edits);
        gboolean changed = FALSE;
        gboolean ok = pd_desk_check_correction(&fix, error) &&
                      pd_desk_correct_in(catalog, ids[i], &fix, user, &changed, error);
        pd_photo_text_clear(&after);
        if (!ok) {
            g_prefix_error(error, "photo %" G_GINT64_FORMAT ": ", ids[i]);
            return FALSE;
        }
        if (!changed) {
            g_array_append_val(out->unchanged, ids[i]);
            continue;
        }
        if (out->batch == 0 &&
            (out->batch = pd_catalog_add_batch(catalog, asked, user, error)) == 0)
            return FALSE;
        if (!pd_catalog_add_batch_photo(catalog, out->batch, ids[i], p->version, p->version + 1,
                                        error))
            return FALSE;
        g_array_append_val(out->applied, ids[i]);
    }
    return TRUE;
}

void
pd_batch_result_clear(PdBatchResult *r)
{
    g_clear_pointer(&r->applied, g_array_unref);
    g_clear_pointer(&r->unchanged, g_array_unref);
    g_clear_pointer(&r->stale, g_array_unref);
}

void
pd_desk_batch_result_init(PdBatchResult *r)
{
    r->batch = 0;
    r->applied = g_array_new(FALSE, FALSE, sizeof(gint64));
    r->unchanged = g_array_new(FALSE, FALSE, sizeof(gint64));
    r->stale = g_array_new(FALSE, FALSE, sizeof(PdBatchStale));
}

gboolean
pd_desk_batch_apply(PdCatalog *catalog, const gint64 *ids, const int *versions, guint n,
                    GPtrArray *edits, const char *user, PdBatchResult *out, GError **error)
{
    pd_desk_batch_result_init(out);
    if (!pd_catalog_begin(catalog, error))
        return FALSE;
    if (pd_catalog_finish(
            catalog, pd_desk_batch_apply_in(catalog, ids, versions, n, edits, user, out, error),
            error))
        return TRUE;
    pd_batch_result_clear(out);
    pd_desk_batch_result_init(out); /* nothing was done */
    return FALSE;
}

/* Photo @id's fields as they were before version @after, from that version's changes. */
static gboolean
undo_one(PdCatalog *catalog, gint64 id, int after, const char *user, GError **error)
{
    g_autoptr(GPtrArray) versions = pd_catalog_get_versions(catalog, id, error);
    if (versions == NULL)
        return FALSE;
    const PdCatalogVersion *v = NULL;
    for (guint i = 0; i < versions->len && v == NULL; i++)
        if (((PdCatalogVersion *)g_ptr_array_index(versions, i))->version == after)
            v = g_ptr_array_index(versions, i);
    if (v == NULL)
        return TRUE; /* nothing recorded to undo */
    PdCorrection fix = {.version = after};
    g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    for (guint k = 0; k < v->changes->len; k++) {
        const PdCatalogChange *c = g_ptr_array_index(v->changes, k);
        const PdPhotoField *f = pd_photo_field_find(c->field);
        if (f == NULL || !(f->flags & PD_FIELD_EDITABLE))
            continue;
        if (f->flags & PD_FIELD_LIST) {
            GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
            g_auto(GStrv) parts = g_strsplit(c->from ? c->from : "", "\n", -1);
            for (int p = 0; parts[p]; p++)
                if (*parts[p])
                    g_ptr_array_add(list, g_strdup(parts[p]));
            g_ptr_array_add(lists, list);
            G_STRUCT_MEMBER(GPtrArray *, &fix.text, f->offset) = list;
        } else {
            *pd_photo_text_string(&fix.text, f) = c->from ? c->from : "";
        }
    }
    gboolean changed = FALSE;
    return pd_desk_correct_in(catalog, id, &fix, user, &changed, error);
}

static gboolean
undo_in(PdCatalog *catalog, gint64 batch, const char *user, PdBatchResult *out, GError **error)
{
    g_autoptr(PdCatalogBatch) b = pd_catalog_get_batch(catalog, batch, error);
    if (b == NULL)
        return FALSE;
    if (b->undone_at) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_CONFLICT,
                    "batch %" G_GINT64_FORMAT " was undone already, by %s at %s", batch,
                    b->undone_by, b->undone_at);
        return FALSE;
    }
    for (guint i = 0; i < b->photos->len; i++) {
        const PdCatalogBatchPhoto *bp = &g_array_index(b->photos, PdCatalogBatchPhoto, i);
        g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, bp->photo_id, NULL);
        if (p == NULL)
            continue;                          /* the photo went */
        if (p->version != bp->version_after) { /* changed since: left as it is, and said */
            PdBatchStale s = {bp->photo_id, bp->version_after, p->version};
            g_array_append_val(out->stale, s);
            continue;
        }
        if (!undo_one(catalog, bp->photo_id, bp->version_after, user, error))
            return FALSE;
        g_array_append_val(out->applied, bp->photo_id);
    }
    out->batch = batch;
    return pd_catalog_batch_undone(catalog, batch, user, error);
}

gboolean
pd_desk_batch_undo(PdCatalog *catalog, gint64 batch, const char *user, PdBatchResult *out,
                   GError **error)
{
    pd_desk_batch_result_init(out);
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, undo_in(catalog, batch, user, out, error), error);
}

char *
pd_desk_batch_result_json(const PdBatchResult *r)
{
    GString *o = g_string_new("{");
    pd_json_key(o, "batch");
    if (r->batch)
        g_string_append_printf(o, "%" G_GINT64_FORMAT, r->batch);
    else
        g_string_append(o, "null");
    const struct {
        const char *key;
        GArray *ids;
    } lists[] = {{"applied", r->applied}, {"unchanged", r->unchanged}};
    for (gsize l = 0; l < G_N_ELEMENTS(lists); l++) {
        pd_json_key(o, lists[l].key);
        g_string_append_c(o, '[');
        for (guint i = 0; i < lists[l].ids->len; i++)
            g_string_append_printf(o, "%s%" G_GINT64_FORMAT, i ? ", " : "",
                                   g_array_index(lists[l].ids, gint64, i));
        g_string_append_c(o, ']');
    }
    pd_json_key(o, "stale");
    g_string_append_c(o, '[');
    for (guint i = 0; i < r->stale->len; i++) {
        const PdBatchStale *s = &g_array_index(r->stale, PdBatchStale, i);
        g_string_append_printf(o,
                               "%s{\"id\": %" G_GINT64_FORMAT ", \"seen_version\": %d,"
                               " \"version\": %d}",
                               i ? ", " : "", s->id, s->seen, s->now);
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

/* ---------------------------------------------------------------- templates */

/* The desk's templates: named lists of edits whose values may hold variables, kept as a
 * setting of the catalog ({"next": N, "templates": [{"id", "name", "edits", "by", "at"}]}). */
#define TEMPLATES_KEY "templates"

void
pd_desk_template_free(PdDeskTemplate *t)
{
    if (t == NULL)
        return;
    g_free(t->name);
    g_free(t->by);
    g_free(t->at);
    g_clear_pointer(&t->edits, g_ptr_array_unref);
    g_free(t);
}

static GPtrArray *
read_templates(PdCatalog *catalog, gint64 *next, GError **error)
{
    g_autoptr(JsonParser) p = NULL;
    JsonObject *o;
    JsonArray *a;
    if (!pd_desk_setting(catalog, TEMPLATES_KEY, "templates", &p, &o, &a, error))
        return NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)pd_desk_template_free);
    *next = o ? json_object_get_int_member_with_default(o, "next", 1) : 1;
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *to = json_array_get_object_element(a, i);
        if (to == NULL)
            continue;
        PdDeskTemplate *t = g_new0(PdDeskTemplate, 1);
        t->id = json_object_get_int_member_with_default(to, "id", 0);
        t->name = g_strdup(json_object_get_string_member_with_default(to, "name", ""));
        t->by = g_strdup(json_object_get_string_member_with_default(to, "by", NULL));
        t->at = g_strdup(json_object_get_string_member_with_default(to, "at", NULL));
        t->edits = g_ptr_array_new_with_free_func((GDestroyNotify)pd_batch_edit_free);
        JsonNode *en = json_object_get_member(to, "edits");
        JsonArray *ea = en && JSON_NODE_HOLDS_ARRAY(en) ? json_node_get_array(en) : NULL;
        for (guint k = 0; ea && k < json_array_get_length(ea); k++) {
            JsonObject *eo = json_array_get_object_element(ea, k);
            PdBatchEdit *e = pd_batch_edit_new(
                json_object_get_string_member_with_default(eo, "field", NULL),
                json_object_get_string_member_with_default(eo, "op", NULL),
                json_object_get_string_member_with_default(eo, "value", NULL),
                json_object_get_string_member_with_default(eo, "find", NULL), NULL);
            if (e)
                g_ptr_array_add(t->edits, e);
        }
        g_ptr_array_add(all, t);
    }
    return all;
}

/* "templates": [{"id", "name", "by", "at", "edits"}] as the setting and the API have it. */
static void
templates_member(GString *o, GPtrArray *all)
{
    pd_json_key(o, "templates");
    g_string_append_c(o, '[');
    for (guint i = 0; i < all->len; i++) {
        const PdDeskTemplate *t = g_ptr_array_index(all, i);
        g_autofree char *edits = edits_json(t->edits);
        g_string_append(o, i ? ", {" : "{");
        pd_json_key(o, "id");
        g_string_append_printf(o, "%" G_GINT64_FORMAT, t->id);
        pd_json_string(o, "name", t->name);
        pd_json_string(o, "by", t->by);
        pd_json_string(o, "at", t->at);
        pd_json_key(o, "edits");
        g_string_append(o, edits);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

static gboolean
write_templates(PdCatalog *catalog, GPtrArray *all, gint64 next, GError **error)
{
    GString *o = g_string_new("{");
    pd_json_key(o, "next");
    g_string_append_printf(o, "%" G_GINT64_FORMAT, next);
    templates_member(o, all);
    g_string_append_c(o, '}');
    gboolean ok = pd_catalog_set_setting(catalog, TEMPLATES_KEY, o->str, error);
    g_string_free(o, TRUE);
    return ok;
}

GPtrArray *
pd_desk_templates(PdCatalog *catalog, GError **error)
{
    gint64 next;
    return read_templates(catalog, &next, error);
}

const PdDeskTemplate *
pd_desk_template_named(GPtrArray *templates, const char *name)
{
    g_autofree char *want = g_utf8_casefold(name, -1);
    for (guint i = 0; templates && i < templates->len; i++) {
        const PdDeskTemplate *t = g_ptr_array_index(templates, i);
        g_autofree char *have = g_utf8_casefold(t->name, -1);
        if (strcmp(have, want) == 0)
            return t;
    }
    return NULL;
}

static gboolean
save_in(PdCatalog *catalog, const char *name, GPtrArray *edits, const char *by_user, gint64 *id,
        GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) all = read_templates(catalog, &next, error);
    if (all == NULL)
        return FALSE;
    PdDeskTemplate *t = (PdDeskTemplate *)pd_desk_template_named(all, name);
    if (t == NULL) {
        t = g_new0(PdDeskTemplate, 1);
        t->id = next++;
        t->name = g_strdup(name);
        g_ptr_array_add(all, t);
    }
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_free(t->by);
    g_free(t->at);
    t->by = g_strdup(by_user);
    t->at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_clear_pointer(&t->edits, g_ptr_array_unref);
    t->edits = g_ptr_array_new_with_free_func((GDestroyNotify)pd_batch_edit_free);
    for (guint i = 0; i < edits->len; i++) {
        const PdBatchEdit *e = g_ptr_array_index(edits, i);
        g_ptr_array_add(
            t->edits, pd_batch_edit_new(e->field->name, op_names[e->op], e->value, e->find, NULL));
    }
    *id = t->id;
    return write_templates(catalog, all, next, error);
}

gint64
pd_desk_save_template(PdCatalog *catalog, const char *name, GPtrArray *edits, const char *by_user,
                      GError **error)
{
    g_autofree char *trimmed = name ? g_strstrip(g_strdup(name)) : NULL;
    if (trimmed == NULL || *trimmed == 0 || strlen(trimmed) > 100 ||
        !g_utf8_validate(trimmed, -1, NULL) || edits->len == 0) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "a template needs a name (1 to 100 bytes) and at least one edit");
        return 0;
    }
    gint64 id = 0;
    gboolean ok =
        pd_catalog_begin(catalog, error) &&
        pd_catalog_finish(catalog, save_in(catalog, trimmed, edits, by_user, &id, error), error);
    return ok ? id : 0;
}

static gboolean
remove_in(PdCatalog *catalog, gint64 id, GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) all = read_templates(catalog, &next, error);
    if (all == NULL)
        return FALSE;
    g_autoptr(GPtrArray) rules = pd_desk_rules(catalog, error);
    if (rules == NULL)
        return FALSE;
    for (guint i = 0; i < all->len; i++) {
        const PdDeskTemplate *t = g_ptr_array_index(all, i);
        if (t->id != id)
            continue;
        const PdDeskRule *user = pd_desk_rule_using(rules, t->name);
        if (user) { /* a rule would find nothing at ingest */
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "template \"%s\" is applied at ingest by rule \"%s\": remove the rule "
                        "first",
                        t->name, user->name);
            return FALSE;
        }
        g_ptr_array_remove_index(all, i);
        return write_templates(catalog, all, next, error);
    }
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                "no template %" G_GINT64_FORMAT, id);
    return FALSE;
}

gboolean
pd_desk_remove_template(PdCatalog *catalog, gint64 id, GError **error)
{
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, remove_in(catalog, id, error), error);
}

char *
pd_desk_templates_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_desk_templates(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{");
    templates_member(o, all);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}
