/* words-pg.c: a photo's full-text index on PostgreSQL, made by photodesk.
 *
 * PostgreSQL's own text search would cut, fold and stem words its way (its english
 * stemmer is Porter2, not the Porter SQLite's FTS5 runs; unaccent leaves Ł, Ø, ß as
 * they are), and the two backends would answer the same query differently. So the
 * tokens are photodesk's tokenizer's (catalog/tokenizer.c), made here and given to
 * PostgreSQL as a tsvector it stores as is (no text search configuration touches it),
 * and the query's words are cut by the same tokenizer (query.c, pd_query_tsquery()).
 *
 * Each token keeps its place in its column, column i's places starting at
 * i * PD_WORDS_COLUMN_ROOM + 1, so that a phrase ('a' <-> 'b') never runs from one
 * column into the next. The columns the search filters look in (by-line, credit,
 * source, city, country, credit line) have their tokens once more under their column's
 * name ("#4.ap"), which no token of the text can be, nor start with. And every token's
 * first three letters are there once more, marked ("^fir" for "fire" and "firefight"),
 * without places: a prefix's candidates are found by that one lexeme, as FTS5 finds them
 * by its prefix index, and checked against the whole query (search.c).
 */
#include "catalog/catalog-private.h"

#include <stdlib.h>
#include <string.h>

/* PostgreSQL's limits: places up to 16383, 256 places a lexeme (and a lexeme under 2 KiB:
 * PD_WORDS_LEXEME_MAX). */
#define PLACE_MAX     16383
#define PLACES_A_WORD 256

typedef struct {
    GHashTable *places; /* lexeme -> GArray of guint16 */
    int column;
    int next; /* the next token's place in the column, from 0 */
    gboolean filtered;
} Words;

static void
add_place(Words *w, const char *lexeme, gsize n, int place)
{
    g_autofree char *key = g_strndup(lexeme, n);
    GArray *at = g_hash_table_lookup(w->places, key);
    if (at == NULL) {
        at = g_array_new(FALSE, FALSE, sizeof(guint16));
        g_hash_table_insert(w->places, g_steal_pointer(&key), at);
    }
    guint16 p = (guint16)place;
    if (at->len < PLACES_A_WORD && (at->len == 0 || g_array_index(at, guint16, at->len - 1) < p))
        g_array_append_val(at, p);
}

gsize
pd_words_clip(const char *word, gsize n)
{
    if (n <= PD_WORDS_LEXEME_MAX)
        return n;
    /* back to the start of the character the limit falls in */
    gsize k = PD_WORDS_LEXEME_MAX;
    while (k > 0 && ((guchar)word[k] & 0xC0) == 0x80)
        k--;
    return k;
}

static int
take_token(void *data, int flags, const char *token, int n, int start, int end)
{
    (void)start;
    (void)end;
    Words *w = data;
    if ((flags & FTS5_TOKEN_COLOCATED) || n <= 0)
        return SQLITE_OK;
    /* past its room, a column's tokens share its last place: found as words, not in
     * phrases that far in (no caption is 1,638 words long) */
    int place = w->column * PD_WORDS_COLUMN_ROOM + MIN(w->next, PD_WORDS_COLUMN_ROOM - 2) + 1;
    w->next++;
    if (place > PLACE_MAX)
        return SQLITE_OK;
    n = (int)pd_words_clip(token, (gsize)n);
    add_place(w, token, (gsize)n, place);
    /* the token's first letters, for prefixes (no place: found, not in phrases) */
    const char *upto = token;
    int letters = 0;
    while (letters < PD_WORDS_PREFIX && upto < token + n) {
        upto = g_utf8_next_char(upto);
        letters++;
    }
    if (letters == PD_WORDS_PREFIX && upto <= token + n) {
        g_autofree char *first =
            g_strdup_printf(PD_WORDS_PREFIX_MARK "%.*s", (int)(upto - token), token);
        if (!g_hash_table_contains(w->places, first))
            g_hash_table_insert(w->places, g_steal_pointer(&first),
                                g_array_new(FALSE, FALSE, sizeof(guint16)));
    }
    if (w->filtered) {
        g_autofree char *named =
            g_strdup_printf(PD_WORDS_COLUMN_FORMAT "%.*s", w->column, n, token);
        add_place(w, named, strlen(named), place);
    }
    return SQLITE_OK;
}

/* Each column's weight, for ts_rank (search.c): caption and headline A, keywords B, the
 * rest D (no letter), as bm25's column weights are on SQLite. */
static const char *const weight[PD_QUERY_COLUMNS + 1] = {"A", "A", "",  "", "", "",
                                                         "",  "",  "B", "", ""};

static int
by_text(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *
pd_catalog_pg_words(PdCatalog *c, const PdCatalogPhoto *p, GError **error)
{
    g_autofree char *keywords = NULL;
    if (p->keywords->len) {
        g_ptr_array_add(p->keywords, NULL);
        keywords = g_strjoinv("\n", (char **)p->keywords->pdata);
        g_ptr_array_remove_index(p->keywords, p->keywords->len - 1);
    }
    /* the index's columns, in their order (query.c) */
    const char *text[PD_QUERY_COLUMNS] = {
        p->caption, p->headline, p->object_name, p->byline, p->credit,
        p->source,  p->city,     p->country,     keywords,  p->credit_line,
    };
    return pd_catalog_words_of(pd_catalog_words_db(c), text, error);
}

char *
pd_catalog_words_of(sqlite3 *db, const char *const text[PD_QUERY_COLUMNS], GError **error)
{
    fts5_tokenizer api;
    Fts5Tokenizer *instance = NULL;
    if (!pd_catalog_tokenizer(db, &api, &instance, error))
        return NULL;
    Words w = {
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref)};
    for (int i = 0; i < PD_QUERY_COLUMNS; i++) {
        if (text[i] == NULL)
            continue;
        w.column = i;
        w.next = 0;
        w.filtered = (PD_WORDS_FILTERED & PD_QUERY_COLUMN(i)) != 0;
        api.xTokenize(instance, &w, FTS5_TOKENIZE_DOCUMENT, text[i],
                      (int)MIN(strlen(text[i]), (gsize)G_MAXINT), take_token);
    }
    api.xDelete(instance);
    /* 'lexeme':1,5 'other':2 ..., in a stable order */
    guint n = 0;
    gpointer *lexemes = g_hash_table_get_keys_as_array(w.places, &n);
    qsort(lexemes, n, sizeof *lexemes, by_text);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        const char *lexeme = lexemes[i];
        GArray *at = g_hash_table_lookup(w.places, lexeme);
        if (out->len)
            g_string_append_c(out, ' ');
        g_string_append_c(out, '\'');
        for (const char *s = lexeme; *s; s++) {
            if (*s == '\'' || *s == '\\')
                g_string_append_c(out, *s);
            g_string_append_c(out, *s);
        }
        g_string_append_c(out, '\'');
        for (guint k = 0; k < at->len; k++) {
            guint place = g_array_index(at, guint16, k);
            g_string_append_printf(out, "%c%u%s", k ? ',' : ':', place,
                                   weight[(place - 1) / PD_WORDS_COLUMN_ROOM]);
        }
    }
    g_free(lexemes);
    g_hash_table_unref(w.places);
    return g_string_free(out, FALSE);
}
