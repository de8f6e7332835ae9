/* test-cli-search.c: photodesk search end to end, over photos made here and ingested:
 * words, phrases, exclusion, OR, prefixes, diacritics, stemming, dates at day edges
 * across time zones, credit filters, the three orders, snippets, facets, paging,
 * hostile queries and bad options. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "e2e.h"

/* The photos, by file name: caption, date created, credit, city, country, headline,
 * keywords. Ingested one by one, in this order. */
static const struct {
    const char *file, *caption, *date, *credit, *city, *country, *headline, *keywords;
} photos[] = {
    {"putin.jpg",
     "Russian President Vladimir Putin attends an Orthodox Easter service in the Christ the "
     "Savior Cathedral in Moscow, Russia, Saturday, April 15, 2023. (Sergei Karpukhin, Sputnik, "
     "Kremlin Pool Photo via AP)",
     "2023-04-15T23:41:00+03:00", "AP", "Moscow", "Russia", "APTOPIX Russia Orthodox Easter",
     "religion"},
    {"lodz.jpg",
     "Voters queue at a polling station in \xc5\x81\xc3\xb3\x64\xc5\xba, Poland, October 15, "
     "2023. REUTERS/Kacper Pempel",
     "2023-10-15T08:05:00+02:00", "REUTERS", "\xc5\x81\xc3\xb3\x64\xc5\xba", "Poland",
     "Poland Election", "election"},
    /* taken on 16 April local time, still 15 April in UTC */
    {"zurich.jpg",
     "A tram crosses the Bahnhofstrasse in Z\xc3\xbcrich, Switzerland, April 16, 2023. (Photo "
     "by Jan Muller/Getty Images)",
     "2023-04-16T00:10:00+02:00", "Getty Images", "Z\xc3\xbcrich", "Switzerland",
     "Switzerland Daily Life", "transport"},
    /* taken on 15 April local time, already 16 April in UTC */
    {"fire.jpg",
     "Firefighters attend to a burning car in New York, April 15, 2023. (AP Photo/John "
     "Minchillo)",
     "2023-04-15T22:30:00-04:00", "AP", "New York", "United States", "NY Car Fire", "fire"},
    {"archive.jpg", "An archive picture of the old harbour. EPA-EFE/STR", NULL, "EPA-EFE", NULL,
     NULL, "Archive Harbour", "archive"},
    {"eggs.jpg",
     "Easter eggs painted by children in Kyiv, Ukraine, April 14, 2023. AFP PHOTO / Genya "
     "SAVILOV",
     "2023-04-14T10:00:00+03:00", "AFP", "Kyiv", "Ukraine", "Ukraine Easter", "children"},
    /* the newest, with Easter only among its keywords */
    {"flowers.jpg", "Spring flowers bloom in a park in Berlin, April 20, 2023. Photo: Jane Roe/dpa",
     "2023-04-20T09:00:00+02:00", "dpa", "Berlin", "Germany", "Germany Spring", "easter"},
};

static GHashTable *ids; /* file name -> id, as ingest reported it */

static char *
xmp_for(gsize i)
{
    GString *x =
        g_string_new("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
                     "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
                     "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                     "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"");
    g_string_append_printf(x, " photoshop:Credit=\"%s\" photoshop:Headline=\"%s\"",
                           photos[i].credit, photos[i].headline);
    if (photos[i].date)
        g_string_append_printf(x, " photoshop:DateCreated=\"%s\"", photos[i].date);
    if (photos[i].city)
        g_string_append_printf(x, " photoshop:City=\"%s\" photoshop:Country=\"%s\"", photos[i].city,
                               photos[i].country);
    g_string_append_printf(x,
                           "><dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li>"
                           "</rdf:Alt></dc:description><dc:subject><rdf:Bag><rdf:li>%s</rdf:li>"
                           "</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>",
                           photos[i].caption, photos[i].keywords);
    return g_string_free(x, FALSE);
}

