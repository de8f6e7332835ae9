/* bench-search.c: builds a catalog of N synthetic news photos through the catalog API,
 * then times searches of three classes (see bench/README.md).
 *
 *   bench-search CATALOG N QUERIES [QUERY [FROM TO]]
 *
 * CATALOG is a file (SQLite) or a postgresql:// URL; it is built when it holds no photo
 * yet, and QUERIES 0 only builds it.
 * With QUERY, the catalog (built first if it is not there) is searched for QUERY alone,
 * 50 times, and the best and median times printed: for looking into one query.
 * Captions are 30 to 50 words drawn from a Zipf vocabulary (a handful of very common
 * news words, a long tail of rare ones), with headlines, keywords, photographers,
 * agencies and distributors, cities and countries; photos were taken over ten years and
 * mostly arrive in date order, with one in ten an archive photo from any earlier date.
 * Prints the build rate, then p50/p99 per query class, one line each: a first pass,
 * then the same queries again ("class ..."), then the sorted comparison.
 */
#include "catalog/catalog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Common news words first: the head of the Zipf distribution. */
static const char *const head[] = {
    "president", "police",   "people",   "protest",    "city",      "government", "minister",
    "during",    "after",    "children", "people",     "officials", "election",   "military",
    "fire",      "attack",   "meeting",  "march",      "capital",   "border",     "court",
    "leader",    "security", "troops",   "workers",    "women",     "festival",   "match",
    "game",      "team",     "fans",     "players",    "season",    "national",   "world",
    "cup",       "storm",    "flood",    "church",     "service",   "celebrate",  "holiday",
    "visit",     "speech",   "rally",    "parliament", "vote",      "campaign",   "police",
    "residents", "damaged",  "building", "street",     "square",    "river",      "bridge",
};

#define VOCABULARY 60000
#define ZIPF_S     1.05

typedef struct {
    char **words;
    double *cdf;
    int n;
} Vocabulary;

static char *
make_word(GRand *r)
{
    static const char *const syllables[] = {"ka",  "lo",  "mi",  "ne",  "ru",  "sa",  "ti",
                                            "vo",  "ber", "dan", "gor", "hal", "jen", "kor",
                                            "lin", "mar", "nor", "pel", "ros", "tan", "vik",
                                            "zel", "ast", "erg", "ind", "olm", "usk", "yar"};
    int n = g_rand_int_range(r, 2, 5);
    GString *s = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append(s, syllables[g_rand_int_range(r, 0, G_N_ELEMENTS(syllables))]);
    return g_string_free(s, FALSE);
}

static void
vocabulary_init(Vocabulary *v, GRand *r)
{
    v->n = VOCABULARY;
    v->words = g_new(char *, v->n);
    v->cdf = g_new(double, v->n);
    for (int i = 0; i < v->n; i++)
        v->words[i] = i < (int)G_N_ELEMENTS(head) ? g_strdup(head[i]) : make_word(r);
    double sum = 0;
    for (int i = 0; i < v->n; i++) {
        sum += 1.0 / pow(i + 1, ZIPF_S);
        v->cdf[i] = sum;
    }
    for (int i = 0; i < v->n; i++)
        v->cdf[i] /= sum;
}

