/* codes.c: the desk's code replacements (caption/codes.c has what they are and Photo
 * Mechanic's file): one table for the whole desk, kept as a setting of the catalog
 * ({"delimiter", "by", "at", "codes": [["put", "Russian President Vladimir Putin",
 * "Putin"], ...]}), replaced whole by an import, written out as Photo Mechanic's file. */
#include "caption/caption.h"
#include "desk/desk-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define CODES_KEY "codes"

void
pd_desk_codes_free(PdDeskCodes *codes)
{
    if (codes == NULL)
        return;
    g_clear_pointer(&codes->codes, g_ptr_array_unref);
    g_clear_pointer(&codes->index, g_hash_table_unref);
    g_free(codes->by);
    g_free(codes->at);
    g_free(codes);
}

static const char *
member_text(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
               ? json_node_get_string(n)
               : NULL;
}

PdDeskCodes *
pd_desk_codes(PdCatalog *catalog, GError **error)
{
    g_autoptr(JsonParser) p = NULL;
    JsonObject *o;
    JsonArray *a;
    if (!pd_desk_setting(catalog, CODES_KEY, "codes", &p, &o, &a, error))
        return NULL;
    PdDeskCodes *t = g_new0(PdDeskCodes, 1);
    t->delimiter = PD_CODE_DELIMITER;
    t->codes = g_ptr_array_new_with_free_func((GDestroyNotify)pd_code_free);
    t->index = g_hash_table_new(g_str_hash, g_str_equal);
    if (o) {
        const char *d = member_text(o, "delimiter");
        if (d && strlen(d) == 1)
            t->delimiter = d[0];
        t->by = g_strdup(member_text(o, "by"));
        t->at = g_strdup(member_text(o, "at"));
        for (guint i = 0; a && i < json_array_get_length(a); i++) {
            JsonNode *row = json_array_get_element(a, i);
            if (!JSON_NODE_HOLDS_ARRAY(row) || json_array_get_length(json_node_get_array(row)) < 2)
                continue;
            JsonArray *r = json_node_get_array(row);
            g_autoptr(GStrvBuilder) forms = g_strv_builder_new();
            for (guint f = 1; f < json_array_get_length(r); f++)
                g_strv_builder_add(forms, json_array_get_string_element(r, f));
            PdCode *c = g_new0(PdCode, 1);
            c->code = g_strdup(json_array_get_string_element(r, 0));
            c->forms = g_strv_builder_end(forms);
            g_ptr_array_add(t->codes, c);
            g_hash_table_insert(t->index, c->code, c->forms);
        }
    }
    return t;
}

/* The desk's codes @codes lacks, added after its own. */
static gboolean
merge_in(PdCatalog *catalog, GPtrArray *codes, GError **error)
{
    g_autoptr(PdDeskCodes) desk = pd_desk_codes(catalog, error);
    if (desk == NULL)
        return FALSE;
    g_autoptr(GHashTable) given = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < codes->len; i++)
        g_hash_table_add(given, ((PdCode *)g_ptr_array_index(codes, i))->code);
    for (guint i = 0; i < desk->codes->len; i++) {
        const PdCode *c = g_ptr_array_index(desk->codes, i);
        if (g_hash_table_contains(given, c->code))
            continue;
        PdCode *copy = g_new0(PdCode, 1);
        copy->code = g_strdup(c->code);
        copy->forms = g_strdupv(c->forms);
        g_ptr_array_add(codes, copy);
    }
    return TRUE;
}

static gboolean
set_in(PdCatalog *catalog, GPtrArray *codes, char delimiter, gboolean merge, const char *by_user,
       GError **error)
{
    if (merge && !merge_in(catalog, codes, error))
        return FALSE;
    g_autoptr(GDateTime) when = g_date_time_new_now_utc();
    g_autofree char *now = g_date_time_format(when, "%Y-%m-%dT%H:%M:%SZ");
    GString *o = g_string_new("{");
    char d[2] = {delimiter, 0};
    pd_json_string(o, "delimiter", d);
    pd_json_string(o, "by", by_user);
    pd_json_string(o, "at", now);
    pd_json_key(o, "codes");
    g_string_append_c(o, '[');
    for (guint i = 0; i < codes->len; i++) {
        const PdCode *c = g_ptr_array_index(codes, i);
        g_string_append(o, i ? ", [" : "[");
        pd_json_quote(o, c->code);
        for (int f = 0; c->forms[f]; f++) {
            g_string_append(o, ", ");
            pd_json_quote(o, c->forms[f]);
        }
        g_string_append_c(o, ']');
    }
    g_string_append(o, "]}");
    gboolean ok = pd_catalog_set_setting(catalog, CODES_KEY, o->str, error);
    g_string_free(o, TRUE);
    return ok;
}

