/* delivered.h: reading back what photodesk delivers, for the tests of articles: the
 * entries of a package, and exiftool's reading of a delivered photo. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* The entries of the zip @data (@len bytes), by name (GBytes *, each followed by a NUL
 * that is not counted). */
GHashTable *delivered_entries(const void *data, gsize len);

/* exiftool's reading (-j -a -G1) of @jpeg, written into @dir first: IPTC, XMP, EXIF, GPS
 * and both IPTC digests; NULL when exiftool is not installed. */
JsonObject *delivered_tags(const char *dir, GBytes *jpeg);
