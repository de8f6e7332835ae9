/* articles.c: articles as the web UI and the command line show them, and their
 * delivery: a zip of the placed photos with the metadata of their use embedded. */
#include "caption/caption.h"
#include "desk/desk-private.h"
#include "ingest/ingest.h"

#include "assets/assets.h"
#include "thumbs/thumbs.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <zip.h>

/* ---------------------------------------------------------------- what the wire restricts */

typedef struct {
    gboolean kill, editorial_only, mandatory_credit, embargoed;
    char *mandatory_credit_text; /* or NULL */
    const char *embargo_until;   /* the photo's */
} Rules;

static void
rules_read(const PdCatalogPhoto *p, Rules *r)
{
    memset(r, 0, sizeof *r);
    r->kill = p->kill;
    r->editorial_only = p->editorial_only;
    r->embargo_until = p->embargo_until;
    if (p->embargo_until) {
        g_autoptr(GDateTime) until = g_date_time_new_from_iso8601(p->embargo_until, NULL);
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        r->embargoed = until == NULL || g_date_time_compare(now, until) < 0;
    }
    r->mandatory_credit = p->mandatory_credit;
    r->mandatory_credit_text = g_strdup(p->mandatory_credit_text);
}

static void
rules_clear(Rules *r)
{
    g_free(r->mandatory_credit_text);
}

static void
rules_json(GString *o, const Rules *r)
{
    pd_json_bool(o, "kill", r->kill);
    pd_json_bool(o, "editorial_only", r->editorial_only);
    pd_json_bool(o, "mandatory_credit", r->mandatory_credit);
    pd_json_string(o, "mandatory_credit_text", r->mandatory_credit_text);
    pd_json_string(o, "embargo_until", r->embargo_until);
    pd_json_bool(o, "embargoed", r->embargoed);
}

/* ---------------------------------------------------------------- output: crops, profiles */

static const char *const aspects[] = {"free", "3:2", "16:9", "1:1", "4:5", NULL};

const char *const *
pd_desk_crop_aspects(void)
{
    return aspects;
}

/* The photo's upright size. */
static void
upright_size(const PdCatalogPhoto *p, int *w, int *h)
{
    gboolean turned = p->orientation >= 5 && p->orientation <= 8;
    *w = turned ? p->height : p->width;
    *h = turned ? p->width : p->height;
}

/* "x,y,w,h" read into @c; FALSE when it is not four fractions of a picture. */
static gboolean
crop_read(const char *text, double c[4])
{
    if (text == NULL)
        return FALSE;
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    if (g_strv_length(parts) != 4)
        return FALSE;
    for (int i = 0; i < 4; i++) {
        char *end = NULL;
        c[i] = g_ascii_strtod(g_strstrip(parts[i]), &end);
        if (end == parts[i] || *end || !(c[i] >= 0 && c[i] <= 1))
            return FALSE;
    }
    return c[2] > 0 && c[3] > 0 && c[0] + c[2] <= 1.0001 && c[1] + c[3] <= 1.0001;
}

/* What a placement delivers. */
typedef struct {
    const PdDeskProfile *profile;
    gboolean cropped;
    double crop[4];
    int width, height; /* of the file delivered */
    char *warning;     /* a crop smaller than the profile asks, or NULL */
} Output;

static void
output_of(const PdCatalogPhoto *p, const PdCatalogPlacement *pl, GPtrArray *profiles,
          const char *package_profile, Output *o)
{
    memset(o, 0, sizeof *o);
    o->profile = pd_desk_profile_named(profiles, pl->profile);
    if (o->profile == NULL)
        o->profile = pd_desk_profile_named(profiles, package_profile);
    if (o->profile == NULL)
        o->profile = g_ptr_array_index(profiles, 0); /* web */
    o->cropped = crop_read(pl->crop, o->crop);
    int W, H;
    upright_size(p, &W, &H);
    double cw = o->cropped ? o->crop[2] * W : W, ch = o->cropped ? o->crop[3] * H : H;
    double longest = MAX(cw, ch), scale = 1;
    if (o->profile->long_edge > 0 && longest > o->profile->long_edge)
        scale = o->profile->long_edge / longest;
    o->width = (int)lround(cw * scale);
    o->height = (int)lround(ch * scale);
    if (pl->profile && pd_desk_profile_named(profiles, pl->profile) == NULL)
        o->warning = g_strdup_printf("the profile %s is no longer the desk's: it goes as %s",
                                     pl->profile, o->profile->name);
    else if (o->cropped && o->profile->long_edge > 0 && longest < o->profile->long_edge)
        o->warning = g_strdup_printf("the crop is %.0f px on its long edge, smaller than the %d px "
                                     "the %s profile asks: it goes at its own size",
                                     longest, o->profile->long_edge, o->profile->name);
}

static void
output_json(GString *o, const Output *out, const PdCatalogPlacement *pl)
{
    pd_json_key(o, "output");
    g_string_append_c(o, '{');
    pd_json_string(o, "profile", out->profile->name);
    pd_json_int(o, "long_edge", out->profile->long_edge, TRUE);
    pd_json_int(o, "quality", out->profile->quality, TRUE);
    pd_json_int(o, "width", out->width, TRUE);
    pd_json_int(o, "height", out->height, TRUE);
    pd_json_string(o, "crop", out->cropped ? pl->crop : NULL);
    pd_json_string(o, "crop_aspect", pl->crop_aspect);
    pd_json_string(o, "profile_set", pl->profile); /* the placement's own, or null */
    pd_json_string(o, "warning", out->warning);
    g_string_append_c(o, '}');
}

