/* make-photos DIR N: N wire photos in DIR for the browser test, each its own scene (so
 * none is a re-send or a copy of another), with a caption, a credit and a time one minute
 * apart: the contact sheet's speed is measured on them. */
#include "../cli/e2e.h"

#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: make-photos DIR N\n");
        return 2;
    }
    if (VIPS_INIT(argv[0]))
        return 1;
    workdir = argv[1];
    int n = atoi(argv[2]);
    for (int i = 0; i < n; i++) {
        VipsImage *scene = make_scene(5000 + i, 600, 400);
        g_autofree char *caption = g_strdup_printf(
            "Supporters wave flags at a rally in Riverton, Sunday, May 4, 2025, frame %d. "
            "(AP Photo/Dana Ruiz)",
            i + 1);
        g_autofree char *reference = g_strdup_printf("RALLY%03d", i + 1);
        g_autofree char *date =
            g_strdup_printf("2025-05-04T%02d:%02d:00-05:00", 10 + i / 60, i % 60);
        g_autofree char *xmp = wire_xmp(caption, "AP", reference, date);
        g_autofree char *name = g_strdup_printf("rally-%03d.jpg", i + 1);
        g_free(save_scene(scene, name, xmp, 85));
        g_object_unref(scene);
    }
    vips_shutdown();
    return 0;
}
