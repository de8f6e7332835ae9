/* base.h: what every photodesk module shares (the public interface of base/; GLib only).
 *
 * - The photo's fields: one table (name, label, IIM dataset and byte limit, XMP property)
 *   from which the structs that hold them, their copy and free, their JSON, the limits,
 *   the caption checks and the IIM and XMP encoders are all made.
 * - Text: the charset rule for metadata bytes, normalising, dates, cutting at a
 *   character boundary.
 * - The JSON writer photodesk prints with.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---------------------------------------------------------------- the photo's fields */

/* What a field is, beyond its text. */
typedef enum {
    PD_FIELD_EDITABLE = 1 << 0,   /* an editor corrects it (PATCH /api/photos/ID, edit) */
    PD_FIELD_JOINED = 1 << 1,     /* several values (IIM datasets, an XMP Seq) joined with "; " */
    PD_FIELD_LIST = 1 << 2,       /* a list of strings (GPtrArray of char *), not one string */
    PD_FIELD_XMP_ALT = 1 << 3,    /* XMP: a language alternative (rdf:Alt, x-default) */
    PD_FIELD_XMP_SEQ = 1 << 4,    /* XMP: an ordered list (rdf:Seq) */
    PD_FIELD_XMP_BAG = 1 << 5,    /* XMP: an unordered list (rdf:Bag) */
    PD_FIELD_MULTILINE = 1 << 6,  /* text of several lines (IIM allows line ends in it) */
    PD_FIELD_SUMMARY = 1 << 7,    /* travels with the photo's summary (a placement, a package) */
    PD_FIELD_PROVENANCE = 1 << 8, /* how the picture was made (IPTC 2025.1, PLUS): read from
                                     XMP only, a change from the wire is a new version */
    PD_FIELD_CAMERA = 1 << 9,     /* the camera and its settings (EXIF): shown as a panel */
} PdFieldFlags;

/* The table, in the order photodesk shows the fields. Each row is
 *   F(name, label, IIM 2:dataset, IIM limit in bytes, XMP property,
 *     XMP property read when the first is absent, EXIF tag, flags)
 * where a dataset, limit or tag of 0 and a property of NULL mean "none"; F is @TEXT for
 * a string and @LIST for a list of strings, whose limit is that of each value. Expand it
 * with your own macros to make a struct's members, a switch, a table... */
