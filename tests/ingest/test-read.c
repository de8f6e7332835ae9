/* test-read.c: reading whole photos: containers, reconciliation rules, bad input.
 *
 * The photos are made here: a small image saved by libvips, with EXIF, IIM and XMP
 * blocks built byte by byte and spliced in, so each rule is tested on exactly the
 * layout it is about. */
#include "caption/caption.h"
#include "ingest/ingest.h"

#include <gio/gio.h>
#include "thumbs/thumbs.h"

#include <string.h>
#include <vips/vips.h>

/* ---------------------------------------------------------------- builders */

static GBytes *
base_image(const char *format)
{
    VipsImage *black = NULL;
    g_assert_cmpint(vips_black(&black, 24, 16, "bands", 3, NULL), ==, 0);
    void *buf = NULL;
    size_t len = 0;
    int r = strcmp(format, "png") == 0 ? vips_pngsave_buffer(black, &buf, &len, NULL)
                                       : vips_jpegsave_buffer(black, &buf, &len, NULL);
    g_assert_cmpint(r, ==, 0);
    g_object_unref(black);
    return g_bytes_new_take(buf, len);
}

/* A JPEG: SOI, the given APPn segments (marker byte, payload), then the rest of a real
 * JPEG. */
static GByteArray *
jpeg_with(GPtrArray *segments)
{
    g_autoptr(GBytes) base = base_image("jpeg");
    gsize n;
    const guint8 *b = g_bytes_get_data(base, &n);
    GByteArray *out = g_byte_array_new();
    g_byte_array_append(out, b, 2);
    for (guint i = 0; segments && i < segments->len; i++) {
        GByteArray *seg = g_ptr_array_index(segments, i);
        /* seg->data[0] is the marker, the rest the payload */
        gsize len = seg->len - 1 + 2;
        guint8 head[4] = {0xFF, seg->data[0], (guint8)(len >> 8), (guint8)len};
        g_byte_array_append(out, head, 4);
        g_byte_array_append(out, seg->data + 1, seg->len - 1);
    }
    g_byte_array_append(out, b + 2, (guint)(n - 2));
    return out;
}

static GByteArray *
segment(guint8 marker, const char *signature, gsize sig_len, const guint8 *data, gsize len)
{
    GByteArray *s = g_byte_array_new();
    g_byte_array_append(s, &marker, 1);
    g_byte_array_append(s, (const guint8 *)signature, (guint)sig_len);
    g_byte_array_append(s, data, (guint)len);
    return s;
}

static void
iim_put(GByteArray *b, guint8 record, guint8 dataset, const char *value)
{
    gsize n = strlen(value);
    guint8 head[5] = {0x1C, record, dataset, (guint8)(n >> 8), (guint8)n};
    g_byte_array_append(b, head, 5);
    g_byte_array_append(b, (const guint8 *)value, (guint)n);
}

static void
irb_put(GByteArray *b, guint16 id, const guint8 *data, guint32 len)
{
    guint8 head[12] = {'8',
                       'B',
                       'I',
                       'M',
                       (guint8)(id >> 8),
                       (guint8)id,
                       0,
                       0,
                       (guint8)(len >> 24),
                       (guint8)(len >> 16),
                       (guint8)(len >> 8),
                       (guint8)len};
    g_byte_array_append(b, head, 12);
    g_byte_array_append(b, data, len);
    if (len & 1) {
        guint8 z = 0;
        g_byte_array_append(b, &z, 1);
    }
}

/* An APP13 segment holding @iim, and the MD5 of @digest_of as resource 0x0425 when not
 * NULL. */
static GByteArray *
app13(GByteArray *iim, GByteArray *digest_of)
{
    g_autoptr(GByteArray) irb = g_byte_array_new();
    if (digest_of) {
        guint8 md5[16];
        gsize n = 16;
        GChecksum *c = g_checksum_new(G_CHECKSUM_MD5);
        g_checksum_update(c, digest_of->data, digest_of->len);
        g_checksum_get_digest(c, md5, &n);
        g_checksum_free(c);
        irb_put(irb, 0x0425, md5, 16);
    }
    irb_put(irb, 0x0404, iim->data, iim->len);
    return segment(0xED, "Photoshop 3.0", 14, irb->data, irb->len);
}

static GByteArray *
app1_xmp(const char *rdf_description_body, const char *attributes)
{
    g_autofree char *x = g_strdup_printf(
        "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" "
        "xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" %s>%s</rdf:Description>"
        "</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>",
        attributes ? attributes : "", rdf_description_body ? rdf_description_body : "");
    return segment(0xE1, "http://ns.adobe.com/xap/1.0/", 29, (const guint8 *)x, strlen(x));
}

/* A little-endian TIFF/EXIF structure with the IFD0 entries given, an EXIF IFD with
 * DateTimeOriginal (+ sub-seconds and offset when not NULL) and a GPS IFD. */
typedef struct {
    const char *description, *artist, *copyright, *make, *model;
    int orientation;
    const char *date, *subsec, *offset;
    gboolean gps;
    gboolean gps_signed;  /* GPS as SRATIONAL (type 10), as some writers store it */
    guint16 pointer_type; /* of the EXIF IFD pointer: 0 for LONG, 13 for IFD (TN1) */
} ExifSpec;

typedef struct {
    guint16 tag, type;
    guint32 count;
    GBytes *value; /* count * size bytes */
} Entry;

static void
le16(GByteArray *b, guint16 v)
{
    guint8 x[2] = {(guint8)v, (guint8)(v >> 8)};
    g_byte_array_append(b, x, 2);
}

static void
le32_put(GByteArray *b, guint32 v)
{
    guint8 x[4] = {(guint8)v, (guint8)(v >> 8), (guint8)(v >> 16), (guint8)(v >> 24)};
    g_byte_array_append(b, x, 4);
}

static void
add_ascii(GArray *entries, guint16 tag, const char *s)
{
    if (s == NULL)
        return;
    Entry e = {tag, 2, (guint32)strlen(s) + 1, g_bytes_new(s, strlen(s) + 1)};
    g_array_append_val(entries, e);
}

/* Writes an IFD at the end of @b; values follow it. Pointer entries (LONG, count 1) to
 * sub-IFDs are patched by the caller through *@pointer_slots. */
static void
write_ifd(GByteArray *b, GArray *entries, guint32 *slot_offsets)
{
    guint32 start = b->len;
    guint32 values = start + 2 + 12 * entries->len + 4;
    GByteArray *data = g_byte_array_new();
    le16(b, (guint16)entries->len);
    for (guint i = 0; i < entries->len; i++) {
        Entry *e = &g_array_index(entries, Entry, i);
        gsize n;
        const guint8 *v = g_bytes_get_data(e->value, &n);
        le16(b, e->tag);
        le16(b, e->type);
        le32_put(b, e->count);
        if (slot_offsets)
            slot_offsets[i] = b->len;
        if (n <= 4) {
            guint8 pad[4] = {0};
            memcpy(pad, v, n);
            g_byte_array_append(b, pad, 4);
        } else {
            le32_put(b, values + data->len);
            g_byte_array_append(data, v, (guint)n);
            if (data->len & 1) {
                guint8 z = 0;
                g_byte_array_append(data, &z, 1);
            }
        }
        g_bytes_unref(e->value);
    }
    le32_put(b, 0);
    g_byte_array_append(b, data->data, data->len);
    g_byte_array_unref(data);
}

static void
patch32(GByteArray *b, guint32 at, guint32 v)
{
    b->data[at] = (guint8)v;
    b->data[at + 1] = (guint8)(v >> 8);
    b->data[at + 2] = (guint8)(v >> 16);
    b->data[at + 3] = (guint8)(v >> 24);
}

static GBytes *
rational3(guint32 d, guint32 m, guint32 s100)
{
    guint32 v[6] = {d, 1, m, 1, s100, 100};
    GByteArray *b = g_byte_array_new();
    for (int i = 0; i < 6; i++)
        le32_put(b, v[i]);
    return g_byte_array_free_to_bytes(b);
}

