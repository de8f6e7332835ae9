/* exif.c: the EXIF fields photodesk reads, through libexif.
 *
 * libexif is asked to keep every entry as found: no "follow the specification" fix-ups
 * (which would invent entries) and no dropping of tags it does not expect in an IFD
 * (cameras put DateTimeOriginal in IFD0). Its log is watched for signs of damage.
 * Value conversions follow exiftool's, which the conformance corpus records.
 */
#include "ingest/exif.h"
#include "base/base.h"

#include <libexif/exif-data.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const guint8 exif_header[6] = {'E', 'x', 'i', 'f', 0, 0};

/* libexif caps the TIFF structure it reads at 64 KiB (the size of a JPEG APP1). */
#define LIBEXIF_MAX (0xFFFEu)

/* ---------------------------------------------------------------- structure check
 *
 * libexif skips what it cannot read, mostly without saying so, and reports harmless
 * oddities (a thumbnail offset past the end with a length of 0) in the same words as
 * real damage. Whether the EXIF block is damaged is decided by walking its TIFF
 * structure here: directory offsets and entry counts within the block, no directory
 * visited twice, value offsets within the block, valid entry types. */

typedef struct {
    const guint8 *d;
    gsize len;
    gboolean le;
    guint32 visited[16];
    guint n_visited;
    char *problem;
} Check;

static guint16
c16(const Check *c, gsize off)
{
    const guint8 *p = c->d + off;
    return c->le ? (guint16)(p[0] | p[1] << 8) : (guint16)(p[0] << 8 | p[1]);
}

static guint32
c32(const Check *c, gsize off)
{
    const guint8 *p = c->d + off;
    return c->le ? ((guint32)p[3] << 24 | (guint32)p[2] << 16 | (guint32)p[1] << 8 | p[0])
                 : ((guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3]);
}

static void G_GNUC_PRINTF(2, 3) check_fail(Check *c, const char *format, ...)
{
    if (c->problem)
        return;
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    c->problem = g_strdup_printf("EXIF: %s", msg);
}

/* Bytes of one value of each TIFF type, and 13: IFD (Adobe TIFF Technical Note 1), a
 * sub-directory's offset. */
static const guint8 type_size[14] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};

static void
check_ifd(Check *c, guint32 off, const char *name, int depth)
{
    if (c->problem)
        return;
    if (off < 8 || off > c->len || c->len - off < 2) {
        check_fail(c, "%s directory offset %u is outside the EXIF block (%zu bytes)", name, off,
                   c->len);
        return;
    }
    for (guint i = 0; i < c->n_visited; i++) {
        if (c->visited[i] == off) {
            check_fail(c, "%s directory points back to an earlier directory (a loop)", name);
            return;
        }
    }
    if (c->n_visited == G_N_ELEMENTS(c->visited) || depth > 4) {
        check_fail(c, "too many nested directories");
        return;
    }
    c->visited[c->n_visited++] = off;
    guint count = c16(c, off);
    if ((gsize)count * 12 > c->len - off - 2) {
        check_fail(c, "%s directory claims %u entries, more than the block holds", name, count);
        return;
    }
    for (guint i = 0; i < count && !c->problem; i++) {
        gsize e = off + 2 + 12 * (gsize)i;
        guint16 tag = c16(c, e), type = c16(c, e + 2);
        guint32 cnt = c32(c, e + 4), value = c32(c, e + 8);
        if (tag == 0 && type == 0)
            continue; /* Photoshop writes empty entries */
        if (type == 0 || type > 13) {
            check_fail(c, "%s entry 0x%04x has an invalid type %u", name, tag, type);
            return;
        }
        guint64 size = (guint64)cnt * type_size[type];
        if (size > 4 && (value > c->len || size > c->len - value)) {
            check_fail(c,
                       "%s entry 0x%04x (%" G_GUINT64_FORMAT " bytes at offset %u) lies "
                       "outside the EXIF block",
                       name, tag, size, value);
            return;
        }
        if (tag == EXIF_TAG_EXIF_IFD_POINTER && size == 4)
            check_ifd(c, value, "EXIF", depth + 1);
        else if (tag == EXIF_TAG_GPS_INFO_IFD_POINTER && size == 4)
            check_ifd(c, value, "GPS", depth + 1);
        else if (tag == EXIF_TAG_INTEROPERABILITY_IFD_POINTER && size == 4)
            check_ifd(c, value, "Interoperability", depth + 1);
    }
    if (c->problem || depth != 0 || strcmp(name, "IFD0") != 0)
        return;
    gsize next_at = off + 2 + 12 * (gsize)count;
    if (c->len - next_at < 4)
        return;
    guint32 next = c32(c, next_at);
    if (next != 0)
        check_ifd(c, next, "IFD1", 0);
}