static int
zipf(const Vocabulary *v, GRand *r)
{
    double x = g_rand_double(r);
    int lo = 0, hi = v->n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v->cdf[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const char *const cities[][2] = {
    {"Moscow", "Russia"},         {"Kyiv", "Ukraine"},     {"Washington", "United States"},
    {"London", "United Kingdom"}, {"Paris", "France"},     {"Berlin", "Germany"},
    {"Zürich", "Switzerland"},    {"Łódź", "Poland"},      {"Kraków", "Poland"},
    {"Tromsø", "Norway"},         {"São Paulo", "Brazil"}, {"Beijing", "China"},
    {"Tokyo", "Japan"},           {"Nairobi", "Kenya"},    {"Cairo", "Egypt"},
    {"Madrid", "Spain"},          {"Rome", "Italy"},       {"Sydney", "Australia"},
};
static const char *const distributors[] = {"AP",           "Reuters", "AFP",
                                           "Getty Images", "EPA-EFE", "dpa"};

/* For BENCH_SEARCH_NAMES: the people captions name. */
static const char *const people[] = {
    "Vladimir Putin",   "Emmanuel Macron",     "Olaf Scholz",         "Giorgia Meloni",
    "Pedro Sanchez",    "Keir Starmer",        "Donald Tusk",         "Viktor Orban",
    "Ursula Leyen",     "Antonio Guterres",    "Narendra Modi",       "Fumio Kishida",
    "Recep Erdogan",    "Volodymyr Zelenskyy", "Joe Biden",           "Kamala Harris",
    "Justin Trudeau",   "Anthony Albanese",    "Cyril Ramaphosa",     "Javier Milei",
    "Gustavo Petro",    "Claudia Sheinbaum",   "Gabriel Boric",       "Benjamin Netanyahu",
    "Mahmoud Abbas",    "Lionel Messi",        "Cristiano Ronaldo",   "Kylian Mbappe",
    "Erling Haaland",   "Luka Modric",         "Novak Djokovic",      "Carlos Alcaraz",
    "Iga Swiatek",      "Aryna Sabalenka",     "Jannik Sinner",       "Taylor Swift",
    "Greta Thunberg",   "Mette Frederiksen",   "Ulf Kristersson",     "Petteri Orpo",
    "Kaja Kallas",      "Gitanas Nauseda",     "Maia Sandu",          "Klaus Iohannis",
    "Andrej Plenkovic", "Aleksandar Vucic",    "Kyriakos Mitsotakis", "Robert Golob",
};

static PdCatalogPhoto *
make_photo(const Vocabulary *v, GRand *r, gint64 i, gint64 n, GArray *day_of)
{
    PdCatalogPhoto *p = pd_catalog_photo_new();
    char sha[65];
    g_snprintf(sha, sizeof sha, "%064" G_GINT64_MODIFIER "x", i + 1);
    p->sha256 = g_strdup(sha);
    p->format = g_strdup("jpeg");
    p->ext = g_strdup("jpg");
    p->bytes = 7000000;
    p->width = 6000;
    p->height = 4000;
    /* ten years, arriving in date order, one in ten from the archive */
    int days = 3650;
    int day = (int)(i * days / MAX(n, 1));
    if (g_rand_int_range(r, 0, 10) == 0)
        day = g_rand_int_range(r, 0, MAX(day, 1));
    g_array_append_val(day_of, day);
    GDate *d = g_date_new_dmy(1, G_DATE_JANUARY, 2016);
    g_date_add_days(d, (guint)day);
    char date[64];
    g_snprintf(date, sizeof date, "%04d-%02d-%02dT%02d:%02d:%02d+03:00", g_date_get_year(d),
               g_date_get_month(d), g_date_get_day(d), g_rand_int_range(r, 0, 24),
               g_rand_int_range(r, 0, 60), g_rand_int_range(r, 0, 60));
    g_date_free(d);
    p->date_created = g_strdup(date);
    p->date_created_local = g_strndup(date, 10);

    int words = g_rand_int_range(r, 30, 51);
    GString *caption = g_string_new(NULL);
    if (g_getenv("BENCH_SEARCH_NAMES")) {
        /* two people, one time in twenty one of them a letter off ("Vladimir Puttin") */
        for (int k = 0; k < 2; k++) {
            const char *who = people[g_rand_int_range(r, 0, G_N_ELEMENTS(people))];
            gsize len = strlen(who);
            if (g_rand_int_range(r, 0, 20) == 0)
                g_string_append_printf(caption, "%.*s%c%s", (int)(len - 1), who, who[len - 2],
                                       who + len - 1);
            else
                g_string_append(caption, who);
            g_string_append(caption, k ? " meet. " : " and ");
        }
    }
    for (int k = 0; k < words; k++)
        g_string_append_printf(caption, "%s%s", k ? " " : "", v->words[zipf(v, r)]);
    int c = g_rand_int_range(r, 0, G_N_ELEMENTS(cities));
    g_string_append_printf(caption, " in %s, %s.", cities[c][0], cities[c][1]);
    int photographer = g_rand_int_range(r, 0, 2000);
    const char *dist = distributors[g_rand_int_range(r, 0, G_N_ELEMENTS(distributors))];
    char name[64];
    g_snprintf(name, sizeof name, "%s %s", v->words[100 + photographer % 900],
               v->words[2000 + photographer]);
    name[0] = g_ascii_toupper(name[0]);
    p->photographer = g_strdup(name);
    p->distributor = g_strdup(dist);
    p->credit_line = g_strdup_printf("%s/%s", name, dist);
    g_string_append_printf(caption, " (%s/%s)", name, dist);
    p->caption = g_string_free(caption, FALSE);
    p->caption_body = g_strdup(p->caption);
    p->headline =
        g_strdup_printf("%s %s %s", cities[c][1], v->words[zipf(v, r)], v->words[zipf(v, r)]);
    p->byline = g_strdup(name);
    p->credit = g_strdup(dist);
    p->source = g_strdup(dist);
    p->city = g_strdup(cities[c][0]);
    p->country = g_strdup(cities[c][1]);
    int kw = g_rand_int_range(r, 3, 7);
    for (int k = 0; k < kw; k++)
        g_ptr_array_add(p->keywords, g_strdup(v->words[zipf(v, r)]));
    p->restrictions = g_strdup("{}");
    p->checks = g_strdup("[]");
    p->warnings = g_strdup("[]");
    return p;
}

static int
compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
percentile(GArray *ms, double q)
{
    g_array_sort(ms, compare_double);
    guint i = (guint)ceil(q * ms->len) - 1;
    return g_array_index(ms, double, MIN(i, ms->len - 1));
}

typedef struct {
    const char *name;
    double p50, p99;
    gint64 matches;
} Class;

static void
run_class(PdCatalog *cat, Class *cls, GPtrArray *queries, GPtrArray *froms, GPtrArray *tos,
          PdSearchSort sort)
{
    GArray *ms = g_array_new(FALSE, FALSE, sizeof(double));
    gint64 matches = 0;
    double slowest = 0;
    const char *slowest_query = NULL;
    for (guint i = 0; i < queries->len; i++) {
        PdSearchRequest req = {0};
        req.query = g_ptr_array_index(queries, i);
        if (froms) {
            req.from = g_ptr_array_index(froms, i);
            req.to = g_ptr_array_index(tos, i);
        }
        req.limit = 50;
        req.sort = sort;
        gint64 t0 = g_get_monotonic_time();
        GError *error = NULL;
        PdSearchResult *r = pd_catalog_search(cat, &req, &error);
        double t = (g_get_monotonic_time() - t0) / 1000.0;
        if (r == NULL)
            g_error("search \"%s\": %s", req.query, error->message);
        matches += r->total;
        pd_search_result_free(r);
        g_array_append_val(ms, t);
        if (t > slowest) {
            slowest = t;
            slowest_query = req.query;
        }
    }
    cls->p50 = percentile(ms, 0.50);
    cls->p99 = percentile(ms, 0.99);
    cls->matches = matches / MAX(queries->len, 1);
    fprintf(stderr, "%s: slowest %.1f ms, \"%s\"\n", cls->name, slowest, slowest_query);
    g_array_unref(ms);
}

static char *
day_string(int day)
{
    GDate *d = g_date_new_dmy(1, G_DATE_JANUARY, 2016);
    g_date_add_days(d, (guint)day);
    char *s = g_strdup_printf("%04d-%02d-%02d", g_date_get_year(d), g_date_get_month(d),
                              g_date_get_day(d));
    g_date_free(d);
    return s;
}

int
main(int argc, char **argv)
{
    if (argc != 4 && argc != 5 && argc != 7) {
        fprintf(stderr,
                "usage: %s CATALOG N QUERIES [QUERY [FROM TO]]\n"
                "  (with BENCH_SEARCH_NAMES set, each caption opens with two people's names,\n"
                "  one in twenty written a letter off: bench/names/run)\n",
                argv[0]);
        return 2;
    }
    const char *path = argv[1];
    gint64 n = g_ascii_strtoll(argv[2], NULL, 10);
    int nq = atoi(argv[3]);
    GRand *r = g_rand_new_with_seed(1);
    Vocabulary v;
    vocabulary_init(&v, r);
    GError *error = NULL;

    PdCatalog *cat = pd_catalog_open(path, PD_CATALOG_READ_WRITE, &error);
    if (cat == NULL)
        g_error("%s", error->message);
    /* built when it holds no photo yet: a new file, a new database, or one made
     * beforehand with other settings to compare */
    gboolean build = pd_catalog_count_photos(cat, &error) == 0;
    GArray *day_of = g_array_new(FALSE, FALSE, sizeof(int));
    double build_rate = 0;
    if (build) {
        /* Only the catalog's work is timed: each batch is made first, then added in one
         * transaction, as ingest commits its batches. */
        gint64 spent = 0, mark_spent = 0, mark_i = 0;
        GPtrArray *batch = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_photo_free);
        for (gint64 i = 0; i < n;) {
            for (int k = 0; k < 20000 && i < n; k++, i++)
                g_ptr_array_add(batch, make_photo(&v, r, i, n, day_of));
            gint64 t0 = g_get_monotonic_time();
            if (!pd_catalog_begin(cat, &error))
                g_error("%s", error->message);
            for (guint k = 0; k < batch->len; k++)
                if (!pd_catalog_add_photo(cat, g_ptr_array_index(batch, k), NULL, "bench", &error))
                    g_error("%s", error->message);
            if (!pd_catalog_commit(cat, &error))
                g_error("%s", error->message);
            gint64 took = g_get_monotonic_time() - t0;
            spent += took;
            if (took > 4 * G_USEC_PER_SEC) /* a batch that takes three times the usual */
                fprintf(stderr, "the batch ending at %" G_GINT64_FORMAT " took %.1f s\n", i,
                        took / 1e6);
            g_ptr_array_set_size(batch, 0);
            if (i % 1000000 == 0) { /* the rate of the last million: how it slows as it grows */
                fprintf(stderr,
                        "%" G_GINT64_FORMAT " photos: %.0f photos/s for the last %" G_GINT64_FORMAT
                        "\n",
                        i, (i - mark_i) / ((spent - mark_spent) / 1e6), i - mark_i);
                mark_i = i;
                mark_spent = spent;
            }
        }
        g_ptr_array_unref(batch);
        build_rate = n / (spent / 1e6);
        fprintf(stderr, "built %" G_GINT64_FORMAT " photos: %.0f photos/s\n", n, build_rate);
    }
    printf("build %.0f\n", build_rate);
    pd_catalog_close(cat);
    if (nq == 0) /* only built */
        return 0;

    /* Query with a read-only connection, as the web server would. */
    cat = pd_catalog_open(path, PD_CATALOG_READ_ONLY, &error);
    if (cat == NULL)
        g_error("%s", error->message);
    if (argc >= 5) {
        GPtrArray *one = g_ptr_array_new(), *from = g_ptr_array_new(), *to = g_ptr_array_new();
        int times = g_getenv("BENCH_TIMES") ? atoi(g_getenv("BENCH_TIMES")) : 50;
        for (int i = 0; i < times; i++) {
            g_ptr_array_add(one, argv[4]);
            g_ptr_array_add(from, argc == 7 ? argv[5] : NULL);
            g_ptr_array_add(to, argc == 7 ? argv[6] : NULL);
        }
        Class cls = {"one"};
        run_class(cat, &cls, one, from, to, PD_SEARCH_SORT_DATE);
        printf("\"%s\": p50 %.2f ms, p99 %.2f ms, %" G_GINT64_FORMAT " matches\n", argv[4], cls.p50,
               cls.p99, cls.matches);
        pd_catalog_close(cat);
        return 0;
    }
    GRand *q = g_rand_new_with_seed(2);
    GPtrArray *words_dates = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *froms = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *tos = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *common = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *prefix = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < nq; i++) {
        /* 2-3 words an editor would type: from the first few thousand of the vocabulary */
        int k = g_rand_int_range(q, 2, 4);
        GString *s = g_string_new(NULL);
        for (int j = 0; j < k; j++)
            g_string_append_printf(s, "%s%s", j ? " " : "", v.words[g_rand_int_range(q, 0, 3000)]);
        g_ptr_array_add(words_dates, g_string_free(s, FALSE));
        int start = g_rand_int_range(q, 0, 3650 - 30);
        int span = g_rand_int_range(q, 30, 730);
        g_ptr_array_add(froms, day_string(start));
        g_ptr_array_add(tos, day_string(MIN(start + span, 3649)));
        g_ptr_array_add(common, g_strdup(v.words[g_rand_int_range(q, 0, 20)]));
        const char *w = v.words[g_rand_int_range(q, 0, 3000)];
        const char *pre = v.words[g_rand_int_range(q, 0, 3000)];
        g_ptr_array_add(prefix, g_strdup_printf("%s %.3s*", w, pre));
    }
    /* The three classes of the targets, twice: the first pass reads what the machine's
     * page cache no longer holds (here, memory left idle is taken back from it), the
     * second is a server whose catalog is in memory. Then, for comparison, the common
     * words newest ingest first: a plan that sorts every match (by id), as sorting by a
     * date column would. */
    Class first[3] = {{"words+dates"}, {"common word"}, {"prefix"}};
    Class classes[4] = {{"words+dates"}, {"common word"}, {"prefix"}, {"common word sorted"}};
    for (int pass = 0; pass < 2; pass++) {
        Class *c = pass == 0 ? first : classes;
        run_class(cat, &c[0], words_dates, froms, tos, PD_SEARCH_SORT_DATE);
        run_class(cat, &c[1], common, NULL, NULL, PD_SEARCH_SORT_DATE);
        run_class(cat, &c[2], prefix, NULL, NULL, PD_SEARCH_SORT_DATE);
    }
    /* BENCH_UNSORTED=1 leaves it out: it takes minutes at ten million */
    int nclasses = g_getenv("BENCH_UNSORTED") ? 3 : 4;
    if (nclasses == 4)
        run_class(cat, &classes[3], common, NULL, NULL, PD_SEARCH_SORT_ARRIVED);
    for (int i = 0; i < 3; i++)
        printf("first pass %s p50 %.2f p99 %.2f\n", first[i].name, first[i].p50, first[i].p99);
    for (int i = 0; i < nclasses; i++)
        printf("class %s p50 %.2f p99 %.2f matches %" G_GINT64_FORMAT "\n", classes[i].name,
               classes[i].p50, classes[i].p99, classes[i].matches);
    pd_catalog_close(cat);
    return 0;
}
