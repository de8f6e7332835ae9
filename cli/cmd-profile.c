/* cmd-profile.c: photodesk profile list | save NAME --long-edge PX --quality Q | remove
 * NAME: the desk's output profiles (desk/profiles.c). */
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

static void
print_profile(const PdDeskProfile *p)
{
    if (p->long_edge)
        printf("%s: %d px on the long edge, quality %d", p->name, p->long_edge, p->quality);
    else
        printf("%s: the picture (or its crop) at its own size, quality %d", p->name, p->quality);
    if (p->stored)
        printf(" (the stored web rendition)");
    if (p->built_in && p->id)
        printf(" (built in, changed by %s, %s)", p->by ? p->by : "", p->at ? p->at : "");
    else if (!p->built_in)
        printf(" (by %s, %s)", p->by ? p->by : "", p->at ? p->at : "");
    printf("\n");
}

int
pd_cmd_profile(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    int long_edge = -1, quality = -1;
    GOptionEntry entries[] = {
        {"long-edge", 0, 0, G_OPTION_ARG_INT, &long_edge,
         "save: the long edge in px (64 to 20000; 0: the picture's own size)", "PX"},
        {"quality", 0, 0, G_OPTION_ARG_INT, &quality, "save: the JPEG quality (30 to 100)", "Q"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "list: JSON, as the web API gives it", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("list | save NAME --long-edge PX --quality Q | remove NAME - the "
                             "desk's output profiles");
    g_option_context_set_description(
        context,
        "A profile says how large and how compressed a delivered photo is. Three are built\n"
        "in: web (2048 px, quality 85: the stored web rendition as it is), print (its own\n"
        "size, quality 95) and social (1200 px, quality 85). The desk adds its own, or\n"
        "changes a built-in one; removing a change brings the built-in one back. A\n"
        "placement (photodesk article output --profile) or a package (--profile) names one.\n\n"
        "  photodesk profile save tabloid --long-edge 3000 --quality 92\n"
        "  photodesk profile save social --long-edge 1080 --quality 82");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "profile", &argc, &argv))
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "list";
    gboolean list = strcmp(action, "list") == 0 && argc <= 2;
    gboolean save = strcmp(action, "save") == 0 && argc == 3 && long_edge >= 0 && quality >= 0;
    gboolean remove = strcmp(action, "remove") == 0 && argc == 3;
    if (!list && !save && !remove) {
        fprintf(stderr, "photodesk profile: give list, save NAME --long-edge PX --quality Q, or "
                        "remove NAME\n");
        return PD_EXIT_USAGE;
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    g_autoptr(GPtrArray) all = catalog ? pd_desk_profiles(catalog, &error) : NULL;
    if (all == NULL) {
        fprintf(stderr, "photodesk profile: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (list && json) {
        g_autofree char *out = pd_desk_profiles_json(catalog, &error);
        puts(out ? out : "");
        return out ? PD_EXIT_OK : PD_EXIT_REJECTED;
    }
    if (list) {
        for (guint i = 0; i < all->len; i++)
            print_profile(g_ptr_array_index(all, i));
        return PD_EXIT_OK;
    }
    if (save) {
        gint64 id =
            pd_desk_save_profile(catalog, argv[2], long_edge, quality, g_get_user_name(), &error);
        g_autoptr(GPtrArray) now = id ? pd_desk_profiles(catalog, &error) : NULL;
        const PdDeskProfile *p = now ? pd_desk_profile_named(now, argv[2]) : NULL;
        if (p == NULL) {
            fprintf(stderr, "photodesk profile: %s\n", error ? error->message : "not saved");
            return PD_EXIT_REJECTED;
        }
        print_profile(p);
        return PD_EXIT_OK;
    }
    const PdDeskProfile *p = pd_desk_profile_named(all, argv[2]);
    if (p == NULL || p->id == 0) {
        fprintf(stderr, "photodesk profile: %s\n",
                p ? "a built-in profile stays (save it to change it)"
                  : "the desk has no profile of that name");
        return PD_EXIT_REJECTED;
    }
    if (!pd_desk_remove_profile(catalog, p->id, &error)) {
        fprintf(stderr, "photodesk profile: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    return PD_EXIT_OK;
}
