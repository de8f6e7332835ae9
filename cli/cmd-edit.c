/* cmd-edit.c: photodesk edit ID [--version N] [--caption TEXT] ...: an editor's correction
 * from the command line, by the same path as the web UI's (one write transaction, only
 * the fields given, refused when the photo moved on past --version). */
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/* @value, or standard input's whole text when it is "-"; newly allocated, or NULL. */
static char *
text_of(const char *value, gboolean *read_stdin, GError **error)
{
    if (value == NULL || strcmp(value, "-") != 0)
        return g_strdup(value);
    if (*read_stdin) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "only one field can be read from standard input");
        return NULL;
    }
    *read_stdin = TRUE;
    GString *s = g_string_new(NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0 && s->len < PD_CORRECTION_MAX_CAPTION + 1)
        g_string_append_len(s, buf, (gssize)n);
    return g_string_free(s, FALSE);
}

/* What changed since the version the correction was made on, for people. */
static void
print_conflict(const char *json)
{
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_data(p, json, -1, NULL))
        return;
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    JsonArray *changed = json_object_get_array_member(o, "changed");
    for (guint i = 0; changed && i < json_array_get_length(changed); i++) {
        JsonObject *c = json_array_get_object_element(changed, i);
        JsonArray *by = json_object_get_array_member(c, "by");
        GString *who = g_string_new(NULL);
        for (guint k = 0; k < json_array_get_length(by); k++)
            g_string_append_printf(who, "%s%s", k ? ", " : "",
                                   json_array_get_string_element(by, k));
        const char *from = json_object_get_string_member_with_default(c, "from", NULL);
        const char *to = json_object_get_string_member_with_default(c, "to", NULL);
        fprintf(stderr, "  %s, changed by %s: \"%s\" -> \"%s\"\n",
                json_object_get_string_member(c, "field"), who->str, from ? from : "",
                to ? to : "");
        g_string_free(who, TRUE);
    }
}

/* The options a field table (base.h) gives: --NAME for each field an editor corrects. */
typedef struct {
    GArray *entries;  /* of GOptionEntry, ending in an empty one */
    GPtrArray *names; /* the option names and descriptions, owned */
    char **values;    /* per field of the table: what GOption gave, ours to free */
    guint n_fields;
} FieldOptions;

static void
field_options_init(FieldOptions *o)
{
    const PdPhotoField *fields = pd_photo_fields(&o->n_fields);
    o->entries = g_array_new(TRUE, TRUE, sizeof(GOptionEntry));
    o->names = g_ptr_array_new_with_free_func(g_free);
    o->values = g_new0(char *, o->n_fields);
    for (guint i = 0; i < o->n_fields; i++) {
        const PdPhotoField *f = &fields[i];
        if (!(f->flags & PD_FIELD_EDITABLE))
            continue;
        char *name = g_strdelimit(g_strdup(f->name), "_", '-');
        char *what = (f->flags & PD_FIELD_LIST)
                         ? g_strdup_printf("%s, separated by ;", f->label)
                         : g_strdup_printf("%s (- reads it from standard input)", f->label);
        g_ptr_array_add(o->names, name);
        g_ptr_array_add(o->names, what);
        GOptionEntry e = {name, 0, 0, G_OPTION_ARG_STRING, &o->values[i], what, "TEXT"};
        g_array_append_val(o->entries, e);
    }
}

