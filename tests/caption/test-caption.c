/* test-caption.c: credit trailers beyond the shared examples, restrictions, slug and
 * top pick, and every caption check. */
#include "caption/caption.h"

#include <string.h>

typedef struct {
    const char *caption;
    const char *body, *photographer, *agency, *distributor, *credit_line;
    gboolean pool, handout, file_photo;
} Case;

/* Conventions of ../shared/captions/README.md, in captions that are not in its file. */
static const Case cases[] = {
    {"Crowds gather. (AP Photo/Efrem Lukatsky, Pool)", "Crowds gather.", "Efrem Lukatsky", NULL,
     "AP", "Efrem Lukatsky/Pool via AP", TRUE, FALSE, FALSE},
    {"Senators meet. (Sarah Silbiger/Pool Photo via AP, File)", "Senators meet.", "Sarah Silbiger",
     NULL, "AP", "Sarah Silbiger/Pool via AP", TRUE, FALSE, TRUE},
    {"A ship at sea. (U.S. Navy via AP)", "A ship at sea.", NULL, "U.S. Navy", "AP",
     "U.S. Navy via AP", FALSE, TRUE, FALSE},
    {"A premiere. (Photo by Richard Shotwell/Invision/AP, File)", "A premiere.", "Richard Shotwell",
     "Invision", "AP", "Richard Shotwell/Invision via AP", FALSE, FALSE, TRUE},
    {"Rally in Paris. (Photo by ANDREW CABALLERO-REYNOLDS / AFP)", "Rally in Paris.",
     "Andrew Caballero-Reynolds", NULL, "AFP", "Andrew Caballero-Reynolds/AFP", FALSE, FALSE,
     FALSE},
    {"Tanks move. (Photo by Handout / RUSSIAN DEFENCE MINISTRY / AFP)", "Tanks move.", NULL,
     "Russian Defence Ministry", "AFP", "Russian Defence Ministry via AFP", FALSE, TRUE, FALSE},
    {"A parade in Pyongyang. (Photo by STR / KCNA VIA KNS / AFP)", "A parade in Pyongyang.", NULL,
     "KCNA via KNS", "AFP", "KCNA via KNS via AFP", FALSE, FALSE, FALSE},
    {"Protest. (Photo by - / AFP)", "Protest.", NULL, NULL, "AFP", "AFP", FALSE, FALSE, FALSE},
    {"A vote. (Photo by OLIVIER DOULIERY/AFP via Getty Images)", "A vote.", "Olivier Douliery",
     "AFP", "Getty Images", "Olivier Douliery/AFP via Getty Images", FALSE, FALSE, FALSE},
    {"A gala. (Photo by Kevin Mazur/Getty Images for Tribeca Festival)", "A gala.", "Kevin Mazur",
     NULL, "Getty Images", "Kevin Mazur/Getty Images", FALSE, FALSE, FALSE},
    {"Traders work, May 3, 2023. REUTERS/Brendan McDermid", "Traders work, May 3, 2023.",
     "Brendan McDermid", NULL, "Reuters", "Brendan McDermid/Reuters", FALSE, FALSE, FALSE},
    {"A press conference. Ukrainian Presidential Press Service/Handout via REUTERS ATTENTION "
     "EDITORS - THIS IMAGE HAS BEEN SUPPLIED BY A THIRD PARTY.",
     "A press conference.", NULL, "Ukrainian Presidential Press Service", "Reuters",
     "Ukrainian Presidential Press Service via Reuters", FALSE, TRUE, FALSE},
    {"A summit. Sputnik/David J. Phillip/Pool via REUTERS", "A summit.", "David J. Phillip",
     "Sputnik", "Reuters", "David J. Phillip/Sputnik/Pool via Reuters", TRUE, FALSE, FALSE},
    {"Fans cheer, 09 May 2023. EPA-EFE/MIGUEL TOÑA", "Fans cheer, 09 May 2023.", "Miguel Toña",
     NULL, "EPA-EFE", "Miguel Toña/EPA-EFE", FALSE, FALSE, FALSE},
    {"A meeting. EPA-EFE/UKRAINIAN PRESIDENTIAL PRESS SERVICE HANDOUT HANDOUT EDITORIAL USE "
     "ONLY/NO SALES",
     "A meeting.", NULL, "Ukrainian Presidential Press Service", "EPA-EFE",
     "Ukrainian Presidential Press Service via EPA-EFE", FALSE, TRUE, FALSE},
    {"Der Bundestag. Foto: Bernd von Jutrczenka/dpa", "Der Bundestag.", "Bernd von Jutrczenka",
     NULL, "dpa", "Bernd von Jutrczenka/dpa", FALSE, FALSE, FALSE},
    {"A ceremony. Photo: Michael Kappeler/dpa-Pool/dpa", "A ceremony.", "Michael Kappeler", NULL,
     "dpa", "Michael Kappeler/Pool via dpa", TRUE, FALSE, FALSE},
    {"A police car in Montreal. THE CANADIAN PRESS/Paul Chiasson", "A police car in Montreal.",
     "Paul Chiasson", NULL, "The Canadian Press", "Paul Chiasson/The Canadian Press", FALSE, FALSE,
     FALSE},
    {"A burned home. THE CANADIAN PRESS/HO-Annick deGooyer, *MANDATORY CREDIT*", "A burned home.",
     "Annick deGooyer", NULL, "The Canadian Press",
     "Annick deGooyer/Handout via The Canadian Press", FALSE, TRUE, FALSE},
    /* no trailer, or a parenthesis that is not a credit */
    {"The director (left) with her deputy (right).", "The director (left) with her deputy (right).",
     NULL, NULL, NULL, NULL, FALSE, FALSE, FALSE},
    {"Talks continue (see related story)", "Talks continue (see related story)", NULL, NULL, NULL,
     NULL, FALSE, FALSE, FALSE},
    {"", "", NULL, NULL, NULL, NULL, FALSE, FALSE, FALSE},
    {"FILE PHOTO: Smoke over the city.", "Smoke over the city.", NULL, NULL, NULL, NULL, FALSE,
     FALSE, TRUE},
};

