/* place.c: a new catalog's place for a test (place.h). */
#include "tests/pg/place.h"

#include <libpq-fe.h>
#include <string.h>
#include <unistd.h>

gboolean
test_on_pg(void)
{
    const char *url = g_getenv("PHOTODESK_TEST_PG");
    return url && *url;
}

/* A new database in the cluster of @url (its database "postgres"): the same URL naming
 * the new one. */
static char *
new_database(const char *url)
{
    static int made;
    g_autofree char *name = g_strdup_printf("pd_%d_%d", (int)getpid(), ++made);
    PGconn *pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK)
        g_error("PostgreSQL at %s: %s", url, PQerrorMessage(pg));
    g_autofree char *sql = g_strdup_printf("CREATE DATABASE %s", name);
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        g_error("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(pg);
    const char *at = strstr(url, "/postgres?");
    if (at == NULL)
        g_error("PHOTODESK_TEST_PG must name the database postgres: %s", url);
    return g_strdup_printf("%.*s/%s%s", (int)(at - url), url, name, at + strlen("/postgres"));
}

char *
test_catalog_place(const char *name)
{
    if (test_on_pg())
        return new_database(g_getenv("PHOTODESK_TEST_PG"));
    g_autofree char *template = g_strdup_printf("photodesk-%s-XXXXXX", name);
    g_autofree char *dir = g_dir_make_tmp(template, NULL);
    return g_build_filename(dir, "catalog.db", NULL);
}
