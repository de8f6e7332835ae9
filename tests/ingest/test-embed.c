/* test-embed.c: what photodesk writes into a delivered file: the IIM (UTF-8, cut to the
 * standard's limits at character boundaries), the Photoshop resources with the IIM's
 * digest, the XMP (full text, escaped), and the JPEG with them as its only metadata.
 * Each is read back with photodesk's own parsers and reader. */
#include "base/base.h"
#include "ingest/iim.h"
#include "ingest/ingest.h"
#include "ingest/xmp.h"
#include "thumbs/thumbs.h"

#include <glib/gstdio.h>
#include <string.h>
#include <vips/vips.h>

static const PdPhotoText fields = {
    .caption = "Russian President Vladimir Putin attends an Orthodox Easter service in the "
               "Christ the Savior Cathedral in Moscow, Russia, <Saturday> & \"night\".",
    .credit = "Sergei Karpukhin/Sputnik/Pool via AP",
    .byline = "Sergei Karpukhin",
    .source = "Sputnik",
    .copyright = "© 2023 Sputnik",
    .date_created = "2023-04-15T23:41:07+03:00",
    .city = "Moscow",
    .country = "Russia",
};

static const char *
dataset(const PdIimBlock *b, guint8 record, guint8 number)
{
    guint from = 0;
    const PdIimDataset *d = pd_iim_block_find(b, record, number, &from);
    return d ? (const char *)d->value : NULL;
}

static void
test_iim(void)
{
    g_autoptr(GBytes) iim = pd_ingest_encode_iim(&fields);
    gsize n;
    const guint8 *data = g_bytes_get_data(iim, &n);
    g_autoptr(PdIimBlock) b = pd_iim_parse(data, n);
    g_assert_null(b->problem);
    g_assert_true(b->declares_utf8);
    /* the credit line is 36 bytes: cut to IIM's 32 */
    g_assert_cmpstr(dataset(b, 2, PD_IIM_CREDIT), ==, "Sergei Karpukhin/Sputnik/Pool vi");
    g_assert_cmpstr(dataset(b, 2, PD_IIM_BYLINE), ==, "Sergei Karpukhin");
    g_assert_cmpstr(dataset(b, 2, PD_IIM_CAPTION), ==, fields.caption);
    g_assert_cmpstr(dataset(b, 2, PD_IIM_COPYRIGHT), ==, "© 2023 Sputnik");
    g_assert_cmpstr(dataset(b, 2, PD_IIM_DATE_CREATED), ==, "20230415");
    g_assert_cmpstr(dataset(b, 2, PD_IIM_TIME_CREATED), ==, "234107+0300");
    g_assert_cmpstr(dataset(b, 2, PD_IIM_CITY), ==, "Moscow");
    g_assert_cmpstr(dataset(b, 2, PD_IIM_COUNTRY), ==, "Russia");
    g_assert_cmpstr(dataset(b, 2, PD_IIM_SOURCE), ==, "Sputnik");
    /* datasets in the standard's order */
    guint prev = 0;
    for (guint i = 0; i < b->datasets->len; i++) {
        const PdIimDataset *d = &g_array_index(b->datasets, PdIimDataset, i);
        guint key = (guint)d->record << 8 | d->dataset;
        g_assert_cmpuint(key, >, prev);
        prev = key;
    }
}

static void
test_limits(void)
{
    /* a caption of 3-byte characters: cut at a character boundary below 2000 bytes */
    GString *s = g_string_new(NULL);
    while (s->len < 2100)
        g_string_append(s, "€");
    PdPhotoText f = {.caption = s->str, .byline = "Łukasz Głowala-Wiśniewski-Żółtowski"};
    g_autoptr(GBytes) iim = pd_ingest_encode_iim(&f);
    gsize n;
    const guint8 *data = g_bytes_get_data(iim, &n);
    g_autoptr(PdIimBlock) b = pd_iim_parse(data, n);
    const char *caption = dataset(b, 2, PD_IIM_CAPTION);
    g_assert_cmpuint(strlen(caption), ==, 1998);
    g_assert_true(g_utf8_validate(caption, -1, NULL));
    const char *byline = dataset(b, 2, PD_IIM_BYLINE);
    g_assert_cmpuint(strlen(byline), <=, 32);
    g_assert_true(g_utf8_validate(byline, -1, NULL));
    g_assert_true(g_str_has_prefix(f.byline, byline));
    g_assert_cmpuint(pd_text_fit("abc", 2), ==, 2);
    g_assert_cmpuint(pd_text_fit("aé", 2), ==, 1);
    g_assert_cmpuint(pd_text_fit("", 0), ==, 0);
    g_string_free(s, TRUE);
}

