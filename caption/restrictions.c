/* restrictions.c: special instructions and editors' notes read into restrictions.
 *
 * Agencies write restrictions in capitals, in sentences joined by " - " (AFP:
 * "RESTRICTED TO EDITORIAL USE - MANDATORY CREDIT "AFP PHOTO / X" - NO MARKETING"),
 * slashes (EPA: "EDITORIAL USE ONLY/NO SALES") or full stops. Each piece is matched
 * against the restrictions photodesk knows; a piece that matches none is kept as it is
 * in ->other, never dropped.
 */
#include "caption/caption.h"

#include <stdlib.h>
#include <string.h>

static gboolean
has(const char *upper, const char *what)
{
    const char *p = strstr(upper, what);
    if (p == NULL)
        return FALSE;
    /* whole words only */
    gsize n = strlen(what);
    gboolean start_ok = p == upper || !g_ascii_isalnum(p[-1]);
    gboolean end_ok = !g_ascii_isalnum(p[n]);
    return start_ok && end_ok;
}

/* ---------------------------------------------------------------- embargo times */

static const char *const month_names[12][3] = {
    {"JANUARY", "JAN", NULL}, {"FEBRUARY", "FEB", NULL}, {"MARCH", "MAR", NULL},
    {"APRIL", "APR", NULL},   {"MAY", NULL, NULL},       {"JUNE", "JUN", NULL},
    {"JULY", "JUL", NULL},    {"AUGUST", "AUG", NULL},   {"SEPTEMBER", "SEPT", "SEP"},
    {"OCTOBER", "OCT", NULL}, {"NOVEMBER", "NOV", NULL}, {"DECEMBER", "DEC", NULL},
};

static int
month_of(const char *word)
{
    for (int m = 0; m < 12; m++)
        for (int k = 0; k < 3 && month_names[m][k]; k++)
            if (strcmp(word, month_names[m][k]) == 0)
                return m + 1;
    return 0;
}

/* Zones agencies write after embargo times: fixed offsets, or a place whose offset
 * depends on the date (ET is -05:00 in winter, -04:00 in summer). */
static const struct {
    const char *name;
    const char *tz;
} zones[] = {
    {"GMT", "UTC"},     {"UTC", "UTC"},     {"Z", "UTC"},
    {"BST", "+01:00"},  {"CET", "+01:00"},  {"CEST", "+02:00"},
    {"EET", "+02:00"},  {"EEST", "+03:00"}, {"MSK", "+03:00"},
    {"EST", "-05:00"},  {"EDT", "-04:00"},  {"ET", "America/New_York"},
    {"CST", "-06:00"},  {"CDT", "-05:00"},  {"CT", "America/Chicago"},
    {"MST", "-07:00"},  {"MDT", "-06:00"},  {"MT", "America/Denver"},
    {"PST", "-08:00"},  {"PDT", "-07:00"},  {"PT", "America/Los_Angeles"},
    {"JST", "+09:00"},  {"KST", "+09:00"},  {"AEST", "+10:00"},
    {"AEDT", "+11:00"}, {"HKT", "+08:00"},  {"SGT", "+08:00"},
};

static const char *
zone_of(const char *word)
{
    for (gsize z = 0; z < G_N_ELEMENTS(zones); z++)
        if (strcmp(word, zones[z].name) == 0)
            return zones[z].tz;
    return NULL;
}

static gboolean
all_digits(const char *w, gsize n)
{
    for (gsize k = 0; k < n; k++)
        if (!g_ascii_isdigit(w[k]))
            return FALSE;
    return n > 0;
}

/* Reads "0001 GMT JUNE 5, 2023", "00:01 GMT ON 5 JUNE 2023", "10 A.M. EDT, MAY 3, 2024",
 * "2023-06-05 00:01 UTC": the time is the word before the zone, the date is in the other
 * words. NULL when the time, zone or date is missing: an embargo without them cannot be
 * turned into an instant, and is kept as text. */
