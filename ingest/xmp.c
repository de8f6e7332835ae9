/* xmp.c: XMP packets read with expat into a flat property table.
 *
 * RDF/XML alternates node elements (rdf:Description, rdf:Bag/Seq/Alt) and property
 * elements (dc:subject, rdf:li). The walker keeps a stack of frames; a property element
 * with no element children is a leaf, and its text is filed under the path of property
 * names leading to it. Properties written as attributes (photoshop:City="Kingston") and
 * structures written with rdf:parseType="Resource" or a nested rdf:Description give the
 * same paths as the long form, so a reader never cares how a tool chose to write them.
 *
 * Untrusted input: DTDs and entity declarations are refused (no billion laughs, no
 * external entities), the packet size is capped, and the element depth is bounded.
 */
#include "ingest/xmp.h"

#include <expat.h>
#include <string.h>

#define NS_SEP          '\x01'
#define RDF_NS          "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XML_NS          "http://www.w3.org/XML/1998/namespace"
#define MAX_DEPTH       64
#define MAX_VALUE_BYTES (1u << 20)

struct PdXmp {
    GHashTable *props; /* path -> PdXmpProperty* */
};

G_DEFINE_QUARK(pd_xmp_error, pd_xmp_error)

static const struct {
    const char *uri;
    const char *prefix;
} known_ns[] = {
    {"http://purl.org/dc/elements/1.1/", "dc"},
    {"http://ns.adobe.com/photoshop/1.0/", "photoshop"},
    {"http://ns.adobe.com/xap/1.0/", "xmp"},
    {"http://ns.adobe.com/xap/1.0/rights/", "xmpRights"},
    {"http://ns.adobe.com/xap/1.0/mm/", "xmpMM"},
    {"http://ns.adobe.com/tiff/1.0/", "tiff"},
    {"http://ns.adobe.com/exif/1.0/", "exif"},
    {"http://ns.adobe.com/exif/1.0/aux/", "aux"},
    {"http://cipa.jp/exif/1.0/", "exifEX"},
    {"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", "Iptc4xmpCore"},
    {"http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "Iptc4xmpExt"},
    {"http://ns.adobe.com/xmp/note/", "xmpNote"},
    {"http://ns.useplus.org/ldf/xmp/1.0/", "plus"},
    {"http://ns.adobe.com/photoshop/1.0/camera-profile", "crs"},
    {"http://ns.photomechanic.com/xmp/1.0/", "photomechanic"},
    {"adobe:ns:meta/", "x"},
    {RDF_NS, "rdf"},
    {XML_NS, "xml"},
};

typedef enum {
    FRAME_NODE,      /* rdf:RDF, x:xmpmeta, rdf:Description: children are properties */
    FRAME_CONTAINER, /* rdf:Bag, rdf:Seq, rdf:Alt: children are rdf:li */
    FRAME_PROPERTY,  /* a property element or rdf:li: a leaf, or holds a container/struct */
} FrameKind;

typedef struct {
    FrameKind kind;
    char *path; /* property path; for a node, the prefix its properties go under ("") */
    char *lang; /* xml:lang in scope, or NULL */
    gboolean has_children;
    gboolean is_struct; /* a property with rdf:parseType="Resource" or field attributes */
    char *resource;     /* rdf:resource of an empty property element */
    GString *text;
} Frame;

typedef struct {
    PdXmp *xmp;
    XML_Parser parser;
    GPtrArray *stack; /* of Frame* */
    gboolean done;    /* the root element has ended: what follows is padding */
    char *refusal;    /* set when the packet was refused (DTD, entity) */
    gboolean too_deep;
} Walker;

static void
property_free(gpointer p)
{
    PdXmpProperty *prop = p;
    g_ptr_array_unref(prop->values);
    g_ptr_array_unref(prop->langs);
    g_free(prop);
}

PdXmp *
pd_xmp_new(void)
{
    PdXmp *xmp = g_new0(PdXmp, 1);
    xmp->props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, property_free);
    return xmp;
}

void
pd_xmp_free(PdXmp *xmp)
{
    if (xmp == NULL)
        return;
    g_hash_table_unref(xmp->props);
    g_free(xmp);
}

/* "uri\x01local" to "prefix:local" (or "{uri}local" for a namespace photodesk does not
 * know, which keeps unknown properties apart without inventing prefixes). */
