/* library.h: between a photo's reading and the catalog (private to ingest/). */
#pragma once

#include "catalog/catalog.h"
#include "ingest/ingest.h"

G_BEGIN_DECLS

/* The catalog row for a photo read as @meta whose file has @sha256 and @bytes. */
PdCatalogPhoto *pd_ingest_catalog_photo(const PdPhotoMeta *meta, const char *sha256, gint64 bytes);

/* Sets what @photo's row keeps of the caption reading of @meta: the credit chain,
 * restrictions, slug, top pick and checks (replacing what was there). */
void pd_ingest_apply_caption(PdCatalogPhoto *photo, const PdPhotoMeta *meta);

/* The extension the store gives originals of @format ("jpg", "png", ...). */
const char *pd_ingest_format_ext(PdFormat format);

G_END_DECLS
