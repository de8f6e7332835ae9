/* test-xmp.c: XMP extraction with expat. */
#include "ingest/xmp.h"

#include <string.h>

#define HEAD                                                                                       \
    "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"                           \
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"                                                       \
    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
#define TAIL "</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
#define NS                                                                                         \
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""                                               \
    " xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\""                                      \
    " xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\""

static PdXmp *
parse_ok(const char *text)
{
    PdXmp *xmp = pd_xmp_new();
    g_autoptr(GError) error = NULL;
    gboolean ok = pd_xmp_parse(xmp, text, strlen(text), &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    return xmp;
}

static void
test_long_form(void)
{
    g_autoptr(PdXmp) xmp =
        parse_ok(HEAD "<rdf:Description rdf:about=\"\"" NS ">"
                      "<dc:description><rdf:Alt>"
                      "<rdf:li xml:lang=\"de\">Putin besucht einen Gottesdienst</rdf:li>"
                      "<rdf:li xml:lang=\"x-default\">Putin attends a service</rdf:li>"
                      "</rdf:Alt></dc:description>"
                      "<dc:creator><rdf:Seq><rdf:li>Sergei Karpukhin</rdf:li><rdf:li>Second "
                      "Photographer</rdf:li></rdf:Seq></dc:creator>"
                      "<dc:subject><rdf:Bag><rdf:li>Religion</rdf:li><rdf:li>Easter</rdf:li>"
                      "<rdf:li>Moscow &amp; region</rdf:li></rdf:Bag></dc:subject>"
                      "<photoshop:Headline>APTOPIX Russia Orthodox Easter</photoshop:Headline>"
                      "</rdf:Description>" TAIL);
    g_assert_cmpstr(pd_xmp_get_text(xmp, "dc:description"), ==, "Putin attends a service");
    const PdXmpProperty *creator = pd_xmp_get(xmp, "dc:creator");
    g_assert_nonnull(creator);
    g_assert_cmpint(creator->kind, ==, PD_XMP_LIST);
    g_assert_cmpuint(creator->values->len, ==, 2);
    const PdXmpProperty *subject = pd_xmp_get(xmp, "dc:subject");
    g_assert_cmpuint(subject->values->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(subject->values, 2), ==, "Moscow & region");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:Headline"), ==,
                    "APTOPIX Russia Orthodox Easter");
}

static void
test_attributes_and_prefixes(void)
{
    /* properties as attributes, and a document that uses its own prefixes */
    g_autoptr(PdXmp) xmp = parse_ok(
        HEAD "<rdf:Description rdf:about=\"\" xmlns:ps=\"http://ns.adobe.com/photoshop/1.0/\""
             " ps:City=\"Moscow\" ps:Country=\"Russia\" ps:Credit=\"AP\"/>" TAIL);
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:City"), ==, "Moscow");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:Credit"), ==, "AP");
}

static void
test_alt_without_default(void)
{
    g_autoptr(PdXmp) xmp =
        parse_ok(HEAD "<rdf:Description rdf:about=\"\"" NS "><dc:title><rdf:Alt>"
                      "<rdf:li xml:lang=\"fr\">Titre</rdf:li><rdf:li xml:lang=\"en\">Title</rdf:li>"
                      "</rdf:Alt></dc:title></rdf:Description>" TAIL);
    g_assert_cmpstr(pd_xmp_get_text(xmp, "dc:title"), ==, "Titre");
}

static void
test_structures(void)
{
    g_autoptr(PdXmp) xmp = parse_ok(
        HEAD "<rdf:Description rdf:about=\"\"" NS "><Iptc4xmpExt:LocationShown><rdf:Bag>"
             "<rdf:li rdf:parseType=\"Resource\"><Iptc4xmpExt:City>Moscow</Iptc4xmpExt:City>"
             "</rdf:li>"
             "<rdf:li><rdf:Description><Iptc4xmpExt:City>Kyiv</Iptc4xmpExt:City>"
             "</rdf:Description></rdf:li>"
             "<rdf:li Iptc4xmpExt:City=\"Minsk\"/>"
             "</rdf:Bag></Iptc4xmpExt:LocationShown></rdf:Description>" TAIL);
    const PdXmpProperty *city = pd_xmp_get(xmp, "Iptc4xmpExt:LocationShown/Iptc4xmpExt:City");
    g_assert_nonnull(city);
    g_assert_cmpuint(city->values->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(city->values, 0), ==, "Moscow");
    g_assert_cmpstr(g_ptr_array_index(city->values, 1), ==, "Kyiv");
    g_assert_cmpstr(g_ptr_array_index(city->values, 2), ==, "Minsk");
}

