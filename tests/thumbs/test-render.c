/* test-render.c: renditions: sizes, no upscaling, orientation, colour, hashing, refusals. */
#include "thumbs/thumbs.h"
#include "thumbs/vips-autoptr.h"

#include <string.h>
#include <vips/vips.h>

/* A test picture: left half white, right half dark, so that a rotation shows. */
static VipsImage *
picture(int w, int h, int bands)
{
    VipsImage *left = NULL, *right = NULL, *joined = NULL, *out = NULL;
    g_assert_cmpint(vips_black(&left, w / 2, h, "bands", bands, NULL), ==, 0);
    g_assert_cmpint(vips_black(&right, w - w / 2, h, "bands", bands, NULL), ==, 0);
    VipsImage *white = NULL;
    g_assert_cmpint(vips_linear1(left, &white, 1.0, 250.0, NULL), ==, 0);
    g_assert_cmpint(vips_join(white, right, &joined, VIPS_DIRECTION_HORIZONTAL, NULL), ==, 0);
    g_assert_cmpint(vips_cast_uchar(joined, &out, NULL), ==, 0);
    g_object_unref(left);
    g_object_unref(right);
    g_object_unref(white);
    g_object_unref(joined);
    return out;
}

static GBytes *
jpeg_of(VipsImage *img, int orientation)
{
    VipsImage *copy = NULL;
    g_assert_cmpint(vips_copy(img, &copy, NULL), ==, 0);
    if (orientation)
        vips_image_set_int(copy, VIPS_META_ORIENTATION, orientation);
    void *buf = NULL;
    size_t len = 0;
    g_assert_cmpint(vips_jpegsave_buffer(copy, &buf, &len, "Q", 90, NULL), ==, 0);
    g_object_unref(copy);
    return g_bytes_new_take(buf, len);
}

static PdRenditionSet *
render(GBytes *b, const PdThumbsOptions *opt, GError **error)
{
    gsize n;
    const void *d = g_bytes_get_data(b, &n);
    return pd_thumbs_render(d, n, opt, error);
}

static VipsImage *
load(const PdRendition *r)
{
    gsize n;
    const void *d = g_bytes_get_data(r->jpeg, &n);
    VipsImage *img = vips_image_new_from_buffer(d, n, "", NULL);
    g_assert_nonnull(img);
    return img;
}

static void
test_sizes(void)
{
    g_autoptr(VipsImage) big = picture(3000, 2000, 3);
    g_autoptr(GBytes) jpeg = jpeg_of(big, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdRenditionSet) set = render(jpeg, NULL, &error);
    g_assert_no_error(error);
    const int want[3][2] = {{2048, 1365}, {1280, 853}, {320, 213}};
    for (int i = 0; i < PD_RENDITION_COUNT; i++) {
        const PdRendition *r = &set->renditions[i];
        g_assert_cmpstr(r->name, ==, pd_thumbs_rendition_name(i));
        g_assert_cmpint(MAX(r->width, r->height), ==, want[i][0]);
        g_assert_cmpint(ABS(MIN(r->width, r->height) - want[i][1]), <=, 1);
        gsize n;
        const guint8 *d = g_bytes_get_data(r->jpeg, &n);
        g_assert_true(n > 3 && d[0] == 0xFF && d[1] == 0xD8);
        /* no metadata is carried over: no APP1 (EXIF, XMP) after SOI */
        g_assert_false(d[2] == 0xFF && d[3] == 0xE1);
    }

    /* never upscaled */
    g_autoptr(VipsImage) small = picture(800, 600, 3);
    g_autoptr(GBytes) sj = jpeg_of(small, 0);
    g_autoptr(PdRenditionSet) ss = render(sj, NULL, &error);
    g_assert_cmpint(ss->renditions[PD_RENDITION_WEB].width, ==, 800);
    g_assert_cmpint(ss->renditions[PD_RENDITION_PREVIEW].width, ==, 800);
    g_assert_cmpint(ss->renditions[PD_RENDITION_THUMB].width, ==, 320);
}