static GByteArray *
app1_exif(const ExifSpec *spec)
{
    GByteArray *t = g_byte_array_new();
    g_byte_array_append(t, (const guint8 *)"Exif\0\0II*\0", 10);
    le32_put(t, 8);
    /* offsets inside the TIFF structure are relative to its start (after Exif\0\0) */
    GByteArray *tiff = g_byte_array_new();
    g_byte_array_append(tiff, (const guint8 *)"II*\0", 4);
    le32_put(tiff, 8);

    GArray *ifd0 = g_array_new(FALSE, FALSE, sizeof(Entry));
    add_ascii(ifd0, 0x010E, spec->description);
    add_ascii(ifd0, 0x010F, spec->make);
    add_ascii(ifd0, 0x0110, spec->model);
    if (spec->orientation) {
        guint16 o = (guint16)spec->orientation;
        Entry e = {0x0112, 3, 1, g_bytes_new(&o, 2)};
        g_array_append_val(ifd0, e);
    }
    add_ascii(ifd0, 0x013B, spec->artist);
    add_ascii(ifd0, 0x8298, spec->copyright);
    guint32 zero = 0;
    Entry exif_ptr = {0x8769, spec->pointer_type ? spec->pointer_type : 4, 1,
                      g_bytes_new(&zero, 4)};
    g_array_append_val(ifd0, exif_ptr);
    Entry gps_ptr = {0x8825, 4, 1, g_bytes_new(&zero, 4)};
    if (spec->gps)
        g_array_append_val(ifd0, gps_ptr);
    else
        g_bytes_unref(gps_ptr.value);
    guint32 slots[16];
    guint n0 = ifd0->len;
    write_ifd(tiff, ifd0, slots);

    GArray *exif = g_array_new(FALSE, FALSE, sizeof(Entry));
    add_ascii(exif, 0x9003, spec->date);
    add_ascii(exif, 0x9011, spec->offset);
    add_ascii(exif, 0x9291, spec->subsec);
    patch32(tiff, slots[n0 - (spec->gps ? 2 : 1)], tiff->len);
    write_ifd(tiff, exif, NULL);

    if (spec->gps) {
        GArray *gps = g_array_new(FALSE, FALSE, sizeof(Entry));
        Entry e1 = {1, 2, 2, g_bytes_new("N", 2)};
        guint16 rational = spec->gps_signed ? 10 : 5;
        Entry e2 = {2, rational, 3, rational3(55, 45, 1234)};
        Entry e3 = {3, 2, 2, g_bytes_new("E", 2)};
        Entry e4 = {4, rational, 3, rational3(37, 37, 5678)};
        g_array_append_val(gps, e1);
        g_array_append_val(gps, e2);
        g_array_append_val(gps, e3);
        g_array_append_val(gps, e4);
        patch32(tiff, slots[n0 - 1], tiff->len);
        write_ifd(tiff, gps, NULL);
        g_array_unref(gps);
    }
    g_array_unref(ifd0);
    g_array_unref(exif);
    GByteArray *seg = segment(0xE1, "Exif\0\0", 6, tiff->data, tiff->len);
    g_byte_array_unref(tiff);
    g_byte_array_unref(t);
    return seg;
}

static PdPhotoMeta *
read_ok(GByteArray *file)
{
    g_autoptr(GError) error = NULL;
    PdPhotoMeta *meta = pd_ingest_read_buffer(file->data, file->len, &error);
    g_assert_no_error(error);
    g_assert_nonnull(meta);
    return meta;
}

static GPtrArray *
segments(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
}

/* ---------------------------------------------------------------- tests */

static void
test_exif_fields(void)
{
    ExifSpec spec = {.description = "Putin attends an Orthodox Easter service.",
                     .artist = "Sergei Karpukhin",
                     .copyright = "Sputnik\0",
                     .make = "Canon",
                     .model = "Canon EOS R5",
                     .orientation = 6,
                     .date = "2023:04:15 23:41:07",
                     .subsec = "52",
                     .offset = "+03:00",
                     .gps = TRUE};
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app1_exif(&spec));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_false(m->damaged);
    g_assert_cmpint(m->format, ==, PD_FORMAT_JPEG);
    g_assert_cmpint(m->width, ==, 24);
    g_assert_cmpint(m->height, ==, 16);
    g_assert_cmpstr(m->caption, ==, "Putin attends an Orthodox Easter service.");
    g_assert_cmpstr(m->byline, ==, "Sergei Karpukhin");
    g_assert_cmpstr(m->copyright, ==, "Sputnik");
    g_assert_cmpstr(m->make, ==, "Canon");
    g_assert_cmpstr(m->model, ==, "Canon EOS R5");
    g_assert_cmpint(m->orientation, ==, 6);
    g_assert_cmpstr(m->date_created, ==, "2023-04-15T23:41:07.52+03:00");
    g_assert_true(m->has_gps);
    g_assert_cmpfloat_with_epsilon(m->gps_lat, 55.0 + 45.0 / 60 + 12.34 / 3600, 1e-7);
    g_assert_cmpfloat_with_epsilon(m->gps_lon, 37.0 + 37.0 / 60 + 56.78 / 3600, 1e-7);
}

/* GPS stored as signed rationals, and the EXIF directory's pointer of type IFD (13, Adobe
 * TIFF Technical Note 1): both read, as exiftool reads them. */
static void
test_exif_signed_gps_and_ifd_type(void)
{
    ExifSpec spec = {
        .date = "2023:04:15 23:41:07", .gps = TRUE, .gps_signed = TRUE, .pointer_type = 13};
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app1_exif(&spec));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_false(m->damaged);
    for (guint i = 0; i < m->warnings->len; i++) /* the builder's base JPEG has EXIF too */
        g_assert_null(strstr(g_ptr_array_index(m->warnings, i), "invalid type"));
    g_assert_cmpstr(m->date_created, ==, "2023-04-15T23:41:07");
    g_assert_true(m->has_gps);
    g_assert_cmpfloat_with_epsilon(m->gps_lat, 55.0 + 45.0 / 60 + 12.34 / 3600, 1e-7);
    g_assert_cmpfloat_with_epsilon(m->gps_lon, 37.0 + 37.0 / 60 + 56.78 / 3600, 1e-7);
}

static void
test_exif_first_camera_defaults(void)
{
    /* EXIF wins for the caption, unless it is a camera's default text or blank */
    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 2, 120, "The wire caption.");
    iim_put(iim, 2, 80, "IIM Photographer");
    const char *descs[] = {"OLYMPUS DIGITAL CAMERA", "   ", "A real EXIF caption."};
    const char *want[] = {"The wire caption.", "The wire caption.", "A real EXIF caption."};
    for (gsize i = 0; i < G_N_ELEMENTS(descs); i++) {
        ExifSpec spec = {.description = descs[i], .artist = "  "};
        g_autoptr(GPtrArray) segs = segments();
        g_ptr_array_add(segs, app1_exif(&spec));
        g_ptr_array_add(segs, app13(iim, NULL));
        g_autoptr(GByteArray) file = jpeg_with(segs);
        g_autoptr(PdPhotoMeta) m = read_ok(file);
        g_assert_cmpstr(m->caption, ==, want[i]);
        g_assert_cmpstr(m->byline, ==, "IIM Photographer");
    }
}

