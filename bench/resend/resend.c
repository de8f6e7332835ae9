/* resend.c: how far the perceptual hash of a re-sent picture moves, against how far apart
 * two different photographs are; the measurement behind PD_RESEND_MAX_DISTANCE and
 * PD_RESEND_MAX_ASPECT (ingest/library.h).
 *
 *   bench-resend FILE...
 *
 * For each photo (JPEG, at least 300 px on its long edge), the picture is changed the
 * ways agencies change a re-send (encoded again at several qualities, resized, cropped a
 * few percent, its tones changed, rotated by its EXIF orientation instead of its pixels)
 * and each result hashed exactly as ingest hashes it (pd_thumbs_render); every photo is
 * also hashed against every other. One line per kind of change: how many, the largest
 * and the median distance in bits, and the largest change of aspect. */
#include "thumbs/thumbs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

/* pairs this close are listed on stderr: look at them, they may be one picture */
#define PD_CLOSE_PAIR 16

typedef struct {
    const char *name;
    /* the changed picture (a new reference), or NULL with an error */
    VipsImage *(*apply)(VipsImage *in, double amount);
    double amount;
    int quality;
} Change;

static VipsImage *
same(VipsImage *in, double amount)
{
    return g_object_ref(in);
}

static VipsImage *
resize(VipsImage *in, double long_edge)
{
    VipsImage *out = NULL;
    double scale = long_edge / MAX(vips_image_get_width(in), vips_image_get_height(in));
    return vips_resize(in, &out, scale, NULL) == 0 ? out : NULL;
}

/* @fraction cut from every side */
static VipsImage *
crop_all(VipsImage *in, double fraction)
{
    int w = vips_image_get_width(in), h = vips_image_get_height(in);
    int dx = (int)(w * fraction), dy = (int)(h * fraction);
    VipsImage *out = NULL;
    return vips_extract_area(in, &out, dx, dy, w - 2 * dx, h - 2 * dy, NULL) == 0 ? out : NULL;
}

/* @fraction cut from the left and the top only: the frame moves */
static VipsImage *
crop_corner(VipsImage *in, double fraction)
{
    int w = vips_image_get_width(in), h = vips_image_get_height(in);
    int dx = (int)(w * fraction), dy = (int)(h * fraction);
    VipsImage *out = NULL;
    return vips_extract_area(in, &out, dx, dy, w - dx, h - dy, NULL) == 0 ? out : NULL;
}

/* @fraction cut from the right only: the aspect changes */
static VipsImage *
crop_side(VipsImage *in, double fraction)
{
    int w = vips_image_get_width(in), h = vips_image_get_height(in);
    VipsImage *out = NULL;
    return vips_extract_area(in, &out, 0, 0, w - (int)(w * fraction), h, NULL) == 0 ? out : NULL;
}

static VipsImage *
cast(VipsImage *in)
{
    VipsImage *out = NULL;
    if (in == NULL)
        return NULL;
    int r = vips_cast_uchar(in, &out, NULL);
    g_object_unref(in);
    return r == 0 ? out : NULL;
}

/* brighter by @amount (0.1: a tenth of the range) */
static VipsImage *
brighten(VipsImage *in, double amount)
{
    VipsImage *out = NULL;
    double a[1] = {1.0}, b[1] = {255.0 * amount};
    return vips_linear(in, &out, a, b, 1, NULL) == 0 ? cast(out) : NULL;
}

/* more contrast around the middle */
static VipsImage *
contrast(VipsImage *in, double amount)
{
    VipsImage *out = NULL;
    double a[1] = {amount}, b[1] = {128.0 * (1.0 - amount)};
    return vips_linear(in, &out, a, b, 1, NULL) == 0 ? cast(out) : NULL;
}

static VipsImage *
gamma_curve(VipsImage *in, double exponent)
{
    VipsImage *out = NULL;
    return vips_gamma(in, &out, "exponent", exponent, NULL) == 0 ? cast(out) : NULL;
}

