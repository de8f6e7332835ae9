/* catalog-private.h: what the files of catalog/ share (private to catalog/). */
#pragma once

#include "catalog/catalog.h"

#include <sqlite3.h>

G_BEGIN_DECLS

/* Registers the "photodesk" FTS5 tokenizer on @db; every connection needs it before it
 * touches the full-text index. */
gboolean pd_catalog_register_functions(sqlite3 *db, GError **error);

/* Days since 1800-01-01, plus one (0: no date), of the local date in the ISO 8601 @iso
 * (YYYY, YYYY-MM, YYYY-MM-DD, with or without a time; an offset is ignored: the
 * photographer's local day counts). With @end_of_period, the first day after the year,
 * month or day @iso names. */
gint64 pd_catalog_date_day(const char *iso, gboolean end_of_period);

/* The full-text index's rowid, the date key: a dated photo's is its day shifted left by
 * PD_DAY_SHIFT, plus its minute of the day shifted left by PD_MINUTE_SHIFT, plus its place
 * in the order of arrival within that minute; an undated photo's is minus its id, below
 * every dated one. */
#define PD_DAY_SHIFT    20
#define PD_MINUTE_SHIFT 9

/* The first date key of the local day and minute of @iso (minute 0 when it has no time),
 * 0 when it has no date. */
gint64 pd_catalog_date_slot(const char *iso);

/* The connection of @catalog, and its prepared statement for @sql (prepared once, reset,
 * bindings cleared; NULL with @error when it cannot be prepared). */
sqlite3 *pd_catalog_db(PdCatalog *catalog);
sqlite3_stmt *pd_catalog_statement(PdCatalog *catalog, const char *sql, GError **error);

G_END_DECLS
