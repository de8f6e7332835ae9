/* caption.c: the credit trailer, restrictions, slug and caption checks.
 *
 * Wire agencies end their captions with the full credit chain, in house forms of their
 * own (../shared/captions/README.md):
 *
 *   AP       (AP Photo/Name[, File|, Pool])   (Name, Agency, Kremlin Pool Photo via AP)
 *            (Name/Pool Photo via AP)   (Organisation via AP)   (Photo by Name/Invision/AP)
 *   Reuters  REUTERS/Name[/File Photo]   Agency/Name/Pool via REUTERS [ATTENTION EDITORS...]
 *   AFP      (Photo by First LAST / [AGENCY / | POOL / | Handout / ORG /] AFP) [/ RESTRICTED...]
 *   Getty    (Photo by Name/Getty Images)   (Photo by NAME/AFP via Getty Images)
 *   EPA      EPA/NAME   EPA-EFE/NAME
 *   dpa      Photo: Name/dpa
 *
 * The parser reads the structure those forms share rather than matching the examples:
 * a chain of parts separated by "/" or ", ", ending in (or "via") a distributor, with
 * markers for pool, handout and file pictures, and an order (photographer first, or
 * agency first for Reuters' "via" form) that depends on the distributor.
 */
#include "caption/caption.h"
#include "base/base.h"

#include <string.h>

/* ---------------------------------------------------------------- words */

static const char *const acronyms[] = {
    "AFP",  "AP",   "EPA",  "EFE",   "TASS",   "KCNA", "ANSA", "NASA", "UN",   "EU",
    "US",   "USA",  "UK",   "BBC",   "CNN",    "NBC",  "CBS",  "ABC",  "IRNA", "SANA",
    "WAFA", "NATO", "DPA",  "RIA",   "ITAR",   "ANP",  "PAP",  "CTK",  "MTI",  "IDF",
    "IAEA", "WHO",  "ICRC", "UNHCR", "UNICEF", "SPA",  "QNA",  "BSS",  "PTI",  "ANI",
    "AAP",  "NHK",  "KBS",  "YTN",   "MENA",   "APA",  "TT",   "NTB",  "STT",  "DAPD",
    "ZUMA", "SOPA", "KNA",  "POOL",  "TV",     "FC",   "NFL",  "NBA",  "NHL",  "MLB",
    "FIFA", "UEFA", "IOC",  "CIA",   "FBI",    "DOD",  "TSA",  "ESA",  "JAXA", "ISS",
};

/* Words that make a name an organisation's rather than a person's. */
static const char *const org_words[] = {
    "office",
    "press",
    "service",
    "services",
    "ministry",
    "department",
    "agency",
    "technologies",
    "technology",
    "inc",
    "inc.",
    "ltd",
    "ltd.",
    "llc",
    "corp",
    "corp.",
    "company",
    "news",
    "network",
    "television",
    "tv",
    "police",
    "army",
    "navy",
    "forces",
    "force",
    "guard",
    "government",
    "university",
    "museum",
    "council",
    "committee",
    "commission",
    "foundation",
    "institute",
    "center",
    "centre",
    "authority",
    "administration",
    "presidency",
    "palace",
    "house",
    "parliament",
    "embassy",
    "group",
    "studios",
    "studio",
    "pictures",
    "entertainment",
    "records",
    "media",
    "satellite",
    "labs",
    "club",
    "league",
    "federation",
    "association",
    "organization",
    "organisation",
    "union",
    "party",
    "team",
    "hospital",
    "airlines",
    "airport",
    "railway",
    "rescue",
    "military",
    "defense",
    "defence",
    "state",
    "national",
    "international",
    "corporation",
    "kremlin",
    "white",
    "handout",
    "courtesy",
    "zoo",
    "aquarium",
    "observatory",
    "laboratory",
    "project",
    "images",
    "photos",
    "photo",
    "productions",
    "channel",
    "ministerio",
    "presidencia",
    "gobierno",
    "agencia",
    "ministère",
    "ministerium",
    "bundesregierung",
    "office,",
};

/* Particles that appear inside people's names. */
static const char *const name_particles[] = {
    "de", "da", "das", "do", "dos", "van",   "von", "der", "den", "al", "bin", "ibn", "el",
    "la", "le", "di",  "du", "del", "della", "ten", "ter", "y",   "e",  "zu",  "af",  "st.",
};