/* grey: a colour photo sent again in black and white */
static VipsImage *
grey(VipsImage *in, double amount)
{
    VipsImage *out = NULL;
    return vips_colourspace(in, &out, VIPS_INTERPRETATION_B_W, NULL) == 0 ? out : NULL;
}

/* the pixels turned a quarter, the EXIF orientation saying so: upright, the same */
static VipsImage *
rotated(VipsImage *in, double amount)
{
    VipsImage *turned = NULL;
    if (vips_rot(in, &turned, VIPS_ANGLE_D270, NULL) != 0)
        return NULL;
    VipsImage *out = NULL;
    if (vips_copy(turned, &out, NULL) != 0) {
        g_object_unref(turned);
        return NULL;
    }
    g_object_unref(turned);
    vips_image_set_int(out, VIPS_META_ORIENTATION, 6);
    return out;
}

static const Change changes[] = {
    {"the same file encoded again, Q 95", same, 0, 95},
    {"encoded again, Q 75", same, 0, 75},
    {"encoded again, Q 50", same, 0, 50},
    {"resized to 3000 px, Q 85", resize, 3000, 85},
    {"resized to 2048 px, Q 85", resize, 2048, 85},
    {"resized to 1024 px, Q 85", resize, 1024, 85},
    {"resized to 640 px, Q 85", resize, 640, 85},
    {"cropped 2% on every side", crop_all, 0.02, 85},
    {"cropped 4% on every side", crop_all, 0.04, 85},
    {"cropped 3% at one corner (frame moved)", crop_corner, 0.03, 85},
    {"cropped 5% on one side (aspect changed)", crop_side, 0.05, 85},
    {"cropped 8% on one side (aspect changed)", crop_side, 0.08, 85},
    {"brighter by 10%", brighten, 0.10, 85},
    {"contrast x1.25", contrast, 1.25, 85},
    {"gamma 0.8", gamma_curve, 0.8, 85},
    {"black and white", grey, 0, 85},
    {"turned by EXIF orientation 6", rotated, 0, 85},
};

typedef struct {
    GArray *distances; /* int */
    double worst_aspect;
} Tally;

static int
compare_int(gconstpointer a, gconstpointer b)
{
    return *(const int *)a - *(const int *)b;
}

static int
percentile(GArray *a, double p)
{
    if (a->len == 0)
        return -1;
    g_array_sort(a, compare_int);
    guint i = (guint)floor(p * (a->len - 1) + 0.5);
    return g_array_index(a, int, i);
}

/* The hash and upright aspect of @img saved as a JPEG of @quality, as ingest makes them. */
static gboolean
hash_of(VipsImage *img, int quality, guint64 *hash, double *aspect)
{
    void *buf = NULL;
    size_t len = 0;
    if (vips_jpegsave_buffer(img, &buf, &len, "Q", quality, NULL) != 0)
        return FALSE;
    g_autoptr(GError) error = NULL;
    PdRenditionSet *set = pd_thumbs_render(buf, len, NULL, &error);
    g_free(buf);
    if (set == NULL)
        return FALSE;
    *hash = set->dhash;
    *aspect = (double)set->renditions[PD_RENDITION_THUMB].width /
              set->renditions[PD_RENDITION_THUMB].height;
    pd_rendition_set_free(set);
    return TRUE;
}