gboolean
pd_desk_set_codes(PdCatalog *catalog, GPtrArray *codes, char delimiter, gboolean merge,
                  const char *by_user, GError **error)
{
    if (delimiter <= ' ' || delimiter == '#' || (guchar)delimiter >= 0x7F) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                    "delimiter: one visible ASCII character other than '#' (Photo Mechanic's is "
                    "'=')");
        return FALSE;
    }
    for (guint i = 0; i < codes->len; i++) {
        const PdCode *c = g_ptr_array_index(codes, i);
        if (!pd_code_valid(c->code, delimiter)) {
            g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_INVALID,
                        "code \"%s\" holds the delimiter '%c', a space or '#'", c->code, delimiter);
            return FALSE;
        }
    }
    return pd_catalog_begin(catalog, error) &&
           pd_catalog_finish(catalog, set_in(catalog, codes, delimiter, merge, by_user, error),
                             error);
}

char *
pd_desk_codes_json(PdCatalog *catalog, GError **error)
{
    g_autoptr(PdDeskCodes) t = pd_desk_codes(catalog, error);
    if (t == NULL)
        return NULL;
    GString *o = g_string_new("{");
    char d[2] = {t->delimiter, 0};
    pd_json_string(o, "delimiter", d);
    pd_json_string(o, "updated_by", t->by);
    pd_json_string(o, "updated_at", t->at);
    pd_json_key(o, "codes");
    g_string_append_c(o, '[');
    for (guint i = 0; i < t->codes->len; i++) {
        const PdCode *c = g_ptr_array_index(t->codes, i);
        g_string_append(o, i ? ", {" : "{");
        pd_json_string(o, "code", c->code);
        pd_json_key(o, "forms");
        g_string_append_c(o, '[');
        for (int f = 0; c->forms[f]; f++) {
            if (f)
                g_string_append(o, ", ");
            pd_json_quote(o, c->forms[f]);
        }
        g_string_append(o, "]}");
    }
    g_string_append(o, "]}");
    return g_string_free(o, FALSE);
}

static const char *const *
lookup(const char *code, gpointer table)
{
    return g_hash_table_lookup(((PdDeskCodes *)table)->index, code);
}

char *
pd_desk_codes_expand(const PdDeskCodes *codes, const char *text, GPtrArray *unknown)
{
    return pd_codes_expand(text, codes->delimiter, lookup, (gpointer)codes, unknown);
}

/* ---------------------------------------------------------------- a name written two ways */

/* The most captions of a day read for its names: a busy wire day is a few thousand. */
#define DAY_NAMES_MAX 6000
/* Days kept read per process (today's, yesterday's, an archive day being looked at). */
#define DAY_NAMES_KEPT 4

/* One way a name pair is written in the day's captions, and the photos that write it so. */
typedef struct {
    PdNamePair *pair;
    GArray *ids; /* gint64 */
} Spelling;

static void
spelling_free(Spelling *sp)
{
    pd_name_pair_free(sp->pair);
    g_array_unref(sp->ids);
    g_free(sp);
}

/* Kept between requests and brought up to date from the catalog's events; read and
 * changed only under day_lock. */
struct PdDeskDayNames {
    gint refs;
    char *key;             /* the catalog's file and the day */
    char *from, *to;       /* the day, as ISO 8601 UTC bounds */
    gint64 seen;           /* the newest event read into it */
    GHashTable *spellings; /* "first second" -> Spelling * (owned) */
    GHashTable *by_first;  /* a first word -> GPtrArray of Spelling * (borrowed) */
    GHashTable *by_second; /* a second word -> the same */
    GHashTable *of_photo;  /* a photo's id (gint64 *) -> GPtrArray of the Spelling * it writes */
};

