/* sources.c: the raw metadata of one photo as its containers' walkers find it: the
 * blocks they hand over (EXIF, IIM, Photoshop resources, XMP), the warnings they raise,
 * and the damage that stops a walk. */
#include "ingest/sources.h"

#include <stdarg.h>
#include <string.h>

void
pd_meta_warn(PdPhotoMeta *meta, gboolean damage, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    /* Warnings come from the file: make sure they are UTF-8 and one line. */
    if (!g_utf8_validate(msg, -1, NULL)) {
        char *fixed = g_utf8_make_valid(msg, -1);
        g_free(msg);
        msg = fixed;
    }
    g_strdelimit(msg, "\r\n", ' ');
    for (guint i = 0; i < meta->warnings->len; i++) {
        if (strcmp(g_ptr_array_index(meta->warnings, i), msg) == 0) {
            g_free(msg);
            msg = NULL;
            break;
        }
    }
    if (msg)
        g_ptr_array_add(meta->warnings, msg);
    if (damage)
        meta->damaged = TRUE;
}

/* The container itself is broken (truncated, a length past the end): nothing after the
 * break can be trusted, and the file is not handed to libvips, whose decoders would
 * believe the lengths (a 1 KB PNG claiming a 1 GB chunk costs libpng ten seconds). */
void
pd_sources_broken(PdSources *src, PdPhotoMeta *meta, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    pd_meta_warn(meta, TRUE, "%s", msg);
    src->broken = TRUE;
}

void
pd_sources_init(PdSources *src)
{
    memset(src, 0, sizeof *src);
    src->iim = g_ptr_array_new_with_free_func((GDestroyNotify)pd_iim_block_free);
    src->xmp = pd_xmp_new();
}

void
pd_sources_clear(PdSources *src)
{
    pd_exif_fields_clear(&src->exif);
    g_ptr_array_unref(src->iim);
    pd_xmp_free(src->xmp);
    if (src->jpeg_probe)
        g_byte_array_unref(src->jpeg_probe);
    memset(src, 0, sizeof *src);
}

void
pd_sources_add_iim(PdSources *src, const guint8 *data, gsize len, PdIimPlace place,
                   PdPhotoMeta *meta)
{
    PdIimBlock *block = pd_iim_parse(data, len);
    if (block->problem)
        pd_meta_warn(meta, TRUE, "%s", block->problem);
    if (place != PD_IIM_PLACE_NONSTANDARD && !src->has_primary_iim) {
        src->has_primary_iim = TRUE;
        g_ptr_array_insert(src->iim, 0, block);
        if (place == PD_IIM_PLACE_STANDARD) {
            /* The digest Photoshop stores in resource 0x0425 is the MD5 of the block as
             * it was; compare with the block as it is now. */
            GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
            g_checksum_update(md5, data, (gssize)len);
            gsize n = sizeof src->current_digest;
            g_checksum_get_digest(md5, src->current_digest, &n);
            g_checksum_free(md5);
            src->has_current_digest = n == 16;
        }
    } else {
        g_ptr_array_add(src->iim, block);
    }
}

typedef struct {
    PdSources *src;
    PdPhotoMeta *meta;
    PdIimPlace place;
} IrbContext;

static void
on_irb_resource(guint16 id, const guint8 *data, gsize len, gpointer user_data)
{
    IrbContext *ctx = user_data;
    if (id == PD_IRB_IPTC) {
        pd_sources_add_iim(ctx->src, data, len, ctx->place, ctx->meta);
    } else if (id == PD_IRB_IPTC_DIGEST && len == 16 && !ctx->src->has_stored_digest) {
        memcpy(ctx->src->stored_digest, data, 16);
        ctx->src->has_stored_digest = TRUE;
    }
}

void
pd_sources_read_irb(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len,
                    PdIimPlace place)
{
    IrbContext ctx = {src, meta, place};
    g_autofree char *problem = pd_irb_walk(data, len, on_irb_resource, &ctx);
    if (problem)
        pd_meta_warn(meta, TRUE, "%s", problem);
}

void
pd_sources_read_exif(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len)
{
    if (src->has_exif) {
        pd_meta_warn(meta, FALSE, "EXIF: a second EXIF block was ignored");
        return;
    }
    src->has_exif = TRUE;
    pd_exif_read(data, len, &src->exif);
    if (src->exif.problem)
        pd_meta_warn(meta, TRUE, "%s", src->exif.problem);
    if (src->exif.iptc && src->format != PD_FORMAT_TIFF) {
        gsize n;
        const guint8 *p = g_bytes_get_data(src->exif.iptc, &n);
        pd_sources_add_iim(
            src, p, n, src->format == PD_FORMAT_JPEG ? PD_IIM_PLACE_NONSTANDARD : PD_IIM_PLACE_ANY,
            meta);
    }
}

void
pd_sources_read_xmp(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    if (!pd_xmp_parse(src->xmp, (const char *)data, len, &error))
        pd_meta_warn(meta, TRUE, "%s", error->message);
}

void
pd_sources_read_xmp_over(PdSources *src, PdPhotoMeta *meta, const guint8 *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    PdXmp *later = pd_xmp_new();
    if (!pd_xmp_parse(later, (const char *)data, len, &error))
        pd_meta_warn(meta, TRUE, "%s", error->message);
    else
        pd_xmp_merge_over(src->xmp, later);
    pd_xmp_free(later);
}