static gboolean
word_in(const char *word, gsize len, const char *const *list, gsize n, gboolean fold)
{
    for (gsize i = 0; i < n; i++) {
        if (strlen(list[i]) == len && (fold ? g_ascii_strncasecmp(word, list[i], len) == 0
                                            : strncmp(word, list[i], len) == 0))
            return TRUE;
    }
    return FALSE;
}

/* TRUE when @word has letters and all of them are capitals. */
static gboolean
is_upper_word(const char *word, gsize len)
{
    gboolean letters = FALSE;
    for (const char *p = word; p < word + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalpha(c)) {
            letters = TRUE;
            if (!g_unichar_isupper(c))
                return FALSE;
        }
    }
    return letters;
}

static gboolean
has_vowel(const char *word, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (strchr("AEIOUYaeiouy", word[i]))
            return TRUE;
    /* any non-ASCII letter counts as a vowel: Ł, É... */
    for (gsize i = 0; i < len; i++)
        if ((guchar)word[i] >= 0x80)
            return TRUE;
    return FALSE;
}

static void
append_title_word(GString *out, const char *word, gsize len)
{
    /* first letter, and letters after - or ', upper; the rest lower */
    gboolean start = TRUE;
    for (const char *p = word; p < word + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalpha(c)) {
            g_string_append_unichar(out, start ? g_unichar_totitle(c) : g_unichar_tolower(c));
            start = FALSE;
        } else {
            g_string_append_unichar(out, c);
            start = c == '-' || c == '\'' || c == 0x2019 || c == '.';
        }
    }
}

char *
pd_caption_title_case(const char *s, gboolean keep_acronyms)
{
    GString *out = g_string_new(NULL);
    const char *p = s;
    while (*p) {
        if (*p == ' ') {
            g_string_append_c(out, *p++);
            continue;
        }
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        gsize len = (gsize)(p - w);
        gsize letters = 0;
        for (gsize i = 0; i < len; i++)
            if (g_ascii_isalpha(w[i]) || (guchar)w[i] >= 0x80)
                letters++;
        gboolean keep = !is_upper_word(w, len) || letters < 2;
        if (!keep && keep_acronyms) {
            /* strip trailing punctuation for the look-up */
            gsize core = len;
            while (core > 0 && !g_ascii_isalnum(w[core - 1]) && (guchar)w[core - 1] < 0x80)
                core--;
            keep = word_in(w, core, acronyms, G_N_ELEMENTS(acronyms), FALSE) || !has_vowel(w, core);
        }
        static const char *const small[] = {"VIA", "OF", "AND", "THE", "FOR", "DE", "DU", "DES",
                                            "LA",  "EL", "DEL", "DI",  "AT",  "IN", "ON"};
        if (keep) {
            g_string_append_len(out, w, (gssize)len);
        } else if (keep_acronyms && out->len > 0 &&
                   word_in(w, len, small, G_N_ELEMENTS(small), FALSE)) {
            /* "KCNA VIA KNS", "MINISTRY OF DEFENCE": small words stay small */
            g_autofree char *lower = g_ascii_strdown(w, (gssize)len);
            g_string_append(out, lower);
        } else {
            append_title_word(out, w, len);
        }
    }
    return g_string_free(out, FALSE);
}

/* A person's name: two to five words, each capitalised (or an initial, or a particle),
 * no digits, no word that names an organisation. */
static gboolean
looks_like_person(const char *s)
{
    g_auto(GStrv) words = g_strsplit(s, " ", -1);
    guint n = 0, capitalised = 0;
    for (int i = 0; words[i]; i++) {
        const char *w = words[i];
        gsize len = strlen(w);
        if (len == 0)
            continue;
        n++;
        for (gsize k = 0; k < len; k++)
            if (g_ascii_isdigit(w[k]))
                return FALSE;
        if (word_in(w, len, org_words, G_N_ELEMENTS(org_words), TRUE))
            return FALSE;
        if (word_in(w, len, name_particles, G_N_ELEMENTS(name_particles), TRUE))
            continue;
        gunichar c = g_utf8_get_char(w);
        gboolean inner_capital = FALSE; /* deGooyer, van't Hof */
        for (const char *q = g_utf8_next_char(w); *q; q = g_utf8_next_char(q))
            inner_capital |= g_unichar_isupper(g_utf8_get_char(q));
        if (!g_unichar_isupper(c) && !inner_capital)
            return FALSE;
        if (g_str_equal(w, "The") || g_str_equal(w, "THE"))
            return FALSE;
        capitalised++;
    }
    return n >= 2 && n <= 5 && capitalised >= 2;
}

