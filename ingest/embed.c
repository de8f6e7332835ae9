/* embed.c: encoding the IIM, the Photoshop resources that carry it, and the XMP of a
 * delivered file, each field as the table of base.h says (see ingest.h). */
#include "ingest/ingest.h"

#include "base/base.h"
#include "ingest/iim.h"

#include <math.h>
#include <string.h>

static void
put(GByteArray *out, guint8 record, guint8 dataset, const char *value, gsize len)
{
    guint8 head[5] = {0x1C, record, dataset, (guint8)(len >> 8), (guint8)(len & 0xFF)};
    g_byte_array_append(out, head, 5);
    g_byte_array_append(out, (const guint8 *)value, (guint)len);
}

static void
put_text(GByteArray *out, guint8 dataset, const char *value, gsize max)
{
    if (value == NULL || *value == 0)
        return;
    put(out, 2, dataset, value, pd_text_fit(value, max));
}

/* "2023-04-15T23:41:07+03:00" -> "20230415" and "234107+0300"; FALSE when @iso does not
 * start with a full date. The time is left empty when there is none. */
static gboolean
iim_date_time(const char *iso, char date[9], char time[12])
{
    date[0] = time[0] = 0;
    if (iso == NULL || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-')
        return FALSE;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit(iso[i]))
            return FALSE;
    g_snprintf(date, 9, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
    const char *t = iso + 10;
    if (*t != 'T' || strlen(t) < 9 || t[3] != ':' || t[6] != ':')
        return TRUE;
    const char *zone = t + 9;
    while (*zone == '.' || g_ascii_isdigit(*zone))
        zone++;
    char offset[6] = "";
    if (*zone == 'Z')
        g_strlcpy(offset, "+0000", sizeof offset);
    else if ((*zone == '+' || *zone == '-') && strlen(zone) >= 6 && zone[3] == ':')
        g_snprintf(offset, sizeof offset, "%c%.2s%.2s", zone[0], zone + 1, zone + 4);
    g_snprintf(time, 12, "%.2s%.2s%.2s%s", t + 1, t + 4, t + 7, offset);
    return TRUE;
}

static int
by_dataset(gconstpointer a, gconstpointer b)
{
    const PdPhotoField *x = *(const PdPhotoField *const *)a, *y = *(const PdPhotoField *const *)b;
    return (int)x->iim - (int)y->iim;
}

GBytes *
pd_ingest_encode_iim(const PdPhotoText *text)
{
    GByteArray *out = g_byte_array_new();
    /* in the standard's order: record 1 before 2, datasets ascending */
    put(out, 1, 0, "\x00\x04", 2); /* envelope record version 4 */
    put(out, 1, 90, "\x1b%G", 3);  /* the coded character set: UTF-8 */
    put(out, 2, 0, "\x00\x04", 2); /* application record version 4 */
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    g_autoptr(GPtrArray) order = g_ptr_array_new();
    for (guint i = 0; i < n; i++)
        if (fields[i].iim)
            g_ptr_array_add(order, (gpointer)&fields[i]);
    g_ptr_array_sort(order, by_dataset);
    for (guint i = 0; i < order->len; i++) {
        const PdPhotoField *f = g_ptr_array_index(order, i);
        if (f->flags & PD_FIELD_LIST) {
            GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, text, f->offset);
            for (guint k = 0; list && k < list->len; k++)
                put_text(out, f->iim, g_ptr_array_index(list, k), f->iim_max);
        } else if (f->iim == PD_IIM_DATE_CREATED) {
            /* ISO 8601 becomes 2:55 and 2:60 */
            char date[9], time[12];
            if (iim_date_time(pd_photo_text_get(text, f), date, time)) {
                put_text(out, PD_IIM_DATE_CREATED, date, 8);
                put_text(out, PD_IIM_TIME_CREATED, time, 11);
            }
        } else {
            put_text(out, f->iim, pd_photo_text_get(text, f), f->iim_max);
        }
    }
    return g_byte_array_free_to_bytes(out);
}

static void
put_resource(GByteArray *out, guint16 id, const guint8 *data, gsize len)
{
    guint8 head[12] = {'8',
                       'B',
                       'I',
                       'M',
                       (guint8)(id >> 8),
                       (guint8)(id & 0xFF),
                       0,
                       0, /* an empty name, padded to an even length */
                       (guint8)(len >> 24),
                       (guint8)(len >> 16),
                       (guint8)(len >> 8),
                       (guint8)len};
    g_byte_array_append(out, head, sizeof head);
    g_byte_array_append(out, data, (guint)len);
    if (len % 2)
        g_byte_array_append(out, (const guint8 *)"", 1);
}

