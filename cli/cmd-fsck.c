/* cmd-fsck.c: photodesk fsck [--repair] [--grace SECONDS]: is the library whole? */
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <stdio.h>

static void
print_line(const char *line, gpointer data)
{
    puts(line);
}

int
pd_cmd_fsck(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean repair = FALSE;
    gint64 grace = 3600;
    GOptionEntry entries[] = {
        {"repair", 0, 0, G_OPTION_ARG_NONE, &repair,
         "Make missing renditions again and remove stray files", NULL},
        {"grace", 0, 0, G_OPTION_ARG_INT64, &grace,
         "Files younger than this (seconds, default 3600) may belong to a running ingest "
         "and are not strays",
         "SECONDS"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("- check the library");
    g_option_context_set_summary(context,
                                 "Checks that every original exists and hashes to its name, "
                                 "every rendition exists,\nno stray file is older than the "
                                 "grace period, and the catalog is intact.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "fsck", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc != 1 || grace < 0) {
        fprintf(stderr, "photodesk fsck: takes no arguments (and --grace must be positive)\n");
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    int problems = pd_desk_fsck(library, repair, grace, print_line, NULL, &error);
    if (problems < 0) {
        fprintf(stderr, "photodesk fsck: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    if (problems == 0) {
        printf("%s: no problems\n", library);
        return PD_EXIT_OK;
    }
    printf("%s: %d problem%s%s\n", library, problems, problems == 1 ? "" : "s",
           repair ? " left" : " (photodesk fsck --repair fixes what can be fixed)");
    return PD_EXIT_REJECTED;
}