static GMutex day_lock;
static GPtrArray *days_kept; /* PdDeskDayNames *, the most recently used last */

void
pd_desk_day_names_free(PdDeskDayNames *day)
{
    if (day == NULL || !g_atomic_int_dec_and_test(&day->refs))
        return;
    g_free(day->key);
    g_free(day->from);
    g_free(day->to);
    g_hash_table_unref(day->by_first);
    g_hash_table_unref(day->by_second);
    g_hash_table_unref(day->of_photo);
    g_hash_table_unref(day->spellings);
    g_free(day);
}

static void
index_under(GHashTable *index, const char *word, Spelling *sp)
{
    GPtrArray *list = g_hash_table_lookup(index, word);
    if (list == NULL) {
        list = g_ptr_array_new();
        g_hash_table_insert(index, (gpointer)word, list);
    }
    g_ptr_array_add(list, sp);
}

/* The day (in the server's time zone) of the instant @iso, as UTC bounds. */
static gboolean
day_bounds(const char *iso, char **from, char **to)
{
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autoptr(GDateTime) at = iso ? g_date_time_new_from_iso8601(iso, utc) : NULL;
    if (at == NULL)
        return FALSE;
    g_autoptr(GDateTime) local = g_date_time_to_local(at);
    g_autoptr(GDateTime) midnight =
        g_date_time_new_local(g_date_time_get_year(local), g_date_time_get_month(local),
                              g_date_time_get_day_of_month(local), 0, 0, 0);
    g_autoptr(GDateTime) next = g_date_time_add_days(midnight, 1);
    g_autoptr(GDateTime) a = g_date_time_to_utc(midnight);
    g_autoptr(GDateTime) b = g_date_time_to_utc(next);
    *from = g_date_time_format(a, "%Y-%m-%dT%H:%M:%S.000Z");
    *to = g_date_time_format(b, "%Y-%m-%dT%H:%M:%S.000Z");
    return TRUE;
}

/* Photo @id's caption read into @day (what it wrote before taken out first). */
static void
day_add(PdDeskDayNames *day, gint64 id, const char *caption)
{
    GPtrArray *had = g_hash_table_lookup(day->of_photo, &id);
    for (guint i = 0; had && i < had->len; i++) {
        Spelling *sp = g_ptr_array_index(had, i);
        for (guint k = sp->ids->len; k-- > 0;)
            if (g_array_index(sp->ids, gint64, k) == id)
                g_array_remove_index(sp->ids, k);
    }
    g_hash_table_remove(day->of_photo, &id);
    g_autoptr(GPtrArray) pairs = pd_name_pairs(caption);
    if (pairs->len == 0)
        return;
    GPtrArray *writes = g_ptr_array_new();
    for (guint k = 0; k < pairs->len; k++) {
        PdNamePair *pair = g_ptr_array_index(pairs, k);
        char *key = g_strconcat(pair->first, " ", pair->second, NULL);
        Spelling *sp = g_hash_table_lookup(day->spellings, key);
        if (sp == NULL) {
            sp = g_new0(Spelling, 1);
            sp->pair = g_ptr_array_steal_index(pairs, k--);
            sp->ids = g_array_new(FALSE, FALSE, sizeof(gint64));
            g_hash_table_insert(day->spellings, key, sp);
            index_under(day->by_first, sp->pair->first, sp);
            index_under(day->by_second, sp->pair->second, sp);
        } else {
            g_free(key);
        }
        g_array_append_val(sp->ids, id);
        g_ptr_array_add(writes, sp);
    }
    g_hash_table_insert(day->of_photo, g_memdup2(&id, sizeof id), writes);
}

