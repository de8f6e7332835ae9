/* test-groups.c: one picture, many agencies. The decision whether two agencies' photos
 * are the same photograph, on a table of cases over generated pictures (several seeds
 * each): the same frame encoded again, resized, cropped a little, its colours converted,
 * with and without its time; and what must never be grouped: frames of a burst, the same
 * scene by another photographer, another picture the same day. Then arrival in every
 * order, a kill and a re-send of one copy, the desk's preferred agency, and the collapse
 * in `photodesk search`. */
#include "e2e.h"

#include <string.h>
#include <vips/vips.h>

#define SEEDS 3

typedef enum {
    SAME,    /* the original, as another agency sent it */
    QUALITY, /* encoded again at Q 70 */
    RESIZE_2048,
    RESIZE_1024,
    CROP_3,        /* 3% off every side */
    CROP_CORNER,   /* 2% off one corner: the frame moved */
    COLOUR,        /* another colour space's numbers: channels scaled, a tone curve */
    DAY_ONLY,      /* the same frame, its date without the time */
    NO_DATE,       /* the same frame, no date at all */
    BURST,         /* the next frame of a burst, 0.3 s later: never grouped */
    BURST_SECOND,  /* the next frame, both times to the second only, 1 s later */
    PHOTOGRAPHER,  /* the same scene from another place, the same second: never grouped */
    OTHER_PICTURE, /* another picture, the same day: never grouped */
} Case;

static const struct {
    Case c;
    const char *what;
    gboolean grouped; /* expected */
} cases[] = {
    {SAME, "the same frame, another agency", TRUE},
    {QUALITY, "encoded again, Q 70", TRUE},
    {RESIZE_2048, "resized by 0.76 (as 2700 px to 2048)", TRUE},
    {RESIZE_1024, "resized to 1024 px", TRUE},
    {CROP_3, "cropped 3% on every side", TRUE},
    {CROP_CORNER, "cropped 2% at one corner", TRUE},
    {COLOUR, "colours converted (channels scaled, gamma 0.9)", TRUE},
    {DAY_ONLY, "its date without the time", TRUE},
    {NO_DATE, "no date at all", TRUE},
    {BURST, "the next frame of a burst, 0.3 s later", FALSE},
    {BURST_SECOND, "the next frame, 1 s later (times to the second)", FALSE},
    {PHOTOGRAPHER, "the same scene by another photographer, same second", FALSE},
    {OTHER_PICTURE, "another picture the same day", FALSE},
};

static const char ap[] = "President Elena Marchetti arrives for a summit in Lisbon, Portugal, "
                         "Friday, May 9, 2025. (Tomas Ferreira, Lusa, Pool Photo via AP)";
static const char reuters[] = "Veltria's President Elena Marchetti arrives for a summit in "
                              "Lisbon, Portugal, May 9, 2025. Tomas Ferreira/Pool via REUTERS";

static VipsImage *
crop(VipsImage *in, double left, double top, double right, double bottom)
{
    int w = vips_image_get_width(in), h = vips_image_get_height(in);
    int x = (int)(w * left), y = (int)(h * top);
    VipsImage *out = NULL;
    g_assert_cmpint(
        vips_crop(in, &out, x, y, w - x - (int)(w * right), h - y - (int)(h * bottom), NULL), ==,
        0);
    return out;
}

static VipsImage *
resize_to(VipsImage *in, int width)
{
    VipsImage *out = NULL;
    g_assert_cmpint(vips_resize(in, &out, (double)width / vips_image_get_width(in), NULL), ==, 0);
    return out;
}