static void
test_conventions(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const Case *k = &cases[i];
        PdCredit c;
        pd_caption_read_credit(k->caption, &c, NULL);
        g_test_message("%s", k->caption);
        g_assert_cmpstr(c.body, ==, k->body);
        g_assert_cmpstr(c.photographer, ==, k->photographer);
        g_assert_cmpstr(c.agency, ==, k->agency);
        g_assert_cmpstr(c.distributor, ==, k->distributor);
        g_assert_cmpstr(c.credit_line, ==, k->credit_line);
        g_assert_cmpint(c.pool, ==, k->pool);
        g_assert_cmpint(c.handout, ==, k->handout);
        g_assert_cmpint(c.file_photo, ==, k->file_photo);
        g_assert_cmpint(c.found, ==, k->distributor != NULL);
        pd_credit_clear(&c);
    }
}

static void
test_afp_restriction_tail(void)
{
    PdCredit c;
    PdRestrictions r = {0};
    pd_caption_read_credit(
        "A meeting in Kyiv. (Photo by Handout / UKRAINIAN PRESIDENTIAL PRESS SERVICE / AFP) / "
        "RESTRICTED TO EDITORIAL USE - MANDATORY CREDIT \"AFP PHOTO / UKRAINIAN PRESIDENTIAL "
        "PRESS SERVICE\" - NO MARKETING NO ADVERTISING CAMPAIGNS - DISTRIBUTED AS A SERVICE TO "
        "CLIENTS",
        &c, &r);
    g_assert_cmpstr(c.body, ==, "A meeting in Kyiv.");
    g_assert_true(r.editorial_only);
    g_assert_true(r.mandatory_credit);
    g_assert_cmpstr(r.mandatory_credit_text, ==,
                    "AFP PHOTO / UKRAINIAN PRESIDENTIAL PRESS SERVICE");
    g_assert_nonnull(r.other);
    g_assert_cmpuint(r.other->len, ==, 2); /* unknown text is kept */
    g_assert_cmpstr(g_ptr_array_index(r.other, 0), ==, "NO MARKETING NO ADVERTISING CAMPAIGNS");
    pd_credit_clear(&c);
    pd_restrictions_clear(&r);
}

static void
check_embargo(const char *text, const char *want)
{
    PdRestrictions r = {0};
    pd_restrictions_add_text(&r, text);
    if (g_strcmp0(r.embargo_until, want) != 0)
        g_error("\"%s\": embargo %s, want %s", text, r.embargo_until ? r.embargo_until : "NULL",
                want ? want : "NULL");
    if (want == NULL) /* kept, not dropped */
        g_assert_true(r.other && r.other->len == 1);
    pd_restrictions_clear(&r);
}

