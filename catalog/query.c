/* query.c: what an editor types, as an FTS5 expression that cannot go wrong, and the
 * check that makes phrases exact.
 *
 * The editor's grammar is the search engines' one: words must all match, "a phrase"
 * matches in order, -word and -"a phrase" must not match, OR between two terms means
 * either, word* matches words starting so (NOT before a term excludes it, AND is
 * ignored). Everything else is text: each term is cut into words by the index's own
 * tokenizer, and each word goes to FTS5 as a string literal. So NEAR(, caption:x,
 * ' OR 1=1 --, a lone " or * are words or nothing, never operators, column filters or
 * syntax errors; a-b, don't and caption:x are phrases of their words.
 *
 * The index keeps which columns a word is in but not where (detail=column: it is a
 * third of the size), so FTS5 finds the photos with all the words of a phrase, and
 * pd_query_check() then looks for the words in order in the photo's text. Queries
 * without a phrase (most of them) need no check.
 *
 * A prefix is the term searched whole (stemmed, so "cars*" finds "car" and
 * "firefighte*" finds "firefighters") or its last word as the start of a word, not
 * stemmed (so "tis*" finds "tissue" without becoming porter's "ti*", which the 3-letter
 * prefix index cannot serve).
 */
#include "catalog/catalog-private.h"

#include <string.h>

/* The index's columns, in its order (catalog.c, migration 2). */
static const char *const column_names[PD_QUERY_COLUMNS] = {
    "caption", "headline", "object_name", "byline",   "credit",
    "source",  "city",     "country",     "keywords", "credit_line",
};

typedef struct {
    GPtrArray *pieces; /* the text of each word, as typed (FTS5 tokenises it again) */
    GPtrArray *stems;  /* each word as the index holds it */
    char *plain_last;  /* prefix terms: the last word as typed, folded, not stemmed */
    gboolean prefix, excluded;
    guint columns; /* where it may match: bit i for column i */
    int group;     /* terms of one group: any may match; every group must */
} QueryTerm;

struct PdQuery {
    fts5_tokenizer tokenizer;
    Fts5Tokenizer *instance;
    GPtrArray *terms; /* of QueryTerm * */
    int groups;
    guint words; /* in all terms, against PD_CATALOG_MAX_TERMS */
    gboolean impossible;
    /* the text of the row being checked, cut into words, by column (NULL: not yet) */
    GPtrArray *row[PD_QUERY_COLUMNS];
};

static void
term_free(gpointer p)
{
    QueryTerm *t = p;
    g_ptr_array_unref(t->pieces);
    g_ptr_array_unref(t->stems);
    g_free(t->plain_last);
    g_free(t);
}

PdQuery *
pd_query_new(sqlite3 *db, GError **error)
{
    PdQuery *q = g_new0(PdQuery, 1);
    if (!pd_catalog_tokenizer(db, &q->tokenizer, &q->instance, error)) {
        g_free(q);
        return NULL;
    }
    q->terms = g_ptr_array_new_with_free_func(term_free);
    return q;
}

static void
forget_row(PdQuery *q)
{
    for (int i = 0; i < PD_QUERY_COLUMNS; i++)
        g_clear_pointer(&q->row[i], g_ptr_array_unref);
}

void
pd_query_free(PdQuery *q)
{
    if (q == NULL)
        return;
    forget_row(q);
    q->tokenizer.xDelete(q->instance);
    g_ptr_array_unref(q->terms);
    g_free(q);
}

const char *
pd_query_column_name(int i)
{
    return i >= 0 && i < PD_QUERY_COLUMNS ? column_names[i] : NULL;
}

/* ---------------------------------------------------------------- cutting into words */

typedef struct {
    const char *text;
    GPtrArray *stems, *pieces; /* pieces may be NULL */
    guint limit;               /* stop after this many words */
} Cut;

