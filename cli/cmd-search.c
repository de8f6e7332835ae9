/* cmd-search.c: photodesk search [QUERY] [--from DATE] [--to DATE] ...: find photos. */
#include "caption/caption.h"
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
pd_cmd_search(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE, facets = FALSE, undated = FALSE, all_copies = FALSE;
    g_autofree char *from = NULL, *to = NULL, *credit = NULL, *byline = NULL, *source = NULL;
    g_autofree char *city = NULL, *country = NULL, *sort = NULL, *made = NULL, *label = NULL;
    g_autofree char *save = NULL, *saved = NULL, *lightbox = NULL;
    int rating = 0;
    int limit = 50, offset = 0;
    GOptionEntry entries[] = {
        {"from", 0, 0, G_OPTION_ARG_STRING, &from, "Taken on or after (local date)",
         "YYYY[-MM[-DD]]"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &to, "Taken on or before (local date)", "YYYY[-MM[-DD]]"},
        {"undated", 0, 0, G_OPTION_ARG_NONE, &undated, "Only photos with no date created", NULL},
        {"credit", 0, 0, G_OPTION_ARG_STRING, &credit,
         "Credit, or anywhere in the caption's credit line (AP finds '... via AP')", "S"},
        {"byline", 0, 0, G_OPTION_ARG_STRING, &byline, "By-line or photographer", "S"},
        {"source", 0, 0, G_OPTION_ARG_STRING, &source, "Source", "S"},
        {"city", 0, 0, G_OPTION_ARG_STRING, &city, "City", "S"},
        {"country", 0, 0, G_OPTION_ARG_STRING, &country, "Country", "S"},
        {"made", 0, 0, G_OPTION_ARG_STRING, &made,
         "Only pictures whose digital source type says they were created using generative AI "
         "(ai), edited with it or composited (composite), or either (synthetic)",
         "ai|composite|synthetic"},
        {"rating", 0, 0, G_OPTION_ARG_INT, &rating,
         "Only photos the desk rated this many stars or more (photodesk pick)", "1-5"},
        {"label", 0, 0, G_OPTION_ARG_STRING, &label, "Only photos with the desk's colour label",
         "red|yellow|green|blue|purple"},
        {"sort", 0, 0, G_OPTION_ARG_STRING, &sort,
         "date (newest taken first, the default), arrived (newest ingest first) or relevance",
         "ORDER"},
        {"limit", 0, 0, G_OPTION_ARG_INT, &limit, "Results to show (1-1000, default 50)", "N"},
        {"offset", 0, 0, G_OPTION_ARG_INT, &offset, "Results to skip", "N"},
        {"all-copies", 0, 0, G_OPTION_ARG_NONE, &all_copies,
         "Every agency's copy of a picture (default: one line per picture, the desk's "
         "agency's copy, with the agencies that sent it)",
         NULL},
        {"facets", 0, 0, G_OPTION_ARG_NONE, &facets,
         "Also count the results by distributor, photographer and day", NULL},
        {"lightbox", 0, 0, G_OPTION_ARG_STRING, &lightbox,
         "Only the photos in the desk's lightbox NAME (photodesk lightbox)", "NAME"},
        {"save", 0, 0, G_OPTION_ARG_STRING, &save,
         "Save this search for the desk under NAME (replacing one of that name) and run it",
         "NAME"},
        {"saved", 0, 0, G_OPTION_ARG_STRING, &saved,
         "Run the desk's saved search NAME (options given here change it for this run)", "NAME"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json,
         "One JSON object: {total, total_exact, results[, facets]}", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("[QUERY] - find photos");
    g_option_context_set_summary(
        context,
        "QUERY: words (all must match), \"a phrase\", -word (must not match), a OR b,\n"
        "prefix*. Matching ignores case and accents (zurich finds Zürich, lodz finds Łódź)\n"
        "and English word endings (attends finds attend).");
    g_option_context_add_main_entries(context, entries, NULL);

    /* "-harbour" is an excluded word, not an option: words with one dash go after "--",
     * where GOption leaves them alone. */
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_autoptr(GPtrArray) words = g_ptr_array_new();
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i > 0 && a[0] == '-' && a[1] && a[1] != '-' && strcmp(a, "-h") != 0)
            g_ptr_array_add(words, (gpointer)a);
        else
            g_ptr_array_add(args, (gpointer)a);
    }
    if (words->len) {
        gboolean has_separator = FALSE;
        for (guint i = 0; i < args->len; i++)
            has_separator |= strcmp(g_ptr_array_index(args, i), "--") == 0;
        if (!has_separator)
            g_ptr_array_add(args, "--");
        for (guint i = 0; i < words->len; i++)
            g_ptr_array_add(args, g_ptr_array_index(words, i));
    }
    int n = (int)args->len;
    g_ptr_array_add(args, NULL);
    char **reordered = (char **)args->pdata;
    if (!pd_cli_parse(context, "search", &n, &reordered))
        return PD_EXIT_USAGE;
    argc = n;
    argv = reordered;

    /* the options as the API's parameters, over a saved search's when one is named: one
     * reading of a search for the command line, the API and the desk's saved searches */
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = NULL;
    if (save || saved || lightbox) {
        catalog = pd_cli_open_catalog(library, &error);
        if (catalog == NULL) {
            fprintf(stderr, "photodesk search: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
    }
    g_autoptr(GHashTable) params = NULL;
    if (saved) {
        g_autoptr(PdCatalogSavedSearch) s = pd_catalog_get_saved_search(catalog, 0, saved, &error);
        params = s ? pd_desk_search_params(s->query, &error) : NULL;
        if (params == NULL) {
            fprintf(stderr, "photodesk search: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
    } else {
        params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    }
    g_autofree char *query = argc > 1 ? g_strjoinv(" ", argv + 1) : NULL;
    const struct {
        const char *name, *value;
    } given[] = {{"q", query},
                 {"from", from},
                 {"to", to},
                 {"credit", credit},
                 {"byline", byline},
                 {"source", source},
                 {"city", city},
                 {"country", country},
                 {"sort", sort},
                 {"made", made},
                 {"label", label},
                 {"undated", undated ? "1" : NULL},
                 {"all", all_copies ? "1" : NULL}};
    for (gsize i = 0; i < G_N_ELEMENTS(given); i++)
        if (given[i].value)
            g_hash_table_replace(params, g_strdup(given[i].name), g_strdup(given[i].value));
    if (rating)
        g_hash_table_replace(params, g_strdup("rating"), g_strdup_printf("%d", rating));
    if (lightbox) {
        g_autoptr(PdCatalogLightbox) l = pd_catalog_find_lightbox(catalog, lightbox, &error);
        if (l == NULL) {
            fprintf(stderr, "photodesk search: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        g_hash_table_replace(params, g_strdup("lightbox"),
                             g_strdup_printf("%" G_GINT64_FORMAT, l->id));
    }
    g_hash_table_replace(params, g_strdup("limit"), g_strdup_printf("%d", limit));
    g_hash_table_replace(params, g_strdup("offset"), g_strdup_printf("%d", offset));
    if (facets)
        g_hash_table_replace(params, g_strdup("facets"), g_strdup("1"));
    PdSearchRequest req;
    if (!pd_desk_search_request_parse(params, &req, &error)) {
        /* the message starts with the parameter's name, the option's without its dashes */
        fprintf(stderr, "photodesk search: --%s\n", error->message);
        return PD_EXIT_USAGE;
    }
    if (save) {
        if (pd_desk_save_search(catalog, save, params, TRUE, g_get_user_name(), &error) == 0) {
            fprintf(stderr, "photodesk search: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        fprintf(stderr, "photodesk search: saved as \"%s\"\n", save);
    }

    gboolean tty = isatty(STDOUT_FILENO);
    g_autofree char *out = json ? pd_desk_search_json(library, &req, &error)
                                : pd_desk_search_text(library, &req, tty ? "\033[1m" : "[",
                                                      tty ? "\033[0m" : "]", &error);
    if (out == NULL) {
        fprintf(stderr, "photodesk search: %s\n", error->message);
        return g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY) ? PD_EXIT_USAGE
                                                                                : PD_EXIT_REJECTED;
    }
    fputs(out, stdout);
    if (json)
        fputc('\n', stdout);
    return PD_EXIT_OK;
}
