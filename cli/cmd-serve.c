/* cmd-serve.c: photodesk serve: the editors' web UI on this library. */
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"
#include "webui/webui.h"

#include <stdio.h>

static void
ready(const char *url, gpointer data)
{
    printf("photodesk serves %s at %s (Ctrl-C stops)\n", (const char *)data, url);
    fflush(stdout);
}

int
pd_cmd_serve(int argc, char **argv, const PdGlobalOptions *global)
{
    PdServeOptions o;
    pd_webui_options_init(&o);
    g_autofree char *listen = NULL; /* GOption gives it; ours to free */
    int threads = 0, connections = (int)o.connection_limit, per_ip = (int)o.per_ip_limit;
    int timeout = (int)o.timeout_seconds, upload_mb = (int)(o.max_upload >> 20);
    int session_hours = (int)(o.session_seconds / 3600);
    gboolean quiet = FALSE;
    g_auto(GStrv) watch = NULL;
    g_autofree char *watch_done = NULL, *watch_failed = NULL;
    double settle = o.watch_settle;
    GOptionEntry entries[] = {
        {"listen", 0, 0, G_OPTION_ARG_STRING, &listen,
         "Address and port to listen on (default 127.0.0.1:8080; port 0: any free one)",
         "HOST:PORT"},
        {"threads", 0, 0, G_OPTION_ARG_INT, &threads, "Polling threads (default: one per core)",
         "N"},
        {"max-connections", 0, 0, G_OPTION_ARG_INT, &connections,
         "Connections at once (default 2048)", "N"},
        {"max-per-ip", 0, 0, G_OPTION_ARG_INT, &per_ip,
         "Connections at once from one address (default 256: a newsroom behind one NAT)", "N"},
        {"timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
         "Close a connection idle this long (default 60)", "SECONDS"},
        {"max-upload", 0, 0, G_OPTION_ARG_INT, &upload_mb,
         "Largest upload request, all its files (default 1024)", "MB"},
        {"session-hours", 0, 0, G_OPTION_ARG_INT, &session_hours,
         "A login lasts this long (default 12)", "HOURS"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No access log", NULL},
        {"watch", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &watch,
         "A hot folder: ingest what arrives there (repeatable; see photodesk watch --help)", "DIR"},
        {"watch-done", 0, 0, G_OPTION_ARG_FILENAME, &watch_done,
         "Move each ingested file of the hot folders here (default: leave it, remembered)", "DIR"},
        {"watch-failed", 0, 0, G_OPTION_ARG_FILENAME, &watch_failed,
         "Move each rejected file here, with NAME.error.txt (default: leave it, remembered)",
         "DIR"},
        {"settle", 0, 0, G_OPTION_ARG_DOUBLE, &settle,
         "A hot folder's file is taken once unchanged this long (default 2)", "SECONDS"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("- serve the editors' web UI on the library");
    g_option_context_set_description(
        context, "One line per request goes to standard output (the access log). Create\n"
                 "logins with 'photodesk user add NAME'. Stop with Ctrl-C or SIGTERM.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "serve", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc != 1 || threads < 0 || threads > 256 || connections < 1 || per_ip < 1 || timeout < 1 ||
        upload_mb < 1 || upload_mb > 1024 * 1024 || session_hours < 1 || settle < 0 ||
        settle > 3600) {
        fprintf(stderr, "photodesk serve: no arguments, and the numbers must be positive "
                        "(run 'photodesk serve --help')\n");
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    if (g_mkdir_with_parents(library, 0755) != 0 || !pd_webui_init(&error)) {
        fprintf(stderr, "photodesk serve: %s: %s\n", library,
                error ? error->message : g_strerror(errno));
        return PD_EXIT_REJECTED;
    }
    o.library = library;
    if (listen)
        o.listen = listen;
    o.threads = (guint)threads;
    o.connection_limit = (guint)connections;
    o.per_ip_limit = (guint)per_ip;
    o.timeout_seconds = (guint)timeout;
    o.max_upload = (gsize)upload_mb << 20;
    o.session_seconds = (gint64)session_hours * 3600;
    o.ready = ready;
    o.user_data = library;
    o.access_log = quiet ? NULL : stdout;
    o.watch = (const char *const *)watch;
    o.watch_done = watch_done;
    o.watch_failed = watch_failed;
    o.watch_settle = settle;
    if (!pd_webui_serve(&o, &error)) {
        fprintf(stderr, "photodesk serve: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    return PD_EXIT_OK;
}
