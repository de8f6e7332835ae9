/* tokenizer.c: the "photodesk" FTS5 tokenizer, and the date key the index is ordered by.
 *
 * Editors type "lodz" for Łódź and "zurich" for Zürich, as English-language wires write
 * them. SQLite's unicode61 tokenizer folds the letters that decompose into a base letter
 * and a mark (ü, ó, ź) but leaves those that do not (Ł, Ø, Đ, ß, Æ...). This tokenizer
 * folds those first, then hands the text to "porter unicode61 remove_diacritics 2"
 * (English stemming: "attends" finds "attend"), and maps the token offsets back to the
 * original text so that snippets mark the right words.
 *
 * The date key orders the full-text index by when the photos were taken (see
 * pd_catalog_date_day() and catalog.c): the index's rowid is the photographer's local
 * day, then the order of arrival within the day, so that "newest day first" is the
 * index's own order and a date range is a rowid range.
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

/* Two inner tokenizers: one stems (for the index, and for words searched whole), one does
 * not (for prefixes: the editor typing "tis" wants words starting with "tis", not the
 * stem "ti" that porter makes of it; see query.c). */
typedef struct {
    fts5_tokenizer stem, plain;
    Fts5Tokenizer *stem_tok, *plain_tok;
} Tokenizer;

/* Whether @text holds a letter of folds[] (all of them start with byte C3, C4, C5 or E1
 * in UTF-8). */
static gboolean
needs_folding(const char *text, int n)
{
    for (int i = 0; i < n; i++) {
        guchar b = (guchar)text[i];
        if (b != 0xC3 && b != 0xC4 && b != 0xC5 && b != 0xE1)
            continue;
        gunichar c = g_utf8_get_char_validated(text + i, n - i);
        if (c != (gunichar)-1 && c != (gunichar)-2 && fold_of(c))
            return TRUE;
    }
    return FALSE;
}

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
    void *stem_ctx = NULL, *plain_ctx = NULL;
    const char *args[] = {"unicode61", "remove_diacritics", "2"};
    int rc = api->xFindTokenizer(api, "porter", &stem_ctx, &t->stem);
    if (rc == SQLITE_OK)
        rc = t->stem.xCreate(stem_ctx, args, 3, &t->stem_tok);
    if (rc == SQLITE_OK)
        rc = api->xFindTokenizer(api, "unicode61", &plain_ctx, &t->plain);
    if (rc == SQLITE_OK)
        rc = t->plain.xCreate(plain_ctx, args + 1, 2, &t->plain_tok);
    if (rc != SQLITE_OK) {
        if (t->stem_tok)
            t->stem.xDelete(t->stem_tok);
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
    t->stem.xDelete(t->stem_tok);
    t->plain.xDelete(t->plain_tok);
    g_free(t);
}

static int
tokenizer_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int n,
                   int (*token)(void *, int, const char *, int, int, int))
{
    Tokenizer *t = (Tokenizer *)tok;
    gboolean prefix = (flags & FTS5_TOKENIZE_PREFIX) != 0;
    fts5_tokenizer *inner = prefix ? &t->plain : &t->stem;
    Fts5Tokenizer *inner_tok = prefix ? t->plain_tok : t->stem_tok;
    /* Most text has nothing to fold: pass it straight through. */
    if (!needs_folding(text, n))
        return inner->xTokenize(inner_tok, ctx, flags, text, n, token);

    GString *folded = g_string_sized_new((gsize)n + 16);
    GArray *map = g_array_sized_new(FALSE, FALSE, sizeof(int), (guint)n + 17);
    const char *p = text, *end = text + n;
    while (p < end) {
        int at = (int)(p - text);
        if ((guchar)*p < 0x80) {
            g_string_append_c(folded, *p++);
            g_array_append_val(map, at);
            continue;
        }
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
    int rc = inner->xTokenize(inner_tok, &r, flags, folded->str, (int)folded->len, relay);
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
pd_catalog_date_day(const char *iso, gboolean end_of_period)
{
    if (iso == NULL)
        return 0;
    gsize len = strlen(iso);
    int y = len >= 4 ? digits(iso, 4) : -1;
    if (y < 0)
        return 0;
    int mo = len >= 7 && iso[4] == '-' ? digits(iso + 5, 2) : -1;
    int d = mo > 0 && len >= 10 && iso[7] == '-' ? digits(iso + 8, 2) : -1;
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
    }
    GDate *g = g_date_new_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y);
    if (end_of_period && len >= 10 && d > 0 && iso[7] == '-')
        g_date_add_days(g, 1);
    GDate *base = g_date_new_dmy(1, G_DATE_JANUARY, 1800);
    gint64 days = g_date_days_between(base, g);
    g_date_free(g);
    g_date_free(base);
    return days + 1; /* 0 is for photos without a date */
}

fts5_api *
pd_catalog_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api != NULL && api->iVersion >= 2 ? api : NULL;
}

gboolean
pd_catalog_tokenizer(sqlite3 *db, fts5_tokenizer *api, Fts5Tokenizer **instance, GError **error)
{
    fts5_api *fts5 = pd_catalog_fts5_api(db);
    void *ctx = NULL;
    if (fts5 == NULL || fts5->xFindTokenizer(fts5, "photodesk", &ctx, api) != SQLITE_OK ||
        api->xCreate(ctx, NULL, 0, instance) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_FAILED,
                    "search: the photodesk tokenizer is not registered");
        return FALSE;
    }
    return TRUE;
}

gboolean
pd_catalog_register_functions(sqlite3 *db, GError **error)
{
    fts5_api *api = pd_catalog_fts5_api(db);
    if (api == NULL ||
        api->xCreateTokenizer(api, "photodesk", api, &photodesk_tokenizer, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN,
                    "catalog: this SQLite has no FTS5 full-text search");
        return FALSE;
    }
    if (sqlite3_create_function(db, "pd_check", PD_QUERY_COLUMNS + 1, SQLITE_UTF8, NULL,
                                pd_query_check_function, NULL, NULL) != SQLITE_OK) {
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_OPEN, "catalog: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}