static void
test_refusals(void)
{
    const char *dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">"
                      "<!ENTITY b \"&a;&a;&a;&a;\">]>" HEAD TAIL;
    g_autoptr(PdXmp) xmp = pd_xmp_new();
    g_autoptr(GError) error = NULL;
    g_assert_false(pd_xmp_parse(xmp, dtd, strlen(dtd), &error));
    g_assert_error(error, PD_XMP_ERROR, PD_XMP_ERROR_FORBIDDEN);
    g_assert_cmpuint(pd_xmp_size(xmp), ==, 0);

    g_autoptr(GError) big_error = NULL;
    g_autofree char *big = g_malloc0(PD_XMP_MAX_BYTES + 1);
    g_assert_false(pd_xmp_parse(xmp, big, PD_XMP_MAX_BYTES + 1, &big_error));
    g_assert_error(big_error, PD_XMP_ERROR, PD_XMP_ERROR_TOO_LARGE);
}

static void
test_syntax_error_keeps_values(void)
{
    const char *text = HEAD "<rdf:Description rdf:about=\"\"" NS ">"
                            "<photoshop:City>Moscow</photoshop:City>"
                            "<photoshop:Country>Russia</photoshop:Cuntry>" TAIL;
    g_autoptr(PdXmp) xmp = pd_xmp_new();
    g_autoptr(GError) error = NULL;
    g_assert_false(pd_xmp_parse(xmp, text, strlen(text), &error));
    g_assert_error(error, PD_XMP_ERROR, PD_XMP_ERROR_SYNTAX);
    g_assert_nonnull(strstr(error->message, "line"));
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:City"), ==, "Moscow");
}

static void
test_padding_and_junk(void)
{
    /* junk before the packet, NUL padding after: both are common in the wild */
    GString *s = g_string_new("\x00\x00junk");
    g_string_append_len(s, "\0\0", 2);
    g_string_append(s, HEAD "<rdf:Description rdf:about=\"\"" NS " photoshop:City=\"Oslo\"/>" TAIL);
    g_string_append_len(s, "   \0\0\0\0", 8);
    g_autoptr(PdXmp) xmp = pd_xmp_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_xmp_parse(xmp, s->str, s->len, &error));
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:City"), ==, "Oslo");
    g_string_free(s, TRUE);
}

static void
test_utf16(void)
{
    const char *text =
        HEAD "<rdf:Description rdf:about=\"\"" NS " photoshop:City=\"Z\xc3\xbcrich\"/>" TAIL;
    glong n = 0;
    g_autofree gunichar2 *u16 = g_utf8_to_utf16(text, -1, NULL, &n, NULL);
    /* little-endian, no byte-order mark */
    g_autofree guint8 *le = g_malloc((gsize)n * 2);
    for (glong i = 0; i < n; i++) {
        le[2 * i] = (guint8)(u16[i] & 0xFF);
        le[2 * i + 1] = (guint8)(u16[i] >> 8);
    }
    g_autoptr(PdXmp) xmp = pd_xmp_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_xmp_parse(xmp, (const char *)le, (gsize)n * 2, &error));
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:City"), ==, "Z\xc3\xbcrich");
}

static void
test_deep_nesting(void)
{
    GString *s = g_string_new(HEAD "<rdf:Description rdf:about=\"\"" NS ">");
    for (int i = 0; i < 200; i++)
        g_string_append(s, "<dc:x rdf:parseType=\"Resource\">");
    g_autoptr(PdXmp) xmp = pd_xmp_new();
    g_autoptr(GError) error = NULL;
    g_assert_false(pd_xmp_parse(xmp, s->str, s->len, &error));
    g_assert_nonnull(error);
    g_string_free(s, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ingest/xmp/long-form", test_long_form);
    g_test_add_func("/ingest/xmp/attributes-and-prefixes", test_attributes_and_prefixes);
    g_test_add_func("/ingest/xmp/alt-without-default", test_alt_without_default);
    g_test_add_func("/ingest/xmp/structures", test_structures);
    g_test_add_func("/ingest/xmp/refusals", test_refusals);
    g_test_add_func("/ingest/xmp/syntax-error-keeps-values", test_syntax_error_keeps_values);
    g_test_add_func("/ingest/xmp/padding-and-junk", test_padding_and_junk);
    g_test_add_func("/ingest/xmp/utf16", test_utf16);
    g_test_add_func("/ingest/xmp/deep-nesting", test_deep_nesting);
    return g_test_run();
}
