/* bare.c: the fastest known way to make photodesk's three renditions with libvips
 * alone, as the yardstick for bench/ingest/run.
 *
 *   bench-bare-renditions [--jobs N] [--quality Q] OUTDIR FILE...
 *
 * One decode per photo, shrinking a JPEG while it is decoded (1/2, 1/4 or 1/8, the most
 * that still covers 2048 px), web 2048 px kept in memory and turned upright, preview
 * 1280 from web, thumb 320 from preview, each saved as JPEG without metadata; one photo
 * per worker thread, libvips' own threading at 1. No hashing, no metadata, no catalog,
 * no durable writes: what photodesk adds to this is what the benchmark measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>
#include <vips/vector.h>

static GAsyncQueue *queue;
static const char *outdir;
static int quality = 82;

static int
shrink_for(int longest)
{
    for (int s = 8; s >= 2; s /= 2)
        if (longest / s >= 2048)
            return s;
    return 1;
}

static VipsImage *
down(VipsImage *in, int size)
{
    int longest = MAX(vips_image_get_width(in), vips_image_get_height(in));
    VipsImage *out = NULL;
    if (longest > size) {
        VipsImage *r = NULL;
        if (vips_resize(in, &r, (double)size / longest, NULL))
            return NULL;
        out = vips_image_copy_memory(r);
        g_object_unref(r);
    } else {
        out = vips_image_copy_memory(in);
    }
    return out;
}

static gboolean
render(const char *path, int index)
{
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
        return FALSE;
    VipsImage *header = vips_image_new_from_buffer(data, len, "", NULL);
    if (header == NULL) {
        g_free(data);
        return FALSE;
    }
    int shrink = shrink_for(MAX(vips_image_get_width(header), vips_image_get_height(header)));
    g_object_unref(header);
    VipsImage *in = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                               "shrink", shrink, NULL);
    if (in == NULL) {
        g_free(data);
        return FALSE;
    }
    VipsImage *web = down(in, 2048), *upright = NULL;
    g_object_unref(in);
    if (web == NULL || vips_autorot(web, &upright, NULL)) {
        g_free(data);
        return FALSE;
    }
    g_object_unref(web);
    VipsImage *level = vips_image_copy_memory(upright);
    g_object_unref(upright);
    const char *names[] = {"web", "preview", "thumb"};
    const int sizes[] = {2048, 1280, 320};
    gboolean ok = TRUE;
    for (int i = 0; i < 3 && ok; i++) {
        if (i > 0) {
            VipsImage *next = down(level, sizes[i]);
            g_object_unref(level);
            level = next;
            if (level == NULL)
                break;
        }
        void *buf = NULL;
        size_t n = 0;
        ok = vips_jpegsave_buffer(level, &buf, &n, "Q", quality, "strip", TRUE, NULL) == 0;
        if (ok) {
            /* a plain write: no temporary file, no fsync (photodesk does both) */
            char *out = g_strdup_printf("%s/%s-%05d.jpg", outdir, names[i], index);
            FILE *f = fopen(out, "wb");
            ok = f && fwrite(buf, 1, n, f) == n;
            if (f)
                ok = fclose(f) == 0 && ok;
            g_free(out);
        }
        g_free(buf);
    }
    if (level)
        g_object_unref(level);
    g_free(data);
    return ok && level != NULL;
}

typedef struct {
    char *path;
    int index;
} Job;

static gpointer
worker(gpointer unused)
{
    for (;;) {
        Job *job = g_async_queue_pop(queue);
        if (job->path == NULL) {
            g_free(job);
            return NULL;
        }
        if (!render(job->path, job->index))
            fprintf(stderr, "bare: %s: %s\n", job->path, vips_error_buffer());
        g_free(job->path);
        g_free(job);
    }
}

int
main(int argc, char **argv)
{
    if (VIPS_INIT(argv[0]))
        vips_error_exit(NULL);
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    /* libvips as photodesk runs it: without run-time compiled vector code, which is not
     * safe with several workers on Debian 12's liborc (ingest/read.c); the cost of that is
     * measured on its own (bench/README.md), not counted as photodesk's */
    vips_vector_set_enabled(FALSE);
    int jobs = (int)g_get_num_processors();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
            jobs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--quality") == 0 && i + 1 < argc)
            quality = atoi(argv[++i]);
    }
    if (argc - i < 2) {
        fprintf(stderr, "usage: %s [--jobs N] [--quality Q] OUTDIR FILE...\n", argv[0]);
        return 2;
    }
    outdir = argv[i++];
    queue = g_async_queue_new();
    for (int k = 0; i < argc; i++, k++) {
        Job *job = g_new0(Job, 1);
        job->path = g_strdup(argv[i]);
        job->index = k;
        g_async_queue_push(queue, job);
    }
    GThread *threads[64];
    jobs = MAX(1, MIN(jobs, 64));
    for (int t = 0; t < jobs; t++) {
        g_async_queue_push(queue, g_new0(Job, 1));
        threads[t] = g_thread_new("bare", worker, NULL);
    }
    for (int t = 0; t < jobs; t++)
        g_thread_join(threads[t]);
    return 0;
}
