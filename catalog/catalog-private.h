/* catalog-private.h: what the files of catalog/ share (private to catalog/). */
#pragma once

#include "catalog/catalog.h"

#include <sqlite3.h>

G_BEGIN_DECLS

/* Registers the "photodesk" FTS5 tokenizer and the pd_date_key() SQL function on @db;
 * every connection needs them before it touches the full-text index. */
gboolean pd_catalog_register_functions(sqlite3 *db, GError **error);

/* Minutes since 1800-01-01 (plus one; 0 means no date) of the local date and time in
 * the ISO 8601 @iso (YYYY, YYYY-MM, YYYY-MM-DD or with a time; an offset is ignored:
 * the photographer's local time counts). With @end_of_period, the first minute after
 * the year, month or day @iso names. */
gint64 pd_catalog_date_minutes(const char *iso, gboolean end_of_period);

/* The full-text index's rowid for a photo: date in the high bits, id in the low 32. */
gint64 pd_catalog_date_key(const char *iso, gint64 id);

/* The connection of @catalog, and its prepared statement for @sql (prepared once, reset,
 * bindings cleared; NULL with @error when it cannot be prepared). */
sqlite3 *pd_catalog_db(PdCatalog *catalog);
sqlite3_stmt *pd_catalog_statement(PdCatalog *catalog, const char *sql, GError **error);

G_END_DECLS