#define PD_PHOTO_FIELDS(F, LIST)                                                                   \
    F(caption, "Caption", 120, 2000, "dc:description", NULL, 0x010E,                               \
      PD_FIELD_EDITABLE | PD_FIELD_MULTILINE | PD_FIELD_XMP_ALT | PD_FIELD_SUMMARY)                \
    F(headline, "Headline", 105, 256, "photoshop:Headline", NULL, 0,                               \
      PD_FIELD_EDITABLE | PD_FIELD_SUMMARY)                                                        \
    F(byline, "By-line", 80, 32, "dc:creator", NULL, 0x013B,                                       \
      PD_FIELD_EDITABLE | PD_FIELD_JOINED | PD_FIELD_XMP_SEQ | PD_FIELD_SUMMARY)                   \
    F(credit, "Credit", 110, 32, "photoshop:Credit", NULL, 0,                                      \
      PD_FIELD_EDITABLE | PD_FIELD_SUMMARY)                                                        \
    F(source, "Source", 115, 32, "photoshop:Source", NULL, 0,                                      \
      PD_FIELD_EDITABLE | PD_FIELD_SUMMARY)                                                        \
    F(copyright, "Copyright", 116, 128, "dc:rights", NULL, 0x8298,                                 \
      PD_FIELD_XMP_ALT | PD_FIELD_SUMMARY)                                                         \
    F(date_created, "Date created", 55, 8, "photoshop:DateCreated", NULL, 0x9003,                  \
      PD_FIELD_SUMMARY)                                                                            \
    F(city, "City", 90, 32, "photoshop:City", "Iptc4xmpExt:LocationShown/Iptc4xmpExt:City", 0,     \
      PD_FIELD_EDITABLE | PD_FIELD_SUMMARY)                                                        \
    F(province, "Province/State", 95, 32, "photoshop:State",                                       \
      "Iptc4xmpExt:LocationShown/Iptc4xmpExt:ProvinceState", 0, 0)                                 \
    F(country, "Country", 101, 64, "photoshop:Country",                                            \
      "Iptc4xmpExt:LocationShown/Iptc4xmpExt:CountryName", 0,                                      \
      PD_FIELD_EDITABLE | PD_FIELD_SUMMARY)                                                        \
    LIST(keywords, "Keywords", 25, 64, "dc:subject", NULL, 0,                                      \
         PD_FIELD_EDITABLE | PD_FIELD_LIST | PD_FIELD_XMP_BAG)                                     \
    F(special_instructions, "Special instructions", 40, 256, "photoshop:Instructions", NULL, 0,    \
      PD_FIELD_EDITABLE | PD_FIELD_MULTILINE)                                                      \
    F(transmission_reference, "Transmission reference", 103, 32,                                   \
      "photoshop:TransmissionReference", NULL, 0, 0)                                               \
    F(object_name, "Object name", 5, 64, "dc:title", NULL, 0, PD_FIELD_XMP_ALT)                    \
    F(writer, "Caption writer", 122, 32, "photoshop:CaptionWriter", NULL, 0, 0)                    \
    F(make, "Make", 0, 0, "tiff:Make", NULL, 0x010F, PD_FIELD_CAMERA)                              \
    F(model, "Model", 0, 0, "tiff:Model", NULL, 0x0110, PD_FIELD_CAMERA)                           \
    F(lens, "Lens", 0, 0, NULL, NULL, 0xA434, PD_FIELD_CAMERA)                                     \
    F(exposure, "Exposure", 0, 0, NULL, NULL, 0x829A, PD_FIELD_CAMERA)                             \
    F(aperture, "Aperture", 0, 0, NULL, NULL, 0x829D, PD_FIELD_CAMERA)                             \
    F(iso, "ISO", 0, 0, NULL, NULL, 0x8827, PD_FIELD_CAMERA)                                       \
    F(focal_length, "Focal length", 0, 0, NULL, NULL, 0x920A, PD_FIELD_CAMERA)                     \
    F(digital_source_type, "Digital source type", 0, 0, "Iptc4xmpExt:DigitalSourceType", NULL, 0,  \
      PD_FIELD_PROVENANCE | PD_FIELD_SUMMARY)                                                      \
    F(data_mining, "Data mining", 0, 0, "plus:DataMining", NULL, 0,                                \
      PD_FIELD_PROVENANCE | PD_FIELD_SUMMARY)                                                      \
    F(ai_system, "AI system used", 0, 0, "Iptc4xmpExt:AISystemUsed", NULL, 0, PD_FIELD_PROVENANCE) \
    F(ai_system_version, "AI system version", 0, 0, "Iptc4xmpExt:AISystemVersionUsed", NULL, 0,    \
      PD_FIELD_PROVENANCE)                                                                         \
    F(ai_prompt, "AI prompt", 0, 0, "Iptc4xmpExt:AIPromptInformation", NULL, 0,                    \
      PD_FIELD_PROVENANCE | PD_FIELD_MULTILINE)                                                    \
    F(ai_prompt_writer, "AI prompt writer", 0, 0, "Iptc4xmpExt:AIPromptWriterName", NULL, 0,       \
      PD_FIELD_PROVENANCE)

/* How a picture was made, as its IPTC Digital Source Type says (caption/ reads it): what a desk
 * must know before it runs a picture as news. Bits, so that a search can ask for either. */
typedef enum {
    PD_MADE_UNSTATED = 0,       /* no type, or a capture (perhaps edited by a person) */
    PD_MADE_AI = 1 << 0,        /* created by generative AI, or purely by an algorithm */
    PD_MADE_COMPOSITE = 1 << 1, /* edited using generative AI, or a composite */
} PdMade;