static char *
check_structure(const guint8 *tiff, gsize len)
{
    Check c = {tiff, len, FALSE, {0}, 0, NULL};
    if (len < 8) {
        return g_strdup("EXIF: block too short for a TIFF header");
    }
    if (memcmp(tiff, "II", 2) == 0)
        c.le = TRUE;
    else if (memcmp(tiff, "MM", 2) != 0)
        return g_strdup("EXIF: no TIFF header (byte order mark missing)");
    guint16 magic = c16(&c, 2);
    if (magic == 43)
        return NULL; /* BigTIFF: not an EXIF block */
    if (magic != 42)
        return g_strdup_printf("EXIF: bad TIFF header (magic number %u, not 42)", magic);
    check_ifd(&c, c32(&c, 4), "IFD0", 0);
    return c.problem;
}

static ExifEntry *
entry(ExifData *ed, ExifIfd ifd, ExifTag tag)
{
    return exif_content_get_entry(ed->ifd[ifd], tag);
}

static gboolean
is_text_format(ExifFormat f)
{
    return f == EXIF_FORMAT_ASCII || f == EXIF_FORMAT_UNDEFINED || f == EXIF_FORMAT_BYTE;
}

/* exiftool's "string" reading: the value ends at its first NUL. */
static char *
string_value(ExifEntry *e)
{
    if (e == NULL || e->data == NULL || !is_text_format(e->format))
        return NULL;
    const guint8 *nul = memchr(e->data, 0, e->size);
    gsize n = nul ? (gsize)(nul - e->data) : e->size;
    return pd_text_decode(e->data, n, NULL);
}

/* EXIF Copyright holds "photographer NUL editor NUL"; an editor-only notice starts with
 * a space. exiftool shows the two on separate lines; so does photodesk. */
static char *
copyright_value(ExifEntry *e)
{
    if (e == NULL || e->data == NULL || !is_text_format(e->format))
        return NULL;
    GString *s = g_string_new_len((const char *)e->data, (gssize)e->size);
    const char *nul = memchr(s->str, 0, s->len);
    if (nul) {
        gsize at = (gsize)(nul - s->str);
        gsize sp = at;
        while (sp > 0 && s->str[sp - 1] == ' ')
            sp--;
        g_string_erase(s, (gssize)sp, (gssize)(at + 1 - sp));
        g_string_insert_c(s, (gssize)sp, '\n');
        const char *second = memchr(s->str + sp + 1, 0, s->len - sp - 1);
        if (second) {
            gsize at2 = (gsize)(second - s->str);
            while (at2 > sp + 1 && s->str[at2 - 1] == ' ')
                at2--;
            g_string_truncate(s, at2);
        }
        if (s->len && s->str[s->len - 1] == '\n')
            g_string_truncate(s, s->len - 1);
    }
    char *out = pd_text_decode((const guint8 *)s->str, s->len, NULL);
    g_string_free(s, TRUE);
    return out;
}

