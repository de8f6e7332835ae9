/* checks.c: what photodesk tells an editor about a caption: double-encoded text
 * (repaired), slug and top pick, where the credit trailer and the IPTC fields disagree,
 * and the checks to look at before publishing (dates that contradict each other, no
 * credit, fields too long for IIM, a caption in capitals). */
#include "caption/caption.h"

#include <stdlib.h>
#include <string.h>

/* What is read (text) and where the reading goes (out). */
typedef struct {
    PdPhotoText *text;
    PdCaption *out;
} Reader;

/* ---------------------------------------------------------------- double-encoded UTF-8 */

char *
pd_caption_repair_double_utf8(const char *s)
{
    if (s == NULL)
        return NULL;
    /* Only text with characters a cp1252 round trip could have made is a candidate. */
    gboolean candidate = FALSE;
    for (const guchar *p = (const guchar *)s; *p; p++)
        if (*p >= 0xC2) {
            candidate = TRUE;
            break;
        }
    if (!candidate)
        return NULL;
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    if (!pd_text_to_cp1252(s, bytes))
        return NULL;
    if (!pd_text_is_utf8_multibyte(bytes->data, bytes->len) ||
        memchr(bytes->data, 0, bytes->len) != NULL)
        return NULL;
    return g_strndup((const char *)bytes->data, bytes->len);
}

static void add_check(Reader *m, const char *code, const char *field, const char *format, ...)
    G_GNUC_PRINTF(4, 5);

static void
add_check(Reader *m, const char *code, const char *field, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    PdCheck *c = g_new0(PdCheck, 1);
    c->code = g_strdup(code);
    c->field = g_strdup(field);
    c->message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_ptr_array_add(m->out->checks, c);
}

static void add_warning(Reader *m, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
add_warning(Reader *m, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(m->out->warnings, g_strdup_vprintf(format, ap));
    va_end(ap);
}

static void
repair_fields(Reader *m)
{
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++) {
        if (fields[i].flags & PD_FIELD_LIST)
            continue;
        char **slot = pd_photo_text_string(m->text, &fields[i]);
        char *fixed = pd_caption_repair_double_utf8(*slot);
        if (fixed == NULL)
            continue;
        g_autofree char *shown = g_utf8_substring(*slot, 0, MIN(g_utf8_strlen(*slot, -1), 40));
        g_autofree char *label = g_strdup(fields[i].label);
        add_check(m, "double_encoded", fields[i].name,
                  "%s was double-encoded UTF-8 (\"%s\"); photodesk repaired it.", label, shown);
        g_free(*slot);
        *slot = fixed;
    }
    for (guint k = 0; k < m->text->keywords->len; k++) {
        char *fixed = pd_caption_repair_double_utf8(g_ptr_array_index(m->text->keywords, k));
        if (fixed == NULL)
            continue;
        add_check(m, "double_encoded", "keywords",
                  "keyword \"%s\" was double-encoded UTF-8; repaired",
                  (char *)g_ptr_array_index(m->text->keywords, k));
        g_free(g_ptr_array_index(m->text->keywords, k));
        g_ptr_array_index(m->text->keywords, k) = fixed;
    }
}

/* ---------------------------------------------------------------- slug and top pick */

static const char *const top_markers[] = {"APTOPIX ", "APTOPIX-", "TOPSHOT - ", "TOPSHOT-",
                                          "TOPSHOT "};

/* @s without a leading top-pick marker (newly allocated), setting *top. */
static char *
strip_top(const char *s, gboolean *top)
{
    if (s == NULL)
        return NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(top_markers); i++) {
        if (g_str_has_prefix(s, top_markers[i])) {
            *top = TRUE;
            char *rest = g_strdup(s + strlen(top_markers[i]));
            g_strstrip(rest);
            if (*rest == 0) {
                g_free(rest);
                return NULL;
            }
            return rest;
        }
    }
    return g_strdup(s);
}

