/* test-cli-ingest.c: photodesk ingest, show and fsck end to end, on photos made here:
 * orientations 1-8, a CMYK JPEG with an ICC profile, duplicates, re-transmissions,
 * bursts, every kind of bad input, --move, and fsck finding and repairing damage. */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <utime.h>
#include <vips/vips.h>

#include "e2e.h"

static JsonObject *
show(gint64 id)
{
    g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, id);
    Run r = RUN("show", "--json", sid);
    g_assert_cmpint(r.status, ==, 0);
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, r.out, -1, NULL));
    JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(p)));
    run_clear(&r);
    return o;
}

static JsonObject *
rendition(JsonObject *photo, const char *name)
{
    JsonArray *a = json_object_get_array_member(photo, "renditions");
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *r = json_array_get_object_element(a, i);
        if (strcmp(json_object_get_string_member(r, "name"), name) == 0)
            return r;
    }
    g_assert_not_reached();
}

static char *
xmp_caption(const char *caption, const char *transmission_reference)
{
    return g_strdup_printf(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" photoshop:Source=\"AP\" %s%s%s>"
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt>"
        "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>",
        transmission_reference ? "photoshop:TransmissionReference=\"" : "",
        transmission_reference ? transmission_reference : "", transmission_reference ? "\"" : "",
        caption);
}

static void
test_orientations_and_cmyk(void)
{
    setup();
    for (int o = 1; o <= 8; o++) {
        g_autofree char *name = g_strdup_printf("orient-%d.jpg", o);
        g_free(make_photo(name, 600, 400, o, NULL, o));
    }
    /* CMYK with an ICC profile */
    {
        VipsImage *rgb = NULL, *tagged = NULL, *cmyk = NULL;
        g_assert_cmpint(vips_black(&rgb, 300, 200, "bands", 3, NULL), ==, 0);
        g_assert_cmpint(vips_copy(rgb, &tagged, "interpretation", VIPS_INTERPRETATION_sRGB, NULL),
                        ==, 0);
        g_assert_cmpint(vips_icc_export(tagged, &cmyk, "output_profile", "cmyk", NULL), ==, 0);
        g_autofree char *path = g_build_filename(workdir, "cmyk.jpg", NULL);
        g_assert_cmpint(vips_jpegsave(cmyk, path, NULL), ==, 0);
        g_object_unref(rgb);
        g_object_unref(tagged);
        g_object_unref(cmyk);
    }
    Run r = RUN("ingest", "--json", ".");
    g_assert_cmpint(r.status, ==, 0);
    g_autoptr(GHashTable) h = results(r.out);
    g_assert_cmpuint(g_hash_table_size(h), ==, 9);
    for (int o = 1; o <= 8; o++) {
        g_autofree char *name = g_strdup_printf("orient-%d.jpg", o);
        g_assert_cmpstr(status_of(h, name), ==, "added");
        g_autoptr(JsonObject) photo = show(id_of(h, name));
        g_assert_cmpint(json_object_get_int_member(photo, "orientation"), ==, o);
        JsonObject *web = rendition(photo, "web");
        gint64 w = json_object_get_int_member(web, "width");
        gint64 hh = json_object_get_int_member(web, "height");
        g_assert_cmpint(w, ==, o >= 5 ? 400 : 600);
        g_assert_cmpint(hh, ==, o >= 5 ? 600 : 400);
        g_assert_true(
            g_file_test(json_object_get_string_member(web, "path"), G_FILE_TEST_IS_REGULAR));
    }
    g_assert_cmpstr(status_of(h, "cmyk.jpg"), ==, "added");
    g_autoptr(JsonObject) cmyk = show(id_of(h, "cmyk.jpg"));
    VipsImage *web = vips_image_new_from_file(
        json_object_get_string_member(rendition(cmyk, "web"), "path"), NULL);
    g_assert_cmpint(vips_image_get_bands(web), ==, 3);
    g_object_unref(web);
    run_clear(&r);

    /* the same files again: duplicates, same ids, nothing new stored */
    g_autofree char *store_dir = g_build_filename(library, "originals", NULL);
    g_autofree char *rend_dir = g_build_filename(library, "renditions", NULL);
    guint files_before = count_files(store_dir) + count_files(rend_dir);
    Run again = RUN("ingest", "--json", ".");
    g_assert_cmpint(again.status, ==, 0);
    g_autoptr(GHashTable) h2 = results(again.out);
    g_assert_cmpstr(status_of(h2, "orient-3.jpg"), ==, "duplicate");
    g_assert_cmpint(id_of(h2, "orient-3.jpg"), ==, id_of(h, "orient-3.jpg"));
    g_assert_cmpuint(count_files(store_dir) + count_files(rend_dir), ==, files_before);
    run_clear(&again);

    Run f = RUN("fsck");
    g_assert_cmpint(f.status, ==, 0);
    g_assert_nonnull(strstr(f.out, "no problems"));
    run_clear(&f);
    teardown();
}

