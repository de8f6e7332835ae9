/* test-resend.c: when a photo sent with another's source and transmission reference is
 * its re-send (pd_ingest_same_photograph), one rule at a time. The pictures are given as
 * their perceptual hashes and sizes; bench/README.md has the measurements the distance
 * and aspect limits come from. */
#include "ingest/row.h"

#include <string.h>

static PdCatalogPhoto *
photo(guint64 dhash, int w, int h, int orientation, const char *date)
{
    PdCatalogPhoto *p = pd_catalog_photo_new();
    p->has_dhash = TRUE;
    p->dhash = dhash;
    p->width = w;
    p->height = h;
    p->orientation = orientation;
    p->date_created = g_strdup(date);
    p->source = g_strdup("AP");
    p->transmission_reference = g_strdup("XAZ104");
    return p;
}

/* @bits lowest bits of @h flipped */
static guint64
flip(guint64 h, int bits)
{
    return h ^ (bits >= 64 ? G_MAXUINT64 : ((G_GUINT64_CONSTANT(1) << bits) - 1));
}

static void
test_table(void)
{
    const guint64 H = G_GUINT64_CONSTANT(0x9A3C5F0E71D2B486);
    const char *T = "2023-04-15T23:41:07.10+03:00";
    struct {
        const char *what;
        guint64 hash;
        int w, h, orientation;
        const char *date;
        gboolean same;
        const char *why; /* a word of the reason, when not the same */
    } rows[] = {
        {"the same picture, the same time", H, 6000, 4000, 1, T, TRUE, NULL},
        {"encoded again, resized", flip(H, 3), 2048, 1365, 1, T, TRUE, NULL},
        {"recropped (hash at the limit)", flip(H, PD_RESEND_MAX_DISTANCE), 5700, 3800, 1, T, TRUE,
         NULL},
        {"another picture", flip(H, PD_RESEND_MAX_DISTANCE + 1), 6000, 4000, 1, T, FALSE,
         "another picture"},
        {"half the hash", flip(H, 32), 6000, 4000, 1, T, FALSE, "another picture"},
        {"a portrait", H, 4000, 6000, 1, T, FALSE, "shape"},
        {"the same, turned by EXIF", H, 4000, 6000, 6, T, TRUE, NULL},
        {"aspect 8% narrower", H, 5520, 4000, 1, T, TRUE, NULL},
        {"aspect 15% narrower", H, 5100, 4000, 1, T, FALSE, "shape"},
        {"the same instant in UTC", H, 6000, 4000, 1, "2023-04-15T20:41:07.10Z", TRUE, NULL},
        {"the same second, no fraction", H, 6000, 4000, 1, "2023-04-15T23:41:07+03:00", TRUE, NULL},
        {"no time zone, the same clock", H, 6000, 4000, 1, "2023-04-15T23:41:07", TRUE, NULL},
        {"a burst frame 0.2 s later", H, 6000, 4000, 1, "2023-04-15T23:41:07.30+03:00", FALSE,
         "frame"},
        {"the next second", H, 6000, 4000, 1, "2023-04-15T23:41:08+03:00", FALSE, "frame"},
        {"twenty minutes later", H, 6000, 4000, 1, "2023-04-16T00:01:07+03:00", FALSE, "frame"},
        {"a time zone corrected (3 h)", H, 6000, 4000, 1, "2023-04-15T23:41:07.10Z", TRUE, NULL},
        {"a day corrected", H, 6000, 4000, 1, "2023-04-16T23:41:07.10+03:00", TRUE, NULL},
        {"the date only", H, 6000, 4000, 1, "2023-04-15", TRUE, NULL},
        {"the date only, two days on", H, 6000, 4000, 1, "2023-04-17", TRUE, NULL},
        {"the date only, three days on", H, 6000, 4000, 1, "2023-04-18", FALSE, "days"},
        {"a year later", H, 6000, 4000, 1, "2024-04-15T23:41:07+03:00", FALSE, "days"},
        {"no date", H, 6000, 4000, 1, NULL, TRUE, NULL},
        {"the year only", H, 6000, 4000, 1, "2023", TRUE, NULL},
    };
    g_autoptr(PdCatalogPhoto) stored = photo(H, 6000, 4000, 1, T);
    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_autoptr(PdCatalogPhoto) in =
            photo(rows[i].hash, rows[i].w, rows[i].h, rows[i].orientation, rows[i].date);
        g_autofree char *why = NULL;
        gboolean same = pd_ingest_same_photograph(stored, in, &why);
        g_test_message("%s: %s %s", rows[i].what, same ? "same" : "other", why ? why : "");
        if (same != rows[i].same)
            g_error("%s: %s, not %s (%s)", rows[i].what, same ? "same" : "other",
                    rows[i].same ? "same" : "other", why ? why : "");
        if (!same)
            g_assert_nonnull(strstr(why, rows[i].why));
        else
            g_assert_null(why);
    }
}

static void
test_image_data_and_no_hash(void)
{
    g_autoptr(PdCatalogPhoto) stored = photo(1, 6000, 4000, 1, "2023-04-15");
    g_autoptr(PdCatalogPhoto) in = photo(G_MAXUINT64, 800, 1200, 1, "2020-01-01");
    g_autofree char *why = NULL;
    /* the same image data decides alone */
    stored->image_sha256 = g_strdup("abc");
    in->image_sha256 = g_strdup("abc");
    g_assert_true(pd_ingest_same_photograph(stored, in, &why));
    /* without a hash there is nothing to compare the pictures by: another photo */
    g_free(in->image_sha256);
    in->image_sha256 = g_strdup("def");
    in->has_dhash = FALSE;
    g_assert_false(pd_ingest_same_photograph(stored, in, &why));
    g_assert_nonnull(strstr(why, "perceptual hash"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ingest/resend/table", test_table);
    g_test_add_func("/ingest/resend/image-data-and-no-hash", test_image_data_and_no_hash);
    return g_test_run();
}
