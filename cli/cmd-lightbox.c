/* cmd-lightbox.c: photodesk lightbox list|new|show|add|remove|rename|delete: the desk's
 * lightboxes, named sets of photos every editor sees on the page; and photodesk saved
 * list|remove: its saved searches (made with photodesk search --save). */
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

/* The photo ids of @argv[@from..@argc), or NULL after saying which is not one. */
static GArray *
photo_ids(int argc, char **argv, int from)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (int i = from; i < argc; i++) {
        char *end = NULL;
        gint64 id = g_ascii_strtoll(argv[i], &end, 10);
        if (end == argv[i] || *end || id < 1) {
            fprintf(stderr, "photodesk lightbox: '%s' is not a photo id\n", argv[i]);
            g_array_unref(ids);
            return NULL;
        }
        g_array_append_val(ids, id);
    }
    return ids;
}

static const struct {
    const char *action;
    int min, max; /* arguments after the action */
} actions[] = {
    {"list", 0, 0},          {"new", 1, 1},    {"show", 1, 1},   {"add", 2, G_MAXINT},
    {"remove", 2, G_MAXINT}, {"rename", 2, 2}, {"delete", 1, 1},
};

int
pd_cmd_lightbox(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "list, show: JSON, as the web API gives it", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new(
        "list | new NAME | show NAME | add NAME PHOTO... | remove NAME PHOTO... |\n"
        "  rename NAME NEW-NAME | delete NAME - the desk's lightboxes");
    g_option_context_set_summary(
        context, "A lightbox is a named set of photos the whole desk shares: every editor sees it\n"
                 "on the page and can add to it. Each photo keeps who put it in and when;\n"
                 "deleting a lightbox leaves its photos in the library.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "lightbox", &argc, &argv))
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "list";
    int given = argc > 1 ? argc - 2 : 0;
    gboolean known = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(actions); i++)
        if (strcmp(action, actions[i].action) == 0)
            known = given >= actions[i].min && given <= actions[i].max;
    if (!known) {
        fprintf(stderr, "photodesk lightbox: give list, new NAME, show NAME, add NAME PHOTO..., "
                        "remove NAME PHOTO..., rename NAME NEW-NAME or delete NAME\n");
        return PD_EXIT_USAGE;
    }
    g_autoptr(GArray) ids = NULL;
    if (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0) {
        ids = photo_ids(argc, argv, 3);
        if (ids == NULL)
            return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    if (catalog == NULL) {
        fprintf(stderr, "photodesk lightbox: %s: %s\n", library, error->message);
        return PD_EXIT_REJECTED;
    }
    const char *name = given ? argv[2] : NULL;
    g_autofree char *out = NULL;
    gboolean ok = TRUE;
    if (strcmp(action, "list") == 0) {
        if (json) {
            out = pd_desk_lightboxes_json(catalog, &error);
        } else {
            g_autoptr(GPtrArray) all = pd_catalog_list_lightboxes(catalog, &error);
            GString *o = g_string_new(NULL);
            for (guint i = 0; all && i < all->len; i++) {
                const PdCatalogLightbox *l = g_ptr_array_index(all, i);
                g_string_append_printf(o, "%5" G_GINT64_FORMAT "  %-32s %5d photo%s  by %s, %s\n",
                                       l->id, l->name, l->photos, l->photos == 1 ? " " : "s",
                                       l->created_by, l->changed_at);
            }
            out = all ? g_string_free(o, FALSE) : (g_string_free(o, TRUE), NULL);
        }
        ok = out != NULL;
    } else if (strcmp(action, "new") == 0) {
        gint64 id = pd_catalog_add_lightbox(catalog, name, g_get_user_name(), &error);
        ok = id != 0;
        if (ok)
            out = g_strdup_printf("lightbox %" G_GINT64_FORMAT ": %s\n", id, name);
    } else {
        g_autoptr(PdCatalogLightbox) l = pd_catalog_find_lightbox(catalog, name, &error);
        ok = l != NULL;
        guint changed = 0;
        if (ok && strcmp(action, "show") == 0) {
            out = json ? pd_desk_lightbox_json(catalog, l->id, &error)
                       : pd_desk_lightbox_text(catalog, l->id, &error);
            ok = out != NULL;
        } else if (ok && (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0)) {
            gboolean add = strcmp(action, "add") == 0;
            ok = pd_catalog_lightbox_put(catalog, l->id, (const gint64 *)ids->data, ids->len, add,
                                         g_get_user_name(), &changed, &error);
            if (ok)
                out =
                    g_strdup_printf("%s: %u photo%s %s (%u given)\n", l->name, changed,
                                    changed == 1 ? "" : "s", add ? "added" : "taken out", ids->len);
        } else if (ok && strcmp(action, "rename") == 0) {
            ok = pd_catalog_rename_lightbox(catalog, l->id, argv[3], &error);
        } else if (ok) {
            ok = pd_catalog_remove_lightbox(catalog, l->id, &error);
        }
    }
    if (!ok) {
        fprintf(stderr, "photodesk lightbox: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (out)
        fputs(out, stdout);
    if (out && json)
        fputc('\n', stdout);
    return PD_EXIT_OK;
}

int
pd_cmd_saved(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "list: JSON, as the web API gives it", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("[list] | remove NAME - the desk's saved searches");
    g_option_context_set_summary(
        context, "Searches are saved with photodesk search --save NAME (or on the page) and run\n"
                 "with photodesk search --saved NAME; the whole desk shares them.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "saved", &argc, &argv))
        return PD_EXIT_USAGE;
    gboolean list = argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0);
    gboolean remove = argc == 3 && strcmp(argv[1], "remove") == 0;
    if (!list && !remove) {
        fprintf(stderr, "photodesk saved: give list or remove NAME\n");
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    gboolean ok = catalog != NULL;
    if (ok && remove) {
        g_autoptr(PdCatalogSavedSearch) s =
            pd_catalog_get_saved_search(catalog, 0, argv[2], &error);
        ok = s && pd_catalog_remove_saved_search(catalog, s->id, &error);
    } else if (ok && json) {
        g_autofree char *out = pd_desk_saved_searches_json(catalog, &error);
        ok = out != NULL;
        if (ok)
            puts(out);
    } else if (ok) {
        g_autoptr(GPtrArray) all = pd_catalog_list_saved_searches(catalog, &error);
        ok = all != NULL;
        for (guint i = 0; ok && i < all->len; i++) {
            const PdCatalogSavedSearch *s = g_ptr_array_index(all, i);
            printf("%-32s %s  (by %s, %s)\n", s->name, s->query, s->created_by, s->created_at);
        }
    }
    if (!ok) {
        fprintf(stderr, "photodesk saved: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    return PD_EXIT_OK;
}