static void
test_retransmission_and_burst(void)
{
    setup();
    g_autofree char *x1 = xmp_caption("Putin attends a service, Sunday, April 15, 2023.", NULL);
    g_autofree char *x2 = xmp_caption("Putin attends a service, Saturday, April 15, 2023.", NULL);
    g_free(make_photo("first.jpg", 640, 480, 7, x1, 0));
    Run r1 = RUN("ingest", "--json", "first.jpg");
    g_assert_cmpint(r1.status, ==, 0);
    g_autoptr(GHashTable) h1 = results(r1.out);
    gint64 id = id_of(h1, "first.jpg");
    run_clear(&r1);

    /* the same picture (same image data) with a corrected caption */
    g_free(make_photo("corrected.jpg", 640, 480, 7, x2, 0));
    Run r2 = RUN("ingest", "--json", "corrected.jpg");
    g_autoptr(GHashTable) h2 = results(r2.out);
    g_assert_cmpstr(status_of(h2, "corrected.jpg"), ==, "updated");
    g_assert_cmpint(id_of(h2, "corrected.jpg"), ==, id);
    run_clear(&r2);
    g_autoptr(JsonObject) photo = show(id);
    g_assert_cmpint(json_object_get_int_member(photo, "version"), ==, 2);
    g_assert_nonnull(strstr(json_object_get_string_member(photo, "caption"), "Saturday"));
    JsonArray *versions = json_object_get_array_member(photo, "versions");
    g_assert_cmpuint(json_array_get_length(versions), ==, 2);
    JsonObject *v2 = json_array_get_object_element(versions, 1);
    JsonObject *change =
        json_array_get_object_element(json_object_get_array_member(v2, "changes"), 0);
    g_assert_cmpstr(json_object_get_string_member(change, "field"), ==, "caption");
    g_assert_nonnull(strstr(json_object_get_string_member(change, "from"), "Sunday"));

    /* a burst: other frames with the same caption are other photos, never merged */
    g_free(make_photo("burst-1.jpg", 640, 480, 11, x2, 0));
    g_free(make_photo("burst-2.jpg", 640, 480, 12, x2, 0));
    Run r3 = RUN("ingest", "--json", "burst-1.jpg", "burst-2.jpg");
    g_autoptr(GHashTable) h3 = results(r3.out);
    g_assert_cmpstr(status_of(h3, "burst-1.jpg"), ==, "added");
    g_assert_cmpstr(status_of(h3, "burst-2.jpg"), ==, "added");
    g_assert_cmpint(id_of(h3, "burst-1.jpg"), !=, id_of(h3, "burst-2.jpg"));
    run_clear(&r3);

    teardown();
}

/* Ingests @path alone; its --json line. */
static JsonObject *
ingest_one(const char *path)
{
    Run r = RUN("ingest", "--json", path);
    g_assert_cmpint(r.status, ==, 0);
    g_autoptr(GHashTable) h = results(r.out);
    g_autofree char *name = g_path_get_basename(path);
    JsonObject *o = json_object_ref(g_hash_table_lookup(h, name));
    run_clear(&r);
    return o;
}

/* Re-sends: the same source and transmission reference make one photo only when the
 * picture is the same photograph (re-encoded, recropped, toned) and not another frame. */
