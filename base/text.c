/* text.c: charset decisions, normalisation and date shapes for metadata text.
 *
 * The charset rule is the one of ../shared/corpus/README.md: a value whose bytes are valid
 * UTF-8 is UTF-8 (this covers IIM with 1:90 = ESC % G, IIM without 1:90 written by a
 * UTF-8 tool, and EXIF ASCII written as UTF-8 as MWG recommends); anything else is
 * Windows-1252, the code page wire photo software of the 1990s and 2000s used.
 */
#include "base/base.h"

#include <string.h>

/* Windows-1252 0x80..0x9F. The five undefined bytes map to the C1 control of the same
 * number, which is what exiftool's "Latin" decoding does. */
static const gunichar cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

gboolean
pd_text_is_utf8_multibyte(const guint8 *s, gsize len)
{
    gboolean multi = FALSE;
    for (gsize i = 0; i < len; i++) {
        if (s[i] >= 0x80) {
            multi = TRUE;
            break;
        }
    }
    return multi && g_utf8_validate_len((const char *)s, len, NULL);
}

char *
pd_text_from_cp1252(const guint8 *s, gsize len)
{
    GString *out = g_string_sized_new(len + len / 4 + 1);
    for (gsize i = 0; i < len; i++) {
        guint8 c = s[i];
        if (c < 0x80)
            g_string_append_c(out, (char)c);
        else if (c < 0xA0)
            g_string_append_unichar(out, cp1252_high[c - 0x80]);
        else
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

gboolean
pd_text_to_cp1252(const char *s, GByteArray *out)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        guint8 b;
        if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) {
            b = (guint8)c;
        } else {
            int k = 0;
            while (k < 32 && cp1252_high[k] != c)
                k++;
            if (k == 32)
                return FALSE;
            b = (guint8)(0x80 + k);
        }
        g_byte_array_append(out, &b, 1);
    }
    return TRUE;
}

char *
pd_text_decode(const guint8 *s, gsize len, gboolean *was_cp1252)
{
    /* NULs pad IIM and EXIF values, and an interior NUL would end the C string early;
     * exiftool's JSON shows them as \u0000, which no editor wants to see. Drop them. */
    g_autofree guint8 *buf = g_malloc(len + 1);
    gsize n = 0;
    for (gsize i = 0; i < len; i++)
        if (s[i] != 0)
            buf[n++] = s[i];
    buf[n] = 0;
    gboolean utf8 = g_utf8_validate_len((const char *)buf, n, NULL);
    if (was_cp1252)
        *was_cp1252 = !utf8;
    if (utf8)
        return (char *)g_steal_pointer(&buf);
    return pd_text_from_cp1252(buf, n);
}

static gboolean
is_trim_char(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\0';
}

char *
pd_text_normalise(char *s)
{
    if (s == NULL)
        return NULL;
    /* CR and CRLF to LF: IIM captions written on classic Mac OS and by many wire
     * systems use CR alone. */
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == '\r') {
            *w++ = '\n';
            if (r[1] == '\n')
                r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    gsize len = (gsize)(w - s);
    while (len > 0 && is_trim_char(s[len - 1]))
        len--;
    s[len] = '\0';
    gsize start = 0;
    while (start < len && is_trim_char(s[start]))
        start++;
    if (start == len) {
        g_free(s);
        return NULL;
    }
    if (start > 0)
        memmove(s, s + start, len - start + 1);
    return s;
}

gboolean
pd_text_is_blank(const char *s)
{
    if (s == NULL)
        return TRUE;
    for (; *s; s++)
        if (!is_trim_char(*s) && *s != '\r')
            return FALSE;
    return TRUE;
}

/* ---------------------------------------------------------------- dates */

static gboolean
take_digits(const char **p, int n, char *out)
{
    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit((*p)[i]))
            return FALSE;
    }
    memcpy(out, *p, (size_t)n);
    out[n] = '\0';
    *p += n;
    return TRUE;
}