gboolean
pd_desk_set_output(PdCatalog *catalog, gint64 article_id, gint64 photo_id, const char *crop,
                   const char *aspect, const char *profile, int expected_version, GError **error)
{
    g_autoptr(PdCatalogPlacement) pl =
        pd_catalog_get_placement(catalog, article_id, photo_id, error);
    g_autoptr(PdCatalogPhoto) p = pl ? pd_catalog_get_photo(catalog, photo_id, error) : NULL;
    if (p == NULL)
        return FALSE;
    const char *new_crop = crop ? (*crop ? crop : NULL) : pl->crop;
    const char *new_aspect = aspect ? (*aspect ? aspect : NULL) : pl->crop_aspect;
    const char *new_profile = profile ? (*profile ? profile : NULL) : pl->profile;
    g_autoptr(GPtrArray) profiles = pd_desk_profiles(catalog, error);
    if (profiles == NULL || (profile && !pd_desk_check_profile(profiles, new_profile, error)))
        return FALSE;
    const PdDeskProfile *chosen = pd_desk_profile_named(profiles, new_profile);
    if (chosen)
        new_profile = chosen->name; /* as the desk spells it */
    gboolean known = new_aspect == NULL;
    for (int i = 0; !known && aspects[i]; i++)
        known = strcmp(aspects[i], new_aspect) == 0;
    if (!known) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "crop_aspect: \"%s\" is not one of free, 3:2, 16:9, 1:1, 4:5", new_aspect);
        return FALSE;
    }
    double c[4];
    g_autofree char *canonical = NULL;
    if (new_crop) {
        if (!crop_read(new_crop, c)) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "crop: \"%s\" is not x,y,w,h inside the picture (fractions from 0 to 1)",
                        new_crop);
            return FALSE;
        }
        int W, H;
        upright_size(p, &W, &H);
        if (new_aspect && strcmp(new_aspect, "free") != 0 && W > 0 && H > 0) {
            int a = 0, b = 0;
            sscanf(new_aspect, "%d:%d", &a, &b);
            double want = (double)a / b, have = (c[2] * W) / (c[3] * H);
            if (fabs(have - want) / want > 0.01) {
                g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                            "crop: %.0f x %.0f px is not %s", c[2] * W, c[3] * H, new_aspect);
                return FALSE;
            }
        }
        char v[4][G_ASCII_DTOSTR_BUF_SIZE];
        for (int i = 0; i < 4; i++)
            g_ascii_formatd(v[i], sizeof v[i], "%.4f", c[i]);
        canonical = g_strdup_printf("%s,%s,%s,%s", v[0], v[1], v[2], v[3]);
    }
    return pd_catalog_set_placement_output(catalog, article_id, photo_id, canonical,
                                           canonical ? new_aspect : NULL, new_profile,
                                           expected_version, error);
}

/* ---------------------------------------------------------------- JSON */

static void
article_members(GString *o, const PdCatalogArticle *a)
{
    g_string_append_printf(o, "\"id\": %" G_GINT64_FORMAT, a->id);
    pd_json_string(o, "slug", a->slug);
    pd_json_string(o, "headline", a->headline);
    pd_json_string(o, "status", a->status);
    pd_json_string(o, "created_by", a->created_by);
    pd_json_string(o, "created_at", a->created_at);
    pd_json_string(o, "updated_at", a->updated_at);
    pd_json_int(o, "photos", a->photos, TRUE);
    pd_json_int(o, "killed", a->killed, TRUE);
    pd_json_int(o, "notices", a->notices, TRUE);
    pd_json_int(o, "version", a->version, TRUE);
}