static void
test_digest_rule(void)
{
    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 1, 90, "\x1b%G");
    iim_put(iim, 2, 120, "IIM caption");
    iim_put(iim, 2, 105, "IIM headline");
    const char *xmp_body = "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">XMP "
                           "caption</rdf:li></rdf:Alt></dc:description>";
    const char *xmp_attrs = "photoshop:City=\"Moscow\"";

    /* in sync (digest matches): XMP wins, IIM fills what XMP lacks */
    {
        g_autoptr(GPtrArray) segs = segments();
        g_ptr_array_add(segs, app13(iim, iim));
        g_ptr_array_add(segs, app1_xmp(xmp_body, xmp_attrs));
        g_autoptr(GByteArray) file = jpeg_with(segs);
        g_autoptr(PdPhotoMeta) m = read_ok(file);
        g_assert_cmpstr(m->caption, ==, "XMP caption");
        g_assert_cmpstr(m->headline, ==, "IIM headline");
        g_assert_cmpstr(m->city, ==, "Moscow");
    }
    /* no digest: XMP wins too */
    {
        g_autoptr(GPtrArray) segs = segments();
        g_ptr_array_add(segs, app13(iim, NULL));
        g_ptr_array_add(segs, app1_xmp(xmp_body, xmp_attrs));
        g_autoptr(GByteArray) file = jpeg_with(segs);
        g_autoptr(PdPhotoMeta) m = read_ok(file);
        g_assert_cmpstr(m->caption, ==, "XMP caption");
    }
    /* stale digest: IIM wins, and XMP-only fields are stale too */
    {
        g_autoptr(GByteArray) other = g_byte_array_new();
        iim_put(other, 2, 120, "what the IIM said before");
        g_autoptr(GPtrArray) segs = segments();
        g_ptr_array_add(segs, app13(iim, other));
        g_ptr_array_add(segs, app1_xmp(xmp_body, xmp_attrs));
        g_autoptr(GByteArray) file = jpeg_with(segs);
        g_autoptr(PdPhotoMeta) m = read_ok(file);
        g_assert_cmpstr(m->caption, ==, "IIM caption");
        g_assert_null(m->city);
        g_assert_cmpuint(m->warnings->len, >, 0);
    }
}

static void
test_truncation_recovery(void)
{
    const char *full = "Sergei Karpukhin, Sputnik, Kremlin Pool Photo";
    g_autoptr(GByteArray) iim = g_byte_array_new();
    g_autofree char *cut = g_strndup(full, 32);
    iim_put(iim, 2, 80, cut);
    g_autoptr(GByteArray) stale = g_byte_array_new();
    g_autofree char *xmp =
        g_strdup_printf("<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>", full);
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app13(iim, stale));
    g_ptr_array_add(segs, app1_xmp(xmp, NULL));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_cmpstr(m->byline, ==, full);
}

static void
test_iim_charsets(void)
{
    /* no 1:90: UTF-8 where the bytes are UTF-8, cp1252 elsewhere, value by value */
    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 2, 90, "Z\xc3\xbcrich");
    iim_put(iim, 2, 101,
            "Espa\xf1"
            "a");
    iim_put(iim, 2, 25, "caf\xe9");
    iim_put(iim, 2, 25, "\xc5\x81\xc3\xb3\x64\xc5\xba");
    iim_put(iim, 2, 120, "Line one\rLine two\r\n");
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app13(iim, NULL));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_cmpstr(m->city, ==, "Z\xc3\xbcrich");
    g_assert_cmpstr(m->country, ==,
                    "Espa\xc3\xb1"
                    "a");
    g_assert_cmpuint(m->keywords->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(m->keywords, 0), ==, "caf\xc3\xa9");
    g_assert_cmpstr(g_ptr_array_index(m->keywords, 1), ==, "\xc5\x81\xc3\xb3\x64\xc5\xba");
    g_assert_cmpstr(m->caption, ==, "Line one\nLine two");
}

static void
test_several_blocks(void)
{
    /* two APP13 segments apart: the first block has priority, the second fills in */
    g_autoptr(GByteArray) first = g_byte_array_new();
    iim_put(first, 2, 120, "first caption");
    g_autoptr(GByteArray) second = g_byte_array_new();
    iim_put(second, 2, 120, "second caption");
    iim_put(second, 2, 110, "AP");
    iim_put(second, 2, 80, "One");
    iim_put(second, 2, 80, "Two");
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app13(first, NULL));
    g_ptr_array_add(segs, segment(0xFE, "a comment", 9, NULL, 0));
    g_ptr_array_add(segs, app13(second, NULL));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_cmpstr(m->caption, ==, "first caption");
    g_assert_cmpstr(m->credit, ==, "AP");
    g_assert_cmpstr(m->byline, ==, "One; Two");
}

static void
test_damage(void)
{
    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 2, 120, "caption that survives");
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app13(iim, NULL));
    g_autoptr(GByteArray) file = jpeg_with(segs);

    /* cut inside the image data: damaged, metadata still read */
    g_autoptr(GByteArray) cut = g_byte_array_new();
    g_byte_array_append(cut, file->data, file->len - 20);
    g_autoptr(PdPhotoMeta) m = read_ok(cut);
    g_assert_true(m->damaged);
    g_assert_cmpstr(m->caption, ==, "caption that survives");

    /* every prefix of the file reads without crashing (ASan watches) */
    for (guint len = 1; len < file->len; len += 7) {
        g_autoptr(GError) error = NULL;
        g_autoptr(PdPhotoMeta) p = pd_ingest_read_buffer(file->data, len, &error);
        g_assert_true(p != NULL || error != NULL);
        if (p && len < file->len - 2)
            g_assert_true(p->damaged);
    }
}

static void
test_bad_input(void)
{
    g_autoptr(GError) e1 = NULL;
    g_assert_null(pd_ingest_read_buffer("", 0, &e1));
    g_assert_error(e1, PD_INGEST_ERROR, PD_INGEST_ERROR_EMPTY);

    g_autoptr(GError) e2 = NULL;
    const char *text = "This is not a photo.\n";
    g_assert_null(pd_ingest_read_buffer(text, strlen(text), &e2));
    g_assert_error(e2, PD_INGEST_ERROR, PD_INGEST_ERROR_FORMAT);
    g_assert_nonnull(strstr(e2->message, "text"));

    g_autoptr(GError) e3 = NULL;
    g_assert_null(pd_ingest_read_buffer("GIF89a\x01\x00\x01\x00", 10, &e3));
    g_assert_error(e3, PD_INGEST_ERROR, PD_INGEST_ERROR_FORMAT);
    g_assert_nonnull(strstr(e3->message, "GIF"));

    g_autoptr(GError) e4 = NULL;
    g_assert_null(pd_ingest_read_file("/nonexistent/photo.jpg", &e4));
    g_assert_error(e4, PD_INGEST_ERROR, PD_INGEST_ERROR_OPEN);

    g_autoptr(GError) e5 = NULL;
    g_assert_null(pd_ingest_read_file("/", &e5));
    g_assert_error(e5, PD_INGEST_ERROR, PD_INGEST_ERROR_OPEN);
    g_assert_nonnull(strstr(e5->message, "folder"));
}

