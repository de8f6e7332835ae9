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

int
pd_cmd_edit(int argc, char **argv, const PdGlobalOptions *global)
{
    int version = 0, acknowledge = 0;
    gboolean json = FALSE;
    /* GOption gives them; ours to free */
    GOptionEntry entries[] = {
        {"version", 0, 0, G_OPTION_ARG_INT, &version,
         "The photo's version the correction was made on: refused if it moved on since", "N"},
        {"acknowledge", 0, 0, G_OPTION_ARG_INT, &acknowledge,
         "The wire's re-send VERSION over a correction was seen: keep it as sent", "VERSION"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "The photo afterwards, as show --json prints it",
         NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("ID - correct a photo's caption");
    g_option_context_set_description(
        context, "Only the fields given change; an empty TEXT empties a field. The correction is\n"
                 "a new version of the photo by you, its credit, restrictions and checks read\n"
                 "again. With --version, a photo changed since that version is left alone and\n"
                 "what changed is listed (exit status 1).");
    g_option_context_add_main_entries(context, entries, NULL);
    g_auto(FieldOptions) fields = {0};
    field_options_init(&fields);
    g_option_context_add_main_entries(context, (const GOptionEntry *)(void *)fields.entries->data,
                                      NULL);
    gboolean parsed = pd_cli_parse(context, "edit", &argc, &argv);
    if (!parsed)
        return PD_EXIT_USAGE;
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
