/* test-watch.c: photodesk watch, the hot folder, end to end: files written the ways FTP
 * servers and clients write them (a temporary name then a rename, slow chunks, dotfiles,
 * an upload cut short then sent again whole), duplicates and a corrupt file, a new
 * subfolder, an event queue that overflows, kill -9 and restart (every file once), the
 * done/failed and remember-in-place modes, and SIGTERM. */
#include "e2e.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A running photodesk watch and what it has printed. */
typedef struct {
    GPid pid;
    int out;
    GString *log;
    gboolean exited;
    int status;
} Watcher;

static char *hot, *done_dir, *failed_dir;

static Watcher *
start_watch(const char *const *extra)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)g_getenv("PHOTODESK_BIN"));
    g_ptr_array_add(argv, "--library");
    g_ptr_array_add(argv, library);
    g_ptr_array_add(argv, "watch");
    g_ptr_array_add(argv, "--jobs");
    g_ptr_array_add(argv, "2");
    for (int i = 0; extra && extra[i]; i++)
        g_ptr_array_add(argv, (char *)extra[i]);
    g_ptr_array_add(argv, hot);
    g_ptr_array_add(argv, NULL);
    Watcher *w = g_new0(Watcher, 1);
    w->log = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async_with_pipes(
        workdir, (char **)argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent,
        GINT_TO_POINTER(getpid()), &w->pid, NULL, &w->out, NULL, &error));
    g_assert_no_error(error);
    g_ptr_array_unref(argv);
    fcntl(w->out, F_SETFL, fcntl(w->out, F_GETFL) | O_NONBLOCK);
    return w;
}

/* Reads what the watcher printed so far. */
static void
pump(Watcher *w)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(w->out, buf, sizeof buf)) > 0)
        g_string_append_len(w->log, buf, n);
}

/* The number of log lines naming @file (a path's end) with @outcome. */
static guint
count_lines(Watcher *w, const char *file, const char *outcome)
{
    pump(w);
    guint n = 0;
    g_auto(GStrv) lines = g_strsplit(w->log->str, "\n", -1);
    g_autofree char *end = g_strdup_printf("/%s", file);
    for (int i = 0; lines[i]; i++) {
        g_auto(GStrv) cols = g_strsplit(lines[i], "  ", -1);
        if (g_strv_length(cols) < 3)
            continue;
        if ((file == NULL || g_str_has_suffix(cols[1], end)) && g_str_has_prefix(cols[2], outcome))
            n++;
    }
    return n;
}

/* Waits (up to @seconds) for @n lines of @outcome for @file (NULL: any file). */
static gboolean
wait_lines(Watcher *w, const char *file, const char *outcome, guint n, double seconds)
{
    gint64 until = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    while (g_get_monotonic_time() < until) {
        if (count_lines(w, file, outcome) >= n)
            return TRUE;
        g_usleep(50 * 1000);
    }
    g_test_message("log so far:\n%s", w->log->str);
    return FALSE;
}

static void
stop_watch(Watcher *w, int sig)
{
    kill(w->pid, sig);
    int status = 0;
    g_assert_cmpint(waitpid(w->pid, &status, 0), ==, w->pid);
    pump(w);
    w->exited = WIFEXITED(status);
    w->status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    close(w->out);
    g_spawn_close_pid(w->pid);
}

static void
watcher_free(Watcher *w)
{
    g_string_free(w->log, TRUE);
    g_free(w);
}

static void
watch_setup(void)
{
    setup();
    hot = g_build_filename(workdir, "hot", NULL);
    done_dir = g_build_filename(workdir, "done", NULL);
    failed_dir = g_build_filename(workdir, "failed", NULL);
    g_assert_cmpint(g_mkdir(hot, 0755), ==, 0);
    g_assert_cmpint(g_mkdir(done_dir, 0755), ==, 0);
    g_assert_cmpint(g_mkdir(failed_dir, 0755), ==, 0);
    g_autofree char *src = g_build_filename(workdir, "src", NULL);
    g_assert_cmpint(g_mkdir(src, 0755), ==, 0);
}