static guint32
crc32(const guint8 *p, gsize n)
{
    guint32 c = 0xFFFFFFFFu;
    for (gsize i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void
png_chunk(GByteArray *out, const char *type, const guint8 *data, gsize len)
{
    guint8 l[4] = {(guint8)(len >> 24), (guint8)(len >> 16), (guint8)(len >> 8), (guint8)len};
    g_byte_array_append(out, l, 4);
    gsize start = out->len;
    g_byte_array_append(out, (const guint8 *)type, 4);
    g_byte_array_append(out, data, (guint)len);
    guint32 c = crc32(out->data + start, len + 4);
    guint8 cb[4] = {(guint8)(c >> 24), (guint8)(c >> 16), (guint8)(c >> 8), (guint8)c};
    g_byte_array_append(out, cb, 4);
}

static void
test_png_raw_profile_and_itxt(void)
{
    g_autoptr(GBytes) base = base_image("png");
    gsize n;
    const guint8 *b = g_bytes_get_data(base, &n);
    /* signature + IHDR (8 + 25 bytes), then our chunks, then the rest */
    g_autoptr(GByteArray) png = g_byte_array_new();
    g_byte_array_append(png, b, 33);

    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 2, 120, "Caption from a raw profile");
    iim_put(iim, 2, 90, "\xce\x8e\xce\xb4\xcf\x81\xce\xb1");
    GString *hex = g_string_new("Raw profile type iptc");
    g_string_append_c(hex, '\0');
    g_string_append_printf(hex, "\niptc\n%8u\n", iim->len);
    for (guint i = 0; i < iim->len; i++) {
        g_string_append_printf(hex, "%02x", iim->data[i]);
        if (i % 36 == 35)
            g_string_append_c(hex, '\n');
    }
    png_chunk(png, "tEXt", (const guint8 *)hex->str, hex->len);
    g_string_free(hex, TRUE);

    const char *xmp = "XML:com.adobe.xmp\0\0\0\0\0"
                      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
                      "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
                      "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" "
                      "photoshop:Credit=\"AP\"/></rdf:RDF></x:xmpmeta>";
    gsize xlen = 18 + 4 + strlen(xmp + 22);
    png_chunk(png, "iTXt", (const guint8 *)xmp, xlen);
    g_byte_array_append(png, b + 33, (guint)(n - 33));

    g_autoptr(PdPhotoMeta) m = read_ok(png);
    g_assert_false(m->damaged);
    g_assert_cmpint(m->format, ==, PD_FORMAT_PNG);
    g_assert_cmpstr(m->caption, ==, "Caption from a raw profile");
    g_assert_cmpstr(m->city, ==, "\xce\x8e\xce\xb4\xcf\x81\xce\xb1");
    g_assert_cmpstr(m->credit, ==, "AP");
}

/* zlib-compressed @len bytes of @c. */
static GBytes *
deflated(char c, gsize len)
{
    g_autoptr(GZlibCompressor) z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
    g_autofree char *plain = g_malloc(len);
    memset(plain, c, len);
    GByteArray *out = g_byte_array_new();
    guint8 buf[65536];
    gsize in = 0;
    for (;;) {
        gsize read = 0, written = 0;
        GConverterResult r =
            g_converter_convert(G_CONVERTER(z), plain + in, len - in, buf, sizeof buf,
                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
        in += read;
        g_byte_array_append(out, buf, (guint)written);
        g_assert_cmpint(r, !=, G_CONVERTER_ERROR);
        if (r == G_CONVERTER_FINISHED)
            break;
    }
    return g_byte_array_free_to_bytes(out);
}

/* A PNG of many compressed text chunks, each small and inflating to 12 MiB: refused once
 * the file's inflate budget (64 MiB, all chunks together) is spent, reading no more. */
static void
test_png_text_bomb(void)
{
    g_autoptr(GBytes) base = base_image("png");
    gsize n;
    const guint8 *b = g_bytes_get_data(base, &n);
    g_autoptr(GByteArray) png = g_byte_array_new();
    g_byte_array_append(png, b, 33);
    g_autoptr(GBytes) z = deflated('0', 12 * 1024 * 1024);
    gsize zlen;
    const guint8 *zd = g_bytes_get_data(z, &zlen);
    static const char key[] = "Raw profile type iptc";
    g_autoptr(GByteArray) chunk = g_byte_array_new();
    g_byte_array_append(chunk, (const guint8 *)key, sizeof key); /* with its NUL */
    g_byte_array_append(chunk, (const guint8 *)"", 1);           /* method: deflate */
    g_byte_array_append(chunk, zd, (guint)zlen);
    for (int i = 0; i < 100; i++)
        png_chunk(png, "zTXt", chunk->data, chunk->len);
    g_byte_array_append(png, b + 33, (guint)(n - 33));
    g_test_message("%u bytes of PNG inflate to %d MiB", png->len, 100 * 12);
    g_autoptr(PdPhotoMeta) m = read_ok(png);
    g_assert_nonnull(m->refusal);
    g_assert_nonnull(strstr(m->refusal, "64 MiB"));
    g_assert_true(m->damaged);
    /* a few chunks under the budget are read as they are */
    g_autoptr(GByteArray) fine = g_byte_array_new();
    g_byte_array_append(fine, b, 33);
    for (int i = 0; i < 4; i++)
        png_chunk(fine, "zTXt", chunk->data, chunk->len);
    g_byte_array_append(fine, b + 33, (guint)(n - 33));
    g_autoptr(PdPhotoMeta) ok = read_ok(fine);
    g_assert_null(ok->refusal);
    /* whatever the keyword: libpng would inflate them all */
    g_autoptr(GByteArray) comments = g_byte_array_new();
    g_byte_array_append(comments, b, 33);
    g_autoptr(GByteArray) comment = g_byte_array_new();
    g_byte_array_append(comment, (const guint8 *)"Comment", 8);
    g_byte_array_append(comment, (const guint8 *)"", 1);
    g_byte_array_append(comment, zd, (guint)zlen);
    for (int i = 0; i < 100; i++)
        png_chunk(comments, "zTXt", comment->data, comment->len);
    g_byte_array_append(comments, b + 33, (guint)(n - 33));
    g_autoptr(PdPhotoMeta) c = read_ok(comments);
    g_assert_nonnull(c->refusal);
}

static void
test_png_chunk_past_end(void)
{
    /* A 1 KB PNG whose text chunk claims 1.3 GB: the walker stops at it, and the file
     * is not handed to libpng, which would allocate and clear the claimed size. */
    g_autoptr(GBytes) base = base_image("png");
    gsize n;
    const guint8 *b = g_bytes_get_data(base, &n);
    g_autoptr(GByteArray) png = g_byte_array_new();
    g_byte_array_append(png, b, 33);
    const guint8 huge[] = {0x51, 0x00, 0x00, 0x00, 'i', 'T', 'X', 't', 'X', 'M', 'L'};
    g_byte_array_append(png, huge, sizeof huge);
    g_byte_array_append(png, b + 33, (guint)(n - 33));
    g_autoptr(PdPhotoMeta) m = read_ok(png);
    g_assert_true(m->damaged);
    g_assert_cmpint(m->width, ==, 24); /* from IHDR */
    gboolean named = FALSE;
    for (guint i = 0; i < m->warnings->len; i++)
        named |= strstr(g_ptr_array_index(m->warnings, i), "iTXt") != NULL;
    g_assert_true(named);
}

static void
test_png_empty_exif_profile(void)
{
    /* an ImageMagick raw profile that declares and holds no bytes */
    g_autoptr(GBytes) base = base_image("png");
    gsize n;
    const guint8 *b = g_bytes_get_data(base, &n);
    g_autoptr(GByteArray) png = g_byte_array_new();
    g_byte_array_append(png, b, 33);
    const char text[] = "Raw profile type exif\0\nexif\n       0\n";
    png_chunk(png, "tEXt", (const guint8 *)text, sizeof text - 1);
    g_byte_array_append(png, b + 33, (guint)(n - 33));
    g_autoptr(PdPhotoMeta) m = read_ok(png);
    g_assert_true(m->damaged);
}

static void
test_json_output(void)
{
    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 2, 120, "A \"quoted\" caption\rwith a second line");
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app13(iim, NULL));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_autofree char *json = pd_photo_meta_to_json(m, "images/x.jpg");
    g_assert_true(g_utf8_validate(json, -1, NULL));
    g_assert_null(strchr(json, '\n'));
    g_assert_nonnull(
        strstr(json, "\"caption\": \"A \\\"quoted\\\" caption\\nwith a second line\""));
    g_assert_nonnull(strstr(json, "\"keywords\": []"));
    g_assert_nonnull(strstr(json, "\"gps_lat\": null"));
    g_assert_nonnull(strstr(json, "\"damaged\": false"));
    g_assert_nonnull(strstr(json, "\"warnings\": []"));
    g_autofree char *text = pd_photo_meta_to_text(m, "images/x.jpg");
    g_assert_nonnull(strstr(text, "Caption"));

    /* a file name that is not UTF-8 still gives valid UTF-8 */
    g_autofree char *latin1 = pd_photo_meta_to_json(m, "images/Z\xfcrich.jpg");
    g_assert_true(g_utf8_validate(latin1, -1, NULL));
}

static void
test_text_output_controls(void)
{
    /* an ESC in a caption must not reach the terminal */
    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 2, 120, "Caption \x1b[2J with an escape");
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app13(iim, NULL));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_autofree char *text = pd_photo_meta_to_text(m, "x.jpg");
    g_assert_null(strchr(text, '\x1b'));
    g_assert_nonnull(strstr(text, "\\x1b[2J"));
}

/* GIF bytes reach no decoder, whatever the entry point: photodesk's sniffing refuses
 * them, and inside libvips every loader but the five photodesk reads is blocked. */
