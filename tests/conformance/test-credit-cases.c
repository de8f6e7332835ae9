/* test-credit-cases.c: photodesk credit --json against every case of
 * ../shared/captions/credit-cases.jsonl (or $PHOTODESK_CAPTIONS/credit-cases.jsonl);
 * skipped, saying so, where the file is absent. One subtest per case. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

static char *
find_cases(void)
{
    const char *env = g_getenv("PHOTODESK_CAPTIONS");
    if (env && *env)
        return g_build_filename(env, "credit-cases.jsonl", NULL);
    const char *root = g_getenv("PHOTODESK_SOURCE_ROOT");
    return root ? g_build_filename(root, "..", "shared", "captions", "credit-cases.jsonl", NULL)
                : NULL;
}

static void
test_case(gconstpointer data)
{
    JsonObject *c = (JsonObject *)data;
    const char *caption = json_object_get_string_member(c, "caption");
    JsonObject *expect = json_object_get_object_member(c, "expect");
    const char *argv[] = {g_getenv("PHOTODESK_BIN"), "credit", "--json", caption, NULL};
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                      &error))
        g_error("%s", error->message);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_test_fail_printf("photodesk credit failed on %s: %s", caption, err);
        return;
    }
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_data(p, out, -1, &error)) {
        g_test_fail_printf("not JSON: %s", out);
        return;
    }
    JsonObject *got = json_node_get_object(json_parser_get_root(p));
    GString *report = g_string_new(NULL);
    g_autoptr(GList) members = json_object_get_members(expect);
    for (GList *m = members; m; m = m->next) {
        JsonNode *w = json_object_get_member(expect, m->data);
        JsonNode *g = json_object_get_member(got, m->data);
        g_autofree char *ws = json_to_string(w, FALSE);
        g_autofree char *gs = g ? json_to_string(g, FALSE) : g_strdup("(missing)");
        if (strcmp(ws, gs) != 0)
            g_string_append_printf(report, "\n  %s: expected %s, got %s", (char *)m->data, ws, gs);
    }
    if (report->len)
        g_test_fail_printf("%s%s", caption, report->str);
    g_string_free(report, TRUE);
}

static void
test_skip(void)
{
    g_autofree char *where = find_cases();
    g_test_skip_printf("no credit cases at %s (set PHOTODESK_CAPTIONS to their folder); not run",
                       where ? where : "../shared/captions");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *path = find_cases();
    g_autofree char *text = NULL;
    if (path == NULL || !g_file_get_contents(path, &text, NULL, NULL)) {
        g_test_add_func("/credit-cases/skipped", test_skip);
        return g_test_run();
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *keep = g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref);
    for (int i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        g_autoptr(JsonParser) p = json_parser_new();
        g_autoptr(GError) error = NULL;
        if (!json_parser_load_from_data(p, lines[i], -1, &error))
            g_error("%s line %d: %s", path, i + 1, error->message);
        JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(p)));
        g_ptr_array_add(keep, o);
        g_autofree char *name = g_strdup_printf("/credit-cases/%02d", i + 1);
        g_test_add_data_func(name, o, test_case);
    }
    int r = g_test_run();
    g_ptr_array_unref(keep);
    return r;
}