/* ---------------------------------------------------------------- parts of a chain */

typedef enum {
    PART_NAME,       /* a person or an organisation */
    PART_NOBODY,     /* STR, Stringer: a name withheld */
    PART_HANDOUT,    /* Handout, HO */
    PART_POOL,       /* Pool, Pool Photo, Kremlin Pool Photo */
    PART_FILE,       /* File, File Photo */
    PART_DISTRIBUTOR /* AP, REUTERS, AFP, Getty Images, ... */
} PartKind;

static const struct {
    const char *written;
    const char *name;
} distributors[] = {
    {"AP", "AP"},
    {"AP Photo", "AP"},
    {"REUTERS", "Reuters"},
    {"Reuters", "Reuters"},
    {"AFP", "AFP"},
    {"AFP PHOTO", "AFP"},
    {"Getty Images", "Getty Images"},
    {"GETTY IMAGES", "Getty Images"},
    {"EPA", "EPA"},
    {"EPA-EFE", "EPA-EFE"},
    {"epa", "EPA"},
    {"dpa", "dpa"},
    {"DPA", "dpa"},
    {"THE CANADIAN PRESS", "The Canadian Press"},
    {"The Canadian Press", "The Canadian Press"},
};

static const char *
distributor_name(const char *s)
{
    for (gsize i = 0; i < G_N_ELEMENTS(distributors); i++)
        if (strcmp(s, distributors[i].written) == 0)
            return distributors[i].name;
    return NULL;
}

static gboolean
ends_with_word(const char *s, const char *word)
{
    gsize n = strlen(s), k = strlen(word);
    return n >= k && g_ascii_strcasecmp(s + n - k, word) == 0 &&
           (n == k || s[n - k - 1] == ' ' || s[n - k - 1] == '-');
}

static PartKind
classify(const char *part)
{
    if (distributor_name(part))
        return PART_DISTRIBUTOR;
    /* AFP writes "-" where a photographer cannot be named */
    if (g_ascii_strcasecmp(part, "STR") == 0 || g_ascii_strcasecmp(part, "Stringer") == 0 ||
        g_ascii_strcasecmp(part, "Staff") == 0 || strcmp(part, "-") == 0 ||
        strcmp(part, "\xe2\x80\x94") == 0 || strcmp(part, "\xe2\x80\x93") == 0)
        return PART_NOBODY;
    if (g_ascii_strcasecmp(part, "Handout") == 0 || g_ascii_strcasecmp(part, "HO") == 0 ||
        g_ascii_strcasecmp(part, "Handout Photo") == 0)
        return PART_HANDOUT;
    if (g_ascii_strcasecmp(part, "File") == 0 || g_ascii_strcasecmp(part, "File Photo") == 0)
        return PART_FILE;
    /* "Pool", "Pool Photo", "Kremlin Pool Photo", "Government Pool Photo", "POOL" */
    if (ends_with_word(part, "Pool") || ends_with_word(part, "Pool Photo"))
        return PART_POOL;
    return PART_NAME;
}

/* Splits @s at @sep (a character), trimming each part; empty parts are dropped. */
static GPtrArray *
split_parts(const char *s, char sep)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    char sepstr[2] = {sep, 0};
    g_auto(GStrv) raw = g_strsplit(s, sepstr, -1);
    for (int i = 0; raw[i]; i++) {
        g_strstrip(raw[i]);
        if (*raw[i])
            g_ptr_array_add(parts, g_strdup(raw[i]));
    }
    return parts;
}

/* ---------------------------------------------------------------- the credit */

void
pd_credit_clear(PdCredit *c)
{
    g_free(c->body);
    g_free(c->photographer);
    g_free(c->agency);
    g_free(c->distributor);
    g_free(c->credit_line);
    g_free(c->tail);
    memset(c, 0, sizeof *c);
}