static void
test_resend_table(void)
{
    setup();
    const char *taken = "2023-04-15T23:41:07.10+03:00";
    g_autoptr(VipsImage) scene = make_scene(1, 1200, 800);
    g_autofree char *x1 = wire_xmp("Putin attends an Easter service in Moscow, Saturday, April "
                                   "15, 2023. (AP Photo/Alexander Zemlianichenko)",
                                   "AP", "XAZ104", taken);
    g_autofree char *first_path = save_scene(scene, "first.jpg", x1, 85);
    g_autoptr(JsonObject) first = ingest_one(first_path);
    g_assert_cmpstr(json_object_get_string_member(first, "status"), ==, "added");
    gint64 id = json_object_get_int_member(first, "id");
    g_autoptr(JsonObject) before = show(id);
    g_autofree char *first_picture = g_strdup(json_object_get_string_member(before, "picture"));

    /* each row: what arrives, and what it must become */
    VipsImage *recropped = NULL, *toned = NULL, *shifted = NULL, *next = NULL;
    g_assert_cmpint(vips_extract_area(scene, &recropped, 36, 24, 1128, 752, NULL), ==, 0);
    double a[1] = {1.0}, b[1] = {20.0};
    VipsImage *lin = NULL;
    g_assert_cmpint(vips_linear(scene, &lin, a, b, 1, NULL), ==, 0);
    g_assert_cmpint(vips_cast_uchar(lin, &toned, NULL), ==, 0);
    g_object_unref(lin);
    g_assert_cmpint(vips_extract_area(scene, &shifted, 6, 0, 1194, 800, NULL), ==, 0);
    g_assert_cmpint(vips_extract_area(scene, &next, 12, 4, 1188, 796, NULL), ==, 0);
    g_autoptr(VipsImage) other = make_scene(2, 1200, 800);
    g_autoptr(VipsImage) portrait = make_scene(3, 800, 1200);
    g_autoptr(VipsImage) another = make_scene(4, 1200, 800);
    g_autofree char *x2 = wire_xmp("CORRECTS DAY: Putin attends an Easter service in Moscow, "
                                   "Sunday, April 16, 2023. (AP Photo/Alexander Zemlianichenko)",
                                   "AP", "XAZ104", taken);
    g_autofree char *x_burst = wire_xmp("Putin at the Easter service. (AP Photo/Alexander "
                                        "Zemlianichenko)",
                                        "AP", "XAZ104", "2023-04-15T23:41:07.30+03:00");
    g_autofree char *x_later = wire_xmp("Putin at the Easter service. (AP Photo/Alexander "
                                        "Zemlianichenko)",
                                        "AP", "XAZ104", "2023-04-15T23:42:31+03:00");
    g_autofree char *x_other_day = wire_xmp("Firefighters battle a blaze in Valdemoro, Spain. (AP "
                                            "Photo/Lucia Romero)",
                                            "AP", "XAZ104", "2023-05-02T14:00:00+02:00");
    g_autofree char *x_reuters =
        wire_xmp("Putin attends a service. REUTERS/Maxim Shemetov", "Reuters", "XAZ104", taken);
    struct {
        const char *name;
        VipsImage *picture;
        const char *xmp;
        int quality;
        const char *status;
        gboolean same_photo, picture_changed;
    } rows[] = {
        /* the same image data (the scan as it was) with a corrected caption */
        {"corrected.jpg", scene, x2, 85, "updated", TRUE, FALSE},
        {"encoded-again.jpg", scene, x2, 60, "updated", TRUE, TRUE},
        {"recropped.jpg", recropped, x2, 85, "updated", TRUE, TRUE},
        {"toned.jpg", toned, x2, 85, "updated", TRUE, TRUE},
        /* a frame of the same burst: alike to the hash, taken 0.2 s later */
        {"burst.jpg", shifted, x_burst, 85, "added", FALSE, FALSE},
        /* the next frame, 84 s later */
        {"later.jpg", next, x_later, 85, "added", FALSE, FALSE},
        /* the reference reused for another photograph on another day */
        {"other-day.jpg", other, x_other_day, 85, "added", FALSE, FALSE},
        /* another photograph the same day, with the same reference */
        {"other.jpg", another, x2, 85, "added", FALSE, FALSE},
        {"portrait.jpg", portrait, x2, 85, "added", FALSE, FALSE},
        /* the same reference from another source */
        {"reuters.jpg", recropped, x_reuters, 70, "added", FALSE, FALSE},
    };
    int version = 1;
    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_autofree char *path =
            save_scene(rows[i].picture, rows[i].name, rows[i].xmp, rows[i].quality);
        g_autoptr(JsonObject) r = ingest_one(path);
        g_test_message("%s: %s %s", rows[i].name, json_object_get_string_member(r, "status"),
                       json_object_get_string_member(r, "warning"));
        g_assert_cmpstr(json_object_get_string_member(r, "status"), ==, rows[i].status);
        gint64 got = json_object_get_int_member(r, "id");
        if (rows[i].same_photo) {
            g_assert_cmpint(got, ==, id);
            version++;
            g_assert_cmpint(json_object_get_boolean_member(r, "picture_changed"), ==,
                            rows[i].picture_changed);
        } else {
            g_assert_cmpint(got, !=, id);
            if (strcmp(rows[i].name, "reuters.jpg") != 0) {
                /* the photo whose reference it shares is named */
                const char *warning = json_object_get_string_member(r, "warning");
                g_assert_nonnull(warning);
                g_autofree char *named = g_strdup_printf("photo %" G_GINT64_FORMAT, id);
                g_assert_nonnull(strstr(warning, named));
                g_autoptr(JsonObject) added = show(got);
                JsonArray *warnings = json_object_get_array_member(added, "warnings");
                gboolean kept = FALSE;
                for (guint k = 0; k < json_array_get_length(warnings); k++)
                    kept |= strcmp(json_array_get_string_element(warnings, k), warning) == 0;
                g_assert_true(kept);
            }
        }
    }
    g_object_unref(recropped);
    g_object_unref(toned);
    g_object_unref(shifted);
    g_object_unref(next);

    /* the photo: every version, each with the picture it showed; the old pictures kept */
    g_autoptr(JsonObject) photo = show(id);
    g_assert_cmpint(json_object_get_int_member(photo, "version"), ==, version);
    JsonArray *versions = json_object_get_array_member(photo, "versions");
    g_assert_cmpuint(json_array_get_length(versions), ==, (guint)version);
    JsonObject *v2 = json_array_get_object_element(versions, 1);
    g_assert_false(json_object_get_boolean_member(v2, "picture_changed"));
    g_assert_cmpstr(json_object_get_string_member(v2, "picture"), ==, first_picture);
    JsonObject *v3 = json_array_get_object_element(versions, 2);
    g_assert_true(json_object_get_boolean_member(v3, "picture_changed"));
    g_assert_cmpstr(json_object_get_string_member(v3, "picture"), !=, first_picture);
    g_autofree char *old_thumb = g_strdup_printf("%s/renditions/thumb/%.2s/%.2s/%s.jpg", library,
                                                 first_picture, first_picture + 2, first_picture);
    g_assert_true(g_file_test(old_thumb, G_FILE_TEST_IS_REGULAR));
    /* the recrop's picture, shown by version 4, stays too; the photo shows the last */
    const char *recrop_picture =
        json_object_get_string_member(json_array_get_object_element(versions, 3), "picture");
    g_autofree char *recrop_web =
        g_strdup_printf("%s/renditions/web/%.2s/%.2s/%s.jpg", library, recrop_picture,
                        recrop_picture + 2, recrop_picture);
    g_autoptr(VipsImage) web = vips_image_new_from_file(recrop_web, NULL);
    g_assert_nonnull(web);
    g_assert_cmpint(vips_image_get_width(web), ==, 1128);
    g_assert_cmpint(json_object_get_int_member(rendition(photo, "web"), "width"), ==, 1200);
    /* search shows the picture it has now */
    Run found = RUN("search", "--json", "putin");
    g_autoptr(JsonParser) fp = json_parser_new();
    g_assert_true(json_parser_load_from_data(fp, found.out, -1, NULL));
    JsonArray *hits =
        json_object_get_array_member(json_node_get_object(json_parser_get_root(fp)), "results");
    gboolean seen = FALSE;
    for (guint i = 0; i < json_array_get_length(hits); i++) {
        JsonObject *hit = json_array_get_object_element(hits, i);
        if (json_object_get_int_member(hit, "id") != id)
            continue;
        seen = TRUE;
        g_assert_cmpstr(json_object_get_string_member(hit, "thumb"), ==,
                        json_object_get_string_member(photo, "picture"));
    }
    g_assert_true(seen);
    run_clear(&found);
    /* nothing stray: every picture's renditions belong to the catalog */
    Run f = RUN("fsck", "--grace", "0");
    g_assert_cmpint(f.status, ==, 0);
    g_assert_nonnull(strstr(f.out, "no problems"));
    run_clear(&f);
    teardown();
}