typedef struct {
    GBytes *iim;
    gboolean digest_ok;
    int seen;
} Resources;

static void
check_resource(guint16 id, const guint8 *data, gsize len, gpointer user_data)
{
    Resources *r = user_data;
    r->seen++;
    if (id == PD_IRB_IPTC) {
        gsize n;
        const guint8 *want = g_bytes_get_data(r->iim, &n);
        g_assert_cmpmem(data, len, want, n);
    } else if (id == PD_IRB_IPTC_DIGEST) {
        g_autofree char *md5 = g_compute_checksum_for_bytes(G_CHECKSUM_MD5, r->iim);
        GString *hex = g_string_new(NULL);
        for (gsize i = 0; i < len; i++)
            g_string_append_printf(hex, "%02x", data[i]);
        r->digest_ok = strcmp(hex->str, md5) == 0;
        g_string_free(hex, TRUE);
    }
}

static void
test_irb(void)
{
    g_autoptr(GBytes) iim = pd_ingest_encode_iim(&fields);
    g_autoptr(GBytes) irb = pd_ingest_encode_irb(iim);
    Resources r = {iim};
    gsize n;
    const guint8 *data = g_bytes_get_data(irb, &n);
    g_autofree char *problem = pd_irb_walk(data, n, check_resource, &r);
    g_assert_null(problem);
    g_assert_cmpint(r.seen, ==, 2);
    g_assert_true(r.digest_ok);
}

static void
test_xmp(void)
{
    PdPhotoText f = fields;
    f.caption = "Line one\nline two & <three> \"quoted\"\x01";
    g_autofree char *packet = pd_ingest_encode_xmp(&f, TRUE, 55.7447, -37.6056);
    g_autoptr(PdXmp) xmp = pd_xmp_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(pd_xmp_parse(xmp, packet, strlen(packet), &error));
    g_assert_no_error(error);
    /* the control character is gone; the rest is the text as given */
    g_assert_cmpstr(pd_xmp_get_text(xmp, "dc:description"), ==,
                    "Line one\nline two & <three> \"quoted\"");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "dc:creator"), ==, "Sergei Karpukhin");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "dc:rights"), ==, "© 2023 Sputnik");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:Credit"), ==,
                    "Sergei Karpukhin/Sputnik/Pool via AP");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:Source"), ==, "Sputnik");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:DateCreated"), ==, "2023-04-15T23:41:07+03:00");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:City"), ==, "Moscow");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "photoshop:Country"), ==, "Russia");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "exif:GPSLatitude"), ==, "55,44.682000N");
    g_assert_cmpstr(pd_xmp_get_text(xmp, "exif:GPSLongitude"), ==, "37,36.336000W");
    /* no GPS unless asked */
    g_autofree char *without = pd_ingest_encode_xmp(&fields, FALSE, 0, 0);
    g_assert_null(strstr(without, "GPS"));
}

/* A JPEG from libvips with EXIF (GPS), XMP and a comment of its own. */
static GBytes *
source_jpeg(void)
{
    VipsImage *img = NULL;
    g_assert_cmpint(vips_black(&img, 64, 48, "bands", 3, NULL), ==, 0);
    VipsImage *copy = NULL;
    g_assert_cmpint(vips_copy(img, &copy, NULL), ==, 0);
    g_object_unref(img);
    const char *old_xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www."
                          "w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:dc=\"http://"
                          "purl.org/dc/elements/1.1/\"><dc:subject><rdf:Bag><rdf:li>secret"
                          "</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF>"
                          "</x:xmpmeta>";
    vips_image_set_blob_copy(copy, "xmp-data", old_xmp, strlen(old_xmp));
    vips_image_set_string(copy, "exif-ifd3-GPSLatitude", "55/1 44/1 40/1");
    vips_image_set_string(copy, "exif-ifd3-GPSLatitudeRef", "N");
    vips_image_set_string(copy, "exif-ifd3-GPSLongitude", "37/1 36/1 20/1");
    vips_image_set_string(copy, "exif-ifd3-GPSLongitudeRef", "E");
    vips_image_set_string(copy, "exif-ifd0-Artist", "someone");
    void *buf = NULL;
    size_t len = 0;
    g_assert_cmpint(vips_jpegsave_buffer(copy, &buf, &len, NULL), ==, 0);
    g_object_unref(copy);
    return g_bytes_new_take(buf, len);
}

