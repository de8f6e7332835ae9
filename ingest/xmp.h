/* xmp.h: reading XMP packets into a flat table of properties (private to ingest/).
 *
 * An XMP packet is RDF/XML. photodesk reads it with expat, refusing DTDs and entity
 * declarations and packets over PD_XMP_MAX_BYTES, and flattens it the way photo tools
 * talk about it: each leaf value is filed under its property path, with namespace URIs
 * mapped to their usual prefixes ("dc:description",
 * "Iptc4xmpExt:LocationShown/Iptc4xmpExt:City"), together with its xml:lang. rdf:Bag
 * and rdf:Seq items become several values of one property, in document order;
 * rdf:Alt items carry their languages.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PD_XMP_MAX_BYTES (16u * 1024u * 1024u)

#define PD_XMP_ERROR (pd_xmp_error_quark())
GQuark pd_xmp_error_quark(void);

typedef enum {
    PD_XMP_ERROR_TOO_LARGE,
    PD_XMP_ERROR_FORBIDDEN, /* DTD or entity declaration */
    PD_XMP_ERROR_SYNTAX,
} PdXmpError;

typedef enum {
    PD_XMP_SIMPLE,
    PD_XMP_LIST, /* rdf:Bag or rdf:Seq */
    PD_XMP_ALT,  /* rdf:Alt, usually language alternatives */
} PdXmpKind;

typedef struct {
    PdXmpKind kind;
    GPtrArray *values; /* of char *, UTF-8 */
    GPtrArray *langs;  /* of char * or NULL, parallel to values */
} PdXmpProperty;

typedef struct PdXmp PdXmp;

PdXmp *pd_xmp_new(void);
void pd_xmp_free(PdXmp *xmp);
/* Every property of @later replaces the one of the same path in @into (@later is left
 * empty). */
void pd_xmp_merge_over(PdXmp *into, PdXmp *later);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdXmp, pd_xmp_free)

/* Parses one packet of @len bytes and adds its properties to @xmp (call it again for
 * extended XMP). A packet may start with a byte-order mark, be UTF-8 or UTF-16, and have
 * padding or junk after its root element. On a syntax error the properties read before
 * it are kept and the error says where it was; DTDs, entity declarations and oversized
 * packets are refused before any property is read. */
gboolean pd_xmp_parse(PdXmp *xmp, const char *data, gsize len, GError **error);

/* The property at @path ("prefix:Name" or "prefix:Struct/prefix:Field"), or NULL. The
 * property belongs to @xmp. */
const PdXmpProperty *pd_xmp_get(const PdXmp *xmp, const char *path);

/* The value an editor means by a property: for a language alternative, the x-default
 * item (or an item without a language), else the first in document order; otherwise the
 * first value. NULL when the property is absent. Belongs to @xmp. */
const char *pd_xmp_get_text(const PdXmp *xmp, const char *path);

/* Calls @func for every property, in no particular order (for tests and debugging). */
void pd_xmp_foreach(const PdXmp *xmp, GHFunc func, gpointer user_data);

/* The number of properties read. */
guint pd_xmp_size(const PdXmp *xmp);

G_END_DECLS
