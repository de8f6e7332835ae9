/* exif.h: the EXIF fields photodesk reads, through libexif (private to ingest/). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    /* IFD0 strings, decoded (UTF-8 if valid, else Windows-1252) but not normalised;
     * NULL when absent. */
    char *description;
    char *artist;
    char *copyright; /* "photographer\neditor" when both are given */
    char *make;
    char *model;
    /* The camera's settings, as a photographer reads them: "EF70-200mm f/2.8L IS III USM",
     * "1/250", "f/2.8", "400", "200 mm"; NULL when absent or zero. */
    char *lens, *exposure, *aperture, *iso, *focal_length;
    /* DateTimeOriginal as written ("2023:04:15 23:41:07"), and the same with
     * SubSecTimeOriginal and OffsetTimeOriginal folded in ("2023:04:15 23:41:07.52+03:00")
     * when either is present; NULL when absent. */
    char *date_original;
    char *date_original_composite;
    int orientation; /* raw IFD0 Orientation, or 0 when absent */
    gboolean has_gps;
    double gps_lat, gps_lon; /* signed degrees; may be out of range or not finite */
    GBytes *iptc;            /* IFD0 tag 0x83BB (IPTC-NAA), or NULL */
    char *problem;           /* the first sign of damage libexif reported, or NULL */
} PdExifFields;

/* Reads EXIF from @len bytes that are either an APP1-style payload ("Exif\0\0" then a
 * TIFF header) or a bare TIFF structure. libexif reads at most the first 64 KiB of the
 * TIFF structure. Never fails: what cannot be read is left NULL and ->problem says why. */
void pd_exif_read(const guint8 *data, gsize len, PdExifFields *out);

void pd_exif_fields_clear(PdExifFields *fields);

G_END_DECLS