/* The variant of @base the case makes (a new reference). */
static VipsImage *
variant(Case c, VipsImage *base, int seed)
{
    VipsImage *out = NULL;
    switch (c) {
    case RESIZE_2048:
        return resize_to(base, 2048 * 2 / 3);
    case RESIZE_1024:
        return resize_to(base, 1024);
    case CROP_3:
        return crop(base, 0.03, 0.03, 0.03, 0.03);
    case CROP_CORNER:
        return crop(base, 0.02, 0.02, 0, 0);
    case COLOUR: {
        double a[] = {0.94, 1.0, 1.05}, b[] = {4, 0, -3};
        VipsImage *lin = NULL, *g = NULL;
        g_assert_cmpint(vips_linear(base, &lin, a, b, 3, NULL), ==, 0);
        g_assert_cmpint(vips_gamma(lin, &g, "exponent", 0.9, NULL), ==, 0);
        g_assert_cmpint(vips_cast_uchar(g, &out, NULL), ==, 0);
        g_object_unref(lin);
        g_object_unref(g);
        return out;
    }
    case BURST:
    case BURST_SECOND:
        /* the subject moved a little: the frame 0.5% to the side */
        return crop(base, 0.005, 0, 0, 0.005);
    case PHOTOGRAPHER: {
        /* another place in the room: another part of the scene, nearer */
        VipsImage *part = crop(base, 0.18, 0.1, 0, 0.05);
        out = resize_to(part, vips_image_get_width(base));
        g_object_unref(part);
        return out;
    }
    case OTHER_PICTURE:
        return make_scene(1000 + seed, vips_image_get_width(base), vips_image_get_height(base));
    default:
        g_assert_cmpint(vips_copy(base, &out, NULL), ==, 0);
        return out;
    }
}

static gint64
group_of(gint64 id)
{
    g_autofree char *sql = g_strdup_printf(
        "SELECT coalesce(group_id, 0) FROM photos WHERE id = %" G_GINT64_FORMAT, id);
    g_autofree char *g = catalog_value(sql);
    g_assert_nonnull(g);
    return g_ascii_strtoll(g, NULL, 10);
}

/* Ingests @files (in that order); their ids. */
static GArray *
ingest(const char *const *files)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (int i = 0; files[i]; i++) {
        Run r = RUN("ingest", "--json", files[i]);
        g_assert_cmpint(r.status, ==, 0);
        g_autoptr(GHashTable) h = results(r.out);
        g_autofree char *base = g_path_get_basename(files[i]);
        g_assert_cmpstr(status_of(h, base), ==, "added");
        gint64 id = id_of(h, base);
        g_array_append_val(ids, id);
        run_clear(&r);
    }
    return ids;
}

static void
fresh_library(void)
{
    static int n = 0;
    g_free(library);
    library = g_strdup_printf("%s/library-%d", workdir, ++n);
    fresh_catalog();
}

