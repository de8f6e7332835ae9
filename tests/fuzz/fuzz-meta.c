/* fuzz-meta.c: libFuzzer target for reading a whole photo from memory: the format sniffing,
 * photodesk's JPEG, PNG, WebP and TIFF walkers, the EXIF structure check, reconciliation
 * and the JSON output, with libvips reading the header as in production.
 *
 * Properties checked: no memory error or undefined behaviour; either an error or a
 * result whose JSON is valid UTF-8 on one line. */
#include "ingest/ingest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    GError *error = NULL;
    if (!pd_ingest_init((*argv)[0], &error))
        abort();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    PdPhotoMeta *meta = pd_ingest_read_buffer(data, size, &error);
    if (meta == NULL) {
        if (error == NULL)
            abort();
        g_error_free(error);
        return 0;
    }
    char *json = pd_photo_meta_to_json(meta, "fuzz");
    if (!g_utf8_validate(json, -1, NULL) || strchr(json, '\n') != NULL)
        abort();
    g_free(json);
    pd_photo_meta_free(meta);
    return 0;
}