GBytes *
pd_ingest_encode_irb(GBytes *iim)
{
    gsize n;
    const guint8 *data = g_bytes_get_data(iim, &n);
    guint8 digest[16];
    gsize digest_len = sizeof digest;
    GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(md5, data, (gssize)n);
    g_checksum_get_digest(md5, digest, &digest_len);
    g_checksum_free(md5);
    GByteArray *out = g_byte_array_new();
    put_resource(out, PD_IRB_IPTC, data, n);
    put_resource(out, PD_IRB_IPTC_DIGEST, digest, sizeof digest);
    return g_byte_array_free_to_bytes(out);
}

/* @s as XML character data: escaped, and without the control characters XML 1.0 has
 * no place for. */
static void
append_xml(GString *out, const char *s)
{
    for (const guchar *p = (const guchar *)s; *p; p++) {
        switch (*p) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        case '\n':
            g_string_append(out, "&#xA;");
            break;
        case '\r':
            g_string_append(out, "&#xD;");
            break;
        case '\t':
            g_string_append(out, "&#x9;");
            break;
        default:
            if (*p >= 0x20)
                g_string_append_c(out, (char)*p);
        }
    }
}

static void
simple(GString *out, const char *name, const char *value)
{
    if (value == NULL || *value == 0)
        return;
    g_string_append_printf(out, "   <%s>", name);
    append_xml(out, value);
    g_string_append_printf(out, "</%s>\n", name);
}

/* A property that holds a list (rdf:Alt, Seq or Bag) of @values. */
static void
container(GString *out, const char *name, const char *kind, const char *const *values, guint n)
{
    if (n == 0)
        return;
    g_string_append_printf(out, "   <%s>\n    <rdf:%s>\n", name, kind);
    for (guint i = 0; i < n; i++) {
        g_string_append_printf(out, "     <rdf:li%s>",
                               strcmp(kind, "Alt") == 0 ? " xml:lang=\"x-default\"" : "");
        append_xml(out, values[i]);
        g_string_append(out, "</rdf:li>\n");
    }
    g_string_append_printf(out, "    </rdf:%s>\n   </%s>\n", kind, name);
}

/* XMP's GPS coordinate: "DDD,MM.mmmmmmK". */
static char *
xmp_coordinate(double v, char positive, char negative)
{
    char k = v < 0 ? negative : positive;
    v = fabs(v);
    int deg = (int)v;
    return g_strdup_printf("%d,%.6f%c", deg, (v - deg) * 60.0, k);
}

char *
pd_ingest_encode_xmp(const PdPhotoText *text, gboolean has_gps, double lat, double lon)
{
    GString *out =
        g_string_new("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"photodesk\">\n"
                     " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
                     "22-rdf-syntax-ns#\">\n"
                     "  <rdf:Description rdf:about=\"\"\n"
                     "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                     "    xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"\n"
                     "    xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\"\n"
                     "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n"
                     "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n"
                     "    xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\">\n");
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++) {
        const PdPhotoField *f = &fields[i];
        if (f->xmp == NULL)
            continue;
        const char *kind = (f->flags & PD_FIELD_XMP_ALT)   ? "Alt"
                           : (f->flags & PD_FIELD_XMP_SEQ) ? "Seq"
                           : (f->flags & PD_FIELD_XMP_BAG) ? "Bag"
                                                           : NULL;
        if (f->flags & PD_FIELD_LIST) {
            GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, text, f->offset);
            if (list)
                container(out, f->xmp, kind, (const char *const *)list->pdata, list->len);
            continue;
        }
        const char *value = pd_photo_text_get(text, f);
        if (value == NULL || *value == 0)
            continue;
        if (kind)
            container(out, f->xmp, kind, &value, 1);
        else
            simple(out, f->xmp, value);
    }
    if (has_gps) {
        g_autofree char *la = xmp_coordinate(lat, 'N', 'S');
        g_autofree char *lo = xmp_coordinate(lon, 'E', 'W');
        simple(out, "exif:GPSLatitude", la);
        simple(out, "exif:GPSLongitude", lo);
    }
    g_string_append(out, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
                         "<?xpacket end=\"w\"?>");
    return g_string_free(out, FALSE);
}
