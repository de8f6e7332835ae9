/* reconcile.c: one value per field from EXIF, IPTC-IIM and XMP.
 *
 * The rules are the Metadata Working Group's (Guidelines for Handling Image Metadata
 * 2.0), as exiftool's MWG module applies them and ../shared/corpus/README.md spells them
 * out, with that README's deviations:
 *
 *   1. EXIF first for caption, byline and copyright (and the date), unless blank or a
 *      camera's default text.
 *   2. IIM against XMP by the Photoshop digest: no IIM, no stored digest, or a digest
 *      that matches the block as it is now, and XMP wins; a stale digest means some tool
 *      changed the IIM after the last sync, and IIM wins, even where it lacks the field.
 *   3. An IIM value cut at its dataset's length limit is recovered from the XMP text it
 *      is the start of.
 */
#include "caption/caption.h"
#include "ingest/sources.h"
#include "base/base.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

typedef enum {
    KIND_TEXT, /* one string; the first non-empty of a list */
    KIND_JOIN, /* one string; a list joined with "; " */
    KIND_LIST, /* an array */
} FieldKind;

typedef enum {
    EXIF_NONE,
    EXIF_DESCRIPTION,
    EXIF_ARTIST,
    EXIF_COPYRIGHT,
} ExifSource;

typedef struct {
    gsize offset; /* of the char * in PdPhotoMeta; unused for keywords */
    guint8 dataset;
    const char *xmp[2];
    guint limit; /* IIM maximum length in bytes */
    FieldKind kind;
    ExifSource exif;
} FieldSpec;

#define FIELD(name) offsetof(PdPhotoMeta, name)

static const FieldSpec fields[] = {
    {FIELD(caption), PD_IIM_CAPTION, {"dc:description"}, 2000, KIND_TEXT, EXIF_DESCRIPTION},
    {FIELD(headline), PD_IIM_HEADLINE, {"photoshop:Headline"}, 256, KIND_TEXT, EXIF_NONE},
    {FIELD(byline), PD_IIM_BYLINE, {"dc:creator"}, 32, KIND_JOIN, EXIF_ARTIST},
    {FIELD(credit), PD_IIM_CREDIT, {"photoshop:Credit"}, 32, KIND_TEXT, EXIF_NONE},
    {FIELD(source), PD_IIM_SOURCE, {"photoshop:Source"}, 32, KIND_TEXT, EXIF_NONE},
    {FIELD(copyright), PD_IIM_COPYRIGHT, {"dc:rights"}, 128, KIND_TEXT, EXIF_COPYRIGHT},
    {FIELD(city),
     PD_IIM_CITY,
     {"photoshop:City", "Iptc4xmpExt:LocationShown/Iptc4xmpExt:City"},
     32,
     KIND_TEXT,
     EXIF_NONE},
    {FIELD(province),
     PD_IIM_PROVINCE_STATE,
     {"photoshop:State", "Iptc4xmpExt:LocationShown/Iptc4xmpExt:ProvinceState"},
     32,
     KIND_TEXT,
     EXIF_NONE},
    {FIELD(country),
     PD_IIM_COUNTRY,
     {"photoshop:Country", "Iptc4xmpExt:LocationShown/Iptc4xmpExt:CountryName"},
     64,
     KIND_TEXT,
     EXIF_NONE},
    {0, PD_IIM_KEYWORDS, {"dc:subject"}, 64, KIND_LIST, EXIF_NONE},
    {FIELD(special_instructions),
     PD_IIM_SPECIAL_INSTRUCTIONS,
     {"photoshop:Instructions"},
     256,
     KIND_TEXT,
     EXIF_NONE},
    {FIELD(transmission_reference),
     PD_IIM_TRANSMISSION_REFERENCE,
     {"photoshop:TransmissionReference"},
     32,
     KIND_TEXT,
     EXIF_NONE},
    {FIELD(object_name), PD_IIM_OBJECT_NAME, {"dc:title"}, 64, KIND_TEXT, EXIF_NONE},
    {FIELD(writer), PD_IIM_WRITER, {"photoshop:CaptionWriter"}, 32, KIND_TEXT, EXIF_NONE},
};

