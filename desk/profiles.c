/* profiles.c: the desk's output profiles: how large and how compressed a delivered photo
 * is. Three are built in: web (2048 px, quality 85: the stored web rendition, copied as
 * it is), print (its own size, quality 95) and social (1200 px, quality 85). An admin
 * adds the desk's own ("tabloid": 3000 px, quality 92) or changes a built-in one (which
 * then is made from the original like any other); removing a change brings the built-in
 * back. Kept as a setting of the catalog ({"next": N, "profiles": [{"id", "name",
 * "long_edge", "quality", "by", "at"}]}). */
#include "desk/desk-private.h"

#include <string.h>

#define PROFILES_KEY "profiles"
#define EDGE_MIN     64
#define EDGE_MAX     20000

static const struct {
    const char *name;
    int long_edge, quality;
} built_in[] = {
    {"web", 2048, 85},
    {"print", 0, 95},
    {"social", 1200, 85},
};

void
pd_desk_profile_free(PdDeskProfile *p)
{
    if (p == NULL)
        return;
    g_free(p->name);
    g_free(p->by);
    g_free(p->at);
    g_free(p);
}

/* The desk's own (saved) profiles, in the order they were made. */
static GPtrArray *
read_saved(PdCatalog *catalog, gint64 *next, GError **error)
{
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *o;
    JsonArray *a;
    if (!pd_desk_setting(catalog, PROFILES_KEY, "profiles", &parser, &o, &a, error))
        return NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)pd_desk_profile_free);
    *next = o ? json_object_get_int_member_with_default(o, "next", 1) : 1;
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *po = json_array_get_object_element(a, i);
        char *name = po ? pd_desk_text_member(po, "name") : NULL;
        if (name == NULL)
            continue;
        PdDeskProfile *p = g_new0(PdDeskProfile, 1);
        p->id = json_object_get_int_member_with_default(po, "id", 0);
        p->name = name;
        p->long_edge = (int)json_object_get_int_member_with_default(po, "long_edge", 0);
        p->quality = (int)json_object_get_int_member_with_default(po, "quality", 85);
        p->by = pd_desk_text_member(po, "by");
        p->at = pd_desk_text_member(po, "at");
        g_ptr_array_add(all, p);
    }
    return all;
}

static const PdDeskProfile *
named(GPtrArray *profiles, const char *name)
{
    for (guint i = 0; name && profiles && i < profiles->len; i++) {
        const PdDeskProfile *p = g_ptr_array_index(profiles, i);
        if (g_ascii_strcasecmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

GPtrArray *
pd_desk_profiles(PdCatalog *catalog, GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) saved = read_saved(catalog, &next, error);
    if (saved == NULL)
        return NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)pd_desk_profile_free);
    for (guint i = 0; i < G_N_ELEMENTS(built_in); i++) {
        const PdDeskProfile *changed = named(saved, built_in[i].name);
        PdDeskProfile *p = g_new0(PdDeskProfile, 1);
        p->name = g_strdup(built_in[i].name);
        p->built_in = TRUE;
        if (changed) {
            p->id = changed->id;
            p->long_edge = changed->long_edge;
            p->quality = changed->quality;
            p->by = g_strdup(changed->by);
            p->at = g_strdup(changed->at);
        } else {
            p->long_edge = built_in[i].long_edge;
            p->quality = built_in[i].quality;
            p->stored = i == 0; /* web: the stored rendition is its file */
        }
        g_ptr_array_add(all, p);
    }
    for (guint i = 0; i < saved->len; i++) {
        PdDeskProfile *p = g_ptr_array_index(saved, i);
        if (named(all, p->name) == NULL)
            g_ptr_array_add(all, g_steal_pointer(&g_ptr_array_index(saved, i)));
    }
    return all;
}

const PdDeskProfile *
pd_desk_profile_named(GPtrArray *profiles, const char *name)
{
    return named(profiles, name);
}

char *
pd_desk_profile_names(GPtrArray *profiles)
{
    GString *o = g_string_new(NULL);
    for (guint i = 0; profiles && i < profiles->len; i++)
        g_string_append_printf(o, "%s%s", i ? ", " : "",
                               ((PdDeskProfile *)g_ptr_array_index(profiles, i))->name);
    return g_string_free(o, FALSE);
}

gboolean
pd_desk_check_profile(GPtrArray *profiles, const char *name, GError **error)
{
    if (name == NULL || named(profiles, name))
        return TRUE;
    g_autofree char *names = pd_desk_profile_names(profiles);
    g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                "profile: \"%s\" is not one of the desk's (%s)", name, names);
    return FALSE;
}