static void
read_slug(Reader *m)
{
    gboolean headline_top = FALSE, name_top = FALSE;
    g_autofree char *headline = strip_top(m->text->headline, &headline_top);
    g_autofree char *name = strip_top(m->text->object_name, &name_top);
    m->out->top_pick = headline_top || name_top;
    if (m->text->caption && (g_str_has_prefix(m->text->caption, "TOPSHOT - ") ||
                             strstr(m->text->caption, "TPX IMAGES OF THE DAY")))
        m->out->top_pick = TRUE;
    if (m->text->headline && strstr(m->text->headline, "TPX IMAGES OF THE DAY"))
        m->out->top_pick = TRUE;
    for (guint k = 0; k < m->text->keywords->len; k++)
        if (strcmp(g_ptr_array_index(m->text->keywords, k), "TPX IMAGES OF THE DAY") == 0 ||
            strcmp(g_ptr_array_index(m->text->keywords, k), "APTOPIX") == 0 ||
            strcmp(g_ptr_array_index(m->text->keywords, k), "TOPSHOT") == 0)
            m->out->top_pick = TRUE;
    /* AP's object name is the slug; a headline is one only when it carries the marker */
    if (name)
        m->out->slug = g_steal_pointer(&name);
    else if (headline_top)
        m->out->slug = g_steal_pointer(&headline);
}

/* ---------------------------------------------------------------- disagreement */

/* Lower case without diacritics, for comparing names. */
static char *
fold(const char *s)
{
    g_autofree char *nfd = g_utf8_normalize(s, -1, G_NORMALIZE_NFD);
    GString *out = g_string_new(NULL);
    for (const char *p = nfd; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_ismark(c))
            continue;
        g_string_append_unichar(out, g_unichar_tolower(c));
    }
    return g_string_free(out, FALSE);
}

static gboolean
same_name(const char *a, const char *b)
{
    g_autofree char *x = fold(a);
    g_autofree char *y = fold(b);
    return strstr(x, y) != NULL || strstr(y, x) != NULL;
}

/* The distributor a Credit or Source value names, by the names agencies use for
 * themselves; NULL for anything else (an agency, a pool, a photographer). */
static const char *
names_distributor(const char *value)
{
    static const struct {
        const char *alias, *name;
    } aliases[] = {
        {"ap", "AP"},
        {"associated press", "AP"},
        {"the associated press", "AP"},
        {"reuters", "Reuters"},
        {"afp", "AFP"},
        {"agence france-presse", "AFP"},
        {"afp/getty images", "Getty Images"},
        {"getty images", "Getty Images"},
        {"getty", "Getty Images"},
        {"epa", "EPA"},
        {"epa-efe", "EPA-EFE"},
        {"efe", "EPA-EFE"},
        {"dpa", "dpa"},
        {"picture alliance/dpa", "dpa"},
        {"the canadian press", "The Canadian Press"},
        {"cp", "The Canadian Press"},
    };
    g_autofree char *v = fold(value);
    g_strstrip(v);
    for (gsize i = 0; i < G_N_ELEMENTS(aliases); i++)
        if (strcmp(v, aliases[i].alias) == 0)
            return aliases[i].name;
    return NULL;
}

static gboolean
same_distributor(const char *a, const char *b)
{
    /* EPA and EPA-EFE are the same agency */
    return strcmp(a, b) == 0 || (g_str_has_prefix(a, "EPA") && g_str_has_prefix(b, "EPA"));
}

static void
compare_with_fields(Reader *m)
{
    const PdCredit *c = &m->out->credit;
    if (!c->found)
        return;
    if (c->photographer && m->text->byline && !same_name(c->photographer, m->text->byline) &&
        !(c->agency && same_name(c->agency, m->text->byline)))
        add_warning(m, "The caption credits %s, but By-line says %s.", c->photographer,
                    m->text->byline);
    const struct {
        const char *label, *value;
    } fields[] = {{"Credit", m->text->credit}, {"Source", m->text->source}};
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (fields[i].value == NULL || c->distributor == NULL)
            continue;
        const char *named = names_distributor(fields[i].value);
        if (named && !same_distributor(named, c->distributor) &&
            !(c->agency && same_distributor(named, c->agency)))
            add_warning(m, "The caption's credit (%s) says %s, but %s says %s.", c->credit_line,
                        c->distributor, fields[i].label, fields[i].value);
    }
}

/* ---------------------------------------------------------------- dates in captions */