static void
test_restrictions(void)
{
    check_embargo("EMBARGOED UNTIL 0001 GMT JUNE 5, 2023", "2023-06-05T00:01:00Z");
    check_embargo("Embargoed until 00:01 GMT on 5 June 2023", "2023-06-05T00:01:00Z");
    check_embargo("EMBARGOED UNTIL 10 A.M. EDT, MAY 3, 2024", "2024-05-03T14:00:00Z");
    check_embargo("EMBARGOED UNTIL 00:01 ET JANUARY 5, 2024", "2024-01-05T05:01:00Z");
    check_embargo("EMBARGOED UNTIL 00:01 ET JULY 5, 2024", "2024-07-05T04:01:00Z");
    check_embargo("EMBARGO 2023-06-05 00:01 UTC", "2023-06-05T00:01:00Z");
    check_embargo("EMBARGOED UNTIL 1800 CEST 12 JUNE 2025", "2025-06-12T16:00:00Z");
    check_embargo("EMBARGOED UNTIL FURTHER NOTICE", NULL);

    PdRestrictions r = {0};
    pd_restrictions_add_text(&r, "MANDATORY KILL");
    g_assert_true(r.kill);
    pd_restrictions_clear(&r);
    pd_restrictions_add_text(&r, "ELIMINATED");
    g_assert_true(r.kill);
    pd_restrictions_clear(&r);
    pd_restrictions_add_text(&r, "CORRECTS SPELLING OF NAME. EDITORIAL USE ONLY");
    g_assert_cmpstr(r.correction, ==, "CORRECTS SPELLING OF NAME");
    g_assert_true(r.editorial_only);
    g_assert_false(r.kill);
    pd_restrictions_clear(&r);
    pd_restrictions_add_text(&r, "REFILED TO ADD CAPTION INFORMATION");
    g_assert_cmpstr(r.correction, ==, "REFILED TO ADD CAPTION INFORMATION");
    pd_restrictions_clear(&r);
    pd_restrictions_add_text(&r, "NARCH/NARCH30");
    g_assert_true(r.no_archive);
    pd_restrictions_clear(&r);
    pd_restrictions_add_text(&r, "EDITORIAL USE ONLY/NO SALES; NO ARCHIVES; MANDATORY CREDIT: "
                                 "Jane Doe/Example Press");
    g_assert_true(r.editorial_only && r.no_sales && r.no_archive && r.mandatory_credit);
    g_assert_cmpstr(r.mandatory_credit_text, ==, "Jane Doe/Example Press");
    g_assert_null(r.other);
    pd_restrictions_clear(&r);
    /* "killed" in a sentence is not a kill notice */
    pd_restrictions_add_text(&r, "THREE PEOPLE WERE KILLED IN THE BLAST");
    g_assert_false(r.kill);
    g_assert_cmpuint(r.other->len, ==, 1);
    pd_restrictions_clear(&r);
}

static void
test_title_case(void)
{
    g_autofree char *a = pd_caption_title_case("Kirill KUDRYAVTSEV", FALSE);
    g_assert_cmpstr(a, ==, "Kirill Kudryavtsev");
    g_autofree char *b = pd_caption_title_case("UKRAINIAN PRESIDENTIAL PRESS SERVICE", TRUE);
    g_assert_cmpstr(b, ==, "Ukrainian Presidential Press Service");
    g_autofree char *c = pd_caption_title_case("KCNA VIA KNS", TRUE);
    g_assert_cmpstr(c, ==, "KCNA via KNS");
    g_autofree char *g = pd_caption_title_case("MINISTRY OF DEFENCE OF UKRAINE", TRUE);
    g_assert_cmpstr(g, ==, "Ministry of Defence of Ukraine");
    g_autofree char *d = pd_caption_title_case("JEAN-PIERRE O'NEILL", FALSE);
    g_assert_cmpstr(d, ==, "Jean-Pierre O'Neill");
    g_autofree char *e = pd_caption_title_case("ŁUKASZ GĄGULSKI", FALSE);
    g_assert_cmpstr(e, ==, "Łukasz Gągulski");
    g_autofree char *f = pd_caption_title_case("David J. Phillip", FALSE);
    g_assert_cmpstr(f, ==, "David J. Phillip");
}

static void
test_double_encoding(void)
{
    g_autofree char *a = pd_caption_repair_double_utf8("Z\xc3\x83\xc2\xbcrich");
    g_assert_cmpstr(a, ==, "Z\xc3\xbcrich");
    g_autofree char *b = pd_caption_repair_double_utf8("Krak\xc3\x83\xc2\xb3w");
    g_assert_cmpstr(b, ==, "Krak\xc3\xb3w");
    /* curly quotes through cp1252: â€œ */
    g_autofree char *q = pd_caption_repair_double_utf8("\xc3\xa2\xe2\x82\xac\xc5\x93Hi");
    g_assert_cmpstr(q, ==, "\xe2\x80\x9cHi");
    g_assert_null(pd_caption_repair_double_utf8("Z\xc3\xbcrich"));
    g_assert_null(pd_caption_repair_double_utf8("S\xc3\x83O PAULO")); /* SÃO is Portuguese */
    g_assert_null(pd_caption_repair_double_utf8("plain ascii"));
    g_assert_null(pd_caption_repair_double_utf8(NULL));
}

/* A photo's text and what is read from it. */
typedef struct {
    PD_PHOTO_TEXT_MEMBERS;
    PdCaption reading;
} Photo;