static void
watch_teardown(void)
{
    g_clear_pointer(&hot, g_free);
    g_clear_pointer(&done_dir, g_free);
    g_clear_pointer(&failed_dir, g_free);
    teardown();
}

/* A photo made in src/, its bytes. */
static GBytes *
photo_sized(const char *name, int seed, int w, int h)
{
    g_autofree char *rel = g_strdup_printf("src/%s", name);
    g_autofree char *path = make_photo(rel, w, h, seed, NULL, 1);
    char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    return g_bytes_new_take(data, len);
}

static GBytes *
photo_bytes(const char *name, int seed)
{
    return photo_sized(name, seed, 640, 480);
}

static void
write_file(const char *path, const void *data, gsize len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, data, len), ==, (ssize_t)len);
    close(fd);
}

static void
put(const char *name, GBytes *bytes)
{
    g_autofree char *path = g_build_filename(hot, name, NULL);
    gsize len;
    const void *d = g_bytes_get_data(bytes, &len);
    write_file(path, d, len);
}

/* SELECT count(*) ... on the library's catalog. */
static gint64
catalog_count(const char *sql)
{
    g_autofree char *n = catalog_value(sql);
    g_assert_nonnull(n);
    return g_ascii_strtoll(n, NULL, 10);
}

/* Waits (up to @seconds) until @n files are remembered in the catalog. */
static gboolean
wait_remembered(gint64 n, double seconds)
{
    gint64 until = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    while (g_get_monotonic_time() < until) {
        if (catalog_count("SELECT count(*) FROM hot_files") >= n)
            return TRUE;
        g_usleep(100 * 1000);
    }
    return FALSE;
}