static void
ingest_all(void)
{
    setup();
    ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(photos); i++) {
        g_autofree char *xmp = xmp_for(i);
        g_autofree char *path = make_photo(photos[i].file, 64, 48, (int)i + 1, xmp, 0);
        Run r = RUN("ingest", "--json", path);
        g_assert_cmpint(r.status, ==, 0);
        GHashTable *h = results(r.out);
        g_assert_cmpstr(status_of(h, photos[i].file), ==, "added");
        g_hash_table_insert(ids, g_strdup(photos[i].file),
                            GSIZE_TO_POINTER((gsize)id_of(h, photos[i].file)));
        g_hash_table_unref(h);
        run_clear(&r);
    }
}

/* photodesk search --json ARGS: the parsed object (the run must succeed). */
static JsonObject *
search_json(const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "search");
    g_ptr_array_add(argv, "--json");
    for (int i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);
    Run r = run_args((const char *const *)argv->pdata);
    g_ptr_array_unref(argv);
    if (r.status != 0)
        g_error("search failed (%d): %s", r.status, r.err);
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, r.out, -1, NULL));
    JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(p)));
    run_clear(&r);
    return o;
}

/* The files a search finds, in order: "fire putin". */
static char *
found(const char *const *args)
{
    JsonObject *o = search_json(args);
    JsonArray *a = json_object_get_array_member(o, "results");
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        gint64 id = json_object_get_int_member(json_array_get_object_element(a, i), "id");
        GHashTableIter it;
        gpointer name, value;
        g_hash_table_iter_init(&it, ids);
        while (g_hash_table_iter_next(&it, &name, &value))
            if ((gint64)GPOINTER_TO_SIZE(value) == id) {
                g_autofree char *base = g_strndup(name, strlen(name) - 4);
                g_string_append_printf(s, "%s%s", s->len ? " " : "", base);
            }
    }
    g_assert_cmpint(json_object_get_int_member(o, "total"), >=, json_array_get_length(a));
    json_object_unref(o);
    return g_string_free(s, FALSE);
}

#define FOUND(...) found((const char *const[]){__VA_ARGS__, NULL})

static void
expect(char *got, const char *want)
{
    g_assert_cmpstr(got, ==, want);
    g_free(got);
}

static void
test_words(void)
{
    expect(FOUND("putin easter"), "putin");
    expect(FOUND("easter"), "flowers putin eggs");
    expect(FOUND("EASTER Putin"), "putin");
    expect(FOUND("\"orthodox easter\""), "putin");
    expect(FOUND("\"easter orthodox\""), "");
    expect(FOUND("easter -putin"), "flowers eggs");
    expect(FOUND("easter -\"orthodox easter\""), "flowers eggs");
    expect(FOUND("putin OR tram"), "zurich putin");
    expect(FOUND("firef*"), "fire");
    expect(FOUND("cathed*"), "putin");
    expect(FOUND("nothingmatchesthis"), "");
    /* the slug and the headline are searched too */
    expect(FOUND("aptopix"), "putin");
}

static void
test_matching(void)
{
    /* diacritics, either way, and letters that do not decompose (Ł) */
    expect(FOUND("zurich"), "zurich");
    expect(FOUND("Z\xc3\xbcrich"), "zurich");
    expect(FOUND("lodz"), "lodz");
    expect(FOUND("\xc5\x81\xc3\xb3\x64\xc5\xba"), "lodz");
    expect(FOUND("LODZ"), "lodz");
    /* English stemming */
    expect(FOUND("attend"), "fire putin");
    expect(FOUND("attending"), "fire putin");
    expect(FOUND("painting"), "eggs");
    expect(FOUND("voter"), "lodz");
}