static char *
short_name(const char *expat_name)
{
    const char *sep = strchr(expat_name, NS_SEP);
    if (sep == NULL)
        return g_strdup(expat_name);
    gsize ulen = (gsize)(sep - expat_name);
    for (gsize i = 0; i < G_N_ELEMENTS(known_ns); i++) {
        if (strlen(known_ns[i].uri) == ulen && memcmp(known_ns[i].uri, expat_name, ulen) == 0)
            return g_strconcat(known_ns[i].prefix, ":", sep + 1, NULL);
    }
    return g_strdup_printf("{%.*s}%s", (int)ulen, expat_name, sep + 1);
}

static gboolean
is_rdf(const char *expat_name, const char *local)
{
    const gsize n = sizeof(RDF_NS) - 1;
    return strncmp(expat_name, RDF_NS, n) == 0 && expat_name[n] == NS_SEP &&
           strcmp(expat_name + n + 1, local) == 0;
}

static gboolean
in_namespace(const char *expat_name, const char *uri)
{
    gsize n = strlen(uri);
    return strncmp(expat_name, uri, n) == 0 && expat_name[n] == NS_SEP;
}

static gboolean
is_root_wrapper(const char *expat_name)
{
    return is_rdf(expat_name, "RDF") || strcmp(expat_name, "adobe:ns:meta/\x01xmpmeta") == 0 ||
           strcmp(expat_name, "adobe:ns:meta/\x01xapmeta") == 0;
}

static char *
join_path(const char *prefix, const char *name)
{
    if (prefix == NULL || prefix[0] == '\0')
        return g_strdup(name);
    return g_strconcat(prefix, "/", name, NULL);
}

void
pd_xmp_merge_over(PdXmp *into, PdXmp *later)
{
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, later->props);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        g_hash_table_iter_steal(&it);
        g_hash_table_replace(into->props, key, value);
    }
}

static PdXmpProperty *
property_for(PdXmp *xmp, const char *path)
{
    PdXmpProperty *prop = g_hash_table_lookup(xmp->props, path);
    if (prop == NULL) {
        prop = g_new0(PdXmpProperty, 1);
        prop->kind = PD_XMP_SIMPLE;
        prop->values = g_ptr_array_new_with_free_func(g_free);
        prop->langs = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(xmp->props, g_strdup(path), prop);
    }
    return prop;
}

static void
add_value(PdXmp *xmp, const char *path, const char *value, const char *lang)
{
    PdXmpProperty *prop = property_for(xmp, path);
    g_ptr_array_add(prop->values, g_strdup(value));
    g_ptr_array_add(prop->langs, g_strdup(lang));
}

static void
frame_free(gpointer p)
{
    Frame *f = p;
    g_free(f->path);
    g_free(f->lang);
    g_free(f->resource);
    if (f->text)
        g_string_free(f->text, TRUE);
    g_free(f);
}

static Frame *
top(Walker *w)
{
    return w->stack->len ? g_ptr_array_index(w->stack, w->stack->len - 1) : NULL;
}

static const char *
find_attr(const XML_Char **attrs, const char *name)
{
    for (int i = 0; attrs[i]; i += 2)
        if (strcmp(attrs[i], name) == 0)
            return attrs[i + 1];
    return NULL;
}

/* Attributes that are properties (not rdf:, not xml:) become fields under @prefix.
 * Returns TRUE if there was at least one. */
static gboolean
attribute_properties(Walker *w, const XML_Char **attrs, const char *prefix, const char *lang)
{
    gboolean any = FALSE;
    for (int i = 0; attrs[i]; i += 2) {
        if (in_namespace(attrs[i], RDF_NS) || in_namespace(attrs[i], XML_NS))
            continue;
        if (strchr(attrs[i], NS_SEP) == NULL)
            continue; /* unqualified attributes are not RDF properties */
        g_autofree char *name = short_name(attrs[i]);
        g_autofree char *path = join_path(prefix, name);
        add_value(w->xmp, path, attrs[i + 1], lang);
        any = TRUE;
    }
    return any;
}