static gboolean
exists_in(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* ---------------------------------------------------------------- the tests */

/* A rename into place is taken; temporary names and dotfiles never are; a file written
 * slowly in chunks is taken once, whole; a duplicate and a corrupt file go where they
 * belong, the corrupt one with its reason. */
static void
test_names_chunks_and_outcomes(void)
{
    Watcher *w = start_watch(
        (const char *const[]){"--done", done_dir, "--failed", failed_dir, "--settle", "1", NULL});
    g_assert_true(wait_lines(w, NULL, "watched", 1, 10));

    g_autoptr(GBytes) a = photo_bytes("a.jpg", 1);
    put(".in.a.jpg.", a); /* ProFTPD HiddenStores, then the rename */
    g_autofree char *tmp = g_build_filename(hot, ".in.a.jpg.", NULL);
    g_autofree char *final = g_build_filename(hot, "a.jpg", NULL);
    g_usleep(300 * 1000);
    g_assert_cmpint(rename(tmp, final), ==, 0);
    put("b.jpg.part", a);
    put("c.jpg.filepart", a);
    put("d.jpg.crdownload", a);
    put("e.jpg.tmp", a);
    put("f.jpg~", a);
    put(".hidden.jpg", a);

    /* slow chunks: 5 pieces, 400 ms apart, closed after each (an append upload) */
    g_autoptr(GBytes) slow = photo_bytes("slow.jpg", 2);
    gsize len;
    const guint8 *d = g_bytes_get_data(slow, &len);
    g_autofree char *slow_path = g_build_filename(hot, "slow.jpg", NULL);
    for (int i = 0; i < 5; i++) {
        int fd = open(slow_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        gsize from = len * i / 5, to = len * (i + 1) / 5;
        g_assert_cmpint(write(fd, d + from, to - from), ==, (ssize_t)(to - from));
        close(fd);
        g_usleep(400 * 1000);
    }
    put("again.jpg", a); /* the same bytes: a duplicate */
    put("corrupt.jpg", g_bytes_new_static("not a photo at all", 18));

    g_assert_true(wait_lines(w, "a.jpg", "added", 1, 20));
    g_assert_true(wait_lines(w, "slow.jpg", "added", 1, 20));
    g_assert_true(wait_lines(w, "again.jpg", "duplicate", 1, 20));
    g_assert_true(wait_lines(w, "corrupt.jpg", "rejected", 1, 20));
    g_usleep(1500 * 1000); /* the temporary names have had time to be (wrongly) taken */
    stop_watch(w, SIGTERM);
    g_assert_true(w->exited);
    g_assert_cmpint(w->status, ==, 0);

    g_assert_cmpuint(count_lines(w, "slow.jpg", ""), ==, 1); /* once, whole */
    g_assert_cmpuint(count_lines(w, "slow.jpg", "rejected"), ==, 0);
    g_assert_true(exists_in(done_dir, "a.jpg"));
    g_assert_true(exists_in(done_dir, "slow.jpg"));
    g_assert_true(exists_in(done_dir, "again.jpg"));
    g_assert_true(exists_in(failed_dir, "corrupt.jpg"));
    g_autofree char *reason_path = g_build_filename(failed_dir, "corrupt.jpg.error.txt", NULL);
    g_autofree char *reason = NULL;
    g_assert_true(g_file_get_contents(reason_path, &reason, NULL, NULL));
    g_assert_nonnull(strstr(reason, "not an image"));
    const char *left[] = {"b.jpg.part", "c.jpg.filepart", "d.jpg.crdownload",
                          "e.jpg.tmp",  "f.jpg~",         ".hidden.jpg"};
    for (gsize i = 0; i < G_N_ELEMENTS(left); i++) {
        g_assert_true(exists_in(hot, left[i]));
        g_assert_cmpuint(count_lines(w, left[i], ""), ==, 0);
    }
    g_assert_cmpint(catalog_count("SELECT count(*) FROM photos"), ==, 2);
    watcher_free(w);
}

/* An upload cut off half-way is rejected as truncated; the whole file sent again over
 * it is taken. A name in done/ already gets a suffix. Subfolders made later are
 * watched. */
static void
test_aborted_upload_and_subfolder(void)
{
    Watcher *w = start_watch(
        (const char *const[]){"--done", done_dir, "--failed", failed_dir, "--settle", "0.5", NULL});
    g_assert_true(wait_lines(w, NULL, "watched", 1, 10));
    g_autoptr(GBytes) p = photo_bytes("cut.jpg", 3);
    gsize len;
    const guint8 *d = g_bytes_get_data(p, &len);
    g_autofree char *path = g_build_filename(hot, "cut.jpg", NULL);
    write_file(path, d, len / 2);
    g_assert_true(wait_lines(w, "cut.jpg", "rejected", 1, 20));
    g_assert_true(exists_in(failed_dir, "cut.jpg"));
    write_file(path, d, len);
    g_assert_true(wait_lines(w, "cut.jpg", "added", 1, 20));
    g_assert_true(exists_in(done_dir, "cut.jpg"));

    /* the same name again, another photo: done/cut-1.jpg */
    g_autoptr(GBytes) q = photo_bytes("cut2.jpg", 4);
    put("cut.jpg", q);
    g_assert_true(wait_lines(w, "cut.jpg", "added", 2, 20));
    g_assert_true(exists_in(done_dir, "cut-1.jpg"));

    g_autofree char *sub = g_build_filename(hot, "2026", "12", NULL);
    g_assert_cmpint(g_mkdir_with_parents(sub, 0755), ==, 0);
    g_autoptr(GBytes) s = photo_bytes("sub.jpg", 5);
    g_autofree char *in_sub = g_build_filename(sub, "sub.jpg", NULL);
    gsize slen;
    const void *sd = g_bytes_get_data(s, &slen);
    write_file(in_sub, sd, slen);
    g_assert_true(wait_lines(w, "sub.jpg", "added", 1, 20));
    stop_watch(w, SIGTERM);
    g_assert_cmpint(w->status, ==, 0);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM photos"), ==, 3);
    watcher_free(w);
}

/* An ingest rule on a folder of the hot folder: its photos get the template as a second
 * version by the rule, in the transaction that adds them; the others are left as sent. */
static void
test_rules(void)
{
    g_autofree char *handouts = g_build_filename(hot, "handouts", NULL);
    g_assert_cmpint(g_mkdir(handouts, 0755), ==, 0);
    Run t =
        RUN("template", "save", "Handout", "--set",
            "special-instructions=HANDOUT - EDITORIAL USE ONLY", "--append", "keywords=handout");
    g_assert_cmpint(t.status, ==, 0);
    run_clear(&t);
    Run no = RUN("rule", "save", "Handouts", "--template", "Handout");
    g_assert_cmpint(no.status, ==, 1);
    g_assert_nonnull(strstr(no.err, "say when it applies"));
    run_clear(&no);
    Run r = RUN("rule", "save", "Handouts", "--template", "handout", "--folder", handouts);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "template \"Handout\""));
    run_clear(&r);
    Watcher *w = start_watch((const char *const[]){"--done", done_dir, "--settle", "0.3", NULL});
    g_assert_true(wait_lines(w, NULL, "watched", 1, 10));
    g_autoptr(GBytes) h = photo_bytes("drawing.jpg", 21);
    g_autoptr(GBytes) p = photo_bytes("street.jpg", 22);
    put("handouts/drawing.jpg", h);
    put("street.jpg", p);
    g_assert_true(wait_lines(w, "drawing.jpg", "added", 1, 20));
    g_assert_true(wait_lines(w, "street.jpg", "added", 1, 20));
    stop_watch(w, SIGTERM);
    g_assert_nonnull(strstr(w->log->str, "rule Handouts"));
    watcher_free(w);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM versions WHERE by_user = 'rule Handouts'"),
                    ==, 1);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM photos WHERE special_instructions = "
                                  "'HANDOUT - EDITORIAL USE ONLY' AND version = 2"),
                    ==, 1);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM photos WHERE version = 1"), ==, 1);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM batches WHERE by_user = 'rule Handouts'"),
                    ==, 1);
    /* the template stays while the rule uses it */
    Run kept = RUN("template", "remove", "Handout");
    g_assert_cmpint(kept.status, ==, 1);
    g_assert_nonnull(strstr(kept.err, "rule \"Handouts\""));
    run_clear(&kept);
    Run gone = RUN("rule", "remove", "handouts");
    g_assert_cmpint(gone.status, ==, 0);
    run_clear(&gone);
    Run listed = RUN("rule", "list");
    g_assert_cmpstr(listed.out, ==, "");
    run_clear(&listed);
}

