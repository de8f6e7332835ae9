/* codes.c: code replacements, as Photo Mechanic has them. A desk keeps a table of short
 * codes ("put") and what each stands for ("Russian President Vladimir Putin", and more
 * forms in further columns); typed between delimiters in a caption field ("=put="), a
 * code is replaced by its first form, "=put#2=" by its second. Codes are case-sensitive.
 *
 * The table is read from and written to Photo Mechanic's file: UTF-8 text, one code a
 * line, the code and its forms separated by tabs, lines starting with "//" comments. */
#include "caption/caption.h"

#include <string.h>

G_DEFINE_QUARK(pd - caption - error - quark, pd_caption_error)

void
pd_code_free(PdCode *code)
{
    if (code == NULL)
        return;
    g_free(code->code);
    g_strfreev(code->forms);
    g_free(code);
}

gboolean
pd_code_valid(const char *code, char delimiter)
{
    gsize n = code ? strlen(code) : 0;
    if (n == 0 || n > PD_CODE_MAX || !g_utf8_validate(code, -1, NULL))
        return FALSE;
    for (const char *p = code; *p; p++)
        if (*p == delimiter || *p == '#' || g_ascii_isspace(*p) || (guchar)*p < 0x20)
            return FALSE;
    return TRUE;
}

/* A form: UTF-8 on one line, without tabs, at most PD_CODE_FORM_MAX bytes. */
static gboolean
form_valid(const char *form)
{
    if (form == NULL || *form == 0 || strlen(form) > PD_CODE_FORM_MAX ||
        !g_utf8_validate(form, -1, NULL))
        return FALSE;
    for (const guchar *p = (const guchar *)form; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return FALSE;
    return TRUE;
}

GPtrArray *
pd_codes_parse(const char *text, gsize len, char delimiter, GError **error)
{
    if (!g_utf8_validate_len(text, len, NULL)) {
        /* the line that is not UTF-8, for the person who made the file */
        const char *bad = NULL;
        g_utf8_validate_len(text, len, &bad);
        int line = 1;
        for (const char *p = text; p < bad; p++)
            line += *p == '\n';
        g_set_error(error, PD_CAPTION_ERROR, PD_CAPTION_ERROR_CODES,
                    "line %d is not UTF-8 text (save the file as UTF-8)", line);
        return NULL;
    }
    g_autofree char *copy = g_strndup(text, len);
    const char *start = copy;
    if (g_str_has_prefix(start, "\xef\xbb\xbf"))
        start += 3; /* a byte order mark, as some editors write */
    g_auto(GStrv) lines = g_strsplit(start, "\n", -1);
    GPtrArray *codes = g_ptr_array_new_with_free_func((GDestroyNotify)pd_code_free);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 0; lines[i]; i++) {
        char *line = lines[i];
        gsize n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[--n] = 0;
        const char *lead = line;
        while (*lead == ' ')
            lead++;
        if (*lead == 0 || g_str_has_prefix(lead, "//"))
            continue;
        g_auto(GStrv) columns = g_strsplit(line, "\t", -1);
        g_autofree char *code = g_strstrip(g_strdup(columns[0]));
        GPtrArray *forms = g_ptr_array_new();
        for (int c = 1; columns[c]; c++) {
            g_autofree char *form = g_strstrip(g_strdup(columns[c]));
            if (*form)
                g_ptr_array_add(forms, g_steal_pointer(&form));
        }
        g_ptr_array_add(forms, NULL);
        g_auto(GStrv) owned = (GStrv)g_ptr_array_free(forms, FALSE);
        const char *why =
            !pd_code_valid(code, delimiter)
                ? "the code is empty, too long, or holds a space, '#' or the delimiter"
            : owned[0] == NULL                  ? "a code needs a replacement after a tab"
            : g_hash_table_contains(seen, code) ? "the code is there twice"
                                                : NULL;
        for (int f = 0; why == NULL && owned[f]; f++)
            if (!form_valid(owned[f]))
                why = "a replacement is too long or holds a control character";
        if (why) {
            g_set_error(error, PD_CAPTION_ERROR, PD_CAPTION_ERROR_CODES, "line %d (\"%.40s\"): %s",
                        i + 1, code, why);
            g_ptr_array_unref(codes);
            return NULL;
        }
        PdCode *entry = g_new0(PdCode, 1);
        entry->code = g_steal_pointer(&code);
        entry->forms = g_steal_pointer(&owned);
        g_hash_table_add(seen, entry->code);
        g_ptr_array_add(codes, entry);
    }
    return codes;
}

char *
pd_codes_format(GPtrArray *codes)
{
    GString *o = g_string_new(NULL);
    for (guint i = 0; i < codes->len; i++) {
        const PdCode *c = g_ptr_array_index(codes, i);
        g_string_append(o, c->code);
        for (int f = 0; c->forms[f]; f++)
            g_string_append_printf(o, "\t%s", c->forms[f]);
        g_string_append_c(o, '\n');
    }
    return g_string_free(o, FALSE);
}