static void XMLCALL
on_start(void *user_data, const XML_Char *name, const XML_Char **attrs)
{
    Walker *w = user_data;
    Frame *parent = top(w);
    if (w->stack->len >= MAX_DEPTH) {
        w->too_deep = TRUE;
        XML_StopParser(w->parser, XML_FALSE);
        return;
    }
    if (parent)
        parent->has_children = TRUE;

    Frame *f = g_new0(Frame, 1);
    const char *lang = find_attr(attrs, XML_NS "\x01lang");
    f->lang = g_strdup(lang ? lang : (parent ? parent->lang : NULL));

    if (parent == NULL || is_root_wrapper(name)) {
        f->kind = FRAME_NODE;
        f->path = g_strdup(parent ? parent->path : "");
    } else if (is_rdf(name, "Description")) {
        /* A node: its properties go under the property that holds it (a structure or a
         * qualified value), or at the top level. */
        f->kind = FRAME_NODE;
        f->path = g_strdup(parent->path);
        attribute_properties(w, attrs, f->path, f->lang);
    } else if (is_rdf(name, "Bag") || is_rdf(name, "Seq") || is_rdf(name, "Alt")) {
        f->kind = FRAME_CONTAINER;
        f->path = g_strdup(parent->path);
        if (parent->kind == FRAME_PROPERTY) {
            PdXmpProperty *prop = property_for(w->xmp, parent->path);
            prop->kind = is_rdf(name, "Alt") ? PD_XMP_ALT : PD_XMP_LIST;
        }
    } else if (is_rdf(name, "li") || is_rdf(name, "value")) {
        /* An item of a container, or the main value of a qualified property: either way
         * its value belongs to the property that owns the parent. */
        f->kind = FRAME_PROPERTY;
        f->path = g_strdup(parent->path);
    } else {
        f->kind = FRAME_PROPERTY;
        g_autofree char *short_ = short_name(name);
        f->path = join_path(parent->path, short_);
    }

    if (f->kind == FRAME_PROPERTY) {
        const char *parse_type = find_attr(attrs, RDF_NS "\x01parseType");
        const char *resource = find_attr(attrs, RDF_NS "\x01resource");
        if (parse_type && strcmp(parse_type, "Resource") == 0)
            f->is_struct = TRUE;
        if (attribute_properties(w, attrs, f->path, f->lang))
            f->is_struct = TRUE;
        if (resource)
            f->resource = g_strdup(resource);
        f->text = g_string_new(NULL);
    }
    g_ptr_array_add(w->stack, f);
}

static void XMLCALL
on_end(void *user_data, const XML_Char *name)
{
    Walker *w = user_data;
    Frame *f = top(w);
    if (f == NULL)
        return;
    if (f->kind == FRAME_PROPERTY && !f->has_children && !f->is_struct) {
        if (f->resource)
            add_value(w->xmp, f->path, f->resource, f->lang);
        else
            add_value(w->xmp, f->path, f->text->str, f->lang);
    }
    g_ptr_array_set_size(w->stack, w->stack->len - 1);
    if (w->stack->len == 0) {
        /* The root has ended; whatever follows (padding, a second xpacket PI, NULs)
         * is not ours to judge. */
        w->done = TRUE;
        XML_StopParser(w->parser, XML_FALSE);
    }
}

static void XMLCALL
on_text(void *user_data, const XML_Char *s, int len)
{
    Walker *w = user_data;
    Frame *f = top(w);
    if (f == NULL || f->kind != FRAME_PROPERTY || f->has_children)
        return;
    if (f->text->len + (gsize)len > MAX_VALUE_BYTES)
        return;
    g_string_append_len(f->text, s, len);
}

static void XMLCALL
on_doctype(void *user_data, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
           int has_internal_subset)
{
    Walker *w = user_data;
    if (!w->refusal)
        w->refusal = g_strdup("XMP: packet has a DTD (refused)");
    XML_StopParser(w->parser, XML_FALSE);
}

static void XMLCALL
on_entity(void *user_data, const XML_Char *name, int is_parameter, const XML_Char *value,
          int value_length, const XML_Char *base, const XML_Char *system_id,
          const XML_Char *public_id, const XML_Char *notation)
{
    Walker *w = user_data;
    if (!w->refusal)
        w->refusal = g_strdup("XMP: packet declares entities (refused)");
    XML_StopParser(w->parser, XML_FALSE);
}

