/* cmd-pick.c: photodesk pick [--rating N] [--label COLOUR|none] PHOTO...: the desk's
 * star rating and colour label of photos, as the page's keys 0-5 and 6-9 set them. */
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

int
pd_cmd_pick(int argc, char **argv, const PdGlobalOptions *global)
{
    int rating = -1;
    g_autofree char *label = NULL;
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        {"rating", 0, 0, G_OPTION_ARG_INT, &rating, "Stars, 0 (none) to 5", "N"},
        {"label", 0, 0, G_OPTION_ARG_STRING, &label,
         "Colour label: red, yellow, green, blue, purple, or none", "COLOUR"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json,
         "One JSON object a photo: {\"id\", \"pick\": {rating, label, by, at}}", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("PHOTO... - the desk's rating and colour label of photos");
    g_option_context_set_summary(
        context, "Sets (with --rating or --label) or shows the desk's pick of each photo: what\n"
                 "every editor sees on the page, filters by (search --rating, --label) and\n"
                 "counts (--facets). Each change is kept with who made it and when.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "pick", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc < 2) {
        fprintf(stderr, "photodesk pick: which photos? (run 'photodesk pick --help' for usage)\n");
        return PD_EXIT_USAGE;
    }
    if (rating < -1 || rating > 5) {
        fprintf(stderr, "photodesk pick: --rating is 0 to 5 stars, not %d\n", rating);
        return PD_EXIT_USAGE;
    }
    const char *set_label = label == NULL ? NULL : strcmp(label, "none") == 0 ? "" : label;
    if (set_label && *set_label && !pd_catalog_pick_label_valid(set_label)) {
        fprintf(stderr,
                "photodesk pick: --label is red, yellow, green, blue, purple or none, not '%s'\n",
                label);
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    if (catalog == NULL) {
        fprintf(stderr, "photodesk pick: %s: %s\n", library, error->message);
        return PD_EXIT_REJECTED;
    }
    int status = PD_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        gint64 id = g_ascii_strtoll(argv[i], &end, 10);
        if (end == argv[i] || *end || id < 1) {
            fprintf(stderr, "photodesk pick: '%s' is not a photo id\n", argv[i]);
            return PD_EXIT_USAGE;
        }
        g_autoptr(GError) e = NULL;
        g_autoptr(PdCatalogPick) pick =
            rating >= 0 || set_label
                ? pd_catalog_set_pick(catalog, id, rating, set_label, g_get_user_name(), &e)
                : pd_catalog_get_pick(catalog, id, &e);
        if (pick == NULL) {
            fprintf(stderr, "photodesk pick: photo %s: %s\n", argv[i], e->message);
            status = PD_EXIT_REJECTED;
            continue;
        }
        if (json) {
            GString *o = g_string_new(NULL);
            g_string_append_printf(o, "{\"id\": %" G_GINT64_FORMAT, id);
            pd_json_pick(o, "pick", pick);
            g_string_append_c(o, '}');
            puts(o->str);
            g_string_free(o, TRUE);
        } else {
            g_autofree char *text = pd_desk_pick_text(pick);
            printf("photo %" G_GINT64_FORMAT ": %s\n", id, text ? text : "not picked");
        }
    }
    return status;
}
