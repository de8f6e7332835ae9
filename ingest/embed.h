/* embed.h: the IPTC-IIM and XMP photodesk writes into a delivered file (private to
 * ingest/; the encoders live beside the parsers, iim.c and xmp.c).
 *
 * The same fields go into both: IIM (UTF-8, declared with 1:90 ESC % G) cut to the
 * standard's length limits at a character boundary, XMP with the full text. The IIM
 * travels in a Photoshop image resource list with its MD5 digest (resource 0x0425), so
 * that readers see IIM and XMP in step.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    const char *caption;      /* 2:120, dc:description */
    const char *credit_line;  /* 2:110, photoshop:Credit (IPTC Core's "Credit Line") */
    const char *byline;       /* 2:80, dc:creator */
    const char *source;       /* 2:115, photoshop:Source */
    const char *copyright;    /* 2:116, dc:rights */
    const char *date_created; /* ISO 8601: 2:55 and 2:60, photoshop:DateCreated */
    const char *city;         /* 2:90, photoshop:City */
    const char *country;      /* 2:101, photoshop:Country */
    gboolean has_gps;         /* only when the delivery asks for it: exif:GPS... */
    double gps_lat, gps_lon;
} PdEmbedFields;

/* IIM 4.2's limits, in bytes. */
#define PD_IIM_CAPTION_MAX   2000
#define PD_IIM_BYLINE_MAX    32
#define PD_IIM_CREDIT_MAX    32
#define PD_IIM_SOURCE_MAX    32
#define PD_IIM_COPYRIGHT_MAX 128
#define PD_IIM_CITY_MAX      32
#define PD_IIM_COUNTRY_MAX   64

/* The IIM block (1:90 ESC % G, 2:00 record version 4, then the fields that are set). */
GBytes *pd_iim_encode(const PdEmbedFields *fields);
/* A Photoshop image resource list holding @iim (0x0404) and its MD5 digest (0x0425). */
GBytes *pd_irb_encode(GBytes *iim);
/* An XMP packet (UTF-8, with its xpacket wrapper) holding the fields that are set. */
char *pd_xmp_encode(const PdEmbedFields *fields);

G_END_DECLS