static const char *const weekdays[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

/* AP writes Jan. Feb. Aug. Sept. Oct. Nov. Dec.; others write the whole name. */
static const char *const months[12][3] = {
    {"January", "Jan", NULL}, {"February", "Feb", NULL}, {"March", "Mar", NULL},
    {"April", "Apr", NULL},   {"May", NULL, NULL},       {"June", "Jun", NULL},
    {"July", "Jul", NULL},    {"August", "Aug", NULL},   {"September", "Sept", "Sep"},
    {"October", "Oct", NULL}, {"November", "Nov", NULL}, {"December", "Dec", NULL},
};

static int
month_word(const char *w)
{
    gsize n = strlen(w);
    while (n > 0 && (w[n - 1] == '.' || w[n - 1] == ','))
        n--;
    /* most words are not months: the shortest is 3 letters, the longest 9 */
    if (n < 3 || n > 9 || strchr("JFMASONDjfmasond", w[0]) == NULL)
        return 0;
    for (int m = 0; m < 12; m++)
        for (int k = 0; k < 3 && months[m][k]; k++)
            if (strlen(months[m][k]) == n && g_ascii_strncasecmp(w, months[m][k], n) == 0)
                return m + 1;
    return 0;
}

static int
weekday_word(const char *w)
{
    for (int d = 0; d < 7; d++)
        if (g_ascii_strncasecmp(w, weekdays[d], strlen(weekdays[d])) == 0 &&
            (w[strlen(weekdays[d])] == 0 || w[strlen(weekdays[d])] == ','))
            return d + 1; /* GDateWeekday: Monday is 1 */
    return 0;
}

/* A number word ("15", "15,", "2023.") and its value, or -1. */
static int
number_word(const char *w)
{
    int v = 0, digits = 0;
    for (const char *p = w; *p; p++) {
        if (g_ascii_isdigit(*p)) {
            v = v * 10 + (*p - '0');
            if (++digits > 4)
                return -1;
        } else if ((*p == ',' || *p == '.' || *p == ')' || *p == ';') && digits) {
            break;
        } else {
            return -1;
        }
    }
    return digits ? v : -1;
}

typedef struct {
    int year, month, day;
    int weekday; /* as written, 0 when none */
    char *text;  /* as written */
} CaptionDate;

/* The dates in @text written with a year: "Saturday, April 15, 2023", "April 15, 2023",
 * "15 April 2023", "Saturday, 15 April 2023". */
static GArray *
find_dates(const char *text)
{
    GArray *dates = g_array_new(FALSE, TRUE, sizeof(CaptionDate));
    g_auto(GStrv) w = g_strsplit_set(text, " \n", -1);
    int n = (int)g_strv_length(w);
    for (int i = 0; i + 2 < n; i++) {
        int year = -1, month = 0, day = -1, first = i;
        int m = month_word(w[i]);
        if (m && (day = number_word(w[i + 1])) > 0 && (year = number_word(w[i + 2])) >= 1800) {
            month = m; /* April 15, 2023 */
        } else if ((day = number_word(w[i])) > 0 && (m = month_word(w[i + 1])) &&
                   (year = number_word(w[i + 2])) >= 1800) {
            month = m; /* 15 April 2023 */
        } else {
            continue;
        }
        if (day < 1 || day > 31 || year > 2200)
            continue;
        CaptionDate d = {year, month, day, 0, NULL};
        if (i > 0 && (d.weekday = weekday_word(w[i - 1])) != 0)
            first = i - 1;
        GString *t = g_string_new(NULL);
        for (int k = first; k <= i + 2; k++)
            g_string_append_printf(t, "%s%s", k > first ? " " : "", w[k]);
        while (t->len && strchr(".,;)", t->str[t->len - 1]))
            g_string_truncate(t, t->len - 1);
        d.text = g_string_free(t, FALSE);
        g_array_append_val(dates, d);
        i += 2;
    }
    return dates;
}

static void
free_dates(GArray *dates)
{
    for (guint i = 0; i < dates->len; i++)
        g_free(g_array_index(dates, CaptionDate, i).text);
    g_array_unref(dates);
}

static void
check_dates(Reader *m, const char *body)
{
    GArray *dates = find_dates(body);
    const CaptionDate *picture = NULL;
    for (guint i = 0; i < dates->len; i++) {
        const CaptionDate *d = &g_array_index(dates, CaptionDate, i);
        if (!g_date_valid_dmy((GDateDay)d->day, (GDateMonth)d->month, (GDateYear)d->year)) {
            add_check(m, "date_invalid", "caption",
                      "The caption gives a date that does not exist: %s.", d->text);
            continue;
        }
        if (d->weekday) {
            GDate *g = g_date_new_dmy((GDateDay)d->day, (GDateMonth)d->month, (GDateYear)d->year);
            int real = g_date_get_weekday(g);
            g_date_free(g);
            if (real != d->weekday)
                add_check(m, "weekday_mismatch", "caption",
                          "The caption says %s, but %s %d, %d was a %s.", d->text,
                          months[d->month - 1][0], d->day, d->year, weekdays[real - 1]);
            if (picture == NULL || !picture->weekday)
                picture = d;
        } else if (picture == NULL || !picture->weekday) {
            picture = d; /* the last date, unless one came with its weekday */
        }
    }
    /* The caption's date against the date the picture was taken, as the photographer's
     * camera or the agency recorded it (local time). */
    /* A file picture's caption keeps the date it was taken; the photo may carry the date
     * of its new transmission. */
    if (picture && !m->out->credit.file_photo && m->text->date_created &&
        strlen(m->text->date_created) >= 10 &&
        g_date_valid_dmy((GDateDay)picture->day, (GDateMonth)picture->month,
                         (GDateYear)picture->year)) {
        int y = atoi(m->text->date_created), mo = atoi(m->text->date_created + 5),
            dd = atoi(m->text->date_created + 8);
        if (g_date_valid_dmy((GDateDay)dd, (GDateMonth)mo, (GDateYear)y)) {
            GDate *a = g_date_new_dmy((GDateDay)picture->day, (GDateMonth)picture->month,
                                      (GDateYear)picture->year);
            GDate *b = g_date_new_dmy((GDateDay)dd, (GDateMonth)mo, (GDateYear)y);
            int days = ABS(g_date_days_between(a, b));
            if (days > 1)
                add_check(m, "date_far_from_created", "caption",
                          "The caption dates the picture %s, but it was taken on %.10s (%d days "
                          "apart).",
                          picture->text, m->text->date_created, days);
            g_date_free(a);
            g_date_free(b);
        }
    }
    free_dates(dates);
}

/* ---------------------------------------------------------------- the other checks */

/* What systems that read IIM will cut: the fields an editor can correct, longer than
 * their dataset holds. */
static void
check_lengths(Reader *m)
{
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++) {
        const PdPhotoField *f = &fields[i];
        if (!(f->flags & PD_FIELD_EDITABLE) || f->iim_max == 0)
            continue;
        if (f->flags & PD_FIELD_LIST) {
            GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, m->text, f->offset);
            for (guint k = 0; list && k < list->len; k++) {
                const char *v = g_ptr_array_index(list, k);
                if (strlen(v) > f->iim_max)
                    add_check(m, "field_too_long", f->name,
                              "%s \"%s\" is %zu bytes; IPTC-IIM holds %u, so systems that "
                              "read IIM will cut it.",
                              f->label, v, strlen(v), f->iim_max);
            }
            continue;
        }
        const char *v = pd_photo_text_get(m->text, f);
        if (v == NULL || strlen(v) <= f->iim_max)
            continue;
        if (strcmp(f->name, "caption") == 0)
            add_check(m, "caption_too_long", f->name,
                      "The caption is %zu bytes; IPTC-IIM holds %u, so systems that read IIM "
                      "will cut it.",
                      strlen(v), f->iim_max);
        else
            add_check(m, "field_too_long", f->name,
                      "%s is %zu bytes; IPTC-IIM holds %u, so systems that read IIM will cut "
                      "it.",
                      f->label, strlen(v), f->iim_max);
    }
}