void
pd_restrictions_clear(PdRestrictions *r)
{
    g_free(r->mandatory_credit_text);
    g_free(r->embargo_until);
    g_free(r->correction);
    if (r->other)
        g_ptr_array_unref(r->other);
    memset(r, 0, sizeof *r);
}

static void
set_photographer(PdCredit *c, const char *name)
{
    if (c->photographer == NULL)
        c->photographer = pd_caption_title_case(name, FALSE);
}

static void
set_agency(PdCredit *c, const char *name)
{
    if (c->agency == NULL) {
        /* "Getty Images for Tribeca Festival": the agency is Getty's client, not a
         * source; keep the organisation before " for ". */
        c->agency = pd_caption_title_case(name, TRUE);
    }
}

/* Reads a chain of parts whose distributor is already known (and removed): the
 * markers set flags, and the names are the photographer and the agency, in the order
 * given by @agency_first. */
static void
read_names(PdCredit *c, GPtrArray *parts, gboolean agency_first)
{
    GPtrArray *names = g_ptr_array_new();
    gboolean nobody = FALSE;
    for (guint i = 0; i < parts->len; i++) {
        const char *p = g_ptr_array_index(parts, i);
        switch (classify(p)) {
        case PART_POOL:
            c->pool = TRUE;
            break;
        case PART_HANDOUT:
            c->handout = TRUE;
            if (names->len == 0)
                nobody = TRUE;
            break;
        case PART_FILE:
            c->file_photo = TRUE;
            break;
        case PART_NOBODY:
            if (names->len == 0)
                nobody = TRUE;
            break;
        case PART_DISTRIBUTOR:
            /* a second distributor in the chain ("NAME/AFP via Getty Images"): the
             * first one is where the picture came from */
            set_agency(c, distributor_name(p));
            break;
        case PART_NAME:
            /* The Canadian Press: "HO-Name", a handout from the person named */
            if (g_str_has_prefix(p, "HO-") || g_str_has_prefix(p, "HO - ")) {
                c->handout = TRUE;
                p += g_str_has_prefix(p, "HO-") ? 3 : 5;
                if (*p == 0)
                    break;
            }
            g_ptr_array_add(names, (gpointer)p);
            break;
        }
    }
    if (names->len == 0) {
        g_ptr_array_unref(names);
        return;
    }
    const char *first = g_ptr_array_index(names, 0);
    const char *second = names->len > 1 ? g_ptr_array_index(names, 1) : NULL;
    if (nobody) {
        /* "Handout / ORGANISATION / AFP", "STR / AGENCY / AFP" */
        set_agency(c, first);
    } else if (second) {
        set_photographer(c, agency_first ? second : first);
        set_agency(c, agency_first ? first : second);
    } else if (c->pool || looks_like_person(first)) {
        set_photographer(c, first);
    } else {
        /* an organisation relayed by a distributor, with nobody named: a handout */
        set_agency(c, first);
        c->handout = TRUE;
    }
    g_ptr_array_unref(names);
}

/* Strips ", File" and ", Pool" (AP's suffixes) from the end of @s, setting flags. */
static void
strip_suffixes(PdCredit *c, char *s)
{
    for (;;) {
        g_strchomp(s);
        gsize n = strlen(s);
        if (n > 6 && g_ascii_strcasecmp(s + n - 6, ", File") == 0) {
            c->file_photo = TRUE;
            s[n - 6] = 0;
        } else if (n > 6 && g_ascii_strcasecmp(s + n - 6, ", Pool") == 0) {
            c->pool = TRUE;
            s[n - 6] = 0;
        } else {
            return;
        }
    }
}

/* Splits "X via DISTRIBUTOR" at its last " via "; the distributor (canonical) or NULL. */
static const char *
split_via(char *s, char **left)
{
    char *via = g_strrstr(s, " via ");
    if (via == NULL)
        return NULL;
    const char *d = distributor_name(g_strstrip(via + 5));
    if (d == NULL)
        return NULL;
    *via = 0;
    *left = g_strstrip(s);
    return d;
}