/* Without --done/--failed, files stay and are remembered: a restart takes none of them
 * again; a file changed since is taken again. */
static void
test_remember_in_place(void)
{
    g_autoptr(GBytes) a = photo_bytes("a.jpg", 6);
    put("a.jpg", a); /* there before the watch starts: the first scan takes it */
    Watcher *w = start_watch((const char *const[]){"--settle", "0.3", NULL});
    g_assert_true(wait_lines(w, "a.jpg", "added", 1, 20));
    put("bad.jpg", g_bytes_new_static("garbage", 7));
    g_assert_true(wait_lines(w, "bad.jpg", "rejected", 1, 20));
    stop_watch(w, SIGTERM);
    watcher_free(w);
    g_assert_true(exists_in(hot, "a.jpg"));

    w = start_watch((const char *const[]){"--settle", "0.3", NULL});
    g_assert_true(wait_lines(w, NULL, "watched", 1, 10));
    g_usleep(1500 * 1000);
    g_assert_cmpuint(count_lines(w, "a.jpg", ""), ==, 0);
    g_assert_cmpuint(count_lines(w, "bad.jpg", ""), ==, 0);
    /* replaced by another photo of the same name: taken again */
    g_autoptr(GBytes) b = photo_bytes("b.jpg", 7);
    put("a.jpg", b);
    g_assert_true(wait_lines(w, "a.jpg", "added", 1, 20));
    stop_watch(w, SIGTERM);
    watcher_free(w);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM photos"), ==, 2);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM hot_files"), ==, 2);
}

