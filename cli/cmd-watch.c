/* cmd-watch.c: photodesk watch [--done DIR] [--failed DIR] [--settle SECONDS] [--jobs N]
 * DIR...: hot folders, ingested as files arrive. */
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <stdio.h>

static void
print_line(const char *line, gpointer data)
{
    (void)data;
    puts(line);
    fflush(stdout);
}

int
pd_cmd_watch(int argc, char **argv, const PdGlobalOptions *global)
{
    g_autofree char *done = NULL, *failed = NULL; /* GOption gives them; ours to free */
    double settle = 2.0;
    int jobs = 0;
    GOptionEntry entries[] = {
        {"done", 0, 0, G_OPTION_ARG_FILENAME, &done,
         "Move each file here once its photo is in the library (default: leave it, "
         "remembered in the catalog)",
         "DIR"},
        {"failed", 0, 0, G_OPTION_ARG_FILENAME, &failed,
         "Move each rejected file here, with NAME.error.txt saying why (default: leave it, "
         "remembered)",
         "DIR"},
        {"settle", 0, 0, G_OPTION_ARG_DOUBLE, &settle,
         "A file is taken once its size and time have not changed for this long (default 2)",
         "SECONDS"},
        {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Decode workers (default: one per core)", "N"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("DIR... - ingest what arrives in hot folders");
    g_option_context_set_summary(
        context, "Watches each folder and its subfolders (inotify) and ingests every file once "
                 "it is\ncomplete: never a name uploads use while they run (.*, *.tmp, *.part, "
                 "*.filepart,\n*.crdownload, ~), and only once its size and time have settled. "
                 "Files already there\nare taken at start. One line per file on standard output; "
                 "SIGTERM or Ctrl-C finishes\nthe files in hand and stops. Run it again: nothing "
                 "is taken twice.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "watch", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc < 2) {
        fprintf(stderr, "photodesk watch: no folder given\n(run 'photodesk watch --help' for "
                        "usage)\n");
        return PD_EXIT_USAGE;
    }
    if (jobs < 0 || settle < 0 || settle > 3600) {
        fprintf(stderr, "photodesk watch: --jobs must be positive and --settle 0 to 3600\n");
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autofree char *catalog = pd_desk_catalog_path(library);
    if (g_mkdir_with_parents(library, 0755) != 0) {
        fprintf(stderr, "photodesk watch: %s: %s\n", library, g_strerror(errno));
        return PD_EXIT_REJECTED;
    }
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    PdCliSignals *signals = pd_cli_signals_start(cancellable);
    g_autoptr(GError) error = NULL;
    PdIngestQueueOptions qo;
    pd_desk_queue_options_init(&qo);
    qo.jobs = jobs;
    PdIngestQueue *queue = pd_ingest_queue_new(library, catalog, &qo, &error);
    PdWatchOptions wo;
    pd_watch_options_init(&wo);
    wo.done_dir = done;
    wo.failed_dir = failed;
    wo.settle_seconds = settle;
    wo.log = print_line;
    PdWatch *watch =
        queue ? pd_watch_new(queue, catalog, (const char *const *)argv + 1, &wo, &error) : NULL;
    int status = PD_EXIT_OK;
    if (watch) {
        pd_watch_run(watch, cancellable);
        pd_watch_free(watch);
    } else {
        fprintf(stderr, "photodesk watch: %s\n", error->message);
        status = PD_EXIT_REJECTED;
    }
    pd_ingest_queue_free(queue);
    pd_cli_signals_stop(signals);
    return status;
}
