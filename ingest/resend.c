/* resend.c: is a photo that arrives the re-send of one the desk has?
 *
 * Agencies re-send a photo to correct its caption, to recrop or retouch it, or to kill
 * it, under the same transmission reference. But they also reuse short references
 * (AP's XAZ104) across days and desks, so a reference alone never makes two files one
 * photo: the picture must be the same photograph too. That is decided on what the
 * files show, as an editor would look at them side by side:
 *
 * - the perceptual hash (a 64-bit difference hash of the upright picture) within
 *   PD_RESEND_MAX_DISTANCE bits: re-encoding, resizing, a small crop or a new tone
 *   curve move it a few bits, another photograph about half of them;
 * - the same aspect after orientation, within PD_RESEND_MAX_ASPECT (a portrait is never
 *   the re-send of a landscape; a recrop of a few percent is);
 * - the dates created within PD_RESEND_MAX_DAYS days; and where both files give the
 *   time of the exposure, not another frame of the same shoot: frames of a burst are
 *   alike to a hash, but taken a fraction of a second to minutes apart, while a re-send
 *   carries the same time (or one corrected by hours or days: a time zone, a wrong day).
 *
 * The thresholds come from the measurements in bench/README.md ("resend"). */
#include "ingest/row.h"
#include "thumbs/thumbs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* When a date created was taken, and how precisely the file says it. */
typedef enum {
    WHEN_NONE,
    WHEN_YEAR,
    WHEN_MONTH,
    WHEN_DAY,
    WHEN_MINUTE,
    WHEN_SECOND,
    WHEN_FRACTION,
} Precision;

typedef struct {
    Precision precision;
    GDate date;     /* valid from WHEN_DAY */
    gint64 wall_us; /* the time on the photographer's clock, as if it were UTC */
    gboolean has_offset;
    gint64 instant_us; /* with an offset: the instant, UTC */
} When;

static gboolean
digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
    return TRUE;
}

/* Reads an ISO 8601 date created as photodesk stores it (YYYY, YYYY-MM, YYYY-MM-DD, then
 * THH:MM[:SS[.fff]] and Z or +HH:MM). Anything else is WHEN_NONE. */