/* The content of a parenthesised trailer. */
static gboolean
parse_paren(PdCredit *c, const char *content)
{
    g_autofree char *s = g_strdup(content);
    g_strstrip(s);
    strip_suffixes(c, s);

    /* (AP Photo) and (AP Photo/Name) */
    if (g_str_has_prefix(s, "AP Photo") && (s[8] == 0 || s[8] == '/')) {
        c->distributor = g_strdup("AP");
        if (s[8] == '/') {
            g_autoptr(GPtrArray) parts = split_parts(s + 9, '/');
            read_names(c, parts, FALSE);
        }
        return TRUE;
    }

    gboolean photo_by = FALSE;
    char *rest = s;
    if (g_ascii_strncasecmp(s, "Photo by ", 9) == 0) {
        photo_by = TRUE;
        rest = s + 9;
    } else if (g_ascii_strncasecmp(s, "Photos by ", 10) == 0) {
        photo_by = TRUE;
        rest = s + 10;
    }

    /* (... via DISTRIBUTOR): AP's pool and handout forms, Getty's "via" */
    char *left = NULL;
    g_autofree char *copy = g_strdup(rest);
    const char *via = split_via(copy, &left);
    if (via) {
        c->distributor = g_strdup(via);
        /* AP writes "Name, Agency, Kremlin Pool Photo" with commas, others slashes */
        char sep = strchr(left, '/') ? '/' : ',';
        g_autoptr(GPtrArray) parts = split_parts(left, sep);
        read_names(c, parts, FALSE);
        return TRUE;
    }

    /* (Photo by Name / AGENCY / AFP), (Photo by Name/Getty Images), (Name/Invision/AP) */
    g_autoptr(GPtrArray) parts = split_parts(rest, '/');
    if (parts->len == 0)
        return FALSE;
    char *last = g_ptr_array_index(parts, parts->len - 1);
    /* "Getty Images for Tribeca Festival" */
    char *for_ = strstr(last, " for ");
    if (for_)
        *for_ = 0;
    const char *d = distributor_name(last);
    if (d == NULL || (parts->len < 2 && !photo_by))
        return FALSE;
    c->distributor = g_strdup(d);
    g_ptr_array_remove_index(parts, parts->len - 1);
    read_names(c, parts, FALSE);
    return TRUE;
}

/* Where a sentence ends before @pos in @text: just after ". " (not an initial such as
 * "J. "), or 0. */
static gsize
sentence_start(const char *text, gsize pos)
{
    for (gsize i = pos; i >= 2; i--) {
        char c = text[i - 2];
        if ((c == '.' || c == '!' || c == '?') && text[i - 1] == ' ') {
            /* "J. Phillip": a single capital before the full stop is an initial */
            gboolean initial = i >= 4 && g_ascii_isupper(text[i - 3]) &&
                               (i == 4 || text[i - 4] == ' ' || text[i - 4] == '/');
            if (!initial)
                return i;
        }
    }
    return 0;
}

/* Editors' notes that may follow an unparenthesised credit. */
static const char *const tail_markers[] = {
    " ATTENTION EDITORS",
    " EDITORIAL USE ONLY",
    " NO RESALES",
    " NO ARCHIVES",
    " THIS IMAGE HAS BEEN SUPPLIED",
    " MANDATORY CREDIT",
    ", MANDATORY CREDIT",
    " *MANDATORY",
    ", *",
    " TPX IMAGES OF THE DAY",
    " EDITOR'S NOTE",
    " EDITORS NOTE",
    " - ",
};

/* The end of an unparenthesised credit whose chain starts at @from: the first editors'
 * note after that, or the end of the text. Never before @from. */
static gsize
credit_end(const char *text, gsize from)
{
    gsize end = strlen(text);
    for (gsize i = 0; i < G_N_ELEMENTS(tail_markers); i++) {
        const char *m = strstr(text + from, tail_markers[i]);
        if (m && (gsize)(m - text) < end)
            end = (gsize)(m - text);
    }
    return end;
}

typedef struct {
    gsize start, end; /* the credit in the text */
} Span;

