/* cmd-codes.c: photodesk codes import|export|list|expand: the desk's code replacements,
 * in Photo Mechanic's file (a code and its forms a line, separated by tabs). */
#include "caption/caption.h"
#include "cli/commands.h"
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

/* The codes of @file ("-": standard input), or NULL after saying why. */
static GPtrArray *
read_file(const char *file, char delimiter)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    if (strcmp(file, "-") == 0) {
        GString *in = g_string_new(NULL);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            g_string_append_len(in, buf, (gssize)n);
        len = in->len;
        text = g_string_free(in, FALSE);
    } else if (!g_file_get_contents(file, &text, &len, &error)) {
        fprintf(stderr, "photodesk codes: %s\n", error->message);
        return NULL;
    }
    GPtrArray *codes = pd_codes_parse(text, len, delimiter, &error);
    if (codes == NULL)
        fprintf(stderr, "photodesk codes: %s: %s\n", file, error->message);
    return codes;
}

int
pd_cmd_codes(int argc, char **argv, const PdGlobalOptions *global)
{
    gboolean json = FALSE, merge = FALSE;
    g_autofree char *delimiter = NULL;
    GOptionEntry entries[] = {
        {"delimiter", 0, 0, G_OPTION_ARG_STRING, &delimiter,
         "import: the character around a code as it is typed (Photo Mechanic's '=')", "C"},
        {"merge", 0, 0, G_OPTION_ARG_NONE, &merge,
         "import: add to the desk's codes (the file's win) instead of replacing them", NULL},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "list: JSON, as the web API gives it", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new(
        "import FILE | export [FILE] | list | expand TEXT - the desk's code replacements");
    g_option_context_set_summary(
        context,
        "A code typed between delimiters in a caption field is replaced by what it stands\n"
        "for: =put= gives \"Russian President Vladimir Putin\", =put#2= the code's second\n"
        "form. The file is Photo Mechanic's: UTF-8, one code a line, the code and its forms\n"
        "separated by tabs, lines starting with // are comments. Codes are case-sensitive.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "codes", &argc, &argv))
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "list";
    gboolean ok_args = (strcmp(action, "import") == 0 && argc == 3) ||
                       (strcmp(action, "export") == 0 && argc <= 3) ||
                       (strcmp(action, "list") == 0 && argc <= 2) ||
                       (strcmp(action, "expand") == 0 && argc == 3);
    if (!ok_args) {
        fprintf(stderr, "photodesk codes: give import FILE, export [FILE], list or expand TEXT\n");
        return PD_EXIT_USAGE;
    }
    if (delimiter && strlen(delimiter) != 1) {
        fprintf(stderr, "photodesk codes: --delimiter is one character, not \"%s\"\n", delimiter);
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    g_autoptr(PdDeskCodes) desk = catalog ? pd_desk_codes(catalog, &error) : NULL;
    if (desk == NULL) {
        fprintf(stderr, "photodesk codes: %s: %s\n", library, error->message);
        return PD_EXIT_REJECTED;
    }
    if (strcmp(action, "import") == 0) {
        char d = delimiter ? delimiter[0] : desk->delimiter;
        g_autoptr(GPtrArray) codes = read_file(argv[2], d);
        if (codes == NULL)
            return PD_EXIT_REJECTED;
        guint read = codes->len;
        if (!pd_desk_set_codes(catalog, codes, d, merge, g_get_user_name(), &error)) {
            fprintf(stderr, "photodesk codes: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        printf("%u codes read from %s; the desk has %u (delimiter '%c')\n", read, argv[2],
               codes->len, d);
        return PD_EXIT_OK;
    }
    if (strcmp(action, "expand") == 0) {
        g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *out = pd_desk_codes_expand(desk, argv[2], unknown);
        puts(out);
        for (guint i = 0; i < unknown->len; i++)
            fprintf(stderr, "photodesk codes: %s: no such code, or no such form of it\n",
                    (char *)g_ptr_array_index(unknown, i));
        return unknown->len ? PD_EXIT_REJECTED : PD_EXIT_OK;
    }
    if (strcmp(action, "list") == 0 && json) {
        g_autofree char *out = pd_desk_codes_json(catalog, &error);
        if (out == NULL) {
            fprintf(stderr, "photodesk codes: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        puts(out);
        return PD_EXIT_OK;
    }
    g_autofree char *file = pd_codes_format(desk->codes);
    if (strcmp(action, "export") == 0 && argc == 3 && strcmp(argv[2], "-") != 0) {
        if (!g_file_set_contents(argv[2], file, -1, &error)) {
            fprintf(stderr, "photodesk codes: %s\n", error->message);
            return PD_EXIT_REJECTED;
        }
        fprintf(stderr, "photodesk codes: %u codes written to %s\n", desk->codes->len, argv[2]);
        return PD_EXIT_OK;
    }
    fputs(file, stdout);
    return PD_EXIT_OK;
}
