/* test-pg-copy.c: photodesk catalog copy --to URL, into a throwaway PostgreSQL cluster
 * (tests/pg/cluster: made in a scratch folder, on a Unix socket, stopped after): a
 * library with photos, a correction, a user, an article delivered, a pick, a lightbox
 * and the desk's settings copied with every row counted, read back through libpq;
 * a second copy into the same database refused, leaving it as it was; a database that
 * is not there named. Skipped, saying so, where PostgreSQL's server is not installed. */
#include "e2e.h"

#include <gio/gio.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

static char *cluster_dir;

/* tests/pg/cluster ACTION DIR: its output, or NULL (and *@skip) when it cannot run. */
static char *
cluster(const char *action, gboolean *skip)
{
    g_autofree char *script =
        g_build_filename(g_getenv("PHOTODESK_SOURCE_ROOT"), "tests", "pg", "cluster", NULL);
    g_autofree char *pid = g_strdup_printf("%d", (int)getpid());
    const char *argv[] = {script, action, cluster_dir, pid, NULL};
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        *skip = TRUE;
        return NULL;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        g_error("tests/pg/cluster %s: %s", action, err);
    return g_strdup(g_strstrip(out));
}

/* One value @sql answers on @pg. */
static char *
pg_value(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        g_error("%s: %s", sql, PQresultErrorMessage(r));
    char *v = g_strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static void
add_user(const char *name)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_autoptr(GSubprocess) p =
        g_subprocess_launcher_spawn(l, &error, g_getenv("PHOTODESK_BIN"), "--library", library,
                                    "user", "add", name, "--role", "admin", NULL);
    g_assert_no_error(error);
    g_assert_true(
        g_subprocess_communicate_utf8(p, "a long enough password\n", NULL, NULL, NULL, &error));
    g_assert_true(g_subprocess_get_successful(p));
}

