/* cmd-catalog.c: photodesk catalog copy --to URL: the library's catalog copied into an
 * empty PostgreSQL database (catalog/pg.c); photodesk catalog optimize: the catalog made
 * ready for searching after a bulk load (pd_catalog_optimize()). */
#include "catalog/catalog.h"
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

static void
copied(const char *table, gint64 rows, gpointer user_data)
{
    (void)user_data;
    printf("%-18s %" G_GINT64_FORMAT "\n", table, rows);
}

int
pd_cmd_catalog(int argc, char **argv, const PdGlobalOptions *global)
{
    g_autofree char *to = NULL;
    GOptionEntry entries[] = {
        {"to", 0, 0, G_OPTION_ARG_STRING, &to,
         "copy: the PostgreSQL database (postgresql://... or a libpq connection string)", "URL"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new(
        "copy --to URL | optimize - the catalog copied into PostgreSQL, or optimized");
    g_option_context_set_description(
        context, "Copies the library's catalog, with every photo and each of its versions, users,\n"
                 "sessions, articles, placements, deliveries, picks, lightboxes and the desk's\n"
                 "settings, into an empty PostgreSQL database: PostgreSQL's schema is made there,\n"
                 "every table is read in one snapshot (ingest may go on), each table's rows are\n"
                 "counted on both sides, and nothing is kept unless every count agrees. The\n"
                 "originals and renditions stay in the library folder.\n\n"
                 "optimize, after a bulk load (an archive ingested, a copy): on SQLite the\n"
                 "full-text index is merged into one segment (searches look each word up\n"
                 "once) and the planner's statistics brought up to date; it holds the write\n"
                 "lock meanwhile (minutes at millions of photos: ingest waits). On\n"
                 "PostgreSQL, the catalog is vacuumed and analyzed.\n\n"
                 "  photodesk catalog copy --to postgresql://photodesk@db.example/photodesk\n"
                 "  photodesk catalog optimize");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "catalog", &argc, &argv))
        return PD_EXIT_USAGE;
    gboolean optimize = argc == 2 && strcmp(argv[1], "optimize") == 0 && to == NULL;
    if (!optimize && (argc != 2 || strcmp(argv[1], "copy") != 0 || to == NULL)) {
        fprintf(stderr, "photodesk catalog: give copy --to URL, or optimize\n");
        return PD_EXIT_USAGE;
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *library = pd_desk_library_path(global->library);
    if (optimize) {
        g_autoptr(PdCatalog) catalog = pd_desk_open_catalog(library, PD_CATALOG_READ_WRITE, &error);
        if (catalog == NULL || !pd_catalog_optimize(catalog, &error)) {
            fprintf(stderr, "photodesk catalog optimize: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        printf("optimized\n");
        return PD_EXIT_OK;
    }
    /* the library's own catalog.db, whatever --catalog says */
    g_autofree char *file = pd_desk_catalog_file(library);
    if (!g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
        fprintf(stderr, "photodesk catalog copy: %s: no catalog to copy\n", file);
        return PD_EXIT_REJECTED;
    }
    g_autoptr(PdCatalog) catalog = pd_catalog_open(file, PD_CATALOG_READ_WRITE, &error);
    if (catalog == NULL || !pd_catalog_copy_to_pg(catalog, to, copied, NULL, &error)) {
        fprintf(stderr, "photodesk catalog copy: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    printf("copied: every count agrees\n");
    return PD_EXIT_OK;
}
