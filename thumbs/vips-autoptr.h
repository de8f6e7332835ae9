/* vips-autoptr.h: g_autoptr() for libvips objects (private to thumbs/).
 *
 * Debian's libvips 8.14 does not declare the cleanup functions itself. */
#pragma once

#include <vips/vips.h>

#ifndef VIPS_AUTOPTR_DEFINED
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VipsImage, g_object_unref)
#endif
