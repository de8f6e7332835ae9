/* desk-private.h: what the files of desk/ share (private to desk/). */
#pragma once

#include "caption/caption.h"
#include "desk/desk.h"

G_BEGIN_DECLS

/* Versions (PdCatalogVersion *, oldest first in @versions) as an array, each with its
 * time, user or ingest, original, picture and changes; with @urls_of (a photo id, or 0)
 * the URLs of the thumb and preview of the picture each version showed. */
void pd_json_versions(GString *out, GPtrArray *versions, gboolean newest_first, gint64 urls_of);

/* The newest version in @versions (oldest first) in which the wire overwrote fields an
 * editor had corrected, when no editor has worked on the photo since and nobody has
 * acknowledged it; else NULL. */
const PdCatalogVersion *pd_desk_wire_resent(GPtrArray *versions);
/* That version as {"version", "at", "ingest", "fields": [{"field", "editor",
 * "corrected", "wire"}]}, or null. */
void pd_json_wire_resent(GString *out, GPtrArray *versions);

/* The web UI's URL of photo @id's file @name (a rendition of the picture @sha256, or the
 * original @sha256). Newly allocated. */
char *pd_desk_file_url(gint64 id, const char *name, const char *sha256);

G_END_DECLS
