/* cmd-meta.c: photodesk meta [--json] [--jobs N] FILE...: read metadata, store nothing.
 *
 * With several cores the files are read by a pool of workers and printed in the order
 * given, each as soon as it and every file before it are read; at most WINDOW files are
 * read ahead of the one being printed, so memory stays flat however many are given.
 */
#include "cli/commands.h"
#include "ingest/ingest.h"

#include <stdio.h>

#define WINDOW 64

typedef struct {
    const char *file;
    gboolean json;
    char *out;   /* what to print, or NULL when the file could not be read */
    char *error; /* why not */
    gboolean done;
} Slot;

static GMutex slots_lock;
static GCond slots_cond;

static void
read_one(Slot *s)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(PdPhotoMeta) meta = pd_ingest_read_file(s->file, &error);
    if (meta)
        s->out =
            s->json ? pd_photo_meta_to_json(meta, s->file) : pd_photo_meta_to_text(meta, s->file);
    else
        s->error = g_strdup(error->message);
}

static void
work(gpointer data, gpointer user_data)
{
    Slot *s = data;
    read_one(s);
    g_mutex_lock(&slots_lock);
    s->done = TRUE;
    g_cond_broadcast(&slots_cond);
    g_mutex_unlock(&slots_lock);
}

int
pd_cmd_meta(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    int jobs = 0;
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &json,
         "One JSON object per file per line (fields of the conformance corpus)", NULL},
        {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
         "Files read at once (default: one per core); the output keeps the order given", "N"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("FILE... - read photo metadata");
    g_option_context_set_summary(context,
                                 "Reads EXIF, IPTC-IIM and XMP from JPEG, PNG, WebP, TIFF and "
                                 "HEIF/AVIF files,\nreconciles them (MWG rules) and prints the "
                                 "result. Nothing is stored.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "meta", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc < 2) {
        fprintf(stderr, "photodesk meta: no files given\n(run 'photodesk meta --help' for "
                        "usage)\n");
        return PD_EXIT_USAGE;
    }

    if (jobs < 0 || jobs > 256) {
        fprintf(stderr, "photodesk meta: --jobs is 1 to 256 (0: one per core)\n");
        return PD_EXIT_USAGE;
    }
    int n = argc - 1;
    if (jobs == 0)
        jobs = (int)g_get_num_processors();
    jobs = MIN(jobs, n);
    g_autofree Slot *slots = g_new0(Slot, n);
    for (int i = 0; i < n; i++) {
        slots[i].file = argv[i + 1];
        slots[i].json = json;
    }
    /* one file, or one worker: read here */
    GThreadPool *pool = jobs > 1 ? g_thread_pool_new(work, NULL, jobs, TRUE, NULL) : NULL;
    int queued = 0, status = PD_EXIT_OK;
    for (int i = 0; i < n; i++) {
        for (; pool && queued < n && queued < i + WINDOW; queued++)
            g_thread_pool_push(pool, &slots[queued], NULL);
        Slot *s = &slots[i];
        if (pool) {
            g_mutex_lock(&slots_lock);
            while (!s->done)
                g_cond_wait(&slots_cond, &slots_lock);
            g_mutex_unlock(&slots_lock);
        } else {
            read_one(s);
        }
        if (s->out) {
            fputs(s->out, stdout);
            fputs(json ? "\n" : (i + 1 < n ? "\n" : ""), stdout);
        } else {
            fflush(stdout);
            fprintf(stderr, "photodesk meta: %s: %s\n", s->file, s->error);
            status = PD_EXIT_REJECTED;
        }
        g_clear_pointer(&s->out, g_free);
        g_clear_pointer(&s->error, g_free);
    }
    if (pool)
        g_thread_pool_free(pool, FALSE, TRUE);
    if (fflush(stdout) != 0) {
        perror("photodesk meta: writing output");
        return PD_EXIT_REJECTED;
    }
    return status;
}
