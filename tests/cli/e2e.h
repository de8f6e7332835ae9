/* e2e.h: what the end-to-end tests of the photodesk binary share: running it on a fresh
 * library in a scratch folder, reading its --json lines, making photos to feed it. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include "../../thumbs/vips-autoptr.h"

typedef struct {
    int status;
    char *out, *err;
} Run;

extern char *library; /* a fresh library per test (setup()) */
extern char *workdir; /* where the test makes its photos, and photodesk runs */

/* photodesk --library LIBRARY ARGS..., run in workdir, to its end. */
Run run_args(const char *const *args);
#define RUN(...) run_args((const char *const[]){__VA_ARGS__, NULL})
void run_clear(Run *r);

/* The --json lines of an ingest, by file name; a file's status and id (0: none). */
GHashTable *results(const char *out);
const char *status_of(GHashTable *h, const char *name);
gint64 id_of(GHashTable *h, const char *name);

/* A JPEG of distinct content (seeded noise) in workdir, with optional XMP and
 * orientation; its path, newly allocated. */
char *make_photo(const char *name, int w, int h, int seed, const char *xmp, int orientation);

/* A picture a perceptual hash sees as a photograph: a smooth random scene of @w x @h
 * (seeded), sRGB, 8 bits. */
VipsImage *make_scene(int seed, int w, int h);
/* @img saved in workdir as a JPEG of @quality with @xmp (or none); its path. */
char *save_scene(VipsImage *img, const char *name, const char *xmp, int quality);
/* A wire photo's XMP: the caption and, each when not NULL, the source, transmission
 * reference and date created. */
char *wire_xmp(const char *caption, const char *source, const char *reference, const char *date);

/* For g_spawn_*'s child_setup, with GINT_TO_POINTER(getpid()) as its data: the child
 * (a server, a watcher, an ingest the test runs beside its own work) gets SIGTERM when the
 * test process ends, so that a test that fails or aborts leaves no photodesk running. */
void die_with_parent(gpointer parent);

/* The files under @dir, in every folder below it (0 when it is not there). */
guint count_files(const char *dir);

/* A scratch folder and library name for one test, and their removal. */
/* The first value @sql answers on the library's catalog, SQLite's or PostgreSQL's
 * (NULL: none); also for a statement that changes rows. */
char *catalog_value(const char *sql);

/* A new library's catalog, for a test that moves on to another library in its work
 * folder: nothing to do on SQLite (the library's own catalog.db); a new database on
 * PostgreSQL. */
void fresh_catalog(void);

void setup(void);
void teardown(void);
