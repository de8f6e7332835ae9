/* tokenizer.c: the "photodesk" FTS5 tokenizer, and the date key the index is ordered by.
 *
 * Editors type "lodz" for Łódź and "zurich" for Zürich, as English-language wires write
 * them. SQLite's unicode61 tokenizer folds the letters that decompose into a base letter
 * and a mark (ü, ó, ź) but leaves those that do not (Ł, Ø, Đ, ß, Æ...). This tokenizer
 * folds those first, then hands the text to "porter unicode61 remove_diacritics 2"
 * (English stemming: "attends" finds "attend"), and maps the token offsets back to the
 * original text so that snippets mark the right words.
 *
 * The date key (pd_date_key(date_created, id)) orders the full-text index by when the
 * photos were taken: the index's rowid is the photographer's local date and time in
 * minutes since 1800 in the high bits and the photo id in the low 32, so that "newest
 * first" is the index's own order and a date range is a rowid range.
 */
#include "catalog/catalog-private.h"

#include <string.h>

static const struct {
    gunichar from;
    const char *to;
} folds[] = {
    {0x0141, "L"},  {0x0142, "l"},  {0x00D8, "O"},  {0x00F8, "o"},  {0x0110, "D"},
    {0x0111, "d"},  {0x0126, "H"},  {0x0127, "h"},  {0x0131, "i"},  {0x00DF, "ss"},
    {0x1E9E, "SS"}, {0x00C6, "AE"}, {0x00E6, "ae"}, {0x0152, "OE"}, {0x0153, "oe"},
    {0x00DE, "TH"}, {0x00FE, "th"}, {0x00D0, "D"},  {0x00F0, "d"},  {0x013F, "L"},
    {0x0140, "l"},  {0x0166, "T"},  {0x0167, "t"},  {0x014A, "N"},  {0x014B, "n"},
};

static const char *
fold_of(gunichar c)
{
    for (gsize i = 0; i < G_N_ELEMENTS(folds); i++)
        if (folds[i].from == c)
            return folds[i].to;
    return NULL;
}

typedef struct {
    fts5_tokenizer inner;
    Fts5Tokenizer *inner_tok;
} Tokenizer;

typedef struct {
    void *ctx;
    int (*token)(void *, int, const char *, int, int, int);
    const int *map; /* folded offset -> original offset */
} Relay;

static int
relay(void *data, int tflags, const char *token, int n, int start, int end)
{
    Relay *r = data;
    return r->token(r->ctx, tflags, token, n, r->map[start], r->map[end]);
}

static int
tokenizer_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    fts5_api *api = ctx;
    Tokenizer *t = g_new0(Tokenizer, 1);
    void *inner_ctx = NULL;
    int rc = api->xFindTokenizer(api, "porter", &inner_ctx, &t->inner);
    if (rc == SQLITE_OK) {
        const char *args[] = {"unicode61", "remove_diacritics", "2"};
        rc = t->inner.xCreate(inner_ctx, args, 3, &t->inner_tok);
    }
    if (rc != SQLITE_OK) {
        g_free(t);
        return rc;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void
tokenizer_delete(Fts5Tokenizer *tok)
{
    Tokenizer *t = (Tokenizer *)tok;
    t->inner.xDelete(t->inner_tok);
    g_free(t);
}

static int
tokenizer_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int n,
                   int (*token)(void *, int, const char *, int, int, int))
{
    Tokenizer *t = (Tokenizer *)tok;
    /* Most text has nothing to fold: pass it straight through. */
    gboolean any = FALSE;
    for (int i = 0; i < n && !any; i++) {
        guchar b = (guchar)text[i];
        any = b == 0xC3 || b == 0xC4 || b == 0xC5 || b == 0xE1;
    }
    if (!any)
        return t->inner.xTokenize(t->inner_tok, ctx, flags, text, n, token);

    GString *folded = g_string_sized_new((gsize)n + 16);
    GArray *map = g_array_sized_new(FALSE, FALSE, sizeof(int), (guint)n + 17);
    const char *p = text, *end = text + n;
    while (p < end) {
        int at = (int)(p - text);
        gunichar c = g_utf8_get_char_validated(p, end - p);
        const char *next;
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            next = p + 1; /* not UTF-8: pass the byte on, the inner tokenizer copes */
            g_string_append_c(folded, *p);
            g_array_append_val(map, at);
        } else {
            next = g_utf8_next_char(p);
            const char *to = fold_of(c);
            if (to) {
                for (const char *q = to; *q; q++) {
                    g_string_append_c(folded, *q);
                    g_array_append_val(map, at);
                }
            } else {
                g_string_append_len(folded, p, next - p);
                for (const char *q = p; q < next; q++) {
                    int o = (int)(q - text);
                    g_array_append_val(map, o);
                }
            }
        }
        p = next;
    }
    g_array_append_val(map, n);
    Relay r = {ctx, token, (const int *)map->data};
    int rc = t->inner.xTokenize(t->inner_tok, &r, flags, folded->str, (int)folded->len, relay);
    g_string_free(folded, TRUE);
    g_array_unref(map);
    return rc;
}

