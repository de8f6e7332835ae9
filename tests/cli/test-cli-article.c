/* test-cli-article.c: photodesk article on a library of made photos: new, list, show,
 * set, attach (the wire's rules: a killed photo is refused), detach, a correction from
 * the wire shown as a notice, and package: the zip, its article.json, and each photo's
 * metadata read back by exiftool (caption, credit line and byline as placed, UTF-8,
 * the IPTC digest current, no GPS). */
#include "delivered.h"
#include "e2e.h"

#include <string.h>
#include <vips/vips.h>

static char *
xmp(const char *caption, const char *creator, const char *instructions)
{
    return g_strdup_printf(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" "
        "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" photoshop:Credit=\"AP\" "
        "photoshop:City=\"Moscow\" photoshop:Country=\"Russia\" "
        "photoshop:Instructions=\"%s\" exif:GPSLatitude=\"55,44.7N\" "
        "exif:GPSLongitude=\"37,36.3E\" photoshop:DateCreated=\"2023-04-15T23:41:00+03:00\">"
        "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>"
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt>"
        "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>",
        instructions, creator, caption);
}

static JsonObject *
json_out(const Run *r)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_data(p, r->out, -1, &error))
        g_error("not JSON (%s): %s", error->message, r->out);
    return json_object_ref(json_node_get_object(json_parser_get_root(p)));
}

static JsonObject *
placement(JsonObject *article, guint i)
{
    return json_array_get_object_element(json_object_get_array_member(article, "placements"), i);
}

/* The entries of the package written to @name in the work folder. */
static GHashTable *
package_entries(const char *name)
{
    g_autofree char *path = g_build_filename(workdir, name, NULL);
    g_autofree char *zip = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &zip, &len, NULL));
    return delivered_entries(zip, len);
}