static void
test_dates(void)
{
    /* the photographer's local date counts, not UTC; within a day, the time taken does
     * (the fire, at 22:30 in New York, came after Easter at 23:41 in Moscow) */
    expect(FOUND("--from", "2023-04-15", "--to", "2023-04-15"), "fire putin");
    expect(FOUND("--from", "2023-04-16", "--to", "2023-04-16"), "zurich");
    expect(FOUND("--to", "2023-04-14"), "eggs");
    expect(FOUND("--from", "2023-04", "--to", "2023-04"), "flowers zurich fire putin eggs");
    expect(FOUND("--from", "2023-05"), "lodz");
    expect(FOUND("--from", "2023", "--to", "2023"), "lodz flowers zurich fire putin eggs");
    expect(FOUND("--from", "2024"), "");
    expect(FOUND("easter", "--from", "2023-04-15"), "flowers putin");
    expect(FOUND("--undated"), "archive");
    expect(FOUND("harbour", "--undated"), "archive");
}

/* After `photodesk catalog optimize` (the index merged into one segment on SQLite,
 * vacuumed and analyzed on PostgreSQL) every search answers as before; the searches of
 * the tests after it run on the optimized catalog too. */
static void
test_optimized(void)
{
    Run r = RUN("catalog", "optimize");
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, "optimized\n");
    run_clear(&r);
    test_words();
    test_dates();
    Run again = RUN("catalog", "optimize", "--to", "postgresql:///x");
    g_assert_cmpint(again.status, ==, 2);
    g_assert_nonnull(strstr(again.err, "give copy --to URL, or optimize"));
    run_clear(&again);
}

static void
test_filters(void)
{
    /* --credit finds the credit field and the credit line's agencies */
    expect(FOUND("--credit", "AP"), "fire putin");
    expect(FOUND("--credit", "ap"), "fire putin");
    expect(FOUND("--credit", "Getty Images"), "zurich");
    expect(FOUND("--credit", "Pool via AP"), "putin");
    expect(FOUND("--credit", "pool"), "putin");
    expect(FOUND("--credit", "Sputnik"), "putin");
    expect(FOUND("--credit", "Reuters"), "lodz");
    expect(FOUND("easter", "--credit", "AFP"), "eggs");
    /* --byline finds the photographer named in the credit line */
    expect(FOUND("--byline", "Karpukhin"), "putin");
    expect(FOUND("--byline", "Kacper Pempel"), "lodz");
    expect(FOUND("--byline", "Pempel Kacper"), "");
    expect(FOUND("--city", "zurich"), "zurich");
    expect(FOUND("--country", "russia"), "putin");
    expect(FOUND("--country", "russia", "--city", "berlin"), "");
    /* a filter with nothing searchable in it matches nothing, and says nothing went wrong */
    expect(FOUND("--credit", "-"), "");
}

static void
test_orders(void)
{
    /* arrival: newest ingest first */
    expect(FOUND("--sort", "arrived"), "flowers eggs archive fire zurich lodz putin");
    /* date: newest taken first, the undated last */
    expect(FOUND(NULL), "lodz flowers zurich fire putin eggs archive");
    /* relevance: Easter in the caption and headline above Easter only among keywords */
    g_autofree char *ranked = FOUND("easter", "--sort", "relevance");
    g_assert_true(g_str_has_suffix(ranked, "flowers"));
    g_assert_true(g_str_has_prefix(ranked, "putin") || g_str_has_prefix(ranked, "eggs"));
}