/* REUTERS/Name[/File Photo] and Agency/Name/Pool via REUTERS */
static gboolean
find_reuters(PdCredit *c, const char *text, Span *span)
{
    const char *hit = NULL;
    for (const char *p = strstr(text, "REUTERS"); p; p = strstr(p + 1, "REUTERS"))
        hit = p;
    if (hit == NULL)
        return FALSE;
    gsize at = (gsize)(hit - text);
    char after = hit[7];
    if (after != 0 && after != '/' && after != ' ' && after != '.')
        return FALSE;
    if (at >= 5 && strncmp(text + at - 5, " via ", 5) == 0) {
        gsize chain_end = at - 5;
        /* the chain starts after the sentence before its first part */
        gsize start = sentence_start(text, chain_end);
        g_autofree char *chain = g_strndup(text + start, chain_end - start);
        g_autoptr(GPtrArray) parts = split_parts(chain, '/');
        if (parts->len == 0)
            return FALSE;
        /* without a slash the chain is one organisation: at most a few words */
        if (parts->len == 1) {
            g_auto(GStrv) words = g_strsplit(g_ptr_array_index(parts, 0), " ", -1);
            if (g_strv_length(words) > 8)
                return FALSE;
        }
        c->distributor = g_strdup("Reuters");
        read_names(c, parts, TRUE);
        span->start = start;
        span->end = at + 7;
        return TRUE;
    }
    if (after != '/' || (at > 0 && text[at - 1] != ' '))
        return FALSE;
    gsize end = credit_end(text, at + 8);
    g_autofree char *chain = g_strndup(text + at + 8, end - at - 8);
    g_autoptr(GPtrArray) parts = split_parts(chain, '/');
    c->distributor = g_strdup("Reuters");
    read_names(c, parts, FALSE);
    span->start = at;
    span->end = end;
    return TRUE;
}

/* DISTRIBUTOR/NAME at the end, as EPA and The Canadian Press write it */
static gboolean
find_prefix_form(PdCredit *c, const char *text, const char *prefix, const char *name, Span *span)
{
    const char *hit = NULL;
    gsize plen = strlen(prefix);
    for (const char *p = strstr(text, prefix); p; p = strstr(p + 1, prefix))
        if (p == text || p[-1] == ' ')
            hit = p;
    if (hit == NULL)
        return FALSE;
    gsize at = (gsize)(hit - text);
    gsize end = credit_end(text, at + plen);
    g_autofree char *chain = g_strndup(text + at + plen, end - at - plen);
    if (*g_strstrip(chain) == 0)
        return FALSE;
    /* EPA handouts: "EPA-EFE/PRESS SERVICE HANDOUT HANDOUT EDITORIAL USE ONLY/NO SALES" */
    char *handout = strstr(chain, " HANDOUT");
    g_autofree char *tail = NULL;
    if (handout) {
        *handout = 0;
        c->handout = TRUE;
        char *rest = handout + 8;
        while (g_str_has_prefix(rest, " HANDOUT"))
            rest += 8;
        if (*g_strstrip(rest))
            tail = g_strdup(rest);
        g_strstrip(chain);
        set_agency(c, chain);
    } else {
        g_autoptr(GPtrArray) parts = split_parts(chain, '/');
        read_names(c, parts, FALSE);
    }
    c->distributor = g_strdup(name);
    span->start = at;
    span->end = end;
    if (tail)
        c->tail = g_steal_pointer(&tail);
    return TRUE;
}

/* Photo: Name/dpa (Foto: in German captions) */
static gboolean
find_dpa(PdCredit *c, const char *text, Span *span)
{
    const char *hit = NULL;
    gsize label = 0;
    static const char *const labels[] = {"Photo: ", "photo: ", "Foto: "};
    for (gsize i = 0; i < G_N_ELEMENTS(labels); i++) {
        for (const char *p = strstr(text, labels[i]); p; p = strstr(p + 1, labels[i])) {
            if (hit == NULL || p > hit) {
                hit = p;
                label = strlen(labels[i]);
            }
        }
    }
    if (hit == NULL)
        return FALSE;
    gsize at = (gsize)(hit - text);
    gsize end = credit_end(text, at + label);
    g_autofree char *chain = g_strndup(hit + label, end - at - label);
    g_autoptr(GPtrArray) parts = split_parts(chain, '/');
    if (parts->len < 2 || strcmp(g_ptr_array_index(parts, parts->len - 1), "dpa") != 0)
        return FALSE;
    g_ptr_array_remove_index(parts, parts->len - 1);
    c->distributor = g_strdup("dpa");
    read_names(c, parts, FALSE);
    span->start = at;
    span->end = end;
    return TRUE;
}

