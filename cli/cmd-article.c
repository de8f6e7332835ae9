/* cmd-article.c: photodesk article new|list|show|set|attach|detach|package: the stories
 * photos are placed in, and their delivery with captions embedded. */
#include "catalog/catalog.h"
#include "cli/commands.h"
#include "desk/desk.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>

/* A positive id from @s, else 0 after saying what is wrong. */
static gint64
parse_id(const char *what, const char *s)
{
    gint64 id = 0;
    g_autoptr(GError) error = NULL;
    if (!g_ascii_string_to_signed(s, 10, 1, G_MAXINT64, &id, &error)) {
        fprintf(stderr, "photodesk article: %s \"%s\" is not a number\n", what, s);
        return 0;
    }
    return id;
}

static const char *const usage_text =
    "photodesk article: give one of\n"
    "  new SLUG [--headline TEXT]\n"
    "  list [--json]\n"
    "  show [--json] ARTICLE\n"
    "  set ARTICLE [--slug SLUG] [--headline TEXT] [--status draft|published]\n"
    "  attach ARTICLE PHOTO... [--role lead|inline|gallery] [--caption TEXT] [--position N]\n"
    "  detach ARTICLE PHOTO...\n"
    "  ack ARTICLE PHOTO...            (the photos' changes since placed have been seen)\n"
    "  output ARTICLE PHOTO [--crop X,Y,W,H] [--aspect 3:2|16:9|1:1|4:5|free] [--profile P]\n"
    "  package ARTICLE [--output FILE.zip | --to TARGET] [--gps] [--under-embargo] [--profile P]\n";

typedef struct {
    char *headline, *slug, *status, *role, *caption, *output; /* GOption's, ours to free */
    char *crop, *aspect, *profile, *to;
    int position;
    gboolean json, gps, under_embargo;
    gboolean confirm_synthetic; /* attach: placing a picture made with generative AI */
} Options;

static void
options_clear(Options *o)
{
    g_free(o->headline);
    g_free(o->slug);
    g_free(o->status);
    g_free(o->role);
    g_free(o->caption);
    g_free(o->output);
    g_free(o->crop);
    g_free(o->aspect);
    g_free(o->profile);
    g_free(o->to);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Options, options_clear)

/* Each attempt at a delivery target, as it ends. */
static void
print_attempt(const PdCatalogAttempt *a, gpointer user_data)
{
    (void)user_data;
    fprintf(stderr, "photodesk article package: %s %s (%.2f s): %s\n", a->at,
            a->ok ? "delivered" : "failed", a->seconds, a->answer);
}

static int
report(const char *what, GError *error)
{
    fprintf(stderr, "photodesk article %s: %s\n", what, error->message);
    return PD_EXIT_REJECTED;
}

static int
attach(PdCatalog *c, gint64 article, char **photos, int n, const Options *o)
{
    int status = PD_EXIT_OK;
    int position = o->position;
    for (int i = 0; i < n; i++) {
        gint64 photo = parse_id("the photo", photos[i]);
        if (photo == 0)
            return PD_EXIT_USAGE;
        g_autoptr(GError) error = NULL;
        PdCatalogPlacement p = {.article_id = article, .photo_id = photo, .position = position};
        p.role = g_strdup(o->role);
        p.caption = g_strdup(o->caption);
        p.placed_by = g_strdup(g_get_user_name());
        if (o->confirm_synthetic)
            p.made_confirmed = PD_MADE_AI | PD_MADE_COMPOSITE;
        if (pd_catalog_place_photo(c, &p, &error)) {
            printf("photo %" G_GINT64_FORMAT " placed in article %" G_GINT64_FORMAT
                   " at %d as %s\n",
                   photo, article, p.position, p.role);
            if (position > 0)
                position = p.position + 1; /* the next one after it */
        } else {
            status = report("attach", error);
            if (g_error_matches(error, PD_CATALOG_ERROR, PD_CATALOG_ERROR_CONFIRM))
                fprintf(stderr, "photodesk article attach: if it is, attach it with "
                                "--confirm-synthetic\n");
        }
        pd_catalog_placement_clear(&p);
    }
    return status;
}