static void
articles_array(GString *o, GPtrArray *articles)
{
    g_string_append_c(o, '[');
    for (guint i = 0; i < articles->len; i++) {
        g_string_append(o, i ? ", {" : "{");
        article_members(o, g_ptr_array_index(articles, i));
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

char *
pd_desk_articles_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(GPtrArray) all = pd_catalog_list_articles(catalog, error);
    if (all == NULL)
        return NULL;
    GString *o = g_string_new("{");
    pd_json_key(o, "articles");
    articles_array(o, all);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

/* The URL of photo @p's rendition @name, or NULL when it has none. */
static char *
rendition_url(GPtrArray *renditions, const PdCatalogPhoto *p, const char *name)
{
    for (guint i = 0; renditions && i < renditions->len; i++) {
        const PdCatalogRendition *r = g_ptr_array_index(renditions, i);
        if (strcmp(r->name, name) == 0)
            return pd_desk_file_url(p->id, name, r->sha256);
    }
    return NULL;
}

/* The versions in @all (oldest first) after @seen, or NULL when there are none. */
static GPtrArray *
versions_since(GPtrArray *all, int seen)
{
    GPtrArray *since = NULL;
    for (guint i = 0; i < all->len; i++) {
        PdCatalogVersion *v = g_ptr_array_index(all, i);
        if (v->version <= seen)
            continue;
        if (since == NULL)
            since = g_ptr_array_new();
        g_ptr_array_add(since, v);
    }
    return since;
}

static gboolean
placement_json(PdCatalog *catalog, GString *o, const PdCatalogPlacement *pl, GPtrArray *profiles,
               GError **error)
{
    g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, pl->photo_id, error);
    if (p == NULL)
        return FALSE;
    g_autoptr(GPtrArray) renditions = pd_catalog_get_renditions(catalog, p->id, error);
    if (renditions == NULL)
        return FALSE;
    g_autoptr(GPtrArray) all_versions = pd_catalog_get_versions(catalog, p->id, error);
    if (all_versions == NULL)
        return FALSE;
    g_autoptr(GPtrArray) since = versions_since(all_versions, pl->seen_version);
    g_string_append_printf(o, "{\"photo_id\": %" G_GINT64_FORMAT, pl->photo_id);
    pd_json_int(o, "version", pl->version, TRUE);
    pd_json_int(o, "position", pl->position, TRUE);
    pd_json_string(o, "role", pl->role);
    pd_json_string(o, "caption", pl->caption);
    pd_json_string(o, "credit_line", pl->credit_line);
    /* what IIM's 32-byte Credit will hold, and what the files' instructions will say */
    g_autofree char *fits = pd_credit_fit(pl->credit_line, PD_CREDIT_IIM_MAX);
    pd_json_string(o, "credit_iim", fits);
    pd_json_bool(o, "credit_shortened", g_strcmp0(fits, pl->credit_line) != 0);
    g_autofree char *instructions = pd_desk_delivered_instructions(p, NULL, NULL);
    pd_json_string(o, "delivered_instructions", instructions);
    Output out;
    output_of(p, pl, profiles, NULL, &out);
    output_json(o, &out, pl);
    g_free(out.warning);
    pd_json_string(o, "placed_by", pl->placed_by);
    pd_json_string(o, "placed_at", pl->placed_at);
    /* the editor placed it knowing how it was made: by placed_by, at placed_at */
    pd_json_string(o, "made_confirmed", pd_made_name(pl->made_confirmed));
    pd_json_string(o, "made", pd_made_name(p->made));
    Rules r;
    rules_read(p, &r);
    rules_json(o, &r);
    rules_clear(&r);
    pd_json_key(o, "photo");
    g_string_append_printf(o, "{\"id\": %" G_GINT64_FORMAT, p->id);
    pd_json_string(o, "sha256", p->sha256);
    pd_json_photo_text_having(o, &p->text, PD_FIELD_SUMMARY);
    pd_json_string(o, "caption_body", p->caption_body);
    pd_json_string(o, "credit_line", p->credit_line);
    pd_json_int(o, "width", p->width, p->width > 0);
    pd_json_int(o, "height", p->height, p->height > 0);
    pd_json_int(o, "version", p->version, TRUE);
    g_autofree char *thumb = rendition_url(renditions, p, "thumb");
    g_autofree char *preview = rendition_url(renditions, p, "preview");
    pd_json_string(o, "thumb", thumb);
    pd_json_string(o, "preview", preview);
    g_string_append_c(o, '}');
    /* A re-send with another picture: the one placed and the one there is now, side by
     * side, and no package until an editor has seen them. */
    gboolean picture_changed = g_strcmp0(pl->picture, p->picture) != 0;
    pd_json_bool(o, "picture_changed", picture_changed);
    pd_json_key(o, "placed_picture");
    if (picture_changed && pl->picture) {
        g_autofree char *was_thumb = pd_desk_file_url(p->id, "thumb", pl->picture);
        g_autofree char *was_preview = pd_desk_file_url(p->id, "preview", pl->picture);
        g_string_append_c(o, '{');
        pd_json_string(o, "thumb", was_thumb);
        pd_json_string(o, "preview", was_preview);
        g_string_append_c(o, '}');
    } else {
        g_string_append(o, "null");
    }
    pd_json_key(o, "wire_resent");
    pd_json_wire_resent(o, all_versions);
    pd_json_key(o, "notice");
    if (since) {
        g_string_append_c(o, '{');
        pd_json_int(o, "seen_version", pl->seen_version, TRUE);
        pd_json_int(o, "version", p->version, TRUE);
        pd_json_key(o, "versions");
        pd_json_versions(o, since, TRUE, p->id);
        g_string_append_c(o, '}');
    } else {
        g_string_append(o, "null");
    }
    g_string_append_c(o, '}');
    return TRUE;
}

void
pd_json_deliveries(GString *o, const char *key, GPtrArray *deliveries, gint64 photo_id)
{
    pd_json_key(o, key);
    g_string_append_c(o, '[');
    for (guint i = 0; i < deliveries->len; i++) {
        const PdCatalogDelivery *d = g_ptr_array_index(deliveries, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_int64(o, "id", d->id);
        pd_json_int64(o, "article_id", d->article_id);
        pd_json_string(o, "slug", d->slug);
        pd_json_string(o, "at", d->at);
        pd_json_string(o, "by", d->by_user);
        pd_json_string(o, "target", d->target);
        pd_json_string(o, "location", d->location);
        pd_json_string(o, "failed", d->failed);
        pd_json_bool(o, "under_embargo", d->under_embargo);
        pd_json_key(o, "attempts");
        g_string_append_c(o, '[');
        for (guint k = 0; d->attempts && k < d->attempts->len; k++) {
            const PdCatalogAttempt *a = g_ptr_array_index(d->attempts, k);
            g_string_append(o, k ? ", {" : "{");
            pd_json_string(o, "at", a->at);
            pd_json_bool(o, "ok", a->ok);
            pd_json_string(o, "answer", a->answer);
            pd_json_key(o, "seconds");
            g_string_append_printf(o, "%.3f", a->seconds);
            g_string_append_c(o, '}');
        }
        g_string_append_c(o, ']');
        pd_json_key(o, "photos");
        g_string_append_c(o, '[');
        gboolean first = TRUE;
        for (guint k = 0; d->photos && k < d->photos->len; k++) {
            const PdCatalogDelivered *p = g_ptr_array_index(d->photos, k);
            if (photo_id && p->photo_id != photo_id)
                continue;
            g_string_append(o, first ? "{" : ", {");
            first = FALSE;
            pd_json_int64(o, "photo_id", p->photo_id);
            pd_json_int(o, "version", p->version, TRUE);
            pd_json_string(o, "embargo_until", p->embargo_until);
            g_string_append_c(o, '}');
        }
        g_string_append(o, "]}");
    }
    g_string_append_c(o, ']');
}

void
pd_text_deliveries(GString *o, GPtrArray *deliveries, gint64 photo_id)
{
    for (guint i = 0; i < deliveries->len; i++) {
        const PdCatalogDelivery *d = g_ptr_array_index(deliveries, i);
        int version = 0;
        for (guint k = 0; photo_id && d->photos && k < d->photos->len; k++)
            if (((PdCatalogDelivered *)g_ptr_array_index(d->photos, k))->photo_id == photo_id)
                version = ((PdCatalogDelivered *)g_ptr_array_index(d->photos, k))->version;
        g_autofree char *v = version ? g_strdup_printf(" (version %d)", version) : g_strdup("");
        g_autofree char *where = d->location ? g_strdup_printf(" (%s)", d->location) : g_strdup("");
        g_autofree char *what = g_strdup_printf(
            "%s by %s: article %" G_GINT64_FORMAT " (%s), %s%s%s%s", d->at, d->by_user,
            d->article_id, d->slug, d->target, where, v, d->under_embargo ? ", UNDER EMBARGO" : "");
        int width = photo_id ? 22 : 14;
        pd_text_append_field(o, width, d->failed ? "Not delivered" : "Delivered", what);
        if (d->failed)
            pd_text_append_field(o, width, "", d->failed);
        for (guint k = 0; !photo_id && d->attempts && k < d->attempts->len; k++) {
            const PdCatalogAttempt *a = g_ptr_array_index(d->attempts, k);
            g_autofree char *line =
                g_strdup_printf("%u. %s, %.2f s: %s", k + 1, a->at, a->seconds, a->answer);
            pd_text_append_field(o, width, "", line);
        }
    }
}

char *
pd_desk_article_json(PdCatalog *catalog, gint64 id, GError **error)
{
    g_autoptr(PdCatalogArticle) a = pd_catalog_get_article(catalog, id, error);
    g_autoptr(GPtrArray) placements = a ? pd_catalog_get_placements(catalog, id, error) : NULL;
    if (placements == NULL)
        return NULL;
    g_autoptr(GPtrArray) deliveries = pd_catalog_deliveries(catalog, id, 0, 20, error);
    g_autoptr(GPtrArray) profiles = deliveries ? pd_desk_profiles(catalog, error) : NULL;
    if (profiles == NULL)
        return NULL;
    GString *o = g_string_new("{");
    article_members(o, a);
    pd_json_key(o, "placements");
    g_string_append_c(o, '[');
    for (guint i = 0; i < placements->len; i++) {
        if (i)
            g_string_append(o, ", ");
        if (!placement_json(catalog, o, g_ptr_array_index(placements, i), profiles, error)) {
            g_string_free(o, TRUE);
            return NULL;
        }
    }
    g_string_append_c(o, ']');
    pd_json_deliveries(o, "deliveries", deliveries, 0);
    g_string_append_c(o, '}');
    return g_string_free(o, FALSE);
}

static void
line(GString *o, const char *label, const char *value)
{
    pd_text_append_field(o, 14, label, value);
}

char *
pd_desk_article_text(PdCatalog *catalog, gint64 id, GError **error)
{
    g_autoptr(PdCatalogArticle) a = pd_catalog_get_article(catalog, id, error);
    g_autoptr(GPtrArray) placements = a ? pd_catalog_get_placements(catalog, id, error) : NULL;
    if (placements == NULL)
        return NULL;
    GString *o = g_string_new(NULL);
    g_string_append_printf(o, "article %" G_GINT64_FORMAT ": %s (%s)\n", a->id, a->slug, a->status);
    line(o, "Headline", a->headline);
    g_autofree char *created = g_strdup_printf("%s by %s", a->created_at, a->created_by);
    line(o, "Created", created);
    line(o, "Changed", a->updated_at);
    if (placements->len == 0)
        g_string_append(o, "  no photos yet\n");
    for (guint i = 0; i < placements->len; i++) {
        const PdCatalogPlacement *pl = g_ptr_array_index(placements, i);
        g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, pl->photo_id, error);
        if (p == NULL) {
            g_string_free(o, TRUE);
            return NULL;
        }
        g_string_append_printf(o, "\n%d. photo %" G_GINT64_FORMAT ", %s\n", pl->position,
                               pl->photo_id, pl->role);
        line(o, "Caption", pl->caption);
        line(o, "Credit line", pl->credit_line);
        line(o, "By-line", p->byline);
        g_autofree char *placed = g_strdup_printf("%s by %s", pl->placed_at, pl->placed_by);
        line(o, "Placed", placed);
        if (pl->made_confirmed) {
            g_autofree char *knowingly = g_strdup_printf(
                "%s, confirmed as the story by %s",
                (pl->made_confirmed & PD_MADE_AI) ? "created using generative AI"
                                                  : "a composite or edited using generative AI",
                pl->placed_by);
            line(o, "Made", knowingly);
        }
        Rules r;
        rules_read(p, &r);
        if (r.kill)
            line(o, "RESTRICTION", "KILL: the agency has withdrawn this picture; remove it");
        if (r.embargoed) {
            g_autofree char *e = g_strdup_printf("EMBARGOED until %s", r.embargo_until);
            line(o, "RESTRICTION", e);
        }
        if (r.editorial_only)
            line(o, "RESTRICTION", "EDITORIAL USE ONLY");
        if (r.mandatory_credit) {
            g_autofree char *m =
                g_strdup_printf("MANDATORY CREDIT%s%s", r.mandatory_credit_text ? ": " : "",
                                r.mandatory_credit_text ? r.mandatory_credit_text : "");
            line(o, "RESTRICTION", m);
        }
        rules_clear(&r);
        if (g_strcmp0(pl->picture, p->picture) != 0)
            line(o, "NOTICE",
                 "the wire re-sent this photo with another picture since it was placed: "
                 "acknowledge it (photodesk article ack) before delivering");
        if (p->version > pl->seen_version) {
            g_autofree char *n = g_strdup_printf(
                "the photo has changed since it was placed (version %d, now %d): see it with "
                "photodesk show %" G_GINT64_FORMAT,
                pl->seen_version, p->version, p->id);
            line(o, "NOTICE", n);
        }
        g_autofree char *fits = pd_credit_fit(pl->credit_line, PD_CREDIT_IIM_MAX);
        if (g_strcmp0(fits, pl->credit_line) != 0) {
            g_autofree char *iim = g_strdup_printf("%s (IIM's 32 bytes; XMP has it whole)", fits);
            line(o, "Credit in IIM", iim);
        }
    }
    g_autoptr(GPtrArray) deliveries = pd_catalog_deliveries(catalog, id, 0, 20, error);
    if (deliveries == NULL) {
        g_string_free(o, TRUE);
        return NULL;
    }
    if (deliveries->len)
        g_string_append_c(o, '\n');
    pd_text_deliveries(o, deliveries, 0);
    return g_string_free(o, FALSE);
}

/* ---------------------------------------------------------------- the package */

char *
pd_desk_safe_name(const char *slug)
{
    GString *s = g_string_new(NULL);
    for (const char *p = slug; *p && s->len < 60; p++)
        g_string_append_c(s, g_ascii_isalnum(*p) || *p == '-' || *p == '_' ? *p : '-');
    if (s->len == 0)
        g_string_append(s, "article");
    return g_string_free(s, FALSE);
}

typedef struct {
    PdCatalogPlacement *placement;
    PdCatalogPhoto *photo;
    char *file;         /* its name in the zip */
    GBytes *jpeg;       /* with its metadata */
    gboolean embargoed; /* its embargo has not passed */
    char *profile;      /* what it was made as */
    char *crop;         /* the crop it was made from, or NULL */
    int width, height;
} Packed;

static void
packed_free(gpointer data)
{
    Packed *k = data;
    pd_catalog_photo_free(k->photo);
    g_free(k->file);
    g_free(k->crop);
    g_free(k->profile);
    if (k->jpeg)
        g_bytes_unref(k->jpeg);
    g_free(k);
}

/* Whether @text says @what already, whatever the case. */
static gboolean
says(const char *text, const char *what)
{
    if (text == NULL)
        return FALSE;
    g_autofree char *t = g_utf8_casefold(text, -1);
    g_autofree char *w = g_utf8_casefold(what, -1);
    return strstr(t, w) != NULL;
}

char *
pd_desk_delivered_instructions(const PdCatalogPhoto *p, const char *under_embargo_by,
                               const char *at)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
    const char *own = p->special_instructions;
    if (own && *own)
        g_ptr_array_add(parts, g_strdup(own));
    if (p->editorial_only && !says(own, "editorial use only") && !says(own, "editorial only"))
        g_ptr_array_add(parts, g_strdup("EDITORIAL USE ONLY"));
    if (p->mandatory_credit && !says(own, "mandatory credit"))
        g_ptr_array_add(parts, p->mandatory_credit_text ? g_strdup_printf("MANDATORY CREDIT: %s",
                                                                          p->mandatory_credit_text)
                                                        : g_strdup("MANDATORY CREDIT"));
    if (p->embargo_until && !says(own, "embargo"))
        g_ptr_array_add(parts, g_strdup_printf("EMBARGOED UNTIL %s", p->embargo_until));
    if (p->embargo_until && under_embargo_by)
        g_ptr_array_add(parts, g_strdup_printf("DELIVERED UNDER EMBARGO by %s at %s: not for "
                                               "publication before %s",
                                               under_embargo_by, at, p->embargo_until));
    if (parts->len == 0)
        return NULL;
    g_ptr_array_add(parts, NULL);
    return g_strjoinv(" - ", (char **)parts->pdata);
}

