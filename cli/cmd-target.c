/* cmd-target.c: photodesk target list | save NAME (--folder DIR | --url URL) [--layout
 * files|zip] [--header H] [--attempts N] [--backoff S] | remove NAME: where the desk
 * delivers packages (desk/targets.c). */
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

static void
print_target(const PdDeskTarget *t)
{
    if (t->folder)
        printf("%s: the folder %s, as %s", t->name, t->folder, t->layout);
    else
        printf("%s: posted to %s, as %s, %d attempt%s %g s apart and more", t->name, t->url,
               t->layout, t->attempts, t->attempts == 1 ? "" : "s", t->backoff);
    if (t->header) {
        const char *colon = strchr(t->header, ':');
        printf(", header %.*s", colon ? (int)(colon - t->header) : 0, t->header);
    }
    printf(" (by %s, %s)\n", t->by ? t->by : "", t->at ? t->at : "");
}

int
pd_cmd_target(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    g_autofree char *folder = NULL, *url = NULL, *layout = NULL, *header = NULL;
    int attempts = 0;
    double backoff = 0;
    GOptionEntry entries[] = {
        {"folder", 0, 0, G_OPTION_ARG_FILENAME, &folder,
         "save: packages are written into DIR (whole or not at all)", "DIR"},
        {"url", 0, 0, G_OPTION_ARG_STRING, &url,
         "save: packages are posted to URL (http or https), multipart/form-data", "URL"},
        {"layout", 0, 0, G_OPTION_ARG_STRING, &layout,
         "save: files (the photos and article.json, the default) or zip (one file)", "L"},
        {"header", 0, 0, G_OPTION_ARG_STRING, &header,
         "save: a header sent with each post (\"Authorization: Bearer ...\"); never shown", "H"},
        {"attempts", 0, 0, G_OPTION_ARG_INT, &attempts,
         "save: tries at most N times while the address fails (1 to 10; 4)", "N"},
        {"backoff", 0, 0, G_OPTION_ARG_DOUBLE, &backoff,
         "save: waits S seconds before the second try, twice as long each time after (2)", "S"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "list: JSON, as the web API gives it", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("list | save NAME (--folder DIR | --url URL) [...] | remove NAME - "
                             "where the desk delivers packages");
    g_option_context_set_description(
        context,
        "A delivery target is where an article's package goes besides a download: a folder\n"
        "(a CMS's drop folder; each package appears in it whole, as a folder of files or a\n"
        "zip, never over another) or an address (a CMS's webhook; posted as\n"
        "multipart/form-data, \"article\" and a \"photo\" per photo, or \"package\", tried\n"
        "again while the address answers with a server's error or not at all). Each\n"
        "delivery is recorded on the article with every attempt and its answer.\n\n"
        "  photodesk target save CMS --url https://cms.example/hooks/photos \\\n"
        "      --header 'Authorization: Bearer s3cret'\n"
        "  photodesk target save Print --folder /srv/print/incoming --layout zip\n"
        "  photodesk article package 12 --to CMS");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "target", &argc, &argv))
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "list";
    gboolean list = strcmp(action, "list") == 0 && argc <= 2;
    gboolean save = strcmp(action, "save") == 0 && argc == 3;
    gboolean remove = strcmp(action, "remove") == 0 && argc == 3;
    if (!list && !save && !remove) {
        fprintf(stderr, "photodesk target: give list, save NAME (--folder DIR | --url URL) "
                        "[--layout files|zip] [--header H] [--attempts N] [--backoff S], or "
                        "remove NAME\n");
        return PD_EXIT_USAGE;
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *absolute = folder ? g_canonicalize_filename(folder, NULL) : NULL;
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    g_autoptr(GPtrArray) all = catalog ? pd_desk_targets(catalog, &error) : NULL;
    if (all == NULL) {
        fprintf(stderr, "photodesk target: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (list && json) {
        g_autofree char *out = pd_desk_targets_json(catalog, &error);
        puts(out ? out : "");
        return out ? PD_EXIT_OK : PD_EXIT_REJECTED;
    }
    if (list) {
        for (guint i = 0; i < all->len; i++)
            print_target(g_ptr_array_index(all, i));
        return PD_EXIT_OK;
    }
    if (save) {
        PdDeskTarget given = {.name = argv[2],
                              .folder = absolute,
                              .url = url,
                              .layout = layout,
                              .header = header,
                              .attempts = attempts,
                              .backoff = backoff};
        gint64 id = pd_desk_save_target(catalog, &given, g_get_user_name(), &error);
        g_autoptr(GPtrArray) now = id ? pd_desk_targets(catalog, &error) : NULL;
        const PdDeskTarget *t = now ? pd_desk_target_named(now, argv[2]) : NULL;
        if (t == NULL) {
            fprintf(stderr, "photodesk target: %s\n", error ? error->message : "not saved");
            return PD_EXIT_REJECTED;
        }
        printf("target %" G_GINT64_FORMAT " ", id);
        print_target(t);
        return PD_EXIT_OK;
    }
    const PdDeskTarget *t = pd_desk_target_named(all, argv[2]);
    if (t == NULL) {
        fprintf(stderr, "photodesk target: no delivery target called \"%s\"\n", argv[2]);
        return PD_EXIT_REJECTED;
    }
    if (!pd_desk_remove_target(catalog, t->id, &error)) {
        fprintf(stderr, "photodesk target: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    return PD_EXIT_OK;
}
