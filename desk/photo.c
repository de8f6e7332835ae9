/* photo.c: a catalogued photo as photodesk show and the web UI show it: every field,
 * its renditions, the articles it is placed in, its versions with their changes, and
 * what the wire changed over an editor's correction. */
#include "caption/caption.h"
#include "desk/desk-private.h"
#include "ingest/ingest.h"

#include "assets/assets.h"
#include "thumbs/thumbs.h"

#include <json-glib/json-glib.h>

#include <string.h>

/* ---------------------------------------------------------------- show */

typedef struct {
    PdCatalogPhoto *photo;
    GPtrArray *renditions;
    GPtrArray *versions;
    GPtrArray *articles;   /* that the photo is placed in */
    char *same_picture;    /* "group", "same_picture" and "desk_agency", as JSON members */
    PdCatalogPick *pick;   /* the desk's rating and label */
    GPtrArray *names;      /* PdCheck *: names spelled otherwise than the desk's codes */
    GPtrArray *deliveries; /* PdCatalogDelivery *: where it went, newest first */
    PdStore *store;        /* owned when own_store */
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
    g_free(s->same_picture);
    pd_catalog_pick_free(s->pick);
    if (s->names)
        g_ptr_array_unref(s->names);
    if (s->deliveries)
        g_ptr_array_unref(s->deliveries);
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
    s->deliveries = s->articles ? pd_catalog_deliveries(cat, 0, id, 20, error) : NULL;
    s->pick = s->deliveries ? pd_catalog_get_pick(cat, id, error) : NULL;
    if (s->pick == NULL)
        return FALSE;
    GString *same = g_string_new(NULL);
    gboolean ok = pd_json_same_picture(same, cat, s->photo, error);
    s->same_picture = g_string_free(same, !ok);
    g_autoptr(PdDeskCodes) codes = ok ? pd_desk_codes(cat, error) : NULL;
    g_autoptr(PdDeskDayNames) day =
        codes ? pd_desk_day_names(cat, s->photo->ingested_at, error) : NULL;
    if (day)
        s->names = pd_desk_name_checks(codes, day, s->photo->id, &s->photo->text);
    return day != NULL;
}

static gboolean
load_shown(const char *library, gint64 id, Shown *s, GError **error)
{
    memset(s, 0, sizeof *s);
    g_autoptr(PdCatalog) cat = pd_desk_open_catalog(library, PD_CATALOG_READ_ONLY, error);
    if (cat == NULL || !load_from(cat, id, 0, s, error))
        return FALSE;
    s->store = pd_store_open(library, error);
    s->own_store = TRUE;
    return s->store != NULL;
}

char *
pd_desk_file_url(gint64 id, const char *name, const char *sha256)
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
            g_autofree char *thumb = pd_desk_file_url(urls_of, "thumb", v->picture);
            g_autofree char *preview = pd_desk_file_url(urls_of, "preview", v->picture);
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
pd_desk_wire_resent(GPtrArray *versions)
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
    const PdCatalogVersion *v = pd_desk_wire_resent(versions);
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
        g_autofree char *download =
            g_strdup_printf("/api/photos/%" G_GINT64_FORMAT "/download", p->id);
        pd_json_string(o, "download_url", download);
    } else {
        g_autofree char *original = pd_store_original_path(s->store, p->sha256, p->ext);
        pd_json_string(o, "original", original);
    }
    pd_json_string(o, "format", p->format);
    pd_json_key(o, "bytes");
    g_string_append_printf(o, "%" G_GINT64_FORMAT, p->bytes);
    pd_json_photo_text(o, &p->text);
    pd_json_string(o, "date_created_utc", p->date_created_utc);
    pd_json_string(o, "date_created_local", p->date_created_local);
    pd_json_int(o, "width", p->width, p->width > 0);
    pd_json_int(o, "height", p->height, p->height > 0);
    pd_json_int(o, "orientation", p->orientation, p->orientation > 0);
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
    pd_json_string(o, "made", pd_made_name(p->made));
    pd_json_provenance(o, &p->text, p->content_credentials);
    pd_json_pick(o, "pick", s->pick);
    pd_json_raw(o, "checks", p->checks, "[]");
    pd_json_checks(o, "name_checks", s->names);
    pd_json_deliveries(o, "deliveries", s->deliveries, s->photo->id);
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
            g_autofree char *url = pd_desk_file_url(p->id, r->name, r->sha256);
            pd_json_string(o, "url", url);
        } else {
            g_autofree char *path = pd_store_rendition_path(s->store, r->name, r->sha256);
            pd_json_string(o, "path", path);
        }
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    pd_json_key(o, NULL); /* the separator before "group", "same_picture"... */
    g_string_append(o, s->same_picture);
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
pd_desk_show_json(const char *library, gint64 id, GError **error)
{
    Shown s;
    char *json = load_shown(library, id, &s, error) ? photo_json(&s, FALSE) : NULL;
    shown_clear(&s);
    return json;
}

char *
pd_desk_photo_json(PdCatalog *catalog, gint64 id, GError **error)
{
    Shown s = {0};
    char *json = load_from(catalog, id, PD_PHOTO_VERSIONS, &s, error) ? photo_json(&s, TRUE) : NULL;
    shown_clear(&s);
    return json;
}