static void
test_cases(void)
{
    guint missed = 0, false_groups = 0, should = 0, should_not = 0;
    GString *table = g_string_new("\n| case | expected | grouped |\n|---|---|---|\n");
    for (gsize k = 0; k < G_N_ELEMENTS(cases); k++) {
        guint grouped = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            fresh_library();
            VipsImage *base = make_scene(seed * 17, 1800, 1200);
            const char *t0 = "2025-05-09T10:14:33.25+01:00";
            const char *t1 = cases[k].c == BURST           ? "2025-05-09T10:14:33.55+01:00"
                             : cases[k].c == BURST_SECOND  ? "2025-05-09T10:14:34+01:00"
                             : cases[k].c == DAY_ONLY      ? "2025-05-09"
                             : cases[k].c == NO_DATE       ? NULL
                             : cases[k].c == OTHER_PICTURE ? "2025-05-09T16:02:10+01:00"
                                                           : "2025-05-09T10:14:33+01:00";
            if (cases[k].c == BURST_SECOND)
                t0 = "2025-05-09T10:14:33+01:00";
            g_autofree char *x0 = wire_xmp(ap, "Lusa", "LIS801", t0);
            g_autofree char *x1 = wire_xmp(reuters, "POOL", "RC2X9", t1);
            g_autofree char *n0 = g_strdup_printf("ap-%zu-%d.jpg", k, seed);
            g_autofree char *n1 = g_strdup_printf("reuters-%zu-%d.jpg", k, seed);
            g_autofree char *p0 = save_scene(base, n0, x0, 85);
            VipsImage *v = variant(cases[k].c, base, seed);
            g_autofree char *p1 = save_scene(v, n1, x1, cases[k].c == QUALITY ? 70 : 90);
            g_object_unref(v);
            g_object_unref(base);
            g_autoptr(GArray) ids = ingest((const char *const[]){p0, p1, NULL});
            gint64 a = group_of(g_array_index(ids, gint64, 0));
            gint64 b = group_of(g_array_index(ids, gint64, 1));
            gboolean together = a != 0 && a == b;
            grouped += together;
            if (cases[k].grouped) {
                should++;
                missed += !together;
            } else {
                should_not++;
                false_groups += together;
            }
        }
        g_string_append_printf(table, "| %s | %s | %u of %d |\n", cases[k].what,
                               cases[k].grouped ? "grouped" : "apart", grouped, SEEDS);
    }
    g_string_append_printf(table, "\nmissed groups %u of %u, false groups %u of %u\n", missed,
                           should, false_groups, should_not);
    g_test_message("%s", table->str);
    if (g_getenv("PHOTODESK_GROUPS_TABLE"))
        g_file_set_contents(g_getenv("PHOTODESK_GROUPS_TABLE"), table->str, -1, NULL);
    g_string_free(table, TRUE);
    /* a burst at one-second precision cannot be told from one frame twice: the only
     * case allowed to go wrong, and it is counted above */
    g_assert_cmpuint(false_groups, <=, SEEDS);
    g_assert_cmpuint(missed, ==, 0);
}

/* Three agencies' copies arriving in every order make one group; a kill of one marks
 * that copy only; a re-send of one stays in the group; the desk's agency is shown. */