static void
field_options_clear(FieldOptions *o)
{
    if (o->entries == NULL)
        return;
    for (guint i = 0; i < o->n_fields; i++)
        g_free(o->values[i]);
    g_free(o->values);
    g_array_unref(o->entries);
    g_ptr_array_unref(o->names);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(FieldOptions, field_options_clear)

/* The correction the options give: FALSE with @error when two read standard input. The
 * strings made are kept in @strings, the lists in @lists. */
static gboolean
correction_of(const FieldOptions *o, PdCorrection *fix, GPtrArray *strings, GPtrArray *lists,
              GError **error)
{
    gboolean from_stdin = FALSE;
    const PdPhotoField *fields = pd_photo_fields(NULL);
    for (guint i = 0; i < o->n_fields; i++) {
        const PdPhotoField *f = &fields[i];
        if (o->values[i] == NULL)
            continue;
        if (f->flags & PD_FIELD_LIST) {
            GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(lists, list);
            g_auto(GStrv) parts = g_strsplit(o->values[i], ";", -1);
            for (int k = 0; parts[k]; k++)
                if (*g_strstrip(parts[k]))
                    g_ptr_array_add(list, g_strdup(parts[k]));
            G_STRUCT_MEMBER(GPtrArray *, &fix->text, f->offset) = list;
            continue;
        }
        char *text = text_of(o->values[i], &from_stdin, error);
        if (text == NULL)
            return FALSE;
        g_ptr_array_add(strings, text);
        *pd_photo_text_string(&fix->text, f) = text;
    }
    return TRUE;
}

/* ---------------------------------------------------------------- batch edits */

/* The edits the options give, in the order --set, --replace, --prepend, --append; NULL
 * after saying what is wrong. */
static GPtrArray *
batch_edits(const char *command, char **set, char **replace, char **prepend, char **append)
{
    GPtrArray *edits = g_ptr_array_new_with_free_func((GDestroyNotify)pd_batch_edit_free);
    struct {
        const char *op;
        char **given;
    } kinds[] = {{"set", set}, {"replace", replace}, {"prepend", prepend}, {"append", append}};
    for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++)
        for (int i = 0; kinds[k].given && kinds[k].given[i]; i++) {
            const char *arg = kinds[k].given[i];
            const char *eq = strchr(arg, '=');
            g_autofree char *field = eq ? g_strndup(arg, (gsize)(eq - arg)) : g_strdup(arg);
            g_strdelimit(field, "-", '_');
            const char *value = eq ? eq + 1 : NULL;
            g_autofree char *find = NULL;
            if (value && strcmp(kinds[k].op, "replace") == 0) { /* FIELD=FIND=>VALUE */
                const char *arrow = strstr(value, "=>");
                find = arrow ? g_strndup(value, (gsize)(arrow - value)) : NULL;
                value = arrow ? arrow + 2 : NULL;
            }
            g_autoptr(GError) error = NULL;
            PdBatchEdit *e = pd_batch_edit_new(field, kinds[k].op, value, find, &error);
            if (e == NULL) {
                fprintf(stderr, "photodesk %s: --%s %s: %s\n", command, kinds[k].op, arg,
                        error->message);
                g_ptr_array_unref(edits);
                return NULL;
            }
            g_ptr_array_add(edits, e);
        }
    return edits;
}

/* A preview for people: each photo's fields before and after, byte counts, checks. */
static void
print_preview(const char *json)
{
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_data(p, json, -1, NULL))
        return;
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    JsonArray *photos = json_object_get_array_member(o, "photos");
    for (guint i = 0; i < json_array_get_length(photos); i++) {
        JsonObject *ph = json_array_get_object_element(photos, i);
        printf("photo %" G_GINT64_FORMAT " (version %" G_GINT64_FORMAT ")\n",
               json_object_get_int_member(ph, "id"), json_object_get_int_member(ph, "version"));
        JsonArray *changes = json_object_get_array_member(ph, "changes");
        for (guint k = 0; k < json_array_get_length(changes); k++) {
            JsonObject *c = json_array_get_object_element(changes, k);
            const char *to = json_object_get_string_member_with_default(c, "to", "");
            gint64 bytes = json_object_get_int_member(c, "bytes");
            gint64 limit = json_object_get_int_member_with_default(c, "limit", 0);
            printf("  %-22s %s\n  %-22s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " bytes%s%s\n",
                   json_object_get_string_member(c, "field"), to && *to ? to : "(empty)", "", bytes,
                   limit, limit && bytes > limit ? ": over IIM's limit, cut in IPTC" : "",
                   json_object_get_boolean_member(c, "changed") ? "" : " (unchanged)");
        }
        JsonArray *missing = json_object_get_array_member(ph, "missing");
        for (guint k = 0; missing && k < json_array_get_length(missing); k++)
            printf("  no value for {%s}: written [no %s]\n",
                   json_array_get_string_element(missing, k),
                   json_array_get_string_element(missing, k));
        JsonArray *checks = json_object_get_array_member(ph, "checks");
        for (guint k = 0; checks && k < json_array_get_length(checks); k++)
            printf("  check: %s\n", json_object_get_string_member(
                                        json_array_get_object_element(checks, k), "message"));
    }
    JsonArray *unknown = json_object_get_array_member(o, "unknown_codes");
    for (guint k = 0; unknown && k < json_array_get_length(unknown); k++)
        printf("not a code of the desk's: %s\n", json_array_get_string_element(unknown, k));
}

