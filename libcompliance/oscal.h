/*
 * OSCAL internals shared by oscal.c (documents, catalog index, baselines),
 * oscal_resolve.c (profile resolution) and oscal_results.c (assessment
 * results). Never exported.
 *
 * A resolution context owns every document it read, each parsed once and
 * kept until the context is disposed of; indices and resolved catalogs
 * borrow from them. Documents come from the file system (paths relative to
 * the current directory) or from an lcmp_reader (paths relative to the
 * root of a baseline tree, which they can never leave).
 */
#ifndef LCMP_OSCAL_INTERNAL_H
#define LCMP_OSCAL_INTERNAL_H

#include <jansson.h>

#include "libcompliance/oscal.h"
#include "json.h"
#include "model.h"

/* Namespace of our own props in OSCAL output. */
#define LCMP__OSCAL_NS "urn:libcompliance:oscal"
/* The OSCAL version our documents claim. */
#define LCMP__OSCAL_VERSION "1.1.2"
/* The default namespace of OSCAL props and parts. */
#define LCMP__OSCAL_NIST_NS "http://csrc.nist.gov/ns/oscal"

/* A control of a catalog, in pre-order (a parent before its children). */
typedef struct lcmp__oscal_ctl {
    json_t *obj;
    const char *id;
    size_t parent; /* enclosing control, or SIZE_MAX */
    size_t group;  /* innermost enclosing group, or SIZE_MAX */
    size_t end;    /* its descendants are the controls (this, end) */
    size_t pos;    /* index in the enclosing "controls" array */
} lcmp__oscal_ctl;

/* A group of a catalog, in pre-order. */
typedef struct lcmp__oscal_grp {
    json_t *obj;
    const char *id; /* NULL when the group has none */
    const char *title;
    size_t parent; /* enclosing group, or SIZE_MAX */
    size_t pos;    /* index in the enclosing "groups" array */
} lcmp__oscal_grp;

/* A parameter of a catalog. */
typedef struct lcmp__oscal_prm {
    const char *id;
    json_t *obj;
    size_t ctl; /* owning control, or SIZE_MAX for a loose parameter */
} lcmp__oscal_prm;

/*
 * The controls, groups and parameters of a catalog: walked once, checked
 * for the members resolution relies on (types, ids, unique control ids),
 * and sorted by id for O(log n) lookups.
 */
typedef struct lcmp__oscal_index {
    json_t *catalog; /* the "catalog" object (borrowed) */
    lcmp__oscal_ctl *ctls;
    size_t nctls;
    lcmp__oscal_grp *grps;
    size_t ngrps;
    size_t *by_id;         /* control indices sorted by id */
    lcmp__oscal_prm *prms; /* sorted by id (duplicates adjacent) */
    size_t nprms;
} lcmp__oscal_index;

/* A document read during resolution. */
typedef struct lcmp__oscal_doc {
    char *path;   /* normalised */
    char *source; /* the name used in errors */
    json_t *root;
    json_t *body; /* the root's "catalog" or "profile" member */
    int profile;  /* 1: a profile */
    int busy;     /* being resolved (to find import cycles) */
    uint8_t sha256[32];
    size_t size;              /* of its bytes */
    json_t *resolved;         /* profile: its resolved catalog document */
    lcmp__oscal_index *index; /* of the catalog it stands for */
    char uuid[37];            /* profile: the resolved catalog's uuid */
} lcmp__oscal_doc;

typedef struct lcmp__oscal_ctx {
    const lcmp_reader *reader; /* NULL: the file system */
    lcmp__json_limits lim;
    const lcmp_oscal_href *hrefs;
    size_t nhrefs;
    unsigned int max_imports;
    int64_t last_modified;
    lcmp_oscal_warn_fn warn;
    void *warn_payload;
    lcmp__oscal_doc **docs;
    size_t ndocs;
    lcmp__oscal_doc **chain; /* the profiles being resolved, outermost first */
    unsigned int depth;      /* their number */
    lcmp_error *err;
} lcmp__oscal_ctx;

/* Start a context (reader may be NULL); LCMP_EINVALID on bad options. */
int lcmp__oscal_ctx_init(lcmp__oscal_ctx *ctx,
                         const lcmp_reader *reader,
                         const lcmp_oscal_options *opts,
                         lcmp_error *err);
void lcmp__oscal_ctx_dispose(lcmp__oscal_ctx *ctx);

/* Report a warning through ctx->warn (if any). */
void lcmp__oscal_warn(lcmp__oscal_ctx *ctx,
                      const char *source,
                      const char *pointer,
                      const char *fmt,
                      ...) LCMP__PRINTF(4, 5);