/* exiftool keeps 10 significant digits of a rational, 'inf' or 'undef' for x/0. */
static gboolean
rational_triplet(ExifEntry *e, ExifByteOrder order, double out[3])
{
    /* signed rationals too: some writers store GPS that way, and exiftool reads them */
    gboolean is_signed = e && e->format == EXIF_FORMAT_SRATIONAL;
    if (e == NULL || e->data == NULL || (e->format != EXIF_FORMAT_RATIONAL && !is_signed) ||
        e->components < 1 || e->size < 8 * e->components)
        return FALSE;
    for (unsigned i = 0; i < 3; i++) {
        if (i >= e->components) {
            out[i] = 0;
            continue;
        }
        double num, den;
        if (is_signed) {
            ExifSRational r = exif_get_srational(e->data + 8 * i, order);
            num = r.numerator;
            den = r.denominator;
        } else {
            ExifRational r = exif_get_rational(e->data + 8 * i, order);
            num = r.numerator;
            den = r.denominator;
        }
        if (den == 0)
            return FALSE;
        char buf[64];
        g_snprintf(buf, sizeof buf, "%.10g", num / den);
        out[i] = g_ascii_strtod(buf, NULL);
    }
    return TRUE;
}

static gboolean
gps_coordinate(ExifData *ed, ExifTag value_tag, ExifTag ref_tag, char negative_ref, double *out)
{
    ExifEntry *ref = entry(ed, EXIF_IFD_GPS, ref_tag);
    ExifEntry *val = entry(ed, EXIF_IFD_GPS, value_tag);
    double dms[3];
    if (ref == NULL || !rational_triplet(val, exif_data_get_byte_order(ed), dms))
        return FALSE;
    *out = dms[0] + (dms[1] + dms[2] / 60.0) / 60.0;
    if (ref->data && ref->size > 0 && g_ascii_toupper((char)ref->data[0]) == negative_ref)
        *out = -*out;
    return TRUE;
}

/* The first value of an unsigned rational entry; FALSE when there is none, or x/0. */
static gboolean
rational_value(ExifEntry *e, ExifByteOrder order, ExifRational *out)
{
    if (e == NULL || e->data == NULL || e->format != EXIF_FORMAT_RATIONAL || e->components < 1 ||
        e->size < 8)
        return FALSE;
    *out = exif_get_rational(e->data, order);
    return out->denominator != 0 && out->numerator != 0;
}

/* "1/250", "1/8", "0.5", "2", "30": a second or more as seconds, less as a fraction of one. */
static char *
exposure_text(ExifRational r)
{
    double s = (double)r.numerator / r.denominator;
    if (s >= 0.5 || s <= 0)
        return g_strdup_printf("%g", s);
    return g_strdup_printf("1/%.0f", 1.0 / s);
}

/* "f/2.8", "f/8": one decimal, without a trailing ".0". */
static char *
aperture_text(ExifRational r)
{
    char *t = g_strdup_printf("f/%.1f", (double)r.numerator / r.denominator);
    gsize n = strlen(t);
    if (n > 2 && strcmp(t + n - 2, ".0") == 0)
        t[n - 2] = 0;
    return t;
}

/* "200 mm", "3.99 mm", "8.6 mm". */
static char *
focal_length_text(ExifRational r)
{
    double mm = (double)r.numerator / r.denominator;
    return mm >= 100 ? g_strdup_printf("%.0f mm", mm) : g_strdup_printf("%.3g mm", mm);
}

/* The camera's settings (EXIF IFD). */
static void
read_camera(ExifData *ed, PdExifFields *out)
{
    ExifByteOrder order = exif_data_get_byte_order(ed);
    ExifRational r;
    if (rational_value(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_EXPOSURE_TIME), order, &r))
        out->exposure = exposure_text(r);
    if (rational_value(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_FNUMBER), order, &r))
        out->aperture = aperture_text(r);
    if (rational_value(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH), order, &r))
        out->focal_length = focal_length_text(r);
    ExifEntry *iso = entry(ed, EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS);
    if (iso && iso->data && iso->size >= 2 && iso->components >= 1 &&
        iso->format == EXIF_FORMAT_SHORT) {
        ExifShort v = exif_get_short(iso->data, order);
        if (v > 0)
            out->iso = g_strdup_printf("%u", (unsigned)v);
    }
    out->lens = string_value(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL));
    if (out->lens && pd_text_is_blank(out->lens))
        g_clear_pointer(&out->lens, g_free);
}

