/* library.c: where the library is, how a photo's reading becomes a catalog row, and how
 * a catalogued photo is shown (photodesk show). */
#include "assets/assets.h"
#include "catalog/catalog.h"
#include "ingest/json.h"
#include "ingest/library.h"
#include "base/base.h"

#include <string.h>

char *
pd_ingest_library_path(const char *given)
{
    if (given && *given)
        return g_strdup(given);
    const char *env = g_getenv("PHOTODESK_LIBRARY");
    if (env && *env)
        return g_strdup(env);
    return g_build_filename(g_get_user_data_dir(), "photodesk", NULL);
}

char *
pd_ingest_catalog_path(const char *library)
{
    return g_build_filename(library, "catalog.db", NULL);
}

const char *
pd_ingest_status_name(PdIngestStatus status)
{
    switch (status) {
    case PD_INGEST_ADDED:
        return "added";
    case PD_INGEST_DUPLICATE:
        return "duplicate";
    case PD_INGEST_UPDATED:
        return "updated";
    default:
        return "rejected";
    }
}

char *
pd_ingest_result_to_json(const PdIngestResult *r)
{
    g_autofree char *file = g_utf8_make_valid(r->file, -1);
    g_autofree char *error = r->error ? g_utf8_make_valid(r->error, -1) : NULL;
    GString *o = g_string_new("{");
    pd_json_string(o, "file", file);
    pd_json_string(o, "status", pd_ingest_status_name(r->status));
    pd_json_key(o, "id");
    if (r->id)
        g_string_append_printf(o, "%" G_GINT64_FORMAT, r->id);
    else
        g_string_append(o, "null");
    pd_json_string(o, "sha256", r->sha256);
    pd_json_string(o, "error", error);
    g_autofree char *warning = r->warning ? g_utf8_make_valid(r->warning, -1) : NULL;
    pd_json_string(o, "warning", warning);
    pd_json_bool(o, "picture_changed", r->picture_changed);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

/* The photographer's local date and the UTC instant of an ISO 8601 date created: a
 * photo taken at 23:41 in Moscow on 15 April belongs to 15 April, whatever UTC says. */
static void
split_date(const char *iso, char **local, char **utc)
{
    *local = NULL;
    *utc = NULL;
    if (iso == NULL)
        return;
    gsize n = strlen(iso);
    *local = g_strndup(iso, MIN(n, 10));
    if (n <= 10 || iso[10] != 'T')
        return;
    gboolean offset = iso[n - 1] == 'Z' || (n > 6 && (iso[n - 6] == '+' || iso[n - 6] == '-'));
    if (!offset)
        return; /* a time without an offset is local time somewhere: no instant */
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(iso, NULL);
    if (t == NULL)
        return;
    g_autoptr(GDateTime) u = g_date_time_to_utc(t);
    *utc = g_date_time_format(u, "%Y-%m-%dT%H:%M:%SZ");
}

void
pd_ingest_apply_caption(PdCatalogPhoto *p, const PdCaption *reading)
{
    g_clear_pointer(&p->caption_body, g_free);
    g_clear_pointer(&p->photographer, g_free);
    g_clear_pointer(&p->agency, g_free);
    g_clear_pointer(&p->distributor, g_free);
    g_clear_pointer(&p->credit_line, g_free);
    g_clear_pointer(&p->restrictions, g_free);
    g_clear_pointer(&p->embargo_until, g_free);
    g_clear_pointer(&p->slug, g_free);
    g_clear_pointer(&p->checks, g_free);
    const PdCredit *c = &reading->credit;
    p->caption_body = g_strdup(c->body);
    p->photographer = g_strdup(c->photographer);
    p->agency = g_strdup(c->agency);
    p->distributor = g_strdup(c->distributor);
    p->credit_line = g_strdup(c->credit_line);
    p->pool = c->pool;
    p->handout = c->handout;
    p->file_photo = c->file_photo;

    const PdRestrictions *r = &reading->restrictions;
    GString *json = g_string_new(NULL);
    pd_json_restrictions(json, NULL, r);
    p->restrictions = g_string_free(json, FALSE);
    p->editorial_only = r->editorial_only;
    p->kill = r->kill;
    p->embargo_until = g_strdup(r->embargo_until);
    p->slug = g_strdup(reading->slug);
    p->top_pick = reading->top_pick;
    json = g_string_new(NULL);
    pd_json_checks(json, NULL, reading->checks);
    p->checks = g_string_free(json, FALSE);
}

PdCatalogPhoto *
pd_ingest_catalog_photo(const PdPhotoMeta *m, const char *sha256, gint64 bytes)
{
    PdCatalogPhoto *p = pd_catalog_photo_new();
    p->sha256 = g_strdup(sha256);
    p->image_sha256 = m->image_sha256[0] ? g_strdup(m->image_sha256) : NULL;
    p->format = g_strdup(pd_format_name(m->format));
    p->ext = g_strdup(pd_ingest_format_ext(m->format));
    p->bytes = bytes;
    p->width = m->width;
    p->height = m->height;
    p->orientation = m->orientation;
    p->caption = g_strdup(m->caption);
    p->headline = g_strdup(m->headline);
    p->byline = g_strdup(m->byline);
    p->credit = g_strdup(m->credit);
    p->source = g_strdup(m->source);
    p->copyright = g_strdup(m->copyright);
    p->date_created = g_strdup(m->date_created);
    split_date(m->date_created, &p->date_created_local, &p->date_created_utc);
    p->city = g_strdup(m->city);
    p->province = g_strdup(m->province);
    p->country = g_strdup(m->country);
    for (guint i = 0; i < m->keywords->len; i++)
        g_ptr_array_add(p->keywords, g_strdup(g_ptr_array_index(m->keywords, i)));
    p->special_instructions = g_strdup(m->special_instructions);
    p->transmission_reference = g_strdup(m->transmission_reference);
    p->object_name = g_strdup(m->object_name);
    p->writer = g_strdup(m->writer);
    p->make = g_strdup(m->make);
    p->model = g_strdup(m->model);
    p->has_gps = m->has_gps;
    p->gps_lat = m->gps_lat;
    p->gps_lon = m->gps_lon;

    pd_ingest_apply_caption(p, &m->reading);
    GString *warnings = g_string_new("{");
    pd_json_strings(warnings, "w", m->warnings);
    /* keep only the array: "{"w": [...]" */
    p->warnings = g_strdup(warnings->str + strlen("{\"w\": "));
    g_string_free(warnings, TRUE);
    p->damaged = m->damaged;
    return p;
}

void
pd_ingest_add_warning(PdCatalogPhoto *p, const char *warning)
{
    GString *w = g_string_new(p->warnings ? p->warnings : "[]");
    g_string_truncate(w, w->len - 1); /* the closing bracket */
    if (w->len > 1)
        g_string_append(w, ", ");
    pd_json_quote(w, warning);
    g_string_append_c(w, ']');
    g_free(p->warnings);
    p->warnings = g_string_free(w, FALSE);
}

const char *
pd_ingest_format_ext(PdFormat format)
{
    switch (format) {
    case PD_FORMAT_JPEG:
        return "jpg";
    case PD_FORMAT_PNG:
        return "png";
    case PD_FORMAT_WEBP:
        return "webp";
    case PD_FORMAT_TIFF:
        return "tif";
    case PD_FORMAT_HEIF:
        return "heic";
    default:
        return "bin";
    }
}

/* ---------------------------------------------------------------- show */

typedef struct {
    PdCatalogPhoto *photo;
    GPtrArray *renditions;
    GPtrArray *versions;
    GPtrArray *articles; /* that the photo is placed in */
    PdStore *store;      /* owned when own_store */
    gboolean own_store;
} Shown;

static void
shown_clear(Shown *s)
{
    pd_catalog_photo_free(s->photo);
    if (s->renditions)
        g_ptr_array_unref(s->renditions);
    if (s->versions)
        g_ptr_array_unref(s->versions);
    if (s->articles)
        g_ptr_array_unref(s->articles);
    if (s->own_store)
        pd_store_close(s->store);
}

/* Photo @id with its renditions, articles and versions: the newest @versions of them, or
 * (0) every one. */
static gboolean
load_from(PdCatalog *cat, gint64 id, int versions, Shown *s, GError **error)
{
    s->photo = pd_catalog_get_photo(cat, id, error);
    if (s->photo == NULL)
        return FALSE;
    s->renditions = pd_catalog_get_renditions(cat, id, error);
    s->versions = !s->renditions ? NULL
                  : versions     ? pd_catalog_get_versions_page(cat, id, 0, versions, error)
                                 : pd_catalog_get_versions(cat, id, error);
    s->articles = s->versions ? pd_catalog_photo_articles(cat, id, error) : NULL;
    return s->articles != NULL;
}

static gboolean
load_shown(const char *library, gint64 id, Shown *s, GError **error)
{
    memset(s, 0, sizeof *s);
    g_autofree char *path = pd_ingest_catalog_path(library);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, PD_INGEST_ERROR, PD_INGEST_ERROR_OPEN,
                    "no photo library at %s (ingest some photos first)", library);
        return FALSE;
    }
    g_autoptr(PdCatalog) cat = pd_catalog_open(path, PD_CATALOG_READ_ONLY, error);
    if (cat == NULL || !load_from(cat, id, 0, s, error))
        return FALSE;
    s->store = pd_store_open(library, error);
    s->own_store = TRUE;
    return s->store != NULL;
}

