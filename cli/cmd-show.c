/* cmd-show.c: photodesk show [--json] ID: one photo, every field, renditions, versions. */
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <stdlib.h>

int
pd_cmd_show(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("ID - show a photo of the library");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "show", &argc, &argv))
        return PD_EXIT_USAGE;
    char *end = NULL;
    gint64 id = argc == 2 ? g_ascii_strtoll(argv[1], &end, 10) : 0;
    if (argc != 2 || end == argv[1] || *end || id <= 0) {
        fprintf(stderr, "photodesk show: give one photo id (a number)\n");
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autofree char *out =
        json ? pd_desk_show_json(library, id, &error) : pd_desk_show_text(library, id, &error);
    if (out == NULL) {
        fprintf(stderr, "photodesk show: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    fputs(out, stdout);
    if (json)
        fputc('\n', stdout);
    return PD_EXIT_OK;
}
