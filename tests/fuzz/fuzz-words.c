/* fuzz-words.c: libFuzzer target for what photodesk hands PostgreSQL as text: a photo's
 * full-text index as tsvector text (catalog/words-pg.c), made from the untrusted text of
 * its ten indexed columns, and a query as tsquery text (catalog/query.c), made from what
 * an editor typed. A tsvector PostgreSQL refuses would keep a photo out of the catalog
 * (its caption made to do it); a tsquery it refuses would fail a search.
 *
 * The input is lines: the query, then the ten columns (caption, headline, object name,
 * by-line, credit, source, city, country, keywords, credit line). Properties checked: no
 * memory error or undefined behaviour; the tsvector is lexemes in quotes (quotes doubled,
 * backslashes escaped), each 1 to 2047 bytes, in order, none twice, with places 1 to
 * 16383 ascending, each with an optional weight; the tsqueries' lexemes are 1 to 2047
 * bytes and their parentheses balance. */
#include "catalog/catalog-private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEXEME_LIMIT 2047

static void
fail(const char *what, const char *text)
{
    fprintf(stderr, "fuzz-words: %s: %.300s\n", what, text);
    abort();
}

/* The quoted lexeme at *@p (past the opening quote), unescaped into @out; *@p past the
 * closing quote. */
static void
lexeme(const char **p, GString *out, const char *whole)
{
    g_string_truncate(out, 0);
    for (;;) {
        char ch = **p;
        if (ch == '\0')
            fail("a lexeme is not closed", whole);
        (*p)++;
        if (ch == '\\') {
            if (**p == '\0')
                fail("a backslash ends the text", whole);
            g_string_append_c(out, *(*p)++);
        } else if (ch == '\'') {
            if (**p != '\'')
                break;
            g_string_append_c(out, '\'');
            (*p)++;
        } else {
            g_string_append_c(out, ch);
        }
    }
    if (out->len == 0 || out->len > LEXEME_LIMIT)
        fail("a lexeme's length", whole);
}

static void
check_tsvector(const char *v)
{
    g_autoptr(GString) word = g_string_new(NULL);
    g_autofree char *last = NULL;
    const char *p = v;
    while (*p) {
        if (p != v && *p++ != ' ')
            fail("lexemes are not one space apart", v);
        if (*p++ != '\'')
            fail("a lexeme is not quoted", v);
        lexeme(&p, word, v);
        if (last && strcmp(last, word->str) >= 0)
            fail("lexemes out of order, or twice", v);
        g_free(last);
        last = g_strdup(word->str);
        if (*p != ':')
            continue;
        long previous = 0;
        do {
            p++;
            char *end = NULL;
            long place = strtol(p, &end, 10);
            if (end == p || place < 1 || place > 16383 || place <= previous)
                fail("a place", v);
            previous = place;
            p = end;
            if (*p >= 'A' && *p <= 'D')
                p++;
        } while (*p == ',');
    }
}

static void
check_tsquery(const char *q)
{
    if (q == NULL)
        return;
    g_autoptr(GString) word = g_string_new(NULL);
    int depth = 0;
    for (const char *p = q; *p;) {
        char ch = *p++;
        if (ch == '\'') {
            lexeme(&p, word, q);
        } else if (ch == '(') {
            depth++;
        } else if (ch == ')') {
            if (--depth < 0)
                fail("a parenthesis closes nothing", q);
        } else if (!strchr(" &|!<->:*", ch)) {
            fail("a character outside the lexemes", p - 1);
        }
    }
    if (depth != 0)
        fail("parentheses do not balance", q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3 *db;
    if (db == NULL) {
        GError *error = NULL;
        if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
            !pd_catalog_register_functions(db, &error)) {
            fprintf(stderr, "fuzz-words: no tokenizer\n");
            abort();
        }
    }
    if (size > 64 * 1024)
        return 0;
    g_autofree char *text = g_strndup((const char *)data, size);
    g_auto(GStrv) lines = g_strsplit(text, "\n", PD_QUERY_COLUMNS + 1);
    guint n = g_strv_length(lines);
    const char *columns[PD_QUERY_COLUMNS] = {0};
    for (guint i = 1; i < n; i++)
        columns[i - 1] = lines[i];
    GError *error = NULL;
    char *words = pd_catalog_words_of(db, columns, &error);
    if (words == NULL)
        fail("no index made", error->message);
    check_tsvector(words);
    g_free(words);

    PdQuery *q = pd_query_new(db, &error);
    if (q == NULL)
        fail("no query", error->message);
    if (pd_query_add_words(q, n > 0 ? lines[0] : NULL, &error) &&
        pd_query_add_phrase(q, PD_QUERY_COLUMN(4) | PD_QUERY_COLUMN(9), n > 1 ? lines[1] : NULL,
                            &error)) {
        char *exact = pd_query_tsquery(q), *coarse = pd_query_tsquery_coarse(q);
        check_tsquery(exact);
        check_tsquery(coarse);
        g_free(exact);
        g_free(coarse);
    } else {
        g_clear_error(&error); /* too many words: refused, as it should be */
    }
    pd_query_free(q);
    return 0;
}