char *
pd_ingest_file_url(gint64 id, const char *name, const char *sha256)
{
    return g_strdup_printf("/photos/%" G_GINT64_FORMAT "/%s?v=%s", id, name, sha256);
}

void
pd_json_versions(GString *o, GPtrArray *versions, gboolean newest_first, gint64 urls_of)
{
    g_string_append_c(o, '[');
    for (guint n = 0; n < versions->len; n++) {
        guint i = newest_first ? versions->len - 1 - n : n;
        const PdCatalogVersion *v = g_ptr_array_index(versions, i);
        g_string_append(o, n ? ", {" : "{");
        pd_json_int(o, "version", v->version, TRUE);
        pd_json_string(o, "at", v->at);
        pd_json_string(o, "user", v->by_user);
        pd_json_string(o, "ingest", v->by_ingest);
        pd_json_string(o, "original", v->original);
        pd_json_string(o, "picture", v->picture);
        pd_json_bool(o, "picture_changed", v->picture_changed);
        if (urls_of > 0 && v->picture) {
            g_autofree char *thumb = pd_ingest_file_url(urls_of, "thumb", v->picture);
            g_autofree char *preview = pd_ingest_file_url(urls_of, "preview", v->picture);
            pd_json_string(o, "thumb", thumb);
            pd_json_string(o, "preview", preview);
        }
        pd_json_string(o, "seen_by", v->seen_by);
        pd_json_key(o, "changes");
        g_string_append_c(o, '[');
        for (guint k = 0; k < v->changes->len; k++) {
            const PdCatalogChange *ch = g_ptr_array_index(v->changes, k);
            g_string_append(o, k ? ", {" : "{");
            pd_json_string(o, "field", ch->field);
            pd_json_string(o, "from", ch->from);
            pd_json_string(o, "to", ch->to);
            pd_json_string(o, "over_correction_by", ch->editor);
            g_string_append_c(o, '}');
        }
        g_string_append(o, "]}");
    }
    g_string_append_c(o, ']');
}