gboolean
pd_xmp_parse(PdXmp *xmp, const char *data, gsize len, GError **error)
{
    g_return_val_if_fail(xmp != NULL, FALSE);
    if (len > PD_XMP_MAX_BYTES) {
        g_set_error(error, PD_XMP_ERROR, PD_XMP_ERROR_TOO_LARGE,
                    "XMP: packet of %zu bytes is over the %u byte limit (not read)", len,
                    PD_XMP_MAX_BYTES);
        return FALSE;
    }
    const char *encoding = NULL;
    /* UTF-16 without a byte-order mark: expat needs to be told. */
    if (len >= 2 && data[0] == 0 && data[1] == '<')
        encoding = "UTF-16BE";
    else if (len >= 2 && data[0] == '<' && data[1] == 0)
        encoding = "UTF-16LE";
    else if (len >= 2 && ((guint8)data[0] == 0xFE || (guint8)data[0] == 0xFF))
        encoding = NULL; /* expat reads the byte-order mark */
    else {
        /* Some writers put junk (a length, NULs, a stray BOM) before the packet; the
         * packet starts at its first '<'. */
        const char *lt = memchr(data, '<', len);
        if (lt == NULL) {
            g_set_error(error, PD_XMP_ERROR, PD_XMP_ERROR_SYNTAX, "XMP: packet holds no XML");
            return FALSE;
        }
        len -= (gsize)(lt - data);
        data = lt;
        /* Trailing NUL padding is common; expat would call it junk. */
        while (len > 0 && data[len - 1] == '\0')
            len--;
    }

    Walker w = {xmp, NULL, g_ptr_array_new_with_free_func(frame_free), FALSE, NULL, FALSE};
    w.parser = XML_ParserCreateNS(encoding, NS_SEP);
    if (w.parser == NULL)
        g_error("expat: out of memory");
    XML_SetUserData(w.parser, &w);
    XML_SetElementHandler(w.parser, on_start, on_end);
    XML_SetCharacterDataHandler(w.parser, on_text);
    XML_SetStartDoctypeDeclHandler(w.parser, on_doctype);
    XML_SetEntityDeclHandler(w.parser, on_entity);
    XML_SetParamEntityParsing(w.parser, XML_PARAM_ENTITY_PARSING_NEVER);

    gboolean ok = TRUE;
    /* XML_Parse takes an int length: feed large packets in pieces. */
    const gsize chunk = 1u << 30;
    gsize off = 0;
    do {
        gsize n = MIN(chunk, len - off);
        gboolean last = off + n == len;
        enum XML_Status st = XML_Parse(w.parser, data + off, (int)n, last);
        off += n;
        if (st == XML_STATUS_OK)
            continue;
        if (w.done && !w.refusal)
            break;
        ok = FALSE;
        if (w.refusal) {
            g_set_error_literal(error, PD_XMP_ERROR, PD_XMP_ERROR_FORBIDDEN, w.refusal);
        } else if (w.too_deep) {
            g_set_error(error, PD_XMP_ERROR, PD_XMP_ERROR_SYNTAX,
                        "XMP: elements nested more than %d deep (rest not read)", MAX_DEPTH);
        } else {
            g_set_error(error, PD_XMP_ERROR, PD_XMP_ERROR_SYNTAX, "XMP: %s at line %lu column %lu",
                        XML_ErrorString(XML_GetErrorCode(w.parser)),
                        (unsigned long)XML_GetCurrentLineNumber(w.parser),
                        (unsigned long)XML_GetCurrentColumnNumber(w.parser) + 1);
        }
        break;
    } while (off < len);
    if (ok && !w.done && len > 0) {
        ok = FALSE;
        g_set_error(error, PD_XMP_ERROR, PD_XMP_ERROR_SYNTAX,
                    "XMP: packet ends before its root element is closed");
    }

    XML_ParserFree(w.parser);
    g_ptr_array_unref(w.stack);
    g_free(w.refusal);
    return ok;
}

const PdXmpProperty *
pd_xmp_get(const PdXmp *xmp, const char *path)
{
    return g_hash_table_lookup(xmp->props, path);
}

const char *
pd_xmp_get_text(const PdXmp *xmp, const char *path)
{
    const PdXmpProperty *prop = pd_xmp_get(xmp, path);
    if (prop == NULL || prop->values->len == 0)
        return NULL;
    if (prop->kind == PD_XMP_ALT) {
        for (guint i = 0; i < prop->values->len; i++) {
            const char *lang = g_ptr_array_index(prop->langs, i);
            if (lang == NULL || g_ascii_strcasecmp(lang, "x-default") == 0)
                return g_ptr_array_index(prop->values, i);
        }
    }
    return g_ptr_array_index(prop->values, 0);
}

void
pd_xmp_foreach(const PdXmp *xmp, GHFunc func, gpointer user_data)
{
    g_hash_table_foreach(xmp->props, func, user_data);
}

guint
pd_xmp_size(const PdXmp *xmp)
{
    return g_hash_table_size(xmp->props);
}
