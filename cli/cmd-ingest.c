/* cmd-ingest.c: photodesk ingest [--jobs N] [--json] [--move] PATH...: photos into the
 * library. */
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    gboolean json;
    gboolean progress; /* a terminal is watching stderr */
    gint64 start;
    gint64 last_draw;
    gboolean bar_shown;
    GHashTable *rules;     /* rule name -> photos it applied to (GUINT_TO_POINTER) */
    GPtrArray *rule_order; /* the rules' names, in the order first applied */
} Reporter;

static void
clear_bar(Reporter *r)
{
    if (r->bar_shown) {
        fputs("\r\033[K", stderr);
        r->bar_shown = FALSE;
    }
}

static void
draw_bar(Reporter *r, guint done, guint total)
{
    gint64 now = g_get_monotonic_time();
    if (done < total && now - r->last_draw < G_USEC_PER_SEC / 10)
        return; /* ten updates a second are plenty */
    r->last_draw = now;
    double seconds = (double)(now - r->start) / G_USEC_PER_SEC;
    double rate = seconds > 0 ? done / seconds : 0;
    enum { WIDTH = 30 };
    int filled = total ? (int)((double)done / total * WIDTH) : WIDTH;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = 0;
    char eta[32] = "--:--";
    if (rate > 0 && done < total) {
        int left = (int)((total - done) / rate);
        g_snprintf(eta, sizeof eta, "%d:%02d", left / 60, left % 60);
    }
    fprintf(stderr, "\r\033[K[%s] %u/%u files  %.1f photos/s  ETA %s", bar, done, total, rate, eta);
    fflush(stderr);
    r->bar_shown = TRUE;
}

static void
on_result(const PdIngestResult *res, guint done, guint total, gpointer data)
{
    Reporter *r = data;
    clear_bar(r);
    for (int i = 0; res->amended && res->amended[i]; i++) {
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(r->rules, res->amended[i]));
        if (n == 0)
            g_ptr_array_add(r->rule_order, g_strdup(res->amended[i]));
        g_hash_table_replace(r->rules, g_strdup(res->amended[i]), GUINT_TO_POINTER(n + 1));
    }
    if (r->json) {
        g_autofree char *line = pd_ingest_result_to_json(res);
        puts(line);
        fflush(stdout);
    } else if (res->status == PD_INGEST_REJECTED) {
        fprintf(stderr, "photodesk ingest: %s: %s\n", res->file, res->error);
    } else if (res->warning) {
        fprintf(stderr, "photodesk ingest: %s: %s as photo %" G_GINT64_FORMAT ": %s\n", res->file,
                pd_ingest_status_name(res->status), res->id, res->warning);
    }
    if (r->progress)
        draw_bar(r, done, total);
}

int
pd_cmd_ingest(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE, move = FALSE;
    int jobs = 0, quality = 0;
    double max_mp = 0;
    GOptionEntry entries[] = {
        {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Decode workers (default: one per core)", "N"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json,
         "One JSON object per file per line: file, status, id, sha256, error, warning, "
         "picture_changed",
         NULL},
        {"move", 0, 0, G_OPTION_ARG_NONE, &move,
         "Remove each source file once its photo is safely in the library", NULL},
        {"quality", 0, 0, G_OPTION_ARG_INT, &quality, "JPEG quality of the renditions (82)", "Q"},
        {"max-megapixels", 0, 0, G_OPTION_ARG_DOUBLE, &max_mp,
         "Refuse photos larger than this, from their header (150)", "MP"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("PATH... - take photos (files, folders) into the library");
    g_option_context_set_summary(
        context, "Stores each original (by SHA-256, written durably), makes its web, preview "
                 "and thumb\nrenditions from one decode, and adds it to the catalog. The same "
                 "file again is a\nduplicate; the same picture re-sent with a new caption "
                 "updates the photo and keeps\nthe old caption in its history.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "ingest", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc < 2) {
        fprintf(stderr, "photodesk ingest: no files or folders given\n(run 'photodesk ingest "
                        "--help' for usage)\n");
        return PD_EXIT_USAGE;
    }
    if (jobs < 0 || quality < 0 || quality > 100 || max_mp < 0) {
        fprintf(stderr, "photodesk ingest: --jobs, --quality (1-100) and --max-megapixels "
                        "must be positive\n");
        return PD_EXIT_USAGE;
    }

    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GHashTable) rules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) rule_order = g_ptr_array_new_with_free_func(g_free);
    Reporter reporter = {
        json, !json && isatty(STDERR_FILENO), g_get_monotonic_time(), 0, FALSE, rules, rule_order};
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    PdIngestOptions options;
    pd_ingest_options_init(&options);
    pd_desk_queue_options_init(&options.queue);
    options.queue.jobs = jobs;
    options.move = move;
    if (quality)
        options.queue.quality = quality;
    if (max_mp > 0)
        options.queue.max_megapixels = max_mp;
    options.report = on_result;
    options.user_data = &reporter;
    options.cancellable = cancellable;

    /* blocked before the queue's threads start, so that they inherit it */
    PdCliSignals *signals = pd_cli_signals_start(cancellable);

    PdIngestSummary s;
    g_autoptr(GError) error = NULL;
    g_autofree char *catalog = pd_desk_catalog_path(library);
    gboolean ok =
        pd_ingest_files(library, catalog, (const char *const *)argv + 1, &options, &s, &error);
    pd_cli_signals_stop(signals);
    clear_bar(&reporter);
    if (!ok) {
        fprintf(stderr, "photodesk ingest: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    double rate = s.seconds > 0 ? (s.added + s.updated + s.duplicate) / s.seconds : 0;
    FILE *summary_to = json ? stderr : stdout;
    fprintf(summary_to,
            "%u files: %u added, %u updated, %u duplicate, %u rejected in %.1f s (%.1f "
            "photos/s) into %s\n",
            s.files, s.added, s.updated, s.duplicate, s.rejected, s.seconds, rate, library);
    for (guint i = 0; i < reporter.rule_order->len; i++) {
        const char *name = g_ptr_array_index(reporter.rule_order, i);
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(reporter.rules, name));
        fprintf(summary_to, "rule %s: its template applied to %u photo%s\n", name, n,
                n == 1 ? "" : "s");
    }
    if (s.stopped) {
        guint left = s.files - s.added - s.updated - s.duplicate - s.rejected;
        fprintf(stderr,
                "photodesk ingest: stopped; %u files were not ingested (run the same "
                "command again to finish)\n",
                left);
        return PD_EXIT_REJECTED;
    }
    return s.rejected ? PD_EXIT_REJECTED : PD_EXIT_OK;
}
