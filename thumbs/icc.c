/* icc.c: reading just enough of an ICC profile to know whether it is sRGB.
 *
 * The profile comes from the photo: untrusted. Every offset and size is checked against
 * the profile's length before use (fuzzed by tests/fuzz/fuzz-icc.c). */
#include "thumbs/icc.h"

#include <string.h>

/* TRUE when an ICC profile describes sRGB (its 'desc' tag says so), so converting to
 * sRGB would change nothing. */
gboolean
pd_icc_is_srgb(const guint8 *p, gsize len)
{
    if (len < 132)
        return FALSE;
    guint32 count = (guint32)p[128] << 24 | (guint32)p[129] << 16 | (guint32)p[130] << 8 | p[131];
    for (guint32 i = 0; i < count && 132 + 12 * (gsize)(i + 1) <= len; i++) {
        const guint8 *t = p + 132 + 12 * i;
        if (memcmp(t, "desc", 4) != 0)
            continue;
        guint32 off = (guint32)t[4] << 24 | (guint32)t[5] << 16 | (guint32)t[6] << 8 | t[7];
        guint32 size = (guint32)t[8] << 24 | (guint32)t[9] << 16 | (guint32)t[10] << 8 | t[11];
        if (off > len || size > len - off)
            return FALSE;
        /* 'desc' (ASCII, ICC v2) or 'mluc' (UTF-16, v4): look for "sRGB" either way */
        const guint8 *d = p + off;
        for (guint32 k = 0; k + 4 <= size; k++)
            if (memcmp(d + k, "sRGB", 4) == 0)
                return TRUE;
        for (guint32 k = 0; k + 8 <= size; k++)
            if (memcmp(d + k, "\0s\0R\0G\0B", 8) == 0)
                return TRUE;
        return FALSE;
    }
    return FALSE;
}
