/* library.c: where the library and its catalog are. */
#include "desk/desk.h"

char *
pd_desk_library_path(const char *given)
{
    if (given && *given)
        return g_strdup(given);
    const char *env = g_getenv("PHOTODESK_LIBRARY");
    if (env && *env)
        return g_strdup(env);
    return g_build_filename(g_get_user_data_dir(), "photodesk", NULL);
}

char *
pd_desk_catalog_path(const char *library)
{
    return g_build_filename(library, "catalog.db", NULL);
}