/* exiftool's Composite:SubSecDateTimeOriginal: sub-seconds go after the seconds unless
 * the value already has some; the offset is appended unless the value already has a sign
 * in it. NULL when there is neither. */
static char *
composite_date(const char *dto, const char *subsec, const char *offset)
{
    char *v = NULL;
    if (subsec && g_ascii_isdigit(subsec[0])) {
        gsize nd = 0;
        while (g_ascii_isdigit(subsec[nd]))
            nd++;
        /* first " hh:mm:ss" not already followed by ".digit" */
        for (const char *p = dto; *p; p++) {
            if (p[0] == ' ' && g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2]) && p[3] == ':' &&
                g_ascii_isdigit(p[4]) && g_ascii_isdigit(p[5]) && p[6] == ':' &&
                g_ascii_isdigit(p[7]) && g_ascii_isdigit(p[8]) &&
                !(p[9] == '.' && g_ascii_isdigit(p[10]))) {
                gsize at = (gsize)(p - dto) + 9;
                v = g_strdup_printf("%.*s.%.*s%s", (int)at, dto, (int)nd, subsec, dto + at);
                break;
            }
        }
    }
    if (offset && strpbrk(dto, "+-") == NULL && (offset[0] == '+' || offset[0] == '-')) {
        const char *p = offset + 1;
        int h = 0, nh = 0;
        while (g_ascii_isdigit(*p) && nh < 3) {
            h = h * 10 + (*p++ - '0');
            nh++;
        }
        if (nh >= 1 && nh <= 2 && p[0] == ':' && g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2])) {
            char *with = g_strdup_printf("%s%c%02d:%c%c", v ? v : dto, offset[0], h, p[1], p[2]);
            g_free(v);
            v = with;
        }
    }
    return v;
}

/* ---------------------------------------------------------------- repacking
 *
 * A TIFF file (a scanner's, a camera's) may keep its directories or their values past the
 * first 64 KiB, where libexif does not read. Its IFD0 and its EXIF and GPS directories are
 * copied into a compact structure of their own, offsets rewritten, without the large
 * values photodesk reads elsewhere or not at all (XMP, IPTC, Photoshop resources, ICC,
 * maker notes, strips), for libexif to read. */

#define REPACK_MAX_VALUE 16384 /* a value larger than this is left out */

static gboolean
skipped_tag(guint16 tag)
{
    switch (tag) {
    case 700:    /* XMP */
    case 33723:  /* IPTC */
    case 34377:  /* Photoshop resources */
    case 34675:  /* ICC profile */
    case 0x927C: /* maker note */
    case 0x0111: /* strip offsets */
    case 0x0117: /* strip byte counts */
    case 0x0144: /* tile offsets */
    case 0x0145: /* tile byte counts */
    case 0xA005: /* interoperability directory: not followed */
    case 0x014A: /* sub-IFDs */
        return TRUE;
    default:
        return FALSE;
    }
}

static void
put16(GByteArray *b, gsize at, guint16 v, gboolean le)
{
    b->data[at] = le ? (guint8)v : (guint8)(v >> 8);
    b->data[at + 1] = le ? (guint8)(v >> 8) : (guint8)v;
}

static void
put32(GByteArray *b, gsize at, guint32 v, gboolean le)
{
    for (int i = 0; i < 4; i++)
        b->data[at + i] = (guint8)(le ? v >> (8 * i) : v >> (8 * (3 - i)));
}

/* Copies directory @off of @c into @out; its pointer entries (EXIF, GPS) are written
 * with 0 and their places in @out returned in @exif_at, @gps_at (0: none). FALSE when
 * the directory cannot be read. */
