/* caption.h: the caption read as an editor reads it (the public interface of caption/).
 *
 * Text in, a reading out; no file formats, no catalog.
 *
 * - The credit trailer: the full credit chain agencies put at the end of the caption,
 *   because IIM By-line and Credit hold 32 bytes ("(Sergei Karpukhin, Sputnik, Kremlin
 *   Pool Photo via AP)", "REUTERS/Name/File Photo", "(Photo by NAME / POOL / AFP)").
 * - Restrictions: special instructions, editors' notes and the text after an AFP credit,
 *   read into flags (editorial use only, mandatory credit, embargo, kill...).
 * - Slug and top pick, and the checks an editor wants before publishing.
 */
#pragma once

#include "base/base.h"

#include <glib.h>

G_BEGIN_DECLS

/* The credit chain read from the end of a caption. */
typedef struct {
    gboolean found; /* the caption ends in a credit photodesk recognised */
    char *body;     /* the caption without the credit, what follows it, and FILE PHOTO: */
    char *photographer;
    char *agency; /* where the picture came from, when not the distributor */
    gboolean pool;
    gboolean handout;
    gboolean file_photo;
    char *distributor; /* AP, Reuters, AFP, Getty Images, EPA, EPA-EFE, dpa, ... */
    char *credit_line; /* house style: Photographer/Agency via Distributor */
    char *tail;        /* text after the credit (restrictions, editors' notes), or NULL */
} PdCredit;

/* What the special instructions and editors' notes restrict. */
typedef struct {
    gboolean editorial_only;
    gboolean mandatory_credit;
    char *mandatory_credit_text; /* the credit to print, when given */
    gboolean no_archive;
    gboolean no_sales;
    char *embargo_until; /* ISO 8601 UTC ("2023-06-05T00:01:00Z"), when a time is given */
    gboolean kill;
    char *correction; /* "CORRECTS DATE ...", "REFILED ..." */
    GPtrArray *other; /* of char *: instructions that are none of the above, kept */
} PdRestrictions;

/* A problem an editor should look at before publishing. */
typedef struct {
    char *code;    /* weekday_mismatch, date_far_from_created, date_invalid, no_credit,
                      caption_too_long, field_too_long, all_caps, double_encoded,
                      synthetic */
    char *field;   /* the field it is about ("caption", "byline", ...) */
    char *message; /* for a person */
} PdCheck;

/* Everything photodesk reads from a photo's text beyond its fields: a plain value. */
typedef struct {
    PdCredit credit; /* the caption's credit trailer */
    PdRestrictions restrictions;
    char *slug;          /* "Russia Orthodox Easter" */
    gboolean top_pick;   /* APTOPIX, TOPSHOT, TPX IMAGES OF THE DAY */
    GPtrArray *checks;   /* of PdCheck *; never NULL after pd_caption_read() */
    GPtrArray *warnings; /* of char *: where the trailer and the fields disagree */
    PdMade made;         /* from the digital source type */
} PdCaption;

/* Reads @text as an editor would into @out (which the caller clears with
 * pd_caption_clear()): the credit trailer, the restrictions of the text after it and of
 * the special instructions, a correction the caption leads with, slug and top pick,
 * where the trailer and By-line, Credit or Source disagree, and the checks. Text that
 * was double-encoded UTF-8 is repaired in @text (with a check saying so). */
void pd_caption_read(PdPhotoText *text, PdCaption *out);
void pd_caption_clear(PdCaption *caption);

/* Reads the credit trailer of @caption (and the restrictions in the text after it into
 * @restrictions, when not NULL). Fills @credit, which the caller clears with
 * pd_credit_clear(). */