static void
test_article(void)
{
    setup();
    g_autofree char *x1 = xmp("Russian President Vladimir Putin attends an Orthodox Easter "
                              "service in Moscow, Russia, Saturday, April 15, 2023. (Sergei "
                              "Karpukhin, Sputnik, Kremlin Pool Photo via AP)",
                              "Sergei Karpukhin", "");
    g_autofree char *x2 = xmp("Worshippers light candles in Moscow, Russia. (AP Photo/Alexander "
                              "Zemlianichenko)",
                              "Alexander Zemlianichenko", "");
    g_autofree char *x3 =
        xmp("A picture that was withdrawn. (AP Photo/Someone)", "Someone", "MANDATORY KILL");
    g_autofree char *p1 = make_photo("putin.jpg", 640, 427, 11, x1, 0);
    g_autofree char *p2 = make_photo("candles.jpg", 640, 427, 12, x2, 0);
    g_autofree char *p3 = make_photo("killed.jpg", 640, 427, 13, x3, 0);
    Run in = RUN("ingest", "--json", p1, p2, p3);
    g_assert_cmpint(in.status, ==, 0);
    g_autoptr(GHashTable) ids = results(in.out);
    run_clear(&in);
    g_autofree char *putin = g_strdup_printf("%" G_GINT64_FORMAT, id_of(ids, "putin.jpg"));
    g_autofree char *candles = g_strdup_printf("%" G_GINT64_FORMAT, id_of(ids, "candles.jpg"));
    g_autofree char *killed = g_strdup_printf("%" G_GINT64_FORMAT, id_of(ids, "killed.jpg"));

    Run made = RUN("article", "new", "russia-easter", "--headline", "Putin at Easter");
    g_assert_cmpint(made.status, ==, 0);
    g_assert_cmpstr(made.out, ==, "article 1: russia-easter\n");
    run_clear(&made);
    Run twice = RUN("article", "new", "RUSSIA-EASTER");
    g_assert_cmpint(twice.status, ==, 1);
    g_assert_nonnull(strstr(twice.err, "already"));
    run_clear(&twice);
    Run usage = RUN("article", "attach", "1");
    g_assert_cmpint(usage.status, ==, 2);
    run_clear(&usage);

    /* attach: the killed one is refused, the others placed */
    Run att = RUN("article", "attach", "1", putin, killed, candles);
    g_assert_cmpint(att.status, ==, 1);
    g_assert_nonnull(strstr(att.err, "killed"));
    g_assert_nonnull(strstr(att.out, "as lead"));
    run_clear(&att);
    Run set = RUN("article", "set", "1", "--status", "published");
    g_assert_cmpint(set.status, ==, 0);
    run_clear(&set);
    Run list = RUN("article", "list");
    g_assert_cmpint(list.status, ==, 0);
    g_assert_nonnull(strstr(list.out, "published"));
    g_assert_nonnull(strstr(list.out, "2 photos"));
    run_clear(&list);

    Run shown = RUN("article", "show", "--json", "1");
    g_assert_cmpint(shown.status, ==, 0);
    JsonObject *a = json_out(&shown);
    run_clear(&shown);
    g_assert_cmpstr(json_object_get_string_member(placement(a, 0), "caption"), ==,
                    "Russian President Vladimir Putin attends an Orthodox Easter service in "
                    "Moscow, Russia, Saturday, April 15, 2023.");
    const char *credit_line = json_object_get_string_member(placement(a, 0), "credit_line");
    g_assert_nonnull(strstr(credit_line, "Karpukhin"));
    g_autofree char *want_credit = g_strdup(credit_line);
    json_object_unref(a);

    /* show lists the article */
    Run photo = RUN("show", putin);
    g_assert_nonnull(strstr(photo.out, "In article"));
    g_assert_nonnull(strstr(photo.out, "russia-easter"));
    run_clear(&photo);

    /* a corrected caption from the wire: a notice in the article */
    g_autofree char *x1b = xmp("Russian President Vladimir Putin attends an Orthodox Easter "
                               "service in Moscow, Russia, Sunday, April 16, 2023. (Sergei "
                               "Karpukhin, Sputnik, Kremlin Pool Photo via AP)",
                               "Sergei Karpukhin", "CORRECTS DATE");
    g_autofree char *p1b = make_photo("putin-corrected.jpg", 640, 427, 11, x1b, 0);
    Run again = RUN("ingest", "--json", p1b);
    g_autoptr(GHashTable) updated = results(again.out);
    g_assert_cmpstr(status_of(updated, "putin-corrected.jpg"), ==, "updated");
    run_clear(&again);
    Run text = RUN("article", "show", "1");
    g_assert_nonnull(strstr(text.out, "NOTICE"));
    run_clear(&text);

    /* the package */
    Run pkg = RUN("article", "package", "1", "--output", "easter.zip");
    g_assert_cmpint(pkg.status, ==, 0);
    run_clear(&pkg);
    Run exists = RUN("article", "package", "1", "--output", "easter.zip");
    g_assert_cmpint(exists.status, ==, 1); /* never overwritten */
    g_assert_nonnull(strstr(exists.err, "exists"));
    run_clear(&exists);
    g_autoptr(GHashTable) entries = package_entries("easter.zip");
    g_assert_cmpuint(g_hash_table_size(entries), ==, 3);
    g_assert_true(g_hash_table_contains(entries, "article.json"));
    g_autofree char *first = g_strdup_printf("01-russia-easter-%s.jpg", putin);
    GBytes *jpeg = g_hash_table_lookup(entries, first);
    g_assert_nonnull(jpeg);
    g_autoptr(JsonObject) t = delivered_tags(workdir, jpeg);
    if (t == NULL) {
        g_test_skip("exiftool is not installed: the package is not read back");
        teardown();
        return;
    }
    g_assert_cmpstr(json_object_get_string_member(t, "IPTC:Caption-Abstract"), ==,
                    "Russian President Vladimir Putin attends an Orthodox Easter service in "
                    "Moscow, Russia, Saturday, April 15, 2023.");
    g_assert_cmpstr(json_object_get_string_member(t, "XMP-photoshop:Credit"), ==, want_credit);
    /* IIM's Credit holds 32 bytes: a short form the desk would write, never a cut word
     * ("Sergei Karpukhin/Sputnik/Pool vi"); XMP has the whole line */
    g_assert_cmpstr(want_credit, ==, "Sergei Karpukhin/Sputnik/Pool via AP");
    g_assert_cmpstr(json_object_get_string_member(t, "IPTC:Credit"), ==,
                    "Sergei Karpukhin/Sputnik via AP");
    g_assert_cmpstr(json_object_get_string_member(t, "IPTC:By-line"), ==, "Sergei Karpukhin");
    g_assert_cmpstr(json_object_get_string_member(t, "XMP-dc:Creator"), ==, "Sergei Karpukhin");
    g_assert_cmpstr(json_object_get_string_member(t, "IPTC:City"), ==, "Moscow");
    g_assert_cmpstr(json_object_get_string_member(t, "IPTC:CodedCharacterSet"), ==, "UTF8");
    g_assert_cmpstr(json_object_get_string_member(t, "Photoshop:IPTCDigest"), ==,
                    json_object_get_string_member(t, "File:CurrentIPTCDigest"));
    GList *names = json_object_get_members(t);
    for (GList *l = names; l; l = l->next) {
        g_assert_null(strstr(l->data, "GPS"));
        g_assert_false(g_str_has_prefix(l->data, "IFD0:")); /* no EXIF at all */
    }
    g_list_free(names);

    /* where the photo was taken, only when asked */
    Run gps = RUN("article", "package", "1", "--gps", "--output", "easter-gps.zip");
    g_assert_cmpint(gps.status, ==, 0);
    run_clear(&gps);
    g_autoptr(GHashTable) gps_entries = package_entries("easter-gps.zip");
    g_autoptr(JsonObject) located =
        delivered_tags(workdir, g_hash_table_lookup(gps_entries, first));
    g_assert_true(json_object_has_member(located, "XMP-exif:GPSLatitude"));

    /* detach: what is left closes up */
    Run det = RUN("article", "detach", "1", putin);
    g_assert_cmpint(det.status, ==, 0);
    run_clear(&det);
    Run after = RUN("article", "show", "--json", "1");
    a = json_out(&after);
    run_clear(&after);
    g_assert_cmpint(json_object_get_int_member(placement(a, 0), "position"), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(placement(a, 0), "role"), ==, "inline");
    json_object_unref(a);
    teardown();
}

