/* provenance.c: how a picture was made, from the codes agencies now send with it.
 *
 * IPTC's Digital Source Type (Iptc4xmpExt:DigitalSourceType) is a URI of the controlled
 * vocabulary http://cv.iptc.org/newscodes/digitalsourcetype/ ("trainedAlgorithmicMedia":
 * created using generative AI). Tools write the whole URI, some only its last part;
 * both are read. PLUS's Data Mining (plus:DataMining) is a URI of
 * http://ns.useplus.org/ldf/vocab/ ("DMI-PROHIBITED-AIMLTRAINING"). A code photodesk does
 * not know is kept as it came and shown as it is.
 */
#include "caption/caption.h"

#include <string.h>

static const struct {
    const char *code;
    const char *label;
    PdMade made;
} source_types[] = {
    {"digitalCapture", "Original digital capture", PD_MADE_UNSTATED},
    {"computationalCapture", "Computational capture", PD_MADE_UNSTATED},
    {"negativeFilm", "Digitised from a negative", PD_MADE_UNSTATED},
    {"positiveFilm", "Digitised from a transparency", PD_MADE_UNSTATED},
    {"print", "Digitised from a print", PD_MADE_UNSTATED},
    {"humanEdits", "Edited by a person", PD_MADE_UNSTATED},
    {"minorHumanEdits", "Minor human edits", PD_MADE_UNSTATED},
    {"algorithmicallyEnhanced", "Enhanced by an algorithm", PD_MADE_UNSTATED},
    {"screenCapture", "Screen capture", PD_MADE_UNSTATED},
    {"virtualRecording", "Recording of a virtual event", PD_MADE_UNSTATED},
    {"dataDrivenMedia", "Made from data", PD_MADE_UNSTATED},
    {"digitalArt", "Digital art", PD_MADE_UNSTATED},
    {"digitalCreation", "Digital creation", PD_MADE_UNSTATED},
    {"softwareImage", "Made by software", PD_MADE_UNSTATED},
    {"compositeCapture", "Composite of captures", PD_MADE_COMPOSITE},
    {"composite", "Composite", PD_MADE_COMPOSITE},
    {"compositeSynthetic", "Composite with synthetic elements", PD_MADE_COMPOSITE},
    {"compositeWithTrainedAlgorithmicMedia", "Edited using generative AI", PD_MADE_COMPOSITE},
    {"trainedAlgorithmicMedia", "Created using generative AI", PD_MADE_AI},
    {"algorithmicMedia", "Created by an algorithm", PD_MADE_AI},
};

static const struct {
    const char *code;
    const char *label;
} data_mining[] = {
    {"DMI-UNSPECIFIED", "Unspecified"},
    {"DMI-ALLOWED", "Allowed"},
    {"DMI-PROHIBITED-AIMLTRAINING", "Prohibited for AI/ML training"},
    {"DMI-PROHIBITED-GENAIMLTRAINING", "Prohibited for generative AI/ML training"},
    {"DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", "Prohibited except for search engine indexing"},
    {"DMI-PROHIBITED", "Prohibited"},
    {"DMI-PROHIBITED-SEECONSTRAINT", "Prohibited, see the constraints"},
    {"DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR", "Prohibited, see the embedded rights expression"},
    {"DMI-PROHIBITED-SEELINKEDRIGHTSEXPR", "Prohibited, see the linked rights expression"},
};

/* The code of a vocabulary URI: what follows its last '/' (the whole value when it has
 * none), surrounding blanks ignored by the caller's normalising. */
static const char *
code_of(const char *value)
{
    const char *slash = strrchr(value, '/');
    return slash ? slash + 1 : value;
}

static int
find_source_type(const char *value)
{
    if (value == NULL)
        return -1;
    const char *code = code_of(value);
    for (guint i = 0; i < G_N_ELEMENTS(source_types); i++)
        if (g_ascii_strcasecmp(code, source_types[i].code) == 0)
            return (int)i;
    return -1;
}

PdMade
pd_provenance_made(const char *digital_source_type)
{
    int i = find_source_type(digital_source_type);
    return i < 0 ? PD_MADE_UNSTATED : source_types[i].made;
}

const char *
pd_provenance_source_label(const char *digital_source_type)
{
    int i = find_source_type(digital_source_type);
    return i < 0 ? NULL : source_types[i].label;
}

const char *
pd_provenance_data_mining_label(const char *value)
{
    if (value == NULL)
        return NULL;
    const char *code = code_of(value);
    for (guint i = 0; i < G_N_ELEMENTS(data_mining); i++)
        if (g_ascii_strcasecmp(code, data_mining[i].code) == 0)
            return data_mining[i].label;
    return NULL;
}

const char *
pd_made_name(PdMade made)
{
    if (made & PD_MADE_AI)
        return "ai";
    if (made & PD_MADE_COMPOSITE)
        return "composite";
    return NULL;
}

gboolean
pd_made_parse(const char *name, PdMade *out)
{
    static const struct {
        const char *name;
        PdMade made;
    } names[] = {
        {"ai", PD_MADE_AI},
        {"composite", PD_MADE_COMPOSITE},
        {"synthetic", PD_MADE_AI | PD_MADE_COMPOSITE},
    };
    for (guint i = 0; name && i < G_N_ELEMENTS(names); i++)
        if (g_ascii_strcasecmp(name, names[i].name) == 0) {
            *out = names[i].made;
            return TRUE;
        }
    return FALSE;
}