static void
test_orders_kill_and_preference(void)
{
    VipsImage *base = make_scene(77, 1500, 1000);
    const char *captions[] = {ap, reuters,
                              "Veltria's President Elena Marchetti arrives for a summit in "
                              "Lisbon on May 9, 2025. (Photo by Tomas FERREIRA / POOL / AFP)"};
    const char *sources[] = {"Lusa", "POOL", "POOL"}, *refs[] = {"LIS801", "RC2X9", "AFP_37KX"};
    char *paths[3] = {NULL};
    for (int i = 0; i < 3; i++) {
        g_autofree char *x =
            wire_xmp(captions[i], sources[i], refs[i], "2025-05-09T10:14:33+01:00");
        g_autofree char *name = g_strdup_printf("copy-%d.jpg", i);
        VipsImage *v = i == 1   ? resize_to(base, 1200)
                       : i == 2 ? crop(base, 0.02, 0.02, 0.02, 0.02)
                                : NULL;
        paths[i] = save_scene(v ? v : base, name, x, 80 + i * 5);
        if (v)
            g_object_unref(v);
    }
    g_object_unref(base);
    const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
        fresh_library();
        g_autoptr(GArray) ids = ingest((const char *const[]){
            paths[orders[o][0]], paths[orders[o][1]], paths[orders[o][2]], NULL});
        gint64 g = group_of(g_array_index(ids, gint64, 0));
        g_assert_cmpint(g, !=, 0);
        for (int i = 1; i < 3; i++)
            g_assert_cmpint(group_of(g_array_index(ids, gint64, i)), ==, g);
    }

    /* in the last library: AFP first, then Reuters, then AP. One line in search, with
     * the three agencies; every copy with --all-copies */
    Run r = RUN("search");
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "\xc2\xb7"));
    g_assert_nonnull(strstr(r.out, "AFP"));
    g_assert_nonnull(strstr(r.out, "(2 of them are other agencies' copies"));
    run_clear(&r);
    r = RUN("search", "--all-copies", "--json");
    g_autoptr(JsonParser) jp = json_parser_new();
    g_assert_true(json_parser_load_from_data(jp, r.out, -1, NULL));
    JsonArray *all =
        json_object_get_array_member(json_node_get_object(json_parser_get_root(jp)), "results");
    g_assert_cmpuint(json_array_get_length(all), ==, 3);
    run_clear(&r);

    /* the desk subscribes to Reuters, then AP: the card is Reuters' copy */
    r = RUN("agencies", "Reuters", "AP");
    g_assert_cmpint(r.status, ==, 0);
    run_clear(&r);
    r = RUN("search", "--json");
    g_autoptr(JsonParser) jp2 = json_parser_new();
    g_assert_true(json_parser_load_from_data(jp2, r.out, -1, NULL));
    JsonArray *one =
        json_object_get_array_member(json_node_get_object(json_parser_get_root(jp2)), "results");
    g_assert_cmpuint(json_array_get_length(one), ==, 1);
    JsonObject *card = json_array_get_object_element(one, 0);
    g_assert_cmpstr(json_object_get_string_member(card, "distributor"), ==, "Reuters");
    g_assert_cmpint(json_object_get_int_member(card, "group_size"), ==, 3);
    g_assert_true(json_object_get_boolean_member(card, "desk_agency"));
    gint64 reuters_id = json_object_get_int_member(card, "id");
    run_clear(&r);

    /* Reuters kills its copy (a re-send, same reference): AP's is shown; the group stays */
    g_autofree char *x_resent = wire_xmp(reuters, "POOL", "RC2X9", "2025-05-09T10:14:33+01:00");
    g_auto(GStrv) halves = g_strsplit(x_resent, " photoshop:Source=", 2);
    g_autofree char *xk = g_strjoin(
        " photoshop:Instructions=\"MANDATORY KILL\" photoshop:Source=", halves[0], halves[1], NULL);
    VipsImage *again = make_scene(77, 1500, 1000);
    VipsImage *small = resize_to(again, 1200);
    g_autofree char *pk = save_scene(small, "copy-1-kill.jpg", xk, 85);
    g_object_unref(small);
    g_object_unref(again);
    r = RUN("ingest", "--json", pk);
    g_autoptr(GHashTable) h = results(r.out);
    g_assert_cmpstr(status_of(h, "copy-1-kill.jpg"), ==, "updated");
    g_assert_cmpint(id_of(h, "copy-1-kill.jpg"), ==, reuters_id);
    run_clear(&r);
    g_assert_cmpint(group_of(reuters_id), !=, 0);
    r = RUN("search", "--json");
    g_autoptr(JsonParser) jp3 = json_parser_new();
    g_assert_true(json_parser_load_from_data(jp3, r.out, -1, NULL));
    JsonObject *now = json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(json_parser_get_root(jp3)), "results"),
        0);
    g_assert_cmpstr(json_object_get_string_member(now, "distributor"), ==, "AP");
    g_assert_false(json_object_get_boolean_member(now, "kill"));
    run_clear(&r);

    /* the killed copy's page lists the others, not killed */
    g_autofree char *id_text = g_strdup_printf("%" G_GINT64_FORMAT, reuters_id);
    r = RUN("show", "--json", id_text);
    g_autoptr(JsonParser) jp4 = json_parser_new();
    g_assert_true(json_parser_load_from_data(jp4, r.out, -1, NULL));
    JsonObject *shown = json_node_get_object(json_parser_get_root(jp4));
    JsonArray *same = json_object_get_array_member(shown, "same_picture");
    g_assert_cmpuint(json_array_get_length(same), ==, 2);
    for (guint i = 0; i < 2; i++) {
        JsonObject *c = json_array_get_object_element(same, i);
        g_assert_cmpint(json_object_get_int_member(c, "id"), !=, reuters_id);
        g_assert_false(json_object_get_boolean_member(c, "kill"));
    }
    run_clear(&r);
    for (int i = 0; i < 3; i++)
        g_free(paths[i]);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (VIPS_INIT(argv[0]))
        return 1;
    setup();
    g_test_add_func("/groups/cases", test_cases);
    g_test_add_func("/groups/orders-kill-and-preference", test_orders_kill_and_preference);
    int status = g_test_run();
    teardown();
    return status;
}
