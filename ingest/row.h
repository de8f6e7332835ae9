/* row.h: between a photo's reading and the catalog (private to ingest/). */
#pragma once

#include "catalog/catalog.h"
#include "ingest/ingest.h"

G_BEGIN_DECLS

/* How far a re-send may be from the photo it re-sends (resend.c, measured in
 * bench/README.md): bits of the 64-bit perceptual hash, relative difference of aspect,
 * days between the dates created; and frames of one shoot, whose exposures are less
 * than PD_RESEND_FRAME_WINDOW seconds apart but not the same, are never one photo. */
#define PD_RESEND_MAX_DISTANCE 16
#define PD_RESEND_MAX_ASPECT   0.10
#define PD_RESEND_MAX_DAYS     2
#define PD_RESEND_FRAME_WINDOW 3600

/* Whether @incoming, sent with @stored's source and transmission reference, is the same
 * photograph re-sent (see resend.c). When not, *@why says why, for the warning an editor
 * reads (newly allocated). */
gboolean pd_ingest_same_photograph(const PdCatalogPhoto *stored, const PdCatalogPhoto *incoming,
                                   char **why);

/* Adds @warning to the photo's warnings (a JSON array). */
void pd_ingest_add_warning(PdCatalogPhoto *photo, const char *warning);

/* The extension the store gives originals of @format ("jpg", "png", ...). */
const char *pd_ingest_format_ext(PdFormat format);

G_END_DECLS