static fts5_tokenizer photodesk_tokenizer = {tokenizer_create, tokenizer_delete,
                                             tokenizer_tokenize};

/* ---------------------------------------------------------------- the date key */

static int
digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

gint64
pd_catalog_date_minutes(const char *iso, gboolean end_of_period)
{
    if (iso == NULL)
        return 0;
    gsize len = strlen(iso);
    int y = len >= 4 ? digits(iso, 4) : -1;
    if (y < 0)
        return 0;
    int mo = len >= 7 && iso[4] == '-' ? digits(iso + 5, 2) : -1;
    int d = mo > 0 && len >= 10 && iso[7] == '-' ? digits(iso + 8, 2) : -1;
    int hh = d > 0 && len >= 16 && iso[10] == 'T' ? digits(iso + 11, 2) : -1;
    int mi = hh >= 0 && iso[13] == ':' ? digits(iso + 14, 2) : -1;
    y = CLAMP(y, 1800, 2999);
    if (mo < 1 || mo > 12) {
        mo = 1;
        d = 1;
        if (end_of_period)
            y++;
    } else if (d < 1 || d > 31 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y)) {
        d = 1;
        if (end_of_period && ++mo > 12) {
            mo = 1;
            y++;
        }
    } else if (end_of_period) {
        GDate *g = g_date_new_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y);
        g_date_add_days(g, 1);
        y = g_date_get_year(g);
        mo = g_date_get_month(g);
        d = g_date_get_day(g);
        g_date_free(g);
    }
    if (end_of_period || hh < 0 || hh > 23 || mi < 0 || mi > 59)
        hh = mi = 0;
    GDate *g = g_date_new_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y);
    GDate *base = g_date_new_dmy(1, G_DATE_JANUARY, 1800);
    gint64 days = g_date_days_between(base, g);
    g_date_free(g);
    g_date_free(base);
    /* + 1: minute 0 is for photos without a date */
    return days * 1440 + hh * 60 + mi + 1;
}

gint64
pd_catalog_date_key(const char *iso, gint64 id)
{
    return (pd_catalog_date_minutes(iso, FALSE) << 32) | (id & G_GINT64_CONSTANT(0xFFFFFFFF));
}

static void
date_key_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *iso = (const char *)sqlite3_value_text(argv[0]);
    sqlite3_result_int64(ctx, pd_catalog_date_key(iso, sqlite3_value_int64(argv[1])));
}

gboolean
pd_catalog_register_functions(sqlite3 *db, GError **error)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (api == NULL || api->iVersion < 2 ||
        api->xCreateTokenizer(api, "photodesk", api, &photodesk_tokenizer, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN,
                    "catalog: this SQLite has no FTS5 full-text search");
        return FALSE;
    }
    if (sqlite3_create_function(db, "pd_date_key", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                date_key_function, NULL, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN, "catalog: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}
