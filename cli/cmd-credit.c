/* cmd-credit.c: photodesk credit [--json] TEXT: read a caption's credit trailer. */
#include "cli/commands.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>

int
pd_cmd_credit(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("TEXT - read the credit at the end of a caption");
    g_option_context_set_summary(
        context, "Reads the credit chain wire agencies put at the end of a caption (AP, "
                 "Reuters, AFP,\nGetty Images, EPA, dpa...) and the restrictions that follow "
                 "it, and prints\nthe photographer, agency, distributor, pool/handout/file "
                 "flags and a house-style\ncredit line. TEXT '-' reads the caption from "
                 "standard input.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "credit", &argc, &argv))
        return PD_EXIT_USAGE;
    if (argc < 2) {
        fprintf(stderr, "photodesk credit: no caption given\n(run 'photodesk credit --help' "
                        "for usage)\n");
        return PD_EXIT_USAGE;
    }

    g_autofree char *text = NULL;
    if (argc == 2 && strcmp(argv[1], "-") == 0) {
        GString *in = g_string_new(NULL);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            g_string_append_len(in, buf, (gssize)n);
        text = g_string_free(in, FALSE);
    } else {
        /* several words without quotes are one caption */
        text = g_strjoinv(" ", argv + 1);
    }
    if (!g_utf8_validate(text, -1, NULL)) {
        fprintf(stderr, "photodesk credit: the caption is not valid UTF-8\n");
        return PD_EXIT_REJECTED;
    }

    PdCredit credit;
    PdRestrictions restrictions = {0};
    pd_caption_read_credit(text, &credit, &restrictions);
    if (json) {
        g_autofree char *out = pd_credit_to_json(&credit, &restrictions);
        printf("%s\n", out);
    } else {
        g_autoptr(GString) out = g_string_new(NULL);
        pd_credit_append_text(out, &credit, TRUE, &restrictions);
        fputs(out->str, stdout);
    }
    pd_credit_clear(&credit);
    pd_restrictions_clear(&restrictions);
    return fflush(stdout) == 0 ? PD_EXIT_OK : PD_EXIT_REJECTED;
}