static void
test_orientation(void)
{
    g_autoptr(VipsImage) img = picture(600, 400, 3);
    for (int o = 1; o <= 8; o++) {
        g_autoptr(GBytes) jpeg = jpeg_of(img, o);
        g_autoptr(GError) error = NULL;
        g_autoptr(PdRenditionSet) set = render(jpeg, NULL, &error);
        g_assert_no_error(error);
        const PdRendition *web = &set->renditions[PD_RENDITION_WEB];
        if (o >= 5) {
            g_assert_cmpint(web->width, ==, 400);
            g_assert_cmpint(web->height, ==, 600);
        } else {
            g_assert_cmpint(web->width, ==, 600);
            g_assert_cmpint(web->height, ==, 400);
        }
        /* upright: the rendition looks like libvips' own autorotation of the original */
        gsize n;
        const void *d = g_bytes_get_data(jpeg, &n);
        g_autoptr(VipsImage) orig = vips_image_new_from_buffer(d, n, "", NULL);
        VipsImage *rot = NULL;
        g_assert_cmpint(vips_autorot(orig, &rot, NULL), ==, 0);
        g_autoptr(VipsImage) rend = load(web);
        double a = 0, b = 0;
        VipsImage *ca = NULL, *cb = NULL;
        vips_crop(rot, &ca, 0, 0, 20, 20, NULL);
        vips_crop(rend, &cb, 0, 0, 20, 20, NULL);
        vips_avg(ca, &a, NULL);
        vips_avg(cb, &b, NULL);
        g_assert_cmpfloat(ABS(a - b), <, 30);
        g_object_unref(rot);
        g_object_unref(ca);
        g_object_unref(cb);
    }
}

static void
test_cmyk_and_alpha(void)
{
    /* a CMYK JPEG with an ICC profile becomes sRGB */
    g_autoptr(VipsImage) rgb = picture(400, 300, 3);
    VipsImage *tagged = NULL, *cmyk = NULL;
    g_assert_cmpint(vips_copy(rgb, &tagged, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==,
                    0);
    g_assert_cmpint(vips_icc_export(tagged, &cmyk, "output_profile", "cmyk", NULL), ==, 0);
    void *buf = NULL;
    size_t len = 0;
    g_assert_cmpint(vips_jpegsave_buffer(cmyk, &buf, &len, NULL), ==, 0);
    g_autoptr(GBytes) jpeg = g_bytes_new_take(buf, len);
    g_object_unref(tagged);
    g_object_unref(cmyk);
    g_autoptr(VipsImage) check = vips_image_new_from_buffer(buf, len, "", NULL);
    g_assert_cmpint(vips_image_get_bands(check), ==, 4);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdRenditionSet) set = render(jpeg, NULL, &error);
    g_assert_no_error(error);
    g_autoptr(VipsImage) web = load(&set->renditions[PD_RENDITION_WEB]);
    g_assert_cmpint(vips_image_get_bands(web), ==, 3);

    /* a PNG with alpha and 16 bits per sample: flattened, 8 bits */
    g_autoptr(VipsImage) four = picture(200, 100, 4);
    VipsImage *deep = NULL;
    g_assert_cmpint(vips_cast(four, &deep, VIPS_FORMAT_USHORT, NULL), ==, 0);
    VipsImage *rgb16 = NULL;
    g_assert_cmpint(vips_copy(deep, &rgb16, "interpretation", VIPS_INTERPRETATION_RGB16, NULL), ==,
                    0);
    void *pbuf = NULL;
    size_t plen = 0;
    g_assert_cmpint(vips_pngsave_buffer(rgb16, &pbuf, &plen, NULL), ==, 0);
    g_object_unref(deep);
    g_object_unref(rgb16);
    g_autoptr(GBytes) png = g_bytes_new_take(pbuf, plen);
    g_autoptr(PdRenditionSet) ps = render(png, NULL, &error);
    g_assert_no_error(error);
    g_autoptr(VipsImage) pweb = load(&ps->renditions[PD_RENDITION_WEB]);
    g_assert_cmpint(vips_image_get_bands(pweb), ==, 3);
    g_assert_cmpint(vips_image_get_format(pweb), ==, VIPS_FORMAT_UCHAR);
}