static PdDeskDayNames *
day_read(PdCatalog *catalog, char *key, char *from, char *to, gint64 seen, GError **error)
{
    PdDeskDayNames *day = g_new0(PdDeskDayNames, 1);
    day->refs = 1;
    day->key = key;
    day->from = from;
    day->to = to;
    day->seen = seen;
    day->spellings =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)spelling_free);
    day->by_first =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    day->by_second =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    day->of_photo = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                          (GDestroyNotify)g_ptr_array_unref);
    if (from == NULL)
        return day; /* no day: no names */
    g_autoptr(GPtrArray) captions =
        pd_catalog_captions_arrived(catalog, from, to, DAY_NAMES_MAX, error);
    if (captions == NULL) {
        pd_desk_day_names_free(day);
        return NULL;
    }
    for (guint i = 0; i < captions->len; i++) {
        const PdCatalogCaption *c = g_ptr_array_index(captions, i);
        day_add(day, c->id, c->caption);
    }
    return day;
}

/* Brings @day up to the catalog's events after its own, up to @newest: the photos
 * added and corrected since. FALSE when it is too far behind (read it again). */
static gboolean
day_refresh(PdDeskDayNames *day, PdCatalog *catalog, gint64 oldest, gint64 newest, GError **error)
{
    if (day->seen + 1 < oldest || newest - day->seen > 1000)
        return FALSE;
    g_autoptr(GPtrArray) events =
        pd_catalog_events_after(catalog, day->seen, (int)(newest - day->seen), error);
    if (events == NULL)
        return FALSE;
    g_autoptr(GHashTable) done = g_hash_table_new(g_int64_hash, g_int64_equal);
    for (guint i = 0; i < events->len; i++) {
        PdCatalogEvent *e = g_ptr_array_index(events, i);
        if ((e->kind != PD_EVENT_PHOTO && e->kind != PD_EVENT_VERSION) || e->photo_id == 0 ||
            !g_hash_table_add(done, &e->photo_id))
            continue;
        g_autoptr(PdCatalogPhoto) p = pd_catalog_get_photo(catalog, e->photo_id, NULL);
        gboolean in_day = p && p->ingested_at && strcmp(p->ingested_at, day->from) >= 0 &&
                          strcmp(p->ingested_at, day->to) < 0;
        day_add(day, e->photo_id, in_day ? p->caption : NULL);
    }
    day->seen = newest;
    return TRUE;
}

PdDeskDayNames *
pd_desk_day_names(PdCatalog *catalog, const char *arrived, GError **error)
{
    char *from = NULL, *to = NULL;
    gboolean dated = day_bounds(arrived, &from, &to);
    char *key = g_strconcat(pd_catalog_file(catalog), "\n", from ? from : "", NULL);
    gint64 oldest = 0, newest = 0;
    /* the events first: a change after them is read again at the next refresh */
    if (!pd_catalog_event_range(catalog, &oldest, &newest, error)) {
        g_free(from);
        g_free(to);
        g_free(key);
        return NULL;
    }
    if (!dated)
        return day_read(catalog, key, NULL, NULL, newest, error);
    g_mutex_lock(&day_lock);
    if (days_kept == NULL)
        days_kept = g_ptr_array_new_with_free_func((GDestroyNotify)pd_desk_day_names_free);
    PdDeskDayNames *day = NULL;
    for (guint i = 0; i < days_kept->len && day == NULL; i++) {
        PdDeskDayNames *kept = g_ptr_array_index(days_kept, i);
        if (strcmp(kept->key, key) != 0)
            continue;
        if (kept->seen == newest || day_refresh(kept, catalog, oldest, newest, NULL)) {
            day = g_ptr_array_steal_index(days_kept, i); /* to the end: the most recent */
        } else {
            g_ptr_array_remove_index(days_kept, i);
            break;
        }
    }
    if (day == NULL) {
        day = day_read(catalog, g_strdup(key), g_strdup(from), g_strdup(to), newest, error);
        if (day == NULL) {
            g_mutex_unlock(&day_lock);
            g_free(from);
            g_free(to);
            g_free(key);
            return NULL;
        }
    }
    g_ptr_array_add(days_kept, day);
    if (days_kept->len > DAY_NAMES_KEPT)
        g_ptr_array_remove_index(days_kept, 0);
    g_atomic_int_inc(&day->refs);
    g_mutex_unlock(&day_lock);
    g_free(from);
    g_free(to);
    g_free(key);
    return day;
}

gboolean
pd_desk_day_names_hold(const PdDeskDayNames *day, const char *arrived)
{
    return day && day->from && arrived && strcmp(arrived, day->from) >= 0 &&
           strcmp(arrived, day->to) < 0;
}

