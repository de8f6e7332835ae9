/* cmd-meta.c: photodesk meta [--json] FILE...: read metadata, store nothing. */
#include "cli/commands.h"
#include "ingest/ingest.h"

#include <stdio.h>

int
pd_cmd_meta(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &json,
         "One JSON object per file per line (fields of the conformance corpus)", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("FILE... - read photo metadata");
    g_option_context_set_summary(context,
                                 "Reads EXIF, IPTC-IIM and XMP from JPEG, PNG, WebP, TIFF and "
                                 "HEIF/AVIF files,\nreconciles them (MWG rules) and prints the "
                                 "result. Nothing is stored.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "meta", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc < 2) {
        fprintf(stderr, "photodesk meta: no files given\n(run 'photodesk meta --help' for "
                        "usage)\n");
        return PD_EXIT_USAGE;
    }

    int status = PD_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(PdPhotoMeta) meta = pd_ingest_read_file(argv[i], &error);
        if (meta == NULL) {
            fflush(stdout);
            fprintf(stderr, "photodesk meta: %s: %s\n", argv[i], error->message);
            status = PD_EXIT_REJECTED;
            continue;
        }
        g_autofree char *out =
            json ? pd_photo_meta_to_json(meta, argv[i]) : pd_photo_meta_to_text(meta, argv[i]);
        fputs(out, stdout);
        fputs(json ? "\n" : (i + 1 < argc ? "\n" : ""), stdout);
    }
    if (fflush(stdout) != 0) {
        perror("photodesk meta: writing output");
        return PD_EXIT_REJECTED;
    }
    return status;
}
