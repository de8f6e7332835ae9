/* main.c: photodesk's entry point: global options, then one subcommand, git-style. */
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv, const PdGlobalOptions *global);
    const char *summary;
    gboolean lazy; /* starts libvips itself when a file needs it (reading: a JPEG does not) */
} Command;

static const Command commands[] = {
    {"ingest", pd_cmd_ingest, "take photos (files, folders) into the library"},
    {"watch", pd_cmd_watch, "ingest what arrives in hot folders, as it arrives"},
    {"search", pd_cmd_search, "find photos by caption words, date, credit"},
    {"show", pd_cmd_show, "show a photo of the library: fields, renditions, versions"},
    {"edit", pd_cmd_edit, "correct a photo's caption fields (a new version, by you)"},
    {"pick", pd_cmd_pick, "the desk's star rating and colour label of photos", TRUE},
    {"lightbox", pd_cmd_lightbox, "the desk's lightboxes: named sets of photos it shares", TRUE},
    {"codes", pd_cmd_codes,
     "the desk's code replacements (=put= for a name), Photo Mechanic's file", TRUE},
    {"template", pd_cmd_template, "the desk's templates: batch edits with the photo's variables",
     TRUE},
    {"rule", pd_cmd_rule,
     "the desk's ingest rules: a template on every photo from a folder, a source", TRUE},
    {"saved", pd_cmd_saved, "the desk's saved searches (photodesk search --save NAME)", TRUE},
    {"article", pd_cmd_article, "articles: attach photos, package them with captions embedded"},
    {"profile", pd_cmd_profile, "the desk's output profiles: how large, how compressed", TRUE},
    {"target", pd_cmd_target, "where the desk delivers packages: a folder, a CMS's address", TRUE},
    {"agencies", pd_cmd_agencies, "the agencies the desk subscribes to, in order of preference"},
    {"catalog", pd_cmd_catalog, "the catalog copied into PostgreSQL (copy --to URL)", TRUE},
    {"serve", pd_cmd_serve, "serve the editors' web UI on the library"},
    {"user", pd_cmd_user, "the web UI's users: add, list, remove, role, disable; a password"},
    {"fsck", pd_cmd_fsck, "check the library (--repair fixes what it can)"},
    {"meta", pd_cmd_meta, "read a photo's metadata (EXIF, IPTC, XMP); store nothing", TRUE},
    {"credit", pd_cmd_credit, "read the credit at the end of a caption", TRUE},
};

static void
usage(FILE *to)
{
    fprintf(to, "Usage: photodesk [--library DIR] COMMAND [OPTIONS] [ARGS]\n\n"
                "photodesk is a newsroom photo desk: it reads wire photos' captions and\n"
                "credits, keeps them in a catalog, and serves a web page to search them.\n\n"
                "Commands:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(to, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(to, "\nGlobal options:\n"
                "  --library DIR   the photo library (default: $PHOTODESK_LIBRARY, else\n"
                "                  $XDG_DATA_HOME/photodesk, ~/.local/share/photodesk)\n"
                "  --catalog URL   the catalog on PostgreSQL (postgresql://...), for a library\n"
                "                  several machines share (default: $PHOTODESK_CATALOG, else\n"
                "                  the library's catalog.db)\n"
                "  --version       print the version and exit\n"
                "  -h, --help      show this help\n\n"
                "Run 'photodesk COMMAND --help' for a command's options.\n");
}

gboolean
pd_cli_parse(GOptionContext *context, const char *command, int *argc, char ***argv)
{
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, argc, argv, &error)) {
        fprintf(stderr, "photodesk %s: %s\n(run 'photodesk %s --help' for usage)\n", command,
                error->message, command);
        return FALSE;
    }
    return TRUE;
}

PdCatalog *
pd_cli_open_catalog(const char *library, GError **error)
{
    if (g_mkdir_with_parents(library, 0755) != 0) {
        g_set_error(error, PD_DESK_ERROR, PD_DESK_ERROR_NO_LIBRARY, "%s: %s", library,
                    g_strerror(errno));
        return NULL;
    }
    g_autofree char *path = pd_desk_catalog_path(library);
    return pd_catalog_open(path, PD_CATALOG_READ_WRITE, error);
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");

    PdGlobalOptions global = {g_getenv("PHOTODESK_LIBRARY")};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return PD_EXIT_OK;
        } else if (strcmp(a, "--version") == 0) {
            printf("photodesk %s\n", PHOTODESK_VERSION);
            return PD_EXIT_OK;
        } else if (strcmp(a, "--library") == 0 && i + 1 < argc) {
            global.library = argv[++i];
        } else if (g_str_has_prefix(a, "--library=")) {
            global.library = a + strlen("--library=");
        } else if ((strcmp(a, "--catalog") == 0 && i + 1 < argc) ||
                   g_str_has_prefix(a, "--catalog=")) {
            /* the whole process follows it: the server's threads, its queue, the hot
             * folders (pd_desk_catalog_path()) */
            const char *where = a[9] == '=' ? a + 10 : argv[++i];
            g_setenv("PHOTODESK_CATALOG", where, TRUE);
        } else {
            fprintf(stderr, "photodesk: unknown option %s\n\n", a);
            usage(stderr);
            return PD_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return PD_EXIT_USAGE;
    }
    const char *name = argv[i];
    if (strcmp(name, "help") == 0) {
        usage(stdout);
        return PD_EXIT_OK;
    }
    for (gsize c = 0; c < G_N_ELEMENTS(commands); c++) {
        if (strcmp(commands[c].name, name) == 0) {
            g_autoptr(GError) error = NULL;
            if (!commands[c].lazy && !pd_ingest_init(argv[0], &error)) {
                fprintf(stderr, "photodesk: %s\n", error->message);
                return PD_EXIT_REJECTED;
            }
            return commands[c].run(argc - i, argv + i, &global);
        }
    }
    fprintf(stderr, "photodesk: '%s' is not a photodesk command\n\n", name);
    usage(stderr);
    return PD_EXIT_USAGE;
}