const PdCatalogVersion *
pd_ingest_wire_resent(GPtrArray *versions)
{
    for (guint n = versions->len; n > 0; n--) {
        const PdCatalogVersion *v = g_ptr_array_index(versions, n - 1);
        if (v->by_user)
            return NULL; /* an editor has worked on it since */
        for (guint k = 0; k < v->changes->len; k++)
            if (((PdCatalogChange *)g_ptr_array_index(v->changes, k))->editor)
                return v->seen_by ? NULL : v;
    }
    return NULL;
}

void
pd_json_wire_resent(GString *o, GPtrArray *versions)
{
    const PdCatalogVersion *v = pd_ingest_wire_resent(versions);
    if (v == NULL) {
        g_string_append(o, "null");
        return;
    }
    g_string_append_c(o, '{');
    pd_json_int(o, "version", v->version, TRUE);
    pd_json_string(o, "at", v->at);
    pd_json_string(o, "ingest", v->by_ingest);
    pd_json_key(o, "fields");
    g_string_append_c(o, '[');
    for (guint k = 0; k < v->changes->len; k++) {
        const PdCatalogChange *ch = g_ptr_array_index(v->changes, k);
        if (ch->editor == NULL)
            continue;
        g_string_append(o, o->str[o->len - 1] == '[' ? "{" : ", {");
        pd_json_string(o, "field", ch->field);
        pd_json_string(o, "editor", ch->editor);
        pd_json_string(o, "corrected", ch->from);
        pd_json_string(o, "wire", ch->to);
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}");
}

