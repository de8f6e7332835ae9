/* assets.h: the content-addressed store of originals and renditions (the public
 * interface of assets/).
 *
 *   LIBRARY/originals/ab/cd/<sha256>.<ext>
 *   LIBRARY/renditions/<name>/ab/cd/<sha256>.jpg
 *   LIBRARY/tmp/                               same filesystem, for atomic publish
 *
 * A file is published by writing it under tmp/, fsync()ing it, link()ing it into place
 * and fsync()ing the folder: after a crash a name either holds its whole content or
 * does not exist. Identical bytes are stored once. Files are never rewritten in place.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PD_ASSETS_ERROR (pd_assets_error_quark())
GQuark pd_assets_error_quark(void);

typedef enum {
    PD_ASSETS_ERROR_IO,      /* a system call failed (the message names the file) */
    PD_ASSETS_ERROR_CORRUPT, /* a stored file does not hash to its name */
} PdAssetsError;

#define PD_SHA256_HEX 65 /* 64 hex digits and a NUL */

typedef struct PdStore PdStore;

/* Opens (creating as needed) the store under @library. Free with pd_store_close(). */
PdStore *pd_store_open(const char *library, GError **error);
void pd_store_close(PdStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdStore, pd_store_close)

const char *pd_store_library(const PdStore *store);

/* SHA-256 of @len bytes as 64 lowercase hex digits into @hex (libcrypto's EVP: SHA-NI
 * where the CPU has it). */
void pd_assets_sha256(const void *data, gsize len, char hex[PD_SHA256_HEX]);

/* Incremental SHA-256, for data that arrives in pieces. */
typedef struct PdSha256 PdSha256;
PdSha256 *pd_sha256_new(void);
void pd_sha256_update(PdSha256 *h, const void *data, gsize len);
/* Writes the digest into @hex and frees @h. */
void pd_sha256_finish(PdSha256 *h, char hex[PD_SHA256_HEX]);

/* The path an original or a rendition has (or would have) in the store; newly
 * allocated. @ext is the file's extension without the dot ("jpg"). */
char *pd_store_original_path(const PdStore *store, const char *sha256, const char *ext);
char *pd_store_rendition_path(const PdStore *store, const char *name, const char *sha256);

/* Publishes @len bytes as the original @sha256 (which the caller computed from them).
 * Sets *@existed when the store already had it; the store then is left as it was. */
gboolean pd_store_put_original(PdStore *store, const char *sha256, const char *ext,
                               const void *data, gsize len, gboolean *existed, GError **error);

/* Publishes a rendition of the original @sha256; an existing one is kept. */
gboolean pd_store_put_rendition(PdStore *store, const char *name, const char *sha256,
                                const void *data, gsize len, GError **error);

/* Whether the store holds rendition @name of @sha256, or (@name NULL) the original
 * @sha256 with extension @ext. */
gboolean pd_store_has(const PdStore *store, const char *name, const char *sha256, const char *ext);

/* TRUE when the original exists and its bytes hash to @sha256; FALSE with @error
 * (CORRUPT, or IO when it is missing or unreadable) otherwise. */
gboolean pd_store_verify_original(const PdStore *store, const char *sha256, const char *ext,
                                  GError **error);

/* Calls @func for every file under originals/, renditions/ and tmp/ with its path
 * relative to the library ("originals/ab/cd/<sha>.jpg"), the parsed kind and names,
 * and its age in seconds. */
typedef enum {
    PD_STORE_ORIGINAL,
    PD_STORE_RENDITION,
    PD_STORE_TEMPORARY,
    PD_STORE_UNKNOWN,
} PdStoreKind;

typedef void (*PdStoreFileFunc)(const char *relpath, PdStoreKind kind, const char *rendition,
                                const char *sha256, const char *ext, gint64 age_seconds,
                                gpointer user_data);
gboolean pd_store_foreach_file(const PdStore *store, PdStoreFileFunc func, gpointer user_data,
                               GError **error);

/* Removes a file of the store (a stray found by fsck; @relpath as given by
 * pd_store_foreach_file()) unless it is younger than @min_age_seconds now: an ingest
 * that takes a stored file again makes it young. *@removed says whether it went. */
gboolean pd_store_remove(PdStore *store, const char *relpath, gint64 min_age_seconds,
                         gboolean *removed, GError **error);

G_END_DECLS