/*
 * The document at `path` (normalised), read, parsed and checked to be an
 * OSCAL catalog or profile the first time, from the cache afterwards.
 * Read errors are reported as they come (file name as source).
 */
int lcmp__oscal_open(lcmp__oscal_doc **out,
                     lcmp__oscal_ctx *ctx,
                     const char *path);

/*
 * Where an import's href leads: the normalised path of the document to
 * read, following `#uuid` to the back-matter resource of `doc`, the href
 * map, and XML/YAML names to their JSON sibling. `p` is at the href.
 */
int lcmp__oscal_import_path(char **out,
                            lcmp__oscal_ctx *ctx,
                            const lcmp__oscal_doc *doc,
                            const char *href,
                            lcmp__jpath *p);

/* Normalise `path` lexically ("a/./b/../c" -> "a/c"); NULL on failure or,
 * in a tree (`in_tree`), when the path leaves it or is absolute. */
char *lcmp__oscal_normalise(const char *path, int in_tree);

/*
 * The catalog a document stands for (itself, or a profile's resolved
 * catalog, resolved on first use) and its index; both borrowed from the
 * document.
 */
int lcmp__oscal_catalog_of(json_t **catalog,
                           lcmp__oscal_index **index,
                           lcmp__oscal_ctx *ctx,
                           lcmp__oscal_doc *doc);

/* Resolve a profile document into doc->resolved (oscal_resolve.c). */
int lcmp__oscal_resolve_profile(lcmp__oscal_ctx *ctx, lcmp__oscal_doc *doc);

/* Index a "catalog" object; errors name `source`. */
int lcmp__oscal_index_build(lcmp__oscal_index **out,
                            json_t *catalog,
                            const char *source,
                            lcmp_error *err);
void lcmp__oscal_index_free(lcmp__oscal_index *ix);
/* Index of the control with this id, or SIZE_MAX. */
size_t lcmp__oscal_find_control(const lcmp__oscal_index *ix, const char *id);
/* The first parameter with this id, or NULL. */
const lcmp__oscal_prm *lcmp__oscal_find_param(const lcmp__oscal_index *ix,
                                              const char *id);
/* The JSON pointer of control i ("/catalog/groups/0/controls/3"). */
void lcmp__oscal_control_pointer(char *out,
                                 size_t size,
                                 const lcmp__oscal_index *ix,
                                 size_t i);

/* Whether an object's props say name=value (default namespace). */
int lcmp__oscal_has_prop(const json_t *obj,
                         const char *name,
                         const char *value);

/* The deterministic text of an OSCAL document (2-space indentation unless
 * LCMP_OSCAL_F_COMPACT), ending with a newline. */
int lcmp__oscal_dump(lcmp_buf *out,
                     const json_t *doc,
                     uint32_t flags,
                     lcmp_error *err);

/* SHA-256 of bytes; LCMP_ECRYPTO when the backend fails. */
int lcmp__oscal_sha256(uint8_t out[32],
                       const void *data,
                       size_t len,
                       lcmp_error *err);

/* A name-based UUID (RFC 4122 version 5, SHA-1) in our own namespace. */
int lcmp__oscal_uuid(char out[37],
                     const char *name,
                     size_t len,
                     lcmp_error *err);

/*
 * The baseline of a manifest ("baseline.json", parsed: `manifest`, named
 * `source` in errors) whose "oscal" member points at an OSCAL catalog and
 * profiles in the tree behind `reader` (docs/formats.md §4).
 */
int lcmp__oscal_baseline_from_manifest(lcmp_baseline **out,
                                       const lcmp_reader *reader,
                                       const json_t *manifest,
                                       const char *source,
                                       const lcmp_load_options *opts,
                                       lcmp_error *err);

/*
 * For lcmp_baseline_load() and lcmp_baseline_validate(): read
 * "baseline.json" through `reader`; when it is a JSON object with an
 * "oscal" member, load the baseline from OSCAL and return 1 (*out set), or
 * < 0 with `err` filled; otherwise (no "oscal" member, or options or a
 * manifest that cannot be read or parsed, which the native loader then
 * reports in its own words) return 0 and leave *out NULL.
 */
int lcmp__oscal_baseline_probe(lcmp_baseline **out,
                               const lcmp_reader *reader,
                               const lcmp_load_options *opts,
                               lcmp_error *err);

/*
 * Resolve a profile read through `reader` (in a tree) into `out` (for the
 * fuzz target and tests).
 */
int lcmp__oscal_resolve_reader(lcmp_buf *out,
                               const lcmp_reader *reader,
                               const char *path,
                               const lcmp_oscal_options *opts,
                               uint32_t flags,
                               lcmp_error *err);

#endif