int
main(int argc, char **argv)
{
    if (VIPS_INIT(argv[0]) != 0)
        return 1;
    vips_concurrency_set(1);
    int n = (int)G_N_ELEMENTS(changes);
    Tally *t = g_new0(Tally, n);
    for (int k = 0; k < n; k++)
        t[k].distances = g_array_new(FALSE, FALSE, sizeof(int));
    GArray *hashes = g_array_new(FALSE, FALSE, sizeof(guint64));
    GPtrArray *names = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int i = 1; i < argc; i++) {
        VipsImage *in = vips_image_new_from_file(argv[i], "access", VIPS_ACCESS_RANDOM, NULL);
        if (in == NULL) {
            vips_error_clear();
            continue;
        }
        VipsImage *up = NULL, *srgb = NULL;
        if (vips_autorot(in, &up, NULL) != 0 ||
            vips_colourspace(up, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
            MAX(vips_image_get_width(srgb), vips_image_get_height(srgb)) < 300) {
            vips_error_clear();
            g_clear_object(&in);
            g_clear_object(&up);
            g_clear_object(&srgb);
            continue;
        }
        VipsImage *flat = NULL;
        if (vips_image_hasalpha(srgb))
            vips_flatten(srgb, &flat, NULL);
        else
            flat = g_object_ref(srgb);
        vips_image_remove(flat, VIPS_META_ORIENTATION);
        guint64 base = 0;
        double base_aspect = 1;
        /* the corpus holds the same picture under several sets of metadata: once each */
        size_t pixels_len = 0;
        g_autofree void *pixels = vips_image_write_to_memory(flat, &pixels_len);
        g_autofree char *pixels_sum =
            pixels ? g_compute_checksum_for_data(G_CHECKSUM_SHA256, pixels, pixels_len) : NULL;
        if (pixels_sum == NULL || g_hash_table_contains(seen, pixels_sum) ||
            !hash_of(flat, 95, &base, &base_aspect)) {
            vips_error_clear();
        } else {
            g_hash_table_add(seen, g_steal_pointer(&pixels_sum));
            g_array_append_val(hashes, base);
            g_ptr_array_add(names, argv[i]);
            for (int k = 0; k < n; k++) {
                VipsImage *changed = changes[k].apply(flat, changes[k].amount);
                guint64 h = 0;
                double aspect = 1;
                if (changed && hash_of(changed, changes[k].quality, &h, &aspect)) {
                    int d = pd_thumbs_hash_distance(base, h);
                    g_array_append_val(t[k].distances, d);
                    t[k].worst_aspect = MAX(t[k].worst_aspect, fabs(aspect / base_aspect - 1));
                } else {
                    vips_error_clear();
                }
                g_clear_object(&changed);
            }
        }
        g_clear_object(&flat);
        g_clear_object(&in);
        g_clear_object(&up);
        g_clear_object(&srgb);
    }
    printf("| change | pictures | largest distance | median | largest change of aspect |\n");
    printf("|---|---|---|---|---|\n");
    int worst = 0;
    for (int k = 0; k < n; k++) {
        int most = percentile(t[k].distances, 1.0);
        worst = MAX(worst, most);
        printf("| %s | %u | %d | %d | %.1f%% |\n", changes[k].name, t[k].distances->len, most,
               percentile(t[k].distances, 0.5), 100 * t[k].worst_aspect);
    }
    GArray *apart = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < hashes->len; i++)
        for (guint j = i + 1; j < hashes->len; j++) {
            int d = pd_thumbs_hash_distance(g_array_index(hashes, guint64, i),
                                            g_array_index(hashes, guint64, j));
            g_array_append_val(apart, d);
            if (d <= PD_CLOSE_PAIR)
                fprintf(stderr, "close pair (%d bits): %s %s\n", d,
                        (char *)g_ptr_array_index(names, i), (char *)g_ptr_array_index(names, j));
        }
    printf("| two different photographs | %u pairs | smallest %d | %d | 1st percentile %d, 5th %d "
           "|\n",
           apart->len, percentile(apart, 0.0), percentile(apart, 0.5), percentile(apart, 0.01),
           percentile(apart, 0.05));
    printf("\nlargest distance of a re-send: %d bits; smallest between two photographs: %d "
           "bits (%u photos)\n",
           worst, percentile(apart, 0.0), hashes->len);
    return 0;
}
