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

/* Two photos join a group (another agency's copy of the same photograph) when they are
 * the same photograph as a re-send is (PD_RESEND_*), and: where both files give the time
 * to the second, taken at the same instant (frames of a burst never are); where one
 * gives only the day, their pictures within PD_GROUP_DAY_DISTANCE bits; where either
 * has no date, within PD_GROUP_UNDATED_DISTANCE. Pictures under PD_GROUP_MIN_SIDE
 * pixels on their long side are never grouped (their hash says little). Measured in
 * tests/cli/test-groups.c; README ("One picture, many agencies"). */
#define PD_GROUP_DAY_DISTANCE     8
#define PD_GROUP_UNDATED_DISTANCE 4
#define PD_GROUP_MIN_SIDE         256

/* Puts @photo (just written, with its id) in one group with the photos that show the
 * same photograph: another agency's copy of a pool frame, the same picture re-sent
 * under another reference. Never merged: each keeps its caption and history. Sets
 * *@group_id (0: alone). */
gboolean pd_ingest_group_photo(PdCatalog *catalog, const PdCatalogPhoto *photo, gint64 *group_id,
                               GError **error);

/* Whether two photos come from different distributors (both known and not the same):
 * the same picture from another agency is that agency's photo, never a re-send. */
gboolean pd_ingest_other_distributor(const PdCatalogPhoto *a, const PdCatalogPhoto *b);

/* Adds @warning to the photo's warnings (a JSON array). */
void pd_ingest_add_warning(PdCatalogPhoto *photo, const char *warning);

/* The extension the store gives originals of @format ("jpg", "png", ...). */
const char *pd_ingest_format_ext(PdFormat format);

G_END_DECLS