/* Descriptions cameras and software write into EXIF ImageDescription by default. They
 * describe nothing, so they count as blank and never hide a real caption. */
static const char *const camera_defaults[] = {
    "olympus digital camera",
    "sony dsc",
    "digital camera",
    "kodak digital still camera",
    "created with gimp",
    "samsung",
    "dcf 1.0",
    "default",
    "image",
    "picture",
};

/* IIM datasets exiftool reads as lists (several datasets, one value each). */
static gboolean
iim_is_list(guint8 dataset)
{
    return dataset == PD_IIM_KEYWORDS || dataset == PD_IIM_BYLINE || dataset == PD_IIM_WRITER;
}

/* A value found for a field: one or several strings. */
typedef struct {
    GPtrArray *items; /* of char * */
    gboolean list;
} Value;

static void
value_clear(Value *v)
{
    if (v->items)
        g_ptr_array_unref(v->items);
    v->items = NULL;
}

static Value
value_one(char *s)
{
    Value v = {g_ptr_array_new_with_free_func(g_free), FALSE};
    g_ptr_array_add(v.items, s);
    return v;
}

static gboolean
is_camera_default(const char *s)
{
    g_autofree char *t = g_ascii_strdown(s, -1);
    g_strstrip(t);
    for (gsize i = 0; i < G_N_ELEMENTS(camera_defaults); i++)
        if (strcmp(t, camera_defaults[i]) == 0)
            return TRUE;
    return FALSE;
}

static const char *
exif_value(const PdSources *src, ExifSource which)
{
    switch (which) {
    case EXIF_DESCRIPTION:
        return src->exif.description;
    case EXIF_ARTIST:
        return src->exif.artist;
    case EXIF_COPYRIGHT:
        return src->exif.copyright;
    default:
        return NULL;
    }
}

/* The IIM value of @dataset from the first block that has it: every occurrence for a
 * list dataset, else the last one (what exiftool -a reports). Also gives the byte length
 * of each value, for truncation recovery. */
static gboolean
iim_lookup(const PdSources *src, guint8 dataset, Value *out, GArray **lengths)
{
    for (guint b = 0; b < src->iim->len; b++) {
        const PdIimBlock *block = g_ptr_array_index(src->iim, b);
        guint from = 0;
        const PdIimDataset *d;
        const PdIimDataset *last = NULL;
        GPtrArray *items = NULL;
        GArray *lens = g_array_new(FALSE, FALSE, sizeof(guint));
        while ((d = pd_iim_block_find(block, 2, dataset, &from)) != NULL) {
            if (iim_is_list(dataset)) {
                if (items == NULL)
                    items = g_ptr_array_new_with_free_func(g_free);
                g_ptr_array_add(items, pd_text_decode(d->value, d->len, NULL));
                guint n = d->len;
                while (n > 0 && d->value[n - 1] == 0)
                    n--;
                g_array_append_val(lens, n);
            } else {
                last = d;
            }
        }
        if (last) {
            items = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(items, pd_text_decode(last->value, last->len, NULL));
            guint n = last->len;
            while (n > 0 && last->value[n - 1] == 0)
                n--;
            g_array_append_val(lens, n);
        }
        if (items) {
            out->items = items;
            out->list = iim_is_list(dataset) && items->len > 1;
            if (lengths)
                *lengths = lens;
            else
                g_array_unref(lens);
            return TRUE;
        }
        g_array_unref(lens);
    }
    return FALSE;
}