char *
pd_desk_history_json(PdCatalog *catalog, gint64 id, int before, int limit, GError **error)
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
pd_desk_conflict_json(PdCatalog *catalog, gint64 id, int seen, const char *message, GError **error)
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

/* The caption's checks (@checks: their JSON) and the names' (PdCheck *), a line each. */
static void
check_lines(GString *o, const char *checks, GPtrArray *names)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    if (checks && json_parser_load_from_data(parser, checks, -1, NULL) &&
        JSON_NODE_HOLDS_ARRAY(json_parser_get_root(parser))) {
        JsonArray *a = json_node_get_array(json_parser_get_root(parser));
        for (guint i = 0; i < json_array_get_length(a); i++) {
            JsonObject *c = json_array_get_object_element(a, i);
            if (c)
                line(o, "Check", json_object_get_string_member_with_default(c, "message", NULL));
        }
    }
    for (guint i = 0; names && i < names->len; i++)
        line(o, "Check", ((PdCheck *)g_ptr_array_index(names, i))->message);
}

char *
pd_desk_show_text(const char *library, gint64 id, GError **error)
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
    pd_provenance_append_text(o, &p->text, p->content_credentials);
    check_lines(o, p->checks, s.names);
    g_autofree char *pick = pd_desk_pick_text(s.pick);
    line(o, "Pick", pick);
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
    pd_text_deliveries(o, s.deliveries, p->id);
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

/* ---------------------------------------------------------------- picks */

void
pd_desk_append_pick_marks(GString *o, int rating, const char *label)
{
    for (int i = 0; i < rating; i++)
        g_string_append(o, "\xe2\x98\x85"); /* ★ */
    if (label)
        g_string_append_printf(o, "%s%s", rating ? " " : "", label);
}

void
pd_json_pick(GString *o, const char *key, const PdCatalogPick *pick)
{
    pd_json_open(o, key, '{');
    pd_json_int(o, "rating", pick->rating, TRUE);
    pd_json_string(o, "label", pick->label);
    pd_json_string(o, "by", pick->by_user);
    pd_json_string(o, "at", pick->at);
    g_string_append_c(o, '}');
}

char *
pd_desk_pick_text(const PdCatalogPick *pick)
{
    if (pick->rating == 0 && pick->label == NULL)
        return NULL;
    GString *t = g_string_new(NULL);
    pd_desk_append_pick_marks(t, pick->rating, pick->label);
    if (pick->by_user && *pick->by_user)
        g_string_append_printf(t, " (%s, %s)", pick->by_user, pick->at);
    return g_string_free(t, FALSE);
}

/* ---------------------------------------------------------------- the original, as the desk has it
 */

GBytes *
pd_desk_original(PdCatalog *catalog, const char *library, gint64 id, gboolean as_received,
                 gboolean *embedded, char **filename, GError **error)
{
    *embedded = FALSE;
    *filename = NULL;
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, id, error);
    g_autoptr(PdStore) store = p ? pd_store_open(library, error) : NULL;
    if (store == NULL)
        return NULL;
    g_autofree char *path = pd_store_original_path(store, p->sha256, p->ext);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, error)) {
        g_prefix_error(error, "photo %" G_GINT64_FORMAT "'s original (photodesk fsck): ", id);
        return NULL;
    }
    const char *f = p->format ? p->format : "";
    gboolean jpeg = strcmp(f, "jpeg") == 0;
    gboolean writable = jpeg || strcmp(f, "png") == 0 || strcmp(f, "webp") == 0 ||
                        strcmp(f, "tiff") == 0; /* HEIF/AVIF: as received */
    *filename =
        g_strdup_printf("photo-%" G_GINT64_FORMAT "%s.%s", id,
                        as_received || !writable ? "-as-received" : "", p->ext ? p->ext : "bin");
    if (as_received || !writable)
        return g_bytes_new_take(g_steal_pointer(&data), len);
    /* the caption fields as they are now: IIM (its Credit in a short form that fits) with
     * its digest, and XMP whole; the image data and the rest of the file untouched */
    g_autofree char *fits = pd_credit_fit(p->text.credit, PD_CREDIT_IIM_MAX);
    PdPhotoText in_iim = p->text;
    in_iim.credit = fits;
    g_autoptr(GBytes) iim = pd_ingest_encode_iim(&in_iim);
    g_autoptr(GBytes) irb = pd_ingest_encode_irb(iim);
    g_autofree char *xmp = pd_ingest_encode_xmp(&p->text, p->has_gps, p->gps_lat, p->gps_lon);
    const guint8 *bytes = (const guint8 *)data;
    GBytes *out = jpeg ? pd_thumbs_embed_original(bytes, len, xmp, strlen(xmp), irb, error)
                  : strcmp(f, "png") == 0 ? pd_thumbs_embed_png(bytes, len, xmp, strlen(xmp), error)
                  : strcmp(f, "webp") == 0
                      ? pd_thumbs_embed_webp(bytes, len, xmp, strlen(xmp), error)
                      : pd_thumbs_embed_tiff(bytes, len, xmp, strlen(xmp), iim, irb, error);
    if (out == NULL)
        g_prefix_error(error, "photo %" G_GINT64_FORMAT ": %s: ", id, path);
    *embedded = out != NULL;
    return out;
}