/* A picture made with generative AI, as agencies now mark one: found by search --made,
 * shown with its provenance, placed only on the editor's confirmation (recorded with the
 * placement), and delivered with its digital source type and Data Mining in the XMP. */
static void
test_synthetic_picture(void)
{
    setup();
    g_autofree char *x = g_strdup_printf(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" "
        "xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" "
        "xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\" photoshop:Credit=\"AP\" "
        "Iptc4xmpExt:DigitalSourceType=\"http://cv.iptc.org/newscodes/digitalsourcetype/"
        "compositeWithTrainedAlgorithmicMedia\" Iptc4xmpExt:AISystemUsed=\"Fill Model\" "
        "plus:DataMining=\"http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED\">"
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">A flooded square, its "
        "sky extended with generative AI. (Ministry via AP)</rdf:li></rdf:Alt>"
        "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>");
    g_autofree char *p1 = make_photo("flood.jpg", 640, 427, 31, x, 0);
    g_autofree char *p2 = make_photo("plain.jpg", 640, 427, 32, NULL, 0);
    Run in = RUN("ingest", "--json", p1, p2);
    g_assert_cmpint(in.status, ==, 0);
    g_autoptr(GHashTable) ids = results(in.out);
    run_clear(&in);
    g_autofree char *flood = g_strdup_printf("%" G_GINT64_FORMAT, id_of(ids, "flood.jpg"));

    Run composite = RUN("search", "--made", "composite");
    g_assert_cmpint(composite.status, ==, 0);
    g_assert_nonnull(strstr(composite.out, "COMPOSITE"));
    g_assert_nonnull(strstr(composite.out, "1 photo found"));
    run_clear(&composite);
    Run either = RUN("search", "--made", "synthetic", "flooded");
    g_assert_nonnull(strstr(either.out, "1 photo found"));
    run_clear(&either);
    Run ai = RUN("search", "--made", "ai");
    g_assert_cmpstr(ai.out, ==, "no photos found\n");
    run_clear(&ai);
    Run all = RUN("search");
    g_assert_nonnull(strstr(all.out, "2 photos found"));
    run_clear(&all);

    Run shown = RUN("show", flood);
    g_assert_nonnull(strstr(shown.out, "Edited using generative AI (http://cv.iptc.org/"));
    g_assert_nonnull(strstr(shown.out, "AI system used         Fill Model"));
    g_assert_nonnull(strstr(shown.out, "Data mining            Prohibited"));
    run_clear(&shown);

    Run made = RUN("article", "new", "flood");
    run_clear(&made);
    Run refused = RUN("article", "attach", "1", flood);
    g_assert_cmpint(refused.status, ==, 1);
    g_assert_nonnull(strstr(refused.err, "edited using generative AI"));
    g_assert_nonnull(strstr(refused.err, "--confirm-synthetic"));
    run_clear(&refused);
    Run placed = RUN("article", "attach", "1", flood, "--confirm-synthetic");
    g_assert_cmpint(placed.status, ==, 0);
    run_clear(&placed);
    Run art = RUN("article", "show", "--json", "1");
    JsonObject *a = json_out(&art);
    run_clear(&art);
    g_assert_cmpstr(json_object_get_string_member(placement(a, 0), "made_confirmed"), ==,
                    "composite");
    g_assert_cmpstr(json_object_get_string_member(placement(a, 0), "placed_by"), ==,
                    g_get_user_name());
    json_object_unref(a);
    Run text = RUN("article", "show", "1");
    g_assert_nonnull(strstr(text.out, "confirmed as the story by"));
    run_clear(&text);

    Run pkg = RUN("article", "package", "1", "--output", "flood.zip");
    g_assert_cmpint(pkg.status, ==, 0);
    run_clear(&pkg);
    g_autoptr(GHashTable) entries = package_entries("flood.zip");
    g_autofree char *name = g_strdup_printf("01-flood-%s.jpg", flood);
    g_autoptr(JsonObject) t = delivered_tags(workdir, g_hash_table_lookup(entries, name));
    if (t == NULL) {
        g_test_skip("exiftool is not installed: the package is not read back");
        teardown();
        return;
    }
    g_assert_cmpstr(json_object_get_string_member(t, "XMP-iptcExt:DigitalSourceType"), ==,
                    "http://cv.iptc.org/newscodes/digitalsourcetype/"
                    "compositeWithTrainedAlgorithmicMedia");
    g_assert_cmpstr(json_object_get_string_member(t, "XMP-plus:DataMining"), ==,
                    "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED");
    teardown();
}