static gboolean
xmp_lookup(const PdSources *src, const char *const paths[2], Value *out)
{
    for (int i = 0; i < 2 && paths[i]; i++) {
        const PdXmpProperty *prop = pd_xmp_get(src->xmp, paths[i]);
        if (prop == NULL || prop->values->len == 0)
            continue;
        out->items = g_ptr_array_new_with_free_func(g_free);
        if (prop->kind == PD_XMP_ALT) {
            g_ptr_array_add(out->items, g_strdup(pd_xmp_get_text(src->xmp, paths[i])));
            out->list = FALSE;
        } else {
            for (guint k = 0; k < prop->values->len; k++)
                g_ptr_array_add(out->items, g_strdup(g_ptr_array_index(prop->values, k)));
            out->list = prop->values->len > 1;
        }
        return TRUE;
    }
    return FALSE;
}

static gboolean
has_iim(const PdSources *src)
{
    for (guint b = 0; b < src->iim->len; b++) {
        const PdIimBlock *block = g_ptr_array_index(src->iim, b);
        if (block->datasets->len > 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
xmp_preferred(const PdSources *src)
{
    if (!has_iim(src) || !src->has_stored_digest || !src->has_current_digest)
        return TRUE;
    return memcmp(src->stored_digest, src->current_digest, 16) == 0;
}

/* An IIM value as long as its dataset allows (within 3 bytes) that is the start of the
 * XMP value was cut short by the IIM limit: take the XMP text. */
static void
recover_truncated(Value *iim, GArray *lengths, const Value *xmp, guint limit)
{
    if (xmp->items == NULL)
        return;
    for (guint i = 0; i < iim->items->len; i++) {
        const char *x = NULL;
        if (i < xmp->items->len)
            x = g_ptr_array_index(xmp->items, i);
        else if (iim->items->len == 1 && xmp->items->len > 0)
            x = g_ptr_array_index(xmp->items, 0);
        const char *v = g_ptr_array_index(iim->items, i);
        guint n = g_array_index(lengths, guint, i);
        if (x && n + 3 >= limit && g_utf8_strlen(x, -1) > g_utf8_strlen(v, -1) &&
            g_str_has_prefix(x, v)) {
            g_free(g_ptr_array_index(iim->items, i));
            g_ptr_array_index(iim->items, i) = g_strdup(x);
        }
    }
}

static Value
reconcile_field(const PdSources *src, const FieldSpec *f, gboolean prefer_xmp)
{
    Value none = {NULL, FALSE};
    if (f->exif != EXIF_NONE) {
        const char *ev = exif_value(src, f->exif);
        if (ev && !pd_text_is_blank(ev) && !(f->exif == EXIF_DESCRIPTION && is_camera_default(ev)))
            return value_one(g_strdup(ev));
    }
    Value xv = {NULL, FALSE}, iv = {NULL, FALSE};
    GArray *lengths = NULL;
    xmp_lookup(src, f->xmp, &xv);
    iim_lookup(src, f->dataset, &iv, &lengths);
    if (prefer_xmp) {
        if (xv.items) {
            value_clear(&iv);
            if (lengths)
                g_array_unref(lengths);
            return xv;
        }
        if (lengths)
            g_array_unref(lengths);
        return iv.items ? iv : none;
    }
    if (iv.items == NULL) {
        value_clear(&xv);
        return none;
    }
    recover_truncated(&iv, lengths, &xv, f->limit);
    g_array_unref(lengths);
    value_clear(&xv);
    return iv;
}

static void
store_field(PdPhotoMeta *meta, const FieldSpec *f, Value *v)
{
    if (v->items == NULL)
        return;
    if (f->kind == KIND_LIST) {
        for (guint i = 0; i < v->items->len; i++) {
            char *s = pd_text_normalise(g_strdup(g_ptr_array_index(v->items, i)));
            if (s)
                g_ptr_array_add(meta->keywords, s);
        }
        return;
    }
    char **slot = (char **)((char *)meta + f->offset);
    if (f->kind == KIND_JOIN && v->list) {
        GString *joined = g_string_new(NULL);
        for (guint i = 0; i < v->items->len; i++) {
            char *s = pd_text_normalise(g_strdup(g_ptr_array_index(v->items, i)));
            if (s == NULL)
                continue;
            if (joined->len)
                g_string_append(joined, "; ");
            g_string_append(joined, s);
            g_free(s);
        }
        *slot = pd_text_normalise(g_string_free(joined, FALSE));
        return;
    }
    for (guint i = 0; i < v->items->len && *slot == NULL; i++) {
        *slot = pd_text_normalise(g_strdup(g_ptr_array_index(v->items, i)));
        if (!v->list)
            break;
    }
}

/* ---------------------------------------------------------------- date */

static char *
first_iim_text(const PdSources *src, guint8 dataset)
{
    Value v = {NULL, FALSE};
    if (!iim_lookup(src, dataset, &v, NULL))
        return NULL;
    char *s = g_strdup(g_ptr_array_index(v.items, 0));
    value_clear(&v);
    return s;
}

static char *
reconcile_date(const PdSources *src, gboolean prefer_xmp)
{
    const char *exif_dates[] = {src->exif.date_original_composite, src->exif.date_original};
    for (gsize i = 0; i < G_N_ELEMENTS(exif_dates); i++) {
        char *iso = pd_text_iso_date(exif_dates[i]);
        if (iso)
            return iso;
    }
    g_autofree char *date = first_iim_text(src, PD_IIM_DATE_CREATED);
    g_autofree char *time = first_iim_text(src, PD_IIM_TIME_CREATED);
    g_autofree char *iim = date ? pd_text_iim_date_time(date, time) : NULL;
    if (prefer_xmp) {
        char *x = pd_text_iso_date(pd_xmp_get_text(src->xmp, "photoshop:DateCreated"));
        if (x)
            return x;
    }
    return pd_text_iso_date(iim);
}

/* ---------------------------------------------------------------- GPS */

/* exiftool's ToDegrees for XMP coordinates ("53,22.97083N", "1,49.5W", "-33.86"): up to
 * three numbers (degrees, minutes, seconds), negative for a trailing S or W. */
static gboolean
xmp_degrees(const char *s, double *out)
{
    if (s == NULL || strstr(s, "inf") || strstr(s, "undef"))
        return FALSE;
    double parts[3] = {0, 0, 0};
    int n = 0;
    const char *p = s;
    while (*p && n < 3) {
        const char *q = p;
        if (*q == '+' || *q == '-')
            q++;
        if (g_ascii_isdigit(*q) || (*q == '.' && g_ascii_isdigit(q[1]))) {
            char *end;
            parts[n++] = g_ascii_strtod(p, &end);
            p = end > p ? end : p + 1;
        } else {
            p++;
        }
    }
    if (n == 0)
        return FALSE;
    double deg = parts[0] + (parts[1] + parts[2] / 60.0) / 60.0;
    gsize len = strlen(s);
    while (len > 0 && g_ascii_isspace(s[len - 1]))
        len--;
    static const char *const south_west[] = {"S", "South", "W", "West"};
    for (gsize i = 0; i < G_N_ELEMENTS(south_west); i++) {
        gsize k = strlen(south_west[i]);
        if (len > k && g_ascii_strncasecmp(s + len - k, south_west[i], k) == 0 &&
            !g_ascii_isalpha(s[len - k - 1])) {
            deg = -deg;
            break;
        }
    }
    *out = deg;
    return TRUE;
}

static double
round7(double v)
{
    char buf[64];
    g_snprintf(buf, sizeof buf, "%.7f", v);
    return g_ascii_strtod(buf, NULL);
}

static void
reconcile_gps(const PdSources *src, PdPhotoMeta *meta)
{
    double lat, lon;
    gboolean found = FALSE;
    if (src->exif.has_gps) {
        lat = src->exif.gps_lat;
        lon = src->exif.gps_lon;
        found = TRUE;
    } else if (xmp_degrees(pd_xmp_get_text(src->xmp, "exif:GPSLatitude"), &lat) &&
               xmp_degrees(pd_xmp_get_text(src->xmp, "exif:GPSLongitude"), &lon)) {
        found = TRUE;
    }
    if (!found)
        return;
    if (!isfinite(lat) || !isfinite(lon) || fabs(lat) > 90 || fabs(lon) > 180) {
        pd_meta_warn(meta, FALSE, "GPS: position %g, %g is out of range (ignored)", lat, lon);
        return;
    }
    meta->has_gps = TRUE;
    meta->gps_lat = round7(lat);
    meta->gps_lon = round7(lon);
}

/* ---------------------------------------------------------------- the rest */

static int
parse_orientation(const char *s)
{
    if (s == NULL)
        return 0;
    char *end;
    gint64 v = g_ascii_strtoll(s, &end, 10);
    while (g_ascii_isspace(*end))
        end++;
    return (end != s && *end == '\0' && v >= 1 && v <= 8) ? (int)v : 0;
}

void
pd_reconcile(const PdSources *src, PdPhotoMeta *meta)
{
    gboolean prefer_xmp = xmp_preferred(src);
    if (!prefer_xmp && pd_xmp_size(src->xmp) > 0)
        pd_meta_warn(meta, FALSE,
                     "IPTC was changed after XMP was last synchronised (digest "
                     "is stale): IPTC values win");

    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        Value v = reconcile_field(src, &fields[i], prefer_xmp);
        store_field(meta, &fields[i], &v);
        value_clear(&v);
    }
    meta->date_created = reconcile_date(src, prefer_xmp);

    if (src->exif.orientation >= 1 && src->exif.orientation <= 8) {
        meta->orientation = src->exif.orientation;
    } else {
        if (src->exif.orientation != 0)
            pd_meta_warn(meta, FALSE, "EXIF: orientation %d is not a valid value (1 to 8)",
                         src->exif.orientation);
        meta->orientation = parse_orientation(pd_xmp_get_text(src->xmp, "tiff:Orientation"));
    }

    meta->make = pd_text_normalise(g_strdup(src->exif.make));
    if (meta->make == NULL)
        meta->make = pd_text_normalise(g_strdup(pd_xmp_get_text(src->xmp, "tiff:Make")));
    meta->model = pd_text_normalise(g_strdup(src->exif.model));
    if (meta->model == NULL)
        meta->model = pd_text_normalise(g_strdup(pd_xmp_get_text(src->xmp, "tiff:Model")));

    /* the camera's settings: EXIF's, else the lens as XMP names it */
    meta->text.lens = pd_text_normalise(g_strdup(src->exif.lens));
    if (meta->text.lens == NULL)
        meta->text.lens =
            pd_text_normalise(g_strdup(pd_xmp_get_text(src->xmp, "exifEX:LensModel")));
    if (meta->text.lens == NULL)
        meta->text.lens = pd_text_normalise(g_strdup(pd_xmp_get_text(src->xmp, "aux:Lens")));
    meta->text.exposure = g_strdup(src->exif.exposure);
    meta->text.aperture = g_strdup(src->exif.aperture);
    meta->text.iso = g_strdup(src->exif.iso);
    meta->text.focal_length = g_strdup(src->exif.focal_length);

    /* how the picture was made: XMP alone holds it (IPTC 2025.1, PLUS) */
    guint n;
    const PdPhotoField *table = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++)
        if (table[i].flags & PD_FIELD_PROVENANCE)
            *pd_photo_text_string(&meta->text, &table[i]) =
                pd_text_normalise(g_strdup(pd_xmp_get_text(src->xmp, table[i].xmp)));

    reconcile_gps(src, meta);
    pd_caption_read(&meta->text, &meta->reading);
    for (guint i = 0; i < meta->reading.warnings->len; i++)
        g_ptr_array_add(meta->warnings, g_strdup(g_ptr_array_index(meta->reading.warnings, i)));
}