/* The placed photo's web rendition with the metadata of this use. */
static gboolean
pack(PdCatalog *catalog, PdStore *store, Packed *k, GPtrArray *profiles,
     const PdPackageOptions *options, const char *at, GError **error)
{
    gboolean gps = options->gps;
    const PdCatalogPhoto *p = k->photo;
    Output out;
    output_of(p, k->placement, profiles, options->profile, &out);
    g_free(out.warning);
    k->profile = g_strdup(out.profile->name);
    g_autofree char *path = NULL;
    g_autoptr(GBytes) image = NULL; /* the JPEG the metadata goes into */
    if (!out.cropped && out.profile->stored) {
        /* the web rendition as it is: no decoding */
        g_autofree char *sha = NULL, *ext = NULL, *format = NULL;
        if (!pd_catalog_get_file(catalog, p->id, "web", NULL, &sha, &ext, &format, error)) {
            g_prefix_error(error,
                           "photo %" G_GINT64_FORMAT " has no web rendition (photodesk fsck "
                           "--repair makes it again): ",
                           p->id);
            return FALSE;
        }
        path = pd_store_rendition_path(store, "web", sha);
        char *data = NULL;
        gsize len = 0;
        if (!g_file_get_contents(path, &data, &len, error))
            return FALSE;
        image = g_bytes_new_take(data, len);
        k->width = out.width;
        k->height = out.height;
        g_autoptr(GPtrArray) renditions = pd_catalog_get_renditions(catalog, p->id, NULL);
        for (guint i = 0; renditions && i < renditions->len; i++) {
            const PdCatalogRendition *r = g_ptr_array_index(renditions, i);
            if (strcmp(r->name, "web") == 0) {
                k->width = r->width;
                k->height = r->height;
            }
        }
    } else {
        /* from the original: one decode, cropped and sized to the profile */
        path = pd_store_original_path(store, p->sha256, p->ext);
        g_autofree char *original = NULL;
        gsize original_len = 0;
        if (!g_file_get_contents(path, &original, &original_len, error))
            return FALSE;
        PdDeliverSpec spec = {0, 0, 0, 0, out.profile->long_edge, out.profile->quality};
        if (out.cropped) {
            spec.x = out.crop[0];
            spec.y = out.crop[1];
            spec.w = out.crop[2];
            spec.h = out.crop[3];
        }
        image = pd_thumbs_deliver(original, original_len, &spec, &k->width, &k->height, error);
        if (image == NULL) {
            g_prefix_error(error, "photo %" G_GINT64_FORMAT ": %s: ", p->id, path);
            return FALSE;
        }
        k->crop = out.cropped ? g_strdup(k->placement->crop) : NULL;
    }
    /* This use's caption and credit line, and of the photo's own fields only those that
     * travel with it (borrowed: nothing here is freed): how the picture was made goes
     * with it to the reader, the prompt (the agency's working text) does not */
    g_autofree char *instructions = pd_desk_delivered_instructions(
        p, k->embargoed && options->under_embargo ? options->user : NULL, at);
    PdPhotoText t = {
        .caption = k->placement->caption,
        .credit = k->placement->credit_line,
        .special_instructions = instructions,
        .byline = p->byline,
        .source = p->source,
        .copyright = p->copyright,
        .date_created = p->date_created,
        .city = p->city,
        .country = p->country,
        .digital_source_type = p->digital_source_type,
        .data_mining = p->data_mining,
        .ai_system = p->ai_system,
        .ai_system_version = p->ai_system_version,
    };
    /* IIM's Credit holds 32 bytes: a short form that fits (never a cut word); XMP the
     * whole line */
    g_autofree char *fits = pd_credit_fit(k->placement->credit_line, PD_CREDIT_IIM_MAX);
    PdPhotoText in_iim = t;
    in_iim.credit = fits;
    g_autoptr(GBytes) iim = pd_ingest_encode_iim(&in_iim);
    g_autoptr(GBytes) irb = pd_ingest_encode_irb(iim);
    g_autofree char *xmp = pd_ingest_encode_xmp(&t, gps && p->has_gps, p->gps_lat, p->gps_lon);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(image, &len);
    k->jpeg = pd_thumbs_embed_jpeg(data, len, xmp, strlen(xmp), irb, error);
    if (k->jpeg == NULL)
        g_prefix_error(error, "photo %" G_GINT64_FORMAT ": %s: ", p->id, path);
    return k->jpeg != NULL;
}