static void
profiles_member(GString *o, GPtrArray *all, gboolean setting)
{
    pd_json_key(o, "profiles");
    g_string_append_c(o, '[');
    gboolean first = TRUE;
    for (guint i = 0; i < all->len; i++) {
        const PdDeskProfile *p = g_ptr_array_index(all, i);
        if (setting && p->id == 0)
            continue; /* built in, as it is */
        g_string_append(o, first ? "{" : ", {");
        first = FALSE;
        pd_json_int64(o, "id", p->id);
        pd_json_string(o, "name", p->name);
        pd_json_int(o, "long_edge", p->long_edge, TRUE);
        pd_json_int(o, "quality", p->quality, TRUE);
        if (!setting) {
            pd_json_bool(o, "built_in", p->built_in);
            pd_json_bool(o, "changed", p->built_in && p->id != 0);
        }
        pd_json_string(o, "by", p->by);
        pd_json_string(o, "at", p->at);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

char *
pd_desk_profiles_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_desk_profiles(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{");
    profiles_member(o, all, FALSE);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

static gboolean
write_saved(PdCatalog *catalog, GPtrArray *saved, gint64 next, GError **error)
{
    g_autoptr(GString) o = g_string_new("{");
    pd_json_int64(o, "next", next);
    /* every one saved is written (none is built in here: ids are set) */
    profiles_member(o, saved, TRUE);
    g_string_append_c(o, '}');
    return pd_catalog_set_setting(catalog, PROFILES_KEY, o->str, error);
}

static gboolean
save_in(PdCatalog *catalog, PdDeskProfile **given, gint64 *id, GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) saved = read_saved(catalog, &next, error);
    if (saved == NULL)
        return FALSE;
    PdDeskProfile *p = g_steal_pointer(given);
    const PdDeskProfile *old = named(saved, p->name);
    guint at;
    if (old && g_ptr_array_find(saved, old, &at)) {
        p->id = old->id;
        pd_desk_profile_free(g_ptr_array_index(saved, at));
        g_ptr_array_index(saved, at) = p;
    } else {
        p->id = next++;
        g_ptr_array_add(saved, p);
    }
    *id = p->id;
    return write_saved(catalog, saved, next, error);
}

gint64
pd_desk_save_profile(PdCatalog *catalog, const char *name, int long_edge, int quality,
                     const char *by_user, GError **error)
{
    gboolean ok_name = name && *name && strlen(name) <= 40;
    for (const char *c = name; ok_name && *c; c++)
        ok_name = g_ascii_isalnum(*c) || *c == '-' || *c == '_';
    if (!ok_name) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "name: 1 to 40 letters, digits, '-' or '_' (\"%s\")", name ? name : "");
        return 0;
    }
    if (long_edge != 0 && (long_edge < EDGE_MIN || long_edge > EDGE_MAX)) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "long_edge: %d px is not between %d and %d (0: the picture's own size)",
                    long_edge, EDGE_MIN, EDGE_MAX);
        return 0;
    }
    if (quality < 30 || quality > 100) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "quality: %d is not between 30 and 100", quality);
        return 0;
    }
    g_autoptr(PdDeskProfile) p = g_new0(PdDeskProfile, 1);
    p->name = g_ascii_strdown(name, -1);
    p->long_edge = long_edge;
    p->quality = quality;
    p->by = g_strdup(by_user);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    p->at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    gint64 id = 0;
    gboolean ok = pd_catalog_begin(catalog, error) &&
                  pd_catalog_finish(catalog, save_in(catalog, &p, &id, error), error);
    return ok ? id : 0;
}

static gboolean
remove_in(PdCatalog *catalog, gint64 id, GError **error)
{
    gint64 next;
    g_autoptr(GPtrArray) saved = read_saved(catalog, &next, error);
    if (saved == NULL)
        return FALSE;
    for (guint i = 0; i < saved->len; i++)
        if (((PdDeskProfile *)g_ptr_array_index(saved, i))->id == id) {
            g_ptr_array_remove_index(saved, i);
            return write_saved(catalog, saved, next, error);
        }
    g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_NOT_FOUND,
                "no profile %" G_GINT64_FORMAT " of the desk's own (the built-in ones stay)", id);
    return FALSE;
}

gboolean
pd_desk_remove_profile(PdCatalog *catalog, gint64 id, GError **error)
{
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, remove_in(catalog, id, error), error);
}