static void
test_hash(void)
{
    g_autoptr(VipsImage) a = picture(1200, 800, 3);
    g_autoptr(VipsImage) a_small = NULL;
    g_assert_cmpint(vips_resize(a, &a_small, 0.5, NULL), ==, 0);
    VipsImage *flipped = NULL;
    g_assert_cmpint(vips_flip(a, &flipped, VIPS_DIRECTION_HORIZONTAL, NULL), ==, 0);
    g_autoptr(GBytes) ja = jpeg_of(a, 0), js = jpeg_of(a_small, 0), jf = jpeg_of(flipped, 0);
    g_object_unref(flipped);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdRenditionSet) sa = render(ja, NULL, &error);
    g_autoptr(PdRenditionSet) ss = render(js, NULL, &error);
    g_autoptr(PdRenditionSet) sf = render(jf, NULL, &error);
    g_assert_cmpint(pd_thumbs_hash_distance(sa->dhash, ss->dhash), <=, 4);
    g_assert_cmpint(pd_thumbs_hash_distance(sa->dhash, sf->dhash), >=, 8);
}

static void
test_refusals(void)
{
    g_autoptr(VipsImage) img = picture(1000, 1000, 3);
    g_autoptr(GBytes) jpeg = jpeg_of(img, 0);
    PdThumbsOptions opt;
    pd_thumbs_options_init(&opt);
    opt.max_megapixels = 0.5;
    g_autoptr(GError) e1 = NULL;
    g_assert_null(render(jpeg, &opt, &e1));
    g_assert_error(e1, PD_THUMBS_ERROR, PD_THUMBS_ERROR_TOO_LARGE);
    g_assert_nonnull(strstr(e1->message, "megapixels"));

    /* truncated in its image data */
    gsize n;
    const guint8 *d = g_bytes_get_data(jpeg, &n);
    g_autoptr(GBytes) cut = g_bytes_new(d, n * 2 / 3);
    g_autoptr(GError) e2 = NULL;
    g_assert_null(render(cut, NULL, &e2));
    g_assert_error(e2, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE);

    g_autoptr(GError) e3 = NULL;
    g_assert_null(pd_thumbs_render("not an image", 12, NULL, &e3));
    g_assert_error(e3, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE);

    /* past the time a photo may take: libvips stops, the photo is refused */
    g_autoptr(VipsImage) large = picture(6000, 4000, 3);
    g_autoptr(GBytes) slow = jpeg_of(large, 0);
    pd_thumbs_options_init(&opt);
    opt.seconds = 1e-6;
    g_autoptr(GError) e4 = NULL;
    g_assert_null(render(slow, &opt, &e4));
    g_assert_error(e4, PD_THUMBS_ERROR, PD_THUMBS_ERROR_TOO_SLOW);
    g_assert_nonnull(strstr(e4->message, "longer than"));
    pd_thumbs_options_init(&opt);
    g_autoptr(GError) e5 = NULL;
    PdRenditionSet *in_time = render(slow, &opt, &e5);
    g_assert_no_error(e5);
    pd_rendition_set_free(in_time);
}

/* The mean of the @w x @h area at @x, @y of @img. */
static double
area_mean(VipsImage *img, int x, int y, int w, int h)
{
    VipsImage *part = NULL;
    g_assert_cmpint(vips_crop(img, &part, x, y, w, h, NULL), ==, 0);
    double m = 0;
    g_assert_cmpint(vips_avg(part, &m, NULL), ==, 0);
    g_object_unref(part);
    return m;
}

/* A delivered picture: a crop of the upright picture whatever the EXIF orientation,
 * sized to the profile and never enlarged, from CMYK too; a crop outside refused. */
