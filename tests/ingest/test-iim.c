/* test-iim.c: the IPTC-IIM dataset parser and the Photoshop resource walker. */
#include "ingest/iim.h"

#include <string.h>

/* Appends one dataset in the standard (short length) form. */
static void
put(GByteArray *b, guint8 record, guint8 dataset, const char *value)
{
    gsize n = strlen(value);
    guint8 head[5] = {0x1C, record, dataset, (guint8)(n >> 8), (guint8)n};
    g_byte_array_append(b, head, 5);
    g_byte_array_append(b, (const guint8 *)value, (guint)n);
}

static void
test_basic(void)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    put(b, 1, 90, "\x1b%G");
    put(b, 2, 0, "\x00\x04");
    put(b, 2, 120, "Putin attends an Orthodox Easter service.");
    put(b, 2, 25, "Religion");
    put(b, 2, 25, "Easter");
    g_autoptr(PdIimBlock) block = pd_iim_parse(b->data, b->len);
    g_assert_null(block->problem);
    g_assert_true(block->declares_utf8);
    g_assert_cmpuint(block->datasets->len, ==, 5);
    guint from = 0;
    const PdIimDataset *d = pd_iim_block_find(block, 2, 25, &from);
    g_assert_nonnull(d);
    g_assert_cmpstr((const char *)d->value, ==, "Religion");
    d = pd_iim_block_find(block, 2, 25, &from);
    g_assert_cmpstr((const char *)d->value, ==, "Easter");
    g_assert_null(pd_iim_block_find(block, 2, 25, &from));
    from = 0;
    d = pd_iim_block_find(block, 2, 120, &from);
    g_assert_cmpuint(d->len, ==, strlen("Putin attends an Orthodox Easter service."));
}

static void
test_extended_length(void)
{
    /* 2:120 with a 4-byte extended length of 40000 */
    g_autoptr(GByteArray) b = g_byte_array_new();
    guint8 head[9] = {0x1C, 2, 120, 0x80, 0x04, 0x00, 0x00, 0x9C, 0x40};
    g_byte_array_append(b, head, 9);
    g_autofree guint8 *value = g_malloc(40000);
    memset(value, 'x', 40000);
    g_byte_array_append(b, value, 40000);
    put(b, 2, 105, "Headline");
    g_autoptr(PdIimBlock) block = pd_iim_parse(b->data, b->len);
    g_assert_null(block->problem);
    g_assert_cmpuint(block->datasets->len, ==, 2);
    g_assert_cmpuint(g_array_index(block->datasets, PdIimDataset, 0).len, ==, 40000);
}

static void
test_charset_declarations(void)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    put(b, 1, 90, "\x1b-A"); /* ISO 8859-1 designation */
    g_autoptr(PdIimBlock) block = pd_iim_parse(b->data, b->len);
    g_assert_false(block->declares_utf8);
    g_assert_true(block->declares_other);
}

static void
test_damage(void)
{
    /* dataset length past the end: the datasets before it survive */
    g_autoptr(GByteArray) b = g_byte_array_new();
    put(b, 2, 105, "Headline");
    guint8 bad[5] = {0x1C, 2, 120, 0x7F, 0xF0};
    g_byte_array_append(b, bad, 5);
    g_byte_array_append(b, (const guint8 *)"short", 5);
    g_autoptr(PdIimBlock) block = pd_iim_parse(b->data, b->len);
    g_assert_nonnull(block->problem);
    g_assert_nonnull(strstr(block->problem, "2:120"));
    g_assert_cmpuint(block->datasets->len, ==, 1);

    /* a bad marker stops the walk */
    const guint8 junk[] = {0x1C, 2, 5, 0, 2, 'h', 'i', 0x42, 0x42, 0x42, 0x42, 0x42};
    g_autoptr(PdIimBlock) j = pd_iim_parse(junk, sizeof junk);
    g_assert_nonnull(j->problem);
    g_assert_cmpuint(j->datasets->len, ==, 1);

    /* NUL padding after the last dataset is not damage */
    const guint8 padded[] = {0x1C, 2, 5, 0, 2, 'h', 'i', 0, 0, 0, 0, 0, 0, 0};
    g_autoptr(PdIimBlock) p = pd_iim_parse(padded, sizeof padded);
    g_assert_null(p->problem);
    g_assert_cmpuint(p->datasets->len, ==, 1);
}

/* Crafted blocks of the kind that crash libiptcdata: extended lengths of every size,
 * lengths that wrap, headers cut short. None may read outside the buffer (run under
 * ASan) or loop. */