char *
pd_codes_expand(const char *text, char delimiter, PdCodeLookup lookup, gpointer user_data,
                GPtrArray *unknown)
{
    if (text == NULL)
        return NULL;
    GString *o = g_string_new(NULL);
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, delimiter);
        if (open == NULL)
            break;
        const char *close = strchr(open + 1, delimiter);
        if (close == NULL)
            break;
        g_string_append_len(o, p, open - p);
        /* =code= or =code#N=: N from 1 (the first form) to 9 */
        g_autofree char *inside = g_strndup(open + 1, (gsize)(close - open - 1));
        int which = 1;
        char *hash = strrchr(inside, '#');
        if (hash && hash[1] >= '1' && hash[1] <= '9' && hash[2] == 0) {
            which = hash[1] - '0';
            *hash = 0;
        }
        const char *const *forms =
            pd_code_valid(inside, delimiter) ? lookup(inside, user_data) : NULL;
        int count = forms ? (int)g_strv_length((char **)forms) : 0;
        if (which <= count) {
            g_string_append(o, forms[which - 1]);
            p = close + 1;
            continue;
        }
        /* not a code: the first delimiter is text, the second may open one */
        if (unknown && pd_code_valid(inside, delimiter))
            g_ptr_array_add(unknown, g_strndup(open, (gsize)(close - open + 1)));
        g_string_append_c(o, delimiter);
        p = open + 1;
    }
    g_string_append(o, p);
    return g_string_free(o, FALSE);
}

/* ---------------------------------------------------------------- names spelled as the desk spells
 * them */

/* A word as compared: lower case, without accents. */
typedef struct {
    char *folded;
    const char *start, *end; /* in the text */
} Word;

/* The word from @start to @end as compared: lower case, without accents (ASCII at once). */
static char *
folded(const char *start, const char *end)
{
    gboolean ascii = TRUE;
    for (const char *q = start; ascii && q < end; q++)
        ascii = (guchar)*q < 0x80;
    if (ascii)
        return g_ascii_strdown(start, end - start);
    g_autofree char *w = g_strndup(start, (gsize)(end - start));
    g_autofree char *plain = g_str_to_ascii(w, "C");
    return g_ascii_strdown(plain, -1);
}