static void
test_gif_blocked(void)
{
    static const guint8 gif[] = {'G',  'I',  'F',  '8',  '9',  'a',  0x01, 0x00, 0x01, 0x00, 0x80,
                                 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x21, 0xF9, 0x04,
                                 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01,
                                 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B};
    g_autoptr(GError) error = NULL;
    g_assert_null(pd_ingest_read_buffer(gif, sizeof gif, &error));
    g_assert_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_FORMAT);
    g_clear_error(&error);
    VipsImage *direct = vips_image_new_from_buffer(gif, sizeof gif, "", NULL);
    g_assert_null(direct);
    g_autofree char *why = vips_error_buffer_copy();
    g_test_message("libvips: %s", why);
    g_assert_null(pd_thumbs_render(gif, sizeof gif, NULL, &error));
    g_assert_nonnull(error);
    /* the five still open */
    g_autoptr(GBytes) jpeg = base_image("jpeg");
    gsize n = 0;
    const void *data = g_bytes_get_data(jpeg, &n);
    VipsImage *ok = vips_image_new_from_buffer(data, n, "", NULL);
    g_assert_nonnull(ok);
    g_object_unref(ok);
}

/* A JPEG whose SOF claims far more pixels than its data can hold: damaged, and the
 * reason kept for ingest to refuse it; the same file with its true size is whole. */

/* Stray bytes between two segments (2 and 14 of them): skipped to the next marker, as
 * libjpeg and exiftool do; the size and the metadata after them are read. */
static void
test_stray_bytes_between_segments(void)
{
    for (int stray = 2; stray <= 14; stray += 12) {
        g_autoptr(GPtrArray) segs = segments();
        g_ptr_array_add(segs, app1_xmp(NULL, "photoshop:Headline=\"Before the gap\""));
        g_autoptr(GByteArray) whole = jpeg_with(segs);
        /* the bytes go after the APP1, before the rest of the JPEG */
        gsize at = 2 + 4 + ((GByteArray *)g_ptr_array_index(segs, 0))->len - 1;
        guint8 junk[14];
        for (int i = 0; i < stray; i++)
            junk[i] = (guint8)(i + 1);
        g_autoptr(GByteArray) file = g_byte_array_new();
        g_byte_array_append(file, whole->data, (guint)at);
        g_byte_array_append(file, junk, (guint)stray);
        g_byte_array_append(file, whole->data + at, whole->len - (guint)at);
        g_autoptr(PdPhotoMeta) meta = read_ok(file);
        g_assert_cmpint(meta->width, ==, 24);
        g_assert_cmpint(meta->height, ==, 16);
        g_assert_false(meta->damaged);
        g_assert_cmpstr(meta->headline, ==, "Before the gap");
        g_autofree char *said = g_strdup_printf("skipped %d unknown bytes after the APP1", stray);
        gboolean warned = FALSE;
        for (guint i = 0; i < meta->warnings->len; i++)
            warned |= strstr(g_ptr_array_index(meta->warnings, i), said) != NULL;
        g_assert_true(warned);
    }
}

/* Two XMP packets in two APP1 segments (a re-issue adds its own): the later one's
 * properties win, the first's others stay, as exiftool reads them. And a packet whose
 * signature a writer mangled ("XMP\0://ns.adobe.com/xap/1.0/") is read, with a warning. */
static void
test_two_xmp_packets_and_damaged_signature(void)
{
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app1_xmp(NULL, "photoshop:Headline=\"Old headline\" "
                                         "photoshop:City=\"Oslo\""));
    g_ptr_array_add(segs, app1_xmp(NULL, "photoshop:Headline=\"Current headline\""));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) meta = read_ok(file);
    g_assert_cmpstr(meta->headline, ==, "Current headline");
    g_assert_cmpstr(meta->city, ==, "Oslo");

    g_autoptr(GPtrArray) segs2 = segments();
    GByteArray *x = app1_xmp(NULL, "photoshop:Headline=\"Behind a mangled signature\"");
    memcpy(x->data + 1, "XMP\0", 4); /* data[0] is the marker */
    g_ptr_array_add(segs2, x);
    g_autoptr(GByteArray) file2 = jpeg_with(segs2);
    g_autoptr(PdPhotoMeta) meta2 = read_ok(file2);
    g_assert_cmpstr(meta2->headline, ==, "Behind a mangled signature");
    g_assert_false(meta2->damaged);
    g_assert_cmpuint(meta2->warnings->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(meta2->warnings, 0), "non-standard header"));
}

/* FotoWare FotoStation's trailer: IIM after the end of the image, in records read from
 * the end of the file. Read after the APP13 blocks, as exiftool reads it (IPTC2). */
static void
append_fotostation(GByteArray *file, guint16 tag, GByteArray *data)
{
    g_byte_array_append(file, data->data, data->len);
    guint32 size = data->len + 10;
    guint8 foot[10] = {(guint8)(tag >> 8),
                       (guint8)tag,
                       (guint8)(size >> 24),
                       (guint8)(size >> 16),
                       (guint8)(size >> 8),
                       (guint8)size,
                       0xA1,
                       0xB2,
                       0xC3,
                       0xD4};
    g_byte_array_append(file, foot, 10);
}

static void
test_fotostation_trailer(void)
{
    g_autoptr(GByteArray) iim = g_byte_array_new();
    iim_put(iim, 2, 105, "Headline from the trailer");
    iim_put(iim, 2, 90, "Bergen");
    g_autoptr(GByteArray) thumb = g_byte_array_new();
    g_byte_array_append(thumb, (const guint8 *)"\xff\xd8 a thumbnail \xff\xd9", 17);

    g_autoptr(GByteArray) file = jpeg_with(NULL);
    append_fotostation(file, 1, iim);
    append_fotostation(file, 3, thumb); /* the last record first, read backwards */
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_cmpstr(m->headline, ==, "Headline from the trailer");
    g_assert_cmpstr(m->city, ==, "Bergen");
    g_assert_cmpint(m->width, ==, 24);
    g_assert_false(m->damaged);
    /* the picture is the same without the trailer: its end is not the thumbnail's */
    g_autoptr(GByteArray) plain = jpeg_with(NULL);
    g_autoptr(PdPhotoMeta) p = read_ok(plain);
    g_assert_cmpstr(m->image_sha256, ==, p->image_sha256);

    /* with IPTC in APP13 too: APP13's datasets first, the trailer's for the rest */
    g_autoptr(GByteArray) main_iim = g_byte_array_new();
    iim_put(main_iim, 2, 105, "Headline from APP13");
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs, app13(main_iim, NULL));
    g_autoptr(GByteArray) both = jpeg_with(segs);
    append_fotostation(both, 1, iim);
    g_autoptr(PdPhotoMeta) b = read_ok(both);
    g_assert_cmpstr(b->headline, ==, "Headline from APP13");
    g_assert_cmpstr(b->city, ==, "Bergen");

    /* a trailer whose signature is not FotoStation's is not one */
    g_autoptr(GByteArray) other = jpeg_with(NULL);
    append_fotostation(other, 1, iim);
    other->data[other->len - 1] = 0xD5;
    g_autoptr(PdPhotoMeta) o = read_ok(other);
    g_assert_null(o->headline);
}

/* One little-endian TIFF entry: tag, type, count, and the value (inline, or the offset
 * of where it is). */
static void
tiff_entry(GByteArray *b, guint16 tag, guint16 type, guint32 count, guint32 value)
{
    le16(b, tag);
    le16(b, type);
    le32_put(b, count);
    if (type == 3 && count == 1) {
        le16(b, (guint16)value);
        le16(b, 0);
    } else {
        le32_put(b, value);
    }
}

/* A scanner's TIFF: 70,000 bytes of picture first, then IFD0, the EXIF and the GPS
 * directories and their values, all past the first 64 KiB. */