static void
test_bad_input(void)
{
    setup();
    g_free(make_photo("good.jpg", 320, 240, 3, NULL, 0));
    g_autofree char *big = make_photo("big.jpg", 1000, 1000, 4, NULL, 0);
    g_autofree char *empty = g_build_filename(workdir, "empty.jpg", NULL);
    g_autofree char *text = g_build_filename(workdir, "notes.jpg", NULL);
    g_autofree char *cut = g_build_filename(workdir, "cut.jpg", NULL);
    g_autofree char *fifo = g_build_filename(workdir, "fifo.jpg", NULL);
    g_autofree char *dangling = g_build_filename(workdir, "gone.jpg", NULL);
    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    g_assert_true(g_file_set_contents(text, "Caption: not a photo\n", -1, NULL));
    {
        g_autofree char *data = NULL;
        gsize n = 0;
        g_assert_true(g_file_get_contents(big, &data, &n, NULL));
        g_assert_true(g_file_set_contents(cut, data, (gssize)(n / 2), NULL));
    }
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    g_assert_cmpint(symlink("/nonexistent/photo.jpg", dangling), ==, 0);
    /* a small JPEG whose header claims 12000 x 12000 */
    g_autofree char *small = make_photo("small.jpg", 200, 100, 5, NULL, 0);
    {
        g_autofree char *data = NULL;
        gsize n = 0;
        g_assert_true(g_file_get_contents(small, &data, &n, NULL));
        for (gsize i = 2; i + 9 < n; i++) {
            if ((guint8)data[i] == 0xFF && (guint8)data[i + 1] == 0xC0) {
                data[i + 5] = data[i + 7] = (char)(12000 >> 8);
                data[i + 6] = data[i + 8] = (char)(12000 & 0xFF);
                break;
            }
        }
        g_autofree char *liar = g_build_filename(workdir, "liar.jpg", NULL);
        g_assert_true(g_file_set_contents(liar, data, (gssize)n, NULL));
        g_unlink(small);
    }

    Run r = RUN("ingest", "--json", "--max-megapixels", "0.5", "empty.jpg", "notes.jpg", "good.jpg",
                "cut.jpg", "big.jpg", "fifo.jpg", "gone.jpg", "liar.jpg");
    g_assert_cmpint(r.status, ==, 1);
    g_autoptr(GHashTable) h = results(r.out);
    g_assert_cmpstr(status_of(h, "good.jpg"), ==, "added");
    const char *bad[] = {"empty.jpg", "notes.jpg", "cut.jpg", "big.jpg",
                         "fifo.jpg",  "gone.jpg",  "liar.jpg"};
    const char *why[] = {
        "empty", "text", "", "megapixels", "regular", "No such file", "cannot hold 12000 x 12000"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_cmpstr(status_of(h, bad[i]), ==, "rejected");
        JsonObject *o = g_hash_table_lookup(h, bad[i]);
        g_assert_nonnull(strstr(json_object_get_string_member(o, "error"), why[i]));
        g_assert_true(json_object_get_null_member(o, "id"));
    }
    run_clear(&r);
    /* nothing of the rejected files is in the library: one original, three renditions */
    g_autofree char *originals = g_build_filename(library, "originals", NULL);
    g_autofree char *renditions = g_build_filename(library, "renditions", NULL);
    g_autofree char *tmp = g_build_filename(library, "tmp", NULL);
    g_assert_cmpuint(count_files(originals), ==, 1);
    g_assert_cmpuint(count_files(renditions), ==, 3);
    g_assert_cmpuint(count_files(tmp), ==, 0);

    /* show and fsck with bad arguments */
    Run s = RUN("show", "99");
    g_assert_cmpint(s.status, ==, 1);
    g_assert_nonnull(strstr(s.err, "no photo 99"));
    run_clear(&s);
    Run u = RUN("show", "abc");
    g_assert_cmpint(u.status, ==, 2);
    run_clear(&u);
    teardown();
}

