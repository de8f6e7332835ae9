/* cmd-rule.c: photodesk rule list | save NAME --template T [--folder DIR] [--source S]
 * [--credit C] | remove NAME: the desk's ingest rules (desk/rules.c). */
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

static void
print_rule(const PdDeskRule *r)
{
    printf("%s: template \"%s\" on every photo", r->name, r->template_name);
    if (r->folder)
        printf(" from %s", r->folder);
    if (r->source)
        printf("%s source %s", r->folder ? " and" : " with", r->source);
    if (r->credit)
        printf("%s credit %s", r->folder || r->source ? " and" : " with", r->credit);
    printf(" (by %s, %s)\n", r->by ? r->by : "", r->at ? r->at : "");
}

int
pd_cmd_rule(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    g_autofree char *template_name = NULL, *folder = NULL, *source = NULL, *credit = NULL;
    GOptionEntry entries[] = {
        {"template", 0, 0, G_OPTION_ARG_STRING, &template_name,
         "save: the desk's template the rule applies", "NAME"},
        {"folder", 0, 0, G_OPTION_ARG_FILENAME, &folder,
         "save: photos ingested from inside DIR (a hot folder, say)", "DIR"},
        {"source", 0, 0, G_OPTION_ARG_STRING, &source,
         "save: photos whose source (IIM 2:115) is TEXT (* and ? as wildcards, any case)", "TEXT"},
        {"credit", 0, 0, G_OPTION_ARG_STRING, &credit,
         "save: photos whose credit (IIM 2:110) or credit line is TEXT (* ?, any case)", "TEXT"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "list: JSON, as the web API gives it", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new(
        "list | save NAME --template T [--folder DIR] [--source S] [--credit C] | remove NAME "
        "- the desk's ingest rules");
    g_option_context_set_description(
        context,
        "An ingest rule applies one of the desk's templates (photodesk template) to every\n"
        "photo ingested (photodesk ingest, watch, serve's uploads and hot folders) that\n"
        "meets each condition given: the folder the file came from, its source, its\n"
        "credit. The template's edits are a version of their own by \"rule NAME\", so the\n"
        "wire's text stays the first version; a re-send is left as the wire sent it.\n"
        "Rules apply in the order they were made.\n\n"
        "  photodesk rule save Handouts --template Handout --folder /srv/wire/handouts\n"
        "  photodesk rule save \"Pool\" --template Pool --credit '*pool*'");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "rule", &argc, &argv))
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "list";
    gboolean list = strcmp(action, "list") == 0 && argc <= 2;
    gboolean save = strcmp(action, "save") == 0 && argc == 3;
    gboolean remove = strcmp(action, "remove") == 0 && argc == 3;
    if (!list && !save && !remove) {
        fprintf(stderr, "photodesk rule: give list, save NAME --template T [--folder DIR] "
                        "[--source S] [--credit C], or remove NAME\n");
        return PD_EXIT_USAGE;
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *absolute = folder ? g_canonicalize_filename(folder, NULL) : NULL;
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    g_autoptr(GPtrArray) all = catalog ? pd_desk_rules(catalog, &error) : NULL;
    if (all == NULL) {
        fprintf(stderr, "photodesk rule: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (list && json) {
        g_autofree char *out = pd_desk_rules_json(catalog, &error);
        puts(out ? out : "");
        return out ? PD_EXIT_OK : PD_EXIT_REJECTED;
    }
    if (list) {
        for (guint i = 0; i < all->len; i++)
            print_rule(g_ptr_array_index(all, i));
        return PD_EXIT_OK;
    }
    if (save) {
        gint64 id = pd_desk_save_rule(catalog, argv[2], template_name, absolute, source, credit,
                                      g_get_user_name(), &error);
        g_autoptr(GPtrArray) now = id ? pd_desk_rules(catalog, &error) : NULL;
        const PdDeskRule *r = now ? pd_desk_rule_named(now, argv[2]) : NULL;
        if (r == NULL) {
            fprintf(stderr, "photodesk rule: %s\n", error ? error->message : "not saved");
            return PD_EXIT_REJECTED;
        }
        printf("rule %" G_GINT64_FORMAT " ", id);
        print_rule(r);
        return PD_EXIT_OK;
    }
    const PdDeskRule *r = pd_desk_rule_named(all, argv[2]);
    if (r == NULL) {
        fprintf(stderr, "photodesk rule: no rule called \"%s\"\n", argv[2]);
        return PD_EXIT_REJECTED;
    }
    if (!pd_desk_remove_rule(catalog, r->id, &error)) {
        fprintf(stderr, "photodesk rule: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    return PD_EXIT_OK;
}