static GByteArray *
tiff_with_directories_at_the_end(void)
{
    enum { W = 350, H = 200, STRIP = W * H };
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)"II*\0", 4);
    guint32 ifd0 = 8 + STRIP;
    le32_put(b, ifd0);
    g_byte_array_set_size(b, 8 + STRIP);
    memset(b->data + 8, 0x80, STRIP);
    /* IFD0: 13 entries; its values after it */
    guint32 values = ifd0 + 2 + 13 * 12 + 4;
    guint32 make = values, model = make + 6, exif = model + 12, gps = exif + 2 + 12 + 4 + 20;
    le16(b, 13);
    tiff_entry(b, 0x100, 3, 1, W);
    tiff_entry(b, 0x101, 3, 1, H);
    tiff_entry(b, 0x102, 3, 1, 8);
    tiff_entry(b, 0x103, 3, 1, 1);
    tiff_entry(b, 0x106, 3, 1, 1);
    tiff_entry(b, 0x10F, 2, 6, make);
    tiff_entry(b, 0x110, 2, 11, model);
    tiff_entry(b, 0x111, 4, 1, 8);
    tiff_entry(b, 0x115, 3, 1, 1);
    tiff_entry(b, 0x116, 3, 1, H);
    tiff_entry(b, 0x117, 4, 1, STRIP);
    tiff_entry(b, 0x8769, 4, 1, exif);
    tiff_entry(b, 0x8825, 4, 1, gps);
    le32_put(b, 0);
    g_byte_array_append(b, (const guint8 *)"Nikon\0", 6);
    g_byte_array_append(b, (const guint8 *)"Super Scan\0\0", 12);
    g_assert_cmpuint(b->len, ==, exif);
    le16(b, 1);
    tiff_entry(b, 0x9003, 2, 20, exif + 2 + 12 + 4);
    le32_put(b, 0);
    g_byte_array_append(b, (const guint8 *)"2010:05:06 07:08:09\0", 20);
    g_assert_cmpuint(b->len, ==, gps);
    guint32 lat = gps + 2 + 4 * 12 + 4, lon = lat + 24;
    le16(b, 4);
    tiff_entry(b, 1, 2, 2, 'N');
    tiff_entry(b, 2, 5, 3, lat);
    tiff_entry(b, 3, 2, 2, 'E');
    tiff_entry(b, 4, 5, 3, lon);
    le32_put(b, 0);
    guint32 r[12] = {59, 1, 54, 1, 0, 1, 10, 1, 42, 1, 0, 1};
    for (int i = 0; i < 12; i++)
        le32_put(b, r[i]);
    return b;
}

/* Directories past the first 64 KiB of a TIFF (libexif reads no further): read all the
 * same, as exiftool reads them. */
static void
test_tiff_directories_past_64k(void)
{
    g_autoptr(GByteArray) file = tiff_with_directories_at_the_end();
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_cmpint(m->format, ==, PD_FORMAT_TIFF);
    g_assert_cmpint(m->width, ==, 350);
    g_assert_cmpstr(m->make, ==, "Nikon");
    g_assert_cmpstr(m->model, ==, "Super Scan");
    g_assert_cmpstr(m->date_created, ==, "2010-05-06T07:08:09");
    g_assert_true(m->has_gps);
    g_assert_cmpfloat_with_epsilon(m->gps_lat, 59.9, 1e-7);
    g_assert_cmpfloat_with_epsilon(m->gps_lon, 10.7, 1e-7);
    g_assert_false(m->damaged);
}

/* ---------------------------------------------------------------- HEIF rotation */

static guint32
be32_at(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static void
be32_set(guint8 *p, guint32 v)
{
    p[0] = (guint8)(v >> 24);
    p[1] = (guint8)(v >> 16);
    p[2] = (guint8)(v >> 8);
    p[3] = (guint8)v;
}

/* The box of @type directly inside [@from, @to): its offset, or 0. */
static gsize
child_box(const guint8 *d, gsize from, gsize to, const char *type)
{
    for (gsize pos = from; pos + 8 <= to;) {
        guint32 size = be32_at(d + pos);
        if (memcmp(d + pos + 4, type, 4) == 0)
            return pos;
        if (size < 8)
            return 0;
        pos += size;
    }
    return 0;
}

/* An AVIF libheif wrote, with an irot property of @quarters x 90 degrees added to its
 * primary image, as cameras write HEIC photos taken upright: ipco gets the box, the
 * primary's ipma entry its association, and every box around them and every extent
 * offset of iloc (the picture's data follows the meta box) move by the bytes added. */
static GByteArray *
avif_with_irot(int w, int h, int quarters)
{
    /* photodesk loads libvips' HEIF module at its first HEIF file: a file's first box */
    static const guint8 ftyp[24] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                                    0, 0, 0, 0,  'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'};
    g_autoptr(GError) ignored = NULL;
    pd_photo_meta_free(pd_ingest_read_buffer(ftyp, sizeof ftyp, &ignored));
    vips_error_clear();
    VipsImage *img = NULL;
    g_assert_cmpint(vips_black(&img, w, h, "bands", 3, NULL), ==, 0);
    void *buf = NULL;
    size_t len = 0;
    int r = vips_heifsave_buffer(img, &buf, &len, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                 NULL);
    g_object_unref(img);
    if (r != 0) {
        g_test_message("heifsave: %s", vips_error_buffer());
        vips_error_clear();
        return NULL; /* this libvips cannot write HEIF */
    }
    const guint8 *d = buf;
    gsize meta = child_box(d, 0, len, "meta");
    g_assert_cmpuint(meta, >, 0);
    gsize meta_end = meta + be32_at(d + meta);
    gsize iloc = child_box(d, meta + 12, meta_end, "iloc");
    gsize iprp = child_box(d, meta + 12, meta_end, "iprp");
    gsize iprp_end = iprp + be32_at(d + iprp);
    gsize ipco = child_box(d, iprp + 8, iprp_end, "ipco");
    gsize ipma = child_box(d, iprp + 8, iprp_end, "ipma");
    g_assert_true(iloc && iprp && ipco && ipma);
    gsize ipco_end = ipco + be32_at(d + ipco);
    guint properties = 0;
    for (gsize pos = ipco + 8; pos < ipco_end; pos += be32_at(d + pos))
        properties++;
    /* ipma version 0, narrow indexes; the first entry is the primary image's */
    g_assert_cmpuint(d[ipma + 8], ==, 0);
    g_assert_cmpuint(d[ipma + 11] & 1, ==, 0);
    gsize first_entry = ipma + 16;
    guint8 count = d[first_entry + 2];
    gsize assoc_end = first_entry + 3 + count;
    const guint8 irot[9] = {0, 0, 0, 9, 'i', 'r', 'o', 't', (guint8)quarters};
    guint8 assoc = (guint8)(0x80 | (properties + 1));
    GByteArray *out = g_byte_array_new();
    g_byte_array_append(out, d, (guint)ipco_end);
    g_byte_array_append(out, irot, 9);
    g_byte_array_append(out, d + ipco_end, (guint)(assoc_end - ipco_end));
    g_byte_array_append(out, &assoc, 1);
    g_byte_array_append(out, d + assoc_end, (guint)(len - assoc_end));
    guint8 *o = out->data;
    be32_set(o + meta, be32_at(d + meta) + 10);
    be32_set(o + iprp, be32_at(d + iprp) + 10);
    be32_set(o + ipco, be32_at(d + ipco) + 9);
    o[first_entry + 9 + 2] = (guint8)(count + 1);
    be32_set(o + ipma + 9, be32_at(d + ipma) + 1);
    /* iloc (before ipco: not moved) version 0 or 1, its extent offsets */
    guint8 version = o[iloc + 8];
    guint offset_size = o[iloc + 12] >> 4, length_size = o[iloc + 12] & 15;
    guint base_size = o[iloc + 13] >> 4;
    g_assert_cmpuint(offset_size, ==, 4);
    g_assert_true(base_size == 0 || base_size == 4);
    guint items = (guint)(o[iloc + 14] << 8 | o[iloc + 15]);
    gsize pos = iloc + 16;
    for (guint i = 0; i < items; i++) {
        pos += 2 + (version >= 1 ? 2 : 0) + 2; /* item, construction method, data reference */
        /* the data's place: base offset plus each extent's offset */
        gboolean moved = FALSE;
        if (base_size == 4) {
            if (be32_at(o + pos) != 0) {
                be32_set(o + pos, be32_at(o + pos) + 10);
                moved = TRUE;
            }
            pos += 4;
        }
        guint extents = (guint)(o[pos] << 8 | o[pos + 1]);
        pos += 2;
        for (guint x = 0; x < extents; x++) {
            if (!moved)
                be32_set(o + pos, be32_at(o + pos) + 10);
            pos += offset_size + length_size;
        }
    }
    g_free(buf);
    return out;
}