/* The members the table makes: char *NAME for a string, GPtrArray *NAME for a list. */
#define PD_PHOTO_TEXT_MEMBER_(name, label, iim, limit, xmp, xmp_alt, exif, flags) char *name;
#define PD_PHOTO_LIST_MEMBER_(name, label, iim, limit, xmp, xmp_alt, exif, flags) GPtrArray *name;

/* The photo's descriptive text: a plain value. Strings are valid UTF-8 (normalised: LF
 * line ends, trimmed) or NULL when absent; keywords (in file order) is never NULL once
 * initialised. */
typedef struct {
    PD_PHOTO_FIELDS(PD_PHOTO_TEXT_MEMBER_, PD_PHOTO_LIST_MEMBER_)
} PdPhotoText;

/* Inside a struct that holds a photo's text (PdPhotoMeta, a catalog row): the members
 * by their names (meta->caption) and, over the same memory, as one PdPhotoText
 * (&meta->text) for the code that works on every field. */
#define PD_PHOTO_TEXT_MEMBERS                                                                      \
    union {                                                                                        \
        struct {                                                                                   \
            PD_PHOTO_FIELDS(PD_PHOTO_TEXT_MEMBER_, PD_PHOTO_LIST_MEMBER_)                          \
        };                                                                                         \
        PdPhotoText text;                                                                          \
    }

/* One row of the table, for code that loops over the fields. */
typedef struct {
    const char *name;    /* "caption": the JSON member, the catalog column, the API's name */
    const char *label;   /* "Caption": for people */
    guint8 iim;          /* IIM record 2 dataset, 0 when none */
    guint iim_max;       /* its limit in bytes (of each value, for a list), 0 when none */
    const char *xmp;     /* the XMP property written and read first, or NULL */
    const char *xmp_alt; /* read when the first is absent, or NULL */
    guint16 exif;        /* the EXIF tag read first, 0 when none */
    PdFieldFlags flags;
    gsize offset; /* of the member in PdPhotoText */
} PdPhotoField;

/* The table; @n_fields (may be NULL) receives its length. */
const PdPhotoField *pd_photo_fields(guint *n_fields);
/* The field called @name, or NULL. */
const PdPhotoField *pd_photo_field_find(const char *name);
/* The string member of @text that @field is (not for a list). */
char **pd_photo_text_string(PdPhotoText *text, const PdPhotoField *field);
const char *pd_photo_text_get(const PdPhotoText *text, const PdPhotoField *field);

/* Sets every member to NULL and keywords to an empty array. */
void pd_photo_text_init(PdPhotoText *text);
/* Frees every member (leaving them NULL). */
void pd_photo_text_clear(PdPhotoText *text);
/* Replaces @dest's members with copies of @src's. */
void pd_photo_text_copy(PdPhotoText *dest, const PdPhotoText *src);

/* ---------------------------------------------------------------- text */

/* TRUE when @len bytes at @s are valid UTF-8 (NUL bytes allowed) and contain at least one
 * multi-byte sequence. */
gboolean pd_text_is_utf8_multibyte(const guint8 *s, gsize len);

/* Decodes @len bytes of Windows-1252 to a newly allocated UTF-8 string. The five bytes
 * cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+0081 etc., as exiftool
 * does. NUL bytes are kept. Free with g_free(). */
char *pd_text_from_cp1252(const guint8 *s, gsize len);

/* Encodes UTF-8 @s as Windows-1252 into @out (the inverse of pd_text_from_cp1252).
 * FALSE when @s has a character cp1252 cannot hold. */
gboolean pd_text_to_cp1252(const char *s, GByteArray *out);

/* Decodes bytes of unknown charset: valid UTF-8 is taken as UTF-8, anything else as
 * Windows-1252 (the rule of ../shared/corpus/README.md). Sets *@was_cp1252 (if not NULL)
 * when the fallback was used. Trailing NUL padding is dropped. Returns a newly allocated
 * string; never NULL. */
char *pd_text_decode(const guint8 *s, gsize len, gboolean *was_cp1252);

