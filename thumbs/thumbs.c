/* thumbs.c: one decode, three renditions, a difference hash.
 *
 * The order of work is chosen for cost: shrink while decoding (a JPEG decoded at 1/2 of
 * 6000 px costs a quarter of a full decode), resize to the web size while streaming,
 * keep that in memory, and only then do what needs the whole picture (turning it
 * upright) or costs per pixel (the ICC conversion): on 2048 px, not 6000. Preview and
 * thumb are resized from the rendition above them, never from the decode again.
 */
#include "thumbs/thumbs.h"
#include "thumbs/icc.h"

#include <math.h>
#include "thumbs/vips-autoptr.h"

#include <string.h>

G_DEFINE_QUARK(pd_thumbs_error, pd_thumbs_error)

static const struct {
    const char *name;
    int size;
} sizes[PD_RENDITION_COUNT] = {{"web", 2048}, {"preview", 1280}, {"thumb", 320}};

const char *
pd_thumbs_rendition_name(int index)
{
    g_return_val_if_fail(index >= 0 && index < PD_RENDITION_COUNT, NULL);
    return sizes[index].name;
}

int
pd_thumbs_rendition_size(int index)
{
    g_return_val_if_fail(index >= 0 && index < PD_RENDITION_COUNT, 0);
    return sizes[index].size;
}

void
pd_thumbs_options_init(PdThumbsOptions *options)
{
    options->quality = PD_THUMBS_DEFAULT_QUALITY;
    options->max_megapixels = PD_THUMBS_DEFAULT_MAX_MEGAPIXELS;
    options->seconds = PD_THUMBS_DEFAULT_SECONDS;
}

void
pd_rendition_set_free(PdRenditionSet *set)
{
    if (set == NULL)
        return;
    for (int i = 0; i < PD_RENDITION_COUNT; i++)
        g_clear_pointer(&set->renditions[i].jpeg, g_bytes_unref);
    g_free(set);
}

int
pd_thumbs_hash_distance(guint64 a, guint64 b)
{
    return __builtin_popcountll(a ^ b);
}

/* libvips' error buffer is shared by the process: taken once, right here, copied and
 * cleared under libvips' own lock (other workers append to it meanwhile). */
static void
vips_failure(GError **error, PdThumbsError code, const char *what)
{
    g_autofree char *msg = vips_error_buffer_copy();
    g_strstrip(msg);
    g_strdelimit(msg, "\n", ' ');
    g_set_error(error, PD_THUMBS_ERROR, code, "%s: %s", what,
                msg[0] ? msg : "libvips gave no reason");
}

/* Makes @in an 8-bit sRGB (or grey) picture without alpha, converting from its ICC
 * profile when it has one that is not sRGB. Takes a reference to @in. */