static void
check_capitals(Reader *m, const char *body)
{
    guint letters = 0, upper = 0;
    for (const char *p = body; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalpha(c)) {
            letters++;
            if (g_unichar_isupper(c))
                upper++;
        }
    }
    if (letters >= 20 && upper * 10 >= letters * 9)
        add_check(m, "all_caps", "caption",
                  "The caption is written in capitals; rewrite it in sentence case.");
}

/* AP corrections lead the caption: "CORRECTS DATE TO SUNDAY, AUG. 11: Firefighters..." */
static void
read_caption_correction(Reader *m)
{
    static const char *const leads[] = {"CORRECTS ", "CORRECTION ",    "REFILED ",
                                        "REFILE ",   "RETRANSMITTED ", "CLARIFIES "};
    if (m->text->caption == NULL || m->out->restrictions.correction)
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(leads); i++) {
        if (g_str_has_prefix(m->text->caption, leads[i])) {
            const char *colon = strchr(m->text->caption, ':');
            const char *end = colon ? colon : m->text->caption + strlen(m->text->caption);
            if (end - m->text->caption > 200) /* keep it a note, cut between characters */
                end = g_utf8_find_prev_char(m->text->caption, m->text->caption + 201);
            m->out->restrictions.correction =
                g_strndup(m->text->caption, (gsize)(end - m->text->caption));
            return;
        }
    }
}