static void
test_copy(void)
{
    setup();
    g_autofree char *scratch = g_build_filename(workdir, "pg", NULL);
    cluster_dir = scratch;
    gboolean skip = FALSE;
    g_autofree char *url = cluster("start", &skip);
    if (skip) {
        g_test_skip("PostgreSQL's server is not installed (postgresql-15): no copy tried");
        teardown();
        return;
    }
    /* a library as a desk leaves it */
    g_autofree char *x = wire_xmp("Ships in the port of Gdańsk, Poland. (AP Photo/Łukasz Nowak)",
                                  "AP", "GDN101", "2025-04-01T10:00:00+02:00");
    g_autofree char *a = make_photo("gdansk.jpg", 640, 480, 11, x, 0);
    g_autofree char *b = make_photo("tabs\tand\\slashes.jpg", 480, 640, 12, NULL, 6);
    /* one at a time, so that the port of Gdańsk is photo 1 (an ingest of both numbers
     * them in the order their reading ends) */
    for (guint i = 0; i < 2; i++) {
        Run in = RUN("ingest", i ? b : a);
        g_assert_cmpint(in.status, ==, 0);
        run_clear(&in);
    }
    Run edit = RUN("edit", "1", "--caption",
                   "Container ships in the port of Gdańsk, Poland.\n"
                   "A second line, and a tab:\there.");
    g_assert_cmpint(edit.status, ==, 0);
    run_clear(&edit);
    add_user("Zofia");
    const char *steps[][8] = {
        {"article", "new", "port", NULL},
        {"article", "attach", "1", "1", "2", NULL},
        {"article", "package", "1", "--output", "port.zip", NULL},
        {"pick", "1", "--rating", "4", "--label", "green", NULL},
        {"lightbox", "new", "Harbours", NULL},
        {"lightbox", "add", "Harbours", "1", "2", NULL},
        {"profile", "save", "tabloid", "--long-edge", "3000", "--quality", "92", NULL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
        Run r = run_args(steps[i]);
        if (r.status != 0)
            g_error("%s %s: %s", steps[i][0], steps[i][1], r.err);
        run_clear(&r);
    }

    Run copy = RUN("catalog", "copy", "--to", url);
    if (copy.status != 0)
        g_error("catalog copy: %s", copy.err);
    g_assert_nonnull(strstr(copy.out, "copied: every count agrees"));
    const char *expect[] = {"photos             2\n", "versions           3\n",
                            "version_changes    1\n", "users              1\n",
                            "placements         2\n", "deliveries         1\n",
                            "delivery_photos    2\n", "picks              1\n",
                            "lightbox_photos    2\n", "settings           1\n"};
    for (guint i = 0; i < G_N_ELEMENTS(expect); i++)
        if (strstr(copy.out, expect[i]) == NULL)
            g_error("the copy does not say %s: %s", expect[i], copy.out);
    run_clear(&copy);

    PGconn *pg = PQconnectdb(url);
    g_assert_cmpint(PQstatus(pg), ==, CONNECTION_OK);
    PQsetClientEncoding(pg, "UTF8");
    g_autofree char *caption = pg_value(pg, "SELECT caption FROM photos WHERE id = 1");
    g_assert_cmpstr(
        caption, ==,
        "Container ships in the port of Gdańsk, Poland.\nA second line, and a tab:\there.");
    g_autofree char *was = pg_value(pg, "SELECT old_value FROM version_changes vc JOIN versions v"
                                        " ON v.id = vc.version_id WHERE v.photo_id = 1"
                                        " AND vc.field = 'caption'");
    g_assert_true(g_str_has_prefix(was, "Ships in the port of Gdańsk"));
    g_autofree char *user = pg_value(pg, "SELECT name || ' ' || role FROM users");
    g_assert_cmpstr(user, ==, "Zofia admin");
    g_autofree char *version = pg_value(pg, "SELECT version FROM photodesk_schema");
    g_assert_cmpint(atoi(version), >=, 14);
    /* numbering goes on after the highest id copied */
    g_autofree char *next = pg_value(pg, "SELECT nextval(pg_get_serial_sequence('photos', 'id'))");
    g_assert_cmpint(atoi(next), ==, 3);
    /* names stay unique whatever their case, as in SQLite */
    PGresult *dup =
        PQexec(pg, "INSERT INTO users (name, role, password_hash, created_at,"
                   " password_changed_at) VALUES ('ZOFIA', 'editor', 'x', 'now', 'now')");
    g_assert_cmpint(PQresultStatus(dup), ==, PGRES_FATAL_ERROR);
    PQclear(dup);

    /* the library runs on it: what was copied is found there, by the same words (the
     * index made by the copy), and what arrives goes there, with its event */
    const char *queries[] = {"\"port of gdansk\"", "lukasz", "gdansk -container", "ship*",
                             "\"ships in\" OR slashes"};
    for (guint i = 0; i < G_N_ELEMENTS(queries); i++) {
        Run lite = RUN("search", queries[i], "--json");
        Run pgs = RUN("--catalog", url, "search", queries[i], "--json");
        if (pgs.status != 0)
            g_error("search on PostgreSQL: %s", pgs.err);
        g_assert_cmpstr(pgs.out, ==, lite.out);
        if (i == 0)
            g_assert_nonnull(strstr(pgs.out, "\"id\": 1"));
        run_clear(&lite);
        run_clear(&pgs);
    }
    g_autofree char *x3 = wire_xmp("A third photo, for PostgreSQL only.", "AFP", "AFP303",
                                   "2025-04-02T09:00:00+02:00");
    g_autofree char *c3 = make_photo("third.jpg", 320, 240, 13, x3, 0);
    Run in3 = RUN("--catalog", url, "ingest", c3);
    if (in3.status != 0)
        g_error("ingest on PostgreSQL: %s", in3.err);
    run_clear(&in3);
    g_autofree char *third = pg_value(pg, "SELECT id FROM photos WHERE caption LIKE 'A third%'");
    g_assert_cmpstr(third, ==, "3");
    g_autofree char *event = pg_value(pg, "SELECT count(*) FROM events WHERE kind = 'photo'"
                                          " AND photo_id = 3");
    g_assert_cmpstr(event, ==, "1");
    Run only = RUN("search", "third");
    g_assert_cmpint(only.status, ==, 0);
    g_assert_null(strstr(only.out, "third")); /* the library's own catalog.db: not there */
    run_clear(&only);
    g_setenv("PHOTODESK_CATALOG", url, TRUE);
    Run show = RUN("show", "3");
    g_unsetenv("PHOTODESK_CATALOG");
    g_assert_cmpint(show.status, ==, 0);
    g_assert_nonnull(strstr(show.out, "A third photo"));
    run_clear(&show);

    /* a second copy into it: refused, and the database left as it was */
    Run again = RUN("catalog", "copy", "--to", url);
    g_assert_cmpint(again.status, ==, 1);
    g_assert_nonnull(strstr(again.err, "already holds a catalog"));
    run_clear(&again);
    g_autofree char *photos = pg_value(pg, "SELECT count(*) FROM photos");
    g_assert_cmpstr(photos, ==, "3");
    PQfinish(pg);

    /* a database that is not there */
    g_autofree char *nowhere = g_strdup_printf("postgresql:///postgres?host=%s/none&user=photodesk"
                                               "&connect_timeout=5",
                                               scratch);
    Run none = RUN("catalog", "copy", "--to", nowhere);
    g_assert_cmpint(none.status, ==, 1);
    g_assert_nonnull(strstr(none.err, "PostgreSQL: connecting"));
    run_clear(&none);
    /* a catalog that cannot be reached is named, its password never */
    g_autofree char *secret =
        g_strdup_printf("postgresql://photodesk:s3cret-pw@/postgres?host=%s/none"
                        "&connect_timeout=5",
                        scratch);
    Run lost = RUN("--catalog", secret, "search", "port");
    g_assert_cmpint(lost.status, ==, 1);
    g_assert_nonnull(strstr(lost.err, "photodesk:***@"));
    g_assert_null(strstr(lost.err, "s3cret-pw"));
    run_clear(&lost);

    g_free(cluster("stop", &skip));
    cluster_dir = NULL;
    teardown();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    g_test_add_func("/cli/catalog/copy-to-postgresql", test_copy);
    return g_test_run();
}