/* The wire's rules in the delivered files: an embargoed photo is refused until it is
 * delivered under embargo knowingly (recorded with who and when, and said in the file);
 * editorial use only and a mandatory credit are spelled out in the special instructions;
 * the photo's page and the article list the delivery. */
static void
test_rules_in_the_file(void)
{
    setup();
    g_autofree char *x = xmp("An artist's impression of the new bridge, released by the city of "
                             "Riverton on Thursday, Jan. 9, 2098. (Photo by Handout / CITY OF "
                             "RIVERTON / AFP) / RESTRICTED TO EDITORIAL USE - MANDATORY CREDIT "
                             "&quot;AFP PHOTO / CITY OF RIVERTON&quot;",
                             "Handout", "EMBARGOED UNTIL 0001 GMT JANUARY 10, 2099");
    g_autofree char *path = make_photo("bridge.jpg", 640, 427, 21, x, 0);
    Run in = RUN("ingest", path);
    g_assert_cmpint(in.status, ==, 0);
    run_clear(&in);
    Run made = RUN("article", "new", "bridge", "--headline", "A new bridge");
    g_assert_cmpint(made.status, ==, 0);
    run_clear(&made);
    Run attach = RUN("article", "attach", "1", "1");
    g_assert_cmpint(attach.status, ==, 0);
    run_clear(&attach);

    Run refused = RUN("article", "package", "1", "--output", "early.zip");
    g_assert_cmpint(refused.status, ==, 1);
    g_assert_nonnull(strstr(refused.err, "embargoed until 2099-01-10T00:01:00Z"));
    run_clear(&refused);
    g_autofree char *early = g_build_filename(workdir, "early.zip", NULL);
    g_assert_false(g_file_test(early, G_FILE_TEST_EXISTS));

    Run knowingly = RUN("article", "package", "1", "--under-embargo", "--output", "embargo.zip");
    g_assert_cmpint(knowingly.status, ==, 0);
    run_clear(&knowingly);
    g_autoptr(GHashTable) entries = package_entries("embargo.zip");
    GBytes *jpeg = g_hash_table_lookup(entries, "01-bridge-1.jpg");
    g_assert_nonnull(jpeg);
    g_autoptr(JsonObject) t = delivered_tags(workdir, jpeg);
    if (t == NULL) {
        g_test_skip("exiftool is not installed: the package is not read back");
        teardown();
        return;
    }
    const char *iim = json_object_get_string_member(t, "IPTC:SpecialInstructions");
    const char *xmp_said = json_object_get_string_member(t, "XMP-photoshop:Instructions");
    g_autofree char *by = g_strdup_printf("DELIVERED UNDER EMBARGO by %s at ", g_get_user_name());
    for (const char *said = iim;; said = xmp_said) {
        g_assert_nonnull(said);
        g_assert_true(g_str_has_prefix(said, "EMBARGOED UNTIL 0001 GMT JANUARY 10, 2099"));
        g_assert_nonnull(strstr(said, " - EDITORIAL USE ONLY"));
        g_assert_nonnull(strstr(said, " - MANDATORY CREDIT: AFP PHOTO / CITY OF RIVERTON"));
        g_assert_nonnull(strstr(said, by));
        g_assert_nonnull(strstr(said, ": not for publication before 2099-01-10T00:01:00Z"));
        if (said == xmp_said)
            break;
    }
    g_assert_cmpstr(json_object_get_string_member(t, "Photoshop:IPTCDigest"), ==,
                    json_object_get_string_member(t, "File:CurrentIPTCDigest"));

    /* recorded: on the article and on the photo */
    Run shown = RUN("article", "show", "--json", "1");
    JsonObject *a = json_out(&shown);
    run_clear(&shown);
    JsonObject *d = json_array_get_object_element(json_object_get_array_member(a, "deliveries"), 0);
    g_assert_cmpstr(json_object_get_string_member(d, "by"), ==, g_get_user_name());
    g_assert_cmpstr(json_object_get_string_member(d, "target"), ==, "zip");
    g_assert_true(json_object_get_boolean_member(d, "under_embargo"));
    JsonObject *went = json_array_get_object_element(json_object_get_array_member(d, "photos"), 0);
    g_assert_cmpint(json_object_get_int_member(went, "version"), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(went, "embargo_until"), ==,
                    "2099-01-10T00:01:00Z");
    json_object_unref(a);
    Run photo = RUN("show", "1");
    g_assert_nonnull(strstr(photo.out, "Delivered"));
    g_assert_nonnull(strstr(photo.out, "article 1 (bridge), zip (version 1), UNDER EMBARGO"));
    run_clear(&photo);
    teardown();
}