char *
pd_text_iso_date(const char *s)
{
    if (s == NULL)
        return NULL;
    g_autofree char *t = g_strdup(s);
    g_strstrip(t);

    /* Blank or all zeros ("0000:00:00 00:00:00", "    :  :     :  :  "): absent. */
    gboolean zero = TRUE;
    for (const char *c = t; *c; c++) {
        if (*c != '0' && *c != ':' && *c != ' ' && *c != '-') {
            zero = FALSE;
            break;
        }
    }
    if (zero)
        return NULL;

    const char *p = t;
    char y[5], mon[3] = "", d[3] = "", hh[3] = "", mi[3] = "", ss[3] = "";
    const char *frac = NULL;
    gsize frac_len = 0;
    if (!take_digits(&p, 4, y))
        return NULL;
    if ((*p == ':' || *p == '-') && g_ascii_isdigit(p[1])) {
        p++;
        if (!take_digits(&p, 2, mon))
            return NULL;
        if ((*p == ':' || *p == '-') && g_ascii_isdigit(p[1])) {
            p++;
            if (!take_digits(&p, 2, d))
                return NULL;
        }
    }
    if ((*p == ' ' || *p == 'T') && g_ascii_isdigit(p[1])) {
        p++;
        if (!take_digits(&p, 2, hh) || *p++ != ':' || !take_digits(&p, 2, mi))
            return NULL;
        if (*p == ':') {
            p++;
            if (!take_digits(&p, 2, ss))
                return NULL;
            if (*p == '.' && g_ascii_isdigit(p[1])) {
                frac = p;
                p++;
                while (g_ascii_isdigit(*p))
                    p++;
                frac_len = (gsize)(p - frac);
            }
        }
    }
    while (*p == ' ' || *p == '\t')
        p++;
    char tz[7] = "";
    if (*p == 'Z') {
        strcpy(tz, "Z");
        p++;
    } else if (*p == '+' || *p == '-') {
        char th[3], tm[3];
        char sign = *p++;
        if (!take_digits(&p, 2, th))
            return NULL;
        if (*p == ':')
            p++;
        if (!take_digits(&p, 2, tm))
            return NULL;
        g_snprintf(tz, sizeof tz, "%c%s:%s", sign, th, tm);
    }
    if (*p != '\0')
        return NULL;

    GString *out = g_string_new(y);
    if (mon[0]) {
        g_string_append_printf(out, "-%s", mon);
        if (d[0])
            g_string_append_printf(out, "-%s", d);
    }
    if (hh[0] && d[0]) {
        g_string_append_printf(out, "T%s:%s", hh, mi);
        if (ss[0]) {
            g_string_append_printf(out, ":%s", ss);
            if (frac)
                g_string_append_len(out, frac, (gssize)frac_len);
        }
        g_string_append(out, tz);
    }
    return g_string_free(out, FALSE);
}