static int
take_word(void *data, int flags, const char *token, int n, int start, int end)
{
    Cut *c = data;
    if (flags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (c->stems->len >= c->limit)
        return SQLITE_DONE;
    g_ptr_array_add(c->stems, g_strndup(token, (gsize)n));
    if (c->pieces)
        g_ptr_array_add(c->pieces, g_strndup(c->text + start, (gsize)(end - start)));
    return SQLITE_OK;
}

static void
cut(PdQuery *q, int flags, const char *text, GPtrArray *stems, GPtrArray *pieces, guint limit)
{
    Cut c = {text, stems, pieces, limit};
    int n = (int)MIN(strlen(text), (gsize)G_MAXINT);
    q->tokenizer.xTokenize(q->instance, &c, flags, text, n, take_word);
}

/* Adds @text as a term; FALSE (with @error) past PD_CATALOG_MAX_TERMS words. A term with
 * no word in it (' or --) is left out. */
static gboolean
add_term(PdQuery *q, const char *text, gboolean prefix, gboolean excluded, guint columns, int group,
         GError **error)
{
    QueryTerm *t = g_new0(QueryTerm, 1);
    t->pieces = g_ptr_array_new_with_free_func(g_free);
    t->stems = g_ptr_array_new_with_free_func(g_free);
    t->prefix = prefix;
    t->excluded = excluded;
    t->columns = columns;
    t->group = group;
    guint room = PD_CATALOG_MAX_TERMS - MIN(q->words, PD_CATALOG_MAX_TERMS);
    cut(q, FTS5_TOKENIZE_QUERY, text, t->stems, t->pieces, room + 1);
    if (t->stems->len > room) {
        term_free(t);
        g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                    "the query has more than %d words; use fewer", PD_CATALOG_MAX_TERMS);
        return FALSE;
    }
    if (t->stems->len == 0) {
        term_free(t);
        return TRUE;
    }
    if (prefix) {
        GPtrArray *plain = g_ptr_array_new_with_free_func(g_free);
        const char *last = g_ptr_array_index(t->pieces, t->pieces->len - 1);
        cut(q, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, last, plain, NULL, 1);
        t->plain_last = plain->len ? g_strdup(g_ptr_array_index(plain, 0)) : NULL;
        g_ptr_array_unref(plain);
        if (t->plain_last == NULL)
            t->prefix = FALSE;
    }
    q->words += t->stems->len;
    g_ptr_array_add(q->terms, t);
    return TRUE;
}

/* ---------------------------------------------------------------- the editor's grammar */

static gboolean
is_space(gunichar c)
{
    return g_unichar_isspace(c) || c < 0x20 || c == 0xFFFD;
}

gboolean
pd_query_add_words(PdQuery *q, const char *typed, GError **error)
{
    if (typed == NULL)
        return TRUE;
    /* Bytes that are not UTF-8 become U+FFFD, which separates words like a space. */
    g_autofree char *clean = g_utf8_make_valid(typed, -1);
    gboolean negate_next = FALSE, or_pending = FALSE;
    int last_group = -1; /* the group of the last term that must match */
    const char *p = clean;
    while (*p) {
        gunichar c = g_utf8_get_char(p);
        if (is_space(c)) {
            p = g_utf8_next_char(p);
            continue;
        }
        gboolean excluded = negate_next, prefix = FALSE;
        negate_next = FALSE;
        if (c == '-' && p[1] && !is_space(g_utf8_get_char(p + 1))) {
            excluded = TRUE;
            p++;
        }
        g_autofree char *text = NULL;
        if (*p == '"') {
            /* a phrase, to the closing quote or the end */
            const char *start = ++p;
            const char *close = strchr(p, '"');
            const char *end = close ? close : p + strlen(p);
            text = g_strndup(start, (gsize)(end - start));
            p = close ? close + 1 : end;
            if (*p == '*') {
                prefix = TRUE;
                p++;
            }
        } else {
            const char *start = p;
            while (*p && !is_space(g_utf8_get_char(p)))
                p = g_utf8_next_char(p);
            text = g_strndup(start, (gsize)(p - start));
            gsize n = strlen(text);
            while (n > 0 && text[n - 1] == '*') {
                text[--n] = 0;
                prefix = TRUE;
            }
            if (!excluded && !prefix) {
                if (strcmp(text, "OR") == 0) {
                    or_pending = last_group >= 0;
                    continue;
                }
                if (strcmp(text, "AND") == 0)
                    continue;
                if (strcmp(text, "NOT") == 0) {
                    negate_next = TRUE;
                    continue;
                }
            }
        }
        /* OR joins this term to the previous one's group; an OR next to an excluded term
         * means nothing and is ignored */
        int group = -1;
        if (!excluded) {
            group = or_pending ? last_group : q->groups;
            or_pending = FALSE;
        }
        guint before = q->terms->len;
        if (!add_term(q, text, prefix, excluded, PD_QUERY_ALL_COLUMNS, group, error))
            return FALSE;
        if (!excluded && q->terms->len > before) {
            if (group == q->groups)
                q->groups++;
            last_group = group;
        }
    }
    return TRUE;
}