static char *
manifest(const PdCatalogArticle *a, GPtrArray *packed)
{
    GString *o = g_string_new("{");
    pd_json_key(o, "article");
    g_string_append_c(o, '{');
    article_members(o, a);
    g_string_append_c(o, '}');
    g_autoptr(GDateTime) t = g_date_time_new_now_utc();
    g_autofree char *now = g_date_time_format_iso8601(t);
    pd_json_string(o, "packaged_at", now);
    pd_json_key(o, "photos");
    g_string_append_c(o, '[');
    for (guint i = 0; i < packed->len; i++) {
        const Packed *k = g_ptr_array_index(packed, i);
        const PdCatalogPhoto *p = k->photo;
        g_string_append(o, i ? ", {" : "{");
        pd_json_string(o, "file", k->file);
        pd_json_int(o, "position", k->placement->position, TRUE);
        pd_json_string(o, "role", k->placement->role);
        g_string_append_printf(o, ", \"photo_id\": %" G_GINT64_FORMAT, p->id);
        pd_json_string(o, "sha256", p->sha256);
        /* the photo's summary with this use's caption (borrowed: nothing is freed) */
        PdPhotoText used = p->text;
        used.caption = k->placement->caption;
        pd_json_photo_text_having(o, &used, PD_FIELD_SUMMARY);
        pd_json_string(o, "credit_line", k->placement->credit_line);
        pd_json_string(o, "profile", k->profile);
        pd_json_int(o, "width", k->width, TRUE);
        pd_json_int(o, "height", k->height, TRUE);
        pd_json_string(o, "crop", k->crop);
        Rules r;
        rules_read(p, &r);
        rules_json(o, &r);
        rules_clear(&r);
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}\n");
    return g_string_free(o, FALSE);
}