/* A HEIF image stored 64 x 48 and to be shown turned by 90 degrees (irot): photodesk
 * gives the stored size, as the corpus's rule and exiftool's ImageWidth do, not the size
 * libheif turned it to. */
static void
test_heif_rotated_size(void)
{
    g_autoptr(GByteArray) file = avif_with_irot(64, 48, 1);
    if (file == NULL) {
        g_test_skip("this libvips cannot write HEIF (AV1)");
        return;
    }
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_cmpint(m->format, ==, PD_FORMAT_HEIF);
    g_assert_cmpint(m->width, ==, 64);
    g_assert_cmpint(m->height, ==, 48);
    g_autoptr(GByteArray) plain = avif_with_irot(64, 48, 0);
    g_autoptr(PdPhotoMeta) p = read_ok(plain);
    g_assert_cmpint(p->width, ==, 64);
}

static void
test_lying_size(void)
{
    VipsImage *noise = NULL, *img = NULL;
    g_assert_cmpint(vips_gaussnoise(&noise, 200, 100, "seed", 3, NULL), ==, 0);
    g_assert_cmpint(vips_cast_uchar(noise, &img, NULL), ==, 0);
    void *buf = NULL;
    size_t len = 0;
    g_assert_cmpint(vips_jpegsave_buffer(img, &buf, &len, NULL), ==, 0);
    g_object_unref(noise);
    g_object_unref(img);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdPhotoMeta) whole = pd_ingest_read_buffer(buf, len, &error);
    g_assert_null(whole->refusal);
    g_assert_false(whole->damaged);
    guint8 *d = buf;
    for (size_t i = 2; i + 9 < len; i++) {
        if (d[i] == 0xFF && d[i + 1] == 0xC0) { /* SOF0: length, precision, height, width */
            d[i + 5] = 12000 >> 8;
            d[i + 6] = 12000 & 0xFF;
            d[i + 7] = 12000 >> 8;
            d[i + 8] = 12000 & 0xFF;
            break;
        }
    }
    g_autoptr(PdPhotoMeta) liar = pd_ingest_read_buffer(buf, len, &error);
    g_assert_nonnull(liar->refusal);
    g_assert_nonnull(strstr(liar->refusal, "12000 x 12000"));
    g_assert_true(liar->damaged);
    g_free(buf);
}

/* ---------------------------------------------------------------- provenance */

/* How a picture was made, as agencies now send it: IPTC Digital Source Type (an
 * attribute, or an rdf:resource as some tools write URIs), the 2025 AI fields and PLUS
 * Data Mining. */