/* Crops and profiles per use: set from the command line, checked (an aspect the crop does
 * not have, an unknown profile), shown on the article with what the file will be, and
 * made from the original at delivery, listed in article.json. */
static void
test_crop_and_profile(void)
{
    setup();
    g_autofree char *x =
        xmp("Fans cheer in Madrid, Spain. (AP Photo/Manu Fernandez)", "Manu Fernandez", "");
    g_autofree char *path = make_photo("fans.jpg", 3000, 2000, 23, x, 6); /* upright 2000 x 3000 */
    Run in = RUN("ingest", path);
    g_assert_cmpint(in.status, ==, 0);
    run_clear(&in);
    Run made = RUN("article", "new", "fans");
    run_clear(&made);
    Run attach = RUN("article", "attach", "1", "1");
    g_assert_cmpint(attach.status, ==, 0);
    run_clear(&attach);
    Run wrong = RUN("article", "output", "1", "1", "--crop", "0,0,1,1", "--aspect", "1:1");
    g_assert_cmpint(wrong.status, ==, 1);
    g_assert_nonnull(strstr(wrong.err, "is not 1:1"));
    run_clear(&wrong);
    Run outside = RUN("article", "output", "1", "1", "--crop", "0.6,0,0.5,1");
    g_assert_cmpint(outside.status, ==, 1);
    g_assert_nonnull(strstr(outside.err, "inside the picture"));
    run_clear(&outside);
    Run unknown = RUN("article", "output", "1", "1", "--profile", "billboard");
    g_assert_cmpint(unknown.status, ==, 1);
    run_clear(&unknown);
    /* a small square of the upright picture's top, for social */
    Run set = RUN("article", "output", "1", "1", "--crop", "0,0,0.25,0.16667", "--aspect", "1:1",
                  "--profile", "social");
    g_assert_cmpint(set.status, ==, 0);
    run_clear(&set);
    Run shown = RUN("article", "show", "--json", "1");
    JsonObject *a = json_out(&shown);
    run_clear(&shown);
    JsonObject *out = json_object_get_object_member(placement(a, 0), "output");
    g_assert_cmpstr(json_object_get_string_member(out, "profile"), ==, "social");
    g_assert_cmpstr(json_object_get_string_member(out, "crop_aspect"), ==, "1:1");
    g_assert_cmpint(json_object_get_int_member(out, "width"), ==, 500);
    g_assert_cmpint(json_object_get_int_member(out, "height"), ==, 500);
    /* 500 px, less than social's 1200: said */
    g_assert_nonnull(strstr(json_object_get_string_member(out, "warning"), "smaller than"));
    json_object_unref(a);
    Run pkg = RUN("article", "package", "1", "--output", "fans.zip");
    g_assert_cmpint(pkg.status, ==, 0);
    run_clear(&pkg);
    g_autoptr(GHashTable) entries = package_entries("fans.zip");
    GBytes *jpeg = g_hash_table_lookup(entries, "01-fans-1.jpg");
    g_autoptr(VipsImage) got =
        vips_image_new_from_buffer(g_bytes_get_data(jpeg, NULL), g_bytes_get_size(jpeg), "", NULL);
    g_assert_cmpint(vips_image_get_width(got), ==, 500);
    g_assert_cmpint(vips_image_get_height(got), ==, 500);
    GBytes *manifest = g_hash_table_lookup(entries, "article.json");
    g_assert_nonnull(strstr(g_bytes_get_data(manifest, NULL), "\"profile\": \"social\""));
    g_assert_nonnull(strstr(g_bytes_get_data(manifest, NULL), "\"width\": 500"));
    /* the crop cleared: the package's profile (print: the picture at its own size) */
    Run cleared = RUN("article", "output", "1", "1", "--crop", "", "--profile", "");
    g_assert_cmpint(cleared.status, ==, 0);
    run_clear(&cleared);
    Run print = RUN("article", "package", "1", "--profile", "print", "--output", "print.zip");
    g_assert_cmpint(print.status, ==, 0);
    run_clear(&print);
    g_autoptr(GHashTable) printed = package_entries("print.zip");
    GBytes *whole = g_hash_table_lookup(printed, "01-fans-1.jpg");
    g_autoptr(VipsImage) big = vips_image_new_from_buffer(g_bytes_get_data(whole, NULL),
                                                          g_bytes_get_size(whole), "", NULL);
    g_assert_cmpint(vips_image_get_width(big), ==, 2000);
    g_assert_cmpint(vips_image_get_height(big), ==, 3000);
    /* and by default the web rendition: 2048 px on the long edge */
    Run web = RUN("article", "package", "1", "--output", "web.zip");
    g_assert_cmpint(web.status, ==, 0);
    run_clear(&web);
    g_autoptr(GHashTable) webbed = package_entries("web.zip");
    GBytes *w = g_hash_table_lookup(webbed, "01-fans-1.jpg");
    g_autoptr(VipsImage) rendition =
        vips_image_new_from_buffer(g_bytes_get_data(w, NULL), g_bytes_get_size(w), "", NULL);
    g_assert_cmpint(vips_image_get_height(rendition), ==, 2048);
    Run bad = RUN("article", "package", "1", "--profile", "poster");
    g_assert_cmpint(bad.status, ==, 2);
    run_clear(&bad);
    teardown();
}