static void
test_snippet_and_fields(void)
{
    JsonObject *o = search_json((const char *const[]){"orthodox easter", NULL});
    g_assert_cmpint(json_object_get_int_member(o, "total"), ==, 1);
    g_assert_true(json_object_get_boolean_member(o, "total_exact"));
    JsonObject *h = json_array_get_object_element(json_object_get_array_member(o, "results"), 0);
    const char *fields[] = {"id",      "sha256", "caption",     "headline",     "byline",
                            "credit",  "source", "credit_line", "date_created", "city",
                            "country", "width",  "height",      "snippet"};
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
        g_assert_true(json_object_has_member(h, fields[i]));
    const char *snippet = json_object_get_string_member(h, "snippet");
    g_assert_nonnull(strstr(snippet, "\x02Orthodox\x03"));
    g_assert_nonnull(strstr(snippet, "\x02"
                                     "Easter\x03"));
    g_assert_cmpstr(json_object_get_string_member(h, "city"), ==, "Moscow");
    g_assert_cmpstr(json_object_get_string_member(h, "date_created"), ==,
                    "2023-04-15T23:41:00+03:00");
    g_assert_cmpint(json_object_get_int_member(h, "width"), ==, 64);
    g_assert_nonnull(strstr(json_object_get_string_member(h, "credit_line"), "Karpukhin"));
    json_object_unref(o);

    /* the table marks the matched words for a reader */
    Run r = RUN("search", "putin");
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "1 photo found"));
    g_assert_null(strchr(r.out, '\x02'));
    run_clear(&r);
}

static void
test_facets_and_paging(void)
{
    JsonObject *o = search_json((const char *const[]){"--facets", "--limit", "2", NULL});
    g_assert_cmpint(json_object_get_int_member(o, "total"), ==, G_N_ELEMENTS(photos));
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "results")), ==, 2);
    JsonObject *facets = json_object_get_object_member(o, "facets");
    g_assert_nonnull(facets);
    /* every photo is in one count of each facet */
    const char *names[] = {"distributor", "photographer", "day"};
    for (gsize f = 0; f < G_N_ELEMENTS(names); f++) {
        JsonArray *a = json_object_get_array_member(facets, names[f]);
        gint64 sum = 0;
        for (guint i = 0; i < json_array_get_length(a); i++)
            sum += json_object_get_int_member(json_array_get_object_element(a, i), "count");
        g_assert_cmpint(sum, ==, G_N_ELEMENTS(photos));
    }
    /* AP's two photos, on their own days */
    JsonArray *dist = json_object_get_array_member(facets, "distributor");
    JsonObject *top = json_array_get_object_element(dist, 0);
    g_assert_cmpstr(json_object_get_string_member(top, "value"), ==, "AP");
    g_assert_cmpint(json_object_get_int_member(top, "count"), ==, 2);
    json_object_unref(o);

    /* pages: three of two, then one, then none */
    GString *all = g_string_new(NULL);
    for (int offset = 0; offset < 10; offset += 2) {
        g_autofree char *off = g_strdup_printf("%d", offset);
        g_autofree char *page = FOUND("--limit", "2", "--offset", off);
        if (*page)
            g_string_append_printf(all, "%s%s", all->len ? " " : "", page);
        else
            g_assert_cmpint(offset, >=, (int)G_N_ELEMENTS(photos));
    }
    g_assert_cmpstr(all->str, ==, "lodz flowers zurich fire putin eggs archive");
    g_string_free(all, TRUE);
}

