/* cmd-meta.c: photodesk meta [--json] [--jobs N] FILE...: read metadata, store nothing.
 *
 * With several cores the files are read by workers and printed in the order given, each
 * as soon as it and every file before it are read; at most WINDOW files are read ahead of
 * the one being printed, so memory stays flat however many are given. The workers are
 * threads of this command, joined at its end (a pool's threads would outlive it, holding
 * what libraries keep per thread).
 */
#include "cli/commands.h"
#include "ingest/ingest.h"

#include <stdio.h>

#define WINDOW 64

typedef struct {
    const char *file;
    char *out;   /* what to print, or NULL when the file could not be read */
    char *error; /* why not */
    gboolean done;
} Slot;

typedef struct {
    Slot *slots;
    int n;
    gboolean json;
    int next;    /* the next file to read */
    int printed; /* files printed so far: a worker waits while it is WINDOW ahead */
    GMutex lock;
    GCond cond;
} Work;

static void
read_one(Slot *s, gboolean json)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(PdPhotoMeta) meta = pd_ingest_read_file(s->file, &error);
    if (meta)
        s->out = json ? pd_photo_meta_to_json(meta, s->file) : pd_photo_meta_to_text(meta, s->file);
    else
        s->error = g_strdup(error->message);
}

static gpointer
worker(gpointer data)
{
    Work *w = data;
    for (;;) {
        g_mutex_lock(&w->lock);
        while (w->next < w->n && w->next >= w->printed + WINDOW)
            g_cond_wait(&w->cond, &w->lock);
        int i = w->next < w->n ? w->next++ : -1;
        g_mutex_unlock(&w->lock);
        if (i < 0)
            return NULL;
        read_one(&w->slots[i], w->json);
        g_mutex_lock(&w->lock);
        w->slots[i].done = TRUE;
        g_cond_broadcast(&w->cond);
        g_mutex_unlock(&w->lock);
    }
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
    for (int i = 0; i < n; i++)
        slots[i].file = argv[i + 1];
    /* one file, or one worker: read here */
    Work w = {.slots = slots, .n = n, .json = json};
    g_mutex_init(&w.lock);
    g_cond_init(&w.cond);
    GPtrArray *threads = g_ptr_array_new();
    for (int t = 0; jobs > 1 && t < jobs; t++)
        g_ptr_array_add(threads, g_thread_new("meta", worker, &w));
    int status = PD_EXIT_OK;
    for (int i = 0; i < n; i++) {
        Slot *s = &slots[i];
        if (threads->len) {
            g_mutex_lock(&w.lock);
            while (!s->done)
                g_cond_wait(&w.cond, &w.lock);
            g_mutex_unlock(&w.lock);
        } else {
            read_one(s, json);
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
        g_mutex_lock(&w.lock);
        w.printed = i + 1;
        g_cond_broadcast(&w.cond);
        g_mutex_unlock(&w.lock);
    }
    for (guint t = 0; t < threads->len; t++)
        g_thread_join(g_ptr_array_index(threads, t));
    g_ptr_array_unref(threads);
    g_mutex_clear(&w.lock);
    g_cond_clear(&w.cond);
    if (fflush(stdout) != 0) {
        perror("photodesk meta: writing output");
        return PD_EXIT_REJECTED;
    }
    return status;
}