static Photo *
meta_with(const char *caption, const char *date_created)
{
    Photo *m = g_new0(Photo, 1);
    pd_photo_text_init(&m->text);
    m->caption = g_strdup(caption);
    m->date_created = g_strdup(date_created);
    return m;
}

static void
photo_free(Photo *m)
{
    pd_photo_text_clear(&m->text);
    pd_caption_clear(&m->reading);
    g_free(m);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Photo, photo_free)

static void
read_caption(Photo *m)
{
    pd_caption_read(&m->text, &m->reading);
}

static gboolean
has_check(const Photo *m, const char *code)
{
    for (guint i = 0; i < m->reading.checks->len; i++)
        if (strcmp(((PdCheck *)g_ptr_array_index(m->reading.checks, i))->code, code) == 0)
            return TRUE;
    return FALSE;
}

static const char *const putin =
    "Russian President Vladimir Putin attends an Orthodox Easter service in the Christ the "
    "Savior Cathedral in Moscow, Russia, %s. (Sergei Karpukhin, Sputnik, Kremlin Pool Photo "
    "via AP)";

static void
test_checks(void)
{
    /* a clean caption: no checks */
    g_autofree char *good = g_strdup_printf(putin, "Saturday, April 15, 2023");
    g_autoptr(Photo) ok = meta_with(good, "2023-04-15T23:41:07+03:00");
    ok->byline = g_strdup("Sergei Karpukhin");
    ok->credit = g_strdup("AP");
    read_caption(ok);
    g_assert_cmpuint(ok->reading.checks->len, ==, 0);
    g_assert_cmpuint(ok->reading.warnings->len, ==, 0);
    g_assert_cmpstr(ok->reading.credit.credit_line, ==, "Sergei Karpukhin/Sputnik/Pool via AP");

    /* weekday and date disagree */
    g_autofree char *wrong = g_strdup_printf(putin, "Sunday, April 15, 2023");
    g_autoptr(Photo) wd = meta_with(wrong, "2023-04-15");
    read_caption(wd);
    g_assert_true(has_check(wd, "weekday_mismatch"));

    /* caption date far from the date created */
    g_autoptr(Photo) far = meta_with(good, "2023-04-18T10:00:00");
    read_caption(far);
    g_assert_true(has_check(far, "date_far_from_created"));
    /* a day apart (a photo at 23:41 captioned with the next day's date) is fine */
    g_autoptr(Photo) near = meta_with(good, "2023-04-16T00:20:00");
    read_caption(near);
    g_assert_false(has_check(near, "date_far_from_created"));

    /* a template's variable the photo had no value for: a check, naming it; brackets
     * that name no variable are none */
    g_autoptr(Photo) gap =
        meta_with("Crowds gather in [no city] on Monday. (AP Photo/Ana Ruiz)", NULL);
    read_caption(gap);
    g_assert_true(has_check(gap, "template_gap"));
    g_autoptr(Photo) brackets =
        meta_with("Crowds chant \"[no war]\" and [No] [no ] signs. (AP Photo/Ana Ruiz)", NULL);
    read_caption(brackets);
    g_assert_false(has_check(brackets, "template_gap"));
    g_autoptr(Photo) plain = meta_with("Crowds gather [with signs]. (AP Photo/Ana Ruiz)", NULL);
    read_caption(plain);
    g_assert_false(has_check(plain, "template_gap"));

    /* no credit at all */
    g_autoptr(Photo) none = meta_with("Crowds gather in the square.", NULL);
    read_caption(none);
    g_assert_true(has_check(none, "no_credit"));

    /* too long for IIM */
    GString *longer = g_string_new(NULL);
    while (longer->len <= 2000)
        g_string_append(longer, "Protesters march through the city centre. ");
    g_autoptr(Photo) big = meta_with(longer->str, NULL);
    g_string_free(longer, TRUE);
    big->byline = g_strdup("Firstname Very-Long-Family-Name-Here Jr.");
    big->city = g_strdup("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch");
    read_caption(big);
    g_assert_true(has_check(big, "caption_too_long"));
    g_assert_true(has_check(big, "field_too_long"));
    /* every field an editor corrects has its IIM limit checked, keywords each */
    g_autoptr(Photo) head = meta_with("Caption. (AP Photo/John Doe)", NULL);
    head->headline = g_strnfill(257, 'h');
    g_ptr_array_add(head->keywords, g_strnfill(65, 'k'));
    read_caption(head);
    g_assert_cmpuint(head->reading.checks->len, ==, 2);
    g_assert_true(has_check(head, "field_too_long"));

    /* in capitals */
    g_autoptr(Photo) caps = meta_with(
        "FIREFIGHTERS BATTLE A BLAZE AT A WAREHOUSE IN HOUSTON. (AP Photo/John Doe)", NULL);
    read_caption(caps);
    g_assert_true(has_check(caps, "all_caps"));

    /* double-encoded UTF-8: repaired and reported */
    g_autoptr(Photo) dbl = meta_with("A view of Z\xc3\x83\xc2\xbcrich. (AP Photo/John Doe)", NULL);
    dbl->city = g_strdup("Z\xc3\x83\xc2\xbcrich");
    read_caption(dbl);
    g_assert_true(has_check(dbl, "double_encoded"));
    g_assert_cmpstr(dbl->city, ==, "Z\xc3\xbcrich");
    g_assert_cmpstr(dbl->reading.credit.body, ==, "A view of Z\xc3\xbcrich.");

    /* a long correction lead is cut between characters, not inside one */
    GString *lead = g_string_new("CORRECTS ");
    while (lead->len < 250)
        g_string_append(lead, "\xc3\xa9");
    g_string_append(lead, ": caption");
    g_autoptr(Photo) corr = meta_with(lead->str, NULL);
    g_string_free(lead, TRUE);
    read_caption(corr);
    g_assert_nonnull(corr->reading.restrictions.correction);
    g_assert_true(g_utf8_validate(corr->reading.restrictions.correction, -1, NULL));
}

