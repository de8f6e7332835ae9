/* text.h: charset decisions and normalisation of metadata text (private to ingest/).
 *
 * Every string photodesk outputs is valid UTF-8. Metadata arrives as bytes in an
 * unknown or mis-declared charset; these helpers turn bytes into UTF-8 the way
 * ../shared/corpus/README.md specifies ("UTF-8 if valid, else Windows-1252") and
 * normalise the result (CR to LF, trimmed, empty to NULL).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

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
 * Windows-1252. Sets *@was_cp1252 (if not NULL) when the fallback was used. Trailing NUL
 * padding is dropped. Returns a newly allocated string; never NULL. */
char *pd_text_decode(const guint8 *s, gsize len, gboolean *was_cp1252);

/* Normalises a decoded value in place and returns it, or frees it and returns NULL when
 * nothing is left: CR and CRLF become LF; leading and trailing whitespace (space, tab, LF,
 * VT, FF) and NULs are removed. Takes ownership of @s. */
char *pd_text_normalise(char *s);

/* TRUE when @s is NULL or holds only whitespace and NULs. */
gboolean pd_text_is_blank(const char *s);

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

/* Appends @s to @out as a JSON string literal (with the quotes). @s must be valid UTF-8. */
void pd_text_append_json(GString *out, const char *s);

/* "  LABEL   VALUE\n" for people: the label padded to @width, a value of several lines
 * indented under the first, control characters shown as \xNN. Nothing when @value is
 * NULL or empty. */
void pd_text_append_field(GString *out, int width, const char *label, const char *value);

G_END_DECLS
