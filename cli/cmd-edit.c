/* cmd-edit.c: photodesk edit ID [--version N] [--caption TEXT] ...: an editor's correction
 * from the command line, by the same path as the web UI's (one write transaction, only
 * the fields given, refused when the photo moved on past --version). */
#include "cli/commands.h"
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
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_INVALID,
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

int
pd_cmd_edit(int argc, char **argv, const PdGlobalOptions *global)
{
    int version = 0, acknowledge = 0;
    gboolean json = FALSE;
    /* GOption gives them; ours to free */
    g_autofree char *caption = NULL, *headline = NULL, *byline = NULL, *credit = NULL;
    g_autofree char *source = NULL, *city = NULL, *country = NULL, *keywords = NULL;
    g_autofree char *instructions = NULL;
    GOptionEntry entries[] = {
        {"version", 0, 0, G_OPTION_ARG_INT, &version,
         "The photo's version the correction was made on: refused if it moved on since", "N"},
        {"caption", 0, 0, G_OPTION_ARG_STRING, &caption,
         "The caption (- reads it from standard input)", "TEXT"},
        {"headline", 0, 0, G_OPTION_ARG_STRING, &headline, "The headline", "TEXT"},
        {"byline", 0, 0, G_OPTION_ARG_STRING, &byline, "The by-line", "TEXT"},
        {"credit", 0, 0, G_OPTION_ARG_STRING, &credit, "The credit", "TEXT"},
        {"source", 0, 0, G_OPTION_ARG_STRING, &source, "The source", "TEXT"},
        {"city", 0, 0, G_OPTION_ARG_STRING, &city, "The city", "TEXT"},
        {"country", 0, 0, G_OPTION_ARG_STRING, &country, "The country", "TEXT"},
        {"keywords", 0, 0, G_OPTION_ARG_STRING, &keywords, "The keywords, separated by ;", "TEXT"},
        {"special-instructions", 0, 0, G_OPTION_ARG_STRING, &instructions,
         "The special instructions (restrictions, embargo, kill)", "TEXT"},
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
    gboolean any = caption || headline || byline || credit || source || city || country ||
                   keywords || instructions;
    if (!any && !acknowledge) {
        fprintf(stderr, "photodesk edit: nothing to change: give a field, such as --caption\n");
        return PD_EXIT_USAGE;
    }

    g_autoptr(GError) error = NULL;
    gboolean from_stdin = FALSE;
    g_autofree char *caption_text = text_of(caption, &from_stdin, &error);
    g_autofree char *instructions_text = error ? NULL : text_of(instructions, &from_stdin, &error);
    if (error) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        return PD_EXIT_USAGE;
    }
    g_auto(GStrv) keyword_list = NULL;
    if (keywords) {
        keyword_list = g_strsplit(keywords, ";", -1);
        for (int i = 0; keyword_list[i]; i++)
            g_strstrip(keyword_list[i]);
    }
    PdCorrection fix = {
        .version = version,
        .caption = caption_text,
        .headline = headline,
        .byline = byline,
        .credit = credit,
        .source = source,
        .city = city,
        .country = country,
        .special_instructions = instructions_text,
        .set_keywords = keywords != NULL,
        .keywords = (const char *const *)keyword_list,
    };

    g_autofree char *library = pd_ingest_library_path(global->library);
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
    if (any && !pd_ingest_correct(catalog, id, &fix, user, &changed, &error)) {
        fprintf(stderr, "photodesk edit: %s\n", error->message);
        if (g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_STALE)) {
            g_autofree char *conflict =
                pd_ingest_conflict_json(catalog, id, version, error->message, NULL);
            if (conflict && json)
                printf("%s\n", conflict);
            else if (conflict)
                print_conflict(conflict);
        }
        return PD_EXIT_REJECTED;
    }
    if (json) {
        g_autofree char *out = pd_ingest_show_json(library, id, &error);
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
