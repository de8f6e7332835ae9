/* query.c: what an editor types, as an FTS5 expression that cannot go wrong.
 *
 * The editor's grammar is the search engines' one: words must all match, "a phrase"
 * matches in order, -word and -"a phrase" must not match, OR between two terms means
 * either, word* matches words starting so. Everything else is text: each term becomes an
 * FTS5 string literal ("term", with " doubled), which FTS5 tokenises with the index's
 * own tokenizer. So NEAR(, caption:x, ' OR 1=1 --, a lone " or * are words or nothing,
 * never operators, column filters or syntax errors.
 */
#include "catalog/catalog-private.h"

#include <string.h>

typedef struct {
    char *text;
    gboolean prefix;
    gboolean excluded;
    gboolean or_next; /* an OR follows this term */
} Term;

static void
term_clear(gpointer p)
{
    g_free(((Term *)p)->text);
}

static gboolean
word_char(gunichar c)
{
    GUnicodeType type = g_unichar_type(c);
    return g_unichar_isalnum(c) || type == G_UNICODE_NON_SPACING_MARK ||
           type == G_UNICODE_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK;
}

/* A term that FTS5 would find no word in ("'", "--", "*") is dropped. */
static gboolean
has_word(const char *s)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p))
        if (g_unichar_isalnum(g_utf8_get_char(p)))
            return TRUE; /* a mark alone makes no word */
    return FALSE;
}

static void
append_string(GString *out, const char *text, gsize n)
{
    g_string_append_c(out, '"');
    for (gsize i = 0; i < n; i++) {
        if (text[i] == '"')
            g_string_append(out, "\"\"");
        else
            g_string_append_c(out, text[i]);
    }
    g_string_append_c(out, '"');
}

/* A term as FTS5 strings. A prefix is the term searched whole (stemmed, so "cars*" finds
 * "car" and "firefighte*" finds "firefighters") or its last word as a prefix, not stemmed
 * (so "tis*" finds "tissue" without becoming "ti*"): ("christ the sav" OR "christ the" +
 * "sav"*). */
static void
append_literal(GString *out, const Term *t)
{
    gsize n = strlen(t->text);
    if (!t->prefix) {
        append_string(out, t->text, n);
        return;
    }
    /* the last run of letters, marks and digits (has_word() made sure there is one) */
    const char *end = t->text + n;
    while (end > t->text && !word_char(g_utf8_get_char(g_utf8_prev_char(end))))
        end = g_utf8_prev_char(end);
    const char *last = end;
    while (last > t->text && word_char(g_utf8_get_char(g_utf8_prev_char(last))))
        last = g_utf8_prev_char(last);
    g_string_append_c(out, '(');
    append_string(out, t->text, n);
    g_string_append(out, " OR ");
    if (last > t->text) {
        append_string(out, t->text, (gsize)(last - t->text));
        g_string_append(out, " + ");
    }
    append_string(out, last, (gsize)(end - last));
    g_string_append(out, "*)");
}

static gboolean
is_space(gunichar c)
{
    return g_unichar_isspace(c) || c == 0 || (c < 0x20) || c == 0xFFFD;
}

gboolean
pd_catalog_build_query(const char *text, char **positive, char **excluded, GError **error)
{
    *positive = NULL;
    *excluded = NULL;
    if (text == NULL)
        return TRUE;
    /* Bytes that are not UTF-8 become U+FFFD, which separates words like a space. */
    g_autofree char *clean = g_utf8_make_valid(text, -1);
    g_autoptr(GArray) terms = g_array_new(FALSE, TRUE, sizeof(Term));
    g_array_set_clear_func(terms, term_clear);

    gboolean negate_next = FALSE;
    const char *p = clean;
    while (*p) {
        gunichar c = g_utf8_get_char(p);
        if (is_space(c)) {
            p = g_utf8_next_char(p);
            continue;
        }
        gboolean negated = negate_next;
        negate_next = FALSE;
        if (c == '-' && p[1] && !is_space(g_utf8_get_char(p + 1))) {
            negated = TRUE;
            p++;
        }
        Term t = {NULL, FALSE, negated, FALSE};
        if (*p == '"') {
            /* a phrase, to the closing quote or the end */
            const char *start = ++p;
            const char *close = strchr(p, '"');
            const char *end = close ? close : p + strlen(p);
            t.text = g_strndup(start, (gsize)(end - start));
            p = close ? close + 1 : end;
            if (*p == '*') {
                t.prefix = TRUE;
                p++;
            }
        } else {
            const char *start = p;
            while (*p && !is_space(g_utf8_get_char(p)))
                p = g_utf8_next_char(p);
            t.text = g_strndup(start, (gsize)(p - start));
            gsize n = strlen(t.text);
            while (n > 0 && t.text[n - 1] == '*') {
                t.text[--n] = 0;
                t.prefix = TRUE;
            }
            if (!negated && !t.prefix) {
                if (strcmp(t.text, "OR") == 0) {
                    if (terms->len)
                        g_array_index(terms, Term, terms->len - 1).or_next = TRUE;
                    g_free(t.text);
                    continue;
                }
                if (strcmp(t.text, "AND") == 0) {
                    g_free(t.text);
                    continue;
                }
                if (strcmp(t.text, "NOT") == 0) {
                    negate_next = TRUE;
                    g_free(t.text);
                    continue;
                }
            }
        }
        if (!has_word(t.text)) {
            g_free(t.text);
            continue;
        }
        if (terms->len >= PD_CATALOG_MAX_TERMS) {
            g_free(t.text);
            g_set_error(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_QUERY,
                        "the query has more than %d words; use fewer", PD_CATALOG_MAX_TERMS);
            return FALSE;
        }
        g_array_append_val(terms, t);
    }

    /* Terms joined by OR form a group; groups must all match. An OR next to an excluded
     * term means nothing and is ignored. */
    GString *pos = g_string_new(NULL), *neg = g_string_new(NULL);
    gboolean in_group = FALSE;
    for (guint i = 0; i < terms->len; i++) {
        const Term *t = &g_array_index(terms, Term, i);
        if (t->excluded) {
            if (neg->len)
                g_string_append(neg, " OR ");
            append_literal(neg, t);
            continue;
        }
        const Term *next = i + 1 < terms->len ? &g_array_index(terms, Term, i + 1) : NULL;
        gboolean joins = t->or_next && next && !next->excluded;
        if (!in_group) {
            if (pos->len)
                g_string_append(pos, " AND ");
            if (joins)
                g_string_append_c(pos, '(');
        }
        append_literal(pos, t);
        if (joins) {
            g_string_append(pos, " OR ");
            in_group = TRUE;
        } else {
            if (in_group)
                g_string_append_c(pos, ')');
            in_group = FALSE;
        }
    }
    *positive = pos->len ? g_string_free(pos, FALSE) : (g_string_free(pos, TRUE), NULL);
    *excluded = neg->len ? g_string_free(neg, FALSE) : (g_string_free(neg, TRUE), NULL);
    return TRUE;
}