static int
batch_edit(int argc, char **argv, GPtrArray *edits, gboolean preview, gboolean json, gint64 undo,
           const PdGlobalOptions *global)
{
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        gint64 id = g_ascii_strtoll(argv[i], &end, 10);
        if (end == argv[i] || *end || id <= 0) {
            fprintf(stderr, "photodesk edit: '%s' is not a photo id\n", argv[i]);
            return PD_EXIT_USAGE;
        }
        g_array_append_val(ids, id);
    }
    if ((undo && ids->len) || (!undo && ids->len == 0)) {
        fprintf(stderr, "photodesk edit: give the photos' ids, or --undo BATCH alone\n");
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    if (catalog == NULL) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (preview) {
        g_autofree char *out =
            pd_desk_batch_preview_json(catalog, (gint64 *)ids->data, ids->len, edits, &error);
        if (out == NULL) {
            fprintf(stderr, "photodesk edit: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        if (json)
            puts(out);
        else
            print_preview(out);
        return PD_EXIT_OK;
    }
    PdBatchResult r = {0};
    gboolean ok = undo ? pd_desk_batch_undo(catalog, undo, g_get_user_name(), &r, &error)
                       : pd_desk_batch_apply(catalog, (gint64 *)ids->data, NULL, ids->len, edits,
                                             g_get_user_name(), &r, &error);
    if (!ok) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        pd_batch_result_clear(&r);
        return PD_EXIT_REJECTED;
    }
    if (json) {
        g_autofree char *out = pd_desk_batch_result_json(&r);
        puts(out);
    } else if (undo) {
        printf("batch %" G_GINT64_FORMAT " undone: %u photo%s back as they were\n", undo,
               r.applied->len, r.applied->len == 1 ? "" : "s");
    } else {
        printf("batch %" G_GINT64_FORMAT ": %u photo%s changed, %u unchanged (undo: photodesk edit "
               "--undo %" G_GINT64_FORMAT ")\n",
               r.batch, r.applied->len, r.applied->len == 1 ? "" : "s", r.unchanged->len, r.batch);
    }
    for (guint i = 0; i < r.stale->len; i++) {
        const PdBatchStale *st = &g_array_index(r.stale, PdBatchStale, i);
        fprintf(stderr,
                "photodesk edit: photo %" G_GINT64_FORMAT " changed since (version %d, now %d): "
                "left as it is\n",
                st->id, st->seen, st->now);
    }
    int status = r.stale->len ? PD_EXIT_REJECTED : PD_EXIT_OK;
    pd_batch_result_clear(&r);
    return status;
}

int
pd_cmd_edit(int argc, char **argv, const PdGlobalOptions *global)
{
    int version = 0, acknowledge = 0;
    gboolean json = FALSE, preview = FALSE;
    gint64 undo = 0;
    g_auto(GStrv) set = NULL, replace = NULL, prepend = NULL, append = NULL;
    /* GOption gives them; ours to free */
    GOptionEntry entries[] = {
        {"version", 0, 0, G_OPTION_ARG_INT, &version,
         "The photo's version the correction was made on: refused if it moved on since", "N"},
        {"acknowledge", 0, 0, G_OPTION_ARG_INT, &acknowledge,
         "The wire's re-send VERSION over a correction was seen: keep it as sent", "VERSION"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "The photo afterwards, as show --json prints it",
         NULL},
        {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &set,
         "Batch: FIELD becomes VALUE on every photo given (repeatable)", "FIELD=VALUE"},
        {"append", 0, 0, G_OPTION_ARG_STRING_ARRAY, &append, "Batch: VALUE after FIELD's text",
         "FIELD=VALUE"},
        {"prepend", 0, 0, G_OPTION_ARG_STRING_ARRAY, &prepend, "Batch: VALUE before FIELD's text",
         "FIELD=VALUE"},
        {"replace", 0, 0, G_OPTION_ARG_STRING_ARRAY, &replace,
         "Batch: every FIND in FIELD becomes VALUE", "FIELD=FIND=>VALUE"},
        {"preview", 0, 0, G_OPTION_ARG_NONE, &preview,
         "Batch: show what each photo would become, change nothing", NULL},
        {"undo", 0, 0, G_OPTION_ARG_INT64, &undo,
         "Undo batch BATCH: its photos back as they were (a new version each)", "BATCH"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new(
        "ID - correct a photo's caption; or ID... with --set/--append/--prepend/--replace");
    g_option_context_set_description(
        context, "Only the fields given change; an empty TEXT empties a field. The correction is\n"
                 "a new version of the photo by you, its credit, restrictions and checks read\n"
                 "again. With --version, a photo changed since that version is left alone and\n"
                 "what changed is listed (exit status 1).\n\n"
                 "A batch edit changes many photos at once: --set, --replace, --prepend and\n"
                 "--append (in that order) on each photo given, the desk's codes (=put=)\n"
                 "expanded; each photo a version of its own, recorded as one batch that\n"
                 "--undo takes back. --preview shows the result first.");
    g_option_context_add_main_entries(context, entries, NULL);
    g_auto(FieldOptions) fields = {0};
    field_options_init(&fields);
    g_option_context_add_main_entries(context, (const GOptionEntry *)(void *)fields.entries->data,
                                      NULL);
    gboolean parsed = pd_cli_parse(context, "edit", &argc, &argv);
    if (!parsed)
        return PD_EXIT_USAGE;
    if (set || replace || prepend || append || undo) {
        g_autoptr(GPtrArray) edits = batch_edits("edit", set, replace, prepend, append);
        if (edits == NULL)
            return PD_EXIT_USAGE;
        return batch_edit(argc, argv, edits, preview, json, undo, global);
    }
    char *end = NULL;
    gint64 id = argc == 2 ? g_ascii_strtoll(argv[1], &end, 10) : 0;
    if (argc != 2 || end == argv[1] || *end || id <= 0 || version < 0 || acknowledge < 0) {
        fprintf(stderr, "photodesk edit: give one photo id (a number), and versions from 1\n"
                        "(run 'photodesk edit --help' for usage)\n");
        return PD_EXIT_USAGE;
    }
    gboolean any = FALSE;
    for (guint i = 0; i < fields.n_fields; i++)
        any = any || fields.values[i] != NULL;
    if (!any && !acknowledge) {
        fprintf(stderr, "photodesk edit: nothing to change: give a field, such as --caption\n");
        return PD_EXIT_USAGE;
    }

    g_autoptr(GError) error = NULL;
    PdCorrection fix = {.version = version};
    g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    if (!correction_of(&fields, &fix, strings, lists, &error)) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        return PD_EXIT_USAGE;
    }

    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    if (catalog == NULL) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    const char *user = g_get_user_name();
    if (acknowledge && !pd_catalog_acknowledge_version(catalog, id, acknowledge, user, &error)) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    gboolean changed = FALSE;
    if (any && !pd_desk_correct(catalog, id, &fix, user, &changed, &error)) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        if (g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_STALE)) {
            g_autofree char *conflict =
                pd_desk_conflict_json(catalog, id, version, error->message, NULL);
            if (conflict && json)
                printf("%s\n", conflict);
            else if (conflict)
                print_conflict(conflict);
        }
        return PD_EXIT_REJECTED;
    }
    if (json) {
        g_autofree char *out = pd_desk_show_json(library, id, &error);
        if (out == NULL) {
            fprintf(stderr, "photodesk edit: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        printf("%s\n", out);
        return PD_EXIT_OK;
    }
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, id, &error);
    if (p == NULL) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (any)
        printf("photo %" G_GINT64_FORMAT ": %s (version %d)\n", id,
               changed ? "corrected" : "nothing changed", p->version);
    if (acknowledge)
        printf("photo %" G_GINT64_FORMAT ": version %d from the wire kept as it was sent\n", id,
               acknowledge);
    return PD_EXIT_OK;
}

/* photodesk template list | show NAME | save NAME --set... | remove NAME |
 * apply NAME [--preview] ID...: the desk's templates. */
int
pd_cmd_template(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE, preview = FALSE;
    g_auto(GStrv) set = NULL, replace = NULL, prepend = NULL, append = NULL;
    GOptionEntry entries[] = {
        {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &set, "save: FIELD becomes VALUE", "FIELD=VALUE"},
        {"append", 0, 0, G_OPTION_ARG_STRING_ARRAY, &append, "save: VALUE after FIELD's text",
         "FIELD=VALUE"},
        {"prepend", 0, 0, G_OPTION_ARG_STRING_ARRAY, &prepend, "save: VALUE before FIELD's text",
         "FIELD=VALUE"},
        {"replace", 0, 0, G_OPTION_ARG_STRING_ARRAY, &replace, "save: every FIND becomes VALUE",
         "FIELD=FIND=>VALUE"},
        {"preview", 0, 0, G_OPTION_ARG_NONE, &preview, "apply: show the result, change nothing",
         NULL},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON, as the web API gives it", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new(
        "list | show NAME | save NAME --set... | remove NAME | apply NAME ID... - the desk's "
        "templates");
    g_option_context_set_description(
        context,
        "A template is a named batch edit the desk shares. Its values may hold the desk's\n"
        "codes (=put=) and the photo's variables: {byline}, {city}, {country},\n"
        "{headline}, any field by its name, {credit_line}, {photographer},\n"
        "{date_created:%A, %B %-d, %Y} (in the photographer's time), {seq} or {seq:3}\n"
        "(the photo's number in the batch). A variable a photo has no value for is\n"
        "written \"[no city]\" and named in the preview: never an empty sentence.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "template", &argc, &argv))
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "list";
    gboolean named = argc > 2;
    if (!(strcmp(action, "list") == 0 && argc <= 2) &&
        !((strcmp(action, "show") == 0 || strcmp(action, "remove") == 0 ||
           strcmp(action, "save") == 0) &&
          argc == 3) &&
        !(strcmp(action, "apply") == 0 && argc >= 4)) {
        fprintf(stderr, "photodesk template: give list, show NAME, save NAME --set..., remove "
                        "NAME or apply NAME ID...\n");
        return PD_EXIT_USAGE;
    }
    g_autoptr(GPtrArray) edits = NULL;
    if (strcmp(action, "save") == 0 &&
        (edits = batch_edits("template", set, replace, prepend, append)) == NULL)
        return PD_EXIT_USAGE;
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    g_autoptr(GPtrArray) all = catalog ? pd_desk_templates(catalog, &error) : NULL;
    if (all == NULL) {
        fprintf(stderr, "photodesk template: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (strcmp(action, "save") == 0) {
        gint64 id = pd_desk_save_template(catalog, argv[2], edits, g_get_user_name(), &error);
        if (id == 0) {
            fprintf(stderr, "photodesk template: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        printf("template %" G_GINT64_FORMAT ": %s (%u edit%s)\n", id, argv[2], edits->len,
               edits->len == 1 ? "" : "s");
        return PD_EXIT_OK;
    }
    if (strcmp(action, "list") == 0) {
        if (json) {
            g_autofree char *out = pd_desk_templates_json(catalog, &error);
            puts(out ? out : "");
            return out ? PD_EXIT_OK : PD_EXIT_REJECTED;
        }
        for (guint i = 0; i < all->len; i++) {
            const PdDeskTemplate *t = g_ptr_array_index(all, i);
            printf("%-32s %u edit%s (by %s, %s)\n", t->name, t->edits->len,
                   t->edits->len == 1 ? "" : "s", t->by ? t->by : "", t->at ? t->at : "");
        }
        return PD_EXIT_OK;
    }
    const PdDeskTemplate *t = named ? pd_desk_template_named(all, argv[2]) : NULL;
    if (t == NULL) {
        fprintf(stderr, "photodesk template: no template called \"%s\"\n", argv[2]);
        return PD_EXIT_REJECTED;
    }
    if (strcmp(action, "remove") == 0) {
        if (!pd_desk_remove_template(catalog, t->id, &error)) {
            fprintf(stderr, "photodesk template: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        return PD_EXIT_OK;
    }
    if (strcmp(action, "show") == 0) {
        for (guint i = 0; i < t->edits->len; i++) {
            const PdBatchEdit *e = g_ptr_array_index(t->edits, i);
            static const char *const verbs[] = {"becomes", "gets after it", "gets before it",
                                                "replaced"};
            printf("%-22s %s%s%s%s\n", e->field->name, verbs[e->op], e->find ? " \"" : " ",
                   e->find ? e->find : "", e->find ? "\" by " : "");
            printf("%-22s %s\n", "", e->value);
        }
        return PD_EXIT_OK;
    }
    /* apply NAME ID...: a batch of the template's edits (on a connection of its own) */
    return batch_edit(argc - 2, argv + 2, t->edits, preview, json, 0, global);
}