void
pd_desk_file_free(PdDeskFile *f)
{
    if (f == NULL)
        return;
    g_free(f->name);
    if (f->data)
        g_bytes_unref(f->data);
    g_free(f);
}

static gboolean
zip_failed(zip_t *z, const char *zip_path, GError **error)
{
    g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_NO_LIBRARY, "%s: %s", zip_path,
                zip_strerror(z));
    return FALSE;
}

gboolean
pd_desk_write_zip(const char *zip_path, GPtrArray *files, GError **error)
{
    int code = 0;
    zip_t *z = zip_open(zip_path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (z == NULL) {
        zip_error_t e;
        zip_error_init_with_code(&e, code);
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_NO_LIBRARY, "%s: %s", zip_path,
                    zip_error_strerror(&e));
        zip_error_fini(&e);
        return FALSE;
    }
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < files->len; i++) {
        const PdDeskFile *f = g_ptr_array_index(files, i);
        gsize n;
        const void *data = g_bytes_get_data(f->data, &n);
        zip_source_t *src = zip_source_buffer(z, data, n, 0);
        zip_int64_t at = src ? zip_file_add(z, f->name, src, ZIP_FL_ENC_UTF_8) : -1;
        if (at < 0) {
            if (src)
                zip_source_free(src);
            ok = zip_failed(z, zip_path, error);
        } else if (strcmp(f->type, "image/jpeg") == 0) {
            /* JPEG does not deflate: stored */
            zip_set_file_compression(z, (zip_uint64_t)at, ZIP_CM_STORE, 0);
        }
    }
    /* libzip writes a temporary file beside @zip_path and renames it when whole */
    if (ok && zip_close(z) != 0)
        ok = zip_failed(z, zip_path, error);
    if (!ok)
        zip_discard(z);
    return ok;
}