static gboolean
copy_ifd(const Check *c, guint32 off, GByteArray *out, gsize *exif_at, gsize *gps_at)
{
    if (off < 8 || off > c->len || c->len - off < 2)
        return FALSE;
    guint count = c16(c, off);
    if ((gsize)count * 12 > c->len - off - 2 || count > 1000)
        return FALSE;
    /* the entries kept, then their values */
    gsize start = out->len, kept = 0;
    g_byte_array_set_size(out, (guint)(start + 2 + 12 * (gsize)count + 4));
    memset(out->data + start, 0, 2 + 12 * (gsize)count + 4);
    for (guint i = 0; i < count; i++) {
        gsize e = off + 2 + 12 * (gsize)i;
        guint16 tag = c16(c, e), type = c16(c, e + 2);
        guint32 cnt = c32(c, e + 4), value = c32(c, e + 8);
        if (type == 0 || type > 13 || skipped_tag(tag))
            continue;
        guint64 size = (guint64)cnt * type_size[type];
        if (size > REPACK_MAX_VALUE || (size > 4 && (value > c->len || size > c->len - value)))
            continue;
        gsize at = start + 2 + 12 * kept++;
        memcpy(out->data + at, c->d + e, 8); /* tag, type, count as they are */
        if (tag == EXIF_TAG_EXIF_IFD_POINTER || tag == EXIF_TAG_GPS_INFO_IFD_POINTER) {
            put32(out, at + 8, 0, c->le);
            *(tag == EXIF_TAG_EXIF_IFD_POINTER ? exif_at : gps_at) = at + 8;
        } else if (size <= 4) {
            memcpy(out->data + at + 8, c->d + e + 8, 4);
        } else {
            if (out->len & 1)
                g_byte_array_append(out, (const guint8 *)"", 1);
            put32(out, at + 8, out->len, c->le);
            g_byte_array_append(out, c->d + value, (guint)size);
        }
    }
    put16(out, start, (guint16)kept, c->le);
    return TRUE;
}

static GByteArray *
repack_tiff(const guint8 *tiff, gsize len)
{
    Check c = {tiff, len, FALSE, {0}, 0, NULL};
    if (len < 8 || (memcmp(tiff, "II", 2) != 0 && memcmp(tiff, "MM", 2) != 0))
        return NULL;
    c.le = tiff[0] == 'I';
    if (c16(&c, 2) != 42)
        return NULL;
    GByteArray *out = g_byte_array_sized_new(4096);
    g_byte_array_append(out, tiff, 4);
    g_byte_array_set_size(out, 8);
    put32(out, 4, 8, c.le);
    gsize exif_at = 0, gps_at = 0, unused = 0;
    gboolean ok = copy_ifd(&c, c32(&c, 4), out, &exif_at, &gps_at);
    /* the offsets of the directories in the original, read before they are rewritten */
    guint32 exif_off = 0, gps_off = 0;
    guint32 ifd0 = c32(&c, 4);
    guint count = ok ? c16(&c, ifd0) : 0;
    for (guint i = 0; i < count; i++) {
        gsize e = ifd0 + 2 + 12 * (gsize)i;
        if (c16(&c, e) == EXIF_TAG_EXIF_IFD_POINTER)
            exif_off = c32(&c, e + 8);
        else if (c16(&c, e) == EXIF_TAG_GPS_INFO_IFD_POINTER)
            gps_off = c32(&c, e + 8);
    }
    if (ok && exif_at && exif_off) {
        if (out->len & 1)
            g_byte_array_append(out, (const guint8 *)"", 1);
        put32(out, exif_at, out->len, c.le);
        gsize ignored_gps = 0;
        ok = copy_ifd(&c, exif_off, out, &unused, &ignored_gps);
    }
    if (ok && gps_at && gps_off) {
        if (out->len & 1)
            g_byte_array_append(out, (const guint8 *)"", 1);
        put32(out, gps_at, out->len, c.le);
        gsize ignored = 0;
        ok = copy_ifd(&c, gps_off, out, &unused, &ignored);
    }
    if (!ok || out->len > LIBEXIF_MAX) {
        g_byte_array_unref(out);
        return NULL;
    }
    return out;
}

