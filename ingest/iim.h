/* iim.h: IPTC-IIM datasets and the Photoshop image resource blocks that carry them
 * (private to ingest/).
 *
 * IIM (IPTC Information Interchange Model 4.2) is a flat list of datasets: 0x1C, record,
 * dataset number, a 16-bit length (or, with the top bit set, the number of bytes of a
 * longer length), then the value. In JPEG and TIFF it travels inside a Photoshop
 * "image resource block" list (8BIM resources), resource 0x0404; resource 0x0425 holds
 * the MD5 digest of the IIM block as it was when XMP was last synchronised with it.
 *
 * Both parsers read untrusted bytes: every length is checked against the end of the
 * buffer before use, and every loop advances by at least one byte.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The IIM datasets photodesk reads (record 2, the application record, unless noted). */
enum {
    PD_IIM_CODED_CHARACTER_SET = 90, /* record 1 */
    PD_IIM_OBJECT_NAME = 5,
    PD_IIM_KEYWORDS = 25,
    PD_IIM_SPECIAL_INSTRUCTIONS = 40,
    PD_IIM_DATE_CREATED = 55,
    PD_IIM_TIME_CREATED = 60,
    PD_IIM_BYLINE = 80,
    PD_IIM_CITY = 90,
    PD_IIM_PROVINCE_STATE = 95,
    PD_IIM_COUNTRY = 101,
    PD_IIM_TRANSMISSION_REFERENCE = 103,
    PD_IIM_HEADLINE = 105,
    PD_IIM_CREDIT = 110,
    PD_IIM_SOURCE = 115,
    PD_IIM_COPYRIGHT = 116,
    PD_IIM_CAPTION = 120,
    PD_IIM_WRITER = 122,
};

typedef struct {
    guint8 record;
    guint8 dataset;
    guint32 len;
    guint8 *value; /* len bytes plus a NUL, owned by the block */
} PdIimDataset;

typedef struct {
    GArray *datasets;        /* of PdIimDataset, in file order */
    gboolean declares_utf8;  /* 1:90 is ESC % G */
    gboolean declares_other; /* 1:90 is present and is something else */
    char *problem;           /* why parsing stopped early (the block is damaged), or NULL */
} PdIimBlock;

/* Parses @len bytes of IIM. Never fails: datasets before a damaged one are kept and
 * ->problem says what was wrong. Free with pd_iim_block_free(). */
PdIimBlock *pd_iim_parse(const guint8 *data, gsize len);
void pd_iim_block_free(PdIimBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdIimBlock, pd_iim_block_free)

/* The first dataset @record:@dataset of @block at or after index *@from (which is updated
 * to just past the match), or NULL. Pass *from = 0 to start. */
const PdIimDataset *pd_iim_block_find(const PdIimBlock *block, guint8 record, guint8 dataset,
                                      guint *from);

/* Called for each 8BIM resource of an image resource block list. */
typedef void (*PdIrbFunc)(guint16 id, const guint8 *data, gsize len, gpointer user_data);

/* Walks a Photoshop image resource block list, calling @func for each 8BIM resource.
 * Resources of the other known signatures (PHUT, DCSR, AgHg, MeSa) are skipped. Returns
 * NULL when the whole list was read, else a newly allocated description of the damage
 * that stopped the walk (resources before it have been reported). */
char *pd_irb_walk(const guint8 *data, gsize len, PdIrbFunc func, gpointer user_data);

#define PD_IRB_IPTC        0x0404
#define PD_IRB_IPTC_DIGEST 0x0425

G_END_DECLS