/* Normalises a decoded value in place and returns it, or frees it and returns NULL when
 * nothing is left: CR and CRLF become LF; leading and trailing whitespace (space, tab, LF,
 * VT, FF) and NULs are removed. Takes ownership of @s. */
char *pd_text_normalise(char *s);

/* TRUE when @s is NULL or holds only whitespace and NULs. */
gboolean pd_text_is_blank(const char *s);

/* The longest start of @s (UTF-8) that fits in @max bytes without cutting a character:
 * how a value is cut to an IIM limit. */
gsize pd_text_fit(const char *s, gsize max);

/* Converts a date in any of the shapes EXIF, IIM (after pd_text_iim_date_time()) and XMP
 * use ("2023:04:15 23:41:07.5+03:00", "2023-04-15T23:41", "2023-04", ...) to ISO 8601 at
 * the precision the source gives: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.f]],
 * with the offset (±hh:mm or Z) only when the source has one and has a time. Blank and
 * all-zero dates give NULL, as does anything that is not a date. Returns a newly
 * allocated string. */
char *pd_text_iso_date(const char *s);

/* Joins IIM 2:55 DateCreated ("20230415") and 2:60 TimeCreated ("234107+0300", may be
 * NULL) into the EXIF-like form pd_text_iso_date() reads ("2023:04:15 23:41:07+03:00"),
 * repairing the separators exactly as exiftool does. Returns a newly allocated string. */
char *pd_text_iim_date_time(const char *date, const char *time);

/* @s for a terminal: control characters from a photo (an ESC could rewrite the screen)
 * shown as \xNN instead of being sent, a tab as a space, a line end as @newline. */
void pd_text_append_visible(GString *out, const char *s, const char *newline);

/* "  LABEL   VALUE\n" for people: the label padded to @width, a value of several lines
 * indented under the first, control characters shown as \xNN. Nothing when @value is
 * NULL or empty. */
void pd_text_append_field(GString *out, int width, const char *label, const char *value);
/* Every field of @text that is set, so, with the table's labels; the provenance fields
 * are left to caption/'s pd_provenance_append_text(), which knows their codes. */
void pd_text_append_photo_text(GString *out, int width, const PdPhotoText *text);

/* ---------------------------------------------------------------- JSON */

/* The writer: members are appended to a GString that holds an open object or array. A
 * separator goes before a member unless the container was just opened, so objects and
 * arrays nest without any state beyond the string. Strings must be UTF-8 (everything
 * photodesk outputs is). @key is NULL for an array's element. */

/* Appends @s as a JSON string literal (with the quotes). */
void pd_json_quote(GString *out, const char *s);
/* The separator and "KEY": (or only the separator when @key is NULL). */
void pd_json_key(GString *out, const char *key);
void pd_json_string(GString *out, const char *key, const char *value); /* NULL: null */
void pd_json_int(GString *out, const char *key, int value, gboolean present);
void pd_json_int64(GString *out, const char *key, gint64 value);
void pd_json_bool(GString *out, const char *key, gboolean value);
/* Degrees with at most 7 decimals, as short as they can be written. */
void pd_json_degrees(GString *out, const char *key, double value, gboolean present);
/* An array of strings (an empty one for NULL). */
void pd_json_strings(GString *out, const char *key, GPtrArray *items);
/* @json as it is (already JSON), or @fallback when it is NULL. */
void pd_json_raw(GString *out, const char *key, const char *json, const char *fallback);
/* Opens an object or array member; close it with g_string_append_c(out, '}' or ']'). */
void pd_json_open(GString *out, const char *key, char bracket);

/* Every field of @text as members of the open object, in the table's order. */
void pd_json_photo_text(GString *out, const PdPhotoText *text);

/* The same for the fields whose flags include all of @having (PD_FIELD_SUMMARY: what a
 * placement or a package carries of the photo). */
void pd_json_photo_text_having(GString *out, const PdPhotoText *text, PdFieldFlags having);
/* The table as the web UI receives it: [{"name", "label", "iim", "limit", "xmp",
 * "editable", "list", "multiline"}, ...]. Newly allocated. */
char *pd_photo_fields_json(void);

G_END_DECLS