static GArray *
words_of(const char *text)
{
    GArray *words = g_array_new(FALSE, FALSE, sizeof(Word));
    const char *p = text;
    while (p && *p) {
        while (*p && !g_unichar_isalnum(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        if (*p == 0)
            break;
        const char *start = p;
        while (*p && g_unichar_isalnum(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        Word word = {folded(start, p), start, p};
        g_array_append_val(words, word);
    }
    return words;
}

static void
words_free(GArray *words)
{
    for (guint i = 0; i < words->len; i++)
        g_free(g_array_index(words, Word, i).folded);
    g_array_unref(words);
}

/* Levenshtein distance between @a and @b, or @most + 1 when it is more than @most. */
static guint
distance(const char *a, const char *b, guint most)
{
    gsize n = strlen(a), m = strlen(b);
    if ((n > m ? n - m : m - n) > most)
        return most + 1;
    g_autofree guint *row = g_new(guint, m + 1);
    for (gsize j = 0; j <= m; j++)
        row[j] = (guint)j;
    for (gsize i = 1; i <= n; i++) {
        guint diag = row[0], best = (guint)i;
        row[0] = (guint)i;
        for (gsize j = 1; j <= m; j++) {
            guint up = row[j];
            guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
            diag = up;
            best = MIN(best, row[j]);
        }
        if (best > most)
            return most + 1;
    }
    return row[m];
}

static char *
joined(GArray *words, guint from, guint n)
{
    GString *s = g_string_new(NULL);
    for (guint k = 0; k < n; k++)
        g_string_append_printf(s, "%s%s", k ? " " : "",
                               g_array_index(words, Word, from + k).folded);
    return g_string_free(s, FALSE);
}

void
pd_codes_name_checks(const char *field, const char *text, GPtrArray *codes, GPtrArray *checks)
{
    if (text == NULL || codes == NULL || codes->len == 0)
        return;
    GArray *words = words_of(text);
    g_autoptr(GHashTable) said = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint c = 0; c < codes->len; c++) {
        const PdCode *code = g_ptr_array_index(codes, c);
        for (int f = 0; code->forms[f]; f++) {
            /* a name: two to five words, each starting with a capital */
            GArray *name = words_of(code->forms[f]);
            gboolean is_name = name->len >= 2 && name->len <= 5;
            for (guint k = 0; is_name && k < name->len; k++)
                is_name = g_unichar_isupper(g_utf8_get_char(g_array_index(name, Word, k).start));
            g_autofree char *want = is_name ? joined(name, 0, name->len) : NULL;
            for (guint i = 0; want && strlen(want) >= 8 && i + name->len <= words->len; i++) {
                g_autofree char *have = joined(words, i, name->len);
                guint d = distance(have, want, 2);
                if (d == 0 || d > 2)
                    continue;
                const char *from = g_array_index(words, Word, i).start;
                const char *to = g_array_index(words, Word, i + name->len - 1).end;
                char *as_written = g_strndup(from, (gsize)(to - from));
                if (!g_hash_table_add(said, as_written))
                    continue;
                PdCheck *check = g_new0(PdCheck, 1);
                check->code = g_strdup("name_spelling");
                check->field = g_strdup(field);
                check->message =
                    g_strdup_printf("\"%s\": the desk's code table spells it \"%s\" (=%s%s%s=).",
                                    as_written, code->forms[f], code->code, f ? "#" : "",
                                    f ? (const char[]){(char)('1' + f), 0} : "");
                g_ptr_array_add(checks, check);
            }
            words_free(name);
        }
    }
    words_free(words);
}

/* ---------------------------------------------------------------- a name written two ways */

void
pd_name_pair_free(PdNamePair *pair)
{
    if (pair == NULL)
        return;
    g_free(pair->written);
    g_free(pair->first);
    g_free(pair->second);
    g_free(pair);
}

/* The character at @p and the one after it: ASCII read at once, the rest as UTF-8. */
static inline gunichar
char_at(const char *p, const char **next)
{
    if ((guchar)*p < 0x80) {
        *next = p + 1;
        return (guchar)*p;
    }
    *next = g_utf8_next_char(p);
    return g_utf8_get_char(p);
}

static inline gboolean
alnum(gunichar c)
{
    return c < 0x80 ? g_ascii_isalnum((char)c) : g_unichar_isalnum(c);
}

/* Whether the word from @start to @end is capitalised: a capital, then a lower-case
 * letter (not "AP", "EPA", "15"). */
static gboolean
capitalised(const char *start, const char *end)
{
    const char *next;
    gunichar c = char_at(start, &next);
    if (c < 0x80 ? !g_ascii_isupper((char)c) : !g_unichar_isupper(c))
        return FALSE;
    if (next >= end)
        return FALSE;
    gunichar d = char_at(next, &next);
    return d < 0x80 ? g_ascii_islower((char)d) : g_unichar_islower(d);
}

GPtrArray *
pd_name_pairs(const char *text)
{
    GPtrArray *pairs = g_ptr_array_new_with_free_func((GDestroyNotify)pd_name_pair_free);
    if (text == NULL)
        return pairs;
    const char *prev_start = NULL, *prev_end = NULL; /* the capitalised word before */
    const char *p = text, *next;
    while (*p) {
        const char *gap = p;
        gboolean spaced = TRUE; /* only spaces between the words, no line break */
        gunichar c;
        while (*p && !alnum(c = char_at(p, &next))) {
            spaced = spaced && c != '\n' && c != '\r' && g_unichar_isspace(c);
            p = next;
        }
        if (*p == 0)
            break;
        spaced = spaced && p > gap;
        const char *start = p;
        while (*p && alnum(char_at(p, &next)))
            p = next;
        if (!capitalised(start, p)) {
            prev_start = NULL;
            continue;
        }
        if (prev_start && spaced) {
            char *written = g_strndup(prev_start, (gsize)(p - prev_start));
            gboolean again = FALSE; /* a caption has a handful of pairs: looked through */
            for (guint i = 0; i < pairs->len && !again; i++)
                again = strcmp(written, ((PdNamePair *)g_ptr_array_index(pairs, i))->written) == 0;
            if (again) {
                g_free(written);
            } else {
                PdNamePair *pair = g_new0(PdNamePair, 1);
                pair->written = written;
                pair->first = folded(prev_start, prev_end);
                pair->second = folded(start, p);
                g_ptr_array_add(pairs, pair);
            }
        }
        prev_start = start;
        prev_end = p;
    }
    return pairs;
}

/* Whether @a and @b are one word written two ways (see pd_name_pairs_variant()). */
static gboolean
word_variant(const char *a, const char *b)
{
    gsize n = MIN(strlen(a), strlen(b));
    if (n < 5 || a[0] != b[0])
        return FALSE;
    guint d = distance(a, b, 2);
    return d >= 1 && d <= (n >= 8 ? 2u : 1u);
}

gboolean
pd_name_pairs_variant(const PdNamePair *a, const PdNamePair *b)
{
    if (strcmp(a->first, b->first) == 0)
        return word_variant(a->second, b->second);
    if (strcmp(a->second, b->second) == 0)
        return word_variant(a->first, b->first);
    return FALSE;
}