static char *
embargo_time(const char *upper)
{
    g_autofree char *clean = g_strdup(upper);
    for (char *p = clean; *p; p++)
        if (*p == ',' || *p == '(' || *p == ')')
            *p = ' ';
    g_auto(GStrv) raw = g_strsplit(clean, " ", -1);
    GPtrArray *w = g_ptr_array_new();
    for (int i = 0; raw[i]; i++)
        if (*raw[i])
            g_ptr_array_add(w, raw[i]);
    int n = (int)w->len;
#define W(i) ((const char *)g_ptr_array_index(w, (i)))

    int zi = -1;
    const char *tz = NULL;
    for (int i = 0; i < n && zi < 0; i++)
        if ((tz = zone_of(W(i))) != NULL)
            zi = i;
    int ti = zi - 1;
    char ampm = 0;
    if (ti >= 0 && (g_str_has_prefix(W(ti), "A.M") || g_str_has_prefix(W(ti), "P.M") ||
                    strcmp(W(ti), "AM") == 0 || strcmp(W(ti), "PM") == 0)) {
        ampm = W(ti)[0];
        ti--;
    }
    int hour = -1, minute = 0;
    if (ti >= 0) {
        const char *t = W(ti);
        gsize len = strlen(t);
        const char *colon = strchr(t, ':');
        if (colon && all_digits(t, (gsize)(colon - t)) &&
            all_digits(colon + 1, strlen(colon + 1))) {
            hour = atoi(t);
            minute = atoi(colon + 1);
        } else if (len == 4 && all_digits(t, 4) && !ampm) {
            hour = atoi(t) / 100;
            minute = atoi(t) % 100;
        } else if (len <= 2 && all_digits(t, len) && ampm) {
            hour = atoi(t);
        }
        if (ampm && hour >= 0) {
            if (hour == 12)
                hour = ampm == 'P' ? 12 : 0;
            else if (ampm == 'P')
                hour += 12;
        }
    }

    int year = 0, month = 0, day = 0;
    for (int i = 0; i < n; i++) {
        if (i == ti || i == zi)
            continue;
        g_autofree char *word = g_strdup(W(i));
        gsize len = strlen(word);
        if (len == 10 && word[4] == '-' && word[7] == '-' && all_digits(word, 4)) {
            year = atoi(word);
            month = atoi(word + 5);
            day = atoi(word + 8);
            continue;
        }
        if (len > 2 &&
            (g_str_has_suffix(word, "ST") || g_str_has_suffix(word, "ND") ||
             g_str_has_suffix(word, "RD") || g_str_has_suffix(word, "TH")) &&
            all_digits(word, len - 2)) {
            word[len - 2] = 0;
            len -= 2;
        }
        if (all_digits(word, len) && len <= 2 && day == 0) {
            day = atoi(word);
        } else if (all_digits(word, len) && len == 4 && atoi(word) >= 1900) {
            year = atoi(word);
        } else {
            if (len && word[len - 1] == '.')
                word[--len] = 0;
            int m = month_of(word);
            if (m)
                month = m;
        }
    }
#undef W
    g_ptr_array_unref(w);
    if (hour < 0 || hour > 24 || minute > 59 || tz == NULL || year == 0 || month == 0 || day < 1 ||
        day > 31)
        return NULL;
    g_autoptr(GTimeZone) zone = g_time_zone_new_identifier(tz);
    if (zone == NULL)
        return NULL;
    g_autoptr(GDateTime) local = g_date_time_new(zone, year, month, day, hour, minute, 0);
    if (local == NULL)
        return NULL;
    g_autoptr(GDateTime) utc = g_date_time_to_utc(local);
    return g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* ---------------------------------------------------------------- pieces */

static void
add_other(PdRestrictions *r, const char *piece)
{
    if (r->other == NULL)
        r->other = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < r->other->len; i++)
        if (strcmp(g_ptr_array_index(r->other, i), piece) == 0)
            return;
    g_ptr_array_add(r->other, g_strdup(piece));
}

/* The credit a MANDATORY CREDIT asks for: quoted, or after a colon. */
static char *
credit_text(const char *piece, const char *at)
{
    const char *p = at + strlen("MANDATORY CREDIT");
    const char *q1 = strchr(p, '"');
    if (q1 == NULL)
        q1 = strstr(p, "\xe2\x80\x9c"); /* “ */
    if (q1) {
        const char *open = q1 + (*q1 == '"' ? 1 : 3);
        const char *q2 = strchr(open, '"');
        if (q2 == NULL)
            q2 = strstr(open, "\xe2\x80\x9d"); /* ” */
        if (q2)
            return g_strstrip(g_strndup(open, (gsize)(q2 - open)));
    }
    gboolean colon = FALSE;
    while (*p == ':' || *p == ' ' || *p == '-' || *p == '*') {
        colon |= *p == ':';
        p++;
    }
    if (*p == 0)
        return NULL;
    /* Without a colon or quotes, only a short run of words is a credit to print; a
     * sentence after the words ("MANDATORY CREDIT THE CANADIAN PRESS PROVIDES ACCESS
     * TO...") is the start of the next instruction. */
    g_autofree char *rest = g_strstrip(g_strdup(p));
    g_auto(GStrv) words = g_strsplit(rest, " ", -1);
    if (!colon && g_strv_length(words) > 6)
        return NULL;
    return g_steal_pointer(&rest);
}

/* @needle (ASCII, upper case) in @hay, whatever its case; NULL when it is not there. */
static const char *
find_ascii_caseless(const char *hay, const char *needle)
{
    gsize n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (g_ascii_strncasecmp(p, needle, n) == 0)
            return p;
    return NULL;
}