static void
test_disagreement(void)
{
    g_autofree char *caption = g_strdup_printf(putin, "Saturday, April 15, 2023");
    g_autoptr(Photo) m = meta_with(caption, NULL);
    m->byline = g_strdup("Ivan Petrov");
    m->credit = g_strdup("REUTERS");
    read_caption(m);
    g_assert_cmpuint(m->reading.warnings->len, ==, 2);
    g_assert_nonnull(strstr(g_ptr_array_index(m->reading.warnings, 0), "Ivan Petrov"));
    g_assert_nonnull(strstr(g_ptr_array_index(m->reading.warnings, 1), "REUTERS"));

    /* capitals and an agency name in Credit are not disagreements */
    g_autoptr(Photo) same = meta_with(caption, NULL);
    same->byline = g_strdup("SERGEI KARPUKHIN");
    same->credit = g_strdup("Sputnik");
    same->source = g_strdup("AP");
    read_caption(same);
    g_assert_cmpuint(same->reading.warnings->len, ==, 0);
}

static void
test_slug(void)
{
    g_autoptr(Photo) a = meta_with("Caption.", NULL);
    a->headline = g_strdup("APTOPIX Russia Orthodox Easter");
    read_caption(a);
    g_assert_true(a->reading.top_pick);
    g_assert_cmpstr(a->reading.slug, ==, "Russia Orthodox Easter");

    g_autoptr(Photo) b = meta_with("Caption.", NULL);
    b->headline = g_strdup("Putin attends Easter service");
    b->object_name = g_strdup("APTOPIX Russia Orthodox Easter");
    read_caption(b);
    g_assert_true(b->reading.top_pick);
    g_assert_cmpstr(b->reading.slug, ==, "Russia Orthodox Easter");

    g_autoptr(Photo) c = meta_with("TOPSHOT - Smoke rises. (Photo by STR / AFP)", NULL);
    read_caption(c);
    g_assert_true(c->reading.top_pick);
    g_assert_null(c->reading.slug);

    g_autoptr(Photo) d = meta_with("Caption.", NULL);
    d->headline = g_strdup("Russia Orthodox Easter");
    d->object_name = g_strdup("Russia Orthodox Easter");
    read_caption(d);
    g_assert_false(d->reading.top_pick);
    g_assert_cmpstr(d->reading.slug, ==, "Russia Orthodox Easter");
}

/* Inputs the fuzzer found, and their relatives: each must parse without reading or
 * writing out of bounds, and give a body no longer than the caption. */
static void
test_hostile(void)
{
    static const char *const inputs[] = {
        "x Photo: - y/dpa",
        "Photo: ",
        "Photo: /dpa",
        "REUTERS/",
        "via REUTERS",
        " via REUTERS",
        "EPA/",
        "EPA-EFE/ HANDOUT",
        "(",
        ")",
        "()",
        "( via AP)",
        "(AP Photo/)",
        "(Photo by /AFP)",
        "(Photo by  / AFP) /",
        "THE CANADIAN PRESS/",
        "AFP PHOTO / ",
        "FILE PHOTO:",
        "FILE PHOTO: (AP Photo)",
        "a/b/c/d/e/f via REUTERS",
        "EMBARGOED UNTIL 99:99 GMT 45 FOO 0000",
        "EMBARGOED UNTIL 2400 GMT DECEMBER 31, 2023",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++) {
        PdCredit c;
        PdRestrictions r = {0};
        pd_caption_read_credit(inputs[i], &c, &r);
        pd_restrictions_add_text(&r, inputs[i]);
        g_assert_nonnull(c.body);
        g_assert_cmpuint(strlen(c.body), <=, strlen(inputs[i]));
        pd_credit_clear(&c);
        pd_restrictions_clear(&r);
    }
}