/* Writes @value into a /proc/sys file (in place: no temporary file and rename). */
static gboolean
write_proc(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return FALSE;
    gboolean ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
    close(fd);
    return ok;
}

/* More events than the kernel queues: the watcher, stopped while 150 files arrive,
 * overflows, looks at every file, and takes each once. */
static void
test_overflow(void)
{
    const char *limit_path = "/proc/sys/fs/inotify/max_queued_events";
    g_autofree char *old = NULL;
    if (!g_file_get_contents(limit_path, &old, NULL, NULL) || access(limit_path, W_OK) != 0) {
        g_test_skip("cannot lower fs.inotify.max_queued_events here (needs root)");
        return;
    }
    /* a small queue for the watcher's inotify instance only: the limit is read when an
     * instance is made, and set back at once */
    if (!write_proc(limit_path, "32\n")) {
        g_test_skip("cannot lower fs.inotify.max_queued_events here");
        return;
    }
    Watcher *w = start_watch((const char *const[]){"--settle", "0.3", NULL});
    gboolean started = wait_lines(w, NULL, "watched", 1, 10);
    write_proc(limit_path, old);
    g_assert_true(started);
    kill(w->pid, SIGSTOP);
    enum { FILES = 150 };
    g_autoptr(GBytes) p = photo_bytes("base.jpg", 8);
    gsize len;
    const guint8 *d = g_bytes_get_data(p, &len);
    for (int i = 0; i < FILES; i++) {
        /* distinct files: the same picture with its own trailing byte */
        g_autofree char *name = g_strdup_printf("many-%03d.jpg", i);
        g_autofree char *path = g_build_filename(hot, name, NULL);
        g_autoptr(GByteArray) b = g_byte_array_new();
        g_byte_array_append(b, d, (guint)len);
        guint8 tail = (guint8)i;
        g_byte_array_append(b, &tail, 1);
        write_file(path, b->data, b->len);
    }
    kill(w->pid, SIGCONT);
    g_assert_true(wait_lines(w, NULL, "too many events", 1, 20));
    g_assert_true(wait_remembered(FILES, 120));
    stop_watch(w, SIGTERM);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM hot_files"), ==, FILES);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM hot_files WHERE outcome = 'rejected'"), ==,
                    0);
    watcher_free(w);
}

/* kill -9 while 40 files are being taken, again and again, then start once more: every
 * file once. */
static void
test_kill_and_restart(gconstpointer data)
{
    gboolean move = GPOINTER_TO_INT(data);
    enum { FILES = 40 };
    for (int i = 0; i < FILES; i++) {
        g_autofree char *name = g_strdup_printf("wire-%02d.jpg", i);
        g_autoptr(GBytes) p = photo_sized(name, 100 + i, 1600, 1200);
        put(name, p);
    }
    const char *const moving[] = {"--done",   done_dir, "--failed", failed_dir,
                                  "--settle", "0.2",    NULL};
    const char *const staying[] = {"--settle", "0.2", NULL};
    /* killed at six moments spread over the first seconds (a fixed seed): before the
     * first commit, inside a batch, between a commit and the moves */
    GRand *rand = g_rand_new_with_seed(move ? 11 : 12);
    Watcher *w = NULL;
    guint before = 0;
    for (int k = 0; k < 6; k++) {
        w = start_watch(move ? moving : staying);
        g_usleep((gulong)g_rand_int_range(rand, 300, 2500) * 1000);
        stop_watch(w, SIGKILL);
        g_assert_false(w->exited);
        before += count_lines(w, NULL, "added");
        watcher_free(w);
    }
    g_rand_free(rand);

    w = start_watch(move ? moving : staying);
    /* what is left is taken; the rest is not taken again */
    g_assert_true(wait_remembered(FILES, 90));
    g_usleep(1000 * 1000); /* time to (wrongly) take one again */
    stop_watch(w, SIGTERM);
    g_test_message("%u added before the kill, %u after it", before, count_lines(w, NULL, "added"));
    g_assert_cmpuint(count_lines(w, NULL, "duplicate"), ==, 0);
    watcher_free(w);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM photos"), ==, FILES);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM hot_files WHERE outcome = 'added'"), ==,
                    FILES);
    if (move) {
        g_assert_cmpuint(count_files(done_dir), ==, FILES);
        g_autoptr(GDir) d = g_dir_open(hot, 0, NULL);
        g_assert_null(g_dir_read_name(d));
    } else {
        g_assert_cmpuint(count_files(hot), ==, FILES);
    }
}

