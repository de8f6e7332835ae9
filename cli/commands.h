/* commands.h: the photodesk subcommands (private to cli/).
 *
 * Each command gets the arguments after its name (argv[0] is the command name) and the
 * global options, and returns the exit status: 0 all went well, 1 some input was
 * rejected (the rest was still done), 2 usage error.
 */
#pragma once

#include "catalog/catalog.h"

#include <gio/gio.h>
#include <glib.h>

typedef struct {
    const char *library; /* --library, else $PHOTODESK_LIBRARY, else the default */
} PdGlobalOptions;

enum {
    PD_EXIT_OK = 0,
    PD_EXIT_REJECTED = 1,
    PD_EXIT_USAGE = 2,
};

int pd_cmd_meta(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_credit(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_ingest(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_watch(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_show(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_edit(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_fsck(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_search(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_serve(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_user(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_article(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_agencies(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_pick(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_lightbox(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_saved(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_codes(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_template(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_rule(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_target(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_profile(int argc, char **argv, const PdGlobalOptions *global);
int pd_cmd_catalog(int argc, char **argv, const PdGlobalOptions *global);

/* The catalog of @library (made, with its folder, when there is none yet), read-write. */
PdCatalog *pd_cli_open_catalog(const char *library, GError **error);

/* SIGINT and SIGTERM cancel @cancellable, from a thread of their own: the signals are
 * blocked in the calling thread first, so every thread started after inherits that.
 * Call before starting other threads; stop once the work is over. */
typedef struct PdCliSignals PdCliSignals;
PdCliSignals *pd_cli_signals_start(GCancellable *cancellable);
void pd_cli_signals_stop(PdCliSignals *signals);

/* Parses @argc/@argv with @context, printing a usage error on failure. Returns FALSE
 * (after printing) when the arguments are wrong. */
gboolean pd_cli_parse(GOptionContext *context, const char *command, int *argc, char ***argv);
