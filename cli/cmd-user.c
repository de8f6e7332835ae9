/* cmd-user.c: photodesk user add|passwd|list|remove: who may log in to the web UI. */
#include "catalog/catalog.h"
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"
#include "webui/webui.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* One line from @in without its line end, or NULL at its end. */
static char *
read_line(FILE *in)
{
    GString *s = g_string_new(NULL);
    int c;
    while ((c = fgetc(in)) != EOF && c != '\n')
        g_string_append_c(s, (char)c);
    if (c == EOF && s->len == 0) {
        g_string_free(s, TRUE);
        return NULL;
    }
    if (s->len && s->str[s->len - 1] == '\r')
        g_string_truncate(s, s->len - 1);
    return g_string_free(s, FALSE);
}

/* Asks on the terminal without echo; NULL when stdin is not one. */
static char *
prompt(const char *question)
{
    struct termios saved, quiet;
    if (tcgetattr(STDIN_FILENO, &saved) != 0)
        return NULL;
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    fputs(question, stderr);
    fflush(stderr);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    char *line = read_line(stdin);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fputc('\n', stderr);
    return line;
}

/* The new password: asked twice on a terminal, else the first line of stdin. */
static char *
new_password(const char *name, GError **error)
{
    if (isatty(STDIN_FILENO)) {
        g_autofree char *q = g_strdup_printf("Password for %s: ", name);
        g_autofree char *first = prompt(q);
        g_autofree char *again = first ? prompt("Again: ") : NULL;
        if (first == NULL || again == NULL || strcmp(first, again) != 0) {
            g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_PASSWORD, "the two passwords differ");
            return NULL;
        }
        return pd_webui_hash_password(first, error);
    }
    g_autofree char *line = read_line(stdin);
    if (line == NULL) {
        g_set_error(error, PD_WEBUI_ERROR, PD_WEBUI_ERROR_PASSWORD,
                    "give the password on standard input (one line)");
        return NULL;
    }
    return pd_webui_hash_password(line, error);
}

int
pd_cmd_user(int argc, char **argv, const PdGlobalOptions *global)
{
    g_autofree char *role = NULL; /* GOption gives it; ours to free */
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        {"role", 0, 0, G_OPTION_ARG_STRING, &role, "add: viewer, editor (the default) or admin",
         "ROLE"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "list: one JSON object per user per line", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("add|passwd|remove|disable|enable NAME, role NAME ROLE, or list - who "
                             "may log in to the web UI");
    g_option_context_set_description(
        context, "add and passwd ask for the password twice on a terminal, else read it from\n"
                 "the first line of standard input. A new password logs the user out.\n\n"
                 "Roles: a viewer searches and looks; an editor also corrects, picks and\n"
                 "places; an admin also manages users and the desk's settings. A new role or\n"
                 "a disabled account takes effect at once (the user is logged out); the\n"
                 "last admin who can log in cannot lose the role.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!pd_cli_parse(context, "user", &argc, &argv))
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "";
    gboolean list = strcmp(action, "list") == 0;
    gboolean named = strcmp(action, "add") == 0 || strcmp(action, "passwd") == 0 ||
                     strcmp(action, "remove") == 0 || strcmp(action, "disable") == 0 ||
                     strcmp(action, "enable") == 0;
    gboolean set_role = strcmp(action, "role") == 0;
    if (!(list && argc == 2) && !(named && argc == 3) && !(set_role && argc == 4)) {
        fprintf(stderr, "photodesk user: give add NAME, passwd NAME, remove NAME, disable NAME, "
                        "enable NAME, role NAME ROLE or list\n");
        return PD_EXIT_USAGE;
    }
    if (set_role)
        role = g_strdup(argv[3]);
    named |= set_role;
    const char *name = named ? argv[2] : NULL;
    if (name && !pd_webui_user_name_valid(name)) {
        fprintf(stderr,
                "photodesk user: \"%s\": a name is 1 to 64 letters, digits, '.', '_', '-' or '@'\n",
                name);
        return PD_EXIT_USAGE;
    }
    if (role && strcmp(action, "add") != 0 && !set_role) {
        fprintf(stderr, "photodesk user: --role goes with add\n");
        return PD_EXIT_USAGE;
    }
    if (role && !pd_catalog_role_valid(role)) {
        fprintf(stderr, "photodesk user: a role is viewer, editor or admin, not \"%s\"\n", role);
        return PD_EXIT_USAGE;
    }
    g_autoptr(GError) error = NULL;
    if (!pd_webui_init(&error)) {
        fprintf(stderr, "photodesk user: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    gboolean ok = catalog != NULL;
    if (ok && list) {
        g_autoptr(GPtrArray) users = pd_catalog_list_users(catalog, &error);
        ok = users != NULL;
        for (guint i = 0; ok && i < users->len; i++) {
            const PdCatalogUser *u = g_ptr_array_index(users, i);
            if (json) {
                GString *o = g_string_new("{");
                pd_desk_user_members(o, u);
                g_string_append_c(o, '}');
                puts(o->str);
                g_string_free(o, TRUE);
            } else {
                printf("%-24s %-7s since %s%s%s\n", u->name, u->role, u->created_at,
                       u->disabled_at ? ", disabled " : "", u->disabled_at ? u->disabled_at : "");
            }
        }
    } else if (ok && strcmp(action, "remove") == 0) {
        ok = pd_catalog_remove_user(catalog, name, &error);
    } else if (ok && set_role) {
        ok = pd_catalog_change_user(catalog, name, role, -1, g_get_user_name(), &error);
    } else if (ok && (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0)) {
        ok = pd_catalog_change_user(catalog, name, NULL, strcmp(action, "disable") == 0,
                                    g_get_user_name(), &error);
    } else if (ok) {
        if (strcmp(action, "add") == 0) {
            /* refuse a taken name before asking for a password */
            g_autoptr(PdCatalogUser) existing = pd_catalog_get_user(catalog, name, NULL);
            if (existing) {
                fprintf(stderr, "photodesk user: there is a user called \"%s\" already\n", name);
                return PD_EXIT_REJECTED;
            }
        }
        g_autofree char *hash = new_password(name, &error);
        ok = hash != NULL;
        if (ok && strcmp(action, "add") == 0)
            ok = pd_catalog_add_user(catalog, name, role ? role : "editor", hash, &error);
        else if (ok)
            ok = pd_catalog_set_password(catalog, name, hash, &error);
    }
    if (!ok) {
        fprintf(stderr, "photodesk user: %s\n", error->message);
        return PD_EXIT_REJECTED;
    }
    return PD_EXIT_OK;
}