static void
test_provenance_fields(void)
{
    const char *ns = "xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" "
                     "xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\" ";
    g_autofree char *attrs = g_strdup_printf(
        "%sIptc4xmpExt:DigitalSourceType=\"http://cv.iptc.org/newscodes/digitalsourcetype/"
        "trainedAlgorithmicMedia\" Iptc4xmpExt:AISystemUsed=\"Imagen\" "
        "Iptc4xmpExt:AISystemVersionUsed=\"3.0\" Iptc4xmpExt:AIPromptWriterName=\"Jo Desk\"",
        ns);
    g_autoptr(GPtrArray) segs = segments();
    g_ptr_array_add(segs,
                    app1_xmp("<plus:DataMining rdf:resource=\"http://ns.useplus.org/ldf/vocab/"
                             "DMI-PROHIBITED-AIMLTRAINING\"/>"
                             "<Iptc4xmpExt:AIPromptInformation>A harbour at dawn, "
                             "photorealistic</Iptc4xmpExt:AIPromptInformation>"
                             "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">An "
                             "illustration. (Illustration/Example)</rdf:li></rdf:Alt>"
                             "</dc:description>",
                             attrs));
    g_autoptr(GByteArray) file = jpeg_with(segs);
    g_autoptr(PdPhotoMeta) m = read_ok(file);
    g_assert_cmpstr(m->digital_source_type, ==,
                    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia");
    g_assert_cmpstr(m->data_mining, ==,
                    "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING");
    g_assert_cmpstr(m->ai_system, ==, "Imagen");
    g_assert_cmpstr(m->ai_system_version, ==, "3.0");
    g_assert_cmpstr(m->ai_prompt, ==, "A harbour at dawn, photorealistic");
    g_assert_cmpstr(m->ai_prompt_writer, ==, "Jo Desk");
    g_assert_cmpint(m->reading.made, ==, PD_MADE_AI);
    gboolean checked = FALSE;
    for (guint i = 0; i < m->reading.checks->len; i++) {
        const PdCheck *c = g_ptr_array_index(m->reading.checks, i);
        checked |= strcmp(c->code, "synthetic") == 0 &&
                   strstr(c->message, "Created using generative AI") != NULL;
    }
    g_assert_true(checked);

    g_autofree char *json = pd_photo_meta_to_json(m, "ai.jpg");
    g_assert_nonnull(strstr(json, "\"made\": \"ai\""));
    g_assert_nonnull(strstr(json, "\"source_type_label\": \"Created using generative AI\""));
    g_assert_nonnull(strstr(json, "\"data_mining_label\": \"Prohibited for AI/ML training\""));
    g_autofree char *text = pd_photo_meta_to_text(m, "ai.jpg");
    g_assert_nonnull(strstr(text, "Digital source type    Created using generative AI (http://"));
    g_assert_nonnull(strstr(text, "AI system used         Imagen"));

    /* the code alone, as some tools write it; a composite; a capture is no check */
    const struct {
        const char *value;
        PdMade made;
    } cases[] = {
        {"compositeWithTrainedAlgorithmicMedia", PD_MADE_COMPOSITE},
        {"https://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic", PD_MADE_COMPOSITE},
        {"http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", PD_MADE_UNSTATED},
        {"http://example.com/unknown", PD_MADE_UNSTATED},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *a =
            g_strdup_printf("%sIptc4xmpExt:DigitalSourceType=\"%s\"", ns, cases[i].value);
        g_autoptr(GPtrArray) s2 = segments();
        g_ptr_array_add(s2, app1_xmp(NULL, a));
        g_autoptr(GByteArray) f2 = jpeg_with(s2);
        g_autoptr(PdPhotoMeta) m2 = read_ok(f2);
        g_assert_cmpstr(m2->digital_source_type, ==, cases[i].value);
        g_assert_cmpint(m2->reading.made, ==, cases[i].made);
    }
}

/* A JUMBF superbox as C2PA writes a manifest store: 'jumb', its description box (the
 * type's four characters and ISO's suffix, toggles, a label), then a content box. */
static GByteArray *
jumbf(const char *type4, const char *label)
{
    static const guint8 suffix[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                      0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    GByteArray *b = g_byte_array_new();
    gsize jumd = 8 + 16 + 1 + strlen(label) + 1, content = 8 + 4;
    guint8 head[4];
    be32_set(head, (guint32)(8 + jumd + content));
    g_byte_array_append(b, head, 4);
    g_byte_array_append(b, (const guint8 *)"jumb", 4);
    be32_set(head, (guint32)jumd);
    g_byte_array_append(b, head, 4);
    g_byte_array_append(b, (const guint8 *)"jumd", 4);
    g_byte_array_append(b, (const guint8 *)type4, 4);
    g_byte_array_append(b, suffix, sizeof suffix);
    guint8 toggles = 0x03;
    g_byte_array_append(b, &toggles, 1);
    g_byte_array_append(b, (const guint8 *)label, (guint)strlen(label) + 1);
    be32_set(head, (guint32)content);
    g_byte_array_append(b, head, 4);
    g_byte_array_append(b, (const guint8 *)"cbor", 4);
    g_byte_array_append(b, (const guint8 *)"\xa0\xa0\xa0\xa0", 4);
    return b;
}

/* A JPEG with @box in an APP11 segment, as JPEG XT frames it: "JP", the box instance,
 * the packet's sequence number, then the box. */
static GByteArray *
jpeg_with_app11(GByteArray *box)
{
    static const guint8 jp[8] = {'J', 'P', 0x00, 0x01, 0x00, 0x00, 0x00, 0x01};
    g_autoptr(GPtrArray) segs = segments();
    GByteArray *seg = segment(0xEB, (const char *)jp, sizeof jp, box->data, box->len);
    g_ptr_array_add(segs, seg);
    return jpeg_with(segs);
}

/* Content credentials: found where each container keeps them, said to be present and not
 * verified; a JUMBF box that is not a C2PA manifest store is not taken for one. */
static void
test_content_credentials(void)
{
    g_autoptr(GByteArray) store = jumbf("c2pa", "c2pa");
    g_autoptr(GByteArray) jpeg = jpeg_with_app11(store);
    g_autoptr(PdPhotoMeta) m = read_ok(jpeg);
    g_assert_cmpstr(m->content_credentials, ==, "JPEG APP11");
    g_assert_false(m->damaged);
    g_autofree char *json = pd_photo_meta_to_json(m, "c2pa.jpg");
    g_assert_nonnull(
        strstr(json, "\"content_credentials\": {\"where\": \"JPEG APP11\", \"verified\": false}"));
    g_autofree char *text = pd_photo_meta_to_text(m, "c2pa.jpg");
    g_assert_nonnull(strstr(text, "Content credentials    present (JPEG APP11), not verified"));

    /* the Content Authenticity Initiative's drafts: "cacb", labelled "cai" */
    g_autoptr(GByteArray) cai = jumbf("cacb", "cai");
    g_autoptr(GByteArray) jpeg_cai = jpeg_with_app11(cai);
    g_autoptr(PdPhotoMeta) m_cai = read_ok(jpeg_cai);
    g_assert_cmpstr(m_cai->content_credentials, ==, "JPEG APP11");

    /* other JUMBF (a JSON box), and an APP11 too short to hold a box */
    g_autoptr(GByteArray) other = jumbf("json", "metadata");
    g_autoptr(GByteArray) jpeg_other = jpeg_with_app11(other);
    g_autoptr(PdPhotoMeta) m_other = read_ok(jpeg_other);
    g_assert_null(m_other->content_credentials);
    g_autoptr(GByteArray) stub = g_byte_array_new();
    g_byte_array_append(stub, (const guint8 *)"jumb", 4);
    g_autoptr(GByteArray) jpeg_stub = jpeg_with_app11(stub);
    g_autoptr(PdPhotoMeta) m_stub = read_ok(jpeg_stub);
    g_assert_null(m_stub->content_credentials);
    g_assert_false(m_stub->damaged);

    /* PNG: a caBX chunk before the image data */
    g_autoptr(GBytes) base = base_image("png");
    gsize n;
    const guint8 *b = g_bytes_get_data(base, &n);
    g_autoptr(GByteArray) png = g_byte_array_new();
    g_byte_array_append(png, b, 8 + 25); /* signature, IHDR */
    png_chunk(png, "caBX", store->data, store->len);
    g_byte_array_append(png, b + 33, (guint)(n - 33));
    g_autoptr(PdPhotoMeta) m_png = read_ok(png);
    g_assert_cmpstr(m_png->content_credentials, ==, "PNG caBX chunk");
    g_assert_false(m_png->damaged);

    /* TIFF: tag 0xCD41 of IFD0 (UNDEFINED bytes) */
    g_autoptr(GByteArray) tiff = g_byte_array_new();
    g_byte_array_append(tiff, (const guint8 *)"II*\0", 4);
    le32_put(tiff, 8);
    guint32 pixels = 8 + 2 + 10 * 12 + 4, manifest = pixels + 4;
    le16(tiff, 10);
    tiff_entry(tiff, 0x100, 3, 1, 2);
    tiff_entry(tiff, 0x101, 3, 1, 2);
    tiff_entry(tiff, 0x102, 3, 1, 8);
    tiff_entry(tiff, 0x103, 3, 1, 1);
    tiff_entry(tiff, 0x106, 3, 1, 1);
    tiff_entry(tiff, 0x111, 4, 1, pixels);
    tiff_entry(tiff, 0x115, 3, 1, 1);
    tiff_entry(tiff, 0x116, 3, 1, 2);
    tiff_entry(tiff, 0x117, 4, 1, 4);
    tiff_entry(tiff, 0xCD41, 7, store->len, manifest);
    le32_put(tiff, 0);
    g_byte_array_append(tiff, (const guint8 *)"\x10\x20\x30\x40", 4);
    g_byte_array_append(tiff, store->data, store->len);
    g_autoptr(PdPhotoMeta) m_tiff = read_ok(tiff);
    g_assert_cmpint(m_tiff->format, ==, PD_FORMAT_TIFF);
    g_assert_cmpstr(m_tiff->content_credentials, ==, "TIFF tag 0xCD41");

    /* HEIF/AVIF: C2PA's top-level uuid box, after the picture's data */
    g_autoptr(GByteArray) heif = avif_with_irot(32, 32, 0);
    if (heif == NULL) {
        g_test_message("this libvips cannot write HEIF: the uuid box is not tried");
        return;
    }
    static const guint8 c2pa_uuid[16] = {0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                                         0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81};
    guint8 head[8] = {0, 0, 0, 0, 'u', 'u', 'i', 'd'};
    be32_set(head, (guint32)(8 + 16 + 4 + 9 + store->len));
    g_byte_array_append(heif, head, 8);
    g_byte_array_append(heif, c2pa_uuid, 16);
    g_byte_array_append(heif, (const guint8 *)"\0\0\0\0manifest\0", 13);
    g_byte_array_append(heif, store->data, store->len);
    g_autoptr(PdPhotoMeta) m_heif = read_ok(heif);
    g_assert_cmpint(m_heif->format, ==, PD_FORMAT_HEIF);
    g_assert_cmpstr(m_heif->content_credentials, ==, "HEIF uuid box");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* libjpeg warns (through libvips) about the damaged files made here: expected. */
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    g_autoptr(GError) error = NULL;
    if (!pd_ingest_init(argv[0], &error))
        g_error("%s", error->message);
    g_test_add_func("/ingest/read/exif-fields", test_exif_fields);
    g_test_add_func("/ingest/read/exif-first-camera-defaults", test_exif_first_camera_defaults);
    g_test_add_func("/ingest/read/digest-rule", test_digest_rule);
    g_test_add_func("/ingest/read/truncation-recovery", test_truncation_recovery);
    g_test_add_func("/ingest/read/iim-charsets", test_iim_charsets);
    g_test_add_func("/ingest/read/several-blocks", test_several_blocks);
    g_test_add_func("/ingest/read/damage", test_damage);
    g_test_add_func("/ingest/read/bad-input", test_bad_input);
    g_test_add_func("/ingest/read/png-raw-profile-and-itxt", test_png_raw_profile_and_itxt);
    g_test_add_func("/ingest/read/png-chunk-past-end", test_png_chunk_past_end);
    g_test_add_func("/ingest/read/png-empty-exif-profile", test_png_empty_exif_profile);
    g_test_add_func("/ingest/read/json-output", test_json_output);
    g_test_add_func("/ingest/read/text-output-controls", test_text_output_controls);
    g_test_add_func("/ingest/read/gif-blocked", test_gif_blocked);
    g_test_add_func("/ingest/read/lying-size", test_lying_size);
    g_test_add_func("/ingest/read/stray-bytes", test_stray_bytes_between_segments);
    g_test_add_func("/ingest/read/heif-rotated-size", test_heif_rotated_size);
    g_test_add_func("/ingest/read/tiff-directories-past-64k", test_tiff_directories_past_64k);
    g_test_add_func("/ingest/read/fotostation-trailer", test_fotostation_trailer);
    g_test_add_func("/ingest/read/exif-signed-gps-and-ifd-type", test_exif_signed_gps_and_ifd_type);
    g_test_add_func("/ingest/read/two-xmp-packets", test_two_xmp_packets_and_damaged_signature);
    g_test_add_func("/ingest/read/png-text-bomb", test_png_text_bomb);
    g_test_add_func("/ingest/read/provenance-fields", test_provenance_fields);
    g_test_add_func("/ingest/read/content-credentials", test_content_credentials);
    return g_test_run();
}