/* A mandatory credit after letters whose capitals are not as many bytes (the ligature
 * "ﬁ" is "FI", "ı" is "I"): the credit's text is read from where the words are, whole,
 * not from where they are in the capitals. Found by fuzz-caption. */
static void
test_mandatory_credit_after_ligatures(void)
{
    static const char *const inputs[] = {
        "\xef\xac\x81le \xef\xac\x81le \xef\xac\x81le MANDATORY CREDIT: Photo \xc3\xa9quipe",
        "\xc4\xb1\xc4\xb1\xc4\xb1\xc4\xb1 Mandatory Credit \"AP Photo / Kır\"",
        "stra\xc3\x9f\x65 MANDATORY CREDIT Sputnik",
    };
    const char *const expected[] = {"Photo \xc3\xa9quipe", "AP Photo / Kır", "Sputnik"};
    for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++) {
        PdRestrictions r = {0};
        pd_restrictions_add_text(&r, inputs[i]);
        g_assert_true(r.mandatory_credit);
        g_assert_cmpstr(r.mandatory_credit_text, ==, expected[i]);
        pd_restrictions_clear(&r);
    }
}

/* ---------------------------------------------------------------- code replacements */

static const char *const *
lookup_codes(const char *code, gpointer table)
{
    return g_hash_table_lookup(table, code);
}

static GHashTable *
index_of(GPtrArray *codes)
{
    GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < codes->len; i++) {
        PdCode *c = g_ptr_array_index(codes, i);
        g_hash_table_insert(t, c->code, c->forms);
    }
    return t;
}

/* Photo Mechanic's file: comments, empty lines, CRLF, a BOM, several forms, spaces around
 * the columns; refused with the line: no replacement, a code twice, a space in a code,
 * bytes that are not UTF-8. */
static void
test_codes_file(void)
{
    static const char file[] = "\xef\xbb\xbf// politics\r\n"
                               "put\tRussian President Vladimir Putin\tPutin\r\n"
                               "\r\n"
                               "  // sport\n"
                               "CC2 \t Aaron Barnum \n"
                               "cc2\tsomeone else\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) codes = pd_codes_parse(file, sizeof file - 1, '=', &error);
    g_assert_no_error(error);
    g_assert_cmpuint(codes->len, ==, 3);
    PdCode *put = g_ptr_array_index(codes, 0);
    g_assert_cmpstr(put->code, ==, "put");
    g_assert_cmpuint(g_strv_length(put->forms), ==, 2);
    g_assert_cmpstr(put->forms[1], ==, "Putin");
    g_assert_cmpstr(((PdCode *)g_ptr_array_index(codes, 1))->forms[0], ==, "Aaron Barnum");
    g_autofree char *out = pd_codes_format(codes);
    g_assert_cmpstr(
        out, ==,
        "put\tRussian President Vladimir Putin\tPutin\nCC2\tAaron Barnum\ncc2\tsomeone else\n");
    /* written and read again: the same */
    g_autoptr(GPtrArray) again = pd_codes_parse(out, strlen(out), '=', &error);
    g_assert_no_error(error);
    g_autofree char *twice = pd_codes_format(again);
    g_assert_cmpstr(twice, ==, out);

    static const struct {
        const char *text, *says;
    } bad[] = {
        {"ok\tfine\nlonely\n", "line 2"},
        {"a\tx\na\ty\n", "line 2 (\"a\"): the code is there twice"},
        {"two words\tx\n", "line 1"},
        {"a=b\tx\n", "line 1"},
        {"ok\tfine\nbad\t\xff\xfe\n", "line 2 is not UTF-8"},
        {"ok\tcontrol \x01 char\n", "control character"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) e = NULL;
        g_assert_null(pd_codes_parse(bad[i].text, strlen(bad[i].text), '=', &e));
        g_assert_error(e, PD_CAPTION_ERROR, PD_CAPTION_ERROR_CODES);
        if (!strstr(e->message, bad[i].says))
            g_error("%s: \"%s\" does not say \"%s\"", bad[i].text, e->message, bad[i].says);
    }
}

/* Expansion: =code=, =code#N=, several in one text, codes side by side, a delimiter that
 * is just text, an unknown code left as typed and reported, case, another delimiter. */
