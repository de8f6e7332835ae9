/* fuzz-caption.c: libFuzzer target for the caption readers: the credit trailer, the
 * restrictions (special instructions, editors' notes, embargo times), slug and the
 * caption checks.
 *
 * The input is a caption (made valid UTF-8 first, as every caption photodesk reads is);
 * its last line, when there are several, is also read as special instructions.
 * The raw bytes are also read as a code replacement file, and the caption expanded with
 * the codes it gives (or a table of its own when the file is refused).
 * Properties checked: no memory error or undefined behaviour, every string produced is
 * valid UTF-8, the body is never longer than the caption, and a file of codes read and
 * written reads the same. */
#include "caption/caption.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include <stdio.h>

#define valid(s) check_valid((s), #s)

static void
check_valid(const char *s, const char *what)
{
    if (s && !g_utf8_validate(s, -1, NULL)) {
        fprintf(stderr, "fuzz-caption: %s is not valid UTF-8\n", what);
        abort();
    }
}

static const char *const *
lookup(const char *code, gpointer table)
{
    return g_hash_table_lookup(table, code);
}

static const char fallback[] =
    "a\tAlpha\tA\nput\tRussian President Vladimir Putin\nzel\tVolodymyr Zelenskyy\n";

/* The input as a code replacement file; its codes expand @text. */
static void
codes(const uint8_t *data, size_t size, const char *text)
{
    char delimiter = size ? (char)(data[0] % 3 == 0 ? '=' : data[0] % 3 == 1 ? '\\' : '@') : '=';
    g_autoptr(GPtrArray) list = pd_codes_parse((const char *)data, size, delimiter, NULL);
    if (list) { /* written and read again: the same file */
        g_autofree char *file = pd_codes_format(list);
        valid(file);
        g_autoptr(GPtrArray) again = pd_codes_parse(file, strlen(file), delimiter, NULL);
        g_autofree char *twice = again ? pd_codes_format(again) : NULL;
        if (g_strcmp0(file, twice) != 0) {
            fprintf(stderr, "fuzz-caption: a code file does not read back the same\n");
            abort();
        }
    } else {
        list = pd_codes_parse(fallback, sizeof fallback - 1, delimiter, NULL);
    }
    g_autoptr(GHashTable) table = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; list && i < list->len; i++) {
        PdCode *c = g_ptr_array_index(list, i);
        g_hash_table_insert(table, c->code, c->forms);
    }
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *expanded = pd_codes_expand(text, delimiter, lookup, table, unknown);
    valid(expanded);
    for (guint i = 0; i < unknown->len; i++)
        valid(g_ptr_array_index(unknown, i));
    g_autoptr(GPtrArray) names = pd_caption_checks_new();
    pd_codes_name_checks("caption", text, list, names);
    for (guint i = 0; i < names->len; i++)
        valid(((PdCheck *)g_ptr_array_index(names, i))->message);
    /* names as pairs: each valid, and each compared with the others */
    g_autoptr(GPtrArray) pairs = pd_name_pairs(text);
    for (guint i = 0; i < pairs->len; i++) {
        const PdNamePair *a = g_ptr_array_index(pairs, i);
        valid(a->written);
        valid(a->first);
        valid(a->second);
        for (guint k = 0; k < pairs->len && k < 64; k++)
            (void)pd_name_pairs_variant(a, g_ptr_array_index(pairs, k));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    g_autofree char *raw = g_strndup((const char *)data, size);
    g_autofree char *text = g_utf8_make_valid(raw, -1);

    struct {
        PD_PHOTO_TEXT_MEMBERS;
        PdCaption reading;
    } photo = {0}, *m = &photo;
    pd_photo_text_init(&m->text);
    const char *nl = strrchr(text, '\n');
    m->caption = nl ? g_strndup(text, (gsize)(nl - text)) : g_strdup(text);
    m->special_instructions = nl ? g_strdup(nl + 1) : NULL;
    m->headline = g_strdup(m->caption);
    m->date_created = g_strdup("2023-04-15T23:41:07+03:00");
    pd_caption_read(&m->text, &m->reading);

    const PdCredit *c = &m->reading.credit;
    valid(c->body);
    valid(c->photographer);
    valid(c->agency);
    valid(c->credit_line);
    valid(c->tail);
    if (c->body && m->caption && strlen(c->body) > strlen(m->caption)) {
        fprintf(stderr, "fuzz-caption: body longer than the caption\n");
        abort();
    }
    valid(m->reading.restrictions.mandatory_credit_text);
    valid(m->reading.restrictions.embargo_until);
    valid(m->reading.restrictions.correction);
    for (guint i = 0; m->reading.restrictions.other && i < m->reading.restrictions.other->len; i++)
        valid(g_ptr_array_index(m->reading.restrictions.other, i));
    for (guint i = 0; i < m->reading.checks->len; i++)
        valid(((PdCheck *)g_ptr_array_index(m->reading.checks, i))->message);
    for (guint i = 0; i < m->reading.warnings->len; i++)
        valid(g_ptr_array_index(m->reading.warnings, i));
    GString *json = g_string_new("{");
    pd_json_photo_text(json, &m->text);
    pd_json_caption(json, &m->reading);
    g_string_append_c(json, '}');
    valid(json->str);
    g_string_free(json, TRUE);
    pd_photo_text_clear(&m->text);
    pd_caption_clear(&m->reading);
    codes(data, size, text);
    return 0;
}