char *
pd_text_iim_date_time(const char *date, const char *time)
{
    /* exiftool's ExifDate: drop one trailing NUL, then "YYYY?MM?DD" at the end of the
     * value becomes "YYYY:MM:DD" whatever the separators were. */
    GString *out = g_string_new(date);
    if (out->len && out->str[out->len - 1] == '\0')
        g_string_truncate(out, out->len - 1);
    {
        /* find the last 8 digits of the shape \d{4}\D*\d{2}\D*\d{2}$ */
        const char *s = out->str;
        gssize n = (gssize)out->len;
        gssize i = n - 1;
        int pos[8];
        int k = 7;
        gboolean ok = TRUE;
        /* day, month, year from the end, non-digits allowed between them */
        static const int digits[3] = {2, 2, 4};
        for (int part = 0; part < 3 && ok; part++) {
            if (part > 0)
                while (i >= 0 && !g_ascii_isdigit(s[i]))
                    i--;
            for (int j = 0; j < digits[part] && ok; j++, i--, k--) {
                if (i < 0 || !g_ascii_isdigit(s[i]))
                    ok = FALSE;
                else
                    pos[k] = (int)i;
            }
        }
        if (ok) {
            char buf[11];
            g_snprintf(buf, sizeof buf, "%c%c%c%c:%c%c:%c%c", s[pos[0]], s[pos[1]], s[pos[2]],
                       s[pos[3]], s[pos[4]], s[pos[5]], s[pos[6]], s[pos[7]]);
            g_string_truncate(out, (gsize)pos[0]);
            g_string_append(out, buf);
        }
    }
    if (time == NULL)
        return g_string_free(out, FALSE);

    /* exiftool's ExifTime: spaces become colons, one trailing NUL goes, "hhmmss" gains
     * colons, and a trailing "+hhmm" becomes "+hh:mm". */
    GString *t = g_string_new(time);
    for (gsize i = 0; i < t->len; i++)
        if (t->str[i] == ' ')
            t->str[i] = ':';
    if (t->len && t->str[t->len - 1] == '\0')
        g_string_truncate(t, t->len - 1);
    if (t->len >= 6 && g_ascii_isdigit(t->str[0]) && g_ascii_isdigit(t->str[1]) &&
        g_ascii_isdigit(t->str[2]) && g_ascii_isdigit(t->str[3]) && g_ascii_isdigit(t->str[4]) &&
        g_ascii_isdigit(t->str[5])) {
        g_string_insert_c(t, 4, ':');
        g_string_insert_c(t, 2, ':');
    }
    {
        /* ([+-]\d{2})(\d{2})\s*$ */
        gssize e = (gssize)t->len;
        while (e > 0 && g_ascii_isspace(t->str[e - 1]))
            e--;
        if (e >= 5 && (t->str[e - 5] == '+' || t->str[e - 5] == '-') &&
            g_ascii_isdigit(t->str[e - 4]) && g_ascii_isdigit(t->str[e - 3]) &&
            g_ascii_isdigit(t->str[e - 2]) && g_ascii_isdigit(t->str[e - 1])) {
            g_string_truncate(t, (gsize)e);
            g_string_insert_c(t, e - 2, ':');
        }
    }
    g_string_append_c(out, ' ');
    g_string_append_len(out, t->str, (gssize)t->len);
    g_string_free(t, TRUE);
    return g_string_free(out, FALSE);
}

gsize
pd_text_fit(const char *s, gsize max)
{
    gsize n = strlen(s);
    if (n <= max)
        return n;
    /* back up over continuation bytes to the start of the character that does not fit */
    while (max > 0 && ((guchar)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

void
pd_text_append_visible(GString *out, const char *s, const char *newline)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (ch == '\n')
            g_string_append(out, newline);
        else if (ch == '\t')
            g_string_append_c(out, ' ');
        else if (ch < 0x20 || (ch >= 0x7F && ch < 0xA0))
            g_string_append_printf(out, "\\x%02x", ch);
        else
            g_string_append_unichar(out, ch);
    }
}

void
pd_text_append_field(GString *o, int width, const char *label, const char *value)
{
    if (value == NULL || *value == 0)
        return;
    g_string_append_printf(o, "  %-*s ", width, label);
    g_autofree char *indent = g_strdup_printf("\n  %-*s ", width, "");
    pd_text_append_visible(o, value, indent);
    g_string_append_c(o, '\n');
}

void
pd_text_append_photo_text(GString *out, int width, const PdPhotoText *text)
{
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++) {
        const PdPhotoField *f = &fields[i];
        if (f->flags & PD_FIELD_PROVENANCE)
            continue; /* with their labels: caption/'s pd_provenance_append_text() */
        if (!(f->flags & PD_FIELD_LIST)) {
            pd_text_append_field(out, width, f->label, pd_photo_text_get(text, f));
            continue;
        }
        GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, text, f->offset);
        g_autoptr(GString) joined = g_string_new(NULL);
        for (guint k = 0; list && k < list->len; k++)
            g_string_append_printf(joined, "%s%s", k ? ", " : "",
                                   (const char *)g_ptr_array_index(list, k));
        pd_text_append_field(out, width, f->label, joined->str);
    }
}