static void
test_crafted(void)
{
    const guint8 cases[][25] = {
        {0x1C, 2, 120, 0x80, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 'a'},
        {0x1C, 2, 120, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10},
        {0x1C, 2, 120, 0xFF, 0xFF, 0x00, 0x00},
        {0x1C, 2, 120, 0x80, 0x00, 0x1C, 2, 5, 0, 1, 'x'},
        {0x1C, 2, 120, 0x80, 0x02, 0x00},
        {0x1C, 2, 120, 0x00, 0x14, 0x1C, 0x1C, 0x1C},
        {0x1C, 1, 90, 0x00, 0x01, 0x1B, 0x1C, 1, 90, 0x00, 0x00},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        for (gsize len = 0; len <= 25; len++) {
            g_autofree guint8 *copy = g_memdup2(cases[i], len ? len : 1);
            g_autoptr(PdIimBlock) block = pd_iim_parse(copy, len);
            for (guint k = 0; k < block->datasets->len; k++) {
                const PdIimDataset *d = &g_array_index(block->datasets, PdIimDataset, k);
                g_assert_cmpuint(d->len, <=, len);
            }
        }
    }
}

typedef struct {
    guint n;
    guint16 ids[8];
    gsize lens[8];
} Seen;

static void
on_resource(guint16 id, const guint8 *data, gsize len, gpointer user_data)
{
    Seen *s = user_data;
    if (s->n < 8) {
        s->ids[s->n] = id;
        s->lens[s->n] = len;
    }
    s->n++;
}

static void
put_resource(GByteArray *b, const char *sig, guint16 id, const char *name, const guint8 *data,
             guint32 len)
{
    g_byte_array_append(b, (const guint8 *)sig, 4);
    guint8 idb[2] = {(guint8)(id >> 8), (guint8)id};
    g_byte_array_append(b, idb, 2);
    guint8 nlen = (guint8)strlen(name);
    g_byte_array_append(b, &nlen, 1);
    g_byte_array_append(b, (const guint8 *)name, nlen);
    if (!(nlen & 1)) {
        guint8 z = 0;
        g_byte_array_append(b, &z, 1);
    }
    guint8 lb[4] = {(guint8)(len >> 24), (guint8)(len >> 16), (guint8)(len >> 8), (guint8)len};
    g_byte_array_append(b, lb, 4);
    g_byte_array_append(b, data, len);
    if (len & 1) {
        guint8 z = 0;
        g_byte_array_append(b, &z, 1);
    }
}

static void
test_irb(void)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    const guint8 digest[16] = {1, 2, 3};
    put_resource(b, "8BIM", 0x0425, "", digest, 16);
    put_resource(b, "PHUT", 0x0400, "x", (const guint8 *)"abc", 3);
    put_resource(b, "8BIM", 0x0404, "IPTC", (const guint8 *)"\x1c\x02\x05\x00\x01z", 6);
    Seen s = {0};
    g_autofree char *problem = pd_irb_walk(b->data, b->len, on_resource, &s);
    g_assert_null(problem);
    g_assert_cmpuint(s.n, ==, 2); /* PHUT skipped */
    g_assert_cmpuint(s.ids[0], ==, 0x0425);
    g_assert_cmpuint(s.lens[0], ==, 16);
    g_assert_cmpuint(s.ids[1], ==, 0x0404);
    g_assert_cmpuint(s.lens[1], ==, 6);

    /* a size past the end stops the walk with a reason */
    g_autoptr(GByteArray) bad = g_byte_array_new();
    put_resource(bad, "8BIM", 0x0425, "", digest, 16);
    const guint8 tail[] = {'8', 'B', 'I', 'M', 0x04, 0x04, 0, 0, 0x00, 0xFF, 0xFF, 0xFF, 1, 2};
    g_byte_array_append(bad, tail, sizeof tail);
    Seen s2 = {0};
    g_autofree char *why = pd_irb_walk(bad->data, bad->len, on_resource, &s2);
    g_assert_nonnull(why);
    g_assert_nonnull(strstr(why, "0x0404"));
    g_assert_cmpuint(s2.n, ==, 1);

    /* an unknown signature stops it too */
    Seen s3 = {0};
    g_autofree char *why3 = pd_irb_walk((const guint8 *)"XXXXxxxxxxxxxxxx", 16, on_resource, &s3);
    g_assert_nonnull(why3);
    g_assert_cmpuint(s3.n, ==, 0);

    /* every truncation of a valid list is safe */
    for (gsize len = 0; len < b->len; len++) {
        Seen t = {0};
        g_autofree char *w = pd_irb_walk(b->data, len, on_resource, &t);
        (void)w;
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ingest/iim/basic", test_basic);
    g_test_add_func("/ingest/iim/extended-length", test_extended_length);
    g_test_add_func("/ingest/iim/charset-declarations", test_charset_declarations);
    g_test_add_func("/ingest/iim/damage", test_damage);
    g_test_add_func("/ingest/iim/crafted", test_crafted);
    g_test_add_func("/ingest/irb/walk", test_irb);
    return g_test_run();
}