static VipsImage *
to_srgb(VipsImage *in, GError **error)
{
    g_autoptr(VipsImage) img = g_object_ref(in);
    VipsInterpretation interp = vips_image_guess_interpretation(img);
    const void *profile = NULL;
    size_t profile_len = 0;
    gboolean has_profile =
        vips_image_get_typeof(img, VIPS_META_ICC_NAME) &&
        vips_image_get_blob(img, VIPS_META_ICC_NAME, &profile, &profile_len) == 0;

    if (interp == VIPS_INTERPRETATION_CMYK ||
        (has_profile && !pd_icc_is_srgb(profile, profile_len))) {
        VipsImage *out = NULL;
        /* CMYK without a profile: libvips' built-in CMYK profile stands in */
        int r = has_profile ? vips_icc_transform(img, &out, "srgb", "embedded", TRUE, "intent",
                                                 VIPS_INTENT_RELATIVE, NULL)
                            : vips_icc_transform(img, &out, "srgb", "input_profile", "cmyk",
                                                 "intent", VIPS_INTENT_RELATIVE, NULL);
        if (r != 0) {
            vips_failure(error, PD_THUMBS_ERROR_DECODE, "colour conversion failed");
            return NULL;
        }
        g_object_unref(img);
        img = out;
        interp = VIPS_INTERPRETATION_sRGB;
    }
    if (vips_image_hasalpha(img)) {
        VipsImage *out = NULL;
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        int r = vips_flatten(img, &out, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (r != 0) {
            vips_failure(error, PD_THUMBS_ERROR_DECODE, "flattening failed");
            return NULL;
        }
        g_object_unref(img);
        img = out;
    }
    gboolean grey = interp == VIPS_INTERPRETATION_B_W || interp == VIPS_INTERPRETATION_GREY16;
    VipsInterpretation want = grey ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    if (vips_image_get_interpretation(img) != want ||
        vips_image_get_format(img) != VIPS_FORMAT_UCHAR) {
        VipsImage *out = NULL;
        if (vips_colourspace(img, &out, want, NULL) != 0) {
            vips_failure(error, PD_THUMBS_ERROR_DECODE, "colour conversion failed");
            return NULL;
        }
        g_object_unref(img);
        img = out;
        if (vips_image_get_format(img) != VIPS_FORMAT_UCHAR) {
            if (vips_cast_uchar(img, &out, NULL) != 0) {
                vips_failure(error, PD_THUMBS_ERROR_DECODE, "conversion to 8 bits failed");
                return NULL;
            }
            g_object_unref(img);
            img = out;
        }
    }
    return g_steal_pointer(&img);
}

/* The time a photo's decoding may take: past @deadline (monotonic µs), libvips is told to
 * stop computing. */
typedef struct {
    gint64 deadline;
    double seconds;
    gboolean late;
} Budget;

static void
on_eval(VipsImage *image, VipsProgress *progress, gpointer data)
{
    Budget *b = data;
    if (!b->late && g_get_monotonic_time() > b->deadline) {
        b->late = TRUE;
        vips_image_set_kill(image, TRUE);
    }
}

/* @in computed into memory within @b's deadline; NULL when it could not be (late or
 * damaged: the caller says which). */
static VipsImage *
copy_in_time(VipsImage *in, Budget *b)
{
    vips_image_set_progress(in, TRUE);
    gulong handler = g_signal_connect(in, "eval", G_CALLBACK(on_eval), b);
    VipsImage *out = b->late ? NULL : vips_image_copy_memory(in);
    g_signal_handler_disconnect(in, handler);
    return out;
}

static void
decode_failure(const Budget *b, GError **error, const char *what)
{
    if (b->late) {
        vips_error_clear();
        g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_TOO_SLOW,
                    "decoding took longer than %.0f s, the time a photo may take", b->seconds);
        return;
    }
    vips_failure(error, PD_THUMBS_ERROR_DECODE, what);
}

/* @in shrunk so that its long edge is at most @size (never enlarged), in memory. */
static VipsImage *
shrink_to(VipsImage *in, int size, Budget *b, GError **error)
{
    int w = vips_image_get_width(in), h = vips_image_get_height(in);
    int longest = MAX(w, h);
    VipsImage *out = NULL;
    if (longest > size) {
        double scale = (double)size / longest;
        g_autoptr(VipsImage) resized = NULL;
        if (vips_resize(in, &resized, scale, NULL) != 0) {
            vips_failure(error, PD_THUMBS_ERROR_DECODE, "resize failed");
            return NULL;
        }
        out = copy_in_time(resized, b);
    } else {
        out = copy_in_time(in, b);
    }
    if (out == NULL)
        decode_failure(b, error, "decoding failed");
    return out;
}

static GBytes *
save_jpeg(VipsImage *img, int quality, GError **error)
{
    void *buf = NULL;
    size_t len = 0;
    if (vips_jpegsave_buffer(img, &buf, &len, "Q", quality, "strip", TRUE, NULL) != 0) {
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "JPEG encoding failed");
        return NULL;
    }
    return g_bytes_new_with_free_func(buf, len, g_free, buf);
}

/* Difference hash: the picture in grey at 9 x 8, one bit per pair of neighbours in a
 * row (left darker than right). */