static void
test_jpeg(void)
{
    g_autoptr(GBytes) src = source_jpeg();
    gsize n;
    const guint8 *data = g_bytes_get_data(src, &n);
    g_autoptr(PdPhotoMeta) before = pd_ingest_read_buffer(data, n, NULL);
    g_assert_nonnull(before);
    g_assert_true(before->has_gps); /* the source does carry GPS */

    PdPhotoText f = fields;
    /* a list field goes as one dataset (and one rdf:li) per value */
    g_autoptr(GPtrArray) keywords = g_ptr_array_new();
    g_ptr_array_add(keywords, "Easter");
    g_ptr_array_add(keywords, "Orthodox");
    f.keywords = keywords;
    GString *long_caption = g_string_new(fields.caption);
    while (long_caption->len < 2500)
        g_string_append(long_caption, " The service lasted into the night.");
    f.caption = long_caption->str;
    g_autoptr(GBytes) iim = pd_ingest_encode_iim(&f);
    g_autoptr(GBytes) irb = pd_ingest_encode_irb(iim);
    g_autofree char *xmp = pd_ingest_encode_xmp(&f, FALSE, 0, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) out = pd_thumbs_embed_jpeg(data, n, xmp, strlen(xmp), irb, &error);
    g_assert_no_error(error);
    gsize m;
    const guint8 *o = g_bytes_get_data(out, &m);

    /* read back: the full caption (XMP, in step with the IIM by its digest), the rest,
     * and nothing of the source's own metadata */
    g_autoptr(PdPhotoMeta) after = pd_ingest_read_buffer(o, m, &error);
    g_assert_no_error(error);
    g_assert_false(after->damaged);
    g_assert_cmpstr(after->caption, ==, long_caption->str);
    g_assert_cmpstr(after->credit, ==, "Sergei Karpukhin/Sputnik/Pool via AP");
    g_assert_cmpstr(after->byline, ==, "Sergei Karpukhin");
    g_assert_cmpstr(after->source, ==, "Sputnik");
    g_assert_cmpuint(after->keywords->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(after->keywords, 1), ==, "Orthodox");
    g_assert_cmpstr(after->city, ==, "Moscow");
    g_assert_false(after->has_gps);
    g_assert_nonnull(memmem(data, n, "secret", 6)); /* as the source had them... */
    g_assert_nonnull(memmem(data, n, "someone", 7));
    g_assert_null(memmem(o, m, "secret", 6)); /* ...and the delivered file does not */
    g_assert_null(memmem(o, m, "someone", 7));
    g_assert_nonnull(memmem(o, m, "Sputnik", 7));
    /* the picture is the same bytes */
    g_assert_cmpstr(after->image_sha256, ==, before->image_sha256);
    VipsImage *img = vips_image_new_from_buffer(o, m, "", "fail_on", VIPS_FAIL_ON_WARNING, NULL);
    g_assert_nonnull(img);
    double avg = -1;
    g_assert_cmpint(vips_avg(img, &avg, NULL), ==, 0);
    g_object_unref(img);
    g_string_free(long_caption, TRUE);
}

static void
test_bad_jpeg(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(pd_thumbs_embed_jpeg((const guint8 *)"GIF89a", 6, "x", 1, NULL, &error));
    g_assert_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE);
    g_clear_error(&error);
    /* a segment that runs past the end */
    const guint8 cut[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, 'E', 'x'};
    g_assert_null(pd_thumbs_embed_jpeg(cut, sizeof cut, NULL, 0, NULL, &error));
    g_assert_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE);
    g_clear_error(&error);
    /* XMP larger than a segment */
    g_autoptr(GBytes) src = source_jpeg();
    gsize n;
    const guint8 *data = g_bytes_get_data(src, &n);
    g_autofree char *huge = g_strnfill(70000, 'x');
    g_assert_null(pd_thumbs_embed_jpeg(data, n, huge, 70000, NULL, &error));
    g_assert_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_EMBED);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autoptr(GError) error = NULL;
    if (!pd_ingest_init(argv[0], &error))
        g_error("%s", error->message);
    g_test_add_func("/embed/iim", test_iim);
    g_test_add_func("/embed/limits", test_limits);
    g_test_add_func("/embed/irb", test_irb);
    g_test_add_func("/embed/xmp", test_xmp);
    g_test_add_func("/embed/jpeg", test_jpeg);
    g_test_add_func("/embed/bad-jpeg", test_bad_jpeg);
    return g_test_run();
}