void pd_caption_read_credit(const char *caption, PdCredit *credit, PdRestrictions *restrictions);
void pd_credit_clear(PdCredit *credit);
/* IIM's Credit (2:110) holds 32 bytes. */
#define PD_CREDIT_IIM_MAX 32
/* @credit_line ("Photographer/Agency/Pool via Distributor", as photodesk writes it) in at
 * most @max bytes, the first of these that fits: the pool marker dropped ("Gavriil
 * Grigorov/Sputnik/Pool via AP" -> "Gavriil Grigorov/Sputnik via AP"), then the
 * photographer's first names ("Grigorov/Sputnik via AP"), then the photographer
 * ("Sputnik/Pool via AP"), then the agency ("Gavriil Grigorov/AP", "Grigorov/AP"), then
 * all but the distributor; cut after a whole word only when nothing else fits. Newly
 * allocated; NULL for NULL. */
char *pd_credit_fit(const char *credit_line, gsize max);
void pd_restrictions_clear(PdRestrictions *restrictions);

/* Parses the restriction text @text (special instructions, an editors' note) into
 * @out, adding to what is there. */
void pd_restrictions_add_text(PdRestrictions *out, const char *text);

/* Title case for names the agencies write in capitals ("Kirill KUDRYAVTSEV" ->
 * "Kirill Kudryavtsev"); with @keep_acronyms, AFP, EPA, TASS and their like stay. Words
 * already in mixed case are left alone. Returns a newly allocated string. */
char *pd_caption_title_case(const char *s, gboolean keep_acronyms);

/* Repairs UTF-8 that was decoded as Windows-1252 and encoded again ("ZÃ¼rich" ->
 * "Zürich"). Returns the repaired string, newly allocated, or NULL when @s is not
 * double-encoded. */
char *pd_caption_repair_double_utf8(const char *s);

/* ---------------------------------------------------------------- provenance */

/* What the Digital Source Type @digital_source_type (the vocabulary's URI, or its code
 * alone) says of how the picture was made; PD_MADE_UNSTATED for NULL or an unknown code. */
PdMade pd_provenance_made(const char *digital_source_type);
/* For people: "Created using generative AI"; NULL for a code photodesk does not know. */
const char *pd_provenance_source_label(const char *digital_source_type);
/* PLUS Data Mining (URI or code) for people: "Prohibited for AI/ML training"; NULL for a
 * value photodesk does not know. */
const char *pd_provenance_data_mining_label(const char *value);
/* "ai", "composite" (AI wins when both), or NULL. */
const char *pd_made_name(PdMade made);
/* "ai", "composite" or "synthetic" (either) into @out; FALSE for anything else. */
gboolean pd_made_parse(const char *name, PdMade *out);

/* ---------------------------------------------------------------- output */

/* The credit's members (body, photographer, agency, pool, handout, file_photo,
 * distributor, credit_line) into the open JSON object @out. */
void pd_json_credit_members(GString *out, const PdCredit *credit);
/* The restrictions as a JSON object member @key ({"editorial_only", "mandatory_credit",
 * "mandatory_credit_text", "no_archive", "no_sales", "embargo_until", "kill",
 * "correction", "other"}). */
void pd_json_restrictions(GString *out, const char *key, const PdRestrictions *restrictions);
/* An empty list of checks (PdCheck *, freed with it). */
GPtrArray *pd_caption_checks_new(void);
/* The checks (PdCheck *) as a JSON array member @key of {"code", "field", "message"}. */
void pd_json_checks(GString *out, const char *key, GPtrArray *checks);

/* The credit as a JSON object ({"body": ..., "credit_line": ...}), and with
 * @restrictions (may be NULL) as its "restrictions" member. Free with g_free(). */
char *pd_credit_to_json(const PdCredit *credit, const PdRestrictions *restrictions);

/* The credit (with @with_body, the caption's body too) and the restrictions (may be
 * NULL) as an aligned listing for people, appended to @out. */
void pd_credit_append_text(GString *out, const PdCredit *credit, gboolean with_body,
                           const PdRestrictions *restrictions);

/* The reading as members of the open JSON object @out: "credit_parsed" (the credit's
 * members), "restrictions", "slug", "top_pick", "checks". */