static void
test_move_and_repair(void)
{
    setup();
    g_autofree char *a = make_photo("a.jpg", 400, 300, 31, NULL, 0);
    g_autofree char *b = make_photo("b.jpg", 400, 300, 32, NULL, 0);
    g_autofree char *junk = g_build_filename(workdir, "junk.jpg", NULL);
    g_assert_true(g_file_set_contents(junk, "junk", -1, NULL));
    Run r = RUN("ingest", "--move", "--json", "a.jpg", "b.jpg", "junk.jpg");
    g_assert_cmpint(r.status, ==, 1);
    g_assert_false(g_file_test(a, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(b, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(junk, G_FILE_TEST_EXISTS)); /* rejected files stay */
    g_autoptr(GHashTable) h = results(r.out);
    run_clear(&r);

    /* a lost rendition is found, and made again */
    g_autoptr(JsonObject) photo = show(id_of(h, "a.jpg"));
    const char *thumb = json_object_get_string_member(rendition(photo, "thumb"), "path");
    g_assert_cmpint(g_unlink(thumb), ==, 0);
    Run f = RUN("fsck");
    g_assert_cmpint(f.status, ==, 1);
    g_assert_nonnull(strstr(f.out, "thumb rendition missing"));
    run_clear(&f);
    Run fr = RUN("fsck", "--repair");
    g_assert_cmpint(fr.status, ==, 0);
    g_assert_nonnull(strstr(fr.out, "renditions made again"));
    run_clear(&fr);
    g_assert_true(g_file_test(thumb, G_FILE_TEST_IS_REGULAR));

    /* a damaged original is found and cannot be repaired */
    const char *original = json_object_get_string_member(photo, "original");
    g_assert_cmpint(chmod(original, 0644), ==, 0);
    g_assert_true(g_file_set_contents(original, "flipped bits", -1, NULL));
    Run fc = RUN("fsck", "--repair");
    g_assert_cmpint(fc.status, ==, 1);
    g_assert_nonnull(strstr(fc.out, "does not hash to its name"));
    run_clear(&fc);
    teardown();
}

/* The path photodesk files an original of @path's bytes under, in the library. */
static char *
store_path(const char *path)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_autofree char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
    g_autofree char *name = g_strdup_printf("%s.jpg", sha);
    char a[3] = {sha[0], sha[1], 0}, b[3] = {sha[2], sha[3], 0};
    return g_build_filename(library, "originals", a, b, name, NULL);
}

/* Puts a copy of @path in the store as a killed ingest leaves it: the original written,
 * its row never committed, two hours ago. */
static void
leave_behind(const char *path)
{
    g_autofree char *dest = store_path(path);
    g_autofree char *dir = g_path_get_dirname(dest);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_true(g_file_set_contents(dest, data, (gssize)len, NULL));
    struct utimbuf old = {time(NULL) - 7200, time(NULL) - 7200};
    g_assert_cmpint(utime(dest, &old), ==, 0);
}

/* An original left behind by a killed ingest, then taken by the next one, is never
 * removed by fsck --repair, even one that read the catalog before the ingest committed. */
static void
test_fsck_beside_ingest(void)
{
    setup();
    g_autofree char *seed = make_photo("seed.jpg", 200, 150, 99, NULL, 0);
    Run first = RUN("ingest", seed);
    g_assert_cmpint(first.status, ==, 0);
    run_clear(&first);
    enum { N = 40 };
    g_autofree char *in = g_build_filename(workdir, "wire", NULL);
    g_assert_cmpint(g_mkdir(in, 0755), ==, 0);
    for (int i = 0; i < N; i++) {
        g_autofree char *name = g_strdup_printf("wire/frame-%02d.jpg", i);
        g_autofree char *path = make_photo(name, 480, 320, 200 + i, NULL, 0);
        leave_behind(path);
    }
    /* an old stray as fsck sees it, alone */
    Run look = RUN("fsck", "--grace", "600");
    g_assert_cmpint(look.status, ==, 1);
    g_assert_nonnull(strstr(look.out, "stray file originals/"));
    run_clear(&look);

    /* the ingest takes them again while fsck --repair runs over and over */
    g_autofree char *script =
        g_strdup_printf("exec '%s' --library '%s' ingest --jobs 1 --json "
                        "'%s' > '%s/ingest.out' 2> '%s/ingest.err'",
                        g_getenv("PHOTODESK_BIN"), library, in, workdir, workdir);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    GPid ingest = 0;
    g_assert_true(g_spawn_async(workdir, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                die_with_parent, GINT_TO_POINTER(getpid()), &ingest, NULL));
    int status = 0, sweeps = 0;
    while (waitpid(ingest, &status, WNOHANG) == 0) {
        Run sweep = RUN("fsck", "--repair", "--grace", "600");
        run_clear(&sweep);
        sweeps++;
    }
    g_assert_true(WIFEXITED(status));
    g_test_message("%d fsck --repair runs beside the ingest", sweeps);
    g_autofree char *out = NULL;
    g_autofree char *out_path = g_build_filename(workdir, "ingest.out", NULL);
    g_assert_true(g_file_get_contents(out_path, &out, NULL, NULL));
    /* whatever fsck removed before the ingest took it was written again, or the file
     * was refused to be ingested again: never a photo without its original */
    g_autoptr(GHashTable) h = results(out);
    guint refused = 0;
    for (int i = 0; i < N; i++) {
        g_autofree char *name = g_strdup_printf("frame-%02d.jpg", i);
        const char *st = status_of(h, name);
        if (strcmp(st, "rejected") == 0) {
            refused++;
            continue;
        }
        g_assert_cmpstr(st, ==, "added");
        g_autofree char *rel = g_strdup_printf("wire/frame-%02d.jpg", i);
        g_autofree char *path = g_build_filename(workdir, rel, NULL);
        g_autofree char *stored = store_path(path);
        g_assert_true(g_file_test(stored, G_FILE_TEST_IS_REGULAR));
    }
    g_test_message("%u of %d refused (removed by fsck while ingested)", refused, N);
    Run check = RUN("fsck", "--grace", "600");
    g_assert_cmpint(check.status, ==, 0);
    run_clear(&check);
    teardown();
}

/* A photo whose perceptual hash was lost (an update used to write nothing over it) gets
 * it back from fsck --repair; an update never loses it again. */
static void
test_fsck_fills_hash(void)
{
    setup();
    g_autoptr(VipsImage) scene = make_scene(5, 900, 600);
    g_autofree char *x1 = wire_xmp("A market in Lagos. (AP Photo/Sunday Alamba)", "AP", "LAG101",
                                   "2024-02-01T10:00:00+01:00");
    g_autofree char *x2 = wire_xmp("A market in Lagos, Nigeria. (AP Photo/Sunday Alamba)", "AP",
                                   "LAG101", "2024-02-01T10:00:00+01:00");
    g_autofree char *p1 = save_scene(scene, "market.jpg", x1, 85);
    g_autofree char *p2 = save_scene(scene, "market-corrected.jpg", x2, 85);
    Run r = RUN("ingest", "--json", p1);
    g_autoptr(GHashTable) h = results(r.out);
    gint64 id = id_of(h, "market.jpg");
    run_clear(&r);
    g_autoptr(JsonObject) before = show(id);
    g_autofree char *dhash = g_strdup(json_object_get_string_member(before, "dhash"));
    g_assert_nonnull(dhash);
    /* the same image data with a new caption: the hash stays */
    Run r2 = RUN("ingest", "--json", p2);
    g_autoptr(GHashTable) h2 = results(r2.out);
    g_assert_cmpstr(status_of(h2, "market-corrected.jpg"), ==, "updated");
    run_clear(&r2);
    g_autoptr(JsonObject) after = show(id);
    g_assert_cmpstr(json_object_get_string_member(after, "dhash"), ==, dhash);

    /* lost, as earlier versions of photodesk lost it */
    g_free(catalog_value("UPDATE photos SET dhash = NULL"));
    Run f = RUN("fsck");
    g_assert_cmpint(f.status, ==, 1);
    g_assert_nonnull(strstr(f.out, "no perceptual hash"));
    run_clear(&f);
    Run fr = RUN("fsck", "--repair");
    g_assert_cmpint(fr.status, ==, 0);
    run_clear(&fr);
    g_autoptr(JsonObject) repaired = show(id);
    g_assert_cmpstr(json_object_get_string_member(repaired, "dhash"), ==, dhash);
    teardown();
}

/* photodesk edit: a correction from the command line, by the path the web UI takes. */
static void
test_edit(void)
{
    setup();
    g_autofree char *x = wire_xmp("Dockers unload a ship in Hamburg. (AP Photo/Markus Schreiber)",
                                  "AP", "HAM501", "2024-09-02T08:00:00+02:00");
    g_autofree char *path = make_photo("dock.jpg", 400, 300, 61, x, 0);
    Run r = RUN("ingest", "--json", path);
    g_autoptr(GHashTable) h = results(r.out);
    gint64 id = id_of(h, "dock.jpg");
    run_clear(&r);
    g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, id);

    Run e = RUN("edit", sid, "--version", "1", "--headline", "Germany Port", "--city", "Hamburg");
    g_assert_cmpint(e.status, ==, 0);
    g_assert_nonnull(strstr(e.out, "version 2"));
    run_clear(&e);
    /* made on version 1, now at 2: refused, and what changed is listed */
    Run stale = RUN("edit", sid, "--version", "1", "--city", "Altona");
    g_assert_cmpint(stale.status, ==, 1);
    g_assert_nonnull(strstr(stale.err, "version 1"));
    g_assert_nonnull(strstr(stale.err, "headline"));
    g_assert_nonnull(strstr(stale.err, "Germany Port"));
    run_clear(&stale);
    /* the fields not given are left as they are; keywords split at ; */
    Run k = RUN("edit", sid, "--json", "--keywords", "port; shipping ;trade");
    g_assert_cmpint(k.status, ==, 0);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, k.out, -1, NULL));
    JsonObject *photo = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpstr(json_object_get_string_member(photo, "city"), ==, "Hamburg");
    g_assert_cmpstr(json_object_get_string_member(photo, "headline"), ==, "Germany Port");
    JsonArray *kw = json_object_get_array_member(photo, "keywords");
    g_assert_cmpuint(json_array_get_length(kw), ==, 3);
    g_assert_cmpstr(json_array_get_string_element(kw, 1), ==, "shipping");
    JsonArray *versions = json_object_get_array_member(photo, "versions");
    JsonObject *last = json_array_get_object_element(versions, 2);
    g_assert_cmpstr(json_object_get_string_member(last, "user"), ==, g_get_user_name());
    run_clear(&k);
    /* bad input: the field named, and why; nothing changed */
    Run bad = RUN("edit", sid, "--city", "Ham\x01burg");
    g_assert_cmpint(bad.status, ==, 1);
    g_assert_nonnull(strstr(bad.err, "city"));
    g_assert_nonnull(strstr(bad.err, "control character"));
    run_clear(&bad);
    Run none = RUN("edit", sid);
    g_assert_cmpint(none.status, ==, 2);
    run_clear(&none);
    Run missing = RUN("edit", "999", "--city", "Kiel");
    g_assert_cmpint(missing.status, ==, 1);
    g_assert_nonnull(strstr(missing.err, "no photo 999"));
    run_clear(&missing);
    g_autofree char *long_city = g_strnfill(1200, 'x');
    Run too_long = RUN("edit", sid, "--city", long_city);
    g_assert_cmpint(too_long.status, ==, 1);
    g_assert_nonnull(strstr(too_long.err, "city"));
    run_clear(&too_long);
    teardown();
}