static int
run(PdCatalog *c, const char *library, const char *action, char **args, int n, const Options *o)
{
    g_autoptr(GError) error = NULL;
    if (strcmp(action, "new") == 0) {
        g_autoptr(PdCatalogArticle) a =
            pd_catalog_add_article(c, args[0], o->headline, g_get_user_name(), &error);
        if (a == NULL)
            return report(action, error);
        printf("article %" G_GINT64_FORMAT ": %s\n", a->id, a->slug);
        return PD_EXIT_OK;
    }
    if (strcmp(action, "list") == 0) {
        if (o->json) {
            g_autofree char *json = pd_desk_articles_json(c, &error);
            if (json == NULL)
                return report(action, error);
            printf("%s\n", json);
            return PD_EXIT_OK;
        }
        g_autoptr(GPtrArray) all = pd_catalog_list_articles(c, &error);
        if (all == NULL)
            return report(action, error);
        for (guint i = 0; i < all->len; i++) {
            const PdCatalogArticle *a = g_ptr_array_index(all, i);
            g_autofree char *killed =
                a->killed ? g_strdup_printf("  [%d killed: remove]", a->killed) : g_strdup("");
            g_autofree char *changed =
                a->notices ? g_strdup_printf("  [%d changed since placed]", a->notices)
                           : g_strdup("");
            printf("%6" G_GINT64_FORMAT "  %-9s %2d photo%s  %s  %s%s%s\n", a->id, a->status,
                   a->photos, a->photos == 1 ? " " : "s", a->slug, a->headline, killed, changed);
        }
        return PD_EXIT_OK;
    }
    gint64 id = parse_id("the article", args[0]);
    if (id == 0)
        return PD_EXIT_USAGE;
    if (strcmp(action, "show") == 0) {
        g_autofree char *out =
            o->json ? pd_desk_article_json(c, id, &error) : pd_desk_article_text(c, id, &error);
        if (out == NULL)
            return report(action, error);
        fputs(out, stdout);
        if (o->json)
            fputc('\n', stdout);
        return PD_EXIT_OK;
    }
    if (strcmp(action, "set") == 0)
        return pd_catalog_update_article(c, id, o->slug, o->headline, o->status, 0, &error)
                   ? PD_EXIT_OK
                   : report(action, error);
    if (strcmp(action, "attach") == 0)
        return attach(c, id, args + 1, n - 1, o);
    if (strcmp(action, "detach") == 0 || strcmp(action, "ack") == 0) {
        gboolean detach = strcmp(action, "detach") == 0;
        int status = PD_EXIT_OK;
        for (int i = 1; i < n; i++) {
            gint64 photo = parse_id("the photo", args[i]);
            if (photo == 0)
                return PD_EXIT_USAGE;
            g_autoptr(GError) e = NULL;
            gboolean ok = detach ? pd_catalog_remove_placement(c, id, photo, &e)
                                 : pd_catalog_update_placement(c, id, photo, NULL, NULL, NULL, 0,
                                                               TRUE, 0, &e);
            if (!ok)
                status = report(action, e);
        }
        return status;
    }
    if (strcmp(action, "output") == 0) {
        gint64 photo = parse_id("the photo", args[1]);
        if (photo == 0)
            return PD_EXIT_USAGE;
        if (!pd_desk_set_output(c, id, photo, o->crop, o->aspect, o->profile, 0, &error))
            return report(action, error);
        g_autoptr(PdCatalogPlacement) pl = pd_catalog_get_placement(c, id, photo, &error);
        if (pl == NULL)
            return report(action, error);
        printf("photo %" G_GINT64_FORMAT " in article %" G_GINT64_FORMAT ": crop %s%s%s, "
               "profile %s\n",
               photo, id, pl->crop ? pl->crop : "none", pl->crop_aspect ? " " : "",
               pl->crop_aspect ? pl->crop_aspect : "", pl->profile ? pl->profile : "the package's");
        return PD_EXIT_OK;
    }
    /* package */
    g_autoptr(GPtrArray) profiles = pd_desk_profiles(c, &error);
    if (profiles == NULL)
        return report(action, error);
    if (!pd_desk_check_profile(profiles, o->profile, &error)) {
        fprintf(stderr, "photodesk article package: --%s\n", error->message);
        return PD_EXIT_USAGE;
    }
    PdPackageOptions po = {.gps = o->gps,
                           .under_embargo = o->under_embargo,
                           .profile = o->profile,
                           .user = g_get_user_name()};
    if (o->to) {
        if (o->output) {
            fprintf(stderr, "photodesk article package: --to and --output: give one\n");
            return PD_EXIT_USAGE;
        }
        po.attempted = print_attempt;
        /* Ctrl-C (or a TERM) stops the trying, and the delivery is recorded as stopped */
        g_autoptr(GCancellable) stop = g_cancellable_new();
        po.cancellable = stop;
        PdCliSignals *signals = pd_cli_signals_start(stop);
        gint64 delivery = pd_desk_deliver_article(c, library, id, &po, o->to, &error);
        pd_cli_signals_stop(signals);
        if (delivery == 0)
            return report(action, error);
        g_autoptr(GPtrArray) all = pd_catalog_deliveries(c, id, 0, 0, &error);
        for (guint i = 0; all && i < all->len; i++) {
            const PdCatalogDelivery *d = g_ptr_array_index(all, i);
            if (d->id == delivery)
                printf("%s\n", d->location);
        }
        return PD_EXIT_OK;
    }
    g_autofree char *output = g_strdup(o->output);
    if (output == NULL) {
        g_autoptr(PdCatalogArticle) a = pd_catalog_get_article(c, id, &error);
        if (a == NULL)
            return report(action, error);
        g_autofree char *name = pd_desk_safe_name(a->slug);
        output = g_strdup_printf("%s.zip", name);
    }
    if (g_file_test(output, G_FILE_TEST_EXISTS)) {
        fprintf(stderr,
                "photodesk article package: %s exists; remove it or give another name "
                "with --output\n",
                output);
        return PD_EXIT_REJECTED;
    }
    if (!pd_desk_package_article(c, library, id, &po, output, &error))
        return report(action, error);
    printf("%s\n", output);
    return PD_EXIT_OK;
}