/* Records delivery @d of @packed (its photos and their versions are filled in here), in a
 * transaction of its own. */
static gboolean
record(PdCatalog *catalog, PdCatalogDelivery *d, GPtrArray *packed, const PdPackageOptions *options,
       GError **error)
{
    d->by_user = g_strdup(options->user ? options->user : g_get_user_name());
    d->photos = g_ptr_array_new_with_free_func((GDestroyNotify)pd_catalog_delivered_free);
    for (guint i = 0; i < packed->len; i++) {
        const Packed *k = g_ptr_array_index(packed, i);
        PdCatalogDelivered *one = g_new0(PdCatalogDelivered, 1);
        one->photo_id = k->photo->id;
        one->version = k->photo->version;
        one->embargo_until = k->embargoed ? g_strdup(k->photo->embargo_until) : NULL;
        d->under_embargo |= k->embargoed;
        g_ptr_array_add(d->photos, one);
    }
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, pd_catalog_add_delivery(catalog, d, error), error);
}

/* Article @id's package made in memory: the photos (Packed *) and the files to deliver
 * (PdDeskFile *: the photos in order, then article.json); *@base: the name for it. */
static gboolean
make_package(PdCatalog *catalog, const char *library, gint64 id, const PdPackageOptions *options,
             GPtrArray **packed_out, GPtrArray **files_out, char **base_out, GError **error)
{
    g_autoptr(PdCatalogArticle) a = pd_catalog_get_article(catalog, id, error);
    g_autoptr(GPtrArray) placements = a ? pd_catalog_get_placements(catalog, id, error) : NULL;
    g_autoptr(GPtrArray) profiles = placements ? pd_desk_profiles(catalog, error) : NULL;
    if (profiles == NULL || !pd_desk_check_profile(profiles, options->profile, error))
        return FALSE;
    if (placements->len == 0)
        return pd_desk_fail(error, PD_DESK_ERROR_REFUSED,
                            "article %" G_GINT64_FORMAT " (%s) has no photos to deliver", id,
                            a->slug);
    g_autoptr(PdStore) store = pd_store_open(library, error);
    if (store == NULL)
        return FALSE;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *base = pd_desk_safe_name(a->slug);
    g_autoptr(GPtrArray) packed = g_ptr_array_new_with_free_func(packed_free);
    for (guint i = 0; i < placements->len; i++) {
        Packed *k = g_new0(Packed, 1);
        k->placement = g_ptr_array_index(placements, i);
        g_ptr_array_add(packed, k);
        k->photo = pd_catalog_get_photo(catalog, k->placement->photo_id, error);
        if (k->photo == NULL)
            return FALSE;
        if (k->photo->kill)
            return pd_desk_fail(error, PD_DESK_ERROR_REFUSED,
                                "photo %" G_GINT64_FORMAT
                                " is killed: the agency has withdrawn it; "
                                "remove it from the article before delivering",
                                k->photo->id);
        if (g_strcmp0(k->placement->picture, k->photo->picture) != 0)
            return pd_desk_fail(
                error, PD_DESK_ERROR_REFUSED,
                "photo %" G_GINT64_FORMAT " was re-sent with another picture since it "
                "was placed: look at the new picture in the article and acknowledge "
                "it before delivering",
                k->photo->id);
        Rules r;
        rules_read(k->photo, &r);
        k->embargoed = r.embargoed;
        rules_clear(&r);
        if (k->embargoed && !options->under_embargo)
            return pd_desk_fail(
                error, PD_DESK_ERROR_REFUSED,
                "photo %" G_GINT64_FORMAT " is embargoed until %s: wait, or deliver "
                "it under embargo knowingly (the files will say so, and who did it)",
                k->photo->id, k->photo->embargo_until);
        k->file = g_strdup_printf("%02d-%s-%" G_GINT64_FORMAT ".jpg", k->placement->position, base,
                                  k->photo->id);
        if (!pack(catalog, store, k, profiles, options, at, error))
            return FALSE;
    }
    GPtrArray *files = g_ptr_array_new_with_free_func((GDestroyNotify)pd_desk_file_free);
    for (guint i = 0; i < packed->len; i++) {
        const Packed *k = g_ptr_array_index(packed, i);
        PdDeskFile *f = g_new0(PdDeskFile, 1);
        f->name = g_strdup(k->file);
        f->data = g_bytes_ref(k->jpeg);
        f->type = "image/jpeg";
        g_ptr_array_add(files, f);
    }
    char *json = manifest(a, packed);
    PdDeskFile *m = g_new0(PdDeskFile, 1);
    m->name = g_strdup("article.json");
    m->data = g_bytes_new_take(json, strlen(json));
    m->type = "application/json";
    g_ptr_array_add(files, m);
    *packed_out = g_steal_pointer(&packed);
    *files_out = files;
    *base_out = g_steal_pointer(&base);
    return TRUE;
}