/* Ingest rules from the command line: a photo of the rule's source gets the template in
 * a version of its own, named in the JSON line and counted in the summary; a rule whose
 * result cannot be kept leaves the photo as sent and says why; a re-send is not amended. */
static void
test_rules(void)
{
    setup();
    Run t = RUN("template", "save", "AFP note", "--set",
                "special_instructions=Seen by the desk: {credit_line}");
    g_assert_cmpint(t.status, ==, 0);
    run_clear(&t);
    g_autoptr(GString) long_value = g_string_new(NULL);
    for (int i = 0; i < 12; i++)
        g_string_append(long_value, "{caption} ");
    g_autofree char *set_long = g_strdup_printf("special_instructions=%s", long_value->str);
    Run tl = RUN("template", "save", "Long", "--set", set_long);
    g_assert_cmpint(tl.status, ==, 0);
    run_clear(&tl);
    Run r1 = RUN("rule", "save", "AFP", "--template", "AFP note", "--source", "afp");
    g_assert_cmpint(r1.status, ==, 0);
    run_clear(&r1);
    Run r2 = RUN("rule", "save", "Too long", "--template", "Long", "--credit", "*smith*");
    g_assert_cmpint(r2.status, ==, 0);
    run_clear(&r2);
    Run bad = RUN("rule", "save", "Here", "--template", "Long", "--source", "x\ny");
    g_assert_cmpint(bad.status, ==, 1);
    g_assert_nonnull(strstr(bad.err, "source"));
    run_clear(&bad);

    g_autofree char *x = wire_xmp("Traders work on the floor of the stock exchange in Frankfurt, "
                                  "Germany, on Monday, March 3, 2025. (Photo by Jane Smith / AFP)",
                                  "AFP", "FRA001", "2025-03-03T09:00:00+01:00");
    g_free(make_photo("traders.jpg", 640, 480, 31, x, 0));
    Run in = RUN("ingest", "--json", "traders.jpg");
    g_assert_cmpint(in.status, ==, 0);
    g_autoptr(GHashTable) h = results(in.out);
    JsonObject *line = g_hash_table_lookup(h, "traders.jpg");
    JsonArray *rules = json_object_get_array_member(line, "rules");
    g_assert_cmpuint(json_array_get_length(rules), ==, 1);
    g_assert_cmpstr(json_array_get_string_element(rules, 0), ==, "AFP");
    const char *warning = json_object_get_string_member(line, "warning");
    g_assert_nonnull(strstr(warning, "rule Too long: "));
    g_assert_nonnull(strstr(warning, "special_instructions: "));
    g_assert_nonnull(strstr(in.err, "rule AFP: its template applied to 1 photo"));
    gint64 id = id_of(h, "traders.jpg");
    run_clear(&in);
    g_autoptr(JsonObject) photo = show(id);
    g_assert_cmpint(json_object_get_int_member(photo, "version"), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(photo, "special_instructions"), ==,
                    "Seen by the desk: Jane Smith/AFP");

    /* the wire re-sends it with a corrected caption: kept as sent, not amended again */
    g_autofree char *x2 = wire_xmp("Traders work on the floor of the stock exchange in Frankfurt, "
                                   "Germany, Monday, March 3, 2025. (Photo by Jane Smith / AFP)",
                                   "AFP", "FRA001", "2025-03-03T09:00:00+01:00");
    g_free(make_photo("traders-again.jpg", 640, 480, 31, x2, 0));
    Run again = RUN("ingest", "--json", "traders-again.jpg");
    g_autoptr(GHashTable) h2 = results(again.out);
    g_assert_cmpstr(status_of(h2, "traders-again.jpg"), ==, "updated");
    g_assert_null(json_object_get_member(g_hash_table_lookup(h2, "traders-again.jpg"), "rules"));
    run_clear(&again);
    g_autoptr(JsonObject) resent = show(id);
    g_assert_cmpint(json_object_get_int_member(resent, "version"), ==, 3);
    teardown();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (VIPS_INIT(argv[0]))
        g_error("libvips failed to start");
    g_test_add_func("/cli/ingest/orientations-and-cmyk", test_orientations_and_cmyk);
    g_test_add_func("/cli/ingest/retransmission-and-burst", test_retransmission_and_burst);
    g_test_add_func("/cli/ingest/resend-table", test_resend_table);
    g_test_add_func("/cli/ingest/bad-input", test_bad_input);
    g_test_add_func("/cli/ingest/move-and-repair", test_move_and_repair);
    g_test_add_func("/cli/ingest/fsck-beside-ingest", test_fsck_beside_ingest);
    g_test_add_func("/cli/ingest/fsck-fills-hash", test_fsck_fills_hash);
    g_test_add_func("/cli/ingest/edit", test_edit);
    g_test_add_func("/cli/ingest/rules", test_rules);
    return g_test_run();
}