static void
test_deliver(void)
{
    /* the upright picture's left half is white: each orientation's crop of its left
     * quarter is as light as libvips' own autorotation shows it */
    g_autoptr(VipsImage) img = picture(600, 400, 3);
    for (int o = 1; o <= 8; o++) {
        g_autoptr(GBytes) jpeg = jpeg_of(img, o);
        gsize n;
        const void *d = g_bytes_get_data(jpeg, &n);
        g_autoptr(VipsImage) orig = vips_image_new_from_buffer(d, n, "", NULL);
        VipsImage *rot = NULL;
        g_assert_cmpint(vips_autorot(orig, &rot, NULL), ==, 0);
        int W = vips_image_get_width(rot), H = vips_image_get_height(rot);
        PdDeliverSpec spec = {0, 0.25, 0.25, 0.5, 0, 90};
        int w = 0, h = 0;
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) out = pd_thumbs_deliver(d, n, &spec, &w, &h, &error);
        g_assert_no_error(error);
        g_assert_cmpint(ABS(w - W / 4), <=, 1);
        g_assert_cmpint(ABS(h - H / 2), <=, 1);
        gsize on;
        const void *od = g_bytes_get_data(out, &on);
        g_autoptr(VipsImage) got = vips_image_new_from_buffer(od, on, "", NULL);
        double want = area_mean(rot, 2, H / 4 + 2, W / 4 - 4, H / 2 - 4);
        double have = area_mean(got, 2, 2, w - 4, h - 4);
        if (ABS(want - have) > 20)
            g_error("orientation %d: the crop is %.0f, the upright picture there %.0f", o, have,
                    want);
        g_object_unref(rot);
    }
    /* sized: a crop of 1500 x 1000 to a long edge of 1000; a long edge past the crop
     * leaves it at its own size */
    g_autoptr(VipsImage) big = picture(3000, 2000, 3);
    g_autoptr(GBytes) bj = jpeg_of(big, 0);
    gsize bn;
    const void *bd = g_bytes_get_data(bj, &bn);
    PdDeliverSpec sized = {0.25, 0.25, 0.5, 0.5, 1000, 85};
    int w = 0, h = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) a = pd_thumbs_deliver(bd, bn, &sized, &w, &h, &error);
    g_assert_no_error(error);
    g_assert_nonnull(a);
    g_assert_cmpint(w, ==, 1000);
    g_assert_cmpint(ABS(h - 667), <=, 1);
    sized.long_edge = 4000;
    g_autoptr(GBytes) b = pd_thumbs_deliver(bd, bn, &sized, &w, &h, &error);
    g_assert_nonnull(b);
    g_assert_cmpint(w, ==, 1500);
    g_assert_cmpint(h, ==, 1000);
    PdDeliverSpec whole = {0, 0, 0, 0, 0, 95};
    g_autoptr(GBytes) c = pd_thumbs_deliver(bd, bn, &whole, &w, &h, &error);
    g_assert_nonnull(c);
    g_assert_cmpint(w, ==, 3000);
    /* CMYK: sRGB out */
    g_autoptr(VipsImage) rgb = picture(400, 300, 3);
    VipsImage *tagged = NULL, *cmyk = NULL;
    g_assert_cmpint(vips_copy(rgb, &tagged, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==,
                    0);
    g_assert_cmpint(vips_icc_export(tagged, &cmyk, "output_profile", "cmyk", NULL), ==, 0);
    void *buf = NULL;
    size_t len = 0;
    g_assert_cmpint(vips_jpegsave_buffer(cmyk, &buf, &len, NULL), ==, 0);
    g_object_unref(tagged);
    g_object_unref(cmyk);
    PdDeliverSpec half = {0, 0, 0.5, 1, 0, 90};
    g_autoptr(GBytes) srgb = pd_thumbs_deliver(buf, len, &half, &w, &h, &error);
    g_assert_no_error(error);
    g_assert_cmpint(w, ==, 200);
    g_autoptr(VipsImage) s3 =
        vips_image_new_from_buffer(g_bytes_get_data(srgb, NULL), g_bytes_get_size(srgb), "", NULL);
    g_assert_cmpint(vips_image_get_bands(s3), ==, 3);
    g_assert_cmpfloat(area_mean(s3, 10, 10, 150, 250), >, 200); /* the white half */
    g_free(buf);
    /* outside the picture */
    PdDeliverSpec outside = {0.8, 0, 0.5, 1, 0, 90};
    g_assert_null(pd_thumbs_deliver(bd, bn, &outside, &w, &h, &error));
    g_assert_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    if (VIPS_INIT(argv[0]))
        g_error("libvips failed to start");
    vips_concurrency_set(1);
    g_test_add_func("/thumbs/sizes", test_sizes);
    g_test_add_func("/thumbs/orientation", test_orientation);
    g_test_add_func("/thumbs/cmyk-and-alpha", test_cmyk_and_alpha);
    g_test_add_func("/thumbs/hash", test_hash);
    g_test_add_func("/thumbs/refusals", test_refusals);
    g_test_add_func("/thumbs/deliver", test_deliver);
    return g_test_run();
}