/* The photo as JSON; with @urls, the web UI's URLs of its files instead of their paths. */
static char *
photo_json(const Shown *s, gboolean urls)
{
    const PdCatalogPhoto *p = s->photo;
    GString *o = g_string_new("{");
    g_string_append_printf(o, "\"id\": %" G_GINT64_FORMAT, p->id);
    pd_json_string(o, "sha256", p->sha256);
    if (urls) {
        g_autofree char *url =
            g_strdup_printf("/photos/%" G_GINT64_FORMAT "/original?v=%s", p->id, p->sha256);
        pd_json_string(o, "original_url", url);
    } else {
        g_autofree char *original = pd_store_original_path(s->store, p->sha256, p->ext);
        pd_json_string(o, "original", original);
    }
    pd_json_string(o, "format", p->format);
    pd_json_key(o, "bytes");
    g_string_append_printf(o, "%" G_GINT64_FORMAT, p->bytes);
    pd_json_string(o, "caption", p->caption);
    pd_json_string(o, "headline", p->headline);
    pd_json_string(o, "byline", p->byline);
    pd_json_string(o, "credit", p->credit);
    pd_json_string(o, "source", p->source);
    pd_json_string(o, "copyright", p->copyright);
    pd_json_string(o, "date_created", p->date_created);
    pd_json_string(o, "date_created_utc", p->date_created_utc);
    pd_json_string(o, "date_created_local", p->date_created_local);
    pd_json_string(o, "city", p->city);
    pd_json_string(o, "province", p->province);
    pd_json_string(o, "country", p->country);
    pd_json_strings(o, "keywords", p->keywords);
    pd_json_string(o, "special_instructions", p->special_instructions);
    pd_json_string(o, "transmission_reference", p->transmission_reference);
    pd_json_string(o, "object_name", p->object_name);
    pd_json_string(o, "writer", p->writer);
    pd_json_int(o, "width", p->width, p->width > 0);
    pd_json_int(o, "height", p->height, p->height > 0);
    pd_json_int(o, "orientation", p->orientation, p->orientation > 0);
    pd_json_string(o, "make", p->make);
    pd_json_string(o, "model", p->model);
    pd_json_degrees(o, "gps_lat", p->gps_lat, p->has_gps);
    pd_json_degrees(o, "gps_lon", p->gps_lon, p->has_gps);
    pd_json_key(o, "credit_parsed");
    g_string_append_c(o, '{');
    PdCredit c = {
        p->credit_line != NULL, p->caption_body, p->photographer, p->agency, p->pool, p->handout,
        p->file_photo,          p->distributor,  p->credit_line,  NULL};
    pd_json_credit_members(o, &c);
    g_string_append_c(o, '}');
    pd_json_raw(o, "restrictions", p->restrictions, "null");
    pd_json_string(o, "slug", p->slug);
    pd_json_bool(o, "top_pick", p->top_pick);
    pd_json_raw(o, "checks", p->checks, "[]");
    pd_json_raw(o, "warnings", p->warnings, "[]");
    pd_json_bool(o, "damaged", p->damaged);
    if (p->has_dhash) {
        char hash[17];
        g_snprintf(hash, sizeof hash, "%016" G_GINT64_MODIFIER "x", p->dhash);
        pd_json_string(o, "dhash", hash);
    } else {
        pd_json_string(o, "dhash", NULL);
    }
    pd_json_string(o, "ingested_at", p->ingested_at);
    pd_json_string(o, "updated_at", p->updated_at);
    pd_json_int(o, "version", p->version, TRUE);
    pd_json_string(o, "picture", p->picture);

    pd_json_key(o, "renditions");
    g_string_append_c(o, '[');
    for (guint i = 0; i < s->renditions->len; i++) {
        const PdCatalogRendition *r = g_ptr_array_index(s->renditions, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_string(o, "name", r->name);
        pd_json_int(o, "width", r->width, TRUE);
        pd_json_int(o, "height", r->height, TRUE);
        pd_json_key(o, "bytes");
        g_string_append_printf(o, "%" G_GINT64_FORMAT, r->bytes);
        if (urls) {
            g_autofree char *url = pd_ingest_file_url(p->id, r->name, r->sha256);
            pd_json_string(o, "url", url);
        } else {
            g_autofree char *path = pd_store_rendition_path(s->store, r->name, r->sha256);
            pd_json_string(o, "path", path);
        }
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    pd_json_key(o, "wire_resent");
    pd_json_wire_resent(o, s->versions);
    /* on the web, the newest versions only (GET .../history pages through the rest) */
    pd_json_int(o, "versions_total", p->version, TRUE);
    pd_json_key(o, "versions");
    pd_json_versions(o, s->versions, FALSE, urls ? p->id : 0);
    pd_json_key(o, "articles");
    g_string_append_c(o, '[');
    for (guint i = 0; i < s->articles->len; i++) {
        const PdCatalogArticle *a = g_ptr_array_index(s->articles, i);
        g_string_append_printf(o, "%s{\"id\": %" G_GINT64_FORMAT, i ? ", " : "", a->id);
        pd_json_string(o, "slug", a->slug);
        pd_json_string(o, "headline", a->headline);
        pd_json_string(o, "status", a->status);
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

char *
pd_ingest_show_json(const char *library, gint64 id, GError **error)
{
    Shown s;
    char *json = load_shown(library, id, &s, error) ? photo_json(&s, FALSE) : NULL;
    shown_clear(&s);
    return json;
}

char *
pd_ingest_photo_json(PdCatalog *catalog, gint64 id, GError **error)
{
    Shown s = {0};
    char *json = load_from(catalog, id, PD_PHOTO_VERSIONS, &s, error) ? photo_json(&s, TRUE) : NULL;
    shown_clear(&s);
    return json;
}

char *
pd_ingest_history_json(PdCatalog *catalog, gint64 id, int before, int limit, GError **error)
{
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, id, error);
    if (p == NULL)
        return NULL;
    g_autoptr(GPtrArray) versions = pd_catalog_get_versions_page(catalog, id, before, limit, error);
    if (versions == NULL)
        return NULL;
    GString *o = g_string_new("{");
    pd_json_key(o, "versions");
    pd_json_versions(o, versions, TRUE, id);
    pd_json_int(o, "total", p->version, TRUE);
    /* versions run 1, 2, ...: the oldest given says whether there are older ones */
    int oldest = versions->len ? ((PdCatalogVersion *)g_ptr_array_index(versions, 0))->version : 1;
    pd_json_int(o, "next_before", oldest, oldest > 1);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

/* One field's changes over several versions: what it was, what it is, and who changed it. */
typedef struct {
    const char *field, *from, *to;
    GPtrArray *by; /* of const char *: users, or "wire" */
    GArray *versions;
} Moved;

static void
moved_free(gpointer data)
{
    Moved *m = data;
    g_ptr_array_unref(m->by);
    g_array_unref(m->versions);
    g_free(m);
}

char *
pd_ingest_conflict_json(PdCatalog *catalog, gint64 id, int seen, const char *message,
                        GError **error)
{
    Shown s = {0};
    if (!load_from(catalog, id, 0, &s, error)) {
        shown_clear(&s);
        return NULL;
    }
    g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func(moved_free);
    for (guint i = 0; i < s.versions->len; i++) {
        const PdCatalogVersion *v = g_ptr_array_index(s.versions, i);
        if (v->version <= seen)
            continue;
        for (guint k = 0; k < v->changes->len; k++) {
            const PdCatalogChange *ch = g_ptr_array_index(v->changes, k);
            Moved *m = NULL;
            for (guint j = 0; j < moved->len && m == NULL; j++)
                if (strcmp(((Moved *)g_ptr_array_index(moved, j))->field, ch->field) == 0)
                    m = g_ptr_array_index(moved, j);
            if (m == NULL) {
                m = g_new0(Moved, 1);
                m->field = ch->field;
                m->from = ch->from;
                m->by = g_ptr_array_new();
                m->versions = g_array_new(FALSE, FALSE, sizeof(int));
                g_ptr_array_add(moved, m);
            }
            m->to = ch->to;
            const char *who = v->by_user ? v->by_user : "wire";
            if (!g_ptr_array_find_with_equal_func(m->by, who, g_str_equal, NULL))
                g_ptr_array_add(m->by, (gpointer)who);
            g_array_append_val(m->versions, v->version);
        }
    }
    GString *o = g_string_new("{");
    pd_json_string(o, "error", message);
    pd_json_int(o, "seen_version", seen, TRUE);
    pd_json_int(o, "version", s.photo->version, TRUE);
    pd_json_key(o, "changed");
    g_string_append_c(o, '[');
    for (guint j = 0; j < moved->len; j++) {
        const Moved *m = g_ptr_array_index(moved, j);
        g_string_append(o, j ? ", {" : "{");
        pd_json_string(o, "field", m->field);
        pd_json_string(o, "from", m->from);
        pd_json_string(o, "to", m->to);
        pd_json_strings(o, "by", m->by);
        pd_json_key(o, "versions");
        g_string_append_c(o, '[');
        for (guint k = 0; k < m->versions->len; k++)
            g_string_append_printf(o, "%s%d", k ? ", " : "", g_array_index(m->versions, int, k));
        g_string_append(o, "]}");
    }
    g_string_append_c(o, ']');
    g_autofree char *photo = photo_json(&s, TRUE);
    pd_json_raw(o, "photo", photo, "null");
    g_string_append_c(o, '}');
    shown_clear(&s);
    return g_string_free(o, FALSE);
}

static void
line(GString *o, const char *label, const char *value)
{
    pd_text_append_field(o, 22, label, value);
}

char *
pd_ingest_show_text(const char *library, gint64 id, GError **error)
{
    Shown s;
    if (!load_shown(library, id, &s, error)) {
        shown_clear(&s);
        return NULL;
    }
    const PdCatalogPhoto *p = s.photo;
    GString *o = g_string_new(NULL);
    g_string_append_printf(o, "photo %" G_GINT64_FORMAT " (version %d)\n", p->id, p->version);
    line(o, "Caption", p->caption);
    line(o, "Headline", p->headline);
    line(o, "Object name", p->object_name);
    line(o, "By-line", p->byline);
    line(o, "Credit", p->credit);
    line(o, "Source", p->source);
    line(o, "Credit line", p->credit_line);
    line(o, "Copyright", p->copyright);
    line(o, "Date created", p->date_created);
    line(o, "City", p->city);
    line(o, "Province/State", p->province);
    line(o, "Country", p->country);
    if (p->keywords->len) {
        GString *k = g_string_new(NULL);
        for (guint i = 0; i < p->keywords->len; i++)
            g_string_append_printf(k, "%s%s", i ? ", " : "",
                                   (char *)g_ptr_array_index(p->keywords, i));
        line(o, "Keywords", k->str);
        g_string_free(k, TRUE);
    }
    line(o, "Special instructions", p->special_instructions);
    line(o, "Transmission ref.", p->transmission_reference);
    line(o, "Slug", p->slug);
    if (p->kill)
        line(o, "RESTRICTION", "KILL: do not use this picture");
    if (p->embargo_until) {
        g_autofree char *e = g_strdup_printf("EMBARGOED until %s", p->embargo_until);
        line(o, "RESTRICTION", e);
    }
    if (p->editorial_only)
        line(o, "RESTRICTION", "EDITORIAL USE ONLY");
    g_autofree char *size = g_strdup_printf("%d x %d %s, %" G_GINT64_FORMAT " bytes", p->width,
                                            p->height, p->format, p->bytes);
    line(o, "Image", size);
    line(o, "SHA-256", p->sha256);
    g_autofree char *original = pd_store_original_path(s.store, p->sha256, p->ext);
    line(o, "Original", original);
    for (guint i = 0; i < s.renditions->len; i++) {
        const PdCatalogRendition *r = g_ptr_array_index(s.renditions, i);
        g_autofree char *path = pd_store_rendition_path(s.store, r->name, r->sha256);
        g_autofree char *label = g_strdup_printf("Rendition %s", r->name);
        g_autofree char *v = g_strdup_printf("%d x %d, %s", r->width, r->height, path);
        line(o, label, v);
    }
    line(o, "Ingested", p->ingested_at);
    for (guint i = 0; i < s.articles->len; i++) {
        const PdCatalogArticle *a = g_ptr_array_index(s.articles, i);
        g_autofree char *what = g_strdup_printf("%" G_GINT64_FORMAT ": %s (%s)%s%s", a->id, a->slug,
                                                a->status, *a->headline ? ", " : "", a->headline);
        line(o, "In article", what);
    }
    for (guint i = 0; i < s.versions->len; i++) {
        const PdCatalogVersion *v = g_ptr_array_index(s.versions, i);
        g_autofree char *label = g_strdup_printf("Version %d", v->version);
        g_autofree char *what =
            g_strdup_printf("%s by %s%s", v->at, v->by_user ? v->by_user : "ingest of ",
                            v->by_user ? "" : (v->by_ingest ? v->by_ingest : "?"));
        line(o, label, what);
        for (guint k = 0; k < v->changes->len; k++) {
            const PdCatalogChange *ch = g_ptr_array_index(v->changes, k);
            g_autofree char *change = g_strdup_printf(
                "%s: \"%s\" -> \"%s\"", ch->field, ch->from ? ch->from : "", ch->to ? ch->to : "");
            line(o, "", change);
        }
    }
    shown_clear(&s);
    return g_string_free(o, FALSE);
}
