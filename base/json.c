/* json.c: the JSON writer photodesk prints with (see base.h). */
#include "base/base.h"

#include <string.h>

void
pd_json_quote(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    const guchar *p = (const guchar *)s;
    while (*p) {
        /* the bytes that go as they are, in one piece */
        const guchar *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            g_string_append_len(out, (const char *)run, p - run);
        if (*p == 0)
            break;
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        default:
            g_string_append_printf(out, "\\u%04x", *p);
        }
        p++;
    }
    g_string_append_c(out, '"');
}

void
pd_json_key(GString *out, const char *key)
{
    char last = out->len ? out->str[out->len - 1] : '{';
    if (last != '{' && last != '[')
        g_string_append(out, ", ");
    if (key == NULL)
        return;
    pd_json_quote(out, key);
    g_string_append(out, ": ");
}

void
pd_json_string(GString *out, const char *key, const char *value)
{
    pd_json_key(out, key);
    if (value)
        pd_json_quote(out, value);
    else
        g_string_append(out, "null");
}

void
pd_json_int(GString *out, const char *key, int value, gboolean present)
{
    pd_json_key(out, key);
    if (present)
        g_string_append_printf(out, "%d", value);
    else
        g_string_append(out, "null");
}

/* Degrees with at most 7 decimals, as short as they can be written. */
void
pd_json_degrees(GString *out, const char *key, double value, gboolean present)
{
    pd_json_key(out, key);
    if (!present) {
        g_string_append(out, "null");
        return;
    }
    char buf[64];
    g_ascii_formatd(buf, sizeof buf, "%.7f", value);
    gsize n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        n--;
    if (n > 0 && buf[n - 1] == '.')
        n++; /* keep one zero: 7.0 */
    buf[n] = '\0';
    g_string_append(out, buf);
}

void
pd_json_strings(GString *out, const char *key, GPtrArray *items)
{
    pd_json_key(out, key);
    g_string_append_c(out, '[');
    for (guint i = 0; items && i < items->len; i++) {
        if (i)
            g_string_append(out, ", ");
        pd_json_quote(out, g_ptr_array_index(items, i));
    }
    g_string_append_c(out, ']');
}

void
pd_json_bool(GString *out, const char *key, gboolean value)
{
    pd_json_key(out, key);
    g_string_append(out, value ? "true" : "false");
}

void
pd_json_int64(GString *out, const char *key, gint64 value)
{
    pd_json_key(out, key);
    g_string_append_printf(out, "%" G_GINT64_FORMAT, value);
}

void
pd_json_open(GString *out, const char *key, char bracket)
{
    pd_json_key(out, key);
    g_string_append_c(out, bracket);
}

void
pd_json_raw(GString *out, const char *key, const char *json, const char *fallback)
{
    pd_json_key(out, key);
    g_string_append(out, json ? json : fallback);
}