void
pd_exif_read(const guint8 *data, gsize len, PdExifFields *out)
{
    memset(out, 0, sizeof *out);
    if (len == 0) {
        out->problem = g_strdup("EXIF: block is empty");
        return;
    }
    g_autofree guint8 *copy = NULL;
    const guint8 *buf = data;
    gsize n = len;
    if (len < 6 || memcmp(data, exif_header, 6) != 0) {
        /* A bare TIFF structure (TIFF files, PNG eXIf, most WebP and HEIF): libexif wants
         * the APP1 header in front. Only what libexif will read is copied. */
        g_autoptr(GByteArray) packed = len > LIBEXIF_MAX ? repack_tiff(data, len) : NULL;
        const guint8 *from = packed ? packed->data : data;
        gsize take = packed ? packed->len : MIN(len, (gsize)LIBEXIF_MAX);
        copy = g_malloc(take + 6);
        memcpy(copy, exif_header, 6);
        memcpy(copy + 6, from, take);
        buf = copy;
        n = take + 6;
    }
    if (n > G_MAXUINT)
        n = G_MAXUINT;

    {
        const guint8 *tiff = data;
        gsize tlen = len;
        if (len >= 6 && memcmp(data, exif_header, 6) == 0) {
            tiff += 6;
            tlen -= 6;
        }
        out->problem = check_structure(tiff, tlen);
    }

    ExifData *ed = exif_data_new();
    exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_unset_option(ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
    exif_data_load_data(ed, buf, (unsigned int)n);

    out->description = string_value(entry(ed, EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION));
    out->artist = string_value(entry(ed, EXIF_IFD_0, EXIF_TAG_ARTIST));
    out->copyright = copyright_value(entry(ed, EXIF_IFD_0, EXIF_TAG_COPYRIGHT));
    out->make = string_value(entry(ed, EXIF_IFD_0, EXIF_TAG_MAKE));
    out->model = string_value(entry(ed, EXIF_IFD_0, EXIF_TAG_MODEL));
    read_camera(ed, out);

    ExifEntry *o = entry(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
    if (o && o->data && o->size >= 2 && o->format == EXIF_FORMAT_SHORT)
        out->orientation = exif_get_short(o->data, exif_data_get_byte_order(ed));

    ExifIfd date_ifd = EXIF_IFD_EXIF;
    g_autofree char *dto = string_value(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL));
    if (dto == NULL) {
        dto = string_value(entry(ed, EXIF_IFD_0, EXIF_TAG_DATE_TIME_ORIGINAL));
        date_ifd = EXIF_IFD_0;
    }
    if (dto) {
        g_autofree char *subsec = string_value(entry(ed, date_ifd, EXIF_TAG_SUB_SEC_TIME_ORIGINAL));
        g_autofree char *offset = string_value(entry(ed, date_ifd, EXIF_TAG_OFFSET_TIME_ORIGINAL));
        if (subsec == NULL)
            subsec = string_value(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_ORIGINAL));
        if (offset == NULL)
            offset = string_value(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL));
        out->date_original_composite = composite_date(dto, subsec, offset);
        out->date_original = g_steal_pointer(&dto);
    }

    double lat, lon;
    if (gps_coordinate(ed, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, 'S', &lat) &&
        gps_coordinate(ed, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, 'W', &lon)) {
        out->has_gps = TRUE;
        out->gps_lat = lat;
        out->gps_lon = lon;
    }

    ExifEntry *iptc = entry(ed, EXIF_IFD_0, EXIF_TAG_IPTC_NAA);
    if (iptc && iptc->data && iptc->size > 0)
        out->iptc = g_bytes_new(iptc->data, iptc->size);

    exif_data_unref(ed);
}

void
pd_exif_fields_clear(PdExifFields *f)
{
    g_free(f->description);
    g_free(f->artist);
    g_free(f->copyright);
    g_free(f->make);
    g_free(f->model);
    g_free(f->lens);
    g_free(f->exposure);
    g_free(f->aperture);
    g_free(f->iso);
    g_free(f->focal_length);
    g_free(f->date_original);
    g_free(f->date_original_composite);
    g_clear_pointer(&f->iptc, g_bytes_unref);
    g_free(f->problem);
    memset(f, 0, sizeof *f);
}