gboolean
pd_query_add_phrase(PdQuery *q, guint columns, const char *value, GError **error)
{
    if (value == NULL || *value == 0)
        return TRUE;
    g_autofree char *clean = g_utf8_make_valid(value, -1);
    guint before = q->terms->len;
    if (!add_term(q, clean, FALSE, FALSE, columns, q->groups, error))
        return FALSE;
    if (q->terms->len == before)
        q->impossible = TRUE; /* nothing searchable in it ("--credit -"): it matches nothing */
    else
        q->groups++;
    return TRUE;
}

gboolean
pd_query_impossible(const PdQuery *q)
{
    return q->impossible;
}

/* ---------------------------------------------------------------- as FTS5 */

static void
append_string(GString *out, const char *text)
{
    g_string_append_c(out, '"');
    for (const char *s = text; *s; s++) {
        if (*s == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

/* All the words of @t, the last perhaps as a prefix. */
static void
append_words(GString *out, const QueryTerm *t, gboolean prefix)
{
    if (t->pieces->len > 1)
        g_string_append_c(out, '(');
    for (guint i = 0; i < t->pieces->len; i++) {
        if (i)
            g_string_append(out, " AND ");
        append_string(out, g_ptr_array_index(t->pieces, i));
    }
    if (prefix)
        g_string_append_c(out, '*');
    if (t->pieces->len > 1)
        g_string_append_c(out, ')');
}

static void
append_columns(GString *out, guint columns)
{
    if (columns == PD_QUERY_ALL_COLUMNS)
        return;
    g_string_append_c(out, '{');
    for (int i = 0, n = 0; i < PD_QUERY_COLUMNS; i++)
        if (columns & (1u << i))
            g_string_append_printf(out, "%s%s", n++ ? " " : "", column_names[i]);
    g_string_append(out, "} : ");
}

static void
append_term(GString *out, const QueryTerm *t)
{
    append_columns(out, t->columns);
    if (!t->prefix) {
        append_words(out, t, FALSE);
        return;
    }
    g_string_append_c(out, '(');
    append_words(out, t, FALSE);
    g_string_append(out, " OR ");
    append_words(out, t, TRUE);
    g_string_append_c(out, ')');
}

char *
pd_query_expression(const PdQuery *q)
{
    GString *out = g_string_new(NULL);
    for (int g = 0; g < q->groups; g++) {
        guint in_group = 0;
        for (guint i = 0; i < q->terms->len; i++)
            in_group += ((QueryTerm *)g_ptr_array_index(q->terms, i))->group == g;
        if (in_group == 0)
            continue;
        if (out->len)
            g_string_append(out, " AND ");
        if (in_group > 1)
            g_string_append_c(out, '(');
        guint n = 0;
        for (guint i = 0; i < q->terms->len; i++) {
            const QueryTerm *t = g_ptr_array_index(q->terms, i);
            if (t->group != g)
                continue;
            if (n++)
                g_string_append(out, " OR ");
            append_term(out, t);
        }
        if (in_group > 1)
            g_string_append_c(out, ')');
    }
    return out->len ? g_string_free(out, FALSE) : (g_string_free(out, TRUE), NULL);
}

char *
pd_query_excluded(const PdQuery *q)
{
    /* Only single words: the index cannot tell a phrase from its words anywhere, so an
     * excluded phrase is left to the check. */
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < q->terms->len; i++) {
        const QueryTerm *t = g_ptr_array_index(q->terms, i);
        if (!t->excluded || t->stems->len > 1)
            continue;
        if (out->len)
            g_string_append(out, " OR ");
        append_term(out, t);
    }
    return out->len ? g_string_free(out, FALSE) : (g_string_free(out, TRUE), NULL);
}

gboolean
pd_query_needs_check(const PdQuery *q)
{
    for (guint i = 0; i < q->terms->len; i++)
        if (((QueryTerm *)g_ptr_array_index(q->terms, i))->stems->len > 1)
            return TRUE;
    return FALSE;
}

/* ---------------------------------------------------------------- as tsquery */

/* On PostgreSQL the index is a tsvector of the tokens photodesk's tokenizer made
 * (pd_catalog_pg_words()): each word at its place in its column, the columns apart, so
 * that "a b" is exactly 'a' <-> 'b', and the words of the columns filters look in also
 * under their column's name. So the whole query, phrases and excluded phrases too, is one
 * tsquery, with nothing left to check. */

/* @word as a tsquery lexeme, within @column's words (-1: any column). */
static void
append_lexeme(GString *out, int column, const char *word, gboolean prefix)
{
    g_string_append_c(out, '\'');
    if (column >= 0)
        g_string_append_printf(out, PD_WORDS_COLUMN_FORMAT, column);
    gsize n = pd_words_clip(word, strlen(word));
    for (const char *s = word; s < word + n; s++) {
        if (*s == '\'' || *s == '\\')
            g_string_append_c(out, *s);
        g_string_append_c(out, *s);
    }
    g_string_append_c(out, '\'');
    if (prefix)
        g_string_append(out, ":*");
}

/* The lexeme that stands for the words starting with @plain's first three letters
 * (words-pg.c), into @out; FALSE when @plain is shorter (no such lexeme: the prefix is
 * looked up as one). */
static gboolean
append_first_three(GString *out, const char *plain)
{
    const char *end = plain;
    for (int i = 0; i < PD_WORDS_PREFIX && *end; i++)
        end = g_utf8_next_char(end);
    if (g_utf8_strlen(plain, end - plain) < PD_WORDS_PREFIX)
        return FALSE;
    g_autofree char *three =
        g_strdup_printf(PD_WORDS_PREFIX_MARK "%.*s", (int)(end - plain), plain);
    append_lexeme(out, -1, three, FALSE);
    return TRUE;
}

static void
append_ts_words(GString *out, const QueryTerm *t, int column)
{
    g_string_append_c(out, '(');
    for (guint i = 0; i < t->stems->len; i++) {
        const char *stem = g_ptr_array_index(t->stems, i);
        if (i)
            g_string_append(out, " <-> ");
        if (t->prefix && i + 1 == t->stems->len) {
            g_string_append_c(out, '(');
            append_lexeme(out, column, stem, FALSE);
            g_string_append(out, " | ");
            /* a word's first three letters are a lexeme of their own: a prefix of three,
             * in any column and not in a phrase, is exactly that lexeme (one entry of the
             * index, where 'tis':* reads every word that starts so), and the whole query is
             * then what the index finds, with nothing to check */
            if (column < 0 && t->stems->len == 1 &&
                g_utf8_strlen(t->plain_last, -1) == PD_WORDS_PREFIX)
                append_first_three(out, t->plain_last);
            else
                append_lexeme(out, column, t->plain_last, TRUE);
            g_string_append_c(out, ')');
        } else {
            append_lexeme(out, column, stem, FALSE);
        }
    }
    g_string_append_c(out, ')');
}

static void
append_ts_term(GString *out, const QueryTerm *t)
{
    if (t->columns == PD_QUERY_ALL_COLUMNS) {
        append_ts_words(out, t, -1);
        return;
    }
    g_string_append_c(out, '(');
    for (int c = 0, n = 0; c < PD_QUERY_COLUMNS; c++) {
        if (!(t->columns & PD_QUERY_COLUMN(c)))
            continue;
        if (n++)
            g_string_append(out, " | ");
        append_ts_words(out, t, c);
    }
    g_string_append_c(out, ')');
}

/* Each group's terms, as @term writes them (any of them), every group (all of them). */
static void
append_groups(GString *out, const PdQuery *q, void (*term)(GString *, const QueryTerm *))
{
    for (int g = 0; g < q->groups; g++) {
        guint n = 0;
        for (guint i = 0; i < q->terms->len; i++) {
            const QueryTerm *t = g_ptr_array_index(q->terms, i);
            if (t->group != g)
                continue;
            g_string_append(out, n++ ? " | " : out->len ? " & (" : "(");
            term(out, t);
        }
        if (n)
            g_string_append_c(out, ')');
    }
}

char *
pd_query_tsquery(const PdQuery *q)
{
    GString *out = g_string_new(NULL);
    append_groups(out, q, append_ts_term);
    for (guint i = 0; i < q->terms->len; i++) {
        const QueryTerm *t = g_ptr_array_index(q->terms, i);
        if (!t->excluded)
            continue;
        g_string_append(out, out->len ? " & !" : "!");
        append_ts_term(out, t);
    }
    return out->len ? g_string_free(out, FALSE) : (g_string_free(out, TRUE), NULL);
}

/* @t's words, all of them, in any order and column; a prefix by its first letters. */
static void
append_coarse_term(GString *out, const QueryTerm *t)
{
    g_string_append_c(out, '(');
    for (guint k = 0; k < t->stems->len; k++) {
        const char *stem = g_ptr_array_index(t->stems, k);
        if (k)
            g_string_append(out, " & ");
        if (t->prefix && k + 1 == t->stems->len) {
            g_string_append_c(out, '(');
            append_lexeme(out, -1, stem, FALSE);
            g_string_append(out, " | ");
            if (!append_first_three(out, t->plain_last))
                append_lexeme(out, -1, t->plain_last, TRUE);
            g_string_append_c(out, ')');
        } else {
            append_lexeme(out, -1, stem, FALSE);
        }
    }
    g_string_append_c(out, ')');
}

char *
pd_query_tsquery_coarse(const PdQuery *q)
{
    /* what the index can look up fast; phrases, columns, prefixes and exclusions are for
     * the check */
    GString *out = g_string_new(NULL);
    append_groups(out, q, append_coarse_term);
    return out->len ? g_string_free(out, FALSE) : (g_string_free(out, TRUE), NULL);
}

/* ---------------------------------------------------------------- the check */

static gboolean
found_in(const QueryTerm *t, GPtrArray *words)
{
    guint n = t->stems->len;
    for (guint i = 0; i + n <= words->len; i++) {
        guint k = 0;
        while (k + 1 < n &&
               strcmp(g_ptr_array_index(words, i + k), g_ptr_array_index(t->stems, k)) == 0)
            k++;
        if (k + 1 < n)
            continue;
        const char *word = g_ptr_array_index(words, i + k);
        if (strcmp(word, g_ptr_array_index(t->stems, k)) == 0 ||
            (t->prefix && g_str_has_prefix(word, t->plain_last)))
            return TRUE;
    }
    return FALSE;
}

static gboolean
term_matches(PdQuery *q, const QueryTerm *t, sqlite3_value **columns)
{
    for (int c = 0; c < PD_QUERY_COLUMNS; c++) {
        if (!(t->columns & (1u << c)))
            continue;
        if (q->row[c] == NULL) {
            q->row[c] = g_ptr_array_new_with_free_func(g_free);
            const char *text = (const char *)sqlite3_value_text(columns[c]);
            if (text)
                cut(q, FTS5_TOKENIZE_DOCUMENT, text, q->row[c], NULL, G_MAXUINT);
        }
        if (found_in(t, q->row[c]))
            return TRUE;
    }
    return FALSE;
}

gboolean
pd_query_check(PdQuery *q, sqlite3_value **columns)
{
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < q->terms->len; i++) {
        const QueryTerm *t = g_ptr_array_index(q->terms, i);
        if (t->excluded && term_matches(q, t, columns))
            ok = FALSE;
    }
    for (int g = 0; ok && g < q->groups; g++) {
        gboolean any = FALSE, seen = FALSE;
        for (guint i = 0; !any && i < q->terms->len; i++) {
            const QueryTerm *t = g_ptr_array_index(q->terms, i);
            if (t->group != g)
                continue;
            seen = TRUE;
            any = term_matches(q, t, columns);
        }
        ok = any || !seen;
    }
    forget_row(q);
    return ok;
}

/* ---------------------------------------------------------------- the snippet */

/* The words of the terms a caption can match, one after another: word j of the whole
 * query is term words[j].term's word words[j].k, as the index holds it (stem), and for
 * the last word of a prefix term, as typed (plain). */
typedef struct {
    const QueryTerm *term;
    guint k;
    const char *stem, *plain;
    gsize stem_len, plain_len;
} TermWord;

typedef struct {
    const PdQuery *q;
    const TermWord *words;
    guint n;
    char first[256]; /* the first bytes of the words: a caption word starting otherwise is none */
    GArray *spans;   /* start, end of each caption word */
    GArray *masks;   /* guint64 per caption word: bit j when it is query word j */
} Snip;

/* A caption word as the index holds it. Words longer than text[] (no editor types
 * those) are left unmarked. */
typedef struct {
    char text[256];
    gsize len;
    gboolean whole, seen;
} Stem;

static int
take_stem(void *data, int flags, const char *token, int len, int start, int end)
{
    (void)start;
    (void)end;
    Stem *stem = data;
    if ((flags & FTS5_TOKEN_COLOCATED) || stem->seen)
        return SQLITE_OK;
    stem->seen = TRUE;
    stem->whole = len >= 0 && (gsize)len <= sizeof stem->text;
    stem->len = stem->whole ? (gsize)len : 0;
    memcpy(stem->text, token, stem->len);
    return SQLITE_OK;
}

/* Each caption word as the plain tokenizer cuts it (folded, not stemmed). Porter only
 * changes a word's ending, so a word whose first letter starts none of the query's words
 * is not stemmed at all: most of a caption's words. */
static int
snip_word(void *data, int flags, const char *token, int len, int start, int end)
{
    Snip *s = data;
    if (flags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    guint64 mask = 0;
    if (len > 0 && s->first[(guchar)token[0]]) {
        Stem stem = {.whole = FALSE};
        s->q->tokenizer.xTokenize(s->q->instance, &stem, FTS5_TOKENIZE_DOCUMENT, token, len,
                                  take_stem);
        for (guint j = 0; stem.whole && j < s->n; j++) {
            const TermWord *w = &s->words[j];
            gboolean same = w->stem_len == stem.len && memcmp(w->stem, stem.text, stem.len) == 0;
            if (!same && w->plain)
                same = w->plain_len <= stem.len && memcmp(w->plain, stem.text, w->plain_len) == 0;
            if (same)
                mask |= G_GUINT64_CONSTANT(1) << j;
        }
    }
    int span[2] = {start, end};
    g_array_append_vals(s->spans, span, 2);
    g_array_append_val(s->masks, mask);
    return SQLITE_OK;
}

char *
pd_query_snippet(PdQuery *q, const char *caption, int words)
{
    if (caption == NULL)
        return NULL;
    /* the query's words that the caption column can hold (at most 64: the query's cap) */
    TermWord tw[64];
    guint nw = 0;
    Snip s = {.q = q, .words = tw};
    for (guint i = 0; i < q->terms->len; i++) {
        const QueryTerm *t = g_ptr_array_index(q->terms, i);
        if (t->excluded || !(t->columns & PD_QUERY_COLUMN(0)))
            continue;
        for (guint k = 0; k < t->stems->len && nw < G_N_ELEMENTS(tw); k++) {
            TermWord *w = &tw[nw++];
            *w = (TermWord){t, k, g_ptr_array_index(t->stems, k), NULL, 0, 0};
            w->stem_len = strlen(w->stem);
            if (t->prefix && k + 1 == t->stems->len && t->plain_last) {
                w->plain = t->plain_last;
                w->plain_len = strlen(w->plain);
            }
            if (w->stem_len)
                s.first[(guchar)w->stem[0]] = 1;
            if (w->plain_len)
                s.first[(guchar)w->plain[0]] = 1;
        }
    }
    s.n = nw;
    int len = (int)MIN(strlen(caption), (gsize)G_MAXINT);
    guint guess = (guint)len / 5 + 8;
    s.spans = g_array_sized_new(FALSE, FALSE, sizeof(int), 2 * guess);
    s.masks = g_array_sized_new(FALSE, FALSE, sizeof(guint64), guess);
    q->tokenizer.xTokenize(q->instance, &s, FTS5_TOKENIZE_PREFIX, caption, len, snip_word);
    guint n = s.masks->len;
    const guint64 *mask = (const guint64 *)s.masks->data;
    gboolean *marked = g_new0(gboolean, n + 1);
    /* a term matches where its words follow one another */
    for (guint j = 0; j < nw;) {
        const QueryTerm *t = tw[j].term;
        guint tn = t->stems->len;
        for (guint w = 0; w + tn <= n; w++) {
            guint k = 0;
            while (k < tn && (mask[w + k] >> (j + k)) & 1)
                k++;
            if (k == tn)
                for (k = 0; k < tn; k++)
                    marked[w + k] = TRUE;
        }
        j += tn;
    }
    /* the window of @words words with the most matches, the first of them if tied... */
    guint width = MIN((guint)MAX(words, 1), n), start = 0, best = 0, in = 0;
    for (guint i = 0; i < n; i++) {
        in += marked[i];
        if (i >= width)
            in -= marked[i - width];
        if (i + 1 >= width && in > best) {
            best = in;
            start = i + 1 - width;
        }
    }
    /* ...moved to put its matches in the middle, for the words around them */
    if (best > 0) {
        guint first = start, last = start + width - 1;
        while (!marked[first])
            first++;
        while (!marked[last])
            last--;
        guint middle = (first + last) / 2, half = width / 2;
        start = middle > half ? MIN(middle - half, n - width) : 0;
    }
    const int *at = (const int *)s.spans->data;
    gsize from = start == 0 || n == 0 ? 0 : (gsize)at[2 * start];
    gsize to = start + width >= n ? (gsize)len : (gsize)at[2 * (start + width - 1) + 1];
    GString *out = g_string_new(from > 0 ? "\xe2\x80\xa6" : "");
    gsize pos = from;
    for (guint i = start; i < start + width; i++) {
        if (!marked[i])
            continue;
        gsize b = (gsize)at[2 * i], e = (gsize)at[2 * i + 1];
        g_string_append_len(out, caption + pos, (gssize)(b - pos));
        g_string_append(out, PD_SNIPPET_OPEN);
        g_string_append_len(out, caption + b, (gssize)(e - b));
        g_string_append(out, PD_SNIPPET_CLOSE);
        pos = e;
    }
    g_string_append_len(out, caption + pos, (gssize)(to - pos));
    if (to < (gsize)len)
        g_string_append(out, "\xe2\x80\xa6");
    g_free(marked);
    g_array_unref(s.spans);
    g_array_unref(s.masks);
    return g_string_free(out, FALSE);
}

void
pd_query_check_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    PdQuery *q = sqlite3_value_pointer(argv[0], PD_QUERY_POINTER);
    if (q == NULL || argc != PD_QUERY_COLUMNS + 1) {
        sqlite3_result_error(ctx, "pd_check: no query", -1);
        return;
    }
    sqlite3_result_int(ctx, pd_query_check(q, argv + 1));
}

/* ---------------------------------------------------------------- the public builder */

gboolean
pd_catalog_build_query(PdCatalog *catalog, const char *text, char **positive, char **excluded,
                       GError **error)
{
    *positive = NULL;
    *excluded = NULL;
    PdQuery *q = pd_query_new(pd_catalog_words_db(catalog), error);
    if (q == NULL)
        return FALSE;
    gboolean ok = pd_query_add_words(q, text, error);
    if (ok) {
        *positive = pd_query_expression(q);
        *excluded = pd_query_excluded(q);
    }
    pd_query_free(q);
    return ok;
}