/* SIGTERM with files waiting: the one in hand is finished, the process ends at once,
 * and what was not started is taken by the next run. */
static void
test_sigterm(void)
{
    enum { FILES = 30 };
    for (int i = 0; i < FILES; i++) {
        g_autofree char *name = g_strdup_printf("t-%02d.jpg", i);
        g_autoptr(GBytes) p = photo_bytes(name, 300 + i);
        put(name, p);
    }
    Watcher *w = start_watch((const char *const[]){"--settle", "0", NULL});
    g_assert_true(wait_lines(w, NULL, "added", 1, 60));
    gint64 t0 = g_get_monotonic_time();
    stop_watch(w, SIGTERM);
    g_assert_true(w->exited);
    g_assert_cmpint(w->status, ==, 0);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 20 * G_USEC_PER_SEC);
    watcher_free(w);
    w = start_watch((const char *const[]){"--settle", "0", NULL});
    g_assert_true(wait_remembered(FILES, 90));
    stop_watch(w, SIGTERM);
    watcher_free(w);
    g_assert_cmpint(catalog_count("SELECT count(*) FROM photos"), ==, FILES);
}

static void
test_bad_arguments(void)
{
    Run r = RUN("watch", "/nonexistent/hot/folder");
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "/nonexistent/hot/folder"));
    run_clear(&r);
    r = RUN("watch", "--settle", "-1", workdir);
    g_assert_cmpint(r.status, ==, 2);
    run_clear(&r);
    r = RUN("watch");
    g_assert_cmpint(r.status, ==, 2);
    run_clear(&r);
}

/* Each test in a scratch folder of its own. */
typedef void (*WatchTest)(void);

static void
in_scratch(gconstpointer data)
{
    watch_setup();
    ((WatchTest)data)();
    watch_teardown();
}

#define ADD(path, fn) g_test_add_data_func(path, (gconstpointer)(fn), in_scratch)

static void
kill_moving(void)
{
    test_kill_and_restart(GINT_TO_POINTER(TRUE));
}

static void
kill_staying(void)
{
    test_kill_and_restart(GINT_TO_POINTER(FALSE));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (VIPS_INIT(argv[0]))
        return 1;
    ADD("/watch/names-chunks-and-outcomes", test_names_chunks_and_outcomes);
    ADD("/watch/aborted-upload-and-subfolder", test_aborted_upload_and_subfolder);
    ADD("/watch/remember-in-place", test_remember_in_place);
    ADD("/watch/rules", test_rules);
    ADD("/watch/overflow", test_overflow);
    ADD("/watch/kill-and-restart/moving", kill_moving);
    ADD("/watch/kill-and-restart/in-place", kill_staying);
    ADD("/watch/sigterm", test_sigterm);
    ADD("/watch/bad-arguments", test_bad_arguments);
    return g_test_run();
}