/* The latest parenthesised credit, followed by nothing or by restriction text. */
static gboolean
find_paren(PdCredit *c, const char *text, Span *span)
{
    gsize n = strlen(text);
    for (gsize e = n; e-- > 0;) {
        if (text[e] != ')')
            continue;
        /* what follows must be punctuation, or restriction text after " / " or a note */
        const char *after = text + e + 1;
        gboolean fine = TRUE;
        for (const char *p = after; *p; p++) {
            if (*p == '/' || g_str_has_prefix(p, "ATTENTION") || g_str_has_prefix(p, "EDITOR") ||
                g_str_has_prefix(p, "RESTRICTED") || g_str_has_prefix(p, "MANDATORY") ||
                g_str_has_prefix(p, "EDS NOTE"))
                break;
            if (!g_ascii_isspace(*p) && !g_ascii_ispunct(*p)) {
                fine = FALSE;
                break;
            }
        }
        if (!fine)
            continue;
        int depth = 0;
        gsize open = e + 1;
        for (gsize i = e + 1; i-- > 0;) {
            if (text[i] == ')')
                depth++;
            else if (text[i] == '(' && --depth == 0) {
                open = i;
                break;
            }
        }
        if (open > e)
            continue;
        g_autofree char *content = g_strndup(text + open + 1, e - open - 1);
        PdCredit trial = {0};
        if (parse_paren(&trial, content)) {
            *c = trial;
            span->start = open;
            span->end = e + 1;
            return TRUE;
        }
        pd_credit_clear(&trial);
    }
    return FALSE;
}

static char *
make_credit_line(const PdCredit *c)
{
    GString *s = g_string_new(NULL);
    if (c->photographer)
        g_string_append(s, c->photographer);
    if (c->agency)
        g_string_append_printf(s, "%s%s", s->len ? "/" : "", c->agency);
    if (c->pool)
        g_string_append_printf(s, "%sPool", s->len ? "/" : "");
    if (c->handout && !c->agency && !c->pool)
        g_string_append_printf(s, "%sHandout", s->len ? "/" : "");
    if (c->distributor) {
        if (s->len == 0)
            g_string_append(s, c->distributor);
        else if (c->agency || c->pool || c->handout)
            g_string_append_printf(s, " via %s", c->distributor);
        else
            g_string_append_printf(s, "/%s", c->distributor);
    }
    if (s->len == 0) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

void
pd_caption_read_credit(const char *caption, PdCredit *c, PdRestrictions *restrictions)
{
    memset(c, 0, sizeof *c);
    g_autofree char *text = g_strdup(caption ? caption : "");
    g_strstrip(text);
    /* Reuters marks file pictures at the front. */
    char *start = text;
    gboolean file_prefix = FALSE;
    if (g_ascii_strncasecmp(start, "FILE PHOTO:", 11) == 0) {
        file_prefix = TRUE;
        start += 11;
        while (*start == ' ')
            start++;
    }

    Span span = {0, 0};
    gboolean found =
        find_paren(c, start, &span) || find_reuters(c, start, &span) ||
        find_prefix_form(c, start, "EPA-EFE/", "EPA-EFE", &span) ||
        find_prefix_form(c, start, "EPA/", "EPA", &span) ||
        find_prefix_form(c, start, "THE CANADIAN PRESS/", "The Canadian Press", &span) ||
        find_prefix_form(c, start, "AFP PHOTO / ", "AFP", &span) ||
        find_prefix_form(c, start, "AFP PHOTO/", "AFP", &span) || find_dpa(c, start, &span);
    if (!found) {
        pd_credit_clear(c);
        span.start = strlen(start);
        span.end = span.start;
    }
    c->found = found;
    c->file_photo |= file_prefix;

    /* The tail: restriction text and editors' notes after the credit. */
    const char *after = start + span.end;
    while (*after == ' ' || *after == '/' || *after == '-')
        after++;
    if (*after) {
        g_autofree char *t = g_strdup(after);
        g_strstrip(t);
        if (c->tail) {
            char *joined = g_strconcat(c->tail, " - ", t, NULL);
            g_free(c->tail);
            c->tail = joined;
        } else if (*t && !(strlen(t) == 1 && g_ascii_ispunct(t[0]))) {
            c->tail = g_steal_pointer(&t);
        }
    }
    if (c->tail) {
        g_autofree char *upper = g_ascii_strup(c->tail, -1);
        if (strstr(upper, "PROVIDED BY A THIRD PARTY") || strstr(upper, "HANDOUT"))
            c->handout = TRUE;
    }

    c->body = g_strndup(start, span.start);
    g_strstrip(c->body);
    c->credit_line = make_credit_line(c);
    if (restrictions && c->tail)
        pd_restrictions_add_text(restrictions, c->tail);
}

/* ---------------------------------------------------------------- a credit that fits */

/* @parts (the credit line's names before " via ", split at "/") joined, each kept where
 * @keep says; "Pool" is a part like the others. */
static char *
joined_parts(char **parts, const gboolean *keep, const char *via)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; parts[i]; i++)
        if (keep[i])
            g_string_append_printf(s, "%s%s", s->len ? "/" : "", parts[i]);
    if (via && s->len)
        g_string_append_printf(s, " via %s", via);
    else if (via)
        g_string_append(s, via);
    return g_string_free(s, FALSE);
}