gboolean
pd_desk_package_article(PdCatalog *catalog, const char *library, gint64 id,
                        const PdPackageOptions *options, const char *zip_path, GError **error)
{
    PdPackageOptions defaults = {0};
    if (options == NULL)
        options = &defaults;
    g_autoptr(GPtrArray) packed = NULL, files = NULL;
    g_autofree char *base = NULL;
    if (!make_package(catalog, library, id, options, &packed, &files, &base, error) ||
        !pd_desk_write_zip(zip_path, files, error))
        return FALSE;
    g_autoptr(PdCatalogDelivery) d = g_new0(PdCatalogDelivery, 1);
    d->article_id = id;
    d->target = g_strdup("zip");
    if (!record(catalog, d, packed, options, error)) {
        g_prefix_error(error, "the package was made, but its delivery could not be recorded: ");
        return FALSE;
    }
    return TRUE;
}

gint64
pd_desk_deliver_article(PdCatalog *catalog, const char *library, gint64 id,
                        const PdPackageOptions *options, const char *target, GError **error)
{
    PdPackageOptions defaults = {0};
    if (options == NULL)
        options = &defaults;
    g_autoptr(GPtrArray) targets = pd_desk_targets(catalog, error);
    if (targets == NULL)
        return 0;
    const PdDeskTarget *t = pd_desk_target_named(targets, target);
    if (t == NULL) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "target: the desk has no delivery target called \"%s\"", target);
        return 0;
    }
    g_autoptr(GPtrArray) packed = NULL, files = NULL;
    g_autofree char *base = NULL;
    if (!make_package(catalog, library, id, options, &packed, &files, &base, error))
        return 0;
    g_autoptr(PdCatalogDelivery) d = g_new0(PdCatalogDelivery, 1);
    d->article_id = id;
    d->target = g_strdup(t->name);
    GError *failed = NULL;
    if (!pd_desk_send(t, library, base, files, options, d, &failed))
        d->failed = g_strdup(failed->message);
    GError *unrecorded = NULL;
    if (!record(catalog, d, packed, options, &unrecorded)) {
        if (failed) {
            g_propagate_error(error, failed);
            g_error_free(unrecorded);
        } else {
            g_propagate_prefixed_error(error, unrecorded,
                                       "the package went to %s, but its delivery could not be "
                                       "recorded: ",
                                       d->location ? d->location : t->name);
        }
        return 0;
    }
    if (failed) {
        g_propagate_error(error, failed);
        return 0;
    }
    return d->id;
}
