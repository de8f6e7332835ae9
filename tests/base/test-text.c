/* test-text.c: charset decisions, normalisation and date shapes. */
#include "base/base.h"

#include <string.h>

static void
test_utf8_multibyte(void)
{
    g_assert_true(pd_text_is_utf8_multibyte((const guint8 *)"Z\xc3\xbcrich", 7));
    g_assert_false(pd_text_is_utf8_multibyte((const guint8 *)"Zurich", 6));
    /* Latin-1 ü alone is not valid UTF-8 */
    g_assert_false(pd_text_is_utf8_multibyte((const guint8 *)"Z\xfcrich", 6));
}

static void
test_cp1252(void)
{
    g_autofree char *a = pd_text_from_cp1252((const guint8 *)"\x80 \x93quoted\x94 \xe9", 13);
    g_assert_cmpstr(a, ==, "\xe2\x82\xac \xe2\x80\x9cquoted\xe2\x80\x9d \xc3\xa9");
    /* the five bytes cp1252 leaves undefined become C1 controls, as in exiftool */
    g_autofree char *b = pd_text_from_cp1252((const guint8 *)"\x81\x8d\x8f\x90\x9d", 5);
    g_assert_cmpstr(b, ==, "\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d");
    g_assert_true(g_utf8_validate(b, -1, NULL));
}

static void
test_decode_choice(void)
{
    gboolean fallback = FALSE;
    /* valid UTF-8 stays UTF-8 ("Kraków" written by a UTF-8 tool without 1:90) */
    g_autofree char *a = pd_text_decode((const guint8 *)"Krak\xc3\xb3w", 7, &fallback);
    g_assert_cmpstr(a, ==, "Krak\xc3\xb3w");
    g_assert_false(fallback);
    /* anything else is Windows-1252 */
    g_autofree char *b = pd_text_decode((const guint8 *)"Krak\xf3w", 6, &fallback);
    g_assert_cmpstr(b, ==, "Krak\xc3\xb3w");
    g_assert_true(fallback);
    /* MacRoman cannot be told from cp1252 and decodes as cp1252, on purpose */
    g_autofree char *c = pd_text_decode((const guint8 *)"Tr\x9f"
                                                        "biger",
                                        8, NULL);
    g_assert_cmpstr(c, ==,
                    "Tr\xc5\xb8"
                    "biger");
    /* trailing NUL padding and interior NULs are dropped */
    g_autofree char *d = pd_text_decode((const guint8 *)"AP\0\0", 4, NULL);
    g_assert_cmpstr(d, ==, "AP");
    g_autofree char *e = pd_text_decode((const guint8 *)"", 0, NULL);
    g_assert_cmpstr(e, ==, "");
}

static void
test_normalise(void)
{
    g_assert_cmpstr(pd_text_normalise(NULL), ==, NULL);
    g_autofree char *a = pd_text_normalise(g_strdup("  line one\r\nline two\rline three \t"));
    g_assert_cmpstr(a, ==, "line one\nline two\nline three");
    g_assert_null(pd_text_normalise(g_strdup(" \t\r\n ")));
    g_assert_null(pd_text_normalise(g_strdup("")));
    g_assert_true(pd_text_is_blank(NULL));
    g_assert_true(pd_text_is_blank("  \r\n\t"));
    g_assert_false(pd_text_is_blank(" x "));
}

static void
check_iso(const char *in, const char *want)
{
    g_autofree char *got = pd_text_iso_date(in);
    if (g_strcmp0(got, want) != 0)
        g_error("iso_date(\"%s\") = %s, want %s", in, got ? got : "NULL", want ? want : "NULL");
}

static void
test_iso_date(void)
{
    check_iso("2023:04:15 23:41:07", "2023-04-15T23:41:07");
    check_iso("2023:04:15 23:41:07.52+03:00", "2023-04-15T23:41:07.52+03:00");
    check_iso("2023-04-15T23:41:07.052Z", "2023-04-15T23:41:07.052Z");
    check_iso("2023-04-15T23:41+0300", "2023-04-15T23:41+03:00");
    check_iso("2023-04-15", "2023-04-15");
    check_iso("2023-04", "2023-04");
    check_iso("2023", "2023");
    check_iso("2023:04:15 ", "2023-04-15");
    /* a time without a day keeps only the date part; an offset needs a time */
    check_iso("2023:04 10:00", "2023-04");
    check_iso("0000:00:00 00:00:00", NULL);
    check_iso("    :  :     :  :  ", NULL);
    check_iso("", NULL);
    check_iso(NULL, NULL);
    check_iso("yesterday", NULL);
    check_iso("2023:04:15 25", NULL);
}

static void
check_iim(const char *date, const char *time, const char *want)
{
    g_autofree char *got = pd_text_iim_date_time(date, time);
    g_assert_cmpstr(got, ==, want);
}

static void
test_iim_date_time(void)
{
    check_iim("20230415", "234107+0300", "2023:04:15 23:41:07+03:00");
    check_iim("20230415", NULL, "2023:04:15");
    check_iim("20230415", "234107", "2023:04:15 23:41:07");
    check_iim("2023-04-15", "23:41:07-05:00", "2023:04:15 23:41:07-05:00");
    check_iim("20230415", "23 41 07", "2023:04:15 23:41:07");
    /* not a date: left alone, and pd_text_iso_date() then refuses it */
    check_iim("April", NULL, "April");
    g_autofree char *joined = pd_text_iim_date_time("20230415", "234107+0300");
    g_autofree char *iso = pd_text_iso_date(joined);
    g_assert_cmpstr(iso, ==, "2023-04-15T23:41:07+03:00");
}

static void
test_json(void)
{
    GString *s = g_string_new(NULL);
    pd_json_quote(s, "a \"quote\"\\ \n\t\x01 \xc3\xbc");
    g_assert_cmpstr(s->str, ==, "\"a \\\"quote\\\"\\\\ \\n\\t\\u0001 \xc3\xbc\"");
    g_string_free(s, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/base/text/utf8-multibyte", test_utf8_multibyte);
    g_test_add_func("/base/text/cp1252", test_cp1252);
    g_test_add_func("/base/text/decode-choice", test_decode_choice);
    g_test_add_func("/base/text/normalise", test_normalise);
    g_test_add_func("/base/text/iso-date", test_iso_date);
    g_test_add_func("/base/text/iim-date-time", test_iim_date_time);
    g_test_add_func("/base/text/json", test_json);
    return g_test_run();
}
