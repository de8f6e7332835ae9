/* icc.h: ICC profile inspection (private to thumbs/). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the ICC profile of @len bytes describes sRGB (its 'desc' tag, ICC v2 ASCII or
 * v4 UTF-16, says so), so converting to sRGB would change nothing. FALSE for anything
 * else, including a damaged profile. */
gboolean pd_icc_is_srgb(const guint8 *profile, gsize len);

G_END_DECLS