static void
test_hostile_and_usage(void)
{
    const char *hostile[] = {"\"", "NEAR(",       "*",        "a-b", "don't",  "caption:x",
                             "OR", "' OR 1=1 --", "\xff\xfe", "-",   "putin)", "{caption}:putin"};
    for (gsize i = 0; i < G_N_ELEMENTS(hostile); i++) {
        Run r = RUN("search", "--json", "--", hostile[i]);
        g_assert_cmpint(r.status, ==, 0);
        g_autoptr(JsonParser) p = json_parser_new();
        g_assert_true(json_parser_load_from_data(p, r.out, -1, NULL));
        run_clear(&r);
    }
    /* a query that is a dash-word needs no "--" */
    expect(FOUND("-putin", "--from", "2023-04-15", "--to", "2023-04-15"), "fire");

    struct {
        const char *option, *value, *says;
    } bad[] = {
        {"--from", "2023-02-30", "--from"}, {"--to", "April", "--to"},
        {"--sort", "size", "--sort"},       {"--limit", "0", "limit"},
        {"--limit", "5000", "limit"},       {"--offset", "-1", "offset"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        Run r = RUN("search", bad[i].option, bad[i].value);
        g_assert_cmpint(r.status, ==, 2);
        g_assert_nonnull(strstr(r.err, bad[i].says));
        g_assert_cmpstr(r.out, ==, "");
        run_clear(&r);
    }
    /* a library that does not exist is not made by a search */
    g_autofree char *saved = library;
    library = g_build_filename(workdir, "no-such-library", NULL);
    Run r = RUN("search", "putin");
    g_assert_cmpint(r.status, !=, 0);
    g_assert_nonnull(strstr(r.err, "no-such-library"));
    g_assert_false(g_file_test(library, G_FILE_TEST_EXISTS));
    run_clear(&r);
    g_free(library);
    library = g_steal_pointer(&saved);
}

/* photodesk pick: set and shown, by the user running it; bad values are usage errors;
 * search --rating and --label find them, and --facets counts them. */
static void
test_picks(void)
{
    /* a library of its own: the suite's is shared by the other tests */
    char *shared_workdir = workdir, *shared_library = library;
    setup();
    g_autofree char *a = make_photo("a.jpg", 64, 48, 1, NULL, 0);
    g_autofree char *b = make_photo("b.jpg", 64, 48, 2, NULL, 0);
    Run in = RUN("ingest", "--json", a, b);
    g_autoptr(GHashTable) got = results(in.out);
    run_clear(&in);
    g_autofree char *ia = g_strdup_printf("%" G_GINT64_FORMAT, id_of(got, "a.jpg"));
    g_autofree char *ib = g_strdup_printf("%" G_GINT64_FORMAT, id_of(got, "b.jpg"));

    Run shown = RUN("pick", ia);
    g_assert_cmpint(shown.status, ==, 0);
    g_assert_nonnull(strstr(shown.out, "not picked"));
    run_clear(&shown);
    Run set = RUN("pick", "--rating", "5", "--label", "blue", ia);
    g_assert_cmpint(set.status, ==, 0);
    g_assert_nonnull(
        strstr(set.out, "\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85 blue"));
    g_assert_nonnull(strstr(set.out, g_get_user_name()));
    run_clear(&set);
    Run json = RUN("pick", "--json", "--rating", "2", ib);
    g_assert_nonnull(strstr(json.out, "\"rating\": 2"));
    run_clear(&json);
    Run too_many = RUN("pick", "--rating", "9", ia);
    Run pink = RUN("pick", "--label", "pink", ia);
    Run not_id = RUN("pick", "--rating", "1", "x7");
    Run *usage_errors[] = {&too_many, &pink, &not_id};
    for (gsize i = 0; i < G_N_ELEMENTS(usage_errors); i++) {
        g_assert_cmpint(usage_errors[i]->status, ==, 2);
        run_clear(usage_errors[i]);
    }
    Run missing = RUN("pick", "--rating", "1", "999");
    g_assert_cmpint(missing.status, ==, 1);
    g_assert_nonnull(strstr(missing.err, "no photo 999"));
    run_clear(&missing);

    Run blue = RUN("search", "--label", "blue");
    g_assert_nonnull(strstr(blue.out, "1 photo found"));
    run_clear(&blue);
    Run rated = RUN("search", "--rating", "2", "--json");
    g_assert_nonnull(strstr(rated.out, "\"total\": 2"));
    run_clear(&rated);
    Run five = RUN("search", "--rating", "5");
    g_assert_nonnull(strstr(five.out, "1 photo found"));
    run_clear(&five);
    Run facets = RUN("search", "--facets");
    g_assert_nonnull(strstr(facets.out, "by label: none (1) blue (1)"));
    run_clear(&facets);
    Run usage = RUN("search", "--label", "pink");
    g_assert_cmpint(usage.status, ==, 2);
    run_clear(&usage);
    teardown();
    workdir = shared_workdir;
    library = shared_library;
}

/* Lightboxes and saved searches from the command line, in the suite's library. */
static void
test_lightboxes_and_saved(void)
{
    g_autofree char *putin = g_strdup_printf(
        "%" G_GINT64_FORMAT, (gint64)GPOINTER_TO_SIZE(g_hash_table_lookup(ids, "putin.jpg")));
    g_autofree char *fire = g_strdup_printf(
        "%" G_GINT64_FORMAT, (gint64)GPOINTER_TO_SIZE(g_hash_table_lookup(ids, "fire.jpg")));
    Run made = RUN("lightbox", "new", "Front page");
    g_assert_cmpint(made.status, ==, 0);
    run_clear(&made);
    Run twice = RUN("lightbox", "new", "front PAGE");
    g_assert_cmpint(twice.status, ==, 1);
    g_assert_nonnull(strstr(twice.err, "already"));
    run_clear(&twice);
    Run add = RUN("lightbox", "add", "Front page", fire, putin);
    g_assert_cmpint(add.status, ==, 0);
    g_assert_nonnull(strstr(add.out, "2 photos added"));
    run_clear(&add);
    Run missing = RUN("lightbox", "add", "Front page", putin, "999999");
    g_assert_cmpint(missing.status, ==, 1);
    g_assert_nonnull(strstr(missing.err, "no photo 999999"));
    run_clear(&missing);
    Run bad = RUN("lightbox", "add", "Front page", "x");
    g_assert_cmpint(bad.status, ==, 2);
    run_clear(&bad);
    Run show = RUN("lightbox", "show", "--json", "Front page");
    g_autofree char *order = g_strdup_printf("\"photo_ids\": [%s, %s]", fire, putin);
    g_assert_nonnull(strstr(show.out, order));
    run_clear(&show);
    expect(FOUND("--lightbox", "front page"), "fire putin");
    expect(FOUND("--lightbox", "Front page", "putin"), "putin");
    Run nobox = RUN("search", "--lightbox", "Back page");
    g_assert_cmpint(nobox.status, ==, 1);
    run_clear(&nobox);

    /* saved: the search without its page; run again, with an option changed for the run */
    Run save = RUN("search", "--save", "Fires", "--limit", "1", "fire");
    g_assert_cmpint(save.status, ==, 0);
    run_clear(&save);
    Run list = RUN("saved");
    g_assert_nonnull(strstr(list.out, "Fires"));
    g_assert_nonnull(strstr(list.out, "q=fire  "));
    run_clear(&list);
    expect(FOUND("--saved", "Fires"), "fire");
    expect(FOUND("--saved", "Fires", "--lightbox", "Front page"), "fire");
    Run gone = RUN("search", "--saved", "Floods");
    g_assert_cmpint(gone.status, ==, 1);
    g_assert_nonnull(strstr(gone.err, "no saved search called \"Floods\""));
    run_clear(&gone);
    Run removed = RUN("saved", "remove", "Fires");
    g_assert_cmpint(removed.status, ==, 0);
    run_clear(&removed);
    Run take = RUN("lightbox", "remove", "Front page", putin);
    g_assert_nonnull(strstr(take.out, "1 photo taken out"));
    run_clear(&take);
    Run del = RUN("lightbox", "delete", "Front page");
    g_assert_cmpint(del.status, ==, 0);
    run_clear(&del);
    Run none = RUN("lightbox", "list");
    g_assert_cmpstr(none.out, ==, "");
    run_clear(&none);
}

/* Code replacements from the command line: a Photo Mechanic file imported, written out
 * again, merged with another; expanded; a file that cannot be read names its line. */
static void
test_codes(void)
{
    g_autofree char *file = g_build_filename(workdir, "codes.txt", NULL);
    g_assert_true(g_file_set_contents(
        file, "\xef\xbb\xbf// politics\r\nput\tRussian President Vladimir Putin\tPutin\r\n", -1,
        NULL));
    Run in = RUN("codes", "import", file);
    g_assert_cmpint(in.status, ==, 0);
    g_assert_nonnull(strstr(in.out, "1 codes read"));
    run_clear(&in);
    Run out = RUN("codes", "export");
    g_assert_cmpstr(out.out, ==, "put\tRussian President Vladimir Putin\tPutin\n");
    run_clear(&out);
    g_autofree char *more = g_build_filename(workdir, "more.txt", NULL);
    g_assert_true(
        g_file_set_contents(more, "zel\tUkrainian President Volodymyr Zelenskyy\n", -1, NULL));
    Run merged = RUN("codes", "import", "--merge", more);
    g_assert_nonnull(strstr(merged.out, "the desk has 2"));
    run_clear(&merged);
    Run expanded = RUN("codes", "expand", "=put= and =zel= met; =put#2= spoke");
    g_assert_cmpint(expanded.status, ==, 0);
    g_assert_cmpstr(expanded.out, ==,
                    "Russian President Vladimir Putin and Ukrainian President Volodymyr Zelenskyy "
                    "met; Putin spoke\n");
    run_clear(&expanded);
    Run unknown = RUN("codes", "expand", "=who=");
    g_assert_cmpint(unknown.status, ==, 1);
    g_assert_nonnull(strstr(unknown.err, "=who="));
    run_clear(&unknown);
    g_autofree char *bad = g_build_filename(workdir, "bad.txt", NULL);
    g_assert_true(g_file_set_contents(bad, "ok\tfine\nno replacement\n", -1, NULL));
    Run refused = RUN("codes", "import", bad);
    g_assert_cmpint(refused.status, ==, 1);
    g_assert_nonnull(strstr(refused.err, "line 2"));
    run_clear(&refused);
    Run kept = RUN("codes", "list", "--json");
    g_assert_nonnull(strstr(kept.out, "\"zel\"")); /* the refused file changed nothing */
    run_clear(&kept);
}

/* A batch edit and a template from the command line: previewed (nothing written),
 * applied as one batch with the photo's variables, undone once. */
static void
test_batch_and_template(void)
{
    g_autofree char *putin = g_strdup_printf(
        "%" G_GINT64_FORMAT, (gint64)GPOINTER_TO_SIZE(g_hash_table_lookup(ids, "putin.jpg")));
    g_autofree char *fire = g_strdup_printf(
        "%" G_GINT64_FORMAT, (gint64)GPOINTER_TO_SIZE(g_hash_table_lookup(ids, "fire.jpg")));
    Run saved = RUN("template", "save", "Desk note", "--set",
                    "special-instructions=No. {seq:2}: {byline} in {city} ({nothing})", "--append",
                    "keywords=desk");
    g_assert_cmpint(saved.status, ==, 0);
    run_clear(&saved);
    Run preview = RUN("template", "apply", "desk note", "--preview", "--json", putin, fire);
    g_assert_cmpint(preview.status, ==, 0);
    g_assert_nonnull(strstr(preview.out, "No. 01: "));
    g_assert_nonnull(strstr(preview.out, "No. 02: "));
    g_assert_nonnull(strstr(preview.out, "\"missing\""));
    g_autoptr(JsonParser) previewed = json_parser_new();
    g_assert_true(json_parser_load_from_data(previewed, preview.out, -1, NULL));
    run_clear(&preview);
    Run shown = RUN("show", "--json", putin);
    g_assert_null(strstr(shown.out, "No. 01")); /* a preview writes nothing, not even history */
    run_clear(&shown);
    Run applied = RUN("template", "apply", "Desk note", putin, fire);
    g_assert_cmpint(applied.status, ==, 0);
    g_assert_nonnull(strstr(applied.out, "2 photos changed"));
    int batch = 0;
    g_assert_cmpint(sscanf(applied.out, "batch %d:", &batch), ==, 1);
    run_clear(&applied);
    Run after = RUN("show", "--json", fire);
    g_assert_nonnull(strstr(after.out, "\"special_instructions\": \"No. 02: "));
    run_clear(&after);
    /* what the preview said of each photo is what the batch made of it, field by field */
    JsonArray *previewed_photos = json_object_get_array_member(
        json_node_get_object(json_parser_get_root(previewed)), "photos");
    g_assert_cmpuint(json_array_get_length(previewed_photos), ==, 2);
    for (guint i = 0; i < json_array_get_length(previewed_photos); i++) {
        JsonObject *p = json_array_get_object_element(previewed_photos, i);
        g_autofree char *id =
            g_strdup_printf("%" G_GINT64_FORMAT, json_object_get_int_member(p, "id"));
        Run shown_now = RUN("show", "--json", id);
        g_autoptr(JsonParser) now = json_parser_new();
        g_assert_true(json_parser_load_from_data(now, shown_now.out, -1, NULL));
        JsonObject *o = json_node_get_object(json_parser_get_root(now));
        JsonArray *changes = json_object_get_array_member(p, "changes");
        for (guint k = 0; k < json_array_get_length(changes); k++) {
            JsonObject *c = json_array_get_object_element(changes, k);
            const char *field = json_object_get_string_member(c, "field");
            JsonNode *value = json_object_get_member(o, field);
            g_autoptr(GString) text = g_string_new(NULL);
            if (value && JSON_NODE_HOLDS_ARRAY(value)) {
                JsonArray *list = json_node_get_array(value);
                for (guint n = 0; n < json_array_get_length(list); n++)
                    g_string_append_printf(text, "%s%s", n ? "; " : "",
                                           json_array_get_string_element(list, n));
            } else if (value && JSON_NODE_HOLDS_VALUE(value)) {
                g_string_append(text, json_node_get_string(value));
            }
            g_assert_cmpstr(text->str, ==, json_object_get_string_member(c, "to"));
        }
        run_clear(&shown_now);
    }
    g_autofree char *b = g_strdup_printf("%d", batch);
    Run undo = RUN("edit", "--undo", b);
    g_assert_cmpint(undo.status, ==, 0);
    run_clear(&undo);
    Run again = RUN("edit", "--undo", b);
    g_assert_cmpint(again.status, ==, 1);
    g_assert_nonnull(strstr(again.err, "undone already"));
    run_clear(&again);
    Run back = RUN("show", "--json", fire);
    g_assert_null(strstr(back.out, "\"special_instructions\": \"No. 02: "));
    run_clear(&back);
    Run bad = RUN("edit", "--set", "width=3", putin);
    g_assert_cmpint(bad.status, ==, 2);
    g_assert_nonnull(strstr(bad.err, "not a field an editor corrects"));
    run_clear(&bad);
    Run removed = RUN("template", "remove", "Desk note");
    g_assert_cmpint(removed.status, ==, 0);
    run_clear(&removed);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ingest_all();
    g_test_add_func("/cli/search/words", test_words);
    g_test_add_func("/cli/search/matching", test_matching);
    g_test_add_func("/cli/search/dates", test_dates);
    g_test_add_func("/cli/search/optimized", test_optimized);
    g_test_add_func("/cli/search/filters", test_filters);
    g_test_add_func("/cli/search/lightboxes-and-saved", test_lightboxes_and_saved);
    g_test_add_func("/cli/search/codes", test_codes);
    g_test_add_func("/cli/search/batch-and-template", test_batch_and_template);
    g_test_add_func("/cli/search/orders", test_orders);
    g_test_add_func("/cli/search/snippet-and-fields", test_snippet_and_fields);
    g_test_add_func("/cli/pick", test_picks);
    g_test_add_func("/cli/search/facets-and-paging", test_facets_and_paging);
    g_test_add_func("/cli/search/hostile-and-usage", test_hostile_and_usage);
    int status = g_test_run();
    teardown();
    g_hash_table_unref(ids);
    return status;
}