/* The last word of a name ("Gavriil Grigorov" -> "Grigorov"). */
static const char *
surname(const char *name)
{
    const char *space = strrchr(name, ' ');
    return space ? space + 1 : name;
}

char *
pd_credit_fit(const char *credit_line, gsize max)
{
    if (credit_line == NULL)
        return NULL;
    if (strlen(credit_line) <= max)
        return g_strdup(credit_line);
    g_autofree char *left = g_strdup(credit_line);
    char *via_at = g_strrstr(left, " via ");
    const char *via = NULL;
    if (via_at) {
        *via_at = 0;
        via = via_at + 5;
    }
    g_auto(GStrv) parts = g_strsplit(left, "/", -1);
    guint n = g_strv_length(parts);
    g_autofree gboolean *keep = g_new0(gboolean, n + 1);
    g_autoptr(GPtrArray) tries = g_ptr_array_new_with_free_func(g_free);
    int pool = -1;
    for (guint i = 0; i < n; i++)
        if (g_ascii_strcasecmp(parts[i], "Pool") == 0)
            pool = (int)i;
    /* 1: without the pool marker */
    for (guint i = 0; i < n; i++)
        keep[i] = (int)i != pool;
    g_ptr_array_add(tries, joined_parts(parts, keep, via));
    /* 2: and the photographer by their surname */
    g_autofree char *first = n ? g_strdup(parts[0]) : NULL;
    if (n >= 2 || via) {
        char *was = parts[0];
        parts[0] = (char *)surname(was);
        g_ptr_array_add(tries, joined_parts(parts, keep, via));
        parts[0] = was;
    }
    /* 3: where it came from, via the distributor ("Sputnik/Pool via AP") */
    if (via && n >= 2) {
        for (guint i = 0; i < n; i++)
            keep[i] = i > 0;
        g_ptr_array_add(tries, joined_parts(parts, keep, via));
    }
    /* 4: the photographer and the distributor, the agency dropped ("Karpukhin/AP") */
    const char *last = via ? via : (n >= 2 ? parts[n - 1] : NULL);
    if (n >= 2 && last) {
        g_ptr_array_add(tries, g_strdup_printf("%s/%s", first, last));
        g_ptr_array_add(tries, g_strdup_printf("%s/%s", surname(first), last));
    }
    /* 5: the distributor alone */
    if (last)
        g_ptr_array_add(tries, g_strdup(last));
    for (guint i = 0; i < tries->len; i++)
        if (strlen(g_ptr_array_index(tries, i)) <= max)
            return g_strdup(g_ptr_array_index(tries, i));
    /* nothing fits: cut at the last space or slash that does */
    const char *shortest = tries->len ? g_ptr_array_index(tries, tries->len - 1) : credit_line;
    gsize cut = pd_text_fit(shortest, max);
    while (cut > 0 && shortest[cut] != ' ' && shortest[cut] != '/' && shortest[cut] != 0)
        cut--;
    if (cut == 0)
        cut = pd_text_fit(shortest, max); /* one word longer than the field: UTF-8 whole */
    g_autofree char *out = g_strndup(shortest, cut);
    return g_strdup(g_strstrip(out));
}