static void
test_codes_expand(void)
{
    static const char file[] = "put\tRussian President Vladimir Putin\tPutin\n"
                               "zel\tUkrainian President Volodymyr Zelenskyy\n"
                               "EQ\tEquals\n";
    g_autoptr(GPtrArray) codes = pd_codes_parse(file, sizeof file - 1, '=', NULL);
    g_autoptr(GHashTable) t = index_of(codes);
    static const struct {
        const char *in, *out;
        guint unknown;
    } expansions[] = {
        {"=put= meets =zel=.",
         "Russian President Vladimir Putin meets Ukrainian President "
         "Volodymyr Zelenskyy.",
         0},
        {"=put#2= said", "Putin said", 0},
        {"=put==zel=", "Russian President Vladimir PutinUkrainian President Volodymyr Zelenskyy",
         0},
        {"a = b = c", "a = b = c", 0},
        {"=nope= and =put=", "=nope= and Russian President Vladimir Putin", 1},
        {"=put#3=", "=put#3=", 1},
        {"=eq= =EQ=", "=eq= Equals", 1},
        {"x == y", "x == y", 0},
        {"ends with =put", "ends with =put", 0},
        {"", "", 0},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(expansions); i++) {
        g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *got = pd_codes_expand(expansions[i].in, '=', lookup_codes, t, unknown);
        g_assert_cmpstr(got, ==, expansions[i].out);
        g_assert_cmpuint(unknown->len, ==, expansions[i].unknown);
    }
    /* another delimiter: '=' is then text */
    g_autoptr(GPtrArray) slashed = pd_codes_parse(file, sizeof file - 1, '\\', NULL);
    g_autoptr(GHashTable) t2 = index_of(slashed);
    g_autofree char *got = pd_codes_expand("\\put\\ = \\put#2\\", '\\', lookup_codes, t2, NULL);
    g_assert_cmpstr(got, ==, "Russian President Vladimir Putin = Putin");
    g_assert_null(pd_codes_expand(NULL, '=', lookup_codes, t, NULL));
}

/* Names spelled otherwise than the code table spells them: one or two letters off, case
 * and accents aside; the right spelling, other words and short forms are not flagged. */
static void
test_codes_names(void)
{
    static const char file[] = "zel\tVolodymyr Zelenskyy\n"
                               "put\tRussian President Vladimir Putin\tPutin\n"
                               "cc2\tAaron Barnum\n";
    g_autoptr(GPtrArray) codes = pd_codes_parse(file, sizeof file - 1, '=', NULL);
    static const struct {
        const char *text;
        guint flagged;
        const char *says;
    } names[] = {
        {"Volodymyr Zelenskyy speaks.", 0, NULL},
        {"Volodymyr Zelensky speaks.", 1,
         "\"Volodymyr Zelensky\": the desk's code table spells it "
         "\"Volodymyr Zelenskyy\" (=zel=)."},
        {"VOLODYMYR ZELENSKYY in capitals", 0, NULL},
        {"Volodymyr Zelénskyy, accents aside", 0, NULL},
        {"Aaron Barnom scores; Aaron Barnom again", 1, "Aaron Barnom"},
        {"Putin and Putn", 0, NULL}, /* one word is not a name */
        {"Russian President Vladimir Putn", 1, "(=put=)"},
        {"", 0, NULL},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(GPtrArray) checks = pd_caption_checks_new();
        pd_codes_name_checks("caption", names[i].text, codes, checks);
        if (checks->len != names[i].flagged)
            g_error("\"%s\": %u checks, not %u", names[i].text, checks->len, names[i].flagged);
        if (names[i].says) {
            const PdCheck *c = g_ptr_array_index(checks, 0);
            g_assert_cmpstr(c->code, ==, "name_spelling");
            g_assert_nonnull(strstr(c->message, names[i].says));
        }
    }
}

/* Name pairs: two capitalised words with only spaces between; one name written two ways
 * is one word the same and the other a letter or two apart. */