static void
check_free(gpointer data)
{
    PdCheck *c = data;
    g_free(c->code);
    g_free(c->field);
    g_free(c->message);
    g_free(c);
}

GPtrArray *
pd_caption_checks_new(void)
{
    return g_ptr_array_new_with_free_func(check_free);
}

/* A picture that is not a photograph of what happened says so in its digital source
 * type: the desk must decide, knowingly, whether it is the story. */
static void
check_provenance(Reader *m)
{
    const char *dst = m->text->digital_source_type;
    m->out->made = pd_provenance_made(dst);
    if (m->out->made == PD_MADE_UNSTATED)
        return;
    add_check(m, "synthetic", "digital_source_type",
              "Digital source type: %s (%s). This is not a photograph as taken; an article "
              "that uses it must say so.",
              pd_provenance_source_label(dst), dst);
}

/* The first "[no city]" in @text (a template's variable the photo had no value for, as
 * batch edits write it: a field's name, or one read from the caption), newly allocated;
 * NULL when there is none. */
static char *
placeholder_in(const char *text)
{
    static const char *const read[] = {"credit_line", "photographer", "date_created", "seq"};
    for (const char *p = text ? strstr(text, "[no ") : NULL; p; p = strstr(p + 1, "[no ")) {
        const char *q = p + 4;
        while (g_ascii_islower(*q) || *q == '_')
            q++;
        if (q == p + 4 || *q != ']')
            continue;
        g_autofree char *name = g_strndup(p + 4, (gsize)(q - p - 4));
        gboolean known = pd_photo_field_find(name) != NULL;
        for (gsize i = 0; !known && i < G_N_ELEMENTS(read); i++)
            known = strcmp(name, read[i]) == 0;
        if (known)
            return g_strndup(p, (gsize)(q - p + 1));
    }
    return NULL;
}

static void
check_placeholders(Reader *m)
{
    guint n;
    const PdPhotoField *fields = pd_photo_fields(&n);
    for (guint i = 0; i < n; i++) {
        g_autofree char *found = NULL;
        if (fields[i].flags & PD_FIELD_LIST) {
            GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, m->text, fields[i].offset);
            for (guint k = 0; list && k < list->len && found == NULL; k++)
                found = placeholder_in(g_ptr_array_index(list, k));
        } else {
            found = placeholder_in(pd_photo_text_get(m->text, &fields[i]));
        }
        if (found)
            add_check(m, "template_gap", fields[i].name,
                      "%s holds \"%s\": a template had no value for it on this photo; write "
                      "it in.",
                      fields[i].label, found);
    }
}

void
pd_caption_read(PdPhotoText *text, PdCaption *out)
{
    memset(out, 0, sizeof *out);
    out->checks = g_ptr_array_new_with_free_func(check_free);
    out->warnings = g_ptr_array_new_with_free_func(g_free);
    Reader reader = {text, out};
    Reader *m = &reader;

    repair_fields(m);
    pd_caption_read_credit(m->text->caption, &m->out->credit, &m->out->restrictions);
    pd_restrictions_add_text(&m->out->restrictions, m->text->special_instructions);
    read_caption_correction(m);
    read_slug(m);
    compare_with_fields(m);

    const char *body = m->out->credit.body ? m->out->credit.body : "";
    check_dates(m, body);
    if (!m->out->credit.found && m->text->byline == NULL && m->text->credit == NULL &&
        m->text->source == NULL)
        add_check(m, "no_credit", NULL,
                  "No credit: the caption has no credit line and By-line, Credit and Source "
                  "are empty.");
    check_lengths(m);
    check_capitals(m, body);
    check_placeholders(m);
    check_provenance(m);
}

void
pd_caption_clear(PdCaption *c)
{
    pd_credit_clear(&c->credit);
    pd_restrictions_clear(&c->restrictions);
    g_clear_pointer(&c->slug, g_free);
    c->top_pick = FALSE;
    c->made = PD_MADE_UNSTATED;
    g_clear_pointer(&c->checks, g_ptr_array_unref);
    g_clear_pointer(&c->warnings, g_ptr_array_unref);
}
