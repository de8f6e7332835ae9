/* json.h: the small JSON writer photodesk prints with (private to ingest/).
 *
 * Members are appended to a GString that holds an open object or array; a separator is
 * added when the last character is not the opening brace or bracket. Strings must be
 * UTF-8 (everything photodesk outputs is). */
#pragma once

#include "ingest/ingest.h"

G_BEGIN_DECLS

void pd_json_key(GString *out, const char *key);
void pd_json_string(GString *out, const char *key, const char *value);
void pd_json_int(GString *out, const char *key, int value, gboolean present);
void pd_json_bool(GString *out, const char *key, gboolean value);
/* Degrees with at most 7 decimals, as short as they can be written. */
void pd_json_degrees(GString *out, const char *key, double value, gboolean present);
/* An array of strings. */
void pd_json_strings(GString *out, const char *key, GPtrArray *items);
/* @json as it is (already JSON), or @fallback when it is NULL. */
void pd_json_raw(GString *out, const char *key, const char *json, const char *fallback);

/* Versions (PdCatalogVersion *, oldest first in @versions) as an array, each with its
 * time, user or ingest, original and changes. */
void pd_json_versions(GString *out, GPtrArray *versions, gboolean newest_first);

void pd_json_credit_members(GString *out, const PdCredit *credit);
void pd_json_restrictions(GString *out, const PdRestrictions *restrictions);
void pd_json_checks(GString *out, GPtrArray *checks);

G_END_DECLS
