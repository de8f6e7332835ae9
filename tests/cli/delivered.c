/* delivered.c: see delivered.h. */
#include "delivered.h"

#include <zip.h>

GHashTable *
delivered_entries(const void *data, gsize len)
{
    GHashTable *entries =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    g_assert_nonnull(src);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    g_assert_nonnull(z);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        zip_stat_t st;
        g_assert_cmpint(zip_stat_index(z, (zip_uint64_t)i, 0, &st), ==, 0);
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        g_assert_nonnull(f);
        guint8 *buf = g_malloc(st.size + 1);
        g_assert_cmpint(zip_fread(f, buf, st.size), ==, (zip_int64_t)st.size);
        buf[st.size] = 0;
        zip_fclose(f);
        g_hash_table_insert(entries, g_strdup(st.name), g_bytes_new_take(buf, st.size));
    }
    zip_close(z);
    zip_error_fini(&ze);
    return entries;
}

JsonObject *
delivered_tags(const char *dir, GBytes *jpeg)
{
    g_autofree char *path = g_build_filename(dir, "delivered.jpg", NULL);
    gsize n;
    const char *data = g_bytes_get_data(jpeg, &n);
    g_assert_true(g_file_set_contents(path, data, (gssize)n, NULL));
    const char *argv[] = {"exiftool",
                          "-j",
                          "-a",
                          "-G1",
                          "-charset",
                          "iptc=UTF8",
                          "-CurrentIPTCDigest",
                          "-IPTCDigest",
                          "-IPTC:all",
                          "-XMP:all",
                          "-EXIF:all",
                          "-GPS:all",
                          path,
                          NULL};
    g_autofree char *out = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, &status, NULL))
        return NULL;
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
    return json_object_ref(
        json_array_get_object_element(json_node_get_array(json_parser_get_root(p)), 0));
}