void pd_json_caption(GString *out, const PdCaption *caption);
/* The reading for people (credit without the body, restrictions, slug, top pick,
 * checks), appended to @out. */
void pd_caption_append_text(GString *out, const PdCaption *caption);

/* The "provenance" member of the open JSON object @out: {"made", "source_type_label",
 * "data_mining_label", "content_credentials": {"where", "verified": false} or null}.
 * @content_credentials is where a C2PA manifest was found, or NULL. */
void pd_json_provenance(GString *out, const PdPhotoText *text, const char *content_credentials);
/* The provenance fields (with their labels) and the content credentials for people. */
void pd_provenance_append_text(GString *out, const PdPhotoText *text,
                               const char *content_credentials);

/* ---------------------------------------------------------------- code replacements (codes.c) */

#define PD_CAPTION_ERROR pd_caption_error_quark()
GQuark pd_caption_error_quark(void);
typedef enum {
    PD_CAPTION_ERROR_CODES, /* a code replacement file that cannot be read (the line says why) */
} PdCaptionError;

/* The longest code, and the longest form of one, in bytes. */
#define PD_CODE_MAX      32
#define PD_CODE_FORM_MAX 500
/* Photo Mechanic's delimiter, the one a desk starts with. */
#define PD_CODE_DELIMITER '='

/* A code and the forms it stands for (the first is "=code=", the second "=code#2="...). */
typedef struct {
    char *code;
    GStrv forms; /* at least one */
} PdCode;

void pd_code_free(PdCode *code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdCode, pd_code_free)

/* Whether @code can be one: 1 to PD_CODE_MAX bytes of UTF-8, no space, '#' or @delimiter. */
gboolean pd_code_valid(const char *code, char delimiter);
/* Photo Mechanic's code replacement file (@len bytes): a code and its forms a line,
 * separated by tabs; empty lines and lines starting with "//" skipped, CRLF and a BOM
 * taken. The codes (PdCode *) in file order, or NULL with an error naming the line. */
GPtrArray *pd_codes_parse(const char *text, gsize len, char delimiter, GError **error);
/* The same file for @codes. */
char *pd_codes_format(GPtrArray *codes);

/* The forms of @code (NULL-terminated), or NULL when it is none. */
typedef const char *const *(*PdCodeLookup)(const char *code, gpointer user_data);
/* @text with each "=code=" and "=code#N=" (N from 1 to 9) replaced by the code's form;
 * what is not a known code is left as typed, and (when @unknown is not NULL) each
 * delimited word that could be a code but is not one is added to it. */
char *pd_codes_expand(const char *text, char delimiter, PdCodeLookup lookup, gpointer user_data,
                      GPtrArray *unknown);
/* Names spelled otherwise than the desk's code table spells them: for each form of
 * @codes that is a name (two to five capitalised words) and each run of as many words of
 * @text that is one or two letters from it (case and accents aside), a check
 * "name_spelling" of @field is added to @checks (PdCheck *, freed by the array's own
 * function), once per way of writing it. */
void pd_codes_name_checks(const char *field, const char *text, GPtrArray *codes, GPtrArray *checks);

/* Two capitalised words in a row of a text, only a space between them ("Volodymyr
 * Zelensky"; not "AP", nor across a comma): a name, or part of one. */
typedef struct {
    char *written;        /* as the text has it */
    char *first, *second; /* each lower case, without accents */
} PdNamePair;
void pd_name_pair_free(PdNamePair *pair);
/* The name pairs of @text (PdNamePair *), each way of writing one once. */
GPtrArray *pd_name_pairs(const char *text);
/* Whether @a and @b are one name written two ways: one word the same, the other from the
 * same letter, at least five letters, and one letter apart (two from eight letters on);
 * case and accents aside ("Zelensky" and "Zelenskyy", "Zemlianichenko" and
 * "Zemlyanichenko"; not "North Korea" and "South Korea"). */
gboolean pd_name_pairs_variant(const PdNamePair *a, const PdNamePair *b);

G_END_DECLS
