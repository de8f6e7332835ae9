/* caption.h: reading what wire captions say beyond their IPTC fields (private to
 * ingest/; the types are public in ingest.h).
 *
 * - The credit trailer: the full credit chain agencies put at the end of the caption,
 *   because IIM By-line and Credit hold 32 bytes ("(Sergei Karpukhin, Sputnik, Kremlin
 *   Pool Photo via AP)", "REUTERS/Name/File Photo", "(Photo by NAME / POOL / AFP)").
 * - Restrictions: special instructions, editors' notes and the text after an AFP credit,
 *   read into flags (editorial use only, mandatory credit, embargo, kill...).
 * - Slug and top pick, and the checks an editor wants before publishing.
 */
#pragma once

#include "ingest/ingest.h"

G_BEGIN_DECLS

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

/* Fills meta->credit, ->restrictions, ->slug, ->top_pick, ->checks and adds warnings
 * where the trailer and the IPTC fields disagree. Call after the fields are reconciled. */
void pd_caption_analyse(PdPhotoMeta *meta);

G_END_DECLS