int
pd_cmd_article(int argc, char **argv, const PdGlobalOptions *global)
{
    g_auto(Options) o = {0};
    GOptionEntry entries[] = {
        {"headline", 0, 0, G_OPTION_ARG_STRING, &o.headline, "new, set: the article's headline",
         "TEXT"},
        {"slug", 0, 0, G_OPTION_ARG_STRING, &o.slug, "set: a new slug", "SLUG"},
        {"status", 0, 0, G_OPTION_ARG_STRING, &o.status, "set: draft or published", "STATUS"},
        {"role", 0, 0, G_OPTION_ARG_STRING, &o.role,
         "attach: lead, inline or gallery (default: lead for the first photo, else inline)",
         "ROLE"},
        {"caption", 0, 0, G_OPTION_ARG_STRING, &o.caption,
         "attach: the caption for this use (default: the photo's, without its credit)", "TEXT"},
        {"position", 0, 0, G_OPTION_ARG_INT, &o.position,
         "attach: where in the article, from 1 (default: last)", "N"},
        {"confirm-synthetic", 0, 0, G_OPTION_ARG_NONE, &o.confirm_synthetic,
         "attach: the photos' digital source type says they were created or edited using "
         "generative AI, or are composites, and they are the story all the same (recorded "
         "with the placement)",
         NULL},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
         "package: the zip to write (default: SLUG.zip; never overwritten)", "FILE"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &o.to,
         "package: deliver to the desk's target NAME (photodesk target) instead of a zip here; "
         "prints where it went",
         "NAME"},
        {"gps", 0, 0, G_OPTION_ARG_NONE, &o.gps,
         "package: embed where the photos were taken (left out by default)", NULL},
        {"crop", 0, 0, G_OPTION_ARG_STRING, &o.crop,
         "output: the crop of the upright picture, X,Y,W,H as fractions (\"\" for none)",
         "X,Y,W,H"},
        {"aspect", 0, 0, G_OPTION_ARG_STRING, &o.aspect,
         "output: the aspect the crop keeps (free, 3:2, 16:9, 1:1, 4:5)", "A"},
        {"profile", 0, 0, G_OPTION_ARG_STRING, &o.profile,
         "output, package: web (2048 px, the default), print (its own size), social (1200 px)",
         "P"},
        {"under-embargo", 0, 0, G_OPTION_ARG_NONE, &o.under_embargo,
         "package: deliver embargoed photos before their time, knowingly (recorded with who "
         "and when; each file says so in its special instructions)",
         NULL},
        {"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "list, show: JSON for programs", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("new|list|show|set|attach|detach|ack|package ... - articles and "
                             "the photos placed in them");
    g_option_context_set_description(
        context,
        "A placed photo has its own caption and credit line for the article, starting from\n"
        "the photo's; the photo's own are never changed by it. A killed photo cannot be\n"
        "placed, and an article with one cannot be packaged; nor one whose photo the wire\n"
        "re-sent with another picture, until 'ack' says it was seen. The package is a zip of the\n"
        "photos' web renditions with the caption, credit line, byline, source, copyright,\n"
        "date, city and country embedded as IPTC-IIM and XMP, and article.json.");
    g_option_context_add_main_entries(context, entries, NULL);
    gboolean parsed = pd_cli_parse(context, "article", &argc, &argv);
    if (!parsed)
        return PD_EXIT_USAGE;
    const char *action = argc > 1 ? argv[1] : "";
    int n = argc - 2;
    gboolean fits = (strcmp(action, "list") == 0 && n == 0) ||
                    ((strcmp(action, "new") == 0 || strcmp(action, "show") == 0 ||
                      strcmp(action, "set") == 0 || strcmp(action, "package") == 0) &&
                     n == 1) ||
                    ((strcmp(action, "attach") == 0 || strcmp(action, "detach") == 0 ||
                      strcmp(action, "ack") == 0) &&
                     n >= 2) ||
                    (strcmp(action, "output") == 0 && n == 2);
    if (!fits) {
        fputs(usage_text, stderr);
        return PD_EXIT_USAGE;
    }
    g_autofree char *library = pd_desk_library_path(global->library);
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCatalog) catalog = pd_cli_open_catalog(library, &error);
    if (catalog == NULL)
        return report(action, error);
    return run(catalog, library, action, argv + 2, n, &o);
}