static void
read_piece(PdRestrictions *r, const char *piece)
{
    g_autofree char *upper = g_utf8_strup(piece, -1);
    gboolean known = FALSE;
    if (has(upper, "EDITORIAL USE ONLY") || has(upper, "RESTRICTED TO EDITORIAL USE") ||
        has(upper, "FOR EDITORIAL USE") || has(upper, "EDITORIAL USE") ||
        has(upper, "NO COMMERCIAL USE")) {
        r->editorial_only = TRUE;
        known = TRUE;
    }
    if (strstr(upper, "MANDATORY CREDIT")) {
        r->mandatory_credit = TRUE;
        /* found again in the piece itself: upper case is not always as many bytes
         * ("ﬁ" is "FI"), so an offset into @upper is not one into @piece */
        const char *mc = find_ascii_caseless(piece, "MANDATORY CREDIT");
        if (r->mandatory_credit_text == NULL && mc)
            r->mandatory_credit_text = credit_text(piece, mc);
        known = TRUE;
    }
    /* Reuters writes NARCH (and NARCH30: not after 30 days) */
    if (has(upper, "NO ARCHIVE") || has(upper, "NO ARCHIVES") || has(upper, "NO ARCHIVING") ||
        has(upper, "NARCH") || has(upper, "NARCH30")) {
        r->no_archive = TRUE;
        known = TRUE;
    }
    if (has(upper, "NO SALES") || has(upper, "NO RESALES") || has(upper, "NOT FOR SALE") ||
        has(upper, "NOT FOR RESALE") || has(upper, "NOTFORRESALE") || has(upper, "NO RESALE")) {
        r->no_sales = TRUE;
        known = TRUE;
    }
    if (has(upper, "MANDATORY KILL") || has(upper, "KILL NOTICE") || has(upper, "ELIMINATED") ||
        has(upper, "PLEASE KILL") || has(upper, "PHOTO KILLED") || has(upper, "IMAGE KILLED") ||
        has(upper, "PICTURE KILLED") || has(upper, "IMAGE WITHDRAWN") ||
        has(upper, "PHOTO WITHDRAWN") || has(upper, "HAS BEEN WITHDRAWN")) {
        r->kill = TRUE;
        known = TRUE;
    }
    if (strstr(upper, "EMBARGO")) {
        char *when = embargo_time(upper);
        if (when) {
            g_free(r->embargo_until);
            r->embargo_until = when;
            known = TRUE;
        }
    }
    static const char *const corrections[] = {"CORRECTS",      "CORRECTED", "CORRECTION",
                                              "REFILED",       "REFILE",    "REFILING",
                                              "RETRANSMITTED", "REPEATS",   "CLARIFIES"};
    for (gsize i = 0; i < G_N_ELEMENTS(corrections); i++) {
        if (g_str_has_prefix(upper, corrections[i]) &&
            !g_ascii_isalpha(upper[strlen(corrections[i])])) {
            if (r->correction == NULL)
                r->correction = g_strdup(piece);
            known = TRUE;
            break;
        }
    }
    if (!known)
        add_other(r, piece);
}

void
pd_restrictions_add_text(PdRestrictions *r, const char *text)
{
    if (text == NULL)
        return;
    /* Pieces: split at " - ", at ". " and at "/" or ";" between capitals, never inside
     * quotes (a mandatory credit "AFP PHOTO / X" stays whole). */
    GString *piece = g_string_new(NULL);
    gboolean quoted = FALSE;
    for (const char *p = text;; p++) {
        gboolean cut = FALSE;
        gsize skip = 0;
        if (*p == 0) {
            cut = TRUE;
        } else if (*p == '"') {
            quoted = !quoted;
        } else if (!quoted && strncmp(p, "\xe2\x80\x9c", 3) == 0) {
            quoted = TRUE;
        } else if (quoted && strncmp(p, "\xe2\x80\x9d", 3) == 0) {
            quoted = FALSE;
        } else if (!quoted) {
            if (strncmp(p, " - ", 3) == 0 || strncmp(p, " -- ", 4) == 0) {
                cut = TRUE;
                skip = p[2] == '-' ? 3 : 2;
            } else if (*p == ';' || *p == '\n') {
                cut = TRUE;
            } else if (*p == '.' && (p[1] == ' ' || p[1] == 0)) {
                /* a full stop, but not the end of "A.M." or of an initial */
                gboolean abbreviation = p > text && g_ascii_isalpha(p[-1]) &&
                                        (p - 1 == text || p[-2] == '.' || p[-2] == ' ');
                cut = !abbreviation;
            } else if (*p == '/' && p > text && g_ascii_isupper(p[-1]) && g_ascii_isupper(p[1])) {
                cut = TRUE; /* EDITORIAL USE ONLY/NO SALES */
            }
        }
        if (cut) {
            g_autofree char *t = g_strstrip(g_strdup(piece->str));
            gsize n = strlen(t);
            while (n > 0 && (t[n - 1] == '.' || t[n - 1] == ':' || t[n - 1] == '-'))
                t[--n] = 0;
            g_strstrip(t);
            if (*t)
                read_piece(r, t);
            g_string_truncate(piece, 0);
            if (*p == 0)
                break;
            p += skip;
            continue;
        }
        g_string_append_c(piece, *p);
    }
    g_string_free(piece, TRUE);
}