static When
when_of(const char *iso)
{
    When w = {WHEN_NONE};
    g_date_clear(&w.date, 1);
    if (iso == NULL)
        return w;
    gsize n = strlen(iso);
    if (n < 4 || !digits(iso, 4))
        return w;
    w.precision = WHEN_YEAR;
    if (n < 7 || iso[4] != '-' || !digits(iso + 5, 2))
        return w;
    w.precision = WHEN_MONTH;
    if (n < 10 || iso[7] != '-' || !digits(iso + 8, 2))
        return w;
    int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
    if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return w;
    g_date_set_dmy(&w.date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
    w.precision = WHEN_DAY;
    if (n < 16 || iso[10] != 'T' || !digits(iso + 11, 2) || iso[13] != ':' || !digits(iso + 14, 2))
        return w;
    /* the wall clock: the string up to its offset, read as UTC */
    const char *end = iso + 16;
    Precision p = WHEN_MINUTE;
    if (*end == ':' && digits(end + 1, 2)) {
        end += 3;
        p = WHEN_SECOND;
        if (*end == '.' && g_ascii_isdigit(end[1])) {
            end++;
            while (g_ascii_isdigit(*end))
                end++;
            p = WHEN_FRACTION;
        }
    }
    g_autofree char *wall_text = g_strndup(iso, (gsize)(end - iso));
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autoptr(GDateTime) wall = g_date_time_new_from_iso8601(wall_text, utc);
    if (wall == NULL)
        return w;
    w.precision = p;
    w.wall_us = g_date_time_to_unix(wall) * G_USEC_PER_SEC + g_date_time_get_microsecond(wall);
    if (*end == 'Z' || *end == '+' || *end == '-') {
        g_autoptr(GDateTime) instant = g_date_time_new_from_iso8601(iso, utc);
        if (instant) {
            w.has_offset = TRUE;
            w.instant_us = g_date_time_to_unix(instant) * G_USEC_PER_SEC +
                           g_date_time_get_microsecond(instant);
        }
    }
    return w;
}

/* @us cut to @precision (a minute, a second, or as it is). */
static gint64
cut(gint64 us, Precision precision)
{
    gint64 unit = precision == WHEN_MINUTE   ? 60 * G_USEC_PER_SEC
                  : precision == WHEN_SECOND ? G_USEC_PER_SEC
                                             : 1;
    return us - (((us % unit) + unit) % unit);
}

/* The aspect of the picture as it is seen: width over height after the orientation. */
static double
aspect(const PdCatalogPhoto *p)
{
    double w = p->width, h = p->height;
    if (p->orientation >= 5 && p->orientation <= 8) {
        double t = w;
        w = h;
        h = t;
    }
    return w / h;
}

gboolean
pd_ingest_same_photograph(const PdCatalogPhoto *stored, const PdCatalogPhoto *incoming, char **why)
{
    g_return_val_if_fail(why != NULL, FALSE);
    *why = NULL;
    if (stored->image_sha256 && incoming->image_sha256 &&
        strcmp(stored->image_sha256, incoming->image_sha256) == 0)
        return TRUE; /* the very same pixels' bytes */

    if (!stored->has_dhash || !incoming->has_dhash) {
        *why = g_strdup("its picture could not be compared (no perceptual hash)");
        return FALSE;
    }
    int distance = pd_thumbs_hash_distance(stored->dhash, incoming->dhash);
    if (distance > PD_RESEND_MAX_DISTANCE) {
        *why = g_strdup_printf("it is another picture (%d of 64 bits of the perceptual hash "
                               "differ; a re-send differs by at most %d)",
                               distance, PD_RESEND_MAX_DISTANCE);
        return FALSE;
    }
    if (stored->width > 0 && stored->height > 0 && incoming->width > 0 && incoming->height > 0) {
        double a = aspect(stored), b = aspect(incoming);
        if (fabs(log(a / b)) > log(1.0 + PD_RESEND_MAX_ASPECT)) {
            *why = g_strdup_printf("its picture has another shape (%.3f against %.3f)", b, a);
            return FALSE;
        }
    }

    When s = when_of(stored->date_created), i = when_of(incoming->date_created);
    if (s.precision >= WHEN_DAY && i.precision >= WHEN_DAY) {
        int days = abs(g_date_days_between(&s.date, &i.date));
        if (days > PD_RESEND_MAX_DAYS) {
            *why = g_strdup_printf("it was taken %d days apart (%s, %s)", days,
                                   stored->date_created, incoming->date_created);
            return FALSE;
        }
    }
    if (s.precision >= WHEN_MINUTE && i.precision >= WHEN_MINUTE) {
        Precision p = MIN(s.precision, i.precision);
        gboolean instants = s.has_offset && i.has_offset;
        gint64 a = cut(instants ? s.instant_us : s.wall_us, p);
        gint64 b = cut(instants ? i.instant_us : i.wall_us, p);
        gint64 apart = ABS(a - b);
        if (apart > 0 && apart < (gint64)PD_RESEND_FRAME_WINDOW * G_USEC_PER_SEC) {
            *why = g_strdup_printf("it is another frame: taken %.3g s apart (%s, %s)",
                                   (double)apart / G_USEC_PER_SEC, stored->date_created,
                                   incoming->date_created);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---------------------------------------------------------------- groups */

gboolean
pd_ingest_other_distributor(const PdCatalogPhoto *a, const PdCatalogPhoto *b)
{
    return a->distributor && b->distributor && *a->distributor && *b->distributor &&
           g_ascii_strcasecmp(a->distributor, b->distributor) != 0;
}

/* Whether @a and @b were taken at the same instant, where both files say it to the
 * second: the same time at the precision both give, or one off by whole hours (a clock
 * or time zone an agency set differently), within two days. */
static gboolean
same_instant(const When *a, const When *b)
{
    Precision p = MIN(a->precision, b->precision);
    gboolean instants = a->has_offset && b->has_offset;
    gint64 x = cut(instants ? a->instant_us : a->wall_us, p);
    gint64 y = cut(instants ? b->instant_us : b->wall_us, p);
    gint64 apart = ABS(x - y);
    gint64 hour = (gint64)3600 * G_USEC_PER_SEC;
    return apart % hour == 0 && apart <= 48 * hour;
}

/* Whether @other shows the same photograph as @photo, for a group: held to more than a
 * re-send (which also shares a source and reference) since nothing else ties them. */
static gboolean
same_for_group(const PdCatalogPhoto *other, const PdCatalogPhoto *photo)
{
    int small = MIN(MAX(other->width, other->height), MAX(photo->width, photo->height));
    if (small < PD_GROUP_MIN_SIDE)
        return FALSE; /* a hash of a few pixels says little */
    g_autofree char *why = NULL;
    if (!pd_ingest_same_photograph(other, photo, &why))
        return FALSE;
    When a = when_of(other->date_created), b = when_of(photo->date_created);
    int distance = pd_thumbs_hash_distance(other->dhash, photo->dhash);
    if (a.precision >= WHEN_SECOND && b.precision >= WHEN_SECOND)
        return same_instant(&a, &b);
    if (a.precision >= WHEN_DAY && b.precision >= WHEN_DAY)
        return distance <= PD_GROUP_DAY_DISTANCE;
    return distance <= PD_GROUP_UNDATED_DISTANCE;
}

gboolean
pd_ingest_group_photo(PdCatalog *c, const PdCatalogPhoto *photo, gint64 *group_id, GError **error)
{
    *group_id = 0;
    if (!photo->has_dhash)
        return TRUE;
    When w = when_of(photo->date_created);
    g_autoptr(GPtrArray) near = pd_catalog_find_similar(
        c, w.precision >= WHEN_DAY ? photo->date_created_local : NULL, photo->dhash,
        PD_RESEND_MAX_DISTANCE, PD_RESEND_MAX_DAYS, photo->id, error);
    if (near == NULL)
        return FALSE;
    g_autoptr(GArray) same = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < near->len; i++) {
        const PdCatalogPhoto *other = g_ptr_array_index(near, i);
        if (same_for_group(other, photo))
            g_array_append_val(same, other->id);
    }
    if (same->len == 0)
        return TRUE;
    return pd_catalog_join_group(c, photo->id, same, group_id, error);
}