/* Whether @written is part of a form of the desk's code table (case and accents aside):
 * the table's own check says what there is to say of it. */
static gboolean
in_table(GPtrArray *forms, const char *written)
{
    g_autofree char *ascii = g_str_to_ascii(written, "C");
    g_autofree char *want = g_ascii_strdown(ascii, -1);
    for (guint i = 0; forms && i < forms->len; i++)
        if (strstr(g_ptr_array_index(forms, i), want))
            return TRUE;
    return FALSE;
}

/* How many of the day's photos (@self among them or not) write @written so, by @list. */
static guint
photos_writing(GPtrArray *list, const char *written, gint64 self)
{
    for (guint k = 0; list && k < list->len; k++) {
        const Spelling *sp = g_ptr_array_index(list, k);
        if (strcmp(sp->pair->written, written) != 0)
            continue;
        guint n = 0;
        for (guint i = 0; i < sp->ids->len; i++)
            n += g_array_index(sp->ids, gint64, i) != self;
        return n + 1; /* and the photo itself */
    }
    return 1;
}

/* A spelling this many times as common as another is the day's own: the check goes on the
 * photos that write it the other way, not on it. */
#define NAME_MAJORITY 3

/* The checks of @text's caption against the other ways @day writes its names. */
static void
day_checks(const PdDeskDayNames *day, gint64 self, const char *caption, GPtrArray *forms,
           GPtrArray *checks)
{
    g_autoptr(GPtrArray) pairs = pd_name_pairs(caption);
    for (guint i = 0; i < pairs->len; i++) {
        const PdNamePair *own = g_ptr_array_index(pairs, i);
        GPtrArray *lists[] = {g_hash_table_lookup(day->by_first, own->first),
                              g_hash_table_lookup(day->by_second, own->second)};
        guint mine = photos_writing(lists[0], own->written, self);
        for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
            for (guint k = 0; lists[l] && k < lists[l]->len; k++) {
                const Spelling *sp = g_ptr_array_index(lists[l], k);
                if (!pd_name_pairs_variant(own, sp->pair))
                    continue;
                guint others = 0;
                gint64 first = 0;
                for (guint n = 0; n < sp->ids->len; n++)
                    if (g_array_index(sp->ids, gint64, n) != self && others++ == 0)
                        first = g_array_index(sp->ids, gint64, n);
                if (others == 0 || in_table(forms, own->written) ||
                    in_table(forms, sp->pair->written) || mine >= NAME_MAJORITY * others)
                    continue;
                PdCheck *check = g_new0(PdCheck, 1);
                check->code = g_strdup("name_two_ways");
                check->field = g_strdup("caption");
                check->message =
                    g_strdup_printf("\"%s\": written \"%s\" in %u other photo%s of the day (photo "
                                    "%" G_GINT64_FORMAT "%s): which is right?",
                                    own->written, sp->pair->written, others, others == 1 ? "" : "s",
                                    first, others > 1 ? " and more" : "");
                g_ptr_array_add(checks, check);
            }
    }
}

GPtrArray *
pd_desk_name_checks(const PdDeskCodes *codes, const PdDeskDayNames *day, gint64 self,
                    const PdPhotoText *text)
{
    GPtrArray *checks = pd_caption_checks_new();
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++)
        if ((fields[i].flags & PD_FIELD_EDITABLE) && !(fields[i].flags & PD_FIELD_LIST))
            pd_codes_name_checks(fields[i].name, pd_photo_text_get(text, &fields[i]), codes->codes,
                                 checks);
    if (day == NULL || text->caption == NULL)
        return checks;
    g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < codes->codes->len; i++) {
        const PdCode *c = g_ptr_array_index(codes->codes, i);
        for (int f = 0; c->forms[f]; f++) {
            g_autofree char *ascii = g_str_to_ascii(c->forms[f], "C");
            g_ptr_array_add(forms, g_ascii_strdown(ascii, -1));
        }
    }
    g_mutex_lock(&day_lock); /* a day kept is brought up to date under it */
    day_checks(day, self, text->caption, forms, checks);
    g_mutex_unlock(&day_lock);
    return checks;
}