static void
test_name_pairs(void)
{
    g_autoptr(GPtrArray) pairs = pd_name_pairs(
        "Ukrainian President Volodymyr Zelensky meets AP reporters in Kyiv, Ukraine, Monday, "
        "April 3. (AP Photo/Efrem Lukatsky) Volodymyr  Zelensky\nSpeaks");
    const char *want[] = {"Ukrainian President", "President Volodymyr", "Volodymyr Zelensky",
                          "Efrem Lukatsky", "Volodymyr  Zelensky"};
    g_assert_cmpuint(pairs->len, ==, G_N_ELEMENTS(want));
    for (guint i = 0; i < pairs->len; i++)
        g_assert_cmpstr(((PdNamePair *)g_ptr_array_index(pairs, i))->written, ==, want[i]);
    const PdNamePair *z = g_ptr_array_index(pairs, 2);
    g_assert_cmpstr(z->first, ==, "volodymyr");
    g_assert_cmpstr(z->second, ==, "zelensky");
    static const struct {
        const char *a, *b;
        gboolean same;
    } names[] = {
        {"Volodymyr Zelensky", "Volodymyr Zelenskyy", TRUE},
        {"Alexander Zemlianichenko", "Alexander Zemlyanichenko", TRUE},
        {"Alexandr Zemlianichenko", "Alexander Zemlianichenko", TRUE},
        {"Angela Merkel", "Angela Merkle", FALSE}, /* two letters apart in a short word */
        {"Angela Merkel", "Angela Merkels", TRUE},
        {"North Korea", "South Korea", FALSE},
        {"Jan Kowalski", "Jan Kowalska", TRUE},
        {"Zürich Airport", "Zurich Airport", FALSE}, /* accents aside: the same */
        {"New York", "New Yorker", FALSE},           /* too short */
        {"Real Madrid", "Real Betis", FALSE},
        {"Manchester United", "Manchester City", FALSE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(GPtrArray) a = pd_name_pairs(names[i].a);
        g_autoptr(GPtrArray) b = pd_name_pairs(names[i].b);
        g_assert_cmpuint(a->len, ==, 1);
        g_assert_cmpuint(b->len, ==, 1);
        if (pd_name_pairs_variant(g_ptr_array_index(a, 0), g_ptr_array_index(b, 0)) !=
            names[i].same)
            g_error("%s / %s: expected %s", names[i].a, names[i].b,
                    names[i].same ? "one name written two ways" : "two names");
    }
    g_autoptr(GPtrArray) none = pd_name_pairs(NULL);
    g_assert_cmpuint(none->len, ==, 0);
    g_autoptr(GPtrArray) caps = pd_name_pairs("EPA-EFE/JAN KOWALSKI, AP PHOTO");
    g_assert_cmpuint(caps->len, ==, 0);
}

/* Credit lines longer than IIM's 32 bytes, shortened as a desk would, never mid-word. */
static void
test_credit_fit(void)
{
    static const struct {
        const char *line, *fits;
    } lines[] = {
        {"Sergei Karpukhin/AP", "Sergei Karpukhin/AP"},
        {"Gavriil Grigorov/Sputnik/Pool via AP", "Gavriil Grigorov/Sputnik via AP"},
        {"Alexander Zemlianichenko/Sputnik/Pool via AP", "Zemlianichenko/Sputnik via AP"},
        {"Konstantinos Tsakalidis/Bloomberg/Pool via Reuters", "Tsakalidis/Bloomberg via Reuters"},
        {"Christophe Petit Tesson/EPA-EFE/Pool via AP", "Tesson/EPA-EFE via AP"},
        {"Ludovic Marin/Pool/AFP via Getty Images", "Marin/AFP via Getty Images"},
        {"Maximilian Montgomery-Smithson/Reuters", "Montgomery-Smithson/Reuters"},
        {"Handout/Ministry of Defence of the Russian Federation via Reuters", "Handout/Reuters"},
        {"Getty Images North America Editorial Department", "Getty Images North America"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_autofree char *got = pd_credit_fit(lines[i].line, PD_CREDIT_IIM_MAX);
        g_assert_cmpuint(strlen(got), <=, PD_CREDIT_IIM_MAX);
        if (g_strcmp0(got, lines[i].fits) != 0)
            g_error("%s: \"%s\", not \"%s\"", lines[i].line, got, lines[i].fits);
    }
    g_assert_null(pd_credit_fit(NULL, 32));
    /* a name of one long word in UTF-8: whole characters */
    g_autofree char *one = pd_credit_fit("Ääääääääääääääääääääää", 32);
    g_assert_true(g_utf8_validate(one, -1, NULL));
    g_assert_cmpuint(strlen(one), <=, 32);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/caption/conventions", test_conventions);
    g_test_add_func("/caption/afp-restriction-tail", test_afp_restriction_tail);
    g_test_add_func("/caption/restrictions", test_restrictions);
    g_test_add_func("/caption/title-case", test_title_case);
    g_test_add_func("/caption/double-encoding", test_double_encoding);
    g_test_add_func("/caption/checks", test_checks);
    g_test_add_func("/caption/disagreement", test_disagreement);
    g_test_add_func("/caption/slug", test_slug);
    g_test_add_func("/caption/codes-file", test_codes_file);
    g_test_add_func("/caption/codes-expand", test_codes_expand);
    g_test_add_func("/caption/codes-names", test_codes_names);
    g_test_add_func("/caption/name-pairs", test_name_pairs);
    g_test_add_func("/caption/credit-fit", test_credit_fit);
    g_test_add_func("/caption/hostile", test_hostile);
    g_test_add_func("/caption/mandatory-credit-after-ligatures",
                    test_mandatory_credit_after_ligatures);
    return g_test_run();
}
