/* fuzz-xmp.c: libFuzzer target for XMP extraction (expat with DTDs and entities refused).
 *
 * Properties checked: no memory error or undefined behaviour, every value returned is
 * valid UTF-8, look-ups of the properties photodesk uses work on whatever was read. */
#include "ingest/xmp.h"

#include <stdint.h>
#include <stdlib.h>

static void
check_value(gpointer key, gpointer value, gpointer user_data)
{
    const PdXmpProperty *prop = value;
    if (!g_utf8_validate(key, -1, NULL))
        abort();
    for (guint i = 0; i < prop->values->len; i++)
        if (!g_utf8_validate(g_ptr_array_index(prop->values, i), -1, NULL))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "dc:description",        "dc:creator",      "dc:subject", "photoshop:Headline",
        "photoshop:DateCreated", "exif:GPSLatitude"};
    PdXmp *xmp = pd_xmp_new();
    GError *error = NULL;
    pd_xmp_parse(xmp, (const char *)data, size, &error);
    g_clear_error(&error);
    pd_xmp_foreach(xmp, check_value, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(paths); i++) {
        const char *v = pd_xmp_get_text(xmp, paths[i]);
        if (v && !g_utf8_validate(v, -1, NULL))
            abort();
    }
    pd_xmp_free(xmp);
    return 0;
}
