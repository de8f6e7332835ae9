/* cmd-agencies.c: photodesk agencies [--json] [--clear] [NAME...]: the distributors the
 * desk subscribes to, in order of preference. */
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>

int
pd_cmd_agencies(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE, clear = FALSE;
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print {\"agencies\": [...]}", NULL},
        {"clear", 0, 0, G_OPTION_ARG_NONE, &clear,
         "The desk subscribes to no agency in "
         "particular",
         NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("[NAME...] - the agencies the desk subscribes to");
    g_option_context_set_summary(
        context, "With names (distributors as photodesk reads them from credits: AP, Reuters, "
                 "AFP,\nGetty Images...), sets them, first preferred: when several agencies "
                 "sent the same\npicture, its card shows the first one's copy, and attaching "
                 "it attaches that copy.\nWithout, prints them.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "agencies", &argc, &argv))
        return PD_EXIT_USAGE;
    if (clear && argc > 1) {
        fprintf(stderr, "photodesk agencies: --clear or names, not both\n");
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    if (catalog && (argc > 1 || clear)) {
        const char *none[] = {NULL};
        if (!pd_desk_set_agencies(catalog, clear ? none : (const char *const *)argv + 1, &error)) {
            fprintf(stderr, "photodesk agencies: %s\n", error->message);
            return PD_EXIT_USAGE;
        }
    }
    g_auto(GStrv) agencies = catalog ? pd_desk_agencies(catalog, &error) : NULL;
    if (agencies == NULL) {
        fprintf(stderr, "photodesk agencies: %s: %s\n", library, error->message);
        return PD_EXIT_REJECTED;
    }
    if (json) {
        g_autofree char *out = pd_desk_agencies_json(catalog, &error);
        puts(out ? out : "{}");
    } else if (agencies[0] == NULL) {
        puts("no agencies set: every agency's copy is shown first as it arrived");
    } else {
        for (int i = 0; agencies[i]; i++)
            printf("%d. %s\n", i + 1, agencies[i]);
    }
    return PD_EXIT_OK;
}