/* The long edge of entry @name of package @zip. */
static int
long_edge_in(const char *zip, const char *name)
{
    g_autoptr(GHashTable) entries = package_entries(zip);
    GBytes *b = g_hash_table_lookup(entries, name);
    g_assert_nonnull(b);
    g_autoptr(VipsImage) img =
        vips_image_new_from_buffer(g_bytes_get_data(b, NULL), g_bytes_get_size(b), "", NULL);
    g_assert_nonnull(img);
    return MAX(vips_image_get_width(img), vips_image_get_height(img));
}

/* The desk's own profiles: added, a built-in one changed and brought back, refused when
 * out of range, and a placement whose profile went goes with the package's, said. */
static void
test_profiles(void)
{
    setup();
    g_autofree char *path = make_photo("stadium.jpg", 4000, 3000, 29, NULL, 0);
    Run in = RUN("ingest", path);
    g_assert_cmpint(in.status, ==, 0);
    run_clear(&in);
    Run made = RUN("article", "new", "stadium");
    run_clear(&made);
    Run attach = RUN("article", "attach", "1", "1");
    g_assert_cmpint(attach.status, ==, 0);
    run_clear(&attach);
    const char *bad[][6] = {
        {"profile", "save", "big one", "--long-edge", "3000", NULL},
        {"profile", "save", "huge", "--long-edge", "30000", NULL},
        {"profile", "save", "tiny", "--long-edge", "10", NULL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *args[] = {bad[i][0], bad[i][1],   bad[i][2], bad[i][3],
                              bad[i][4], "--quality", "90",      NULL};
        Run r = run_args(args);
        g_assert_cmpint(r.status, ==, 1);
        run_clear(&r);
    }
    Run low = RUN("profile", "save", "murky", "--long-edge", "800", "--quality", "5");
    g_assert_cmpint(low.status, ==, 1);
    g_assert_nonnull(strstr(low.err, "quality: 5 is not between 30 and 100"));
    run_clear(&low);
    Run builtin = RUN("profile", "remove", "print");
    g_assert_cmpint(builtin.status, ==, 1);
    g_assert_nonnull(strstr(builtin.err, "built-in profile stays"));
    run_clear(&builtin);

    Run tabloid = RUN("profile", "save", "Tabloid", "--long-edge", "3000", "--quality", "92");
    g_assert_cmpint(tabloid.status, ==, 0);
    g_assert_true(
        g_str_has_prefix(tabloid.out, "tabloid: 3000 px on the long edge, quality 92 (by "));
    run_clear(&tabloid);
    Run out = RUN("article", "output", "1", "1", "--profile", "tabloid");
    g_assert_cmpint(out.status, ==, 0);
    run_clear(&out);
    Run p1 = RUN("article", "package", "1", "--output", "tabloid.zip");
    g_assert_cmpint(p1.status, ==, 0);
    run_clear(&p1);
    g_assert_cmpint(long_edge_in("tabloid.zip", "01-stadium-1.jpg"), ==, 3000);

    /* social changed to 1080 for the whole package, then brought back to 1200 */
    Run social = RUN("profile", "save", "social", "--long-edge", "1080", "--quality", "82");
    g_assert_cmpint(social.status, ==, 0);
    run_clear(&social);
    Run none = RUN("article", "output", "1", "1", "--profile", "");
    g_assert_cmpint(none.status, ==, 0);
    run_clear(&none);
    Run p2 = RUN("article", "package", "1", "--profile", "social", "--output", "social.zip");
    g_assert_cmpint(p2.status, ==, 0);
    run_clear(&p2);
    g_assert_cmpint(long_edge_in("social.zip", "01-stadium-1.jpg"), ==, 1080);
    Run back = RUN("profile", "remove", "social");
    g_assert_cmpint(back.status, ==, 0);
    run_clear(&back);
    Run p3 = RUN("article", "package", "1", "--profile", "social", "--output", "social2.zip");
    g_assert_cmpint(p3.status, ==, 0);
    run_clear(&p3);
    g_assert_cmpint(long_edge_in("social2.zip", "01-stadium-1.jpg"), ==, 1200);

    /* the placement's profile removed: it goes as the package's, and the article says so */
    Run again = RUN("article", "output", "1", "1", "--profile", "tabloid");
    g_assert_cmpint(again.status, ==, 0);
    run_clear(&again);
    Run gone = RUN("profile", "remove", "TABLOID");
    g_assert_cmpint(gone.status, ==, 0);
    run_clear(&gone);
    Run shown = RUN("article", "show", "--json", "1");
    JsonObject *a = json_out(&shown);
    run_clear(&shown);
    JsonObject *o = json_object_get_object_member(placement(a, 0), "output");
    g_assert_cmpstr(json_object_get_string_member(o, "profile"), ==, "web");
    g_assert_nonnull(strstr(json_object_get_string_member(o, "warning"), "no longer the desk's"));
    json_object_unref(a);
    Run listed = RUN("profile", "list", "--json");
    g_assert_null(strstr(listed.out, "tabloid"));
    run_clear(&listed);
    teardown();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(vips_init(argv[0]), ==, 0);
    g_test_add_func("/cli/article", test_article);
    g_test_add_func("/cli/article/synthetic-picture", test_synthetic_picture);
    g_test_add_func("/cli/article/rules-in-the-file", test_rules_in_the_file);
    g_test_add_func("/cli/article/crop-and-profile", test_crop_and_profile);
    g_test_add_func("/cli/article/profiles", test_profiles);
    return g_test_run();
}