static gboolean
dhash(VipsImage *img, guint64 *out, GError **error)
{
    g_autoptr(VipsImage) grey = NULL, small = NULL;
    if (vips_colourspace(img, &grey, VIPS_INTERPRETATION_B_W, NULL) != 0 ||
        vips_resize(grey, &small, 9.0 / vips_image_get_width(grey), "vscale",
                    8.0 / vips_image_get_height(grey), NULL) != 0) {
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "hashing failed");
        return FALSE;
    }
    size_t n = 0;
    g_autofree guint8 *px = vips_image_write_to_memory(small, &n);
    int w = vips_image_get_width(small), h = vips_image_get_height(small);
    int bands = vips_image_get_bands(small);
    if (px == NULL || w < 9 || h < 8) {
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "hashing failed");
        return FALSE;
    }
    guint64 bits = 0;
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            bits = bits << 1 | (px[(y * w + x) * bands] < px[(y * w + x + 1) * bands]);
    *out = bits;
    return TRUE;
}

PdRenditionSet *
pd_thumbs_render(const void *data, gsize len, const PdThumbsOptions *options, GError **error)
{
    PdThumbsOptions defaults;
    if (options == NULL) {
        pd_thumbs_options_init(&defaults);
        options = &defaults;
    }

    /* The header first: refuse what is too large before any pixel is decoded. */
    g_autoptr(VipsImage) header = vips_image_new_from_buffer(data, len, "", NULL);
    if (header == NULL) {
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "not an image libvips can read");
        return NULL;
    }
    int w = vips_image_get_width(header), h = vips_image_get_height(header);
    double mp = (double)w * h / 1e6;
    if (mp > options->max_megapixels) {
        g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_TOO_LARGE,
                    "%d x %d is %.0f megapixels, over the limit of %.0f", w, h, mp,
                    options->max_megapixels);
        return NULL;
    }
    const char *loader = NULL;
    vips_image_get_string(header, VIPS_META_LOADER, &loader);
    gboolean jpeg = loader && g_str_has_prefix(loader, "jpegload");

    /* JPEG: decode at the largest DCT scale that still covers the web size. */
    int shrink = 1;
    int longest = MAX(w, h);
    for (int s = 8; s >= 2 && jpeg; s /= 2) {
        if (longest / s >= sizes[PD_RENDITION_WEB].size) {
            shrink = s;
            break;
        }
    }
    g_autoptr(VipsImage) decoded =
        jpeg ? vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                          "fail_on", VIPS_FAIL_ON_TRUNCATED, "shrink", shrink, NULL)
             : vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                          "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    if (decoded == NULL) {
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "cannot decode");
        return NULL;
    }

    PdRenditionSet *set = g_new0(PdRenditionSet, 1);
    Budget budget = {g_get_monotonic_time() + (gint64)(options->seconds * G_USEC_PER_SEC),
                     options->seconds, FALSE};
    g_autoptr(VipsImage) web = shrink_to(decoded, sizes[PD_RENDITION_WEB].size, &budget, error);
    g_autoptr(VipsImage) srgb = web ? to_srgb(web, error) : NULL;
    g_autoptr(VipsImage) upright = NULL;
    if (srgb && vips_autorot(srgb, &upright, NULL) != 0)
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "cannot rotate");
    g_autoptr(VipsImage) level = upright ? copy_in_time(upright, &budget) : NULL;
    if (upright && level == NULL)
        decode_failure(&budget, error, "decoding failed");
    for (int i = 0; level && i < PD_RENDITION_COUNT; i++) {
        if (i > 0) {
            VipsImage *next = shrink_to(level, sizes[i].size, &budget, error);
            g_object_unref(level);
            level = next;
            if (level == NULL)
                break;
        }
        PdRendition *r = &set->renditions[i];
        r->name = sizes[i].name;
        r->width = vips_image_get_width(level);
        r->height = vips_image_get_height(level);
        r->jpeg = save_jpeg(level, options->quality, error);
        if (r->jpeg == NULL)
            break;
        if (i == PD_RENDITION_THUMB && !dhash(level, &set->dhash, error))
            break;
    }
    if (level == NULL || set->renditions[PD_RENDITION_THUMB].jpeg == NULL || (error && *error)) {
        pd_rendition_set_free(set);
        return NULL;
    }
    return set;
}

