/* place.h: where a test's catalog goes: a catalog.db in a new temporary folder, or,
 * when the tests run against PostgreSQL (PHOTODESK_TEST_PG holds the URL of a
 * throwaway cluster's postgres database, set by tests/pg/with-cluster), a new empty
 * database in that cluster. */
#pragma once

#include <glib.h>

/* A new catalog's place: a path or a postgresql:// URL (free it). */
char *test_catalog_place(const char *name);
/* Whether the tests run against PostgreSQL. */
gboolean test_on_pg(void);