/* ---------------------------------------------------------------- a picture delivered */

GBytes *
pd_thumbs_deliver(const void *data, gsize len, const PdDeliverSpec *spec, int *width, int *height,
                  GError **error)
{
    gboolean cropped = spec->w > 0;
    if (cropped && (spec->x < 0 || spec->y < 0 || spec->w <= 0 || spec->h <= 0 ||
                    spec->x + spec->w > 1.0001 || spec->y + spec->h > 1.0001)) {
        g_set_error(error, PD_THUMBS_ERROR, PD_THUMBS_ERROR_DECODE,
                    "the crop %.4f,%.4f,%.4f,%.4f is not inside the picture", spec->x, spec->y,
                    spec->w, spec->h);
        return NULL;
    }
    g_autoptr(VipsImage) header = vips_image_new_from_buffer(data, len, "", NULL);
    if (header == NULL) {
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "not an image libvips can read");
        return NULL;
    }
    int w = vips_image_get_width(header), h = vips_image_get_height(header);
    int orientation = vips_image_get_orientation(header);
    gboolean turned = orientation >= 5 && orientation <= 8;
    double uw = turned ? h : w, uh = turned ? w : h; /* upright */
    double cw = cropped ? spec->w * uw : uw, ch = cropped ? spec->h * uh : uh;
    const char *loader = NULL;
    vips_image_get_string(header, VIPS_META_LOADER, &loader);
    gboolean jpeg = loader && g_str_has_prefix(loader, "jpegload");
    /* JPEG: decode at the largest DCT scale that still covers the output */
    int shrink = 1;
    double want = spec->long_edge > 0 ? MIN(spec->long_edge, MAX(cw, ch)) : MAX(cw, ch);
    for (int s = 8; s >= 2 && jpeg; s /= 2)
        if (MAX(cw, ch) / s >= want) {
            shrink = s;
            break;
        }
    g_autoptr(VipsImage) decoded =
        jpeg ? vips_image_new_from_buffer(data, len, "", "fail_on", VIPS_FAIL_ON_TRUNCATED,
                                          "shrink", shrink, NULL)
             : vips_image_new_from_buffer(data, len, "", "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    g_autoptr(VipsImage) srgb = decoded ? to_srgb(decoded, error) : NULL;
    g_autoptr(VipsImage) upright = NULL;
    if (decoded == NULL)
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "cannot decode");
    if (srgb && vips_autorot(srgb, &upright, NULL) != 0)
        vips_failure(error, PD_THUMBS_ERROR_DECODE, "cannot rotate");
    if (upright == NULL)
        return NULL;
    g_autoptr(VipsImage) part = g_object_ref(upright);
    if (cropped) {
        int W = vips_image_get_width(upright), H = vips_image_get_height(upright);
        int left = (int)lround(spec->x * W), top = (int)lround(spec->y * H);
        int across = MAX(1, MIN(W - left, (int)lround(spec->w * W)));
        int down = MAX(1, MIN(H - top, (int)lround(spec->h * H)));
        VipsImage *out = NULL;
        if (vips_extract_area(upright, &out, left, top, across, down, NULL) != 0) {
            vips_failure(error, PD_THUMBS_ERROR_DECODE, "cannot crop");
            return NULL;
        }
        g_object_unref(part);
        part = out;
    }
    int pw = vips_image_get_width(part), ph = vips_image_get_height(part);
    if (spec->long_edge > 0 && MAX(pw, ph) > spec->long_edge) {
        VipsImage *out = NULL;
        if (vips_resize(part, &out, (double)spec->long_edge / MAX(pw, ph), NULL) != 0) {
            vips_failure(error, PD_THUMBS_ERROR_DECODE, "resize failed");
            return NULL;
        }
        g_object_unref(part);
        part = out;
    }
    GBytes *jpeg_out = save_jpeg(part, spec->quality > 0 ? spec->quality : 85, error);
    if (jpeg_out) {
        *width = vips_image_get_width(part);
        *height = vips_image_get_height(part);
    }
    return jpeg_out;
}
